//! Internal links: every link and asset in the rendered site must resolve, `#fragment` targets
//! included. Links written in content bodies are reported at their Markdown line; the rest
//! (from templates) at the page that carries them. Pure over the model and rendered files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use lol_html::{HtmlRewriter, Settings, element};

use crate::content::model::{Body, Site};
use crate::error::Diagnostic;
use crate::lang::Lang;
use crate::output::OutputFile;
use crate::urls;

/// What the rendered site contains: every file, and the ids of every HTML page.
pub struct SiteIndex {
    files: BTreeSet<String>,
    ids: BTreeMap<String, BTreeSet<String>>,
    /// Links found in each HTML page, in document order: (attribute value).
    links: BTreeMap<String, Vec<String>>,
    base_path: String,
    origin: String,
}

impl SiteIndex {
    pub fn new(site: &Site, files: &[OutputFile]) -> Self {
        let mut index = SiteIndex {
            files: files.iter().map(|f| f.path.clone()).collect(),
            ids: BTreeMap::new(),
            links: BTreeMap::new(),
            base_path: site.config.base_path.clone(),
            origin: site
                .config
                .base_url
                .strip_suffix(site.config.base_path.as_str())
                .unwrap_or(&site.config.base_url)
                .to_string(),
        };
        for f in files.iter().filter(|f| f.path.ends_with(".html")) {
            let (ids, links) = scan_html(&f.bytes);
            index.ids.insert(f.path.clone(), ids);
            index.links.insert(f.path.clone(), links);
        }
        index
    }

    /// The site URL path of an output file: `events/x/index.html` -> `/events/x/`.
    fn url_of(&self, out_path: &str) -> String {
        urls::of_output_file(&self.base_path, out_path)
    }

    /// The page whose address is closest to `wanted` (a misspelt slug, a missing or extra
    /// letter, a transposition), when one is close enough to be a likely meaning.
    fn nearest_page(&self, wanted: &str) -> Option<String> {
        let wanted = if wanted.ends_with('/') {
            wanted.to_string()
        } else {
            format!("{wanted}/")
        };
        self.files
            .iter()
            .filter(|f| f.ends_with("index.html"))
            .map(|f| self.url_of(f))
            .map(|url| (strsim::normalized_damerau_levenshtein(&wanted, &url), url))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
            .map(|(_, url)| url)
    }

    /// Resolves `href` as found on the page at `page_url`. `Ok(None)`: not a link into this
    /// site (another host, mailto:, ...). `Err(reason)`: it points into the site and breaks.
    pub fn resolve(&self, page_url: &str, href: &str) -> Result<Option<String>, String> {
        let href = href.trim();
        let href = match href.strip_prefix(self.origin.as_str()) {
            Some(rest) if rest.starts_with('/') => rest,
            _ => href,
        };
        if href.is_empty() || href.starts_with("//") || has_scheme(href) {
            return Ok(None);
        }
        let (rest, fragment) = match href.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (href, None),
        };
        let path = rest.split('?').next().unwrap_or("");
        let absolute = if path.is_empty() {
            page_url.to_string()
        } else if path.starts_with('/') {
            path.to_string()
        } else {
            join(page_url, path)
        };
        let Some(rel) = absolute.strip_prefix(self.base_path.as_str()) else {
            return Err(format!(
                "it leads outside the site's base path {}",
                self.base_path
            ));
        };
        let target = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else if self.files.contains(rel) {
            rel.to_string()
        } else {
            format!("{rel}/index.html")
        };
        if !self.files.contains(&target) {
            let mut reason = "no such page or file in the built site".to_string();
            if let Some(near) = self.nearest_page(&absolute) {
                reason.push_str(&format!(" (did you mean {near}?)"));
            }
            return Err(reason);
        }
        if let Some(fragment) = fragment.filter(|f| !f.is_empty())
            && let Some(ids) = self.ids.get(&target)
            && !ids.contains(fragment)
        {
            return Err(format!(
                "the page {} has no #{fragment} anchor",
                self.url_of(&target)
            ));
        }
        Ok(Some(target))
    }
}

