//! `socinv check` as an analyst meets it: it samples the parameters and finds the rules that
//! `run` would stop at, with an example draw; it warns about parts of the model that do
//! nothing (exit 0, or 2 with `--strict`); its output is the same for any number of threads; an
//! effect can be tied to one intervention.

use crate::common::{Ran, folder, run, scenario, socinv_in};
use std::path::PathBuf;

/// A clean model: no problem in any draw, no warning. `{ACTORS}`, `{STATES}`, `{PARAMS}`,
/// `{ARMS}` and `{RULES}` are where a test adds declarations.
const CLEAN: &str = r#"scenario(#{ name: "kontroll", horizon: 5, cohort: 20 });
actor("kommun");
{ACTORS}
state("a");
state("b");
{STATES}
start(#{ a: 1.0 });
{PARAMS}
let p = param("p", uniform(0.1, 0.3));
{ARMS}
{RULES}
cost("a", "kommun", 1000);
"#;

const ONE_ARM: &str = r#"intervention("stöd", #{ startup: 1000, funded_by: #{ kommun: 1.0 } });"#;
const EFFECT: &str = r#"transition("a", "b", p * effect(0.5, 0.0));"#;

/// The clean model with these additions (by placeholder).
fn model(parts: &[(&str, &str)]) -> String {
    let mut text = CLEAN.to_string();
    for (key, default) in [
        ("{ACTORS}", ""),
        ("{STATES}", ""),
        ("{PARAMS}", ""),
        ("{ARMS}", ONE_ARM),
        ("{RULES}", EFFECT),
    ] {
        let given = parts.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        text = text.replace(key, given.unwrap_or(default));
    }
    text
}

/// `check.rhai:LINE:COLUMN` where `needle` first starts in `script`.
fn position_of(script: &str, needle: &str) -> String {
    let (line, text) = script
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not in the script:\n{script}"));
    let column = text[..text.find(needle).unwrap()].chars().count() + 1;
    format!("check.rhai:{}:{column}", line + 1)
}

/// `socinv check check.rhai ARGS` on `script`.
fn check(script: &str, args: &[&str]) -> Ran {
    let dir = folder(&[("check.rhai", script)]);
    let mut all = vec!["check", "check.rhai"];
    all.extend_from_slice(args);
    socinv_in(dir.path(), &all)
}

fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "expected {part:?} in:\n{text}");
    }
}

