//! The report's charts: inline SVG drawn with plotters' SVG backend.
//!
//! plotters (without its `ttf` feature) writes text as SVG `<text>` elements, so no system font
//! is read; its text widths are estimates, which is why labels here are placed with generous
//! margins. Every chart is wrapped by [`accessible`]: a `viewBox` without fixed width and height
//! (the CSS scales it to the column), `role="img"`, and a `<title>` and `<desc>` that say in
//! words what the chart shows.
//!
//! Colours are the Okabe–Ito palette, distinguishable with the common forms of colour blindness;
//! loss is vermillion, gain blue, and every colour is backed by a position or a label.

use super::Lang;
use super::fmt::{self, Money, Scale};
use crate::error::{Error, Result};
use crate::followup::forecast::Band;
use crate::stats::{Histogram, Summary};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

pub(super) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(super) const GREY: RGBColor = RGBColor(0x76, 0x76, 0x76);
pub(super) const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
/// Okabe–Ito blue: gains, the median.
pub(super) const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe–Ito sky blue: ranges.
pub(super) const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Okabe–Ito vermillion: losses.
pub(super) const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Okabe–Ito orange: the second series.
pub(super) const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Neutral slate grey: the tornado's low values (a bar is neither a loss nor a gain).
pub(super) const SLATE: RGBColor = RGBColor(0x4D, 0x5B, 0x6A);
/// Okabe–Ito bluish green: markers of thresholds.
pub(super) const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);

const WIDTH: u32 = 760;
/// plotters writes `font-size = size / 1.24`: these give 15 px labels, 13.5 px notes.
const LABEL: f64 = 18.6;
const SMALL: f64 = 16.7;

type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type DrawErr = DrawingAreaErrorKind<std::io::Error>;
type Drawn = std::result::Result<(), DrawErr>;

/// What a chart is called and what it says, for its `<title>` and `<desc>`.
pub(super) struct ChartText {
    pub id: String,
    pub title: String,
    pub desc: String,
}

fn font(size: f64, color: &'static RGBColor) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", size).into_font()).color(color)
}

fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Draws a chart of the given height into an SVG string and makes it accessible.
fn svg(height: u32, text: &ChartText, draw: impl FnOnce(&Area) -> Drawn) -> Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, height)).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .and_then(|_| draw(&root))
            .and_then(|_| root.present());
        drawn.map_err(|e| Error::Usage(format!("drawing the chart \"{}\": {e}", text.title)))?;
    }
    Ok(accessible(&buf, (WIDTH, height), text))
}

/// Replaces plotters' `<svg width height viewBox xmlns>` opening with a scalable, labelled one.
/// The `xmlns` is left out: inline SVG in HTML needs none, and the report then names no URL.
pub(super) fn accessible(raw: &str, (w, h): (u32, u32), text: &ChartText) -> String {
    let body = raw
        .find('>')
        .map(|i| &raw[i + 1..])
        .unwrap_or(raw)
        .trim_start();
    let id = &text.id;
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" preserveAspectRatio=\"xMidYMid meet\" \
         role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\n<title id=\"{id}-t\">{}</title>\n\
         <desc id=\"{id}-d\">{}</desc>\n{body}",
        super::esc(&text.title),
        super::esc(&text.desc)
    )
}

/// How values on an axis are shown.
#[derive(Clone, Debug)]
pub(super) enum Units {
    /// Money, plotted in the scale's unit.
    Money(Money, Scale),
    /// Shares 0..1, shown as percentages.
    Share(Lang),
    /// Plain numbers (ratios, counts, parameter values).
    Plain(Lang),
}

impl Units {
    /// Money in the scale that fits amounts up to `max_abs`.
    pub fn money(money: &Money, max_abs: f64) -> Units {
        Units::Money(money.clone(), Scale::of(max_abs))
    }

    /// The plotted value of a quantity.
    pub fn v(&self, x: f64) -> f64 {
        match self {
            Units::Money(_, s) => x / s.factor(),
            _ => x,
        }
    }

    /// An axis tick (in plotted units).
    pub fn tick(&self, v: f64) -> String {
        match self {
            Units::Money(m, _) => fmt::plain(m.lang, v, 2),
            Units::Share(lang) => fmt::percent(*lang, v),
            Units::Plain(lang) => fmt::plain(*lang, v, 3),
        }
    }

    /// A value (in plotted units) for an annotation.
    pub fn label(&self, v: f64, e_plotted: i32) -> String {
        match self {
            Units::Money(m, _) => fmt::number(m.lang, fmt::round_to(v, e_plotted), {
                (-e_plotted).max(0) as usize
            }),
            Units::Share(lang) => fmt::percent(*lang, v),
            Units::Plain(lang) => fmt::sig(*lang, v, 3),
        }
    }

    /// The unit for an axis title: "mnkr"; none for shares (their ticks carry "%") and plain
    /// numbers.
    pub fn unit(&self) -> String {
        match self {
            Units::Money(m, s) => m.unit(*s),
            Units::Share(_) | Units::Plain(_) => String::new(),
        }
    }

    /// An axis title with its unit: "Netto (mnkr)".
    pub fn title(&self, what: &str) -> String {
        let unit = self.unit();
        if unit.is_empty() {
            what.to_string()
        } else {
            format!("{what} ({unit})")
        }
    }
}

/// Widens [lo, hi] by a share on each side (and makes an empty range usable).
fn padded(lo: f64, hi: f64, share: f64) -> Range<f64> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let span = hi - lo;
    if span <= 0.0 {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return lo - d..hi + d;
    }
    lo - span * share..hi + span * share
}

fn range_of(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        })
}

/// The layout of an x–y chart.
struct Frame<'f> {
    x: Range<f64>,
    y: Range<f64>,
    x_desc: String,
    /// None: a chart of rows, labelled by [`row_labels`] instead of a y axis.
    y_desc: Option<String>,
    xfmt: &'f dyn Fn(&f64) -> String,
    yfmt: &'f dyn Fn(&f64) -> String,
    x_labels: usize,
    y_labels: usize,
    /// The y label area, or the left margin for row labels.
    left: u32,
    top: u32,
}

