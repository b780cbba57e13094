//! The decision-maker HTML report: self-contained, complete per intervention, in Swedish and
//! English, escaping the scenario's text, and saying in its headline what the results say.

use crate::common::{run, scenario};
use scraper::{ElementRef, Html, Selector};
use serde_json::{Value, json};
use socinv::error::Error;
use socinv::report::html::{Lang, Options, render, render_with};
use socinv::results::{ComparisonSamples, RunResults};
use socinv::scenario::Scenario;
use socinv::sensitivity::sweep::{Axis, sweep};
use socinv::sensitivity::threshold::{Target, threshold};
use socinv::sensitivity::tornado::{Others, tornado};
use socinv::sensitivity::{Analysis, Metric};
use socinv::sim::IterationResult;
use std::path::Path;
use std::sync::OnceLock;

const NBSP: char = '\u{a0}';
const EFFECT: &str = "or_familjestöd_placering";

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>()
}

/// The shipped family-support scenario, run once for all tests here.
fn familjestod() -> &'static (Scenario, Vec<IterationResult>, RunResults) {
    static RUN: OnceLock<(Scenario, Vec<IterationResult>, RunResults)> = OnceLock::new();
    RUN.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/familjestod.rhai");
        let sc = socinv::script::load_scenario(&path).expect("the shipped scenario loads");
        let (its, r) = run(&sc, 2_000, 1);
        (sc, its, r)
    })
}

fn options(lang: Lang) -> Options {
    Options {
        lang,
        date: None,
        net_samples: Vec::new(),
    }
}

/// No reference leaves the file: no script, no external source, link, import or url().
fn assert_self_contained(html: &str) {
    let doc = Html::parse_document(html);
    for tag in [
        "script", "link", "img", "iframe", "object", "embed", "image", "use",
    ] {
        assert!(
            doc.select(&sel(tag)).next().is_none(),
            "the report must not contain <{tag}>"
        );
    }
    for e in doc.select(&sel("*")) {
        for (name, value) in e.value().attrs() {
            let v = value.trim().to_ascii_lowercase();
            if name == "src" || name.ends_with("href") || name == "action" || name == "srcset" {
                assert!(
                    v.starts_with('#'),
                    "<{} {name}=\"{value}\"> points outside the file",
                    e.value().name()
                );
            }
            assert!(
                !v.starts_with("http:") && !v.starts_with("https:") && !v.starts_with("//"),
                "<{} {name}=\"{value}\"> names a network address",
                e.value().name()
            );
        }
    }
    for style in doc.select(&sel("style")) {
        let css = text(style).to_ascii_lowercase();
        assert!(!css.contains("@import"), "the CSS imports a file");
        assert!(!css.contains("url("), "the CSS loads a url()");
    }
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("src=\"http") && !lower.contains("href=\"http"));
    assert!(!lower.contains("<script"), "no script at all");
}

/// Every chart is a scalable, labelled image: viewBox, no fixed size, role="img", and a
/// non-empty <title> and <desc> that aria-labelledby points to. Returns the titles.
fn chart_titles(scope: ElementRef) -> Vec<String> {
    let mut titles = Vec::new();
    for svg in scope.select(&sel("svg")) {
        let a = svg.value();
        assert!(a.attr("viewBox").is_some(), "a chart without viewBox");
        assert!(a.attr("width").is_none() && a.attr("height").is_none());
        assert_eq!(a.attr("role"), Some("img"));
        let labelled = a.attr("aria-labelledby").expect("aria-labelledby");
        let title = svg.select(&sel("title")).next().expect("a <title>");
        let desc = svg.select(&sel("desc")).next().expect("a <desc>");
        for (part, el) in labelled.split_whitespace().zip([title, desc]) {
            assert_eq!(el.value().attr("id"), Some(part));
            assert!(!text(el).trim().is_empty(), "empty {part}");
        }
        assert!(
            svg.select(&sel("text")).count() >= 3,
            "a chart without axis labels: {}",
            text(title)
        );
        titles.push(text(title));
    }
    titles
}

/// Parses a Swedish or English number as written in the report: "−6,0", "16.8", "1 234".
fn parse_number(s: &str, lang: Lang) -> f64 {
    let t: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| match c {
            '\u{2212}' => '-',
            ',' if lang == Lang::Sv => '.',
            c => c,
        })
        .filter(|c| lang == Lang::Sv || *c != ',')
        .collect();
    t.parse()
        .unwrap_or_else(|_| panic!("\"{s}\" is not a number"))
}

/// The rounding step of a number as written ("16,8" → 0.1).
fn step_of(s: &str) -> f64 {
    let decimals = s
        .rsplit_once([',', '.'])
        .map_or(0, |(_, f)| f.chars().filter(char::is_ascii_digit).count());
    10f64.powi(-(decimals as i32))
}

