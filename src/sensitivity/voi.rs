//! Value of information for the decision *invest or not*: what would it be worth to know more
//! before deciding?
//!
//! # The decision
//!
//! The options are ordinary practice, whose net benefit is 0 by definition (the net is measured
//! against it), and each intervention a, whose net benefit NB_a in an iteration is its net from
//! the chosen point of view ([`Column::Net`] for all actors, [`Column::PerspectiveNet`] for a
//! perspective). On current evidence the decision maker picks the option a* with the highest
//! expected net, max_a mean(NB_a). All amounts are in the scenario's currency for the whole
//! cohort, discounted; the cohort is the population the decision is about, so nothing is scaled.
//!
//! # EVPI
//!
//! With several interventions the decision is the choice among all options at once (not each
//! against ordinary practice), and the EVPI equals the expected loss of the best option in the
//! decision table of [`crate::compare`].
//!
//! `EVPI = mean_i max_a NB_a,i − max_a mean_i NB_a,i`, the expected gain of choosing with
//! everything known. It equals the mean of the per-iteration loss
//! `L_i = max_a NB_a,i − NB_a*,i ≥ 0`, so its Monte Carlo standard error is reported as
//! `sd(L)/√n`, conditional on the choice a* (the uncertainty of which option is best on current
//! evidence is left out; it matters only when two options' means are within a few MCSE).
//!
//! In a microsimulation the per-iteration net also carries cohort chance (which people happen to
//! move between states), and no research can remove that: the per-iteration EVPI is therefore an
//! **upper bound** on what information is worth.
//!
//! # EVPI about the parameters, and EVPPI
//!
//! The value of perfect information about a set of parameters θ is
//! `E_θ[max_a E(NB_a | θ)] − max_a E(NB_a)`. Following Strong & Oakley (2014, nonparametric
//! regression), `E(NB_a | θ)` is estimated by regressing each option's NB on θ over the
//! iterations, and the fitted values `g_a,i` take the place of the NB:
//! `mean_i max_a g_a,i − max_a mean_i g_a,i`. Strong & Oakley fit GAMs; socinv fits regression
//! splines by least squares instead:
//!
//! - each parameter enters through a natural cubic regression spline (the truncated power basis of
//!   Hastie, Tibshirani & Friedman, *Elements of Statistical Learning*, §5.2.1) with 4 knots at
//!   its 5%, 35%, 65% and 95% quantiles (linear beyond the outer knots); a parameter with at most
//!   as many distinct values as knots (a `discrete` or `empirical` one) enters through indicators
//!   of its values instead, which fit its conditional means exactly;
//! - `evpi_parameters` (all uncertain parameters at once) uses the additive model, the sum of the
//!   per-parameter splines; an EVPPI (one parameter) uses that parameter's spline alone;
//! - the fit keeps at least 10 iterations per coefficient: with fewer iterations it drops to 3
//!   knots (10%, 50%, 90%), then to linear terms (allowed down to 2 iterations per coefficient);
//!   below that the value is not estimable and reported as NaN (null in JSON);
//! - least squares by a QR decomposition streamed over blocks of iterations, then the
//!   minimum-norm solution through an SVD of the small triangular factor, treating singular
//!   values below 10⁻⁹ of the largest as zero; the rows are read in order from the run's
//!   columns and the fitted values recomputed from the coefficients when they are needed, so the
//!   memory does not grow with the number of iterations.
//!
//! The regression removes the cohort chance that the parameters do not explain, so these values
//! do not carry it; they are still biased upwards by the noise the fit picks up (of the order of
//! the residual sd × √(coefficients / iterations)), so a parameter that does not matter can get
//! a small positive EVPPI (it is exactly 0 when its fitted nets never change the best choice,
//! as for most parameters when one option is clearly best). An additive model misses interactions between
//! parameters, so `evpi_parameters` may understate them.
//!
//! The iterations are reduced in order on one thread: the same seed gives the same values on any
//! thread count.