fn frame<'a, 'b>(root: &'a Area<'b>, f: &Frame) -> std::result::Result<Chart<'a, 'b>, DrawErr> {
    let rows = f.y_desc.is_none();
    let mut builder = ChartBuilder::on(root);
    builder
        .margin_top(f.top)
        .margin_right(28)
        .margin_left(if rows { f.left } else { 6 })
        .x_label_area_size(58);
    if !rows {
        builder.y_label_area_size(f.left);
    }
    let mut chart = builder.build_cartesian_2d(f.x.clone(), f.y.clone())?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(f.x_desc.clone())
        .x_label_formatter(f.xfmt)
        .x_labels(f.x_labels)
        .label_style(font(LABEL, &INK))
        .axis_desc_style(font(LABEL, &INK))
        .axis_style(GREY)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT);
    if let Some(desc) = &f.y_desc {
        mesh.y_desc(desc.clone())
            .y_label_formatter(f.yfmt)
            .y_labels(f.y_labels);
    } else {
        mesh.disable_y_mesh().disable_y_axis();
    }
    mesh.draw()?;
    Ok(chart)
}

/// Writes row labels (and optional second lines) left of the plotting area; row i is centred on
/// y = n − i − 0.5.
/// A chart of labelled rows, one per label from the top, over `x`: the frame and the labels;
/// the caller draws the bars.
fn rows_chart<'a, 'b>(
    root: &'a Area<'b>,
    x: Range<f64>,
    x_desc: String,
    xfmt: &dyn Fn(&f64) -> String,
    x_labels: usize,
    labels: &[(String, Option<String>)],
) -> std::result::Result<Chart<'a, 'b>, DrawErr> {
    let no_ticks = |_: &f64| String::new();
    let f = Frame {
        x,
        y: 0.0..labels.len() as f64,
        x_desc,
        y_desc: None,
        xfmt,
        yfmt: &no_ticks,
        x_labels,
        y_labels: 0,
        left: label_margin(labels),
        top: 40,
    };
    let chart = frame(root, &f)?;
    row_labels(root, &chart, labels)?;
    Ok(chart)
}

fn row_labels(root: &Area, chart: &Chart, labels: &[(String, Option<String>)]) -> Drawn {
    let n = labels.len() as f64;
    let x0 = chart.x_range().start;
    for (i, (label, sub)) in labels.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(x0, n - i as f64 - 0.5));
        let style = anchored(font(LABEL, &INK), HPos::Right, VPos::Center);
        let dy = if sub.is_some() { -9 } else { 0 };
        root.draw(&Text::new(clip(label, 30), (px - 10, py + dy), style))?;
        if let Some(sub) = sub {
            let style = anchored(font(SMALL, &GREY), HPos::Right, VPos::Center);
            root.draw(&Text::new(clip(sub, 36), (px - 10, py + 11), style))?;
        }
    }
    Ok(())
}

/// Shortens a label to `max` characters with an ellipsis (the tables give it in full).
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// Width of the row-label margin for these labels (plotters' text widths are estimates).
fn label_margin(labels: &[(String, Option<String>)]) -> u32 {
    let chars = labels
        .iter()
        .map(|(l, s)| {
            let a = l.chars().count().min(30) as f64 * 8.6;
            let b = s
                .as_ref()
                .map_or(0.0, |s| s.chars().count().min(36) as f64 * 7.4);
            a.max(b)
        })
        .fold(0.0, f64::max);
    (chars as u32 + 24).clamp(90, 300)
}

fn vline(chart: &mut Chart, x: f64, y: &Range<f64>, style: ShapeStyle) -> Drawn {
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(x, y.start), (x, y.end)],
        style,
    )))?;
    Ok(())
}

fn hline(chart: &mut Chart, y: f64, x: &Range<f64>, style: ShapeStyle) -> Drawn {
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(x.start, y), (x.end, y)],
        style,
    )))?;
    Ok(())
}

fn dashed_vline(chart: &mut Chart, x: f64, y: &Range<f64>, style: ShapeStyle) -> Drawn {
    chart.draw_series(DashedLineSeries::new(
        vec![(x, y.start), (x, y.end)],
        6,
        4,
        style,
    ))?;
    Ok(())
}

fn dashed_hline(chart: &mut Chart, y: f64, x: &Range<f64>, style: ShapeStyle) -> Drawn {
    chart.draw_series(DashedLineSeries::new(
        vec![(x.start, y), (x.end, y)],
        6,
        4,
        style,
    ))?;
    Ok(())
}

fn text_at(chart: &mut Chart, s: String, at: (f64, f64), style: TextStyle<'static>) -> Drawn {
    chart.draw_series(std::iter::once(Text::new(s, at, style)))?;
    Ok(())
}

/// How a legend entry is marked.
#[derive(Clone, Copy)]
enum Mark {
    Swatch(RGBAColor),
    Line(RGBColor),
    Dot(RGBColor),
}

/// A legend in one row above the plotting area (charts keep a top margin for it), so it never
/// hides data.
fn top_legend(root: &Area, chart: &Chart, items: &[(&str, Mark)]) -> Drawn {
    let x0 = chart.x_range().start;
    let y1 = chart.y_range().end;
    let (mut at, top) = chart.backend_coord(&(x0, y1));
    let y = top - 22;
    for (word, mark) in items {
        match *mark {
            Mark::Swatch(c) => {
                root.draw(&Rectangle::new([(at, y - 6), (at + 22, y + 6)], c.filled()))?
            }
            Mark::Line(c) => root.draw(&PathElement::new(
                vec![(at, y), (at + 22, y)],
                c.stroke_width(3),
            ))?,
            Mark::Dot(c) => root.draw(&Circle::new((at + 11, y), 6, c.filled()))?,
        }
        root.draw(&Text::new(
            word.to_string(),
            (at + 28, y),
            anchored(font(SMALL, &INK), HPos::Left, VPos::Center),
        ))?;
        at += 56 + word.chars().count() as i32 * 8;
    }
    Ok(())
}

