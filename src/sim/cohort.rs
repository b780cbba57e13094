//! The hot loop: every person of the cohort, year by year, under ordinary practice and, for those
//! who take part, under each intervention, with common random numbers. Only table look-ups and
//! counter increments happen here; costs are applied afterwards to the counts (occupancy and
//! entries per arm, class, year and state).
//!
//! **Coupling between arms.** A person's path under ordinary practice is drawn first, by inverse
//! transform of one uniform per year. Under an intervention the same person's yearly move is
//! drawn from a *maximal coupling* of the two rows (ordinary practice `p`, intervention `q`):
//! when ordinary practice moved the person to `j`, the intervention moves them to `j` too with
//! probability `min(p_j, q_j) / p_j`, and otherwise to a destination `k` drawn from the excess
//! `(q_k − p_k)⁺` of the intervention's row. Each arm's own law is exactly its row; the two arms
//! agree as often as the rows allow (`Σ_k min(p_k, q_k)`); and the joint law depends on the two
//! rows alone, not on the order in which the states are declared. A person the intervention
//! need not move keeps their path, and an intervention identical to ordinary practice gives the
//! identical path. People who do not take part follow their ordinary-practice path, so they are
//! not walked again: their counts are the baseline's minus those of the participants.

//!
//! **Values of the person.** Where a rule reads a value of the person (an attribute, an
//! episode's time, a start age drawn per person) or a cost or outcome reads a duration, the
//! walk follows those values too (`PERSON = true`; the plain walk is compiled without them).
//! Rows that read a value of the person are evaluated per person-year; costs and outcomes that
//! read one are evaluated per person-year into the person's own amounts, which are added to
//! each arm in person order: a non-participant adds the very amounts of their ordinary-practice
//! path, so an intervention identical to ordinary practice still gives a net of exactly 0.

use super::rng::{Stream, open01, unit};
use super::tables::{Clock, Plan, StopAtFirst, Tables, Violation, fill_row};
use crate::error::number;
use crate::expr::EvalContext;
use crate::scenario::{Accrual, Composition, StartAge};

/// Counts of one arm: `occupancy[(class * H + t) * S + s]`, where `class = group * 2 + treated`.
/// Whole numbers of people on the individual and count paths (exact in an `f64`), expected
/// numbers on the expected-value path.
#[derive(Default)]
pub struct ArmCounts {
    pub occupancy: Vec<f64>,
    pub entries: Vec<f64>,
    pub participants: f64,
    /// Amounts of the rules evaluated per person-year, undiscounted, summed over the people:
    /// `person_amounts[t * W + k]` with `W = Plan::amount_width()`: (actor, transfer) cost
    /// cells first, `actor * 2 + transfer`, then one per outcome.
    pub person_amounts: Vec<f64>,
    /// On the expected-value path only (empty otherwise): the participants' numbers under
    /// ordinary practice, in the untreated classes, while those classes hold the whole
    /// cohort's; the arm's ordinary-practice numbers are then `occupancy − displaced`.
    pub displaced_occupancy: Vec<f64>,
    pub displaced_entries: Vec<f64>,
}

impl ArmCounts {
    pub(super) fn reset(&mut self, cells: usize, amounts: usize) {
        self.occupancy.clear();
        self.occupancy.resize(cells, 0.0);
        self.entries.clear();
        self.entries.resize(cells, 0.0);
        self.participants = 0.0;
        self.person_amounts.clear();
        self.person_amounts.resize(amounts, 0.0);
        self.displaced_occupancy.clear();
        self.displaced_entries.clear();
    }
}

