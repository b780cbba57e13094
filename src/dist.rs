//! Distributions of uncertain inputs: construction from the analyst's terms, and quantiles.
//!
//! Every parameter is sampled by its quantile function at a uniform draw `u` (inverse-CDF
//! sampling, with statrs' quantile functions). One draw per parameter and iteration couples the
//! draws to quantiles: fixing a parameter (`--set`) or moving it to a quantile leaves every other
//! draw unchanged, which the sensitivity analyses rely on (common random numbers across runs).

use statrs::distribution::{Beta, ContinuousCDF, Gamma, LogNormal, Normal, Triangular, Uniform};
use std::fmt;

/// The distribution of one uncertain input.
#[derive(Clone, Debug)]
pub enum Distribution {
    Fixed(f64),
    Uniform(Uniform),
    Normal(Normal),
    /// A normal restricted to `[lo, hi]`.
    TruncatedNormal {
        normal: Normal,
        lo: f64,
        hi: f64,
    },
    LogNormal(LogNormal),
    Beta(Beta),
    Gamma(Gamma),
    Triangular(Triangular),
    /// A beta on `[min, max]` (PERT).
    Pert {
        beta: Beta,
        min: f64,
        max: f64,
    },
    /// Values with weights (normalised); sampled by the cumulative weights.
    Discrete {
        values: Vec<f64>,
        cumulative: Vec<f64>,
    },
}

/// How the analyst wrote the distribution, kept for display in `check` and reports.
#[derive(Clone, Debug)]
pub struct DistributionSpec {
    /// E.g. `beta_mean_sd(0.25, 0.05)`.
    pub written: String,
    pub dist: Distribution,
}

impl fmt::Display for DistributionSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

/// Why a distribution cannot be built from the given numbers.
pub type DistError = String;

fn check(cond: bool, msg: impl Into<String>) -> Result<(), DistError> {
    if cond { Ok(()) } else { Err(msg.into()) }
}

fn finite(values: &[f64]) -> Result<(), DistError> {
    check(
        values.iter().all(|v| v.is_finite()),
        "all arguments must be finite numbers",
    )
}

impl Distribution {
    pub fn fixed(x: f64) -> Result<Self, DistError> {
        finite(&[x])?;
        Ok(Distribution::Fixed(x))
    }

    pub fn uniform(lo: f64, hi: f64) -> Result<Self, DistError> {
        finite(&[lo, hi])?;
        check(lo < hi, format!("uniform needs lo < hi, got {lo} and {hi}"))?;
        Ok(Distribution::Uniform(
            Uniform::new(lo, hi).map_err(|e| e.to_string())?,
        ))
    }

    pub fn normal(mean: f64, sd: f64) -> Result<Self, DistError> {
        finite(&[mean, sd])?;
        check(sd > 0.0, format!("the sd must be positive, got {sd}"))?;
        Ok(Distribution::Normal(
            Normal::new(mean, sd).map_err(|e| e.to_string())?,
        ))
    }

    pub fn truncated_normal(mean: f64, sd: f64, lo: f64, hi: f64) -> Result<Self, DistError> {
        finite(&[mean, sd, lo, hi])?;
        check(sd > 0.0, format!("the sd must be positive, got {sd}"))?;
        check(
            lo < hi,
            format!("truncated_normal needs lo < hi, got {lo} and {hi}"),
        )?;
        let normal = Normal::new(mean, sd).map_err(|e| e.to_string())?;
        check(
            normal.cdf(hi) - normal.cdf(lo) > 1e-9,
            format!("[{lo}, {hi}] holds almost none of the normal's mass"),
        )?;
        Ok(Distribution::TruncatedNormal { normal, lo, hi })
    }

    /// Lognormal with the given mean and sd of the value itself.
    pub fn lognormal(mean: f64, sd: f64) -> Result<Self, DistError> {
        finite(&[mean, sd])?;
        check(
            mean > 0.0,
            format!("a lognormal's mean must be positive, got {mean}"),
        )?;
        check(sd > 0.0, format!("the sd must be positive, got {sd}"))?;
        let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
        let mu = mean.ln() - sigma2 / 2.0;
        Ok(Distribution::LogNormal(
            LogNormal::new(mu, sigma2.sqrt()).map_err(|e| e.to_string())?,
        ))
    }

    /// Lognormal from its median and a 90% interval (P5, P95).
    pub fn lognormal_ci(median: f64, p5: f64, p95: f64) -> Result<Self, DistError> {
        finite(&[median, p5, p95])?;
        check(
            0.0 < p5 && p5 < median && median < p95,
            format!("lognormal_ci needs 0 < p5 < median < p95, got {p5}, {median}, {p95}"),
        )?;
        let z95 = 1.644_853_626_951_472_2;
        let sigma = (p95.ln() - p5.ln()) / (2.0 * z95);
        Ok(Distribution::LogNormal(
            LogNormal::new(median.ln(), sigma).map_err(|e| e.to_string())?,
        ))
    }

    pub fn beta(alpha: f64, beta: f64) -> Result<Self, DistError> {
        finite(&[alpha, beta])?;
        check(
            alpha > 0.0 && beta > 0.0,
            format!("beta needs alpha > 0 and beta > 0, got {alpha} and {beta}"),
        )?;
        Ok(Distribution::Beta(
            Beta::new(alpha, beta).map_err(|e| e.to_string())?,
        ))
    }

