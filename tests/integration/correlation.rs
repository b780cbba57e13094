//! Correlated parameters (a Gaussian copula on the uniforms): rank correlation on target,
//! marginals unchanged, an exact expectation of a product, thread independence, bad matrices.

use crate::common::{assert_within_4_mcse, load_error, mean_mcse, scenario, settings};
use socinv::sim::{sample_parameters, simulate};
use statrs::distribution::{ContinuousCDF, LogNormal};

/// Two lognormal unit costs with Spearman 0.6, a uniform with 0.3 to the first, and a parameter
/// in no correlation; the one person stays in "a" one year, costing x·y.
const PAIR: &str = r#"
scenario(#{ name: "pair", horizon: 1, cohort: 1, discount_rate: 0.0 });
actor("kommun");
state("a");
start(#{ a: 1.0 });
let x = param("x", lognormal(100, 50));
let y = param("y", lognormal(200, 60));
let w = param("w", uniform(10, 20));
let free = param("free", normal(0, 1));
correlate("x", "y", 0.6);
correlate("x", "w", 0.3);
intervention("i", #{ startup: 0, per_participant: 0, years: 1, uptake: 1.0,
                     funded_by: #{ kommun: 1.0 } });
cost("a", "kommun", x * y + 0 * w + 0 * free);
"#;

/// The same scenario without correlations.
fn uncorrelated() -> String {
    PAIR.lines()
        .filter(|l| !l.starts_with("correlate"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut r = vec![0.0; values.len()];
    for (rank, &i) in order.iter().enumerate() {
        r[i] = rank as f64;
    }
    r
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = a.len() as f64;
    let m = (n - 1.0) / 2.0;
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - m) * (y - m)).sum();
    let var: f64 = ra.iter().map(|x| (x - m).powi(2)).sum();
    cov / var
}

/// Parameter columns of `n` draws.
fn draws(source: &str, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let sc = scenario(source);
    let s = settings(n, seed);
    let rows: Vec<Vec<f64>> = (0..n).map(|it| sample_parameters(&sc, &s, it)).collect();
    (0..sc.parameters.len())
        .map(|p| rows.iter().map(|r| r[p]).collect())
        .collect()
}

/// Spearman's ρ of two columns over 40 batches of 2,500 draws: mean and MCSE.
fn batched_spearman(a: &[f64], b: &[f64]) -> (f64, f64) {
    mean_mcse(
        a.chunks(2_500)
            .zip(b.chunks(2_500))
            .map(|(x, y)| spearman(x, y)),
    )
}

#[test]
fn rank_correlations_hit_their_targets_within_mcse() {
    let cols = draws(PAIR, 100_000, 11);
    let xy = batched_spearman(&cols[0], &cols[1]);
    let xw = batched_spearman(&cols[0], &cols[2]);
    let yw = batched_spearman(&cols[1], &cols[2]);
    let free = batched_spearman(&cols[0], &cols[3]);
    assert_within_4_mcse("Spearman x–y", xy, 0.6);
    assert_within_4_mcse("Spearman x–w", xw, 0.3);
    assert_within_4_mcse("Spearman x–free", free, 0.0);
    // y–w is not declared (0 in the normal matrix), so it is 0 as well
    assert_within_4_mcse("Spearman y–w", yw, 0.0);
    // a wrong encoding (ρ_s used as the normal correlation) gives (6/π)·asin(0.3) = 0.582
    let wrong = 6.0 / std::f64::consts::PI * (0.3f64).asin();
    assert!(
        (xy.0 - wrong).abs() > 4.0 * xy.1,
        "{xy:?} cannot tell the encoding from {wrong}"
    );
}

#[test]
fn a_matrix_declares_the_same_correlations_as_pairs() {
    let matrix = PAIR.replace(
        "correlate(\"x\", \"y\", 0.6);\ncorrelate(\"x\", \"w\", 0.3);",
        "correlation([\"x\", \"y\", \"w\"], [[1, 0.6, 0.3], [0.6, 1, 0], [0.3, 0, 1.0]]);",
    );
    assert_ne!(matrix, PAIR);
    assert_eq!(draws(&matrix, 500, 3), draws(PAIR, 500, 3));
}

/// Kolmogorov–Smirnov distance between a sample and a CDF.
fn ks(sample: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut s = sample.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len() as f64;
    s.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).abs().max((f - (i + 1) as f64 / n).abs())
        })
        .fold(0.0, f64::max)
}

