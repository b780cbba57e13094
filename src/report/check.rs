//! `socinv check`: the model as declared, with parameter ranges and the first year's tables at
//! the parameters' medians.

use super::format::{amount, percent, table};
use crate::error::Result;
use crate::scenario::{Composition, Scenario};
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
    let _ = writeln!(out, "\nStates: {}", sc.states.join(", "));
    let _ = writeln!(out, "Actors: {}", sc.actors.join(", "));
    for p in &sc.perspectives {
        let names: Vec<&str> = p.actors.iter().map(|&a| sc.actors[a].as_str()).collect();
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
    let mut rows = vec![vec![
        String::new(),
        "distribution".into(),
        "P5".into(),
        "P50".into(),
        "P95".into(),
    ]];
    for p in &sc.parameters {
        let d = &p.distribution.dist;
        rows.push(vec![
            format!("  {}", p.name),
            p.distribution.written.clone(),
            amount(d.quantile(0.05)),
            amount(d.quantile(0.5)),
            amount(d.quantile(0.95)),
        ]);
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
            .map(|(a, s)| format!("{} {}", sc.actors[*a], percent(*s)))
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
            sc.states[r.from], sc.states[r.to], r.probability, r.origin
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
            header.extend(sc.states.iter().cloned());
            let mut rows = vec![header];
            for (s, row) in t.transitions.iter().enumerate() {
                let mut cells = vec![format!("  {}", sc.states[s])];
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
    header.extend(sc.actors.iter().cloned());
    let mut rows = vec![header];
    for s in 0..sc.states.len() {
        let mut cells = vec![format!("  {}", sc.states[s])];
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
        let _ = writeln!(out, "\nOutcomes: {}", sc.outcomes.join(", "));
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
        .map(|(s, _)| s.as_str())
        .collect();
    format!(", given in: {}", states.join(", "))
}