use super::{Analysis, Metric};
use crate::error::Result;
use crate::samples::{Column, NetOf, RunSamples};
use crate::scenario::Scenario;
pub use crate::schema::VOI as SCHEMA;
pub use crate::schema::voi::{DecisionOption, Evpi, Evppi, VoiReport};
use crate::sim::{IterationResult, Method};
use nalgebra::{DMatrix, SVD};
use std::borrow::Cow;

/// For `socinv run`: EVPI per point of view (first "all actors", then each scenario
/// perspective), with `evpi_parameters` over every parameter that varies between iterations.
pub fn evpi(scenario: &Scenario, samples: &RunSamples) -> Vec<Evpi> {
    let views: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..scenario.perspectives.len()).map(Some))
        .collect();
    let interventions: Vec<usize> = scenario.interventions().map(|(arm, _)| arm).collect();
    let column = |view: Option<usize>, arm: usize| match view {
        Some(perspective) => NetOf::Perspective(perspective).column(arm),
        None => NetOf::AllActors.column(arm),
    };
    // One regression for every view and intervention: the design depends on the parameters only.
    let data = SampleRows {
        samples,
        parameters: samples
            .varying_parameters()
            .into_iter()
            .map(Column::Param)
            .collect(),
        responses: views
            .iter()
            .flat_map(|&view| interventions.iter().map(move |&arm| column(view, arm)))
            .collect(),
    };
    let fit = regress(&data);
    let per_view = interventions.len();
    let groups: Vec<std::ops::Range<usize>> = (0..views.len())
        .map(|k| k * per_view..(k + 1) * per_view)
        .collect();
    let fitted = fit.as_ref().map(|f| values_of_fitted(f, &data, &groups));
    views
        .iter()
        .enumerate()
        .map(|(k, &view)| {
            let fitted = fitted.as_ref().map(|f| f[k]);
            let name = view_name(scenario, view);
            let nets: Vec<Cow<[f64]>> = interventions
                .iter()
                .map(|&arm| samples.column(column(view, arm)))
                .collect();
            let nets: Vec<&[f64]> = nets.iter().map(|c| c.as_ref()).collect();
            assess(scenario, name, &nets, samples.len(), fitted)
        })
        .collect()
}

/// For `socinv voi`: EVPI, EVPI about all parameters and each uncertain parameter's EVPPI, for
/// the decision between ordinary practice and every intervention, from the analysis' point of
/// view. Runs `analysis.run_with(&[])` itself.
pub fn voi(analysis: &Analysis) -> Result<VoiReport> {
    let sc = analysis.scenario;
    analysis
        .progress
        .stage("voi", Some(analysis.iterations as u64), "iterations");
    let iterations = analysis.run_with(&[])?;
    let n = iterations.len();
    let nets = analysis.metric_values(Metric::Net, &iterations)?;
    let nets: Vec<&[f64]> = nets.iter().map(Vec::as_slice).collect();
    let params = analysis.uncertain_parameters();
    let columns = parameter_columns(&iterations, &params);
    let columns: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();

    analysis.progress.stage(
        "voi regressions",
        Some(1 + params.len() as u64),
        "regressions",
    );
    let data = Slices {
        columns: columns.clone(),
        ys: nets.clone(),
        n,
    };
    let all = regress(&data);
    analysis.progress.advance(1);
    let evpi = assess(
        sc,
        analysis.perspective_name(),
        &nets,
        n,
        all.as_ref()
            .map(|f| value_of_fitted(f, &data, 0..nets.len())),
    );
    let mut single_knots = Vec::new();
    let mut evppi: Vec<Evppi> = params
        .iter()
        .zip(&columns)
        .map(|(&p, column)| {
            let data = Slices {
                columns: vec![*column],
                ys: nets.clone(),
                n,
            };
            let fit = regress(&data);
            analysis.progress.advance(1);
            if let Some(f) = &fit {
                single_knots.push(f.knots);
            }
            evppi_of(
                sc.parameters[p].name.clone(),
                fit.as_ref(),
                &data,
                evpi.evpi,
            )
        })
        .collect();
    // Correlated parameters: besides each one alone (the value of learning it, its partners
    // then known only through the copula), the value of learning the whole group.
    for g in &sc.correlated_groups {
        let members: Vec<usize> = (0..params.len())
            .filter(|&c| g.members.contains(&params[c]))
            .collect();
        if members.len() < 2 {
            continue;
        }
        let group_columns: Vec<&[f64]> = members.iter().map(|&c| columns[c]).collect();
        let name = members
            .iter()
            .map(|&c| sc.parameters[params[c]].name.clone())
            .collect::<Vec<_>>()
            .join(" + ");
        let data = Slices {
            columns: group_columns,
            ys: nets.clone(),
            n,
        };
        let fit = regress(&data);
        evppi.push(evppi_of(name, fit.as_ref(), &data, evpi.evpi));
    }
    evppi.sort_by(|a, b| b.evppi.total_cmp(&a.evppi));

    let options = std::iter::once(DecisionOption {
        name: sc.arms[0].name.clone(),
        expected_net: 0.0,
    })
    .chain(
        sc.interventions()
            .zip(&nets)
            .map(|((_, arm), nb)| DecisionOption {
                name: arm.name.clone(),
                expected_net: mean(nb),
            }),
    )
    .collect();
    Ok(VoiReport {
        header: analysis.header(SCHEMA),
        currency: sc.currency.clone(),
        cohort: sc.cohort,
        options,
        evpi,
        evppi,
        method: method(
            all.as_ref().map(|f| f.knots),
            &single_knots,
            analysis.method == Method::Expected,
        ) + if sc.correlated_groups.is_empty() {
            ""
        } else {
            CORRELATED_METHOD
        },
    })
}

