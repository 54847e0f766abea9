//! The command line, parsed by clap into a [`Command`]. Reads no files.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use jiff::civil::Date;

#[derive(Debug, Parser)]
#[command(
    name = "iehp",
    version,
    about = "Builds the IEHP hub: a searchable static site of resources for internationally educated health professionals in Canada",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only problems: no summary, progress or "built"/"wrote" lines
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Colour the `error:`/`warning:` labels: auto (on a terminal, unless NO_COLOR is set), always or never
    #[arg(long, value_enum, global = true, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour output going to a terminal (`is_terminal`), given the NO_COLOR
    /// environment variable (<https://no-color.org>: set and not empty means no colour).
    pub fn colour(self, is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site from content/ into the output folder (replaced whole, only on success)
    Build(BuildArgs),
    /// Validate everything a build would, plus links, stale facts and likely duplicates; writes nothing
    Check(CheckArgs),
    /// Create a content file with every field of its collection, ready to fill in
    New(NewArgs),
    /// Build the site into memory and serve it, rebuilding what an edit touches and reloading open pages
    Serve(ServeArgs),
    /// Print a completion script for a shell (e.g. `iehp completions bash > ~/.local/share/bash-completion/completions/iehp`)
    Completions {
        /// bash, elvish, fish, powershell or zsh
        shell: clap_complete::Shell,
    },
    /// Removes the previous output a build set aside (`.output.old-*`); `iehp build` starts it
    /// in the background, so the build does not wait for the deletion
    #[command(name = crate::output::REMOVER_COMMAND, hide = true)]
    RemovePreviousBuild { dir: PathBuf },
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Folder holding content/ (and optionally themes/)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Output folder [default: <root>/output]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override site.yaml's base_url (e.g. a deploy preview's address)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include items marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// The date events are judged upcoming or past against [default: today in the site's time zone]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub now: Option<Date>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub build: BuildArgs,
    /// Also request every outside link (portal addresses, sources, registration links)
    #[arg(long)]
    pub external: bool,
    /// Cache file for --external results [default: <root>/.iehp-cache/external-links.json]
    #[arg(long, value_name = "FILE")]
    pub cache: Option<PathBuf>,
    /// Output format: human (path:line:col: message) or github (Actions annotations)
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Exit non-zero on warnings too, not only on errors
    #[arg(long)]
    pub strict: bool,
    /// Show warnings and notes only for these files (e.g. the files a pull request changes);
    /// errors are always shown. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub only: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OutputFormat {
    Human,
    Github,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Folder holding content/ (and optionally themes/)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Port to listen on (0: any free port)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; anything but loopback lets other machines see the site
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Include items marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// The date events are judged upcoming or past against [default: today in the site's time zone]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub now: Option<Date>,
    /// After every rebuild, also build from scratch and report files that differ (slow; for testing)
    #[arg(long, hide = true)]
    pub verify: bool,
    /// Milliseconds a burst of file events must fall quiet before a rebuild
    #[arg(long, hide = true, default_value_t = 10)]
    pub quiet_ms: u64,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// pages, portals, events, members, programs, occupations, organizations or pathways
    pub collection: String,
    /// The item's title (for occupations: the NOC code)
    pub title: String,
    /// Folder holding content/
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

fn parse_date(s: &str) -> Result<Date, String> {
    crate::schema::parse_date(s).ok_or_else(|| {
        crate::schema::impossible_date(s)
            .unwrap_or_else(|| format!("expected a date like 2025-06-26, found {s:?}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn colour_follows_the_terminal_and_no_color() {
        let auto = ColorChoice::Auto;
        assert!(auto.colour(true, None));
        assert!(!auto.colour(false, None));
        assert!(!auto.colour(true, Some(OsStr::new("1"))));
        // An empty NO_COLOR does not count (no-color.org).
        assert!(auto.colour(true, Some(OsStr::new(""))));
        assert!(ColorChoice::Always.colour(false, Some(OsStr::new("1"))));
        assert!(!ColorChoice::Never.colour(true, None));
    }
}
