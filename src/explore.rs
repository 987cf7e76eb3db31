//! Check every fate: a breadth-first exploration of every way the deliveries to the
//! workers (cooks, assistant manager, cashier) can go — delivered, lost, duplicated or
//! late (delayed past the step's timeout) — for a scenario of one or two orders, through
//! the deterministic engine with seeded faults off.
//!
//! Each time a delivery to a worker is decided (a message newly waiting for a worker, or
//! in flight to one), the search branches four ways and applies the fate as a manual
//! input ([`Action::DropMessage`], [`Action::DuplicateMessage`], [`Action::DelayMessage`];
//! delivered is no input), so a schedule *is* the run's list of inputs. A copy made by a
//! duplication and a late message coming back are part of the fate already chosen.
//!
//! States are explored in order of how many fates were not "delivered" (a bucket queue:
//! fewest first), so the first schedule found to break a rule is a shortest one. States
//! already seen are recognised by their canonical form ([`World::hash_state`]). Every
//! state is checked against the safety rules and every idle one against the end rules
//! ([`rules`]). The search stops at the first broken rule, when every state has been
//! explored, or at a limit on states or on memory (and, for the caller, on time: see
//! [`Explorer::run`]); [`Explorer::stopped_by`] says which limit.

#[cfg(not(target_arch = "wasm32"))]
pub mod command;
pub mod learner;
#[doc(hidden)]
pub mod progress;
pub mod rules;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod worst;

use crate::bus::ActorId;
use crate::process::CustomProcess;
use crate::scenario::{Config, ConfigError};
use crate::sim::{Action, Input, World};
use rules::Broken;
use std::collections::{HashMap, VecDeque};
use std::hash::Hasher;
use uuid::Uuid;

/// How far to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Stop after exploring this many states.
    pub max_states: usize,
    /// Consider schedules with at most this many fates other than "delivered" (a refund
    /// is asked for until the cashier answers, so without a bound the space is infinite).
    pub max_fates: u32,
    /// Recognise states already seen (off only to measure what it saves).
    pub dedup: bool,
    /// Stop when the states waiting and the states seen would hold more than this many
    /// bytes (estimated: [`Explorer::held_bytes`]).
    pub max_bytes: usize,
    /// Crashes are fates too: after any step the house or the alarm clock may crash (at
    /// most [`MAX_CRASHES`] a schedule, each one fate).
    pub crashes: bool,
}

/// Most crashes in one schedule when crashes are explored.
pub const MAX_CRASHES: usize = 1;

/// The memory an exploration allows itself by default: 1 GiB, natively as in the page's
/// worker (whose WebAssembly memory can grow to 4 GiB, and trapped at 910,000 states
/// before there was a limit).
pub const MEMORY_LIMIT: usize = 1 << 30;

/// Which limit stopped an exploration ([`Verdict::Limit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// [`Limits::max_states`] states were explored.
    States,
    /// The states waiting and seen would have held more than [`Limits::max_bytes`].
    Memory,
    /// The caller's `stop` (a wall-clock bound, a cancel button) said so.
    Time,
}

impl Stop {
    /// Its name in progress reports: `states`, `memory` or `time`.
    pub fn name(self) -> &'static str {
        match self {
            Stop::States => "states",
            Stop::Memory => "memory",
            Stop::Time => "time",
        }
    }
}

impl Limits {
    /// The bounds `--explore` and the page use for `orders` orders: every schedule with up
    /// to 6 manual fates for one order, up to 4 for two.
    pub fn for_orders(orders: u32) -> Limits {
        Limits { max_fates: if orders <= 1 { 6 } else { 4 }, ..Limits::default() }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_states: 2_000_000, max_fates: 6, dedup: true, max_bytes: MEMORY_LIMIT, crashes: false }
    }
}

pub use crate::fate::Fate;

/// How the exploration ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Still going (more states to explore, no limit reached).
    Running,
    /// Every state within the fate bound was explored and every rule holds.
    Holds,
    /// A limit on states was reached; no rule was broken so far.
    Limit,
    /// A rule is broken; the shortest schedule that breaks it.
    Broken(Box<Counterexample>),
}

