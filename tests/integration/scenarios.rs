//! The shipped scenarios (`scenarios/*.rhai`) and the benchmark workload: each loads, passes
//! `check`, runs, compares at least one intervention with ordinary practice, and gives finite
//! numbers everywhere a number is promised.

use serde_json::Value;
use socinv::report;
use socinv::results::RunResults;
use socinv::samples::RunSamples;
use socinv::scenario::Scenario;
use socinv::script::load_scenario;
use socinv::sim::{SimSettings, simulate};
use std::path::{Path, PathBuf};

const ITERATIONS: usize = 300;

/// Every `.rhai` file in `scenarios/`, sorted.
fn shipped() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .expect("the scenarios folder exists")
        .map(|e| e.expect("a readable folder entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "scenarios/ holds no .rhai files: the glob found nothing"
    );
    files
}

fn load(path: &Path) -> Scenario {
    load_scenario(path).unwrap_or_else(|e| panic!("{} should load: {e}", path.display()))
}

fn run(path: &Path, sc: &Scenario) -> (Vec<socinv::sim::IterationResult>, RunResults) {
    let settings = SimSettings {
        method: socinv::sim::Method::Individual,
        iterations: ITERATIONS,
        seed: 1,
        fixed: Vec::new(),
    };
    let its = simulate(sc, &settings, &|| {})
        .unwrap_or_else(|e| panic!("{} should run {ITERATIONS} iterations: {e}", path.display()));
    let results = RunResults::new(sc, &settings, &RunSamples::of(sc, &its));
    (its, results)
}

/// Keys of the results JSON that may be null: a payback year nobody reaches (and an end of its
/// interval beyond the horizon), a parameter not fixed, a price year not given, a ROI with a zero
/// mean investment, tables that cannot be evaluated.
const MAY_BE_NULL: [&str; 6] = [
    "median_year",
    "median_year_ci",
    "fixed_at",
    "price_year",
    "roi",
    "tables_at_medians",
];

/// Every number in the JSON is finite (serde_json writes NaN and ±inf as null, so a null where a
/// number belongs is a non-finite number). Returns the paths of offending nulls.
fn nulls(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Null => found.push(path.to_string()),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                nulls(v, &format!("{path}[{i}]"), found);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                if (v.is_null() || k == "median_year_ci") && MAY_BE_NULL.contains(&k.as_str()) {
                    continue;
                }
                nulls(v, &format!("{path}.{k}"), found);
            }
        }
        Value::Number(n) => assert!(
            n.as_f64().is_some_and(f64::is_finite),
            "{path} is not a finite number"
        ),
        Value::Bool(_) | Value::String(_) => {}
    }
}

#[test]
fn every_shipped_scenario_passes_check() {
    for path in shipped() {
        let name = path.display();
        let sc = load(&path);
        let text = report::model_description(&sc)
            .unwrap_or_else(|e| panic!("socinv check {name} should pass: {e}"));
        assert!(
            sc.interventions().count() >= 1,
            "{name} declares no intervention"
        );
        assert!(!sc.name.trim().is_empty(), "{name} has no name");
        assert!(
            !sc.notes.trim().is_empty(),
            "{name} has no comment block at the top describing the intervention and its sources"
        );
        for p in &sc.parameters {
            assert!(
                text.contains(&p.name),
                "check of {name} does not list parameter {}",
                p.name
            );
            let d = &p.distribution.dist;
            let (p5, p50, p95) = (d.quantile(0.05), d.quantile(0.5), d.quantile(0.95));
            assert!(
                p5.is_finite() && p95.is_finite() && p5 <= p50 && p50 <= p95,
                "{name}: parameter {} ({}) has P5 {p5}, P50 {p50}, P95 {p95}",
                p.name,
                p.distribution
            );
        }
        for (_, arm) in sc.interventions() {
            assert!(
                text.contains(&arm.name),
                "check of {name} does not list intervention {}",
                arm.name
            );
        }
    }
}

