//! Page views: from the catalog to each page's template context, one module per kind of page
//! (`home`, `lists`, `item`, `occupations`, `draws`, `search`, `site_files`), and the files Rust
//! writes itself (`feeds`). [`Views`] holds what every view reads: the catalog, and the address
//! of the search index, which is built beside the pages and handed in (never set afterwards).
//! Contexts are built only when a page is rendered, so pages render in parallel and the dev
//! server can build just a few.

use tera::Context;

mod draws;
mod feeds;
mod home;
pub mod inputs;
mod item;
mod json_ld;
mod licensing;
mod lists;
mod occupations;
mod search;
mod site_files;

use crate::catalog::{Catalog, Edition, Page, PageKind};
use crate::error::Result;
use crate::schema::is_web_url;
use crate::views::*;

/// What page views are built from.
pub struct Views<'a> {
    pub cat: &'a Catalog<'a>,
    /// Site-relative URL of the search index's manifest; only the search page reads it, so the
    /// other pages render while the index is still being built (`None`).
    search_manifest: Option<&'a str>,
}

impl<'a> Views<'a> {
    pub fn new(cat: &'a Catalog<'a>, search_manifest: Option<&'a str>) -> Self {
        Views { cat, search_manifest }
    }

    /// The template context of one page.
    pub fn context(&self, page: &Page) -> Result<Context> {
        let lang = &self.cat.langs[page.lang];
        let neutral = page.neutral.as_str();
        match &page.kind {
            PageKind::Home => self.home_context(lang, neutral),
            PageKind::List { list, page: n } => self.list_context(lang, neutral, *list, *n),
            PageKind::Item(i) => self.item_context(lang, neutral, *i),
            PageKind::FormThanks(i) => self.thanks_context(lang, neutral, *i),
            PageKind::EventCalendar(_) | PageKind::Calendar(_) | PageKind::Feed(_) => Ok(Context::new()),
            PageKind::Occupations => self.occupations_context(lang, neutral),
            PageKind::Occupation { code, list, page: n } => {
                self.occupation_context(lang, neutral, code, *list, *n)
            }
            PageKind::Provinces => self.provinces_context(lang, neutral),
            PageKind::Province {
                province,
                list,
                page: n,
            } => self.province_context(lang, neutral, *province, *list, *n),
            PageKind::Draws => self.draws_context(lang, neutral),
            PageKind::Pathways => self.pathways_context(lang, neutral),
            PageKind::Pathway(slug) => self.pathway_context(lang, neutral, slug),
            PageKind::Organizations => self.organizations_context(lang, neutral),
            PageKind::Organization(slug) => self.organization_context(lang, neutral, slug),
            PageKind::Search => self.search_context(lang, neutral),
            PageKind::NotFound => self.not_found_context(lang, page.lang, neutral),
            PageKind::Sitemap => Ok(self.sitemap_context()),
            PageKind::Robots => Ok(self.robots_context()),
        }
    }

    // ---- shared pieces ----

    fn alternates(&self, neutral: &str) -> Vec<Alternate> {
        let cfg = &self.cat.site.config;
        cfg.languages
            .iter()
            .map(|&l| {
                let path = format!("{}{neutral}", cfg.lang_root(l));
                Alternate {
                    lang: l,
                    name: l.own_name().to_string(),
                    locale: l.locale().to_string(),
                    href: format!("{}{path}", self.cat.origin),
                    path,
                }
            })
            .collect()
    }

    fn page_meta(&self, lang: &Edition, neutral: &str, title: &str, description: &str) -> PageMeta {
        let alternates = self.alternates(neutral);
        let path = lang.url(neutral);
        PageMeta {
            title: title.to_string(),
            description: if description.is_empty() {
                lang.site.description.clone()
            } else {
                description.to_string()
            },
            canonical: format!("{}{path}", self.cat.origin),
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
    fn base_context(&self, lang: &Edition, neutral: &str, title: &str, description: &str) -> Context {
        let meta = self.page_meta(lang, neutral, title, description);
        let mut site = lang.site.clone();
        site.menu = self
            .cat
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
}

fn source_view(source: &str) -> SourceView {
    if is_web_url(source) {
        SourceView {
            text: crate::content::markdown::site_name(source),
            url: Some(source.to_string()),
        }
    } else {
        SourceView {
            text: source.to_string(),
            url: None,
        }
    }
}
