//! Values of the person (durations across states, age, attributes) against exact expectations:
//! the matrix expectation over the state space expanded by the duration, or an integral over
//! the attribute's distribution, and Krijkamp et al.'s published extended Sick-Sicker figures.

use crate::common::*;
use socinv::sim::IterationResult;

const SICK_SICKER: &str = include_str!("../../examples/sick_sicker.rhai");

fn sick_sicker(source: &str) -> socinv::scenario::Scenario {
    socinv::script::load_scenario_str(source, "sick_sicker.rhai", std::path::Path::new("examples"))
        .unwrap_or_else(|e| panic!("the example should load: {e}"))
}

/// Exact expected cost and QALYs per person of the extended Sick-Sicker model (Appendix B),
/// by propagating (state, years ill) over cycles 0..=30 with the effect modifier at its mean
/// (it enters the QALYs linearly and nothing else). `ill_counts_across_states: false` gives
/// the wrong encoding in which the duration restarts on moving from S1 to S2.
fn sick_sicker_exact(treated: bool, ill_counts_across_states: bool) -> (f64, f64) {
    sick_sicker_exact_with(treated, ill_counts_across_states, 0.5)
}

/// [`sick_sicker_exact`] with the yearly probability of recovering from S1 `p_s1h`.
fn sick_sicker_exact_with(treated: bool, ill_counts_across_states: bool, p_s1h: f64) -> (f64, f64) {
    let cycles = 31;
    let r_hd = -(1.0_f64 - 0.005).ln();
    let death =
        |rr: f64, years_ill: usize| 1.0 - (-rr * r_hd * (1.0 + 0.2 * years_ill as f64)).exp();
    let trt = if treated { 1.0 } else { 0.0 };
    // healthy, sick[k], sicker[k]: k = years ill counting this one
    let (mut healthy, mut sick, mut sicker) = (1.0, vec![0.0; cycles + 2], vec![0.0; cycles + 2]);
    let (mut cost, mut qaly) = (0.0, 0.0);
    for t in 0..cycles {
        let d = 1.03_f64.powi(-(t as i32));
        cost += d * (2000.0 * healthy);
        qaly += d * healthy;
        for k in 1..=cycles {
            cost +=
                d * ((4000.0 + 12000.0 * trt) * sick[k] + (15000.0 + 12000.0 * trt) * sicker[k]);
            let u_sick = if treated {
                0.95 - 0.03 * (k as f64 - 1.0)
            } else {
                0.75
            };
            qaly += d * (u_sick * sick[k] + 0.5 * sicker[k]);
        }
        let mut next_sick = vec![0.0; cycles + 2];
        let mut next_sicker = vec![0.0; cycles + 2];
        let mut next_healthy = healthy * (1.0 - 0.15 - 0.005);
        next_sick[1] += healthy * 0.15;
        for k in 1..=cycles {
            let p1 = death(3.0, k);
            next_healthy += sick[k] * p_s1h;
            let on = if ill_counts_across_states { k + 1 } else { 1 };
            next_sicker[on] += sick[k] * 0.105;
            next_sick[k + 1] += sick[k] * (1.0 - p_s1h - 0.105 - p1);
            next_sicker[k + 1] += sicker[k] * (1.0 - death(10.0, k));
        }
        healthy = next_healthy;
        sick = next_sick;
        sicker = next_sicker;
    }
    (cost, qaly)
}

/// Per-person means and MCSEs of cost and QALYs in arm `arm`, and the MCSE a run of 100,000
/// people (the publication's) would have had: the iterations are cohorts of `cohort` people
/// with nothing uncertain but the people, so sd per person = MCSE × √(iterations × cohort).
fn per_person(its: &[IterationResult], arm: usize, cohort: f64) -> [(f64, f64, f64); 2] {
    let n = its.len() as f64;
    let column = |f: &dyn Fn(&IterationResult) -> f64| {
        let (m, se) = mean_mcse(its.iter().map(f));
        let published_se = se * (n * cohort / 100_000.0).sqrt();
        (m / cohort, se / cohort, published_se / cohort)
    };
    [
        column(&|it| it.arms[arm].total()),
        column(&|it| it.arms[arm].outcomes[0]),
    ]
}

