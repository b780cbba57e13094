//! The expected-value path: instead of walking people, the cohort's expected numbers in every
//! (state, time in state) are carried year by year through the iteration's tables (the exact
//! Markov trace), so an iteration gives E[result | parameters], with no cohort chance. Its cost
//! does not depend on the cohort's size.
//!
//! The expectation is over everything the individual path draws per person: the subgroup and
//! starting state (or, with a known composition, the tie-breaks of the largest remainders),
//! whether they take part, and their moves. Time in state is followed only where a state's exits
//! read it. Values of the person (attributes, episodes, drawn ages) are not followed: such a
//! scenario runs on the individual path ([`supports`]).
//!
//! The counts of an intervention's arm hold the whole cohort's ordinary-practice numbers in the
//! untreated class and the participants' own and ordinary-practice numbers apart
//! ([`ArmCounts::displaced_occupancy`]), so that pricing an intervention identical to ordinary
//! practice repeats the baseline's arithmetic and its net is exactly 0.

use super::cohort::{ArmCounts, share, uncounted};
use super::tables::{Plan, Tables};
use crate::scenario::Composition;

/// Whether the expected-value (and count) path can evaluate this plan: it follows no value of
/// the person.
pub fn supports(plan: &Plan) -> bool {
    !plan.person.any()
}

/// Per-thread buffers of the trace, reused between iterations.
#[derive(Default)]
pub struct Trace {
    /// Expected people per (state, slot) now and next year, `mass[slot * S + s]`: the slot is
    /// the time in state − 1 where the state's exits read it, else 0.
    now: Vec<f64>,
    next: Vec<f64>,
    /// The ordinary-practice trace per person of one subgroup: occupancy and entries per year
    /// and state, `[t * S + s]`.
    base_occupancy: Vec<f64>,
    base_entries: Vec<f64>,
    /// The same for one intervention's participants.
    arm_occupancy: Vec<f64>,
    arm_entries: Vec<f64>,
}

/// Fills `counts` (one per arm) with the expected counts of a closed cohort of `people` over its
/// first `years` years (the counts of later years stay 0).
pub fn simulate(
    plan: &Plan,
    tables: &Tables,
    (people, years): (u32, usize),
    trace: &mut Trace,
    counts: &mut [ArmCounts],
) {
    let (h, s_n, g_n) = (plan.years, plan.states, plan.groups);
    let cells = g_n * 2 * h * s_n;
    for (a, c) in counts.iter_mut().enumerate() {
        c.reset(cells, 0);
        if a > 0 {
            c.displaced_occupancy.resize(cells, 0.0);
            c.displaced_entries.resize(cells, 0.0);
        }
    }
    let starts = expected_starts(plan, tables, people);
    for g in 0..g_n {
        let start = &starts[g * s_n..(g + 1) * s_n];
        let size: f64 = start.iter().sum();
        if size == 0.0 {
            continue;
        }
        let per_person: Vec<f64> = start.iter().map(|m| m / size).collect();
        walk(plan, tables, 0, g, &per_person, years, trace, false);
        let untreated = g * 2 * h * s_n;
        let treated = (g * 2 + 1) * h * s_n;
        for (a, c) in counts.iter_mut().enumerate() {
            for i in 0..years * s_n {
                c.occupancy[untreated + i] = size * trace.base_occupancy[i];
                c.entries[untreated + i] = size * trace.base_entries[i];
            }
            if a == 0 {
                continue;
            }
            let uptake = tables.uptake[a * g_n + g];
            let takers = size * uptake;
            c.participants += takers;
            if takers == 0.0 {
                continue;
            }
            walk(plan, tables, a, g, &per_person, years, trace, true);
            for i in 0..years * s_n {
                c.occupancy[treated + i] = takers * trace.arm_occupancy[i];
                c.entries[treated + i] = takers * trace.arm_entries[i];
                c.displaced_occupancy[untreated + i] = takers * trace.base_occupancy[i];
                c.displaced_entries[untreated + i] = takers * trace.base_entries[i];
            }
        }
    }
}

