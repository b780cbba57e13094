//! The CSV files: the tidy layout of the samples, the Swedish-Excel dialect of every CSV, and
//! sweep grid values as written.

use crate::common::{folder, listing, socinv_in};
use std::collections::HashMap;
use std::path::Path;

const SCENARIO: &str = r#"scenario(#{ name: "liten", horizon: 4, cohort: 20 });
actor("kommun");
actor("region");
state("a");
state("b");
start(#{ a: 1.0 });
let p = param("p_övergång", uniform(0.1, 0.3));
let k = param("kostnad", gamma_mean_sd(1000, 200));
intervention("stöd", #{ startup: 1000, per_participant: 100, years: 2, funded_by: #{ kommun: 1.0 } });
transition("a", "b", p * effect(0.5, 0.0));
cost("a", "kommun", k);
cost("a", "region", 300.5);
outcome("år i b", "b", 1);
"#;

const ITERATIONS: usize = 12;

fn ok(dir: &Path, args: &[&str]) {
    let ran = socinv_in(dir, args);
    assert_eq!(
        ran.code,
        Some(0),
        "socinv {}: {}",
        args.join(" "),
        ran.stderr
    );
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The records of a CSV text with this delimiter.
fn records(text: &str, delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn samples(dir: &Path, name: &str, extra: &[&str]) -> String {
    let n = ITERATIONS.to_string();
    let mut args = vec!["run", "liten.rhai", "-n", &n, "--samples", name];
    args.extend(extra);
    ok(dir, &args);
    read(dir, name)
}

#[test]
fn the_tidy_samples_hold_the_wide_values_one_per_row() {
    let dir = folder(&[("liten.rhai", SCENARIO)]);
    let (wide_header, wide) = records(&samples(dir.path(), "wide.csv", &[]), b',');
    let tidy_text = samples(dir.path(), "tidy.csv", &["--samples-layout", "tidy"]);
    let (header, tidy) = records(&tidy_text, b',');
    assert_eq!(
        header,
        ["iteration", "arm", "actor", "year", "measure", "value"]
    );
    assert!(header.iter().all(|h| h.is_ascii()));
    // per iteration: 2 parameters; net, savings, investment, payback year and 2 actors' net of
    // the intervention; per arm (2) the cost, 2 actors' costs, 4 years' costs and 1 outcome
    assert_eq!(tidy.len(), ITERATIONS * (2 + 6 + 2 * (1 + 2 + 4 + 1)));
    let tidy_value: HashMap<(String, String, String, String, String), String> = tidy
        .iter()
        .map(|r| {
            let key = (
                r[0].clone(),
                r[1].clone(),
                r[2].clone(),
                r[3].clone(),
                r[4].clone(),
            );
            (key, r[5].clone())
        })
        .collect();
    assert_eq!(
        tidy_value.len(),
        tidy.len(),
        "one row per value, none twice"
    );
    let get = |i: usize, arm: &str, actor: &str, year: &str, measure: &str| {
        tidy_value
            .get(&(
                i.to_string(),
                arm.into(),
                actor.into(),
                year.into(),
                measure.into(),
            ))
            .unwrap_or_else(|| panic!("no tidy row {i} {arm} {actor} {year} {measure}"))
            .clone()
    };
    for (i, row) in wide.iter().enumerate() {
        let wide_value = |name: &str| &row[wide_header.iter().position(|h| h == name).unwrap()];
        assert_eq!(
            &get(i, "", "", "", "parameter:p_övergång"),
            wide_value("p_övergång")
        );
        assert_eq!(&get(i, "stöd", "", "", "net"), wide_value("net[stöd]"));
        assert_eq!(
            &get(i, "stöd", "", "", "payback_year"),
            wide_value("payback_year[stöd]")
        );
        assert_eq!(
            &get(i, "stöd", "region", "", "net"),
            wide_value("net[stöd][region]")
        );
        let cost = get(i, "Ordinarie arbetssätt", "", "", "cost");
        assert_eq!(&cost, wide_value("cost[Ordinarie arbetssätt]"));
        assert_eq!(
            &get(i, "stöd", "", "", "outcome:år i b"),
            wide_value("år i b[stöd]")
        );
        // the arm's cost is the sum of its actors' and of its years'
        let sum = |parts: &[String]| parts.iter().map(|v| v.parse::<f64>().unwrap()).sum::<f64>();
        let by_actor = ["kommun", "region"].map(|a| get(i, "stöd", a, "", "cost"));
        let by_year = ["0", "1", "2", "3"].map(|t| get(i, "stöd", "", t, "cost"));
        let total: f64 = get(i, "stöd", "", "", "cost").parse().unwrap();
        assert!((sum(&by_actor) - total).abs() <= 1e-9 * total.abs());
        assert!((sum(&by_year) - total).abs() <= 1e-9 * total.abs());
    }
}

#[test]
fn excel_sv_samples_have_a_bom_semicolons_and_decimal_commas() {
    let dir = folder(&[("liten.rhai", SCENARIO)]);
    let standard = samples(dir.path(), "s.csv", &[]);
    let sv = samples(dir.path(), "sv.csv", &["--csv-dialect", "excel-sv"]);
    let body = sv
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte order mark first");
    assert!(!standard.starts_with('\u{feff}'));
    let (header, rows) = records(body, b';');
    let (std_header, std_rows) = records(&standard, b',');
    assert_eq!(header, std_header);
    assert_eq!(rows.len(), ITERATIONS);
    let mut commas = 0;
    for (row, std_row) in rows.iter().zip(&std_rows) {
        for (cell, std_cell) in row.iter().zip(std_row) {
            assert!(!cell.contains('.'), "a decimal point in {cell}");
            commas += usize::from(cell.contains(','));
            assert_eq!(cell.replace(',', "."), *std_cell);
        }
    }
    assert!(commas > ITERATIONS, "decimal commas are written");
    // the tidy layout takes the dialect as well
    let tidy = samples(
        dir.path(),
        "tidy.csv",
        &["--samples-layout", "tidy", "--csv-dialect", "excel-sv"],
    );
    assert!(tidy.starts_with("\u{feff}iteration;arm;actor;year;measure;value\n"));
}

#[test]
fn analyses_write_excel_sv_and_sweep_grids_as_written() {
    let dir = folder(&[("liten.rhai", SCENARIO)]);
    let sweep = |name: &str, extra: &[&str]| {
        let mut args = vec![
            "sweep",
            "liten.rhai",
            "-n",
            "5",
            "--vary",
            "p_övergång=0.4..1:5",
            "--csv",
            name,
        ];
        args.extend(extra);
        ok(dir.path(), &args);
        let text = read(dir.path(), name);
        let grid: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| {
                l.trim_start_matches('\u{feff}')
                    .split([',', ';'])
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        (text, grid)
    };
    let (standard, grid) = sweep("sweep.csv", &[]);
    assert_eq!(grid, ["0.4", "0.55", "0.7", "0.85", "1"], "in\n{standard}");
    let (sv, _) = sweep("sweep_sv.csv", &["--csv-dialect", "excel-sv"]);
    assert!(
        sv.starts_with("\u{feff}p_övergång;intervention;net_mean;"),
        "{sv}"
    );
    let first: Vec<&str> = sv
        .lines()
        .skip(1)
        .map(|l| l.split(';').next().unwrap())
        .collect();
    assert_eq!(first, ["0,4", "0,55", "0,7", "0,85", "1"]);
}

#[test]
fn a_csv_option_without_its_file_is_refused() {
    let dir = folder(&[("liten.rhai", SCENARIO)]);
    for (args, says) in [
        (
            &["run", "liten.rhai", "-n", "5", "--samples-layout", "tidy"][..],
            "add --samples FILE.csv",
        ),
        (
            &[
                "run",
                "liten.rhai",
                "-n",
                "5",
                "--csv-dialect",
                "excel-sv",
                "--json",
                "r.json",
            ][..],
            "add --samples FILE.csv",
        ),
        (
            &[
                "tornado",
                "liten.rhai",
                "-n",
                "5",
                "--csv-dialect",
                "excel-sv",
                "--json",
                "t.json",
            ][..],
            "add --csv FILE.csv",
        ),
    ] {
        let ran = socinv_in(dir.path(), args);
        assert_eq!(ran.code, Some(2), "{}: {}", args.join(" "), ran.stderr);
        assert!(ran.stderr.contains(says), "{}", ran.stderr);
    }
    assert_eq!(listing(dir.path()), ["liten.rhai"], "nothing written");
}
