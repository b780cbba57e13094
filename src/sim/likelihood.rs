//! The probability of an observed cohort's history under the model: per person, the product of
//! their yearly moves' probabilities, read from the same tables the walk reads (so the
//! likelihood is the model's own, exactly), mixed over the subgroups where a person's subgroup
//! is not known. Also draws synthetic histories from the same tables, for examples and for
//! calibration tests.
//!
//! What is observed is taken as given: who took part (participants follow their intervention's
//! rows, the others ordinary practice's) and, where stated, the subgroup. A person's start
//! state and subgroup count in the likelihood where the scenario draws them per person; an
//! unknown subgroup is weighted by its share and, for a participant, its uptake.

use super::cohort::{pick, share};
use super::rng::{self, Stream};
use super::tables::{Clock, Plan, Tables};
use super::{Violation, model_error};
use crate::error::{Error, Result};
use crate::scenario::{Composition, Scenario};
use rayon::prelude::*;

/// The observed history of one person.
#[derive(Clone, Debug, PartialEq)]
pub struct ObservedPerson {
    /// The person's id as the observed file gives it.
    pub id: String,
    /// The subgroup, where known.
    pub group: Option<usize>,
    /// The practice the person received: 0 ordinary practice, `a` intervention arm `a`'s.
    pub variant: usize,
    /// The year of the horizon the person entered: 0 in a single cohort; with intakes, the
    /// year of their intake.
    pub entry: usize,
    /// The state in each observed year, from the year of entry (the tables are read by years
    /// since entry, as the walk reads them).
    pub states: Vec<usize>,
}

impl ObservedPerson {
    /// The years of the horizon the person was observed in, `entry..`.
    pub fn observed_until(&self) -> usize {
        self.entry + self.states.len()
    }

    /// The person's state in year `t` of the horizon, if observed.
    pub fn state_in(&self, t: usize) -> Option<usize> {
        t.checked_sub(self.entry)
            .and_then(|k| self.states.get(k))
            .copied()
    }
}

/// The observed history of the real cohort.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedCohort {
    pub people: Vec<ObservedPerson>,
}

impl ObservedCohort {
    /// Number of observed yearly moves.
    pub fn moves(&self) -> usize {
        self.people
            .iter()
            .map(|p| p.states.len().saturating_sub(1))
            .sum()
    }

    /// The years of the horizon observed: up to the last year anybody was observed in.
    pub fn years(&self) -> usize {
        self.people
            .iter()
            .map(ObservedPerson::observed_until)
            .max()
            .unwrap_or(0)
    }
}

/// A history the model gives probability 0: person `person` (an index into the cohort's
/// people), by their move out of year `year` (`None`: their start state).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImpossibleMove {
    pub person: usize,
    pub year: Option<usize>,
}

/// The likelihood of one observed cohort under one scenario.
pub struct Likelihood<'s> {
    plan: Plan<'s>,
    observed: ObservedCohort,
    /// The distinct histories (subgroup, practice, states): the index of a person with it,
    /// and how many people have it. Equal histories have equal likelihoods, so each is
    /// computed once.
    distinct: Vec<(usize, f64)>,
}

/// The scenario's plan, or a refusal of what the likelihood cannot yet follow; `what` names
/// the command for the message.
fn supported_plan<'s>(scenario: &'s Scenario, what: &str) -> Result<Plan<'s>> {
    let plan = Plan::new(scenario);
    if plan.person.rows {
        return Err(Error::Usage(format!(
            "{what} does not yet follow a scenario whose transitions read a value drawn per \
             person (an attribute or a drawn start age): {} does",
            scenario.file
        )));
    }
    Ok(plan)
}

