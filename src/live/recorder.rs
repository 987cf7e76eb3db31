//! The recorder: follows the kitchen's stream as the run goes (to know when every order
//! has ended) and writes the observed history as a run file (CONTRACT §7): the run file's
//! format with `"observed": true`, the history in stream order, each entry naming its
//! `publisher` (role) and `actor`, and a report of what was observed.

use super::broker::{Broker, Stored};
use crate::message::{HistoryEntry, MessageType};
use crate::run_file::{FORMAT, VERSION};
use crate::scenario::Config;
use async_nats::jetstream::consumer;
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// What the recorder has seen of each order so far.
#[derive(Debug, Default)]
pub struct Progress {
    /// Orders placed, in placing order.
    pub placed: Vec<Uuid>,
    /// Terminal events seen per order.
    pub ended: HashMap<Uuid, u32>,
    /// Messages seen.
    pub messages: u64,
    /// The last stream position seen.
    pub last: u64,
}

impl Progress {
    /// Orders with a terminal event.
    pub fn ended_orders(&self) -> usize {
        self.ended.len()
    }

    fn see(&mut self, s: &Stored) {
        self.messages += 1;
        self.last = s.sequence;
        match s.env.message_type() {
            MessageType::OrderPlaced => self.placed.push(s.env.correlation_id),
            t if t.is_terminal() => *self.ended.entry(s.env.correlation_id).or_default() += 1,
            _ => {}
        }
    }
}

/// Follows the stream from its start, updating `progress` (sent on every message), until
/// `stop`; a lost connection or a restarted server is followed again from where it was.
pub async fn follow(broker: Broker, progress: watch::Sender<Progress>, mut stop: watch::Receiver<bool>) {
    let mut from = 1;
    while !*stop.borrow() {
        let stream = match broker.stream(false).await {
            Ok(s) => s,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(300)).await;
                continue;
            }
        };
        let config = consumer::pull::OrderedConfig {
            filter_subject: "kitchen.>".to_string(),
            deliver_policy: consumer::DeliverPolicy::ByStartSequence { start_sequence: from },
            ..Default::default()
        };
        let messages = match stream.create_consumer(config).await {
            Ok(c) => c.messages().await,
            Err(e) => {
                eprintln!("brigade live: recorder: {e}; following again");
                tokio::time::sleep(Duration::from_millis(300)).await;
                continue;
            }
        };
        let Ok(mut messages) = messages else {
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        };
        loop {
            tokio::select! {
                _ = stop.changed() => return,
                next = messages.next() => match next {
                    Some(Ok(m)) => {
                        let Ok(info) = m.info() else { continue };
                        let sequence = info.stream_sequence;
                        if sequence < from {
                            continue;
                        }
                        match Stored::of(sequence, &m.message) {
                            Ok(s) => progress.send_modify(|p| p.see(&s)),
                            Err(e) => eprintln!("brigade live: recorder: {e}"),
                        }
                        from = sequence + 1;
                    }
                    Some(Err(e)) => {
                        eprintln!("brigade live: recorder: {e}; following again");
                        break;
                    }
                    None => break,
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// One history entry of an observed run: the run file's entry, and who published it.
#[derive(Serialize)]
struct ObservedEntry<'a> {
    #[serde(flatten)]
    entry: HistoryEntry<'a>,
    /// The publisher's role (`cook`, `house`, …).
    publisher: &'a str,
    /// The publisher's name (`Koen`).
    actor: &'a str,
}

/// The observed run file's fields in their order.
#[derive(Serialize)]
struct ObservedFile<'a> {
    format: &'static str,
    version: u32,
    observed: bool,
    config: &'a Config,
    inputs: [(); 0],
    history: Vec<ObservedEntry<'a>>,
    report: Value,
}

/// The observed run file of `history` (the whole stream, in order) for `cfg`, as pretty
/// JSON.
pub fn run_file(cfg: &Config, history: &[Stored], wall_ms: u64) -> String {
    let entries = history
        .iter()
        .enumerate()
        .map(|(i, s)| ObservedEntry {
            entry: HistoryEntry::new(i as u32, &s.env),
            publisher: s.role.as_str(),
            actor: s.publisher.as_str(),
        })
        .collect();
    let file = ObservedFile {
        format: FORMAT,
        version: VERSION,
        observed: true,
        config: cfg,
        inputs: [],
        history: entries,
        report: report(history, wall_ms),
    };
    serde_json::to_string_pretty(&file).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// What was observed: orders, how they ended, cooking per cook, messages, money, and the
/// time from placing to completion (simulated ms, at the run's speed)
/// ([`crate::observed::report::of`], which the page reads a record with too), and the
/// run's real duration.
pub fn report(history: &[Stored], wall_ms: u64) -> Value {
    let mut report = crate::observed::report::of(history.iter().map(|s| (&s.env, s.role.as_str())));
    report["wall_ms"] = json!(wall_ms);
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history_rules;
    use crate::sim::World;

    /// A simulated run, as the recorder would have seen it on the stream.
    fn observed(cfg: &Config) -> (World, Vec<Stored>) {
        let mut world = World::new(cfg.clone()).unwrap();
        world.run_to_idle();
        let actors = world.actors().to_vec();
        let history = world
            .store()
            .messages()
            .enumerate()
            .map(|(i, env)| {
                let who = world.store().publisher(i).and_then(|p| actors.get(p as usize));
                Stored {
                    sequence: i as u64 + 1,
                    publisher: who.map(|a| a.name.clone()).unwrap_or_default(),
                    role: who.map(|a| a.kind.role().name().to_string()).unwrap_or_default(),
                    env,
                }
            })
            .collect();
        (world, history)
    }

    #[test]
    fn the_observed_run_file_names_publishers_counts_what_happened_and_its_rules_hold() {
        let cfg = Config { orders: 40, drop: 0.2, duplicate: 0.2, dodgy: 0.4, ..Config::default() };
        let (world, history) = observed(&cfg);
        let text = run_file(&cfg, &history, 1234);
        let file: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((file["format"].as_str(), file["observed"].as_bool()), (Some(FORMAT), Some(true)));
        let entries = file["history"].as_array().unwrap();
        assert_eq!(entries.len(), history.len());
        assert_eq!(entries[0]["publisher"], "waiter");
        assert!(entries.iter().any(|e| e["publisher"] == "cook" && e["actor"] == "Koen"));
        let stats = world.stats();
        assert_eq!(file["report"]["completed"].as_u64(), Some(stats.completed as u64));
        assert_eq!(file["report"]["orders"].as_u64(), Some(40));
        assert_eq!(file["report"]["in_progress"].as_u64(), Some(0));
        let check = history_rules::check(&text).unwrap();
        assert!(check.broken.is_none(), "{}", check.to_text());
        assert_eq!(check.orders, 40);
    }

    #[test]
    fn a_second_end_in_an_observed_run_is_named() {
        let cfg = Config { orders: 3, ..Config::default() };
        let (_, mut history) = observed(&cfg);
        let end = history.iter().find(|s| s.env.message_type() == MessageType::OrderCompleted).unwrap().clone();
        history.push(Stored {
            sequence: 999,
            env: crate::message::Envelope { id: Uuid::from_u128(7), ..end.env },
            ..end
        });
        let check = history_rules::check(&run_file(&cfg, &history, 0)).unwrap();
        let broken = check.broken.as_ref().expect("a second terminal event");
        assert_eq!(broken.rule, "one-terminal-event", "{}", check.to_text());
    }
}
