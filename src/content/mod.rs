//! The content stage: discover files, parse each one, check what spans files, and return the
//! validated [`Site`] model, or every problem found. Reads files; writes nothing.
//!
//! Only this module (with `yaml`) touches pulldown-cmark and serde_yaml.

pub mod discover;
pub mod frontmatter;
pub mod licensing;
mod links;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod store;
pub mod translations;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{self, Config};
use crate::error::Diagnostic;
use crate::lang::Lang;
use discover::{FileKind, SourceFile};
use model::*;
use parse::CodeRef;

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep items marked `draft: true`.
    pub drafts: bool,
}

/// URL segments at the top level that pages may not take as their slug (besides the language
/// codes, see [`is_reserved_slug`]).
const RESERVED_SLUGS: &[&str] = &[
    "portals",
    "events",
    "members",
    "programs",
    "occupations",
    "provinces",
    "draws",
    "organizations",
    "pathways",
    "search",
    "static",
    "assets",
    "404",
];

/// A top-level URL segment a page may not take: a section's, or a language's (`/fr/`).
fn is_reserved_slug(slug: &str) -> bool {
    RESERVED_SLUGS.contains(&slug) || Lang::from_code(slug).is_some()
}

pub use crate::schema::{MAX_SLUG, is_safe_slug};

/// `slug` cut to at most [`MAX_SLUG`] characters, at a dash when there is one to cut at (a long
/// title gives a slug of its first words).
pub fn shorten_slug(slug: &str) -> String {
    if slug.len() <= MAX_SLUG {
        return slug.to_string();
    }
    // Slugs are ASCII: any byte index is a character boundary.
    let head = &slug[..MAX_SLUG];
    let cut = if slug.as_bytes()[MAX_SLUG] == b'-' {
        head
    } else {
        head.rsplit_once('-').map_or(head, |(h, _)| h)
    };
    cut.trim_end_matches('-').to_string()
}

/// The problem with a slug, if it has one, with a slug that would do.
pub fn slug_problem(slug: &str) -> Option<String> {
    if is_safe_slug(slug) {
        return None;
    }
    let suggestion = shorten_slug(&markdown::slugify(slug));
    Some(if slug.len() > MAX_SLUG && suggestion != slug {
        format!(
            "the slug is {} characters long; the longest is {MAX_SLUG} (e.g. {suggestion:?})",
            slug.len()
        )
    } else {
        format!("the slug {slug:?} must be lowercase letters, digits and dashes (e.g. {suggestion:?})")
    })
}

pub const SITE_FILE: &str = "content/site.yaml";

/// Reads and validates `content/site.yaml` alone.
pub fn load_config(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join(SITE_FILE);
    let bytes = std::fs::read(&path).map_err(|e| {
        vec![Diagnostic::error(
            SITE_FILE,
            0,
            0,
            if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "not found under {}: a site needs content/site.yaml with at least `title:` and `base_url:`",
                    root.display()
                )
            } else {
                e.to_string()
            },
        )]
    })?;
    let text = frontmatter::decode(&bytes)
        .map_err(|p| vec![Diagnostic::error(SITE_FILE, p.line, p.col, p.message)])?;
    config::parse(Path::new(SITE_FILE), &text)
}

enum Parsed {
    Item(Box<parse::ParsedItem>),
    Note(Box<parse::ParsedNote>),
    Noc(Vec<(Occupation, (usize, usize))>),
    Draws(Vec<(Draw, Vec<CodeRef>)>),
    Organization(Box<licensing::ParsedOrganization>),
    Pathway(Box<licensing::ParsedPathway>),
    Professions(Vec<licensing::ParsedProfession>),
    Synonyms(Vec<SynonymGroup>),
    Failed,
}

/// Loads the whole site under `root`. On failure, returns every problem found, sorted.
pub fn load(root: &Path, opts: LoadOptions) -> Result<Site, Vec<Diagnostic>> {
    store::Store::open(root, opts).site()
}

