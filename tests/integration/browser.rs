//! The report as a person sees it, in headless Chromium: every shipped scenario's report and
//! one with every sensitivity analysis (in English) are rendered
//!
//! - on a 1280 px screen, checked for console errors, network requests and charts that do not
//!   draw;
//! - on a 390 px phone: nothing may stick out to the right, `scrollWidth <= innerWidth`. Headless
//!   Chromium will not make a window narrower than 500 px, so the report is loaded as the
//!   `srcdoc` of a 390 px wide iframe (its own viewport: media queries and `innerWidth` see 390
//!   px) with overlay scrollbars (`--hide-scrollbars`), as a phone has. A wide table or chart may
//!   scroll inside its box (an ancestor with `overflow-x` other than `visible`): only that box
//!   must fit. The failure lists every element past the right edge (tag, class, text start);
//! - on A4 paper, measured two ways. (1) Print emulation: a probe applies the report's
//!   `@media print` rules to the screen, reads the page margins from its `@page` rule and lays
//!   the report out in CSS columns exactly one A4 content box wide and high. Columns fragment
//!   content with the same engine and the same `break-*` rules as printing, so each column is a
//!   page: a chart or table row is split when its boxes land in two columns or its box crosses
//!   the column's bottom; text is cut when a box reaches past the column's width or a scroll box
//!   clips it; a page's fill is the lowest bottom of its content (leaf elements, table rows and
//!   charts) over the page height. (2) The real print: the report printed to PDF, whose page
//!   count must equal the emulation's (this holds the emulation to the print; screen and print
//!   metrics differ by a few pixels, so the emulation may have one page more when that last
//!   page is under a tenth full, a last block that only just fits in print) and whose pages
//!   are A4 portrait. Asserted: no chart or table row split; no heading (or caption) on an
//!   earlier page than the first thing after it, and no chart on another page than its
//!   figure's heading; no text cut at the page edge; nothing justified; every page but the last
//!   at least half full; and at most a quarter more pages than the content's unbroken height
//!   fills (`ceil(1.25 × height / page height)`).
//!
//! Chromium is found as `$SOCINV_CHROMIUM`, else `chromium`, `chromium-browser` or
//! `google-chrome` on the PATH. Without a browser the tests pass but write
//! "skipped: …" to the real stderr (which libtest does not capture, so `cargo test` shows it),
//! unless `SOCINV_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs Debian's chromium when it
//! is missing): then a missing browser fails them.

use assert_cmd::Command;
use scraper::{Html, Selector};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

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

/// Runs inside the report, loaded as the `srcdoc` of a 390 px wide iframe: once laid out, lists
/// every element whose right edge is past the viewport and that no scroll box holds, and writes
/// the result to an attribute of the parent page's <html>.
const PHONE_PROBE: &str = r#"<script>
window.addEventListener("load", () => {
  const vw = window.innerWidth;
  const label = el => el.tagName.toLowerCase()
    + (typeof el.className === "string" && el.className ? "." + el.className.trim().replace(/\s+/g, ".") : "")
    + " «" + (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40) + "»";
  const held = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== "visible") return true;
    return false;
  };
  const beyond = [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > vw + 0.5 && !held(el))
    .map(el => label(el) + " reaches " + Math.round(el.getBoundingClientRect().right) + " px");
  parent.document.documentElement.setAttribute("data-phone", JSON.stringify({
    innerWidth: vw, scrollWidth: document.documentElement.scrollWidth, beyond }));
});
</script>"#;

