//! The house: starts a process manager for each new order, hears the order's messages by
//! correlation id, and forgets the process manager once nothing more is owed.
//!
//! By default the house keeps no process state. For each message it rebuilds the order's
//! process manager from the order's stream in the store (side effects off), then lets it
//! handle the message. It only remembers which definition and version each live order runs
//! (also recorded in the store, in `ProcessStarted`) and, with `house: cached`, the process
//! manager itself. An order that ended stays followed: a late answer is rejected, a late
//! payment refunded, by a process manager rebuilt from the store.

use super::custom::{CustomHouse, CustomProcess, CustomScope};
use super::manager::{input_mask, ProcessManager};
use super::replay::current_process_near;
use crate::definition::{Definition, ProcessParams};
use crate::message::{Delivered, Message, MessageType};
use crate::outbox::{Effect, Note, Outbox};
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
    /// The process manager as of the last message (`house: cached` only), boxed: the
    /// table of live orders, which every checkpoint copies, stays small without it.
    cached: Option<Box<ProcessManager>>,
}

/// The house of process managers.
#[derive(Debug, Clone, Default)]
pub struct House {
    live: IdMap<Live>,
    custom: CustomHouse,
}

/// What the house needs from the executor to handle one message.
pub struct HouseContext<'a> {
    /// The event store, up to the message being handled.
    pub store: &'a Store,
    /// Version for orders that start now.
    pub version: u8,
    /// Timeouts and retries.
    pub params: ProcessParams,
    /// Keep each live process manager between messages instead of rebuilding it from
    /// the store every time. The decisions are the same: debug builds check every cached
    /// state against the rebuild.
    pub cached: bool,
    /// Whose new orders run the learner's process manager.
    pub custom_scope: CustomScope,
    /// The learner's process manager, when the world was given one.
    pub custom: Option<&'a CustomProcess>,
}

/// The types the house follows for each order.
pub fn follow_mask() -> u32 {
    input_mask() & !MessageType::OrderPlaced.bit()
}

/// The types the house follows for an order that owes nothing more: late answers and
/// payments, but no alarms (a timeout after the end needs nothing, so it is not delivered).
pub fn settled_mask() -> u32 {
    follow_mask() & !MessageType::StepTimedOut.bit()
}

impl House {
    /// An empty house.
    pub fn new() -> Self {
        House::default()
    }

    /// Number of live process managers (orders with something still owed).
    pub fn live(&self) -> usize {
        self.live.len() + self.custom.live()
    }

    /// About how many heap bytes the house holds (what a checkpoint of it copies): its
    /// table of live orders by capacity (a copy keeps the table's size), the process
    /// managers it caches, and the learner's live ones.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        const ENTRY: usize = 16 + 24 + 8;
        let buckets = self.live.capacity() * 8 / 7 + usize::from(self.live.capacity() > 0);
        let cached = self.live.values().filter(|l| l.cached.is_some()).count();
        buckets * (size_of::<(Uuid, Live)>() + 1)
            + cached * size_of::<ProcessManager>()
            + self.custom.live() * (ENTRY + size_of::<ProcessManager>())
    }

    /// Whether an invalid decision of the learner's process manager stopped the house
    /// (the error is in [`CustomProcess::failure`]).
    pub fn custom_failed(&self) -> bool {
        self.custom.failed()
    }

    /// The house crashes: every process manager it kept in memory (`house: cached`) is
    /// lost and will be read back from the store at its order's next message. Returns how
    /// many were lost.
    pub fn crash(&mut self) -> u32 {
        let mut lost = 0;
        for live in self.live.values_mut() {
            lost += live.cached.take().is_some() as u32;
        }
        lost
    }

    /// The live order `correlation_id` runs `version` of its definition from now on (its
    /// kept process manager, if any, is dropped: the next message rebuilds it under the new
    /// version). Returns the version it ran, or `None` when the order is not live here.
    pub fn migrate(&mut self, correlation_id: &Uuid, version: u8) -> Option<u8> {
        let live = self.live.get_mut(correlation_id)?;
        let from = live.process.version;
        live.process.version = version;
        live.cached = None;
        Some(from)
    }

    /// The flow of a live order.
    pub fn get(&self, correlation_id: &Uuid) -> Option<LiveProcess> {
        self.live.get(correlation_id).map(|l| l.process)
    }

    /// Handles message `msg`: a new order starts a process manager (follow the correlation,
    /// announce `ProcessStarted`); any other message goes to the order's process manager.
    /// Everything decided goes into `out`.
    pub fn hear(&mut self, msg: &Delivered<'_>, ctx: HouseContext<'_>, out: &mut Outbox) {
        let (corr, seq) = (msg.correlation_id, msg.seq);
        let mut live = self.live.get_mut(&corr);
        let known = live.as_ref().map(|l| l.process).or_else(|| {
            current_process_near(ctx.store, &corr, Some(seq))
                .map(|(definition, version)| LiveProcess { definition, version })
        });
        if known.is_some_and(|p| p.definition == Definition::Custom) {
            return self.handle_custom(seq, false, &ctx, out);
        }
        let Some(process) = known else {
            let Message::OrderPlaced { order } = &msg.body else {
                out.note(Note::UnknownOrder);
                return;
            };
            if ctx.custom_scope.applies(order.dodgy) {
                return self.handle_custom(seq, true, &ctx, out);
            }
            let process = LiveProcess { definition: Definition::for_customer(order.dodgy), version: ctx.version };
            out.push(Effect::Follow(corr, follow_mask()));
            out.push(Effect::Announce(Message::ProcessStarted {
                definition: process.definition,
                version: process.version,
            }));
            let mut pm = ProcessManager::new(process.definition, process.version, ctx.params);
            pm.hear(msg, out);
            if !pm.settled() {
                self.live.insert(corr, Live { process, cached: ctx.cached.then(|| Box::new(pm)) });
            }
            return;
        };
        let from_store = || rebuild(ctx.store, &corr, seq, process.definition, process.version, ctx.params);
        let cached = live.as_mut().and_then(|l| l.cached.take());
        let mut pm = match cached {
            Some(pm) => {
                debug_assert_eq!(*pm, from_store(), "the cached process differs from its rebuild");
                *pm
            }
            None => from_store(),
        };
        pm.hear(msg, out);
        match live {
            Some(_) if pm.settled() => {
                out.push(Effect::Follow(corr, settled_mask()));
                self.live.remove(&corr);
            }
            Some(live) => live.cached = ctx.cached.then(|| Box::new(pm)),
            None if pm.settled() => {}
            None => {
                // owing something again (a late payment to refund): alarms matter again
                out.push(Effect::Follow(corr, follow_mask()));
                self.live.insert(corr, Live { process, cached: ctx.cached.then(|| Box::new(pm)) });
            }
        }
    }

    /// Hands message `seq` to the learner's process (which reads whole envelopes).
    fn handle_custom(&mut self, seq: u32, starts: bool, ctx: &HouseContext<'_>, out: &mut Outbox) {
        if let Some(env) = ctx.store.get(seq as usize) {
            self.custom.handle(&env, seq, starts, ctx, ctx.custom, out);
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
    for msg in store.delivered_stream(correlation_id, Some(before_seq)) {
        if msg.seq >= before_seq {
            break;
        }
        if msg.message_type().bit() & mask != 0 {
            pm.hear(&msg, &mut off);
        }
    }
    pm
}
