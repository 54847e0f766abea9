//! Search: a pure function from the page plan (the same model the pages come from) to the files
//! of a sharded, client-side index. `normalize` is the one text normalisation (the browser
//! client mirrors it), `index` builds documents and BM25F postings, `shards` lays them out as
//! content-hashed files. Writes nothing: `render` hands the files to the output sink.

pub mod index;
pub mod normalize;
pub mod shards;

use crate::error::Result;
use crate::render::pages::Plan;
pub use shards::IndexFiles;

/// Builds the whole index of the site the plan describes.
pub fn build(plan: &Plan) -> Result<IndexFiles> {
    // Nothing asks it to stop, so it always ends with the files.
    build_unless(plan, &|| false)?
        .ok_or_else(|| crate::error::Error::Usage("the search index was stopped".into()))
}

/// [`build`], which gives up between its stages, returning `None`, once `stop` says so: the
/// dev server stops building an index that an edit has made out of date.
pub fn build_unless(plan: &Plan, stop: &(dyn Fn() -> bool + Sync)) -> Result<Option<IndexFiles>> {
    let t0 = std::time::Instant::now();
    let docs = index::documents(plan)?;
    crate::site::stage_time("search index: documents", t0);
    if stop() {
        return Ok(None);
    }
    let synonyms = index::Synonyms::new(&plan.site().synonyms);
    let postings = index::invert(&docs, &synonyms);
    crate::site::stage_time("search index: postings", t0);
    if stop() {
        return Ok(None);
    }
    let site = plan.site();
    let labels = shards::Labels {
        languages: &site.config.languages,
        professions: site.occupations.iter().map(|o| o.code.as_str()).collect(),
    };
    let files = shards::files(&docs, &postings, &labels);
    crate::site::stage_time("search index", t0);
    Ok(Some(files))
}