fn view_name(scenario: &Scenario, view: Option<usize>) -> String {
    match view {
        Some(p) => scenario.perspectives[p].name.clone(),
        None => "all actors".to_string(),
    }
}

/// The method in words, with the knots actually used.
fn method(all_knots: Option<usize>, single_knots: &[usize], expected: bool) -> String {
    let knots = |k: usize| match k {
        4 => "natural cubic regression splines with 4 knots at the 5/35/65/95% quantiles",
        3 => "natural cubic regression splines with 3 knots at the 10/50/90% quantiles",
        _ => "linear terms (too few iterations for splines)",
    };
    let single = match (single_knots.iter().min(), single_knots.iter().max()) {
        (Some(lo), Some(hi)) if lo == hi => knots(*lo).to_string(),
        (Some(lo), Some(hi)) => format!("{} to {}", knots(*lo), knots(*hi)),
        _ => "no parameter could be assessed".to_string(),
    };
    let all = all_knots.map_or_else(
        || "not estimable with so few iterations".to_string(),
        |k| knots(k).to_string(),
    );
    let chance = if expected {
        "each iteration is the expectation given the parameters (--method expected), so it is \
         the EVPI about the parameters"
    } else {
        "it includes cohort chance and is an upper bound"
    };
    format!(
        "Options: ordinary practice (net 0) and each intervention (its net). EVPI = mean over \
         iterations of the best option's net − the best mean net; MCSE = sd(max_a NB_a − NB_a*)/√n \
         given the option a* chosen on current evidence; {chance}. EVPPI and EVPI about all parameters: nonparametric regression (Strong & Oakley \
         2014) of each option's net on the parameters by least squares, with regression splines \
         instead of GAMs; EVPPI: {single}; all parameters: additive model of {all}. Parameters \
         with at most as many distinct values as knots enter as indicators. Regression estimates \
         are biased upwards by noise of the order of the residual sd × √(coefficients / \
         iterations)."
    )
}

/// What the EVPPI means with correlated parameters, for the method text.
const CORRELATED_METHOD: &str = " With correlated parameters the regression is on their joint \
     draws: a parameter's EVPPI is the value of learning it alone (its partners known only \
     through the copula), and each correlated group has a row \"a + b\" for learning the group.";

