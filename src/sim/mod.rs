//! The Monte Carlo engine: per iteration, sample the parameters, evaluate the tables, simulate the
//! cohort in every arm with common random numbers, and apply costs to the counts.
//!
//! Iterations run in parallel (rayon); each has its own random streams keyed by (seed, iteration),
//! and results come back in iteration order, so the output is identical for any thread count.
//! Memory holds one [`IterationResult`] per iteration (about 3 × actors × years × arms numbers,
//! for the budget view), never a trajectory.
//!
//! May import: `scenario`, `dist`, `expr`, `error`, `source_text`, `stats`.

pub mod check;
mod cohort;
pub mod correlation;
mod counts;
mod expected;
pub mod likelihood;
pub mod reforecast;
pub mod rng;
pub mod shard;
mod tables;

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use cohort::ArmCounts;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use tables::{Plan, Tables};
pub use tables::{ProgramAmount, Rule, Violation};

/// How to run the simulation.
#[derive(Clone, Debug)]
pub struct SimSettings {
    pub iterations: usize,
    pub seed: u64,
    /// Parameters fixed at a value (`--set NAME=VALUE`): (parameter index, value).
    pub fixed: Vec<(usize, f64)>,
    pub method: Method,
}

/// The people per cohort from which `--method auto` takes the count path. On the reference
/// workload's structure over 40 years (criterion's `methods` group, 2026-12-06) it takes 0.53 ×
/// the individual path's time at 1,000 people and 0.14 × at 10,000.
pub const AUTO_COUNTS_FROM: f64 = 2_000.0;

/// How each iteration evaluates the cohort (`--method`).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Every person walked year by year: the cohort's chance included.
    #[default]
    Individual,
    /// The people kept as counts per cell of their joint state in the arms, each year split
    /// over their destinations by multinomial draws: the individual path's distribution of
    /// every result, at a cost that grows with the cells, not the people.
    Counts,
    /// The cohort's expected numbers carried through the tables (the Markov trace): each
    /// iteration is the expectation given its parameter values, without the cohort's chance.
    Expected,
}

impl Method {
    /// The name the CLI and the JSON use.
    pub fn name(self) -> &'static str {
        match self {
            Method::Individual => "individual",
            Method::Counts => "counts",
            Method::Expected => "expected",
        }
    }

    /// What `--method auto` runs: the count path where it applies and the cohorts are large
    /// enough for it to gain ([`AUTO_COUNTS_FROM`] people on average), else the individual
    /// path. Never the expected path, which leaves out the cohort's chance.
    pub fn auto(scenario: &Scenario) -> Method {
        let people = scenario.person_years() / f64::from(scenario.horizon.max(1));
        if people >= AUTO_COUNTS_FROM && Method::Counts.unsupported(scenario).is_none() {
            Method::Counts
        } else {
            Method::Individual
        }
    }

    /// Why `scenario` cannot be evaluated by this method, if it cannot.
    pub fn unsupported(self, scenario: &Scenario) -> Option<String> {
        self.unsupported_by(&Plan::new(scenario))
    }

    fn unsupported_by(self, plan: &Plan) -> Option<String> {
        let scenario = plan.scenario;
        match self {
            Method::Individual => None,
            _ if !expected::supports(plan) => Some(format!(
                "the {} method follows the cohort's numbers, not people: it cannot follow the \
                 values of a person that this scenario reads (attributes, episodes, ages drawn \
                 per person, or a cost or outcome that reads a duration); use --method individual",
                self.name()
            )),
            Method::Counts if scenario.arms.len() > counts::MAX_INTERVENTIONS + 1 => Some(format!(
                "the counts method follows at most {} interventions; this scenario has {}: use \
                 --method individual",
                counts::MAX_INTERVENTIONS,
                scenario.arms.len() - 1
            )),
            Method::Counts | Method::Expected => None,
        }
    }
}

