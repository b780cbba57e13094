//! The sensitivity analyses in the report, read from their JSON outputs.
//!
//! `socinv.tornado/1`, `socinv.sweep/1` and `socinv.threshold/1` are read into lenient mirrors of
//! their types (every field optional, unknown fields ignored), so a later version that adds
//! fields still renders. `socinv.sobol/1` and `socinv.voi/1` are read from the JSON value by
//! looking for the fields they are expected to carry (per intervention `results[]`; Sobol
//! indices as an array of objects with `parameter` and first-order/total indices; VOI `evpi` and
//! `evppi`), each index or value either a number or an estimate `{value, mcse}`; whatever is
//! missing is left out.

use super::charts::{self, Curve, TornadoBar, Units};
use super::fmt;
use super::{Ctx, Lang, esc};
use crate::error::{Error, Result};
use crate::results::{Comparison, RunResults, SCHEMA as RESULT_SCHEMA};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;
use std::fmt::Write as _;

/// The schemas the report reads.
pub(super) const SCHEMAS: [&str; 5] = [
    "socinv.tornado/1",
    "socinv.sweep/1",
    "socinv.threshold/1",
    "socinv.sobol/1",
    "socinv.voi/1",
];

/// One sensitivity analysis, validated against the results.
pub(super) struct Loaded {
    pub schema: String,
    pub header: Header,
    pub kind: Kind,
}