#[test]
fn marginals_keep_their_declared_distributions() {
    let n = 20_000;
    let cols = draws(PAIR, n, 5);
    // lognormal(200, 60): σ² = ln(1 + 0.09), μ = ln 200 − σ²/2
    let s2 = (1.0f64 + 0.09).ln();
    let y = LogNormal::new(200f64.ln() - s2 / 2.0, s2.sqrt()).unwrap();
    let d_y = ks(&cols[1], |v| y.cdf(v));
    let d_w = ks(&cols[2], |v| ((v - 10.0) / 10.0).clamp(0.0, 1.0));
    // the 1% critical value of the KS distance: 1.63/√n = 0.0115
    let critical = 1.63 / (n as f64).sqrt();
    assert!(d_y < critical, "y's KS distance {d_y} ≥ {critical}");
    assert!(d_w < critical, "w's KS distance {d_w} ≥ {critical}");
    // and a wrong marginal would be seen: y against a lognormal of mean 210
    let shifted = LogNormal::new(210f64.ln() - s2 / 2.0, s2.sqrt()).unwrap();
    assert!(ks(&cols[1], |v| shifted.cdf(v)) > critical);
}

#[test]
fn uncorrelated_parameters_draw_exactly_as_without_correlations() {
    let with = draws(PAIR, 2_000, 8);
    let without = draws(&uncorrelated(), 2_000, 8);
    assert_eq!(with[3], without[3], "the parameter in no correlation");
    assert_eq!(with[0].len(), without[0].len());
    assert_ne!(with[1], without[1], "y is correlated");
}

#[test]
fn mean_of_a_product_of_correlated_lognormals_is_exact() {
    // a Gaussian copula on lognormal marginals is a bivariate lognormal:
    // E[XY] = E[X]·E[Y]·exp(r·σx·σy), r = 2·sin(π·0.6/6)
    let sc = scenario(PAIR);
    let its = simulate(&sc, &settings(40_000, 2), &|| {}).unwrap();
    let (sx, sy) = ((1.0f64 + 0.25).ln().sqrt(), (1.0f64 + 0.09).ln().sqrt());
    let r = 2.0 * (std::f64::consts::PI * 0.6 / 6.0).sin();
    let exact = 100.0 * 200.0 * (r * sx * sy).exp();
    let cost = mean_mcse(its.iter().map(|it| it.arms[0].total()));
    assert_within_4_mcse("E[XY]", cost, exact);
    // without the correlation E[XY] = 20,000, which the estimate must exclude
    assert!((cost.0 - 20_000.0).abs() > 4.0 * cost.1, "{cost:?}");
}

#[test]
fn correlated_draws_are_the_same_on_any_thread_count() {
    let sc = scenario(PAIR);
    let s = settings(3_000, 42);
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let a = pool(1).install(|| simulate(&sc, &s, &|| {})).unwrap();
    let b = pool(2).install(|| simulate(&sc, &s, &|| {})).unwrap();
    assert_eq!(a, b);
}

#[test]
fn fixing_a_correlated_parameter_conditions_its_partners() {
    let sc = scenario(PAIR);
    let mut s = settings(20_000, 4);
    // x at its 90th percentile: y's conditional median is at Φ(r·z₀.₉)
    let x90 = sc.parameters[0].distribution.dist.quantile(0.9);
    s.fixed = vec![(0, x90)];
    let rows: Vec<Vec<f64>> = (0..20_000)
        .map(|it| sample_parameters(&sc, &s, it))
        .collect();
    let r = 2.0 * (std::f64::consts::PI * 0.6 / 6.0).sin();
    let normal = statrs::distribution::Normal::new(0.0, 1.0).unwrap();
    let level = normal.cdf(r * normal.inverse_cdf(0.9));
    let y_median = sc.parameters[1].distribution.dist.quantile(level);
    let below = mean_mcse(rows.iter().map(|p| f64::from(u8::from(p[1] < y_median))));
    assert_within_4_mcse("P(y < conditional median | x = x₉₀)", below, 0.5);
    assert!(rows.iter().all(|p| p[0] == x90));
    // and the parameter in no correlation is untouched
    let free: Vec<Vec<f64>> = (0..200)
        .map(|it| sample_parameters(&sc, &settings(20_000, 4), it))
        .collect();
    assert!(free.iter().zip(&rows).all(|(a, b)| a[3] == b[3]));
}

