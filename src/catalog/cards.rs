//! Cards: how an item is shown in lists, search results and feeds, in one language (title, URL,
//! summary, dates as that language writes them, status), and the small links cards carry.

use super::{Catalog, Edition, dates, occupation_title};
use crate::content::model::*;
use crate::content::parse::last_date;
use crate::error::Result;
use crate::urls;
use crate::views::{Card, CardStatus, OccupationLink, ProvinceLink};
use jiff::civil::Date;

impl Catalog<'_> {
    pub(crate) fn card(&self, lang: &Edition, i: usize) -> Result<Card> {
        let entity = &self.entities[i];
        let item = entity.shown(lang.code);
        let tz = &self.site.config.timezone;
        let (when, when_iso, status) = match &item.details {
            Details::Event(e) => (
                dates::span(e.start, e.end, tz, lang.code),
                dates::iso(e.start),
                if self.upcoming(e) {
                    CardStatus::Upcoming
                } else {
                    CardStatus::Past
                },
            ),
            Details::Portal { status, .. } => (
                String::new(),
                String::new(),
                match status {
                    PortalStatus::Open => CardStatus::Open,
                    PortalStatus::Closed => CardStatus::Closed,
                    PortalStatus::Unknown => CardStatus::Unknown,
                },
            ),
            _ => (String::new(), String::new(), CardStatus::None),
        };
        let status_label = match status {
            CardStatus::None => String::new(),
            s => lang.tr(&format!("status_{}", s.name()))?,
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
            status,
            status_label,
            reviewed: dates::date(item.reviewed, lang.code),
            reviewed_iso: item.reviewed.to_string(),
            archived: self.archived(i),
            section: None,
            text_lang: (item.lang != lang.code).then_some(item.lang),
        })
    }

    /// Whether entity `i` is shown in the archive (see [`is_archived`]).
    pub(crate) fn archived(&self, i: usize) -> bool {
        let months = self.site.config.archive_after_months;
        is_archived(self.entities[i].original, self.now, months)
    }

    pub(crate) fn upcoming(&self, e: &Event) -> bool {
        last_date(e.end.unwrap_or(e.start), &self.site.config.timezone) >= self.now
    }

    pub(crate) fn province_link(&self, lang: &Edition, p: Province) -> ProvinceLink {
        ProvinceLink {
            code: p.code().to_string(),
            name: p.name(lang.code).to_string(),
            url: lang.url(&urls::province(p.code())),
        }
    }

    pub(crate) fn occupation_link(&self, lang: &Edition, occ: &Occupation) -> OccupationLink {
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

/// Whether an item belongs in the archive at `now`: a portal, network or program whose facts
/// are older than `months` and that no source has confirmed open since. Events have their own
/// past and upcoming; pages are the hub's own text.
pub fn is_archived(item: &Item, now: Date, months: u32) -> bool {
    let resource = matches!(
        item.collection,
        Collection::Portals | Collection::Members | Collection::Programs
    );
    let open = matches!(
        item.details,
        Details::Portal {
            status: PortalStatus::Open,
            ..
        }
    );
    resource && !open && is_stale(item.reviewed, now, months)
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
    fn old_resources_not_confirmed_open_are_archived() {
        use crate::content::model::Body;
        use crate::lang::Lang;
        let d = |s: &str| s.parse::<Date>().unwrap();
        let item = |collection, details, reviewed: &str| Item {
            collection,
            slug: "x".into(),
            lang: Lang::En,
            path: "content/x.md".into(),
            title: "X".into(),
            summary: None,
            provinces: vec![],
            professions: vec![],
            audience: vec![],
            source: None,
            reviewed: d(reviewed),
            draft: false,
            body: Body::default(),
            body_line: 1,
            positions: Default::default(),
            details,
            form: None,
            aliases: vec![],
        };
        let portal = |status| Details::Portal {
            url: None,
            operator: "O".into(),
            status,
        };
        let now = d("2026-12-01");
        let unknown_2020 = item(Collection::Portals, portal(PortalStatus::Unknown), "2020-04-07");
        assert!(is_archived(&unknown_2020, now, 48));
        let closed_2020 = item(Collection::Portals, portal(PortalStatus::Closed), "2020-04-24");
        assert!(is_archived(&closed_2020, now, 48));
        let open_2020 = item(Collection::Portals, portal(PortalStatus::Open), "2020-04-07");
        assert!(
            !is_archived(&open_2020, now, 48),
            "open is open: stale, not archived"
        );
        let network_2021 = item(
            Collection::Members,
            Details::Member {
                location: "L".into(),
                membership: None,
                services: vec![],
                host_org: None,
                url: None,
            },
            "2021-09-30",
        );
        assert!(is_archived(&network_2021, now, 48));
        assert!(
            !is_archived(&network_2021, d("2025-09-30"), 48),
            "not yet four years old"
        );
        let page_2020 = item(Collection::Pages, Details::Page, "2020-01-01");
        assert!(!is_archived(&page_2020, now, 48));
    }

    #[test]
    fn truncation_keeps_whole_words() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 10), "one two…");
    }
}
