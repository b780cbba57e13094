//! Global sensitivity: Sobol indices of the net, by Saltelli's sampling scheme.
//!
//! The variance of each intervention's net over the iterations is shared out among its inputs:
//! the uncertain parameters and **cohort chance**, i.e. which people the finite cohort happens to
//! hold and how their years play out (the random stream of the cohort). For input i:
//!
//! - the **first-order index** `S_i = V(E[f | x_i]) / V(f)` is the share of the variance that
//!   x_i explains on its own;
//! - the **total index** `ST_i = E(V[f | x_~i]) / V(f)` is the share it takes part in,
//!   interactions included. `ST_i ≈ 0` means x_i could be fixed anywhere in its range without
//!   changing the spread of the net; `Σ S_i < 1` means interactions matter.
//!
//! # Design
//!
//! With k uncertain parameters ([`Analysis::uncertain_parameters`]) and a base sample size N:
//! two independent N×k matrices A and B of uniforms, row j of both drawn from
//! `rng::stream(seed, j, Purpose::Design)` (A's k uniforms, then B's), turned into parameter
//! values by the quantile functions (`value = F⁻¹(u)`, as in a run). Parameters that do not vary
//! keep their value: the `--set` value, or their fixed distribution's value. Cohort chance is one
//! more column: row j of A simulates the cohort with stream key 2j, row j of B with key 2j+1.
//! For each parameter i the matrix AB_i is A with column i taken from B (cohort key of A), and
//! AB_chance is A's parameters with B's cohort key. That is N·(k + 3) evaluations of the model,
//! all in one parallel call, evaluation `m·N + j` being row j of matrix m (A, B, AB_1..AB_k,
//! AB_chance).
//!
//! # Estimators
//!
//! With f the per-evaluation net of an intervention and V the variance of the 2N values of f_A
//! and f_B pooled:
//!
//! - first order (Saltelli et al. 2010): `S_i = mean_j(f_B · (f_ABi − f_A)) / V`;
//! - total (Jansen 1999): `ST_i = mean_j((f_A − f_ABi)²) / (2V)`.
//!
//! f is centred at the pooled mean of f_A and f_B first (as SALib does). That leaves both
//! estimators' expectations unchanged (E[f_ABi − f_A] = 0, and Jansen's is shift-invariant) but
//! keeps the first-order estimator's error from growing with the size of the mean net.
//!
//! 95% confidence intervals are percentile bootstrap intervals: the N rows (a row being the
//! j-th row of every matrix) are resampled with replacement, B times, from
//! `rng::stream(seed, b, Purpose::Bootstrap)`; the indices are recomputed for each resample and
//! the 2.5% and 97.5% percentiles of the results reported.
//!
//! # Chance as an input
//!
//! The parameters' first-order indices and cohort chance's total index do not depend on how
//! chance is tied to the parameters: S_i averages over chance, and ST_chance =
//! E[V(f | parameters)] / V is the share left to chance at given parameters. The parameters'
//! totals and chance's first-order index do: the same cohort key under other parameter values
//! gives the same draws, yet some people take other paths, so a parameter's total also counts
//! this interaction with chance, and in a small cohort the totals can add up to well over 1.
//!
//! # Correlated parameters
//!
//! Saltelli's estimators need independent inputs. Parameters joined by correlations
//! (`correlate`) are therefore one input, a *group* (grouped Sobol indices, e.g. "x + y"): a row's
//! uniforms are correlated by the scenario's copula before their quantiles, and AB_g takes every
//! member of group g from B. Groups are independent of each other and of cohort chance, so the
//! grouped indices are ordinary Sobol indices of the inputs (groups and single parameters).
//! Parameters in no group draw the same uniforms as without correlations.
//!
//! Everything is keyed by the seed and collected in order, so the same seed gives the same
//! report on any thread count.

use super::{Analysis, Estimate, Metric};
use crate::error::{Error, Result};
use crate::scenario::Scenario;
pub use crate::schema::sobol::{COHORT_CHANCE, SobolIndex, SobolReport, SobolResult};
use crate::sim::correlation::Copula;
use crate::sim::rng::{self, Purpose};
use crate::sim::{Draw, simulate_draws};
use crate::stats::quantile_sorted;
use rayon::prelude::*;

/// The net of each evaluation, by matrix: f_A, f_B, and f_ABi for i in the inputs (the
/// parameters, then cohort chance).
struct Outputs {
    a: Vec<f64>,
    b: Vec<f64>,
    ab: Vec<Vec<f64>>,
}

/// Variance of the net and (first order, total) of each input, over the rows `rows`.
struct Indices {
    variance: f64,
    by_input: Vec<(f64, f64)>,
}

