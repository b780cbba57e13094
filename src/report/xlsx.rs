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
//! | `Budget` (one per intervention: `Budget NAME` with several; none without budget lines) | point of view × year, in blocks | per point of view (the decision perspective first, then the actors with the kommun first, the perspectives, all actors) a title, `Year` (the calendar year, else `"år "0`), `Invested, Avoided costs, Net, P5, P95, P(net > 0), Discount factor, Discounted net` (undiscounted price-year amounts but the last), and a `Total` row |
//! | `Arms` | arm × item | `Arm, Kind` (`total cost` / `program cost` / `actor cost` / `outcome`), `Name` (`all actors`, `program`, the actor or the outcome), `Mean, MCSE, P5, P25, P50, P75, P95` |
//! | `Parameters` | parameter | `Name, Distribution, P5, P50, P95, Fixed at` (the `--set` value, else empty) |
//! | `Options` (only with two or more interventions) | point of view × option, then point of view × pair | the decision table `Point of view, Kind` (`all actors` / `perspective` / `actor`), `Option, Best` (1 for the option with the highest expected net), `Expected net, MCSE, P(best), CI low, CI high` (its Wilson 95% interval, ties split), `Expected loss, MCSE`; after an empty row, the pairs `Point of view, A, B, Mean A − B, MCSE, P5, P50, P95, P(A better), CI low, CI high` |
//! | `Iterations` | iteration (only when the per-iteration values are at hand, i.e. from `run`) | the columns of the samples CSV's wide layout ([`super::write_samples_csv`]) |
//!
//! The names above are English ([`workbook`], `--lang en`); [`workbook_in`] with Swedish gives
//! Swedish sheet names, headers and fixed words ([`Texts`]).
//!
//! Where a controller checks the arithmetic, a cell holds a formula with socinv's value as its
//! cached result: the mean net (`Summary`, and per actor on `By actor`) is the mean cost without
//! the intervention − with it on `Arms`; an arm's total cost on `Arms` is the `SUM` of its actors'
//! costs; each net on `Iterations` is the baseline's cost − the arm's cost in the same row; on
//! `Budget` the net is avoided − invested, the discount factor `1/(1+r)^t` from the rate on
//! `Summary`, the discounted net net × factor, and the `Total` row `SUM`s. Each
//! sheet's table is an Excel table with filter buttons (a plain filter where headers repeat).
//!
//! Amounts (but `Budget`'s) are discounted to year 0 in the scenario's currency and price year, shown with
//! thousands separators, no decimals and the unit (`#,##0 "kr"` for SEK; the cell keeps full
//! precision); shares as percentages (`0%`). Every value is a number, never text; a value that is missing or not finite
//! (e.g. a ROI with a zero mean investment) is an empty cell. Headers are bold and frozen
//! (the `Summary` sheet, a form rather than a table, and `Budget`, whose blocks repeat
//! their headers, have no frozen panes). The file's creation
//! date is fixed, so the same results give byte-identical workbooks.

use super::html::Lang;
use super::html::i18n::actor_named;
use super::{SampleColumn, SamplesTable};
use crate::error::{Error, Result};
use crate::followup::FollowUp;
use crate::followup::forecast::{Band, PeriodNet, UpdatedForecast};
use crate::results::{BudgetLine, Comparison, PointOfViewKind, RunResults, ScenarioInfo};
use crate::samples::RunSamples;
use crate::scenario::DEFAULT_SOCIETY;
use crate::scenario::Scenario;
use crate::schema::followup::{PosteriorMethod, Spread, Verdict};
use crate::stats::Summary;
use rust_xlsxwriter::utility::{quote_sheet_name, row_col_to_cell, row_col_to_cell_absolute};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Formula, Table, TableColumn, Workbook,
    Worksheet, XlsxError,
};
use std::collections::HashMap;

/// The sheet names in English, in order (`Iterations` only with per-iteration values).
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

/// The budget sheet, after `Per year`: one per intervention (named `Budget NAME`) with two or
/// more, none for results without budget lines.
pub const BUDGET_SHEET: &str = "Budget";

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

/// The workbook in English as the bytes of an `.xlsx` file. `samples` (the scenario and the
/// iterations the results were computed from) adds the `Iterations` sheet.
pub fn workbook(
    results: &RunResults,
    samples: Option<(&Scenario, &RunSamples)>,
) -> Result<Vec<u8>> {
    workbook_in(Lang::En, results, samples)
}

/// The workbook with sheet names and headers in `lang` (see [`Texts`]).
pub fn workbook_in(
    lang: Lang,
    results: &RunResults,
    samples: Option<(&Scenario, &RunSamples)>,
) -> Result<Vec<u8>> {
    if let Some((_, samples)) = samples {
        check_iterations(samples.len())?;
    }
    build(Texts::of(lang), results, samples)
        .map_err(|e| Error::Usage(format!("writing the Excel workbook: {e}")))
}

/// The follow-up's workbook in `lang`: a sheet with the observed cohort, the method and each
/// parameter before and after; where there is a forecast, a sheet of the net so far and ahead
/// per point of view, one of the people per state and year (observed, before, now), and then
/// the updated forecast's sheets, as a run's workbook has them.
pub fn followup_workbook(lang: Lang, report: &FollowUp) -> Result<Vec<u8>> {
    followup_build(Texts::of(lang), report)
        .map_err(|e| Error::Usage(format!("writing the Excel workbook: {e}")))
}

