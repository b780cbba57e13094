//! The parameters' distribution given the observed cohort: importance sampling from the prior
//! where it suffices, otherwise sequential Monte Carlo, chosen by the data.
//!
//! Both work in the space of independent standard normals `w` behind the parameter draws
//! ([`ParameterSampler::at_normals`]), where the prior is N(0, I) whatever the parameters'
//! distributions and correlations. The prior's particles are weighted by the likelihood; when
//! the effective sample size (ESS) of those weights falls below half the particles, the
//! likelihood is brought in by steps instead (tempering, `L^β` with β rising from 0 to 1, each
//! step as large as keeps the ESS at half the particles). After each step the particles are
//! resampled (systematically) and moved by preconditioned Crank–Nicolson proposals
//! `w' = ρ·w + √(1−ρ²)·ξ`, which leave the prior invariant, so a move is accepted with
//! probability `min(1, (L(w')/L(w))^β)` and no prior density is needed; ρ adapts to the
//! acceptance rate. Every draw comes from a stream keyed by (stage, move, particle): the same
//! seed gives the same posterior on any number of threads.

use crate::error::{Error, Result};
use crate::sim::ParameterSampler;
use crate::sim::likelihood::{Likelihood, log_sum_exp};
use crate::sim::rng::{self, Purpose, Stream};
use statrs::distribution::{ContinuousCDF, Normal};

/// pCN moves per particle after each tempering step.
pub const MOVES_PER_STAGE: usize = 10;
/// The ESS, as a share of the particles, below which the likelihood is tempered.
pub const ESS_TARGET: f64 = 0.5;
/// Tempering steps at most: a guard against data the prior cannot reach.
const MAX_STAGES: usize = 200;

/// How the posterior was computed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    /// The prior's particles weighted by the likelihood.
    ImportanceSampling,
    /// Tempered in `stages` steps, each followed by resampling and `moves` pCN moves per
    /// particle; `acceptance` is the share of moves accepted.
    SequentialMonteCarlo {
        stages: usize,
        moves: usize,
        acceptance: f64,
    },
}

/// Weighted parameter sets drawn from the posterior.
#[derive(Clone, Debug)]
pub struct Posterior {
    /// The prior's particles (the starting draws), for comparison.
    pub prior: Vec<Vec<f64>>,
    pub params: Vec<Vec<f64>>,
    /// Normalised weights of `params` (sum 1).
    pub weights: Vec<f64>,
    pub method: Method,
    /// The ESS of the final weights: (Σw)² / Σw².
    pub ess: f64,
    /// log p(observed) estimated along the way (the log marginal likelihood).
    pub log_evidence: f64,
}

/// The posterior with `particles` particles, drawn by `sampler`'s mapping from normals;
/// `None` when no prior draw gives the observations a positive likelihood (the caller names
/// the impossible row).
pub fn sample(
    likelihood: &Likelihood,
    sampler: &ParameterSampler,
    particles: usize,
    seed: u64,
) -> Result<Option<Posterior>> {
    let n = particles.max(2);
    let d = sampler.dimension();
    let seed_f = rng::subseed(seed, 1);
    let mut w: Vec<Vec<f64>> = (0..n)
        .map(|i| normals(&mut stream(seed_f, 0, 0, i), d))
        .collect();
    let mut params: Vec<Vec<f64>> = w.iter().map(|x| sampler.at_normals(x)).collect();
    let prior = params.clone();
    let mut ll = likelihood.evaluate(seed, &params)?;
    if ll.iter().all(|&x| x == f64::NEG_INFINITY) {
        return Ok(None);
    }
    let mut log_w = vec![0.0; n];
    let mut log_evidence = 0.0;
    let mut beta = 0.0;
    let mut stages = 0;
    let (mut accepted, mut proposed) = (0usize, 0usize);
    let mut rho: f64 = 0.8;
    loop {
        let target = ESS_TARGET * n as f64;
        let next = if ess(&reweighted(&log_w, &ll, 1.0 - beta)) >= target {
            1.0
        } else {
            // the largest step keeping the ESS at the target (ESS falls as the step grows)
            let (mut lo, mut hi) = (0.0, 1.0 - beta);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if ess(&reweighted(&log_w, &ll, mid)) >= target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            beta + lo.max(1e-12)
        };
        let stepped = reweighted(&log_w, &ll, next - beta);
        // the step's factor of the evidence: Σ exp(after) / Σ exp(before)
        log_evidence += log_sum_exp(&stepped) - log_sum_exp(&log_w);
        log_w = stepped;
        beta = next.min(1.0);
        if beta >= 1.0 || stages == MAX_STAGES {
            break;
        }
        stages += 1;
        // resample systematically, then move
        let u0 = rng::unit(&mut stream(seed_f, stages, 0, n));
        let picked = systematic(&normalised(&log_w), u0);
        w = picked.iter().map(|&i| w[i].clone()).collect();
        params = picked.iter().map(|&i| params[i].clone()).collect();
        ll = picked.iter().map(|&i| ll[i]).collect();
        log_w = vec![0.0; n];
        for m in 1..=MOVES_PER_STAGE {
            let scale = (1.0 - rho * rho).sqrt();
            let mut uniforms = Vec::with_capacity(n);
            let proposals: Vec<Vec<f64>> = (0..n)
                .map(|i| {
                    let mut s = stream(seed_f, stages, m, i);
                    let xi = normals(&mut s, d);
                    uniforms.push(rng::open01(&mut s));
                    w[i].iter()
                        .zip(&xi)
                        .map(|(a, b)| rho * a + scale * b)
                        .collect()
                })
                .collect();
            let proposed_params: Vec<Vec<f64>> =
                proposals.iter().map(|x| sampler.at_normals(x)).collect();
            let proposed_ll = likelihood.evaluate(seed, &proposed_params)?;
            let mut sweep_accepted = 0;
            for i in 0..n {
                let ratio = beta * (proposed_ll[i] - ll[i]);
                if proposed_ll[i] > f64::NEG_INFINITY
                    && (ll[i] == f64::NEG_INFINITY || uniforms[i].ln() < ratio)
                {
                    w[i] = proposals[i].clone();
                    params[i] = proposed_params[i].clone();
                    ll[i] = proposed_ll[i];
                    sweep_accepted += 1;
                }
            }
            accepted += sweep_accepted;
            proposed += n;
            let rate = sweep_accepted as f64 / n as f64;
            // aim at an acceptance of 15–40 %: smaller steps when fewer are accepted
            if rate < 0.15 {
                rho = 1.0 - (1.0 - rho) * 0.5;
            } else if rate > 0.4 {
                rho = (1.0 - (1.0 - rho) * 1.5).max(0.0);
            }
        }
    }
    if stages == MAX_STAGES && beta < 1.0 {
        return Err(Error::Usage(format!(
            "the observed cohort is too unlikely under the scenario's prior for the posterior \
             to be reached in {MAX_STAGES} tempering steps: check the observed file against \
             the scenario, or widen the distributions it contradicts"
        )));
    }
    let weights = normalised(&log_w);
    let method = if stages == 0 {
        Method::ImportanceSampling
    } else {
        Method::SequentialMonteCarlo {
            stages,
            moves: MOVES_PER_STAGE,
            acceptance: accepted as f64 / proposed.max(1) as f64,
        }
    };
    Ok(Some(Posterior {
        prior,
        ess: ess(&log_w),
        params,
        weights,
        method,
        log_evidence,
    }))
}