impl Outputs {
    fn indices(&self, rows: &[usize]) -> Indices {
        let n = rows.len() as f64;
        let mean = rows.iter().map(|&j| self.a[j] + self.b[j]).sum::<f64>() / (2.0 * n);
        let variance = rows
            .iter()
            .map(|&j| (self.a[j] - mean).powi(2) + (self.b[j] - mean).powi(2))
            .sum::<f64>()
            / (2.0 * n - 1.0);
        let by_input = self
            .ab
            .iter()
            .map(|ab| {
                let (mut first, mut total) = (0.0, 0.0);
                for &j in rows {
                    let d = ab[j] - self.a[j];
                    first += (self.b[j] - mean) * d;
                    total += d * d;
                }
                if variance > 0.0 {
                    (first / n / variance, total / n / (2.0 * variance))
                } else {
                    (f64::NAN, f64::NAN)
                }
            })
            .collect();
        Indices { variance, by_input }
    }
}

/// The 2.5% and 97.5% percentiles of the finite values (NaN when there are none).
fn percentile_interval(mut values: Vec<f64>) -> [f64; 2] {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return [f64::NAN, f64::NAN];
    }
    values.sort_by(f64::total_cmp);
    [
        quantile_sorted(&values, 0.025),
        quantile_sorted(&values, 0.975),
    ]
}

