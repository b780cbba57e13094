//! The Excel workbook (`.xlsx`) for those who continue in Excel: the run's results as numbers with
//! number formats, one table per sheet, and optionally one row per iteration.
//!
//! Sheets, in this order (names and column headers are stable; rows follow the results JSON):
//!
//! | sheet | one row per | columns |
//! |---|---|---|
//! | `Summary` | setting, then intervention × quantity | first a block of *field, value* (scenario, file, source hash, currency, price year, horizon, cohort, discount rate, outcome discount rate, iterations, seed, socinv version); then a table `Intervention, Baseline, Quantity, Mean, MCSE, P5, P25, P50, P75, P95, CI low, CI high` with the quantities `Net return`, `Savings`, `Investment`, `ROI` (mean net / mean investment in `Mean` with its delta-method MCSE; P5…P95 of the per-iteration ratio), `Outcome difference: NAME` (intervention − baseline, one per outcome), `P(net > 0)` (share in `Mean`, its MCSE), `P(net < 0)` (the probability of a loss, likewise), `P(payback within horizon)` (share in `Mean`, its MCSE), `Median payback year` (in `P50`; empty if fewer than half pay back); `CI low, CI high` is the 95% interval of `Mean` (mean ± 1.96 MCSE; Wilson's for shares) or, for the median payback year, of `P50` (order statistics; empty where beyond the horizon) |
//! | `By actor` | intervention × actor or perspective | `Intervention, Kind` (`actor` / `perspective`), `Name, Mean net, P10, P90, P5, P95, P(net > 0)` |
//! | `Per year` | intervention × year | `Intervention, Year, Cumulative net mean, P5, P25, P50, P75, P95, P(paid back by year)` (the payback CDF), `CI low, CI high` (its Wilson 95% interval) |
//! | `Arms` | arm × item | `Arm, Kind` (`total cost` / `program cost` / `actor cost` / `outcome`), `Name` (`all actors`, `program`, the actor or the outcome), `Mean, MCSE, P5, P25, P50, P75, P95` |
//! | `Parameters` | parameter | `Name, Distribution, P5, P50, P95, Fixed at` (the `--set` value, else empty) |
//! | `Options` (only with two or more interventions) | point of view × option, then point of view × pair | the decision table `Point of view, Kind` (`all actors` / `perspective` / `actor`), `Option, Best` (1 for the option with the highest expected net), `Expected net, MCSE, P(best), CI low, CI high` (its Wilson 95% interval, ties split), `Expected loss, MCSE`; after an empty row, the pairs `Point of view, A, B, Mean A − B, MCSE, P5, P50, P95, P(A better), CI low, CI high` |
//! | `Iterations` | iteration (only when the per-iteration values are at hand, i.e. from `run`) | the columns of the samples CSV ([`super::samples_csv`]) |
//!
//! Amounts are discounted to year 0 in the scenario's currency and price year, shown with
//! thousands separators and no decimals (`#,##0`; the cell keeps full precision); shares as
//! percentages (`0%`). Every value is a number, never text; a value that is missing or not finite
//! (e.g. a ROI with a zero mean investment) is an empty cell. Headers are bold and frozen
//! (the `Summary` sheet, a form rather than a table, has no frozen panes). The file's creation
//! date is fixed, so the same results give byte-identical workbooks.

use super::{SampleColumn, SamplesTable};
use crate::error::{Error, Result};
use crate::results::RunResults;
use crate::scenario::Scenario;
use crate::sim::IterationResult;
use crate::stats::Summary;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// The sheet names, in order (`Iterations` only with per-iteration values).
pub const SHEETS: [&str; 6] = [
    "Summary",
    "By actor",
    "Per year",
    "Arms",
    "Parameters",
    "Iterations",
];

/// The sheet comparing the options with each other, before `Iterations`, only with two or
/// more interventions.
pub const OPTIONS_SHEET: &str = "Options";

/// Excel's limit of rows on a sheet.
const MAX_ROWS: usize = 1_048_576;

