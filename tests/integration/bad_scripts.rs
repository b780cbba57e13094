//! Bad scripts: a committed corpus (tests/bad_scripts: hand-written cases and ones from a seeded
//! generator) that `socinv check` and `socinv run` must each reject with exit code 2, a
//! `file:line:column` (or the file name where there is no position), no panic, within the load
//! time limit, and no file written. Besides, the rules behind the cases, tested through the library.
//!
//! A case is a `.rhai` file or a folder with `main.rhai` (and the files it imports). Lines
//! `// expect: TEXT` list text the error must contain; `// position: none` marks an error about
//! the whole model (no line to point at).

use crate::common::{TYPE_NAMES, listing, load_error, scenario, settings};
use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Per command: the 10 s load limit plus a debug build's start-up on a loaded machine.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

const CORPUS: &str = "tests/bad_scripts";

/// The corpus cases under `dir`: (name, folder holding the files, main file name).
type Case = (String, PathBuf, String);

fn cases(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the corpus folder exists") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && path.join("main.rhai").is_file() {
            cases.push((name, path, "main.rhai".to_string()));
        } else if path.extension().is_some_and(|e| e == "rhai") {
            cases.push((name.clone(), dir.to_path_buf(), name));
        }
    }
    cases.sort();
    cases
}

/// Copies a case into a fresh temporary folder: for a single file only that file.
fn stage(folder: &Path, main: &str, single: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        if path.is_file() && (!single || name == main) {
            std::fs::copy(&path, tmp.path().join(name)).unwrap();
        }
    }
    tmp
}

/// Whether `text` holds `NAME.rhai:LINE:COLUMN` for one of `files`.
fn has_position(text: &str, files: &[String]) -> bool {
    files.iter().any(|f| {
        text.match_indices(&format!("{f}:")).any(|(i, m)| {
            let rest = &text[i + m.len()..];
            let line = rest.chars().take_while(char::is_ascii_digit).count();
            let after = &rest[line..];
            line > 0
                && after.starts_with(':')
                && after[1..].starts_with(|c: char| c.is_ascii_digit())
        })
    })
}

/// Runs one case through `check` and `run`; the problems found, if any.
fn run_case(name: &str, folder: &Path, main: &str) -> Vec<String> {
    // A folder case takes its folder's files, a single-file case only its file.
    let single = name == main;
    let source = String::from_utf8_lossy(&std::fs::read(folder.join(main)).unwrap()).into_owned();
    let expected: Vec<&str> = source
        .lines()
        .filter_map(|l| l.strip_prefix("// expect: "))
        .collect();
    let positionless = source.lines().any(|l| l == "// position: none");
    let mut problems = Vec::new();
    for args in [
        vec!["check", main],
        vec!["run", "-n", "20", "--json", "out.json", main],
    ] {
        let tmp = stage(folder, main, single);
        let files = listing(tmp.path());
        let started = Instant::now();
        let output = Command::cargo_bin("socinv")
            .unwrap()
            .args(&args)
            .current_dir(tmp.path())
            .timeout(CASE_TIMEOUT)
            .output();
        let took = started.elapsed();
        let what = format!("{name}: socinv {}", args.join(" "));
        let Ok(output) = output else {
            problems.push(format!("{what}: did not end within {CASE_TIMEOUT:?}"));
            continue;
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: String = stderr.lines().rev().take(6).collect::<Vec<_>>().join(" | ");
        if output.status.code() != Some(2) {
            problems.push(format!(
                "{what}: exit {:?}, not 2 ({tail})",
                output.status.code()
            ));
        }
        if took >= CASE_TIMEOUT {
            problems.push(format!("{what}: took {took:?}"));
        }
        if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
            problems.push(format!("{what}: panicked ({tail})"));
        }
        let names: Vec<String> = files
            .iter()
            .filter(|f| f.ends_with(".rhai"))
            .cloned()
            .collect();
        let located = if positionless {
            names.iter().any(|f| stderr.contains(&format!("{f}: ")))
        } else {
            has_position(&stderr, &names)
        };
        if !located {
            problems.push(format!("{what}: no file:line:column in the error ({tail})"));
        }
        // The analyst never sees the names of Rust's or rhai's types.
        let words = stderr.replace(".rhai", "");
        for type_name in TYPE_NAMES {
            if words.contains(type_name) {
                problems.push(format!("{what}: the error names `{type_name}` ({tail})"));
            }
        }
        for text in &expected {
            if !stderr.contains(text) {
                problems.push(format!("{what}: the error lacks `{text}` ({tail})"));
            }
        }
        if listing(tmp.path()) != files {
            problems.push(format!("{what}: wrote {:?}", listing(tmp.path())));
        }
    }
    problems
}

