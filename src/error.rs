//! Error and diagnostic types, and how they are printed.
//!
//! Content problems are collected as [`Diagnostic`]s (file, line, column, message) so one run
//! reports all of them; everything else is an [`Error`] that names what failed. Printing happens
//! once, in `main`.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one input file, in the `path:line:col: message` form editors' tools understand.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path as shown to the editor (relative to the site root where possible).
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub col: usize,
    pub message: String,
    pub severity: Severity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// Worth knowing, never a failure (e.g. a past event without a recording).
    Note,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            line,
            col,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(path, line, col, message)
        }
    }

    pub fn note(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Note,
            ..Self::error(path, line, col, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

static COLOUR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether problems are printed for a terminal: the place in bold and a coloured `error:`,
/// `warning:` or `note:` label. Set once by `main` (`--color`, NO_COLOR); off, the plain
/// `path:line:col: message` form editors' tools read.
pub fn set_colour(on: bool) {
    COLOUR.store(on, std::sync::atomic::Ordering::Relaxed);
}

impl Diagnostic {
    /// The problem as a terminal shows it: `path:line:col: error: message`, with the place in
    /// bold and the label in red (error), yellow (warning) or cyan (note).
    pub fn coloured(&self) -> String {
        let (colour, label) = match self.severity {
            Severity::Error => ("1;31", "error"),
            Severity::Warning => ("1;33", "warning"),
            Severity::Note => ("1;36", "note"),
        };
        format!(
            "\x1b[1m{}:\x1b[0m \x1b[{colour}m{label}:\x1b[0m {}",
            self.place(),
            self.message
        )
    }

    /// `path:line:col` (line and column when known).
    fn place(&self) -> String {
        let mut place = self.path.display().to_string();
        if self.line > 0 {
            place.push_str(&format!(":{}", self.line));
            if self.col > 0 {
                place.push_str(&format!(":{}", self.col));
            }
        }
        place
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if COLOUR.load(std::sync::atomic::Ordering::Relaxed) {
            return f.write_str(&self.coloured());
        }
        let label = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
            Severity::Note => "note: ",
        };
        write!(f, "{}: {label}{}", self.place(), self.message)
    }
}

/// Everything that can stop a command.
#[derive(Debug)]
pub enum Error {
    /// The content has problems; every one found is listed.
    Content(Vec<Diagnostic>),
    /// A filesystem operation failed on this path.
    Io { path: PathBuf, source: std::io::Error },
    /// A theme template failed to compile or render.
    Template(Diagnostic),
    /// The command line asked for something impossible (bad date, unknown collection, ...).
    /// Only for what the person typing the command can fix.
    Usage(String),
    /// A bug in iehp: its own code broke a rule it should keep. Says so, so it gets reported.
    Internal(String),
    /// Something outside the content failed (a thread, a socket, the output folder's owner):
    /// what was being done, and the system's own error.
    System {
        what: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A check found problems, already reported; this is the closing line.
    Failed(String),
}

impl Error {
    /// A failure outside the content, keeping the system's error as its source.
    pub fn system(what: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::System {
            what: what.into(),
            source: Box::new(source),
        }
    }

    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Content(diags) => {
                for d in diags {
                    writeln!(f, "{d}")?;
                }
                let errors = diags.iter().filter(|d| d.is_error()).count();
                write!(
                    f,
                    "{errors} error{} found; nothing was written",
                    if errors == 1 { "" } else { "s" }
                )
            }
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Template(d) => write!(f, "{d}"),
            Error::Usage(msg) | Error::Failed(msg) => write!(f, "{msg}"),
            Error::Internal(msg) => write!(
                f,
                "internal error: {msg} (this is a bug in iehp; please report it with the command you ran)"
            ),
            Error::System { what, source } => write!(f, "{what}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::System { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(d: Diagnostic, expected: &str) {
        assert_eq!(d.to_string(), expected);
    }

    #[test]
    fn coloured_forms_carry_their_labels() {
        assert_eq!(
            Diagnostic::error("content/events/x.md", 4, 8, "bad").coloured(),
            "\x1b[1mcontent/events/x.md:4:8:\x1b[0m \x1b[1;31merror:\x1b[0m bad"
        );
        assert_eq!(
            Diagnostic::warning("content/a.md", 2, 0, "old").coloured(),
            "\x1b[1mcontent/a.md:2:\x1b[0m \x1b[1;33mwarning:\x1b[0m old"
        );
        assert!(
            Diagnostic::note("a.md", 0, 0, "n")
                .coloured()
                .contains("\x1b[1;36mnote:")
        );
    }

    #[test]
    fn display_forms() {
        case(
            Diagnostic::error("content/events/x.md", 4, 8, "field \"start\": bad"),
            "content/events/x.md:4:8: field \"start\": bad",
        );
        case(
            Diagnostic::error("content/events/x.md", 0, 0, "file is empty"),
            "content/events/x.md: file is empty",
        );
        case(
            Diagnostic::warning("content/a.md", 2, 0, "old"),
            "content/a.md:2: warning: old",
        );
    }
}
