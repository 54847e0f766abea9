use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

// Building a site allocates and frees millions of small strings across threads; mimalloc does
// that markedly faster than the system allocator (see bench/build.py).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = iehp::cli::Cli::parse();
    // Problems go to stderr (build, serve) and stdout (check): colour when either is a terminal.
    let terminal = std::io::stderr().is_terminal() || std::io::stdout().is_terminal();
    iehp::error::set_colour(
        cli.color
            .colour(terminal, std::env::var_os("NO_COLOR").as_deref()),
    );
    match iehp::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
