//! Every distribution constructor of `socinv::dist`, checked from the outside:
//!
//! - its quantile function agrees with statrs' `inverse_cdf` of the same distribution, built here
//!   independently from the analyst's numbers (or with a closed form where there is one);
//! - the mean and sd of `quantile(u)` over a fine grid of `u` reproduce the analytic mean and sd
//!   (for the `*_mean_sd` and `lognormal(mean, sd)` constructors: the numbers the analyst wrote);
//! - draws stay inside the support even at the most extreme `u` the engine can draw;
//! - bad arguments give `Err` with a message that says what is wrong.

use crate::common::load_error;
use socinv::dist::Distribution;
use statrs::distribution::{
    Beta, Continuous, ContinuousCDF, Gamma, LogNormal, Normal, Triangular, Uniform,
};

/// Quantile levels checked against the reference, tails included.
const LEVELS: [f64; 11] = [
    1e-6, 0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999, 0.999_999,
];

/// The most extreme `u` the engine's `open01` may return: 2^-54, and the largest double below 1
/// (1 − 2^-53; the intended 1 − 2^-54 is not a double).
const U_MIN: f64 = 0.5 / 9_007_199_254_740_992.0;
const U_MAX: f64 = 1.0 - f64::EPSILON / 2.0;

/// Points of the moment grid, `u = (i + 0.5)/N`. The grid is the midpoint rule for
/// ∫₀¹ Q(u) du = E[X] and ∫₀¹ Q(u)² du = E[X²]; its error comes almost entirely from the two
/// outermost cells (width 1/N) where Q is steep, and shrinks like the tail mass beyond the last
/// midpoint. Measured for the cases below: at N = 50,000 the worst relative error is 7e-6 for
/// the mean and 1.6e-4 for the sd (lognormal with cv 0.5, where E[X²] has the heaviest tail);
/// at N = 200,000 it is 1.4e-6 and 4.6e-5. N = 50,000 keeps the iterative beta and gamma
/// inverses fast in a debug build. The tolerances are more than 6× the worst measured error,
/// while a wrong formula (an sd used as a log-sd, λ = 6 in the PERT, a rate taken for a scale,
/// ln(1 + cv²) replaced by cv²) is off by several percent.
const GRID: usize = 50_000;

/// Relative tolerance for the mean of the grid against the analytic mean.
const MEAN_TOL: f64 = 1e-4;
/// Relative tolerance for the sd of the grid against the analytic sd.
const SD_TOL: f64 = 1e-3;

fn built(what: &str, d: Result<Distribution, String>) -> Distribution {
    d.unwrap_or_else(|e| panic!("{what} should be valid: {e}"))
}

/// `|a − b| ≤ rel·max(|a|, |b|) + abs`.
fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + abs
}

/// The quantiles of `d` agree with `reference` at every level in [`LEVELS`]. Both sides come from
/// the same kind of numerical inverse, but the parameters are computed separately on each side,
/// so they can differ by a few ulps; an iterative inverse (beta, gamma) amplifies that a little.
/// 1e-9 relative is far below any real disagreement and far above rounding.
fn assert_quantiles(what: &str, d: &Distribution, reference: impl Fn(f64) -> f64) {
    for u in LEVELS {
        let (got, want) = (d.quantile(u), reference(u));
        assert!(
            close(got, want, 1e-9, 1e-12),
            "{what}: quantile({u}) is {got}, the reference gives {want}"
        );
    }
}

/// Mean and sd of `quantile(u)` over the midpoint grid (population sd: the grid is the whole
/// distribution, not a sample).
fn grid_moments(d: &Distribution) -> (f64, f64) {
    let n = GRID as f64;
    let (mut s1, mut s2) = (0.0, 0.0);
    // centred on the median, so the sum of squares does not lose the sd to rounding
    let centre = d.quantile(0.5);
    for i in 0..GRID {
        let x = d.quantile((i as f64 + 0.5) / n) - centre;
        s1 += x;
        s2 += x * x;
    }
    let mean = s1 / n;
    let var = s2 / n - mean * mean;
    (mean + centre, var.max(0.0).sqrt())
}

fn assert_moments(what: &str, d: &Distribution, mean: f64, sd: f64) {
    let (m, s) = grid_moments(d);
    // relative to the mean, or to the sd where the mean is near 0
    assert!(
        close(m, mean, MEAN_TOL, MEAN_TOL * sd),
        "{what}: the mean of its quantiles is {m}, the analytic mean is {mean}"
    );
    assert!(
        close(s, sd, SD_TOL, 1e-12),
        "{what}: the sd of its quantiles is {s}, the analytic sd is {sd}"
    );
}

/// Quantiles are non-decreasing in `u` and stay in `[lo, hi]` over the grid and at the most
/// extreme draws the engine can make.
fn assert_support(what: &str, d: &Distribution, lo: f64, hi: f64) {
    let mut previous = f64::NEG_INFINITY;
    let mut us = vec![U_MIN];
    us.extend((1..1000).map(|i| i as f64 / 1000.0));
    us.push(U_MAX);
    for u in us {
        let x = d.quantile(u);
        assert!(
            x.is_finite() && lo <= x && x <= hi,
            "{what}: quantile({u:e}) = {x} is outside [{lo}, {hi}]"
        );
        assert!(
            x >= previous,
            "{what}: the quantile function decreases at u = {u}: {x} < {previous}"
        );
        previous = x;
    }
}

fn assert_rejected(what: &str, d: Result<Distribution, String>, explains: &[&str]) {
    match d {
        Ok(d) => panic!("{what} should be rejected, got {d:?}"),
        Err(e) => {
            for word in explains {
                assert!(
                    e.contains(word),
                    "{what}: the message should mention {word:?}: {e}"
                );
            }
        }
    }
}

fn std_normal() -> Normal {
    Normal::standard()
}

#[test]
fn fixed_is_always_its_value() {
    let d = built("fixed(3.5)", Distribution::fixed(3.5));
    assert!(d.is_fixed());
    for u in [U_MIN, 0.1, 0.5, 0.9, U_MAX] {
        assert_eq!(d.quantile(u), 3.5);
    }
    assert_moments("fixed(3.5)", &d, 3.5, 0.0);
    assert_rejected(
        "fixed(inf)",
        Distribution::fixed(f64::INFINITY),
        &["finite"],
    );
    assert_rejected("fixed(NaN)", Distribution::fixed(f64::NAN), &["finite"]);
}

#[test]
fn uniform_matches_statrs_and_its_moments() {
    let (lo, hi) = (2.0, 7.0);
    let d = built("uniform", Distribution::uniform(lo, hi));
    let reference = Uniform::new(lo, hi).unwrap();
    assert_quantiles("uniform(2, 7)", &d, |u| reference.inverse_cdf(u));
    // and the closed form
    assert_quantiles("uniform(2, 7)", &d, |u| lo + u * (hi - lo));
    assert_moments("uniform(2, 7)", &d, 4.5, 5.0 / 12f64.sqrt());
    assert_support("uniform(2, 7)", &d, lo, hi);
    assert_rejected(
        "uniform(2, 1)",
        Distribution::uniform(2.0, 1.0),
        &[
            "uniform(lo 2, hi 1)",
            "lo (the first argument) must be below hi (the second)",
        ],
    );
    assert_rejected(
        "uniform(1, 1)",
        Distribution::uniform(1.0, 1.0),
        &["lo (the first argument) must be below hi"],
    );
    assert_rejected(
        "uniform(0, inf)",
        Distribution::uniform(0.0, f64::INFINITY),
        &["finite"],
    );
}

