//! Correlated parameters: a Gaussian copula on the uniforms each parameter already draws.
//!
//! A script states Spearman rank correlations between parameters (`correlate`, `correlation`).
//! Parameters joined by correlations, directly or through others, form a *group*. Per iteration
//! every parameter still draws its own uniform `u` from the parameter stream in declaration
//! order; for a group, the uniforms are turned into standard normals `z = Φ⁻¹(u)`, mixed by the
//! Cholesky factor L of the group's normal correlation matrix R (`z' = L z`) and turned back
//! (`u' = Φ(z')`), and each parameter takes its quantile at `u'`. Marginals are therefore exactly
//! the declared distributions, inverse-CDF sampling and the stream layout are kept (common random
//! numbers, any thread count), and parameters in no group draw exactly as without correlations.
//!
//! The normal correlation that gives a Spearman ρ_s under a Gaussian copula is
//! `r = 2·sin(π·ρ_s/6)` (Pearson 1907); R must be positive definite.
//!
//! Fixing a parameter of a group (`--set`, or a sensitivity analysis moving it) *conditions* the
//! others on it: the fixed value's level `u = F(v)` gives `z_F`, and the free members draw from
//! the conditional normal `N(R_RF R_FF⁻¹ z_F, R_RR − R_RF R_FF⁻¹ R_FR)` with their own uniforms.

use crate::dist::Distribution;
use crate::scenario::Parameter;
pub use crate::scenario::{CorrelatedGroup, RankCorrelation};
use nalgebra::DMatrix;
use statrs::distribution::{ContinuousCDF, Normal};

/// The normal (Pearson) correlation of a Gaussian copula with Spearman's ρ `spearman`.
pub fn normal_correlation(spearman: f64) -> f64 {
    2.0 * (std::f64::consts::PI * spearman / 6.0).sin()
}

impl CorrelatedGroup {
    fn position(&self, parameter: usize) -> Option<usize> {
        self.members.iter().position(|&m| m == parameter)
    }
}

/// The groups of a scenario's correlations (connected components), each checked positive
/// definite. An error names the group and says what to change.
pub fn groups(
    parameters: &[Parameter],
    correlations: &[RankCorrelation],
) -> Result<Vec<CorrelatedGroup>, String> {
    let n = parameters.len();
    // union-find over parameters
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for c in correlations {
        let (a, b) = (root(&mut parent, c.first), root(&mut parent, c.second));
        parent[a.max(b)] = a.min(b);
    }
    let mut groups: Vec<CorrelatedGroup> = Vec::new();
    let mut seen: Vec<Option<usize>> = vec![None; n];
    for c in correlations {
        let r = root(&mut parent, c.first);
        if seen[r].is_none() {
            let members: Vec<usize> = (0..n).filter(|&i| root(&mut parent, i) == r).collect();
            let k = members.len();
            seen[r] = Some(groups.len());
            groups.push(CorrelatedGroup {
                members,
                normal: DMatrix::identity(k, k),
            });
        }
    }
    // groups in the order of their smallest member
    groups.sort_by_key(|g| g.members[0]);
    for c in correlations {
        let g = groups
            .iter_mut()
            .find(|g| g.members.contains(&c.first))
            .expect("every correlation is in a group");
        let (i, j) = (g.position(c.first).unwrap(), g.position(c.second).unwrap());
        let r = normal_correlation(c.spearman);
        g.normal[(i, j)] = r;
        g.normal[(j, i)] = r;
    }
    for g in &groups {
        if g.normal.clone().cholesky().is_none() {
            let names: Vec<String> = g
                .members
                .iter()
                .map(|&m| format!("\"{}\"", parameters[m].name))
                .collect();
            let smallest = g.normal.clone().symmetric_eigen().eigenvalues.min();
            let last = correlations
                .iter()
                .rfind(|c| g.members.contains(&c.first))
                .expect("a group has a correlation");
            return Err(format!(
                "{}: the correlations between {} are not a valid correlation matrix: it is not \
                 positive definite (smallest eigenvalue {smallest:.3} of the normal correlation \
                 matrix)\nhelp: correlations must be consistent with each other: if a–b and b–c \
                 are both high, a–c cannot be low, and a pair not declared counts as 0; lower \
                 some correlations or declare the missing pairs",
                last.origin,
                names.join(", ")
            ));
        }
    }
    Ok(groups)
}

/// The level `u` of a value in a distribution: the middle of the `u` where the quantile function
/// equals it (its CDF for a continuous distribution, the middle of the jump for a discrete one),
/// found by bisection on the quantile function, within the open interval the draws use.
pub fn level_of(dist: &Distribution, value: f64) -> f64 {
    const LO: f64 = U_MIN;
    let bisect = |below: &dyn Fn(f64) -> bool| {
        // the largest u in (LO, 1 − LO) with below(u)
        let (mut lo, mut hi) = (LO, 1.0 - LO);
        if !below(lo) {
            return lo;
        }
        if below(hi) {
            return hi;
        }
        for _ in 0..80 {
            let mid = 0.5 * (lo + hi);
            if below(mid) { lo = mid } else { hi = mid }
        }
        lo
    };
    let lower = bisect(&|u| dist.quantile(u) < value);
    let upper = bisect(&|u| dist.quantile(u) <= value);
    (0.5 * (lower + upper)).clamp(LO, 1.0 - LO)
}

/// The smallest uniform `rng::open01` gives, 2⁻⁵³ (its largest is 1 − 2⁻⁵³).
pub(crate) const U_MIN: f64 = 1.0 / (1u64 << 53) as f64;