/// Per-thread buffers of the cohort loop, reused between iterations.
#[derive(Default)]
pub struct Buffers {
    /// This person's uniforms, one per year step: they draw the ordinary-practice path, and
    /// where it fell within its destination's share drives the coupling.
    path_draws: Vec<f64>,
    /// This person's ordinary-practice path: the state and the years in it, per year.
    path_state: Vec<usize>,
    path_time: Vec<usize>,
    /// With a known composition: each person's (subgroup, starting state), in person order.
    assigned: Vec<(usize, usize)>,
    /// Values of the person (only where `plan.person.any()`): their attributes, ...
    attributes: Vec<f64>,
    /// ... the episode times of the path being walked, ...
    episode: Vec<u32>,
    /// ... those of the ordinary-practice path, `path_episode[t * E + e]`, ...
    path_episode: Vec<u32>,
    /// ... the duration its state's rows read, per year (1 where none), ...
    path_clock: Vec<u32>,
    /// ... its rows evaluated per person, `path_rows[t * S ..][..S]`, ...
    path_rows: Vec<f64>,
    /// ... a participant's row evaluated per person, scratch for `fill_row`, ...
    row: Vec<f64>,
    probs: Vec<f64>,
    /// ... and the person's amounts on the ordinary-practice path and on a participant's.
    amounts_baseline: Vec<f64>,
    amounts_arm: Vec<f64>,
}

/// Who is walked: the person's subgroup, start age and attributes (in `Buffers::attributes`).
#[derive(Clone, Copy)]
struct Person {
    group: usize,
    start_age: f64,
}

/// Picks the index whose cumulative share first exceeds `u`.
#[inline(always)]
pub(super) fn pick(cumulative: &[f64], u: f64) -> usize {
    let last = cumulative.len() - 1;
    let mut j = 0;
    while j < last && u >= cumulative[j] {
        j += 1;
    }
    j
}

/// The probability of index `j` in a cumulative row.
#[inline(always)]
pub(super) fn share(cumulative: &[f64], j: usize) -> f64 {
    cumulative[j] - if j == 0 { 0.0 } else { cumulative[j - 1] }
}

/// The intervention's destination, maximally coupled with ordinary practice's move to `j`
/// (see the module docs), which the uniform `u_path` drew from `p` by inverse transform.
///
/// Where `u_path` fell within `j`'s share, `u = (u_path − P(< j)) / p_j`, is uniform in [0, 1)
/// and independent of `j`: it is the coupling's own uniform, so one draw per person-year
/// serves both.
#[inline(always)]
pub(super) fn coupled_move(p: &[f64], q: &[f64], j: usize, u_path: f64) -> usize {
    let (p_j, q_j) = (share(p, j), share(q, j));
    if q_j >= p_j {
        return j;
    }
    let below = if j == 0 { 0.0 } else { p[j - 1] };
    let u = ((u_path - below) / p_j).clamp(0.0, 1.0 - f64::EPSILON);
    if u * p_j < q_j {
        return j;
    }
    // Moved off ordinary practice's destination: draw from the excess (q − p)⁺, reusing the
    // part of `u` beyond min(p_j, q_j)/p_j, which is uniform in [0, 1) given that.
    let v = (u * p_j - q_j) / (p_j - q_j);
    draw_excess(q, p, v, j)
}

/// The state drawn by `v` (uniform in [0, 1)) from the excess `(to − from)⁺` of two cumulative
/// rows, in state order; `fallback` where the rows differ only by rounding.
#[inline(always)]
pub(super) fn draw_excess(to: &[f64], from: &[f64], v: f64, fallback: usize) -> usize {
    let excess = |k: usize| (share(to, k) - share(from, k)).max(0.0);
    let total: f64 = (0..to.len()).map(excess).sum();
    if total <= 0.0 {
        return fallback;
    }
    let target = v * total;
    let (mut acc, mut last) = (0.0, fallback);
    for k in 0..to.len() {
        let r = excess(k);
        if r > 0.0 {
            acc += r;
            last = k;
            if target < acc {
                return k;
            }
        }
    }
    last
}

