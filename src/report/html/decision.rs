//! The report's comparison of the options with each other (present with two or more
//! interventions): the decision table per point of view and the pairwise differences.

use super::{Ctx, esc};
use crate::compare::{DecisionTable, OptionComparison};
use std::fmt::Write as _;

fn point_of_view(ctx: &Ctx, p: &str) -> String {
    if p == "all actors" {
        ctx.t("alla aktörer", "all actors").to_string()
    } else {
        esc(p)
    }
}

/// The section, or nothing without an option comparison.
pub(super) fn section(ctx: &Ctx, out: &mut String) {
    let Some(oc) = &ctx.r.option_comparison else {
        return;
    };
    let baseline = esc(&ctx.r.scenario.arms[0]);
    let _ = write!(
        out,
        "<section class=\"decision\" id=\"val\">\n<h2>{}</h2>\n<p class=\"read\">{}</p>\n",
        ctx.t("Vilket alternativ är bäst?", "Which option is best?"),
        match ctx.lang {
            super::Lang::Sv => format!(
                "Alla alternativ jämförs i samma simuleringar, netto mot {baseline} (som har netto \
                 0). <b>Sannolikhet att vara bäst</b>: andelen simuleringar där alternativet har \
                 högst netto (lika utfall delas). <b>Förväntad förlust</b>: hur mycket sämre än det \
                 bästa alternativet i varje simulering valet i genomsnitt blir; för det alternativ \
                 som är bäst i genomsnitt är den värdet av perfekt information (EVPI)."
            ),
            super::Lang::En => format!(
                "All options are compared in the same simulations, net against {baseline} (whose \
                 net is 0). <b>Probability of being best</b>: the share of simulations in which the \
                 option has the highest net (ties split). <b>Expected loss</b>: how much worse than \
                 the best option of each simulation the choice is on average; for the option best \
                 on average it is the expected value of perfect information (EVPI)."
            ),
        }
    );
    for d in &oc.decisions {
        table(ctx, out, d);
    }
    pairwise(ctx, out, oc);
    out.push_str("</section>\n");
}

fn table(ctx: &Ctx, out: &mut String, d: &DecisionTable) {
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table class=\"decision\"><caption>{} {}</caption>\n\
         <thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        ctx.t("Perspektiv:", "Perspective:"),
        point_of_view(ctx, &d.point_of_view),
        ctx.t("Alternativ", "Option"),
        ctx.t("Förväntat netto", "Expected net"),
        ctx.t("Sannolikhet att vara bäst", "Probability of being best"),
        ctx.t("Förväntad förlust", "Expected loss"),
    );
    for o in &d.options {
        let best = if o.name == d.best {
            format!(" <b>({})</b>", ctx.t("bäst", "best"))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<tr><td>{}{best}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&o.name),
            ctx.money.mean(o.expected_net, o.expected_net_mcse),
            ctx.pct_ci(o.prob_best.p, o.prob_best.ci),
            ctx.money.mean(o.expected_loss, o.expected_loss_mcse),
        );
    }
    out.push_str("</tbody></table></div>\n");
    if d.prob_tie.p > 0.0 {
        let _ = writeln!(
            out,
            "<p class=\"note\">{} {}.</p>",
            ctx.t(
                "Flera alternativ delar högsta nettot i",
                "Several options share the highest net in"
            ),
            ctx.pct_ci(d.prob_tie.p, d.prob_tie.ci)
        );
    }
}

fn pairwise(ctx: &Ctx, out: &mut String, oc: &OptionComparison) {
    let baseline = &ctx.r.scenario.arms[0];
    let pairs: Vec<_> = oc
        .pairwise
        .iter()
        .filter(|p| &p.a != baseline && &p.b != baseline)
        .collect();
    if pairs.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table class=\"pairwise\"><caption>{}</caption>\n\
         <thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        ctx.t(
            "Två insatser mot varandra: nettot för den första minus nettot för den andra, i varje simulering",
            "Two interventions against each other: the first one's net minus the second one's, in each simulation"
        ),
        ctx.t("Jämförelse", "Comparison"),
        ctx.t("Perspektiv", "Perspective"),
        ctx.t("Skillnad i netto", "Difference in net"),
        ctx.t("90 % av utfallen", "90% of outcomes"),
        ctx.t("Sannolikhet att den första är bättre", "Probability the first is better"),
    );
    for p in pairs {
        let _ = writeln!(
            out,
            "<tr><td>{} − {}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&p.a),
            esc(&p.b),
            point_of_view(ctx, &p.point_of_view),
            ctx.money.mean(p.difference.mean, p.difference.mcse),
            ctx.money.quantile_range(&p.difference),
            ctx.pct_ci(p.prob_a_better.p, p.prob_a_better.ci),
        );
    }
    out.push_str("</tbody></table></div>\n");
}
