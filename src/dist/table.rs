//! Fast quantiles for the iterative distributions (gamma, beta, PERT): the quantile function
//! interpolated once, then read in about 0.1 µs a draw instead of 1–5 µs for statrs' inverse.
//!
//! The table holds `y = h(Q(u))` (h = ln for a gamma, logit for a beta) as a function of
//! `z = Φ⁻¹(u)`, in which it is smooth and nearly linear, on [`Z_RANGE`] cut into [`PIECES`]
//! equal pieces, each a Chebyshev series of degree [`DEGREE`] through the accurate quantile at
//! its Chebyshev–Lobatto points (the ends included, so neighbouring pieces meet). Each piece is
//! then checked against the accurate quantile between its points; a piece off by more than
//! [`TOLERANCE`] (relative) is not used, and there, as outside [`Z_RANGE`], the quantile is
//! computed. So every value the table gives is within [`TOLERANCE`] of the accurate quantile.
//!
//! The accurate quantile ([`polished`]) is statrs' inverse refined by Newton steps on statrs'
//! CDF, or on its survival function above the median, where `1 − u` is exact: statrs' own
//! inverse stops at an absolute step of 10^-9 (measured on statrs 0.19), the polished one within
//! a few ulps wherever the CDF is accurate.

use statrs::distribution::ContinuousCDF;
use statrs::distribution::Normal;
use std::sync::{Arc, OnceLock};

/// Degree of each piece's Chebyshev series.
const DEGREE: usize = 12;
/// Pieces over [`Z_RANGE`].
const PIECES: usize = 32;
/// The range of `z = Φ⁻¹(u)` the table covers: u from 1.4·10^-15 to 1 − 1.3·10^-12. Above it
/// the doubles near 1 are too sparse for the interpolation points to stay apart; there (a
/// probability of 10^-12) and below it the quantile is computed.
const Z_RANGE: (f64, f64) = (-7.9, 7.0);
/// The largest relative difference from the accurate quantile a piece may have to be used.
pub const TOLERANCE: f64 = 1e-12;
/// Newton steps of [`polished`] at most (from statrs' answer, two reach rounding).
const NEWTON_STEPS: usize = 4;

/// The transform in which the quantile is interpolated.
#[derive(Clone, Copy, Debug)]
pub enum Transform {
    /// `ln x`, for values above 0.
    Log,
    /// `ln(x / (1 − x))`, for values in (0, 1).
    Logit,
}

impl Transform {
    fn forward(self, x: f64) -> f64 {
        match self {
            Transform::Log => x.ln(),
            Transform::Logit => (x / (1.0 - x)).ln(),
        }
    }

    fn back(self, y: f64) -> f64 {
        match self {
            Transform::Log => y.exp(),
            Transform::Logit => 1.0 / (1.0 + (-y).exp()),
        }
    }
}

/// One piece: its Chebyshev coefficients, or `None` where the check failed.
type Piece = Option<[f64; DEGREE + 1]>;

/// A quantile function interpolated (see the module's documentation).
pub struct QuantileTable {
    transform: Transform,
    pieces: Vec<Piece>,
}

/// The standard normal, whose quantile maps `u` to the table's `z`.
fn normal() -> Normal {
    Normal::standard()
}

impl QuantileTable {
    /// Interpolates `accurate` (the quantile at `u`, in (0, 1)) in `transform`.
    pub fn build(transform: Transform, accurate: &dyn Fn(f64) -> f64) -> QuantileTable {
        let width = (Z_RANGE.1 - Z_RANGE.0) / PIECES as f64;
        let pieces = (0..PIECES)
            .map(|p| {
                let lo = Z_RANGE.0 + p as f64 * width;
                fit_piece(transform, accurate, lo, lo + width)
            })
            .collect();
        QuantileTable { transform, pieces }
    }

    /// The quantile at `u`, or `None` where the table does not hold it (outside [`Z_RANGE`] or
    /// in a piece that failed its check).
    #[inline]
    pub fn quantile(&self, u: f64) -> Option<f64> {
        let z = normal().inverse_cdf(u);
        let width = (Z_RANGE.1 - Z_RANGE.0) / PIECES as f64;
        let at = (z - Z_RANGE.0) / width;
        if !(at >= 0.0 && at < PIECES as f64) {
            return None;
        }
        let p = at as usize;
        let c = self.pieces[p].as_ref()?;
        Some(
            self.transform
                .back(chebyshev(c, 2.0 * (at - p as f64) - 1.0)),
        )
    }

    /// The number of pieces the table holds (the rest are computed), for tests.
    pub fn pieces_held(&self) -> usize {
        self.pieces.iter().filter(|p| p.is_some()).count()
    }
}

