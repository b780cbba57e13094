//! The budget year by year in the HTML report: its tables hold the results' `BudgetYear`
//! values as the report formats amounts, shares and ranges; calendar years where the scenario
//! gives `first_year`, "år 1" where it does not; the sentence above the chart follows the signs
//! of the yearly nets; the chart is labelled; the actors come kommun first; English too.

use crate::common::{run, scenario};
use scraper::{ElementRef, Html, Selector};
use socinv::report::html::fmt::{Money, percent_ci};
use socinv::report::html::{Lang, Options, render_with};
use socinv::results::{BudgetLine, PointOfViewKind, RunResults};
use std::path::Path;
use std::sync::OnceLock;

const NBSP: char = '\u{a0}';

/// Everyone stays in one state and takes part, for 10 people. The kommun pays 3/4 of the
/// program (4 000 + 10 × 1 000 in year 0, 10 × 1 000 in year 1) and 10 × 700 less in
/// transfers each year: its net is −3 500, −500 and 7 000 kr. The region, declared first,
/// pays 1/4 and saves 10 × 3 000 a year; the individual receives 10 × 700 less.
const DETERMINISTIC: &str = r#"
scenario(#{ name: "Budget", horizon: 3, cohort: 10, discount_rate: 0.05, first_year: 2027,
            price_year: 2024, decision_perspective: "kommun" });
state("vard");
actor("region"); actor("kommun"); actor("individen");
perspective("offentlig sektor", ["kommun", "region"]);
society_perspective("samhället");
start(#{ vard: 1.0 });
intervention("Insats", #{ startup: 4000, per_participant: 1000, years: 2, uptake: 1.0,
                          funded_by: #{ kommun: 0.75, region: 0.25 } });
cost("vard", "region", 5000 - 3000 * arm_is("Insats"));
transfer("vard", "kommun", 1000 - 700 * arm_is("Insats"));
transfer("vard", "individen", -1000 + 700 * arm_is("Insats"));
"#;

const KOMMUN_NET: [f64; 3] = [-3_500.0, -500.0, 7_000.0];

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>()
}

fn render(r: &RunResults, lang: Lang) -> Html {
    let options = Options {
        lang,
        date: None,
        net_samples: Vec::new(),
    };
    Html::parse_document(&render_with(r, &[], &options).expect("the report renders"))
}

/// The shipped family-support scenario (which starts in a calendar year), run once.
fn familjestod() -> &'static RunResults {
    static RUN: OnceLock<RunResults> = OnceLock::new();
    RUN.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/familjestod.rhai");
        let sc = socinv::script::load_scenario(&path).expect("the shipped scenario loads");
        run(&sc, 600, 4).1
    })
}

/// The rows of a table as cell texts (header row left out).
fn rows(table: ElementRef) -> Vec<Vec<String>> {
    table
        .select(&sel("tbody tr"))
        .map(|tr| tr.select(&sel("td")).map(text).collect())
        .collect()
}

/// An amount as the report writes it ("−2,90 mnkr", "SEK 127 k") read back in kronor, with
/// half its rounding step.
fn read_amount(s: &str, lang: Lang) -> (f64, f64) {
    let scale = if s.contains("mnkr") || s.ends_with(" m") || s.ends_with(&format!("{NBSP}m")) {
        1e6
    } else if s.contains("tkr") || s.ends_with(" k") || s.ends_with(&format!("{NBSP}k")) {
        1e3
    } else {
        1.0
    };
    let figure: String = s
        .replace("SEK", "")
        .replace("mnkr", "")
        .replace("tkr", "")
        .replace("kr", "")
        .trim_end_matches(['m', 'k'])
        .chars()
        .filter(|c| !matches!(*c, ' ' | NBSP))
        .map(|c| match c {
            '\u{2212}' => '-',
            ',' if lang == Lang::Sv => '.',
            c => c,
        })
        .filter(|c| lang == Lang::Sv || *c != ',')
        .collect();
    let decimals = figure.split_once('.').map_or(0, |(_, f)| f.len());
    let v: f64 = figure
        .parse()
        .unwrap_or_else(|_| panic!("\"{s}\" is not an amount"));
    (v * scale, 0.5 * 10f64.powi(-(decimals as i32)) * scale)
}

/// `cell` is the mean `exact` rounded: to its last decimal, to three significant digits (whole
/// kronor "6 350 kr" may be rounded to tens) or to the decade of its MCSE `mcse`.
fn assert_amount(cell: &str, lang: Lang, exact: f64, mcse: f64) {
    let (v, half_step) = read_amount(cell, lang);
    let tolerance = half_step.max(0.005 * exact.abs()).max(5.0 * mcse);
    assert!(
        (v - exact).abs() <= tolerance + 1e-9 * exact.abs(),
        "{cell} shows {v}, the results hold {exact}"
    );
}

fn decision_line(r: &RunResults) -> &BudgetLine {
    r.comparisons[0]
        .decision_budget()
        .expect("the results hold the decision perspective's budget")
}

