//! The decision-maker report: one self-contained HTML file per run, in Swedish or English.
//!
//! For each intervention it says first, in plain words, what the investment is likely to return,
//! how likely a loss is and when it pays back; then shows the distribution of the net, the
//! cumulative net over the years (a fan chart), the probability of payback by year, who pays and
//! who gains per actor and perspective, the outcomes for the target group, the inputs that drive
//! the result, and any sensitivity analyses given (tornado, sweep, threshold, Sobol, value of
//! information). An appendix describes the model (states, actors, parameters, year-0 tables at
//! the medians, programs, rules, notes and sources), and a footer gives what is needed to
//! reproduce the numbers (version, file, content hash, seed, iterations).
//!
//! The file needs no network: the CSS is inline, the charts are inline SVG (drawn with plotters'
//! SVG backend, see the `charts` module), no script, font, image or link leaves the file. It reads on a
//! laptop and a phone (the layout and the charts scale to the width) and prints on A4 (a print
//! stylesheet breaks pages before each section and drops backgrounds). Every string from the
//! scenario is HTML-escaped: scenario scripts are user input.
//!
//! The results JSON holds quantiles, not per-iteration values, so the net's distribution is drawn
//! from its quantiles; [`render_with`] also takes the per-iteration nets, when the caller has
//! them, and then adds a histogram.

mod charts;
mod decision;
pub mod fmt;
mod i18n;
mod sensitivity;

use crate::error::Result;
use crate::results::{Comparison, RunResults};
use crate::stats::{Histogram, Summary};
use charts::{ChartText, IntervalRow};
use fmt::{Money, NBSP};
use std::cell::Cell;
use std::fmt::Write as _;

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
        // the currency escaped once, here: every amount of `money` is HTML
        money: Money::new(options.lang, &esc(currency)),
        chart_money: Money::new(options.lang, currency),
        r: results,
        next_id: Cell::new(0),
    };
    let mut out = String::with_capacity(256 * 1024);
    ctx.document(&mut out, &analyses, options)?;
    Ok(out)
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
/// The result never holds a tag or ends an attribute value, and escaping it again changes
/// nothing: text that mixes scenario strings with already-escaped parts (the amounts of the
/// report's [`Money`], whose currency is escaped once when the report starts) can be escaped
/// as a whole. The price: a scenario string that itself contains a character reference, such
/// as `&lt;`, shows as the character it names.
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
    /// Amounts as HTML (the currency escaped).
    pub money: Money,
    /// Amounts as plain text, for the charts (plotters escapes their text).
    pub chart_money: Money,
    pub r: &'a RunResults,
    next_id: Cell<usize>,
}

