//! The budget year by year, in each intervention's section after who pays and who gains: for the
//! decision perspective (all actors when none is named) a sentence on the years its net is
//! negative and positive and its largest outlay, a chart of its yearly net (undiscounted, as a
//! budget reads it) with P5–P95, and a table of what it invests, avoids and nets each year, with
//! the range, P(net > 0), the present value and a sum row; then the net per actor and year, the
//! kommun first and the others in the scenario's order.
//!
//! Everything is read from the results' [`BudgetLine`]s; results written before the budget
//! existed get no section.

use super::fmt::Ends;
use super::{Ctx, charts, i18n};
use crate::error::Result;
use crate::results::{BudgetLine, BudgetYear, Comparison, PointOfViewKind};
use crate::stats::Summary;
use maud::{Markup, html};

/// The sign of a year's mean net.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sign {
    Negative,
    Zero,
    Positive,
}

impl Sign {
    fn of(x: f64) -> Sign {
        if x < 0.0 {
            Sign::Negative
        } else if x > 0.0 {
            Sign::Positive
        } else {
            Sign::Zero
        }
    }
}

/// Consecutive years (0-based, `first..=last`) whose mean nets have one sign.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Run {
    pub sign: Sign,
    pub first: usize,
    pub last: usize,
}

/// The years' mean nets as runs of one sign, in order.
pub(super) fn runs(means: &[f64]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for (t, &x) in means.iter().enumerate() {
        let sign = Sign::of(x);
        match out.last_mut() {
            Some(r) if r.sign == sign => r.last = t,
            _ => out.push(Run {
                sign,
                first: t,
                last: t,
            }),
        }
    }
    out
}

/// The year of the largest outlay (the lowest negative mean net), else of the largest surplus
/// (the highest positive one), with its sign; `None` when every year's net is 0.
pub(super) fn extreme_year(means: &[f64]) -> Option<(usize, Sign)> {
    let pick = |better: fn(f64, f64) -> bool| {
        means
            .iter()
            .enumerate()
            .fold(None, |best: Option<(usize, f64)>, (t, &x)| match best {
                Some((_, b)) if !better(x, b) => best,
                _ => Some((t, x)),
            })
    };
    match pick(|x, b| x < b) {
        Some((t, x)) if x < 0.0 => Some((t, Sign::Negative)),
        _ => match pick(|x, b| x > b) {
            Some((t, x)) if x > 0.0 => Some((t, Sign::Positive)),
            _ => None,
        },
    }
}

/// The actors, the kommun first ("kommun" or "kommunen", in any case), then the others in
/// the scenario's order.
pub(super) fn kommun_first(actors: &[String]) -> Vec<&String> {
    let is_kommun =
        |a: &&String| a.eq_ignore_ascii_case("kommun") || a.eq_ignore_ascii_case("kommunen");
    actors
        .iter()
        .filter(is_kommun)
        .chain(actors.iter().filter(|a| !is_kommun(a)))
        .collect()
}

/// A year as the reader names it: its calendar year, else "år 1".
fn year_label(ctx: &Ctx, y: &BudgetYear) -> String {
    match y.calendar_year {
        Some(c) => c.to_string(),
        None => (ctx.m.year_n)(y.year + 1),
    }
}

/// The years of a run: "2027–2028", "2027", "år 1–2", "år 1".
fn span(ctx: &Ctx, years: &[BudgetYear], labels: &[String], r: &Run) -> String {
    if r.first == r.last {
        return labels[r.first].clone();
    }
    match (years[r.first].calendar_year, years[r.last].calendar_year) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => (ctx.m.years_n_to_m)(r.first as u32 + 1, r.last as u32 + 1),
    }
}

/// "mellan −1,5 och −0,9 mnkr", or the one amount when both ends round alike.
fn between_or_amount(ctx: &Ctx, s: &Summary) -> String {
    let ends: Ends = ctx.amounts().quantile_ends(s);
    if ends.lo == ends.hi {
        ends.hi
    } else {
        (ctx.m.between)(&ends)
    }
}

