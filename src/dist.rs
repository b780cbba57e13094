//! Distributions of uncertain inputs: construction from the analyst's terms, and quantiles.
//!
//! Every parameter is sampled by its quantile function at a uniform draw `u` (inverse-CDF
//! sampling, with statrs' quantile functions; for a gamma, beta or PERT with shapes of 1 and
//! more a table of statrs' inverse polished, see `table.rs`; for a beta or gamma with a shape
//! below 1 a bisection on statrs' CDF, see `bisect_quantile`). One draw per parameter and iteration
//! couples the draws to quantiles: fixing a parameter (`--set`) or moving it to a quantile leaves
//! every other draw unchanged, which the sensitivity analyses rely on (common random numbers
//! across runs).
//!
//! The constructors check their arguments against the limits below before anything is sampled,
//! so that every accepted distribution has a finite quantile, non-decreasing in `u`, computed in
//! bounded time at every `u` the engine can draw. The limits of the beta and gamma come from
//! measuring statrs 0.19 (see docs/methods.md, "Limits of the distributions").
//!
//! May import: `error`, `stats`.

use statrs::distribution::{
    Beta, Continuous, ContinuousCDF, Gamma, LogNormal, Normal, Triangular, Uniform,
};
use std::fmt;
use table::{Lazy, Transform, polished};

mod table;

/// The largest magnitude accepted for an amount (a value, mean, sd, bound or weight). Doubles
/// hold whole kronor exactly up to 2^53 ≈ 9·10^15; no kommun's figure comes near 10^15 kr.
pub const MAX_AMOUNT: f64 = 1e15;
/// Both shapes of a beta (also as fitted by `beta_mean_sd`) lie in this range. Below 0.01 most
/// draws are practically 0 or 1 (beta(0.01, 1) has its median at 8·10^-31 and 0.08 % of its
/// draws below the smallest normal double); above 10^5 statrs' inverse is slow and, paired with
/// a shape near 1, inaccurate (measured: off by 0.1 % at 10^6, no answer within seconds at
/// 10^7). Shapes below 1 (U- and J-shaped betas) are sampled by `bisect_quantile`.
pub const BETA_SHAPES: (f64, f64) = (0.01, 1e5);
/// The shape (mean/sd)² of `gamma_mean_sd` lies in this range: sd ≤ 10 × mean and
/// sd ≥ mean/100. Below 0.01 most draws are practically 0 and the mean is carried by rare
/// draws; above 10^4 statrs' inverse slows down (0.1–0.2 ms a draw at 10^6, 0.2 s at
/// 1.7·10^12) while the gamma is practically a normal. Shapes below 1 are sampled by
/// `bisect_quantile`.
pub const GAMMA_SHAPES: (f64, f64) = (0.01, 1e4);
/// The lower end of [`GAMMA_SHAPES`] as the analyst writes it: sd ≤ 10 × mean (checked on sd/mean
/// so that sd = 10 × mean itself is accepted whatever the rounding of (mean/sd)²).
const GAMMA_MAX_CV: f64 = 10.0;
/// Below this shape statrs' inverses are not monotone (measured on statrs 0.19: beta(0.5, 0.5)
/// and gamma shape 0.01), so the quantile is a bisection on the CDF instead; from this shape on
/// it is statrs' inverse polished, tabled (`table.rs`).
const BISECTION_BELOW_SHAPE: f64 = 1.0;
/// The bisection of a gamma with shape below 1 (rate 1) searches [0, 100]: its survival
/// function at 100 is below e^-100, far below the smallest 1 − u a double allows (2^-53).
const SMALL_GAMMA_MAX: f64 = 100.0;
/// statrs' gamma inverse misses the quantile below this `u` (measured for shape 1: at
/// u = 2^-54 it returns 9.3·10^-10 instead of 5.6·10^-17); the gamma's quantile is taken at
/// `max(u, GAMMA_U_MIN)`, a change on a probability of 5·10^-17.
const GAMMA_U_MIN: f64 = 1e-16;
/// statrs' beta inverse never returns at the most extreme `u` for some accepted shapes
/// (measured: one shape in (1, 1.05) and the other above 1,000, at u = 2^-54, 1e-16 or
/// 1 − 2^-53); the beta's quantile is taken at `u` clamped to [10^-15, 1 − 10^-15], a change on
/// a probability of 2·10^-15.
const BETA_U_MARGIN: f64 = 1e-15;
/// `lognormal(mean, sd)` needs sd ≤ 100 × mean: beyond that the mean is carried by draws too
/// rare for a Monte Carlo run (over 10,000 iterations the sd of the sample mean would exceed
/// the mean).
pub const LOGNORMAL_MAX_CV: f64 = 100.0;
/// `lognormal(mean, sd)` needs sd ≥ mean/1000: below that ln(1 + cv²) loses digits and the
/// lognormal is practically a normal.
pub const LOGNORMAL_MIN_CV: f64 = 1e-3;
/// `lognormal_ci` needs p95 ≤ 10,000 × p5 (the same reason as [`LOGNORMAL_MAX_CV`]).
pub const LOGNORMAL_CI_MAX_RATIO: f64 = 1e4;
/// `lognormal_ci` rejects an interval whose halves differ on the log scale by more than this
/// share of its width: |ln(p95/median) − ln(median/p5)| ≤ 5 % of ln(p95/p5).
pub const LOGNORMAL_CI_MAX_ASYMMETRY: f64 = 0.05;
/// The most values `discrete` and `empirical` accept.
pub const MAX_DISCRETE_VALUES: usize = 10_000;