/// The stream of particle `i` at (stage, move).
fn stream(seed: u64, stage: usize, step: usize, i: usize) -> Stream {
    debug_assert!(
        i < 1 << 32 && step < 1 << 12,
        "keys of (stage, move, particle) stay apart"
    );
    let key = ((stage as u64) << 44) | ((step as u64) << 32) | i as u64;
    rng::stream(seed, key, Purpose::Design)
}

fn normals(s: &mut Stream, d: usize) -> Vec<f64> {
    let phi = Normal::standard();
    (0..d).map(|_| phi.inverse_cdf(rng::open01(s))).collect()
}

/// `log_w + step·ll`, with an impossible particle kept impossible (never 0·∞).
fn reweighted(log_w: &[f64], ll: &[f64], step: f64) -> Vec<f64> {
    log_w
        .iter()
        .zip(ll)
        .map(|(&w, &l)| {
            if l == f64::NEG_INFINITY {
                f64::NEG_INFINITY
            } else {
                w + step * l
            }
        })
        .collect()
}

fn normalised(log_w: &[f64]) -> Vec<f64> {
    let max = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = log_w.iter().map(|x| (x - max).exp()).collect();
    let sum: f64 = w.iter().sum();
    w.into_iter().map(|x| x / sum).collect()
}

/// The effective sample size of log weights.
fn ess(log_w: &[f64]) -> f64 {
    let w = normalised(log_w);
    1.0 / w.iter().map(|x| x * x).sum::<f64>()
}

impl Posterior {
    /// The posterior as equally weighted parameter sets, as many as its particles:
    /// systematically resampled by a draw of its own from `seed`.
    pub fn equally_weighted(&self, seed: u64) -> Vec<Vec<f64>> {
        let u0 = rng::unit(&mut stream(rng::subseed(seed, 2), 0, 0, 0));
        systematic(&self.weights, u0)
            .into_iter()
            .map(|i| self.params[i].clone())
            .collect()
    }
}

/// Systematic resampling: the indices picked by the points `(u0 + k) / n`.
fn systematic(weights: &[f64], u0: f64) -> Vec<usize> {
    let n = weights.len();
    let mut out = Vec::with_capacity(n);
    let mut cumulative = weights[0];
    let mut j = 0;
    for k in 0..n {
        let point = (u0 + k as f64) / n as f64;
        // `>=`: a point on a boundary, or at 0, never picks a particle of weight 0
        while point >= cumulative && j < n - 1 {
            j += 1;
            cumulative += weights[j];
        }
        out.push(j);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systematic_resampling_keeps_the_weights_proportions() {
        let picked = systematic(&[0.5, 0.0, 0.25, 0.25], 0.5);
        assert_eq!(picked, vec![0, 0, 2, 3]);
    }

    #[test]
    fn ess_of_equal_weights_is_the_count_and_of_one_weight_is_one() {
        assert!((ess(&[0.0; 8]) - 8.0).abs() < 1e-12);
        assert!((ess(&[0.0, f64::NEG_INFINITY, f64::NEG_INFINITY]) - 1.0).abs() < 1e-12);
    }
}
