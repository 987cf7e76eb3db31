//! The executor: one world, stepped one delivery at a time.
//!
//! The world owns the clock, the seeded generators, the mailboxes, the pending
//! publications and the trace. It applies the [wiring](crate::wiring) to the bus, hands
//! each message to its actor's handler ([`Actor::handle`]) and carries out the outbox:
//! message → mailbox → handler → outbox → executor → store → bus.

use super::actor::{ActorInfo, ActorKind, DISPATCHER, FIRST_COOK, HOUSE, TAG_HOUSE_STARTED, WAITER};
use super::fault::{Fault, FaultRecord};
use super::input::{check_inputs, Action, FateTarget, Input, ManualFate};
use super::mailboxes::{Mail, Mailboxes, EMPTY};
use super::recorded::Recorded;
use super::sampler::{Sampler, Samples};
use super::scheduler::{Parked, Scheduler};
use super::stats::{Money, Stats};
use super::trace::{OutputRecord, OutputSlot, Trace, TraceRecord, ABSORBED, NOT_PUBLISHED, TAIL, TAKE_ORDER};
use crate::actors::assistant_manager::AssistantManager;
use crate::actors::cashier::Cashier;
use crate::actors::cook::Cook;
use crate::actors::dispatcher::Dispatcher;
use crate::actors::printer::Receipt;
use crate::actors::waiter::Request;
use crate::actors::{self, Actor, Context};
use crate::bus::{ActorId, Bus};
use crate::dispatch::CookLoad;
use crate::faults::{self, Fate};
use crate::ids;
use crate::message::Envelope;
use crate::message::{DropReason, Message, MessageType};
use crate::order::Order;
use crate::outbox::{Effect, Outbox, Seal};
use crate::process::{House, ProcessParams};
use crate::rng::Rng;
use crate::scenario::{Config, ConfigError, MAX_COOKS};
use crate::store::Store;
use crate::wiring::{Role, Wiring};
use std::collections::VecDeque;
use std::ops::Range;
use std::rc::Rc;
use uuid::Uuid;

mod build;
mod canonical;
mod forget;
mod inputs;
mod manual;
mod read;
pub use inputs::Snapshot;
pub use manual::Queued;

/// A delivery a person delayed: it enters `actor`'s mailbox again at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Delayed {
    at: u64,
    actor: ActorId,
    seq: u32,
    copy: u8,
}

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

/// A receipt the printer printed, and when.
#[derive(Debug, Clone, PartialEq)]
struct Printed {
    step: u32,
    at_ms: u64,
    correlation_id: Uuid,
    document: Rc<Order>,
}

/// Everything that changes as the world steps, apart from the recorded frontier.
#[derive(Debug, Clone)]
struct Volatile {
    now: u64,
    steps: usize,
    outputs: u32,
    faults_len: usize,
    printed_len: usize,
    mail: Mailboxes,
    requests: VecDeque<(Request, u64)>,
    busy_until: Vec<u64>,
    handled: Vec<u32>,
    scheduler: Scheduler,
    next_mail: u64,
    next_scheduled: u32,
    actors: Vec<Actor>,
    order_rng: Rng,
    fault_rng: Rng,
    version: u8,
    next_input: usize,
    stats: Stats,
    sampler: Sampler,
    /// The cooks taking work, by cook number (the dispatcher sees only these).
    on_duty: Vec<ActorId>,
    /// Deliveries a person delayed, waiting to re-enter their mailbox.
    delayed: Vec<Delayed>,
    /// Fates a person chose for messages in flight: `(output, actor, fate)`.
    fates: Vec<(u32, ActorId, ManualFate)>,
}

/// The restaurant: actors, mailboxes, bus, store, clock and generators.
#[derive(Debug, Clone)]
pub struct World {
    cfg: Config,
    params: ProcessParams,
    wiring: Wiring,
    bus: Bus,
    actors: Vec<ActorInfo>,
    alarm_clock: ActorId,
    printer: ActorId,
    store: Store,
    trace: Trace,
    faults: Recorded<FaultRecord>,
    /// Placed → completed, in simulated ms, of each `OrderCompleted` published, in order
    /// (as many as the stats count completed by the current step).
    completions: Recorded<u64>,
    printed: Recorded<Printed>,
    samples: Samples,
    inputs: Vec<Input>,
    input_error: Option<(usize, String)>,
    st: Volatile,
    loads: Vec<CookLoad>,
    targets: Vec<ActorId>,
    out: Outbox,
}

