use std::process::ExitCode;

use clap::Parser;

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
