//! The licensing collections: organisations (`organizations/<slug>.md`), pathways
//! (`pathways/<profession>-<province>.md`) and the "I am a..." choices (`data/professions.yaml`).
//! Parsing one file at a time, then the checks that span files: every slug a pathway or an
//! organisation names must exist, and is reported at its line with the nearest real one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use super::discover::{FileKind, SourceFile};
use super::markdown;
use super::model::*;
use super::parse::{self, CodeRef, FrontMatter};
use crate::config::Config;
use crate::error::Diagnostic;
use crate::lang::Lang;
use crate::schema::{Fields, suggest};
use crate::yaml::{self, KeyIndex, Node};

/// What a slug reference points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Organization,
    Profession,
    Program,
    Member,
    Event,
}

impl Target {
    fn describe(self) -> &'static str {
        match self {
            Target::Organization => "organisation (content/organizations/)",
            Target::Profession => "profession (content/data/professions.yaml)",
            Target::Program => "program (content/programs/)",
            Target::Member => "network (content/members/)",
            Target::Event => "event (content/events/)",
        }
    }
}

/// A slug named in a file, with where, so an unknown one is reported in place.
#[derive(Debug, Clone)]
pub struct SlugRef {
    pub target: Target,
    /// The field as the editor sees it: `who` of step 2 is `steps[2].who`.
    pub field: String,
    pub slug: String,
    pub line: usize,
    pub col: usize,
}

pub struct ParsedOrganization {
    pub org: Arc<Organization>,
    pub refs: Vec<CodeRef>,
    pub slugs: Vec<SlugRef>,
}

pub struct ParsedPathway {
    pub pathway: Arc<Pathway>,
    pub refs: Vec<CodeRef>,
    pub slugs: Vec<SlugRef>,
}

/// A profession with where its slug is, and the NOC codes it names.
pub struct ParsedProfession {
    pub profession: Profession,
    pub slug_pos: (usize, usize),
    pub refs: Vec<CodeRef>,
}

/// The nested mapping under `key`, marked as read; `None` (with a problem) if it is not one.
fn nested_map<'n>(
    f: &mut Fields,
    map: &'n [(String, Node)],
    key: &'static str,
) -> Option<&'n [(String, Node)]> {
    f.allow(key);
    match map.iter().find(|(k, _)| k == key).map(|(_, v)| v)? {
        Node::Null => None,
        Node::Map(m) => Some(m),
        other => {
            f.error_at_value(
                key,
                format!(
                    "expected fields under it (`  name: value` lines), found {}",
                    other.describe()
                ),
            );
            None
        }
    }
}

/// The slug of a file, checked like every other collection's.
fn file_slug(f: &mut Fields, stem: &str) -> String {
    if !super::is_safe_slug(stem) {
        let path = f.path().to_path_buf();
        f.report(Diagnostic::error(
            path,
            0,
            0,
            format!(
                "file name: the slug {stem:?} must be lowercase letters, digits and dashes (e.g. {:?}); rename the file",
                markdown::slugify(stem)
            ),
        ));
    }
    stem.to_string()
}

