//! The broker: the connection to NATS, the kitchen's stream, the alarm clock's bucket, the
//! durable consumers, publishing with retries, and reading one order's subject back.
//!
//! One stream, `KITCHEN`, holds every message under `kitchen.<order>.<Type>` (the order's
//! correlation id, the message's type). Each message carries its JSON body (as the run
//! file writes a history entry) and headers: `Nats-Msg-Id` (the message id: JetStream
//! drops a second publication with the same id, the idempotent store), and
//! `Brigade-Correlation-Id`, `Brigade-Causation-Id`, `Brigade-Publisher` (the actor's
//! name) and `Brigade-Role`.

use super::codec;
use crate::message::Envelope;
use async_nats::jetstream::{self, consumer, stream};
use async_nats::HeaderMap;
use futures_util::StreamExt;
use std::time::Duration;

/// The stream of the kitchen's messages.
pub const STREAM: &str = "KITCHEN";
/// The stream where the alarm clock keeps the alarms it has yet to ring.
pub const TIMERS: &str = "KITCHEN_TIMERS";
/// Header: the actor that published the message.
pub const PUBLISHER: &str = "Brigade-Publisher";
/// Header: its role.
pub const ROLE: &str = "Brigade-Role";

/// The subject of `env`: `kitchen.<correlation id>.<Type>`.
pub fn subject(env: &Envelope) -> String {
    format!("kitchen.{}.{}", env.correlation_id, env.message_type().name())
}

/// The connection and the kitchen's JetStream context.
#[derive(Clone)]
pub struct Broker {
    /// JetStream.
    pub js: jetstream::Context,
    /// The server's address as given.
    pub url: String,
}

/// How a role's durable consumer is set up.
pub struct ConsumerSpec {
    /// The durable name (shared by every actor of the role: they compete for its messages).
    pub durable: String,
    /// `kitchen.*.<Type>` for a role that hears one type, else `kitchen.>`.
    pub filter: String,
    /// How long a message handed out may stay unacknowledged before it is handed out again.
    pub ack_wait: Duration,
    /// How many messages may be handed out unacknowledged at once.
    pub max_ack_pending: i64,
}

impl Broker {
    /// Connects to the server at `url` (a readable error when nobody answers there);
    /// afterwards the client reconnects by itself, as often as it takes.
    pub async fn connect(url: &str, name: &str) -> Result<Broker, String> {
        let client = async_nats::ConnectOptions::new()
            .name(format!("brigade {name}"))
            .connection_timeout(Duration::from_secs(3))
            .max_reconnects(None)
            .event_callback(|event| async move {
                match event {
                    async_nats::Event::Disconnected => eprintln!("brigade live: disconnected from the broker; reconnecting"),
                    async_nats::Event::Connected => eprintln!("brigade live: connected to the broker"),
                    _ => {}
                }
            })
            .connect(url)
            .await
            .map_err(|e| {
                format!(
                    "cannot reach a NATS server at {url}: {e} (start one with JetStream, `nats-server -js`, or run `bash scripts/live.sh`)"
                )
            })?;
        let js = jetstream::new(client);
        Ok(Broker { js, url: url.to_string() })
    }

    /// The kitchen's stream, made when missing (file storage: it survives a restart of
    /// the server); `fresh`: emptied of an earlier run's messages and alarms (purged, not
    /// deleted: the consumers of processes already started stay, and Debian's server 2.9
    /// can lose a stream made again while the old one's files are being removed).
    pub async fn stream(&self, fresh: bool) -> Result<stream::Stream, String> {
        let config = stream::Config {
            name: STREAM.to_string(),
            subjects: vec!["kitchen.>".to_string()],
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(120),
            ..Default::default()
        };
        let stream = self.get_or_create(config).await?;
        if fresh {
            stream.purge().await.map_err(|e| format!("emptying the stream {STREAM}: {e}"))?;
            self.timers().await?.purge().await.map_err(|e| format!("emptying the stream {TIMERS}: {e}"))?;
        }
        Ok(stream)
    }

    /// The alarm clock's stream of alarms yet to ring (`timers.<message id>`, one message
    /// per subject), made when missing.
    pub async fn timers(&self) -> Result<stream::Stream, String> {
        let config = stream::Config {
            name: TIMERS.to_string(),
            subjects: vec!["timers.>".to_string()],
            storage: stream::StorageType::File,
            max_messages_per_subject: 1,
            ..Default::default()
        };
        self.get_or_create(config).await
    }

