//! Outputs: the terminal summary, the results JSON, the per-iteration samples CSV, the model
//! description of `socinv check`. Each renders to memory; [`write_atomic`] puts it on disk.
//!
//! May import: any module below it (`results`, `compare`, `sensitivity`, `schema`, `samples`,
//! `sim`, `scenario`, …); only `cli` imports it (and, a known exception, `script` for the
//! terminal).

mod check;
pub mod csv_file;
pub mod files;
pub mod format;
pub mod html;
pub mod sensitivity_csv;
pub mod sensitivity_table;
mod summary;
pub mod terminal;
pub mod xlsx;

pub use check::{check_findings, check_json, finding_headline, model_description, warning_line};
pub(crate) use check::{draw_name as check_draw_name, value as check_value};
pub use summary::{summary_text, summary_text_comparing};

use crate::error::Result;
use crate::results::{ComparisonSamples, RunResults};
use crate::scenario::Scenario;
use crate::sim::IterationResult;
use csv_file::{Cell, CsvWriter};
use std::path::Path;

/// The results as pretty-printed JSON (`schema` "socinv.result/1").
pub fn json(results: &RunResults) -> String {
    let mut text = serde_json::to_string_pretty(results).expect("results serialise");
    text.push('\n');
    text
}

/// One row per iteration: the parameter draws, then per intervention its net, savings,
/// investment, payback year and net per actor, then per arm its total cost and outcomes.
pub fn samples_csv(scenario: &Scenario, iterations: &[IterationResult]) -> Result<Vec<u8>> {
    let table = SamplesTable::new(scenario, iterations);
    let mut w = CsvWriter::new();
    w.header(table.columns.iter().map(|(name, _)| name))?;
    for i in 0..iterations.len() {
        let row: Vec<Cell> = table.row(i).into_iter().map(Cell::from).collect();
        w.row(&row)?;
    }
    w.finish()
}

/// What a column of the samples table holds (for formatting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SampleColumn {
    Iteration,
    Parameter,
    /// A discounted amount: net, savings, investment, net per actor, cost of an arm.
    Amount,
    PaybackYear,
    Outcome,
}

/// The per-iteration table of [`samples_csv`] (and the workbook's "Iterations" sheet).
pub(crate) struct SamplesTable<'a> {
    /// Column names and kinds, in order.
    pub columns: Vec<(String, SampleColumn)>,
    iterations: &'a [IterationResult],
    comparisons: Vec<ComparisonSamples>,
}

impl<'a> SamplesTable<'a> {
    pub fn new(scenario: &Scenario, iterations: &'a [IterationResult]) -> Self {
        use SampleColumn::*;
        let mut columns = vec![("iteration".to_string(), Iteration)];
        columns.extend(
            scenario
                .parameters
                .iter()
                .map(|p| (p.name.clone(), Parameter)),
        );
        let mut comparisons = Vec::new();
        for (a, arm) in scenario.interventions() {
            let name = &arm.name;
            for (col, kind) in [
                ("net", Amount),
                ("savings", Amount),
                ("investment", Amount),
                ("payback_year", PaybackYear),
            ] {
                columns.push((format!("{col}[{name}]"), kind));
            }
            for actor in &scenario.actors {
                columns.push((format!("net[{name}][{actor}]"), Amount));
            }
            comparisons.push(ComparisonSamples::new(scenario, iterations, a));
        }
        for arm in &scenario.arms {
            columns.push((format!("cost[{}]", arm.name), Amount));
            for o in &scenario.outcomes {
                columns.push((format!("{o}[{}]", arm.name), Outcome));
            }
        }
        SamplesTable {
            columns,
            iterations,
            comparisons,
        }
    }

    /// The values of iteration `i`, one per column; `None` for a missing payback year.
    pub fn row(&self, i: usize) -> Vec<Option<f64>> {
        let it = &self.iterations[i];
        let mut row = Vec::with_capacity(self.columns.len());
        row.push(Some(i as f64));
        row.extend(it.params.iter().map(|&v| Some(v)));
        for c in &self.comparisons {
            row.extend([Some(c.net[i]), Some(c.savings[i]), Some(c.investment[i])]);
            row.push(c.payback[i].map(f64::from));
            row.extend(c.by_actor.iter().map(|v| Some(v[i])));
        }
        for arm in &it.arms {
            row.push(Some(arm.total()));
            row.extend(arm.outcomes.iter().map(|&v| Some(v)));
        }
        row
    }
}

/// Writes a file atomically: a failure never leaves a partial file (see [`files`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    files::write_atomic(path, bytes)
}
