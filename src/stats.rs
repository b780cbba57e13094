//! Summaries of Monte Carlo output: mean with its standard error, spread, quantiles with their
//! confidence intervals, shares with theirs, ratios of means, payback. Everything is computed from
//! values in iteration order, so it is reproducible.
//!
//! May import: no socinv module (outside crates only); every other layer may import it. The
//! layer order is in `lib.rs`.

use rayon::slice::ParallelSliceMut;
use serde::{Deserialize, Deserializer, Serialize};
use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};

/// The confidence level of every interval reported: 95%.
pub const LEVEL: f64 = 0.95;

/// A confidence interval `[lo, hi]`; `[NaN, NaN]` (written as nulls) when unknown, e.g. in
/// results written before intervals existed.
pub type Interval = [f64; 2];

/// The unknown interval.
pub const UNKNOWN: Interval = [f64::NAN, f64::NAN];

fn unknown() -> Interval {
    UNKNOWN
}

/// Reads an interval whose bounds may be `null` (NaN) or which may be missing.
pub fn interval_or_unknown<'de, D: Deserializer<'de>>(d: D) -> Result<Interval, D::Error> {
    let v = Option::<[Option<f64>; 2]>::deserialize(d)?;
    Ok(v.map_or(UNKNOWN, |[a, b]| {
        [a.unwrap_or(f64::NAN), b.unwrap_or(f64::NAN)]
    }))
}

