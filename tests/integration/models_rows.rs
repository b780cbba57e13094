//! Rows of transitions built from data: Dirichlet rows from observed counts, competing risks
//! from yearly rates, and tables read from CSV files; each against exact expectations.

use crate::common::{
    assert_within_4_mcse, folder, load_error, mean_mcse, run, scenario, socinv_in,
};

/// A row from "of 10 pupils followed, 6 stayed, 3 returned, 1 left": small counts, so that the
/// uncertainty of the row matters.
const DIRICHLET: &str = r#"
scenario(#{ name: "dirichlet", horizon: 6, cohort: 20, discount_rate: 0.0 });
actor("kommun");
state("skola");
state("återgång");
state("avhopp");
start(#{ skola: 1.0 });
intervention("x", #{});
let p = dirichlet_row("skola", #{ "skola": 6, "återgång": 3, "avhopp": 1 });
outcome("år i skolan", "skola", 1);
entry_outcome("avhopp", "avhopp", 1);
cost("återgång", "kommun", 1000 * p["avhopp"]);
"#;

const ALPHA: [f64; 3] = [6.0, 3.0, 1.0];

/// The row's probabilities (skola, återgång, avhopp) in each iteration, from the drawn weights.
fn dirichlet_draws(
    its: &[socinv::sim::IterationResult],
    sc: &socinv::scenario::Scenario,
) -> Vec<[f64; 3]> {
    let idx = ["skola→skola", "skola→återgång", "skola→avhopp"].map(|n| {
        sc.parameter_index(n)
            .unwrap_or_else(|| panic!("parameter {n}"))
    });
    its.iter()
        .map(|it| {
            let g = idx.map(|i| it.params[i]);
            let total: f64 = g.iter().sum();
            g.map(|x| x / total)
        })
        .collect()
}

#[test]
fn dirichlet_row_probabilities_have_the_dirichlet_mean_variance_and_covariance() {
    let sc = scenario(DIRICHLET);
    let (its, _) = run(&sc, 20_000, 3);
    let draws = dirichlet_draws(&its, &sc);
    let a0: f64 = ALPHA.iter().sum();
    for i in 0..3 {
        let mean = ALPHA[i] / a0;
        assert_within_4_mcse(
            &format!("mean of p{i}"),
            mean_mcse(draws.iter().map(|d| d[i])),
            mean,
        );
        // The variance as the mean of (p − E p)², with its own MCSE.
        let var = ALPHA[i] * (a0 - ALPHA[i]) / (a0 * a0 * (a0 + 1.0));
        assert_within_4_mcse(
            &format!("variance of p{i}"),
            mean_mcse(draws.iter().map(|d| (d[i] - mean).powi(2))),
            var,
        );
    }
    // The probabilities move together: cov(p_i, p_j) = −α_i α_j / (α0² (α0 + 1)).
    let m = [ALPHA[1] / a0, ALPHA[2] / a0];
    assert_within_4_mcse(
        "covariance of återgång and avhopp",
        mean_mcse(draws.iter().map(|d| (d[1] - m[0]) * (d[2] - m[1]))),
        -ALPHA[1] * ALPHA[2] / (a0 * a0 * (a0 + 1.0)),
    );
    // Each row adds up to 1 and the exits never exceed it.
    for d in &draws {
        assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{d:?}");
        assert!(
            d[1] + d[2] <= 1.0 + 1e-12 && d.iter().all(|p| *p > 0.0),
            "{d:?}"
        );
    }
}

/// E[p_s^t] and E[p_s^t · p_a] of a Dirichlet row: the exact moments that the years in school
/// and the entries into "avhopp" of the absorbing model above need.
fn stay_moments(t: usize) -> (f64, f64) {
    let a0: f64 = ALPHA.iter().sum();
    let stay: f64 = (0..t)
        .map(|k| (ALPHA[0] + k as f64) / (a0 + k as f64))
        .product();
    let with_exit = stay * ALPHA[2] / (a0 + t as f64);
    (stay, with_exit)
}

#[test]
fn dirichlet_row_matches_the_exact_cohort_expectation_over_the_row_uncertainty() {
    let sc = scenario(DIRICHLET);
    let (its, _) = run(&sc, 20_000, 5);
    let cohort = 20.0;
    let horizon = 6;
    let years: f64 = (0..horizon).map(|t| stay_moments(t).0).sum();
    let entries: f64 = (0..horizon - 1).map(|t| stay_moments(t).1).sum();
    let in_school = mean_mcse(its.iter().map(|it| it.arms[0].outcomes[0]));
    assert_within_4_mcse("years in school", in_school, cohort * years);
    assert_within_4_mcse(
        "entries into avhopp",
        mean_mcse(its.iter().map(|it| it.arms[0].outcomes[1])),
        cohort * entries,
    );
    // The wrong encoding, a row fixed at its mean shares, is far from what the engine gives.
    let fixed: f64 = (0..horizon).map(|t| 0.6f64.powi(t as i32)).sum();
    assert!(
        (in_school.0 - cohort * fixed).abs() > 10.0 * in_school.1,
        "the test must tell a Dirichlet row from one at its means: {in_school:?} vs {}",
        cohort * fixed
    );
    // The returned probabilities are formulas of the row's weights, usable in other rules.
    let p_exit = mean_mcse(its.iter().map(|it| it.arms[0].cost_by_actor[0]));
    assert!(p_exit.0 > 0.0);
}

#[test]
fn independent_betas_for_a_row_overflow_where_a_dirichlet_row_does_not() {
    let naive = DIRICHLET.replace(
        r#"let p = dirichlet_row("skola", #{ "skola": 6, "återgång": 3, "avhopp": 1 });"#,
        r#"let p = #{ "avhopp": param("p_avhopp", beta(1, 9)) };
transition("skola", "återgång", param("p_återgång", beta(3, 7)));
transition("skola", "avhopp", p["avhopp"]);"#,
    );
    assert_ne!(naive, DIRICHLET);
    let sc = scenario(&naive);
    let e = socinv::sim::simulate(&sc, &crate::common::settings(2_000, 3), &|| {})
        .expect_err("two independent betas add up to more than 1 in some draws");
    assert!(e.to_string().contains("add up to"), "{e}");
}

#[test]
fn dirichlet_row_declares_named_weights_with_their_counts_and_a_prior() {
    let sc = scenario(&DIRICHLET.replace(
        r#"#{ "skola": 6, "återgång": 3, "avhopp": 1 })"#,
        r#"#{ "skola": 6, "återgång": 3, "avhopp": 0 }, #{ prior: 0.5, source: "Elevuppföljning 2024" })"#,
    ));
    let names: Vec<&str> = sc.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["skola→skola", "skola→återgång", "skola→avhopp"]);
    assert_eq!(
        sc.parameters[2].distribution.written,
        "gamma(0.5, 1), a Dirichlet weight"
    );
    let source = sc.labels.parameters["skola→avhopp"]
        .source
        .as_deref()
        .unwrap();
    assert!(
        source.contains("Elevuppföljning 2024") && source.contains("0 of 9 observed + prior 0.5"),
        "{source}"
    );
    // Two transitions (the exits); staying is what is left over.
    assert_eq!(sc.transitions.len(), 2);
    let (its, _) = run(&sc, 2_000, 1);
    let draws = dirichlet_draws(&its, &sc);
    let mean = mean_mcse(draws.iter().map(|d| d[2]));
    assert_within_4_mcse("mean with a prior", mean, 0.5 / 10.5);
}

#[test]
fn dirichlet_row_refuses_what_it_cannot_mean() {
    let with = |row: &str| {
        DIRICHLET.replace(
            r#"let p = dirichlet_row("skola", #{ "skola": 6, "återgång": 3, "avhopp": 1 });"#,
            row,
        )
    };
    for (row, expected) in [
        (
            r#"dirichlet_row("skola", #{ "skola": 6, "avhopp": 0 });"#,
            "help: add a prior",
        ),
        (
            r#"dirichlet_row("skola", #{ "skola": 6, "avhopp": -1 });"#,
            "a count is a number of people",
        ),
        (
            r#"dirichlet_row("skola", #{ "skola": 6 });"#,
            "only \"skola\" itself",
        ),
        (
            r#"dirichlet_row("skola", #{ "skola": 6, "avhop": 1 });"#,
            "did you mean \"avhopp\"",
        ),
        (
            r#"dirichlet_row("skola", #{ "avhopp": 1 }, #{ prior: -1 });"#,
            "must be a number ≥ 0",
        ),
        (
            r#"dirichlet_row("skola", #{ "avhopp": 1 }, #{ priors: 1 });"#,
            "unknown key `priors`",
        ),
        (
            r#"dirichlet_row("skola", #{ "avhopp": 20000 });"#,
            "practically known",
        ),
        (
            r#"dirichlet_row("skola", #{ "avhopp": 1 }); transition("skola", "återgång", 0.1);"#,
            "declared whole by dirichlet_row(...) at test.rhai:9:1",
        ),
        (
            r#"transition("skola", "återgång", 0.1); dirichlet_row("skola", #{ "avhopp": 1 });"#,
            "is already declared at test.rhai:9:1",
        ),
        (
            r#"dirichlet_row("skola", #{ "avhopp": 1 }); dirichlet_row("skola", #{ "avhopp": 1 });"#,
            "already declared by dirichlet_row(...)",
        ),
    ] {
        let e = load_error(&with(row));
        assert!(e.contains(expected), "{row}:\n{e}");
        assert!(
            e.contains("test.rhai:9:"),
            "the message points at the call: {e}"
        );
    }
}

#[test]
fn check_and_the_json_show_a_dirichlet_row() {
    let dir = folder(&[("d.rhai", DIRICHLET)]);
    let out = socinv_in(dir.path(), &["check", "d.rhai"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stderr, out.stdout);
    assert!(out.stdout.contains("skola→återgång"), "{}", out.stdout);
    assert!(out.stdout.contains("a Dirichlet weight"), "{}", out.stdout);
    let sc = scenario(DIRICHLET);
    let (_, r) = run(&sc, 50, 1);
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("skola→avhopp") && json.contains("gamma(1, 1), a Dirichlet weight"));
    assert!(
        json.contains("1 of 10 observed"),
        "the counts are carried: {json}"
    );
}

// ---------------------------------------------------------------------------------------------
// Competing risks

const COMPETING: &str = r#"
scenario(#{ name: "competing", horizon: 8, cohort: 100, discount_rate: 0.0 });
actor("kommun");
state("frisk");
state("sjuk");
state("död");
start(#{ frisk: 1.0 });
intervention("x", #{});
competing_rates("frisk", #{ sjuk: 0.3, "död": 0.2 });
competing_rates("sjuk", #{ "död": 0.5, frisk: 0.1 });
outcome("år frisk", "frisk", 1);
outcome("år sjuk", "sjuk", 1);
entry_outcome("dödsfall", "död", 1);
"#;

/// The competing-risks probability of leaving for a destination of rate `r` among rates `all`.
fn competing(r: f64, all: &[f64]) -> f64 {
    let total: f64 = all.iter().sum();
    (1.0 - (-total).exp()) * r / total
}

/// Exact expected years in frisk and sjuk and deaths per person of a 3-state model.
fn three_state_exact(m: [[f64; 3]; 3], horizon: usize) -> [f64; 3] {
    let mut pi = [1.0, 0.0, 0.0];
    let mut out = [0.0; 3];
    let mut entries = 0.0;
    for _ in 0..horizon {
        out[0] += pi[0];
        out[1] += pi[1];
        out[2] += entries;
        entries = pi[0] * m[0][2] + pi[1] * m[1][2];
        let mut next = [0.0; 3];
        for (i, p) in pi.iter().enumerate() {
            for (j, n) in next.iter_mut().enumerate() {
                *n += p * m[i][j];
            }
        }
        pi = next;
    }
    out
}

fn competing_matrix() -> [[f64; 3]; 3] {
    let (fs, fd) = (competing(0.3, &[0.3, 0.2]), competing(0.2, &[0.3, 0.2]));
    let (sd, sf) = (competing(0.5, &[0.5, 0.1]), competing(0.1, &[0.5, 0.1]));
    [
        [1.0 - fs - fd, fs, fd],
        [sf, 1.0 - sd - sf, sd],
        [0.0, 0.0, 1.0],
    ]
}

#[test]
fn competing_rates_give_the_exact_probabilities_for_constant_rates() {
    let sc = scenario(COMPETING);
    let p = |from: usize, to: usize| {
        sc.transitions
            .iter()
            .find(|r| r.from == from && r.to == to)
            .and_then(|r| r.probability.as_constant())
            .unwrap()
    };
    let exact = competing_matrix();
    for (from, to) in [(0, 1), (0, 2), (1, 2), (1, 0)] {
        assert!(
            (p(from, to) - exact[from][to]).abs() < 1e-15,
            "{from}→{to}: {}",
            p(from, to)
        );
    }
    // 1 − e^−0.5 leaves, split 3 : 2
    assert!(
        (p(0, 1) - 0.236_081_604_172_419_9).abs() < 1e-15,
        "{}",
        p(0, 1)
    );
    assert!(p(0, 1) + p(0, 2) < 1.0);
}

#[test]
fn competing_rates_match_the_exact_cohort_expectation() {
    let sc = scenario(COMPETING);
    let (its, _) = run(&sc, 4_000, 7);
    let exact = three_state_exact(competing_matrix(), 8);
    let names = ["years in frisk", "years in sjuk", "deaths"];
    for (o, name) in names.iter().enumerate() {
        assert_within_4_mcse(
            name,
            mean_mcse(its.iter().map(|it| it.arms[0].outcomes[o])),
            100.0 * exact[o],
        );
    }
}

#[test]
fn rates_converted_one_by_one_miss_the_competing_risks_expectation() {
    // The naive encoding: each rate turned into a probability on its own.
    let naive = COMPETING
        .replace(
            r#"competing_rates("frisk", #{ sjuk: 0.3, "död": 0.2 });"#,
            r#"transition("frisk", "sjuk", rate_to_prob(0.3)); transition("frisk", "död", rate_to_prob(0.2));"#,
        )
        .replace(
            r#"competing_rates("sjuk", #{ "död": 0.5, frisk: 0.1 });"#,
            r#"transition("sjuk", "död", rate_to_prob(0.5)); transition("sjuk", "frisk", rate_to_prob(0.1));"#,
        );
    assert_ne!(naive, COMPETING);
    let (its, _) = run(&scenario(&naive), 4_000, 7);
    let exact = three_state_exact(competing_matrix(), 8);
    let years = mean_mcse(its.iter().map(|it| it.arms[0].outcomes[0]));
    assert!(
        (years.0 - 100.0 * exact[0]).abs() > 10.0 * years.1,
        "the exact test must reject the naive encoding: {years:?} vs {}",
        100.0 * exact[0]
    );
    // With large rates the naive row even adds up to more than 1; the competing one cannot.
    let big = COMPETING.replace("sjuk: 0.3, \"död\": 0.2", "sjuk: 3, \"död\": 2");
    let sc = scenario(&big);
    let exits: f64 = sc
        .transitions
        .iter()
        .filter(|r| r.from == 0)
        .map(|r| r.probability.as_constant().unwrap())
        .sum();
    assert!(
        exits < 1.0 && (exits - (1.0 - (-5.0f64).exp())).abs() < 1e-15,
        "{exits}"
    );
    let overflowing = naive
        .replace("rate_to_prob(0.3)", "rate_to_prob(3)")
        .replace("rate_to_prob(0.2)", "rate_to_prob(2)");
    let e = socinv::sim::simulate(
        &scenario(&overflowing),
        &crate::common::settings(10, 1),
        &|| {},
    )
    .expect_err("0.95 + 0.86 is more than 1");
    assert!(e.to_string().contains("add up to"), "{e}");
}

#[test]
fn competing_rates_take_formulas_and_no_rate_means_no_exit() {
    let script = COMPETING.replace(
        r#"competing_rates("frisk", #{ sjuk: 0.3, "död": 0.2 });"#,
        r#"let r = param("r_sjuk", gamma_mean_sd(0.3, 0.1));
let p = competing_rates("frisk", #{ sjuk: by_year([0, r]), "död": by_year([0, 0.2]) });
cost("sjuk", "kommun", 1000 * p["sjuk"]);"#,
    );
    let sc = scenario(&script);
    let (its, _) = run(&sc, 2_000, 3);
    let r_index = sc.parameter_index("r_sjuk").unwrap();
    // Year 0: no rate, no one leaves; from year 1 the rates compete.
    let exact = |r: f64| {
        let (fs, fd) = (competing(r, &[r, 0.2]), competing(0.2, &[r, 0.2]));
        let mut m = competing_matrix();
        m[0] = [1.0 - fs - fd, fs, fd];
        // year 0 in frisk for certain, then the model from frisk for the 7 years left
        1.0 + three_state_exact(m, 7)[0]
    };
    let diffs = its
        .iter()
        .map(|it| it.arms[0].outcomes[0] / 100.0 - exact(it.params[r_index]));
    assert_within_4_mcse("years in frisk given r", mean_mcse(diffs), 0.0);
}

#[test]
fn competing_rates_refuse_what_they_cannot_mean() {
    let with = |row: &str| {
        COMPETING.replace(
            r#"competing_rates("frisk", #{ sjuk: 0.3, "död": 0.2 });"#,
            row,
        )
    };
    for (row, expected) in [
        (
            r#"competing_rates("frisk", #{ sjuk: -0.3 });"#,
            "a yearly rate is ≥ 0",
        ),
        (
            r#"competing_rates("frisk", #{ frisk: 0.3 });"#,
            "staying is",
        ),
        (
            r#"competing_rates("frisk", #{});"#,
            "the map of destinations is empty",
        ),
        (
            r#"competing_rates("frisk", #{ sjuk: "0.3" });"#,
            "a number has no quotes",
        ),
        (
            r#"competing_rates("frisk", #{ sjuk: 0.3 }); transition("frisk", "död", 0.1);"#,
            "declared whole by competing_rates(...)",
        ),
    ] {
        let e = load_error(&with(row));
        assert!(e.contains(expected), "{row}:\n{e}");
        assert!(
            e.contains("test.rhai:9:"),
            "the message points at the call: {e}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Data files

/// A life table by year (the cohort ages one year a year) and a unit-cost list saved by a
/// Swedish Excel: semicolons, decimal commas.
const LIFE_TABLE: &str = "år,q\n0,0.1\n1,0.2\n2,0.3\n";
const UNIT_COSTS: &str = "\u{feff}tillstånd;kostnad;källa\nlevande;1200,5;SCB 2024\ndöd;0;-\n";

const DATA: &str = r#"
scenario(#{ name: "data", horizon: 5, cohort: 50, discount_rate: 0.0 });
actor("kommun");
state("levande");
state("död");
start(#{ levande: 1.0 });
intervention("x", #{});
let t = read_csv_columns("dodlighet.csv");
transition("levande", "död", by_year(t.q));
for r in read_csv("kostnader.csv") { cost(r["tillstånd"], "kommun", r.kostnad); }
outcome("levnadsår", "levande", 1);
"#;

fn load_in(dir: &std::path::Path, source: &str) -> Result<socinv::scenario::Scenario, String> {
    socinv::script::load_scenario_str(source, "test.rhai", dir).map_err(|e| e.to_string())
}

/// Expected years alive per person over `horizon` years with yearly death probabilities `q`
/// (the last holding on).
fn years_alive(q: &[f64], horizon: usize) -> f64 {
    let mut alive = 1.0;
    let mut years = 0.0;
    for t in 0..horizon {
        years += alive;
        alive *= 1.0 - q[t.min(q.len() - 1)];
    }
    years
}

#[test]
fn a_life_table_and_a_cost_list_read_from_csv_match_the_exact_expectation() {
    let dir = folder(&[("dodlighet.csv", LIFE_TABLE), ("kostnader.csv", UNIT_COSTS)]);
    let sc = load_in(dir.path(), DATA).unwrap();
    assert_eq!(
        sc.costs[0].amount.as_constant(),
        Some(1200.5),
        "decimal comma read"
    );
    let (its, _) = run(&sc, 4_000, 9);
    let q = [0.1, 0.2, 0.3];
    let exact = 50.0 * years_alive(&q, 5);
    let years = mean_mcse(its.iter().map(|it| it.arms[0].outcomes[0]));
    assert_within_4_mcse("years alive", years, exact);
    assert_within_4_mcse(
        "cost",
        mean_mcse(its.iter().map(|it| it.arms[0].cost_by_actor[0])),
        1200.5 * exact,
    );
    // The table read a row off (the header taken as data, or year 1 for year 0) is far away.
    let shifted = 50.0 * years_alive(&q[1..], 5);
    assert!(
        (years.0 - shifted).abs() > 10.0 * years.1,
        "{years:?} vs {shifted}"
    );
}

#[test]
fn a_changed_data_file_changes_the_source_hash() {
    let dir = folder(&[("dodlighet.csv", LIFE_TABLE), ("kostnader.csv", UNIT_COSTS)]);
    let first = load_in(dir.path(), DATA).unwrap().source_hash;
    assert_eq!(load_in(dir.path(), DATA).unwrap().source_hash, first);
    std::fs::write(
        dir.path().join("dodlighet.csv"),
        "år,q\n0,0.1\n1,0.2\n2,0.31\n",
    )
    .unwrap();
    assert_ne!(load_in(dir.path(), DATA).unwrap().source_hash, first);
}

#[test]
fn read_csv_errors_name_the_file_row_and_column_and_the_call() {
    let cases: [(&str, &[u8], &str); 10] = [
        (
            "år,q\n0,0.1\n1,0.2,7\n",
            b"",
            "row 3 has 3 cells, the header 2",
        ),
        (
            "år,q\n0,0.1\n1,\n",
            b"",
            "row 3, column \"q\" (column 2): the cell is empty",
        ),
        (
            "år,q\n0,\"0,1\"\n",
            b"",
            "has a decimal comma in a file separated by commas; write 0.1",
        ),
        (
            "år;q\n0;1 200\n",
            b"",
            "\"1 200\" is a number with spaces; write 1200",
        ),
        ("år;q\n0;5%\n", b"", "write 5% as 0.05"),
        (
            "år,år\n0,1\n",
            b"",
            "columns 1 and 2 of the header (row 1) are both named \"år\"",
        ),
        ("år,q\n", b"", "a header but no rows"),
        ("", b"", "the file is empty"),
        ("", b"\xe5r,q\n0,0.1\n", "is not UTF-8"),
        ("år,q\n0,1e400\n", b"", "beyond ±10^15"),
    ];
    for (text, bytes, expected) in cases {
        let dir = folder(&[("kostnader.csv", UNIT_COSTS)]);
        let data: &[u8] = if bytes.is_empty() {
            text.as_bytes()
        } else {
            bytes
        };
        std::fs::write(dir.path().join("dodlighet.csv"), data).unwrap();
        let e = load_in(dir.path(), DATA).unwrap_err();
        assert!(e.contains(expected), "{text:?}:\n{e}");
        assert!(
            e.contains("test.rhai:8:9:") && e.contains("read_csv_columns(\"dodlighet.csv\")"),
            "names the call and the file: {e}"
        );
    }
}

#[test]
fn read_csv_reads_only_regular_files_inside_the_scenario_folder() {
    let dir = folder(&[("kostnader.csv", UNIT_COSTS), ("dodlighet.csv", LIFE_TABLE)]);
    std::fs::create_dir(dir.path().join("mapp.csv")).unwrap();
    for (name, expected) in [
        ("../dodlighet.csv", "the path leaves the scenario's folder"),
        ("/etc/passwd", "the path leaves the scenario's folder"),
        ("dodlighed.csv", "did you mean \"dodlighet.csv\"?"),
        ("mapp.csv", "is not a regular file"),
    ] {
        let e = load_in(
            dir.path(),
            &DATA.replace("\"dodlighet.csv\"", &format!("{name:?}")),
        )
        .unwrap_err();
        assert!(e.contains(expected), "{name}: {e}");
        assert!(e.contains("test.rhai:8:9:"), "{e}");
    }
    #[cfg(unix)]
    {
        let outside = folder(&[("hemlig.csv", LIFE_TABLE)]);
        std::os::unix::fs::symlink(
            outside.path().join("hemlig.csv"),
            dir.path().join("länk.csv"),
        )
        .unwrap();
        let e = load_in(dir.path(), &DATA.replace("dodlighet.csv", "länk.csv")).unwrap_err();
        assert!(e.contains("lies outside the scenario's folder"), "{e}");
    }
    // A subfolder is inside the folder.
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/q.csv"), LIFE_TABLE).unwrap();
    load_in(dir.path(), &DATA.replace("dodlighet.csv", "data/q.csv")).unwrap();
}

#[test]
fn check_reads_the_data_files_and_a_bad_one_exits_with_2() {
    let dir = folder(&[
        ("d.rhai", DATA),
        ("dodlighet.csv", LIFE_TABLE),
        ("kostnader.csv", UNIT_COSTS),
    ]);
    let out = socinv_in(dir.path(), &["check", "d.rhai"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stderr, out.stdout);
    assert!(
        out.stdout.contains("lookup([0.1, 0.2, 0.3], year())"),
        "{}",
        out.stdout
    );
    std::fs::write(dir.path().join("dodlighet.csv"), "år,q\n0,0,1\n").unwrap();
    let out = socinv_in(dir.path(), &["run", "d.rhai"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("row 2 has 3 cells"), "{}", out.stderr);
}
