//! Search documents from the page plan, and the inverted index over them: for every term, the
//! documents holding it with a precomputed BM25F impact. Pure; knows nothing of files.
//!
//! One document per item (across its languages: the original and its translations are one
//! document, so a query in either language finds it), one per occupation and one for the draws
//! page. Its text comes
//! from the same model and the same Markdown pass as its page; what a result shows (title,
//! URL, snippet, date) comes from the page plan's cards, so it reads exactly as the page does.

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;

use super::normalize::{for_each_term, terms};
use crate::catalog::{Catalog, SearchKind, occupation_title};
use crate::content::model::{Collection, Details, Item, Occupation, Province, SynonymGroup};
use crate::error::Result;
use crate::lang::Lang;

/// What a document is (the catalog's search kinds): the order is the order of the facet.
pub const KINDS: [&str; 6] = SearchKind::NAMES;

fn kind_of(c: Collection) -> u8 {
    SearchKind::of(c) as u8
}
const KIND_OCCUPATION: u8 = SearchKind::Occupations as u8;

/// The searchable fields, with their BM25F weight and length normalisation `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    /// The title of a page about one profession (occupations; pathways and organisations as
    /// they come): what readers name when they type a profession.
    KeyTitle,
    /// An occupation's own NOC code.
    Code,
    Summary,
    /// Codes and titles (both languages) of the occupations an item names.
    Professions,
    /// Host, partners, provider, operator, host organisation.
    Org,
    Location,
    /// Province names in both languages, and their codes.
    Provinces,
    /// Body text, and list fields such as services and supports.
    Body,
}

const FIELDS: usize = 9;

impl Field {
    /// Title above summary, professions above body: what a reader names is usually in those.
    fn weight(self) -> f64 {
        match self {
            Field::Title => 5.0,
            Field::KeyTitle => 10.0,
            Field::Code => 6.0,
            Field::Summary => 2.5,
            Field::Professions => 2.0,
            Field::Org => 2.0,
            Field::Location => 2.0,
            Field::Provinces => 1.0,
            Field::Body => 1.0,
        }
    }

    /// Long bodies repeat words without being more about them; titles and lists of names do
    /// not, so only free text is normalised by length.
    fn b(self) -> f64 {
        match self {
            Field::Title | Field::KeyTitle => 0.3,
            Field::Summary => 0.5,
            Field::Body => 0.75,
            _ => 0.0,
        }
    }
}

/// BM25's term frequency saturation. Field weights (1 to 10) put a title match far up the
/// curve, so `k1` is larger than the usual 1.2: with 1.2 every title match saturated to the same
/// impact, and an occupation's title could not outweigh a network's.
const K1: f64 = 6.0;

/// What the fields other than the title of a general page (About, For employers: the
/// `pages` collection) weigh: such pages mention everything in passing, so they come below
/// the items about a thing unless the query names them (their title keeps its weight).
const GENERAL_BODY_SCALE: f64 = 0.35;

/// What a synonym found in a field weighs beside the word itself (see [`Synonyms`]).
pub const SYNONYM_WEIGHT: f64 = 0.6;

/// The synonym groups of `data/synonyms.yaml` as search terms. Expanded on the index side: a
/// field that says one word or phrase of a group also counts, at [`SYNONYM_WEIGHT`], as saying
/// every other (each term of a phrase), so a query needs no extra download to find them and
/// the word typed always weighs more than its synonyms.
#[derive(Debug, Default)]
pub struct Synonyms {
    /// Per group, per member: its terms.
    groups: Vec<Vec<Vec<String>>>,
    /// First term of a member -> (group, member).
    starts: HashMap<String, Vec<(usize, usize)>>,
}

