//! The engine's numbers against exact expectations: a Markov cohort calculation, a model with
//! time in state (expanded state space), a null intervention, reproducibility across threads.

use crate::common::{assert_within_4_mcse, mean_mcse, run, scenario, settings};
use socinv::results::ComparisonSamples;
use socinv::sim::simulate;

pub const MARKOV: &str = r#"
scenario(#{ name: "markov", horizon: 8, cohort: 50, discount_rate: 0.03 });
actor("kommun");
actor("region");
state("a");
state("b");
state("c");
start(#{ a: 0.6, b: 0.4 });
let rr = param("rr", fixed(0.5));
intervention("x", #{ startup: 1000, per_participant: 100, years: 3, uptake: 0.7,
                     funded_by: #{ kommun: 0.6, region: 0.4 } });
transition("a", "b", 0.2 * effect(rr, 0.5));
transition("a", "c", 0.1);
transition("b", "a", 0.3);
transition("b", "c", by_year([0.05, 0.05, 0.05, 0.05, 0.15]));
transition("c", "a", 0.05);
cost("a", "kommun", 100);
cost("b", "kommun", 1000);
cost("b", "region", 500);
transfer("c", "kommun", 2000);
entry_cost("c", "region", 3000);
outcome("år i a", "a", 1);
entry_outcome("till c", "c", 1);
"#;

/// The transition matrix of MARKOV in `year`, for participants (`treated`) or not.
fn markov_matrix(year: usize, treated: bool) -> [[f64; 3]; 3] {
    let effect = if !treated {
        1.0
    } else if year < 3 {
        0.5
    } else {
        1.0 - 0.5 * 0.5f64.powi((year - 3 + 1) as i32)
    };
    let p_ab = 0.2 * effect;
    let p_bc = if year < 4 { 0.05 } else { 0.15 };
    [
        [1.0 - p_ab - 0.1, p_ab, 0.1],
        [0.3, 1.0 - 0.3 - p_bc, p_bc],
        [0.05, 0.0, 0.95],
    ]
}

/// Exact expected cost per person per actor (kommun, region) and outcomes (år i a, till c) of
/// one practice, by propagating the state distribution (the cohort's Markov trace); outcomes
/// discounted at `outcome_rate`.
pub fn markov_exact(treated: bool, outcome_rate: f64) -> ([f64; 2], [f64; 2], f64) {
    let mut pi = [0.6, 0.4, 0.0];
    let mut cost = [0.0; 2];
    let mut outcome = [0.0; 2];
    let mut entries_c = 0.0;
    let mut transfer = 0.0;
    for t in 0..8 {
        let d = 1.03f64.powi(-t);
        cost[0] += d * (pi[0] * 100.0 + pi[1] * 1000.0 + pi[2] * 2000.0);
        transfer += d * pi[2] * 2000.0;
        cost[1] += d * (pi[1] * 500.0 + entries_c * 3000.0);
        let d_outcome = (1.0 + outcome_rate).powi(-t);
        outcome[0] += d_outcome * pi[0];
        outcome[1] += d_outcome * entries_c;
        let m = markov_matrix(t as usize, treated);
        entries_c = pi[0] * m[0][2] + pi[1] * m[1][2];
        let mut next = [0.0; 3];
        for (i, p) in pi.iter().enumerate() {
            for (j, n) in next.iter_mut().enumerate() {
                *n += p * m[i][j];
            }
        }
        pi = next;
    }
    (cost, outcome, transfer)
}

#[test]
fn markov_model_matches_the_exact_cohort_expectation() {
    check_markov(MARKOV, 0.0);
}

#[test]
fn discounted_outcomes_match_the_exact_cohort_expectation() {
    let script = MARKOV.replace(
        "discount_rate: 0.03 }",
        "discount_rate: 0.03, outcome_discount_rate: 0.015 }",
    );
    assert_ne!(script, MARKOV);
    check_markov(&script, 0.015);
}

fn check_markov(script: &str, outcome_rate: f64) {
    let sc = scenario(script);
    let (its, _) = run(&sc, 20_000, 11);
    let cohort = 50.0;
    let (base_cost, base_out, base_transfer) = markov_exact(false, outcome_rate);
    let (treat_cost, treat_out, _) = markov_exact(true, outcome_rate);
    let uptake = 0.7;
    let program: f64 =
        1000.0 + 100.0 * cohort * uptake * (1.0 + 1.03f64.powi(-1) + 1.03f64.powi(-2));
    for (a, name) in ["kommun", "region"].iter().enumerate() {
        let exact_base = cohort * base_cost[a];
        let share = [0.6, 0.4][a];
        let exact_int =
            cohort * (uptake * treat_cost[a] + (1.0 - uptake) * base_cost[a]) + share * program;
        assert_within_4_mcse(
            &format!("baseline cost, {name}"),
            mean_mcse(its.iter().map(|it| it.arms[0].cost_by_actor[a])),
            exact_base,
        );
        assert_within_4_mcse(
            &format!("intervention cost, {name}"),
            mean_mcse(its.iter().map(|it| it.arms[1].cost_by_actor[a])),
            exact_int,
        );
    }
    for (o, name) in ["år i a", "till c"].iter().enumerate() {
        assert_within_4_mcse(
            &format!("baseline outcome {name}"),
            mean_mcse(its.iter().map(|it| it.arms[0].outcomes[o])),
            cohort * base_out[o],
        );
        assert_within_4_mcse(
            &format!("intervention outcome {name}"),
            mean_mcse(its.iter().map(|it| it.arms[1].outcomes[o])),
            cohort * (uptake * treat_out[o] + (1.0 - uptake) * base_out[o]),
        );
    }
    // The transfer (social assistance in "c") is kept apart, for the society perspective.
    assert_within_4_mcse(
        "baseline transfer, kommun",
        mean_mcse(its.iter().map(|it| it.arms[0].transfer_by_actor[0])),
        cohort * base_transfer,
    );
    for it in &its {
        assert_eq!(
            it.arms[0].transfer_by_actor[1], 0.0,
            "region has no transfers"
        );
    }
}

pub const TIME_IN_STATE: &str = r#"
scenario(#{ name: "tis", horizon: 10, cohort: 30, discount_rate: 0.0 });
actor("region");
state("sjuk");
state("frisk");
start(#{ sjuk: 1.0 });
intervention("x", #{});
transition("sjuk", "frisk", min(0.08 * time_in_state(), 0.9));
transition("frisk", "sjuk", 0.1);
cost("sjuk", "region", 1000);
entry_cost("frisk", "region", 50);
"#;

/// Exact expectation with time in state, by propagating the expanded space (state, years in it).
pub fn tis_exact() -> f64 {
    let h = 10;
    // dist[s][k]: probability of being in state s with k years in it (k ≥ 1) this year
    let mut dist = vec![vec![0.0; h + 2]; 2];
    dist[0][1] = 1.0;
    let mut cost = 0.0;
    let mut entries = 0.0;
    for _ in 0..h {
        let in_sjuk: f64 = dist[0].iter().sum();
        cost += 1000.0 * in_sjuk + 50.0 * entries;
        let mut next = vec![vec![0.0; h + 2]; 2];
        entries = 0.0;
        for k in 1..=h {
            let leave = (0.08 * k as f64).min(0.9);
            next[1][1] += dist[0][k] * leave;
            entries += dist[0][k] * leave;
            next[0][k + 1] += dist[0][k] * (1.0 - leave);
            next[0][1] += dist[1][k] * 0.1;
            next[1][k + 1] += dist[1][k] * 0.9;
        }
        dist = next;
    }
    cost
}

#[test]
fn time_in_state_matches_the_expanded_state_space() {
    let sc = scenario(TIME_IN_STATE);
    let (its, _) = run(&sc, 20_000, 5);
    let exact = 30.0 * tis_exact();
    assert_within_4_mcse(
        "cost with a time-in-state rule",
        mean_mcse(its.iter().map(|it| it.arms[0].total())),
        exact,
    );
    // An intervention without effect or cost is ordinary practice.
    for it in &its {
        assert_eq!(it.arms[0].cost_by_year, it.arms[1].cost_by_year);
        assert_eq!(
            it.arms[1].participants, 30.0,
            "everyone takes part by default"
        );
    }
}

pub const NULL: &str = r#"
scenario(#{ name: "null", horizon: 12, cohort: 40 });
actor("kommun");
actor("staten");
actor("individen");
state("a");
state("b");
state("c");
subgroup("hög risk", 0.3);
start(#{ a: 1.0 });
start(#{ a: 0.5, b: 0.5 }, "hög risk");
let p = param("p", beta_mean_sd(0.2, 0.05));
let c = param("c", gamma_mean_sd(1000, 300));
intervention("null", #{ uptake: 0.6 });
transition("a", "b", p * if_else(in_subgroup("hög risk"), 1.5, 1.0));
transition("b", "c", 0.1 / time_in_state());
transition("c", "a", p / 2);
cost("a", "kommun", c);
cost("b", "staten", c * 2 + year());
transfer("c", "kommun", 700);
transfer("c", "individen", -700);
entry_cost("c", "kommun", c * 3);
outcome("år i a", "a", 1);
"#;

#[test]
fn a_null_intervention_gives_exactly_zero_in_every_iteration() {
    let sc = scenario(NULL);
    let (its, results) = run(&sc, 2_000, 3);
    let s = ComparisonSamples::new(&sc, &its, 1);
    assert!(s.net.iter().all(|n| *n == 0.0), "net must be exactly 0");
    assert!(s.by_actor.iter().flatten().all(|n| *n == 0.0));
    assert!(its.iter().all(|it| it.arms[1].participants > 0.0));
    let c = &results.comparisons[0];
    assert_eq!(c.net.max, 0.0);
    assert_eq!(c.net.min, 0.0);
    assert_eq!(c.prob_net_positive, 0.0);
    assert_eq!(
        c.payback.prob_within_horizon, 0.0,
        "a zero net neither pays back nor loses"
    );
    assert_eq!(c.payback.median_year, None);
    for p in c.by_perspective.values() {
        assert_eq!((p.net.min, p.net.max), (0.0, 0.0));
    }
}

#[test]
fn same_seed_same_results_on_any_thread_count() {
    let sc = scenario(NULL);
    let s = settings(500, 42);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let a = one.install(|| simulate(&sc, &s, &|| {})).unwrap();
    let b = two.install(|| simulate(&sc, &s, &|| {})).unwrap();
    assert_eq!(a, b);
    let c = simulate(&sc, &settings(500, 43), &|| {}).unwrap();
    assert_ne!(a, c, "another seed gives other draws");
}

#[test]
fn fixing_a_parameter_leaves_the_other_draws_unchanged() {
    let sc = scenario(NULL);
    let mut s = settings(50, 9);
    let free = simulate(&sc, &s, &|| {}).unwrap();
    s.fixed = vec![(0, 0.25)];
    let fixed = simulate(&sc, &s, &|| {}).unwrap();
    for (f, g) in free.iter().zip(&fixed) {
        assert_eq!(g.params[0], 0.25);
        assert_eq!(f.params[1], g.params[1], "c keeps its draw");
    }
}

#[test]
fn a_small_cohort_carries_chance_even_with_fixed_parameters() {
    // 40 people, all parameters fixed: the spread of the net comes from the individuals alone.
    let sc = scenario(MARKOV);
    let (_, r) = run(&sc, 2_000, 1);
    let net = &r.comparisons[0].net;
    assert!(net.p95 > net.p5, "the range must show chance: {net:?}");
}

/// A net of exactly 0 is neither a loss nor a gain: the probability of a loss counts nets below
/// 0 only, and the summary says so.
#[test]
fn an_exactly_zero_net_is_not_a_loss() {
    let sc = scenario(
        r#"scenario(#{ name: "noll", horizon: 4, cohort: 50 });
actor("kommun");
state("a"); state("b");
start(#{ a: 1.0 });
let p = param("p", uniform(0.1, 0.3));
transition("a", "b", p);
cost("a", "kommun", 100);
intervention("samma", #{ startup: 0 });
"#,
    );
    let (_, r) = run(&sc, 100, 3);
    let c = &r.comparisons[0];
    assert_eq!(c.net.max, 0.0);
    assert_eq!((c.prob_loss, c.prob_net_positive), (0.0, 0.0));
    let text = socinv::report::summary_text(&r);
    assert!(text.contains("Probability of loss: 0%"), "{text}");
}
