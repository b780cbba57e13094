//! Summaries of Monte Carlo output: mean with its standard error, spread, quantiles, shares,
//! payback. Everything is computed from values in iteration order, so it is reproducible.

use serde::{Deserialize, Serialize};

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
}

impl Summary {
    /// Summarises `values`; `None` if empty or if any value is not finite (e.g. a ROI with a zero
    /// investment).
    pub fn of(values: &[f64]) -> Option<Summary> {
        if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let n = values.len() as f64;
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
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
        })
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

/// A share of iterations, with its Monte Carlo standard error √(p(1−p)/n).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub p: f64,
    pub mcse: f64,
}

impl Share {
    /// The share of `values` for which `pred` holds.
    pub fn of<T>(values: &[T], pred: impl Fn(&T) -> bool) -> Share {
        let n = values.len().max(1) as f64;
        let p = values.iter().filter(|v| pred(v)).count() as f64 / n;
        Share {
            p,
            mcse: (p * (1.0 - p) / n).sqrt(),
        }
    }
}

/// The first year in which the cumulative net turns ≥ 0, given the net of each year.
pub fn payback_year(net_by_year: impl IntoIterator<Item = f64>) -> Option<u32> {
    let mut cumulative = 0.0;
    for (t, net) in net_by_year.into_iter().enumerate() {
        cumulative += net;
        if cumulative >= 0.0 {
            return Some(t as u32);
        }
    }
    None
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

/// Payback over the iterations: the share paid back by each year, and the median year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Payback {
    /// Share of iterations that pay back within the horizon.
    pub prob_within_horizon: f64,
    /// The year by which half the iterations have paid back; `None` if fewer than half do.
    pub median_year: Option<u32>,
    /// Share of iterations paid back by each year (`cdf[t]` = share with payback year ≤ t).
    pub cdf: Vec<f64>,
}

impl Payback {
    pub fn of(years: &[Option<u32>], horizon: usize) -> Payback {
        let n = years.len().max(1) as f64;
        let mut counts = vec![0usize; horizon];
        for y in years.iter().flatten() {
            counts[*y as usize] += 1;
        }
        let mut acc = 0;
        let cdf: Vec<f64> = counts
            .iter()
            .map(|c| {
                acc += c;
                acc as f64 / n
            })
            .collect();
        Payback {
            prob_within_horizon: cdf.last().copied().unwrap_or(0.0),
            median_year: cdf.iter().position(|&c| c >= 0.5).map(|t| t as u32),
            cdf,
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
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            r[idx[k]] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson's correlation; `None` for fewer than 3 values or a constant sample.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 3 {
        return None;
    }
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
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
    fn payback_is_the_first_year_the_cumulative_net_turns_non_negative() {
        assert_eq!(payback_year([-10.0, 4.0, 5.0, 1.0, -3.0]), Some(3));
        assert_eq!(payback_year([-10.0, 4.0]), None);
        assert_eq!(payback_year([0.0]), Some(0));
        let p = Payback::of(&[Some(1), Some(2), None, Some(2)], 4);
        assert_eq!(p.cdf, vec![0.0, 0.25, 0.75, 0.75]);
        assert_eq!(p.median_year, Some(2));
        assert_eq!(p.prob_within_horizon, 0.75);
        assert_eq!(Payback::of(&[None, None, Some(0)], 3).median_year, None);
    }

    #[test]
    fn spearman_sees_monotone_relations() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((spearman(&x, &[1.0, 4.0, 9.0, 16.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
    }
}
