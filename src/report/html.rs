//! The decision-maker report: one self-contained HTML file per run, in Swedish or English.
//!
//! For each intervention it says first, in plain words, what the investment is likely to return,
//! how likely a loss is and when it pays back; then shows the distribution of the net, the
//! cumulative net over the years (a fan chart), the probability of payback by year, who pays and
//! who gains per actor and perspective, the budget year by year (the `budget` module), the
//! outcomes for the target group, the inputs that drive the result, and any sensitivity analyses given (tornado, sweep, threshold, Sobol, value of
//! information). An appendix describes the model (states, actors, parameters, year-0 tables at
//! the medians, programs, rules, notes and sources), and a footer gives what is needed to
//! reproduce the numbers (version, file, content hash, seed, iterations).
//!
//! The file needs no network: the CSS is inline, the charts are inline SVG (drawn with plotters'
//! SVG backend, see the `charts` module), no script, font, image or link leaves the file. It reads on a
//! laptop and a phone (the layout and the charts scale to the width) and prints on A4 (a print
//! stylesheet breaks pages before each section and drops backgrounds).
//!
//! The page is built with maud's `html!`: every value spliced in with `(…)` is HTML-escaped, so
//! no scenario string reaches the page unescaped by construction. Only two kinds of text go in
//! as [`PreEscaped`]: the report's own CSS and the charts' SVG (plotters escapes the text it
//! writes, and `charts`' `accessible` escapes the title and description). Every word and
//! sentence, the sensitivity sections' included, comes from the language's message catalogue
//! (`messages`).
//!
//! The results JSON holds quantiles, not per-iteration values, so the net's distribution is drawn
//! from its quantiles; [`render_with`] also takes the per-iteration nets, when the caller has
//! them, and then adds a histogram.
//!
//! May import: `crate::results`, `crate::stats`, `crate::scenario` (labels), `crate::compare`,
//! `crate::report::format`; never `crate::cli`.

mod budget;
mod charts;
mod decision;
pub mod fmt;
mod followup;
pub(crate) mod i18n;
mod messages;
mod sensitivity;

use crate::error::{Error, Result};
use crate::results::{Comparison, RunResults};
use crate::scenario::ScenarioTexts;
use crate::stats::{Histogram, Summary};
use charts::{ChartText, IntervalRow};
use fmt::{Money, NBSP};
use maud::{DOCTYPE, Markup, PreEscaped, html};
pub(crate) use messages::Messages;
use std::cell::Cell;

/// The report's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Swedish (svenska).
    #[default]
    Sv,
    /// English.
    En,
}

/// How to render, beyond the inputs.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub lang: Lang,
    /// The rendering date shown in the footer (e.g. "2025-01-31"); `None` leaves it out.
    pub date: Option<String>,
    /// Optional per-iteration nets, one vector per comparison in `results.comparisons` order
    /// (e.g. `ComparisonSamples::net`): when given, a histogram is drawn beside the quantile
    /// plot. Empty: quantiles only.
    pub net_samples: Vec<Vec<f64>>,
}

/// Renders the report for `results`, with the sensitivity analyses' JSON outputs
/// (`socinv.tornado/1`, `socinv.sweep/1`, `socinv.threshold/1`, `socinv.sobol/1`,
/// `socinv.voi/1`), dated today (UTC).
///
/// Fails with [`crate::Error::Usage`] when a sensitivity value has an unknown schema or was run
/// on another scenario (its `source_hash` or `scenario` differs from the results').
pub fn render(
    results: &RunResults,
    sensitivity: &[serde_json::Value],
    lang: Lang,
) -> Result<String> {
    render_with(
        results,
        sensitivity,
        &Options {
            lang,
            date: Some(today_utc()),
            net_samples: Vec::new(),
        },
    )
}

/// [`render`] with every option: a fixed date (or none) and per-iteration nets for histograms.
pub fn render_with(
    results: &RunResults,
    sensitivity: &[serde_json::Value],
    options: &Options,
) -> Result<String> {
    let analyses = sensitivity::load(results, sensitivity)?;
    let currency = &results.scenario.currency;
    let ctx = Ctx {
        lang: options.lang,
        m: options.lang.messages(),
        money: Money::new(options.lang, currency),
        r: results,
        texts: results.scenario.texts_in(options.lang.code()),
        next_id: Cell::new(0),
        follow_up: false,
    };
    Ok(ctx.document(&analyses, options)?.into_string())
}

/// The follow-up's report: its section first (the headline before and now, the net so far
/// and ahead, the people per state with the observed years, the assumptions before and now),
/// then the updated forecast's report, as a run's. Fails with [`Error::Usage`] when the
/// follow-up has no forecast (nobody took part).
pub fn render_follow_up(f: &crate::followup::FollowUp, options: &Options) -> Result<String> {
    let Some(forecast) = &f.forecast else {
        let why = f
            .no_forecast
            .as_ref()
            .map_or_else(String::new, crate::report::followup::no_forecast);
        return Err(Error::Usage(format!(
            "--report: the follow-up has no forecast to report. {why} (The table and --json \
             show the parameters before and after.)"
        )));
    };
    let results = &forecast.after;
    let ctx = Ctx {
        lang: options.lang,
        m: options.lang.messages(),
        money: Money::new(options.lang, &results.scenario.currency),
        r: results,
        texts: results.scenario.texts_in(options.lang.code()),
        next_id: Cell::new(0),
        follow_up: true,
    };
    let lead = followup::section(&ctx, f, forecast)?;
    Ok(ctx.document_led(Some(lead), &[], options)?.into_string())
}

