//! `socinv check`: the model as declared, with parameter ranges and the first year's tables at
//! the parameters' medians.

use super::format::{amount, percent, table};
use crate::error::Result;
use crate::scenario::{Composition, Scenario, with_unit};
use crate::sim::year_table;
use std::fmt::Write;

/// Describes the scenario for an analyst checking it.
pub fn model_description(sc: &Scenario) -> Result<String> {
    let mut out = String::new();
    let _ = writeln!(out, "{}  ({}, hash {})", sc.name, sc.file, sc.source_hash);
    if !sc.description.is_empty() {
        let _ = writeln!(out, "  {}", sc.description);
    }
    let _ = writeln!(
        out,
        "  cohort {} people · horizon {} years (year 0–{}) · discount rate {}% (outcomes {}%) · {}{}",
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
    let _ = writeln!(out, "\nStates: {}", states.join(", "));
    let _ = writeln!(out, "Actors: {}", actors.join(", "));
    for p in &sc.perspectives {
        let names: Vec<&str> = p
            .actors
            .iter()
            .map(|&a| labels.actor(&sc.actors[a]))
            .collect();
        let _ = writeln!(
            out,
            "Perspective \"{}\": {}{}",
            p.name,
            names.join(", "),
            if p.exclude_transfers {
                " (transfers excluded)"
            } else {
                ""
            }
        );
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
    let _ = writeln!(out, "Subgroups: {} ({composition})", groups.join(", "));

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
    out.push_str(&table(&rows, ""));

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
        let _ = writeln!(
            out,
            "  {}: start-up {}, per participant and year {}, years {}–{}, uptake {}, funded by {}{}",
            arm.name,
            p.startup,
            p.per_participant,
            start,
            end.saturating_sub(1),
            p.uptake,
            if funders.is_empty() {
                "nobody (no cost)".into()
            } else {
                funders.join(", ")
            },
            given_in(sc, p)
        );
    }

    let _ = writeln!(out, "\nTransition rules");
    for r in &sc.transitions {
        let _ = writeln!(
            out,
            "  {} → {}: {}   ({})",
            labels.state(&sc.states[r.from]),
            labels.state(&sc.states[r.to]),
            r.probability,
            r.origin
        );
    }

    if sc.horizon > 1 {
        let group = sc.subgroups.len() - 1;
        for (a, arm) in sc.arms.iter().enumerate() {
            let t = year_table(sc, &medians, a, group, 0)?;
            let who = if a == 0 { "" } else { ", participants" };
            let _ = writeln!(
                out,
                "\nYear 0 → 1 transition probabilities, {}{who} (subgroup \"{}\", parameters at \
                 their medians, time in state 1)",
                arm.name, sc.subgroups[group].name
            );
            let mut header = vec!["from \\ to".to_string()];
            header.extend(sc.states.iter().map(|s| labels.state(s).to_string()));
            let mut rows = vec![header];
            for (s, row) in t.transitions.iter().enumerate() {
                let mut cells = vec![format!("  {}", labels.state(&sc.states[s]))];
                cells.extend(row.iter().map(|p| format!("{p:.3}")));
                rows.push(cells);
            }
            out.push_str(&table(&rows, ""));
        }
    }

    let group = sc.subgroups.len() - 1;
    let t = year_table(sc, &medians, 0, group, 0)?;
    let _ = writeln!(
        out,
        "\nYear 0 costs per person, {} (yearly; one-off on entry in brackets; {})",
        sc.arms[0].name, sc.currency
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
    out.push_str(&table(&rows, ""));
    if !sc.outcomes.is_empty() {
        let outcomes: Vec<String> = sc
            .outcomes
            .iter()
            .map(|o| with_unit(&labelled(labels.outcome(o), o), labels.outcome_unit(o)))
            .collect();
        let _ = writeln!(out, "\nOutcomes: {}", outcomes.join(", "));
    }
    Ok(out)
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

/// `label [name]` where the script gave a label, so that the name to write (`--set`, rules)
/// stays visible; the name alone otherwise.
fn labelled(label: &str, name: &str) -> String {
    if label == name {
        name.to_string()
    } else {
        format!("{label} [{name}]")
    }
}