#[test]
fn invalid_correlations_are_refused_with_their_place() {
    let base = uncorrelated();
    let with = |line: &str| format!("{base}\n{line}\n");
    let e = load_error(&with("correlate(\"x\", \"y\", 1.2);"));
    assert!(
        e.contains("strictly between -1 and 1") && e.contains("test.rhai:"),
        "{e}"
    );
    let e = load_error(&with("correlate(\"x\", \"nope\", 0.2);"));
    assert!(e.contains("no parameter \"nope\""), "{e}");
    let e = load_error(&with("correlate(\"x\", \"x\", 0.2);"));
    assert!(e.contains("with itself"), "{e}");
    let e = load_error(&with(
        "correlate(\"x\", \"y\", 0.2);\ncorrelate(\"y\", \"x\", 0.3);",
    ));
    assert!(e.contains("correlated twice"), "{e}");
    // x–y and x–w strongly positive, y–w strongly negative: not positive definite
    let e = load_error(&with(
        "correlate(\"x\", \"y\", 0.9);\ncorrelate(\"x\", \"w\", 0.9);\ncorrelate(\"y\", \"w\", -0.9);",
    ));
    assert!(
        e.contains("not positive definite")
            && e.contains("help:")
            && e.contains("\"x\", \"y\", \"w\""),
        "{e}"
    );
    let e = load_error(&with("correlation([\"x\", \"y\"], [[1, 0.5], [0.4, 1]]);"));
    assert!(e.contains("symmetric"), "{e}");
    let e = load_error(&with(
        "correlation([\"x\", \"y\"], [[1, 0.5], [0.5, 0.9]]);",
    ));
    assert!(e.contains("diagonal"), "{e}");
    let e = load_error(&with("correlation([\"x\", \"y\"], [[1, 0.5]]);"));
    assert!(e.contains("2 rows of 2 numbers"), "{e}");
}