/// Runs the cases on a few threads (most are quick, a few wait for the load time limit).
fn run_corpus(dir: &Path) {
    let cases = cases(dir);
    assert!(!cases.is_empty(), "no cases in {}", dir.display());
    let queue = Mutex::new(cases.iter());
    let problems = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..6 {
            s.spawn(|| {
                loop {
                    let Some((name, folder, main)) = queue.lock().unwrap().next() else {
                        break;
                    };
                    let found = run_case(name, folder, main);
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "{} problems in {} cases of {}:\n{}",
        problems.len(),
        cases.len(),
        dir.display(),
        problems.join("\n")
    );
}

#[test]
fn every_bad_script_of_the_corpus_exits_2_with_a_position_and_writes_nothing() {
    run_corpus(Path::new(CORPUS));
}

#[test]
fn every_generated_bad_script_exits_2_with_a_position_and_writes_nothing() {
    run_corpus(&Path::new(CORPUS).join("generated"));
}

/// Distribution arguments at the edge of f64 (validated in src/dist.rs before any sampling).
#[test]
fn distribution_extremes_corpus() {
    run_corpus(&Path::new(CORPUS).join("distribution_extremes"));
}

// ---------------------------------------------------------------------------------------------
// The seeded generator of tests/bad_scripts/generated

/// A valid scenario that the generator breaks in one place each time.
const GENERATOR_BASE: &str = r#"scenario(#{ name: "Generated", horizon: 6, cohort: 30 });
actor("kommun");
actor("region");
state("skola");
state("frånvaro");
state("utanför");
start(#{ "skola": 0.7, "frånvaro": 0.3 });
let p_fr = param("p_frånvaro", beta_mean_sd(0.2, 0.05));
let rr = param("rr", lognormal_ci(0.7, 0.5, 0.95));
intervention("Stöd", #{ per_participant: 20000, years: 2, uptake: 0.8, funded_by: #{ kommun: 1.0 } });
transition("skola", "frånvaro", p_fr * effect(rr, 0.2));
transition("frånvaro", "utanför", 0.1);
transition("frånvaro", "skola", 0.25);
cost("frånvaro", "kommun", 30000);
cost("utanför", "region", 120000 + 1000 * year());
outcome("år i skola", "skola", 1);
"#;

/// A small deterministic generator (xorshift64*), so the corpus is reproducible from its seed.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One broken script: the base with a mutation that always makes it invalid, at a random line.
fn mutate(rng: &mut Xorshift, kind: usize) -> (String, String) {
    let lines: Vec<&str> = GENERATOR_BASE.lines().collect();
    // Lines 10.. are the rules; line 0 is scenario(...).
    let rule = 10 + rng.below(lines.len() - 10);
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let number_at = |line: &str| {
        line.rfind(|c: char| c.is_ascii_digit()).map(|end| {
            let start = line[..=end]
                .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
                .map_or(0, |i| i + 1);
            (start, end + 1)
        })
    };
    let label = match kind {
        0 => {
            // A decimal comma in a number.
            let line = &out[rule];
            let (a, b) = number_at(line).expect("rules have numbers");
            let digits = line[a..b].replace('.', "");
            out[rule] = format!("{}0,{}{}", &line[..a], digits, &line[b..]);
            "decimal_comma"
        }
        1 => {
            // A name that is not declared, in a string.
            let names = ["skola", "frånvaro", "utanför", "kommun", "region"];
            let line = &out[rule];
            let name = names
                .iter()
                .find(|n| line.contains(&format!("\"{n}\"")))
                .expect("rules name states");
            let wrong = ["skolan", "Frånvaro", "utanfor", "kommunen", "regionen"][rng.below(5)];
            out[rule] = line.replacen(&format!("\"{name}\""), &format!("\"{wrong}\""), 1);
            "unknown_name"
        }
        2 => {
            // A character deleted from the syntax.
            let line = &out[rule];
            let marks: Vec<usize> = line
                .char_indices()
                .filter(|(_, c)| matches!(c, '(' | ')' | '"' | ','))
                .map(|(i, _)| i)
                .collect();
            let i = marks[rng.below(marks.len())];
            out[rule] = format!("{}{}", &line[..i], &line[i + 1..]);
            "syntax"
        }
        3 => {
            // A wrong type where a number is expected.
            let line = &out[rule];
            let (a, b) = number_at(line).expect("rules have numbers");
            let wrong = ["\"0.1\"", "true", "[0.1]", "#{ x: 1 }", "()"][rng.below(5)];
            out[rule] = format!("{}{wrong}{}", &line[..a], &line[b..]);
            "wrong_type"
        }
        4 => {
            // An absurd number.
            let huge = ["1e308 * 1e308", "-1e300", "1e999", "0.0 / 0.0"][rng.below(4)];
            out.push(format!("transition(\"utanför\", \"skola\", {huge});"));
            "huge_number"
        }
        5 => {
            // Deep nesting.
            let depth = 70 + rng.below(500);
            out.push(format!(
                "cost(\"skola\", \"kommun\", {}1{});",
                "(".repeat(depth),
                ")".repeat(depth)
            ));
            "deep_nesting"
        }
        6 => {
            // A string longer than the sandbox allows.
            let len = 100_001 + rng.below(50_000);
            out.push(format!("state(\"{}\");", "ä".repeat(len)));
            "long_string"
        }
        _ => {
            // The file cut inside the parentheses of a rule.
            let line = &out[rule];
            let cut = line
                .char_indices()
                .map(|(i, _)| i)
                .filter(|&i| line[..i].matches('(').count() > line[..i].matches(')').count())
                .collect::<Vec<_>>();
            let at = cut[rng.below(cut.len())];
            out[rule] = line[..at].to_string();
            out.truncate(rule + 1);
            "truncated"
        }
    };
    (label.to_string(), out.join("\n") + "\n")
}

/// The generated corpus: file name → text.
fn generated_corpus() -> Vec<(String, String)> {
    let mut rng = Xorshift(0x5eed_2026_b4d5_c0de);
    (0..32)
        .map(|i| {
            let (label, text) = mutate(&mut rng, i % 8);
            // What the message must say, where the mutation decides it.
            let expect = match label.as_str() {
                "decimal_comma" => "// expect: help: use a decimal point: 0.\n",
                "long_string" => "// expect: a text may be at most 100,000 bytes long\n",
                "deep_nesting" => "// expect: nests more than 64 levels deep\n",
                _ => "",
            };
            (
                format!("gen_{i:02}_{label}.rhai"),
                format!("// Generated bad script ({label}); regenerate with SOCINV_REGENERATE_CORPUS=1\n{expect}{text}"),
            )
        })
        .collect()
}

#[test]
fn the_generated_corpus_matches_its_seeded_generator() {
    let dir = Path::new(CORPUS).join("generated");
    let corpus = generated_corpus();
    if std::env::var_os("SOCINV_REGENERATE_CORPUS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &corpus {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let mut names: Vec<String> = corpus.iter().map(|(n, _)| n.clone()).collect();
    names.sort();
    assert_eq!(
        listing(&dir),
        names,
        "regenerate with SOCINV_REGENERATE_CORPUS=1"
    );
    for (name, text) in &corpus {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            committed == *text,
            "{name} differs from its generator's output"
        );
    }
    assert!(
        scenario(GENERATOR_BASE).states.len() == 3,
        "the base is valid"
    );
}

// ---------------------------------------------------------------------------------------------
// The rules behind the cases, through the library

const BASE: &str = r#"scenario(#{ name: "T", horizon: 4, cohort: 10 });
actor("kommun");
state("a");
state("b");
start(#{ "a": 1.0 });
intervention("X", #{});
"#;

fn with_base(rules: &str) -> String {
    format!("{BASE}{rules}\n")
}

/// The constant value of the first cost rule.
fn first_cost(rules: &str) -> f64 {
    let sc = scenario(&with_base(rules));
    sc.costs[0].amount.as_constant().expect("a constant")
}

#[test]
fn integer_division_gives_a_fraction_while_loops_and_indexing_stay_integers() {
    assert_eq!(first_cost("cost(\"a\", \"kommun\", 1/12);"), 1.0 / 12.0);
    assert_eq!(
        first_cost("let x = 1; x /= 4; cost(\"a\", \"kommun\", x);"),
        0.25
    );
    let rules = "let v = [10, 20, 30]; let s = 0;
                 for i in 0..3 { s += v[i] * i; }
                 cost(\"a\", \"kommun\", s + v[1] + 7 % 4);";
    assert_eq!(first_cost(rules), 20.0 + 60.0 + 20.0 + 3.0);
    let e = load_error(&with_base("cost(\"a\", \"kommun\", 12 / 0);"));
    assert!(
        e.contains("test.rhai:7:") && e.contains("Division by zero"),
        "{e}"
    );
}

#[test]
fn integer_overflow_is_an_error_not_a_wrap() {
    for (code, what) in [
        ("1 << 70", "integer overflow"),
        ("9223372036854775807 + 1", "overflow"),
        ("9223372036854775807 * 2", "overflow"),
        ("-9223372036854775807 - 2", "overflow"),
    ] {
        let e = load_error(&with_base(&format!("let x = {code};")));
        assert!(
            e.contains("test.rhai:7:") && e.contains(what),
            "{code}: {e}"
        );
    }
}

#[test]
fn a_nan_in_min_or_if_else_stops_the_run_with_the_rule_not_a_branch() {
    for rule in [
        "min(a / a, 0.9)",
        "max(a / a, 0.1)",
        "if_else(a / a, 0.9, 0.1)",
        "if_else(a / a > 1, 0.9, 0.1)",
        "if_else(and(a / a, 1), 0.9, 0.1)",
    ] {
        let sc = scenario(&with_base(&format!(
            "let a = param(\"a\", fixed(0.0));\ntransition(\"a\", \"b\", {rule});"
        )));
        let e = socinv::sim::simulate(&sc, &settings(5, 1), &|| {})
            .err()
            .unwrap_or_else(|| panic!("{rule} must not run"))
            .to_string();
        assert!(
            e.contains("NaN") && e.contains("test.rhai:8"),
            "{rule}: {e}"
        );
    }
    let e = load_error(&with_base("let r = 0.0 / 0.0; let x = min(r, 0.9) > 0.5;"));
    assert!(e.contains("cannot be compared"), "{e}");
}

#[test]
fn a_truth_value_is_refused_where_a_number_is_expected_and_allowed_as_a_condition() {
    for rule in [
        "transition(\"a\", \"b\", true);",
        "cost(\"a\", \"kommun\", 2 > 1);",
        "transition(\"a\", \"b\", lookup([0.1, false], 1));",
    ] {
        let e = load_error(&with_base(rule));
        assert!(
            e.contains("test.rhai:7:") && e.contains("truth value"),
            "{rule}: {e}"
        );
    }
    assert_eq!(
        first_cost(
            "cost(\"a\", \"kommun\", if_else(2 > 1, 5, 6) + if_else(and(true, not(false)), 1, 0));"
        ),
        6.0
    );
}

#[test]
fn a_value_of_unit_in_a_comparison_or_arithmetic_is_an_error_at_its_position() {
    for rule in [
        "transition(\"a\", \"b\", if_else(() >= 4, 0.2, 0.1));",
        "transition(\"a\", \"b\", if_else(4 < (), 0.2, 0.1));",
        "cost(\"a\", \"kommun\", 1000 * ());",
        "let p = param(\"p\", beta(2, 3)); transition(\"a\", \"b\", p * ());",
        "transition(\"a\", \"b\", ());",
    ] {
        let e = load_error(&with_base(rule));
        assert!(
            e.contains("test.rhai:7:") && e.contains("has no value") && e.contains("year()"),
            "{rule}: {e}"
        );
    }
}

#[test]
fn an_unclosed_block_comment_is_reported_where_it_opens() {
    let e = load_error(&with_base(
        "let x = \"/* in a string */ /*\"; // /*\n/* a /* b */\n cost(\"a\", \"kommun\", 1);",
    ));
    assert!(
        e.starts_with("test.rhai:8:1: syntax error") && e.contains("`/*`"),
        "{e}"
    );
    // Closed ones, nested and in strings, are fine.
    assert_eq!(
        first_cost("/* a /* b */ c */ let s = \"/*\"; let c = '*'; cost(\"a\", \"kommun\", 3);"),
        3.0
    );
}

#[test]
fn a_script_cannot_sleep_or_read_the_clock() {
    for call in ["sleep(1e20)", "sleep(100000)", "sleep(0)", "timestamp()"] {
        let e = load_error(&with_base(&format!("{call};")));
        assert!(
            e.contains("test.rhai:7:") && e.contains("is not available"),
            "{call}: {e}"
        );
    }
}

#[test]
fn formulas_are_bounded_in_size_and_depth_with_the_position() {
    let doubling = "let p = param(\"p\", beta(2, 3));\nlet e = p;\nfor i in 0..40 { e = e + e; }";
    let e = load_error(&with_base(doubling));
    assert!(
        e.contains("test.rhai:9:") && e.contains("100000 parts"),
        "{e}"
    );
    let long_sum =
        "let p = param(\"p\", beta(2, 3));\nlet e = p;\nfor i in 0..40000 { e = e + p; }";
    let e = load_error(&with_base(long_sum));
    assert!(
        e.contains("test.rhai:9:") && e.contains("1000 operations deep"),
        "{e}"
    );
    let e = load_error(&with_base(
        "let p = param(\"p\", beta(2, 3));\nlet e = p;\nfor i in 0..1100 { e = if_else(p, e, 1); }",
    ));
    assert!(e.contains("1000 operations deep"), "{e}");
    // A formula just inside the limits loads and runs.
    let sc = scenario(&with_base(
        "let p = param(\"p\", beta(2, 3));\nlet e = p;\nfor i in 0..900 { e = e * 1.0001; }\n\
         transition(\"a\", \"b\", min(e, 0.9));",
    ));
    crate::common::run(&sc, 5, 1);
}

#[test]
fn models_too_large_to_simulate_are_refused_with_what_to_change() {
    let states = "for i in 0..2000 { state(\"s\" + i); }";
    let source = BASE
        .replace("horizon: 4", "horizon: 200")
        .replace("start(#{ \"a\": 1.0 });\n", "")
        .replace(
            "state(\"b\");\n",
            &format!("state(\"b\");\n{states}\nstart(#{{ \"a\": 1.0 }});\n"),
        );
    let e = load_error(&source);
    assert!(
        e.starts_with("test.rhai: the model is too large")
            && e.contains("more than 20,000,000 (about 160 MB)")
            && e.contains("states")
            && e.contains("shorter horizon"),
        "{e}"
    );
    // time_in_state() multiplies the rows by the horizon: 200 states × 100 years then too.
    let tis = BASE.replace("horizon: 4", "horizon: 100").replace(
        "state(\"b\");\n",
        "state(\"b\");\nfor i in 0..200 { state(\"s\" + i); }\n",
    ) + "for i in 0..200 { transition(\"s\" + i, \"a\", 0.1 / time_in_state()); }";
    assert!(load_error(&tis).contains("time_in_state()"));
    let e = load_error(&with_base(
        "for i in 0..1001 { let q = param(\"q\" + i, normal(1.0, 0.1)); }",
    ));
    assert!(e.contains("1001 parameters") && e.contains("1000"), "{e}");
    scenario(&with_base(
        "for i in 0..1000 { let q = param(\"q\" + i, normal(1.0, 0.1)); }",
    ));
}

#[test]
fn print_and_debug_output_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.rhai");
    std::fs::write(
        &file,
        with_base("for i in 0..1000 { print(\"rad \" + i); debug(i); }"),
    )
    .unwrap();
    let out = Command::cargo_bin("socinv")
        .unwrap()
        .arg("check")
        .arg(&file)
        .timeout(CASE_TIMEOUT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("rad 49") && !stderr.contains("rad 50\n"),
        "{stderr}"
    );
    assert!(
        stderr.lines().count() <= 102,
        "{} lines",
        stderr.lines().count()
    );
    assert!(stderr.contains("further output of print/debug suppressed"));
}

#[test]
fn the_content_hash_covers_imported_files() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("model.rhai");
    std::fs::write(
        &main,
        with_base("import \"helper\" as h;\ncost(\"a\", \"kommun\", h::COST);"),
    )
    .unwrap();
    let hash = |helper: &str| {
        std::fs::write(dir.path().join("helper.rhai"), helper).unwrap();
        socinv::script::load_scenario(&main).unwrap().source_hash
    };
    let first = hash("export const COST = 1000;\n");
    assert_eq!(first.len(), 64, "SHA-256 in hex: {first}");
    assert!(first.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(hash("export const COST = 1000;\n"), first, "stable");
    assert_ne!(hash("export const COST = 2000;\n"), first);
    // The main script's path does not enter the hash, only the texts and the import names.
    let copy = tempfile::tempdir().unwrap();
    for name in ["model.rhai", "helper.rhai"] {
        std::fs::copy(dir.path().join(name), copy.path().join(name)).unwrap();
    }
    let moved = socinv::script::load_scenario(&copy.path().join("model.rhai")).unwrap();
    assert_eq!(moved.source_hash, hash("export const COST = 2000;\n"));
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bom.rhai");
    std::fs::write(&file, format!("\u{feff}{}", with_base(""))).unwrap();
    socinv::script::load_scenario(&file).unwrap();
    let helper = dir.path().join("helper.rhai");
    std::fs::write(&helper, "\u{feff}export const X = 1;\n").unwrap();
    std::fs::write(&file, with_base("import \"helper\" as h;")).unwrap();
    socinv::script::load_scenario(&file).unwrap();
}

#[test]
fn a_file_in_another_encoding_names_its_first_bad_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin.rhai");
    let mut bytes = with_base("").into_bytes();
    bytes.extend(b"state(\"v\xe5rd\");\n");
    std::fs::write(&file, bytes).unwrap();
    let e = socinv::script::load_scenario(&file).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("latin.rhai:8:9: ") && text.contains("save the file as UTF-8"),
        "{text}"
    );
    assert_eq!(e.exit_code(), 2);
    std::fs::write(
        &file,
        "x".encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(with_base("").encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&file, utf16).unwrap();
    let text = socinv::script::load_scenario(&file)
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("latin.rhai:1:1: ") && text.contains("UTF-16"),
        "{text}"
    );
}

#[test]
fn a_fifo_or_a_device_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("helper.rhai");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let main = dir.path().join("main.rhai");
    std::fs::write(&main, with_base("import \"helper\" as h;")).unwrap();
    for args in [
        vec!["check", "main.rhai"],
        vec!["check", "helper.rhai"],
        vec!["check", "/dev/zero"],
    ] {
        let out = Command::cargo_bin("socinv")
            .unwrap()
            .args(&args)
            .current_dir(dir.path())
            .timeout(CASE_TIMEOUT)
            .output()
            .expect("ends without reading the pipe");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("is not a regular file"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.rhai");
    let mut text = with_base("");
    text.push_str(&"// padding\n".repeat(1_000_000));
    std::fs::write(&file, text).unwrap();
    let e = socinv::script::load_scenario(&file)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&format!("{}: is larger than 10 MB", file.display())),
        "{e}"
    );
}

#[test]
fn import_cycles_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rhai"), "import \"b\" as b;\n").unwrap();
    std::fs::write(dir.path().join("b.rhai"), "import \"a\" as a;\n").unwrap();
    std::fs::write(
        dir.path().join("main.rhai"),
        with_base("import \"a\" as a;"),
    )
    .unwrap();
    let e = socinv::script::load_scenario(&dir.path().join("main.rhai"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("b.rhai:1:8: import cycle: "), "{e}");
    assert!(
        e.contains("main.rhai imports a.rhai imports b.rhai imports a.rhai"),
        "{e}"
    );
    // A file imported by two others loads once (its declarations are not repeated).
    std::fs::write(
        dir.path().join("c.rhai"),
        "actor(\"region\");\nexport const X = 1;\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.rhai"), "import \"c\" as c;\n").unwrap();
    std::fs::write(dir.path().join("b.rhai"), "import \"c\" as c;\n").unwrap();
    std::fs::write(
        dir.path().join("main.rhai"),
        with_base("import \"a\" as a; import \"b\" as b;"),
    )
    .unwrap();
    let sc = socinv::script::load_scenario(&dir.path().join("main.rhai")).unwrap();
    assert_eq!(sc.actors, ["kommun", "region"]);
}

#[test]
fn imports_nested_too_deep_are_refused_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..200 {
        let text = format!("import \"m{}\" as m;\n", i + 1);
        std::fs::write(dir.path().join(format!("m{i}.rhai")), text).unwrap();
    }
    std::fs::write(
        dir.path().join("main.rhai"),
        with_base("import \"m0\" as m;"),
    )
    .unwrap();
    let out = Command::cargo_bin("socinv")
        .unwrap()
        .args(["check", "main.rhai"])
        .current_dir(dir.path())
        .timeout(CASE_TIMEOUT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("imports nest more than 32 files deep"),
        "{stderr}"
    );
    assert!(stderr.contains("m31.rhai:1:8: "), "{stderr}");
}
