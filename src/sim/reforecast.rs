//! The re-forecast: the real cohort's years simulated under given parameter draws, the
//! observed years kept as they happened. For the follow-up's updated forecast.
//!
//! Each person is walked under ordinary practice and, where they take part, under the
//! intervention as it is run, with the walk's maximal coupling between the two (see
//! the `cohort` module). In the observed years the path of the practice the person actually
//! received is the observed one; the other, the counterfactual, is drawn from the coupling's
//! law *given* the observed path:
//! - a participant's ordinary-practice move `j` given their observed move `k` under the
//!   intervention (rows `p` and `q`): `P(j = k | k) = min(p_k, q_k) / q_k`, and otherwise `j`
//!   from `(p − q)⁺`, so that `P(j | k) = joint(j, k) / q_k` exactly;
//! - a non-participant follows their observed path in both arms.
//!
//! After the last observed year both paths go on as in a run: ordinary practice by inverse
//! transform, the intervention coupled with it. A person's subgroup, where the file does not
//! give it, is drawn from its probability given their history.
//!
//! People may also be drawn as a run draws them ([`Followed::Unobserved`]): with the same
//! stream keys a run uses, this gives the run's very counts, the forecast before anything was
//! observed (a test holds it to the run byte for byte).

use super::cohort::{
    ArmCounts, assign_exactly, count_move, coupled_move, draw_excess, pick, share,
};
use super::likelihood::{Likelihood, PathClock};
use super::rng::{self, open01, unit};
use super::tables::{Plan, Tables};
use super::{
    ArmResult, IterationResult, add_intake, apply_costs, check_totals, model_error,
    programme_totals, startup_of_intake,
};
use crate::error::{Error, Result};
use crate::scenario::{Composition, Scenario};
use rayon::prelude::*;

/// Who a re-forecast follows.
pub enum Followed<'a, 's> {
    /// The observed people: their histories as observed, then the model.
    Observed(&'a Likelihood<'s>),
    /// People drawn as a run draws them, nothing observed: the forecast before. `people` in a
    /// single cohort; with intakes, each intake's count (`people` is not read).
    Unobserved { people: u32 },
}

/// One iteration of a re-forecast.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastIteration {
    /// One per arm of the scenario: ordinary practice, and the intervention as run; an arm
    /// not run is ordinary practice's (nobody takes part in it).
    pub result: IterationResult,
    /// How many people are in each state each year in the intervention as run (participants
    /// under it, the others under ordinary practice): `occupancy[t * S + s]`.
    pub occupancy: Vec<u32>,
}

/// The re-forecast of `followed` under `arm` (an intervention), one iteration per parameter
/// set of `draws`, in parallel; iteration `i`'s people come from the cohort stream keyed by
/// `(seed, i)`, as in a run.
pub fn reforecast(
    scenario: &Scenario,
    followed: &Followed,
    arm: usize,
    seed: u64,
    draws: &[Vec<f64>],
    on_iteration: &(dyn Fn() + Sync),
) -> Result<Vec<ForecastIteration>> {
    refuse_unsupported(scenario)?;
    let plan = Plan::new(scenario);
    assert!(arm > 0 && arm < plan.arms, "the arm run is an intervention");
    // The observed people by the year they entered.
    let mut entering: Vec<Vec<usize>> = vec![Vec::new(); plan.years];
    if let Followed::Observed(l) = followed {
        for (i, p) in l.people().iter().enumerate() {
            entering[p.entry].push(i);
        }
    }
    draws
        .par_iter()
        .enumerate()
        .map_init(
            || (Tables::default(), Walker::default()),
            |(tables, walker), (it, params)| {
                tables
                    .fill(&plan, params)
                    .map_err(|v| model_error(&plan, params, it, seed, v))?;
                let mut rng = rng::stream(seed, it as u64, rng::Purpose::Cohort);
                let [baseline, treated] =
                    walker.iteration(&plan, tables, followed, &entering, arm, &mut rng);
                check_totals(&plan, [(0, &baseline), (arm, &treated)], params, it, seed)?;
                let arms = (0..plan.arms)
                    .map(|a| {
                        if a == arm {
                            treated.clone()
                        } else {
                            baseline.clone()
                        }
                    })
                    .collect::<Vec<ArmResult>>();
                on_iteration();
                Ok(ForecastIteration {
                    result: IterationResult {
                        params: params.clone(),
                        arms,
                    },
                    occupancy: walker.occupancy.clone(),
                })
            },
        )
        .collect()
}