/// The net is exactly −(100 + a + 2b + c) with b and c correlated (Spearman 0.5, normal
/// r = 2·sin(π/12)); with normal marginals the copula makes (b, c) bivariate normal, so
/// V(2b + c) = 5 + 4r and V(a) = 3 exactly.
const ADDITIVE: &str = r#"
scenario(#{ name: "additive", horizon: 1, cohort: 1 });
actor("kommun");
state("s");
start(#{ s: 1.0 });
let a = param("a", uniform(0, 6));
let b = param("b", normal(0, 1));
let c = param("c", normal(10, 1));
correlate("b", "c", 0.5);
intervention("x", #{ startup: 100 + a + 2 * b + c, funded_by: #{ kommun: 1.0 } });
"#;

fn analysis(
    sc: &socinv::scenario::Scenario,
    iterations: usize,
) -> socinv::sensitivity::Analysis<'_> {
    socinv::sensitivity::Analysis {
        method: socinv::sim::Method::Individual,
        scenario: sc,
        iterations,
        seed: 3,
        fixed: Vec::new(),
        perspective: None,
        progress: &socinv::sensitivity::NoProgress,
    }
}

#[test]
fn sobol_indices_of_correlated_parameters_are_grouped() {
    let sc = scenario(ADDITIVE);
    let report = socinv::sensitivity::sobol::sobol(&analysis(&sc, 0), 4_000, 200).unwrap();
    let indices = &report.results[0].indices;
    let names: Vec<&str> = indices.iter().map(|i| i.input.as_str()).collect();
    assert!(
        names.contains(&"b + c") && names.contains(&"a"),
        "{names:?}"
    );
    assert!(!names.contains(&"b") && !names.contains(&"c"), "{names:?}");
    let r = 2.0 * (std::f64::consts::PI / 12.0).sin();
    let total = 8.0 + 4.0 * r;
    for (name, truth, wrong) in [
        ("b + c", (5.0 + 4.0 * r) / total, 5.0 / 8.0),
        ("a", 3.0 / total, 3.0 / 8.0),
    ] {
        let i = indices.iter().find(|i| i.input == name).unwrap();
        for (what, estimate, ci) in [
            ("first order", i.first_order, i.first_order_ci),
            ("total", i.total, i.total_ci),
        ] {
            let width = ci[1] - ci[0];
            assert!(
                (estimate - truth).abs() <= width && width < 0.1,
                "{name} {what}: {estimate} {ci:?}, exact {truth}"
            );
            // ignoring the correlation (independent b and c) would give `wrong`
            assert!(
                (truth - wrong).abs() > width,
                "{name} {what}: {ci:?} vs {wrong}"
            );
        }
    }
}

#[test]
fn tornado_at_medians_puts_correlated_partners_at_their_conditional_medians() {
    use socinv::sensitivity::Metric;
    use socinv::sensitivity::tornado::{Others, tornado};
    let sc = scenario(ADDITIVE);
    let report = tornado(&analysis(&sc, 20), Metric::Net, 0.1, 0.9, Others::Median).unwrap();
    let bar = report.results[0]
        .bars
        .iter()
        .find(|b| b.parameter == "b")
        .unwrap();
    // b at its 90th percentile: c's median given b is 10 + r·z₀.₉ (bivariate normal), a at 3
    let normal = statrs::distribution::Normal::new(0.0, 1.0).unwrap();
    let z = normal.inverse_cdf(0.9);
    let r = 2.0 * (std::f64::consts::PI / 12.0).sin();
    let exact = -(100.0 + 3.0 + 2.0 * z + 10.0 + r * z);
    assert!(
        (bar.at_high.value - exact).abs() < 1e-6,
        "{} vs {exact}",
        bar.at_high.value
    );
    // c held at its marginal median would give −(113 + 2z)
    assert!((bar.at_high.value + 113.0 + 2.0 * z).abs() > 0.5);
    assert_eq!(
        report.correlated,
        vec![vec!["b".to_string(), "c".to_string()]]
    );
    assert!(report.table().contains("Correlated: b, c"));
}

/// A decision that could go either way: the intervention halves the move into the costly
/// state "t", whose price rises with b + c (correlated).
const DECISION: &str = r#"
scenario(#{ name: "decision", horizon: 2, cohort: 200, discount_rate: 0.0 });
actor("kommun");
state("s");
state("t");
start(#{ s: 1.0 });
let b = param("b", normal(0, 1));
let c = param("c", normal(10, 1));
let d = param("d", uniform(0, 1));
correlate("b", "c", 0.5);
intervention("x", #{ startup: 5000, funded_by: #{ kommun: 1.0 } });
transition("s", "t", 0.5 * effect(0.5, 0));
cost("t", "kommun", max(100 * (b + c - 7), 0) + 0 * d);
"#;

#[test]
fn evppi_of_a_correlated_group_is_reported_and_bounded_by_evpi() {
    let sc = scenario(DECISION);
    let report = socinv::sensitivity::voi::voi(&analysis(&sc, 4_000)).unwrap();
    let group = report
        .evppi
        .iter()
        .find(|e| e.parameter == "b + c")
        .unwrap_or_else(|| panic!("no group row in {:?}", report.evppi));
    let single = |name: &str| report.evppi.iter().find(|e| e.parameter == name).unwrap();
    assert!(report.evpi.evpi > 0.0, "the decision must be uncertain");
    // learning b and c is worth about as much as learning everything (d does nothing), more
    // than learning either alone
    assert!(group.evppi <= report.evpi.evpi + 1e-9);
    assert!(
        group.evppi > 0.8 * report.evpi.evpi,
        "{group:?} vs {:?}",
        report.evpi
    );
    assert!(group.evppi >= single("b").evppi && group.evppi >= single("c").evppi);
    assert!(single("d").evppi < 0.1 * report.evpi.evpi);
    assert!(report.method.contains("correlated group"));
}

#[test]
fn check_shows_the_correlations_and_the_json_carries_them() {
    let bad = PAIR.replace(
        "correlate(\"x\", \"w\", 0.3);",
        "correlate(\"x\", \"w\", 0.9);\ncorrelate(\"y\", \"w\", -0.9);\ncorrelate(\"x\", \"y\", 0.9);",
    )
    .replace("correlate(\"x\", \"y\", 0.6);\n", "");
    let dir = crate::common::folder(&[("pair.rhai", PAIR), ("bad.rhai", &bad)]);
    let check = crate::common::socinv_in(dir.path(), &["check", "pair.rhai"]);
    assert_eq!(check.code, Some(0), "{}", check.stderr);
    assert!(
        check.stdout.contains("Rank correlations"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("0.618"),
        "r of ρ = 0.6: {}",
        check.stdout
    );
    let run = crate::common::socinv_in(
        dir.path(),
        &["run", "pair.rhai", "-n", "200", "--json", "out.json"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.json")).unwrap())
            .unwrap();
    let c = &json["scenario"]["correlations"];
    assert_eq!(c[0]["first"], "x");
    assert_eq!(c[0]["second"], "y");
    assert_eq!(c[0]["spearman"], 0.6);
    assert!(
        c[0]["declared_at"]
            .as_str()
            .unwrap()
            .starts_with("pair.rhai:")
    );
    let refused = crate::common::socinv_in(
        dir.path(),
        &["run", "bad.rhai", "-n", "200", "--json", "bad.json"],
    );
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("bad.rhai:") && refused.stderr.contains("not positive definite"),
        "{}",
        refused.stderr
    );
    assert!(!dir.path().join("bad.json").exists());
}

#[test]
fn threshold_of_a_correlated_parameter_counts_what_it_implies_for_its_partner() {
    use socinv::sensitivity::threshold::{Target, threshold};
    // E[net | b = v] = −(100 + 3 + 2v + 10 + r·v): the net reaches −115 at v = 2 / (2 + r);
    // with c held independent of b it would be at v = 1
    let sc = scenario(ADDITIVE);
    let report = threshold(
        &analysis(&sc, 4_000),
        "b",
        Target::parse("net=-115").unwrap(),
    )
    .unwrap();
    let result = &report.results[0];
    let (value, mcse) = (result.value.unwrap(), result.value_mcse.unwrap());
    let r = 2.0 * (std::f64::consts::PI / 12.0).sin();
    assert_within_4_mcse("threshold of b", (value, mcse), 2.0 / (2.0 + r));
    assert!((value - 1.0).abs() > 4.0 * mcse, "{value} ± {mcse}");
}
