//! The Excel workbook: sheets in order, numbers as numbers, read back with calamine.

use crate::common::run;
use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use socinv::report::html::Lang;
use socinv::report::xlsx::workbook;
use socinv::results::{ComparisonSamples, RunResults};
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
    let bytes = workbook(&r, Some((&sc, &its))).expect("the workbook should build");
    let mut book = open(bytes);
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "By actor",
            "Per year",
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
        ["Summary", "By actor", "Per year", "Arms", "Parameters"]
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
    let bytes = socinv::report::xlsx::workbook_in(Lang::Sv, &r, Some((&sc, &its))).unwrap();
    let mut book = open(bytes);
    assert_eq!(
        book.sheet_names(),
        [
            "Sammanfattning",
            "Per aktör",
            "Per år",
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
