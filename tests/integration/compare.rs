//! Comparing interventions with each other: decision tables and pairwise differences on models
//! whose answers are known exactly.

use crate::common::{assert_within_4_mcse, folder, run, scenario, socinv_in};
use socinv::compare::{DecisionTable, OptionAssessment};
use socinv::samples::RunSamples;
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

/// One person, one year: ordinary practice costs 1000; A saves 400, B 700, deterministically.
const DETERMINISTIC: &str = r#"
scenario(#{ name: "two fixed", horizon: 1, cohort: 1 });
actor("kommun");
state("s");
start(#{ s: 1.0 });
intervention("A", #{});
intervention("B", #{});
cost("s", "kommun", 1000 - 400 * arm_is("A") - 700 * arm_is("B"));
"#;

/// The net of A is c ~ normal(mu, sigma), of B exactly c + 100: B always beats A by 100.
fn shifted(mu: f64, sigma: f64, order: [&str; 2]) -> String {
    let decl: String = order
        .iter()
        .map(|n| format!("intervention(\"{n}\", #{{}});\n"))
        .collect();
    format!(
        r#"
scenario(#{{ name: "shifted", horizon: 1, cohort: 1 }});
actor("kommun");
state("s");
start(#{{ s: 1.0 }});
let c = param("c", normal({mu}, {sigma}));
{decl}cost("s", "kommun", 100000 - c * arm_is("A") - (c + 100) * arm_is("B"));
"#
    )
}

/// A Markov model with cohort chance and two interventions, declared in the given order.
fn markov(order: [&str; 2]) -> String {
    let program = |n: &str| match n {
        "A" => {
            r#"intervention("A", #{ startup: 200000, per_participant: 20000, years: 2, funded_by: #{ kommun: 1.0 } });"#
        }
        _ => {
            r#"intervention("B", #{ startup: 100000, per_participant: 35000, years: 1, funded_by: #{ kommun: 1.0 } });"#
        }
    };
    format!(
        r#"
scenario(#{{ name: "markov", horizon: 6, cohort: 40, discount_rate: 0.03 }});
actor("kommun");
actor("staten");
perspective("kommunen", ["kommun"]);
state("utanför");
state("arbete");
start(#{{ "utanför": 1.0 }});
let p = param("p_arbete", beta_mean_sd(0.2, 0.05));
let rr = param("rr", lognormal_ci(1.4, 1.0, 2.0));
let k = param("kostnad", gamma_mean_sd(100000, 30000));
{}
{}
transition("utanför", "arbete", min(p * effect(rr * (1 + 0.2 * arm_is("B")), 0.3), 1.0));
transition("arbete", "utanför", 0.1);
cost("utanför", "kommun", 0.4 * k);
cost("utanför", "staten", 0.6 * k);
"#,
        program(order[0]),
        program(order[1])
    )
}

fn option<'a>(d: &'a DecisionTable, name: &str) -> &'a OptionAssessment {
    d.options
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no option {name}"))
}

#[test]
fn deterministic_nets_give_certain_choices_and_exact_losses() {
    let sc = scenario(DETERMINISTIC);
    let (_, r) = run(&sc, 200, 1);
    let oc = r.option_comparison.as_ref().expect("two interventions");
    let d = &oc.decisions[0];
    assert_eq!(d.point_of_view, "all actors");
    assert_eq!(d.best, "B");
    let base = &sc.arms[0].name;
    for (name, net, p_best, loss) in [
        (base.as_str(), 0.0, 0.0, 700.0),
        ("A", 400.0, 0.0, 300.0),
        ("B", 700.0, 1.0, 0.0),
    ] {
        let o = option(d, name);
        assert_eq!(o.expected_net, net, "{name}");
        assert_eq!(o.prob_best.p, p_best, "{name}");
        assert_eq!(o.expected_loss, loss, "{name}");
        assert_eq!(o.expected_loss_mcse, 0.0, "{name}");
    }
    assert_eq!(d.evpi, 0.0);
    assert_eq!(d.prob_tie.p, 0.0);
    // P(best) of 1 of 200 is not certain: its Wilson interval is open below
    assert!(option(d, "B").prob_best.ci[0] < 1.0);
    let ab = oc
        .pairwise
        .iter()
        .find(|p| p.point_of_view == "all actors" && p.a == "A" && p.b == "B")
        .unwrap();
    assert_eq!(ab.difference.mean, -300.0);
    assert_eq!((ab.difference.p5, ab.difference.p95), (-300.0, -300.0));
    assert_eq!((ab.prob_a_better.p, ab.prob_b_better.p), (0.0, 1.0));
    let ba = ab.reversed();
    assert_eq!((ba.a.as_str(), ba.difference.mean), ("B", 300.0));
    assert_eq!(ba.prob_a_better.p, 1.0);
    // the actor kommun carries everything: its table is the same
    assert_eq!(oc.decisions_by_actor[0].point_of_view, "kommun");
    assert_eq!(oc.decisions_by_actor[0].best, "B");
}

#[test]
fn ties_are_split_between_the_options_sharing_the_highest_net() {
    // A and B both save exactly 500: each is best in half of every iteration
    let sc = scenario(
        &DETERMINISTIC
            .replace("700 * arm_is", "500 * arm_is")
            .replace("400 * arm_is", "500 * arm_is"),
    );
    let (_, r) = run(&sc, 100, 1);
    let d = &r.option_comparison.as_ref().unwrap().decisions[0];
    assert_eq!(option(d, "A").prob_best.p, 0.5);
    assert_eq!(option(d, "B").prob_best.p, 0.5);
    assert_eq!(d.prob_tie.p, 1.0);
    assert_eq!(d.best, "A", "the earlier declared wins a tie of the means");
    let sum: f64 = d.options.iter().map(|o| o.prob_best.p).sum();
    assert_eq!(sum, 1.0);
}

/// E[max(X, 0)] for X ~ normal(μ, σ).
fn positive_part(mu: f64, sigma: f64) -> f64 {
    let std = Normal::new(0.0, 1.0).unwrap();
    sigma * std.pdf(mu / sigma) + mu * std.cdf(mu / sigma)
}

#[test]
fn normal_nets_match_their_closed_forms_within_4_mcse() {
    let (mu, sigma, n) = (-50.0, 300.0, 20_000);
    let sc = scenario(&shifted(mu, sigma, ["A", "B"]));
    let (_, r) = run(&sc, n, 3);
    let oc = r.option_comparison.as_ref().unwrap();
    let d = &oc.decisions[0];
    let base = sc.arms[0].name.clone();
    // B = c + 100 ~ normal(100, 300); the best net of an iteration is max(0, B)
    let top = positive_part(mu + 100.0, sigma);
    let std = Normal::new(0.0, 1.0).unwrap();
    let (o, a, b) = (option(d, &base), option(d, "A"), option(d, "B"));
    assert_eq!(
        a.prob_best.p, 0.0,
        "A is never best: B beats it by 100 in every iteration"
    );
    let p_b = std.cdf((mu + 100.0) / sigma);
    assert!(
        (b.prob_best.ci[0]..=b.prob_best.ci[1]).contains(&p_b),
        "P(B best) {:?} should cover {p_b}",
        b.prob_best
    );
    assert_within_4_mcse(
        "loss of ordinary practice",
        (o.expected_loss, o.expected_loss_mcse),
        top,
    );
    assert_within_4_mcse(
        "loss of A",
        (a.expected_loss, a.expected_loss_mcse),
        top - mu,
    );
    assert_within_4_mcse(
        "loss of B",
        (b.expected_loss, b.expected_loss_mcse),
        top - (mu + 100.0),
    );
    assert_eq!(d.best, "B");
    // the best option's expected loss is the EVPI, as the value of information computes it
    let voi = &r.value_of_information[0];
    assert_eq!(voi.decision, "B");
    assert!(
        (voi.evpi - d.evpi).abs() <= 1e-9 * voi.evpi.abs().max(1.0),
        "EVPI {} vs best option's expected loss {}",
        voi.evpi,
        d.evpi
    );
    assert!((voi.evpi_mcse - d.evpi_mcse).abs() <= 1e-9 * voi.evpi_mcse.max(1.0));
    let ab = oc
        .pairwise
        .iter()
        .find(|p| p.a == "A" && p.b == "B")
        .unwrap();
    assert!(
        (ab.difference.mean + 100.0).abs() < 1e-6,
        "{}",
        ab.difference.mean
    );
    assert!(ab.difference.sd < 1e-6);
    assert_eq!(ab.prob_b_better.p, 1.0);
}

#[test]
fn the_order_the_interventions_are_declared_in_does_not_matter() {
    let (_, ab) = run(&scenario(&markov(["A", "B"])), 2_000, 7);
    let (_, ba) = run(&scenario(&markov(["B", "A"])), 2_000, 7);
    let (ab, ba) = (ab.option_comparison.unwrap(), ba.option_comparison.unwrap());
    for (x, y) in ab
        .decisions
        .iter()
        .chain(&ab.decisions_by_actor)
        .zip(ba.decisions.iter().chain(&ba.decisions_by_actor))
    {
        assert_eq!(x.point_of_view, y.point_of_view);
        assert_eq!(x.best, y.best);
        assert_eq!(x.evpi, y.evpi);
        for o in &x.options {
            assert_eq!(o, option(y, &o.name), "{}", x.point_of_view);
        }
    }
    for p in &ab.pairwise {
        let q = ba
            .pairwise
            .iter()
            .find(|q| q.point_of_view == p.point_of_view && q.a == p.b && q.b == p.a)
            .map(|q| q.reversed())
            .or_else(|| {
                ba.pairwise
                    .iter()
                    .find(|q| q.point_of_view == p.point_of_view && q.a == p.a && q.b == p.b)
                    .cloned()
            })
            .unwrap();
        // the same per-iteration differences, summed in another order or negated
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(1.0);
        assert!(
            close(p.difference.mean, q.difference.mean),
            "{p:?} vs {q:?}"
        );
        assert!(close(p.difference.p5, q.difference.p5), "{p:?} vs {q:?}");
        assert!(close(p.difference.p95, q.difference.p95), "{p:?} vs {q:?}");
        assert_eq!(p.prob_a_better, q.prob_a_better);
    }
}

#[test]
fn with_one_intervention_there_is_no_decision_table() {
    let src = DETERMINISTIC
        .replace("intervention(\"B\", #{});\n", "")
        .replace(" - 700 * arm_is(\"B\")", "");
    let sc = scenario(&src);
    let (_, r) = run(&sc, 50, 1);
    assert!(r.option_comparison.is_none());
    let json = socinv::report::json(&r);
    assert!(!json.contains("option_comparison"));
    let text = socinv::report::summary_text(&r);
    assert!(!text.contains("Comparing the options"));
}

#[test]
fn the_summary_shows_the_decision_table_within_100_columns() {
    let (_, r) = run(&scenario(&markov(["A", "B"])), 500, 1);
    let text = socinv::report::summary_text(&r);
    assert!(
        text.contains("Comparing the options with each other"),
        "{text}"
    );
    assert!(text.contains("A  −  B"), "{text}");
    let start = text.find("Comparing the options").unwrap();
    let end = start
        + text[start..]
            .find("Value of perfect information for the choice among all options")
            .unwrap();
    for line in text[start..end].lines() {
        assert!(line.chars().count() <= 100, "too wide: {line}");
    }
    assert!(
        text[start..end].contains("kommunen"),
        "a table per perspective"
    );
    let reversed = socinv::report::summary_text_comparing(&r, Some(("B", "A")));
    assert!(
        reversed.contains("B  −  A") && !reversed.contains("A  −  B"),
        "{reversed}"
    );
    // the JSON reads back with the comparison
    let back = socinv::results::RunResults::from_json(
        serde_json::from_str(&socinv::report::json(&r)).unwrap(),
    )
    .unwrap();
    let (back, now) = (
        back.option_comparison.unwrap(),
        r.option_comparison.unwrap(),
    );
    assert_eq!(back.pairwise.len(), now.pairwise.len());
    for (x, y) in back.decisions.iter().zip(&now.decisions) {
        assert_eq!((&x.point_of_view, &x.best), (&y.point_of_view, &y.best));
        assert!((x.evpi - y.evpi).abs() <= 1e-9 * y.evpi.abs().max(1.0));
    }
}

#[test]
fn run_compare_prints_the_pair_and_refuses_an_unknown_option() {
    let dir = folder(&[("s.rhai", DETERMINISTIC)]);
    let ok = socinv_in(
        dir.path(),
        &["run", "s.rhai", "-n", "100", "--compare", "B", "A"],
    );
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    assert!(ok.stdout.contains("B  −  A"), "{}", ok.stdout);
    let bad = socinv_in(
        dir.path(),
        &[
            "run",
            "s.rhai",
            "-n",
            "100",
            "--compare",
            "A",
            "C",
            "--json",
            "r.json",
        ],
    );
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert!(
        bad.stderr.contains("\"C\" is not an option"),
        "{}",
        bad.stderr
    );
    assert!(!dir.path().join("r.json").exists());
}

#[test]
fn the_report_and_the_workbook_show_the_options_compared() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    // a name that needs escaping in HTML
    let src = DETERMINISTIC.replace("\"B\"", "\"B <&> 'x'\"");
    let sc = scenario(&src);
    let (its, r) = run(&sc, 200, 1);
    for (lang, title, best) in [
        (
            socinv::report::html::Lang::Sv,
            "Vilket alternativ är bäst?",
            "(bäst)",
        ),
        (
            socinv::report::html::Lang::En,
            "Which option is best?",
            "(best)",
        ),
    ] {
        let html = socinv::report::html::render(&r, &[], lang).unwrap();
        let section = &html[html.find("id=\"val\"").expect("the section")..];
        assert!(section.contains(title), "{lang:?}");
        // maud escapes text structurally: &, < and > (a ' in text content is harmless)
        assert!(section.contains("B &lt;&amp;&gt; 'x'"), "{lang:?}");
        assert!(section.contains(&format!("<b>{best}</b>")), "{lang:?}");
        assert!(!html.contains("B <&>"), "unescaped name");
        assert!(html.contains("href=\"#val\""));
    }
    let bytes =
        socinv::report::xlsx::workbook(&r, Some((&sc, &RunSamples::of(&sc, &its)))).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert!(
        book.sheet_names()
            .contains(&socinv::report::xlsx::OPTIONS_SHEET.to_string())
    );
    let range = book
        .worksheet_range(socinv::report::xlsx::OPTIONS_SHEET)
        .unwrap();
    let row = (0..range.height())
        .find(|&i| matches!(range.get((i, 2)), Some(Data::String(s)) if s == "A"))
        .expect("the row of A");
    let num = |c: usize| match range.get((row, c)) {
        Some(Data::Float(v)) => *v,
        other => panic!("column {c}: {other:?}"),
    };
    assert_eq!((num(3), num(4), num(6), num(9)), (0.0, 400.0, 0.0, 300.0));
    // one intervention: no such sheet
    let one = DETERMINISTIC
        .replace("intervention(\"B\", #{});\n", "")
        .replace(" - 700 * arm_is(\"B\")", "");
    let sc1 = scenario(&one);
    let (its1, r1) = run(&sc1, 20, 1);
    let bytes =
        socinv::report::xlsx::workbook(&r1, Some((&sc1, &RunSamples::of(&sc1, &its1)))).unwrap();
    let book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert!(
        !book
            .sheet_names()
            .contains(&socinv::report::xlsx::OPTIONS_SHEET.to_string())
    );
    let html = socinv::report::html::render(&r1, &[], socinv::report::html::Lang::En).unwrap();
    assert!(!html.contains("id=\"val\""));
}

/// 50 people in a Markov model with cohort chance: from "a" to "b" (cost 1000 a year) with
/// probability 0.3 under ordinary practice, 0.2 with A and 0.1 with B, no program cost.
const COHORT: &str = r#"
scenario(#{ name: "cohort", horizon: 2, cohort: 50, discount_rate: 0.0 });
actor("kommun");
state("a");
state("b");
start(#{ a: 1.0 });
intervention("A", #{});
intervention("B", #{});
transition("a", "b", 0.3 - 0.1 * arm_is("A") - 0.2 * arm_is("B"));
cost("b", "kommun", 1000);
"#;

#[test]
fn a_markov_cohort_matches_its_exact_expectation_and_pairs_by_iteration() {
    let sc = scenario(COHORT);
    let (its, r) = run(&sc, 4_000, 11);
    let oc = r.option_comparison.as_ref().unwrap();
    let d = &oc.decisions[0];
    // exact: 50 people × 1000 × the lowered probability, in year 1 (undiscounted)
    for (name, exact) in [("A", 5_000.0), ("B", 10_000.0)] {
        let o = option(d, name);
        assert_within_4_mcse(name, (o.expected_net, o.expected_net_mcse), exact);
    }
    let ab = oc
        .pairwise
        .iter()
        .find(|p| p.point_of_view == "all actors" && p.a == "A" && p.b == "B")
        .unwrap();
    assert_within_4_mcse("A − B", (ab.difference.mean, ab.difference.mcse), -5_000.0);
    // the MCSE is that of the per-iteration difference (common random numbers), not of two
    // independent means
    let a = socinv::results::ComparisonSamples::new(&sc, &its, 1).net;
    let b = socinv::results::ComparisonSamples::new(&sc, &its, 2).net;
    let (mean, mcse) = crate::common::mean_mcse(a.iter().zip(&b).map(|(x, y)| x - y));
    assert!((ab.difference.mean - mean).abs() < 1e-9 * mean.abs());
    assert!((ab.difference.mcse - mcse).abs() < 1e-9 * mcse);
    let unpaired = (option(d, "A").expected_net_mcse.powi(2)
        + option(d, "B").expected_net_mcse.powi(2))
    .sqrt();
    assert!(mcse < unpaired, "paired {mcse} vs unpaired {unpaired}");
    // the decision table agrees with the comparisons against ordinary practice
    let net_a = r.comparisons[0].net.mean;
    assert!((option(d, "A").expected_net - net_a).abs() < 1e-9 * net_a.abs());
    let sum: f64 = d.options.iter().map(|o| o.prob_best.p).sum();
    assert!((sum - 1.0).abs() < 1e-12, "P(best) adds up to 1: {sum}");
}
