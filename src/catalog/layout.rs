//! Every page the site has and the lists behind them: which [`PageKind`] at which path with which
//! template, each list's entries in order (cards by title, events upcoming soonest first then
//! past newest first, sections by collection) and its paging. Pure.

use super::events::{FeedKind, calendar_neutral, calendar_when, in_calendars};
use super::{Catalog, Edition, cards::collection_key, occupation_title};
use crate::content::model::*;
use crate::error::Result;
use crate::urls;
use crate::views::CardStatus;

/// Items per list page before it is split into numbered pages.
pub const PAGE_SIZE: usize = 50;

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
    /// The "I am a..." chooser: every profession, each with its pathways by province.
    Pathways,
    /// One pathway's step-by-step page, by slug.
    Pathway(String),
    /// Every organisation, by kind.
    Organizations,
    /// One organisation's page, by slug.
    Organization(String),
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
pub struct ListSpec {
    pub(crate) heading: String,
    pub(crate) intro: String,
    pub(crate) base: String,
    pub(crate) sections: Vec<String>,
    pub(crate) entries: Vec<(Option<usize>, usize)>,
}

impl ListSpec {
    pub(crate) fn pages(&self) -> usize {
        self.entries.len().div_ceil(PAGE_SIZE).max(1)
    }

    pub(crate) fn neutral(&self, n: usize) -> String {
        urls::paged(&self.base, n)
    }
}

/// The forms a page may carry (front matter `form:`).
pub fn form_name(form: PageForm) -> &'static str {
    match form {
        PageForm::EmployerInquiry => "employer-inquiry",
    }
}

impl PageKind {
    /// Pages a search engine should list: not the 404, thank-you pages, calendars or feeds.
    pub fn in_sitemap(&self) -> bool {
        !matches!(
            self,
            PageKind::NotFound
                | PageKind::Sitemap
                | PageKind::Robots
                | PageKind::EventCalendar(_)
                | PageKind::Calendar(_)
                | PageKind::Feed(_)
                | PageKind::FormThanks(_)
        )
    }

    /// Files written by the plan's own writers rather than a template.
    pub fn is_generated(&self) -> bool {
        matches!(
            self,
            PageKind::EventCalendar(_) | PageKind::Calendar(_) | PageKind::Feed(_)
        )
    }
}

