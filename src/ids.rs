//! Deterministic message ids.
//!
//! A message that starts an order gets an id drawn from the run's seeded generator. Every
//! other message's id is *derived* from the message that caused it, the actor that
//! handled that message, which copy of a duplicated delivery it was, and its position in
//! the handler's output. Re-running a handler (as a rebuilt process manager does)
//! therefore re-issues exactly the same ids, and receivers can de-duplicate by id.

use crate::rng::{mix64, Rng};
use uuid::Uuid;

/// Id tag of the process managers' decisions (the house handling a message).
pub const TAG_HOUSE: u32 = 2;
/// Id tag of the house's own `ProcessStarted`.
pub const TAG_HOUSE_STARTED: u32 = 3;

/// A fresh id from the run's generator (for messages that start an order).
pub fn fresh(rng: &mut Rng) -> Uuid {
    let hi = rng.next_u64();
    let lo = rng.next_u64();
    as_uuid(hi, lo)
}

/// The id of output number `position` of `actor_tag` handling copy `copy` of `cause`.
///
/// ```
/// use brigade::ids::derive;
/// use uuid::Uuid;
/// let cause = Uuid::from_u128(7);
/// assert_eq!(derive(cause, 1, 0, 0), derive(cause, 1, 0, 0));
/// assert_ne!(derive(cause, 1, 0, 0), derive(cause, 1, 0, 1));
/// assert_ne!(derive(cause, 1, 0, 0), derive(cause, 1, 1, 0));
/// ```
pub fn derive(cause: Uuid, actor_tag: u32, copy: u8, position: u8) -> Uuid {
    let (hi, lo) = cause.as_u64_pair();
    let salt = ((actor_tag as u64) << 16) | ((copy as u64) << 8) | position as u64;
    let a = mix64(hi ^ mix64(salt.wrapping_add(0x243f_6a88_85a3_08d3)));
    let b = mix64(lo ^ a.rotate_left(17) ^ salt);
    as_uuid(a ^ mix64(b), b)
}

/// 128 random bits shaped as a version-4 UUID.
fn as_uuid(hi: u64, lo: u64) -> Uuid {
    // `uuid::Builder::from_random_bytes` on the big-endian bytes: version 4 in byte 6,
    // the RFC 4122 variant in byte 8, done on the two words
    let hi = (hi & !0xf000) | 0x4000;
    let lo = (lo & !(0xc0 << 56)) | (0x80 << 56);
    Uuid::from_u64_pair(hi, lo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn derived_ids_do_not_collide_over_many_causes() {
        let mut rng = Rng::new(3);
        let mut seen = HashSet::new();
        for _ in 0..2_000 {
            let cause = fresh(&mut rng);
            assert!(seen.insert(cause));
            for tag in 0..4 {
                for pos in 0..3 {
                    assert!(seen.insert(derive(cause, tag, 0, pos)));
                }
            }
        }
    }

    #[test]
    fn the_words_give_the_bytes_uuid_builds_from_random_bytes() {
        let mut rng = Rng::new(11);
        for _ in 0..1_000 {
            let (hi, lo) = (rng.next_u64(), rng.next_u64());
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&hi.to_be_bytes());
            bytes[8..].copy_from_slice(&lo.to_be_bytes());
            assert_eq!(as_uuid(hi, lo), uuid::Builder::from_random_bytes(bytes).into_uuid());
        }
    }

    #[test]
    fn ids_are_version_4_uuids() {
        let id = derive(Uuid::from_u128(1), 0, 0, 0);
        assert_eq!(id.get_version_num(), 4);
    }
}
