//! Number formatting for readers: thousands separators and no false precision.

/// Rounds to `sig` significant digits.
pub fn round_sig(x: f64, sig: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = sig - 1 - x.abs().log10().floor() as i32;
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

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

/// A share as a whole percentage (one decimal under 1% or over 99%).
pub fn percent(p: f64) -> String {
    let pct = p * 100.0;
    if pct > 0.0 && pct < 1.0 || pct > 99.0 && pct < 100.0 {
        format!("{pct:.1}%")
    } else {
        format!("{pct:.0}%")
    }
}

/// Lays out rows as left-aligned first column and right-aligned others.
pub fn table(rows: &[Vec<String>], indent: &str) -> String {
    // cells as the terminal will show them, so the columns line up
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|s| super::terminal::clean(s).into_owned())
                .collect()
        })
        .collect();
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |c: usize| {
        rows.iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols).map(width).collect();
    let mut out = String::new();
    for row in rows {
        out.push_str(indent);
        for (c, cell) in row.iter().enumerate() {
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
    fn percentages() {
        assert_eq!(percent(0.234), "23%");
        assert_eq!(percent(0.004), "0.4%");
        assert_eq!(percent(1.0), "100%");
    }
}
