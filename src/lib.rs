//! iehp: the static site generator of the IEHP hub.
//!
//! Data flows one way: `content` loads and validates the model; `catalog` works out, per
//! language, what the site contains; `search` (the index) and `render` (the pages) both read the
//! catalog, side by side; `output` writes what they make (staging + swap). `site` is the
//! pipeline, `check` and `serve` the commands built on it, `cli` the command line; the layers
//! are listed, and kept, by `tests/layers.rs`.

pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod error;
pub mod fs;
pub mod lang;
pub mod memory;
pub mod new;
pub mod normalize;
pub mod output;
pub mod province;
pub mod render;
pub mod schema;
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
pub mod timing;
pub mod urls;
pub mod views;
pub mod yaml;

use cli::{BuildArgs, Cli, Command};
use error::Result;
use site::BuildOptions;

fn build_options(args: BuildArgs) -> Result<BuildOptions> {
    let root = site::resolve_root(args.root.as_deref())?;
    Ok(BuildOptions {
        root,
        out: args.out,
        base_url: args.base_url,
        drafts: args.drafts,
        now: args.now,
    })
}

/// Runs one command; the caller prints the error, once.
pub fn run(cli: Cli) -> Result<()> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Build(args) => {
            memory::keep_freed_memory();
            let opts = build_options(args)?;
            let report = site::build(&opts)?;
            if quiet {
                return Ok(());
            }
            println!(
                "built {} pages ({} files, {:.1} MB) into {} in {:.2} s",
                report.pages,
                report.files,
                report.bytes as f64 / 1_000_000.0,
                report.out.display(),
                report.elapsed.as_secs_f64()
            );
        }
        Command::Check(args) => {
            memory::keep_freed_memory();
            let format = match args.format {
                cli::OutputFormat::Human => check::Format::Human,
                cli::OutputFormat::Github => check::Format::Github,
            };
            let opts = check::CheckOptions {
                build: build_options(args.build)?,
                external: args.external,
                cache: args.cache,
                progress: !quiet,
            };
            let mut findings = check::run(&opts)?;
            if !args.only.is_empty() {
                findings.keep_only(&args.only);
            }
            if quiet {
                findings
                    .diagnostics
                    .retain(|d| d.severity != error::Severity::Note);
            }
            let report = check::report(&findings, format);
            if quiet {
                // The problems only, without the closing summary line.
                let body = report.trim_end_matches('\n');
                let body = body.rsplit_once('\n').map_or("", |(problems, _)| problems);
                if !body.is_empty() {
                    println!("{body}");
                }
            } else {
                print!("{report}");
            }
            let errors = findings.count(error::Severity::Error);
            let warnings = findings.count(error::Severity::Warning);
            if errors > 0 || (args.strict && warnings > 0) {
                return Err(error::Error::Failed(format!(
                    "check failed: {errors} errors, {warnings} warnings{}",
                    if args.strict { " (--strict)" } else { "" }
                )));
            }
        }
        Command::RemovePreviousBuild { dir } => output::remove_previous_build(&dir)?,
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "iehp", &mut std::io::stdout());
        }
        Command::Serve(args) => {
            let root = site::resolve_root(args.root.as_deref())?;
            serve::serve(serve::ServeOptions {
                root,
                bind: args.bind,
                port: args.port,
                drafts: args.drafts,
                now: args.now,
                verify: args.verify,
                quiet: std::time::Duration::from_millis(args.quiet_ms),
            })?;
        }
        Command::New(args) => {
            let root = site::resolve_root(args.root.as_deref())?;
            let rel = new::new_item(&root, &args.collection, &args.title)?;
            if quiet {
                return Ok(());
            }
            println!(
                "wrote {}: fill in the empty fields, then run `iehp check`",
                rel.display()
            );
        }
    }
    Ok(())
}
