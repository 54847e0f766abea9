//! The index as files a browser fetches piece by piece: term shards (contiguous ranges of the
//! sorted terms, each about [`SHARD_TARGET_BYTES`]), listed in pages of [`SHARDS_PER_PAGE`]; one
//! facet table, fetched only for filters and their counts; the fields a result shows, in small
//! chunks per interface language; and a small manifest. Every name carries a hash of its
//! content, so a CDN and the browser can cache them for ever; the search page links the
//! manifest by its hashed name. The manifest stays small however large the site: it lists
//! pages, not shards. Pure: returns the files, writes nothing.
//!
//! Formats (all JSON, which CDNs compress):
//! - manifest: settings, stop words, and the first term and file of each page of shards;
//! - page: `{"first":[first term of each shard],"shards":[file of each shard],
//!   "dictFirst":[first term of each dictionary file],"dicts":[file of each]}`;
//! - dictionary: `{"t":[terms...]}`, the terms of a contiguous run of the page's shards,
//!   without postings (fetched only for a word with a typo);
//! - shard: `{"t":[terms...],"p":[[doc delta, value, doc delta, value...]...]}`, `value` as
//!   `postings::encode` makes it;
//! - facets: one string per facet with a character (or a list) per document, in document
//!   order, so the table compresses to a few bytes per document;
//! - stored chunk `k`: what documents `k * chunk ..` show, one array per document: title, URL,
//!   snippet, date, date kind, text language, kind, province codes, NOC codes.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::doc::{Doc, KINDS, Status};
use super::postings::Postings;
use crate::content::model::Province;
use crate::lang::Lang;
use crate::normalize::{MAX_TERM_CHARS, STOP_WORDS};
use crate::output::OutputFile;

/// Where the index lives below the output folder.
pub const DIR: &str = "search/data/";

/// Raw size a term shard is cut at. Smaller shards mean fewer bytes per query but more files
/// and longer pages; at 10,000 items this gives shards of 1 to 4 KB compressed (a common term's
/// postings alone can be more: a shard holds whole lists), so that a first query of two or three
/// words, with the client's code, stays within 30 KB (24 KB raw made two-word queries 31 to 34
/// KB without the code).
pub const SHARD_TARGET_BYTES: usize = 8_000;

/// Documents per stored-fields chunk. The ten results a page shows are seldom neighbours, so it
/// fetches up to ten chunks: 4 documents each keeps that near 3 KB compressed (16 made it 10).
pub const STORED_CHUNK: usize = 4;

/// Shards listed per page: a query fetches the manifest, one page (rarely two), then shards.
pub const SHARDS_PER_PAGE: usize = 128;

/// Raw size a dictionary file is cut at: the terms of a page's shards, without their postings,
/// which a query with a typo reads to find the words near it, so that it fetches only the
/// shards holding those words (rather than every shard of the word's first two letters).
pub const DICT_TARGET_BYTES: usize = 8_000;

/// The index's files and the output path of its manifest.
pub struct IndexFiles {
    pub files: Vec<OutputFile>,
    pub manifest: String,
}

/// Everything the client needs, besides the postings and documents.
pub struct Labels<'a> {
    /// The site's languages, in order (stored fields exist for each).
    pub languages: &'a [Lang],
    /// NOC codes, in the order documents' profession indexes refer to.
    pub professions: Vec<&'a str>,
}

