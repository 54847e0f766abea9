//! The hub's own content, apart from the code's tests: what `content/` must keep true whatever
//! the generator accepts. Every item and occupation note names a web address as its source and
//! has a French version; every occupation has its French title; no `reviewed` date is later
//! than the build date (it is the date the facts are from, so it cannot be in the future).
//!
//! Each test lists every offending file, so one run shows all that needs fixing.

use std::path::Path;

use iehp::content::model::{Collection, Site};
use iehp::lang::Lang;
use iehp::schema::is_web_url;
use iehp::site::{self, BuildOptions};
use jiff::civil::Date;

/// The hub as a build of today would load it, and that build date.
fn hub() -> (Site, Date) {
    let loaded = site::load(&BuildOptions::new(Path::new(env!("CARGO_MANIFEST_DIR"))))
        .unwrap_or_else(|e| panic!("the hub's content does not load: {e}"));
    (loaded.site, loaded.now)
}

fn fail_if_any(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} {what}:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn the_hubs_own_content_names_a_source_address_for_every_item_and_note() {
    let (site, _) = hub();
    let mut problems = Vec::new();
    // Pages are the hub's own text (about, for employers): they name their sources in the body.
    for item in site.items.iter().filter(|i| i.collection != Collection::Pages) {
        match &item.source {
            Some(s) if is_web_url(s) => {}
            Some(s) => problems.push(format!(
                "{}: source {s:?} is not a web address",
                item.path.display()
            )),
            None => problems.push(format!("{}: no source", item.path.display())),
        }
    }
    for note in &site.notes {
        if !is_web_url(&note.source) {
            problems.push(format!(
                "{}: source {:?} is not a web address",
                note.path.display(),
                note.source
            ));
        }
    }
    fail_if_any("items without a source address", problems);
}

#[test]
fn the_hubs_own_content_has_a_french_version_of_every_item_and_note() {
    let (site, _) = hub();
    let default = site.config.default_language();
    assert!(
        site.config.languages.contains(&Lang::Fr),
        "the hub is bilingual: site.yaml's languages must include fr"
    );
    let mut problems = Vec::new();
    for item in site.items.iter().filter(|i| i.lang == default) {
        if site.find(item.collection, &item.slug, Lang::Fr).is_none() {
            problems.push(format!("{}: no .fr.md beside it", item.path.display()));
        }
    }
    for note in site.notes.iter().filter(|n| n.lang == default) {
        if !site
            .notes
            .iter()
            .any(|n| n.code == note.code && n.lang == Lang::Fr)
        {
            problems.push(format!("{}: no .fr.md beside it", note.path.display()));
        }
    }
    for occ in &site.occupations {
        if occ.title_fr.as_deref().is_none_or(|t| t.trim().is_empty()) {
            problems.push(format!("content/data/noc.yaml: {} has no title_fr", occ.code));
        }
    }
    fail_if_any("items with no French version", problems);
}

#[test]
fn the_hubs_own_content_has_no_reviewed_date_later_than_the_build_date() {
    let (site, today) = hub();
    let mut problems = Vec::new();
    for item in &site.items {
        if item.reviewed > today {
            problems.push(format!(
                "{}: reviewed {} is after {today}",
                item.path.display(),
                item.reviewed
            ));
        }
    }
    for note in &site.notes {
        if note.reviewed > today {
            problems.push(format!(
                "{}: reviewed {} is after {today}",
                note.path.display(),
                note.reviewed
            ));
        }
    }
    fail_if_any("facts dated in the future", problems);
}
