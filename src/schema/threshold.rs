//! `socinv.threshold/1`: the value of one parameter at which a target is met, and break-even
//! success rates.

use super::{Estimate, Header, Metric, null_as_nan};
use serde::{Deserialize, Serialize};

/// The target: a metric and the value it should reach.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub metric: Metric,
    pub value: f64,
}

/// The threshold of every intervention. Its JSON (`Serialize`) is written on the output side,
/// `report::sensitivity_table`, which adds each result's plain-words `statement`; reading
/// (`Deserialize`) passes over the statement, which follows from the numbers.
#[derive(Debug, Deserialize)]
pub struct ThresholdReport {
    #[serde(flatten)]
    pub header: Header,
    pub parameter: String,
    pub target: Target,
    /// The parameter's P1 and P99: where the root is sought.
    pub search_range: [f64; 2],
    pub results: Vec<ThresholdResult>,
    /// Break-even success rates per intervention and outcome, from a run with all parameters
    /// drawn.
    pub break_even: Vec<BreakEven>,
}

/// Whether the target is met within the search range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdStatus {
    /// The metric crosses the target: `value` is where.
    Found,
    /// The target is not crossed within P1–P99.
    NotMet,
}

/// One intervention's threshold (written with its `statement` after `value_mcse`).
#[derive(Debug, Deserialize)]
pub struct ThresholdResult {
    pub intervention: String,
    pub status: ThresholdStatus,
    pub value: Option<f64>,
    /// Monte Carlo standard error of the value: the metric's MCSE at the root ÷ |slope|.
    pub value_mcse: Option<f64>,
    /// The metric on the grid searched first.
    pub curve: Vec<CurvePoint>,
}

/// The metric at one trial value.
#[derive(Debug, Serialize, Deserialize)]
pub struct CurvePoint {
    pub value: f64,
    pub metric: Estimate,
}

/// WSIPP-style break-even success of one intervention and outcome.
#[derive(Debug, Serialize, Deserialize)]
pub struct BreakEven {
    pub intervention: String,
    pub outcome: String,
    /// Mean outcomes avoided per participant (the success rate achieved).
    #[serde(deserialize_with = "null_as_nan")]
    pub achieved_per_participant: f64,
    /// Its Monte Carlo standard error (delta method for a ratio of means).
    #[serde(deserialize_with = "null_as_nan")]
    pub achieved_per_participant_mcse: f64,
    /// Mean program cost per participant.
    #[serde(deserialize_with = "null_as_nan")]
    pub cost_per_participant: f64,
    /// Mean savings per avoided outcome, as if this outcome carried all the savings.
    #[serde(deserialize_with = "null_as_nan")]
    pub value_per_avoided: f64,
    /// cost per participant ÷ value per avoided outcome: the avoided outcomes per participant
    /// needed to break even.
    #[serde(deserialize_with = "null_as_nan")]
    pub break_even_per_participant: f64,
    /// Its Monte Carlo standard error (delta method).
    #[serde(deserialize_with = "null_as_nan")]
    pub break_even_per_participant_mcse: f64,
}
