//! Threshold (break-even) analysis: the value of one parameter at which a target is met, found
//! by root finding on a common-random-number estimate (the same draws at every trial value, so
//! the estimate is a smooth function of the value); and the break-even success rate in the
//! spirit of WSIPP: cost per participant ÷ value of one avoided outcome.

use super::{Analysis, Estimate, Metric};
use crate::error::{Error, Result};
use crate::samples::ComparisonSamples;
pub use crate::schema::threshold::{
    BreakEven, CurvePoint, Target, ThresholdReport, ThresholdResult, ThresholdStatus,
};

/// Reading a target from the command line (the type is the schema's).
impl Target {
    /// Parses `net=0` or `prob_net_positive=0.8`.
    pub fn parse(text: &str) -> Result<Target> {
        let bad = || {
            Error::Usage(format!(
                "--target {text}: write net=AMOUNT or prob_net_positive=SHARE, e.g. net=0"
            ))
        };
        let (name, value) = text.split_once('=').ok_or_else(bad)?;
        let metric = match name.trim() {
            "net" => Metric::Net,
            "prob_net_positive" => Metric::ProbNetPositive,
            _ => return Err(bad()),
        };
        let value: f64 = value.trim().parse().map_err(|_| bad())?;
        if metric == Metric::ProbNetPositive && !(0.0..=1.0).contains(&value) {
            return Err(Error::Usage(format!(
                "--target {text}: a probability must lie in [0, 1]"
            )));
        }
        Ok(Target { metric, value })
    }
}

/// The MCSE of g = Π mean(x_k)^e_k, a product of powers of means over the same iterations, by
/// the delta method: sd over iterations of g · Σ e_k · x_k / mean(x_k), divided by √n.
fn delta_mcse(g: f64, terms: &[(&[f64], f64)]) -> f64 {
    let n = terms.first().map_or(0, |(x, _)| x.len());
    if n < 2 || !g.is_finite() {
        return f64::NAN;
    }
    let means: Vec<f64> = terms
        .iter()
        .map(|(x, _)| x.iter().sum::<f64>() / n as f64)
        .collect();
    let influence: Vec<f64> = (0..n)
        .map(|i| {
            g * terms
                .iter()
                .zip(&means)
                .map(|((x, e), m)| e * x[i] / m)
                .sum::<f64>()
        })
        .collect();
    Estimate::mean(&influence).mcse
}

const GRID: usize = 9;
const MAX_REFINE: usize = 30;

/// Finds, for every intervention, the value of `parameter` at which `target` is met.
pub fn threshold(analysis: &Analysis, parameter: &str, target: Target) -> Result<ThresholdReport> {
    let sc = analysis.scenario;
    let p = sc.parameter_index(parameter).ok_or_else(|| {
        let known: Vec<&str> = sc.parameters.iter().map(|p| p.name.as_str()).collect();
        Error::Usage(format!(
            "--param {parameter}: the scenario has no such parameter{}; its parameters are: {}",
            sc.attribute_note(parameter),
            known.join(", ")
        ))
    })?;
    let dist = &sc.parameters[p].distribution.dist;
    if dist.is_fixed() {
        return Err(Error::Usage(format!(
            "--param {parameter}: the parameter is fixed; give it a distribution to search over"
        )));
    }
    let (lo, hi) = (dist.quantile(0.01), dist.quantile(0.99));
    // metric − target at a value, per intervention, with the values' MCSE
    let eval = |value: f64| -> Result<Vec<Estimate>> {
        let its = analysis.run_with(&[(p, value)])?;
        Ok(analysis
            .metric_values(target.metric, &its)?
            .iter()
            .map(|v| Estimate::mean(v))
            .collect())
    };
    let runs = analysis.iterations as u64;
    analysis
        .progress
        .stage("threshold grid", Some(GRID as u64 * runs), "iterations");
    let grid: Vec<f64> = (0..GRID)
        .map(|i| lo + (hi - lo) * i as f64 / (GRID - 1) as f64)
        .collect();
    let curves: Vec<Vec<Estimate>> = grid.iter().map(|v| eval(*v)).collect::<Result<_>>()?;
    // at most MAX_REFINE runs per intervention, then the break-even run
    let interventions = sc.interventions().count() as u64;
    analysis.progress.stage(
        "threshold search",
        Some((MAX_REFINE as u64 * interventions + 1) * runs),
        "iterations",
    );
    let mut results = Vec::new();
    for (k, (_, arm)) in sc.interventions().enumerate() {
        let f = |i: usize| curves[i][k].value - target.value;
        let curve: Vec<CurvePoint> = grid
            .iter()
            .zip(&curves)
            .map(|(v, c)| CurvePoint {
                value: *v,
                metric: c[k],
            })
            .collect();
        let crossing = (0..GRID - 1).find(|&i| f(i) == 0.0 || f(i) * f(i + 1) < 0.0);
        let result = match crossing {
            None => ThresholdResult {
                intervention: arm.name.clone(),
                status: ThresholdStatus::NotMet,
                value: None,
                value_mcse: None,
                curve,
            },
            Some(i) => {
                let (value, mcse) = refine(
                    &eval,
                    k,
                    target.value,
                    (grid[i], f(i)),
                    (grid[i + 1], f(i + 1)),
                )?;
                ThresholdResult {
                    intervention: arm.name.clone(),
                    status: ThresholdStatus::Found,
                    value: Some(value),
                    value_mcse: Some(mcse),
                    curve,
                }
            }
        };
        results.push(result);
    }
    Ok(ThresholdReport {
        header: analysis.header(crate::schema::THRESHOLD),
        parameter: parameter.to_string(),
        target,
        search_range: [lo, hi],
        results,
        break_even: break_even(analysis)?,
    })
}

