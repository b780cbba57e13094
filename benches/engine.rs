//! Throughput of the engine on the reference workload (benches/reference.rhai: 8 states,
//! 4 actors, 20 years, cohort 1,000, 2 arms, 10 parameters, one time-in-state rule), in
//! individual-years per second, on one thread and on all threads. Compare with the hand-written
//! floor in benches/floor (see README "Performance").
//!
//! Run: `cargo bench --bench engine`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use socinv::script::load_scenario;
use socinv::sim::{SimSettings, simulate};
use std::hint::black_box;
use std::path::Path;

const ITERATIONS: usize = 200;

fn reference(c: &mut Criterion) {
    let scenario = load_scenario(Path::new("benches/reference.rhai")).expect("reference loads");
    let settings = SimSettings {
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

criterion_group!(benches, reference);
criterion_main!(benches);
