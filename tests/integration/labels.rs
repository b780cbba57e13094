//! Labels and units: `param(name, dist, #{ label, unit, source })`, `state`/`actor(name,
//! #{ label })` and `outcome(..., #{ label, unit })`. The label is what people read (terminal,
//! HTML report, workbook); the name stays the identifier (JSON keys, CSV, `--set`).

use crate::common::load_error;
use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::path::Path;
use std::time::Duration;

/// A label with HTML, a spreadsheet formula and a terminal escape in it (rhai writes ESC as
/// `\x1b`).
const HOSTILE_LABEL_RHAI: &str = r#"=HYPERLINK(\"http://x\")<script>alert(1)</script>\x1b[31m"#;
const HOSTILE_LABEL: &str = "=HYPERLINK(\"http://x\")<script>alert(1)</script>\u{1b}[31m";

fn labelled_scenario() -> String {
    format!(
        r#"scenario(#{{ name: "Etiketter", horizon: 4, cohort: 30 }});
actor("kommun", #{{ label: "Kommunen (socialtjänsten)" }});
actor("staten");
state("fr", #{{ label: "Hög frånvaro" }});
state("skola", #{{ label: "Går i skolan" }});
start(#{{ fr: 1.0 }});
let p = param("p_åter", beta_mean_sd(0.3, 0.05),
              #{{ label: "Andel som återgår till skolan per år", unit: "andel",
                  source: "Skolverket 2023" }});
let k = param("k_fr", gamma_mean_sd(90000, 20000), #{{ label: "{HOSTILE_LABEL_RHAI}", unit: "kr/år" }});
intervention("Tidigt stöd", #{{ startup: 50000, per_participant: 20000, funded_by: #{{ kommun: 1.0 }} }});
transition("fr", "skola", p * if_else(treated(), 1.5, 1.0));
cost("fr", "kommun", k);
cost("fr", "staten", 10000);
outcome("år_i_skolan", "skola", 1, #{{ label: "År i skolan", unit: "elevår" }});
"#
    )
}

fn socinv(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("socinv")
        .unwrap()
        .timeout(Duration::from_secs(120))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn succeeds(dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = socinv(dir, args);
    assert_eq!(code, 0, "{args:?} failed:\n{stderr}");
    assert!(
        !stdout.contains('\u{1b}'),
        "{args:?}: an escape character reached the terminal:\n{stdout}"
    );
    stdout
}

#[test]
fn labels_are_shown_to_people_and_names_stay_the_identifiers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("l.rhai"), labelled_scenario()).unwrap();

    // check: labels with the name to write next to them, units in their own column
    let check = succeeds(d, &["check", "l.rhai"]);
    for shown in [
        "Andel som återgår till skolan per år [p_åter]",
        "Hög frånvaro [fr]",
        "Kommunen (socialtjänsten) [kommun]",
        "År i skolan [år_i_skolan] (elevår)",
        "kr/år",
        "=HYPERLINK(\"http://x\")<script>alert(1)</script>\\u{1b}[31m [k_fr]",
    ] {
        assert!(
            check.contains(shown),
            "check should show {shown:?}:\n{check}"
        );
    }
    assert!(
        check.contains("Hög frånvaro → Går i skolan"),
        "rules show the states' labels:\n{check}"
    );

    // run: the summary uses the labels; JSON and CSV keep the names
    let summary = succeeds(
        d,
        &[
            "run",
            "l.rhai",
            "-n",
            "200",
            "--json",
            "r.json",
            "--samples",
            "s.csv",
            "--report",
            "r.html",
            "--xlsx",
            "r.xlsx",
            "--set",
            "k_fr=80000",
        ],
    );
    for shown in ["Kommunen (socialtjänsten)", "År i skolan (elevår)"] {
        assert!(
            summary.contains(shown),
            "the summary should show {shown:?}:\n{summary}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    let c = &json["comparisons"][0];
    assert!(c["by_actor"].get("kommun").is_some(), "{}", c["by_actor"]);
    assert!(
        c["outcomes"].get("år_i_skolan").is_some(),
        "{}",
        c["outcomes"]
    );
    let labels = &json["scenario"]["labels"];
    assert_eq!(
        labels["parameters"]["p_åter"],
        serde_json::json!({ "label": "Andel som återgår till skolan per år", "unit": "andel",
                            "source": "Skolverket 2023" })
    );
    assert_eq!(labels["states"]["fr"]["label"], "Hög frånvaro");
    assert_eq!(
        labels["actors"]["kommun"]["label"],
        "Kommunen (socialtjänsten)"
    );
    assert_eq!(labels["outcomes"]["år_i_skolan"]["unit"], "elevår");
    assert!(labels["actors"].get("staten").is_none(), "{labels}");
    let samples = std::fs::read_to_string(d.join("s.csv")).unwrap();
    let header = samples.lines().next().unwrap();
    assert!(
        header.contains("p_åter") && !header.contains("Andel som"),
        "the samples CSV keeps the names: {header}"
    );

    // the HTML report: labels as text, the hostile one escaped
    for (html, lang) in [("r.html", "sv"), ("en.html", "en")] {
        if lang == "en" {
            succeeds(d, &["report", "r.json", "--lang", "en", "-o", html]);
        }
        let page = std::fs::read_to_string(d.join(html)).unwrap();
        let doc = scraper::Html::parse_document(&page);
        let script = scraper::Selector::parse("script").unwrap();
        assert_eq!(
            doc.select(&script).count(),
            0,
            "{html}: a <script> came from a label"
        );
        let text: String = doc.root_element().text().collect();
        for shown in [
            "Andel som återgår till skolan per år",
            "Skolverket 2023",
            "Hög frånvaro",
            "Kommunen (socialtjänsten)",
            "År i skolan (elevår)",
            "=HYPERLINK(\"http://x\")<script>alert(1)</script>",
        ] {
            assert!(text.contains(shown), "{html} should show {shown:?}");
        }
    }

    // the workbook (Swedish, as the report): labels next to the names, as text, in no formula
    let mut book: Xlsx<_> = open_workbook(d.join("r.xlsx")).unwrap();
    let params = book.worksheet_range("Parametrar").unwrap();
    let cell = |r: usize, c: usize| match params.get((r, c)) {
        Some(Data::String(s)) => s.clone(),
        other => format!("{other:?}"),
    };
    assert_eq!(
        (cell(0, 6), cell(0, 7), cell(0, 8)),
        ("Etikett".into(), "Enhet".into(), "Källa".into())
    );
    assert_eq!(cell(1, 0), "p_åter");
    assert_eq!(cell(1, 6), "Andel som återgår till skolan per år");
    assert_eq!(cell(1, 7), "andel");
    assert_eq!(cell(2, 6), HOSTILE_LABEL, "the label is kept as text");
    let actors = book.worksheet_range("Per aktör").unwrap();
    let names: Vec<String> = actors
        .rows()
        .filter_map(|r| r.get(2).map(|c| c.to_string()))
        .collect();
    assert!(
        names.iter().any(|n| n == "Kommunen (socialtjänsten)"),
        "{names:?}"
    );
    for sheet in book.sheet_names() {
        let formulas = book.worksheet_formula(&sheet).unwrap();
        for (_, _, f) in formulas.used_cells().filter(|(_, _, f)| !f.is_empty()) {
            assert!(
                !f.contains("HYPERLINK") && !f.contains('"'),
                "sheet {sheet}: the label reached a formula: {f}"
            );
        }
    }

    // tornado: labels, and units next to the values
    let tornado = succeeds(
        d,
        &[
            "tornado", "l.rhai", "-n", "100", "--csv", "t.csv", "--json", "t.json",
        ],
    );
    assert!(
        tornado.contains("Andel som återgår till skolan per år") && tornado.contains(" andel"),
        "{tornado}"
    );
    assert!(tornado.contains("kr/år"), "{tornado}");
    let csv = std::fs::read_to_string(d.join("t.csv")).unwrap();
    assert!(
        csv.contains("p_åter") && !csv.contains("Andel som"),
        "{csv}"
    );
    // the other analyses' tables
    for (args, shown) in [
        (
            &["sweep", "l.rhai", "-n", "50", "--vary", "p_åter=0.2..0.4:3"][..],
            "Andel som återgår till skolan per år (andel)",
        ),
        (
            &["threshold", "l.rhai", "-n", "50", "--param", "p_åter"][..],
            "Andel som återgår till skolan per år (andel)",
        ),
        (
            &["sobol", "l.rhai", "--base", "40", "--bootstrap", "0"][..],
            "Andel som återgår till skolan per år",
        ),
        (
            &["voi", "l.rhai", "-n", "300"][..],
            "Andel som återgår till skolan per år",
        ),
    ] {
        let out = succeeds(d, args);
        assert!(
            out.contains(shown),
            "{args:?} should show {shown:?}:\n{out}"
        );
    }
    // and in the report's tornado, with the units beside the values
    succeeds(
        d,
        &[
            "report",
            "r.json",
            "--sensitivity",
            "t.json",
            "-o",
            "full.html",
        ],
    );
    let page = std::fs::read_to_string(d.join("full.html")).unwrap();
    let doc = scraper::Html::parse_document(&page);
    let cells = scraper::Selector::parse("td").unwrap();
    let texts: Vec<String> = doc
        .select(&cells)
        .map(|c| c.text().collect::<String>())
        .collect();
    let with_units = |row: usize| {
        texts[row + 1].ends_with("\u{a0}andel") && texts[row + 2].ends_with("\u{a0}andel")
    };
    assert!(
        (0..texts.len() - 2)
            .any(|row| texts[row] == "Andel som återgår till skolan per år" && with_units(row)),
        "the tornado table has a row with the label and the values in their unit: {texts:?}"
    );
}

#[test]
fn label_maps_accept_only_their_keys() {
    let base = r#"scenario(#{ name: "x", horizon: 2, cohort: 5 }); actor("kommun");"#;
    let e = load_error(&format!(
        "{base} state(\"a\"); let p = param(\"p\", fixed(0.1), #{{ lable: \"A\" }});"
    ));
    assert!(
        e.contains("unknown key `lable`") && e.contains("label, unit, source"),
        "{e}"
    );
    let e = load_error(&format!("{base} state(\"a\", #{{ unit: \"st\" }});"));
    assert!(
        e.contains("unknown key `unit`") && e.contains("the keys are: label"),
        "{e}"
    );
    let e = load_error(
        r#"scenario(#{ name: "x", horizon: 2, cohort: 5 }); actor("k", #{ label: "" });"#,
    );
    assert!(e.contains("actor label: the text is empty"), "{e}");
    let e = load_error(&format!("{base} state(\"a\", #{{ label: 3 }});"));
    assert!(
        e.contains("state label: expected text in quotes, got the number 3"),
        "{e}"
    );
    let e = load_error(&format!(
        "{base} state(\"a\"); state(\"b\"); outcome(\"o\", \"a\", 1, #{{ label: \"O\" }}); \
         outcome(\"o\", \"b\", 1, #{{ label: \"Other\" }});"
    ));
    assert!(e.contains("already given differently"), "{e}");
    // with file:line:column
    assert!(e.contains("test.rhai:1:"), "{e}");
}

#[test]
fn a_label_given_once_holds_for_every_rule_of_the_outcome() {
    let sc = crate::common::scenario(
        r#"scenario(#{ name: "x", horizon: 2, cohort: 5 }); actor("kommun");
        state("a"); state("b"); start(#{ a: 1.0 });
        intervention("i", #{});
        outcome("o", "a", 1, #{ label: "Utfall", unit: "st" });
        entry_outcome("o", "b", 1);
        outcome("o", "b", 1, #{ label: "Utfall", unit: "st" });"#,
    );
    assert_eq!(sc.labels.outcome("o"), "Utfall");
    assert_eq!(sc.labels.outcome_with_unit("o"), "Utfall (st)");
    assert_eq!(sc.labels.state("a"), "a");
}

/// The command `socinv new` prints after "Check it with", split as a shell would.
fn printed_check_command(stdout: &str) -> Vec<String> {
    let start = stdout
        .find("`socinv check ")
        .expect("a check command is printed")
        + 1;
    let command = &stdout[start..start + stdout[start..].find('`').unwrap()];
    shlex::split(command).unwrap_or_else(|| panic!("not a shell command: {command}"))
}

#[test]
fn new_writes_a_swedish_template_that_checks_and_runs_and_quotes_its_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = succeeds(d, &["new", "Mitt projekt"]);
    assert!(
        out.contains("`socinv check 'Mitt projekt.rhai'`")
            && out.contains("`socinv run 'Mitt projekt.rhai'`"),
        "{out}"
    );
    assert_eq!(
        printed_check_command(&out),
        ["socinv", "check", "Mitt projekt.rhai"]
    );
    let text = std::fs::read_to_string(d.join("Mitt projekt.rhai")).unwrap();
    assert!(
        text.contains("Kör det:") && text.contains("socinv run 'Mitt projekt.rhai'"),
        "{text}"
    );
    let check = succeeds(d, &["check", "Mitt projekt.rhai"]);
    assert!(check.starts_with("Mitt projekt "), "{check}");
    assert!(
        check.contains("Placerad utanför hemmet [placerad]") && check.contains("OK"),
        "{check}"
    );
    let run = succeeds(d, &["run", "Mitt projekt.rhai", "-n", "200"]);
    assert!(
        run.contains("Kommunen") && run.contains("Placeringar (antal)"),
        "{run}"
    );
}

#[test]
fn new_with_lang_en_writes_the_english_template() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    succeeds(d, &["new", "project", "--lang", "en"]);
    let text = std::fs::read_to_string(d.join("project.rhai")).unwrap();
    assert!(
        text.contains("Run it:") && !text.contains("Kör det"),
        "{text}"
    );
    succeeds(d, &["check", "project.rhai"]);
    let run = succeeds(d, &["run", "project.rhai", "-n", "200"]);
    assert!(
        run.contains("Intensive support  vs  Ordinary practice") && run.contains("Municipality"),
        "{run}"
    );
}

#[test]
fn new_quotes_a_name_the_shell_would_split_or_expand() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = "it's \"$HOME\" \\ a";
    let out = succeeds(d, &["new", name]);
    let file = format!("{name}.rhai");
    assert_eq!(
        printed_check_command(&out),
        ["socinv", "check", file.as_str()]
    );
    // the scenario's name is the file's, written as a rhai string
    let check = succeeds(d, &["check", &file]);
    assert!(check.starts_with(&format!("{name}  (")), "{check}");
}

#[test]
fn two_names_that_would_read_the_same_are_refused() {
    let base = r#"scenario(#{ name: "x", horizon: 2, cohort: 5 }); actor("kommun");"#;
    let e = load_error(&format!(
        "{base} state(\"a\", #{{ label: \"Hemma\" }}); state(\"b\", #{{ label: \"Hemma\" }});"
    ));
    assert!(
        e.contains("state \"b\" would be shown as \"Hemma\", as state \"a\" is"),
        "{e}"
    );
    let e = load_error(&format!(
        "{base} actor(\"region\", #{{ label: \"kommun\" }});"
    ));
    assert!(
        e.contains("actor \"region\" would be shown as \"kommun\""),
        "{e}"
    );
    let e = load_error(&format!(
        "{base} state(\"a\"); let p = param(\"p\", fixed(0.1), #{{ label: \"q\" }}); \
         let q = param(\"q\", fixed(0.2));"
    ));
    assert!(e.contains("parameter \"q\" would be shown as \"q\""), "{e}");
    let e = load_error(&format!(
        "{base} state(\"a\"); outcome(\"o\", \"a\", 1, #{{ label: \"P\" }}); outcome(\"P\", \"a\", 1);"
    ));
    assert!(e.contains("outcome \"P\" would be shown as \"P\""), "{e}");
}