/// What in `scenario` the re-forecast cannot yet follow, if anything.
pub fn unsupported(scenario: &Scenario) -> Option<&'static str> {
    let plan = Plan::new(scenario);
    if plan.person.rows {
        Some("transitions that read a value drawn per person")
    } else if plan.person.amounts {
        Some(
            "costs or outcomes evaluated per person (they read a duration or a value of the person)",
        )
    } else {
        None
    }
}

/// [`unsupported`], refused in plain words.
fn refuse_unsupported(scenario: &Scenario) -> Result<()> {
    match unsupported(scenario) {
        Some(what) => Err(Error::Usage(format!(
            "the follow-up's forecast does not yet follow a scenario with {what}: {} has them",
            scenario.file
        ))),
        None => Ok(()),
    }
}

/// Per-thread buffers of the re-forecast walk.
#[derive(Default)]
struct Walker {
    /// One cohort's counts, of ordinary practice (`[0]`) and of the intervention as run (`[1]`).
    counts: [ArmCounts; 2],
    /// One cohort's people per year and state in the intervention as run, ...
    cohort_occupancy: Vec<u32>,
    /// ... and the iteration's, by year of the horizon.
    occupancy: Vec<u32>,
    draws: Vec<f64>,
    groups: Vec<f64>,
    group_scratch: (Vec<f64>, Vec<f64>),
    assigned: Vec<(usize, usize)>,
}

/// One person as the walk takes them: subgroup, start, whether they take part, and the
/// states observed so far (empty: none).
struct Walked<'o> {
    group: usize,
    start: usize,
    takes_part: bool,
    observed: &'o [usize],
}

/// The people of one cohort (a single cohort, or one intake): the observed ones (indices into
/// the likelihood's people), or a number drawn as a run draws them.
enum People<'a> {
    Observed(&'a Likelihood<'a>, &'a [usize]),
    Drawn(u32),
}

impl Walker {
    /// One iteration: every cohort walked, priced and (with intakes) added up by calendar
    /// year, as a run does; the results of ordinary practice and of the intervention as run.
    fn iteration(
        &mut self,
        plan: &Plan,
        tables: &mut Tables,
        followed: &Followed,
        entering: &[Vec<usize>],
        arm: usize,
        rng: &mut rng::Stream,
    ) -> [ArmResult; 2] {
        let h = plan.years;
        self.occupancy.clear();
        self.occupancy.resize(h * plan.states, 0);
        // The observed people of a year of entry; an intake nobody in the file entered with
        // (arrived after the observed years, or not in the file) is drawn as in a run.
        let people_of = |entry: usize, drawn: u32| -> People {
            match followed {
                Followed::Observed(l)
                    if !entering[entry].is_empty() || plan.scenario.intakes.is_empty() =>
                {
                    People::Observed(l, &entering[entry])
                }
                _ => People::Drawn(drawn),
            }
        };
        if plan.scenario.intakes.is_empty() {
            let drawn = match followed {
                Followed::Unobserved { people } => *people,
                Followed::Observed(_) => 0,
            };
            self.cohort(plan, tables, people_of(0, drawn), arm, h, rng);
            self.add_occupancy(plan, 0);
            return [
                apply_costs(plan, tables, 0, &self.counts[0]),
                apply_costs(plan, tables, arm, &self.counts[1]),
            ];
        }
        let mut totals = programme_totals(plan, 2);
        let mut first_of_year = vec![true; h];
        for (i, intake) in plan.scenario.intakes.iter().enumerate() {
            let k = intake.year as usize;
            if k >= h {
                continue;
            }
            startup_of_intake(plan, tables, i, k);
            // the observed people of a year belong to its first intake
            let people = match people_of(k, tables.intake_counts[i]) {
                People::Observed(l, who) if first_of_year[k] => People::Observed(l, who),
                People::Observed(l, _) => People::Observed(l, &[]),
                drawn => drawn,
            };
            first_of_year[k] = false;
            self.cohort(plan, tables, people, arm, h - k, rng);
            self.add_occupancy(plan, k);
            for (total, a) in totals.iter_mut().zip([0, arm]) {
                let r = apply_costs(plan, tables, a, &self.counts[usize::from(a != 0)]);
                add_intake(plan, total, &r, k);
            }
        }
        let [baseline, treated]: [ArmResult; 2] = totals.try_into().expect("two arms' totals");
        [baseline, treated]
    }

