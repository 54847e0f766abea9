//! Search documents from the catalog: one per item (across its languages: the original and
//! its translations are one document, so a query in either language finds it), one per
//! occupation and one for the draws page (`licensing` makes those of pathways and
//! organisations). Their text comes from the same model and the same
//! Markdown pass as their pages; what a result shows (title, URL, snippet, date) comes from the
//! catalog's cards, so it reads exactly as the page does.

use rayon::prelude::*;

use super::doc::{Doc, Field, SNIPPET_CHARS, Status, Stored, Texts, clip};
use crate::catalog::{Catalog, SearchKind, occupation_title};
use crate::content::model::{Collection, Details, Item, Occupation, Province, Site};
use crate::error::Result;
use crate::lang::Lang;
use crate::views::CardStatus;

fn kind_of(c: Collection) -> u8 {
    SearchKind::of(c) as u8
}
const KIND_OCCUPATION: u8 = SearchKind::Occupations as u8;

/// Indexes into the site's occupations of the NOC codes a page names, sorted, each once.
pub(super) fn profession_indexes(site: &Site, codes: &[String]) -> Vec<usize> {
    let mut out: Vec<usize> = codes
        .iter()
        .filter_map(|c| site.occupations.binary_search_by(|o| o.code.as_str().cmp(c)).ok())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The documents of the items, the occupations and the draws page (`licensing` makes the
/// others); `lang_bit` is a language's bit in a document's languages.
pub fn documents<'a>(plan: &Catalog<'a>, lang_bit: &(dyn Fn(Lang) -> u32 + Sync)) -> Result<Vec<Doc<'a>>> {
    let site = plan.site;
    // Each item's texts come from its Markdown: documents are made in parallel.
    let mut docs: Vec<Doc<'a>> = plan
        .entities
        .par_iter()
        .enumerate()
        .map(|(i, entity)| {
            let original = entity.original;
            let mut versions = Vec::new();
            let mut langs = 0;
            for item in entity.versions() {
                versions.push(item_texts(item));
                langs |= lang_bit(item.lang);
            }
            let mut shared = Texts::default();
            for code in &original.professions {
                if let Some(occ) = site.occupation(code) {
                    shared.add(Field::Professions, occupation_words(occ));
                }
            }
            for p in &original.provinces {
                shared.add(Field::Provinces, province_words(*p));
            }
            let professions = profession_indexes(site, &original.professions);
            let mut provinces = original.provinces.clone();
            provinces.sort_unstable();
            provinces.dedup();
            let first = &plan.langs[0];
            let status = match first.card(i).status {
                CardStatus::Upcoming if original.collection == Collection::Events => Status::Upcoming,
                CardStatus::Past if original.collection == Collection::Events => Status::Past,
                _ => Status::None,
            };
            let stored = plan
                .langs
                .iter()
                .map(|lang| {
                    let card = lang.card(i);
                    let (date, date_kind) = if original.collection == Collection::Events {
                        (card.when.clone(), 1)
                    } else {
                        (card.reviewed.clone(), 2)
                    };
                    Stored {
                        title: card.title.clone(),
                        url: card.url.clone(),
                        snippet: clip(&card.summary, SNIPPET_CHARS),
                        date,
                        date_kind,
                        text_lang: card.text_lang.map(|l| l.to_string()).unwrap_or_default(),
                    }
                })
                .collect();
            Doc {
                key: entity.neutral(),
                kind: kind_of(original.collection),
                versions,
                shared,
                langs,
                national: provinces.contains(&Province::CA),
                general: original.collection == Collection::Pages,
                provinces,
                professions,
                status,
                stored,
            }
        })
        .collect();
    for (o, occ) in site.occupations.iter().enumerate() {
        docs.push(occupation_doc(plan, o, occ, &lang_bit)?);
    }
    if !site.draws.is_empty() {
        docs.push(draws_doc(plan, &lang_bit)?);
    }
    Ok(docs)
}

fn occupation_doc<'a>(
    plan: &Catalog<'a>,
    o: usize,
    occ: &'a Occupation,
    lang_bit: &dyn Fn(Lang) -> u32,
) -> Result<Doc<'a>> {
    let site = plan.site;
    let cfg = &site.config;
    let default = cfg.default_language();
    let note_in = |lang: Lang| site.notes.iter().find(|n| n.code == occ.code && n.lang == lang);
    let mut versions = Vec::new();
    let mut langs = 0;
    for &lang in &cfg.languages {
        let title_here = lang == default || (lang == Lang::Fr && occ.title_fr.is_some());
        let note = note_in(lang);
        if !title_here && note.is_none() {
            continue;
        }
        let mut texts = Texts::default();
        texts.add(Field::KeyTitle, occupation_title(occ, lang));
        if let Some(n) = note {
            texts.add_opt(Field::Summary, &n.summary);
            texts.add(Field::Body, n.body.text.as_str());
        }
        versions.push(texts);
        if title_here {
            langs |= lang_bit(lang);
        }
    }
    let mut shared = Texts::default();
    shared.add(Field::Code, occ.code.as_str());
    let mut stored = Vec::new();
    for lang in &plan.langs {
        let note = note_in(lang.code).or_else(|| note_in(default));
        let snippet = match note.and_then(|n| n.summary.clone()) {
            Some(s) => s,
            None => lang.tr(&format!("teer_{}", occ.teer))?,
        };
        let titled = lang.code == default || (lang.code == Lang::Fr && occ.title_fr.is_some());
        stored.push(Stored {
            title: format!("{} – {}", occ.code, occupation_title(occ, lang.code)),
            url: lang.url(&format!("occupations/{}/", occ.code)),
            snippet: clip(&snippet, SNIPPET_CHARS),
            date: String::new(),
            date_kind: 0,
            text_lang: if titled {
                String::new()
            } else {
                default.to_string()
            },
        });
    }
    Ok(Doc {
        key: format!("occupations/{}/", occ.code),
        kind: KIND_OCCUPATION,
        versions,
        shared,
        langs,
        provinces: Vec::new(),
        national: true,
        general: false,
        professions: vec![o],
        status: Status::None,
        stored,
    })
}