/// The Markov trace of one person of subgroup `g` under practice `variant`, from the starting
/// distribution `start`, into the baseline's buffers or (`arm`) the participants'.
#[allow(clippy::too_many_arguments)]
fn walk(
    plan: &Plan,
    tables: &Tables,
    variant: usize,
    g: usize,
    start: &[f64],
    years: usize,
    trace: &mut Trace,
    arm: bool,
) {
    let (h, s_n) = (plan.years, plan.states);
    let Trace {
        now,
        next,
        base_occupancy,
        base_entries,
        arm_occupancy,
        arm_entries,
    } = trace;
    let (occupancy, entries) = if arm {
        (arm_occupancy, arm_entries)
    } else {
        (base_occupancy, base_entries)
    };
    occupancy.clear();
    occupancy.resize(years * s_n, 0.0);
    entries.clear();
    entries.resize(years * s_n, 0.0);
    now.clear();
    now.resize(h * s_n, 0.0);
    for (s, &m) in start.iter().enumerate() {
        now[s] = m;
        occupancy[s] = m;
    }
    for t in 0..years.saturating_sub(1) {
        let block = plan.block(variant, g, t);
        // People can have been in a state at most t + 1 years by year t, so slots up to t + 1
        // are written this year (of a state whose exits do not read it, slot 0 only).
        next.clear();
        next.resize(h * s_n, 0.0);
        let year = (t + 1) * s_n;
        let entries = &mut entries[year..year + s_n];
        for s in 0..s_n {
            let timed = plan.tis_slot[s].is_some();
            let slots = if timed { t + 1 } else { 1 };
            for slot in 0..slots {
                let m = now[slot * s_n + s];
                if m == 0.0 {
                    continue;
                }
                let row = tables.row(plan, block, s, slot + 1);
                // Every other state takes m × its share, at time in state 1 (slot 0): adding
                // a share of 0 leaves a sum as it is (sums are never −0), so none is skipped.
                let arrivals = &mut next[..s_n];
                spread(m, row, 0..s, arrivals, entries);
                spread(m, row, s + 1..s_n, arrivals, entries);
                // (a row may sum to 1 + 1e-12 within the checks' tolerance: no negative share)
                let stay = m * share(row, s).max(0.0);
                next[if timed { slot + 1 } else { 0 } * s_n + s] += stay;
            }
        }
        for s in 0..s_n {
            let slots = if plan.tis_slot[s].is_some() { t + 2 } else { 1 };
            occupancy[year + s] = (0..slots).map(|slot| next[slot * s_n + s]).sum();
        }
        std::mem::swap(now, next);
    }
}

/// Adds `m` × the share of each state `j` in `to` of the cumulative `row` to its arrivals and
/// entries.
#[inline(always)]
fn spread(
    m: f64,
    row: &[f64],
    to: std::ops::Range<usize>,
    arrivals: &mut [f64],
    entries: &mut [f64],
) {
    for j in to {
        let moved = m * share(row, j).max(0.0);
        arrivals[j] += moved;
        entries[j] += moved;
    }
}

/// The expected number of people of each subgroup in each starting state, `[g * S + s]`: the
/// cohort × the shares where they are drawn per person, or the expected counts of the largest
/// remainders (over their random tie-breaks) where the composition is known.
fn expected_starts(plan: &Plan, tables: &Tables, people: u32) -> Vec<f64> {
    let (g_n, s_n) = (plan.groups, plan.states);
    let groups = &plan.scenario.subgroups;
    let shares_of =
        |cum: &[f64]| -> Vec<f64> { (0..cum.len()).map(|i| share(cum, i).max(0.0)).collect() };
    let group_shares = shares_of(&tables.group_cum);
    let mut starts = vec![0.0; g_n * s_n];
    if plan.scenario.composition == Composition::Drawn {
        for g in 0..g_n {
            let start = shares_of(&tables.start_cum[g * s_n..(g + 1) * s_n]);
            for s in 0..s_n {
                starts[g * s_n + s] = f64::from(people) * group_shares[g] * start[s];
            }
        }
        return starts;
    }
    // As `cohort::exact_counts`, in expectation.
    let (rest, shares) = uncounted(plan, tables, people);
    let mut sizes: Vec<(u32, f64)> = match shares {
        Some(shares) => expected_largest_remainder(rest, &shares),
        None => {
            let mut sizes = vec![(0, 0.0); g_n];
            sizes[g_n - 1] = (rest, 0.0);
            sizes
        }
    };
    for (size, g) in sizes.iter_mut().zip(groups) {
        if let Some(c) = g.count {
            *size = (c, 0.0);
        }
    }
    for (g, &(base, extra)) in sizes.iter().enumerate() {
        let into = &mut starts[g * s_n..(g + 1) * s_n];
        if let Some(counts) = &groups[g].start_counts {
            for (m, &c) in into.iter_mut().zip(counts) {
                *m = f64::from(c);
            }
            continue;
        }
        let shares = shares_of(&tables.start_cum[g * s_n..(g + 1) * s_n]);
        for (size, weight) in [(base, 1.0 - extra), (base + 1, extra)] {
            if weight == 0.0 {
                continue;
            }
            for (m, (c, p)) in into
                .iter_mut()
                .zip(expected_largest_remainder(size, &shares))
            {
                *m += weight * (f64::from(c) + p);
            }
        }
    }
    starts
}

