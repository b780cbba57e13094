//! Random streams keyed by (seed, iteration, purpose): results never depend on which thread
//! ran an iteration, and the draws of one purpose do not shift when another changes.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::{SplitMix64, Xoshiro256PlusPlus};

/// What a stream is used for; each has its own stream per iteration.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    /// One uniform per parameter, in declaration order.
    Parameters = 0,
    /// The cohort's draws: subgroup, uptake, starting state and one per year, per person.
    Cohort = 1,
    /// Designs of sensitivity analyses (e.g. Sobol's sample matrices).
    Design = 2,
    /// Resampling (bootstrap confidence intervals).
    Bootstrap = 3,
}

/// The generator: Xoshiro256++ (fast, and its output is fixed by its definition, unlike `StdRng`).
pub type Stream = Xoshiro256PlusPlus;

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream of one iteration for one purpose.
pub fn stream(seed: u64, iteration: u64, purpose: Purpose) -> Stream {
    let key = splitmix64(splitmix64(seed) ^ iteration.wrapping_mul(4).wrapping_add(purpose as u64));
    Xoshiro256PlusPlus::seed_from_u64(key)
}

/// A seed of its own for a part of the program (`tag`) derived from the run's `seed`: its
/// streams are independent of the run's, whatever their keys.
pub fn subseed(seed: u64, tag: u64) -> u64 {
    splitmix64(splitmix64(seed ^ 0xF011_0000_5EED_0000) ^ splitmix64(tag))
}

/// The generator of [`keyed`] streams: SplitMix64, which needs no set-up beyond its one word
/// of state, for the short streams of the count path's cells.
pub type KeyedStream = SplitMix64;

/// The stream of one part of an iteration named by `words` (e.g. a cell of the count path in
/// year `year`), under a key drawn from the iteration's stream: independent of every other
/// name's, whatever the order in which they are used. The words are hashed two at a time
/// (SplitMix64's finaliser), so names of one length are told apart.
pub fn keyed(key: u64, year: u32, words: &[u32]) -> KeyedStream {
    let mut h = splitmix64(key ^ u64::from(year));
    for pair in words.chunks(2) {
        let high = pair.get(1).map_or(0, |&w| u64::from(w) << 32);
        h = splitmix64(h ^ u64::from(pair[0]) ^ high);
    }
    SplitMix64::seed_from_u64(h)
}

/// A uniform draw in the open interval (0, 1), for quantile functions.
pub fn open01(rng: &mut Stream) -> f64 {
    let bits: u64 = rng.random();
    // 52 bits plus one half: the largest value, 1 − 2^-53, is exactly representable
    // (with 53 bits, 1 − 2^-54 would round up to 1.0).
    ((bits >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

/// A uniform draw in [0, 1).
#[inline(always)]
pub fn unit(rng: &mut Stream) -> f64 {
    rng.random()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_iteration_and_purpose_and_repeat_by_key() {
        let a = unit(&mut stream(1, 0, Purpose::Cohort));
        let b = unit(&mut stream(1, 1, Purpose::Cohort));
        let c = unit(&mut stream(1, 0, Purpose::Parameters));
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, unit(&mut stream(1, 0, Purpose::Cohort)));
    }

    #[test]
    fn open01_never_hits_the_ends() {
        let mut rng = stream(7, 3, Purpose::Parameters);
        for _ in 0..10_000 {
            let u = open01(&mut rng);
            assert!(u > 0.0 && u < 1.0);
        }
    }
}