/// Words a chart needs, in the report's language.
pub(super) struct NetWords {
    pub x_desc: String,
    pub loss: String,
    pub gain: String,
    pub median: String,
    pub mean: String,
}

/// The distribution of the net from its quantiles: the P5–P95 whisker, the P25–P75 box, the
/// median, the mean; the loss side shaded and the zero line marked.
pub(super) fn net_quantiles(
    text: &ChartText,
    s: &Summary,
    p_loss: f64,
    money: &Money,
    words: &NetWords,
) -> Result<String> {
    let lang = money.lang;
    let (lo, hi) = range_of([s.p5, s.p95, 0.0, s.mean]);
    let u = Units::money(money, lo.abs().max(hi.abs()));
    let x = padded(u.v(lo), u.v(hi), 0.1);
    let y = 0.0..1.0;
    let xfmt = |v: &f64| u.tick(*v);
    let yfmt = |_: &f64| String::new();
    // one rounding for every label: the range's
    let e = fmt::range_exponent(s.p5.abs().max(s.p95.abs()))
        - match &u {
            Units::Money(_, sc) => sc.exponent(),
            _ => 0,
        };
    svg(230, text, |root| {
        let f = Frame {
            x: x.clone(),
            y: y.clone(),
            x_desc: u.title(&words.x_desc),
            y_desc: None,
            xfmt: &xfmt,
            yfmt: &yfmt,
            x_labels: 9,
            y_labels: 0,
            left: 24,
            top: 14,
        };
        let mut chart = frame(root, &f)?;
        if x.start < 0.0 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x.start, 0.0), (0.0_f64.min(x.end), 1.0)],
                VERMILLION.mix(0.10).filled(),
            )))?;
            text_at(
                &mut chart,
                format!("{} · {}", words.loss, fmt::percent(lang, p_loss)),
                (x.start, 0.97),
                anchored(font(LABEL, &VERMILLION), HPos::Left, VPos::Top)
                    .transform(FontTransform::None),
            )?;
        }
        if x.end > 0.0 {
            text_at(
                &mut chart,
                format!("{} · {}", words.gain, fmt::percent(lang, 1.0 - p_loss)),
                (x.end, 0.97),
                anchored(font(LABEL, &BLUE), HPos::Right, VPos::Top),
            )?;
        }
        vline(&mut chart, 0.0, &y, INK.stroke_width(2))?;
        let (p5, p25, p50, p75, p95) = (u.v(s.p5), u.v(s.p25), u.v(s.p50), u.v(s.p75), u.v(s.p95));
        let mid = 0.45;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(p5, mid), (p95, mid)],
            INK.stroke_width(3),
        )))?;
        for end in [p5, p95] {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(end, mid - 0.1), (end, mid + 0.1)],
                INK.stroke_width(3),
            )))?;
        }
        chart.draw_series(std::iter::once(Rectangle::new(
            [(p25, mid - 0.16), (p75, mid + 0.16)],
            SKY.mix(0.55).filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(p25, mid - 0.16), (p75, mid + 0.16)],
            BLUE.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(p50, mid - 0.16), (p50, mid + 0.16)],
            BLUE.stroke_width(5),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (u.v(s.mean), mid),
            7,
            WHITE.filled(),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (u.v(s.mean), mid),
            7,
            INK.stroke_width(2),
        )))?;
        // labels: the median and the mean above, P5 and P95 below (pushed apart, or merged,
        // when the two ends are close)
        let (x5, y5) = chart.backend_coord(&(p5, mid - 0.2));
        let (x95, _) = chart.backend_coord(&(p95, mid - 0.2));
        let below = |h: HPos| anchored(font(LABEL, &INK), h, VPos::Top);
        if x95 - x5 < 8 {
            root.draw(&Text::new(
                format!("P5–P95 {}", u.label(p5, e)),
                (x5, y5),
                below(HPos::Center),
            ))?;
        } else if x95 - x5 < 170 {
            root.draw(&Text::new(
                format!("P5 {}", u.label(p5, e)),
                (x5 - 4, y5),
                below(HPos::Right),
            ))?;
            root.draw(&Text::new(
                format!("P95 {}", u.label(p95, e)),
                (x95 + 4, y5),
                below(HPos::Left),
            ))?;
        } else {
            root.draw(&Text::new(
                format!("P5 {}", u.label(p5, e)),
                (x5, y5),
                below(HPos::Center),
            ))?;
            root.draw(&Text::new(
                format!("P95 {}", u.label(p95, e)),
                (x95, y5),
                below(HPos::Center),
            ))?;
        }
        text_at(
            &mut chart,
            format!("{} {}", words.median, u.label(p50, e)),
            (p50, mid + 0.2),
            anchored(font(LABEL, &BLUE), HPos::Center, VPos::Bottom),
        )?;
        let (mx, _) = chart.backend_coord(&(u.v(s.mean), mid));
        let (mdx, _) = chart.backend_coord(&(p50, mid));
        let right = mx >= mdx;
        let mean_h = if right { HPos::Left } else { HPos::Right };
        let (ex, ey) = chart.backend_coord(&(u.v(s.mean), mid));
        let shift = if right { 12 } else { -12 };
        root.draw(&Text::new(
            format!("○ {} {}", words.mean, u.label(u.v(s.mean), e)),
            (ex + shift, ey - 48),
            anchored(font(SMALL, &INK), mean_h, VPos::Bottom),
        ))?;
        Ok(())
    })
}

