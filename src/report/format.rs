//! Number formatting for readers: thousands separators and no false precision.

pub use crate::stats::round_sig;

/// Formats with `decimals` decimals and a space between groups of thousands: `-1 234 500`.
pub fn grouped(x: f64, decimals: usize) -> String {
    grouped_with(x, decimals, ' ', '.', '-')
}

/// Formats with `decimals` decimals, `group` between groups of thousands, `point` before the
/// decimals and `minus` before a negative number that does not round to 0. "–" if not finite.
pub fn grouped_with(x: f64, decimals: usize, group: char, point: char, minus: char) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push(point);
        out.push_str(f);
    }
    if x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, minus);
    }
    out
}

/// An amount rounded to 3 significant digits: `1 230 000`, `45 600`, `0.853`.
pub fn amount(x: f64) -> String {
    let r = round_sig(x, 3);
    if r == 0.0 {
        return "0".to_string();
    }
    let magnitude = if r == 0.0 {
        0
    } else {
        r.abs().log10().floor() as i32
    };
    let text = grouped(r, (2 - magnitude).clamp(0, 3) as usize);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A mean rounded to what its Monte Carlo standard error supports, with the MCSE:
/// `1 230 000 (± 12 000)`.
pub fn mean_with_mcse(mean: f64, mcse: f64) -> String {
    if !mean.is_finite() {
        return "–".to_string();
    }
    if mcse.is_nan() || mcse <= 1e-9 * mean.abs().max(1.0) {
        return format!("{} (± 0)", amount(mean));
    }
    let step_exp = mcse.log10().floor() as i32;
    let step = 10f64.powi(step_exp);
    let rounded = (mean / step).round() * step;
    let decimals = (-step_exp).max(0) as usize;
    format!(
        "{} (± {})",
        grouped(rounded, decimals),
        grouped(round_sig(mcse, 1), decimals)
    )
}

/// The decade of a positive number, ⌊log10 x⌋, exact at powers of ten.
fn decade(x: f64) -> i32 {
    let mut e = x.log10().floor() as i32;
    if 10f64.powi(e + 1) <= x {
        e += 1;
    } else if 10f64.powi(e) > x {
        e -= 1;
    }
    e
}

/// The exponent of the rounding step an estimate with 95% interval `ci` supports: the decade
/// of the interval's half-width (±400 000 → 100 000); `None` if the interval is unknown or has
/// no width.
pub fn ci_exponent(ci: [f64; 2]) -> Option<i32> {
    let half = (ci[1] - ci[0]) / 2.0;
    (half.is_finite() && half > 0.0).then(|| decade(half))
}

/// An amount (a quantile) rounded to what its 95% interval supports, never finer than 3
/// significant digits, nor than whole numbers when the quantile and its interval are whole (a
/// count): `-6 000 000` for −5 970 601 with ±400 000. Without a known interval, 3 significant
/// digits ([`amount`]).
pub fn amount_ci(x: f64, ci: [f64; 2]) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let by_sig = if x == 0.0 {
        i32::MIN
    } else {
        decade(x.abs()) - 2
    };
    let whole = [x, ci[0], ci[1]].iter().all(|v| v.fract() == 0.0);
    match ci_exponent(ci) {
        Some(e) if e > by_sig || (whole && e < 0) => {
            let e = if whole { e.max(0) } else { e };
            let step = 10f64.powi(e);
            let r = (x / step).round() * step;
            grouped(r, (-e).max(0) as usize)
        }
        _ => amount(x),
    }
}

