//! A run split into shards and merged is the single run, byte for byte: for every shipped
//! scenario, any split, any order of the parts and any thread count; parts that do not belong
//! together, or are damaged, are refused without writing anything.

use crate::common::{listing, socinv_in};
use socinv::sensitivity::NoProgress;
use socinv::session::Session;
use socinv::sim::SimSettings;
use socinv::sim::shard::{self, Part, Shard};
use std::path::{Path, PathBuf};

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

#[test]
fn shards_partition_the_iterations_into_blocks_of_nearly_equal_size() {
    for total in [1, 2, 7, 1000, 10_001] {
        for count in 1..=9.min(total) {
            let blocks: Vec<_> = (1..=count)
                .map(|index| Shard { index, count }.iterations(total))
                .collect();
            assert_eq!(blocks[0].start, 0);
            assert_eq!(blocks[count - 1].end, total);
            for pair in blocks.windows(2) {
                assert_eq!(pair[0].end, pair[1].start, "{total} in {count}: {blocks:?}");
            }
            let sizes: Vec<usize> = blocks.iter().map(|b| b.len()).collect();
            let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(hi - lo <= 1, "{total} in {count}: sizes {sizes:?}");
        }
    }
    assert_eq!(Shard::parse("3/8"), Ok(Shard { index: 3, count: 8 }));
    for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/3"] {
        assert!(Shard::parse(bad).is_err(), "{bad} should be refused");
    }
}

/// Every shipped scenario, split three ways (and seven, uneven), its parts encoded, decoded
/// and merged in reverse order on another thread count: the results' JSON is the single run's.
#[test]
fn merged_shards_give_the_single_run_byte_for_byte_on_every_shipped_scenario() {
    for name in [
        "familjestod.rhai",
        "familjestod_program.rhai",
        "psykisk_ohalsa.rhai",
        "skolfranvaro.rhai",
        "uvas_jobbstod.rhai",
    ] {
        let path = shipped(name);
        let single = Session::load(&path, Some(2)).unwrap();
        let settings = SimSettings {
            method: socinv::sim::Method::Individual,
            iterations: 403,
            seed: 11,
            fixed: Vec::new(),
        };
        let run = single.run(settings.clone(), &NoProgress).unwrap();
        let expected = socinv::report::json(&run.results);
        let all = socinv::sim::simulate(single.scenario(), &settings, &|| {}).unwrap();
        for count in [1, 3, 7] {
            let session = Session::load(&path, Some(1 + count % 2)).unwrap();
            let mut parts = Vec::new();
            let mut names = Vec::new();
            for index in (1..=count).rev() {
                let part = session
                    .run_shard(
                        &settings,
                        Shard { index, count },
                        path.display().to_string(),
                        &NoProgress,
                    )
                    .unwrap();
                parts.push(Part::decode(&part.encode()).unwrap());
                names.push(format!("part {index}"));
            }
            let (header, iterations) = shard::merge(parts, &names).unwrap();
            assert!(
                iterations == all,
                "{name}, {count} shards: the merged iterations differ from the run's"
            );
            let merged = session.merged(&header, iterations).unwrap();
            assert!(
                socinv::report::json(&merged.results) == expected,
                "{name}, {count} shards: the merged results differ from the run's"
            );
        }
    }
}

fn copy_scenario(dir: &Path) {
    std::fs::copy(shipped("familjestod.rhai"), dir.join("familjestod.rhai")).unwrap();
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let ran = socinv_in(dir, args);
    assert_eq!(
        ran.code,
        Some(0),
        "socinv {} failed:\n{}",
        args.join(" "),
        ran.stderr
    );
    ran.stdout
}