impl<'s> Likelihood<'s> {
    /// The likelihood of `observed`, whose states, subgroups and arms index `scenario`'s and
    /// whose histories lie within its horizon.
    pub fn new(scenario: &'s Scenario, observed: ObservedCohort) -> Result<Self> {
        let plan = supported_plan(scenario, "follow-up")?;
        debug_assert!(observed.people.iter().all(|p| {
            p.observed_until() <= plan.years && p.variant < plan.arms && !p.states.is_empty()
        }));
        let mut first: std::collections::HashMap<(Option<usize>, usize, &[usize]), usize> =
            std::collections::HashMap::new();
        let mut distinct: Vec<(usize, f64)> = Vec::new();
        for (i, p) in observed.people.iter().enumerate() {
            let key = (p.group, p.variant, p.states.as_slice());
            match first.get(&key) {
                Some(&k) => distinct[k].1 += 1.0,
                None => {
                    first.insert(key, distinct.len());
                    distinct.push((i, 1.0));
                }
            }
        }
        drop(first);
        Ok(Likelihood {
            plan,
            observed,
            distinct,
        })
    }

    /// The log-likelihood at each parameter set, in parallel (in the current rayon pool), in
    /// order. A parameter set the model refuses (a probability outside [0, 1], …) is an error
    /// naming its index as the iteration.
    pub fn evaluate(&self, seed: u64, params: &[Vec<f64>]) -> Result<Vec<f64>> {
        params
            .par_iter()
            .enumerate()
            .map_init(Tables::default, |tables, (i, p)| {
                tables
                    .fill(&self.plan, p)
                    .map_err(|v| model_error(&self.plan, p, i, seed, v))?;
                Ok(self.log_likelihood(tables))
            })
            .collect()
    }

    /// The first observed history of probability 0 at `params`, if any: the person, and the
    /// year of the move that made it impossible in every subgroup (`None`: its start).
    pub fn first_impossible(&self, params: &[f64]) -> Result<Option<ImpossibleMove>> {
        let plan = &self.plan;
        let mut tables = Tables::default();
        tables
            .fill(plan, params)
            .map_err(|v| model_error(plan, params, 0, 0, v))?;
        let mut weights = Vec::new();
        for (i, person) in self.observed.people.iter().enumerate() {
            // per subgroup, where its path first has probability 0 (start: Some(None))
            let mut first_zero: Vec<Option<Option<usize>>> = Vec::new();
            self.start_weights(&tables, person, &mut weights);
            for (g, &weight) in self.groups(person).zip(&weights) {
                if weight <= 0.0 {
                    first_zero.push(Some(None));
                    continue;
                }
                let mut clock = PathClock::new(plan, person.states[0]);
                let mut zero = None;
                for t in 0..person.states.len() - 1 {
                    if move_probability(plan, &tables, person, g, t, &clock) == 0.0 {
                        zero = Some(Some(t));
                        break;
                    }
                    clock.step(plan, person.states[t], person.states[t + 1]);
                }
                first_zero.push(zero);
            }
            if first_zero.iter().all(Option::is_some) {
                let year = first_zero.into_iter().flatten().max().flatten();
                return Ok(Some(ImpossibleMove { person: i, year }));
            }
        }
        Ok(None)
    }

    /// The years of the horizon observed ([`ObservedCohort::years`]).
    pub fn observed_years(&self) -> usize {
        self.observed.years()
    }

    /// The observed people, in the file's order.
    pub fn people(&self) -> &[ObservedPerson] {
        &self.observed.people
    }

    /// The probability of each subgroup for person `index` given their observed history
    /// (start and moves) under the filled `tables`, into `out` (one per subgroup).
    /// `scratch` holds the start weights and log terms between calls.
    pub(super) fn group_probabilities(
        &self,
        tables: &Tables,
        index: usize,
        scratch: &mut (Vec<f64>, Vec<f64>),
        out: &mut Vec<f64>,
    ) {
        let person = &self.observed.people[index];
        let (weights, terms) = scratch;
        self.log_terms(tables, person, weights, terms);
        let total = log_sum_exp(terms);
        out.clear();
        out.resize(self.plan.groups, 0.0);
        for (g, &log_p) in self.groups(person).zip(terms.iter()) {
            if total > f64::NEG_INFINITY {
                out[g] = (log_p - total).exp();
            }
        }
    }