/// Rounds to `sig` significant digits.
pub fn round_sig(x: f64, sig: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = sig - 1 - x.abs().log10().floor() as i32;
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The standard normal quantile of (1 + LEVEL)/2, 1.96.
pub fn z_level() -> f64 {
    Normal::standard().inverse_cdf(0.5 + LEVEL / 2.0)
}

/// The 0-based ranks `(l, u)` of the distribution-free order-statistic interval
/// `[x_(l), x_(u)]` for the p-quantile of `n` values: with B ~ Binomial(n, p) the number of values
/// below the quantile, P(B < l+1) ≤ (1−LEVEL)/2 and P(B > u) ≤ (1−LEVEL)/2, so the interval
/// covers the quantile with probability ≥ LEVEL for any continuous distribution. A rank outside
/// the sample is clamped to its ends (then the coverage is not guaranteed: too few values).
pub fn quantile_ci_ranks(n: usize, p: f64) -> (usize, usize) {
    assert!(n > 0, "no values");
    /// (n, the bits of p) and the ranks found for them.
    type Found = Vec<((usize, u64), (usize, usize))>;
    thread_local! {
        /// The ranks already found on this thread: a run asks for the same few (n, p) for
        /// every summary, and each costs two binomial inverses (tens of µs at 10^4 values).
        static FOUND: std::cell::RefCell<Found> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let key = (n, p.to_bits());
    if let Some(ranks) = FOUND.with_borrow(|f| f.iter().find(|(k, _)| *k == key).map(|e| e.1)) {
        return ranks;
    }
    let tail = (1.0 - LEVEL) / 2.0;
    let b = Binomial::new(p.clamp(0.0, 1.0), n as u64).expect("p in [0, 1]");
    let lo = b.inverse_cdf(tail) as usize;
    let hi = b.inverse_cdf(1.0 - tail) as usize;
    let ranks = (lo.saturating_sub(1), hi.min(n - 1));
    FOUND.with_borrow_mut(|f| {
        if f.len() >= 64 {
            f.clear();
        }
        f.push((key, ranks));
    });
    ranks
}

/// The order-statistic confidence interval of the p-quantile of sorted values
/// ([`quantile_ci_ranks`]).
pub fn quantile_ci(sorted: &[f64], p: f64) -> Interval {
    let (l, u) = quantile_ci_ranks(sorted.len(), p);
    [sorted[l], sorted[u]]
}

/// The Monte Carlo standard error a confidence interval implies: its width / (2 · 1.96).
pub fn interval_mcse(ci: Interval) -> f64 {
    (ci[1] - ci[0]) / (2.0 * z_level())
}

/// Wilson's score interval for `successes` of `n`: never "± 0", also at 0 and n
/// (for 0 of 100 it is 0–3.7%).
pub fn wilson(successes: usize, n: usize) -> Interval {
    wilson_fraction(successes as f64, n)
}

/// [`wilson`] for a count that need not be whole (e.g. ties split between options).
pub fn wilson_fraction(successes: f64, n: usize) -> Interval {
    if n == 0 {
        return UNKNOWN;
    }
    let (k, n) = (successes, n as f64);
    let z = z_level();
    let p = k / n;
    let z2n = z * z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z / (1.0 + z2n) * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
    let lo = if k == 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if k == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    [lo, hi]
}

/// The distribution of one quantity over the iterations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub mean: f64,
    /// Standard deviation over iterations.
    pub sd: f64,
    /// Monte Carlo standard error of the mean: sd / √n.
    pub mcse: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
    pub min: f64,
    pub max: f64,
    /// 95% confidence intervals of P5, P50 and P95 (order statistics, [`quantile_ci`]).
    #[serde(default = "unknown", deserialize_with = "interval_or_unknown")]
    pub p5_ci: Interval,
    #[serde(default = "unknown", deserialize_with = "interval_or_unknown")]
    pub p50_ci: Interval,
    #[serde(default = "unknown", deserialize_with = "interval_or_unknown")]
    pub p95_ci: Interval,
}

impl Summary {
    /// Summarises `values`; `None` if empty or if any value is not finite (e.g. a ROI with a zero
    /// investment).
    pub fn of(values: &[f64]) -> Option<Summary> {
        Summary::of_vec(values.to_vec())
    }

    /// [`Summary::of`] values that may be reordered (sorted in place: no copy is made).
    pub fn of_vec(values: Vec<f64>) -> Option<Summary> {
        if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let n = values.len() as f64;
        // the extremes in the order of the sort below: equal values under total_cmp are the
        // same bits
        let extreme = |pick: fn(f64, f64) -> bool| {
            values
                .iter()
                .copied()
                .reduce(|a, b| if pick(a, b) { a } else { b })
                .expect("not empty")
        };
        let min = extreme(|a, b| a.total_cmp(&b).is_le());
        let max = extreme(|a, b| a.total_cmp(&b).is_ge());
        // A constant (e.g. a fixed program cost) has exactly that mean and sd 0, not rounding
        // noise; otherwise the mean is kept inside [min, max].
        let mean = if min == max {
            min
        } else {
            (values.iter().sum::<f64>() / n).clamp(min, max)
        };
        let sd = if values.len() > 1 && min != max {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        let mut sorted = values;
        // one order for any thread count
        sorted.par_sort_unstable_by(f64::total_cmp);
        let q = |p: f64| quantile_sorted(&sorted, p);
        Some(Summary {
            mean,
            sd,
            mcse: sd / n.sqrt(),
            p5: q(0.05),
            p10: q(0.10),
            p25: q(0.25),
            p50: q(0.50),
            p75: q(0.75),
            p90: q(0.90),
            p95: q(0.95),
            min,
            max,
            p5_ci: quantile_ci(&sorted, 0.05),
            p50_ci: quantile_ci(&sorted, 0.50),
            p95_ci: quantile_ci(&sorted, 0.95),
        })
    }

    /// The summary of no values: every field NaN.
    pub fn undefined() -> Summary {
        let nan = f64::NAN;
        Summary {
            mean: nan,
            sd: nan,
            mcse: nan,
            p5: nan,
            p10: nan,
            p25: nan,
            p50: nan,
            p75: nan,
            p90: nan,
            p95: nan,
            min: nan,
            max: nan,
            p5_ci: UNKNOWN,
            p50_ci: UNKNOWN,
            p95_ci: UNKNOWN,
        }
    }
}

/// The p-quantile of sorted values, interpolating linearly between order statistics
/// (Hyndman & Fan type 7, the default of R and numpy).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The weighted mean, sd and p-quantiles of `values` with normalised `weights` (sum 1): each
/// quantile the smallest value whose cumulative weight reaches p (the inverse of the weighted
/// empirical distribution function).
pub fn weighted_spread(values: &[f64], weights: &[f64], ps: &[f64]) -> (f64, f64, Vec<f64>) {
    let mean: f64 = values.iter().zip(weights).map(|(v, w)| v * w).sum();
    let var: f64 = values
        .iter()
        .zip(weights)
        .map(|(v, w)| w * (v - mean).powi(2))
        .sum();
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let quantiles = ps
        .iter()
        .map(|&p| {
            let mut cumulative = 0.0;
            for &i in &order {
                cumulative += weights[i];
                if cumulative >= p - 1e-12 {
                    return values[i];
                }
            }
            values[*order.last().expect("at least one value")]
        })
        .collect();
    (mean, var.max(0.0).sqrt(), quantiles)
}

/// A share of iterations, with its Monte Carlo standard error √(p(1−p)/n) and its 95% Wilson
/// interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub p: f64,
    pub mcse: f64,
    pub ci: Interval,
}

impl Share {
    /// The share of `values` for which `pred` holds.
    pub fn of<T>(values: &[T], pred: impl Fn(&T) -> bool) -> Share {
        Share::count(values.iter().filter(|v| pred(v)).count(), values.len())
    }

    /// `successes` of `n`.
    pub fn count(successes: usize, n: usize) -> Share {
        let p = successes as f64 / n.max(1) as f64;
        Share {
            p,
            mcse: (p * (1.0 - p) / n.max(1) as f64).sqrt(),
            ci: wilson(successes, n),
        }
    }
}

/// A ratio of two means, mean(numerator) / mean(denominator), with its delta-method Monte Carlo
/// standard error: Var(R̂) ≈ Var(N − R·I) / (n · mean(I)²)
/// = (σ_N² − 2R·σ_NI + R²·σ_I²) / (n · μ_I²).
#[derive(Clone, Debug, PartialEq)]
pub struct RatioOfMeans {
    pub ratio: f64,
    pub mcse: f64,
    /// The linearised per-iteration values (N_i − R·I_i) / μ_I, whose mean is 0 and whose
    /// sd/√n is the MCSE: a difference of two ratios with common random numbers has the MCSE of
    /// the paired difference of these.
    pub influence: Vec<f64>,
}

impl RatioOfMeans {
    /// `None` when there are no values or the denominator's mean is 0 or not finite.
    pub fn of(numerator: &[f64], denominator: &[f64]) -> Option<RatioOfMeans> {
        let n = numerator.len();
        if n == 0 || denominator.len() != n {
            return None;
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
        let (mn, md) = (mean(numerator), mean(denominator));
        if md == 0.0 || !md.is_finite() || !mn.is_finite() {
            return None;
        }
        let ratio = mn / md;
        let influence: Vec<f64> = numerator
            .iter()
            .zip(denominator)
            .map(|(a, b)| (a - ratio * b) / md)
            .collect();
        let mcse = if n > 1 {
            let m = mean(&influence);
            (influence.iter().map(|z| (z - m).powi(2)).sum::<f64>() / (n as f64 - 1.0) / n as f64)
                .sqrt()
        } else {
            0.0
        };
        Some(RatioOfMeans {
            ratio,
            mcse,
            influence,
        })
    }
}

/// The payback year, given the cumulative net at the end of each year (the last one is the net
/// over the horizon): the first year t whose cumulative net is > 0 and stays ≥ 0 to the
/// horizon. `None` when the net over the horizon is ≤ 0, so an iteration pays back within the
/// horizon exactly when its net is positive; a year before anything happened (cumulative 0)
/// does not count, nor does a year followed by a dip below 0.
pub fn payback_year(cumulative: &[f64]) -> Option<u32> {
    if !matches!(cumulative.last(), Some(c) if *c > 0.0) {
        return None;
    }
    let after_last_dip = cumulative
        .iter()
        .rposition(|c| *c < 0.0)
        .map_or(0, |t| t + 1);
    (after_last_dip..cumulative.len())
        .find(|&t| cumulative[t] > 0.0)
        .map(|t| t as u32)
}

/// A histogram of per-iteration values, for charts drawn from the results alone: `counts` in
/// equal bins from `lo` to `hi`, which span P0.5–P99.5 of the values widened to include 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<u64>,
    /// All finite values, including those outside [lo, hi].
    pub n: u64,
}

impl Histogram {
    /// Bins used for the net's histogram.
    pub const BINS: usize = 40;

    /// The histogram of the finite `values` in `bins` bins; `None` if there are none.
    pub fn of(values: &[f64], bins: usize) -> Option<Histogram> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() || bins == 0 {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let (lo, hi) = (
            quantile_sorted(&sorted, 0.005).min(0.0),
            quantile_sorted(&sorted, 0.995).max(0.0),
        );
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0u64; bins];
        if width > 0.0 {
            for v in sorted.iter().filter(|v| (lo..=hi).contains(*v)) {
                counts[(((v - lo) / width) as usize).min(bins - 1)] += 1;
            }
        }
        Some(Histogram {
            lo,
            hi,
            counts,
            n: sorted.len() as u64,
        })
    }
}

