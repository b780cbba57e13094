//! The command line: clap definitions, and each command as calls into the library's
//! [`Session`] façade and the renderers of [`crate::report`]. It may import every module.

use crate::error::{Error, Result};
use crate::followup::FollowUpSettings;
use crate::report;
use crate::report::SamplesLayout;
use crate::report::csv_file::{self, CsvDialect};
use crate::report::files::{self, Content, Inputs, OutputPlan};
use crate::report::html::{self, Lang};
use crate::report::terminal;
use crate::results::RunResults;
use crate::scenario::Scenario;
use crate::sensitivity::tornado::Others;
use crate::sensitivity::{Metric, Progress, precision, threshold};
use crate::session::{AnalysisSettings, Session};
use crate::sim::likelihood::SyntheticCohort;
use crate::sim::shard::{self, PartReader, Shard};
use crate::sim::{self, Method, SimSettings};
use clap::{Parser, Subcommand};
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
    /// Validate a scenario without simulating: print the model, evaluate it at sampled
    /// parameter draws and warn about parts that do nothing.
    Check(CheckArgs),
    /// Write a commented scenario template that runs as it is.
    New {
        /// Name of the scenario; writes NAME.rhai.
        name: String,
        /// The template's language: Swedish comments and labels, or English.
        #[arg(long, value_enum, default_value = "sv")]
        lang: Lang,
    },
    /// One-way sensitivity: each parameter at a low and a high quantile; the swings, sorted.
    Tornado {
        #[command(flatten)]
        common: AnalysisArgs,
        /// What to measure.
        #[arg(long, value_enum, default_value = "net")]
        metric: Metric,
        /// The low quantile.
        #[arg(long, default_value_t = 0.1)]
        low: f64,
        /// The high quantile.
        #[arg(long, default_value_t = 0.9)]
        high: f64,
        /// What the other parameters do meanwhile.
        #[arg(long, value_enum, default_value = "vary")]
        others: Others,
    },
    /// Results over a 1-D or 2-D grid of parameter values.
    Sweep {
        #[command(flatten)]
        common: AnalysisArgs,
        /// `NAME=LO..HI[:STEPS]` (STEPS points, default 11); give it once or twice.
        #[arg(long, value_name = "NAME=LO..HI[:STEPS]", required = true)]
        vary: Vec<String>,
    },
    /// The value of a parameter at which a target is met (break-even), and WSIPP-style
    /// break-even success rates.
    Threshold {
        #[command(flatten)]
        common: AnalysisArgs,
        /// The parameter to solve for.
        #[arg(long)]
        param: String,
        /// net=AMOUNT or prob_net_positive=SHARE.
        #[arg(long, default_value = "net=0")]
        target: String,
    },
    /// Global sensitivity: first-order and total Sobol indices of the net, with bootstrap
    /// confidence intervals.
    Sobol {
        #[command(flatten)]
        common: AnalysisArgs,
        /// Rows of each Saltelli sample matrix; the analysis runs N·(k + 3) iterations.
        #[arg(long, default_value_t = 1_000, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(2..=1_000_000))]
        base: usize,
        /// Bootstrap resamples for the 95% confidence intervals.
        #[arg(long, default_value_t = 1_000, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=100_000))]
        bootstrap: usize,
    },
    /// Value of information: EVPI and each parameter's EVPPI for invest / don't invest.
    Voi {
        #[command(flatten)]
        common: AnalysisArgs,
    },
    /// Put the parts of a run split with `run --shard K/N` together: the outputs are the
    /// single run's, byte for byte.
    Merge(MergeArgs),
    /// Render the decision-maker report (HTML, and optionally Excel) from a results JSON.
    Report(ReportArgs),
    /// Update the scenario's assumptions with what has happened to the real cohort (each
    /// parameter's distribution before and after the observed years) and forecast again.
    FollowUp(FollowUpArgs),
    /// Write a synthetic observed file: the cohort simulated for its first years at the
    /// parameters' medians (an example for follow-up, or what a follow-up could learn).
    Observe(ObserveArgs),
}

/// `socinv follow-up`.
#[derive(Debug, clap::Args)]
pub struct FollowUpArgs {
    /// The scenario script (.rhai).
    pub scenario: PathBuf,
    /// What has happened so far: one row per person and year (person, year, state, arm and
    /// optionally subgroup; see docs/follow-up.md).
    #[arg(long, value_name = "FILE.csv")]
    pub observed: PathBuf,
    /// Particles of the posterior sampler, and iterations of the forecasts before and now.
    #[arg(long, short = 'n', default_value_t = 4_000, value_parser = clap::value_parser!(u64).range(100..=1_000_000))]
    pub iterations: u64,
    /// Random seed: the same seed gives the same results on any number of threads.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Fix a parameter at a value (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Write the results as JSON (schema "socinv.followup/1"); `-` writes them to stdout
    /// instead of the table.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the decision-maker report (HTML): the headline before and now, the net so far and
    /// ahead, the people per state with the observed years, the assumptions before and now,
    /// then the updated forecast.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Write an Excel workbook: the observed cohort, the method, each parameter before and
    /// after, and the forecast before and now.
    #[arg(long, value_name = "FILE.xlsx")]
    pub xlsx: Option<PathBuf>,
    /// The language of the report and of the workbook's sheet names and headers.
    #[arg(long, value_enum, default_value = "sv")]
    pub lang: Lang,
}

/// `socinv observe`.
#[derive(Debug, clap::Args)]
pub struct ObserveArgs {
    /// The scenario script (.rhai).
    pub scenario: PathBuf,
    /// Years observed, from the first.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub years: u64,
    /// People in the cohort (default: the scenario's cohort).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub people: Option<u64>,
    /// The intervention offered (people take part with its uptake); "none": everyone receives
    /// ordinary practice (default: the first intervention).
    #[arg(long, value_name = "NAME")]
    pub arm: Option<String>,
    /// Random seed of the histories.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Fix a parameter at a value instead of its median (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// The observed file to write.
    #[arg(long, short = 'o', value_name = "FILE.csv")]
    pub output: PathBuf,
}

