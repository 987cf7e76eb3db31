//! Plain views of the simulation for the page: what the JavaScript facade returns.
//!
//! Everything here is ordinary Rust over a [`Timeline`](crate::sim::Timeline), so it is tested natively; the
//! facade in `wasm.rs` only converts these values to JavaScript.

use crate::message::{Envelope, HistoryEntry, MessageType};
use crate::process::replay::{recorded_answers, replay, Replay};
use crate::process::Definition;
use crate::sim::{ActorKind, FaultRecord, OutputRecord, World, ABSORBED, TAIL, TAKE_ORDER};
use crate::store::Store;
use crate::wiring::{Link, Role, Wiring};
use serde::Serialize;
use uuid::Uuid;

/// One message of the history, for the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct MessageView {
    /// Position in the history.
    pub seq: u32,
    /// Publication time.
    pub at_ms: u64,
    /// Type name.
    #[serde(rename = "type")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(type = "MessageType"))]
    pub type_name: &'static str,
    /// `"command"` or `"event"`.
    pub kind: &'static str,
    /// Message id.
    pub id: Uuid,
    /// The order's correlation id.
    pub correlation_id: Uuid,
    /// The message it answers.
    pub causation_id: Option<Uuid>,
    /// 1-based order number.
    pub order: u32,
    /// Name of the actor that published it.
    pub publisher: String,
    /// One line for humans.
    pub summary: String,
}

/// A message with its payload as in the run file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct MessageDetail {
    /// The headers and summary.
    #[serde(flatten)]
    pub view: MessageView,
    /// The run file's entry for it.
    pub payload: serde_json::Value,
}

/// One output of a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct OutputView {
    /// Type name.
    #[serde(rename = "type")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(type = "MessageType"))]
    pub type_name: &'static str,
    /// `"command"` or `"event"`.
    pub kind: &'static str,
    /// When it is (or was) published; for a hand-off, when it was handed over.
    pub at_ms: u64,
    /// Its id, once known.
    pub id: Option<Uuid>,
    /// Its position in the history, once published by the cursor (for a hand-off: the
    /// message handed over).
    pub seq: Option<u32>,
    /// `published` (by the cursor), `pending` (decided, not due yet), `absorbed` (the
    /// idempotent store held its id already) or `handed` (the dispatcher gave the message
    /// to a cook).
    pub status: &'static str,
    /// For a hand-off: the cook who got it.
    pub to: Option<String>,
    /// The step (1-based) during which it enters the history in the whole known run,
    /// after the cursor too: a handler decides at one step, its publications appear at a
    /// later one. `null` while the run computed so far has not published it, and for a
    /// hand-off or an absorbed one.
    pub published_step: Option<usize>,
}

impl OutputView {
    fn of(world: &World, out: OutputRecord, env: Option<&Envelope>) -> Self {
        let t = out.message_type;
        let status = match out.seq {
            _ if out.handed_to.is_some() => "handed",
            ABSORBED => "absorbed",
            s if (s as usize) < world.store().len() => "published",
            _ => "pending",
        };
        OutputView {
            type_name: t.name(),
            kind: t.kind().name(),
            at_ms: out.at_ms,
            id: env.map(|e| e.id),
            seq: matches!(status, "published" | "handed").then_some(out.seq),
            status,
            to: out.handed_to.map(|a| actor_name(world, a)),
            published_step: None,
        }
    }
}

/// A fault during a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct FaultView {
    /// `"drop"`, `"duplicate"`, `"delay"`, `"walked-out"` or `"shed"`.
    pub fault: &'static str,
    /// The message concerned.
    pub seq: u32,
    /// The worker it was meant for.
    pub actor: String,
    /// Whether a person's input caused it (not the seeded fault rates).
    pub manual: bool,
}

/// A fault of the run, with the step during which it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct FaultStepView {
    /// The step (1-based) during which the delivery was lost or doubled; for a person's
    /// input, the steps done when it applied (0: before the first step).
    pub step: u32,
    /// What happened, to which message, for whom.
    #[serde(flatten)]
    pub fault: FaultView,
}

impl FaultView {
    fn of(world: &World, f: &FaultRecord) -> Self {
        FaultView { fault: f.fault.name(), seq: f.seq, actor: actor_name(world, f.actor), manual: f.manual }
    }
}