/// A rule broken, and the shortest schedule that breaks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Counterexample {
    /// The rule and the order.
    pub broken: Broken,
    /// The schedule: the scenario's inputs and the manual fates, by step.
    pub inputs: Vec<Input>,
    /// How many manual fates (fates other than "delivered") it takes.
    pub fates: u32,
    /// The step at which the rule is broken (the state checked).
    pub step: usize,
}

/// Counters of an exploration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Distinct states explored (checked and expanded).
    pub states: usize,
    /// Schedules that reached idle (distinct end states).
    pub schedules: usize,
    /// States reached again and not explored again.
    pub dedup_hits: usize,
    /// Branch points (a delivery whose fate was chosen).
    pub branch_points: usize,
    /// The most manual fates of any state explored.
    pub deepest: u32,
}

/// A state waiting to be explored: the world with every delivery present decided.
struct Node {
    world: World,
    /// The deliveries whose fate is chosen: (message id, actor).
    decided: Vec<(Uuid, ActorId)>,
    fates: u32,
    key: u128,
    /// Its estimated size ([`state_bytes`]).
    bytes: usize,
}

/// A breadth-first exploration in progress (drive it with [`Explorer::advance`]).
pub struct Explorer {
    cfg: Config,
    limits: Limits,
    /// Bucket `k`: states reached with `k` manual fates.
    buckets: Vec<VecDeque<Node>>,
    best: HashMap<u128, u32>,
    counts: Counts,
    verdict: Verdict,
    /// Which limit ended it, once [`Verdict::Limit`].
    stopped_by: Option<Stop>,
    /// Estimated bytes held by the states waiting (see [`Explorer::held_bytes`]).
    waiting_bytes: usize,
    /// A further rule checked right after every step (a learner's process manager:
    /// [`learner`]).
    after_step: Option<Box<AfterStep>>,
    /// The learner's process manager the worlds run, if any.
    process: Option<CustomProcess>,
}

/// A check run right after each step of the exploration, on the state it reached.
pub type AfterStep = dyn Fn(&World) -> Option<Broken>;

impl Explorer {
    /// An exploration of `cfg` (seeded faults switched off) with the scenario's `inputs`
    /// (e.g. `PlaceOrder` at step 0 with `orders: 0`).
    pub fn new(cfg: &Config, inputs: Vec<Input>, limits: Limits) -> Result<Explorer, ConfigError> {
        Explorer::with_process(cfg, inputs, limits, None)
    }

    /// [`Explorer::new`], the worlds running the learner's `process` if one is given
    /// ([`World::with_custom_process`]).
    pub fn with_process(
        cfg: &Config,
        inputs: Vec<Input>,
        limits: Limits,
        process: Option<CustomProcess>,
    ) -> Result<Explorer, ConfigError> {
        if let Some(late) = inputs.iter().find(|i| i.step > 0) {
            return Err(ConfigError::new(
                "inputs",
                format!(
                    "the scenario's inputs come at step 0 (one at step {}): the explorer decides what follows",
                    late.step
                ),
            ));
        }
        let cfg = Config { drop: 0.0, duplicate: 0.0, crash: 0.0, poison: 0.0, ..cfg.clone() };
        let mut world = World::with_inputs(cfg.clone(), inputs)?;
        if let Some(process) = &process {
            world = world.with_custom_process(process.clone());
        }
        let mut explorer = Explorer {
            cfg,
            limits,
            buckets: vec![VecDeque::new()],
            best: HashMap::new(),
            counts: Counts::default(),
            verdict: Verdict::Running,
            stopped_by: None,
            waiting_bytes: 0,
            after_step: None,
            process,
        };
        explorer.branch(world, Vec::new(), 0);
        Ok(explorer)
    }

    /// Checks `check` right after every step as well as the explorer's rules (it sees the
    /// state the step reached before anything else runs, so a check may read what the step
    /// just did outside the world, e.g. a learner's process failing).
    pub fn with_check(mut self, check: impl Fn(&World) -> Option<Broken> + 'static) -> Explorer {
        self.after_step = Some(Box::new(check));
        self
    }

    /// The learner's process manager the worlds run, if any.
    pub fn process(&self) -> Option<&CustomProcess> {
        self.process.as_ref()
    }

