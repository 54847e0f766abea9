//! One file at a time: text -> typed value, with every problem in that file collected.
//! Checks that need other files (references, uniqueness) are in `validate`.

use std::path::Path;
use std::sync::Arc;

use jiff::tz::TimeZone;

use super::discover::SourceFile;
use super::frontmatter;
use super::markdown;
use super::model::*;
use crate::config::Config;
use crate::error::Diagnostic;
use crate::schema::{Fields, Moment};
use crate::yaml::{self, Node};

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

pub struct ParsedItem {
    pub item: Arc<Item>,
    pub refs: Vec<CodeRef>,
    pub slug_pos: SlugPos,
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

const FORMATS: &[(&str, Format)] = &[
    ("online", Format::Online),
    ("in-person", Format::InPerson),
    ("hybrid", Format::Hybrid),
    ("not-stated", Format::NotStated),
];

pub fn item(
    file: &SourceFile,
    collection: Collection,
    stem: &str,
    lang: Option<&str>,
    text: &str,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Option<ParsedItem> {
    let before = diags.len();
    let FrontMatter {
        map,
        index,
        offset,
        body: body_src,
        ..
    } = front_matter(file, text, diags)?;
    let mut f = Fields::new(&file.rel, &map, &index, offset, diags);
    let lang = config.file_language(lang);
    if let Err(code) = lang {
        f.error_at_value(
            "title",
            format!(
                "this is a {code:?} translation (file name ends .{code}.md) but site.yaml's languages are {}",
                crate::lang::codes(&config.languages)
            ),
        );
    }

    let positions = f.positions();
    let title = f.req_str("title");
    let summary = f.opt_str("summary");
    let is_page = collection == Collection::Pages;
    let provinces = {
        let present = map.iter().any(|(k, v)| k == "province" && *v != Node::Null);
        let p = f.choice_list("province", &Province::choices());
        if !present && !is_page {
            f.error_at_value(
                "province",
                "missing: give a province code (ON, QC, ...) or CA for national",
            );
        }
        p
    };
    let (professions, refs) = professions(&mut f, "professions");
    let audience = {
        let a = f.choice_list(
            "audience",
            &[("iehp", Audience::Iehp), ("employer", Audience::Employer)],
        );
        if a.is_empty() { vec![Audience::Iehp] } else { a }
    };
    let source = if is_page {
        f.opt_str("source")
    } else {
        f.req_str("source")
    };
    let reviewed = f.req_date("reviewed");
    let draft = f.opt_bool("draft").unwrap_or(false);
    let aliases = aliases(&mut f, lang != Ok(config.default_language()));
    // Other collections leave `form` unread, so `finish` reports it as unknown there.
    let form = if is_page {
        f.opt_choice("form", &[("employer-inquiry", PageForm::EmployerInquiry)])
    } else {
        None
    };
    let slug_field = f.opt_str("slug");
    let slug_pos = {
        let (line, col) = if slug_field.is_some() {
            f.value_pos("slug")
        } else {
            (0, 0)
        };
        SlugPos { line, col }
    };
    let slug = slug_field.clone().unwrap_or_else(|| stem.to_string());
    if let Some(msg) = super::slug_problem(&slug) {
        if slug_field.is_some() {
            f.error_at_value("slug", msg);
        } else {
            let path = f.path().to_path_buf();
            f.report(Diagnostic::error(
                path,
                0,
                0,
                format!("file name: {msg}; rename the file or set `slug:`"),
            ));
        }
    }

    let details = match collection {
        Collection::Pages => Some(Details::Page),
        Collection::Portals => {
            let url = f.opt_url("url");
            let operator = f.req_str("operator");
            let status = f.req_choice(
                "status",
                &[
                    ("open", PortalStatus::Open),
                    ("closed", PortalStatus::Closed),
                    ("unknown", PortalStatus::Unknown),
                ],
            );
            match (operator, status) {
                (Some(operator), Some(status)) => Some(Details::Portal {
                    url,
                    operator,
                    status,
                }),
                _ => None,
            }
        }
        Collection::Events => event(&mut f, &config.timezone).map(Details::Event),
        Collection::Members => {
            let location = f.req_str("location");
            let membership = f.opt_str("membership");
            let services = f.str_list("services");
            let host_org = f.opt_str("host_org");
            let url = f.opt_url("url");
            location.map(|location| Details::Member {
                location,
                membership,
                services,
                host_org,
                url,
            })
        }
        Collection::Programs => {
            let provider = f.req_str("provider");
            let location = f.opt_str("location");
            let delivery = f.opt_choice("delivery", FORMATS);
            let clients = f.opt_str("clients");
            let supports = f.str_list("supports");
            let url = f.opt_url("url");
            provider.map(|provider| Details::Program {
                provider,
                location,
                delivery,
                clients,
                supports,
                url,
            })
        }
    };
    f.finish();
    if diags.len() > before {
        return None;
    }
    let (title, reviewed, details, lang) = (title?, reviewed?, details?, lang.ok()?);
    let body = markdown::render_in(body_src, &config.lang_root(lang), lang);
    Some(ParsedItem {
        item: Arc::new(Item {
            collection,
            slug,
            lang,
            path: file.rel.clone(),
            title,
            summary,
            provinces,
            professions,
            audience,
            source,
            reviewed,
            draft,
            body,
            body_line: body_line(text, body_src),
            positions,
            details,
            form,
            aliases,
        }),
        refs,
        slug_pos,
    })
}

/// `aliases:`: the item's former addresses, as site paths (`/events/old-name/`). They belong in
/// the original, and apply in every language.
fn aliases(f: &mut Fields, translation: bool) -> Vec<Alias> {
    let paths = f.str_list("aliases");
    if translation && !paths.is_empty() {
        f.error_at_value(
            "aliases",
            "aliases go in the original's file; each one also redirects on the other languages' sites",
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for (n, path) in paths.into_iter().enumerate() {
        let (line, col) = f.item_pos("aliases", n);
        let bad = !path.starts_with('/')
            || path.starts_with("//")
            || path == "/"
            || path.contains(|c: char| c.is_whitespace() || "?#*:!\\".contains(c));
        if bad {
            let file = f.path().to_path_buf();
            f.report(Diagnostic::error(
                file,
                line,
                col,
                format!(
                    "field \"aliases\": {path:?} is not an address on this site; write the old page's path, e.g. /events/old-name/"
                ),
            ));
            continue;
        }
        let last = path.rsplit('/').next().unwrap_or("");
        let path = if path.ends_with('/') || last.contains('.') {
            path
        } else {
            format!("{path}/")
        };
        out.push(Alias { path, line, col });
    }
    out
}

fn event(f: &mut Fields, tz: &TimeZone) -> Option<Event> {
    let start = f.req_moment("start");
    let end = f.opt_moment("end");
    let format = f.req_choice("format", FORMATS);
    let location = f.opt_str("location");
    if location.is_none() && matches!(format, Some(Format::InPerson | Format::Hybrid)) {
        f.error_at_value(
            "location",
            "missing: an in-person or hybrid event needs a location",
        );
    }
    let host = f.opt_str("host");
    let partners = f.str_list("partners");
    let language = f.opt_choice(
        "language",
        &[
            ("en", EventLanguage::En),
            ("fr", EventLanguage::Fr),
            ("bilingual", EventLanguage::Bilingual),
            ("not-stated", EventLanguage::NotStated),
        ],
    );
    let registration_url = f.opt_url("registration_url");
    let recording_url = f.opt_url("recording_url");
    if let (Some(s), Some(e)) = (start, end)
        && last_instant(e, tz) < first_instant(s, tz)
    {
        f.error_at_value("end", "the event ends before it starts; check both dates");
    }
    Some(Event {
        start: start?,
        end,
        format: format?,
        location,
        host,
        partners,
        language,
        registration_url,
        recording_url,
    })
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

pub fn note(
    file: &SourceFile,
    stem: &str,
    lang: Option<&str>,
    text: &str,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Option<ParsedNote> {
    let before = diags.len();
    if !is_noc_code(stem) {
        diags.push(Diagnostic::error(
            &file.rel,
            0,
            0,
            format!("an occupation note is named after its 5-digit NOC code (e.g. 31301.md), not {stem:?}"),
        ));
    }
    let FrontMatter {
        map,
        index,
        offset,
        body: body_src,
        ..
    } = front_matter(file, text, diags)?;
    let mut f = Fields::new(&file.rel, &map, &index, offset, diags);
    let lang = config.file_language(lang);
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
            body: markdown::render_in(body_src, &config.lang_root(lang), lang),
            body_line: body_line(text, body_src),
            positions,
            lang,
            path: file.rel.clone(),
            summary,
            source: source?,
            reviewed: reviewed?,
        },
    })
}

/// Parses a data file that is a list of mappings, calling `read` on each entry.
pub(super) fn data_list<T>(
    file: &SourceFile,
    text: &str,
    diags: &mut Vec<Diagnostic>,
    what: &str,
    mut read: impl FnMut(&mut Fields, usize) -> Option<T>,
) -> Vec<T> {
    let node = match yaml::parse(text) {
        Ok(n) => n,
        Err(e) => {
            diags.push(Diagnostic::error(
                &file.rel,
                e.line,
                e.col,
                format!("YAML syntax: {}", e.message),
            ));
            return Vec::new();
        }
    };
    let entries = match node {
        Node::Seq(entries) => entries,
        Node::Null => return Vec::new(),
        other => {
            diags.push(Diagnostic::error(
                &file.rel,
                1,
                1,
                format!(
                    "expected a list of {what} (lines starting with `- `), found {}",
                    other.describe()
                ),
            ));
            return Vec::new();
        }
    };
    let indexes = yaml::index_list_of_mappings(text);
    let mut out = Vec::new();
    for (n, entry) in entries.iter().enumerate() {
        let index = indexes.get(n).cloned().unwrap_or_default();
        let Node::Map(map) = entry else {
            diags.push(Diagnostic::error(
                &file.rel,
                index.start.line,
                1,
                format!(
                    "entry {}: expected {what} with named fields, found {}",
                    n + 1,
                    entry.describe()
                ),
            ));
            continue;
        };
        let mut f = Fields::new(&file.rel, map, &index, 0, diags);
        let value = read(&mut f, n);
        f.finish();
        out.extend(value);
    }
    out
}

pub fn noc(file: &SourceFile, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<(Occupation, (usize, usize))> {
    data_list(file, text, diags, "occupations", |f, _| {
        let code = f.req_str("code");
        let pos = f.value_pos("code");
        let title = f.req_str("title");
        let title_fr = f.opt_str("title_fr");
        let teer = f.req_int("teer", 0, 5);
        if let Some(c) = &code
            && !is_noc_code(c)
        {
            f.error_at_value("code", format!("expected a 5-digit NOC 2021 code, found {c:?}"));
            return None;
        }
        Some((
            Occupation {
                code: code?,
                title: title?,
                title_fr,
                teer: teer? as u8,
            },
            pos,
        ))
    })
}

/// `data/synonyms.yaml`: a list of groups, each `words: [...]` with two or more words or short
/// phrases. Every word must give a search term (not only stop words), and a word may be in one
/// group only (search could not tell which group it meant); compared as search compares them,
/// so `Médecin` and `medecins` are the same word.
pub fn synonyms(file: &SourceFile, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<SynonymGroup> {
    let mut seen: std::collections::HashMap<Vec<String>, (String, usize)> = Default::default();
    data_list(file, text, diags, "synonym groups", |f, _| {
        let words = f.str_list("words");
        if words.len() < 2 {
            f.error_at_value(
                "words",
                "a group lists two or more words: `words: [doctor, physician]`",
            );
            return None;
        }
        let mut kept = Vec::new();
        for (n, word) in words.into_iter().enumerate() {
            let (line, col) = f.item_pos("words", n);
            let key = crate::search::normalize::terms(&word);
            if key.is_empty() {
                f.report(Diagnostic::error(
                    f.path(),
                    line,
                    col,
                    format!(
                        "field \"words\": {word:?} has no word search can match (only stop words or signs)"
                    ),
                ));
                continue;
            }
            if let Some((other, at)) = seen.get(&key) {
                f.report(Diagnostic::error(
                    f.path(),
                    line,
                    col,
                    format!(
                        "field \"words\": {word:?} is already in a group (as {other:?}, line {at}); a word may be in one group only"
                    ),
                ));
                continue;
            }
            seen.insert(key, (word.clone(), line));
            kept.push(word);
        }
        (kept.len() >= 2).then_some(SynonymGroup { words: kept })
    })
}

pub fn draws(file: &SourceFile, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<(Draw, Vec<CodeRef>)> {
    data_list(file, text, diags, "draws", |f, _| {
        let date = f.req_date("date");
        let program = f.req_str("program");
        let stream = f.opt_str("stream");
        let program_fr = f.opt_str("program_fr");
        let stream_fr = f.opt_str("stream_fr");
        let notes_fr = f.opt_str("notes_fr");
        let invitations = f.opt_int("invitations", 0, 1_000_000).map(|v| v as u32);
        let crs_min = f.opt_int("crs_min", 0, 1200).map(|v| v as u32);
        let crs_max = f.opt_int("crs_max", 0, 1200).map(|v| v as u32);
        let (professions, refs) = professions(f, "professions");
        let province = f.opt_choice("province", &Province::choices());
        let notes = f.opt_str("notes");
        let source = f.req_str("source");
        if let (Some(lo), Some(hi)) = (crs_min, crs_max)
            && lo > hi
        {
            f.error_at_value("crs_max", format!("is lower than crs_min ({lo})"));
        }
        Some((
            Draw {
                date: date?,
                program: program?,
                stream,
                program_fr,
                stream_fr,
                notes_fr,
                invitations,
                crs_min,
                crs_max,
                professions,
                province,
                notes,
                source: source?,
            },
            refs,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::discover::FileKind;

    const EVENT: &str = "---\ntitle: \"Summit: 2025\"\nsummary: A day in Montréal.\nprovince: [ON, QC]\nprofessions:\n  - \"31301\"\nstart: 2025-11-22T09:30:00-05:00\nend: 2025-11-22\nformat: hybrid\nlocation: Toronto, ON\npartners: [A, B]\nsource: https://example.org/\nreviewed: 2025-06-26\n---\n\n## Details\n\n- [Register](/events/) *now*\n";

    fn config() -> Config {
        crate::config::parse(
            std::path::Path::new("site.yaml"),
            "title: T\nbase_url: https://e.org/\nlanguages: [en, fr]\n",
        )
        .unwrap()
    }

    fn parse_event(text: &str) -> (bool, Vec<Diagnostic>) {
        let file = SourceFile {
            kind: FileKind::Item {
                collection: Collection::Events,
                stem: "x".into(),
                lang: None,
            },
            rel: "content/events/x.md".into(),
            abs: "/nonexistent/x.md".into(),
        };
        let mut diags = Vec::new();
        let parsed = decode(&file, text.as_bytes(), &mut diags)
            .and_then(|t| item(&file, Collection::Events, "x", None, &t, &config(), &mut diags));
        (parsed.is_some(), diags)
    }

    #[test]
    fn the_sample_event_is_valid() {
        let (ok, diags) = parse_event(EVENT);
        assert!(ok && diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn format_and_language_can_be_not_stated() {
        let text = EVENT.replace(
            "format: hybrid\nlocation: Toronto, ON\n",
            "format: not-stated\nlanguage: not-stated\n",
        );
        let file = SourceFile {
            kind: FileKind::Item {
                collection: Collection::Events,
                stem: "x".into(),
                lang: None,
            },
            rel: "content/events/x.md".into(),
            abs: "/nonexistent/x.md".into(),
        };
        let mut diags = Vec::new();
        let parsed = item(&file, Collection::Events, "x", None, &text, &config(), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let e = parsed.and_then(|p| p.item.event().cloned()).expect("an event");
        assert_eq!(e.format, Format::NotStated);
        assert_eq!(e.language, Some(EventLanguage::NotStated));
        assert_eq!(e.location, None, "a format nobody stated does not demand a place");
    }

    #[test]
    fn a_portal_without_a_confirmed_address_is_valid() {
        let text = "---\ntitle: Old portal\nprovince: ON\noperator: A body\nstatus: unknown\nsource: https://e.org/\nreviewed: 2020-04-07\n---\n";
        let file = SourceFile {
            kind: FileKind::Item {
                collection: Collection::Portals,
                stem: "x".into(),
                lang: None,
            },
            rel: "content/portals/x.md".into(),
            abs: "/nonexistent/x.md".into(),
        };
        let mut diags = Vec::new();
        let parsed = item(&file, Collection::Portals, "x", None, text, &config(), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let details = parsed.map(|p| p.item.details.clone());
        assert!(
            matches!(details, Some(Details::Portal { url: None, .. })),
            "{details:?}"
        );
    }

    /// Copies of `text` with a few characters replaced, inserted or removed, deterministically.
    fn corruptions(text: &str, n: usize) -> Vec<String> {
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

    #[test]
    fn synonym_groups_are_checked_with_positions() {
        let file = SourceFile {
            kind: FileKind::Synonyms,
            rel: "content/data/synonyms.yaml".into(),
            abs: "/nonexistent".into(),
        };
        let parse = |text: &str| {
            let mut diags = Vec::new();
            let groups = super::synonyms(&file, text, &mut diags);
            (groups, diags)
        };
        let (groups, diags) = parse(
            "# comment\n- words: [doctor, physician, Médecin]\n- words:\n    - nurse\n    - infirmière\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].words, ["doctor", "physician", "Médecin"]);

        let (groups, diags) = parse(
            "- words: [doctor, physician]\n- words:\n    - nurse\n    - the\n    - Doctors\n- words: [alone]\n",
        );
        let messages: Vec<String> = diags
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].starts_with("4:7: ") && messages[0].contains("\"the\" has no word"),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("5:7: ")
                && messages[1].contains("already in a group (as \"doctor\", line 1)"),
            "{messages:?}"
        );
        assert!(
            messages[2].starts_with("6:") && messages[2].contains("two or more words"),
            "{messages:?}"
        );
        assert_eq!(groups.len(), 1, "a group left with one word is dropped");
        for d in &diags {
            assert_eq!(d.path, std::path::Path::new("content/data/synonyms.yaml"));
        }
    }

    #[test]
    fn corrupted_data_files_and_settings_never_panic() {
        let draws = "- date: 2024-03-07\n  program: OINP\n  invitations: 2104\n  crs_min: 352\n  crs_max: 421\n  professions: [\"31301\"]\n  source: https://e.org\n";
        let file = SourceFile {
            kind: FileKind::Draws,
            rel: "content/data/draws.yaml".into(),
            abs: "/nonexistent".into(),
        };
        for text in corruptions(draws, 1500) {
            let mut diags = Vec::new();
            let _ = super::draws(&file, &text, &mut diags);
            let _ = super::noc(&file, &text, &mut diags);
        }
        let site =
            "title: T\nbase_url: https://e.org/\nlanguages: [en, fr]\nmenu:\n  - title: A\n    url: /a/\n";
        for text in corruptions(site, 1500) {
            let _ = crate::config::parse(std::path::Path::new("site.yaml"), &text);
        }
    }

    /// No input may panic: every prefix of a valid file, and many corrupted copies of it, give
    /// either an item or positioned problems.
    #[test]
    fn truncated_and_corrupted_files_never_panic() {
        for cut in 0..=EVENT.len() {
            if !EVENT.is_char_boundary(cut) {
                continue;
            }
            let (ok, diags) = parse_event(&EVENT[..cut]);
            assert!(
                ok || !diags.is_empty(),
                "cut at {cut}: neither an item nor a problem"
            );
        }
        for text in corruptions(EVENT, 2000) {
            let (ok, diags) = parse_event(&text);
            assert!(ok || !diags.is_empty(), "{text:?}: neither an item nor a problem");
            for d in &diags {
                assert_eq!(d.path, std::path::Path::new("content/events/x.md"));
            }
        }
    }
}