/// Fails when `iterations` rows do not fit on the `Iterations` sheet (Excel's row limit), so
/// that a run can refuse `--xlsx` before it simulates.
pub fn check_iterations(iterations: usize) -> Result<()> {
    if iterations >= MAX_ROWS {
        return Err(Error::Usage(format!(
            "the Excel workbook holds at most {} iterations on its \"Iterations\" sheet and this \
             run may have {iterations}: write them with --samples FILE.csv instead, or run fewer",
            MAX_ROWS - 1,
        )));
    }
    Ok(())
}

/// The workbook as the bytes of an `.xlsx` file. `samples` (the scenario and the iterations the
/// results were computed from) adds the `Iterations` sheet.
pub fn workbook(
    results: &RunResults,
    samples: Option<(&Scenario, &[IterationResult])>,
) -> Result<Vec<u8>> {
    if let Some((_, iterations)) = samples {
        check_iterations(iterations.len())?;
    }
    build(results, samples).map_err(|e| Error::Usage(format!("writing the Excel workbook: {e}")))
}

fn build(
    results: &RunResults,
    samples: Option<(&Scenario, &[IterationResult])>,
) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(results.scenario.name.as_str())
            .set_comment(format!("socinv {}", results.socinv_version))
            .set_creation_datetime(&created),
    );
    wb.push_worksheet(summary_sheet(results, &f)?);
    wb.push_worksheet(by_actor_sheet(results, &f)?);
    wb.push_worksheet(per_year_sheet(results, &f)?);
    wb.push_worksheet(arms_sheet(results, &f)?);
    wb.push_worksheet(parameters_sheet(results, &f)?);
    if let Some(oc) = &results.option_comparison {
        wb.push_worksheet(options_sheet(oc, &f)?);
    }
    if let Some((scenario, iterations)) = samples {
        wb.push_worksheet(iterations_sheet(scenario, iterations, &f)?);
    }
    wb.save_to_buffer()
}

/// How a number is shown.
#[derive(Clone, Copy)]
enum Num {
    /// `#,##0`
    Amount,
    /// `#,##0.00`
    Decimal,
    /// `0.00`
    Ratio,
    /// `0%`
    Percent,
    /// `0.0%`
    Percent1,
    /// `0`
    Integer,
    /// Excel's General
    General,
}

struct Formats {
    header: Format,
    label: Format,
    amount: Format,
    decimal: Format,
    ratio: Format,
    percent: Format,
    percent1: Format,
    integer: Format,
    general: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin),
            label: Format::new().set_bold(),
            amount: Format::new().set_num_format("#,##0"),
            decimal: Format::new().set_num_format("#,##0.00"),
            ratio: Format::new().set_num_format("0.00"),
            percent: Format::new().set_num_format("0%"),
            percent1: Format::new().set_num_format("0.0%"),
            integer: Format::new().set_num_format("0"),
            general: Format::new(),
        }
    }

    fn of(&self, n: Num) -> &Format {
        match n {
            Num::Amount => &self.amount,
            Num::Decimal => &self.decimal,
            Num::Ratio => &self.ratio,
            Num::Percent => &self.percent,
            Num::Percent1 => &self.percent1,
            Num::Integer => &self.integer,
            Num::General => &self.general,
        }
    }
}

/// A worksheet being written, with the widths its columns need.
struct Sheet<'f> {
    ws: Worksheet,
    f: &'f Formats,
    /// Characters needed per column.
    widths: Vec<usize>,
}

