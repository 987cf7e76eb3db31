//! When the waiter's own orders arrive: evenly (`fixed`, every `interval_ms`), at random
//! (`poisson`: gaps drawn from an exponential of mean `interval_ms`, seeded), or in rushes
//! (`rush`: `rush_size` orders at once, one rush every `rush_size` intervals) — "there is
//! no such thing as uniform load".
//!
//! Every draw uses whole numbers or the four basic operations of floating point, which
//! every platform rounds alike: the same seed gives the same arrivals natively and in
//! WebAssembly.

use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

/// How the waiter's own orders arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, EnumIter, IntoStaticStr, EnumString)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub enum Arrivals {
    /// One every `interval_ms`.
    #[default]
    Fixed,
    /// Independent arrivals: exponential gaps of mean `interval_ms`.
    Poisson,
    /// `rush_size` orders at once, a rush every `rush_size × interval_ms`.
    Rush,
}

impl Arrivals {
    /// The config and CLI word.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The arrivals called `name`.
    pub fn from_name(name: &str) -> Option<Arrivals> {
        name.parse().ok()
    }

    /// Whether this is the default (a config writes the key only otherwise).
    pub fn is_fixed(&self) -> bool {
        *self == Arrivals::Fixed
    }
}

/// When order `n` (from 0) arrives, the one before having arrived at `previous`; `rng`
/// is the arrivals' own seeded stream (drawn from only for `poisson`).
///
/// ```
/// use brigade::arrivals::{arrival, Arrivals};
/// use brigade::rng::Rng;
/// let mut rng = Rng::new(1);
/// assert_eq!((0..4).map(|n| arrival(Arrivals::Fixed, n, 0, 100, 5, &mut rng)).collect::<Vec<_>>(), [0, 100, 200, 300]);
/// let rush: Vec<u64> = (0..7).map(|n| arrival(Arrivals::Rush, n, 0, 100, 3, &mut rng)).collect();
/// assert_eq!(rush, [0, 0, 0, 300, 300, 300, 600]);
/// ```
pub fn arrival(kind: Arrivals, n: u32, previous: u64, interval_ms: u64, rush_size: u32, rng: &mut Rng) -> u64 {
    match kind {
        Arrivals::Fixed => n as u64 * interval_ms,
        Arrivals::Rush => {
            let size = rush_size.max(1) as u64;
            n as u64 / size * size * interval_ms
        }
        Arrivals::Poisson if n == 0 => 0,
        Arrivals::Poisson => previous + exponential(rng, interval_ms),
    }
}

/// A gap drawn from an exponential distribution of mean `mean_ms`, rounded to whole ms.
fn exponential(rng: &mut Rng, mean_ms: u64) -> u64 {
    // u in (0, 1]: never the log of 0
    let u = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
    let gap = -ln(u) * mean_ms as f64;
    // at most 50 means (a chance of e^-50)
    (gap.min(50.0 * mean_ms as f64) + 0.5) as u64
}

/// The natural logarithm of `x` in (0, 1], from the four basic operations only: `x` =
/// m × 2^e with m in [1, 2), ln m = 2 atanh((m − 1)/(m + 1)) by its series.
fn ln(x: f64) -> f64 {
    const LN_2: f64 = std::f64::consts::LN_2;
    let (mut m, mut e) = (x, 0i32);
    while m < 1.0 {
        m *= 2.0;
        e -= 1;
    }
    let z = (m - 1.0) / (m + 1.0);
    let (z2, mut term, mut sum) = (z * z, z, 0.0);
    for k in 0..30 {
        sum += term / (2 * k + 1) as f64;
        term *= z2;
    }
    2.0 * sum + e as f64 * LN_2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logarithm_is_the_standard_one() {
        for x in [1.0, 0.75, 0.5, 0.1, 1e-3, 1e-9, 1.0 / (1u64 << 53) as f64] {
            assert!((ln(x) - x.ln()).abs() < 1e-12 * (1.0 + x.ln().abs()), "{x}: {} vs {}", ln(x), x.ln());
        }
    }

    #[test]
    fn poisson_gaps_average_the_interval_and_repeat_with_the_seed() {
        let draw = |seed| {
            let mut rng = Rng::new(seed);
            let mut at = 0;
            (0..20_000)
                .map(|n| {
                    at = arrival(Arrivals::Poisson, n, at, 200, 5, &mut rng);
                    at
                })
                .collect::<Vec<u64>>()
        };
        let a = draw(3);
        assert_eq!(a, draw(3));
        assert_ne!(a, draw(4));
        let mean = *a.last().unwrap() as f64 / 19_999.0;
        assert!((190.0..210.0).contains(&mean), "mean gap {mean}");
        // memoryless: about e^-1 of the gaps are longer than the mean
        let long = a.windows(2).filter(|w| w[1] - w[0] > 200).count() as f64 / 19_999.0;
        assert!((0.35..0.39).contains(&long), "{long}");
    }
}