#[test]
fn the_extended_sick_sicker_example_reproduces_its_published_figures() {
    let sc = sick_sicker(SICK_SICKER);
    assert_eq!(sc.cohort, 1000);
    let (its, _) = run(&sc, 100, 2018);
    // Krijkamp et al. 2018, Appendix B: cost and QALYs per person.
    let published = [(62_667.0, 15.279), (117_455.0, 15.786)];
    for (arm, &(cost, qaly)) in published.iter().enumerate() {
        let [c, q] = per_person(&its, arm, 1000.0);
        let (exact_cost, exact_qaly) = sick_sicker_exact(arm == 1, true);
        assert_within_4_mcse(&format!("arm {arm}: cost"), (c.0, c.1), exact_cost);
        assert_within_4_mcse(&format!("arm {arm}: QALYs"), (q.0, q.1), exact_qaly);
        // The published figures carry their own Monte Carlo error (100,000 people).
        for (what, (m, se, published_se), value) in [("cost", c, cost), ("QALYs", q, qaly)] {
            let both = (se * se + published_se * published_se).sqrt();
            assert!(
                (m - value).abs() <= 4.0 * both,
                "arm {arm}: {what} {m} (MCSE {se}) vs published {value} (MCSE {published_se})"
            );
        }
    }
    // Incremental: treatment − no treatment, with common random numbers.
    let inc_qaly = mean_mcse(
        its.iter()
            .map(|it| (it.arms[1].outcomes[0] - it.arms[0].outcomes[0]) / 1000.0),
    );
    let exact_inc = sick_sicker_exact(true, true).1 - sick_sicker_exact(false, true).1;
    assert_within_4_mcse("QALYs gained", inc_qaly, exact_inc);
}

#[test]
fn the_illness_counted_per_state_instead_of_as_an_episode_misses_the_figures() {
    // The wrong encoding: the duration restarts in S2 (time in state instead of the episode).
    let wrong = SICK_SICKER.replace(
        "rate_to_prob(10 * r_hd * (1 + 0.2 * ill))",
        "rate_to_prob(10 * r_hd * (1 + 0.2 * time_in_state()))",
    );
    assert_ne!(wrong, SICK_SICKER);
    let (its, _) = run(&sick_sicker(&wrong), 100, 2018);
    let [c, _] = per_person(&its, 0, 1000.0);
    let (right, wrong_exact) = (
        sick_sicker_exact(false, true).0,
        sick_sicker_exact(false, false).0,
    );
    assert_within_4_mcse(
        "the wrong encoding's own exact value",
        (c.0, c.1),
        wrong_exact,
    );
    assert!(
        (c.0 - right).abs() > 10.0 * c.1,
        "the encoding must matter: {} vs {right} (MCSE {})",
        c.0,
        c.1
    );
}

#[test]
fn participants_whose_exits_change_follow_their_own_episode() {
    // Treatment now also speeds recovery: the participants' paths leave the ordinary-practice
    // paths, and their years ill (which drive death) must be counted on their own path.
    let faster = SICK_SICKER.replace(
        "transition(\"S1\", \"H\", 0.5);",
        "transition(\"S1\", \"H\", if_else(treated(), 0.6, 0.5));",
    );
    assert_ne!(faster, SICK_SICKER);
    let (its, _) = run(&sick_sicker(&faster), 100, 7);
    let [c, q] = per_person(&its, 1, 1000.0);
    let (cost, qaly) = sick_sicker_exact_with(true, true, 0.6);
    assert_within_4_mcse("participants' cost", (c.0, c.1), cost);
    assert_within_4_mcse("participants' QALYs", (q.0, q.1), qaly);
    let [b, _] = per_person(&its, 0, 1000.0);
    assert_within_4_mcse(
        "ordinary practice",
        (b.0, b.1),
        sick_sicker_exact(false, true).0,
    );
    // The faster recovery shows: without it the participants' cost is another number.
    assert!((c.0 - sick_sicker_exact(true, true).0).abs() > 10.0 * c.1);
}

