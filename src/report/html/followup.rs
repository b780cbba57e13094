//! The follow-up in the report: the updated headline (the probability of payback before the
//! start and now), the net so far and ahead per point of view, the people in each state with the
//! observed years drawn into the forecast bands, and what the outcome says about each
//! assumption. The rest of the report is the updated forecast's, as a run's report.
//!
//! May import: `followup` (its typed values), `results`, `schema` and the report's own modules.

use super::charts::{self, StateWords};
use super::fmt;
use super::i18n::point_of_view;
use super::messages::Change;
use super::{Ctx, chart};
use crate::error::Result;
use crate::followup::FollowUp;
use crate::followup::forecast::UpdatedForecast;
use crate::results::{Comparison, PointOfViewKind};
use crate::scenario::Labels;
use crate::schema::followup::{ParameterUpdate, Spread};
use maud::{Markup, html};

/// The follow-up section (the forecast is there: the caller checked).
pub(super) fn section(ctx: &Ctx, f: &FollowUp, forecast: &UpdatedForecast) -> Result<Markup> {
    let m = ctx.m;
    let (Some(before), Some(now)) = (
        forecast.before.comparisons.first(),
        forecast.after.comparisons.first(),
    ) else {
        return Ok(html! {});
    };
    let sc = &ctx.r.scenario;
    let (d_before, d_now) = (before.decision_net(), now.decision_net());
    let who = point_of_view(ctx.lang, sc, &d_now);
    let (p_before, p_now) = (
        ctx.pct_ci(d_before.prob_net_positive, d_before.prob_net_positive_ci),
        ctx.pct_ci(d_now.prob_net_positive, d_now.prob_net_positive_ci),
    );
    let change = if p_before == p_now {
        Change::Same
    } else if d_now.prob_net_positive > d_before.prob_net_positive {
        Change::Rose
    } else {
        Change::Fell
    };
    let observed_years = forecast.observed_years as u32;
    let years = observed_span(ctx, observed_years);
    let after = (m.after_years)(observed_years);
    let decision = decision_period(forecast, now);
    let o = &f.update.observed;
    let people = fmt::number(ctx.lang, o.people as f64, 0);
    let people = (m.people)(&people, ctx.texts.target_group.as_deref());
    Ok(html! {
        section.intervention id="uppfoljning" {
            h2 { (m.followup_title) ": " (forecast.intervention) }
            p.headline { ((m.followup_headline)(&after, &who, &p_before, &p_now, change)) }
            p { ((m.followup_net)(
                &ctx.amounts().mean(d_now.net.mean, d_now.net.mcse),
                &ctx.between90(d_now.net),
                &ctx.amounts().mean(d_before.net.mean, d_before.net.mcse),
            )) }
            @if let Some(p) = decision {
                p { ((m.followup_so_far)(
                    &years,
                    &who,
                    &ctx.amounts().mean(p.so_far.mean, p.so_far.mcse),
                    &ctx.amounts().mean(p.rest.mean, p.rest.mcse),
                )) }
            }
            p.read { ((m.followup_basis)(&people, &fmt::number(ctx.lang, o.participants as f64, 0), &years)) }
            (periods_table(ctx, forecast, before, now))
            @for s in state_figures(ctx, forecast)? { (s) }
            (parameters_table(ctx, f)?)
        }
    })
}

/// The observed years as the reader names them: "2027–2028", or "år 1–2".
fn observed_span(ctx: &Ctx, years: u32) -> String {
    match ctx.r.scenario.first_year {
        Some(first) if years > 1 => format!("{first}–{}", first + years as i32 - 1),
        Some(first) => first.to_string(),
        None if years > 1 => (ctx.m.years_n_to_m)(1, years),
        None => (ctx.m.year_n)(1),
    }
}

/// The decision perspective's split of the net (all actors where none is named).
fn decision_period<'f>(
    forecast: &'f UpdatedForecast,
    now: &Comparison,
) -> Option<&'f crate::followup::forecast::PeriodNet> {
    forecast
        .periods
        .iter()
        .find(|p| match &now.decision_perspective {
            None => p.kind == PointOfViewKind::AllActors,
            Some(d) if d.kind == "actor" => p.kind == PointOfViewKind::Actor && p.name == d.name,
            Some(d) => p.kind == PointOfViewKind::Perspective && p.name == d.name,
        })
}

