//! An observed run: a history recorded from a live kitchen (CONTRACT §7), shown as it
//! happened instead of re-simulated. The page opens one from an observed run file, or
//! builds one message by message while it follows a live kitchen over the NATS server's
//! WebSocket listener.
//!
//! Nothing here runs a handler. A *step* of an observed run is one message entering the
//! stream: step `n` (from 1) published message `n - 1`, by the actor the record names,
//! in answer to its causation (the message that actor handled). Time travel moves a
//! cursor over the recorded messages; every view is read from them, through the same
//! [`Store`] the simulation keeps its history in ([`read`], [`faults`], [`report`]).

use crate::codec;
use crate::message::{Envelope, MessageType};
use crate::role::Role;
use crate::run_file::{self, clip};
use crate::scenario::Config;
use crate::sim::World;
use crate::store::Store;
use crate::wiring::Wiring;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

pub mod faults;
pub mod read;
pub mod report;

use faults::Derived;

/// One actor of an observed run: its name and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Its name (`Koen`).
    pub name: String,
    /// Its role.
    pub role: Role,
}

/// A recorded history with a cursor. See the module docs.
#[derive(Debug, Clone)]
pub struct ObservedRun {
    cfg: Config,
    wiring: Wiring,
    actors: Vec<Actor>,
    /// Every message that arrived, in stream order; its cursor is the current step.
    store: Store,
    /// Per message: its publisher (an index into `actors`).
    publisher: Vec<u16>,
    /// Per message: the position of its causation, if any.
    cause: Vec<Option<u32>>,
    /// Per message: the positions of the messages that answer it, in stream order.
    answers: Vec<Vec<u32>>,
    ids: HashMap<Uuid, u32>,
    /// Per message: the latest `at_ms` up to it (a clock that never goes back).
    clock: Vec<u64>,
    derived: Derived,
    /// More messages may come (the page follows a live kitchen).
    following: bool,
    /// The run's real duration, from the file's report.
    wall_ms: Option<u64>,
}

/// The first line of every error about an observed run file.
fn bad(what: impl std::fmt::Display) -> String {
    format!("observed run: {what}")
}

impl ObservedRun {
    /// An empty observed run of `cfg`, to which a live kitchen's messages are added as they
    /// arrive ([`ObservedRun::append`]).
    pub fn following(cfg: Config) -> Result<ObservedRun, String> {
        let world = World::new(Config { orders: 0, ..cfg.clone() }).map_err(|e| format!("config: {e}"))?;
        let actors = world
            .actors()
            .iter()
            .map(|a| Actor { name: a.name.clone(), role: a.kind.role() })
            // no dispatcher runs live: JetStream hands the work out
            .filter(|a| a.role != Role::Dispatcher)
            .collect();
        Ok(ObservedRun {
            wiring: Wiring::of(cfg.architecture),
            cfg,
            actors,
            store: Store::new(),
            publisher: Vec::new(),
            cause: Vec::new(),
            answers: Vec::new(),
            ids: HashMap::new(),
            clock: Vec::new(),
            derived: Derived::default(),
            following: true,
            wall_ms: None,
        })
    }

    /// Reads an observed run file (`"observed": true`), checking every entry: its position,
    /// headers and body, its publisher, a unique id, a causation that is an earlier message
    /// of the same order, and the file's report against the history. The cursor is at the
    /// end. The error names the first thing wrong.
    pub fn import(text: &str) -> Result<ObservedRun, String> {
        if !is_observed(text) {
            return Err(bad("the file is not an observed run (it has no \"observed\": true)"));
        }
        let parsed = run_file::parse(text).map_err(bad)?;
        if !parsed.inputs.is_empty() {
            return Err(bad("`inputs` must be empty: nobody steers a live kitchen"));
        }
        let mut run = ObservedRun::following(parsed.config).map_err(bad)?;
        for (i, value) in parsed.history.iter().enumerate() {
            let seq = value.get("seq").and_then(Value::as_u64);
            if seq != Some(i as u64) {
                return Err(bad(format!("message {i}: `seq` is {}, expected {i}", show(value.get("seq")))));
            }
            let role = value.get("publisher").and_then(Value::as_str).unwrap_or_default();
            let actor = value.get("actor").and_then(Value::as_str).unwrap_or_default();
            run.append(value, role, actor).map_err(|e| bad(format!("message {i}: {e}")))?;
        }
        let head: Value = serde_json::from_str(run_file::without_bom(text)).map_err(bad)?;
        run.wall_ms = head.pointer("/report/wall_ms").and_then(Value::as_u64);
        if let Some(file_report) = head.get("report") {
            report::check(file_report, &run.report_upto(run.len())).map_err(bad)?;
        }
        run.following = false;
        run.seek(run.len());
        Ok(run)
    }

