//! The readable summary `socinv run` prints.

use super::format::{amount, amount_ci, mean_with_mcse, share, table};
use crate::compare::{OptionComparison, PairwiseComparison};
use crate::results::{PointOfViewNet, RunResults};
use crate::stats::{Payback, Summary};
use std::fmt::Write;

/// P5 … P95, each end rounded to what its confidence interval supports. An end that is 0 up to
/// the rounding of sums of the other end's size (e.g. savings of −0.0000000009 where nobody's
/// path changed) reads 0.
pub(super) fn range(s: &Summary) -> String {
    let scale = s.p5.abs().max(s.p95.abs()).max(s.mean.abs());
    let zeroed = |v: f64| {
        if v.abs() <= scale * ROUNDING_NOISE {
            0.0
        } else {
            v
        }
    };
    let end = |v: f64, ci: [f64; 2]| amount_ci(zeroed(v), ci.map(zeroed));
    format!("{} … {}", end(s.p5, s.p5_ci), end(s.p95, s.p95_ci))
}

/// The relative size below which a sum of amounts is indistinguishable from 0: far above the
/// rounding of adding some thousand person-years' costs in f64 (about 10⁻¹³), far below any
/// amount shown (three significant digits).
const ROUNDING_NOISE: f64 = 1e-9;

/// The median payback year with its 95% interval, in words.
fn median_payback(p: &Payback) -> String {
    let year = |y: Option<u32>| y.map_or("beyond the horizon".to_string(), |y| y.to_string());
    let interval = match p.median_year_ci {
        Some([lo, hi]) if lo == hi => String::new(),
        Some([lo, hi]) => format!(" (95% CI year {} – {})", year(lo), year(hi)),
        None => String::new(),
    };
    match p.median_year {
        Some(y) => format!(
            "median payback in year {y}{interval}, i.e. within {} year{}",
            y + 1,
            if y == 0 { "" } else { "s" }
        ),
        None => format!("no median payback year (fewer than half pay back){interval}"),
    }
}

/// A point of view named for the headline: "the kommun", "offentlig sektor", "all actors".
pub(super) fn point_of_view(sc: &crate::results::ScenarioInfo, pov: &PointOfViewNet) -> String {
    match pov.name {
        None => "all actors".to_string(),
        Some(name) if pov.is_actor => format!("the {}", sc.labels.actor(name)),
        Some(name) => name.to_string(),
    }
}

/// The headline of a comparison: the decision perspective's net, named, and under it
/// society's where it differs in sign or by more than 10 points in P(net > 0).
fn headline(r: &RunResults, c: &crate::results::Comparison) -> String {
    let sc = &r.scenario;
    let decision = c.decision_net();
    let mut out = String::new();
    let (loss, loss_ci) = decision.prob_loss.unwrap_or((c.prob_loss, c.prob_loss_ci));
    let _ = writeln!(
        out,
        "  For {}: net {} (90%: {}), P(loss) {}, P(net > 0) {}",
        point_of_view(sc, &decision),
        amount(decision.net.mean),
        range(decision.net),
        share(loss, loss_ci),
        share(decision.prob_net_positive, decision.prob_net_positive_ci)
    );
    if let Some(society) = c.society_net_if_different(sc) {
        let _ = writeln!(
            out,
            "  For society ({}): net {} (90%: {}), P(net > 0) {}",
            point_of_view(sc, &society),
            amount(society.net.mean),
            range(society.net),
            share(society.prob_net_positive, society.prob_net_positive_ci)
        );
    }
    // the decision perspective's own payback (all actors' is under the key figures)
    if let (Some(_), Some(payback)) = (decision.name, decision.payback) {
        let _ = writeln!(
            out,
            "  Payback for {}: {}; pays back within {} years in {}",
            point_of_view(sc, &decision),
            median_payback(payback),
            sc.horizon_years,
            share(payback.prob_within_horizon, payback.prob_within_horizon_ci)
        );
    }
    out
}

