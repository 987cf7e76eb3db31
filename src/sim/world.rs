//! The executor: one world, stepped one delivery at a time.
//!
//! The world owns the clock, the seeded generators, the mailboxes, the pending
//! publications and the trace. It applies the [wiring](crate::wiring) to the bus, hands
//! each message to its actor's handler ([`Actor::handle`]) and carries out the outbox:
//! message → mailbox → handler → outbox → executor → store → bus.
//!
//! This file is the kernel and names no actor: what an actor does, when it can take its
//! mail ([`Actor::ready_at`]) and the requests it takes from outside
//! ([`Actor::arrive`]) are behind the one actor interface. Setting the floor up
//! (`build`), a person's inputs (`inputs`, `manual`), reading (`read`) and the canonical
//! state (`canonical`) are in the files beside it.

use super::actor::{ActorInfo, ActorKind};
use super::fault::{Fault, FaultRecord};
use super::input::{check_inputs, Action, FateTarget, Input};
use super::mailboxes::{Mail, Mailboxes, EMPTY};
use super::recorded::Recorded;
use super::sampler::{Sampler, Samples};
use super::scheduler::{Parked, Scheduler};
use super::stats::Stats;
use super::trace::{OutputRecord, OutputSlot, Trace, TraceRecord, ABSORBED, NOT_PUBLISHED, TAIL, TAKE_ORDER};
use crate::actors::{self, Actor, Context, Floor, Request};
use crate::bus::{ActorId, Bus};
use crate::fate::Fate;
use crate::faults;
use crate::ids;
use crate::message::Envelope;
use crate::message::{DropReason, Message, MessageType};
use crate::order::Order;
use crate::outbox::{Effect, Outbox, Seal};
use crate::process::{CustomProcess, ProcessParams};
use crate::rng::Rng;
use crate::scenario::{Config, ConfigError};
use crate::store::Store;
use crate::wiring::{Role, Wiring};
use std::collections::VecDeque;
use std::ops::Range;
use std::rc::Rc;
use uuid::Uuid;

mod bounds;
mod build;
mod canonical;
mod failures;
mod forget;
mod inputs;
mod manual;
mod migrate;
mod publish;
mod read;
mod share;
mod state;
use bounds::Bounds;
pub use inputs::Snapshot;
pub use manual::Queued;
use state::{Delayed, Document, FloorView, Volatile};

/// What one step did.
#[derive(Debug, Clone, PartialEq)]
pub struct StepOutcome {
    /// Step number, from 1.
    pub step: usize,
    /// When the handler took the message.
    pub at_ms: u64,
    /// Who handled it.
    pub actor: ActorId,
    /// The message delivered (`None`: the waiter taking an order, or the run's tail).
    pub seq: Option<u32>,
    /// 1 for the second copy of a duplicated delivery.
    pub copy: u8,
    /// Store positions of the messages published during this step.
    pub published: Range<u32>,
}

/// The restaurant: actors, mailboxes, bus, store, clock and generators.
#[derive(Debug, Clone)]
pub struct World {
    cfg: Config,
    params: ProcessParams,
    /// The learner's process manager (exercise mode): given to the world as it is built,
    /// apart from the config, which stays plain data ([`World::with_custom_process`]).
    custom: Option<CustomProcess>,
    /// The bounds on the mailboxes, by role ([`bounds`]).
    bounds: Bounds,
    /// Some failure of [`failures`] can happen (crashes, poison, idempotent consumers).
    failures: bool,
    /// The dead-letter queue, when the floor has one.
    dead_letters: Option<ActorId>,
    wiring: Wiring,
    bus: Bus,
    actors: Vec<ActorInfo>,
    /// The actor that takes the requests from outside (the scheduled orders).
    entry: ActorId,
    /// Bit `a % 64` of word `a / 64`: actor `a` decides itself when it can take its mail
    /// ([`Actor::has_own_readiness`]).
    own_readiness: Vec<u64>,
    alarm_clock: ActorId,
    store: Store,
    trace: Trace,
    faults: Recorded<FaultRecord>,
    /// Placed → completed, in simulated ms, of each `OrderCompleted` published, in order
    /// (as many as the stats count completed by the current step).
    completions: Recorded<u64>,
    printed: Recorded<Document>,
    samples: Samples,
    inputs: Vec<Input>,
    input_error: Option<(usize, String)>,
    st: Volatile,
    targets: Vec<ActorId>,
    out: Outbox,
}