/// A message waiting in a mailbox or in flight at the cursor (see [`World::queued`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct QueuedView {
    /// Store position of a waiting message; `null` in flight.
    pub seq: Option<u32>,
    /// Output number of a message in flight; `null` when waiting.
    pub output: Option<u32>,
    /// The receiving actor's name.
    pub actor: String,
    /// Which copy (0, or more for duplicated deliveries).
    pub copy: u8,
    /// Type name.
    #[serde(rename = "type")]
    pub type_name: &'static str,
    /// The message's id.
    pub id: Uuid,
    /// The order it belongs to.
    pub correlation_id: Uuid,
    /// Waiting: when it entered the mailbox. In flight: when it was decided.
    pub waiting_since_ms: u64,
    /// In flight: when it is due to be published.
    pub due_ms: Option<u64>,
    /// `"waiting"` or `"in-flight"`.
    pub state: &'static str,
    /// Whether it can be dropped, duplicated or delayed (deliveries to the workers).
    pub changeable: bool,
}

/// One delivery of a message to a handler.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct DeliveryView {
    /// The step (1-based) that delivered it.
    pub step: usize,
    /// Who received it.
    pub actor: String,
    /// When the handler took it.
    pub at_ms: u64,
    /// 1 for the second copy of a duplicated delivery.
    pub copy: u8,
}

/// One step of the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct StepView {
    /// Step number, from 1.
    pub step: usize,
    /// When the handler took the message.
    pub at_ms: u64,
    /// Who handled it.
    pub actor: String,
    /// What kind of actor.
    pub actor_kind: &'static str,
    /// The message delivered; `None` for the waiter taking an order.
    pub seq: Option<u32>,
    /// Its type (`"TakeOrder"` for the waiter).
    #[serde(rename = "type")]
    pub type_name: &'static str,
    /// `"command"`, `"event"`, or `"input"` for the waiter.
    pub kind: &'static str,
    /// The order it belongs to.
    pub correlation_id: Option<Uuid>,
    /// For the waiter taking an order: `"normal"` or `"dodgy"`, the customer whose order it
    /// places (known before the order is published, so a view can tell where the wiring
    /// sends what the waiter decided); `None` for every other step.
    pub customer: Option<&'static str>,
    /// Whether this delivery is the second copy of a duplicated one.
    pub duplicate: bool,
    /// What the handler publishes in answer, and when.
    pub outputs: Vec<OutputView>,
    /// Messages that entered the history during this step.
    pub published: Vec<u32>,
    /// Deliveries lost or doubled during this step.
    pub faults: Vec<FaultView>,
}

/// One actor at the cursor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct ActorView {
    /// Name on the floor.
    pub name: String,
    /// Kind (`cook`, `house`, …).
    pub kind: &'static str,
    /// Messages waiting.
    pub queue: usize,
    /// Working at the cursor.
    pub busy: bool,
    /// Busy until.
    pub busy_until: u64,
    /// Messages handled so far.
    pub handled: u32,
    /// House: live process managers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<usize>,
    /// Alarm clock: alarms set and not yet rung.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<usize>,
    /// A worker (cook, assistant manager, cashier): its time per message (ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// A worker: whether it walked out or was sent away (and has not come back).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub away: Option<bool>,
    /// Crashed and not restarted yet at the cursor: when it is back (simulated ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub down_until: Option<u64>,
}

/// One order at the cursor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct OrderView {
    /// 1-based order number.
    pub order: u32,
    /// Correlation id.
    pub correlation_id: Uuid,
    /// Table.
    pub table: u16,
    /// Pays first.
    pub dodgy: bool,
    /// Process definition, once started.
    pub definition: Option<Definition>,
    /// Process version, once started: the one it runs now (a migration's, after one).
    pub version: Option<u8>,
    /// `in-progress`, `completed` or `dropped`.
    pub status: &'static str,
    /// Drop reason.
    pub reason: Option<&'static str>,
    /// When placed.
    pub placed_at_ms: u64,
    /// When it ended.
    pub finished_at_ms: Option<u64>,
    /// Who cooked it (twice for a duplicate).
    pub cooks: Vec<String>,
    /// Messages in its stream.
    pub messages: usize,
}

/// A decision in a replay.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct DecisionView {
    /// Type name.
    #[serde(rename = "type")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(type = "MessageType"))]
    pub type_name: &'static str,
    /// Command or event.
    pub kind: &'static str,
    /// The id it gets.
    pub id: Uuid,
    /// One line for humans.
    pub summary: String,
}

