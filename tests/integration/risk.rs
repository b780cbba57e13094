//! The risk figures' definitions: payback, the ROI as a ratio of means, and the intervals every
//! figure carries.

use crate::common::{run, scenario};
use socinv::results::{ComparisonSamples, RunResults};
use socinv::sensitivity::tornado::{Others, tornado};
use socinv::sensitivity::{Analysis, Metric};
use socinv::stats::wilson;

/// A program that starts in year 1 with a startup cost and no effect: nothing happens in year 0,
/// then the program's cost is lost for good.
const LATE_NO_EFFECT: &str = r#"scenario(#{ name: "sen start", horizon: 5, cohort: 20, discount_rate: 0.035 });
actor("kommun");
state("a"); state("b");
start(#{ a: 1.0 });
let p = param("p", uniform(0.1, 0.3));
transition("a", "b", p);
cost("a", "kommun", 1000);
cost("b", "kommun", 5000);
intervention("utan effekt", #{ startup: 100000, start_year: 1, funded_by: #{ kommun: 1.0 } });
"#;

#[test]
fn a_program_that_never_recovers_its_cost_never_pays_back() {
    let sc = scenario(LATE_NO_EFFECT);
    let (its, r) = run(&sc, 100, 1);
    let s = ComparisonSamples::new(&sc, &its, 1);
    assert!(
        s.net.iter().all(|n| *n < 0.0),
        "the startup is lost in every iteration"
    );
    assert!(s.payback.iter().all(Option::is_none), "{:?}", s.payback);
    let c = &r.comparisons[0];
    assert_eq!(c.payback.prob_within_horizon, 0.0);
    assert_eq!(c.payback.median_year, None);
    assert!(
        c.payback.cdf.iter().all(|p| *p == 0.0),
        "{:?}",
        c.payback.cdf
    );
    // 0 of 100 is not a certainty: its interval reaches 3.7%
    assert_eq!(c.payback.prob_within_horizon_ci, wilson(0, 100));
    assert_eq!(c.payback.median_year_ci, Some([None, None]));
    let text = socinv::report::summary_text(&r);
    assert!(text.contains("no median payback year"), "{text}");
    assert!(
        text.contains("pays back within 5 years in 0% (0–4%)"),
        "{text}"
    );
    assert!(
        text.contains("Probability of loss: 100% (96–100%)"),
        "{text}"
    );
}

/// The ROI is mean net / mean investment, with the delta-method MCSE, and the tornado's `roi`
/// metric is the same number.
#[test]
fn the_roi_is_the_ratio_of_the_means() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/familjestod.rhai");
    let sc = socinv::script::load_scenario(&path).unwrap();
    let (its, r) = run(&sc, 400, 5);
    let c = &r.comparisons[0];
    let roi = c.roi.as_ref().expect("a ROI");
    let s = ComparisonSamples::new(&sc, &its, 1);
    let n = s.net.len() as f64;
    let (mn, mi) = (
        s.net.iter().sum::<f64>() / n,
        s.investment.iter().sum::<f64>() / n,
    );
    let ratio = mn / mi;
    assert!(
        (roi.ratio_of_means - ratio).abs() < 1e-12 * ratio.abs(),
        "{roi:?}"
    );
    // Var(R̂) ≈ (σ_N² − 2Rσ_NI + R²σ_I²) / (n μ_I²)
    let cov = |a: &[f64], ma: f64, b: &[f64], mb: f64| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - ma) * (y - mb))
            .sum::<f64>()
            / (n - 1.0)
    };
    let (vn, vni, vi) = (
        cov(&s.net, mn, &s.net, mn),
        cov(&s.net, mn, &s.investment, mi),
        cov(&s.investment, mi, &s.investment, mi),
    );
    let mcse = ((vn - 2.0 * ratio * vni + ratio * ratio * vi) / (n * mi * mi)).sqrt();
    assert!(
        (roi.mcse / mcse - 1.0).abs() < 1e-9,
        "{} vs {mcse}",
        roi.mcse
    );
    // the mean of the per-iteration ratios (what was reported before) is another number
    let per = roi.per_iteration.as_ref().unwrap();
    assert!((per.mean - ratio).abs() > 0.01, "{} vs {ratio}", per.mean);

    let analysis = Analysis {
        method: socinv::sim::Method::Individual,
        scenario: &sc,
        iterations: 400,
        seed: 5,
        fixed: Vec::new(),
        perspective: None,
        progress: &socinv::sensitivity::NoProgress,
    };
    let t = tornado(&analysis, Metric::Roi, 0.1, 0.9, Others::Vary).unwrap();
    let base = t.results[0].base;
    assert!(
        (base.value - ratio).abs() < 1e-9 * ratio.abs(),
        "{base:?} vs {ratio}"
    );
    assert!((base.mcse / mcse - 1.0).abs() < 1e-6, "{base:?} vs {mcse}");
}

