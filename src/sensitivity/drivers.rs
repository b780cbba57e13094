//! Which parameters drive an output, from the samples of an ordinary run (no extra simulation):
//! Spearman rank correlation and partial rank correlation (PRCC).

use crate::scenario::Scenario;
pub use crate::schema::drivers::Driver;
use crate::sim::IterationResult;
use crate::stats::{pearson, ranks};
use nalgebra::DMatrix;
use rayon::prelude::*;

/// Spearman and PRCC of every uncertain parameter (fixed ones are left out) with `output`,
/// strongest |Spearman| first.
pub fn drivers(scenario: &Scenario, iterations: &[IterationResult], output: &[f64]) -> Vec<Driver> {
    let n = iterations.len();
    if n < 4 {
        return Vec::new();
    }
    let varying: Vec<usize> = (0..scenario.parameters.len())
        .filter(|&i| {
            let first = iterations[0].params[i];
            iterations.iter().any(|it| it.params[i] != first)
        })
        .collect();
    if varying.is_empty() || output.iter().all(|v| *v == output[0]) {
        return Vec::new();
    }
    // Rank-transformed columns: the varying parameters, then the output.
    let mut columns: Vec<Vec<f64>> = varying
        .par_iter()
        .map(|&i| ranks(&iterations.iter().map(|it| it.params[i]).collect::<Vec<_>>()))
        .collect();
    columns.push(ranks(output));
    let k = columns.len();
    let pairs: Vec<f64> = (0..k * k)
        .into_par_iter()
        .map(|ab| pearson(&columns[ab / k], &columns[ab % k]).unwrap_or(0.0))
        .collect();
    let corr = DMatrix::from_fn(k, k, |a, b| pairs[a * k + b]);
    let inverse = corr.clone().try_inverse();
    let y = k - 1;
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