/// The output with line breaks and indentation of the wrapped text removed.
fn unwrapped(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_clean_model_checks_with_no_problem_and_no_warning() {
    let script = model(&[]);
    for args in [&[][..], &["--strict"]] {
        let out = check(&script, args);
        assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
        assert_contains(
            &out.stdout,
            &["No invalid value in any draw.", "OK: check.rhai"],
        );
        assert!(!out.stdout.contains("Warnings"), "{}", out.stdout);
    }
}

/// The issue's case: `p * 2 * eff` is valid at the medians (0.525) but above 1 in a few
/// per cent of the draws; `check` finds it and names the draw at which `run` stops.
#[test]
fn sampling_finds_a_probability_that_is_valid_at_the_medians_but_not_in_every_draw() {
    let script = model(&[
        ("{PARAMS}", r#"let eff = param("eff", uniform(0.5, 1.0));"#),
        (
            "{RULES}",
            r#"transition("a", "b", param("p_x", uniform(0.1, 0.6)) * 2 * eff);"#,
        ),
    ])
    .replace("let p = param(\"p\", uniform(0.1, 0.3));\n", "");
    let rule = position_of(&script, "transition(");
    let out = check(&script, &[]);
    assert_eq!(out.code, Some(2), "{}{}", out.stdout, out.stderr);
    // the medians' tables are shown: the model is valid there
    assert_contains(&out.stdout, &["a         0.475   0.525"]);
    let text = unwrapped(&out.stdout);
    assert_contains(
        &text,
        &[
            "1,006 draws",
            &format!("{rule}: the probability of transition \"a\" → \"b\" leaves [0, 1] in"),
        ],
    );
    assert!(
        !text.contains("add up to more than 1"),
        "a single rule above 1 is not reported again as its row: {text}"
    );
    // P(p_x·eff > 0.5) = 4·(0.1 − 0.5·ln 1.2) ≈ 3.5%: 35 of 1,000 expected
    let failing: usize = text
        .split(" leaves [0, 1] in ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of failing draws: {text}"));
    assert!((15..=60).contains(&failing), "{failing} failing draws");
    let draw: usize = text
        .split("e.g. draw ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no example draw: {text}"));
    assert_contains(
        &out.stderr,
        &["error: ", &rule, "`socinv run --seed 1` would stop"],
    );

    // `run` with the same seed stops at the example draw's iteration
    let dir = folder(&[("check.rhai", &script)]);
    let ran = socinv_in(dir.path(), &["run", "check.rhai", "-n", "1000"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert_contains(&ran.stderr, &[&format!("iteration {draw} (seed 1)")]);
}

/// Every kind of rule is checked in every draw, and all of them are counted (a run stops at
/// the first): cost, outcome, program amounts, drop-off.
#[test]
fn every_kind_of_rule_is_counted_in_the_draws_where_it_fails() {
    let script = model(&[
        (
            "{ARMS}",
            r#"intervention("stöd", #{ per_participant: 1000 * (p - 0.12), uptake: p * 4, funded_by: #{ kommun: 1.0 } });"#,
        ),
        (
            "{RULES}",
            r#"transition("a", "b", 0.2 * effect(0.5, p * 4 - 0.5));
cost("b", "kommun", ln(p - 0.15));
outcome("o", "a", ln(p - 0.11));"#,
        ),
    ]);
    let out = check(&script, &[]);
    assert_eq!(out.code, Some(2), "{}{}", out.stdout, out.stderr);
    let text = unwrapped(&out.stdout);
    // p is uniform(0.1, 0.3); the share of the 1,000 draws where each rule fails
    for (problem, share) in [
        (
            "the cost of \"b\" for \"kommun\" is not a finite number",
            0.25_f64,
        ),
        ("the outcome \"o\" in \"a\" is not a finite number", 0.05),
        (
            "per_participant of intervention \"stöd\" is negative or not a finite number",
            0.10,
        ),
        ("the uptake of intervention \"stöd\" leaves [0, 1]", 0.25),
        ("the drop-off of an effect(...) leaves [0, 1]", 0.125),
    ] {
        let count: f64 = text
            .split(&format!("{problem} in "))
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{problem:?} is not reported:\n{text}"));
        // 4 binomial standard errors, and the 4 corners
        let sd = (1000.0 * share * (1.0 - share)).sqrt();
        assert!(
            (count - 1000.0 * share).abs() <= 4.0 * sd + 4.0,
            "{problem}: {count} draws, expected about {}",
            1000.0 * share
        );
    }
    assert_contains(&text, &["Problems: 5 rules give invalid values"]);
}

#[test]
fn the_corners_find_what_the_draws_miss() {
    // above 1 only beyond P99.9 of p: 0 of 10 draws, but the P99 corners reach 1.0 + …
    let script = model(&[("{RULES}", r#"transition("a", "b", p * 3.4);"#)]);
    let out = check(&script, &["--draws", "10"]);
    assert_eq!(out.code, Some(2), "{}{}", out.stdout, out.stderr);
    let text = unwrapped(&out.stdout);
    assert_contains(
        &text,
        &[
            "14 draws",
            "leaves [0, 1] in 2 of 14 draws",
            "e.g. the corner with every parameter at P99: 1.0132",
            "(p = 0.298)",
        ],
    );
}

/// Each warning: reported with the position of its declaration and what to do, exit 0;
/// with `--strict`, exit 2 with the warning in the error.
#[test]
fn each_warning_is_reported_at_its_declaration_and_fails_only_with_strict() {
    let two_arms = r#"intervention("stöd", #{ startup: 1000, funded_by: #{ kommun: 1.0 } });
intervention("annat stöd", #{ startup: 500, funded_by: #{ kommun: 1.0 } });"#;
    // (additions to the clean model, where the declaration starts, the warning)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 9] = [
        (
            &[(
                "{PARAMS}",
                r#"let p = param("p_gammal", uniform(0.1, 0.2));"#,
            )],
            "param(\"p_gammal\"",
            "parameter \"p_gammal\" is read by no rule",
        ),
        (
            &[("{ACTORS}", r#"actor("region");"#)],
            "actor(\"region\")",
            "actor \"region\" has no cost rule and pays no share of a program",
        ),
        (
            &[("{STATES}", r#"state("c");"#)],
            "state(\"c\")",
            "state \"c\" is never reached",
        ),
        (
            // a transition into it whose probability is 0 in every draw
            &[
                ("{STATES}", r#"state("c");"#),
                (
                    "{RULES}",
                    &format!("{EFFECT}\ntransition(\"a\", \"c\", p * 0);"),
                ),
            ],
            "state(\"c\")",
            "state \"c\" is never reached",
        ),
        (
            &[(
                "{ARMS}",
                r#"intervention("stöd", #{ startup: 1000, start_year: 5, funded_by: #{ kommun: 1.0 } });"#,
            )],
            "intervention(",
            "intervention \"stöd\" changes nothing: its start_year 5 is beyond the horizon",
        ),
        (
            &[(
                "{ARMS}",
                r#"intervention("stöd", #{ startup: 1000, years: 0, funded_by: #{ kommun: 1.0 } });"#,
            )],
            "intervention(",
            "intervention \"stöd\" changes nothing: it runs for years: 0",
        ),
        (
            &[(
                "{ARMS}",
                r#"intervention("stöd", #{ startup: 1000, uptake: 0, funded_by: #{ kommun: 1.0 } });"#,
            )],
            "intervention(",
            "intervention \"stöd\" changes nothing: its uptake is 0 in every draw",
        ),
        (
            &[("{RULES}", r#"transition("a", "b", p);"#)],
            "intervention(",
            "intervention \"stöd\" changes nothing: its participants' transitions, costs and \
             outcomes equal ordinary practice's in every draw",
        ),
        (
            &[("{ARMS}", two_arms)],
            "transition(",
            "the effect(...) in transition \"a\" → \"b\" applies to every intervention \
             (\"stöd\", \"annat stöd\")",
        ),
    ];
    for (parts, declared_on, warning) in cases {
        let script = model(parts);
        let expected = format!("{}: {warning}", position_of(&script, declared_on));
        let out = check(&script, &[]);
        assert_eq!(
            out.code,
            Some(0),
            "{warning}:\n{}{}",
            out.stdout,
            out.stderr
        );
        let text = unwrapped(&out.stdout);
        assert_contains(&text, &["Warnings (1;", &expected, "(with 1 warning)"]);
        let strict = check(&script, &["--strict"]);
        assert_eq!(strict.code, Some(2), "{warning}:\n{}", strict.stderr);
        assert_contains(
            &unwrapped(&strict.stderr),
            &["1 warnings, and --strict makes them errors", &expected],
        );
    }
}

/// `effect(m, dropoff, arm)` acts in that arm only: the other arm, with no effect of its own and
/// no program cost, gives exactly what ordinary practice gives.
#[test]
fn an_effect_tied_to_an_arm_leaves_the_other_arm_equal_to_ordinary_practice() {
    let script = model(&[
        (
            "{ARMS}",
            r#"intervention("A", #{ uptake: 0.7 });
intervention("B", #{ per_participant: 100, funded_by: #{ kommun: 1.0 } });"#,
        ),
        (
            "{RULES}",
            r#"transition("a", "b", p * effect(0.5, 0.2, "B"));"#,
        ),
    ]);
    let sc = scenario(&script);
    let (its, _) = run(&sc, 200, 3);
    let mut b_differs = false;
    for it in &its {
        let (base, a, b) = (&it.arms[0], &it.arms[1], &it.arms[2]);
        assert_eq!(a.cost_by_actor, base.cost_by_actor);
        assert_eq!(a.cost_by_year, base.cost_by_year);
        assert_eq!(a.outcomes, base.outcomes);
        assert!(a.participants > 0.0);
        b_differs |= b.cost_by_actor[0] - b.program() != base.cost_by_actor[0];
    }
    assert!(b_differs, "the effect acts in arm B");
    assert_eq!(
        sc.transitions[0].probability.to_string(),
        "(p * effect(0.5, 0.2, \"B\"))"
    );

    // check: the untied-effect warning is gone, and A is flagged as changing nothing
    let out = check(&script, &[]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    let text = unwrapped(&out.stdout);
    assert_contains(
        &text,
        &["intervention \"A\" changes nothing", "(with 1 warning)"],
    );
    assert!(!text.contains("applies to every intervention"), "{text}");
}

#[test]
fn an_effect_tied_to_an_unknown_arm_or_ordinary_practice_is_an_error_at_the_call() {
    for (arm, expected) in [
        ("C", "declared interventions: stöd"),
        (
            "Ordinarie arbetssätt",
            "is ordinary practice, which has no effect",
        ),
    ] {
        let script = model(&[(
            "{RULES}",
            &format!("transition(\"a\", \"b\", p * effect(0.5, 0.2, \"{arm}\"));"),
        )]);
        let out = check(&script, &[]);
        assert_eq!(out.code, Some(2), "{}", out.stderr);
        assert_contains(&out.stderr, &[&position_of(&script, "effect("), expected]);
    }
}

#[test]
fn the_output_is_the_same_for_the_same_seed_on_any_number_of_threads() {
    let script = model(&[
        ("{PARAMS}", r#"let eff = param("eff", uniform(0.5, 1.0));"#),
        (
            "{RULES}",
            r#"transition("a", "b", param("p_x", uniform(0.1, 0.6)) * 2 * eff);"#,
        ),
    ]);
    // more draws than one chunk of the parallel evaluation (4,096)
    let one = check(
        &script,
        &["--threads", "1", "--seed", "7", "--draws", "5000"],
    );
    let two = check(
        &script,
        &["--threads", "2", "--seed", "7", "--draws", "5000"],
    );
    assert_eq!(one.code, Some(2));
    assert!(one.stdout.contains("5,008 draws"), "{}", one.stdout);
    assert_eq!((&one.stdout, &one.stderr), (&two.stdout, &two.stderr));
    let other = check(
        &script,
        &["--threads", "2", "--seed", "8", "--draws", "5000"],
    );
    assert_ne!(one.stdout, other.stdout, "another seed draws other values");
}

#[test]
fn the_findings_are_written_as_json() {
    let script = model(&[
        ("{RULES}", r#"transition("a", "b", p * 3.4);"#),
        ("{STATES}", "state(\"c\");"),
    ]);
    let dir = folder(&[("check.rhai", &script)]);
    let out = socinv_in(
        dir.path(),
        &[
            "check",
            "check.rhai",
            "--draws",
            "10",
            "--json",
            "check.json",
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("check.json")).unwrap())
            .unwrap();
    assert_eq!(json["schema"], "socinv.check/1");
    assert_eq!(json["draws"], 14);
    let finding = &json["findings"][0];
    assert_eq!(finding["failing_draws"], 2);
    assert_eq!(finding["position"]["line"], 11);
    let p = finding["example"]["parameters"]["p"].as_f64().unwrap();
    assert!(
        (p - 0.298).abs() < 1e-12,
        "the P99 of uniform(0.1, 0.3): {p}"
    );
    assert_eq!(json["warnings"][0]["kind"], "unreachable_state");
    assert_eq!(json["warnings"][0]["position"]["line"], 6);
}

/// The shipped scenarios have no invalid value in any draw and no warning, and their check
/// fits in 100 columns.
#[test]
fn every_shipped_scenario_checks_clean() {
    let mut files: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    for path in files {
        let out = socinv_in(
            std::path::Path::new("."),
            &["check", "--strict", path.to_str().unwrap()],
        );
        assert_eq!(
            out.code,
            Some(0),
            "{}:\n{}{}",
            path.display(),
            out.stdout,
            out.stderr
        );
        assert_contains(&out.stdout, &["No invalid value in any draw."]);
        assert!(!out.stdout.contains("Warnings"), "{}", out.stdout);
        // wide tables (7 states, long names) turn into lists
        for line in out.stdout.lines() {
            assert!(
                line.chars().count() <= 100,
                "{}: a line of {} columns:\n{line}",
                path.display(),
                line.chars().count()
            );
        }
    }
}

#[test]
fn a_model_invalid_at_the_medians_is_described_without_its_tables() {
    let script = model(&[("{RULES}", r#"transition("a", "b", p + 0.9);"#)]);
    let out = check(&script, &[]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    let text = unwrapped(&out.stdout);
    assert_contains(
        &text,
        &[
            "Transition rules a → b: (p + 0.9)",
            "The tables at the parameters' medians are left out",
            "leaves [0, 1] in 1,004 of 1,004 draws",
        ],
    );
    assert!(!text.contains("Year 0 costs per person"), "{text}");
    assert!(out.stdout.lines().all(|l| l.chars().count() <= 100));
}

/// The values of the person: the Sick-Sicker example's attribute (with its spread between
/// people), episode and the rules evaluated per person are shown, on the terminal and in the
/// JSON; the example checks clean with `--strict`.
#[test]
fn check_shows_the_values_of_the_person_and_the_rules_evaluated_per_person() {
    let example = std::fs::read_to_string("examples/sick_sicker.rhai").unwrap();
    let dir = folder(&[("check.rhai", &example)]);
    let out = socinv_in(
        dir.path(),
        &[
            "check",
            "check.rhai",
            "--strict",
            "--draws",
            "20",
            "--json",
            "c.json",
        ],
    );
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert_contains(
        &out.stdout,
        &[
            "Values of the person",
            "    x   uniform(0.95, 1.05)   0.951     1   1.049",
        ],
    );
    let episode = position_of(&example, "episode(\"ill\"");
    assert_contains(
        &unwrapped(&out.stdout),
        &[
            &format!(
                "Episode \"ill\": S1, S2 (time_in_episode(\"ill\"): the years since entering one of them) ({episode})"
            ),
            "Evaluated per person and year: outcome QALY in S1 (reads x, time_in_episode(\"ill\"))",
            "Tabled by the duration they read (not per person): transitions out of S1 (reads \
             time_in_episode(\"ill\")); transitions out of S2 (reads time_in_episode(\"ill\"))",
            "each attribute alone at P1 and P99",
        ],
    );
    assert!(!out.stdout.contains("Start ages"), "{}", out.stdout);
    for line in out.stdout.lines() {
        assert!(
            line.chars().count() <= 100,
            "a line wider than 100 columns:\n{line}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c.json")).unwrap()).unwrap();
    // 20 sampled, 2 corners for all (no parameter), 2 for the attribute alone
    assert_eq!(json["draws"], 24);
    assert_eq!(json["attributes"][0]["name"], "x");
    assert_eq!(json["attributes"][0]["p99"], 1.049);
    assert_eq!(
        json["episodes"][0]["states"],
        serde_json::json!(["S1", "S2"])
    );
    assert_eq!(
        json["person_rules"][0],
        serde_json::json!({
            "rule": "transitions out of S1",
            "evaluated": "tabled by duration",
            "reads": ["time_in_episode(\"ill\")"],
            "position": null,
        })
    );
    let qaly = &json["person_rules"][2];
    assert_eq!(qaly["rule"], "outcome QALY in S1");
    assert_eq!(qaly["evaluated"], "per person and year");
    assert_eq!(
        qaly["reads"],
        serde_json::json!(["x", "time_in_episode(\"ill\")"])
    );
    let declared = position_of(&example, "outcome(\"QALY\", \"S1\"");
    let line = declared.split(':').nth(1).unwrap().parse::<u64>().unwrap();
    assert_eq!(qaly["position"]["line"], line);
    assert!(json.get("start_ages").is_none(), "{json}");
}

/// A model with labelled attributes and start ages shows them with their labels and units; a
/// model without values of the person shows none of it.
#[test]
fn attribute_labels_units_and_start_ages_are_shown_where_given() {
    let script = model(&[
        ("{PARAMS}", r#"subgroup("unga", 0.4);"#),
        (
            "{RULES}",
            r#"start_age(10 + 20 * p);
start_age(uniform(13, 17), "unga");
let risk = attribute("risk", uniform(0.5, 1.0), #{ label: "Individuell risk", unit: "faktor", source: "antagande" });
transition("a", "b", p * risk * effect(0.5, 0.0));
cost("b", "kommun", 100 * age());"#,
        ),
    ]);
    let dir = folder(&[("check.rhai", &script)]);
    let out = socinv_in(
        dir.path(),
        &[
            "check",
            "check.rhai",
            "--strict",
            "--draws",
            "10",
            "--json",
            "c.json",
        ],
    );
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert_contains(
        &out.stdout,
        &[
            "Individuell risk [risk]   uniform(0.5, 1)",
            "0.505",
            "0.995   faktor",
        ],
    );
    assert_contains(
        &unwrapped(&out.stdout),
        &[
            "Start ages (age() = start age + year): unga uniform(13, 17) (drawn per person); \
             övriga (10 + (20 * p)) (14 at the medians)",
            "Evaluated per person and year: transitions out of a (reads risk); cost of b for \
             kommun (reads age())",
            "Start ages drawn per person are checked at their medians.",
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c.json")).unwrap()).unwrap();
    let risk = &json["attributes"][0];
    assert_eq!(
        (&risk["label"], &risk["unit"], &risk["source"]),
        (
            &serde_json::json!("Individuell risk"),
            &serde_json::json!("faktor"),
            &serde_json::json!("antagande")
        )
    );
    assert_eq!(json["start_ages"]["unga"]["kind"], "drawn");
    assert_eq!(json["start_ages"]["övriga"]["median"], 14.0);

    let plain = check(&model(&[]), &["--json", "c.json"]);
    assert_eq!(plain.code, Some(0), "{}", plain.stderr);
    assert!(
        !plain.stdout.contains("Values of the person"),
        "{}",
        plain.stdout
    );
    assert!(!plain.stdout.contains("attribute"), "{}", plain.stdout);
}

/// A probability valid at the attribute's median (0.9 · 1) but above 1 for the people at its
/// P99 (0.9 · 1.49): found at the attribute's corners, with the attribute's value; `run`,
/// which evaluates it per person, stops too.
#[test]
fn a_rule_invalid_only_for_some_people_is_found_at_the_attributes_corners() {
    let script = model(&[(
        "{RULES}",
        r#"let risk = attribute("risk", uniform(0.5, 1.5));
transition("a", "b", min(p, 0.2) * 4.5 * risk * effect(0.9, 0.0));"#,
    )]);
    let rule = position_of(&script, "transition(");
    let dir = folder(&[("check.rhai", &script)]);
    let out = socinv_in(
        dir.path(),
        &["check", "check.rhai", "--draws", "50", "--json", "c.json"],
    );
    assert_eq!(out.code, Some(2), "{}{}", out.stdout, out.stderr);
    let text = unwrapped(&out.stdout);
    assert_contains(
        &text,
        &[
            &format!("{rule}: the probability of transition \"a\" → \"b\" leaves [0, 1] in"),
            "risk = 1.49",
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c.json")).unwrap()).unwrap();
    let f = &json["findings"][0];
    assert_eq!(f["example"]["attributes"]["risk"], 1.49);
    // The two corners with the attribute at P99 fail (the one with every input at P99, and the
    // attribute's own); every other draw has risk at its median or below: at most 0.9.
    assert_eq!(f["failing_draws"], 2, "{f}");
    assert!(
        f["example"]["draw"]
            .as_str()
            .unwrap()
            .contains("every attribute at P99"),
        "{f}"
    );

    let ran = socinv_in(dir.path(), &["run", "check.rhai", "-n", "20"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert_contains(&ran.stderr, &[&rule]);
}

/// An attribute, an episode or a start age that no rule reads is a warning at its
/// declaration; `--strict` fails on it.
#[test]
fn values_of_the_person_that_no_rule_reads_are_warned_and_fail_with_strict() {
    let script = model(&[(
        "{PARAMS}",
        r#"let unused = attribute("unused", normal(0, 1));
let borta = episode("borta", ["a", "b"]);
start_age(15);"#,
    )]);
    let attribute = position_of(&script, "attribute(");
    let episode = position_of(&script, "episode(");
    let dir = folder(&[("check.rhai", &script)]);
    let out = socinv_in(dir.path(), &["check", "check.rhai", "--json", "c.json"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    let text = unwrapped(&out.stdout);
    assert_contains(
        &text,
        &[
            "Warnings (3;",
            &format!("{attribute}: attribute \"unused\" is read by no rule"),
            &format!("{episode}: episode \"borta\" is read by no rule"),
            "check.rhai: a start age is given (start_age), but no rule reads age()",
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c.json")).unwrap()).unwrap();
    let kinds: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["unused_attribute", "unused_episode", "start_age_unread"]
    );
    let strict = check(&script, &["--strict"]);
    assert_eq!(strict.code, Some(2), "{}", strict.stderr);
    assert_contains(
        &unwrapped(&strict.stderr),
        &[&format!("{attribute}: attribute \"unused\"")],
    );

    // Read, they are no warning.
    let read = model(&[
        (
            "{PARAMS}",
            r#"let risk = attribute("risk", uniform(0.5, 1.0));
let borta = episode("borta", ["a", "b"]);
start_age(15);"#,
        ),
        (
            "{RULES}",
            r#"transition("a", "b", p * risk * effect(0.5, 0.0));
cost("b", "kommun", 10 * borta + age());"#,
        ),
    ]);
    let out = check(&read, &["--strict"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
}

/// Costs and outcomes evaluated per person-year are left out of the tables: check evaluates
/// them as the walk does, at every duration a person can have and at the attributes' corners,
/// and counts an intervention whose only change is such an outcome as changing something.
#[test]
fn costs_and_outcomes_evaluated_per_person_are_checked_and_count_as_effects() {
    let script = model(&[
        ("{ARMS}", r#"intervention("stöd", #{});"#),
        (
            "{RULES}",
            r#"let risk = attribute("risk", uniform(0.5, 1.5));
cost("b", "kommun", 1000 * ln(5 - time_in_state()));
outcome("QALY", "a", if_else(treated(), ln(risk - 0.52), 0.5));
transition("a", "b", p);"#,
        ),
    ]);
    let cost = position_of(&script, "cost(\"b\"");
    let outcome = position_of(&script, "outcome(");
    let out = check(&script, &["--draws", "10"]);
    assert_eq!(out.code, Some(2), "{}{}", out.stdout, out.stderr);
    let text = unwrapped(&out.stdout);
    assert_contains(
        &text,
        &[
            // time in state 5 exists only in year 4, the last of the horizon
            &format!(
                "{cost}: the cost of \"b\" for \"kommun\" is not a finite number in 16 of 16 draws"
            ),
            "arm \"Ordinarie arbetssätt\", subgroup \"övriga\", year 4, time in state 5",
            // ln(0.51 − 0.52): the two corners with risk at P1, for participants
            &format!(
                "{outcome}: the outcome \"QALY\" in \"a\" is not a finite number in 2 of 16 draws"
            ),
            "risk = 0.51",
            "arm \"stöd\" (participants)",
        ],
    );
    assert!(!text.contains("changes nothing"), "{text}");
    assert_contains(
        &text,
        &[
            "Not in this table (evaluated per person and year): cost of b for kommun (reads time_in_state())",
        ],
    );

    // Without the per-person outcome the intervention changes nothing, and says so.
    let same = model(&[
        ("{ARMS}", r#"intervention("stöd", #{});"#),
        ("{RULES}", r#"cost("b", "kommun", 1000 * time_in_state());"#),
    ]);
    let out = check(&same, &[]);
    assert_contains(
        &unwrapped(&out.stdout),
        &["intervention \"stöd\" changes nothing"],
    );
}