/// The values of the parameters `params` in each iteration: `columns[k][i]`.
fn parameter_columns(iterations: &[IterationResult], params: &[usize]) -> Vec<Vec<f64>> {
    params
        .iter()
        .map(|&j| iterations.iter().map(|it| it.params[j]).collect())
        .collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The option with the highest mean: 0 is ordinary practice (net 0), k + 1 is `nets[k]`. Ties go
/// to the earlier option, so ordinary practice wins a tie.
fn best_option(nets: &[impl AsRef<[f64]>]) -> usize {
    let means: Vec<f64> = nets.iter().map(|nb| mean(nb.as_ref())).collect();
    best_of_means(&means)
}

/// [`best_option`] of the options' means.
fn best_of_means(means: &[f64]) -> usize {
    let mut best = (0, 0.0);
    for (k, &m) in means.iter().enumerate() {
        if m > best.1 {
            best = (k + 1, m);
        }
    }
    best.0
}

/// The per-iteration opportunity loss of the option chosen on current evidence:
/// `max(0, max_k nets[k][i]) − nets[best − 1][i]` (0 for ordinary practice). Its mean is
/// `mean max − max mean`, exactly.
fn losses(nets: &[impl AsRef<[f64]>], n: usize) -> (usize, Vec<f64>) {
    let best = best_option(nets);
    let losses = (0..n)
        .map(|i| {
            let top = nets.iter().map(|nb| nb.as_ref()[i]).fold(0.0, f64::max);
            let chosen = if best == 0 {
                0.0
            } else {
                nets[best - 1].as_ref()[i]
            };
            top - chosen
        })
        .collect();
    (best, losses)
}

/// The EVPPI of what `fit` regressed on (NaN where the regression failed), with its share of
/// the EVPI.
fn evppi_of(parameter: String, fit: Option<&Fit>, data: &dyn Rows, evpi: f64) -> Evppi {
    let value = fit.map_or(
        super::Estimate {
            value: f64::NAN,
            mcse: f64::NAN,
        },
        |f| value_of_fitted(f, data, 0..data.responses()),
    );
    Evppi {
        parameter,
        evppi: value.value,
        evppi_mcse: value.mcse,
        share_of_evpi: if value.value.is_nan() {
            f64::NAN
        } else if evpi > 0.0 {
            value.value / evpi
        } else {
            0.0
        },
    }
}

/// `mean_i max_a g_a,i − max_a mean_i g_a,i` for the fitted values g of the responses `options`
/// (ordinary practice 0), with its MCSE.
fn value_of_fitted(fit: &Fit, data: &dyn Rows, options: std::ops::Range<usize>) -> super::Estimate {
    values_of_fitted(fit, data, &[options]).remove(0)
}

/// [`value_of_fitted`] of each group of responses, from the same passes: [`losses`] of the
/// fitted values, computed in three passes over the rows (the options' means, the losses'
/// mean, their spread) so that no column of fitted values is kept.
fn values_of_fitted(
    fit: &Fit,
    data: &dyn Rows,
    groups: &[std::ops::Range<usize>],
) -> Vec<super::Estimate> {
    let n = data.len();
    if n == 0 {
        let zero = super::Estimate {
            value: 0.0,
            mcse: 0.0,
        };
        return vec![zero; groups.len()];
    }
    let mut fitted = vec![0.0; fit.responses()];
    let mut row = vec![0.0; fit.basis.width()];
    // each pass sees the fitted values of every response, iteration by iteration
    let mut pass = |f: &mut dyn FnMut(&[f64])| {
        data.for_each(&mut |params, _| {
            fit.fitted(params, &mut row, &mut fitted);
            f(&fitted);
        })
    };
    let mut sums = vec![SUM_START; fit.responses()];
    pass(&mut |g| {
        for (s, v) in sums.iter_mut().zip(g) {
            *s += v;
        }
    });
    let best: Vec<usize> = groups
        .iter()
        .map(|options| {
            let means: Vec<f64> = sums[options.clone()].iter().map(|s| s / n as f64).collect();
            best_of_means(&means)
        })
        .collect();
    let loss = |k: usize, g: &[f64]| {
        let g = &g[groups[k].clone()];
        let top = g.iter().copied().fold(0.0, f64::max);
        let chosen = if best[k] == 0 { 0.0 } else { g[best[k] - 1] };
        top - chosen
    };
    let mut totals = vec![SUM_START; groups.len()];
    pass(&mut |g| {
        for (k, t) in totals.iter_mut().enumerate() {
            *t += loss(k, g);
        }
    });
    let values: Vec<f64> = totals.iter().map(|t| t / n as f64).collect();
    let mut squares = vec![SUM_START; groups.len()];
    pass(&mut |g| {
        for (k, q) in squares.iter_mut().enumerate() {
            *q += (loss(k, g) - values[k]).powi(2);
        }
    });
    values
        .iter()
        .zip(&squares)
        .map(|(&value, &squares)| {
            let var = if n > 1 {
                squares / (n as f64 - 1.0)
            } else {
                0.0
            };
            super::Estimate {
                value,
                mcse: (var / n as f64).sqrt(),
            }
        })
        .collect()
}

/// What a sum of floats starts from (`Iterator::sum`'s), so that a sum accumulated value by
/// value has the bits of `iter().sum()`.
const SUM_START: f64 = -0.0;

/// The EVPI of one point of view, with `evpi_parameters` the value of the fitted values of a
/// regression (NaN without).
fn assess(
    scenario: &Scenario,
    perspective: String,
    nets: &[&[f64]],
    n: usize,
    fitted: Option<super::Estimate>,
) -> Evpi {
    let (best, loss) = losses(nets, n);
    let estimate = if n == 0 {
        super::Estimate {
            value: f64::NAN,
            mcse: f64::NAN,
        }
    } else {
        super::Estimate::mean(&loss)
    };
    let parameters = match (n, fitted) {
        (0, _) | (_, None) => super::Estimate {
            value: f64::NAN,
            mcse: f64::NAN,
        },
        (_, Some(estimate)) => estimate,
    };
    Evpi {
        perspective,
        decision: scenario.arms[best].name.clone(),
        evpi: estimate.value,
        evpi_mcse: estimate.mcse,
        evpi_parameters: parameters.value,
        evpi_parameters_mcse: parameters.mcse,
    }
}

// ---- regression ----------------------------------------------------------------------------

/// Iterations per coefficient the fit wants before it drops to fewer knots.
const ROWS_PER_COEFFICIENT: usize = 10;
/// Iterations per coefficient below which even a linear fit is refused.
const MIN_ROWS_PER_COEFFICIENT: usize = 2;
/// Rows of the design added to the QR factor at a time.
const BLOCK: usize = 2_048;
/// Singular values below this share of the largest count as 0 (collinear columns).
const RANK_TOLERANCE: f64 = 1e-9;

/// A regression's data: `len` rows of parameter values and responses, read in order.
trait Rows: Sync {
    fn len(&self) -> usize;
    /// The number of responses.
    fn responses(&self) -> usize;
    /// Parameter `j`'s values (for the knots).
    fn parameter(&self, j: usize) -> Cow<'_, [f64]>;
    /// The number of parameters.
    fn parameters(&self) -> usize;
    /// Calls `f` with each row's parameter values and responses, in order.
    fn for_each(&self, f: &mut dyn FnMut(&[f64], &[f64]));
}

/// Rows kept in memory as columns.
struct Slices<'a> {
    columns: Vec<&'a [f64]>,
    ys: Vec<&'a [f64]>,
    n: usize,
}

