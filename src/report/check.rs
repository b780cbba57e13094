//! `socinv check`: the model as declared, with parameter ranges and the first year's tables at
//! the parameters' medians; then what the sampled check found (see [`crate::sim::check`]).

use super::format::{amount, percent, table_uncut, table_with_whole_names};
use crate::error::Result;
use crate::scenario::{Composition, Scenario, SourcePos, with_unit};
use crate::sim::check::{
    CheckReport, DrawKind, Finding, FormulaRule, NoChange, PersonRule, PersonRuleKind, PersonValue,
    Warning, attributes_read, person_rules,
};
use crate::sim::{ProgramAmount, Rule, Violation, year_table};
use std::fmt::Write;

/// Describes the scenario for an analyst checking it.
pub fn model_description(sc: &Scenario) -> Result<String> {
    let mut out = String::new();
    wrapped(&mut out, &format!("{}  ({})", sc.name, sc.file), "", "  ");
    let _ = writeln!(out, "  hash {}", sc.source_hash);
    if !sc.description.is_empty() {
        wrapped(&mut out, &sc.description, "  ", "  ");
    }
    let settings = format!(
        "cohort {} people · horizon {} years (year 0–{}) · discount rate {}% (outcomes {}%) · {}{}",
        sc.cohort,
        sc.horizon,
        sc.horizon - 1,
        super::format::round_sig(sc.discount_rate * 100.0, 6),
        super::format::round_sig(sc.outcome_discount_rate * 100.0, 6),
        sc.currency,
        sc.price_year
            .map(|y| format!(", price year {y}"))
            .unwrap_or_default()
    );
    wrapped(&mut out, &settings, "  ", "    ");
    if !sc.intakes.is_empty() {
        intakes_table(&mut out, sc);
    }
    out.push('\n');
    let labels = &sc.labels;
    let states: Vec<String> = sc
        .states
        .iter()
        .map(|s| labelled(labels.state(s), s))
        .collect();
    let actors: Vec<String> = sc
        .actors
        .iter()
        .map(|a| labelled(labels.actor(a), a))
        .collect();
    wrapped(
        &mut out,
        &format!("States: {}", states.join(", ")),
        "",
        "  ",
    );
    wrapped(
        &mut out,
        &format!("Actors: {}", actors.join(", ")),
        "",
        "  ",
    );
    for p in &sc.perspectives {
        let names: Vec<&str> = p
            .actors
            .iter()
            .map(|&a| labels.actor(&sc.actors[a]))
            .collect();
        let line = format!(
            "Perspective \"{}\": {}{}",
            p.name,
            names.join(", "),
            if p.exclude_transfers {
                " (transfers excluded)"
            } else {
                ""
            }
        );
        wrapped(&mut out, &line, "", "  ");
    }
    let groups: Vec<String> = sc
        .subgroups
        .iter()
        .map(|g| match g.count {
            Some(n) if sc.composition == Composition::Exact => format!("{} {n} people", g.name),
            _ => format!("{} {}", g.name, percent(g.share)),
        })
        .collect();
    let composition = match sc.composition {
        Composition::Drawn => "each person drawn from the shares",
        Composition::Exact => "known counts, the same in every iteration",
    };
    wrapped(
        &mut out,
        &format!("Subgroups: {} ({composition})", groups.join(", ")),
        "",
        "  ",
    );

    let _ = writeln!(out, "\nParameters");
    let with_units = sc
        .parameters
        .iter()
        .any(|p| labels.parameter_unit(&p.name).is_some());
    let mut header = vec![String::new(), "distribution".into()];
    header.extend(["P5".into(), "P50".into(), "P95".into()]);
    if with_units {
        header.push("unit".into());
    }
    let mut rows = vec![header];
    for p in &sc.parameters {
        let d = &p.distribution.dist;
        let mut row = vec![
            format!("  {}", labelled(labels.parameter(&p.name), &p.name)),
            p.distribution.written.clone(),
            amount(d.quantile(0.05)),
            amount(d.quantile(0.5)),
            amount(d.quantile(0.95)),
        ];
        if with_units {
            row.push(labels.parameter_unit(&p.name).unwrap_or("").to_string());
        }
        rows.push(row);
    }
    out.push_str(&table_with_whole_names(&rows, ""));
    if !sc.correlations.is_empty() {
        let _ = writeln!(
            out,
            "\nRank correlations (Spearman's ρ; a Gaussian copula with r = 2·sin(π·ρ/6))"
        );
        let mut rows = vec![vec![
            String::new(),
            String::new(),
            "ρ".to_string(),
            "r".to_string(),
        ]];
        for c in &sc.correlations {
            let name = |i: usize| {
                let n = &sc.parameters[i].name;
                labelled(labels.parameter(n), n)
            };
            rows.push(vec![
                format!("  {}", name(c.first)),
                name(c.second),
                value(c.spearman),
                format!(
                    "{:.3}",
                    crate::sim::correlation::normal_correlation(c.spearman)
                ),
            ]);
        }
        out.push_str(&table_with_whole_names(&rows, ""));
    }
    values_of_the_person(&mut out, sc);

    let medians: Vec<f64> = sc
        .parameters
        .iter()
        .map(|p| p.distribution.dist.median())
        .collect();
    let _ = writeln!(out, "\nArms");
    let _ = writeln!(out, "  {} (ordinary practice)", sc.arms[0].name);
    for (_, arm) in sc.interventions() {
        let p = arm.program.as_ref().expect("interventions have a program");
        let (start, end) = p.window();
        let funders: Vec<String> = p
            .funded_by
            .iter()
            .map(|(a, s)| format!("{} {}", labels.actor(&sc.actors[*a]), percent(*s)))
            .collect();
        let years = if p.years == 0 {
            "no years".to_string()
        } else {
            format!("years {start}–{}", end - 1)
        };
        let line = format!(
            "{}: start-up {}, per participant and year {}, {years}, uptake {}, funded by {}{}",
            arm.name,
            p.startup,
            p.per_participant,
            p.uptake,
            if funders.is_empty() {
                "nobody (no cost)".into()
            } else {
                funders.join(", ")
            },
            given_in(sc, p)
        );
        wrapped(&mut out, &line, "  ", "    ");
    }

    let _ = writeln!(out, "\nTransition rules");
    for r in &sc.transitions {
        let line = format!(
            "{} → {}: {}   ({})",
            labels.state(&sc.states[r.from]),
            labels.state(&sc.states[r.to]),
            r.probability,
            r.origin
        );
        wrapped(&mut out, &line, "  ", "      ");
    }

    let mut tables = String::new();
    match median_tables(sc, &medians, &mut tables) {
        Ok(()) => out.push_str(&tables),
        Err(_) => {
            out.push('\n');
            wrapped(
                &mut out,
                "The tables at the parameters' medians are left out: the model gives invalid \
                 values there (see the problems below).",
                "",
                "",
            );
        }
    }
    if !sc.outcomes.is_empty() {
        let outcomes: Vec<String> = sc
            .outcomes
            .iter()
            .map(|o| with_unit(&labelled(labels.outcome(o), o), labels.outcome_unit(o)))
            .collect();
        out.push('\n');
        wrapped(
            &mut out,
            &format!("Outcomes: {}", outcomes.join(", ")),
            "",
            "  ",
        );
    }
    Ok(out)
}

