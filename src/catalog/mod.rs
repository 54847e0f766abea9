//! The catalog: what the site contains, per language, worked out once from the model and read
//! by both the search index and the page views. Each item as one [`Entity`] across its
//! languages; per language its card, sort key and calendar entry; the orderings of every list
//! and their paging; every page the site has ([`Page`]: its kind, template and path). Pure, and
//! knows nothing of templates (no tera here): views are built from it in `render::pages`, the
//! index in `search`.
//!
//! A new kind of page is one [`PageKind`] (with its place in `layout`), one view module in
//! `render::pages` and one template.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use jiff::civil::Date;
use rayon::prelude::*;

mod cache;
mod cards;
pub mod dates;
mod events;
pub mod ics;
mod layout;

pub use cache::CatalogCache;
pub(crate) use cache::{address, card_digest};
pub use cards::{collection_key, format_key, is_archived, is_stale, kind_key};
pub use events::{FeedKind, calendar_when};
pub use layout::{ListSpec, PAGE_SIZE, Page, PageKind, form_name};

use crate::content::markdown;
use crate::content::model::*;
use crate::content::parse::first_instant;
use crate::error::{Diagnostic, Error, Result};
use crate::lang::Lang;
use crate::theme::Theme;
use crate::urls;
use crate::views::{Card, SectionUrls, SiteView};
use cache::layout_signature;

/// One item across its languages: the default-language original and its translations.
pub struct Entity<'a> {
    pub original: &'a Arc<Item>,
    translations: BTreeMap<Lang, &'a Arc<Item>>,
}

impl<'a> Entity<'a> {
    pub fn shown(&self, lang: Lang) -> &'a Item {
        self.shared(lang)
    }

    /// What [`Entity::shown`] gives, as the site shares it.
    fn shared(&self, lang: Lang) -> &'a Arc<Item> {
        self.translations.get(&lang).copied().unwrap_or(self.original)
    }

    /// The original, then each translation in language order.
    pub fn versions(&self) -> impl Iterator<Item = &'a Item> + '_ {
        std::iter::once(self.original)
            .chain(self.translations.values().copied())
            .map(|item| &**item)
    }

    /// The page's path below a language root: `about/`, `events/summit/`.
    pub fn neutral(&self) -> String {
        urls::item(self.original.collection.name(), &self.original.slug)
    }
}

/// The site in one language: its constants, and every item's card in that language.
pub struct Edition<'a> {
    pub(crate) code: Lang,
    /// `/`, `/fr/`, or under a base path.
    pub(crate) root: String,
    /// Output path prefix: `` or `fr/`.
    pub(crate) out_prefix: String,
    pub(crate) t: &'a BTreeMap<String, String>,
    pub(crate) site: SiteView,
    /// Per entity: its card, the key lists sort it by (its title, slugified), and its place in
    /// that order (by key, then slug), so that each list sorts by a number.
    pub(crate) cards: Vec<Arc<Card>>,
    /// Per entity: what its card is made of (see `inputs`).
    pub(crate) card_digests: Vec<u64>,
    /// Per entity: its VEVENT in calendars, if it is an event with a known day.
    pub(crate) event_blocks: Vec<Option<Arc<str>>>,
    pub(crate) sort_keys: Vec<Arc<str>>,
    pub(crate) rank: Vec<u32>,
}

impl Edition<'_> {
    pub(crate) fn tr(&self, key: &str) -> Result<String> {
        self.t.get(key).cloned().ok_or_else(|| {
            Error::Template(Diagnostic::error(
                format!("i18n/{}.yaml", self.code),
                0,
                0,
                format!("missing string \"{key}\", which the generator uses"),
            ))
        })
    }

    pub(crate) fn url(&self, neutral: &str) -> String {
        urls::at(&self.root, neutral)
    }

    /// Entity `i`'s card in this language.
    pub(crate) fn card(&self, i: usize) -> &Card {
        &self.cards[i]
    }
}

pub struct Catalog<'a> {
    pub(crate) site: &'a Site,
    pub(crate) now: Date,
    /// Scheme and host of `base_url`: page paths are appended to it for absolute URLs.
    pub(crate) origin: String,
    pub(crate) langs: Vec<Edition<'a>>,
    pub(crate) entities: Vec<Entity<'a>>,
    /// Per entity: when it starts (events; other items: the earliest instant), the order of
    /// event lists.
    pub(crate) starts: Vec<jiff::Timestamp>,
    /// Entities naming each occupation code.
    pub(crate) by_code: BTreeMap<String, Vec<usize>>,
    /// Entities per province (pages excluded).
    pub(crate) by_province: BTreeMap<Province, Vec<usize>>,
    pub(crate) lists: Vec<ListSpec>,
    pub(crate) pages: Vec<Page>,
    /// The layout's signature, and whether the layout came from the cache.
    pub(crate) signature: u64,
    pub(crate) layout_reused: bool,
    /// Per language and entity, the pages that show its card or are its own (filled when the
    /// layout is made or taken from the cache).
    pub(crate) users: Vec<Vec<Vec<usize>>>,
    /// Per language: the entities whose card did not come from the cache.
    pub(crate) fresh: Vec<Vec<usize>>,
}

