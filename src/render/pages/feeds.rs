//! Files Rust writes without a template: each event's `.ics`, the subscribable calendars (all
//! events, each province's with the national ones) and the Atom feeds of resources and events.

use jiff::civil::Date;

use super::Views;
use crate::catalog::{Edition, FeedKind, Page, PageKind, ics};
use crate::content::model::*;
use crate::content::parse::first_instant;
use crate::error::Result;
use crate::render::atom;
use crate::urls;

/// Entries per Atom feed: the newest ones.
const FEED_SIZE: usize = 50;

impl Views<'_> {
    /// The bytes of a calendar or feed, or `None` for pages rendered from templates.
    pub fn generated(&self, page: &Page) -> Result<Option<String>> {
        let lang = &self.cat.langs[page.lang];
        let text = match &page.kind {
            PageKind::EventCalendar(i) => {
                let item = self.cat.entities[*i].shown(lang.code);
                let calendar = ics::Calendar {
                    product: self.cat.product(lang),
                    name: item.title.clone(),
                    description: lang.cards[*i].summary.clone(),
                    url: format!(
                        "{}{}",
                        self.cat.origin,
                        lang.url(&self.cat.entities[*i].neutral())
                    ),
                    events: Vec::new(),
                };
                ics::write_with_blocks(&calendar, lang.event_blocks[*i].as_deref().into_iter())
            }
            PageKind::Calendar(province) => {
                let (name, page_neutral) = match province {
                    None => (
                        lang.tr("calendar_name_all")?,
                        urls::collection(Collection::Events.name()),
                    ),
                    Some(Province::CA) => (
                        lang.tr("calendar_name_national")?,
                        urls::province(Province::CA.code()),
                    ),
                    Some(p) => (
                        lang.tr("calendar_name_province")?
                            .replace("{province}", p.name(lang.code)),
                        urls::province(p.code()),
                    ),
                };
                let calendar = ics::Calendar {
                    product: self.cat.product(lang),
                    name: format!("{} – {name}", lang.site.title),
                    description: lang.tr("list_intro_events")?,
                    url: format!("{}{}", self.cat.origin, lang.url(&page_neutral)),
                    events: Vec::new(),
                };
                let events = self.cat.calendar_events(*province);
                ics::write_with_blocks(
                    &calendar,
                    events.iter().filter_map(|i| lang.event_blocks[*i].as_deref()),
                )
            }
            PageKind::Feed(kind) => atom::write(&self.feed(lang, *kind)?),
            _ => return Ok(None),
        };
        Ok(Some(text))
    }

    fn feed(&self, lang: &Edition, kind: FeedKind) -> Result<atom::Feed> {
        let collections: &[Collection] = match kind {
            FeedKind::Resources => &[Collection::Portals, Collection::Members, Collection::Programs],
            FeedKind::Events => &[Collection::Events],
        };
        let tz = &self.cat.site.config.timezone;
        let mut idx: Vec<usize> = (0..self.cat.entities.len())
            .filter(|i| collections.contains(&self.cat.entities[*i].original.collection))
            .collect();
        // Only items reviewed no earlier than the FEED_SIZE-th newest can be in the feed; the
        // full order is worked out for those alone (the dev server does this after every edit).
        if idx.len() > FEED_SIZE {
            let mut dates: Vec<Date> = idx
                .iter()
                .map(|i| self.cat.entities[*i].original.reviewed)
                .collect();
            let (_, cutoff, _) = dates.select_nth_unstable_by(FEED_SIZE - 1, |a, b| b.cmp(a));
            let cutoff = *cutoff;
            idx.retain(|i| self.cat.entities[*i].original.reviewed >= cutoff);
        }
        // Newest facts first; among events checked on the same day, the latest event first.
        idx.sort_by_cached_key(|i| {
            let original = self.cat.entities[*i].original;
            let start = original.event().map(|e| first_instant(e.start, tz));
            (
                std::cmp::Reverse(original.reviewed),
                std::cmp::Reverse(start),
                original.slug.clone(),
            )
        });
        idx.truncate(FEED_SIZE);
        let entries = idx
            .into_iter()
            .map(|i| {
                let card = &lang.cards[i];
                let item = self.cat.entities[i].shown(lang.code);
                let url = format!("{}{}", self.cat.origin, card.url);
                let summary = match (card.when.is_empty(), card.summary.is_empty()) {
                    (false, false) => format!("{}. {}", card.when, card.summary),
                    (false, true) => card.when.clone(),
                    _ => card.summary.clone(),
                };
                atom::Entry {
                    id: url.clone(),
                    title: card.title.clone(),
                    url,
                    updated: item.reviewed,
                    summary,
                    lang: card.text_lang,
                    categories: card
                        .provinces
                        .iter()
                        .map(|p| (p.code.clone(), p.name.clone()))
                        .collect(),
                }
            })
            .collect();
        let (title, subtitle, page) = match kind {
            FeedKind::Resources => (
                lang.tr("feed_resources_title")?,
                lang.tr("feed_resources_subtitle")?,
                lang.root.clone(),
            ),
            FeedKind::Events => (
                lang.tr("feed_events_title")?,
                lang.tr("list_intro_events")?,
                lang.url(&urls::collection(Collection::Events.name())),
            ),
        };
        let self_url = format!("{}{}", self.cat.origin, lang.url(kind.neutral()));
        Ok(atom::Feed {
            id: self_url.clone(),
            lang: lang.code,
            title: format!("{} – {title}", lang.site.title),
            subtitle,
            self_url,
            page_url: format!("{}{page}", self.cat.origin),
            author: lang.site.title.clone(),
            author_url: format!("{}{}", self.cat.origin, lang.root),
            fallback_updated: self.cat.now,
            entries,
        })
    }
}
