//! Topic pub/sub: subscribe by message type, or by correlation id with a type mask.
//!
//! The bus only answers "who hears this publication?"; the executor delivers.

use crate::message::{Envelope, MessageType};
use crate::store::IdMap;
use uuid::Uuid;

/// Index of an actor in the simulation.
pub type ActorId = u16;

/// A type mask meaning "every type".
pub const ALL_TYPES: u32 = u32::MAX;

/// Subscriptions by type and by correlation.
#[derive(Debug, Clone, Default)]
pub struct Bus {
    by_type: Vec<Vec<ActorId>>,
    by_correlation: IdMap<Vec<(ActorId, u32)>>,
}

impl Bus {
    /// A bus with no subscriptions.
    pub fn new() -> Self {
        Bus { by_type: vec![Vec::new(); MessageType::ALL.len()], by_correlation: IdMap::default() }
    }

    /// `actor` hears every message of type `t`.
    pub fn subscribe_type(&mut self, t: MessageType, actor: ActorId) {
        let subs = &mut self.by_type[t as usize];
        if !subs.contains(&actor) {
            subs.push(actor);
        }
    }

    /// `actor` no longer hears type `t`.
    pub fn unsubscribe_type(&mut self, t: MessageType, actor: ActorId) {
        self.by_type[t as usize].retain(|&a| a != actor);
    }

    /// `actor` hears the messages of correlation `id` whose type bit is in `mask`.
    pub fn subscribe_correlation(&mut self, id: Uuid, actor: ActorId, mask: u32) {
        let subs = self.by_correlation.entry(id).or_default();
        subs.retain(|&(a, _)| a != actor);
        subs.push((actor, mask));
    }

    /// `actor` no longer hears correlation `id`.
    pub fn unsubscribe_correlation(&mut self, id: &Uuid, actor: ActorId) {
        if let Some(subs) = self.by_correlation.get_mut(id) {
            subs.retain(|&(a, _)| a != actor);
            if subs.is_empty() {
                self.by_correlation.remove(id);
            }
        }
    }

    /// Number of correlations with at least one subscriber.
    pub fn correlation_topics(&self) -> usize {
        self.by_correlation.len()
    }

    /// Calls `deliver` once for each subscriber of `env`: by type first, then by
    /// correlation; an actor subscribed both ways hears it once.
    pub fn route(&self, env: &Envelope, mut deliver: impl FnMut(ActorId)) {
        let t = env.message_type();
        let by_type = &self.by_type[t as usize];
        for &actor in by_type {
            deliver(actor);
        }
        if let Some(subs) = self.by_correlation.get(&env.correlation_id) {
            for &(actor, mask) in subs {
                if mask & t.bit() != 0 && !by_type.contains(&actor) {
                    deliver(actor);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Message, WorkStep};

    fn env(corr: u128) -> Envelope {
        Envelope {
            id: Uuid::from_u128(1),
            correlation_id: Uuid::from_u128(corr),
            causation_id: crate::message::CausationId::NONE,
            at_ms: 0,
            body: Message::StepTimedOut { step: WorkStep::Cook, attempt: 1 },
        }
    }

    fn heard(bus: &Bus, e: &Envelope) -> Vec<ActorId> {
        let mut out = Vec::new();
        bus.route(e, |a| out.push(a));
        out
    }

    #[test]
    fn both_kinds_of_subscriber_hear_a_publication_once() {
        let mut bus = Bus::new();
        bus.subscribe_type(MessageType::StepTimedOut, 1);
        bus.subscribe_correlation(Uuid::from_u128(9), 2, MessageType::StepTimedOut.bit());
        bus.subscribe_correlation(Uuid::from_u128(9), 1, ALL_TYPES);
        bus.subscribe_correlation(Uuid::from_u128(9), 3, MessageType::FoodCooked.bit());
        assert_eq!(heard(&bus, &env(9)), vec![1, 2]);
        assert_eq!(heard(&bus, &env(8)), vec![1]);
        bus.unsubscribe_type(MessageType::StepTimedOut, 1);
        bus.unsubscribe_correlation(&Uuid::from_u128(9), 2);
        assert_eq!(heard(&bus, &env(9)), vec![1]);
        bus.unsubscribe_correlation(&Uuid::from_u128(9), 1);
        bus.unsubscribe_correlation(&Uuid::from_u128(9), 3);
        assert_eq!(bus.correlation_topics(), 0);
    }
}