/// A histogram of per-iteration nets (when the samples are at hand), loss bins in vermillion.
pub(super) fn net_histogram(
    text: &ChartText,
    histogram: &Histogram,
    money: &Money,
    x_desc: &str,
    y_desc: &str,
) -> Result<String> {
    let lang = money.lang;
    let Histogram { lo, hi, counts, n } = histogram;
    let (lo, hi) = (*lo, *hi);
    if *n == 0 || counts.is_empty() {
        return Err(Error::Usage("the net's histogram is empty".into()));
    }
    let u = Units::money(money, lo.abs().max(hi.abs()));
    let width = (hi - lo) / counts.len() as f64;
    let n = *n as f64;
    let top = counts.iter().copied().max().unwrap_or(1) as f64 / n;
    let x = padded(u.v(lo), u.v(hi), 0.03);
    let y = 0.0..top * 1.1;
    let xfmt = |v: &f64| u.tick(*v);
    let yfmt = |v: &f64| fmt::plain(lang, v * 100.0, 1);
    svg(300, text, |root| {
        let f = Frame {
            x: x.clone(),
            y: y.clone(),
            x_desc: u.title(x_desc),
            y_desc: Some(y_desc.to_string()),
            xfmt: &xfmt,
            yfmt: &yfmt,
            x_labels: 9,
            y_labels: 5,
            left: 70,
            top: 14,
        };
        let mut chart = frame(root, &f)?;
        chart.draw_series(counts.iter().enumerate().map(|(i, c)| {
            let a = lo + width * i as f64;
            let color = if a + width / 2.0 < 0.0 {
                VERMILLION
            } else {
                BLUE
            };
            Rectangle::new(
                [(u.v(a), 0.0), (u.v(a + width), *c as f64 / n)],
                color.mix(0.75).filled(),
            )
        }))?;
        vline(&mut chart, 0.0, &y, INK.stroke_width(2))?;
        Ok(())
    })
}

/// Words of the fan chart.
pub(super) struct FanWords {
    pub x_desc: String,
    pub y_desc: String,
    pub band90: String,
    pub band50: String,
    pub median: String,
    /// "år {k}": the year the median turns positive.
    pub turns: Option<(u32, String)>,
}

/// The cumulative net over the years: P5–P95 and P25–P75 bands, the median, the zero line.
/// `years[t]` is the summary after year t; x = t + 1 years from the start, x = 0 is 0.
pub(super) fn fan(
    text: &ChartText,
    years: &[&Summary],
    money: &Money,
    words: &FanWords,
) -> Result<String> {
    let (lo, hi) = range_of(
        years
            .iter()
            .flat_map(|s| [s.p5, s.p95])
            .chain(std::iter::once(0.0)),
    );
    let u = Units::money(money, lo.abs().max(hi.abs()));
    let h = years.len() as f64;
    let x = -0.15..h + 0.15;
    let y = padded(u.v(lo), u.v(hi), 0.06);
    let xfmt = |v: &f64| year_tick(*v);
    let yfmt = |v: &f64| u.tick(*v);
    let at = |q: fn(&Summary) -> f64| -> Vec<(f64, f64)> {
        std::iter::once((0.0, 0.0))
            .chain(
                years
                    .iter()
                    .enumerate()
                    .map(|(t, s)| (t as f64 + 1.0, u.v(q(s)))),
            )
            .collect()
    };
    let band = |lo: fn(&Summary) -> f64, hi: fn(&Summary) -> f64| -> Vec<(f64, f64)> {
        let mut pts = at(hi);
        let mut low = at(lo);
        low.reverse();
        pts.extend(low);
        pts
    };
    svg(420, text, |root| {
        let f = Frame {
            x: x.clone(),
            y: y.clone(),
            x_desc: words.x_desc.clone(),
            y_desc: Some(u.title(&words.y_desc)),
            xfmt: &xfmt,
            yfmt: &yfmt,
            x_labels: years.len() + 1,
            y_labels: 8,
            left: 78,
            top: 44,
        };
        let mut chart = frame(root, &f)?;
        chart.draw_series(std::iter::once(Polygon::new(
            band(|s| s.p5, |s| s.p95),
            SKY.mix(0.30).filled(),
        )))?;
        chart.draw_series(std::iter::once(Polygon::new(
            band(|s| s.p25, |s| s.p75),
            SKY.mix(0.65).filled(),
        )))?;
        hline(&mut chart, 0.0, &x, INK.stroke_width(2))?;
        chart.draw_series(LineSeries::new(at(|s| s.p50), BLUE.stroke_width(3)))?;
        chart.draw_series(
            at(|s| s.p50)
                .into_iter()
                .map(|p| Circle::new(p, 4, BLUE.filled())),
        )?;
        if let Some((k, label)) = &words.turns {
            let k = f64::from(*k);
            dashed_vline(&mut chart, k, &y, GREEN.stroke_width(2))?;
            text_at(
                &mut chart,
                label.clone(),
                (k + 0.06, y.end - (y.end - y.start) * 0.02),
                anchored(font(SMALL, &GREEN), HPos::Left, VPos::Top),
            )?;
        }
        top_legend(
            root,
            &chart,
            &[
                (&words.band90, Mark::Swatch(SKY.mix(0.30))),
                (&words.band50, Mark::Swatch(SKY.mix(0.65))),
                (&words.median, Mark::Line(BLUE)),
            ],
        )
    })
}

/// Words of the yearly budget chart.
pub(super) struct BudgetWords {
    pub x_desc: String,
    pub y_desc: String,
    /// The legend of the bars below and above zero, and of the whiskers.
    pub deficit: String,
    pub surplus: String,
    pub band90: String,
}