pub(super) enum Kind {
    Tornado(Tornado),
    Sweep(Sweep),
    Threshold(Threshold),
    Sobol(Value),
    Voi(Value),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Header {
    pub iterations: Option<u64>,
    pub seed: Option<u64>,
    pub perspective: Option<String>,
    pub fixed: IndexMap<String, Value>,
}

#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Est {
    pub value: Option<f64>,
    pub mcse: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Tornado {
    pub metric: Option<String>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub others: Option<String>,
    pub results: Vec<TornadoResult>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct TornadoResult {
    pub intervention: String,
    pub base: Est,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Bar {
    pub parameter: String,
    pub low_value: Option<f64>,
    pub high_value: Option<f64>,
    pub at_low: Est,
    pub at_high: Est,
    pub swing: Est,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Sweep {
    pub axes: Vec<Axis>,
    pub points: Vec<SweepPoint>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Axis {
    pub parameter: String,
    pub values: Vec<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SweepPoint {
    pub values: Vec<f64>,
    pub results: Vec<PointResult>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PointResult {
    pub intervention: String,
    pub net: Est,
    pub net_p5: Option<f64>,
    pub net_p95: Option<f64>,
    pub prob_net_positive: Est,
    pub prob_payback: Est,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Threshold {
    pub parameter: String,
    pub target: Option<Target>,
    pub search_range: Option<[f64; 2]>,
    pub results: Vec<ThresholdResult>,
    pub break_even: Vec<BreakEven>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Target {
    pub metric: String,
    pub value: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ThresholdResult {
    pub intervention: String,
    pub status: String,
    pub value: Option<f64>,
    pub value_mcse: Option<f64>,
    pub statement: String,
    pub curve: Vec<CurvePoint>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CurvePoint {
    pub value: f64,
    pub metric: Est,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct BreakEven {
    pub intervention: String,
    pub outcome: String,
    pub achieved_per_participant: Option<f64>,
    pub cost_per_participant: Option<f64>,
    pub value_per_avoided: Option<f64>,
    pub break_even_per_participant: Option<f64>,
}

/// Checks each value's schema and scenario and reads it.
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
        if !SCHEMAS.contains(&schema) {
            return Err(Error::Usage(format!(
                "sensitivity input {n} has the unknown schema \"{schema}\"; the report reads {}",
                SCHEMAS.join(", ")
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
        let bad = |e: serde_json::Error| {
            Error::Usage(format!(
                "sensitivity input {n} ({schema}) cannot be read: {e}"
            ))
        };
        let header: Header = serde_json::from_value(v.clone()).map_err(bad)?;
        let kind = match schema {
            "socinv.tornado/1" => Kind::Tornado(serde_json::from_value(v.clone()).map_err(bad)?),
            "socinv.sweep/1" => Kind::Sweep(serde_json::from_value(v.clone()).map_err(bad)?),
            "socinv.threshold/1" => {
                Kind::Threshold(serde_json::from_value(v.clone()).map_err(bad)?)
            }
            "socinv.sobol/1" => Kind::Sobol(v.clone()),
            _ => Kind::Voi(v.clone()),
        };
        out.push(Loaded {
            schema: schema.to_string(),
            header,
            kind,
        });
    }
    Ok(out)
}

impl Loaded {
    /// What was run, for the footer: the schema, then [`Loaded::run_note`]'s parts with
    /// `--set` as on the command line.
    pub(super) fn footer_line(&self, ctx: &Ctx) -> String {
        let mut parts = vec![format!("<code>{}</code>", esc(&self.schema))];
        parts.extend(self.size_seed_perspective(ctx));
        if !self.header.fixed.is_empty() {
            let fixed: Vec<String> = self
                .header
                .fixed
                .iter()
                .map(|(k, v)| format!("{}={}", esc(k), esc(&v.to_string())))
                .collect();
            parts.push(format!("--set {}", fixed.join(" ")));
        }
        parts.join(", ")
    }

    /// "1 000 iterationer per körning, frö 1, perspektiv: alla aktörer".
    fn run_note(&self, ctx: &Ctx) -> String {
        let mut parts = self.size_seed_perspective(ctx);
        if !self.header.fixed.is_empty() {
            let fixed: Vec<String> = self
                .header
                .fixed
                .iter()
                .map(|(k, v)| format!("{} = {}", esc(k), esc(&v.to_string())))
                .collect();
            parts.push(format!(
                "{} {}",
                ctx.t("fixerat:", "fixed:"),
                fixed.join(", ")
            ));
        }
        parts.join(", ")
    }

    /// The size of the analysis (a Sobol analysis counts its model evaluations), its seed and
    /// its point of view.
    fn size_seed_perspective(&self, ctx: &Ctx) -> Vec<String> {
        let h = &self.header;
        let mut parts = Vec::new();
        if let Some(n) = h.iterations {
            let unit = if matches!(self.kind, Kind::Sobol(_)) {
                ctx.t("modellkörningar", "model evaluations")
            } else {
                ctx.t("iterationer per körning", "iterations per run")
            };
            parts.push(format!("{} {unit}", fmt::number(ctx.lang, n as f64, 0)));
        }
        if let Some(s) = h.seed {
            parts.push(format!("{} {s}", ctx.t("frö", "seed")));
        }
        if let Some(p) = &h.perspective {
            parts.push(format!(
                "{}: {}",
                ctx.t("perspektiv", "perspective"),
                perspective(ctx, p)
            ));
        }
        parts
    }
}

/// A perspective's name, "all actors" in the report's language.
fn perspective(ctx: &Ctx, p: &str) -> String {
    if p == "all actors" {
        ctx.t("alla aktörer", "all actors").to_string()
    } else {
        esc(p)
    }
}

/// The sensitivity analyses of one intervention, if any.
pub(super) fn section(
    ctx: &Ctx,
    out: &mut String,
    k: usize,
    c: &Comparison,
    analyses: &[Loaded],
) -> Result<()> {
    let mut body = String::new();
    for a in analyses {
        match &a.kind {
            Kind::Tornado(t) => tornado(ctx, &mut body, a, t, c)?,
            Kind::Sweep(s) => sweep(ctx, &mut body, a, s, c)?,
            Kind::Threshold(t) => threshold(ctx, &mut body, a, t, c)?,
            Kind::Sobol(v) => {
                if let Some(r) = for_intervention(v, &c.intervention) {
                    sobol(ctx, &mut body, a, r)?;
                }
            }
            Kind::Voi(v) => {
                if let Some(r) = for_intervention(v, &c.intervention) {
                    voi(ctx, &mut body, a, r);
                }
            }
        }
    }
    if !body.is_empty() {
        let _ = write!(
            out,
            "<section class=\"sensitivity\" id=\"kanslighet-{}\">\n<h2>{}<span class=\"vs\">{}</span></h2>\n\
             <p class=\"read\">{}</p>\n{body}</section>\n",
            k + 1,
            ctx.t("Känslighetsanalys", "Sensitivity analysis"),
            esc(&c.intervention),
            ctx.t(
                "Vilka antaganden som avgör resultatet, och hur starka effekter som behövs för \
                 att investeringen ska löna sig. Varje analys körs med samma slumptal i alla \
                 jämförda lägen, så skillnaderna kommer från antagandena och inte från slumpen.",
                "Which assumptions decide the result, and how strong an effect is needed for the \
                 investment to pay. Each analysis uses the same random numbers in every setting \
                 it compares, so the differences come from the assumptions, not from chance."
            )
        );
    }
    Ok(())
}

/// Sobol and VOI outputs that are not broken down by intervention.
pub(super) fn general_section(ctx: &Ctx, out: &mut String, analyses: &[Loaded]) -> Result<()> {
    let names: Vec<&str> = ctx
        .r
        .comparisons
        .iter()
        .map(|c| c.intervention.as_str())
        .collect();
    let mut body = String::new();
    for a in analyses {
        match &a.kind {
            Kind::Sobol(v) if !per_intervention(v, &names) => sobol(ctx, &mut body, a, v)?,
            Kind::Voi(v) if !per_intervention(v, &names) => voi(ctx, &mut body, a, v),
            _ => {}
        }
    }
    if !analyses.iter().any(|a| matches!(a.kind, Kind::Voi(_))) {
        evpi_of_run(ctx, &mut body);
    }
    if !body.is_empty() {
        let _ = write!(
            out,
            "<section class=\"sensitivity\" id=\"kanslighet\">\n<h2>{}<span class=\"vs\">{}</span></h2>\n{body}</section>\n",
            ctx.t("Känslighetsanalys", "Sensitivity analysis"),
            ctx.t(
                "beslutet som helhet: ordinarie arbetssätt eller en insats",
                "the decision as a whole: ordinary practice or an intervention"
            )
        );
    }
    Ok(())
}

/// The EVPI that every run computes, per point of view, when no `socinv voi` output is given.
fn evpi_of_run(ctx: &Ctx, out: &mut String) {
    let views = &ctx.r.value_of_information;
    if views.is_empty() {
        return;
    }
    let money = |v: f64, e: f64| -> String {
        if v.is_finite() {
            ctx.money.mean(v, if e.is_finite() { e } else { 0.0 })
        } else {
            "–".into()
        }
    };
    let _ =
        write!(
        out,
        "<figure>\n<h3>{}</h3>\n<p class=\"read\">{}</p>\n<div class=\"table-wrap\"><table>\n\
         <thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        ctx.t("Vad är bättre kunskap värd?", "What is better evidence worth?"),
        ctx.t(
            "Värdet av perfekt information (EVPI) för beslutet att investera eller inte, för hela \
             målgruppen: hur mycket beslutet i genomsnitt skulle vinna på att all osäkerhet \
             försvann. Den första kolumnen räknar med slumpen i vilka som ingår i målgruppen, som \
             ingen utredning tar bort; den andra bara med osäkerheten i antagandena. Är värdet \
             litet jämfört med vad en utvärdering kostar finns lite att vinna på att vänta. \
             <code>socinv voi</code> delar upp värdet per antagande.",
            "The expected value of perfect information (EVPI) for the decision to invest or not, \
             for the whole target group: what the decision would gain on average if all \
             uncertainty went away. The first column counts chance in who is in the group, which \
             no study removes; the second only the uncertainty of the assumptions. When the value \
             is small beside what an evaluation costs, there is little to gain by waiting. \
             <code>socinv voi</code> splits it by assumption.",
        ),
        ctx.t("Perspektiv", "Perspective"),
        ctx.t("Bästa val i dag", "Best choice today"),
        ctx.t("EVPI, allt", "EVPI, everything"),
        ctx.t("EVPI, antagandena", "EVPI, the assumptions"),
    );
    for v in views {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            perspective(ctx, &v.perspective),
            esc(&v.decision),
            money(v.evpi, v.evpi_mcse),
            money(v.evpi_parameters, v.evpi_parameters_mcse),
        );
    }
    out.push_str("</tbody></table></div>\n</figure>\n");
}

/// Whether a Sobol/VOI output has results per intervention (naming one of ours).
fn per_intervention(v: &Value, names: &[&str]) -> bool {
    v.get("results")
        .and_then(Value::as_array)
        .is_some_and(|rs| {
            rs.iter().any(|r| {
                r.get("intervention")
                    .and_then(Value::as_str)
                    .is_some_and(|n| names.contains(&n))
            })
        })
}

/// The result object of one intervention in a Sobol/VOI output.
fn for_intervention<'v>(v: &'v Value, name: &str) -> Option<&'v Value> {
    v.get("results")?
        .as_array()?
        .iter()
        .find(|r| r.get("intervention").and_then(Value::as_str) == Some(name))
}

/// A number, or the value of an estimate `{value|estimate|mean, mcse|se}`.
fn num(v: Option<&Value>) -> (Option<f64>, Option<f64>) {
    match v {
        Some(Value::Number(n)) => (n.as_f64(), None),
        Some(Value::Object(o)) => {
            let value = ["value", "estimate", "mean", "index"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_f64));
            let mcse = ["mcse", "se", "sd_error"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_f64));
            (value, mcse)
        }
        _ => (None, None),
    }
}

fn first_of<'v>(o: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    keys.iter().find_map(|k| o.get(*k))
}

/// How a metric's values are shown.
fn metric_units(ctx: &Ctx, metric: &str) -> Units {
    match metric {
        "prob_net_positive" | "payback" => Units::Share(ctx.lang),
        "roi" => Units::Plain(ctx.lang),
        _ => Units::Money(ctx.chart_money.clone(), fmt::Scale::One),
    }
}

/// The metric in words, as the subject of a sentence.
fn metric_words<'a>(ctx: &Ctx, metric: &str) -> &'a str {
    match (ctx.lang, metric) {
        (Lang::Sv, "prob_net_positive") => "sannolikheten för ett positivt netto",
        (Lang::En, "prob_net_positive") => "the probability of a positive net",
        (Lang::Sv, "payback") => "sannolikheten för återbetalning inom perioden",
        (Lang::En, "payback") => "the probability of payback within the horizon",
        (Lang::Sv, "roi") => "avkastningen (förväntat netto ÷ förväntad investering)",
        (Lang::En, "roi") => "the ROI (mean net ÷ mean investment)",
        (Lang::Sv, _) => "medelnettot",
        (Lang::En, _) => "the mean net",
    }
}

/// The axis title of a metric.
fn metric_axis<'a>(ctx: &Ctx, metric: &str) -> &'a str {
    match (ctx.lang, metric) {
        (Lang::Sv, "prob_net_positive") => "Sannolikhet för positivt netto",
        (Lang::En, "prob_net_positive") => "Probability of a positive net",
        (Lang::Sv, "payback") => "Sannolikhet för återbetalning",
        (Lang::En, "payback") => "Probability of payback",
        (Lang::Sv, "roi") => "Netto ÷ investering",
        (Lang::En, "roi") => "Net ÷ investment",
        (Lang::Sv, _) => "Medelnetto",
        (Lang::En, _) => "Mean net",
    }
}

/// A metric's estimate, rounded to its MCSE, as HTML.
fn show(ctx: &Ctx, metric: &str, e: Est) -> String {
    show_with(ctx, &ctx.money, metric, e)
}

/// [`show`] as plain text, for a chart's label (plotters escapes it).
fn show_in_chart(ctx: &Ctx, metric: &str, e: Est) -> String {
    show_with(ctx, &ctx.chart_money, metric, e)
}

fn show_with(ctx: &Ctx, money: &fmt::Money, metric: &str, e: Est) -> String {
    let Some(v) = e.value else {
        return "–".into();
    };
    let mcse = e.mcse.unwrap_or(0.0);
    match metric_units(ctx, metric) {
        Units::Share(_) => ctx.pct(v),
        Units::Plain(lang) => fmt::quantity(lang, v, fmt::mean_exponent(v, mcse)),
        Units::Money(..) => money.mean(v, mcse),
    }
}

/// The quantile as "P10".
fn p_label(q: Option<f64>, default: &str) -> String {
    q.map_or(default.to_string(), |q| format!("P{}", (q * 100.0).round()))
}

fn tornado(ctx: &Ctx, out: &mut String, a: &Loaded, t: &Tornado, c: &Comparison) -> Result<()> {
    let Some(r) = t.results.iter().find(|r| r.intervention == c.intervention) else {
        return Ok(());
    };
    let metric = t.metric.as_deref().unwrap_or("net");
    let bars: Vec<&Bar> = r
        .bars
        .iter()
        .filter(|b| b.at_low.value.is_some() && b.at_high.value.is_some())
        .take(12)
        .collect();
    let Some(base) = r.base.value else {
        return Ok(());
    };
    if bars.is_empty() {
        return Ok(());
    }
    let (pl, ph) = (p_label(t.low, "P10"), p_label(t.high, "P90"));
    let lang = ctx.lang;
    let chart_bars: Vec<TornadoBar> = bars
        .iter()
        .map(|b| TornadoBar {
            parameter: label(ctx, &b.parameter).to_string(),
            values: format!(
                "{pl} {} · {ph} {}",
                value_with_unit(ctx, &b.parameter, b.low_value),
                value_with_unit(ctx, &b.parameter, b.high_value)
            ),
            at_low: b.at_low.value.unwrap_or(base),
            at_high: b.at_high.value.unwrap_or(base),
        })
        .collect();
    let title = match lang {
        Lang::Sv => format!(
            "Vilka antaganden flyttar {} mest?",
            metric_words(ctx, metric)
        ),
        Lang::En => format!("Which assumptions move {} most?", metric_words(ctx, metric)),
    };
    let top: Vec<String> = bars
        .iter()
        .take(3)
        .map(|b| {
            format!(
                "{}: {} {} {} {}",
                label(ctx, &b.parameter),
                show(ctx, metric, b.at_low),
                ctx.t("vid", "at"),
                pl,
                match lang {
                    Lang::Sv => format!("och {} vid {ph}", show(ctx, metric, b.at_high)),
                    Lang::En => format!("and {} at {ph}", show(ctx, metric, b.at_high)),
                }
            )
        })
        .collect();
    let others = match t.others.as_deref() {
        Some("median") => ctx.t(
            "övriga antaganden på sina medianer",
            "the other assumptions at their medians",
        ),
        _ => ctx.t(
            "övriga antaganden osäkra som vanligt",
            "the other assumptions uncertain as usual",
        ),
    };
    let desc = match lang {
        Lang::Sv => format!(
            "Tornadodiagram. Basvärde {}. Varje antagande sätts i tur och ordning till sin {pl} \
             och {ph}, {others}. Störst påverkan: {}.",
            show(ctx, metric, r.base),
            top.join("; ")
        ),
        Lang::En => format!(
            "Tornado diagram. Base value {}. Each assumption in turn is set to its {pl} and \
             {ph}, {others}. Largest effects: {}.",
            show(ctx, metric, r.base),
            top.join("; ")
        ),
    };
    let svg = charts::tornado(
        &ctx.chart_text(&title, desc),
        &chart_bars,
        base,
        &metric_units(ctx, metric),
        metric_axis(ctx, metric),
        (
            &format!("{} {pl}", ctx.t("antagandet vid", "assumption at")),
            &format!("{} {ph}", ctx.t("antagandet vid", "assumption at")),
        ),
    )?;
    let read = match lang {
        Lang::Sv => format!(
            "Det lodräta strecket är basvärdet ({}). Staplarna visar hur {} ändras när ett \
             antagande i taget sätts till ett lågt ({pl}, blått) eller högt ({ph}, orange) värde, \
             med {others}. Längst staplar överst: där spelar osäkerheten störst roll.",
            show(ctx, metric, r.base),
            metric_words(ctx, metric),
        ),
        Lang::En => format!(
            "The vertical line is the base value ({}). The bars show how {} changes when one \
             assumption at a time is set to a low ({pl}, blue) or high ({ph}, orange) value, with \
             {others}. Longest bars on top: there the uncertainty matters most.",
            show(ctx, metric, r.base),
            metric_words(ctx, metric),
        ),
    };
    let _ = write!(
        out,
        "<figure>\n<h3>{}</h3>\n<p class=\"read\">{read}</p>\n<div class=\"chart-wrap\">\n{svg}</div>\n\
         <div class=\"table-wrap\"><table>\n<thead><tr><th>{}</th><th>{pl}</th><th>{ph}</th>\
         <th>{} {pl}</th><th>{} {ph}</th><th>{}</th></tr></thead><tbody>\n",
        esc(&title),
        ctx.t("Antagande", "Assumption"),
        ctx.t("vid", "at"),
        ctx.t("vid", "at"),
        ctx.t("Skillnad", "Swing"),
    );
    for b in &r.bars {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(label(ctx, &b.parameter)),
            esc(&value_with_unit(ctx, &b.parameter, b.low_value)),
            esc(&value_with_unit(ctx, &b.parameter, b.high_value)),
            show(ctx, metric, b.at_low),
            show(ctx, metric, b.at_high),
            show(ctx, metric, b.swing),
        );
    }
    let _ = write!(
        out,
        "</tbody></table></div>\n<figcaption>{}</figcaption>\n</figure>\n",
        a.run_note(ctx)
    );
    Ok(())
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

fn sweep(ctx: &Ctx, out: &mut String, a: &Loaded, s: &Sweep, c: &Comparison) -> Result<()> {
    let lang = ctx.lang;
    fn of<'p>(p: &'p SweepPoint, name: &str) -> Option<&'p PointResult> {
        p.results.iter().find(|r| r.intervention == name)
    }
    match s.axes.as_slice() {
        [axis] => {
            let rows: Vec<(f64, &PointResult)> = s
                .points
                .iter()
                .filter_map(|p| Some((*p.values.first()?, of(p, &c.intervention)?)))
                .filter(|(_, r)| r.net.value.is_some())
                .collect();
            if rows.is_empty() {
                return Ok(());
            }
            let param = &label(ctx, &axis.parameter).to_string();
            let net: Vec<(f64, f64)> = rows
                .iter()
                .map(|(x, r)| (*x, r.net.value.unwrap_or(f64::NAN)))
                .collect();
            let band: Vec<(f64, f64, f64)> = rows
                .iter()
                .filter_map(|(x, r)| Some((*x, r.net_p5?, r.net_p95?)))
                .collect();
            let prob: Vec<(f64, f64)> = rows
                .iter()
                .filter_map(|(x, r)| Some((*x, r.prob_net_positive.value?)))
                .collect();
            let zero = crossing(&net, 0.0);
            let zero_text = match (zero, lang) {
                (Some(z), Lang::Sv) => format!(
                    "Medelnettot passerar noll vid {param} ≈ {}.",
                    fmt::sig(lang, z, 2)
                ),
                (Some(z), Lang::En) => format!(
                    "The mean net crosses zero at {param} ≈ {}.",
                    fmt::sig(lang, z, 2)
                ),
                (None, Lang::Sv) => format!(
                    "Medelnettot byter inte tecken inom det undersökta intervallet för {param}."
                ),
                (None, Lang::En) => {
                    format!("The mean net does not change sign within the range of {param} tried.")
                }
            };
            let title = match lang {
                Lang::Sv => format!("Nettot när {param} varierar"),
                Lang::En => format!("The net as {param} varies"),
            };
            let points_text: Vec<String> = rows
                .iter()
                .map(|(x, r)| format!("{} → {}", fmt::sig(lang, *x, 3), show(ctx, "net", r.net)))
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
                    units: Units::Money(ctx.chart_money.clone(), fmt::Scale::One),
                    x_desc: param.clone(),
                    y_desc: ctx.t("Netto", "Net").into(),
                    x_lang: lang,
                    line_label: ctx.t("medelnetto", "mean net").into(),
                    band_label: ctx
                        .t("90 % av utfallen (P5–P95)", "90% of outcomes (P5–P95)")
                        .into(),
                    target: None,
                    marker: zero.map(|z| {
                        (
                            z,
                            format!(
                                "{} ≈ {}",
                                ctx.t("noll vid", "zero at"),
                                fmt::sig(lang, z, 2)
                            ),
                        )
                    }),
                },
            )?;
            let mut svgs = vec![net_svg];
            if prob.len() >= 2 {
                let title2 = match lang {
                    Lang::Sv => format!("Sannolikheten för positivt netto när {param} varierar"),
                    Lang::En => format!("The probability of a positive net as {param} varies"),
                };
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
                        x_desc: param.clone(),
                        y_desc: ctx.t("P(netto > 0)", "P(net > 0)").into(),
                        x_lang: lang,
                        line_label: ctx.t("P(netto > 0)", "P(net > 0)").into(),
                        band_label: String::new(),
                        target: None,
                        marker: None,
                    },
                )?);
            }
            let read = match lang {
                Lang::Sv => format!(
                    "Samma simuleringar med {param} fast på olika värden. Där medelnettot korsar \
                     noll går brytpunkten; där sannolikheten för positivt netto når den risk \
                     nämnden kan acceptera (till exempel 80 %) går gränsen för en acceptabel risk."
                ),
                Lang::En => format!(
                    "The same simulations with {param} fixed at different values. Where the mean \
                     net crosses zero is the break-even; where the probability of a positive net \
                     reaches the risk the board accepts (say 80%) is the limit for an acceptable \
                     risk."
                ),
            };
            let _ = write!(
                out,
                "<figure>\n<h3>{}</h3>\n<p class=\"read\">{}</p>\n",
                esc(&title),
                esc(&read)
            );
            for svg in svgs {
                let _ = write!(out, "<div class=\"chart-wrap\">\n{svg}</div>\n");
            }
            let _ = write!(
                out,
                "<figcaption>{} {}</figcaption>\n</figure>\n",
                esc(&zero_text),
                a.run_note(ctx)
            );
        }
        [ay, ax] => {
            let (ny, nx) = (ay.values.len(), ax.values.len());
            if ny == 0 || nx == 0 || s.points.len() != nx * ny {
                return Ok(());
            }
            let mut cells = vec![vec![f64::NAN; nx]; ny];
            for (i, row) in cells.iter_mut().enumerate() {
                for (j, cell) in row.iter_mut().enumerate() {
                    if let Some(r) = of(&s.points[i * nx + j], &c.intervention) {
                        *cell = r.prob_net_positive.value.unwrap_or(f64::NAN);
                    }
                }
            }
            if cells.iter().flatten().all(|v| v.is_nan()) {
                return Ok(());
            }
            let title = match lang {
                Lang::Sv => format!(
                    "Sannolikheten för positivt netto över {} och {}",
                    label(ctx, &ay.parameter),
                    label(ctx, &ax.parameter)
                ),
                Lang::En => format!(
                    "The probability of a positive net over {} and {}",
                    label(ctx, &ay.parameter),
                    label(ctx, &ax.parameter)
                ),
            };
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
            let desc = match lang {
                Lang::Sv => format!(
                    "Värmekarta: {} på den lodräta axeln, {} på den vågräta; sannolikheten för \
                     positivt netto går från {} till {} över rutnätet. Blått: troligen lönsamt; \
                     rödorange: troligen förlust.",
                    label(ctx, &ay.parameter),
                    label(ctx, &ax.parameter),
                    ctx.pct(worst),
                    ctx.pct(best)
                ),
                Lang::En => format!(
                    "Heat map: {} on the vertical axis, {} on the horizontal; the probability of \
                     a positive net ranges from {} to {} over the grid. Blue: likely to pay; \
                     vermillion: likely a loss.",
                    label(ctx, &ay.parameter),
                    label(ctx, &ax.parameter),
                    ctx.pct(worst),
                    ctx.pct(best)
                ),
            };
            let svg = charts::heatmap(
                &ctx.chart_text(&title, desc),
                &ax.values,
                &ay.values,
                &cells,
                lang,
                label(ctx, &ax.parameter),
                label(ctx, &ay.parameter),
            )?;
            let read = ctx.t(
                "Varje ruta är en körning med de två antagandena fasta på radens och kolumnens \
                 värden. Blått betyder att investeringen troligen lönar sig, rödorange att den \
                 troligen går med förlust; talet i rutan är sannolikheten för positivt netto.",
                "Each cell is a run with the two assumptions fixed at its row's and column's \
                 values. Blue means the investment likely pays, vermillion that it likely makes \
                 a loss; the number in the cell is the probability of a positive net.",
            );
            let _ = write!(
                out,
                "<figure>\n<h3>{}</h3>\n<p class=\"read\">{read}</p>\n<div class=\"chart-wrap\">\n{svg}</div>\n\
                 <figcaption>{}</figcaption>\n</figure>\n",
                esc(&title),
                a.run_note(ctx)
            );
        }
        _ => {}
    }
    Ok(())
}

fn threshold(ctx: &Ctx, out: &mut String, a: &Loaded, t: &Threshold, c: &Comparison) -> Result<()> {
    let lang = ctx.lang;
    let Some(r) = t.results.iter().find(|r| r.intervention == c.intervention) else {
        return Ok(());
    };
    let metric = t.target.as_ref().map_or("net", |t| t.metric.as_str());
    let target = t.target.as_ref().map_or(0.0, |t| t.value);
    let target_text = show(
        ctx,
        metric,
        Est {
            value: Some(target),
            mcse: None,
        },
    );
    let param = label(ctx, &t.parameter);
    let subject = metric_words(ctx, metric);
    let statement = match (r.status.as_str(), r.value) {
        ("found", Some(v)) => {
            let mcse = r.value_mcse.unwrap_or(0.0);
            let e = fmt::mean_exponent(v, mcse).max(fmt::decade(v.abs().max(1e-300)) - 3);
            let value = fmt::quantity(lang, v, e);
            let pm = if mcse > 0.0 {
                format!(" (± {})", fmt::sig(lang, mcse, 1))
            } else {
                String::new()
            };
            match lang {
                Lang::Sv => format!(
                    "{} når {target_text} när {param} = {value}{pm}.",
                    capitalise(subject)
                ),
                Lang::En => format!(
                    "{} reaches {target_text} when {param} = {value}{pm}.",
                    capitalise(subject)
                ),
            }
        }
        _ => {
            let range = t.search_range.map_or(String::new(), |[lo, hi]| {
                format!(" ({} … {})", fmt::sig(lang, lo, 3), fmt::sig(lang, hi, 3))
            });
            match lang {
                Lang::Sv => format!(
                    "{} når inte {target_text} någonstans inom {param}s P1–P99{range}.",
                    capitalise(subject)
                ),
                Lang::En => format!(
                    "{} does not reach {target_text} anywhere within the P1–P99 of {param}{range}.",
                    capitalise(subject)
                ),
            }
        }
    };
    let prior = ctx
        .r
        .scenario
        .parameters
        .iter()
        .find(|p| p.name == t.parameter)
        .map(|p| match lang {
            Lang::Sv => format!(
                " Antagandet i scenariot: median {}, 90 % mellan {} och {}.",
                fmt::sig(lang, p.p50, 3),
                fmt::sig(lang, p.p5, 3),
                fmt::sig(lang, p.p95, 3)
            ),
            Lang::En => format!(
                " The scenario's assumption: median {}, 90% between {} and {}.",
                fmt::sig(lang, p.p50, 3),
                fmt::sig(lang, p.p5, 3),
                fmt::sig(lang, p.p95, 3)
            ),
        })
        .unwrap_or_default();
    let title = match lang {
        Lang::Sv => format!("Brytpunkt: vilket värde på {param} behövs?"),
        Lang::En => format!("Break-even: what value of {param} is needed?"),
    };
    let _ = write!(
        out,
        "<figure>\n<h3>{}</h3>\n<p class=\"statement\">{}{}</p>\n",
        esc(&title),
        esc(&statement),
        esc(&prior)
    );
    let points: Vec<(f64, f64)> = r
        .curve
        .iter()
        .filter_map(|p| Some((p.value, p.metric.value?)))
        .collect();
    if points.len() >= 2 {
        let band: Vec<(f64, f64, f64)> = r
            .curve
            .iter()
            .filter_map(|p| {
                let (v, m) = (p.metric.value?, p.metric.mcse?);
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
                    show(
                        ctx,
                        metric,
                        Est {
                            value: Some(*y),
                            mcse: None
                        }
                    )
                ))
                .collect::<Vec<_>>()
                .join("; ")
        );
        let svg = charts::curve(
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
                y_desc: metric_axis(ctx, metric).into(),
                x_lang: lang,
                line_label: capitalise(subject),
                band_label: ctx
                    .t("± 2 Monte Carlo-fel", "± 2 Monte Carlo errors")
                    .into(),
                target: Some((
                    target,
                    format!(
                        "{} {}",
                        ctx.t("mål", "target"),
                        show_in_chart(
                            ctx,
                            metric,
                            Est {
                                value: Some(target),
                                mcse: None
                            }
                        )
                    ),
                )),
                marker: match (r.status.as_str(), r.value) {
                    ("found", Some(v)) => Some((v, fmt::sig(lang, v, 3))),
                    _ => None,
                },
            },
        )?;
        let _ = write!(out, "<div class=\"chart-wrap\">\n{svg}</div>\n");
    }
    let be: Vec<&BreakEven> = t
        .break_even
        .iter()
        .filter(|b| b.intervention == c.intervention)
        .collect();
    if !be.is_empty() {
        let sig = |v: Option<f64>| v.map_or("–".to_string(), |v| fmt::sig(lang, v, 2));
        let money = |v: Option<f64>| v.map_or("–".to_string(), |v| ctx.money.approx(v));
        let _ = write!(
            out,
            "<p class=\"read\">{}</p>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>{}</th>\
             <th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
            ctx.t(
                "Brytpunkt för framgång (som WSIPP): hur många undvikna utfall per deltagare som \
                 behövs för att insatsen ska bära sin kostnad, om just det utfallet bar alla \
                 besparingar, jämfört med vad modellen förväntar sig.",
                "Break-even success (as WSIPP): how many avoided outcomes per participant are \
                 needed for the intervention to carry its cost, if that outcome carried all the \
                 savings, compared with what the model expects.",
            ),
            ctx.t("Utfall", "Outcome"),
            ctx.t("Kostnad per deltagare", "Cost per participant"),
            ctx.t("Värde per undvikt utfall", "Value per avoided outcome"),
            ctx.t("Behövs per deltagare", "Needed per participant"),
            ctx.t("Förväntas per deltagare", "Expected per participant"),
        );
        for b in be {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(ctx.r.scenario.labels.outcome(&b.outcome)),
                money(b.cost_per_participant),
                money(b.value_per_avoided),
                sig(b.break_even_per_participant),
                sig(b.achieved_per_participant)
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    let _ = write!(
        out,
        "<figcaption>{}</figcaption>\n</figure>\n",
        a.run_note(ctx)
    );
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One input's Sobol indices as read: (name, first order, its error, its interval, total, its
/// error, its interval).
#[derive(Debug, PartialEq)]
struct Index {
    name: String,
    first: Option<f64>,
    first_err: Option<f64>,
    first_ci: Option<[f64; 2]>,
    total: Option<f64>,
    total_err: Option<f64>,
    total_ci: Option<[f64; 2]>,
}

/// A `[lo, hi]` pair of numbers.
fn interval(v: Option<&Value>) -> Option<[f64; 2]> {
    let a = v?.as_array()?;
    match a.as_slice() {
        [lo, hi] => Some([lo.as_f64()?, hi.as_f64()?]),
        _ => None,
    }
}

fn sobol_indices(r: &Value) -> Vec<Index> {
    let Some(obj) = r.as_object() else {
        return Vec::new();
    };
    let named = |e: &Value| {
        first_of(e, &["input", "parameter", "name"])
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    // "indices", or else the first array of objects naming an input
    let list = ["indices", "parameters", "inputs", "sobol"]
        .iter()
        .filter_map(|k| obj.get(*k))
        .chain(obj.values())
        .filter_map(Value::as_array)
        .find(|a| a.iter().any(|e| named(e).is_some()));
    let Some(list) = list else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|e| {
            let name = named(e)?;
            let (first, first_err) = num(first_of(
                e,
                &["first_order", "first", "s1", "S1", "main_effect", "main"],
            ));
            let (total, total_err) = num(first_of(
                e,
                &["total", "total_order", "st", "ST", "total_effect"],
            ));
            let first_ci = interval(first_of(e, &["first_order_ci", "first_ci", "s1_ci"]));
            let total_ci = interval(first_of(e, &["total_ci", "total_order_ci", "st_ci"]));
            Some(Index {
                name,
                first,
                first_err,
                first_ci,
                total,
                total_err,
                total_ci,
            })
        })
        .filter(|i| i.first.is_some() || i.total.is_some())
        .collect()
}

/// An input's name for readers: `cohort chance` in the report's language.
fn input_name(ctx: &Ctx, name: &str) -> String {
    if name == "cohort chance" {
        ctx.t("slumpen i målgruppen", "chance in the cohort")
            .to_string()
    } else {
        label(ctx, name).to_string()
    }
}

/// A parameter's value with the unit the scenario gives it ("0,15 andel"), or "–".
fn value_with_unit(ctx: &Ctx, parameter: &str, value: Option<f64>) -> String {
    match (value, ctx.r.scenario.labels.parameter_unit(parameter)) {
        (None, _) => "–".into(),
        (Some(v), None) => fmt::sig(ctx.lang, v, 3),
        (Some(v), Some(unit)) => format!("{}{}{unit}", fmt::sig(ctx.lang, v, 3), fmt::NBSP),
    }
}

/// A parameter's label (its name where the scenario gives none).
fn label<'a>(ctx: &'a Ctx, name: &'a str) -> &'a str {
    ctx.r.scenario.labels.parameter(name)
}

fn sobol(ctx: &Ctx, out: &mut String, a: &Loaded, r: &Value) -> Result<()> {
    let lang = ctx.lang;
    let mut idx = sobol_indices(r);
    if idx.is_empty() {
        return Ok(());
    }
    let key = |i: &Index| i.total.or(i.first).filter(|v| v.is_finite()).unwrap_or(0.0);
    idx.sort_by(|a, b| key(b).total_cmp(&key(a)));
    let title = ctx.t(
        "Hur mycket av osäkerheten kommer från varje antagande? (Sobol)",
        "How much of the uncertainty comes from each assumption? (Sobol)",
    );
    let show_i = |v: Option<f64>, e: Option<f64>, ci: Option<[f64; 2]>| -> String {
        match v.filter(|v| v.is_finite()) {
            Some(v) => {
                let mut s = fmt::number(lang, v, 2);
                if let Some([lo, hi]) = ci.filter(|[a, b]| a.is_finite() && b.is_finite()) {
                    let _ = write!(
                        s,
                        " ({} … {})",
                        fmt::number(lang, lo, 2),
                        fmt::number(lang, hi, 2)
                    );
                } else if let Some(e) = e.filter(|e| *e > 0.0) {
                    let _ = write!(s, " (± {})", fmt::sig(lang, e, 1));
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
            format!(
                "{}: {} {}, {} {}",
                input_name(ctx, &i.name),
                ctx.t("första ordningen", "first order"),
                show_i(i.first, None, None),
                ctx.t("totalt", "total"),
                show_i(i.total, None, None)
            )
        })
        .collect();
    let desc = format!(
        "{} {}.",
        ctx.t(
            "Sobolindex per antagande, störst först:",
            "Sobol indices per assumption, largest first:"
        ),
        top.join("; ")
    );
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
        &ctx.chart_text(title, desc),
        &rows,
        lang,
        ctx.t("Andel av nettots varians", "Share of the net's variance"),
        (
            ctx.t("första ordningen (S1)", "first order (S1)"),
            ctx.t("totalt (ST)", "total (ST)"),
        ),
    )?;
    let read = ctx.t(
        "Första ordningens index: den andel av nettots variation som antagandet förklarar \
         ensamt. Totalindex: andelen det förklarar inklusive samspel med andra antaganden. Ett \
         antagande med totalindex nära noll kan sättas till ett fast värde utan att svaret \
         ändras. I en liten målgrupp räknar totalindex också samspelet med slumpen i vilka som \
         ingår, så totalindexen kan summera till över 1 och ett högt totalindex betyder inte \
         att mer kunskap om antagandet lönar sig (se värdet av information). Strecken visar \
         95 % konfidensintervall.",
        "First-order index: the share of the net's variance the assumption explains alone. Total \
         index: the share it explains including interactions with the others. An assumption \
         with a total index near zero can be fixed without changing the answer. In a small \
         cohort a total index also counts the interaction with chance in who is in it, so the \
         totals can add up to more than 1, and a high total does not mean that knowing the \
         assumption better is worth much (see the value of information). The whiskers show 95% \
         confidence intervals.",
    );
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
    let read = if widest > 0.3 || first_sum > 1.1 {
        format!(
            "{read} <b>{}</b>",
            ctx.t(
                "Skattningarna är här för osäkra för att läsas (breda intervall): kör analysen \
                 med ett större --base.",
                "The estimates here are too imprecise to read (wide intervals): run the analysis \
                 with a larger --base."
            )
        )
    } else {
        read.to_string()
    };
    let _ = write!(
        out,
        "<figure>\n<h3>{}</h3>\n<p class=\"read\">{read}</p>\n<div class=\"chart-wrap\">\n{svg}</div>\n\
         <div class=\"table-wrap\"><table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        esc(title),
        ctx.t("Antagande", "Assumption"),
        ctx.t("Första ordningen (S1)", "First order (S1)"),
        ctx.t("Totalt (ST)", "Total (ST)"),
    );
    for i in &idx {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&input_name(ctx, &i.name)),
            show_i(i.first, i.first_err, i.first_ci),
            show_i(i.total, i.total_err, i.total_ci)
        );
    }
    let _ = write!(
        out,
        "</tbody></table></div>\n<figcaption>{}</figcaption>\n</figure>\n",
        a.run_note(ctx)
    );
    Ok(())
}

/// The EVPI of a VOI output.
struct EvpiFigures {
    value: Option<f64>,
    mcse: Option<f64>,
    /// About all parameters (cohort chance left), with its MCSE.
    parameters: Option<f64>,
    parameters_mcse: Option<f64>,
    /// The decision on current evidence.
    decision: Option<String>,
}

/// Reads the EVPI from a number or an object `{evpi|value, evpi_mcse|mcse, evpi_parameters,
/// evpi_parameters_mcse, decision}`.
fn evpi_of(r: &Value) -> EvpiFigures {
    let mut e = EvpiFigures {
        value: None,
        mcse: None,
        parameters: None,
        parameters_mcse: None,
        decision: None,
    };
    match first_of(r, &["evpi", "EVPI"]) {
        Some(Value::Number(n)) => e.value = n.as_f64(),
        Some(o @ Value::Object(_)) => {
            e.value = first_of(o, &["evpi", "value", "estimate"]).and_then(Value::as_f64);
            e.mcse = first_of(o, &["evpi_mcse", "mcse", "se"]).and_then(Value::as_f64);
            e.parameters = o.get("evpi_parameters").and_then(Value::as_f64);
            e.parameters_mcse = o.get("evpi_parameters_mcse").and_then(Value::as_f64);
            e.decision = o.get("decision").and_then(Value::as_str).map(String::from);
        }
        _ => {}
    }
    e
}

/// The EVPPI rows of a VOI output: (name, value, MCSE, share of the EVPI).
/// One EVPPI row: (name, value, MCSE, share of the EVPI).
type EvppiRow = (String, Option<f64>, Option<f64>, Option<f64>);

fn evppi_of(r: &Value, labels: &crate::scenario::Labels) -> Vec<EvppiRow> {
    let mut rows = Vec::new();
    match first_of(r, &["evppi", "EVPPI", "partial"]) {
        Some(Value::Array(items)) => {
            for e in items {
                let name = match first_of(e, &["parameter", "parameters", "group", "name"]) {
                    Some(Value::String(s)) => labels.parameter(s).to_string(),
                    Some(Value::Array(names)) => names
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|n| labels.parameter(n))
                        .collect::<Vec<_>>()
                        .join(" + "),
                    _ => continue,
                };
                let (v, m) = match first_of(e, &["evppi", "value", "estimate"]) {
                    Some(x) => num(Some(x)),
                    None => (None, None),
                };
                let m = m.or_else(|| e.get("evppi_mcse").and_then(Value::as_f64));
                let share = e.get("share_of_evpi").and_then(Value::as_f64);
                rows.push((name, v, m, share));
            }
        }
        Some(Value::Object(map)) => {
            for (k, v) in map {
                let (v, m) = num(Some(v));
                rows.push((k.clone(), v, m, None));
            }
        }
        _ => {}
    }
    rows
}

