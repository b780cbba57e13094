//! Sensitivity analyses for researchers: which inputs drive the answer, how large an effect must
//! be to pay back, and what more evidence would be worth.
//!
//! Every analysis reuses the same random streams across the runs it compares (common random
//! numbers): parameter draws and cohorts are keyed by (seed, iteration), and fixing a parameter
//! leaves every other draw in place. A difference between two settings therefore comes from the
//! setting, not from chance, and the same seed gives the same output on any thread count.

pub mod drivers;
pub mod precision;
pub mod sobol;
pub mod sweep;
pub mod threshold;
pub mod tornado;
pub mod voi;

use crate::error::{Error, Result};
use crate::results::ComparisonSamples;
use crate::scenario::Scenario;
use crate::sim::{IterationResult, SimSettings, simulate};
use serde::Serialize;

/// What an analysis measures, per intervention. Every metric is the mean over iterations of a
/// per-iteration value, so its Monte Carlo standard error is sd/√n and the difference of two
/// runs with common random numbers has the paired standard error. (The ROI, a ratio of means,
/// is the mean of its linearised values, which carry its delta-method error.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Mean net return (baseline cost − intervention cost, program included).
    Net,
    /// Probability that the net is positive.
    #[value(name = "prob_net_positive", alias = "prob-net-positive")]
    ProbNetPositive,
    /// Mean net / mean investment (the ratio of means, as in the summary).
    Roi,
    /// Probability of payback within the horizon.
    Payback,
}

impl Metric {
    /// The per-iteration values whose mean is the metric, for intervention `arm` from the point
    /// of view `perspective` (None: all actors, the headline net). For the ROI R = mean(N) /
    /// mean(I) they are R + (N_i − R·I_i) / mean(I): their mean is R and their sd/√n its
    /// delta-method MCSE, and the paired difference of two runs' values linearises R₂ − R₁.
    pub fn values(
        self,
        scenario: &Scenario,
        iterations: &[IterationResult],
        arm: usize,
        perspective: Option<usize>,
    ) -> Result<Vec<f64>> {
        let s = ComparisonSamples::new(scenario, iterations, arm);
        let net = match perspective {
            Some(p) => s.by_perspective[p].clone(),
            None => s.net.clone(),
        };
        Ok(match self {
            Metric::Net => net,
            Metric::ProbNetPositive => net.iter().map(|v| f64::from(u8::from(*v > 0.0))).collect(),
            Metric::Roi => {
                let Some(r) = crate::stats::RatioOfMeans::of(&net, &s.investment) else {
                    return Err(Error::Usage(format!(
                        "the ROI of \"{}\" is undefined: its mean investment is 0",
                        scenario.arms[arm].name
                    )));
                };
                r.influence.iter().map(|z| r.ratio + z).collect()
            }
            Metric::Payback => {
                if perspective.is_some() {
                    return Err(Error::Usage(
                        "the payback metric is reckoned over all actors; drop --perspective".into(),
                    ));
                }
                s.payback
                    .iter()
                    .map(|p| f64::from(u8::from(p.is_some())))
                    .collect()
            }
        })
    }
}

/// An estimate with its Monte Carlo standard error.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    pub mcse: f64,
}

impl Estimate {
    /// The mean of `values` and sd/√n.
    pub fn mean(values: &[f64]) -> Estimate {
        let n = values.len() as f64;
        let value = values.iter().sum::<f64>() / n;
        let var = if values.len() > 1 {
            values.iter().map(|v| (v - value).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        Estimate {
            value,
            mcse: (var / n).sqrt(),
        }
    }

    /// The mean of `b − a`, paired by iteration (common random numbers).
    pub fn paired_difference(a: &[f64], b: &[f64]) -> Estimate {
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
        Estimate::mean(&d)
    }
}

/// Where an analysis reports how far it has got: the command line shows it as a progress bar on
/// a terminal; tests and library callers pass [`NoProgress`]. The analyses only count; they
/// never format or print.
pub trait Progress: Sync {
    /// A new stage of work: what it is, how many steps it takes (`None`: not known ahead) and
    /// what a step is ("iterations", "regressions").
    fn stage(&self, label: &str, steps: Option<u64>, unit: &'static str);
    /// `steps` more steps of the current stage are done (called from any thread).
    fn advance(&self, steps: u64);
}

/// Progress nobody watches.
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _label: &str, _steps: Option<u64>, _unit: &'static str) {}
    fn advance(&self, _steps: u64) {}
}

/// What every analysis needs: the scenario (built once), the run settings, the point of view.
pub struct Analysis<'s> {
    pub scenario: &'s Scenario,
    pub iterations: usize,
    pub seed: u64,
    /// Parameters fixed for the whole analysis (`--set`).
    pub fixed: Vec<(usize, f64)>,
    /// A perspective index, or None for the headline net over all actors.
    pub perspective: Option<usize>,
    /// Told of every simulated iteration and of each stage of the analysis.
    pub progress: &'s dyn Progress,
}

impl<'s> Analysis<'s> {
    /// An error naming `what` when no parameter is left to vary (none declared, or every one
    /// fixed with `--set`): the analysis would have nothing to report.
    pub fn require_uncertain_parameters(&self, what: &str) -> Result<()> {
        let sc = self.scenario;
        let free = (0..sc.parameters.len()).any(|i| !self.fixed.iter().any(|&(f, _)| f == i));
        if free {
            return Ok(());
        }
        let why = if sc.parameters.is_empty() {
            "the scenario declares none with param(...)"
        } else {
            "--set fixes every one"
        };
        let attributes = if sc.attributes.is_empty() {
            ""
        } else {
            "; attributes, drawn per person, are not parameters"
        };
        Err(Error::Usage(format!(
            "{}: {what} varies the uncertain parameters, and there is none to vary: {why}{attributes}",
            sc.file
        )))
    }

