//! The command line: clap definitions, and each command as a call into the library.

use crate::error::{Error, Result};
use crate::report;
use crate::results::RunResults;
use crate::scenario::Scenario;
use crate::script::load_scenario;
use crate::sim::{self, SimSettings};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// socinv: what a social investment is likely to return, for whom, when, and with what risk.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and print who pays, who gains, when it pays back and how likely a loss is.
    Run(RunArgs),
    /// Validate a scenario without simulating and print the model.
    Check {
        /// The scenario script (.rhai).
        scenario: PathBuf,
    },
    /// Write a commented scenario template that runs as it is.
    New {
        /// Name of the scenario; writes NAME.rhai.
        name: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario script (.rhai).
    pub scenario: PathBuf,
    /// Number of Monte Carlo iterations.
    #[arg(long, short = 'n', default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub iterations: u64,
    /// Random seed: the same seed gives the same results on any number of threads.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Write the results as JSON (schema "socinv.result/1").
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write one CSV row per iteration: parameter draws and results.
    #[arg(long, value_name = "FILE.csv")]
    pub samples: Option<PathBuf>,
    /// Fix a parameter at a value, e.g. --set rr_insats=0.8 (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
}

/// Runs the parsed command.
pub fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Check { scenario } => {
            let sc = load_scenario(&scenario)?;
            print!("{}", report::model_description(&sc)?);
            println!("\nOK: {} is a valid scenario.", scenario.display());
            Ok(())
        }
        Command::New { name } => new_scenario(&name),
    }
}

/// Parses `--set NAME=VALUE` against the scenario's parameters.
pub fn parse_fixed(scenario: &Scenario, set: &[String]) -> Result<Vec<(usize, f64)>> {
    set.iter()
        .map(|item| {
            let (name, value) = item.split_once('=').ok_or_else(|| {
                Error::Usage(format!("--set {item}: write it as NAME=VALUE, e.g. --set rr=0.8"))
            })?;
            let (name, value) = (name.trim(), value.trim());
            let index = scenario.parameter_index(name).ok_or_else(|| {
                let known: Vec<&str> = scenario.parameters.iter().map(|p| p.name.as_str()).collect();
                Error::Usage(format!(
                    "--set {item}: the scenario has no parameter \"{name}\"; its parameters are: {}",
                    known.join(", ")
                ))
            })?;
            let value: f64 = value
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    Error::Usage(format!("--set {item}: \"{value}\" is not a finite number"))
                })?;
            Ok((index, value))
        })
        .collect()
}

fn check_output_dir(flag: &str, path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if dir.is_dir() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{flag} {}: the folder {} does not exist",
            path.display(),
            dir.display()
        )))
    }
}

fn run(args: &RunArgs) -> Result<()> {
    let scenario = load_scenario(&args.scenario)?;
    let settings = SimSettings {
        iterations: args.iterations as usize,
        seed: args.seed,
        fixed: parse_fixed(&scenario, &args.set)?,
    };
    if let Some(p) = &args.json {
        check_output_dir("--json", p)?;
    }
    if let Some(p) = &args.samples {
        check_output_dir("--samples", p)?;
    }

    let progress = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(args.iterations)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = Instant::now();
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(t) = args.threads {
        pool = pool.num_threads(t as usize);
    }
    let pool = pool
        .build()
        .map_err(|e| Error::Usage(format!("--threads: {e}")))?;
    let iterations = pool.install(|| sim::simulate(&scenario, &settings, &|| progress.inc(1)))?;
    progress.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();

    let results = RunResults::new(&scenario, &settings, &iterations);
    let json = args.json.as_ref().map(|_| report::json(&results));
    let csv = match &args.samples {
        Some(_) => Some(report::samples_csv(&scenario, &iterations)?),
        None => None,
    };
    if let (Some(path), Some(text)) = (&args.json, &json) {
        report::write_atomic(path, text.as_bytes())?;
    }
    if let (Some(path), Some(bytes)) = (&args.samples, &csv) {
        report::write_atomic(path, bytes)?;
    }
    print!("{}", report::summary_text(&results));
    std::io::Write::flush(&mut std::io::stdout()).map_err(|e| Error::io("stdout", e))?;
    let person_years = args.iterations as f64
        * f64::from(scenario.cohort)
        * f64::from(scenario.horizon)
        * scenario.arms.len() as f64;
    eprintln!(
        "simulated {person_years:.2e} individual-years in {elapsed:.2} s ({:.1} M/s, {} threads)",
        person_years / elapsed / 1e6,
        pool.current_num_threads()
    );
    Ok(())
}

fn new_scenario(name: &str) -> Result<()> {
    let path = if name.ends_with(".rhai") {
        PathBuf::from(name)
    } else {
        PathBuf::from(format!("{name}.rhai"))
    };
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another name or remove it",
            path.display()
        )));
    }
    let title = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string());
    let text =
        include_str!("templates/new_scenario.rhai").replace("\"NAME\"", &format!("{title:?}"));
    report::write_atomic(&path, text.as_bytes())?;
    println!(
        "Wrote {}. Check it with `socinv check {0}`, run it with `socinv run {0}`.",
        path.display()
    );
    Ok(())
}