impl Rows for Slices<'_> {
    fn len(&self) -> usize {
        self.n
    }

    fn responses(&self) -> usize {
        self.ys.len()
    }

    fn parameter(&self, j: usize) -> Cow<'_, [f64]> {
        Cow::Borrowed(self.columns[j])
    }

    fn parameters(&self) -> usize {
        self.columns.len()
    }

    fn for_each(&self, f: &mut dyn FnMut(&[f64], &[f64])) {
        let mut x = vec![0.0; self.columns.len()];
        let mut y = vec![0.0; self.ys.len()];
        for i in 0..self.n {
            for (v, c) in x.iter_mut().zip(&self.columns) {
                *v = c[i];
            }
            for (v, c) in y.iter_mut().zip(&self.ys) {
                *v = c[i];
            }
            f(&x, &y);
        }
    }
}

/// Rows of a run's columns, read a chunk at a time.
struct SampleRows<'a> {
    samples: &'a RunSamples,
    parameters: Vec<Column>,
    responses: Vec<Column>,
}

impl Rows for SampleRows<'_> {
    fn len(&self) -> usize {
        self.samples.len()
    }

    fn responses(&self) -> usize {
        self.responses.len()
    }

    fn parameter(&self, j: usize) -> Cow<'_, [f64]> {
        self.samples.column(self.parameters[j])
    }

    fn parameters(&self) -> usize {
        self.parameters.len()
    }

    fn for_each(&self, f: &mut dyn FnMut(&[f64], &[f64])) {
        let columns: Vec<Column> = self
            .parameters
            .iter()
            .chain(&self.responses)
            .copied()
            .collect();
        let p = self.parameters.len();
        self.samples
            .for_each_row(&columns, |_, row| f(&row[..p], &row[p..]));
    }
}