/// The draws page: its title and introduction in each language, and what each draw says
/// (program, stream, province, notes), so "Express Entry", "OINP" or "tirages" find it.
fn draws_doc<'a>(plan: &Catalog<'a>, lang_bit: &dyn Fn(Lang) -> u32) -> Result<Doc<'a>> {
    let site = plan.site();
    let mut doc = theme_page_doc(plan, "draws/", "title_draws", "intro_draws", lang_bit)?;
    let mut shared = Texts::default();
    let mut provinces = Vec::new();
    let mut professions = Vec::new();
    let mut national = false;
    for d in &site.draws {
        shared.add(Field::Body, d.program.as_str());
        shared.add_opt(Field::Body, &d.stream);
        shared.add_opt(Field::Body, &d.notes);
        match d.province {
            Some(Province::CA) | None => national = true,
            Some(p) => provinces.push(p),
        }
        professions.extend(
            d.professions
                .iter()
                .filter_map(|c| site.occupations.binary_search_by(|o| o.code.as_str().cmp(c)).ok()),
        );
    }
    provinces.sort_unstable();
    provinces.dedup();
    for p in &provinces {
        shared.add(Field::Provinces, province_words(*p));
    }
    professions.sort_unstable();
    professions.dedup();
    doc.shared = shared;
    doc.provinces = provinces;
    doc.national = national;
    doc.professions = professions;
    Ok(doc)
}

/// A page whose words are the theme's (the draws page, the "Get licensed" chooser, the
/// organisations list): its title and introduction in each language, so "get licensed",
/// "permis d'exercice" or "tirages" find it. National, of no one profession, until its caller
/// adds more.
pub(super) fn theme_page_doc<'a>(
    plan: &Catalog<'a>,
    neutral: &str,
    title_key: &str,
    intro_key: &str,
    lang_bit: &dyn Fn(Lang) -> u32,
) -> Result<Doc<'a>> {
    let mut versions = Vec::new();
    let mut stored = Vec::new();
    let mut langs = 0;
    for lang in &plan.langs {
        let title = lang.tr(title_key)?;
        let intro = lang.tr(intro_key)?;
        let mut texts = Texts::default();
        texts.add(Field::Title, title.clone());
        texts.add(Field::Summary, intro.clone());
        versions.push(texts);
        langs |= lang_bit(lang.code);
        stored.push(Stored {
            title,
            url: lang.url(neutral),
            snippet: clip(&intro, SNIPPET_CHARS),
            date: String::new(),
            date_kind: 0,
            text_lang: String::new(),
        });
    }
    Ok(Doc {
        key: neutral.to_string(),
        kind: SearchKind::Pages as u8,
        versions,
        shared: Texts::default(),
        langs,
        provinces: Vec::new(),
        national: true,
        general: false,
        professions: Vec::new(),
        status: Status::None,
        stored,
    })
}

/// The searchable text of one item in one language.
fn item_texts(item: &Item) -> Texts<'_> {
    let mut t = Texts::default();
    t.add(Field::Title, item.title.as_str());
    t.add_opt(Field::Summary, &item.summary);
    t.add(Field::Body, item.body.text.as_str());
    match &item.details {
        Details::Page => {}
        Details::Portal { operator, .. } => t.add(Field::Org, operator.as_str()),
        Details::Event(e) => {
            t.add_opt(Field::Org, &e.host);
            for p in &e.partners {
                t.add(Field::Org, p.as_str());
            }
            t.add_opt(Field::Location, &e.location);
        }
        Details::Member {
            location,
            membership,
            services,
            host_org,
            ..
        } => {
            t.add(Field::Location, location.as_str());
            t.add_opt(Field::Org, host_org);
            t.add_opt(Field::Body, membership);
            for s in services {
                t.add(Field::Body, s.as_str());
            }
        }
        Details::Program {
            provider,
            location,
            clients,
            supports,
            ..
        } => {
            t.add(Field::Org, provider.as_str());
            t.add_opt(Field::Location, location);
            t.add_opt(Field::Body, clients);
            for s in supports {
                t.add(Field::Body, s.as_str());
            }
        }
    }
    t
}

pub(super) fn occupation_words(occ: &Occupation) -> String {
    let mut s = format!("{} {}", occ.code, occ.title);
    if let Some(fr) = &occ.title_fr {
        s.push(' ');
        s.push_str(fr);
    }
    s
}

/// Both languages' names, so a French name finds an English-only item; the code too (`BC`).
pub(super) fn province_words(p: Province) -> String {
    let mut s = format!("{} {}", p.name(Lang::En), p.name(Lang::Fr));
    if p == Province::CA {
        s.push_str(" Canada");
    } else {
        s.push(' ');
        s.push_str(p.code());
    }
    s
}
