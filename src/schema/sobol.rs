//! `socinv.sobol/1`: first-order and total Sobol indices of the net.

use super::{Estimate, Header, null_as_nan, pair_null_as_nan};
use serde::{Deserialize, Serialize};

/// The name of the cohort's random stream as an input.
pub const COHORT_CHANCE: &str = "cohort chance";

/// The Sobol indices of every intervention's net.
#[derive(Debug, Serialize, Deserialize)]
pub struct SobolReport {
    /// Its `iterations` are the model evaluations the analysis ran.
    #[serde(flatten)]
    pub header: Header,
    /// N, the rows of each sample matrix.
    pub base: usize,
    /// Model evaluations: N·(k + 3) for k inputs (uncertain parameters, a correlated group
    /// counting as one).
    pub evaluations: usize,
    /// Bootstrap resamples behind the confidence intervals.
    pub bootstrap: usize,
    /// The estimators used.
    pub estimators: String,
    pub results: Vec<SobolResult>,
}

/// One intervention's indices.
#[derive(Debug, Serialize, Deserialize)]
pub struct SobolResult {
    pub intervention: String,
    /// The mean net over the 2N evaluations of A and B (independent draws of every input).
    pub mean_net: Estimate,
    /// The variance of the net over the same evaluations: what the indices share out.
    #[serde(deserialize_with = "null_as_nan")]
    pub variance: f64,
    /// One per uncertain parameter, and cohort chance; largest total index first.
    pub indices: Vec<SobolIndex>,
}

/// One input's share of the variance of the net. An index is null (NaN) when the net does not
/// vary; a confidence bound is null without bootstrap resamples.
#[derive(Debug, Serialize, Deserialize)]
pub struct SobolIndex {
    /// A parameter's name, "a + b" for a correlated group, or "cohort chance".
    pub input: String,
    #[serde(deserialize_with = "null_as_nan")]
    pub first_order: f64,
    /// 95% percentile bootstrap interval.
    #[serde(deserialize_with = "pair_null_as_nan")]
    pub first_order_ci: [f64; 2],
    #[serde(deserialize_with = "null_as_nan")]
    pub total: f64,
    #[serde(deserialize_with = "pair_null_as_nan")]
    pub total_ci: [f64; 2],
}

impl SobolIndex {
    /// Whether the input is cohort chance (not a parameter).
    pub fn is_cohort_chance(&self) -> bool {
        self.input == COHORT_CHANCE
    }
}
