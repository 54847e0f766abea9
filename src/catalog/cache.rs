//! What the dev server keeps from one catalog to the next: each unchanged item's card, sort key
//! and calendar entry, and (while no list changes order) the whole layout. A build makes one
//! catalog and keeps nothing.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::civil::Date;

use super::{Catalog, ListSpec, Page};
use crate::content::model::*;
use crate::views::Card;
use ahash::AHasher;

/// What a plan computes per item and language from that item alone (its card and sort key), kept
/// across plans by the dev server so that an edit recomputes only the edited item's. Valid while
/// the settings, the theme's strings and the build date stay the same: clear it when they change.
#[derive(Default)]
pub struct CatalogCache {
    /// By (language index, the item's address in its `Arc`). Each entry holds the item, so its
    /// address cannot be reused by another while the entry lives.
    pub(super) entries: HashMap<(usize, usize), CacheEntry, ahash::RandomState>,
    /// Counts plans; an entry remembers the last that used it.
    pub(super) generation: u64,
    /// The layout of the last plan handed back with [`Catalog::keep_layout`].
    pub(super) layout: Option<Layout>,
}

/// What a plan works out from which items there are and how they sort, not from what they say:
/// the order of every list, the pages, and which pages show which item. The dev server keeps it
/// while its signature stays the same (see [`Catalog::layout_signature`]), so that an edit to what
/// an item says plans nothing again.
pub(super) struct Layout {
    pub(super) signature: u64,
    pub(super) starts: Vec<jiff::Timestamp>,
    /// Per language, per entity.
    pub(super) ranks: Vec<Vec<u32>>,
    pub(super) by_code: BTreeMap<String, Vec<usize>>,
    pub(super) by_province: BTreeMap<Province, Vec<usize>>,
    pub(super) lists: Vec<ListSpec>,
    pub(super) pages: Vec<Page>,
    /// Per language, per entity: the pages that show its card or are its own.
    pub(super) users: Vec<Vec<Vec<usize>>>,
}

pub(super) struct CacheEntry {
    pub(super) _item: Arc<Item>,
    pub(super) card: Arc<Card>,
    pub(super) card_digest: u64,
    pub(super) event_block: Option<Arc<str>>,
    pub(super) sort_key: Arc<str>,
    pub(super) used: AtomicU64,
}

impl CatalogCache {
    pub fn clear(&mut self) {
        self.entries.clear();
        self.layout = None;
    }
}

/// A digest of everything a [`Layout`] is made from: each item's key, places, professions and
/// what sorts it (for events their dates, for the rest their title, in every language: a
/// translation's title sorts it in its language's lists), the occupations, the languages and the
/// build date. Settings and strings are the cache keeper's to watch (see [`CatalogCache`]).
pub(crate) fn layout_signature(site: &Site, now: Date) -> u64 {
    let mut h = ahash::AHasher::default();
    (now, &site.config.languages).hash(&mut h);
    for item in &site.items {
        (
            item.collection,
            &item.slug,
            &item.lang,
            &item.provinces,
            &item.professions,
        )
            .hash(&mut h);
        // A page's form gives it a thank-you page.
        item.form.hash(&mut h);
        match item.event() {
            // Event lists go by date; an event's rank among titles orders nothing.
            Some(e) if item.collection == Collection::Events => (e.start, e.end).hash(&mut h),
            _ => item.title.hash(&mut h),
        }
    }
    for occ in &site.occupations {
        // Every field: list headings show some, and `Debug` shows them all.
        format!("{occ:?}").hash(&mut h);
    }
    // Each pathway and organisation has its own page.
    for p in &site.pathways {
        (&p.slug, &p.lang).hash(&mut h);
    }
    for o in &site.organizations {
        (&o.slug, &o.lang).hash(&mut h);
    }
    h.finish()
}

/// Where an item lives, as a key: items are shared through `Arc`s, so the address identifies
/// one version of one item for as long as something holds it.
pub(crate) fn address(item: &Item) -> usize {
    item as *const Item as usize
}

impl Catalog<'_> {
    /// Whether this plan's layout is the one the last plan handed back (see
    /// [`Catalog::keep_layout`]): then its pages are the same, at the same places.
    pub fn layout_reused(&self) -> bool {
        self.layout_reused
    }

    pub fn layout_signature(&self) -> u64 {
        self.signature
    }

    /// Hands this plan's layout to `cache`, for the next plan to take if nothing it depends on
    /// changed.
    pub fn keep_layout(self, cache: &mut CatalogCache) {
        cache.layout = Some(Layout {
            signature: self.signature,
            starts: self.starts,
            ranks: self.langs.into_iter().map(|l| l.rank).collect(),
            by_code: self.by_code,
            by_province: self.by_province,
            lists: self.lists,
            pages: self.pages,
            users: self.users,
        });
    }

    /// Leaves in `cache` the cards and sort keys of this plan, and nothing else.
    pub(crate) fn keep_in(&self, cache: &mut CatalogCache, generation: u64) {
        cache
            .entries
            .retain(|_, e| e.used.load(Ordering::Relaxed) == generation);
        // What is missing now is what was made afresh.
        for (l, (lang, fresh)) in self.langs.iter().zip(&self.fresh).enumerate() {
            for &i in fresh {
                let item = self.entities[i].shared(lang.code);
                cache
                    .entries
                    .entry((l, address(item)))
                    .or_insert_with(|| CacheEntry {
                        _item: Arc::clone(item),
                        card: lang.cards[i].clone(),
                        card_digest: lang.card_digests[i],
                        event_block: lang.event_blocks[i].clone(),
                        sort_key: lang.sort_keys[i].clone(),
                        used: AtomicU64::new(generation),
                    });
            }
        }
    }
}

/// A digest of a card's every field, as templates see them: lists show cards, not items, so an
/// edit that leaves an item's card as it was leaves its lists alone.
pub(crate) fn card_digest(card: &Card) -> u64 {
    struct Digest(AHasher);
    impl std::io::Write for Digest {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut d = Digest(AHasher::default());
    // A card is strings, numbers and lists of them, which always serialize.
    let written = serde_json::to_writer(&mut d, card);
    debug_assert!(written.is_ok());
    d.0.finish()
}