/// Today's date in UTC as YYYY-MM-DD, from the system clock.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Escapes text for HTML content and attribute values: `<`, `>`, `"` and `'` always, `&`
/// unless it starts a character reference (`&lt;`, `&#39;`, `&#x1F;`).
///
/// For the charts' title and description, which go into the SVG outside the templates (the
/// page itself is escaped by maud). The result never holds a tag or ends an attribute value,
/// and escaping it again changes nothing. The price: a scenario string that itself contains a
/// character reference, such as `&lt;`, shows there as the character it names.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '&' if starts_character_reference(&s[i..]) => out.push('&'),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `s` (starting with `&`) starts `&name;`, `&#digits;` or `&#xhex;`.
fn starts_character_reference(s: &str) -> bool {
    let body = &s[1..];
    let Some(end) = body.find(';') else {
        return false;
    };
    let name = &body[..end];
    if let Some(num) = name.strip_prefix('#') {
        match num.strip_prefix(['x', 'X']) {
            Some(hex) => !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
            None => !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()),
        }
    } else {
        name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric())
    }
}

const CSS: &str = include_str!("html/report.css");

/// What every part of the report needs.
struct Ctx<'a> {
    pub lang: Lang,
    /// The report's words and sentences in its language.
    pub m: &'static Messages,
    /// Amounts as plain text: for the templates (maud escapes) and the charts (plotters
    /// escapes their text).
    pub money: Money,
    pub r: &'a RunResults,
    /// The scenario's name, description and target group in the report's language.
    pub texts: ScenarioTexts,
    next_id: Cell<usize>,
    /// Whether the report opens with a follow-up (the contents then link to it).
    follow_up: bool,
}