/// One message of a replay.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct ReplayStepView {
    /// Position in the history.
    pub seq: u32,
    /// Publication time.
    pub at_ms: u64,
    /// Type name.
    #[serde(rename = "type")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(type = "MessageType"))]
    pub type_name: &'static str,
    /// Message id.
    pub id: Uuid,
    /// The state after it.
    pub state: serde_json::Value,
    /// What was decided.
    pub decided: Vec<DecisionView>,
    /// What was noticed.
    pub notes: Vec<&'static str>,
    /// Decisions equal the live run's.
    pub same_as_history: bool,
}

/// Definition and version.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct ProcessRef {
    /// Definition.
    pub definition: Definition,
    /// Version.
    pub version: u8,
}

/// A replay of one order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct ReplayView {
    /// The order.
    pub correlation_id: Uuid,
    /// Definition replayed.
    pub definition: Definition,
    /// Version replayed.
    pub version: u8,
    /// What the order ran live.
    pub original: Option<ProcessRef>,
    /// One entry per input message.
    pub steps: Vec<ReplayStepView>,
}

/// Queue-length samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct SamplesView {
    /// Interval of a bucket, in ms.
    pub interval_ms: u64,
    /// Actor names, one per column.
    pub actors: Vec<String>,
    /// Start time of each row, in ms.
    pub at_ms: Vec<u64>,
    /// Peak queue per actor, per row.
    pub rows: Vec<Vec<u16>>,
    /// Messages each actor took from its mailbox in each row's time (as the report's `load`
    /// counts them: `taken`): its throughput is this over `interval_ms`.
    pub taken: Vec<Vec<u32>>,
}

/// The wiring of the run, for the floor: the subscriptions and reactions, the arrows
/// they make, and what pay-first costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct WiringView<'a> {
    /// The wiring itself.
    #[serde(flatten)]
    pub wiring: &'a Wiring,
    /// Every arrow of the floor.
    pub links: Vec<Link>,
    /// The workers whose wiring differs between the pay-last and pay-first flows.
    pub rewired_for_pay_first: Vec<Role>,
}

/// The wiring of `world`'s architecture.
pub fn wiring(world: &World) -> WiringView<'_> {
    let wiring = world.wiring();
    WiringView { wiring, links: wiring.links(), rewired_for_pay_first: wiring.rewired_for_pay_first() }
}

/// The name of an actor id.
fn actor_name(world: &World, actor: u16) -> String {
    world.actors().get(actor as usize).map_or_else(|| "?".to_string(), |a| a.name.clone())
}

/// The view of message `seq`, if published by the cursor.
pub fn message(world: &World, seq: usize) -> Option<MessageView> {
    let store = world.store();
    let env = store.get(seq)?;
    Some(message_of(world, seq as u32, &env))
}

fn message_of(world: &World, seq: u32, env: &Envelope) -> MessageView {
    let publisher = actor_name(world, world.store().publisher(seq as usize).unwrap_or(u16::MAX));
    message_in(world.store(), seq, env, publisher)
}

/// The view of message `seq` (`env`) as `store` holds it, published by `publisher` (a
/// simulation's or a record's).
pub fn message_in(store: &Store, seq: u32, env: &Envelope, publisher: String) -> MessageView {
    let t = env.message_type();
    MessageView {
        seq,
        at_ms: env.at_ms,
        type_name: t.name(),
        kind: t.kind().name(),
        id: env.id,
        correlation_id: env.correlation_id,
        causation_id: env.causation(),
        order: store.order_no(&env.correlation_id).unwrap_or(0),
        publisher,
        summary: env.body.summary(),
    }
}

/// How many messages one actor published of one type (see [`published_counts`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedCount {
    /// Name of the actor that published them.
    pub publisher: String,
    /// Type name.
    #[serde(rename = "type")]
    pub type_name: &'static str,
    /// How many.
    pub count: u32,
}

