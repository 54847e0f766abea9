//! `iehp check`: everything `build` validates, plus links (internal always, outside links with
//! `--external`), stale facts, likely duplicates and past events without a recording. Writes
//! nothing into the output folder; `--external` keeps its results in a cache file.

pub mod comments;
pub mod editorial;
pub mod external;
pub mod licensing;
pub mod links;
pub mod translations;

use std::path::PathBuf;

use crate::error::{Diagnostic, Error, Result, Severity};
use crate::site::{self, BuildOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `path:line:col: message`, as `iehp build` prints.
    #[default]
    Human,
    /// GitHub Actions workflow commands, so each problem shows on its line in a pull request.
    Github,
}

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub build: BuildOptions,
    /// Also request every outside link.
    pub external: bool,
    /// The cache for `--external` [default: `<root>/.iehp-cache/external-links.json`].
    pub cache: Option<PathBuf>,
    /// Say on stderr how far `--external` has got.
    pub progress: bool,
}

/// What a check found. Problems that stop a build are errors here too.
#[derive(Debug, Default)]
pub struct Findings {
    pub diagnostics: Vec<Diagnostic>,
    /// Pages rendered, when the site got that far.
    pub pages: Option<usize>,
    /// Warnings and notes left out by [`Findings::keep_only`].
    pub hidden: usize,
}

impl Findings {
    /// Keeps errors everywhere, and warnings and notes only for `paths`: a pull request's
    /// reviewers see what its own files need without a flood from the rest of the hub.
    pub fn keep_only(&mut self, paths: &[PathBuf]) {
        let before = self.diagnostics.len();
        self.diagnostics
            .retain(|d| d.is_error() || paths.iter().any(|p| p == &d.path));
        self.hidden += before - self.diagnostics.len();
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

/// Runs every check. Content and template problems become findings, not an early exit, so
/// `--format github` can show them on their lines; only I/O failures are errors.
pub fn run(opts: &CheckOptions) -> Result<Findings> {
    let mut findings = checks(opts)?;
    // Values cut short by a comment are often why a field is missing or wrong: shown either way.
    findings.diagnostics.extend(comments::check(&opts.build.root));
    // Files an editor put in content/ that the site never reads (a PDF, a `.markdown` file).
    findings
        .diagnostics
        .extend(crate::content::discover::unused(&opts.build.root));
    findings.diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.col, a.severity, &a.message)
            .cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
    });
    findings.diagnostics.dedup();
    Ok(findings)
}

fn checks(opts: &CheckOptions) -> Result<Findings> {
    let mut findings = Findings::default();
    let loaded = match site::load(&opts.build) {
        Ok(l) => l,
        Err(Error::Content(diags)) => {
            findings.diagnostics = diags;
            return Ok(findings);
        }
        Err(Error::Template(d)) => {
            findings.diagnostics.push(d);
            return Ok(findings);
        }
        Err(e) => return Err(e),
    };
    let files = match site::render_to_vec(&loaded) {
        Ok(f) => f,
        Err(Error::Template(d)) => {
            findings.diagnostics.push(d);
            return Ok(findings);
        }
        Err(Error::Content(diags)) => {
            findings.diagnostics = diags;
            return Ok(findings);
        }
        Err(e) => return Err(e),
    };
    findings.pages = Some(files.iter().filter(|f| f.path.ends_with(".html")).count());
    let index = links::SiteIndex::new(&loaded.site, &files);
    findings.diagnostics.extend(links::check(&loaded.site, &index));
    findings
        .diagnostics
        .extend(editorial::check(&loaded.site, loaded.now));
    findings
        .diagnostics
        .extend(licensing::check(&loaded.site, loaded.now));
    findings.diagnostics.extend(translations::check(&loaded.site));
    if opts.external {
        let cache = opts
            .cache
            .clone()
            .unwrap_or_else(|| opts.build.root.join(".iehp-cache/external-links.json"));
        let targets = external::collect(&loaded.site);
        findings.diagnostics.extend(external::check(
            &targets,
            &external::ExternalOptions {
                progress: opts.progress,
                ..external::ExternalOptions::new(cache)
            },
        )?);
    }
    Ok(findings)
}

/// The findings as text in the chosen format, ending with a summary line (human format).
pub fn report(findings: &Findings, format: Format) -> String {
    let mut out = String::new();
    for d in &findings.diagnostics {
        match format {
            Format::Human => out.push_str(&format!("{d}\n")),
            Format::Github => out.push_str(&github(d)),
        }
    }
    let (e, w, n) = (
        findings.count(Severity::Error),
        findings.count(Severity::Warning),
        findings.count(Severity::Note),
    );
    let counts = format!(
        "{}, {}, {}",
        plural(e, "error"),
        plural(w, "warning"),
        plural(n, "note")
    );
    let mut summary = match findings.pages {
        Some(pages) => format!("{counts}; {pages} pages checked"),
        None => format!("{counts}; the site did not build"),
    };
    let untranslated = findings
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Note && d.message.starts_with(translations::MISSING))
        .count();
    if untranslated > 0 {
        summary.push_str(&format!(
            "; {} with no version in another language",
            plural(untranslated, "file")
        ));
    }
    if findings.hidden > 0 {
        summary.push_str(&format!(
            " ({} warnings and notes about other files not shown)",
            findings.hidden
        ));
    }
    match format {
        Format::Human => out.push_str(&format!("{summary}\n")),
        Format::Github => out.push_str(&format!("{}\n", escape_data(&summary))),
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// One GitHub Actions annotation: `::error file=...,line=...,col=...::message`.
pub fn github(d: &Diagnostic) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props = format!("file={}", escape_property(&d.path.to_string_lossy()));
    if d.line > 0 {
        props.push_str(&format!(",line={}", d.line));
        if d.col > 0 {
            props.push_str(&format!(",col={}", d.col));
        }
    }
    format!("::{kind} {props}::{}\n", escape_data(&d.message))
}

/// GitHub's escaping for a command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// GitHub's escaping for a command's property values.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_annotations_are_exact() {
        assert_eq!(
            github(&Diagnostic::error(
                "content/events/x.md",
                4,
                8,
                "field \"start\": bad, 100%\nsee"
            )),
            "::error file=content/events/x.md,line=4,col=8::field \"start\": bad, 100%25%0Asee\n"
        );
        assert_eq!(
            github(&Diagnostic::warning("content/a,b.md", 3, 0, "old")),
            "::warning file=content/a%2Cb.md,line=3::old\n"
        );
        assert_eq!(
            github(&Diagnostic::note("content/a.md", 0, 0, "n")),
            "::notice file=content/a.md::n\n"
        );
    }
}