impl Synonyms {
    pub fn new(groups: &[SynonymGroup]) -> Self {
        let mut out = Synonyms::default();
        for (g, group) in groups.iter().enumerate() {
            let members: Vec<Vec<String>> = group
                .words
                .iter()
                .map(|w| terms(w))
                .filter(|t| !t.is_empty())
                .collect();
            for (m, member) in members.iter().enumerate() {
                out.starts.entry(member[0].clone()).or_default().push((g, m));
            }
            out.groups.push(members);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Calls `each` with every term that `words` (a field's terms, in order) says through a
    /// synonym: for each member of a group found at a position, the terms of the group's other
    /// members (not those of the member found).
    fn expand(&self, words: &[String], mut each: impl FnMut(&str)) {
        for (i, w) in words.iter().enumerate() {
            let Some(found) = self.starts.get(w) else {
                continue;
            };
            for &(g, m) in found {
                let member = &self.groups[g][m];
                if words.len() - i < member.len() || words[i..i + member.len()] != member[..] {
                    continue;
                }
                for (k, other) in self.groups[g].iter().enumerate() {
                    if k == m {
                        continue;
                    }
                    for t in other {
                        if !member.contains(t) {
                            each(t);
                        }
                    }
                }
            }
        }
    }
}

/// Impacts are stored as integers: `round(impact * IMPACT_SCALE)`, clamped to 1..=1023 (the
/// ten bits a title posting has for it, see [`encode`]). An impact cannot exceed
/// `ln(1 + N) * (K1 + 1)`, about 81 for 100,000 documents.
const IMPACT_SCALE: f64 = 10.0;

/// Set on a posting when the term is in the document's title.
pub const FLAG_TITLE: u16 = 1;
/// Set on a posting when the term is the occupation's own code.
pub const FLAG_CODE: u16 = 2;

/// The text of one language version of a document, field by field (a field may come in
/// several parts). Borrowed from the model where it can be: at 100,000 items, copying every
/// body would cost hundreds of MB.
#[derive(Debug, Clone, Default)]
pub struct Texts<'a> {
    pub fields: Vec<(Field, Cow<'a, str>)>,
}

impl<'a> Texts<'a> {
    fn add(&mut self, field: Field, text: impl Into<Cow<'a, str>>) {
        let text = text.into();
        if !text.trim().is_empty() {
            self.fields.push((field, text));
        }
    }

    fn add_opt(&mut self, field: Field, text: &'a Option<String>) {
        if let Some(t) = text {
            self.add(field, t.as_str());
        }
    }
}

/// Event status, for the facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    None,
    Upcoming,
    Past,
}

/// What a result shows, in one interface language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub title: String,
    pub url: String,
    pub snippet: String,
    pub date: String,
    /// 0: no date; 1: when the event happens; 2: when the facts were checked.
    pub date_kind: u8,
    /// The language of the text when it is not the interface's (an item without a translation).
    pub text_lang: String,
}

/// One search document.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    /// The page's path below a language root; documents are ordered by (kind, key).
    pub key: String,
    pub kind: u8,
    /// One entry per language the text exists in.
    pub versions: Vec<Texts<'a>>,
    /// Fields that are the same in every language.
    pub shared: Texts<'a>,
    /// Bit `i` set: the text exists in the site's language `i`.
    pub langs: u32,
    pub provinces: Vec<Province>,
    /// Applies in every province (an occupation; an item for all of Canada): a province
    /// filter keeps it.
    pub national: bool,
    /// A general page (see [`GENERAL_BODY_SCALE`]).
    pub general: bool,
    /// Indexes into the site's occupations.
    pub professions: Vec<usize>,
    pub status: Status,
    /// One per interface language of the site, in the config's order.
    pub stored: Vec<Stored>,
}

/// Characters of the snippet a result shows.
const SNIPPET_CHARS: usize = 240;

