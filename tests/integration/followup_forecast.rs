//! The follow-up's forecast: before anything is observed it is the run itself, byte for byte;
//! an observed participant's counterfactual is the coupling's conditional law, checked against
//! its exact value; and the command writes the forecast before and now.

use crate::common::{assert_within_4_mcse, folder, mean_mcse, scenario, settings, socinv_in};
use socinv::followup::forecast::NoForecast;
use socinv::followup::observed::parse;
use socinv::followup::{FollowUp, FollowUpSettings, follow_up};
use socinv::results::PointOfViewKind;
use socinv::sensitivity::NoProgress;
use socinv::sim::likelihood::Likelihood;
use socinv::sim::reforecast::{Followed, reforecast};
use socinv::sim::{sample_parameters, simulate};
use std::path::Path;

/// A shipped file's text.
fn shipped(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path} ships: {e}"))
}

/// Two interventions, an exact composition with a counted subgroup, an exit that reads time
/// in state and an episode's clock: every way a person's walk can differ.
const TWO_ARMS: &str = r#"scenario(#{ name: "två insatser", horizon: 6, cohort: 30, composition: "exact" });
actor("kommun"); actor("region");
state("a"); state("b"); state("c");
subgroup("hög risk", 0.4);
subgroup_count("syskon", 5);
start(#{ a: 0.7, b: 0.3 });
intervention("stöd", #{ startup: 2000, per_participant: 500, years: 2, uptake: 0.8, funded_by: #{ kommun: 1.0 } });
intervention("tidigt", #{ per_participant: 300, years: 3, uptake: 0.6, funded_by: #{ kommun: 0.5, region: 0.5 } });
let sjuk = episode("sjuk", ["b", "c"]);
let p = param("p", beta(3.0, 7.0));
let rr = param("rr", lognormal_ci(0.6, 0.4, 0.9));
transition("a", "b", p * if_else(arm_is("stöd"), rr, 1.0) * if_else(in_subgroup("hög risk"), 1.0, 0.7));
transition("b", "c", 0.3 / time_in_state());
transition("c", "a", 0.2 * pow(0.9, time_in_episode("sjuk") - 1));
transition("b", "a", 0.2 * effect(rr, 0.3, "tidigt"));
cost("b", "kommun", param("kostnad_b", uniform(1000.0, 3000.0)));
cost("c", "region", 5000);
entry_cost("c", "kommun", 700);
"#;

#[test]
fn the_forecast_before_anything_is_observed_is_the_run_byte_for_byte() {
    let mut scenarios: Vec<(String, socinv::scenario::Scenario)> = [
        "familjestod",
        "familjestod_program",
        "psykisk_ohalsa",
        "skolfranvaro",
        "uvas_jobbstod",
    ]
    .iter()
    .map(|name| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.rhai"));
        let sc =
            socinv::script::load_scenario(&path).unwrap_or_else(|e| panic!("{name} loads: {e}"));
        (name.to_string(), sc)
    })
    .collect();
    scenarios.push(("two arms".to_string(), scenario(TWO_ARMS)));
    for (name, sc) in &scenarios {
        let s = settings(40, 11);
        let run = simulate(sc, &s, &|| ()).expect("the run runs");
        let draws: Vec<Vec<f64>> = (0..s.iterations)
            .map(|i| sample_parameters(sc, &s, i))
            .collect();
        for (arm, _) in sc.interventions() {
            let followed = Followed::Unobserved { people: sc.cohort };
            let forecast =
                reforecast(sc, &followed, arm, s.seed, &draws, &|| ()).expect("the forecast runs");
            for (i, (f, r)) in forecast.iter().zip(&run).enumerate() {
                assert_eq!(
                    f.result.arms[0], r.arms[0],
                    "{name}, iteration {i}: ordinary practice"
                );
                assert_eq!(
                    f.result.arms[arm], r.arms[arm],
                    "{name}, iteration {i}: arm {arm}"
                );
                let people: u32 = f.occupancy[..sc.states.len()].iter().sum();
                if sc.intakes.is_empty() {
                    assert_eq!(people, sc.cohort, "{name}: everyone is counted in year 0");
                } else {
                    // the first intake's people, in year 0: familjestod_program's intake(0, 20)
                    assert_eq!(people, 20, "{name}");
                }
            }
        }
    }
}

/// Fixed rows: ordinary practice leaves "a" for "b" with 0.4 a year, the intervention with
/// 0.1; a year in "b" costs the kommun 1 000. No discounting.
const PREVENTS_B: &str = r#"scenario(#{ name: "förebygger b", horizon: 3, cohort: 500, discount_rate: 0.0, first_year: 2027 });
actor("kommun");
state("a"); state("b");
start(#{ a: 1.0 });
transition("a", "b", if_else(treated(), 0.1, 0.4));
cost("b", "kommun", 1000);
intervention("stöd", #{ per_participant: 100, years: 1, funded_by: #{ kommun: 1.0 } });
"#;

#[test]
fn an_observed_participant_s_counterfactual_is_the_coupling_s_conditional_law() {
    // 400 participants stayed in "a" in 2028; 100 non-participants moved to "b"
    let mut file = String::from("person,year,state,arm\n");
    for i in 0..400 {
        file.push_str(&format!("p{i},2027,a,stöd\np{i},2028,a,stöd\n"));
    }
    for i in 0..100 {
        file.push_str(&format!("o{i},2027,a,\no{i},2028,b,\n"));
    }
    let sc = scenario(PREVENTS_B);
    let observed = parse(&sc, "observed.csv", &file).expect("the file reads");
    let likelihood = Likelihood::new(&sc, observed.cohort.clone()).expect("the likelihood");
    let iterations = 2000;
    let draws = vec![Vec::new(); iterations];
    let forecast = reforecast(&sc, &Followed::Observed(&likelihood), 1, 5, &draws, &|| ())
        .expect("the forecast runs");
    // Under ordinary practice a participant would have been in "b" in 2028 with
    // P(b | stayed in a under the intervention) = (p_b − q_b) / q_a = (0.4 − 0.1) / 0.9;
    // the non-participants cost the same in both arms.
    let avoided_2028: Vec<f64> = forecast
        .iter()
        .map(|f| f.result.arms[0].cost_by_year[1] - f.result.arms[1].cost_by_year[1])
        .collect();
    let exact = 400.0 * 1000.0 * (0.4 - 0.1) / 0.9;
    let estimate = mean_mcse(avoided_2028.iter().copied());
    assert_within_4_mcse("the counterfactual cost avoided in 2028", estimate, exact);
    // drawn from ordinary practice alone, ignoring what was observed, it would be 160 000
    assert!((estimate.0 - 400.0 * 1000.0 * 0.4).abs() > 20.0 * estimate.1);
    // and it is binomial: sd 1 000 × √(400 · ⅓ · ⅔)
    let sd = estimate.1 * (iterations as f64).sqrt();
    let exact_sd = 1000.0 * (400.0_f64 * (1.0 / 3.0) * (2.0 / 3.0)).sqrt();
    assert!((sd / exact_sd - 1.0).abs() < 0.1, "sd {sd} vs {exact_sd}");
    // the observed arm is as observed: 100 people in "b" in 2028, under the intervention
    for f in &forecast {
        assert_eq!(f.occupancy[2 + 1], 100, "observed in b in 2028");
        assert_eq!(f.result.arms[1].cost_by_year[1], 100.0 * 1000.0);
    }
    // after 2028 both arms go on from where each path stands
    let b_2029: Vec<f64> = forecast
        .iter()
        .map(|f| f64::from(f.occupancy[2 * 2 + 1]))
        .collect();
    // participants in "a" move to "b" with 0.1 under the intervention; "b" is absorbing
    assert_within_4_mcse(
        "people in b in 2029",
        mean_mcse(b_2029.into_iter()),
        100.0 + 400.0 * 0.1,
    );
}

#[test]
fn the_command_forecasts_before_and_now_and_splits_the_net_at_the_last_observed_year() {
    let sc_text = shipped("scenarios/familjestod.rhai");
    let observed = shipped("scenarios/familjestod_observed.csv");
    let dir = folder(&[("s.rhai", &sc_text), ("o.csv", &observed)]);
    let ran = socinv_in(
        dir.path(),
        &[
            "follow-up",
            "s.rhai",
            "--observed",
            "o.csv",
            "-n",
            "400",
            "--json",
            "f.json",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let text = std::fs::read_to_string(dir.path().join("f.json")).unwrap();
    let f: FollowUp = serde_json::from_str(&text).expect("the JSON reads back");
    assert_eq!(f.update.schema, "socinv.followup/1");
    let forecast = f.forecast.expect("participants: a forecast");
    assert_eq!(forecast.observed_years, 2);
    assert_eq!(forecast.before.settings.iterations, 400);
    let (before, now) = (
        &forecast.before.comparisons[0],
        &forecast.after.comparisons[0],
    );
    assert_eq!(before.intervention, forecast.intervention);
    assert_eq!(now.intervention, forecast.intervention);
    // the participants are the observed ones in every iteration
    let participants = f.update.observed.participants as f64;
    assert_eq!(
        (now.participants.min, now.participants.max),
        (participants, participants)
    );
    // so far + the years left = the whole net, per point of view
    let all = forecast
        .periods
        .iter()
        .find(|p| p.kind == PointOfViewKind::AllActors)
        .unwrap();
    let whole = all.so_far.mean + all.rest.mean;
    assert!(
        (whole - now.net.mean).abs() <= 1e-6 * now.net.mean.abs().max(1.0),
        "{whole} vs {}",
        now.net.mean
    );
    // the observed trajectory is the file's
    let people: u32 = forecast.states.iter().map(|s| s.observed[0]).sum();
    assert_eq!(people as usize, f.update.observed.people);
    for s in &forecast.states {
        for (t, &n) in s.observed.iter().enumerate() {
            assert_eq!(
                s.after[t].p5,
                f64::from(n),
                "{} in year {t}: the band now is the observed count",
                s.state
            );
            assert_eq!(s.after[t].p95, f64::from(n));
        }
    }
    // the table names both forecasts
    let ran = socinv_in(
        dir.path(),
        &["follow-up", "s.rhai", "--observed", "o.csv", "-n", "200"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains("P(net > 0): before "), "{}", ran.stdout);
    assert!(ran.stdout.contains("Net so far"), "{}", ran.stdout);
}

#[test]
fn with_no_participant_there_is_no_forecast_and_the_table_says_why() {
    let sc = scenario(PREVENTS_B);
    let file = "person,year,state,arm\n1,2027,a,\n1,2028,b,\n";
    let observed = parse(&sc, "observed.csv", file).unwrap();
    let settings = FollowUpSettings {
        particles: 200,
        seed: 1,
        fixed: Vec::new(),
    };
    let f = follow_up(&sc, &observed, &settings, &NoProgress).expect("the follow-up runs");
    assert!(f.forecast.is_none());
    assert_eq!(f.no_forecast, Some(NoForecast::NobodyTookPart));
    assert!(f.table().contains("Nobody in the observed file took part"));
}

#[test]
fn participants_in_two_interventions_keep_their_update_and_are_told_why_there_is_no_forecast() {
    let sc = scenario(TWO_ARMS);
    let file = "person,year,state,arm,subgroup\n1,1,a,stöd,hög risk\n1,2,b,stöd,hög risk\n\
                2,1,a,tidigt,hög risk\n2,2,a,tidigt,hög risk\n";
    let observed = parse(&sc, "observed.csv", file).unwrap();
    let settings = FollowUpSettings {
        particles: 200,
        seed: 1,
        fixed: Vec::new(),
    };
    let f = follow_up(&sc, &observed, &settings, &NoProgress).expect("the update runs");
    assert!(f.forecast.is_none());
    assert_eq!(
        f.no_forecast,
        Some(NoForecast::SeveralInterventions {
            interventions: vec!["stöd".into(), "tidigt".into()]
        })
    );
    assert!(!f.update.parameters.is_empty());
    assert!(
        f.table().contains("give one file per intervention"),
        "{}",
        f.table()
    );
}

#[test]
fn the_report_opens_with_the_headline_before_and_now_in_swedish_and_english() {
    let sc_text = shipped("scenarios/skolfranvaro.rhai");
    let observed = shipped("scenarios/skolfranvaro_observed.csv");
    let dir = folder(&[("s.rhai", &sc_text), ("o.csv", &observed)]);
    let ran = socinv_in(
        dir.path(),
        &[
            "follow-up",
            "s.rhai",
            "--observed",
            "o.csv",
            "-n",
            "300",
            "--report",
            "r.html",
            "--json",
            "f.json",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    let f: FollowUp =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("f.json")).unwrap()).unwrap();
    let forecast = f.forecast.unwrap();
    // the follow-up comes first, then the updated forecast's own sections
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle} in the report"))
    };
    assert!(at("id=\"uppfoljning\"") < at("id=\"insats-1\""));
    assert!(
        at("href=\"#uppfoljning\"") < at("id=\"uppfoljning\""),
        "the contents link to it"
    );
    assert!(
        html.contains("Efter två\u{a0}år: sannolikheten att investeringen betalar sig för"),
        "the Swedish headline"
    );
    assert!(html.contains("Vad utfallet säger om antagandena"));
    assert!(html.contains("Hittills och framåt, per aktör"));
    assert!(html.contains("Antagandena nu, jämförda med före starten"));
    for u in &f.update.parameters {
        let [lo, mid, hi] = u.posterior_in_prior;
        assert!(
            (0.0..=1.0).contains(&lo) && lo <= mid && mid <= hi && hi <= 1.0,
            "{}: {:?}",
            u.name,
            u.posterior_in_prior
        );
    }
    let states_shown = forecast
        .states
        .iter()
        .filter(|s| {
            s.before.iter().chain(&s.after).any(|b| b.p95 > 0.0)
                || s.observed.iter().any(|&n| n > 0)
        })
        .count();
    assert!(states_shown > 0);
    assert_eq!(
        html.matches("\nobserverat\n</text>").count(),
        states_shown,
        "one chart per state with people"
    );
    // the same in English
    let ran = socinv_in(
        dir.path(),
        &[
            "follow-up",
            "s.rhai",
            "--observed",
            "o.csv",
            "-n",
            "300",
            "--report",
            "en.html",
            "--lang",
            "en",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let html = std::fs::read_to_string(dir.path().join("en.html")).unwrap();
    assert!(html.contains("After two years, the probability that the investment pays back for"));
    // nobody took part: no report, exit 2, nothing written
    let none = "person,år,tillstånd,insats\n1,2027,hög frånvaro,\n";
    std::fs::write(dir.path().join("none.csv"), none).unwrap();
    let ran = socinv_in(
        dir.path(),
        &[
            "follow-up",
            "s.rhai",
            "--observed",
            "none.csv",
            "-n",
            "200",
            "--report",
            "none.html",
        ],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("Nobody in the observed file took part"),
        "{}",
        ran.stderr
    );
    assert!(!dir.path().join("none.html").exists());
}

#[test]
fn with_intakes_each_person_is_observed_from_their_intake_and_later_intakes_are_forecast() {
    let sc_text = shipped("scenarios/familjestod_program.rhai");
    let sc = scenario(&sc_text);
    let observed = shipped("scenarios/familjestod_program_observed.csv");
    let file = parse(&sc, "observed.csv", &observed).expect("the example reads");
    let settings = FollowUpSettings {
        particles: 300,
        seed: 2,
        fixed: Vec::new(),
    };
    let f = follow_up(&sc, &file, &settings, &NoProgress).expect("the follow-up runs");
    let forecast = f.forecast.expect("participants: a forecast");
    assert_eq!(forecast.observed_years, 2);
    assert_eq!(forecast.people_before, None);
    // the observed years' people are the file's; later intakes add people in later years
    let in_year = |t: usize| -> f64 { forecast.states.iter().map(|s| s.after[t].p50).sum() };
    let observed_in = |t: usize| -> u32 { forecast.states.iter().map(|s| s.observed[t]).sum() };
    assert_eq!(in_year(0), f64::from(observed_in(0)));
    assert_eq!(in_year(1), f64::from(observed_in(1)));
    assert!(observed_in(1) > observed_in(0), "the second intake arrived");
    assert!(
        in_year(4) > in_year(1),
        "intakes after the observed years are forecast"
    );
    // a first row in a year without an intake is refused at its line
    let bad = "person,year,state,arm\n1,2027,hemma med stöd,\n2,2032,hemma med stöd,\n";
    let e = parse(&sc, "bad.csv", bad).unwrap_err().to_string();
    assert!(e.starts_with("bad.csv:3: person 2's first row is "), "{e}");
    assert!(e.contains("when no intake arrives"), "{e}");
}