/// What one iteration produced for one arm. Amounts are discounted to year 0.
///
/// The `*_by_actor_year` vectors are flat `actors × years` tables, actor-major: the amount of
/// actor `a` in year `t` is at `a * years + t` ([`ArmResult::at`]); their sums over the years
/// are the `*_by_actor` totals (up to rounding). Years are those of the results: years since
/// the start for a single cohort, calendar years of the programme with intakes. An amount
/// undiscounted is the discounted one divided by [`discount_factors`]`[t]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmResult {
    /// Cost per actor: state costs, one-off costs and the actor's share of the program cost.
    pub cost_by_actor: Vec<f64>,
    /// The part of `cost_by_actor` that is transfers.
    pub transfer_by_actor: Vec<f64>,
    /// The actor's share of the program cost.
    pub program_by_actor: Vec<f64>,
    /// Total cost (all actors, program included) per year.
    pub cost_by_year: Vec<f64>,
    /// `cost_by_actor` per actor and year (flat `actors × years`, see above).
    pub cost_by_actor_year: Vec<f64>,
    /// `transfer_by_actor` per actor and year.
    pub transfer_by_actor_year: Vec<f64>,
    /// `program_by_actor` per actor and year.
    pub program_by_actor_year: Vec<f64>,
    /// Outcome totals over the cohort and horizon (discounted at the outcome discount rate,
    /// undiscounted by default).
    pub outcomes: Vec<f64>,
    /// Number of people taking part (0 for the baseline); expected on the expected-value path.
    pub participants: f64,
}

impl ArmResult {
    /// Total cost over all actors.
    pub fn total(&self) -> f64 {
        self.cost_by_actor.iter().sum()
    }

    /// Total program cost.
    pub fn program(&self) -> f64 {
        self.program_by_actor.iter().sum()
    }

    /// The number of years of the `*_by_actor_year` tables.
    pub fn years(&self) -> usize {
        self.cost_by_year.len()
    }

    /// The index of (actor, year) in the `*_by_actor_year` tables.
    pub fn at(&self, actor: usize, year: usize) -> usize {
        actor * self.years() + year
    }
}

/// The discount factor of each year `0..years` at a yearly `rate`: `(1 + rate)^−t`, the factor
/// the engine multiplies year `t`'s amounts by.
pub fn discount_factors(rate: f64, years: usize) -> Vec<f64> {
    (0..years).map(|t| (1.0 + rate).powi(-(t as i32))).collect()
}

/// What one iteration produced.
#[derive(Clone, Debug, PartialEq)]
pub struct IterationResult {
    /// The parameter values drawn (or fixed) in this iteration.
    pub params: Vec<f64>,
    /// One per arm; `arms[0]` is ordinary practice.
    pub arms: Vec<ArmResult>,
}

/// Per-thread buffers, reused between iterations.
struct Workspace<'p, 's> {
    plan: &'p Plan<'s>,
    tables: Tables,
    counts: Vec<ArmCounts>,
    buffers: cohort::Buffers,
    method: Method,
    trace: expected::Trace,
    cells: counts::Cells,
}

impl Workspace<'_, '_> {
    /// Fills `self.counts` for a closed cohort of `people` over its first `years` years, by
    /// this run's method.
    fn cohort(
        &mut self,
        params: &[f64],
        (people, years): (u32, usize),
        rng: &mut rng::Stream,
    ) -> std::result::Result<(), Violation> {
        match self.method {
            Method::Individual => cohort::simulate(
                self.plan,
                &self.tables,
                params,
                (people, years),
                rng,
                &mut self.buffers,
                &mut self.counts,
            ),
            Method::Counts => {
                counts::simulate(
                    self.plan,
                    &self.tables,
                    (people, years),
                    rng,
                    &mut self.cells,
                    &mut self.counts,
                );
                Ok(())
            }
            Method::Expected => {
                expected::simulate(
                    self.plan,
                    &self.tables,
                    (people, years),
                    &mut self.trace,
                    &mut self.counts,
                );
                Ok(())
            }
        }
    }
}

/// The inputs of one evaluation of the model: the parameter values and the key of the
/// cohort's random stream. Sensitivity analyses build their own; a run draws them.
#[derive(Clone, Debug)]
pub struct Draw {
    pub params: Vec<f64>,
    /// The cohort's random stream is keyed by (seed, this): equal keys give the same people.
    pub cohort_stream: u64,
}

/// Runs the simulation. `on_iteration` is called after each iteration (for a progress bar).
pub fn simulate(
    scenario: &Scenario,
    settings: &SimSettings,
    on_iteration: &(dyn Fn() + Sync),
) -> Result<Vec<IterationResult>> {
    let sampler = ParameterSampler::new(scenario, settings);
    simulate_draws(
        scenario,
        settings.seed,
        settings.method,
        0..settings.iterations,
        &|it| Draw {
            params: sampler.sample(it),
            cohort_stream: it as u64,
        },
        on_iteration,
    )
}