    /// The stream of `config`, made when missing. Two processes starting at once may both
    /// try to make it, and the server refuses the second ("subjects overlap"): look again.
    async fn get_or_create(&self, config: stream::Config) -> Result<stream::Stream, String> {
        let mut tries = 0;
        loop {
            match self.js.get_or_create_stream(config.clone()).await {
                Ok(stream) => return Ok(stream),
                Err(_) if tries < 10 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(100 * tries)).await;
                }
                Err(e) => return Err(format!("the stream {}: {e}", config.name)),
            }
        }
    }

    /// The durable pull consumer `spec` on the kitchen's stream, made when missing.
    pub async fn consumer(&self, spec: &ConsumerSpec) -> Result<consumer::PullConsumer, String> {
        let stream = self.stream(false).await?;
        let config = consumer::pull::Config {
            durable_name: Some(spec.durable.clone()),
            filter_subject: spec.filter.clone(),
            ack_policy: consumer::AckPolicy::Explicit,
            ack_wait: spec.ack_wait,
            max_ack_pending: spec.max_ack_pending,
            deliver_policy: consumer::DeliverPolicy::All,
            ..Default::default()
        };
        stream
            .get_or_create_consumer(&spec.durable, config)
            .await
            .map_err(|e| format!("the consumer {}: {e}", spec.durable))
    }

    /// Publishes `env` for `publisher` (its name and role), trying again until the stream
    /// has it (a server restarting, a lost connection) or `give_up` says stop. The same
    /// message id every time: the stream keeps one copy.
    pub async fn publish(&self, env: &Envelope, publisher: &str, role: &str, give_up: impl Fn() -> bool) -> bool {
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", env.id.to_string().as_str());
        headers.insert("Brigade-Correlation-Id", env.correlation_id.to_string().as_str());
        if let Some(cause) = env.causation() {
            headers.insert("Brigade-Causation-Id", cause.to_string().as_str());
        }
        headers.insert(PUBLISHER, publisher);
        headers.insert(ROLE, role);
        let payload = codec::encode(env);
        let subject = subject(env);
        let mut wait = Duration::from_millis(20);
        loop {
            let attempt = async {
                let ack =
                    self.js.publish_with_headers(subject.clone(), headers.clone(), payload.clone().into()).await?;
                ack.await.map(|_| ()).map_err(async_nats::Error::from)
            };
            match tokio::time::timeout(Duration::from_secs(5), attempt).await {
                Ok(Ok(())) => return true,
                Ok(Err(e)) => eprintln!("brigade live: {publisher}: publishing {} failed ({e}); trying again", env.id),
                Err(_) => eprintln!("brigade live: {publisher}: publishing {} timed out; trying again", env.id),
            }
            if give_up() {
                return false;
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(1));
        }
    }

    /// Every message of the stream under `filter` (`kitchen.>`, or one order's
    /// `kitchen.<order>.>`), in stream order, as it stands now: `(stream sequence,
    /// publisher's name, publisher's role, envelope)`.
    pub async fn read(&self, filter: &str) -> Result<Vec<Stored>, String> {
        let stream = self.stream(false).await?;
        let raw = read_raw(&stream, filter).await?;
        raw.iter().map(|(sequence, m)| Stored::of(*sequence, m)).collect()
    }
}

/// Every message of `stream` under `filter`, in stream order, as it stands now, with its
/// stream position.
pub async fn read_raw(stream: &stream::Stream, filter: &str) -> Result<Vec<(u64, async_nats::Message)>, String> {
    {
        let config = consumer::pull::OrderedConfig { filter_subject: filter.to_string(), ..Default::default() };
        let consumer = stream.create_consumer(config).await.map_err(|e| format!("reading {filter}: {e}"))?;
        let state = stream.get_info().await.map_err(|e| format!("reading {filter}: {e}"))?.state;
        if state.messages == 0 {
            return Ok(Vec::new());
        }
        let last = state.last_sequence;
        let mut messages = consumer.messages().await.map_err(|e| format!("reading {filter}: {e}"))?;
        let mut out = Vec::new();
        loop {
            let next = tokio::time::timeout(Duration::from_secs(2), messages.next()).await;
            let message = match next {
                Ok(Some(Ok(m))) => m,
                Ok(Some(Err(e))) => return Err(format!("reading {filter}: {e}")),
                // nothing more within the wait: the subject holds no more (an order's subject
                // may end before the stream's last message)
                Ok(None) | Err(_) => break,
            };
            let (sequence, pending) = match message.info() {
                Ok(info) => (info.stream_sequence, info.pending),
                Err(e) => return Err(format!("reading {filter}: {e}")),
            };
            out.push((sequence, message.message));
            if pending == 0 || sequence >= last {
                break;
            }
        }
        Ok(out)
    }
}

/// A message as the stream keeps it.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its position in the stream (from 1).
    pub sequence: u64,
    /// Who published it.
    pub publisher: String,
    /// The publisher's role.
    pub role: String,
    /// The message.
    pub env: Envelope,
}

impl Stored {
    /// The message `m` at stream position `sequence`.
    pub fn of(sequence: u64, m: &async_nats::Message) -> Result<Stored, String> {
        let header = |name: &str| {
            m.headers.as_ref().and_then(|h| h.get(name)).map(|v| v.as_str().to_string()).unwrap_or_default()
        };
        let env = codec::decode(&m.payload).map_err(|e| format!("message {sequence} on {}: {e}", m.subject))?;
        Ok(Stored { sequence, publisher: header(PUBLISHER), role: header(ROLE), env })
    }
}
