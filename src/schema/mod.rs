//! The typed result values of the sensitivity analyses and the follow-up: what `socinv
//! tornado|sweep|threshold|sobol|voi|follow-up --json` write and what every output (terminal
//! table, CSV, HTML report) reads.
//!
//! Each output is one struct with `Serialize` and `Deserialize`, versioned by its `schema` field
//! (`socinv.tornado/1`, …); [`SensitivityOutput::from_json`] reads a file by that field. A value
//! written and read back serialises to the same bytes. Undefined numbers (NaN) are written as
//! `null` and read back as NaN. The threshold's `Serialize` is the output side's
//! (`report::sensitivity_table`), as it writes a statement in words.
//!
//! May import: `error`, `scenario` (labels), `stats` and outside crates. Imported by the
//! analyses (`sensitivity`, `results`, `compare`), which produce these values, and by `report`,
//! which shows them. Nothing here computes or formats.

pub mod drivers;
pub mod followup;
pub mod sobol;
pub mod sweep;
pub mod threshold;
pub mod tornado;
pub mod voi;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

pub use drivers::Driver;
pub use sobol::{COHORT_CHANCE, SobolIndex, SobolReport, SobolResult};
pub use sweep::{Axis, PointResult, SweepPoint, SweepReport};
pub use threshold::{
    BreakEven, CurvePoint, Target, ThresholdReport, ThresholdResult, ThresholdStatus,
};
pub use tornado::{Bar, Others, TornadoReport, TornadoResult};
pub use voi::{DecisionOption, Evpi, Evppi, VoiReport};

/// What an analysis measures, per intervention. Every metric is the mean over iterations of a
/// per-iteration value, so its Monte Carlo standard error is sd/√n and the difference of two
/// runs with common random numbers has the paired standard error. (The ROI, a ratio of means,
/// is the mean of its linearised values, which carry its delta-method error.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
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

/// An estimate with its Monte Carlo standard error.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    #[serde(deserialize_with = "null_as_nan")]
    pub value: f64,
    #[serde(deserialize_with = "null_as_nan")]
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

/// Identifies an analysis' output: what was run, on what, with which seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// `socinv.tornado/1`, …: which type the rest of the file is.
    pub schema: String,
    pub socinv_version: String,
    pub scenario: String,
    pub file: String,
    pub source_hash: String,
    pub iterations: usize,
    pub seed: u64,
    /// How each evaluation of the model evaluated the cohort (`--method`); absent in files
    /// written before the methods existed, which were all individual. (`method` is each
    /// analysis' own statistical method, in words.)
    #[serde(default)]
    pub cohort_method: crate::sim::Method,
    /// "all actors" or a perspective's name.
    pub perspective: String,
    /// Parameters fixed with `--set`, by name.
    pub fixed: indexmap::IndexMap<String, f64>,
    /// The scenario's labels and units, for the tables (absent when it gives none).
    #[serde(default, skip_serializing_if = "crate::scenario::Labels::is_empty")]
    pub labels: crate::scenario::Labels,
}

/// The schema identifiers, one per output type.
pub const TORNADO: &str = "socinv.tornado/1";
pub const SWEEP: &str = "socinv.sweep/1";
pub const THRESHOLD: &str = "socinv.threshold/1";
pub const SOBOL: &str = "socinv.sobol/1";
pub const VOI: &str = "socinv.voi/1";
/// Every sensitivity schema, in the order the report lists them.
pub const SCHEMAS: [&str; 5] = [TORNADO, SWEEP, THRESHOLD, SOBOL, VOI];

/// One sensitivity analysis' output, of whichever type its `schema` names.
#[derive(Debug)]
pub enum SensitivityOutput {
    Tornado(TornadoReport),
    Sweep(SweepReport),
    Threshold(ThresholdReport),
    Sobol(SobolReport),
    Voi(VoiReport),
}

impl SensitivityOutput {
    /// Reads a JSON value into the type its `schema` field names. An error says which field is
    /// missing or wrong (`Error::Usage`); an unknown schema lists the known ones.
    pub fn from_json(value: serde_json::Value) -> Result<SensitivityOutput> {
        let schema = value
            .get("schema")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_string();
        let bad = |e: serde_json::Error| Error::Usage(format!("({schema}) cannot be read: {e}"));
        Ok(match schema.as_str() {
            TORNADO => SensitivityOutput::Tornado(serde_json::from_value(value).map_err(bad)?),
            SWEEP => SensitivityOutput::Sweep(serde_json::from_value(value).map_err(bad)?),
            THRESHOLD => SensitivityOutput::Threshold(serde_json::from_value(value).map_err(bad)?),
            SOBOL => SensitivityOutput::Sobol(serde_json::from_value(value).map_err(bad)?),
            VOI => SensitivityOutput::Voi(serde_json::from_value(value).map_err(bad)?),
            _ => {
                return Err(Error::Usage(format!(
                    "has the unknown schema \"{schema}\"; the report reads {}",
                    SCHEMAS.join(", ")
                )));
            }
        })
    }

    /// The header every output carries.
    pub fn header(&self) -> &Header {
        match self {
            SensitivityOutput::Tornado(r) => &r.header,
            SensitivityOutput::Sweep(r) => &r.header,
            SensitivityOutput::Threshold(r) => &r.header,
            SensitivityOutput::Sobol(r) => &r.header,
            SensitivityOutput::Voi(r) => &r.header,
        }
    }
}

/// Reads a number, or `null` (how JSON writes NaN) as NaN.
pub fn null_as_nan<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    Option::<f64>::deserialize(d).map(|v| v.unwrap_or(f64::NAN))
}

/// Reads a pair of numbers, each possibly `null` (NaN).
pub fn pair_null_as_nan<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<[f64; 2], D::Error> {
    <[Option<f64>; 2]>::deserialize(d).map(|[a, b]| [a.unwrap_or(f64::NAN), b.unwrap_or(f64::NAN)])
}