fn followup_build(t: &'static Texts, all: &FollowUp) -> Result<Vec<u8>, XlsxError> {
    let r = &all.update;
    let f = Formats::new("", t);
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(r.scenario.as_str())
            .set_comment(format!("socinv {}", r.socinv_version))
            .set_creation_datetime(&created),
    );
    let mut s = Sheet::new(t.followup_sheet, &f)?;
    let o = &r.observed;
    let p = &r.posterior;
    let method = match p.method {
        PosteriorMethod::ImportanceSampling => t.followup_methods[0],
        PosteriorMethod::SequentialMonteCarlo => t.followup_methods[1],
    };
    let texts = [&r.scenario, &r.file, &r.source_hash, &r.observed_file];
    for (row, (field, value)) in (0u32..).zip(t.followup_fields.iter().zip(texts)) {
        s.text(row, 0, field)?;
        s.text(row, 1, value)?;
    }
    let counts = [o.people, o.participants, o.person_years, o.moves, o.years];
    for (row, (field, value)) in (4u32..).zip(t.followup_fields[4..9].iter().zip(counts)) {
        s.text(row, 0, field)?;
        s.num(row, 1, value as f64, Num::Grouped)?;
    }
    s.text(9, 0, t.followup_fields[9])?;
    s.text(9, 1, method)?;
    s.text(10, 0, t.followup_fields[10])?;
    s.num(10, 1, p.particles as f64, Num::Grouped)?;
    s.text(11, 0, t.followup_fields[11])?;
    s.num(11, 1, p.effective_sample_size.floor(), Num::Grouped)?;
    s.text(12, 0, t.followup_fields[12])?;
    s.num(12, 1, r.seed as f64, Num::Integer)?;
    let head = 14;
    s.header(head, &t.followup_columns, None)?;
    let mut last = head;
    for (row, u) in (head + 1..).zip(&r.parameters) {
        s.text(row, 0, &u.name)?;
        if let Some(label) = r
            .labels
            .parameters
            .get(&u.name)
            .and_then(|d| d.label.as_deref())
        {
            s.text(row, 1, label)?;
        }
        s.text(row, 2, t.yes_no[usize::from(!u.informed)])?;
        let verdict = match u.verdict {
            Verdict::Contradicted => 0,
            Verdict::Shifted => 1,
            Verdict::Confirmed => 2,
            Verdict::Unchanged => 3,
        };
        s.text(row, 3, t.verdicts[verdict])?;
        let spread = |x: &Spread| [x.mean, x.sd, x.p5, x.p50, x.p95].map(Some);
        s.nums(row, 4, &spread(&u.prior), Num::General)?;
        s.nums(row, 9, &spread(&u.posterior), Num::General)?;
        s.num(row, 14, u.sd_ratio, Num::Ratio)?;
        s.num(row, 15, u.posterior_mean_mcse, Num::General)?;
        last = row;
    }
    s.table("tblFollowUp", head, last, &t.followup_columns)?;
    wb.push_worksheet(s.finish()?);
    if let Some(forecast) = &all.forecast {
        let money = Formats::new(&forecast.after.scenario.currency, t);
        wb.push_worksheet(forecast_sheet(t, forecast, &money)?);
        wb.push_worksheet(states_sheet(t, forecast, &money)?);
        add_run_sheets(&mut wb, t, &forecast.after, None)?;
    }
    wb.save_to_buffer()
}

/// The net so far and of the years left per point of view, with P(net > 0) and P(loss)
/// before and now.
fn forecast_sheet(
    t: &'static Texts,
    forecast: &UpdatedForecast,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(t.forecast_sheet, f)?;
    s.header(0, &t.forecast_columns, None)?;
    let (Some(before), Some(now)) = (
        forecast.before.comparisons.first(),
        forecast.after.comparisons.first(),
    ) else {
        return s.finish();
    };
    let shares = |c: &Comparison, p: &PeriodNet| -> [Option<f64>; 2] {
        let s = c.shares_of(p.kind, &p.name);
        [s.map(|x| x.prob_net_positive), s.map(|x| x.prob_loss)]
    };
    let mut last = 0;
    for (row, p) in (1u32..).zip(&forecast.periods) {
        let kind = match p.kind {
            PointOfViewKind::AllActors => 0,
            PointOfViewKind::Perspective => 1,
            PointOfViewKind::Actor => 2,
        };
        s.text(row, 0, &p.name)?;
        s.text(row, 1, t.point_of_view_kinds[kind])?;
        let money = |x: &Summary| [Some(x.mean), Some(x.p5), Some(x.p95)];
        s.nums(row, 2, &money(&p.so_far), Num::Amount)?;
        s.nums(row, 5, &money(&p.rest), Num::Amount)?;
        let [pos_b, loss_b] = shares(before, p);
        let [pos_n, loss_n] = shares(now, p);
        s.nums(row, 8, &[pos_b, pos_n, loss_b, loss_n], Num::Percent)?;
        last = row;
    }
    s.table("tblForecast", 0, last, &t.forecast_columns)?;
    s.finish()
}

/// The people in each state each year: observed, and P5, median and P95 before and now.
fn states_sheet(
    t: &'static Texts,
    forecast: &UpdatedForecast,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(t.states_sheet, f)?;
    s.header(0, &t.states_columns, None)?;
    let first = forecast.after.scenario.first_year;
    let mut row = 0u32;
    for st in &forecast.states {
        for (k, (b, n)) in st.before.iter().zip(&st.after).enumerate() {
            row += 1;
            s.text(row, 0, &st.state)?;
            s.num(
                row,
                1,
                first.map_or(k as f64 + 1.0, |y| f64::from(y) + k as f64),
                Num::Integer,
            )?;
            let observed = st.observed.get(k).map(|&x| f64::from(x));
            let people = st.observed_people.get(k).map(|&x| f64::from(x));
            s.nums(row, 2, &[observed, people], Num::Grouped)?;
            let band = |x: &Band| [Some(x.p5), Some(x.p50), Some(x.p95)];
            s.nums(row, 4, &band(b), Num::Grouped)?;
            s.nums(row, 7, &band(n), Num::Grouped)?;
        }
    }
    s.table("tblStates", 0, row, &t.states_columns)?;
    s.finish()
}

fn build(
    t: &'static Texts,
    results: &RunResults,
    samples: Option<(&Scenario, &RunSamples)>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(results.scenario.name.as_str())
            .set_comment(format!("socinv {}", results.socinv_version))
            .set_creation_datetime(&created),
    );
    add_run_sheets(&mut wb, t, results, samples)?;
    wb.save_to_buffer()
}

/// A run's sheets, added to `wb`.
fn add_run_sheets(
    wb: &mut Workbook,
    t: &'static Texts,
    results: &RunResults,
    samples: Option<(&Scenario, &RunSamples)>,
) -> Result<(), XlsxError> {
    let f = Formats::new(&results.scenario.currency, t);
    // the arms first: the other sheets' formulas refer to its cells
    let (arms, arm_cells) = arms_sheet(t, results, &f)?;
    let (summary, rate_cell) = summary_sheet(t, results, &f, &arm_cells)?;
    wb.push_worksheet(summary);
    wb.push_worksheet(by_actor_sheet(t, results, &f, &arm_cells)?);
    wb.push_worksheet(per_year_sheet(t, results, &f)?);
    for sheet in budget_sheets(t, results, &f, &rate_cell)? {
        wb.push_worksheet(sheet);
    }
    wb.push_worksheet(arms);
    wb.push_worksheet(parameters_sheet(t, results, &f)?);
    if let Some(oc) = &results.option_comparison {
        wb.push_worksheet(options_sheet(t, oc, &f)?);
    }
    if let Some((scenario, samples)) = samples {
        wb.push_worksheet(iterations_sheet(t, scenario, samples, &f)?);
    }
    Ok(())
}

