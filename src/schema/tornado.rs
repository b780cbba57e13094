//! `socinv.tornado/1`: one-way sensitivity, each parameter at a low and a high quantile.

use super::{Estimate, Header, Metric, null_as_nan};
use serde::{Deserialize, Serialize};

/// What the other parameters do while one is moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Others {
    /// Keep their distributions (the metric is an expectation over them); parameters correlated
    /// with the one moved are drawn given it.
    Vary,
    /// Sit at their medians (a classic deterministic one-way analysis, cohort chance aside);
    /// parameters correlated with the one moved sit at their medians given it.
    Median,
}

/// The tornado of every intervention.
#[derive(Debug, Serialize, Deserialize)]
pub struct TornadoReport {
    #[serde(flatten)]
    pub header: Header,
    pub metric: Metric,
    /// The quantiles used for "low" and "high".
    pub low: f64,
    pub high: f64,
    pub others: Others,
    /// Correlated parameters, by group: moving one conditions the others of its group (absent
    /// when the scenario has no correlations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlated: Vec<Vec<String>>,
    pub results: Vec<TornadoResult>,
}

/// One intervention's tornado.
#[derive(Debug, Serialize, Deserialize)]
pub struct TornadoResult {
    pub intervention: String,
    /// The metric with every parameter as in `others` (nothing moved).
    pub base: Estimate,
    /// Sorted by the size of the swing, largest first.
    pub bars: Vec<Bar>,
}

/// One parameter's bar.
#[derive(Debug, Serialize, Deserialize)]
pub struct Bar {
    pub parameter: String,
    /// The parameter's value at the low and the high quantile.
    #[serde(deserialize_with = "null_as_nan")]
    pub low_value: f64,
    #[serde(deserialize_with = "null_as_nan")]
    pub high_value: f64,
    pub at_low: Estimate,
    pub at_high: Estimate,
    /// at_high − at_low, with the standard error of the paired difference.
    pub swing: Estimate,
}