/// What the dispatcher sees of each cook on duty.
fn cook_loads(st: &Volatile) -> impl Iterator<Item = CookLoad> + '_ {
    st.on_duty.iter().map(|&a| {
        let a = a as usize;
        CookLoad { queued: st.mail[a].len(), busy_until: st.busy_until[a] }
    })
}

/// Stream numbers of the generators.
const ORDER_STREAM: u64 = 1;
const FAULT_STREAM: u64 = 2;
const INPUT_STREAM: u64 = 1_000;

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
        let t = self.next_flush_time().min(self.next_delivery().0);
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
            if flush_at <= best.0 {
                if flush_at == u64::MAX {
                    return self.tail_step(log_start);
                }
                self.st.now = flush_at;
                self.flush_one();
                // a publication only adds mail: only the actors it reached can have a
                // new, earlier candidate
                for k in 0..self.targets.len() {
                    let a = self.targets[k];
                    if let Some((start, enq)) = self.candidate(a) {
                        if (start, enq) < (best.0, best.1) {
                            best = (start, enq, a);
                        }
                    }
                }
                continue;
            }
            let (deliver_at, _, actor) = best;
            self.st.now = deliver_at;
            let mut outcome = self.deliver(actor);
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

    fn scheduled_at(&self) -> u64 {
        if self.st.next_scheduled < self.cfg.orders {
            self.st.next_scheduled as u64 * self.cfg.interval_ms
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

    /// When `actor` could take the head of its mailbox, and that message's enqueue
    /// number (the tie-breaker); `None` if it has nothing it may take.
    #[inline]
    fn candidate(&self, actor: ActorId) -> Option<(u64, u64)> {
        let now = self.st.now;
        let i = actor as usize;
        if actor == WAITER {
            let (_, enq) = self.st.requests.front()?;
            return Some((now.max(self.st.busy_until[i]), *enq));
        }
        let head = self.st.mail[i].front()?.enq;
        Some((self.start_at(i, now)?, head))
    }

    /// When actor number `a` (not the waiter), having mail, could take its head at the
    /// earliest: when it is free, or for the dispatcher when a cook may take an order.
    #[inline]
    fn start_at(&self, a: usize, now: u64) -> Option<u64> {
        if a == DISPATCHER as usize {
            actors::dispatcher::ready_at(&self.cfg, cook_loads(&self.st), now)
        } else {
            Some(now.max(self.st.busy_until[a]))
        }
    }

    /// The earliest delivery: `(start time, enqueue number, actor)`; the time is
    /// `u64::MAX` when there is none. [`World::candidate`] of every actor with mail, in
    /// one pass (it runs before every step).
    fn next_delivery(&self) -> (u64, u64, ActorId) {
        let st = &self.st;
        let now = st.now;
        // (start, enqueue number) as one number: the smallest is the earliest
        let key = |start: u64, enq: u64| (start as u128) << 64 | enq as u128;
        let (mut best, mut best_actor) = (u128::MAX, WAITER);
        if let Some(&(_, enq)) = st.requests.front() {
            best = key(now.max(st.busy_until[WAITER as usize]), enq);
        }
        let d = DISPATCHER as usize;
        let head = st.mail.heads()[d];
        if head != EMPTY {
            if let Some(start) = self.start_at(d, now) {
                let k = key(start, head);
                if k < best {
                    (best, best_actor) = (k, DISPATCHER);
                }
            }
        }
        debug_assert!(
            st.mail.iter().zip(st.mail.heads()).all(|(m, &h)| m.front().map_or(EMPTY, |m| m.enq) == h),
            "every mailbox change keeps its head"
        );
        debug_assert!(
            st.mail.occupied().eq((0..st.mail.iter().len()).filter(|&a| !st.mail[a].is_empty())),
            "every mailbox change keeps its bit"
        );
        // the others, those with mail, start when they are free
        let heads = st.mail.heads();
        let others = !(1u64 << d | 1u64 << WAITER);
        for (w, &word) in st.mail.occupied_words().iter().enumerate() {
            let mut bits = if w == 0 { word & others } else { word };
            while bits != 0 {
                let a = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let k = key(now.max(st.busy_until[a]), heads[a]);
                if k < best {
                    (best, best_actor) = (k, a as ActorId);
                }
            }
        }
        if best == u128::MAX {
            (u64::MAX, u64::MAX, WAITER)
        } else {
            ((best >> 64) as u64, best as u64, best_actor)
        }
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
            let st = &mut self.st;
            let (mail, requests) = (&st.mail, &st.requests);
            st.sampler.advance(bucket, &mut self.samples, |i| if i == 0 { requests.len() } else { mail[i].len() });
        }
    }

    /// Carries out the earliest publication or scheduled order.
    fn flush_one(&mut self) {
        self.tick_sampler();
        self.targets.clear();
        let redelivery = self.next_redelivery();
        if redelivery <= self.st.scheduler.next_at() && redelivery <= self.scheduled_at() {
            self.redeliver(redelivery);
            return;
        }
        if self.st.scheduler.next_at() > self.scheduled_at() {
            self.targets.push(WAITER);
            self.st.next_scheduled += 1;
            let enq = self.next_mail();
            self.st.requests.push_back((Request { dodgy: None, correlation_id: None }, enq));
            self.observe(WAITER);
            return;
        }
        // the parked message is read where it waits (it moves only into the log)
        let (store, bus, targets, completions) = (&mut self.store, &self.bus, &mut self.targets, &mut self.completions);
        let Volatile { scheduler, stats, .. } = &mut self.st;
        let published = scheduler.pop_with(|at, p| {
            let env = &mut p.env;
            env.at_ms = at;
            if store.holds(&env.id) {
                return Err((p.output, at, env.message_type()));
            }
            let t = env.message_type();
            if matches!(t, MessageType::OrderPaid | MessageType::PaymentRefunded | MessageType::OrderDropped) {
                // the order's money before this message (its stream is short)
                stats.money(t, &Money::of_near(store, &env.correlation_id, p.cause));
            }
            stats.published(env);
            if let Message::OrderCompleted { order } = &env.body {
                // placed → completed; a recorded stretch run again finds it there already
                let mut seen = stats.completed as usize - 1;
                completions.record(&mut seen, at - order.placed_at_ms);
            }
            bus.route(env, |a| targets.push(a));
            // the body moves into the log: the slot keeps a placeholder until it is freed
            let body = std::mem::replace(&mut env.body, Message::OrderDropped { reason: DropReason::Expired });
            let (seq, follower) = store.append_body(env, body, p.cause, p.publisher);
            Ok((seq, follower, p.output))
        });
        let (seq, follower, output) = match published {
            None => return,
            Some(Ok(published)) => published,
            Some(Err((output, at, message_type))) => {
                // the idempotent store already has this message: the duplicate goes no further
                self.st.stats.absorbed += 1;
                self.trace.absorbed(output as usize, at, message_type);
                self.st.fates.retain(|f| f.0 != output);
                return;
            }
        };
        if let Some(follower) = follower {
            if !self.targets.contains(&follower) {
                self.targets.push(follower);
            }
        }
        self.trace.published(output as usize, seq);
        for k in 0..self.targets.len() {
            let actor = self.targets[k];
            let manual = if self.st.fates.is_empty() { None } else { self.take_fate(output, actor) };
            match manual {
                None => self.enqueue(actor, seq),
                Some(fate) => self.enqueue_by_hand(actor, seq, fate),
            }
        }
        if !self.st.fates.is_empty() {
            // a fate for an actor the message did not reach after all lapses
            self.st.fates.retain(|f| f.0 != output);
        }
    }

    /// Puts message `seq` into `actor`'s mailbox, through the fault layer for workers.
    fn enqueue(&mut self, actor: ActorId, seq: u32) {
        if !self.actors[actor as usize].kind.is_worker() {
            self.push_mail(actor, seq, 0);
            return;
        }
        let fate = faults::fate(&mut self.st.fault_rng, self.cfg.drop, self.cfg.duplicate);
        let fault = match fate {
            Fate::Dropped => Some(Fault::Drop),
            Fate::Duplicated => Some(Fault::Duplicate),
            Fate::Delivered => None,
        };
        if let Some(fault) = fault {
            let record = FaultRecord { step: self.st.steps as u32 + 1, seq, actor, fault, manual: false };
            self.faults.record(&mut self.st.faults_len, record);
        }
        match fate {
            Fate::Dropped => self.st.stats.deliveries_dropped += 1,
            Fate::Delivered => self.push_mail(actor, seq, 0),
            Fate::Duplicated => {
                self.st.stats.deliveries_duplicated += 1;
                self.push_mail(actor, seq, 0);
                self.push_mail(actor, seq, 1);
            }
        }
    }

    #[inline]
    fn push_mail(&mut self, actor: ActorId, seq: u32, copy: u8) {
        let enq = self.next_mail();
        let since = self.st.now;
        self.st.mail.push_back(actor as usize, Mail { seq, copy, enq, since });
        self.observe(actor);
    }

    #[inline]
    fn observe(&mut self, actor: ActorId) {
        let len = self.queue_len(actor);
        let peak = &mut self.st.stats.peak_queue[actor as usize];
        *peak = (*peak).max(len as u32);
        self.st.sampler.observe(actor as usize, len);
    }

    /// Delivers the head of `actor`'s mailbox at the current time: the actor's handler
    /// runs, and the executor carries out its outbox.
    fn deliver(&mut self, actor: ActorId) -> StepOutcome {
        self.tick_sampler();
        let now = self.st.now;
        let a = actor as usize;
        let mut outcome =
            StepOutcome { step: self.st.steps + 1, at_ms: now, actor, seq: None, copy: 0, published: 0..0 };
        let mut out = std::mem::take(&mut self.out);
        out.clear();

        let mail = if actor == WAITER {
            None
        } else {
            let mail = self.st.mail.pop_front(a).expect("an actor is chosen only with mail");
            outcome.seq = Some(mail.seq);
            outcome.copy = mail.copy;
            Some(mail)
        };
        if actor == DISPATCHER {
            self.loads.clear();
            self.loads.extend(cook_loads(&self.st));
        }
        let st = &mut self.st;
        let mut ctx = Context {
            now,
            me: actor,
            store: &self.store,
            wiring: &self.wiring,
            cfg: &self.cfg,
            cooks: &self.loads,
            version: st.version,
            params: self.params,
            order_rng: &mut st.order_rng,
        };
        let (service, cause) = match mail {
            None => {
                let (request, _) = st.requests.pop_front().expect("the waiter is chosen only with an order to take");
                let service = st.actors[a].handle(actors::Input::TakeOrder(request), &mut ctx, &mut out);
                let placed = out.effects.iter().find_map(|e| match e {
                    Effect::Start(env) => Some((env.id, env.correlation_id, env.message_type())),
                    _ => None,
                });
                (service, placed)
            }
            Some(mail) => {
                let msg = self.store.delivered(mail.seq as usize).expect("mail points into the published log");
                let service = st.actors[a].handle(actors::Input::Message(&msg), &mut ctx, &mut out);
                (service, Some((msg.id, msg.correlation_id, msg.message_type())))
            }
        };
        let done = now + service;

        // carry out the outbox
        for effect in &out.effects {
            match effect {
                Effect::HandTo(cook) => {
                    if let (Some(mail), Some(_)) = (mail, cause) {
                        let Some(&to) = self.st.on_duty.get(*cook) else { continue };
                        let k = self.st.outputs as usize;
                        self.st.outputs += 1;
                        self.trace.record_hand_off(k, mail.seq, to);
                        self.enqueue(to, mail.seq);
                    }
                }
                Effect::Hold => {
                    if let Some(mail) = mail {
                        self.st.mail.push_front(a, mail);
                    }
                }
                Effect::Follow(corr, mask) => self.store.follow_near(*corr, actor, *mask, mail.map(|m| m.seq)),
                Effect::Print(document) => {
                    let corr = cause.map_or_else(Uuid::nil, |(_, c, _)| c);
                    let printed = Printed {
                        step: self.st.steps as u32 + 1,
                        at_ms: now,
                        correlation_id: corr,
                        document: document.clone(),
                    };
                    self.printed.record(&mut self.st.printed_len, printed);
                }
                _ => {}
            }
        }
        if let Some((cause, correlation_id, _)) = cause {
            let tag = self.actors[a].kind.tag();
            let copy = if self.cfg.idempotent_store { 0 } else { mail.map_or(0, |m| m.copy) };
            let (scheduler, trace, outputs) = (&mut self.st.scheduler, &mut self.trace, &mut self.st.outputs);
            let cause_seq = mail.map(|m| m.seq);
            let seal =
                Seal { cause, correlation_id, actor_tag: tag, announce_tag: TAG_HOUSE_STARTED, copy, done_ms: done };
            out.seal_each(seal, |at, env| {
                let k = *outputs;
                *outputs += 1;
                trace.record_output(k as usize);
                let parked = Parked { env, publisher: actor, output: k, cause: cause_seq };
                if at == done {
                    scheduler.schedule(at, parked);
                } else {
                    scheduler.schedule_alarm(at, parked);
                }
            });
        }
        if !out.notes.is_empty() {
            let cook = match self.actors[a].kind {
                ActorKind::Cook(c) => Some(c as usize),
                _ => None,
            };
            self.st.stats.noticed(&out.notes, cook);
        }
        self.out = out;
        self.st.busy_until[a] = done;
        self.st.handled[a] += 1;
        let seq = mail.map_or(TAKE_ORDER, |m| m.seq);
        self.record_step(actor, seq, mail.map_or(0, |m| m.copy));
        outcome
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
