//! Numbers for the report's readers, in the report's language, with no false precision.
//!
//! - Swedish: a no-break space (U+00A0) between groups of thousands, a decimal comma, amounts
//!   as "kr", "tkr" (≥ 10 000) and "mnkr" (≥ 1 000 000), percentages as "14 %".
//! - English: a comma between groups of thousands, a decimal point, "SEK 9,500", "SEK 450 k",
//!   "SEK 8.4 m", percentages as "14%".
//! - Negative numbers carry the minus sign U+2212.
//!
//! Rounding: a range P5 … P95 is rounded to the decade of the wider half-width of its ends' 95%
//! intervals, never finer than three significant digits of its larger end (without intervals,
//! as in results written before them: two significant digits, three when the leading digit is
//! 1); a share to the decade of its interval's half-width, whole or tenths of a per cent; a mean
//! to the decade of its Monte Carlo standard error, and never finer than three significant
//! digits.

use super::Lang;
use crate::report::format::grouped_with;

/// The minus sign, U+2212.
pub const MINUS: char = '\u{2212}';
/// The no-break space, U+00A0: between groups of thousands and before units in Swedish.
pub const NBSP: char = '\u{a0}';

/// `x` with `decimals` decimals in the language's style: `−1 234,5` / `−1,234.5`.
pub fn number(lang: Lang, x: f64, decimals: usize) -> String {
    match lang {
        Lang::Sv => grouped_with(x, decimals, NBSP, ',', MINUS),
        Lang::En => grouped_with(x, decimals, ',', '.', MINUS),
    }
}

/// A number with up to `max_decimals` decimals and no trailing zeros: axis ticks, table cells.
pub fn plain(lang: Lang, x: f64, max_decimals: usize) -> String {
    let text = number(lang, x, max_decimals);
    let point = match lang {
        Lang::Sv => ',',
        Lang::En => '.',
    };
    if text.contains(point) {
        let t = text.trim_end_matches('0').trim_end_matches(point);
        if t == "−0" {
            "0".into()
        } else {
            t.to_string()
        }
    } else {
        text
    }
}

/// A number rounded to `sig` significant digits, without trailing zeros (parameter values).
pub fn sig(lang: Lang, x: f64, sig: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return number(lang, x, 0);
    }
    let e = decade(x.abs());
    let decimals = (sig - 1 - e).max(0) as usize;
    let step = 10f64.powi(e - sig + 1);
    let rounded = if e - sig + 1 > 0 {
        (x / step).round() * step
    } else {
        x
    };
    plain(lang, rounded, decimals)
}

/// The decade of a positive number: ⌊log10 x⌋, exact for powers of ten.
pub fn decade(x: f64) -> i32 {
    let mut e = x.log10().floor() as i32;
    // log10 can land a hair below an exact power of ten
    if 10f64.powi(e + 1) <= x {
        e += 1;
    } else if 10f64.powi(e) > x {
        e -= 1;
    }
    e
}

/// The exponent of the rounding step of a range whose larger end is `max_abs`: two significant
/// digits, three when the leading digit is 1.
pub fn range_exponent(max_abs: f64) -> i32 {
    if max_abs == 0.0 || !max_abs.is_finite() {
        return 0;
    }
    let e = decade(max_abs);
    let lead = max_abs / 10f64.powi(e);
    if lead < 2.0 { e - 2 } else { e - 1 }
}

/// The exponent of the rounding step of a mean: the decade of its MCSE, never finer than three
/// significant digits of the mean.
pub fn mean_exponent(mean: f64, mcse: f64) -> i32 {
    let by_sig = if mean == 0.0 || !mean.is_finite() {
        i32::MIN
    } else {
        decade(mean.abs()) - 2
    };
    let by_mcse = if mcse > 0.0 && mcse.is_finite() {
        decade(mcse)
    } else {
        i32::MIN
    };
    let e = by_sig.max(by_mcse);
    if e == i32::MIN { 0 } else { e }
}