/// Stream numbers of the generators.
const ORDER_STREAM: u64 = 1;
const FAULT_STREAM: u64 = 2;
const INPUT_STREAM: u64 = 1_000;
/// The seeded stream the waiter's Poisson arrivals are drawn from.
const ARRIVAL_STREAM: u64 = 3;

impl World {
    // ----- stepping --------------------------------------------------------------------

    /// Runs until nothing is left to do; returns the steps taken.
    pub fn run_to_idle(&mut self) -> usize {
        let mut n = 0;
        while self.step().is_some() {
            n += 1;
        }
        n
    }

    /// Runs every step that starts at or before simulated time `ms`; returns the steps taken.
    pub fn run_until(&mut self, ms: u64) -> usize {
        let mut n = 0;
        while self.next_event_time().is_some_and(|t| t <= ms) {
            if self.step().is_none() {
                break;
            }
            n += 1;
        }
        n
    }

    /// When the next thing happens (a publication, an order to take, a delivery).
    pub fn next_event_time(&self) -> Option<u64> {
        let t = self.next_flush_time().min(start_of(self.next_delivery().0));
        (t != u64::MAX).then_some(t)
    }

    /// Delivers one message to one handler and records it.
    ///
    /// First every publication and scheduled order that is due no later than the next
    /// delivery is carried out, in time order (publications first on a tie). Then the
    /// actor that can start earliest takes the head of its mailbox (ties: the message
    /// that entered a mailbox first); the clock moves to that moment; the handler runs
    /// and its outputs become pending until its work is done. Returns `None` when
    /// nothing is left to do.
    pub fn step(&mut self) -> Option<StepOutcome> {
        let log_start = self.store.len() as u32;
        let mut best = self.next_delivery();
        loop {
            let flush_at = self.next_flush_time();
            if flush_at <= start_of(best.0) {
                if flush_at == u64::MAX {
                    return self.tail_step(log_start);
                }
                self.st.now = flush_at;
                self.flush_one();
                // a publication only adds mail: only the actors it reached can have a
                // new, earlier candidate
                for k in 0..self.targets.len() {
                    let a = self.targets[k];
                    if let Some(key) = self.candidate(a as usize) {
                        if key < best.0 {
                            best = (key, a);
                        }
                    }
                }
                continue;
            }
            let (key, actor) = best;
            self.st.now = start_of(key);
            // a bound by age: the head may be shed unhandled instead ([`World::shed_if_stale`])
            let mut stale = if self.bounds.ages { self.shed_if_stale(actor) } else { None };
            if self.failures && stale.is_none() {
                // a crash, a poison message or a copy recognised ([`failures`])
                stale = self.on_taking(actor);
            }
            let mut outcome = match stale {
                Some(shed) => shed,
                None => self.deliver(actor),
            };
            outcome.published = log_start..self.store.len() as u32;
            self.apply_due_inputs();
            return Some(outcome);
        }
    }

    /// Nothing is left to deliver. If this call published messages nobody receives (the
    /// run's tail: alarms ringing for finished orders, answers nobody awaits), that is a
    /// step of its own, so that the run's history and its steps always go together and
    /// an input placed after it replays at the same moment.
    fn tail_step(&mut self, log_start: u32) -> Option<StepOutcome> {
        let end = self.store.len() as u32;
        if end == log_start {
            return None;
        }
        let publisher = self.store.publisher(end as usize - 1).unwrap_or(self.alarm_clock);
        self.record_step(publisher, TAIL, 0);
        self.apply_due_inputs();
        Some(StepOutcome {
            step: self.st.steps,
            at_ms: self.st.now,
            actor: publisher,
            seq: None,
            copy: 0,
            published: log_start..end,
        })
    }

    fn next_mail(&mut self) -> u64 {
        self.st.next_mail += 1;
        self.st.next_mail
    }

    /// When the next scheduled request from outside (an order) arrives.
    fn scheduled_at(&self) -> u64 {
        if self.st.next_scheduled < self.cfg.orders {
            self.st.next_arrival
        } else {
            u64::MAX
        }
    }

    fn next_flush_time(&self) -> u64 {
        self.st.scheduler.next_at().min(self.scheduled_at()).min(self.next_redelivery())
    }

    /// When the earliest delayed delivery re-enters its mailbox.
    fn next_redelivery(&self) -> u64 {
        self.st.delayed.iter().map(|d| d.at).min().unwrap_or(u64::MAX)
    }

