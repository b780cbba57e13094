//! `socinv.sweep/1`: the results over a 1-D or 2-D grid of parameter values.

use super::{Estimate, Header, null_as_nan};
use serde::{Deserialize, Serialize};

/// One axis of the grid: a parameter and its values.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Axis {
    pub parameter: String,
    /// The parameter's index in the scenario (not written; 0 when read back).
    #[serde(skip)]
    pub index: usize,
    pub values: Vec<f64>,
}

/// The sweep of every intervention.
#[derive(Debug, Serialize, Deserialize)]
pub struct SweepReport {
    #[serde(flatten)]
    pub header: Header,
    pub axes: Vec<Axis>,
    /// Grid points in row-major order (the last axis varies fastest).
    pub points: Vec<SweepPoint>,
}

/// One grid point.
#[derive(Debug, Serialize, Deserialize)]
pub struct SweepPoint {
    /// One value per axis.
    pub values: Vec<f64>,
    /// One per intervention.
    pub results: Vec<PointResult>,
}

/// One intervention at one grid point.
#[derive(Debug, Serialize, Deserialize)]
pub struct PointResult {
    pub intervention: String,
    pub net: Estimate,
    #[serde(deserialize_with = "null_as_nan")]
    pub net_p5: f64,
    #[serde(deserialize_with = "null_as_nan")]
    pub net_p95: f64,
    pub prob_net_positive: Estimate,
    pub prob_payback: Estimate,
}
