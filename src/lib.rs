//! iehp: the static site generator of the IEHP hub.
//!
//! Data flows one way: `content` loads and validates the model, `render` turns it into pages,
//! `output` writes them (staging + swap). `site` is the pipeline; `cli` the command line.

pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod error;
pub mod fs;
pub mod memory;
pub mod new;
pub mod output;
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

use cli::{BuildArgs, Command};
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
pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Build(args) => {
            memory::keep_freed_memory();
            let opts = build_options(args)?;
            let report = site::build(&opts)?;
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
            };
            let mut findings = check::run(&opts)?;
            if !args.only.is_empty() {
                findings.keep_only(&args.only);
            }
            print!("{}", check::report(&findings, format));
            let errors = findings.count(error::Severity::Error);
            let warnings = findings.count(error::Severity::Warning);
            if errors > 0 || (args.strict && warnings > 0) {
                return Err(error::Error::Failed(format!(
                    "check failed: {errors} errors, {warnings} warnings{}",
                    if args.strict { " (--strict)" } else { "" }
                )));
            }
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
            println!(
                "wrote {}: fill in the empty fields, then run `iehp check`",
                rel.display()
            );
        }
    }
    Ok(())
}
