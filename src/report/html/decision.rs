//! The report's comparison of the options with each other (present with two or more
//! interventions): the decision table per point of view and the pairwise differences.

use super::Ctx;
use crate::compare::{DecisionTable, OptionComparison};
use maud::{Markup, html};

fn point_of_view<'a>(ctx: &Ctx, p: &'a str) -> &'a str {
    if p == "all actors" {
        ctx.m.all_actors
    } else {
        p
    }
}

/// The section, or nothing without an option comparison.
pub(super) fn section(ctx: &Ctx) -> Markup {
    let Some(oc) = &ctx.r.option_comparison else {
        return html! {};
    };
    let m = ctx.m;
    html! {
        section.decision id="val" {
            h2 { (m.which_option_is_best) }
            p.read { ((m.options_read)(&ctx.r.scenario.arms[0])) }
            @for d in &oc.decisions { (table(ctx, d)) }
            (pairwise(ctx, oc))
        }
    }
}

fn table(ctx: &Ctx, d: &DecisionTable) -> Markup {
    let m = ctx.m;
    let money = ctx.amounts();
    html! {
        div.table-wrap {
            table.decision {
                caption { (m.perspective_colon) " " (point_of_view(ctx, &d.point_of_view)) }
                thead { tr {
                    th { (m.option) } th { (m.expected_net) } th { (m.prob_best) } th { (m.expected_loss) }
                } }
                tbody {
                    @for o in &d.options {
                        tr {
                            td { (o.name) @if o.name == d.best { " " b { "(" (m.best) ")" } } }
                            td.num { (money.mean(o.expected_net, o.expected_net_mcse)) }
                            td.num { (ctx.pct_ci(o.prob_best.p, o.prob_best.ci)) }
                            td.num { (money.mean(o.expected_loss, o.expected_loss_mcse)) }
                        }
                    }
                }
            }
        }
        @if d.prob_tie.p > 0.0 {
            p.note { ((m.ties)(&ctx.pct_ci(d.prob_tie.p, d.prob_tie.ci))) }
        }
    }
}

fn pairwise(ctx: &Ctx, oc: &OptionComparison) -> Markup {
    let m = ctx.m;
    let money = ctx.amounts();
    let baseline = &ctx.r.scenario.arms[0];
    let pairs: Vec<_> = oc
        .pairwise
        .iter()
        .filter(|p| &p.a != baseline && &p.b != baseline)
        .collect();
    if pairs.is_empty() {
        return html! {};
    }
    html! {
        div.table-wrap {
            table.pairwise {
                caption { (m.pairwise_caption) }
                thead { tr {
                    th { (m.comparison) } th { (m.perspective_cap) } th { (m.difference_in_net) }
                    th { (m.range90) } th { (m.prob_first_better) }
                } }
                tbody {
                    @for p in pairs {
                        tr {
                            td { (p.a) " − " (p.b) }
                            td { (point_of_view(ctx, &p.point_of_view)) }
                            td.num { (money.mean(p.difference.mean, p.difference.mcse)) }
                            td.num { (money.quantile_range(&p.difference)) }
                            td.num { (ctx.pct_ci(p.prob_a_better.p, p.prob_a_better.ci)) }
                        }
                    }
                }
            }
        }
    }
}