/// Sheet names, headers and fixed words of the workbook in one language.
pub struct Texts {
    lang: Lang,
    /// Summary, By actor, Per year, Arms, Parameters, Iterations.
    pub sheets: [&'static str; 6],
    pub options_sheet: &'static str,
    /// The budget sheet's name (with several interventions, followed by the intervention's).
    pub budget_sheet: &'static str,
    /// Year, invested, avoided costs, net, P5, P95, P(net > 0), discount factor, discounted net.
    pub budget_columns: [&'static str; 9],
    /// The label of a budget block's sum row.
    pub budget_total: &'static str,
    /// The number format of a year of the horizon without a calendar year ("år 1").
    year_format: &'static str,
    /// The settings block of the summary, in order.
    summary_fields: [&'static str; 12],
    intervention: &'static str,
    baseline: &'static str,
    quantity: &'static str,
    /// Mean, MCSE, P5, P25, P50, P75, P95.
    spread: [&'static str; 7],
    ci: [&'static str; 2],
    /// Net return, Savings, Investment, ROI.
    quantities: [&'static str; 4],
    outcome_difference: &'static str,
    /// P(net > 0), P(net < 0), P(payback within horizon), Median payback year.
    shares: [&'static str; 4],
    kind: &'static str,
    name: &'static str,
    /// actor, perspective
    actor_kinds: [&'static str; 2],
    by_actor_values: [&'static str; 6],
    year: &'static str,
    per_year_values: [&'static str; 2],
    arm: &'static str,
    /// total cost, program cost, actor cost, outcome
    arm_kinds: [&'static str; 4],
    /// all actors, program
    arm_names: [&'static str; 2],
    parameter_columns: [&'static str; 9],
    options_columns: [&'static str; 11],
    /// all actors, perspective, actor
    point_of_view_kinds: [&'static str; 3],
    pairs_columns: [&'static str; 11],
    followup_sheet: &'static str,
    followup_fields: [&'static str; 13],
    followup_columns: [&'static str; 16],
    /// importance sampling, sequential Monte Carlo
    followup_methods: [&'static str; 2],
    /// contradicted, shifted, confirmed, unchanged
    verdicts: [&'static str; 4],
    yes_no: [&'static str; 2],
    forecast_sheet: &'static str,
    /// Point of view, kind, so far (mean, P5, P95), years left (mean, P5, P95), P(net > 0)
    /// before and now, P(loss) before and now.
    forecast_columns: [&'static str; 12],
    states_sheet: &'static str,
    /// State, year, observed, people observed, before (P5, P50, P95), now (P5, P50, P95).
    states_columns: [&'static str; 10],
}

impl Texts {
    pub fn of(lang: Lang) -> &'static Texts {
        match lang {
            Lang::En => &EN,
            Lang::Sv => &SV,
        }
    }
}

const EN: Texts = Texts {
    lang: Lang::En,
    sheets: SHEETS,
    options_sheet: OPTIONS_SHEET,
    budget_sheet: BUDGET_SHEET,
    budget_columns: [
        "Year",
        "Invested",
        "Avoided costs",
        "Net",
        "P5",
        "P95",
        "P(net > 0)",
        "Discount factor",
        "Discounted net",
    ],
    budget_total: "Total",
    year_format: "\"year \"0",
    summary_fields: [
        "Scenario",
        "File",
        "Source hash",
        "Currency",
        "Price year",
        "Horizon (years)",
        "Cohort",
        "Discount rate",
        "Outcome discount rate",
        "Iterations",
        "Seed",
        "socinv version",
    ],
    intervention: "Intervention",
    baseline: "Baseline",
    quantity: "Quantity",
    spread: ["Mean", "MCSE", "P5", "P25", "P50", "P75", "P95"],
    ci: ["CI low", "CI high"],
    quantities: ["Net return", "Savings", "Investment", "ROI"],
    outcome_difference: "Outcome difference: ",
    shares: [
        "P(net > 0)",
        "P(net < 0)",
        "P(payback within horizon)",
        "Median payback year",
    ],
    kind: "Kind",
    name: "Name",
    actor_kinds: ["actor", "perspective"],
    by_actor_values: ["Mean net", "P10", "P90", "P5", "P95", "P(net > 0)"],
    year: "Year",
    per_year_values: ["Cumulative net mean", "P(paid back by year)"],
    arm: "Arm",
    arm_kinds: ["total cost", "program cost", "actor cost", "outcome"],
    arm_names: ["all actors", "program"],
    parameter_columns: [
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
    options_columns: [
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
    point_of_view_kinds: ["all actors", "perspective", "actor"],
    pairs_columns: [
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
    followup_sheet: "Follow-up",
    followup_fields: [
        "Scenario",
        "File",
        "Source hash",
        "Observed file",
        "People",
        "Took part",
        "Person-years",
        "Yearly moves",
        "Years observed",
        "Method",
        "Particles",
        "Effective sample size",
        "Seed",
    ],
    followup_columns: [
        "Name",
        "Label",
        "Informed",
        "Verdict",
        "Before mean",
        "Before sd",
        "Before P5",
        "Before P50",
        "Before P95",
        "After mean",
        "After sd",
        "After P5",
        "After P50",
        "After P95",
        "sd after/before",
        "MCSE after mean",
    ],
    followup_methods: ["importance sampling", "sequential Monte Carlo"],
    verdicts: ["contradicted", "shifted", "confirmed", "unchanged"],
    yes_no: ["yes", "no"],
    forecast_sheet: "Forecast",
    forecast_columns: [
        "Point of view",
        "Kind",
        "So far, mean",
        "So far, P5",
        "So far, P95",
        "Years left, mean",
        "Years left, P5",
        "Years left, P95",
        "P(net > 0) before",
        "P(net > 0) now",
        "P(loss) before",
        "P(loss) now",
    ],
    states_sheet: "States",
    states_columns: [
        "State",
        "Year",
        "Observed",
        "People observed",
        "Before P5",
        "Before P50",
        "Before P95",
        "Now P5",
        "Now P50",
        "Now P95",
    ],
};

const SV: Texts = Texts {
    lang: Lang::Sv,
    budget_sheet: "Budget",
    budget_columns: [
        "År",
        "Investerat",
        "Undvikna kostnader",
        "Netto",
        "P5",
        "P95",
        "P(netto > 0)",
        "Diskonteringsfaktor",
        "Diskonterat netto",
    ],
    budget_total: "Summa",
    year_format: "\"år \"0",
    sheets: [
        "Sammanfattning",
        "Per aktör",
        "Per år",
        "Alternativ",
        "Parametrar",
        "Iterationer",
    ],
    options_sheet: "Jämförelse",
    summary_fields: [
        "Scenario",
        "Fil",
        "Skriptets hash",
        "Valuta",
        "Prisår",
        "Tidshorisont (år)",
        "Kohort",
        "Diskonteringsränta",
        "Diskonteringsränta för utfall",
        "Iterationer",
        "Slumpfrö",
        "socinv-version",
    ],
    intervention: "Insats",
    baseline: "Jämförs med",
    quantity: "Storhet",
    spread: ["Medel", "MCSE", "P5", "P25", "P50", "P75", "P95"],
    ci: ["KI låg", "KI hög"],
    quantities: ["Netto", "Besparing", "Investering", "ROI"],
    outcome_difference: "Skillnad i utfall: ",
    shares: [
        "P(netto > 0)",
        "P(netto < 0)",
        "P(återbetald inom tidshorisonten)",
        "Återbetalningsår (median)",
    ],
    kind: "Typ",
    name: "Namn",
    actor_kinds: ["aktör", "perspektiv"],
    by_actor_values: ["Medelnetto", "P10", "P90", "P5", "P95", "P(netto > 0)"],
    year: "År",
    per_year_values: [
        "Ackumulerat netto, medel",
        "P(återbetald till och med året)",
    ],
    arm: "Alternativ",
    arm_kinds: [
        "total kostnad",
        "programkostnad",
        "aktörens kostnad",
        "utfall",
    ],
    arm_names: ["alla aktörer", "programmet"],
    parameter_columns: [
        "Namn",
        "Fördelning",
        "P5",
        "P50",
        "P95",
        "Fast värde",
        "Etikett",
        "Enhet",
        "Källa",
    ],
    options_columns: [
        "Synvinkel",
        "Typ",
        "Alternativ",
        "Bäst",
        "Förväntat netto",
        "MCSE",
        "P(bäst)",
        "KI låg",
        "KI hög",
        "Förväntad förlust",
        "MCSE",
    ],
    point_of_view_kinds: ["alla aktörer", "perspektiv", "aktör"],
    pairs_columns: [
        "Synvinkel",
        "A",
        "B",
        "Medel A − B",
        "MCSE",
        "P5",
        "P50",
        "P95",
        "P(A bättre)",
        "KI låg",
        "KI hög",
    ],
    followup_sheet: "Uppföljning",
    followup_fields: [
        "Scenario",
        "Fil",
        "Innehållshash",
        "Observerad fil",
        "Personer",
        "Deltog",
        "Personår",
        "Årliga övergångar",
        "Observerade år",
        "Metod",
        "Partiklar",
        "Effektiv stickprovsstorlek",
        "Frö",
    ],
    followup_columns: [
        "Namn",
        "Etikett",
        "Informeras",
        "Bedömning",
        "Före medel",
        "Före sd",
        "Före P5",
        "Före P50",
        "Före P95",
        "Efter medel",
        "Efter sd",
        "Efter P5",
        "Efter P50",
        "Efter P95",
        "sd efter/före",
        "MCSE efter medel",
    ],
    followup_methods: [
        "viktning av a priori-dragningar (importance sampling)",
        "sekventiell Monte Carlo",
    ],
    verdicts: ["motsagd", "förskjuten", "bekräftad", "oförändrad"],
    yes_no: ["ja", "nej"],
    forecast_sheet: "Prognos",
    forecast_columns: [
        "Aktör eller perspektiv",
        "Slag",
        "Hittills, medel",
        "Hittills, P5",
        "Hittills, P95",
        "Återstående år, medel",
        "Återstående år, P5",
        "Återstående år, P95",
        "P(netto > 0) före",
        "P(netto > 0) nu",
        "P(förlust) före",
        "P(förlust) nu",
    ],
    states_sheet: "Tillstånd",
    states_columns: [
        "Tillstånd",
        "År",
        "Observerat",
        "Observerade personer",
        "Före P5",
        "Före P50",
        "Före P95",
        "Nu P5",
        "Nu P50",
        "Nu P95",
    ],
};

/// How a number is shown.
#[derive(Clone, Copy)]
enum Num {
    /// An amount of money: `#,##0 "kr"` (the currency's unit after the number)
    Amount,
    /// A count or other large number: `#,##0`
    Grouped,
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
    /// `0.0000` (a discount factor)
    Factor,
    /// A year of the horizon: `"år "0`
    YearOfHorizon,
    /// Excel's General
    General,
}

struct Formats {
    header: Format,
    label: Format,
    amount: Format,
    /// Characters the amount's unit adds (` kr`).
    unit_width: usize,
    grouped: Format,
    decimal: Format,
    ratio: Format,
    percent: Format,
    percent1: Format,
    integer: Format,
    factor: Format,
    year_of_horizon: Format,
    general: Format,
}

/// The unit shown after an amount: `kr` for SEK (as Swedish budgets write it), else the
/// currency's code; none without a currency.
fn currency_unit(currency: &str) -> Option<String> {
    let code = currency.trim();
    match code {
        "" => None,
        "SEK" | "sek" | "kr" => Some("kr".to_string()),
        // a quote would end the format's literal
        code => Some(code.replace('"', "")),
    }
}

impl Formats {
    fn new(currency: &str, t: &Texts) -> Self {
        let unit = currency_unit(currency);
        let amount = match &unit {
            Some(u) => format!("#,##0 \"{u}\""),
            None => "#,##0".to_string(),
        };
        Formats {
            header: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin),
            label: Format::new().set_bold(),
            amount: Format::new().set_num_format(amount),
            unit_width: unit.map_or(0, |u| u.chars().count() + 1),
            grouped: Format::new().set_num_format("#,##0"),
            decimal: Format::new().set_num_format("#,##0.00"),
            ratio: Format::new().set_num_format("0.00"),
            percent: Format::new().set_num_format("0%"),
            percent1: Format::new().set_num_format("0.0%"),
            integer: Format::new().set_num_format("0"),
            factor: Format::new().set_num_format("0.0000"),
            year_of_horizon: Format::new().set_num_format(t.year_format),
            general: Format::new(),
        }
    }

    fn of(&self, n: Num) -> &Format {
        match n {
            Num::Amount => &self.amount,
            Num::Grouped => &self.grouped,
            Num::Decimal => &self.decimal,
            Num::Ratio => &self.ratio,
            Num::Percent => &self.percent,
            Num::Percent1 => &self.percent1,
            Num::Integer => &self.integer,
            Num::Factor => &self.factor,
            Num::YearOfHorizon => &self.year_of_horizon,
            Num::General => &self.general,
        }
    }
}

/// A worksheet being written, with the widths its columns need.
struct Sheet<'f> {
    ws: Worksheet,
    /// The sheet's name as a formula refers to it (quoted).
    reference: String,
    f: &'f Formats,
    /// Characters needed per column.
    widths: Vec<usize>,
    /// Whether the sheet has its one plain autofilter (given to a table whose headers repeat).
    has_autofilter: bool,
}

impl<'f> Sheet<'f> {
    fn new(name: &str, f: &'f Formats) -> Result<Self, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        Ok(Sheet {
            ws,
            reference: quote_sheet_name(name),
            f,
            widths: Vec::new(),
            has_autofilter: false,
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
            self.fit(col, shown_width(v, n, self.f));
        }
        Ok(())
    }

    /// A formula (`=…`) with its value as computed by socinv, which readers that do not
    /// recalculate show; nothing if the value is missing or not finite.
    fn formula(
        &mut self,
        row: u32,
        col: u16,
        formula: &str,
        value: f64,
        n: Num,
    ) -> Result<(), XlsxError> {
        if value.is_finite() {
            let formula = Formula::new(formula).set_result(value.to_string());
            self.ws
                .write_formula_with_format(row, col, formula, self.f.of(n))?;
            self.fit(col, shown_width(value, n, self.f));
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
            self.fit(c, name.chars().count() + 3);
        }
        if let Some(cols) = freeze {
            self.ws.set_freeze_panes(row + 1, cols)?;
        }
        Ok(())
    }

    /// An Excel table with filter buttons over the header `names` at `header_row` and the
    /// rows below it down to `last_row`, named `name`. Headers that repeat (which a table
    /// cannot have) get a plain autofilter instead (one per sheet); no rows, nothing.
    fn table(
        &mut self,
        name: &str,
        header_row: u32,
        last_row: u32,
        names: &[&str],
    ) -> Result<(), XlsxError> {
        if last_row <= header_row || names.is_empty() {
            return Ok(());
        }
        let last_col = names.len() as u16 - 1;
        let mut seen = std::collections::HashSet::new();
        if names.iter().all(|n| seen.insert(n.to_lowercase())) {
            let columns: Vec<TableColumn> = names
                .iter()
                .map(|n| {
                    TableColumn::new()
                        .set_header(*n)
                        .set_header_format(&self.f.header)
                })
                .collect();
            let table = Table::new().set_name(name).set_columns(&columns);
            self.ws
                .add_table(header_row, 0, last_row, last_col, &table)?;
        } else if !self.has_autofilter {
            self.ws.autofilter(header_row, 0, last_row, last_col)?;
            self.has_autofilter = true;
        }
        Ok(())
    }

    /// A reference to the cell at (`row`, `col`) of this sheet from another sheet.
    fn cell_ref(&self, row: u32, col: u16) -> String {
        format!("{}!{}", self.reference, row_col_to_cell(row, col))
    }

    /// A line of text that runs over the empty cells to its right (its column keeps its
    /// width); bold with `bold`.
    fn note(&mut self, row: u32, s: &str, bold: bool) -> Result<(), XlsxError> {
        if bold {
            self.ws.write_string_with_format(row, 0, s, &self.f.label)?;
        } else {
            self.ws.write_string(row, 0, s)?;
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
fn shown_width(v: f64, n: Num, f: &Formats) -> usize {
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
        Num::Amount => digits(v) + (digits(v) - 1) / 3 + sign + f.unit_width,
        Num::Grouped => digits(v) + (digits(v) - 1) / 3 + sign,
        Num::Decimal => digits(v) + (digits(v) - 1) / 3 + sign + 3,
        Num::Ratio => digits(v) + sign + 3,
        Num::Percent => digits(v * 100.0) + sign + 1,
        Num::Percent1 => digits(v * 100.0) + sign + 3,
        Num::Integer => digits(v) + sign,
        Num::Factor => digits(v) + sign + 5,
        Num::YearOfHorizon => digits(v) + 5,
        Num::General => v.to_string().len().min(11),
    }
}

/// A parameter's value: large numbers with separators, small numbers as they are.
fn param_num(v: f64) -> Num {
    if v.abs() >= 1000.0 {
        Num::Grouped
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

fn with_spread<'a>(t: &'a Texts, first: &[&'a str]) -> Vec<&'a str> {
    first.iter().copied().chain(t.spread).collect()
}

/// The 95% interval of a mean from its MCSE.
fn mean_ci(mean: f64, mcse: f64) -> [Option<f64>; 2] {
    let h = crate::stats::z_level() * mcse;
    [Some(mean - h), Some(mean + h)]
}

/// Where the `Arms` sheet holds each arm's mean costs, for the other sheets' formulas.
#[derive(Default)]
struct ArmCells {
    /// Arm → the cell of its mean total cost.
    total: HashMap<String, String>,
    /// (arm, actor) → the cell of the actor's mean cost in the arm.
    actor: HashMap<(String, String), String>,
}

impl ArmCells {
    /// `=cost without − cost with` from the cells of the baseline's and the intervention's
    /// costs, if both are there.
    fn net(&self, baseline: Option<&String>, intervention: Option<&String>) -> Option<String> {
        Some(format!("={}-{}", baseline?, intervention?))
    }
}

/// The `Summary` sheet, and the absolute reference to its discount rate's cell.
fn summary_sheet(
    t: &Texts,
    r: &RunResults,
    f: &Formats,
    arms: &ArmCells,
) -> Result<(Worksheet, String), XlsxError> {
    let mut s = Sheet::new(t.sheets[0], f)?;
    let sc = &r.scenario;
    let mut row = 0;
    let fields = t.summary_fields;
    let mut field = |s: &mut Sheet, k: usize| -> Result<u32, XlsxError> {
        s.label(row, 0, fields[k])?;
        row += 1;
        Ok(row - 1)
    };
    let at = field(&mut s, 0)?;
    s.text(at, 1, &sc.name)?;
    let at = field(&mut s, 1)?;
    s.text(at, 1, &sc.file)?;
    let at = field(&mut s, 2)?;
    s.text(at, 1, &sc.source_hash)?;
    let at = field(&mut s, 3)?;
    s.text(at, 1, &sc.currency)?;
    let at = field(&mut s, 4)?;
    s.num(at, 1, sc.price_year.map(|y| y as f64), Num::Integer)?;
    let at = field(&mut s, 5)?;
    s.num(at, 1, f64::from(sc.horizon_years), Num::Integer)?;
    let at = field(&mut s, 6)?;
    s.num(at, 1, f64::from(sc.cohort), Num::Grouped)?;
    let at = field(&mut s, 7)?;
    s.num(at, 1, sc.discount_rate, Num::Percent1)?;
    let rate_cell = format!("{}!{}", s.reference, row_col_to_cell_absolute(at, 1));
    let at = field(&mut s, 8)?;
    s.num(at, 1, sc.outcome_discount_rate, Num::Percent1)?;
    let at = field(&mut s, 9)?;
    s.num(at, 1, r.settings.iterations as f64, Num::Grouped)?;
    let at = field(&mut s, 10)?;
    let seed = r.settings.seed;
    if seed <= 1 << 53 {
        s.num(at, 1, seed as f64, Num::Integer)?;
    } else {
        // Beyond 2^53 a double cannot hold it exactly: keep every digit.
        s.text(at, 1, &seed.to_string())?;
    }
    let at = field(&mut s, 11)?;
    s.text(at, 1, &r.socinv_version)?;

    let mut row = row + 1;
    let header_row = row;
    let names = [
        with_spread(t, &[t.intervention, t.baseline, t.quantity]),
        t.ci.to_vec(),
    ]
    .concat();
    s.header(row, &names, None)?;
    row += 1;
    for c in &r.comparisons {
        let mut line = |s: &mut Sheet, quantity: &str| -> Result<u32, XlsxError> {
            s.text(row, 0, &c.intervention)?;
            s.text(row, 1, &c.baseline)?;
            s.text(row, 2, quantity)?;
            row += 1;
            Ok(row - 1)
        };
        for (k, (summary, n)) in [
            (&c.net, Num::Amount),
            (&c.savings, Num::Amount),
            (&c.investment, Num::Amount),
        ]
        .into_iter()
        .enumerate()
        {
            let at = line(&mut s, t.quantities[k])?;
            s.nums(at, 3, &spread(Some(summary)), n)?;
            // the mean net as the controller checks it: cost without − cost with
            let net = arms.net(arms.total.get(&c.baseline), arms.total.get(&c.intervention));
            if let (0, Some(formula)) = (k, net) {
                s.formula(at, 3, &formula, summary.mean, n)?;
            }
            s.nums(at, 10, &mean_ci(summary.mean, summary.mcse), n)?;
        }
        let at = line(&mut s, t.quantities[3])?;
        if let Some(roi) = &c.roi {
            let mut values = spread(roi.per_iteration.as_ref());
            (values[0], values[1]) = (Some(roi.ratio_of_means), Some(roi.mcse));
            s.nums(at, 3, &values, Num::Ratio)?;
            s.nums(at, 10, &mean_ci(roi.ratio_of_means, roi.mcse), Num::Ratio)?;
        }
        for (name, summary) in &c.outcomes {
            let label = sc.labels.outcome_with_unit(name);
            let at = line(&mut s, &format!("{}{label}", t.outcome_difference))?;
            s.nums(at, 3, &spread(Some(summary)), Num::Decimal)?;
            s.nums(at, 10, &mean_ci(summary.mean, summary.mcse), Num::Decimal)?;
        }
        let paid = c.payback.prob_within_horizon;
        let n = r.settings.iterations.max(1) as f64;
        for (name, p, mcse, ci) in [
            (
                t.shares[0],
                c.prob_net_positive,
                c.prob_net_positive_mcse,
                c.prob_net_positive_ci,
            ),
            (t.shares[1], c.prob_loss, c.prob_loss_mcse, c.prob_loss_ci),
            (
                t.shares[2],
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
        let at = line(&mut s, t.shares[3])?;
        s.num(at, 7, c.payback.median_year.map(f64::from), Num::Integer)?;
        if let Some(ci) = c.payback.median_year_ci {
            s.nums(at, 10, &ci.map(|y| y.map(f64::from)), Num::Integer)?;
        }
    }
    s.table("tblSummary", header_row, row - 1, &names)?;
    Ok((s.finish()?, rate_cell))
}

fn by_actor_sheet(
    t: &Texts,
    r: &RunResults,
    f: &Formats,
    arms: &ArmCells,
) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(t.sheets[1], f)?;
    let names: Vec<&str> = [t.intervention, t.kind, t.name]
        .into_iter()
        .chain(t.by_actor_values)
        .collect();
    s.header(0, &names, Some(0))?;
    let mut row = 1;
    for c in &r.comparisons {
        let groups = [(0, &c.by_actor), (1, &c.by_perspective)];
        for (kind, shares) in groups {
            for (name, share) in shares {
                let n = &share.net;
                s.text(row, 0, &c.intervention)?;
                s.text(row, 1, t.actor_kinds[kind])?;
                let shown = if kind == 0 {
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
                if kind == 0 {
                    let cell = |arm: &str| arms.actor.get(&(arm.to_string(), name.clone()));
                    if let Some(formula) = arms.net(cell(&c.baseline), cell(&c.intervention)) {
                        s.formula(row, 3, &formula, n.mean, Num::Amount)?;
                    }
                }
                s.num(row, 8, share.prob_net_positive, Num::Percent)?;
                row += 1;
            }
        }
    }
    s.table("tblByActor", 0, row - 1, &names)?;
    s.finish()
}

fn per_year_sheet(t: &Texts, r: &RunResults, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(t.sheets[2], f)?;
    let names: Vec<&str> = [t.intervention, t.year, t.per_year_values[0]]
        .into_iter()
        .chain(["P5", "P25", "P50", "P75", "P95", t.per_year_values[1]])
        .chain(t.ci)
        .collect();
    s.header(0, &names, Some(0))?;
    let mut row = 1;
    for c in &r.comparisons {
        for (k, y) in c.per_year.iter().enumerate() {
            let n = &y.cumulative_net;
            s.text(row, 0, &c.intervention)?;
            s.num(row, 1, f64::from(y.year), Num::Integer)?;
            s.nums(
                row,
                2,
                &[n.mean, n.p5, n.p25, n.p50, n.p75, n.p95].map(Some),
                Num::Amount,
            )?;
            s.num(row, 8, c.payback.cdf.get(k).copied(), Num::Percent)?;
            if let Some(ci) = c.payback.cdf_ci.get(k) {
                s.nums(row, 9, &ci.map(Some), Num::Percent1)?;
            }
            row += 1;
        }
    }
    s.table("tblPerYear", 0, row - 1, &names)?;
    s.finish()
}

/// One `Budget` sheet per intervention with budget lines (see [`budget_sheet`]); `rate_cell`
/// is the discount rate's cell on `Summary`.
fn budget_sheets(
    t: &Texts,
    r: &RunResults,
    f: &Formats,
    rate_cell: &str,
) -> Result<Vec<Worksheet>, XlsxError> {
    let comparisons: Vec<(usize, &Comparison)> = r
        .comparisons
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.budget.is_empty())
        .collect();
    let interventions: Vec<&str> = comparisons
        .iter()
        .map(|(_, c)| c.intervention.as_str())
        .collect();
    let taken: Vec<&str> = t.sheets.iter().chain([&t.options_sheet]).copied().collect();
    budget_sheet_names(t.budget_sheet, &interventions, &taken)
        .iter()
        .zip(comparisons)
        .map(|(name, (k, c))| budget_sheet(t, r, c, k + 1, name, f, rate_cell))
        .collect()
}

/// The budget sheets' names: `base` alone for one intervention, else `base NAME` without the
/// characters a sheet name cannot hold, cut to Excel's 31 characters and numbered where two
/// would be the same (Excel ignores case) or one would be another sheet's.
fn budget_sheet_names(base: &str, interventions: &[&str], taken: &[&str]) -> Vec<String> {
    const MAX: usize = 31;
    let cut = |s: &str, max: usize| {
        let mut out = String::new();
        for ch in s.chars() {
            if out.encode_utf16().count() + ch.len_utf16() > max {
                break;
            }
            out.push(ch);
        }
        out.trim_end().trim_end_matches('\'').to_string()
    };
    let mut used: Vec<String> = taken.iter().map(|n| n.to_lowercase()).collect();
    interventions
        .iter()
        .map(|name| {
            let wanted = if interventions.len() == 1 {
                base.to_string()
            } else {
                let clean: String = name
                    .chars()
                    .map(|ch| if "*?:[]\\/".contains(ch) { '-' } else { ch })
                    .collect();
                cut(&format!("{base} {}", clean.trim()), MAX)
            };
            let mut chosen = wanted.clone();
            let mut k = 2;
            while used.contains(&chosen.to_lowercase()) {
                let suffix = format!(" ({k})");
                chosen = format!("{}{suffix}", cut(&wanted, MAX - suffix.len()));
                k += 1;
            }
            used.push(chosen.to_lowercase());
            chosen
        })
        .collect()
}

/// A comparison's budget lines in the order of the sheet: the decision perspective's first
/// (all actors when none is named), then the actors (the kommun before the others), the
/// perspectives and all actors.
fn budget_order(c: &Comparison) -> Vec<&BudgetLine> {
    let first = c.decision_budget();
    let rank = |l: &BudgetLine| match l.kind {
        PointOfViewKind::Actor if l.name.eq_ignore_ascii_case("kommun") => 0,
        PointOfViewKind::Actor => 1,
        PointOfViewKind::Perspective => 2,
        PointOfViewKind::AllActors => 3,
    };
    let mut rest: Vec<&BudgetLine> = c
        .budget
        .iter()
        .filter(|l| !first.is_some_and(|d| std::ptr::eq(*l, d)))
        .collect();
    rest.sort_by_key(|l| rank(l));
    first.into_iter().chain(rest).collect()
}

/// A budget block's title: "Budget för kommunen (beslutsperspektivet)".
fn budget_title(t: &Texts, sc: &ScenarioInfo, line: &BudgetLine, decision: bool) -> String {
    let lang = t.lang;
    let who = match line.kind {
        PointOfViewKind::Actor => actor_named(lang, sc, &line.name),
        PointOfViewKind::Perspective if lang == Lang::Sv && line.name == DEFAULT_SOCIETY => {
            "samhället".to_string()
        }
        PointOfViewKind::Perspective => sc.labels.actor(&line.name).to_string(),
        PointOfViewKind::AllActors => lang.pick("alla aktörer", "all actors").to_string(),
    };
    let mut title = format!("{} {who}", lang.pick("Budget för", "Budget for"));
    if line.excludes_transfers {
        title.push_str(lang.pick(", utan transfereringar", ", transfers left out"));
    }
    if decision {
        title.push_str(lang.pick(" (beslutsperspektivet)", " (the decision perspective)"));
    }
    title
}

/// What the budget sheet's amounts are, under its title.
fn budget_note(t: &Texts, sc: &ScenarioInfo) -> String {
    let unit = currency_unit(&sc.currency);
    let (sv_in, en_in) = match (&unit, sc.price_year) {
        (Some(u), Some(y)) => (
            format!(" i {u} i {y} års priser"),
            format!(" in {u} at {y} prices"),
        ),
        (Some(u), None) => (format!(" i {u}"), format!(" in {u}")),
        (None, Some(y)) => (format!(" i {y} års priser"), format!(" at {y} prices")),
        (None, None) => (String::new(), String::new()),
    };
    match t.lang {
        Lang::Sv => format!(
            "Belopp per år{sv_in}, odiskonterade som i en budget. Med 90 % sannolikhet ligger \
             årets netto mellan P5 och P95. Det diskonterade nettot är nuvärdet i år 1 med \
             diskonteringsräntan på bladet {}; summerat över åren är det nettot för hela \
             tidshorisonten.",
            t.sheets[0]
        ),
        Lang::En => format!(
            "Amounts per year{en_in}, undiscounted as a budget reads them. With 90 % \
             probability the year's net lies between P5 and P95. The discounted net is the \
             present value in year 1 at the discount rate on the {} sheet; summed over the \
             years it is the net over the whole horizon.",
            t.sheets[0]
        ),
    }
}

/// The budget of one intervention: per point of view ([`budget_order`]) a block of one row
/// per year — invested, avoided costs, net (`= avoided − invested`) with its P5, P95 and
/// P(net > 0), the discount factor (`= 1/(1 + r)^t` from the rate on `Summary`, `t` the
/// year of the horizon, 0-based) and the discounted net (`= net × factor`) — and a sum row
/// of `SUM`s. The engine's discounted net of an iteration is its undiscounted net × the same
/// factor, so the formula's value is the mean discounted net.
fn budget_sheet(
    t: &Texts,
    r: &RunResults,
    c: &Comparison,
    number: usize,
    name: &str,
    f: &Formats,
    rate_cell: &str,
) -> Result<Worksheet, XlsxError> {
    let sc = &r.scenario;
    let mut s = Sheet::new(name, f)?;
    let title = match t.lang {
        Lang::Sv => format!(
            "{}: {} jämfört med {}",
            t.budget_sheet, c.intervention, c.baseline
        ),
        Lang::En => format!(
            "{}: {} compared with {}",
            t.budget_sheet, c.intervention, c.baseline
        ),
    };
    s.note(0, &title, true)?;
    s.note(1, &budget_note(t, sc), false)?;
    let decision = c.decision_budget();
    let mut row = 3;
    for (b, line) in budget_order(c).into_iter().enumerate() {
        let is_decision = decision.is_some_and(|d| std::ptr::eq(d, line));
        s.note(row, &budget_title(t, sc, line, is_decision), true)?;
        let header = row + 1;
        s.header(header, &t.budget_columns, None)?;
        let first = header + 1;
        row = first;
        for y in &line.years {
            match y.calendar_year {
                Some(year) => s.num(row, 0, f64::from(year), Num::Integer)?,
                None => s.num(row, 0, f64::from(y.year + 1), Num::YearOfHorizon)?,
            }
            s.nums(
                row,
                1,
                &[Some(y.invested.mean), Some(y.avoided.mean)],
                Num::Amount,
            )?;
            let cell = |col: u16| row_col_to_cell(row, col);
            let net = format!("={}-{}", cell(2), cell(1));
            s.formula(row, 3, &net, y.net.mean, Num::Amount)?;
            s.nums(row, 4, &[Some(y.net.p5), Some(y.net.p95)], Num::Amount)?;
            s.num(row, 6, y.prob_net_positive, Num::Percent)?;
            let factor = format!(
                "=1/(1+{rate_cell})^({}-{})",
                cell(0),
                row_col_to_cell_absolute(first, 0)
            );
            let value = (1.0 + sc.discount_rate).powi(-(y.year as i32));
            s.formula(row, 7, &factor, value, Num::Factor)?;
            let discounted = format!("={}*{}", cell(3), cell(7));
            s.formula(row, 8, &discounted, y.net_discounted.mean, Num::Amount)?;
            row += 1;
        }
        if row == first {
            continue;
        }
        let last = row - 1;
        s.table(
            &format!("tblBudget{number}_{}", b + 1),
            header,
            last,
            &t.budget_columns,
        )?;
        s.label(row, 0, t.budget_total)?;
        let sums = [
            (1, line.years.iter().map(|y| y.invested.mean).sum::<f64>()),
            (2, line.years.iter().map(|y| y.avoided.mean).sum()),
            (3, line.years.iter().map(|y| y.net.mean).sum()),
            (8, line.years.iter().map(|y| y.net_discounted.mean).sum()),
        ];
        for (col, value) in sums {
            let sum = format!(
                "=SUM({}:{})",
                row_col_to_cell(first, col),
                row_col_to_cell(last, col)
            );
            s.formula(row, col, &sum, value, Num::Amount)?;
        }
        row += 2;
    }
    s.finish()
}

/// The `Arms` sheet, and where it holds the mean costs. An arm's total cost is the `SUM` of
/// its actors' costs (which include their shares of the program cost).
fn arms_sheet(t: &Texts, r: &RunResults, f: &Formats) -> Result<(Worksheet, ArmCells), XlsxError> {
    let mut s = Sheet::new(t.sheets[3], f)?;
    let names = with_spread(t, &[t.arm, t.kind, t.name]);
    s.header(0, &names, Some(0))?;
    let mut cells = ArmCells::default();
    let mut row = 1;
    for (arm, a) in &r.arms {
        let total_row = row;
        let costs = [
            (t.arm_kinds[0], t.arm_names[0], &a.cost.total),
            (t.arm_kinds[1], t.arm_names[1], &a.cost.program),
        ];
        for (kind, name, summary) in costs {
            s.text(row, 0, arm)?;
            s.text(row, 1, kind)?;
            s.text(row, 2, name)?;
            s.nums(row, 3, &spread(Some(summary)), Num::Amount)?;
            row += 1;
        }
        let first_actor = row;
        for (name, summary) in &a.cost.by_actor {
            s.text(row, 0, arm)?;
            s.text(row, 1, t.arm_kinds[2])?;
            s.text(row, 2, r.scenario.labels.actor(name))?;
            s.nums(row, 3, &spread(Some(summary)), Num::Amount)?;
            cells
                .actor
                .insert((arm.clone(), name.clone()), s.cell_ref(row, 3));
            row += 1;
        }
        if row > first_actor {
            let sum = format!(
                "=SUM({}:{})",
                row_col_to_cell(first_actor, 3),
                row_col_to_cell(row - 1, 3)
            );
            s.formula(total_row, 3, &sum, a.cost.total.mean, Num::Amount)?;
        }
        cells.total.insert(arm.clone(), s.cell_ref(total_row, 3));
        for (name, summary) in &a.outcomes {
            s.text(row, 0, arm)?;
            s.text(row, 1, t.arm_kinds[3])?;
            s.text(row, 2, &r.scenario.labels.outcome_with_unit(name))?;
            s.nums(row, 3, &spread(Some(summary)), Num::Decimal)?;
            row += 1;
        }
    }
    s.table("tblArms", 0, row - 1, &names)?;
    Ok((s.finish()?, cells))
}

fn parameters_sheet(t: &Texts, r: &RunResults, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(t.sheets[4], f)?;
    s.header(0, &t.parameter_columns, Some(0))?;
    let labels = &r.scenario.labels;
    let mut last = 0;
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
        last = row;
    }
    s.table("tblParameters", 0, last, &t.parameter_columns)?;
    s.finish()
}

/// One row per iteration; each intervention's net is the formula `cost without − cost with`
/// over the arms' total costs in the same row.
fn iterations_sheet(
    t: &Texts,
    scenario: &Scenario,
    samples: &RunSamples,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(t.sheets[5], f)?;
    let table = SamplesTable::new(scenario);
    let names: Vec<&str> = table.columns.iter().map(|(n, _)| n.as_str()).collect();
    s.header(0, &names, Some(1))?;
    let column = |name: &str| names.iter().position(|n| *n == name).map(|c| c as u16);
    let baseline_cost = column(&format!("cost[{}]", scenario.arms[0].name));
    // (net column, the arm's cost column)
    let nets: Vec<(u16, u16)> = scenario
        .interventions()
        .filter_map(|(_, arm)| {
            Some((
                column(&format!("net[{}]", arm.name))?,
                column(&format!("cost[{}]", arm.name))?,
            ))
        })
        .collect();
    let mut last = 0;
    let mut result = Ok(());
    table.for_each_row(samples, |i, values| {
        if result.is_ok() {
            let row = i as u32 + 1;
            result = iteration_row(&mut s, &table, row, values, (baseline_cost, &nets));
            last = row;
        }
    });
    result?;
    s.table("tblIterations", 0, last, &names)?;
    s.finish()
}

/// Iteration row `row` of the `Iterations` sheet: its `values`, and each intervention's net as
/// a formula of the `(baseline cost column, [(net column, cost column)])`.
fn iteration_row(
    s: &mut Sheet,
    table: &SamplesTable,
    row: u32,
    values: &[Option<f64>],
    (baseline_cost, nets): (Option<u16>, &[(u16, u16)]),
) -> Result<(), XlsxError> {
    for ((col, v), (_, kind)) in (0u16..).zip(values).zip(&table.columns) {
        let n = match kind {
            SampleColumn::Iteration | SampleColumn::PaybackYear => Num::Integer,
            SampleColumn::Parameter => v.map_or(Num::General, param_num),
            SampleColumn::Amount => Num::Amount,
            SampleColumn::Outcome => Num::General,
        };
        s.num(row, col, *v, n)?;
    }
    if let Some(base) = baseline_cost {
        for &(net, cost) in nets {
            let formula = format!(
                "={}-{}",
                row_col_to_cell(row, base),
                row_col_to_cell(row, cost)
            );
            if let Some(v) = values[usize::from(net)] {
                s.formula(row, net, &formula, v, Num::Amount)?;
            }
        }
    }
    Ok(())
}

fn options_sheet(
    t: &Texts,
    oc: &crate::compare::OptionComparison,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(t.options_sheet, f)?;
    s.header(0, &t.options_columns, Some(0))?;
    let mut row = 1;
    let kinds = oc
        .decisions
        .iter()
        .enumerate()
        .map(|(k, d)| (t.point_of_view_kinds[if k == 0 { 0 } else { 1 }], d));
    let by_actor = oc
        .decisions_by_actor
        .iter()
        .map(|d| (t.point_of_view_kinds[2], d));
    for (kind, d) in kinds.chain(by_actor) {
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
    // its two MCSE columns make this an autofilter, not a table
    s.table("tblOptions", 0, row - 1, &t.options_columns)?;
    row += 1;
    let pairs_header = row;
    s.header(row, &t.pairs_columns, None)?;
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
    s.table("tblPairs", pairs_header, row - 1, &t.pairs_columns)?;
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::budget_sheet_names;
    use rust_xlsxwriter::utility::check_sheet_name;

    #[test]
    fn budget_sheet_names_are_valid_unique_and_short_enough() {
        assert_eq!(budget_sheet_names("Budget", &["A/B"], &[]), ["Budget"]);
        let long = "ö".repeat(40);
        let names = budget_sheet_names("Budget", &["a:b", "A[B]", &long, "'x'"], &["Budget a-b"]);
        assert_eq!(names[0], "Budget a-b (2)", "another sheet's name is taken");
        assert_eq!(names[1], "Budget A-B-");
        assert_eq!(names[2], format!("Budget {}", "ö".repeat(24)));
        assert_eq!(names[3], "Budget 'x");
        for n in &names {
            check_sheet_name(n).unwrap_or_else(|e| panic!("{n}: {e}"));
        }
        // two that are the same but for case: Excel takes them as one
        let same = budget_sheet_names("Budget", &["Stöd", "stöd"], &[]);
        assert_eq!(same, ["Budget Stöd", "Budget stöd (2)"]);
    }
}
