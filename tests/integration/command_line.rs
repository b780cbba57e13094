//! The command line as cargo and ripgrep users expect it: help with examples and the docs,
//! progress on a terminal only, `Wrote …` for every file, `--json -`, tables that fit 100
//! columns, errors coloured like clap's on a terminal and never a raw control character.
//!
//! The terminal cases run socinv under a pseudo-terminal with util-linux `script` (part of every
//! Debian/Ubuntu base system); without it those tests fail, they do not skip.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The analyses and `run`, each with a small size, on a shipped scenario.
const LONG_COMMANDS: &[(&str, &[&str])] = &[
    (
        "run",
        &["run", "scenarios/psykisk_ohalsa.rhai", "-n", "400"],
    ),
    (
        "tornado",
        &["tornado", "scenarios/psykisk_ohalsa.rhai", "-n", "200"],
    ),
    (
        "sweep",
        &[
            "sweep",
            "scenarios/psykisk_ohalsa.rhai",
            "-n",
            "200",
            "--vary",
            "or_insats_försämring=0.4..1.05:3",
        ],
    ),
    (
        "sobol",
        &["sobol", "scenarios/psykisk_ohalsa.rhai", "--base", "100"],
    ),
    (
        "threshold",
        &[
            "threshold",
            "scenarios/psykisk_ohalsa.rhai",
            "-n",
            "200",
            "--param",
            "or_insats_försämring",
        ],
    ),
    (
        "voi",
        &["voi", "scenarios/psykisk_ohalsa.rhai", "-n", "1000"],
    ),
];

fn socinv() -> Command {
    let mut cmd = Command::cargo_bin("socinv").expect("the socinv binary is built");
    cmd.timeout(Duration::from_secs(120));
    cmd
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("socinv")
}

