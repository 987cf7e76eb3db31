//! The executor: one world, stepped one delivery at a time.

use super::actor::{ActorInfo, ActorKind, DISPATCHER, FIRST_COOK, HOUSE, TAG_HOUSE_STARTED, WAITER};
use super::input::{Action, Input};
use super::sampler::{Sampler, Samples};
use super::stats::Stats;
use crate::actors::{alarm_clock, assistant_manager, cashier, cook, waiter};
use crate::bus::{ActorId, Bus};
use crate::dispatch::{self, CookLoad};
use crate::faults::{self, Fate};
use crate::ids;
use crate::message::{Envelope, MessageType};
use crate::outbox::Outbox;
use crate::process::house::HouseContext;
use crate::process::{House, ProcessParams};
use crate::rng::Rng;
use crate::scenario::{Config, ConfigError, HouseMode};
use crate::store::{ChunkedLog, Store};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::ops::Range;
use std::rc::Rc;
use uuid::Uuid;

/// A message waiting in an actor's mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mail {
    seq: u32,
    copy: u8,
    enq: u64,
}

/// An order the waiter has been asked to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Request {
    dodgy: Option<bool>,
    correlation_id: Option<Uuid>,
    enq: u64,
}

/// When a decided message is due, and where it waits (its slot in `Volatile::parked`).
/// Ordered so that `BinaryHeap` (a max-heap) pops the earliest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Due {
    /// `at << 64 | order`: one comparison orders by time, then by decision order.
    key: u128,
    slot: u32,
}

impl Due {
    fn at(&self) -> u64 {
        (self.key >> 64) as u64
    }
}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// A message decided but not yet published (its handler is still working, or the alarm
/// clock holds it), with its publisher.
type Parked = Option<(Envelope, ActorId)>;

/// `seq` of a trace record for the waiter taking an order.
pub const TAKE_ORDER: u32 = u32::MAX;
/// `seq` of a trace record for the run's tail (publications after the last delivery).
pub const TAIL: u32 = u32::MAX - 1;

/// A trace record packed into 16 bytes: `at_ms << 16 | actor`, `seq` with the copy in
/// its top bit, and `log_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PackedRecord {
    at_actor: u64,
    seq_copy: u32,
    log_end: u32,
}

impl PackedRecord {
    fn pack(r: TraceRecord) -> Self {
        PackedRecord {
            at_actor: (r.at_ms << 16) | r.actor as u64,
            seq_copy: if r.seq >= TAIL { r.seq } else { r.seq | ((r.copy as u32) << 31) },
            log_end: r.log_end,
        }
    }

    fn unpack(self) -> TraceRecord {
        let (seq, copy) = if self.seq_copy >= TAIL {
            (self.seq_copy, 0)
        } else {
            (self.seq_copy & !(1 << 31), (self.seq_copy >> 31) as u8)
        };
        TraceRecord { at_ms: self.at_actor >> 16, seq, log_end: self.log_end, actor: self.at_actor as u16, copy }
    }
}

/// One delivery, as recorded in the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceRecord {
    /// When the handler took the message.
    pub at_ms: u64,
    /// The message delivered ([`TAKE_ORDER`]: the waiter taking an order; [`TAIL`]: the
    /// run's tail published after its last delivery).
    pub seq: u32,
    /// Messages in the store once the step was done.
    pub log_end: u32,
    /// Who handled it.
    pub actor: ActorId,
    /// 1 for the second copy of a duplicated delivery.
    pub copy: u8,
}

/// A fault of the delivery layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The delivery was lost.
    Drop,
    /// The delivery was made twice.
    Duplicate,
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
    /// The message delivered (`None`: the waiter taking an order).
    pub seq: Option<u32>,
    /// 1 for the second copy of a duplicated delivery.
    pub copy: u8,
    /// Store positions of the messages published during this step.
    pub published: Range<u32>,
}

