//! The outbox: where a pure handler writes what it wants to happen.
//!
//! Handlers never touch time, randomness, subscriptions or delivery. They say "publish
//! this" (when the handler's work is done), "publish this at that time" (the alarm
//! clock), "hand this to that cook" (the dispatcher), "follow this order" (the house),
//! "print this" (the printer), or leave a note; the executor carries it out and turns
//! publications into envelopes with derived ids.

use crate::ids;
use crate::message::{CausationId, Envelope, Message};
use crate::order::Order;
use std::rc::Rc;
use uuid::Uuid;

/// Something a handler noticed that publishes nothing, for the report and the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// A timeout for a step already answered, or for an older attempt (the alarm clock
    /// cannot cancel an alarm: normal, nothing to do).
    TimeoutIgnored,
    /// A message for an order this house does not know.
    UnknownOrder,
    /// A retry was refused past the time to live, but an earlier attempt may still be
    /// cooking: the cooking timeout decides.
    EarlierAttemptMayCook,
    /// The cashier refused a repeated payment or refund request: the first request's answer
    /// arrives (or arrived) on its own.
    RepeatRefused,
}

impl Note {
    /// Human wording.
    pub fn text(self) -> &'static str {
        match self {
            Note::TimeoutIgnored => "timeout for a step already answered: nothing to do",
            Note::UnknownOrder => "not an order of this house",
            Note::EarlierAttemptMayCook => "retry refused past its time to live; an earlier attempt may still cook",
            Note::RepeatRefused => "the cashier refused a repeated request: the first one's answer comes on its own",
        }
    }
}

/// One effect a handler asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Publish when the handler's work is done.
    Publish(Message),
    /// Publish at a given simulated time (the alarm clock).
    PublishAt(u64, Message),
    /// Publish when the work is done, with an id of its own kind (the house announcing
    /// `ProcessStarted`, apart from the process manager's decisions).
    Announce(Message),
    /// Publish a message that starts a correlation, headers given (the waiter). Boxed, so
    /// that an effect takes 24 bytes: the executor moves every one.
    Start(Box<Envelope>),
    /// Give the delivered message to cook number `n` (the dispatcher).
    HandTo(usize),
    /// Keep the delivered message at the head of the mailbox: no cook may take it now.
    Hold,
    /// From now on, deliver this correlation's messages of the types in the mask to the
    /// handler (the house following an order).
    Follow(Uuid, u32),
    /// Print a receipt for this document (the printer).
    Print(Rc<Order>),
}

/// What one handler invocation wants to happen.
#[derive(Debug, Default, Clone)]
pub struct Outbox {
    /// Effects, in order; a publication's position among publications fixes its id.
    pub effects: Vec<Effect>,
    /// Things noticed.
    pub notes: Vec<Note>,
    discard: bool,
}

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Self {
        Outbox::default()
    }

    /// An outbox that drops everything: side effects switched off, for rebuilding a
    /// process from its history.
    pub fn discarding() -> Self {
        Outbox { discard: true, ..Outbox::default() }
    }

    /// Whether side effects are switched off (rebuilding): a handler may skip building
    /// messages that would be dropped anyway.
    pub fn is_discarding(&self) -> bool {
        self.discard
    }

    /// Asks for `effect`.
    pub fn push(&mut self, effect: Effect) {
        if !self.discard {
            self.effects.push(effect);
        }
    }

    /// Publish `msg` when the handler's work is done.
    pub fn publish(&mut self, msg: Message) {
        self.push(Effect::Publish(msg));
    }

    /// Publish `msg` at simulated time `at_ms`.
    pub fn publish_at(&mut self, at_ms: u64, msg: Message) {
        self.push(Effect::PublishAt(at_ms, msg));
    }

    /// Record a note.
    pub fn note(&mut self, note: Note) {
        if !self.discard {
            self.notes.push(note);
        }
    }

    /// Empties the outbox for reuse.
    pub fn clear(&mut self) {
        self.effects.clear();
        self.notes.clear();
    }

    /// The publications (plain, timed and announced), in order, without the other effects.
    pub fn publications(&self) -> impl Iterator<Item = &Message> {
        self.effects.iter().filter_map(|e| match e {
            Effect::Publish(m) | Effect::PublishAt(_, m) | Effect::Announce(m) => Some(m),
            _ => None,
        })
    }

    /// The publications as envelopes answering message `cause` of correlation
    /// `correlation_id`, handled by `actor_tag` (copy `copy` of the delivery; pass 0 to give
    /// a duplicate's answers the first copy's ids), with `done_ms` as the time of plain
    /// publications: `(publish time, envelope)` pairs in order. `announce_tag` is the id tag
    /// of [`Effect::Announce`]. The messages are moved out: the outbox is left without
    /// effects (the others are skipped).
    pub fn envelopes(
        &mut self,
        cause: Uuid,
        correlation_id: Uuid,
        actor_tag: u32,
        announce_tag: u32,
        copy: u8,
        done_ms: u64,
    ) -> impl Iterator<Item = (u64, Envelope)> + '_ {
        let mut sealer = Sealer { cause, correlation_id, actor_tag, announce_tag, copy, done_ms, position: 0 };
        self.effects.drain(..).filter_map(move |effect| sealer.seal(effect))
    }
}

/// Gives a handler's publications their envelopes, numbering them in order (the number
/// is part of the id).
struct Sealer {
    cause: Uuid,
    correlation_id: Uuid,
    actor_tag: u32,
    announce_tag: u32,
    copy: u8,
    done_ms: u64,
    position: u8,
}

impl Sealer {
    fn seal(&mut self, effect: Effect) -> Option<(u64, Envelope)> {
        let (at, body, tag, pos) = match effect {
            Effect::Publish(m) => (self.done_ms, m, self.actor_tag, self.position),
            Effect::PublishAt(at, m) => (at, m, self.actor_tag, self.position),
            Effect::Announce(m) => (self.done_ms, m, self.announce_tag, 0),
            Effect::Start(env) => return Some((self.done_ms, *env)),
            _ => return None,
        };
        if tag == self.actor_tag {
            self.position = self.position.wrapping_add(1);
        }
        let env = Envelope {
            id: ids::derive(self.cause, tag, if tag == self.actor_tag { self.copy } else { 0 }, pos),
            correlation_id: self.correlation_id,
            causation_id: CausationId::of(self.cause),
            at_ms: at,
            body,
        };
        Some((at, env))
    }
}
