//! A parameter's rank association with an output (part of `socinv.results/…`).

use super::null_as_nan;
use serde::{Deserialize, Serialize};

/// One parameter's association with an output.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Driver {
    pub parameter: String,
    /// Spearman rank correlation with the output.
    #[serde(deserialize_with = "null_as_nan")]
    pub spearman: f64,
    /// Partial rank correlation: the rank correlation left once the other parameters' ranks are
    /// accounted for (linearly). `None` when the ranks are collinear.
    pub prcc: Option<f64>,
    /// Approximate standard error of a rank correlation ρ near independence: (1 − ρ²)/√(n − 3)
    /// (Fisher); the order of the Monte Carlo error of these estimates.
    #[serde(deserialize_with = "null_as_nan")]
    pub se: f64,
}
