//! Search documents of the licensing pages: one per pathway (`/pathways/<slug>/`) and one per
//! organisation (`/organizations/<slug>/`), each across its languages like an item. What each
//! field holds is chosen so that the page a reader names comes first (see `postings` for how
//! the kinds are weighed):
//!
//! - a pathway's title ("Registered nurse in Ontario") is a profession title
//!   ([`Field::KeyTitle`]); its steps and notes are its body; the organisations its steps name
//!   (names and abbreviations) are its `Org` field, so "NNAS Ontario" finds it;
//! - an organisation's name is its title and its abbreviation ("CNO") a field of its own
//!   ([`Field::Abbreviation`]: it counts as the title, but not in the title's length, so
//!   "College of Nurses of Ontario" is still the whole title); what it does (regulator, exam
//!   body...) is said in its summary field, in each language.
//!
//! Both carry the codes and titles of their professions and the names of their provinces, like
//! items. The chooser (`/pathways/`) and the organisations list are documents too. Only originals have pages, so only originals are documents; a translation is one more
//! version of its original's document.

use super::doc::{Doc, Field, SNIPPET_CHARS, Status, Stored, Texts, clip};
use super::documents::{occupation_words, profession_indexes, province_words, theme_page_doc};
use crate::catalog::{Catalog, SearchKind};
use crate::content::model::{Organization, Pathway, Province};
use crate::error::Result;
use crate::lang::Lang;

/// The documents of every pathway and organisation page.
pub fn documents<'a>(plan: &Catalog<'a>, lang_bit: &dyn Fn(Lang) -> u32) -> Result<Vec<Doc<'a>>> {
    let site = plan.site;
    let default = site.config.default_language();
    let mut docs = Vec::new();
    for p in site.pathways.iter().filter(|p| p.lang == default) {
        docs.push(pathway_doc(plan, p, lang_bit));
    }
    for o in site.organizations.iter().filter(|o| o.lang == default) {
        docs.push(organization_doc(plan, o, lang_bit)?);
    }
    docs.push(theme_page_doc(
        plan,
        crate::urls::PATHWAYS,
        "title_pathways",
        "intro_pathways",
        lang_bit,
    )?);
    docs.push(theme_page_doc(
        plan,
        crate::urls::ORGANIZATIONS,
        "title_organizations",
        "intro_organizations",
        lang_bit,
    )?);
    Ok(docs)
}

/// The stored fields of a licensing page in each interface language: its title, URL, summary
/// and review date in that language, or its original's when it has no version in it.
fn stored(
    plan: &Catalog,
    neutral: &str,
    shown: &dyn Fn(Lang) -> (String, String, Lang),
    reviewed: jiff::civil::Date,
) -> Vec<Stored> {
    plan.langs
        .iter()
        .map(|lang| {
            let (title, summary, text_lang) = shown(lang.code);
            Stored {
                title,
                url: lang.url(neutral),
                snippet: clip(&summary, SNIPPET_CHARS),
                date: crate::catalog::dates::date(reviewed, lang.code),
                date_kind: 2,
                text_lang: if text_lang == lang.code {
                    String::new()
                } else {
                    text_lang.to_string()
                },
            }
        })
        .collect()
}

fn pathway_doc<'a>(plan: &Catalog<'a>, original: &'a Pathway, lang_bit: &dyn Fn(Lang) -> u32) -> Doc<'a> {
    let site = plan.site;
    let mut versions = Vec::new();
    let mut langs = 0;
    for &lang in &site.config.languages {
        let Some(p) = site.pathway(&original.slug, lang) else {
            continue;
        };
        let mut t = Texts::default();
        t.add(Field::KeyTitle, p.title.as_str());
        t.add(Field::Summary, p.summary.as_str());
        for step in &p.steps {
            t.add(Field::Body, step.title.as_str());
            t.add(Field::Body, step.text.text.as_str());
        }
        t.add(Field::Body, p.body.text.as_str());
        versions.push(t);
        langs |= lang_bit(lang);
    }
    let mut shared = Texts::default();
    for code in &original.professions {
        if let Some(occ) = site.occupation(code) {
            shared.add(Field::Professions, occupation_words(occ));
        }
    }
    shared.add(Field::Provinces, province_words(original.province));
    let neutral = crate::urls::pathway(&original.slug);
    let shown = |lang: Lang| {
        let p = site.pathway(&original.slug, lang).unwrap_or(original);
        (p.title.clone(), p.summary.clone(), p.lang)
    };
    Doc {
        stored: stored(plan, &neutral, &shown, original.reviewed),
        key: neutral,
        kind: SearchKind::Pathways as u8,
        versions,
        shared,
        langs,
        provinces: vec![original.province],
        national: original.province == Province::CA,
        general: false,
        professions: profession_indexes(site, &original.professions),
        status: Status::None,
    }
}

/// "College of Nurses of Ontario (CNO)": the name a result shows, with the abbreviation readers
/// may have typed.
fn org_title(o: &Organization) -> String {
    match &o.abbreviation {
        Some(a) if !o.title.contains(a.as_str()) => format!("{} ({a})", o.title),
        _ => o.title.clone(),
    }
}

fn organization_doc<'a>(
    plan: &Catalog<'a>,
    original: &'a Organization,
    lang_bit: &dyn Fn(Lang) -> u32,
) -> Result<Doc<'a>> {
    let site = plan.site;
    let mut versions = Vec::new();
    let mut langs = 0;
    for &lang in &site.config.languages {
        let Some(o) = site.organization(&original.slug, lang) else {
            continue;
        };
        let mut t = Texts::default();
        t.add(Field::Title, o.title.as_str());
        // The official name in the other language finds it too (the French file's title is
        // usually that name already).
        if let Some(fr) = o.title_fr.as_deref().filter(|fr| *fr != o.title) {
            t.add(Field::Title, fr);
        }
        t.add_opt(Field::Abbreviation, &o.abbreviation);
        t.add(Field::Summary, o.summary.as_str());
        if let Some(l) = plan.langs.iter().find(|l| l.code == lang) {
            for k in &o.kinds {
                t.add(Field::Summary, l.tr(&format!("org_kind_{}", k.name()))?);
            }
        }
        t.add(Field::Body, o.body.text.as_str());
        versions.push(t);
        langs |= lang_bit(lang);
    }
    let mut shared = Texts::default();
    for code in &original.professions {
        if let Some(occ) = site.occupation(code) {
            shared.add(Field::Professions, occupation_words(occ));
        }
    }
    let mut provinces = original.provinces.clone();
    provinces.sort_unstable();
    provinces.dedup();
    for p in &provinces {
        shared.add(Field::Provinces, province_words(*p));
    }
    let neutral = crate::urls::organization(&original.slug);
    let shown = |lang: Lang| {
        let o = site.organization(&original.slug, lang).unwrap_or(original);
        (org_title(o), o.summary.clone(), o.lang)
    };
    Ok(Doc {
        stored: stored(plan, &neutral, &shown, original.reviewed),
        key: neutral,
        kind: SearchKind::Organizations as u8,
        versions,
        shared,
        langs,
        national: provinces.contains(&Province::CA),
        provinces,
        general: false,
        professions: profession_indexes(site, &original.professions),
        status: Status::None,
    })
}
