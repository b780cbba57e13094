//! Excel habits and other first mistakes, through the command line as an analyst meets them:
//! each is refused with exit code 2 and a message that says where (`file:line:column`, the
//! source line and a caret under the column), what is wrong and what to write instead, in the
//! words of the scenario language, never a Rust or rhai type name.

use crate::common::{TYPE_NAMES, folder, listing};
use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;

/// Lines 1–6 of every case; the case's own line is line 7.
const BASE: &str = r#"scenario(#{ name: "Vanor", horizon: 4, cohort: 10 });
actor("kommun");
actor("region");
state("risk");
state("bistånd");
start(#{ "risk": 1.0 });
"#;

fn socinv(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("socinv")
        .expect("the socinv binary is built")
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("socinv runs")
}

/// Runs `socinv check` (and `run`) on the files in a fresh folder, the scenario being
/// `t.rhai`: both must exit with 2, write nothing and name no type; returns check's stderr.
fn refused_files(files: &[(&str, &str)]) -> String {
    let dir = folder(files);
    let before = listing(dir.path());
    let mut first = None;
    for args in [
        vec!["check", "t.rhai"],
        vec!["run", "-n", "20", "--json", "out.json", "t.rhai"],
    ] {
        let out = socinv(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{args:?}:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(listing(dir.path()), before, "{args:?} wrote a file");
        assert_no_type_names(&stderr);
        first.get_or_insert(stderr);
    }
    first.unwrap()
}

/// [`refused_files`] for the base with `line` as line 7.
fn refused(line: &str) -> String {
    refused_files(&[("t.rhai", &format!("{BASE}{line}\n"))])
}

fn assert_no_type_names(stderr: &str) {
    let words = stderr.replace(".rhai", "");
    for name in TYPE_NAMES {
        assert!(
            !words.contains(name),
            "the message names `{name}`:\n{stderr}"
        );
    }
}

/// The message's first line is `error: at: headline…`, then the source line and a caret under
/// `column`, and a `help:` line holds `help`.
fn assert_diagnostic(stderr: &str, at: &str, headline: &str, help: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    let first = format!("error: {at}: ");
    assert!(
        lines[0].starts_with(&first) && lines[0].contains(headline),
        "the first line should start with {first:?} and hold {headline:?}:\n{stderr}"
    );
    let parts: Vec<usize> = at.rsplit(':').take(2).map(|n| n.parse().unwrap()).collect();
    let (column, line) = (parts[0], parts[1]);
    let shown = lines[1];
    let prefix = format!("  {line} | ");
    assert!(shown.starts_with(&prefix), "no source line:\n{stderr}");
    let caret = lines[2];
    let gutter = format!("  {} | ", " ".repeat(line.to_string().len()));
    assert!(caret.starts_with(&gutter), "no caret line:\n{stderr}");
    assert_eq!(
        caret[gutter.len()..].chars().count(),
        column,
        "the caret should stand under column {column}:\n{stderr}"
    );
    assert!(caret.ends_with('^'), "{stderr}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("help: ") && l.contains(help)),
        "a help line should say {help:?}:\n{stderr}"
    );
}

#[test]
fn a_decimal_comma_in_a_distribution_call() {
    let e = refused(r#"let p = param("p", beta_mean_sd(0,15, 0,04));"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:33",
        "beta_mean_sd(mean, sd) takes 2 arguments, got 4",
        "use a decimal point: 0.15, not 0,15",
    );
}

#[test]
fn a_decimal_comma_in_an_amount_gives_the_arity_and_the_hint() {
    let e = refused(r#"cost("risk", "kommun", 8000,50);"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:24",
        "cost(state, actor, amount) takes 3 arguments, got 4",
        "use a decimal point: 8000.50, not 8000,50",
    );
}

#[test]
fn a_call_with_the_wrong_kinds_of_arguments_says_so_in_plain_words() {
    let e = refused(r#"transition("risk", 0.15);"#);
    assert!(
        e.contains("t.rhai:7:1: transition(from, to, probability) takes 3 arguments, got 2"),
        "{e}"
    );
    let e = refused("state(5);");
    assert!(
        e.contains("t.rhai:7:1: state(name): the name must be text in quotes, got a number"),
        "{e}"
    );
    let e = refused(r#"let p = param("p", beta(2, 8)); let x = p * "2";"#);
    assert!(
        e.contains("t.rhai:7:43: `*` cannot combine a formula and text"),
        "{e}"
    );
    let e = refused("let p = betta(2, 8);");
    assert!(
        e.contains("t.rhai:7:9: unknown function `betta`: did you mean `beta`?"),
        "{e}"
    );
    let e = refused(r#"transition("risk", "bistånd", "0.1");"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:1",
        "got the text \"0.1\"",
        "a number has no quotes: write 0.1",
    );
    let e = refused(r#"let p = param("p", beta(2, 8)); if p > 0.5 { print(1); }"#);
    assert!(e.contains("t.rhai:7:") && e.contains("if_else("), "{e}");
}

#[test]
fn a_decimal_comma_in_a_map_is_a_syntax_error_with_the_hint() {
    let e = refused(r#"let shares = #{ "risk": 0,7 };"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:25",
        "syntax error: `0,7` is two numbers here",
        "use a decimal point: 0.7, not 0,7",
    );
}

#[test]
fn a_percent_sign_after_a_number() {
    let e = refused(r#"intervention("X", #{ uptake: 80%, funded_by: #{ kommun: 1.0 } });"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:30",
        "syntax error: `80%` is not a number",
        "write 80 % as 0.8",
    );
}

#[test]
fn a_space_inside_a_number() {
    let e = refused(r#"intervention("X", #{ startup: 250 000, funded_by: #{ kommun: 1.0 } });"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:31",
        "syntax error: `250 000` has a space inside the number",
        "write 250000 (no space inside a number)",
    );
}

#[test]
fn a_distribution_where_a_number_or_formula_is_expected() {
    let e = refused(r#"intervention("X", #{}); cost("risk", "kommun", normal(10000, 8000));"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:25",
        "cost amount: normal(10000, 8000) is a distribution, not a number or a formula",
        r#"normal(...) is a distribution: give it a name with param("name", normal(...))"#,
    );
}

#[test]
fn a_negative_constant_startup_is_refused_at_load_at_its_line() {
    let e = refused(r#"intervention("X", #{ startup: -250000, funded_by: #{ kommun: 1.0 } });"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:1",
        "intervention \"X\": startup must be ≥ 0, got −250 000",
        "amounts of at least 0",
    );
    for run_time in ["iteration", "seed", "parameter values", "1797"] {
        assert!(!e.contains(run_time), "{e}");
    }
    let e = refused(r#"intervention("X", #{ per_participant: -5, funded_by: #{ kommun: 1.0 } });"#);
    assert!(
        e.contains("t.rhai:7:1: intervention \"X\": per_participant must be ≥ 0, got −5"),
        "{e}"
    );
}

#[test]
fn a_run_time_error_of_a_rule_without_parameters_lists_no_parameter_values() {
    let line = r#"intervention("X", #{}); transition("risk", "bistånd", 1.5 - 0.1 * year());"#;
    // `check` finds it in its draws; `run` stops at it: both say where, neither lists parameters
    let checked = refused(line);
    assert!(
        checked.contains("t.rhai:7:25: the probability of transition")
            && checked.contains("leaves [0, 1]"),
        "{checked}"
    );
    let dir = folder(&[("t.rhai", &format!("{BASE}{line}\n"))]);
    let out = socinv(dir.path(), &["run", "-n", "20", "t.rhai"]);
    let e = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(
        e.contains("t.rhai:7:25: invalid model") && e.contains("outside [0, 1]"),
        "{e}"
    );
    for text in [&checked, &e] {
        assert!(!text.contains("parameter values"), "{text}");
    }
}

#[test]
fn a_misspelt_name_gets_the_declared_one_suggested() {
    let e = refused(r#"intervention("X", #{}); cost("bistand", "kommun", 1);"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:25",
        "unknown state \"bistand\": did you mean \"bistånd\"?",
        "declared states: risk, bistånd",
    );
    let e = refused(r#"intervention("X", #{}); cost("Risk", "kommun", 1);"#);
    assert!(
        e.contains("unknown state \"Risk\": did you mean \"risk\"?"),
        "{e}"
    );
    let e = refused(r#"intervention("X", #{}); cost("risk", "Kommunen", 1);"#);
    assert!(
        e.contains("unknown actor \"Kommunen\": did you mean \"kommun\"?"),
        "{e}"
    );
    let e = refused(r#"subgroup("hög frånvaro", 0.3); start(#{ "risk": 1.0 }, "hog franvaro");"#);
    assert!(
        e.contains("unknown subgroup \"hog franvaro\": did you mean \"hög frånvaro\"?"),
        "{e}"
    );
    let e = refused(r#"intervention("Stöd", #{}); cost("risk", "kommun", arm_is("stod"));"#);
    assert!(
        e.contains("unknown arm \"stod\": did you mean \"Stöd\"?"),
        "{e}"
    );
    let e = refused(r#"perspective("Kommunen", ["kommun", "Region"]);"#);
    assert!(
        e.contains("unknown actor \"Region\": did you mean \"region\"?"),
        "{e}"
    );
    // Nothing close: the declared names, no guess.
    let e = refused(r#"intervention("X", #{}); cost("arbete", "kommun", 1);"#);
    assert!(
        e.contains("unknown state \"arbete\"") && !e.contains("did you mean"),
        "{e}"
    );
    assert!(e.contains("declared states: risk, bistånd"), "{e}");
}

#[test]
fn a_decomposed_letter_is_the_same_letter() {
    // "bistånd" with a + combining ring above (NFD), as some editors and file systems write it.
    let nfd = "bista\u{30a}nd";
    let script = format!("{BASE}intervention(\"X\", #{{}});\ncost(\"{nfd}\", \"kommun\", 1);\n");
    let dir = folder(&[("t.rhai", &script)]);
    let out = socinv(dir.path(), &["check", "t.rhai"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Declared decomposed and used composed: the same name too, and still declared once.
    let twice = format!("{BASE}state(\"{nfd}\");\n");
    let e = refused_files(&[("t.rhai", &twice)]);
    assert!(
        e.contains("t.rhai:7:1: state \"") && e.contains("is declared twice"),
        "{e}"
    );
}

#[test]
fn a_distribution_error_keeps_the_analysts_order_and_names_the_wrong_argument() {
    let e = refused(r#"let p = param("p", lognormal_ci(0.75, 1.0, 0.55));"#);
    assert!(
        e.starts_with("error: t.rhai:7:20: lognormal_ci(median 0.75, p5 1, p95 0.55): "),
        "{e}"
    );
    assert!(
        e.contains("p5 (the second argument, 1) must be below the median (the first, 0.75)")
            && e.contains("p95 (the third argument, 0.55) must be above the median"),
        "{e}"
    );
    let e = refused(r#"let p = param("p", triangular(10, 5, 20));"#);
    assert!(
        e.contains("triangular(min 10, mode 5, max 20): min (the first argument, 10) must be at most the mode"),
        "{e}"
    );
    let e = refused(r#"let p = param("p", uniform(0.9, 0.6));"#);
    assert!(
        e.contains("uniform(lo 0.9, hi 0.6): lo (the first argument) must be below hi"),
        "{e}"
    );
}

#[test]
fn a_missing_import_says_where_it_was_looked_for() {
    let dir = folder(&[("t.rhai", &format!("{BASE}import \"helper\" as h;\n"))]);
    let out = socinv(dir.path(), &["check", "t.rhai"]);
    let e = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{e}");
    let folder_name = dir.path().canonicalize().unwrap().display().to_string();
    assert!(
        e.contains(&format!(
            "t.rhai:7:8: import \"helper\": no file helper.rhai in the scenario's folder ({folder_name})"
        )),
        "{e}"
    );
    // A file of a similar name is suggested.
    let e = refused_files(&[
        ("t.rhai", &format!("{BASE}import \"hjälp\" as h;\n")),
        ("hjalp.rhai", "export const X = 1;\n"),
    ]);
    assert!(
        e.contains("no file hjälp.rhai") && e.contains("help: did you mean \"hjalp\"?"),
        "{e}"
    );
}

#[test]
fn an_error_in_an_imported_file_shows_that_files_line() {
    let e = refused_files(&[
        ("t.rhai", &format!("{BASE}import \"kostnader\" as k;\n")),
        (
            "kostnader.rhai",
            "// Kostnader\ncost(\"risk\", \"kommun\", 12,5);\n",
        ),
    ]);
    assert!(
        e.contains("kostnader.rhai:2:24: cost(state, actor, amount) takes 3"),
        "{e}"
    );
    assert!(
        e.contains("  2 | cost(\"risk\", \"kommun\", 12,5);\n    |                        ^"),
        "{e}"
    );
    assert!(
        e.contains("help: use a decimal point: 12.5, not 12,5"),
        "{e}"
    );
    let e = refused_files(&[
        ("t.rhai", &format!("{BASE}import \"andelar\" as a;\n")),
        ("andelar.rhai", "export const P = #{ \"risk\": 0,7 };\n"),
    ]);
    assert!(e.contains("andelar.rhai:1:29: syntax error"), "{e}");
    assert!(e.contains("  1 | export const P"), "{e}");
}

#[test]
fn numbers_in_messages_are_written_as_people_write_them() {
    // 0.3 + 0.6 is 0.8999999999999999 in binary floating point.
    let e = refused(
        r#"intervention("X", #{ startup: 1000, funded_by: #{ kommun: 0.3, region: 0.6 } });"#,
    );
    assert!(e.contains("the shares add up to 0.9, not 1"), "{e}");
    assert!(!e.contains("0.8999"), "{e}");
    let e = refused(r#"subgroup("a", 0.1 + 0.2 + 0.9);"#);
    assert!(e.contains("subgroup share 1.2 is outside [0, 1]"), "{e}");
}

#[test]
fn the_limits_say_their_value() {
    let e = refused("let a = []; for i in 0..20000 { a.push(i); }");
    assert!(
        e.contains("t.rhai:7:") && e.contains("a list may hold at most 10,000 elements"),
        "{e}"
    );
    let e = refused("let m = #{}; for i in 0..20000 { m[\"k\" + i] = i; } let n = m + #{ z: 1 };");
    assert!(e.contains("a map may hold at most 10,000 entries"), "{e}");
    let e = refused("let s = \"å\"; loop { s += s; }");
    assert!(
        e.contains("a text may be at most 100,000 bytes long"),
        "{e}"
    );
    let e = refused("fn f(x) { f(x + 1) }\nf(1);");
    assert!(e.contains("more than 32 levels deep"), "{e}");
    assert!(!e.contains("grew beyond"), "{e}");
}

#[test]
fn a_file_with_more_lines_than_positions_can_count_is_refused_with_the_reason() {
    let long = format!(
        "{BASE}{}cost(\"risk\", \"kommun\", 1,5);\n",
        "\n".repeat(70_000)
    );
    let e = refused_files(&[("t.rhai", &long)]);
    assert!(
        e.contains("t.rhai: has 70,007 lines; a scenario script may have at most 65,535"),
        "{e}"
    );
    let e = refused_files(&[
        ("t.rhai", &format!("{BASE}import \"data\" as d;\n")),
        ("data.rhai", &"// rad\n".repeat(66_000)),
    ]);
    assert!(
        e.contains("data.rhai has 66,000 lines; a scenario script may have at most 65,535"),
        "{e}"
    );
    // Just within the limit, positions are right.
    let within = format!(
        "{BASE}{}cost(\"risk\", \"kommun\", 1,5);\n",
        "\n".repeat(65_000)
    );
    let e = refused_files(&[("t.rhai", &within)]);
    assert!(
        e.contains("t.rhai:65007:24: cost(state, actor, amount)"),
        "{e}"
    );
}

#[test]
fn an_unknown_variable_gets_a_declared_one_suggested() {
    let e = refused(
        r#"let p_risk = param("p_risk", beta(2, 8)); transition("risk", "bistånd", p_rsik);"#,
    );
    assert!(
        e.contains("unknown variable `p_rsik`: did you mean `p_risk`?"),
        "{e}"
    );
    let e = refused(r#"cost(risk, "kommun", 1);"#);
    assert!(e.contains("unknown variable `risk`"), "{e}");
    assert!(e.contains("text in quotes: \"risk\""), "{e}");
}

#[test]
fn set_of_a_misspelt_parameter_suggests_the_declared_one() {
    let script = format!(
        "{BASE}let p = param(\"p_återfall\", beta(2, 8));\nintervention(\"X\", #{{}});\n\
         transition(\"risk\", \"bistånd\", p);\n"
    );
    let dir = folder(&[("t.rhai", &script)]);
    let out = socinv(
        dir.path(),
        &["run", "-n", "10", "--set", "p_aterfall=0.2", "t.rhai"],
    );
    let e = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("did you mean \"p_återfall\"?"), "{e}");
    // The name typed with a decomposed å is the same name.
    let out = socinv(
        dir.path(),
        &[
            "run",
            "-n",
            "10",
            "--set",
            "p_a\u{30a}terfall=0.2",
            "t.rhai",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The example of "When something is wrong" in docs/scripting.md is what socinv prints.
#[test]
fn the_guides_example_message_is_the_real_one() {
    let guide = std::fs::read_to_string("docs/scripting.md").unwrap();
    let section = &guide[guide
        .find("## When something is wrong")
        .expect("the section")..];
    let block = section
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("an example message");
    let line = block
        .lines()
        .nth(1)
        .and_then(|l| l.split_once(" | "))
        .expect("the source line")
        .1;
    let dir = folder(&[("kalkyl.rhai", &format!("{BASE}{line}\n"))]);
    let out = socinv(dir.path(), &["check", "kalkyl.rhai"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), block);
}

#[test]
fn an_error_found_while_simulating_shows_its_rules_line() {
    let script = format!(
        "{BASE}let c = param(\"c\", normal(100, 100)); intervention(\"X\", #{{ per_participant: c, \
         funded_by: #{{ kommun: 1.0 }} }});\n"
    );
    let dir = folder(&[("t.rhai", &script)]);
    let out = socinv(dir.path(), &["run", "-n", "200", "t.rhai"]);
    let e = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert_no_type_names(&e);
    let lines: Vec<&str> = e.lines().collect();
    assert!(
        lines[0].starts_with(
            "error: t.rhai:7:39: invalid model: intervention \"X\": per_participant must be ≥ 0, got -"
        ),
        "{e}"
    );
    assert!(lines[1].starts_with("  7 | let c = param"), "{e}");
    assert_eq!(lines[2].chars().count(), "    | ".len() + 39, "{e}");
    assert!(e.contains("parameter values: c = -"), "{e}");
}

#[test]
fn other_first_mistakes_are_told_in_plain_words() {
    let e = refused(r#"let p = param("p", 0.2);"#);
    assert!(
        e.contains("t.rhai:7:9: param(\"p\", ...) needs a distribution")
            && e.contains("got the number 0.2"),
        "{e}"
    );
    let e = refused("let v = [1, 2, 3]; let x = v[3];");
    assert!(
        e.contains("index 3 is outside the list of 3 values (the first is [0], the last [2])"),
        "{e}"
    );
    let e = refused("let n = 5; for i in n { print(i); }");
    assert!(
        e.contains("a for loop needs a list or a range such as 0..10"),
        "{e}"
    );
    let e = refused(r#"intervention("X", #{ uptak: 0.5 });"#);
    assert!(
        e.contains("intervention: unknown key `uptak`: did you mean `uptake`?")
            && e.contains("help: the keys are: startup, per_participant"),
        "{e}"
    );
    // A parameter declared twice, once with a decomposed letter, is declared twice.
    let e =
        refused("let a = param(\"p_ö\", beta(2, 8)); let b = param(\"p_o\u{308}\", beta(2, 8));");
    assert!(e.contains("is declared twice"), "{e}");
}

#[test]
fn a_call_of_the_scripts_own_function_with_a_decimal_comma() {
    let e = refused("fn halva(x) { x / 2 }\nlet h = halva(0,5);");
    assert!(
        e.contains("t.rhai:8:15: halva(x) takes 1 argument, got 2"),
        "{e}"
    );
    assert!(e.contains("help: use a decimal point: 0.5, not 0,5"), "{e}");
}

#[test]
fn columns_count_characters_not_bytes() {
    let e = refused(r#"let x = "åäö"; let y = betta(1, 2);"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:24",
        "unknown function `betta`: did you mean `beta`?",
        "docs/scripting.md",
    );
}

#[test]
fn a_variable_name_with_a_swedish_letter_says_which_names_are_allowed() {
    let e = refused("let årskostnad = 12000;");
    assert_diagnostic(
        &e,
        "t.rhai:7:5",
        "syntax error: a variable name cannot hold 'å'",
        "write it without å, ä, ö (e.g. arskostnad)",
    );
}

#[test]
fn exp_ln_and_pow_take_plain_numbers_as_documented() {
    let sc = crate::common::scenario(&format!(
        "{BASE}intervention(\"X\", #{{}});\ncost(\"risk\", \"kommun\", pow(2, 3) + pow(2.0, 0.5) * 0 + \
         exp(0) + ln(1) + pow(4, 0.5) + pow(0.5, 2));\n"
    ));
    assert_eq!(
        sc.costs[0].amount.as_constant(),
        Some(8.0 + 1.0 + 0.0 + 2.0 + 0.25)
    );
}

#[test]
fn a_semicolon_between_arguments_as_in_swedish_excel() {
    let e = refused(r#"cost("risk"; "kommun"; 100);"#);
    assert_diagnostic(
        &e,
        "t.rhai:7:12",
        "syntax error",
        "separate the arguments with commas",
    );
}
