//! Sensitivity analyses for researchers: which inputs drive the answer, how large an effect must
//! be to pay back, and what more evidence would be worth.
//!
//! Every analysis reuses the same random streams across the runs it compares (common random
//! numbers): parameter draws and cohorts are keyed by (seed, iteration), and fixing a parameter
//! leaves every other draw in place. A difference between two settings therefore comes from the
//! setting, not from chance, and the same seed gives the same output on any thread count.
//!
//! May import: `samples`, `schema`, `sim`, `scenario`, `stats`, `error`; never `report`
//! (analyses return values and never format), `results` or `compare`.

pub mod drivers;
pub mod precision;
pub mod sobol;
pub mod sweep;
pub mod threshold;
pub mod tornado;
pub mod voi;

pub use crate::schema::{Estimate, Header, Metric};

use crate::error::{Error, Result};
use crate::samples::ComparisonSamples;
use crate::scenario::Scenario;
use crate::sim::{IterationResult, Method, SimSettings, simulate};

/// The metric computed (the type is the schema's; its computation is the analyses').
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
    /// How every evaluation of the model evaluates the cohort.
    pub method: Method,
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
            method: self.method,
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
    pub fn header(&self, schema: &str) -> Header {
        Header {
            schema: schema.to_string(),
            socinv_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: self.scenario.name.clone(),
            file: self.scenario.file.clone(),
            source_hash: self.scenario.source_hash.clone(),
            iterations: self.iterations,
            seed: self.seed,
            cohort_method: self.method,
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