/// The year 0 → 1 transition probabilities per arm and the year 0 costs, at the medians.
fn median_tables(sc: &Scenario, medians: &[f64], out: &mut String) -> Result<()> {
    let labels = &sc.labels;
    if sc.horizon > 1 {
        let group = sc.subgroups.len() - 1;
        for (a, arm) in sc.arms.iter().enumerate() {
            let t = year_table(sc, medians, a, group, 0)?;
            let who = if a == 0 { "" } else { ", participants" };
            out.push('\n');
            wrapped(
                out,
                &format!(
                    "Year 0 → 1 transition probabilities, {}{who} (subgroup \"{}\", parameters \
                     at their medians, time in state 1)",
                    arm.name, sc.subgroups[group].name
                ),
                "",
                "",
            );
            let mut header = vec!["from \\ to".to_string()];
            header.extend(sc.states.iter().map(|s| labels.state(s).to_string()));
            let mut rows = vec![header];
            for (s, row) in t.transitions.iter().enumerate() {
                let mut cells = vec![format!("  {}", labels.state(&sc.states[s]))];
                cells.extend(row.iter().map(|p| format!("{p:.3}")));
                rows.push(cells);
            }
            out.push_str(&table_or_list(&rows, "0.000", " → "));
        }
    }

    let group = sc.subgroups.len() - 1;
    let t = year_table(sc, medians, 0, group, 0)?;
    out.push('\n');
    wrapped(
        out,
        &format!(
            "Year 0 costs per person, {} (yearly; one-off on entry in brackets; {})",
            sc.arms[0].name, sc.currency
        ),
        "",
        "",
    );
    let mut header = vec!["state \\ actor".to_string()];
    header.extend(sc.actors.iter().map(|a| labels.actor(a).to_string()));
    let mut rows = vec![header];
    for s in 0..sc.states.len() {
        let mut cells = vec![format!("  {}", labels.state(&sc.states[s]))];
        for a in 0..sc.actors.len() {
            let (y, e) = (t.yearly_cost[s][a], t.entry_cost[s][a]);
            cells.push(if e != 0.0 {
                format!("{} [{}]", amount(y), amount(e))
            } else {
                amount(y)
            });
        }
        rows.push(cells);
    }
    out.push_str(&table_or_list(&rows, "0", ": "));
    let per_person: Vec<String> = person_rules(sc)
        .iter()
        .filter(|r| matches!(r.rule, PersonRuleKind::Cost(_)))
        .map(|r| person_rule_text(sc, r))
        .collect();
    if !per_person.is_empty() {
        wrapped(
            out,
            &format!(
                "Not in this table (evaluated per person and year): {}",
                per_person.join("; ")
            ),
            "  ",
            "    ",
        );
    }
    Ok(())
}