    /// The config explored (seeded faults off).
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The bounds of the search.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The counters so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// How it ended (or [`Verdict::Running`]).
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// States waiting to be explored.
    pub fn frontier(&self) -> usize {
        self.buckets.iter().map(VecDeque::len).sum()
    }

    /// Which limit stopped the exploration, if one did ([`Verdict::Limit`]).
    pub fn stopped_by(&self) -> Option<Stop> {
        self.stopped_by
    }

    /// About how many bytes the exploration holds: every state waiting (a whole world:
    /// [`state_bytes`]) and every state seen (an entry of the table of canonical forms).
    /// Estimated, so that where an exploration stops does not depend on the platform.
    pub fn held_bytes(&self) -> usize {
        self.waiting_bytes + self.best.capacity() * SEEN_BYTES
    }

    fn stop(&mut self, why: Stop) {
        self.verdict = Verdict::Limit;
        self.stopped_by = Some(why);
    }

    /// Explores up to `budget` more states; returns whether the exploration goes on.
    pub fn advance(&mut self, budget: usize) -> bool {
        for _ in 0..budget {
            if self.verdict != Verdict::Running {
                return false;
            }
            if self.counts.states >= self.limits.max_states {
                self.stop(Stop::States);
                return false;
            }
            if self.held_bytes() > self.limits.max_bytes {
                self.stop(Stop::Memory);
                return false;
            }
            let Some(node) = self.pop() else {
                self.verdict = Verdict::Holds;
                return false;
            };
            self.waiting_bytes = self.waiting_bytes.saturating_sub(node.bytes);
            self.explore(node);
        }
        self.verdict == Verdict::Running
    }

    /// Runs to the end, checking `stop` between slices of states (a wall-clock bound, a
    /// cancel button); `stop` returning true ends the run with [`Verdict::Limit`].
    pub fn run(&mut self, mut stop: impl FnMut(&Counts) -> bool) -> &Verdict {
        while self.advance(1_000) {
            if stop(&self.counts) {
                self.stop(Stop::Time);
            }
        }
        &self.verdict
    }

    fn pop(&mut self) -> Option<Node> {
        loop {
            let bucket = self.buckets.iter_mut().find(|b| !b.is_empty())?;
            let node = bucket.pop_front()?;
            if self.limits.dedup && self.best.get(&node.key).is_some_and(|&f| f < node.fates) {
                self.counts.dedup_hits += 1;
                self.waiting_bytes = self.waiting_bytes.saturating_sub(node.bytes);
                continue;
            }
            return Some(node);
        }
    }

    /// Checks one state, and queues what follows it.
    fn explore(&mut self, node: Node) {
        self.counts.states += 1;
        self.counts.deepest = self.counts.deepest.max(node.fates);
        let Node { mut world, decided, fates, .. } = node;
        if let Some(broken) = rules::safety(&world) {
            return self.found(broken, &world, fates);
        }
        if world.is_idle() {
            self.counts.schedules += 1;
            if let Some(broken) = rules::at_end(&world) {
                self.found(broken, &world, fates);
            }
            return;
        }
        world.step();
        if let Some(broken) = self.after_step.as_ref().and_then(|check| check(&world)) {
            return self.found(broken, &world, fates);
        }
        if self.limits.crashes && fates < self.limits.max_fates {
            self.branch_crashes(&world, &decided, fates);
        }
        self.branch(world, decided, fates);
    }

    /// After a step, each process that keeps something in memory (the house, the alarm
    /// clock) may crash: one more fate each, at most [`MAX_CRASHES`] a schedule.
    fn branch_crashes(&mut self, world: &World, decided: &[(Uuid, ActorId)], fates: u32) {
        let crashes = world.inputs().iter().filter(|i| matches!(i.action, Action::Crash { .. })).count();
        if crashes >= MAX_CRASHES {
            return;
        }
        for role in [crate::role::Role::House, crate::role::Role::AlarmClock] {
            let Some(actor) = world.actors().iter().find(|a| a.kind.role() == role) else { continue };
            let mut child = world.clone();
            if child.act(Action::Crash { actor: actor.name.clone() }).is_ok() {
                self.branch(child, decided.to_vec(), fates + 1);
            }
        }
    }

