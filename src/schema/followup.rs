//! The follow-up's result: the parameters' distribution before and after the observed cohort
//! (`socinv.followup/1`).
//!
//! May import: `scenario` (labels) and outside crates.

use serde::{Deserialize, Serialize};

/// The schema identifier of [`FollowUpReport`].
pub const FOLLOWUP: &str = "socinv.followup/1";

/// What `socinv follow-up` found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUpReport {
    /// [`FOLLOWUP`].
    pub schema: String,
    pub socinv_version: String,
    pub scenario: String,
    pub file: String,
    pub source_hash: String,
    /// The observed file's name.
    pub observed_file: String,
    pub seed: u64,
    /// Parameters fixed with `--set`, by name.
    pub fixed: indexmap::IndexMap<String, f64>,
    /// The scenario's labels and units, for the tables (absent when it gives none).
    #[serde(default, skip_serializing_if = "crate::scenario::Labels::is_empty")]
    pub labels: crate::scenario::Labels,
    pub observed: ObservedSummary,
    pub posterior: PosteriorSummary,
    /// Every parameter that is not fixed, those the data informed most first.
    pub parameters: Vec<ParameterUpdate>,
}

/// The size of the observed cohort.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObservedSummary {
    pub people: usize,
    /// People who took part in an intervention.
    pub participants: usize,
    pub person_years: usize,
    /// Observed yearly moves.
    pub moves: usize,
    /// Years observed (the longest history).
    pub years: usize,
    /// The last observed year: the calendar year where the scenario has `first_year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_calendar_year: Option<i32>,
}

/// How the posterior was computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PosteriorSummary {
    pub method: PosteriorMethod,
    pub particles: usize,
    /// The effective sample size of the final weights.
    pub effective_sample_size: f64,
    /// Tempering steps (0 for importance sampling).
    pub stages: usize,
    /// pCN moves per particle and step.
    pub moves_per_stage: usize,
    /// The share of moves accepted (absent for importance sampling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<f64>,
    /// log p(observed), the log marginal likelihood of the observed histories.
    pub log_evidence: f64,
}

/// How the posterior was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PosteriorMethod {
    /// The prior's draws weighted by the likelihood.
    ImportanceSampling,
    /// The likelihood tempered in steps, with resampling and pCN moves after each.
    SequentialMonteCarlo,
}

/// One parameter before and after the observations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParameterUpdate {
    pub name: String,
    pub prior: Spread,
    pub posterior: Spread,
    /// The Monte Carlo standard error of the posterior mean (sd/√ESS; after sequential Monte
    /// Carlo a lower bound, as the moved particles are correlated).
    pub posterior_mean_mcse: f64,
    /// The posterior sd over the prior sd.
    pub sd_ratio: f64,
    /// The posterior's P5, P50 and P95 as percentiles of the prior (its share of prior draws
    /// at or below each, 0–1): where the prior's 90 % range is 0.05–0.95 for every parameter,
    /// the scale on which the report draws them side by side.
    #[serde(default)]
    pub posterior_in_prior: [f64; 3],
    pub verdict: Verdict,
    /// Whether observed states can inform it: a transition or a starting share reads it, or
    /// it is correlated with one that does. The others keep their prior (up to Monte Carlo
    /// error).
    pub informed: bool,
}

/// A distribution's mean, sd and 5th, 50th and 95th percentiles.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub mean: f64,
    pub sd: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// What the observations said about an assumption, in the order checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The posterior's median lies outside the prior's P5–P95: the data point to a value the
    /// assumption held unlikely.
    Contradicted,
    /// Not contradicted, but the prior's median lies outside the posterior's P5–P95: the data
    /// moved the assumption within the range it allowed.
    Shifted,
    /// Neither, and the posterior sd is at most 0.8 × the prior's: the data narrowed the
    /// assumption around its own values.
    Confirmed,
    /// None of these, or no observation can inform it: the data say little about it yet.
    Unchanged,
}
