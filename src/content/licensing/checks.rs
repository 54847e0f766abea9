//! The professions file (`data/professions.yaml`: the "I am a..." choices) and the checks that
//! span licensing files: every slug a pathway or an organisation names must exist (reported at
//! its line with the nearest real one), one file per slug and language, translations beside
//! their originals, pathways named after their profession and province, no successor loops.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{ParsedProfession, SlugRef, Target};
use crate::content::discover::{FileKind, SourceFile};
use crate::content::markdown;
use crate::content::model::*;
use crate::content::parse;
use crate::error::Diagnostic;
use crate::lang::Lang;
use crate::schema::suggest;

pub fn professions_file(file: &SourceFile, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<ParsedProfession> {
    parse::data_list(file, text, diags, "professions", |f, _| {
        let slug = f.req_str("slug");
        let slug_pos = f.value_pos("slug");
        let title = f.req_str("title");
        let title_fr = f.opt_str("title_fr");
        let (professions, refs) = parse::professions(f, "professions");
        if let Some(s) = &slug
            && !crate::content::is_safe_slug(s)
        {
            f.error_at_value(
                "slug",
                format!(
                    "the slug {s:?} must be lowercase letters, digits and dashes (e.g. {:?})",
                    markdown::slugify(s)
                ),
            );
            return None;
        }
        if professions.is_empty() {
            f.error_at_value(
                "professions",
                "missing: give its NOC 2021 codes, e.g. [\"31301\"]",
            );
            return None;
        }
        Some(ParsedProfession {
            profession: Profession {
                slug: slug?,
                title: title?,
                title_fr,
                professions,
            },
            slug_pos,
            refs,
        })
    })
}

/// The slugs of every default-language organisation and pathway file, parsed or not.
#[derive(Debug, Default)]
pub struct Originals {
    pub organizations: BTreeSet<String>,
    pub pathways: BTreeSet<String>,
}

impl Originals {
    pub fn add(&mut self, kind: &FileKind) {
        match kind {
            FileKind::Organization { stem, lang: None } => {
                self.organizations.insert(stem.clone());
            }
            FileKind::Pathway { stem, lang: None } => {
                self.pathways.insert(stem.clone());
            }
            _ => {}
        }
    }
}

/// The slugs references can point to, by target.
pub struct Known<'a> {
    pub organizations: BTreeSet<&'a str>,
    pub professions: BTreeSet<&'a str>,
    pub programs: BTreeSet<&'a str>,
    pub members: BTreeSet<&'a str>,
    pub events: BTreeSet<&'a str>,
}

impl Known<'_> {
    fn of(&self, target: Target) -> &BTreeSet<&str> {
        match target {
            Target::Organization => &self.organizations,
            Target::Profession => &self.professions,
            Target::Program => &self.programs,
            Target::Member => &self.members,
            Target::Event => &self.events,
        }
    }
}

/// Reports every slug in `refs` that names nothing, with the nearest real one.
pub fn check_slugs(path: &Path, refs: &[SlugRef], known: &Known, diags: &mut Vec<Diagnostic>) {
    for r in refs {
        let set = known.of(r.target);
        if set.contains(r.slug.as_str()) {
            continue;
        }
        let mut msg = format!(
            "field \"{}\": there is no {} with the slug {:?}",
            r.field,
            r.target.describe(),
            r.slug
        );
        match suggest(&r.slug, set.iter().copied()) {
            Some(s) => msg.push_str(&format!(" (did you mean `{s}`?)")),
            None if set.is_empty() => msg.push_str("; there are none yet"),
            None => {}
        }
        diags.push(Diagnostic::error(path, r.line, r.col, msg));
    }
}

/// A pathway is named after its profession and province (checked once its profession is known).
pub fn check_file_name(p: &Pathway, professions: &BTreeSet<&str>, diags: &mut Vec<Diagnostic>) {
    if !professions.contains(p.profession.as_str()) {
        return;
    }
    let expected = format!("{}-{}", p.profession, p.province.code().to_lowercase());
    if expected != p.slug {
        diags.push(Diagnostic::error(
            &p.path,
            0,
            0,
            format!(
                "file name: a pathway is named after its profession and province: {expected}.md, not {}.md",
                p.slug
            ),
        ));
    }
}

/// Each (slug, language) used once, and each translation beside its original. `originals`:
/// every default-language file of the collection, parsed or not (a broken original is
/// reported on its own, not as missing).
pub fn check_versions<'a>(
    what: &str,
    folder: &str,
    versions: impl Iterator<Item = (&'a str, Lang, &'a Path)>,
    originals: &BTreeSet<&str>,
    default: Lang,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<(&str, Lang), &Path> = BTreeMap::new();
    let mut all = Vec::new();
    for (slug, lang, path) in versions {
        if let Some(first) = seen.get(&(slug, lang)) {
            diags.push(Diagnostic::error(
                path,
                0,
                0,
                format!(
                    "the {what} {slug:?} is already in {}; each {what} has one file per language",
                    first.display()
                ),
            ));
            continue;
        }
        seen.insert((slug, lang), path);
        all.push((slug, lang, path));
    }
    for (slug, lang, path) in all {
        if lang != default && !originals.contains(slug) {
            diags.push(Diagnostic::error(
                path,
                0,
                0,
                format!(
                    "this {lang} version has no {default} original: add content/{folder}/{slug}.md beside it"
                ),
            ));
        }
    }
}

/// Professions: each slug once.
pub fn check_professions(path: &Path, list: &[ParsedProfession], diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for p in list {
        if let Some(first) = seen.get(p.profession.slug.as_str()) {
            diags.push(Diagnostic::error(
                path,
                p.slug_pos.0,
                p.slug_pos.1,
                format!(
                    "field \"slug\": {:?} is listed twice (first on line {first})",
                    p.profession.slug
                ),
            ));
        } else {
            seen.insert(&p.profession.slug, p.slug_pos.0);
        }
    }
}

/// The chain of successors from `start`, when it comes back on itself.
pub fn successor_loop<'a>(
    start: &'a Organization,
    by_slug: &BTreeMap<&str, &'a Organization>,
) -> Option<Vec<&'a str>> {
    let mut chain = vec![start.slug.as_str()];
    let mut at = start;
    while let Some(next) = at.successor.as_deref() {
        if chain.contains(&next) {
            chain.push(next);
            return Some(chain);
        }
        chain.push(next);
        at = by_slug.get(next)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::test_support::file;
    use super::*;

    #[test]
    fn professions_file_reports_bad_entries() {
        let f = file(FileKind::Professions, "content/data/professions.yaml");
        let mut diags = Vec::new();
        let list = professions_file(
            &f,
            "- slug: registered-nurse\n  title: Nurse\n  professions: [\"31301\"]\n- slug: Bad Slug\n  title: X\n  professions: [\"1\"]\n- slug: doctor\n  title: Doctor\n",
            &mut diags,
        );
        assert_eq!(list.len(), 1);
        let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(
            shown[0].contains(":6:16: field \"professions\": expected 5-digit NOC 2021 codes"),
            "{shown:?}"
        );
        assert!(
            shown[1].contains(":4:9: field \"slug\": the slug \"Bad Slug\" must be"),
            "{shown:?}"
        );
        assert!(
            shown[2].contains(":7:1: field \"professions\": missing"),
            "{shown:?}"
        );
    }
}