/// The headline's amounts equal the P5 and P95 of the decision perspective's net, rounded; its
/// percentages its probability of a loss and (all actors) of payback; its year the median
/// payback year counted from 1.
fn check_headline(doc: &Html, r: &RunResults, lang: Lang) {
    let headlines: Vec<ElementRef> = doc.select(&sel(".headline")).collect();
    assert_eq!(headlines.len(), r.comparisons.len());
    for (h, c) in headlines.iter().zip(&r.comparisons) {
        let bold: Vec<String> = h.select(&sel("b")).map(text).collect();
        let all = text(*h);
        // amounts: "−6,0" and "16,8 mnkr" (sv) or "SEK −6.0 m" and "SEK 16.8 m" (en)
        let unit = match lang {
            Lang::Sv => "kr",
            Lang::En => "SEK",
        };
        assert!(bold[1].contains(unit), "{bold:?}");
        let scale = if bold[1].contains("mnkr") || bold[1].ends_with('m') {
            1e6
        } else if bold[1].contains("tkr") || bold[1].ends_with('k') {
            1e3
        } else {
            1.0
        };
        let decision = c.decision_net();
        let net = decision.net;
        for (b, q) in [(&bold[0], net.p5), (&bold[1], net.p95)] {
            let figure: String = b
                .replace("SEK", "")
                .replace("mnkr", "")
                .replace("tkr", "")
                .trim_end_matches(['m', 'k'])
                .trim()
                .to_string();
            let v = parse_number(&figure, lang);
            let step = step_of(&figure) * scale;
            // rounded to at most 3 significant digits of the larger end, at least 2
            assert!(
                (v * scale - q).abs() <= step * 0.5 + 1e-6 * q.abs(),
                "headline {b} vs quantile {q}"
            );
            assert!(step <= net.p5.abs().max(net.p95.abs()) / 5.0);
        }
        // percentages rounded to the decade of their 95% interval's half-width (whole per cent
        // at most, tenths at least); a share that is not 0 but rounds to it is "< step %"
        let pct = |p: f64, ci: [f64; 2]| {
            let half = (ci[1] - ci[0]) * 50.0;
            let e = (half.log10().floor() as i32).clamp(-1, 0);
            let step = 10f64.powi(e);
            let show = |x: f64| {
                let t = format!("{:.*}", (-e) as usize, x);
                match lang {
                    Lang::Sv => t.replace('.', ","),
                    Lang::En => t,
                }
            };
            let r = (p * 100.0 / step).round() * step;
            let n = match p {
                0.0 => format!("0{NBSP}% (0–{}", show((ci[1] * 100.0 / step).ceil() * step)),
                1.0 => format!(
                    "100{NBSP}% ({}–100",
                    show((ci[0] * 100.0 / step).floor() * step)
                ),
                _ if r <= 0.0 => format!("<{NBSP}{}", show(step)),
                _ if r >= 100.0 => format!(">{NBSP}{}", show(100.0 - step)),
                _ => show(r),
            };
            let n = match lang {
                Lang::Sv => format!("{n}{NBSP}%"),
                Lang::En => format!("{n}%").replace(&format!("{NBSP}%"), "%"),
            };
            if p == 0.0 || p == 1.0 {
                format!("{n})")
            } else {
                n
            }
        };
        let (loss, loss_ci) = decision
            .prob_loss
            .expect("the decision perspective's P(loss)");
        assert_eq!(bold[2], pct(loss, loss_ci), "risk of a loss in {all}");
        match c.payback.median_year {
            Some(t) => {
                assert_eq!(bold[3..5].len(), 2, "{all}");
                let years = match lang {
                    Lang::Sv => format!("{}{NBSP}år", t + 1),
                    Lang::En => format!("{}{NBSP}years", t + 1),
                };
                assert!(bold.contains(&years), "{years} not in {all}");
                assert!(
                    bold.contains(&pct(
                        c.payback.cdf[t as usize],
                        c.payback.cdf_ci[t as usize]
                    )),
                    "payback share not in {all}"
                );
            }
            None if c.payback.prob_within_horizon > 0.0 => {
                let fewer = match lang {
                    Lang::Sv => "Färre än hälften",
                    Lang::En => "Fewer than half",
                };
                assert!(all.contains(fewer), "{all}");
                assert!(
                    bold.contains(&pct(
                        c.payback.prob_within_horizon,
                        c.payback.prob_within_horizon_ci
                    )),
                    "{all}"
                );
            }
            None => {
                let never = match lang {
                    Lang::Sv => "i något av utfallen",
                    Lang::En => "in none of the outcomes",
                };
                assert!(all.contains(never), "{all}");
            }
        }
    }
}

