//! The sensitivity analyses in the report, read from their JSON outputs into the schema's types
//! (`crate::schema`): each file by its `schema` field, checked against the results' scenario.
//!
//! Tornado, sweep and threshold sit with their intervention, in the decision part; Sobol indices
//! and the value of information in a part of their own for analysts and researchers, after the
//! decision (see [`research_section`]). Each is a maud template, its words from the message
//! catalogue.
//!
//! May import: `schema`, `results`, `scenario`, `error` and the report's own modules.

use super::charts::{self, Curve, TornadoBar, Units};
use super::fmt;
use super::{Ctx, chart};
use crate::error::{Error, Result};
use crate::results::{Comparison, RunResults, SCHEMA as RESULT_SCHEMA};
use crate::schema::{
    self, Estimate, Metric, Others, SensitivityOutput, SobolReport, SobolResult, SweepReport,
    ThresholdReport, ThresholdStatus, TornadoReport, VoiReport,
};
use maud::{Markup, html};
use serde_json::Value;

/// One sensitivity analysis, validated against the results.
pub(super) struct Loaded {
    pub output: SensitivityOutput,
}

/// Checks each value's schema and scenario and reads it into its type.
pub(super) fn load(results: &RunResults, values: &[Value]) -> Result<Vec<Loaded>> {
    let sc = &results.scenario;
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let n = i + 1;
        let Some(schema) = v.get("schema").and_then(Value::as_str) else {
            return Err(Error::Usage(format!(
                "sensitivity input {n} has no \"schema\" field: give the JSON written by `socinv \
                 tornado|sweep|threshold|sobol|voi --json FILE`"
            )));
        };
        if schema == RESULT_SCHEMA {
            return Err(Error::Usage(format!(
                "sensitivity input {n} is a run's results ({RESULT_SCHEMA}), not a sensitivity \
                 analysis: give it as RESULTS.json, and as --sensitivity the JSON of `socinv \
                 tornado|sweep|threshold|sobol|voi --json FILE`"
            )));
        }
        if !schema::SCHEMAS.contains(&schema) {
            return Err(Error::Usage(format!(
                "sensitivity input {n} has the unknown schema \"{schema}\"; the report reads {}",
                schema::SCHEMAS.join(", ")
            )));
        }
        let file = v.get("file").and_then(Value::as_str).unwrap_or("?");
        if let Some(hash) = v.get("source_hash").and_then(Value::as_str)
            && hash != sc.source_hash
        {
            return Err(Error::Usage(format!(
                "sensitivity input {n} ({schema}) was run on {file} with content hash {hash}, \
                 but the results are of {} with content hash {}: run both on the same script",
                sc.file, sc.source_hash
            )));
        }
        if let Some(name) = v.get("scenario").and_then(Value::as_str)
            && name != sc.name
        {
            return Err(Error::Usage(format!(
                "sensitivity input {n} ({schema}) is of the scenario \"{name}\", but the results \
                 are of \"{}\": run both on the same script",
                sc.name
            )));
        }
        let output = SensitivityOutput::from_json(v.clone()).map_err(|e| match e {
            Error::Usage(m) => Error::Usage(format!("sensitivity input {n} {m}")),
            other => other,
        })?;
        out.push(Loaded { output });
    }
    Ok(out)
}

/// A number that is defined (not NaN or infinite).
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

impl Loaded {
    fn header(&self) -> &schema::Header {
        self.output.header()
    }

    /// `--set` values as the JSON writes them.
    fn fixed(&self, between: &str) -> Vec<String> {
        self.header()
            .fixed
            .iter()
            .map(|(k, v)| {
                let v = serde_json::to_string(v).unwrap_or_default();
                format!("{k}{between}{v}")
            })
            .collect()
    }

    /// What was run, for the footer: the schema, then [`Loaded::run_note`]'s parts with
    /// `--set` as on the command line.
    pub(super) fn footer_line(&self, ctx: &Ctx) -> Markup {
        let h = self.header();
        html! {
            code { (h.schema) }
            @for part in self.size_seed_perspective(ctx) { ", " (part) }
            @if !h.fixed.is_empty() { ", --set " (self.fixed("=").join(" ")) }
        }
    }

    /// "1 000 iterationer per körning, frö 1, perspektiv: alla aktörer".
    fn run_note(&self, ctx: &Ctx) -> String {
        let mut parts = self.size_seed_perspective(ctx);
        if !self.header().fixed.is_empty() {
            parts.push(format!(
                "{} {}",
                ctx.m.fixed_colon,
                self.fixed(" = ").join(", ")
            ));
        }
        parts.join(", ")
    }

