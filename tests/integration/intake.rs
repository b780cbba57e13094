//! Intake cohorts (an open cohort): the engine's costs per calendar year against the exact
//! superposition of shifted cohort traces, a single intake equal to `cohort: N`, reproducibility,
//! uncertain counts, and the CLI commands on an intake scenario.

use crate::common::{
    assert_within_4_mcse, folder, load_error, mean_mcse, run, scenario, settings, socinv_in,
};
use socinv::results::ComparisonSamples;
use socinv::sim::simulate;

const HORIZON: usize = 7;
const RATE: f64 = 0.03;
/// (calendar year, people) of the intakes of `OPEN`.
const INTAKES: [(usize, f64); 3] = [(0, 30.0), (1, 50.0), (3, 20.0)];
const UPTAKE: f64 = 0.6;

/// A Markov model whose rules read the year (since intake): a wrong clock changes the numbers.
const OPEN: &str = r#"
scenario(#{ name: "öppen", horizon: 7, discount_rate: 0.03 });
intake(3, 20);
intake(0, 30);
intake(1, 50);
actor("kommun");
actor("region");
state("a");
state("b");
state("c");
start(#{ a: 0.7, b: 0.3 });
intervention("x", #{ startup: 1000, per_participant: 100, years: 2, uptake: 0.6,
                     funded_by: #{ kommun: 1.0 } });
transition("a", "b", 0.2 * effect(0.5, 0.5));
transition("a", "c", 0.1);
transition("b", "a", 0.3);
transition("b", "c", by_year([0.02, 0.02, 0.3]));
transition("c", "a", 0.05);
cost("a", "kommun", 100);
cost("b", "kommun", 1000);
entry_cost("c", "region", 3000);
"#;

/// The transition matrix of `OPEN` in `year` since intake, for participants or not.
fn matrix(year: usize, treated: bool) -> [[f64; 3]; 3] {
    let effect = match (treated, year) {
        (false, _) => 1.0,
        (true, 0 | 1) => 0.5,
        (true, y) => 1.0 - 0.5 * 0.5f64.powi((y - 1) as i32),
    };
    let p_ab = 0.2 * effect;
    let p_bc = if year < 2 { 0.02 } else { 0.3 };
    [
        [1.0 - p_ab - 0.1, p_ab, 0.1],
        [0.3, 1.0 - 0.3 - p_bc, p_bc],
        [0.05, 0.0, 0.95],
    ]
}

/// The exact undiscounted cost per person in each year since intake (all actors), over
/// `years` years, by propagating the state distribution.
fn trace(treated: bool, years: usize) -> Vec<f64> {
    let mut pi = [0.7, 0.3, 0.0];
    let mut entries_c = 0.0;
    let mut out = Vec::new();
    for t in 0..years {
        out.push(pi[0] * 100.0 + pi[1] * 1000.0 + entries_c * 3000.0);
        let m = matrix(t, treated);
        entries_c = pi[0] * m[0][2] + pi[1] * m[1][2];
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

/// The exact expected discounted cost of each calendar year, (baseline, intervention), of
/// intakes `(arrival year, people)`: each a cohort trace shifted to its year, cut at the horizon;
/// the program's start-up once, in the first intake's year.
fn exact_by_year(intakes: &[(usize, f64)]) -> (Vec<f64>, Vec<f64>) {
    let mut base = vec![0.0; HORIZON];
    let mut int = vec![0.0; HORIZON];
    let first = intakes.iter().map(|i| i.0).min().unwrap();
    int[first] += 1000.0;
    for &(k, n) in intakes {
        let (b, t) = (trace(false, HORIZON - k), trace(true, HORIZON - k));
        for s in 0..HORIZON - k {
            base[k + s] += n * b[s];
            int[k + s] += n * (UPTAKE * t[s] + (1.0 - UPTAKE) * b[s]);
            if s < 2 {
                int[k + s] += n * UPTAKE * 100.0;
            }
        }
    }
    let discount = |v: Vec<f64>| -> Vec<f64> {
        v.iter()
            .enumerate()
            .map(|(t, x)| x * (1.0 + RATE).powi(-(t as i32)))
            .collect()
    };
    (discount(base), discount(int))
}

#[test]
fn intakes_match_the_exact_superposition_of_shifted_cohorts_per_calendar_year() {
    let sc = scenario(OPEN);
    let (its, results) = run(&sc, 20_000, 5);
    let (base, int) = exact_by_year(&INTAKES);
    for t in 0..HORIZON {
        for (a, exact) in [(0, base[t]), (1, int[t])] {
            assert_within_4_mcse(
                &format!("arm {a}, calendar year {t}"),
                mean_mcse(its.iter().map(|it| it.arms[a].cost_by_year[t])),
                exact,
            );
        }
    }
    for (a, exact) in [(0, &base), (1, &int)] {
        assert_within_4_mcse(
            &format!("arm {a}, total"),
            mean_mcse(its.iter().map(|it| it.arms[a].total())),
            exact.iter().sum(),
        );
    }
    // Every intake's participants, summed.
    let participants = mean_mcse(its.iter().map(|it| it.arms[1].participants));
    assert_within_4_mcse("participants", participants, UPTAKE * 100.0);
    assert_eq!(results.scenario.intakes.len(), 3);
    assert_eq!(results.scenario.cohort, 100);
    assert_eq!(results.scenario.year_basis.as_deref(), Some("calendar"));
    assert_eq!(
        results
            .scenario
            .intakes
            .iter()
            .map(|i| i.year)
            .collect::<Vec<_>>(),
        [0, 1, 3],
        "in calendar order"
    );

    // (b) A wrong encoding — every intake starting in year 0 — is far from the right one in
    // the engine's own precision, so the test above can fail.
    let all_at_zero: Vec<(usize, f64)> = INTAKES.iter().map(|&(_, n)| (0, n)).collect();
    let (wrong_base, _) = exact_by_year(&all_at_zero);
    let worst = (0..HORIZON)
        .map(|t| {
            let (_, se) = mean_mcse(its.iter().map(|it| it.arms[0].cost_by_year[t]));
            (wrong_base[t] - base[t]).abs() / se
        })
        .fold(0.0, f64::max);
    assert!(
        worst > 10.0,
        "the wrong encoding differs by only {worst:.1} MCSE"
    );
    let (_, se) = mean_mcse(its.iter().map(|it| it.arms[0].total()));
    let wrong_total: f64 = wrong_base.iter().sum();
    assert!((wrong_total - base.iter().sum::<f64>()).abs() > 10.0 * se);
}

/// A script with `people` declared as `cohort: N` or as one intake in year 0.
fn single(intake: bool) -> String {
    let head = if intake {
        "scenario(#{ name: \"en\", horizon: 7, discount_rate: 0.03 }); intake(0, 40);"
    } else {
        "scenario(#{ name: \"en\", horizon: 7, discount_rate: 0.03, cohort: 40 });"
    };
    OPEN.lines()
        .filter(|l| !l.starts_with("scenario(") && !l.starts_with("intake("))
        .fold(head.to_string(), |acc, l| acc + "\n" + l)
        + "\nlet u = param(\"u\", uniform(0.9, 1.1));\ncost(\"c\", \"kommun\", 500 * u);\n"
}

#[test]
fn a_single_intake_in_year_0_gives_the_results_of_the_same_cohort() {
    let (one, cohort) = (scenario(&single(true)), scenario(&single(false)));
    assert_eq!(one.intakes.len(), 1);
    assert!(cohort.intakes.is_empty());
    let (a, ra) = run(&one, 500, 17);
    let (b, rb) = run(&cohort, 500, 17);
    let bits = |its: &[socinv::sim::IterationResult]| -> Vec<u64> {
        its.iter()
            .flat_map(|it| {
                it.arms.iter().flat_map(|r| {
                    r.cost_by_actor
                        .iter()
                        .chain(&r.transfer_by_actor)
                        .chain(&r.program_by_actor)
                        .chain(&r.cost_by_year)
                        .chain(&r.outcomes)
                        .map(|x| x.to_bits())
                        .chain(std::iter::once(r.participants as u64))
                        .collect::<Vec<_>>()
                })
            })
            .collect()
    };
    assert_eq!(bits(&a), bits(&b), "the same numbers, bit for bit");
    // The JSON is the same byte for byte but for the scenario's own description of its
    // intakes and its source's hash.
    let text = |r: &socinv::results::RunResults| -> String {
        let mut v = serde_json::to_value(r).unwrap();
        let s = v["scenario"].as_object_mut().unwrap();
        for key in ["intakes", "year_basis", "source_hash"] {
            s.shift_remove(key);
        }
        serde_json::to_string_pretty(&v).unwrap()
    };
    assert!(serde_json::to_value(&ra).unwrap()["scenario"]["intakes"].is_array());
    assert!(
        serde_json::to_value(&rb).unwrap()["scenario"]
            .get("intakes")
            .is_none()
    );
    let (ta, tb) = (text(&ra), text(&rb));
    let first = ta.lines().zip(tb.lines()).find(|(x, y)| x != y);
    assert!(ta == tb, "the JSON differs first at {first:?}");
}

#[test]
fn intakes_give_the_same_bytes_on_one_and_two_threads() {
    let dir = folder(&[("open.rhai", OPEN)]);
    let d = dir.path();
    for threads in ["1", "2"] {
        let json = format!("t{threads}.json");
        let ran = socinv_in(
            d,
            &[
                "run",
                "open.rhai",
                "-n",
                "400",
                "--threads",
                threads,
                "--json",
                &json,
            ],
        );
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    }
    let read = |f: &str| std::fs::read(d.join(f)).unwrap();
    assert_eq!(read("t1.json"), read("t2.json"));
}

#[test]
fn uncertain_intake_counts_are_drawn_per_iteration_and_rounded() {
    let script = OPEN
        .replace(
            "intake(1, 50);",
            "intake(1, param(\"n_1\", normal(50, 8)));",
        )
        .replace("uptake: 0.6", "uptake: 1");
    assert_ne!(script, OPEN);
    let sc = scenario(&script);
    let (its, _) = run(&sc, 20_000, 3);
    // With uptake 1 every person takes part: participants = the people of all intakes.
    let people: Vec<f64> = its.iter().map(|it| it.arms[1].participants).collect();
    assert!(people.iter().any(|&p| p != people[0]), "the count varies");
    // E[round(N(50, 8))] = 50 by symmetry.
    assert_within_4_mcse("people", mean_mcse(people.iter().copied()), 100.0);
    for (it, &p) in its.iter().zip(&people) {
        assert_eq!(p, 50.0 + (it.params[0]).round(), "rounded to the nearest");
    }
}

#[test]
fn a_negative_intake_count_is_an_error_at_its_line() {
    let script = OPEN.replace("intake(1, 50);", "intake(1, param(\"n_1\", normal(2, 5)));");
    let dir = folder(&[("neg.rhai", &script)]);
    let ran = socinv_in(
        dir.path(),
        &["run", "neg.rhai", "-n", "200", "--json", "r.json"],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("neg.rhai:5:1"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("the intake of year 1"),
        "{}",
        ran.stderr
    );
    assert!(!dir.path().join("r.json").exists(), "no output is written");
    // `check` finds it too, at the same line.
    let ran = socinv_in(dir.path(), &["check", "neg.rhai"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stdout);
    assert!(ran.stdout.contains("neg.rhai:5:1"), "{}", ran.stdout);
}

#[test]
fn plain_intake_counts_and_years_are_checked_when_the_script_loads() {
    let msg = load_error(&OPEN.replace("intake(1, 50);", "intake(1, -3);"));
    assert!(
        msg.contains("test.rhai:5:1") && msg.contains("whole number"),
        "{msg}"
    );
    let msg = load_error(&OPEN.replace("intake(1, 50);", "intake(1, 2.5);"));
    assert!(msg.contains("whole number"), "{msg}");
    let msg = load_error(&OPEN.replace("intake(1, 50);", "intake(1.5, 50);"));
    assert!(msg.contains("intake year"), "{msg}");
    let msg = load_error(&OPEN.replace("intake(1, 50);", "intake(1, 50 * year());"));
    assert!(msg.contains("parameters only"), "{msg}");
    let msg =
        load_error(&OPEN.replace("discount_rate: 0.03 }", "discount_rate: 0.03, cohort: 9 }"));
    assert!(msg.contains("remove `cohort`"), "{msg}");
    let msg = load_error(
        &OPEN
            .lines()
            .filter(|l| !l.starts_with("intake("))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    assert!(
        msg.contains("`cohort`") && msg.contains("required"),
        "{msg}"
    );
    let msg = load_error(&OPEN.replace(
        "start(#{ a: 0.7, b: 0.3 });",
        "start(#{ a: 0.7, b: 0.3 }); subgroup_count(\"s\", 3);",
    ));
    assert!(msg.contains("intakes") && msg.contains("share"), "{msg}");
}

#[test]
fn intakes_over_years_equal_their_list() {
    let listed = OPEN.replace(
        "intake(3, 20);\nintake(0, 30);\nintake(1, 50);",
        "intakes([30, 50, 0, 20]);",
    );
    assert_ne!(listed, OPEN);
    let (a, _) = run(&scenario(OPEN), 200, 2);
    let (b, _) = run(&scenario(&listed), 200, 2);
    // The same people in the same order (the empty intake of year 2 draws nothing)
    for (x, y) in a.iter().zip(&b) {
        for (ra, rb) in x.arms.iter().zip(&y.arms) {
            assert_eq!(ra.participants, rb.participants);
            assert!((ra.total() - rb.total()).abs() <= 1e-6 * ra.total().abs());
        }
    }
}

#[test]
fn a_null_intervention_gives_exactly_zero_with_intakes() {
    let script = OPEN
        .replace("0.2 * effect(0.5, 0.5)", "0.2")
        .replace(
            "startup: 1000, per_participant: 100",
            "startup: 0, per_participant: 0",
        )
        .replace(
            "intake(1, 50);",
            "intake(1, param(\"n_1\", normal(50, 8)));",
        );
    let sc = scenario(&script);
    let (its, _) = run(&sc, 2_000, 4);
    let s = ComparisonSamples::new(&sc, &its, 1);
    assert!(s.net.iter().all(|n| *n == 0.0), "net must be exactly 0");
    assert!(s.by_actor.iter().flatten().all(|n| *n == 0.0));
    assert!(its.iter().all(|it| it.arms[1].participants > 0.0));
}

#[test]
fn the_commands_run_on_an_intake_scenario() {
    let script = OPEN.replace(
        "intake(1, 50);",
        "intake(1, param(\"n_1\", normal(50, 8)));",
    ) + "intake(9, 10);\n";
    let dir = folder(&[("open.rhai", &script)]);
    let d = dir.path();
    let ran = socinv_in(
        d,
        &[
            "run",
            "open.rhai",
            "-n",
            "300",
            "--json",
            "r.json",
            "--xlsx",
            "r.xlsx",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stdout.contains("4 intakes over years 0–9"),
        "{}",
        ran.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    assert_eq!(json["scenario"]["year_basis"], "calendar");
    assert_eq!(json["scenario"]["intakes"][1]["count"], "n_1");
    assert_eq!(json["scenario"]["intakes"][1]["people_at_medians"], 50);
    assert_eq!(
        json["scenario"]["cohort"], 100,
        "the intake after the horizon is left out"
    );

    let ran = socinv_in(d, &["check", "open.rhai"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stdout);
    assert!(ran.stdout.contains("4 intakes"), "{}", ran.stdout);
    assert!(
        ran.stdout.contains("the intake of year 9"),
        "{}",
        ran.stdout
    );
    assert!(
        !ran.stdout.contains("parameter \"n_1\" is read by no rule"),
        "{}",
        ran.stdout
    );
    let strict = socinv_in(d, &["check", "open.rhai", "--strict"]);
    assert_eq!(strict.code, Some(2), "the warning is a warning");

    let ran = socinv_in(
        d,
        &["tornado", "open.rhai", "-n", "100", "--json", "t.json"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let ran = socinv_in(
        d,
        &[
            "report",
            "r.json",
            "-o",
            "r.html",
            "--sensitivity",
            "t.json",
            "--xlsx",
            "full.xlsx",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(d.join("r.html").exists() && d.join("full.xlsx").exists());
}

#[test]
fn an_exact_composition_splits_each_intake() {
    let script = OPEN
        .replace(
            "discount_rate: 0.03 }",
            "discount_rate: 0.03, composition: \"exact\" }",
        )
        .replace("uptake: 0.6", "uptake: 1");
    let sc = scenario(&script);
    let its = simulate(&sc, &settings(50, 1), &|| {}).unwrap();
    assert!(its.iter().all(|it| it.arms[1].participants == 100.0));
}

#[test]
fn the_shipped_programme_scenario_has_correlated_placement_costs_and_five_intakes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("scenarios/familjestod_program.rhai");
    let sc = socinv::script::load_scenario(&path).unwrap_or_else(|e| panic!("{e}"));
    let years: Vec<u32> = sc.intakes.iter().map(|i| i.year).collect();
    assert_eq!(years, [0, 1, 2, 3, 4]);
    assert!(
        sc.intakes.iter().any(|i| i.count.as_constant().is_none()),
        "an uncertain intake"
    );
    let named = |i: usize| sc.parameters[i].name.as_str();
    let pairs: Vec<(&str, &str)> = sc
        .correlations
        .iter()
        .map(|c| (named(c.first), named(c.second)))
        .collect();
    assert!(
        pairs.contains(&("kostnad_hvb_per_år", "kostnad_sis_per_år")),
        "{pairs:?}"
    );
    // `check` is clean (no warning: --strict passes) and `run` works, from the CLI.
    let dir = tempfile::tempdir().unwrap();
    let file = path.to_str().unwrap();
    let ran = socinv_in(dir.path(), &["check", file, "--strict"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stdout);
    let ran = socinv_in(dir.path(), &["run", file, "-n", "300", "--json", "r.json"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stdout.contains("5 intakes over years 0–4"),
        "{}",
        ran.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(json["scenario"]["intakes"].as_array().unwrap().len(), 5);
    assert_eq!(
        json["scenario"]["correlations"].as_array().unwrap().len(),
        2
    );
    // The results are per calendar year of the whole programme.
    let per_year = json["comparisons"][0]["per_year"].as_array().unwrap();
    assert_eq!(per_year.len(), 11);
}

#[test]
fn the_start_up_is_charged_once_in_the_first_intakes_program_start() {
    let script = |intakes: &str| {
        format!(
            r#"
scenario(#{{ name: "s", horizon: 6, discount_rate: 0.05 }});
{intakes}
actor("kommun");
state("a");
start(#{{ a: 1.0 }});
intervention("x", #{{ startup: 1000, per_participant: 10, start_year: 2, years: 2, uptake: 1,
                     funded_by: #{{ kommun: 1.0 }} }});
"#
        )
    };
    let program = |intakes: &str| -> f64 {
        let (its, _) = run(&scenario(&script(intakes)), 3, 1);
        its[0].arms[1].program()
    };
    let d = |t: i32| 1.05f64.powi(-t);
    // Intakes in years 1 and 3: start-up in year 1 + 2; per participant in years 3, 4 (first
    // intake) and 5 (the second, cut at the horizon).
    let exact = 1000.0 * d(3) + 10.0 * 4.0 * (d(3) + d(4)) + 10.0 * 6.0 * d(5);
    let got = program("intake(3, 6); intake(1, 4);");
    assert!((got - exact).abs() < 1e-9 * exact, "{got} vs {exact}");
    // The first intake's program starts beyond the horizon: no start-up, no cost at all.
    assert_eq!(program("intake(4, 6);"), 0.0);
}