/// Payback over the iterations: the share paid back by each year, and the median year, each
/// with its 95% interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Payback {
    /// Share of iterations that pay back within the horizon (= the share with net > 0).
    pub prob_within_horizon: f64,
    /// Its Wilson interval.
    #[serde(default = "unknown", deserialize_with = "interval_or_unknown")]
    pub prob_within_horizon_ci: Interval,
    /// The year by which half the iterations have paid back; `None` if fewer than half do.
    pub median_year: Option<u32>,
    /// The order-statistic interval of the median year, `[lo, hi]`; a bound is `None` where it
    /// lies beyond the horizon (no payback). `None` when unknown (older results).
    #[serde(default)]
    pub median_year_ci: Option<[Option<u32>; 2]>,
    /// Share of iterations paid back by each year (`cdf[t]` = share with payback year ≤ t).
    pub cdf: Vec<f64>,
    /// The Wilson interval of each `cdf[t]` (empty in older results).
    #[serde(default)]
    pub cdf_ci: Vec<Interval>,
}

impl Payback {
    pub fn of(years: &[Option<u32>], horizon: usize) -> Payback {
        let mut counts = vec![0usize; horizon];
        for y in years.iter().flatten() {
            counts[*y as usize] += 1;
        }
        let mut acc = 0;
        let shares: Vec<Share> = counts
            .iter()
            .map(|c| {
                acc += c;
                Share::count(acc, years.len())
            })
            .collect();
        let cdf: Vec<f64> = shares.iter().map(|s| s.p).collect();
        // the median year's interval: order statistics of the years, no payback sorting last
        let median_year_ci = (!years.is_empty()).then(|| {
            let mut sorted: Vec<u32> = years.iter().map(|y| y.unwrap_or(u32::MAX)).collect();
            sorted.sort_unstable();
            let (l, u) = quantile_ci_ranks(sorted.len(), 0.5);
            [sorted[l], sorted[u]].map(|y| (y != u32::MAX).then_some(y))
        });
        Payback {
            prob_within_horizon: cdf.last().copied().unwrap_or(0.0),
            prob_within_horizon_ci: shares.last().map_or(UNKNOWN, |s| s.ci),
            median_year: cdf.iter().position(|&c| c >= 0.5).map(|t| t as u32),
            median_year_ci,
            cdf,
            cdf_ci: shares.iter().map(|s| s.ci).collect(),
        }
    }
}