/// A share rounded to what its 95% interval supports, as a percentage number without the sign:
/// the step is the decade of the interval's half-width, between 10^`finest` and 1 percentage
/// point (60.4% with 57–63% is "60", with 59.4–61.4% "60.4"). At 0 or 1 the interval is added,
/// "0 (0–4)": 0 of 100 iterations is not a certainty; a share that is neither but rounds to it
/// reads "< 1", "> 99". `None` without a known interval.
pub fn share_parts(
    p: f64,
    ci: [f64; 2],
    finest: i32,
    number: &dyn Fn(f64, usize) -> String,
) -> Option<String> {
    let e = ci_exponent([ci[0] * 100.0, ci[1] * 100.0])?.clamp(finest, 0);
    let decimals = (-e) as usize;
    let step = 10f64.powi(e);
    let pct = p * 100.0;
    let rounded = (pct / step).round() * step;
    Some(if p == 0.0 {
        format!(
            "0 (0–{})",
            number((ci[1] * 100.0 / step).ceil() * step, decimals)
        )
    } else if p == 1.0 {
        format!(
            "100 ({}–100)",
            number((ci[0] * 100.0 / step).floor() * step, decimals)
        )
    } else if rounded <= 0.0 {
        format!("< {}", number(step, decimals))
    } else if rounded >= 100.0 {
        format!("> {}", number(100.0 - step, decimals))
    } else {
        number(rounded, decimals)
    })
}

/// A share rounded to what its 95% interval supports ([`share_parts`], hundredths of a per cent
/// at the finest): "60%", "60.4%", "0% (0–4%)"; without a known interval, [`percent`].
pub fn share(p: f64, ci: [f64; 2]) -> String {
    if !p.is_finite() {
        return "–".to_string();
    }
    match share_parts(p, ci, -2, &|x, d| grouped(x, d)) {
        Some(text) => match text.split_once(' ') {
            Some((head, tail)) if tail.starts_with('(') => {
                format!("{head}% {}%)", &tail[..tail.len() - 1])
            }
            Some((head, tail)) => format!("{head} {tail}%"),
            None => format!("{text}%"),
        },
        None => percent(p),
    }
}

/// A share as a whole percentage (one decimal under 1% or over 99%).
pub fn percent(p: f64) -> String {
    let pct = p * 100.0;
    if pct > 0.0 && pct < 1.0 || pct > 99.0 && pct < 100.0 {
        format!("{pct:.1}%")
    } else {
        format!("{pct:.0}%")
    }
}

/// The widest a line socinv writes to the terminal may be, in characters.
pub const TERMINAL_WIDTH: usize = 100;

/// The narrowest a text column is shortened to (its numbers are never shortened); the first
/// column, which names the rows, keeps more.
const NARROWEST_TEXT: usize = 8;
const NARROWEST_FIRST: usize = 24;

/// Whether a cell is text that may be shortened with an ellipsis: it has a letter (numbers,
/// ranges and "(± MCSE)" have none).
fn is_text(cell: &str) -> bool {
    cell.chars().any(char::is_alphabetic)
}

/// `cell` cut to `width` characters, its last one `…`, when longer.
pub fn abbreviate(cell: &str, width: usize) -> String {
    if cell.chars().count() <= width {
        return cell.to_string();
    }
    let mut out: String = cell.chars().take(width.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Column widths that fit `indent` + columns + gaps of `gap` into [`TERMINAL_WIDTH`]: the widest
/// column that holds text gives up a character at a time, down to its widest number or
/// [`NARROWEST_TEXT`] ([`NARROWEST_FIRST`] for the row names).
fn fitted_widths(rows: &[Vec<String>], indent: usize, gap: usize) -> Vec<usize> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width_of = |c: usize, pick: &dyn Fn(&str) -> bool| {
        rows.iter()
            .filter_map(|r| r.get(c))
            .filter(|s| pick(s))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let mut widths: Vec<usize> = (0..cols).map(|c| width_of(c, &|_| true)).collect();
    let least: Vec<usize> = (0..cols)
        .map(|c| {
            let numbers = width_of(c, &|s| !is_text(s));
            let narrowest = if c == 0 {
                NARROWEST_FIRST
            } else {
                NARROWEST_TEXT
            };
            numbers.max(widths[c].min(narrowest))
        })
        .collect();
    let total = |w: &[usize]| indent + w.iter().sum::<usize>() + gap * w.len().saturating_sub(1);
    while total(&widths) > TERMINAL_WIDTH {
        let Some(c) = (0..cols)
            .filter(|&c| widths[c] > least[c])
            .max_by_key(|&c| (widths[c], std::cmp::Reverse(c)))
        else {
            break;
        };
        widths[c] -= 1;
    }
    widths
}

/// Every line of `text` longer than [`TERMINAL_WIDTH`] characters wrapped at spaces (a word too
/// long for a line is split), the continuation indented 4 more than the line.
pub fn fit_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.lines().all(|l| l.chars().count() <= TERMINAL_WIDTH) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if body.chars().count() <= TERMINAL_WIDTH {
            out.push_str(line);
            continue;
        }
        let rest = body.trim_start();
        let indent = &body[..body.len() - rest.len()];
        // a line that is all indent cannot be wrapped at a space: it only loses its indent
        let indent = if indent.chars().count() + 8 > TERMINAL_WIDTH {
            ""
        } else {
            indent
        };
        let more = format!("{indent}    ");
        let options = textwrap::Options::new(TERMINAL_WIDTH)
            .initial_indent(indent)
            .subsequent_indent(&more);
        let wrapped = textwrap::wrap(rest, &options);
        for (i, l) in wrapped.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(l.trim_end());
        }
        out.push_str(newline);
    }
    std::borrow::Cow::Owned(out)
}