/// From the command line: the JSON, the samples and the summary of `merge` are the run's, with
/// `--set` and `--perspective`.
#[test]
fn socinv_merge_writes_the_outputs_of_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_scenario(d);
    let common = [
        "-n",
        "1500",
        "--seed",
        "7",
        "--set",
        "or_familjestöd_placering=0.7",
    ];
    let mut single = vec!["run", "familjestod.rhai"];
    single.extend(common);
    single.extend([
        "--json",
        "single.json",
        "--samples",
        "single.csv",
        "--perspective",
        "kommun",
    ]);
    let single_summary = ok(d, &single);
    for k in ["2", "1", "3", "4"] {
        let shard = format!("{k}/4");
        let part = format!("{k}.part");
        let mut args = vec!["run", "familjestod.rhai", "--threads", "1"];
        args.extend(common);
        args.extend(["--shard", &shard, "--part", &part]);
        ok(d, &args);
    }
    let merged_summary = ok(
        d,
        &[
            "merge",
            "4.part",
            "2.part",
            "1.part",
            "3.part",
            "--json",
            "merged.json",
            "--samples",
            "merged.csv",
            "--perspective",
            "kommun",
        ],
    );
    let read = |f: &str| std::fs::read(d.join(f)).unwrap();
    assert!(
        read("single.json") == read("merged.json"),
        "the JSON differs"
    );
    assert!(
        read("single.csv") == read("merged.csv"),
        "the samples differ"
    );
    assert_eq!(single_summary, merged_summary);
}

#[test]
fn parts_that_do_not_make_up_one_run_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_scenario(d);
    let shard = |k: &str, seed: &str, part: &str| {
        ok(
            d,
            &[
                "run",
                "familjestod.rhai",
                "-n",
                "300",
                "--seed",
                seed,
                "--shard",
                k,
                "--part",
                part,
            ],
        );
    };
    shard("1/3", "1", "a1.part");
    shard("2/3", "1", "a2.part");
    shard("3/3", "1", "a3.part");
    shard("3/3", "2", "b3.part");
    let bytes = std::fs::read(d.join("a2.part")).unwrap();
    std::fs::write(d.join("short.part"), &bytes[..bytes.len() - 8]).unwrap();
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    std::fs::write(d.join("flipped.part"), flipped).unwrap();
    let before = listing(d);
    for (parts, says) in [
        (vec!["a1.part", "a2.part"], "shard 3/3 is missing"),
        (vec!["a1.part", "a2.part", "b3.part"], "another run"),
        (
            vec!["a1.part", "a2.part", "a2.part", "a3.part"],
            "both shard 2/3",
        ),
        (vec!["a1.part", "short.part", "a3.part"], "incomplete"),
        (vec!["a1.part", "flipped.part", "a3.part"], "damaged"),
        (vec!["familjestod.rhai"], "not a socinv part file"),
    ] {
        let mut args = vec!["merge"];
        args.extend(&parts);
        args.extend(["--json", "out.json"]);
        let ran = socinv_in(d, &args);
        assert_eq!(ran.code, Some(2), "{parts:?}: {}", ran.stderr);
        assert!(ran.stderr.contains(says), "{parts:?}: {}", ran.stderr);
        assert_eq!(listing(d), before, "{parts:?} wrote a file");
    }

    // a shard writes only its part
    let ran = socinv_in(
        d,
        &[
            "run",
            "familjestod.rhai",
            "--shard",
            "1/2",
            "--part",
            "x.part",
            "--json",
            "x.json",
        ],
    );
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.contains("give --json to `socinv merge`"),
        "{}",
        ran.stderr
    );
    assert_eq!(listing(d), before);

    // the scenario changed since the shards ran
    let mut text = std::fs::read_to_string(d.join("familjestod.rhai")).unwrap();
    text.push_str("\n// edited\n");
    std::fs::write(d.join("familjestod.rhai"), &text).unwrap();
    let ran = socinv_in(
        d,
        &[
            "merge", "a1.part", "a2.part", "a3.part", "--json", "out.json",
        ],
    );
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.contains("has changed since the shards ran"),
        "{}",
        ran.stderr
    );
    assert!(!d.join("out.json").exists());

    // moved: --scenario names where it is now (the same files)
    std::fs::remove_file(d.join("familjestod.rhai")).unwrap();
    let ran = socinv_in(d, &["merge", "a1.part", "a2.part", "a3.part"]);
    assert_eq!(ran.code, Some(2));
    assert!(ran.stderr.contains("--scenario"), "{}", ran.stderr);
    std::fs::create_dir(d.join("moved")).unwrap();
    copy_scenario(&d.join("moved"));
    ok(
        d,
        &[
            "merge",
            "a1.part",
            "a2.part",
            "a3.part",
            "--scenario",
            "moved/familjestod.rhai",
        ],
    );
}
