use std::process::ExitCode;

use clap::Parser;

// Building a site allocates and frees millions of small strings across threads; mimalloc does
// that markedly faster than the system allocator (see bench/build.py).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = iehp::cli::Cli::parse();
    match iehp::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
