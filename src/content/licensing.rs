//! The licensing collections: organisations (`organizations/<slug>.md`), pathways
//! (`pathways/<profession>-<province>.md`) and the "I am a..." choices (`data/professions.yaml`).
//! This file owns what they share: the references between them ([`SlugRef`]) and the frame every
//! organisation and pathway file is read in ([`read_file`]: language, slug, title, source,
//! review date, body). Each kind's own fields are in `organization` and `pathway`; the
//! professions file and the checks that span files in `checks`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

use super::markdown;
use super::model::*;
use super::parse::{self, CodeRef, FrontMatter, Source};
use crate::error::Diagnostic;
use crate::lang::Lang;
use crate::schema::Fields;
use crate::yaml::{KeyIndex, Node};

mod checks;
mod organization;
mod pathway;

pub use checks::{
    Known, Originals, check_file_name, check_professions, check_slugs, check_versions, professions_file,
    successor_loop,
};
pub use organization::organization;
pub use pathway::pathway;

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
fn language(src: &Source, diags: &mut Vec<Diagnostic>) -> Option<Lang> {
    let code = match src.config.file_language(src.lang) {
        Ok(lang) => return Some(lang),
        Err(code) => code,
    };
    diags.push(Diagnostic::error(
        &src.file.rel,
        0,
        0,
        format!(
            "this is a {code:?} version (file name ends .{code}.md) but site.yaml's languages are {}",
            crate::lang::codes(&src.config.languages)
        ),
    ));
    None
}

/// What every organisation and pathway file has, around the fields of its own kind.
struct Common {
    slug: String,
    lang: Lang,
    title: String,
    source: String,
    reviewed: Date,
    draft: bool,
    body: Body,
    body_line: usize,
    positions: BTreeMap<String, (usize, usize)>,
}

/// What a kind's own fields are read with, besides the file's [`Fields`].
struct Frame<'t> {
    rel: &'t Path,
    map: &'t [(String, Node)],
    index: &'t KeyIndex,
    /// The front matter's text, for positions in nested fields.
    front: &'t str,
    offset: usize,
    slug: String,
    /// The file's language, or the default one (for a language the site lacks, reported
    /// already): the language its Markdown is rendered in.
    read_as: Lang,
    lang_root: String,
    /// Problems in nested fields, reported after the file's own.
    nested: Vec<Diagnostic>,
}

/// Reads an organisation or pathway file: its language, slug and title, then the fields of its
/// own kind (`own_fields`), then its source, review date and draft flag, in that order, so its
/// problems are reported in the order of a file written by the template. `None` when the file
/// has any problem (all recorded in `diags`).
fn read_file<P>(
    src: &Source,
    diags: &mut Vec<Diagnostic>,
    own_fields: impl FnOnce(&mut Fields, &mut Frame) -> P,
) -> Option<(Common, P)> {
    let before = diags.len();
    let lang = language(src, diags);
    let read_as = lang.unwrap_or(src.config.default_language());
    let FrontMatter {
        map,
        index,
        front,
        offset,
        body: body_src,
    } = parse::front_matter(src.file, src.text, diags)?;
    let mut f = Fields::new(&src.file.rel, &map, &index, offset, diags);
    let positions = f.positions();
    let slug = file_slug(&mut f, src.stem);
    let title = f.req_str("title");
    let mut frame = Frame {
        rel: &src.file.rel,
        map: &map,
        index: &index,
        front,
        offset,
        slug,
        read_as,
        lang_root: src.config.lang_root(read_as),
        nested: Vec::new(),
    };
    let own = own_fields(&mut f, &mut frame);
    let source = f.req_str("source");
    let reviewed = f.req_date("reviewed");
    let draft = f.opt_bool("draft").unwrap_or(false);
    f.finish();
    diags.append(&mut frame.nested);
    let (Some(lang), false) = (lang, diags.len() > before) else {
        return None;
    };
    let common = Common {
        body: markdown::render_in(body_src, &frame.lang_root, lang),
        body_line: parse::body_line(src.text, body_src),
        slug: frame.slug,
        lang,
        title: title?,
        source: source?,
        reviewed: reviewed?,
        draft,
        positions,
    };
    Some((common, own))
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
#[cfg(test)]
mod test_support {
    use std::path::Path;

    use crate::config::Config;
    use crate::content::discover::{FileKind, SourceFile};
    use crate::content::parse::Source;
    use crate::error::Diagnostic;

    pub(super) fn config() -> Config {
        crate::config::parse(
            Path::new("site.yaml"),
            "title: T\nbase_url: https://e.org/\nlanguages: [en, fr]\n",
        )
        .unwrap()
    }

    pub(super) fn file(kind: FileKind, rel: &str) -> SourceFile {
        SourceFile {
            kind,
            rel: rel.into(),
            abs: "/nonexistent".into(),
        }
    }

    /// `parse` run on `text` as the file `rel` of `kind` (in the default language), with its
    /// problems as shown.
    pub(super) fn parse_as<T>(
        kind: FileKind,
        rel: &str,
        text: &str,
        parse: fn(&Source, &mut Vec<Diagnostic>) -> Option<T>,
    ) -> (Option<T>, Vec<String>) {
        let stem = rel
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".md"))
            .unwrap_or(rel);
        let f = file(kind, rel);
        let mut diags = Vec::new();
        let src = Source {
            file: &f,
            stem,
            lang: None,
            text,
            config: &config(),
        };
        let parsed = parse(&src, &mut diags);
        (parsed, diags.iter().map(ToString::to_string).collect())
    }
}
