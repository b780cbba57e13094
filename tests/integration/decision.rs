//! The decision perspective: declared by the scenario or `--perspective`, named in the headline
//! of the summary and the report, with society's net beside it where the two differ; in the
//! JSON; an unknown name refused at its line or with exit code 2.

use crate::common::{folder, listing, load_error, run, scenario, socinv_in};
use scraper::{Html, Selector};
use socinv::report::html::{Lang, Options, render_with};
use socinv::report::summary_text;
use std::path::Path;

fn shipped(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn options(lang: Lang) -> Options {
    Options {
        lang,
        date: None,
        net_samples: Vec::new(),
    }
}

/// A silo case: the kommun pays, the region saves much more.
const SILO: &str = r#"
scenario(#{ name: "Silo", horizon: 3, cohort: 100, decision_perspective: "kommun" });
state("hemma"); state("sjuk");
actor("kommun"); actor("region");
perspective("offentlig sektor", ["kommun", "region"]);
start(#{ hemma: 1.0 });
let p = param("p", beta_mean_sd(0.2, 0.05));
intervention("Insats", #{ startup: 500000, years: 1, funded_by: #{ kommun: 1.0 } });
transition("hemma", "sjuk", p * if_else(arm_is("Insats"), 0.5, 1));
cost("sjuk", "region", 100000);
"#;

#[test]
fn the_silo_case_names_the_kommun_and_shows_society_beside_it() {
    let sc = scenario(SILO);
    assert_eq!(sc.decision_perspective.as_deref(), Some("kommun"));
    let (_, r) = run(&sc, 1_000, 1);
    let c = &r.comparisons[0];
    let d = c.decision_perspective.as_ref().expect("the JSON names it");
    assert_eq!((d.name.as_str(), d.kind.as_str()), ("kommun", "actor"));
    // the kommun only pays: it always loses
    assert_eq!(d.prob_loss, 1.0);
    assert_eq!(c.decision_net().net.mean, c.by_actor["kommun"].net.mean);
    let text = summary_text(&r);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("  For the kommun: net -500 000"))
        .unwrap_or_else(|| panic!("no kommun headline in\n{text}"));
    assert!(
        lines[at + 1].starts_with("  For society (society): net "),
        "{text}"
    );
    for (lang, head, cards) in [
        (
            Lang::Sv,
            "För kommunen blir nettot med 90\u{a0}% sannolikhet mellan",
            ["För kommunen", "För samhället"],
        ),
        (
            Lang::En,
            "For the kommun, with 90% probability the net lies between",
            ["For the kommun", "For society"],
        ),
    ] {
        let html = render_with(&r, &[], &options(lang)).unwrap();
        let headline = &texts(&html, ".headline")[0];
        assert!(headline.starts_with(head), "{headline}");
        let names = texts(&html, ".kpis.perspectives .kpi .k");
        assert_eq!(names, cards, "{html}");
    }
}

#[test]
fn without_a_decision_perspective_the_headline_says_all_actors() {
    let sc = scenario(&SILO.replace(", decision_perspective: \"kommun\"", ""));
    assert_eq!(sc.decision_perspective, None);
    let (_, r) = run(&sc, 1_000, 1);
    let c = &r.comparisons[0];
    assert!(c.decision_perspective.is_none());
    let json = socinv::report::json(&r);
    assert!(
        !json.contains("decision_perspective"),
        "nothing new by default"
    );
    assert!(summary_text(&r).contains("\n  For all actors: net "));
    let html = render_with(&r, &[], &options(Lang::Sv)).unwrap();
    assert!(texts(&html, ".headline")[0].starts_with("För alla aktörer blir nettot"));
    // all actors and society agree here: no second card
    assert!(texts(&html, ".kpis.perspectives").is_empty());
    let html = render_with(&r, &[], &options(Lang::En)).unwrap();
    assert!(texts(&html, ".headline")[0].starts_with("For all actors, with 90% probability"));
}

#[test]
fn an_unknown_decision_perspective_is_an_error_at_its_line() {
    let e = load_error(&SILO.replace(
        "decision_perspective: \"kommun\"",
        "decision_perspective: \"komun\"",
    ));
    assert!(e.starts_with("test.rhai:2:1: "), "{e}");
    assert!(
        e.contains("\"komun\" is neither a perspective nor an actor"),
        "{e}"
    );
    assert!(e.contains("did you mean \"kommun\"?"), "{e}");
    assert!(e.contains("\"offentlig sektor\""), "{e}");
}

#[test]
fn uvas_names_the_kommun_and_shows_society_and_perspective_overrides() {
    let dir = folder(&[]);
    let uvas = shipped("uvas_jobbstod.rhai");
    let ran = socinv_in(
        dir.path(),
        &["run", &uvas, "-n", "2000", "--report", "r.html"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("  For the kommun: net -"))
        .unwrap_or_else(|| panic!("{}", ran.stdout));
    assert!(
        lines[at + 1].starts_with("  For society (samhället): net "),
        "{}",
        ran.stdout
    );
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(texts(&html, ".headline")[0].starts_with("För kommunen blir nettot"));
    assert_eq!(
        texts(&html, ".kpis.perspectives .kpi .k"),
        ["För kommunen", "För samhället"]
    );

    // --perspective overrides the scenario's, in the summary and the JSON
    let ran = socinv_in(
        dir.path(),
        &[
            "run",
            &uvas,
            "-n",
            "500",
            "--perspective",
            "offentlig sektor",
            "--json",
            "-",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let v: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let d = &v["comparisons"][0]["decision_perspective"];
    assert_eq!(d["name"], "offentlig sektor");
    assert_eq!(d["kind"], "perspective");
    assert!(
        d["prob_loss"]
            .as_f64()
            .is_some_and(|p| (0.0..=1.0).contains(&p))
    );
    let ran = socinv_in(
        dir.path(),
        &["run", &uvas, "-n", "500", "--perspective", "all actors"],
    );
    assert!(
        ran.stdout.contains("\n  For all actors: net "),
        "{}",
        ran.stdout
    );

    // an unknown name: exit 2, the names listed, no file written
    let before = listing(dir.path());
    let ran = socinv_in(
        dir.path(),
        &[
            "run",
            &uvas,
            "-n",
            "500",
            "--perspective",
            "samhallet",
            "--json",
            "out.json",
        ],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("did you mean \"samhället\"?"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("\"kommun\""), "{}", ran.stderr);
    assert_eq!(listing(dir.path()), before, "nothing written");
}