/// Illinois (modified regula falsi) between a bracketing pair; returns the root and its MCSE.
/// Stops when the bracket is tiny or the metric is within 1% of its own MCSE of the target.
fn refine(
    eval: &dyn Fn(f64) -> Result<Vec<Estimate>>,
    k: usize,
    target: f64,
    (mut a, mut fa): (f64, f64),
    (mut b, mut fb): (f64, f64),
) -> Result<(f64, f64)> {
    if fa == 0.0 {
        return Ok((a, 0.0));
    }
    // The metric's slope over the grid cell turns its MCSE at the root into the root's MCSE.
    let slope = ((fb - fa) / (b - a)).abs();
    let tolerance = (b - a).abs() * 1e-9;
    let (mut root, mut mcse_at) = ((a + b) / 2.0, 0.0);
    for _ in 0..MAX_REFINE {
        root = (a * fb - b * fa) / (fb - fa);
        let e = eval(root)?[k];
        let fc = e.value - target;
        mcse_at = e.mcse;
        if fc == 0.0 || fc.abs() <= 0.01 * e.mcse || (b - a).abs() <= tolerance {
            break;
        }
        if fc * fb < 0.0 {
            (a, fa) = (b, fb);
        } else {
            fa /= 2.0;
        }
        (b, fb) = (root, fc);
    }
    let mcse = if slope.is_finite() && slope > 0.0 {
        mcse_at / slope
    } else {
        0.0
    };
    Ok((root, mcse))
}

/// WSIPP-style break-even success rates from a run with every parameter drawn.
fn break_even(analysis: &Analysis) -> Result<Vec<BreakEven>> {
    let sc = analysis.scenario;
    let its = analysis.run_with(&[])?;
    let mut out = Vec::new();
    for (arm, a) in sc.interventions() {
        let s = ComparisonSamples::new(sc, &its, arm);
        let n = its.len() as f64;
        let participants_i: Vec<f64> = its.iter().map(|it| it.arms[arm].participants).collect();
        let participants = participants_i.iter().sum::<f64>() / n;
        let savings = s.savings.iter().sum::<f64>() / n;
        let investment = s.investment.iter().sum::<f64>() / n;
        for (o, name) in sc.outcomes.iter().enumerate() {
            let avoided_i: Vec<f64> = its
                .iter()
                .map(|it| it.arms[0].outcomes[o] - it.arms[arm].outcomes[o])
                .collect();
            let avoided = avoided_i.iter().sum::<f64>() / n;
            if avoided <= 0.0 || participants == 0.0 {
                continue; // not an outcome the intervention avoids
            }
            let value_per_avoided = savings / avoided;
            let cost_per_participant = investment / participants;
            let achieved = avoided / participants;
            let needed = cost_per_participant / value_per_avoided;
            out.push(BreakEven {
                intervention: a.name.clone(),
                outcome: name.clone(),
                achieved_per_participant: achieved,
                achieved_per_participant_mcse: delta_mcse(
                    achieved,
                    &[(&avoided_i, 1.0), (&participants_i, -1.0)],
                ),
                cost_per_participant,
                value_per_avoided,
                break_even_per_participant: needed,
                break_even_per_participant_mcse: delta_mcse(
                    needed,
                    &[
                        (&s.investment, 1.0),
                        (&participants_i, -1.0),
                        (&avoided_i, 1.0),
                        (&s.savings, -1.0),
                    ],
                ),
            });
        }
    }
    Ok(out)
}
