//! The alarm clock's alarms, kept durably: each alarm set (`PublishAt`) is written to the
//! stream `KITCHEN_TIMERS` under `timers.<id of the message it will publish>` before the
//! `PublishAt` is acknowledged, and purged once it has rung (its `StepTimedOut` is in the
//! kitchen's stream). An alarm clock that starts (again) reads that stream and rings what
//! it holds, late if its time has passed. (A key-value bucket is the same thing on a
//! stream; the client's bucket calls need a newer server than Debian's 2.9.)
//!
//! With `--volatile-timers` the alarms are only in memory, as a plain in-process timer
//! keeps them: an alarm clock killed loses them.

use super::broker::{read_raw, Broker};
use super::clock::wall_ms;
use super::codec;
use super::journal::Journal;
use crate::message::Envelope;
use async_nats::jetstream::stream;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// The alarms of one alarm clock (cheap to clone: the clones share them).
#[derive(Clone)]
pub struct Timers {
    kept: Option<(Broker, stream::Stream)>,
    pending: Rc<RefCell<BTreeMap<(u64, Uuid), Envelope>>>,
}

impl Timers {
    /// The alarms kept in the broker's stream of alarms (`durable`), read back; or in
    /// memory only.
    pub async fn open(broker: &Broker, durable: bool) -> Result<Timers, String> {
        let pending: Rc<RefCell<BTreeMap<(u64, Uuid), Envelope>>> = Rc::default();
        if !durable {
            eprintln!("brigade live: alarm clock: alarms in memory only (--volatile-timers)");
            return Ok(Timers { kept: None, pending });
        }
        let alarms = broker.timers().await?;
        let mut read = 0;
        for (sequence, m) in read_raw(&alarms, "timers.>").await? {
            match alarm_of(&m.payload) {
                Ok((due, env)) => {
                    pending.borrow_mut().insert((due, env.id), env);
                    read += 1;
                }
                Err(e) => eprintln!("brigade live: alarm clock: alarm #{sequence} unreadable ({e}); skipped"),
            }
        }
        if read > 0 {
            eprintln!("brigade live: alarm clock: {read} alarms read back from {}", super::broker::TIMERS);
        }
        Ok(Timers { kept: Some((broker.clone(), alarms)), pending })
    }

    /// Sets an alarm: `env` is published at wall-clock `due_ms`.
    pub async fn set(&mut self, env: Envelope, due_ms: u64) {
        if let Some((broker, _)) = &self.kept {
            let text: Value = serde_json::from_slice(&codec::encode(&env)).unwrap_or(Value::Null);
            let value = json!({ "due_wall_ms": due_ms, "message": text }).to_string();
            let mut wait = Duration::from_millis(20);
            loop {
                let put = async {
                    let ack = broker.js.publish(format!("timers.{}", env.id), value.clone().into()).await?;
                    ack.await.map(|_| ()).map_err(async_nats::Error::from)
                };
                match tokio::time::timeout(Duration::from_secs(5), put).await {
                    Ok(Ok(())) => break,
                    Ok(Err(e)) => {
                        eprintln!("brigade live: alarm clock: keeping alarm {} failed ({e}); trying again", env.id)
                    }
                    Err(_) => eprintln!("brigade live: alarm clock: keeping alarm {} timed out; trying again", env.id),
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(1));
                // the stream of alarms may be missing (deleted by hand, or lost)
                let _ = broker.timers().await;
            }
        }
        self.pending.borrow_mut().insert((due_ms, env.id), env);
    }

    /// Rings every alarm as it comes due, as `name`, until `stop`.
    pub async fn ring(self, broker: Broker, name: String, journal: Rc<Journal>, stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let due = {
                let mut pending = self.pending.borrow_mut();
                match pending.first_key_value() {
                    Some((&(at, _), _)) if at <= wall_ms() => pending.pop_first(),
                    _ => None,
                }
            };
            let Some((_, env)) = due else {
                tokio::time::sleep(Duration::from_millis(2)).await;
                continue;
            };
            let stopped = || *stop.borrow();
            if broker.publish(&env, &name, crate::role::Role::AlarmClock.name(), stopped).await {
                journal.published(&env, &name);
                if let Some((_, alarms)) = &self.kept {
                    let _ = alarms.purge().filter(format!("timers.{}", env.id)).await;
                }
            }
        }
    }
}

/// An alarm as the stream of alarms keeps it.
fn alarm_of(value: &[u8]) -> Result<(u64, Envelope), String> {
    let v: Value = serde_json::from_slice(value).map_err(|e| e.to_string())?;
    let due = v.get("due_wall_ms").and_then(Value::as_u64).ok_or("`due_wall_ms` is missing")?;
    Ok((due, codec::envelope(v.get("message").ok_or("`message` is missing")?)?))
}