/// Results written before: `roi` was the per-iteration ratio's summary and no figure had an
/// interval. `report` still reads them, with the ratio of means, an MCSE bound and the shares'
/// Wilson intervals recomputed.
#[test]
fn results_written_before_the_intervals_are_read() {
    let sc = scenario(LATE_NO_EFFECT);
    let (_, r) = run(&sc, 100, 1);
    let mut v: serde_json::Value = serde_json::from_str(&socinv::report::json(&r)).unwrap();
    let c = &mut v["comparisons"][0];
    let per = c["roi"]["per_iteration"].clone();
    c["roi"] = per;
    for key in ["prob_net_positive_ci", "prob_loss_ci"] {
        c.as_object_mut().unwrap().remove(key);
    }
    let p = c["payback"].as_object_mut().unwrap();
    for key in ["prob_within_horizon_ci", "median_year_ci", "cdf_ci"] {
        p.remove(key);
    }
    for s in ["net", "savings", "investment"] {
        let o = c[s].as_object_mut().unwrap();
        for key in ["p5_ci", "p50_ci", "p95_ci"] {
            o.remove(key);
        }
    }
    let old = RunResults::from_json(v).expect("older results are read");
    let (now, before) = (&r.comparisons[0], &old.comparisons[0]);
    let (a, b) = (now.roi.as_ref().unwrap(), before.roi.as_ref().unwrap());
    assert!((a.ratio_of_means - b.ratio_of_means).abs() < 1e-12 * a.ratio_of_means.abs());
    assert!(
        b.mcse >= a.mcse,
        "the bound {} ≥ the estimate {}",
        b.mcse,
        a.mcse
    );
    assert_eq!(before.prob_loss_ci, now.prob_loss_ci);
    assert_eq!(before.payback.cdf_ci, now.payback.cdf_ci);
    assert!(before.net.p5_ci[0].is_nan());
    // and the summary prints
    let text = socinv::report::summary_text(&old);
    assert!(text.contains("ROI (mean net / mean investment)"), "{text}");
}

/// Every quantile shown has an interval in the JSON that contains it.
#[test]
fn quantiles_and_shares_carry_their_intervals() {
    let sc = scenario(LATE_NO_EFFECT);
    let (_, r) = run(&sc, 500, 2);
    let c = &r.comparisons[0];
    for s in [&c.net, &c.savings, &c.investment] {
        for (q, ci) in [(s.p5, s.p5_ci), (s.p50, s.p50_ci), (s.p95, s.p95_ci)] {
            assert!(ci[0] <= q && q <= ci[1], "{q} not in {ci:?}");
        }
    }
    let json: serde_json::Value = serde_json::from_str(&socinv::report::json(&r)).unwrap();
    let c = &json["comparisons"][0];
    assert!(
        c["net"]["p5_ci"].as_array().is_some_and(|a| a.len() == 2),
        "{c}"
    );
    assert!(
        c["prob_loss_ci"].as_array().is_some_and(|a| a.len() == 2),
        "{c}"
    );
    assert!(c["roi"]["ratio_of_means"].is_number(), "{c}");
    assert!(
        c["by_actor"]["kommun"]["prob_net_positive_ci"].is_array(),
        "{c}"
    );
}
