//! The pipeline, one way: content (load and validate the model) -> catalog (what the site
//! contains, per language) -> the search index and the pages, built at the same time from the
//! catalog -> output (staging, then swap). Each command of the CLI is one function here taking an
//! options struct.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::catalog::{Catalog, Page, PageKind};
use crate::content::{self, LoadOptions, model::Site};
use crate::error::{Error, Result};
use crate::output::{self, OutputFile, Previous, Staging};
use crate::render::pages::Views;
use crate::render::{self, Assets, Templates};
use crate::search;
use crate::theme::{self, Theme};
use crate::timing::stage_time;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Holds `content/` and, optionally, `themes/`.
    pub root: PathBuf,
    /// Defaults to `<root>/output`.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// The build date events are judged against; defaults to today in the site's time zone.
    pub now: Option<Date>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            out: None,
            base_url: None,
            drafts: false,
            now: None,
        }
    }

    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("output"))
    }
}

/// A loaded, validated site with its theme, ready to render.
pub struct Loaded {
    pub site: Site,
    pub theme: Theme,
    pub now: Date,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub elapsed: Duration,
    pub out: PathBuf,
}

/// Loads and validates the content and the theme.
pub fn load(opts: &BuildOptions) -> Result<Loaded> {
    let t0 = Instant::now();
    let mut site = content::load(&opts.root, LoadOptions { drafts: opts.drafts }).map_err(Error::Content)?;
    stage_time("load", t0);
    if let Some(url) = &opts.base_url {
        site.config.set_base_url(url).map_err(Error::Usage)?;
    }
    let now = opts.now.unwrap_or_else(|| {
        jiff::Zoned::now()
            .with_time_zone(site.config.timezone.clone())
            .date()
    });
    let theme = theme::load(&opts.root, &site.config)?;
    Ok(Loaded { site, theme, now })
}

/// Renders the whole site into memory, sorted by path (for `check` and tests).
pub fn render_to_vec(loaded: &Loaded) -> Result<Vec<OutputFile>> {
    let mut files = render::collect(|sink| render_site(&loaded.site, &loaded.theme, loaded.now, sink))?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// `iehp build`: renders into a staging folder, then swaps it in whole.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let out = opts.out_dir();
    output::check_out_dir(&opts.root, &out)?;
    let loaded = load(opts)?;
    let staging = Staging::begin(&out)?;
    let pages = AtomicUsize::new(0);
    let bytes = AtomicU64::new(0);
    let t0 = Instant::now();
    let files = render_site(&loaded.site, &loaded.theme, loaded.now, &|f| {
        if f.path.ends_with(".html") {
            pages.fetch_add(1, Ordering::Relaxed);
        }
        bytes.fetch_add(f.bytes.len() as u64, Ordering::Relaxed);
        staging.write(&f)
    })?;
    stage_time("render+write", t0);
    staging.commit(Previous::Kept)?;
    Ok(BuildReport {
        pages: pages.into_inner(),
        files,
        bytes: bytes.into_inner(),
        elapsed: started.elapsed(),
        out,
    })
}

/// Resolves `--root`, so problems and defaults name real folders.
pub fn resolve_root(root: Option<&Path>) -> Result<PathBuf> {
    let root = root.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "--root: {} is not a folder",
            root.display()
        )));
    }
    Ok(root)
}

/// The paths of a site's output, each claimed once: the pages' (in the catalog's order), then the
/// search index's, then the other files' ([`other_files`]). `iehp build` and the dev server both
/// claim their files here, so a clash is found, and named, the same way in both.
#[derive(Debug, Default)]
pub struct OutputPaths(HashSet<String>);

impl OutputPaths {
    /// The pages' paths, with one page to each.
    pub fn of_pages(catalog: &Catalog) -> Result<Self> {
        let mut paths = OutputPaths(HashSet::with_capacity(catalog.pages.len()));
        for page in &catalog.pages {
            paths.claim(catalog.out_path(page))?;
        }
        Ok(paths)
    }

    /// Claims `path` for one file; an error naming it when another has it.
    pub fn claim(&mut self, path: String) -> Result<()> {
        if self.0.contains(&path) {
            return Err(render::duplicate(&path));
        }
        self.0.insert(path);
        Ok(())
    }

    pub fn contains(&self, path: &str) -> bool {
        self.0.contains(path)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The files of a site that are neither pages nor the search index: the theme's static files
/// (under their published names), the schedule of the next change, and the redirects.
pub fn other_files(
    site: &Site,
    theme: &Theme,
    assets: &Assets,
    catalog: &Catalog,
    now: Date,
) -> Result<Vec<OutputFile>> {
    let mut files = render::derived_files(site, theme, assets, now)?;
    files.extend(render::redirects::file(site, catalog)?);
    Ok(files)
}

/// Renders the whole site, handing each finished file to `sink` (from several threads at once):
/// the search index and the pages (built at the same time: neither needs the other, only the
/// search page names the index, and it is rendered last), then the [`other_files`]. Returns
/// the number of files.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    now: Date,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<usize> {
    let assets = Assets::new(theme, &site.config.base_path);
    let templates = Templates::compile(theme, &assets)?;
    let t0 = Instant::now();
    let catalog = Catalog::new(site, theme, now)?;
    stage_time("catalog", t0);
    let mut paths = OutputPaths::of_pages(&catalog)?;
    let (search_pages, pages): (Vec<&Page>, Vec<&Page>) =
        catalog.pages.iter().partition(|p| p.kind == PageKind::Search);
    let (index, rendered) = rayon::join(
        || -> Result<(String, HashSet<String>)> {
            let index = search::build(&catalog)?;
            let mut written = HashSet::with_capacity(index.files.len());
            for file in index.files {
                if paths.contains(&file.path) || !written.insert(file.path.clone()) {
                    return Err(render::duplicate(&file.path));
                }
                sink(file)?;
            }
            Ok((format!("{}{}", site.config.base_path, index.manifest), written))
        },
        || render::render_pages(&Views::new(&catalog, None), &templates, &pages, sink),
    );
    let (manifest, index_paths) = index?;
    rendered?;
    for path in index_paths {
        paths.claim(path)?;
    }
    let views = Views::new(&catalog, Some(&manifest));
    render::render_pages(&views, &templates, &search_pages, sink)?;
    for file in other_files(site, theme, &assets, &catalog, now)? {
        paths.claim(file.path.clone())?;
        sink(file)?;
    }
    Ok(paths.len())
}