/// Runs inside the report: applies its print rules to the screen and lays it out in columns the
/// size of an A4 page's content box (the method is in this module's doc comment); writes the
/// pages' fill and every problem found to an attribute of <html>.
const PRINT_PROBE: &str = r#"<script>
window.addEventListener("load", () => {
  let page = null;
  for (const sheet of document.styleSheets) for (const rule of sheet.cssRules) {
    if (rule instanceof CSSPageRule) page = rule.style;
    if (rule instanceof CSSMediaRule && [...rule.media].includes("print")) {
      rule.media.appendMedium("screen");
      // a forced page break is a forced column break in the emulation
      for (const r of rule.cssRules) {
        if (r.style && r.style.breakBefore === "page") r.style.breakBefore = "column";
        if (r.style && r.style.breakAfter === "page") r.style.breakAfter = "column";
      }
    }
  }
  if (!page || page.size.toUpperCase() !== "A4") {
    document.documentElement.setAttribute("data-print", JSON.stringify({ error: "no @page { size: A4 } rule" }));
    return;
  }
  const ruler = document.createElement("div");
  document.body.append(ruler);
  const px = v => { ruler.style.width = v; return ruler.getBoundingClientRect().width; };
  const W = px("210mm") - px(page.marginLeft) - px(page.marginRight);
  const H = px("297mm") - px(page.marginTop) - px(page.marginBottom);
  ruler.remove();
  const GAP = 200;
  const box = document.createElement("div");
  box.append(...document.body.childNodes);
  document.body.append(box);
  box.style.width = W + "px";
  const height = box.getBoundingClientRect().height;
  Object.assign(box.style, { height: H + "px", columnCount: 1, columnGap: GAP + "px", columnFill: "auto" });
  const origin = box.getBoundingClientRect();
  const pageOf = r => Math.floor((r.left - origin.left + 1) / (W + GAP));
  const label = el => el.tagName.toLowerCase()
    + (typeof el.className === "string" && el.className ? "." + el.className.trim().replace(/\s+/g, ".") : "")
    + " «" + (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40) + "»";
  const fill = [];
  const problems = [];
  const content = [...box.querySelectorAll("*")].filter(el =>
    el.closest("svg") ? el.matches("svg.chart") : el.children.length === 0 || el.matches("tr"));
  for (const el of content) {
    const rects = [...el.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    const pages = new Set(rects.map(pageOf));
    if (el.matches("svg.chart, tbody tr") && pages.size > 1)
      problems.push("split over pages " + [...pages].map(p => p + 1).join(" and ") + ": " + label(el));
    for (const r of rects) {
      const p = pageOf(r);
      const left = r.left - origin.left - p * (W + GAP), top = r.top - origin.top;
      const right = left + r.width, bottom = top + r.height;
      fill[p] = Math.max(fill[p] || 0, bottom);
      if (right > W + 0.5 || left < -0.5)
        problems.push("past the page edge by " + Math.round(Math.max(right - W, -left)) + " px on page " + (p + 1) + ": " + label(el));
      if (bottom > H + 0.5 || top < -0.5)
        problems.push("past the page bottom on page " + (p + 1) + ": " + label(el));
    }
  }
  // a heading on the same page as the first thing after it
  const pageRange = el => {
    const pages = [...el.getClientRects()].filter(r => r.height > 0).map(pageOf);
    return pages.length ? [Math.min(...pages), Math.max(...pages)] : null;
  };
  for (const h of box.querySelectorAll("h1, h2, h3, caption")) {
    const next = content.find(el => !h.contains(el) && !el.contains(h)
      && (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) && pageRange(el));
    const [hp, np] = [pageRange(h), next && pageRange(next)];
    if (hp && np && np[0] > hp[1])
      problems.push("heading alone at the foot of page " + (hp[1] + 1) + ": " + label(h));
  }
  // a chart on the page of its figure's heading (and so of the text on how to read it)
  for (const figure of box.querySelectorAll("figure")) {
    const [h, chart] = [figure.querySelector("h3"), figure.querySelector("svg.chart")];
    const [hp, cp] = [h && pageRange(h), chart && pageRange(chart)];
    if (hp && cp && cp[0] !== hp[1])
      problems.push("chart on page " + (cp[0] + 1) + ", its heading on page " + (hp[1] + 1) + ": " + label(h));
  }
  for (const el of box.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (style.textAlign === "justify") problems.push("justified: " + label(el));
    if (style.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1)
      problems.push("cut off by its box (" + el.scrollWidth + " px in " + el.clientWidth + " px): " + label(el));
  }
  document.documentElement.setAttribute("data-print", JSON.stringify({
    pageWidth: W, pageHeight: H, height, charts: box.querySelectorAll("svg.chart").length,
    fill: Array.from(fill, b => (b || 0) / H), problems,
    // where each page starts, to read a mismatch with the print
    starts: Array.from(fill, (_, p) => {
      const first = content.find(el => [...el.getClientRects()].some(r => r.width > 0 && r.height > 0 && pageOf(r) === p));
      return first ? label(first) : "";
    }) }));
});
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

/// The browser, or `None` after writing "skipped: …" to the real stderr; panics without one
/// when `SOCINV_REQUIRE_BROWSER=1`.
fn browser_or_skip(test: &str) -> Option<PathBuf> {
    let found = browser();
    if found.is_none() {
        if std::env::var("SOCINV_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!(
                "no chromium found, and SOCINV_REQUIRE_BROWSER=1: install it (apt-get install \
                 chromium) or name it in $SOCINV_CHROMIUM"
            );
        }
        // libtest captures print!/eprint!, not writes to the process's stderr: this shows, on a
        // line of its own even next to libtest's "test … ok".
        let note = format!(
            "\nskipped: {test}: no chromium found ($SOCINV_CHROMIUM, or chromium, \
             chromium-browser or google-chrome on the PATH); install it (apt-get install \
             chromium) to run the browser tests\n"
        );
        let _ = std::io::stderr().write_all(note.as_bytes());
    }
    found
}