/// Parses every file, in parallel.
fn parse_all(files: Vec<SourceFile>, config: &Config) -> Vec<(SourceFile, Parsed, Vec<Diagnostic>)> {
    files
        .into_par_iter()
        .map(|file| {
            let mut d = Vec::new();
            let parsed = parse_file(&file, config, &mut d);
            (file, parsed, d)
        })
        .collect()
}

/// Runs the checks that span files over every file's parse result and, when nothing is wrong,
/// returns the model. `diags` holds the problems found so far (discovery, parsing).
fn assemble<'p>(
    config: &Config,
    opts: LoadOptions,
    parsed: impl Iterator<Item = (&'p SourceFile, &'p Parsed)>,
    mut diags: Vec<Diagnostic>,
) -> Result<Site, Vec<Diagnostic>> {
    let mut items = Vec::new();
    let mut notes = Vec::new();
    let mut noc_entries = Vec::new();
    let mut draw_entries: &[(Draw, Vec<CodeRef>)] = &[];
    let mut synonyms = Vec::new();
    let mut noc_path = PathBuf::from("content/data/noc.yaml");
    let mut draws_path = PathBuf::from("content/data/draws.yaml");
    let mut organizations = Vec::new();
    let mut pathways = Vec::new();
    let mut profession_entries: &[licensing::ParsedProfession] = &[];
    let mut professions_path = PathBuf::from("content/data/professions.yaml");
    let mut originals = licensing::Originals::default();
    for (file, parsed) in parsed {
        originals.add(&file.kind);
        match parsed {
            Parsed::Organization(o) => organizations.push(&**o),
            Parsed::Pathway(p) => pathways.push(&**p),
            Parsed::Professions(list) => {
                professions_path = file.rel.clone();
                profession_entries = list;
            }
            Parsed::Item(p) => items.push(&**p),
            Parsed::Note(n) => notes.push(n.note.clone()),
            Parsed::Noc(list) => {
                noc_path = file.rel.clone();
                noc_entries = list.clone();
            }
            Parsed::Draws(list) => {
                draws_path = file.rel.clone();
                draw_entries = list;
            }
            Parsed::Synonyms(list) => synonyms = list.clone(),
            Parsed::Failed => {}
        }
    }

    let occupations = check_noc(&noc_path, noc_entries, &mut diags);
    let codes: BTreeSet<&str> = occupations.iter().map(|o| o.code.as_str()).collect();
    let check_refs = |path: &Path, refs: &[CodeRef], diags: &mut Vec<Diagnostic>| {
        for r in refs {
            if !codes.contains(r.code.as_str()) {
                diags.push(Diagnostic::error(
                    path,
                    r.line,
                    r.col,
                    format!(
                        "field \"professions\": NOC code {:?} is not in content/data/noc.yaml; add it there or correct the code",
                        r.code
                    ),
                ));
            }
        }
    };
    for p in &items {
        check_refs(&p.item.path, &p.refs, &mut diags);
    }
    for (_, refs) in draw_entries {
        check_refs(&draws_path, refs, &mut diags);
    }
    for p in profession_entries {
        check_refs(&professions_path, &p.refs, &mut diags);
    }
    for o in &organizations {
        check_refs(&o.org.path, &o.refs, &mut diags);
    }
    for p in &pathways {
        check_refs(&p.pathway.path, &p.refs, &mut diags);
    }
    check_licensing(
        &items,
        &organizations,
        &pathways,
        (&professions_path, profession_entries),
        &originals,
        config,
        &mut diags,
    );
    for n in &notes {
        if !codes.contains(n.code.as_str()) && parse::is_noc_code(&n.code) {
            diags.push(Diagnostic::error(
                &n.path,
                0,
                0,
                format!("NOC code {:?} is not in content/data/noc.yaml", n.code),
            ));
        }
    }
    check_slugs(&items, config, &mut diags);
    let targets: BTreeSet<(String, String)> = items
        .iter()
        .map(|p| (p.item.collection.name().to_string(), p.item.slug.clone()))
        .chain(
            organizations
                .iter()
                .map(|o| ("organizations".to_string(), o.org.slug.clone())),
        )
        .chain(
            pathways
                .iter()
                .map(|p| ("pathways".to_string(), p.pathway.slug.clone())),
        )
        .chain(codes.iter().map(|c| ("occupations".to_string(), c.to_string())))
        .collect();
    links::check(
        &targets,
        items
            .iter()
            .map(|p| (p.item.path.as_path(), &p.item.body, p.item.body_line))
            .chain(notes.iter().map(|n| (n.path.as_path(), &n.body, n.body_line)))
            .chain(
                organizations
                    .iter()
                    .map(|o| (o.org.path.as_path(), &o.org.body, o.org.body_line)),
            )
            .chain(
                pathways
                    .iter()
                    .map(|p| (p.pathway.path.as_path(), &p.pathway.body, p.pathway.body_line)),
            ),
        &mut diags,
    );
    translations::check_facts(&items, config.default_language(), &mut diags);
    check_note_duplicates(&notes, &mut diags);

    if diags.iter().any(Diagnostic::is_error) {
        diags.sort();
        diags.dedup();
        return Err(diags);
    }

    let mut items: Vec<Arc<Item>> = items.into_iter().map(|p| p.item.clone()).collect();
    if !opts.drafts {
        // A translation follows its original: a draft original hides every language.
        let drafts: BTreeSet<(Collection, String)> = items
            .iter()
            .filter(|i| i.draft)
            .map(|i| (i.collection, i.slug.clone()))
            .collect();
        items
            .retain(|i| !i.draft && (drafts.is_empty() || !drafts.contains(&(i.collection, i.slug.clone()))));
    }
    items.sort_by(|a, b| (a.collection, &a.slug, &a.lang).cmp(&(b.collection, &b.slug, &b.lang)));
    notes.sort_by(|a, b| (&a.code, &a.lang).cmp(&(&b.code, &b.lang)));
    let mut draws: Vec<Draw> = draw_entries.iter().map(|(d, _)| d.clone()).collect();
    draws.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.program.cmp(&b.program)));
    let mut organizations: Vec<Arc<Organization>> =
        organizations.into_iter().map(|o| o.org.clone()).collect();
    let mut pathways: Vec<Arc<Pathway>> = pathways.into_iter().map(|p| p.pathway.clone()).collect();
    if !opts.drafts {
        let drafts: BTreeSet<String> = organizations
            .iter()
            .filter(|o| o.draft)
            .map(|o| o.slug.clone())
            .collect();
        organizations.retain(|o| !drafts.contains(&o.slug));
        let drafts: BTreeSet<String> = pathways
            .iter()
            .filter(|p| p.draft)
            .map(|p| p.slug.clone())
            .collect();
        pathways.retain(|p| !drafts.contains(&p.slug));
    }
    organizations.sort_by(|a, b| (&a.slug, &a.lang).cmp(&(&b.slug, &b.lang)));
    pathways.sort_by(|a, b| (&a.slug, &a.lang).cmp(&(&b.slug, &b.lang)));

    Ok(Site {
        config: config.clone(),
        items,
        occupations,
        notes,
        draws,
        professions: profession_entries.iter().map(|p| p.profession.clone()).collect(),
        organizations,
        pathways,
        synonyms,
    })
}

