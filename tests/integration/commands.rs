//! Every command, end to end from the CLI, on every shipped scenario: `run` with its report and
//! workbook, each sensitivity analysis with its JSON and CSV, and `report` drawing them together.

use assert_cmd::Command;
use calamine::{Reader, Xlsx, open_workbook};
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn socinv(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("socinv").expect("the socinv binary is built");
    cmd.current_dir(dir).timeout(Duration::from_secs(120));
    cmd
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = socinv(dir).args(args).assert().success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} should exist: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn shipped() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
        .collect();
    files.sort();
    assert!(files.len() >= 4);
    files
}

fn csv_rows(path: &Path) -> usize {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .inspect(|r| assert!(r.is_ok(), "{}: {r:?}", path.display()))
        .count()
}

#[test]
fn every_command_works_on_every_shipped_scenario() {
    for scenario in shipped() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let sc = scenario.to_str().unwrap();
        let name = scenario.file_stem().unwrap().to_string_lossy().into_owned();

        // run: summary with EVPI, JSON, report and workbook
        let out = ok(
            d,
            &[
                "run", sc, "-n", "300", "--json", "r.json", "--report", "r.html", "--xlsx",
                "r.xlsx",
            ],
        );
        assert!(
            out.contains("Value of perfect information"),
            "{name}: {out}"
        );
        let r = json(&d.join("r.json"));
        let interventions = r["comparisons"].as_array().unwrap().len();
        let voi = r["value_of_information"].as_array().unwrap();
        let perspectives = r["scenario"]["perspectives"].as_array().unwrap().len();
        assert_eq!(
            voi.len(),
            1 + perspectives,
            "{name}: EVPI per point of view"
        );
        for v in voi {
            let evpi = v["evpi"].as_f64().unwrap();
            assert!(evpi >= 0.0 && evpi.is_finite(), "{name}: EVPI {v}");
        }
        let html = std::fs::read_to_string(d.join("r.html")).unwrap();
        assert!(
            html.contains(r["scenario"]["source_hash"].as_str().unwrap()),
            "{name}: the footer lacks the content hash"
        );
        let mut book: Xlsx<_> = open_workbook(d.join("r.xlsx")).unwrap();
        let sheets = book.sheet_names();
        // the workbook follows --lang, Swedish by default
        let swedish = socinv::report::xlsx::Texts::of(socinv::report::html::Lang::Sv);
        assert_eq!(sheets, swedish.sheets, "{name}: the workbook's sheets");
        let iterations = book.worksheet_range("Iterationer").unwrap();
        assert_eq!(
            iterations.height(),
            301,
            "{name}: a header and one row per iteration"
        );

        // the first parameter that varies drives the sweep and the threshold
        let param = r["scenario"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["p5"] != p["p95"])
            .unwrap_or_else(|| panic!("{name} has no uncertain parameter"));
        let pname = param["name"].as_str().unwrap();
        let vary = format!(
            "{pname}={}..{}:3",
            param["p5"].as_f64().unwrap(),
            param["p95"].as_f64().unwrap()
        );
        let analyses: Vec<(&str, Vec<&str>, &str)> = vec![
            (
                "tornado",
                vec!["tornado", sc, "-n", "100"],
                "socinv.tornado/1",
            ),
            (
                "sweep",
                vec!["sweep", sc, "-n", "100", "--vary", &vary],
                "socinv.sweep/1",
            ),
            (
                "threshold",
                vec!["threshold", sc, "-n", "100", "--param", pname],
                "socinv.threshold/1",
            ),
            (
                "sobol",
                vec!["sobol", sc, "--base", "24", "--bootstrap", "20"],
                "socinv.sobol/1",
            ),
            ("voi", vec!["voi", sc, "-n", "300"], "socinv.voi/1"),
        ];
        let mut report = vec![
            "report".to_string(),
            "r.json".into(),
            "-o".into(),
            "full.html".into(),
            "--xlsx".into(),
            "full.xlsx".into(),
        ];
        for (analysis, mut args, schema) in analyses {
            let (j, c) = (format!("{analysis}.json"), format!("{analysis}.csv"));
            args.extend(["--json", &j, "--csv", &c]);
            let table = ok(d, &args);
            assert!(!table.trim().is_empty(), "{name} {analysis}: no table");
            let v = json(&d.join(&j));
            assert_eq!(v["schema"], schema, "{name} {analysis}");
            assert_eq!(v["source_hash"], r["scenario"]["source_hash"]);
            assert!(csv_rows(&d.join(&c)) >= 1, "{name} {analysis}: empty CSV");
            report.extend(["--sensitivity".to_string(), j]);
        }
        let args: Vec<&str> = report.iter().map(String::as_str).collect();
        ok(d, &args);
        let full = std::fs::read_to_string(d.join("full.html")).unwrap();
        assert!(
            full.len() > html.len(),
            "{name}: the report with sensitivity analyses is no longer than without"
        );
        assert!(
            full.contains("Sobol") && full.contains("EVPPI"),
            "{name}: the report lacks the Sobol or VOI section"
        );
        let book: Xlsx<_> = open_workbook(d.join("full.xlsx")).unwrap();
        assert_eq!(
            book.sheet_names().len(),
            5,
            "{name}: no Iterations sheet from JSON"
        );
        assert!(interventions >= 1);
    }
}