fn has_scheme(href: &str) -> bool {
    match href.find(':') {
        Some(i) => {
            let scheme = &href[..i];
            !scheme.is_empty()
                && !scheme.contains('/')
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Joins a relative path to the folder of `page_url`, resolving `.` and `..`.
fn join(page_url: &str, rel: &str) -> String {
    let dir = match page_url.rfind('/') {
        Some(i) => &page_url[..=i],
        None => "/",
    };
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let trailing = rel.ends_with('/');
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// An attribute value as the browser reads it: lol_html hands over the text as written, with
/// `&amp;` and numeric references still in it (a link with `&` in it was otherwise not matched
/// to its Markdown line, and was reported again once per page).
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => match name.strip_prefix('#') {
                    Some(n) => match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => n.parse().ok(),
                    }
                    .and_then(char::from_u32),
                    None => None,
                },
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Ids, and the targets of links and embedded assets, of one HTML page.
fn scan_html(bytes: &[u8]) -> (BTreeSet<String>, Vec<String>) {
    let mut ids = BTreeSet::new();
    let mut links = Vec::new();
    {
        let settings = Settings::new()
            .append_element_content_handler(element!("[id]", |el| {
                if let Some(id) = el.get_attribute("id") {
                    ids.insert(id);
                }
                Ok(())
            }))
            .append_element_content_handler(element!(
                "a[href], link[href], area[href], img[src], script[src], source[src], iframe[src], audio[src], video[src], form[action]",
                |el| {
                    for attr in ["href", "src", "action"] {
                        if let Some(v) = el.get_attribute(attr) {
                            links.push(decode_entities(&v));
                        }
                    }
                    Ok(())
                }
            ));
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        // A page the generator wrote is always well-formed enough to scan; a scan error only
        // means fewer links are checked, never a crash.
        let _ = rewriter.write(bytes);
        let _ = rewriter.end();
    }
    (ids, links)
}

/// Checks every link: content bodies first (reported at their line), then everything else.
pub fn check(site: &Site, index: &SiteIndex) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // Hrefs already reported at their Markdown line, as they appear in any language.
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let roots: Vec<String> = site
        .config
        .languages
        .iter()
        .map(|&l| site.config.lang_root(l))
        .collect();
    let default = site.config.default_language();
    // A link broken in every language is reported once, for the first language it breaks in.
    let mut seen_at: BTreeSet<(PathBuf, usize)> = BTreeSet::new();
    let mut check_body = |path: &PathBuf,
                          body: &Body,
                          body_line: usize,
                          page_url: String,
                          lang_root: &str,
                          lang: Lang| {
        for link in &body.links {
            if let Some(scheme) = crate::content::markdown::unsafe_scheme(&link.url) {
                if seen_at.insert((path.clone(), link.offset)) {
                    let (line, col) = body.position(body_line, link.offset);
                    diags.push(Diagnostic::error(
                            path,
                            line,
                            col,
                            format!(
                                "a {scheme}: address is never allowed in a link or image (it could run code or reach the reader's files); the pages show its text without it: link to an https:// address instead"
                            ),
                        ));
                }
                continue;
            }
            // `@/programs/x.md` is checked as the address the page shows for it.
            let written = crate::content::markdown::item_link(&link.url).unwrap_or_else(|| link.url.clone());
            let href = urls::root_relative(lang_root, &written).unwrap_or_else(|| written.clone());
            if let Err(reason) = index.resolve(&page_url, &href) {
                if !seen_at.insert((path.clone(), link.offset)) {
                    continue;
                }
                let (line, col) = body.position(body_line, link.offset);
                let on = if lang == default {
                    String::new()
                } else {
                    format!(" (on the {lang} site)")
                };
                diags.push(Diagnostic::error(
                    path,
                    line,
                    col,
                    format!("broken link \"{}\"{on}: {reason}", link.url),
                ));
                for root in &roots {
                    if let Some(placed) = urls::root_relative(root, &written) {
                        reported.insert(placed);
                    }
                }
                reported.insert(link.url.clone());
            }
        }
    };
    // Each item as every language shows it: its own translation, or the original under that
    // language's pages (where a fragment may not exist in the other language's text).
    for original in site.items.iter().filter(|i| i.lang == default) {
        for &lang in &site.config.languages {
            let shown = site
                .find(original.collection, &original.slug, lang)
                .unwrap_or(original);
            let lang_root = site.config.lang_root(lang);
            let neutral = urls::item(shown.collection.name(), &shown.slug);
            check_body(
                &shown.path,
                &shown.body,
                shown.body_line,
                urls::at(&lang_root, &neutral),
                &lang_root,
                lang,
            );
        }
    }
    for note in &site.notes {
        let lang_root = site.config.lang_root(note.lang);
        let page = urls::at(&lang_root, &urls::occupation(&note.code));
        check_body(
            &note.path,
            &note.body,
            note.body_line,
            page,
            &lang_root,
            note.lang,
        );
    }
    for (page, links) in &index.links {
        let url = index.url_of(page);
        let mut seen = BTreeSet::new();
        for href in links {
            if reported.contains(href) || !seen.insert(href) {
                continue;
            }
            if let Err(reason) = index.resolve(&url, href) {
                diags.push(Diagnostic::error(
                    PathBuf::from("output").join(page),
                    0,
                    0,
                    format!("broken link \"{href}\" (from the theme's templates): {reason}"),
                ));
            }
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(files: &[(&str, &str)]) -> SiteIndex {
        let mut idx = SiteIndex {
            files: files.iter().map(|(p, _)| p.to_string()).collect(),
            ids: BTreeMap::new(),
            links: BTreeMap::new(),
            base_path: "/".into(),
            origin: "https://hub.example.org".into(),
        };
        for (p, html) in files {
            let (ids, links) = scan_html(html.as_bytes());
            idx.ids.insert(p.to_string(), ids);
            idx.links.insert(p.to_string(), links);
        }
        idx
    }

    #[test]
    fn near_miss_links_get_a_suggestion() {
        let idx = index(&[
            ("index.html", ""),
            ("events/job-fair-spring-2026/index.html", ""),
            ("events/index.html", ""),
            ("fr/events/job-fair-spring-2026/index.html", ""),
        ]);
        assert_eq!(
            idx.resolve("/", "/events/job-fiar-spring-2026/").unwrap_err(),
            "no such page or file in the built site (did you mean /events/job-fair-spring-2026/?)"
        );
        assert_eq!(
            idx.resolve("/", "/events/job-fair-spring-2026").map(|_| ()),
            Ok(())
        );
        assert_eq!(
            idx.resolve("/", "/programs/bridging/").unwrap_err(),
            "no such page or file in the built site"
        );
    }

    #[test]
    fn resolution() {
        let idx = index(&[
            ("index.html", "<a href=\"/about/\">a</a><h2 id=\"top\">t</h2>"),
            ("about/index.html", "<main id=\"main\"></main>"),
            ("static/style.css", ""),
        ]);
        let ok = |page: &str, href: &str| idx.resolve(page, href).unwrap();
        assert_eq!(ok("/", "/about/"), Some("about/index.html".into()));
        assert_eq!(ok("/", "/about"), Some("about/index.html".into()));
        assert_eq!(ok("/about/", "../"), Some("index.html".into()));
        assert_eq!(ok("/about/", "/#top"), Some("index.html".into()));
        assert_eq!(ok("/", "#top"), Some("index.html".into()));
        assert_eq!(ok("/", "/static/style.css"), Some("static/style.css".into()));
        assert_eq!(
            ok("/", "https://hub.example.org/about/"),
            Some("about/index.html".into())
        );
        assert_eq!(ok("/", "https://elsewhere.example/x"), None);
        assert_eq!(ok("/", "mailto:a@b.c"), None);
        assert!(idx.resolve("/", "/missing/").is_err());
        assert!(
            idx.resolve("/", "/about/#nowhere")
                .unwrap_err()
                .contains("#nowhere")
        );
        assert!(idx.resolve("/", "#nowhere").is_err());
    }

    #[test]
    fn attribute_values_are_decoded() {
        assert_eq!(decode_entities("/x?a=1&amp;b=2"), "/x?a=1&b=2");
        assert_eq!(decode_entities("a&#x27;b&#39;c&quot;"), "a'b'c\"");
        assert_eq!(decode_entities("&amp&unknown;&"), "&amp&unknown;&");
        let (_, links) = scan_html(b"<a href=\"/x?a=1&amp;b=2\">x</a>");
        assert_eq!(links, ["/x?a=1&b=2"]);
    }

    #[test]
    fn scans_ids_and_links() {
        let (ids, links) = scan_html(
            b"<a id=x href=\"/a/\">a</a><img src=\"/i.png\" alt=\"\"><link rel=stylesheet href=\"/s.css\"><form action=\"/thanks/\"></form>",
        );
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["x"]);
        assert_eq!(links, ["/a/", "/i.png", "/s.css", "/thanks/"]);
    }
}