#[test]
fn every_shipped_scenario_runs_with_finite_numbers() {
    for path in shipped() {
        let name = path.display().to_string();
        let sc = load(&path);
        let (its, r) = run(&path, &sc);
        assert_eq!(its.len(), ITERATIONS);
        for (i, it) in its.iter().enumerate() {
            assert!(
                it.params.iter().all(|v| v.is_finite()),
                "{name}: iteration {i} drew a non-finite parameter: {:?}",
                it.params
            );
            for arm in &it.arms {
                assert!(
                    arm.cost_by_actor
                        .iter()
                        .chain(&arm.cost_by_year)
                        .chain(&arm.outcomes)
                        .all(|v| v.is_finite()),
                    "{name}: iteration {i} has a non-finite cost or outcome"
                );
            }
        }

        assert!(
            !r.comparisons.is_empty(),
            "{name}: no comparison of an intervention with ordinary practice"
        );
        let horizon = sc.horizon as usize;
        for c in &r.comparisons {
            let what = format!("{name}, {}", c.intervention);
            for (label, s) in [
                ("net", &c.net),
                ("savings", &c.savings),
                ("investment", &c.investment),
            ] {
                assert!(
                    [s.mean, s.sd, s.mcse, s.p5, s.p50, s.p95, s.min, s.max]
                        .iter()
                        .all(|v| v.is_finite()),
                    "{what}: {label} is not finite: {s:?}"
                );
            }
            assert!(
                c.investment.min > 0.0,
                "{what}: the intervention costs nothing in some iteration (investment min {})",
                c.investment.min
            );
            assert!((0.0..=1.0).contains(&c.prob_net_positive), "{what}");
            assert_eq!(c.payback.cdf.len(), horizon, "{what}: payback cdf");
            assert_eq!(c.per_year.len(), horizon, "{what}: per_year");
            // the cumulative net of the last year is the net
            let last = &c.per_year[horizon - 1].cumulative_net;
            assert!(
                (last.mean - c.net.mean).abs() <= 1e-9 * c.net.mean.abs().max(1.0),
                "{what}: cumulative net in the last year {} ≠ net {}",
                last.mean,
                c.net.mean
            );
            // an iteration pays back within the horizon exactly when its net is positive, and
            // the share paid back never falls from one year to the next
            assert_eq!(
                c.payback.prob_within_horizon, c.prob_net_positive,
                "{what}: P(payback within the horizon) ≠ P(net > 0)"
            );
            assert!(
                c.payback.cdf.windows(2).all(|w| w[0] <= w[1]),
                "{what}: payback cdf {:?}",
                c.payback.cdf
            );
            assert_eq!(c.per_year[horizon - 1].cumulative_net, c.net, "{what}");
            let actors: Vec<&String> = c.by_actor.keys().collect();
            assert_eq!(
                actors,
                sc.actors.iter().collect::<Vec<_>>(),
                "{what}: by_actor"
            );
            // the actors' nets add up to the net
            let sum: f64 = c.by_actor.values().map(|a| a.net.mean).sum();
            assert!(
                (sum - c.net.mean).abs() <= 1e-6 * c.net.mean.abs().max(1.0),
                "{what}: the actors' nets add up to {sum}, the net is {}",
                c.net.mean
            );
        }

        let json: Value = serde_json::from_str(&report::json(&r)).unwrap();
        let mut found = Vec::new();
        nulls(&json, "", &mut found);
        assert!(
            found.is_empty(),
            "{name}: non-finite numbers (null in the JSON) at {found:?}"
        );
        // a null ROI is only allowed where the mean investment is zero
        for c in json["comparisons"].as_array().unwrap() {
            if c["roi"].is_null() {
                assert_eq!(
                    c["investment"]["mean"].as_f64(),
                    Some(0.0),
                    "{name}: ROI is null with a positive investment"
                );
            }
        }
    }
}

#[test]
fn the_benchmark_workload_loads_with_its_documented_size() {
    let path = Path::new("benches/reference.rhai");
    let sc = load(path);
    report::model_description(&sc).unwrap_or_else(|e| panic!("check of {path:?}: {e}"));
    // as documented at the top of the file and in the README's "Performance"
    assert_eq!(sc.states.len(), 8, "states");
    assert_eq!(sc.actors.len(), 4, "actors");
    assert_eq!(sc.horizon, 20, "horizon");
    assert_eq!(sc.cohort, 1000, "cohort");
    assert_eq!(sc.arms.len(), 2, "arms");
    assert_eq!(sc.parameters.len(), 10, "parameters");
    let tis = sc
        .transitions
        .iter()
        .filter(|r| r.probability.dependencies().time_in_state)
        .count();
    assert_eq!(tis, 1, "transitions that depend on time in state");
    // and it runs (a couple of iterations: the full workload is the benchmark's job)
    let settings = SimSettings {
        method: socinv::sim::Method::Individual,
        iterations: 2,
        seed: 1,
        fixed: Vec::new(),
    };
    let its = simulate(&sc, &settings, &|| {}).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    assert!(
        its.iter()
            .all(|it| it.arms.iter().all(|a| a.total().is_finite()))
    );
}
