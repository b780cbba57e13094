//! The `socinv` binary as a user meets it: every kind of bad input ends with exit code 2 (1 for
//! files that cannot be read), a message that says where and why, no panic and no half-written
//! output; the outputs have the documented shape; runs are reproducible; `new` and `check` do what
//! the guide says.

use crate::common::{folder, listing};
use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Helpers

fn socinv() -> Command {
    let mut cmd = Command::cargo_bin("socinv").expect("the socinv binary is built");
    // a hang is a failure, not a stuck test run
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// Runs socinv in `dir`, expects exit code `code`, an `error: ` message and no panic; returns
/// stderr.
fn fails_with(code: i32, dir: &Path, args: &[&str]) -> String {
    let assert = socinv()
        .current_dir(dir)
        .args(args)
        .assert()
        .code(code)
        .stderr(predicate::str::contains("panicked").not())
        .stderr(predicate::str::contains("error: "));
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// A user error: exit code 2.
fn fails(dir: &Path, args: &[&str]) -> String {
    fails_with(2, dir, args)
}

/// Runs socinv in `dir`, expects success; returns stdout.
fn succeeds(dir: &Path, args: &[&str]) -> String {
    let assert = socinv().current_dir(dir).args(args).assert().success();
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} should exist: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            text.contains(part),
            "the message should contain {part:?}:\n{text}"
        );
    }
}