/// Whether every line of `text` fits in [`WIDTH`] columns.
fn fits(text: &str) -> bool {
    text.lines().all(|l| l.chars().count() <= WIDTH)
}

/// A table with a header row; where it is wider than [`WIDTH`], each row as a wrapped list
/// `first{separator}column value, ...` without the cells equal to `omit`.
fn table_or_list(rows: &[Vec<String>], omit: &str, separator: &str) -> String {
    let text = table_uncut(rows, "");
    if fits(&text) {
        return text;
    }
    let mut out = String::new();
    for row in &rows[1..] {
        let cells: Vec<String> = rows[0]
            .iter()
            .zip(row)
            .skip(1)
            .filter(|(_, v)| v.as_str() != omit)
            .map(|(h, v)| format!("{h} {v}"))
            .collect();
        let cells = if cells.is_empty() {
            "none".to_string()
        } else {
            cells.join(", ")
        };
        wrapped(
            &mut out,
            &format!("{}{separator}{cells}", row[0].trim()),
            "  ",
            "      ",
        );
    }
    out
}

/// ", given in: a, b" when the program is not given in every state.
fn given_in(sc: &Scenario, p: &crate::scenario::Program) -> String {
    if p.given_in.iter().all(|&g| g) {
        return String::new();
    }
    let states: Vec<&str> = sc
        .states
        .iter()
        .zip(&p.given_in)
        .filter(|(_, g)| **g)
        .map(|(s, _)| sc.labels.state(s))
        .collect();
    format!(", given in: {}", states.join(", "))
}

/// The width the findings and warnings are wrapped to.
const WIDTH: usize = 100;

/// A number as `check` shows it: 6 significant digits, `NaN` and `inf` as such.
pub(crate) fn value(x: f64) -> String {
    if x.is_finite() {
        super::format::round_sig(x, 6).to_string()
    } else {
        x.to_string()
    }
}

/// `n` with thousands separated by commas, as in prose: 1,006.
fn count(n: usize) -> String {
    super::format::grouped_with(n as f64, 0, ',', '.', '-')
}

/// Wraps `text` to [`WIDTH`] columns, the first line indented by `first`, the others by `rest`.
fn wrapped(out: &mut String, text: &str, first: &str, rest: &str) {
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false);
    for line in textwrap::wrap(&super::terminal::clean(text), options) {
        out.push_str(&line);
        out.push('\n');
    }
}

/// What a rule must satisfy, said of the rule that fails it.
fn rule_problem(sc: &Scenario, rule: Rule) -> String {
    match rule {
        Rule::StartShare { group, state } => format!(
            "the start share of \"{}\" (subgroup \"{}\") leaves [0, 1]",
            sc.states[state], sc.subgroups[group].name
        ),
        Rule::StartSum { group } => format!(
            "the start shares of subgroup \"{}\" do not add up to 1",
            sc.subgroups[group].name
        ),
        Rule::Program { arm, amount } => match amount {
            ProgramAmount::Uptake => format!(
                "the uptake of intervention \"{}\" leaves [0, 1]",
                sc.arms[arm].name
            ),
            _ => format!(
                "{} of intervention \"{}\" is negative or not a finite number",
                amount.key(),
                sc.arms[arm].name
            ),
        },
        Rule::Dropoff { .. } => "the drop-off of an effect(...) leaves [0, 1]".to_string(),
        Rule::Transition { index } => {
            let r = &sc.transitions[index];
            format!(
                "the probability of transition \"{}\" → \"{}\" leaves [0, 1]",
                sc.states[r.from], sc.states[r.to]
            )
        }
        Rule::RowSum { state } => format!(
            "the transitions out of \"{}\" add up to more than 1",
            sc.states[state]
        ),
        Rule::Cost { index } => {
            let r = &sc.costs[index];
            format!(
                "the cost of \"{}\" for \"{}\" is not a finite number",
                sc.states[r.state], sc.actors[r.actor]
            )
        }
        Rule::Outcome { index } => {
            let r = &sc.outcome_rules[index];
            format!(
                "the outcome \"{}\" in \"{}\" is not a finite number",
                sc.outcomes[r.outcome], sc.states[r.state]
            )
        }
        Rule::IntakeCount { index } => format!(
            "the count of the intake of year {} is negative or not finite",
            sc.intakes[index].year
        ),
    }
}

