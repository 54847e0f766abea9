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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use jiff::civil::Date;

mod compare;

use crate::catalog::{Catalog, CatalogCache};
use crate::content::LoadOptions;
use crate::content::model::Site;
use crate::content::store::Store;
use crate::error::{Diagnostic, Error, Result};
use crate::output::OutputFile;
use crate::render::pages::Views;
use crate::render::{self, Assets, Templates, stamps};
use compare::{Made, PageChanges, PagesMade, compare_pages, style_swaps, with_changed_templates};

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

/// A rebuild's plan of the site.
struct Planned<'a> {
    catalog: Catalog<'a>,
    /// The search index, when none was published yet (the first good build makes one).
    first_index: Option<crate::search::IndexFiles>,
    /// The search manifest the search page names.
    manifest: Option<String>,
    /// The files that are neither pages nor the index ([`site::other_files`]).
    other_files: Vec<OutputFile>,
    /// The pages are the last plan's, at the same places.
    same_layout: bool,
    /// The places of the pages to compare with what they were made from.
    compare: Vec<usize>,
}

/// The files that are not pages: what changed, and the sets now published.
#[derive(Default)]
struct OtherChanges {
    put: Vec<OutputFile>,
    remove: Vec<String>,
    derived: Files,
    /// The search index, when this rebuild made it.
    index: Option<Files>,
}

/// What a good rebuild leaves for the next one, besides the site, theme and date.
struct Kept {
    pages: PagesMade,
    derived: Files,
    index: Option<Files>,
    /// The search index's manifest (its path), when this rebuild made it.
    manifest: Option<String>,
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

    /// The steps of a rebuild: take in the edits, make ready the theme, plan the site, compare
    /// each page with what it was made from, the files that are not pages, render what changed,
    /// then keep the result as the last good build. Each step before the last can fail or be
    /// abandoned, leaving the last good build as it was.
    fn rebuild_after(&mut self, touched: &Touched) -> Result<Delta> {
        let t = Instant::now();
        let (site, everything) = self.take_in(touched)?;
        crate::timing::stage_time("serve: content", t);
        self.check_abandoned()?;
        let (compiled, now, everything) = self.ready_theme(&site, everything)?;

        let t = Instant::now();
        let mut plan = self.plan(&site, &compiled, now, everything)?;
        let views = Views::new(&plan.catalog, plan.manifest.as_deref());
        let inputs = views.inputs_of(&plan.compare)?;
        crate::timing::stage_time("serve: plan", t);
        self.check_abandoned()?;

        let t = Instant::now();
        let other_files = std::mem::take(&mut plan.other_files);
        let pages = compare_pages(&self.pages, &plan, inputs, &compiled.stamps, everything)?;
        let others = self.other_files(&plan, other_files, &pages)?;
        let rendered = pages.render.len();
        let mut put = others.put;
        put.extend(pages.written);
        put.extend(render::collect(|sink| {
            render::render_with_contexts(&views, &compiled.templates, pages.render, sink)
        })?);
        crate::timing::stage_time("serve: render", t);

        let mut remove = pages.remove;
        remove.extend(others.remove);
        let delta = Delta {
            put,
            remove,
            style_swaps: style_swaps(
                self.good.as_ref().map(|g| &*g.compiled),
                touched,
                &compiled.theme,
                &compiled.assets,
            ),
            base_path: site.config.base_path.clone(),
            rendered,
            planned: plan.catalog.pages.len(),
        };
        let kept = Kept {
            pages: pages.made,
            derived: others.derived,
            index: others.index,
            manifest: plan.first_index.map(|i| i.manifest),
        };
        let signature = plan.catalog.layout_signature();
        plan.catalog.keep_layout(&mut self.cache);
        self.keep(touched, site, compiled, now, signature, kept);
        Ok(delta)
    }

    /// Takes in what `touched` names: the settings, the ignore rules, the content files. Says
    /// too whether every page must be compared again (new settings, or the last rebuild was
    /// abandoned part way).
    fn take_in(&mut self, touched: &Touched) -> Result<(Site, bool)> {
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
        Ok((site, everything))
    }

