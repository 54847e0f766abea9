//! The render stage: owns tera. Builds each page's view from the catalog (`pages`), renders the
//! pages with the theme's templates in parallel, and hands over the files to write. Writes
//! nothing itself; templates never see the model.

pub mod atom;
pub mod charts;
pub mod pages;
pub mod redirects;
pub mod schedule;
pub mod stamps;

use std::collections::BTreeMap;

use jiff::civil::Date;
use std::path::PathBuf;

use rayon::prelude::*;
use tera::{Context, ErrorKind, Tera};

use crate::catalog::{Catalog, Page};
use crate::content::model::Site;
use crate::error::{Diagnostic, Error, Result};
use crate::output::OutputFile;
use crate::theme::Theme;
use pages::Views;

/// The theme's static files as published: CSS and JS get a content hash in their name and live
/// under `assets/` (`assets/style.3f2a9c1e0b.css`), a folder served with long immutable caching;
/// other files keep their names under `static/`. Templates link them through the
/// `asset(path=...)` function, which knows each file's published URL.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Path under `static/` as in the theme -> published path under the output folder.
    published: BTreeMap<String, String>,
    base_path: String,
}

impl Assets {
    pub fn new(theme: &Theme, base_path: &str) -> Self {
        let published = theme
            .statics
            .iter()
            .map(|(rel, file)| {
                let name = fingerprinted(rel, &file.bytes);
                let folder = if name == *rel { "static" } else { "assets" };
                (rel.clone(), format!("{folder}/{name}"))
            })
            .collect();
        Self {
            published,
            base_path: base_path.to_string(),
        }
    }

    /// The output path of a theme static file.
    pub fn published(&self, rel: &str) -> Option<&str> {
        self.published.get(rel).map(String::as_str)
    }

    /// Where a theme static file is written: its published path, or its own.
    pub fn output_path(&self, rel: &str) -> String {
        self.published(rel).unwrap_or(rel).to_string()
    }

    /// The URL templates link to.
    pub fn url(&self, rel: &str) -> Option<String> {
        self.published(rel).map(|p| format!("{}{p}", self.base_path))
    }
}

/// `style.css` -> `style.<10 hex digits of its SHA-256>.css` for CSS and JS; other files keep
/// their names (content may link to them).
pub fn fingerprinted(rel: &str, bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let Some((stem, ext)) = rel.rsplit_once('.') else {
        return rel.to_string();
    };
    if !matches!(ext, "css" | "js") {
        return rel.to_string();
    }
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{stem}.{hex}.{ext}")
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
    "search.html",
    "404.html",
    "thanks.html",
    "sitemap.xml",
    "robots.txt",
];

impl Templates {
    pub fn compile(theme: &Theme, assets: &Assets) -> Result<Self> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let assets = assets.clone();
        tera.register_function("asset", move |kwargs: tera::Kwargs, _: &tera::State| {
            let path: String = kwargs.must_get("path")?;
            assets.url(&path).ok_or_else(|| {
                tera::Error::message(format!("asset(path={path:?}): the theme has no static/{path}"))
            })
        });
        // "COVID-19" must not break as "COVID-" / "19" on a phone: a hyphen between a letter or
        // digit and a digit becomes a no-break hyphen in titles.
        tera.register_filter(
            "keep_hyphens",
            |x: tera::StringInput, _: tera::Kwargs, _: &tera::State| {
                x.inherit_safety(keep_hyphens(x.as_str()))
            },
        );
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

    /// Turns a tera error into a problem naming the template file and line.
    fn error(&self, e: tera::Error, rendering: Option<&str>) -> Error {
        let while_rendering = rendering
            .map(|out| format!(" (while rendering {out})"))
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
                shown(name),
                0,
                0,
                format!("template {name:?} not found{while_rendering}"),
            ),
            other => Diagnostic::error(
                PathBuf::from("templates"),
                0,
                0,
                format!("template error: {other}{while_rendering}"),
            ),
        };
        Error::Template(d)
    }
}

