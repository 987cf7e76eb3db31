//! The kernel's moving parts: everything that changes as the world steps, and what it
//! keeps beside the actors (delayed deliveries, documents, the floor an actor sees).

use super::*;

/// A delivery a person delayed: it enters `actor`'s mailbox again at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Delayed {
    pub(super) at: u64,
    pub(super) actor: ActorId,
    pub(super) seq: u32,
    pub(super) copy: u8,
}

/// A document an actor put on the side log ([`Effect::Document`]: a receipt printed), and
/// when.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Document {
    pub(super) step: u32,
    pub(super) at_ms: u64,
    pub(super) correlation_id: Uuid,
    pub(super) document: Rc<Order>,
}

/// Everything that changes as the world steps, apart from the recorded frontier.
#[derive(Debug, Clone)]
pub(super) struct Volatile {
    pub(super) now: u64,
    pub(super) steps: usize,
    pub(super) outputs: u32,
    pub(super) faults_len: usize,
    pub(super) printed_len: usize,
    /// One mailbox per actor; an actor's requests from outside (the waiter's orders to
    /// take) wait there too, as mail at [`TAKE_ORDER`], in step with the actor's own queue.
    pub(super) mail: Mailboxes,
    pub(super) busy_until: Vec<u64>,
    /// Each actor's queue and work, added up ([`crate::sim::load::Load`]).
    pub(super) load: Vec<crate::sim::load::Load>,
    pub(super) scheduler: Scheduler,
    pub(super) next_mail: u64,
    pub(super) next_scheduled: u32,
    /// When the waiter's next own order arrives ([`crate::arrivals`]).
    pub(super) next_arrival: u64,
    /// The arrivals' own seeded stream (drawn from only for Poisson arrivals).
    pub(super) arrival_rng: Rng,
    pub(super) actors: Vec<Actor>,
    pub(super) order_rng: Rng,
    pub(super) fault_rng: Rng,
    pub(super) version: u8,
    pub(super) next_input: usize,
    pub(super) stats: Stats,
    pub(super) sampler: Sampler,
    /// Deliveries a person delayed, waiting to re-enter their mailbox.
    pub(super) delayed: Vec<Delayed>,
    /// Fates a person chose for messages in flight: `(output, actor, fate)`.
    pub(super) fates: Vec<(u32, ActorId, Fate)>,
    /// The roles several workers share ([`super::share`]); empty when each has one.
    pub(super) shares: Vec<super::share::Share>,
    /// Crashes, poison messages and idempotent consumers ([`super::failures`]).
    pub(super) failures: super::failures::FailureState,
}

/// What an actor sees of the others: their mailboxes and when each is free.
pub(super) struct FloorView<'a> {
    pub(super) mail: &'a Mailboxes,
    pub(super) busy_until: &'a [u64],
    pub(super) actors: &'a [ActorInfo],
}

impl Floor for FloorView<'_> {
    #[inline]
    fn load(&self, actor: ActorId) -> (usize, u64) {
        (self.mail[actor as usize].len(), self.busy_until[actor as usize])
    }

    #[inline]
    fn role(&self, actor: ActorId) -> Option<Role> {
        self.actors.get(actor as usize).map(|a| a.kind.role())
    }
}
