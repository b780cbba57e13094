//! The examples in the documentation run as they are.

use crate::common::{load_error, run, scenario, settings};
use std::collections::BTreeSet;
use std::path::Path;

/// The rhai code blocks of a markdown file.
fn rhai_blocks(markdown: &str) -> Vec<String> {
    markdown
        .split("```rhai\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_scripting_guide_example_runs() {
    let text = std::fs::read_to_string("docs/scripting.md").unwrap();
    let example = &rhai_blocks(&text)[0];
    let sc = socinv::script::load_scenario_str(example, "docs/scripting.md", Path::new("docs"))
        .unwrap_or_else(|e| panic!("the guide's example must run: {e}"));
    let (_, r) = run(&sc, 200, 1);
    assert!(r.comparisons[0].net.mean.is_finite());
}

#[test]
fn the_templates_of_socinv_new_run() {
    for text in [
        include_str!("../../src/templates/new_scenario_sv.rhai"),
        include_str!("../../src/templates/new_scenario_en.rhai"),
    ] {
        let sc = socinv::script::load_scenario_str(text, "template.rhai", Path::new("."))
            .unwrap_or_else(|e| panic!("the template must run: {e}"));
        assert!(!sc.labels.is_empty(), "the template shows how to label");
        let (_, r) = run(&sc, 200, 1);
        assert!(r.comparisons[0].net.mean.is_finite());
    }
}

/// One row of a table in the guide's reference section.
struct ReferenceRow {
    /// The `###` heading the table is under.
    heading: String,
    /// The first cell: the function(s) the row documents.
    function: String,
    /// The code spans of the row's `example` cell, each a statement to run.
    examples: Vec<String>,
}

/// The text between pairs of backticks.
fn code_spans(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The rows of the tables in the `## Reference` section; every table must have an `example` column.
fn reference_rows(markdown: &str) -> Vec<ReferenceRow> {
    let start = markdown
        .find("\n## Reference\n")
        .expect("the guide has a reference section");
    let section = &markdown[start + 1..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |i| i + 1)];
    let mut rows = Vec::new();
    let mut heading = String::new();
    let mut header: Option<Vec<String>> = None;
    for line in section.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            heading = h.to_string();
        }
        let Some(inner) = line
            .trim()
            .strip_prefix('|')
            .and_then(|l| l.strip_suffix('|'))
        else {
            header = None;
            continue;
        };
        let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_string()).collect();
        let Some(names) = &header else {
            header = Some(cells);
            continue;
        };
        if cells
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            continue;
        }
        assert_eq!(
            cells.len(),
            names.len(),
            "a row under \"{heading}\" has {} cells, its table {} (a `|` inside code?): {line}",
            cells.len(),
            names.len()
        );
        let example = names
            .iter()
            .position(|n| n == "example")
            .unwrap_or_else(|| panic!("the table under \"{heading}\" has no example column"));
        rows.push(ReferenceRow {
            heading: heading.clone(),
            function: cells[0].clone(),
            examples: code_spans(&cells[example]),
        });
    }
    rows
}

/// The number of arguments of each call to function `name` in `code`.
fn calls(code: &str, name: &str) -> Vec<usize> {
    let mut counts = Vec::new();
    for (i, _) in code.match_indices(&format!("{name}(")) {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let (mut depth, mut commas, mut in_string, mut empty) = (0, 0, false, true);
        for c in code[i + name.len() + 1..].chars() {
            if in_string {
                in_string = c != '"';
                continue;
            }
            match c {
                '"' => in_string = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth > 0 => depth -= 1,
                ')' => break,
                ',' if depth == 0 => commas += 1,
                _ => {}
            }
            empty &= c.is_whitespace();
        }
        counts.push(if empty { 0 } else { commas + 1 });
    }
    counts
}

/// The declarations of the guide's scenario that the reference examples use.
const EXAMPLE_DECLARATIONS: &str = r#"
actor("kommun");
actor("region");
actor("staten");
actor("individen");
state("skola");
state("hög frånvaro");
state("arbete");
state("utanförskap");
subgroup("hög risk", 0.3);
let p_aterg = param("p_återgång", beta_mean_sd(0.25, 0.05));
let rr      = param("rr_insats", lognormal_ci(0.7, 0.5, 0.95));
let kostnad = param("kostnad_utanförskap", gamma_mean_sd(250000, 50000));
intervention("Tidiga insatser", #{
    per_participant: 45000, years: 2, uptake: 0.85, funded_by: #{ kommun: 1.0 },
});
"#;

