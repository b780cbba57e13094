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
        let (lo_value, hi_value) = match (num(lo), num(hi)) {
            (Some(l), Some(h)) if l < h => (l, h),
            _ => return Err(bad("LO and HI must be numbers with LO < HI")),
        };
        let values = grid_as_written(lo.trim(), lo_value, hi.trim(), hi_value, steps);
        Ok(Axis {
            parameter: name.to_string(),
            index,
            values,
        })
    }
}

/// Decimals written after the point of a number as typed (`0.25` → 2, `1e-3` → 3, `80000` → 0).
fn decimals_written(text: &str) -> i32 {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let fraction = mantissa.split_once('.').map_or(0, |(_, f)| f.len() as i32);
    (fraction - exponent).max(0)
}

/// Extra decimals a grid point keeps beyond those the user wrote: enough for any step of up to
/// 1000 points, few enough that the noise of binary floating point (`0.6000000000000001`) goes.
const GRID_EXTRA_DECIMALS: i32 = 6;

/// `steps` evenly spaced points from LO to HI, both ends exactly as written and each point
/// rounded to the decimals written plus [`GRID_EXTRA_DECIMALS`]: `0.4..1:5` gives 0.4, 0.55,
/// 0.7, 0.85, 1.
fn grid_as_written(lo_text: &str, lo: f64, hi_text: &str, hi: f64, steps: usize) -> Vec<f64> {
    let decimals = decimals_written(lo_text).max(decimals_written(hi_text)) + GRID_EXTRA_DECIMALS;
    let scale = 10f64.powi(decimals.min(22));
    (0..steps)
        .map(|i| match i {
            0 => lo,
            i if i == steps - 1 => hi,
            i => {
                let v = lo + (hi - lo) * i as f64 / (steps - 1) as f64;
                let scaled = v * scale;
                // beyond 2^53 the rounding would lose digits instead of noise
                if scaled.abs() < 9.0e15 {
                    scaled.round() / scale
                } else {
                    v
                }
            }
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(lo: &str, hi: &str, steps: usize) -> Vec<f64> {
        grid_as_written(lo, lo.parse().unwrap(), hi, hi.parse().unwrap(), steps)
    }

    #[test]
    fn grid_points_are_the_decimals_written() {
        assert_eq!(grid("0.4", "1", 5), [0.4, 0.55, 0.7, 0.85, 1.0]);
        // the plain formula gives 0.10000000000000002 as the last point and 0.05000000000000001
        assert_eq!(grid("0", "0.1", 4).last(), Some(&0.1));
        assert_eq!(grid("0", "0.1", 7)[3], 0.05);
        assert_eq!(grid("0", "0.1", 11)[3], 0.03);
        assert_eq!(grid("0", "0.1", 11)[6], 0.06);
        let shown: Vec<String> = grid("0.2", "0.8", 7)
            .iter()
            .map(|v| v.to_string())
            .collect();
        assert_eq!(shown, ["0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8"]);
        assert_eq!(
            grid("80000", "160000", 5),
            [80000.0, 100000.0, 120000.0, 140000.0, 160000.0]
        );
        // a step that is no finite decimal keeps the extra decimals
        assert_eq!(grid("0", "1", 4)[1], 0.333333);
        assert_eq!(grid("1e-3", "2e-3", 3)[1], 0.0015);
    }

    #[test]
    fn decimals_as_typed() {
        assert_eq!(decimals_written("0.25"), 2);
        assert_eq!(decimals_written("80000"), 0);
        assert_eq!(decimals_written("1e-3"), 3);
        assert_eq!(decimals_written("1.5E2"), 0);
    }
}