/// What to do about an invalid value of `rule`.
fn rule_fix(rule: Rule) -> &'static str {
    match rule {
        Rule::RowSum { .. } => {
            "make the exits of the state add up to at most 1 in every draw (e.g. min(...), or \
             narrower distributions)"
        }
        Rule::Cost { .. } | Rule::Outcome { .. } => {
            "look for a division by a parameter that can be 0, or ln/pow of a value that can \
             be negative"
        }
        Rule::Program { .. } => "keep program amounts ≥ 0 (and uptake ≤ 1) in every draw",
        Rule::IntakeCount { .. } => {
            "keep the count ≥ 0 in every draw, e.g. max(0, ...) or a distribution that cannot go \
             below 0 (poisson, gamma)"
        }
        _ => {
            "keep the value within [0, 1] in every draw: nothing is clamped (narrow the \
             distribution, or bound the formula with min(..., 1) or max(..., 0))"
        }
    }
}

/// The draw, described: `draw 28` (as iteration 28 of `run` with the seed) or a corner.
pub(crate) fn draw_name(sc: &Scenario, kind: DrawKind) -> String {
    let q = |q: f64| format!("P{}", value(q * 100.0));
    match kind {
        DrawKind::Sampled { iteration } => format!("draw {iteration}"),
        DrawKind::AllAt { q: at } if !sc.attributes.is_empty() => format!(
            "the corner with every parameter and every attribute at {}",
            q(at)
        ),
        DrawKind::AllAt { q: at } => format!("the corner with every parameter at {}", q(at)),
        DrawKind::AttributeAt { attribute, q: at } => {
            let a = &sc.attributes[attribute];
            format!(
                "the corner with attribute \"{}\" at {} ({}) and the parameters and other \
                 attributes at their medians",
                a.name,
                q(at),
                value(a.distribution.dist.quantile(at))
            )
        }
        DrawKind::OneAt { parameter, q: at } => format!(
            "the corner with \"{}\" at {} and the others at their medians",
            sc.parameters[parameter].name,
            q(at)
        ),
    }
}

/// Where in the model the example happened: arm, subgroup, year, time in state.
fn example_place(sc: &Scenario, v: &Violation) -> String {
    let arm = if v.variant == 0 {
        format!("\"{}\"", sc.arms[0].name)
    } else {
        format!("\"{}\" (participants)", sc.arms[v.variant].name)
    };
    let tis = v
        .time_in_state
        .map(|t| format!(", time in state {t}"))
        .unwrap_or_default();
    format!(
        "arm {arm}, subgroup \"{}\", year {}{tis}",
        sc.subgroups[v.group].name, v.year
    )
}