/// The decision perspective's budget year by year (all actors when none is named): invested,
/// avoided and net, undiscounted, with the net's P5 … P95 and P(net > 0). Empty for results
/// written before the budget existed.
fn budget_table(r: &RunResults, c: &crate::results::Comparison) -> String {
    let sc = &r.scenario;
    let Some(line) = c.decision_budget() else {
        return String::new();
    };
    let price_year = sc
        .price_year
        .map(|y| format!(" of price year {y}"))
        .unwrap_or_default();
    let mut out = format!(
        "\n  Budget for {} per year: undiscounted {}{price_year}, as a budget reads it\n",
        point_of_view(sc, &c.decision_net()),
        sc.currency
    );
    let mut rows = vec![vec![
        "year".to_string(),
        "invested".to_string(),
        "avoided".to_string(),
        "net".to_string(),
        "net P5 … P95".to_string(),
        "P(net > 0)".to_string(),
    ]];
    for y in &line.years {
        rows.push(vec![
            y.calendar_year
                .map_or_else(|| format!("year {}", y.year + 1), |c| c.to_string()),
            amount(y.invested.mean),
            amount(y.avoided.mean),
            amount(y.net.mean),
            range(&y.net),
            share(y.prob_net_positive, y.prob_net_positive_ci),
        ]);
    }
    out.push_str(&table(&rows, "  "));
    out
}

/// The summary of a run, for the terminal.
pub fn summary_text(r: &RunResults) -> String {
    summary_text_comparing(r, None)
}

/// With intakes, one line: how many, over which years, how many people; and that the years are
/// calendar years.
pub fn intakes_line(sc: &crate::results::ScenarioInfo) -> Option<String> {
    let (first, last) = (sc.intakes.first()?, sc.intakes.last()?);
    let years = if first.year == last.year {
        format!("year {}", first.year)
    } else {
        format!("years {}–{}", first.year, last.year)
    };
    let fixed = sc.intakes.iter().all(|i| i.count.parse::<f64>().is_ok());
    Some(format!(
        "{} intake{} over {years} ({} people{}) · the years are calendar years",
        sc.intakes.len(),
        if sc.intakes.len() == 1 { "" } else { "s" },
        sc.cohort,
        if fixed { "" } else { " at the medians" },
    ))
}

