//! The outbox: where a pure handler writes what it wants to happen.
//!
//! Handlers never touch time, randomness, subscriptions or delivery. They say "publish
//! this" (when the handler's work is done), "publish this at that time" (the alarm
//! clock), "hand this to that actor" (the dispatcher), "follow this order" (the house),
//! "put this document on the run's side log" (the printer), or leave a note; the
//! executor carries it out and turns publications into envelopes with derived ids.

use crate::ids;
use crate::message::{CausationId, Envelope, Message};
use crate::order::Order;
use crate::role::ActorId;
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
    /// A cook cooked the food of an order (whatever its answer is called in the wiring):
    /// the report's cooking per cook counts these.
    Cooked,
}

impl Note {
    /// Human wording.
    pub fn text(self) -> &'static str {
        match self {
            Note::TimeoutIgnored => "timeout for a step already answered: nothing to do",
            Note::UnknownOrder => "not an order of this house",
            Note::EarlierAttemptMayCook => "retry refused past its time to live; an earlier attempt may still cook",
            Note::RepeatRefused => "the cashier refused a repeated request: the first one's answer comes on its own",
            Note::Cooked => "cooked the food",
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
    /// Give the delivered message to another actor, through the fault layer as a
    /// delivery of its own (the dispatcher handing `CookFood` to a cook).
    HandTo(ActorId),
    /// Keep the delivered message at the head of the mailbox: no cook may take it now.
    Hold,
    /// From now on, deliver this correlation's messages of the types in the mask to the
    /// handler (the house following an order).
    Follow(Uuid, u32),
    /// Put this document on the run's side log of documents, with the step, time and
    /// order it belongs to (the printer's receipts).
    Document(Rc<Order>),
    /// The handler failed on the message (a poison message): nothing it decided happens;
    /// the executor tries the delivery again or dead-letters it.
    Fail(crate::message::PoisonReason),
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

    /// The publications as envelopes sealed with `seal`'s headers: `(publish time,
    /// envelope)` pairs in order. The messages are moved out: the outbox is left without
    /// effects (the others are skipped).
    pub fn envelopes(&mut self, seal: Seal) -> impl Iterator<Item = (u64, Envelope)> + '_ {
        let mut sealer = Sealer { seal, position: 0 };
        self.effects.drain(..).filter_map(move |effect| sealer.seal(effect))
    }

    /// [`Outbox::envelopes`], handing each `(publish time, envelope)` to `publish` as it is
    /// sealed (the executor's way: no iterator state kept between the two).
    pub fn seal_each(&mut self, seal: Seal, mut publish: impl FnMut(u64, Envelope)) {
        let mut sealer = Sealer { seal, position: 0 };
        for effect in self.effects.drain(..) {
            if let Some((at, env)) = sealer.seal(effect) {
                publish(at, env);
            }
        }
    }
}

/// The headers a handler's publications get ([`Outbox::envelopes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seal {
    /// The message handled: every publication's cause, and the root of its id.
    pub cause: Uuid,
    /// Its correlation.
    pub correlation_id: Uuid,
    /// The handler's id tag.
    pub actor_tag: u32,
    /// The id tag of [`Effect::Announce`].
    pub announce_tag: u32,
    /// Which copy of the delivery was handled (pass 0 to give a duplicate's answers the
    /// first copy's ids).
    pub copy: u8,
    /// The time of plain publications: when the handler's work is done.
    pub done_ms: u64,
}

impl Seal {
    /// The headers of the answers to `env`, published at its own time (a process rebuilt
    /// from its history: `actor_tag` for its decisions, `announce_tag` for announcements),
    /// with the first copy's ids.
    pub fn of(env: &Envelope, actor_tag: u32, announce_tag: u32) -> Seal {
        Seal { cause: env.id, correlation_id: env.correlation_id, actor_tag, announce_tag, copy: 0, done_ms: env.at_ms }
    }
}

/// Gives a handler's publications their envelopes, numbering them in order (the number
/// is part of the id).
struct Sealer {
    seal: Seal,
    position: u8,
}

impl Sealer {
    #[inline]
    fn seal(&mut self, effect: Effect) -> Option<(u64, Envelope)> {
        let Seal { cause, correlation_id, actor_tag, announce_tag, copy, done_ms } = self.seal;
        let (at, body, tag, pos) = match effect {
            Effect::Publish(m) => (done_ms, m, actor_tag, self.position),
            Effect::PublishAt(at, m) => (at, m, actor_tag, self.position),
            Effect::Announce(m) => (done_ms, m, announce_tag, 0),
            Effect::Start(env) => return Some((done_ms, *env)),
            _ => return None,
        };
        if tag == actor_tag {
            self.position = self.position.wrapping_add(1);
        }
        let env = Envelope {
            id: ids::derive(cause, tag, if tag == actor_tag { copy } else { 0 }, pos),
            correlation_id,
            causation_id: CausationId::of(cause),
            at_ms: at,
            body,
        };
        Some((at, env))
    }
}