/// Per year: invested, avoided, net, its range, P(net > 0) and the present value, as the
/// report formats them; the sum row; read back, the amounts are the results' to their rounding.
fn check_decision_table(doc: &Html, r: &RunResults, lang: Lang, labels: &[String]) {
    let money = Money::new(lang, &r.scenario.currency);
    let line = decision_line(r);
    let table = doc.select(&sel("section.budget table.budget")).next();
    let rows = rows(table.expect("the decision perspective's budget table"));
    assert_eq!(
        rows.len(),
        line.years.len() + 1,
        "one row per year and a sum"
    );
    for ((row, y), label) in rows.iter().zip(&line.years).zip(labels) {
        let expected = [
            label.clone(),
            money.mean(y.invested.mean, y.invested.mcse),
            money.mean(y.avoided.mean, y.avoided.mcse),
            money.mean(y.net.mean, y.net.mcse),
            money.quantile_range(&y.net),
            percent_ci(lang, y.prob_net_positive, y.prob_net_positive_ci),
            money.mean(y.net_discounted.mean, y.net_discounted.mcse),
        ];
        assert_eq!(row, &expected, "{label}");
        for (cell, s) in [(3, &y.net), (6, &y.net_discounted)] {
            assert_amount(&row[cell], lang, s.mean, s.mcse);
        }
    }
    let sum = rows.last().unwrap();
    let total: f64 = line.years.iter().map(|y| y.net.mean).sum();
    let mcse: f64 = line.years.iter().map(|y| y.net.mcse).sum();
    assert_amount(&sum[3], lang, total, mcse);
    let decision = r.comparisons[0].decision_net().net;
    assert_eq!(sum[6], money.mean(decision.mean, decision.mcse));
    let present: f64 = line.years.iter().map(|y| y.net_discounted.mean).sum();
    assert!((present - decision.mean).abs() <= 1e-6 * decision.mean.abs().max(1.0));
}

#[test]
fn the_budget_tables_hold_the_results_budget_as_the_report_formats_it() {
    let r = familjestod();
    let c = &r.comparisons[0];
    for lang in [Lang::Sv, Lang::En] {
        let doc = render(r, lang);
        let sections: Vec<ElementRef> = doc.select(&sel("section.budget")).collect();
        assert_eq!(sections.len(), r.comparisons.len());
        // within its intervention's section, after who pays and who gains
        let intervention = doc.select(&sel("section.intervention")).next().unwrap();
        let headings: Vec<String> = intervention.select(&sel("h3")).map(text).collect();
        let (actors, budget) = match lang {
            Lang::Sv => ("Vem betalar och vem vinner?", "Budgeten år för år"),
            Lang::En => ("Who pays and who gains?", "The budget year by year"),
        };
        let at = |h: &str| headings.iter().position(|x| x == h).expect(h);
        assert_eq!(at(budget), at(actors) + 1, "{headings:?}");
        let first = r
            .scenario
            .first_year
            .expect("the scenario gives first_year");
        let labels: Vec<String> = (first..first + r.scenario.horizon_years as i32)
            .map(|y| y.to_string())
            .collect();
        check_decision_table(&doc, r, lang, &labels);
        // the actors: the kommun first, each year's mean net and its range
        let money = Money::new(lang, &r.scenario.currency);
        let table = doc.select(&sel("table.budget-actors")).next().unwrap();
        let heads: Vec<String> = table.select(&sel("thead th")).map(text).collect();
        assert_eq!(
            heads[1..],
            r.scenario.actors[..],
            "kommun is the first actor here"
        );
        let rows = rows(table);
        for (a, actor) in r.scenario.actors.iter().enumerate() {
            let line = c.budget_line(PointOfViewKind::Actor, actor).unwrap();
            for (row, y) in rows.iter().zip(&line.years) {
                let expected = format!(
                    "{}{}",
                    money.mean(y.net.mean, y.net.mcse),
                    money.quantile_range(&y.net)
                );
                assert_eq!(row[a + 1], expected, "{actor}");
            }
        }
        // the chart, labelled, with the calendar years on its axis and in its description
        let svg = sections[0].select(&sel("svg")).next().expect("a chart");
        let title = text(svg.select(&sel("title")).next().unwrap());
        let desc = text(svg.select(&sel("desc")).next().unwrap());
        let who = match lang {
            Lang::Sv => "Nettot år för år för kommunen",
            Lang::En => "The net year by year for the kommun",
        };
        assert_eq!(title, who);
        let ticks: Vec<String> = svg
            .select(&sel("text"))
            .map(|t| text(t).trim().to_string())
            .collect();
        for label in &labels {
            assert!(desc.contains(label.as_str()), "{label} not in {desc}");
        }
        assert!(ticks.contains(&labels[0]), "{ticks:?}");
        let first = &decision_line(r).years[0].net;
        assert!(
            desc.contains(&money.mean(first.mean, first.mcse)),
            "the first year's net not in {desc}"
        );
    }
}