/// A small scenario around a reference example. The example goes after the declarations it uses
/// and before the starting shares, where `state(...)` is still allowed; `scenario(...)` and the
/// starting shares for everyone, which a script gives once, are left out when the example gives
/// them itself.
fn with_prelude(example: &str) -> String {
    let mut source = String::new();
    if calls(example, "scenario").is_empty() {
        source.push_str("scenario(#{ name: \"Exempel\", horizon: 6, cohort: 20 });\n");
    }
    source.push_str(EXAMPLE_DECLARATIONS);
    source.push_str(example);
    source.push('\n');
    if !calls(example, "start").contains(&1) {
        source.push_str("start(#{ \"hög frånvaro\": 0.8, \"utanförskap\": 0.2 });\n");
    }
    source
}

#[test]
fn every_example_of_the_scripting_reference_loads_and_runs() {
    let text = std::fs::read_to_string("docs/scripting.md").unwrap();
    let rows = reference_rows(&text);
    assert!(rows.len() > 40, "only {} reference rows found", rows.len());
    let mut failures = Vec::new();
    let mut count = 0;
    for row in &rows {
        assert!(
            !row.examples.is_empty(),
            "the reference row {} under \"{}\" has no example",
            row.function,
            row.heading
        );
        for example in &row.examples {
            count += 1;
            let source = with_prelude(example);
            // Data files of the examples (read_csv) lie in docs/.
            let outcome = socinv::script::load_scenario_str(&source, "doc.rhai", Path::new("docs"))
                .map_err(|e| e.to_string())
                .and_then(|sc| {
                    socinv::sim::simulate(&sc, &settings(5, 1), &|| {}).map_err(|e| e.to_string())
                });
            if let Err(e) = outcome {
                failures.push(format!("{} — `{example}`:\n{e}", row.function));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the {count} reference examples in docs/scripting.md fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_reference_examples_scenario_rejects_a_wrong_example() {
    scenario(&with_prelude(""));
    let e = load_error(&with_prelude("transition(\"skola\", \"okänd\", 0.1);"));
    assert!(e.contains("unknown state \"okänd\""), "{e}");
    let e = load_error(&with_prelude("cost(\"skola\", \"kommun\", 0.1)"));
    assert!(e.contains("syntax error"), "{e}");
}

/// The names of the functions src/script/api.rs (and its part models.rs) registers for
/// scripts, operators included.
fn registered_functions() -> BTreeSet<String> {
    let api = &[
        include_str!("../../src/script/api.rs"),
        include_str!("../../src/script/models.rs"),
    ]
    .concat();
    let literal = |s: &str| {
        s.strip_prefix('"')
            .and_then(|s| s.split('"').next())
            .filter(|n| !n.is_empty())
            .map(str::to_string)
    };
    let mut names = BTreeSet::new();
    // engine.register_fn("name", ...), register_named_draw(engine, "name", ...)
    for (i, _) in api.match_indices("register_fn(") {
        names.extend(literal(api[i + "register_fn(".len()..].trim_start()));
    }
    for (i, _) in api.match_indices("register_named_draw(engine, ") {
        names.extend(literal(&api[i + "register_named_draw(engine, ".len()..]));
    }
    // Names registered in a loop over a list of tuples: ("name", ...),
    for line in api.lines() {
        names.extend(line.trim_start().strip_prefix('(').and_then(literal));
    }
    for known in [
        "scenario",
        "param",
        "start",
        "entry_outcome",
        "pert",
        "odds_ratio",
        "**",
        "dirichlet_row",
        "attribute",
    ] {
        assert!(names.contains(known), "{known} not found among {names:?}");
    }
    names
}

/// Whether `code` uses function or operator `name`.
fn uses(code: &str, name: &str) -> bool {
    if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        !calls(code, name).is_empty()
    } else {
        code.contains(&format!(" {name} "))
    }
}

#[test]
fn the_scripting_reference_documents_every_function_with_an_example() {
    let text = std::fs::read_to_string("docs/scripting.md").unwrap();
    let rows = reference_rows(&text);
    let mut missing = Vec::new();
    for name in registered_functions() {
        let documented = rows
            .iter()
            .any(|r| code_spans(&r.function).iter().any(|f| uses(f, &name)));
        let shown = rows
            .iter()
            .any(|r| r.examples.iter().any(|e| uses(e, &name)));
        match (documented, shown) {
            (true, true) => {}
            (true, false) => missing.push(format!("`{name}` has no example")),
            (false, _) => missing.push(format!(
                "`{name}` is not in a reference table's function column{}",
                if shown { "" } else { " and has no example" }
            )),
        }
    }
    assert!(
        missing.is_empty(),
        "docs/scripting.md: {}",
        missing.join("; ")
    );
}

#[test]
fn the_labels_example_of_the_scripting_guide_runs_with_its_labels() {
    let text = std::fs::read_to_string("docs/scripting.md").unwrap();
    let section = &text[text
        .find("\n## Labels and units\n")
        .expect("the guide has a labels section")..];
    let example = &rhai_blocks(section)[0];
    let sc = socinv::script::load_scenario_str(example, "docs/scripting.md", Path::new("docs"))
        .unwrap_or_else(|e| panic!("the labels example must run: {e}"));
    assert_eq!(sc.labels.state("hvb"), "Placerad på HVB");
    assert_eq!(sc.labels.parameter_unit("p_hem"), Some("andel"));
    let (_, r) = run(&sc, 50, 1);
    assert!(r.comparisons[0].net.mean.is_finite());
}

/// The fenced code blocks of a markdown file: (language, text), in order.
fn fenced_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else {
            continue;
        };
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        blocks.push((lang.to_string(), body.join("\n") + "\n"));
    }
    blocks
}

/// A line with its runs of spaces made one: output compared whatever the column widths.
fn spaced(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The scenario file the tutorial builds, step by step.
const TUTORIAL_FILE: &str = "uvas.rhai";

/// Follows a tutorial in a fresh folder: each `rhai` block is the whole of [`TUTORIAL_FILE`] at
/// that step (it must load and simulate), each `sh` block's lines are socinv commands run on it
/// (each must succeed), and each `text` block is output of the command before it: every line
/// but `...` must be a line of what it printed, spacing aside.
fn follow_tutorial(markdown: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let mut last_output: Option<(String, String)> = None;
    let mut steps = 0;
    for (k, (lang, body)) in fenced_blocks(markdown).into_iter().enumerate() {
        match lang.as_str() {
            "rhai" => {
                steps += 1;
                let sc = socinv::script::load_scenario_str(&body, TUTORIAL_FILE, dir.path())
                    .map_err(|e| format!("step {steps} (block {k}) does not load: {e}"))?;
                socinv::sim::simulate(&sc, &settings(20, 1), &|| {})
                    .map_err(|e| format!("step {steps} (block {k}) does not run: {e}"))?;
                std::fs::write(dir.path().join(TUTORIAL_FILE), &body).unwrap();
            }
            "sh" => {
                for line in body.lines().filter(|l| !l.trim().is_empty()) {
                    let words = shlex::split(line).ok_or(format!("not a command: {line}"))?;
                    let Some(("socinv", args)) = words.split_first().map(|(c, a)| (c.as_str(), a))
                    else {
                        return Err(format!("block {k}: not a socinv command: {line}"));
                    };
                    let out = assert_cmd::Command::cargo_bin("socinv")
                        .unwrap()
                        .timeout(std::time::Duration::from_secs(300))
                        .current_dir(dir.path())
                        .args(args)
                        .output()
                        .unwrap();
                    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
                    if !out.status.success() {
                        return Err(format!(
                            "`{line}` fails:\n{}",
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                    last_output = Some((line.to_string(), stdout));
                }
            }
            "text" => {
                let (command, stdout) = last_output
                    .as_ref()
                    .ok_or(format!("block {k}: output shown before any command"))?;
                let printed: BTreeSet<String> = stdout.lines().map(spaced).collect();
                for line in body.lines().filter(|l| l.trim() != "...") {
                    if !printed.contains(&spaced(line)) {
                        return Err(format!(
                            "`{command}` does not print the line the tutorial shows:\n{line}\n\
                             It prints:\n{stdout}"
                        ));
                    }
                }
            }
            other => return Err(format!("block {k}: a ```{other} block the test cannot run")),
        }
    }
    if steps < 3 {
        return Err(format!("only {steps} scenario steps found"));
    }
    Ok(())
}

#[test]
fn the_tutorial_runs_step_by_step_with_the_output_it_shows() {
    let text = std::fs::read_to_string("docs/tutorial.md").unwrap();
    assert!(text.contains(&format!("`{TUTORIAL_FILE}`")));
    follow_tutorial(&text).unwrap_or_else(|e| panic!("docs/tutorial.md: {e}"));
}

#[test]
fn a_broken_tutorial_step_fails_the_tutorial_test() {
    let text = std::fs::read_to_string("docs/tutorial.md").unwrap();
    // a script error in the last step
    let last = text.rfind("transition(\"uvas\"").unwrap();
    let broken = format!("{}transition(\"uva\"{}", &text[..last], &text[last + 17..]);
    let e = follow_tutorial(&broken).unwrap_err();
    assert!(
        e.contains("step 3") && e.contains("unknown state \"uva\""),
        "{e}"
    );
    // an output line the command does not print
    let stale = text.replacen("-522 000 (± 8 000)", "-521 000 (± 8 000)", 1);
    assert_ne!(stale, text);
    let e = follow_tutorial(&stale).unwrap_err();
    assert!(
        e.contains("does not print") && e.contains("-521 000"),
        "{e}"
    );
    // a command that fails
    let failing = text.replacen(
        "socinv run uvas.rhai\n",
        "socinv run uvas.rhai --set nope=1\n",
        1,
    );
    let e = follow_tutorial(&failing).unwrap_err();
    assert!(e.contains("fails") && e.contains("nope"), "{e}");
}
