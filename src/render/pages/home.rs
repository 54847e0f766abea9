//! The home page: the site's description, the next few events, the resources with the newest
//! facts, the professions and provinces with the most, and a count per collection.

use tera::Context;

use super::Views;
use crate::catalog::{Edition, collection_key};
use crate::content::model::*;
use crate::error::Result;
use crate::urls;
use crate::views::*;

/// How many cards the home page shows in each of its sections.
const HOME_UPCOMING: usize = 5;
const HOME_NEWEST: usize = 6;
const HOME_PROFESSIONS: usize = 12;

impl Views<'_> {
    pub(super) fn home_context(&self, lang: &Edition, neutral: &str) -> Result<Context> {
        let mut ctx = self.base_context(lang, neutral, &lang.site.title, "");
        ctx.insert("home", &self.home(lang)?);
        ctx.insert("get_licensed", &self.home_professions(lang));
        Ok(ctx)
    }

    fn home(&self, lang: &Edition) -> Result<HomeView> {
        // The first few of two orders, picked without sorting every item (the dev server
        // builds this page after every edit): upcoming events soonest first, as in `ordered`;
        // resources with the newest facts first, then in list order.
        let cards = &lang.cards;
        let collection = |i: usize| self.cat.entities[i].original.collection;
        let mut upcoming: Vec<usize> = (0..self.cat.entities.len())
            .filter(|i| collection(*i) == Collection::Events && cards[*i].status == CardStatus::Upcoming)
            .collect();
        first_by_key(&mut upcoming, HOME_UPCOMING, |i| (self.cat.starts[i], i));
        let upcoming: Vec<Card> = upcoming.iter().map(|i| Card::clone(&cards[*i])).collect();
        let mut resources: Vec<usize> = (0..self.cat.entities.len())
            .filter(|i| !matches!(collection(*i), Collection::Events | Collection::Pages))
            .filter(|i| !cards[*i].archived)
            .collect();
        first_by_key(&mut resources, HOME_NEWEST, |i| {
            (
                std::cmp::Reverse(self.cat.entities[i].original.reviewed),
                lang.rank[i],
            )
        });
        let newest = resources.iter().map(|i| Card::clone(&cards[*i])).collect();
        let mut professions: Vec<OccupationLink> = self
            .cat
            .site
            .occupations
            .iter()
            .map(|o| self.cat.occupation_link(lang, o))
            .filter(|o| o.count > 0)
            .collect();
        professions.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        professions.truncate(HOME_PROFESSIONS);
        let mut collections = Vec::new();
        for c in Collection::ALL.into_iter().filter(|c| *c != Collection::Pages) {
            collections.push(CollectionCount {
                name: c.name().to_string(),
                label: lang.tr(collection_key(c))?,
                url: lang.url(&urls::collection(c.name())),
                count: self
                    .cat
                    .entities
                    .iter()
                    .filter(|e| e.original.collection == c)
                    .count(),
            });
        }
        let about = self
            .cat
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
