//! The pipeline: load -> validate -> render -> plan outputs -> write. Each command of the CLI is
//! one function here taking an options struct.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::content::{self, LoadOptions, model::Site};
use crate::error::{Error, Result};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::output::{self, OutputFile, Staging};
use crate::render;
use crate::theme;
use crate::theme::Theme;

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
    let mut files =
        render::collect(|sink| render::render_site(&loaded.site, &loaded.theme, loaded.now, sink))?;
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
    let files = render::render_site(&loaded.site, &loaded.theme, loaded.now, &|f| {
        if f.path.ends_with(".html") {
            pages.fetch_add(1, Ordering::Relaxed);
        }
        bytes.fetch_add(f.bytes.len() as u64, Ordering::Relaxed);
        staging.write(&f)
    })?;
    stage_time("render+write", t0);
    staging.commit()?;
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

/// With `IEHP_TIMINGS=1`, prints how long a stage took (for benchmarks and profiling).
pub fn stage_time(stage: &str, since: Instant) {
    if std::env::var_os("IEHP_TIMINGS").is_some() {
        eprintln!("{stage}: {:.3} s", since.elapsed().as_secs_f64());
    }
}