/// Runs `render` with a sink that gathers the files it hands over, and returns them in the order
/// they came (which, rendering being parallel, is any order).
pub fn collect<T>(
    render: impl FnOnce(&(dyn Fn(OutputFile) -> Result<()> + Sync)) -> Result<T>,
) -> Result<Vec<OutputFile>> {
    let failed = || Error::Internal("a render thread panicked while handing over a file".into());
    let files = std::sync::Mutex::new(Vec::new());
    render(&|f| {
        files.lock().map_err(|_| failed())?.push(f);
        Ok(())
    })?;
    files.into_inner().map_err(|_| failed())
}

/// The files that are neither pages nor the search index: the theme's static files (under their
/// published names) and the schedule of the next change. Build and dev server both take them
/// from here.
pub fn derived_files(site: &Site, theme: &Theme, assets: &Assets, now: Date) -> Result<Vec<OutputFile>> {
    let next = serde_json::to_vec_pretty(&schedule::next_change(site, now))
        .map_err(|e| Error::Internal(format!("next-change.json did not serialise: {e}")))?;
    let mut files = vec![OutputFile::new("next-change.json", next)];
    files.extend(
        theme
            .statics
            .iter()
            .map(|(rel, file)| OutputFile::new(assets.output_path(rel), file.bytes.clone())),
    );
    Ok(files)
}

pub(crate) fn duplicate(path: &str) -> Error {
    Error::Usage(format!(
        "two outputs would be written to {path}; rename one of the sources"
    ))
}

/// Renders `pages` in parallel, each with its language's interface strings.
pub fn render_pages(
    views: &Views,
    templates: &Templates,
    pages: &[&Page],
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<()> {
    render_with_contexts(views, templates, pages.iter().map(|p| (*p, None)).collect(), sink)
}

/// One engine per language whose global context holds that language's strings as `t`, so the
/// table is not copied into every page's context.
fn engines(catalog: &Catalog, templates: &Templates) -> Vec<Tera> {
    catalog
        .langs
        .iter()
        .map(|lang| {
            let mut tera = templates.tera.clone();
            tera.global_context().insert("t", lang.t);
            tera
        })
        .collect()
}

/// Renders some pages in parallel, each with the context given (the dev server has some
/// already) or else the one its view builds. Calendars and feeds are written by Rust, not
/// templates.
pub fn render_with_contexts(
    views: &Views,
    templates: &Templates,
    pages: Vec<(&Page, Option<Context>)>,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<()> {
    let engines = engines(views.cat, templates);
    pages.into_par_iter().try_for_each(|(page, context)| {
        let out = views.cat.out_path(page);
        if let Some(text) = views.generated(page)? {
            return sink(OutputFile::new(out, text));
        }
        let context = match context {
            Some(c) => c,
            None => views.context(page)?,
        };
        let html = engines[page.lang]
            .render(page.template, &context)
            .map_err(|e| templates.error(e, Some(&out)))?;
        sink(OutputFile::new(out, html))
    })
}

#[cfg(test)]
mod tests {
    use super::fingerprinted;

    #[test]
    fn css_and_js_get_content_hashes() {
        let a = fingerprinted("style.css", b"body{}");
        assert!(
            a.starts_with("style.") && a.ends_with(".css") && a.len() == "style.css".len() + 11,
            "{a}"
        );
        assert_ne!(a, fingerprinted("style.css", b"body{color:red}"));
        assert_eq!(a, fingerprinted("style.css", b"body{}"));
        assert_eq!(fingerprinted("js/search.js", b"x").split('.').count(), 3);
        assert_eq!(fingerprinted("logo.png", b"x"), "logo.png");
    }
}

/// `COVID-19` -> `COVID\u{2011}19`: a hyphen with a letter or digit before it and a digit after
/// it is a no-break hyphen, so a title never breaks between a name and its number.
pub(crate) fn keep_hyphens(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let joins = c == '-'
                && i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if joins { '\u{2011}' } else { c }
        })
        .collect()
}

#[cfg(test)]
mod hyphen_tests {
    use super::keep_hyphens;

    #[test]
    fn a_name_and_its_number_stay_together() {
        assert_eq!(keep_hyphens("COVID-19 Volunteer"), "COVID\u{2011}19 Volunteer");
        assert_eq!(keep_hyphens("Pre-Conference"), "Pre-Conference");
        assert_eq!(keep_hyphens("2020-2021 - 5"), "2020\u{2011}2021 - 5");
    }
}
