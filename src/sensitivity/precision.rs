//! Running until the Monte Carlo error is small enough: fixed-size batches of iterations until
//! the MCSE of every intervention's mean net is below a target. Iterations are keyed by their
//! index, so the same seed stops at the same iteration on any thread count.

use super::Estimate;
use crate::error::Result;
use crate::results::ComparisonSamples;
use crate::scenario::Scenario;
use crate::sim::{Draw, IterationResult, SimSettings, sample_parameters, simulate_draws};

/// Iterations per batch.
pub const BATCH: usize = 1_000;

/// The iterations of a run that stopped at the requested precision (or at `max_iterations`).
pub struct PreciseRun {
    pub iterations: Vec<IterationResult>,
    /// Whether every intervention's MCSE of the mean net reached the target.
    pub reached: bool,
    /// The largest MCSE of the mean net over the interventions when it stopped.
    pub mcse: f64,
}

/// Runs batches of [`BATCH`] iterations until the MCSE of every intervention's mean net is at
/// most `target`, or `max_iterations` are done. `settings.iterations` is ignored.
pub fn run_to_precision(
    scenario: &Scenario,
    settings: &SimSettings,
    target: f64,
    max_iterations: usize,
    on_iteration: &(dyn Fn() + Sync),
) -> Result<PreciseRun> {
    let mut iterations: Vec<IterationResult> = Vec::new();
    loop {
        let start = iterations.len();
        let end = (start + BATCH).min(max_iterations.max(2));
        let batch = simulate_draws(
            scenario,
            settings.seed,
            start..end,
            &|it| Draw {
                params: sample_parameters(scenario, settings, it),
                cohort_stream: it as u64,
            },
            on_iteration,
        )?;
        iterations.extend(batch);
        let mcse = scenario
            .interventions()
            .map(|(arm, _)| {
                Estimate::mean(&ComparisonSamples::new(scenario, &iterations, arm).net).mcse
            })
            .fold(0.0, f64::max);
        let reached = mcse <= target;
        if reached || iterations.len() >= max_iterations {
            return Ok(PreciseRun {
                iterations,
                reached,
                mcse,
            });
        }
    }
}