/// Rounds `x` to a multiple of 10^e.
pub fn round_to(x: f64, e: i32) -> f64 {
    if e >= 0 {
        let f = 10f64.powi(e);
        (x / f).round() * f
    } else {
        let f = 10f64.powi(-e);
        (x * f).round() / f
    }
}

/// A count or other quantity (outcomes) rounded to 10^e, as whole numbers when e ≥ 0.
pub fn quantity(lang: Lang, x: f64, e: i32) -> String {
    number(lang, round_to(x, e), (-e).max(0) as usize)
}

/// A share as a whole percentage: "14 %" in Swedish, "14%" in English; "< 1 %" and "> 99 %"
/// for shares that are neither 0 nor 1 but round to them.
pub fn percent(lang: Lang, p: f64) -> String {
    let sep = match lang {
        Lang::Sv => NBSP.to_string(),
        Lang::En => String::new(),
    };
    if !p.is_finite() {
        return "–".to_string();
    }
    let pct = p * 100.0;
    if pct > 0.0 && pct < 0.5 {
        return format!("<{NBSP}1{sep}%");
    }
    if pct > 99.5 && pct < 100.0 {
        return format!(">{NBSP}99{sep}%");
    }
    format!("{}{sep}%", number(lang, pct.round(), 0))
}

/// A share rounded to what its 95% interval supports (to whole or tenths of a per cent, see
/// [`crate::report::format::share_parts`]): "60 %", "60,4 %", "0 % (0–4 %)", "< 1 %";
/// without a known interval, [`percent`].
pub fn percent_ci(lang: Lang, p: f64, ci: [f64; 2]) -> String {
    if !p.is_finite() {
        return "–".to_string();
    }
    let sep = match lang {
        Lang::Sv => NBSP.to_string(),
        Lang::En => String::new(),
    };
    let Some(text) = crate::report::format::share_parts(p, ci, -1, &|x, d| number(lang, x, d))
    else {
        return percent(lang, p);
    };
    match text.split_once(' ') {
        Some((head, tail)) if tail.starts_with('(') => {
            format!("{head}{sep}% {}{sep}%)", &tail[..tail.len() - 1])
        }
        Some((head, tail)) => format!("{head}{NBSP}{tail}{sep}%"),
        None => format!("{text}{sep}%"),
    }
}

/// A share as a whole percentage without the sign: the number in "14 %".
pub fn percent_number(p: f64) -> i64 {
    (p * 100.0).round() as i64
}

/// The exponent of the rounding step of P5 … P95: the decade of the wider half-width of their
/// 95% intervals, never finer than three significant digits of the larger end; without known
/// intervals, [`range_exponent`].
pub fn quantile_range_exponent(s: &crate::stats::Summary) -> i32 {
    let max_abs = s.p5.abs().max(s.p95.abs());
    let by_ci = [s.p5_ci, s.p95_ci]
        .into_iter()
        .filter_map(crate::report::format::ci_exponent)
        .max();
    match by_ci {
        Some(e) if max_abs > 0.0 && max_abs.is_finite() => e.max(decade(max_abs) - 2),
        _ => range_exponent(max_abs),
    }
}

/// The scale amounts are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    One,
    Thousand,
    Million,
}

impl Scale {
    /// The scale for amounts whose largest magnitude is `max_abs`: millions from 1 000 000,
    /// thousands from 10 000.
    pub fn of(max_abs: f64) -> Scale {
        if max_abs >= 999_500.0 {
            Scale::Million
        } else if max_abs >= 9_995.0 {
            Scale::Thousand
        } else {
            Scale::One
        }
    }

    pub fn exponent(self) -> i32 {
        match self {
            Scale::One => 0,
            Scale::Thousand => 3,
            Scale::Million => 6,
        }
    }

    pub fn factor(self) -> f64 {
        10f64.powi(self.exponent())
    }
}

/// The two ends of a range of amounts, rounded alike: the lower end with and without its unit,
/// the upper end with it ("−1,6", "−1,6 mnkr", "2,3 mnkr").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ends {
    pub lo_figure: String,
    pub lo: String,
    pub hi: String,
}