    /// The theme (read again when it was touched), compiled unless the last good build's will
    /// do, and the date events are judged against. A new date or new strings mean every page is
    /// compared again.
    fn ready_theme(&mut self, site: &Site, mut everything: bool) -> Result<(Arc<Compiled>, Date, bool)> {
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
            _ => Arc::new(Compiled::new(theme, &site.config.base_path)?),
        };
        Ok((compiled, now, everything))
    }

    /// Plans the site (reusing what the cache holds), with the search index when none was
    /// published yet, and picks the pages to compare.
    fn plan<'a>(
        &mut self,
        site: &'a Site,
        compiled: &'a Compiled,
        now: Date,
        everything: bool,
    ) -> Result<Planned<'a>> {
        // The plan takes the layout from the cache; it goes back only if this build succeeds.
        let pages_layout = self.pages_layout.take();
        let catalog = Catalog::with_cache(site, &compiled.theme, now, &mut self.cache)?;
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
        // The files that are neither pages nor the index, as a build makes them.
        let other_files = site::other_files(site, &compiled.theme, &compiled.assets, &catalog, now)?;
        let same_layout =
            !everything && catalog.layout_reused() && pages_layout == Some(catalog.layout_signature());
        let compare = match Views::new(&catalog, None)
            .pages_to_check()
            .filter(|_| same_layout)
        {
            Some(check) => with_changed_templates(
                check,
                &catalog,
                &compiled.stamps,
                self.good.as_ref().map(|g| &g.compiled.stamps),
            ),
            None => (0..catalog.pages.len()).collect(),
        };
        if std::env::var_os("IEHP_TIMINGS").is_some() {
            eprintln!(
                "serve: {} of {} pages compared ({})",
                compare.len(),
                catalog.pages.len(),
                if same_layout { "same layout" } else { "new layout" }
            );
        }
        Ok(Planned {
            catalog,
            first_index,
            manifest,
            other_files,
            same_layout,
            compare,
        })
    }

    /// The files that are not pages (the search index when this rebuild made it, and the
    /// [`site::other_files`]), against those last published: what to put, what to remove, and
    /// the new sets. Each path is claimed once, as a build claims it.
    fn other_files(
        &self,
        plan: &Planned<'_>,
        other_files: Vec<OutputFile>,
        pages: &PageChanges<'_>,
    ) -> Result<OtherChanges> {
        let mut changes = OtherChanges::default();
        let clashes_with_a_page = |out: &str, before: bool| match &pages.paths {
            Some(paths) => paths.contains(out),
            // The pages are the last build's, which a file made then did not clash with.
            None => !before && self.pages.iter().any(|(p, _)| *p == out),
        };
        if let Some(index) = &plan.first_index {
            let mut files = Files::default();
            for file in &index.files {
                if clashes_with_a_page(&file.path, false) || files.contains_key(&file.path) {
                    return Err(render::duplicate(&file.path));
                }
                let bytes: Arc<[u8]> = Arc::from(file.bytes.as_slice());
                if self.index.get(&file.path) != Some(&bytes) {
                    changes.put.push(file.clone());
                }
                files.insert(file.path.clone(), bytes);
            }
            changes
                .remove
                .extend(self.index.keys().filter(|k| !files.contains_key(*k)).cloned());
            changes.index = Some(files);
        }
        let index_now = changes.index.as_ref().unwrap_or(&self.index);
        let mut derived = Files::default();
        for file in other_files {
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
                changes.put.push(file);
            }
            derived.insert(out, bytes);
        }
        let gone: Vec<String> = self
            .derived
            .keys()
            .filter(|k| !derived.contains_key(*k) && !index_now.contains_key(*k))
            .cloned()
            .collect();
        changes.remove.extend(gone);
        changes.derived = derived;
        Ok(changes)
    }

    /// Keeps a rebuild's result as the last good build: from here on, the next rebuild starts
    /// from it.
    fn keep(
        &mut self,
        touched: &Touched,
        site: Site,
        compiled: Arc<Compiled>,
        now: Date,
        signature: u64,
        kept: Kept,
    ) {
        match kept.pages {
            PagesMade::Changed(changed) => {
                for (k, made) in changed {
                    self.pages[k].1 = made;
                }
            }
            PagesMade::All(all) => self.pages = all,
        }
        self.pages_layout = Some(signature);
        self.derived = kept.derived;
        // The previous site is dropped only now: until the comparison was done, its items had
        // to keep their addresses (see `render::pages::inputs`).
        if !touched.is_empty() || self.good.is_none() {
            self.generation += 1;
        }
        if let Some(manifest) = kept.manifest {
            self.index = kept.index.unwrap_or_default();
            self.manifest = Some(format!("{}{manifest}", site.config.base_path));
            self.published_generation = self.generation;
        }
        self.good = Some(Good {
            site: Arc::new(site),
            compiled,
            now,
        });
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
