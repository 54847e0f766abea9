//! What depends on what. A [`Builder`] keeps the last good build (model, theme, compiled
//! templates) and, for each output file, what it was made from. Given what an edit touched, it
//! re-reads only those files, plans the site again (cheaply: unchanged items keep their cards
//! and calendar entries, and while no list changes order the layout is kept whole), and renders
//! only the pages whose inputs or template changed. The search index is the exception: it weighs
//! every term against the whole site, so an [`IndexJob`] rebuilds it apart, and
//! [`Builder::take_index`] publishes it. Once it has, the files handed out are those a clean
//! build of the same content gives, byte for byte: the integration tests compare every file, and
//! `iehp serve --verify` compares after every rebuild.
//!
//! Writes nothing: the caller serves the files from memory.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use jiff::civil::Date;
use tera::Context;

use crate::catalog::{Catalog, CatalogCache, Page};
use crate::content::LoadOptions;
use crate::content::model::Site;
use crate::content::store::Store;
use crate::error::{Diagnostic, Error, Result};
use crate::output::OutputFile;
use crate::render::pages::Views;
use crate::render::pages::inputs::Inputs;
use crate::render::{self, Assets, Templates, stamps};

use crate::site::{self, BuildOptions};
use crate::theme::{self, Theme};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub drafts: bool,
    /// The date events are judged against; today in the site's time zone when not given.
    pub now: Option<Date>,
}

/// What an edit touched, as the watcher sorted it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    /// Absolute paths under `content/` (files or folders).
    pub content: BTreeSet<PathBuf>,
    pub settings: bool,
    /// A `.gitignore` or `.ignore` that decides which content files count.
    pub ignore_rules: bool,
    pub theme: bool,
}

impl Touched {
    pub fn is_empty(&self) -> bool {
        *self == Touched::default()
    }
}

/// The files one rebuild changes.
#[derive(Debug, Default)]
pub struct Delta {
    /// New or re-rendered files (some may come out the same as before).
    pub put: Vec<OutputFile>,
    /// Files a clean build would no longer give.
    pub remove: Vec<String>,
    /// Stylesheet URLs that changed, old to new, when nothing but stylesheets did: open pages can
    /// swap them without reloading.
    pub style_swaps: Option<Vec<(String, String)>>,
    /// The site's URL path prefix (`/`, or `/hub/` under a base path).
    pub base_path: String,
    /// Pages rendered, of how many planned.
    pub rendered: usize,
    pub planned: usize,
}

/// Files by output path.
type Files = HashMap<String, Arc<[u8]>, ahash::RandomState>;

/// What a page was made from, to compare with what it would be made from now: its template's
/// stamp and its inputs.
#[derive(Debug, Clone, PartialEq)]
struct Made(u64, Inputs);

/// A theme ready to render with.
struct Compiled {
    theme: Arc<Theme>,
    templates: Templates,
    assets: Assets,
    stamps: BTreeMap<String, u64>,
}

impl Compiled {
    fn new(theme: Arc<Theme>, base_path: &str) -> Result<Self> {
        let assets = Assets::new(&theme, base_path);
        let templates = Templates::compile(&theme, &assets)?;
        let stamps = stamps::template_stamps(&theme, &assets);
        Ok(Compiled {
            theme,
            templates,
            assets,
            stamps,
        })
    }
}

struct Good {
    /// Its items' addresses are in `pages` (see `render::pages::inputs`), so it is held until
    /// the next good build has compared; the search index is built from it.
    site: Arc<Site>,
    compiled: Arc<Compiled>,
    now: Date,
}

/// Building the search index of one good build, away from the rebuild loop: the index weighs
/// every term against the whole site, so any edit changes it throughout, and at 10,000 items
/// building it takes most of a second. Pages are served first; the index, and the search page
/// that names it, follow when it is ready and still current.
pub struct IndexJob {
    generation: u64,
    site: Arc<Site>,
    theme: Arc<Theme>,
    now: Date,
}