/// How many messages each actor published of each type among history seqs `[from, to)`
/// (clipped to the cursor), in the order each pair was first published: the floor's link
/// counts, without building a [`MessageView`] for every message.
pub fn published_counts(world: &World, from: usize, to: usize) -> Vec<PublishedCount> {
    let store = world.store();
    let to = to.min(store.len());
    let mut counts: Vec<((u16, MessageType), u32)> = Vec::new();
    for seq in from.min(to)..to {
        let Some(t) = store.message_type(seq) else { continue };
        let key = (store.publisher(seq).unwrap_or(u16::MAX), t);
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    counts
        .into_iter()
        .map(|((publisher, t), count)| PublishedCount {
            publisher: actor_name(world, publisher),
            type_name: t.name(),
            count,
        })
        .collect()
}

/// The seqs of the messages of type `t` published by the cursor, ascending.
pub fn seqs_of_type(world: &World, t: MessageType) -> Vec<u32> {
    let store = world.store();
    (0..store.len() as u32).filter(|&s| store.message_type(s as usize) == Some(t)).collect()
}

/// Message `seq` with its payload.
pub fn message_detail(world: &World, seq: usize) -> Option<MessageDetail> {
    let env = world.store().get(seq)?;
    let payload = serde_json::to_value(HistoryEntry::new(seq as u32, &env)).unwrap_or_default();
    Some(MessageDetail { view: message_of(world, seq as u32, &env), payload })
}

/// Messages `[from, to)` of the history at the cursor.
pub fn messages(world: &World, from: usize, to: usize) -> Vec<MessageView> {
    let to = to.min(world.store().len());
    (from.min(to)..to).filter_map(|s| message(world, s)).collect()
}

/// Step `step` (1-based), if done by the cursor.
pub fn step(world: &World, step: usize) -> Option<StepView> {
    let rec = world.trace_record(step)?;
    let store = world.store();
    let info = world.actors().get(rec.actor as usize)?;
    let start = if step >= 2 { world.trace_record(step - 1).map_or(0, |r| r.log_end) } else { 0 };
    let faults = {
        let all = world.faults();
        let first = all.partition_point(|f| (f.step as usize) < step);
        all[first..].iter().take_while(|f| f.step as usize == step).map(|f| FaultView::of(world, f)).collect()
    };
    let mut view = StepView {
        step,
        at_ms: rec.at_ms,
        actor: info.name.clone(),
        actor_kind: info.kind.name(),
        seq: None,
        type_name: "TakeOrder",
        kind: "input",
        correlation_id: None,
        customer: None,
        duplicate: rec.copy > 0,
        outputs: Vec::new(),
        published: (start..rec.log_end).collect(),
        faults,
    };
    // what the handler decided, as the executor recorded it
    let outputs = world.step_outputs(step);
    if rec.seq == TAKE_ORDER {
        view.customer = outputs
            .iter()
            .find_map(|(_, env)| env.as_ref()?.body.order().map(|o| if o.dodgy { "dodgy" } else { "normal" }));
    }
    view.outputs = outputs.into_iter().map(|(out, env)| OutputView::of(world, out, env.as_ref())).collect();
    let known = world.known_publications(step);
    if known.len() == view.outputs.len() {
        for (out, seq) in view.outputs.iter_mut().zip(known) {
            if out.status == "published" || out.status == "pending" {
                out.published_step = seq.and_then(|seq| crate::run_index::step_publishing(world, seq));
            }
        }
    }
    if rec.seq == TAKE_ORDER {
        return Some(view);
    }
    if rec.seq == TAIL {
        // nothing is delivered: the last decided messages are published, nobody receives them
        view.type_name = "Tail";
        view.kind = "tail";
        view.outputs = (start..rec.log_end)
            .filter_map(|s| {
                let m = store.frontier_get(s as usize)?;
                let out = OutputRecord { at_ms: m.at_ms, seq: s, message_type: m.message_type(), handed_to: None };
                Some(OutputView::of(world, out, Some(&m)))
            })
            .collect();
        return Some(view);
    }
    let env = store.frontier_get(rec.seq as usize)?;
    let t = env.message_type();
    view.seq = Some(rec.seq);
    view.type_name = t.name();
    view.kind = t.kind().name();
    view.correlation_id = Some(env.correlation_id);
    Some(view)
}

/// Every fault up to the cursor, in step order.
pub fn faults(world: &World) -> Vec<FaultStepView> {
    world.faults().iter().map(|f| FaultStepView { step: f.step, fault: FaultView::of(world, f) }).collect()
}

/// The messages waiting in mailboxes, then those in flight, at the cursor.
pub fn queued(world: &World) -> Vec<QueuedView> {
    world
        .queued()
        .into_iter()
        .map(|q| QueuedView {
            seq: q.seq,
            output: q.output,
            actor: actor_name(world, q.actor),
            copy: q.copy,
            type_name: q.message_type.name(),
            id: q.id,
            correlation_id: q.correlation_id,
            waiting_since_ms: q.since_ms,
            due_ms: q.due_ms,
            state: if q.seq.is_some() { "waiting" } else { "in-flight" },
            changeable: q.changeable,
        })
        .collect()
}

/// Every delivery of message `seq` done by the cursor (none for a message nobody has
/// taken yet, or whose deliveries were all lost).
pub fn deliveries(world: &World, seq: u32) -> Vec<DeliveryView> {
    (1..=world.steps())
        .filter_map(|s| world.trace_record(s).map(|r| (s, r)))
        .filter(|(_, r)| r.seq == seq)
        .map(|(step, r)| DeliveryView { step, actor: actor_name(world, r.actor), at_ms: r.at_ms, copy: r.copy })
        .collect()
}

/// Every delivery of message `seq` in the whole known run, after the cursor too (the
/// cursor does not move), read from `index` as far as it reaches and from the trace after.
pub fn deliveries_in_run(world: &World, index: &crate::run_index::RunIndex, seq: u32) -> Vec<DeliveryView> {
    let mut steps = index.deliveries_of(seq);
    let from = index.upto() + 1;
    steps.extend((from..=world.frontier_steps()).filter(|&s| world.known_record(s).is_some_and(|r| r.seq == seq)));
    steps
        .into_iter()
        .filter_map(|step| {
            let r = world.known_record(step)?;
            Some(DeliveryView { step, actor: actor_name(world, r.actor), at_ms: r.at_ms, copy: r.copy })
        })
        .collect()
}

/// A fault of the whole known run that concerns one message: a lost, doubled, delayed
/// delivery, or one its receiver refused, rejected or absorbed (see
/// [`crate::run_index::RunIndex`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct RunFaultView {
    /// The step (1-based) during which it happened.
    pub step: u32,
    /// `drop`, `duplicate`, `delay`, `walked-out`, `rejected`, `refused` or `absorbed`.
    pub fault: &'static str,
    /// The message concerned.
    pub seq: u32,
    /// The actor it was meant for (the receiver that refused it).
    pub actor: String,
    /// Whether a person's input caused it.
    pub manual: bool,
    /// For a refusal: the type of what the receiver decided.
    #[serde(rename = "type")]
    pub type_name: Option<&'static str>,
    /// For a refusal: where the decided message entered the history; for an absorbed one,
    /// the message already in the history that it repeats.
    pub out: Option<u32>,
    /// For a rejection or a refused payment: its reason.
    pub reason: Option<String>,
}

