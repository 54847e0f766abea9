//! What each planned page is made from, so the dev server can tell which pages an edit changes
//! without rendering them. Two plans of the same settings, strings and build date give a page the
//! same [`Inputs`] only if its context is the same; the templates are the caller's part (see
//! `render::stamps`).
//!
//! Items enter by identity: the address of the shared `Arc` a plan shows. A caller comparing two
//! plans must hold the earlier one's site until it has compared, so that no new item can take the
//! address of one that changed.

use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::{Hash, Hasher};

use ahash::AHasher;

use rayon::prelude::*;
use tera::Context;

use super::Views;
use crate::catalog::{Edition, ListSpec, PAGE_SIZE, Page, PageKind, address};
use crate::error::Result;

/// What a page's context is made from.
#[derive(Debug, Clone, PartialEq)]
pub enum Inputs {
    /// A digest of it, for the many pages (items and lists) whose context is costly to build.
    Digest(u64),
    /// The context itself, for pages that are few and cheap to build (home, indexes, and any
    /// kind of page this module does not know, which is then compared whole).
    Context(Box<Context>),
    /// The file itself, for calendars and feeds, which Rust writes without a template: what
    /// they are made from is what they say.
    Text(std::sync::Arc<str>),
}

/// Whether the inputs of a kind of page are made only of what a layout fixes (the page's place,
/// its list's order and paging, the occupations, how many items name each code and province) and
/// of the cards and items it shows; see [`Catalog::pages_to_check`].
fn made_of_layout_and_cards(kind: &PageKind) -> bool {
    match kind {
        PageKind::Item(_)
        | PageKind::List { .. }
        | PageKind::Sitemap
        | PageKind::EventCalendar(_)
        | PageKind::Calendar(_) => true,
        // Their first pages open with pathways and regulators.
        PageKind::Occupation { page, .. } | PageKind::Province { page, .. } => *page > 1,
        _ => false,
    }
}

/// A digest of a value's every field (`Debug` shows them all), so a field added to the model
/// later is taken into account without anyone remembering to.
fn digest_of(value: &impl Debug) -> u64 {
    let mut h = AHasher::default();
    format!("{value:?}").hash(&mut h);
    h.finish()
}

impl Views<'_> {
    /// The inputs of the pages at these places in [`Catalog::pages`].
    pub fn inputs_of(&self, pages: &[usize]) -> Result<Vec<Inputs>> {
        let occupations: HashMap<&str, u64> = self
            .cat
            .site
            .occupations
            .iter()
            .map(|o| (o.code.as_str(), digest_of(o)))
            .collect();
        pages
            .par_iter()
            .map(|k| self.inputs(&self.cat.pages[*k], &occupations))
            .collect()
    }

    /// When the layout was reused: the places of the pages whose inputs can differ from the
    /// last plan's, the others' being made only of what the layout fixes and of cards and items
    /// that stayed the same. They are the pages that are or show an entity whose card was made
    /// afresh, and every page whose inputs include more than the layout and cards (home and the
    /// indexes, compared whole; occupation pages, which show notes and draws).
    pub fn pages_to_check(&self) -> Option<Vec<usize>> {
        if !self.cat.layout_reused() {
            return None;
        }
        let mut check: Vec<usize> = self
            .cat
            .pages
            .iter()
            .enumerate()
            .filter(|(_, page)| !made_of_layout_and_cards(&page.kind))
            .map(|(k, _)| k)
            .collect();
        // An entity any of whose items is new counts as new in every language: a page in one
        // language may show what another's item says.
        let fresh: std::collections::BTreeSet<usize> = self.cat.fresh.iter().flatten().copied().collect();
        for users in &self.cat.users {
            for i in &fresh {
                check.extend(&users[*i]);
            }
        }
        check.sort_unstable();
        check.dedup();
        Some(check)
    }

    fn inputs(&self, page: &Page, occupations: &HashMap<&str, u64>) -> Result<Inputs> {
        let lang = &self.cat.langs[page.lang];
        let mut h = AHasher::default();
        (page.lang, &page.neutral, page.template).hash(&mut h);
        match &page.kind {
            PageKind::Item(i) => {
                0u8.hash(&mut h);
                let item = self.cat.entities[*i].shown(lang.code);
                // The original too: a page in another language may say what it says.
                (address(item), address(self.cat.entities[*i].original)).hash(&mut h);
                for code in &item.professions {
                    (code, occupations.get(code.as_str())).hash(&mut h);
                    self.cat
                        .by_code
                        .get(code.as_str())
                        .map_or(0, Vec::len)
                        .hash(&mut h);
                }
            }
            PageKind::List { list, page: n } => {
                1u8.hash(&mut h);
                self.list_inputs(lang, &self.cat.lists[*list], *n, &mut h);
            }
            PageKind::Occupation { code, list, page: n } => {
                2u8.hash(&mut h);
                self.list_inputs(lang, &self.cat.lists[*list], *n, &mut h);
                occupations.get(code.as_str()).hash(&mut h);
                digest_of(&self.licensing_view(lang, Some(code), None, *n)?).hash(&mut h);
                if *n == 1 {
                    for note in self.cat.site.notes.iter().filter(|n| &n.code == code) {
                        digest_of(note).hash(&mut h);
                    }
                    // Its draws, each with links to every occupation it named.
                    for draw in self
                        .cat
                        .site
                        .draws
                        .iter()
                        .filter(|d| d.professions.contains(code))
                    {
                        digest_of(draw).hash(&mut h);
                        for named in &draw.professions {
                            occupations.get(named.as_str()).hash(&mut h);
                            self.cat
                                .by_code
                                .get(named.as_str())
                                .map_or(0, Vec::len)
                                .hash(&mut h);
                        }
                    }
                }
            }
            PageKind::Province {
                province,
                list,
                page: n,
            } => {
                3u8.hash(&mut h);
                self.list_inputs(lang, &self.cat.lists[*list], *n, &mut h);
                self.cat
                    .by_province
                    .get(province)
                    .map_or(0, Vec::len)
                    .hash(&mut h);
                digest_of(&self.licensing_view(lang, None, Some(*province), *n)?).hash(&mut h);
            }
            PageKind::Sitemap => {
                4u8.hash(&mut h);
                for p in self.cat.pages.iter().filter(|p| p.lang == 0) {
                    p.neutral.hash(&mut h);
                    // Item pages carry their `reviewed` date as lastmod, in every language.
                    if let PageKind::Item(i) = p.kind {
                        for item in self.cat.entities[i].versions() {
                            item.reviewed.hash(&mut h);
                        }
                    }
                }
            }
            // Calendars and feeds are written by Rust from many items: compare what they say.
            kind if kind.is_generated() => {
                if let Some(text) = self.generated(page)? {
                    return Ok(Inputs::Text(text.into()));
                }
            }
            _ => return Ok(Inputs::Context(Box::new(self.context(page)?))),
        }
        Ok(Inputs::Digest(h.finish()))
    }

    /// Page `n` of a list: its heading and paging, and each card and its section.
    fn list_inputs(&self, lang: &Edition, spec: &ListSpec, n: usize, h: &mut AHasher) {
        (
            &spec.heading,
            &spec.intro,
            &spec.base,
            &spec.sections,
            n,
            spec.pages(),
        )
            .hash(h);
        for (section, i) in spec.entries.iter().skip((n - 1) * PAGE_SIZE).take(PAGE_SIZE) {
            (section, lang.card_digests[*i]).hash(h);
        }
    }
}