/// Everything that changes as the world steps, apart from the recorded frontier.
#[derive(Debug, Clone)]
struct Volatile {
    now: u64,
    steps: usize,
    faults_len: usize,
    mail: Vec<VecDeque<Mail>>,
    requests: VecDeque<Request>,
    busy_until: Vec<u64>,
    handled: Vec<u32>,
    pending: BinaryHeap<Due>,
    parked: Vec<Parked>,
    free_slots: Vec<u32>,
    next_pending: u64,
    next_mail: u64,
    next_scheduled: u32,
    bus: Bus,
    house: House,
    order_rng: Rng,
    fault_rng: Rng,
    rotation: usize,
    version: u8,
    next_input: usize,
    stats: Stats,
    sampler: Sampler,
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
    /// publications, subscriptions and live processes (what grows with the backlog). The
    /// timeline spaces checkpoints by it.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        // a hash-map entry: the key, the value, a control byte, and the table's slack
        const ENTRY: usize = 16 + 24 + 8;
        let st = &self.st;
        let mail: usize = st.mail.iter().map(VecDeque::len).sum();
        mail * size_of::<Mail>()
            + st.requests.len() * size_of::<Request>()
            + st.pending.len() * size_of::<Due>()
            + st.parked.len() * size_of::<Parked>()
            + st.free_slots.len() * size_of::<u32>()
            + st.bus.correlation_topics() * (ENTRY + 2 * size_of::<(ActorId, u32)>())
            + st.house.live() * (ENTRY + size_of::<crate::process::ProcessManager>())
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
    actors: Vec<ActorInfo>,
    cook_names: Vec<Rc<String>>,
    service_ms: Vec<u64>,
    assistant_manager: ActorId,
    cashier: ActorId,
    alarm_clock: ActorId,
    printer: ActorId,
    store: Store,
    trace: ChunkedLog<PackedRecord>,
    faults: Vec<FaultRecord>,
    samples: Samples,
    inputs: Vec<Input>,
    st: Volatile,
    loads: Vec<CookLoad>,
    targets: Vec<ActorId>,
    out: Outbox,
    started: Outbox,
}

