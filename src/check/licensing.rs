//! Editorial checks on organisations and pathways: steps run by an organisation that was
//! renamed, merged or closed; facts older than `stale_after_months`; a translation whose facts
//! differ from its original. Warnings: they ask an editor to look, not to stop.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::Path;

use jiff::civil::Date;

use crate::catalog::is_stale;
use crate::content::model::{OrgStatus, Organization, Pathway, Site};
use crate::error::Diagnostic;

pub fn check(site: &Site, now: Date) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let default = site.config.default_language();
    let orgs: BTreeMap<&str, &Organization> = site
        .organizations
        .iter()
        .filter(|o| o.lang == default)
        .map(|o| (o.slug.as_str(), o.as_ref()))
        .collect();
    for p in &site.pathways {
        for (n, step) in p.steps.iter().enumerate() {
            let Some(org) = step.who.as_deref().and_then(|w| orgs.get(w)) else {
                continue;
            };
            if let Some(why) = gone(org) {
                diags.push(Diagnostic::warning(
                    &p.path,
                    step.who_pos.0,
                    step.who_pos.1,
                    format!("field \"steps[{}].who\": {why}", n + 1),
                ));
            }
        }
    }
    let months = site.config.stale_after_months;
    let stale = |path, pos: Option<&(usize, usize)>, reviewed: Date, diags: &mut Vec<Diagnostic>| {
        if is_stale(reviewed, now, months) {
            let (line, col) = pos.copied().unwrap_or((0, 0));
            diags.push(Diagnostic::warning(
                path,
                line,
                col,
                format!(
                    "field \"reviewed\": the facts are from {reviewed}, more than {months} months ago (stale_after_months); check the source and update `reviewed`"
                ),
            ));
        }
    };
    for o in &site.organizations {
        stale(&o.path, o.positions.get("reviewed"), o.reviewed, &mut diags);
        if o.lang != default
            && let Some(original) = orgs.get(o.slug.as_str())
        {
            same_org_facts(original, o, &mut diags);
        }
    }
    for p in &site.pathways {
        stale(&p.path, p.positions.get("reviewed"), p.reviewed, &mut diags);
        if p.lang != default
            && let Some(original) = site.pathway(&p.slug, default)
        {
            same_pathway_facts(original, p, &mut diags);
        }
    }
    diags
}

/// Why a step should no longer be run by `org`, if it should not.
fn gone(org: &Organization) -> Option<String> {
    let when = org.status_date.map(|d| format!(" on {d}")).unwrap_or_default();
    let name = &org.title;
    let now = org.successor.as_deref().unwrap_or("");
    match org.status {
        OrgStatus::Active => None,
        OrgStatus::Renamed => Some(format!(
            "{name} ({}) was renamed{when}: it is now `{now}`; name that organisation here",
            org.slug
        )),
        OrgStatus::Merged => Some(format!(
            "{name} ({}) merged into `{now}`{when}; name that organisation here",
            org.slug
        )),
        OrgStatus::Closed => Some(format!(
            "{name} ({}) closed{when}; check with the source who runs this step now",
            org.slug
        )),
    }
}

/// A warning at `field` of `translation` when a fact it repeats differs from the original.
fn same<T: PartialEq + Debug>(
    field: &str,
    ours: &T,
    theirs: &T,
    translation_path: &Path,
    pos: Option<&(usize, usize)>,
    original_path: &Path,
    diags: &mut Vec<Diagnostic>,
) {
    if ours != theirs {
        let (line, col) = pos.copied().unwrap_or((0, 0));
        diags.push(Diagnostic::warning(
            translation_path,
            line,
            col,
            format!(
                "field \"{field}\": {ours:?} here but {theirs:?} in {}; a translation repeats its original's facts",
                original_path.display()
            ),
        ));
    }
}

/// A licensing file that has versions in several languages.
trait Version {
    fn path(&self) -> &Path;
    fn positions(&self) -> &BTreeMap<String, (usize, usize)>;
}

impl Version for Organization {
    fn path(&self) -> &Path {
        &self.path
    }
    fn positions(&self) -> &BTreeMap<String, (usize, usize)> {
        &self.positions
    }
}

impl Version for Pathway {
    fn path(&self) -> &Path {
        &self.path
    }
    fn positions(&self) -> &BTreeMap<String, (usize, usize)> {
        &self.positions
    }
}

/// Compares one fact of translation `t` with `original`'s: called with the field's name and how
/// to read the fact as text, it warns at the field when they differ.
fn fact_checker<'a, T: Version>(
    original: &'a T,
    t: &'a T,
    diags: &'a mut Vec<Diagnostic>,
) -> impl FnMut(&str, &dyn Fn(&T) -> String) + 'a {
    move |name, fact| {
        same(
            name,
            &fact(t),
            &fact(original),
            t.path(),
            t.positions().get(name),
            original.path(),
            diags,
        )
    }
}

