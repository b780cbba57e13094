//! Every scenario string reaches each medium escaped for it: the HTML report (text, attributes,
//! SVG charts, amounts with the currency), CSV (no text cell a spreadsheet runs as a formula)
//! and the terminal (no control character, so no escape sequence, on stdout or stderr).

use assert_cmd::Command;
use calamine::{Reader, Xlsx, open_workbook};
use std::path::Path;
use std::time::Duration;

/// A scenario whose every string is hostile. Rhai writes ESC as `\x1b` and CSI as `\u009b`;
/// the leading comments (the notes) hold them as raw characters.
const HOSTILE: &str = "// <script>alert(\"notes\")</script> \"><img src=x onerror=alert(1)>\n\
// =HYPERLINK(\"http://x\") \u{1b}[31m red \u{9b}2J\n\
scenario(#{\n\
    name: \"<script>alert(1)</script>\\x1b[31m\\u009b\",\n\
    description: \"\\\"><img src=x onerror=alert(1)> =HYPERLINK(\\\"http://x\\\") \\x1b]0;title\\x07\",\n\
    currency: \"SEK<img src=x onerror=alert(1)>\",\n\
    horizon: 3,\n\
    cohort: 10,\n\
});\n\
print(\"from the script \\x1b[2J <script>\");\n\
actor(\"=HYPERLINK(\\\"http://x\\\")\");\n\
actor(\"<script>actor</script>\\x1b[31m\");\n\
perspective(\"+1<img src=x onerror=alert(1)>\", [\"=HYPERLINK(\\\"http://x\\\")\"]);\n\
society_perspective(\"@SUM(A1)\\u009b\");\n\
state(\"<b>s1\\x1b[2J\");\n\
state(\"\\\"><img src=x onerror=alert(2)>\");\n\
start(#{ \"<b>s1\\x1b[2J\": 1.0 });\n\
subgroup(\"-2+3<script>\\u009b\", 0.3);\n\
let p = param(\"+HYPERLINK(\\\"http://x\\\")\", beta_mean_sd(0.3, 0.05));\n\
let q = param(\"@SUM(A1)<img src/x>\\u009b\", normal(100, 10));\n\
let r = param(\"-1\\x1b[31m\", normal(0.8, 0.05));\n\
baseline(\"=cmd|' /C calc'!A0\");\n\
intervention(\"<img src=x onerror=alert(3)>\", #{ startup: 1000, per_participant: q, years: 1, \
    uptake: 0.9, funded_by: #{ \"<script>actor</script>\\x1b[31m\": 1.0 } });\n\
transition(\"<b>s1\\x1b[2J\", \"\\\"><img src=x onerror=alert(2)>\", p * if_else(treated(), r, 1.0));\n\
cost(\"<b>s1\\x1b[2J\", \"=HYPERLINK(\\\"http://x\\\")\", 1000);\n\
cost(\"\\\"><img src=x onerror=alert(2)>\", \"<script>actor</script>\\x1b[31m\", 5000 + q);\n\
outcome(\"@<script>o</script>\\x1b[31m\", \"\\\"><img src=x onerror=alert(2)>\", 1);\n";

/// Runs socinv in `dir` and returns (status code, stdout, stderr), checking both streams for
/// terminal control characters.
fn socinv(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("socinv")
        .unwrap()
        .timeout(Duration::from_secs(120))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| {
                (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
            })
            .collect();
        assert!(
            bad.is_empty(),
            "{args:?}: control characters {bad:?} on {name}:\n{text}"
        );
    }
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

fn succeeds(dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = socinv(dir, args);
    assert_eq!(code, 0, "{args:?} failed:\n{stderr}");
    stdout
}

/// A CSV file's cells: no text cell starts with a formula character; a cell that does must be
/// a negative number.
fn assert_csv_safe(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut cells = 0;
    for (row, record) in reader.records().enumerate() {
        for cell in record.unwrap().iter() {
            cells += 1;
            let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
            let negative_number = row > 0
                && cell.strip_prefix('-').is_some_and(|n| {
                    !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.')
                });
            assert!(
                !formula || negative_number,
                "{}: row {row}: a text cell a spreadsheet runs as a formula: {cell:?}",
                path.display()
            );
        }
    }
    assert!(cells > 0, "{} is empty", path.display());
}