impl IndexJob {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The index, or `None` when `stop` said to give up first.
    pub fn run(self, stop: &(dyn Fn() -> bool + Sync)) -> Result<Option<crate::search::IndexFiles>> {
        let plan = Catalog::new(&self.site, &self.theme, self.now)?;
        if stop() {
            return Ok(None);
        }
        crate::search::build_unless(&plan, stop)
    }
}

pub struct Builder {
    opts: Options,
    store: Store,
    /// The theme as last read, when it loaded; may be newer than the last good build's.
    theme: Option<Arc<Theme>>,
    good: Option<Good>,
    cache: CatalogCache,
    /// The last good plan's pages, in its order: where each was written, what it was made from.
    pages: Vec<(String, Made)>,
    /// The signature of that plan's layout while the plan cache holds it: the next plan, if it
    /// takes the same layout, has the same pages at the same places.
    pages_layout: Option<u64>,
    /// The files that are not pages nor the search index (the theme's static files, the
    /// schedule of the next change) as last published: output path -> bytes.
    derived: Files,
    /// The search index as last published: its manifest's URL and its files.
    manifest: Option<String>,
    index: Files,
    /// Counts good builds whose content changed: an index job is current while it is the last.
    generation: u64,
    /// The generation whose index is published.
    published_generation: u64,
    /// Says a newer edit arrived: the rebuild under way is abandoned (see [`ABANDONED`]).
    stop: Option<Arc<dyn Fn() -> bool + Send + Sync>>,
    /// The last rebuild was abandoned part way (after it may have taken in settings or files):
    /// the next one compares everything, so nothing the abandoned one took in is missed.
    after_abandon: bool,
}

/// The message of a rebuild given up because a newer edit arrived (see [`is_abandoned`]).
pub const ABANDONED: &str = "rebuild abandoned: a newer edit arrived";

/// Whether `e` is a rebuild given up for a newer edit, not a problem.
pub fn is_abandoned(e: &Error) -> bool {
    matches!(e, Error::Failed(m) if m == ABANDONED)
}

impl Builder {
    /// Reads the content (nothing is built until the first [`Builder::rebuild`]).
    pub fn new(opts: Options) -> Self {
        let store = Store::open(&opts.root, LoadOptions { drafts: opts.drafts });
        Builder {
            opts,
            store,
            theme: None,
            good: None,
            cache: CatalogCache::default(),
            pages: Vec::new(),
            pages_layout: None,
            derived: Files::default(),
            manifest: None,
            index: Files::default(),
            generation: 0,
            published_generation: 0,
            stop: None,
            after_abandon: false,
        }
    }

    /// Makes each rebuild give up, between its stages, once `stop` says so.
    pub fn abandon_when(&mut self, stop: impl Fn() -> bool + Send + Sync + 'static) {
        self.stop = Some(Arc::new(stop));
    }

    fn check_abandoned(&self) -> Result<()> {
        match &self.stop {
            Some(stop) if stop() => Err(Error::Failed(ABANDONED.to_string())),
            _ => Ok(()),
        }
    }

    /// The theme the settings name (the default one while they are broken): its folder is the
    /// one whose changes count.
    pub fn theme_name(&self) -> String {
        self.store
            .config()
            .map_or_else(|| "default".to_string(), |c| c.theme.clone())
    }

    /// The date the last good build judged events against.
    pub fn now(&self) -> Option<Date> {
        self.good.as_ref().map(|g| g.now)
    }

    /// Whether a change at `abs`, under `content/`, could matter: the walk would take it, or the
    /// store holds something there now (it may be going away).
    pub fn wants(&mut self, abs: &Path) -> bool {
        self.store.wants(abs)
    }

    /// Takes in what `touched` names and works out the files that change. On failure the last
    /// good build stays as it was, and the next rebuild starts from it.
    pub fn rebuild(&mut self, touched: &Touched) -> Result<Delta> {
        let result = self.rebuild_after(touched);
        match &result {
            Err(e) if is_abandoned(e) => self.after_abandon = true,
            Ok(_) => self.after_abandon = false,
            Err(_) => {}
        }
        result
    }

