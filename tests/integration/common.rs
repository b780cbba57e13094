//! Helpers shared by the tests.

use socinv::results::RunResults;
use socinv::samples::RunSamples;
use socinv::scenario::Scenario;
use socinv::sim::{IterationResult, SimSettings};
use std::path::Path;
use tempfile::TempDir;

/// Loads a scenario from script text.
pub fn scenario(source: &str) -> Scenario {
    socinv::script::load_scenario_str(source, "test.rhai", Path::new("."))
        .unwrap_or_else(|e| panic!("the test scenario should load: {e}"))
}

/// The error message of a script that must fail to load.
pub fn load_error(source: &str) -> String {
    match socinv::script::load_scenario_str(source, "test.rhai", Path::new(".")) {
        Ok(_) => panic!("the script should have been rejected"),
        Err(e) => e.to_string(),
    }
}

pub fn settings(iterations: usize, seed: u64) -> SimSettings {
    SimSettings {
        method: socinv::sim::Method::Individual,
        iterations,
        seed,
        fixed: Vec::new(),
    }
}

/// Simulates `sc` and summarises the iterations as `socinv run` does.
pub fn run(sc: &Scenario, iterations: usize, seed: u64) -> (Vec<IterationResult>, RunResults) {
    let settings = settings(iterations, seed);
    let its = socinv::sim::simulate(sc, &settings, &|| {})
        .unwrap_or_else(|e| panic!("simulation should run: {e}"));
    let results = RunResults::new(sc, &settings, &RunSamples::of(sc, &its));
    (its, results)
}

/// Mean and Monte Carlo standard error of a column.
pub fn mean_mcse(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = values.collect();
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// Asserts |estimate − exact| ≤ 4 MCSE.
pub fn assert_within_4_mcse(what: &str, estimate: (f64, f64), exact: f64) {
    let (m, se) = estimate;
    assert!(
        (m - exact).abs() <= 4.0 * se + 1e-9 * exact.abs().max(1.0),
        "{what}: Monte Carlo mean {m} (MCSE {se}) is more than 4 MCSE from the exact {exact}"
    );
}

/// A temporary folder holding these files.
pub fn folder(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("writing a test file");
    }
    dir
}

/// The names in a folder, sorted: to see that a failure left nothing behind (temporary files
/// included).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// What a run of the socinv binary gave: exit code, stdout, stderr.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the socinv binary in `dir` (a hang of more than 60 s is a failure); asserts it did not
/// panic.
pub fn socinv_in(dir: &Path, args: &[&str]) -> Ran {
    let out = assert_cmd::Command::cargo_bin("socinv")
        .expect("the socinv binary is built")
        .current_dir(dir)
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap_or_else(|e| panic!("socinv {} did not end: {e}", args.join(" ")));
    let ran = Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !ran.stderr.contains("panicked"),
        "socinv {} panicked:\n{}",
        args.join(" "),
        ran.stderr
    );
    ran
}

/// What an analyst must never see in an error: the names of Rust's and rhai's types.
pub const TYPE_NAMES: &[&str] = &[
    "i64",
    "f64",
    "&str",
    "ImmutableString",
    "DistributionSpec",
    "Expr",
    "socinv::",
    "Dynamic",
    "rhai",
];
