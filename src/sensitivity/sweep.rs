//! Sweeps: the results over a 1-D or 2-D grid of parameter values, with the same draws at every
//! point (common random numbers), so the curve is smooth and differences between points are the
//! parameters' own.

use super::{Analysis, Estimate, Metric};
use crate::error::{Error, Result};
use crate::samples::ComparisonSamples;
pub use crate::schema::sweep::{Axis, PointResult, SweepPoint, SweepReport};
use crate::stats::Summary;

/// Reading an axis from the command line (the type is the schema's).
impl Axis {
    /// Parses `NAME=LO..HI[:STEPS]` (STEPS points including both ends, default 11).
    pub fn parse(analysis: &Analysis, text: &str) -> Result<Axis> {
        let bad = |why: &str| {
            Error::Usage(format!(
                "--vary {text}: {why}; write NAME=LO..HI or NAME=LO..HI:STEPS, e.g. rr=0.5..1.0:11"
            ))
        };
        let (name, range) = text.split_once('=').ok_or_else(|| bad("no '='"))?;
        let name = name.trim();
        let index = analysis.scenario.parameter_index(name).ok_or_else(|| {
            let known: Vec<&str> = analysis
                .scenario
                .parameters
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            Error::Usage(format!(
                "--vary {text}: the scenario has no parameter \"{name}\"{}; its parameters are: {}",
                analysis.scenario.attribute_note(name),
                known.join(", ")
            ))
        })?;
        let (range, steps) = match range.split_once(':') {
            Some((r, s)) => (
                r,
                s.trim()
                    .parse::<usize>()
                    .map_err(|_| bad("STEPS is not a whole number"))?,
            ),
            None => (range, 11),
        };
        if !(2..=1000).contains(&steps) {
            return Err(bad("STEPS must be between 2 and 1000"));
        }
        let (lo, hi) = range
            .split_once("..")
            .ok_or_else(|| bad("no '..' between LO and HI"))?;
        let num = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let (lo, hi) = match (num(lo), num(hi)) {
            (Some(lo), Some(hi)) if lo < hi => (lo, hi),
            _ => return Err(bad("LO and HI must be numbers with LO < HI")),
        };
        let values = (0..steps)
            .map(|i| lo + (hi - lo) * i as f64 / (steps - 1) as f64)
            .collect();
        Ok(Axis {
            parameter: name.to_string(),
            index,
            values,
        })
    }
}

/// Runs the grid: one run of `analysis.iterations` per point.
pub fn sweep(analysis: &Analysis, axes: Vec<Axis>) -> Result<SweepReport> {
    if axes.is_empty() || axes.len() > 2 {
        return Err(Error::Usage(
            "give one or two --vary NAME=LO..HI[:STEPS]".into(),
        ));
    }
    if axes.len() == 2 && axes[0].index == axes[1].index {
        return Err(Error::Usage(
            "the two --vary must name different parameters".into(),
        ));
    }
    let grid: Vec<Vec<f64>> = match axes.as_slice() {
        [a] => a.values.iter().map(|v| vec![*v]).collect(),
        [a, b] => a
            .values
            .iter()
            .flat_map(|x| b.values.iter().map(move |y| vec![*x, *y]))
            .collect(),
        _ => unreachable!("checked above"),
    };
    let sc = analysis.scenario;
    analysis.progress.stage(
        "sweep",
        Some((grid.len() * analysis.iterations) as u64),
        "iterations",
    );
    let mut points = Vec::with_capacity(grid.len());
    for values in grid {
        let fixed: Vec<(usize, f64)> = axes
            .iter()
            .map(|a| a.index)
            .zip(values.iter().copied())
            .collect();
        let its = analysis.run_with(&fixed)?;
        let results = sc
            .interventions()
            .map(|(arm, a)| {
                let net = Metric::Net.values(sc, &its, arm, analysis.perspective)?;
                let positive =
                    Metric::ProbNetPositive.values(sc, &its, arm, analysis.perspective)?;
                let payback: Vec<f64> = ComparisonSamples::new(sc, &its, arm)
                    .payback
                    .iter()
                    .map(|p| f64::from(u8::from(p.is_some())))
                    .collect();
                let s = Summary::of(&net);
                Ok(PointResult {
                    intervention: a.name.clone(),
                    net: Estimate::mean(&net),
                    net_p5: s.as_ref().map_or(f64::NAN, |s| s.p5),
                    net_p95: s.as_ref().map_or(f64::NAN, |s| s.p95),
                    prob_net_positive: Estimate::mean(&positive),
                    prob_payback: Estimate::mean(&payback),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        points.push(SweepPoint { values, results });
    }
    Ok(SweepReport {
        header: analysis.header(crate::schema::SWEEP),
        axes,
        points,
    })
}
