//! The budget view: who pays and who saves, year by year. The engine's per-actor yearly costs
//! against exact numbers of a deterministic scenario, discounted and undiscounted, their sums
//! against the totals; the results' budget lines per actor, perspective and all actors; an
//! intake scenario's calendar years; payback and P(loss) per point of view; `first_year`;
//! `report --perspective`.

use crate::common::{folder, listing, load_error, run, scenario, socinv_in};
use socinv::results::{BudgetLine, Comparison, PointOfViewKind, RunResults};
use socinv::sim::IterationResult;
use std::path::Path;

const RATE: f64 = 0.05;

/// Everyone stays in one state and takes part. Per year, for the 10 people: the program costs
/// 4 000 (start-up, year 0) + 10 × 1 000 (years 0 and 1), paid 3/4 by the kommun and 1/4 by the
/// region; the region's cost falls by 10 × 3 000; the kommun pays 10 × 700 less in transfers,
/// which the individual no longer receives.
const DETERMINISTIC: &str = r#"
scenario(#{ name: "Budget", horizon: 3, cohort: 10, discount_rate: 0.05, first_year: 2027 });
state("vard");
actor("kommun"); actor("region"); actor("individen");
perspective("offentlig sektor", ["kommun", "region"]);
society_perspective("samhället");
start(#{ vard: 1.0 });
intervention("Insats", #{ startup: 4000, per_participant: 1000, years: 2, uptake: 1.0,
                          funded_by: #{ kommun: 0.75, region: 0.25 } });
cost("vard", "region", 5000 - 3000 * arm_is("Insats"));
transfer("vard", "kommun", 1000 - 700 * arm_is("Insats"));
transfer("vard", "individen", -1000 + 700 * arm_is("Insats"));
"#;

/// Exact undiscounted (invested, avoided, net) of a point of view of `DETERMINISTIC` in years
/// 0, 1, 2.
type ThreeYears = [(f64, f64, f64); 3];

const EXPECTED: [(&str, PointOfViewKind, ThreeYears); 6] = [
    (
        "kommun",
        PointOfViewKind::Actor,
        [
            (10_500.0, 7_000.0, -3_500.0),
            (7_500.0, 7_000.0, -500.0),
            (0.0, 7_000.0, 7_000.0),
        ],
    ),
    (
        "region",
        PointOfViewKind::Actor,
        [
            (3_500.0, 30_000.0, 26_500.0),
            (2_500.0, 30_000.0, 27_500.0),
            (0.0, 30_000.0, 30_000.0),
        ],
    ),
    (
        "individen",
        PointOfViewKind::Actor,
        [
            (0.0, -7_000.0, -7_000.0),
            (0.0, -7_000.0, -7_000.0),
            (0.0, -7_000.0, -7_000.0),
        ],
    ),
    (
        "offentlig sektor",
        PointOfViewKind::Perspective,
        [
            (14_000.0, 37_000.0, 23_000.0),
            (10_000.0, 37_000.0, 27_000.0),
            (0.0, 37_000.0, 37_000.0),
        ],
    ),
    // transfers left out: only the region's cost counts
    (
        "samhället",
        PointOfViewKind::Perspective,
        [
            (14_000.0, 30_000.0, 16_000.0),
            (10_000.0, 30_000.0, 20_000.0),
            (0.0, 30_000.0, 30_000.0),
        ],
    ),
    // transfers included, cancelling out
    (
        "all actors",
        PointOfViewKind::AllActors,
        [
            (14_000.0, 30_000.0, 16_000.0),
            (10_000.0, 30_000.0, 20_000.0),
            (0.0, 30_000.0, 30_000.0),
        ],
    ),
];

fn close(what: &str, got: f64, exact: f64) {
    assert!(
        (got - exact).abs() <= 1e-9 * exact.abs().max(1.0),
        "{what}: {got}, expected {exact}"
    );
}

fn line<'a>(c: &'a Comparison, kind: PointOfViewKind, name: &str) -> &'a BudgetLine {
    c.budget_line(kind, name)
        .unwrap_or_else(|| panic!("no budget line for {name}"))
}

#[test]
fn the_engine_keeps_each_actors_yearly_cost_transfers_and_program_share() {
    let sc = scenario(DETERMINISTIC);
    let (its, _) = run(&sc, 20, 1);
    let d = |t: i32| (1.0 + RATE).powi(-t);
    // arm 1, per actor: (program, transfers, cost) undiscounted in years 0, 1, 2
    let expected = [
        ("kommun", [10_500.0, 7_500.0, 0.0], 3_000.0, 0.0),
        ("region", [3_500.0, 2_500.0, 0.0], 0.0, 20_000.0),
        ("individen", [0.0; 3], -3_000.0, 0.0),
    ];
    for it in &its {
        let arm = &it.arms[1];
        assert_eq!(arm.cost_by_actor_year.len(), 3 * 3);
        for (a, (name, program, transfer, other)) in expected.iter().enumerate() {
            for (t, program) in program.iter().enumerate() {
                let at = a * 3 + t;
                assert_eq!(arm.at(a, t), at);
                let what = format!("{name}, year {t}");
                close(&what, arm.program_by_actor_year[at], program * d(t as i32));
                close(
                    &what,
                    arm.transfer_by_actor_year[at],
                    transfer * d(t as i32),
                );
                close(
                    &what,
                    arm.cost_by_actor_year[at],
                    (program + transfer + other) * d(t as i32),
                );
            }
        }
        // ordinary practice: no program; the region pays 10 × 5 000 a year
        let base = &it.arms[0];
        assert!(base.program_by_actor_year.iter().all(|&x| x == 0.0));
        close(
            "baseline region year 2",
            base.cost_by_actor_year[3 + 2],
            50_000.0 * d(2),
        );
    }
}

/// Every arm's yearly tables add up to its totals, per actor and per year, in a shipped
/// scenario with transitions, transfers and programs.
fn assert_yearly_sums_are_the_totals(its: &[IterationResult], actors: usize) {
    let near = |what: &str, a: f64, b: f64| {
        assert!(
            (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
            "{what}: sum over years {a}, total {b}"
        );
    };
    for it in its {
        for arm in &it.arms {
            let h = arm.years();
            for a in 0..actors {
                let sum = |v: &[f64]| v[a * h..(a + 1) * h].iter().sum::<f64>();
                near("cost", sum(&arm.cost_by_actor_year), arm.cost_by_actor[a]);
                near(
                    "transfers",
                    sum(&arm.transfer_by_actor_year),
                    arm.transfer_by_actor[a],
                );
                near(
                    "program",
                    sum(&arm.program_by_actor_year),
                    arm.program_by_actor[a],
                );
            }
            for t in 0..h {
                let by_actors: f64 = (0..actors).map(|a| arm.cost_by_actor_year[a * h + t]).sum();
                near("year", by_actors, arm.cost_by_year[t]);
            }
        }
    }
}

#[test]
fn the_yearly_tables_add_up_to_the_totals_in_shipped_scenarios() {
    for name in [
        "uvas_jobbstod.rhai",
        "skolfranvaro.rhai",
        "psykisk_ohalsa.rhai",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name);
        let sc = socinv::script::load_scenario(&path).unwrap();
        let (its, r) = run(&sc, 40, 3);
        assert_yearly_sums_are_the_totals(&its, sc.actors.len());
        // and the discounted yearly nets add up to each point of view's net
        for c in &r.comparisons {
            for l in &c.budget {
                let sum: f64 = l.years.iter().map(|y| y.net_discounted.mean).sum();
                let net = match l.kind {
                    PointOfViewKind::Actor => c.by_actor[&l.name].net.mean,
                    PointOfViewKind::Perspective => c.by_perspective[&l.name].net.mean,
                    PointOfViewKind::AllActors => c.net.mean,
                };
                assert!(
                    (sum - net).abs() <= 1e-6 * net.abs().max(1.0),
                    "{name}, {}: Σ yearly {sum} ≠ net {net}",
                    l.name
                );
            }
        }
    }
}

#[test]
fn the_budget_lines_hold_exact_yearly_amounts_per_actor_and_perspective() {
    let sc = scenario(DETERMINISTIC);
    let (_, r) = run(&sc, 50, 1);
    assert_eq!(r.scenario.first_year, Some(2027));
    let c = &r.comparisons[0];
    let names: Vec<(&str, PointOfViewKind)> =
        c.budget.iter().map(|l| (l.name.as_str(), l.kind)).collect();
    let expected_names: Vec<(&str, PointOfViewKind)> =
        EXPECTED.iter().map(|(n, k, _)| (*n, *k)).collect();
    assert_eq!(names, expected_names, "actors, perspectives, all actors");
    assert!(line(c, PointOfViewKind::Perspective, "samhället").excludes_transfers);
    assert!(!line(c, PointOfViewKind::AllActors, "").excludes_transfers);
    for (name, kind, years) in EXPECTED {
        let l = line(c, kind, name);
        assert_eq!(l.years.len(), 3);
        for (t, (invested, avoided, net)) in years.into_iter().enumerate() {
            let y = &l.years[t];
            let what = format!("{name}, year {t}");
            assert_eq!(y.year, t as u32);
            assert_eq!(y.calendar_year, Some(2027 + t as i32), "{what}");
            close(&format!("{what}: invested"), y.invested.mean, invested);
            close(&format!("{what}: avoided"), y.avoided.mean, avoided);
            close(&format!("{what}: net"), y.net.mean, net);
            // the same in every iteration: the range is the point
            close(&format!("{what}: P5"), y.net.p5, net);
            close(&format!("{what}: P95"), y.net.p95, net);
            // discounted = undiscounted × (1 + r)^−t
            close(
                &format!("{what}: discounted"),
                y.net_discounted.mean,
                net * (1.0 + RATE).powi(-(t as i32)),
            );
            assert_eq!(y.prob_net_positive, if net > 0.0 { 1.0 } else { 0.0 });
            assert!(y.prob_net_positive_ci[0] <= y.prob_net_positive);
            assert!(y.prob_net_positive_ci[1] >= y.prob_net_positive);
        }
    }
    // the JSON carries them, and reads back
    let json = socinv::report::json(&r);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["scenario"]["first_year"], 2027);
    let first = &value["comparisons"][0]["budget"][0];
    assert_eq!(first["name"], "kommun");
    assert_eq!(first["kind"], "actor");
    assert_eq!(first["years"][1]["calendar_year"], 2028);
    assert_eq!(first["years"][0]["invested"]["mean"], 10_500.0);
    assert_eq!(
        value["comparisons"][0]["budget"][5]["kind"], "all_actors",
        "{first}"
    );
    let back = RunResults::from_json(value).unwrap();
    close(
        "read back",
        back.comparisons[0].budget[1].years[2].net.mean,
        30_000.0,
    );
}

