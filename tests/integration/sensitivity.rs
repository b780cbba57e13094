//! Sensitivity analyses on models whose answers are known exactly.

use crate::common::{run, scenario, settings};
use socinv::results::ComparisonSamples;
use socinv::sensitivity::precision::{BATCH, run_to_precision};
use socinv::sensitivity::sweep::{Axis, sweep};
use socinv::sensitivity::threshold::{Target, ThresholdStatus, threshold};
use socinv::sensitivity::tornado::{Others, tornado};
use socinv::sensitivity::{Analysis, Metric};
use socinv::sim::simulate;

/// The net is exactly −(100 + 10a + 2b + c): no cohort chance, additive in its parameters.
const LINEAR: &str = r#"
scenario(#{ name: "linear", horizon: 1, cohort: 1 });
actor("kommun");
state("s");
start(#{ s: 1.0 });
let a = param("a", uniform(0, 10));
let b = param("b", uniform(0, 10));
let c = param("c", uniform(0, 10));
intervention("x", #{ startup: 100 + 10 * a + 2 * b + c, funded_by: #{ kommun: 1.0 } });
"#;

fn analysis(sc: &socinv::scenario::Scenario, iterations: usize) -> Analysis<'_> {
    Analysis {
        method: socinv::sim::Method::Individual,
        scenario: sc,
        iterations,
        seed: 7,
        fixed: Vec::new(),
        perspective: None,
        progress: &socinv::sensitivity::NoProgress,
    }
}

#[test]
fn tornado_orders_parameters_by_their_known_swings() {
    let sc = scenario(LINEAR);
    for others in [Others::Vary, Others::Median] {
        let r = tornado(&analysis(&sc, 400), Metric::Net, 0.1, 0.9, others).unwrap();
        let bars = &r.results[0].bars;
        let names: Vec<&str> = bars.iter().map(|b| b.parameter.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        // P10 = 1, P90 = 9 for uniform(0, 10): swings −10·8, −2·8, −1·8, exactly (no chance).
        for (bar, coef) in bars.iter().zip([10.0, 2.0, 1.0]) {
            assert!((bar.swing.value + coef * 8.0).abs() < 1e-9, "{bar:?}");
            assert!(
                bar.swing.mcse < 1e-9,
                "common random numbers make the swing exact"
            );
        }
    }
}

#[test]
fn threshold_of_a_linear_net_is_its_analytic_root() {
    let sc = scenario(LINEAR);
    let n = 2_000;
    let a = analysis(&sc, n);
    let r = threshold(&a, "a", Target::parse("net=-150").unwrap()).unwrap();
    let t = &r.results[0];
    assert_eq!(t.status, ThresholdStatus::Found);
    let (value, mcse) = (t.value.unwrap(), t.value_mcse.unwrap());
    // E[net | a] = −(100 + 10a + 2·5 + 5) = −150  ⇔  a = 3.5
    assert!(mcse > 0.0 && mcse < 0.1, "mcse {mcse}");
    assert!((value - 3.5).abs() < 4.0 * mcse, "{value} ± {mcse}");
    // With the same draws, the root solves the sample equation exactly.
    let its = simulate(&sc, &settings(n, 7), &|| {}).unwrap();
    let mean_bc: f64 = its
        .iter()
        .map(|it| 2.0 * it.params[1] + it.params[2])
        .sum::<f64>()
        / n as f64;
    assert!((value - (50.0 - mean_bc) / 10.0).abs() < 1e-6);
}

#[test]
fn threshold_says_when_the_target_is_out_of_reach() {
    let sc = scenario(LINEAR);
    let r = threshold(&analysis(&sc, 200), "a", Target::parse("net=0").unwrap()).unwrap();
    assert_eq!(r.results[0].status, ThresholdStatus::NotMet);
    assert!(r.results[0].value.is_none());
    let json = serde_json::to_value(&r).unwrap();
    let statement = json["results"][0]["statement"].as_str().unwrap();
    assert!(statement.contains("not met"), "{statement}");
}

#[test]
fn sweep_follows_the_linear_net() {
    let sc = scenario(LINEAR);
    let a = analysis(&sc, 300);
    let axes = vec![
        Axis::parse(&a, "a=0..10:3").unwrap(),
        Axis::parse(&a, "b=0..10:2").unwrap(),
    ];
    let r = sweep(&a, axes).unwrap();
    assert_eq!(r.points.len(), 6);
    let mean_c: f64 = simulate(&sc, &settings(300, 7), &|| {})
        .unwrap()
        .iter()
        .map(|it| it.params[2])
        .sum::<f64>()
        / 300.0;
    for p in &r.points {
        let exact = -(100.0 + 10.0 * p.values[0] + 2.0 * p.values[1] + mean_c);
        assert!((p.results[0].net.value - exact).abs() < 1e-9);
        assert_eq!(p.results[0].prob_net_positive.value, 0.0);
    }
    assert!(Axis::parse(&a, "zz=0..1").is_err());
    assert!(Axis::parse(&a, "a=1..0").is_err());
}

#[test]
fn drivers_rank_the_parameters_of_an_additive_net() {
    let sc = scenario(LINEAR);
    let (_, r) = run(&sc, 3_000, 1);
    let d = &r.comparisons[0].drivers;
    let names: Vec<&str> = d.iter().map(|x| x.parameter.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert!(d.iter().all(|x| x.spearman < 0.0));
    // Without noise the partial rank correlations of an additive monotone net are near −1.
    assert!(d.iter().all(|x| x.prcc.unwrap() < -0.9), "{d:?}");
}

/// A run to precision's iterations, collected.
fn to_precision(
    sc: &socinv::scenario::Scenario,
    s: &socinv::sim::SimSettings,
    (target, max): (f64, usize),
    on_batch: &dyn Fn(&socinv::sensitivity::precision::PrecisionProgress),
) -> (
    socinv::sensitivity::precision::PreciseRun,
    Vec<socinv::sim::IterationResult>,
) {
    let mut all = Vec::new();
    let run = run_to_precision(sc, s, (target, max), &|| {}, on_batch, &mut |chunk| {
        all.extend(chunk);
        Ok(())
    })
    .unwrap();
    assert_eq!(run.iterations, all.len());
    (run, all)
}

#[test]
fn precision_stops_deterministically_in_whole_batches() {
    let sc = scenario(crate::engine::MARKOV);
    let s = settings(0, 3);
    let (a, a_its) = to_precision(&sc, &s, (2_000.0, 50_000), &|_| {});
    assert!(a.reached && a.mcse <= 2_000.0);
    assert_eq!(a.iterations % BATCH, 0);
    let (_, b_its) = to_precision(&sc, &s, (2_000.0, 50_000), &|_| {});
    assert_eq!(a_its, b_its);
    // The same iterations as a plain run of that length.
    let plain = simulate(&sc, &settings(a.iterations, 3), &|| {}).unwrap();
    assert_eq!(a_its, plain);
    let (capped, _) = to_precision(&sc, &s, (1e-9, 1_500), &|_| {});
    assert!(!capped.reached);
    assert_eq!(capped.iterations, 1_500);
}

/// After the first batch the run heads for n·(MCSE/target)² in batches that at most double it:
/// a few checks instead of one per thousand iterations, and the MCSE it reports is that of the
/// iterations it returns.
#[test]
fn precision_estimates_the_iterations_needed_and_checks_a_few_times() {
    let sc = scenario(crate::engine::MARKOV);
    let s = settings(0, 3);
    let (first, _) = to_precision(&sc, &s, (f64::MAX, 50_000), &|_| {});
    assert_eq!(first.iterations, BATCH);
    // a target that needs about 30 batches
    let target = first.mcse / 30f64.sqrt();
    let batches = std::cell::RefCell::new(Vec::new());
    let (run, its) = to_precision(&sc, &s, (target, 200_000), &|p| {
        batches.borrow_mut().push(*p)
    });
    let batches = batches.into_inner();
    assert!(run.reached);
    assert!(batches.len() <= 8, "{batches:?}");
    assert!(
        (batches[0].needed as f64 - 30_000.0).abs() < 1_000.0,
        "{batches:?}"
    );
    let used = run.iterations;
    assert!((20_000..45_000).contains(&used), "{used}");
    let net = ComparisonSamples::new(&sc, &its, 1).net;
    let e = socinv::sensitivity::Estimate::mean(&net);
    assert!(
        (e.mcse / run.mcse - 1.0).abs() < 1e-9,
        "{} vs {}",
        e.mcse,
        run.mcse
    );
}

/// One avoidable outcome that carries all the savings: entering "placerad" (cost C a year, in
/// year 1 only) happens with probability p, or p·rr for participants; the program costs K per
/// participant. Each avoided placement saves exactly C, so the WSIPP break-even is exactly K / C
/// avoided placements per participant, and the model achieves p(1 − rr) of them. (`x` is a
/// parameter for `threshold` to solve for; it changes nothing.)
#[test]
fn wsipp_break_even_of_an_outcome_that_carries_all_savings() {
    let (p, rr, c, k) = (0.3, 0.6, 500_000.0, 40_000.0);
    let sc = scenario(&format!(
        r#"scenario(#{{ name: "wsipp", horizon: 2, cohort: 50, discount_rate: 0.0 }});
actor("kommun");
state("hemma"); state("placerad");
start(#{{ hemma: 1.0 }});
let x = param("x", uniform(0, 1));
intervention("stöd", #{{ per_participant: {k}, years: 1, funded_by: #{{ kommun: 1.0 }} }});
transition("hemma", "placerad", {p} * if_else(treated(), {rr}, 1.0));
cost("placerad", "kommun", {c});
cost("hemma", "kommun", 0 * x);
entry_outcome("placeringar", "placerad", 1);
"#
    ));
    let r = threshold(&analysis(&sc, 4_000), "x", Target::parse("net=0").unwrap()).unwrap();
    let b = &r.break_even[0];
    assert_eq!(b.outcome, "placeringar");
    assert!((b.value_per_avoided - c).abs() < 1e-6 * c, "{b:?}");
    assert!((b.cost_per_participant - k).abs() < 1e-9 * k, "{b:?}");
    assert!((b.break_even_per_participant - k / c).abs() < 1e-9, "{b:?}");
    assert!(b.break_even_per_participant_mcse < 1e-9, "{b:?}");
    let exact = p * (1.0 - rr);
    let (achieved, mcse) = (b.achieved_per_participant, b.achieved_per_participant_mcse);
    assert!(mcse > 0.0 && mcse < 0.01, "{b:?}");
    assert!(
        (achieved - exact).abs() < 4.0 * mcse,
        "{achieved} ± {mcse} vs {exact}"
    );
}