/// `socinv check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The scenario script (.rhai).
    pub scenario: PathBuf,
    /// Parameter draws to evaluate the model at (the corners come on top).
    #[arg(long, default_value_t = sim::check::DEFAULT_DRAWS as u64, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub draws: u64,
    /// Random seed of the draws: draw i has the parameter values of iteration i of `run`
    /// with this seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores); the output is the same for any number.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Treat warnings as errors (exit code 2).
    #[arg(long)]
    pub strict: bool,
    /// Also write the findings and warnings as JSON (schema "socinv.check/1").
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// `socinv report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The results of `socinv run --json FILE`.
    pub results: PathBuf,
    /// The JSON of a sensitivity analysis of the same scenario (tornado, sweep, threshold,
    /// sobol, voi); repeatable.
    #[arg(long, value_name = "FILE.json")]
    pub sensitivity: Vec<PathBuf>,
    /// The HTML report to write.
    #[arg(long, short = 'o', value_name = "FILE.html")]
    pub output: Option<PathBuf>,
    /// The language of the report and of the workbook's sheet names and headers.
    #[arg(long, value_enum, default_value = "sv")]
    pub lang: Lang,
    /// Also write an Excel workbook (summary, per actor, per year, arms, parameters).
    #[arg(long, value_name = "FILE.xlsx")]
    pub xlsx: Option<PathBuf>,
    /// The decision perspective of the headline: a perspective, an actor or "all actors"
    /// (default: the one the results were run with).
    #[arg(long, value_name = "NAME")]
    pub perspective: Option<String>,
}

/// Settings shared by the sensitivity analyses.
#[derive(Debug, clap::Args)]
pub struct AnalysisArgs {
    /// The scenario script (.rhai).
    pub scenario: PathBuf,
    /// Monte Carlo iterations (each subcommand's --help says per what, and its default).
    #[arg(long, short = 'n', value_parser = clap::value_parser!(u64).range(2..=10_000_000))]
    pub iterations: Option<u64>,
    /// Random seed: the same seed gives the same results on any number of threads.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Net from this perspective (default: all actors).
    #[arg(long)]
    pub perspective: Option<String>,
    /// Fix a parameter at a value for the whole analysis (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// How each evaluation of the model evaluates the cohort, as for `run`: auto, individual,
    /// counts or expected (the expectation given the parameters: no cohort chance, e.g. for
    /// EVPPI and Sobol indices of the parameters alone).
    #[arg(long, value_enum, default_value = "auto")]
    pub method: MethodChoice,
    /// Write the results as JSON; `-` writes them to stdout instead of the table.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the results as CSV; `-` writes them to stdout instead of the table.
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
    /// The dialect of --csv: standard (comma, decimal point; R, Python) or excel-sv (for Excel
    /// with Swedish settings: byte order mark, semicolon, decimal comma).
    #[arg(long, value_enum, default_value = "standard")]
    pub csv_dialect: CsvDialect,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario script (.rhai).
    pub scenario: PathBuf,
    /// Monte Carlo iterations (with --precision: ignored, see --max-iterations).
    #[arg(long, short = 'n', default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub iterations: u64,
    /// Random seed: the same seed gives the same results on any number of threads.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Fix a parameter at a value, e.g. --set rr_insats=0.8 (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Run batches of 1,000 iterations until the MCSE of every mean net is at most AMOUNT
    /// (instead of a fixed --iterations).
    #[arg(long, value_name = "AMOUNT")]
    pub precision: Option<f64>,
    /// The most iterations --precision may use.
    #[arg(long, default_value_t = 1_000_000)]
    pub max_iterations: u64,
    /// How each iteration evaluates the cohort: individual (every person walked), counts (the
    /// people counted per joint state and moved by multinomial draws: the same distribution,
    /// faster for large cohorts), expected (the cohort's expected numbers given the parameters:
    /// only the parameters' uncertainty, at a cost that does not grow with the cohort), or auto
    /// (counts from 2,000 people per cohort where the scenario allows, else individual).
    #[arg(long, value_enum, default_value = "auto")]
    pub method: MethodChoice,
    /// Run only shard K of N (a contiguous block of the iterations) and write it to --part;
    /// `socinv merge` puts the parts together into the single run's results (docs/cluster.md).
    #[arg(long, value_name = "K/N", requires = "part")]
    pub shard: Option<String>,
    /// The part file a --shard writes.
    #[arg(long, value_name = "FILE.part", requires = "shard")]
    pub part: Option<PathBuf>,
    #[command(flatten)]
    pub out: RunOutputArgs,
}

/// `--method`: a [`Method`], or `auto` ([`Method::auto`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodChoice {
    Individual,
    Counts,
    Expected,
    Auto,
}

impl MethodChoice {
    fn resolve(self, scenario: &crate::scenario::Scenario) -> Method {
        match self {
            MethodChoice::Individual => Method::Individual,
            MethodChoice::Counts => Method::Counts,
            MethodChoice::Expected => Method::Expected,
            MethodChoice::Auto => Method::auto(scenario),
        }
    }
}

/// What a run writes: `run`'s and `merge`'s outputs.
#[derive(Debug, clap::Args)]
pub struct RunOutputArgs {
    /// Write the results as JSON (schema "socinv.result/1"); `-` writes them to stdout instead
    /// of the summary.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write one CSV row per iteration: parameter draws and results.
    #[arg(long, value_name = "FILE.csv")]
    pub samples: Option<PathBuf>,
    /// The layout of --samples: wide (one row per iteration) or tidy (one row per value:
    /// iteration, arm, actor, year, measure, value; for R and Python).
    #[arg(long, value_enum, default_value = "wide")]
    pub samples_layout: SamplesLayout,
    /// The dialect of --samples: standard (comma, decimal point; R, Python) or excel-sv (for
    /// Excel with Swedish settings: byte order mark, semicolon, decimal comma).
    #[arg(long, value_enum, default_value = "standard")]
    pub csv_dialect: CsvDialect,
    /// Write the decision-maker report as a self-contained HTML file.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// The language of --report and of the sheet names and headers of --xlsx.
    #[arg(long, value_enum, default_value = "sv")]
    pub lang: Lang,
    /// Write an Excel workbook with the results and one row per iteration.
    #[arg(long, value_name = "FILE.xlsx")]
    pub xlsx: Option<PathBuf>,
    /// Compare two options (interventions or ordinary practice) iteration by iteration: the
    /// net of A − the net of B, per point of view.
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub compare: Option<Vec<String>>,
    /// The decision perspective of the headline: a perspective, an actor or "all actors"
    /// (default: the scenario's `decision_perspective`, else all actors).
    #[arg(long, value_name = "NAME")]
    pub perspective: Option<String>,
}