    /// Adds the next message of the stream: `entry` is its JSON (a history entry, with or
    /// without `seq`), `role` and `actor` who published it. Returns `false`, changing
    /// nothing, for a message already there (the same id: the stream delivered it again).
    /// The cursor stays where it was.
    pub fn append(&mut self, entry: &Value, role: &str, actor: &str) -> Result<bool, String> {
        let env = codec::envelope(entry)?;
        if self.ids.contains_key(&env.id) {
            return Ok(false);
        }
        let role = Role::from_name(role)
            .ok_or_else(|| format!("`publisher` {:?} is not a role (waiter, house, cook, …)", clip(role, 40)))?;
        if actor.is_empty() || actor.len() > 64 {
            return Err("`actor` (the publisher's name) is missing or longer than 64 bytes".into());
        }
        let cause = match env.causation() {
            None if env.message_type() == MessageType::OrderPlaced => None,
            None => {
                return Err(format!(
                    "a {} without a causation id (only an OrderPlaced has none)",
                    env.message_type().name()
                ))
            }
            Some(id) => {
                let c = *self.ids.get(&id).ok_or_else(|| format!("its causation id {id} is no earlier message"))?;
                if self.store.frontier_get(c as usize).map(|e| e.correlation_id) != Some(env.correlation_id) {
                    return Err(format!("its causation id {id} belongs to another order"));
                }
                Some(c)
            }
        };
        let publisher = self.actor_index(actor, role)?;
        let seq = self.publisher.len() as u32;
        let cursor = self.store.len();
        self.store.set_cursor(self.store.frontier_len());
        self.store.append(env.clone(), cause, publisher);
        self.store.set_cursor(cursor);
        self.ids.insert(env.id, seq);
        self.publisher.push(publisher);
        self.cause.push(cause);
        self.answers.push(Vec::new());
        if let Some(c) = cause {
            self.answers[c as usize].push(seq);
        }
        let before = self.clock.last().copied().unwrap_or(0);
        self.clock.push(before.max(env.at_ms));
        let mut derived = std::mem::take(&mut self.derived);
        derived.see(self, seq, &env);
        self.derived = derived;
        Ok(true)
    }

    /// The actor named `name`, added (after the others) the first time it publishes.
    fn actor_index(&mut self, name: &str, role: Role) -> Result<u16, String> {
        if let Some(i) = self.actors.iter().position(|a| a.name == name) {
            if self.actors[i].role != role {
                return Err(format!(
                    "{name} publishes as a {} here and as a {} before",
                    role.name(),
                    self.actors[i].role.name()
                ));
            }
            return Ok(i as u16);
        }
        if self.actors.len() >= 256 {
            return Err("more than 256 actors".into());
        }
        self.actors.push(Actor { name: name.to_string(), role });
        Ok((self.actors.len() - 1) as u16)
    }

    /// No more messages will come (the live kitchen's connection closed).
    pub fn stop_following(&mut self) {
        self.following = false;
    }

    /// Whether more messages may come.
    pub fn is_following(&self) -> bool {
        self.following
    }

    // ----- time travel -----------------------------------------------------------------

    /// The current step (messages published by it).
    pub fn current(&self) -> usize {
        self.store.len()
    }

    /// Steps known: every message that arrived.
    pub fn len(&self) -> usize {
        self.publisher.len()
    }

    /// Whether no message arrived yet.
    pub fn is_empty(&self) -> bool {
        self.publisher.is_empty()
    }

    /// Moves the cursor to step `n` (clipped to what arrived).
    pub fn seek(&mut self, n: usize) {
        self.store.set_cursor(n.min(self.len()));
    }

    /// The recorded clock at the cursor: the latest publication time so far.
    pub fn now_ms(&self) -> u64 {
        self.current().checked_sub(1).and_then(|i| self.clock.get(i)).copied().unwrap_or(0)
    }

    // ----- what the views read ---------------------------------------------------------

    /// The config the kitchen ran.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The wiring of its architecture.
    pub fn wiring(&self) -> &Wiring {
        &self.wiring
    }

    /// Its actors, in floor order, then those first met in the record.
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// The history, its cursor at the current step.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Message `seq` of everything that arrived (after the cursor too).
    pub fn envelope(&self, seq: u32) -> Option<Envelope> {
        self.store.frontier_get(seq as usize)
    }

    /// Who published message `seq`.
    pub fn publisher_of(&self, seq: u32) -> Option<&Actor> {
        self.actors.get(*self.publisher.get(seq as usize)? as usize)
    }

    /// The message `seq` answers, if any.
    pub fn cause_of(&self, seq: u32) -> Option<u32> {
        self.cause.get(seq as usize).copied().flatten()
    }

    /// The messages answering `seq`, in stream order (after the cursor too).
    pub fn answers_of(&self, seq: u32) -> &[u32] {
        self.answers.get(seq as usize).map_or(&[], Vec::as_slice)
    }

    /// What was derived from the record: the faults and the marks.
    pub fn derived(&self) -> &Derived {
        &self.derived
    }

    /// The run's real duration, from the file's report.
    pub fn wall_ms(&self) -> Option<u64> {
        self.wall_ms
    }
}

/// Whether `text` is an observed run file: its top-level `observed` is `true`.
pub fn is_observed(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Head {
        observed: Option<bool>,
    }
    serde_json::from_str::<Head>(run_file::without_bom(text)).is_ok_and(|h| h.observed == Some(true))
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "missing".to_string(), |v| clip(&v.to_string(), 40))
}

#[cfg(test)]
mod tests;
