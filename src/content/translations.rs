//! A translation restates its original in another language; it does not get facts of its own.
//! Where a `.fr.md` gives a different date, province, profession, format or status than its
//! original, the two pages (and the two calendars, under one event UID) would disagree: each
//! such field is reported at its line in the translation.

use std::collections::HashMap;

use super::model::{Collection, Details, Item};
use super::parse::ParsedItem;
use crate::error::Diagnostic;
use crate::lang::Lang;
use crate::schema::Moment;

/// The facts of an item that every language shares: field name and value as shown.
fn facts(item: &Item) -> Vec<(&'static str, String)> {
    let list = |v: Vec<String>| v.join(", ");
    let mut out = vec![
        (
            "province",
            list(item.provinces.iter().map(|p| p.code().to_string()).collect()),
        ),
        ("professions", list(item.professions.clone())),
        (
            "audience",
            list(item.audience.iter().map(|a| format!("{a:?}")).collect()),
        ),
    ];
    match &item.details {
        Details::Event(e) => {
            out.push(("start", moment(&e.start)));
            out.push(("end", e.end.as_ref().map(moment).unwrap_or_default()));
            out.push(("format", format!("{:?}", e.format)));
            out.push((
                "language",
                e.language.map(|l| format!("{l:?}")).unwrap_or_default(),
            ));
        }
        Details::Portal { status, .. } => out.push(("status", format!("{status:?}"))),
        Details::Program { delivery, .. } => {
            out.push(("delivery", delivery.map(|d| format!("{d:?}")).unwrap_or_default()))
        }
        Details::Page | Details::Member { .. } => {}
    }
    out
}

fn moment(m: &Moment) -> String {
    match m {
        Moment::Year(d) => d.year().to_string(),
        Moment::Month(d) => d.strftime("%Y-%m").to_string(),
        Moment::Date(d) => d.to_string(),
        Moment::DateTime(t) => t.to_string(),
    }
}

/// Reports every fact a translation states differently from its original.
pub fn check_facts(items: &[&ParsedItem], default: Lang, diags: &mut Vec<Diagnostic>) {
    let originals: HashMap<(Collection, &str), &Item> = items
        .iter()
        .filter(|p| p.item.lang == default)
        .map(|p| ((p.item.collection, p.item.slug.as_str()), &*p.item))
        .collect();
    for p in items {
        let item = &p.item;
        if item.lang == default {
            continue;
        }
        let Some(original) = originals.get(&(item.collection, item.slug.as_str())) else {
            continue;
        };
        for ((field, mine), (_, theirs)) in facts(item).into_iter().zip(facts(original)) {
            if mine == theirs {
                continue;
            }
            let (line, col) = item.positions.get(field).copied().unwrap_or((0, 0));
            let said = |v: &str| {
                if v.is_empty() {
                    "nothing".to_string()
                } else {
                    format!("{v:?}")
                }
            };
            diags.push(Diagnostic::error(
                &item.path,
                line,
                col,
                format!(
                    "field \"{field}\" says {} here but {} in {}: a translation shares its original's facts, so both pages and calendars agree; make them the same",
                    said(&mine),
                    said(&theirs),
                    original.path.display()
                ),
            ));
        }
    }
}