/// A shipped scenario's report.
struct ScenarioReport {
    stem: String,
    html: PathBuf,
    interventions: usize,
}

/// Every report the browser tests look at, written once per test run.
struct Reports {
    dir: PathBuf,
    scenarios: Vec<ScenarioReport>,
    /// familjestod with every sensitivity analysis, in English.
    full: PathBuf,
    /// skolfranvaro's follow-up with its example observed file.
    followup: PathBuf,
}

impl Reports {
    /// Every report: the shipped scenarios', the full one and the follow-up's.
    fn all(&self) -> impl Iterator<Item = &Path> {
        self.scenarios
            .iter()
            .map(|s| s.html.as_path())
            .chain([self.full.as_path(), self.followup.as_path()])
    }
}

fn reports() -> &'static Reports {
    static REPORTS: OnceLock<Reports> = OnceLock::new();
    REPORTS.get_or_init(write_reports)
}

fn write_reports() -> Reports {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 4);

    let mut scenarios = Vec::new();
    for scenario in &paths {
        let stem = scenario.file_stem().unwrap().to_string_lossy().into_owned();
        let html = dir.join(format!("{stem}.html"));
        let json = dir.join(format!("{stem}.json"));
        socinv(
            &dir,
            &[
                "run",
                scenario.to_str().unwrap(),
                "-n",
                "500",
                "--json",
                json.to_str().unwrap(),
                "--report",
                html.to_str().unwrap(),
            ],
        );
        let results: Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let interventions = results["comparisons"].as_array().unwrap().len();
        scenarios.push(ScenarioReport {
            stem,
            html,
            interventions,
        });
    }

    // One scenario with every sensitivity analysis, in English.
    let scenario = root.join("scenarios/familjestod.rhai");
    let sc = scenario.to_str().unwrap();
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
    let mut report_args: Vec<String> = ["report", "familjestod.json", "--lang", "en", "-o"]
        .map(String::from)
        .into();
    report_args.push("full.html".into());
    for (name, mut args) in analyses {
        let out = format!("{name}.json");
        args.extend(["--json", out.as_str()]);
        socinv(&dir, &args);
        report_args.extend(["--sensitivity".to_string(), out]);
    }
    let args: Vec<&str> = report_args.iter().map(String::as_str).collect();
    socinv(&dir, &args);
    let skolfranvaro = root.join("scenarios/skolfranvaro.rhai");
    let observed = root.join("scenarios/skolfranvaro_observed.csv");
    socinv(
        &dir,
        &[
            "follow-up",
            skolfranvaro.to_str().unwrap(),
            "--observed",
            observed.to_str().unwrap(),
            "-n",
            "500",
            "--report",
            "followup.html",
        ],
    );
    Reports {
        full: dir.join("full.html"),
        followup: dir.join("followup.html"),
        dir,
        scenarios,
    }
}