/// A fitted regression: its design, its coefficients (width × responses) and the number of
/// knots of its splines.
struct Fit {
    basis: Basis,
    beta: DMatrix<f64>,
    knots: usize,
}

impl Fit {
    fn responses(&self) -> usize {
        self.beta.ncols()
    }

    /// The fitted value of each response at the parameter values `params` (`row` is scratch
    /// of the design's width).
    fn fitted(&self, params: &[f64], row: &mut [f64], out: &mut [f64]) {
        self.basis.row(params, row);
        for (k, f) in out.iter_mut().enumerate() {
            *f = row
                .iter()
                .zip(self.beta.column(k).iter())
                .map(|(x, b)| x * b)
                .sum();
        }
    }
}

/// Regresses each response of `data` on the additive spline model of its parameters, with as
/// many knots (4, 3, or 2 = linear) as the rows support. None if not even linear terms fit.
fn regress(data: &dyn Rows) -> Option<Fit> {
    let n = data.len();
    for knots in [4, 3, 2] {
        let basis = Basis::new(data, knots);
        let p = basis.width();
        let enough =
            p * ROWS_PER_COEFFICIENT <= n || (knots == 2 && p * MIN_ROWS_PER_COEFFICIENT <= n);
        if !enough {
            continue;
        }
        let beta = least_squares(&basis, data)?;
        return Some(Fit { basis, beta, knots });
    }
    None
}

/// Least-squares coefficients (width × responses) by a QR factorisation of `[X | Y]`
/// accumulated over blocks of rows, then an SVD solve of the triangular factor (minimum-norm
/// for collinear columns).
fn least_squares(basis: &Basis, data: &dyn Rows) -> Option<DMatrix<f64>> {
    let (n, p, m) = (data.len(), basis.width(), data.responses());
    let c = p + m;
    let block = |start: usize| DMatrix::<f64>::zeros(c + BLOCK.min(n - start), c);
    let mut r = DMatrix::<f64>::zeros(c, c);
    let mut row = vec![0.0; p];
    let (mut start, mut i) = (0, 0);
    let mut a = block(0);
    data.for_each(&mut |params, ys| {
        if i == start {
            a = block(start);
            a.view_mut((0, 0), (c, c)).copy_from(&r);
        }
        let at = c + i - start;
        basis.row(params, &mut row);
        for (j, x) in row.iter().enumerate() {
            a[(at, j)] = *x;
        }
        for (k, y) in ys.iter().enumerate() {
            a[(at, p + k)] = *y;
        }
        i += 1;
        if i == n || i - start == BLOCK {
            r = std::mem::replace(&mut a, DMatrix::zeros(0, 0)).qr().r();
            start = i;
        }
    });
    if m == 0 {
        return Some(DMatrix::zeros(p, 0));
    }
    let r11 = r.view((0, 0), (p, p)).into_owned();
    let r12 = r.view((0, p), (p, m)).into_owned();
    if r11.iter().any(|v| !v.is_finite()) || r12.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let svd = SVD::try_new(r11, true, true, f64::EPSILON, 1_000_000)?;
    let largest = svd.singular_values.max();
    svd.solve(&r12, largest * RANK_TOLERANCE).ok()
}

/// How one parameter enters the regression.
enum Term {
    /// The parameter is constant: no column.
    Constant,
    /// One indicator column for each of these values (the first distinct value is the reference).
    Levels(Vec<f64>),
    /// A natural cubic spline in `z = (x − shift) / scale` with these knots (in z); no knots
    /// means the linear term alone.
    Spline {
        shift: f64,
        scale: f64,
        knots: Vec<f64>,
    },
}