/// The reason a MessageRejected or PaymentRefused at `out` gives, in the whole known run.
fn reason_at(world: &World, out: u32) -> Option<String> {
    let env = world.store().frontier_get(out as usize)?;
    let entry = serde_json::to_value(HistoryEntry::new(out, &env)).ok()?;
    entry.get("reason").and_then(|v| v.as_str()).map(str::to_owned)
}

fn refusal_view(world: &World, r: &crate::run_index::Refusal) -> RunFaultView {
    RunFaultView {
        step: r.step,
        fault: r.kind.name(),
        seq: r.seq,
        actor: world.known_record(r.step as usize).map(|rec| actor_name(world, rec.actor)).unwrap_or_default(),
        manual: false,
        type_name: Some(r.message_type.name()),
        out: r.out,
        reason: r.out.and_then(|out| reason_at(world, out)),
    }
}

/// Every fault of the whole known run with its step in `[from, to)`, in step order (lost,
/// doubled and delayed deliveries, then within a step the refusals), read without moving
/// the cursor, as far as `index` reaches.
pub fn faults_in_run(world: &World, index: &crate::run_index::RunIndex, from: usize, to: usize) -> Vec<RunFaultView> {
    let to = to.min(index.upto() + 1);
    if from >= to {
        return Vec::new();
    }
    let known = world.known_faults();
    let first = known.partition_point(|f| (f.step as usize) < from);
    let mut all: Vec<RunFaultView> =
        known[first..].iter().take_while(|f| (f.step as usize) < to).map(|f| fault_view(world, f)).collect();
    let refusals = index.refusals();
    let first = refusals.partition_point(|r| (r.step as usize) < from);
    all.extend(refusals[first..].iter().take_while(|r| (r.step as usize) < to).map(|r| refusal_view(world, r)));
    all.sort_by_key(|f| f.step);
    all
}

