//! The `socinv` binary: parses the command line and maps errors to exit codes.

// all terminal output goes through socinv::report::terminal
#![warn(clippy::print_stdout, clippy::print_stderr)]

use clap::Parser;
use socinv::cli::{Cli, execute};

fn main() {
    let cli = Cli::parse();
    if let Err(err) = execute(cli) {
        socinv::report::terminal::eprintln(&format!("error: {err}"));
        std::process::exit(err.exit_code());
    }
}