impl Term {
    fn new(values: &[f64], knots: usize) -> Term {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mut distinct = sorted.clone();
        distinct.dedup();
        if distinct.len() <= 1 {
            return Term::Constant;
        }
        if distinct.len() <= knots {
            return Term::Levels(distinct[1..].to_vec());
        }
        let probs: &[f64] = match knots {
            4 => &[0.05, 0.35, 0.65, 0.95],
            3 => &[0.10, 0.50, 0.90],
            _ => &[],
        };
        let mut at: Vec<f64> = probs.iter().map(|&q| quantile(&sorted, q)).collect();
        at.dedup();
        if at.len() >= 3 {
            let (lo, hi) = (at[0], at[at.len() - 1]);
            let scale = hi - lo;
            return Term::Spline {
                shift: lo,
                scale,
                knots: at.iter().map(|t| (t - lo) / scale).collect(),
            };
        }
        // Linear: standardised by the mean and sd.
        let mu = mean(values);
        let sd = (values.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / values.len() as f64)
            .sqrt()
            .max(f64::MIN_POSITIVE);
        Term::Spline {
            shift: mu,
            scale: sd,
            knots: Vec::new(),
        }
    }

    fn width(&self) -> usize {
        match self {
            Term::Constant => 0,
            Term::Levels(v) => v.len(),
            Term::Spline { knots, .. } => 1 + knots.len().saturating_sub(2),
        }
    }

    /// Appends the columns' values at x.
    fn push(&self, x: f64, out: &mut [f64]) {
        match self {
            Term::Constant => {}
            Term::Levels(levels) => {
                for (o, l) in out.iter_mut().zip(levels) {
                    *o = f64::from(u8::from(x == *l));
                }
            }
            Term::Spline {
                shift,
                scale,
                knots,
            } => {
                let z = (x - shift) / scale;
                out[0] = z;
                let k = knots.len();
                if k < 3 {
                    return;
                }
                let cube = |v: f64| if v > 0.0 { v * v * v } else { 0.0 };
                let last = knots[k - 1];
                let d = |j: usize| (cube(z - knots[j]) - cube(z - last)) / (last - knots[j]);
                let d_last = d(k - 2);
                for j in 0..k - 2 {
                    out[1 + j] = d(j) - d_last;
                }
            }
        }
    }
}

/// The additive design: an intercept, then each parameter's columns.
struct Basis {
    terms: Vec<Term>,
}

impl Basis {
    fn new(data: &dyn Rows, knots: usize) -> Basis {
        Basis {
            terms: (0..data.parameters())
                .map(|j| Term::new(&data.parameter(j), knots))
                .collect(),
        }
    }

    fn width(&self) -> usize {
        1 + self.terms.iter().map(Term::width).sum::<usize>()
    }

    /// The design row at the parameter values `params`.
    fn row(&self, params: &[f64], out: &mut [f64]) {
        out[0] = 1.0;
        let mut at = 1;
        for (term, x) in self.terms.iter().zip(params) {
            let w = term.width();
            term.push(*x, &mut out[at..at + w]);
            at += w;
        }
    }
}

