//! Search: a pure function from the catalog (the one the page views read too) to the files
//! of a sharded, client-side index. Writes nothing: `render` hands the files to the output sink.
//! Every text is folded into terms by [`crate::normalize`].
//!
//! - `doc`: what a document is, its fields and what each weighs;
//! - `documents`: the documents of items, occupations and the draws page;
//! - `licensing`: the documents of pathway and organisation pages, the chooser and the list;
//! - `synonyms`: the editors' synonym groups, expanded on the index side;
//! - `postings`: BM25F impacts, the inverted index and how a posting is packed; what each kind
//!   of page weighs (occupations, pathways and organisations share profession words: see
//!   `postings::kind_weight` and `postings::field_scale`, and the README's search section);
//! - `shards`: the postings, their dictionaries, facets and stored fields as content-hashed files.

pub mod doc;
pub mod documents;
pub mod licensing;
pub mod postings;
pub mod shards;
pub mod synonyms;

use crate::catalog::Catalog;
use crate::error::Result;
pub use shards::IndexFiles;

/// Builds the whole index of the site the catalog describes.
pub fn build(catalog: &Catalog) -> Result<IndexFiles> {
    // Nothing asks it to stop, so it always ends with the files.
    build_unless(catalog, &|| false)?.ok_or_else(|| {
        crate::error::Error::Internal("the search index stopped though nothing asked it to".into())
    })
}

/// [`build`], which gives up between its stages, returning `None`, once `stop` says so: the
/// dev server stops building an index that an edit has made out of date.
pub fn build_unless(catalog: &Catalog, stop: &(dyn Fn() -> bool + Sync)) -> Result<Option<IndexFiles>> {
    let t0 = std::time::Instant::now();
    let cfg = &catalog.site.config;
    let lang_bit = |lang: crate::lang::Lang| {
        cfg.languages
            .iter()
            .position(|&l| l == lang)
            .map_or(0, |i| 1u32 << i)
    };
    let mut docs = documents::documents(catalog, &lang_bit)?;
    docs.extend(licensing::documents(catalog, &lang_bit)?);
    // Every document of the site, in a stable order.
    docs.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
    crate::timing::stage_time("search index: documents", t0);
    if stop() {
        return Ok(None);
    }
    let synonyms = synonyms::Synonyms::new(&catalog.site.synonyms);
    let postings = postings::invert(&docs, &synonyms);
    crate::timing::stage_time("search index: postings", t0);
    if stop() {
        return Ok(None);
    }
    let site = catalog.site;
    let labels = shards::Labels {
        languages: &site.config.languages,
        professions: site.occupations.iter().map(|o| o.code.as_str()).collect(),
    };
    let files = shards::files(&docs, &postings, &labels);
    crate::timing::stage_time("search index", t0);
    Ok(Some(files))
}