#[test]
fn sobol_and_voi_are_the_same_for_any_thread_count() {
    let sc = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/familjestod.rhai");
    let sc = sc.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (cmd, size) in [("sobol", ["--base", "40"]), ("voi", ["-n", "400"])] {
        for threads in ["1", "2"] {
            let out = format!("{cmd}-{threads}.json");
            ok(
                d,
                &[
                    cmd,
                    sc,
                    size[0],
                    size[1],
                    "--threads",
                    threads,
                    "--json",
                    &out,
                ],
            );
        }
        let one = std::fs::read(d.join(format!("{cmd}-1.json"))).unwrap();
        let two = std::fs::read(d.join(format!("{cmd}-2.json"))).unwrap();
        assert!(one == two, "{cmd}: 1 and 2 threads give different JSON");
    }
}

#[test]
fn report_refuses_what_it_cannot_use_and_writes_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = root.join("familjestod.rhai");
    let s = root.join("skolfranvaro.rhai");
    ok(
        d,
        &["run", f.to_str().unwrap(), "-n", "100", "--json", "f.json"],
    );
    ok(
        d,
        &[
            "tornado",
            s.to_str().unwrap(),
            "-n",
            "50",
            "--json",
            "other.json",
        ],
    );
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "report",
                "f.json",
                "--sensitivity",
                "other.json",
                "-o",
                "x.html",
            ],
            "other.json",
        ),
        (&["report", "other.json", "-o", "x.html"], "socinv.result/1"),
        (&["report", "f.json"], "-o"),
        (&["report", "missing.json", "-o", "x.html"], "missing.json"),
    ];
    for (args, says) in cases {
        socinv(d)
            .args(args)
            .assert()
            .failure()
            .stderr(predicate::str::contains("panicked").not())
            .stderr(predicate::str::contains(says));
        assert!(!d.join("x.html").exists(), "{args:?} left a report behind");
    }
    socinv(d)
        .args(["sobol", f.to_str().unwrap(), "-n", "100"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--base"));
}

/// With one or a few iterations some quantities are undefined (written as null): every output
/// is still written, and `report` reads the JSON back.
#[test]
fn tiny_runs_give_outputs_that_report_reads_back() {
    let sc = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/familjestod.rhai");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for n in ["1", "3"] {
        ok(
            d,
            &[
                "run",
                sc.to_str().unwrap(),
                "-n",
                n,
                "--json",
                "r.json",
                "--report",
                "r.html",
                "--xlsx",
                "r.xlsx",
                "--samples",
                "s.csv",
            ],
        );
        ok(
            d,
            &[
                "report",
                "r.json",
                "-o",
                "again.html",
                "--xlsx",
                "again.xlsx",
            ],
        );
        assert!(d.join("again.html").exists() && d.join("again.xlsx").exists());
    }
}

/// The tornado's metrics are spelled as in the JSON (`prob_net_positive`), as the docs write them.
#[test]
fn tornado_takes_every_metric_by_its_documented_name() {
    let sc = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/uvas_jobbstod.rhai");
    let dir = tempfile::tempdir().unwrap();
    for metric in ["net", "prob_net_positive", "roi", "payback"] {
        let json = format!("{metric}.json");
        ok(
            dir.path(),
            &[
                "tornado",
                sc.to_str().unwrap(),
                "-n",
                "50",
                "--metric",
                metric,
                "--json",
                &json,
            ],
        );
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(&json)).unwrap())
                .unwrap();
        assert_eq!(v["metric"], metric, "{v}");
    }
}