/// Splits `n` people by `shares` (summing to 1): the floors of n × share, then one more each for
/// the largest remainders; equal remainders are ordered by the draws `ties` (one per share), so
/// no share is favoured by its position.
pub fn largest_remainder(n: u32, shares: &[f64], ties: &[f64]) -> Vec<u32> {
    let quotas: Vec<f64> = shares.iter().map(|s| f64::from(n) * s.max(0.0)).collect();
    let mut counts: Vec<u32> = quotas.iter().map(|q| q.floor() as u32).collect();
    let given: u32 = counts.iter().sum();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    // Remainders equal to 1e-9 count as equal: 7.5 may come out as 7.4999999999.
    let key = |i: usize| ((quotas[i] - quotas[i].floor()) * 1e9).round() as i64;
    order.sort_by(|&a, &b| key(b).cmp(&key(a)).then(ties[a].total_cmp(&ties[b])));
    for &i in order.iter().cycle().take(n.saturating_sub(given) as usize) {
        counts[i] += 1;
    }
    counts
}

/// With a known composition: each person's subgroup and starting state, in person order
/// ([`exact_counts`] of each, group by group).
pub(super) fn assign_exactly(
    plan: &Plan,
    tables: &Tables,
    people: u32,
    rng: &mut Stream,
    assigned: &mut Vec<(usize, usize)>,
) {
    let s_n = plan.states;
    assigned.clear();
    for (cell, &count) in exact_counts(plan, tables, people, rng).iter().enumerate() {
        assigned.extend(std::iter::repeat_n(
            (cell / s_n, cell % s_n),
            count as usize,
        ));
    }
    debug_assert_eq!(assigned.len(), people as usize);
}

/// With a known composition, the people not in a counted subgroup and how the other groups
/// share them: their shares, normalised; `None` when none of them has a share, so the rest
/// belongs to the remainder group (the last).
pub(super) fn uncounted(plan: &Plan, tables: &Tables, people: u32) -> (u32, Option<Vec<f64>>) {
    let groups = &plan.scenario.subgroups;
    let counted: u32 = groups.iter().filter_map(|g| g.count).sum();
    let shares: Vec<f64> = (0..plan.groups)
        .map(|g| match groups[g].count {
            Some(_) => 0.0,
            None => share(&tables.group_cum, g),
        })
        .collect();
    let total: f64 = shares.iter().sum();
    let normalised = (total > 0.0).then(|| shares.iter().map(|s| s / total).collect());
    (people - counted, normalised)
}

/// With a known composition: the people of each subgroup in each starting state,
/// `[group * S + state]`. Counted subgroups (and their counted starting states) are taken as
/// given; the rest of the cohort is split over the other groups, and each group over its
/// starting states, by largest remainder (ties broken by draws from `rng`).
pub(super) fn exact_counts(
    plan: &Plan,
    tables: &Tables,
    people: u32,
    rng: &mut Stream,
) -> Vec<u32> {
    let (g_n, s_n) = (plan.groups, plan.states);
    let groups = &plan.scenario.subgroups;
    let shares_of = |cum: &[f64]| -> Vec<f64> { (0..cum.len()).map(|i| share(cum, i)).collect() };
    let group_ties: Vec<f64> = (0..g_n).map(|_| unit(rng)).collect();
    let (rest, shares) = uncounted(plan, tables, people);
    let mut sizes = match shares {
        Some(shares) => largest_remainder(rest, &shares, &group_ties),
        None => {
            let mut sizes = vec![0; g_n];
            sizes[g_n - 1] = rest;
            sizes
        }
    };
    for (size, g) in sizes.iter_mut().zip(groups) {
        if let Some(c) = g.count {
            *size = c;
        }
    }
    let mut cells = Vec::with_capacity(g_n * s_n);
    for (g, &size) in sizes.iter().enumerate() {
        let ties: Vec<f64> = (0..s_n).map(|_| unit(rng)).collect();
        match &groups[g].start_counts {
            Some(counts) => cells.extend_from_slice(counts),
            None => cells.extend(largest_remainder(
                size,
                &shares_of(&tables.start_cum[g * s_n..(g + 1) * s_n]),
                &ties,
            )),
        }
    }
    cells
}