/// Every document of the site, in a stable order.
pub fn documents<'a>(plan: &Catalog<'a>) -> Result<Vec<Doc<'a>>> {
    let site = plan.site;
    let cfg = &site.config;
    let lang_bit = |lang: Lang| {
        cfg.languages
            .iter()
            .position(|&l| l == lang)
            .map_or(0, |i| 1u32 << i)
    };
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
            let mut professions: Vec<usize> = original
                .professions
                .iter()
                .filter_map(|c| site.occupations.binary_search_by(|o| o.code.as_str().cmp(c)).ok())
                .collect();
            professions.sort_unstable();
            professions.dedup();
            let mut provinces = original.provinces.clone();
            provinces.sort_unstable();
            provinces.dedup();
            let first = &plan.langs[0];
            let status = match first.card(i).status.as_str() {
                "upcoming" if original.collection == Collection::Events => Status::Upcoming,
                "past" if original.collection == Collection::Events => Status::Past,
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
    docs.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
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
    let mut versions = Vec::new();
    let mut stored = Vec::new();
    let mut langs = 0;
    for lang in &plan.langs {
        let title = lang.tr("title_draws")?;
        let intro = lang.tr("intro_draws")?;
        let mut texts = Texts::default();
        texts.add(Field::Title, title.clone());
        texts.add(Field::Summary, intro.clone());
        versions.push(texts);
        langs |= lang_bit(lang.code);
        stored.push(Stored {
            title,
            url: lang.url("draws/"),
            snippet: clip(&intro, SNIPPET_CHARS),
            date: String::new(),
            date_kind: 0,
            text_lang: String::new(),
        });
    }
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
    Ok(Doc {
        key: "draws/".to_string(),
        kind: kind_of(Collection::Pages),
        versions,
        shared,
        langs,
        provinces,
        national,
        general: false,
        professions,
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

fn occupation_words(occ: &Occupation) -> String {
    let mut s = format!("{} {}", occ.code, occ.title);
    if let Some(fr) = &occ.title_fr {
        s.push(' ');
        s.push_str(fr);
    }
    s
}

/// Both languages' names, so a French name finds an English-only item; the code too (`BC`).
fn province_words(p: Province) -> String {
    let mut s = format!("{} {}", p.name(Lang::En), p.name(Lang::Fr));
    if p == Province::CA {
        s.push_str(" Canada");
    } else {
        s.push(' ');
        s.push_str(p.code());
    }
    s
}

/// At most `max` characters, cut at a word, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(at) => &cut[..at],
        None => &cut,
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || c == ',')
    )
}

/// One document holding a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    /// See [`encode`].
    pub value: u16,
}

/// Title lengths above this are stored as this (no one types a title that long).
const MAX_TITLE_TERMS: usize = 15;

/// A posting's value: `impact << 2 | flags`, or, when the term is in the title,
/// `(impact << 4 | title terms) << 2 | flags`, so the client can tell a query that is a whole
/// title without a table of title lengths. Titles are a small share of postings, so the extra
/// bits cost little. `flags` holds [`FLAG_TITLE`], [`FLAG_CODE`] and, in bits 2..6, the title
/// length.
fn encode(impact: u16, flags: u16) -> u16 {
    if flags & FLAG_TITLE != 0 {
        (((impact << 4) | (flags >> 2)) << 2) | (flags & 3)
    } else {
        (impact << 2) | (flags & 3)
    }
}

/// The impact of a posting value.
pub fn impact_of(value: u16) -> u16 {
    if value & FLAG_TITLE != 0 {
        value >> 6
    } else {
        value >> 2
    }
}

/// Every term with its postings (sorted by document), terms in UTF-16 order (the order the
/// client compares strings in).
pub type Postings = Vec<(String, Vec<Posting>)>;

/// Term -> (document, weighted term frequency, flags), before impacts are known.
type RawPostings = HashMap<String, Vec<(u32, f32, u16)>>;

/// Average length of each field over the documents (or versions) that have it.
fn average_lengths(docs: &[Doc]) -> [f64; FIELDS] {
    let counts: Vec<[(u64, u64); FIELDS]> = docs
        .par_iter()
        .map(|d| {
            let mut acc = [(0u64, 0u64); FIELDS];
            for texts in d.versions.iter().chain(std::iter::once(&d.shared)) {
                let mut len = [0u64; FIELDS];
                for (f, text) in &texts.fields {
                    for_each_term(text, |_| len[*f as usize] += 1);
                }
                for (f, n) in len.iter().enumerate() {
                    if *n > 0 {
                        acc[f].0 += n;
                        acc[f].1 += 1;
                    }
                }
            }
            acc
        })
        .collect();
    let mut total = [(0u64, 0u64); FIELDS];
    for acc in counts {
        for f in 0..FIELDS {
            total[f].0 += acc[f].0;
            total[f].1 += acc[f].1;
        }
    }
    let mut avg = [1.0; FIELDS];
    for f in 0..FIELDS {
        if total[f].1 > 0 {
            avg[f] = (total[f].0 as f64 / total[f].1 as f64).max(1.0);
        }
    }
    avg
}