/// Lays out rows as left-aligned first column and right-aligned others, within
/// [`TERMINAL_WIDTH`]: when too wide, the text of the widest columns (names, headers) is cut
/// with `…`; numbers are never cut.
pub fn table(rows: &[Vec<String>], indent: &str) -> String {
    laid_out(rows, indent, true)
}

/// [`table`] for rows named in people's words (parameter labels): where the names would have
/// to be cut to fit, each row's name goes on a line of its own above its values instead, so
/// that no name is lost.
pub fn table_with_whole_names(rows: &[Vec<String>], indent: &str) -> String {
    let cleaned = cleaned(rows);
    let fitted = fitted_widths(&cleaned, indent.chars().count(), 3);
    let first_whole = cleaned
        .iter()
        .filter_map(|r| r.first())
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0);
    let stack = fitted.len() > 1 && fitted[0] < first_whole && cleaned.iter().all(|r| r.len() > 1);
    if !stack {
        return laid_out(rows, indent, true);
    }
    let rest: Vec<Vec<String>> = cleaned
        .iter()
        .map(|r| r[1.min(r.len())..].to_vec())
        .collect();
    let values = laid_out(&rest, &format!("{indent}    "), true);
    let name_width = TERMINAL_WIDTH.saturating_sub(indent.chars().count());
    let mut out = String::new();
    for (i, line) in values.lines().enumerate() {
        let name = cleaned[i].first().map(|s| s.trim()).unwrap_or("");
        if i > 0 && !name.is_empty() {
            let name = abbreviate(name, name_width.saturating_sub(2));
            out.push_str(&format!("{indent}  {name}\n"));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// [`table`] with every cell whole, however wide: for a caller that lays out a table too wide
/// for the terminal in another way (the name on a line of its own) rather than cut its text.
pub fn table_uncut(rows: &[Vec<String>], indent: &str) -> String {
    laid_out(rows, indent, false)
}

/// The cells as the terminal will show them, so that the columns line up.
fn cleaned(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|s| super::terminal::clean(s).into_owned())
                .collect()
        })
        .collect()
}