fn voi(ctx: &Ctx, out: &mut String, a: &Loaded, r: &Value) {
    let lang = ctx.lang;
    let EvpiFigures {
        value: evpi,
        mcse: evpi_mcse,
        parameters: evpi_params,
        parameters_mcse: evpi_params_mcse,
        decision,
    } = evpi_of(r);
    let mut partial = evppi_of(r, &ctx.r.scenario.labels);
    if evpi.is_none() && partial.is_empty() {
        return;
    }
    partial.sort_by(|a, b| b.1.unwrap_or(0.0).total_cmp(&a.1.unwrap_or(0.0)));
    let money = |v: Option<f64>, e: Option<f64>| -> String {
        v.filter(|v| v.is_finite())
            .map_or("–".into(), |v| ctx.money.mean(v, e.unwrap_or(0.0)))
    };
    let _ =
        write!(
        out,
        "<figure>\n<h3>{}</h3>\n<p class=\"read\">{}</p>\n",
        ctx.t("Vad är bättre kunskap värd?", "What is better evidence worth?"),
        ctx.t(
            "Värdet av perfekt information (EVPI): hur mycket beslutet i genomsnitt skulle vinna \
             på att all osäkerhet försvann. Per antagande (EVPPI): vinsten av att veta just det \
             antagandet säkert. Är värdet större än vad en utredning eller utvärdering kostar \
             lönar det sig att ta reda på mer innan beslutet.",
            "The expected value of perfect information (EVPI): what the decision would gain on \
             average if all uncertainty went away. Per assumption (EVPPI): the gain of knowing \
             that assumption for sure. When the value exceeds what a study or evaluation costs, \
             it pays to find out more before deciding.",
        ),
    );
    if let Some(d) = &decision {
        let options: Vec<String> = r
            .get("options")
            .and_then(Value::as_array)
            .map(|os| {
                os.iter()
                    .filter_map(|o| {
                        let name = o.get("name")?.as_str()?;
                        let net = o.get("expected_net")?.as_f64()?;
                        Some(format!("{} {}", esc(name), ctx.money.approx(net)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let opts = if options.is_empty() {
            String::new()
        } else {
            format!(" ({})", options.join("; "))
        };
        let _ = writeln!(
            out,
            "<p>{} <b>{}</b>{opts}.</p>",
            ctx.t(
                "Bästa valet med dagens kunskap:",
                "The best choice on current evidence:"
            ),
            esc(d)
        );
    }
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        ctx.t("Kunskap om", "Knowledge of"),
        ctx.t("Förväntat värde", "Expected value"),
        ctx.t("Andel av EVPI", "Share of the EVPI"),
    );
    if evpi.is_some() {
        let _ = writeln!(
            out,
            "<tr class=\"group\"><td><b>{}</b></td><td class=\"num\"><b>{}</b></td><td class=\"num\">100{}%</td></tr>",
            ctx.t("Allt (EVPI)", "Everything (EVPI)"),
            money(evpi, evpi_mcse),
            lang.pick("\u{a0}", "")
        );
    }
    if let Some(p) = evpi_params {
        let share = evpi.filter(|e| *e > 0.0).map(|e| p / e);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            ctx.t(
                "Alla antaganden, utan slumpen i målgruppen",
                "All assumptions, without chance in the cohort"
            ),
            money(Some(p), evpi_params_mcse),
            share.map_or("–".into(), |s| ctx.pct(s))
        );
    }
    for (name, v, e, share) in &partial {
        let _ = writeln!(
            out,
            "<tr><td>{} <span class=\"muted\">(EVPPI)</span></td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(name),
            money(*v, *e),
            share.map_or("–".into(), |s| ctx.pct(s))
        );
    }
    out.push_str("</tbody></table></div>\n");
    let cohort = r.get("cohort").and_then(Value::as_u64);
    let for_whom = cohort.map_or(String::new(), |n| match lang {
        Lang::Sv => format!(" Beloppen gäller hela målgruppen ({n})."),
        Lang::En => format!(" The amounts are for the whole target group ({n})."),
    });
    let _ = write!(
        out,
        "<figcaption>{}.{for_whom}</figcaption>\n</figure>\n",
        a.run_note(ctx)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sobol_indices_are_found_in_several_shapes() {
        let r = json!({"intervention": "x", "indices": [
            {"input": "a", "first_order": 0.5, "first_order_ci": [0.4, 0.6], "total": 0.6,
             "total_ci": [null, null]},
            {"parameter": "b", "s1": {"value": 0.1, "mcse": 0.01}, "st": {"estimate": 0.2}},
            {"parameter": "c"}
        ]});
        let idx = sobol_indices(&r);
        assert_eq!(idx.len(), 2);
        assert_eq!(idx[0].name, "a");
        assert_eq!(idx[0].first_ci, Some([0.4, 0.6]));
        assert_eq!(idx[0].total_ci, None);
        assert_eq!(
            (idx[1].first, idx[1].first_err, idx[1].total),
            (Some(0.1), Some(0.01), Some(0.2))
        );
    }

    #[test]
    fn voi_reads_the_report_and_simpler_shapes() {
        let r = json!({"evpi": {"decision": "x", "evpi": 10.0, "evpi_mcse": 1.0,
                                "evpi_parameters": 5.0, "evpi_parameters_mcse": 0.5},
                       "evppi": [{"parameter": "a", "evppi": 4.0, "share_of_evpi": 0.4}]});
        let e = evpi_of(&r);
        assert_eq!(
            (e.value, e.mcse, e.parameters, e.parameters_mcse, e.decision),
            (
                Some(10.0),
                Some(1.0),
                Some(5.0),
                Some(0.5),
                Some("x".into())
            )
        );
        assert_eq!(
            evppi_of(&r, &Default::default()),
            vec![("a".into(), Some(4.0), None, Some(0.4))]
        );
        let r = json!({"evpi": 3.0, "evppi": {"a": {"value": 2.0, "mcse": 0.1}}});
        assert_eq!(evpi_of(&r).value, Some(3.0));
        assert_eq!(
            evppi_of(&r, &Default::default()),
            vec![("a".into(), Some(2.0), Some(0.1), None)]
        );
    }

    #[test]
    fn crossings_interpolate() {
        let c = crossing(&[(0.0, -1.0), (1.0, 1.0), (2.0, 3.0)], 0.0);
        assert_eq!(c, Some(0.5));
        assert_eq!(crossing(&[(0.0, 1.0), (1.0, 2.0)], 0.0), None);
    }
}