    /// The one rule of the earliest delivery: actor `a` could take the head of its
    /// mailbox ([`World::start`]), the earliest start first, ties to the message that
    /// entered a mailbox first. Returns `(start, enqueue number)` as one number, the
    /// smallest the earliest; `None` if it has nothing it may take.
    #[inline]
    fn candidate(&self, a: usize) -> Option<u128> {
        let head = self.st.mail.heads()[a];
        if head == EMPTY {
            return None;
        }
        let own = self.own_readiness.get(a / 64).is_some_and(|w| w & 1 << (a % 64) != 0);
        Some(key(self.start(a, own)?, head))
    }

    /// When actor `a`, having mail, could take its head: when it is free, or, for an actor
    /// with a readiness of its own (`own`), when it says ([`Actor::ready_at`]).
    #[inline(always)]
    fn start(&self, a: usize, own: bool) -> Option<u64> {
        if own {
            self.ready_at(a)
        } else {
            Some(self.st.now.max(self.st.busy_until[a]))
        }
    }

    /// When actor `a`, which has a readiness of its own, could take its head.
    #[inline(never)]
    fn ready_at(&self, a: usize) -> Option<u64> {
        let st = &self.st;
        let floor = FloorView { mail: &st.mail, busy_until: &st.busy_until, actors: &self.actors };
        st.actors[a].ready_at(&self.cfg, &floor, st.now, st.busy_until[a])
    }

    /// The earliest delivery: `(start time and enqueue number, actor)` ([`World::candidate`]
    /// of every actor with mail; the key is `u128::MAX` when there is none).
    fn next_delivery(&self) -> (u128, ActorId) {
        let st = &self.st;
        debug_assert!(
            st.mail.iter().zip(st.mail.heads()).all(|(m, &h)| m.front().map_or(EMPTY, |m| m.enq) == h),
            "every mailbox change keeps its head"
        );
        debug_assert!(
            st.mail.occupied().eq((0..st.mail.iter().len()).filter(|&a| !st.mail[a].is_empty())),
            "every mailbox change keeps its bit"
        );
        let mut best = (u128::MAX, 0);
        let heads = st.mail.heads();
        for (w, &word) in st.mail.occupied_words().iter().enumerate() {
            // [`World::candidate`] of each actor with mail: those that start when free,
            // then those with a readiness of their own
            let own = self.own_readiness.get(w).copied().unwrap_or(0);
            for (mut bits, own) in [(word & !own, false), (word & own, true)] {
                while bits != 0 {
                    let a = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if let Some(start) = self.start(a, own) {
                        let k = key(start, heads[a]);
                        if k < best.0 {
                            best = (k, a as ActorId);
                        }
                    }
                }
            }
        }
        best
    }

    #[inline]
    fn tick_sampler(&mut self) {
        // most steps stay in the interval being filled: only this test is inlined
        if self.st.now >= (self.st.sampler.bucket + 1).saturating_mul(self.cfg.sample_ms) {
            self.next_sample();
        }
    }

    /// Time reached a new sampling interval: the finished one becomes a row.
    #[inline(never)]
    fn next_sample(&mut self) {
        let bucket = self.st.now / self.cfg.sample_ms;
        if bucket != self.st.sampler.bucket {
            let (mail, load) = (&self.st.mail, &self.st.load);
            let taken = load.iter().map(|l| l.taken);
            self.st.sampler.advance(bucket, &mut self.samples, |i| mail[i].len(), taken);
        }
    }