/// The series `Σ c_k T_k(t)` by Clenshaw's recurrence.
#[inline]
fn chebyshev(c: &[f64; DEGREE + 1], t: f64) -> f64 {
    let (mut b1, mut b2) = (0.0, 0.0);
    for &ck in c[1..].iter().rev() {
        let b0 = 2.0 * t * b1 - b2 + ck;
        b2 = b1;
        b1 = b0;
    }
    t * b1 - b2 + c[0]
}

/// The piece over `[lo, hi]` in z, or `None` if it misses the accurate quantile by more than
/// [`TOLERANCE`] at points between its interpolation points (or cannot be fitted).
fn fit_piece(transform: Transform, accurate: &dyn Fn(f64) -> f64, lo: f64, hi: f64) -> Piece {
    let normal = normal();
    let local = |z: f64| 2.0 * (z - lo) / (hi - lo) - 1.0;
    // The points are Chebyshev–Lobatto points in z, moved to the z of the double u nearest
    // them: the table is read at Φ⁻¹(u) of a double u, and its values must be those at it.
    let mut basis = nalgebra::DMatrix::<f64>::zeros(DEGREE + 1, DEGREE + 1);
    let mut values = nalgebra::DVector::<f64>::zeros(DEGREE + 1);
    for j in 0..=DEGREE {
        let node = (std::f64::consts::PI * j as f64 / DEGREE as f64).cos();
        let u = normal.cdf(0.5 * (lo + hi) + 0.5 * (hi - lo) * node);
        let t = local(normal.inverse_cdf(u));
        let (mut t0, mut t1) = (1.0, t);
        for k in 0..=DEGREE {
            basis[(j, k)] = t0;
            (t0, t1) = (t1, 2.0 * t * t1 - t0);
        }
        values[j] = transform.forward(accurate(u));
    }
    if values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let solved = basis.lu().solve(&values)?;
    let mut c = [0.0; DEGREE + 1];
    c.copy_from_slice(solved.as_slice());
    // Between the points (which lie at t = cos(πj/12)).
    let checks = [-0.98, -0.79, -0.38, 0.12, 0.62, 0.93];
    let good = checks.iter().all(|&t| {
        let u = normal.cdf(0.5 * (lo + hi) + 0.5 * (hi - lo) * t);
        let want = accurate(u);
        let got = transform.back(chebyshev(&c, local(normal.inverse_cdf(u))));
        (got - want).abs() <= TOLERANCE * want.abs()
    });
    good.then_some(c)
}

/// statrs' quantile `start` at `u` refined by Newton steps on `cdf` (or, above the median, on
/// `sf`, whose complement `1 − u` is exact), kept within `(0, upper]`.
pub fn polished(
    u: f64,
    start: f64,
    cdf: impl Fn(f64) -> f64,
    sf: impl Fn(f64) -> f64,
    pdf: impl Fn(f64) -> f64,
    upper: f64,
) -> f64 {
    let mut x = start;
    for _ in 0..NEWTON_STEPS {
        let density = pdf(x);
        if !(density > 0.0 && density.is_finite() && x > 0.0) {
            break;
        }
        let step = if u < 0.5 {
            (cdf(x) - u) / density
        } else {
            ((1.0 - u) - sf(x)) / density
        };
        let next = (x - step).clamp(0.5 * x, (2.0 * x).min(upper));
        if !next.is_finite() {
            break;
        }
        let converged = (next - x).abs() <= 4.0 * f64::EPSILON * x;
        x = next;
        if converged {
            break;
        }
    }
    x
}

/// A table built on first use and shared by the clones of a distribution.
#[derive(Clone, Default)]
pub struct Lazy(Arc<OnceLock<QuantileTable>>);

impl Lazy {
    /// The table, built from `accurate` in `transform` the first time it is asked for.
    pub fn get(&self, transform: Transform, accurate: &dyn Fn(f64) -> f64) -> &QuantileTable {
        self.0
            .get_or_init(|| QuantileTable::build(transform, accurate))
    }
}

