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
//! joint destination; the cell's people are split over the segments (a cell of a few people is
//! moved person by person instead, each by that one uniform). The net, a joint quantity
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
use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution};

/// The most interventions the count path follows (a pattern is a bit set of them).
pub const MAX_INTERVENTIONS: usize = 32;

/// Below this many people per binomial draw, [`multinomial`] draws each person instead: one
/// person costs a uniform and a short scan, a binomial draw (rand_distr's, set up afresh for
/// each probability) about as much as ten people.
const PEOPLE_PER_BINOMIAL: usize = 8;

/// A cell of at most this many people is moved person by person, without its segments.
const PEOPLE_WALKED: usize = 8;

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
    /// Next year's cells, each key once, in the order they were first reached.
    next_keys: Vec<u32>,
    next_people: Vec<u32>,
    /// Where next year's cells are found by key (open addressing): a slot holds cell + 1, or
    /// 0 where it is empty.
    index: Vec<u32>,
    /// One key being built.
    key: Vec<u32>,
    /// The joint move of one cell.
    segments: Segments,
    /// One walked person's destination per arm.
    walked: Vec<u32>,
    split: Vec<u32>,
}

/// The joint move of a cell as segments of the uniform's [0, 1): each segment's probability
/// and destination per arm (`ABSENT` where the cell does not take part).
#[derive(Default)]
struct Segments {
    probability: Vec<f64>,
    destination: Vec<u32>,
    /// Scratch for one of ordinary practice's destinations: each intervention's pieces of its
    /// share (where they end, and their destination) and a cursor each, from its first piece.
    piece_end: Vec<f64>,
    piece_to: Vec<u32>,
    cursor: Vec<usize>,
    /// Per intervention: its excess over ordinary practice per state, `(q_k − p_k)⁺`, and their
    /// sum (the same for every destination of ordinary practice).
    excess: Vec<f64>,
    excess_total: Vec<f64>,
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
    let (h, s_n, g_n) = (plan.years, plan.states, plan.groups);
    for c in counts.iter_mut() {
        c.reset(g_n * 2 * h * s_n, 0);
    }
    start_cells(plan, tables, people, rng, cells);
    let key_of_run: u64 = rand::RngExt::random(rng);
    count_start(plan, &cells.keys, &cells.people, counts);
    for t in 0..years.saturating_sub(1) {
        cells.next_keys.clear();
        cells.next_people.clear();
        // at most half full while the cells do not multiply by more than 4 (else it grows)
        let slots = (8 * cells.people.len()).next_power_of_two().max(64);
        cells.index.clear();
        cells.index.resize(slots, 0);
        for c in 0..cells.people.len() {
            step_cell(plan, tables, t, c, key_of_run, cells, counts);
        }
        std::mem::swap(&mut cells.keys, &mut cells.next_keys);
        std::mem::swap(&mut cells.people, &mut cells.next_people);
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

/// Splits `n` over outcomes of these probabilities (summing to 1 up to rounding) into `split`:
/// by conditional binomials, or where there are few people for the outcomes (fewer than
/// [`PEOPLE_PER_BINOMIAL`] per binomial it would draw) by one draw per person. Either gives
/// the multinomial law. An outcome of probability 0 never gets anyone.
fn multinomial<R: Rng>(n: u32, probability: &[f64], rng: &mut R, split: &mut Vec<u32>) {
    split.clear();
    split.resize(probability.len(), 0);
    let Some(last) = probability.iter().rposition(|&p| p > 0.0) else {
        debug_assert_eq!(n, 0, "people with nowhere to go");
        return;
    };
    let binomials = probability[..last].iter().filter(|&&p| p > 0.0).count();
    if n as usize <= PEOPLE_PER_BINOMIAL * binomials {
        // Each person by inverse transform over the outcomes of positive probability, the
        // last taking whatever rounding leaves at the top.
        let total: f64 = probability[..=last].iter().filter(|&&p| p > 0.0).sum();
        for _ in 0..n {
            let u = rng.random::<f64>() * total;
            let mut acc = 0.0;
            let mut to = last;
            for (i, &p) in probability[..last].iter().enumerate() {
                if p > 0.0 {
                    acc += p;
                    if u < acc {
                        to = i;
                        break;
                    }
                }
            }
            split[to] += 1;
        }
        return;
    }
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

/// Moves cell `c` from year `t` to `t + 1`, from the cell's own stream: a cell of at most
/// [`PEOPLE_WALKED`] people person by person, as the individual path moves them; a larger one by
/// its joint move's segments and one multinomial split of its people over them. Either gives
/// each person the same joint move, independently.
fn step_cell(
    plan: &Plan,
    tables: &Tables,
    t: usize,
    c: usize,
    key_of_run: u64,
    cells: &mut Cells,
    counts: &mut [ArmCounts],
) {
    let a_n = plan.arms;
    let width = 2 + 2 * a_n;
    let Cells {
        keys,
        people,
        next_keys,
        next_people,
        index,
        key: next_key,
        segments,
        walked,
        split,
    } = cells;
    let key = &keys[c * width..(c + 1) * width];
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
    let mut stream = rng::keyed(key_of_run, t as u32, key);
    let mut next = Next {
        keys: next_keys,
        people: next_people,
        index,
        key: next_key,
    };
    if people[c] as usize <= PEOPLE_WALKED {
        for _ in 0..people[c] {
            let u: f64 = stream.random();
            let j = pick(p, u);
            walked.clear();
            walked.push(j as u32);
            walked.extend((1..a_n).map(|a| match row_of(a) {
                Some(q) => coupled_move(p, q, j, u) as u32,
                None => ABSENT,
            }));
            next.arrive(plan, t, key, walked, 1, counts);
        }
        return;
    }
    segments.build(p, a_n, row_of);
    multinomial(people[c], &segments.probability, &mut stream, split);
    for (i, &m) in split.iter().enumerate() {
        if m > 0 {
            let to = &segments.destination[i * a_n..(i + 1) * a_n];
            next.arrive(plan, t, key, to, m, counts);
        }
    }
}

/// Next year's cells, as [`Cells`] holds them while this year's are moved.
struct Next<'c> {
    keys: &'c mut Vec<u32>,
    people: &'c mut Vec<u32>,
    index: &'c mut Vec<u32>,
    key: &'c mut Vec<u32>,
}

impl Next<'_> {
    /// Counts `m` people of the cell `key` moving from year `t` to the joint destination `to`
    /// (a state per arm, `ABSENT` where they do not take part) in every arm, and adds them to
    /// next year's cell.
    fn arrive(
        &mut self,
        plan: &Plan,
        t: usize,
        key: &[u32],
        to: &[u32],
        m: u32,
        counts: &mut [ArmCounts],
    ) {
        let (h, s_n, a_n) = (plan.years, plan.states, plan.arms);
        let (g, pattern) = (key[0] as usize, key[1]);
        let year = |class: usize| (class * h + t + 1) * s_n;
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
        let next_key = &mut *self.key;
        next_key.clear();
        next_key.extend_from_slice(&key[..2]);
        for a in 0..a_n {
            let (s, time) = (key[2 + 2 * a], key[3 + 2 * a]);
            if s == ABSENT {
                next_key.extend([ABSENT, 0]);
            } else {
                let next = to[a];
                let timed = plan.tis_slot[next as usize].is_some();
                next_key.extend([next, if next == s && timed { time + 1 } else { 1 }]);
            }
        }
        add_cell(next_key, m, self.index, self.keys, self.people);
    }
}

/// Adds `people` to next year's cell of this key, which is new or already reached.
fn add_cell(
    key: &[u32],
    people: u32,
    index: &mut Vec<u32>,
    keys: &mut Vec<u32>,
    counts: &mut Vec<u32>,
) {
    let width = key.len();
    if 2 * (counts.len() + 1) > index.len() {
        // more than half full: twice the slots, every cell placed anew
        let slots = 2 * index.len().max(32);
        index.clear();
        index.resize(slots, 0);
        for c in 0..counts.len() {
            let at = free_slot(&keys[c * width..(c + 1) * width], index, keys, width);
            index[at] = c as u32 + 1;
        }
    }
    let at = free_slot(key, index, keys, width);
    match index[at] {
        0 => {
            keys.extend_from_slice(key);
            counts.push(people);
            index[at] = counts.len() as u32;
        }
        c => counts[c as usize - 1] += people,
    }
}

/// The slot of `key` in `index`: the one holding its cell, else the empty one where it goes
/// (linear probing from its hash).
fn free_slot(key: &[u32], index: &[u32], keys: &[u32], width: usize) -> usize {
    let mask = index.len() - 1;
    let hash = key.iter().fold(0u64, |h, &w| {
        (h.rotate_left(5) ^ u64::from(w)).wrapping_mul(0x517C_C1B7_2722_0A95)
    });
    let mut at = (hash >> 32) as usize & mask;
    loop {
        match index[at] {
            0 => return at,
            c if keys[(c as usize - 1) * width..c as usize * width] == *key => return at,
            _ => at = (at + 1) & mask,
        }
    }
}

impl Segments {
    /// The segments of a cell whose ordinary practice moves by the cumulative row `p` and
    /// whose arm `a` (from 1) by `row_of(a)` (`None` where it does not take part), maximally
    /// coupled as `cohort::coupled_move` couples them: within ordinary practice's share of
    /// destination `j`, `[lo, lo + p_j)`, an arm whose `q_j ≥ p_j` also goes to `j`; else it
    /// goes to `j` over `[lo, lo + q_j)` and over the rest to the states where `q` exceeds `p`,
    /// in state order, each over its share of the excess (as `cohort::draw_excess`).
    /// Neighbouring segments with the same destinations are merged.
    fn build<'r>(&mut self, p: &[f64], a_n: usize, row_of: impl Fn(usize) -> Option<&'r [f64]>) {
        let s_n = p.len();
        self.probability.clear();
        self.destination.clear();
        self.excess.clear();
        self.excess_total.clear();
        for a in 1..a_n {
            let at = self.excess.len();
            match row_of(a) {
                Some(q) => self
                    .excess
                    .extend((0..s_n).map(|k| (share(q, k) - share(p, k)).max(0.0))),
                None => self.excess.resize(at + s_n, 0.0),
            }
            self.excess_total.push(self.excess[at..].iter().sum());
        }
        for j in 0..s_n {
            let p_j = share(p, j);
            if p_j <= 0.0 {
                continue;
            }
            let (lo, hi) = (if j == 0 { 0.0 } else { p[j - 1] }, p[j]);
            self.piece_end.clear();
            self.piece_to.clear();
            self.cursor.clear();
            for a in 1..a_n {
                self.cursor.push(self.piece_end.len());
                self.arm_pieces(p, row_of(a), a - 1, j, (lo, hi));
            }
            // Sweep [lo, hi) by the arms' pieces: a segment ends where some arm's piece does.
            // An arm's last piece ends at hi, so no cursor passes it before the sweep ends.
            let mut at = lo;
            loop {
                let end = (self.cursor.iter())
                    .map(|&i| self.piece_end[i])
                    .fold(hi, f64::min);
                if end > at {
                    self.push(end - at, j as u32, a_n);
                }
                if end >= hi {
                    break;
                }
                for i in self.cursor.iter_mut() {
                    if self.piece_end[*i] <= end {
                        *i += 1;
                    }
                }
                at = end;
            }
        }
    }