/// How one group is drawn given which of its members are fixed.
#[derive(Clone, Debug)]
struct GroupSampler {
    /// Parameter indices of the free members.
    free_params: Vec<usize>,
    /// Conditional mean of the free normals given the fixed ones.
    conditional_mean: DMatrix<f64>,
    /// Cholesky factor of the conditional covariance of the free normals.
    lower: DMatrix<f64>,
}

/// Turns a run's independent uniforms into correlated draws (see the module's notes).
#[derive(Clone, Debug, Default)]
pub struct Copula {
    groups: Vec<GroupSampler>,
}

fn standard_normal() -> Normal {
    Normal::new(0.0, 1.0).expect("the standard normal")
}

impl Copula {
    /// The copula of `groups`, with the parameters `fixed` at values (parameter index, value).
    pub fn new(
        parameters: &[Parameter],
        groups: &[CorrelatedGroup],
        fixed: &[(usize, f64)],
    ) -> Copula {
        let phi = standard_normal();
        let samplers = groups
            .iter()
            .filter_map(|g| {
                let is_fixed = |m: usize| fixed.iter().rfind(|(i, _)| *i == m).map(|(_, v)| *v);
                let fixed_pos: Vec<usize> = (0..g.members.len())
                    .filter(|&p| is_fixed(g.members[p]).is_some())
                    .collect();
                let free: Vec<usize> = (0..g.members.len())
                    .filter(|&p| is_fixed(g.members[p]).is_none())
                    .collect();
                if free.is_empty() {
                    return None;
                }
                let fixed_z: Vec<f64> = fixed_pos
                    .iter()
                    .map(|&p| {
                        let m = g.members[p];
                        let v = is_fixed(m).unwrap();
                        phi.inverse_cdf(level_of(&parameters[m].distribution.dist, v))
                    })
                    .collect();
                let sub = |rows: &[usize], cols: &[usize]| {
                    DMatrix::from_fn(rows.len(), cols.len(), |i, j| g.normal[(rows[i], cols[j])])
                };
                let r_rr = sub(&free, &free);
                let (mean_weights, covariance) = if fixed_pos.is_empty() {
                    (DMatrix::zeros(free.len(), 0), r_rr)
                } else {
                    let r_rf = sub(&free, &fixed_pos);
                    let r_ff_inv = sub(&fixed_pos, &fixed_pos)
                        .cholesky()
                        .expect("a principal submatrix of a positive definite matrix")
                        .inverse();
                    let w = &r_rf * r_ff_inv;
                    let cov = &r_rr - &w * r_rf.transpose();
                    (w, cov)
                };
                let lower = covariance
                    .cholesky()
                    .expect("a conditional covariance of a positive definite matrix")
                    .l();
                let z_f = DMatrix::from_column_slice(fixed_z.len(), 1, &fixed_z);
                let conditional_mean = &mean_weights * z_f;
                Some(GroupSampler {
                    free_params: free.iter().map(|&p| g.members[p]).collect(),
                    conditional_mean,
                    lower,
                })
            })
            .collect();
        Copula { groups: samplers }
    }

    /// True when no group has a free member (nothing to do).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Replaces the uniforms of grouped, free parameters by their correlated uniforms, in place
    /// (`uniforms[i]` belongs to parameter i).
    pub fn correlate(&self, uniforms: &mut [f64]) {
        let phi = standard_normal();
        for g in &self.groups {
            let z: Vec<f64> = g
                .free_params
                .iter()
                .map(|&p| phi.inverse_cdf(uniforms[p]))
                .collect();
            for (row, &p) in g.free_params.iter().enumerate() {
                let mut mixed = g.conditional_mean[(row, 0)];
                for (col, zc) in z.iter().enumerate().take(row + 1) {
                    mixed += g.lower[(row, col)] * zc;
                }
                // within open01's range, where every quantile function is tested
                uniforms[p] = phi.cdf(mixed).clamp(U_MIN, 1.0 - U_MIN);
            }
        }
    }
}

/// The conditional medians of the other members of `parameter`'s group when it is at `value`
/// (no others: empty): under the copula the median of z_j given z_i is r_ij·z_i.
pub fn conditional_medians(
    parameters: &[Parameter],
    groups: &[CorrelatedGroup],
    parameter: usize,
    value: f64,
) -> Vec<(usize, f64)> {
    let Some(g) = groups.iter().find(|g| g.members.contains(&parameter)) else {
        return Vec::new();
    };
    let phi = standard_normal();
    let i = g.position(parameter).unwrap();
    let z = phi.inverse_cdf(level_of(&parameters[parameter].distribution.dist, value));
    g.members
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(j, &m)| {
            let u = phi.cdf(g.normal[(j, i)] * z);
            (m, parameters[m].distribution.dist.quantile(u))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_to_normal_correlation_is_pearsons() {
        assert_eq!(normal_correlation(0.0), 0.0);
        assert!((normal_correlation(1.0) - 1.0).abs() < 1e-15);
        assert!((normal_correlation(0.5) - 0.517_638_090_205).abs() < 1e-9);
    }

    #[test]
    fn level_of_inverts_the_quantile() {
        let d = Distribution::normal(10.0, 2.0).unwrap();
        assert!((level_of(&d, 10.0) - 0.5).abs() < 1e-12);
        assert!((level_of(&d, d.quantile(0.9)) - 0.9).abs() < 1e-9);
        let coin = Distribution::discrete(vec![0.0, 1.0], vec![1.0, 1.0]).unwrap();
        assert!((level_of(&coin, 0.0) - 0.25).abs() < 1e-9);
        assert!((level_of(&coin, 1.0) - 0.75).abs() < 1e-9);
    }
}
