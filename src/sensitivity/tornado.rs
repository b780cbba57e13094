//! One-way sensitivity (tornado): each parameter in turn at a low and a high quantile while the
//! others keep their distributions (or sit at their medians); the swing of the metric, sorted.
//!
//! With correlated parameters the move is *conditional*: the parameters correlated with the one
//! moved are drawn from their distribution given it (`Vary`) or sit at their median given it
//! (`Median`), so a bar shows the effect of learning that value, partners included.

use super::{Analysis, Estimate, Metric};
use crate::error::Result;
pub use crate::schema::tornado::{Bar, Others, TornadoReport, TornadoResult};
use crate::sim::correlation;

/// Runs the tornado: 2 runs per uncertain parameter plus the base, all with the same draws.
pub fn tornado(
    analysis: &Analysis,
    metric: Metric,
    low: f64,
    high: f64,
    others: Others,
) -> Result<TornadoReport> {
    analysis.require_uncertain_parameters("a tornado")?;
    let sc = analysis.scenario;
    let params = analysis.uncertain_parameters();
    let medians: Vec<(usize, f64)> = match others {
        Others::Vary => Vec::new(),
        Others::Median => params
            .iter()
            .map(|&i| (i, sc.parameters[i].distribution.dist.median()))
            .collect(),
    };
    let runs = 1 + 2 * params.len() as u64;
    analysis.progress.stage(
        "tornado",
        Some(runs * analysis.iterations as u64),
        "iterations",
    );
    let base = analysis.metric_values(metric, &analysis.run_with(&medians)?)?;
    let mut bars: Vec<Vec<Bar>> = base.iter().map(|_| Vec::new()).collect();
    for &p in &params {
        let dist = &sc.parameters[p].distribution.dist;
        let (low_value, high_value) = (dist.quantile(low), dist.quantile(high));
        let at = |value: f64| -> Result<Vec<Vec<f64>>> {
            // Parameters correlated with p sit at their medians given p (conditional medians);
            // with `Vary` they are drawn given p by the copula (see `sim::correlation`).
            let partners =
                correlation::conditional_medians(&sc.parameters, &sc.correlated_groups, p, value);
            let mut fixed: Vec<(usize, f64)> = medians
                .iter()
                .copied()
                .filter(|(i, _)| *i != p)
                .map(|(i, m)| match partners.iter().find(|(j, _)| *j == i) {
                    Some(&(_, conditional)) => (i, conditional),
                    None => (i, m),
                })
                .collect();
            fixed.push((p, value));
            analysis.metric_values(metric, &analysis.run_with(&fixed)?)
        };
        let (lo, hi) = (at(low_value)?, at(high_value)?);
        for (k, bar) in bars.iter_mut().enumerate() {
            bar.push(Bar {
                parameter: sc.parameters[p].name.clone(),
                low_value,
                high_value,
                at_low: Estimate::mean(&lo[k]),
                at_high: Estimate::mean(&hi[k]),
                swing: Estimate::paired_difference(&lo[k], &hi[k]),
            });
        }
    }
    let results = sc
        .interventions()
        .zip(base.iter().zip(bars))
        .map(|((_, arm), (base, mut bars))| {
            bars.sort_by(|a, b| b.swing.value.abs().total_cmp(&a.swing.value.abs()));
            TornadoResult {
                intervention: arm.name.clone(),
                base: Estimate::mean(base),
                bars,
            }
        })
        .collect();
    Ok(TornadoReport {
        header: analysis.header(crate::schema::TORNADO),
        metric,
        low,
        high,
        others,
        correlated: sc
            .correlated_groups
            .iter()
            .map(|g| {
                g.members
                    .iter()
                    .map(|&m| sc.parameters[m].name.clone())
                    .collect()
            })
            .collect(),
        results,
    })
}
