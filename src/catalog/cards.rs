//! Cards: how an item is shown in lists, search results and feeds, in one language (title, URL,
//! summary, dates as that language writes them, status), and the small links cards carry.

use super::{Catalog, Lang, dates, occupation_title};
use crate::content::model::*;
use crate::content::parse::last_date;
use crate::error::Result;
use crate::urls;
use crate::views::{Card, OccupationLink, ProvinceLink};
use jiff::civil::Date;

impl Catalog<'_> {
    pub(crate) fn card(&self, lang: &Lang, i: usize) -> Result<Card> {
        let entity = &self.entities[i];
        let item = entity.shown(lang.code);
        let tz = &self.site.config.timezone;
        let (when, when_iso, status) = match &item.details {
            Details::Event(e) => (
                dates::span(e.start, e.end, tz, lang.code),
                dates::iso(e.start),
                if self.upcoming(e) { "upcoming" } else { "past" },
            ),
            Details::Portal { status, .. } => (
                String::new(),
                String::new(),
                match status {
                    PortalStatus::Open => "open",
                    PortalStatus::Closed => "closed",
                    PortalStatus::Unknown => "unknown",
                },
            ),
            _ => (String::new(), String::new(), ""),
        };
        let status_label = if status.is_empty() {
            String::new()
        } else {
            lang.tr(&format!("status_{status}"))?
        };
        Ok(Card {
            title: item.title.clone(),
            url: lang.url(&entity.neutral()),
            collection: item.collection.name().to_string(),
            collection_label: lang.tr(kind_key(item.collection))?,
            summary: summary_of(item),
            provinces: item
                .provinces
                .iter()
                .map(|p| self.province_link(lang, *p))
                .collect(),
            when,
            when_iso,
            status: status.to_string(),
            status_label,
            reviewed: dates::date(item.reviewed, lang.code),
            reviewed_iso: item.reviewed.to_string(),
            section: None,
            text_lang: (item.lang != lang.code).then(|| item.lang.clone()),
        })
    }

    pub(crate) fn upcoming(&self, e: &Event) -> bool {
        last_date(e.end.unwrap_or(e.start), &self.site.config.timezone) >= self.now
    }

    pub(crate) fn province_link(&self, lang: &Lang, p: Province) -> ProvinceLink {
        ProvinceLink {
            code: p.code().to_string(),
            name: p.name(lang.code).to_string(),
            url: lang.url(&urls::province(p.code())),
        }
    }

    pub(crate) fn occupation_link(&self, lang: &Lang, occ: &Occupation) -> OccupationLink {
        OccupationLink {
            code: occ.code.clone(),
            title: occupation_title(occ, lang.code).to_string(),
            url: lang.url(&urls::occupation(&occ.code)),
            teer: occ.teer,
            count: self.by_code.get(occ.code.as_str()).map_or(0, Vec::len),
        }
    }
}

/// The summary, or the body's opening words when the item has none.
pub(crate) fn summary_of(item: &Item) -> String {
    if let Some(s) = &item.summary {
        return s.clone();
    }
    let first = item
        .body
        .text
        .lines()
        .find(|l| l.split_whitespace().count() > 4)
        .unwrap_or("");
    truncate_words(first, 200)
}

pub(crate) fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

pub fn kind_key(c: Collection) -> &'static str {
    match c {
        Collection::Pages => "kind_page",
        Collection::Portals => "kind_portal",
        Collection::Events => "kind_event",
        Collection::Members => "kind_member",
        Collection::Programs => "kind_program",
    }
}

pub fn collection_key(c: Collection) -> &'static str {
    match c {
        Collection::Pages => "collection_pages",
        Collection::Portals => "collection_portals",
        Collection::Events => "collection_events",
        Collection::Members => "collection_members",
        Collection::Programs => "collection_programs",
    }
}

pub fn format_key(f: Format) -> &'static str {
    match f {
        Format::Online => "format_online",
        Format::InPerson => "format_in_person",
        Format::Hybrid => "format_hybrid",
        Format::NotStated => "format_not_stated",
    }
}

/// Whether facts reviewed on `reviewed` are older than `months` at `now`.
pub fn is_stale(reviewed: Date, now: Date, months: u32) -> bool {
    match reviewed.checked_add(jiff::Span::new().months(i64::from(months))) {
        Ok(limit) => limit < now,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staleness() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert!(is_stale(d("2021-09-30"), d("2025-01-01"), 12));
        assert!(!is_stale(d("2024-06-01"), d("2025-01-01"), 12));
    }

    #[test]
    fn truncation_keeps_whole_words() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 10), "one two…");
    }
}