impl std::fmt::Debug for Lazy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.get() {
            Some(t) => write!(f, "QuantileTable({} of {PIECES} pieces)", t.pieces_held()),
            None => write!(f, "QuantileTable(not built)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{Beta, Gamma};

    /// Levels over the whole table, both tails on a log scale.
    fn levels() -> Vec<f64> {
        let mut us: Vec<f64> = (0..2000).map(|i| (i as f64 + 0.5) / 2000.0).collect();
        for e in 0..140 {
            let tail = 10f64.powf(-14.5 + 0.1 * e as f64);
            us.extend([tail, 1.0 - tail]);
        }
        us
    }

    /// The table is within TOLERANCE of the polished quantile wherever it holds a value, holds
    /// most pieces for ordinary shapes, and the polished quantile inverts the CDF.
    #[test]
    fn tables_agree_with_the_polished_quantile() {
        let gammas = [1.0, 2.0, 10.5625, 100.0, 1e4];
        let betas = [
            (1.0, 1.0),
            (11.8, 66.9),
            (1.02, 1000.0),
            (2.5, 1.3),
            (50.0, 1.0),
            (3.0, 5.0),
        ];
        /// What is checked, its transform, its accurate quantile and its CDF.
        type Case = (
            String,
            Transform,
            Box<dyn Fn(f64) -> f64>,
            Box<dyn Fn(f64) -> f64>,
        );
        let mut cases: Vec<Case> = Vec::new();
        use crate::dist::{accurate_beta_quantile, accurate_gamma_quantile};
        for k in gammas {
            let g = Gamma::new(k, 1.0).unwrap();
            cases.push((
                format!("gamma({k})"),
                Transform::Log,
                Box::new(move |u| accurate_gamma_quantile(&g, u)),
                Box::new(move |x| g.cdf(x)),
            ));
        }
        for (a, b) in betas {
            let d = Beta::new(a, b).unwrap();
            cases.push((
                format!("beta({a}, {b})"),
                Transform::Logit,
                Box::new(move |u| accurate_beta_quantile(&d, u)),
                Box::new(move |x| d.cdf(x)),
            ));
        }
        for (what, transform, accurate, cdf) in &cases {
            let table = QuantileTable::build(*transform, accurate);
            assert!(
                table.pieces_held() >= PIECES - 2,
                "{what}: {} pieces",
                table.pieces_held()
            );
            for u in levels() {
                let want = accurate(u);
                if let Some(got) = table.quantile(u) {
                    assert!(
                        (got - want).abs() <= TOLERANCE * want.abs(),
                        "{what}: at u = {u:e} the table gives {got}, the quantile is {want}"
                    );
                }
                if (1e-9..=0.5).contains(&u) {
                    let back = cdf(want);
                    // statrs' CDF itself is accurate to about 1e-11 at shape 10^4
                    assert!(
                        (back - u).abs() <= 1e-10 * u,
                        "{what}: cdf(quantile({u:e})) = {back:e}"
                    );
                }
            }
        }
    }

    /// The tables of the shipped scenarios' gammas, betas and PERTs hold every piece (a piece
    /// that fails its check costs a computed quantile on every draw there).
    #[test]
    fn the_shipped_distributions_are_tabled_whole() {
        use crate::dist::Distribution as D;
        // every one written in scenarios/ and benches/ (grep -ho "beta_mean_sd(...)" etc.)
        let betas = [
            (0.03, 0.01),
            (0.05, 0.01),
            (0.08, 0.02),
            (0.10, 0.02),
            (0.10, 0.03),
            (0.12, 0.03),
            (0.14, 0.04),
            (0.15, 0.03),
            (0.15, 0.04),
            (0.18, 0.04),
            (0.20, 0.05),
            (0.22, 0.05),
            (0.25, 0.05),
            (0.30, 0.06),
            (0.35, 0.06),
            (0.35, 0.07),
            (0.40, 0.08),
            (0.55, 0.06),
            (0.70, 0.05),
        ];
        let gammas = [
            (120000.0, 30000.0),
            (130000.0, 40000.0),
            (1300000.0, 400000.0),
            (150000.0, 50000.0),
            (25000.0, 8000.0),
            (300000.0, 50000.0),
            (4850000.0, 600000.0),
            (60000.0, 20000.0),
            (650000.0, 200000.0),
            (75045.0, 10000.0),
        ];
        let perts = [
            (20000.0, 40000.0, 90000.0),
            (22000.0, 33000.0, 50000.0),
            (35000.0, 50000.0, 75000.0),
            (40000.0, 55000.0, 80000.0),
            (80000.0, 110000.0, 160000.0),
        ];
        let mut all: Vec<D> = betas
            .iter()
            .map(|&(m, sd)| D::beta_mean_sd(m, sd).unwrap())
            .collect();
        all.extend(
            gammas
                .iter()
                .map(|&(m, sd)| D::gamma_mean_sd(m, sd).unwrap()),
        );
        all.extend(perts.iter().map(|&(a, m, b)| D::pert(a, m, b).unwrap()));
        for d in &all {
            d.quantile(0.3);
            let table = match d {
                D::Beta { table, .. } | D::Gamma { table, .. } | D::Pert { table, .. } => table,
                _ => unreachable!("{d:?}"),
            };
            let held = table.0.get().expect("built by the draw").pieces_held();
            assert_eq!(held, PIECES, "{d:?}");
        }
    }

    /// Outside its range of z the table holds nothing (the caller computes the quantile).
    #[test]
    fn the_far_tails_are_computed() {
        let table = QuantileTable::build(Transform::Log, &|u: f64| -(1.0 - u).ln());
        assert!(table.quantile(1e-16).is_none());
        assert!(table.quantile(1.0 - 1e-13).is_none());
        assert!(table.quantile(0.5).is_some());
    }
}