/// Runs shard `shard` of the simulation: the iterations [`shard::Shard::iterations`] of
/// `settings.iterations`, exactly as the whole run draws them.
pub fn simulate_shard(
    scenario: &Scenario,
    settings: &SimSettings,
    shard: shard::Shard,
    on_iteration: &(dyn Fn() + Sync),
) -> Result<Vec<IterationResult>> {
    let sampler = ParameterSampler::new(scenario, settings);
    simulate_draws(
        scenario,
        settings.seed,
        settings.method,
        shard.iterations(settings.iterations),
        &|it| Draw {
            params: sampler.sample(it),
            cohort_stream: it as u64,
        },
        on_iteration,
    )
}

/// Evaluates the model once for each index in `indices`, with the inputs `draw(index)`, in
/// parallel; results come back in index order. An error names the first failing index.
/// `method` must support the scenario ([`Method::unsupported`]).
pub fn simulate_draws(
    scenario: &Scenario,
    seed: u64,
    method: Method,
    indices: std::ops::Range<usize>,
    draw: &(dyn Fn(usize) -> Draw + Sync),
    on_iteration: &(dyn Fn() + Sync),
) -> Result<Vec<IterationResult>> {
    let mut all = Vec::with_capacity(indices.len());
    simulate_draws_in_chunks(
        scenario,
        (seed, method),
        (indices, usize::MAX),
        draw,
        on_iteration,
        &mut |chunk| {
            all.extend(chunk);
            Ok(())
        },
    )?;
    Ok(all)
}

/// Runs iterations `first..first + n` of the run with `settings` (its parameter draws and
/// cohort streams), `chunk` at a time in parallel, and hands each chunk's results to `take`
/// in order: the results of a large run need not all be kept at once.
pub fn simulate_in_chunks(
    scenario: &Scenario,
    settings: &SimSettings,
    (iterations, chunk): (std::ops::Range<usize>, usize),
    on_iteration: &(dyn Fn() + Sync),
    take: &mut dyn FnMut(Vec<IterationResult>) -> Result<()>,
) -> Result<()> {
    let sampler = ParameterSampler::new(scenario, settings);
    simulate_draws_in_chunks(
        scenario,
        (settings.seed, settings.method),
        (iterations, chunk),
        &|it| Draw {
            params: sampler.sample(it),
            cohort_stream: it as u64,
        },
        on_iteration,
        take,
    )
}

/// [`simulate_draws`], `chunk` indices at a time, each chunk's results handed to `take` in
/// order. An error (of the simulation or of `take`) stops the run.
fn simulate_draws_in_chunks(
    scenario: &Scenario,
    (seed, method): (u64, Method),
    (indices, chunk): (std::ops::Range<usize>, usize),
    draw: &(dyn Fn(usize) -> Draw + Sync),
    on_iteration: &(dyn Fn() + Sync),
    take: &mut dyn FnMut(Vec<IterationResult>) -> Result<()>,
) -> Result<()> {
    let plan = Plan::new(scenario);
    if let Some(why) = method.unsupported_by(&plan) {
        return Err(Error::Usage(why));
    }
    let mut start = indices.start;
    while start < indices.end {
        let end = indices.end.min(start.saturating_add(chunk.max(1)));
        let results = simulate_plan(&plan, seed, method, start..end, draw, on_iteration)?;
        take(results)?;
        start = end;
    }
    Ok(())
}

/// The iterations `indices` of `plan`, in parallel, in index order.
fn simulate_plan(
    plan: &Plan,
    seed: u64,
    method: Method,
    indices: std::ops::Range<usize>,
    draw: &(dyn Fn(usize) -> Draw + Sync),
    on_iteration: &(dyn Fn() + Sync),
) -> Result<Vec<IterationResult>> {
    let first_failure = AtomicUsize::new(usize::MAX);
    let outcomes: Vec<Option<Result<IterationResult>>> = indices
        .into_par_iter()
        .map_init(
            || Workspace {
                plan,
                tables: Tables::default(),
                counts: (0..plan.arms).map(|_| ArmCounts::default()).collect(),
                buffers: cohort::Buffers::default(),
                method,
                trace: expected::Trace::default(),
                cells: counts::Cells::default(),
            },
            |ws, it| {
                // Iterations after a failed one are skipped; earlier ones still run, so the
                // error reported is always that of the first failing iteration.
                if it > first_failure.load(Ordering::Relaxed) {
                    return None;
                }
                let result = run_iteration(ws, seed, it, draw(it));
                if result.is_err() {
                    first_failure.fetch_min(it, Ordering::Relaxed);
                }
                on_iteration();
                Some(result)
            },
        )
        .collect();
    outcomes.into_iter().flatten().collect()
}