/// One point of view's net per year, as a budget reads it: per year a bar from zero to the
/// mean (vermillion below zero, blue above), a whisker from P5 to P95, the zero line.
/// `years[t]` is year t's net; `labels[t]` its tick ("2027", "år 1").
pub(super) fn yearly_bars(
    text: &ChartText,
    years: &[&Summary],
    labels: &[String],
    money: &Money,
    words: &BudgetWords,
) -> Result<String> {
    let (lo, hi) = range_of(
        years
            .iter()
            .flat_map(|s| [s.p5, s.p95, s.mean])
            .chain(std::iter::once(0.0)),
    );
    let u = Units::money(money, lo.abs().max(hi.abs()));
    let n = years.len();
    let x = -0.6..n as f64 - 0.4;
    let y = padded(u.v(lo), u.v(hi), 0.06);
    let xfmt = |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    };
    let yfmt = |v: &f64| u.tick(*v);
    // at most ten labels: a long horizon is labelled every other year
    let x_labels = n.clamp(1, 10);
    svg(380, text, |root| {
        let f = Frame {
            x: x.clone(),
            y: y.clone(),
            x_desc: words.x_desc.clone(),
            y_desc: Some(u.title(&words.y_desc)),
            xfmt: &xfmt,
            yfmt: &yfmt,
            x_labels,
            y_labels: 7,
            left: 78,
            top: 44,
        };
        let mut chart = frame(root, &f)?;
        let half = if n > 12 { 0.3 } else { 0.26 };
        for (t, s) in years.iter().enumerate() {
            let c = t as f64;
            let color = if s.mean < 0.0 { VERMILLION } else { BLUE };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(c - half, 0.0), (c + half, u.v(s.mean))],
                color.mix(0.8).filled(),
            )))?;
            let (p5, p95) = (u.v(s.p5), u.v(s.p95));
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(c, p5), (c, p95)],
                INK.stroke_width(2),
            )))?;
            for end in [p5, p95] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(c - half * 0.45, end), (c + half * 0.45, end)],
                    INK.stroke_width(2),
                )))?;
            }
        }
        hline(&mut chart, 0.0, &x, INK.stroke_width(2))?;
        let mut items = Vec::new();
        if years.iter().any(|s| s.mean < 0.0) {
            items.push((words.deficit.as_str(), Mark::Swatch(VERMILLION.mix(0.8))));
        }
        if years.iter().any(|s| s.mean >= 0.0) {
            items.push((words.surplus.as_str(), Mark::Swatch(BLUE.mix(0.8))));
        }
        items.push((words.band90.as_str(), Mark::Line(INK)));
        top_legend(root, &chart, &items)
    })
}

fn year_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 && v >= -1e-6 {
        format!("{}", v.round() as i64)
    } else {
        String::new()
    }
}

/// The probability of payback by year, as a step: x = years from the start, the step at x = k
/// is `cdf[k − 1]` (paid back within k years).
pub(super) fn payback(
    text: &ChartText,
    cdf: &[f64],
    lang: Lang,
    x_desc: &str,
    y_desc: &str,
    half: &str,
) -> Result<String> {
    let h = cdf.len() as f64;
    let x = -0.15..h + 0.35;
    let y = 0.0..1.08;
    let xfmt = |v: &f64| year_tick(*v);
    let yfmt = |v: &f64| {
        if *v > 1.0001 {
            String::new()
        } else {
            fmt::percent(lang, *v)
        }
    };
    let mut step = vec![(0.0, 0.0)];
    for (t, p) in cdf.iter().enumerate() {
        let k = t as f64 + 1.0;
        let prev = step.last().map_or(0.0, |p| p.1);
        step.push((k, prev));
        step.push((k, *p));
    }
    step.push((h + 0.35, cdf.last().copied().unwrap_or(0.0)));
    svg(320, text, |root| {
        let f = Frame {
            x: x.clone(),
            y: y.clone(),
            x_desc: x_desc.to_string(),
            y_desc: Some(y_desc.to_string()),
            xfmt: &xfmt,
            yfmt: &yfmt,
            x_labels: cdf.len() + 1,
            y_labels: 6,
            left: 78,
            top: 16,
        };
        let mut chart = frame(root, &f)?;
        dashed_hline(&mut chart, 0.5, &x, GREY.stroke_width(2))?;
        text_at(
            &mut chart,
            half.to_string(),
            (x.start + 0.1, 0.51),
            anchored(font(SMALL, &GREY), HPos::Left, VPos::Bottom),
        )?;
        chart.draw_series(LineSeries::new(step.clone(), BLUE.stroke_width(3)))?;
        for (t, p) in cdf.iter().enumerate() {
            let k = t as f64 + 1.0;
            chart.draw_series(std::iter::once(Circle::new((k, *p), 5, BLUE.filled())))?;
            // above the step, left of the riser: the lower step before it leaves room
            text_at(
                &mut chart,
                fmt::percent(lang, *p),
                (k - 0.06, p + 0.02),
                anchored(font(SMALL, &INK), HPos::Right, VPos::Bottom),
            )?;
        }
        Ok(())
    })
}

/// One row of an interval chart: a label, the range, the point (mean), and whether the row
/// starts a new group (a thin rule above it).
pub(super) struct IntervalRow {
    pub label: String,
    pub sub: Option<String>,
    pub lo: f64,
    pub hi: f64,
    pub point: f64,
    pub group_start: bool,
}

/// Rows of ranges with their means: who pays and who gains.
pub(super) fn intervals(
    text: &ChartText,
    rows: &[IntervalRow],
    money: &Money,
    x_desc: &str,
    legend_words: (&str, &str),
) -> Result<String> {
    let (lo, hi) = range_of(
        rows.iter()
            .flat_map(|r| [r.lo, r.hi, r.point])
            .chain(std::iter::once(0.0)),
    );
    let u = Units::money(money, lo.abs().max(hi.abs()));
    let x = padded(u.v(lo), u.v(hi), 0.08);
    let n = rows.len() as f64;
    let y = 0.0..n;
    let labels: Vec<(String, Option<String>)> = rows
        .iter()
        .map(|r| (r.label.clone(), r.sub.clone()))
        .collect();
    let xfmt = |v: &f64| u.tick(*v);
    let height = 110 + 52 * rows.len() as u32;
    svg(height, text, |root| {
        let mut chart = rows_chart(root, x.clone(), u.title(x_desc), &xfmt, 8, &labels)?;
        vline(&mut chart, 0.0, &y, INK.stroke_width(2))?;
        for (i, r) in rows.iter().enumerate() {
            let c = n - i as f64 - 0.5;
            if r.group_start && i > 0 {
                hline(&mut chart, n - i as f64, &x, GREY.stroke_width(1))?;
            }
            chart.draw_series(std::iter::once(Rectangle::new(
                [(u.v(r.lo), c - 0.17), (u.v(r.hi), c + 0.17)],
                SKY.mix(0.5).filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(u.v(r.lo), c - 0.17), (u.v(r.hi), c + 0.17)],
                BLUE.stroke_width(1),
            )))?;
            let color = if r.point < 0.0 { VERMILLION } else { BLUE };
            chart.draw_series(std::iter::once(Circle::new(
                (u.v(r.point), c),
                7,
                color.filled(),
            )))?;
        }
        top_legend(
            root,
            &chart,
            &[
                (legend_words.0, Mark::Swatch(SKY.mix(0.5))),
                (legend_words.1, Mark::Dot(BLUE)),
            ],
        )?;
        Ok(())
    })
}