impl RunOutputArgs {
    /// The output flags and their files, in the order they are written.
    fn files(&self) -> [(&'static str, Option<&Path>); 4] {
        [
            ("--json", self.json.as_deref()),
            ("--samples", self.samples.as_deref()),
            ("--report", self.report.as_deref()),
            ("--xlsx", self.xlsx.as_deref()),
        ]
    }

    /// Whether any option of this group is given (a shard writes none of them).
    fn any(&self) -> Option<&'static str> {
        if let Some((flag, _)) = self.files().iter().find(|(_, p)| p.is_some()) {
            return Some(flag);
        }
        [
            (
                self.samples_layout != SamplesLayout::Wide,
                "--samples-layout",
            ),
            (self.csv_dialect != CsvDialect::Standard, "--csv-dialect"),
            (self.lang != Lang::Sv, "--lang"),
            (self.compare.is_some(), "--compare"),
            (self.perspective.is_some(), "--perspective"),
        ]
        .into_iter()
        .find_map(|(given, flag)| given.then_some(flag))
    }
}

/// `socinv merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The part files of one run, one per shard, in any order.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// The scenario script, where it is no longer where the shards read it (it must be the
    /// same files: the merge checks their hash).
    #[arg(long, value_name = "FILE.rhai")]
    pub scenario: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    #[command(flatten)]
    pub out: RunOutputArgs,
}

/// Per subcommand: examples and where to read more (shown after `--help`), and what `-n` means
/// there.
const HELP: &[(&str, &str, Option<&str>)] = &[
    (
        "run",
        "Examples:\n  socinv run scenarios/familjestod.rhai\n  \
         socinv run scenarios/familjestod.rhai -n 20000 --report familjestod.html --xlsx familjestod.xlsx\n  \
         socinv run scenarios/familjestod.rhai --json - | jq .comparisons\n\n\
         How to read the summary: docs/report.md; the language: docs/scripting.md; the methods: docs/methods.md",
        None,
    ),
    (
        "check",
        "Examples:\n  socinv check scenarios/familjestod.rhai\n\n\
         The scenario language: docs/scripting.md",
        None,
    ),
    (
        "new",
        "Examples:\n  socinv new familjestod\n  socinv check familjestod.rhai\n\n\
         The scenario language: docs/scripting.md",
        None,
    ),
    (
        "tornado",
        "Examples:\n  socinv tornado scenarios/familjestod.rhai\n  \
         socinv tornado scenarios/familjestod.rhai --metric prob_net_positive -n 5000 --json tornado.json\n\n\
         How to read it: docs/sensitivity.md",
        Some(
            "Monte Carlo iterations per run: the tornado makes 1 + 2·k runs for k uncertain \
             parameters [default: 1000]",
        ),
    ),
    (
        "sweep",
        "Examples:\n  socinv sweep scenarios/familjestod.rhai --vary or_familjestöd_placering=0.4..1.0:7\n  \
         socinv sweep scenarios/familjestod.rhai --vary or_familjestöd_placering=0.4..1.0:5 \
         --vary insatskostnad_per_familj=80000..160000:5\n\n\
         How to read it: docs/sensitivity.md",
        Some("Monte Carlo iterations per grid point [default: 1000]"),
    ),
    (
        "threshold",
        "Examples:\n  socinv threshold scenarios/familjestod.rhai --param or_familjestöd_placering\n  \
         socinv threshold scenarios/familjestod.rhai --param insatskostnad_per_familj \
         --target prob_net_positive=0.8\n\n\
         How to read it: docs/sensitivity.md",
        Some(
            "Monte Carlo iterations per evaluation: 9 grid points over the parameter's P1–P99, \
             at most 30 refining steps per intervention, and one break-even run [default: 1000]",
        ),
    ),
    (
        "sobol",
        "Examples:\n  socinv sobol scenarios/familjestod.rhai\n  \
         socinv sobol scenarios/familjestod.rhai --base 4000 --bootstrap 500 --json sobol.json\n\n\
         The size is set by --base N (not -n): N·(k + 3) iterations for k uncertain parameters.\n\
         How to read it: docs/sensitivity.md",
        None,
    ),
    (
        "voi",
        "Examples:\n  socinv voi scenarios/familjestod.rhai\n  \
         socinv voi scenarios/familjestod.rhai -n 50000 --perspective \"offentlig sektor\"\n\n\
         How to read it: docs/sensitivity.md",
        Some(
            "Monte Carlo iterations of the one run whose draws the regressions use \
             [default: 10000]",
        ),
    ),
    (
        "follow-up",
        "Examples:\n  socinv observe scenarios/skolfranvaro.rhai --years 2 -o observed.csv\n  \
         socinv follow-up scenarios/skolfranvaro.rhai --observed observed.csv\n  \
         socinv follow-up scenarios/skolfranvaro.rhai --observed scenarios/skolfranvaro_observed.csv --report uppfoljning.html\n  \
         socinv follow-up scenarios/skolfranvaro.rhai --observed scenarios/skolfranvaro_observed.csv --json followup.json\n\n\
         The observed file and how to read the result: docs/follow-up.md",
        Some("Particles of the posterior sampler, and iterations of the forecasts [default: 4000]"),
    ),
    (
        "observe",
        "Examples:\n  socinv observe scenarios/skolfranvaro.rhai --years 2 -o observed.csv\n  \
         socinv observe scenarios/skolfranvaro.rhai --years 3 --people 400 --set p_ut_arbete=0.3 -o observed.csv\n\n\
         The observed file: docs/follow-up.md",
        None,
    ),
    (
        "report",
        "Examples:\n  socinv run scenarios/familjestod.rhai --json results.json\n  \
         socinv tornado scenarios/familjestod.rhai --json tornado.json\n  \
         socinv report results.json --sensitivity tornado.json -o report.html --lang en\n\n\
         What the report shows: docs/report.md",
        None,
    ),
];

/// The command line, with each subcommand's examples, its pointer to the docs and its own
/// `-n` help.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut command = Cli::command().after_help(
        "Examples:\n  socinv run scenarios/familjestod.rhai\n  socinv <COMMAND> --help\n\n\
         The docs: docs/scripting.md (the language), docs/sensitivity.md (the analyses), \
         docs/report.md (the outputs)",
    );
    for &(name, after, n_help) in HELP {
        command = command.mut_subcommand(name, |sub| {
            let sub = sub.after_help(after);
            match n_help {
                Some(text) => sub.mut_arg("iterations", |a| a.help(text)),
                None if name == "sobol" => sub.mut_arg("iterations", |a| a.hide(true)),
                None => sub,
            }
        });
    }
    command
}

