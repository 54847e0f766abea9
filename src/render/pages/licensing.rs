//! Getting licensed: the "I am a..." chooser (`/pathways/`), each pathway's step-by-step page,
//! the organisations list and each organisation's page (with schema.org JSON-LD), and the
//! pathways and regulators that open occupation and province pages.

use std::collections::BTreeSet;

use serde::Serialize;
use tera::Context;

use super::{Views, source_view};
use crate::catalog::{Edition, dates, is_stale};
use crate::content::markdown;
use crate::content::model::*;
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::schema::is_web_url;
use crate::urls;
use crate::views::{Card, OccupationLink, ProvinceLink, SourceView};

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChooserView {
    pub title: String,
    pub intro: String,
    pub professions: Vec<ChooserProfession>,
    /// The free page on how licensing works ([`GUIDE_PAGE`]), when the site has it.
    pub guide: Option<PageLink>,
}

/// The free page the chooser links to for the overview of licensing (the two layers, each
/// profession's national bodies); CONTRIBUTING names it.
pub(crate) const GUIDE_PAGE: &str = "licensing-in-canada";

/// A page named by its title only.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageLink {
    pub title: String,
    pub url: String,
    /// The language its title is in, when it is not the page's.
    pub text_lang: Option<Lang>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChooserProfession {
    pub slug: String,
    pub title: String,
    pub pathways: Vec<PathwayLink>,
}

/// A link to a pathway, named by its province (in the chooser) or its title.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PathwayLink {
    pub province: String,
    pub title: String,
    pub url: String,
    /// The language its text is in, when it is not the page's.
    pub text_lang: Option<Lang>,
}