    fn rebuild_after(&mut self, touched: &Touched) -> Result<Delta> {
        let t0 = Instant::now();
        let mut everything = self.good.is_none() || self.after_abandon;
        if touched.ignore_rules {
            self.store.reload_all();
        } else if touched.settings && self.store.reload_config() {
            everything = true;
        }
        self.store.update(touched.content.iter().map(PathBuf::as_path));
        if touched.theme || everything {
            self.theme = None;
        }
        let site = self.store.site().map_err(Error::Content)?;
        crate::timing::stage_time("serve: content", t0);
        self.check_abandoned()?;
        let theme = match &self.theme {
            Some(t) => t.clone(),
            None => {
                let t = Arc::new(theme::load(&self.opts.root, &site.config)?);
                self.theme = Some(t.clone());
                t
            }
        };
        let now = self.opts.now.unwrap_or_else(|| {
            jiff::Zoned::now()
                .with_time_zone(site.config.timezone.clone())
                .date()
        });
        if let Some(good) = &self.good
            && (good.now != now || good.compiled.theme.strings != theme.strings)
        {
            everything = true;
        }
        if everything {
            // Cards and every page depend on the settings, the strings and the date. What was
            // served is kept, to find what is no longer made.
            self.cache.clear();
        }

        let compiled = match &self.good {
            Some(g) if Arc::ptr_eq(&g.compiled.theme, &theme) && !everything => g.compiled.clone(),
            _ => Arc::new(Compiled::new(theme.clone(), &site.config.base_path)?),
        };
        let (templates, assets, stamps) = (&compiled.templates, &compiled.assets, &compiled.stamps);

        let t1 = Instant::now();
        // The plan takes the layout from the cache; it goes back only if this build succeeds.
        let pages_layout = self.pages_layout.take();
        let catalog = Catalog::with_cache(&site, &theme, now, &mut self.cache)?;
        // The search page names the index last published, and an index job brings the new one;
        // the first build (or the first good one) has none yet, and builds it here.
        let first_index = match &self.manifest {
            Some(_) => None,
            None => Some(crate::search::build(&catalog)?),
        };
        let manifest = match &first_index {
            Some(index) => Some(format!("{}{}", site.config.base_path, index.manifest)),
            None => self.manifest.clone(),
        };
        let views = Views::new(&catalog, manifest.as_deref());
        // The files that are neither pages nor the index, as a build makes them.
        let derived_now = render::derived_files(&site, &theme, assets, now)?;
        let redirects = render::redirects::file(&site, &catalog)?;
        let fast = !everything && catalog.layout_reused() && pages_layout == Some(catalog.layout_signature());
        let stamp = |template: &str| stamps.get(template).copied().unwrap_or(0);
        let check: Vec<usize> = match views.pages_to_check().filter(|_| fast) {
            Some(mut check) => {
                // Pages whose template changed, whatever they show. (Calendars and feeds have
                // no template: both sides say 0.)
                let old = self.good.as_ref().map(|g| &g.compiled.stamps);
                let changed: HashSet<&str> = stamps
                    .iter()
                    .filter(|(name, stamp)| old.and_then(|o| o.get(*name)) != Some(stamp))
                    .map(|(name, _)| name.as_str())
                    .chain(
                        old.into_iter()
                            .flatten()
                            .filter(|(name, _)| !stamps.contains_key(*name))
                            .map(|(name, _)| name.as_str()),
                    )
                    .collect();
                if old.is_none() || !changed.is_empty() {
                    for (k, page) in catalog.pages.iter().enumerate() {
                        if old.is_none() || changed.contains(page.template) {
                            check.push(k);
                        }
                    }
                }
                check.sort_unstable();
                check.dedup();
                check
            }
            None => (0..catalog.pages.len()).collect(),
        };
        if std::env::var_os("IEHP_TIMINGS").is_some() {
            eprintln!(
                "serve: {} of {} pages compared ({})",
                check.len(),
                catalog.pages.len(),
                if fast { "same layout" } else { "new layout" }
            );
        }
        let inputs = views.inputs_of(&check)?;
        crate::timing::stage_time("serve: plan", t1);
        self.check_abandoned()?;

        let t2 = Instant::now();
        let mut todo: Vec<(&Page, Option<Context>)> = Vec::new();
        // Calendars and feeds, written already to be compared.
        let mut written: Vec<OutputFile> = Vec::new();
        let mut remove = Vec::new();
        // Fast: the pages are the last plan's, at the same places.
        let mut changed: Vec<(usize, Made)> = Vec::new();
        // Slow: every page's path and inputs, matched with the last plan's by path.
        let mut all: Vec<(String, Made)> = Vec::new();
        if fast {
            for (k, inputs) in check.into_iter().zip(inputs) {
                let page = &catalog.pages[k];
                let made = Made(stamp(page.template), inputs);
                if self.pages[k].1 != made {
                    match text_of(&made) {
                        Some(text) => written.push(OutputFile::new(self.pages[k].0.clone(), text)),
                        None => todo.push((page, context_of(&made))),
                    }
                    changed.push((k, made));
                }
            }
        } else {
            let before: HashMap<&str, &Made> = self.pages.iter().map(|(out, m)| (out.as_str(), m)).collect();
            let mut outputs: HashSet<&str> = HashSet::with_capacity(catalog.pages.len());
            all.reserve(catalog.pages.len());
            for (page, inputs) in catalog.pages.iter().zip(inputs) {
                let out = catalog.out_path(page);
                let made = Made(stamp(page.template), inputs);
                if everything || before.get(out.as_str()) != Some(&&made) {
                    match text_of(&made) {
                        Some(text) => written.push(OutputFile::new(out.clone(), text)),
                        None => todo.push((page, context_of(&made))),
                    }
                }
                all.push((out, made));
            }
            for (out, _) in &all {
                if !outputs.insert(out) {
                    return Err(render::duplicate(out));
                }
            }
            remove.extend(
                self.pages
                    .iter()
                    .filter(|(out, _)| !outputs.contains(out.as_str()))
                    .map(|(out, _)| out.clone()),
            );
        }
        let page_paths: HashSet<&str> = if fast {
            HashSet::new()
        } else {
            all.iter().map(|(out, _)| out.as_str()).collect()
        };
        let mut put = Vec::new();
        // Files that are not pages of the plan: the search index when this build makes it, the
        // schedule of the next change, the theme's static files.
        let clashes_with_a_page = |out: &str, before: bool| {
            if fast {
                // The pages are the last build's, which a file made then did not clash with.
                !before && self.pages.iter().any(|(p, _)| *p == out)
            } else {
                page_paths.contains(out)
            }
        };
        let mut new_index: Option<Files> = None;
        if let Some(index) = &first_index {
            let mut files = Files::default();
            for file in &index.files {
                if clashes_with_a_page(&file.path, false) || files.contains_key(&file.path) {
                    return Err(render::duplicate(&file.path));
                }
                let bytes: Arc<[u8]> = Arc::from(file.bytes.as_slice());
                if self.index.get(&file.path) != Some(&bytes) {
                    put.push(file.clone());
                }
                files.insert(file.path.clone(), bytes);
            }
            remove.extend(self.index.keys().filter(|k| !files.contains_key(*k)).cloned());
            new_index = Some(files);
        }
        let index_now = new_index.as_ref().unwrap_or(&self.index);
        let mut derived = Files::default();
        let files = derived_now.into_iter().chain(redirects);
        for file in files {
            let out = file.path.clone();
            let before = self.derived.get(&out);
            if clashes_with_a_page(&out, before.is_some())
                || index_now.contains_key(&out)
                || derived.contains_key(&out)
            {
                return Err(render::duplicate(&out));
            }
            let bytes: Arc<[u8]> = Arc::from(file.bytes.as_slice());
            if before != Some(&bytes) {
                put.push(file);
            }
            derived.insert(out, bytes);
        }
        remove.extend(
            self.derived
                .keys()
                .filter(|k| !derived.contains_key(*k) && !index_now.contains_key(*k))
                .cloned(),
        );
        drop(page_paths);

        put.extend(written);
        let rendered = todo.len();
        put.extend(render::collect(|sink| {
            render::render_with_contexts(&views, templates, todo, sink)
        })?);
        crate::timing::stage_time("serve: render", t2);

        let style_swaps = self.style_swaps(touched, &theme, assets);
        let delta = Delta {
            put,
            remove,
            style_swaps,
            base_path: site.config.base_path.clone(),
            rendered,
            planned: catalog.pages.len(),
        };
        let signature = catalog.layout_signature();
        catalog.keep_layout(&mut self.cache);

        // Committed: from here on, this build is the good one.
        if fast {
            for (k, made) in changed {
                self.pages[k].1 = made;
            }
        } else {
            self.pages = all;
        }
        self.pages_layout = Some(signature);
        self.derived = derived;
        // The previous site is dropped only now: until the comparison above was done, its items
        // had to keep their addresses (see `render::pages::inputs`).
        if !touched.is_empty() || self.good.is_none() {
            self.generation += 1;
        }
        if let Some(index) = first_index {
            self.index = new_index.unwrap_or_default();
            self.manifest = Some(format!("{}{}", site.config.base_path, index.manifest));
            self.published_generation = self.generation;
        }
        self.good = Some(Good {
            site: Arc::new(site),
            compiled,
            now,
        });
        Ok(delta)
    }