#[test]
fn swedish_report_is_self_contained_complete_and_says_what_the_results_say() {
    let (_, _, r) = familjestod();
    let html = render_with(r, &[], &options(Lang::Sv)).unwrap();
    assert_self_contained(&html);
    let doc = Html::parse_document(&html);
    assert_eq!(
        doc.select(&sel("html"))
            .next()
            .unwrap()
            .value()
            .attr("lang"),
        Some("sv")
    );
    // the headline first in each intervention, with the results' numbers
    check_headline(&doc, r, Lang::Sv);
    let head = text(doc.select(&sel(".headline")).next().unwrap())
        .trim()
        .to_string();
    assert!(
        head.starts_with("För kommunen blir nettot med 90\u{a0}% sannolikhet mellan"),
        "{head}"
    );
    // every chart of every intervention, with its title
    let sections: Vec<ElementRef> = doc.select(&sel("section.intervention")).collect();
    assert_eq!(sections.len(), r.comparisons.len());
    for s in &sections {
        assert_eq!(
            chart_titles(*s),
            [
                "Hur stort blir nettot?",
                "Nettots fördelning, alla simuleringar",
                "När vänder det? Nettot år för år",
                "Hur säkert betalar det tillbaka sig?",
                "Vem betalar och vem vinner?",
                "Nettot år för år för kommunen",
            ]
        );
        // axis titles with units
        let svg_text: String = s.select(&sel("svg text")).map(text).collect();
        assert!(svg_text.contains("Netto (mnkr)"), "{svg_text}");
        assert!(svg_text.contains("År från start"));
        // the actors and perspectives table, the outcomes table
        let tables: String = s.select(&sel("table")).map(text).collect();
        for name in r.comparisons[0].by_actor.keys() {
            assert!(tables.contains(name.as_str()), "actor {name} missing");
        }
        for name in r.comparisons[0].by_perspective.keys() {
            assert!(tables.contains(name.as_str()), "perspective {name} missing");
        }
        for name in r.comparisons[0].outcomes.keys() {
            assert!(tables.contains(name.as_str()), "outcome {name} missing");
        }
    }
    // the appendix: parameters, programs, rules, tables at medians, notes
    let appendix = text(doc.select(&sel("section.appendix")).next().unwrap());
    for p in &r.scenario.parameters {
        assert!(appendix.contains(&p.name), "parameter {} missing", p.name);
        assert!(appendix.contains(&p.distribution));
    }
    for s in &r.scenario.states {
        assert!(appendix.contains(s.as_str()));
    }
    assert_eq!(
        doc.select(&sel("section.appendix ol.rules li")).count(),
        r.scenario.rules.len()
    );
    // the notes as wrapped prose: paragraphs and lists, every word kept in order
    // the text of each paragraph and item apart, as a reader sees them
    let notes = doc
        .select(&sel("div.notes"))
        .next()
        .unwrap()
        .text()
        .collect::<Vec<_>>()
        .join(" ");
    let words = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .filter(|w| *w != "-")
            .map(String::from)
            .collect()
    };
    assert_eq!(words(&notes), words(&r.scenario.notes));
    assert!(doc.select(&sel("pre.notes")).next().is_none());
    let items = r
        .scenario
        .notes
        .lines()
        .filter(|l| l.trim_start().starts_with("- "))
        .count();
    assert!(items > 0);
    assert_eq!(doc.select(&sel("div.notes li")).count(), items);
    assert!(doc.select(&sel("table.matrix")).count() >= r.scenario.arms.len());
    // the footer: what is needed to reproduce
    let footer = text(doc.select(&sel("footer")).next().unwrap());
    // the file's name, never the analyst's folder
    assert!(!footer.contains(&r.scenario.file), "{footer}");
    for needed in [
        r.socinv_version.as_str(),
        "socinv run familjestod.rhai --seed",
        r.scenario.source_hash.as_str(),
        "2\u{a0}000",
    ] {
        assert!(
            footer.contains(needed),
            "{needed} not in the footer: {footer}"
        );
    }
    assert!(footer.contains(&format!("--seed {}", r.settings.seed)));
    // no date asked for, none given; and the same inputs give the same bytes
    assert!(!footer.contains("skapad"));
    assert_eq!(html, render_with(r, &[], &options(Lang::Sv)).unwrap());
}

#[test]
fn english_report_renders_with_english_numbers() {
    let (_, _, r) = familjestod();
    let html = render(r, &[], Lang::En).unwrap();
    assert_self_contained(&html);
    let doc = Html::parse_document(&html);
    assert_eq!(
        doc.select(&sel("html"))
            .next()
            .unwrap()
            .value()
            .attr("lang"),
        Some("en")
    );
    check_headline(&doc, r, Lang::En);
    let head = text(doc.select(&sel(".headline")).next().unwrap())
        .trim()
        .to_string();
    assert!(
        head.starts_with("For the kommun, with 90% probability the net lies between SEK"),
        "{head}"
    );
    let s = doc.select(&sel("section.intervention")).next().unwrap();
    assert_eq!(
        chart_titles(s),
        [
            "How large will the net be?",
            "The net, every simulation",
            "When does it turn? The net year by year",
            "How sure is payback?",
            "Who pays and who gains?",
            "The net year by year for the kommun",
        ]
    );
    let svg_text: String = s.select(&sel("svg text")).map(text).collect();
    assert!(svg_text.contains("Net (SEK m)"), "{svg_text}");
    // the default render dates the footer
    let footer = text(doc.select(&sel("footer")).next().unwrap());
    assert!(footer.contains("Report rendered"));
}

#[test]
fn results_read_back_from_json_give_the_same_report() {
    let (_, _, r) = familjestod();
    let json = socinv::report::json(r);
    let back: RunResults = serde_json::from_str(&json).unwrap();
    assert_eq!(
        render_with(r, &[], &options(Lang::Sv)).unwrap(),
        render_with(&back, &[], &options(Lang::Sv)).unwrap()
    );
}

