//! The per-iteration samples as CSV, in two layouts ([`SamplesLayout`]): `wide`, one row per
//! iteration and one column per quantity (the workbook's `Iterations` sheet has the same
//! columns), and `tidy`, one row per value with the columns `iteration, arm, actor, year,
//! measure, value`, as R's tidyverse and pandas want it.

use super::csv_file::{Cell, CsvWriter};
use crate::error::Result;
use crate::results::ComparisonSamples;
use crate::scenario::Scenario;
use crate::sim::IterationResult;

/// How the samples CSV is laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SamplesLayout {
    /// One row per iteration, one column per quantity (`net[arm]`, `cost[arm]`, …).
    #[default]
    Wide,
    /// One row per value: `iteration, arm, actor, year, measure, value` (long format for R and
    /// Python).
    Tidy,
}

/// The samples CSV in `layout` (in the CSV dialect in effect, see
/// [`super::csv_file::with_dialect`]).
pub fn samples_csv_as(
    scenario: &Scenario,
    iterations: &[IterationResult],
    layout: SamplesLayout,
) -> Result<Vec<u8>> {
    match layout {
        SamplesLayout::Wide => samples_csv(scenario, iterations),
        SamplesLayout::Tidy => tidy_csv(scenario, iterations),
    }
}

/// The columns of the tidy layout (ASCII, lower case, usable as R and pandas names).
pub const TIDY_COLUMNS: [&str; 6] = ["iteration", "arm", "actor", "year", "measure", "value"];

/// One row per value, iteration by iteration: the values of the wide layout, and each arm's
/// cost per actor and per year besides.
///
/// Per iteration, in this order (empty `arm`, `actor`, `year` where the value is not about
/// one): `parameter:NAME` (the draw); per intervention (in `arm`, compared with ordinary
/// practice) `net`, `savings`, `investment`, `payback_year` (empty if it does not pay back
/// within the horizon), then `net` per actor; per arm `cost` (all actors), `cost` per actor,
/// `cost` per year (all actors; years count from 0 as in the JSON), `outcome:NAME`. Amounts
/// are discounted to year 0, as in the wide layout.
fn tidy_csv(scenario: &Scenario, iterations: &[IterationResult]) -> Result<Vec<u8>> {
    let mut w = CsvWriter::new();
    w.header(TIDY_COLUMNS)?;
    let comparisons: Vec<(&str, ComparisonSamples)> = scenario
        .interventions()
        .map(|(a, arm)| {
            (
                arm.name.as_str(),
                ComparisonSamples::new(scenario, iterations, a),
            )
        })
        .collect();
    let parameters: Vec<String> = scenario
        .parameters
        .iter()
        .map(|p| format!("parameter:{}", p.name))
        .collect();
    let outcomes: Vec<String> = scenario
        .outcomes
        .iter()
        .map(|o| format!("outcome:{o}"))
        .collect();
    for (i, it) in iterations.iter().enumerate() {
        let n = i as f64;
        let mut value = |arm: &str, actor: &str, year: Option<usize>, measure: &str, v: Cell| {
            let year = year.map_or(Cell::Empty, |t| Cell::Number(t as f64));
            w.row(&[
                Cell::Number(n),
                Cell::Text(arm),
                Cell::Text(actor),
                year,
                Cell::Text(measure),
                v,
            ])
        };
        for (name, v) in parameters.iter().zip(&it.params) {
            value("", "", None, name, Cell::Number(*v))?;
        }
        for (arm, c) in &comparisons {
            value(arm, "", None, "net", Cell::Number(c.net[i]))?;
            value(arm, "", None, "savings", Cell::Number(c.savings[i]))?;
            value(arm, "", None, "investment", Cell::Number(c.investment[i]))?;
            let payback = c.payback[i].map(f64::from);
            value(arm, "", None, "payback_year", payback.into())?;
            for (actor, v) in scenario.actors.iter().zip(&c.by_actor) {
                value(arm, actor, None, "net", Cell::Number(v[i]))?;
            }
        }
        for (arm, r) in scenario.arms.iter().zip(&it.arms) {
            let arm = arm.name.as_str();
            value(arm, "", None, "cost", Cell::Number(r.total()))?;
            for (actor, v) in scenario.actors.iter().zip(&r.cost_by_actor) {
                value(arm, actor, None, "cost", Cell::Number(*v))?;
            }
            for (t, v) in r.cost_by_year.iter().enumerate() {
                value(arm, "", Some(t), "cost", Cell::Number(*v))?;
            }
            for (name, v) in outcomes.iter().zip(&r.outcomes) {
                value(arm, "", None, name, Cell::Number(*v))?;
            }
        }
    }
    w.finish()
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