    /// The job that builds the search index of the last good build.
    pub fn index_job(&self) -> Option<IndexJob> {
        let good = self.good.as_ref()?;
        Some(IndexJob {
            generation: self.generation,
            site: good.site.clone(),
            theme: good.compiled.theme.clone(),
            now: good.now,
        })
    }

    /// Counts good builds whose content changed (see [`IndexJob::generation`]).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether the index published is that of the last good build.
    pub fn index_published(&self) -> bool {
        self.manifest.is_some() && self.published_generation == self.generation
    }

    /// Takes in the search index built by a job: when it is the last good build's, its files
    /// replace the last index's. A rebuild must follow, for the search page to name the new
    /// manifest.
    pub fn take_index(&mut self, generation: u64, index: crate::search::IndexFiles) -> Option<Delta> {
        if generation != self.generation {
            return None;
        }
        let base_path = self.good.as_ref()?.site.config.base_path.clone();
        let mut delta = Delta {
            base_path: base_path.clone(),
            ..Delta::default()
        };
        let mut files = Files::default();
        for file in index.files {
            let bytes: Arc<[u8]> = Arc::from(file.bytes.as_slice());
            if self.index.get(&file.path) != Some(&bytes) {
                delta.put.push(OutputFile::new(file.path.clone(), file.bytes));
            }
            files.insert(file.path, bytes);
        }
        delta
            .remove
            .extend(self.index.keys().filter(|k| !files.contains_key(*k)).cloned());
        self.index = files;
        self.manifest = Some(format!("{base_path}{}", index.manifest));
        self.published_generation = generation;
        Some(delta)
    }