    /// Adds the cohort's occupancy, its year 0 being year `k` of the horizon.
    fn add_occupancy(&mut self, plan: &Plan, k: usize) {
        let s_n = plan.states;
        let h = plan.years;
        for (into, from) in self.occupancy[k * s_n..]
            .iter_mut()
            .zip(&self.cohort_occupancy[..(h - k) * s_n])
        {
            *into += from;
        }
    }

    /// Walks one cohort of `people` over its first `years` years and counts them.
    fn cohort(
        &mut self,
        plan: &Plan,
        tables: &Tables,
        people: People,
        arm: usize,
        years: usize,
        rng: &mut rng::Stream,
    ) {
        let (h, s_n, g_n) = (plan.years, plan.states, plan.groups);
        for c in self.counts.iter_mut() {
            c.reset(g_n * 2 * h * s_n, 0);
        }
        self.cohort_occupancy.clear();
        self.cohort_occupancy.resize(h * s_n, 0);
        self.draws.resize(years.saturating_sub(1), 0.0);
        let n = match people {
            People::Observed(_, who) => who.len(),
            People::Drawn(n) => n as usize,
        };
        let exact = plan.scenario.composition == Composition::Exact;
        if exact && matches!(people, People::Drawn(_)) {
            assign_exactly(plan, tables, n as u32, rng, &mut self.assigned);
        }
        for i in 0..n {
            // The draws of a run's person, in a run's order, whatever is observed.
            let (u_group, u_uptake, u_start) = (unit(rng), unit(rng), unit(rng));
            for u in self.draws.iter_mut() {
                *u = unit(rng);
            }
            for _ in 0..plan.person.attributes {
                open01(rng);
            }
            if plan.person.drawn_age {
                open01(rng);
            }
            let who = match people {
                People::Observed(l, who) => {
                    let index = who[i];
                    let person = &l.people()[index];
                    let group = match person.group {
                        Some(g) => g,
                        None => {
                            l.group_probabilities(
                                tables,
                                index,
                                &mut self.group_scratch,
                                &mut self.groups,
                            );
                            pick_share(&self.groups, u_group)
                        }
                    };
                    Walked {
                        group,
                        start: person.states[0],
                        takes_part: person.variant == arm,
                        observed: &person.states,
                    }
                }
                People::Drawn(_) => {
                    let (group, start) = if exact {
                        self.assigned[i]
                    } else {
                        let g = pick(&tables.group_cum, u_group);
                        (g, pick(&tables.start_cum[g * s_n..(g + 1) * s_n], u_start))
                    };
                    Walked {
                        group,
                        start,
                        takes_part: u_uptake < tables.uptake[arm * g_n + group],
                        observed: &[],
                    }
                }
            };
            self.walk(plan, tables, arm, &who);
        }
    }

    /// Walks one person over the horizon in both arms and counts them.
    fn walk(&mut self, plan: &Plan, tables: &Tables, arm: usize, who: &Walked) {
        let (h, s_n) = (plan.years, plan.states);
        let g = who.group;
        let [baseline, treated] = &mut self.counts;
        let class_b = g * 2 * h * s_n;
        let class_t = (g * 2 + usize::from(who.takes_part)) * h * s_n;
        let (first_p, first_q) = (plan.block(0, g, 0), plan.block(arm, g, 0));
        let mut b = Path::new(plan, who.start);
        let mut i = b.clone();
        if who.takes_part {
            treated.participants += 1.0;
        }
        baseline.occupancy[class_b + b.state] += 1.0;
        treated.occupancy[class_t + i.state] += 1.0;
        self.cohort_occupancy[i.state] += 1;
        for (t, &u) in self.draws.iter().enumerate() {
            let seen = who.observed.get(t + 1).copied();
            let clock_b = b.clock.of(plan, b.state);
            let p = tables.row(plan, first_p + t, b.state, clock_b);
            let (next_b, next_i) = if !who.takes_part {
                let j = seen.unwrap_or_else(|| pick(p, u));
                (j, j)
            } else {
                let clock_i = i.clock.of(plan, i.state);
                let q = tables.row(plan, first_q + t, i.state, clock_i);
                // Where both paths are in the same state and duration and its exits do not
                // read the arm, the rows are one row: the paths stay together.
                let same = b.state == i.state
                    && clock_b == clock_i
                    && b.clock.time == i.clock.time
                    && !plan.row_reads[b.state].arm;
                match (seen, same) {
                    (Some(k), true) => (k, k),
                    (Some(k), false) => (coupled_origin(p, q, k, u), k),
                    (None, true) => {
                        let j = pick(p, u);
                        (j, j)
                    }
                    (None, false) => {
                        let j = pick(p, u);
                        (j, coupled_move(p, q, j, u))
                    }
                }
            };
            let cell = (t + 1) * s_n;
            b.step(
                plan,
                next_b,
                &mut baseline.occupancy[class_b..],
                &mut baseline.entries[class_b..],
                cell,
            );
            i.step(
                plan,
                next_i,
                &mut treated.occupancy[class_t..],
                &mut treated.entries[class_t..],
                cell,
            );
            self.cohort_occupancy[cell + next_i] += 1;
        }
    }
}