fn laid_out(rows: &[Vec<String>], indent: &str, fit: bool) -> String {
    let rows = cleaned(rows);
    let widths = if fit {
        fitted_widths(&rows, indent.chars().count(), 3)
    } else {
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        (0..cols)
            .map(|c| {
                rows.iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    };
    let mut out = String::new();
    for row in rows {
        out.push_str(indent);
        for (c, cell) in row.iter().enumerate() {
            let cell = &abbreviate(cell, widths[c]);
            let pad = widths[c] - cell.chars().count();
            if c == 0 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str("   ");
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_and_rounded() {
        assert_eq!(amount(1_234_567.0), "1 230 000");
        assert_eq!(amount(-45_612.0), "-45 600");
        assert_eq!(amount(0.8534), "0.853");
        assert_eq!(amount(-8.0), "-8");
        assert_eq!(amount(6.5), "6.5");
        assert_eq!(amount(0.0), "0");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(-0.0001, 0), "0");
    }

    #[test]
    fn means_keep_only_the_digits_their_error_supports() {
        assert_eq!(
            mean_with_mcse(1_234_567.0, 12_345.0),
            "1 230 000 (± 10 000)"
        );
        assert_eq!(mean_with_mcse(0.8534, 0.012), "0.85 (± 0.01)");
    }

    #[test]
    fn quantiles_are_rounded_by_their_interval() {
        // ±400 000: to 100 000s
        assert_eq!(
            amount_ci(-5_970_601.0, [-6_370_000.0, -5_570_000.0]),
            "-6 000 000"
        );
        // ±4 000 around 2.3 million: 3 significant digits, no finer
        assert_eq!(
            amount_ci(2_321_456.0, [2_317_000.0, 2_325_000.0]),
            "2 320 000"
        );
        // no interval (older results): 3 significant digits
        assert_eq!(amount_ci(16_777_191.0, [f64::NAN; 2]), "16 800 000");
        assert_eq!(amount_ci(-18_000.0, [-18_000.0, -18_000.0]), "-18 000");
        // a count whose interval is 1 … 2 is shown whole
        assert_eq!(amount_ci(1.0, [1.0, 2.0]), "1");
        assert_eq!(amount_ci(6.02, [5.5, 6.5]), "6.0");
    }

    #[test]
    fn shares_are_rounded_by_their_interval() {
        assert_eq!(share(0.604, [0.57, 0.63]), "60%");
        assert_eq!(share(0.6043, [0.5947, 0.6139]), "60.4%");
        let w = crate::stats::wilson(0, 100);
        assert_eq!(share(0.0, w), "0% (0–4%)");
        let w = crate::stats::wilson(0, 10_000);
        assert_eq!(share(0.0, w), "0% (0–0.04%)");
        assert_eq!(share(1.0, crate::stats::wilson(100, 100)), "100% (96–100%)");
        // a share that is neither 0 nor 1 does not print as either
        assert_eq!(share(0.001, [0.0002, 0.006]), "0.1%");
        assert_eq!(share(0.0004, [0.0002, 0.006]), "< 0.1%");
        assert_eq!(share(0.99996, [0.9998, 0.99999]), "> 99.99%");
        assert_eq!(share(0.4, [f64::NAN; 2]), "40%");
    }

    #[test]
    fn wide_tables_cut_their_text_not_their_numbers() {
        let long = "nya långa sjukskrivningar/aktivitetsersättningar".repeat(2);
        let rows = vec![
            vec![String::new(), "mean (± MCSE)".into(), long.clone()],
            vec![
                long.clone(),
                "1 230 000 (± 10 000)".into(),
                "12 345 678".into(),
            ],
        ];
        let text = table(&rows, "  ");
        for line in text.lines() {
            assert!(line.chars().count() <= TERMINAL_WIDTH, "{text}");
        }
        assert!(text.contains("1 230 000 (± 10 000)") && text.contains("12 345 678"));
        assert!(
            text.contains("nya långa sjukskrivningar/aktivitet…"),
            "{text}"
        );
        // a table that fits is left alone
        let small = vec![vec!["a".to_string(), "1".to_string()]];
        assert_eq!(table(&small, ""), "a   1\n");
    }

    #[test]
    fn long_lines_wrap_at_spaces_with_a_hanging_indent() {
        let line = format!("  {}", "word ".repeat(60));
        let input = format!("short\n{line}\nend");
        let text = fit_lines(&input);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "short");
        assert!(lines[1].starts_with("  word") && lines[2].starts_with("      word"));
        assert!(
            lines.iter().all(|l| l.chars().count() <= TERMINAL_WIDTH),
            "{text}"
        );
        assert_eq!(*lines.last().unwrap(), "end");
        assert_eq!(text.matches("word").count(), 60);
        let one_word = "x".repeat(250);
        assert!(
            fit_lines(&one_word)
                .lines()
                .all(|l| l.chars().count() <= TERMINAL_WIDTH)
        );
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(0.234), "23%");
        assert_eq!(percent(0.004), "0.4%");
        assert_eq!(percent(1.0), "100%");
    }
}