    fn found(&mut self, broken: Broken, world: &World, fates: u32) {
        self.verdict = Verdict::Broken(Box::new(Counterexample {
            broken,
            inputs: world.inputs().to_vec(),
            fates,
            step: world.steps(),
        }));
    }

    /// Chooses a fate for every delivery to a worker not decided yet, in every way, and
    /// queues each resulting state.
    fn branch(&mut self, world: World, mut decided: Vec<(Uuid, ActorId)>, fates: u32) {
        let mut open: Vec<Delivery> = Vec::new();
        for q in world.queued() {
            if !q.changeable
                || decided.contains(&(q.id, q.actor))
                || open.iter().any(|d| (d.id, d.actor) == (q.id, q.actor))
            {
                continue;
            }
            open.push(Delivery { id: q.id, actor: q.actor, seq: q.seq, output: q.output, copy: q.copy });
        }
        if open.is_empty() {
            return self.push(world, decided, fates);
        }
        self.counts.branch_points += open.len();
        decided.extend(open.iter().map(|d| (d.id, d.actor)));
        let combos = 4usize.pow(open.len() as u32);
        for c in 0..combos {
            let choice: Vec<Fate> = (0..open.len()).map(|i| Fate::EXPLORED[(c >> (2 * i)) & 3]).collect();
            let extra = choice.iter().filter(|&&f| f != Fate::Delivered).count() as u32;
            if fates + extra > self.limits.max_fates {
                continue;
            }
            let mut child = world.clone();
            let applied = open.iter().zip(&choice).all(|(d, &fate)| match self.action(&child, d, fate) {
                None => true,
                Some(action) => child.act(action).is_ok(),
            });
            if applied {
                self.push(child, decided.clone(), fates + extra);
            }
        }
    }

    /// The input that gives delivery `d` its fate (none for "delivered").
    fn action(&self, world: &World, d: &Delivery, fate: Fate) -> Option<Action> {
        let actor = world.actors().get(d.actor as usize)?.name.clone();
        Action::for_fate(fate, (d.seq, d.output, d.seq.map(|_| d.copy)), actor, || self.late_ms(world, d.actor))
    }

    /// A delay that makes a delivery arrive after its step's timeout has rung.
    fn late_ms(&self, world: &World, actor: ActorId) -> u64 {
        use crate::wiring::Role;
        let timeout = match world.role(actor) {
            Some(Role::Cook) => self.cfg.cook_timeout_ms,
            Some(Role::AssistantManager) => self.cfg.price_timeout_ms,
            _ => self.cfg.pay_timeout_ms,
        };
        (timeout + 1).min(crate::sim::input::MAX_MS)
    }

    fn push(&mut self, world: World, decided: Vec<(Uuid, ActorId)>, fates: u32) {
        let key = if self.limits.dedup { state_key(&world) } else { 0 };
        if self.limits.dedup {
            match self.best.get(&key) {
                Some(&f) if f <= fates => {
                    self.counts.dedup_hits += 1;
                    return;
                }
                _ => {
                    self.best.insert(key, fates);
                }
            }
        }
        let k = fates as usize;
        if self.buckets.len() <= k {
            self.buckets.resize_with(k + 1, VecDeque::new);
        }
        let bytes = state_bytes(&world, decided.len());
        self.waiting_bytes += bytes;
        self.buckets[k].push_back(Node { world, decided, fates, key, bytes });
    }
}

/// A delivery to a worker whose fate is to be chosen.
#[derive(Debug, Clone, Copy)]
struct Delivery {
    id: Uuid,
    actor: ActorId,
    seq: Option<u32>,
    output: Option<u32>,
    copy: u8,
}

/// Bytes one state seen holds in the table of canonical forms: its 128-bit key, the fates
/// that reached it, a control byte, padding and the table's slack.
const SEEN_BYTES: usize = 48;

/// Estimated bytes one state waiting holds besides its log: the world's fixed parts (config,
/// wiring, actors, mailboxes, clock, generators) and its queue entry.
pub const STATE_BASE_BYTES: usize = 6 * 1024;

/// Estimated bytes one state waiting holds per message of its log: the message, its place
/// in its order's stream and the step that published it, copied with the world.
pub const STATE_BYTES_PER_MESSAGE: usize = 160;