    /// When only stylesheets changed: each one's old URL and new one.
    fn style_swaps(
        &self,
        touched: &Touched,
        theme: &Theme,
        assets: &Assets,
    ) -> Option<Vec<(String, String)>> {
        let good = &self.good.as_ref()?.compiled;
        let only_theme =
            touched.theme && !touched.settings && !touched.ignore_rules && touched.content.is_empty();
        let same = |a: &[(String, theme::ThemeFile)], b: &[(String, theme::ThemeFile)]| {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((n1, f1), (n2, f2))| n1 == n2 && f1.bytes == f2.bytes)
        };
        if !only_theme
            || !same(&good.theme.templates, &theme.templates)
            || good.theme.strings != theme.strings
        {
            return None;
        }
        let old: BTreeMap<&str, &[u8]> = good
            .theme
            .statics
            .iter()
            .map(|(rel, f)| (rel.as_str(), f.bytes.as_slice()))
            .collect();
        let new: BTreeMap<&str, &[u8]> = theme
            .statics
            .iter()
            .map(|(rel, f)| (rel.as_str(), f.bytes.as_slice()))
            .collect();
        if old.keys().ne(new.keys()) {
            return None;
        }
        let mut swaps = Vec::new();
        for (rel, bytes) in &new {
            if old.get(rel) == Some(bytes) {
                continue;
            }
            if !rel.ends_with(".css") {
                return None;
            }
            swaps.push((good.assets.url(rel)?, assets.url(rel)?));
        }
        (!swaps.is_empty()).then_some(swaps)
    }
}

