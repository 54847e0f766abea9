//! The search page's view: the form with its facets (labels in the page's language), the
//! address of the index manifest, and the strings the client shows. The index itself is built
//! by `crate::search`; this module only describes the page.

use serde::Serialize;
use tera::Context;

use super::Views;
use crate::catalog::{Edition, SearchKind, occupation_title};
use crate::content::model::Province;
use crate::error::{Error, Result};
use crate::urls;
use crate::views::CardStatus;

/// One choice of a facet: the value in the URL and its label.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FacetOption {
    pub value: String,
    pub label: String,
}

/// One group of checkboxes: `name` is the URL parameter.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Facet {
    pub name: String,
    pub legend: String,
    pub options: Vec<FacetOption>,
}

/// A string the client shows, handed over as a `data-t-<key>` attribute.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ClientString {
    pub key: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BrowseLink {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct SearchView {
    /// The form's action: this language's search page.
    pub action: String,
    /// Site-relative URL of the index manifest.
    pub manifest: String,
    pub facets: Vec<Facet>,
    pub professions: Vec<FacetOption>,
    pub strings: Vec<ClientString>,
    /// Where to go without JavaScript.
    pub browse: Vec<BrowseLink>,
}

/// What the client needs to say, by the key it uses.
const CLIENT_STRINGS: &[(&str, &str)] = &[
    ("none", "search_results_none"),
    ("one", "search_results_one"),
    ("other", "search_results_other"),
    ("partial", "search_partial"),
    ("more", "search_more"),
    ("loading", "search_loading"),
    ("error", "search_error"),
    ("only-en", "search_only_en"),
    ("only-fr", "search_only_fr"),
    ("when", "field_when"),
    ("reviewed", "reviewed_as_of"),
    ("professions", "search_result_professions"),
    ("prompt", "search_prompt"),
    ("kind-portals", "kind_portal"),
    ("kind-events", "kind_event"),
    ("kind-members", "kind_member"),
    ("kind-programs", "kind_program"),
    ("kind-occupations", "kind_occupation"),
    ("kind-pathways", "kind_pathway"),
    ("kind-organizations", "kind_organization"),
    ("kind-pages", "kind_page"),
];

fn kind_label(lang: &Edition, kind: &str) -> Result<String> {
    match kind {
        "occupations" | "pathways" | "organizations" => lang.tr(&format!("search_kind_{kind}")),
        _ => lang.tr(&format!("collection_{kind}")),
    }
}

fn view(views: &Views, lang: &Edition) -> Result<SearchView> {
    let site = views.cat.site;
    let manifest = views
        .search_manifest
        .ok_or_else(|| Error::Internal("the search page was rendered before its index was built".into()))?
        .to_string();
    let option = |value: &str, label: String| FacetOption {
        value: value.to_string(),
        label,
    };
    let kinds = SearchKind::ALL
        .iter()
        .map(|k| Ok(option(k.name(), kind_label(lang, k.name())?)))
        .collect::<Result<Vec<_>>>()?;
    let provinces = Province::ALL
        .iter()
        .map(|p| option(p.code(), p.name(lang.code).to_string()))
        .collect();
    let statuses = [CardStatus::Upcoming, CardStatus::Past]
        .into_iter()
        .map(|s| Ok(option(s.name(), lang.tr(&format!("status_{}", s.name()))?)))
        .collect::<Result<Vec<_>>>()?;
    let languages = site
        .config
        .languages
        .iter()
        .map(|l| Ok(option(l.code(), lang.tr(&format!("search_lang_{l}"))?)))
        .collect::<Result<Vec<_>>>()?;
    let facets = [
        ("type", "search_facet_type", kinds),
        ("province", "search_facet_province", provinces),
        ("status", "search_facet_status", statuses),
        ("lang", "search_facet_language", languages),
    ]
    .into_iter()
    .map(|(name, legend, options)| {
        Ok(Facet {
            name: name.into(),
            legend: lang.tr(legend)?,
            options,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let professions = site
        .occupations
        .iter()
        .map(|o| {
            option(
                &o.code,
                format!("{} – {}", o.code, occupation_title(o, lang.code)),
            )
        })
        .collect();
    let strings = CLIENT_STRINGS
        .iter()
        .map(|(key, tkey)| {
            Ok(ClientString {
                key: key.to_string(),
                text: lang.tr(tkey)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut browse = vec![
        BrowseLink {
            label: lang.tr("title_pathways")?,
            url: lang.url(crate::urls::PATHWAYS),
        },
        BrowseLink {
            label: lang.tr("search_kind_organizations")?,
            url: lang.url(crate::urls::ORGANIZATIONS),
        },
        BrowseLink {
            label: lang.tr("search_browse_professions")?,
            url: lang.url(urls::OCCUPATIONS),
        },
        BrowseLink {
            label: lang.tr("search_browse_provinces")?,
            url: lang.url(urls::PROVINCES),
        },
    ];
    for kind in ["portals", "events", "members", "programs"] {
        browse.push(BrowseLink {
            label: kind_label(lang, kind)?,
            url: lang.url(&urls::collection(kind)),
        });
    }
    Ok(SearchView {
        action: lang.url(urls::SEARCH),
        manifest,
        facets,
        professions,
        strings,
        browse,
    })
}

impl Views<'_> {
    /// The search page's template context.
    pub(super) fn search_context(&self, lang: &Edition, neutral: &str) -> Result<Context> {
        let view = view(self, lang)?;
        let mut ctx = self.base_context(
            lang,
            neutral,
            &lang.tr("search_title")?,
            &lang.tr("search_intro")?,
        );
        ctx.insert("search", &view);
        Ok(ctx)
    }
}
