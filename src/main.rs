//! The `socinv` binary: parses the command line and maps errors to exit codes.

use clap::Parser;
use socinv::cli::{Cli, execute};

fn main() {
    let cli = Cli::parse();
    if let Err(err) = execute(cli) {
        eprintln!("error: {err}");
        std::process::exit(err.exit_code());
    }
}
