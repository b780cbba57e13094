//! The count path: instead of walking people one by one, the cohort is kept as *cells* of
//! people who are alike in everything the model can tell apart, and each year every cell is
//! split over its destinations by one multinomial draw (conditional binomials, rand_distr's
//! `Binomial`). People are independent given the iteration's tables, so this gives exactly the
//! distribution of every result that walking each person gives, at a cost that grows with the
//! number of distinct cells, not with the people.
//!
//! A cell is a subgroup, the arms the people take part in (a *pattern*: a person takes part in
//! arm `a` when their uptake draw is below arm `a`'s uptake, as on the individual path), and the
//! person's joint state: their state and time in state under ordinary practice and under each
//! arm they take part in. The joint move of a cell is the individual path's: the baseline's move
//! by inverse transform of one uniform, each arm's by the maximal coupling of that same uniform
//! (`cohort::coupled_move`). Its law is a partition of [0, 1) into segments, each giving one
//! joint destination; the cell's people are split over the segments. The net, a joint quantity
//! of the arms, therefore has its exact distribution too, and an intervention identical to
//! ordinary practice keeps every person's paths together: a net of exactly 0.
//!
//! Each cell draws from a random stream of its own, keyed by the year and the cell, so the
//! results do not depend on the order in which cells are visited. Time in state is followed
//! only in states whose exits read it. The path needs the same as the expected-value path: no
//! value of the person ([`super::expected::supports`]).

use super::cohort::{ArmCounts, coupled_move, exact_counts, pick, share};
use super::rng::{self, Stream};
use super::tables::{Plan, Tables};
use crate::scenario::Composition;
use rand_distr::{Binomial, Distribution};

/// The most interventions the count path follows (a pattern is a bit set of them).
pub const MAX_INTERVENTIONS: usize = 32;

/// Marks an arm a cell's people do not take part in.
const ABSENT: u32 = u32::MAX;

/// Per-thread buffers of the count path, reused between iterations.
#[derive(Default)]
pub struct Cells {
    /// This year's cells: `keys[c * W ..][..W]` with `W = 2 + 2 × arms`: the subgroup, the
    /// pattern, then (state, time in state) per arm, ordinary practice first (`ABSENT` for an
    /// arm the cell does not take part in; time 1 in a state whose exits do not read it).
    keys: Vec<u32>,
    people: Vec<u32>,
    /// Next year's cells before those with equal keys are merged.
    next_keys: Vec<u32>,
    next_people: Vec<u32>,
    order: Vec<usize>,
    packed: Vec<(u128, u32)>,
    /// The joint move of one cell: cut points in [0, 1), then segments (their probability and
    /// the destination per arm, `ABSENT` where the cell does not take part).
    cuts: Vec<f64>,
    steps: Vec<f64>,
    probability: Vec<f64>,
    destination: Vec<u32>,
    split: Vec<u32>,
}

/// Fills `counts` (one per arm) for a closed cohort of `people` over its first `years` years,
/// drawing the composition and the cells' streams' key from `rng`.
pub fn simulate(
    plan: &Plan,
    tables: &Tables,
    (people, years): (u32, usize),
    rng: &mut Stream,
    cells: &mut Cells,
    counts: &mut [ArmCounts],
) {
    let (h, s_n, g_n, a_n) = (plan.years, plan.states, plan.groups, plan.arms);
    let width = 2 + 2 * a_n;
    for c in counts.iter_mut() {
        c.reset(g_n * 2 * h * s_n, 0);
    }
    start_cells(plan, tables, people, rng, cells);
    let packing = Packing::new(plan);
    let key_of_run: u64 = rand::RngExt::random(rng);
    count_start(plan, &cells.keys, &cells.people, counts);
    for t in 0..years.saturating_sub(1) {
        cells.next_keys.clear();
        cells.next_people.clear();
        for c in 0..cells.people.len() {
            step_cell(plan, tables, t, c, key_of_run, cells, counts);
        }
        merge(cells, width, &packing);
    }
}

