//! The waiter: takes an order at a table and announces it.

use crate::ids;
use crate::message::{CausationId, Envelope, Message};
use crate::order::Order;
use crate::rng::Rng;
use std::rc::Rc;
use uuid::Uuid;

/// Takes one order at `now_ms`: draws table and dishes from `rng`, and returns the
/// `OrderPlaced` event that starts the order's correlation `correlation_id`.
///
/// ```
/// use brigade::actors::waiter::take_order;
/// use brigade::rng::Rng;
/// let placed = take_order(&mut Rng::new(1), uuid::Uuid::from_u128(9), false, 120);
/// assert_eq!(placed.causation(), None);
/// assert_eq!(placed.at_ms, 120);
/// ```
pub fn take_order(rng: &mut Rng, correlation_id: Uuid, dodgy: bool, now_ms: u64) -> Envelope {
    let order = Order::draw(rng, dodgy, now_ms);
    Envelope {
        id: ids::fresh(rng),
        correlation_id,
        causation_id: CausationId::NONE,
        at_ms: now_ms,
        body: Message::OrderPlaced { order: Rc::new(order) },
    }
}