const DURATION_COSTS: &str = r#"
scenario(#{ name: "varaktighet", horizon: 10, cohort: 30, discount_rate: 0 });
actor("region");
state("sjuk");
state("frisk");
start(#{ sjuk: 1.0 });
intervention("x", #{});
transition("sjuk", "frisk", 0.3);
transition("frisk", "sjuk", 0.2);
// the first year ill costs the most; the cost falls with each year in the state
cost("sjuk", "region", if_else(time_in_state() == 1, 9000, 9000 / time_in_state()));
entry_cost("frisk", "region", 100 * time_in_state());
outcome("år frisk", "frisk", time_in_state());
"#;

/// Exact expected cost and outcome per person of DURATION_COSTS (or, with `by_duration: false`,
/// the wrong encoding that prices every year ill as the first).
#[allow(clippy::needless_range_loop)] // k indexes both states' rows
fn duration_exact(by_duration: bool) -> (f64, f64) {
    let h = 10;
    let mut dist = vec![vec![0.0; h + 2]; 2];
    dist[0][1] = 1.0;
    let (mut cost, mut outcome) = (0.0, 0.0);
    for t in 0..h {
        for k in 1..=h {
            let price = if !by_duration || k == 1 {
                9000.0
            } else {
                9000.0 / k as f64
            };
            cost += price * dist[0][k];
            outcome += k as f64 * dist[1][k];
        }
        if t > 0 {
            cost += 100.0 * dist[1][1]; // entering "frisk": its time in state is 1
        }
        let mut next = vec![vec![0.0; h + 2]; 2];
        for k in 1..=h {
            next[1][1] += dist[0][k] * 0.3;
            next[0][k + 1] += dist[0][k] * 0.7;
            next[0][1] += dist[1][k] * 0.2;
            next[1][k + 1] += dist[1][k] * 0.8;
        }
        dist = next;
    }
    (cost, outcome)
}

#[test]
fn costs_and_outcomes_that_read_time_in_state_match_the_expanded_state_space() {
    let sc = scenario(DURATION_COSTS);
    let (its, _) = run(&sc, 20_000, 7);
    let (cost, outcome) = duration_exact(true);
    let c = mean_mcse(its.iter().map(|it| it.arms[0].total() / 30.0));
    assert_within_4_mcse("cost by years in the state", c, cost);
    let o = mean_mcse(its.iter().map(|it| it.arms[0].outcomes[0] / 30.0));
    assert_within_4_mcse("outcome by years in the state", o, outcome);
    let wrong = duration_exact(false).0;
    assert!((c.0 - wrong).abs() > 10.0 * c.1, "{} vs {wrong}", c.0);
    // the intervention is ordinary practice: exactly the same amounts
    for it in &its {
        assert_eq!(it.arms[0].cost_by_year, it.arms[1].cost_by_year);
        assert_eq!(it.arms[0].outcomes, it.arms[1].outcomes);
    }
}

const LIFE_TABLE: &str = "ålder,q\n60,0.01\n61,0.02\n62,0.04\n63,0.08\n64,0.16\n65,0.32\n66,0.5\n";

fn life_table_scenario(start_ages: &str) -> String {
    format!(
        r#"scenario(#{{ name: "livslängd", horizon: 8, cohort: 40, discount_rate: 0.03 }});
actor("kommun");
state("lever");
state("död");
subgroup("äldre", 0.25);
start(#{{ lever: 1.0 }});
{start_ages}
let life = read_csv_columns("livslangd.csv");
intervention("x", #{{}});
transition("lever", "död", lookup(life.q, age() - life["ålder"][0]));
cost("lever", "kommun", 1000 + 10 * age());
"#
    )
}

/// Exact expected cost per person of a person starting at `age0`, by the life table.
fn survival_cost(age0: f64) -> f64 {
    let q = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.5];
    let mut alive = 1.0;
    let mut cost = 0.0;
    for t in 0..8 {
        let age = age0 + t as f64;
        cost += 1.03_f64.powi(-t) * alive * (1000.0 + 10.0 * age);
        let i = ((age - 60.0).max(0.0).floor() as usize).min(q.len() - 1);
        alive *= 1.0 - q[i];
    }
    cost
}

fn life_table_mean(start_ages: &str) -> (f64, f64) {
    let dir = folder(&[("livslangd.csv", LIFE_TABLE)]);
    let sc = socinv::script::load_scenario_str(
        &life_table_scenario(start_ages),
        "livslangd.rhai",
        dir.path(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (its, _) = run(&sc, 20_000, 11);
    mean_mcse(its.iter().map(|it| it.arms[0].total() / 40.0))
}

#[test]
fn age_reads_a_life_table_with_start_ages_by_subgroup_and_drawn_per_person() {
    // One start age for everyone: age() is a table by subgroup and year.
    let one = life_table_mean("start_age(60);");
    assert_within_4_mcse("start age 60", one, survival_cost(60.0));
    // By subgroup: a quarter starts at 63.
    let by_group = life_table_mean("start_age(60); start_age(63, \"äldre\");");
    let exact = 0.75 * survival_cost(60.0) + 0.25 * survival_cost(63.0);
    assert_within_4_mcse("start ages by subgroup", by_group, exact);
    // Drawn per person: 60 or 66 with equal weights.
    let drawn = life_table_mean("start_age(discrete([60, 66], [0.5, 0.5]));");
    let exact = 0.5 * survival_cost(60.0) + 0.5 * survival_cost(66.0);
    assert_within_4_mcse("start ages drawn per person", drawn, exact);
    // A wrong encoding, everyone at the mean age 63, would fail.
    let at_mean = survival_cost(63.0);
    assert!(
        (drawn.0 - at_mean).abs() > 10.0 * drawn.1,
        "{drawn:?} vs {at_mean}"
    );
}

const ATTRIBUTE: &str = r#"
scenario(#{ name: "risk", horizon: 10, cohort: 50, discount_rate: 0 });
actor("kommun");
state("a");
state("b");
start(#{ a: 1.0 });
let x = attribute("x", uniform(0, 2));
intervention("stöd", #{});
// a person's risk of leaving scales with x; the intervention halves it
transition("a", "b", 0.4 * x * if_else(treated(), 0.5, 1));
cost("a", "kommun", 1000 * x);
"#;

/// Exact expected cost per person of ATTRIBUTE: E over x ~ U(0, 2) of Σ_t 1000 x (1 − p x)^t,
/// by the midpoint rule on a fine grid (the integrand is a polynomial of degree ≤ 10).
fn attribute_exact(p: f64) -> f64 {
    let n = 200_000;
    (0..n)
        .map(|i| {
            let x = 2.0 * (i as f64 + 0.5) / n as f64;
            (0..10)
                .map(|t| 1000.0 * x * (1.0 - p * x).powi(t))
                .sum::<f64>()
        })
        .sum::<f64>()
        / n as f64
}

#[test]
fn an_attribute_drawn_per_person_matches_the_integral_over_its_distribution() {
    let sc = scenario(ATTRIBUTE);
    let (its, _) = run(&sc, 10_000, 13);
    let base = mean_mcse(its.iter().map(|it| it.arms[0].total() / 50.0));
    assert_within_4_mcse("ordinary practice", base, attribute_exact(0.4));
    let treated = mean_mcse(its.iter().map(|it| it.arms[1].total() / 50.0));
    assert_within_4_mcse("participants", treated, attribute_exact(0.2));
    // The wrong encoding, everyone at the mean x = 1, misses heterogeneity.
    let at_mean: f64 = (0..10).map(|t| 1000.0 * 0.6_f64.powi(t)).sum();
    assert!(
        (base.0 - at_mean).abs() > 10.0 * base.1,
        "{} vs {at_mean}",
        base.0
    );
}

#[test]
fn a_null_intervention_gives_exactly_zero_with_values_of_the_person() {
    let null = r#"
scenario(#{ name: "null", horizon: 12, cohort: 40 });
actor("kommun");
state("a"); state("b"); state("c");
subgroup("hög", 0.3);
start(#{ a: 0.7, b: 0.3 });
start_age(uniform(13, 16));
let ep = episode("borta", ["b", "c"]);
let x = attribute("x", uniform(0.5, 1.5));
intervention("null", #{ uptake: 0.6 });
transition("a", "b", min(0.2 * x, 1));
transition("b", "c", min(0.1 * ep, 0.9));
transition("c", "a", if_else(age() > 18, 0.3, 0.1));
cost("a", "kommun", 100 * x + time_in_state());
cost("b", "kommun", 500 * ep + age());
entry_cost("c", "kommun", 50 * x);
outcome("år", "c", x * ep);
"#;
    let sc = scenario(null);
    let (its, _) = run(&sc, 500, 3);
    for it in &its {
        assert!(it.arms[1].participants > 0.0);
        assert_eq!(it.arms[0].cost_by_actor, it.arms[1].cost_by_actor);
        assert_eq!(it.arms[0].cost_by_year, it.arms[1].cost_by_year);
        assert_eq!(it.arms[0].outcomes, it.arms[1].outcomes);
    }
    // and the same on one thread and two
    let s = settings(200, 9);
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| socinv::sim::simulate(&sc, &s, &|| {}).unwrap())
    };
    assert_eq!(on(1), on(2));
}

#[test]
fn durations_ages_and_attributes_that_cannot_be_simulated_are_refused_at_their_line() {
    let base = "scenario(#{ name: \"x\", horizon: 4, cohort: 5 });\nactor(\"k\");\nstate(\"a\");\nstate(\"b\");\n";
    let with_c = base.replace("state(\"b\");\n", "state(\"b\"); state(\"c\");\n");
    let e = load_error(&format!(
        "{with_c}let ep = episode(\"e\", [\"a\", \"b\"]);\nstart(#{{ a: 1.0 }});\nintervention(\"x\", #{{}});\n\
         transition(\"a\", \"b\", 0.1 * ep);\ntransition(\"a\", \"c\", 0.01 * time_in_state());\n"
    ));
    assert!(e.contains("test.rhai:9:1:"), "{e}");
    assert!(e.contains("one duration"), "{e}");
    let e = load_error(&format!(
        "{base}start(#{{ a: 1.0 }});\nintervention(\"x\", #{{}});\ntransition(\"a\", \"b\", if_else(age() > 15, 0.2, 0.1));\n"
    ));
    assert!(
        e.contains("test.rhai:7:1:") && e.contains("start_age(15)"),
        "{e}"
    );
    let e = load_error(&format!(
        "{base}let x = attribute(\"x\", uniform(0, 1));\nstart(#{{ a: x, b: 1 - x }});\n"
    ));
    assert!(
        e.contains("test.rhai:6:") && e.contains("cannot read an attribute"),
        "{e}"
    );
    let e = load_error(&format!("{base}episode(\"e\", [\"a\", \"c\"]);\n"));
    assert!(e.contains("test.rhai:5:") && e.contains("\"c\""), "{e}");
    let e = load_error(&format!(
        "{base}let x = attribute(\"x\", uniform(0, 1));\nstart(#{{ a: 1.0 }});\nintervention(\"x\", #{{ uptake: x }});\n"
    ));
    assert!(e.contains("test.rhai:7:") && e.contains("uptake"), "{e}");
}

#[test]
fn an_invalid_value_for_one_person_stops_the_run_at_its_rule() {
    let e = socinv::sim::simulate(
        &scenario(
            "scenario(#{ name: \"x\", horizon: 4, cohort: 50 });\nactor(\"k\");\nstate(\"a\");\nstate(\"b\");\n\
             start(#{ a: 1.0 });\nlet x = attribute(\"x\", uniform(0, 2));\nintervention(\"x\", #{});\n\
             transition(\"a\", \"b\", 0.8 * x);\n",
        ),
        &settings(10, 1),
        &|| {},
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("test.rhai:8:1:"), "{e}");
    assert!(e.contains("outside [0, 1]"), "{e}");
}

#[test]
fn the_sick_sicker_example_runs_from_the_command_line_and_shows_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::canonicalize("examples/sick_sicker.rhai").unwrap();
    let json = dir.path().join("ss.json");
    let ran = socinv_in(
        dir.path(),
        &[
            "run",
            example.to_str().unwrap(),
            "-n",
            "20",
            "--json",
            json.to_str().unwrap(),
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    // cohort totals of 1,000 people: 62.7 and 117.5 million, 15,300 and 15,800 QALYs
    assert!(
        ran.stdout.contains("No treatment") && ran.stdout.contains("QALY"),
        "{}",
        ran.stdout
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(v.to_string().contains("QALY"));
    let checked = socinv_in(
        dir.path(),
        &["check", "--strict", example.to_str().unwrap()],
    );
    assert_eq!(
        checked.code,
        Some(0),
        "{}{}",
        checked.stdout,
        checked.stderr
    );
}

#[test]
fn a_sensitivity_analysis_without_uncertain_parameters_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::canonicalize("examples/sick_sicker.rhai").unwrap();
    for command in ["tornado", "sobol"] {
        let ran = socinv_in(dir.path(), &[command, example.to_str().unwrap()]);
        assert_eq!(ran.code, Some(2), "{command}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("there is none to vary")
                && ran
                    .stderr
                    .contains("attributes, drawn per person, are not parameters"),
            "{command}: {}",
            ran.stderr
        );
    }
}
