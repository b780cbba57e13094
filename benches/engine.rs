//! Throughput of the engine on the reference workload (benches/reference.rhai: 8 states,
//! 4 actors, 20 years, cohort 1,000, 2 arms, 10 parameters, one time-in-state rule), in
//! individual-years per second, on one thread and on all threads. Compare with the hand-written
//! floor in benches/floor (see README "Performance").
//!
//! The shipped scenarios (scenarios/*.rhai) and the extended Sick-Sicker example
//! (examples/sick_sicker.rhai, which follows durations and attributes per person) are timed
//! per iteration on one thread, each beside the hand-written floor (benches/floor) at its own
//! size: its states, arms, cohort and years (an open cohort: each intake for the years it is
//! followed), as `shipped/NAME` and `shipped/NAME_floor`.
//!
//! The `methods` group times the individual, count and expected paths on the reference itself
//! (`METHOD_reference`) and on its structure over 40 years at 10^3, 10^4 and 10^5 people
//! (`METHOD_PEOPLE`).
//!
//! Run: `cargo bench --bench engine` (one group: `cargo bench --bench engine -- methods`)

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use socinv::script::load_scenario;
use socinv::sim::{Method, SimSettings, simulate};
use std::hint::black_box;
use std::path::Path;

#[path = "floor/src/lib.rs"]
mod floor;

const ITERATIONS: usize = 200;

fn reference(c: &mut Criterion) {
    let scenario = load_scenario(Path::new("benches/reference.rhai")).expect("reference loads");
    let settings = SimSettings {
        method: socinv::sim::Method::Individual,
        iterations: ITERATIONS,
        seed: 1,
        fixed: Vec::new(),
    };
    let individual_years = ITERATIONS as u64
        * u64::from(scenario.cohort)
        * u64::from(scenario.horizon)
        * scenario.arms.len() as u64;
    let mut group = c.benchmark_group("reference");
    group.throughput(Throughput::Elements(individual_years));
    group.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        group.bench_function(format!("{threads}_threads"), |b| {
            b.iter(|| pool.install(|| black_box(simulate(&scenario, &settings, &|| {}).unwrap())))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("script");
    group.bench_function("load_reference", |b| {
        b.iter(|| black_box(load_scenario(Path::new("benches/reference.rhai")).unwrap()))
    });
    group.finish();
}

/// One thread, `SHIPPED_ITERATIONS` iterations of each shipped scenario and the example.
fn shipped(c: &mut Criterion) {
    const SHIPPED_ITERATIONS: usize = 200;
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .expect("the scenarios folder")
        .map(|e| e.expect("a scenario file").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
        .collect();
    files.sort();
    files.push(Path::new("examples/sick_sicker.rhai").to_path_buf());
    let settings = SimSettings {
        method: socinv::sim::Method::Individual,
        iterations: SHIPPED_ITERATIONS,
        seed: 1,
        fixed: Vec::new(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("thread pool");
    let mut group = c.benchmark_group("shipped");
    group.sample_size(10);
    group.throughput(Throughput::Elements(SHIPPED_ITERATIONS as u64));
    for file in &files {
        let scenario = load_scenario(file).expect("a shipped scenario loads");
        let name = file.file_stem().expect("a file name").to_string_lossy();
        group.bench_function(name.as_ref(), |b| {
            b.iter(|| pool.install(|| black_box(simulate(&scenario, &settings, &|| {}).unwrap())))
        });
        let (states, arms) = (scenario.states.len(), scenario.arms.len());
        let cohorts = floor_cohorts(&scenario);
        group.bench_function(format!("{name}_floor"), |b| {
            b.iter(|| {
                let mut net = 0.0;
                for it in 0..SHIPPED_ITERATIONS {
                    for &(people, years) in &cohorts {
                        net += floor::iteration_of(states, it, people, years, arms);
                    }
                }
                black_box(net)
            })
        });
    }
    group.finish();
}

/// The (people, years followed) of each cohort a scenario simulates: its cohort over the
/// horizon, or each intake (at the parameters' medians) from its year to the horizon.
fn floor_cohorts(scenario: &socinv::scenario::Scenario) -> Vec<(usize, usize)> {
    let h = scenario.horizon as usize;
    if scenario.intakes.is_empty() {
        return vec![(scenario.cohort as usize, h)];
    }
    (scenario.intakes.iter())
        .zip(scenario.intake_people_at_medians())
        .filter(|(i, _)| (i.year as usize) < h)
        .map(|(i, people)| (people.unwrap_or(0) as usize, h - i.year as usize))
        .collect()
}

/// The three methods on the reference workload, and on its structure over 40 years at 10^3,
/// 10^4 and 10^5 people, per iteration on one thread (the individual path up to 10^4).
fn methods(c: &mut Criterion) {
    const METHOD_ITERATIONS: usize = 20;
    let source = std::fs::read_to_string("benches/reference.rhai").expect("the reference script");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("thread pool");
    let mut group = c.benchmark_group("methods");
    group.sample_size(10);
    group.throughput(Throughput::Elements(METHOD_ITERATIONS as u64));
    // (people, years, name): the reference itself, then its structure over 40 years
    let sizes = [
        (1_000, 20, "reference".to_string()),
        (1_000, 40, "1000".to_string()),
        (10_000, 40, "10000".to_string()),
        (100_000, 40, "100000".to_string()),
    ];
    assert!(
        source.contains("cohort: 1000") && source.contains("horizon: 20"),
        "the reference declares cohort: 1000 and horizon: 20"
    );
    for (people, years, size) in sizes {
        let script = source
            .replacen("cohort: 1000", &format!("cohort: {people}"), 1)
            .replacen("horizon: 20", &format!("horizon: {years}"), 1);
        let scenario =
            socinv::script::load_scenario_str(&script, "reference.rhai", Path::new("benches"))
                .expect("the scaled reference loads");
        for method in [Method::Individual, Method::Counts, Method::Expected] {
            if method == Method::Individual && people > 10_000 {
                continue;
            }
            let settings = SimSettings {
                method,
                iterations: METHOD_ITERATIONS,
                seed: 1,
                fixed: Vec::new(),
            };
            group.bench_function(format!("{}_{size}", method.name()), |b| {
                b.iter(|| {
                    pool.install(|| black_box(simulate(&scenario, &settings, &|| {}).unwrap()))
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, reference, shipped, methods);
criterion_main!(benches);