    /// The size of the analysis (a Sobol analysis counts its model evaluations), its seed and
    /// its point of view.
    fn size_seed_perspective(&self, ctx: &Ctx) -> Vec<String> {
        let h = self.header();
        let m = ctx.m;
        let unit = if matches!(self.output, SensitivityOutput::Sobol(_)) {
            m.model_evaluations
        } else {
            m.iterations_per_run
        };
        vec![
            format!("{} {unit}", fmt::number(ctx.lang, h.iterations as f64, 0)),
            format!("{} {}", m.seed_lower, h.seed),
            format!(
                "{}: {}",
                m.perspective_lower,
                perspective(ctx, &h.perspective)
            ),
        ]
    }
}

/// A perspective's name, "all actors" in the report's language.
fn perspective<'a>(ctx: &Ctx, p: &'a str) -> &'a str {
    if p == "all actors" {
        ctx.m.all_actors
    } else {
        p
    }
}

/// The sensitivity analyses of one intervention that bear on the decision (tornado, sweep,
/// threshold), or nothing without any.
pub(super) fn section(ctx: &Ctx, k: usize, c: &Comparison, analyses: &[Loaded]) -> Result<Markup> {
    let mut parts = Vec::new();
    for a in analyses {
        parts.extend(match &a.output {
            SensitivityOutput::Tornado(t) => tornado(ctx, a, t, c)?,
            SensitivityOutput::Sweep(s) => sweep(ctx, a, s, c)?,
            SensitivityOutput::Threshold(t) => threshold(ctx, a, t, c)?,
            SensitivityOutput::Sobol(_) | SensitivityOutput::Voi(_) => None,
        });
    }
    if parts.is_empty() {
        return Ok(html! {});
    }
    let m = ctx.m;
    Ok(html! {
        section.sensitivity id={ "kanslighet-" (k + 1) } {
            h2 { (m.sensitivity_title) span.vs { (c.intervention) } }
            p.read { (m.sensitivity_read) }
            @for part in &parts { (part) }
        }
    })
}

/// The part for analysts and researchers, after the decision part: the value of information (a
/// `socinv voi` output, or else the EVPI every run computes), then the Sobol indices of each
/// intervention; or nothing without any.
pub(super) fn research_section(ctx: &Ctx, analyses: &[Loaded]) -> Result<Markup> {
    // the value of information first: its table may break between rows, so the part's heading
    // is not held to the foot of a page by the Sobol chart's unbreakable block
    let mut parts: Vec<Markup> = analyses
        .iter()
        .filter_map(|a| match &a.output {
            SensitivityOutput::Voi(v) => voi(ctx, a, v),
            _ => None,
        })
        .collect();
    if !analyses
        .iter()
        .any(|a| matches!(a.output, SensitivityOutput::Voi(_)))
    {
        parts.extend(evpi_of_run(ctx));
    }
    let several = ctx.r.comparisons.len() > 1;
    for c in &ctx.r.comparisons {
        for a in analyses {
            if let SensitivityOutput::Sobol(s) = &a.output
                && let Some(r) = s.results.iter().find(|r| r.intervention == c.intervention)
            {
                parts.extend(sobol(
                    ctx,
                    a,
                    s,
                    r,
                    several.then_some(c.intervention.as_str()),
                )?);
            }
        }
    }
    if parts.is_empty() {
        return Ok(html! {});
    }
    let m = ctx.m;
    Ok(html! {
        section.sensitivity.research id="kanslighet" {
            h2 { (m.research_title) span.vs { (m.research_subtitle) } }
            p.read.research-note { (m.research_read) }
            @for part in &parts { (part) }
        }
    })
}

