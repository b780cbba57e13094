//! Running until the Monte Carlo error is small enough: batches of iterations until the MCSE of
//! every intervention's mean net is at most a target.
//!
//! The mean and variance of each intervention's net are accumulated as the batches arrive
//! (Welford, in iteration order), so checking costs the batch, not the run. After the first
//! batch the iterations needed are estimated as n·(MCSE/target)² and the run proceeds in
//! batches towards that estimate (each at most doubling the run, re-estimated after each), so a
//! noisy first estimate cannot overshoot by much. Iterations are keyed by their index and the
//! batch sizes follow from the accumulated values alone, so the same seed stops at the same
//! iteration on any thread count.

use crate::error::Result;
use crate::samples::{CHUNK, net_of};
use crate::scenario::Scenario;
use crate::sim::{IterationResult, SimSettings, simulate_in_chunks};

/// Iterations of the first batch, and the granularity of the later ones.
pub const BATCH: usize = 1_000;

/// How a run to precision stopped (at the requested precision or at `max_iterations`).
pub struct PreciseRun {
    /// The iterations run.
    pub iterations: usize,
    /// Whether every intervention's MCSE of the mean net reached the target.
    pub reached: bool,
    /// The largest MCSE of the mean net over the interventions when it stopped.
    pub mcse: f64,
}

/// Where a run to precision stands after a batch.
#[derive(Clone, Copy, Debug)]
pub struct PrecisionProgress {
    pub done: usize,
    /// The largest MCSE of the mean net over the interventions.
    pub mcse: f64,
    /// The estimated iterations needed, n·(MCSE/target)², at most `max_iterations`.
    pub needed: usize,
    /// Where the next batch ends (`done` when the run stops here).
    pub next_end: usize,
}

/// Welford's running mean and sum of squared deviations.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunningMean {
    n: u64,
    mean: f64,
    m2: f64,
}

impl RunningMean {
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// sd/√n; infinite with fewer than 2 values.
    pub fn mcse(&self) -> f64 {
        if self.n < 2 {
            return f64::INFINITY;
        }
        let n = self.n as f64;
        (self.m2.max(0.0) / (n - 1.0) / n).sqrt()
    }
}

/// The iterations the estimate `mcse` after `done` suggests for `target`, n·(MCSE/target)².
fn needed(done: usize, mcse: f64, target: f64, max_iterations: usize) -> usize {
    let n = done as f64 * (mcse / target).powi(2);
    if n.is_finite() {
        (n.ceil() as usize).clamp(done, max_iterations.max(done))
    } else {
        max_iterations.max(done)
    }
}

/// The end of the next batch: towards `needed`, at least [`BATCH`], at most doubling the run,
/// in whole batches, never past `max_iterations`.
fn next_end(done: usize, needed: usize, max_iterations: usize) -> usize {
    let step = needed.saturating_sub(done).clamp(BATCH, done.max(BATCH));
    (done + step.div_ceil(BATCH) * BATCH).min(max_iterations)
}

/// Runs batches until the MCSE of every intervention's mean net is at most `target`, or
/// `max_iterations` are done. `settings.iterations` is ignored. The iterations are handed to
/// `take` in order, [`CHUNK`] at a time; `on_iteration` is called after each iteration,
/// `on_batch` after each batch.
pub fn run_to_precision(
    scenario: &Scenario,
    settings: &SimSettings,
    (target, max_iterations): (f64, usize),
    on_iteration: &(dyn Fn() + Sync),
    on_batch: &dyn Fn(&PrecisionProgress),
    take: &mut dyn FnMut(Vec<IterationResult>) -> Result<()>,
) -> Result<PreciseRun> {
    let max_iterations = max_iterations.max(2);
    let arms: Vec<usize> = scenario.interventions().map(|(a, _)| a).collect();
    let mut nets = vec![RunningMean::default(); arms.len()];
    let mut done = 0;
    let mut end = BATCH.min(max_iterations);
    loop {
        simulate_in_chunks(
            scenario,
            settings,
            (done..end, CHUNK),
            on_iteration,
            &mut |chunk| {
                for it in &chunk {
                    for (acc, &arm) in nets.iter_mut().zip(&arms) {
                        acc.push(net_of(it, arm));
                    }
                }
                take(chunk)
            },
        )?;
        done = end;
        let mcse = nets.iter().map(RunningMean::mcse).fold(0.0, f64::max);
        let reached = mcse <= target;
        let needed = needed(done, mcse, target, max_iterations);
        let stop = reached || done >= max_iterations;
        end = if stop {
            done
        } else {
            next_end(done, needed, max_iterations)
        };
        on_batch(&PrecisionProgress {
            done,
            mcse,
            needed,
            next_end: end,
        });
        if stop {
            return Ok(PreciseRun {
                iterations: done,
                reached,
                mcse,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_agrees_with_the_two_pass_mean_and_mcse() {
        let values: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 * 1e3)
            .collect();
        let mut acc = RunningMean::default();
        values.iter().for_each(|v| acc.push(*v));
        let e = crate::sensitivity::Estimate::mean(&values);
        assert!((acc.mean() - e.value).abs() < 1e-9 * e.value.abs());
        assert!((acc.mcse() / e.mcse - 1.0).abs() < 1e-12);
    }

    #[test]
    fn batches_head_for_the_estimate_without_overshooting_much() {
        // MCSE 2× the target after 1000: about 4000 needed
        assert_eq!(needed(1000, 20.0, 10.0, 1_000_000), 4000);
        assert_eq!(next_end(1000, 4000, 1_000_000), 2000, "at most doubling");
        assert_eq!(next_end(2000, 4000, 1_000_000), 4000);
        assert_eq!(next_end(4000, 4100, 1_000_000), 5000, "at least a batch");
        assert_eq!(next_end(4000, 4100, 4500), 4500, "never past the maximum");
        assert_eq!(needed(1000, f64::INFINITY, 10.0, 50_000), 50_000);
    }
}