/// One bar of a tornado: the metric at the parameter's low and high quantile.
pub(super) struct TornadoBar {
    pub parameter: String,
    pub values: String,
    pub at_low: f64,
    pub at_high: f64,
}

/// The tornado: for each parameter a bar from the base to the metric at its low quantile and one
/// to the metric at its high quantile, largest swing on top; in neutral colours (slate grey for
/// low, sky blue for high), as a bar is neither a loss nor a gain: vermillion and blue stay for
/// losses and gains.
pub(super) fn tornado(
    text: &ChartText,
    bars: &[TornadoBar],
    base: f64,
    units: &Units,
    x_desc: &str,
    legend_words: (&str, &str),
) -> Result<String> {
    let (lo, hi) = range_of(
        bars.iter()
            .flat_map(|b| [b.at_low, b.at_high])
            .chain(std::iter::once(base)),
    );
    let units = match units {
        Units::Money(m, _) => Units::money(m, lo.abs().max(hi.abs())),
        other => other.clone(),
    };
    let x = padded(units.v(lo), units.v(hi), 0.06);
    let n = bars.len() as f64;
    let y = 0.0..n;
    let labels: Vec<(String, Option<String>)> = bars
        .iter()
        .map(|b| (b.parameter.clone(), Some(b.values.clone())))
        .collect();
    let xfmt = |v: &f64| units.tick(*v);
    let height = 120 + 50 * bars.len() as u32;
    svg(height, text, |root| {
        let mut chart = rows_chart(root, x.clone(), units.title(x_desc), &xfmt, 8, &labels)?;
        let b0 = units.v(base);
        for (i, b) in bars.iter().enumerate() {
            let c = n - i as f64 - 0.5;
            for (v, color) in [(b.at_low, SLATE), (b.at_high, SKY)] {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(b0, c - 0.3), (units.v(v), c + 0.3)],
                    color.mix(0.85).filled(),
                )))?;
            }
        }
        vline(&mut chart, b0, &y, INK.stroke_width(2))?;
        if x.start < 0.0 && x.end > 0.0 && b0 != 0.0 {
            dashed_vline(&mut chart, 0.0, &y, GREY.stroke_width(1))?;
        }
        top_legend(
            root,
            &chart,
            &[
                (legend_words.0, Mark::Swatch(SLATE.mix(0.85))),
                (legend_words.1, Mark::Swatch(SKY.mix(0.85))),
            ],
        )?;
        Ok(())
    })
}

/// One input's Sobol indices, with optional 95 % intervals.
pub(super) struct SobolRow {
    pub name: String,
    pub first: Option<f64>,
    pub total: Option<f64>,
    pub first_ci: Option<[f64; 2]>,
    pub total_ci: Option<[f64; 2]>,
}

/// Sobol indices: per input a bar of the first-order index and one of the total index, each
/// with its confidence interval as a whisker when given.
pub(super) fn sobol(
    text: &ChartText,
    rows: &[SobolRow],
    lang: Lang,
    x_desc: &str,
    legend_words: (&str, &str),
) -> Result<String> {
    let values = || {
        rows.iter().flat_map(|r| {
            [r.first, r.total]
                .into_iter()
                .flatten()
                .chain(r.first_ci.into_iter().flatten())
                .chain(r.total_ci.into_iter().flatten())
        })
    };
    let max = values().filter(|v| v.is_finite()).fold(1.0_f64, f64::max);
    let min = values().filter(|v| v.is_finite()).fold(0.0_f64, f64::min);
    let x = padded(min, max, 0.02);
    let n = rows.len() as f64;
    let y = 0.0..n;
    let labels: Vec<(String, Option<String>)> =
        rows.iter().map(|r| (r.name.clone(), None)).collect();
    let xfmt = |v: &f64| fmt::plain(lang, *v, 2);
    let height = 120 + 50 * rows.len() as u32;
    svg(height, text, |root| {
        let mut chart = rows_chart(root, x.clone(), x_desc.to_string(), &xfmt, 7, &labels)?;
        for (i, r) in rows.iter().enumerate() {
            let c = n - i as f64 - 0.5;
            for (v, ci, color, lo, hi) in [
                (r.first, r.first_ci, BLUE, c + 0.02, c + 0.36),
                (r.total, r.total_ci, ORANGE, c - 0.36, c - 0.02),
            ] {
                if let Some(v) = v.filter(|v| v.is_finite()) {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, lo), (v, hi)],
                        color.mix(0.85).filled(),
                    )))?;
                }
                if let Some([a, b]) = ci.filter(|[a, b]| a.is_finite() && b.is_finite()) {
                    let m = (lo + hi) / 2.0;
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(a, m), (b, m)],
                        INK.stroke_width(2),
                    )))?;
                    for end in [a, b] {
                        chart.draw_series(std::iter::once(PathElement::new(
                            vec![(end, m - 0.1), (end, m + 0.1)],
                            INK.stroke_width(2),
                        )))?;
                    }
                }
            }
        }
        vline(&mut chart, 0.0, &y, INK.stroke_width(1))?;
        top_legend(
            root,
            &chart,
            &[
                (legend_words.0, Mark::Swatch(BLUE.mix(0.85))),
                (legend_words.1, Mark::Swatch(ORANGE.mix(0.85))),
            ],
        )?;
        Ok(())
    })
}

