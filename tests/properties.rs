//! Property tests: generated front matter, YAML values, Markdown bodies and dev-server requests
//! thrown at the real parsing code. Each property says what must hold for every input (no panic,
//! no hang, problems placed inside the file, no unsafe address in a page, no path outside the
//! site). `cargo test` runs 256 cases of each (about a few seconds); `PROPTEST_CASES=100000`
//! runs longer. Every failure found became a plain test beside the code it broke.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use iehp::content::discover::{FileKind, SourceFile};
use iehp::content::markdown::{self, unsafe_scheme};
use iehp::content::model::Collection;
use iehp::lang::Lang;
use iehp::serve::http::{self, HeadError, Resolution};
use proptest::prelude::*;

fn config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        // Failures are turned into plain tests by hand; nothing is written into the source tree.
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// Pieces editors (and attackers) put in files: YAML and Markdown syntax, payloads, odd
/// characters.
const PIECES: &[&str] = &[
    "---",
    "\n",
    "\r\n",
    "\t",
    " ",
    "  ",
    ":",
    ": ",
    "- ",
    "#",
    "# ",
    "## ",
    "{#",
    "}",
    "[",
    "]",
    "(",
    ")",
    "](",
    "![",
    "<",
    ">",
    "\"",
    "'",
    "`",
    "```",
    "*",
    "_",
    "~~",
    "|",
    "\\",
    "&",
    "&amp;",
    "&#106;",
    "&#x09;",
    "%2e",
    "..",
    "/",
    "//",
    "?",
    "=",
    "\0",
    "\u{feff}",
    "é",
    "œ",
    "«",
    "»",
    "\u{202e}",
    "😀",
    "&a",
    "*a",
    "!!str ",
    "!!binary ",
    "{",
    ",",
    "title",
    "summary",
    "province",
    "ON",
    "[ON, QC]",
    "start",
    "2025-06-26",
    "2025-06-26T10:00:00-04:00",
    "9999-12-31",
    "0000-01-01",
    "professions",
    "[\"31301\"]",
    "source",
    "https://e.org/",
    "reviewed",
    "slug",
    "draft",
    "true",
    "javascript:alert(1)",
    "JaVaScRiPt:",
    "vbscript:",
    "data:text/html,",
    "file:///etc/passwd",
    "<script>",
    "</p>",
    "<a href=\"x\">",
    "[r]: ",
    "<https://e.org>",
    "[^1]",
    "[^1]: n",
    "1e999",
    "-1",
    "0x1F",
    "~",
    "null",
    "yes",
    "no",
    ".inf",
    "{a: b}",
    "[[[",
    "]]]",
    "&anchor ",
];

fn text_of(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
        ],
        0..max,
    )
    .prop_map(|parts| parts.concat())
}

fn fixture_config() -> iehp::config::Config {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    iehp::content::load_config(&root).expect("the fixture's settings load")
}