/// Draws the parameter values of one iteration (fixed ones keep their draw unused, so the
/// other parameters' draws do not move).
pub fn sample_parameters(
    scenario: &Scenario,
    settings: &SimSettings,
    iteration: usize,
) -> Vec<f64> {
    if scenario.correlated_groups.is_empty() {
        return ParameterSampler::independent(scenario, settings).sample(iteration);
    }
    ParameterSampler::new(scenario, settings).sample(iteration)
}

/// Draws parameter values per iteration: each parameter's uniform from the parameter stream in
/// declaration order, correlated by the scenario's copula (conditioned on fixed parameters),
/// then its quantile. Build it once per run.
pub struct ParameterSampler<'s> {
    scenario: &'s Scenario,
    seed: u64,
    fixed: Vec<(usize, f64)>,
    copula: correlation::Copula,
}

impl<'s> ParameterSampler<'s> {
    pub fn new(scenario: &'s Scenario, settings: &SimSettings) -> Self {
        ParameterSampler {
            scenario,
            seed: settings.seed,
            fixed: settings.fixed.clone(),
            copula: correlation::Copula::new(
                &scenario.parameters,
                &scenario.correlated_groups,
                &settings.fixed,
            ),
        }
    }

    fn independent(scenario: &'s Scenario, settings: &SimSettings) -> Self {
        ParameterSampler {
            scenario,
            seed: settings.seed,
            fixed: settings.fixed.clone(),
            copula: correlation::Copula::default(),
        }
    }

    /// The parameter values of one iteration (fixed ones keep their draw unused, so the other
    /// parameters' draws do not move).
    pub fn sample(&self, iteration: usize) -> Vec<f64> {
        let mut rng = rng::stream(self.seed, iteration as u64, rng::Purpose::Parameters);
        let uniforms = self
            .scenario
            .parameters
            .iter()
            .map(|_| rng::open01(&mut rng))
            .collect();
        self.at_uniforms(uniforms)
    }

    /// The number of parameters (of values [`ParameterSampler::at_normals`] reads).
    pub fn dimension(&self) -> usize {
        self.scenario.parameters.len()
    }

    /// The parameter values at independent standard normals `w`, one per parameter: `Φ(w)` is
    /// each parameter's uniform, mapped as [`ParameterSampler::sample`] maps its draws. The prior
    /// is N(0, I) in this space, where the follow-up's samplers move.
    pub fn at_normals(&self, w: &[f64]) -> Vec<f64> {
        let phi = statrs::distribution::Normal::standard();
        let uniforms = w
            .iter()
            .map(|&x| {
                statrs::distribution::ContinuousCDF::cdf(&phi, x)
                    .clamp(correlation::U_MIN, 1.0 - correlation::U_MIN)
            })
            .collect();
        self.at_uniforms(uniforms)
    }

    fn at_uniforms(&self, mut uniforms: Vec<f64>) -> Vec<f64> {
        self.copula.correlate(&mut uniforms);
        let mut values: Vec<f64> = self
            .scenario
            .parameters
            .iter()
            .zip(&uniforms)
            .map(|(p, &u)| p.distribution.dist.quantile(u))
            .collect();
        for &(i, v) in &self.fixed {
            values[i] = v;
        }
        values
    }
}

fn run_iteration(ws: &mut Workspace, seed: u64, it: usize, draw: Draw) -> Result<IterationResult> {
    let plan = ws.plan;
    let params = draw.params;
    ws.tables
        .fill(plan, &params)
        .map_err(|v| model_error(plan, &params, it, seed, v))?;
    let mut rng = rng::stream(seed, draw.cohort_stream, rng::Purpose::Cohort);
    let arms: Vec<ArmResult> = if plan.scenario.intakes.is_empty() {
        ws.cohort(&params, (plan.scenario.cohort, plan.years), &mut rng)
            .map_err(|v| model_error(plan, &params, it, seed, v))?;
        (0..plan.arms)
            .map(|a| apply_costs(plan, &ws.tables, a, &ws.counts[a]))
            .collect()
    } else {
        simulate_intakes(ws, &params, &mut rng)
            .map_err(|v| model_error(plan, &params, it, seed, v))?
    };
    check_totals(plan, arms.iter().enumerate(), &params, it, seed)?;
    Ok(IterationResult { params, arms })
}