/// The cells of year 0: the people of each subgroup, starting state and pattern.
fn start_cells(plan: &Plan, tables: &Tables, people: u32, rng: &mut Stream, cells: &mut Cells) {
    let (s_n, g_n, a_n) = (plan.states, plan.groups, plan.arms);
    let width = 2 + 2 * a_n;
    cells.keys.clear();
    cells.people.clear();
    // (group, start, pattern, probability or count)
    let push = |cells: &mut Cells, g: usize, s: usize, pattern: u32, n: u32| {
        if n == 0 {
            return;
        }
        cells.keys.push(g as u32);
        cells.keys.push(pattern);
        for a in 0..a_n {
            let takes_part = a == 0 || pattern & (1 << (a - 1)) != 0;
            cells.keys.extend(if takes_part {
                [s as u32, 1]
            } else {
                [ABSENT, 0]
            });
        }
        cells.people.push(n);
        debug_assert_eq!(cells.keys.len(), cells.people.len() * width);
    };
    let patterns: Vec<Vec<(u32, f64)>> = (0..g_n).map(|g| patterns_of(plan, tables, g)).collect();
    match plan.scenario.composition {
        Composition::Drawn => {
            let group_shares: Vec<f64> = (0..g_n).map(|g| share(&tables.group_cum, g)).collect();
            let mut outcomes = Vec::new();
            let mut probability = Vec::new();
            for g in 0..g_n {
                let start = &tables.start_cum[g * s_n..(g + 1) * s_n];
                for s in 0..s_n {
                    for &(pattern, p) in &patterns[g] {
                        outcomes.push((g, s, pattern));
                        probability.push(group_shares[g] * share(start, s) * p);
                    }
                }
            }
            let mut split = Vec::new();
            multinomial(people, &probability, rng, &mut split);
            for (&(g, s, pattern), &n) in outcomes.iter().zip(&split) {
                push(cells, g, s, pattern, n);
            }
        }
        Composition::Exact => {
            let known = exact_counts(plan, tables, people, rng);
            let mut split = Vec::new();
            for (cell, &n) in known.iter().enumerate() {
                let (g, s) = (cell / s_n, cell % s_n);
                let probability: Vec<f64> = patterns[g].iter().map(|p| p.1).collect();
                multinomial(n, &probability, rng, &mut split);
                for (&(pattern, _), &m) in patterns[g].iter().zip(&split) {
                    push(cells, g, s, pattern, m);
                }
            }
        }
    }
}

/// The patterns of subgroup `g` and their probabilities: a person takes part in arm `a` when
/// their uptake draw `u ~ U[0, 1)` is below the arm's uptake.
fn patterns_of(plan: &Plan, tables: &Tables, g: usize) -> Vec<(u32, f64)> {
    let uptake = |a: usize| tables.uptake[a * plan.groups + g];
    let mut cuts: Vec<f64> = vec![0.0, 1.0];
    cuts.extend((1..plan.arms).map(|a| uptake(a).clamp(0.0, 1.0)));
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    cuts.windows(2)
        .filter(|w| w[1] > w[0])
        .map(|w| {
            let u = 0.5 * (w[0] + w[1]);
            let pattern = (1..plan.arms)
                .filter(|&a| u < uptake(a))
                .fold(0u32, |bits, a| bits | 1 << (a - 1));
            (pattern, w[1] - w[0])
        })
        .collect()
}

/// Splits `n` over outcomes of these probabilities (summing to 1 up to rounding) by
/// conditional binomials, into `split`. The last outcome of positive probability takes whoever
/// is left, so an outcome of probability 0 never gets anyone.
fn multinomial(n: u32, probability: &[f64], rng: &mut Stream, split: &mut Vec<u32>) {
    split.clear();
    split.resize(probability.len(), 0);
    let Some(last) = probability.iter().rposition(|&p| p > 0.0) else {
        debug_assert_eq!(n, 0, "people with nowhere to go");
        return;
    };
    let mut left = n;
    for i in 0..last {
        let p = probability[i];
        if left == 0 {
            break;
        }
        if p <= 0.0 {
            continue;
        }
        // The probability of this outcome and those after it, summed afresh (no cancellation).
        let rest: f64 = probability[i..=last].iter().filter(|&&q| q > 0.0).sum();
        let x = Binomial::new(u64::from(left), (p / rest).clamp(0.0, 1.0))
            .expect("a probability in [0, 1]")
            .sample(rng) as u32;
        split[i] = x;
        left -= x;
    }
    split[last] = left;
}