/// One delivery fault of the known run, as the fault list shows it.
fn fault_view(world: &World, f: &FaultRecord) -> RunFaultView {
    RunFaultView {
        step: f.step,
        fault: f.fault.name(),
        seq: f.seq,
        actor: actor_name(world, f.actor),
        manual: f.manual,
        type_name: None,
        out: None,
        reason: None,
    }
}

/// Every fault of the whole known run that concerns message `seq`, in step order, read
/// without moving the cursor (refusals as far as `index` reaches).
pub fn faults_of_message(world: &World, index: &crate::run_index::RunIndex, seq: u32) -> Vec<RunFaultView> {
    let mut all: Vec<RunFaultView> =
        world.known_faults().iter().filter(|f| f.seq == seq).map(|f| fault_view(world, f)).collect();
    all.extend(index.refusals_of(seq).map(|r| refusal_view(world, r)));
    all.sort_by_key(|f| f.step);
    all
}

/// Steps `[from, to)` (1-based) done by the cursor.
pub fn steps(world: &World, from: usize, to: usize) -> Vec<StepView> {
    let to = to.min(world.steps() + 1);
    (from.max(1)..to).filter_map(|s| step(world, s)).collect()
}

/// Every actor at the cursor.
pub fn actors(world: &World) -> Vec<ActorView> {
    let now = world.now();
    let alarm = world.alarm_clock();
    world
        .actors()
        .iter()
        .map(|a| ActorView {
            name: a.name.clone(),
            kind: a.kind.name(),
            queue: world.queue_len(a.id),
            busy: world.busy_until(a.id) > now,
            busy_until: world.busy_until(a.id),
            handled: world.handled(a.id),
            live: (a.kind == ActorKind::House).then(|| world.live_processes()),
            pending: (a.id == alarm).then(|| world.pending_from(alarm)),
            ms: world.worker_state(a.id).map(|(ms, _)| ms),
            away: world.worker_state(a.id).map(|(_, at_work)| !at_work),
            down_until: world.down_until(a.id),
        })
        .collect()
}

/// The order with correlation `id` at the cursor.
pub fn order(world: &World, id: &Uuid) -> Option<OrderView> {
    order_in(world.store(), id)
}

/// The order with correlation `id` as `store` holds it (a simulation's or a record's).
pub fn order_in(store: &Store, id: &Uuid) -> Option<OrderView> {
    let order_no = store.order_no(id)?;
    let stream = store.stream(id);
    let mut view = OrderView {
        order: order_no,
        correlation_id: *id,
        table: 0,
        dodgy: false,
        definition: None,
        version: None,
        status: "in-progress",
        reason: None,
        placed_at_ms: 0,
        finished_at_ms: None,
        cooks: Vec::new(),
        messages: stream.len(),
    };
    for &s in stream {
        let Some(env) = store.get(s as usize) else {
            continue;
        };
        match &env.body {
            crate::message::Message::OrderPlaced { order } => {
                view.table = order.table;
                view.dodgy = order.dodgy;
                view.placed_at_ms = env.at_ms;
            }
            crate::message::Message::ProcessStarted { definition, version } => {
                view.definition = Some(*definition);
                view.version = Some(*version);
            }
            crate::message::Message::ProcessMigrated { version, .. } => view.version = Some(*version),
            crate::message::Message::FoodCooked { order } => view.cooks.push(order.cook().unwrap_or("?").to_string()),
            crate::message::Message::OrderCompleted { .. } => {
                view.status = "completed";
                view.finished_at_ms = Some(env.at_ms);
            }
            crate::message::Message::OrderDropped { reason } => {
                view.status = "dropped";
                view.reason = Some(reason.name());
                view.finished_at_ms = Some(env.at_ms);
            }
            _ => {}
        }
    }
    Some(view)
}

/// Orders `[from, to)` (0-based positions in placing order) at the cursor.
pub fn orders(world: &World, from: usize, to: usize) -> Vec<OrderView> {
    world.store().orders_from(from).take(to.saturating_sub(from)).filter_map(|id| order(world, id)).collect()
}