    /// Arm `q`'s pieces of ordinary practice's share `[lo, hi)` of destination `j`; its last
    /// piece ends at `hi`. `i` is the intervention's place in `excess`.
    fn arm_pieces(
        &mut self,
        p: &[f64],
        q: Option<&[f64]>,
        i: usize,
        j: usize,
        (lo, hi): (f64, f64),
    ) {
        let Some(q) = q else {
            self.piece_end.push(hi);
            self.piece_to.push(ABSENT);
            return;
        };
        let s_n = p.len();
        let (p_j, q_j) = (share(p, j), share(q, j));
        let total = if q_j >= p_j {
            0.0
        } else {
            self.excess_total[i]
        };
        if total <= 0.0 {
            self.piece_end.push(hi);
            self.piece_to.push(j as u32);
            return;
        }
        if q_j > 0.0 {
            self.piece_end.push(lo + q_j);
            self.piece_to.push(j as u32);
        }
        let mut acc = 0.0;
        for k in 0..s_n {
            let e = self.excess[i * s_n + k];
            if e > 0.0 {
                acc += e;
                self.piece_end
                    .push((lo + q_j + (p_j - q_j) * (acc / total)).min(hi));
                self.piece_to.push(k as u32);
            }
        }
        *self.piece_end.last_mut().expect("an excess") = hi;
    }

    /// Adds a segment of this `length` where ordinary practice goes to `j` and each arm where
    /// its cursor's piece goes, or lengthens the last one if it goes to the same places.
    fn push(&mut self, length: f64, j: u32, a_n: usize) {
        let at = self.destination.len();
        self.destination.push(j);
        for &i in &self.cursor {
            self.destination.push(self.piece_to[i]);
        }
        let n = self.probability.len();
        let same =
            n > 0 && (0..a_n).all(|a| self.destination[at - a_n + a] == self.destination[at + a]);
        if same {
            self.destination.truncate(at);
            self.probability[n - 1] += length;
        } else {
            self.probability.push(length);
        }
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