/// Moves cell `c` from year `t` to `t + 1`: its joint move's segments, its people split over
/// them from the cell's own stream, the destinations pushed to `next_keys`.
fn step_cell(
    plan: &Plan,
    tables: &Tables,
    t: usize,
    c: usize,
    key_of_run: u64,
    cells: &mut Cells,
    counts: &mut [ArmCounts],
) {
    let (h, s_n, a_n) = (plan.years, plan.states, plan.arms);
    let width = 2 + 2 * a_n;
    let key = &cells.keys[c * width..(c + 1) * width];
    let g = key[0] as usize;
    let row_of = |a: usize| -> Option<&[f64]> {
        let s = key[2 + 2 * a];
        (s != ABSENT).then(|| {
            tables.row(
                plan,
                plan.block(a, g, t),
                s as usize,
                key[3 + 2 * a] as usize,
            )
        })
    };
    let p = row_of(0).expect("everyone follows ordinary practice");
    // The cut points of the uniform where some arm's destination changes.
    let cuts = &mut cells.cuts;
    cuts.clear();
    cuts.push(0.0);
    cuts.push(1.0);
    for j in 0..s_n {
        if share(p, j) > 0.0 {
            cuts.push(if j == 0 { 0.0 } else { p[j - 1] });
        }
    }
    for q in (1..a_n).filter_map(row_of) {
        if q == p {
            continue;
        }
        // draw_excess's steps in v = (u − lo − q_j) / (p_j − q_j): where the excess (q − p)⁺
        // accumulated so far, as a share of its total, changes state
        let excess = |k: usize| (share(q, k) - share(p, k)).max(0.0);
        let total: f64 = (0..s_n).map(excess).sum();
        let steps = &mut cells.steps;
        steps.clear();
        let mut acc = 0.0;
        for k in 0..s_n {
            let e = excess(k);
            if e > 0.0 {
                acc += e;
                steps.push(acc / total);
            }
        }
        for j in 0..s_n {
            let (p_j, q_j) = (share(p, j), share(q, j));
            if q_j >= p_j {
                continue;
            }
            let lo = if j == 0 { 0.0 } else { p[j - 1] };
            cuts.push(lo + q_j);
            cuts.extend(steps.iter().map(|f| lo + q_j + (p_j - q_j) * f));
        }
    }
    cuts.retain(|x| (0.0..=1.0).contains(x));
    cuts.sort_unstable_by(f64::total_cmp);
    cuts.dedup();
    // The segments and their joint destinations (equal neighbours merged).
    cells.probability.clear();
    cells.destination.clear();
    for w in cuts.windows(2) {
        let length = w[1] - w[0];
        if length <= 0.0 {
            continue;
        }
        let u = 0.5 * (w[0] + w[1]);
        let j = pick(p, u);
        let at = cells.destination.len();
        cells.destination.push(j as u32);
        for a in 1..a_n {
            cells.destination.push(match row_of(a) {
                Some(q) => coupled_move(p, q, j, u) as u32,
                None => ABSENT,
            });
        }
        let n = cells.probability.len();
        if n > 0 && cells.destination[at - a_n..at] == cells.destination[at..] {
            cells.destination.truncate(at);
            cells.probability[n - 1] += length;
        } else {
            cells.probability.push(length);
        }
    }
    let mut stream = rng::keyed(key_of_run, t as u32, key);
    multinomial(
        cells.people[c],
        &cells.probability,
        &mut stream,
        &mut cells.split,
    );
    let pattern = key[1];
    let year = |class: usize| (class * h + t + 1) * s_n;
    for (i, &m) in cells.split.iter().enumerate() {
        if m == 0 {
            continue;
        }
        let to = &cells.destination[i * a_n..(i + 1) * a_n];
        // The year's moves in every arm: ordinary practice's path for the baseline and for an
        // arm's non-participants (untreated class), the arm's own for its participants.
        let n = f64::from(m);
        for (a, arm) in counts.iter_mut().enumerate() {
            let (class, from, into) = if a > 0 && pattern & (1 << (a - 1)) != 0 {
                (g * 2 + 1, key[2 + 2 * a], to[a])
            } else {
                (g * 2, key[2], to[0])
            };
            let at = year(class) + into as usize;
            arm.occupancy[at] += n;
            if into != from {
                arm.entries[at] += n;
            }
        }
        cells.next_keys.extend_from_slice(&key[..2]);
        for a in 0..a_n {
            let (s, time) = (key[2 + 2 * a], key[3 + 2 * a]);
            cells.next_keys.extend(if s == ABSENT {
                [ABSENT, 0]
            } else {
                let next = to[a];
                let timed = plan.tis_slot[next as usize].is_some();
                [next, if next == s && timed { time + 1 } else { 1 }]
            });
        }
        cells.next_people.push(m);
    }
}