/// `text` quoted for sh.
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Runs `socinv ARGS` (stdout to /dev/null when `quiet_stdout`) with stdin, stdout and stderr
/// on a pseudo-terminal, in the repository; returns everything the terminal received.
fn on_a_terminal(env: &[(&str, &str)], args: &[&str], quiet_stdout: bool) -> String {
    let mut line = String::from("env");
    for (k, v) in env {
        line.push_str(&format!(" {k}={}", sh_quote(v)));
    }
    line.push(' ');
    line.push_str(&sh_quote(&binary().to_string_lossy()));
    for a in args {
        line.push(' ');
        line.push_str(&sh_quote(a));
    }
    if quiet_stdout {
        line.push_str(" > /dev/null");
    }
    let out = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm-256color")
        .output()
        .expect(
            "the terminal tests need util-linux `script` (apt-get install bsdutils) to make a \
             pseudo-terminal",
        );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---------------------------------------------------------------------------------------------
// --help

#[test]
fn every_subcommand_help_exits_0_with_examples_and_the_docs() {
    let docs = ["docs/scripting.md", "docs/sensitivity.md", "docs/report.md"];
    for cmd in [
        "run",
        "check",
        "new",
        "tornado",
        "sweep",
        "threshold",
        "sobol",
        "voi",
        "report",
    ] {
        let out = socinv().args([cmd, "--help"]).assert().success();
        let help = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(
            help.contains("Examples:\n  socinv "),
            "{cmd} --help has no example:\n{help}"
        );
        assert!(
            docs.iter().any(|d| help.contains(d)),
            "{cmd} --help points to no doc:\n{help}"
        );
        // every doc it names exists
        for d in docs.iter().chain(&["docs/methods.md"]) {
            if help.contains(d) {
                assert!(Path::new(d).exists(), "{cmd} --help names a missing {d}");
            }
        }
    }
}

/// The words of an example command line: split at spaces, "double quotes" kept together, a
/// pipe and what follows it dropped.
fn example_words(line: &str) -> Vec<String> {
    let line = line.split(" | ").next().unwrap_or(line);
    let mut words = Vec::new();
    for (i, part) in line.split('"').enumerate() {
        if i % 2 == 1 {
            words.push(part.to_string());
        } else {
            words.extend(part.split_whitespace().map(str::to_string));
        }
    }
    words
}

/// An example's words with its size made small (`-n 100`, `--base 50`, `--bootstrap 50`), so
/// that every example runs in a debug build too; the rest (names, options) is as printed.
fn small(mut words: Vec<String>) -> Vec<String> {
    let sized = ["run", "tornado", "sweep", "threshold", "voi"];
    for (flag, value) in [("-n", "100"), ("--base", "50"), ("--bootstrap", "50")] {
        match words.iter().position(|w| w == flag) {
            Some(i) => words[i + 1] = value.to_string(),
            None if flag == "-n" && sized.contains(&words[1].as_str()) => {
                words.extend([flag.to_string(), value.to_string()]);
            }
            None if flag == "--base" && words[1] == "sobol" => {
                words.extend([flag.to_string(), value.to_string()]);
            }
            None => {}
        }
    }
    words
}

#[test]
fn every_example_in_the_help_runs() {
    // in a folder of its own, with the shipped scenarios, in the order the help gives them
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            dir.path().join("scenarios").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    let mut ran = 0;
    for cmd in [
        "run",
        "check",
        "new",
        "tornado",
        "sweep",
        "threshold",
        "sobol",
        "voi",
        "report",
    ] {
        let out = socinv().args([cmd, "--help"]).assert().success();
        let help = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        let examples = help.split("Examples:\n").nth(1).expect("examples");
        for line in examples.lines().take_while(|l| l.starts_with("  socinv ")) {
            let words = small(example_words(line));
            let out = socinv()
                .current_dir(dir.path())
                .args(&words[1..])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "the example `{line}` of `socinv {cmd} --help` fails:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 16, "only {ran} examples");
}

#[test]
fn the_iterations_help_says_what_it_counts_for_each_subcommand() {
    let help = |cmd: &str| {
        let out = socinv().args([cmd, "--help"]).assert().success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    for (cmd, says) in [
        ("run", "[default: 10000]"),
        ("run", "with --precision: ignored"),
        (
            "tornado",
            "iterations per run: the tornado makes 1 + 2·k runs",
        ),
        ("tornado", "[default: 1000]"),
        ("sweep", "iterations per grid point [default: 1000]"),
        ("threshold", "iterations per evaluation: 9 grid points"),
        ("threshold", "[default: 1000]"),
        ("voi", "[default: 10000]"),
        ("sobol", "--base N (not -n)"),
    ] {
        let text = help(cmd);
        assert!(
            text.contains(says),
            "{cmd} --help should say {says:?}:\n{text}"
        );
    }
    // sobol takes no -n: the option is not offered
    assert!(!help("sobol").contains("--iterations"));
}

// ---------------------------------------------------------------------------------------------
// Progress

#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    for (name, args) in LONG_COMMANDS {
        let out = socinv().args(*args).assert().success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        for line in stderr.lines() {
            assert!(
                line.starts_with("done in ") || line.starts_with("simulated "),
                "{name}: unexpected stderr line {line:?} in\n{stderr}"
            );
        }
        assert!(
            !stderr.contains('\u{1b}') && !stderr.contains('\r'),
            "{name}: {stderr:?}"
        );
    }
}

#[test]
fn progress_with_label_rate_and_eta_on_a_terminal() {
    for (name, args) in LONG_COMMANDS {
        let screen = on_a_terminal(&[], args, true);
        assert!(
            screen.contains(&format!("{name} ")) && screen.contains("/s · ETA "),
            "{name}: no progress bar with label, rate and ETA on the terminal:\n{screen:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Output files and stdout

#[test]
fn run_says_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let (html, xlsx, json) = (
        dir.path().join("r.html"),
        dir.path().join("r.xlsx"),
        dir.path().join("r.json"),
    );
    let out = socinv()
        .args(["run", "scenarios/familjestod.rhai", "-n", "200", "--report"])
        .arg(&html)
        .arg("--xlsx")
        .arg(&xlsx)
        .arg("--json")
        .arg(&json)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for path in [&json, &html, &xlsx] {
        assert!(path.exists());
        assert!(
            stderr.contains(&format!("Wrote {}\n", path.display())),
            "no `Wrote {}` in\n{stderr}",
            path.display()
        );
    }
    // `report` says it the same way: on stderr, stdout left for results
    let page = dir.path().join("again.html");
    let out = socinv()
        .arg("report")
        .arg(&json)
        .arg("-o")
        .arg(&page)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr, format!("Wrote {}\n", page.display()));
    assert!(out.get_output().stdout.is_empty());
}

#[test]
fn json_dash_writes_the_json_to_stdout() {
    let out = socinv()
        .args([
            "run",
            "scenarios/familjestod.rhai",
            "-n",
            "100",
            "--json",
            "-",
        ])
        .assert()
        .success();
    let json: Value = serde_json::from_slice(&out.get_output().stdout)
        .expect("stdout is the JSON alone, no summary");
    assert_eq!(json["schema"], "socinv.result/1");
    assert!(!Path::new("-").exists(), "no file named -");

    let out = socinv()
        .args([
            "tornado",
            "scenarios/familjestod.rhai",
            "-n",
            "50",
            "--json",
            "-",
        ])
        .assert()
        .success();
    let json: Value = serde_json::from_slice(&out.get_output().stdout).expect("tornado JSON");
    assert_eq!(json["schema"], "socinv.tornado/1");

    // two outputs cannot share stdout; the others take files only
    for (args, says) in [
        (
            &[
                "tornado",
                "scenarios/familjestod.rhai",
                "--json",
                "-",
                "--csv",
                "-",
            ][..],
            "would both write to stdout",
        ),
        (
            &["run", "scenarios/familjestod.rhai", "--samples", "-"][..],
            "--samples cannot write to stdout",
        ),
    ] {
        let out = socinv().args(args).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(out.get_output().stdout.is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

const RED_BOLD_ERROR: &str = "\u{1b}[1m\u{1b}[31merror:\u{1b}[0m ";

#[test]
fn errors_are_red_bold_on_a_terminal_and_plain_otherwise() {
    for args in [&["run", "missing.rhai"][..], &["run", "--bogus"][..]] {
        let screen = on_a_terminal(&[], args, false);
        assert!(
            screen.contains(RED_BOLD_ERROR),
            "{args:?}: error: not coloured on a terminal: {screen:?}"
        );
        let screen = on_a_terminal(&[("NO_COLOR", "1")], args, false);
        assert!(
            screen.contains("error: ") && !screen.contains('\u{1b}'),
            "{args:?}: NO_COLOR must give plain text: {screen:?}"
        );
        let out = socinv().args(args).assert().failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.starts_with("error: ") && !stderr.contains('\u{1b}'),
            "{args:?}: {stderr:?}"
        );
    }
}

#[test]
fn control_characters_in_arguments_never_reach_the_terminal_raw() {
    // an OSC sequence (sets the window title) and a colour, in an option clap does not know,
    // in a value it cannot parse, and in a file name socinv cannot open
    let osc = "x\u{1b}]0;owned\u{7}\u{1b}[31m";
    let unknown = format!("--bogus{osc}");
    let cases: [Vec<&str>; 3] = [
        vec!["run", &unknown],
        vec!["run", "scenarios/familjestod.rhai", "-n", osc],
        vec!["check", osc],
    ];
    for args in &cases {
        let out = socinv().args(args).assert().failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
            "{args:?}: raw control characters on stderr: {stderr:?}"
        );
        assert!(stderr.contains(r"\u{1b}]0;owned\u{7}"), "{stderr:?}");

        let screen = on_a_terminal(&[], args, false);
        assert!(
            !screen.contains("\u{1b}]") && !screen.contains('\u{7}'),
            "{args:?}: a raw sequence reached the terminal: {screen:?}"
        );
        assert!(screen.contains(RED_BOLD_ERROR), "{screen:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 100 columns

/// familjestod.rhai with long names: a state, the intervention, a parameter and an outcome.
fn long_names_scenario() -> String {
    std::fs::read_to_string("scenarios/familjestod.rhai")
        .unwrap()
        .replace(
            "\"HVB\"",
            "\"HVB – hem för vård eller boende, institutionsplacering enligt SoL eller LVU\"",
        )
        .replace(
            "\"Intensivt familjestöd\"",
            "\"Intensivt familjestöd med familjebehandlare i hemmet, två besök i veckan under ett år\"",
        )
        .replace(
            "\"p_placering_övriga\"",
            "\"sannolikhet_för_placering_bland_övriga_familjer_utan_hög_risk_enligt_kartläggningen\"",
        )
        .replace(
            "\"placeringar\"",
            "\"placeringar utanför hemmet (HVB, familjehem eller SiS), räknade vid varje ny placering\"",
        )
}

/// Every command on `scenario` (a path) with a small size; `vary` is a parameter to vary.
fn every_command(scenario: &str, vary: &str) -> Vec<Vec<String>> {
    let s = scenario.to_string();
    let v = |x: &[&str]| x.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        v(&["run", &s, "-n", "300"]),
        v(&[
            "run",
            &s,
            "--precision",
            "1000000000",
            "--max-iterations",
            "2000",
        ]),
        v(&["check", &s]),
        v(&["tornado", &s, "-n", "100"]),
        v(&[
            "sweep",
            &s,
            "-n",
            "100",
            "--vary",
            &format!("{vary}=0.1..0.3:3"),
        ]),
        v(&["sobol", &s, "--base", "50", "--bootstrap", "50"]),
        v(&["threshold", &s, "-n", "100", "--param", vary]),
        v(&["voi", &s, "-n", "500"]),
    ]
}

fn assert_fits_100_columns(dir: &Path, args: &[String]) {
    let out = socinv().current_dir(dir).args(args).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.lines().count() > 3, "{args:?}: {stdout}");
    for line in stdout.lines() {
        assert!(
            line.chars().count() <= 100,
            "{args:?}: a line of {} characters:\n{line}",
            line.chars().count()
        );
    }
}

#[test]
fn every_table_fits_100_columns_on_the_shipped_scenarios() {
    let repo = std::env::current_dir().unwrap();
    for scenario in [
        "scenarios/familjestod.rhai",
        "scenarios/psykisk_ohalsa.rhai",
        "scenarios/skolfranvaro.rhai",
        "scenarios/uvas_jobbstod.rhai",
    ] {
        let text = std::fs::read_to_string(scenario).unwrap();
        // a parameter with values in 0.1 … 0.3 to sweep and solve for: a probability's
        let vary = text
            .lines()
            .filter_map(|l| l.split("param(\"").nth(1))
            .filter_map(|rest| rest.split('"').next())
            .find(|name| name.starts_with("p_"))
            .unwrap_or_else(|| panic!("{scenario} has a parameter p_…"))
            .to_string();
        for args in every_command(scenario, &vary) {
            assert_fits_100_columns(&repo, &args);
        }
    }
}

#[test]
fn every_table_fits_100_columns_with_long_names() {
    let dir = crate::common::folder(&[("long.rhai", &long_names_scenario())]);
    let vary =
        "sannolikhet_för_placering_bland_övriga_familjer_utan_hög_risk_enligt_kartläggningen";
    for args in every_command("long.rhai", vary) {
        assert_fits_100_columns(dir.path(), &args);
    }
}