/// The sentence above the chart: when the point of view's yearly net is negative and when
/// positive, and its largest outlay (or surplus) with its range.
fn sentence(ctx: &Ctx, who: &str, line: &BudgetLine, labels: &[String]) -> String {
    let m = ctx.m;
    let means: Vec<f64> = line.years.iter().map(|y| y.net.mean).collect();
    let word = |s: Sign| match s {
        Sign::Negative => m.negative_word,
        Sign::Zero => m.zero_word,
        Sign::Positive => m.positive_word,
    };
    let span = |r: &Run| span(ctx, &line.years, labels, r);
    let pattern = match runs(&means).as_slice() {
        [] => return String::new(),
        [r] => (m.budget_every_year)(who, word(r.sign), &span(r)),
        [a, b] => (m.budget_first_then)(
            who,
            word(a.sign),
            &(m.first_years)(a.last as u32 + 1),
            &span(a),
            word(b.sign),
            &labels[b.first],
        ),
        many => {
            let items: Vec<String> = many
                .iter()
                .map(|r| (m.budget_run)(word(r.sign), &span(r)))
                .collect();
            let (last, rest) = items.split_last().expect("three runs or more");
            (m.budget_runs)(who, &format!("{}{}{last}", rest.join(", "), m.and))
        }
    };
    match extreme_year(&means) {
        Some((t, sign)) => {
            let say = match sign {
                Sign::Negative => m.largest_outlay,
                _ => m.largest_surplus,
            };
            let amount = between_or_amount(ctx, &line.years[t].net);
            format!("{pattern}; {}.", say(&labels[t], &amount))
        }
        None => format!("{pattern}."),
    }
}

/// The sum over the years of one amount's means, with the sum of their MCSEs (an upper bound
/// of the sum's, whatever the years' correlation) for its rounding.
fn summed(years: &[BudgetYear], amount: fn(&BudgetYear) -> &Summary) -> (f64, f64) {
    years.iter().map(amount).fold((0.0, 0.0), |(m, e), s| {
        (
            m + s.mean,
            e + if s.mcse.is_finite() { s.mcse } else { 0.0 },
        )
    })
}

/// The point of view's net (discounted, over the horizon): what its present values add up to.
fn total_net<'a>(c: &'a Comparison, line: &BudgetLine) -> Option<&'a Summary> {
    match line.kind {
        PointOfViewKind::Actor => c.by_actor.get(&line.name).map(|s| &s.net),
        PointOfViewKind::Perspective => c.by_perspective.get(&line.name).map(|s| &s.net),
        PointOfViewKind::AllActors => Some(&c.net),
    }
}

/// The section for comparison `c`, or nothing when its results hold no budget.
pub(super) fn section(ctx: &Ctx, k: usize, c: &Comparison) -> Result<Markup> {
    let Some(line) = c.decision_budget().filter(|l| !l.years.is_empty()) else {
        return Ok(html! {});
    };
    let (m, sc, money) = (ctx.m, &ctx.r.scenario, ctx.amounts());
    let who = i18n::point_of_view(ctx.lang, sc, &c.decision_net());
    let labels: Vec<String> = line.years.iter().map(|y| year_label(ctx, y)).collect();
    let sentence = sentence(ctx, &who, line, &labels);
    let items: Vec<String> = line
        .years
        .iter()
        .zip(&labels)
        .map(|(y, label)| {
            (m.actors_desc_item)(
                label,
                &money.mean(y.net.mean, y.net.mcse),
                &ctx.between90(&y.net),
            )
        })
        .collect();
    let title = (m.budget_chart_title)(&who);
    let words = charts::BudgetWords {
        x_desc: m.budget_x_desc.to_string(),
        y_desc: m.budget_y_desc.to_string(),
        deficit: m.deficit.to_string(),
        surplus: m.surplus.to_string(),
        band90: m.band90.to_string(),
    };
    let nets: Vec<&Summary> = line.years.iter().map(|y| &y.net).collect();
    let svg = charts::yearly_bars(
        &ctx.chart_text(&title, (m.budget_desc)(&sentence, &items.join("; "))),
        &nets,
        &labels,
        &ctx.money,
        &words,
    )?;
    let read = (m.budget_read)(sc.price_year, &super::percent_1(ctx.lang, sc.discount_rate));
    Ok(html! {
        section.budget id={ "budget-" (k + 1) } {
            // the figure stays on one page: how to read the amounts goes under it, with the
            // tables it explains
            figure {
                h3 { (m.budget_title) }
                p.sentence { (sentence) }
                (super::chart(&svg))
            }
            p.note { (read) }
            (decision_table(ctx, &who, c, line, &labels))
            (actors_table(ctx, c, &labels))
        }
    })
}