/// Amounts of money in the scenario's currency, in the report's language.
#[derive(Clone, Debug)]
pub struct Money {
    pub lang: Lang,
    pub currency: String,
}

impl Money {
    pub fn new(lang: Lang, currency: &str) -> Money {
        Money {
            lang,
            currency: currency.to_string(),
        }
    }

    fn sek(&self) -> bool {
        self.currency.eq_ignore_ascii_case("SEK") || self.currency.is_empty()
    }

    /// The unit of a scale, for axis titles and column heads: "mnkr", "SEK m".
    pub fn unit(&self, scale: Scale) -> String {
        let c = &self.currency;
        match (self.lang, self.sek(), scale) {
            (Lang::Sv, true, Scale::One) => "kr".into(),
            (Lang::Sv, true, Scale::Thousand) => "tkr".into(),
            (Lang::Sv, true, Scale::Million) => "mnkr".into(),
            (Lang::Sv, false, Scale::One) => c.clone(),
            (Lang::Sv, false, Scale::Thousand) => format!("tusen{NBSP}{c}"),
            (Lang::Sv, false, Scale::Million) => format!("milj.{NBSP}{c}"),
            (Lang::En, true, Scale::One) => "SEK".into(),
            (Lang::En, true, Scale::Thousand) => "SEK k".into(),
            (Lang::En, true, Scale::Million) => "SEK m".into(),
            (Lang::En, false, Scale::One) => c.clone(),
            (Lang::En, false, Scale::Thousand) => format!("{c} k"),
            (Lang::En, false, Scale::Million) => format!("{c} m"),
        }
    }

    /// The bare number of `x` rounded to 10^e and shown in `scale`: "16,8" for 16 777 191 in
    /// millions with e = 5.
    pub fn figure(&self, x: f64, e: i32, scale: Scale) -> String {
        let decimals = (scale.exponent() - e).max(0) as usize;
        number(self.lang, round_to(x, e) / scale.factor(), decimals)
    }

    /// A number with its unit: "8,4 mnkr", "SEK 8.4 m", "SEK 9,500".
    pub fn with_unit(&self, figure: &str, scale: Scale) -> String {
        let c = &self.currency;
        match (self.lang, self.sek(), scale) {
            (Lang::Sv, _, _) => format!("{figure}{NBSP}{}", self.unit(scale)),
            (Lang::En, true, Scale::One) => format!("SEK{NBSP}{figure}"),
            (Lang::En, true, Scale::Thousand) => format!("SEK{NBSP}{figure}{NBSP}k"),
            (Lang::En, true, Scale::Million) => format!("SEK{NBSP}{figure}{NBSP}m"),
            (Lang::En, false, Scale::One) => format!("{c}{NBSP}{figure}"),
            (Lang::En, false, Scale::Thousand) => format!("{c}{NBSP}{figure}{NBSP}k"),
            (Lang::En, false, Scale::Million) => format!("{c}{NBSP}{figure}{NBSP}m"),
        }
    }

    /// An amount rounded to 10^e with its unit.
    pub fn amount(&self, x: f64, e: i32) -> String {
        let scale = Scale::of(round_to(x, e).abs());
        self.with_unit(&self.figure(x, e, scale), scale)
    }

    /// An amount with two or three significant digits and its unit: "450 tkr".
    pub fn approx(&self, x: f64) -> String {
        self.amount(x, range_exponent(x.abs()))
    }

    /// A mean rounded to what its MCSE supports, with its unit: "3,11 mnkr".
    pub fn mean(&self, mean: f64, mcse: f64) -> String {
        self.amount(mean, mean_exponent(mean, mcse))
    }

    /// The two ends of a range, rounded alike, and their shared scale: ("−6,0", "16,8",
    /// Million) for −5 970 601 … 16 777 191.
    pub fn range_parts(&self, lo: f64, hi: f64) -> (String, String, Scale) {
        let max_abs = lo.abs().max(hi.abs());
        let e = range_exponent(max_abs);
        let scale = Scale::of(round_to(max_abs, e));
        (self.figure(lo, e, scale), self.figure(hi, e, scale), scale)
    }

