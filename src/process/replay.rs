//! Replay and reinterpretation: one order's history stepped into a fresh process
//! manager, one message at a time, under its own or another definition and version.

use super::manager::{input_mask, ProcessManager, ProcessState};
use crate::definition::{Definition, ProcessParams};
use crate::ids::{TAG_HOUSE, TAG_HOUSE_STARTED};
use crate::message::{Envelope, Message, MessageType};
use crate::outbox::{Note, Outbox, Seal};
use crate::role::ActorId;
use crate::store::Store;
use uuid::Uuid;

/// The process manager after one message of the order's history.
#[derive(Debug, Clone)]
pub struct ReplayStep {
    /// Position of the message in the store.
    pub seq: u32,
    /// The message.
    pub message: Envelope,
    /// The state after it.
    pub state: ProcessState,
    /// The messages it decided, with the ids they get.
    pub decided: Vec<Envelope>,
    /// What it noticed.
    pub notes: Vec<Note>,
    /// Whether the decisions equal what the live run published for this message.
    pub same_as_history: bool,
}

/// The whole replay of one order.
#[derive(Debug, Clone)]
pub struct Replay {
    /// Definition replayed.
    pub definition: Definition,
    /// Version replayed.
    pub version: u8,
    /// Definition and version the order actually ran, from its `ProcessStarted`.
    pub original: Option<(Definition, u8)>,
    /// One entry per input message of the order's stream.
    pub steps: Vec<ReplayStep>,
}

/// The definition and version an order ran, from its `ProcessStarted`.
pub fn original_process(store: &Store, correlation_id: &Uuid) -> Option<(Definition, u8)> {
    original_process_near(store, correlation_id, None)
}

/// [`original_process`], the stream found from the message at `near` when it belongs to the
/// order (the message being handled), without hashing.
pub fn original_process_near(store: &Store, correlation_id: &Uuid, near: Option<u32>) -> Option<(Definition, u8)> {
    store.stream_near(correlation_id, near).iter().find_map(|&s| match store.body(s as usize)? {
        Message::ProcessStarted { definition, version } => Some((*definition, *version)),
        _ => None,
    })
}

/// The definition and version an order runs now: its `ProcessStarted`'s, or the latest
/// `ProcessMigrated`'s (the stream found from the message at `near`, as
/// [`original_process_near`]).
pub fn current_process_near(store: &Store, correlation_id: &Uuid, near: Option<u32>) -> Option<(Definition, u8)> {
    let mut found = None;
    for &s in store.stream_near(correlation_id, near) {
        match store.body(s as usize) {
            Some(Message::ProcessStarted { definition, version })
            | Some(Message::ProcessMigrated { definition, version, .. }) => found = Some((*definition, *version)),
            _ => {}
        }
    }
    found
}

/// Whether `t` is what the house announces beside its decisions (`ProcessStarted`,
/// `ProcessMigrated`): no process manager decides it, so a replay leaves it out.
pub fn announced(t: MessageType) -> bool {
    matches!(t, MessageType::ProcessStarted | MessageType::ProcessMigrated)
}

/// What the house (actor `house`) published in answer to message `id` (its announcements
/// aside), in the whole recorded run of `store`.
pub fn recorded_answers(store: &Store, house: ActorId, correlation_id: &Uuid, id: Uuid) -> Vec<Envelope> {
    answers_in(store, house, store.frontier_stream(correlation_id), |t| store.frontier_get(t), id)
}

/// What the house (actor `house`) published in answer to message `id` (its announcements
/// aside), up to the store's current step.
pub fn answers_so_far(store: &Store, house: ActorId, correlation_id: &Uuid, id: Uuid) -> Vec<Envelope> {
    answers_in(store, house, store.stream(correlation_id), |t| store.get(t), id)
}

/// The answers to `id` the house published among the positions `stream`, read by `get`.
fn answers_in(
    store: &Store,
    house: ActorId,
    stream: &[u32],
    get: impl Fn(usize) -> Option<Envelope>,
    id: Uuid,
) -> Vec<Envelope> {
    stream
        .iter()
        .filter(|&&t| store.publisher(t as usize) == Some(house))
        .filter_map(|&t| get(t as usize))
        .filter(|e| e.answers(id) && !announced(e.message_type()))
        .collect()
}

/// [`replay`] compared with what the house (actor `house`) recorded in the store (the
/// whole known run).
pub fn replay_store(
    store: &Store,
    house: ActorId,
    correlation_id: &Uuid,
    definition: Option<Definition>,
    version: Option<u8>,
    params: ProcessParams,
) -> Result<Replay, String> {
    replay(store, correlation_id, definition, version, params, |env| {
        recorded_answers(store, house, correlation_id, env.id)
    })
}

/// Replays the order `correlation_id` (as published by the store's current step) into a
/// fresh process manager. `definition` and `version` default to the ones the order ran.
/// Each step's decisions are compared with `recorded(message)`: what the live run
/// decided for that message (see [`recorded_answers`]).
pub fn replay(
    store: &Store,
    correlation_id: &Uuid,
    definition: Option<Definition>,
    version: Option<u8>,
    params: ProcessParams,
    recorded: impl Fn(&Envelope) -> Vec<Envelope>,
) -> Result<Replay, String> {
    let stream = store.stream(correlation_id);
    if stream.is_empty() {
        return Err(format!("no order with correlation id {correlation_id}"));
    }
    let original = original_process(store, correlation_id);
    let definition = definition.or(original.map(|o| o.0)).unwrap_or(Definition::PayLast);
    let version = version.or(original.map(|o| o.1)).unwrap_or(2);
    super::check_version(version).map_err(|e| format!("unknown process version: {e}"))?;
    if definition == Definition::Custom {
        // its states are the learner's JSON: process::custom::replay (view::replay_view uses it)
        return Err("a custom process is replayed by process::custom::replay".into());
    }
    let mut pm = ProcessManager::new(definition, version, params);
    let mask = input_mask();
    let mut steps = Vec::new();
    for &s in stream {
        let Some(env) = store.get(s as usize) else {
            break;
        };
        let env = &env;
        if env.message_type().bit() & mask == 0 {
            continue;
        }
        let mut out = Outbox::new();
        pm.handle(env, &mut out);
        let decided: Vec<Envelope> = out
            .envelopes(Seal::of(env, TAG_HOUSE, TAG_HOUSE_STARTED))
            .map(|(_, e)| e)
            .filter(|e| !announced(e.message_type()))
            .collect();
        let notes = std::mem::take(&mut out.notes);
        let published = recorded(env);
        let same_as_history = decided.len() == published.len()
            && decided.iter().zip(&published).all(|(d, p)| d.id == p.id && d.body == p.body);
        steps.push(ReplayStep {
            seq: s,
            message: env.clone(),
            state: pm.state.clone(),
            decided,
            notes,
            same_as_history,
        });
    }
    Ok(Replay { definition, version, original, steps })
}