/// Spearman's rank correlation of two equally long samples (average ranks for ties).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let (rx, ry) = (ranks(x), ranks(y));
    pearson(&rx, &ry)
}

/// Ranks 1..n of the values, ties sharing their average rank.
pub fn ranks(v: &[f64]) -> Vec<f64> {
    twice_ranks(v)
        .into_iter()
        .map(|r| f64::from(r) / 2.0)
        .collect()
}

/// Twice the [`ranks`] (ranks of ties are halves): 4 bytes a value, exact for fewer than 2³¹
/// values.
pub fn twice_ranks(v: &[f64]) -> Vec<u32> {
    assert!(v.len() < 1 << 31, "at most 2³¹ − 1 values are ranked");
    let mut idx: Vec<u32> = (0..v.len() as u32).collect();
    let at = |i: u32| v[i as usize];
    // tied values share their average rank, so the order among them does not matter
    idx.par_sort_unstable_by(|&a, &b| at(a).total_cmp(&at(b)));
    let mut r = vec![0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && at(idx[j + 1]) == at(idx[i]) {
            j += 1;
        }
        // (i + 1 + j + 1) / 2, doubled
        let twice = (i + j + 2) as u32;
        for &k in &idx[i..=j] {
            r[k as usize] = twice;
        }
        i = j + 1;
    }
    r
}

/// Pearson's correlation; `None` for fewer than 3 values or a constant sample.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson_by(x.len().min(y.len()), |i| x[i], |i| y[i])
}

