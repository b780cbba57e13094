//! Which parameters drive an output, from the samples of an ordinary run (no extra simulation):
//! Spearman rank correlation and partial rank correlation (PRCC).

use crate::samples::{Column, RunSamples};
use crate::scenario::Scenario;
pub use crate::schema::drivers::Driver;
use crate::stats::{pearson_by, twice_ranks};
use nalgebra::DMatrix;
use rayon::prelude::*;
use std::borrow::Cow;

/// The ranks of a run's uncertain parameters (fixed ones are left out) and their rank
/// correlations with each other: computed once, for the drivers of every output.
pub struct ParameterRanks {
    /// The parameters that vary between iterations.
    varying: Vec<usize>,
    /// Twice each iteration's rank (ranks of ties are halves): `twice[k][iteration]`, 4 bytes
    /// an iteration, exact up to 2³¹ iterations.
    twice: Vec<Vec<u32>>,
    /// The Pearson correlations of the ranks, `varying × varying`, row-major.
    correlations: Vec<f64>,
}

impl ParameterRanks {
    pub fn of(samples: &RunSamples) -> ParameterRanks {
        let varying = if samples.len() < 4 {
            Vec::new()
        } else {
            samples.varying_parameters()
        };
        let twice: Vec<Vec<u32>> = varying
            .iter()
            .map(|&p| twice_ranks(&samples.column(Column::Param(p))))
            .collect();
        let mut ranks = ParameterRanks {
            varying,
            twice,
            correlations: Vec::new(),
        };
        let (k, n) = (ranks.varying.len(), samples.len());
        let upper: Vec<f64> = (0..k * k)
            .into_par_iter()
            .map(|ab| {
                let (a, b) = (ab / k, ab % k);
                if a <= b {
                    pearson_by(n, |i| ranks.rank(a, i), |i| ranks.rank(b, i)).unwrap_or(0.0)
                } else {
                    0.0
                }
            })
            .collect();
        ranks.correlations = (0..k * k)
            .map(|ab| {
                let (a, b) = (ab / k, ab % k);
                upper[a.min(b) * k + a.max(b)]
            })
            .collect();
        ranks
    }

    /// The rank of iteration `i` in the `c`th varying parameter.
    fn rank(&self, c: usize, i: usize) -> f64 {
        f64::from(self.twice[c][i]) / 2.0
    }
}

/// Spearman and PRCC of every uncertain parameter with `output`, strongest |Spearman| first.
pub fn drivers(
    scenario: &Scenario,
    parameters: &ParameterRanks,
    output: Cow<[f64]>,
) -> Vec<Driver> {
    let n = output.len();
    let varying = &parameters.varying;
    if n < 4 || varying.is_empty() || output.iter().all(|v| *v == output[0]) {
        return Vec::new();
    }
    // The rank correlations of the varying parameters, then the output.
    let twice = twice_ranks(&output);
    drop(output);
    let output = |i: usize| f64::from(twice[i]) / 2.0;
    let k = varying.len() + 1;
    let y = k - 1;
    let with_output: Vec<f64> = (0..y)
        .into_par_iter()
        .map(|c| pearson_by(n, |i| parameters.rank(c, i), output).unwrap_or(0.0))
        .collect();
    let corr = DMatrix::from_fn(k, k, |a, b| match (a == y, b == y) {
        (false, false) => parameters.correlations[a * y + b],
        (false, true) => with_output[a],
        (true, false) => with_output[b],
        (true, true) => pearson_by(n, output, output).unwrap_or(0.0),
    });
    let inverse = corr.clone().try_inverse();
    let mut out: Vec<Driver> = varying
        .iter()
        .enumerate()
        .map(|(c, &i)| {
            let spearman = corr[(c, y)];
            let prcc = inverse.as_ref().and_then(|inv| {
                let denom = (inv[(c, c)] * inv[(y, y)]).sqrt();
                let r = -inv[(c, y)] / denom;
                r.is_finite().then_some(r.clamp(-1.0, 1.0))
            });
            Driver {
                parameter: scenario.parameters[i].name.clone(),
                spearman,
                prcc,
                se: (1.0 - spearman * spearman) / ((n as f64) - 3.0).sqrt(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.spearman.abs().total_cmp(&a.spearman.abs()));
    out
}