#[test]
fn without_first_year_there_is_no_calendar_year() {
    let sc = scenario(&DETERMINISTIC.replace(", first_year: 2027", ""));
    let (_, r) = run(&sc, 20, 1);
    assert_eq!(r.scenario.first_year, None);
    let json = socinv::report::json(&r);
    assert!(!json.contains("\"first_year\""), "nothing new by default");
    let c = &r.comparisons[0];
    assert!(
        c.budget
            .iter()
            .flat_map(|l| &l.years)
            .all(|y| y.calendar_year.is_none())
    );
}

#[test]
fn an_intervention_equal_to_ordinary_practice_has_a_budget_of_exactly_zero() {
    let sc = scenario(
        r#"
scenario(#{ name: "Noll", horizon: 4, cohort: 30 });
state("a"); state("b");
actor("kommun"); actor("individen");
start(#{ a: 1.0 });
intervention("Samma", #{});
let p = param("p", beta_mean_sd(0.3, 0.1));
transition("a", "b", p);
transition("b", "a", 0.2);
cost("b", "kommun", 1000);
transfer("b", "kommun", 500);
transfer("b", "individen", -500);
"#,
    );
    let (its, r) = run(&sc, 200, 5);
    for it in &its {
        assert_eq!(it.arms[0].cost_by_actor_year, it.arms[1].cost_by_actor_year);
        assert_eq!(
            it.arms[0].transfer_by_actor_year,
            it.arms[1].transfer_by_actor_year
        );
        assert!(it.arms[1].cost_by_actor_year.iter().any(|&x| x > 0.0));
    }
    let c = &r.comparisons[0];
    assert_eq!(c.budget.len(), 2 + 1 + 1);
    for l in &c.budget {
        for y in &l.years {
            for s in [&y.invested, &y.avoided, &y.net, &y.net_discounted] {
                assert_eq!((s.mean, s.p5, s.p95), (0.0, 0.0, 0.0), "{}", l.name);
            }
            assert_eq!(y.prob_net_positive, 0.0);
        }
    }
}

#[test]
fn intakes_put_their_budget_in_calendar_years() {
    // 10 people arrive in year 0, 20 in year 1; the program runs one year from each intake
    let sc = scenario(
        r#"
scenario(#{ name: "Intag", horizon: 3, discount_rate: 0.05, first_year: 2030 });
intake(0, 10);
intake(1, 20);
state("vard");
actor("kommun"); actor("region");
start(#{ vard: 1.0 });
intervention("Insats", #{ per_participant: 1000, years: 1, funded_by: #{ kommun: 0.75, region: 0.25 } });
cost("vard", "region", 5000 - 3000 * arm_is("Insats"));
cost("vard", "kommun", 100);
"#,
    );
    let (its, r) = run(&sc, 20, 1);
    assert_yearly_sums_are_the_totals(&its, 2);
    let c = &r.comparisons[0];
    let kommun = line(c, PointOfViewKind::Actor, "kommun");
    let region = line(c, PointOfViewKind::Actor, "region");
    let calendar: Vec<Option<i32>> = kommun.years.iter().map(|y| y.calendar_year).collect();
    assert_eq!(calendar, [Some(2030), Some(2031), Some(2032)]);
    for (t, (invested, avoided)) in [(7_500.0, 0.0), (15_000.0, 0.0), (0.0, 0.0)]
        .into_iter()
        .enumerate()
    {
        close("kommun invested", kommun.years[t].invested.mean, invested);
        close("kommun avoided", kommun.years[t].avoided.mean, avoided);
    }
    // the region saves 3 000 a year for each person present: 10, then 30, then 30
    for (t, avoided) in [30_000.0, 90_000.0, 90_000.0].into_iter().enumerate() {
        close("region avoided", region.years[t].avoided.mean, avoided);
        close(
            "region invested",
            region.years[t].invested.mean,
            [2_500.0, 5_000.0, 0.0][t],
        );
        close(
            "region discounted",
            region.years[t].net_discounted.mean,
            (avoided - [2_500.0, 5_000.0, 0.0][t]) * (1.0 + RATE).powi(-(t as i32)),
        );
    }
}

#[test]
fn payback_and_loss_are_given_per_actor_and_perspective() {
    let sc = scenario(DETERMINISTIC);
    let (_, r) = run(&sc, 50, 1);
    let c = &r.comparisons[0];
    // kommun: discounted cumulative −3 500, −3 976, +2 373: pays back in year 2
    let kommun = &c.by_actor["kommun"];
    let payback = kommun.payback.as_ref().expect("a payback per actor");
    assert_eq!(payback.median_year, Some(2));
    assert_eq!(payback.cdf, [0.0, 0.0, 1.0]);
    assert_eq!((kommun.prob_loss, kommun.prob_net_positive), (0.0, 1.0));
    // the individual always loses and never pays back
    let individen = &c.by_actor["individen"];
    assert_eq!(individen.prob_loss, 1.0);
    assert!(
        individen.prob_loss_ci[0] > 0.9,
        "{:?}",
        individen.prob_loss_ci
    );
    let payback = individen.payback.as_ref().unwrap();
    assert_eq!(
        (payback.median_year, payback.prob_within_horizon),
        (None, 0.0)
    );
    // the region and the perspectives from year 0
    for share in [&c.by_actor["region"], &c.by_perspective["samhället"]] {
        assert_eq!(share.payback.as_ref().unwrap().median_year, Some(0));
    }
    // with the kommun as decision perspective, the headline's payback is the kommun's
    let sc =
        scenario(&DETERMINISTIC.replace("first_year: 2027", "decision_perspective: \"kommun\""));
    let (_, r) = run(&sc, 50, 1);
    let decision = r.comparisons[0].decision_net();
    assert_eq!(decision.payback.unwrap().median_year, Some(2));
    assert_eq!(r.comparisons[0].payback.median_year, Some(0), "all actors");
    let text = socinv::report::summary_text(&r);
    assert!(
        text.contains("Payback for the kommun: median payback in year 2"),
        "{text}"
    );
}

#[test]
fn results_written_before_the_budget_still_load() {
    let sc = scenario(DETERMINISTIC);
    let (_, r) = run(&sc, 50, 1);
    let mut value: serde_json::Value = serde_json::from_str(&socinv::report::json(&r)).unwrap();
    let c = &mut value["comparisons"][0];
    c.as_object_mut().unwrap().remove("budget");
    for group in ["by_actor", "by_perspective"] {
        for share in c[group].as_object_mut().unwrap().values_mut() {
            let share = share.as_object_mut().unwrap();
            for key in ["prob_loss", "prob_loss_ci", "payback"] {
                assert!(share.remove(key).is_some(), "{key} is written");
            }
        }
    }
    let old = RunResults::from_json(value).unwrap();
    let c = &old.comparisons[0];
    assert!(c.budget.is_empty());
    let individen = &c.by_actor["individen"];
    assert_eq!(individen.prob_loss, 1.0, "1 − P(net > 0)");
    assert!(individen.prob_loss_ci[0] > 0.9);
    assert!(individen.payback.is_none());
    // the summary of old results still prints
    assert!(socinv::report::summary_text(&old).contains("For all actors"));
}

#[test]
fn first_year_must_be_a_calendar_year() {
    for bad in ["1899", "2201", "2027.5", "\"2027\"", "-5"] {
        let e =
            load_error(&DETERMINISTIC.replace("first_year: 2027", &format!("first_year: {bad}")));
        assert!(e.starts_with("test.rhai:2:1: "), "{bad}: {e}");
        assert!(e.contains("scenario first_year"), "{bad}: {e}");
    }
    let e = load_error(&DETERMINISTIC.replace("first_year: 2027", "first_year: 1899"));
    assert!(e.contains("from 1900 to 2200"), "{e}");
    for good in ["1900", "2200"] {
        let sc =
            scenario(&DETERMINISTIC.replace("first_year: 2027", &format!("first_year: {good}")));
        assert_eq!(sc.first_year, Some(good.parse().unwrap()));
    }
}

#[test]
fn report_perspective_chooses_the_decision_perspective_again() {
    let dir = folder(&[("b.rhai", DETERMINISTIC)]);
    let ran = socinv_in(
        dir.path(),
        &["run", "b.rhai", "-n", "200", "--json", "r.json"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let ran = socinv_in(
        dir.path(),
        &[
            "report",
            "r.json",
            "--perspective",
            "kommun",
            "-o",
            "k.html",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let html = std::fs::read_to_string(dir.path().join("k.html")).unwrap();
    assert!(
        html.contains("För kommunen"),
        "the headline names the kommun"
    );
    // in the library: the chosen perspective's P(loss) comes from its net
    let text = std::fs::read_to_string(dir.path().join("r.json")).unwrap();
    let mut r = RunResults::from_json(serde_json::from_str(&text).unwrap()).unwrap();
    assert!(r.comparisons[0].decision_perspective.is_none());
    r.choose_decision_perspective("individen").unwrap();
    let d = r.comparisons[0].decision_perspective.as_ref().unwrap();
    assert_eq!(
        (d.name.as_str(), d.kind.as_str(), d.prob_loss),
        ("individen", "actor", 1.0)
    );
    r.choose_decision_perspective("offentlig sektor").unwrap();
    let d = r.comparisons[0].decision_perspective.as_ref().unwrap();
    assert_eq!((d.kind.as_str(), d.prob_loss), ("perspective", 0.0));
    r.choose_decision_perspective("all actors").unwrap();
    assert!(r.comparisons[0].decision_perspective.is_none());
    // an unknown name: exit 2, naming the known ones, nothing written
    let before = listing(dir.path());
    let ran = socinv_in(
        dir.path(),
        &["report", "r.json", "--perspective", "komun", "-o", "x.html"],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    for known in [
        "\"kommun\"",
        "\"region\"",
        "\"offentlig sektor\"",
        "\"samhället\"",
        "all actors",
    ] {
        assert!(ran.stderr.contains(known), "{known}: {}", ran.stderr);
    }
    assert!(
        ran.stderr.contains("did you mean \"kommun\"?"),
        "{}",
        ran.stderr
    );
    assert_eq!(listing(dir.path()), before);
}

/// The words of a line, single-spaced.
fn words(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_summary_shows_the_decision_perspectives_budget_per_year() {
    let sc = scenario(&DETERMINISTIC.replace(
        "first_year: 2027",
        "first_year: 2027, price_year: 2024, decision_perspective: \"kommun\"",
    ));
    let (_, r) = run(&sc, 50, 1);
    let text = socinv::report::summary_text(&r);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            *l == "  Budget for the kommun per year: undiscounted SEK of price year 2024, as a \
                   budget reads it"
        })
        .unwrap_or_else(|| panic!("no budget table in\n{text}"));
    assert_eq!(
        words(lines[at + 1]),
        "year invested avoided net net P5 … P95 P(net > 0)"
    );
    for (row, expected) in lines[at + 2..at + 5].iter().zip([
        "2027 10 500 7 000 -3 500 -3 500 … -3 500 0",
        "2028 7 500 7 000 -500 -500 … -500 0",
        "2029 0 7 000 7 000 7 000 … 7 000 100",
    ]) {
        assert!(words(row).starts_with(expected), "{row}\n{text}");
    }
    // after the per-actor table
    let by_actor = lines
        .iter()
        .position(|l| l.contains("Net by actor"))
        .unwrap();
    assert!(by_actor < at);
    // without a calendar year or a decision perspective: all actors, "year N"
    let sc = scenario(&DETERMINISTIC.replace(", first_year: 2027", ""));
    let (_, r) = run(&sc, 50, 1);
    let text = socinv::report::summary_text(&r);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("  Budget for all actors per year: undiscounted SEK, as"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        words(lines[at + 2]).starts_with("year 1 14 000 30 000 16 000"),
        "{text}"
    );
    assert!(
        words(lines[at + 4]).starts_with("year 3 0 30 000 30 000"),
        "{text}"
    );
}

#[test]
fn the_budget_table_of_a_shipped_scenario_fits_in_100_columns() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join("uvas_jobbstod.rhai");
    let sc = socinv::script::load_scenario(&path).unwrap();
    let (_, r) = run(&sc, 300, 1);
    let text = socinv::report::summary_text(&r);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("  Budget for the kommun per year"))
        .unwrap_or_else(|| panic!("no budget table in\n{text}"));
    let table = lines[at..].iter().take_while(|l| !l.trim().is_empty());
    assert!(table.clone().count() > sc.horizon as usize, "{text}");
    for line in table {
        assert!(
            line.chars().count() <= 100,
            "{} wide: {line}",
            line.chars().count()
        );
    }
}
