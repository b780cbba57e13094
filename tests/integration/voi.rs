//! Value of information on models whose answers are known exactly.

use crate::common::{run, scenario};
use socinv::samples::RunSamples;
use socinv::scenario::Scenario;
use socinv::sensitivity::Analysis;
use socinv::sensitivity::voi::{VoiReport, evpi, voi};
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

/// One person, one year, one state whose cost c ~ normal(μ, σ) the intervention removes (at no
/// program cost): the net is exactly c, with no cohort chance. `z` is drawn but used nowhere.
fn normal_net(mu: f64, sigma: f64) -> String {
    format!(
        r#"
scenario(#{{ name: "normal net", horizon: 1, cohort: 1 }});
actor("kommun");
state("s");
start(#{{ s: 1.0 }});
let c = param("c", normal({mu}, {sigma}));
let z = param("z", uniform(0, 1));
intervention("x", #{{}});
cost("s", "kommun", c * (1 - treated()));
"#
    )
}

/// A Markov model with cohort chance: 40 people, 6 years, an uncertain exit rate, effect, cost
/// and a parameter that matters little; two interventions. The nets are near 0 so the decision
/// is uncertain.
const MARKOV: &str = r#"
scenario(#{ name: "markov", horizon: 6, cohort: 40, discount_rate: 0.03 });
actor("kommun");
actor("staten");
perspective("kommunen", ["kommun"]);
state("utanför");
state("arbete");
start(#{ "utanför": 1.0 });
let p = param("p_arbete", beta_mean_sd(0.2, 0.05));
let rr = param("rr", lognormal_ci(1.4, 1.0, 2.0));
let k = param("kostnad", gamma_mean_sd(100000, 30000));
let small = param("liten", uniform(0, 2000));
let kind = param("sort", discrete([0.9, 1.0, 1.1], [1, 1, 1]));
intervention("A", #{ startup: 200000, per_participant: 20000, years: 2, funded_by: #{ kommun: 1.0 } });
intervention("B", #{ startup: 100000, per_participant: 35000, years: 1, funded_by: #{ kommun: 1.0 } });
transition("utanför", "arbete", min(p * effect(rr * kind, 0.3), 1.0));
transition("arbete", "utanför", 0.1);
cost("utanför", "kommun", 0.4 * k + small);
cost("utanför", "staten", 0.6 * k);
"#;

fn analysis(sc: &Scenario, iterations: usize, seed: u64) -> Analysis<'_> {
    Analysis {
        method: socinv::sim::Method::Individual,
        scenario: sc,
        iterations,
        seed,
        fixed: Vec::new(),
        perspective: None,
        progress: &socinv::sensitivity::NoProgress,
    }
}

fn evppi_of(r: &VoiReport, name: &str) -> f64 {
    r.evppi
        .iter()
        .find(|e| e.parameter == name)
        .unwrap_or_else(|| panic!("no EVPPI for {name}"))
        .evppi
}

/// E[max(X, 0)] − max(μ, 0) for X ~ normal(μ, σ).
fn exact_evpi(mu: f64, sigma: f64) -> f64 {
    let std = Normal::new(0.0, 1.0).unwrap();
    let z = mu / sigma;
    sigma * std.pdf(z) + mu * std.cdf(z) - mu.max(0.0)
}

#[test]
fn evpi_of_a_normal_net_is_its_closed_form() {
    let n = 20_000;
    for (mu, sigma, decision) in [(-100.0, 400.0, "Ordinarie arbetssätt"), (150.0, 300.0, "x")] {
        let sc = scenario(&normal_net(mu, sigma));
        let r = voi(&analysis(&sc, n, 3)).unwrap();
        let e = &r.evpi;
        assert_eq!(e.decision, decision);
        assert_eq!(e.perspective, "all actors");
        let exact = exact_evpi(mu, sigma);
        assert!(e.evpi_mcse > 0.0 && e.evpi_mcse < 0.05 * exact, "{e:?}");
        assert!(
            (e.evpi - exact).abs() <= 4.0 * e.evpi_mcse,
            "EVPI {} (MCSE {}) vs exact {exact}",
            e.evpi,
            e.evpi_mcse
        );
        // The same through the run's entry point, for every point of view.
        let (its, _) = run(&sc, n, 3);
        let all = evpi(&sc, &RunSamples::of(&sc, &its));
        assert_eq!(all.len(), 1 + sc.perspectives.len());
        assert_eq!(all[0].perspective, "all actors");
        assert_eq!(all[1].perspective, sc.perspectives[0].name);
        assert_eq!(all[0].decision, e.decision);
        assert_eq!(all[0].evpi, e.evpi, "same draws, same reduction");
        assert!((all[0].evpi_parameters - e.evpi_parameters).abs() < 1e-9 * exact);
    }
}

#[test]
fn evppi_without_cohort_chance_is_all_or_nothing() {
    let n = 20_000;
    // μ = 0: the decision is a toss-up, so even small noise in a fit can flip it (the hardest
    // case for the EVPPI of a parameter that does not matter).
    let (mu, sigma) = (0.0, 400.0);
    let sc = scenario(&normal_net(mu, sigma));
    let r = voi(&analysis(&sc, n, 5)).unwrap();
    let e = &r.evpi;
    // The net is c itself: its spline (which has a linear term) fits it exactly, so knowing c is
    // knowing everything.
    let c = evppi_of(&r, "c");
    assert!(
        (c - e.evpi).abs() < 1e-9 * e.evpi,
        "EVPPI(c) {c} vs EVPI {}",
        e.evpi
    );
    assert!((e.evpi_parameters - e.evpi).abs() < 1e-9 * e.evpi, "{e:?}");
    assert_eq!(r.evppi[0].parameter, "c", "sorted largest first");
    assert!((r.evppi[0].share_of_evpi - 1.0).abs() < 1e-9);
    // Its stated MCSE is the EVPI's (the fit is exact), and the closed form σφ(0) lies within
    // 4 of them.
    let p = &r.evppi[0];
    assert!(
        (p.evppi_mcse - e.evpi_mcse).abs() < 1e-6 * e.evpi_mcse,
        "{p:?} vs {e:?}"
    );
    assert!(
        (p.evppi - exact_evpi(mu, sigma)).abs() < 4.0 * p.evppi_mcse,
        "EVPPI(c) {} ± {} vs the closed form {}",
        p.evppi,
        p.evppi_mcse,
        exact_evpi(mu, sigma)
    );
    // z does not enter the net: its fitted values g are c's mean plus the part of c's noise that
    // its 3 spline columns pick up by chance, whose mean square is ≈ 3σ²/n. The EVPPI is at most
    // mean |g − ḡ| ≤ RMS(g − ḡ) ≈ σ√(3/n) ≈ 4.9 here (over 40 seeds it stayed below 0.75 of
    // that); 3 times that is allowed, 9% of the EVPI σφ(0) ≈ 160 that c alone is worth.
    let z = evppi_of(&r, "z");
    let tolerance = 3.0 * sigma * (3.0 / n as f64).sqrt();
    assert!((0.0..=tolerance).contains(&z), "EVPPI(z) {z} > {tolerance}");
    assert!(tolerance < 0.1 * e.evpi);
}

#[test]
fn evppi_is_bounded_by_the_value_of_all_parameters() {
    let sc = scenario(MARKOV);
    let n = 8_000;
    for perspective in [None, Some(0)] {
        let a = Analysis {
            method: socinv::sim::Method::Individual,
            perspective,
            ..analysis(&sc, n, 11)
        };
        let r = voi(&a).unwrap();
        let e = &r.evpi;
        assert_eq!(r.evppi.len(), 5);
        // The regression estimates carry noise of the order of sd(net) × √(coefficients / n);
        // 3 times that bound, with the 13 coefficients of the additive model, is allowed.
        let its = a.run_with(&[]).unwrap();
        let nets = a
            .metric_values(socinv::sensitivity::Metric::Net, &its)
            .unwrap();
        let sd = nets
            .iter()
            .map(|v| {
                let m = v.iter().sum::<f64>() / n as f64;
                (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64).sqrt()
            })
            .fold(0.0, f64::max);
        let tolerance = 3.0 * sd * (13.0 / n as f64).sqrt();
        assert!(e.evpi > 0.0, "{e:?}");
        for p in &r.evppi {
            assert!(p.evppi >= 0.0);
            assert!(
                p.evppi <= e.evpi_parameters + tolerance,
                "EVPPI({}) {} > EVPI_par {} + {tolerance}",
                p.parameter,
                p.evppi,
                e.evpi_parameters
            );
        }
        assert!(
            e.evpi_parameters <= e.evpi + tolerance,
            "EVPI_par {} > EVPI {} + {tolerance}",
            e.evpi_parameters,
            e.evpi
        );
        // Cohort chance is worth something in the per-iteration EVPI but not in the regression.
        assert!(e.evpi_parameters < e.evpi, "{e:?}");
        let sorted = r.evppi.windows(2).all(|w| w[0].evppi >= w[1].evppi);
        assert!(sorted, "{:?}", r.evppi);
        let shares = r.evppi.iter().all(|p| p.share_of_evpi == p.evppi / e.evpi);
        assert!(shares);
    }
}

#[test]
fn same_seed_same_values_on_any_thread_count() {
    let sc = scenario(MARKOV);
    let pool = |t| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
    };
    let report = |t| {
        pool(t).install(|| {
            let r = voi(&analysis(&sc, 600, 4)).unwrap();
            let (its, _) = run(&sc, 600, 4);
            (
                serde_json::to_string(&r).unwrap(),
                r.csv().unwrap(),
                serde_json::to_string(&evpi(&sc, &RunSamples::of(&sc, &its))).unwrap(),
            )
        })
    };
    assert_eq!(report(1), report(2));
}

#[test]
fn report_outputs() {
    let sc = scenario(MARKOV);
    let r = voi(&analysis(&sc, 500, 2)).unwrap();
    let json: serde_json::Value = serde_json::to_value(&r).unwrap();
    assert_eq!(json["schema"], "socinv.voi/1");
    assert_eq!(json["perspective"], "all actors");
    assert_eq!(json["currency"], "SEK");
    assert_eq!(json["options"].as_array().unwrap().len(), 3);
    assert_eq!(json["evppi"].as_array().unwrap().len(), 5);
    assert!(json["method"].as_str().unwrap().contains("Strong & Oakley"));
    let csv = String::from_utf8(r.csv().unwrap()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "parameter,evppi,evppi_mcse,share_of_evpi");
    assert_eq!(lines.len(), 6);
    assert!(lines[1].starts_with(&format!("{},", r.evppi[0].parameter)));
    let table = r.table();
    for p in &r.evppi {
        assert!(table.contains(&p.parameter), "{table}");
    }
    assert!(table.contains("SEK") && table.contains("EVPI"), "{table}");
}
