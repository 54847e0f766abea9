//! One file at a time: text -> typed value, with every problem in that file collected.
//! Checks that need other files (references, uniqueness) are in `content` and `licensing`.
//! This file owns what every parser shares (the [`Source`] of a file, its front matter, NOC
//! code lists, body lines), the instants a [`Moment`] covers, and occupation notes; items are
//! in `item`, the data files (`data/*.yaml`) in `data`.

use std::path::Path;

use jiff::tz::TimeZone;

use super::discover::SourceFile;
use super::frontmatter;
use super::markdown;
use super::model::*;
use crate::config::Config;
use crate::error::Diagnostic;
use crate::schema::{Fields, Moment};
use crate::yaml::{self, Node};

mod data;
mod item;

pub(in crate::content) use data::data_list;
pub use data::{draws, noc, synonyms};
pub use item::{ParsedItem, item};

/// A content file to parse: what its name says of it, its text, and the site's settings.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub file: &'a SourceFile,
    /// The file name less its language code and `.md`: a slug, or a NOC code.
    pub stem: &'a str,
    /// The language code the file name ends with (`about.fr.md`), if any.
    pub lang: Option<&'a str>,
    pub text: &'a str,
    pub config: &'a Config,
}

/// A NOC code named somewhere, with where, so a dangling one can be reported in place.
#[derive(Debug, Clone)]
pub struct CodeRef {
    pub code: String,
    pub line: usize,
    pub col: usize,
}

/// Where an item's slug came from, for duplicate reports.
#[derive(Debug, Clone, Copy)]
pub struct SlugPos {
    pub line: usize,
    pub col: usize,
}

fn diag(path: &Path, p: frontmatter::Problem) -> Diagnostic {
    Diagnostic::error(path, p.line, p.col, p.message)
}

/// A file's parsed front matter and its Markdown body.
pub(super) struct FrontMatter<'t> {
    pub map: Vec<(String, Node)>,
    pub index: yaml::KeyIndex,
    /// The front matter's text, for positions in nested fields.
    pub front: &'t str,
    /// Lines before the front matter, added to positions within it.
    pub offset: usize,
    pub body: &'t str,
}

/// Decodes and splits a content file, then parses its front matter as a mapping.
pub(super) fn front_matter<'t>(
    file: &SourceFile,
    text: &'t str,
    diags: &mut Vec<Diagnostic>,
) -> Option<FrontMatter<'t>> {
    let split = match frontmatter::split(text) {
        Ok(s) => s,
        Err(p) => {
            diags.push(diag(&file.rel, p));
            return None;
        }
    };
    let node = match yaml::parse(split.front) {
        Ok(n) => n,
        Err(e) => {
            diags.push(Diagnostic::error(
                &file.rel,
                e.line + split.front_offset,
                e.col,
                format!("YAML syntax: {}", e.message),
            ));
            return None;
        }
    };
    let map = match node {
        Node::Map(m) => m,
        Node::Null => Vec::new(),
        other => {
            diags.push(Diagnostic::error(
                &file.rel,
                1 + split.front_offset,
                1,
                format!(
                    "expected fields as `name: value` lines, found {}",
                    other.describe()
                ),
            ));
            return None;
        }
    };
    let mut index = yaml::index_mapping(split.front);
    // "Missing field" problems point at the opening `---`.
    index.start = yaml::Pos { line: 0, col: 1 };
    Some(FrontMatter {
        map,
        index,
        front: split.front,
        offset: split.front_offset,
        body: split.body,
    })
}

/// Reads the file's bytes into text, reporting encoding problems.
pub fn decode(file: &SourceFile, bytes: &[u8], diags: &mut Vec<Diagnostic>) -> Option<String> {
    match frontmatter::decode(bytes) {
        Ok(t) => Some(t),
        Err(p) => {
            diags.push(diag(&file.rel, p));
            None
        }
    }
}

pub(super) fn professions(f: &mut Fields, key: &'static str) -> (Vec<String>, Vec<CodeRef>) {
    let codes = f.str_list(key);
    let mut refs = Vec::new();
    let mut out = Vec::new();
    for (n, code) in codes.into_iter().enumerate() {
        let (line, col) = f.item_pos(key, n);
        if !is_noc_code(&code) {
            f.error_at_value(
                key,
                format!("expected 5-digit NOC 2021 codes such as \"31301\", found {code:?}"),
            );
            continue;
        }
        if !out.contains(&code) {
            refs.push(CodeRef {
                code: code.clone(),
                line,
                col,
            });
            out.push(code);
        }
    }
    (out, refs)
}