impl Catalog<'_> {
    /// Per language and entity: the pages that are its own or show its card.
    pub(crate) fn find_users(&self) -> Vec<Vec<Vec<usize>>> {
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

    /// Where a page is written, relative to the output folder.
    pub fn out_path(&self, page: &Page) -> String {
        match page.kind {
            // One for the whole site, at its root.
            PageKind::Sitemap | PageKind::Robots => urls::output_file("", &page.neutral),
            _ => urls::output_file(&self.langs[page.lang].out_prefix, &page.neutral),
        }
    }

    pub(crate) fn push(&mut self, lang: usize, kind: PageKind, template: &'static str, neutral: String) {
        self.pages.push(Page {
            lang,
            kind,
            template,
            neutral,
        });
    }

    pub(crate) fn push_list(
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

    pub(crate) fn plan_language(&mut self, l: usize) -> Result<()> {
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
            urls::OCCUPATIONS.to_string(),
        );
        for occ in &self.site.occupations {
            let lang = &self.langs[l];
            let idx = self.by_code.get(occ.code.as_str()).cloned().unwrap_or_default();
            let (sections, entries) = self.sections_by_collection(lang, idx)?;
            let spec = ListSpec {
                heading: format!("{} – {}", occ.code, occupation_title(occ, lang.code)),
                intro: String::new(),
                base: urls::occupation(&occ.code),
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
        self.push(
            l,
            PageKind::Provinces,
            "provinces.html",
            urls::PROVINCES.to_string(),
        );
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
                base: urls::province(province.code()),
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
        self.push(l, PageKind::Draws, "draws.html", urls::DRAWS.to_string());
        self.plan_licensing(l);
        self.push(l, PageKind::Search, "search.html", urls::SEARCH.to_string());
        self.push(l, PageKind::NotFound, "404.html", urls::NOT_FOUND.to_string());
        self.plan_readers(l);
        Ok(())
    }

    /// The chooser, every pathway's page, the organisations list and every organisation's page
    /// (one page per original, shown in each language).
    fn plan_licensing(&mut self, l: usize) {
        let default = self.site.config.default_language();
        self.push(l, PageKind::Pathways, "pathways.html", urls::PATHWAYS.to_string());
        let pathways: Vec<String> = self
            .site
            .pathways
            .iter()
            .filter(|p| p.lang == default)
            .map(|p| p.slug.clone())
            .collect();
        for slug in pathways {
            let neutral = urls::pathway(&slug);
            self.push(l, PageKind::Pathway(slug), "pathway.html", neutral);
        }
        self.push(
            l,
            PageKind::Organizations,
            "organizations.html",
            urls::ORGANIZATIONS.to_string(),
        );
        let orgs: Vec<String> = self
            .site
            .organizations
            .iter()
            .filter(|o| o.lang == default)
            .map(|o| o.slug.clone())
            .collect();
        for slug in orgs {
            let neutral = urls::organization(&slug);
            self.push(l, PageKind::Organization(slug), "organization.html", neutral);
        }
    }

    /// Orders entity indexes for lists: everything but events by title; events upcoming
    /// soonest first, then past newest first. Returns (others, events).
    pub(crate) fn ordered(&self, lang: &Edition, idx: Vec<usize>) -> (Vec<usize>, Vec<usize>) {
        let (events, mut others): (Vec<usize>, Vec<usize>) = idx
            .into_iter()
            .partition(|i| self.entities[*i].original.collection == Collection::Events);
        // `idx` is in entity order, so sorting by rank is the stable sort by (key, slug).
        others.sort_by_key(|i| lang.rank[*i]);
        let (mut upcoming, mut past): (Vec<usize>, Vec<usize>) = events
            .into_iter()
            .partition(|i| lang.cards[*i].status == CardStatus::Upcoming);
        upcoming.sort_by_key(|i| (self.starts[*i], *i));
        past.sort_by_key(|i| (std::cmp::Reverse(self.starts[*i]), *i));
        upcoming.extend(past);
        (others, upcoming)
    }

    /// Sections by collection (portals, programs, networks, pages, then events upcoming and
    /// past): the section names and the (section, entity) entries.
    #[allow(clippy::type_complexity)]
    pub(crate) fn sections_by_collection(
        &self,
        lang: &Edition,
        idx: Vec<usize>,
    ) -> Result<(Vec<String>, Vec<(Option<usize>, usize)>)> {
        let (others, events) = self.ordered(lang, idx);
        let (archive, others): (Vec<usize>, Vec<usize>) = others.into_iter().partition(|i| self.archived(*i));
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
            .partition(|i| lang.cards[*i].status == CardStatus::Upcoming);
        for (key, list) in [
            ("section_events_upcoming", up),
            ("section_events_past", past),
            ("section_archive", archive),
        ] {
            if !list.is_empty() {
                sections.push(lang.tr(key)?);
                let s = sections.len() - 1;
                entries.extend(list.into_iter().map(|i| (Some(s), i)));
            }
        }
        Ok((sections, entries))
    }

    pub(crate) fn collection_list(&self, lang: &Edition, collection: Collection) -> Result<ListSpec> {
        let idx: Vec<usize> = (0..self.entities.len())
            .filter(|i| self.entities[*i].original.collection == collection)
            .collect();
        let (others, events) = self.ordered(lang, idx);
        let mut sections = Vec::new();
        let mut entries = Vec::new();
        if collection == Collection::Events {
            let (up, past): (Vec<usize>, Vec<usize>) = events
                .into_iter()
                .partition(|i| lang.cards[*i].status == CardStatus::Upcoming);
            for (key, list) in [("list_upcoming", up), ("list_past", past)] {
                if !list.is_empty() {
                    sections.push(lang.tr(key)?);
                    let s = sections.len() - 1;
                    entries.extend(list.into_iter().map(|i| (Some(s), i)));
                }
            }
        } else {
            // Old facts nobody has confirmed since go under their own heading, after the rest.
            let (archive, current): (Vec<usize>, Vec<usize>) =
                others.into_iter().partition(|i| self.archived(*i));
            if archive.is_empty() {
                entries.extend(current.into_iter().map(|i| (None, i)));
            } else {
                for (key, list) in [("section_current", current), ("section_archive", archive)] {
                    if !list.is_empty() {
                        sections.push(lang.tr(key)?);
                        let s = sections.len() - 1;
                        entries.extend(list.into_iter().map(|i| (Some(s), i)));
                    }
                }
            }
        }
        Ok(ListSpec {
            heading: lang.tr(collection_key(collection))?,
            intro: lang.tr(&format!("list_intro_{}", collection.name()))?,
            base: urls::collection(collection.name()),
            sections,
            entries,
        })
    }

    /// Plans the calendars, feeds and thank-you pages of language `l`.
    pub(crate) fn plan_readers(&mut self, l: usize) {
        let tz = self.site.config.timezone.clone();
        for i in 0..self.entities.len() {
            let original = self.entities[i].original;
            if let Some(e) = original.event()
                && calendar_when(e, &tz).is_some()
            {
                let slug = &original.slug;
                self.push(l, PageKind::EventCalendar(i), "", urls::event_calendar(slug));
            }
            if original.collection == Collection::Pages && original.form.is_some() {
                self.push(
                    l,
                    PageKind::FormThanks(i),
                    "thanks.html",
                    urls::form_thanks(&original.slug),
                );
            }
        }
        for province in std::iter::once(None).chain(Province::ALL.into_iter().map(Some)) {
            if self.calendar_has_events(province) {
                self.push(l, PageKind::Calendar(province), "", calendar_neutral(province));
            }
        }
        for feed in [FeedKind::Resources, FeedKind::Events] {
            self.push(l, PageKind::Feed(feed), "", feed.neutral().to_string());
        }
    }

    /// Whether a calendar has any event; cheap, as list pages ask it for their links.
    pub(crate) fn calendar_has_events(&self, province: Option<Province>) -> bool {
        let dated = |i: &usize| self.entities[*i].original.event().is_some_and(in_calendars);
        let listed = |p: Province| self.by_province.get(&p).into_iter().flatten().any(dated);
        match province {
            None => (0..self.entities.len()).any(|i| dated(&i)),
            Some(p) => listed(p) || (p != Province::CA && listed(Province::CA)),
        }
    }

    /// Events with a known day in a calendar, soonest first: every event, or a province's own
    /// and the national ones (as its page lists them).
    pub(crate) fn calendar_events(&self, province: Option<Province>) -> Vec<usize> {
        let mut idx: Vec<usize> = match province {
            None => (0..self.entities.len()).collect(),
            Some(p) => {
                let mut v = self.by_province.get(&p).cloned().unwrap_or_default();
                if p != Province::CA {
                    v.extend(self.by_province.get(&Province::CA).into_iter().flatten());
                }
                v.sort_unstable();
                v.dedup();
                v
            }
        };
        idx.retain(|i| self.entities[*i].original.event().is_some_and(in_calendars));
        // `starts` holds each event's first instant.
        idx.sort_unstable_by_key(|i| (self.starts[*i], *i));
        idx
    }
}
