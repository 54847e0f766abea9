//! Items and occupation notes that have no version in one of the site's other languages. A note
//! per missing file (the page then shows the original with a notice), and a count for the
//! summary line, so a bilingual hub sees how far it is from being written in both languages.

use std::collections::BTreeSet;

use crate::content::model::{Collection, Site};
use crate::error::Diagnostic;
use crate::lang::Lang;

/// One note per default-language item or occupation note without a file in another language.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let default = site.config.default_language();
    let others = site.config.languages.iter().filter(|&&l| l != default);
    let items: BTreeSet<(Collection, &str, Lang)> = site
        .items
        .iter()
        .map(|i| (i.collection, i.slug.as_str(), i.lang))
        .collect();
    let notes: BTreeSet<(&str, Lang)> = site.notes.iter().map(|n| (n.code.as_str(), n.lang)).collect();
    let mut diags = Vec::new();
    for &lang in others {
        for item in site.items.iter().filter(|i| i.lang == default) {
            if !items.contains(&(item.collection, item.slug.as_str(), lang)) {
                diags.push(missing(&item.path, lang));
            }
        }
        for note in site.notes.iter().filter(|n| n.lang == default) {
            if !notes.contains(&(note.code.as_str(), lang)) {
                diags.push(missing(&note.path, lang));
            }
        }
    }
    diags
}

/// The message's opening words, by which the summary line counts these notes.
pub const MISSING: &str = "no version in";

fn missing(path: &std::path::Path, lang: Lang) -> Diagnostic {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("<slug>");
    let name = lang.english_name();
    Diagnostic::note(
        path,
        1,
        1,
        format!(
            "{MISSING} {name}: the {name} site shows this text with a notice that it exists only in another language; add {stem}.{lang}.md beside it, written from the same facts"
        ),
    )
}