/// The file's language; `None`, with the problem recorded, when the site is not in it.
fn language(
    file: &SourceFile,
    lang: Option<&str>,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Option<Lang> {
    let code = match config.file_language(lang) {
        Ok(lang) => return Some(lang),
        Err(code) => code,
    };
    diags.push(Diagnostic::error(
        &file.rel,
        0,
        0,
        format!(
            "this is a {code:?} version (file name ends .{code}.md) but site.yaml's languages are {}",
            crate::lang::codes(&config.languages)
        ),
    ));
    None
}

/// Reads `slug`-valued list `key` from `f`, recording each as a reference to `target`.
fn slug_list(
    f: &mut Fields,
    key: &'static str,
    prefix: &str,
    target: Target,
    out: &mut Vec<SlugRef>,
) -> Vec<String> {
    let slugs = f.str_list(key);
    for (n, slug) in slugs.iter().enumerate() {
        let (line, col) = f.item_pos(key, n);
        out.push(SlugRef {
            target,
            field: format!("{prefix}{key}"),
            slug: slug.clone(),
            line,
            col,
        });
    }
    slugs
}

pub fn organization(
    file: &SourceFile,
    stem: &str,
    lang: Option<&str>,
    text: &str,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Option<ParsedOrganization> {
    let before = diags.len();
    let lang = language(file, lang, config, diags);
    let FrontMatter {
        map,
        index,
        front,
        offset,
        body: body_src,
    } = parse::front_matter(file, text, diags)?;
    let mut nested = Vec::new();
    let mut f = Fields::new(&file.rel, &map, &index, offset, diags);
    let positions = f.positions();
    let slug = file_slug(&mut f, stem);
    let title = f.req_str("title");
    let title_fr = f.opt_str("title_fr");
    let abbreviation = f.opt_str("abbreviation");
    let summary = f.req_str("summary");
    let kinds = {
        let present = map.iter().any(|(k, v)| k == "kind" && *v != Node::Null);
        let kinds = f.choice_list("kind", OrgKind::CHOICES);
        if !present {
            f.error_at_value(
                "kind",
                "missing: give what it does: regulator, assessment, exam, support, government or association (or a list, e.g. [assessment, exam])",
            );
        }
        kinds
    };
    let provinces = {
        let present = map.iter().any(|(k, v)| k == "province" && *v != Node::Null);
        let p = f.choice_list("province", &Province::choices());
        if !present {
            f.error_at_value(
                "province",
                "missing: give the province codes it works in (ON, QC, ...) or CA for a national body",
            );
        }
        p
    };
    let (professions, refs) = parse::professions(&mut f, "professions");
    let website = f.req_url("website");
    let contacts = match nested_map(&mut f, &map, "contacts") {
        Some(m) => {
            let cindex = yaml::index_map_under(front, "contacts");
            let mut c = Fields::new(&file.rel, m, &cindex, offset, &mut nested);
            let email = c.opt_str("email");
            if let Some(e) = &email
                && (!e.contains('@') || e.contains(char::is_whitespace) || e.starts_with("mailto:"))
            {
                c.error_at_value(
                    "email",
                    format!("expected an email address like info@example.org, found {e:?}"),
                );
            }
            let contacts = Contacts {
                email,
                phone: c.opt_str("phone"),
                page: c.opt_url("page"),
            };
            c.finish();
            contacts
        }
        None => Contacts::default(),
    };
    let status = f
        .opt_choice("status", OrgStatus::CHOICES)
        .unwrap_or(OrgStatus::Active);
    let successor = f.opt_str("successor");
    let mut slugs = Vec::new();
    match (&successor, status) {
        (None, OrgStatus::Renamed | OrgStatus::Merged) => f.error_at_value(
            "status",
            format!(
                "a {} organisation needs `successor:`, the slug of the organisation it became or joined",
                status.name()
            ),
        ),
        (Some(_), OrgStatus::Active) => f.error_at_value(
            "successor",
            "only a renamed or merged organisation has a successor; set `status:` or remove this line",
        ),
        (Some(s), _) if *s == slug => {
            f.error_at_value("successor", "an organisation cannot be its own successor")
        }
        (Some(s), _) => {
            let (line, col) = f.value_pos("successor");
            slugs.push(SlugRef {
                target: Target::Organization,
                field: "successor".into(),
                slug: s.clone(),
                line,
                col,
            });
        }
        (None, _) => {}
    }
    let status_date = f.opt_date("status_date");
    let source = f.req_str("source");
    let reviewed = f.req_date("reviewed");
    let draft = f.opt_bool("draft").unwrap_or(false);
    f.finish();
    diags.append(&mut nested);
    let (Some(lang), false) = (lang, diags.len() > before) else {
        return None;
    };
    let body = markdown::render_in(body_src, &config.lang_root(lang), lang);
    Some(ParsedOrganization {
        org: Arc::new(Organization {
            slug,
            lang,
            path: file.rel.clone(),
            title: title?,
            title_fr,
            abbreviation,
            summary: summary?,
            kinds,
            provinces,
            professions,
            website: website?,
            contacts,
            status,
            successor,
            status_date,
            source: source?,
            reviewed: reviewed?,
            draft,
            body,
            body_line: parse::body_line(text, body_src),
            positions,
        }),
        refs,
        slugs,
    })
}

pub fn pathway(
    file: &SourceFile,
    stem: &str,
    lang: Option<&str>,
    text: &str,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Option<ParsedPathway> {
    let before = diags.len();
    let lang = language(file, lang, config, diags);
    // A file in a language the site lacks is reported above; meanwhile its steps are read as
    // the default language's.
    let read_as = lang.unwrap_or(config.default_language());
    let lang_root = config.lang_root(read_as);
    let FrontMatter {
        map,
        index,
        front,
        offset,
        body: body_src,
    } = parse::front_matter(file, text, diags)?;
    let mut nested = Vec::new();
    let mut slugs = Vec::new();
    let mut f = Fields::new(&file.rel, &map, &index, offset, diags);
    let positions = f.positions();
    let slug = file_slug(&mut f, stem);
    let title = f.req_str("title");
    let summary = f.req_str("summary");
    let profession = f.req_str("profession");
    if let Some(p) = &profession {
        let (line, col) = f.value_pos("profession");
        slugs.push(SlugRef {
            target: Target::Profession,
            field: "profession".into(),
            slug: p.clone(),
            line,
            col,
        });
    }
    let (professions, refs) = parse::professions(&mut f, "professions");
    if professions.is_empty() {
        f.error_at_value(
            "professions",
            "missing: give the NOC 2021 codes of this profession, e.g. [\"31301\"] (see content/data/professions.yaml)",
        );
    }
    let province = match f.req_choice("province", &Province::choices()) {
        Some(Province::CA) => {
            f.error_at_value(
                "province",
                "a pathway is for one province or territory (ON, QC, ...), not CA: licences are provincial",
            );
            None
        }
        p => p,
    };
    let steps = {
        f.allow("steps");
        match map.iter().find(|(k, _)| k == "steps").map(|(_, v)| v) {
            Some(Node::Seq(items)) if !items.is_empty() => {
                let indexes = yaml::index_list_under(front, "steps");
                let fallback = KeyIndex::at(index.value("steps"));
                let mut steps = Vec::new();
                for (n, node) in items.iter().enumerate() {
                    let sindex = indexes.get(n).unwrap_or(&fallback);
                    let (line, col) = (sindex.start.line + offset, sindex.start.col);
                    let Node::Map(m) = node else {
                        nested.push(Diagnostic::error(
                            &file.rel,
                            line,
                            col,
                            format!(
                                "field \"steps\": step {} should have fields (`- title: ...` then `text: ...`), found {}",
                                n + 1,
                                node.describe()
                            ),
                        ));
                        continue;
                    };
                    let mut step_diags = Vec::new();
                    let step = step(
                        &file.rel,
                        m,
                        sindex,
                        offset,
                        n,
                        &lang_root,
                        read_as,
                        &mut slugs,
                        &mut step_diags,
                    );
                    nested.append(&mut step_diags);
                    steps.extend(step);
                }
                steps
            }
            Some(Node::Null) | None | Some(Node::Seq(_)) => {
                f.error_at_value(
                    "steps",
                    "missing: a pathway lists its steps in order, each `- title: ...` with `text: ...` under it",
                );
                Vec::new()
            }
            Some(other) => {
                f.error_at_value(
                    "steps",
                    format!(
                        "expected a list of steps (lines starting with `  - title:`), found {}",
                        other.describe()
                    ),
                );
                Vec::new()
            }
        }
    };
    let related = match nested_map(&mut f, &map, "related") {
        Some(m) => {
            let rindex = yaml::index_map_under(front, "related");
            let mut r = Fields::new(&file.rel, m, &rindex, offset, &mut nested);
            let related = Related {
                programs: slug_list(&mut r, "programs", "related.", Target::Program, &mut slugs),
                members: slug_list(&mut r, "members", "related.", Target::Member, &mut slugs),
                events: slug_list(&mut r, "events", "related.", Target::Event, &mut slugs),
                organizations: slug_list(
                    &mut r,
                    "organizations",
                    "related.",
                    Target::Organization,
                    &mut slugs,
                ),
            };
            r.finish();
            related
        }
        None => Related::default(),
    };
    let source = f.req_str("source");
    let reviewed = f.req_date("reviewed");
    let draft = f.opt_bool("draft").unwrap_or(false);
    f.finish();
    diags.append(&mut nested);
    let (Some(lang), false) = (lang, diags.len() > before) else {
        return None;
    };
    let body = markdown::render_in(body_src, &lang_root, lang);
    Some(ParsedPathway {
        pathway: Arc::new(Pathway {
            slug,
            lang,
            path: file.rel.clone(),
            title: title?,
            summary: summary?,
            profession: profession?,
            professions,
            province: province?,
            steps,
            related,
            source: source?,
            reviewed: reviewed?,
            draft,
            body,
            body_line: parse::body_line(text, body_src),
            positions,
        }),
        refs,
        slugs,
    })
}

#[allow(clippy::too_many_arguments)]
fn step(
    path: &Path,
    map: &[(String, Node)],
    index: &KeyIndex,
    offset: usize,
    n: usize,
    lang_root: &str,
    lang: Lang,
    slugs: &mut Vec<SlugRef>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Step> {
    let before = diags.len();
    let mut f = Fields::new(path, map, index, offset, diags);
    let title = f.req_str("title");
    let text = f.req_str("text");
    let who = f.opt_str("who");
    let who_pos = f.value_pos("who");
    if let Some(w) = &who {
        slugs.push(SlugRef {
            target: Target::Organization,
            field: format!("steps[{}].who", n + 1),
            slug: w.clone(),
            line: who_pos.0,
            col: who_pos.1,
        });
    }
    let cost = f.opt_str("cost");
    let duration = f.opt_str("duration");
    let mut links = Vec::new();
    f.allow("links");
    let mut link_diags = Vec::new();
    match map.iter().find(|(k, _)| k == "links").map(|(_, v)| v) {
        None | Some(Node::Null) => {}
        Some(Node::Seq(items)) => {
            for (k, item) in items.iter().enumerate() {
                let lindex = KeyIndex::at(index.item("links", k));
                match item {
                    Node::Map(m) => {
                        let mut l = Fields::new(path, m, &lindex, offset, &mut link_diags);
                        let title = l.req_str("title");
                        let url = l.req_url("url");
                        l.finish();
                        if let (Some(title), Some(url)) = (title, url) {
                            links.push(StepLink { title, url });
                        }
                    }
                    other => {
                        let (line, col) = f.item_pos("links", k);
                        link_diags.push(Diagnostic::error(
                            path,
                            line,
                            col,
                            format!(
                                "field \"links\": each link has `title:` and `url:` (`- title: ...` then `url: https://...`), found {}",
                                other.describe()
                            ),
                        ));
                    }
                }
            }
        }
        Some(other) => f.error_at_value(
            "links",
            format!(
                "expected a list of links (`- title: ...` then `url: https://...`), found {}",
                other.describe()
            ),
        ),
    }
    let source = f.opt_str("source");
    f.finish();
    diags.append(&mut link_diags);
    if diags.len() > before {
        return None;
    }
    Some(Step {
        title: title?,
        text: markdown::render_in(&text?, lang_root, lang),
        who,
        cost,
        duration,
        links,
        source,
        line: index.start.line + offset,
        who_pos,
    })
}

pub fn professions_file(file: &SourceFile, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<ParsedProfession> {
    parse::data_list(file, text, diags, "professions", |f, _| {
        let slug = f.req_str("slug");
        let slug_pos = f.value_pos("slug");
        let title = f.req_str("title");
        let title_fr = f.opt_str("title_fr");
        let (professions, refs) = parse::professions(f, "professions");
        if let Some(s) = &slug
            && !super::is_safe_slug(s)
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
    use super::*;

    fn config() -> Config {
        crate::config::parse(
            Path::new("site.yaml"),
            "title: T\nbase_url: https://e.org/\nlanguages: [en, fr]\n",
        )
        .unwrap()
    }

    fn file(kind: FileKind, rel: &str) -> SourceFile {
        SourceFile {
            kind,
            rel: rel.into(),
            abs: "/nonexistent".into(),
        }
    }

    fn org(text: &str) -> (Option<ParsedOrganization>, Vec<String>) {
        let f = file(
            FileKind::Organization {
                stem: "cno".into(),
                lang: None,
            },
            "content/organizations/cno.md",
        );
        let mut diags = Vec::new();
        let parsed = organization(&f, "cno", None, text, &config(), &mut diags);
        (parsed, diags.iter().map(ToString::to_string).collect())
    }

    fn path(text: &str) -> (Option<ParsedPathway>, Vec<String>) {
        let f = file(
            FileKind::Pathway {
                stem: "registered-nurse-on".into(),
                lang: None,
            },
            "content/pathways/registered-nurse-on.md",
        );
        let mut diags = Vec::new();
        let parsed = pathway(&f, "registered-nurse-on", None, text, &config(), &mut diags);
        (parsed, diags.iter().map(ToString::to_string).collect())
    }

    const ORG: &str = "---\ntitle: College of Nurses of Ontario\nabbreviation: CNO\nsummary: Licenses nurses in Ontario.\nkind: regulator\nprovince: ON\nprofessions: [\"31301\", \"32101\"]\nwebsite: https://www.cno.org\ncontacts:\n  email: info@example.org\n  page: https://www.cno.org/apply\nsource: https://www.cno.org/about\nreviewed: 2025-03-01\n---\nBody.\n";

    const PATHWAY: &str = "---\ntitle: Registered nurse in Ontario\nsummary: How.\nprofession: registered-nurse\nprofessions: [\"31301\"]\nprovince: ON\nsteps:\n  - title: Assessment\n    text: \"Apply to [NNAS](https://www.nnas.ca).\"\n    who: nnas\n    cost: \"US$650 (2025)\"\n    links:\n      - title: Guide\n        url: https://www.nnas.ca/guide\n  - title: Register\n    text: Apply to CNO.\n    who: cno\nrelated:\n  programs: [bridging]\n  organizations:\n    - care-centre\nsource: https://www.cno.org/\nreviewed: 2025-03-01\n---\nNotes.\n";

    #[test]
    fn a_valid_organisation_is_read_whole() {
        let (o, diags) = org(ORG);
        assert!(diags.is_empty(), "{diags:?}");
        let o = o.unwrap();
        assert_eq!(o.org.kinds, [OrgKind::Regulator]);
        assert_eq!(o.org.provinces, [Province::ON]);
        assert_eq!(o.org.contacts.email.as_deref(), Some("info@example.org"));
        assert_eq!(o.org.status, OrgStatus::Active);
        assert_eq!(o.refs.len(), 2);
        assert!(o.org.body.html.contains("Body."));
    }

    #[test]
    fn organisation_problems_are_each_at_their_value() {
        let text = ORG
            .replace("kind: regulator", "kind: [regulator, exm]")
            .replace("  email: info@example.org", "  email: info at example\n  fax: 1")
            .replace("reviewed:", "status: renamed\nreviewed:");
        let (o, diags) = org(&text);
        assert!(o.is_none());
        assert_eq!(
            diags,
            [
                "content/organizations/cno.md:5:19: field \"kind\": expected one of regulator, assessment, exam, support, government, association, found \"exm\" (did you mean `exam`?)",
                "content/organizations/cno.md:14:9: field \"status\": a renamed organisation needs `successor:`, the slug of the organisation it became or joined",
                "content/organizations/cno.md:10:10: field \"email\": expected an email address like info@example.org, found \"info at example\"",
                "content/organizations/cno.md:11:3: unknown field \"fax\"; the fields here are: email, page, phone",
            ]
        );
    }

    #[test]
    fn an_active_organisation_has_no_successor_and_a_website_is_required() {
        let text = ORG
            .replace("website: https://www.cno.org\n", "")
            .replace("reviewed:", "successor: ocn\nreviewed:");
        let (_, diags) = org(&text);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(
            diags[0].ends_with("missing required field \"website\""),
            "{diags:?}"
        );
        assert!(
            diags[1].contains(":12:12: field \"successor\": only a renamed or merged"),
            "{diags:?}"
        );
    }

    #[test]
    fn a_valid_pathway_keeps_its_steps_in_order_with_their_references() {
        let (p, diags) = path(PATHWAY);
        assert!(diags.is_empty(), "{diags:?}");
        let p = p.unwrap();
        let titles: Vec<&str> = p.pathway.steps.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Assessment", "Register"]);
        let first = &p.pathway.steps[0];
        assert_eq!(first.who.as_deref(), Some("nnas"));
        assert_eq!(first.who_pos, (10, 10));
        assert_eq!(first.line, 8);
        assert_eq!(first.links[0].url, "https://www.nnas.ca/guide");
        assert!(
            first
                .text
                .html
                .contains("<a href=\"https://www.nnas.ca\">NNAS</a>")
        );
        assert_eq!(p.pathway.related.organizations, ["care-centre"]);
        let refs: Vec<(String, &str, usize, usize)> = p
            .slugs
            .iter()
            .map(|r| (r.field.clone(), r.slug.as_str(), r.line, r.col))
            .collect();
        assert_eq!(
            refs,
            [
                ("profession".into(), "registered-nurse", 4, 13),
                ("steps[1].who".into(), "nnas", 10, 10),
                ("steps[2].who".into(), "cno", 17, 10),
                ("related.programs".into(), "bridging", 19, 14),
                ("related.organizations".into(), "care-centre", 21, 7),
            ]
        );
    }

    #[test]
    fn pathway_problems_point_into_the_steps() {
        let text = PATHWAY
            .replace("    cost:", "    cots:")
            .replace(
                "        url: https://www.nnas.ca/guide",
                "        url: www.nnas.ca",
            )
            .replace("province: ON", "province: CA")
            .replace("  programs: [bridging]", "  program: [bridging]");
        let (p, diags) = path(&text);
        assert!(p.is_none());
        assert_eq!(
            diags,
            [
                "content/pathways/registered-nurse-on.md:6:11: field \"province\": a pathway is for one province or territory (ON, QC, ...), not CA: licences are provincial",
                "content/pathways/registered-nurse-on.md:11:5: unknown field \"cots\" (did you mean `cost`?)",
                "content/pathways/registered-nurse-on.md:13:9: field \"url\": expected a web address starting with https://, found \"www.nnas.ca\"",
                "content/pathways/registered-nurse-on.md:19:3: unknown field \"program\" (did you mean `programs`?)",
            ]
        );
    }

    #[test]
    fn a_pathway_needs_steps() {
        let text = PATHWAY.replace(
            &PATHWAY[PATHWAY.find("steps:").unwrap()..PATHWAY.find("related:").unwrap()],
            "steps: []\n",
        );
        let (_, diags) = path(&text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].contains(":7:8: field \"steps\": missing: a pathway lists its steps"),
            "{diags:?}"
        );
        let text = PATHWAY.replace("    who: cno\n", "    who: cno\n  - just words\n");
        let (_, diags) = path(&text);
        assert_eq!(
            diags,
            [
                "content/pathways/registered-nurse-on.md:18:3: field \"steps\": step 3 should have fields (`- title: ...` then `text: ...`), found \"just words\""
            ]
        );
    }

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

    #[test]
    fn corrupted_pathways_never_panic() {
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let noise = ['\0', ':', '-', '"', '[', ']', '{', '#', '\n', ' ', 'é', '\t', '|'];
        for cut in (0..=PATHWAY.len()).filter(|c| PATHWAY.is_char_boundary(*c)) {
            let (p, diags) = path(&PATHWAY[..cut]);
            assert!(p.is_some() || !diags.is_empty(), "cut at {cut}");
        }
        for _ in 0..1500 {
            let mut chars: Vec<char> = PATHWAY.chars().collect();
            for _ in 0..3 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed as usize) % chars.len();
                chars[at] = noise[(seed >> 32) as usize % noise.len()];
            }
            let text: String = chars.into_iter().collect();
            let (p, diags) = path(&text);
            assert!(p.is_some() || !diags.is_empty(), "{text:?}");
        }
    }
}
