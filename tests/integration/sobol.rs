//! Sobol indices on models whose variance shares are known exactly.

use crate::common::scenario;
use socinv::scenario::Scenario;
use socinv::sensitivity::Analysis;
use socinv::sensitivity::sobol::{COHORT_CHANCE, SobolIndex, SobolReport, sobol};

/// The net is exactly −(100 + a + 2b + c), mean −113, with no cohort chance: V(a) = 3, V(2b) = 4,
/// V(c) = 1, so the variance shares (first order = total, no interactions) are 3/8, 4/8, 1/8.
/// `d` is uncertain but does not enter the net.
const ADDITIVE: &str = r#"
scenario(#{ name: "additive", horizon: 1, cohort: 1 });
actor("kommun");
state("s");
start(#{ s: 1.0 });
let a = param("a", uniform(0, 6));
let b = param("b", normal(0, 1));
let c = param("c", normal(10, 1));
let d = param("d", uniform(0, 1));
intervention("x", #{ startup: 100 + a + 2 * b + c, funded_by: #{ kommun: 1.0 } });
"#;

/// Only chance moves the net: a random cohort whose transitions the intervention halves; the
/// one uncertain parameter prices a state nobody can reach.
const CHANCE: &str = r#"
scenario(#{ name: "chance", horizon: 3, cohort: 50 });
actor("kommun");
state("frisk");
state("sjuk");
state("aldrig");
start(#{ frisk: 1.0 });
let oanvand = param("oanvänd", uniform(1000, 2000));
intervention("x", #{ startup: 0, funded_by: #{ kommun: 1.0 } });
transition("frisk", "sjuk", 0.4 * effect(0.5, 0));
cost("sjuk", "kommun", 1000);
cost("aldrig", "kommun", oanvand);
"#;

fn analysis(sc: &Scenario, seed: u64) -> Analysis<'_> {
    Analysis {
        method: socinv::sim::Method::Individual,
        scenario: sc,
        iterations: 0,
        seed,
        fixed: Vec::new(),
        perspective: None,
        progress: &socinv::sensitivity::NoProgress,
    }
}

fn input<'r>(report: &'r SobolReport, name: &str) -> &'r SobolIndex {
    report.results[0]
        .indices
        .iter()
        .find(|i| i.input == name)
        .unwrap_or_else(|| panic!("no index for {name}"))
}

/// The estimate is within its 95% bootstrap interval's full width of the truth (about 4
/// standard errors), and that interval is narrower than `max_width`, so the check means
/// something.
fn assert_near(what: &str, estimate: f64, ci: [f64; 2], truth: f64, max_width: f64) {
    let width = ci[1] - ci[0];
    assert!(
        ci[0] <= estimate && estimate <= ci[1],
        "{what}: {estimate} outside its CI {ci:?}"
    );
    assert!(
        width > 0.0 && width < max_width,
        "{what}: CI {ci:?} too wide"
    );
    assert!(
        (estimate - truth).abs() <= width,
        "{what}: {estimate} [{}, {}] is not within the CI width of the exact {truth}",
        ci[0],
        ci[1]
    );
}

#[test]
fn indices_of_an_additive_net_are_its_variance_shares() {
    let sc = scenario(ADDITIVE);
    let n = 4_000;
    let r = sobol(&analysis(&sc, 11), n, 300).unwrap();
    assert_eq!(r.header.schema, "socinv.sobol/1");
    assert_eq!(r.base, n);
    assert_eq!(r.evaluations, n * (4 + 3), "A, B, 4 AB_i and AB_chance");
    eprintln!("{}", r.table());
    let res = &r.results[0];
    assert_eq!(res.intervention, "x");
    assert!(
        (res.variance - 8.0).abs() < 0.5,
        "variance {}",
        res.variance
    );
    assert!((res.mean_net.value + 113.0).abs() < 4.0 * res.mean_net.mcse);
    for (name, share) in [("a", 3.0 / 8.0), ("b", 4.0 / 8.0), ("c", 1.0 / 8.0)] {
        let i = input(&r, name);
        assert_near(
            &format!("first order of {name}"),
            i.first_order,
            i.first_order_ci,
            share,
            0.12,
        );
        assert_near(
            &format!("total of {name}"),
            i.total,
            i.total_ci,
            share,
            0.12,
        );
    }
    // Inputs that do not enter the net change nothing: their indices are exactly 0.
    for name in ["d", COHORT_CHANCE] {
        let i = input(&r, name);
        assert_eq!((i.first_order, i.total), (0.0, 0.0), "{name}");
        assert_eq!(
            (i.first_order_ci, i.total_ci),
            ([0.0; 2], [0.0; 2]),
            "{name}"
        );
    }
    // Sorted by total index, largest first.
    let names: Vec<&str> = res.indices.iter().map(|i| i.input.as_str()).collect();
    assert_eq!(&names[..3], ["b", "a", "c"]);
    assert!(res.indices.windows(2).all(|w| w[0].total >= w[1].total));
}

#[test]
fn indices_of_a_product_show_its_interaction() {
    // net = −(100 + 12ab), a, b ~ U(0, 1): V(ab) = 7/144, V(E[ab | a]) = 1/48 and
    // E[V(ab | b)] = 1/36, so S = 3/7 and ST = 4/7 for each.
    let sc = scenario(
        &ADDITIVE
            .replace("100 + a + 2 * b + c", "100 + 12 * a * b")
            .replace("uniform(0, 6)", "uniform(0, 1)")
            .replace("normal(0, 1)", "uniform(0, 1)"),
    );
    let r = sobol(&analysis(&sc, 2), 4_000, 300).unwrap();
    eprintln!("{}", r.table());
    for name in ["a", "b"] {
        let i = input(&r, name);
        let what = format!("first order of {name}");
        assert_near(&what, i.first_order, i.first_order_ci, 3.0 / 7.0, 0.12);
        let what = format!("total of {name}");
        assert_near(&what, i.total, i.total_ci, 4.0 / 7.0, 0.12);
    }
    assert_eq!(input(&r, "c").total, 0.0);
}

#[test]
fn cohort_chance_takes_the_variance_when_nothing_else_moves_the_net() {
    let sc = scenario(CHANCE);
    let r = sobol(&analysis(&sc, 5), 2_000, 300).unwrap();
    eprintln!("{}", r.table());
    assert!(r.results[0].variance > 0.0);
    let chance = input(&r, COHORT_CHANCE);
    assert_eq!(r.results[0].indices[0].input, COHORT_CHANCE);
    assert_near("total of chance", chance.total, chance.total_ci, 1.0, 0.25);
    assert_near(
        "first order of chance",
        chance.first_order,
        chance.first_order_ci,
        1.0,
        0.25,
    );
    let unused = input(&r, "oanvänd");
    assert_eq!((unused.first_order, unused.total), (0.0, 0.0));
}

#[test]
fn same_seed_same_report_on_any_thread_count() {
    let sc = scenario(
        CHANCE
            .replace("startup: 0", "startup: 10 * oanvand")
            .as_str(),
    );
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let r = sobol(&analysis(&sc, 3), 300, 100).unwrap();
                (
                    serde_json::to_string(&r).unwrap(),
                    r.csv().unwrap(),
                    r.table(),
                )
            })
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_ne!(one.0, {
        let r = sobol(&analysis(&sc, 4), 300, 100).unwrap();
        serde_json::to_string(&r).unwrap()
    });
}

#[test]
fn table_and_csv_show_every_input() {
    let sc = scenario(ADDITIVE);
    let r = sobol(&analysis(&sc, 1), 200, 50).unwrap();
    let table = r.table();
    assert!(
        table.contains("shares of the variance of the net"),
        "{table}"
    );
    assert!(table.contains("cohort chance"), "{table}");
    assert!(table.contains("first order [95% CI]"), "{table}");
    let csv = String::from_utf8(r.csv().unwrap()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "intervention,input,first_order,first_order_lo,first_order_hi,total,total_lo,total_hi"
    );
    assert_eq!(lines.len(), 1 + 5, "a header and one row per input");
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["schema"], "socinv.sobol/1");
    assert_eq!(json["results"][0]["indices"].as_array().unwrap().len(), 5);
}

#[test]
fn a_constant_net_has_no_variance_to_share_and_a_tiny_base_is_refused() {
    let sc = scenario(&ADDITIVE.replace("100 + a + 2 * b + c", "100"));
    let r = sobol(&analysis(&sc, 1), 50, 20).unwrap();
    assert_eq!(r.results[0].variance, 0.0);
    assert!(r.results[0].indices.iter().all(|i| i.total.is_nan()));
    assert!(r.table().contains("does not vary"));
    assert!(sobol(&analysis(&sc, 1), 1, 20).is_err());
}

#[test]
fn a_model_error_says_which_sample_matrix_it_came_from() {
    let sc = scenario(&CHANCE.replace("0.4 * effect(0.5, 0)", "oanvand / 1000 - 0.5"));
    let e = sobol(&analysis(&sc, 1), 100, 0).unwrap_err().to_string();
    assert!(
        e.contains("invalid model") && e.contains("in `sobol`"),
        "{e}"
    );
}
