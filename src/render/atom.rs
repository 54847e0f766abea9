//! Atom 1.0 (RFC 4287) feeds: a pure writer from plain values to the bytes of a feed. Every
//! date comes from the content (an item's `reviewed` date), never the clock, so two builds of the
//! same content are byte-identical.

use jiff::civil::Date;

use crate::lang::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// A permanent, unique IRI: the entry's page.
    pub id: String,
    pub title: String,
    pub url: String,
    pub updated: Date,
    pub summary: String,
    /// The language of the title and summary, when not the feed's.
    pub lang: Option<Lang>,
    /// (term, label) pairs, e.g. province codes and names.
    pub categories: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub id: String,
    pub lang: Lang,
    pub title: String,
    pub subtitle: String,
    /// The feed's own address.
    pub self_url: String,
    /// The page the feed mirrors.
    pub page_url: String,
    pub author: String,
    pub author_url: String,
    /// Used when there are no entries to take the latest date from.
    pub fallback_updated: Date,
    pub entries: Vec<Entry>,
}

pub fn write(feed: &Feed) -> String {
    let updated = feed
        .entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(feed.fallback_updated);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        feed.lang
    ));
    out.push_str(&format!("<id>{}</id>\n", esc(&feed.id)));
    out.push_str(&format!("<title>{}</title>\n", esc(&feed.title)));
    out.push_str(&format!("<subtitle>{}</subtitle>\n", esc(&feed.subtitle)));
    out.push_str(&format!("<updated>{}</updated>\n", stamp(updated)));
    out.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        esc(&feed.self_url)
    ));
    out.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        esc(&feed.page_url)
    ));
    out.push_str(&format!(
        "<author><name>{}</name><uri>{}</uri></author>\n",
        esc(&feed.author),
        esc(&feed.author_url)
    ));
    for e in &feed.entries {
        match &e.lang {
            Some(l) => out.push_str(&format!("<entry xml:lang=\"{l}\">\n")),
            None => out.push_str("<entry>\n"),
        }
        out.push_str(&format!("<id>{}</id>\n", esc(&e.id)));
        out.push_str(&format!("<title>{}</title>\n", esc(&e.title)));
        out.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            esc(&e.url)
        ));
        out.push_str(&format!("<updated>{}</updated>\n", stamp(e.updated)));
        if !e.summary.is_empty() {
            out.push_str(&format!("<summary>{}</summary>\n", esc(&e.summary)));
        }
        for (term, label) in &e.categories {
            out.push_str(&format!(
                "<category term=\"{}\" label=\"{}\"/>\n",
                esc(term),
                esc(label)
            ));
        }
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// Atom dates are RFC 3339 date-times; a day is given as its start in UTC.
fn stamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

/// Escapes text for XML content and attribute values; drops characters XML 1.0 forbids.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn feed(entries: Vec<Entry>) -> Feed {
        Feed {
            id: "https://hub.example.org/feeds/events.xml".into(),
            lang: Lang::En,
            title: "Events & more".into(),
            subtitle: "New events".into(),
            self_url: "https://hub.example.org/feeds/events.xml".into(),
            page_url: "https://hub.example.org/events/".into(),
            author: "Test Hub".into(),
            author_url: "https://hub.example.org/".into(),
            fallback_updated: d("2025-09-01"),
            entries,
        }
    }

    fn entry(slug: &str, updated: &str) -> Entry {
        Entry {
            id: format!("https://hub.example.org/events/{slug}/"),
            title: format!("<{slug}>"),
            url: format!("https://hub.example.org/events/{slug}/"),
            updated: d(updated),
            summary: "Q&A".into(),
            lang: None,
            categories: vec![("ON".into(), "Ontario".into())],
        }
    }

    #[test]
    fn feed_updated_is_the_latest_entry() {
        let out = write(&feed(vec![entry("a", "2024-01-02"), entry("b", "2025-06-26")]));
        let head = &out[..out.find("<entry").unwrap()];
        assert!(head.contains("<updated>2025-06-26T00:00:00Z</updated>"), "{out}");
        assert!(out.contains("<title>Events &amp; more</title>"));
        assert!(out.contains("<title>&lt;a&gt;</title>"));
        assert!(out.contains("<category term=\"ON\" label=\"Ontario\"/>"));
    }

    #[test]
    fn empty_feed_is_still_valid() {
        let out = write(&feed(vec![]));
        assert!(out.contains("<updated>2025-09-01T00:00:00Z</updated>"));
        assert!(out.contains("<author><name>Test Hub</name>"), "feed-level author");
        assert!(out.trim_end().ends_with("</feed>"));
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(esc("a\u{1}b\"c'"), "ab&quot;c&apos;");
    }
}