/// About how many bytes a state waiting to be explored holds (`decided`: deliveries whose
/// fate is chosen). Calibrated natively against the resident memory of explorations (see
/// docs/FACADE.md, "Checking every fate"), where a world is larger than in wasm32.
pub fn state_bytes(world: &World, decided: usize) -> usize {
    STATE_BASE_BYTES + world.store().len() * STATE_BYTES_PER_MESSAGE + decided * 24
}

/// The 128-bit key of a world's canonical form.
fn state_key(world: &World) -> u128 {
    let mut h = Key128::default();
    world.hash_state(&mut h);
    h.key()
}

/// A fast 128-bit hasher (two SplitMix64-mixed lanes) for the canonical form.
#[derive(Default)]
struct Key128 {
    a: u64,
    b: u64,
}

impl Key128 {
    fn key(&self) -> u128 {
        ((crate::rng::mix64(self.a) as u128) << 64) | crate::rng::mix64(self.b ^ 0x9e37_79b9_7f4a_7c15) as u128
    }
}

impl Hasher for Key128 {
    fn finish(&self) -> u64 {
        (self.key() >> 64) as u64
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.a = crate::rng::mix64(self.a ^ x).wrapping_add(0x243f_6a88_85a3_08d3);
        self.b = (self.b.rotate_left(23) ^ x).wrapping_mul(0xff51_afd7_ed55_8ccd).wrapping_add(0x1000_0000_01b3);
    }

    fn write_u8(&mut self, x: u8) {
        self.write_u64(x as u64);
    }

    fn write_u16(&mut self, x: u16) {
        self.write_u64(x as u64);
    }

    fn write_u32(&mut self, x: u32) {
        self.write_u64(x as u64);
    }

    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
}

/// The counterexample's run, re-simulated to idle from its config and inputs (what its
/// run file holds).
pub fn replay(cfg: &Config, example: &Counterexample) -> Result<World, ConfigError> {
    replay_with(cfg, None, example)
}

/// [`replay`], the world running the learner's `process` if one is given (an
/// exploration's: [`Explorer::process`]).
pub fn replay_with(
    cfg: &Config,
    process: Option<&CustomProcess>,
    example: &Counterexample,
) -> Result<World, ConfigError> {
    let mut world = World::with_inputs(cfg.clone(), example.inputs.clone())?;
    if let Some(process) = process {
        world = world.with_custom_process(process.clone());
    }
    world.run_to_idle();
    Ok(world)
}

/// One line per manual fate of a schedule: `step 3: lose CookFood (message 4) for Koen`.
pub fn describe(world: &World, inputs: &[Input]) -> Vec<String> {
    inputs
        .iter()
        .filter_map(|input| {
            if let Action::Crash { actor } = &input.action {
                return Some(format!("step {}: the {actor} crashes", input.step));
            }
            let (fate, target, actor) = input.action.fate()?;
            let what = match fate {
                Fate::Lost => "lose".to_string(),
                Fate::Duplicated => "duplicate".to_string(),
                Fate::Delayed(ms) => format!("delay by {ms} ms"),
                Fate::Delivered | Fate::Late => fate.word().to_string(),
            };
            let message = match target {
                Ok(crate::sim::FateTarget::Waiting { seq, .. }) => world
                    .store()
                    .get(seq as usize)
                    .map_or(format!("message {seq}"), |e| format!("{} (message {seq})", e.message_type().name())),
                Ok(crate::sim::FateTarget::InFlight { output }) => match output_type(world, output) {
                    Some(t) => format!("{} in flight (output {output})", t.name()),
                    None => format!("the message in flight (output {output})"),
                },
                Err(e) => e,
            };
            Some(format!("step {}: {what} {message} for {actor}", input.step))
        })
        .collect()
}

/// The type of output number `output` of a run's steps.
fn output_type(world: &World, output: u32) -> Option<crate::message::MessageType> {
    let mut first = 0u32;
    for step in 1..=world.steps() {
        let outputs = world.step_outputs(step);
        let n = outputs.len() as u32;
        if output < first + n {
            return outputs.get((output - first) as usize).map(|(record, _)| record.message_type);
        }
        first += n;
    }
    None
}