/// The checks that span the licensing files: versions, and every slug they name.
fn check_licensing(
    items: &[&parse::ParsedItem],
    organizations: &[&licensing::ParsedOrganization],
    pathways: &[&licensing::ParsedPathway],
    (professions_path, professions): (&Path, &[licensing::ParsedProfession]),
    originals: &licensing::Originals,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) {
    let default = config.default_language();
    licensing::check_professions(professions_path, professions, diags);
    licensing::check_versions(
        "organisation",
        "organizations",
        organizations
            .iter()
            .map(|o| (o.org.slug.as_str(), o.org.lang, o.org.path.as_path())),
        &originals.organizations.iter().map(String::as_str).collect(),
        default,
        diags,
    );
    licensing::check_versions(
        "pathway",
        "pathways",
        pathways
            .iter()
            .map(|p| (p.pathway.slug.as_str(), p.pathway.lang, p.pathway.path.as_path())),
        &originals.pathways.iter().map(String::as_str).collect(),
        default,
        diags,
    );
    let slugs_in = |c: Collection| -> BTreeSet<&str> {
        items
            .iter()
            .filter(|p| p.item.collection == c)
            .map(|p| p.item.slug.as_str())
            .collect()
    };
    let known = licensing::Known {
        // A broken organisation file is reported on its own, not again at each use.
        organizations: organizations
            .iter()
            .map(|o| o.org.slug.as_str())
            .chain(originals.organizations.iter().map(String::as_str))
            .collect(),
        professions: professions.iter().map(|p| p.profession.slug.as_str()).collect(),
        programs: slugs_in(Collection::Programs),
        members: slugs_in(Collection::Members),
        events: slugs_in(Collection::Events),
    };
    for o in organizations {
        licensing::check_slugs(&o.org.path, &o.slugs, &known, diags);
    }
    for p in pathways {
        licensing::check_slugs(&p.pathway.path, &p.slugs, &known, diags);
        licensing::check_file_name(&p.pathway, &known.professions, diags);
    }
    // A successor chain that comes back on itself names no organisation that exists now.
    let by_slug: BTreeMap<&str, &Organization> = organizations
        .iter()
        .filter(|o| o.org.lang == default)
        .map(|o| (o.org.slug.as_str(), &*o.org))
        .collect();
    for org in by_slug.values() {
        if let Some(chain) = licensing::successor_loop(org, &by_slug) {
            let (line, col) = org.positions.get("successor").copied().unwrap_or((0, 0));
            diags.push(Diagnostic::error(
                &org.path,
                line,
                col,
                format!(
                    "field \"successor\": the successors go round in a circle ({}); the last one should be active or closed",
                    chain.join(" -> ")
                ),
            ));
        }
    }
}