/// Simulates a closed cohort of `people` once over its first `years` years (at most the
/// horizon; the counts of later years stay 0) and fills `counts` (one per arm). A rule
/// evaluated per person that gives an invalid value stops the iteration.
///
/// Per person, the draws are: subgroup, uptake, starting state, then one per year, whatever the
/// arms and the composition, so that one person's draws never shift another's; then, only in a
/// scenario that declares them, one per attribute and one for a start age drawn per person.
pub fn simulate(
    plan: &Plan,
    tables: &Tables,
    params: &[f64],
    cohort: (u32, usize),
    rng: &mut Stream,
    buf: &mut Buffers,
    counts: &mut [ArmCounts],
) -> Result<(), Violation> {
    if plan.person.any() {
        simulate_people::<true>(plan, tables, params, cohort, rng, buf, counts)
    } else {
        simulate_people::<false>(plan, tables, params, cohort, rng, buf, counts)
    }
}

fn simulate_people<const PERSON: bool>(
    plan: &Plan,
    tables: &Tables,
    params: &[f64],
    (people, years): (u32, usize),
    rng: &mut Stream,
    buf: &mut Buffers,
    counts: &mut [ArmCounts],
) -> Result<(), Violation> {
    let (h, s_n, g_n) = (plan.years, plan.states, plan.groups);
    debug_assert!(years >= 1 && years <= h);
    let cells = g_n * 2 * h * s_n;
    let amounts = if plan.person.amounts {
        h * plan.amount_width()
    } else {
        0
    };
    for c in counts.iter_mut() {
        c.reset(cells, amounts);
    }
    let steps = years.saturating_sub(1);
    buf.path_draws.resize(steps, 0.0);
    buf.path_state.resize(years, 0);
    buf.path_time.resize(years, 0);
    if PERSON {
        let e_n = plan.scenario.episodes.len();
        buf.attributes.resize(plan.person.attributes, 0.0);
        buf.episode.resize(e_n, 0);
        buf.path_episode.resize(h * e_n, 0);
        buf.path_clock.resize(h, 1);
        buf.path_rows
            .resize(if plan.person.rows { h * s_n } else { 0 }, 0.0);
        buf.row.resize(s_n, 0.0);
        buf.probs.resize(s_n, 0.0);
        buf.amounts_baseline.resize(amounts, 0.0);
        buf.amounts_arm.resize(amounts, 0.0);
    }
    let exact = plan.scenario.composition == Composition::Exact;
    if exact {
        assign_exactly(plan, tables, people, rng, &mut buf.assigned);
    }
    let (baseline, interventions) = counts.split_first_mut().expect("the baseline arm exists");
    for person in 0..people as usize {
        let u_group = unit(rng);
        let u_uptake = unit(rng);
        let u_start = unit(rng);
        for u in buf.path_draws.iter_mut() {
            *u = unit(rng);
        }
        let (group, start) = if exact {
            buf.assigned[person]
        } else {
            let group = pick(&tables.group_cum, u_group);
            (
                group,
                pick(&tables.start_cum[group * s_n..(group + 1) * s_n], u_start),
            )
        };
        let mut who = Person {
            group,
            start_age: f64::NAN,
        };
        if PERSON {
            for (x, a) in buf.attributes.iter_mut().zip(&plan.scenario.attributes) {
                *x = a.distribution.dist.quantile(open01(rng));
            }
            let u_age = if plan.person.drawn_age {
                open01(rng)
            } else {
                0.5
            };
            who.start_age = match &plan.scenario.subgroups[group].start_age {
                Some(StartAge::Drawn(d)) => d.dist.quantile(u_age),
                _ => tables.start_age[group],
            };
        }
        walk_baseline::<PERSON>(plan, tables, params, who, start, buf, baseline)?;
        if PERSON && amounts > 0 {
            add_amounts(&mut baseline.person_amounts, &buf.amounts_baseline);
        }
        for (i, c) in interventions.iter_mut().enumerate() {
            let arm = i + 1;
            if u_uptake < tables.uptake[arm * g_n + group] {
                c.participants += 1.0;
                // The participants' baseline paths, subtracted from the baseline's counts below.
                add_path(plan, group * 2, buf, c);
                walk_coupled::<PERSON>(plan, tables, params, arm, who, buf, c)?;
                if PERSON && amounts > 0 {
                    add_amounts(&mut c.person_amounts, &buf.amounts_arm);
                }
            } else if PERSON && amounts > 0 {
                add_amounts(&mut c.person_amounts, &buf.amounts_baseline);
            }
        }
    }
    // Non-participants follow their ordinary-practice path.
    for c in interventions.iter_mut() {
        for g in 0..g_n {
            let at = g * 2 * h * s_n;
            for i in at..at + h * s_n {
                c.occupancy[i] = baseline.occupancy[i] - c.occupancy[i];
                c.entries[i] = baseline.entries[i] - c.entries[i];
            }
        }
    }
    Ok(())
}

