//! What a search document is: the fields it is made of and what each weighs, its text per
//! language, and what a result shows. The documents themselves are made in `documents`;
//! `postings` turns them into the inverted index. Pure data, no ranking arithmetic beyond the
//! field weights.

use std::borrow::Cow;

use crate::catalog::SearchKind;
use crate::content::model::Province;

/// What a document is (the catalog's search kinds): the order is the order of the facet.
pub const KINDS: [&str; 8] = SearchKind::NAMES;

/// The searchable fields, with their BM25F weight and length normalisation `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    /// The title of a page about one profession (occupations, pathways): what readers name
    /// when they type a profession.
    KeyTitle,
    /// An organisation's abbreviation ("CNO"): a title, but not counted in the title's length
    /// (see `postings::title_terms`).
    Abbreviation,
    /// An occupation's own NOC code.
    Code,
    Summary,
    /// Codes and titles (both languages) of the occupations an item names.
    Professions,
    /// Host, partners, provider, operator, host organisation.
    Org,
    Location,
    /// Province names in both languages, and their codes.
    Provinces,
    /// Body text, and list fields such as services and supports.
    Body,
}

pub(super) const FIELDS: usize = 10;

impl Field {
    /// Title above summary, professions above body: what a reader names is usually in those.
    pub(super) fn weight(self) -> f64 {
        match self {
            Field::Title => 5.0,
            Field::KeyTitle => 10.0,
            Field::Abbreviation => 5.0,
            Field::Code => 6.0,
            Field::Summary => 2.5,
            Field::Professions => 2.0,
            Field::Org => 2.0,
            Field::Location => 2.0,
            Field::Provinces => 1.0,
            Field::Body => 1.0,
        }
    }

    /// Long bodies repeat words without being more about them; titles and lists of names do
    /// not, so only free text is normalised by length.
    pub(super) fn b(self) -> f64 {
        match self {
            Field::Title | Field::KeyTitle => 0.3,
            Field::Summary => 0.5,
            Field::Body => 0.75,
            _ => 0.0,
        }
    }
}

/// The text of one language version of a document, field by field (a field may come in
/// several parts). Borrowed from the model where it can be: at 100,000 items, copying every
/// body would cost hundreds of MB.
#[derive(Debug, Clone, Default)]
pub struct Texts<'a> {
    pub fields: Vec<(Field, Cow<'a, str>)>,
}

impl<'a> Texts<'a> {
    pub(super) fn add(&mut self, field: Field, text: impl Into<Cow<'a, str>>) {
        let text = text.into();
        if !text.trim().is_empty() {
            self.fields.push((field, text));
        }
    }

    pub(super) fn add_opt(&mut self, field: Field, text: &'a Option<String>) {
        if let Some(t) = text {
            self.add(field, t.as_str());
        }
    }
}

/// Event status, for the facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    None,
    Upcoming,
    Past,
}

/// What a result shows, in one interface language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub title: String,
    pub url: String,
    pub snippet: String,
    pub date: String,
    /// 0: no date; 1: when the event happens; 2: when the facts were checked.
    pub date_kind: u8,
    /// The language of the text when it is not the interface's (an item without a translation).
    pub text_lang: String,
}

/// One search document.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    /// The page's path below a language root; documents are ordered by (kind, key).
    pub key: String,
    pub kind: u8,
    /// One entry per language the text exists in.
    pub versions: Vec<Texts<'a>>,
    /// Fields that are the same in every language.
    pub shared: Texts<'a>,
    /// Bit `i` set: the text exists in the site's language `i`.
    pub langs: u32,
    pub provinces: Vec<Province>,
    /// Applies in every province (an occupation; an item for all of Canada): a province
    /// filter keeps it.
    pub national: bool,
    /// A general page (see [`GENERAL_BODY_SCALE`]).
    pub general: bool,
    /// Indexes into the site's occupations.
    pub professions: Vec<usize>,
    pub status: Status,
    /// One per interface language of the site, in the config's order.
    pub stored: Vec<Stored>,
}

/// Characters of the snippet a result shows.
pub(super) const SNIPPET_CHARS: usize = 240;

/// At most `max` characters, cut at a word, with an ellipsis when cut.
pub(super) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(at) => &cut[..at],
        None => &cut,
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || c == ',')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_clipped_at_a_word() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("one two three four", 10), "one two…");
    }
}