impl<'f> Sheet<'f> {
    fn new(name: &str, f: &'f Formats) -> Result<Self, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        Ok(Sheet {
            ws,
            f,
            widths: Vec::new(),
        })
    }

    fn fit(&mut self, col: u16, chars: usize) {
        let c = usize::from(col);
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 0);
        }
        self.widths[c] = self.widths[c].max(chars);
    }

    fn text(&mut self, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
        self.ws.write_string(row, col, s)?;
        self.fit(col, s.chars().count());
        Ok(())
    }

    fn label(&mut self, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(row, col, s, &self.f.label)?;
        self.fit(col, s.chars().count() + 1);
        Ok(())
    }

    /// A number; nothing if it is missing or not finite.
    fn num(
        &mut self,
        row: u32,
        col: u16,
        v: impl Into<Option<f64>>,
        n: Num,
    ) -> Result<(), XlsxError> {
        if let Some(v) = v.into().filter(|v| v.is_finite()) {
            self.ws
                .write_number_with_format(row, col, v, self.f.of(n))?;
            self.fit(col, shown_width(v, n));
        }
        Ok(())
    }

    /// Numbers in consecutive columns from `col`.
    fn nums(
        &mut self,
        row: u32,
        col: u16,
        values: &[Option<f64>],
        n: Num,
    ) -> Result<(), XlsxError> {
        for (c, v) in (col..).zip(values) {
            self.num(row, c, *v, n)?;
        }
        Ok(())
    }

    /// A bold header row at `row`; with `freeze`, the rows down to it (and `freeze_cols`
    /// columns) stay in view.
    fn header(&mut self, row: u32, names: &[&str], freeze: Option<u16>) -> Result<(), XlsxError> {
        for (c, name) in (0u16..).zip(names) {
            self.ws
                .write_string_with_format(row, c, *name, &self.f.header)?;
            self.fit(c, name.chars().count() + 1);
        }
        if let Some(cols) = freeze {
            self.ws.set_freeze_panes(row + 1, cols)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Worksheet, XlsxError> {
        for (c, w) in (0u16..).zip(&self.widths) {
            self.ws
                .set_column_width(c, (*w).clamp(6, 70) as f64 + 1.5)?;
        }
        Ok(self.ws)
    }
}

/// About how many characters a number takes in its format.
fn shown_width(v: f64, n: Num) -> usize {
    let digits = |x: f64| {
        let x = x.abs().round();
        if x < 10.0 {
            1
        } else {
            x.log10().floor() as usize + 1
        }
    };
    let sign = usize::from(v < 0.0);
    match n {
        Num::Amount => digits(v) + (digits(v) - 1) / 3 + sign,
        Num::Decimal => digits(v) + (digits(v) - 1) / 3 + sign + 3,
        Num::Ratio => digits(v) + sign + 3,
        Num::Percent => digits(v * 100.0) + sign + 1,
        Num::Percent1 => digits(v * 100.0) + sign + 3,
        Num::Integer => digits(v) + sign,
        Num::General => v.to_string().len().min(11),
    }
}

/// A parameter's value: amounts with separators, small numbers as they are.
fn param_num(v: f64) -> Num {
    if v.abs() >= 1000.0 {
        Num::Amount
    } else {
        Num::General
    }
}

/// Mean, MCSE, P5, P25, P50, P75, P95.
fn spread(s: Option<&Summary>) -> [Option<f64>; 7] {
    match s {
        Some(s) => [s.mean, s.mcse, s.p5, s.p25, s.p50, s.p75, s.p95].map(Some),
        None => [None; 7],
    }
}

const SPREAD: [&str; 7] = ["Mean", "MCSE", "P5", "P25", "P50", "P75", "P95"];

fn with_spread<'a>(first: &[&'a str]) -> Vec<&'a str> {
    first.iter().copied().chain(SPREAD).collect()
}

/// The 95% interval of a mean from its MCSE.
fn mean_ci(mean: f64, mcse: f64) -> [Option<f64>; 2] {
    let h = crate::stats::z_level() * mcse;
    [Some(mean - h), Some(mean + h)]
}