    fn groups(&self, person: &ObservedPerson) -> std::ops::Range<usize> {
        match person.group {
            Some(g) => g..g + 1,
            None => 0..self.plan.groups,
        }
    }

    /// The log-likelihood of the whole cohort under the filled `tables`.
    fn log_likelihood(&self, tables: &Tables) -> f64 {
        let mut total = 0.0;
        let (mut weights, mut terms) = (Vec::new(), Vec::new());
        for &(index, count) in &self.distinct {
            let person = &self.observed.people[index];
            self.log_terms(tables, person, &mut weights, &mut terms);
            total += count * log_sum_exp(&terms);
        }
        total
    }

    /// log P(start, history, subgroup g) of `person` for each g in [`Likelihood::groups`]
    /// order, into `terms` (`weights`: scratch for the start weights).
    fn log_terms(
        &self,
        tables: &Tables,
        person: &ObservedPerson,
        weights: &mut Vec<f64>,
        terms: &mut Vec<f64>,
    ) {
        let plan = &self.plan;
        self.start_weights(tables, person, weights);
        terms.clear();
        for (g, &weight) in self.groups(person).zip(weights.iter()) {
            let mut log_p = weight.ln();
            let mut clock = PathClock::new(plan, person.states[0]);
            for t in 0..person.states.len() - 1 {
                if log_p == f64::NEG_INFINITY {
                    break;
                }
                log_p += move_probability(plan, tables, person, g, t, &clock).ln();
                clock.step(plan, person.states[t], person.states[t + 1]);
            }
            terms.push(log_p);
        }
    }

    /// The probability of `person`'s start, per subgroup in [`Likelihood::groups`] order,
    /// given that they took part or not (participation is observed, not modelled):
    /// - a known subgroup: its starting share of the state (1 with an exact composition,
    ///   whose starting states are counts, not draws);
    /// - an unknown one: P(subgroup, start | took part) = share · uptake · start share /
    ///   Σ share · uptake (the uptake 1 for ordinary practice); with an exact composition
    ///   P(subgroup | start, took part), normalised over the subgroups.
    fn start_weights(&self, tables: &Tables, person: &ObservedPerson, out: &mut Vec<f64>) {
        let plan = &self.plan;
        let (s_n, g_n) = (plan.states, plan.groups);
        let drawn = plan.scenario.composition == Composition::Drawn;
        let s0 = person.states[0];
        let start = |g: usize| share(&tables.start_cum[g * s_n..(g + 1) * s_n], s0).max(0.0);
        out.clear();
        if let Some(g) = person.group {
            out.push(if drawn { start(g) } else { 1.0 });
            return;
        }
        let uptake = |g: usize| match person.variant {
            0 => 1.0,
            a => tables.uptake[a * g_n + g],
        };
        let reach = |g: usize| share(&tables.group_cum, g).max(0.0) * uptake(g);
        out.extend((0..g_n).map(|g| reach(g) * start(g)));
        let total: f64 = if drawn {
            (0..g_n).map(reach).sum()
        } else {
            out.iter().sum()
        };
        for w in out.iter_mut() {
            *w = if total > 0.0 { *w / total } else { 0.0 };
        }
    }
}

/// The probability of `person`'s move out of year `t` in subgroup `g`, the path's durations
/// up to year `t` in `clock`.
fn move_probability(
    plan: &Plan,
    tables: &Tables,
    person: &ObservedPerson,
    g: usize,
    t: usize,
    clock: &PathClock,
) -> f64 {
    let (s, next) = (person.states[t], person.states[t + 1]);
    let block = plan.block(person.variant, g, t);
    // a row's last share may round a hair below 0 where the others sum to 1
    share(tables.row(plan, block, s, clock.of(plan, s)), next).max(0.0)
}