/// Parses the command line ([`command`]); clap's own messages (usage errors, `--help`) are
/// returned as its error.
pub fn parse() -> std::result::Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let matches = command().try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// Runs the parsed command.
pub fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Merge(args) => merge(&args),
        Command::Check(args) => check(&args),
        Command::New { name, lang } => new_scenario(&name, lang),
        Command::Tornado {
            common,
            metric,
            low,
            high,
            others,
        } => {
            if !(0.0 < low && low < high && high < 1.0) {
                return Err(Error::Usage(format!(
                    "--low {low} --high {high}: need 0 < low < high < 1 (quantiles)"
                )));
            }
            analyse(&common, 1_000, |s, settings, progress| {
                let r = s.tornado(settings, progress, metric, (low, high), others)?;
                Ok(Outputs::new(
                    r.table(),
                    serde_json::to_string_pretty(&r),
                    r.csv()?,
                ))
            })
        }
        Command::Sweep { common, vary } => analyse(&common, 1_000, |s, settings, progress| {
            let r = s.sweep(settings, progress, &vary)?;
            Ok(Outputs::new(
                r.table(),
                serde_json::to_string_pretty(&r),
                r.csv()?,
            ))
        }),
        Command::Sobol {
            common,
            base,
            bootstrap,
        } => {
            if common.iterations.is_some() {
                return Err(Error::Usage(
                    "sobol takes its size from --base N (it runs N·(k + 3) iterations for k \
                     uncertain parameters), not from --iterations"
                        .to_string(),
                ));
            }
            // The size is `base`; the analysis' own iteration count is not used.
            analyse(&common, 1_000, |s, settings, progress| {
                let r = s.sobol(settings, progress, base, bootstrap)?;
                Ok(Outputs::new(
                    r.table(),
                    serde_json::to_string_pretty(&r),
                    r.csv()?,
                ))
            })
        }
        Command::Voi { common } => analyse(&common, 10_000, |s, settings, progress| {
            let r = s.voi(settings, progress)?;
            Ok(Outputs::new(
                r.table(),
                serde_json::to_string_pretty(&r),
                r.csv()?,
            ))
        }),
        Command::Report(args) => report_command(&args),
        Command::FollowUp(args) => follow_up(&args),
        Command::Observe(args) => observe(&args),
        Command::Threshold {
            common,
            param,
            target,
        } => {
            let target = threshold::Target::parse(&target)?;
            analyse(&common, 1_000, |s, settings, progress| {
                let r = s.threshold(settings, progress, &param, target)?;
                Ok(Outputs::new(
                    r.table(),
                    serde_json::to_string_pretty(&r),
                    r.csv()?,
                ))
            })
        }
    }
}

/// `socinv follow-up`: the posterior of the parameters given the observed file; the table,
/// or the JSON and the workbook.
fn follow_up(args: &FollowUpArgs) -> Result<()> {
    let session = Session::load(&args.scenario, threads(args.threads))?;
    let targets = [
        ("--json", args.json.as_deref()),
        ("--report", args.report.as_deref()),
        ("--xlsx", args.xlsx.as_deref()),
    ];
    let to_stdout = StdoutOutput::among(&targets, &["--json", "--report"])?;
    let mut inputs = Inputs::scenario(&args.scenario);
    inputs.add(&args.observed);
    let plan = OutputPlan::check(&files_only(&targets), &inputs)?;
    let observed = session.observed(&args.observed)?;
    let settings = FollowUpSettings {
        particles: args.iterations as usize,
        seed: args.seed,
        fixed: parse_fixed(session.scenario(), &args.set)?,
    };
    let started = Instant::now();
    let progress = terminal::ProgressDisplay::on_stderr();
    let report = session.follow_up(&observed, &settings, &progress)?;
    progress.finish();
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| Error::Usage(format!("cannot write the follow-up as JSON: {e}")))?
        + "\n";
    let xlsx = match args.xlsx {
        Some(_) => report::xlsx::followup_workbook(args.lang, &report)?,
        None => Vec::new(),
    };
    let html = match args.report {
        Some(_) => report::html::render_follow_up(
            &report,
            &report::html::Options {
                lang: args.lang,
                date: Some(report::html::today_utc()),
                net_samples: Vec::new(),
            },
        )?,
        None => String::new(),
    };
    let contents: [(&str, &[u8]); 3] = [
        ("--json", json.as_bytes()),
        ("--report", html.as_bytes()),
        ("--xlsx", &xlsx),
    ];
    plan.commit(&contents)?;
    match to_stdout.flag() {
        Some(flag) => terminal::write_stdout(flag_content(&contents, flag))?,
        None => terminal::print(&report.table())?,
    }
    for path in files_written(&targets) {
        terminal::eprintln(&format!("Wrote {}", path.display()));
    }
    terminal::eprintln(&format!("done in {:.1} s", started.elapsed().as_secs_f64()));
    Ok(())
}

/// `socinv observe`: a synthetic observed file at the parameters' medians.
fn observe(args: &ObserveArgs) -> Result<()> {
    let session = Session::load(&args.scenario, Some(1))?;
    let sc = session.scenario();
    let plan = OutputPlan::check(
        &[("--output", Some(args.output.as_path()))],
        &Inputs::scenario(&args.scenario),
    )?;
    let offered = match args.arm.as_deref() {
        Some("none") => None,
        Some(name) => Some(
            sc.arms
                .iter()
                .position(|a| a.name == name)
                .filter(|&a| a > 0)
                .ok_or_else(|| {
                    let known: Vec<String> = sc.arms[1..]
                        .iter()
                        .map(|a| format!("\"{}\"", a.name))
                        .collect();
                    Error::Usage(format!(
                        "--arm {name}: the scenario has no such intervention; its \
                         interventions are {} (or \"none\")",
                        known.join(", ")
                    ))
                })?,
        ),
        None => (sc.arms.len() > 1).then_some(1),
    };
    if !sc.intakes.is_empty() && args.people.is_some() {
        return Err(Error::Usage(format!(
            "--people: {} has intakes, whose people are each intake's count at the parameters' \
             medians (change them with --set)",
            sc.file
        )));
    }
    let spec = SyntheticCohort {
        people: args.people.map_or(sc.cohort as usize, |p| p as usize),
        years: args.years as usize,
        offered,
    };
    if spec.years > sc.horizon as usize {
        return Err(Error::Usage(format!(
            "--years {}: the scenario's horizon is {} years",
            spec.years, sc.horizon
        )));
    }
    let csv = session.synthetic_observed(spec, &parse_fixed(sc, &args.set)?, args.seed)?;
    plan.commit(&[("--output", csv.as_bytes())])?;
    terminal::eprintln(&format!("Wrote {}", args.output.display()));
    Ok(())
}