fn summary_sheet(r: &RunResults, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(SHEETS[0], f)?;
    let sc = &r.scenario;
    let mut row = 0;
    let mut field = |s: &mut Sheet, name: &str| -> Result<u32, XlsxError> {
        s.label(row, 0, name)?;
        row += 1;
        Ok(row - 1)
    };
    let at = field(&mut s, "Scenario")?;
    s.text(at, 1, &sc.name)?;
    let at = field(&mut s, "File")?;
    s.text(at, 1, &sc.file)?;
    let at = field(&mut s, "Source hash")?;
    s.text(at, 1, &sc.source_hash)?;
    let at = field(&mut s, "Currency")?;
    s.text(at, 1, &sc.currency)?;
    let at = field(&mut s, "Price year")?;
    s.num(at, 1, sc.price_year.map(|y| y as f64), Num::Integer)?;
    let at = field(&mut s, "Horizon (years)")?;
    s.num(at, 1, f64::from(sc.horizon_years), Num::Integer)?;
    let at = field(&mut s, "Cohort")?;
    s.num(at, 1, f64::from(sc.cohort), Num::Amount)?;
    let at = field(&mut s, "Discount rate")?;
    s.num(at, 1, sc.discount_rate, Num::Percent1)?;
    let at = field(&mut s, "Outcome discount rate")?;
    s.num(at, 1, sc.outcome_discount_rate, Num::Percent1)?;
    let at = field(&mut s, "Iterations")?;
    s.num(at, 1, r.settings.iterations as f64, Num::Amount)?;
    let at = field(&mut s, "Seed")?;
    let seed = r.settings.seed;
    if seed <= 1 << 53 {
        s.num(at, 1, seed as f64, Num::Integer)?;
    } else {
        // Beyond 2^53 a double cannot hold it exactly: keep every digit.
        s.text(at, 1, &seed.to_string())?;
    }
    let at = field(&mut s, "socinv version")?;
    s.text(at, 1, &r.socinv_version)?;

    let mut row = row + 1;
    s.header(
        row,
        &[
            with_spread(&["Intervention", "Baseline", "Quantity"]),
            vec!["CI low", "CI high"],
        ]
        .concat(),
        None,
    )?;
    row += 1;
    for c in &r.comparisons {
        let mut line = |s: &mut Sheet, quantity: &str| -> Result<u32, XlsxError> {
            s.text(row, 0, &c.intervention)?;
            s.text(row, 1, &c.baseline)?;
            s.text(row, 2, quantity)?;
            row += 1;
            Ok(row - 1)
        };
        for (name, summary, n) in [
            ("Net return", &c.net, Num::Amount),
            ("Savings", &c.savings, Num::Amount),
            ("Investment", &c.investment, Num::Amount),
        ] {
            let at = line(&mut s, name)?;
            s.nums(at, 3, &spread(Some(summary)), n)?;
            s.nums(at, 10, &mean_ci(summary.mean, summary.mcse), n)?;
        }
        let at = line(&mut s, "ROI")?;
        if let Some(roi) = &c.roi {
            let mut values = spread(roi.per_iteration.as_ref());
            (values[0], values[1]) = (Some(roi.ratio_of_means), Some(roi.mcse));
            s.nums(at, 3, &values, Num::Ratio)?;
            s.nums(at, 10, &mean_ci(roi.ratio_of_means, roi.mcse), Num::Ratio)?;
        }
        for (name, summary) in &c.outcomes {
            let label = sc.labels.outcome_with_unit(name);
            let at = line(&mut s, &format!("Outcome difference: {label}"))?;
            s.nums(at, 3, &spread(Some(summary)), Num::Decimal)?;
            s.nums(at, 10, &mean_ci(summary.mean, summary.mcse), Num::Decimal)?;
        }
        let paid = c.payback.prob_within_horizon;
        let n = r.settings.iterations.max(1) as f64;
        for (name, p, mcse, ci) in [
            (
                "P(net > 0)",
                c.prob_net_positive,
                c.prob_net_positive_mcse,
                c.prob_net_positive_ci,
            ),
            ("P(net < 0)", c.prob_loss, c.prob_loss_mcse, c.prob_loss_ci),
            (
                "P(payback within horizon)",
                paid,
                (paid * (1.0 - paid) / n).sqrt(),
                c.payback.prob_within_horizon_ci,
            ),
        ] {
            let at = line(&mut s, name)?;
            s.num(at, 3, p, Num::Percent)?;
            s.num(at, 4, mcse, Num::Percent1)?;
            s.nums(at, 10, &ci.map(Some), Num::Percent1)?;
        }
        let at = line(&mut s, "Median payback year")?;
        s.num(at, 7, c.payback.median_year.map(f64::from), Num::Integer)?;
        if let Some(ci) = c.payback.median_year_ci {
            s.nums(at, 10, &ci.map(|y| y.map(f64::from)), Num::Integer)?;
        }
    }
    s.finish()
}