/// Weighted, length-normalised term frequencies of one set of fields, with what synonyms add;
/// the fields other than titles scaled by `scale`.
fn weighted_tf(
    texts: &Texts<'_>,
    avg: &[f64; FIELDS],
    syn: &Synonyms,
    scale: f64,
) -> HashMap<String, (f64, u16)> {
    let mut len = [0usize; FIELDS];
    for (f, text) in &texts.fields {
        for_each_term(text, |_| len[*f as usize] += 1);
    }
    let mut out: HashMap<String, (f64, u16)> = HashMap::new();
    let mut bump = |t: &str, add: f64, flag: u16| {
        if let Some(e) = out.get_mut(t) {
            e.0 += add;
            e.1 |= flag;
        } else {
            out.insert(t.to_string(), (add, flag));
        }
    };
    let mut words = Vec::new();
    for (f, text) in &texts.fields {
        let norm = 1.0 - f.b() + f.b() * len[*f as usize] as f64 / avg[*f as usize];
        let (flag, scale) = match f {
            Field::Title | Field::KeyTitle => (FLAG_TITLE, 1.0),
            Field::Code => (FLAG_CODE, scale),
            _ => (0, scale),
        };
        let add = f.weight() * scale / norm;
        if syn.is_empty() {
            for_each_term(text, |t| bump(t, add, flag));
        } else {
            words.clear();
            for_each_term(text, |t| {
                bump(t, add, flag);
                words.push(t.to_string());
            });
            syn.expand(&words, |t| bump(t, add * SYNONYM_WEIGHT, flag));
        }
    }
    out
}

/// The weighted term frequency of every term of a document: the best of its language versions
/// (a translated item is not worth more than an untranslated one) plus its shared fields.
fn doc_terms(doc: &Doc, avg: &[f64; FIELDS], syn: &Synonyms) -> Vec<(String, f32, u16)> {
    let scale = if doc.general { GENERAL_BODY_SCALE } else { 1.0 };
    let mut best: HashMap<String, (f64, u16)> = HashMap::new();
    for v in &doc.versions {
        for (t, (tf, flags)) in weighted_tf(v, avg, syn, scale) {
            let e = best.entry(t).or_insert((0.0, 0));
            e.0 = e.0.max(tf);
            e.1 |= flags;
        }
    }
    for (t, (tf, flags)) in weighted_tf(&doc.shared, avg, syn, scale) {
        let e = best.entry(t).or_insert((0.0, 0));
        e.0 += tf;
        e.1 |= flags;
    }
    best.into_iter().map(|(t, (tf, f))| (t, tf as f32, f)).collect()
}

/// How many distinct terms the shortest title of a document has (for exact title matches).
pub fn title_terms(doc: &Doc) -> usize {
    doc.versions
        .iter()
        .map(|v| {
            let mut terms: Vec<String> = Vec::new();
            for (f, text) in &v.fields {
                if matches!(f, Field::Title | Field::KeyTitle) {
                    for_each_term(text, |t| terms.push(t.to_string()));
                }
            }
            terms.sort_unstable();
            terms.dedup();
            terms.len()
        })
        .min()
        .unwrap_or(0)
}

