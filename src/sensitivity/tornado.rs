//! One-way sensitivity (tornado): each parameter in turn at a low and a high quantile while the
//! others keep their distributions (or sit at their medians); the swing of the metric, sorted.
//!
//! With correlated parameters the move is *conditional*: the parameters correlated with the one
//! moved are drawn from their distribution given it (`Vary`) or sit at their median given it
//! (`Median`), so a bar shows the effect of learning that value, partners included.

use super::{Analysis, Estimate, Header, Metric, show, show_with_mcse};
use crate::error::Result;
use crate::report::csv_file::{Cell, CsvWriter};
use crate::report::format::table_with_whole_names as table;
use crate::sim::correlation;
use serde::Serialize;

/// What the other parameters do while one is moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Others {
    /// Keep their distributions (the metric is an expectation over them); parameters correlated
    /// with the one moved are drawn given it.
    Vary,
    /// Sit at their medians (a classic deterministic one-way analysis, cohort chance aside);
    /// parameters correlated with the one moved sit at their medians given it.
    Median,
}

/// The tornado of every intervention.
#[derive(Debug, Serialize)]
pub struct TornadoReport {
    #[serde(flatten)]
    pub header: Header,
    pub metric: Metric,
    /// The quantiles used for "low" and "high".
    pub low: f64,
    pub high: f64,
    pub others: Others,
    /// Correlated parameters, by group: moving one conditions the others of its group (absent
    /// when the scenario has no correlations).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub correlated: Vec<Vec<String>>,
    pub results: Vec<TornadoResult>,
}

#[derive(Debug, Serialize)]
pub struct TornadoResult {
    pub intervention: String,
    /// The metric with every parameter as in `others` (nothing moved).
    pub base: Estimate,
    /// Sorted by the size of the swing, largest first.
    pub bars: Vec<Bar>,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub parameter: String,
    /// The parameter's value at the low and the high quantile.
    pub low_value: f64,
    pub high_value: f64,
    pub at_low: Estimate,
    pub at_high: Estimate,
    /// at_high − at_low, with the standard error of the paired difference.
    pub swing: Estimate,
}

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
        header: analysis.header("socinv.tornado/1"),
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

impl TornadoReport {
    /// The readable table, one per intervention.
    pub fn table(&self) -> String {
        let m = self.metric;
        let mut out = format!(
            "Tornado of {} ({}), {} iterations, seed {}: each parameter at its P{} and P{}, the \
             others {}.\n",
            super::metric_label(m),
            self.header.perspective,
            self.header.iterations,
            self.header.seed,
            (self.low * 100.0).round(),
            (self.high * 100.0).round(),
            match self.others {
                Others::Vary => "drawn from their distributions",
                Others::Median => "at their medians",
            }
        );
        for group in &self.correlated {
            out.push_str(&format!(
                "Correlated: {}; moving one moves the others to their {} given it.\n",
                group.join(", "),
                match self.others {
                    Others::Vary => "distribution",
                    Others::Median => "median",
                }
            ));
        }
        for r in &self.results {
            out.push_str(&format!(
                "\n{}: base {}\n",
                r.intervention,
                show_with_mcse(m, r.base.value, r.base.mcse)
            ));
            let labels = &self.header.labels;
            let mut rows = vec![vec![
                "parameter".to_string(),
                "low value".into(),
                "high value".into(),
                "at low".into(),
                "at high".into(),
                "swing (± MCSE)".into(),
            ]];
            for b in &r.bars {
                let value = |v: f64| {
                    let shown = crate::report::format::amount(v);
                    match labels.parameter_unit(&b.parameter) {
                        Some(unit) => format!("{shown} {unit}"),
                        None => shown,
                    }
                };
                rows.push(vec![
                    labels.parameter(&b.parameter).to_string(),
                    value(b.low_value),
                    value(b.high_value),
                    show(m, b.at_low.value),
                    show(m, b.at_high.value),
                    show_with_mcse(m, b.swing.value, b.swing.mcse),
                ]);
            }
            out.push_str(&table(&rows, "  "));
        }
        out
    }

    /// One row per (intervention, parameter).
    pub fn csv(&self) -> Result<Vec<u8>> {
        let mut w = CsvWriter::new();
        w.header([
            "intervention",
            "parameter",
            "low_value",
            "high_value",
            "at_low",
            "at_low_mcse",
            "at_high",
            "at_high_mcse",
            "swing",
            "swing_mcse",
        ])?;
        for r in &self.results {
            for b in &r.bars {
                w.row(&[
                    Cell::Text(&r.intervention),
                    Cell::Text(&b.parameter),
                    b.low_value.into(),
                    b.high_value.into(),
                    b.at_low.value.into(),
                    b.at_low.mcse.into(),
                    b.at_high.value.into(),
                    b.at_high.mcse.into(),
                    b.swing.value.into(),
                    b.swing.mcse.into(),
                ])?;
            }
        }
        w.finish()
    }
}