/// Pearson's correlation of the `len` pairs `(x(i), y(i))`, for values not kept in slices.
pub fn pearson_by(len: usize, x: impl Fn(usize) -> f64, y: impl Fn(usize) -> f64) -> Option<f64> {
    let n = len as f64;
    if len < 3 {
        return None;
    }
    let (mx, my) = (
        (0..len).map(&x).sum::<f64>() / n,
        (0..len).map(&y).sum::<f64>() / n,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..len {
        let (a, b) = (x(i), y(i));
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_spans_the_middle_99_percent_and_zero() {
        let values: Vec<f64> = (1..=1000).map(f64::from).collect();
        let h = Histogram::of(&values, 10).unwrap();
        assert_eq!(h.lo, 0.0, "widened to include 0");
        assert!((h.hi - quantile_sorted(&values, 0.995)).abs() < 1e-9);
        assert_eq!(h.n, 1000);
        assert_eq!(h.counts.len(), 10);
        // the 5 values above P99.5 are left out of the bins, not of n
        assert_eq!(h.counts.iter().sum::<u64>(), 995);
        assert!(Histogram::of(&[f64::NAN], 10).is_none());
    }

    #[test]
    fn summary_of_known_values() {
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(s.mean, 3.0);
        assert!((s.sd - 2.5f64.sqrt()).abs() < 1e-12);
        assert!((s.mcse - (2.5f64 / 5.0).sqrt()).abs() < 1e-12);
        assert_eq!(s.p50, 3.0);
        assert_eq!(s.p25, 2.0);
        assert!((s.p5 - 1.2).abs() < 1e-12);
        assert_eq!((s.min, s.max), (1.0, 5.0));
        assert!(Summary::of(&[1.0, f64::NAN]).is_none());
    }

    #[test]
    fn payback_is_the_first_year_positive_for_good() {
        // cumulative nets: positive from year 3 on
        assert_eq!(payback_year(&[-10.0, -6.0, -1.0, 4.0, 5.0]), Some(3));
        // a dip after turning positive moves payback to after the dip
        assert_eq!(payback_year(&[-10.0, 1.0, -2.0, 3.0]), Some(3));
        // ends below 0: no payback, however it went before
        assert_eq!(payback_year(&[-10.0, 1.0, 5.0, -3.0]), None);
        // a year before anything happens (cumulative 0) is not payback
        assert_eq!(payback_year(&[0.0, -100.0, -100.0]), None);
        assert_eq!(payback_year(&[0.0, 0.0, 5.0]), Some(2));
        // a net of exactly 0 neither pays back nor loses
        assert_eq!(payback_year(&[0.0]), None);
        assert_eq!(payback_year(&[-5.0, 5.0, 0.0]), None);
        assert_eq!(payback_year(&[-5.0, 0.0, 1.0]), Some(2));
        assert_eq!(payback_year(&[]), None);
        let p = Payback::of(&[Some(1), Some(2), None, Some(2)], 4);
        assert_eq!(p.cdf, vec![0.0, 0.25, 0.75, 0.75]);
        assert_eq!(p.median_year, Some(2));
        assert_eq!(p.prob_within_horizon, 0.75);
        assert_eq!(p.cdf_ci.len(), 4);
        assert_eq!(p.cdf_ci[0][0], 0.0);
        assert!(
            p.cdf_ci[0][1] > 0.0,
            "0 of 4 is not certain: {:?}",
            p.cdf_ci[0]
        );
        assert_eq!(Payback::of(&[None, None, Some(0)], 3).median_year, None);
    }

    #[test]
    fn the_median_payback_year_has_an_order_statistic_interval() {
        // 1000 iterations: years 0..9 uniformly, 100 each
        let years: Vec<Option<u32>> = (0..1000).map(|i| Some(i % 10)).collect();
        let p = Payback::of(&years, 10);
        assert_eq!(p.median_year, Some(4));
        // ranks 468 and 531 (0-based) of the sorted years: years 4 and 5
        assert_eq!(quantile_ci_ranks(1000, 0.5), (468, 531));
        assert_eq!(p.median_year_ci, Some([Some(4), Some(5)]));
        // most never pay back: the upper end is beyond the horizon
        let few: Vec<Option<u32>> = (0..100).map(|i| (i < 45).then_some(2)).collect();
        assert_eq!(Payback::of(&few, 5).median_year_ci, Some([Some(2), None]));
    }

    #[test]
    fn wilson_intervals_at_the_edges_and_inside() {
        let z = z_level();
        assert!((z - 1.959_963_984_540_054).abs() < 1e-9);
        // 0 of 100: [0, z²/(n + z²)] = [0, 0.0370]
        let w = wilson(0, 100);
        assert_eq!(w[0], 0.0);
        assert!((w[1] - z * z / (100.0 + z * z)).abs() < 1e-12, "{w:?}");
        // 100 of 100 mirrors it
        let w1 = wilson(100, 100);
        assert_eq!(w1[1], 1.0);
        assert!((w1[0] - 100.0 / (100.0 + z * z)).abs() < 1e-12, "{w1:?}");
        // 60 of 1000: centre (p + z²/2n)/(1 + z²/n), half-width
        // z/(1 + z²/n)·√(p(1−p)/n + z²/4n²): 0.04690–0.07647
        let w = wilson(60, 1000);
        assert!(
            (w[0] - 0.046_896).abs() < 1e-6 && (w[1] - 0.076_471).abs() < 1e-6,
            "{w:?}"
        );
        let s = Share::count(0, 100);
        assert_eq!((s.p, s.mcse), (0.0, 0.0));
        assert!(s.ci[1] > 0.03, "p = 0 is not ± 0");
    }

    /// Uniform(0, 1) values from a deterministic stream.
    fn uniforms(seed: u64, n: usize) -> Vec<f64> {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        (0..n).map(|_| rng.random::<f64>()).collect()
    }

    #[test]
    fn order_statistic_intervals_cover_the_quantile_95_percent_of_the_time() {
        // exact coverage of ranks (l, u): P(l + 1 ≤ B ≤ u), B ~ Binomial(n, p)
        let (n, runs) = (200, 2000);
        for p in [0.05, 0.5, 0.95] {
            let (l, u) = quantile_ci_ranks(n, p);
            let b = Binomial::new(p, n as u64).unwrap();
            let exact = b.cdf(u as u64) - b.cdf(l as u64);
            assert!(
                (0.95..0.975).contains(&exact),
                "p {p}: exact coverage {exact}"
            );
            let covered = (0..runs)
                .filter(|&seed| {
                    let mut v = uniforms(seed, n);
                    v.sort_by(f64::total_cmp);
                    let ci = quantile_ci(&v, p);
                    ci[0] <= p && p <= ci[1]
                })
                .count() as f64
                / runs as f64;
            // within 3.5 binomial standard errors of the exact coverage
            let se = (exact * (1.0 - exact) / runs as f64).sqrt();
            assert!(
                (covered - exact).abs() < 3.5 * se,
                "p {p}: {covered} vs {exact}"
            );
        }
    }

    #[test]
    fn the_mcse_of_a_quantile_matches_its_asymptotic_value() {
        // for Uniform(0, 1) the density is 1: MCSE(x_p) ≈ √(p(1−p)/n); one sample's interval
        // width is itself noisy (about 8% at P5), so average over 25 samples
        let (n, runs) = (10_000, 25);
        let summaries: Vec<Summary> = (0..runs)
            .map(|seed| Summary::of(&uniforms(seed, n)).unwrap())
            .collect();
        for (p, ci) in [
            (0.05, (|s| s.p5_ci) as fn(&Summary) -> Interval),
            (0.5, |s| s.p50_ci),
            (0.95, |s| s.p95_ci),
        ] {
            let expected = (p * (1.0 - p) / n as f64).sqrt();
            let got = summaries.iter().map(|s| interval_mcse(ci(s))).sum::<f64>() / runs as f64;
            assert!(
                (got / expected - 1.0).abs() < 0.04,
                "p {p}: {got} vs {expected}"
            );
        }
    }

    #[test]
    fn the_ratio_of_means_and_its_delta_method_mcse() {
        let num = [1.0, 2.0, 3.0, 6.0];
        let den = [1.0, 1.0, 2.0, 4.0];
        let r = RatioOfMeans::of(&num, &den).unwrap();
        assert_eq!(r.ratio, 12.0 / 8.0);
        // (σ_N² − 2Rσ_NI + R²σ_I²) / (n μ_I²) with the sample (co)variances
        let (sn, sni, si): (f64, f64, f64) = (14.0 / 3.0, 9.0 / 3.0, 6.0 / 3.0);
        let var: f64 = (sn - 2.0 * 1.5 * sni + 1.5 * 1.5 * si) / (4.0 * 4.0);
        assert!(
            (r.mcse - var.sqrt()).abs() < 1e-12,
            "{} vs {}",
            r.mcse,
            var.sqrt()
        );
        // the mean of per-iteration ratios (1, 2, 1.5, 1.5 → 1.5) is another quantity
        let r2 = RatioOfMeans::of(&[1.0, 3.0], &[1.0, 2.0]).unwrap();
        assert_eq!(r2.ratio, 4.0 / 3.0);
        assert!(RatioOfMeans::of(&[1.0], &[0.0]).is_none());
    }

    #[test]
    fn spearman_sees_monotone_relations() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((spearman(&x, &[1.0, 4.0, 9.0, 16.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
    }
}