#[test]
fn normal_matches_statrs_and_its_moments() {
    let d = built("normal", Distribution::normal(-3.0, 2.5));
    let reference = Normal::new(-3.0, 2.5).unwrap();
    assert_quantiles("normal(-3, 2.5)", &d, |u| reference.inverse_cdf(u));
    assert_moments("normal(-3, 2.5)", &d, -3.0, 2.5);
    assert!((d.median() + 3.0).abs() < 1e-12);
    // the 90% interval is mean ± 1.645 sd
    assert!((d.quantile(0.95) - (-3.0 + 1.644_853_626_951_472 * 2.5)).abs() < 1e-9);
    assert_support("normal(-3, 2.5)", &d, f64::NEG_INFINITY, f64::INFINITY);
    assert_rejected(
        "normal(0, -1)",
        Distribution::normal(0.0, -1.0),
        &["sd must be positive", "-1"],
    );
    assert_rejected("normal(0, 0)", Distribution::normal(0.0, 0.0), &["sd"]);
    assert_rejected(
        "normal(NaN, 1)",
        Distribution::normal(f64::NAN, 1.0),
        &["finite"],
    );
}

/// The mean and sd of a normal(m, s) truncated to [lo, hi] (Johnson, Kotz & Balakrishnan).
fn truncated_normal_moments(m: f64, s: f64, lo: f64, hi: f64) -> (f64, f64) {
    let z = std_normal();
    let (a, b) = ((lo - m) / s, (hi - m) / s);
    let mass = z.cdf(b) - z.cdf(a);
    let (pa, pb) = (z.pdf(a), z.pdf(b));
    let shift = (pa - pb) / mass;
    let var = s * s * (1.0 + (a * pa - b * pb) / mass - shift * shift);
    (m + s * shift, var.sqrt())
}

#[test]
fn truncated_normal_matches_its_cdf_moments_and_bounds() {
    // A typical use (a share that must stay in [0, 1]), a one-sided cut, and a cut deep in the
    // upper tail where the inverse works with probabilities close to 1.
    for (m, s, lo, hi) in [
        (0.3, 0.2, 0.0, 1.0),
        (10.0, 4.0, 8.0, 30.0),
        (0.0, 1.0, -1.5, 0.5),
        (0.0, 1.0, 3.0, 6.0),
        (0.0, 1.0, -6.0, -3.0),
    ] {
        let what = format!("truncated_normal({m}, {s}, {lo}, {hi})");
        let d = built(&what, Distribution::truncated_normal(m, s, lo, hi));
        // Independent of how the quantile is computed: the truncated CDF at quantile(u) is u.
        let n = Normal::new(m, s).unwrap();
        let (fa, fb) = (n.cdf(lo), n.cdf(hi));
        for u in [0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999] {
            let x = d.quantile(u);
            let back = (n.cdf(x) - fa) / (fb - fa);
            assert!(
                (back - u).abs() < 1e-7,
                "{what}: the truncated CDF at quantile({u}) = {x} is {back}, not {u}"
            );
        }
        let (mean, sd) = truncated_normal_moments(m, s, lo, hi);
        assert_moments(&what, &d, mean, sd);
        assert_support(&what, &d, lo, hi);
    }
    assert_rejected(
        "truncated_normal(0, 1, 2, 1)",
        Distribution::truncated_normal(0.0, 1.0, 2.0, 1.0),
        &["lo (the third argument) must be below hi (the fourth)"],
    );
    assert_rejected(
        "truncated_normal(0, 0, 0, 1)",
        Distribution::truncated_normal(0.0, 0.0, 0.0, 1.0),
        &["sd"],
    );
    assert_rejected(
        "truncated_normal(0, 1, 40, 50)",
        Distribution::truncated_normal(0.0, 1.0, 40.0, 50.0),
        &["mass"],
    );
}

#[test]
fn lognormal_reproduces_the_mean_and_sd_it_was_given() {
    for (mean, sd) in [(1.0, 0.2), (250_000.0, 120_000.0), (0.7, 0.35)] {
        let what = format!("lognormal({mean}, {sd})");
        let d = built(&what, Distribution::lognormal(mean, sd));
        // statrs' lognormal takes the mean and sd of the log: σ² = ln(1 + cv²), μ = ln m − σ²/2.
        let sigma = (1.0 + (sd / mean) * (sd / mean)).ln().sqrt();
        let mu = mean.ln() - sigma * sigma / 2.0;
        let reference = LogNormal::new(mu, sigma).unwrap();
        assert_quantiles(&what, &d, |u| reference.inverse_cdf(u));
        assert_moments(&what, &d, mean, sd);
        assert_support(&what, &d, 0.0, f64::INFINITY);
    }
    assert_rejected(
        "lognormal(-1, 1)",
        Distribution::lognormal(-1.0, 1.0),
        &["mean must be positive", "-1"],
    );
    assert_rejected(
        "lognormal(1, 0)",
        Distribution::lognormal(1.0, 0.0),
        &["sd must be positive"],
    );
}

#[test]
fn lognormal_ci_has_the_median_and_interval_it_was_given() {
    let z95 = std_normal().inverse_cdf(0.95);
    // A geometrically symmetric interval is reproduced exactly: P5 = 0.5, P95 = 0.98.
    let (median, p5, p95) = (0.7, 0.5, 0.98);
    let d = built("lognormal_ci", Distribution::lognormal_ci(median, p5, p95));
    assert!(close(d.median(), median, 1e-12, 0.0));
    assert!(
        close(d.quantile(0.05), p5, 1e-9, 0.0),
        "{}",
        d.quantile(0.05)
    );
    assert!(
        close(d.quantile(0.95), p95, 1e-9, 0.0),
        "{}",
        d.quantile(0.95)
    );
    // A slightly asymmetric interval (4.8 % of its log-width, within the 5 % tolerance; the
    // example of docs/scripting.md): the log-sd is the average of the two half-widths on the
    // log scale.
    let (median, p5, p95) = (0.7, 0.5, 0.95);
    let what = "lognormal_ci(0.7, 0.5, 0.95)";
    let d = built(what, Distribution::lognormal_ci(median, p5, p95));
    let sigma = ((median / p5).ln() + (p95 / median).ln()) / 2.0 / z95;
    let reference = LogNormal::new(median.ln(), sigma).unwrap();
    assert_quantiles(what, &d, |u| reference.inverse_cdf(u));
    let mean = median * (sigma * sigma / 2.0).exp();
    let sd = mean * ((sigma * sigma).exp() - 1.0).sqrt();
    assert_moments(what, &d, mean, sd);
    assert_support(what, &d, 0.0, f64::INFINITY);
    // the fit keeps the interval's width as a ratio, P95/P5 = 0.95/0.5, centred geometrically
    // on the median: P5·P95 = median²
    let (q5, q95) = (d.quantile(0.05), d.quantile(0.95));
    assert!(close(q95 / q5, p95 / p5, 1e-9, 0.0), "{q5} … {q95}");
    assert!(close(q5 * q95, median * median, 1e-9, 0.0), "{q5} … {q95}");
    assert_rejected(
        "lognormal_ci(0.7, 0.8, 0.9)",
        Distribution::lognormal_ci(0.7, 0.8, 0.9),
        &[
            "lognormal_ci(median 0.7, p5 0.8, p95 0.9)",
            "p5 (the second argument, 0.8) must be below the median (the first, 0.7)",
        ],
    );
    assert_rejected(
        "lognormal_ci(1, 0, 2)",
        Distribution::lognormal_ci(1.0, 0.0, 2.0),
        &["p5 (the second argument) must be above 0, got 0"],
    );
}

