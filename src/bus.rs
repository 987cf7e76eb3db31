//! Topic pub/sub by message type (with a customer filter); the subscriptions by
//! correlation id live with the order's stream in the [store](crate::store).
//!
//! The bus only answers "who hears this publication?"; the executor delivers.

use crate::message::{Envelope, MessageType};
use crate::wiring::Customers;

pub use crate::role::ActorId;

/// A type mask meaning "every type".
pub const ALL_TYPES: u32 = u32::MAX;

/// Subscriptions by type.
#[derive(Debug, Clone, Default)]
pub struct Bus {
    by_type: Vec<Vec<(ActorId, Customers)>>,
}

impl Bus {
    /// A bus with no subscriptions.
    pub fn new() -> Self {
        Bus { by_type: vec![Vec::new(); MessageType::COUNT] }
    }

    /// `actor` hears every message of type `t` about an order of `customers`.
    pub fn subscribe_type(&mut self, t: MessageType, actor: ActorId, customers: Customers) {
        let subs = &mut self.by_type[t as usize];
        if !subs.contains(&(actor, customers)) {
            subs.push((actor, customers));
        }
    }

    /// Calls `deliver` once for each subscriber by type of `env` (an actor subscribed
    /// twice hears it once).
    pub fn route(&self, env: &Envelope, mut deliver: impl FnMut(ActorId)) {
        let dodgy = env.body.order().map(|o| o.dodgy);
        let subs = &self.by_type[env.message_type() as usize];
        for (i, &(actor, customers)) in subs.iter().enumerate() {
            if customers.includes(dodgy) && !subs[..i].iter().any(|&(a, c)| a == actor && c.includes(dodgy)) {
                deliver(actor);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{CausationId, Message};
    use crate::order::Order;
    use crate::rng::Rng;
    use std::rc::Rc;
    use uuid::Uuid;

    fn placed(dodgy: bool) -> Envelope {
        Envelope {
            id: Uuid::from_u128(1),
            correlation_id: Uuid::from_u128(2),
            causation_id: CausationId::NONE,
            at_ms: 0,
            body: Message::OrderPlaced { order: Rc::new(Order::draw(&mut Rng::new(1), dodgy, 0)) },
        }
    }

    fn heard(bus: &Bus, e: &Envelope) -> Vec<ActorId> {
        let mut out = Vec::new();
        bus.route(e, |a| out.push(a));
        out
    }

    #[test]
    fn subscribers_hear_only_their_customers_and_once() {
        let mut bus = Bus::new();
        bus.subscribe_type(MessageType::OrderPlaced, 1, Customers::Normal);
        bus.subscribe_type(MessageType::OrderPlaced, 2, Customers::Dodgy);
        bus.subscribe_type(MessageType::OrderPlaced, 3, Customers::All);
        bus.subscribe_type(MessageType::OrderPlaced, 3, Customers::Normal);
        assert_eq!(heard(&bus, &placed(false)), vec![1, 3]);
        assert_eq!(heard(&bus, &placed(true)), vec![2, 3]);
    }
}
