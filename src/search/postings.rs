//! The inverted index: for every term, the documents holding it with a precomputed BM25F
//! impact, and how a posting's value packs that impact with its flags (the client decodes it).
//! Pure; knows nothing of files (`shards` lays the postings out) nor of the catalog.

use std::collections::HashMap;

use ahash::RandomState;
use rayon::prelude::*;

use super::doc::{Doc, FIELDS, Field, Texts};
use super::synonyms::{SYNONYM_WEIGHT, Synonyms};
use crate::catalog::SearchKind;
use crate::normalize::{count_terms, for_each_term};

/// BM25's term frequency saturation. Field weights (1 to 10) put a title match far up the
/// curve, so `k1` is larger than the usual 1.2: with 1.2 every title match saturated to the same
/// impact, and an occupation's title could not outweigh a network's.
const K1: f64 = 6.0;

/// What the fields other than the title of a general page (About, For employers: the
/// `pages` collection) weigh: such pages mention everything in passing, so they come below
/// the items about a thing unless the query names them (their title keeps its weight).
const GENERAL_BODY_SCALE: f64 = 0.35;

/// What the body of a pathway (its steps and notes) and of an organisation page weighs: a
/// pathway's steps name every exam, body and document on the way ("NCLEX" four times in a
/// nurse's), and a regulator's page the professions it licenses, so a word only there ranks
/// them below the page about that word. Their titles, summaries and the names of the
/// organisations on a pathway keep their weight.
const LICENSING_BODY_SCALE: f64 = 0.35;
const PATHWAY_BODY_SCALE: f64 = 0.15;

/// The scale of field `f`'s weight in `doc`, by the document's kind.
fn field_scale(doc: &Doc, f: Field) -> f64 {
    const PATHWAYS: u8 = SearchKind::Pathways as u8;
    const ORGANIZATIONS: u8 = SearchKind::Organizations as u8;
    match f {
        Field::Title | Field::KeyTitle | Field::Abbreviation => 1.0,
        _ if doc.general => GENERAL_BODY_SCALE,
        Field::Body if doc.kind == PATHWAYS => PATHWAY_BODY_SCALE,
        Field::Body if doc.kind == ORGANIZATIONS => LICENSING_BODY_SCALE,
        _ => 1.0,
    }
}

/// What a match in a document of each kind is worth beside the same match in an item or an
/// occupation page, applied to the saturated impact (so a long page cannot make it up). A
/// pathway is about one profession in one province: for a profession word alone the occupation
/// page comes first, while a province word in the query puts the pathway's title ahead of it
/// (a whole-title match is a tier of its own). An organisation's name holds profession words
/// ("College of Nurses of Ontario") that readers type when they mean the profession: its
/// name or abbreviation typed finds it first (a title match is a tier of its own, which no
/// other page has for "CNO"), while "nurse" leaves it below the occupation and pathways.
fn kind_weight(kind: u8) -> f64 {
    const PATHWAYS: u8 = SearchKind::Pathways as u8;
    const ORGANIZATIONS: u8 = SearchKind::Organizations as u8;
    match kind {
        PATHWAYS => PATHWAY_WEIGHT,
        ORGANIZATIONS => ORGANIZATION_WEIGHT,
        _ => 1.0,
    }
}

/// See [`kind_weight`].
const PATHWAY_WEIGHT: f64 = 0.9;
const ORGANIZATION_WEIGHT: f64 = 0.8;

/// Impacts are stored as integers: `round(impact * IMPACT_SCALE)`, clamped to 1..=1023 (the
/// ten bits a title posting has for it, see [`encode`]). An impact cannot exceed
/// `ln(1 + N) * (K1 + 1)`, about 81 for 100,000 documents.
const IMPACT_SCALE: f64 = 10.0;

/// Set on a posting when the term is in the document's title.
pub const FLAG_TITLE: u16 = 1;
/// Set on a posting when the term is the occupation's own code.
pub const FLAG_CODE: u16 = 2;

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
type RawPostings = HashMap<String, Vec<(u32, f32, u16)>, RandomState>;