/// What the dispatcher sees of each of the `cooks` cooks.
fn cook_loads(st: &Volatile, cooks: usize) -> impl Iterator<Item = CookLoad> + '_ {
    (0..cooks).map(|c| {
        let a = FIRST_COOK as usize + c;
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
        let bad_input = |message: String| ConfigError { field: "inputs".to_string(), message };
        for (i, input) in inputs.iter().enumerate() {
            if i > 0 && input.step < inputs[i - 1].step {
                return Err(bad_input(format!(
                    "input {} is at step {}, before the input before it",
                    i + 1,
                    input.step
                )));
            }
            if let Action::SetProcessVersion { version } = input.action {
                crate::process::check_version(version).map_err(|e| {
                    bad_input(format!("input {}: process version {version} does not exist ({e})", i + 1))
                })?;
            }
        }
        let mut actors = Vec::new();
        let mut add = |name: String, kind: ActorKind| {
            let id = actors.len() as ActorId;
            actors.push(ActorInfo { name, kind, id });
            id
        };
        add("waiter".into(), ActorKind::Waiter);
        add("house".into(), ActorKind::House);
        add("dispatcher".into(), ActorKind::Dispatcher);
        for (i, c) in cfg.cooks.iter().enumerate() {
            add(c.name.trim().to_string(), ActorKind::Cook(i as u16));
        }
        let assistant_manager = add("assistant manager".into(), ActorKind::AssistantManager);
        let cashier = add("cashier".into(), ActorKind::Cashier);
        let alarm_clock = add("alarm clock".into(), ActorKind::AlarmClock);
        let printer = add("printer".into(), ActorKind::Printer);
        let n = actors.len();
        let mut service_ms = vec![0; n];
        for (i, c) in cfg.cooks.iter().enumerate() {
            service_ms[FIRST_COOK as usize + i] = c.ms;
        }
        service_ms[assistant_manager as usize] = cfg.assistant_manager_ms;
        service_ms[cashier as usize] = cfg.cashier_ms;

        let mut bus = Bus::new();
        bus.subscribe_type(MessageType::OrderPlaced, HOUSE);
        bus.subscribe_type(MessageType::CookFood, DISPATCHER);
        bus.subscribe_type(MessageType::PriceOrder, assistant_manager);
        bus.subscribe_type(MessageType::TakePayment, cashier);
        bus.subscribe_type(MessageType::PublishAt, alarm_clock);
        bus.subscribe_type(MessageType::OrderCompleted, printer);

        let store = Store::new();
        let st = Volatile {
            now: 0,
            steps: 0,
            faults_len: 0,
            mail: vec![VecDeque::new(); n],
            requests: VecDeque::new(),
            busy_until: vec![0; n],
            handled: vec![0; n],
            pending: BinaryHeap::new(),
            parked: Vec::new(),
            free_slots: Vec::new(),
            next_pending: 0,
            next_mail: 0,
            next_scheduled: 0,
            bus,
            house: House::new(),
            order_rng: Rng::stream(cfg.seed, ORDER_STREAM),
            fault_rng: Rng::stream(cfg.seed, FAULT_STREAM),
            rotation: 0,
            version: cfg.process_version,
            next_input: 0,
            stats: Stats::new(cfg.cooks.len(), n),
            sampler: Sampler::new(n),
        };
        let mut world = World {
            params: ProcessParams::from_config(&cfg),
            cook_names: cfg.cooks.iter().map(|c| Rc::new(c.name.trim().to_string())).collect(),
            cfg,
            actors,
            service_ms,
            assistant_manager,
            cashier,
            alarm_clock,
            printer,
            store,
            trace: ChunkedLog::default(),
            faults: Vec::new(),
            samples: Samples { actors: n, ..Samples::default() },
            inputs,
            st,
            loads: Vec::new(),
            targets: Vec::new(),
            out: Outbox::new(),
            started: Outbox::new(),
        };
        world.apply_due_inputs();
        Ok(world)
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

    /// The actors, in floor order.
    pub fn actors(&self) -> &[ActorInfo] {
        &self.actors
    }

    /// The actor id of a cook's name.
    pub fn cook_index(&self, name: &str) -> Option<usize> {
        self.cook_names.iter().position(|c| c.as_str() == name)
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
        self.trace.get(step - 1).map(|r| r.unpack())
    }

    /// Faults up to the current step.
    pub fn faults(&self) -> &[FaultRecord] {
        &self.faults[..self.st.faults_len]
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

    /// Until when `actor` is busy.
    pub fn busy_until(&self, actor: ActorId) -> u64 {
        self.st.busy_until[actor as usize]
    }

    /// Messages `actor` has handled.
    pub fn handled(&self, actor: ActorId) -> u32 {
        self.st.handled[actor as usize]
    }

    /// Live process managers in the house.
    pub fn live_processes(&self) -> usize {
        self.st.house.live()
    }

    /// The house (which orders are live, on which flow).
    pub fn house(&self) -> &House {
        &self.st.house
    }

    /// Messages decided but not yet published, by publisher (alarms included).
    pub fn pending_from(&self, actor: ActorId) -> usize {
        self.st.parked.iter().filter(|p| p.as_ref().is_some_and(|(_, a)| *a == actor)).count()
    }

    /// Messages decided in answer to message `cause` and not yet published:
    /// `(publish time, envelope)`.
    pub fn pending_answers(&self, cause: Uuid) -> Vec<(u64, &Envelope)> {
        let mut found: Vec<(u128, &Envelope)> = self
            .st
            .pending
            .iter()
            .filter_map(|due| {
                let (env, _) = self.st.parked.get(due.slot as usize)?.as_ref()?;
                env.answers(cause).then_some((due.key, env))
            })
            .collect();
        found.sort_by_key(|&(key, _)| key);
        found.into_iter().map(|(key, env)| ((key >> 64) as u64, env)).collect()
    }

    /// Correlation topics on the bus (one per live order).
    pub fn correlation_topics(&self) -> usize {
        self.st.bus.correlation_topics()
    }

    /// The queue-length samples up to the current step, plus the interval being filled.
    pub fn samples(&self) -> (Vec<u64>, Vec<u16>) {
        let rows = self.st.sampler.rows;
        let n = self.samples.actors;
        let mut buckets = self.samples.buckets[..rows].to_vec();
        let mut values = self.samples.values[..rows * n].to_vec();
        if self.st.steps > 0 {
            buckets.push(self.st.sampler.bucket);
            values.extend_from_slice(&self.st.sampler.peak);
        }
        (buckets, values)
    }

    /// Whether nothing is left to do.
    pub fn is_idle(&mut self) -> bool {
        self.next_event_time().is_none()
    }

    // ----- inputs ----------------------------------------------------------------------

    /// The waiter takes one order now. Forgets any recorded future first. Returns the
    /// order's correlation id.
    pub fn place_order(&mut self, dodgy: bool) -> Uuid {
        self.record_input(Action::PlaceOrder { dodgy });
        self.st.requests.back().and_then(|r| r.correlation_id).unwrap_or_default()
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
        self.faults.truncate(self.st.faults_len);
        self.samples.truncate(self.st.sampler.rows);
        self.inputs.truncate(self.st.next_input);
    }

    fn apply_due_inputs(&mut self) {
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
                    self.st.requests.push_back(Request { dodgy: Some(dodgy), correlation_id: Some(corr), enq });
                    self.st.sampler.observe(WAITER as usize, self.st.requests.len());
                }
                Action::SetProcessVersion { version } => self.st.version = version,
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
    pub fn next_event_time(&mut self) -> Option<u64> {
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
        let pending = self.st.pending.peek().map_or(u64::MAX, |p| p.at());
        pending.min(self.scheduled_at())
    }

    fn refresh_loads(&mut self) {
        self.loads.clear();
        self.loads.extend(cook_loads(&self.st, self.cook_names.len()));
    }

    /// When `actor` could take the head of its mailbox, and that message's enqueue
    /// number (the tie-breaker); `None` if it has nothing it may take.
    fn candidate(&mut self, actor: ActorId) -> Option<(u64, u64)> {
        let now = self.st.now;
        let i = actor as usize;
        if actor == WAITER {
            let r = self.st.requests.front()?;
            return Some((now.max(self.st.busy_until[i]), r.enq));
        }
        let head = self.st.mail[i].front()?.enq;
        let start = if actor == DISPATCHER {
            let loads = cook_loads(&self.st, self.cook_names.len());
            dispatch::ready_at(self.cfg.dispatch, loads, now, self.cfg.queue_limit as usize)?
        } else {
            now.max(self.st.busy_until[i])
        };
        Some((start, head))
    }

    /// The earliest delivery: `(start time, enqueue number, actor)`; the time is
    /// `u64::MAX` when there is none.
    fn next_delivery(&mut self) -> (u64, u64, ActorId) {
        let mut best = (u64::MAX, u64::MAX, WAITER);
        for a in 0..self.actors.len() as ActorId {
            let empty = if a == WAITER { self.st.requests.is_empty() } else { self.st.mail[a as usize].is_empty() };
            if empty {
                continue;
            }
            if let Some((start, enq)) = self.candidate(a) {
                if (start, enq) < (best.0, best.1) {
                    best = (start, enq, a);
                }
            }
        }
        best
    }

    fn tick_sampler(&mut self) {
        // cheap test first: most steps stay in the interval being filled
        if self.st.now < (self.st.sampler.bucket + 1).saturating_mul(self.cfg.sample_ms) {
            return;
        }
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
        let pending_at = self.st.pending.peek().map_or(u64::MAX, |p| p.at());
        self.targets.clear();
        if pending_at > self.scheduled_at() {
            self.targets.push(WAITER);
            self.st.next_scheduled += 1;
            let enq = self.next_mail();
            self.st.requests.push_back(Request { dodgy: None, correlation_id: None, enq });
            self.observe(WAITER);
            return;
        }
        let Some(due) = self.st.pending.pop() else {
            return;
        };
        let Some((mut env, publisher)) = self.st.parked[due.slot as usize].take() else {
            return;
        };
        self.st.free_slots.push(due.slot);
        env.at_ms = due.at();
        let cook_names = &self.cook_names;
        self.st.stats.published(&env, |name| cook_names.iter().position(|c| c.as_str() == name));
        self.targets.clear();
        let targets = &mut self.targets;
        self.st.bus.route(&env, |a| targets.push(a));
        let seq = self.store.append(env, publisher);
        for k in 0..self.targets.len() {
            let actor = self.targets[k];
            self.enqueue(actor, seq);
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
            Fate::Dropped => Some(super::world::Fault::Drop),
            Fate::Duplicated => Some(super::world::Fault::Duplicate),
            Fate::Delivered => None,
        };
        if let Some(fault) = fault {
            let record = FaultRecord { step: self.st.steps as u32 + 1, seq, actor, fault };
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

    fn push_mail(&mut self, actor: ActorId, seq: u32, copy: u8) {
        let enq = self.next_mail();
        self.st.mail[actor as usize].push_back(Mail { seq, copy, enq });
        self.observe(actor);
    }

    fn observe(&mut self, actor: ActorId) {
        let len = self.queue_len(actor);
        let peak = &mut self.st.stats.peak_queue[actor as usize];
        *peak = (*peak).max(len as u32);
        self.st.sampler.observe(actor as usize, len);
    }

    fn schedule(&mut self, at: u64, publisher: ActorId, env: Envelope) {
        self.st.next_pending += 1;
        let order = self.st.next_pending;
        let slot = match self.st.free_slots.pop() {
            Some(slot) => {
                self.st.parked[slot as usize] = Some((env, publisher));
                slot
            }
            None => {
                self.st.parked.push(Some((env, publisher)));
                (self.st.parked.len() - 1) as u32
            }
        };
        self.st.pending.push(Due { key: ((at as u128) << 64) | order as u128, slot });
    }

    /// Delivers the head of `actor`'s mailbox at the current time.
    fn deliver(&mut self, actor: ActorId) -> StepOutcome {
        self.tick_sampler();
        let now = self.st.now;
        let a = actor as usize;
        let kind = self.actors[a].kind;
        let mut outcome =
            StepOutcome { step: self.st.steps + 1, at_ms: now, actor, seq: None, copy: 0, published: 0..0 };

        if kind == ActorKind::Waiter {
            let req = self.st.requests.pop_front().expect("the waiter is chosen only with an order to take");
            let rng = &mut self.st.order_rng;
            let dodgy = req.dodgy.unwrap_or_else(|| rng.chance(self.cfg.dodgy));
            let corr = req.correlation_id.unwrap_or_else(|| ids::fresh(rng));
            let placed = waiter::take_order(rng, corr, dodgy, now);
            self.schedule(now, WAITER, placed);
            self.finish_step(actor, now, TAKE_ORDER, 0);
            return outcome;
        }

        let mail = self.st.mail[a].pop_front().expect("an actor is chosen only with mail");
        outcome.seq = Some(mail.seq);
        outcome.copy = mail.copy;
        let env = self.store.get(mail.seq as usize).expect("mail points into the published log").clone();
        let mut out = std::mem::take(&mut self.out);
        let mut started = std::mem::take(&mut self.started);
        out.clear();
        started.clear();
        let service = match kind {
            ActorKind::House => {
                let ctx = HouseContext {
                    store: &self.store,
                    bus: &mut self.st.bus,
                    me: HOUSE,
                    version: self.st.version,
                    params: self.params,
                    cached: self.cfg.house == HouseMode::Cached,
                };
                self.st.house.handle(&env, mail.seq, ctx, &mut started, &mut out);
                0
            }
            ActorKind::Dispatcher => {
                self.refresh_loads();
                let limit = self.cfg.queue_limit as usize;
                match dispatch::choose(self.cfg.dispatch, &self.loads, now, limit, &mut self.st.rotation) {
                    Some(cook) => self.enqueue(FIRST_COOK + cook as ActorId, mail.seq),
                    None => self.st.mail[a].push_front(mail),
                }
                0
            }
            ActorKind::Cook(i) => cook::handle(&self.cook_names[i as usize], self.service_ms[a], &env, now, &mut out),
            ActorKind::AssistantManager => assistant_manager::handle(self.service_ms[a], &env, &mut out),
            ActorKind::Cashier => {
                let paid = self.store.stream_has(&env.correlation_id, MessageType::OrderPaid);
                cashier::handle(self.service_ms[a], paid, &env, &mut out)
            }
            ActorKind::AlarmClock => alarm_clock::handle(&env, &mut out),
            ActorKind::Printer | ActorKind::Waiter => 0,
        };
        let done = now + service;
        let tag = kind.tag();
        for (at, e) in
            started.envelopes(&env, TAG_HOUSE_STARTED, 0, done).chain(out.envelopes(&env, tag, mail.copy, done))
        {
            self.schedule(at, actor, e);
        }
        self.st.stats.noticed(&out.notes);
        self.out = out;
        self.started = started;
        self.finish_step(actor, done, mail.seq, mail.copy);
        outcome
    }

    fn finish_step(&mut self, actor: ActorId, busy_until: u64, seq: u32, copy: u8) {
        let a = actor as usize;
        self.st.busy_until[a] = busy_until;
        self.st.handled[a] += 1;
        self.record_step(actor, seq, copy);
    }

    fn record_step(&mut self, actor: ActorId, seq: u32, copy: u8) {
        let record = TraceRecord { at_ms: self.st.now, seq, log_end: self.store.len() as u32, actor, copy };
        let record = PackedRecord::pack(record);
        if self.st.steps >= self.trace.len() {
            self.trace.push(record);
        } else {
            debug_assert_eq!(self.trace.get(self.st.steps), Some(&record), "re-execution diverged from the trace");
        }
        self.st.steps += 1;
    }

    /// Actor ids of the assistant manager, cashier, alarm clock and printer.
    pub fn helpers(&self) -> [ActorId; 4] {
        [self.assistant_manager, self.cashier, self.alarm_clock, self.printer]
    }
}