fn periods_table(
    ctx: &Ctx,
    forecast: &UpdatedForecast,
    before: &Comparison,
    now: &Comparison,
) -> Markup {
    let m = ctx.m;
    let sc = &ctx.r.scenario;
    let loss = |c: &Comparison, kind: PointOfViewKind, name: &str| -> String {
        c.shares_of(kind, name).map_or("–".to_string(), |s| {
            ctx.pct_ci(s.prob_loss, s.prob_loss_ci)
        })
    };
    html! {
        figure {
            h3 { (m.followup_povs_title) }
            p.read { (m.followup_povs_read) }
            div.table-wrap {
                table {
                    thead { tr {
                        th { (m.point_of_view) } th { (m.so_far) } th { (m.years_left) }
                        th { (m.range90) } th { (m.loss_before) } th { (m.loss_now) }
                    } }
                    tbody {
                        @for p in &forecast.periods {
                            tr {
                                td { @if p.kind == PointOfViewKind::AllActors { (m.all_actors) } @else { (sc.labels.actor(&p.name)) } }
                                td.num { (ctx.amounts().mean(p.so_far.mean, p.so_far.mcse)) }
                                td.num { (ctx.amounts().mean(p.rest.mean, p.rest.mcse)) }
                                td.num { (ctx.amounts().quantile_range(&p.rest)) }
                                td.num { (loss(before, p.kind, &p.name)) }
                                td.num { (loss(now, p.kind, &p.name)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One chart per state anybody is in, before or now.
fn state_figures(ctx: &Ctx, forecast: &UpdatedForecast) -> Result<Vec<Markup>> {
    let m = ctx.m;
    let sc = &ctx.r.scenario;
    let year_label = |t: usize| match sc.first_year {
        Some(first) => (first + t as i32).to_string(),
        None => (t + 1).to_string(),
    };
    let words = StateWords {
        x_desc: m.year_word.to_string(),
        y_desc: m.number_of_people.to_string(),
        before: m.band_before.to_string(),
        now: m.band_now.to_string(),
        observed: m.observed.to_string(),
    };
    let mut out = Vec::new();
    for s in &forecast.states {
        let empty = s.before.iter().chain(&s.after).all(|b| b.p95 == 0.0)
            && s.observed.iter().all(|&n| n == 0);
        if empty {
            continue;
        }
        let state = sc.labels.state(&s.state);
        let title = (m.state_title)(state);
        let last = s.observed.len().saturating_sub(1);
        let end = s.after.last().map_or(0.0, |b| b.p50);
        let year = match sc.first_year {
            Some(first) => (first + last as i32).to_string(),
            None => (m.year_n)(last as u32 + 1),
        };
        let desc = (m.state_desc)(
            state,
            &fmt::number(
                ctx.lang,
                f64::from(s.observed.get(last).copied().unwrap_or(0)),
                0,
            ),
            &year,
            &fmt::number(ctx.lang, end, 0),
        );
        let svg = charts::state_fan(
            &ctx.chart_text(&title, desc.clone()),
            &s.before,
            &s.after,
            &s.observed,
            &year_label,
            ctx.lang,
            &words,
        )?;
        out.push(html! {
            figure {
                h3 { (title) }
                p.read { (m.state_read) }
                (chart(&svg))
                figcaption { (desc) }
            }
        });
    }
    Ok(out)
}

/// A median and its 90 % range, to 3 significant figures.
fn spread(ctx: &Ctx, s: &Spread) -> String {
    let v = |x: f64| fmt::sig(ctx.lang, x, 3);
    format!("{} ({}–{})", v(s.p50), v(s.p5), v(s.p95))
}

fn parameters_table(ctx: &Ctx, f: &FollowUp) -> Result<Markup> {
    let m = ctx.m;
    let labels = &f.update.labels;
    let informed: Vec<_> = f.update.parameters.iter().filter(|u| u.informed).collect();
    let kept: Vec<&str> = f
        .update
        .parameters
        .iter()
        .filter(|u| !u.informed)
        .map(|u| labels.parameter(&u.name))
        .collect();
    let chart_figure = parameters_chart(ctx, &informed, labels)?;
    Ok(html! {
        figure {
            h3 { (m.followup_params_title) }
            p.read { (m.followup_params_read) }
            div.table-wrap {
                table {
                    thead { tr {
                        th { (m.assumption) } th { (m.before_start) } th { (m.now) } th { (m.verdict) }
                    } }
                    tbody {
                        @for u in &informed {
                            tr {
                                td { (labels.parameter_with_unit(&u.name)) }
                                td.num { (spread(ctx, &u.prior)) }
                                td.num { (spread(ctx, &u.posterior)) }
                                td { ((m.verdict_word)(u.verdict)) }
                            }
                        }
                    }
                }
            }
            @if !kept.is_empty() {
                figcaption { ((m.followup_not_informed)(&kept.join(", "))) }
            }
        }
        (chart_figure)
    })
}

/// The informed parameters now, on the scale of their prior.
fn parameters_chart(ctx: &Ctx, informed: &[&ParameterUpdate], labels: &Labels) -> Result<Markup> {
    let m = ctx.m;
    if informed.is_empty() {
        return Ok(html! {});
    }
    let rows: Vec<(String, [f64; 3])> = informed
        .iter()
        .map(|u| (labels.parameter(&u.name).to_string(), u.posterior_in_prior))
        .collect();
    let items: Vec<String> = informed
        .iter()
        .map(|u| {
            (m.params_chart_item)(
                labels.parameter(&u.name),
                &fmt::number(ctx.lang, 100.0 * u.posterior_in_prior[1], 0),
                (m.verdict_word)(u.verdict),
            )
        })
        .collect();
    let svg = charts::prior_percentiles(
        &ctx.chart_text(m.params_chart_title, items.join("; ")),
        &rows,
        ctx.lang,
        m.params_chart_axis,
        (m.range_before, m.range_now, m.median_now),
    )?;
    Ok(html! {
        figure {
            h3 { (m.params_chart_title) }
            p.read { (m.params_chart_read) }
            (chart(&svg))
        }
    })
}
