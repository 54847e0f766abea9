//! Content items (`<collection>/<slug>.md`, and `<slug>.<lang>.md` for a translation): their
//! common fields, the details of each collection (an event's when and where, a portal's
//! address...), and former addresses (`aliases:`).

use std::sync::Arc;

use jiff::tz::TimeZone;

use super::{
    CodeRef, FrontMatter, SlugPos, Source, body_line, first_instant, front_matter, last_instant, professions,
};
use crate::content::markdown;
use crate::content::model::*;
use crate::error::Diagnostic;
use crate::schema::Fields;
use crate::yaml::Node;

pub struct ParsedItem {
    pub item: Arc<Item>,
    pub refs: Vec<CodeRef>,
    pub slug_pos: SlugPos,
}

const FORMATS: &[(&str, Format)] = &[
    ("online", Format::Online),
    ("in-person", Format::InPerson),
    ("hybrid", Format::Hybrid),
    ("not-stated", Format::NotStated),
];

pub fn item(src: &Source, collection: Collection, diags: &mut Vec<Diagnostic>) -> Option<ParsedItem> {
    let Source {
        file,
        stem,
        lang,
        text,
        config,
    } = *src;
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
    if let Some(msg) = crate::content::slug_problem(&slug) {
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{config, corruptions};
    use super::*;
    use crate::content::discover::{FileKind, SourceFile};
    use crate::content::parse::decode;

    const EVENT: &str = "---\ntitle: \"Summit: 2025\"\nsummary: A day in Montréal.\nprovince: [ON, QC]\nprofessions:\n  - \"31301\"\nstart: 2025-11-22T09:30:00-05:00\nend: 2025-11-22\nformat: hybrid\nlocation: Toronto, ON\npartners: [A, B]\nsource: https://example.org/\nreviewed: 2025-06-26\n---\n\n## Details\n\n- [Register](/events/) *now*\n";

    /// Parses `text` as the file `content/<collection>/x.md`.
    fn parse_item(collection: Collection, text: &str) -> (Option<ParsedItem>, Vec<Diagnostic>) {
        let rel = format!("content/{}/x.md", collection.name());
        let file = SourceFile {
            kind: FileKind::Item {
                collection,
                stem: "x".into(),
                lang: None,
            },
            abs: format!("/nonexistent/{rel}").into(),
            rel: rel.into(),
        };
        let mut diags = Vec::new();
        let parsed = decode(&file, text.as_bytes(), &mut diags).and_then(|text| {
            let src = Source {
                file: &file,
                stem: "x",
                lang: None,
                text: &text,
                config: &config(),
            };
            item(&src, collection, &mut diags)
        });
        (parsed, diags)
    }

    fn parse_event(text: &str) -> (bool, Vec<Diagnostic>) {
        let (parsed, diags) = parse_item(Collection::Events, text);
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
        let (parsed, diags) = parse_item(Collection::Events, &text);
        assert!(diags.is_empty(), "{diags:?}");
        let e = parsed.and_then(|p| p.item.event().cloned()).expect("an event");
        assert_eq!(e.format, Format::NotStated);
        assert_eq!(e.language, Some(EventLanguage::NotStated));
        assert_eq!(e.location, None, "a format nobody stated does not demand a place");
    }

    #[test]
    fn a_portal_without_a_confirmed_address_is_valid() {
        let text = "---\ntitle: Old portal\nprovince: ON\noperator: A body\nstatus: unknown\nsource: https://e.org/\nreviewed: 2020-04-07\n---\n";
        let (parsed, diags) = parse_item(Collection::Portals, text);
        assert!(diags.is_empty(), "{diags:?}");
        let details = parsed.map(|p| p.item.details.clone());
        assert!(
            matches!(details, Some(Details::Portal { url: None, .. })),
            "{details:?}"
        );
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