/// The inverted index of `docs`, with BM25F impacts and synonyms expanded.
pub fn invert(docs: &[Doc], syn: &Synonyms) -> Postings {
    let avg = average_lengths(docs);
    // Chunks of documents are inverted in parallel, then merged in document order, so every
    // posting list comes out sorted by document without a sort.
    let partial: Vec<RawPostings> = docs
        .par_chunks(256)
        .enumerate()
        .map(|(c, chunk)| {
            let mut map = RawPostings::new();
            for (j, doc) in chunk.iter().enumerate() {
                let id = (c * 256 + j) as u32;
                let tlen = title_terms(doc).min(MAX_TITLE_TERMS) as u16;
                for (t, tf, flags) in doc_terms(doc, &avg, syn) {
                    let flags = if flags & FLAG_TITLE != 0 {
                        flags | tlen << 2
                    } else {
                        flags
                    };
                    map.entry(t).or_default().push((id, tf, flags));
                }
            }
            map
        })
        .collect();
    let mut all = RawPostings::new();
    for map in partial {
        for (t, list) in map {
            all.entry(t).or_default().extend(list);
        }
    }
    let n = docs.len() as f64;
    let mut terms: Postings = all
        .into_par_iter()
        .map(|(t, list)| {
            let df = list.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let postings = list
                .into_iter()
                .map(|(doc, tf, flags)| {
                    let tf = f64::from(tf);
                    let impact = idf * tf * (K1 + 1.0) / (tf + K1);
                    let q = (impact * IMPACT_SCALE).round().clamp(1.0, 1023.0) as u16;
                    Posting {
                        doc,
                        value: encode(q, flags),
                    }
                })
                .collect();
            (t, postings)
        })
        .collect();
    terms.sort_unstable_by(|a, b| utf16_cmp(&a.0, &b.0));
    terms
}