/// The attributes (with their spread between people), episodes and start ages, and the rules
/// the engine follows per person; nothing for a scenario without them.
fn values_of_the_person(out: &mut String, sc: &Scenario) {
    let rules = person_rules(sc);
    let has_ages = sc.subgroups.iter().any(|g| g.start_age.is_some());
    if sc.attributes.is_empty() && sc.episodes.is_empty() && !has_ages && rules.is_empty() {
        return;
    }
    let labels = &sc.labels;
    let _ = writeln!(out, "\nValues of the person");
    if !sc.attributes.is_empty() {
        wrapped(
            out,
            "Attributes, drawn once per person (differences between people, not parameters: \
             the same in every arm, no sensitivity analysis of their own):",
            "  ",
            "    ",
        );
        let with_units = sc
            .attributes
            .iter()
            .any(|a| labels.parameter_unit(&a.name).is_some());
        let mut header = vec![String::new(), "distribution".into()];
        header.extend(["P1".into(), "P50".into(), "P99".into()]);
        if with_units {
            header.push("unit".into());
        }
        let mut rows = vec![header];
        for a in crate::results::attribute_infos(sc) {
            let mut row = vec![
                format!("    {}", labelled(labels.parameter(&a.name), &a.name)),
                a.distribution,
                value(a.p1),
                value(a.p50),
                value(a.p99),
            ];
            if with_units {
                row.push(a.described.unit.unwrap_or_default());
            }
            rows.push(row);
        }
        out.push_str(&table_with_whole_names(&rows, ""));
    }
    for e in crate::results::episode_infos(sc) {
        let states: Vec<&str> = e.states.iter().map(|s| labels.state(s)).collect();
        let line = format!(
            "Episode \"{0}\": {1} (time_in_episode(\"{0}\"): the years since entering one of \
             them)   ({2})",
            e.name,
            states.join(", "),
            e.declared_at
        );
        wrapped(out, &line, "  ", "    ");
    }
    if has_ages {
        let ages: Vec<String> = sc
            .subgroups
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let a = crate::results::start_age_info(sc, i, g.start_age.as_ref()?);
                Some(match a.kind.as_str() {
                    "drawn" => format!("{} {} (drawn per person)", g.name, a.written),
                    _ => match a.median {
                        Some(m) if a.written != value(m) => {
                            format!("{} {} ({} at the medians)", g.name, a.written, value(m))
                        }
                        _ => format!("{} {}", g.name, a.written),
                    },
                })
            })
            .collect();
        wrapped(
            out,
            &format!("Start ages (age() = start age + year): {}", ages.join("; ")),
            "  ",
            "    ",
        );
    }
    let line = |how: &str, rules: Vec<String>| format!("{how}: {}", rules.join("; "));
    let (per_person, by_duration): (Vec<&PersonRule>, Vec<&PersonRule>) = rules
        .iter()
        .partition(|r| !matches!(r.rule, PersonRuleKind::ExitsByDuration { .. }));
    if !per_person.is_empty() {
        let names = per_person.iter().map(|r| person_rule_text(sc, r)).collect();
        wrapped(
            out,
            &line("Evaluated per person and year", names),
            "  ",
            "    ",
        );
    }
    if !by_duration.is_empty() {
        let names = by_duration
            .iter()
            .map(|r| person_rule_text(sc, r))
            .collect();
        wrapped(
            out,
            &line("Tabled by the duration they read (not per person)", names),
            "  ",
            "    ",
        );
    }
}

/// A rule the engine follows per person, with what it reads: `outcome QALY in S1 (reads x)`.
fn person_rule_text(sc: &Scenario, r: &PersonRule) -> String {
    format!(
        "{} (reads {})",
        person_rule_name(sc, r.rule),
        person_reads(sc, &r.reads)
    )
}

fn person_rule_name(sc: &Scenario, rule: PersonRuleKind) -> String {
    let labels = &sc.labels;
    match rule {
        PersonRuleKind::Exits { state } | PersonRuleKind::ExitsByDuration { state } => {
            format!("transitions out of {}", labels.state(&sc.states[state]))
        }
        PersonRuleKind::Cost(i) => {
            let r = &sc.costs[i];
            format!(
                "cost of {} for {}",
                labels.state(&sc.states[r.state]),
                labels.actor(&sc.actors[r.actor])
            )
        }
        PersonRuleKind::Outcome(i) => {
            let r = &sc.outcome_rules[i];
            format!(
                "outcome {} in {}",
                labels.outcome(&sc.outcomes[r.outcome]),
                labels.state(&sc.states[r.state])
            )
        }
    }
}