    /// Simulates with some parameters fixed at values (on top of the analysis' own `--set`s);
    /// all other draws are the same in every call (common random numbers).
    pub fn run_with(&self, fixed: &[(usize, f64)]) -> Result<Vec<IterationResult>> {
        let mut all = self.fixed.clone();
        all.extend_from_slice(fixed);
        let settings = SimSettings {
            iterations: self.iterations,
            seed: self.seed,
            fixed: all,
        };
        simulate(self.scenario, &settings, &|| self.progress.advance(1))
    }

    /// The metric's per-iteration values for every intervention: `values[intervention - 1]`.
    pub fn metric_values(
        &self,
        metric: Metric,
        iterations: &[IterationResult],
    ) -> Result<Vec<Vec<f64>>> {
        self.scenario
            .interventions()
            .map(|(arm, _)| metric.values(self.scenario, iterations, arm, self.perspective))
            .collect()
    }

    /// Parameters that vary (fixed distributions and `--set` ones are left out).
    pub fn uncertain_parameters(&self) -> Vec<usize> {
        self.scenario
            .parameters
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                !p.distribution.dist.is_fixed() && !self.fixed.iter().any(|(j, _)| j == i)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The perspective's name for outputs.
    pub fn perspective_name(&self) -> String {
        match self.perspective {
            Some(p) => self.scenario.perspectives[p].name.clone(),
            None => "all actors".to_string(),
        }
    }

    /// The header shared by every analysis' JSON.
    pub fn header(&self, schema: &'static str) -> Header {
        Header {
            schema,
            socinv_version: env!("CARGO_PKG_VERSION"),
            scenario: self.scenario.name.clone(),
            file: self.scenario.file.clone(),
            source_hash: self.scenario.source_hash.clone(),
            iterations: self.iterations,
            seed: self.seed,
            perspective: self.perspective_name(),
            fixed: self
                .fixed
                .iter()
                .map(|(i, v)| (self.scenario.parameters[*i].name.clone(), *v))
                .collect(),
            labels: self.scenario.labels.clone(),
        }
    }
}

/// Identifies an analysis' output: what was run, on what, with which seed.
#[derive(Clone, Debug, Serialize)]
pub struct Header {
    pub schema: &'static str,
    pub socinv_version: &'static str,
    pub scenario: String,
    pub file: String,
    pub source_hash: String,
    pub iterations: usize,
    pub seed: u64,
    pub perspective: String,
    pub fixed: indexmap::IndexMap<String, f64>,
    /// The scenario's labels and units, for the tables (absent when it gives none).
    #[serde(skip_serializing_if = "crate::scenario::Labels::is_empty")]
    pub labels: crate::scenario::Labels,
}

/// The metric's value for readers: amounts for net and ROI, percentages for probabilities.
pub fn show(metric: Metric, value: f64) -> String {
    match metric {
        Metric::Net | Metric::Roi => crate::report::format::amount(value),
        Metric::ProbNetPositive | Metric::Payback => {
            format!("{:.1}%", value * 100.0)
        }
    }
}

/// A metric's estimate with its MCSE, "X (± Y)": amounts rounded to what the MCSE supports.
pub fn show_with_mcse(metric: Metric, value: f64, mcse: f64) -> String {
    match metric {
        Metric::Net | Metric::Roi => crate::report::format::mean_with_mcse(value, mcse),
        Metric::ProbNetPositive | Metric::Payback => {
            format!("{} (± {})", show(metric, value), show(metric, mcse))
        }
    }
}

/// What the metric is, in words.
pub fn metric_label(metric: Metric) -> &'static str {
    match metric {
        Metric::Net => "the mean net",
        Metric::ProbNetPositive => "the probability of a positive net",
        Metric::Roi => "the ROI (mean net / mean investment)",
        Metric::Payback => "the probability of payback within the horizon",
    }
}