#[test]
fn the_sentence_says_when_the_kommun_pays_and_when_it_gains() {
    let sc = scenario(DETERMINISTIC);
    let (_, r) = run(&sc, 20, 1);
    let line = decision_line(&r);
    for (y, exact) in line.years.iter().zip(KOMMUN_NET) {
        assert!((y.net.mean - exact).abs() < 1e-6 && y.net.p5 == y.net.p95);
    }
    for (lang, expected) in [
        (
            Lang::Sv,
            "För kommunen är nettot negativt de första två åren (2027–2028) och positivt från \
             2029; störst utgift 2027: −3\u{a0}500\u{a0}kr.",
        ),
        (
            Lang::En,
            "For the kommun the net is negative in the first two years (2027–2028) and \
             positive from 2029; largest outlay in 2027: SEK\u{a0}−3,500.",
        ),
    ] {
        let doc = render(&r, lang);
        let section = doc.select(&sel("section.budget")).next().unwrap();
        let sentence = text(section.select(&sel("p.sentence")).next().unwrap());
        assert_eq!(sentence, expected);
        let desc = text(section.select(&sel("svg desc")).next().unwrap());
        assert!(desc.starts_with(expected), "{desc}");
        let labels = ["2027", "2028", "2029"].map(String::from);
        check_decision_table(&doc, &r, lang, &labels);
        // exact amounts, and the actors in the order kommun, region, individen
        let table = doc.select(&sel("table.budget-actors")).next().unwrap();
        let heads: Vec<String> = table.select(&sel("thead th")).map(text).collect();
        assert_eq!(heads[1..], ["kommun", "region", "individen"]);
        // each cell's first line is the mean (the range under it)
        let means: Vec<Vec<String>> = table
            .select(&sel("tbody tr"))
            .map(|tr| {
                tr.select(&sel("td"))
                    .map(|td| td.text().next().unwrap_or("").to_string())
                    .collect()
            })
            .collect();
        for (row, exact) in means.iter().zip(KOMMUN_NET) {
            assert_amount(&row[1], lang, exact, 0.0);
        }
        assert_amount(&means[3][1], lang, KOMMUN_NET.iter().sum(), 0.0);
        assert_amount(&means[0][2], lang, 30_000.0 - 3_500.0, 0.0);
    }
}

#[test]
fn without_first_year_the_years_read_ar_1_ar_2() {
    let sc = scenario(&DETERMINISTIC.replace(" first_year: 2027,", ""));
    let (_, r) = run(&sc, 20, 1);
    assert_eq!(r.scenario.first_year, None);
    for (lang, year, sentence) in [
        (
            Lang::Sv,
            "år",
            "För kommunen är nettot negativt de första två åren (år\u{a0}1–2) och positivt från \
             år\u{a0}3; störst utgift år\u{a0}1:",
        ),
        (
            Lang::En,
            "year",
            "For the kommun the net is negative in the first two years (years\u{a0}1–2) and \
             positive from year\u{a0}3; largest outlay in year\u{a0}1:",
        ),
    ] {
        let doc = render(&r, lang);
        let section = doc.select(&sel("section.budget")).next().unwrap();
        let labels: Vec<String> = (1..=3).map(|k| format!("{year}{NBSP}{k}")).collect();
        check_decision_table(&doc, &r, lang, &labels);
        let statement = text(section.select(&sel("p.sentence")).next().unwrap());
        assert!(statement.starts_with(sentence), "{statement}");
        let ticks: Vec<String> = section
            .select(&sel("svg text"))
            .map(|t| text(t).trim().to_string())
            .collect();
        assert!(ticks.contains(&labels[0]), "{ticks:?}");
        assert!(!text(section).contains("2027"));
    }
}

/// Years whose signs change more than once are listed run by run.
#[test]
fn yearly_nets_that_change_sign_twice_are_listed_year_by_year() {
    let sc = scenario(DETERMINISTIC);
    let (_, mut r) = run(&sc, 20, 1);
    let c = &mut r.comparisons[0];
    let kommun = c
        .budget
        .iter_mut()
        .find(|l| l.kind == PointOfViewKind::Actor && l.name == "kommun")
        .unwrap();
    for (y, v) in kommun.years.iter_mut().zip([-2_000.0, 1_000.0, -4_000.0]) {
        (y.net.mean, y.net.p5, y.net.p95) = (v, v - 500.0, v + 500.0);
    }
    let doc = render(&r, Lang::Sv);
    let statement = text(
        doc.select(&sel("section.budget p.sentence"))
            .next()
            .unwrap(),
    );
    assert_eq!(
        statement,
        "För kommunen är nettot negativt 2027, positivt 2028 och negativt 2029; störst utgift \
         2029: mellan −4\u{a0}500 och −3\u{a0}500\u{a0}kr."
    );
}

#[test]
fn results_without_a_budget_get_no_budget_section() {
    let sc = scenario(DETERMINISTIC);
    let (_, mut r) = run(&sc, 20, 1);
    assert!(
        render(&r, Lang::Sv)
            .select(&sel("section.budget"))
            .next()
            .is_some()
    );
    r.comparisons[0].budget.clear();
    let doc = render(&r, Lang::Sv);
    assert!(doc.select(&sel("section.budget")).next().is_none());
    assert!(doc.select(&sel("section.intervention")).next().is_some());
}