fn same_org_facts(original: &Organization, t: &Organization, diags: &mut Vec<Diagnostic>) {
    let mut field = fact_checker(original, t, diags);
    field("kind", &|o| format!("{:?}", o.kinds));
    field("province", &|o| format!("{:?}", o.provinces));
    field("professions", &|o| o.professions.join(", "));
    field("website", &|o| o.website.clone());
    field("status", &|o| o.status.name().to_string());
    field("successor", &|o| o.successor.clone().unwrap_or_default());
    field("reviewed", &|o| o.reviewed.to_string());
}

fn same_pathway_facts(original: &Pathway, t: &Pathway, diags: &mut Vec<Diagnostic>) {
    {
        let mut field = fact_checker(original, t, diags);
        field("profession", &|p| p.profession.clone());
        field("professions", &|p| p.professions.join(", "));
        field("province", &|p| p.province.code().to_string());
        field("reviewed", &|p| p.reviewed.to_string());
        field("related", &|p| format!("{:?}", p.related));
        if original.steps.len() != t.steps.len() {
            field("steps", &|p| format!("{} steps", p.steps.len()));
            return;
        }
    }
    for (n, (a, b)) in original.steps.iter().zip(&t.steps).enumerate() {
        if a.who != b.who {
            diags.push(Diagnostic::warning(
                &t.path,
                b.who_pos.0,
                b.who_pos.1,
                format!(
                    "field \"steps[{}].who\": {:?} here but {:?} in {}; a translation repeats its original's steps in the same order",
                    n + 1,
                    b.who.as_deref().unwrap_or(""),
                    a.who.as_deref().unwrap_or(""),
                    original.path.display()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{LoadOptions, load};

    fn write(root: &std::path::Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn fixture() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pathways");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let to = tmp.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        tmp
    }

    fn now() -> Date {
        "2025-09-01".parse().unwrap()
    }

    /// What `check` says, sorted, of the fixture with `from` replaced by `to` in the file `rel`.
    fn check_edited(rel: &str, from: &str, to: &str) -> Vec<String> {
        let tmp = fixture();
        let text = std::fs::read_to_string(tmp.path().join(rel)).unwrap();
        write(tmp.path(), rel, &text.replace(from, to));
        let site = load(tmp.path(), LoadOptions::default()).unwrap();
        let mut diags: Vec<String> = check(&site, now()).iter().map(ToString::to_string).collect();
        diags.sort();
        diags
    }

    #[test]
    fn the_fixture_has_nothing_to_say() {
        let tmp = fixture();
        let site = load(tmp.path(), LoadOptions::default()).unwrap();
        assert_eq!(check(&site, now()), []);
    }

    #[test]
    fn a_step_run_by_a_renamed_organisation_is_a_warning_at_its_who() {
        assert_eq!(
            check_edited(
                "content/pathways/registered-nurse-on.md",
                "who: nursing-exams",
                "who: exam-board"
            ),
            [
                "content/pathways/registered-nurse-on.fr.md:21:10: warning: field \"steps[3].who\": \"nursing-exams\" here but \"exam-board\" in content/pathways/registered-nurse-on.md; a translation repeats its original's steps in the same order",
                "content/pathways/registered-nurse-on.md:21:10: warning: field \"steps[3].who\": Example Exam Board (exam-board) was renamed on 2024-06-01: it is now `nursing-exams`; name that organisation here",
            ]
        );
    }

    #[test]
    fn a_closed_organisation_and_a_translation_that_differs() {
        assert_eq!(
            check_edited(
                "content/organizations/enc.md",
                "kind: regulator\n",
                "kind: regulator\nstatus: closed\n"
            ),
            [
                "content/organizations/enc.fr.md: warning: field \"status\": \"active\" here but \"closed\" in content/organizations/enc.md; a translation repeats its original's facts",
                "content/pathways/registered-nurse-on.fr.md:17:10: warning: field \"steps[2].who\": Example Nursing College (enc) closed; check with the source who runs this step now",
                "content/pathways/registered-nurse-on.fr.md:25:10: warning: field \"steps[4].who\": Example Nursing College (enc) closed; check with the source who runs this step now",
                "content/pathways/registered-nurse-on.md:17:10: warning: field \"steps[2].who\": Example Nursing College (enc) closed; check with the source who runs this step now",
                "content/pathways/registered-nurse-on.md:25:10: warning: field \"steps[4].who\": Example Nursing College (enc) closed; check with the source who runs this step now",
            ]
        );
    }
}
