//! Links in a body: unsafe addresses neutralised, bare web addresses turned into links named by
//! their site, `@/collection/file.md` links turned into item addresses, root-relative links
//! placed under a language's root (and moved to another root without parsing again).

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use crate::content::model::BodyLink;

/// The URL schemes a link or image in a body may never have: they run code (`javascript:`,
/// `vbscript:`), carry a whole document (`data:`) or reach the reader's own files (`file:`).
pub const UNSAFE_SCHEMES: [&str; 4] = ["javascript", "vbscript", "data", "file"];

/// The scheme of `url` when it is one of [`UNSAFE_SCHEMES`], read as a browser reads it:
/// leading spaces and control characters skipped, tabs and line breaks anywhere ignored, any
/// case (`  JaVa\tScRiPt:` is `javascript`).
pub fn unsafe_scheme(url: &str) -> Option<&'static str> {
    let mut scheme = String::new();
    for c in url.trim_start_matches(|c: char| c <= ' ').chars() {
        match c {
            '\t' | '\n' | '\r' => {}
            ':' => break,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                if scheme.len() > 16 {
                    return None;
                }
                scheme.push(c.to_ascii_lowercase());
            }
            _ => return None,
        }
    }
    UNSAFE_SCHEMES.into_iter().find(|s| *s == scheme)
}

/// Links and images whose address has an unsafe scheme lose their address: a link becomes its
/// text, an image its description. (`check` reports each at its line.) Covers every Markdown
/// form: inline, reference definitions and autolinks all arrive here as links.
pub(super) fn neutralise_unsafe_links(events: Vec<Event>) -> Vec<Event> {
    if !events.iter().any(|e| {
        matches!(e, Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
            if unsafe_scheme(dest_url).is_some())
    }) {
        return events;
    }
    // Whether each open link / image is dropped (images may sit inside a link's text, and in
    // another image's description).
    let mut links: Vec<bool> = Vec::new();
    let mut images: Vec<bool> = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        let keep = match &event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let drop = unsafe_scheme(dest_url).is_some();
                links.push(drop);
                !drop
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let drop = unsafe_scheme(dest_url).is_some();
                images.push(drop);
                !drop
            }
            Event::End(TagEnd::Link) => !links.pop().unwrap_or(false),
            Event::End(TagEnd::Image) => !images.pop().unwrap_or(false),
            _ => true,
        };
        if keep {
            out.push(event);
        }
    }
    out
}