/// Replay of order `id` under `definition`/`version` (defaults: what it ran).
pub fn replay_view(
    world: &World,
    id: &Uuid,
    definition: Option<Definition>,
    version: Option<u8>,
) -> Result<ReplayView, String> {
    let store = world.store();
    // the house's decisions waiting to be published, read once (the backlog can be long)
    let house_pending: Vec<&Envelope> = world.pending_of(world.house());
    // what the live run decided for a message: recorded, or still waiting to be published
    let recorded = |env: &Envelope| {
        let mut answers = recorded_answers(store, world.house(), id, env.id);
        for &pending in &house_pending {
            if pending.answers(env.id) && !answers.iter().any(|a| a.id == pending.id) {
                answers.push(pending.clone());
            }
        }
        answers.retain(|a| !crate::process::replay::announced(a.message_type()));
        answers
    };
    let original = crate::process::replay::original_process(store, id);
    if definition.or(original.map(|o| o.0)) == Some(Definition::Custom) {
        return custom_replay_view(world, id, version.or(original.map(|o| o.1)).unwrap_or(2), original, recorded);
    }
    let Replay { definition, version, original, steps } =
        replay(store, id, definition, version, world.params(), recorded)?;
    Ok(ReplayView {
        correlation_id: *id,
        definition,
        version,
        original: original.map(|(definition, version)| ProcessRef { definition, version }),
        steps: steps
            .into_iter()
            .map(|s| {
                let state = serde_json::to_value(&s.state).unwrap_or_default();
                let notes = s.notes.iter().map(|n| n.text()).collect();
                ReplayStepView::of(s.seq, &s.message, state, &s.decided, notes, s.same_as_history)
            })
            .collect(),
    })
}

impl ReplayStepView {
    /// One replayed message: `state` after it, what it `decided`, `notes` on it.
    fn of(
        seq: u32,
        message: &Envelope,
        state: serde_json::Value,
        decided: &[Envelope],
        notes: Vec<&'static str>,
        same_as_history: bool,
    ) -> Self {
        ReplayStepView {
            seq,
            at_ms: message.at_ms,
            type_name: message.message_type().name(),
            id: message.id,
            state,
            decided: decision_views(decided),
            notes,
            same_as_history,
        }
    }
}

/// What a replayed process decided, for the inspector.
fn decision_views(decided: &[Envelope]) -> Vec<DecisionView> {
    decided
        .iter()
        .map(|d| DecisionView {
            type_name: d.message_type().name(),
            kind: d.message_type().kind().name(),
            id: d.id,
            summary: d.body.summary(),
        })
        .collect()
}

/// Replay of order `id` through the learner's process manager of the run (exercise mode).
fn custom_replay_view(
    world: &World,
    id: &Uuid,
    version: u8,
    original: Option<(Definition, u8)>,
    recorded: impl Fn(&Envelope) -> Vec<Envelope>,
) -> Result<ReplayView, String> {
    let process = world
        .custom_process()
        .ok_or("no process code of yours is loaded in this run (run your code to replay under it)")?;
    let store = world.store();
    if store.stream(id).is_empty() {
        return Err(format!("no order with correlation id {id}"));
    }
    let steps = crate::process::custom::replay(store, id, process, &world.params(), version, recorded)?;
    Ok(ReplayView {
        correlation_id: *id,
        definition: Definition::Custom,
        version,
        original: original.map(|(definition, version)| ProcessRef { definition, version }),
        steps: steps
            .into_iter()
            .map(|s| ReplayStepView::of(s.seq, &s.message, s.state, &s.decided, Vec::new(), s.same_as_history))
            .collect(),
    })
}

/// Queue samples, merged (peak of peaks) into at most `max_rows` rows.
pub fn samples(world: &World, max_rows: usize) -> SamplesView {
    let (buckets, values, took) = world.samples_with_taken();
    let n = world.actors().len();
    let interval = world.config().sample_ms;
    let group = buckets.len().div_ceil(max_rows.max(1)).max(1);
    let mut at_ms = Vec::new();
    let mut rows: Vec<Vec<u16>> = Vec::new();
    let mut taken: Vec<Vec<u32>> = Vec::new();
    for (g, chunk) in buckets.chunks(group).enumerate() {
        at_ms.push(chunk[0] * interval);
        let mut row = vec![0u16; n];
        let mut sum = vec![0u32; n];
        for r in 0..chunk.len() {
            let i = g * group + r;
            for a in 0..n {
                row[a] = row[a].max(values[i * n + a]);
                sum[a] += took[i * n + a] as u32;
            }
        }
        rows.push(row);
        taken.push(sum);
    }
    SamplesView {
        interval_ms: interval * group as u64,
        actors: world.actors().iter().map(|a| a.name.clone()).collect(),
        at_ms,
        rows,
        taken,
    }
}