/// Estimates the first-order and total Sobol indices of every intervention's net, with `base`
/// rows per sample matrix and `bootstrap` resamples for the confidence intervals.
pub fn sobol(analysis: &Analysis, base: usize, bootstrap: usize) -> Result<SobolReport> {
    analysis.require_uncertain_parameters("a Sobol analysis")?;
    if base < 2 {
        return Err(Error::Usage(format!(
            "Sobol indices need a base sample of at least 2 rows (got {base})"
        )));
    }
    let sc = analysis.scenario;
    let n = base;
    let uncertain = analysis.uncertain_parameters();
    let k = uncertain.len();

    // Parameters that do not vary keep their value: `--set`, or their fixed distribution's.
    let mut constant: Vec<f64> = sc
        .parameters
        .iter()
        .map(|p| p.distribution.dist.median())
        .collect();
    for &(i, v) in &analysis.fixed {
        constant[i] = v;
    }
    // The inputs: each uncertain parameter alone, except that correlated parameters form one
    // input together (grouped indices); positions into `uncertain`, by their first member.
    let factors = factors(sc, &uncertain);
    let f_count = factors.len();
    let copula = Copula::new(&sc.parameters, &sc.correlated_groups, &analysis.fixed);
    // A and B as parameter values, row-major: row j, column c ↔ parameter uncertain[c]; a row's
    // uniforms are correlated by the copula (within each group) before their quantiles.
    let mut a_values = vec![0.0; n * k];
    let mut b_values = vec![0.0; n * k];
    let mut uniforms = vec![0.5; sc.parameters.len()];
    for j in 0..n {
        let mut s = rng::stream(analysis.seed, j as u64, Purpose::Design);
        for matrix in [&mut a_values, &mut b_values] {
            for &p in &uncertain {
                uniforms[p] = rng::open01(&mut s);
            }
            copula.correlate(&mut uniforms);
            for (c, &p) in uncertain.iter().enumerate() {
                matrix[j * k + c] = sc.parameters[p].distribution.dist.quantile(uniforms[p]);
            }
        }
    }

    // Evaluation m·N + j is row j of matrix m: 0 = A, 1 = B, 2 + i = AB_i for input i,
    // 2 + F = AB_chance.
    let width = uncertain.len();
    let k = f_count;
    let matrices = k + 3;
    let evaluations = n * matrices;
    let draw = |index: usize| {
        let (m, j) = (index / n, index % n);
        let row = |values: &[f64], params: &mut Vec<f64>| {
            for (c, &p) in uncertain.iter().enumerate() {
                params[p] = values[j * width + c];
            }
        };
        let mut params = constant.clone();
        row(if m == 1 { &b_values } else { &a_values }, &mut params);
        if (2..2 + k).contains(&m) {
            for &c in &factors[m - 2] {
                params[uncertain[c]] = b_values[j * width + c];
            }
        }
        let from_b = m == 1 || m == 2 + k;
        Draw {
            params,
            cohort_stream: 2 * j as u64 + u64::from(from_b),
        }
    };
    analysis
        .progress
        .stage("sobol", Some(evaluations as u64), "iterations");
    let on_iteration = || analysis.progress.advance(1);
    let iterations = simulate_draws(
        sc,
        analysis.seed,
        analysis.method,
        0..evaluations,
        &draw,
        &on_iteration,
    )
        .map_err(|e| match e {
            Error::Model(message) => Error::Model(format!(
                "{message}\n  (in `sobol`, iteration m·{n} + j is row j of sample matrix m: 0 = A, \
                 1 = B, 2..{} = AB for each input in order (an uncertain parameter, or a correlated group), {} = AB for cohort \
                 chance)",
                k + 1,
                k + 2
            )),
            other => other,
        })?;

    // Inputs: the uncertain parameters in declaration order, then cohort chance.
    let inputs: Vec<String> = factors
        .iter()
        .map(|f| {
            f.iter()
                .map(|&c| sc.parameters[uncertain[c]].name.clone())
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .chain(std::iter::once(COHORT_CHANCE.to_string()))
        .collect();
    let outputs: Vec<(String, Outputs)> = sc
        .interventions()
        .map(|(arm, intervention)| {
            let net = |m: usize| {
                Metric::Net.values(
                    sc,
                    &iterations[m * n..(m + 1) * n],
                    arm,
                    analysis.perspective,
                )
            };
            let outputs = Outputs {
                a: net(0)?,
                b: net(1)?,
                ab: (2..matrices).map(net).collect::<Result<_>>()?,
            };
            Ok((intervention.name.clone(), outputs))
        })
        .collect::<Result<_>>()?;

    // Bootstrap: resample b draws N row numbers from its own stream; the same rows serve every
    // intervention. `resampled[b][intervention]`.
    analysis
        .progress
        .stage("sobol bootstrap", Some(bootstrap as u64), "resamples");
    let resampled: Vec<Vec<Indices>> = (0..bootstrap)
        .into_par_iter()
        .map(|b| {
            let mut s = rng::stream(analysis.seed, b as u64, Purpose::Bootstrap);
            let rows: Vec<usize> = (0..n)
                .map(|_| ((rng::unit(&mut s) * n as f64) as usize).min(n - 1))
                .collect();
            let indices = outputs.iter().map(|(_, o)| o.indices(&rows)).collect();
            analysis.progress.advance(1);
            indices
        })
        .collect();

    let all_rows: Vec<usize> = (0..n).collect();
    let results = outputs
        .iter()
        .enumerate()
        .map(|(r, (name, o))| {
            let point = o.indices(&all_rows);
            let mut pooled = o.a.clone();
            pooled.extend_from_slice(&o.b);
            let mut indices: Vec<SobolIndex> = inputs
                .iter()
                .enumerate()
                .map(|(i, input)| {
                    let column = |pick: fn((f64, f64)) -> f64| {
                        percentile_interval(
                            resampled.iter().map(|s| pick(s[r].by_input[i])).collect(),
                        )
                    };
                    SobolIndex {
                        input: input.clone(),
                        first_order: point.by_input[i].0,
                        first_order_ci: column(|(s, _)| s),
                        total: point.by_input[i].1,
                        total_ci: column(|(_, t)| t),
                    }
                })
                .collect();
            indices.sort_by(|x, y| y.total.total_cmp(&x.total));
            SobolResult {
                intervention: name.clone(),
                mean_net: Estimate::mean(&pooled),
                variance: point.variance,
                indices,
            }
        })
        .collect();

    // The header's iterations are the model evaluations the analysis ran.
    let mut header = analysis.header(crate::schema::SOBOL);
    header.iterations = evaluations;
    Ok(SobolReport {
        header,
        base,
        evaluations,
        bootstrap,
        estimators: format!(
            "Saltelli sampling (A, B, AB_i; cohort chance as an input); first order: Saltelli et \
             al. (2010); total: Jansen (1999); 95% CI: percentile bootstrap over rows \
             ({bootstrap} resamples)"
        ),
        results,
    })
}

/// The inputs of the indices, as positions into `uncertain`: a parameter alone, or the
/// uncertain members of a correlated group together (dependent inputs have no separate
/// Saltelli indices; a group's are those of the group as one input, the groups being
/// independent of each other).
fn factors(sc: &Scenario, uncertain: &[usize]) -> Vec<Vec<usize>> {
    let mut factors: Vec<Vec<usize>> = Vec::new();
    for (c, &p) in uncertain.iter().enumerate() {
        let group = sc
            .correlated_groups
            .iter()
            .position(|g| g.members.contains(&p));
        let joined = group.and_then(|g| {
            factors
                .iter()
                .position(|f| sc.correlated_groups[g].members.contains(&uncertain[f[0]]))
        });
        match joined {
            Some(f) => factors[f].push(c),
            None => factors.push(vec![c]),
        }
    }
    factors
}
