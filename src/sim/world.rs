//! The executor: one world, stepped one delivery at a time.
//!
//! The world owns the clock, the seeded generators, the mailboxes, the pending
//! publications and the trace. It applies the [wiring](crate::wiring) to the bus, hands
//! each message to its actor's handler ([`Actor::handle`]) and carries out the outbox:
//! message → mailbox → handler → outbox → executor → store → bus.

use super::actor::{ActorInfo, ActorKind, DISPATCHER, FIRST_COOK, HOUSE, TAG_HOUSE_STARTED, WAITER};
use super::input::{check_inputs, Action, FateTarget, Input, ManualFate};
use super::mailboxes::{Mail, Mailboxes, EMPTY};
use super::sampler::{Sampler, Samples};
use super::scheduler::{Parked, Scheduler};
use super::stats::Stats;
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

mod canonical;
mod manual;
pub use manual::Queued;

/// A delivery a person delayed: it enters `actor`'s mailbox again at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Delayed {
    at: u64,
    actor: ActorId,
    seq: u32,
    copy: u8,
}

/// A fault of the delivery layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The delivery was lost.
    Drop,
    /// The delivery was made twice.
    Duplicate,
    /// The delivery was delayed by a person (the message re-enters the mailbox later).
    Delay,
    /// The message was waiting for a cook who walked out (or reached it while away): lost.
    WalkedOut,
}

/// A fault, and where it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultRecord {
    /// The step (1-based) during which it happened.
    pub step: u32,
    /// The message concerned.
    pub seq: u32,
    /// The worker it was meant for.
    pub actor: ActorId,
    /// What happened.
    pub fault: Fault,
    /// Whether a recorded input caused it (rather than the seeded fault rates).
    pub manual: bool,
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

/// A checkpoint: the world's moving parts at one step; the frontier is not copied.
#[derive(Debug, Clone)]
pub struct Snapshot {
    st: Volatile,
    log_len: usize,
}

impl Snapshot {
    /// Steps done at this checkpoint.
    pub fn steps(&self) -> usize {
        self.st.steps
    }
}