fn person_reads(sc: &Scenario, reads: &[PersonValue]) -> String {
    reads
        .iter()
        .map(|v| match *v {
            PersonValue::Attribute(i) => sc.attributes[i].name.clone(),
            PersonValue::Age => "age()".to_string(),
            PersonValue::TimeInState => "time_in_state()".to_string(),
            PersonValue::Episode(i) => format!("time_in_episode(\"{}\")", sc.episodes[i].name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The intakes of an open cohort: year, count as written, people at the medians, where.
fn intakes_table(out: &mut String, sc: &Scenario) {
    let _ = writeln!(
        out,
        "  {} intakes (an open cohort; each followed from its year to the end of the horizon; \
         the results' years are calendar years):",
        sc.intakes.len()
    );
    let mut rows = vec![vec![
        "    year".to_string(),
        "count".to_string(),
        "people at the medians".to_string(),
        "declared at".to_string(),
    ]];
    for (i, people) in sc.intakes.iter().zip(sc.intake_people_at_medians()) {
        rows.push(vec![
            format!("    {}", i.year),
            i.count.to_string(),
            people.map_or_else(|| "invalid".to_string(), |n| n.to_string()),
            i.origin.to_string(),
        ]);
    }
    out.push_str(&table_with_whole_names(&rows, ""));
}

/// A warning in plain words, with what to do.
fn warning_text(sc: &Scenario, w: &Warning) -> String {
    match w {
        Warning::UnusedParameter { parameter } => format!(
            "parameter \"{}\" is read by no rule, so it changes nothing. If a rhai variable \
             was reused (`let p = param(\"a\", ...); let p = param(\"b\", ...);`), the first \
             parameter is lost: give each its own variable, or remove it.",
            sc.parameters[*parameter].name
        ),
        Warning::ActorWithoutCost { actor } => format!(
            "actor \"{0}\" has no cost rule and pays no share of a program: its costs are \
             always 0. Add cost(state, \"{0}\", amount) or funded_by, or remove the actor.",
            sc.actors[*actor]
        ),
        Warning::UnreachableState { state } => format!(
            "state \"{}\" is never reached: no one starts in it, and no transition into it \
             from a state someone is in has a probability above 0 in any draw. Add a start \
             share or a transition into it, or remove it.",
            sc.states[*state]
        ),
        Warning::InterventionChangesNothing { arm, why } => {
            let name = &sc.arms[*arm].name;
            let p = sc.arms[*arm]
                .program
                .as_ref()
                .expect("interventions have a program");
            let reason = match why {
                NoChange::StartsAfterHorizon => format!(
                    "its start_year {} is beyond the horizon (years 0–{}). Set start_year \
                     below {} or lengthen the horizon.",
                    p.start_year,
                    sc.horizon - 1,
                    sc.horizon
                ),
                NoChange::NoYears => {
                    "it runs for years: 0, so no one receives the program (an effect(...) \
                     acts as after a program that ended at once). Give years: 1 or more."
                        .to_string()
                }
                NoChange::NoUptake => "its uptake is 0 in every draw and subgroup, so no one \
                                       takes part. Give a share above 0."
                    .to_string(),
                NoChange::NoEffect => format!(
                    "its participants' transitions, costs and outcomes equal ordinary \
                     practice's in every draw, so it only costs. Give it an effect, e.g. \
                     transition(from, to, p * effect(rr, dropoff, \"{name}\"))."
                ),
            };
            format!("intervention \"{name}\" changes nothing: {reason}")
        }
        Warning::EffectForEveryArm { rule } => {
            let names: Vec<String> = sc
                .interventions()
                .map(|(_, a)| format!("\"{}\"", a.name))
                .collect();
            format!(
                "the effect(...) in {} applies to every intervention ({}). If it belongs to one, \
                 tie it to it: effect(m, dropoff, \"{}\").",
                formula_rule_name(sc, *rule),
                names.join(", "),
                sc.arms[1].name
            )
        }
        Warning::IntakeAfterHorizon { intake } => format!(
            "the intake of year {} arrives at or after the end of the horizon (years 0–{}), so \
             it is never simulated. Lengthen the horizon or remove the intake.",
            sc.intakes[*intake].year,
            sc.horizon - 1
        ),
        Warning::UnusedAttribute { attribute } => format!(
            "attribute \"{}\" is read by no rule, so it changes nothing (it is still drawn for \
             every person). Use the formula attribute(...) returns in a rule, or remove it.",
            sc.attributes[*attribute].name
        ),
        Warning::UnusedEpisode { episode } => format!(
            "episode \"{0}\" is read by no rule, so it changes nothing. Read its time with \
             time_in_episode(\"{0}\") (or the formula episode(...) returns), or remove it.",
            sc.episodes[*episode].name
        ),
        Warning::StartAgeUnread => "a start age is given (start_age), but no rule reads age(), \
                                    so it changes nothing. Read age() in a rule (e.g. a life \
                                    table by age), or remove start_age."
            .to_string(),
    }
}

fn formula_rule_name(sc: &Scenario, rule: FormulaRule) -> String {
    match rule {
        FormulaRule::Transition(i) => {
            let r = &sc.transitions[i];
            format!(
                "transition \"{}\" → \"{}\"",
                sc.states[r.from], sc.states[r.to]
            )
        }
        FormulaRule::Cost(i) => {
            let r = &sc.costs[i];
            format!(
                "the cost of \"{}\" for \"{}\"",
                sc.states[r.state], sc.actors[r.actor]
            )
        }
        FormulaRule::Outcome(i) => {
            let r = &sc.outcome_rules[i];
            format!(
                "outcome \"{}\" in \"{}\"",
                sc.outcomes[r.outcome], sc.states[r.state]
            )
        }
        FormulaRule::Program(a) => format!("the program of \"{}\"", sc.arms[a].name),
    }
}

/// One finding as a line: where, what, in how many draws.
pub fn finding_headline(sc: &Scenario, r: &CheckReport, f: &Finding) -> String {
    let at = f
        .origin
        .as_ref()
        .map(|o| format!("{o}: "))
        .unwrap_or_else(|| format!("{}: ", sc.file));
    format!(
        "{at}{} in {} of {} draws",
        rule_problem(sc, f.rule),
        count(f.failing_draws),
        count(r.draws.len())
    )
}

/// What the sampled check found, for the terminal: the draws, the problems with an example
/// each, the warnings; each with where it is declared and what to do.
pub fn check_findings(sc: &Scenario, r: &CheckReport, seed: u64) -> String {
    let mut out = String::new();
    let sampled = r
        .draws
        .iter()
        .filter(|d| matches!(d.kind, DrawKind::Sampled { .. }))
        .count();
    out.push('\n');
    wrapped(
        &mut out,
        &format!(
            "Sampled check: {} draws of the parameters: {} as `socinv run --seed {seed}` draws \
             them (draw i is iteration i), and {} corners (every parameter at P1, every one at \
             P99, each alone at P1 and P99 with the others at their medians{}); in each, every \
             arm, subgroup, year and time in state, during and after the programs.",
            count(r.draws.len()),
            count(sampled),
            count(r.draws.len() - sampled),
            if sc.attributes.is_empty() {
                ""
            } else {
                "; each attribute alone at P1 and P99"
            }
        ),
        "",
        "",
    );
    if !sc.attributes.is_empty() || sc.draws_start_age() {
        let mut note = String::new();
        if !sc.attributes.is_empty() {
            note.push_str(
                "Attributes are not parameters: the sampled draws and the parameters' corners \
                 evaluate the rules that read them at the attributes' medians; the corners with \
                 every parameter at P1 (P99) move every attribute to its P1 (P99) too, and each \
                 attribute is also taken alone to its P1 and P99. ",
            );
        }
        if sc.draws_start_age() {
            note.push_str("Start ages drawn per person are checked at their medians. ");
        }
        note.push_str(
            "A run checks every value it evaluates per person, for each person, and stops at \
             the first invalid one.",
        );
        wrapped(&mut out, &note, "", "");
    }
    if r.findings.is_empty() {
        out.push_str("\nNo invalid value in any draw.\n");
    } else {
        wrapped(
            &mut out,
            &format!(
                "\nProblems: {} invalid values, in {} of {} draws; `socinv run` would \
                 stop at the first.",
                match r.findings.len() {
                    1 => "1 rule gives".to_string(),
                    n => format!("{n} rules give"),
                },
                count(r.failing.len()),
                count(r.draws.len())
            ),
            "",
            "",
        );
        for f in &r.findings {
            let e = &f.example;
            let reads: Vec<String> = e
                .violation
                .params
                .iter()
                .map(|&i| format!("{} = {}", sc.parameters[i].name, value(e.params[i])))
                .chain(
                    attributes_read(sc, f.rule)
                        .into_iter()
                        .map(|i| format!("{} = {}", sc.attributes[i].name, value(e.attributes[i]))),
                )
                .collect();
            let reads = if reads.is_empty() {
                String::new()
            } else {
                format!(" ({})", reads.join(", "))
            };
            wrapped(&mut out, &finding_headline(sc, r, f), "  ", "    ");
            wrapped(
                &mut out,
                &format!(
                    "e.g. {}: {}{reads}; {}",
                    draw_name(sc, e.kind),
                    value(e.value),
                    example_place(sc, &e.violation)
                ),
                "    ",
                "      ",
            );
            wrapped(&mut out, rule_fix(f.rule), "    ", "    ");
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(
            out,
            "\nWarnings ({}; they do not stop a run, --strict makes them errors):",
            r.warnings.len()
        );
        for w in &r.warnings {
            let at = w
                .origin(sc)
                .map(|o| format!("{o}: "))
                .unwrap_or_else(|| format!("{}: ", sc.file));
            wrapped(
                &mut out,
                &format!("{at}{}", warning_text(sc, w)),
                "  ",
                "    ",
            );
        }
    }
    out
}

/// A warning as one line with its position, for `--strict`'s error.
pub fn warning_line(sc: &Scenario, w: &Warning) -> String {
    let at = w
        .origin(sc)
        .map(|o| format!("{o}: "))
        .unwrap_or_else(|| format!("{}: ", sc.file));
    format!("{at}{}", warning_text(sc, w))
}

/// The findings and warnings as JSON (`schema` "socinv.check/1"), each with its position and
/// the plain-words message of the terminal.
pub fn check_json(sc: &Scenario, r: &CheckReport, seed: u64) -> String {
    let position = |o: Option<&SourcePos>| -> serde_json::Value {
        match o {
            Some(o) => serde_json::json!({ "file": o.file, "line": o.line, "column": o.column }),
            None => serde_json::Value::Null,
        }
    };
    let number = |x: f64| -> serde_json::Value {
        if x.is_finite() {
            serde_json::json!(x)
        } else {
            serde_json::json!(x.to_string())
        }
    };
    let findings: Vec<serde_json::Value> = r
        .findings
        .iter()
        .map(|f| {
            let e = &f.example;
            let v = &e.violation;
            let params: serde_json::Map<String, serde_json::Value> = v
                .params
                .iter()
                .map(|&i| (sc.parameters[i].name.clone(), number(e.params[i])))
                .collect();
            let attributes: serde_json::Map<String, serde_json::Value> =
                attributes_read(sc, f.rule)
                    .into_iter()
                    .map(|i| (sc.attributes[i].name.clone(), number(e.attributes[i])))
                    .collect();
            serde_json::json!({
                "problem": rule_problem(sc, f.rule),
                "position": position(f.origin.as_ref()),
                "failing_draws": f.failing_draws,
                "example": {
                    "draw": draw_name(sc, e.kind),
                    "iteration": match e.kind {
                        DrawKind::Sampled { iteration } => serde_json::json!(iteration),
                        _ => serde_json::Value::Null,
                    },
                    "value": number(e.value),
                    "arm": sc.arms[v.variant].name,
                    "participants": v.variant != 0,
                    "subgroup": sc.subgroups[v.group].name,
                    "year": v.year,
                    "time_in_state": v.time_in_state,
                    "parameters": params,
                    "attributes": attributes,
                    "message": v.message,
                },
            })
        })
        .collect();
    let warnings: Vec<serde_json::Value> = r
        .warnings
        .iter()
        .map(|w| {
            serde_json::json!({
                "kind": match w {
                    Warning::UnusedParameter { .. } => "unused_parameter",
                    Warning::ActorWithoutCost { .. } => "actor_without_cost",
                    Warning::UnreachableState { .. } => "unreachable_state",
                    Warning::InterventionChangesNothing { .. } => "intervention_changes_nothing",
                    Warning::EffectForEveryArm { .. } => "effect_for_every_arm",
                    Warning::IntakeAfterHorizon { .. } => "intake_after_horizon",
                    Warning::UnusedAttribute { .. } => "unused_attribute",
                    Warning::UnusedEpisode { .. } => "unused_episode",
                    Warning::StartAgeUnread => "start_age_unread",
                },
                "position": position(w.origin(sc)),
                "message": warning_text(sc, w),
            })
        })
        .collect();
    let mut report = serde_json::json!({
        "schema": "socinv.check/1",
        "scenario": sc.name,
        "file": sc.file,
        "source_hash": sc.source_hash,
        "seed": seed,
        "draws": r.draws.len(),
        "failing_draws": r.failing.len(),
        "findings": findings,
        "warnings": warnings,
    });
    // The values of the person, where the scenario has them (absent otherwise).
    let object = report.as_object_mut().expect("the check is an object");
    let attributes = crate::results::attribute_infos(sc);
    if !attributes.is_empty() {
        object.insert("attributes".into(), serde_json::json!(attributes));
    }
    let episodes = crate::results::episode_infos(sc);
    if !episodes.is_empty() {
        object.insert("episodes".into(), serde_json::json!(episodes));
    }
    let start_ages: serde_json::Map<String, serde_json::Value> = sc
        .subgroups
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let a = crate::results::start_age_info(sc, i, g.start_age.as_ref()?);
            Some((g.name.clone(), serde_json::json!(a)))
        })
        .collect();
    if !start_ages.is_empty() {
        object.insert("start_ages".into(), start_ages.into());
    }
    let rules: Vec<serde_json::Value> = person_rules(sc)
        .iter()
        .map(|r| {
            let origin = match r.rule {
                PersonRuleKind::Cost(i) => Some(&sc.costs[i].origin),
                PersonRuleKind::Outcome(i) => Some(&sc.outcome_rules[i].origin),
                _ => None,
            };
            let reads: Vec<String> = r.reads.iter().map(|v| person_reads(sc, &[*v])).collect();
            serde_json::json!({
                "rule": person_rule_name(sc, r.rule),
                "evaluated": match r.rule {
                    PersonRuleKind::ExitsByDuration { .. } => "tabled by duration",
                    _ => "per person and year",
                },
                "reads": reads,
                "position": position(origin),
            })
        })
        .collect();
    if !rules.is_empty() {
        object.insert("person_rules".into(), rules.into());
    }
    let mut text = serde_json::to_string_pretty(&report).expect("the check serialises");
    text.push('\n');
    text
}

/// `label [name]` where the script gave a label, so that the name to write (`--set`, rules)
/// stays visible; the name alone otherwise.
fn labelled(label: &str, name: &str) -> String {
    if label == name {
        name.to_string()
    } else {
        format!("{label} [{name}]")
    }
}