    pub fn beta_mean_sd(mean: f64, sd: f64) -> Result<Self, DistError> {
        finite(&[mean, sd])?;
        check(
            0.0 < mean && mean < 1.0,
            format!("a beta's mean must be in (0, 1), got {mean}"),
        )?;
        let max_var = mean * (1.0 - mean);
        check(
            sd > 0.0 && sd * sd < max_var,
            format!(
                "a beta with mean {mean} needs 0 < sd < {:.4} (= sqrt(mean·(1−mean))), got {sd}",
                max_var.sqrt()
            ),
        )?;
        let k = max_var / (sd * sd) - 1.0;
        Self::beta(mean * k, (1.0 - mean) * k)
    }

    pub fn gamma_mean_sd(mean: f64, sd: f64) -> Result<Self, DistError> {
        finite(&[mean, sd])?;
        check(
            mean > 0.0,
            format!("a gamma's mean must be positive, got {mean}"),
        )?;
        check(sd > 0.0, format!("the sd must be positive, got {sd}"))?;
        let shape = (mean / sd).powi(2);
        let rate = mean / (sd * sd);
        Ok(Distribution::Gamma(
            Gamma::new(shape, rate).map_err(|e| e.to_string())?,
        ))
    }

    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        finite(&[min, mode, max])?;
        check(
            min <= mode && mode <= max && min < max,
            format!("triangular needs min ≤ mode ≤ max and min < max, got {min}, {mode}, {max}"),
        )?;
        Ok(Distribution::Triangular(
            Triangular::new(min, max, mode).map_err(|e| e.to_string())?,
        ))
    }

    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        finite(&[min, mode, max])?;
        check(
            min <= mode && mode <= max && min < max,
            format!("pert needs min ≤ mode ≤ max and min < max, got {min}, {mode}, {max}"),
        )?;
        let range = max - min;
        let alpha = 1.0 + 4.0 * (mode - min) / range;
        let beta = 1.0 + 4.0 * (max - mode) / range;
        Ok(Distribution::Pert {
            beta: Beta::new(alpha, beta).map_err(|e| e.to_string())?,
            min,
            max,
        })
    }

    pub fn discrete(values: Vec<f64>, weights: Vec<f64>) -> Result<Self, DistError> {
        check(!values.is_empty(), "discrete needs at least one value")?;
        check(
            values.len() == weights.len(),
            format!(
                "discrete needs as many weights as values, got {} values and {} weights",
                values.len(),
                weights.len()
            ),
        )?;
        finite(&values)?;
        finite(&weights)?;
        check(
            weights.iter().all(|w| *w >= 0.0),
            "weights must not be negative",
        )?;
        let total: f64 = weights.iter().sum();
        check(total > 0.0, "the weights must not all be zero")?;
        // Sorted by value so that `quantile` is a quantile function (non-decreasing in u).
        let mut pairs: Vec<(f64, f64)> = values.into_iter().zip(weights).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (values, weights): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        let mut acc = 0.0;
        let mut cumulative: Vec<f64> = weights
            .iter()
            .map(|w| {
                acc += w;
                acc / total
            })
            .collect();
        *cumulative.last_mut().expect("non-empty") = 1.0;
        Ok(Distribution::Discrete { values, cumulative })
    }

    pub fn empirical(values: Vec<f64>) -> Result<Self, DistError> {
        let n = values.len();
        Self::discrete(values, vec![1.0; n])
    }

    /// The value at quantile `u` in (0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        match self {
            Distribution::Fixed(x) => *x,
            Distribution::Uniform(d) => d.inverse_cdf(u),
            Distribution::Normal(d) => d.inverse_cdf(u),
            Distribution::TruncatedNormal { normal, lo, hi } => {
                let (a, b) = (normal.cdf(*lo), normal.cdf(*hi));
                normal.inverse_cdf(a + u * (b - a)).clamp(*lo, *hi)
            }
            Distribution::LogNormal(d) => d.inverse_cdf(u),
            Distribution::Beta(d) => d.inverse_cdf(u),
            Distribution::Gamma(d) => d.inverse_cdf(u),
            Distribution::Triangular(d) => d.inverse_cdf(u),
            Distribution::Pert { beta, min, max } => min + (max - min) * beta.inverse_cdf(u),
            Distribution::Discrete { values, cumulative } => {
                let i = cumulative.partition_point(|c| *c <= u);
                values[i.min(values.len() - 1)]
            }
        }
    }

    /// The median (the value at u = 0.5).
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// True for `fixed(x)`.
    pub fn is_fixed(&self) -> bool {
        matches!(self, Distribution::Fixed(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lognormal_ci_reproduces_its_interval() {
        let d = Distribution::lognormal_ci(0.7, 0.5, 0.98).unwrap();
        assert!((d.median() - 0.7).abs() < 1e-12);
        // the geometric asymmetry is averaged: P5·P95 = median² holds for the fit
        let (p5, p95) = (d.quantile(0.05), d.quantile(0.95));
        assert!((p95 / p5 - 0.98 / 0.5).abs() < 1e-9);
    }

    #[test]
    fn discrete_picks_by_cumulative_weight() {
        let d = Distribution::discrete(vec![1.0, 2.0, 3.0], vec![1.0, 1.0, 2.0]).unwrap();
        assert_eq!(d.quantile(0.1), 1.0);
        assert_eq!(d.quantile(0.3), 2.0);
        assert_eq!(d.quantile(0.5), 3.0);
        assert_eq!(d.quantile(0.999), 3.0);
    }

    #[test]
    fn bad_arguments_are_explained() {
        let e = Distribution::beta_mean_sd(0.5, 0.6).unwrap_err();
        assert!(e.contains("sd <"), "{e}");
        assert!(Distribution::uniform(2.0, 1.0).is_err());
        assert!(Distribution::triangular(0.0, 2.0, 1.0).is_err());
    }
}