/// `socinv check`: the description, then what the sampled check found; exit 2 on invalid
/// values (as `run` would stop), and on warnings with `--strict`.
fn check(args: &CheckArgs) -> Result<()> {
    let session = Session::load(&args.scenario, threads(args.threads))?;
    let sc = session.scenario();
    let plan = OutputPlan::check(
        &[("--json", args.json.as_deref())],
        &Inputs::scenario(&args.scenario),
    )?;
    let found = session.check(args.draws as usize, args.seed);
    terminal::print(&report::model_description(sc)?)?;
    terminal::print(&report::check_findings(sc, &found, args.seed))?;
    if args.json.is_some() {
        let json = report::check_json(sc, &found, args.seed);
        plan.commit(&[("--json", json.as_bytes())])?;
    }
    if let Some(first) = found.findings.first() {
        let e = &first.example;
        let rules = match found.findings.len() {
            1 => "see above".to_string(),
            n => format!("{n} rules fail, listed above"),
        };
        return Err(Error::Model(format!(
            "{}, e.g. {} in {}; `socinv run --seed {}` would stop ({rules})",
            report::finding_headline(sc, &found, first),
            report::check_value(e.value),
            report::check_draw_name(sc, e.kind),
            args.seed,
        )));
    }
    if args.strict && !found.warnings.is_empty() {
        let lines: Vec<String> = found
            .warnings
            .iter()
            .map(|w| format!("\n  {}", report::warning_line(sc, w)))
            .collect();
        return Err(Error::Model(format!(
            "{}: {} warnings, and --strict makes them errors:{}",
            sc.file,
            found.warnings.len(),
            lines.concat()
        )));
    }
    terminal::println(&format!(
        "\nOK: {} is a valid scenario{}.",
        args.scenario.display(),
        match found.warnings.len() {
            0 => String::new(),
            1 => " (with 1 warning)".to_string(),
            n => format!(" (with {n} warnings)"),
        }
    ))
}

/// What an analysis produced, rendered: the table, the JSON, the CSV.
struct Outputs {
    table: String,
    json: String,
    csv: Vec<u8>,
}

impl Outputs {
    fn new(table: String, json: serde_json::Result<String>, csv: Vec<u8>) -> Self {
        let mut json = json.expect("analysis results serialise");
        json.push('\n');
        Outputs { table, json, csv }
    }
}

/// The `--threads` value as the library takes it.
fn threads(threads: Option<u64>) -> Option<usize> {
    threads.map(|t| t as usize)
}

/// Loads the scenario once, runs an analysis on it, writes the outputs and prints the table.
fn analyse(
    args: &AnalysisArgs,
    default_iterations: u64,
    run: impl FnOnce(&Session, &AnalysisSettings, &dyn Progress) -> Result<Outputs>,
) -> Result<()> {
    let session = Session::load(&args.scenario, threads(args.threads))?;
    let perspective = match &args.perspective {
        None => None,
        Some(name) => Some(
            session
                .perspective_index(name)
                .map_err(|e| Error::Usage(format!("--perspective {name}: {e}")))?,
        ),
    };
    if args.csv_dialect != CsvDialect::Standard && args.csv.is_none() {
        return Err(Error::Usage(
            "--csv-dialect sets the dialect of --csv; add --csv FILE.csv".to_string(),
        ));
    }
    let targets = [
        ("--json", args.json.as_deref()),
        ("--csv", args.csv.as_deref()),
    ];
    let to_stdout = StdoutOutput::among(&targets, &["--json", "--csv"])?;
    let plan = OutputPlan::check(&files_only(&targets), &Inputs::scenario(&args.scenario))?;
    let progress = terminal::ProgressDisplay::on_stderr();
    let settings = AnalysisSettings {
        iterations: args.iterations.unwrap_or(default_iterations) as usize,
        seed: args.seed,
        method: args.method.resolve(session.scenario()),
        fixed: parse_fixed(session.scenario(), &args.set)?,
        perspective,
    };
    let started = Instant::now();
    let outputs = csv_file::with_dialect(args.csv_dialect, || run(&session, &settings, &progress))?;
    progress.finish();
    let contents: [(&str, &[u8]); 2] =
        [("--json", outputs.json.as_bytes()), ("--csv", &outputs.csv)];
    plan.commit(&contents)?;
    match to_stdout.flag() {
        Some(flag) => terminal::write_stdout(flag_content(&contents, flag))?,
        None => terminal::print(&outputs.table)?,
    }
    for path in files_written(&targets) {
        terminal::eprintln(&format!("Wrote {}", path.display()));
    }
    terminal::eprintln(&format!("done in {:.1} s", started.elapsed().as_secs_f64()));
    Ok(())
}

/// Which output, if any, goes to stdout (`-` as its path) instead of the table or summary.
struct StdoutOutput(Option<&'static str>);

impl StdoutOutput {
    /// Finds `-` among `outputs`; only the flags in `allowed` may take it, and only one.
    fn among(outputs: &[(&'static str, Option<&Path>)], allowed: &[&str]) -> Result<StdoutOutput> {
        let dashes: Vec<&'static str> = outputs
            .iter()
            .filter(|(_, p)| p.is_some_and(is_dash))
            .map(|(flag, _)| *flag)
            .collect();
        if let Some(flag) = dashes.iter().find(|f| !allowed.contains(f)) {
            return Err(Error::Usage(format!(
                "{flag} -: {flag} cannot write to stdout; give it a file name (only {} take `-`)",
                allowed.join(" and ")
            )));
        }
        match dashes.as_slice() {
            [] => Ok(StdoutOutput(None)),
            [flag] => Ok(StdoutOutput(Some(flag))),
            [a, b, ..] => Err(Error::Usage(format!(
                "{a} - and {b} - would both write to stdout; send one of them to a file"
            ))),
        }
    }

    fn flag(&self) -> Option<&'static str> {
        self.0
    }
}

/// Whether an output path is `-`, stdout.
fn is_dash(path: &Path) -> bool {
    path == Path::new("-")
}

/// The outputs that go to files (not `-`).
fn files_only<'a>(outputs: &[(&'a str, Option<&'a Path>)]) -> Vec<(&'a str, Option<&'a Path>)> {
    outputs
        .iter()
        .map(|&(flag, path)| (flag, path.filter(|p| !is_dash(p))))
        .collect()
}

/// The files given (not `-`), in order.
fn files_written<'a>(outputs: &[(&str, Option<&'a Path>)]) -> Vec<&'a Path> {
    outputs
        .iter()
        .filter_map(|&(_, path)| path.filter(|p| !is_dash(p)))
        .collect()
}

