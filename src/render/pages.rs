//! Plans every page of the site: which template, which view, which output path. Pure: from the
//! model, the theme's string tables and the build date to a [`Plan`], whose pages are described
//! by small [`Page`] values; the (larger) template context of each page is built only when that
//! page is rendered, so pages can be built in parallel and a rebuild can render just a few.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::civil::Date;
use rayon::prelude::*;
use tera::Context;

pub mod inputs;

use super::dates;
use super::views::*;
use crate::content::markdown;
use crate::content::model::*;
use crate::content::parse::{first_instant, last_date};
use crate::error::{Diagnostic, Error, Result};
use crate::schema::is_web_url;
use crate::theme::Theme;

mod readers;
pub use readers::FeedKind;

/// Items per list page before it is split into numbered pages.
pub const PAGE_SIZE: usize = 50;

/// How many cards the home page shows in each of its sections.
const HOME_UPCOMING: usize = 5;
const HOME_NEWEST: usize = 6;
const HOME_PROFESSIONS: usize = 12;

/// The name of each interface language in that language, for the language switch.
pub fn language_name(lang: &str) -> &'static str {
    match lang {
        "fr" => "Français",
        _ => "English",
    }
}

/// The Open Graph locale of an interface language.
pub fn locale_of(lang: &str) -> &'static str {
    match lang {
        "fr" => "fr_CA",
        _ => "en_CA",
    }
}

/// One item across its languages: the default-language original and its translations.
pub struct Entity<'a> {
    pub original: &'a Arc<Item>,
    translations: BTreeMap<&'a str, &'a Arc<Item>>,
}

impl<'a> Entity<'a> {
    pub fn shown(&self, lang: &str) -> &'a Item {
        self.shared(lang)
    }

    /// What [`Entity::shown`] gives, as the site shares it.
    fn shared(&self, lang: &str) -> &'a Arc<Item> {
        self.translations.get(lang).copied().unwrap_or(self.original)
    }

    /// The original, then each translation in language order.
    pub fn versions(&self) -> impl Iterator<Item = &'a Item> + '_ {
        std::iter::once(self.original)
            .chain(self.translations.values().copied())
            .map(|item| &**item)
    }

    /// The page's path below a language root: `about/`, `events/summit/`.
    pub fn neutral(&self) -> String {
        match self.original.collection {
            Collection::Pages => format!("{}/", self.original.slug),
            c => format!("{}/{}/", c.name(), self.original.slug),
        }
    }
}

/// Per-language constants of a build, and every item's card in that language.
pub struct Lang<'a> {
    pub code: &'a str,
    /// `/`, `/fr/`, or under a base path.
    root: String,
    /// Output path prefix: `` or `fr/`.
    out_prefix: String,
    pub t: &'a BTreeMap<String, String>,
    site: SiteView,
    /// Per entity: its card, the key lists sort it by (its title, slugified), and its place in
    /// that order (by key, then slug), so that each list sorts by a number.
    cards: Vec<Arc<Card>>,
    /// Per entity: what its card is made of (see `inputs`).
    card_digests: Vec<u64>,
    /// Per entity: its VEVENT in calendars, if it is an event with a known day.
    event_blocks: Vec<Option<Arc<str>>>,
    sort_keys: Vec<Arc<str>>,
    rank: Vec<u32>,
}

impl Lang<'_> {
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
        format!("{}{neutral}", self.root)
    }

    /// Entity `i`'s card in this language.
    pub(crate) fn card(&self, i: usize) -> &Card {
        &self.cards[i]
    }
}

/// What one page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    Home,
    /// Page `page` (1-based) of list `list`: a collection, a province or an occupation.
    List {
        list: usize,
        page: usize,
    },
    Item(usize),
    Occupations,
    Occupation {
        code: String,
        list: usize,
        page: usize,
    },
    Provinces,
    Province {
        province: Province,
        list: usize,
        page: usize,
    },
    Draws,
    /// The search page; its index is built by `crate::search`.
    Search,
    NotFound,
    Sitemap,
    Robots,
    /// An event's own `.ics` file.
    EventCalendar(usize),
    /// A subscribable calendar: every event (`None`), or a province's with the national ones.
    Calendar(Option<Province>),
    Feed(FeedKind),
    /// The page a page's form sends its reader to.
    FormThanks(usize),
}

/// One page to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Index into the plan's languages.
    pub lang: usize,
    pub kind: PageKind,
    pub template: &'static str,
    /// Path below the language root, e.g. `events/summit/` (`404.html` for the 404 page).
    pub neutral: String,
}

/// A list of cards split into pages: entries are (section, entity) pairs, in order.
struct ListSpec {
    heading: String,
    intro: String,
    base: String,
    sections: Vec<String>,
    entries: Vec<(Option<usize>, usize)>,
}

impl ListSpec {
    fn pages(&self) -> usize {
        self.entries.len().div_ceil(PAGE_SIZE).max(1)
    }

    fn neutral(&self, n: usize) -> String {
        if n == 1 {
            self.base.clone()
        } else {
            format!("{}page/{n}/", self.base)
        }
    }
}

/// What a plan computes per item and language from that item alone (its card and sort key), kept
/// across plans by the dev server so that an edit recomputes only the edited item's. Valid while
/// the settings, the theme's strings and the build date stay the same: clear it when they change.
#[derive(Default)]
pub struct PlanCache {
    /// By (language index, the item's address in its `Arc`). Each entry holds the item, so its
    /// address cannot be reused by another while the entry lives.
    entries: HashMap<(usize, usize), CacheEntry, ahash::RandomState>,
    /// Counts plans; an entry remembers the last that used it.
    generation: u64,
    /// The layout of the last plan handed back with [`Plan::keep_layout`].
    layout: Option<Layout>,
}