impl<'a> Catalog<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme, now: Date) -> Result<Self> {
        Self::with_cache(site, theme, now, &mut CatalogCache::default())
    }

    /// [`Catalog::new`], taking each unchanged item's card and sort key from `cache` and leaving in
    /// it exactly this plan's.
    pub fn with_cache(site: &'a Site, theme: &'a Theme, now: Date, cache: &mut CatalogCache) -> Result<Self> {
        let cfg = &site.config;
        let default = cfg.default_language();
        cache.generation += 1;
        let generation = cache.generation;
        let mut entities: Vec<Entity> = site
            .items
            .iter()
            .filter(|i| i.lang == default)
            .map(|original| Entity {
                original,
                translations: BTreeMap::new(),
            })
            .collect();
        // Items are sorted by (collection, slug, lang), so originals are too.
        for item in site.items.iter().filter(|i| i.lang != default) {
            if let Ok(at) = entities.binary_search_by(|e| {
                (e.original.collection, e.original.slug.as_str()).cmp(&(item.collection, item.slug.as_str()))
            }) {
                entities[at].translations.insert(item.lang, item);
            }
        }
        let signature = layout_signature(site, now);
        let layout = cache.layout.take().filter(|l| l.signature == signature);
        let origin = cfg
            .base_url
            .strip_suffix(cfg.base_path.as_str())
            .unwrap_or(cfg.base_url.trim_end_matches('/'))
            .to_string();
        let mut plan = Catalog {
            site,
            now,
            origin,
            langs: Vec::new(),
            starts: Vec::new(),
            entities,
            by_code: BTreeMap::new(),
            by_province: BTreeMap::new(),
            lists: Vec::new(),
            pages: Vec::new(),
            signature,
            layout_reused: layout.is_some(),
            users: Vec::new(),
            fresh: Vec::new(),
        };
        let mut ranks = match layout {
            Some(layout) => {
                plan.starts = layout.starts;
                plan.by_code = layout.by_code;
                plan.by_province = layout.by_province;
                plan.lists = layout.lists;
                plan.pages = layout.pages;
                plan.users = layout.users;
                layout.ranks
            }
            None => {
                plan.lay_out_entities();
                Vec::new()
            }
        };
        for &code in &cfg.languages {
            let t = theme.strings.get(&code).ok_or_else(|| {
                Error::Template(Diagnostic::error(
                    format!("i18n/{code}.yaml"),
                    0,
                    0,
                    "the theme has no string table for this language",
                ))
            })?;
            let root = cfg.lang_root(code);
            let mut lang = Edition {
                code,
                out_prefix: root[cfg.base_path.len()..].to_string(),
                site: SiteView {
                    title: cfg.title.get(code).to_string(),
                    description: cfg
                        .description
                        .as_ref()
                        .map(|d| d.get(code).to_string())
                        .unwrap_or_default(),
                    base_url: cfg.base_url.clone(),
                    lang: code,
                    lang_root: root.clone(),
                    menu: Vec::new(),
                    build_date: now.to_string(),
                    build_date_text: dates::date(now, code),
                    locale: code.locale().to_string(),
                    feeds: Vec::new(),
                    urls: SectionUrls {
                        events: urls::at(&root, &urls::collection(Collection::Events.name())),
                        portals: urls::at(&root, &urls::collection(Collection::Portals.name())),
                        members: urls::at(&root, &urls::collection(Collection::Members.name())),
                        programs: urls::at(&root, &urls::collection(Collection::Programs.name())),
                        occupations: urls::at(&root, urls::OCCUPATIONS),
                        provinces: urls::at(&root, urls::PROVINCES),
                        draws: urls::at(&root, urls::DRAWS),
                        search: urls::at(&root, urls::SEARCH),
                        pathways: urls::at(&root, urls::PATHWAYS),
                        organizations: urls::at(&root, urls::ORGANIZATIONS),
                    },
                },
                root,
                t,
                cards: Vec::new(),
                card_digests: Vec::new(),
                event_blocks: Vec::new(),
                sort_keys: Vec::new(),
                rank: Vec::new(),
            };
            let l = plan.langs.len();
            type Made = (Arc<Card>, u64, Arc<str>, Option<Option<Arc<str>>>);
            let made: Vec<Made> = (0..plan.entities.len())
                .into_par_iter()
                .map(|i| {
                    let shown = plan.entities[i].shown(code);
                    if let Some(hit) = cache.entries.get(&(l, address(shown))) {
                        hit.used.store(generation, Ordering::Relaxed);
                        let block = Some(hit.event_block.clone());
                        return Ok((hit.card.clone(), hit.card_digest, hit.sort_key.clone(), block));
                    }
                    let card = plan.card(&lang, i)?;
                    let digest = card_digest(&card);
                    let key = Arc::from(markdown::slugify(&shown.title));
                    Ok((Arc::new(card), digest, key, None))
                })
                .collect::<Result<_>>()?;
            let mut fresh = Vec::new();
            let mut blocks = Vec::with_capacity(made.len());
            for (i, (card, digest, key, block)) in made.into_iter().enumerate() {
                lang.cards.push(card);
                lang.card_digests.push(digest);
                lang.sort_keys.push(key);
                if block.is_none() {
                    fresh.push(i);
                }
                blocks.push(block);
            }
            // Calendar entries quote cards, so they are written once the cards are in place.
            lang.event_blocks = blocks
                .into_par_iter()
                .enumerate()
                .map(|(i, block)| block.unwrap_or_else(|| plan.event_block(&lang, i)))
                .collect();
            plan.fresh.push(fresh);
            lang.rank = if plan.layout_reused {
                std::mem::take(&mut ranks[l])
            } else {
                let mut order: Vec<usize> = (0..plan.entities.len()).collect();
                let key = |i: &usize| (&lang.sort_keys[*i], &plan.entities[*i].shown(code).slug);
                order.par_sort_by(|a, b| key(a).cmp(&key(b)));
                let mut rank = vec![0; order.len()];
                for (r, i) in order.into_iter().enumerate() {
                    rank[i] = r as u32;
                }
                rank
            };
            lang.site.feeds = plan.site_feeds(&lang)?;
            plan.langs.push(lang);
        }
        plan.keep_in(cache, generation);
        if !plan.layout_reused {
            for l in 0..plan.langs.len() {
                plan.plan_language(l)?;
            }
            plan.pages.push(Page {
                lang: 0,
                kind: PageKind::Sitemap,
                template: "sitemap.xml",
                neutral: urls::SITEMAP.to_string(),
            });
            plan.pages.push(Page {
                lang: 0,
                kind: PageKind::Robots,
                template: "robots.txt",
                neutral: urls::ROBOTS.to_string(),
            });
            plan.users = plan.find_users();
        }
        Ok(plan)
    }

    /// When each entity starts, and which name each occupation and province.
    fn lay_out_entities(&mut self) {
        let tz = &self.site.config.timezone;
        self.starts = self
            .entities
            .par_iter()
            .map(|e| {
                e.original
                    .event()
                    .map(|ev| first_instant(ev.start, tz))
                    .unwrap_or_default()
            })
            .collect();
        for (i, e) in self.entities.iter().enumerate() {
            for code in &e.original.professions {
                self.by_code.entry(code.clone()).or_default().push(i);
            }
            if e.original.collection != Collection::Pages {
                for p in &e.original.provinces {
                    self.by_province.entry(*p).or_default().push(i);
                }
            }
        }
    }

    /// The model the plan was made from.
    pub fn site(&self) -> &'a Site {
        self.site
    }
}