fn add_amounts(total: &mut [f64], person: &[f64]) {
    for (t, p) in total.iter_mut().zip(person) {
        *t += p;
    }
}

/// The evaluation context of one person-year: `variant`'s practice, year `t`, the person's
/// values and the walked path's time in state and episode times.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn person_context<'a>(
    plan: &'a Plan,
    params: &'a [f64],
    variant: usize,
    who: Person,
    t: usize,
    time: usize,
    episode: &'a [u32],
    attributes: &'a [f64],
) -> EvalContext<'a> {
    EvalContext {
        time_in_state: time as u32,
        episode_time: episode,
        attributes,
        age: who.start_age + t as f64,
        ..plan.context(params, variant, who.group, t, 1)
    }
}

/// The duration state `s`'s rows are tabled by, for a person `time` years in it with these
/// episode times (1 where the rows read none).
#[inline(always)]
fn clock(plan: &Plan, s: usize, time: usize, episode: &[u32]) -> u32 {
    match plan.row_clock[s] {
        None => 1,
        Some(Clock::TimeInState) => time as u32,
        Some(Clock::Episode(e)) => episode[e],
    }
}

/// The episode times after a move from `from` to `to` (the first year: `from == None`).
#[inline(always)]
pub(super) fn update_episodes(plan: &Plan, episode: &mut [u32], from: Option<usize>, to: usize) {
    for (time, e) in episode.iter_mut().zip(&plan.scenario.episodes) {
        *time = match (e.states[to], from) {
            (false, _) => 0,
            (true, Some(f)) if e.states[f] => *time + 1,
            (true, _) => 1,
        };
    }
}

/// Adds the amounts of the rules evaluated per person-year in state `s` (the one-off ones when
/// `entered`) to `out`, this year's cells.
fn person_amounts(
    plan: &Plan,
    cx: &EvalContext,
    s: usize,
    entered: bool,
    out: &mut [f64],
) -> Result<(), Violation> {
    let sc = plan.scenario;
    let violation = |message: String, reads: Vec<usize>, origin| Violation {
        message,
        params: reads,
        variant: cx.arm,
        group: cx.subgroup,
        year: cx.year as usize,
        time_in_state: Some(cx.time_in_state),
        origin: Some(origin),
    };
    for &index in &plan.person_costs_in[s] {
        let rule = &sc.costs[index];
        if rule.accrual == Accrual::OnEntry && !entered {
            continue;
        }
        let x = rule.amount.eval(cx);
        if !x.is_finite() {
            return Err(violation(
                format!(
                    "the cost of \"{}\" for \"{}\" is {x} for a person, not a finite number",
                    sc.states[rule.state], sc.actors[rule.actor]
                ),
                rule.amount.dependencies().params,
                rule.origin.clone(),
            ));
        }
        out[rule.actor * 2 + usize::from(rule.transfer)] += x;
    }
    let first_outcome = plan.actors * 2;
    for &index in &plan.person_outcomes_in[s] {
        let rule = &sc.outcome_rules[index];
        if rule.accrual == Accrual::OnEntry && !entered {
            continue;
        }
        let x = rule.value.eval(cx);
        if !x.is_finite() {
            return Err(violation(
                format!(
                    "outcome \"{}\" in \"{}\" is {} for a person, not a finite number",
                    sc.outcomes[rule.outcome],
                    sc.states[rule.state],
                    number(x)
                ),
                rule.value.dependencies().params,
                rule.origin.clone(),
            ));
        }
        out[first_outcome + rule.outcome] += x;
    }
    Ok(())
}