/// An organisation as a step or a list names it: its page and its website.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OrgLink {
    pub slug: String,
    pub title: String,
    pub abbreviation: Option<String>,
    pub url: String,
    pub website: String,
    pub website_text: String,
    pub provinces: String,
    pub status: String,
    /// Empty when active.
    pub status_label: String,
    pub text_lang: Option<Lang>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct StepView {
    pub number: usize,
    pub title: String,
    pub text_html: String,
    pub who: Option<OrgLink>,
    pub cost: Option<String>,
    pub duration: Option<String>,
    pub links: Vec<StepLink>,
    pub source: Option<SourceView>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct StepLink {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PathwayView {
    pub title: String,
    pub summary: String,
    pub province: ProvinceLink,
    pub steps: Vec<StepView>,
    pub body_html: String,
    /// Every organisation a step or `related.organizations` names, once, in order.
    pub organizations: Vec<OrgLink>,
    pub related: Vec<Card>,
    pub draws: Vec<crate::views::DrawView>,
    pub professions: Vec<OccupationLink>,
    /// The same profession's pathways in other provinces.
    pub elsewhere: Vec<PathwayLink>,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Where a pathway's or organisation's facts come from, how current they are, and the language
/// its text is in (templates see these as fields of the page's view).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Provenance {
    pub source: SourceView,
    pub reviewed: String,
    pub reviewed_iso: String,
    pub reviewed_month: String,
    pub stale: bool,
    /// Set when the text is shown in another language than the page's (no translation yet).
    pub fallback_lang_name: Option<String>,
    pub text_lang: Lang,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct OrgGroup {
    pub kind: String,
    pub label: String,
    pub organizations: Vec<OrgLink>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct OrgView {
    pub title: String,
    pub abbreviation: Option<String>,
    /// Its name in the other language, when a source gives an official one.
    pub title_other: Option<String>,
    pub title_other_lang: Option<Lang>,
    pub kinds: String,
    pub summary: String,
    pub website: String,
    pub website_text: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The phone number as a `tel:` link takes it, when it reads as one.
    pub phone_href: Option<String>,
    pub contact_page: Option<String>,
    pub contact_page_text: String,
    pub provinces: Vec<ProvinceLink>,
    pub status: String,
    pub status_label: String,
    /// What happened to it, for a renamed, merged or closed organisation.
    pub status_notice: Option<String>,
    pub successor: Option<OrgLink>,
    pub pathways: Vec<PathwayLink>,
    pub professions: Vec<OccupationLink>,
    pub body_html: String,
    #[serde(flatten)]
    pub provenance: Provenance,
    pub json_ld: String,
}

/// A profession as the home page offers it: a link to its place in the chooser.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HomeProfession {
    pub title: String,
    pub url: String,
    /// How many provinces and territories have its pathway.
    pub count: usize,
}

/// What opens an occupation or province page: its pathways and regulators.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct LicensingView {
    pub pathways: Vec<PathwayLink>,
    pub regulators: Vec<OrgLink>,
}

impl Views<'_> {
    /// The pathway `slug` in `lang`, or its original.
    fn pathway_in(&self, slug: &str, lang: Lang) -> Option<&Pathway> {
        let site = self.cat.site;
        site.pathway(slug, lang)
            .or_else(|| site.pathway(slug, site.config.default_language()))
    }

    fn org_in(&self, slug: &str, lang: Lang) -> Option<&Organization> {
        let site = self.cat.site;
        site.organization(slug, lang)
            .or_else(|| site.organization(slug, site.config.default_language()))
    }

    /// Originals, in slug order.
    fn pathway_originals(&self) -> impl Iterator<Item = &Pathway> {
        let default = self.cat.site.config.default_language();
        self.cat
            .site
            .pathways
            .iter()
            .filter(move |p| p.lang == default)
            .map(|p| &**p)
    }

    fn org_originals(&self) -> impl Iterator<Item = &Organization> {
        let default = self.cat.site.config.default_language();
        self.cat
            .site
            .organizations
            .iter()
            .filter(move |o| o.lang == default)
            .map(|o| &**o)
    }

    /// The catalog's entity for an item (entities are in (collection, slug) order).
    fn entity_index(&self, collection: Collection, slug: &str) -> Option<usize> {
        self.cat
            .entities
            .binary_search_by(|e| (e.original.collection, e.original.slug.as_str()).cmp(&(collection, slug)))
            .ok()
    }

    fn pathway_link(&self, lang: &Edition, original: &Pathway) -> PathwayLink {
        let shown = self.pathway_in(&original.slug, lang.code).unwrap_or(original);
        PathwayLink {
            province: original.province.name(lang.code).to_string(),
            title: shown.title.clone(),
            url: lang.url(&urls::pathway(&original.slug)),
            text_lang: (shown.lang != lang.code).then_some(shown.lang),
        }
    }

    fn org_link(&self, lang: &Edition, slug: &str) -> Result<Option<OrgLink>> {
        let Some(org) = self.org_in(slug, lang.code) else {
            return Ok(None);
        };
        let status_label = match org.status {
            OrgStatus::Active => String::new(),
            s => lang.tr(&format!("org_status_{}", s.name()))?,
        };
        Ok(Some(OrgLink {
            slug: org.slug.clone(),
            title: org.title.clone(),
            abbreviation: org.abbreviation.clone(),
            url: lang.url(&urls::organization(&org.slug)),
            website: org.website.clone(),
            website_text: crate::content::markdown::site_name(&org.website),
            provinces: org
                .provinces
                .iter()
                .map(|p| p.name(lang.code))
                .collect::<Vec<_>>()
                .join(", "),
            status: org.status.name().to_string(),
            status_label,
            text_lang: (org.lang != lang.code).then_some(org.lang),
        }))
    }

    fn provenance(
        &self,
        lang: &Edition,
        source: &str,
        reviewed: jiff::civil::Date,
        text_lang: Lang,
    ) -> Provenance {
        Provenance {
            source: source_view(source),
            reviewed: dates::date(reviewed, lang.code),
            reviewed_iso: reviewed.to_string(),
            reviewed_month: dates::month_year(reviewed, lang.code),
            stale: is_stale(reviewed, self.cat.now, self.cat.site.config.stale_after_months),
            fallback_lang_name: self.fallback_name(lang, text_lang),
            text_lang,
        }
    }

    fn fallback_name(&self, lang: &Edition, text_lang: Lang) -> Option<String> {
        (text_lang != lang.code)
            .then(|| lang.t.get(&format!("language_name_{text_lang}")).cloned())
            .flatten()
    }

    /// A body written under `from`'s language root, placed under this language's.
    fn body_in(&self, lang: &Edition, body: &Body, from: Lang) -> String {
        if from == lang.code {
            body.html.clone()
        } else {
            markdown::relocate(&body.html, &self.cat.site.config.lang_root(from), &lang.root)
        }
    }

    pub(super) fn pathways_context(&self, lang: &Edition, neutral: &str) -> Result<Context> {
        let title = lang.tr("title_pathways")?;
        let intro = lang.tr("intro_pathways")?;
        let professions = self
            .cat
            .site
            .professions
            .iter()
            .map(|prof| {
                let mut pathways: Vec<&Pathway> = self
                    .pathway_originals()
                    .filter(|p| p.profession == prof.slug)
                    .collect();
                pathways.sort_by_key(|p| p.province.name(lang.code));
                ChooserProfession {
                    slug: prof.slug.clone(),
                    title: prof.title(lang.code).to_string(),
                    pathways: pathways.into_iter().map(|p| self.pathway_link(lang, p)).collect(),
                }
            })
            .collect();
        let guide = self.entity_index(Collection::Pages, GUIDE_PAGE).map(|i| {
            let e = &self.cat.entities[i];
            let shown = e.shown(lang.code);
            PageLink {
                title: shown.title.clone(),
                url: lang.url(&e.neutral()),
                text_lang: (shown.lang != lang.code).then_some(shown.lang),
            }
        });
        let mut ctx = self.base_context(lang, neutral, &title, &intro);
        ctx.insert(
            "chooser",
            &ChooserView {
                title,
                intro,
                professions,
                guide,
            },
        );
        Ok(ctx)
    }

    pub(super) fn pathway_context(&self, lang: &Edition, neutral: &str, slug: &str) -> Result<Context> {
        let view = self.pathway_view(lang, slug)?;
        let mut ctx = self.base_context(lang, neutral, &view.title, &view.summary);
        ctx.insert("pathway", &view);
        ctx.insert("og_type", "article");
        Ok(ctx)
    }

    fn pathway_view(&self, lang: &Edition, slug: &str) -> Result<PathwayView> {
        let p = self.pathway_in(slug, lang.code).ok_or_else(|| {
            Error::Internal(format!(
                "the catalog planned a page for pathway {slug}, which the site does not have"
            ))
        })?;
        let site = self.cat.site;
        let mut steps = Vec::new();
        let mut orgs: Vec<OrgLink> = Vec::new();
        let mut seen = BTreeSet::new();
        for (n, s) in p.steps.iter().enumerate() {
            let who = match &s.who {
                Some(w) => self.org_link(lang, w)?,
                None => None,
            };
            if let Some(o) = &who
                && seen.insert(o.slug.clone())
            {
                orgs.push(o.clone());
            }
            steps.push(StepView {
                number: n + 1,
                title: s.title.clone(),
                text_html: self.body_in(lang, &s.text, p.lang),
                who,
                cost: s.cost.clone(),
                duration: s.duration.clone(),
                links: s
                    .links
                    .iter()
                    .map(|l| StepLink {
                        title: l.title.clone(),
                        url: l.url.clone(),
                    })
                    .collect(),
                source: s.source.as_deref().map(source_view),
            });
        }
        for slug in &p.related.organizations {
            if seen.insert(slug.clone())
                && let Some(o) = self.org_link(lang, slug)?
            {
                orgs.push(o);
            }
        }
        let mut related = Vec::new();
        for (collection, slugs) in [
            (Collection::Programs, &p.related.programs),
            (Collection::Members, &p.related.members),
            (Collection::Events, &p.related.events),
        ] {
            for slug in slugs {
                if let Some(i) = self.entity_index(collection, slug) {
                    related.push(lang.card(i).clone());
                }
            }
        }
        let draws = site
            .draws
            .iter()
            .filter(|d| d.professions.iter().any(|c| p.professions.contains(c)))
            .map(|d| self.draw_view(lang, d))
            .collect::<Result<Vec<_>>>()?;
        let elsewhere = {
            let mut others: Vec<&Pathway> = self
                .pathway_originals()
                .filter(|o| o.profession == p.profession && o.slug != p.slug)
                .collect();
            others.sort_by_key(|o| o.province.name(lang.code));
            others.into_iter().map(|o| self.pathway_link(lang, o)).collect()
        };
        Ok(PathwayView {
            title: p.title.clone(),
            summary: p.summary.clone(),
            province: self.cat.province_link(lang, p.province),
            steps,
            body_html: self.body_in(lang, &p.body, p.lang),
            organizations: orgs,
            related,
            draws,
            professions: p
                .professions
                .iter()
                .filter_map(|c| site.occupation(c))
                .map(|o| self.cat.occupation_link(lang, o))
                .collect(),
            elsewhere,
            provenance: self.provenance(lang, &p.source, p.reviewed, p.lang),
        })
    }

    pub(super) fn organizations_context(&self, lang: &Edition, neutral: &str) -> Result<Context> {
        let title = lang.tr("title_organizations")?;
        let intro = lang.tr("intro_organizations")?;
        let mut groups = Vec::new();
        for (name, kind) in OrgKind::CHOICES {
            let mut list = Vec::new();
            for org in self.org_originals() {
                // Each organisation once, under the first kind it gives.
                if org.kinds.first() == Some(kind)
                    && let Some(link) = self.org_link(lang, &org.slug)?
                {
                    list.push(link);
                }
            }
            if list.is_empty() {
                continue;
            }
            list.sort_by_key(|o| markdown::slugify(&o.title));
            groups.push(OrgGroup {
                kind: name.to_string(),
                label: lang.tr(&format!("org_kinds_{name}"))?,
                organizations: list,
            });
        }
        let mut ctx = self.base_context(lang, neutral, &title, &intro);
        ctx.insert("groups", &groups);
        Ok(ctx)
    }

    pub(super) fn organization_context(&self, lang: &Edition, neutral: &str, slug: &str) -> Result<Context> {
        let view = self.org_view(lang, slug)?;
        let mut ctx = self.base_context(lang, neutral, &view.title, &view.summary);
        ctx.insert("org", &view);
        Ok(ctx)
    }

    fn org_view(&self, lang: &Edition, slug: &str) -> Result<OrgView> {
        let o = self.org_in(slug, lang.code).ok_or_else(|| {
            Error::Internal(format!(
                "the catalog planned a page for organisation {slug}, which the site does not have"
            ))
        })?;
        let site = self.cat.site;
        let cfg = &site.config;
        let kinds = o
            .kinds
            .iter()
            .map(|k| lang.tr(&format!("org_kind_{}", k.name())))
            .collect::<Result<Vec<_>>>()?
            .join(", ");
        let (status_label, status_notice) = match o.status {
            OrgStatus::Active => (String::new(), None),
            s => {
                let when = o
                    .status_date
                    .map(|d| dates::date(d, lang.code))
                    .unwrap_or_default();
                let key = if when.is_empty() {
                    format!("org_notice_{}", s.name())
                } else {
                    format!("org_notice_{}_on", s.name())
                };
                (
                    lang.tr(&format!("org_status_{}", s.name()))?,
                    Some(lang.tr(&key)?.replace("{date}", &when)),
                )
            }
        };
        let successor = match &o.successor {
            Some(s) => self.org_link(lang, s)?,
            None => None,
        };
        // Its official name in the other language: the French name on the English page, and
        // the English one on the French page when the French file gives its French name.
        let (title_other, title_other_lang) = match (lang.code, &o.title_fr) {
            (Lang::Fr, _) => {
                let en = site.organization(&o.slug, cfg.default_language());
                match en {
                    Some(en) if en.title != o.title => (Some(en.title.clone()), Some(en.lang)),
                    _ => (None, None),
                }
            }
            (Lang::En, Some(fr)) if *fr != o.title => (Some(fr.clone()), Some(Lang::Fr)),
            (Lang::En, _) => (None, None),
        };
        let pathways = self
            .pathway_originals()
            .filter(|p| {
                p.steps.iter().any(|s| s.who.as_deref() == Some(&o.slug))
                    || p.related.organizations.contains(&o.slug)
            })
            .map(|p| self.pathway_link(lang, p))
            .collect();
        let phone_href = o.contacts.phone.as_deref().and_then(tel);
        let url = format!("{}{}", self.cat.origin, lang.url(&urls::organization(&o.slug)));
        Ok(OrgView {
            title: o.title.clone(),
            abbreviation: o.abbreviation.clone(),
            title_other,
            title_other_lang,
            kinds,
            summary: o.summary.clone(),
            website: o.website.clone(),
            website_text: crate::content::markdown::site_name(&o.website),
            email: o.contacts.email.clone(),
            phone: o.contacts.phone.clone(),
            phone_href,
            contact_page: o.contacts.page.clone().filter(|p| is_web_url(p)),
            contact_page_text: o
                .contacts
                .page
                .as_deref()
                .map(crate::content::markdown::site_name)
                .unwrap_or_default(),
            provinces: o
                .provinces
                .iter()
                .map(|p| self.cat.province_link(lang, *p))
                .collect(),
            status: o.status.name().to_string(),
            status_label,
            status_notice,
            successor,
            pathways,
            professions: o
                .professions
                .iter()
                .filter_map(|c| site.occupation(c))
                .map(|occ| self.cat.occupation_link(lang, occ))
                .collect(),
            body_html: self.body_in(lang, &o.body, o.lang),
            provenance: self.provenance(lang, &o.source, o.reviewed, o.lang),
            json_ld: super::json_ld::organization(o, &url),
        })
    }

    /// The professions that have a pathway, each a link to its tile in the chooser.
    pub(super) fn home_professions(&self, lang: &Edition) -> Vec<HomeProfession> {
        self.cat
            .site
            .professions
            .iter()
            .map(|p| HomeProfession {
                title: p.title(lang.code).to_string(),
                url: lang.url(&urls::profession_tile(&p.slug)),
                count: self
                    .pathway_originals()
                    .filter(|w| w.profession == p.slug)
                    .count(),
            })
            .filter(|p| p.count > 0)
            .collect()
    }

    /// The pathways and regulators that open a page about occupation `code` or `province`
    /// (on its first page `n`; nothing on the others).
    pub(super) fn licensing_view(
        &self,
        lang: &Edition,
        code: Option<&str>,
        province: Option<Province>,
        n: usize,
    ) -> Result<LicensingView> {
        if n > 1 {
            return Ok(LicensingView::default());
        }
        let mut pathways: Vec<&Pathway> = self
            .pathway_originals()
            .filter(|p| code.is_none_or(|c| p.professions.iter().any(|x| x == c)))
            .filter(|p| province.is_none_or(|v| p.province == v))
            .collect();
        pathways.sort_by_key(|p| {
            (
                self.cat
                    .site
                    .professions
                    .iter()
                    .position(|x| x.slug == p.profession),
                p.province.name(lang.code),
            )
        });
        let mut regulators = Vec::new();
        for o in self.org_originals() {
            let serves = code.is_none_or(|c| o.professions.iter().any(|x| x == c));
            let here = province.is_none_or(|v| o.provinces.contains(&v));
            if o.kinds.contains(&OrgKind::Regulator)
                && o.status == OrgStatus::Active
                && serves
                && here
                && let Some(link) = self.org_link(lang, &o.slug)?
            {
                regulators.push(link);
            }
        }
        regulators.sort_by_key(|o| markdown::slugify(&o.title));
        Ok(LicensingView {
            pathways: pathways.into_iter().map(|p| self.pathway_link(lang, p)).collect(),
            regulators,
        })
    }
}

/// A phone number as `tel:` takes it (`+1-800-...` -> `+1800...`), when it is only a number.
fn tel(phone: &str) -> Option<String> {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let plain = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    (plain && digits.len() >= 7).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_links_and_site_names() {
        assert_eq!(tel("1-855-977-1898").as_deref(), Some("18559771898"));
        assert_eq!(tel("+1 (416) 555-0100").as_deref(), Some("+14165550100"));
        assert_eq!(tel("416-555-0100 ext. 2"), None);
        assert_eq!(
            crate::content::markdown::site_name("https://www.cno.org/"),
            "cno.org"
        );
        assert_eq!(
            crate::content::markdown::site_name("https://www.cno.org/en/apply"),
            "cno.org"
        );
    }
}