    /// A range with its unit once: "−6,0 … 16,8 mnkr", "SEK −6.0 m … 16.8 m".
    pub fn range(&self, lo: f64, hi: f64) -> String {
        let e = range_exponent(lo.abs().max(hi.abs()));
        self.range_at(lo, hi, e)
    }

    /// The range P5 … P95 of `s`, rounded to what the quantiles' 95% intervals support (the
    /// decade of the wider half-width), never finer than three significant digits of the
    /// larger end; without known intervals, as [`Money::range`].
    pub fn quantile_range(&self, s: &crate::stats::Summary) -> String {
        self.range_at(s.p5, s.p95, quantile_range_exponent(s))
    }

    /// The two ends of [`Money::quantile_range`] and their scale, as [`Money::range_parts`].
    pub fn quantile_range_parts(&self, s: &crate::stats::Summary) -> (String, String, Scale) {
        let e = quantile_range_exponent(s);
        let scale = Scale::of(round_to(s.p5.abs().max(s.p95.abs()), e));
        (
            self.figure(s.p5, e, scale),
            self.figure(s.p95, e, scale),
            scale,
        )
    }

    /// The two ends of [`Money::quantile_range`], for "mellan … och …" sentences.
    pub fn quantile_ends(&self, s: &crate::stats::Summary) -> Ends {
        let e = quantile_range_exponent(s);
        self.ends_at(s.p5, s.p95, e)
    }

    /// The two ends of [`Money::range`], for "mellan … och …" sentences.
    pub fn range_ends(&self, lo: f64, hi: f64) -> Ends {
        self.ends_at(lo, hi, range_exponent(lo.abs().max(hi.abs())))
    }

    fn ends_at(&self, lo: f64, hi: f64, e: i32) -> Ends {
        let scale = Scale::of(round_to(lo.abs().max(hi.abs()), e));
        let (a, b) = (self.figure(lo, e, scale), self.figure(hi, e, scale));
        // a zero end needs no scale ("SEK 0", not "SEK 0 k")
        let end = |f: &str| {
            if f.chars().all(|c| matches!(c, '0' | '.' | ',' | MINUS)) {
                self.with_unit("0", Scale::One)
            } else {
                self.with_unit(f, scale)
            }
        };
        Ends {
            lo: end(&a),
            hi: self.with_unit(&b, scale),
            lo_figure: a,
        }
    }

