//! The evaluation methods (`--method`): the expected-value path against exact Markov
//! expectations (to 1e-9) and against the individual path in distribution (the mean of the
//! paired difference within its MCSE, on every shipped scenario it supports); a null
//! intervention gives exactly 0; the same bytes on any thread count; the CLI records the method
//! and refuses a scenario the method cannot evaluate.

use crate::common::{folder, listing, scenario, socinv_in};
use crate::engine::{MARKOV, NULL, TIME_IN_STATE, markov_exact, tis_exact};
use socinv::results::ComparisonSamples;
use socinv::scenario::Scenario;
use socinv::sim::{IterationResult, Method, SimSettings, simulate};
use std::path::Path;

fn run_by(sc: &Scenario, method: Method, iterations: usize, seed: u64) -> Vec<IterationResult> {
    let settings = SimSettings {
        iterations,
        seed,
        fixed: Vec::new(),
        method,
    };
    simulate(sc, &settings, &|| {}).unwrap_or_else(|e| panic!("the run runs: {e}"))
}

fn assert_close(what: &str, got: f64, exact: f64) {
    assert!(
        (got - exact).abs() <= 1e-9 * exact.abs().max(1.0),
        "{what}: {got} against the exact {exact}"
    );
}

#[test]
fn the_expected_path_equals_the_exact_markov_expectation() {
    let sc = scenario(MARKOV);
    let its = run_by(&sc, Method::Expected, 5, 1);
    let (base_cost, base_out, base_transfer) = markov_exact(false, 0.0);
    let (treat_cost, treat_out, _) = markov_exact(true, 0.0);
    let (cohort, uptake) = (50.0, 0.7);
    let program = 1000.0 + 100.0 * cohort * uptake * (1.0 + 1.03f64.powi(-1) + 1.03f64.powi(-2));
    for it in &its {
        for (a, share) in [0.6, 0.4].into_iter().enumerate() {
            assert_close(
                "baseline cost",
                it.arms[0].cost_by_actor[a],
                cohort * base_cost[a],
            );
            assert_close(
                "intervention cost",
                it.arms[1].cost_by_actor[a],
                cohort * (uptake * treat_cost[a] + (1.0 - uptake) * base_cost[a]) + share * program,
            );
        }
        assert_close(
            "transfers",
            it.arms[0].transfer_by_actor[0],
            cohort * base_transfer,
        );
        for o in 0..2 {
            assert_close(
                "baseline outcome",
                it.arms[0].outcomes[o],
                cohort * base_out[o],
            );
            assert_close(
                "intervention outcome",
                it.arms[1].outcomes[o],
                cohort * (uptake * treat_out[o] + (1.0 - uptake) * base_out[o]),
            );
        }
        assert_close("participants", it.arms[1].participants, cohort * uptake);
    }
}

#[test]
fn the_expected_path_follows_time_in_state_exactly() {
    let sc = scenario(TIME_IN_STATE);
    for it in run_by(&sc, Method::Expected, 3, 2) {
        assert_close("cost", it.arms[0].total(), 30.0 * tis_exact());
    }
}

