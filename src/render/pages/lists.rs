//! List pages: a collection's cards (events upcoming, then past), the provinces index, and each
//! province's cards with the national ones, with paging and calendar links.

use tera::Context;

use super::Views;
use crate::catalog::{Edition, FeedKind, ListSpec, PAGE_SIZE};
use crate::content::model::*;
use crate::error::{Error, Result};
use crate::urls;
use crate::views::*;

impl Views<'_> {
    pub(super) fn list_context(
        &self,
        lang: &Edition,
        neutral: &str,
        list: usize,
        n: usize,
    ) -> Result<Context> {
        let spec = &self.cat.lists[list];
        let mut ctx = self.base_context(lang, neutral, &spec.heading, &spec.intro);
        let mut view = self.list_view(lang, spec, n);
        // The events list offers the calendar of all events and the events feed.
        if spec.base == urls::collection(Collection::Events.name()) {
            view.calendar = self.cat.calendar_link(lang, None);
            view.feed_url = Some(lang.url(FeedKind::Events.neutral()));
        }
        ctx.insert("list", &view);
        Ok(ctx)
    }

    pub(super) fn provinces_context(&self, lang: &Edition, neutral: &str) -> Result<Context> {
        let title = lang.tr("title_provinces")?;
        let intro = lang.tr("intro_provinces")?;
        let mut ctx = self.base_context(lang, neutral, &title, &intro);
        let counts = self.province_counts(lang);
        let rows: Vec<(String, usize)> = counts.iter().map(|p| (p.name.clone(), p.count)).collect();
        let chart = crate::render::charts::bar_rows(
            &rows,
            &lang.tr("chart_provinces_title")?,
            &lang.tr("chart_provinces_desc")?,
            lang.code,
        );
        ctx.insert("provinces_chart", &chart);
        ctx.insert("provinces", &counts);
        Ok(ctx)
    }

    pub(super) fn province_context(
        &self,
        lang: &Edition,
        neutral: &str,
        province: Province,
        list: usize,
        n: usize,
    ) -> Result<Context> {
        let spec = &self.cat.lists[list];
        let count = self
            .province_counts(lang)
            .into_iter()
            .find(|c| c.code == province.code())
            .ok_or_else(|| {
                Error::Internal(format!(
                    "the catalog planned a page for province {}, which has no count",
                    province.code()
                ))
            })?;
        let mut ctx = self.base_context(lang, neutral, &spec.heading, "");
        ctx.insert("province", &count);
        let mut view = self.list_view(lang, spec, n);
        view.calendar = self.cat.calendar_link(lang, Some(province));
        ctx.insert("list", &view);
        ctx.insert("licensing", &self.licensing_view(lang, None, Some(province), n)?);
        Ok(ctx)
    }

    /// One page of a list: its cards, each card that opens a section (or continues one at the
    /// top of a page) carrying the section's heading.
    pub(super) fn list_view(&self, lang: &Edition, spec: &ListSpec, n: usize) -> ListView {
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

    pub(super) fn province_counts(&self, lang: &Edition) -> Vec<ProvinceCount> {
        Province::ALL
            .iter()
            .map(|p| ProvinceCount {
                code: p.code().to_string(),
                name: p.name(lang.code).to_string(),
                url: lang.url(&urls::province(p.code())),
                count: self.cat.by_province.get(p).map_or(0, Vec::len),
            })
            .collect()
    }
}