/// The summary, with the pairwise comparison of options `(a, b)` (net of a − net of b) in
/// place of the default pairs (every two interventions); the names must be options of the run.
pub fn summary_text_comparing(r: &RunResults, pair: Option<(&str, &str)>) -> String {
    let sc = &r.scenario;
    let cur = &sc.currency;
    let mut out = String::new();
    let price_year = sc
        .price_year
        .map(|y| format!(", price year {y}"))
        .unwrap_or_default();
    let _ = writeln!(out, "{}  ({})", sc.name, sc.file);
    let _ = writeln!(
        out,
        "  {} people · {} years (year 0–{}) · discount rate {}%{} · {cur}{price_year}",
        sc.cohort,
        sc.horizon_years,
        sc.horizon_years - 1,
        super::format::round_sig(sc.discount_rate * 100.0, 6),
        if sc.outcome_discount_rate > 0.0 {
            format!(
                ", outcomes {}%",
                super::format::round_sig(sc.outcome_discount_rate * 100.0, 6)
            )
        } else {
            String::new()
        }
    );
    if let Some(line) = intakes_line(sc) {
        let _ = writeln!(out, "  {line}");
    }
    let fixed: Vec<String> = sc
        .parameters
        .iter()
        .filter_map(|p| p.fixed_at.map(|v| format!("{} = {v}", p.name)))
        .collect();
    let _ = writeln!(
        out,
        "  {} iterations · seed {}{}",
        super::format::grouped(r.settings.iterations as f64, 0),
        r.settings.seed,
        if fixed.is_empty() {
            String::new()
        } else {
            format!(" · fixed: {}", fixed.join(", "))
        }
    );
    if r.settings.without_cohort_chance() {
        let _ = writeln!(
            out,
            "  method: expected (each iteration is the cohort's expected outcome given the \
             parameters:\n  the ranges show the parameters' uncertainty, not the cohort's chance)"
        );
    }
    let _ = writeln!(
        out,
        "  net = cost under ordinary practice − cost with the intervention (program included), \
         discounted, in {cur}; positive = it pays back"
    );

    for c in &r.comparisons {
        let _ = writeln!(out, "\n{}  vs  {}", c.intervention, c.baseline);
        out.push_str(&headline(r, c));
        // Under a named decision perspective, the table below is for all actors: say so.
        let whose = if c.decision_perspective.is_some() {
            "All actors"
        } else {
            ""
        };
        let mut rows = vec![vec![
            whose.to_string(),
            "mean (± MCSE)".to_string(),
            "90% range (P5 … P95)".to_string(),
        ]];
        for (label, s) in [
            ("Net return", &c.net),
            ("Savings", &c.savings),
            ("Investment (program)", &c.investment),
        ] {
            rows.push(vec![
                label.to_string(),
                mean_with_mcse(s.mean, s.mcse),
                range(s),
            ]);
        }
        if let Some(roi) = &c.roi {
            rows.push(vec![
                "ROI (mean net / mean investment)".to_string(),
                mean_with_mcse(roi.ratio_of_means, roi.mcse),
                roi.per_iteration.as_ref().map(range).unwrap_or_default(),
            ]);
        }
        out.push_str(&table(&rows, "  "));
        let _ = writeln!(
            out,
            "  Probability of loss: {}  ·  probability the net is positive: {}",
            share(c.prob_loss, c.prob_loss_ci),
            share(c.prob_net_positive, c.prob_net_positive_ci)
        );
        let _ = writeln!(
            out,
            "  Payback: {}; pays back within {} years in {}",
            median_payback(&c.payback),
            sc.horizon_years,
            share(
                c.payback.prob_within_horizon,
                c.payback.prob_within_horizon_ci
            )
        );

        let mut rows = vec![vec![
            "Net by actor".to_string(),
            "mean (± MCSE)".to_string(),
            "P5 … P95".to_string(),
            "P(net > 0)".to_string(),
        ]];
        for (name, n) in &c.by_actor {
            rows.push(vec![
                format!("  {}", sc.labels.actor(name)),
                mean_with_mcse(n.net.mean, n.net.mcse),
                range(&n.net),
                share(n.prob_net_positive, n.prob_net_positive_ci),
            ]);
        }
        rows.push(vec!["Net by perspective".to_string()]);
        for (name, n) in &c.by_perspective {
            rows.push(vec![
                format!("  {name}"),
                mean_with_mcse(n.net.mean, n.net.mcse),
                range(&n.net),
                share(n.prob_net_positive, n.prob_net_positive_ci),
            ]);
        }
        if !c.outcomes.is_empty() {
            rows.push(vec!["Outcomes, intervention − baseline".to_string()]);
            for (name, s) in &c.outcomes {
                rows.push(vec![
                    format!("  {}", sc.labels.outcome_with_unit(name)),
                    mean_with_mcse(s.mean, s.mcse),
                    range(s),
                ]);
            }
        }
        out.push('\n');
        out.push_str(&table(&rows, "  "));
        out.push_str(&budget_table(r, c));
        let drivers: Vec<String> = c
            .drivers
            .iter()
            .take(5)
            .map(|d| format!("{} ({:+.2})", sc.labels.parameter(&d.parameter), d.spearman))
            .collect();
        if !drivers.is_empty() {
            let _ = writeln!(
                out,
                "\n  Strongest drivers of the net (Spearman rank correlation): {}",
                drivers.join(", ")
            );
        }
    }

    if let Some(oc) = &r.option_comparison {
        out.push_str(&decision_text(r, oc, pair));
    }

    if !r.value_of_information.is_empty() {
        let _ = writeln!(
            out,
            "\nValue of perfect information for {} ({cur}, whole cohort)",
            if r.comparisons.len() > 1 {
                "the choice among all options"
            } else {
                "invest / don't invest"
            }
        );
        let mut rows = vec![vec![
            String::new(),
            "best choice now".to_string(),
            "EVPI, all known (± MCSE)".to_string(),
            "EVPI, parameters known".to_string(),
        ]];
        for v in &r.value_of_information {
            rows.push(vec![
                v.perspective.clone(),
                v.decision.clone(),
                mean_with_mcse(v.evpi, v.evpi_mcse),
                mean_with_mcse(v.evpi_parameters, v.evpi_parameters_mcse),
            ]);
        }
        out.push_str(&table(&rows, "  "));
        out.push_str(if r.settings.without_cohort_chance() {
            "  Each iteration is the expectation given the parameters (--method expected): the \
             first is about the parameters too; `socinv voi` splits the second by parameter.\n"
        } else {
            "  The first includes cohort chance, which no study removes; `socinv voi` splits the \
             second by parameter.\n"
        });
    }

    let _ = writeln!(out, "\nPer arm (cohort totals over the horizon)");
    let mut header = vec![String::new(), format!("cost, {cur}")];
    header.extend(sc.outcomes.iter().map(|o| sc.labels.outcome_with_unit(o)));
    let mut rows = vec![header];
    for (name, arm) in &r.arms {
        let mut row = vec![
            name.clone(),
            format!(
                "{} ({})",
                amount(arm.cost.total.mean),
                range(&arm.cost.total)
            ),
        ];
        row.extend(arm.outcomes.values().map(|s| amount(s.mean)));
        rows.push(row);
    }
    out.push_str(&table(&rows, "  "));
    out
}