/// A curve over a parameter: the line through `points` (x, value), an optional band (x, lo, hi),
/// an optional horizontal target and an optional vertical marker with its label.
pub(super) struct Curve<'a> {
    pub points: &'a [(f64, f64)],
    pub band: Option<&'a [(f64, f64, f64)]>,
    pub units: Units,
    pub x_desc: String,
    pub y_desc: String,
    pub x_lang: Lang,
    pub line_label: String,
    pub band_label: String,
    pub target: Option<(f64, String)>,
    pub marker: Option<(f64, String)>,
}

pub(super) fn curve(text: &ChartText, c: &Curve) -> Result<String> {
    let (xlo, xhi) = range_of(c.points.iter().map(|p| p.0));
    let (lo, hi) = range_of(
        c.points
            .iter()
            .map(|p| p.1)
            .chain(c.band.unwrap_or(&[]).iter().flat_map(|b| [b.1, b.2]))
            .chain(c.target.as_ref().map(|t| t.0)),
    );
    let units = match &c.units {
        Units::Money(m, _) => Units::money(m, lo.abs().max(hi.abs())),
        other => other.clone(),
    };
    let (ylo, yhi) = match units {
        Units::Share(_) => (0.0, 1.0),
        _ => (units.v(lo), units.v(hi)),
    };
    let x = padded(xlo, xhi, 0.03);
    let y = padded(ylo, yhi, 0.06);
    let xfmt = |v: &f64| fmt::plain(c.x_lang, *v, 3);
    let yfmt = |v: &f64| units.tick(*v);
    svg(380, text, |root| {
        let f = Frame {
            x: x.clone(),
            y: y.clone(),
            x_desc: c.x_desc.clone(),
            y_desc: Some(units.title(&c.y_desc)),
            xfmt: &xfmt,
            yfmt: &yfmt,
            x_labels: 8,
            y_labels: 7,
            left: 78,
            top: 44,
        };
        let mut chart = frame(root, &f)?;
        if let Some(band) = c.band {
            let mut pts: Vec<(f64, f64)> = band.iter().map(|b| (b.0, units.v(b.2))).collect();
            pts.extend(band.iter().rev().map(|b| (b.0, units.v(b.1))));
            chart.draw_series(std::iter::once(Polygon::new(pts, SKY.mix(0.35).filled())))?;
        }
        if y.start < 0.0 && y.end > 0.0 {
            hline(&mut chart, 0.0, &x, INK.stroke_width(2))?;
        }
        if let Some((t, label)) = &c.target {
            dashed_hline(&mut chart, units.v(*t), &x, ORANGE.stroke_width(2))?;
            text_at(
                &mut chart,
                label.clone(),
                (x.end, units.v(*t)),
                anchored(font(SMALL, &INK), HPos::Right, VPos::Bottom),
            )?;
        }
        let pts: Vec<(f64, f64)> = c.points.iter().map(|p| (p.0, units.v(p.1))).collect();
        chart.draw_series(LineSeries::new(pts.clone(), BLUE.stroke_width(3)))?;
        chart.draw_series(pts.iter().map(|p| Circle::new(*p, 4, BLUE.filled())))?;
        if let Some((v, label)) = &c.marker {
            dashed_vline(&mut chart, *v, &y, GREEN.stroke_width(2))?;
            let right = *v > (x.start + x.end) / 2.0;
            text_at(
                &mut chart,
                label.clone(),
                (*v, y.start + (y.end - y.start) * 0.04),
                anchored(
                    font(SMALL, &GREEN),
                    if right { HPos::Right } else { HPos::Left },
                    VPos::Bottom,
                ),
            )?;
        }
        let mut items = Vec::new();
        if c.band.is_some() {
            items.push((c.band_label.as_str(), Mark::Swatch(SKY.mix(0.35))));
        }
        items.push((c.line_label.as_str(), Mark::Line(BLUE)));
        top_legend(root, &chart, &items)
    })
}

/// A heat map of shares over a 2-D grid: `cells[i][j]` at (xs[j], ys[i]), each cell labelled.
pub(super) fn heatmap(
    text: &ChartText,
    xs: &[f64],
    ys: &[f64],
    cells: &[Vec<f64>],
    lang: Lang,
    x_desc: &str,
    y_desc: &str,
) -> Result<String> {
    let (nx, ny) = (xs.len(), ys.len());
    let x = -0.5..nx as f64 - 0.5;
    let y = -0.5..ny as f64 - 0.5;
    let tick = |values: &[f64], v: f64| -> String {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < values.len() {
            fmt::sig(lang, values[i as usize], 3)
        } else {
            String::new()
        }
    };
    let xfmt = |v: &f64| tick(xs, *v);
    let yfmt = |v: &f64| tick(ys, *v);
    let height = (120 + 46 * ny as u32).max(300);
    svg(height, text, |root| {
        let f = Frame {
            x: x.clone(),
            y: y.clone(),
            x_desc: x_desc.to_string(),
            y_desc: Some(y_desc.to_string()),
            xfmt: &xfmt,
            yfmt: &yfmt,
            x_labels: nx.min(12),
            y_labels: ny.min(12),
            left: 90,
            top: 16,
        };
        let mut chart = frame(root, &f)?;
        for (i, row) in cells.iter().enumerate() {
            for (j, p) in row.iter().enumerate() {
                let (fx, fy) = (j as f64, i as f64);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(fx - 0.5, fy - 0.5), (fx + 0.5, fy + 0.5)],
                    diverging(*p).filled(),
                )))?;
                if nx <= 14 {
                    let ink: &'static RGBColor = if (p - 0.5).abs() > 0.3 { &WHITE } else { &INK };
                    text_at(
                        &mut chart,
                        fmt::percent(lang, *p),
                        (fx, fy),
                        anchored(font(SMALL, ink), HPos::Center, VPos::Center),
                    )?;
                }
            }
        }
        Ok(())
    })
}