impl Snapshot {
    /// About how many heap bytes this checkpoint holds: its mailboxes, pending
    /// publications and live processes (what grows with the backlog; the follows by
    /// correlation live in the store, which checkpoints do not copy). The timeline spaces
    /// checkpoints by it.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        // a hash-map entry: the key, the value, a control byte, and the table's slack
        const ENTRY: usize = 16 + 24 + 8;
        let st = &self.st;
        let mail: usize = st.mail.iter().map(VecDeque::len).sum();
        let live: usize = st.actors.iter().map(|a| if let Actor::House(h) = a { h.live() } else { 0 }).sum();
        mail * size_of::<Mail>()
            + st.requests.len() * size_of::<(Request, u64)>()
            + st.scheduler.heap_bytes()
            + live * (ENTRY + size_of::<crate::process::ProcessManager>())
    }

    /// Trades places with `world` without copying either: the world goes to this
    /// checkpoint's step (as [`World::restore`] does) and this checkpoint then holds the
    /// step the world was at. Both must come from the same recorded run.
    pub fn swap_with(&mut self, world: &mut World) {
        std::mem::swap(&mut self.st, &mut world.st);
        let here = world.store.len();
        world.store.set_cursor(self.log_len);
        self.log_len = here;
        world.apply_due_inputs();
    }
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
    faults: Vec<FaultRecord>,
    /// Placed → completed, in simulated ms, of each `OrderCompleted` published, in order
    /// (as many as the stats count completed by the current step).
    completions: Vec<u64>,
    printed: Vec<Printed>,
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
    /// A world at step 0 for a validated `cfg`.
    ///
    /// ```
    /// use brigade::scenario::Config;
    /// use brigade::sim::World;
    /// let mut world = World::new(Config::default()).unwrap();
    /// world.run_to_idle();
    /// assert_eq!(world.stats().completed, 10);
    /// ```
    pub fn new(cfg: Config) -> Result<World, ConfigError> {
        World::with_inputs(cfg, Vec::new())
    }

    /// A world that will replay `inputs` (sorted by step) as it goes.
    pub fn with_inputs(cfg: Config, inputs: Vec<Input>) -> Result<World, ConfigError> {
        cfg.validate()?;
        check_inputs(&inputs).map_err(|message| ConfigError { field: "inputs".to_string(), message })?;
        let mut actors = Vec::new();
        let mut state = Vec::new();
        let mut add = |name: String, kind: ActorKind, actor: Actor| {
            let id = actors.len() as ActorId;
            actors.push(ActorInfo { name, kind, id });
            state.push(actor);
            id
        };
        add("waiter".into(), ActorKind::Waiter, Actor::Waiter);
        add("house".into(), ActorKind::House, Actor::House(House::new()));
        add("dispatcher".into(), ActorKind::Dispatcher, Actor::Dispatcher(Dispatcher::default()));
        for (i, c) in cfg.cooks.iter().enumerate() {
            let name = c.name.trim().to_string();
            let cook = Cook { name: Rc::new(name.clone()), ms: c.ms };
            add(name, ActorKind::Cook(i as u16), Actor::Cook(cook));
        }
        add(
            "assistant manager".into(),
            ActorKind::AssistantManager,
            Actor::AssistantManager(AssistantManager { ms: cfg.assistant_manager_ms }),
        );
        add("cashier".into(), ActorKind::Cashier, Actor::Cashier(Cashier { ms: cfg.cashier_ms }));
        let alarm_clock = add("alarm clock".into(), ActorKind::AlarmClock, Actor::AlarmClock);
        let printer = add("printer".into(), ActorKind::Printer, Actor::Printer);
        let n = actors.len();

        let wiring = Wiring::of(cfg.architecture);
        let mut bus = Bus::new();
        for sub in &wiring.subscriptions {
            for a in actors.iter().filter(|a| a.kind.role() == sub.role) {
                bus.subscribe_type(sub.message_type, a.id, sub.customers);
            }
        }

        let st = Volatile {
            now: 0,
            steps: 0,
            outputs: 0,
            faults_len: 0,
            printed_len: 0,
            mail: Mailboxes::new(n),
            requests: VecDeque::new(),
            busy_until: vec![0; n],
            handled: vec![0; n],
            scheduler: Scheduler::default(),
            next_mail: 0,
            next_scheduled: 0,
            actors: state,
            order_rng: Rng::stream(cfg.seed, ORDER_STREAM),
            fault_rng: Rng::stream(cfg.seed, FAULT_STREAM),
            version: cfg.process_version,
            next_input: 0,
            stats: Stats::new(cfg.cooks.len(), n),
            sampler: Sampler::new(n),
            on_duty: (0..cfg.cooks.len()).map(|c| FIRST_COOK + c as ActorId).collect(),
            delayed: Vec::new(),
            fates: Vec::new(),
        };
        let mut world = World {
            params: ProcessParams::from_config(&cfg),
            store: if cfg.idempotent_store { Store::idempotent() } else { Store::new() },
            cfg,
            wiring,
            bus,
            actors,
            alarm_clock,
            printer,
            trace: Trace::default(),
            faults: Vec::new(),
            completions: Vec::new(),
            printed: Vec::new(),
            samples: Samples::default(),
            inputs,
            input_error: None,
            st,
            loads: Vec::new(),
            targets: Vec::new(),
            out: Outbox::new(),
        };
        world.apply_due_inputs();
        Ok(world)
    }

    /// This world without its step trace: the run, its history, faults, receipts and
    /// statistics are the same, but no step is recorded for [`World::trace_record`] and
    /// [`World::step_outputs`] (which answer `None` and nothing). For a run nobody steps
    /// through, such as the command line's report: 100,000 orders keep about 46 MiB less.
    ///
    /// ```
    /// use brigade::scenario::Config;
    /// use brigade::sim::World;
    /// let mut traced = World::new(Config::default()).unwrap();
    /// let mut untraced = World::new(Config::default()).unwrap().untraced();
    /// assert_eq!(traced.run_to_idle(), untraced.run_to_idle());
    /// assert_eq!(traced.store().len(), untraced.store().len());
    /// assert!(traced.trace_record(1).is_some() && untraced.trace_record(1).is_none());
    /// ```
    pub fn untraced(mut self) -> World {
        if self.trace.is_empty() {
            self.trace = Trace::untraced();
        }
        self
    }

    // ----- reading -------------------------------------------------------------------

    /// The run's config.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The process manager parameters of the run.
    pub fn params(&self) -> ProcessParams {
        self.params
    }

    /// Who hears what, and what each worker answers.
    pub fn wiring(&self) -> &Wiring {
        &self.wiring
    }

    /// The actors at the current step, in floor order (cooks hired during the run come
    /// after the printer).
    pub fn actors(&self) -> &[ActorInfo] {
        &self.actors[..self.st.actors.len()]
    }

    /// The actor called `name` at the current step (surrounding spaces and case ignored).
    pub fn actor_named(&self, name: &str) -> Option<ActorId> {
        let key = name.trim().to_lowercase();
        self.actors().iter().find(|a| a.name.to_lowercase() == key).map(|a| a.id)
    }

    /// A cook's cooking time and whether it is taking work, at the current step.
    pub fn cook_state(&self, actor: ActorId) -> Option<(u64, bool)> {
        match self.st.actors.get(actor as usize)? {
            Actor::Cook(c) => Some((c.ms, self.st.on_duty.contains(&actor))),
            _ => None,
        }
    }

    /// The first input (`input N: …`) that could not apply when the run reached it: a
    /// message that was not waiting, a cook that was not there. It changed nothing.
    pub fn input_error(&self) -> Option<&str> {
        self.input_error.as_ref().map(|(_, e)| e.as_str())
    }

    /// The event store, up to the current step.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Simulated time of the current step.
    pub fn now(&self) -> u64 {
        self.st.now
    }

    /// Steps done.
    pub fn steps(&self) -> usize {
        self.st.steps
    }

    /// Steps recorded in the whole known run.
    pub fn frontier_steps(&self) -> usize {
        self.trace.len()
    }

    /// The record of step `step` (1-based), if done by the current step.
    pub fn trace_record(&self, step: usize) -> Option<TraceRecord> {
        if step == 0 || step > self.st.steps {
            return None;
        }
        self.trace.get(step - 1)
    }

    /// The record of step `step` (1-based) in the whole known run, after the cursor too:
    /// the views' questions about the future read it instead of moving the cursor there.
    pub fn known_record(&self, step: usize) -> Option<TraceRecord> {
        if step == 0 {
            return None;
        }
        self.trace.get(step - 1)
    }

    /// The outputs of step `step` (1-based) in the whole known run, after the cursor too,
    /// as the trace holds them (a publication not published yet in the known run is
    /// [`NOT_PUBLISHED`]).
    pub fn known_outputs(&self, step: usize) -> Vec<OutputSlot> {
        let Some(rec) = self.known_record(step) else {
            return Vec::new();
        };
        let start = if step >= 2 { self.trace.get(step - 2).map_or(0, |r| r.outputs_end) } else { 0 };
        (start..rec.outputs_end).filter_map(|k| self.trace.output(k as usize)).collect()
    }

    /// Every fault of the whole known run, after the cursor too, in step order.
    pub fn known_faults(&self) -> &[FaultRecord] {
        &self.faults
    }

    /// Where each output of step `step` (1-based, done by the current step) enters the
    /// history in the whole known run, after the cursor too: its store position there, or
    /// `None` (not published in the run computed so far, absorbed, or a hand-off). One
    /// entry per output the trace holds, in the order [`World::step_outputs`] gives them.
    pub fn known_publications(&self, step: usize) -> Vec<Option<u32>> {
        let Some(rec) = self.trace_record(step) else {
            return Vec::new();
        };
        let start = if step >= 2 { self.trace.get(step - 2).map_or(0, |r| r.outputs_end) } else { 0 };
        (start..rec.outputs_end)
            .map(|k| match self.trace.output(k as usize) {
                Some(OutputSlot::Publication(seq)) if (seq as usize) < self.store.frontier_len() => Some(seq),
                _ => None,
            })
            .collect()
    }

    /// What step `step` (1-based, done by the current step) decided, in order: each
    /// output with the envelope, once it is known (published, or waiting to be).
    pub fn step_outputs(&self, step: usize) -> Vec<(OutputRecord, Option<Envelope>)> {
        let Some(rec) = self.trace_record(step) else {
            return Vec::new();
        };
        let start = if step >= 2 { self.trace.get(step - 2).map_or(0, |r| r.outputs_end) } else { 0 };
        (start..rec.outputs_end)
            .filter_map(|k| match self.trace.output(k as usize)? {
                OutputSlot::Handed { seq, to } => {
                    let env = self.store.frontier_get(seq as usize)?;
                    let out =
                        OutputRecord { at_ms: rec.at_ms, seq, message_type: env.message_type(), handed_to: Some(to) };
                    Some((out, Some(env)))
                }
                OutputSlot::Absorbed(at_ms, message_type) => {
                    Some((OutputRecord { at_ms, seq: ABSORBED, message_type, handed_to: None }, None))
                }
                OutputSlot::Publication(seq) if (seq as usize) < self.store.len() => {
                    let env = self.store.get(seq as usize)?;
                    Some((
                        OutputRecord { at_ms: env.at_ms, seq, message_type: env.message_type(), handed_to: None },
                        Some(env),
                    ))
                }
                OutputSlot::Publication(_) => {
                    // not published by the current step: waiting in the scheduler
                    let (at_ms, p) = self.st.scheduler.find(k)?;
                    let out =
                        OutputRecord { at_ms, seq: NOT_PUBLISHED, message_type: p.env.message_type(), handed_to: None };
                    Some((out, Some(p.env.clone())))
                }
            })
            .collect()
    }

    /// Faults up to the current step.
    pub fn faults(&self) -> &[FaultRecord] {
        &self.faults[..self.st.faults_len]
    }

    /// How long each order completed by the current step took, placed → completed in
    /// simulated ms, in the order they completed.
    pub fn completion_times(&self) -> &[u64] {
        &self.completions[..self.st.stats.completed as usize]
    }

    /// Receipts the printer printed up to the current step.
    pub fn receipts(&self) -> Vec<Receipt> {
        self.printed[..self.st.printed_len]
            .iter()
            .map(|p| {
                Receipt::of(self.store.order_no(&p.correlation_id).unwrap_or(0), p.correlation_id, p.at_ms, &p.document)
            })
            .collect()
    }

    /// Counters at the current step.
    pub fn stats(&self) -> &Stats {
        &self.st.stats
    }

    /// The user inputs of the run.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// Inputs not applied yet (they lie beyond the current step).
    pub fn inputs_pending(&self) -> usize {
        self.inputs.len() - self.st.next_input
    }

    /// Process version for orders that start now.
    pub fn process_version(&self) -> u8 {
        self.st.version
    }

    /// Messages waiting for `actor` (for the waiter: orders to take).
    pub fn queue_len(&self, actor: ActorId) -> usize {
        if actor == WAITER {
            self.st.requests.len()
        } else {
            self.st.mail[actor as usize].len()
        }
    }

    /// The store positions of the messages waiting in `actor`'s mailbox, head first,
    /// with when each entered it (a mail number, increasing) and its copy.
    pub fn mailbox(&self, actor: ActorId) -> Vec<(u32, u8)> {
        self.st.mail.get(actor as usize).map_or_else(Vec::new, |m| m.iter().map(|m| (m.seq, m.copy)).collect())
    }

    /// Until when `actor` is busy.
    pub fn busy_until(&self, actor: ActorId) -> u64 {
        self.st.busy_until[actor as usize]
    }

    /// Messages `actor` has handled.
    pub fn handled(&self, actor: ActorId) -> u32 {
        self.st.handled[actor as usize]
    }

    /// Live process managers in the house (orders with something still owed).
    pub fn live_processes(&self) -> usize {
        match &self.st.actors[HOUSE as usize] {
            Actor::House(house) => house.live(),
            _ => 0,
        }
    }

    /// Messages decided but not yet published (alarms included): `(due time, envelope,
    /// publisher)`, earliest first.
    pub fn pending(&self) -> Vec<(u64, &Envelope, ActorId)> {
        self.st.scheduler.pending().into_iter().map(|(at, p)| (at, &p.env, p.publisher)).collect()
    }

    /// Messages decided but not yet published, by publisher (alarms included).
    pub fn pending_from(&self, actor: ActorId) -> usize {
        self.st.scheduler.pending().iter().filter(|(_, p)| p.publisher == actor).count()
    }

    /// The queue-length samples up to the current step, plus the interval being filled.
    /// One value per actor present at the current step, in each row (0 for a cook not yet
    /// hired).
    pub fn samples(&self) -> (Vec<u64>, Vec<u16>) {
        let rows = self.st.sampler.rows;
        let n = self.st.sampler.peak.len();
        let mut buckets = self.samples.buckets[..rows].to_vec();
        let mut values = Vec::with_capacity((rows + 1) * n);
        for r in 0..rows {
            let row = self.samples.row(r);
            values.extend_from_slice(&row[..row.len().min(n)]);
            values.resize((r + 1) * n, 0);
        }
        if self.st.steps > 0 {
            buckets.push(self.st.sampler.bucket);
            values.extend_from_slice(&self.st.sampler.peak);
        }
        (buckets, values)
    }

    /// Whether nothing is left to do.
    pub fn is_idle(&self) -> bool {
        self.next_event_time().is_none()
    }

    /// The alarm clock's actor id.
    pub fn alarm_clock(&self) -> ActorId {
        self.alarm_clock
    }

    /// The printer's actor id.
    pub fn printer(&self) -> ActorId {
        self.printer
    }

    // ----- inputs ----------------------------------------------------------------------

    /// The waiter takes one order now. Forgets any recorded future first. Returns the
    /// order's correlation id.
    pub fn place_order(&mut self, dodgy: bool) -> Uuid {
        self.record_input(Action::PlaceOrder { dodgy });
        self.st.requests.back().and_then(|(r, _)| r.correlation_id).unwrap_or_default()
    }

    /// New orders from now on use process `version`. Forgets any recorded future first.
    pub fn set_process_version(&mut self, version: u8) -> Result<(), ConfigError> {
        crate::process::check_version(version).map_err(|e| ConfigError::new("process_version", e))?;
        self.record_input(Action::SetProcessVersion { version });
        Ok(())
    }

    fn record_input(&mut self, action: Action) {
        self.truncate_future();
        self.inputs.push(Input { step: self.st.steps, action });
        self.apply_due_inputs();
    }

    /// Forgets the recorded future beyond the current step.
    pub fn truncate_future(&mut self) {
        self.store.truncate_frontier();
        self.trace.truncate(self.st.steps);
        // outputs decided before now and published in the forgotten future are pending again
        for (_, p) in self.st.scheduler.pending() {
            self.trace.published(p.output as usize, NOT_PUBLISHED);
        }
        self.faults.truncate(self.st.faults_len);
        self.completions.truncate(self.st.stats.completed as usize);
        self.printed.truncate(self.st.printed_len);
        self.samples.truncate(self.st.sampler.rows);
        self.inputs.truncate(self.st.next_input);
        self.actors.truncate(self.st.actors.len());
        if self.input_error.as_ref().is_some_and(|(i, _)| *i >= self.st.next_input) {
            self.input_error = None;
        }
    }

    #[inline]
    fn apply_due_inputs(&mut self) {
        // a run without recorded inputs (the command line's) only tests this
        if self.st.next_input < self.inputs.len() {
            self.apply_inputs();
        }
    }

    #[inline(never)]
    fn apply_inputs(&mut self) {
        while let Some(input) = self.inputs.get(self.st.next_input) {
            if input.step > self.st.steps {
                break;
            }
            let index = self.st.next_input as u64;
            self.st.next_input += 1;
            match input.action {
                Action::PlaceOrder { dodgy } => {
                    let corr = ids::fresh(&mut Rng::stream(self.cfg.seed, INPUT_STREAM + index));
                    let enq = self.next_mail();
                    self.st.requests.push_back((Request { dodgy: Some(dodgy), correlation_id: Some(corr) }, enq));
                    self.st.sampler.observe(WAITER as usize, self.st.requests.len());
                }
                Action::SetProcessVersion { version } => self.st.version = version,
                _ => {
                    let action = input.action.clone();
                    match self.check_action(&action) {
                        Ok(()) => self.apply_action(&action),
                        Err(e) => {
                            // a replayed input that cannot happen here changes nothing
                            if self.input_error.is_none() {
                                self.input_error = Some((index as usize, format!("input {}: {e}", index + 1)));
                            }
                        }
                    }
                }
            }
        }
    }

    // ----- checkpoints -----------------------------------------------------------------

    /// A checkpoint of the current step.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot { st: self.st.clone(), log_len: self.store.len() }
    }

    /// Goes back (or forward) to a checkpoint taken from this world's recorded run.
    pub fn restore(&mut self, snap: &Snapshot) {
        self.st = snap.st.clone();
        self.store.set_cursor(snap.log_len);
        self.apply_due_inputs();
    }

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
        let Volatile { scheduler, stats, actors, .. } = &mut self.st;
        let published = scheduler.pop_with(|at, p| {
            let env = &mut p.env;
            env.at_ms = at;
            if store.holds(&env.id) {
                return Err((p.output, at, env.message_type()));
            }
            stats.published(env, |name| {
                let mut cooks = actors.iter().filter_map(|a| if let Actor::Cook(c) = a { Some(c) } else { None });
                cooks.position(|c| c.name.as_str() == name)
            });
            if let Message::OrderCompleted { order } = &env.body {
                // placed → completed; a recorded stretch run again finds it there already
                if stats.completed as usize > completions.len() {
                    completions.push(at - order.placed_at_ms);
                }
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
            if self.st.faults_len >= self.faults.len() {
                self.faults.push(record);
            }
            self.st.faults_len += 1;
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
                    if self.st.printed_len >= self.printed.len() {
                        self.printed.push(printed);
                    }
                    self.st.printed_len += 1;
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
        self.st.stats.noticed(&out.notes);
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

    /// Whether the process managers run the orders (the wiring has a house).
    pub fn has_process_managers(&self) -> bool {
        self.wiring.has_process_managers()
    }

    /// The role of actor `actor`.
    pub fn role(&self, actor: ActorId) -> Option<Role> {
        self.actors.get(actor as usize).map(|a| a.kind.role())
    }
}