/// Term -> (weighted term frequency, flags) of one document. Which hasher these maps use does
/// not show in the index: every list is put in document order and the terms are sorted.
type TermFrequencies = HashMap<String, (f64, u16), RandomState>;

/// Average length of each field over the documents (or versions) that have it.
fn average_lengths(docs: &[Doc]) -> [f64; FIELDS] {
    let counts: Vec<[(u64, u64); FIELDS]> = docs
        .par_iter()
        .map(|d| {
            let mut acc = [(0u64, 0u64); FIELDS];
            for texts in d.versions.iter().chain(std::iter::once(&d.shared)) {
                let mut len = [0u64; FIELDS];
                for (f, text) in &texts.fields {
                    len[*f as usize] += count_terms(text) as u64;
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
/// each field's weight scaled by `scale` (see [`field_scale`]).
fn weighted_tf(
    texts: &Texts<'_>,
    avg: &[f64; FIELDS],
    syn: &Synonyms,
    scale: &dyn Fn(Field) -> f64,
) -> TermFrequencies {
    // Every part's terms, read once (a field's length is known only once all its parts are).
    let mut words: Vec<String> = Vec::new();
    let mut ends = Vec::with_capacity(texts.fields.len());
    let mut len = [0usize; FIELDS];
    for (f, text) in &texts.fields {
        let start = words.len();
        for_each_term(text, |t| words.push(t.to_string()));
        len[*f as usize] += words.len() - start;
        ends.push(words.len());
    }
    let mut out = TermFrequencies::default();
    let mut bump = |t: &str, add: f64, flag: u16| {
        if let Some(e) = out.get_mut(t) {
            e.0 += add;
            e.1 |= flag;
        } else {
            out.insert(t.to_string(), (add, flag));
        }
    };
    let mut start = 0;
    for ((f, _), end) in texts.fields.iter().zip(ends) {
        let part = &words[start..end];
        start = end;
        let norm = 1.0 - f.b() + f.b() * len[*f as usize] as f64 / avg[*f as usize];
        let flag = match f {
            Field::Title | Field::KeyTitle | Field::Abbreviation => FLAG_TITLE,
            Field::Code => FLAG_CODE,
            _ => 0,
        };
        let add = f.weight() * scale(*f) / norm;
        for t in part {
            bump(t, add, flag);
        }
        syn.expand(part, |t| bump(t, add * SYNONYM_WEIGHT, flag));
    }
    out
}

/// The weighted term frequency of every term of a document: the best of its language versions
/// (a translated item is not worth more than an untranslated one) plus its shared fields.
fn doc_terms(doc: &Doc, avg: &[f64; FIELDS], syn: &Synonyms) -> Vec<(String, f32, u16)> {
    let scale = |f: Field| field_scale(doc, f);
    let mut best = TermFrequencies::default();
    for v in &doc.versions {
        for (t, (tf, flags)) in weighted_tf(v, avg, syn, &scale) {
            let e = best.entry(t).or_insert((0.0, 0));
            e.0 = e.0.max(tf);
            e.1 |= flags;
        }
    }
    for (t, (tf, flags)) in weighted_tf(&doc.shared, avg, syn, &scale) {
        let e = best.entry(t).or_insert((0.0, 0));
        e.0 += tf;
        e.1 |= flags;
    }
    best.into_iter().map(|(t, (tf, f))| (t, tf as f32, f)).collect()
}

/// How many distinct terms the title of a document has, for whole-title matches: the shortest
/// of its versions' titles, so a query in either language can be a whole title. A pathway's is
/// the longest: its title names a profession and a place, and a profession may take one word
/// in one language and two in the other ("Ergothérapeute en Ontario", "Occupational therapist
/// in Ontario"), so with the shortest, "occupational therapist" alone would be a whole title.
/// An abbreviation is not counted: "College of Nurses of Ontario" is CNO's whole title.
pub fn title_terms(doc: &Doc) -> usize {
    let lengths = doc.versions.iter().map(|v| {
        let mut terms: Vec<String> = Vec::new();
        for (f, text) in &v.fields {
            if matches!(f, Field::Title | Field::KeyTitle) {
                for_each_term(text, |t| terms.push(t.to_string()));
            }
        }
        terms.sort_unstable();
        terms.dedup();
        terms.len()
    });
    if doc.kind == SearchKind::Pathways as u8 {
        lengths.max().unwrap_or(0)
    } else {
        lengths.min().unwrap_or(0)
    }
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
            let mut map = RawPostings::default();
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
    let mut all = RawPostings::default();
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
                    let impact = idf * tf * (K1 + 1.0) / (tf + K1) * kind_weight(docs[doc as usize].kind);
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
    use crate::content::model::SynonymGroup;
    use crate::search::doc::Status;
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

    fn of_kind(mut d: Doc<'_>, kind: SearchKind) -> Doc<'_> {
        d.kind = kind as u8;
        d
    }

    #[test]
    fn a_profession_word_weighs_most_in_an_occupation_then_a_pathway_then_an_organisation() {
        let docs = vec![
            of_kind(
                doc("a", &[(Field::KeyTitle, "Pharmacists")]),
                SearchKind::Occupations,
            ),
            of_kind(
                doc("b", &[(Field::KeyTitle, "Pharmacists")]),
                SearchKind::Pathways,
            ),
            of_kind(
                doc("c", &[(Field::Title, "Pharmacists")]),
                SearchKind::Organizations,
            ),
            doc("d", &[(Field::Body, "x")]),
        ];
        let index = invert(&docs, &Synonyms::default());
        let (occupation, pathway, org) = (
            impact(&index, "pharmacist", 0),
            impact(&index, "pharmacist", 1),
            impact(&index, "pharmacist", 2),
        );
        assert!(
            occupation > pathway && pathway > org,
            "{occupation} {pathway} {org}"
        );
    }

    #[test]
    fn the_steps_of_a_pathway_weigh_less_than_a_body_elsewhere() {
        let steps = "Pass the NCLEX-RN exam. The NCLEX-RN is the exam for nurses.";
        let docs = vec![
            of_kind(
                doc(
                    "a",
                    &[(Field::KeyTitle, "Nurse in Ontario"), (Field::Body, steps)],
                ),
                SearchKind::Pathways,
            ),
            of_kind(
                doc("b", &[(Field::KeyTitle, "Nurses"), (Field::Body, steps)]),
                SearchKind::Occupations,
            ),
            of_kind(
                doc("c", &[(Field::Title, "A regulator"), (Field::Body, steps)]),
                SearchKind::Organizations,
            ),
            doc("d", &[(Field::Body, "x")]),
        ];
        let index = invert(&docs, &Synonyms::default());
        let (pathway, occupation, org) = (
            impact(&index, "nclex", 0),
            impact(&index, "nclex", 1),
            impact(&index, "nclex", 2),
        );
        assert!(pathway < org && org < occupation, "{pathway} {org} {occupation}");
    }

    #[test]
    fn an_abbreviation_is_a_title_but_not_counted_in_its_length() {
        let cno = of_kind(
            doc(
                "a",
                &[
                    (Field::Title, "College of Nurses of Ontario"),
                    (Field::Abbreviation, "CNO"),
                ],
            ),
            SearchKind::Organizations,
        );
        assert_eq!(title_terms(&cno), 3, "college, nurs, ontario");
        let index = invert(&[cno, doc("b", &[(Field::Body, "CNO")])], &Synonyms::default());
        let value = index.iter().find(|(t, _)| t == "cno").unwrap().1[0].value;
        assert_eq!(value & FLAG_TITLE, FLAG_TITLE);
    }

    #[test]
    fn a_pathways_title_length_is_its_longest_versions() {
        let mut pathway = doc("a", &[(Field::KeyTitle, "Occupational therapist in Ontario")]);
        pathway.versions.push(
            doc("x", &[(Field::KeyTitle, "Ergothérapeute en Ontario")])
                .versions
                .remove(0),
        );
        let mut occupation = pathway.clone();
        occupation.kind = SearchKind::Occupations as u8;
        assert_eq!(title_terms(&of_kind(pathway, SearchKind::Pathways)), 3);
        assert_eq!(title_terms(&occupation), 2, "other kinds: the shortest");
    }
}
