//! Editorial checks on the model: stale facts, likely duplicates, past events without a
//! recording. Warnings and notes, never errors: they ask an editor to look, not to stop.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::catalog::is_stale;
use crate::content::markdown::slugify;
use crate::content::model::{Collection, Details, Item, Site};
use crate::content::parse::last_date;
use crate::error::Diagnostic;
use crate::lang::Lang;

fn at(item: &Item, field: &str) -> (usize, usize) {
    item.positions.get(field).copied().unwrap_or((1, 1))
}

pub fn check(site: &Site, now: Date) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let months = site.config.stale_after_months;
    let tz = &site.config.timezone;
    for item in &site.items {
        if is_stale(item.reviewed, now, months) {
            let (line, col) = at(item, "reviewed");
            diags.push(Diagnostic::warning(
                &item.path,
                line,
                col,
                format!(
                    "field \"reviewed\": the facts are from {}, more than {months} months ago (stale_after_months); check the source and update `reviewed`",
                    item.reviewed
                ),
            ));
        }
        // Translations share their original's recording; one note per event is enough.
        if let Details::Event(e) = &item.details
            && item.lang == site.config.default_language()
            && e.recording_url.is_none()
            && last_date(e.end.unwrap_or(e.start), tz) < now
        {
            let (line, col) = at(item, "start");
            diags.push(Diagnostic::note(
                &item.path,
                line,
                col,
                "past event without a recording_url; add one if a recording was published",
            ));
        }
    }
    for note in &site.notes {
        if is_stale(note.reviewed, now, months) {
            let (line, col) = note.positions.get("reviewed").copied().unwrap_or((0, 0));
            diags.push(Diagnostic::warning(
                &note.path,
                line,
                col,
                format!(
                    "the facts are from {}, more than {months} months ago; check the source and update `reviewed`",
                    note.reviewed
                ),
            ));
        }
    }
    diags.extend(duplicates(site));
    diags
}

/// The web address an item points to, if its collection has one.
fn item_url(item: &Item) -> Option<&str> {
    match &item.details {
        Details::Portal { url, .. } | Details::Member { url, .. } | Details::Program { url, .. } => {
            url.as_deref()
        }
        Details::Event(e) => e.registration_url.as_deref(),
        Details::Page => None,
    }
}

/// Titles reduced to their words, ignoring order, case, accents and punctuation.
fn title_key(title: &str) -> String {
    let slug = slugify(title);
    let mut words: Vec<&str> = slug.split('-').filter(|w| !w.is_empty()).collect();
    words.sort_unstable();
    words.dedup();
    words.join(" ")
}

/// Likely duplicates within a collection and language: the same address, or the same title
/// words. Every item of such a group is told about the others.
fn duplicates(site: &Site) -> Vec<Diagnostic> {
    let mut by_url: BTreeMap<(Collection, Lang, String), Vec<&Item>> = BTreeMap::new();
    let mut by_title: BTreeMap<(Collection, Lang, String), Vec<&Item>> = BTreeMap::new();
    for item in &site.items {
        if let Some(url) = item_url(item) {
            let key = (
                item.collection,
                item.lang,
                url.trim_end_matches('/').to_lowercase(),
            );
            by_url.entry(key).or_default().push(item);
        }
        let key = (item.collection, item.lang, title_key(&item.title));
        by_title.entry(key).or_default().push(item);
    }
    let mut diags = Vec::new();
    let mut report = |groups: BTreeMap<_, Vec<&Item>>, field: fn(&Item) -> &'static str, what: &str| {
        for group in groups.into_values().filter(|g| g.len() > 1) {
            for item in &group {
                let others: Vec<String> = group
                    .iter()
                    .filter(|o| o.path != item.path)
                    .map(|o| o.path.display().to_string())
                    .collect();
                let (line, col) = at(item, field(item));
                diags.push(Diagnostic::warning(
                    &item.path,
                    line,
                    col,
                    format!("likely duplicate: {} {what}", others.join(", ")),
                ));
            }
        }
    };
    report(
        by_url,
        |item| {
            if item.collection == Collection::Events {
                "registration_url"
            } else {
                "url"
            }
        },
        "has the same address",
    );
    report(by_title, |_| "title", "has nearly the same title");
    diags
}

#[cfg(test)]
mod tests {
    use super::title_key;

    #[test]
    fn near_same_titles_share_a_key() {
        assert_eq!(
            title_key("Nurses Network, Ontario"),
            title_key("ontario nurses network")
        );
        assert_eq!(title_key("Réseau santé"), title_key("Reseau Sante"));
        assert_ne!(title_key("Summit 2024"), title_key("Summit 2025"));
    }
}
