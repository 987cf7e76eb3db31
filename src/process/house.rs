//! The house: starts a process manager for each new order, routes the order's messages to
//! it by correlation id, and removes it when the order ends.
//!
//! By default the house keeps no process state. For each message it rebuilds the order's
//! process manager from the order's stream in the store (side effects off), then lets it
//! handle the message. It only remembers which definition and version each live order runs
//! (also recorded in the store, in `ProcessStarted`) and, with `house: cached`, the process
//! manager itself.

use super::definition::{Definition, ProcessParams};
use super::manager::{input_mask, ProcessManager};
use crate::bus::{ActorId, Bus};
use crate::message::{Envelope, Message, MessageType};
use crate::outbox::{Note, Outbox};
use crate::store::{IdMap, Store};
use uuid::Uuid;

/// Which flow a live order runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveProcess {
    /// Definition chosen when the order started.
    pub definition: Definition,
    /// Version chosen when the order started.
    pub version: u8,
}

/// One live order in the house.
#[derive(Debug, Clone)]
struct Live {
    process: LiveProcess,
    /// The process manager as of the last message (`house: cached` only).
    cached: Option<ProcessManager>,
}

/// The house of process managers.
#[derive(Debug, Clone, Default)]
pub struct House {
    live: IdMap<Live>,
}

/// What the house needs from the executor to handle one message.
pub struct HouseContext<'a> {
    /// The event store, up to the message being handled.
    pub store: &'a Store,
    /// Subscriptions, to follow and forget correlations.
    pub bus: &'a mut Bus,
    /// The house's own actor id.
    pub me: ActorId,
    /// Version for orders that start now.
    pub version: u8,
    /// Timeouts and retries.
    pub params: ProcessParams,
    /// Keep each live process manager between messages instead of rebuilding it from
    /// the store every time. The decisions are the same: debug builds check every cached
    /// state against the rebuild.
    pub cached: bool,
}

impl House {
    /// An empty house.
    pub fn new() -> Self {
        House::default()
    }

    /// Number of live process managers.
    pub fn live(&self) -> usize {
        self.live.len()
    }

    /// The flow of a live order.
    pub fn get(&self, correlation_id: &Uuid) -> Option<LiveProcess> {
        self.live.get(correlation_id).map(|l| l.process)
    }

    /// Handles message `msg` (at `seq` in the store). `started` receives `ProcessStarted`
    /// for a new order; `out` receives the process manager's decisions.
    pub fn handle(&mut self, msg: &Envelope, seq: u32, ctx: HouseContext<'_>, started: &mut Outbox, out: &mut Outbox) {
        let corr = msg.correlation_id;
        if let Message::OrderPlaced { order } = &msg.body {
            if self.live.contains_key(&corr) {
                out.note(Note::DuplicateIgnored);
                return;
            }
            let process = LiveProcess { definition: Definition::for_customer(order.dodgy), version: ctx.version };
            ctx.bus.subscribe_correlation(corr, ctx.me, input_mask() & !MessageType::OrderPlaced.bit());
            started.publish(Message::ProcessStarted { definition: process.definition, version: process.version });
            let mut pm = ProcessManager::new(process.definition, process.version, ctx.params);
            pm.handle(msg, out);
            self.live.insert(corr, Live { process, cached: ctx.cached.then_some(pm) });
            return;
        }
        let Some(live) = self.live.get_mut(&corr) else {
            out.note(Note::StaleIgnored);
            return;
        };
        let process = live.process;
        let from_store = || rebuild(ctx.store, &corr, seq, process.definition, process.version, ctx.params);
        let mut pm = match live.cached.take() {
            Some(pm) => {
                debug_assert_eq!(pm, from_store(), "the cached process differs from its rebuild");
                pm
            }
            None => from_store(),
        };
        pm.handle(msg, out);
        if pm.finished() {
            self.live.remove(&corr);
            ctx.bus.unsubscribe_correlation(&corr, ctx.me);
        } else if ctx.cached {
            live.cached = Some(pm);
        }
    }
}

/// A process manager rebuilt from the correlation's stream: every input message before
/// `before_seq`, handled with side effects switched off.
pub fn rebuild(
    store: &Store,
    correlation_id: &Uuid,
    before_seq: u32,
    definition: Definition,
    version: u8,
    params: ProcessParams,
) -> ProcessManager {
    let mut pm = ProcessManager::new(definition, version, params);
    let mut off = Outbox::discarding();
    let mask = input_mask();
    for &s in store.stream(correlation_id) {
        if s >= before_seq {
            break;
        }
        if let Some(env) = store.get(s as usize) {
            if env.message_type().bit() & mask != 0 {
                pm.handle(env, &mut off);
            }
        }
    }
    pm
}
