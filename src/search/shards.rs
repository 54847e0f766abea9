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
//! - page: `{"first":[first term of each shard],"shards":[file of each shard]}`;
//! - shard: `{"t":[terms...],"p":[[doc delta, value, doc delta, value...]...]}`, `value` as
//!   `postings::encode` makes it;
//! - facets: one string per facet with a character (or a list) per document, in document
//!   order, so the table compresses to a few bytes per document;
//! - stored chunk `k`: what documents `k * chunk ..` show, one array per document: title, URL,
//!   snippet, date, date kind, text language, kind, province codes, NOC codes.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::doc::{Doc, KINDS, Status};
use super::normalize::{MAX_TERM_CHARS, STOP_WORDS};
use super::postings::Postings;
use crate::content::model::Province;
use crate::lang::Lang;
use crate::output::OutputFile;

/// Where the index lives below the output folder.
pub const DIR: &str = "search/data/";

/// Raw size a term shard is cut at. Smaller shards mean fewer bytes per query but more files
/// and a longer manifest; at 10,000 items this gives shards of a few KB compressed.
pub const SHARD_TARGET_BYTES: usize = 24_000;

/// Documents per stored-fields chunk: a page of results fetches up to this many chunks.
pub const STORED_CHUNK: usize = 16;

/// Shards listed per page: a query fetches the manifest, one page (rarely two), then shards.
pub const SHARDS_PER_PAGE: usize = 128;

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

/// Splits the sorted terms into shards: returns (first term, file body) per shard.
pub fn split(postings: &Postings, target: usize) -> Vec<(String, String)> {
    let mut shards = Vec::new();
    let mut terms = String::new();
    let mut lists = String::new();
    let mut first: Option<&str> = None;
    let close = |first: &str, terms: &mut String, lists: &mut String, shards: &mut Vec<(String, String)>| {
        shards.push((first.to_string(), format!("{{\"t\":[{terms}],\"p\":[{lists}]}}")));
        terms.clear();
        lists.clear();
    };
    for (term, list) in postings {
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
            close(f, &mut terms, &mut lists, &mut shards);
        }
    }
    if let Some(f) = first {
        close(f, &mut terms, &mut lists, &mut shards);
    }
    // The first shard also takes every term before its first one.
    if let Some(s) = shards.first_mut() {
        s.0 = String::new();
    }
    shards
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
    for (first, body) in split(postings, SHARD_TARGET_BYTES) {
        shards.push((first, push(format!("t.{}.json", hash10(body.as_bytes())), body)));
    }
    let mut page_firsts = Vec::new();
    let mut page_names = Vec::new();
    for page in shards.chunks(SHARDS_PER_PAGE) {
        let body = serde_json::json!({
            "first": page.iter().map(|(f, _)| f).collect::<Vec<_>>(),
            "shards": page.iter().map(|(_, n)| n).collect::<Vec<_>>(),
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
        "version": 1,
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
        let firsts: Vec<&str> = shards.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(firsts, ["", "beta", "gamma"]);
        let body: serde_json::Value = serde_json::from_str(&shards[1].1).unwrap();
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