fn hash10(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(5)
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn json(s: &str) -> String {
    // Serialising a &str cannot fail.
    serde_json::to_string(s).unwrap_or_default()
}

/// One term shard: its first term (`""` for the first shard), its file's body and how many
/// terms it holds.
pub type Shard = (String, String, usize);

/// Splits the sorted terms into shards.
pub fn split(postings: &Postings, target: usize) -> Vec<Shard> {
    let mut shards = Vec::new();
    let mut terms = String::new();
    let mut lists = String::new();
    let mut first: Option<&str> = None;
    let mut count = 0;
    let close =
        |first: &str, terms: &mut String, lists: &mut String, count: &mut usize, shards: &mut Vec<Shard>| {
            shards.push((
                first.to_string(),
                format!("{{\"t\":[{terms}],\"p\":[{lists}]}}"),
                *count,
            ));
            terms.clear();
            lists.clear();
            *count = 0;
        };
    for (term, list) in postings {
        count += 1;
        if first.is_none() {
            first = Some(term);
        } else {
            terms.push(',');
            lists.push(',');
        }
        terms.push_str(&json(term));
        lists.push('[');
        let mut prev = 0;
        for (k, p) in list.iter().enumerate() {
            if k > 0 {
                lists.push(',');
            }
            let _ = write!(lists, "{},{}", p.doc - prev, p.value);
            prev = p.doc;
        }
        lists.push(']');
        if terms.len() + lists.len() >= target
            && let Some(f) = first.take()
        {
            close(f, &mut terms, &mut lists, &mut count, &mut shards);
        }
    }
    if let Some(f) = first {
        close(f, &mut terms, &mut lists, &mut count, &mut shards);
    }
    // The first shard also takes every term before its first one.
    if let Some(s) = shards.first_mut() {
        s.0 = String::new();
    }
    shards
}

/// Splits a page's sorted terms into dictionary files (`{"t":[terms...]}`), each about
/// `target` bytes: returns (first term, file body) per file.
pub fn dictionary(terms: &[&str], target: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut body = String::new();
    let mut first: Option<&str> = None;
    for term in terms {
        if first.is_none() {
            first = Some(term);
        } else {
            body.push(',');
        }
        body.push_str(&json(term));
        if body.len() >= target
            && let Some(f) = first.take()
        {
            out.push((f.to_string(), format!("{{\"t\":[{body}]}}")));
            body.clear();
        }
    }
    if let Some(f) = first {
        out.push((f.to_string(), format!("{{\"t\":[{body}]}}")));
    }
    out
}

/// The facet table: one string per facet, in document order.
pub fn facets(docs: &[Doc]) -> String {
    let mut kind = String::with_capacity(docs.len());
    let mut status = String::with_capacity(docs.len());
    let mut langs = String::with_capacity(docs.len());
    let mut prov = String::new();
    let mut prof = String::new();
    for (i, d) in docs.iter().enumerate() {
        kind.push(char::from(b'0' + d.kind));
        status.push(match d.status {
            Status::None => '-',
            Status::Upcoming => 'u',
            Status::Past => 'p',
        });
        langs.push(char::from_digit(d.langs.min(35), 36).unwrap_or('0'));
        if i > 0 {
            prov.push(',');
            prof.push(',');
        }
        // A national document is in every province's results: it carries the CA mark ('a').
        if d.national && !d.provinces.contains(&Province::CA) {
            prov.push('a');
        }
        for p in &d.provinces {
            let at = Province::ALL.iter().position(|q| q == p).unwrap_or(0);
            prov.push(char::from(b'a' + at as u8));
        }
        for (k, o) in d.professions.iter().enumerate() {
            if k > 0 {
                prof.push('.');
            }
            let _ = write!(prof, "{}", radix36(*o));
        }
    }
    format!(
        "{{\"kind\":{},\"status\":{},\"langs\":{},\"prov\":{},\"prof\":{}}}",
        json(&kind),
        json(&status),
        json(&langs),
        json(&prov),
        json(&prof)
    )
}

fn radix36(mut n: usize) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

/// One document as a result shows it (see the module's formats).
type StoredRow<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    u8,
    &'a str,
    u8,
    String,
    String,
);

