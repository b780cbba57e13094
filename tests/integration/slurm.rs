//! The shipped job-array script (docs/cluster/socinv-array.sbatch) run as a real Slurm job
//! array on the machine's cluster (`.ci/slurm-up` starts a single-node one; CI runs it and sets
//! SOCINV_REQUIRE_SLURM=1), and its parts merged: the single run's JSON, byte for byte.

use crate::common::socinv_in;
use std::path::Path;
use std::process::Command;

/// Why the cluster cannot be used here, or `None` when it answers.
fn cluster_missing() -> Option<String> {
    match Command::new("scontrol").arg("ping").output() {
        Err(e) => Some(format!(
            "no Slurm client (scontrol: {e}); run .ci/slurm-up as root"
        )),
        Ok(out) if !String::from_utf8_lossy(&out.stdout).contains("is UP") => {
            Some("slurmctld does not answer `scontrol ping`; run .ci/slurm-up as root".to_string())
        }
        Ok(_) => None,
    }
}

#[test]
fn a_slurm_job_array_of_shards_merges_into_the_single_run_byte_for_byte() {
    if let Some(why) = cluster_missing() {
        assert!(
            std::env::var_os("SOCINV_REQUIRE_SLURM").is_none(),
            "SOCINV_REQUIRE_SLURM is set but the Slurm cluster is not usable: {why}"
        );
        eprintln!("skipped: {why}");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir_in("/tmp").unwrap();
    let d = dir.path();
    std::fs::copy(
        root.join("scenarios/familjestod.rhai"),
        d.join("familjestod.rhai"),
    )
    .unwrap();
    let binary = assert_cmd::cargo::cargo_bin("socinv");
    let ran = socinv_in(
        d,
        &[
            "run",
            "familjestod.rhai",
            "-n",
            "2001",
            "--seed",
            "5",
            "--json",
            "single.json",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);

    let out = Command::new("timeout")
        .current_dir(d)
        .env("SOCINV", &binary)
        .args([
            "300",
            "sbatch",
            "--wait",
            "--array=0-2",
            "--job-name=socinv-test",
        ])
        .arg(root.join("docs/cluster/socinv-array.sbatch"))
        .args(["familjestod.rhai", "2001", "5"])
        .output()
        .expect("sbatch runs");
    let logs: String = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("slurm-"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(
        out.status.success(),
        "the job array failed: {}\n{}\ntask logs:\n{logs}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let ran = socinv_in(
        d,
        &[
            "merge",
            "parts/3-of-3.part",
            "parts/1-of-3.part",
            "parts/2-of-3.part",
            "--json",
            "merged.json",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}\ntask logs:\n{logs}", ran.stderr);
    let read = |f: &str| std::fs::read(d.join(f)).unwrap();
    assert!(
        read("single.json") == read("merged.json"),
        "the merged JSON differs from the single run's"
    );
}