fn parse_file(file: &SourceFile, config: &Config, diags: &mut Vec<Diagnostic>) -> Parsed {
    let bytes = match std::fs::read(&file.abs) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error(&file.rel, 0, 0, format!("cannot read: {e}")));
            return Parsed::Failed;
        }
    };
    let Some(text) = parse::decode(file, &bytes, diags) else {
        return Parsed::Failed;
    };
    // A file's stem and language come from its kind.
    let base = parse::Source {
        file,
        stem: "",
        lang: None,
        text: &text,
        config,
    };
    let parsed = match &file.kind {
        FileKind::Item {
            collection,
            stem,
            lang,
        } => parse::item(
            &parse::Source {
                stem,
                lang: lang.as_deref(),
                ..base
            },
            *collection,
            diags,
        )
        .map(|p| Parsed::Item(Box::new(p))),
        FileKind::OccupationNote { stem, lang } => parse::note(
            &parse::Source {
                stem,
                lang: lang.as_deref(),
                ..base
            },
            diags,
        )
        .map(|n| Parsed::Note(Box::new(n))),
        FileKind::Noc => Some(Parsed::Noc(parse::noc(file, &text, diags))),
        FileKind::Draws => Some(Parsed::Draws(parse::draws(file, &text, diags))),
        FileKind::Professions => Some(Parsed::Professions(licensing::professions_file(
            file, &text, diags,
        ))),
        FileKind::Organization { stem, lang } => licensing::organization(
            &parse::Source {
                stem,
                lang: lang.as_deref(),
                ..base
            },
            diags,
        )
        .map(|o| Parsed::Organization(Box::new(o))),
        FileKind::Pathway { stem, lang } => licensing::pathway(
            &parse::Source {
                stem,
                lang: lang.as_deref(),
                ..base
            },
            diags,
        )
        .map(|p| Parsed::Pathway(Box::new(p))),
        FileKind::Synonyms => Some(Parsed::Synonyms(parse::synonyms(file, &text, diags))),
    };
    parsed.unwrap_or(Parsed::Failed)
}

