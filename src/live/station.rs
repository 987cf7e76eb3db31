//! One actor at work on a live kitchen: it takes messages from its role's durable consumer,
//! applies the seeded drop and duplicate faults (workers only), hands each message to the
//! actor's [`Handler`](crate::actors::Handler) exactly as the simulation's kernel does, waits
//! out the work in real time (divided by `--speed`), publishes what the outbox holds, and
//! only then acknowledges the message: a process killed in the middle of its work has its
//! message handed out again, and its publications (with ids derived from the message)
//! land once.

use super::broker::{Broker, ConsumerSpec, Stored};
use super::clock::Clock;
use super::floor::Floor;
use super::journal::Journal;
use super::timers::Timers;
use crate::actors::{self, Actor, Context};
use crate::definition::ProcessParams;
use crate::message::{Envelope, MessageType};
use crate::outbox::{Effect, Outbox, Seal};
use crate::rng::{mix64, Rng};
use crate::role::{ActorId, Role};
use crate::scenario::Config;
use crate::sim::actor::ActorInfo;
use crate::store::Store;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// No other actor's load is visible live: the dispatcher, the one handler that looks, does
/// not run (JetStream hands out the cooks' work). Who is who is known: the floor's actors.
struct NoFloor<'a>(&'a [ActorInfo]);

impl actors::Floor for NoFloor<'_> {
    fn load(&self, _actor: ActorId) -> (usize, u64) {
        (0, 0)
    }

    fn role(&self, actor: ActorId) -> Option<crate::wiring::Role> {
        self.0.get(actor as usize).map(|a| a.kind.role())
    }
}

/// One actor and what it keeps between messages.
pub struct Station {
    /// Who it is.
    pub info: ActorInfo,
    actor: Actor,
    cfg: Rc<Config>,
    floor: Rc<Floor>,
    broker: Broker,
    clock: Clock,
    journal: Rc<Journal>,
    /// Each order's messages as this actor learned them, with their publishers (the roles
    /// that read an order's history: house, cashier, printer).
    histories: HashMap<Uuid, Vec<(Envelope, ActorId)>>,
    /// What the house follows of each order (its `Follow` effects).
    follows: HashMap<Uuid, u32>,
    /// The alarm clock's alarms.
    timers: Option<Timers>,
    /// Whether to log every message handled.
    verbose: bool,
}

/// What became of one delivery at the consumer (the seeded fault draw).
enum Fate {
    Once,
    Twice,
    Lost,
}