/// Next year's cells become this year's, sorted by key with equal keys merged.
fn merge(cells: &mut Cells, width: usize, packing: &Packing) {
    let Cells {
        keys,
        people,
        next_keys,
        next_people,
        order,
        packed,
        ..
    } = cells;
    let key_of = |i: usize| &next_keys[i * width..(i + 1) * width];
    if packing.fits {
        packed.clear();
        packed.extend((0..next_people.len()).map(|i| (packing.pack(key_of(i)), i as u32)));
        packed.sort_unstable();
    } else {
        order.clear();
        order.extend(0..next_people.len());
        order.sort_unstable_by(|&x, &y| key_of(x).cmp(key_of(y)));
    }
    keys.clear();
    people.clear();
    if packing.fits {
        // equal packed keys are equal keys: compare the u128s, not the slices
        let mut previous = None;
        for &(packed_key, i) in packed.iter() {
            let i = i as usize;
            match people.last_mut() {
                Some(n) if previous == Some(packed_key) => *n += next_people[i],
                _ => {
                    keys.extend_from_slice(key_of(i));
                    people.push(next_people[i]);
                }
            }
            previous = Some(packed_key);
        }
        return;
    }
    for &i in order.iter() {
        match people.last_mut() {
            Some(n) if keys[keys.len() - width..] == *key_of(i) => *n += next_people[i],
            _ => {
                keys.extend_from_slice(key_of(i));
                people.push(next_people[i]);
            }
        }
    }
}

/// A cell's key packed into one `u128` (when its words fit), for fast sorting: each word in as
/// many bits as its largest value needs (a state as state + 1, 0 for `ABSENT`).
struct Packing {
    /// Bits per word of the key.
    bits: Vec<u32>,
    /// Whether the words fit in 128 bits.
    fits: bool,
}

impl Packing {
    fn new(plan: &Plan) -> Self {
        let needed = |max: u64| 64 - max.leading_zeros();
        let mut bits = vec![
            needed(plan.groups as u64),
            (plan.arms as u32).saturating_sub(1),
        ];
        for _ in 0..plan.arms {
            bits.push(needed(plan.states as u64 + 1));
            bits.push(needed(plan.years as u64 + 1));
        }
        let fits = bits.iter().sum::<u32>() <= 128;
        Packing { bits, fits }
    }

    fn pack(&self, key: &[u32]) -> u128 {
        key.iter()
            .zip(&self.bits)
            .enumerate()
            .fold(0u128, |acc, (k, (&w, &b))| {
                // states (from word 2, every other word) as state + 1, 0 when absent
                let w = if k >= 2 && k % 2 == 0 {
                    if w == ABSENT { 0 } else { w + 1 }
                } else {
                    w
                };
                (acc << b) | u128::from(w)
            })
    }
}

/// Counts the cells of year 0 in every arm: ordinary practice counts everyone in their
/// subgroup's untreated class; an intervention counts its participants in the treated class and
/// everyone else in the untreated class (all in their starting state), and its participants.
fn count_start(plan: &Plan, keys: &[u32], people: &[u32], counts: &mut [ArmCounts]) {
    let (h, s_n, a_n) = (plan.years, plan.states, plan.arms);
    let width = 2 + 2 * a_n;
    for (c, &n) in people.iter().enumerate() {
        let key = &keys[c * width..(c + 1) * width];
        let (g, pattern, s) = (key[0] as usize, key[1], key[2] as usize);
        for (a, arm) in counts.iter_mut().enumerate() {
            let class = if a > 0 && pattern & (1 << (a - 1)) != 0 {
                arm.participants += f64::from(n);
                g * 2 + 1
            } else {
                g * 2
            };
            arm.occupancy[class * h * s_n + s] += f64::from(n);
        }
    }
}