impl Ctx<'_> {
    fn t<'s>(&self, sv: &'s str, en: &'s str) -> &'s str {
        self.lang.pick(sv, en)
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

    fn document(
        &self,
        out: &mut String,
        analyses: &[sensitivity::Loaded],
        options: &Options,
    ) -> Result<()> {
        let sc = &self.r.scenario;
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"socinv {}\">\n<title>{} – {}</title>\n\
             <style>\n{CSS}</style>\n</head>\n<body>\n<div class=\"page\">\n",
            self.lang.code(),
            esc(&self.r.socinv_version),
            esc(&sc.name),
            self.t("beslutsunderlag", "decision brief"),
        );
        self.header(out);
        out.push_str("<main>\n");
        for (k, c) in self.r.comparisons.iter().enumerate() {
            let samples = options.net_samples.get(k).filter(|s| !s.is_empty());
            self.intervention(out, k, c, samples.map(Vec::as_slice))?;
            sensitivity::section(self, out, k, c, analyses)?;
        }
        decision::section(self, out);
        sensitivity::research_section(self, out, analyses)?;
        self.appendix(out);
        out.push_str("</main>\n");
        self.footer(out, analyses, options);
        out.push_str("</div>\n</body>\n</html>\n");
        Ok(())
    }

    fn header(&self, out: &mut String) {
        let sc = &self.r.scenario;
        let lang = self.lang;
        let _ = write!(
            out,
            "<header class=\"doc\">\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n",
            self.t(
                "Beslutsunderlag · social investering",
                "Decision brief · social investment"
            ),
            esc(&sc.name)
        );
        if !sc.description.trim().is_empty() {
            let _ = writeln!(out, "<p class=\"lead\">{}</p>", esc(&sc.description));
        }
        let mut meta = vec![
            format!("{} {}", self.t("Målgrupp:", "Target group:"), sc.cohort),
            format!(
                "{} {}",
                self.t("kalkylperiod", "horizon"),
                i18n::years(lang, sc.horizon_years)
            ),
        ];
        if let Some(y) = sc.price_year {
            meta.push(format!("{} {y}", self.t("priser", "prices of")));
        }
        meta.push(format!(
            "{} {}",
            self.t("diskonteringsränta", "discount rate"),
            percent_1(lang, sc.discount_rate)
        ));
        meta.push(format!(
            "{} {}",
            fmt::number(lang, self.r.settings.iterations as f64, 0),
            self.t("simuleringar", "simulations")
        ));
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", meta.join(" · "));
        if self.r.comparisons.len() > 1 {
            self.overview(out);
        }
        out.push_str("<nav class=\"toc\"><ul>");
        for (k, c) in self.r.comparisons.iter().enumerate() {
            let _ = write!(
                out,
                "<li><a href=\"#insats-{}\">{}</a></li>",
                k + 1,
                esc(&c.intervention)
            );
        }
        if self.r.option_comparison.is_some() {
            let _ = write!(
                out,
                "<li><a href=\"#val\">{}</a></li>",
                self.t("Vilket alternativ är bäst?", "Which option is best?")
            );
        }
        let _ = write!(
            out,
            "<li><a href=\"#bilaga\">{}</a></li></ul></nav>\n</header>\n",
            self.t("Bilaga: modellen", "Appendix: the model")
        );
    }

    /// With several interventions: one row each, to compare at a glance.
    fn overview(&self, out: &mut String) {
        let _ = write!(
            out,
            "<div class=\"table-wrap\"><table class=\"overview\"><caption>{}</caption>\n<thead><tr>\
             <th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
            self.t("Insatserna i korthet", "The interventions at a glance"),
            self.t("Insats", "Intervention"),
            self.t("Förväntat netto", "Expected net"),
            self.t("90 % av utfallen", "90% of outcomes"),
            self.t("Risk för förlust", "Risk of a loss"),
            self.t("Återbetald inom perioden", "Paid back within the horizon"),
        );
        for c in &self.r.comparisons {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&c.intervention),
                self.money.mean(c.net.mean, c.net.mcse),
                self.money.quantile_range(&c.net),
                self.pct_ci(c.prob_loss, c.prob_loss_ci),
                self.pct_ci(
                    c.payback.prob_within_horizon,
                    c.payback.prob_within_horizon_ci
                )
            );
        }
        out.push_str("</tbody></table></div>\n");
    }

    fn intervention(
        &self,
        out: &mut String,
        k: usize,
        c: &Comparison,
        samples: Option<&[f64]>,
    ) -> Result<()> {
        let sc = &self.r.scenario;
        let lang = self.lang;
        let _ = write!(
            out,
            "<section class=\"intervention\" id=\"insats-{}\">\n<h2>{}<span class=\"vs\">{} {}</span></h2>\n",
            k + 1,
            esc(&c.intervention),
            self.t("jämfört med", "compared with"),
            esc(&c.baseline)
        );
        // the headline, first and plain
        out.push_str("<div class=\"headline\">\n");
        for sentence in i18n::headline(lang, &self.money, c, sc) {
            let _ = writeln!(out, "<p>{sentence}</p>");
        }
        out.push_str("</div>\n");
        self.side_by_side(out, c);
        self.kpis(out, c);
        let funded_by: Vec<(String, f64)> = sc
            .programs
            .iter()
            .find(|p| p.arm == c.intervention)
            .map(|p| {
                p.funded_by
                    .iter()
                    .map(|(a, s)| (sc.labels.actor(a).to_string(), *s))
                    .collect()
            })
            .unwrap_or_default();
        let by_actor: Vec<(String, f64, f64)> = c
            .by_actor
            .iter()
            .map(|(a, s)| (sc.labels.actor(a).to_string(), s.net.mean, s.net.mcse))
            .collect();
        let _ = writeln!(
            out,
            "<p class=\"who\">{}</p>",
            i18n::who_gains(lang, &self.money, &funded_by, &by_actor)
        );
        let _ = writeln!(out, "<p class=\"note\">{}</p>", self.net_definition());

        self.net_figure(out, c, samples)?;
        self.fan_figure(out, c)?;
        self.payback_figure(out, c)?;
        self.actors_figure(out, c)?;
        self.outcomes_table(out, c);
        self.drivers_table(out, c);
        out.push_str("</section>\n");
        Ok(())
    }

    fn net_definition(&self) -> String {
        let sc = &self.r.scenario;
        let rate = percent_1(self.lang, sc.discount_rate);
        let prices = sc
            .price_year
            .map(|y| match self.lang {
                Lang::Sv => format!(" i {y} års priser"),
                Lang::En => format!(" in {y} prices"),
            })
            .unwrap_or_default();
        match self.lang {
            Lang::Sv => format!(
                "Så räknas nettot: kostnaden med ordinarie arbetssätt minus kostnaden med \
                 insatsen (insatsens egen kostnad inräknad), för alla aktörer, diskonterat till \
                 år 0 med {rate} per år{prices}. Ett positivt netto betyder att investeringen \
                 lönar sig inom kalkylperioden. Spridningen kommer från osäkra antaganden och \
                 från slumpen i en liten målgrupp; varje siffra bygger på {} simuleringar.",
                fmt::number(self.lang, self.r.settings.iterations as f64, 0)
            ),
            Lang::En => format!(
                "How the net is reckoned: the cost under ordinary practice minus the cost with \
                 the intervention (its own cost included), for all actors, discounted to year 0 \
                 at {rate} a year{prices}. A positive net means the investment pays back within \
                 the horizon. The spread comes from uncertain assumptions and from chance in a \
                 small target group; every figure rests on {} simulations.",
                fmt::number(self.lang, self.r.settings.iterations as f64, 0)
            ),
        }
    }

    /// Where society's net differs from the decision perspective's: both, side by side.
    fn side_by_side(&self, out: &mut String, c: &Comparison) {
        let sc = &self.r.scenario;
        let Some(society) = c.society_net_if_different(sc) else {
            return;
        };
        let decision = c.decision_net();
        let _ = writeln!(
            out,
            "<div class=\"kpis perspectives\" aria-label=\"{}\">",
            self.t(
                "Beslutsperspektivet och samhället",
                "The decision perspective and society"
            )
        );
        for pov in [decision, society] {
            let who = i18n::point_of_view(self.lang, sc, &pov);
            let (lo, hi, scale) = self.money.quantile_range_parts(pov.net);
            let between = match self.lang {
                Lang::Sv => format!("mellan {lo} och {}", self.money.with_unit(&hi, scale)),
                Lang::En => format!(
                    "between {} and {}",
                    self.money.with_unit(&lo, scale),
                    self.money.with_unit(&hi, scale)
                ),
            };
            let chance = self.pct_ci(pov.prob_net_positive, pov.prob_net_positive_ci);
            let detail = match self.lang {
                Lang::Sv => format!(
                    "förväntat netto; med 90{NBSP}% sannolikhet {between}; {chance} sannolikhet \
                     att nettot blir positivt"
                ),
                Lang::En => format!(
                    "expected net; with 90% probability {between}; {chance} probability of a \
                     positive net"
                ),
            };
            let _ = writeln!(
                out,
                "<div class=\"kpi {}\"><div class=\"k\">{} {who}</div><div class=\"v\">{}</div>\
                 <div class=\"s\">{detail}</div></div>",
                if pov.net.mean >= 0.0 { "gain" } else { "loss" },
                self.t("För", "For"),
                self.money.mean(pov.net.mean, pov.net.mcse),
            );
        }
        out.push_str("</div>\n");
    }

    fn kpis(&self, out: &mut String, c: &Comparison) {
        let h = self.r.scenario.horizon_years;
        // named where the headline speaks for a decision perspective
        let all = if c.decision_perspective.is_some() {
            self.t(" för alla aktörer", ", all actors")
        } else {
            ""
        };
        let mut cards = vec![
            (
                if c.net.mean >= 0.0 { "gain" } else { "loss" },
                format!("{}{all}", self.t("Förväntat netto", "Expected net")),
                self.money.mean(c.net.mean, c.net.mcse),
                self.t("medelvärde", "mean").to_string(),
            ),
            (
                "loss",
                format!("{}{all}", self.t("Risk för förlust", "Risk of a loss")),
                self.pct_ci(c.prob_loss, c.prob_loss_ci),
                self.t(
                    "andel utfall med negativt netto",
                    "share of outcomes with a negative net",
                )
                .to_string(),
            ),
            (
                "",
                match self.lang {
                    Lang::Sv => format!("Återbetald inom {}", i18n::years(self.lang, h)),
                    Lang::En => format!("Paid back within {}", i18n::years(self.lang, h)),
                },
                self.pct_ci(
                    c.payback.prob_within_horizon,
                    c.payback.prob_within_horizon_ci,
                ),
                match c.payback.median_year {
                    Some(t) => match self.lang {
                        Lang::Sv => format!("hälften inom {}", i18n::years(self.lang, t + 1)),
                        Lang::En => format!("half within {}", i18n::years(self.lang, t + 1)),
                    },
                    None => self
                        .t(
                            "färre än hälften betalar tillbaka",
                            "fewer than half pay back",
                        )
                        .to_string(),
                },
            ),
            (
                "",
                self.t("Investering", "Investment").to_string(),
                self.money.mean(c.investment.mean, c.investment.mcse),
                self.t(
                    "insatsens kostnad, nuvärde",
                    "the program's cost, present value",
                )
                .to_string(),
            ),
        ];
        if let Some(roi) = &c.roi {
            let e = fmt::mean_exponent(roi.ratio_of_means, roi.mcse).max(-2);
            cards.push((
                "",
                self.t("Netto per investerad krona", "Net per krona invested")
                    .to_string(),
                fmt::quantity(self.lang, roi.ratio_of_means, e),
                self.t(
                    "förväntat netto ÷ förväntad investering",
                    "expected net ÷ expected investment",
                )
                .to_string(),
            ));
        }
        out.push_str("<div class=\"kpis\">\n");
        for (class, label, value, sub) in cards {
            let _ = writeln!(
                out,
                "<div class=\"kpi {class}\"><div class=\"k\">{label}</div><div class=\"v\">{value}</div>\
                 <div class=\"s\">{sub}</div></div>"
            );
        }
        out.push_str("</div>\n");
    }

    /// A figure: heading, how to read it, the chart(s), a caption.
    fn figure(&self, out: &mut String, title: &str, read: &str, svgs: &[String], caption: &str) {
        let _ = write!(
            out,
            "<figure>\n<h3>{}</h3>\n<p class=\"read\">{read}</p>\n",
            esc(title)
        );
        for s in svgs {
            out.push_str("<div class=\"chart-wrap\">\n");
            out.push_str(s);
            out.push_str("</div>\n");
        }
        if !caption.is_empty() {
            let _ = writeln!(out, "<figcaption>{caption}</figcaption>");
        }
        out.push_str("</figure>\n");
    }

    fn net_figure(&self, out: &mut String, c: &Comparison, samples: Option<&[f64]>) -> Result<()> {
        let title = self.t("Hur stort blir nettot?", "How large will the net be?");
        let s = &c.net;
        let range = self.money.quantile_range(s);
        let middle = self.money.range(s.p25, s.p75);
        let desc = match self.lang {
            Lang::Sv => format!(
                "Nettots fördelning. 90 % av utfallen ligger mellan {range}, hälften mellan \
                 {middle}; medianen är {}, medelvärdet {}. Risken för förlust är {}.",
                self.money.approx(s.p50),
                self.money.mean(s.mean, s.mcse),
                self.pct_ci(c.prob_loss, c.prob_loss_ci)
            ),
            Lang::En => format!(
                "The distribution of the net. 90% of outcomes lie between {range}, half between \
                 {middle}; the median is {}, the mean {}. The risk of a loss is {}.",
                self.money.approx(s.p50),
                self.money.mean(s.mean, s.mcse),
                self.pct_ci(c.prob_loss, c.prob_loss_ci)
            ),
        };
        let words = charts::NetWords {
            x_desc: self.t("Netto", "Net").to_string(),
            loss: self.t("Förlust", "Loss").to_string(),
            gain: self.t("Vinst", "Gain").to_string(),
            median: self.t("median", "median").to_string(),
            mean: self.t("medel", "mean").to_string(),
        };
        let mut svgs = vec![charts::net_quantiles(
            &self.chart_text(title, desc),
            s,
            c.prob_loss,
            &self.chart_money,
            &words,
        )?];
        // From the samples when the caller has them, else from the results' own histogram.
        let histogram = samples
            .and_then(|s| Histogram::of(s, Histogram::BINS))
            .or_else(|| c.net_histogram.clone());
        if let Some(histogram) = &histogram {
            let title = self.t(
                "Nettots fördelning, alla simuleringar",
                "The net, every simulation",
            );
            let desc = self
                .t(
                    "Histogram över nettot i varje simulering; staplar under noll (förlust) i \
                     rödorange, över noll i blått. Den yttersta halva procenten i var ände är \
                     utelämnad.",
                    "Histogram of the net in every simulation; bars below zero (a loss) in \
                     vermillion, above zero in blue. The outermost half per cent at each end is \
                     left out.",
                )
                .to_string();
            svgs.push(charts::net_histogram(
                &self.chart_text(title, desc),
                histogram,
                &self.chart_money,
                self.t("Netto", "Net"),
                self.t("Andel simuleringar (%)", "Share of simulations (%)"),
            )?);
        }
        let read = self.t(
            "Strecket visar där 90 % av utfallen hamnar (P5–P95), lådan hälften av dem \
             (P25–P75), det blå strecket i lådan medianen och ringen medelvärdet. Till vänster \
             om nollstrecket (skuggat) går investeringen med förlust.",
            "The line shows where 90% of the outcomes land (P5–P95), the box half of them \
             (P25–P75), the blue bar in the box the median and the ring the mean. Left of the \
             zero line (shaded) the investment makes a loss.",
        );
        let caption = match self.lang {
            Lang::Sv => format!("90 % av utfallen: {range}. Hälften: {middle}."),
            Lang::En => format!("90% of outcomes: {range}. Half of them: {middle}."),
        };
        self.figure(out, title, read, &svgs, &caption);
        Ok(())
    }

    fn fan_figure(&self, out: &mut String, c: &Comparison) -> Result<()> {
        let title = self.t(
            "När vänder det? Nettot år för år",
            "When does it turn? The net year by year",
        );
        let years: Vec<&Summary> = c.per_year.iter().map(|y| &y.cumulative_net).collect();
        if years.is_empty() {
            return Ok(());
        }
        let turn = years
            .iter()
            .position(|s| s.p50 >= 0.0)
            .map(|t| t as u32 + 1);
        let last = years[years.len() - 1];
        let h = years.len() as u32;
        let turn_text = match (turn, self.lang) {
            (Some(k), Lang::Sv) => {
                format!("Medianen blir positiv efter {}.", i18n::years(self.lang, k))
            }
            (Some(k), Lang::En) => {
                format!(
                    "The median turns positive after {}.",
                    i18n::years(self.lang, k)
                )
            }
            (None, Lang::Sv) => "Medianen blir inte positiv inom kalkylperioden.".to_string(),
            (None, Lang::En) => "The median does not turn positive within the horizon.".into(),
        };
        let end_text = match self.lang {
            Lang::Sv => format!(
                "Efter {}: median {}, 90 % av utfallen mellan {}.",
                i18n::years(self.lang, h),
                self.money.approx(last.p50),
                self.money.quantile_range(last)
            ),
            Lang::En => format!(
                "After {}: median {}, 90% of outcomes between {}.",
                i18n::years(self.lang, h),
                self.money.approx(last.p50),
                self.money.quantile_range(last)
            ),
        };
        let words = charts::FanWords {
            x_desc: self.t("År från start", "Years from the start").into(),
            y_desc: self.t("Ackumulerat netto", "Cumulative net").into(),
            band90: self
                .t("90 % av utfallen (P5–P95)", "90% of outcomes (P5–P95)")
                .into(),
            band50: self.t("hälften (P25–P75)", "half (P25–P75)").into(),
            median: self.t("median", "median").into(),
            turns: turn.map(|k| {
                (
                    k,
                    match self.lang {
                        Lang::Sv => format!("positivt efter {}", i18n::years(self.lang, k)),
                        Lang::En => format!("positive after {}", i18n::years(self.lang, k)),
                    },
                )
            }),
        };
        let desc = format!("{turn_text} {end_text}");
        let svg = charts::fan(
            &self.chart_text(title, desc),
            &years,
            &self.chart_money,
            &words,
        )?;
        let read = self.t(
            "Det ackumulerade nettot (diskonterat) efter varje år: först går pengarna ut, sedan \
             kommer besparingarna. Banden visar osäkerheten, linjen medianen; där linjen korsar \
             noll har investeringen betalat sig i hälften av utfallen.",
            "The cumulative net (discounted) after each year: first the money goes out, then the \
             savings come in. The bands show the uncertainty, the line the median; where the line \
             crosses zero, half of the outcomes have paid back.",
        );
        self.figure(
            out,
            title,
            read,
            &[svg],
            &format!("{} {}", esc(&turn_text), esc(&end_text)),
        );
        Ok(())
    }

    fn payback_figure(&self, out: &mut String, c: &Comparison) -> Result<()> {
        let title = self.t(
            "Hur säkert betalar det tillbaka sig?",
            "How sure is payback?",
        );
        let cdf = &c.payback.cdf;
        if cdf.is_empty() {
            return Ok(());
        }
        let points: Vec<String> = cdf
            .iter()
            .enumerate()
            .map(|(t, p)| format!("{}: {}", i18n::years(self.lang, t as u32 + 1), self.pct(*p)))
            .collect();
        let desc = match self.lang {
            Lang::Sv => format!(
                "Sannolikheten att investeringen är återbetald inom ett visst antal år: {}.",
                points.join("; ")
            ),
            Lang::En => format!(
                "The probability that the investment has paid back within a number of years: {}.",
                points.join("; ")
            ),
        };
        let svg = charts::payback(
            &self.chart_text(title, desc),
            cdf,
            self.lang,
            self.t("År från start", "Years from the start"),
            self.t("Sannolikhet för återbetalning", "Probability of payback"),
            self.t("hälften av utfallen", "half of the outcomes"),
        )?;
        let read = self.t(
            "Andelen simuleringar där det ackumulerade nettot har nått noll, år för år. Ett \
             utfall som inte når noll inom kalkylperioden betalar inte tillbaka sig.",
            "The share of simulations in which the cumulative net has reached zero, year by \
             year. An outcome that does not reach zero within the horizon does not pay back.",
        );
        self.figure(out, title, read, &[svg], "");
        Ok(())
    }

    fn actors_figure(&self, out: &mut String, c: &Comparison) -> Result<()> {
        let title = self.t("Vem betalar och vem vinner?", "Who pays and who gains?");
        let perspective = self.t("perspektiv", "perspective");
        let mut rows = Vec::new();
        for (name, s) in &c.by_actor {
            let label = self.r.scenario.labels.actor(name).to_string();
            rows.push((label, None, s, true));
        }
        for (i, (name, s)) in c.by_perspective.iter().enumerate() {
            rows.push((name.clone(), Some(perspective.to_string()), s, i == 0));
        }
        if rows.is_empty() {
            return Ok(());
        }
        let chart_rows: Vec<IntervalRow> = rows
            .iter()
            .enumerate()
            .map(|(i, (name, sub, s, first))| IntervalRow {
                label: name.clone(),
                sub: sub.clone(),
                lo: s.net.p10,
                hi: s.net.p90,
                point: s.net.mean,
                group_start: *first && i > 0 && sub.is_some(),
            })
            .collect();
        let items: Vec<String> = rows
            .iter()
            .map(|(name, _, s, _)| {
                format!(
                    "{name}: {} ({} {})",
                    self.money.mean(s.net.mean, s.net.mcse),
                    self.t("80 % mellan", "80% between"),
                    self.money.range(s.net.p10, s.net.p90)
                )
            })
            .collect();
        let desc = format!(
            "{} {}.",
            self.t(
                "Nettot per aktör och perspektiv, medelvärde och intervallet P10–P90:",
                "The net per actor and perspective, mean and the P10–P90 range:"
            ),
            items.join("; ")
        );
        let svg = charts::intervals(
            &self.chart_text(title, desc),
            &chart_rows,
            &self.chart_money,
            self.t("Netto", "Net"),
            (
                self.t("80 % av utfallen (P10–P90)", "80% of outcomes (P10–P90)"),
                self.t("medelvärde", "mean"),
            ),
        )?;
        let read = self.t(
            "Varje aktörs netto: vad den sparar minus vad den betalar (insatsens kostnad hos dem \
             som finansierar den). Ett negativt netto betyder att aktören betalar mer än den får \
             tillbaka, även om investeringen lönar sig för helheten.",
            "Each actor's net: what it saves minus what it pays (the program's cost lands with \
             those who fund it). A negative net means the actor pays more than it gets back, even \
             when the investment pays for the whole.",
        );
        let _ = write!(
            out,
            "<figure>\n<h3>{}</h3>\n<p class=\"read\">{read}</p>\n<div class=\"chart-wrap\">\n{svg}</div>\n",
            esc(title)
        );
        let _ = write!(
            out,
            "<div class=\"table-wrap\"><table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th>\
             <th>{}</th></tr></thead><tbody>\n",
            self.t("Aktör / perspektiv", "Actor / perspective"),
            self.t("Medelvärde", "Mean"),
            self.t(
                "80 % av utfallen (P10 … P90)",
                "80% of outcomes (P10 … P90)"
            ),
            self.t(
                "Sannolikhet för positivt netto",
                "Probability of a positive net"
            ),
        );
        for (name, sub, s, first) in &rows {
            let class = if *first && sub.is_some() {
                " class=\"group\""
            } else {
                ""
            };
            let label = match sub {
                Some(p) => format!("{} <span class=\"muted\">({p})</span>", esc(name)),
                None => esc(name),
            };
            let _ = writeln!(
                out,
                "<tr{class}><td>{label}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td></tr>",
                self.money.mean(s.net.mean, s.net.mcse),
                self.money.range(s.net.p10, s.net.p90),
                self.pct_ci(s.prob_net_positive, s.prob_net_positive_ci)
            );
        }
        out.push_str("</tbody></table></div>\n</figure>\n");
        Ok(())
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

    fn outcomes_table(&self, out: &mut String, c: &Comparison) {
        if c.outcomes.is_empty() {
            return;
        }
        let base = self.r.arms.get(&c.baseline);
        let arm = self.r.arms.get(&c.intervention);
        let h = self.r.scenario.horizon_years;
        let rate = self.r.scenario.outcome_discount_rate;
        let discounted = match (self.lang, rate > 0.0) {
            (Lang::Sv, false) => "inte diskonterade".to_string(),
            (Lang::En, false) => "not discounted".to_string(),
            (Lang::Sv, true) => format!("diskonterade med {} per år", percent_1(self.lang, rate)),
            (Lang::En, true) => format!("discounted at {} a year", percent_1(self.lang, rate)),
        };
        let _ = write!(
            out,
            "<figure>\n<h3>{}</h3>\n<p class=\"read\">{}</p>\n<div class=\"table-wrap\"><table>\n\
             <thead><tr><th rowspan=\"2\">{}</th><th colspan=\"2\">{}</th><th colspan=\"2\">{}</th>\
             <th colspan=\"2\">{}</th></tr>\n<tr><th>{m}</th><th>P5 … P95</th><th>{m}</th>\
             <th>P5 … P95</th><th>{m}</th><th>P5 … P95</th></tr></thead><tbody>\n",
            self.t(
                "Vad händer med målgruppen?",
                "What happens to the target group?"
            ),
            match self.lang {
                Lang::Sv => format!(
                    "Summor för hela målgruppen under {}, {discounted}. Skillnaden är \
                     insatsen minus ordinarie arbetssätt, simulering för simulering.",
                    i18n::years(self.lang, h)
                ),
                Lang::En => format!(
                    "Totals for the whole target group over {}, {discounted}. The difference \
                     is the intervention minus ordinary practice, simulation by simulation.",
                    i18n::years(self.lang, h)
                ),
            },
            self.t("Utfall", "Outcome"),
            esc(&c.baseline),
            esc(&c.intervention),
            self.t("Skillnad", "Difference"),
            m = self.t("medel", "mean"),
        );
        for (name, diff) in &c.outcomes {
            let cells = |s: Option<&Summary>| -> String {
                match s {
                    Some(s) => {
                        let (m, r) = self.quantity_cells(s);
                        format!("<td class=\"num\">{m}</td><td class=\"num\">{r}</td>")
                    }
                    None => "<td>–</td><td>–</td>".to_string(),
                }
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td>{}{}{}</tr>",
                esc(&self.r.scenario.labels.outcome_with_unit(name)),
                cells(base.and_then(|a| a.outcomes.get(name))),
                cells(arm.and_then(|a| a.outcomes.get(name))),
                cells(Some(diff)).replace("<td class=\"num\">", "<td class=\"num diff\">"),
            );
        }
        out.push_str("</tbody></table></div>\n</figure>\n");
    }

    fn drivers_table(&self, out: &mut String, c: &Comparison) {
        let mut drivers: Vec<_> = c
            .drivers
            .iter()
            .filter(|d| d.spearman.is_finite())
            .collect();
        if drivers.is_empty() {
            return;
        }
        drivers.sort_by(|a, b| b.spearman.abs().total_cmp(&a.spearman.abs()));
        drivers.truncate(6);
        let _ = write!(
            out,
            "<figure>\n<h3>{}</h3>\n<p class=\"read\">{}</p>\n<div class=\"table-wrap\"><table>\n\
             <thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
            self.t("Vilka antaganden avgör?", "Which assumptions decide?"),
            self.t(
                "De osäkra antaganden som hänger starkast ihop med nettot (Spearmans \
                 rangkorrelation, −1 till 1). Här lönar det sig mest att skaffa bättre underlag.",
                "The uncertain assumptions most strongly tied to the net (Spearman's rank \
                 correlation, −1 to 1). Better evidence on these is worth the most.",
            ),
            self.t("Antagande", "Assumption"),
            self.t("Samband med nettot", "Relation to the net"),
            self.t("Riktning", "Direction"),
        );
        for d in drivers {
            let direction = if d.spearman >= 0.0 {
                self.t("högre värde → högre netto", "higher value → higher net")
            } else {
                self.t("högre värde → lägre netto", "higher value → lower net")
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{direction}</td></tr>",
                esc(self.r.scenario.labels.parameter(&d.parameter)),
                fmt::number(self.lang, d.spearman, 2)
            );
        }
        out.push_str("</tbody></table></div>\n</figure>\n");
    }

    fn appendix(&self, out: &mut String) {
        let sc = &self.r.scenario;
        let lang = self.lang;
        let _ = write!(
            out,
            "<section class=\"appendix\" id=\"bilaga\">\n<h2>{}</h2>\n<p class=\"read\">{}</p>\n",
            self.t("Bilaga: modellen", "Appendix: the model"),
            self.t(
                "Vad beräkningen bygger på, som det står i scenariofilen.",
                "What the calculation rests on, as written in the scenario file."
            )
        );
        // the set-up
        let _ = write!(
            out,
            "<h3>{}</h3>\n<dl class=\"facts\">\n",
            self.t("Upplägg", "Set-up")
        );
        let mut facts: Vec<(String, String)> = vec![
            (
                self.t("Målgruppens storlek", "Size of the target group")
                    .into(),
                sc.cohort.to_string(),
            ),
            (
                self.t("Kalkylperiod", "Horizon").into(),
                i18n::years(lang, sc.horizon_years),
            ),
            (
                self.t("Diskonteringsränta", "Discount rate").into(),
                percent_1(lang, sc.discount_rate),
            ),
            (self.t("Valuta", "Currency").into(), esc(&sc.currency)),
        ];
        if let Some(y) = sc.price_year {
            facts.push((self.t("Prisår", "Price year").into(), y.to_string()));
        }
        facts.push((
            self.t("Jämförda alternativ", "Arms compared").into(),
            esc_list(&sc.arms),
        ));
        let labels = &sc.labels;
        let states: Vec<&str> = sc.states.iter().map(|s| labels.state(s)).collect();
        let actors: Vec<&str> = sc.actors.iter().map(|a| labels.actor(a)).collect();
        facts.push((self.t("Tillstånd", "States").into(), esc_list(&states)));
        facts.push((self.t("Aktörer", "Actors").into(), esc_list(&actors)));
        if !sc.subgroups.is_empty() {
            facts.push((
                self.t("Delgrupper", "Subgroups").into(),
                sc.subgroups
                    .iter()
                    .map(|g| format!("{} ({})", esc(&g.name), self.pct(g.share)))
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        for p in &sc.perspectives {
            facts.push((
                format!("{} {}", self.t("Perspektiv", "Perspective"), esc(&p.name)),
                format!(
                    "{}{}",
                    esc_list(&p.actors.iter().map(|a| labels.actor(a)).collect::<Vec<_>>()),
                    if p.excludes_transfers {
                        self.t("; transfereringar räknas inte", "; transfers left out")
                    } else {
                        ""
                    }
                ),
            ));
        }
        if !sc.outcomes.is_empty() {
            let outcomes: Vec<String> = sc
                .outcomes
                .iter()
                .map(|o| labels.outcome_with_unit(o))
                .collect();
            facts.push((self.t("Utfall", "Outcomes").into(), esc_list(&outcomes)));
        }
        // values of the person: drawn or followed per person, not parameters
        if !sc.attributes.is_empty() {
            let attributes: Vec<String> = sc
                .attributes
                .iter()
                .map(|a| {
                    format!(
                        "{} <code>{}</code> (P1 {} – P99 {})",
                        esc(labels.parameter(&a.name)),
                        esc(&a.distribution),
                        fmt::sig(lang, a.p1, 3),
                        fmt::sig(lang, a.p99, 3)
                    )
                })
                .collect();
            facts.push((
                self.t(
                    "Egenskaper som dras per person (inte parametrar)",
                    "Attributes drawn per person (not parameters)",
                )
                .into(),
                attributes.join("; "),
            ));
        }
        for e in &sc.episodes {
            facts.push((
                format!("{} {}", self.t("Episod", "Episode"), esc(&e.name)),
                esc_list(&e.states.iter().map(|s| labels.state(s)).collect::<Vec<_>>()),
            ));
        }
        let ages: Vec<String> = sc
            .subgroups
            .iter()
            .filter_map(|g| {
                let a = g.start_age.as_ref()?;
                let drawn = if a.kind == "drawn" {
                    self.t(", dras per person", ", drawn per person")
                } else {
                    ""
                };
                Some(format!(
                    "{}: <code>{}</code>{drawn}",
                    esc(&g.name),
                    esc(&a.written)
                ))
            })
            .collect();
        if !ages.is_empty() {
            facts.push((self.t("Startålder", "Start age").into(), ages.join("; ")));
        }
        for (k, v) in facts {
            let _ = writeln!(out, "<dt>{k}</dt><dd>{v}</dd>");
        }
        out.push_str("</dl>\n");

        // parameters
        if !sc.parameters.is_empty() {
            let described = |f: fn(&crate::scenario::Described) -> Option<&String>| {
                sc.parameters
                    .iter()
                    .any(|p| labels.parameters.get(&p.name).and_then(f).is_some())
            };
            let (with_unit, with_source) = (
                described(|d| d.unit.as_ref()),
                described(|d| d.source.as_ref()),
            );
            let _ = write!(
                out,
                "<h3>{}</h3>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>{}</th><th>{}</th>\
                 <th>P5</th><th>{}</th><th>P95</th>{}{}</tr></thead><tbody>\n",
                self.t(
                    "Osäkra antaganden (parametrar)",
                    "Uncertain assumptions (parameters)"
                ),
                self.t("Parameter", "Parameter"),
                self.t("Fördelning", "Distribution"),
                self.t("Median", "Median"),
                if with_unit {
                    format!("<th>{}</th>", self.t("Enhet", "Unit"))
                } else {
                    String::new()
                },
                if with_source {
                    format!("<th>{}</th>", self.t("Källa", "Source"))
                } else {
                    String::new()
                },
            );
            for p in &sc.parameters {
                let fixed = p
                    .fixed_at
                    .map(|v| {
                        format!(
                            " <span class=\"muted\">({} {})</span>",
                            self.t("fixerad till", "fixed at"),
                            fmt::sig(lang, v, 4)
                        )
                    })
                    .unwrap_or_default();
                let about = labels.parameters.get(&p.name);
                let label = labels.parameter(&p.name);
                // the name stays visible under a label: it is what `--set` takes
                let name = if label == p.name {
                    String::new()
                } else {
                    format!("<br><code class=\"muted\">{}</code>", esc(&p.name))
                };
                let optional = |on: bool, v: Option<&String>| {
                    if on {
                        format!("<td>{}</td>", esc(v.map_or("", String::as_str)))
                    } else {
                        String::new()
                    }
                };
                let _ = writeln!(
                    out,
                    "<tr><td>{}{name}{fixed}</td><td><code>{}</code></td><td class=\"num\">{}</td>\
                     <td class=\"num\">{}</td><td class=\"num\">{}</td>{}{}</tr>",
                    esc(label),
                    esc(&p.distribution),
                    fmt::sig(lang, p.p5, 3),
                    fmt::sig(lang, p.p50, 3),
                    fmt::sig(lang, p.p95, 3),
                    optional(with_unit, about.and_then(|d| d.unit.as_ref())),
                    optional(with_source, about.and_then(|d| d.source.as_ref())),
                );
            }
            out.push_str("</tbody></table></div>\n");
        }

        // programs
        if !sc.programs.is_empty() {
            let _ = write!(
                out,
                "<h3>{}</h3>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>{}</th><th>{}</th>\
                 <th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
                self.t("Insatserna", "The interventions"),
                self.t("Insats", "Intervention"),
                self.t("Startkostnad", "Start-up cost"),
                self.t("Per deltagare och år", "Per participant and year"),
                self.t("År (0 = första)", "Years (0 = first)"),
                self.t("Andel som deltar", "Uptake"),
                self.t("Betalas av", "Funded by"),
            );
            for p in &sc.programs {
                let funded: Vec<String> = p
                    .funded_by
                    .iter()
                    .map(|(a, s)| format!("{} {}", esc(labels.actor(a)), self.pct(*s)))
                    .collect();
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td>\
                     <td><code>{}</code></td><td>{}</td></tr>",
                    esc(&p.arm),
                    esc(&p.startup),
                    esc(&p.per_participant),
                    esc(&p.years),
                    esc(&p.uptake),
                    funded.join(", ")
                );
            }
            out.push_str("</tbody></table></div>\n");
        }

        self.tables_at_medians(out);

        // rules
        if !sc.rules.is_empty() {
            let _ = write!(
                out,
                "<h3>{}</h3>\n<ol class=\"rules\">\n",
                self.t("Övergångsregler", "Transition rules")
            );
            for r in &sc.rules {
                let _ = writeln!(out, "<li><code>{}</code></li>", esc(r));
            }
            out.push_str("</ol>\n");
        }
        // notes and sources
        if !sc.notes.trim().is_empty() {
            let _ = write!(
                out,
                "<h3>{}</h3>\n<pre class=\"notes\">{}</pre>\n",
                self.t("Beskrivning och källor", "Description and sources"),
                esc(sc.notes.trim_end())
            );
        }
        out.push_str("</section>\n");
    }

    fn tables_at_medians(&self, out: &mut String) {
        let sc = &self.r.scenario;
        let lang = self.lang;
        let Some(t) = &sc.tables_at_medians else {
            return;
        };
        let _ = write!(
            out,
            "<h3>{}</h3>\n<p class=\"read\">{}</p>\n",
            self.t(
                "Första årets övergångar vid medianvärdena",
                "The first year's transitions at the medians"
            ),
            match lang {
                Lang::Sv => format!(
                    "Sannolikhet att gå från tillståndet i raden till tillståndet i kolumnen \
                     under år 0, för delgruppen {} (deltagare, för insatserna), när varje osäker \
                     parameter ligger på sin median.",
                    esc(&t.subgroup)
                ),
                Lang::En => format!(
                    "The probability of moving from the row's state to the column's during year \
                     0, for the subgroup {} (participants, for the interventions), with every \
                     uncertain parameter at its median.",
                    esc(&t.subgroup)
                ),
            }
        );
        let states: Vec<String> = sc
            .states
            .iter()
            .map(|s| sc.labels.state(s).to_string())
            .collect();
        let head: String = states
            .iter()
            .map(|s| format!("<th>{}</th>", esc(s)))
            .collect();
        for (arm, m) in &t.transitions {
            matrix_table(
                out,
                &esc(arm),
                self.t("från \\ till", "from \\ to"),
                &head,
                &states,
                m,
                |p| {
                    if p == 0.0 {
                        "<td class=\"num muted\">0</td>".to_string()
                    } else {
                        format!("<td class=\"num\">{}</td>", percent_1(lang, p))
                    }
                },
            );
        }
        let actors_head: String = sc
            .actors
            .iter()
            .map(|a| format!("<th>{}</th>", esc(sc.labels.actor(a))))
            .collect();
        let unit = self.money.unit(fmt::Scale::One);
        for (title, table) in [
            (
                self.t(
                    "Årlig kostnad per person och tillstånd (ordinarie arbetssätt)",
                    "Yearly cost per person and state (ordinary practice)",
                ),
                &t.yearly_cost,
            ),
            (
                self.t(
                    "Engångskostnad vid inträde i tillståndet",
                    "One-off cost on entering the state",
                ),
                &t.entry_cost,
            ),
        ] {
            if table.iter().all(|r| r.iter().all(|v| *v == 0.0)) {
                continue;
            }
            matrix_table(
                out,
                &format!("{title} ({})", esc(&unit)),
                self.t("Tillstånd", "State"),
                &actors_head,
                &states,
                table,
                |v| format!("<td class=\"num\">{}</td>", fmt::sig(lang, v, 4)),
            );
        }
    }

    fn footer(&self, out: &mut String, analyses: &[sensitivity::Loaded], options: &Options) {
        let sc = &self.r.scenario;
        let lang = self.lang;
        let _ = write!(
            out,
            "<footer>\n<h2 class=\"small\">{}</h2>\n<dl class=\"facts\">\n",
            self.t("För att återskapa siffrorna", "To reproduce the numbers")
        );
        let mut rows = vec![
            (
                self.t("Program", "Program"),
                format!("socinv {}", esc(&self.r.socinv_version)),
            ),
            (self.t("Scenario", "Scenario"), esc(&sc.name)),
            (
                self.t("Fil", "File"),
                format!("<code>{}</code>", esc(&sc.file)),
            ),
            (
                self.t("Innehållshash", "Content hash"),
                format!("<code>{}</code>", esc(&sc.source_hash)),
            ),
            (self.t("Slumpfrö", "Seed"), self.r.settings.seed.to_string()),
            (
                self.t("Iterationer", "Iterations"),
                fmt::number(lang, self.r.settings.iterations as f64, 0),
            ),
        ];
        let fixed: Vec<String> = sc
            .parameters
            .iter()
            .filter_map(|p| p.fixed_at.map(|v| format!("{}={v}", esc(&p.name))))
            .collect();
        if !fixed.is_empty() {
            rows.push((
                self.t("Fixerade (--set)", "Fixed (--set)"),
                format!("<code>{}</code>", fixed.join(" ")),
            ));
        }
        for a in analyses {
            rows.push((
                self.t("Känslighetsanalys", "Sensitivity analysis"),
                a.footer_line(self),
            ));
        }
        if let Some(date) = &options.date {
            rows.push((self.t("Rapporten skapad", "Report rendered"), esc(date)));
        }
        for (k, v) in rows {
            let _ = writeln!(out, "<dt>{k}</dt><dd>{v}</dd>");
        }
        let mut command = format!(
            "socinv run {} --seed {} --iterations {}",
            sc.file, self.r.settings.seed, self.r.settings.iterations
        );
        for p in &sc.parameters {
            if let Some(v) = p.fixed_at {
                command.push_str(&format!(" --set {}={v}", p.name));
            }
        }
        let _ = write!(
            out,
            "</dl>\n<p class=\"muted\">{}</p>\n</footer>\n",
            match lang {
                Lang::Sv => format!(
                    "Samma fil, frö och antal iterationer ger samma siffror: <code>{}</code>.",
                    esc(&command)
                ),
                Lang::En => format!(
                    "The same file, seed and number of iterations give the same numbers: \
                     <code>{}</code>.",
                    esc(&command)
                ),
            }
        );
    }
}

/// A table with a caption, a header row (`corner`, then `head`'s cells) and one row per state
/// with its values as `cell` writes them.
fn matrix_table(
    out: &mut String,
    caption: &str,
    corner: &str,
    head: &str,
    states: &[String],
    rows: &[Vec<f64>],
    cell: impl Fn(f64) -> String,
) {
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table class=\"matrix\"><caption>{caption}</caption>\n\
         <thead><tr><th>{corner}</th>{head}</tr></thead><tbody>\n"
    );
    for (i, row) in rows.iter().enumerate() {
        let cells: String = row.iter().map(|v| cell(*v)).collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td>{cells}</tr>",
            esc(states.get(i).map_or("?", String::as_str))
        );
    }
    out.push_str("</tbody></table></div>\n");
}

/// Names, escaped, separated by commas.
fn esc_list(names: &[impl AsRef<str>]) -> String {
    names
        .iter()
        .map(|n| esc(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
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
}