/// Hyndman–Fan type 7 quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regresses `ys` on `columns` and returns the fit's knots and fitted values `[k][i]`.
    fn regress(columns: &[&[f64]], ys: &[&[f64]], n: usize) -> Option<(usize, Vec<Vec<f64>>)> {
        let data = Slices {
            columns: columns.to_vec(),
            ys: ys.to_vec(),
            n,
        };
        let fit = super::regress(&data)?;
        let mut fitted = vec![Vec::new(); ys.len()];
        let (mut row, mut values) = (vec![0.0; fit.basis.width()], vec![0.0; ys.len()]);
        data.for_each(&mut |params, _| {
            fit.fitted(params, &mut row, &mut values);
            for (f, v) in fitted.iter_mut().zip(&values) {
                f.push(*v);
            }
        });
        Some((fit.knots, fitted))
    }

    #[test]
    fn splines_reproduce_natural_cubic_splines_on_their_knots() {
        // Natural cubic splines with knots t are 1, x and Σ c_k (x − t_k)³₊ with Σ c_k = 0 and
        // Σ c_k t_k = 0 (linear beyond the outer knots); the basis must reproduce them exactly.
        let n = 2_000;
        let x: Vec<f64> = (0..n).map(|i| i as f64 / n as f64 * 10.0 - 3.0).collect();
        let mut sorted = x.clone();
        sorted.sort_by(f64::total_cmp);
        let t: Vec<f64> = [0.05, 0.35, 0.65, 0.95]
            .iter()
            .map(|&q| quantile(&sorted, q))
            .collect();
        let c = [t[2] - t[1], t[0] - t[2], t[1] - t[0]];
        let cube = |v: f64| if v > 0.0 { v * v * v } else { 0.0 };
        let line: Vec<f64> = x.iter().map(|v| 5.0 - 2.0 * v).collect();
        let spline: Vec<f64> = x
            .iter()
            .map(|v| 1.0 + 0.5 * v + (0..3).map(|k| c[k] * cube(v - t[k])).sum::<f64>())
            .collect();
        let (knots, fitted) = regress(&[&x], &[&line, &spline], n).unwrap();
        assert_eq!(knots, 4);
        for (f, y) in fitted[0].iter().zip(&line) {
            assert!((f - y).abs() < 1e-9, "{f} vs {y}");
        }
        for (f, y) in fitted[1].iter().zip(&spline) {
            assert!((f - y).abs() < 1e-8 * y.abs().max(1.0), "{f} vs {y}");
        }
    }

    #[test]
    fn discrete_parameters_fit_their_group_means() {
        let x: Vec<f64> = (0..300).map(|i| f64::from(i % 3)).collect();
        let y: Vec<f64> = (0..300)
            .map(|i| [1.0, 7.0, -2.0][i % 3] + if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let (_, fitted) = regress(&[&x], &[&y], 300).unwrap();
        for (i, f) in fitted[0].iter().enumerate() {
            assert!((f - [1.0, 7.0, -2.0][i % 3]).abs() < 1e-9);
        }
    }

    #[test]
    fn fewer_iterations_fewer_knots() {
        let x: Vec<f64> = (0..30).map(f64::from).collect();
        assert_eq!(regress(&[&x], &[&x], 30).unwrap().0, 3);
        assert_eq!(regress(&[&x[..20]], &[&x[..20]], 20).unwrap().0, 2);
        let x3: Vec<f64> = (0..3).map(f64::from).collect();
        assert!(regress(&[&x3], &[&x3], 3).is_none());
    }

    #[test]
    fn value_of_fitted_is_mean_max_minus_max_mean() {
        // g as a function of a parameter with three values, which the fit reproduces exactly
        let g = [vec![1.0, -3.0, 2.0], vec![-1.0, 4.0, 0.0]];
        let x = [0.0, 1.0, 2.0];
        let repeated = |v: &[f64]| -> Vec<f64> { (0..300).map(|i| v[i % 3]).collect() };
        let (x, g0, g1) = (repeated(&x), repeated(&g[0]), repeated(&g[1]));
        let data = Slices {
            columns: vec![&x],
            ys: vec![&g0, &g1],
            n: 300,
        };
        let fit = super::regress(&data).unwrap();
        // means 0 (ordinary practice), 0, 1 → best is the second intervention; max per
        // iteration: 1, 4, 2 → mean 7/3.
        let value = value_of_fitted(&fit, &data, 0..2);
        assert!((value.value - (7.0 / 3.0 - 1.0)).abs() < 1e-9, "{value:?}");
        assert_eq!(best_option(&g), 2);
        // the per-iteration losses max − the second intervention's: 2, 0, 2 (repeated); the
        // MCSE is their sd over √n
        let losses = repeated(&[2.0, 0.0, 2.0]);
        let exact = super::super::Estimate::mean(&losses);
        assert!(
            (value.mcse - exact.mcse).abs() < 1e-9,
            "{value:?} vs {exact:?}"
        );
    }
}
