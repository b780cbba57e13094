//! The per-iteration samples as CSV, in two layouts ([`SamplesLayout`]): `wide`, one row per
//! iteration and one column per quantity (the workbook's `Iterations` sheet has the same
//! columns), and `tidy`, one row per value with the columns `iteration, arm, actor, year,
//! measure, value`, as R's tidyverse and pandas want it.

use super::csv_file::{Cell, CsvWriter};
use crate::error::Result;
use crate::samples::{Column, RunSamples, payback_of};
use crate::scenario::Scenario;
use std::io::Write;

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

/// Writes the samples CSV in `layout` to `out` as it goes, row by row (in the CSV dialect in
/// effect, see [`super::csv_file::with_dialect`]): its size grows with the iterations, its
/// memory does not.
pub fn write_samples_csv(
    scenario: &Scenario,
    samples: &RunSamples,
    layout: SamplesLayout,
    out: &mut dyn Write,
) -> Result<()> {
    let mut w = CsvWriter::to(out)?;
    match layout {
        SamplesLayout::Wide => wide_csv(scenario, samples, &mut w)?,
        SamplesLayout::Tidy => tidy_csv(scenario, samples, &mut w)?,
    }
    w.flush()
}

/// The columns of the tidy layout (ASCII, lower case, usable as R and pandas names).
pub const TIDY_COLUMNS: [&str; 6] = ["iteration", "arm", "actor", "year", "measure", "value"];

/// One value of an iteration in the tidy layout: its arm, actor, year and measure, and the
/// column it is read from.
struct TidyValue<'s> {
    arm: &'s str,
    actor: &'s str,
    year: Option<usize>,
    measure: String,
    column: Column,
}

/// One row per value, iteration by iteration: the values of the wide layout, and each arm's
/// cost per actor and per year besides.
///
/// Per iteration, in this order (empty `arm`, `actor`, `year` where the value is not about
/// one): `parameter:NAME` (the draw); per intervention (in `arm`, compared with ordinary
/// practice) `net`, `savings`, `investment`, `payback_year` (empty if it does not pay back
/// within the horizon), then `net` per actor; per arm `cost` (all actors), `cost` per actor,
/// `cost` per year (all actors; years count from 0 as in the JSON), `outcome:NAME`. Amounts
/// are discounted to year 0, as in the wide layout.
fn tidy_csv<W: Write>(
    scenario: &Scenario,
    samples: &RunSamples,
    w: &mut CsvWriter<W>,
) -> Result<()> {
    let mut values = Vec::new();
    let mut value = |arm, actor, year, measure: &str, column| {
        values.push(TidyValue {
            arm,
            actor,
            year,
            measure: measure.to_string(),
            column,
        })
    };
    for (p, parameter) in scenario.parameters.iter().enumerate() {
        let measure = format!("parameter:{}", parameter.name);
        value("", "", None, &measure, Column::Param(p));
    }
    for (arm, a) in scenario.interventions() {
        let name = a.name.as_str();
        value(name, "", None, "net", Column::Net { arm });
        value(name, "", None, "savings", Column::Savings { arm });
        value(name, "", None, "investment", Column::Investment { arm });
        value(name, "", None, "payback_year", Column::Payback { arm });
        for (actor, actor_name) in scenario.actors.iter().enumerate() {
            value(
                name,
                actor_name,
                None,
                "net",
                Column::ActorNet { arm, actor },
            );
        }
    }
    for (arm, a) in scenario.arms.iter().enumerate() {
        let name = a.name.as_str();
        value(name, "", None, "cost", Column::Cost { arm });
        for (actor, actor_name) in scenario.actors.iter().enumerate() {
            value(
                name,
                actor_name,
                None,
                "cost",
                Column::ActorCost { arm, actor },
            );
        }
        for year in 0..scenario.horizon as usize {
            value(name, "", Some(year), "cost", Column::YearCost { arm, year });
        }
        for (outcome, o) in scenario.outcomes.iter().enumerate() {
            let measure = format!("outcome:{o}");
            value(name, "", None, &measure, Column::Outcome { arm, outcome });
        }
    }
    w.header(TIDY_COLUMNS)?;
    let columns: Vec<Column> = values.iter().map(|v| v.column).collect();
    let mut result = Ok(());
    samples.for_each_row(&columns, |i, row| {
        if result.is_err() {
            return;
        }
        result = values.iter().zip(row).try_for_each(|(v, &x)| {
            let year = v.year.map_or(Cell::Empty, |t| Cell::Number(t as f64));
            let x = match v.column {
                Column::Payback { .. } => payback_of(x).map(f64::from).into(),
                _ => Cell::Number(x),
            };
            w.row(&[
                Cell::Number(i as f64),
                Cell::Text(v.arm),
                Cell::Text(v.actor),
                year,
                Cell::Text(&v.measure),
                x,
            ])
        });
    });
    result
}

