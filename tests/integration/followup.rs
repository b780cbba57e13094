//! Follow-up: the posterior of the parameters given an observed cohort, checked against
//! conjugate cases exactly known, and the observed file's errors.

use crate::common::{folder, listing, scenario, socinv_in};
use socinv::followup::observed::parse;
use socinv::followup::{FollowUpSettings, follow_up, update};
use socinv::schema::followup::{FollowUpReport, PosteriorMethod, Verdict};
use socinv::sensitivity::NoProgress;

/// One transition with a beta prior: k of n observed moves give the Beta(α+k, β+n−k)
/// posterior.
const ONE_MOVE: &str = r#"scenario(#{ name: "en övergång", horizon: 3, cohort: 20, first_year: 2027 });
actor("kommun");
state("a"); state("b");
start(#{ a: 1.0 });
let p = param("p", beta(2.0, 8.0));
let kostnad = param("kostnad", uniform(100.0, 200.0));
transition("a", "b", p);
cost("a", "kommun", kostnad);
intervention("stöd", #{ startup: 1000, funded_by: #{ kommun: 1.0 } });
"#;

/// An observed file of `n` people in "a" in 2027, `k` of whom moved to "b" in 2028.
fn one_move_file(n: usize, k: usize) -> String {
    let mut text = String::from("person,year,state,arm\n");
    for i in 0..n {
        let to = if i < k { "b" } else { "a" };
        text.push_str(&format!("{i},2027,a,\n{i},2028,{to},\n"));
    }
    text
}

fn posterior(source: &str, file: &str, particles: usize) -> FollowUpReport {
    let sc = scenario(source);
    let observed = parse(&sc, "observed.csv", file).expect("the observed file reads");
    let settings = FollowUpSettings {
        particles,
        seed: 3,
        fixed: Vec::new(),
    };
    update(&sc, &observed, &settings)
        .expect("the follow-up runs")
        .0
}

fn beta_mean_sd(a: f64, b: f64) -> (f64, f64) {
    let mean = a / (a + b);
    (mean, (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt())
}

/// Asserts the posterior of "p" is Beta(a, b): its mean within 4 MCSE, its sd within 15 %.
fn assert_beta_posterior(r: &FollowUpReport, a: f64, b: f64) {
    let p = r.parameters.iter().find(|u| u.name == "p").unwrap();
    let (mean, sd) = beta_mean_sd(a, b);
    let err = (p.posterior.mean - mean).abs();
    assert!(
        err <= 4.0 * p.posterior_mean_mcse,
        "posterior mean {} vs Beta({a}, {b})'s {mean}: off by {err}, MCSE {}",
        p.posterior.mean,
        p.posterior_mean_mcse
    );
    assert!(
        (p.posterior.sd / sd - 1.0).abs() < 0.15,
        "posterior sd {} vs {sd}",
        p.posterior.sd
    );
    // the parameter that no observation reads keeps its prior
    let cost = r.parameters.iter().find(|u| u.name == "kostnad").unwrap();
    assert_eq!(cost.verdict, Verdict::Unchanged);
    assert!((cost.sd_ratio - 1.0).abs() < 0.2, "{}", cost.sd_ratio);
}

#[test]
fn a_beta_prior_and_k_of_n_moves_give_the_conjugate_posterior_by_importance_sampling() {
    let r = posterior(ONE_MOVE, &one_move_file(20, 4), 4000);
    assert_eq!(r.posterior.method, PosteriorMethod::ImportanceSampling);
    assert!(r.posterior.effective_sample_size > 2000.0);
    assert_eq!((r.observed.people, r.observed.moves), (20, 20));
    assert_eq!(r.observed.last_calendar_year, Some(2028));
    assert_beta_posterior(&r, 6.0, 24.0);
}

#[test]
fn a_large_cohort_goes_to_sequential_monte_carlo_and_still_gives_the_conjugate_posterior() {
    let r = posterior(ONE_MOVE, &one_move_file(2000, 700), 4000);
    assert_eq!(r.posterior.method, PosteriorMethod::SequentialMonteCarlo);
    assert!(r.posterior.stages >= 1);
    assert_beta_posterior(&r, 702.0, 1308.0);
    let p = r.parameters.iter().find(|u| u.name == "p").unwrap();
    // the prior's median, 0.18, lies far below the posterior's range around 0.35, which the
    // prior's own range (up to 0.45) allowed
    assert_eq!(p.verdict, Verdict::Shifted);
}

#[test]
fn with_no_observed_move_the_posterior_is_the_prior() {
    let file = "person,year,state,arm\n1,2027,a,\n2,2027,a,\n";
    let r = posterior(ONE_MOVE, file, 1000);
    assert_eq!(r.posterior.method, PosteriorMethod::ImportanceSampling);
    assert_eq!(r.posterior.effective_sample_size.round(), 1000.0);
    for u in &r.parameters {
        assert_eq!(u.prior, u.posterior, "{}", u.name);
    }
}

#[test]
fn a_subgroup_not_given_is_mixed_over_and_one_given_is_used() {
    // in "hög risk" (30 %) people move with probability p; in the others nobody moves
    let source = r#"scenario(#{ name: "grupper", horizon: 3, cohort: 20 });
actor("kommun");
state("a"); state("b");
start(#{ a: 1.0 });
subgroup("hög risk", 0.3);
let p = param("p", beta(2.0, 2.0));
transition("a", "b", if_else(in_subgroup("hög risk"), p, 0.0));
cost("a", "kommun", 100);
intervention("stöd", #{ startup: 1000, funded_by: #{ kommun: 1.0 } });
"#;
    let file = |group: &str| {
        let mut text = String::from("person,year,state,arm,subgroup\n");
        for i in 0..20 {
            let to = if i < 5 { "b" } else { "a" };
            text.push_str(&format!("{i},1,a,,{group}\n{i},2,{to},,{group}\n"));
        }
        text
    };
    // Not known: a move has probability 0.3·p, a stay 0.3·(1 − p) + 0.7; the exact posterior
    // mean by quadrature of prior × likelihood on a fine grid.
    let grid = 100_000;
    let (mut mass, mut first) = (0.0, 0.0);
    for i in 0..grid {
        let p = (i as f64 + 0.5) / grid as f64;
        let density = p * (1.0 - p) * (0.3 * p).powi(5) * (0.3 * (1.0 - p) + 0.7).powi(15);
        mass += density;
        first += p * density;
    }
    let unknown = posterior(source, &file(""), 4000);
    let u = &unknown.parameters[0];
    let exact = first / mass;
    assert!(
        (u.posterior.mean - exact).abs() <= 4.0 * u.posterior_mean_mcse,
        "{} vs {exact}",
        u.posterior.mean
    );
    // Known to be "hög risk": 5 of 20 moves, Beta(2 + 5, 2 + 15).
    let known = posterior(source, &file("hög risk"), 4000);
    let u = &known.parameters[0];
    let (mean, _) = beta_mean_sd(7.0, 17.0);
    assert!(
        (u.posterior.mean - mean).abs() <= 4.0 * u.posterior_mean_mcse,
        "{} vs {mean}",
        u.posterior.mean
    );
    // a move by someone said to be in "övriga" is impossible
    let sc = scenario(source);
    let bad = "person,year,state,arm,subgroup\n1,1,a,,övriga\n1,2,b,,övriga\n";
    let observed = parse(&sc, "observed.csv", bad).unwrap();
    let settings = FollowUpSettings {
        particles: 200,
        seed: 1,
        fixed: Vec::new(),
    };
    let e = update(&sc, &observed, &settings)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "observed.csv:3: person 1's move from \"a\" in year 1 to \"b\" in year 2 has \
             probability 0"
        ),
        "{e}"
    );
}

#[test]
fn the_command_gives_the_same_bytes_on_any_number_of_threads_and_its_errors_point_at_the_row() {
    let dir = folder(&[
        ("model.rhai", ONE_MOVE),
        ("observed.csv", &one_move_file(30, 6)),
    ]);
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let json = format!("f{threads}.json");
        let ran = socinv_in(
            dir.path(),
            &[
                "follow-up",
                "model.rhai",
                "--observed",
                "observed.csv",
                "-n",
                "500",
                "--threads",
                threads,
                "--json",
                &json,
            ],
        );
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        outputs.push(std::fs::read(dir.path().join(&json)).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    let ran = socinv_in(
        dir.path(),
        &[
            "follow-up",
            "model.rhai",
            "--observed",
            "observed.csv",
            "-n",
            "500",
        ],
    );
    assert!(
        ran.stdout
            .contains("Follow-up of model.rhai with observed.csv: 30 people"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("importance sampling"), "{}", ran.stdout);

    let before = listing(dir.path());
    let cases: &[(&str, &str)] = &[
        (
            "person,year,state,arm\n1,2027,a,\n1,2028,c,\n",
            "bad.csv:3: unknown state \"c\"",
        ),
        (
            "person,year,state,arm\n1,2027,a,\n1,2027,a,\n",
            "bad.csv:3: person 1 is counted twice in 2027: also on line 2",
        ),
        (
            "person,year,state,arm\n1,2027,a,\n1,2029,a,\n",
            "bad.csv:3: person 1 has no row for 2028",
        ),
        (
            "person,year,state,arm\n1,2027,a,\n1,2031,a,\n",
            "bad.csv:3: the calendar year 2031 is outside the scenario's horizon, 2027–2029",
        ),
        (
            "person,year,state,arm\n1,2027,b,\n",
            "bad.csv:2: person 1 starts in \"b\", which the scenario's starting shares give probability 0",
        ),
        (
            "person,year,state,arm\n1,2027,a,\n1,2028,b,\n1,2029,a,\n",
            "bad.csv:4: person 1's move from \"b\" in 2028 to \"a\" in 2029 has probability 0",
        ),
        (
            "person,year,state,arm\n1,2027,a,x\n",
            "bad.csv:2: unknown arm \"x\"",
        ),
        (
            "person;år;tillstånd\n1;2027;a\n",
            "bad.csv:1: the column \"arm\" is missing",
        ),
        (
            "person,year,state,arm,colour\n",
            "bad.csv:1: unknown column \"colour\"",
        ),
        ("person,year,state,arm\n", "bad.csv:2: the file has no rows"),
        (
            "person,year,state,arm\n1,2027.5,a,\n",
            "bad.csv:2: the year \"2027.5\" is not a whole number",
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(dir.path().join("bad.csv"), text).unwrap();
        let ran = socinv_in(
            dir.path(),
            &[
                "follow-up",
                "model.rhai",
                "--observed",
                "bad.csv",
                "-n",
                "200",
                "--json",
                "out.json",
            ],
        );
        assert_eq!(ran.code, Some(2), "{text}: {}", ran.stderr);
        assert!(ran.stderr.contains(expected), "{text}:\n{}", ran.stderr);
        assert!(
            !dir.path().join("out.json").exists(),
            "no output is written on an error"
        );
    }
    // Swedish Excel's plain "CSV" is Windows-1252: "år" with a byte that is not UTF-8
    std::fs::write(dir.path().join("bad.csv"), b"person,\xe5r,state,arm\n").unwrap();
    let ran = socinv_in(
        dir.path(),
        &["follow-up", "model.rhai", "--observed", "bad.csv"],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("bad.csv: byte 8 is not UTF-8 text: save the file as \"CSV UTF-8\""),
        "{}",
        ran.stderr
    );
    std::fs::remove_file(dir.path().join("bad.csv")).unwrap();
    assert_eq!(listing(dir.path()), before);
}

#[test]
fn a_synthetic_observed_file_reads_back_and_semicolons_and_swedish_headers_read_too() {
    let dir = folder(&[("model.rhai", ONE_MOVE)]);
    let ran = socinv_in(
        dir.path(),
        &[
            "observe",
            "model.rhai",
            "--years",
            "2",
            "--people",
            "50",
            "-o",
            "obs.csv",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let text = std::fs::read_to_string(dir.path().join("obs.csv")).unwrap();
    assert_eq!(text.lines().count(), 1 + 2 * 50, "{text}");
    let sc = scenario(ONE_MOVE);
    let observed = parse(&sc, "obs.csv", &text).unwrap();
    assert_eq!(observed.cohort.people.len(), 50);
    assert!(observed.cohort.people.iter().all(|p| p.states.len() == 2));
    let swedish = "\u{feff}Person;År;Tillstånd;Insats\n7;2027;a;Ordinarie arbetssätt\n7;2028;b;\n";
    let observed = parse(&sc, "sv.csv", swedish).unwrap();
    assert_eq!(observed.cohort.people[0].states, vec![0, 1]);
}

/// Simulation-based calibration (Talts et al. 2018) on a shipped scenario: data sets simulated
/// from parameters drawn from the prior; where the posterior is right, the share of posterior
/// weight below the true value is uniform, and the 90 % intervals cover it 90 % of the time.
#[test]
fn simulation_based_calibration_on_familjestod_gives_uniform_ranks_and_90_percent_coverage() {
    use socinv::followup::observed::ObservedFile;
    use socinv::sim::likelihood::{SyntheticCohort, synthetic};
    use socinv::sim::{ParameterSampler, SimSettings};
    let sc = socinv::script::load_scenario(std::path::Path::new("scenarios/familjestod.rhai"))
        .expect("the shipped scenario loads");
    let truths = ParameterSampler::new(
        &sc,
        &SimSettings {
            method: socinv::sim::Method::Individual,
            iterations: 1,
            seed: 11,
            fixed: Vec::new(),
        },
    );
    let names = [
        "or_familjestöd_placering",
        "p_ärendet_avslutas",
        "p_placering_hög_risk",
    ];
    let index = names.map(|n| sc.parameter_index(n).expect("a parameter of familjestod"));
    const DATA_SETS: usize = 200;
    const BINS: usize = 10;
    let mut bins = [[0usize; BINS]; 3];
    let mut covered = [0usize; 3];
    let mut sd_ratio = [0.0; 3];
    for j in 0..DATA_SETS {
        let truth = truths.sample(j);
        let spec = SyntheticCohort {
            people: 25,
            years: 3,
            offered: Some(1),
        };
        let cohort = synthetic(&sc, &truth, spec, 1000 + j as u64).unwrap();
        let file = ObservedFile {
            name: "sbc.csv".into(),
            cohort,
            lines: Vec::new(),
        };
        let settings = FollowUpSettings {
            particles: 300,
            seed: j as u64 + 1,
            fixed: Vec::new(),
        };
        let (report, post, _) = update(&sc, &file, &settings).unwrap();
        for (k, &i) in index.iter().enumerate() {
            let below: f64 = post
                .params
                .iter()
                .zip(&post.weights)
                .filter(|(p, _)| p[i] < truth[i])
                .map(|(_, w)| w)
                .sum();
            bins[k][((below * BINS as f64) as usize).min(BINS - 1)] += 1;
            let u = report
                .parameters
                .iter()
                .find(|u| u.name == names[k])
                .unwrap();
            covered[k] += usize::from(u.posterior.p5 <= truth[i] && truth[i] <= u.posterior.p95);
            sd_ratio[k] += u.sd_ratio / DATA_SETS as f64;
        }
    }
    // χ² with 9 degrees of freedom: 27.88 at the 0.1 % level
    let expected = DATA_SETS as f64 / BINS as f64;
    let band = 3.0 * (0.9 * 0.1 / DATA_SETS as f64).sqrt();
    for k in 0..3 {
        let chi2: f64 = bins[k]
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        assert!(
            chi2 < 27.88,
            "{}: ranks {:?}, χ² {chi2:.1}",
            names[k],
            bins[k]
        );
        let coverage = covered[k] as f64 / DATA_SETS as f64;
        assert!(
            (coverage - 0.9).abs() <= band,
            "{}: coverage {coverage}",
            names[k]
        );
        // and the data were used: a posterior equal to the prior would pass the two above
        assert!(
            sd_ratio[k] < 0.95,
            "{}: mean sd ratio {}",
            names[k],
            sd_ratio[k]
        );
    }
}

/// Every shipped scenario ships an example observed file that the follow-up reads and
/// forecasts from, the programme with intakes included.
#[test]
fn every_shipped_scenario_has_an_example_observed_file_that_runs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut examples = 0;
    for entry in std::fs::read_dir(root.join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "rhai") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let example = root.join("scenarios").join(format!("{stem}_observed.csv"));
        let sc = socinv::script::load_scenario(&path).unwrap();
        let text = std::fs::read_to_string(&example)
            .unwrap_or_else(|_| panic!("{stem} ships {stem}_observed.csv"));
        let observed = parse(&sc, "example", &text).unwrap();
        let settings = FollowUpSettings {
            particles: 300,
            seed: 1,
            fixed: Vec::new(),
        };
        let f = follow_up(&sc, &observed, &settings, &NoProgress).unwrap();
        let report = &f.update;
        if sc.intakes.is_empty() {
            assert_eq!(report.observed.people as u32, sc.cohort, "{stem}");
        } else {
            // the intakes of the two years observed, each person from their intake's year
            let entries: Vec<usize> = observed.cohort.people.iter().map(|p| p.entry).collect();
            assert!(entries.contains(&0) && entries.contains(&1), "{stem}");
        }
        assert!(report.parameters.iter().any(|u| u.informed), "{stem}");
        let forecast = f.forecast.as_ref().expect("the examples have participants");
        assert_eq!(forecast.observed_years, 2, "{stem}");
        assert_eq!(forecast.after.comparisons.len(), 1, "{stem}");
        examples += 1;
    }
    assert_eq!(examples, 5);
}

#[test]
fn the_workbook_reads_back_with_each_parameter_before_and_after_in_swedish() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let sc = scenario(ONE_MOVE);
    let settings = FollowUpSettings {
        particles: 1000,
        seed: 3,
        fixed: Vec::new(),
    };
    let workbook = |file: &str| {
        let observed = parse(&sc, "observed.csv", file).unwrap();
        let f = follow_up(&sc, &observed, &settings, &NoProgress).unwrap();
        let bytes = socinv::report::xlsx::followup_workbook(socinv::report::html::Lang::Sv, &f)
            .expect("the workbook is written");
        let wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        (f, wb)
    };
    // with participants: the forecast's sheets, then the updated forecast's as a run's
    let (f, mut wb) = workbook(&one_move_file(20, 4).replace(",\n", ",stöd\n"));
    let names = wb.sheet_names();
    assert_eq!(names[..3], ["Uppföljning", "Prognos", "Tillstånd"]);
    assert!(names.iter().any(|n| n == "Sammanfattning"), "{names:?}");
    let forecast = f.forecast.as_ref().unwrap();
    let prognos = wb.worksheet_range("Prognos").unwrap();
    let last = forecast.periods.len() as u32;
    assert_eq!(
        prognos.get_value((last, 0)).cloned(),
        Some(Data::String(forecast.periods.last().unwrap().name.clone()))
    );
    assert_eq!(
        prognos.get_value((last, 2)).cloned(),
        Some(Data::Float(forecast.periods.last().unwrap().so_far.mean))
    );
    let states = wb.worksheet_range("Tillstånd").unwrap();
    // "a" in 2028: 16 of the 20 observed people
    assert_eq!(states.get_value((2, 1)).cloned(), Some(Data::Float(2028.0)));
    assert_eq!(states.get_value((2, 2)).cloned(), Some(Data::Float(16.0)));
    // without participants: the parameters' sheet alone
    let (f, mut wb) = workbook(&one_move_file(20, 4));
    assert!(f.forecast.is_none());
    let r = f.update;
    assert_eq!(wb.sheet_names(), vec!["Uppföljning".to_string()]);
    let sheet = wb.worksheet_range("Uppföljning").unwrap();
    let cell = |row: u32, col: u32| sheet.get_value((row, col)).cloned();
    assert_eq!(cell(4, 0), Some(Data::String("Personer".into())));
    assert_eq!(cell(4, 1), Some(Data::Float(20.0)));
    assert_eq!(cell(14, 3), Some(Data::String("Bedömning".into())));
    let p = r.parameters.iter().position(|u| u.name == "p").unwrap() as u32;
    let row = 15 + p;
    assert_eq!(cell(row, 0), Some(Data::String("p".into())));
    assert_eq!(cell(row, 2), Some(Data::String("ja".into())));
    let u = &r.parameters[p as usize];
    assert_eq!(cell(row, 9), Some(Data::Float(u.posterior.mean)));
    assert_eq!(cell(row, 4), Some(Data::Float(u.prior.mean)));
}

/// Observations generated from fixed "true" values and a large cohort: the posterior
/// concentrates near them, for a value the prior held unlikely too.
#[test]
fn a_large_cohort_from_fixed_true_values_concentrates_the_posterior_near_them() {
    use socinv::followup::observed::ObservedFile;
    use socinv::sim::likelihood::{SyntheticCohort, synthetic};
    use socinv::sim::{ParameterSampler, SimSettings};
    let sc = socinv::script::load_scenario(std::path::Path::new("scenarios/skolfranvaro.rhai"))
        .expect("the shipped scenario loads");
    let name = "p_återgång_skola";
    let i = sc.parameter_index(name).unwrap();
    // the medians, with the return to school at 0.32 (the prior's P95 is about 0.29)
    let settings = SimSettings {
        method: socinv::sim::Method::Individual,
        iterations: 1,
        seed: 1,
        fixed: vec![(i, 0.32)],
    };
    let sampler = ParameterSampler::new(&sc, &settings);
    let truth = sampler.at_normals(&vec![0.0; sampler.dimension()]);
    // under ordinary practice (among participants the return to school is confounded with the
    // program's odds ratio)
    let spec = SyntheticCohort {
        people: 1500,
        years: 3,
        offered: None,
    };
    let file = ObservedFile {
        name: "truth.csv".into(),
        cohort: synthetic(&sc, &truth, spec, 7).unwrap(),
        lines: Vec::new(),
    };
    let settings = FollowUpSettings {
        particles: 600,
        seed: 5,
        fixed: Vec::new(),
    };
    let (r, _, _) = update(&sc, &file, &settings).unwrap();
    let p = r.parameters.iter().find(|u| u.name == name).unwrap();
    assert!(
        (p.posterior.mean - 0.32).abs() < 3.0 * p.posterior.sd && p.sd_ratio < 0.5,
        "{name}: posterior {:?}, sd ratio {}",
        p.posterior,
        p.sd_ratio
    );
    assert_eq!(p.verdict, Verdict::Contradicted);
    // every other informed parameter's 90 % range after still holds its true value
    for u in r.parameters.iter().filter(|u| u.informed && u.name != name) {
        let t = truth[sc.parameter_index(&u.name).unwrap()];
        assert!(
            u.posterior.p5 <= t && t <= u.posterior.p95,
            "{}: true {t}, after {:?}",
            u.name,
            u.posterior
        );
    }
}