/// One path of a person: their state and durations.
#[derive(Clone)]
struct Path {
    state: usize,
    clock: PathClock,
}

impl Path {
    fn new(plan: &Plan, start: usize) -> Self {
        Path {
            state: start,
            clock: PathClock::new(plan, start),
        }
    }

    /// Moves to `next` and counts it in the year whose cells start at `cell`.
    fn step(
        &mut self,
        plan: &Plan,
        next: usize,
        occupancy: &mut [f64],
        entries: &mut [f64],
        cell: usize,
    ) {
        let (from, mut time) = (self.state, self.clock.time);
        count_move(occupancy, entries, cell, next, &mut self.state, &mut time);
        self.clock.step(plan, from, next);
        debug_assert_eq!(time, self.clock.time);
    }
}

/// The index whose share (of shares summing to 1) holds `u`.
fn pick_share(shares: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    let mut last = 0;
    for (g, &s) in shares.iter().enumerate() {
        if s > 0.0 {
            acc += s;
            last = g;
            if u < acc {
                return g;
            }
        }
    }
    last
}

/// Ordinary practice's move, drawn from the maximal coupling given the intervention's move to
/// `k` (rows `p` and `q`, cumulative): `k` itself with probability `min(p_k, q_k) / q_k`,
/// otherwise a state `j` drawn from `(p − q)⁺`, the states the intervention moved people off.
fn coupled_origin(p: &[f64], q: &[f64], k: usize, u: f64) -> usize {
    let (p_k, q_k) = (share(p, k), share(q, k));
    if p_k >= q_k || u * q_k < p_k {
        return k;
    }
    let v = (u * q_k - p_k) / (q_k - p_k);
    draw_excess(p, q, v, k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cumulative(p: &[f64]) -> Vec<f64> {
        p.iter()
            .scan(0.0, |acc, x| {
                *acc += x;
                Some(*acc)
            })
            .collect()
    }

    #[test]
    fn the_origin_given_the_intervention_s_move_is_the_coupling_s_conditional() {
        // the joint law of the coupling: diagonal min(p, q); off it, from where p > q to
        // where q > p in proportion to the excesses
        let (p, q) = ([0.5, 0.2, 0.3], [0.3, 0.25, 0.45]);
        let (cp, cq) = (cumulative(&p), cumulative(&q));
        let n = 200_000;
        for k in 0..3 {
            let mut law = [0.0; 3];
            for a in 0..n {
                let u = (a as f64 + 0.5) / n as f64;
                law[coupled_origin(&cp, &cq, k, u)] += 1.0 / n as f64;
            }
            let excess_q: f64 = (0..3).map(|j| (q[j] - p[j]).max(0.0)).sum();
            for j in 0..3 {
                let joint = if j == k {
                    p[j].min(q[j])
                } else {
                    (p[j] - p[j].min(q[j])) * (q[k] - p[k]).max(0.0) / excess_q
                };
                assert!(
                    (law[j] - joint / q[k]).abs() < 1e-4,
                    "P({j} | {k}) = {} vs {}",
                    law[j],
                    joint / q[k]
                );
            }
        }
    }
}
