//! `socinv.voi/1`: the value of information for the decision *invest or not*; and the EVPI per
//! point of view that every run reports (`value_of_information` in `socinv.results/…`).

use super::{Header, null_as_nan};
use serde::{Deserialize, Serialize};

/// The value of perfect information for one point of view.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Evpi {
    /// "all actors" or a perspective's name.
    pub perspective: String,
    /// The option with the highest expected net benefit: ordinary practice or an intervention.
    pub decision: String,
    /// Mean over iterations of max_a NB_a − max_a mean(NB_a); an upper bound (cohort chance).
    #[serde(deserialize_with = "null_as_nan")]
    pub evpi: f64,
    /// sd(max_a NB_a − NB_a*)/√n, given the choice a*.
    #[serde(deserialize_with = "null_as_nan")]
    pub evpi_mcse: f64,
    /// The value of perfect information about all parameters (additive spline regression).
    #[serde(deserialize_with = "null_as_nan")]
    pub evpi_parameters: f64,
    /// The Monte Carlo standard error of `evpi_parameters` given the fit (not counting the
    /// regression's own error).
    #[serde(default, deserialize_with = "null_as_nan")]
    pub evpi_parameters_mcse: f64,
}

/// The value of perfect information about one parameter (or a correlated group, "a + b").
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Evppi {
    pub parameter: String,
    #[serde(deserialize_with = "null_as_nan")]
    pub evppi: f64,
    /// Its Monte Carlo standard error given the fit: sd(max_a g_a − g_a*)/√n over the fitted
    /// values g (not counting the regression's own error).
    #[serde(default, deserialize_with = "null_as_nan")]
    pub evppi_mcse: f64,
    /// evppi / evpi (0 when the EVPI is 0).
    #[serde(deserialize_with = "null_as_nan")]
    pub share_of_evpi: f64,
}

/// One option of the decision and its expected net benefit on current evidence.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DecisionOption {
    pub name: String,
    #[serde(deserialize_with = "null_as_nan")]
    pub expected_net: f64,
}

/// The output of `socinv voi` (schema "socinv.voi/1").
#[derive(Debug, Serialize, Deserialize)]
pub struct VoiReport {
    #[serde(flatten)]
    pub header: Header,
    /// The currency of every amount.
    pub currency: String,
    /// The number of people the amounts are for.
    pub cohort: u32,
    /// Ordinary practice first, then each intervention.
    pub options: Vec<DecisionOption>,
    pub evpi: Evpi,
    /// One per uncertain parameter, largest first.
    pub evppi: Vec<Evppi>,
    /// How the values were computed, in words.
    pub method: String,
}
