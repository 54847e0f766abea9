//! Pages every site has: the 404 page (with its help in the other languages), the sitemap and
//! robots.txt.

use tera::Context;

use super::Views;
use crate::catalog::Edition;
use crate::error::Result;
use crate::urls;
use crate::views::*;

impl Views<'_> {
    pub(super) fn not_found_context(&self, lang: &Edition, l: usize, neutral: &str) -> Result<Context> {
        let mut ctx = self.base_context(lang, neutral, &lang.tr("title_not_found")?, "");
        ctx.insert("other_languages", &self.other_languages(l));
        Ok(ctx)
    }

    pub(super) fn sitemap_context(&self) -> Context {
        let mut ctx = Context::new();
        ctx.insert("urls", &self.sitemap_urls());
        ctx.insert("base_url", &self.cat.site.config.base_url);
        ctx
    }

    pub(super) fn robots_context(&self) -> Context {
        let cfg = &self.cat.site.config;
        let mut ctx = Context::new();
        ctx.insert("sitemap_url", &format!("{}{}", cfg.base_url, urls::SITEMAP));
        ctx.insert("base_url", &cfg.base_url);
        ctx.insert("default_language", &cfg.default_language());
        ctx
    }

    /// The same 404 help in the other languages, for readers who arrive in the wrong one.
    pub(super) fn other_languages(&self, l: usize) -> Vec<OtherLanguage> {
        self.cat
            .langs
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != l)
            .map(|(_, other)| OtherLanguage {
                lang: other.code,
                text: other.t.get("not_found_title_other").cloned().unwrap_or_default(),
                home_label: other.t.get("not_found_home").cloned().unwrap_or_default(),
                home_url: other.root.clone(),
            })
            .collect()
    }

    /// Every page of the default language, with its alternates in every language.
    fn sitemap_urls(&self) -> Vec<SitemapUrl> {
        let mut neutrals: Vec<&str> = self
            .cat
            .pages
            .iter()
            .filter(|p| p.lang == 0)
            .filter(|p| p.kind.in_sitemap())
            .map(|p| p.neutral.as_str())
            .collect();
        neutrals.sort_unstable();
        neutrals.dedup();
        let items = self.item_pages();
        let cfg = &self.cat.site.config;
        let mut urls = Vec::new();
        for &lang in &cfg.languages {
            for neutral in &neutrals {
                urls.push(SitemapUrl {
                    loc: format!("{}{}{neutral}", self.cat.origin, cfg.lang_root(lang)),
                    lastmod: items
                        .get(neutral)
                        .map(|&i| self.cat.entities[i].shown(lang).reviewed.to_string()),
                    alternates: self.alternates(neutral),
                });
            }
        }
        urls
    }

    /// Each item page's path, with its entity.
    pub(super) fn item_pages(&self) -> std::collections::HashMap<&str, usize> {
        self.cat
            .pages
            .iter()
            .filter(|p| p.lang == 0)
            .filter_map(|p| match p.kind {
                crate::catalog::PageKind::Item(i) => Some((p.neutral.as_str(), i)),
                _ => None,
            })
            .collect()
    }
}