    /// Delivers the head of `actor`'s mailbox at the current time: the actor's handler
    /// runs, and the executor carries out its outbox.
    fn deliver(&mut self, actor: ActorId) -> StepOutcome {
        self.tick_sampler();
        let now = self.st.now;
        let a = actor as usize;
        let mut out = std::mem::take(&mut self.out);
        out.clear();

        let mail = self.st.mail.pop_front(a).expect("an actor is chosen only with mail");
        // a request from outside, or a message of the log
        let delivered = (mail.seq != TAKE_ORDER).then_some(mail.seq);
        let Volatile { mail: boxes, busy_until, actors, order_rng, version, .. } = &mut self.st;
        let floor = FloorView { mail: boxes, busy_until, actors: &self.actors };
        let mut ctx = Context {
            now,
            me: actor,
            store: &self.store,
            wiring: &self.wiring,
            cfg: &self.cfg,
            floor: &floor,
            version: *version,
            params: self.params,
            order_rng,
            custom: self.custom.as_ref(),
        };
        let (service, cause) = match delivered {
            None => {
                let service = actors[a].handle(actors::Input::Arrival, &mut ctx, &mut out);
                // the request starts a correlation: its first message is the cause
                let started = out.effects.iter().find_map(|e| match e {
                    Effect::Start(env) => Some((env.id, env.correlation_id)),
                    _ => None,
                });
                (service, started)
            }
            Some(seq) => {
                let msg = self.store.delivered(seq as usize).expect("mail points into the published log");
                let service = actors[a].handle(actors::Input::Message(&msg), &mut ctx, &mut out);
                (service, Some((msg.id, msg.correlation_id)))
            }
        };
        if self.failures {
            if let Some(reason) = out.effects.iter().find_map(|e| match e {
                Effect::Fail(reason) => Some(*reason),
                _ => None,
            }) {
                self.out = out;
                return self.handler_failed(actor, mail, reason);
            }
        }
        let done = now + service;
        self.carry_out(actor, mail, delivered, cause, done, &mut out);
        self.out = out;
        self.st.busy_until[a] = done;
        // a message held back (no cook may take it yet) is at the head again, still waiting
        let held = self.st.mail.heads()[a] == mail.enq;
        let len = self.st.mail[a].len();
        let load = &mut self.st.load[a];
        load.handled += 1;
        load.queue(now, len);
        if !held {
            load.took(now, mail.since, service);
        }
        self.record_step(actor, mail.seq, mail.copy);
        StepOutcome { step: self.st.steps, at_ms: now, actor, seq: delivered, copy: mail.copy, published: 0..0 }
    }

    /// Carries out the outbox of `actor`, which handled `mail` (the message at `delivered`
    /// in the log, if it was one) of correlation `cause`, busy until `done`.
    fn carry_out(
        &mut self,
        actor: ActorId,
        mail: Mail,
        delivered: Option<u32>,
        cause: Option<(Uuid, Uuid)>,
        done: u64,
        out: &mut Outbox,
    ) {
        let a = actor as usize;
        for effect in &out.effects {
            match effect {
                // only a message of the log can be handed on
                Effect::HandTo(to) if delivered.is_some() => {
                    let k = self.st.outputs as usize;
                    self.st.outputs += 1;
                    self.trace.record_hand_off(k, mail.seq, *to);
                    self.enqueue(*to, mail.seq, None);
                }
                Effect::Hold => self.st.mail.push_front(a, mail),
                Effect::Follow(corr, mask) => self.store.follow_near(*corr, actor, *mask, delivered),
                Effect::Document(document) => {
                    let corr = cause.map_or_else(Uuid::nil, |(_, c)| c);
                    let step = self.st.steps as u32 + 1;
                    let doc = Document { step, at_ms: self.st.now, correlation_id: corr, document: document.clone() };
                    self.printed.record(&mut self.st.printed_len, doc);
                }
                _ => {}
            }
        }
        let kind = self.actors[a].kind;
        if let Some((cause, correlation_id)) = cause {
            let copy = if self.cfg.idempotent_store { 0 } else { mail.copy };
            let (scheduler, trace, outputs) = (&mut self.st.scheduler, &mut self.trace, &mut self.st.outputs);
            let seal = Seal {
                cause,
                correlation_id,
                actor_tag: kind.tag(),
                announce_tag: kind.announce_tag(),
                copy,
                done_ms: done,
            };
            out.seal_each(seal, |at, env| {
                let k = *outputs;
                *outputs += 1;
                trace.record_output(k as usize);
                let parked = Parked { env, publisher: actor, output: k, cause: delivered };
                if at == done {
                    scheduler.schedule(at, parked);
                } else {
                    scheduler.schedule_alarm(at, parked);
                }
            });
        }
        if !out.notes.is_empty() {
            self.st.stats.noticed(&out.notes, kind.number());
        }
    }

    #[inline]
    fn record_step(&mut self, actor: ActorId, seq: u32, copy: u8) {
        let record = TraceRecord {
            at_ms: self.st.now,
            seq,
            log_end: self.store.len() as u32,
            actor,
            copy,
            outputs_end: self.st.outputs,
        };
        self.trace.record(self.st.steps, record);
        self.st.steps += 1;
    }
}

/// The order of candidates ([`World::candidate`]): by start time, then by enqueue number.
#[inline(always)]
fn key(start: u64, enq: u64) -> u128 {
    (start as u128) << 64 | enq as u128
}

/// The start time of a [`World::candidate`] key.
#[inline]
fn start_of(key: u128) -> u64 {
    if key == u128::MAX {
        u64::MAX
    } else {
        (key >> 64) as u64
    }
}
