//! The Excel workbook: sheets in order, numbers as numbers, read back with calamine.

use crate::common::run;
use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use socinv::report::html::Lang;
use socinv::report::xlsx::workbook;
use socinv::results::{BudgetLine, Comparison, ComparisonSamples, PointOfViewKind, RunResults};
use socinv::samples::RunSamples;
use socinv::scenario::Scenario;
use socinv::sim::IterationResult;
use std::io::Cursor;
use std::path::Path;

const ITERATIONS: usize = 40;

fn familjestod() -> (Scenario, Vec<IterationResult>, RunResults) {
    let sc = socinv::script::load_scenario(Path::new("scenarios/familjestod.rhai"))
        .unwrap_or_else(|e| panic!("the shipped scenario should load: {e}"));
    let (its, r) = run(&sc, ITERATIONS, 7);
    (sc, its, r)
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("the workbook should open")
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name} should read: {e}"))
}

fn text(range: &Range<Data>, row: usize, col: usize) -> String {
    match range.get((row, col)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("cell ({row}, {col}) should be text, is {other:?}"),
    }
}

fn number(range: &Range<Data>, row: usize, col: usize) -> f64 {
    match range.get((row, col)) {
        Some(Data::Float(v)) => *v,
        Some(Data::Int(v)) => *v as f64,
        other => panic!("cell ({row}, {col}) should be a number, is {other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-300)
}

/// The row whose first cells are `keys`.
fn find_row(range: &Range<Data>, keys: &[&str]) -> usize {
    range
        .rows()
        .position(|r| {
            keys.iter()
                .enumerate()
                .all(|(c, k)| matches!(r.get(c), Some(Data::String(s)) if s == k))
        })
        .unwrap_or_else(|| panic!("no row starts with {keys:?}"))
}

#[test]
fn sheets_summary_and_iterations_read_back() {
    let (sc, its, r) = familjestod();
    let bytes =
        workbook(&r, Some((&sc, &RunSamples::of(&sc, &its)))).expect("the workbook should build");
    let mut book = open(bytes);
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "By actor",
            "Per year",
            "Budget",
            "Arms",
            "Parameters",
            "Iterations"
        ]
    );

    // Summary: settings, then the net mean of the first intervention as a number.
    let summary = sheet(&mut book, "Summary");
    assert_eq!(text(&summary, 0, 0), "Scenario");
    assert_eq!(text(&summary, 0, 1), r.scenario.name);
    let it_row = find_row(&summary, &["Iterations"]);
    assert_eq!(number(&summary, it_row, 1), ITERATIONS as f64);
    let c = &r.comparisons[0];
    let net = find_row(&summary, &[&c.intervention, &c.baseline, "Net return"]);
    let header = find_row(&summary, &["Intervention", "Baseline", "Quantity"]);
    assert_eq!(text(&summary, header, 3), "Mean");
    let mean = number(&summary, net, 3);
    assert!(close(mean, c.net.mean), "net mean {mean} vs {}", c.net.mean);
    assert!(close(number(&summary, net, 9), c.net.p95));
    let p = find_row(&summary, &[&c.intervention, &c.baseline, "P(net > 0)"]);
    assert!(close(number(&summary, p, 3), c.prob_net_positive));
    let loss = find_row(&summary, &[&c.intervention, &c.baseline, "P(net < 0)"]);
    assert!(close(number(&summary, loss, 3), c.prob_loss));
    // the 95% intervals beside them, and the ROI as mean net / mean investment
    assert_eq!(text(&summary, header, 10), "CI low");
    assert_eq!(text(&summary, header, 11), "CI high");
    assert!(close(number(&summary, p, 10), c.prob_net_positive_ci[0]));
    assert!(close(number(&summary, loss, 11), c.prob_loss_ci[1]));
    let roi = find_row(&summary, &[&c.intervention, &c.baseline, "ROI"]);
    let ratio = c.roi.as_ref().unwrap().ratio_of_means;
    assert!(close(number(&summary, roi, 3), ratio));
    assert!(close(ratio, c.net.mean / c.investment.mean));

    // By actor and per year: one row per actor and perspective, per year.
    let by_actor = sheet(&mut book, "By actor");
    assert_eq!(
        by_actor.height(),
        1 + r.comparisons.len() * (c.by_actor.len() + c.by_perspective.len())
    );
    let (actor, share) = c.by_actor.first().expect("an actor");
    let row = find_row(&by_actor, &[&c.intervention, "actor", actor]);
    assert!(close(number(&by_actor, row, 3), share.net.mean));
    let per_year = sheet(&mut book, "Per year");
    assert_eq!(
        per_year.height(),
        1 + c.per_year.len() * r.comparisons.len()
    );
    let last = c.per_year.len();
    assert!(close(
        number(&per_year, last, 2),
        c.per_year[last - 1].cumulative_net.mean
    ));
    assert!(close(
        number(&per_year, last, 8),
        c.payback.prob_within_horizon
    ));

    let params = sheet(&mut book, "Parameters");
    assert_eq!(params.height(), 1 + r.scenario.parameters.len());
    assert_eq!(text(&params, 1, 0), r.scenario.parameters[0].name);

    // Iterations: a header and one row per iteration; its net column is the samples' net.
    let rows = sheet(&mut book, "Iterations");
    assert_eq!(rows.height(), ITERATIONS + 1);
    let col_name = format!("net[{}]", c.intervention);
    let col = (0..rows.width())
        .find(|&j| matches!(rows.get((0, j)), Some(Data::String(s)) if *s == col_name))
        .expect("a net column");
    let samples = ComparisonSamples::new(&sc, &its, 1);
    for (i, expected) in samples.net.iter().enumerate() {
        assert!(
            close(number(&rows, i + 1, col), *expected),
            "iteration {i}: net {} vs {expected}",
            number(&rows, i + 1, col)
        );
        assert_eq!(number(&rows, i + 1, 0), i as f64);
    }
}

