//! The hot loop: every person of the cohort, in every arm, year by year, with common random
//! numbers. Only table look-ups and counter increments happen here; costs are applied afterwards
//! to the counts (occupancy and entries per arm, class, year and state).

use super::rng::{Stream, unit};
use super::tables::{Plan, Tables};

/// Counts of one arm: `occupancy[(class * H + t) * S + s]`, where `class = group * 2 + treated`.
#[derive(Default)]
pub struct ArmCounts {
    pub occupancy: Vec<u32>,
    pub entries: Vec<u32>,
    pub participants: u32,
}

impl ArmCounts {
    fn reset(&mut self, cells: usize) {
        self.occupancy.clear();
        self.occupancy.resize(cells, 0);
        self.entries.clear();
        self.entries.resize(cells, 0);
        self.participants = 0;
    }
}

/// Picks the index whose cumulative share first exceeds `u`.
#[inline(always)]
fn pick(cumulative: &[f64], u: f64) -> usize {
    let last = cumulative.len() - 1;
    let mut j = 0;
    while j < last && u >= cumulative[j] {
        j += 1;
    }
    j
}

/// Simulates the cohort once and fills `counts` (one per arm).
///
/// Per person, the draws are: subgroup, uptake, starting state, then one per year. The same draws
/// drive the person in every arm (common random numbers), so a person who does not take part in
/// an intervention follows exactly their baseline path there.
pub fn simulate(
    plan: &Plan,
    tables: &Tables,
    rng: &mut Stream,
    yearly_draws: &mut Vec<f64>,
    counts: &mut [ArmCounts],
) {
    let (h, s_n) = (plan.years, plan.states);
    let cells = plan.groups * 2 * h * s_n;
    for c in counts.iter_mut() {
        c.reset(cells);
    }
    yearly_draws.resize(h.saturating_sub(1), 0.0);
    for _ in 0..plan.scenario.cohort {
        let group = pick(&tables.group_cum, unit(rng));
        let u_uptake = unit(rng);
        let start = pick(&tables.start_cum[group * s_n..(group + 1) * s_n], unit(rng));
        for u in yearly_draws.iter_mut() {
            *u = unit(rng);
        }
        for (arm, c) in counts.iter_mut().enumerate() {
            let treated = arm > 0 && u_uptake < tables.uptake[arm];
            c.participants += u32::from(treated);
            let variant = if treated { arm } else { 0 };
            let class = group * 2 + usize::from(treated);
            walk(plan, tables, variant, group, start, yearly_draws, class, c);
        }
    }
}

/// One person's path through the years in one practice variant.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn walk(
    plan: &Plan,
    tables: &Tables,
    variant: usize,
    group: usize,
    start: usize,
    draws: &[f64],
    class: usize,
    counts: &mut ArmCounts,
) {
    let (h, s_n) = (plan.years, plan.states);
    let base = class * h * s_n;
    let occupancy = &mut counts.occupancy[base..base + h * s_n];
    let entries = &mut counts.entries[base..base + h * s_n];
    let first_block = plan.block(variant, group, 0);
    let mut s = start;
    let mut time_in_state = 1usize;
    occupancy[s] += 1;
    for (t, &u) in draws.iter().enumerate() {
        let block = first_block + t;
        let row = match plan.tis_slot[s] {
            None => {
                let at = (block * s_n + s) * s_n;
                &tables.rows[at..at + s_n]
            }
            Some(slot) => {
                let at = ((block * plan.tis_states + slot) * h + time_in_state - 1) * s_n;
                &tables.tis_rows[at..at + s_n]
            }
        };
        let next = pick(row, u);
        let cell = (t + 1) * s_n + next;
        if next != s {
            entries[cell] += 1;
            s = next;
            time_in_state = 1;
        } else {
            time_in_state += 1;
        }
        occupancy[cell] += 1;
    }
}