/// A small valid scenario: one uncertain probability, one uncertain cost, a program costing
/// exactly 1000 + 20·100 + 20·100/1.035 (everyone takes part, two years).
const BASE: &str = r#"// A small test model
scenario(#{ name: "liten", horizon: 5, cohort: 20 });
actor("kommun");
actor("region");
state("a");
state("b");
start(#{ a: 1.0 });
let p = param("p_övergång", uniform(0.1, 0.3));
let k = param("kostnad", gamma_mean_sd(1000, 200));
intervention("stöd", #{ startup: 1000, per_participant: 100, years: 2, funded_by: #{ kommun: 1.0 } });
transition("a", "b", p * effect(0.5, 0.0));
cost("a", "kommun", k);
cost("a", "region", 300);
outcome("år i b", "b", 1);
"#;

/// The first 8 lines of the scenarios with model errors; what follows starts on line 9.
const MODEL_HEAD: &str = r#"scenario(#{ name: "fel", horizon: 5, cohort: 20 });
actor("kommun");
state("a");
state("b");
state("c");
start(#{ a: 1.0 });
intervention("stöd", #{ startup: 1000, funded_by: #{ kommun: 1.0 } });
cost("a", "kommun", 1000);
"#;

fn model(body: &str) -> String {
    format!("{MODEL_HEAD}{body}")
}

/// Line 10 gives a probability of 1.2 to 1.5 (parameter p_hög on line 9).
fn bad_probability() -> String {
    model(
        "let p = param(\"p_hög\", uniform(1.2, 1.5));\n\
         transition(\"a\", \"b\", p);\n",
    )
}

// ---------------------------------------------------------------------------------------------
// Syntax and runtime errors in scripts

#[test]
fn a_syntax_error_gives_its_line_and_column_and_writes_nothing() {
    // the stray `;` is on line 3, column 14
    let script = "scenario(#{ name: \"t\", horizon: 5, cohort: 20 });\n\
                  actor(\"kommun\");\n\
                  let x = (1 + ;\n";
    let dir = folder(&[("syn.rhai", script)]);
    let err = fails(
        dir.path(),
        &[
            "run",
            "syn.rhai",
            "-n",
            "10",
            "--json",
            "out.json",
            "--samples",
            "s.csv",
        ],
    );
    assert_contains(&err, &["syn.rhai:3:14", "syntax error"]);
    assert!(!dir.path().join("out.json").exists());
    assert!(!dir.path().join("s.csv").exists());
    assert_eq!(listing(dir.path()), ["syn.rhai"]);

    let err = fails(dir.path(), &["check", "syn.rhai"]);
    assert_contains(&err, &["syn.rhai:3:14", "syntax error"]);
}

#[test]
fn an_undeclared_state_points_at_the_call() {
    let script = "scenario(#{ name: \"t\", horizon: 5, cohort: 20 });\n\
                  state(\"a\");\n\
                  \n    transition(\"a\", \"zz\", 0.1);\n";
    let dir = folder(&[("rt.rhai", script)]);
    let err = fails(dir.path(), &["run", "rt.rhai", "-n", "10"]);
    assert_contains(
        &err,
        &["rt.rhai:4:5", "unknown state \"zz\"", "declared states: a"],
    );
}

#[test]
fn a_rhai_runtime_error_points_at_the_expression() {
    let dir = folder(&[("div.rhai", "// dividing\nlet x = 1 / 0;\n")]);
    let err = fails(dir.path(), &["check", "div.rhai"]);
    assert_contains(&err, &["div.rhai:2:11", "Division by zero"]);
}

#[test]
fn an_unknown_key_in_scenario_or_intervention_is_an_error_at_the_call() {
    let script = "// colour is not a key\n\
                  scenario(#{ name: \"t\", horizon: 5, cohort: 20, colour: 1 });\n";
    let dir = folder(&[("key.rhai", script)]);
    let err = fails(dir.path(), &["run", "key.rhai", "-n", "10"]);
    assert_contains(
        &err,
        &["key.rhai:2:1", "unknown key `colour`", "horizon", "cohort"],
    );

    let script = model("intervention(\"annan\", #{ startup: 1, fundedby: #{ kommun: 1.0 } });\n");
    let dir = folder(&[("key.rhai", &script)]);
    let err = fails(dir.path(), &["check", "key.rhai"]);
    assert_contains(
        &err,
        &["key.rhai:9:1", "unknown key `fundedby`", "funded_by"],
    );
}

#[test]
fn a_constant_probability_outside_0_1_is_refused_where_it_is_declared() {
    let dir = folder(&[("p.rhai", &model("transition(\"a\", \"b\", 1.5);\n"))]);
    let err = fails(dir.path(), &["check", "p.rhai"]);
    assert_contains(&err, &["p.rhai:9:1", "1.5", "outside [0, 1]"]);
}

#[test]
fn an_error_inside_a_function_names_the_line_and_the_call() {
    let script = "fn f(x) {\n    x / 0\n}\nlet y = f(1);\n";
    let dir = folder(&[("fn.rhai", script)]);
    let err = fails(dir.path(), &["check", "fn.rhai"]);
    assert_contains(
        &err,
        &[
            "fn.rhai:2:7",
            "Division by zero",
            "in call to function 'f' at fn.rhai:4:9",
        ],
    );
}

#[test]
fn an_error_in_an_imported_file_names_that_file() {
    let helper = "export const K = 1;\nfn broken() {\n    transition(\"a\", \"nej\", 0.1);\n}\n";
    let main = "import \"helper\" as h;\n\
                scenario(#{ name: \"t\", horizon: 3, cohort: 10 });\n\
                state(\"a\");\n\
                h::broken();\n";
    let dir = folder(&[("helper.rhai", helper), ("main.rhai", main)]);
    let err = fails(dir.path(), &["check", "main.rhai"]);
    // the failing call is on line 3, column 5 of helper.rhai, called from main.rhai:4
    assert_contains(&err, &["unknown state \"nej\"", "main.rhai:4:"]);
    assert_contains(&err, &["helper.rhai:3:5"]);
}

// ---------------------------------------------------------------------------------------------
// The sandbox

#[test]
fn an_endless_loop_stops_soon_with_a_clear_message() {
    for (name, script, at) in [
        (
            "loop.rhai",
            "let i = 0;\nloop { i += 1; }\n",
            "loop.rhai:2:",
        ),
        ("while.rhai", "while true {}\n", "while.rhai:1:"),
    ] {
        let dir = folder(&[(name, script)]);
        let started = Instant::now();
        let err = fails(dir.path(), &["run", name, "-n", "10"]);
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(15),
            "{name}: the endless loop ran {took:?} before it was stopped"
        );
        assert_contains(&err, &[at, "operations"]);
        assert!(
            err.contains("endless loop"),
            "{name}: the message should suggest an endless loop:\n{err}"
        );
    }
}

#[test]
fn eval_is_refused() {
    let dir = folder(&[("ev.rhai", "let y = eval(\"1\");\n")]);
    let err = fails(dir.path(), &["check", "ev.rhai"]);
    assert_contains(&err, &["ev.rhai:1:", "eval", "disabled"]);
}

#[test]
fn imports_from_outside_the_folder_are_refused() {
    // a real file outside the scenario's folder, which would print if it ran
    let root = folder(&[("outside.rhai", "print(\"LEAKED\");\nexport const K = 1;\n")]);
    let sub = root.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let absolute = root.path().join("outside");
    let absolute = absolute.to_str().unwrap();
    for target in ["../outside", absolute] {
        let script = format!("import \"{target}\" as h;\nlet x = h::K;\n");
        std::fs::write(sub.join("main.rhai"), script).unwrap();
        let err = fails(&sub, &["check", "main.rhai"]);
        assert_contains(&err, &["main.rhai:1:", "not allowed", "own folder"]);
        assert!(
            !err.contains("LEAKED"),
            "import \"{target}\" ran the file:\n{err}"
        );
    }
}

#[test]
fn importing_a_helper_from_the_same_folder_works() {
    let helper = "// shared unit costs\nexport const KOSTNAD = 123;\nfn dubbel(x) { x * 2 }\n";
    let main = r#"import "helper" as h;
scenario(#{ name: "med hjälpfil", horizon: 3, cohort: 10 });
actor("kommun");
state("a");
state("b");
start(#{ a: 1.0 });
intervention("x", #{ startup: 1000, funded_by: #{ kommun: 1.0 } });
transition("a", "b", 0.1);
cost("a", "kommun", h::dubbel(h::KOSTNAD));
"#;
    let dir = folder(&[("helper.rhai", helper), ("main.rhai", main)]);
    let out = succeeds(dir.path(), &["check", "main.rhai"]);
    // the cost read from the helper: 2 × 123 per year in state a
    let row = out
        .lines()
        .skip_while(|l| !l.starts_with("Year 0 costs per person"))
        .find(|l| l.trim_start().starts_with("a "))
        .unwrap_or_else(|| panic!("no cost row for state a:\n{out}"));
    assert_eq!(row.split_whitespace().collect::<Vec<_>>(), ["a", "246"]);
    succeeds(dir.path(), &["run", "main.rhai", "-n", "20"]);
}

#[cfg(unix)]
#[test]
fn an_import_through_a_link_leaving_the_folder_is_refused() {
    let root = folder(&[("outside.rhai", "export const K = 1;\n")]);
    let sub = root.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::os::unix::fs::symlink(root.path().join("outside.rhai"), sub.join("link.rhai")).unwrap();
    std::fs::write(
        sub.join("main.rhai"),
        "import \"link\" as h;\nlet x = h::K;\n",
    )
    .unwrap();
    let err = fails(&sub, &["check", "main.rhai"]);
    assert_contains(&err, &["main.rhai:1:", "not allowed"]);
}

#[test]
fn growing_a_string_or_an_array_without_end_hits_a_limit() {
    for (name, script, what) in [
        (
            "s.rhai",
            "let s = \"x\";\nloop { s += s; }\n",
            "a text may be at most 100,000 bytes long",
        ),
        (
            "a.rhai",
            "let a = [1];\nloop { a += a; }\n",
            "a list may hold at most 10,000 elements",
        ),
    ] {
        let dir = folder(&[(name, script)]);
        let started = Instant::now();
        let err = fails(dir.path(), &["check", name]);
        assert!(started.elapsed() < Duration::from_secs(15), "{name}");
        assert_contains(&err, &[&format!("{name}:2:"), what]);
    }
}

/// An endless loop that appends to an array is stopped by the array limit (10,000 elements; rhai
/// re-measures the array at every push, so the limit must stay small for this to end soon).
#[test]
fn an_endless_loop_appending_to_an_array_is_stopped_by_the_list_limit() {
    // stopped by the size limit at the 10,001st element, not by the 10 s load limit (whose
    // message is another): no timing needed
    let dir = folder(&[("push.rhai", "let a = [];\nloop { a.push(1); }\n")]);
    let err = fails(dir.path(), &["check", "push.rhai"]);
    assert_contains(
        &err,
        &["push.rhai:2:", "a list may hold at most 10,000 elements"],
    );
    assert!(!err.contains("took longer than"), "{err}");
}

#[test]
fn endless_recursion_is_stopped() {
    let dir = folder(&[("rec.rhai", "fn f(x) { f(x + 1) }\nf(1);\n")]);
    let err = fails(dir.path(), &["check", "rec.rhai"]);
    assert_contains(&err, &["rec.rhai:2:1:", "more than 32 levels deep"]);
}

#[test]
fn print_writes_to_stderr_not_to_the_results() {
    let script = BASE.replace(
        "state(\"a\");",
        "state(\"a\");\nprint(\"hej från skriptet\");",
    );
    let dir = folder(&[("p.rhai", &script)]);
    socinv()
        .current_dir(dir.path())
        .args(["check", "p.rhai"])
        .assert()
        .success()
        .stdout(predicate::str::contains("hej från skriptet").not())
        .stderr(predicate::str::contains("hej från skriptet"));
}

// ---------------------------------------------------------------------------------------------
// Model errors found while simulating

#[test]
fn a_probability_outside_0_1_names_the_rule_arm_year_iteration_and_parameter() {
    let dir = folder(&[("prob.rhai", &bad_probability())]);
    let err = fails(
        dir.path(),
        &[
            "run",
            "prob.rhai",
            "-n",
            "50",
            "--json",
            "out.json",
            "--samples",
            "s.csv",
        ],
    );
    assert_contains(
        &err,
        &[
            "prob.rhai:10:1",
            "\"a\" → \"b\"",
            "outside [0, 1]",
            "arm \"Ordinarie arbetssätt\"",
            "year 0",
            "iteration 0",
            "p_hög = ",
        ],
    );
    // the value shown is the parameter's draw, in its range
    let value: f64 = err
        .split("p_hög = ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.trim_end_matches(',').parse().ok())
        .unwrap_or_else(|| panic!("no value of p_hög in:\n{err}"));
    assert!((1.2..=1.5).contains(&value), "{value}");
    assert_eq!(listing(dir.path()), ["prob.rhai"], "no output files");
}

#[test]
fn transitions_adding_up_to_more_than_1_name_every_rule_and_value() {
    let script = model(
        "let p = param(\"p_b\", uniform(0.5, 0.6));\n\
         let q = param(\"p_c\", uniform(0.6, 0.7));\n\
         transition(\"a\", \"b\", p);\n\
         transition(\"a\", \"c\", q);\n",
    );
    let dir = folder(&[("row.rhai", &script)]);
    let err = fails(
        dir.path(),
        &["run", "row.rhai", "-n", "50", "--json", "out.json"],
    );
    assert_contains(
        &err,
        &[
            "the transitions out of \"a\" add up to",
            "more than 1",
            "\"a\" → \"b\" (row.rhai:11:1)",
            "\"a\" → \"c\" (row.rhai:12:1)",
            "year 0",
            "iteration 0",
            "p_b = ",
            "p_c = ",
        ],
    );
    assert_eq!(listing(dir.path()), ["row.rhai"]);
}

#[test]
fn a_cost_that_is_not_a_finite_number_is_an_error() {
    for (formula, shown) in [
        ("1 / (k - k)", "inf"),
        ("k * ln(k - k)", "-inf"),
        ("(k - k) / (k - k)", "NaN"),
    ] {
        let script = model(&format!(
            "let k = param(\"k_kostnad\", uniform(1000, 2000));\n\
             transition(\"a\", \"b\", 0.1);\n\
             cost(\"b\", \"kommun\", {formula});\n"
        ));
        let dir = folder(&[("nan.rhai", &script)]);
        let err = fails(
            dir.path(),
            &[
                "run",
                "nan.rhai",
                "-n",
                "20",
                "--json",
                "out.json",
                "--samples",
                "s.csv",
            ],
        );
        assert_contains(
            &err,
            &[
                "nan.rhai:11:1",
                "cost of \"b\" for \"kommun\"",
                &format!("is {shown}, not a finite number"),
                "arm \"Ordinarie arbetssätt\"",
                "year 0",
                "iteration 0",
                "k_kostnad = ",
            ],
        );
        assert_eq!(listing(dir.path()), ["nan.rhai"], "{formula}");
    }
}

#[test]
fn a_model_error_of_participants_in_a_later_year_names_that_arm_and_year() {
    // participants' probability p·(1 + year) first exceeds 1 in year 3 (p ≥ 0.26); ordinary
    // practice's p stays below 0.3
    let script = model(
        "let p = param(\"p\", uniform(0.26, 0.3));\n\
         transition(\"a\", \"b\", p * if_else(treated(), 1 + year(), 1));\n",
    );
    let dir = folder(&[("later.rhai", &script)]);
    let err = fails(dir.path(), &["run", "later.rhai", "-n", "20"]);
    assert_contains(
        &err,
        &[
            "later.rhai:10:1",
            "arm \"stöd\" (participants)",
            "year 3",
            "iteration 0",
            "p = ",
        ],
    );
}

#[test]
fn an_uptake_outside_0_1_from_a_parameter_is_an_error() {
    let script = MODEL_HEAD.replace(
        "intervention(\"stöd\", #{ startup: 1000, funded_by: #{ kommun: 1.0 } });",
        "let u = param(\"andel\", uniform(1.1, 1.2));\n\
         intervention(\"stöd\", #{ startup: 1000, uptake: u, funded_by: #{ kommun: 1.0 } });",
    );
    let dir = folder(&[("upt.rhai", &script)]);
    let err = fails(dir.path(), &["run", "upt.rhai", "-n", "20"]);
    assert_contains(&err, &["upt.rhai:8:1", "uptake", "iteration 0", "andel = "]);
}

#[test]
fn the_first_failing_iteration_is_reported_on_any_number_of_threads() {
    // p·1.6 > 1 when p > 0.625: some iterations fail, the first of them is reported
    let script = model(
        "let p = param(\"p\", uniform(0, 1));\n\
         transition(\"a\", \"b\", p * 1.6);\n",
    );
    let dir = folder(&[("first.rhai", &script)]);
    let sc = socinv::script::load_scenario(&dir.path().join("first.rhai")).unwrap();
    let draws = |seed: u64, it: usize| {
        let settings = socinv::sim::SimSettings {
            method: socinv::sim::Method::Individual,
            iterations: 100,
            seed,
            fixed: Vec::new(),
        };
        socinv::sim::sample_parameters(&sc, &settings, it)[0]
    };
    // a seed whose first failing iteration is not among the first two
    let (seed, first) = (1..200u64)
        .find_map(|seed| {
            let first = (0..100).find(|&it| draws(seed, it) * 1.6 > 1.0)?;
            (first >= 2).then_some((seed, first))
        })
        .expect("a seed whose first two iterations are valid");
    let expected = [
        format!("iteration {first} (seed {seed})"),
        format!("p = {}", draws(seed, first)),
    ];
    let mut messages = Vec::new();
    for threads in ["1", "2"] {
        let err = fails(
            dir.path(),
            &[
                "run",
                "first.rhai",
                "-n",
                "100",
                "--seed",
                &seed.to_string(),
                "--threads",
                threads,
            ],
        );
        assert_contains(&err, &[&expected[0], &expected[1]]);
        messages.push(err);
    }
    assert_eq!(
        messages[0], messages[1],
        "the same error on 1 and 2 threads"
    );
}

// ---------------------------------------------------------------------------------------------
// Output files

#[test]
fn a_failed_run_leaves_earlier_output_files_untouched() {
    let dir = folder(&[
        ("prob.rhai", &bad_probability()),
        ("out.json", "OLD JSON"),
        ("s.csv", "OLD CSV"),
    ]);
    fails(
        dir.path(),
        &[
            "run",
            "prob.rhai",
            "-n",
            "20",
            "--json",
            "out.json",
            "--samples",
            "s.csv",
        ],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.json")).unwrap(),
        "OLD JSON"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.csv")).unwrap(),
        "OLD CSV"
    );
    assert_eq!(listing(dir.path()), ["out.json", "prob.rhai", "s.csv"]);
}

#[test]
fn an_output_file_in_a_missing_folder_fails_before_simulating() {
    // The scenario would fail while simulating: the message about the folder shows that the
    // outputs are checked first.
    let dir = folder(&[("prob.rhai", &bad_probability())]);
    for flag in ["--json", "--samples"] {
        let err = fails(
            dir.path(),
            &["run", "prob.rhai", "-n", "20", flag, "saknas/ut.file"],
        );
        assert_contains(&err, &[flag, "saknas", "does not exist"]);
        assert!(
            !err.contains("invalid model"),
            "{flag}: the run simulated before checking the output folder:\n{err}"
        );
        assert!(!dir.path().join("saknas").exists());
    }
}

#[test]
fn a_missing_scenario_file_is_an_io_error_with_exit_code_1() {
    let dir = folder(&[]);
    let err = fails_with(1, dir.path(), &["run", "saknas.rhai", "-n", "10"]);
    assert_contains(&err, &["saknas.rhai"]);
    let err = fails_with(1, dir.path(), &["check", "saknas.rhai"]);
    assert_contains(&err, &["saknas.rhai"]);
}

#[test]
fn bad_command_line_settings_exit_with_2() {
    let dir = folder(&[("liten.rhai", BASE)]);
    for args in [
        &["run", "liten.rhai", "--iterations", "0"][..],
        &["run", "liten.rhai", "--threads", "0"],
        &["run", "liten.rhai", "--iterations", "many"],
        &["run", "liten.rhai", "--no-such-flag"],
        &["no-such-command"],
        &["run"],
    ] {
        fails(dir.path(), args);
    }
}

// ---------------------------------------------------------------------------------------------
// --set

#[test]
fn set_of_an_unknown_parameter_lists_the_known_ones() {
    let dir = folder(&[("liten.rhai", BASE)]);
    let err = fails(
        dir.path(),
        &["run", "liten.rhai", "-n", "10", "--set", "okänd=1"],
    );
    assert_contains(&err, &["okänd", "p_övergång", "kostnad"]);
}

#[test]
fn set_with_a_value_that_is_not_a_finite_number_is_refused() {
    let dir = folder(&[("liten.rhai", BASE)]);
    for set in [
        "kostnad=abc",
        "kostnad=NaN",
        "kostnad=inf",
        "kostnad=",
        "kostnad",
    ] {
        let err = fails(
            dir.path(),
            &[
                "run",
                "liten.rhai",
                "-n",
                "10",
                "--set",
                set,
                "--json",
                "o.json",
            ],
        );
        assert_contains(&err, &["--set", set]);
        assert!(!dir.path().join("o.json").exists());
    }
}

#[test]
fn set_fixes_a_parameter_changes_the_result_and_is_recorded() {
    let dir = folder(&[("liten.rhai", BASE)]);
    let common = [
        "run",
        "liten.rhai",
        "-n",
        "60",
        "--seed",
        "3",
        "--threads",
        "1",
    ];
    let mut free = common.to_vec();
    free.extend(["--json", "free.json", "--samples", "free.csv"]);
    succeeds(dir.path(), &free);
    let mut fixed = common.to_vec();
    fixed.extend([
        "--set",
        "kostnad=5000",
        "--json",
        "fixed.json",
        "--samples",
        "fixed.csv",
    ]);
    succeeds(dir.path(), &fixed);

    let (free, fixed_json) = (
        read_json(&dir.path().join("free.json")),
        read_json(&dir.path().join("fixed.json")),
    );
    let params = &fixed_json["scenario"]["parameters"];
    assert_eq!(params[0]["name"], "p_övergång");
    assert!(params[0]["fixed_at"].is_null(), "{}", params[0]);
    assert_eq!(params[1]["name"], "kostnad");
    assert_eq!(params[1]["fixed_at"].as_f64(), Some(5000.0));
    assert!(free["scenario"]["parameters"][1]["fixed_at"].is_null());
    // kommun pays kostnad per year in state a: ≈ 1000 drawn, 5000 fixed
    let kommun = |j: &Value| {
        j["arms"]["Ordinarie arbetssätt"]["cost"]["by_actor"]["kommun"]["mean"]
            .as_f64()
            .unwrap()
    };
    assert!(
        kommun(&fixed_json) > 3.0 * kommun(&free),
        "fixing kostnad at 5000 should raise kommun's cost: {} vs {}",
        kommun(&fixed_json),
        kommun(&free)
    );
    // the fixed column holds 5000 in every row, and the other parameter's draws do not move
    let column = |file: &str, name: &str| -> Vec<String> {
        let mut r = csv::Reader::from_path(dir.path().join(file)).unwrap();
        let i = r.headers().unwrap().iter().position(|h| h == name).unwrap();
        r.records().map(|rec| rec.unwrap()[i].to_string()).collect()
    };
    assert!(column("fixed.csv", "kostnad").iter().all(|v| v == "5000"));
    assert_eq!(
        column("fixed.csv", "p_övergång"),
        column("free.csv", "p_övergång")
    );
}

// ---------------------------------------------------------------------------------------------
// Reproducibility

#[test]
fn the_same_seed_gives_identical_files_on_1_and_2_threads() {
    let out = tempfile::tempdir().unwrap();
    let run = |seed: &str, threads: &str| -> (Vec<u8>, Vec<u8>) {
        let json = out.path().join(format!("r_{seed}_{threads}.json"));
        let csv = out.path().join(format!("r_{seed}_{threads}.csv"));
        socinv()
            .args([
                "run",
                "scenarios/familjestod.rhai",
                "--iterations",
                "300",
                "--seed",
                seed,
                "--threads",
                threads,
                "--json",
            ])
            .arg(&json)
            .arg("--samples")
            .arg(&csv)
            .assert()
            .success();
        (std::fs::read(json).unwrap(), std::fs::read(csv).unwrap())
    };
    let one = run("11", "1");
    let two = run("11", "2");
    assert!(one.0 == two.0, "the JSON differs between 1 and 2 threads");
    assert!(one.1 == two.1, "the samples differ between 1 and 2 threads");
    let other = run("12", "2");
    assert!(one.0 != other.0, "seeds 11 and 12 gave the same JSON");
}

// ---------------------------------------------------------------------------------------------
// The results JSON and the samples CSV

const SUMMARY_KEYS: [&str; 12] = [
    "mean", "sd", "mcse", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "min", "max",
];

/// A SUMMARY: all twelve numbers, quantiles in order, the mean inside, mcse = sd/√n.
fn assert_summary(v: &Value, what: &str, n: f64) {
    let get = |k: &str| {
        v[k].as_f64()
            .unwrap_or_else(|| panic!("{what}.{k} is not a number: {v}"))
    };
    for k in SUMMARY_KEYS {
        get(k);
    }
    let q: Vec<f64> = ["min", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "max"]
        .iter()
        .map(|k| get(k))
        .collect();
    assert!(
        q.windows(2).all(|w| w[0] <= w[1]),
        "{what}: quantiles out of order: {v}"
    );
    // the mean of equal values may differ from them in the last bits
    let slack = 1e-12 * get("max").abs().max(get("min").abs());
    assert!(
        get("min") - slack <= get("mean") && get("mean") <= get("max") + slack,
        "{what}: mean outside [min, max]: {v}"
    );
    assert!(get("sd") >= 0.0, "{what}: {v}");
    assert!(
        (get("mcse") - get("sd") / n.sqrt()).abs() <= 1e-9 * get("sd").max(1.0),
        "{what}: mcse is not sd/√n: {v}"
    );
    // P5, P50, P95 with their 95% intervals [lo, hi] around them
    for q in ["p5", "p50", "p95"] {
        let ci = interval(&v[format!("{q}_ci")], &format!("{what}.{q}_ci"));
        assert!(
            ci[0] <= get(q) && get(q) <= ci[1],
            "{what}: {q} outside {ci:?}"
        );
    }
}

/// A 95% interval `[lo, hi]` of two numbers, lo ≤ hi.
fn interval(v: &Value, what: &str) -> [f64; 2] {
    let a: Vec<f64> = v
        .as_array()
        .unwrap_or_else(|| panic!("{what} is not a list: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap_or_else(|| panic!("{what}: {v}")))
        .collect();
    assert!(a.len() == 2 && a[0] <= a[1], "{what}: {v}");
    [a[0], a[1]]
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn the_json_has_the_documented_fields() {
    let dir = folder(&[("liten.rhai", BASE)]);
    succeeds(
        dir.path(),
        &[
            "run",
            "liten.rhai",
            "--iterations",
            "200",
            "--seed",
            "5",
            "--json",
            "r.json",
        ],
    );
    let j = read_json(&dir.path().join("r.json"));
    let n = 200.0;
    assert_eq!(j["schema"], "socinv.result/1");

    let sc = &j["scenario"];
    assert_eq!(sc["name"], "liten");
    assert_eq!(sc["horizon_years"], 5);
    assert_eq!(sc["cohort"], 20);
    assert_eq!(sc["actors"], serde_json::json!(["kommun", "region"]));
    assert_eq!(sc["states"], serde_json::json!(["a", "b"]));
    assert_eq!(
        sc["arms"],
        serde_json::json!(["Ordinarie arbetssätt", "stöd"])
    );
    let params = sc["parameters"].as_array().expect("parameters is a list");
    assert_eq!(params.len(), 2);
    assert_eq!(params[0]["name"], "p_övergång");
    assert_eq!(params[0]["distribution"], "uniform(0.1, 0.3)");
    for (k, want) in [("p5", 0.11), ("p50", 0.2), ("p95", 0.29)] {
        let got = params[0][k].as_f64().unwrap();
        assert!(close(got, want, 1e-12), "p_övergång {k} = {got}");
    }
    assert_eq!(params[1]["name"], "kostnad");

    assert_eq!(j["settings"]["iterations"], 200);
    assert_eq!(j["settings"]["seed"], 5);

    let comparisons = j["comparisons"].as_array().expect("comparisons is a list");
    assert_eq!(comparisons.len(), 1);
    let c = &comparisons[0];
    assert_eq!(c["intervention"], "stöd");
    assert_eq!(c["baseline"], "Ordinarie arbetssätt");
    for k in ["net", "savings", "investment"] {
        assert_summary(&c[k], k, n);
    }
    // the ROI: mean net / mean investment with its MCSE, and the per-iteration ratio's spread
    let roi = &c["roi"];
    let ratio = roi["ratio_of_means"].as_f64().unwrap();
    let means = c["net"]["mean"].as_f64().unwrap() / c["investment"]["mean"].as_f64().unwrap();
    assert!(close(ratio, means, 1e-12), "{ratio} vs {means}");
    assert!(roi["mcse"].as_f64().unwrap() > 0.0, "{roi}");
    assert_summary(&roi["per_iteration"], "roi.per_iteration", n);
    let p = c["prob_net_positive"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    for k in ["prob_net_positive", "prob_loss"] {
        let ci = interval(&c[format!("{k}_ci")], k);
        let p = c[k].as_f64().unwrap();
        assert!(
            ci[0] <= p && p <= ci[1] && ci[1] > ci[0],
            "{k} {p} outside {ci:?}"
        );
    }

    let payback = &c["payback"];
    let within = payback["prob_within_horizon"].as_f64().unwrap();
    assert!(payback.get("median_year").is_some(), "payback.median_year");
    let cdf: Vec<f64> = payback["cdf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(cdf.len(), 5, "one cdf entry per year of the horizon");
    assert!(cdf.windows(2).all(|w| w[0] <= w[1]), "cdf {cdf:?}");
    assert!(cdf.iter().all(|v| (0.0..=1.0).contains(v)), "cdf {cdf:?}");
    assert_eq!(cdf[4], within);
    assert_eq!(within, p, "pays back within the horizon ⇔ net > 0");
    let cdf_ci = payback["cdf_ci"].as_array().unwrap();
    assert_eq!(cdf_ci.len(), 5);
    for (t, ci) in cdf_ci.iter().enumerate() {
        let ci = interval(ci, "cdf_ci");
        assert!(
            ci[0] <= cdf[t] && cdf[t] <= ci[1],
            "cdf[{t}] {} outside {ci:?}",
            cdf[t]
        );
    }
    interval(&payback["prob_within_horizon_ci"], "prob_within_horizon_ci");
    assert!(payback["median_year_ci"].is_array(), "{payback}");

    let by_actor = c["by_actor"].as_object().unwrap();
    assert_eq!(by_actor.keys().collect::<Vec<_>>(), ["kommun", "region"]);
    for (actor, v) in by_actor {
        assert_summary(&v["net"], &format!("by_actor.{actor}.net"), n);
        assert!(v["prob_net_positive"].as_f64().is_some());
        interval(&v["prob_net_positive_ci"], "by_actor prob_net_positive_ci");
    }
    let per_year = c["per_year"].as_array().unwrap();
    assert_eq!(per_year.len(), 5);
    for (t, y) in per_year.iter().enumerate() {
        assert_eq!(y["year"], t);
        assert_summary(&y["cumulative_net"], &format!("per_year[{t}]"), n);
    }

    let arms = j["arms"].as_object().unwrap();
    assert_eq!(
        arms.keys().collect::<Vec<_>>(),
        ["Ordinarie arbetssätt", "stöd"]
    );
    for (name, arm) in arms {
        assert_summary(&arm["cost"]["total"], &format!("{name}.cost.total"), n);
        for actor in ["kommun", "region"] {
            assert_summary(
                &arm["cost"]["by_actor"][actor],
                &format!("{name}.{actor}"),
                n,
            );
        }
        assert_summary(&arm["outcomes"]["år i b"], &format!("{name}.år i b"), n);
    }

    // what the numbers mean
    let mean = |v: &Value| v["mean"].as_f64().unwrap();
    let (base, arm) = (
        mean(&arms["Ordinarie arbetssätt"]["cost"]["total"]),
        mean(&arms["stöd"]["cost"]["total"]),
    );
    assert!(
        close(mean(&c["net"]), base - arm, 1e-9),
        "net {} ≠ baseline cost {base} − intervention cost {arm}",
        mean(&c["net"])
    );
    let program = 1000.0 + 20.0 * 100.0 + 20.0 * 100.0 / 1.035;
    let inv = &c["investment"];
    assert!(
        close(mean(inv), program, 1e-9),
        "investment {} ≠ {program}",
        mean(inv)
    );
    assert!(close(
        mean(&c["savings"]),
        mean(&c["net"]) + mean(inv),
        1e-9
    ));
    assert!(close(
        mean(&per_year[4]["cumulative_net"]),
        mean(&c["net"]),
        1e-9
    ));
}

#[test]
fn samples_have_one_row_per_iteration_and_the_parameter_names() {
    let dir = folder(&[("liten.rhai", BASE)]);
    succeeds(
        dir.path(),
        &[
            "run",
            "liten.rhai",
            "-n",
            "40",
            "--samples",
            "s.csv",
            "--json",
            "r.json",
        ],
    );
    let mut reader = csv::Reader::from_path(dir.path().join("s.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..3], ["iteration", "p_övergång", "kostnad"]);
    let net_col = header
        .iter()
        .position(|h| h == "net[stöd]")
        .unwrap_or_else(|| panic!("no net[stöd] column in {header:?}"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 40, "one row per iteration");
    let mut net_sum = 0.0;
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), header.len());
        assert_eq!(row[0].parse::<usize>().unwrap(), i);
        let p: f64 = row[1].parse().unwrap();
        assert!((0.1..=0.3).contains(&p), "row {i}: p_övergång = {p}");
        let k: f64 = row[2].parse().unwrap();
        assert!(k > 0.0, "row {i}: kostnad = {k}");
        net_sum += row[net_col].parse::<f64>().unwrap();
    }
    let j = read_json(&dir.path().join("r.json"));
    let json_mean = j["comparisons"][0]["net"]["mean"].as_f64().unwrap();
    assert!(
        close(net_sum / 40.0, json_mean, 1e-9),
        "the samples' mean net {} ≠ the JSON's {json_mean}",
        net_sum / 40.0
    );
}

#[test]
fn a_constant_program_cost_is_printed_without_false_precision() {
    // every iteration has the same investment, 4 932.37: its sd is 0 up to rounding, and the
    // summary should not print 13 decimals of rounding noise
    let dir = folder(&[("liten.rhai", BASE)]);
    let out = succeeds(dir.path(), &["run", "liten.rhai", "-n", "50"]);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("Investment"))
        .unwrap_or_else(|| panic!("no Investment line:\n{out}"));
    let mean_part = line
        .trim_start()
        .trim_start_matches("Investment (program)")
        .split("(±")
        .next()
        .unwrap();
    let digits = mean_part.chars().filter(char::is_ascii_digit).count();
    assert!(
        digits <= 7,
        "the investment is shown with {digits} digits: {line:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// socinv new and socinv check

#[test]
fn new_writes_a_scenario_that_checks_and_runs() {
    let dir = folder(&[]);
    let out = succeeds(dir.path(), &["new", "mitt_projekt"]);
    assert_contains(&out, &["mitt_projekt.rhai"]);
    assert_eq!(listing(dir.path()), ["mitt_projekt.rhai"]);
    let check = succeeds(dir.path(), &["check", "mitt_projekt.rhai"]);
    assert!(
        check.starts_with("mitt_projekt "),
        "the scenario is named after the file:\n{check}"
    );
    assert_contains(&check, &["OK"]);
    let run = succeeds(
        dir.path(),
        &["run", "mitt_projekt.rhai", "--iterations", "200"],
    );
    assert_contains(&run, &["Net return"]);
}

#[test]
fn new_does_not_overwrite_an_existing_file() {
    let dir = folder(&[]);
    succeeds(dir.path(), &["new", "projekt"]);
    let path = dir.path().join("projekt.rhai");
    let edited = format!(
        "{}\n// my own edits\n",
        std::fs::read_to_string(&path).unwrap()
    );
    std::fs::write(&path, &edited).unwrap();
    for name in ["projekt", "projekt.rhai"] {
        let err = fails(dir.path(), &["new", name]);
        assert_contains(&err, &["projekt.rhai", "already exists"]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    }
    assert_eq!(listing(dir.path()), ["projekt.rhai"]);
}

/// The cells of the first line after `start` whose first cell is `first`.
fn row_after<'a>(text: &'a str, start: &str, first: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| !l.starts_with(start))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cells| cells.first() == Some(&first))
        .unwrap_or_else(|| panic!("no row {first:?} after {start:?}:\n{text}"))
}

#[test]
fn check_prints_the_parameters_and_the_transition_tables() {
    let dir = folder(&[("liten.rhai", BASE)]);
    let out = succeeds(dir.path(), &["check", "liten.rhai"]);
    let header = row_after(&out, "Parameters", "distribution");
    assert_eq!(header, ["distribution", "P5", "P50", "P95"]);
    assert_eq!(
        row_after(&out, "Parameters", "p_övergång"),
        ["p_övergång", "uniform(0.1,", "0.3)", "0.11", "0.2", "0.29"]
    );
    let kostnad = row_after(&out, "Parameters", "kostnad");
    assert_eq!(kostnad[1..3], ["gamma_mean_sd(1000,", "200)"]);
    // the rule with where it is declared
    assert_contains(&out, &["a → b", "(liten.rhai:11:1)"]);
    // year 0 → 1 at the medians: p = 0.2 under ordinary practice, halved for participants
    let base = "Year 0 → 1 transition probabilities, Ordinarie arbetssätt";
    assert_eq!(
        row_after(&out, base, "from"),
        ["from", "\\", "to", "a", "b"]
    );
    assert_eq!(row_after(&out, base, "a"), ["a", "0.800", "0.200"]);
    assert_eq!(row_after(&out, base, "b"), ["b", "0.000", "1.000"]);
    let treated = "Year 0 → 1 transition probabilities, stöd, participants";
    assert_eq!(row_after(&out, treated, "a"), ["a", "0.900", "0.100"]);
    assert_contains(&out, &["OK: liten.rhai is a valid scenario"]);
    assert_eq!(listing(dir.path()), ["liten.rhai"], "check writes nothing");
}

/// Output files are ordinary files: their permissions follow the umask like any file a program
/// creates (not the 0600 of a temporary file), and a replaced file keeps its permissions.
#[cfg(unix)]
#[test]
fn outputs_get_the_permissions_of_an_ordinary_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder(&[("liten.rhai", BASE)]);
    let mode = |name: &str| {
        std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    std::fs::File::create(dir.path().join("ordinary")).unwrap();
    succeeds(
        dir.path(),
        &["run", "liten.rhai", "-n", "5", "--json", "r.json"],
    );
    assert_eq!(mode("r.json"), mode("ordinary"));
    std::fs::set_permissions(
        dir.path().join("r.json"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    succeeds(
        dir.path(),
        &["run", "liten.rhai", "-n", "5", "--json", "r.json"],
    );
    assert_eq!(mode("r.json"), 0o640 & mode("ordinary"));
}