#[test]
fn the_histogram_from_the_json_is_the_one_from_the_samples() {
    let (sc, its, r) = familjestod();
    let net = ComparisonSamples::new(sc, its, 1).net;
    let with_samples = |net_samples| Options {
        lang: Lang::Sv,
        date: Some("2025-01-31".into()),
        net_samples,
    };
    let html = render_with(r, &[], &with_samples(vec![net])).unwrap();
    assert_self_contained(&html);
    let doc = Html::parse_document(&html);
    let s = doc.select(&sel("section.intervention")).next().unwrap();
    let titles = chart_titles(s);
    assert_eq!(titles.len(), 6, "{titles:?}");
    assert_eq!(titles[1], "Nettots fördelning, alla simuleringar");
    assert!(text(doc.select(&sel("footer")).next().unwrap()).contains("2025-01-31"));
    // `socinv report` draws from the JSON alone: the same chart, the same page
    let back: RunResults = serde_json::from_str(&socinv::report::json(r)).unwrap();
    assert_eq!(
        html,
        render_with(&back, &[], &with_samples(Vec::new())).unwrap()
    );
}

/// Two interventions: one that may pay, one that costs and changes nothing.
const TWO: &str = r#"
scenario(#{ name: "Två insatser", horizon: 5, cohort: 30, price_year: 2024 });
actor("kommun");
actor("region");
state("hemma");
state("placerad");
start(#{ hemma: 1.0 });
let p = param("p_placering", beta_mean_sd(0.2, 0.05));
let rr = param("rr", uniform(0.4, 0.8));
intervention("Bra insats", #{ startup: 100000, per_participant: 20000, years: 1,
                              funded_by: #{ kommun: 1.0 } });
intervention("Dyr insats", #{ startup: 5000000, years: 1, funded_by: #{ kommun: 0.5, region: 0.5 } });
transition("hemma", "placerad", p * if_else(arm_is("Bra insats"), rr, 1));
cost("placerad", "kommun", 800000);
cost("placerad", "region", 50000);
entry_outcome("placeringar", "placerad", 1);
"#;

#[test]
fn every_intervention_gets_its_section_and_the_overview_compares_them() {
    let sc = scenario(TWO);
    let (_, r) = run(&sc, 1_000, 2);
    assert_eq!(
        r.comparisons[1].prob_net_positive, 0.0,
        "the costly one never pays"
    );
    for lang in [Lang::Sv, Lang::En] {
        let html = render_with(&r, &[], &options(lang)).unwrap();
        assert_self_contained(&html);
        let doc = Html::parse_document(&html);
        check_headline(&doc, &r, lang);
        let sections: Vec<ElementRef> = doc.select(&sel("section.intervention")).collect();
        assert_eq!(sections.len(), 2);
        for s in sections {
            assert_eq!(chart_titles(s).len(), 6);
        }
        let overview = doc.select(&sel("table.overview tbody tr")).count();
        assert_eq!(overview, 2, "one overview row per intervention");
        // the table of contents links to each section
        for k in 1..=2 {
            let link = format!("a[href=\"#insats-{k}\"]");
            assert!(doc.select(&sel(&link)).next().is_some());
            assert!(doc.select(&sel(&format!("#insats-{k}"))).next().is_some());
        }
    }
}

/// Names, states, actors, parameters, outcomes and notes with markup in them.
const HOSTILE: &str = r#"
// Notes with <script>alert("notes")</script> & a <b>tag</b>
scenario(#{ name: "<script>alert('name')</script> & co", description: "<img src=x onerror=alert(1)>",
            horizon: 3, cohort: 20 });
actor("kommun <i>");
actor("staten\"'");
state("hemma <img src=x>");
state("</td><script>");
start(#{ "hemma <img src=x>": 1.0 });
let p = param("p<svg onload:alert(1)>", beta_mean_sd(0.3, 0.05));
let rr = param("rr</title>", uniform(0.5, 0.9));
intervention("Insats </h2><script>x</script>", #{ startup: 20000, per_participant: 5000, years: 1,
             funded_by: #{ "kommun <i>": 1.0 } });
transition("hemma <img src=x>", "</td><script>", p * if_else(arm_is("Insats </h2><script>x</script>"), rr, 1));
cost("</td><script>", "kommun <i>", 300000);
cost("</td><script>", "staten\"'", 50000);
entry_outcome("<u>placeringar</u>", "</td><script>", 1);
"#;

#[test]
fn scenario_text_is_escaped() {
    let sc = scenario(HOSTILE);
    let (_, r) = run(&sc, 300, 3);
    for lang in [Lang::Sv, Lang::En] {
        let html = render_with(&r, &[], &options(lang)).unwrap();
        assert_self_contained(&html);
        let doc = Html::parse_document(&html);
        for tag in ["img", "i", "u", "svg[onload]"] {
            assert!(
                doc.select(&sel(tag)).next().is_none(),
                "<{tag}> from the scenario became markup"
            );
        }
        for e in doc.select(&sel("*")) {
            assert!(
                e.value().attrs().all(|(n, _)| !n.starts_with("on")),
                "an event handler attribute from the scenario"
            );
        }
        let h1 = text(doc.select(&sel("h1")).next().unwrap());
        assert_eq!(h1, "<script>alert('name')</script> & co");
        let h2 = doc.select(&sel("section.intervention h2")).next().unwrap();
        assert!(text(h2).starts_with("Insats </h2><script>x</script>"));
        // the charts' own text is escaped too (plotters escapes its <text>)
        let svg_text: String = doc.select(&sel("svg text")).map(text).collect();
        assert!(svg_text.contains("kommun <i>"), "{svg_text}");
        let notes = text(doc.select(&sel("div.notes")).next().unwrap());
        assert!(
            notes.contains("<script>alert(\"notes\")</script>"),
            "{notes}"
        );
        let appendix = text(doc.select(&sel("section.appendix")).next().unwrap());
        assert!(appendix.contains("p<svg onload:alert(1)>"));
    }
}

fn analysis(sc: &Scenario) -> Analysis<'_> {
    Analysis {
        method: socinv::sim::Method::Individual,
        scenario: sc,
        iterations: 200,
        seed: 5,
        fixed: Vec::new(),
        perspective: None,
        progress: &socinv::sensitivity::NoProgress,
    }
}

/// A parameter whose name, label and unit hold markup and a bare `&`.
const HOSTILE_PARAMETER: &str = r#"
scenario(#{ name: "Escaping", horizon: 3, cohort: 20 });
actor("kommun");
state("hemma");
state("placerad");
start(#{ "hemma": 1.0 });
let p = param("p&<b>x", beta_mean_sd(0.3, 0.05),
              #{ label: "<script>alert('p')</script> R&D", unit: "<i>andel</i> & mer" });
let rr = param("rr", uniform(0.5, 0.9));
intervention("Insats", #{ startup: 20000, per_participant: 5000, years: 1,
             funded_by: #{ "kommun": 1.0 } });
transition("hemma", "placerad", p * if_else(arm_is("Insats"), rr, 1));
cost("placerad", "kommun", 300000);
"#;

#[test]
fn sensitivity_sections_show_a_parameters_markup_as_text() {
    const LABEL: &str = "<script>alert('p')</script> R&D";
    let sc = scenario(HOSTILE_PARAMETER);
    let (_, r) = run(&sc, 300, 3);
    let a = analysis(&sc);
    let name = "p&<b>x";
    let values: Vec<Value> = [
        serde_json::to_value(tornado(&a, Metric::Net, 0.1, 0.9, Others::Vary).unwrap()),
        serde_json::to_value(
            sweep(
                &a,
                vec![Axis::parse(&a, &format!("{name}=0.1..0.5:3")).unwrap()],
            )
            .unwrap(),
        ),
        serde_json::to_value(threshold(&a, name, Target::parse("net=0").unwrap()).unwrap()),
        serde_json::to_value(socinv::sensitivity::sobol::sobol(&a, 50, 20).unwrap()),
        serde_json::to_value(socinv::sensitivity::voi::voi(&a).unwrap()),
    ]
    .into_iter()
    .map(Result::unwrap)
    .collect();
    for lang in [Lang::Sv, Lang::En] {
        let html = render_with(&r, &values, &options(lang)).unwrap();
        assert_self_contained(&html);
        let doc = Html::parse_document(&html);
        let sections: Vec<ElementRef> = doc.select(&sel("section.sensitivity")).collect();
        assert_eq!(
            sections.len(),
            2,
            "the decision part's and the researchers'"
        );
        for s in &sections {
            for tag in ["script", "i"] {
                assert!(
                    s.select(&sel(tag)).next().is_none(),
                    "<{tag}> from the scenario became markup"
                );
            }
            // shown as written: escaped once, in the tables and in the charts
            let shown = text(*s);
            assert!(shown.contains(LABEL), "{shown}");
            assert!(
                !shown.contains("&amp;") && !shown.contains("&lt;"),
                "{shown}"
            );
            // a chart may cut a long label short
            let in_charts: String = s.select(&sel("svg text")).map(text).collect();
            assert!(
                in_charts.contains("<script>alert('p')</script>"),
                "{in_charts}"
            );
        }
        // the unit beside the tornado's values
        assert!(text(sections[0]).contains("<i>andel</i> & mer"));
    }
}

/// Tornado, 1-D and 2-D sweeps and threshold of the shipped scenario, as their JSON.
fn sensitivity_values() -> Vec<Value> {
    let (sc, _, _) = familjestod();
    let a = analysis(sc);
    let t = tornado(&a, Metric::Net, 0.1, 0.9, Others::Vary).unwrap();
    let s1 = sweep(
        &a,
        vec![Axis::parse(&a, &format!("{EFFECT}=0.3..1.0:5")).unwrap()],
    )
    .unwrap();
    let s2 = sweep(
        &a,
        vec![
            Axis::parse(&a, &format!("{EFFECT}=0.3..1.0:3")).unwrap(),
            Axis::parse(&a, "insatskostnad_per_familj=80000..160000:3").unwrap(),
        ],
    )
    .unwrap();
    let th = threshold(&a, EFFECT, Target::parse("net=0").unwrap()).unwrap();
    [
        serde_json::to_value(&t),
        serde_json::to_value(&s1),
        serde_json::to_value(&s2),
        serde_json::to_value(&th),
    ]
    .into_iter()
    .map(Result::unwrap)
    .collect()
}

/// Sobol and VOI outputs in the shape `socinv sobol|voi --json` writes, with a field from the
/// future, which the report passes over. One Sobol total (`insatskostnad_per_familj`) is mostly
/// interaction while cohort chance is material.
fn sobol_and_voi(r: &RunResults) -> [Value; 2] {
    let header = |schema: &str| {
        json!({
            "schema": schema, "socinv_version": r.socinv_version,
            "scenario": r.scenario.name, "file": r.scenario.file,
            "source_hash": r.scenario.source_hash, "iterations": 512, "seed": 9,
            "perspective": "all actors", "fixed": {}, "a_field_from_the_future": [1, 2]
        })
    };
    let mut sobol = header("socinv.sobol/1");
    sobol["base"] = json!(64);
    sobol["evaluations"] = json!(512);
    sobol["bootstrap"] = json!(100);
    sobol["estimators"] = json!("Saltelli sampling");
    sobol["results"] = json!([{
        "intervention": r.comparisons[0].intervention,
        "mean_net": {"value": 3.1e6, "mcse": 2.3e5},
        "variance": 5.5e13,
        "indices": [
            {"input": "cohort chance", "first_order": -0.008, "first_order_ci": [-0.1, 0.1],
             "total": 0.73, "total_ci": [0.64, 0.85]},
            {"input": EFFECT, "first_order": 0.25, "first_order_ci": [0.18, 0.33],
             "total": 0.31, "total_ci": [0.26, 0.37]},
            {"input": "kostnad_hvb_per_år", "first_order": null, "first_order_ci": [null, null],
             "total": 0.02, "total_ci": [null, null]},
            {"input": "insatskostnad_per_familj", "first_order": 0.02,
             "first_order_ci": [0.0, 0.05], "total": 0.3, "total_ci": [0.2, 0.4]}
        ]
    }]);
    let mut voi = header("socinv.voi/1");
    voi["currency"] = json!("SEK");
    voi["method"] = json!("regression");
    voi["cohort"] = json!(25);
    voi["options"] = json!([
        {"name": r.comparisons[0].baseline, "expected_net": 0.0},
        {"name": r.comparisons[0].intervention, "expected_net": 3.1e6}
    ]);
    voi["evpi"] = json!({"perspective": "all actors", "decision": r.comparisons[0].intervention,
                         "evpi": 812345.0, "evpi_mcse": 20000.0, "evpi_parameters": 516000.0});
    voi["evppi"] = json!([
        {"parameter": EFFECT, "evppi": 436000.0, "share_of_evpi": 0.33},
        {"parameter": "kostnad_hvb_per_år", "evppi": 0.0, "share_of_evpi": 0.0}
    ]);
    [sobol, voi]
}

#[test]
fn sensitivity_charts_appear_when_their_json_is_given() {
    let (_, _, r) = familjestod();
    let mut values = sensitivity_values();
    values.extend(sobol_and_voi(r));
    for lang in [Lang::Sv, Lang::En] {
        let html = render_with(r, &values, &options(lang)).unwrap();
        assert_self_contained(&html);
        let doc = Html::parse_document(&html);
        // one section for the intervention (tornado, sweep, threshold); one apart for analysts
        // and researchers (Sobol, VOI), after the decision part
        let sections: Vec<ElementRef> = doc.select(&sel("section.sensitivity")).collect();
        assert_eq!(sections.len(), 2);
        let titles = chart_titles(sections[0]);
        let research = sections[1];
        assert!(research.value().classes().any(|c| c == "research"));
        let heading = text(research.select(&sel("h2")).next().unwrap());
        let apart = match lang {
            Lang::Sv => "För analytiker och forskare",
            Lang::En => "For analysts and researchers",
        };
        assert!(heading.starts_with(apart), "{heading}");
        let ids: Vec<&str> = doc
            .select(&sel("main > section"))
            .filter_map(|s| s.value().id())
            .collect();
        let at = |id: &str| ids.iter().position(|i| *i == id);
        assert!(
            at("kanslighet") > at("insats-1") && at("kanslighet") > at("val"),
            "{ids:?}"
        );
        assert_eq!(
            chart_titles(research),
            [match lang {
                Lang::Sv => "Hur mycket av osäkerheten kommer från varje antagande? (Sobol)",
                Lang::En => "How much of the uncertainty comes from each assumption? (Sobol)",
            }]
        );
        // Sobol rows by first-order index; the total that is mostly interaction with chance
        // is flagged
        let rows: Vec<Vec<String>> = research
            .select(&sel("figure"))
            .find(|f| f.select(&sel("svg")).next().is_some())
            .unwrap()
            .select(&sel("tbody tr"))
            .map(|tr| tr.select(&sel("td")).map(text).collect())
            .collect();
        let firsts: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        let chance_words = match lang {
            Lang::Sv => "slumpen i målgruppen",
            Lang::En => "chance in the cohort",
        };
        assert_eq!(
            firsts,
            [
                EFFECT,
                "insatskostnad_per_familj",
                chance_words,
                "kostnad_hvb_per_år"
            ]
        );
        let flagged: Vec<&str> = rows
            .iter()
            .filter(|r| r[2].ends_with('†'))
            .map(|r| r[0].as_str())
            .collect();
        assert_eq!(flagged, ["insatskostnad_per_familj"]);
        assert_eq!(research.select(&sel("tr.chance-driven")).count(), 1);
        let expect = match lang {
            Lang::Sv => [
                "Vilka antaganden flyttar medelnettot mest?".to_string(),
                format!("Nettot när {EFFECT} varierar"),
                format!("Sannolikheten för positivt netto när {EFFECT} varierar"),
                format!(
                    "Sannolikheten för positivt netto över {EFFECT} och insatskostnad_per_familj"
                ),
                format!("Brytpunkt: vilket värde på {EFFECT} behövs?"),
            ],
            Lang::En => [
                "Which assumptions move the mean net most?".to_string(),
                format!("The net as {EFFECT} varies"),
                format!("The probability of a positive net as {EFFECT} varies"),
                format!(
                    "The probability of a positive net over {EFFECT} and insatskostnad_per_familj"
                ),
                format!("Break-even: what value of {EFFECT} is needed?"),
            ],
        };
        assert_eq!(titles, expect);
        let body: String = sections.iter().map(|s| text(*s)).collect();
        // the tornado names every uncertain parameter; the threshold states its value
        for p in &r.scenario.parameters {
            assert!(body.contains(&p.name), "{} not in the tornado", p.name);
        }
        let statement = text(doc.select(&sel(".statement")).next().unwrap());
        assert!(statement.contains(EFFECT), "{statement}");
        // VOI: the EVPI and the EVPPI rows
        assert!(body.contains("EVPI") && body.contains("EVPPI"), "{body}");
        let chance = match lang {
            Lang::Sv => "slumpen i målgruppen",
            Lang::En => "chance in the cohort",
        };
        assert!(body.contains(chance), "Sobol's cohort chance in words");
        let evpi = match lang {
            Lang::Sv => "810\u{a0}tkr",
            Lang::En => "SEK\u{a0}810\u{a0}k",
        };
        assert!(body.contains(evpi), "EVPI {evpi} not in {body}");
        // the footer lists every analysis
        let footer = text(doc.select(&sel("footer")).next().unwrap());
        for schema in ["tornado", "sweep", "threshold", "sobol", "voi"] {
            assert!(footer.contains(&format!("socinv.{schema}/1")), "{footer}");
        }
    }
}

/// The fill and stroke colours (`#RRGGBB`) of the chart titled `title`.
fn chart_colours(doc: &Html, title: &str) -> Vec<String> {
    let svg = doc
        .select(&sel("svg.chart"))
        .find(|svg| text(svg.select(&sel("title")).next().unwrap()) == title)
        .unwrap_or_else(|| panic!("no chart titled {title:?}"));
    let mut colours: Vec<String> = svg
        .descendants()
        .filter_map(|n| n.value().as_element())
        .flat_map(|e| [e.attr("fill"), e.attr("stroke")])
        .flatten()
        .filter(|c| c.starts_with('#'))
        .map(str::to_uppercase)
        .collect();
    colours.sort();
    colours.dedup();
    colours
}

/// The tornado's bars are neither a loss nor a gain: neutral slate grey and sky blue, never the
/// vermillion of a loss or the blue of a gain, which the net's distribution keeps.
#[test]
fn the_tornado_is_in_neutral_colours_and_vermillion_stays_for_losses() {
    const VERMILLION: &str = "#D55E00";
    const GAIN_BLUE: &str = "#0072B2";
    let (_, _, r) = familjestod();
    let html = render_with(r, &sensitivity_values(), &options(Lang::En)).unwrap();
    let doc = Html::parse_document(&html);
    let tornado = chart_colours(&doc, "Which assumptions move the mean net most?");
    for neutral in ["#4D5B6A", "#56B4E9"] {
        assert!(tornado.iter().any(|c| c == neutral), "{tornado:?}");
    }
    for signed in [VERMILLION, GAIN_BLUE] {
        assert!(!tornado.iter().any(|c| c == signed), "{tornado:?}");
    }
    // the shipped scenario's net is below zero in some simulations: the loss side is vermillion
    assert!(r.comparisons[0].net.p5 < 0.0);
    let net = chart_colours(&doc, "How large will the net be?");
    assert!(net.iter().any(|c| c == VERMILLION), "{net:?}");
}

/// The report reads socinv's own outputs into their types: an output with fields missing is
/// refused, naming the input and the field, instead of being guessed at.
#[test]
fn sparse_sobol_and_voi_outputs_are_refused() {
    let (_, _, r) = familjestod();
    for value in [
        json!({"schema": "socinv.voi/1", "evpi": 1000.0}),
        json!({"schema": "socinv.sobol/1", "results": [{"intervention": "not this one"}]}),
        json!({"schema": "socinv.sobol/1"}),
    ] {
        let m = usage_error(r, &[value]);
        assert!(
            m.starts_with("sensitivity input 1 (socinv.") && m.contains("cannot be read"),
            "{m}"
        );
        assert!(
            m.contains("missing field") || m.contains("invalid type"),
            "{m}"
        );
    }
}

fn usage_error(r: &RunResults, values: &[Value]) -> String {
    match render(r, values, Lang::Sv) {
        Err(Error::Usage(m)) => m,
        Err(e) => panic!("expected a usage error, got {e}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn unknown_or_foreign_sensitivity_input_is_an_error() {
    let (_, _, r) = familjestod();
    let m = usage_error(r, &[json!({"schema": "socinv.bogus/1"})]);
    assert!(
        m.contains("socinv.bogus/1") && m.contains("socinv.tornado/1"),
        "{m}"
    );
    let m = usage_error(r, &[json!({"results": []})]);
    assert!(m.contains("no \"schema\""), "{m}");
    let as_value = serde_json::to_value(r).unwrap();
    let m = usage_error(r, &[as_value]);
    assert!(m.contains("socinv.result/1"), "{m}");
    // run on another script: another content hash, or another scenario name
    let mut tornado = sensitivity_values().swap_remove(0);
    tornado["source_hash"] = json!("0123456789abcdef");
    let m = usage_error(r, &[tornado.clone()]);
    assert!(
        m.contains("0123456789abcdef") && m.contains(&r.scenario.source_hash),
        "{m}"
    );
    tornado["source_hash"] = json!(r.scenario.source_hash);
    tornado["scenario"] = json!("Ett annat scenario");
    let m = usage_error(r, &[tornado]);
    assert!(m.contains("Ett annat scenario"), "{m}");
}

/// Without a `socinv voi` output the report still shows the EVPI every run computes, per point
/// of view, with the run's numbers; with one, the fuller VOI section replaces it.
#[test]
fn the_runs_evpi_appears_when_no_voi_output_is_given() {
    let (sc, _, r) = familjestod();
    let html = render_with(r, &[], &options(Lang::En)).unwrap();
    let doc = Html::parse_document(&html);
    let section = doc
        .select(&sel("section#kanslighet"))
        .next()
        .expect("a section for the decision as a whole");
    let rows: Vec<Vec<String>> = section
        .select(&sel("tbody tr"))
        .map(|tr| tr.select(&sel("td")).map(text).collect())
        .collect();
    assert_eq!(rows.len(), r.value_of_information.len());
    assert_eq!(rows.len(), 1 + sc.perspectives.len());
    for (row, v) in rows.iter().zip(&r.value_of_information) {
        assert_eq!(row[1], v.decision);
        // the EVPI, rounded to its MCSE, in SEK m or k
        let figure = row[2]
            .trim_start_matches("SEK")
            .trim_end_matches(['m', 'k'])
            .trim_matches(|c: char| c.is_whitespace() || c == NBSP);
        let shown = parse_number(figure, Lang::En);
        let scale = if row[2].ends_with('m') { 1e6 } else { 1e3 };
        assert!(
            (shown * scale - v.evpi).abs() <= (v.evpi_mcse * 2.0).max(0.05 * scale),
            "{row:?} vs {v:?}"
        );
    }
    let with_voi = render_with(r, &sobol_and_voi(r), &options(Lang::En)).unwrap();
    assert!(!with_voi.contains("EVPI, the assumptions"));
}

/// A Sobol analysis with too small a base (wide intervals) is flagged as too imprecise to read;
/// a precise one is not.
#[test]
fn an_imprecise_sobol_analysis_is_flagged() {
    let (_, _, r) = familjestod();
    let [sobol, _] = sobol_and_voi(r);
    let html = render_with(r, std::slice::from_ref(&sobol), &options(Lang::En)).unwrap();
    assert!(!html.contains("too imprecise"));
    let mut wide = sobol;
    wide["results"][0]["indices"][1]["total_ci"] = json!([0.05, 0.9]);
    let html = render_with(r, &[wide], &options(Lang::En)).unwrap();
    assert!(html.contains("too imprecise to read"));
}

/// A scenario whose every text field holds a `<script>` element: names, labels, units,
/// sources, the currency, the description and the notes.
const ALL_SCRIPT: &str = r#"
// Notes: <script>notes</script>
scenario(#{ name: "<script>name</script>", description: "<script>description</script>",
            currency: "<script>currency</script>", horizon: 3, cohort: 20,
            decision_perspective: "<script>k</script>" });
actor("<script>k</script>", #{ label: "<script>actor label</script>" });
actor("<script>s</script>");
state("<script>a</script>", #{ label: "<script>state label</script>" });
state("<script>b</script>");
start(#{ "<script>a</script>": 1.0 });
subgroup("<script>group</script>", 0.3);
let p = param("<script>p</script>", beta_mean_sd(0.3, 0.05),
              #{ label: "<script>param label</script>", unit: "<script>unit</script>",
                 source: "<script>source</script>" });
intervention("<script>i</script>", #{ startup: 20000, per_participant: 5000, years: 1,
             funded_by: #{ "<script>k</script>": 1.0 } });
transition("<script>a</script>", "<script>b</script>",
           p * if_else(arm_is("<script>i</script>"), 0.7, 1));
cost("<script>b</script>", "<script>k</script>", 300000);
cost("<script>b</script>", "<script>s</script>", 50000);
entry_outcome("<script>o</script>", "<script>b</script>", 1,
              #{ label: "<script>outcome label</script>", unit: "<script>ounit</script>" });
"#;

#[test]
fn a_scenario_whose_every_text_holds_a_script_renders_it_as_text() {
    let sc = scenario(ALL_SCRIPT);
    let (_, r) = run(&sc, 200, 1);
    for lang in [Lang::Sv, Lang::En] {
        let html = render_with(&r, &[], &options(lang)).unwrap();
        // no <script> element at all: every field came out escaped
        assert_self_contained(&html);
        let doc = Html::parse_document(&html);
        assert_eq!(doc.select(&sel("script")).count(), 0);
        let shown: String = doc.root_element().text().collect();
        for field in [
            "name",
            "description",
            "currency",
            "actor label",
            "state label",
            "param label",
            "unit",
            "source",
            "i",
            "group",
            "outcome label",
            "notes",
        ] {
            let tag = format!("<script>{field}</script>");
            assert!(shown.contains(&tag), "{tag} not shown as text ({lang:?})");
        }
        // the currency, the one field the hand-written HTML once missed, in the amounts too
        let head = text(doc.select(&sel(".headline")).next().unwrap());
        if lang == Lang::En {
            assert!(head.contains("<script>currency</script>"), "{head}");
        }
    }
}