/// The report's footer gives the command that reproduces its numbers, `--set` values included.
#[test]
fn the_report_footer_reproduces_a_what_if_run() {
    let sc = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/familjestod.rhai");
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &[
            "run",
            sc.to_str().unwrap(),
            "-n",
            "20",
            "--seed",
            "7",
            "--set",
            "or_familjestöd_placering=0.5",
            "--report",
            "r.html",
        ],
    );
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(
        html.contains("--seed 7 --iterations 20 --set or_familjestöd_placering=0.5</code>"),
        "the footer does not reproduce the run"
    );
}

/// Every output path is checked before any work: one that is a folder, two flags writing the
/// same file, a flag that would be ignored, or a workbook too large for Excel stop the command
/// with exit code 2 before anything is written.
#[test]
fn wrong_outputs_fail_before_anything_is_written() {
    let sc = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/familjestod.rhai");
    let sc = sc.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("folder")).unwrap();
    ok(d, &["run", sc, "-n", "20", "--json", "r.json"]);
    std::fs::remove_file(d.join("r.json")).ok();
    ok(d, &["run", sc, "-n", "20", "--json", "keep.json"]);
    let cases: [(&[&str], &str); 7] = [
        (
            &[
                "run", sc, "-n", "20", "--json", "r.json", "--report", "folder",
            ],
            "--report folder: that is a folder",
        ),
        (
            &[
                "run", sc, "-n", "20", "--report", "r.json", "--xlsx", "./r.json",
            ],
            "both write",
        ),
        (
            &[
                "tornado", sc, "-n", "20", "--json", "r.json", "--csv", "folder",
            ],
            "--csv folder",
        ),
        (
            &["run", sc, "-n", "20", "--json", "r.json", "--lang", "en"],
            "--lang",
        ),
        (
            &[
                "run", sc, "-n", "2000000", "--json", "r.json", "--xlsx", "big.xlsx",
            ],
            "--samples",
        ),
        (
            &[
                "report",
                "keep.json",
                "--sensitivity",
                "keep.json",
                "--xlsx",
                "r.xlsx",
            ],
            "-o report.html",
        ),
        (
            &["report", "keep.json", "-o", "r.json", "--xlsx", "folder"],
            "--xlsx folder",
        ),
    ];
    for (args, says) in cases {
        let started = std::time::Instant::now();
        socinv(d)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{args:?} worked before it failed"
        );
        for written in ["r.json", "r.xlsx", "big.xlsx"] {
            assert!(!d.join(written).exists(), "{args:?} wrote {written}");
        }
    }
}

/// Results written before `prob_loss` existed still make a report, with the loss read as
/// 1 − P(net > 0).
#[test]
fn results_without_prob_loss_still_make_a_report() {
    let sc = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/familjestod.rhai");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &["run", sc.to_str().unwrap(), "-n", "50", "--json", "r.json"],
    );
    let mut v = json(&d.join("r.json"));
    let expected = 1.0 - v["comparisons"][0]["prob_net_positive"].as_f64().unwrap();
    for c in v["comparisons"].as_array_mut().unwrap() {
        let c = c.as_object_mut().unwrap();
        c.remove("prob_loss");
        c.remove("prob_loss_mcse");
    }
    std::fs::write(d.join("old.json"), v.to_string()).unwrap();
    ok(
        d,
        &["report", "old.json", "-o", "old.html", "--xlsx", "old.xlsx"],
    );
    let mut book: Xlsx<_> = open_workbook(d.join("old.xlsx")).unwrap();
    let summary = book.worksheet_range("Sammanfattning").unwrap();
    let row = summary
        .rows()
        .find(|r| r.iter().any(|c| *c == "P(netto < 0)"))
        .expect("a P(netto < 0) row");
    let loss = calamine::DataType::get_float(&row[3]).expect("a number");
    assert!((loss - expected).abs() < 1e-12, "{loss} vs {expected}");
}