    fn range_at(&self, lo: f64, hi: f64, e: i32) -> String {
        let max_abs = lo.abs().max(hi.abs());
        let scale = Scale::of(round_to(max_abs, e));
        let (a, b) = (self.figure(lo, e, scale), self.figure(hi, e, scale));
        match self.lang {
            Lang::Sv => format!("{a} … {}", self.with_unit(&b, scale)),
            Lang::En => {
                // each end has its unit; a zero end needs no scale ("SEK 0", not "SEK 0 k")
                let end = |f: &str| {
                    if f.chars().all(|c| matches!(c, '0' | '.' | ',' | MINUS)) {
                        self.with_unit("0", Scale::One)
                    } else {
                        self.with_unit(f, scale)
                    }
                };
                format!("{} … {}", end(&a), end(&b))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_both_languages() {
        assert_eq!(number(Lang::Sv, -1234.56, 1), "−1\u{a0}234,6");
        assert_eq!(number(Lang::En, -1234.56, 1), "−1,234.6");
        assert_eq!(number(Lang::Sv, -0.0001, 0), "0");
        assert_eq!(plain(Lang::Sv, 2.50, 2), "2,5");
        assert_eq!(plain(Lang::En, -0.001, 2), "0");
        assert_eq!(sig(Lang::En, 0.80986, 2), "0.81");
        assert_eq!(sig(Lang::Sv, 128_629.5, 3), "129\u{a0}000");
    }

    #[test]
    fn amounts_use_tkr_and_mnkr() {
        let sv = Money::new(Lang::Sv, "SEK");
        let en = Money::new(Lang::En, "SEK");
        assert_eq!(sv.approx(8_412_000.0), "8,4\u{a0}mnkr");
        assert_eq!(sv.approx(452_000.0), "450\u{a0}tkr");
        assert_eq!(sv.approx(-1_234_000.0), "−1,23\u{a0}mnkr");
        assert_eq!(sv.approx(9_460.0), "9\u{a0}500\u{a0}kr");
        assert_eq!(en.approx(8_412_000.0), "SEK\u{a0}8.4\u{a0}m");
        assert_eq!(en.approx(452_000.0), "SEK\u{a0}450\u{a0}k");
        assert_eq!(
            sv.range(-5_970_601.4, 16_777_191.4),
            "−6,0 … 16,8\u{a0}mnkr"
        );
        assert_eq!(
            en.range(-1_234_000.0, 8_412_000.0),
            "SEK\u{a0}−1.2\u{a0}m … SEK\u{a0}8.4\u{a0}m"
        );
        assert_eq!(en.range(0.0, 236_000.0), "SEK\u{a0}0 … SEK\u{a0}240\u{a0}k");
        assert_eq!(sv.range(-18_000.0, 0.0), "−18,0 … 0,0\u{a0}tkr");
    }

    #[test]
    fn means_keep_the_digits_their_error_supports() {
        let sv = Money::new(Lang::Sv, "SEK");
        assert_eq!(sv.mean(3_110_916.4, 73_130.7), "3,11\u{a0}mnkr");
        assert_eq!(sv.mean(82_155.7, 819.9), "82,2\u{a0}tkr");
        assert_eq!(sv.mean(3_110_916.4, 0.0), "3,11\u{a0}mnkr");
        assert_eq!(
            quantity(Lang::Sv, -2.7796, mean_exponent(-2.7796, 0.0297)),
            "−2,78"
        );
    }

    #[test]
    fn percentages_and_ranges_follow_their_intervals() {
        assert_eq!(percent_ci(Lang::Sv, 0.604, [0.57, 0.63]), "60\u{a0}%");
        assert_eq!(
            percent_ci(Lang::Sv, 0.6043, [0.5947, 0.6139]),
            "60,4\u{a0}%"
        );
        let w = crate::stats::wilson(0, 100);
        assert_eq!(percent_ci(Lang::Sv, 0.0, w), "0\u{a0}% (0–4\u{a0}%)");
        assert_eq!(percent_ci(Lang::En, 0.0, w), "0% (0–4%)");
        assert_eq!(percent_ci(Lang::En, 0.4, [f64::NAN; 2]), "40%");
        let sv = Money::new(Lang::Sv, "SEK");
        let mut s = crate::stats::Summary::of(&[-5_970_601.4, 16_777_191.4]).unwrap();
        (s.p5, s.p95) = (-5_970_601.4, 16_777_191.4);
        // P95 known to ±1 000 000: whole millions
        (s.p5_ci, s.p95_ci) = ([-6.1e6, -5.8e6], [15.8e6, 17.8e6]);
        assert_eq!(sv.quantile_range(&s), "−6 … 17\u{a0}mnkr");
        // known to ±4 000: three significant digits of the larger end
        (s.p5_ci, s.p95_ci) = ([-5.974e6, -5.966e6], [16.773e6, 16.781e6]);
        assert_eq!(sv.quantile_range(&s), "−6,0 … 16,8\u{a0}mnkr");
    }

    #[test]
    fn percentages_are_whole() {
        assert_eq!(percent(Lang::Sv, 0.3996), "40\u{a0}%");
        assert_eq!(percent(Lang::En, 0.3996), "40%");
        assert_eq!(percent(Lang::En, 0.001), "<\u{a0}1%");
        assert_eq!(percent(Lang::En, 1.0), "100%");
    }

    #[test]
    fn decades_are_exact() {
        assert_eq!(decade(1000.0), 3);
        assert_eq!(decade(999.999), 2);
        assert_eq!(decade(0.1), -1);
        assert_eq!(range_exponent(16_777_191.0), 5);
        assert_eq!(range_exponent(8_400_000.0), 5);
    }
}