/// An open cohort: each intake is a closed cohort whose year 0 is its calendar year `k`,
/// simulated over the `H − k` years left of the horizon with this iteration's tables (read by
/// years since intake), one intake after the other from the one random stream (so people are
/// numbered across intakes and the draws do not depend on threads). Each intake is priced as a
/// cohort of its own and added to the programme's totals `k` years later: discounted by calendar
/// year, its costs by year put in calendar years `k + t`. A program's start-up is charged once,
/// with the first intake; an intake arriving at or after the horizon is never simulated.
fn simulate_intakes(
    ws: &mut Workspace,
    params: &[f64],
    rng: &mut rng::Stream,
) -> std::result::Result<Vec<ArmResult>, Violation> {
    let plan = ws.plan;
    let h = plan.years;
    let mut totals = programme_totals(plan, plan.arms);
    for (i, intake) in plan.scenario.intakes.iter().enumerate() {
        let k = intake.year as usize;
        if k >= h {
            continue;
        }
        startup_of_intake(plan, &mut ws.tables, i, k);
        let people = ws.tables.intake_counts[i];
        ws.cohort(params, (people, h - k), rng)?;
        for (a, total) in totals.iter_mut().enumerate() {
            let r = apply_costs(plan, &ws.tables, a, &ws.counts[a]);
            add_intake(plan, total, &r, k);
        }
    }
    Ok(totals)
}

/// An open cohort's totals before any intake: one per arm, all 0.
fn programme_totals(plan: &Plan, arms: usize) -> Vec<ArmResult> {
    let h = plan.years;
    (0..arms)
        .map(|_| ArmResult {
            cost_by_actor: vec![0.0; plan.actors],
            transfer_by_actor: vec![0.0; plan.actors],
            program_by_actor: vec![0.0; plan.actors],
            cost_by_year: vec![0.0; h],
            cost_by_actor_year: vec![0.0; plan.actors * h],
            transfer_by_actor_year: vec![0.0; plan.actors * h],
            program_by_actor_year: vec![0.0; plan.actors * h],
            outcomes: vec![0.0; plan.outcomes],
            participants: 0.0,
        })
        .collect()
}

/// The start-up belongs to the first intake, and only where its program starts within the
/// horizon: zeroed in `tables` for intake `i` (arriving in year `k`) otherwise (the tables are
/// filled again in the next iteration).
fn startup_of_intake(plan: &Plan, tables: &mut Tables, i: usize, k: usize) {
    for (a, arm) in plan.scenario.interventions() {
        let start = arm.program.as_ref().map_or(0, |p| p.start_year as usize);
        if i > 0 || k + start >= plan.years {
            tables.startup[a] = 0.0;
        }
    }
}

/// Adds intake result `r`, priced as a cohort of its own whose year 0 is calendar year `k`,
/// to the programme's `total`: discounted by calendar year, its year `t` put in year `k + t`.
fn add_intake(plan: &Plan, total: &mut ArmResult, r: &ArmResult, k: usize) {
    let h = plan.years;
    let (d, d_outcome) = (plan.discount[k], plan.outcome_discount[k]);
    let add = |sum: &mut [f64], part: &[f64], factor: f64| {
        sum.iter_mut().zip(part).for_each(|(s, x)| *s += factor * x);
    };
    add(&mut total.cost_by_actor, &r.cost_by_actor, d);
    add(&mut total.transfer_by_actor, &r.transfer_by_actor, d);
    add(&mut total.program_by_actor, &r.program_by_actor, d);
    add(&mut total.outcomes, &r.outcomes, d_outcome);
    debug_assert!(r.cost_by_year[h - k..].iter().all(|&x| x == 0.0));
    add(&mut total.cost_by_year[k..], &r.cost_by_year, d);
    // the intake's year t is calendar year k + t (its years from h − k on are empty)
    for (into, from) in [
        (&mut total.cost_by_actor_year, &r.cost_by_actor_year),
        (&mut total.transfer_by_actor_year, &r.transfer_by_actor_year),
        (&mut total.program_by_actor_year, &r.program_by_actor_year),
    ] {
        for actor in 0..plan.actors {
            let (at, to) = (actor * h, actor * h + k);
            add(&mut into[to..to + (h - k)], &from[at..at + (h - k)], d);
        }
    }
    total.participants += r.participants;
}