/// What a plan works out from which items there are and how they sort, not from what they say:
/// the order of every list, the pages, and which pages show which item. The dev server keeps it
/// while its signature stays the same (see [`Plan::layout_signature`]), so that an edit to what
/// an item says plans nothing again.
struct Layout {
    signature: u64,
    starts: Vec<jiff::Timestamp>,
    /// Per language, per entity.
    ranks: Vec<Vec<u32>>,
    by_code: BTreeMap<String, Vec<usize>>,
    by_province: BTreeMap<Province, Vec<usize>>,
    lists: Vec<ListSpec>,
    pages: Vec<Page>,
    /// Per language, per entity: the pages that show its card or are its own.
    users: Vec<Vec<Vec<usize>>>,
}

struct CacheEntry {
    _item: Arc<Item>,
    card: Arc<Card>,
    card_digest: u64,
    event_block: Option<Arc<str>>,
    sort_key: Arc<str>,
    used: AtomicU64,
}

impl PlanCache {
    pub fn clear(&mut self) {
        self.entries.clear();
        self.layout = None;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Keeps the `k` entities of `v` that come first by `key`, in that order (a key ties no two).
fn first_by_key<K: Ord>(v: &mut Vec<usize>, k: usize, key: impl Fn(usize) -> K) {
    if k == 0 {
        v.clear();
        return;
    }
    if v.len() > k {
        v.select_nth_unstable_by_key(k - 1, |i| key(*i));
        v.truncate(k);
    }
    v.sort_unstable_by_key(|i| key(*i));
}

/// A digest of everything a [`Layout`] is made from: each item's key, places, professions and
/// what sorts it (for events their dates, for the rest their title, in every language: a
/// translation's title sorts it in its language's lists), the occupations, the languages and the
/// build date. Settings and strings are the cache keeper's to watch (see [`PlanCache`]).
fn layout_signature(site: &Site, now: Date) -> u64 {
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
    h.finish()
}

/// Where an item lives, as a key: items are shared through `Arc`s, so the address identifies
/// one version of one item for as long as something holds it.
fn address(item: &Item) -> usize {
    item as *const Item as usize
}

pub struct Plan<'a> {
    site: &'a Site,
    now: Date,
    /// Scheme and host of `base_url`: page paths are appended to it for absolute URLs.
    origin: String,
    pub langs: Vec<Lang<'a>>,
    pub entities: Vec<Entity<'a>>,
    /// Per entity: when it starts (events; other items: the earliest instant), the order of
    /// event lists.
    starts: Vec<jiff::Timestamp>,
    /// Entities naming each occupation code.
    by_code: BTreeMap<String, Vec<usize>>,
    /// Entities per province (pages excluded).
    by_province: BTreeMap<Province, Vec<usize>>,
    lists: Vec<ListSpec>,
    pub pages: Vec<Page>,
    /// The layout's signature, and whether the layout came from the cache.
    signature: u64,
    layout_reused: bool,
    /// Per language and entity, the pages that show its card or are its own (filled when the
    /// layout is made or taken from the cache).
    users: Vec<Vec<Vec<usize>>>,
    /// Per language: the entities whose card did not come from the cache.
    fresh: Vec<Vec<usize>>,
    /// Site-relative URL of the search index's manifest, once it is built.
    pub search_manifest: Option<String>,
}

impl<'a> Plan<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme, now: Date) -> Result<Self> {
        Self::with_cache(site, theme, now, &mut PlanCache::default())
    }

    /// [`Plan::new`], taking each unchanged item's card and sort key from `cache` and leaving in
    /// it exactly this plan's.
    pub fn with_cache(site: &'a Site, theme: &'a Theme, now: Date, cache: &mut PlanCache) -> Result<Self> {
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
                entities[at].translations.insert(item.lang.as_str(), item);
            }
        }
        let signature = layout_signature(site, now);
        let layout = cache.layout.take().filter(|l| l.signature == signature);
        let origin = cfg
            .base_url
            .strip_suffix(cfg.base_path.as_str())
            .unwrap_or(cfg.base_url.trim_end_matches('/'))
            .to_string();
        let mut plan = Plan {
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
            search_manifest: None,
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
        for code in &cfg.languages {
            let t = theme.strings.get(code).ok_or_else(|| {
                Error::Template(Diagnostic::error(
                    format!("i18n/{code}.yaml"),
                    0,
                    0,
                    "the theme has no string table for this language",
                ))
            })?;
            let root = cfg.lang_root(code);
            let mut lang = Lang {
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
                    lang: code.to_string(),
                    lang_root: root.clone(),
                    menu: Vec::new(),
                    build_date: now.to_string(),
                    build_date_text: dates::date(now, code),
                    locale: locale_of(code).to_string(),
                    feeds: Vec::new(),
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
                    let digest = inputs::card_digest(&card);
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
                neutral: "sitemap.xml".to_string(),
            });
            plan.pages.push(Page {
                lang: 0,
                kind: PageKind::Robots,
                template: "robots.txt",
                neutral: "robots.txt".to_string(),
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

    /// Hands this plan's layout to `cache`, for the next plan to take if nothing it depends on
    /// changed.
    pub fn keep_layout(self, cache: &mut PlanCache) {
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

    /// Per language and entity: the pages that are its own or show its card.
    fn find_users(&self) -> Vec<Vec<Vec<usize>>> {
        let mut users = vec![vec![Vec::new(); self.entities.len()]; self.langs.len()];
        for (k, page) in self.pages.iter().enumerate() {
            let list = match &page.kind {
                PageKind::Item(i) | PageKind::EventCalendar(i) => {
                    users[page.lang][*i].push(k);
                    continue;
                }
                PageKind::Calendar(province) => {
                    for i in self.calendar_events(*province) {
                        users[page.lang][i].push(k);
                    }
                    continue;
                }
                PageKind::List { list, page: n }
                | PageKind::Occupation { list, page: n, .. }
                | PageKind::Province { list, page: n, .. } => (list, n),
                _ => continue,
            };
            let (list, n) = list;
            for (_, i) in self.lists[*list]
                .entries
                .iter()
                .skip((n - 1) * PAGE_SIZE)
                .take(PAGE_SIZE)
            {
                users[page.lang][*i].push(k);
            }
        }
        users
    }

    /// The model the plan was made from.
    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// Leaves in `cache` the cards and sort keys of this plan, and nothing else.
    fn keep_in(&self, cache: &mut PlanCache, generation: u64) {
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

    /// Where a page is written, relative to the output folder.
    pub fn out_path(&self, page: &Page) -> String {
        match page.kind {
            PageKind::Sitemap | PageKind::Robots => page.neutral.clone(),
            PageKind::NotFound | PageKind::EventCalendar(_) | PageKind::Calendar(_) | PageKind::Feed(_) => {
                format!("{}{}", self.langs[page.lang].out_prefix, page.neutral)
            }
            _ => format!("{}{}index.html", self.langs[page.lang].out_prefix, page.neutral),
        }
    }

    fn push(&mut self, lang: usize, kind: PageKind, template: &'static str, neutral: String) {
        self.pages.push(Page {
            lang,
            kind,
            template,
            neutral,
        });
    }

    fn push_list(
        &mut self,
        l: usize,
        spec: ListSpec,
        kind: impl Fn(usize, usize) -> PageKind,
        template: &'static str,
    ) {
        let list = self.lists.len();
        let pages = spec.pages();
        let neutrals: Vec<String> = (1..=pages).map(|n| spec.neutral(n)).collect();
        self.lists.push(spec);
        for (n, neutral) in neutrals.into_iter().enumerate() {
            self.push(l, kind(list, n + 1), template, neutral);
        }
    }

    fn plan_language(&mut self, l: usize) -> Result<()> {
        self.push(l, PageKind::Home, "home.html", String::new());
        for collection in Collection::ALL.into_iter().filter(|c| *c != Collection::Pages) {
            let spec = self.collection_list(&self.langs[l], collection)?;
            self.push_list(l, spec, |list, page| PageKind::List { list, page }, "list.html");
        }
        for i in 0..self.entities.len() {
            let template = if self.entities[i].original.collection == Collection::Pages {
                "page.html"
            } else {
                "item.html"
            };
            let neutral = self.entities[i].neutral();
            self.push(l, PageKind::Item(i), template, neutral);
        }
        self.push(
            l,
            PageKind::Occupations,
            "occupations.html",
            "occupations/".to_string(),
        );
        for occ in &self.site.occupations {
            let lang = &self.langs[l];
            let idx = self.by_code.get(occ.code.as_str()).cloned().unwrap_or_default();
            let (sections, entries) = self.sections_by_collection(lang, idx)?;
            let spec = ListSpec {
                heading: format!("{} – {}", occ.code, occupation_title(occ, lang.code)),
                intro: String::new(),
                base: format!("occupations/{}/", occ.code),
                sections,
                entries,
            };
            let code = occ.code.clone();
            self.push_list(
                l,
                spec,
                |list, page| PageKind::Occupation {
                    code: code.clone(),
                    list,
                    page,
                },
                "occupation.html",
            );
        }
        self.push(l, PageKind::Provinces, "provinces.html", "provinces/".to_string());
        let national = self.by_province.get(&Province::CA).cloned().unwrap_or_default();
        for province in Province::ALL {
            let lang = &self.langs[l];
            let own = self.by_province.get(&province).cloned().unwrap_or_default();
            let (mut sections, mut entries) = self.sections_by_collection(lang, own)?;
            if province != Province::CA {
                let (others, events) = self.ordered(lang, national.clone());
                if !others.is_empty() || !events.is_empty() {
                    sections.push(lang.tr("section_national")?);
                    let s = sections.len() - 1;
                    entries.extend(others.into_iter().chain(events).map(|i| (Some(s), i)));
                }
            }
            let spec = ListSpec {
                heading: province.name(lang.code).to_string(),
                intro: String::new(),
                base: format!("provinces/{}/", province.code().to_lowercase()),
                sections,
                entries,
            };
            self.push_list(
                l,
                spec,
                |list, page| PageKind::Province { province, list, page },
                "province.html",
            );
        }
        self.push(l, PageKind::Draws, "draws.html", "draws/".to_string());
        self.push(l, PageKind::Search, "search.html", "search/".to_string());
        self.push(l, PageKind::NotFound, "404.html", "404.html".to_string());
        self.plan_readers(l);
        Ok(())
    }

    /// The template context of one page.
    pub fn context(&self, page: &Page) -> Result<Context> {
        let lang = &self.langs[page.lang];
        let neutral = page.neutral.as_str();
        match &page.kind {
            PageKind::Home => {
                let mut ctx = self.base_context(lang, neutral, &lang.site.title, "");
                ctx.insert("home", &self.home(lang)?);
                Ok(ctx)
            }
            PageKind::List { list, page: n } => {
                let spec = &self.lists[*list];
                let mut ctx = self.base_context(lang, neutral, &spec.heading, &spec.intro);
                let mut view = self.list_view(lang, spec, *n);
                // The events list offers the calendar of all events and the events feed.
                if spec.base == "events/" {
                    view.calendar = self.calendar_link(lang, None);
                    view.feed_url = Some(lang.url(FeedKind::Events.neutral()));
                }
                ctx.insert("list", &view);
                Ok(ctx)
            }
            PageKind::Item(i) => {
                let item = self.entities[*i].shown(lang.code);
                let view = self.item_view(lang, *i)?;
                let mut ctx = self.base_context(lang, neutral, &item.title, &view.card.summary);
                ctx.insert("item", &view);
                ctx.insert("og_type", "article");
                Ok(ctx)
            }
            PageKind::FormThanks(i) => self.thanks_context(lang, neutral, *i),
            PageKind::EventCalendar(_) | PageKind::Calendar(_) | PageKind::Feed(_) => Ok(Context::new()),
            PageKind::Occupations => {
                let title = lang.tr("title_occupations")?;
                let intro = lang.tr("intro_occupations")?;
                let mut ctx = self.base_context(lang, neutral, &title, &intro);
                ctx.insert("groups", &self.occupation_groups(lang));
                Ok(ctx)
            }
            PageKind::Occupation { code, list, page: n } => {
                let spec = &self.lists[*list];
                let occ = self
                    .site
                    .occupation(code)
                    .ok_or_else(|| Error::Usage(format!("no occupation {code}")))?;
                let note = if *n == 1 { self.note_view(lang, code) } else { None };
                let draws = if *n == 1 {
                    self.site
                        .draws
                        .iter()
                        .filter(|d| d.professions.contains(code))
                        .map(|d| self.draw_view(lang, d))
                        .collect::<Result<Vec<_>>>()?
                } else {
                    Vec::new()
                };
                let description = note.as_ref().map(|n| n.summary.clone()).unwrap_or_default();
                let view = OccupationView {
                    code: occ.code.clone(),
                    title: occupation_title(occ, lang.code).to_string(),
                    teer: occ.teer,
                    teer_label: lang.tr(&format!("teer_{}", occ.teer))?,
                    group: group_title(lang, &occ.code[..2]),
                    note,
                    draws,
                    list: self.list_view(lang, spec, *n),
                };
                let mut ctx = self.base_context(lang, neutral, &spec.heading, &description);
                ctx.insert("occupation", &view);
                Ok(ctx)
            }
            PageKind::Provinces => {
                let title = lang.tr("title_provinces")?;
                let intro = lang.tr("intro_provinces")?;
                let mut ctx = self.base_context(lang, neutral, &title, &intro);
                ctx.insert("provinces", &self.province_counts(lang));
                Ok(ctx)
            }
            PageKind::Province {
                province,
                list,
                page: n,
            } => {
                let spec = &self.lists[*list];
                let count = self
                    .province_counts(lang)
                    .into_iter()
                    .find(|c| c.code == province.code())
                    .ok_or_else(|| Error::Usage(format!("no province {}", province.code())))?;
                let mut ctx = self.base_context(lang, neutral, &spec.heading, "");
                ctx.insert("province", &count);
                let mut view = self.list_view(lang, spec, *n);
                view.calendar = self.calendar_link(lang, Some(*province));
                ctx.insert("list", &view);
                Ok(ctx)
            }
            PageKind::Draws => {
                let draws = self
                    .site
                    .draws
                    .iter()
                    .map(|d| self.draw_view(lang, d))
                    .collect::<Result<Vec<_>>>()?;
                let title = lang.tr("title_draws")?;
                let intro = lang.tr("intro_draws")?;
                let mut ctx = self.base_context(lang, neutral, &title, &intro);
                ctx.insert("draws", &draws);
                Ok(ctx)
            }
            PageKind::Search => super::search_page::context(self, lang, neutral),
            PageKind::NotFound => {
                let mut ctx = self.base_context(lang, neutral, &lang.tr("title_not_found")?, "");
                ctx.insert("other_languages", &self.other_languages(page.lang));
                Ok(ctx)
            }
            PageKind::Sitemap => {
                let mut ctx = Context::new();
                ctx.insert("urls", &self.sitemap_urls());
                ctx.insert("base_url", &self.site.config.base_url);
                Ok(ctx)
            }
            PageKind::Robots => {
                let cfg = &self.site.config;
                let mut ctx = Context::new();
                ctx.insert("sitemap_url", &format!("{}sitemap.xml", cfg.base_url));
                ctx.insert("base_url", &cfg.base_url);
                ctx.insert("default_language", cfg.default_language());
                Ok(ctx)
            }
        }
    }

    // ---- shared pieces ----

    fn alternates(&self, neutral: &str) -> Vec<Alternate> {
        let cfg = &self.site.config;
        cfg.languages
            .iter()
            .map(|l| {
                let path = format!("{}{neutral}", cfg.lang_root(l));
                Alternate {
                    lang: l.clone(),
                    name: language_name(l).to_string(),
                    locale: locale_of(l).to_string(),
                    href: format!("{}{path}", self.origin),
                    path,
                }
            })
            .collect()
    }

    fn page_meta(&self, lang: &Lang, neutral: &str, title: &str, description: &str) -> PageMeta {
        let alternates = self.alternates(neutral);
        let path = lang.url(neutral);
        PageMeta {
            title: title.to_string(),
            description: if description.is_empty() {
                lang.site.description.clone()
            } else {
                description.to_string()
            },
            canonical: format!("{}{path}", self.origin),
            translations: alternates
                .iter()
                .filter(|a| a.lang != lang.code)
                .cloned()
                .collect(),
            alternates,
            path,
        }
    }

    /// A context with `site` and `page` set (`t` is in each language's global context).
    pub(super) fn base_context(&self, lang: &Lang, neutral: &str, title: &str, description: &str) -> Context {
        let meta = self.page_meta(lang, neutral, title, description);
        let mut site = lang.site.clone();
        site.menu = self
            .site
            .config
            .menu
            .iter()
            .map(|m| {
                let url = match m.url.strip_prefix('/') {
                    Some(rest) => lang.url(rest),
                    None => m.url.clone(),
                };
                let current = url == meta.path || (url != lang.root && meta.path.starts_with(&url));
                MenuLink {
                    title: m.title.get(lang.code).to_string(),
                    url,
                    current,
                }
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert("site", &site);
        ctx.insert("page", &meta);
        ctx
    }

    /// One page of a list: its cards, each card that opens a section (or continues one at the
    /// top of a page) carrying the section's heading.
    fn list_view(&self, lang: &Lang, spec: &ListSpec, n: usize) -> ListView {
        let total = spec.pages();
        let mut prev = None;
        let cards: Vec<Card> = spec
            .entries
            .iter()
            .skip((n - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|(section, i)| {
                let mut card = Card::clone(&lang.cards[*i]);
                if prev != Some(*section) {
                    card.section = section.map(|s| spec.sections[s].clone());
                }
                prev = Some(*section);
                card
            })
            .collect();
        let pagination = (total > 1).then(|| Pagination {
            current: n,
            total,
            prev_url: (n > 1).then(|| lang.url(&spec.neutral(n - 1))),
            next_url: (n < total).then(|| lang.url(&spec.neutral(n + 1))),
            pages: (1..=total)
                .map(|k| PageLink {
                    number: k,
                    url: lang.url(&spec.neutral(k)),
                    current: k == n,
                })
                .collect(),
        });
        ListView {
            heading: spec.heading.clone(),
            intro: spec.intro.clone(),
            empty: cards.is_empty(),
            cards,
            pagination,
            calendar: None,
            feed_url: None,
        }
    }

    /// Orders entity indexes for lists: everything but events by title; events upcoming
    /// soonest first, then past newest first. Returns (others, events).
    fn ordered(&self, lang: &Lang, idx: Vec<usize>) -> (Vec<usize>, Vec<usize>) {
        let (events, mut others): (Vec<usize>, Vec<usize>) = idx
            .into_iter()
            .partition(|i| self.entities[*i].original.collection == Collection::Events);
        // `idx` is in entity order, so sorting by rank is the stable sort by (key, slug).
        others.sort_by_key(|i| lang.rank[*i]);
        let (mut upcoming, mut past): (Vec<usize>, Vec<usize>) = events
            .into_iter()
            .partition(|i| lang.cards[*i].status == "upcoming");
        upcoming.sort_by_key(|i| (self.starts[*i], *i));
        past.sort_by_key(|i| (std::cmp::Reverse(self.starts[*i]), *i));
        upcoming.extend(past);
        (others, upcoming)
    }

    /// Sections by collection (portals, programs, networks, pages, then events upcoming and
    /// past): the section names and the (section, entity) entries.
    #[allow(clippy::type_complexity)]
    fn sections_by_collection(
        &self,
        lang: &Lang,
        idx: Vec<usize>,
    ) -> Result<(Vec<String>, Vec<(Option<usize>, usize)>)> {
        let (others, events) = self.ordered(lang, idx);
        let mut sections = Vec::new();
        let mut entries = Vec::new();
        for c in [
            Collection::Portals,
            Collection::Programs,
            Collection::Members,
            Collection::Pages,
        ] {
            let list: Vec<usize> = others
                .iter()
                .copied()
                .filter(|i| self.entities[*i].original.collection == c)
                .collect();
            if !list.is_empty() {
                sections.push(lang.tr(collection_key(c))?);
                let s = sections.len() - 1;
                entries.extend(list.into_iter().map(|i| (Some(s), i)));
            }
        }
        let (up, past): (Vec<usize>, Vec<usize>) = events
            .into_iter()
            .partition(|i| lang.cards[*i].status == "upcoming");
        for (key, list) in [("section_events_upcoming", up), ("section_events_past", past)] {
            if !list.is_empty() {
                sections.push(lang.tr(key)?);
                let s = sections.len() - 1;
                entries.extend(list.into_iter().map(|i| (Some(s), i)));
            }
        }
        Ok((sections, entries))
    }

    // ---- pages ----

    fn collection_list(&self, lang: &Lang, collection: Collection) -> Result<ListSpec> {
        let idx: Vec<usize> = (0..self.entities.len())
            .filter(|i| self.entities[*i].original.collection == collection)
            .collect();
        let (others, events) = self.ordered(lang, idx);
        let mut sections = Vec::new();
        let mut entries = Vec::new();
        if collection == Collection::Events {
            let (up, past): (Vec<usize>, Vec<usize>) = events
                .into_iter()
                .partition(|i| lang.cards[*i].status == "upcoming");
            for (key, list) in [("list_upcoming", up), ("list_past", past)] {
                if !list.is_empty() {
                    sections.push(lang.tr(key)?);
                    let s = sections.len() - 1;
                    entries.extend(list.into_iter().map(|i| (Some(s), i)));
                }
            }
        } else {
            entries.extend(others.into_iter().map(|i| (None, i)));
        }
        Ok(ListSpec {
            heading: lang.tr(collection_key(collection))?,
            intro: lang.tr(&format!("list_intro_{}", collection.name()))?,
            base: format!("{}/", collection.name()),
            sections,
            entries,
        })
    }

    fn home(&self, lang: &Lang) -> Result<HomeView> {
        // The first few of two orders, picked without sorting every item (the dev server
        // builds this page after every edit): upcoming events soonest first, as in `ordered`;
        // resources with the newest facts first, then in list order.
        let cards = &lang.cards;
        let collection = |i: usize| self.entities[i].original.collection;
        let mut upcoming: Vec<usize> = (0..self.entities.len())
            .filter(|i| collection(*i) == Collection::Events && cards[*i].status == "upcoming")
            .collect();
        first_by_key(&mut upcoming, HOME_UPCOMING, |i| (self.starts[i], i));
        let upcoming: Vec<Card> = upcoming.iter().map(|i| Card::clone(&cards[*i])).collect();
        let mut resources: Vec<usize> = (0..self.entities.len())
            .filter(|i| !matches!(collection(*i), Collection::Events | Collection::Pages))
            .collect();
        first_by_key(&mut resources, HOME_NEWEST, |i| {
            (
                std::cmp::Reverse(self.entities[i].original.reviewed),
                lang.rank[i],
            )
        });
        let newest = resources.iter().map(|i| Card::clone(&cards[*i])).collect();
        let mut professions: Vec<OccupationLink> = self
            .site
            .occupations
            .iter()
            .map(|o| self.occupation_link(lang, o))
            .filter(|o| o.count > 0)
            .collect();
        professions.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        professions.truncate(HOME_PROFESSIONS);
        let mut collections = Vec::new();
        for c in Collection::ALL.into_iter().filter(|c| *c != Collection::Pages) {
            collections.push(CollectionCount {
                name: c.name().to_string(),
                label: lang.tr(collection_key(c))?,
                url: lang.url(&format!("{}/", c.name())),
                count: self
                    .entities
                    .iter()
                    .filter(|e| e.original.collection == c)
                    .count(),
            });
        }
        let about = self
            .entities
            .iter()
            .find(|e| e.original.collection == Collection::Pages && e.original.slug == "about");
        Ok(HomeView {
            intro: lang.site.description.clone(),
            about_url: about.map(|e| lang.url(&e.neutral())),
            upcoming,
            newest,
            professions,
            provinces: self.province_counts(lang),
            collections,
        })
    }

    fn province_counts(&self, lang: &Lang) -> Vec<ProvinceCount> {
        Province::ALL
            .iter()
            .map(|p| ProvinceCount {
                code: p.code().to_string(),
                name: p.name(lang.code).to_string(),
                url: lang.url(&format!("provinces/{}/", p.code().to_lowercase())),
                count: self.by_province.get(p).map_or(0, Vec::len),
            })
            .collect()
    }

    /// The occupations by NOC broad category (first digit), then major group (two digits).
    fn occupation_groups(&self, lang: &Lang) -> Vec<OccupationCategory> {
        let mut categories: Vec<OccupationCategory> = Vec::new();
        for occ in &self.site.occupations {
            let (cat, code) = (&occ.code[..1], &occ.code[..2]);
            if categories.last().is_none_or(|c| c.code != cat) {
                categories.push(OccupationCategory {
                    code: cat.to_string(),
                    title: noc_title(lang, "noc_category", cat),
                    groups: Vec::new(),
                });
            }
            let Some(category) = categories.last_mut() else {
                continue;
            };
            if category.groups.last().is_none_or(|g| g.code != code) {
                category.groups.push(OccupationGroup {
                    code: code.to_string(),
                    title: group_title(lang, code),
                    occupations: Vec::new(),
                });
            }
            let link = self.occupation_link(lang, occ);
            if let Some(g) = category.groups.last_mut() {
                g.occupations.push(link);
            }
        }
        categories
    }

    /// Every page of the default language, with its alternates in every language.
    fn sitemap_urls(&self) -> Vec<SitemapUrl> {
        let mut neutrals: Vec<&str> = self
            .pages
            .iter()
            .filter(|p| p.lang == 0)
            .filter(|p| p.kind.in_sitemap())
            .map(|p| p.neutral.as_str())
            .collect();
        neutrals.sort_unstable();
        neutrals.dedup();
        let cfg = &self.site.config;
        let mut urls = Vec::new();
        for lang in &cfg.languages {
            for neutral in &neutrals {
                urls.push(SitemapUrl {
                    loc: format!("{}{}{neutral}", self.origin, cfg.lang_root(lang)),
                    alternates: self.alternates(neutral),
                });
            }
        }
        urls
    }

    fn upcoming(&self, e: &Event) -> bool {
        last_date(e.end.unwrap_or(e.start), &self.site.config.timezone) >= self.now
    }

    fn province_link(&self, lang: &Lang, p: Province) -> ProvinceLink {
        ProvinceLink {
            code: p.code().to_string(),
            name: p.name(lang.code).to_string(),
            url: lang.url(&format!("provinces/{}/", p.code().to_lowercase())),
        }
    }

    fn occupation_link(&self, lang: &Lang, occ: &Occupation) -> OccupationLink {
        OccupationLink {
            code: occ.code.clone(),
            title: occupation_title(occ, lang.code).to_string(),
            url: lang.url(&format!("occupations/{}/", occ.code)),
            teer: occ.teer,
            count: self.by_code.get(occ.code.as_str()).map_or(0, Vec::len),
        }
    }

    fn source_view(source: &str) -> SourceView {
        if is_web_url(source) {
            let text = source
                .split_once("://")
                .map(|(_, r)| r.trim_end_matches('/'))
                .unwrap_or(source);
            SourceView {
                text: text.to_string(),
                url: Some(source.to_string()),
            }
        } else {
            SourceView {
                text: source.to_string(),
                url: None,
            }
        }
    }

    fn card(&self, lang: &Lang, i: usize) -> Result<Card> {
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

    fn item_view(&self, lang: &Lang, i: usize) -> Result<ItemView> {
        let card = &lang.cards[i];
        let entity = &self.entities[i];
        let item = entity.shown(lang.code);
        let cfg = &self.site.config;
        let tz = &cfg.timezone;
        let yes = |s: &Option<String>| s.clone();
        let mut facts: Vec<Fact> = Vec::new();
        let mut fact = |label: String, text: Option<String>, url: Option<String>, list: Vec<String>| {
            if text.is_some() || !list.is_empty() {
                facts.push(Fact {
                    label,
                    text: text.unwrap_or_default(),
                    url,
                    list,
                });
            }
        };
        let mut event_view = None;
        let mut action_url = None;
        match &item.details {
            Details::Page => {}
            Details::Portal { url, operator, .. } => {
                fact(lang.tr("field_operator")?, Some(operator.clone()), None, vec![]);
                fact(
                    lang.tr("field_status")?,
                    Some(card.status_label.clone()),
                    None,
                    vec![],
                );
                fact(lang.tr("field_portal_url")?, url.clone(), url.clone(), vec![]);
                action_url = url.clone();
            }
            Details::Event(e) => {
                let when = dates::span(e.start, e.end, tz, lang.code);
                fact(lang.tr("field_when")?, Some(when.clone()), None, vec![]);
                fact(
                    lang.tr("field_format")?,
                    Some(lang.tr(format_key(e.format))?),
                    None,
                    vec![],
                );
                fact(lang.tr("field_location")?, yes(&e.location), None, vec![]);
                fact(lang.tr("field_host")?, yes(&e.host), None, vec![]);
                fact(lang.tr("field_partners")?, None, None, e.partners.clone());
                if let Some(l) = e.language {
                    let key = match l {
                        EventLanguage::En => "event_lang_en",
                        EventLanguage::Fr => "event_lang_fr",
                        EventLanguage::Bilingual => "event_lang_bilingual",
                        EventLanguage::NotStated => "event_lang_not_stated",
                    };
                    fact(
                        lang.tr("field_event_language")?,
                        Some(lang.tr(key)?),
                        None,
                        vec![],
                    );
                }
                fact(
                    lang.tr("field_registration")?,
                    yes(&e.registration_url),
                    yes(&e.registration_url),
                    vec![],
                );
                fact(
                    lang.tr("field_recording")?,
                    yes(&e.recording_url),
                    yes(&e.recording_url),
                    vec![],
                );
                event_view = Some(EventView {
                    when,
                    start_iso: dates::iso(e.start),
                    end_iso: e.end.map(dates::iso),
                    upcoming: self.upcoming(e),
                    registration_url: e.registration_url.clone(),
                    recording_url: e.recording_url.clone(),
                    calendar_url: self.event_calendar_url(lang, i),
                    json_ld: self.event_json_ld(lang, i, item, e),
                });
            }
            Details::Member {
                location,
                membership,
                services,
                host_org,
                url,
            } => {
                fact(lang.tr("field_location")?, Some(location.clone()), None, vec![]);
                fact(lang.tr("field_membership")?, yes(membership), None, vec![]);
                fact(lang.tr("field_services")?, None, None, services.clone());
                fact(lang.tr("field_host_org")?, yes(host_org), None, vec![]);
                fact(lang.tr("field_website")?, yes(url), yes(url), vec![]);
            }
            Details::Program {
                provider,
                location,
                delivery,
                clients,
                supports,
                url,
            } => {
                fact(lang.tr("field_provider")?, Some(provider.clone()), None, vec![]);
                fact(lang.tr("field_location")?, yes(location), None, vec![]);
                if let Some(d) = delivery {
                    fact(
                        lang.tr("field_delivery")?,
                        Some(lang.tr(format_key(*d))?),
                        None,
                        vec![],
                    );
                }
                fact(lang.tr("field_clients")?, yes(clients), None, vec![]);
                fact(lang.tr("field_supports")?, None, None, supports.clone());
                fact(lang.tr("field_website")?, yes(url), yes(url), vec![]);
            }
        }
        if item.collection != Collection::Pages {
            let provinces = item
                .provinces
                .iter()
                .map(|p| p.name(lang.code).to_string())
                .collect();
            fact(lang.tr("field_provinces")?, None, None, provinces);
            let audience = item
                .audience
                .iter()
                .map(|a| {
                    lang.tr(match a {
                        Audience::Iehp => "audience_iehp",
                        Audience::Employer => "audience_employer",
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            fact(lang.tr("field_audience")?, None, None, audience);
        }
        let professions = item
            .professions
            .iter()
            .filter_map(|c| self.site.occupation(c))
            .map(|o| self.occupation_link(lang, o))
            .collect();
        // An item shown under another language's interface keeps its own text, with links
        // placed under this language's pages.
        let body_html = if item.lang == lang.code {
            item.body.html.clone()
        } else {
            markdown::relocate(
                &item.body.html,
                &self.site.config.lang_root(&item.lang),
                &lang.root,
            )
        };
        let view = ItemView {
            card: Card::clone(card),
            facts,
            professions,
            body_html,
            source: item.source.as_deref().map(Self::source_view),
            reviewed: dates::date(item.reviewed, lang.code),
            reviewed_iso: item.reviewed.to_string(),
            reviewed_month: dates::month_year(item.reviewed, lang.code),
            stale: is_stale(item.reviewed, self.now, cfg.stale_after_months),
            fallback_lang_name: (item.lang != lang.code)
                .then(|| lang.tr(&format!("language_name_{}", item.lang)))
                .transpose()?,
            text_lang: item.lang.clone(),
            event: event_view,
            action_url,
            form: self.form_view(lang, i),
        };
        Ok(view)
    }

    fn note_view(&self, lang: &Lang, code: &str) -> Option<NoteView> {
        let default = self.site.config.default_language();
        let note = self
            .site
            .notes
            .iter()
            .find(|n| n.code == code && n.lang == lang.code)
            .or_else(|| {
                self.site
                    .notes
                    .iter()
                    .find(|n| n.code == code && n.lang == default)
            })?;
        let body_html = if note.lang == lang.code {
            note.body.html.clone()
        } else {
            markdown::relocate(
                &note.body.html,
                &self.site.config.lang_root(&note.lang),
                &lang.root,
            )
        };
        Some(NoteView {
            summary: note.summary.clone().unwrap_or_default(),
            body_html,
            source: Self::source_view(&note.source),
            reviewed: dates::date(note.reviewed, lang.code),
            reviewed_iso: note.reviewed.to_string(),
            fallback_lang_name: (note.lang != lang.code)
                .then(|| lang.t.get(&format!("language_name_{}", note.lang)).cloned())
                .flatten(),
            text_lang: note.lang.clone(),
        })
    }

    fn draw_view(&self, lang: &Lang, d: &Draw) -> Result<DrawView> {
        let crs = match (d.crs_min, d.crs_max) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            (Some(a), None) => format!("≥ {a}"),
            (None, Some(b)) => format!("≤ {b}"),
            (None, None) => lang.tr("draws_invitations_unknown")?,
        };
        Ok(DrawView {
            date: dates::date(d.date, lang.code),
            date_iso: d.date.to_string(),
            program: d.program.clone(),
            stream: d.stream.clone().unwrap_or_default(),
            province: d.province.map(|p| self.province_link(lang, p)),
            invitations: match d.invitations {
                Some(n) => group_digits(n, lang.code),
                None => lang.tr("draws_invitations_unknown")?,
            },
            crs,
            professions: d
                .professions
                .iter()
                .filter_map(|c| self.site.occupation(c))
                .map(|o| self.occupation_link(lang, o))
                .collect(),
            notes: d.notes.clone().unwrap_or_default(),
            source: Self::source_view(&d.source),
        })
    }
}

fn group_title(lang: &Lang, code: &str) -> String {
    noc_title(lang, "noc_group", code)
}

/// The title of a NOC broad category or major group from the string tables: `3 – Health
/// occupations`; a code the tables do not name is shown as `NOC 42` (`CNP 42`).
fn noc_title(lang: &Lang, prefix: &str, code: &str) -> String {
    match lang.t.get(&format!("{prefix}_{code}")) {
        Some(title) => format!("{code} – {title}"),
        None => {
            let noc = lang.t.get("noc_short").map_or("NOC", String::as_str);
            format!("{noc} {code}")
        }
    }
}

pub(crate) fn occupation_title<'o>(occ: &'o Occupation, lang: &str) -> &'o str {
    match (lang, &occ.title_fr) {
        ("fr", Some(fr)) => fr,
        _ => &occ.title,
    }
}

fn kind_key(c: Collection) -> &'static str {
    match c {
        Collection::Pages => "kind_page",
        Collection::Portals => "kind_portal",
        Collection::Events => "kind_event",
        Collection::Members => "kind_member",
        Collection::Programs => "kind_program",
    }
}

fn collection_key(c: Collection) -> &'static str {
    match c {
        Collection::Pages => "collection_pages",
        Collection::Portals => "collection_portals",
        Collection::Events => "collection_events",
        Collection::Members => "collection_members",
        Collection::Programs => "collection_programs",
    }
}

fn format_key(f: Format) -> &'static str {
    match f {
        Format::Online => "format_online",
        Format::InPerson => "format_in_person",
        Format::Hybrid => "format_hybrid",
        Format::NotStated => "format_not_stated",
    }
}

/// The summary, or the body's opening words when the item has none.
fn summary_of(item: &Item) -> String {
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

fn truncate_words(text: &str, max: usize) -> String {
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

/// Whether facts reviewed on `reviewed` are older than `months` at `now`.
pub fn is_stale(reviewed: Date, now: Date, months: u32) -> bool {
    match reviewed.checked_add(jiff::Span::new().months(i64::from(months))) {
        Ok(limit) => limit < now,
        Err(_) => false,
    }
}

/// 2104 -> "2,104" (English) or "2 104" (French, with a no-break space).
fn group_digits(n: u32, lang: &str) -> String {
    let digits = n.to_string();
    let sep = if lang == "fr" { '\u{a0}' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
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
    fn first_by_key_keeps_the_first_few_in_order() {
        let mut v: Vec<usize> = vec![5, 3, 9, 1, 7, 2];
        first_by_key(&mut v, 3, std::cmp::Reverse);
        assert_eq!(v, [9, 7, 5]);
        let mut v: Vec<usize> = vec![4, 2];
        first_by_key(&mut v, 3, |i| i);
        assert_eq!(v, [2, 4]);
        first_by_key(&mut v, 0, |i| i);
        assert!(v.is_empty());
    }

    #[test]
    fn digits() {
        assert_eq!(group_digits(2104, "en"), "2,104");
        assert_eq!(group_digits(2104, "fr"), "2\u{a0}104");
        assert_eq!(group_digits(999, "en"), "999");
        assert_eq!(group_digits(1_000_000, "en"), "1,000,000");
    }

    #[test]
    fn truncation_keeps_whole_words() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 10), "one two…");
    }
}