/// The law of each count of [`super::cohort::largest_remainder`]`(n, shares, ties)` over its
/// random tie-breaks (independent uniforms): count `i` is `base + 1` with probability `extra`,
/// else `base`. The shares with the largest remainders get the people left over; those tied at
/// the cut share what is left of them equally, as a random order of the ties gives.
pub fn expected_largest_remainder(n: u32, shares: &[f64]) -> Vec<(u32, f64)> {
    let quotas: Vec<f64> = shares.iter().map(|s| f64::from(n) * s.max(0.0)).collect();
    let mut counts: Vec<(u32, f64)> = quotas.iter().map(|q| (q.floor() as u32, 0.0)).collect();
    let given: u32 = counts.iter().map(|c| c.0).sum();
    let mut left = n.saturating_sub(given) as usize;
    if left == 0 || shares.is_empty() {
        return counts;
    }
    // Whole rounds of the cycle over all shares, where more are left than there are shares.
    let rounds = (left / shares.len()) as u32;
    counts.iter_mut().for_each(|c| c.0 += rounds);
    left %= shares.len();
    if left == 0 {
        return counts;
    }
    let key = |i: usize| ((quotas[i] - quotas[i].floor()) * 1e9).round() as i64;
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(key(i)));
    let cut = key(order[left - 1]);
    let above = order.iter().filter(|&&i| key(i) > cut).count();
    let tied = order.iter().filter(|&&i| key(i) == cut).count();
    let p = (left - above) as f64 / tied as f64;
    for (i, c) in counts.iter_mut().enumerate() {
        if key(i) > cut {
            c.0 += 1;
        } else if key(i) == cut {
            if p >= 1.0 {
                c.0 += 1;
            } else {
                c.1 = p;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::super::cohort::largest_remainder;
    use super::*;

    /// The mean of each count of `largest_remainder` over every order of the tie-breaks.
    fn mean_over_ties(n: u32, shares: &[f64]) -> Vec<f64> {
        let k = shares.len();
        let mut total = vec![0.0; k];
        let orders = permutations(k);
        for order in &orders {
            let ties: Vec<f64> = order.iter().map(|&r| r as f64).collect();
            for (t, c) in total.iter_mut().zip(largest_remainder(n, shares, &ties)) {
                *t += f64::from(c);
            }
        }
        total.iter().map(|t| t / orders.len() as f64).collect()
    }

    fn permutations(k: usize) -> Vec<Vec<usize>> {
        if k == 0 {
            return vec![vec![]];
        }
        let mut out = Vec::new();
        for p in permutations(k - 1) {
            for at in 0..=p.len() {
                let mut q = p.clone();
                q.insert(at, k - 1);
                out.push(q);
            }
        }
        out
    }

    #[test]
    fn the_expected_largest_remainder_is_the_mean_over_the_tie_breaks() {
        for (n, shares) in [
            (25, vec![0.5, 0.5]),
            (25, vec![0.3, 0.7]),
            (10, vec![0.25, 0.25, 0.5]),
            (7, vec![0.2, 0.2, 0.2, 0.2, 0.2]),
            (3, vec![1.0 / 3.0; 3]),
            (0, vec![0.5, 0.5]),
            (11, vec![0.1, 0.1, 0.1, 0.1]),
        ] {
            let expected: Vec<f64> = expected_largest_remainder(n, &shares)
                .iter()
                .map(|&(b, p)| f64::from(b) + p)
                .collect();
            let mean = mean_over_ties(n, &shares);
            for (e, m) in expected.iter().zip(&mean) {
                assert!(
                    (e - m).abs() < 1e-12,
                    "{n} {shares:?}: {expected:?} vs {mean:?}"
                );
            }
        }
    }
}