/// z of the standard normal at 0.95.
const Z95: f64 = 1.644_853_626_951_472_2;

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
    /// A beta with both shapes at least 1; `table` holds its quantiles once built.
    Beta {
        beta: Beta,
        table: Lazy,
    },
    /// A beta with a shape below 1, sampled by bisection on its CDF; `mirror` is the beta with
    /// the shapes swapped, whose CDF at 1 − x is the upper tail at x.
    SmallShapeBeta {
        beta: Beta,
        mirror: Beta,
    },
    /// `scale · X` with X drawn from `gamma`: a gamma with mean below 1 is computed as `mean`
    /// times a gamma of mean 1, because statrs' gamma inverse stops at an absolute step of
    /// 10^-9, coarse for small values; otherwise `scale` is 1 and `gamma` is the distribution.
    Gamma {
        gamma: Gamma,
        scale: f64,
        table: Lazy,
    },
    /// `scale · X` with X a gamma of shape below 1 and rate 1, sampled by bisection on its CDF.
    SmallShapeGamma {
        gamma: Gamma,
        scale: f64,
    },
    Triangular(Triangular),
    /// A beta on `[min, max]` (PERT).
    Pert {
        beta: Beta,
        min: f64,
        max: f64,
        table: Lazy,
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

/// Each named argument is a finite number.
fn finite(args: &[(&str, f64)]) -> Result<(), DistError> {
    for (name, x) in args {
        check(
            x.is_finite(),
            format!(
                "all arguments must be finite numbers; the {name} is {}",
                n(*x)
            ),
        )?;
    }
    Ok(())
}

/// Each named argument is a finite amount within ±[`MAX_AMOUNT`].
fn amounts(args: &[(&str, f64)]) -> Result<(), DistError> {
    finite(args)?;
    for (name, x) in args {
        check(
            x.abs() <= MAX_AMOUNT,
            format!(
                "the {name} ({x:e}) is beyond ±1e15, the largest amount accepted; \
                 write it in larger units (e.g. millions)"
            ),
        )?;
    }
    Ok(())
}

/// `x` with about three significant digits, for numbers the message computes.
fn sig3(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-4..=9).contains(&magnitude) {
        return format!("{x:.2e}");
    }
    let decimals = (2 - magnitude).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A number as messages write it (`0.9`, not `0.8999999999999999`).
fn n(x: f64) -> String {
    crate::error::number(x)
}

/// `triangular` and `pert`: min ≤ mode ≤ max and min < max, naming the argument that is wrong
/// in the analyst's order.
fn three_point(name: &str, min: f64, mode: f64, max: f64) -> Result<(), DistError> {
    let written = format!("{name}(min {}, mode {}, max {})", n(min), n(mode), n(max));
    let wrong = if min > mode {
        Some(format!(
            "min (the first argument, {}) must be at most the mode (the second, {})",
            n(min),
            n(mode)
        ))
    } else if mode > max {
        Some(format!(
            "the mode (the second argument, {}) must be at most max (the third, {})",
            n(mode),
            n(max)
        ))
    } else if min >= max {
        Some(format!(
            "min and max (the first and third arguments) are both {}; for a known value use \
             fixed({})",
            n(min),
            n(min)
        ))
    } else {
        None
    };
    match wrong {
        Some(w) => Err(format!("{written}: {w}")),
        None => Ok(()),
    }
}

/// A beta with both shapes in [`BETA_SHAPES`]; `what` names the call in the analyst's terms.
fn checked_beta(alpha: f64, beta: f64, what: &str) -> Result<Distribution, DistError> {
    let (lo, hi) = BETA_SHAPES;
    check(
        lo <= alpha.min(beta) && alpha.max(beta) <= hi,
        format!(
            "{what}: both shapes must be between 0.01 and 100,000, got alpha {alpha} and beta \
             {beta}. Below 0.01 nearly all draws are practically 0 or 1: describe that as \
             discrete([0.0, 1.0], [1 - p, p]) with p the share at 1; above 100,000 its \
             quantiles are slow and inaccurate, and a beta that concentrated is described as \
             well by fixed(mean) or normal(mean, sd)"
        ),
    )?;
    let d = Beta::new(alpha, beta).map_err(|e| format!("{what}: {e}"))?;
    if alpha.min(beta) < BISECTION_BELOW_SHAPE {
        let mirror = Beta::new(beta, alpha).map_err(|e| format!("{what}: {e}"))?;
        Ok(Distribution::SmallShapeBeta { beta: d, mirror })
    } else {
        Ok(Distribution::Beta {
            beta: d,
            table: Lazy::default(),
        })
    }
}

/// The quantile at `u` of a continuous distribution on a fixed ordered grid of doubles, by
/// bisection over the grid's indices `0..=last`: the smallest index `i ≥ 1` at which
/// `reached(i, u)` holds, assuming it holds at `last`.
///
/// `reached(i, u)` must hold at `u` whenever it holds at a larger `u` (e.g. "cdf(x_i) ≥ u" or
/// "sf(x_i) ≤ 1 − u"). Then the result is exactly non-decreasing in `u`, even where the CDF is
/// computed with wiggles: two bisections at u1 < u2 take the same steps until one midpoint is
/// reached at u1 but not at u2, and from there the first stays at or below that midpoint and
/// the second above it. The number of steps is fixed by `last` (about 63 for a grid of all
/// doubles in a range), so every `u` costs the same, and the result is the grid point next to
/// the true quantile.
fn bisect_quantile(last: u64, u: f64, reached: impl Fn(u64, f64) -> bool) -> u64 {
    let (mut below, mut at) = (0_u64, last);
    while at - below > 1 {
        let mid = below + (at - below) / 2;
        if reached(mid, u) {
            at = mid;
        } else {
            below = mid;
        }
    }
    at
}

/// Bit pattern of 0.5: grid points `0..=HALF_BITS` of a beta's bisection are the doubles in
/// [0, 0.5] (in order, as non-negative doubles are ordered by their bits) and the points above
/// are `1 − t` for the doubles `t` in [0, 0.5) in decreasing order, so that the upper tail's
/// probabilities are computed at t (by the mirrored beta) and keep their digits.
const HALF_BITS: u64 = 0x3FE0_0000_0000_0000;

/// The beta's value at grid point `i` of [`HALF_BITS`]'s grid.
fn beta_grid_point(i: u64) -> f64 {
    if i <= HALF_BITS {
        f64::from_bits(i)
    } else {
        1.0 - f64::from_bits(2 * HALF_BITS - i)
    }
}

/// The quantile of a beta with a shape below 1: below 0.5 "cdf(x) ≥ u", above 0.5 "the upper
/// tail at x, the mirror's cdf at 1 − x, ≤ 1 − u", each accurate where it is used.
fn small_shape_beta_quantile(beta: &Beta, mirror: &Beta, u: f64) -> f64 {
    let i = bisect_quantile(2 * HALF_BITS, u, |i, u| {
        if i <= HALF_BITS {
            beta.cdf(f64::from_bits(i)) >= u
        } else {
            mirror.cdf(f64::from_bits(2 * HALF_BITS - i)) <= 1.0 - u
        }
    });
    beta_grid_point(i)
}

/// The quantile of a gamma with shape below 1 and rate 1, over the doubles in
/// [0, [`SMALL_GAMMA_MAX`]]: below the mean (= the shape) "cdf(x) ≥ u", above it
/// "sf(x) ≤ 1 − u", each accurate where it is used.
fn small_shape_gamma_quantile(gamma: &Gamma, u: f64) -> f64 {
    let mean = gamma.shape();
    let i = bisect_quantile(SMALL_GAMMA_MAX.to_bits(), u, |i, u| {
        let x = f64::from_bits(i);
        if x < mean {
            gamma.cdf(x) >= u
        } else {
            gamma.sf(x) <= 1.0 - u
        }
    });
    f64::from_bits(i)
}

/// The quantile of a gamma at `u` (taken at `max(u, GAMMA_U_MIN)`): statrs' inverse of the
/// gamma with rate 1 (quick to bracket), polished on that gamma, then divided by the rate
/// (polished on the gamma with its rate, the quantile was off by up to 3·10^-11 at means of
/// millions, measured on statrs 0.19).
fn accurate_gamma_quantile(gamma: &Gamma, u: f64) -> f64 {
    let u = u.max(GAMMA_U_MIN);
    let unit = Gamma::new(gamma.shape(), 1.0).expect("the shape was accepted");
    let x = polished(
        u,
        unit.inverse_cdf(u),
        |x| unit.cdf(x),
        |x| unit.sf(x),
        |x| unit.pdf(x),
        f64::INFINITY,
    );
    x / gamma.rate()
}

/// The quantile of a beta with both shapes at least 1 at `u` (taken within [`BETA_U_MARGIN`]
/// of 0 and 1): statrs' inverse polished.
fn accurate_beta_quantile(beta: &Beta, u: f64) -> f64 {
    let u = u.clamp(BETA_U_MARGIN, 1.0 - BETA_U_MARGIN);
    polished(
        u,
        beta.inverse_cdf(u),
        |x| beta.cdf(x),
        |x| beta.sf(x),
        |x| beta.pdf(x),
        1.0,
    )
}

/// A gamma's quantile from its table, or computed where the table does not hold it.
fn gamma_quantile(gamma: &Gamma, table: &Lazy, u: f64) -> f64 {
    let accurate = |u: f64| accurate_gamma_quantile(gamma, u);
    let x = table.get(Transform::Log, &accurate).quantile(u);
    x.unwrap_or_else(|| accurate(u))
}

/// A beta's quantile from its table, or computed where the table does not hold it.
fn beta_quantile(beta: &Beta, table: &Lazy, u: f64) -> f64 {
    let accurate = |u: f64| accurate_beta_quantile(beta, u);
    let x = table.get(Transform::Logit, &accurate).quantile(u);
    x.unwrap_or_else(|| accurate(u))
}

impl Distribution {
    pub fn fixed(x: f64) -> Result<Self, DistError> {
        amounts(&[("value", x)])?;
        Ok(Distribution::Fixed(x))
    }

    pub fn uniform(lo: f64, hi: f64) -> Result<Self, DistError> {
        amounts(&[("lo", lo), ("hi", hi)])?;
        check(
            lo < hi,
            format!(
                "uniform(lo {}, hi {}): lo (the first argument) must be below hi (the second)",
                n(lo),
                n(hi)
            ),
        )?;
        Ok(Distribution::Uniform(
            Uniform::new(lo, hi).map_err(|e| e.to_string())?,
        ))
    }

    pub fn normal(mean: f64, sd: f64) -> Result<Self, DistError> {
        amounts(&[("mean", mean), ("sd", sd)])?;
        check(sd > 0.0, format!("the sd must be positive, got {}", n(sd)))?;
        Ok(Distribution::Normal(
            Normal::new(mean, sd).map_err(|e| e.to_string())?,
        ))
    }

    pub fn truncated_normal(mean: f64, sd: f64, lo: f64, hi: f64) -> Result<Self, DistError> {
        amounts(&[("mean", mean), ("sd", sd), ("lo", lo), ("hi", hi)])?;
        check(sd > 0.0, format!("the sd must be positive, got {}", n(sd)))?;
        check(
            lo < hi,
            format!(
                "truncated_normal(mean {}, sd {}, lo {}, hi {}): lo (the third argument) must be \
                 below hi (the fourth)",
                n(mean),
                n(sd),
                n(lo),
                n(hi)
            ),
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
        amounts(&[("mean", mean), ("sd", sd)])?;
        check(
            mean > 0.0,
            format!("a lognormal's mean must be positive, got {}", n(mean)),
        )?;
        check(sd > 0.0, format!("the sd must be positive, got {}", n(sd)))?;
        let cv = sd / mean;
        check(
            cv <= LOGNORMAL_MAX_CV,
            format!(
                "lognormal(mean {mean}, sd {sd}): the sd must be at most 100 × the mean; with a \
                 larger sd the mean is carried by draws too rare for a Monte Carlo run. Check \
                 the sd, or give the spread as an interval with lognormal_ci(median, p5, p95)"
            ),
        )?;
        check(
            cv >= LOGNORMAL_MIN_CV,
            format!(
                "lognormal(mean {mean}, sd {sd}): the sd must be at least 0.1 % of the mean; \
                 a lognormal that narrow is a normal: use normal({mean}, {sd}) or fixed({mean})"
            ),
        )?;
        let sigma2 = (1.0 + cv.powi(2)).ln();
        let mu = mean.ln() - sigma2 / 2.0;
        Ok(Distribution::LogNormal(
            LogNormal::new(mu, sigma2.sqrt()).map_err(|e| e.to_string())?,
        ))
    }

    /// Lognormal from its median and a 90% interval (P5, P95). A lognormal's interval is
    /// symmetric on the log scale (P5·P95 = median²), so an interval that is not is rejected
    /// rather than silently refitted.
    pub fn lognormal_ci(median: f64, p5: f64, p95: f64) -> Result<Self, DistError> {
        amounts(&[("median", median), ("p5", p5), ("p95", p95)])?;
        let written = format!(
            "lognormal_ci(median {}, p5 {}, p95 {})",
            n(median),
            n(p5),
            n(p95)
        );
        let mut wrong = Vec::new();
        if p5 <= 0.0 {
            wrong.push(format!(
                "p5 (the second argument) must be above 0, got {}",
                n(p5)
            ));
        } else if p5 >= median {
            wrong.push(format!(
                "p5 (the second argument, {}) must be below the median (the first, {})",
                n(p5),
                n(median)
            ));
        }
        if median >= p95 {
            wrong.push(format!(
                "p95 (the third argument, {}) must be above the median (the first, {})",
                n(p95),
                n(median)
            ));
        }
        check(
            wrong.is_empty(),
            format!(
                "{written}: {}; the arguments are the median, then the 5th and the 95th percentile",
                wrong.join(", and ")
            ),
        )?;
        let (lower, upper) = ((median / p5).ln(), (p95 / median).ln());
        check(
            p95 / p5 <= LOGNORMAL_CI_MAX_RATIO,
            format!(
                "{written}: p95 must be at most 10,000 × p5; a wider lognormal has its mean \
                 carried by draws too rare for a Monte Carlo run"
            ),
        )?;
        check(
            (upper - lower).abs() <= LOGNORMAL_CI_MAX_ASYMMETRY * (upper + lower),
            format!(
                "{written} is not a lognormal's interval: a lognormal's 90 % interval is \
                 symmetric on the log scale (P5 × P95 = median²), so with median {median} and \
                 P5 {p5}, P95 would be {}, and with P95 {p95}, P5 would be {}. Use \
                 lognormal_ci with a consistent interval if the source allows, or, for a \
                 skewed interval, pert(min, mode, max) or triangular(min, mode, max)",
                sig3(median * median / p5),
                sig3(median * median / p95),
            ),
        )?;
        let sigma = (p95.ln() - p5.ln()) / (2.0 * Z95);
        Ok(Distribution::LogNormal(
            LogNormal::new(median.ln(), sigma).map_err(|e| e.to_string())?,
        ))
    }

    pub fn beta(alpha: f64, beta: f64) -> Result<Self, DistError> {
        finite(&[("alpha", alpha), ("beta", beta)])?;
        check(
            alpha > 0.0 && beta > 0.0,
            format!(
                "beta(alpha {}, beta {}): both shapes must be above 0",
                n(alpha),
                n(beta)
            ),
        )?;
        let what = format!("beta(alpha {alpha}, beta {beta})");
        checked_beta(alpha, beta, &what)
    }

    pub fn beta_mean_sd(mean: f64, sd: f64) -> Result<Self, DistError> {
        finite(&[("mean", mean), ("sd", sd)])?;
        check(
            0.0 < mean && mean < 1.0,
            format!(
                "a beta's mean must be between 0 and 1 (a share), got {}",
                n(mean)
            ),
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
        let (alpha, beta) = (mean * k, (1.0 - mean) * k);
        let (lo, hi) = BETA_SHAPES;
        // the sd at which the smaller shape is 0.01 and the larger is 100,000
        let (small, large) = (mean.min(1.0 - mean), mean.max(1.0 - mean));
        let sd_max = (max_var / (1.0 + lo / small)).sqrt();
        let sd_min = (max_var / (1.0 + hi / large)).sqrt();
        let written = format!("beta_mean_sd(mean {mean}, sd {sd})");
        check(
            sd_min <= sd_max,
            format!(
                "{written}: a mean this close to {} leaves no sd for which the beta can be \
                 computed reliably (its shapes must be between 0.01 and 100,000); use \
                 fixed({mean}) or discrete(values, weights)",
                if mean < 0.5 { 0 } else { 1 }
            ),
        )?;
        check(
            alpha.min(beta) >= lo,
            format!(
                "{written}: the sd is too large for this mean: the fitted beta (alpha {}, beta \
                 {}) has a shape below 0.01 and puts nearly all its draws at practically 0 or \
                 1. Use an sd of at most {}, or for values that are either 0 or 1, \
                 discrete([0.0, 1.0], [{}, {mean}])",
                sig3(alpha),
                sig3(beta),
                sig3(sd_max),
                sig3(1.0 - mean)
            ),
        )?;
        check(
            alpha.max(beta) <= hi,
            format!(
                "{written}: the sd is tiny relative to the mean (the fitted shapes alpha {} and \
                 beta {} exceed 100,000); use normal({mean}, {sd}) or fixed({mean}), or an sd \
                 of at least {}",
                sig3(alpha),
                sig3(beta),
                sig3(sd_min)
            ),
        )?;
        checked_beta(alpha, beta, &written)
    }

    pub fn gamma_mean_sd(mean: f64, sd: f64) -> Result<Self, DistError> {
        amounts(&[("mean", mean), ("sd", sd)])?;
        check(
            mean > 0.0,
            format!("a gamma's mean must be positive, got {}", n(mean)),
        )?;
        check(sd > 0.0, format!("the sd must be positive, got {}", n(sd)))?;
        let shape = (mean / sd).powi(2);
        let written = format!("gamma_mean_sd(mean {mean}, sd {sd})");
        check(
            sd / mean <= GAMMA_MAX_CV,
            format!(
                "{written}: the sd must be at most 10 × the mean; a wider gamma puts most \
                 draws at practically 0 and its mean on draws too rare for a Monte Carlo run. \
                 Check the sd (is it a variance?), or describe the values with \
                 discrete(values, weights)"
            ),
        )?;
        check(
            shape <= GAMMA_SHAPES.1,
            format!(
                "{written}: the sd is tiny relative to the mean (under 1 %); a gamma that \
                 narrow is practically a normal and slow to compute: use normal({mean}, {sd}) \
                 or fixed({mean})"
            ),
        )?;
        if shape < BISECTION_BELOW_SHAPE {
            // X = sd²/mean · Gamma(shape, 1); sd · (sd/mean) cannot underflow as sd² could
            return Ok(Distribution::SmallShapeGamma {
                gamma: Gamma::new(shape, 1.0).map_err(|e| e.to_string())?,
                scale: sd * (sd / mean),
            });
        }
        // statrs' inverse stops at an absolute step of 1e-9: below a mean of 1 compute in
        // units of the mean (above, the distribution as written, as before)
        let (rate, scale) = if mean >= 1.0 {
            (mean / (sd * sd), 1.0)
        } else {
            (shape, mean)
        };
        Ok(Distribution::Gamma {
            gamma: Gamma::new(shape, rate).map_err(|e| e.to_string())?,
            scale,
            table: Lazy::default(),
        })
    }

    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        amounts(&[("min", min), ("mode", mode), ("max", max)])?;
        three_point("triangular", min, mode, max)?;
        Ok(Distribution::Triangular(
            Triangular::new(min, max, mode).map_err(|e| e.to_string())?,
        ))
    }

    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        amounts(&[("min", min), ("mode", mode), ("max", max)])?;
        three_point("pert", min, mode, max)?;
        let range = max - min;
        let alpha = 1.0 + 4.0 * (mode - min) / range;
        let beta = 1.0 + 4.0 * (max - mode) / range;
        Ok(Distribution::Pert {
            beta: Beta::new(alpha, beta).map_err(|e| e.to_string())?,
            min,
            max,
            table: Lazy::default(),
        })
    }

    pub fn discrete(values: Vec<f64>, weights: Vec<f64>) -> Result<Self, DistError> {
        check(!values.is_empty(), "discrete needs at least one value")?;
        check(
            values.len() <= MAX_DISCRETE_VALUES,
            format!(
                "at most 10,000 values are accepted, got {}; for a long series of \
                 observations, fit a distribution to it (e.g. normal(mean, sd) or \
                 gamma_mean_sd(mean, sd)) or pass a sample of it",
                values.len()
            ),
        )?;
        check(
            values.len() == weights.len(),
            format!(
                "discrete needs as many weights as values, got {} values and {} weights",
                values.len(),
                weights.len()
            ),
        )?;
        for (i, v) in values.iter().enumerate() {
            amounts(&[(&format!("value number {}", i + 1), *v)])?;
        }
        for (i, w) in weights.iter().enumerate() {
            let name = format!("weight number {}", i + 1);
            finite(&[(&name, *w)])?;
            check(
                *w >= 0.0,
                format!("weights must not be negative; the {name} is {w}"),
            )?;
            // bounded so that their sum cannot overflow
            check(
                *w <= MAX_AMOUNT,
                format!(
                    "the {name} ({w:e}) is beyond 1e15; weights are relative: divide them all \
                     by the same number"
                ),
            )?;
        }
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
                // clamped: rounding must not carry the probability outside [a, b]
                let p = (a + u * (b - a)).clamp(a, b);
                normal.inverse_cdf(p).clamp(*lo, *hi)
            }
            Distribution::LogNormal(d) => d.inverse_cdf(u),
            Distribution::Beta { beta, table } => beta_quantile(beta, table, u),
            Distribution::SmallShapeBeta { beta, mirror } => {
                small_shape_beta_quantile(beta, mirror, u)
            }
            Distribution::Gamma {
                gamma,
                scale,
                table,
            } => scale * gamma_quantile(gamma, table, u),
            Distribution::SmallShapeGamma { gamma, scale } => {
                scale * small_shape_gamma_quantile(gamma, u)
            }
            Distribution::Triangular(d) => d.inverse_cdf(u),
            Distribution::Pert {
                beta,
                min,
                max,
                table,
            } => min + (max - min) * beta_quantile(beta, table, u),
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

    /// The bisection's result is non-decreasing in `u` even for a CDF that is not monotone
    /// (here one with a dip), which is why it replaces statrs' inverse for small shapes.
    #[test]
    fn bisection_is_monotone_in_u_even_for_a_wiggly_cdf() {
        let wiggly = |i: u64| {
            let x = i as f64 / 1000.0;
            x + 0.05 * (40.0 * x).sin()
        };
        let mut previous = 0;
        for k in 1..10_000 {
            let u = k as f64 / 10_000.0;
            let i = bisect_quantile(1000, u, |i, u| wiggly(i) >= u);
            assert!(i >= previous, "u = {u}: index {i} below {previous}");
            assert!(
                wiggly(i) >= u || i == 1000,
                "u = {u}: index {i} not reached"
            );
            previous = i;
        }
    }

    #[test]
    fn bad_arguments_are_explained() {
        let e = Distribution::beta_mean_sd(0.5, 0.6).unwrap_err();
        assert!(e.contains("sd <"), "{e}");
        assert!(Distribution::uniform(2.0, 1.0).is_err());
        assert!(Distribution::triangular(0.0, 2.0, 1.0).is_err());
    }
}
