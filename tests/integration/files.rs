//! Output files: no output may be an input or a device, two names of one file are one file,
//! a command writes all its outputs or none, and `new` never replaces a file.

use crate::common::{folder, listing};
use assert_cmd::Command;
use predicates::prelude::*;
use socinv::report::files::{Inputs, OutputPlan};
use std::path::Path;
use std::time::Duration;

fn socinv(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("socinv").expect("the socinv binary is built");
    cmd.timeout(Duration::from_secs(60)).current_dir(dir);
    cmd
}

/// Expects exit code 2 with an `error:` line containing every part; returns stderr.
fn usage_error(dir: &Path, args: &[&str], parts: &[&str]) -> String {
    let out = socinv(dir)
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("panicked").not())
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("error: "), "{err}");
    for p in parts {
        assert!(err.contains(p), "the message should contain {p:?}:\n{err}");
    }
    err
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const SCENARIO: &str = r#"scenario(#{ name: "liten", horizon: 3, cohort: 10 });
actor("kommun");
state("a");
state("b");
start(#{ a: 1.0 });
let p = param("p", uniform(0.1, 0.3));
intervention("stöd", #{ startup: 1000, funded_by: #{ kommun: 1.0 } });
transition("a", "b", p);
cost("a", "kommun", 1000);
"#;

#[test]
fn an_output_that_is_the_scenario_or_a_file_it_may_import_is_refused() {
    let dir = folder(&[
        ("s.rhai", SCENARIO),
        ("helper.rhai", "export const K = 1;\n"),
    ]);
    usage_error(
        dir.path(),
        &["run", "s.rhai", "-n", "10", "--json", "s.rhai"],
        &["--json s.rhai", "input"],
    );
    usage_error(
        dir.path(),
        &["tornado", "s.rhai", "-n", "10", "--csv", "./helper.rhai"],
        &["--csv ./helper.rhai", "input"],
    );
    // `import "lib/more"` reads lib/more.rhai
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    std::fs::write(dir.path().join("lib/more.rhai"), "export const M = 2;\n").unwrap();
    usage_error(
        dir.path(),
        &["run", "s.rhai", "-n", "10", "--samples", "lib/more.rhai"],
        &["--samples lib/more.rhai", "input"],
    );
    assert_eq!(read(dir.path(), "s.rhai"), SCENARIO);
    assert_eq!(read(dir.path(), "helper.rhai"), "export const K = 1;\n");
    assert_eq!(read(dir.path(), "lib/more.rhai"), "export const M = 2;\n");
    assert_eq!(listing(dir.path()), ["helper.rhai", "lib", "s.rhai"]);
}

#[test]
fn report_refuses_to_write_over_its_inputs() {
    let dir = folder(&[("s.rhai", SCENARIO)]);
    socinv(dir.path())
        .args(["run", "s.rhai", "-n", "50", "--json", "r.json"])
        .assert()
        .success();
    socinv(dir.path())
        .args(["tornado", "s.rhai", "-n", "50", "--json", "t.json"])
        .assert()
        .success();
    let (r, t) = (read(dir.path(), "r.json"), read(dir.path(), "t.json"));
    usage_error(
        dir.path(),
        &["report", "r.json", "-o", "r.json"],
        &["-o r.json", "input"],
    );
    usage_error(
        dir.path(),
        &[
            "report",
            "r.json",
            "--sensitivity",
            "t.json",
            "-o",
            "x.html",
            "--xlsx",
            "t.json",
        ],
        &["--xlsx t.json", "input"],
    );
    assert_eq!(read(dir.path(), "r.json"), r);
    assert_eq!(read(dir.path(), "t.json"), t);
    assert!(!dir.path().join("x.html").exists());
}

#[cfg(unix)]
#[test]
fn two_names_of_one_file_are_the_same_output() {
    let dir = folder(&[("s.rhai", SCENARIO), ("a.json", "OLD")]);
    std::fs::create_dir(dir.path().join("x")).unwrap();
    std::os::unix::fs::symlink("a.json", dir.path().join("link.json")).unwrap();
    std::fs::hard_link(dir.path().join("a.json"), dir.path().join("hard.json")).unwrap();
    for other in ["x/../a.json", "link.json", "hard.json"] {
        usage_error(
            dir.path(),
            &[
                "run",
                "s.rhai",
                "-n",
                "10",
                "--json",
                "a.json",
                "--samples",
                other,
            ],
            &["--samples and --json both write"],
        );
    }
    // a link to the scenario is the scenario
    std::os::unix::fs::symlink("s.rhai", dir.path().join("s-link.json")).unwrap();
    usage_error(
        dir.path(),
        &["run", "s.rhai", "-n", "10", "--json", "s-link.json"],
        &["input"],
    );
    assert_eq!(read(dir.path(), "a.json"), "OLD");
    assert_eq!(read(dir.path(), "s.rhai"), SCENARIO);
}

#[cfg(unix)]
#[test]
fn an_output_through_a_link_writes_the_file_it_points_to() {
    let dir = folder(&[("s.rhai", SCENARIO), ("a.json", "OLD")]);
    std::os::unix::fs::symlink("a.json", dir.path().join("link.json")).unwrap();
    socinv(dir.path())
        .args(["run", "s.rhai", "-n", "10", "--json", "link.json"])
        .assert()
        .success();
    let link = dir.path().join("link.json");
    assert!(
        link.symlink_metadata().unwrap().is_symlink(),
        "the link was replaced"
    );
    assert!(read(dir.path(), "a.json").contains("socinv.result/1"));
    // a link to nothing is refused rather than replaced
    std::os::unix::fs::symlink("missing.json", dir.path().join("dangling.json")).unwrap();
    usage_error(
        dir.path(),
        &["run", "s.rhai", "-n", "10", "--json", "dangling.json"],
        &["--json dangling.json", "link"],
    );
    assert!(
        dir.path()
            .join("dangling.json")
            .symlink_metadata()
            .unwrap()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn an_output_that_is_not_a_regular_file_is_refused() {
    use std::os::unix::fs::FileTypeExt;
    // a named pipe (mknod of a device needs root; the check is the same: not a regular file)
    let dir = folder(&[("s.rhai", SCENARIO)]);
    let fifo = dir.path().join("pipe");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    usage_error(
        dir.path(),
        &["run", "s.rhai", "-n", "10", "--json", "pipe"],
        &["--json pipe", "not a regular file"],
    );
    assert!(fifo.symlink_metadata().unwrap().file_type().is_fifo());
    // and a device node: refused before anything is written (the check does not write)
    usage_error(
        dir.path(),
        &["run", "s.rhai", "-n", "10", "--samples", "/dev/null"],
        &["--samples /dev/null", "not a regular file"],
    );
    assert!(
        Path::new("/dev/null")
            .metadata()
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn when_a_later_output_fails_the_earlier_ones_are_rolled_back() {
    let dir = folder(&[("a.json", "OLD A"), ("b.csv", "OLD B")]);
    let p = |name: &str| dir.path().join(name);
    let (a, b, c, d) = (p("a.json"), p("b.csv"), p("new.html"), p("c.xlsx"));
    let plan = OutputPlan::check(
        &[
            ("--json", Some(&a)),
            ("--samples", Some(&b)),
            ("--report", Some(&c)),
            ("--xlsx", Some(&d)),
        ],
        &Inputs::default(),
    )
    .unwrap();
    // after the check, the last output's place is taken by a folder with a file in it: its
    // rename fails after the first three succeeded
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("keep"), "x").unwrap();
    let err = plan
        .commit(&[
            ("--json", b"NEW A"),
            ("--samples", b"NEW B"),
            ("--report", b"NEW C"),
            ("--xlsx", b"NEW D"),
        ])
        .unwrap_err();
    assert_eq!(
        err.exit_code(),
        1,
        "a failure of the system, not of the user: {err}"
    );
    assert!(err.to_string().contains("c.xlsx"), "{err}");
    assert_eq!(std::fs::read_to_string(&a).unwrap(), "OLD A");
    assert_eq!(std::fs::read_to_string(&b).unwrap(), "OLD B");
    assert!(!c.exists(), "a new output stayed after the rollback");
    assert_eq!(listing(dir.path()), ["a.json", "b.csv", "c.xlsx"]);
}

#[test]
fn all_outputs_are_written_together_with_no_temporary_file_left() {
    let dir = folder(&[("a.json", "OLD A")]);
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.csv"));
    let plan = OutputPlan::check(
        &[("--json", Some(&a)), ("--csv", Some(&b))],
        &Inputs::default(),
    )
    .unwrap();
    plan.commit(&[("--json", b"NEW A"), ("--csv", b"NEW B")])
        .unwrap();
    assert_eq!(std::fs::read_to_string(&a).unwrap(), "NEW A");
    assert_eq!(std::fs::read_to_string(&b).unwrap(), "NEW B");
    assert_eq!(listing(dir.path()), ["a.json", "b.csv"]);
}

#[cfg(unix)]
#[test]
fn new_does_not_replace_a_link_or_any_existing_name() {
    let dir = folder(&[("elsewhere.txt", "MINE")]);
    std::os::unix::fs::symlink("missing-target", dir.path().join("dangling.rhai")).unwrap();
    usage_error(
        dir.path(),
        &["new", "dangling"],
        &["dangling.rhai", "already exists"],
    );
    assert!(
        dir.path()
            .join("dangling.rhai")
            .symlink_metadata()
            .unwrap()
            .is_symlink()
    );
    std::os::unix::fs::symlink("elsewhere.txt", dir.path().join("link.rhai")).unwrap();
    usage_error(dir.path(), &["new", "link"], &["already exists"]);
    assert_eq!(read(dir.path(), "elsewhere.txt"), "MINE");
    usage_error(
        dir.path(),
        &["new", "saknas/ny"],
        &["saknas/ny.rhai", "saknas"],
    );
}