fn check_noc(
    path: &Path,
    entries: Vec<(Occupation, (usize, usize))>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Occupation> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (occ, (line, col)) in entries {
        if let Some(first) = seen.get(&occ.code) {
            diags.push(Diagnostic::error(
                path,
                line,
                col,
                format!(
                    "field \"code\": {:?} is listed twice (first on line {first})",
                    occ.code
                ),
            ));
            continue;
        }
        seen.insert(occ.code.clone(), line);
        out.push(occ);
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

fn check_slugs(items: &[&parse::ParsedItem], config: &Config, diags: &mut Vec<Diagnostic>) {
    // The first user of each (collection, slug, language), and the items that come after one.
    // (The dev server runs this after every edit, so it allocates nothing per item.)
    let mut first: HashMap<(Collection, &str, Lang), usize, ahash::RandomState> =
        HashMap::with_capacity_and_hasher(items.len(), ahash::RandomState::new());
    let mut clashes: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, p) in items.iter().enumerate() {
        let item = &p.item;
        match first.entry((item.collection, &item.slug, item.lang)) {
            std::collections::hash_map::Entry::Occupied(e) => clashes.entry(*e.get()).or_default().push(k),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(k);
            }
        }
    }
    // Each file of a clash is told about the others, at its own `slug:` line when it has one.
    for (head, rest) in &clashes {
        let group: Vec<&parse::ParsedItem> = std::iter::once(head).chain(rest).map(|k| items[*k]).collect();
        let (collection, slug) = (group[0].item.collection, &group[0].item.slug);
        for p in &group {
            let others: Vec<String> = group
                .iter()
                .filter(|o| o.item.path != p.item.path)
                .map(|o| o.item.path.display().to_string())
                .collect();
            diags.push(Diagnostic::error(
                &p.item.path,
                p.slug_pos.line,
                p.slug_pos.col,
                format!(
                    "the slug {slug:?} is already used by {} in {}; give one of them another `slug:` or file name",
                    others.join(", "),
                    collection.name()
                ),
            ));
        }
    }
    let seen = first;
    for p in items {
        let item = &p.item;
        let at = |msg: String| Diagnostic::error(&item.path, p.slug_pos.line, p.slug_pos.col, msg);
        if item.collection == Collection::Pages && is_reserved_slug(&item.slug) {
            diags.push(at(format!(
                "the page slug {:?} would clash with the hub's own /{}/ section; choose another",
                item.slug, item.slug
            )));
        }
    }
    // A translation sits beside its original.
    let default = config.default_language();
    for p in items {
        let item = &p.item;
        if item.lang != default && !seen.contains_key(&(item.collection, item.slug.as_str(), default)) {
            diags.push(Diagnostic::error(
                &item.path,
                0,
                0,
                format!(
                    "this {} version has no {default} original: add content/{}/{}.md beside it",
                    item.lang,
                    item.collection.name(),
                    item.slug
                ),
            ));
        }
    }
}

fn check_note_duplicates(notes: &[OccupationNote], diags: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for n in notes {
        if !seen.insert((&n.code, &n.lang)) {
            diags.push(Diagnostic::error(
                &n.path,
                0,
                0,
                format!("there is already a note for {} in this language", n.code),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_slugs_are_cut_at_a_dash_and_told_their_length() {
        let long = "word-".repeat(40) + "end";
        let short = shorten_slug(&long);
        assert!(short.len() <= MAX_SLUG && is_safe_slug(&short), "{short}");
        assert!(short.ends_with("word"), "{short}");
        let msg = slug_problem(&long).unwrap();
        assert!(msg.contains("203 characters long; the longest is 120"), "{msg}");
        assert!(msg.contains(&format!("{short:?}")), "{msg}");
        assert!(!msg.contains(&format!("{long:?}")), "not offered itself: {msg}");
        assert_eq!(shorten_slug(&"a".repeat(130)), "a".repeat(120));
        assert!(slug_problem("Bad Slug").unwrap().contains("\"bad-slug\""));
        assert_eq!(slug_problem("fine-slug"), None);
    }

    #[test]
    fn safe_slugs() {
        for ok in ["about", "a-1", "31301"] {
            assert!(is_safe_slug(ok), "{ok}");
        }
        for bad in ["", "About", "a_b", "-a", "a-", "a--b", "..", "a/b", "é"] {
            assert!(!is_safe_slug(bad), "{bad}");
        }
    }
}
