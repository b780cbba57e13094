//! Properties over generated scenarios (proptest): the null intervention is exactly 0; the same
//! JSON on any thread count; the net's distribution invariant to the order in which states,
//! actors and parameters are declared; payback within the horizon exactly when the net is
//! positive; every perspective the sum of its actors.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use socinv::results::{ComparisonSamples, RunResults};
use socinv::samples::RunSamples;
use socinv::scenario::Scenario;
use socinv::sim::{IterationResult, SimSettings, simulate};
use std::path::Path;

/// A generated model: a few states with random exits, costs and a transfer per state, two
/// uncertain parameters, an intervention that scales some exits.
#[derive(Clone, Debug)]
struct Model {
    states: usize,
    /// (from, to, probability); the exits of a state sum to less than 1.
    exits: Vec<(usize, usize, f64)>,
    /// Which exits the intervention scales by the parameter `rr`.
    affected: Vec<bool>,
    /// Yearly cost per state for actors 0 and 1, and a transfer from actor 0 to actor 2.
    costs: Vec<(f64, f64, f64)>,
    horizon: u32,
    cohort: u32,
    uptake: f64,
    startup: f64,
    start_year: u32,
    subgroup: Option<f64>,
}

fn model() -> impl Strategy<Value = Model> {
    (2usize..5, 2u32..6, 5u32..30).prop_flat_map(|(states, horizon, cohort)| {
        let exits = proptest::collection::vec(
            proptest::collection::vec((0.0f64..1.0, any::<bool>()), states),
            states,
        );
        let costs =
            proptest::collection::vec((0.0f64..5000.0, 0.0f64..5000.0, 0.0f64..3000.0), states);
        (
            exits,
            costs,
            0.2f64..1.0,
            prop_oneof![Just(0.0), 100.0f64..20000.0],
            0u32..2,
            proptest::option::of(0.1f64..0.6),
            0.3f64..0.95,
        )
            .prop_map(
                move |(weights, costs, uptake, startup, start_year, subgroup, total)| {
                    let mut exits = Vec::new();
                    let mut affected = Vec::new();
                    for (from, row) in weights.iter().enumerate() {
                        let sum: f64 = row
                            .iter()
                            .enumerate()
                            .filter(|(to, _)| *to != from)
                            .map(|(_, w)| w.0)
                            .sum();
                        for (to, (w, hit)) in row.iter().enumerate() {
                            if to != from && sum > 0.0 && *w > 0.05 {
                                exits.push((from, to, (w / sum * total * 1e4).round() / 1e4));
                                affected.push(*hit);
                            }
                        }
                    }
                    Model {
                        states,
                        exits,
                        affected,
                        costs,
                        horizon,
                        cohort,
                        uptake,
                        startup,
                        start_year,
                        subgroup,
                    }
                },
            )
    })
}

/// How a model is written: the order of states, actors and parameters, and whether the
/// intervention does nothing (no effect, no cost).
#[derive(Clone, Copy)]
struct Writing<'a> {
    state_order: &'a [usize],
    reverse_actors: bool,
    reverse_params: bool,
    null: bool,
}

fn script(m: &Model, w: Writing) -> String {
    let name = |s: usize| format!("s{s}");
    let mut out = format!(
        "scenario(#{{ name: \"gen\", horizon: {}, cohort: {}, discount_rate: 0.03 }});\n",
        m.horizon, m.cohort
    );
    let actors = ["kommun", "region", "individen"];
    let mut order: Vec<&str> = actors.to_vec();
    if w.reverse_actors {
        order.reverse();
    }
    for a in order {
        out += &format!("actor(\"{a}\");\n");
    }
    out += "perspective(\"offentlig\", [\"kommun\", \"region\"]);\n";
    for &s in w.state_order {
        out += &format!("state(\"{}\");\n", name(s));
    }
    out += &format!(
        "start(#{{ \"{}\": 0.7, \"{}\": 0.3 }});\n",
        name(0),
        name(1)
    );
    if let Some(share) = m.subgroup {
        out += &format!("subgroup(\"g\", {share});\n");
    }
    let params = [
        "let rr = param(\"rr\", beta_mean_sd(0.6, 0.1));\n",
        "let c = param(\"c\", gamma_mean_sd(2000, 500));\n",
    ];
    if w.reverse_params {
        out += params[1];
        out += params[0];
    } else {
        out += params[0];
        out += params[1];
    }
    let (startup, funded) = if w.null {
        (0.0, "")
    } else {
        (m.startup, ", funded_by: #{ kommun: 1.0 }")
    };
    out += &format!(
        "intervention(\"x\", #{{ startup: {startup}, uptake: {}, start_year: {}{funded} }});\n",
        m.uptake, m.start_year
    );
    for (i, &(from, to, p)) in m.exits.iter().enumerate() {
        let scaled = if m.affected[i] && !w.null {
            " * effect(rr, 0.3)"
        } else {
            ""
        };
        let group = if m.subgroup.is_some() && i % 2 == 0 {
            " * if_else(in_subgroup(\"g\"), 0.9, 1)"
        } else {
            ""
        };
        out += &format!(
            "transition(\"{}\", \"{}\", {p}{scaled}{group});\n",
            name(from),
            name(to)
        );
    }
    for (s, &(k, r, t)) in m.costs.iter().enumerate() {
        out += &format!("cost(\"{}\", \"kommun\", {k} + c);\n", name(s));
        out += &format!("cost(\"{}\", \"region\", {r});\n", name(s));
        out += &format!("transfer(\"{}\", \"kommun\", {t});\n", name(s));
        out += &format!("transfer(\"{}\", \"individen\", -{t});\n", name(s));
    }
    out
}