#[test]
fn without_samples_there_is_no_iterations_sheet_and_the_bytes_repeat() {
    let (_, _, r) = familjestod();
    let bytes = workbook(&r, None).expect("the workbook should build");
    assert_eq!(
        bytes,
        workbook(&r, None).unwrap(),
        "same results, same bytes"
    );
    let book = open(bytes);
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "By actor",
            "Per year",
            "Budget",
            "Arms",
            "Parameters"
        ]
    );
}

#[test]
fn a_name_with_odd_characters_survives() {
    let (_, _, mut r) = familjestod();
    let name = "Stöd \"för\" <barn> & 'unga' – ä/å/ö";
    r.scenario.name = name.to_string();
    r.comparisons[0].intervention = format!("{name} (insats)");
    let mut book = open(workbook(&r, None).expect("the workbook should build"));
    let summary = sheet(&mut book, "Summary");
    assert_eq!(text(&summary, 0, 1), name);
    let row = find_row(&summary, &[&format!("{name} (insats)")]);
    assert_eq!(text(&summary, row, 2), "Net return");
}

#[test]
fn missing_values_are_empty_cells() {
    let (_, _, mut r) = familjestod();
    r.comparisons[0].roi = None;
    r.comparisons[0].net.mean = f64::NAN;
    let c = &r.comparisons[0];
    let mut book = open(workbook(&r, None).expect("the workbook should build"));
    let summary = sheet(&mut book, "Summary");
    let roi = find_row(&summary, &[&c.intervention, &c.baseline, "ROI"]);
    assert!((3..10).all(|j| matches!(summary.get((roi, j)), None | Some(Data::Empty))));
    let net = find_row(&summary, &[&c.intervention, &c.baseline, "Net return"]);
    assert!(matches!(summary.get((net, 3)), None | Some(Data::Empty)));
    assert!(close(number(&summary, net, 5), c.net.p5));
}

/// The text of the formula in a cell, without its `=`.
fn formula(formulas: &Range<String>, row: usize, col: usize) -> String {
    let (r0, c0) = formulas.start().expect("the sheet has formulas");
    let at = (row - r0 as usize, col - c0 as usize);
    formulas
        .get(at)
        .cloned()
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| panic!("cell ({row}, {col}) should hold a formula"))
        .trim_start_matches('=')
        .to_string()
}

/// The 0-based (row, column) of an A1 reference, e.g. `D3` → (2, 3).
fn cell_at(a1: &str) -> (usize, usize) {
    let letters: String = a1.chars().take_while(|c| c.is_ascii_uppercase()).collect();
    let col = letters
        .bytes()
        .fold(0usize, |n, b| n * 26 + usize::from(b - b'A' + 1))
        - 1;
    let row: usize = a1[letters.len()..].parse().expect("a row number");
    (row - 1, col)
}