/// The decision table per point of view and the pairwise comparisons.
fn decision_text(r: &RunResults, oc: &OptionComparison, pair: Option<(&str, &str)>) -> String {
    let cur = &r.scenario.currency;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nComparing the options with each other (net against {}, {cur}, whole cohort)",
        r.scenario.arms[0]
    );
    let mut rows = vec![vec![
        String::new(),
        "expected net (± MCSE)".to_string(),
        "P(best)".to_string(),
        "expected loss (± MCSE)".to_string(),
        String::new(),
    ]];
    for d in &oc.decisions {
        rows.push(vec![d.point_of_view.clone()]);
        for o in &d.options {
            rows.push(vec![
                format!("  {}", o.name),
                mean_with_mcse(o.expected_net, o.expected_net_mcse),
                share(o.prob_best.p, o.prob_best.ci),
                mean_with_mcse(o.expected_loss, o.expected_loss_mcse),
                if o.name == d.best { "best" } else { "" }.to_string(),
            ]);
        }
    }
    out.push_str(&table(&rows, "  "));
    for d in oc.decisions.iter().filter(|d| d.prob_tie.p > 0.0) {
        let _ = writeln!(
            out,
            "  {}: options share the highest net in {} of iterations (P(best) split)",
            d.point_of_view,
            share(d.prob_tie.p, d.prob_tie.ci)
        );
    }
    let _ = writeln!(
        out,
        "  P(best): share of iterations with the highest net; expected loss: mean shortfall from\n  \
         the best net of each iteration. The best option's expected loss is the EVPI."
    );
    let pairs: Vec<&PairwiseComparison> = match pair {
        Some((a, b)) => oc
            .decisions
            .iter()
            .filter_map(|d| {
                oc.pairwise.iter().find(|p| {
                    p.point_of_view == d.point_of_view
                        && ((p.a == a && p.b == b) || (p.a == b && p.b == a))
                })
            })
            .collect(),
        None => oc
            .pairwise
            .iter()
            .filter(|p| p.a != r.scenario.arms[0] && p.b != r.scenario.arms[0])
            .collect(),
    };
    let mut title = None;
    let mut rows = Vec::new();
    for p in pairs {
        let p = match pair {
            Some((a, _)) if p.a != a => p.reversed(),
            _ => p.clone(),
        };
        let heading = format!("{}  −  {}", p.a, p.b);
        if title.as_ref() != Some(&heading) {
            rows.push(vec![
                heading.clone(),
                "mean (± MCSE)".to_string(),
                "P5 … P95".to_string(),
                "P(better)".to_string(),
            ]);
            title = Some(heading);
        }
        rows.push(vec![
            format!("  {}", p.point_of_view),
            mean_with_mcse(p.difference.mean, p.difference.mcse),
            range(&p.difference),
            share(p.prob_a_better.p, p.prob_a_better.ci),
        ]);
    }
    if !rows.is_empty() {
        let _ = writeln!(
            out,
            "\nPairwise, per iteration (common random numbers): net of the first − net of the second"
        );
        out.push_str(&table(&rows, "  "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_that_is_zero_up_to_rounding_reads_zero() {
        // a third of the iterations change nothing: their savings are 0 up to rounding
        let mut values: Vec<f64> = (0..300).map(|i| -1e-9 + 1e-12 * i as f64).collect();
        values.extend((1..=700).map(|i| 5_000.0 * i as f64));
        let s = Summary::of(&values).unwrap();
        assert!(s.p5 < 0.0 && s.p5 > -1e-8, "{}", s.p5);
        assert!(range(&s).starts_with("0 … "), "{}", range(&s));
        // small amounts that are not noise stay
        let small: Vec<f64> = (0..1000).map(|i| 0.01 + 0.001 * i as f64).collect();
        assert!(!range(&Summary::of(&small).unwrap()).starts_with("0 "));
    }
}
