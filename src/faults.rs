//! Unreliable delivery: seeded drop and duplicate faults on deliveries to workers.
//!
//! Faults belong to the delivery layer, not to the actors: the executor asks [`fate`]
//! once per delivery to a cook, the assistant manager or the cashier. (The other fault
//! of the workshop, time to live, is the cook's check in
//! [`Order::expired`](crate::order::Order::expired).)

use crate::rng::Rng;

pub use crate::fate::Fate;

/// Draws the fate of one delivery: lost with probability `drop`, otherwise duplicated
/// with probability `duplicate`.
///
/// ```
/// use brigade::faults::{fate, Fate};
/// use brigade::rng::Rng;
/// let mut rng = Rng::new(1);
/// assert_eq!(fate(&mut rng, 1.0, 0.0), Fate::Lost);
/// assert_eq!(fate(&mut rng, 0.0, 0.0), Fate::Delivered);
/// assert_eq!(fate(&mut rng, 0.0, 1.0), Fate::Duplicated);
/// ```
pub fn fate(rng: &mut Rng, drop: f64, duplicate: f64) -> Fate {
    if rng.chance(drop) {
        Fate::Lost
    } else if rng.chance(duplicate) {
        Fate::Duplicated
    } else {
        Fate::Delivered
    }
}
