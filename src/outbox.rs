//! The outbox: where a pure handler writes what it wants to happen.
//!
//! Handlers never touch time, randomness or delivery. They say "publish this" (when the
//! handler's work is done), "publish this at that time" (the alarm clock), or leave a
//! note for the report; the executor turns the outbox into envelopes with derived ids.

use crate::ids;
use crate::message::{CausationId, Envelope, Message};

/// Something a handler noticed, for the report and the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// A repeated answer (for example a second `FoodCooked`) was ignored.
    DuplicateIgnored,
    /// A message that no longer matters (an old timeout, a late answer) was ignored.
    StaleIgnored,
    /// The cashier refused to charge an order twice.
    AlreadyPaid,
}

impl Note {
    /// Human wording.
    pub fn text(self) -> &'static str {
        match self {
            Note::DuplicateIgnored => "duplicate ignored",
            Note::StaleIgnored => "stale message ignored",
            Note::AlreadyPaid => "already paid: not charged again",
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
}

/// What one handler invocation wants to happen.
#[derive(Debug, Default, Clone)]
pub struct Outbox {
    /// Publications, in order; their position fixes their derived id.
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

    /// Publish `msg` when the handler's work is done.
    pub fn publish(&mut self, msg: Message) {
        if !self.discard {
            self.effects.push(Effect::Publish(msg));
        }
    }

    /// Publish `msg` at simulated time `at_ms`.
    pub fn publish_at(&mut self, at_ms: u64, msg: Message) {
        if !self.discard {
            self.effects.push(Effect::PublishAt(at_ms, msg));
        }
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

    /// Takes the effects out as envelopes answering `cause`, handled by `actor_tag` (copy
    /// `copy` of the delivery), with `done_ms` as the time of plain publications.
    /// Yields `(publish time, envelope)` pairs; the outbox is left empty of effects.
    pub fn envelopes<'a>(
        &'a mut self,
        cause: &'a Envelope,
        actor_tag: u32,
        copy: u8,
        done_ms: u64,
    ) -> impl Iterator<Item = (u64, Envelope)> + 'a {
        self.effects.drain(..).enumerate().map(move |(position, effect)| {
            let (at, body) = match effect {
                Effect::Publish(m) => (done_ms, m),
                Effect::PublishAt(at, m) => (at, m),
            };
            let env = Envelope {
                id: ids::derive(cause.id, actor_tag, copy, position as u8),
                correlation_id: cause.correlation_id,
                causation_id: CausationId::of(cause.id),
                at_ms: at,
                body,
            };
            (at, env)
        })
    }
}