/// Turns the counts of one arm into discounted costs per actor and year, and outcome totals.
///
/// People who receive ordinary practice (class "untreated") are priced with the baseline's
/// tables, participants with their arm's. Where both prices are equal, the counts are added
/// before multiplying, and the baseline arm goes through the very same arithmetic (with no
/// participants): an intervention identical to ordinary practice therefore gives a net of
/// exactly 0, not a rounding difference.
#[allow(clippy::needless_range_loop)] // t indexes several tables at once
fn apply_costs(plan: &Plan, tables: &Tables, arm: usize, counts: &ArmCounts) -> ArmResult {
    let (h, s_n, n_a, n_o) = (plan.years, plan.states, plan.actors, plan.outcomes);
    let mut cost_by_actor = vec![0.0; n_a];
    let mut transfer_by_actor = vec![0.0; n_a];
    let mut cost_by_year = vec![0.0; h];
    let mut cost_by_actor_year = vec![0.0; n_a * h];
    let mut transfer_by_actor_year = vec![0.0; n_a * h];
    let mut outcomes = vec![0.0; n_o];
    // price × (count of ordinary practice) + price × (count of participants), merged when
    // equal; where the participants' ordinary-practice numbers `n_d` are kept apart (the
    // expected-value path), the participants' change of price and path is added to the whole
    // cohort's ordinary practice, and is exactly 0 where nothing changes.
    let displaced = !counts.displaced_occupancy.is_empty();
    let priced = |n_u: f64, n_t: f64, n_d: f64, p_u: f64, p_t: f64| {
        if displaced {
            n_u * p_u + (n_t * p_t - n_d * p_u)
        } else if p_u == p_t {
            (n_u + n_t) * p_u
        } else {
            n_u * p_u + n_t * p_t
        }
    };
    let displaced_at = |v: &[f64], i: usize| if displaced { v[i] } else { 0.0 };
    // An amount of `actor` in year `t` (a transfer where `transfer`), into every sum it belongs to.
    let mut add_cost = |actor: usize, transfer: bool, t: usize, amount: f64| {
        cost_by_actor[actor] += amount;
        cost_by_year[t] += amount;
        cost_by_actor_year[actor * h + t] += amount;
        if transfer {
            transfer_by_actor[actor] += amount;
            transfer_by_actor_year[actor * h + t] += amount;
        }
    };
    for group in 0..plan.groups {
        let (untreated, treated) = (group * 2, group * 2 + 1);
        for t in 0..h {
            let (block_u, block_t) = (plan.block(0, group, t), plan.block(arm, group, t));
            let (d, d_outcome) = (plan.discount[t], plan.outcome_discount[t]);
            for s in 0..s_n {
                let at = |class: usize| (class * h + t) * s_n + s;
                let (o_u, o_t) = (
                    counts.occupancy[at(untreated)],
                    counts.occupancy[at(treated)],
                );
                let (e_u, e_t) = (counts.entries[at(untreated)], counts.entries[at(treated)]);
                let o_d = displaced_at(&counts.displaced_occupancy, at(untreated));
                let e_d = displaced_at(&counts.displaced_entries, at(untreated));
                if o_u + o_t == 0.0 && e_u + e_t == 0.0 {
                    continue;
                }
                // A cell no rule writes adds 0, which leaves every sum as it is (a sum that
                // starts at +0 is never −0): only the others are added.
                let [costs, outcomes_priced] = plan.amounts.priced[s];
                let (cell_u, cell_t) =
                    ((block_u * s_n + s) * n_a * 2, (block_t * s_n + s) * n_a * 2);
                for cell in costs.cells(n_a * 2) {
                    let (actor, k) = (cell / 2, cell % 2);
                    let (cu, ct) = (cell_u + cell, cell_t + cell);
                    let amount = d
                        * (priced(
                            o_u,
                            o_t,
                            o_d,
                            tables.yearly_cost[cu],
                            tables.yearly_cost[ct],
                        ) + priced(e_u, e_t, e_d, tables.entry_cost[cu], tables.entry_cost[ct]));
                    add_cost(actor, k == 1, t, amount);
                }
                let (cell_u, cell_t) = ((block_u * s_n + s) * n_o, (block_t * s_n + s) * n_o);
                for o in outcomes_priced.cells(n_o) {
                    let (cu, ct) = (cell_u + o, cell_t + o);
                    outcomes[o] += d_outcome
                        * (priced(
                            o_u,
                            o_t,
                            o_d,
                            tables.yearly_outcome[cu],
                            tables.yearly_outcome[ct],
                        ) + priced(
                            e_u,
                            e_t,
                            e_d,
                            tables.entry_outcome[cu],
                            tables.entry_outcome[ct],
                        ));
                }
            }
        }
    }
    // The amounts evaluated per person-year, in the same order in every arm.
    if plan.person.amounts {
        let width = plan.amount_width();
        for t in 0..h {
            let (d, d_outcome) = (plan.discount[t], plan.outcome_discount[t]);
            let cells = &counts.person_amounts[t * width..(t + 1) * width];
            for actor in 0..n_a {
                for k in 0..2 {
                    let amount = d * cells[actor * 2 + k];
                    add_cost(actor, k == 1, t, amount);
                }
            }
            for (o, total) in outcomes.iter_mut().enumerate() {
                *total += d_outcome * cells[n_a * 2 + o];
            }
        }
    }
    let mut program_by_actor = vec![0.0; n_a];
    let mut program_by_actor_year = vec![0.0; n_a * h];
    if let Some(program) = &plan.scenario.arms[arm].program {
        // The start-up in the start year; per participant and program year, for the
        // participants in a state the program is given in.
        let (start, end) = program.window();
        for t in (start as usize)..(end as usize).min(h) {
            let mut spend = if t == start as usize {
                tables.startup[arm]
            } else {
                0.0
            };
            for group in 0..plan.groups {
                let price = tables.per_participant[(arm * plan.groups + group) * h + t];
                if price == 0.0 {
                    continue;
                }
                let at = ((group * 2 + 1) * h + t) * s_n;
                let present: f64 = (0..s_n)
                    .filter(|&s| program.given_in[s])
                    .map(|s| counts.occupancy[at + s])
                    .sum();
                spend += price * present;
            }
            let spend = spend * plan.discount[t];
            cost_by_year[t] += spend;
            for &(actor, share) in &program.funded_by {
                program_by_actor[actor] += spend * share;
                program_by_actor_year[actor * h + t] += spend * share;
            }
        }
        for (c, p) in cost_by_actor.iter_mut().zip(&program_by_actor) {
            *c += p;
        }
        for (c, p) in cost_by_actor_year.iter_mut().zip(&program_by_actor_year) {
            *c += p;
        }
    }
    ArmResult {
        cost_by_actor,
        transfer_by_actor,
        program_by_actor,
        cost_by_year,
        cost_by_actor_year,
        transfer_by_actor_year,
        program_by_actor_year,
        outcomes,
        participants: counts.participants,
    }
}

