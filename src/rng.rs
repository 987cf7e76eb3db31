//! A small portable seeded random generator (SplitMix64).
//!
//! The simulation owns every random draw through this type, so the same seed gives the
//! same run on every platform, natively and in WebAssembly.

/// A seeded SplitMix64 generator: fast, portable, and good enough for a simulation.
///
/// ```
/// use brigade::rng::Rng;
/// let mut a = Rng::new(7);
/// let mut b = Rng::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole future is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// A generator for an independent stream `stream` of the same seed.
    pub fn stream(seed: u64, stream: u64) -> Self {
        Rng::new(mix64(seed ^ mix64(stream.wrapping_add(0x5851_f42d_4c95_7f2d))))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.state)
    }

    /// A uniform float in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p` (no draw is made when `p` is 0 or 1).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.next_f64() < p
        }
    }

    /// A uniform integer in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

/// `value` moved by up to `permille` thousandths of itself either way, as `draw` (any 64
/// random bits) says: evenly from −1000 to 1000 thousandths of the share, in whole numbers
/// so that every platform moves it alike (the retries' and the cooks' seeded jitter).
///
/// ```
/// use brigade::rng::jittered;
/// assert_eq!(jittered(1000, 0, 12345), 1000);
/// assert!((900..=1100).contains(&jittered(1000, 100, 987_654_321)));
/// ```
pub fn jittered(value: u64, permille: u32, draw: u64) -> u64 {
    let r = (draw % 2001) as i128 - 1000;
    (value as i128 + value as i128 * permille as i128 * r / 1_000_000).max(0) as u64
}

/// The SplitMix64 finaliser: a bijective 64-bit mixing function.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_streams_differ() {
        let mut a = Rng::stream(42, 1);
        let mut b = Rng::stream(42, 1);
        let mut c = Rng::stream(42, 2);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn below_and_chance_stay_in_range() {
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            assert!(r.below(3) < 3);
            let f = r.next_f64();
            assert!((0.0..1.0).contains(&f));
        }
        let hits = (0..10_000).filter(|_| r.chance(0.25)).count();
        assert!((2_200..2_800).contains(&hits), "{hits}");
        assert!(!r.chance(0.0));
        assert!(r.chance(1.0));
    }
}