/// Vermillion (0) through white (0.5) to blue (1).
fn diverging(p: f64) -> RGBColor {
    let p = if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let mix = |a: RGBColor, t: f64| {
        let l = |c: u8| (255.0 + (f64::from(c) - 255.0) * t).round() as u8;
        RGBColor(l(a.0), l(a.1), l(a.2))
    };
    if p < 0.5 {
        mix(VERMILLION, (0.5 - p) * 2.0)
    } else {
        mix(BLUE, (p - 0.5) * 2.0)
    }
}

/// Words of the chart of people in a state.
pub(super) struct StateWords {
    pub x_desc: String,
    pub y_desc: String,
    pub before: String,
    pub now: String,
    pub observed: String,
}

/// People in one state year by year: the band before the start (grey, P5–P95, its median
/// dashed), the band now (sky, its median blue) and the observed counts (dots). `year_label`
/// names year `t` on the axis.
pub(super) fn state_fan(
    text: &ChartText,
    before: &[Band],
    now: &[Band],
    observed: &[u32],
    year_label: &dyn Fn(usize) -> String,
    lang: Lang,
    words: &StateWords,
) -> Result<String> {
    let h = before.len();
    let hi = before
        .iter()
        .chain(now)
        .map(|b| b.p95)
        .chain(observed.iter().map(|&n| f64::from(n)))
        .fold(1.0, f64::max);
    let x = -0.3..(h as f64 - 0.7);
    let y = 0.0..hi * 1.08;
    let xfmt = |v: &f64| {
        if (v - v.round()).abs() < 1e-6 && *v >= -1e-6 {
            year_label(v.round() as usize)
        } else {
            String::new()
        }
    };
    let yfmt = |v: &f64| fmt::number(lang, *v, 0);
    let at = |bands: &[Band], q: fn(&Band) -> f64| -> Vec<(f64, f64)> {
        bands
            .iter()
            .enumerate()
            .map(|(t, b)| (t as f64, q(b)))
            .collect()
    };
    let band = |bands: &[Band]| -> Vec<(f64, f64)> {
        let mut pts = at(bands, |b| b.p95);
        let mut low = at(bands, |b| b.p5);
        low.reverse();
        pts.extend(low);
        pts
    };
    svg(340, text, |root| {
        let f = Frame {
            x: x.clone(),
            y: y.clone(),
            x_desc: words.x_desc.clone(),
            y_desc: Some(words.y_desc.clone()),
            xfmt: &xfmt,
            yfmt: &yfmt,
            x_labels: h.min(12),
            y_labels: 6,
            left: 64,
            top: 44,
        };
        let mut chart = frame(root, &f)?;
        chart.draw_series(std::iter::once(Polygon::new(
            band(before),
            GREY.mix(0.22).filled(),
        )))?;
        chart.draw_series(std::iter::once(Polygon::new(
            band(now),
            SKY.mix(0.45).filled(),
        )))?;
        chart.draw_series(DashedLineSeries::new(
            at(before, |b| b.p50),
            6,
            4,
            GREY.stroke_width(2),
        ))?;
        chart.draw_series(LineSeries::new(at(now, |b| b.p50), BLUE.stroke_width(3)))?;
        chart.draw_series(
            observed
                .iter()
                .enumerate()
                .map(|(t, &n)| Circle::new((t as f64, f64::from(n)), 5, INK.filled())),
        )?;
        top_legend(
            root,
            &chart,
            &[
                (&words.before, Mark::Swatch(GREY.mix(0.22))),
                (&words.now, Mark::Swatch(SKY.mix(0.45))),
                (&words.observed, Mark::Dot(INK)),
            ],
        )
    })
}

/// Each parameter's range now on the scale of its range before: the posterior's P5–P95 and
/// median as percentiles of the prior (`[p5, p50, p95]`, 0–1), over the prior's 90 % range
/// (5–95, grey) and its median (50, dashed).
pub(super) fn prior_percentiles(
    text: &ChartText,
    rows: &[(String, [f64; 3])],
    lang: Lang,
    x_desc: &str,
    legend_words: (&str, &str, &str),
) -> Result<String> {
    let n = rows.len() as f64;
    let y = 0.0..n;
    let x = 0.0..1.0;
    let labels: Vec<(String, Option<String>)> =
        rows.iter().map(|(l, _)| (l.clone(), None)).collect();
    let xfmt = |v: &f64| format!("{}{}%", fmt::number(lang, 100.0 * v, 0), fmt::NBSP);
    let height = 110 + 52 * rows.len() as u32;
    svg(height, text, |root| {
        let mut chart = rows_chart(root, x.clone(), x_desc.to_string(), &xfmt, 11, &labels)?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.05, 0.0), (0.95, n)],
            GREY.mix(0.18).filled(),
        )))?;
        dashed_vline(&mut chart, 0.5, &y, GREY.stroke_width(2))?;
        for (i, (_, q)) in rows.iter().enumerate() {
            let c = n - i as f64 - 0.5;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(q[0], c - 0.17), (q[2], c + 0.17)],
                SKY.mix(0.5).filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(q[0], c - 0.17), (q[2], c + 0.17)],
                BLUE.stroke_width(1),
            )))?;
            chart.draw_series(std::iter::once(Circle::new((q[1], c), 7, BLUE.filled())))?;
        }
        top_legend(
            root,
            &chart,
            &[
                (legend_words.0, Mark::Swatch(GREY.mix(0.18))),
                (legend_words.1, Mark::Swatch(SKY.mix(0.5))),
                (legend_words.2, Mark::Dot(BLUE)),
            ],
        )
    })
}