/// The rendered bytes of the output `flag`.
fn flag_content<'a>(contents: &[(&str, &'a [u8])], flag: &str) -> &'a [u8] {
    contents
        .iter()
        .find(|(f, _)| *f == flag)
        .map(|(_, b)| *b)
        .expect("every output flag has content")
}

/// The parameter `name` names, compared as the script compares names (after NFC).
fn parameter_named(scenario: &Scenario, name: &str) -> Option<usize> {
    scenario.parameter_index(name).or_else(|| {
        scenario
            .parameters
            .iter()
            .position(|p| crate::script::same_name(&p.name, name))
    })
}

/// Parses `--set NAME=VALUE` against the scenario's parameters.
pub fn parse_fixed(scenario: &Scenario, set: &[String]) -> Result<Vec<(usize, f64)>> {
    set.iter()
        .map(|item| {
            let (name, value) = item.split_once('=').ok_or_else(|| {
                Error::Usage(format!("--set {item}: write it as NAME=VALUE, e.g. --set rr=0.8"))
            })?;
            let (name, value) = (name.trim(), value.trim());
            let index = parameter_named(scenario, name).ok_or_else(|| {
                let known: Vec<&str> = scenario.parameters.iter().map(|p| p.name.as_str()).collect();
                let guess = crate::script::closest_name(name, known.iter().copied())
                    .map(|near| format!(" (did you mean \"{near}\"?)"))
                    .unwrap_or_default();
                Error::Usage(format!(
                    "--set {item}: the scenario has no parameter \"{name}\"{guess}{}; its parameters are: {}",
                    scenario.attribute_note(name),
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

fn run(args: &RunArgs) -> Result<()> {
    if let (Some(shard), Some(part)) = (&args.shard, &args.part) {
        return run_shard(args, shard, part);
    }
    let mut session = Session::load(&args.scenario, threads(args.threads))?;
    let out = &args.out;
    choose_perspective(&mut session, out)?;
    let scenario = session.scenario();
    let pair = compare_pair(scenario, out.compare.as_deref())?;
    let settings = SimSettings {
        method: args.method.resolve(scenario),
        iterations: args.iterations as usize,
        seed: args.seed,
        fixed: parse_fixed(scenario, &args.set)?,
    };
    let most = match args.precision {
        Some(_) => args.max_iterations,
        None => args.iterations,
    };
    let (plan, to_stdout) = plan_run_outputs(out, &Inputs::scenario(&args.scenario), most)?;

    let progress = terminal::ProgressDisplay::on_stderr();
    let started = Instant::now();
    let run = match args.precision {
        None => session.run(settings, &progress)?,
        Some(target) => {
            if !(target > 0.0 && target.is_finite()) {
                return Err(Error::Usage(format!(
                    "--precision {target}: give a positive amount"
                )));
            }
            let max = args.max_iterations as usize;
            // the bar's length is the estimate of the iterations needed
            progress.stage(
                "run to precision",
                Some(precision::BATCH.min(max) as u64),
                "iterations (estimate)",
            );
            progress.set_note(format!("· MCSE ? → {target}"));
            let on_batch = |p: &precision::PrecisionProgress| {
                progress.set_steps(p.needed.max(p.next_end) as u64);
                progress.set_note(format!(
                    "· MCSE {} → {target}",
                    report::format::grouped(report::format::round_sig(p.mcse, 2), 0)
                ));
            };
            session.run_to_precision(settings, target, max, &progress, &on_batch)?
        }
    };
    progress.finish();
    if let Some(stop) = run.precision {
        let used = run.settings.iterations;
        terminal::eprintln(&if stop.reached {
            format!(
                "--precision {}: reached MCSE {:.1} after {used} iterations",
                stop.target, stop.mcse
            )
        } else {
            format!(
                "--precision {}: stopped at --max-iterations {used} with MCSE {:.1}",
                stop.target, stop.mcse
            )
        });
    }
    let elapsed = started.elapsed().as_secs_f64();
    write_run_outputs(out, &session, &run, plan, to_stdout, pair)?;
    let person_years =
        run.settings.iterations as f64 * scenario.person_years() * scenario.arms.len() as f64;
    let chosen = if args.method == MethodChoice::Auto {
        " (--method auto)"
    } else {
        ""
    };
    let threads = match session.threads() {
        1 => "1 thread".to_string(),
        n => format!("{n} threads"),
    };
    terminal::eprintln(&match run.settings.method {
        Method::Individual | Method::Counts => format!(
            "simulated {person_years:.2e} individual-years by the {} method{chosen} in {elapsed:.2} \
             s ({:.1} M/s, {threads})",
            run.settings.method.name(),
            person_years / elapsed / 1e6,
        ),
        Method::Expected => format!(
            "evaluated {} iterations by the expected method in {elapsed:.2} s ({:.1} µs per \
             iteration, {threads})",
            run.settings.iterations,
            elapsed / run.settings.iterations as f64 * 1e6,
        ),
    });
    Ok(())
}

/// `run --shard K/N --part FILE`: one block of the iterations, written as a part.
fn run_shard(args: &RunArgs, shard: &str, part: &Path) -> Result<()> {
    let shard = Shard::parse(shard).map_err(|e| Error::Usage(format!("--shard {e}")))?;
    if let Some(flag) = args.out.any() {
        return Err(Error::Usage(format!(
            "{flag}: a shard writes only its part (--part); give {flag} to `socinv merge`, \
             which writes the run's outputs"
        )));
    }
    if args.precision.is_some() {
        return Err(Error::Usage(
            "--precision cannot be split into shards (each batch decides the next); give \
             --iterations"
                .to_string(),
        ));
    }
    if is_dash(part) {
        return Err(Error::Usage(
            "--part -: a part is binary; give it a file name".to_string(),
        ));
    }
    let session = Session::load(&args.scenario, threads(args.threads))?;
    let scenario = session.scenario();
    let settings = SimSettings {
        method: args.method.resolve(scenario),
        iterations: args.iterations as usize,
        seed: args.seed,
        fixed: parse_fixed(scenario, &args.set)?,
    };
    if shard.iterations(settings.iterations).is_empty() {
        return Err(Error::Usage(format!(
            "--shard {shard}: {} iterations give shard {shard} none; use at most {} shards",
            settings.iterations, settings.iterations
        )));
    }
    let plan = OutputPlan::check(&[("--part", Some(part))], &Inputs::scenario(&args.scenario))?;
    let scenario_path = std::path::absolute(&args.scenario)
        .map_err(|e| Error::io(&args.scenario, e))?
        .to_string_lossy()
        .into_owned();
    let progress = terminal::ProgressDisplay::on_stderr();
    let part_value = session.run_shard(&settings, shard, scenario_path, &progress)?;
    progress.finish();
    let range = shard.iterations(settings.iterations);
    plan.commit(&[("--part", &part_value.encode())])?;
    terminal::eprintln(&format!(
        "Wrote {}: shard {shard}, iterations {}–{} of {}",
        part.display(),
        range.start + 1,
        range.end,
        settings.iterations
    ));
    Ok(())
}

/// `socinv merge PARTS…`: the run the parts make up, written as `run` writes it.
fn merge(args: &MergeArgs) -> Result<()> {
    // Each part is opened and its header checked here; its iterations are read a chunk at a
    // time as the merge files them, so no part is held whole.
    let names: Vec<String> = args.parts.iter().map(|p| p.display().to_string()).collect();
    let mut parts = Vec::with_capacity(args.parts.len());
    for (path, name) in args.parts.iter().zip(&names) {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        let reader = PartReader::open(std::io::BufReader::new(file), len)
            .map_err(|e| Error::Usage(format!("{name}: {e}")))?;
        parts.push(reader);
    }
    let headers: Vec<&shard::PartHeader> = parts.iter().map(|p| &p.header).collect();
    let order = shard::shard_order(&headers, &names).map_err(Error::Usage)?;
    let header = parts[order[0]].header.clone();
    let scenario_path = args
        .scenario
        .clone()
        .unwrap_or_else(|| PathBuf::from(&header.scenario_path));
    if !scenario_path.exists() {
        return Err(Error::Usage(format!(
            "the shards ran the scenario {}, which is not there now: give its place with \
             --scenario FILE.rhai",
            scenario_path.display()
        )));
    }
    let mut session =
        Session::load_named(&scenario_path, &header.scenario_file, threads(args.threads))?;
    let out = &args.out;
    choose_perspective(&mut session, out)?;
    let pair = compare_pair(session.scenario(), out.compare.as_deref())?;
    let mut inputs = Inputs::scenario(&scenario_path);
    for path in &args.parts {
        inputs.add(path);
    }
    let (plan, to_stdout) = plan_run_outputs(out, &inputs, header.iterations as u64)?;
    let mut next = order.into_iter();
    let mut part = next.next();
    let run = session.merged_from(&header, |chunk| {
        while let Some(i) = part {
            let read = (parts[i].read_chunk(crate::samples::CHUNK, chunk))
                .map_err(|e| Error::Usage(format!("{}: {e}", names[i])))?;
            if read > 0 {
                return Ok(());
            }
            part = next.next();
        }
        Ok(())
    })?;
    write_run_outputs(out, &session, &run, plan, to_stdout, pair)
}

/// Makes `--perspective` the session's decision perspective.
fn choose_perspective(session: &mut Session, out: &RunOutputArgs) -> Result<()> {
    if let Some(name) = &out.perspective {
        session
            .decide_for(name)
            .map_err(|e| Error::Usage(format!("--perspective {name}: {e}")))?;
    }
    Ok(())
}

/// Checks a run's outputs before it starts (`most`: the most iterations it may have).
fn plan_run_outputs(
    out: &RunOutputArgs,
    inputs: &Inputs,
    most: u64,
) -> Result<(OutputPlan, StdoutOutput)> {
    let outputs = out.files();
    let to_stdout = StdoutOutput::among(&outputs, &["--json"])?;
    let plan = OutputPlan::check(&files_only(&outputs), inputs)?;
    if out.samples.is_none()
        && (out.samples_layout != SamplesLayout::Wide || out.csv_dialect != CsvDialect::Standard)
    {
        return Err(Error::Usage(
            "--samples-layout and --csv-dialect set the layout of --samples; add --samples \
             FILE.csv"
                .to_string(),
        ));
    }
    if out.lang != Lang::Sv && out.report.is_none() && out.xlsx.is_none() {
        return Err(Error::Usage(
            "--lang sets the language of --report and --xlsx; add --report FILE.html or --xlsx \
             FILE.xlsx"
                .to_string(),
        ));
    }
    if out.xlsx.is_some() {
        report::xlsx::check_iterations(most as usize)?;
    }
    Ok((plan, to_stdout))
}

/// Renders a run's outputs, writes them all or none, then prints the summary (unless the JSON
/// goes to stdout) and the files written.
fn write_run_outputs(
    out: &RunOutputArgs,
    session: &Session,
    run: &crate::session::Run,
    plan: OutputPlan,
    to_stdout: StdoutOutput,
    pair: Option<(&str, &str)>,
) -> Result<()> {
    let scenario = session.scenario();
    let json = out.json.as_ref().map(|_| report::json(&run.results));
    // The samples grow with the iterations: written into their staged file as they are made.
    let write_samples = |to: &mut dyn std::io::Write| {
        csv_file::with_dialect(out.csv_dialect, || {
            run.write_samples_csv(scenario, out.samples_layout, to)
        })
        .map_err(|e| std::io::Error::other(e.to_string()))
    };
    let page = match &out.report {
        Some(_) => Some(run.report_html(scenario, out.lang, Some(html::today_utc()))?),
        None => None,
    };
    let workbook = match &out.xlsx {
        Some(_) => Some(run.workbook(scenario, out.lang)?),
        None => None,
    };
    // Everything is rendered (or, for the samples, staged) before the first file is put in
    // place; then all are put in place or none.
    let mut contents: Vec<(&str, Content)> = Vec::new();
    for (flag, bytes) in [
        ("--json", json.as_ref().map(|t| t.as_bytes())),
        ("--report", page.as_ref().map(|t| t.as_bytes())),
        ("--xlsx", workbook.as_deref()),
    ] {
        if let Some(bytes) = bytes {
            contents.push((flag, Content::Bytes(bytes)));
        }
    }
    if out.samples.is_some() {
        contents.push(("--samples", Content::Written(&write_samples)));
    }
    plan.commit_contents(&contents)?;
    let stdout_content = |flag: &str| match (contents.iter()).find(|(f, _)| *f == flag) {
        Some((_, Content::Bytes(bytes))) => *bytes,
        _ => unreachable!("{flag} - is checked to be a rendered output"),
    };
    match to_stdout.flag() {
        Some(flag) => terminal::write_stdout(stdout_content(flag))?,
        None => terminal::print(&report::summary_text_comparing(&run.results, pair))?,
    }
    for path in files_written(&out.files()) {
        terminal::eprintln(&format!("Wrote {}", path.display()));
    }
    Ok(())
}

/// The options named by `run --compare A B`, checked against the scenario's arms.
fn compare_pair<'a>(
    scenario: &Scenario,
    names: Option<&'a [String]>,
) -> Result<Option<(&'a str, &'a str)>> {
    let Some([a, b]) = names else {
        return Ok(None);
    };
    let options: Vec<&str> = scenario.arms.iter().map(|arm| arm.name.as_str()).collect();
    for name in [a, b] {
        if !options.contains(&name.as_str()) {
            return Err(Error::Usage(format!(
                "--compare: \"{name}\" is not an option of this scenario; the options are {}",
                options
                    .iter()
                    .map(|o| format!("\"{o}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    if a == b {
        return Err(Error::Usage(format!(
            "--compare: give two different options (both are \"{a}\")"
        )));
    }
    if scenario.arms.len() < 3 {
        return Err(Error::Usage(
            "--compare needs two or more interventions; with one, the summary already compares \
             it with ordinary practice"
                .to_string(),
        ));
    }
    Ok(Some((a.as_str(), b.as_str())))
}

/// `socinv report`: renders the HTML report (and workbook) from JSON files.
fn report_command(args: &ReportArgs) -> Result<()> {
    if args.output.is_none() && args.xlsx.is_none() {
        return Err(Error::Usage(
            "socinv report: say where to write, with -o report.html and/or --xlsx FILE.xlsx"
                .to_string(),
        ));
    }
    if args.output.is_none() && !args.sensitivity.is_empty() {
        return Err(Error::Usage(
            "--sensitivity goes into the HTML report; add -o report.html (the workbook holds \
             the run's results only)"
                .to_string(),
        ));
    }
    let inputs = std::iter::once(&args.results)
        .chain(&args.sensitivity)
        .cloned();
    let plan = OutputPlan::check(
        &[
            ("-o", args.output.as_deref()),
            ("--xlsx", args.xlsx.as_deref()),
        ],
        &Inputs::files(inputs),
    )?;
    let read_json = |path: &Path| -> Result<serde_json::Value> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        serde_json::from_str(&text)
            .map_err(|e| Error::Usage(format!("{}: not valid JSON: {e}", path.display())))
    };
    let value = read_json(&args.results)?;
    let schema = value.get("schema").and_then(|s| s.as_str()).unwrap_or("");
    if schema != crate::results::SCHEMA {
        return Err(Error::Usage(format!(
            "{}: expected the results of `socinv run --json` (schema \"{}\"), found schema \
             \"{schema}\"; sensitivity results go after --sensitivity",
            args.results.display(),
            crate::results::SCHEMA
        )));
    }
    let mut results = RunResults::from_json(value).map_err(|e| {
        Error::Usage(format!(
            "{}: not a socinv results file this version can read: {e}",
            args.results.display()
        ))
    })?;
    if let Some(name) = &args.perspective {
        results
            .choose_decision_perspective(name)
            .map_err(|e| Error::Usage(format!("--perspective {name}: {e}")))?;
    }
    let sensitivity = args
        .sensitivity
        .iter()
        .map(|p| read_json(p))
        .collect::<Result<Vec<_>>>()?;
    let page = match &args.output {
        Some(_) => Some(
            html::render(&results, &sensitivity, args.lang).map_err(|e| match e {
                // the library numbers its inputs; the user knows them by file name
                Error::Usage(msg) => Error::Usage(args.sensitivity.iter().enumerate().fold(
                    msg,
                    |msg, (i, path)| {
                        msg.replace(
                            &format!("sensitivity input {} ", i + 1),
                            &format!("--sensitivity {} ", path.display()),
                        )
                    },
                )),
                other => other,
            })?,
        ),
        None => None,
    };
    let workbook = match &args.xlsx {
        Some(_) => Some(report::xlsx::workbook_in(args.lang, &results, None)?),
        None => None,
    };
    let mut contents: Vec<(&str, &[u8])> = Vec::new();
    if let Some(text) = &page {
        contents.push(("-o", text.as_bytes()));
    }
    if let Some(bytes) = &workbook {
        contents.push(("--xlsx", bytes));
    }
    plan.commit(&contents)?;
    for path in args.output.iter().chain(&args.xlsx) {
        terminal::eprintln(&format!("Wrote {}", path.display()));
    }
    Ok(())
}

/// Writes the template of `socinv new` (Swedish or English) as NAME.rhai.
fn new_scenario(name: &str, lang: Lang) -> Result<()> {
    let path = if name.ends_with(".rhai") {
        PathBuf::from(name)
    } else {
        PathBuf::from(format!("{name}.rhai"))
    };
    let title = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string());
    let shown = path.display().to_string();
    let quoted = shlex::try_quote(&shown)
        .map_err(|_| Error::Usage(format!("{name:?}: a file name cannot hold a NUL character")))?;
    let template = match lang {
        Lang::Sv => include_str!("templates/new_scenario_sv.rhai"),
        Lang::En => include_str!("templates/new_scenario_en.rhai"),
    };
    let text = template
        .replace("\"NAME\"", &rhai_string(&title))
        .replace("SCENARIO_FILE", &quoted.replace(['\n', '\r'], " "));
    files::write_new(&path, text.as_bytes())?;
    terminal::println(&format!(
        "Wrote {shown}.\nCheck it with `socinv check {quoted}`,\nrun it with `socinv run {quoted}`."
    ))?;
    Ok(())
}

/// `text` as a rhai string literal: quotes, backslashes and control characters escaped.
fn rhai_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