/// The largest total a cost or outcome may reach: far beyond any real budget (a billion
/// billion), so that sums and differences of totals stay exact enough and never overflow.
pub const MAX_TOTAL: f64 = 1e18;

/// The totals [`check_totals`] checks.
enum Total {
    Actor,
    Outcome,
    Year,
}

/// Stops a run whose totals are not finite or beyond [`MAX_TOTAL`] (an amount far too large,
/// e.g. `1e308` in a cost rule, would otherwise overflow to infinity and print as null).
fn check_totals<'r>(
    plan: &Plan,
    arms: impl IntoIterator<Item = (usize, &'r ArmResult)>,
    params: &[f64],
    iteration: usize,
    seed: u64,
) -> Result<()> {
    let sc = plan.scenario;
    for (a, r) in arms {
        // (what the total is, which one, its value); described only when it is invalid.
        let totals = (r.cost_by_actor.iter().enumerate())
            .map(|(i, &x)| (Total::Actor, i, x))
            .chain(
                r.outcomes
                    .iter()
                    .enumerate()
                    .map(|(i, &x)| (Total::Outcome, i, x)),
            )
            .chain(
                r.cost_by_year
                    .iter()
                    .enumerate()
                    .map(|(t, &x)| (Total::Year, t, x)),
            );
        for (kind, i, x) in totals {
            if !(x.is_finite() && x.abs() <= MAX_TOTAL) {
                let what = match kind {
                    Total::Actor => format!("the cost for \"{}\"", sc.actors[i]),
                    Total::Outcome => format!("the outcome \"{}\"", sc.outcomes[i]),
                    Total::Year => format!("the cost of year {i}"),
                };
                let values: Vec<String> = sc
                    .parameters
                    .iter()
                    .zip(params)
                    .map(|(p, v)| format!("{} = {v}", p.name))
                    .collect();
                return Err(Error::Model(format!(
                    "{}: invalid model: in arm \"{}\", {what} over the cohort and horizon is {x:e}, \
                     beyond {MAX_TOTAL:e}; iteration {iteration} (seed {seed})\n  parameter values: {}\n  \
                     an amount in the scenario is far too large: amounts are in {} per person and year",
                    sc.file,
                    sc.arms[a].name,
                    if values.is_empty() {
                        "none".to_string()
                    } else {
                        values.join(", ")
                    },
                    sc.currency
                )));
            }
        }
    }
    Ok(())
}