/// The context a page was compared by, when it was (to render it with, rather than build it again).
fn context_of(made: &Made) -> Option<Context> {
    match &made.1 {
        Inputs::Context(c) => Some(Context::clone(c)),
        Inputs::Digest(_) | Inputs::Text(_) => None,
    }
}

/// The file itself, when a page was compared by it (calendars and feeds): nothing to render.
fn text_of(made: &Made) -> Option<&str> {
    match &made.1 {
        Inputs::Text(t) => Some(t),
        _ => None,
    }
}

/// Builds the site from scratch as `iehp build` does (same pipeline, in memory) and lists the
/// files where `served` differs from it: missing, extra, or with other bytes.
pub fn differences(opts: &Options, now: Date, served: &BTreeMap<String, Arc<[u8]>>) -> Result<Vec<String>> {
    let build = BuildOptions {
        root: opts.root.clone(),
        out: None,
        base_url: None,
        drafts: opts.drafts,
        now: Some(now),
    };
    let loaded = site::load(&build)?;
    let clean: BTreeMap<String, Vec<u8>> = site::render_to_vec(&loaded)?
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    let mut differ: Vec<String> = clean
        .iter()
        .filter(|(path, bytes)| served.get(*path).map(|b| &b[..]) != Some(bytes.as_slice()))
        .map(|(path, _)| path.clone())
        .collect();
    differ.extend(served.keys().filter(|p| !clean.contains_key(*p)).cloned());
    differ.sort();
    Ok(differ)
}

/// A failure as problems to show: file, line, column and message.
pub fn problems(e: &Error) -> Vec<Diagnostic> {
    match e {
        Error::Content(d) => d.iter().filter(|d| d.is_error()).cloned().collect(),
        Error::Template(d) => vec![d.clone()],
        Error::Io { path, source } => vec![Diagnostic::error(path, 0, 0, source.to_string())],
        Error::Usage(_) | Error::Failed(_) | Error::Internal(_) | Error::System { .. } => {
            vec![Diagnostic::error("", 0, 0, e.to_string())]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuild_is_abandoned_when_told_and_the_next_one_is_whole() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        let now: Date = "2025-09-01".parse().unwrap();
        let mut builder = Builder::new(Options {
            root,
            drafts: false,
            now: Some(now),
        });
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(true));
        {
            let stop = stop.clone();
            builder.abandon_when(move || stop.load(std::sync::atomic::Ordering::SeqCst));
        }
        let e = builder.rebuild(&Touched::default()).expect_err("abandoned");
        assert!(is_abandoned(&e), "{e}");
        assert!(
            problems(&e).len() == 1 && builder.now().is_none(),
            "nothing was published"
        );
        stop.store(false, std::sync::atomic::Ordering::SeqCst);
        let delta = builder.rebuild(&Touched::default()).unwrap();
        assert!(delta.put.iter().any(|f| f.path == "index.html"));
        assert!(delta.put.len() > 40, "{}", delta.put.len());
    }
}