/// An occupation's title in a language: its French title where it has one.
pub(crate) fn occupation_title(occ: &Occupation, lang: Lang) -> &str {
    match (lang, &occ.title_fr) {
        (Lang::Fr, Some(fr)) => fr,
        (Lang::Fr, None) | (Lang::En, _) => &occ.title,
    }
}

/// What a search document is: an item of a collection, an occupation, a pathway or an
/// organisation. [`SearchKind::ALL`] is
/// the order of the search page's facet and of the index's kind numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SearchKind {
    Portals,
    Events,
    Members,
    Programs,
    Occupations,
    /// A licensing pathway (profession x province).
    Pathways,
    /// A regulator, assessment or exam body, or support organisation.
    Organizations,
    Pages,
}

impl SearchKind {
    pub const ALL: [SearchKind; 8] = [
        SearchKind::Portals,
        SearchKind::Events,
        SearchKind::Members,
        SearchKind::Programs,
        SearchKind::Occupations,
        SearchKind::Pathways,
        SearchKind::Organizations,
        SearchKind::Pages,
    ];

    /// The names the index and the search page's URL use, in [`SearchKind::ALL`]'s order.
    pub const NAMES: [&'static str; 8] = [
        "portals",
        "events",
        "members",
        "programs",
        "occupations",
        "pathways",
        "organizations",
        "pages",
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The kind of an item of a collection.
    pub fn of(c: Collection) -> Self {
        match c {
            Collection::Portals => SearchKind::Portals,
            Collection::Events => SearchKind::Events,
            Collection::Members => SearchKind::Members,
            Collection::Programs => SearchKind::Programs,
            Collection::Pages => SearchKind::Pages,
        }
    }
}