#[test]
fn swedish_sheets_with_formulas_tables_and_kr_formats_read_back() {
    let (sc, its, r) = familjestod();
    let bytes =
        socinv::report::xlsx::workbook_in(Lang::Sv, &r, Some((&sc, &RunSamples::of(&sc, &its))))
            .unwrap();
    let mut book = open(bytes);
    assert_eq!(
        book.sheet_names(),
        [
            "Sammanfattning",
            "Per aktör",
            "Per år",
            "Budget",
            "Alternativ",
            "Parametrar",
            "Iterationer"
        ]
    );
    let c = &r.comparisons[0];

    // Summary: Swedish headers; the mean net is cost without − cost with on the arms' sheet
    let summary = sheet(&mut book, "Sammanfattning");
    assert_eq!(text(&summary, 0, 0), "Scenario");
    assert_eq!(text(&summary, 1, 0), "Fil");
    let header = find_row(&summary, &["Insats", "Jämförs med", "Storhet"]);
    assert_eq!(text(&summary, header, 3), "Medel");
    assert_eq!(text(&summary, header, 10), "KI låg");
    let net = find_row(&summary, &[&c.intervention, &c.baseline, "Netto"]);
    assert!(
        close(number(&summary, net, 3), c.net.mean),
        "the cached mean net"
    );
    let f = formula(&book.worksheet_formula("Sammanfattning").unwrap(), net, 3);
    let (without, with) = f.split_once('-').expect("a difference");
    let arms = sheet(&mut book, "Alternativ");
    let arm_formulas = book.worksheet_formula("Alternativ").unwrap();
    let cost_cell = |reference: &str| {
        let a1 = reference
            .strip_prefix("Alternativ!")
            .unwrap_or_else(|| panic!("{reference} should point at the arms' sheet"));
        cell_at(a1)
    };
    let (b, col) = cost_cell(without);
    assert_eq!(col, 3, "the Medel column");
    assert_eq!(text(&arms, b, 0), c.baseline);
    assert_eq!(text(&arms, b, 1), "total kostnad");
    let (i, _) = cost_cell(with);
    assert_eq!(text(&arms, i, 0), c.intervention);
    assert!(close(number(&arms, b, 3) - number(&arms, i, 3), c.net.mean));

    // Arms: an arm's total cost is the SUM of its actors' costs, cached
    let total = r.arms[&c.intervention].cost.total.mean;
    assert!(close(number(&arms, i, 3), total));
    let sum = formula(&arm_formulas, i, 3);
    let range = sum
        .strip_prefix("SUM(")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{sum} should be a SUM"));
    let (first, last) = range.split_once(':').unwrap();
    let ((r1, _), (r2, _)) = (cell_at(first), cell_at(last));
    assert_eq!(r2 - r1 + 1, sc.actors.len(), "one row per actor");
    let actors_sum: f64 = (r1..=r2).map(|row| number(&arms, row, 3)).sum();
    assert!(close(actors_sum, total));
    assert!((r1..=r2).all(|row| text(&arms, row, 1) == "aktörens kostnad"));

    // By actor: an actor's mean net is its cost without − with, as a formula
    let by_actor = sheet(&mut book, "Per aktör");
    assert_eq!(text(&by_actor, 0, 0), "Insats");
    assert_eq!(text(&by_actor, 0, 3), "Medelnetto");
    let (actor, share) = c.by_actor.first().unwrap();
    let row = find_row(&by_actor, &[&c.intervention, "aktör", actor]);
    assert!(close(number(&by_actor, row, 3), share.net.mean));
    let f = formula(&book.worksheet_formula("Per aktör").unwrap(), row, 3);
    let (without, with) = f.split_once('-').unwrap();
    let (bw, ww) = (cost_cell(without), cost_cell(with));
    assert!(close(
        number(&arms, bw.0, 3) - number(&arms, ww.0, 3),
        share.net.mean
    ));

    // Iterations: each net is the baseline's cost − the arm's cost of the same row
    let rows = sheet(&mut book, "Iterationer");
    let col_of = |name: &str| {
        (0..rows.width())
            .find(|&j| matches!(rows.get((0, j)), Some(Data::String(s)) if s == name))
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let net_col = col_of(&format!("net[{}]", c.intervention));
    let base_col = col_of(&format!("cost[{}]", c.baseline));
    let arm_col = col_of(&format!("cost[{}]", c.intervention));
    let iteration_formulas = book.worksheet_formula("Iterationer").unwrap();
    let samples = ComparisonSamples::new(&sc, &its, 1);
    for (i, expected) in samples.net.iter().enumerate() {
        let f = formula(&iteration_formulas, i + 1, net_col);
        let (a, b) = f.split_once('-').unwrap();
        assert_eq!(cell_at(a), (i + 1, base_col));
        assert_eq!(cell_at(b), (i + 1, arm_col));
        assert!(close(number(&rows, i + 1, net_col), *expected));
    }

    // Excel tables with filters over every tabular sheet, the whole table
    book.load_tables().unwrap();
    for (sheet_name, table_name, first_row, height) in [
        (
            "Sammanfattning",
            "tblSummary",
            header + 1,
            summary.height() - header - 1,
        ),
        ("Per aktör", "tblByActor", 1, by_actor.height() - 1),
        ("Alternativ", "tblArms", 1, arms.height() - 1),
        ("Iterationer", "tblIterations", 1, ITERATIONS),
        (
            "Per år",
            "tblPerYear",
            1,
            c.per_year.len() * r.comparisons.len(),
        ),
        (
            "Parametrar",
            "tblParameters",
            1,
            r.scenario.parameters.len(),
        ),
    ] {
        assert_eq!(
            book.table_names_in_sheet(sheet_name),
            [table_name],
            "the table of {sheet_name}"
        );
        let table = book.table_by_name(table_name).unwrap();
        assert_eq!(
            table.data().start().map(|(r, c)| (r as usize, c)),
            Some((first_row, 0))
        );
        assert_eq!(table.data().height(), height, "{table_name}'s rows");
        if sheet_name == "Per aktör" {
            assert_eq!(
                table.columns()[..4],
                ["Insats", "Typ", "Namn", "Medelnetto"]
            );
        }
    }

    // amounts in kr, shares in %
    let styles = book.worksheet_style("Sammanfattning").unwrap();
    let code = |row: usize, col: usize| {
        styles
            .get((row as u32, col as u32))
            .and_then(|s| s.number_format.as_ref())
            .map(|n| n.format_code.clone())
            .unwrap_or_default()
    };
    assert_eq!(code(net, 3), "#,##0 \"kr\"");
    assert_eq!(code(net, 5), "#,##0 \"kr\"");
    let p = find_row(&summary, &[&c.intervention, &c.baseline, "P(netto > 0)"]);
    assert_eq!(code(p, 3), "0%");
}

#[test]
fn the_english_workbook_keeps_its_names_and_gets_tables() {
    let (_, _, r) = familjestod();
    let mut book = open(workbook(&r, None).unwrap());
    let by_actor = sheet(&mut book, "By actor");
    assert_eq!(text(&by_actor, 0, 3), "Mean net");
    book.load_tables().unwrap();
    let mut names: Vec<&String> = book.table_names();
    names.sort();
    // one budget table per point of view
    let budget = names
        .iter()
        .filter(|n| n.starts_with("tblBudget1_"))
        .count();
    assert_eq!(budget, r.comparisons[0].budget.len());
    names.retain(|n| !n.starts_with("tblBudget"));
    assert_eq!(
        names,
        [
            "tblArms",
            "tblByActor",
            "tblParameters",
            "tblPerYear",
            "tblSummary"
        ]
    );
}

#[test]
fn two_interventions_get_the_comparison_sheet_with_a_filter_and_a_pairs_table() {
    let sc = crate::common::scenario(
        r#"
scenario(#{ name: "två", horizon: 2, cohort: 10 });
actor("kommun");
state("s");
start(#{ s: 1.0 });
let c = param("c", normal(300, 50));
intervention("A", #{});
intervention("B", #{});
cost("s", "kommun", 1000 - c * arm_is("A") - 400 * arm_is("B"));
"#,
    );
    let (_, r) = run(&sc, 30, 3);
    assert!(r.option_comparison.is_some());
    let mut book = open(socinv::report::xlsx::workbook_in(Lang::Sv, &r, None).unwrap());
    assert_eq!(book.sheet_names().last().unwrap(), "Jämförelse");
    let options = sheet(&mut book, "Jämförelse");
    assert_eq!(text(&options, 0, 0), "Synvinkel");
    let pairs = find_row(&options, &["Synvinkel", "A", "B"]);
    book.load_tables().unwrap();
    // the decision table repeats "MCSE", which a table cannot: a plain filter there
    assert_eq!(book.table_names_in_sheet("Jämförelse"), ["tblPairs"]);
    let table = book.table_by_name("tblPairs").unwrap();
    assert_eq!(table.data().start(), Some((pairs as u32 + 1, 0)));
    assert_eq!(
        table.data().height(),
        r.option_comparison.as_ref().unwrap().pairwise.len()
    );
}

/// `a` and `b` agree within 1e-6 of the larger of them and `scale` (the amounts a difference
/// is taken of).
fn near(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(scale.abs()).max(1e-9)
}

/// The net of a budget line's point of view in the results.
fn pov_net(c: &Comparison, line: &BudgetLine) -> f64 {
    match line.kind {
        PointOfViewKind::Actor => c.by_actor[&line.name].net.mean,
        PointOfViewKind::Perspective => c.by_perspective[&line.name].net.mean,
        PointOfViewKind::AllActors => c.net.mean,
    }
}

/// Checks a budget sheet against the comparison's budget lines, given in the sheet's order
/// with their titles: per block its title, headers, one row per year (the year, the cached
/// values, the formulas of net, discount factor and discounted net), and its sum row.
fn check_budget_sheet(
    book: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    c: &Comparison,
    blocks: &[(&BudgetLine, &str)],
    headers: [&str; 9],
    total: &str,
) {
    let range = sheet(book, name);
    let formulas = book.worksheet_formula(name).unwrap();
    let header_rows: Vec<usize> = (0..range.height())
        .filter(|&row| matches!(range.get((row, 0)), Some(Data::String(s)) if s == headers[0]))
        .collect();
    assert_eq!(
        header_rows.len(),
        blocks.len(),
        "{name}: one block per point of view"
    );
    for (&h, (line, title)) in header_rows.iter().zip(blocks) {
        assert_eq!(text(&range, h - 1, 0), *title);
        for (col, header) in headers.iter().enumerate() {
            assert_eq!(text(&range, h, col), *header);
        }
        let first = h + 1;
        for (k, y) in line.years.iter().enumerate() {
            let row = first + k;
            let at = |col| number(&range, row, col);
            let shown = y.calendar_year.map_or(f64::from(y.year + 1), f64::from);
            assert_eq!(at(0), shown, "{title}: the year");
            assert!(near(at(1), y.invested.mean, 0.0));
            assert!(near(at(2), y.avoided.mean, 0.0));
            let scale = y.invested.mean.abs().max(y.avoided.mean.abs());
            // net = avoided − invested
            assert_eq!(
                formula(&formulas, row, 3),
                format!("C{}-B{}", row + 1, row + 1)
            );
            assert!(near(at(3), y.net.mean, scale), "{title}, year {}", y.year);
            assert!(near(at(3), at(2) - at(1), scale));
            assert!(near(at(4), y.net.p5, 0.0) && near(at(5), y.net.p95, 0.0));
            assert!(near(at(6), y.prob_net_positive, 0.0));
            // factor = 1/(1 + r)^(this year − the first year), r the summary's rate cell
            let f = formula(&formulas, row, 7);
            let (rate, exponent) = f
                .strip_prefix("1/(1+")
                .and_then(|f| f.strip_suffix(')'))
                .and_then(|f| f.split_once(")^("))
                .unwrap_or_else(|| panic!("{f} should be 1/(1+r)^(t)"));
            let (summary_name, rate_cell) = rate.split_once('!').expect("a cell on another sheet");
            let summary = sheet(book, summary_name);
            let (rr, rc) = cell_at(&rate_cell.replace('$', ""));
            assert_eq!(number(&summary, rr, rc), r_of(book, summary_name));
            let (this, year0) = exponent.split_once('-').expect("a difference of years");
            let t = number(&range, cell_at(this).0, 0)
                - number(&range, cell_at(&year0.replace('$', "")).0, 0);
            assert_eq!(
                t,
                f64::from(y.year),
                "{title}: the exponent is the 0-based year"
            );
            let rate = number(&summary, rr, rc);
            assert!(near(at(7), (1.0 + rate).powf(-t), 0.0));
            // discounted net = net × factor: the engine's mean discounted net
            assert_eq!(
                formula(&formulas, row, 8),
                format!("D{}*H{}", row + 1, row + 1)
            );
            assert!(near(at(8), y.net_discounted.mean, scale * at(7)));
            assert!(near(at(3) * at(7), y.net_discounted.mean, scale * at(7)));
        }
        // the sum row: SUMs over the years; the discounted sum is the point of view's net
        let (sum_row, last) = (first + line.years.len(), first + line.years.len() - 1);
        assert_eq!(text(&range, sum_row, 0), total);
        for col in [1, 2, 3, 8] {
            let letter = char::from(b'A' + col as u8);
            assert_eq!(
                formula(&formulas, sum_row, col),
                format!("SUM({letter}{}:{letter}{})", first + 1, last + 1)
            );
            let sum: f64 = (first..=last).map(|row| number(&range, row, col)).sum();
            assert!(
                near(number(&range, sum_row, col), sum, 0.0),
                "{title}: column {col}"
            );
        }
        let scale: f64 = line
            .years
            .iter()
            .map(|y| y.invested.mean.abs() + y.avoided.mean.abs())
            .sum();
        let net = pov_net(c, line);
        assert!(
            near(number(&range, sum_row, 8), net, scale),
            "{title}: Σ discounted {} ≠ net {net}",
            number(&range, sum_row, 8)
        );
    }
}

/// The discount rate on the summary sheet.
fn r_of(book: &mut Xlsx<Cursor<Vec<u8>>>, summary_name: &str) -> f64 {
    let summary = sheet(book, summary_name);
    let label = if summary_name == "Summary" {
        "Discount rate"
    } else {
        "Diskonteringsränta"
    };
    number(&summary, find_row(&summary, &[label]), 1)
}

#[test]
fn the_swedish_budget_sheet_holds_each_point_of_views_years_with_formulas() {
    let (_, _, r) = familjestod();
    let c = &r.comparisons[0];
    let mut book = open(socinv::report::xlsx::workbook_in(Lang::Sv, &r, None).unwrap());
    assert_eq!(
        book.sheet_names(),
        [
            "Sammanfattning",
            "Per aktör",
            "Per år",
            "Budget",
            "Alternativ",
            "Parametrar"
        ]
    );
    assert_eq!(r_of(&mut book, "Sammanfattning"), r.scenario.discount_rate);
    let line = |kind, name| c.budget_line(kind, name).unwrap();
    // the decision perspective (the kommun) first, then the other actors, the perspectives
    // and all actors
    let blocks = [
        (
            line(PointOfViewKind::Actor, "kommun"),
            "Budget för kommunen (beslutsperspektivet)",
        ),
        (
            line(PointOfViewKind::Actor, "region"),
            "Budget för regionen",
        ),
        (line(PointOfViewKind::Actor, "staten"), "Budget för staten"),
        (
            line(PointOfViewKind::Perspective, "offentlig sektor"),
            "Budget för offentlig sektor",
        ),
        (
            line(PointOfViewKind::Perspective, "samhället"),
            "Budget för samhället, utan transfereringar",
        ),
        (
            line(PointOfViewKind::AllActors, ""),
            "Budget för alla aktörer",
        ),
    ];
    assert_eq!(blocks.len(), c.budget.len());
    check_budget_sheet(
        &mut book,
        "Budget",
        c,
        &blocks,
        [
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
        "Summa",
    );
    // the kommun pays the program: its first year invests, and the note says in what money
    let budget = sheet(&mut book, "Budget");
    assert!(text(&budget, 1, 0).starts_with("Belopp per år i kr i 2024 års priser"));
    assert!(number(&budget, 5, 1) > 0.0);
    // calendar years (the scenario starts in 2027), amounts in kr, one table per block
    let styles = book.worksheet_style("Budget").unwrap();
    let code = |row: u32, col: u32| {
        styles
            .get((row, col))
            .and_then(|s| s.number_format.as_ref())
            .map(|n| n.format_code.clone())
            .unwrap_or_default()
    };
    assert_eq!(code(5, 0), "0");
    assert_eq!(budget.get((5, 0)), Some(&Data::Float(2027.0)));
    assert_eq!(code(5, 3), "#,##0 \"kr\"");
    assert_eq!(code(5, 6), "0%");
    book.load_tables().unwrap();
    let tables = book.table_names_in_sheet("Budget");
    assert_eq!(tables.len(), blocks.len());
    let table = book.table_by_name("tblBudget1_1").unwrap();
    assert_eq!(table.columns()[3], "Netto");
    assert_eq!(table.data().start(), Some((5, 0)));
    assert_eq!(table.data().height(), r.scenario.horizon_years as usize);
}

#[test]
fn two_interventions_get_a_budget_sheet_each_in_calendar_years() {
    let src = r#"
scenario(#{ name: "två", horizon: 3, cohort: 10, discount_rate: 0.05, first_year: 2027,
            currency: "SEK", decision_perspective: "offentlig sektor" });
actor("region"); actor("kommun");
perspective("offentlig sektor", ["kommun", "region"]);
state("s");
start(#{ s: 1.0 });
let c = param("c", normal(300, 50));
intervention("Ett mycket långt namn på insatsen A", #{ per_participant: 200, years: 2,
                                                  funded_by: #{ kommun: 1.0 } });
intervention("Ett mycket långt namn på insatsen B", #{ per_participant: 100, years: 1,
                                                  funded_by: #{ region: 1.0 } });
cost("s", "kommun", 1000 - c * arm_is("Ett mycket långt namn på insatsen A"));
cost("s", "region", 500 - 0.5 * c * arm_is("Ett mycket långt namn på insatsen B"));
"#;
    let sc = crate::common::scenario(src);
    // without a first calendar year the years read "år 1", "år 2", … (a number format)
    let plain = crate::common::scenario(&src.replace(" first_year: 2027,", ""));
    let (_, r) = run(&plain, 10, 3);
    let mut book = open(socinv::report::xlsx::workbook_in(Lang::Sv, &r, None).unwrap());
    let name = book.sheet_names()[3].clone();
    let first_year_cell = book.worksheet_style(&name).unwrap();
    let format = first_year_cell
        .get((5, 0))
        .and_then(|s| s.number_format.as_ref())
        .map(|n| n.format_code.clone());
    assert_eq!(format.as_deref(), Some("\"år \"0"), "{name}");
    let (_, r) = run(&sc, 30, 3);
    let mut book = open(workbook(&r, None).unwrap());
    let names = book.sheet_names();
    assert_eq!(
        names[..5],
        [
            "Summary",
            "By actor",
            "Per year",
            "Budget Ett mycket långt namn på",
            "Budget Ett mycket långt nam (2)"
        ]
    );
    for (k, c) in r.comparisons.iter().enumerate() {
        let line = |kind, name| c.budget_line(kind, name).unwrap();
        let blocks = [
            (
                line(PointOfViewKind::Perspective, "offentlig sektor"),
                "Budget for offentlig sektor (the decision perspective)",
            ),
            (
                line(PointOfViewKind::Actor, "kommun"),
                "Budget for the kommun",
            ),
            (
                line(PointOfViewKind::Actor, "region"),
                "Budget for the region",
            ),
            // the society perspective the engine adds
            (
                line(PointOfViewKind::Perspective, "society"),
                "Budget for society, transfers left out",
            ),
            (
                line(PointOfViewKind::AllActors, ""),
                "Budget for all actors",
            ),
        ];
        assert_eq!(
            line(PointOfViewKind::Actor, "kommun").years[2].calendar_year,
            Some(2029)
        );
        check_budget_sheet(
            &mut book,
            &names[3 + k],
            c,
            &blocks,
            [
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
            "Total",
        );
        let budget = sheet(&mut book, &names[3 + k]);
        assert_eq!(
            text(&budget, 0, 0),
            format!("Budget: {} compared with {}", c.intervention, c.baseline)
        );
    }
}

#[test]
fn results_without_budget_lines_have_no_budget_sheet() {
    let (_, _, mut r) = familjestod();
    r.comparisons[0].budget.clear();
    let book = open(workbook(&r, None).unwrap());
    assert!(!book.sheet_names().iter().any(|n| n.starts_with("Budget")));
}