/// A known composition of 7 people in shares 0.2 / 0.3 / 0.5: the largest remainders give
/// 1, 2 and 4 (not 1.4, 2.1 and 3.5); and 25 in two halves: 12 or 13 by the tie-break, 12.5
/// expected.
#[test]
fn the_expected_path_takes_a_known_composition_with_its_tie_breaks() {
    let sc = scenario(
        r#"scenario(#{ name: "känd", horizon: 2, cohort: 7, composition: "exact", discount_rate: 0 });
actor("kommun");
state("a");
state("b");
state("c");
subgroup("b", 0.3);
subgroup("c", 0.5);
start(#{ a: 1.0 });
start(#{ b: 1.0 }, "b");
start(#{ c: 1.0 }, "c");
cost("a", "kommun", 100);
cost("b", "kommun", 1000);
cost("c", "kommun", 10000);
intervention("x", #{});
"#,
    );
    for it in run_by(&sc, Method::Expected, 2, 1) {
        assert_close("cost of 1, 2 and 4", it.arms[0].total(), 2.0 * 42_100.0);
    }
    let sc = scenario(
        r#"scenario(#{ name: "hälften", horizon: 2, cohort: 25, composition: "exact", discount_rate: 0 });
actor("kommun");
state("a");
state("b");
subgroup("dyr", 0.5);
start(#{ a: 1.0 });
start(#{ b: 1.0 }, "dyr");
cost("a", "kommun", 100);
cost("b", "kommun", 1000);
intervention("x", #{});
"#,
    );
    for it in run_by(&sc, Method::Expected, 2, 1) {
        assert_close(
            "cost of 12.5 and 12.5",
            it.arms[0].total(),
            2.0 * 12.5 * 1100.0,
        );
    }
}

#[test]
fn a_null_intervention_gives_exactly_zero_on_the_expected_path() {
    let sc = scenario(NULL);
    let its = run_by(&sc, Method::Expected, 500, 3);
    let s = ComparisonSamples::new(&sc, &its, 1);
    assert!(s.net.iter().all(|n| *n == 0.0), "net must be exactly 0");
    assert!(s.by_actor.iter().flatten().all(|n| *n == 0.0));
    assert!(s.cumulative.iter().flatten().all(|n| *n == 0.0));
}

#[test]
fn the_expected_path_gives_the_same_bytes_on_any_thread_count() {
    let sc = scenario(NULL);
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| run_by(&sc, Method::Expected, 300, 8));
    let two = pool(2).install(|| run_by(&sc, Method::Expected, 300, 8));
    assert_eq!(one, two);
}

/// Iteration by iteration the two methods draw the same parameters, so the difference of their
/// nets is the cohort's chance alone: its mean is 0 within 4 MCSE, per comparison, actor and
/// year, on every shipped scenario.
#[test]
fn the_expected_path_is_the_mean_of_the_individual_path_on_every_shipped_scenario() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for name in [
        "familjestod.rhai",
        "familjestod_program.rhai",
        "psykisk_ohalsa.rhai",
        "skolfranvaro.rhai",
        "uvas_jobbstod.rhai",
    ] {
        let sc = socinv::script::load_scenario(&root.join(name)).unwrap();
        let n = 4000;
        let individual = run_by(&sc, Method::Individual, n, 21);
        let expected = run_by(&sc, Method::Expected, n, 21);
        for (i, e) in individual.iter().zip(&expected) {
            assert_eq!(i.params, e.params, "{name}: the same parameter draws");
        }
        for (arm, _) in sc.interventions() {
            let a = ComparisonSamples::new(&sc, &individual, arm);
            let b = ComparisonSamples::new(&sc, &expected, arm);
            let mut quantities = vec![("net".to_string(), &a.net, &b.net)];
            for (k, actor) in sc.actors.iter().enumerate() {
                quantities.push((format!("net of {actor}"), &a.by_actor[k], &b.by_actor[k]));
            }
            for (t, (x, y)) in a.cumulative.iter().zip(&b.cumulative).enumerate() {
                quantities.push((format!("net by year {t}"), x, y));
            }
            for (what, x, y) in quantities {
                let d: Vec<f64> = x.iter().zip(y.iter()).map(|(p, q)| p - q).collect();
                let mean = d.iter().sum::<f64>() / n as f64;
                let sd =
                    (d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
                let mcse = sd / (n as f64).sqrt();
                assert!(
                    mean.abs() <= 4.0 * mcse + 1e-6 * x.iter().map(|v| v.abs()).fold(0.0, f64::max),
                    "{name}, {what}: the individual path differs from the expected one by {mean} \
                     (MCSE {mcse})"
                );
            }
        }
    }
}

#[test]
fn the_cli_records_the_method_and_refuses_a_scenario_it_cannot_evaluate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sick_sicker = std::fs::read_to_string(root.join("examples/sick_sicker.rhai")).unwrap();
    let familj = std::fs::read_to_string(root.join("scenarios/familjestod.rhai")).unwrap();
    let dir = folder(&[("ss.rhai", &sick_sicker), ("f.rhai", &familj)]);
    let d = dir.path();
    let ran = socinv_in(
        d,
        &[
            "run", "f.rhai", "-n", "200", "--method", "expected", "--json", "r.json",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains("method: expected"), "{}", ran.stdout);
    // the value of information says what its first EVPI is about on this path
    assert!(
        ran.stdout
            .contains("(--method expected): the first is about")
            && !ran.stdout.contains("includes cohort chance"),
        "{}",
        ran.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    assert_eq!(json["settings"]["method"], "expected");
    let ran = socinv_in(d, &["run", "f.rhai", "-n", "50", "--json", "s.json"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("s.json")).unwrap()).unwrap();
    assert_eq!(json["settings"]["method"], "individual");

    let before = listing(d);
    let ran = socinv_in(
        d,
        &[
            "run", "ss.rhai", "-n", "20", "--method", "expected", "--json", "ss.json",
        ],
    );
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.contains("--method individual") && ran.stderr.contains("values of a person"),
        "{}",
        ran.stderr
    );
    assert_eq!(listing(d), before, "nothing written");
}

/// Two interventions with different uptakes and effects, time in state, subgroups and fixed
/// parameters: every net's spread is the cohort's chance, which the count path must reproduce
/// jointly (A against B is a joint quantity of three arms).
const TWO_ARMS: &str = r#"
scenario(#{ name: "två", horizon: 8, cohort: 40, discount_rate: 0.03 });
actor("kommun");
actor("region");
state("a");
state("b");
state("c");
subgroup("hög risk", 0.3);
start(#{ a: 0.6, b: 0.4 });
start(#{ b: 1.0 }, "hög risk");
intervention("A", #{ startup: 1000, per_participant: 100, years: 3, uptake: 0.7,
                     funded_by: #{ kommun: 1.0 } });
intervention("B", #{ per_participant: 300, years: 2, uptake: 0.4, funded_by: #{ region: 1.0 } });
transition("a", "b", 0.2 * effect(0.5, 0.5, "A"));
transition("a", "c", 0.1 * effect(0.7, 0.0, "B"));
transition("b", "a", min(0.1 * time_in_state(), 0.6) * effect(1.3, 0.2, "B"));
transition("b", "c", if_else(in_subgroup("hög risk"), 0.15, 0.05));
transition("c", "a", 0.05);
cost("a", "kommun", 100);
cost("b", "kommun", 1000);
cost("b", "region", 500);
entry_cost("c", "region", 3000);
"#;

/// The two-sample Kolmogorov–Smirnov statistic of `x` and `y`.
fn ks(x: &[f64], y: &[f64]) -> f64 {
    let (mut x, mut y) = (x.to_vec(), y.to_vec());
    x.sort_by(f64::total_cmp);
    y.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < x.len() && j < y.len() {
        let v = x[i].min(y[j]);
        while i < x.len() && x[i] <= v {
            i += 1;
        }
        while j < y.len() && y[j] <= v {
            j += 1;
        }
        d = d.max((i as f64 / x.len() as f64 - j as f64 / y.len() as f64).abs());
    }
    d
}

/// Mean, sd, the sd's standard error (delta method) and P5/P50/P95 with their standard errors
/// (from the order statistics' 95% intervals).
fn moments(v: &[f64]) -> [(f64, f64); 5] {
    let s = socinv::stats::Summary::of(v).unwrap();
    let n = v.len() as f64;
    let m4 = v.iter().map(|x| (x - s.mean).powi(4)).sum::<f64>() / n;
    let sd_se = ((m4 - s.sd.powi(4)).max(0.0) / n).sqrt() / (2.0 * s.sd.max(1e-300));
    let q = |ci| socinv::stats::interval_mcse(ci);
    [
        (s.mean, s.mcse),
        (s.sd, sd_se),
        (s.p5, q(s.p5_ci)),
        (s.p50, q(s.p50_ci)),
        (s.p95, q(s.p95_ci)),
    ]
}

/// The count path against the individual path in distribution: independent cohorts, so the
/// two estimates of each mean, sd and quantile agree within 4 of their joint standard error,
/// and the KS distance of the nets is below its 0.1% critical value.
fn assert_same_distribution(what: &str, a: &[f64], b: &[f64]) {
    let names = ["mean", "sd", "P5", "P50", "P95"];
    for (k, ((x, sx), (y, sy))) in moments(a).into_iter().zip(moments(b)).enumerate() {
        let se = (sx * sx + sy * sy).sqrt();
        assert!(
            (x - y).abs() <= 4.0 * se + 1e-9 * x.abs().max(1.0),
            "{what}, {}: individual {x} against counts {y} (joint standard error {se})",
            names[k]
        );
    }
    let n = a.len() as f64;
    let d = ks(a, b);
    let critical = 1.95 * (2.0 / n).sqrt();
    assert!(d <= critical, "{what}: KS distance {d} > {critical}");
}

#[test]
fn the_count_path_has_the_individual_paths_distribution_jointly_over_the_arms() {
    let sc = scenario(TWO_ARMS);
    let n = 6000;
    let individual = run_by(&sc, Method::Individual, n, 31);
    let counts = run_by(&sc, Method::Counts, n, 32);
    for arm in [1, 2] {
        let a = ComparisonSamples::new(&sc, &individual, arm);
        let b = ComparisonSamples::new(&sc, &counts, arm);
        assert_same_distribution(&format!("net of arm {arm}"), &a.net, &b.net);
        for k in 0..2 {
            assert_same_distribution(
                &format!("net of arm {arm}, actor {k}"),
                &a.by_actor[k],
                &b.by_actor[k],
            );
        }
        let p = |its: &[IterationResult]| -> Vec<f64> {
            its.iter().map(|it| it.arms[arm].participants).collect()
        };
        assert_same_distribution("participants", &p(&individual), &p(&counts));
    }
    // A against B: the cost of A − the cost of B, a quantity of the arms jointly.
    let joint = |its: &[IterationResult]| -> Vec<f64> {
        its.iter()
            .map(|it| it.arms[1].total() - it.arms[2].total())
            .collect()
    };
    assert_same_distribution("A − B", &joint(&individual), &joint(&counts));
    let outcomes = |its: &[IterationResult]| -> Vec<f64> {
        its.iter()
            .map(|it| it.arms[1].cost_by_year[5] - it.arms[0].cost_by_year[5])
            .collect()
    };
    assert_same_distribution("year 5", &outcomes(&individual), &outcomes(&counts));
}

#[test]
fn the_count_path_has_the_individual_paths_distribution_on_the_shipped_scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for name in [
        "familjestod.rhai",
        "psykisk_ohalsa.rhai",
        "familjestod_program.rhai",
    ] {
        let sc = socinv::script::load_scenario(&root.join(name)).unwrap();
        let n = 3000;
        let individual = run_by(&sc, Method::Individual, n, 41);
        let counts = run_by(&sc, Method::Counts, n, 41);
        for (arm, _) in sc.interventions() {
            let a = ComparisonSamples::new(&sc, &individual, arm);
            let b = ComparisonSamples::new(&sc, &counts, arm);
            // the same parameters, independent cohorts: the paired difference has mean 0
            let d: Vec<f64> = a.net.iter().zip(&b.net).map(|(x, y)| x - y).collect();
            let s = socinv::stats::Summary::of(&d).unwrap();
            assert!(
                s.mean.abs() <= 4.0 * s.mcse,
                "{name}: the count path's net differs by {} (MCSE {})",
                s.mean,
                s.mcse
            );
            assert_same_distribution(&format!("{name}: net"), &a.net, &b.net);
        }
    }
}

#[test]
fn the_count_path_keeps_a_null_intervention_at_exactly_zero_and_any_thread_count() {
    let sc = scenario(NULL);
    let its = run_by(&sc, Method::Counts, 500, 3);
    let s = ComparisonSamples::new(&sc, &its, 1);
    assert!(s.net.iter().all(|n| *n == 0.0), "net must be exactly 0");
    assert!(s.cumulative.iter().flatten().all(|n| *n == 0.0));
    let sc = scenario(TWO_ARMS);
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| run_by(&sc, Method::Counts, 300, 8));
    let two = pool(2).install(|| run_by(&sc, Method::Counts, 300, 8));
    assert_eq!(one, two);
}

#[test]
fn the_count_path_matches_the_exact_markov_expectation() {
    let sc = scenario(MARKOV);
    let its = run_by(&sc, Method::Counts, 20_000, 12);
    let (base_cost, _, _) = markov_exact(false, 0.0);
    let (treat_cost, _, _) = markov_exact(true, 0.0);
    let (cohort, uptake) = (50.0, 0.7);
    let program = 1000.0 + 100.0 * cohort * uptake * (1.0 + 1.03f64.powi(-1) + 1.03f64.powi(-2));
    for (a, share) in [0.6, 0.4].into_iter().enumerate() {
        let exact =
            cohort * (uptake * treat_cost[a] + (1.0 - uptake) * base_cost[a]) + share * program;
        crate::common::assert_within_4_mcse(
            "intervention cost",
            crate::common::mean_mcse(its.iter().map(|it| it.arms[1].cost_by_actor[a])),
            exact,
        );
        crate::common::assert_within_4_mcse(
            "baseline cost",
            crate::common::mean_mcse(its.iter().map(|it| it.arms[0].cost_by_actor[a])),
            cohort * base_cost[a],
        );
    }
    let sc = scenario(TIME_IN_STATE);
    let its = run_by(&sc, Method::Counts, 20_000, 13);
    crate::common::assert_within_4_mcse(
        "cost with time in state",
        crate::common::mean_mcse(its.iter().map(|it| it.arms[0].total())),
        30.0 * tis_exact(),
    );
}

/// `--method auto` takes the count path from 2,000 people per cohort and says so; the method is
/// part of a run, so shards of the count path merge into its single run byte for byte and parts
/// of two methods do not merge.
#[test]
fn auto_picks_by_size_and_shards_keep_their_method() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let familj = std::fs::read_to_string(root.join("scenarios/familjestod.rhai")).unwrap();
    let large = familj.replacen("cohort: 25", "cohort: 5000", 1);
    assert_ne!(large, familj, "the shipped scenario declares cohort: 25");
    let dir = folder(&[("f.rhai", &familj), ("stor.rhai", &large)]);
    let d = dir.path();
    let method_of = |file: &str| -> String {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(file)).unwrap()).unwrap();
        json["settings"]["method"].as_str().unwrap().to_string()
    };
    let ran = socinv_in(d, &["run", "stor.rhai", "-n", "40", "--json", "stor.json"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("counts method (--method auto)"),
        "{}",
        ran.stderr
    );
    assert_eq!(method_of("stor.json"), "counts");
    let ran = socinv_in(d, &["run", "f.rhai", "-n", "40", "--json", "f.json"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(method_of("f.json"), "individual");

    let run = |args: &[&str]| {
        let ran = socinv_in(d, args);
        assert_eq!(ran.code, Some(0), "{args:?}: {}", ran.stderr);
    };
    let common = ["-n", "301", "--seed", "4", "--method", "counts"];
    run(&[&["run", "f.rhai", "--json", "single.json"][..], &common].concat());
    for k in ["1/2", "2/2"] {
        let part = format!("{}.part", &k[..1]);
        run(&[
            &["run", "f.rhai", "--shard", k, "--part", &part][..],
            &common,
        ]
        .concat());
    }
    run(&["merge", "2.part", "1.part", "--json", "merged.json"]);
    assert!(
        std::fs::read(d.join("single.json")).unwrap()
            == std::fs::read(d.join("merged.json")).unwrap(),
        "the merged count path differs from its single run"
    );
    run(&[
        "run",
        "f.rhai",
        "-n",
        "301",
        "--seed",
        "4",
        "--method",
        "individual",
        "--shard",
        "2/2",
        "--part",
        "other.part",
    ]);
    let before = listing(d);
    let ran = socinv_in(
        d,
        &["merge", "1.part", "other.part", "--json", "mixed.json"],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("another run"), "{}", ran.stderr);
    assert_eq!(listing(d), before, "nothing written");
}

/// The sensitivity analyses take `--method` too and record it in their JSON; the expected path
/// gives the value of information about the parameters alone, and says so.
#[test]
fn the_analyses_record_their_method() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let psyk = std::fs::read_to_string(root.join("scenarios/psykisk_ohalsa.rhai")).unwrap();
    let dir = folder(&[("p.rhai", &psyk)]);
    let d = dir.path();
    let ran = socinv_in(
        d,
        &[
            "voi", "p.rhai", "-n", "2000", "--method", "expected", "--json", "voi.json",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("voi.json")).unwrap()).unwrap();
    assert_eq!(json["cohort_method"], "expected");
    assert!(
        json["method"]
            .as_str()
            .unwrap_or_default()
            .contains("the expectation given the parameters (--method expected)"),
        "the method text says what the EVPI is about: {}",
        json["method"]
    );
    let ran = socinv_in(d, &["tornado", "p.rhai", "-n", "200", "--json", "t.json"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("t.json")).unwrap()).unwrap();
    assert_eq!(
        json["cohort_method"], "individual",
        "auto keeps 80 people on the individual path"
    );
}
