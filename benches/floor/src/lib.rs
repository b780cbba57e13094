//! The hand-written floor: a Markov microsimulation of `cohort x years x arms` with `S` states,
//! common random numbers between arms, occupancy counts per (year, arm, state) and costs applied
//! at the end. Nothing generic, nothing scripted: what the engine can hope to approach on a
//! workload of the same size. Used by the `floor` command (`src/main.rs`) and, as a module, by
//! `benches/engine.rs` to time each shipped scenario against a floor of its own size.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A deterministic, row-stochastic cumulative matrix that varies by arm and year.
fn matrix<const S: usize>(arm: usize, year: usize, draw: f64) -> [[f64; S]; S] {
    let mut m = [[0.0; S]; S];
    for (i, cumulative) in m.iter_mut().enumerate() {
        let mut row = [0.0; S];
        let mut tot = 0.0;
        for (j, w) in row.iter_mut().enumerate() {
            let base = 1.0 + ((i * 7 + j * 3 + year) % 5) as f64 + if i == j { 8.0 } else { 0.0 };
            *w = if arm > 0 && j < 3 {
                base * (1.0 + 0.3 * draw)
            } else {
                base
            };
            tot += *w;
        }
        let mut c = 0.0;
        for j in 0..S {
            c += row[j] / tot;
            cumulative[j] = c;
        }
        cumulative[S - 1] = 1.0;
    }
    m
}

/// One iteration with `S` states and `A` arms: its draw of the uncertain input, its matrices,
/// the cohort's walk in every arm, and the net of arm 0 over the others, discounted.
pub fn iteration<const S: usize, const A: usize>(it: usize, cohort: usize, years: usize) -> f64 {
    let mut rng =
        Xoshiro256PlusPlus::seed_from_u64(0x5eed ^ (it as u64).wrapping_mul(0x9E3779B97F4A7C15));
    let draw: f64 = rng.random();
    let mats: Vec<[[[f64; S]; S]; A]> = (0..years)
        .map(|y| std::array::from_fn(|a| matrix::<S>(a, y, draw)))
        .collect();
    let mut occ = vec![[[0u32; S]; A]; years];
    for _ in 0..cohort {
        let mut st = [0usize; A];
        for y in 0..years {
            let u: f64 = rng.random(); // one draw serves every arm (CRN)
            for a in 0..A {
                let row = &mats[y][a][st[a]];
                let mut j = 0;
                while j < S - 1 && u >= row[j] {
                    j += 1;
                }
                st[a] = j;
                occ[y][a][j] += 1;
            }
        }
    }
    // cost = occupancy . (state cost), discounted
    let mut net = 0.0;
    for (y, occ) in occ.iter().enumerate() {
        let d = 1.0 / 1.035f64.powi(y as i32);
        for arm in &occ[1..] {
            for (j, (n_0, n_a)) in occ[0].iter().zip(arm).enumerate() {
                let c = 1000.0 * (j as f64 + 1.0);
                net += d * c * (f64::from(*n_0) - f64::from(*n_a));
            }
        }
    }
    net
}

/// [`iteration`] for `states` states (2 to 12) and `arms` arms (2 to 4).
pub fn iteration_of(states: usize, it: usize, cohort: usize, years: usize, arms: usize) -> f64 {
    macro_rules! by_arms {
        ($s:literal) => {
            match arms {
                2 => iteration::<$s, 2>(it, cohort, years),
                3 => iteration::<$s, 3>(it, cohort, years),
                4 => iteration::<$s, 4>(it, cohort, years),
                _ => panic!("the floor simulates 2 to 4 arms, not {arms}"),
            }
        };
    }
    match states {
        2 => by_arms!(2),
        3 => by_arms!(3),
        4 => by_arms!(4),
        5 => by_arms!(5),
        6 => by_arms!(6),
        7 => by_arms!(7),
        8 => by_arms!(8),
        9 => by_arms!(9),
        10 => by_arms!(10),
        11 => by_arms!(11),
        12 => by_arms!(12),
        _ => panic!("the floor simulates 2 to 12 states, not {states}"),
    }
}