/// The ordinary-practice path of one person, counted in the baseline's class of its subgroup
/// and recorded in `buf` (with the person's amounts, where `PERSON`).
#[inline(always)]
fn walk_baseline<const PERSON: bool>(
    plan: &Plan,
    tables: &Tables,
    params: &[f64],
    who: Person,
    start: usize,
    buf: &mut Buffers,
    counts: &mut ArmCounts,
) -> Result<(), Violation> {
    let (h, s_n) = (plan.years, plan.states);
    let group = who.group;
    let base = group * 2 * h * s_n;
    let occupancy = &mut counts.occupancy[base..base + h * s_n];
    let entries = &mut counts.entries[base..base + h * s_n];
    let first_block = plan.block(0, group, 0);
    let (mut s, mut time) = (start, 1usize);
    occupancy[s] += 1.0;
    buf.path_state[0] = s;
    buf.path_time[0] = 1;
    let e_n = plan.scenario.episodes.len();
    let width = plan.amount_width();
    if PERSON {
        update_episodes(plan, &mut buf.episode, None, s);
        buf.path_episode[..e_n].copy_from_slice(&buf.episode);
        buf.path_clock[0] = clock(plan, s, 1, &buf.episode);
        if plan.person.amounts {
            buf.amounts_baseline.fill(0.0);
            let cx = person_context(plan, params, 0, who, 0, 1, &buf.episode, &buf.attributes);
            person_amounts(plan, &cx, s, false, &mut buf.amounts_baseline[..width])?;
        }
    }
    for t in 0..buf.path_draws.len() {
        let u = buf.path_draws[t];
        let next = if PERSON && plan.person_rows[s] {
            let cx = person_context(plan, params, 0, who, t, time, &buf.episode, &buf.attributes);
            let row = &mut buf.path_rows[t * s_n..(t + 1) * s_n];
            fill_row(plan, &cx, s, None, &mut buf.probs, row, &mut StopAtFirst)?;
            pick(row, u)
        } else if PERSON {
            let c = buf.path_clock[t] as usize;
            pick(tables.row(plan, first_block + t, s, c), u)
        } else {
            pick(tables.row(plan, first_block + t, s, time), u)
        };
        let from = s;
        count_move(occupancy, entries, (t + 1) * s_n, next, &mut s, &mut time);
        buf.path_state[t + 1] = s;
        buf.path_time[t + 1] = time;
        if PERSON {
            update_episodes(plan, &mut buf.episode, Some(from), s);
            buf.path_episode[(t + 1) * e_n..(t + 2) * e_n].copy_from_slice(&buf.episode);
            buf.path_clock[t + 1] = clock(plan, s, time, &buf.episode);
            if plan.person.amounts {
                let cx = person_context(
                    plan,
                    params,
                    0,
                    who,
                    t + 1,
                    time,
                    &buf.episode,
                    &buf.attributes,
                );
                let out = &mut buf.amounts_baseline[(t + 1) * width..(t + 2) * width];
                person_amounts(plan, &cx, s, from != s, out)?;
            }
        }
    }
    Ok(())
}

