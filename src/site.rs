//! The pipeline: load -> validate -> render -> plan outputs -> write. Each command of the CLI is
//! one function here taking an options struct.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::content::{self, LoadOptions, model::Site};
use crate::error::{Error, Result};
use crate::output::{self, OutputFile};
use crate::render;
use crate::theme;

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

/// The result of rendering a site in memory.
pub struct Rendered {
    pub site: Site,
    pub now: Date,
    pub files: Vec<OutputFile>,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub elapsed: Duration,
    pub out: PathBuf,
}

/// Loads, validates and renders the whole site without writing anything.
pub fn render(opts: &BuildOptions) -> Result<Rendered> {
    let mut site = content::load(&opts.root, LoadOptions { drafts: opts.drafts }).map_err(Error::Content)?;
    if let Some(url) = &opts.base_url {
        site.config.set_base_url(url).map_err(Error::Usage)?;
    }
    let now = opts.now.unwrap_or_else(|| {
        jiff::Zoned::now()
            .with_time_zone(site.config.timezone.clone())
            .date()
    });
    let theme = theme::load(&opts.root, &site.config)?;
    let files = render::render_site(&site, &theme, now)?;
    Ok(Rendered { site, now, files })
}

/// `iehp build`: renders, then swaps the new output in whole.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let out = opts.out_dir();
    output::check_out_dir(&opts.root, &out)?;
    let rendered = render(opts)?;
    output::write_site(&out, &rendered.files)?;
    Ok(BuildReport {
        pages: count_pages(&rendered.files),
        files: rendered.files.len(),
        bytes: rendered.files.iter().map(|f| f.bytes.len() as u64).sum(),
        elapsed: started.elapsed(),
        out,
    })
}

/// `iehp check`: everything `build` validates, writing nothing.
pub fn check(opts: &BuildOptions) -> Result<usize> {
    let rendered = render(opts)?;
    Ok(count_pages(&rendered.files))
}

pub fn count_pages(files: &[OutputFile]) -> usize {
    files.iter().filter(|f| f.path.ends_with(".html")).count()
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