fn load(source: &str) -> Scenario {
    socinv::script::load_scenario_str(source, "gen.rhai", Path::new("."))
        .unwrap_or_else(|e| panic!("a generated scenario must load: {e}\n{source}"))
}

fn sim(sc: &Scenario, iterations: usize, threads: usize) -> Vec<IterationResult> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let settings = SimSettings {
        method: socinv::sim::Method::Individual,
        iterations,
        seed: 11,
        fixed: Vec::new(),
    };
    pool.install(|| simulate(sc, &settings, &|| {})).unwrap()
}

fn natural(m: &Model) -> Vec<usize> {
    (0..m.states).collect()
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn a_null_intervention_is_exactly_zero_for_every_actor_and_perspective() {
    runner(24)
        .run(&model(), |m| {
            let order = natural(&m);
            let w = Writing {
                state_order: &order,
                reverse_actors: false,
                reverse_params: false,
                null: true,
            };
            let sc = load(&script(&m, w));
            let its = sim(&sc, 40, 2);
            let s = ComparisonSamples::new(&sc, &its, 1);
            prop_assert!(s.net.iter().all(|&n| n == 0.0));
            prop_assert!(s.by_actor.iter().flatten().all(|&n| n == 0.0));
            prop_assert!(s.by_perspective.iter().flatten().all(|&n| n == 0.0));
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_json_is_the_same_on_any_thread_count() {
    runner(12)
        .run(&model(), |m| {
            let order = natural(&m);
            let w = Writing {
                state_order: &order,
                reverse_actors: false,
                reverse_params: false,
                null: false,
            };
            let sc = load(&script(&m, w));
            let settings = SimSettings {
                method: socinv::sim::Method::Individual,
                iterations: 60,
                seed: 11,
                fixed: Vec::new(),
            };
            let json = |threads| {
                let its = sim(&sc, 60, threads);
                socinv::report::json(&RunResults::new(&sc, &settings, &RunSamples::of(&sc, &its)))
            };
            prop_assert_eq!(json(1), json(2));
            Ok(())
        })
        .unwrap();
}

#[test]
fn payback_within_the_horizon_is_a_positive_net_and_perspectives_add_up() {
    runner(24)
        .run(&model(), |m| {
            let order = natural(&m);
            let w = Writing {
                state_order: &order,
                reverse_actors: false,
                reverse_params: false,
                null: false,
            };
            let sc = load(&script(&m, w));
            let its = sim(&sc, 50, 2);
            let s = ComparisonSamples::new(&sc, &its, 1);
            for (net, payback) in s.net.iter().zip(&s.payback) {
                prop_assert_eq!(
                    payback.is_some(),
                    *net > 0.0,
                    "net {} payback {:?}",
                    net,
                    payback
                );
            }
            for (i, it) in its.iter().enumerate() {
                let (b, x) = (&it.arms[0], &it.arms[1]);
                let actor = |a: usize| s.by_actor[a][i];
                let public = sc
                    .perspectives
                    .iter()
                    .position(|p| p.name == "offentlig")
                    .unwrap();
                let tol = 1e-9 * (b.total().abs() + x.total().abs()).max(1.0);
                prop_assert!((s.by_perspective[public][i] - actor(0) - actor(1)).abs() <= tol);
                let society = sc
                    .perspectives
                    .iter()
                    .position(|p| p.exclude_transfers)
                    .unwrap();
                let transfers: f64 = (0..3)
                    .map(|a| b.transfer_by_actor[a] - x.transfer_by_actor[a])
                    .sum();
                let all = actor(0) + actor(1) + actor(2);
                prop_assert!((s.by_perspective[society][i] - (all - transfers)).abs() <= tol);
            }
            Ok(())
        })
        .unwrap();
}

/// The same model declared in another order of states, actors and parameters: the mean net
/// and its spread agree within their Monte Carlo error (the draws differ, the law does not).
#[test]
fn the_net_does_not_depend_on_the_order_of_declarations() {
    let n = 1500;
    runner(6)
        .run(&model(), |m| {
            let order = natural(&m);
            let mut reversed = order.clone();
            reversed.reverse();
            let summary = |w: Writing| {
                let sc = load(&script(&m, w));
                let net = ComparisonSamples::new(&sc, &sim(&sc, n, 2), 1).net;
                let mean = net.iter().sum::<f64>() / n as f64;
                let sd =
                    (net.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
                let positive = net.iter().filter(|&&x| x > 0.0).count() as f64 / n as f64;
                (mean, sd, positive)
            };
            let a = summary(Writing {
                state_order: &order,
                reverse_actors: false,
                reverse_params: false,
                null: false,
            });
            let b = summary(Writing {
                state_order: &reversed,
                reverse_actors: true,
                reverse_params: true,
                null: false,
            });
            let se_mean = (a.1.powi(2) / n as f64 + b.1.powi(2) / n as f64).sqrt();
            prop_assert!(
                (a.0 - b.0).abs() <= 5.0 * se_mean + 1e-6,
                "mean {} vs {}",
                a.0,
                b.0
            );
            // a sample sd has a relative standard error of about 1/√(2n) for a normal net;
            // allow 5 of them plus the excess kurtosis of a small cohort
            let se_sd = a.1.max(b.1) * 2.0 / (2.0 * n as f64).sqrt();
            prop_assert!(
                (a.1 - b.1).abs() <= 5.0 * se_sd + 1e-6,
                "sd {} vs {}",
                a.1,
                b.1
            );
            let p = (a.2 + b.2) / 2.0;
            let se_p = (2.0 * p * (1.0 - p) / n as f64).sqrt();
            prop_assert!(
                (a.2 - b.2).abs() <= 5.0 * se_p + 1e-9,
                "P(net > 0) {} vs {}",
                a.2,
                b.2
            );
            Ok(())
        })
        .unwrap();
}