/// One row per iteration: the parameter draws, then per intervention its net, savings,
/// investment, payback year and net per actor, then per arm its total cost and outcomes.
fn wide_csv<W: Write>(
    scenario: &Scenario,
    samples: &RunSamples,
    w: &mut CsvWriter<W>,
) -> Result<()> {
    let table = SamplesTable::new(scenario);
    w.header(table.columns.iter().map(|(name, _)| name))?;
    let mut result = Ok(());
    table.for_each_row(samples, |_, row| {
        if result.is_ok() {
            let row: Vec<Cell> = row.iter().copied().map(Cell::from).collect();
            result = w.row(&row);
        }
    });
    result
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

/// The per-iteration table of [`write_samples_csv`]'s wide layout (and the workbook's "Iterations" sheet).
pub(crate) struct SamplesTable {
    /// Column names and kinds, in order: the iteration, then one per value of `values`.
    pub columns: Vec<(String, SampleColumn)>,
    values: Vec<Column>,
}

impl SamplesTable {
    pub fn new(scenario: &Scenario) -> Self {
        use SampleColumn::*;
        let mut columns = vec![("iteration".to_string(), Iteration)];
        let mut values = Vec::new();
        for (p, parameter) in scenario.parameters.iter().enumerate() {
            columns.push((parameter.name.clone(), Parameter));
            values.push(Column::Param(p));
        }
        for (arm, a) in scenario.interventions() {
            let name = &a.name;
            for (col, kind, value) in [
                ("net", Amount, Column::Net { arm }),
                ("savings", Amount, Column::Savings { arm }),
                ("investment", Amount, Column::Investment { arm }),
                ("payback_year", PaybackYear, Column::Payback { arm }),
            ] {
                columns.push((format!("{col}[{name}]"), kind));
                values.push(value);
            }
            for (actor, actor_name) in scenario.actors.iter().enumerate() {
                columns.push((format!("net[{name}][{actor_name}]"), Amount));
                values.push(Column::ActorNet { arm, actor });
            }
        }
        for (arm, a) in scenario.arms.iter().enumerate() {
            columns.push((format!("cost[{}]", a.name), Amount));
            values.push(Column::Cost { arm });
            for (outcome, o) in scenario.outcomes.iter().enumerate() {
                columns.push((format!("{o}[{}]", a.name), Outcome));
                values.push(Column::Outcome { arm, outcome });
            }
        }
        SamplesTable { columns, values }
    }

    /// Calls `f` with the values of each iteration (its index, then one per column; `None`
    /// for a missing payback year), in order.
    pub fn for_each_row(&self, samples: &RunSamples, mut f: impl FnMut(usize, &[Option<f64>])) {
        let mut row = Vec::with_capacity(self.columns.len());
        samples.for_each_row(&self.values, |i, values| {
            row.clear();
            row.push(Some(i as f64));
            row.extend(self.values.iter().zip(values).map(|(c, &v)| match c {
                Column::Payback { .. } => payback_of(v).map(f64::from),
                _ => Some(v),
            }));
            f(i, &row);
        });
    }
}