fn by_actor_sheet(r: &RunResults, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(SHEETS[1], f)?;
    s.header(
        0,
        &[
            "Intervention",
            "Kind",
            "Name",
            "Mean net",
            "P10",
            "P90",
            "P5",
            "P95",
            "P(net > 0)",
        ],
        Some(0),
    )?;
    let mut row = 1;
    for c in &r.comparisons {
        let groups = [("actor", &c.by_actor), ("perspective", &c.by_perspective)];
        for (kind, shares) in groups {
            for (name, share) in shares {
                let n = &share.net;
                s.text(row, 0, &c.intervention)?;
                s.text(row, 1, kind)?;
                let shown = if kind == "actor" {
                    r.scenario.labels.actor(name)
                } else {
                    name
                };
                s.text(row, 2, shown)?;
                s.nums(
                    row,
                    3,
                    &[n.mean, n.p10, n.p90, n.p5, n.p95].map(Some),
                    Num::Amount,
                )?;
                s.num(row, 8, share.prob_net_positive, Num::Percent)?;
                row += 1;
            }
        }
    }
    s.finish()
}

fn per_year_sheet(r: &RunResults, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(SHEETS[2], f)?;
    s.header(
        0,
        &[
            "Intervention",
            "Year",
            "Cumulative net mean",
            "P5",
            "P25",
            "P50",
            "P75",
            "P95",
            "P(paid back by year)",
            "CI low",
            "CI high",
        ],
        Some(0),
    )?;
    let mut row = 1;
    for c in &r.comparisons {
        for (t, y) in c.per_year.iter().enumerate() {
            let n = &y.cumulative_net;
            s.text(row, 0, &c.intervention)?;
            s.num(row, 1, f64::from(y.year), Num::Integer)?;
            s.nums(
                row,
                2,
                &[n.mean, n.p5, n.p25, n.p50, n.p75, n.p95].map(Some),
                Num::Amount,
            )?;
            s.num(row, 8, c.payback.cdf.get(t).copied(), Num::Percent)?;
            if let Some(ci) = c.payback.cdf_ci.get(t) {
                s.nums(row, 9, &ci.map(Some), Num::Percent1)?;
            }
            row += 1;
        }
    }
    s.finish()
}

fn arms_sheet(r: &RunResults, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(SHEETS[3], f)?;
    s.header(0, &with_spread(&["Arm", "Kind", "Name"]), Some(0))?;
    let mut row = 1;
    for (arm, a) in &r.arms {
        let costs = [
            ("total cost", "all actors", &a.cost.total),
            ("program cost", "program", &a.cost.program),
        ];
        let actors = a
            .cost
            .by_actor
            .iter()
            .map(|(n, v)| ("actor cost", r.scenario.labels.actor(n), v));
        for (kind, name, summary) in costs.into_iter().chain(actors) {
            s.text(row, 0, arm)?;
            s.text(row, 1, kind)?;
            s.text(row, 2, name)?;
            s.nums(row, 3, &spread(Some(summary)), Num::Amount)?;
            row += 1;
        }
        for (name, summary) in &a.outcomes {
            s.text(row, 0, arm)?;
            s.text(row, 1, "outcome")?;
            s.text(row, 2, &r.scenario.labels.outcome_with_unit(name))?;
            s.nums(row, 3, &spread(Some(summary)), Num::Decimal)?;
            row += 1;
        }
    }
    s.finish()
}

