//! The `socinv` binary: parses the command line and maps errors to exit codes.

// all terminal output goes through socinv::report::terminal
#![warn(clippy::print_stdout, clippy::print_stderr)]

use socinv::cli::execute;
use socinv::report::terminal;

fn main() {
    let cli = socinv::cli::parse().unwrap_or_else(|e| terminal::exit_with_clap_error(e));
    if let Err(err) = execute(cli) {
        terminal::eprint_error(&err.to_string());
        std::process::exit(err.exit_code());
    }
}