/// The EVPI that every run computes, per point of view, when no `socinv voi` output is given.
fn evpi_of_run(ctx: &Ctx) -> Option<Markup> {
    let views = &ctx.r.value_of_information;
    if views.is_empty() {
        return None;
    }
    let m = ctx.m;
    let money = |v: f64, e: f64| -> String {
        if v.is_finite() {
            ctx.money.mean(v, if e.is_finite() { e } else { 0.0 })
        } else {
            "–".into()
        }
    };
    Some(html! {
        figure {
            h3 { (m.evidence_worth_title) }
            p.read { ((m.evpi_run_read)("socinv voi")) }
            div.table-wrap {
                table {
                    thead { tr {
                        th { (m.perspective_cap) } th { (m.best_choice_today) }
                        th { (m.evpi_everything) } th { (m.evpi_assumptions) }
                    } }
                    tbody {
                        @for v in views {
                            tr {
                                td { (perspective(ctx, &v.perspective)) }
                                td { (v.decision) }
                                td.num { (money(v.evpi, v.evpi_mcse)) }
                                td.num { (money(v.evpi_parameters, v.evpi_parameters_mcse)) }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// How a metric's values are shown.
fn metric_units(ctx: &Ctx, metric: Metric) -> Units {
    match metric {
        Metric::ProbNetPositive | Metric::Payback => Units::Share(ctx.lang),
        Metric::Roi => Units::Plain(ctx.lang),
        Metric::Net => Units::Money(ctx.money.clone(), fmt::Scale::One),
    }
}

/// A value without its Monte Carlo error (a target, a curve's point).
fn exact(value: f64) -> Estimate {
    Estimate { value, mcse: 0.0 }
}

/// A metric's estimate, rounded to its MCSE ("–" when undefined).
fn show(ctx: &Ctx, metric: Metric, e: Estimate) -> String {
    let Some(v) = finite(e.value) else {
        return "–".into();
    };
    let mcse = finite(e.mcse).unwrap_or(0.0);
    match metric_units(ctx, metric) {
        Units::Share(_) => ctx.pct(v),
        Units::Plain(lang) => fmt::quantity(lang, v, fmt::mean_exponent(v, mcse)),
        Units::Money(money, _) => money.mean(v, mcse),
    }
}

/// The quantile as "P10".
fn p_label(q: f64) -> String {
    format!("P{}", (q * 100.0).round())
}

/// The tornado of one intervention: the chart and a table of every bar.
fn tornado(ctx: &Ctx, a: &Loaded, t: &TornadoReport, c: &Comparison) -> Result<Option<Markup>> {
    let Some(r) = t.results.iter().find(|r| r.intervention == c.intervention) else {
        return Ok(None);
    };
    let m = ctx.m;
    let metric = t.metric;
    let bars: Vec<&schema::Bar> = r
        .bars
        .iter()
        .filter(|b| b.at_low.value.is_finite() && b.at_high.value.is_finite())
        .take(12)
        .collect();
    let Some(base) = finite(r.base.value) else {
        return Ok(None);
    };
    if bars.is_empty() {
        return Ok(None);
    }
    let (pl, ph) = (p_label(t.low), p_label(t.high));
    let chart_bars: Vec<TornadoBar> = bars
        .iter()
        .map(|b| TornadoBar {
            parameter: label(ctx, &b.parameter).to_string(),
            values: format!(
                "{pl} {} · {ph} {}",
                value_with_unit(ctx, &b.parameter, b.low_value),
                value_with_unit(ctx, &b.parameter, b.high_value)
            ),
            at_low: b.at_low.value,
            at_high: b.at_high.value,
        })
        .collect();
    let subject = (m.metric_subject)(metric);
    let title = (m.tornado_title)(subject);
    let top: Vec<String> = bars
        .iter()
        .take(3)
        .map(|b| {
            (m.tornado_item)(
                label(ctx, &b.parameter),
                &show(ctx, metric, b.at_low),
                &pl,
                &show(ctx, metric, b.at_high),
                &ph,
            )
        })
        .collect();
    let others = match t.others {
        Others::Median => m.others_at_medians,
        Others::Vary => m.others_uncertain,
    };
    let base_text = show(ctx, metric, r.base);
    let desc = (m.tornado_desc)(&base_text, &pl, &ph, others, &top.join("; "));
    let svg = charts::tornado(
        &ctx.chart_text(&title, desc),
        &chart_bars,
        base,
        &metric_units(ctx, metric),
        (m.metric_axis)(metric),
        (
            &format!("{} {pl}", m.assumption_at),
            &format!("{} {ph}", m.assumption_at),
        ),
    )?;
    Ok(Some(html! {
        figure {
            h3 { (title) }
            p.read { ((m.tornado_read)(&base_text, subject, &pl, &ph, others)) }
            (chart(&svg))
            div.table-wrap {
                table {
                    thead { tr {
                        th { (m.assumption) } th { (pl) } th { (ph) }
                        th { (m.at) " " (pl) } th { (m.at) " " (ph) } th { (m.swing) }
                    } }
                    tbody {
                        @for b in &r.bars {
                            tr {
                                td { (label(ctx, &b.parameter)) }
                                td.num { (value_with_unit(ctx, &b.parameter, b.low_value)) }
                                td.num { (value_with_unit(ctx, &b.parameter, b.high_value)) }
                                td.num { (show(ctx, metric, b.at_low)) }
                                td.num { (show(ctx, metric, b.at_high)) }
                                td.num { (show(ctx, metric, b.swing)) }
                            }
                        }
                    }
                }
            }
            figcaption { (a.run_note(ctx)) }
        }
    }))
}

/// Where a curve crosses `target`, by linear interpolation between grid points.
fn crossing(points: &[(f64, f64)], target: f64) -> Option<f64> {
    points.windows(2).find_map(|w| {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let (a, b) = (y0 - target, y1 - target);
        if a == 0.0 {
            Some(x0)
        } else if a * b < 0.0 {
            Some(x0 + (x1 - x0) * a / (a - b))
        } else {
            None
        }
    })
}

/// A sweep for one intervention: over one parameter, the mean net with its band and the
/// probability of a positive net; over two, a heat map of that probability.
fn sweep(ctx: &Ctx, a: &Loaded, s: &SweepReport, c: &Comparison) -> Result<Option<Markup>> {
    let lang = ctx.lang;
    let m = ctx.m;
    fn of<'p>(p: &'p schema::SweepPoint, name: &str) -> Option<&'p schema::PointResult> {
        p.results.iter().find(|r| r.intervention == name)
    }
    match s.axes.as_slice() {
        [axis] => {
            let rows: Vec<(f64, &schema::PointResult)> = s
                .points
                .iter()
                .filter_map(|p| Some((*p.values.first()?, of(p, &c.intervention)?)))
                .filter(|(_, r)| r.net.value.is_finite())
                .collect();
            if rows.is_empty() {
                return Ok(None);
            }
            let param = label(ctx, &axis.parameter);
            let net: Vec<(f64, f64)> = rows.iter().map(|(x, r)| (*x, r.net.value)).collect();
            let band: Vec<(f64, f64, f64)> = rows
                .iter()
                .filter_map(|(x, r)| Some((*x, finite(r.net_p5)?, finite(r.net_p95)?)))
                .collect();
            let prob: Vec<(f64, f64)> = rows
                .iter()
                .filter_map(|(x, r)| Some((*x, finite(r.prob_net_positive.value)?)))
                .collect();
            let zero = crossing(&net, 0.0);
            let zero_text = match zero {
                Some(z) => (m.sweep_zero_at)(param, &fmt::sig(lang, z, 2)),
                None => (m.sweep_no_zero)(param),
            };
            let title = (m.sweep_title)(param);
            let points_text: Vec<String> = rows
                .iter()
                .map(|(x, r)| {
                    format!(
                        "{} → {}",
                        fmt::sig(lang, *x, 3),
                        show(ctx, Metric::Net, r.net)
                    )
                })
                .collect();
            let desc = format!("{zero_text} {}", points_text.join("; "));
            let net_svg = charts::curve(
                &ctx.chart_text(&title, desc),
                &Curve {
                    points: &net,
                    band: if band.len() == net.len() {
                        Some(&band)
                    } else {
                        None
                    },
                    units: Units::Money(ctx.money.clone(), fmt::Scale::One),
                    x_desc: param.to_string(),
                    y_desc: m.net.into(),
                    x_lang: lang,
                    line_label: m.mean_net_lower.into(),
                    band_label: m.sweep_band.into(),
                    target: None,
                    marker: zero.map(|z| (z, format!("{} ≈ {}", m.zero_at, fmt::sig(lang, z, 2)))),
                },
            )?;
            let mut svgs = vec![net_svg];
            if prob.len() >= 2 {
                let title2 = (m.sweep_prob_title)(param);
                let desc2: Vec<String> = prob
                    .iter()
                    .map(|(x, p)| format!("{} → {}", fmt::sig(lang, *x, 3), ctx.pct(*p)))
                    .collect();
                svgs.push(charts::curve(
                    &ctx.chart_text(&title2, desc2.join("; ")),
                    &Curve {
                        points: &prob,
                        band: None,
                        units: Units::Share(lang),
                        x_desc: param.to_string(),
                        y_desc: m.p_net_positive.into(),
                        x_lang: lang,
                        line_label: m.p_net_positive.into(),
                        band_label: String::new(),
                        target: None,
                        marker: None,
                    },
                )?);
            }
            Ok(Some(html! {
                figure {
                    h3 { (title) }
                    p.read { ((m.sweep_read)(param)) }
                    @for svg in &svgs { (chart(svg)) }
                    figcaption { (zero_text) " " (a.run_note(ctx)) }
                }
            }))
        }
        [ay, ax] => {
            let (ny, nx) = (ay.values.len(), ax.values.len());
            if ny == 0 || nx == 0 || s.points.len() != nx * ny {
                return Ok(None);
            }
            let mut cells = vec![vec![f64::NAN; nx]; ny];
            for (i, row) in cells.iter_mut().enumerate() {
                for (j, cell) in row.iter_mut().enumerate() {
                    if let Some(r) = of(&s.points[i * nx + j], &c.intervention) {
                        *cell = r.prob_net_positive.value;
                    }
                }
            }
            if cells.iter().flatten().all(|v| v.is_nan()) {
                return Ok(None);
            }
            let (y, x) = (label(ctx, &ay.parameter), label(ctx, &ax.parameter));
            let title = (m.heatmap_title)(y, x);
            let best = cells
                .iter()
                .flatten()
                .copied()
                .filter(|v| v.is_finite())
                .fold(f64::NEG_INFINITY, f64::max);
            let worst = cells
                .iter()
                .flatten()
                .copied()
                .filter(|v| v.is_finite())
                .fold(f64::INFINITY, f64::min);
            let desc = (m.heatmap_desc)(y, x, &ctx.pct(worst), &ctx.pct(best));
            let svg = charts::heatmap(
                &ctx.chart_text(&title, desc),
                &ax.values,
                &ay.values,
                &cells,
                lang,
                x,
                y,
            )?;
            Ok(Some(html! {
                figure {
                    h3 { (title) }
                    p.read { (m.heatmap_read) }
                    (chart(&svg))
                    figcaption { (a.run_note(ctx)) }
                }
            }))
        }
        _ => Ok(None),
    }
}

/// The threshold of one intervention: where the metric reaches the target, its curve over the
/// parameter's range, and the break-even success rates.
fn threshold(ctx: &Ctx, a: &Loaded, t: &ThresholdReport, c: &Comparison) -> Result<Option<Markup>> {
    let lang = ctx.lang;
    let m = ctx.m;
    let Some(r) = t.results.iter().find(|r| r.intervention == c.intervention) else {
        return Ok(None);
    };
    let metric = t.target.metric;
    let target = t.target.value;
    let target_text = show(ctx, metric, exact(target));
    let param = label(ctx, &t.parameter);
    let subject = capitalise((m.metric_subject)(metric));
    let statement = match (r.status, r.value) {
        (ThresholdStatus::Found, Some(v)) => {
            let mcse = r.value_mcse.unwrap_or(0.0);
            let e = fmt::mean_exponent(v, mcse).max(fmt::decade(v.abs().max(1e-300)) - 3);
            let value = fmt::quantity(lang, v, e);
            let pm = if mcse > 0.0 {
                format!(" (± {})", fmt::sig(lang, mcse, 1))
            } else {
                String::new()
            };
            (m.threshold_found)(&subject, &target_text, param, &value, &pm)
        }
        _ => {
            let [lo, hi] = t.search_range;
            let range = format!(" ({} … {})", fmt::sig(lang, lo, 3), fmt::sig(lang, hi, 3));
            (m.threshold_not_found)(&subject, &target_text, param, &range)
        }
    };
    let prior = ctx
        .r
        .scenario
        .parameters
        .iter()
        .find(|p| p.name == t.parameter)
        .map(|p| {
            (m.threshold_prior)(
                &fmt::sig(lang, p.p50, 3),
                &fmt::sig(lang, p.p5, 3),
                &fmt::sig(lang, p.p95, 3),
            )
        });
    let title = (m.threshold_title)(param);
    let points: Vec<(f64, f64)> = r
        .curve
        .iter()
        .filter_map(|p| Some((p.value, finite(p.metric.value)?)))
        .collect();
    let svg = if points.len() >= 2 {
        let band: Vec<(f64, f64, f64)> = r
            .curve
            .iter()
            .filter_map(|p| {
                let (v, m) = (finite(p.metric.value)?, finite(p.metric.mcse)?);
                Some((p.value, v - 1.96 * m, v + 1.96 * m))
            })
            .collect();
        let desc = format!(
            "{statement} {}",
            points
                .iter()
                .map(|(x, y)| format!(
                    "{} → {}",
                    fmt::sig(lang, *x, 3),
                    show(ctx, metric, exact(*y))
                ))
                .collect::<Vec<_>>()
                .join("; ")
        );
        Some(charts::curve(
            &ctx.chart_text(&title, desc),
            &Curve {
                points: &points,
                band: if band.len() == points.len() {
                    Some(&band)
                } else {
                    None
                },
                units: metric_units(ctx, metric),
                x_desc: param.to_string(),
                y_desc: (m.metric_axis)(metric).into(),
                x_lang: lang,
                line_label: subject.clone(),
                band_label: m.mc_band.into(),
                target: Some((target, format!("{} {target_text}", m.target_lower))),
                marker: match (r.status, r.value) {
                    (ThresholdStatus::Found, Some(v)) => Some((v, fmt::sig(lang, v, 3))),
                    _ => None,
                },
            },
        )?)
    } else {
        None
    };
    let be: Vec<&schema::BreakEven> = t
        .break_even
        .iter()
        .filter(|b| b.intervention == c.intervention)
        .collect();
    let sig = |v: f64| finite(v).map_or("–".to_string(), |v| fmt::sig(lang, v, 2));
    let money = |v: f64| finite(v).map_or("–".to_string(), |v| ctx.money.approx(v));
    Ok(Some(html! {
        figure {
            h3 { (title) }
            p.statement { (statement) @if let Some(prior) = &prior { " " (prior) } }
            @if let Some(svg) = &svg { (chart(svg)) }
            @if !be.is_empty() {
                p.read { (m.break_even_read) }
                div.table-wrap {
                    table {
                        thead { tr {
                            th { (m.outcome) } th { (m.cost_per_participant) }
                            th { (m.value_per_avoided) } th { (m.needed_per_participant) }
                            th { (m.expected_per_participant) }
                        } }
                        tbody {
                            @for b in &be {
                                tr {
                                    td { (ctx.r.scenario.labels.outcome(&b.outcome)) }
                                    td.num { (money(b.cost_per_participant)) }
                                    td.num { (money(b.value_per_avoided)) }
                                    td.num { (sig(b.break_even_per_participant)) }
                                    td.num { (sig(b.achieved_per_participant)) }
                                }
                            }
                        }
                    }
                }
            }
            figcaption { (a.run_note(ctx)) }
        }
    }))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One input's Sobol indices, undefined values as None.
#[derive(Debug, PartialEq)]
struct Index {
    name: String,
    first: Option<f64>,
    first_ci: Option<[f64; 2]>,
    total: Option<f64>,
    total_ci: Option<[f64; 2]>,
}

/// An interval whose bounds are both defined.
fn interval([lo, hi]: [f64; 2]) -> Option<[f64; 2]> {
    (lo.is_finite() && hi.is_finite()).then_some([lo, hi])
}

/// The indices of an intervention that are defined, largest first-order index first (then
/// largest total; undefined first-order indices last).
fn sobol_indices(r: &SobolResult) -> Vec<Index> {
    let mut idx: Vec<Index> = r
        .indices
        .iter()
        .map(|i| Index {
            name: i.input.clone(),
            first: finite(i.first_order),
            first_ci: interval(i.first_order_ci),
            total: finite(i.total),
            total_ci: interval(i.total_ci),
        })
        .filter(|i| i.first.is_some() || i.total.is_some())
        .collect();
    let key = |i: &Index| {
        (
            i.first.unwrap_or(f64::NEG_INFINITY),
            i.total.unwrap_or(f64::NEG_INFINITY),
        )
    };
    idx.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        kb.0.total_cmp(&ka.0).then(kb.1.total_cmp(&ka.1))
    });
    idx
}

/// Cohort chance's total index at or above which it counts as a material input.
const MATERIAL_CHANCE: f64 = 0.1;

/// Whether a parameter's total index is mostly interaction, which in a cohort where chance is
/// material (its total at least [`MATERIAL_CHANCE`]) is interaction with chance: its total
/// exceeds its first-order index by at least as much again, and by at least 0.05. Such a total
/// says little about the parameter itself.
fn total_driven_by_chance(i: &Index, chance_total: Option<f64>) -> bool {
    if i.name == schema::COHORT_CHANCE || chance_total.is_none_or(|c| c < MATERIAL_CHANCE) {
        return false;
    }
    match (i.first, i.total) {
        (first, Some(total)) => {
            let first = first.unwrap_or(0.0).max(0.0);
            total - first >= first.max(0.05)
        }
        _ => false,
    }
}

/// An input's name for readers: `cohort chance` in the report's language.
fn input_name(ctx: &Ctx, name: &str) -> String {
    if name == "cohort chance" {
        ctx.m.cohort_chance.to_string()
    } else {
        label(ctx, name).to_string()
    }
}

/// A parameter's value with the unit the scenario gives it ("0,15 andel"), or "–".
fn value_with_unit(ctx: &Ctx, parameter: &str, value: f64) -> String {
    match (
        finite(value),
        ctx.r.scenario.labels.parameter_unit(parameter),
    ) {
        (None, _) => "–".into(),
        (Some(v), None) => fmt::sig(ctx.lang, v, 3),
        (Some(v), Some(unit)) => format!("{}{}{unit}", fmt::sig(ctx.lang, v, 3), fmt::NBSP),
    }
}

/// A parameter's label (its name where the scenario gives none).
fn label<'a>(ctx: &'a Ctx, name: &'a str) -> &'a str {
    ctx.r.scenario.labels.parameter(name)
}

/// The Sobol indices of one intervention (`intervention` names it in the title when the
/// report has several), sorted by first-order index; totals that are mostly interaction with
/// cohort chance are flagged.
fn sobol(
    ctx: &Ctx,
    a: &Loaded,
    report: &SobolReport,
    r: &SobolResult,
    intervention: Option<&str>,
) -> Result<Option<Markup>> {
    let lang = ctx.lang;
    let m = ctx.m;
    let idx = sobol_indices(r);
    if idx.is_empty() || report.results.is_empty() {
        return Ok(None);
    }
    let chance_total = idx
        .iter()
        .find(|i| i.name == schema::COHORT_CHANCE)
        .and_then(|i| i.total);
    let title = match intervention {
        Some(name) => format!("{} – {name}", m.sobol_title),
        None => m.sobol_title.to_string(),
    };
    let show_i = |v: Option<f64>, ci: Option<[f64; 2]>| -> String {
        match v {
            Some(v) => {
                let mut s = fmt::number(lang, v, 2);
                if let Some([lo, hi]) = ci {
                    s.push_str(&format!(
                        " ({} … {})",
                        fmt::number(lang, lo, 2),
                        fmt::number(lang, hi, 2)
                    ));
                }
                s
            }
            None => "–".into(),
        }
    };
    let top: Vec<String> = idx
        .iter()
        .take(3)
        .map(|i| {
            (m.sobol_item)(
                &input_name(ctx, &i.name),
                &show_i(i.first, None),
                &show_i(i.total, None),
            )
        })
        .collect();
    let desc = (m.sobol_desc)(&top.join("; "));
    let rows: Vec<charts::SobolRow> = idx
        .iter()
        .take(15)
        .map(|i| charts::SobolRow {
            name: input_name(ctx, &i.name),
            first: i.first,
            total: i.total,
            first_ci: i.first_ci,
            total_ci: i.total_ci,
        })
        .collect();
    let svg = charts::sobol(
        &ctx.chart_text(&title, desc),
        &rows,
        lang,
        m.share_of_variance,
        (m.first_order_s1, m.total_st),
    )?;
    // Too small a base sample: wide intervals or values no index can take.
    let widest = idx
        .iter()
        .flat_map(|i| [i.first_ci, i.total_ci])
        .flatten()
        .map(|[lo, hi]| hi - lo)
        .filter(|w| w.is_finite())
        .fold(0.0, f64::max);
    let first_sum: f64 = idx
        .iter()
        .filter_map(|i| i.first)
        .filter(|v| v.is_finite())
        .sum();
    let imprecise = widest > 0.3 || first_sum > 1.1;
    let by_chance: Vec<bool> = idx
        .iter()
        .map(|i| total_driven_by_chance(i, chance_total))
        .collect();
    Ok(Some(html! {
        figure {
            h3 { (title) }
            p.read { (m.sobol_read) @if imprecise { " " b { (m.sobol_imprecise) } } }
            (chart(&svg))
            div.table-wrap {
                table {
                    thead { tr {
                        th { (m.assumption) } th { (m.first_order_s1_cap) } th { (m.total_st_cap) }
                    } }
                    tbody {
                        @for (i, flagged) in idx.iter().zip(&by_chance) {
                            tr class=[flagged.then_some("chance-driven")] {
                                td { (input_name(ctx, &i.name)) }
                                td.num { (show_i(i.first, i.first_ci)) }
                                td.num { (show_i(i.total, i.total_ci)) @if *flagged { "\u{a0}†" } }
                            }
                        }
                    }
                }
            }
            @if by_chance.contains(&true) { p.note { "† " (m.chance_driven) } }
            figcaption { (a.run_note(ctx)) }
        }
    }))
}

/// One EVPPI row as shown: (name, value, MCSE, share of the EVPI), undefined values as None.
type EvppiRow = (String, Option<f64>, Option<f64>, Option<f64>);

/// The value of information of a `socinv voi` output: the EVPI, about all parameters, and each
/// parameter's EVPPI, largest first.
fn voi(ctx: &Ctx, a: &Loaded, r: &VoiReport) -> Option<Markup> {
    let m = ctx.m;
    let e = &r.evpi;
    let (evpi, evpi_mcse) = (finite(e.evpi), finite(e.evpi_mcse));
    let (evpi_params, evpi_params_mcse) =
        (finite(e.evpi_parameters), finite(e.evpi_parameters_mcse));
    let labels = &ctx.r.scenario.labels;
    let mut partial: Vec<EvppiRow> = r
        .evppi
        .iter()
        .map(|p| {
            (
                labels.parameter(&p.parameter).to_string(),
                finite(p.evppi),
                finite(p.evppi_mcse),
                finite(p.share_of_evpi),
            )
        })
        .collect();
    if evpi.is_none() && partial.is_empty() {
        return None;
    }
    partial.sort_by(|a, b| b.1.unwrap_or(0.0).total_cmp(&a.1.unwrap_or(0.0)));
    let money = |v: Option<f64>, e: Option<f64>| -> String {
        v.filter(|v| v.is_finite())
            .map_or("–".into(), |v| ctx.money.mean(v, e.unwrap_or(0.0)))
    };
    let share = |s: Option<f64>| s.map_or("–".into(), |s| ctx.pct(s));
    let options: Vec<String> = r
        .options
        .iter()
        .filter_map(|o| {
            let net = finite(o.expected_net)?;
            Some(format!("{} {}", o.name, ctx.money.approx(net)))
        })
        .collect();
    Some(html! {
        figure {
            h3 { (m.evidence_worth_title) }
            p.read { (m.voi_read) }
            p {
                (m.best_choice_now) " " b { (e.decision) }
                @if !options.is_empty() { " (" (options.join("; ")) ")" }
                "."
            }
            div.table-wrap {
                table {
                    thead { tr {
                        th { (m.knowledge_of) } th { (m.expected_value) } th { (m.share_of_evpi) }
                    } }
                    tbody {
                        @if evpi.is_some() {
                            tr.group {
                                td { b { (m.everything_evpi) } }
                                td.num { b { (money(evpi, evpi_mcse)) } }
                                td.num { (ctx.pct(1.0)) }
                            }
                        }
                        @if let Some(p) = evpi_params {
                            tr {
                                td { (m.all_assumptions_without_chance) }
                                td.num { (money(Some(p), evpi_params_mcse)) }
                                td.num { (share(evpi.filter(|e| *e > 0.0).map(|e| p / e))) }
                            }
                        }
                        @for (name, v, e, s) in &partial {
                            tr {
                                td { (name) " " span.muted { "(EVPPI)" } }
                                td.num { (money(*v, *e)) }
                                td.num { (share(*s)) }
                            }
                        }
                    }
                }
            }
            figcaption { (a.run_note(ctx)) ". " ((m.voi_for_whom)(r.cohort)) }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(name: &str, first: Option<f64>, total: Option<f64>) -> Index {
        Index {
            name: name.into(),
            first,
            first_ci: None,
            total,
            total_ci: None,
        }
    }

    #[test]
    fn sobol_indices_sort_by_first_order_and_drop_undefined_ones() {
        let r: SobolResult = serde_json::from_value(serde_json::json!({
            "intervention": "x", "mean_net": {"value": 1.0, "mcse": 0.1}, "variance": 4.0,
            "indices": [
                {"input": "cohort chance", "first_order": 0.05, "first_order_ci": [0.0, 0.1],
                 "total": 0.7, "total_ci": [0.6, 0.8]},
                {"input": "a", "first_order": 0.4, "first_order_ci": [null, null],
                 "total": 0.5, "total_ci": [0.4, 0.6]},
                {"input": "b", "first_order": null, "first_order_ci": [null, null],
                 "total": null, "total_ci": [null, null]},
                {"input": "c", "first_order": null, "first_order_ci": [null, null],
                 "total": 0.9, "total_ci": [null, null]}
            ]
        }))
        .unwrap();
        let idx = sobol_indices(&r);
        let names: Vec<&str> = idx.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["a", "cohort chance", "c"]);
        assert_eq!(idx[0].first_ci, None);
        assert_eq!(idx[0].total_ci, Some([0.4, 0.6]));
    }

    #[test]
    fn totals_that_are_mostly_interaction_with_material_chance_are_flagged() {
        let chance = Some(0.6);
        // total 0.5 over a first order of 0.1: mostly interaction
        assert!(total_driven_by_chance(
            &index("a", Some(0.1), Some(0.5)),
            chance
        ));
        // a total close to its first order is the parameter's own
        assert!(!total_driven_by_chance(
            &index("a", Some(0.4), Some(0.5)),
            chance
        ));
        // chance itself, or chance that hardly matters, flags nothing
        assert!(!total_driven_by_chance(
            &index("cohort chance", Some(0.0), Some(0.6)),
            chance
        ));
        assert!(!total_driven_by_chance(
            &index("a", Some(0.1), Some(0.5)),
            Some(0.05)
        ));
        assert!(!total_driven_by_chance(
            &index("a", Some(0.1), Some(0.5)),
            None
        ));
    }

    #[test]
    fn crossings_interpolate() {
        let c = crossing(&[(0.0, -1.0), (1.0, 1.0), (2.0, 3.0)], 0.0);
        assert_eq!(c, Some(0.5));
        assert_eq!(crossing(&[(0.0, 1.0), (1.0, 2.0)], 0.0), None);
    }
}