/// The report with `probe` placed first in its <head>.
fn with_probe(html: &str, probe: &str) -> String {
    let head = html.find("<head>").expect("the report has a <head>") + "<head>".len();
    format!("{}{probe}{}", &html[..head], &html[head..])
}

/// Escapes text for a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Loads `page` with `--dump-dom` and returns the JSON the probe left in `attr` of <html>.
fn probe_result(browser: &Path, page: &Path, window: &str, attr: &str) -> Value {
    let profile = tempfile::tempdir().unwrap();
    let out = chromium(
        browser,
        profile.path(),
        &[
            &format!("--window-size={window}"),
            "--hide-scrollbars",
            "--dump-dom",
            &file_url(page),
        ],
    );
    let name = page.display();
    assert!(
        out.status.success(),
        "{name}: chromium failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = Html::parse_document(&String::from_utf8_lossy(&out.stdout));
    let json = dom
        .select(&Selector::parse("html").unwrap())
        .next()
        .and_then(|e| e.value().attr(attr))
        .unwrap_or_else(|| panic!("{name}: the probe did not finish"))
        .to_string();
    serde_json::from_str(&json).unwrap()
}

/// Labels of the elements a probe listed, one a line, at most 25.
fn listed(items: &Value) -> String {
    let items = items.as_array().unwrap();
    let mut lines: Vec<String> = items
        .iter()
        .take(25)
        .map(|v| format!("  {}", v.as_str().unwrap()))
        .collect();
    if items.len() > 25 {
        lines.push(format!("  … and {} more", items.len() - 25));
    }
    lines.join("\n")
}

#[test]
fn every_shipped_scenario_report_renders_in_a_browser_with_its_charts() {
    let Some(browser) = browser_or_skip("the reports in a browser") else {
        return;
    };
    let reports = reports();
    for scenario in &reports.scenarios {
        let titles = check_in_browser(&browser, &reports.dir, &scenario.html);
        assert!(
            titles.len() >= 4 * scenario.interventions,
            "{}: {} charts for {} interventions: {titles:?}",
            scenario.stem,
            titles.len(),
            scenario.interventions
        );
    }
    let titles = check_in_browser(&browser, &reports.dir, &reports.full).join(" | ");
    for chart in ["Tornado", "Sobol"] {
        assert!(
            titles.to_lowercase().contains(&chart.to_lowercase()),
            "the full report has no {chart} chart: {titles}"
        );
    }
    let titles = check_in_browser(&browser, &reports.dir, &reports.followup).join(" | ");
    for chart in [
        "Antal personer i tillståndet ”hög frånvaro”",
        "Antagandena nu",
    ] {
        assert!(
            titles.contains(chart),
            "the follow-up report has no chart \"{chart}\": {titles}"
        );
    }
}

#[test]
fn every_report_fits_a_390_px_phone_without_sideways_scrolling() {
    let Some(browser) = browser_or_skip("the reports on a phone") else {
        return;
    };
    let reports = reports();
    for report in reports.all() {
        let inner = with_probe(&std::fs::read_to_string(report).unwrap(), PHONE_PROBE);
        let page = reports.dir.join(format!(
            "phone-{}",
            report.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(
            &page,
            format!(
                "<!DOCTYPE html><html><body style=\"margin:0\"><iframe width=\"390\" \
                 height=\"844\" style=\"border:0\" srcdoc=\"{}\"></iframe></body></html>",
                attribute(&inner)
            ),
        )
        .unwrap();
        let phone = probe_result(&browser, &page, "1280,900", "data-phone");
        let name = report.file_name().unwrap().to_string_lossy();
        assert_eq!(phone["innerWidth"], 390, "{name}: the phone viewport");
        let scroll = phone["scrollWidth"].as_f64().unwrap();
        let beyond = &phone["beyond"];
        assert!(
            scroll <= 390.0 && beyond.as_array().unwrap().is_empty(),
            "{name} at 390 px: the page is {scroll} px wide; past the right edge:\n{}",
            listed(beyond)
        );
    }
}

#[test]
fn every_report_prints_on_a4_without_split_charts_or_half_empty_pages() {
    let Some(browser) = browser_or_skip("the reports on paper") else {
        return;
    };
    let reports = reports();
    for report in reports.all() {
        let html = std::fs::read_to_string(report).unwrap();
        let file = report.file_name().unwrap().to_string_lossy();
        let page = reports.dir.join(format!("print-{file}"));
        std::fs::write(&page, with_probe(&html, PRINT_PROBE)).unwrap();
        let print = probe_result(&browser, &page, "1280,900", "data-print");
        assert!(print["error"].is_null(), "{file}: {}", print["error"]);
        assert_eq!(
            print["charts"].as_u64().unwrap() as usize,
            html.matches("<svg class=\"chart\"").count(),
            "{file}: the print emulation measures another number of charts than the file holds"
        );
        let problems = &print["problems"];
        assert!(
            problems.as_array().unwrap().is_empty(),
            "{file} on A4:\n{}",
            listed(problems)
        );
        let fill: Vec<f64> = print["fill"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_f64().unwrap())
            .collect();
        let pages = fill.len();
        let shown: Vec<String> = fill.iter().map(|f| format!("{:.0} %", 100.0 * f)).collect();
        for (i, f) in fill.iter().enumerate().take(pages.saturating_sub(1)) {
            assert!(
                *f >= 0.5,
                "{file}: page {} of {pages} is only {:.0} % full; pages filled: {}",
                i + 1,
                100.0 * f,
                shown.join(", ")
            );
        }
        let unbroken = print["height"].as_f64().unwrap() / print["pageHeight"].as_f64().unwrap();
        let bound = (1.25 * unbroken).ceil() as usize;
        assert!(
            (1..=bound).contains(&pages),
            "{file}: {pages} pages for content {unbroken:.1} pages high (at most {bound}); \
             pages filled: {}",
            shown.join(", ")
        );

        // The real print: as many A4 pages as the emulation.
        let pdf = reports.dir.join(format!("{file}.pdf"));
        let profile = tempfile::tempdir().unwrap();
        let out = chromium(
            &browser,
            profile.path(),
            &[
                "--no-pdf-header-footer",
                &format!("--print-to-pdf={}", pdf.display()),
                &file_url(report),
            ],
        );
        assert!(
            out.status.success(),
            "{file}: printing to PDF failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&pdf).expect("chromium wrote the PDF");
        assert!(bytes.starts_with(b"%PDF"), "{file}: not a PDF");
        let sizes = pdf_page_sizes(&bytes);
        // Screen and print lay text out with slightly different metrics, so a last block that
        // only just fits may go either way: the emulation may then hold one more page, nearly
        // empty (under a tenth full), than the print.
        let last_block_moved = sizes.len() + 1 == pages && fill.last().is_some_and(|f| *f < 0.1);
        assert!(
            sizes.len() == pages || last_block_moved,
            "{file}: the PDF has {} pages, the print emulation {pages}: the emulation no \
             longer matches the print; the emulated pages are filled {} and start with {}",
            sizes.len(),
            shown.join(", "),
            print["starts"]
        );
        for (w, h) in &sizes {
            // A4 is 210 × 297 mm = 595.3 × 841.9 pt
            assert!(
                (w - 595.3).abs() < 2.0 && (h - 841.9).abs() < 2.0,
                "{file}: a printed page is {w} × {h} pt, not A4 portrait"
            );
        }
    }
}