impl Station {
    /// `info` at work on `broker`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        info: ActorInfo,
        cfg: Rc<Config>,
        floor: Rc<Floor>,
        broker: Broker,
        clock: Clock,
        journal: Rc<Journal>,
        timers: Option<Timers>,
        verbose: bool,
    ) -> Option<Station> {
        let actor = Floor::actor(&info, &cfg)?;
        Some(Station {
            info,
            actor,
            cfg,
            floor,
            broker,
            clock,
            journal,
            histories: HashMap::new(),
            follows: HashMap::new(),
            timers,
            verbose,
        })
    }

    /// How this actor's role takes its messages.
    pub fn consumer_spec(&self) -> ConsumerSpec {
        let role = self.info.kind.role();
        let types = self.floor.heard_types(role);
        let filter = match types.as_slice() {
            [one] if !Floor::reads_history(role) => format!("kitchen.*.{}", one.name()),
            _ => "kitchen.>".to_string(),
        };
        let slowest = self.cfg.cooks.iter().map(|c| c.ms).max().unwrap_or(1000);
        let ack_wait = match role {
            // a cook's message comes back soon after its cook died; long enough to cook it
            Role::Cook => {
                Duration::from_millis((4.0 * slowest as f64 / self.clock.speed) as u64).max(Duration::from_secs(2))
            }
            _ => Duration::from_secs(30),
        };
        let max_ack_pending = if role == Role::Cook { self.cfg.cooks.len() as i64 } else { 10_000 };
        ConsumerSpec { durable: role.name().to_string(), filter, ack_wait, max_ack_pending }
    }

    /// Takes messages until `stop` turns true; comes back after a lost connection, a
    /// restarted server or a consumer deleted under it.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let spec = self.consumer_spec();
        let batch = if self.info.kind.role() == Role::Cook { 1 } else { 100 };
        eprintln!("brigade live: {} takes {} (durable consumer `{}`)", self.info.name, spec.filter, spec.durable);
        while !*stop.borrow() {
            let consumer = match self.broker.consumer(&spec).await {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("brigade live: {}: {e}; trying again", self.info.name);
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(500)) => continue,
                        _ = stop.changed() => break,
                    }
                }
            };
            let mut messages = match consumer.stream().max_messages_per_batch(batch).messages().await {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("brigade live: {}: {e}; trying again", self.info.name);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            };
            // a consumer deleted under us (the kitchen started the stream anew) sends nothing
            // and says nothing: look at it now and then, and make it again when it is gone
            let mut look = tokio::time::interval(Duration::from_secs(1));
            look.tick().await;
            loop {
                tokio::select! {
                    _ = stop.changed() => return,
                    _ = look.tick() => {
                        let mut consumer = consumer.clone();
                        if let Err(e) = consumer.info().await {
                            eprintln!("brigade live: {}: its consumer is gone ({e}); making it again", self.info.name);
                            break;
                        }
                    }
                    next = messages.next() => match next {
                        Some(Ok(m)) => self.take(m, &stop).await,
                        Some(Err(e)) => {
                            eprintln!("brigade live: {}: {e}; taking again", self.info.name);
                            break;
                        }
                        None => break,
                    },
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Handles one message from the consumer and acknowledges it.
    async fn take(&mut self, m: async_nats::jetstream::Message, stop: &watch::Receiver<bool>) {
        let (sequence, published_ms, delivered) = match m.info() {
            Ok(i) => (i.stream_sequence, (i.published.unix_timestamp_nanos() / 1_000_000) as u64, i.delivered),
            Err(e) => {
                eprintln!("brigade live: {}: a message without its JetStream metadata: {e}", self.info.name);
                return;
            }
        };
        let stored = match Stored::of(sequence, &m.message) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("brigade live: {}: {e}; set aside", self.info.name);
                let _ = m.ack_with(async_nats::jetstream::AckKind::Term).await;
                return;
            }
        };
        if delivered > 1 {
            eprintln!(
                "brigade live: {}: {} #{sequence} handed out again (delivery {delivered})",
                self.info.name,
                stored.env.message_type().name()
            );
        }
        self.handle(stored, published_ms, stop).await;
        if let Err(e) = m.ack().await {
            eprintln!("brigade live: {}: acknowledging #{sequence} failed ({e}): it will come again", self.info.name);
        }
    }

    /// What the actor does with `stored`, published at `published_ms` (wall clock).
    async fn handle(&mut self, stored: Stored, published_ms: u64, stop: &watch::Receiver<bool>) {
        let role = self.info.kind.role();
        let env = stored.env;
        let corr = env.correlation_id;
        if Floor::reads_history(role) {
            self.learn(&env, &stored.publisher).await;
        }
        if !self.floor.hears(role, &env, self.follows.get(&corr).copied()) {
            return;
        }
        let copies = match self.fate(&env) {
            Fate::Lost => {
                eprintln!(
                    "brigade live: {}: {} of order {} lost (seeded drop)",
                    self.info.name,
                    env.message_type().name(),
                    short(&corr)
                );
                return;
            }
            Fate::Twice => {
                eprintln!(
                    "brigade live: {}: {} of order {} delivered twice (seeded duplicate)",
                    self.info.name,
                    env.message_type().name(),
                    short(&corr)
                );
                2
            }
            Fate::Once => 1,
        };
        for copy in 0..copies {
            let now = self.clock.now_from(env.at_ms, published_ms);
            let mut out = Outbox::new();
            let busy = self.decide(&env, now, &mut out);
            if busy > 0 {
                tokio::time::sleep(self.clock.real(busy)).await;
            }
            let done = now + busy;
            for effect in &out.effects {
                match effect {
                    Effect::Follow(c, mask) => {
                        self.follows.insert(*c, *mask);
                    }
                    Effect::Document(order) => {
                        eprintln!(
                            "brigade live: {}: receipt for order {} · table {} · €{}.{:02} · {}",
                            self.info.name,
                            short(&corr),
                            order.table,
                            order.total_cents / 100,
                            order.total_cents % 100,
                            if order.paid { "PAID" } else { "NOT PAID" }
                        );
                    }
                    _ => {}
                }
            }
            let copy = if self.cfg.idempotent_store { 0 } else { copy as u8 };
            let seal = Seal {
                cause: env.id,
                correlation_id: corr,
                actor_tag: self.info.kind.tag(),
                announce_tag: self.info.kind.announce_tag(),
                copy,
                done_ms: done,
            };
            let mut sealed = Vec::new();
            out.seal_each(seal, |at, e| sealed.push((at, e)));
            if self.verbose {
                let answers: Vec<&str> = sealed.iter().map(|(_, e)| e.message_type().name()).collect();
                eprintln!(
                    "brigade live: [{:>8} ms] {}: {} of order {} → {}",
                    now,
                    self.info.name,
                    env.message_type().name(),
                    short(&corr),
                    if answers.is_empty() { "nothing".to_string() } else { answers.join(", ") }
                );
            }
            for (at, e) in sealed {
                if at > done {
                    if let Some(timers) = &mut self.timers {
                        timers.set(e, self.clock.wall_at(at, done)).await;
                        continue;
                    }
                }
                self.publish(e, stop).await;
            }
        }
    }

    /// The actor's handler on `env` at simulated time `now`: what it decides goes into `out`;
    /// returns how long the work takes (simulated ms).
    fn decide(&mut self, env: &Envelope, now: u64, out: &mut Outbox) -> u64 {
        let mut store = Store::new();
        let mut at = None;
        match self.histories.get(&env.correlation_id) {
            Some(history) if Floor::reads_history(self.info.kind.role()) => {
                for (i, (e, publisher)) in history.iter().enumerate() {
                    if e.id == env.id {
                        at = Some(i as u32);
                    }
                    store.append(uncaused(e), None, *publisher);
                }
            }
            _ => {}
        }
        let seq = match at {
            Some(seq) => seq,
            None => store.append(uncaused(env), None, u16::MAX),
        };
        let Some(delivered) = store.delivered(seq as usize) else { return 0 };
        let mut order_rng = Rng::new(self.cfg.seed);
        let mut ctx = Context {
            now,
            me: self.info.id,
            store: &store,
            wiring: &self.floor.wiring,
            cfg: &self.cfg,
            floor: &NoFloor(&self.floor.actors),
            version: self.cfg.process_version,
            params: ProcessParams::from_config(&self.cfg),
            order_rng: &mut order_rng,
            custom: None,
        };
        self.actor.handle(actors::Input::Message(&delivered), &mut ctx, out)
    }

    /// Adds `env` (published by the actor named `publisher`) to what this actor knows of
    /// its order; an order it meets in the middle (after a restart) is first read whole from
    /// its subject in the stream: the order's stream is its event store.
    async fn learn(&mut self, env: &Envelope, publisher: &str) {
        let corr = env.correlation_id;
        if !self.histories.contains_key(&corr) && env.message_type() != MessageType::OrderPlaced {
            match self.broker.read(&format!("kitchen.{corr}.>")).await {
                Ok(stored) => {
                    eprintln!(
                        "brigade live: {}: order {} read back from its subject ({} messages)",
                        self.info.name,
                        short(&corr),
                        stored.len()
                    );
                    let history = stored.into_iter().map(|s| (s.env, self.id_of(&s.publisher))).collect();
                    self.histories.insert(corr, history);
                }
                Err(e) => eprintln!("brigade live: {}: order {}: {e}", self.info.name, short(&corr)),
            }
        }
        let id = self.id_of(publisher);
        let history = self.histories.entry(corr).or_default();
        if !history.iter().any(|(e, _)| e.id == env.id) {
            history.push((env.clone(), id));
        }
    }

    /// The id of the actor named `name` (`u16::MAX` for a name not on this floor).
    fn id_of(&self, name: &str) -> ActorId {
        self.floor.named(name).map(|a| a.id).unwrap_or(u16::MAX)
    }

    /// The seeded fault draw for a delivery of `env` to this actor: the same for the same
    /// seed, message and actor, whichever process or attempt takes it.
    fn fate(&self, env: &Envelope) -> Fate {
        if !self.info.kind.is_worker() || (self.cfg.drop == 0.0 && self.cfg.duplicate == 0.0) {
            return Fate::Once;
        }
        let (hi, lo) = env.id.as_u64_pair();
        let mut rng = Rng::new(mix64(self.cfg.seed ^ mix64(hi ^ mix64(lo ^ self.info.kind.tag() as u64))));
        if rng.chance(self.cfg.drop) {
            Fate::Lost
        } else if rng.chance(self.cfg.duplicate) {
            Fate::Twice
        } else {
            Fate::Once
        }
    }

    /// Publishes `env` as this actor and notes it in the journal.
    async fn publish(&mut self, env: Envelope, stop: &watch::Receiver<bool>) {
        let stopped = || *stop.borrow();
        if self.broker.publish(&env, &self.info.name, self.info.kind.role().name(), stopped).await {
            self.journal.published(&env, &self.info.name);
            if Floor::reads_history(self.info.kind.role()) {
                let corr = env.correlation_id;
                let me = self.info.id;
                let history = self.histories.entry(corr).or_default();
                if !history.iter().any(|(e, _)| e.id == env.id) {
                    history.push((env, me));
                }
            }
        }
    }
}

/// `env` without its causation, for a store that holds only what this actor knows of the
/// order (the cause may be missing there, or come later); no handler reads the causation.
fn uncaused(env: &Envelope) -> Envelope {
    Envelope { causation_id: crate::message::CausationId::NONE, ..env.clone() }
}

/// The first 8 digits of an order's id, as the logs show it.
pub fn short(id: &Uuid) -> String {
    id.to_string()[..8].to_string()
}
