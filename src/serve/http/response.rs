//! Answers: what a GET of a resolved target gets (a file of the site with the live-reload script
//! in HTML pages, the site's 404 page, the dev server's own files), the media type of each file,
//! and how an answer is written, every one with the production site's content security policy
//! ([`csp`]).

use std::io::Write;
use std::net::TcpStream;

use super::route::DEV_PREFIX;

pub(super) const SCRIPT: &str = include_str!("../livereload.js");
pub(super) const STYLE: &str = include_str!("../livereload.css");

/// The media type of a file, from its name. A table rather than a crate: a built site holds a
/// handful of kinds, and each must be right (a stylesheet served as text/plain is not applied).
pub fn media_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The page with the live-reload script added before `</body>` (at the end when there is none).
/// The script learns from `data-file` which file of the site the page is, to reload when it
/// changes. An external script, not inline code: the site's content security policy holds in
/// the dev server too.
pub fn inject(html: &[u8], file: &str) -> Vec<u8> {
    let escaped = file
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let tag = format!("<script src=\"{DEV_PREFIX}livereload.js\" data-file=\"{escaped}\" defer></script>\n");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The content security policy of every answer: production's, from `netlify.toml`, without
/// `upgrade-insecure-requests` (the dev server speaks plain HTTP, and its own requests must
/// not be sent to an HTTPS port nothing listens on).
pub fn csp() -> &'static str {
    static CSP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CSP.get_or_init(|| {
        let production = include_str!("../../../netlify.toml")
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Content-Security-Policy = \"")
                    .and_then(|v| v.strip_suffix('"'))
            })
            .unwrap_or(FALLBACK_CSP);
        production
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty() && *d != "upgrade-insecure-requests")
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Used only if `netlify.toml` no longer says (a unit test makes sure it does).
const FALLBACK_CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// An answer, before it is written.
pub(super) struct Answer {
    status: u16,
    media: &'static str,
    body: Vec<u8>,
    extra: Vec<(&'static str, String)>,
}

impl Answer {
    pub(super) fn new(status: u16, media: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Answer {
            status,
            media,
            body: body.into(),
            extra: Vec::new(),
        }
    }

    pub(super) fn text(status: u16, text: &str) -> Self {
        Answer::new(status, "text/plain; charset=utf-8", format!("{text}\n"))
    }

    pub(super) fn with(mut self, name: &'static str, value: String) -> Self {
        self.extra.push((name, value));
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes `answer`; the body only when `body` (not for HEAD).
pub(super) fn write_answer(
    stream: &mut TcpStream,
    answer: &Answer,
    body: bool,
    close: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: {}\r\nConnection: {}\r\n",
        answer.status,
        reason(answer.status),
        answer.media,
        answer.body.len(),
        csp(),
        if close { "close" } else { "keep-alive" },
    );
    for (name, value) in &answer.extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if body {
        bytes.extend_from_slice(&answer.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        for (path, media) in [
            ("index.html", "text/html; charset=utf-8"),
            ("static/style.0123456789.css", "text/css; charset=utf-8"),
            ("static/search.0123456789.js", "text/javascript; charset=utf-8"),
            ("search/shard-0.json", "application/json"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("events/summit/event.ics", "text/calendar; charset=utf-8"),
            ("static/logo.SVG", "image/svg+xml"),
            ("static/photo.jpeg", "image/jpeg"),
            ("static/font.woff2", "font/woff2"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(media_type(path), media, "{path}");
        }
    }

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let page = inject(b"<html><body><p>x</p></body></html>", "events/index.html");
        assert_eq!(
            String::from_utf8(page).unwrap(),
            "<html><body><p>x</p><script src=\"/__iehp/livereload.js\" data-file=\"events/index.html\" defer></script>\n</body></html>"
        );
        let bare = inject(b"<p>x</p>", "a\"b.html");
        assert!(
            String::from_utf8(bare)
                .unwrap()
                .ends_with("data-file=\"a&quot;b.html\" defer></script>\n")
        );
    }

    #[test]
    fn the_policy_is_productions() {
        let csp = csp();
        assert!(csp.starts_with("default-src 'self'; script-src 'self';"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("upgrade-insecure-requests"), "{csp}");
        assert_ne!(csp, FALLBACK_CSP, "netlify.toml's policy was found");
    }
}