/// The 1-based line of `text` that its suffix `body` starts on.
pub(super) fn body_line(text: &str, body: &str) -> usize {
    let start = text.len().saturating_sub(body.len());
    text[..start].matches('\n').count() + 1
}

pub fn is_noc_code(s: &str) -> bool {
    s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The first instant a moment covers: a date starts at midnight in the site's time zone.
pub fn first_instant(m: Moment, tz: &TimeZone) -> jiff::Timestamp {
    match m {
        Moment::DateTime(t) => t,
        Moment::Date(d) | Moment::Month(d) | Moment::Year(d) => d
            .to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(jiff::Timestamp::MIN),
    }
}

/// The last instant a moment covers: a date lasts the whole day, a month or year all of it.
pub fn last_instant(m: Moment, tz: &TimeZone) -> jiff::Timestamp {
    match m {
        Moment::DateTime(t) => t,
        _ => last_date(m, tz)
            .tomorrow()
            .ok()
            .and_then(|t| t.to_zoned(tz.clone()).ok())
            .map(|z| z.timestamp() - jiff::SignedDuration::from_nanos(1))
            .unwrap_or(jiff::Timestamp::MAX),
    }
}

/// The last day a moment covers, in the site's time zone.
pub fn last_date(m: Moment, tz: &TimeZone) -> jiff::civil::Date {
    match m {
        Moment::DateTime(t) => t.to_zoned(tz.clone()).date(),
        Moment::Date(d) => d,
        Moment::Month(d) => d.last_of_month(),
        Moment::Year(d) => d.last_of_year(),
    }
}

pub struct ParsedNote {
    pub note: OccupationNote,
}

pub fn note(src: &Source, diags: &mut Vec<Diagnostic>) -> Option<ParsedNote> {
    let (file, stem, text, config) = (src.file, src.stem, src.text, src.config);
    let before = diags.len();
    if !is_noc_code(stem) {
        diags.push(Diagnostic::error(
            &file.rel,
            0,
            0,
            format!("an occupation note is named after its 5-digit NOC code (e.g. 31301.md), not {stem:?}"),
        ));
    }
    let front = front_matter(file, text, diags)?;
    let mut f = Fields::new(&file.rel, &front.map, &front.index, front.offset, diags);
    let lang = config.file_language(src.lang);
    let positions = f.positions();
    let summary = f.opt_str("summary");
    let source = f.req_str("source");
    let reviewed = f.req_date("reviewed");
    f.finish();
    if let Err(code) = lang {
        diags.push(Diagnostic::error(
            &file.rel,
            0,
            0,
            format!("language {code:?} is not in site.yaml's languages"),
        ));
    }
    let (Ok(lang), false) = (lang, diags.len() > before) else {
        return None;
    };
    Some(ParsedNote {
        note: OccupationNote {
            code: stem.to_string(),
            body: markdown::render_in(front.body, &config.lang_root(lang), lang),
            body_line: body_line(text, front.body),
            positions,
            lang,
            path: file.rel.clone(),
            summary,
            source: source?,
            reviewed: reviewed?,
        },
    })
}

#[cfg(test)]
mod test_support {
    use super::Config;

    pub(super) fn config() -> Config {
        crate::config::parse(
            std::path::Path::new("site.yaml"),
            "title: T\nbase_url: https://e.org/\nlanguages: [en, fr]\n",
        )
        .unwrap()
    }

    /// Copies of `text` with a few characters replaced, inserted or removed, deterministically.
    pub(super) fn corruptions(text: &str, n: usize) -> Vec<String> {
        // A small xorshift generator is enough to vary the corruption.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let noise = [
            '\0', ':', '-', '"', '\'', '[', ']', '{', '}', '&', '*', '!', '|', '>', '#', '\n', ' ', 'é',
            '\u{feff}', '\t',
        ];
        (0..n)
            .map(|_| {
                let mut chars: Vec<char> = text.chars().collect();
                for _ in 0..(next() % 4 + 1) {
                    let at = (next() as usize) % chars.len().max(1);
                    let c = noise[(next() as usize) % noise.len()];
                    match next() % 3 {
                        0 if at < chars.len() => chars[at] = c,
                        2 if at < chars.len() => {
                            chars.remove(at);
                        }
                        _ => chars.insert(at.min(chars.len()), c),
                    }
                }
                chars.into_iter().collect()
            })
            .collect()
    }
}