/// The HTML `render(source, from_root)` gave, with its root-relative links placed under
/// `to_root` instead: exactly what `render(source, to_root)` gives, without parsing the Markdown
/// again (every item without a translation is shown under each other language). Sound because
/// in rendered Markdown a literal `<` or `>` only opens or closes a tag (text, code and raw HTML
/// have them escaped), so `href="` and `src="` inside a tag are always attributes.
pub fn relocate(html: &str, from_root: &str, to_root: &str) -> String {
    if from_root == to_root {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        out.push_str(&rest[..open]);
        out.push_str(&relocate_tag(&rest[open..close], from_root, to_root));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

fn relocate_tag(tag: &str, from_root: &str, to_root: &str) -> String {
    let mut out = String::with_capacity(tag.len() + 16);
    let mut rest = tag;
    while let Some(i) = rest.find("=\"") {
        let (before, after) = rest.split_at(i + 2);
        out.push_str(before);
        rest = after;
        if (before.ends_with(" href=\"") || before.ends_with(" src=\""))
            && let Some(tail) = rest.strip_prefix(from_root)
            && !(from_root == "/" && tail.starts_with('/'))
        {
            out.push_str(to_root);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// A web address written as plain text (`see https://www.cno.org/apply.`) becomes a link that
/// shows its site's name (`cno.org`); the sentence's closing punctuation stays outside it.
pub(super) fn autolink_addresses<'a>(
    text: &str,
    offset: usize,
    events: &mut Vec<Event<'a>>,
    links: &mut Vec<BodyLink>,
) {
    if !text.contains("://") {
        events.push(Event::Text(text.to_string().into()));
        return;
    }
    let mut rest = text;
    let mut at = 0;
    while let Some(start) = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min() {
        let tail = &rest[start..];
        let mut end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        // Trailing punctuation ends the sentence, not the address; a `)` closes the address
        // only when it opened a `(` inside it.
        while end > 0 {
            let last = tail[..end].chars().next_back().unwrap_or(' ');
            let opens = tail[..end].matches('(').count();
            let closes = tail[..end].matches(')').count();
            if ".,;:!?'\"»”’".contains(last) || (last == ')' && closes > opens) {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        let url = &tail[..end];
        if !is_web_address(url) {
            events.push(Event::Text(rest[..start + "http".len()].to_string().into()));
            at += start + "http".len();
            rest = &rest[start + "http".len()..];
            continue;
        }
        if start > 0 {
            events.push(Event::Text(rest[..start].to_string().into()));
        }
        links.push(BodyLink {
            url: url.to_string(),
            offset: offset + at + start,
        });
        events.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: url.to_string().into(),
            title: "".into(),
            id: "".into(),
        }));
        events.push(Event::Text(site_name(url).into()));
        events.push(Event::End(TagEnd::Link));
        at += start + end;
        rest = &rest[start + end..];
    }
    if !rest.is_empty() {
        events.push(Event::Text(rest.to_string().into()));
    }
}

pub(super) fn is_web_address(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    matches!(rest, Some(r) if r.split(['/', '?', '#']).next().is_some_and(|h| h.contains('.')))
}

/// The name a link to a web address shows: its site's (`https://www.cno.org/apply` ->
/// `cno.org`), so readers see where a link goes without a long address breaking the line.
pub fn site_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    host.strip_prefix("www.").unwrap_or(host).to_ascii_lowercase()
}

/// Where a link to a content file goes: editors write `@/programs/iehp-can.md` (or the
/// `.fr.md`, or `@/pages/about.md`, with any `#fragment`), the page shows the item's address
/// (`/programs/iehp-can/`, `/about/`). `None` for anything else. The content stage reports a
/// link to a file that does not exist, at its line.
pub fn item_link(dest: &str) -> Option<String> {
    let (collection, slug, fragment) = item_target(dest)?;
    let path = if collection == "occupations" {
        format!("/{}", crate::urls::occupation(slug))
    } else {
        format!("/{}", crate::urls::item(collection, slug))
    };
    Some(match fragment {
        Some(f) => format!("{path}#{f}"),
        None => path,
    })
}

/// `@/programs/iehp-can.fr.md#goals` -> ("programs", "iehp-can", Some("goals")).
pub fn item_target(dest: &str) -> Option<(&str, &str, Option<&str>)> {
    let rest = dest.strip_prefix("@/")?;
    let (path, fragment) = match rest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (rest, None),
    };
    let file = path.strip_suffix(".md")?;
    let file = file.strip_suffix(".fr").unwrap_or(file);
    let (collection, slug) = file.split_once('/')?;
    if collection.is_empty() || slug.is_empty() || slug.contains('/') {
        return None;
    }
    Some((collection, slug, fragment))
}

pub(super) fn rewrite_links(event: &mut Event, lang_root: &str) {
    let dest = match event {
        Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => dest_url,
        _ => return,
    };
    if let Some(path) = item_link(dest) {
        *dest = CowStr::from(path);
    }
    if let Some(placed) = crate::urls::root_relative(lang_root, dest) {
        *dest = CowStr::from(placed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::{render, render_in};
    use crate::lang::Lang;

    #[test]
    fn root_links_follow_the_language() {
        let body = render(
            "[Ontario](/provinces/on/) [x](https://example.org/) [y](#top)",
            "/fr/",
        );
        assert!(body.html.contains("href=\"/fr/provinces/on/\""), "{}", body.html);
        assert!(body.html.contains("href=\"https://example.org/\""));
        assert!(body.html.contains("href=\"#top\""));
    }

    #[test]
    fn relocating_equals_rendering_under_the_other_root() {
        let docs = [
            "[a](/provinces/on/) [b](//cdn.example/x) [c](https://e.org/) [d](#top) [e](/)\n",
            "![img](/static/logo.png \"t\") and `href=\"/x\"` and <a href=\"/raw\">raw</a>\n",
            "```\n<a href=\"/in-code\">\n```\n\n[rel](about/) [q](/a?b=\"c\")\n",
            "Text with href=\"/not-a-link\" in it. [x](/hub/already/)\n",
        ];
        for doc in docs {
            for (from, to) in [("/", "/fr/"), ("/hub/", "/hub/fr/")] {
                let original = render(doc, from).html;
                assert_eq!(
                    relocate(&original, from, to),
                    render(doc, to).html,
                    "{doc:?} {from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn a_percent_sign_is_not_a_scheme() {
        // Browsers do not decode a scheme: `java%09script:` is a relative path, harmless.
        assert_eq!(unsafe_scheme("java%09script:alert(1)"), None);
    }

    #[test]
    fn unsafe_schemes_never_reach_an_address() {
        let payloads = [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "file:///etc/passwd",
            "&#106;avascript:alert(1)",
            "&#x09;javascript:alert(1)",
            "java&#x09;script:alert(1)",
        ];
        for payload in payloads {
            let forms = [
                format!("[click]({payload})"),
                format!("![pic]({payload})"),
                format!("[click][r]\n\n[r]: {payload}\n"),
                format!("[![pic]({payload})](/ok/)"),
                format!("[![pic](/ok.png)]({payload})"),
                format!("<{payload}>"),
            ];
            for doc in forms {
                for (root, lang) in [("/", Lang::En), ("/fr/", Lang::Fr)] {
                    let body = render_in(&doc, root, lang);
                    let html = body.html.to_lowercase();
                    for bad in ["javascript:", "vbscript:", "data:", "file:"] {
                        assert!(!html.contains(&format!("=\"{bad}")), "{doc:?}: {}", body.html);
                    }
                    assert!(!html.contains("href=\"java"), "{doc:?}: {}", body.html);
                    // A link the payload made is still recorded, for `check` to report at its
                    // line (`<&#106;avascript:...>` makes no link: it is text).
                    let made_link = !body.links.is_empty();
                    assert!(
                        !made_link || body.links.iter().any(|l| unsafe_scheme(&l.url).is_some()),
                        "{doc:?}: {:?}",
                        body.links
                    );
                }
            }
        }
        let body = render("[click](javascript:alert(1)) and [ok](/ok/)", "/");
        assert_eq!(body.html, "<p>click and <a href=\"/ok/\">ok</a></p>\n");
        let body = render("![a cat](data:image/png;base64,AAAA)", "/");
        assert_eq!(body.html, "<p>a cat</p>\n");
        for fine in [
            "https://e.org",
            "/a:b/",
            "mailto:x@e.org",
            "tel:+1",
            "#data:x",
            "datafile:x",
        ] {
            assert_eq!(unsafe_scheme(fine), None, "{fine}");
        }
        assert_eq!(unsafe_scheme(" \u{1}JaVa\tScRiPt:x"), Some("javascript"));
    }

    #[test]
    fn links_to_content_files_become_item_addresses() {
        assert_eq!(
            item_link("@/programs/iehp-can.md").as_deref(),
            Some("/programs/iehp-can/")
        );
        assert_eq!(
            item_link("@/programs/iehp-can.fr.md#goals").as_deref(),
            Some("/programs/iehp-can/#goals")
        );
        assert_eq!(item_link("@/pages/about.md").as_deref(), Some("/about/"));
        assert_eq!(
            item_link("@/organizations/cno.md").as_deref(),
            Some("/organizations/cno/")
        );
        assert_eq!(item_link("/programs/"), None);
        assert_eq!(item_link("@/programs.md"), None);
        assert_eq!(item_link("@/a/b/c.md"), None);
        let fr = render("See [the program](@/programs/iehp-can.md).", "/fr/");
        assert!(
            fr.html
                .contains("<a href=\"/fr/programs/iehp-can/\">the program</a>"),
            "{}",
            fr.html
        );
        assert_eq!(
            fr.links[0].url, "@/programs/iehp-can.md",
            "kept as written, for the checks"
        );
    }

    #[test]
    fn bare_addresses_become_links_named_by_their_site() {
        let b = render(
            "Apply at https://www.cno.org/apply. Or see (https://nnas.ca/a_(b)) and https://x.org/q?a=1, then `https://code.example`.",
            "/",
        );
        assert!(
            b.html
                .contains("<a href=\"https://www.cno.org/apply\">cno.org</a>."),
            "{}",
            b.html
        );
        assert!(
            b.html.contains("(<a href=\"https://nnas.ca/a_(b)\">nnas.ca</a>)"),
            "{}",
            b.html
        );
        assert!(
            b.html.contains("<a href=\"https://x.org/q?a=1\">x.org</a>, then"),
            "{}",
            b.html
        );
        assert!(
            b.html.contains("<code>https://code.example</code>"),
            "code stays code"
        );
        let urls: Vec<&str> = b.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://www.cno.org/apply",
                "https://nnas.ca/a_(b)",
                "https://x.org/q?a=1"
            ]
        );
        assert_eq!(
            &b.source[b.links[0].offset..][..8],
            "https://",
            "offsets point at the address"
        );
        assert!(b.text.contains("Apply at cno.org."));
        let auto = render("<https://www.ocpinfo.com/registration/>", "/");
        assert!(auto.html.contains(">ocpinfo.com</a>"), "{}", auto.html);
        let linked = render("[https://a.org/x](https://a.org/x) and http:// alone", "/");
        assert!(
            linked.html.contains(">https://a.org/x</a>"),
            "an editor's own link text stays"
        );
        assert!(linked.html.contains("and http:// alone"));
    }
}
