//! The library façade, `socinv::session::Session`: what the command line prints and writes is
//! what the library returns, on any number of threads.

use assert_cmd::Command;
use socinv::report;
use socinv::sensitivity::tornado::Others;
use socinv::sensitivity::{Metric, NoProgress};
use socinv::session::{AnalysisSettings, Session};
use socinv::sim::SimSettings;
use std::path::Path;

const SCENARIO: &str = "scenarios/familjestod.rhai";

fn settings(iterations: usize, seed: u64) -> SimSettings {
    SimSettings {
        method: socinv::sim::Method::Individual,
        iterations,
        seed,
        fixed: Vec::new(),
    }
}

#[test]
fn a_session_run_gives_the_bytes_the_command_line_writes() {
    let session = Session::load(Path::new(SCENARIO), None).unwrap();
    let run = session.run(settings(800, 7), &NoProgress).unwrap();
    assert_eq!(run.samples.len(), 800);
    let cli = Command::cargo_bin("socinv")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", SCENARIO, "-n", "800", "--seed", "7", "--json", "-"])
        .output()
        .unwrap();
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert_eq!(
        String::from_utf8(cli.stdout).unwrap(),
        report::json(&run.results)
    );
    // a different seed gives different results: the comparison above can fail
    let other = session.run(settings(800, 8), &NoProgress).unwrap();
    assert_ne!(report::json(&other.results), report::json(&run.results));
}

#[test]
fn a_session_gives_the_same_results_on_one_thread_and_on_several() {
    let one = Session::load(Path::new(SCENARIO), Some(1)).unwrap();
    let three = Session::load(Path::new(SCENARIO), Some(3)).unwrap();
    assert_eq!((one.threads(), three.threads()), (1, 3));
    let (a, b) = (
        one.run(settings(300, 3), &NoProgress).unwrap(),
        three.run(settings(300, 3), &NoProgress).unwrap(),
    );
    assert_eq!(report::json(&a.results), report::json(&b.results));
    let analysis = AnalysisSettings {
        iterations: 100,
        seed: 3,
        ..AnalysisSettings::default()
    };
    let tornado = |s: &Session| {
        let r = s
            .tornado(
                &analysis,
                &NoProgress,
                Metric::Net,
                (0.1, 0.9),
                Others::Vary,
            )
            .unwrap();
        serde_json::to_string(&r).unwrap()
    };
    assert_eq!(tornado(&one), tornado(&three));
}

#[test]
fn a_session_names_the_perspectives_it_knows() {
    let mut session = Session::load(Path::new(SCENARIO), None).unwrap();
    let err = session.perspective_index("grannar").unwrap_err();
    assert!(err.contains("its perspectives are"), "{err}");
    assert!(session.decide_for("ingen sådan").is_err());
    session.decide_for("samhället").unwrap();
}