/// Per year: invested, avoided, net, its range, P(net > 0) and the present value; a sum row.
fn decision_table(
    ctx: &Ctx,
    who: &str,
    c: &Comparison,
    line: &BudgetLine,
    labels: &[String],
) -> Markup {
    let (m, money) = (ctx.m, ctx.amounts());
    let mean = |(x, e): (f64, f64)| money.mean(x, e);
    let total = total_net(c, line).map_or_else(
        || mean(summed(&line.years, |y| &y.net_discounted)),
        |s| money.mean(s.mean, s.mcse),
    );
    html! {
        div.table-wrap {
            table.budget {
                caption { ((m.budget_caption)(who)) }
                thead { tr {
                    th { (m.year) } th { (m.invested) } th { (m.avoided) } th { (m.net) }
                    th { (m.range90_p5_p95) } th { (m.prob_positive_net) }
                    th { (m.net_present_value) }
                } }
                tbody {
                    @for (y, label) in line.years.iter().zip(labels) {
                        tr {
                            td { (label) }
                            td.num { (money.mean(y.invested.mean, y.invested.mcse)) }
                            td.num { (money.mean(y.avoided.mean, y.avoided.mcse)) }
                            td.num { (money.mean(y.net.mean, y.net.mcse)) }
                            td.num { (money.quantile_range(&y.net)) }
                            td.num { (ctx.pct_ci(y.prob_net_positive, y.prob_net_positive_ci)) }
                            td.num { (money.mean(y.net_discounted.mean, y.net_discounted.mcse)) }
                        }
                    }
                    tr.sum {
                        td { (m.total) }
                        td.num { (mean(summed(&line.years, |y| &y.invested))) }
                        td.num { (mean(summed(&line.years, |y| &y.avoided))) }
                        td.num { (mean(summed(&line.years, |y| &y.net))) }
                        td.num { "–" }
                        td.num { "–" }
                        td.num { (total) }
                    }
                }
            }
        }
    }
}

/// One row per year, one column per actor (the kommun first): the mean net, and under it the
/// range; a sum row of the means. Left out with a single actor (the table above is its).
fn actors_table(ctx: &Ctx, c: &Comparison, labels: &[String]) -> Markup {
    let (m, sc, money) = (ctx.m, &ctx.r.scenario, ctx.amounts());
    let lines: Vec<(&String, &BudgetLine)> = kommun_first(&sc.actors)
        .into_iter()
        .filter_map(|a| Some((a, c.budget_line(PointOfViewKind::Actor, a)?)))
        .collect();
    if lines.len() < 2 {
        return html! {};
    }
    html! {
        div.table-wrap {
            table.budget-actors {
                caption { (m.budget_actors_caption) }
                thead { tr {
                    th { (m.year) }
                    @for (a, _) in &lines { th { (sc.labels.actor(a)) } }
                } }
                tbody {
                    @for (t, label) in labels.iter().enumerate() {
                        tr {
                            td { (label) }
                            @for (_, l) in &lines {
                                @if let Some(y) = l.years.get(t) {
                                    td.num {
                                        (money.mean(y.net.mean, y.net.mcse))
                                        span.range { (money.quantile_range(&y.net)) }
                                    }
                                } @else {
                                    td.num { "–" }
                                }
                            }
                        }
                    }
                    tr.sum {
                        td { (m.total) }
                        @for (_, l) in &lines {
                            @let (x, e) = summed(&l.years, |y| &y.net);
                            td.num { (money.mean(x, e)) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_fall_into_runs_of_one_sign() {
        let r = runs(&[-3.0, -1.0, 2.0, 0.0, 0.0, -1.0]);
        let got: Vec<(Sign, usize, usize)> = r.iter().map(|r| (r.sign, r.first, r.last)).collect();
        assert_eq!(
            got,
            [
                (Sign::Negative, 0, 1),
                (Sign::Positive, 2, 2),
                (Sign::Zero, 3, 4),
                (Sign::Negative, 5, 5)
            ]
        );
        assert!(runs(&[]).is_empty());
    }

    #[test]
    fn the_largest_outlay_comes_before_the_largest_surplus() {
        assert_eq!(
            extreme_year(&[-1.0, -3.0, 9.0, -3.0]),
            Some((1, Sign::Negative))
        );
        assert_eq!(
            extreme_year(&[0.0, 4.0, 9.0, 2.0]),
            Some((2, Sign::Positive))
        );
        assert_eq!(extreme_year(&[0.0, 0.0]), None);
    }

    #[test]
    fn the_kommun_comes_first_and_the_others_keep_their_order() {
        let actors: Vec<String> = ["region", "Försäkringskassan", "Kommun", "staten"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            kommun_first(&actors),
            ["Kommun", "region", "Försäkringskassan", "staten"]
        );
    }
}