impl Ctx<'_> {
    /// Amounts as plain text, for the templates.
    fn amounts(&self) -> &Money {
        &self.money
    }

    /// A chart's title and description with a fresh id.
    fn chart_text(&self, title: &str, desc: String) -> ChartText {
        let n = self.next_id.get() + 1;
        self.next_id.set(n);
        ChartText {
            id: format!("chart{n}"),
            title: title.to_string(),
            desc,
        }
    }

    fn pct(&self, p: f64) -> String {
        fmt::percent(self.lang, p)
    }

    /// A share rounded to what its 95% interval supports.
    fn pct_ci(&self, p: f64, ci: crate::stats::Interval) -> String {
        fmt::percent_ci(self.lang, p, ci)
    }

    /// "25 familjer": the target group's size with its noun, in the report's language.
    fn target_group_count(&self) -> String {
        let n = fmt::number(self.lang, f64::from(self.r.scenario.cohort), 0);
        (self.m.people)(&n, self.texts.target_group.as_deref())
    }

    fn years(&self, k: u32) -> String {
        (self.m.years)(k)
    }

    /// "mellan −1,6 och 2,3 mnkr": P5 … P95 of `s`, rounded to what their intervals support.
    fn between90(&self, s: &Summary) -> String {
        (self.m.between)(&self.amounts().quantile_ends(s))
    }

    fn document(&self, analyses: &[sensitivity::Loaded], options: &Options) -> Result<Markup> {
        self.document_led(None, analyses, options)
    }

    /// The document, with `lead` (a follow-up) before the interventions' sections.
    fn document_led(
        &self,
        lead: Option<Markup>,
        analyses: &[sensitivity::Loaded],
        options: &Options,
    ) -> Result<Markup> {
        let m = self.m;
        let mut parts = Vec::new();
        for (k, c) in self.r.comparisons.iter().enumerate() {
            let samples = options.net_samples.get(k).filter(|s| !s.is_empty());
            parts.push(self.intervention(k, c, samples.map(Vec::as_slice))?);
            parts.push(sensitivity::section(self, k, c, analyses)?);
        }
        let research = sensitivity::research_section(self, analyses)?;
        Ok(html! {
            (DOCTYPE)
            html lang=(self.lang.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="generator" content={ "socinv " (self.r.socinv_version) };
                    title { (self.texts.name) " – " (m.decision_brief) }
                    // the report's own stylesheet, a constant
                    style { (PreEscaped(CSS)) }
                }
                body {
                    div.page {
                        (self.header())
                        main {
                            @if let Some(lead) = &lead { (lead) }
                            @for part in &parts { (part) }
                            (decision::section(self))
                            (research)
                            (self.appendix())
                        }
                        (self.footer(analyses, options))
                    }
                }
            }
        })
    }

    fn header(&self) -> Markup {
        let sc = &self.r.scenario;
        let lang = self.lang;
        let m = self.m;
        let mut meta = vec![
            (m.meta_target_group)(&self.target_group_count()),
            (m.meta_horizon)(&self.years(sc.horizon_years)),
        ];
        if let Some(y) = sc.price_year {
            meta.push((m.meta_prices)(y));
        }
        meta.push((m.meta_discount_rate)(&percent_1(lang, sc.discount_rate)));
        meta.push((m.meta_simulations)(&fmt::number(
            lang,
            self.r.settings.iterations as f64,
            0,
        )));
        html! {
            header.doc {
                p.kicker { (m.kicker) }
                h1 { (self.texts.name) }
                @if !self.texts.description.trim().is_empty() {
                    p.lead { (self.texts.description) }
                }
                p.meta { (meta.join(" · ")) }
                @if self.r.comparisons.len() > 1 { (self.overview()) }
                nav.toc {
                    ul {
                        @if self.follow_up {
                            li { a href="#uppfoljning" { (m.followup_title) } }
                        }
                        @for (k, c) in self.r.comparisons.iter().enumerate() {
                            li { a href={ "#insats-" (k + 1) } { (c.intervention) } }
                        }
                        @if self.r.option_comparison.is_some() {
                            li { a href="#val" { (m.which_option_is_best) } }
                        }
                        li { a href="#bilaga" { (m.appendix_title) } }
                    }
                }
            }
        }
    }

    /// With several interventions: one row each, to compare at a glance.
    fn overview(&self) -> Markup {
        let m = self.m;
        html! {
            div.table-wrap {
                table.overview {
                    caption { (m.overview_caption) }
                    thead { tr {
                        th { (m.intervention) } th { (m.expected_net) } th { (m.range90) }
                        th { (m.risk_of_loss) } th { (m.paid_back_within_horizon) }
                    } }
                    tbody {
                        @for c in &self.r.comparisons {
                            tr {
                                td { (c.intervention) }
                                td.num { (self.amounts().mean(c.net.mean, c.net.mcse)) }
                                td.num { (self.amounts().quantile_range(&c.net)) }
                                td.num { (self.pct_ci(c.prob_loss, c.prob_loss_ci)) }
                                td.num { (self.pct_ci(c.payback.prob_within_horizon, c.payback.prob_within_horizon_ci)) }
                            }
                        }
                    }
                }
            }
        }
    }

    fn intervention(&self, k: usize, c: &Comparison, samples: Option<&[f64]>) -> Result<Markup> {
        let sc = &self.r.scenario;
        let m = self.m;
        let funded_by: Vec<(String, f64)> = sc
            .programs
            .iter()
            .find(|p| p.arm == c.intervention)
            .map(|p| {
                p.funded_by
                    .iter()
                    .map(|(a, s)| (i18n::actor_named(self.lang, sc, a), *s))
                    .collect()
            })
            .unwrap_or_default();
        let by_actor: Vec<(String, String)> = c
            .by_actor
            .iter()
            .map(|(a, s)| {
                (
                    i18n::actor_named(self.lang, sc, a),
                    self.amounts().mean(s.net.mean, s.net.mcse),
                )
            })
            .collect();
        Ok(html! {
            section.intervention id={ "insats-" (k + 1) } {
                h2 { (c.intervention) span.vs { (m.compared_with) " " (c.baseline) } }
                // the headline, first and plain
                div.headline {
                    @for sentence in i18n::headline(self, c) { p { (sentence) } }
                }
                (self.side_by_side(c))
                (self.kpis(c))
                p.who { (i18n::who_gains(self, &funded_by, &by_actor)) }
                p.note { (self.net_definition()) }
                (self.net_figure(c, samples)?)
                (self.fan_figure(c)?)
                (self.payback_figure(c)?)
                (self.actors_figure(c)?)
                (budget::section(self, k, c)?)
                (self.outcomes_table(c))
                (self.drivers_table(c))
            }
        })
    }

    fn net_definition(&self) -> String {
        let sc = &self.r.scenario;
        (self.m.net_definition)(
            &percent_1(self.lang, sc.discount_rate),
            sc.price_year,
            &fmt::number(self.lang, self.r.settings.iterations as f64, 0),
            self.r.settings.without_cohort_chance(),
        )
    }

    /// Where society's net differs from the decision perspective's: both, side by side.
    fn side_by_side(&self, c: &Comparison) -> Markup {
        let sc = &self.r.scenario;
        let m = self.m;
        let Some(society) = c.society_net_if_different(sc) else {
            return html! {};
        };
        let decision = c.decision_net();
        html! {
            div.kpis.perspectives aria-label=(m.perspectives_aria) {
                @for pov in [decision, society] {
                    @let who = i18n::point_of_view(self.lang, sc, &pov);
                    @let chance = self.pct_ci(pov.prob_net_positive, pov.prob_net_positive_ci);
                    div class={ "kpi " (if pov.net.mean >= 0.0 { "gain" } else { "loss" }) } {
                        div.k { (m.for_word) " " (who) }
                        div.v { (self.amounts().mean(pov.net.mean, pov.net.mcse)) }
                        div.s { ((m.perspective_card_detail)(&self.between90(pov.net), &chance)) }
                    }
                }
            }
        }
    }

    fn kpis(&self, c: &Comparison) -> Markup {
        let m = self.m;
        let h = self.r.scenario.horizon_years;
        // named where the headline speaks for a decision perspective
        let all = if c.decision_perspective.is_some() {
            m.for_all_actors_suffix
        } else {
            ""
        };
        let mut cards = vec![
            (
                if c.net.mean >= 0.0 { "gain" } else { "loss" },
                format!("{}{all}", m.expected_net),
                self.amounts().mean(c.net.mean, c.net.mcse),
                m.mean_lower.to_string(),
            ),
            (
                "loss",
                format!("{}{all}", m.risk_of_loss),
                self.pct_ci(c.prob_loss, c.prob_loss_ci),
                m.share_negative.to_string(),
            ),
            (
                "",
                (m.paid_back_within)(&self.years(h)),
                self.pct_ci(
                    c.payback.prob_within_horizon,
                    c.payback.prob_within_horizon_ci,
                ),
                match c.payback.median_year {
                    Some(t) => (m.half_within)(&self.years(t + 1)),
                    None => m.fewer_than_half_pay_back.to_string(),
                },
            ),
            (
                "",
                m.investment.to_string(),
                self.amounts().mean(c.investment.mean, c.investment.mcse),
                m.investment_sub.to_string(),
            ),
        ];
        if let Some(roi) = &c.roi {
            let e = fmt::mean_exponent(roi.ratio_of_means, roi.mcse).max(-2);
            cards.push((
                "",
                m.net_per_krona.to_string(),
                fmt::quantity(self.lang, roi.ratio_of_means, e),
                m.net_per_krona_sub.to_string(),
            ));
        }
        html! {
            div.kpis {
                @for (class, label, value, sub) in &cards {
                    div class={ "kpi " (class) } {
                        div.k { (label) } div.v { (value) } div.s { (sub) }
                    }
                }
            }
        }
    }

    /// A figure: heading, how to read it, the chart(s), a caption.
    fn figure(&self, title: &str, read: &str, svgs: &[String], caption: Option<&str>) -> Markup {
        html! {
            figure {
                h3 { (title) }
                p.read { (read) }
                @for s in svgs { (chart(s)) }
                @if let Some(caption) = caption { figcaption { (caption) } }
            }
        }
    }

    fn net_figure(&self, c: &Comparison, samples: Option<&[f64]>) -> Result<Markup> {
        let m = self.m;
        let title = m.net_title;
        let s = &c.net;
        let money = self.amounts();
        let range = self.between90(s);
        let middle = (m.between)(&money.range_ends(s.p25, s.p75));
        let loss = self.pct_ci(c.prob_loss, c.prob_loss_ci);
        let desc = (m.net_desc)(
            &range,
            &middle,
            &money.approx(s.p50),
            &money.mean(s.mean, s.mcse),
            &loss,
        );
        let words = charts::NetWords {
            x_desc: m.net.to_string(),
            loss: m.loss.to_string(),
            gain: m.gain.to_string(),
            median: m.median_lower.to_string(),
            mean: m.mean_short.to_string(),
        };
        let mut svgs = vec![charts::net_quantiles(
            &self.chart_text(title, desc),
            s,
            c.prob_loss,
            &self.money,
            &words,
        )?];
        // From the samples when the caller has them, else from the results' own histogram.
        let histogram = samples
            .and_then(|s| Histogram::of(s, Histogram::BINS))
            .or_else(|| c.net_histogram.clone());
        if let Some(histogram) = &histogram {
            let title = m.histogram_title;
            svgs.push(charts::net_histogram(
                &self.chart_text(title, m.histogram_desc.to_string()),
                histogram,
                &self.money,
                m.net,
                m.share_of_simulations,
            )?);
        }
        let caption = (m.net_caption)(&range, &middle);
        Ok(self.figure(title, m.net_read, &svgs, Some(&caption)))
    }

    fn fan_figure(&self, c: &Comparison) -> Result<Markup> {
        let m = self.m;
        let title = m.fan_title;
        let years: Vec<&Summary> = c.per_year.iter().map(|y| &y.cumulative_net).collect();
        if years.is_empty() {
            return Ok(html! {});
        }
        let turn = years
            .iter()
            .position(|s| s.p50 >= 0.0)
            .map(|t| t as u32 + 1);
        let last = years[years.len() - 1];
        let h = years.len() as u32;
        let turn_text = (m.fan_turn)(turn.map(|k| self.years(k)).as_deref());
        let end_text = (m.fan_end)(
            &self.years(h),
            &self.amounts().approx(last.p50),
            &self.between90(last),
        );
        let words = charts::FanWords {
            x_desc: m.years_from_start.into(),
            y_desc: m.cumulative_net.into(),
            band90: m.band90.into(),
            band50: m.band50.into(),
            median: m.median_lower.into(),
            turns: turn.map(|k| (k, (m.positive_after)(&self.years(k)))),
        };
        let desc = format!("{turn_text} {end_text}");
        let svg = charts::fan(
            &self.chart_text(title, desc.clone()),
            &years,
            &self.money,
            &words,
        )?;
        Ok(self.figure(title, m.fan_read, &[svg], Some(&desc)))
    }

    fn payback_figure(&self, c: &Comparison) -> Result<Markup> {
        let m = self.m;
        let title = m.payback_title;
        let cdf = &c.payback.cdf;
        if cdf.is_empty() {
            return Ok(html! {});
        }
        let points: Vec<String> = cdf
            .iter()
            .enumerate()
            .map(|(t, p)| format!("{}: {}", self.years(t as u32 + 1), self.pct(*p)))
            .collect();
        let svg = charts::payback(
            &self.chart_text(title, (m.payback_desc)(&points.join("; "))),
            cdf,
            self.lang,
            m.years_from_start,
            m.probability_of_payback,
            m.half_of_outcomes,
        )?;
        Ok(self.figure(title, m.payback_read, &[svg], None))
    }

    fn actors_figure(&self, c: &Comparison) -> Result<Markup> {
        let m = self.m;
        let title = m.actors_title;
        let mut rows = Vec::new();
        for (name, s) in &c.by_actor {
            let label = self.r.scenario.labels.actor(name).to_string();
            rows.push((label, None, s, true));
        }
        for (i, (name, s)) in c.by_perspective.iter().enumerate() {
            rows.push((
                name.clone(),
                Some(m.perspective_lower.to_string()),
                s,
                i == 0,
            ));
        }
        if rows.is_empty() {
            return Ok(html! {});
        }
        let chart_rows: Vec<IntervalRow> = rows
            .iter()
            .enumerate()
            .map(|(i, (name, sub, s, first))| IntervalRow {
                label: name.clone(),
                sub: sub.clone(),
                lo: s.net.p5,
                hi: s.net.p95,
                point: s.net.mean,
                group_start: *first && i > 0 && sub.is_some(),
            })
            .collect();
        let items: Vec<String> = rows
            .iter()
            .map(|(name, _, s, _)| {
                (m.actors_desc_item)(
                    name,
                    &self.amounts().mean(s.net.mean, s.net.mcse),
                    &self.between90(&s.net),
                )
            })
            .collect();
        let desc = (m.actors_desc)(&items.join("; "));
        let svg = charts::intervals(
            &self.chart_text(title, desc),
            &chart_rows,
            &self.money,
            m.net,
            (m.band90, m.mean_lower),
        )?;
        Ok(html! {
            figure {
                h3 { (title) }
                p.read { (m.actors_read) }
                (chart(&svg))
                div.table-wrap {
                    table {
                        thead { tr {
                            th { (m.actor_or_perspective) } th { (m.mean_cap) }
                            th { (m.range90_p5_p95) } th { (m.prob_positive_net) }
                        } }
                        tbody {
                            @for (name, sub, s, first) in &rows {
                                tr.group[*first && sub.is_some()] {
                                    td {
                                        (name)
                                        @if let Some(p) = sub { " " span.muted { "(" (p) ")" } }
                                    }
                                    td.num { (self.amounts().mean(s.net.mean, s.net.mcse)) }
                                    td.num { (self.amounts().quantile_range(&s.net)) }
                                    td.num { (self.pct_ci(s.prob_net_positive, s.prob_net_positive_ci)) }
                                }
                            }
                        }
                    }
                }
            }
        })
    }

    /// A quantity's mean (rounded to its MCSE) and its P5 … P95, for outcome tables.
    fn quantity_cells(&self, s: &Summary) -> (String, String) {
        let lang = self.lang;
        let mean = fmt::quantity(lang, s.mean, fmt::mean_exponent(s.mean, s.mcse));
        let whole = |v: f64| (v - v.round()).abs() < 1e-9;
        let mut e = fmt::range_exponent(s.p5.abs().max(s.p95.abs()));
        if whole(s.p5) && whole(s.p95) {
            e = e.max(0);
        }
        let range = format!(
            "{} … {}",
            fmt::quantity(lang, s.p5, e),
            fmt::quantity(lang, s.p95, e)
        );
        (mean, range)
    }

    fn outcomes_table(&self, c: &Comparison) -> Markup {
        if c.outcomes.is_empty() {
            return html! {};
        }
        let m = self.m;
        let base = self.r.arms.get(&c.baseline);
        let arm = self.r.arms.get(&c.intervention);
        let h = self.r.scenario.horizon_years;
        let rate = self.r.scenario.outcome_discount_rate;
        let discounted = (rate > 0.0).then(|| percent_1(self.lang, rate));
        let cells = |s: Option<&Summary>, class: &str| -> Markup {
            match s {
                Some(s) => {
                    let (mean, range) = self.quantity_cells(s);
                    html! { td class=(class) { (mean) } td class=(class) { (range) } }
                }
                None => html! { td { "–" } td { "–" } },
            }
        };
        html! {
            figure {
                h3 { (m.outcomes_title) }
                p.read { ((m.outcomes_read)(&self.years(h), discounted.as_deref())) }
                div.table-wrap {
                    table {
                        thead {
                            tr {
                                th rowspan="2" { (m.outcome) }
                                th colspan="2" { (c.baseline) }
                                th colspan="2" { (c.intervention) }
                                th colspan="2" { (m.difference) }
                            }
                            tr {
                                @for _ in 0..3 { th { (m.mean_short) } th { "P5 … P95" } }
                            }
                        }
                        tbody {
                            @for (name, diff) in &c.outcomes {
                                tr {
                                    td { (self.r.scenario.labels.outcome_with_unit(name)) }
                                    (cells(base.and_then(|a| a.outcomes.get(name)), "num"))
                                    (cells(arm.and_then(|a| a.outcomes.get(name)), "num"))
                                    (cells(Some(diff), "num diff"))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn drivers_table(&self, c: &Comparison) -> Markup {
        let m = self.m;
        let mut drivers: Vec<_> = c
            .drivers
            .iter()
            .filter(|d| d.spearman.is_finite())
            .collect();
        if drivers.is_empty() {
            return html! {};
        }
        drivers.sort_by(|a, b| b.spearman.abs().total_cmp(&a.spearman.abs()));
        drivers.truncate(6);
        html! {
            figure {
                h3 { (m.drivers_title) }
                p.read { (m.drivers_read) }
                div.table-wrap {
                    table {
                        thead { tr { th { (m.assumption) } th { (m.relation_to_net) } th { (m.direction) } } }
                        tbody {
                            @for d in drivers {
                                tr {
                                    td { (self.r.scenario.labels.parameter(&d.parameter)) }
                                    td.num { (fmt::number(self.lang, d.spearman, 2)) }
                                    td { (if d.spearman >= 0.0 { m.higher_value_higher_net } else { m.higher_value_lower_net }) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn appendix(&self) -> Markup {
        let sc = &self.r.scenario;
        let lang = self.lang;
        let m = self.m;
        let labels = &sc.labels;
        let list = |names: Vec<&str>| names.join(", ");
        let mut facts: Vec<(String, Markup)> = vec![
            (
                m.target_group_size.into(),
                html! { (self.target_group_count()) },
            ),
            (m.horizon.into(), html! { (self.years(sc.horizon_years)) }),
            (
                m.discount_rate.into(),
                html! { (percent_1(lang, sc.discount_rate)) },
            ),
            (m.currency.into(), html! { (sc.currency) }),
        ];
        if let Some(y) = sc.price_year {
            facts.push((m.price_year.into(), html! { (y) }));
        }
        facts.push((
            m.arms_compared.into(),
            html! { (list(sc.arms.iter().map(String::as_str).collect())) },
        ));
        let states: Vec<&str> = sc.states.iter().map(|s| labels.state(s)).collect();
        let actors: Vec<&str> = sc.actors.iter().map(|a| labels.actor(a)).collect();
        facts.push((m.states.into(), html! { (list(states)) }));
        facts.push((m.actors.into(), html! { (list(actors)) }));
        if !sc.subgroups.is_empty() {
            let groups: Vec<String> = sc
                .subgroups
                .iter()
                .map(|g| format!("{} ({})", g.name, self.pct(g.share)))
                .collect();
            facts.push((m.subgroups.into(), html! { (groups.join(", ")) }));
        }
        for p in &sc.perspectives {
            let members = list(p.actors.iter().map(|a| labels.actor(a)).collect());
            facts.push((
                format!("{} {}", m.perspective_cap, p.name),
                html! {
                    (members)
                    @if p.excludes_transfers { (m.transfers_left_out) }
                },
            ));
        }
        if !sc.outcomes.is_empty() {
            let outcomes: Vec<String> = sc
                .outcomes
                .iter()
                .map(|o| labels.outcome_with_unit(o))
                .collect();
            facts.push((m.outcomes.into(), html! { (outcomes.join(", ")) }));
        }
        // values of the person: drawn or followed per person, not parameters
        if !sc.attributes.is_empty() {
            facts.push((
                m.attributes.into(),
                html! {
                    @for (i, a) in sc.attributes.iter().enumerate() {
                        @if i > 0 { "; " }
                        (labels.parameter(&a.name)) " " code { (a.distribution) }
                        " (P1 " (fmt::sig(lang, a.p1, 3)) " – P99 " (fmt::sig(lang, a.p99, 3)) ")"
                    }
                },
            ));
        }
        for e in &sc.episodes {
            let states = list(e.states.iter().map(|s| labels.state(s)).collect());
            facts.push((format!("{} {}", m.episode, e.name), html! { (states) }));
        }
        let ages: Vec<_> = sc
            .subgroups
            .iter()
            .filter_map(|g| Some((g, g.start_age.as_ref()?)))
            .collect();
        if !ages.is_empty() {
            facts.push((
                m.start_age.into(),
                html! {
                    @for (i, (g, a)) in ages.iter().enumerate() {
                        @if i > 0 { "; " }
                        (g.name) ": " code { (a.written) }
                        @if a.kind == "drawn" { (m.drawn_per_person) }
                    }
                },
            ));
        }
        html! {
            section.appendix id="bilaga" {
                h2 { (m.appendix_title) }
                p.read { (m.appendix_read) }
                h3 { (m.set_up) }
                dl.facts {
                    @for (k, v) in &facts { dt { (k) } dd { (v) } }
                }
                (self.parameters_table())
                (self.programs_table())
                (self.tables_at_medians())
                @if !sc.rules.is_empty() {
                    h3 { (m.transition_rules) }
                    ol.rules {
                        @for r in &sc.rules { li { code { (i18n::readable_formula(labels, r)) } } }
                    }
                }
                (self.sources())
                @if !sc.notes.trim().is_empty() {
                    h3 { (m.description_and_sources) }
                    (notes_markup(&sc.notes))
                }
            }
        }
    }

    fn parameters_table(&self) -> Markup {
        let sc = &self.r.scenario;
        let lang = self.lang;
        let m = self.m;
        let labels = &sc.labels;
        if sc.parameters.is_empty() {
            return html! {};
        }
        let described = |f: fn(&crate::scenario::Described) -> Option<&String>| {
            sc.parameters
                .iter()
                .any(|p| labels.parameters.get(&p.name).and_then(f).is_some())
        };
        let (with_unit, with_source) = (
            described(|d| d.unit.as_ref()),
            described(|d| d.source.as_ref()),
        );
        html! {
            h3 { (m.parameters_title) }
            div.table-wrap {
                table {
                    thead { tr {
                        th { (m.parameter) } th { (m.distribution) }
                        th { "P5" } th { (m.median_cap) } th { "P95" }
                        @if with_unit { th { (m.unit) } }
                        @if with_source { th { (m.source) } }
                    } }
                    tbody {
                        @for p in &sc.parameters {
                            @let about = labels.parameters.get(&p.name);
                            @let label = labels.parameter(&p.name);
                            tr {
                                td {
                                    (label)
                                    // the name stays visible under a label: it is what `--set` takes
                                    @if label != p.name { br; code.muted { (p.name) } }
                                    @if let Some(v) = p.fixed_at {
                                        " " span.muted { "(" (m.fixed_at) " " (fmt::sig(lang, v, 4)) ")" }
                                    }
                                }
                                td { code { (p.distribution) } }
                                td.num { (fmt::sig(lang, p.p5, 3)) }
                                td.num { (fmt::sig(lang, p.p50, 3)) }
                                td.num { (fmt::sig(lang, p.p95, 3)) }
                                @if with_unit { td { (about.and_then(|d| d.unit.as_deref()).unwrap_or("")) } }
                                @if with_source { td { (about.and_then(|d| d.source.as_deref()).unwrap_or("")) } }
                            }
                        }
                    }
                }
            }
        }
    }

    fn programs_table(&self) -> Markup {
        let sc = &self.r.scenario;
        let m = self.m;
        if sc.programs.is_empty() {
            return html! {};
        }
        html! {
            h3 { (m.programs_title) }
            div.table-wrap {
                table {
                    thead { tr {
                        th { (m.intervention) } th { (m.startup_cost) } th { (m.per_participant_and_year) }
                        th { (m.program_years) } th { (m.uptake) } th { (m.funded_by) }
                    } }
                    tbody {
                        @for p in &sc.programs {
                            @let funded: Vec<String> = p.funded_by.iter()
                                .map(|(a, s)| format!("{} {}", sc.labels.actor(a), self.pct(*s)))
                                .collect();
                            tr {
                                td { (p.arm) }
                                td { (self.amount_or_formula(&p.startup)) }
                                td { (self.amount_or_formula(&p.per_participant)) }
                                td { (self.program_years(&p.years)) }
                                td { (self.share_or_formula(&p.uptake)) }
                                td { (funded.join(", ")) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A program's amount as written: a number in kronor ("20 000 kr"), else the formula with
    /// its parameters' labels.
    fn amount_or_formula(&self, written: &str) -> Markup {
        match written.trim().parse::<f64>() {
            Ok(x) => {
                html! { (self.amounts().with_unit(&fmt::number(self.lang, x, 0), fmt::Scale::One)) }
            }
            Err(_) => html! { code { (i18n::readable_formula(&self.r.scenario.labels, written)) } },
        }
    }

    /// A share as written: a number as a percentage ("80 %"), else the formula.
    fn share_or_formula(&self, written: &str) -> Markup {
        match written.trim().parse::<f64>() {
            Ok(x) => html! { (percent_1(self.lang, x)) },
            Err(_) => html! { code { (i18n::readable_formula(&self.r.scenario.labels, written)) } },
        }
    }

    /// The program's model years "0–2" as the reader counts them: "år 1–3", "år 1".
    fn program_years(&self, written: &str) -> String {
        let parsed = written.split_once('–').and_then(|(a, b)| {
            Some((a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?))
        });
        match parsed {
            Some((a, b)) if a == b => (self.m.year_n)(a + 1),
            Some((a, b)) if a < b => (self.m.years_n_to_m)(a + 1, b + 1),
            _ => written.to_string(),
        }
    }

    /// The sources the parameters name, each once.
    fn sources(&self) -> Markup {
        let labels = &self.r.scenario.labels;
        let mut sources: Vec<&str> = Vec::new();
        for d in labels.parameters.values() {
            if let Some(s) = d.source.as_deref()
                && !sources.contains(&s)
            {
                sources.push(s);
            }
        }
        if sources.is_empty() {
            return html! {};
        }
        html! {
            h3 { (self.m.sources) }
            ul.sources { @for s in sources { li { (s) } } }
        }
    }

    fn tables_at_medians(&self) -> Markup {
        let sc = &self.r.scenario;
        let lang = self.lang;
        let m = self.m;
        let Some(t) = &sc.tables_at_medians else {
            return html! {};
        };
        let states: Vec<String> = sc
            .states
            .iter()
            .map(|s| sc.labels.state(s).to_string())
            .collect();
        let actors: Vec<String> = sc
            .actors
            .iter()
            .map(|a| sc.labels.actor(a).to_string())
            .collect();
        let unit = self.amounts().unit(fmt::Scale::One);
        html! {
            h3 { (m.tables_at_medians_title) }
            p.read { ((m.tables_at_medians_read)(&t.subgroup)) }
            @for (arm, rows) in &t.transitions {
                (matrix_table(arm, m.from_to, &states, &states, rows, |p| {
                    if p == 0.0 {
                        html! { td.num.muted { "0" } }
                    } else {
                        html! { td.num { (percent_1(lang, p)) } }
                    }
                }))
            }
            @for (title, table) in [(m.yearly_cost_table, &t.yearly_cost), (m.entry_cost_table, &t.entry_cost)] {
                @if table.iter().any(|r| r.iter().any(|v| *v != 0.0)) {
                    (matrix_table(&format!("{title} ({unit})"), m.state, &actors, &states, table,
                        |v| html! { td.num { (fmt::sig(lang, v, 4)) } }))
                }
            }
        }
    }

    fn footer(&self, analyses: &[sensitivity::Loaded], options: &Options) -> Markup {
        let sc = &self.r.scenario;
        let lang = self.lang;
        let m = self.m;
        let file_name = std::path::Path::new(&sc.file)
            .file_name()
            .map_or(sc.file.as_str(), |f| f.to_str().unwrap_or(&sc.file));
        let mut rows: Vec<(&str, Markup)> = vec![
            (m.program, html! { "socinv " (self.r.socinv_version) }),
            (m.scenario, html! { (self.texts.name) }),
            (m.file, html! { code { (file_name) } }),
            (m.content_hash, html! { code { (sc.source_hash) } }),
            (m.seed, html! { (self.r.settings.seed) }),
            (
                m.iterations,
                html! { (fmt::number(lang, self.r.settings.iterations as f64, 0)) },
            ),
        ];
        let fixed: Vec<String> = sc
            .parameters
            .iter()
            .filter_map(|p| p.fixed_at.map(|v| format!("{}={v}", p.name)))
            .collect();
        if !fixed.is_empty() {
            rows.push((m.fixed_set, html! { code { (fixed.join(" ")) } }));
        }
        for a in analyses {
            rows.push((m.sensitivity_analysis, a.footer_line(self)));
        }
        if let Some(date) = &options.date {
            rows.push((m.report_rendered, html! { (date) }));
        }
        // the file name only: the folder is the analyst's, not the reader's
        let mut command = format!(
            "socinv run {file_name} --seed {} --iterations {}",
            self.r.settings.seed, self.r.settings.iterations
        );
        for p in &sc.parameters {
            if let Some(v) = p.fixed_at {
                command.push_str(&format!(" --set {}={v}", p.name));
            }
        }
        html! {
            footer {
                h2.small { (m.to_reproduce) }
                dl.facts {
                    @for (k, v) in &rows { dt { (k) } dd { (v) } }
                }
                p.muted { (m.same_numbers) " " code { (command) } "." }
            }
        }
    }
}

/// A block of the scenario's notes, as wrapped prose reads it.
#[derive(Debug, PartialEq, Eq)]
enum NoteBlock {
    Paragraph(String),
    List(Vec<String>),
}

/// The notes' lines as paragraphs and lists: a line at the left margin starts a paragraph, a
/// line starting with `- ` or `* ` a list item, an indented line goes on with the one before,
/// an empty line ends a block.
fn note_blocks(notes: &str) -> Vec<NoteBlock> {
    let mut blocks: Vec<NoteBlock> = Vec::new();
    let mut open = false;
    for line in notes.lines() {
        let t = line.trim();
        if t.is_empty() {
            open = false;
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if let Some(item) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            match blocks.last_mut() {
                Some(NoteBlock::List(items)) if open => items.push(item.trim().to_string()),
                _ => blocks.push(NoteBlock::List(vec![item.trim().to_string()])),
            }
        } else if indented && open {
            let last = match blocks.last_mut() {
                Some(NoteBlock::Paragraph(p)) => p,
                Some(NoteBlock::List(items)) => items.last_mut().expect("a list has an item"),
                None => unreachable!("open implies a block"),
            };
            last.push(' ');
            last.push_str(t);
        } else {
            blocks.push(NoteBlock::Paragraph(t.to_string()));
        }
        open = true;
    }
    blocks
}

/// The notes as wrapped prose.
fn notes_markup(notes: &str) -> Markup {
    html! {
        div.notes {
            @for b in note_blocks(notes) {
                @match b {
                    NoteBlock::Paragraph(p) => p { (p) },
                    NoteBlock::List(items) => ul { @for i in items { li { (i) } } },
                }
            }
        }
    }
}

/// A chart's SVG in its wrapper. The SVG goes in unescaped: plotters escapes the text it
/// writes, and `charts::accessible` escapes the title and description.
fn chart(svg: &str) -> Markup {
    html! { div.chart-wrap { (PreEscaped(svg)) } }
}

/// A table with a caption, a header row (`corner`, then `head`), and one row per state with
/// its values as `cell` writes them.
fn matrix_table(
    caption: &str,
    corner: &str,
    head: &[String],
    states: &[String],
    rows: &[Vec<f64>],
    cell: impl Fn(f64) -> Markup,
) -> Markup {
    html! {
        div.table-wrap {
            table.matrix {
                caption { (caption) }
                thead { tr { th { (corner) } @for h in head { th { (h) } } } }
                tbody {
                    @for (i, row) in rows.iter().enumerate() {
                        tr {
                            td { (states.get(i).map_or("?", String::as_str)) }
                            @for v in row { (cell(*v)) }
                        }
                    }
                }
            }
        }
    }
}

/// A share as a percentage with up to one decimal: "3,5 %", "3.5%".
pub(crate) fn percent_1(lang: Lang, p: f64) -> String {
    let sep = match lang {
        Lang::Sv => NBSP.to_string(),
        Lang::En => String::new(),
    };
    format!("{}{sep}%", fmt::plain(lang, p * 100.0, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_day_counts() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(today_utc().len(), 10);
    }

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        // escaping twice changes nothing; a bare & is escaped, a reference kept
        let once = esc("SEK<img src=x onerror=\"a&b\"> R&D &x; &#; &#x;");
        assert_eq!(
            once,
            "SEK&lt;img src=x onerror=&quot;a&amp;b&quot;&gt; R&amp;D &x; &amp;#; &amp;#x;"
        );
        assert_eq!(esc(&once), once);
    }

    #[test]
    fn notes_read_as_paragraphs_and_lists() {
        let notes = "Title line\nIntervention: one\n  goes on\nKey:\n  - first\n    more\n  - second\n\nAfter";
        assert_eq!(
            note_blocks(notes),
            [
                NoteBlock::Paragraph("Title line".into()),
                NoteBlock::Paragraph("Intervention: one goes on".into()),
                NoteBlock::Paragraph("Key:".into()),
                NoteBlock::List(vec!["first more".into(), "second".into()]),
                NoteBlock::Paragraph("After".into()),
            ]
        );
    }
}
