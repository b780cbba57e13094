//! A run's per-iteration columns: a run too large to keep them in memory keeps them in a
//! temporary file and gives the same results, byte for byte.

use crate::common::settings;
use socinv::results::RunResults;
use socinv::samples::{MEMORY_LIMIT, RunSamples};
use socinv::sensitivity::NoProgress;
use socinv::session::Session;
use std::path::Path;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/familjestod.rhai");

#[test]
fn a_run_whose_columns_are_kept_in_a_file_gives_the_results_of_one_kept_in_memory() {
    let session = Session::load(Path::new(SCENARIO), None).unwrap();
    let scenario = session.scenario();
    // the smallest run past the memory limit, and a chunk and a bit more
    let width = RunSamples::new(scenario, 0).layout().width();
    let iterations = MEMORY_LIMIT / (8 * width) + 4_096 + 5;
    let settings = settings(iterations, 3);
    let run = session.run(settings.clone(), &NoProgress).unwrap();
    assert!(
        run.samples.in_file(),
        "{iterations} iterations should go to a file"
    );
    let its = socinv::sim::simulate(scenario, &settings, &|| {}).unwrap();
    let memory = RunSamples::of(scenario, &its);
    assert!(!memory.in_file());
    let in_memory = RunResults::new(scenario, &settings, &memory);
    assert!(
        socinv::report::json(&run.results) == socinv::report::json(&in_memory),
        "the results from the file's columns differ from those from memory"
    );
}