/// Every file of the index, with content-hashed names.
pub fn files(docs: &[Doc], postings: &Postings, labels: &Labels) -> IndexFiles {
    let mut files = Vec::new();
    let mut push = |name: String, body: String| -> String {
        files.push(OutputFile::new(format!("{DIR}{name}"), body));
        name
    };
    let mut shards = Vec::new();
    for (first, body, count) in split(postings, SHARD_TARGET_BYTES) {
        shards.push((
            first,
            push(format!("t.{}.json", hash10(body.as_bytes())), body),
            count,
        ));
    }
    let mut page_firsts = Vec::new();
    let mut page_names = Vec::new();
    let mut term_at = 0;
    for page in shards.chunks(SHARDS_PER_PAGE) {
        let count: usize = page.iter().map(|(_, _, n)| n).sum();
        let terms: Vec<&str> = postings[term_at..term_at + count]
            .iter()
            .map(|(t, _)| t.as_str())
            .collect();
        term_at += count;
        let mut dict_firsts = Vec::new();
        let mut dict_names = Vec::new();
        for (k, (first, body)) in dictionary(&terms, DICT_TARGET_BYTES).into_iter().enumerate() {
            // The page's first dictionary starts where the page does.
            dict_firsts.push(if k == 0 { page[0].0.clone() } else { first });
            dict_names.push(push(format!("d.{}.json", hash10(body.as_bytes())), body));
        }
        let body = serde_json::json!({
            "first": page.iter().map(|(f, _, _)| f).collect::<Vec<_>>(),
            "shards": page.iter().map(|(_, n, _)| n).collect::<Vec<_>>(),
            "dictFirst": dict_firsts,
            "dicts": dict_names,
        })
        .to_string();
        page_firsts.push(page[0].0.clone());
        page_names.push(push(format!("p.{}.json", hash10(body.as_bytes())), body));
    }
    let facet_body = facets(docs);
    let facet_name = push(
        format!("facets.{}.json", hash10(facet_body.as_bytes())),
        facet_body,
    );
    let mut stored_dirs = Vec::new();
    for (l, lang) in labels.languages.iter().enumerate() {
        let chunks: Vec<String> = docs
            .chunks(STORED_CHUNK)
            .map(|chunk| {
                let rows: Vec<StoredRow> = chunk
                    .iter()
                    .filter_map(|d| d.stored.get(l).map(|s| (d, s)))
                    .map(|(d, s)| {
                        (
                            s.title.as_str(),
                            s.url.as_str(),
                            s.snippet.as_str(),
                            s.date.as_str(),
                            s.date_kind,
                            s.text_lang.as_str(),
                            d.kind,
                            d.provinces.iter().map(|p| p.code()).collect::<Vec<_>>().join(" "),
                            d.professions
                                .iter()
                                .filter_map(|o| labels.professions.get(*o).copied())
                                .collect::<Vec<_>>()
                                .join(" "),
                        )
                    })
                    .collect();
                serde_json::to_string(&rows).unwrap_or_default()
            })
            .collect();
        // One hash names the language's whole set: listing a hash per chunk would make the
        // manifest grow with the site (12,500 names at 100,000 items).
        let mut h = Sha256::new();
        for c in &chunks {
            h.update(c.as_bytes());
            h.update([0]);
        }
        let dir = format!("stored-{lang}.{}/", hash10(&h.finalize()));
        for (k, body) in chunks.into_iter().enumerate() {
            push(format!("{dir}{k}.json"), body);
        }
        stored_dirs.push((*lang, dir));
    }
    let manifest = serde_json::json!({
        "version": 2,
        "docs": docs.len(),
        "languages": labels.languages,
        "kinds": KINDS,
        "provinces": Province::ALL.iter().map(|p| p.code()).collect::<Vec<_>>(),
        "professions": labels.professions,
        "stop": STOP_WORDS,
        "maxTerm": MAX_TERM_CHARS,
        "facets": facet_name,
        "stored": stored_dirs.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
        "chunk": STORED_CHUNK,
        "pageFirst": page_firsts,
        "pages": page_names,
    })
    .to_string();
    let name = push(format!("manifest.{}.json", hash10(manifest.as_bytes())), manifest);
    IndexFiles {
        files,
        manifest: format!("{DIR}{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::postings::Posting;

    fn postings(terms: &[(&str, usize)]) -> Postings {
        terms
            .iter()
            .map(|(t, n)| {
                let list = (0..*n as u32)
                    .map(|d| Posting {
                        doc: d * 3,
                        value: 41,
                    })
                    .collect();
                (t.to_string(), list)
            })
            .collect()
    }

    #[test]
    fn shards_cover_contiguous_ranges_of_terms() {
        let p = postings(&[
            ("alpha", 50),
            ("beta", 2),
            ("delta", 50),
            ("gamma", 1),
            ("zeta", 50),
        ]);
        let shards = split(&p, 200);
        let firsts: Vec<&str> = shards.iter().map(|(f, _, _)| f.as_str()).collect();
        let counts: Vec<usize> = shards.iter().map(|(_, _, n)| *n).collect();
        assert_eq!(counts, [1, 2, 2]);
        assert_eq!(firsts, ["", "beta", "gamma"]);
        let body: serde_json::Value = serde_json::from_str(&shards[1].1).unwrap();
        let dict = dictionary(&["alpha", "beta", "delta", "gamma"], 14);
        assert_eq!(
            dict,
            [
                ("alpha".to_string(), r#"{"t":["alpha","beta"]}"#.to_string()),
                ("delta".to_string(), r#"{"t":["delta","gamma"]}"#.to_string()),
            ]
        );
        assert!(dictionary(&[], 10).is_empty());
        assert_eq!(body["t"], serde_json::json!(["beta", "delta"]));
        assert_eq!(
            body["p"][0],
            serde_json::json!([0, 41, 3, 41]),
            "doc ids are deltas"
        );
        assert_eq!(split(&p, usize::MAX).len(), 1);
        assert!(split(&Vec::new(), 10).is_empty());
    }

    #[test]
    fn names_carry_content_hashes() {
        assert_eq!(hash10(b"x"), hash10(b"x"));
        assert_ne!(hash10(b"x"), hash10(b"y"));
        assert_eq!(hash10(b"").len(), 10);
        assert_eq!(radix36(0), "0");
        assert_eq!(radix36(42), "16");
    }
}
