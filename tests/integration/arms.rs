//! What the comparison of arms rests on: the coupling of a person's paths in two arms (its law
//! depends on the two rows only, not on the order of declarations), program costs evaluated per
//! subgroup and year and charged only where the program is given, known caseloads, and the
//! domains checked in every iteration.

use crate::common::{assert_within_4_mcse, load_error, mean_mcse, run, scenario, settings};
use socinv::results::ComparisonSamples;
use socinv::sim::simulate;

/// From A: ordinary practice → B 0.3, → C 0.3; participants → B 0.2, → C 0.4; a year in B
/// costs 1000, in C 3000; no parameter uncertainty. `order` lists the three states.
fn two_rows(order: [&str; 3]) -> String {
    let states: String = order.iter().map(|s| format!("state(\"{s}\");\n")).collect();
    format!(
        r#"scenario(#{{ name: "coupling", horizon: 2, cohort: 100, discount_rate: 0 }});
actor("kommun");
{states}start(#{{ A: 1.0 }});
intervention("x", #{{ startup: 0 }});
transition("A", "B", if_else(treated(), 0.2, 0.3));
transition("A", "C", if_else(treated(), 0.4, 0.3));
cost("B", "kommun", 1000);
cost("C", "kommun", 3000);
"#
    )
}

/// Sample sd of the net over the iterations.
fn net_sd(source: &str, iterations: usize) -> (f64, f64) {
    let sc = scenario(source);
    let (its, _) = run(&sc, iterations, 7);
    let net = ComparisonSamples::new(&sc, &its, 1).net;
    let (mean, _) = mean_mcse(net.iter().copied());
    let var = net.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (net.len() - 1) as f64;
    (mean, var.sqrt())
}

/// Under the maximal coupling the only people whose paths differ are the 0.1 moved from B to C:
/// per person the net is −2000 with probability 0.1, else 0 (mean −200, variance 360,000), so
/// for 100 people the net has mean −20,000 and sd 6,000, in whichever order the states come.
/// (Inverse transform over the rows in declaration order gave sd 6,000 for A, B, C but 9,800
/// for B, A, C.)
#[test]
fn the_spread_of_the_net_does_not_depend_on_the_order_of_the_states() {
    let n = 4000;
    for order in [["A", "B", "C"], ["B", "A", "C"], ["C", "B", "A"]] {
        let (mean, sd) = net_sd(&two_rows(order), n);
        // sd of the mean: 6000/√n ≈ 95; relative sd of a sample sd ≈ 1/√(2n) ≈ 1.1 %
        assert!(
            (mean + 20_000.0).abs() < 4.0 * 6000.0 / (n as f64).sqrt(),
            "{order:?}: mean {mean}"
        );
        assert!(
            (sd - 6000.0).abs() < 0.05 * 6000.0,
            "{order:?}: sd {sd}, exact 6000"
        );
    }
}

/// Uptake and the cost per participant are evaluated per subgroup and year: a program for the
/// 20 % high-risk subgroup only, costing 100,000 in its first year and 10,000 in its second.
#[test]
fn program_formulas_are_evaluated_per_subgroup_and_year() {
    let source = |composition: &str| {
        format!(
            r#"scenario(#{{ name: "t", horizon: 3, cohort: 1000, discount_rate: 0{composition} }});
actor("k");
state("a"); state("b");
start(#{{ a: 1.0 }});
subgroup("hög risk", 0.2);
intervention("x", #{{ per_participant: by_year([100000, 10000]), years: 2,
                      uptake: if_else(in_subgroup("hög risk"), 1, 0), funded_by: #{{ k: 1.0 }} }});
transition("a", "b", 0.1);
"#
        )
    };
    // drawn composition: the subgroup holds 200 people on average
    let sc = scenario(&source(""));
    let (its, _) = run(&sc, 400, 3);
    let participants = its.iter().map(|it| it.arms[1].participants);
    assert_within_4_mcse("participants", mean_mcse(participants), 200.0);
    let investment = its.iter().map(|it| it.arms[1].program());
    assert_within_4_mcse("investment", mean_mcse(investment), 200.0 * 110_000.0);
    // known composition: exactly 200 participants, exactly 22,000,000
    let sc = scenario(&source(", composition: \"exact\""));
    let (its, _) = run(&sc, 50, 3);
    for it in &its {
        assert_eq!(it.arms[1].participants, 200.0);
        assert_eq!(it.arms[1].program(), 22_000_000.0);
    }
}

/// `given_in`: the cost per participant is charged only for participants in a state the
/// program is given in; half of them die in the first year and are not charged in the second.
#[test]
fn the_cost_per_participant_is_charged_only_where_the_program_is_given() {
    let sc = scenario(
        r#"scenario(#{ name: "t", horizon: 3, cohort: 1000, discount_rate: 0 });
actor("k");
state("a"); state("död");
start(#{ a: 1.0 });
intervention("x", #{ per_participant: 1000, years: 2, given_in: ["a"], funded_by: #{ k: 1.0 } });
transition("a", "död", 0.5);
"#,
    );
    let (its, _) = run(&sc, 400, 5);
    let investment = its.iter().map(|it| it.arms[1].program());
    assert_within_4_mcse("investment", mean_mcse(investment), 1000.0 * 1000.0 * 1.5);
    assert!(its.iter().all(|it| it.arms[1].program() < 2_000_000.0));
    let e = load_error(
        r#"scenario(#{ name: "t", horizon: 3, cohort: 10 });
actor("k"); state("a");
start(#{ a: 1.0 });
intervention("x", #{ given_in: ["b"] });
"#,
    );
    assert!(e.contains("unknown state \"b\""), "{e}");
}

#[test]
fn program_formulas_that_cannot_be_evaluated_are_refused() {
    let base = |program: &str| {
        format!(
            r#"scenario(#{{ name: "t", horizon: 3, cohort: 10 }});
actor("k"); state("a"); state("b");
start(#{{ a: 1.0 }});
subgroup("hög risk", 0.2);
intervention("x", #{{ {program}, funded_by: #{{ k: 1.0 }} }});
"#
        )
    };
    let e = load_error(&base("startup: if_else(in_subgroup(\"hög risk\"), 10, 20)"));
    assert!(e.contains("startup") && e.contains("in_subgroup"), "{e}");
    let e = load_error(&base("per_participant: 100 * time_in_state()"));
    assert!(
        e.contains("per_participant") && e.contains("time_in_state"),
        "{e}"
    );
    let e = load_error(&base("uptake: by_year([0.5, 0.9])"));
    assert!(e.contains("uptake") && e.contains("year()"), "{e}");
}

/// A per-participant cost drawn below zero in some iteration stops the run with a position.
#[test]
fn program_amounts_are_checked_in_every_draw() {
    let sc = scenario(
        r#"scenario(#{ name: "t", horizon: 3, cohort: 10 });
actor("k"); state("a"); state("b");
start(#{ a: 1.0 });
let c = param("c", normal(100, 100));
intervention("x", #{ per_participant: c, funded_by: #{ k: 1.0 } });
"#,
    );
    let e = simulate(&sc, &settings(200, 1), &|| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("per_participant must be ≥ 0, got -"), "{e}");
    assert!(e.starts_with("test.rhai:5:"), "{e}");
}

/// A drop-off given as a parameter is a share: a draw outside [0, 1] (an effect that would grow
/// after the program ends) stops the run.
#[test]
fn a_drop_off_outside_zero_one_stops_the_run() {
    let sc = scenario(
        r#"scenario(#{ name: "t", horizon: 5, cohort: 10 });
actor("k"); state("a"); state("b");
start(#{ a: 1.0 });
let d = param("d", normal(0.25, 0.4));
intervention("x", #{ startup: 0 });
transition("a", "b", 0.2 * effect(0.5, d));
"#,
    );
    let e = simulate(&sc, &settings(200, 1), &|| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("the drop-off of effect(..., d) is"), "{e}");
    assert!(
        e.contains("outside [0, 1]") && e.contains("test.rhai:6:"),
        "{e}"
    );
}

/// A cost of 1e308 a year overflows any sum: the run stops instead of printing nulls.
#[test]
fn a_total_beyond_any_budget_stops_the_run() {
    let sc = scenario(
        r#"scenario(#{ name: "t", horizon: 5, cohort: 10 });
actor("k"); state("a"); state("b");
start(#{ a: 1.0 });
intervention("x", #{ startup: 0 });
transition("a", "b", 0.2 * effect(0.5, 0.1));
cost("a", "k", 1e308);
"#,
    );
    let e = simulate(&sc, &settings(5, 1), &|| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("far too large"), "{e}");
}

fn caseload(declarations: &str) -> String {
    format!(
        r#"scenario(#{{ name: "t", horizon: 4, cohort: 25, discount_rate: 0 }});
actor("k");
state("hemma"); state("HVB");
{declarations}
intervention("x", #{{ per_participant: 1000, uptake: if_else(in_subgroup("hög risk"), 1, 0),
                      funded_by: #{{ k: 1.0 }} }});
transition("hemma", "HVB", 0.2);
cost("HVB", "k", 100000);
"#
    )
}

/// A kommun that knows its 25 families, 8 of them at high risk and 5 of those already placed,
/// states the counts: every iteration has exactly those people, where shares draw them.
#[test]
fn known_caseloads_are_allocated_exactly() {
    let sc = scenario(&caseload(
        r#"subgroup_count("hög risk", 8);
start_counts(#{ hemma: 3, HVB: 5 }, "hög risk");
start_counts(#{ hemma: 17 });"#,
    ));
    let (its, r) = run(&sc, 100, 2);
    assert!(its.iter().all(|it| it.arms[1].participants == 8.0));
    assert_eq!(r.comparisons[0].investment.sd, 0.0);
    // year 0: 5 of 25 in HVB in every iteration, so its cost is 500,000 exactly
    let year0: Vec<f64> = its.iter().map(|it| it.arms[0].cost_by_year[0]).collect();
    assert!(year0.iter().all(|&c| c == 500_000.0), "{:?}", &year0[..5]);

    // shares, drawn per person: 25 × 0.32 = 8 on average, varying
    let drawn = scenario(&caseload(
        "subgroup(\"hög risk\", 0.32);\nstart(#{ hemma: 1.0 });",
    ));
    let (its, _) = run(&drawn, 400, 2);
    let participants: Vec<f64> = its.iter().map(|it| it.arms[1].participants).collect();
    assert_within_4_mcse("drawn", mean_mcse(participants.iter().copied()), 8.0);
    assert!(participants.iter().any(|&p| p != 8.0));

    // exact shares: 25 × 0.3 = 7.5 is 7 or 8 by a fair tie-break, 7.5 on average
    let tie = scenario(
        &caseload("subgroup(\"hög risk\", 0.3);\nstart(#{ hemma: 1.0 });").replace(
            "discount_rate: 0",
            "discount_rate: 0, composition: \"exact\"",
        ),
    );
    let (its, _) = run(&tie, 400, 2);
    let participants: Vec<f64> = its.iter().map(|it| it.arms[1].participants).collect();
    assert!(participants.iter().all(|&p| p == 7.0 || p == 8.0));
    assert_within_4_mcse("tie", mean_mcse(participants.into_iter()), 7.5);
}

#[test]
fn counts_that_do_not_add_up_are_refused() {
    let e = load_error(&caseload(
        "subgroup_count(\"hög risk\", 8);\nstart_counts(#{ hemma: 3, HVB: 4 }, \"hög risk\");\nstart_counts(#{ hemma: 17 });",
    ));
    assert!(
        e.contains("starting counts of \"hög risk\" add up to 7 people, but the group has 8"),
        "{e}"
    );
    let e = load_error(&caseload(
        "subgroup(\"hög risk\", 0.3);\nstart_counts(#{ hemma: 25 });",
    ));
    assert!(e.contains("given as a share"), "{e}");
    let e = load_error(&caseload(
        "subgroup_count(\"hög risk\", 30);\nstart(#{ hemma: 1.0 });",
    ));
    assert!(e.contains("the cohort has 25 people"), "{e}");
    let e = load_error(
        &caseload("subgroup_count(\"hög risk\", 8);\nstart(#{ hemma: 1.0 });").replace(
            "discount_rate: 0",
            "discount_rate: 0, composition: \"drawn\"",
        ),
    );
    assert!(e.contains("composition: \"drawn\""), "{e}");
}
