//! The report as a person sees it: every shipped scenario's report rendered in headless
//! Chromium, checked for console errors, network requests and charts that do not draw; one
//! report printed to PDF to check the A4 print layout.
//!
//! Chromium is found as `$SOCINV_CHROMIUM`, else `chromium`, `chromium-browser` or
//! `google-chrome` on the PATH. Without a browser the test is skipped with a note, unless
//! `SOCINV_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs Debian's chromium when it is
//! missing): then a missing browser fails the test.

use assert_cmd::Command;
use scraper::{Html, Selector};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Runs in the page before anything else: records errors, console errors and any resource the
/// page fetches, then, once laid out, measures every chart. The result lands in an attribute
/// of <html> that `--dump-dom` serialises.
const PROBE: &str = r#"<script>
(() => {
  const problems = [];
  window.addEventListener("error", e => {
    const t = e.target;
    problems.push(t && t !== window ? "failed to load " + (t.src || t.href || t.tagName) : "error: " + e.message);
  }, true);
  const error = console.error.bind(console);
  console.error = (...args) => { problems.push("console.error: " + args.join(" ")); error(...args); };
  window.addEventListener("load", () => {
    for (const r of performance.getEntriesByType("resource")) problems.push("fetched " + r.name);
    const charts = [...document.querySelectorAll("svg.chart")].map(svg => {
      const box = svg.getBoundingClientRect();
      const ids = (svg.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      const title = ids.map(id => (document.getElementById(id) || {}).textContent || "").join(" ").trim();
      const marks = svg.querySelectorAll("path, rect, polyline, polygon, line, circle").length;
      const texts = [...svg.querySelectorAll("text")].filter(t => t.getBBox().width > 0).length;
      const style = getComputedStyle(svg);
      return { title, width: box.width, height: box.height, marks, texts,
               visible: style.display !== "none" && style.visibility !== "hidden" };
    });
    document.documentElement.setAttribute("data-probe", JSON.stringify({ problems, charts }));
  });
})();
</script>"#;

fn browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SOCINV_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Runs headless Chromium with a fresh profile and no network.
fn chromium(browser: &Path, profile: &Path, args: &[&str]) -> Output {
    std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{} should start: {e}", browser.display()))
}

fn socinv(dir: &Path, args: &[&str]) {
    Command::cargo_bin("socinv")
        .expect("the socinv binary is built")
        .current_dir(dir)
        .args(args)
        .assert()
        .success();
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Opens `report` in the browser and checks what a reader would see; returns the chart titles.
fn check_in_browser(browser: &Path, work: &Path, report: &Path) -> Vec<String> {
    let html = std::fs::read_to_string(report).unwrap();
    let static_charts = html.matches("<svg class=\"chart\"").count();
    let probed = work.join(format!(
        "probe-{}",
        report.file_name().unwrap().to_string_lossy()
    ));
    let head = html.find("<head>").expect("the report has a <head>") + "<head>".len();
    std::fs::write(
        &probed,
        format!("{}{PROBE}{}", &html[..head], &html[head..]),
    )
    .unwrap();

    let profile = tempfile::tempdir().unwrap();
    let out = chromium(
        browser,
        profile.path(),
        &["--window-size=1280,900", "--dump-dom", &file_url(&probed)],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let name = report.display();
    assert!(out.status.success(), "{name}: chromium failed:\n{stderr}");
    // The page runs no script of its own: any console message comes from the browser
    // (a blocked or failed load, a parse problem).
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(
        console.is_empty(),
        "{name}: console messages:\n{}",
        console.join("\n")
    );

    let dom = Html::parse_document(&String::from_utf8_lossy(&out.stdout));
    let probe = dom
        .select(&Selector::parse("html").unwrap())
        .next()
        .and_then(|e| e.value().attr("data-probe"))
        .unwrap_or_else(|| panic!("{name}: the page did not finish loading"));
    let probe: Value = serde_json::from_str(probe).unwrap();
    let problems = probe["problems"].as_array().unwrap();
    assert!(problems.is_empty(), "{name}: {problems:?}");

    let charts = probe["charts"].as_array().unwrap();
    assert_eq!(
        charts.len(),
        static_charts,
        "{name}: the browser sees another number of charts than the file holds"
    );
    let mut titles = Vec::new();
    for c in charts {
        let title = c["title"].as_str().unwrap().to_string();
        let (w, h) = (c["width"].as_f64().unwrap(), c["height"].as_f64().unwrap());
        assert!(!title.is_empty(), "{name}: a chart without a title: {c}");
        assert!(c["visible"].as_bool().unwrap(), "{name}: {title} is hidden");
        assert!(
            w >= 300.0 && h >= 100.0,
            "{name}: {title} is drawn {w}×{h} px on a 1280 px wide window"
        );
        assert!(
            c["marks"].as_u64().unwrap() >= 5,
            "{name}: {title} draws almost nothing: {c}"
        );
        assert!(
            c["texts"].as_u64().unwrap() >= 3,
            "{name}: {title} shows no axis labels: {c}"
        );
        titles.push(title);
    }
    titles
}

/// The page sizes of a PDF in points, from its /MediaBox entries (Chromium writes them plainly).
fn pdf_page_sizes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.split("/MediaBox [")
        .skip(1)
        .filter_map(|rest| {
            let nums: Vec<f64> = rest
                .split(']')
                .next()?
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            (nums.len() == 4).then(|| (nums[2] - nums[0], nums[3] - nums[1]))
        })
        .collect()
}

#[test]
fn every_shipped_scenario_report_renders_in_a_browser_with_its_charts() {
    let Some(browser) = browser() else {
        if std::env::var("SOCINV_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!(
                "no chromium found, and SOCINV_REQUIRE_BROWSER=1: install it (apt-get install chromium)"
            );
        }
        eprintln!("note: no chromium on the PATH; the browser test is skipped");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 4);

    for scenario in &scenarios {
        let stem = scenario.file_stem().unwrap().to_string_lossy().into_owned();
        let report = work.path().join(format!("{stem}.html"));
        let json = work.path().join(format!("{stem}.json"));
        socinv(
            work.path(),
            &[
                "run",
                scenario.to_str().unwrap(),
                "-n",
                "500",
                "--json",
                json.to_str().unwrap(),
                "--report",
                report.to_str().unwrap(),
            ],
        );
        let titles = check_in_browser(&browser, work.path(), &report);
        let results: Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let interventions = results["comparisons"].as_array().unwrap().len();
        assert!(
            titles.len() >= 4 * interventions,
            "{stem}: {} charts for {interventions} interventions: {titles:?}",
            titles.len()
        );
    }

    // One scenario with every sensitivity analysis, in English, printed to PDF.
    let scenario = root.join("scenarios/familjestod.rhai");
    let sc = scenario.to_str().unwrap();
    let results = work.path().join("familjestod.json");
    let param = "or_familjestöd_placering";
    let analyses: [(&str, Vec<&str>); 5] = [
        ("tornado", vec!["tornado", sc, "-n", "200"]),
        (
            "sweep",
            vec![
                "sweep",
                sc,
                "-n",
                "200",
                "--vary",
                "or_familjestöd_placering=0.4..1:5",
            ],
        ),
        (
            "threshold",
            vec!["threshold", sc, "-n", "200", "--param", param],
        ),
        (
            "sobol",
            vec!["sobol", sc, "--base", "64", "--bootstrap", "50"],
        ),
        ("voi", vec!["voi", sc, "-n", "500"]),
    ];
    let mut report_args = vec![
        "report".to_string(),
        results.to_str().unwrap().to_string(),
        "--lang".into(),
        "en".into(),
        "-o".into(),
        "full.html".into(),
    ];
    for (name, mut args) in analyses {
        let out = format!("{name}.json");
        args.extend(["--json", out.as_str()]);
        socinv(work.path(), &args);
        report_args.extend(["--sensitivity".to_string(), out]);
    }
    let args: Vec<&str> = report_args.iter().map(String::as_str).collect();
    socinv(work.path(), &args);
    let full = work.path().join("full.html");
    let titles = check_in_browser(&browser, work.path(), &full).join(" | ");
    for chart in ["Tornado", "Sobol"] {
        assert!(
            titles.to_lowercase().contains(&chart.to_lowercase()),
            "the full report has no {chart} chart: {titles}"
        );
    }

    let pdf = work.path().join("full.pdf");
    let profile = tempfile::tempdir().unwrap();
    let out = chromium(
        &browser,
        profile.path(),
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
            &file_url(&full),
        ],
    );
    assert!(
        out.status.success(),
        "printing to PDF failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pdf).expect("chromium wrote the PDF");
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    let pages = pdf_page_sizes(&bytes);
    assert!(
        (3..=40).contains(&pages.len()),
        "the printed report has {} pages",
        pages.len()
    );
    for (w, h) in &pages {
        // A4 is 210 × 297 mm = 595.3 × 841.9 pt
        assert!(
            (w - 595.3).abs() < 2.0 && (h - 841.9).abs() < 2.0,
            "a printed page is {w} × {h} pt, not A4 portrait"
        );
    }
}
