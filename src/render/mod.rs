//! The render stage: owns tera. Builds view structs from the model (`pages`), renders each
//! planned page with the theme's templates in parallel, and returns the files to write. Writes
//! nothing itself; templates never see the model.

pub mod dates;
pub mod pages;
pub mod views;

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::civil::Date;
use rayon::prelude::*;
use tera::{Context, ErrorKind, Tera};

use crate::content::model::Site;
use crate::error::{Diagnostic, Error, Result};
use crate::output::OutputFile;
use crate::theme::Theme;

/// One page to render: a template, its context, and where the result goes.
pub struct Job {
    pub template: &'static str,
    pub context: Context,
    /// Relative output path, e.g. `events/summit/index.html`.
    pub out: String,
}

/// The theme's templates, compiled.
pub struct Templates {
    tera: Tera,
    /// Template name -> the file as shown in problems.
    shown: BTreeMap<String, PathBuf>,
}

/// Every template a theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "base.html",
    "home.html",
    "list.html",
    "item.html",
    "page.html",
    "occupations.html",
    "occupation.html",
    "provinces.html",
    "province.html",
    "draws.html",
    "404.html",
    "sitemap.xml",
    "robots.txt",
];

impl Templates {
    pub fn compile(theme: &Theme) -> Result<Self> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let mut shown = BTreeMap::new();
        let mut sources = Vec::new();
        for (name, file) in &theme.templates {
            let text = std::str::from_utf8(&file.bytes)
                .map_err(|_| Error::Template(Diagnostic::error(&file.shown, 0, 0, "not UTF-8 text")))?;
            shown.insert(name.clone(), file.shown.clone());
            sources.push((name.clone(), text.to_string()));
        }
        let mut templates = Templates {
            tera: Tera::new(),
            shown,
        };
        if let Err(e) = tera.add_raw_templates(sources) {
            return Err(templates.error(e, None));
        }
        for needed in REQUIRED_TEMPLATES {
            if !tera.contains_template(needed) {
                return Err(Error::Template(Diagnostic::error(
                    PathBuf::from("templates").join(needed),
                    0,
                    0,
                    "the theme has no such template; every theme needs it",
                )));
            }
        }
        templates.tera = tera;
        Ok(templates)
    }

    pub fn render(&self, job: &Job) -> Result<String> {
        self.tera
            .render(job.template, &job.context)
            .map_err(|e| self.error(e, Some(job)))
    }

    /// Turns a tera error into a problem naming the template file and line.
    fn error(&self, e: tera::Error, job: Option<&Job>) -> Error {
        let while_rendering = job
            .map(|j| format!(" (while rendering {})", j.out))
            .unwrap_or_default();
        let shown = |name: &str| {
            self.shown
                .get(name)
                .cloned()
                .unwrap_or_else(|| PathBuf::from("templates").join(name))
        };
        let d = match e.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => Diagnostic::error(
                shown(report.filename()),
                report.span().start_line,
                report.span().start_col + 1,
                format!("template error: {}{while_rendering}", report.message()),
            ),
            ErrorKind::MissingParent { current, parent } => Diagnostic::error(
                shown(current),
                0,
                0,
                format!("extends {parent:?}, which the theme does not have"),
            ),
            ErrorKind::TemplateNotFound(name) => Diagnostic::error(
                shown(job.map(|j| j.template).unwrap_or(name)),
                0,
                0,
                format!("template {name:?} not found{while_rendering}"),
            ),
            other => Diagnostic::error(
                shown(job.map(|j| j.template).unwrap_or("")),
                0,
                0,
                format!("template error: {other}{while_rendering}"),
            ),
        };
        Error::Template(d)
    }
}

/// Renders the whole site: pages, feeds of the sitemap, and the theme's static files.
pub fn render_site(site: &Site, theme: &Theme, now: Date) -> Result<Vec<OutputFile>> {
    let templates = Templates::compile(theme)?;
    let jobs = pages::plan(site, theme, now)?;
    let mut files: Vec<OutputFile> = jobs
        .par_iter()
        .map(|job| {
            templates
                .render(job)
                .map(|html| OutputFile::new(job.out.clone(), html))
        })
        .collect::<Result<_>>()?;
    for (rel, file) in &theme.statics {
        files.push(OutputFile::new(format!("static/{rel}"), file.bytes.clone()));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(dup) = files.windows(2).find(|w| w[0].path == w[1].path) {
        return Err(Error::Usage(format!(
            "two outputs would be written to {}; rename one of the sources",
            dup[0].path
        )));
    }
    Ok(files)
}