/// String order as JavaScript compares strings (by UTF-16 code unit), so the client's binary
/// searches agree with the order the index was written in.
pub fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(key: &str, fields: &[(Field, &'a str)]) -> Doc<'a> {
        let mut texts = Texts::default();
        for (f, s) in fields {
            texts.add(*f, *s);
        }
        Doc {
            key: key.to_string(),
            kind: 0,
            versions: vec![texts],
            shared: Texts::default(),
            langs: 1,
            provinces: Vec::new(),
            national: false,
            general: false,
            professions: Vec::new(),
            status: Status::None,
            stored: Vec::new(),
        }
    }

    fn impact(index: &Postings, term: &str, doc: u32) -> u16 {
        let (_, list) = index
            .iter()
            .find(|(t, _)| t == term)
            .unwrap_or_else(|| panic!("no term {term}"));
        list.iter()
            .find(|p| p.doc == doc)
            .map_or(0, |p| impact_of(p.value))
    }

    const FILLER: &str = "Licensing, bridging and mentoring for health workers in every region.";

    #[test]
    fn title_outranks_summary_and_professions_outrank_body() {
        let docs = vec![
            doc("a", &[(Field::Title, "Nursing bridge"), (Field::Body, FILLER)]),
            doc(
                "b",
                &[
                    (Field::Title, "Other"),
                    (Field::Summary, "A nursing bridge."),
                    (Field::Body, FILLER),
                ],
            ),
            doc(
                "c",
                &[(Field::Title, "Other"), (Field::Professions, "31301 nurses")],
            ),
            doc(
                "d",
                &[
                    (Field::Title, "Other"),
                    (Field::Body, "Help for nurses and others."),
                ],
            ),
            doc("e", &[(Field::Title, "Unrelated"), (Field::Body, FILLER)]),
        ];
        let index = invert(&docs, &Synonyms::default());
        assert!(impact(&index, "nurs", 0) > impact(&index, "nurs", 1));
        assert!(impact(&index, "nurs", 2) > impact(&index, "nurs", 3));
    }

    #[test]
    fn rare_terms_weigh_more_and_flags_are_set() {
        let docs = vec![
            doc("a", &[(Field::Title, "Kinesiologists"), (Field::Body, "health")]),
            doc("b", &[(Field::Body, "health")]),
            doc("c", &[(Field::Body, "health kinesiologists")]),
            doc("d", &[(Field::Code, "31204")]),
        ];
        let index = invert(&docs, &Synonyms::default());
        assert!(impact(&index, "kinesiologist", 2) > impact(&index, "health", 2));
        let value = |term: &str, doc: u32| {
            index
                .iter()
                .find(|(t, _)| t == term)
                .unwrap()
                .1
                .iter()
                .find(|p| p.doc == doc)
                .unwrap()
                .value
        };
        assert_eq!(value("kinesiologist", 0) & FLAG_TITLE, FLAG_TITLE);
        assert_eq!(value("kinesiologist", 2) & 3, 0);
        assert_eq!(value("31204", 3) & FLAG_CODE, FLAG_CODE);
        assert_eq!(
            (value("kinesiologist", 0) >> 2) & 15,
            1,
            "the title's length rides along"
        );
    }

    #[test]
    fn a_translation_does_not_double_a_documents_weight() {
        let mut both = doc("a", &[(Field::Title, "Montréal")]);
        both.versions
            .push(doc("x", &[(Field::Title, "Montréal")]).versions.remove(0));
        let docs = vec![
            both,
            doc("b", &[(Field::Title, "Montreal")]),
            doc("c", &[(Field::Body, "x")]),
        ];
        let index = invert(&docs, &Synonyms::default());
        assert_eq!(impact(&index, "montreal", 0), impact(&index, "montreal", 1));
    }

    #[test]
    fn postings_are_sorted_and_terms_in_utf16_order() {
        let docs: Vec<Doc> = (0..600)
            .map(|i| {
                doc(
                    &format!("{i:04}"),
                    &[(Field::Body, if i % 2 == 0 { "even common" } else { "odd common" })],
                )
            })
            .collect();
        let index = invert(&docs, &Synonyms::default());
        for (_, list) in &index {
            assert!(list.windows(2).all(|w| w[0].doc < w[1].doc));
        }
        let common = &index.iter().find(|(t, _)| t == "common").unwrap().1;
        assert_eq!(common.len(), 600);
        assert!(index.windows(2).all(|w| utf16_cmp(&w[0].0, &w[1].0).is_lt()));
        assert!(
            utf16_cmp("\u{ffff}", "\u{10000}").is_gt(),
            "UTF-16 puts astral characters before U+FFFF"
        );
    }

    fn group(words: &[&str]) -> SynonymGroup {
        SynonymGroup {
            words: words.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn a_synonym_finds_the_document_and_weighs_less_than_the_word() {
        let docs = vec![
            doc("a", &[(Field::Title, "Doctors network")]),
            doc("b", &[(Field::Title, "Physicians network")]),
            doc("c", &[(Field::Body, "Formation relais en soins infirmiers.")]),
            doc("d", &[(Field::Body, "Formation continue.")]),
            doc("e", &[(Field::Body, "Unrelated words.")]),
        ];
        let syn = Synonyms::new(&[
            group(&["doctor", "physician", "médecin"]),
            group(&["bridging", "formation relais"]),
        ]);
        let index = invert(&docs, &syn);
        let (doctor_a, doctor_b) = (impact(&index, "doctor", 0), impact(&index, "doctor", 1));
        assert!(doctor_b > 0 && doctor_a > doctor_b, "{doctor_a} {doctor_b}");
        assert!(impact(&index, "medecin", 0) > 0 && impact(&index, "physician", 0) > 0);
        assert!(impact(&index, "bridg", 2) > 0, "a phrase finds its group's words");
        assert_eq!(
            impact(&index, "bridg", 3),
            0,
            "one word of a phrase is not the phrase"
        );
        // A synonym in a title counts as in the title.
        let title = index.iter().find(|(t, _)| t == "doctor").unwrap().1[1].value;
        assert_eq!(title & FLAG_TITLE, FLAG_TITLE);
        // Without groups, nothing is added.
        let plain = invert(&docs, &Synonyms::default());
        assert!(plain.iter().all(|(t, _)| t != "medecin"));
    }

    #[test]
    fn general_pages_weigh_their_bodies_less() {
        let mut general = doc(
            "a",
            &[(Field::Title, "Overview"), (Field::Body, "Nurses and more.")],
        );
        general.general = true;
        let docs = vec![
            general,
            doc(
                "b",
                &[(Field::Title, "Network"), (Field::Body, "Nurses and more.")],
            ),
            doc("c", &[(Field::Body, "x")]),
        ];
        let index = invert(&docs, &Synonyms::default());
        assert!(impact(&index, "nurs", 0) < impact(&index, "nurs", 1));
        assert_eq!(
            impact(&index, "overview", 0),
            impact(&index, "network", 1),
            "titles keep their weight"
        );
    }

    #[test]
    fn snippets_are_clipped_at_a_word() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("one two three four", 10), "one two…");
    }
}