/// The HTML report holds no element or attribute that came from the scenario's strings, and
/// shows them as text.
fn assert_html_safe(path: &Path) {
    let html = std::fs::read_to_string(path).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let all = scraper::Selector::parse("*").unwrap();
    for el in doc.select(&all) {
        let v = el.value();
        assert!(
            !matches!(v.name(), "script" | "img"),
            "{}: a <{}> element came from the scenario",
            path.display(),
            v.name()
        );
        for (name, value) in v.attrs() {
            assert!(
                !name.starts_with("on") && name != "src" && !value.contains('<'),
                "{}: attribute {name}={value:?} on <{}>",
                path.display(),
                v.name()
            );
        }
    }
    // the strings are there, as text: in the page, in chart labels and in amounts
    let text: String = doc.root_element().text().collect();
    for shown in [
        "<script>alert(1)</script>",
        "SEK<img src=x onerror=alert(1)>",
        "\"><img src=x onerror=alert(2)>",
        "=HYPERLINK(\"http://x\")",
    ] {
        assert!(
            text.contains(shown),
            "{}: {shown:?} is not shown as text",
            path.display()
        );
    }
    let svg_text = scraper::Selector::parse("svg text").unwrap();
    let chart_text: String = doc.select(&svg_text).flat_map(|t| t.text()).collect();
    for shown in [
        "=HYPERLINK(\"http://x\")",
        "SEK<img src=x onerror=alert(1)>",
    ] {
        assert!(
            chart_text.contains(shown),
            "{}: the charts should show {shown:?} as written",
            path.display()
        );
    }
    assert!(
        !text.contains("&lt;") && !text.contains("&amp;"),
        "{}: a string was escaped twice",
        path.display()
    );
}

#[test]
fn every_scenario_string_is_escaped_for_every_medium() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("h.rhai"), HOSTILE).unwrap();

    let check = succeeds(d, &["check", "h.rhai"]);
    assert!(
        check.contains("<script>alert(1)</script>\\u{1b}[31m\\u{9b}"),
        "check shows the name with its control characters escaped:\n{check}"
    );
    succeeds(
        d,
        &[
            "run",
            "h.rhai",
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
        ],
    );
    let p_name = "+HYPERLINK(\"http://x\")";
    let r_name = "-1\u{1b}[31m";
    succeeds(
        d,
        &[
            "tornado", "h.rhai", "-n", "100", "--csv", "t.csv", "--json", "t.json",
        ],
    );
    succeeds(
        d,
        &[
            "sweep",
            "h.rhai",
            "-n",
            "100",
            &format!("--vary={r_name}=0.5..0.9:3"),
            "--csv",
            "sw.csv",
            "--json",
            "sw.json",
        ],
    );
    succeeds(
        d,
        &[
            "threshold",
            "h.rhai",
            "-n",
            "100",
            &format!("--param={p_name}"),
            "--csv",
            "th.csv",
            "--json",
            "th.json",
        ],
    );
    succeeds(
        d,
        &[
            "sobol",
            "h.rhai",
            "--base",
            "50",
            "--bootstrap",
            "20",
            "--csv",
            "so.csv",
            "--json",
            "so.json",
        ],
    );
    succeeds(
        d,
        &[
            "voi", "h.rhai", "-n", "500", "--csv", "v.csv", "--json", "v.json",
        ],
    );
    for lang in ["sv", "en"] {
        succeeds(
            d,
            &[
                "report",
                "r.json",
                "--sensitivity",
                "t.json",
                "--sensitivity",
                "sw.json",
                "--sensitivity",
                "th.json",
                "--sensitivity",
                "so.json",
                "--sensitivity",
                "v.json",
                "--lang",
                lang,
                "-o",
                &format!("full-{lang}.html"),
            ],
        );
    }
    // the error line, listing the parameters' names
    let (code, _, stderr) = socinv(d, &["run", "h.rhai", "-n", "10", "--set", "nope=1"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("error: ") && stderr.contains("-1\\u{1b}[31m"),
        "{stderr}"
    );

    for csv in ["s.csv", "t.csv", "sw.csv", "th.csv", "so.csv", "v.csv"] {
        assert_csv_safe(&d.join(csv));
    }
    let samples = std::fs::read_to_string(d.join("s.csv")).unwrap();
    assert!(
        samples.lines().skip(1).any(|l| l.contains(",-")),
        "the samples should hold negative numbers, as numbers:\n{}",
        &samples[..samples.len().min(2000)]
    );
    for html in ["r.html", "full-sv.html", "full-en.html"] {
        assert_html_safe(&d.join(html));
    }
    let mut book: Xlsx<_> = open_workbook(d.join("r.xlsx")).unwrap();
    // the workbook's own formulas compute from its cells; no scenario string became one
    for sheet in book.sheet_names() {
        let formulas = book.worksheet_formula(&sheet).unwrap();
        for (_, _, f) in formulas.used_cells().filter(|(_, _, f)| !f.is_empty()) {
            assert!(
                ["HYPERLINK", "cmd", "calc", "SUM(A1)", "\"", "<", "\u{1b}"]
                    .iter()
                    .all(|bad| !f.contains(bad)),
                "sheet {sheet} holds a formula from the scenario: {f}"
            );
        }
    }
}