/// Every problem is placed on a line of the file (or 0 for the file as a whole).
fn placed_inside(diags: &[iehp::error::Diagnostic], text: &str) -> Result<(), TestCaseError> {
    let lines = text.split('\n').count() + 1;
    for d in diags {
        prop_assert!(
            d.line <= lines,
            "{}:{} of {} lines: {}",
            d.line,
            d.col,
            lines,
            d.message
        );
        prop_assert!(!d.message.is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// Front matter and body together, as an event file: never a panic, problems on its lines.
    #[test]
    fn front_matter(front in text_of(40), body in text_of(20), wrap in any::<bool>()) {
        let text = if wrap { format!("---\n{front}\n---\n{body}") } else { format!("{front}{body}") };
        let config = fixture_config();
        let file = SourceFile {
            kind: FileKind::Item { collection: Collection::Events, stem: "x".into(), lang: None },
            rel: PathBuf::from("content/events/x.md"),
            abs: PathBuf::from("/nowhere/content/events/x.md"),
        };
        let mut diags = Vec::new();
        let started = Instant::now();
        if let Some(decoded) = iehp::content::parse::decode(&file, text.as_bytes(), &mut diags) {
            let src = iehp::content::parse::Source { file: &file, stem: "x", lang: None, text: &decoded, config: &config };
            let _ = iehp::content::parse::item(&src, Collection::Events, &mut diags);
        }
        prop_assert!(started.elapsed() < Duration::from_secs(5));
        placed_inside(&diags, &text)?;
    }

    /// Arbitrary bytes as a content file: decoded or refused, never a panic.
    #[test]
    fn any_bytes_decode_or_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(text) = iehp::content::frontmatter::decode(&bytes) {
            prop_assert!(!text.contains('\0') && !text.contains('\r'));
            let _ = iehp::content::frontmatter::split(&text);
        }
    }

    /// YAML values: parsed or refused with a position, quickly.
    #[test]
    fn yaml_values(text in text_of(60)) {
        let started = Instant::now();
        if let Err(e) = iehp::yaml::parse(&text) {
            prop_assert!(e.line >= 1 && e.line <= text.split('\n').count() + 1, "{e:?}");
            prop_assert!(!e.message.is_empty());
        }
        prop_assert!(started.elapsed() < Duration::from_secs(5));
    }

    /// Markdown bodies: never a panic, no unsafe address in any attribute, no raw HTML, unique
    /// heading ids, and moving a page to the other language equals rendering it there.
    #[test]
    fn markdown_bodies(doc in text_of(60)) {
        for (root, lang) in [("/", Lang::En), ("/fr/", Lang::Fr)] {
            let body = markdown::render_in(&doc, root, lang);
            for attr in ["href=\"", "src=\""] {
                for (i, _) in body.html.match_indices(attr) {
                    let value = &body.html[i + attr.len()..];
                    let value = &value[..value.find('"').unwrap_or(value.len())];
                    let decoded = value.replace("&amp;", "&");
                    prop_assert!(unsafe_scheme(&decoded).is_none(), "{attr}{value} from {doc:?}");
                }
            }
            for tag in ["<script", "<iframe", "<object", "<style", " onclick=", " onerror="] {
                prop_assert!(!body.html.to_lowercase().contains(tag), "{tag} from {doc:?}: {}", body.html);
            }
            let mut ids: Vec<&str> = body.headings.iter().map(|h| h.id.as_str()).collect();
            ids.sort_unstable();
            let n = ids.len();
            ids.dedup();
            prop_assert_eq!(ids.len(), n, "duplicate heading ids from {:?}", doc);
        }
        let en = markdown::render(&doc, "/").html;
        prop_assert_eq!(markdown::relocate(&en, "/", "/fr/"), markdown::render(&doc, "/fr/").html);
    }

    /// Dev-server targets: a file only of the site, never through `..`, never a panic.
    #[test]
    fn dev_server_paths(target in text_of(12), base in prop::sample::select(&["/", "/hub/"][..])) {
        const SITE: &[&str] = &["index.html", "404.html", "events/index.html", "static/style.css", "a b/index.html"];
        match http::resolve(&target, base, |p| SITE.contains(&p)) {
            Resolution::File(p) => {
                prop_assert!(SITE.contains(&p.as_str()), "{target:?} -> {p}");
                let path = target.split(['?', '#']).next().unwrap_or("");
                let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
                prop_assert!(!decoded.split('/').any(|s| s == ".."), "{target:?} -> {p}");
            }
            Resolution::Redirect(to) => prop_assert!(to.starts_with('/') && !to.starts_with("//"), "{target:?} -> {to}"),
            _ => {}
        }
    }

    /// Request heads: parsed or refused, never more than the limit read, never a panic.
    #[test]
    fn request_heads(head in text_of(30), max in 16usize..4096) {
        let mut reader = std::io::BufReader::new(head.as_bytes());
        match http::read_head(&mut reader, max) {
            Ok(h) => {
                prop_assert!(!h.method.is_empty() && !h.target.is_empty());
                prop_assert!(head.len() >= h.method.len() + h.target.len());
            }
            Err(HeadError::TooLarge) => prop_assert!(head.len() > max),
            Err(_) => {}
        }
    }

    /// Host headers: only local names and addresses are answered.
    #[test]
    fn host_headers(name in "[a-z0-9.-]{1,20}", port in proptest::option::of(0u32..70000)) {
        let host = match port { Some(p) => format!("{name}:{p}"), None => name.clone() };
        let allowed = http::host_allowed(&host, None);
        let local = name.trim_end_matches('.') == "localhost"
            || name.trim_end_matches('.').ends_with(".localhost")
            || name.parse::<std::net::Ipv4Addr>().is_ok();
        prop_assert_eq!(allowed, local && port.is_none_or(|p| p < 100_000), "{}", host);
    }
}