fn parameters_sheet(r: &RunResults, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(SHEETS[4], f)?;
    s.header(
        0,
        &[
            "Name",
            "Distribution",
            "P5",
            "P50",
            "P95",
            "Fixed at",
            "Label",
            "Unit",
            "Source",
        ],
        Some(0),
    )?;
    let labels = &r.scenario.labels;
    for (row, p) in (1u32..).zip(&r.scenario.parameters) {
        s.text(row, 0, &p.name)?;
        s.text(row, 1, &p.distribution)?;
        let values = [Some(p.p5), Some(p.p50), Some(p.p95), p.fixed_at];
        for (col, v) in (2u16..).zip(values) {
            s.num(row, col, v, v.map_or(Num::General, param_num))?;
        }
        if let Some(about) = labels.parameters.get(&p.name) {
            for (col, text) in (6u16..).zip([&about.label, &about.unit, &about.source]) {
                if let Some(t) = text {
                    s.text(row, col, t)?;
                }
            }
        }
    }
    s.finish()
}

fn iterations_sheet(
    scenario: &Scenario,
    iterations: &[IterationResult],
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(SHEETS[5], f)?;
    let table = SamplesTable::new(scenario, iterations);
    let names: Vec<&str> = table.columns.iter().map(|(n, _)| n.as_str()).collect();
    s.header(0, &names, Some(1))?;
    for (row, i) in (1u32..).zip(0..iterations.len()) {
        for ((col, v), (_, kind)) in (0u16..).zip(table.row(i)).zip(&table.columns) {
            let n = match kind {
                SampleColumn::Iteration | SampleColumn::PaybackYear => Num::Integer,
                SampleColumn::Parameter => v.map_or(Num::General, param_num),
                SampleColumn::Amount => Num::Amount,
                SampleColumn::Outcome => Num::General,
            };
            s.num(row, col, v, n)?;
        }
    }
    s.finish()
}

fn options_sheet(
    oc: &crate::compare::OptionComparison,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(OPTIONS_SHEET, f)?;
    s.header(
        0,
        &[
            "Point of view",
            "Kind",
            "Option",
            "Best",
            "Expected net",
            "MCSE",
            "P(best)",
            "CI low",
            "CI high",
            "Expected loss",
            "MCSE",
        ],
        Some(0),
    )?;
    let mut row = 1;
    let kinds = oc
        .decisions
        .iter()
        .enumerate()
        .map(|(k, d)| (if k == 0 { "all actors" } else { "perspective" }, d));
    for (kind, d) in kinds.chain(oc.decisions_by_actor.iter().map(|d| ("actor", d))) {
        for o in &d.options {
            s.text(row, 0, &d.point_of_view)?;
            s.text(row, 1, kind)?;
            s.text(row, 2, &o.name)?;
            s.num(row, 3, f64::from(u8::from(o.name == d.best)), Num::Integer)?;
            s.nums(
                row,
                4,
                &[Some(o.expected_net), Some(o.expected_net_mcse)],
                Num::Amount,
            )?;
            s.nums(
                row,
                6,
                &[o.prob_best.p, o.prob_best.ci[0], o.prob_best.ci[1]].map(Some),
                Num::Percent1,
            )?;
            s.nums(
                row,
                9,
                &[Some(o.expected_loss), Some(o.expected_loss_mcse)],
                Num::Amount,
            )?;
            row += 1;
        }
    }
    row += 1;
    s.header(
        row,
        &[
            "Point of view",
            "A",
            "B",
            "Mean A − B",
            "MCSE",
            "P5",
            "P50",
            "P95",
            "P(A better)",
            "CI low",
            "CI high",
        ],
        None,
    )?;
    row += 1;
    for p in &oc.pairwise {
        let d = &p.difference;
        s.text(row, 0, &p.point_of_view)?;
        s.text(row, 1, &p.a)?;
        s.text(row, 2, &p.b)?;
        s.nums(
            row,
            3,
            &[d.mean, d.mcse, d.p5, d.p50, d.p95].map(Some),
            Num::Amount,
        )?;
        s.nums(
            row,
            8,
            &[
                p.prob_a_better.p,
                p.prob_a_better.ci[0],
                p.prob_a_better.ci[1],
            ]
            .map(Some),
            Num::Percent1,
        )?;
        row += 1;
    }
    s.finish()
}