/// Counts a person's move to `next` in the year whose cells start at `year_cell` (an entry when
/// the state changes) and updates their state and years in it.
#[inline(always)]
pub(super) fn count_move(
    occupancy: &mut [f64],
    entries: &mut [f64],
    year_cell: usize,
    next: usize,
    state: &mut usize,
    time: &mut usize,
) {
    let cell = year_cell + next;
    if next != *state {
        entries[cell] += 1.0;
        *state = next;
        *time = 1;
    } else {
        *time += 1;
    }
    occupancy[cell] += 1.0;
}

/// Adds the recorded ordinary-practice path to `class` of `counts`.
#[inline(always)]
fn add_path(plan: &Plan, class: usize, buf: &Buffers, counts: &mut ArmCounts) {
    let (h, s_n) = (plan.years, plan.states);
    let base = class * h * s_n;
    for (t, &s) in buf.path_state.iter().enumerate() {
        counts.occupancy[base + t * s_n + s] += 1.0;
        if t > 0 && buf.path_time[t] == 1 {
            counts.entries[base + t * s_n + s] += 1.0;
        }
    }
}

/// One participant's path under intervention `arm`, coupled with the recorded ordinary-practice
/// path, counted in the participants' class of its subgroup (with the person's amounts under
/// the intervention, where `PERSON`).
#[inline(always)]
fn walk_coupled<const PERSON: bool>(
    plan: &Plan,
    tables: &Tables,
    params: &[f64],
    arm: usize,
    who: Person,
    buf: &mut Buffers,
    counts: &mut ArmCounts,
) -> Result<(), Violation> {
    let (h, s_n) = (plan.years, plan.states);
    let group = who.group;
    let base = (group * 2 + 1) * h * s_n;
    let occupancy = &mut counts.occupancy[base..base + h * s_n];
    let entries = &mut counts.entries[base..base + h * s_n];
    let (first_p, first_q) = (plan.block(0, group, 0), plan.block(arm, group, 0));
    let Buffers {
        path_draws,
        path_state,
        path_time,
        path_clock,
        path_rows,
        episode,
        attributes,
        row,
        probs,
        amounts_arm,
        ..
    } = buf;
    let (mut s, mut time) = (path_state[0], 1usize);
    occupancy[s] += 1.0;
    let width = plan.amount_width();
    if PERSON {
        update_episodes(plan, episode, None, s);
        if plan.person.amounts {
            amounts_arm.fill(0.0);
            let cx = person_context(plan, params, arm, who, 0, 1, episode, attributes);
            person_amounts(plan, &cx, s, false, &mut amounts_arm[..width])?;
        }
    }
    for (t, &u) in path_draws.iter().enumerate() {
        let (s_b, j) = (path_state[t], path_state[t + 1]);
        let c = if PERSON {
            clock(plan, s, time, episode)
        } else {
            time as u32
        };
        let c_b = if PERSON {
            path_clock[t]
        } else {
            path_time[t] as u32
        };
        // Where both paths are in the same state, time and duration, and its exits do not read
        // the arm, the two rows are the same row: the coupling keeps the path without looking.
        let next = if s == s_b && time == path_time[t] && c == c_b && !plan.row_reads[s].arm {
            j
        } else {
            let p = if PERSON && plan.person_rows[s_b] {
                &path_rows[t * s_n..(t + 1) * s_n]
            } else {
                tables.row(plan, first_p + t, s_b, c_b as usize)
            };
            let q = if PERSON && plan.person_rows[s] {
                let cx = person_context(plan, params, arm, who, t, time, episode, attributes);
                fill_row(plan, &cx, s, None, probs, row, &mut StopAtFirst)?;
                &row[..]
            } else {
                tables.row(plan, first_q + t, s, c as usize)
            };
            coupled_move(p, q, j, u)
        };
        let from = s;
        count_move(occupancy, entries, (t + 1) * s_n, next, &mut s, &mut time);
        if PERSON {
            update_episodes(plan, episode, Some(from), s);
            if plan.person.amounts {
                let cx = person_context(plan, params, arm, who, t + 1, time, episode, attributes);
                let out = &mut amounts_arm[(t + 1) * width..(t + 2) * width];
                person_amounts(plan, &cx, s, from != s, out)?;
            }
        }
    }
    Ok(())
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

    /// The joint law of (ordinary practice, intervention) destinations, by integrating over the
    /// one uniform on a fine grid.
    fn joint(p: &[f64], q: &[f64]) -> Vec<Vec<f64>> {
        let (cp, cq) = (cumulative(p), cumulative(q));
        let n = 1_000_000;
        let mut law = vec![vec![0.0; p.len()]; p.len()];
        for a in 0..n {
            let u = (a as f64 + 0.5) / n as f64;
            let j = pick(&cp, u);
            law[j][coupled_move(&cp, &cq, j, u)] += 1.0 / n as f64;
        }
        law
    }

    #[test]
    fn the_coupling_keeps_both_marginals_and_is_maximal() {
        let (p, q) = ([0.4, 0.3, 0.3], [0.4, 0.2, 0.4]);
        let law = joint(&p, &q);
        for i in 0..3 {
            let row: f64 = law[i].iter().sum();
            let col: f64 = law.iter().map(|r| r[i]).sum();
            assert!((row - p[i]).abs() < 1e-3, "baseline marginal {i}: {row}");
            assert!(
                (col - q[i]).abs() < 1e-3,
                "intervention marginal {i}: {col}"
            );
            // agreement as often as possible: min(p, q) on the diagonal
            assert!((law[i][i] - p[i].min(q[i])).abs() < 1e-3, "diagonal {i}");
        }
        // whoever moves, moves from B (where p > q) to C (where q > p)
        assert!((law[1][2] - 0.1).abs() < 1e-3);
    }

    #[test]
    fn the_coupling_does_not_depend_on_the_order_of_the_states() {
        let (p, q) = ([0.4, 0.3, 0.3], [0.4, 0.2, 0.4]);
        let law = joint(&p, &q);
        // the same rows with the states in the order B, A, C
        let perm = [1, 0, 2];
        let (pp, qp): (Vec<f64>, Vec<f64>) = perm.iter().map(|&i| (p[i], q[i])).unzip();
        let permuted = joint(&pp, &qp);
        for (a, &i) in perm.iter().enumerate() {
            for (b, &k) in perm.iter().enumerate() {
                assert!(
                    (permuted[a][b] - law[i][k]).abs() < 1e-3,
                    "{i}→{k}: {} vs {}",
                    permuted[a][b],
                    law[i][k]
                );
            }
        }
    }

    #[test]
    fn equal_rows_keep_the_path() {
        let c = cumulative(&[0.2, 0.5, 0.3]);
        for u in [0.0, 0.1, 0.3, 0.69, 0.7, 0.999_999] {
            let j = pick(&c, u);
            assert_eq!(coupled_move(&c, &c, j, u), j);
        }
    }

    #[test]
    fn largest_remainder_allocates_exactly_and_breaks_ties_by_the_draws() {
        assert_eq!(
            largest_remainder(25, &[0.3, 0.7], &[0.5, 0.5])
                .iter()
                .sum::<u32>(),
            25
        );
        // 7.5 and 17.5: the tie goes to the smaller draw
        assert_eq!(largest_remainder(25, &[0.3, 0.7], &[0.1, 0.9]), vec![8, 17]);
        assert_eq!(largest_remainder(25, &[0.3, 0.7], &[0.9, 0.1]), vec![7, 18]);
        assert_eq!(
            largest_remainder(10, &[0.25, 0.25, 0.5], &[0.0; 3])
                .iter()
                .sum::<u32>(),
            10
        );
        assert_eq!(
            largest_remainder(8, &[8.0 / 25.0 * 25.0 / 8.0], &[0.0]),
            vec![8]
        );
        assert_eq!(largest_remainder(0, &[0.5, 0.5], &[0.0; 2]), vec![0, 0]);
    }
}