fn model_error(plan: &Plan, params: &[f64], iteration: usize, seed: u64, v: Violation) -> Error {
    let sc = plan.scenario;
    let practice = if v.variant == 0 {
        format!("arm \"{}\"", sc.arms[0].name)
    } else {
        format!("arm \"{}\" (participants)", sc.arms[v.variant].name)
    };
    let tis = v
        .time_in_state
        .map(|t| format!(", time in state {t}"))
        .unwrap_or_default();
    let values: Vec<String> = v
        .params
        .iter()
        .map(|&i| format!("{} = {}", sc.parameters[i].name, params[i]))
        .collect();
    // A rule that reads no parameter fails in every iteration: its values say nothing.
    let values = if values.is_empty() {
        String::new()
    } else {
        format!("\n  parameter values: {}", values.join(", "))
    };
    let at = v
        .origin
        .map(|o| o.to_string())
        .unwrap_or_else(|| sc.file.clone());
    let text = format!(
        "{at}: invalid model: {}\n  in {practice}, subgroup \"{}\", year {}{tis}, iteration {iteration} (seed {seed}){values}\n  \
         nothing is clamped: fix the formula or the distribution so the value stays valid",
        v.message, sc.subgroups[v.group].name, v.year
    );
    Error::Model(crate::source_text::render(&text, &sc.sources))
}

/// One year's model at given parameter values, for display (`socinv check`).
pub struct YearTable {
    /// `transitions[from][to]`: yearly probabilities, staying included.
    pub transitions: Vec<Vec<f64>>,
    /// `yearly_cost[state][actor]`, transfers included.
    pub yearly_cost: Vec<Vec<f64>>,
    /// `entry_cost[state][actor]`.
    pub entry_cost: Vec<Vec<f64>>,
}

/// Evaluates the tables of one practice `variant` (0 = ordinary practice, `a` = participants of
/// arm `a`), subgroup and year at the given parameter values (time in state 1).
pub fn year_table(
    scenario: &Scenario,
    params: &[f64],
    variant: usize,
    group: usize,
    year: usize,
) -> Result<YearTable> {
    let plan = Plan::new(scenario);
    let mut tables = Tables::default();
    tables
        .fill(&plan, params)
        .map_err(|v| model_error(&plan, params, 0, 0, v))?;
    let (s_n, n_a) = (plan.states, plan.actors);
    let block = plan.block(variant, group, year);
    let transitions = (0..s_n)
        .map(|s| {
            let cum = tables.row(&plan, block, s, 1);
            (0..s_n).map(|j| cohort::share(cum, j)).collect()
        })
        .collect();
    let costs = |table: &[f64]| -> Vec<Vec<f64>> {
        (0..s_n)
            .map(|s| {
                (0..n_a)
                    .map(|a| {
                        let cell = ((block * s_n + s) * n_a + a) * 2;
                        table[cell] + table[cell + 1]
                    })
                    .collect()
            })
            .collect()
    };
    Ok(YearTable {
        transitions,
        yearly_cost: costs(&tables.yearly_cost),
        entry_cost: costs(&tables.entry_cost),
    })
}