#[test]
fn beta_matches_statrs_and_its_moments() {
    for (a, b) in [(2.0, 5.0), (1.0, 3.0), (30.0, 90.0)] {
        let what = format!("beta({a}, {b})");
        let d = built(&what, Distribution::beta(a, b));
        let reference = Beta::new(a, b).unwrap();
        assert_quantiles(&what, &d, |u| reference.inverse_cdf(u));
        let mean = a / (a + b);
        let sd = (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
        assert_moments(&what, &d, mean, sd);
        assert_support(&what, &d, 0.0, 1.0);
    }
    assert_rejected(
        "beta(0, 1)",
        Distribution::beta(0.0, 1.0),
        &["beta(alpha 0, beta 1)", "both shapes must be above 0"],
    );
    assert_rejected("beta(1, -2)", Distribution::beta(1.0, -2.0), &["-2"]);
    // a shape below 0.01: nearly all draws practically 0 or 1
    assert_rejected(
        "beta(0.005, 0.5)",
        Distribution::beta(0.005, 0.5),
        &["between 0.01 and 100,000", "discrete([0.0, 1.0]"],
    );
}

#[test]
fn beta_mean_sd_reproduces_the_mean_and_sd_it_was_given() {
    for (mean, sd) in [(0.25, 0.05), (0.6, 0.2), (0.02, 0.01)] {
        let what = format!("beta_mean_sd({mean}, {sd})");
        let d = built(&what, Distribution::beta_mean_sd(mean, sd));
        // method of moments: α + β = m(1 − m)/sd² − 1
        let k = mean * (1.0 - mean) / (sd * sd) - 1.0;
        let reference = Beta::new(mean * k, (1.0 - mean) * k).unwrap();
        assert_quantiles(&what, &d, |u| reference.inverse_cdf(u));
        assert_moments(&what, &d, mean, sd);
        assert_support(&what, &d, 0.0, 1.0);
    }
    assert_rejected(
        "beta_mean_sd(0.5, 0.6)",
        Distribution::beta_mean_sd(0.5, 0.6),
        &["sd <", "0.5000"],
    );
    assert_rejected(
        "beta_mean_sd(1.2, 0.1)",
        Distribution::beta_mean_sd(1.2, 0.1),
        &["mean must be between 0 and 1", "1.2"],
    );
    assert_rejected(
        "beta_mean_sd(0.3, 0)",
        Distribution::beta_mean_sd(0.3, 0.0),
        &["0 < sd"],
    );
}

#[test]
fn gamma_mean_sd_reproduces_the_mean_and_sd_it_was_given() {
    for (mean, sd) in [(250_000.0, 50_000.0), (3.0, 1.5), (0.5, 0.1)] {
        let what = format!("gamma_mean_sd({mean}, {sd})");
        let d = built(&what, Distribution::gamma_mean_sd(mean, sd));
        // shape k = (m/sd)², rate = m/sd² (statrs takes shape and rate)
        let reference = Gamma::new((mean / sd) * (mean / sd), mean / (sd * sd)).unwrap();
        assert_quantiles(&what, &d, |u| reference.inverse_cdf(u));
        assert_moments(&what, &d, mean, sd);
        assert_support(&what, &d, 0.0, f64::INFINITY);
    }
    assert_rejected(
        "gamma_mean_sd(-1, 1)",
        Distribution::gamma_mean_sd(-1.0, 1.0),
        &["mean must be positive"],
    );
    assert_rejected(
        "gamma_mean_sd(1, -1)",
        Distribution::gamma_mean_sd(1.0, -1.0),
        &["sd must be positive"],
    );
}

/// The triangular quantile in closed form.
fn triangular_quantile(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    let split = (mode - min) / (max - min);
    if u < split {
        min + (u * (max - min) * (mode - min)).sqrt()
    } else {
        max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
    }
}

#[test]
fn triangular_matches_statrs_the_closed_form_and_its_moments() {
    for (min, mode, max) in [(1100.0, 3500.0, 8400.0), (0.0, 0.0, 1.0), (-2.0, 1.0, 1.0)] {
        let what = format!("triangular({min}, {mode}, {max})");
        let d = built(&what, Distribution::triangular(min, mode, max));
        // statrs' argument order is (min, max, mode)
        let reference = Triangular::new(min, max, mode).unwrap();
        assert_quantiles(&what, &d, |u| reference.inverse_cdf(u));
        assert_quantiles(&what, &d, |u| triangular_quantile(min, mode, max, u));
        let mean = (min + mode + max) / 3.0;
        let var =
            (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0;
        assert_moments(&what, &d, mean, var.sqrt());
        assert_support(&what, &d, min, max);
    }
    assert_rejected(
        "triangular(0, 2, 1)",
        Distribution::triangular(0.0, 2.0, 1.0),
        &["the mode (the second argument, 2) must be at most max (the third, 1)"],
    );
    assert_rejected(
        "triangular(1, 1, 1)",
        Distribution::triangular(1.0, 1.0, 1.0),
        &["min and max (the first and third arguments) are both 1"],
    );
}

#[test]
fn pert_has_the_textbook_mean_and_sd() {
    for (min, mode, max) in [(10.0, 20.0, 60.0), (0.0, 0.5, 1.0), (5.0, 5.0, 6.0)] {
        let what = format!("pert({min}, {mode}, {max})");
        let d = built(&what, Distribution::pert(min, mode, max));
        // PERT with λ = 4: a beta(1 + 4(mode − min)/range, 1 + 4(max − mode)/range) on [min, max]
        let range = max - min;
        let reference = Beta::new(
            1.0 + 4.0 * (mode - min) / range,
            1.0 + 4.0 * (max - mode) / range,
        )
        .unwrap();
        assert_quantiles(&what, &d, |u| min + range * reference.inverse_cdf(u));
        // mean = (min + 4 mode + max)/6, variance = (mean − min)(max − mean)/7
        let mean = (min + 4.0 * mode + max) / 6.0;
        let sd = ((mean - min) * (max - mean) / 7.0).sqrt();
        assert_moments(&what, &d, mean, sd);
        assert_support(&what, &d, min, max);
    }
    assert_rejected(
        "pert(3, 1, 2)",
        Distribution::pert(3.0, 1.0, 2.0),
        &["min (the first argument, 3) must be at most the mode (the second, 1)"],
    );
    assert_rejected(
        "pert(1, 1, 1)",
        Distribution::pert(1.0, 1.0, 1.0),
        &["min and max (the first and third arguments) are both 1"],
    );
}

#[test]
fn discrete_picks_values_with_their_weights() {
    let (values, weights) = (vec![10.0, 20.0, 50.0], vec![2.0, 1.0, 1.0]);
    let d = built(
        "discrete",
        Distribution::discrete(values.clone(), weights.clone()),
    );
    // cumulative weights 0.5, 0.75, 1: u in (0, 0.5) → 10, [0.5, 0.75) → 20, [0.75, 1) → 50
    for (u, want) in [
        (U_MIN, 10.0),
        (0.49, 10.0),
        (0.5, 20.0),
        (0.74, 20.0),
        (0.75, 50.0),
        (U_MAX, 50.0),
    ] {
        assert_eq!(d.quantile(u), want, "discrete: quantile({u})");
    }
    // shares over the grid equal the normalised weights
    let n = GRID as f64;
    for (v, w) in values.iter().zip(&weights) {
        let count = (0..GRID)
            .filter(|i| d.quantile((*i as f64 + 0.5) / n) == *v)
            .count();
        assert!(
            ((count as f64 / n) - w / 4.0).abs() <= 1.0 / n,
            "discrete: {v} drawn with share {}, not {}",
            count as f64 / n,
            w / 4.0
        );
    }
    let mean = (10.0 * 2.0 + 20.0 + 50.0) / 4.0;
    let var =
        (2.0 * (10.0f64 - mean).powi(2) + (20.0f64 - mean).powi(2) + (50.0f64 - mean).powi(2))
            / 4.0;
    assert_moments("discrete", &d, mean, var.sqrt());
    assert_support("discrete", &d, 10.0, 50.0);

    // a zero weight is never drawn
    let d = built(
        "discrete with a zero weight",
        Distribution::discrete(vec![1.0, 2.0, 3.0], vec![1.0, 0.0, 1.0]),
    );
    assert!(
        (0..GRID).all(|i| d.quantile((i as f64 + 0.5) / n) != 2.0),
        "a value with weight 0 was drawn"
    );

    assert_rejected(
        "discrete([], [])",
        Distribution::discrete(vec![], vec![]),
        &["at least one value"],
    );
    assert_rejected(
        "discrete([1, 2], [1])",
        Distribution::discrete(vec![1.0, 2.0], vec![1.0]),
        &["as many weights as values", "2 values", "1 weights"],
    );
    assert_rejected(
        "discrete([1, 2], [1, -1])",
        Distribution::discrete(vec![1.0, 2.0], vec![1.0, -1.0]),
        &["negative"],
    );
    assert_rejected(
        "discrete([1, 2], [0, 0])",
        Distribution::discrete(vec![1.0, 2.0], vec![0.0, 0.0]),
        &["zero"],
    );
    assert_rejected(
        "discrete([1, NaN], [1, 1])",
        Distribution::discrete(vec![1.0, f64::NAN], vec![1.0, 1.0]),
        &["finite"],
    );
}

#[test]
fn empirical_makes_every_observed_value_equally_likely() {
    // observed yearly figures, in the order of the years
    let observed = vec![412_000.0, 398_500.0, 455_250.0, 430_000.0, 401_000.0];
    let d = built("empirical", Distribution::empirical(observed.clone()));
    let mut sorted = observed.clone();
    sorted.sort_by(f64::total_cmp);
    // every value on a fifth of (0, 1): the k-th smallest at u = (k + 0.5)/5
    let n = GRID as f64;
    for v in &observed {
        let count = (0..GRID)
            .filter(|i| d.quantile((*i as f64 + 0.5) / n) == *v)
            .count();
        assert!(
            ((count as f64 / n) - 0.2).abs() <= 1.0 / n,
            "empirical: {v} drawn with share {}, not 0.2",
            count as f64 / n
        );
    }
    let mean = observed.iter().sum::<f64>() / 5.0;
    let sd = (observed.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 5.0).sqrt();
    assert_moments("empirical", &d, mean, sd);
    assert_rejected(
        "empirical([])",
        Distribution::empirical(vec![]),
        &["at least one value"],
    );
    assert_rejected(
        "empirical([1, inf])",
        Distribution::empirical(vec![1.0, f64::INFINITY]),
        &["finite"],
    );
}

/// `quantile(u)` is what `check`, the JSON (P5/P50/P95) and the tornado's low/high values are
/// read from, so it must be a quantile function, non-decreasing in `u`, also when the analyst
/// lists the values unsorted (e.g. yearly figures in the order of the years).
#[test]
fn discrete_and_empirical_quantiles_are_quantiles_for_unsorted_values() {
    let observed = vec![412_000.0, 398_500.0, 455_250.0, 430_000.0, 401_000.0];
    let d = built("empirical", Distribution::empirical(observed.clone()));
    let mut sorted = observed.clone();
    sorted.sort_by(f64::total_cmp);
    for (k, v) in sorted.iter().enumerate() {
        let u = (k as f64 + 0.5) / 5.0;
        assert_eq!(
            d.quantile(u),
            *v,
            "empirical({observed:?}): quantile({u}) should be the {}. smallest value",
            k + 1
        );
    }
    assert!(
        d.quantile(0.05) <= d.quantile(0.5) && d.quantile(0.5) <= d.quantile(0.95),
        "empirical({observed:?}): P5 {} P50 {} P95 {} are not in order",
        d.quantile(0.05),
        d.quantile(0.5),
        d.quantile(0.95)
    );
    assert_support("empirical (unsorted)", &d, 398_500.0, 455_250.0);

    let d = built(
        "discrete (unsorted)",
        Distribution::discrete(vec![3.0, 1.0, 2.0], vec![1.0, 2.0, 1.0]),
    );
    // sorted: 1 (weight 2), 2 (1), 3 (1): cumulative 0.5, 0.75, 1
    for (u, want) in [(0.25, 1.0), (0.6, 2.0), (0.9, 3.0)] {
        assert_eq!(
            d.quantile(u),
            want,
            "discrete([3, 1, 2], [1, 2, 1]): quantile({u})"
        );
    }
    assert_support("discrete (unsorted)", &d, 1.0, 3.0);
}

/// The engine samples parameters by `quantile(open01(rng))`; `open01` must never return 0 or 1,
/// where normal, lognormal and gamma quantiles are infinite. The most extreme outputs of the
/// generator (all bits 0, all bits 1) are the cases to check.
#[test]
fn the_engines_uniform_draws_never_reach_0_or_1() {
    use rand::SeedableRng;
    use socinv::sim::rng::{Stream, open01};
    // Xoshiro256++ returns rotl(s0 + s3, 23) + s0: with s0 = 0 and s3 = 2^64 − 1 the first
    // output has all bits set; with s0 = s3 = 0 (s1 ≠ 0) it is 0.
    let state = |s3: u64| {
        let mut seed = [0u8; 32];
        seed[8..16].copy_from_slice(&1u64.to_le_bytes());
        seed[24..32].copy_from_slice(&s3.to_le_bytes());
        Stream::from_seed(seed)
    };
    let highest = open01(&mut state(u64::MAX));
    let lowest = open01(&mut state(0));
    assert!(
        lowest > 0.0,
        "open01 returned {lowest} for the lowest output"
    );
    assert!(
        highest < 1.0,
        "open01 returned {highest} for the highest output; a normal(0, 1) parameter would \
         be {} in that iteration",
        Distribution::normal(0.0, 1.0).unwrap().quantile(highest)
    );
    let gamma = Distribution::gamma_mean_sd(1000.0, 200.0).unwrap();
    assert!(gamma.quantile(highest).is_finite());
}

#[test]
fn a_bad_distribution_in_a_script_names_the_place_and_the_reason() {
    let e = load_error(
        "scenario(#{ name: \"t\", horizon: 3, cohort: 10 });\n\
         let p = param(\"p\", beta_mean_sd(0.5, 0.6));\n",
    );
    assert!(e.starts_with("test.rhai:2:"), "{e}");
    assert!(
        e.contains("beta_mean_sd(0.5, 0.6)") && e.contains("sd <"),
        "{e}"
    );

    let e = load_error(
        "scenario(#{ name: \"t\", horizon: 3, cohort: 10 });\n\
         \n\
         let k = param(\"k\", triangular(5, 1, 3));\n",
    );
    assert!(e.starts_with("test.rhai:3:"), "{e}");
    assert!(
        e.contains("min (the first argument, 5) must be at most the mode (the second, 1)"),
        "{e}"
    );

    let e = load_error(
        "scenario(#{ name: \"t\", horizon: 3, cohort: 10 });\n\
         let w = param(\"w\", discrete([1, 2], [1]));\n",
    );
    assert!(e.starts_with("test.rhai:2:"), "{e}");
    assert!(e.contains("as many weights"), "{e}");
}

#[test]
fn every_constructor_is_available_in_scripts_with_the_same_quantiles() {
    // The script functions build the same distributions as the library constructors: a
    // parameter's P5/P50/P95 as reported match the constructor's quantiles.
    let sc = crate::common::scenario(
        r#"scenario(#{ name: "t", horizon: 3, cohort: 10 });
actor("kommun");
state("a");
start(#{ a: 1.0 });
intervention("x", #{});
param("a", fixed(2));
param("b", uniform(1, 3));
param("c", normal(5, 2));
param("d", truncated_normal(0.3, 0.2, 0, 1));
param("e", lognormal(100, 30));
param("f", lognormal_ci(0.7, 0.5, 0.95));
param("g", beta(2, 5));
param("h", beta_mean_sd(0.25, 0.05));
param("i", gamma_mean_sd(1000, 200));
param("j", triangular(1, 2, 4));
param("k", pert(1, 2, 4));
param("l", discrete([1, 2, 3], [1, 1, 2]));
param("m", empirical([4, 5, 6]));
"#,
    );
    let expected: Vec<Distribution> = vec![
        Distribution::fixed(2.0),
        Distribution::uniform(1.0, 3.0),
        Distribution::normal(5.0, 2.0),
        Distribution::truncated_normal(0.3, 0.2, 0.0, 1.0),
        Distribution::lognormal(100.0, 30.0),
        Distribution::lognormal_ci(0.7, 0.5, 0.95),
        Distribution::beta(2.0, 5.0),
        Distribution::beta_mean_sd(0.25, 0.05),
        Distribution::gamma_mean_sd(1000.0, 200.0),
        Distribution::triangular(1.0, 2.0, 4.0),
        Distribution::pert(1.0, 2.0, 4.0),
        Distribution::discrete(vec![1.0, 2.0, 3.0], vec![1.0, 1.0, 2.0]),
        Distribution::empirical(vec![4.0, 5.0, 6.0]),
    ]
    .into_iter()
    .map(|d| d.unwrap())
    .collect();
    assert_eq!(sc.parameters.len(), expected.len());
    for (p, want) in sc.parameters.iter().zip(&expected) {
        for u in [0.05, 0.3, 0.5, 0.7, 0.95] {
            assert_eq!(
                p.distribution.dist.quantile(u),
                want.quantile(u),
                "parameter {} ({}) at u = {u}",
                p.name,
                p.distribution
            );
        }
    }
}

/// The cases the issue reported: two panics inside statrs (`beta(1e308, 1e308)`,
/// `gamma_mean_sd(1e300, 1)`), two inverses that never return (`gamma_mean_sd(1, 1e-10)`,
/// `beta(1e-308, 1e10)`) and one that takes 0.2 s a draw (`gamma_mean_sd(1300000, 1)`). Each
/// is now refused when it is built, with what to write instead.
#[test]
fn the_reported_panics_and_hangs_are_refused_when_built() {
    assert_rejected(
        "beta(1e308, 1e308)",
        Distribution::beta(1e308, 1e308),
        &["between 0.01 and 100,000", "normal(mean, sd)"],
    );
    assert_rejected(
        "beta(1e-308, 1e10)",
        Distribution::beta(1e-308, 1e10),
        &["between 0.01 and 100,000", "practically 0 or 1"],
    );
    assert_rejected(
        "gamma_mean_sd(1e300, 1)",
        Distribution::gamma_mean_sd(1e300, 1.0),
        &["mean (1e300)", "beyond ±1e15"],
    );
    assert_rejected(
        "gamma_mean_sd(1, 1e-10)",
        Distribution::gamma_mean_sd(1.0, 1e-10),
        &["tiny relative to the mean", "normal(1, ", "fixed(1)"],
    );
    assert_rejected(
        "gamma_mean_sd(1300000, 1)",
        Distribution::gamma_mean_sd(1_300_000.0, 1.0),
        &[
            "gamma_mean_sd(mean 1300000, sd 1)",
            "under 1 %",
            "normal(1300000, 1)",
        ],
    );
    // the other side of the gamma's range: sd above 10 × the mean
    assert_rejected(
        "gamma_mean_sd(100, 1001)",
        Distribution::gamma_mean_sd(100.0, 1001.0),
        &["gamma_mean_sd(mean 100, sd 1001)", "at most 10 × the mean"],
    );
    // and the edges themselves are accepted
    built("gamma_mean_sd(5, 5)", Distribution::gamma_mean_sd(5.0, 5.0));
    built(
        "gamma_mean_sd(5, 50)",
        Distribution::gamma_mean_sd(5.0, 50.0),
    );
    built(
        "gamma_mean_sd(100, 1)",
        Distribution::gamma_mean_sd(100.0, 1.0),
    );
    built("beta(1, 1e5)", Distribution::beta(1.0, 1e5));
    built("beta(0.01, 1e5)", Distribution::beta(0.01, 1e5));
}

#[test]
fn beta_mean_sd_says_which_sd_would_work() {
    // mean 0.05 with sd 0.21 fits alpha 0.0039; the largest sd with alpha ≥ 0.01 is
    // sqrt(0.0475 / (1 + 0.01/0.05)) = 0.199
    assert_rejected(
        "beta_mean_sd(0.05, 0.21)",
        Distribution::beta_mean_sd(0.05, 0.21),
        &[
            "beta_mean_sd(mean 0.05, sd 0.21)",
            "below 0.01",
            "at most 0.199",
            "discrete([0.0, 1.0], [0.95, 0.05])",
        ],
    );
    built(
        "beta_mean_sd(0.05, 0.198)",
        Distribution::beta_mean_sd(0.05, 0.198),
    );
    // J-shaped (alpha 0.9), accepted since the small-shape quantile
    built(
        "beta_mean_sd(0.05, 0.05)",
        Distribution::beta_mean_sd(0.05, 0.05),
    );
    // sd 0.001 around 0.5: shapes 125,000; the smallest sd with shapes ≤ 100,000 is
    // sqrt(0.25 / (1 + 1e5/0.5)) = 0.00112
    assert_rejected(
        "beta_mean_sd(0.5, 0.001)",
        Distribution::beta_mean_sd(0.5, 0.001),
        &["tiny relative to the mean", "normal(0.5, 0.001)", "0.00112"],
    );
    // a mean so close to 0 that no sd works: shapes ≥ 0.01 need sd ≤ 1e-7, shapes ≤ 1e5
    // need sd ≥ 3.2e-7
    assert_rejected(
        "beta_mean_sd(1e-8, 1e-9)",
        Distribution::beta_mean_sd(1e-8, 1e-9),
        &[
            "this close to 0",
            "between 0.01 and 100,000",
            "fixed(0.00000001)",
        ],
    );
}

/// `lognormal_ci(1.0, 0.2, 1.5)` used to be fitted with P5 0.365 and P95 2.73: neither end of
/// the interval the analyst wrote. A lognormal with median m has P5·P95 = m², so an interval
/// that is not geometrically symmetric cannot be honoured and is refused.
#[test]
fn lognormal_ci_refuses_an_interval_it_cannot_honour() {
    assert_rejected(
        "lognormal_ci(1.0, 0.2, 1.5)",
        Distribution::lognormal_ci(1.0, 0.2, 1.5),
        &[
            "lognormal_ci(median 1, p5 0.2, p95 1.5)",
            "symmetric on the log scale",
            "with median 1 and P5 0.2, P95 would be 5",
            "with P95 1.5, P5 would be 0.667",
            "pert(min, mode, max)",
        ],
    );
    // the consistent interval is honoured at both ends
    let d = built(
        "lognormal_ci(1, 0.2, 5)",
        Distribution::lognormal_ci(1.0, 0.2, 5.0),
    );
    assert!(
        close(d.quantile(0.05), 0.2, 1e-9, 0.0),
        "{}",
        d.quantile(0.05)
    );
    assert!(
        close(d.quantile(0.95), 5.0, 1e-9, 0.0),
        "{}",
        d.quantile(0.95)
    );
    // the tolerance: 5 % of the interval's log-width
    built(
        "lognormal_ci(0.7, 0.5, 0.95) (4.8 %)",
        Distribution::lognormal_ci(0.7, 0.5, 0.95),
    );
    assert_rejected(
        "lognormal_ci(1.5, 0.95, 2.6) (9.3 %)",
        Distribution::lognormal_ci(1.5, 0.95, 2.6),
        &["not a lognormal's interval"],
    );
    assert_rejected(
        "lognormal_ci(100, 60, 200) (15 %)",
        Distribution::lognormal_ci(100.0, 60.0, 200.0),
        &["P95 would be 167", "P5 would be 50"],
    );
    // and in a script, at the call's position
    let e = load_error(
        "scenario(#{ name: \"t\", horizon: 3, cohort: 10 });\n\
         let rr = param(\"rr\", lognormal_ci(1.0, 0.2, 1.5));\n",
    );
    assert!(e.starts_with("test.rhai:2:"), "{e}");
    assert!(e.contains("P95 would be 5"), "{e}");
}

#[test]
fn lognormal_keeps_its_spread_within_what_a_run_can_estimate() {
    assert_rejected(
        "lognormal(1, 1000)",
        Distribution::lognormal(1.0, 1000.0),
        &["at most 100 × the mean"],
    );
    assert_rejected(
        "lognormal(1000, 0.1)",
        Distribution::lognormal(1000.0, 0.1),
        &["at least 0.1 % of the mean", "normal(1000, 0.1)"],
    );
    assert_rejected(
        "lognormal_ci(1, 0.001, 1000)",
        Distribution::lognormal_ci(1.0, 0.001, 1000.0),
        &["at most 10,000 × p5"],
    );
    built("lognormal(1, 100)", Distribution::lognormal(1.0, 100.0));
}

#[test]
fn discrete_and_empirical_take_at_most_10000_values_and_check_every_weight() {
    let many: Vec<f64> = (0..10_001).map(f64::from).collect();
    assert_rejected(
        "empirical(10,001 values)",
        Distribution::empirical(many.clone()),
        &["at most 10,000 values", "got 10001"],
    );
    assert_rejected(
        "discrete(10,001 values)",
        Distribution::discrete(many.clone(), vec![1.0; 10_001]),
        &["at most 10,000 values"],
    );
    let d = built(
        "empirical(10,000 values)",
        Distribution::empirical(many[..10_000].to_vec()),
    );
    assert_eq!(d.quantile(U_MAX), 9999.0);
    assert_rejected(
        "discrete([1, 2], [1, NaN])",
        Distribution::discrete(vec![1.0, 2.0], vec![1.0, f64::NAN]),
        &["finite", "weight number 2", "NaN"],
    );
    assert_rejected(
        "discrete([1, 2], [inf, 1])",
        Distribution::discrete(vec![1.0, 2.0], vec![f64::INFINITY, 1.0]),
        &["weight number 1"],
    );
    // weights whose sum overflows used to give NaN cumulative weights
    assert_rejected(
        "discrete([1, 2], [1e308, 1e308])",
        Distribution::discrete(vec![1.0, 2.0], vec![1e308, 1e308]),
        &["weight number 1", "beyond 1e15", "divide them all"],
    );
}

/// Extreme arguments for the grid tests: the issue's list, with a few ordinary numbers so that
/// every constructor also has accepted combinations.
const EXTREMES: [f64; 24] = [
    0.0,
    1e-308,
    -1e-308,
    1e-10,
    -1e-10,
    1e-3,
    -1e-3,
    0.05,
    0.5,
    1.0,
    -1.0,
    2.0,
    1e3,
    -1e3,
    1e10,
    -1e10,
    1e300,
    -1e300,
    1e308,
    f64::MAX,
    f64::MIN,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

/// The levels at which every accepted distribution of the grid is evaluated.
const GRID_LEVELS: [f64; 9] = [
    1e-16,
    1e-9,
    0.001,
    0.05,
    0.5,
    0.95,
    0.999,
    1.0 - 1e-9,
    U_MAX,
];

/// How long one quantile call may take before the grid test calls it a hang. A watchdog, not
/// a timing assertion: the slowest accepted call measured takes under 0.1 ms (release).
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(10);

/// Every combination of `arity` values from [`EXTREMES`].
fn combinations(arity: u32) -> Vec<Vec<f64>> {
    let n = EXTREMES.len();
    (0..n.pow(arity))
        .map(|mut i| {
            (0..arity)
                .map(|_| {
                    let x = EXTREMES[i % n];
                    i /= n;
                    x
                })
                .collect()
        })
        .collect()
}

/// Builds `name` from each argument list: a refusal must explain itself; an accepted
/// distribution must have finite quantiles, non-decreasing over [`GRID_LEVELS`]. The quantiles
/// are computed on a worker thread watched by [`WATCHDOG`], so that an inverse that never
/// returns fails the test instead of hanging it. Returns the number accepted.
fn assert_grid_is_sane(
    name: &str,
    cases: Vec<Vec<f64>>,
    build: impl Fn(&[f64]) -> Result<Distribution, String>,
) -> usize {
    use std::sync::mpsc::{self, RecvTimeoutError};
    let mut accepted: Vec<(String, Distribution)> = Vec::new();
    for args in &cases {
        let what = format!("{name}({args:?})");
        match build(args) {
            Ok(d) => accepted.push((what, d)),
            Err(e) => assert!(e.len() > 20, "{what}: the refusal does not explain: {e:?}"),
        }
    }
    let labels: Vec<String> = accepted.iter().map(|(w, _)| w.clone()).collect();
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        for (_, d) in accepted {
            for u in GRID_LEVELS {
                if tx.send(d.quantile(u)).is_err() {
                    return;
                }
            }
        }
    });
    for (what, _) in labels.iter().map(|w| (w, ())) {
        let mut previous = f64::NEG_INFINITY;
        for u in GRID_LEVELS {
            let x = match rx.recv_timeout(WATCHDOG) {
                Ok(x) => x,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("{what}: quantile({u:e}) did not return within {WATCHDOG:?}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("{what}: quantile({u:e}) panicked")
                }
            };
            assert!(x.is_finite(), "{what}: quantile({u:e}) = {x}");
            assert!(
                x >= previous,
                "{what}: quantile({u:e}) = {x:e} is below the previous level's {previous:e}"
            );
            previous = x;
        }
    }
    worker.join().expect("the worker finished");
    labels.len()
}

#[test]
fn fixed_over_extreme_arguments() {
    let n = assert_grid_is_sane("fixed", combinations(1), |a| Distribution::fixed(a[0]));
    assert!(n > 10, "{n} accepted");
}

#[test]
fn uniform_over_extreme_arguments() {
    let n = assert_grid_is_sane("uniform", combinations(2), |a| {
        Distribution::uniform(a[0], a[1])
    });
    assert!(n > 50, "{n} accepted");
}

#[test]
fn normal_over_extreme_arguments() {
    let n = assert_grid_is_sane("normal", combinations(2), |a| {
        Distribution::normal(a[0], a[1])
    });
    assert!(n > 50, "{n} accepted");
}

#[test]
fn truncated_normal_over_extreme_arguments() {
    let n = assert_grid_is_sane("truncated_normal", combinations(4), |a| {
        Distribution::truncated_normal(a[0], a[1], a[2], a[3])
    });
    assert!(n > 100, "{n} accepted");
}

#[test]
fn lognormal_over_extreme_arguments() {
    let n = assert_grid_is_sane("lognormal", combinations(2), |a| {
        Distribution::lognormal(a[0], a[1])
    });
    assert!(n > 10, "{n} accepted");
}

#[test]
fn lognormal_ci_over_extreme_arguments() {
    let mut cases = combinations(3);
    // consistent intervals, down to the smallest and up to the largest amounts
    for m in [1e-308, 1e-10, 1.0, 1e10, 1e15] {
        cases.push(vec![m, m / 10.0, m * 10.0]);
        cases.push(vec![m, m / 1.0001, m * 1.0001]);
    }
    let n = assert_grid_is_sane("lognormal_ci", cases, |a| {
        Distribution::lognormal_ci(a[0], a[1], a[2])
    });
    assert!(n >= 10, "{n} accepted");
}

#[test]
fn beta_over_extreme_arguments() {
    let mut cases = combinations(2);
    for (a, b) in [
        (1.0, 1e5),
        (1e5, 1.0),
        (1e5, 1e5),
        (1.0, 1.0),
        (1.0001, 99_999.0),
        // the smallest shapes, sampled by bisection
        (0.01, 0.01),
        (0.01, 1e5),
        (1e5, 0.01),
        (0.01, 1.0),
        (0.999, 0.999),
        (0.999, 1e5),
    ] {
        cases.push(vec![a, b]);
    }
    let n = assert_grid_is_sane("beta", cases, |a| Distribution::beta(a[0], a[1]));
    assert!(n >= 10, "{n} accepted");
}

#[test]
fn beta_mean_sd_over_extreme_arguments() {
    let mut cases = combinations(2);
    for (m, s) in [
        (1e-5, 1e-5 / 4.0),
        (0.5, 0.0012),
        (0.999, 0.0005),
        (0.5, 0.288),
        // shapes 0.01 and 0.9 (J-shaped)
        (0.5, 0.495),
        (0.05, 0.05),
        (0.999, 0.0014),
    ] {
        cases.push(vec![m, s]);
    }
    let n = assert_grid_is_sane("beta_mean_sd", cases, |a| {
        Distribution::beta_mean_sd(a[0], a[1])
    });
    assert!(n >= 5, "{n} accepted");
}

#[test]
fn gamma_mean_sd_over_extreme_arguments() {
    let mut cases = combinations(2);
    // the edges of the shape range at the smallest and largest means
    for m in [1e-308, 1e-10, 0.999, 1.0, 1e14] {
        cases.push(vec![m, m]);
        cases.push(vec![m, m / 100.0]);
        // shape 0.01 (sd = 10 × mean) and just below 1
        cases.push(vec![m, 10.0 * m]);
        cases.push(vec![m, 1.0001 * m]);
    }
    cases.push(vec![1e15, 1e15]);
    cases.push(vec![1e15, 1e13]);
    let n = assert_grid_is_sane("gamma_mean_sd", cases, |a| {
        Distribution::gamma_mean_sd(a[0], a[1])
    });
    assert!(n >= 10, "{n} accepted");
}

#[test]
fn triangular_over_extreme_arguments() {
    let n = assert_grid_is_sane("triangular", combinations(3), |a| {
        Distribution::triangular(a[0], a[1], a[2])
    });
    assert!(n > 100, "{n} accepted");
}

#[test]
fn pert_over_extreme_arguments() {
    let n = assert_grid_is_sane("pert", combinations(3), |a| {
        Distribution::pert(a[0], a[1], a[2])
    });
    assert!(n > 100, "{n} accepted");
}

#[test]
fn discrete_over_extreme_arguments() {
    let n = assert_grid_is_sane("discrete", combinations(4), |a| {
        Distribution::discrete(vec![a[0], a[1]], vec![a[2], a[3]])
    });
    assert!(n > 100, "{n} accepted");
}

#[test]
fn empirical_over_extreme_arguments() {
    let mut cases = combinations(2);
    cases.extend(combinations(1));
    let n = assert_grid_is_sane("empirical", cases, |a| Distribution::empirical(a.to_vec()));
    assert!(n > 100, "{n} accepted");
}

/// Shapes below 1 sampled by bisection on statrs' CDF, checked against the few closed forms:
/// beta(0.5, 0.5) is the arcsine law, Q(u) = sin²(πu/2); beta(a, 1) has Q(u) = u^(1/a) and
/// beta(1, b) Q(u) = 1 − (1 − u)^(1/b); a gamma of shape 1/2 and rate 1/2 is Z², with
/// Q(u) = 2·erf⁻¹(u)² = 2·erfc⁻¹(1 − u)². Levels from 10⁻¹⁶ to 1 − 10⁻¹⁶, ten a decade. The
/// upper tail of a beta is compared as 1 − x, where the closed form keeps its digits.
#[test]
fn small_shapes_match_the_closed_forms() {
    use statrs::function::erf::{erf_inv, erfc_inv};
    let tails: Vec<f64> = (1..=160).map(|k| 10f64.powf(-(k as f64) / 10.0)).collect();
    // an absolute 2^-53 where the quantile is 1 − Q: x near 1 is a double spaced 2^-53
    let check = |what: &str, got: f64, want: f64, abs: f64| {
        assert!(
            close(got, want, 1e-9, abs),
            "{what}: the quantile is {got:e}, the closed form gives {want:e}"
        );
    };
    let arcsine = built("beta(0.5, 0.5)", Distribution::beta(0.5, 0.5));
    let half_pi = std::f64::consts::FRAC_PI_2;
    for &u in &tails {
        check(
            &format!("beta(0.5, 0.5) at {u:e}"),
            arcsine.quantile(u),
            (half_pi * u).sin().powi(2),
            1e-300,
        );
        // 1 − Q(1 − u) = sin²(πu/2) by symmetry; 1 − u is exact only for u ≥ 2^-53
        if u >= f64::EPSILON {
            check(
                &format!("beta(0.5, 0.5) at 1 − {u:e}"),
                1.0 - arcsine.quantile(1.0 - u),
                (half_pi * (1.0 - (1.0 - u))).sin().powi(2),
                f64::EPSILON / 2.0,
            );
        }
    }
    for a in [0.01, 0.05, 0.3, 0.999] {
        let power = built("beta(a, 1)", Distribution::beta(a, 1.0));
        let mirrored = built("beta(1, a)", Distribution::beta(1.0, a));
        for &u in tails.iter().filter(|u| **u >= f64::EPSILON) {
            for u in [u, 1.0 - u] {
                check(
                    &format!("beta({a}, 1) at {u:e}"),
                    power.quantile(u),
                    u.powf(1.0 / a),
                    1e-300,
                );
                // 1 − Q = (1 − u)^(1/b)
                check(
                    &format!("beta(1, {a}) at {u:e}"),
                    1.0 - mirrored.quantile(u),
                    (1.0 - u).powf(1.0 / a),
                    f64::EPSILON / 2.0,
                );
            }
        }
    }
    // near 0 a gamma of shape k and rate 1 has P(X ≤ x) = x^k/Γ(k + 1)·(1 − kx/(k + 1) + …):
    // Q(u) = (u·Γ(k + 1))^(1/k) to 10⁻¹⁰ relative where that is below 10⁻¹⁰
    for k in [0.01, 0.05, 0.3] {
        let what = format!("gamma_mean_sd({k}, √{k})");
        let d = built(&what, Distribution::gamma_mean_sd(k, k.sqrt()));
        let mut compared = 0;
        for &u in &tails {
            let want = (u * statrs::function::gamma::gamma(k + 1.0)).powf(1.0 / k);
            if (1e-300..1e-10).contains(&want) {
                check(&format!("{what} at {u:e}"), d.quantile(u), want, 0.0);
                compared += 1;
            }
        }
        assert!(compared >= 10, "{what}: only {compared} levels near 0");
    }
    // shape (1/√2)² = 1/2, rate 1/2
    let chi2 = built(
        "gamma_mean_sd(1, √2)",
        Distribution::gamma_mean_sd(1.0, std::f64::consts::SQRT_2),
    );
    for &u in &tails {
        check(
            &format!("gamma_mean_sd(1, √2) at {u:e}"),
            chi2.quantile(u),
            2.0 * erf_inv(u).powi(2),
            1e-300,
        );
        check(
            &format!("gamma_mean_sd(1, √2) at 1 − {u:e}"),
            chi2.quantile(1.0 - u),
            2.0 * erfc_inv(1.0 - (1.0 - u)).powi(2),
            1e-300,
        );
    }
}

/// Levels from 10⁻¹⁶ to 1 − 10⁻¹⁶ (four a decade in each tail) and the engine's extremes.
fn round_trip_levels() -> Vec<f64> {
    let mut us = vec![U_MIN, U_MAX, 0.5];
    for k in 1..=64 {
        let u = 10f64.powf(-(k as f64) / 4.0);
        us.push(u);
        if u >= f64::EPSILON {
            us.push(1.0 - u);
        }
    }
    us
}

/// `x` is the quantile at `u` up to rounding: P(X ≤ x(1 − 10⁻¹²)) ≤ u and P(X > x(1 + 10⁻¹²)) ≤
/// 1 − u, each within 10⁻⁹ relative, with each probability computed where it keeps its digits
/// (`lower(x)` = P(X ≤ x) and `upper(x)` = P(X > x)); values within 10⁻³⁰⁰ of the support's
/// end count as the end (a quantile that small underflows).
fn assert_round_trip(
    what: &str,
    u: f64,
    x: f64,
    lower: impl Fn(f64) -> f64,
    upper: impl Fn(f64) -> f64,
) {
    let (below, above) = (x * (1.0 - 1e-12) - 1e-300, x * (1.0 + 1e-12) + 1e-300);
    let (p_below, p_above) = (lower(below), upper(above));
    assert!(
        p_below <= u * (1.0 + 1e-9),
        "{what}: quantile({u:e}) = {x:e}, but P(X ≤ {below:e}) = {p_below:e} exceeds u"
    );
    assert!(
        p_above <= (1.0 - u) * (1.0 + 1e-9) + 1e-300,
        "{what}: quantile({u:e}) = {x:e}, but P(X > {above:e}) = {p_above:e} exceeds 1 − u"
    );
}

/// For shapes in [0.01, 1) the quantile inverts statrs' CDF at every level, tails included. The
/// beta's upper tail is taken on the distance to 1 (t = 1 − x, exact for x ≥ 0.5) with the
/// mirrored beta, whose CDF at t is P(X ≥ 1 − t).
#[test]
fn small_shape_quantiles_round_trip_through_the_cdf() {
    let levels = round_trip_levels();
    for a in [0.01, 0.05, 0.3, 0.999] {
        for b in [0.01, 0.5, 1.0, 3.0, 1e3, 1e5] {
            for (a, b) in [(a, b), (b, a)] {
                let what = format!("beta({a}, {b})");
                let d = built(&what, Distribution::beta(a, b));
                let (beta, mirror) = (Beta::new(a, b).unwrap(), Beta::new(b, a).unwrap());
                for &u in &levels {
                    let x = d.quantile(u);
                    if x <= 0.5 {
                        assert_round_trip(&what, u, x, |y| beta.cdf(y), |y| 1.0 - beta.cdf(y));
                    } else {
                        // P(X ≤ y) = 1 − P(T ≤ 1 − y) with T = 1 − X the mirrored beta, at
                        // the doubles next to x (spaced 2^-53 in [0.5, 1)), so that 1 − y is
                        // exact
                        let t = 1.0 - x;
                        let step = f64::EPSILON / 2.0;
                        let (below, above) = (x - step, (x + step).min(1.0));
                        let (p_below, p_above) =
                            (1.0 - mirror.cdf(1.0 - below), mirror.cdf(1.0 - above));
                        assert!(
                            p_below <= u * (1.0 + 1e-9),
                            "{what}: quantile({u:e}) = 1 − {t:e}, but P(X ≤ {below}) = \
                             {p_below:e} exceeds u"
                        );
                        assert!(
                            p_above <= (1.0 - u) * (1.0 + 1e-9),
                            "{what}: quantile({u:e}) = 1 − {t:e}, but P(X > {above}) = \
                             {p_above:e} exceeds 1 − u"
                        );
                    }
                }
            }
        }
    }
    for k in [0.01, 0.05, 0.3, 0.999] {
        // mean k and sd √k: scale sd²/mean = 1 (up to an ulp), a gamma of shape k and rate 1
        let what = format!("gamma_mean_sd({k}, √{k})");
        let d = built(&what, Distribution::gamma_mean_sd(k, k.sqrt()));
        let gamma = Gamma::new(k, 1.0).unwrap();
        for &u in &levels {
            let x = d.quantile(u);
            assert_round_trip(&what, u, x, |y| gamma.cdf(y), |y| gamma.sf(y));
        }
    }
}

/// The small-shape quantiles are non-decreasing over a fine grid of u: 20,000 levels in the
/// bulk and 2 × 1,600 log-spaced levels in the tails, down to 10⁻¹⁶.
#[test]
fn small_shape_quantiles_are_monotone_over_a_fine_grid() {
    let mut us: Vec<f64> = (1..20_000).map(|i| i as f64 / 20_000.0).collect();
    for k in 0..1_600 {
        let u = 10f64.powf(-4.0 - k as f64 / 133.0);
        us.push(u);
        us.push(1.0 - u);
    }
    us.push(U_MIN);
    us.push(U_MAX);
    us.sort_by(f64::total_cmp);
    let cases = [
        ("beta(0.01, 0.01)", Distribution::beta(0.01, 0.01)),
        ("beta(0.5, 0.5)", Distribution::beta(0.5, 0.5)),
        ("beta(0.01, 1e5)", Distribution::beta(0.01, 1e5)),
        ("beta(3, 0.3)", Distribution::beta(3.0, 0.3)),
        (
            "beta_mean_sd(0.05, 0.05)",
            Distribution::beta_mean_sd(0.05, 0.05),
        ),
        (
            "gamma_mean_sd(100, 200)",
            Distribution::gamma_mean_sd(100.0, 200.0),
        ),
        (
            "gamma_mean_sd(1, 10)",
            Distribution::gamma_mean_sd(1.0, 10.0),
        ),
        (
            "gamma_mean_sd(1e-10, 1.1e-10)",
            Distribution::gamma_mean_sd(1e-10, 1.1e-10),
        ),
    ];
    for (what, d) in cases {
        let d = built(what, d);
        let mut previous = f64::NEG_INFINITY;
        for &u in &us {
            let x = d.quantile(u);
            assert!(x.is_finite() && x >= 0.0, "{what}: quantile({u:e}) = {x}");
            assert!(
                x >= previous,
                "{what}: quantile({u:e}) = {x:e} is below the previous level's {previous:e}"
            );
            previous = x;
        }
    }
}

/// The two models the shape limit of 1 used to refuse reproduce the mean and sd the analyst
/// wrote: a J-shaped beta (alpha 0.9) and a cost whose sd is twice its mean (shape 1/4).
#[test]
fn small_shape_models_reproduce_their_mean_and_sd() {
    for (mean, sd) in [(0.05, 0.05), (0.5, 0.4)] {
        let what = format!("beta_mean_sd({mean}, {sd})");
        let d = built(&what, Distribution::beta_mean_sd(mean, sd));
        assert_moments(&what, &d, mean, sd);
        assert_support(&what, &d, 0.0, 1.0);
    }
    for (mean, sd) in [(100.0, 200.0), (48_000.0, 60_000.0)] {
        let what = format!("gamma_mean_sd({mean}, {sd})");
        let d = built(&what, Distribution::gamma_mean_sd(mean, sd));
        assert_moments(&what, &d, mean, sd);
        assert_support(&what, &d, 0.0, f64::INFINITY);
    }
}

/// Shapes of 1 and more: the quantile inverts statrs' CDF (its survival function above the
/// median, where 1 − u is exact) to 1e-10 relative, tails included, and differs from statrs'
/// own inverse by no more than that inverse's absolute step of 1e-9 (on the scale of a rate-1
/// gamma) up to u = 1 − 10^-6. Whether it comes from the interpolated table or is computed, see `dist::table`.
#[test]
fn shapes_of_one_and_more_invert_the_cdf() {
    let mut us = LEVELS.to_vec();
    us.extend([1e-14, 1e-12, 0.123, 0.5, 0.877, 1.0 - 1e-12]);
    let inverts = |what: &str, x: f64, u: f64, cdf: f64, sf: f64| {
        let (got, want) = if u < 0.5 { (cdf, u) } else { (sf, 1.0 - u) };
        assert!(
            (got - want).abs() <= 1e-10 * want,
            "{what}: quantile({u:e}) = {x:e} has cdf {cdf:e} and sf {sf:e}"
        );
    };
    for (a, b) in [(1.0, 1.0), (1.0, 3.0), (2.0, 5.0), (11.8, 66.9), (1.0, 1e5)] {
        let what = format!("beta({a}, {b})");
        let d = built(&what, Distribution::beta(a, b));
        let reference = Beta::new(a, b).unwrap();
        for &u in &us {
            let x = d.quantile(u);
            inverts(&what, x, u, reference.cdf(x), reference.sf(x));
            assert!(
                (x - reference.inverse_cdf(u)).abs() <= 1e-9,
                "{what} at {u:e}"
            );
        }
    }
    for (mean, sd) in [(5.0, 5.0), (250_000.0, 50_000.0), (3.0, 1.5), (0.2, 0.05)] {
        let what = format!("gamma_mean_sd({mean}, {sd})");
        let d = built(&what, Distribution::gamma_mean_sd(mean, sd));
        let shape = (mean / sd) * (mean / sd);
        let reference = Gamma::new(shape, shape / mean).unwrap();
        let unit = Gamma::new(shape, 1.0).unwrap();
        for &u in &us {
            let x = d.quantile(u);
            inverts(&what, x, u, reference.cdf(x), reference.sf(x));
            // (beyond 1 − 10^-6 statrs' inverse, which works on the CDF, loses its digits)
            let statrs = unit.inverse_cdf(u.max(1e-16)) * mean / shape;
            assert!(
                u > 1.0 - 1e-6 || (x - statrs).abs() <= 4e-9 * mean / shape,
                "{what} at {u:e}"
            );
        }
    }
}