/// A path's time in state and episode times, as the walk counts them.
#[derive(Clone)]
pub(super) struct PathClock {
    pub(super) time: usize,
    episode: Vec<u32>,
}

impl PathClock {
    pub(super) fn new(plan: &Plan, start: usize) -> Self {
        let mut episode = vec![0; plan.scenario.episodes.len()];
        super::cohort::update_episodes(plan, &mut episode, None, start);
        PathClock { time: 1, episode }
    }

    pub(super) fn step(&mut self, plan: &Plan, from: usize, to: usize) {
        self.time = if from == to { self.time + 1 } else { 1 };
        super::cohort::update_episodes(plan, &mut self.episode, Some(from), to);
    }

    /// The duration state `s`'s rows are tabled by.
    pub(super) fn of(&self, plan: &Plan, s: usize) -> usize {
        match plan.row_clock[s] {
            None => 1,
            Some(Clock::TimeInState) => self.time,
            Some(Clock::Episode(e)) => self.episode[e] as usize,
        }
    }
}

/// log Σ exp(terms), stable; −∞ when every term is (or there is none).
pub fn log_sum_exp(terms: &[f64]) -> f64 {
    let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + terms.iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}

/// What a synthetic history is drawn for: how many people, how many years, and which
/// intervention they are offered (people take part with its uptake, the others receive
/// ordinary practice; `None`: everyone receives ordinary practice).
#[derive(Clone, Copy, Debug)]
pub struct SyntheticCohort {
    pub people: usize,
    pub years: usize,
    pub offered: Option<usize>,
}

/// Draws the histories of `spec.people` people over the first `spec.years` years at
/// `params`, from the same tables as the likelihood: subgroup and start state from their
/// shares, participation from the uptake, each move from its row. With intakes, the people are
/// each intake's count at `params` (`spec.people` is not read), each observed from their
/// intake's year. Reproducible by `seed`.
pub fn synthetic(
    scenario: &Scenario,
    params: &[f64],
    spec: SyntheticCohort,
    seed: u64,
) -> Result<ObservedCohort> {
    let plan = supported_plan(scenario, "a synthetic observed file")?;
    let mut tables = Tables::default();
    tables
        .fill(&plan, params)
        .map_err(|v: Violation| model_error(&plan, params, 0, seed, v))?;
    let mut rng: Stream = rng::stream(seed, 0, rng::Purpose::Cohort);
    let (s_n, g_n) = (plan.states, plan.groups);
    let years = spec.years.clamp(1, plan.years);
    // (the year of entry, how many people)
    let entries: Vec<(usize, usize)> = if scenario.intakes.is_empty() {
        vec![(0, spec.people)]
    } else {
        scenario
            .intakes
            .iter()
            .zip(&tables.intake_counts)
            .map(|(intake, &n)| (intake.year as usize, n as usize))
            .filter(|&(k, _)| k < years)
            .collect()
    };
    let mut people = Vec::new();
    for (entry, n) in entries {
        for _ in 0..n {
            let group = pick(&tables.group_cum, rng::unit(&mut rng));
            let start = pick(
                &tables.start_cum[group * s_n..(group + 1) * s_n],
                rng::unit(&mut rng),
            );
            let u_uptake = rng::unit(&mut rng);
            let variant = match spec.offered {
                Some(a) if u_uptake < tables.uptake[a * g_n + group] => a,
                _ => 0,
            };
            let mut person = ObservedPerson {
                id: (people.len() + 1).to_string(),
                group: Some(group),
                variant,
                entry,
                states: vec![start],
            };
            let mut clock = PathClock::new(&plan, start);
            for t in 0..years - entry - 1 {
                let s = person.states[t];
                let row = tables.row(&plan, plan.block(variant, group, t), s, clock.of(&plan, s));
                let next = pick(row, rng::unit(&mut rng));
                clock.step(&plan, s, next);
                person.states.push(next);
            }
            people.push(person);
        }
    }
    Ok(ObservedCohort { people })
}
