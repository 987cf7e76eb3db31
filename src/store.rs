//! The event store: an append-only log of every published message, with a stream per
//! correlation id (the history a process manager is rebuilt from).
//!
//! The store keeps the whole *frontier* of a run and a *cursor*: the messages visible at
//! the simulation's current step. Re-executing a stretch of the run that is already
//! recorded (after stepping back to a checkpoint) only moves the cursor, so stepping back
//! and forth never loses the recorded future.

use crate::message::{CausationId, Envelope, Message, MessageType};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use uuid::Uuid;

/// A fast hasher for random ids (UUIDs are already uniformly random).
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        if let Ok(id) = <[u8; 16]>::try_from(bytes) {
            // a UUID: its two halves are random already, one multiply spreads them
            let (hi, lo) = (
                u64::from_le_bytes(id[..8].try_into().unwrap_or_default()),
                u64::from_le_bytes(id[8..].try_into().unwrap_or_default()),
            );
            self.0 = (self.0 ^ hi ^ lo.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            return;
        }
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(23) ^ u64::from_le_bytes(buf)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        // the length prefix of a slice: ids all have the same
        self.0 ^= n as u64;
    }
}

/// A map keyed by message ids.
pub type IdMap<V> = HashMap<Uuid, V, BuildHasherDefault<IdHasher>>;

const CHUNK_BITS: usize = 16;
const CHUNK: usize = 1 << CHUNK_BITS;

/// An append-only sequence stored in fixed-size chunks, so that growing it never copies
/// (or doubles) what is already there.
#[derive(Debug, Clone)]
pub struct ChunkedLog<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for ChunkedLog<T> {
    fn default() -> Self {
        ChunkedLog { chunks: Vec::new(), len: 0 }
    }
}

impl<T> ChunkedLog<T> {
    /// Number of items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The item at `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i >> CHUNK_BITS)?.get(i & (CHUNK - 1))
    }

    /// Appends an item.
    #[inline]
    pub fn push(&mut self, item: T) {
        if self.len & (CHUNK - 1) == 0 && self.chunks.len() == self.len >> CHUNK_BITS {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        self.chunks[self.len >> CHUNK_BITS].push(item);
        self.len += 1;
    }

    /// The item at `i`, to change it.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks.get_mut(i >> CHUNK_BITS)?.get_mut(i & (CHUNK - 1))
    }

    /// Removes the last item.
    pub fn pop(&mut self) -> Option<T> {
        let chunk = self.chunks.last_mut()?;
        let item = chunk.pop()?;
        if chunk.is_empty() {
            self.chunks.pop();
        }
        self.len -= 1;
        Some(item)
    }

    /// Keeps the first `n` items.
    pub fn truncate(&mut self, n: usize) {
        while self.len > n {
            let chunk = self.chunks.last_mut().expect("len counts the chunks' items");
            let keep = chunk.len().saturating_sub(self.len - n);
            self.len -= chunk.len() - keep;
            chunk.truncate(keep);
            if chunk.is_empty() {
                self.chunks.pop();
            }
        }
    }

    /// The first `n` items, in order.
    pub fn iter_to(&self, n: usize) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten().take(n.min(self.len))
    }

    /// Every item, in order, to change them.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.chunks.iter_mut().flatten()
    }
}

/// A subscription to one correlation: `actor` hears the stream's messages of the types
/// in `mask` published from position `since` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Follower {
    /// Who hears them (the house).
    pub actor: u16,
    /// A type mask ([`MessageType::bit`]).
    pub mask: u32,
    /// The store's length when the follow began.
    pub since: u32,
}

/// The follows of one correlation, oldest first. An order is followed once and its mask
/// changes once when it settles, so two follows are kept inline; more spill to the heap.
#[derive(Debug, Clone)]
pub enum Follows {
    /// Up to two follows, the first `len` of the array.
    Inline([Follower; 2], u8),
    /// More than two.
    Spilled(Vec<Follower>),
}

impl Default for Follows {
    fn default() -> Self {
        Follows::Inline([Follower { actor: 0, mask: 0, since: 0 }; 2], 0)
    }
}

impl Follows {
    /// The follows, oldest first.
    pub fn as_slice(&self) -> &[Follower] {
        match self {
            Follows::Inline(items, len) => &items[..*len as usize],
            Follows::Spilled(items) => items,
        }
    }

    /// The follow in force at store position `position`: the last one begun by then.
    fn at(&self, position: usize) -> Option<Follower> {
        self.as_slice().iter().rev().find(|f| (f.since as usize) <= position).copied()
    }

    /// Who hears a message of type bit `bit` published at `position`, if anyone.
    fn hearer(&self, position: usize, bit: u32) -> Option<u16> {
        self.at(position).and_then(|f| (f.mask & bit != 0).then_some(f.actor))
    }

    fn push(&mut self, follow: Follower) {
        match self {
            Follows::Inline(items, len) if (*len as usize) < items.len() => {
                items[*len as usize] = follow;
                *len += 1;
            }
            Follows::Inline(items, _) => {
                let mut spilled = items.to_vec();
                spilled.push(follow);
                *self = Follows::Spilled(spilled);
            }
            Follows::Spilled(items) => items.push(follow),
        }
    }

    fn retain(&mut self, keep: impl Fn(&Follower) -> bool) {
        let kept: Vec<Follower> = self.as_slice().iter().copied().filter(|f| keep(f)).collect();
        *self = Follows::default();
        for f in kept {
            self.push(f);
        }
    }
}

/// The messages of one correlation (one order): a topic of its own.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    /// The correlation id.
    pub id: Uuid,
    /// 1-based number of the order, in placing order.
    pub order_no: u32,
    /// Positions in the log, ascending.
    pub seqs: Vec<u32>,
    /// Who follows this correlation, each follow from its position on (the last one
    /// whose `since` is reached applies).
    pub follows: Follows,
}

/// A published message as the log keeps it, in 48 bytes where its envelope takes 72: the
/// correlation is the number of its stream, the causation the position of the causing
/// message (always published before it), the publisher shares a word with the time.
#[derive(Debug, Clone)]
struct Record {
    id: Uuid,
    body: Message,
    /// `at_ms << 16 | publisher` (simulated times stay below 2^48 ms).
    at_publisher: u64,
    /// Index in `Store::streams`.
    stream: u32,
    /// Position of the causing message + 1; 0: none.
    cause: u32,
}

impl Record {
    fn at_ms(&self) -> u64 {
        self.at_publisher >> 16
    }

    fn publisher(&self) -> u16 {
        self.at_publisher as u16
    }

    fn message_type(&self) -> MessageType {
        self.body.message_type()
    }
}

/// Append-only log with streams by correlation, and a cursor for time travel.
///
/// Subscriptions by correlation live here, with their stream: a follow is part of the
/// recorded run, so stepping back and forth keeps it right without copying it.
#[derive(Debug, Default, Clone)]
pub struct Store {
    log: ChunkedLog<Record>,
    /// Where each correlation's stream is in `streams` (a small entry to look up on every
    /// publication; the streams lie in the order they began, recent orders together).
    index: IdMap<u32>,
    streams: ChunkedLog<Stream>,
    /// The streams of the orders, in placing order.
    orders: Vec<u32>,
    cursor: usize,
    /// Position of every message by id (only for an idempotent store).
    ids: Option<IdMap<u32>>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Store::default()
    }

    /// An empty store that refuses a message whose id it already holds.
    pub fn idempotent() -> Self {
        Store { ids: Some(IdMap::default()), ..Store::default() }
    }

    /// Whether the store refuses messages whose id it already holds.
    pub fn is_idempotent(&self) -> bool {
        self.ids.is_some()
    }

    fn stream_of(&self, correlation_id: &Uuid) -> Option<&Stream> {
        self.index.get(correlation_id).and_then(|&i| self.streams.get(i as usize))
    }

    /// The stream of `correlation_id` and its index, begun if it is new.
    fn stream_entry(&mut self, correlation_id: Uuid) -> (u32, &mut Stream) {
        let streams = &mut self.streams;
        let i = *self.index.entry(correlation_id).or_insert_with(|| {
            // an order's stream holds about twenty messages: room for them at once
            streams.push(Stream { id: correlation_id, seqs: Vec::with_capacity(20), ..Stream::default() });
            (streams.len() - 1) as u32
        });
        (i, self.streams.get_mut(i as usize).expect("the index points at a stream"))
    }

    /// Whether a message with this id is published by the current step (known only to
    /// an idempotent store; `false` otherwise).
    pub fn holds(&self, id: &Uuid) -> bool {
        self.ids.as_ref().and_then(|ids| ids.get(id)).is_some_and(|&s| (s as usize) < self.cursor)
    }

    /// From the current position on, `actor` hears the messages of correlation
    /// `correlation_id` whose type bit is in `mask` (a mask of 0 forgets it).
    pub fn follow(&mut self, correlation_id: Uuid, actor: u16, mask: u32) {
        let since = self.cursor as u32;
        let (_, stream) = self.stream_entry(correlation_id);
        let follow = Follower { actor, mask, since };
        // re-executing a recorded stretch finds the follow there already (a diverging
        // run forgets the follows after its cursor in `truncate_frontier`)
        if !stream.follows.as_slice().contains(&follow) {
            stream.follows.push(follow);
        }
    }

    /// The follower of `env`'s correlation who hears it, if any.
    pub fn follower_of(&self, env: &Envelope) -> Option<u16> {
        self.stream_of(&env.correlation_id)?.follows.hearer(self.cursor, env.message_type().bit())
    }

    /// Correlations followed by the current step.
    pub fn followed(&self) -> usize {
        self.streams.iter_to(usize::MAX).filter(|s| s.follows.at(self.cursor).is_some_and(|f| f.mask != 0)).count()
    }

    /// Messages published up to the current step.
    pub fn len(&self) -> usize {
        self.cursor
    }

    /// Whether nothing is published yet at the current step.
    pub fn is_empty(&self) -> bool {
        self.cursor == 0
    }

    /// Messages recorded in the whole known run (the frontier).
    pub fn frontier_len(&self) -> usize {
        self.log.len()
    }

    fn visible(&self, seq: usize) -> Option<&Record> {
        if seq < self.cursor {
            self.log.get(seq)
        } else {
            None
        }
    }

    /// The envelope of a record, its headers filled in from the streams and the log.
    fn envelope(&self, r: &Record) -> Envelope {
        let cause = if r.cause == 0 { None } else { self.log.get(r.cause as usize - 1).map(|c| c.id) };
        Envelope {
            id: r.id,
            correlation_id: self.streams.get(r.stream as usize).map_or_else(Uuid::nil, |s| s.id),
            causation_id: cause.map_or(CausationId::NONE, CausationId::of),
            at_ms: r.at_ms(),
            body: r.body.clone(),
        }
    }

    /// The message at `seq`, if published by the current step.
    pub fn get(&self, seq: usize) -> Option<Envelope> {
        self.visible(seq).map(|r| self.envelope(r))
    }

    /// The id, time and body of the message at `seq`, if published by the current step
    /// (what a process manager reads, without building its envelope).
    pub fn heard(&self, seq: usize) -> Option<(Uuid, u64, &Message)> {
        self.visible(seq).map(|r| (r.id, r.at_ms(), &r.body))
    }

    /// The body of the message at `seq`, if published by the current step (without
    /// building its envelope).
    pub fn body(&self, seq: usize) -> Option<&Message> {
        self.visible(seq).map(|r| &r.body)
    }

    /// The id of the message at `seq`, if published by the current step.
    pub fn id(&self, seq: usize) -> Option<Uuid> {
        self.visible(seq).map(|r| r.id)
    }

    /// The type of the message at `seq`, if published by the current step.
    pub fn message_type(&self, seq: usize) -> Option<MessageType> {
        self.visible(seq).map(Record::message_type)
    }

    /// When the message at `seq` was published, if by the current step.
    pub fn at_ms(&self, seq: usize) -> Option<u64> {
        self.visible(seq).map(Record::at_ms)
    }

    /// The message at `seq` in the whole known run, even beyond the cursor.
    pub fn frontier_get(&self, seq: usize) -> Option<Envelope> {
        self.log.get(seq).map(|r| self.envelope(r))
    }

    /// The seqs of one correlation's messages in the whole known run.
    pub fn frontier_stream(&self, correlation_id: &Uuid) -> &[u32] {
        self.stream_of(correlation_id).map_or(&[], |s| &s.seqs)
    }

    /// Index of the actor that published `seq`.
    pub fn publisher(&self, seq: usize) -> Option<u16> {
        self.log.get(seq).map(Record::publisher)
    }

    /// Every message published by the current step, in order.
    pub fn messages(&self) -> impl Iterator<Item = Envelope> + '_ {
        self.log.iter_to(self.cursor).map(|r| self.envelope(r))
    }

    /// Appends a publication caused by the message at `cause` (none: it starts an order,
    /// or its cause is published by the same step, and is looked up in its stream) and
    /// returns its seq. When the cursor is behind the frontier (re-execution) the
    /// message is already recorded and only the cursor moves.
    pub fn append(&mut self, env: Envelope, cause: Option<u32>, publisher: u16) -> u32 {
        self.append_followed(env, cause, publisher).0
    }

    /// [`Store::append`], also returning the follower of the message's correlation who
    /// hears it ([`Store::follower_of`] just before the append), in one look-up.
    pub fn append_followed(&mut self, env: Envelope, cause: Option<u32>, publisher: u16) -> (u32, Option<u16>) {
        let seq = self.cursor;
        self.cursor += 1;
        let bit = env.message_type().bit();
        if seq < self.log.len() {
            debug_assert_eq!(self.log.get(seq).map(|e| e.id), Some(env.id), "re-execution diverged from the record");
            return (seq as u32, self.stream_of(&env.correlation_id).and_then(|s| s.follows.hearer(seq, bit)));
        }
        let cause = match (cause, env.causation()) {
            (Some(c), _) => c + 1,
            (None, None) => 0,
            // published by the same step as its cause (the waiter's command after its
            // OrderPlaced, without process managers): found in the order's stream
            (None, Some(id)) => self.stream_of(&env.correlation_id).map_or(0, |stream| {
                stream
                    .seqs
                    .iter()
                    .rev()
                    .find(|&&s| self.log.get(s as usize).is_some_and(|r| r.id == id))
                    .map_or(0, |&s| s + 1)
            }),
        };
        debug_assert_eq!(
            (cause as usize).checked_sub(1).and_then(|c| self.log.get(c)).map(|c| c.id),
            env.causation(),
            "the cause is the message at its position"
        );
        let next_order = self.orders.len() as u32 + 1;
        let placed = env.message_type() == MessageType::OrderPlaced;
        // a message almost always belongs to its cause's stream: found without hashing
        let known = (cause as usize)
            .checked_sub(1)
            .and_then(|c| self.log.get(c))
            .map(|c| c.stream)
            .filter(|&i| self.streams.get(i as usize).is_some_and(|s| s.id == env.correlation_id));
        let (index, stream) = match known {
            Some(i) => (i, self.streams.get_mut(i as usize).expect("checked above")),
            None => self.stream_entry(env.correlation_id),
        };
        let follower = stream.follows.hearer(seq, bit);
        stream.seqs.push(seq as u32);
        if placed {
            stream.order_no = next_order;
            self.orders.push(index);
        }
        if let Some(ids) = &mut self.ids {
            ids.insert(env.id, seq as u32);
        }
        self.log.push(Record {
            id: env.id,
            body: env.body,
            at_publisher: (env.at_ms << 16) | publisher as u64,
            stream: index,
            cause,
        });
        (seq as u32, follower)
    }

    /// Moves the cursor (restoring a checkpoint). `n` must not pass the frontier.
    pub fn set_cursor(&mut self, n: usize) {
        self.cursor = n.min(self.log.len());
    }

    /// Forgets the recorded future beyond the cursor (the run is about to diverge).
    pub fn truncate_frontier(&mut self) {
        if self.log.len() > self.cursor {
            let cursor = self.cursor as u32;
            for stream in self.streams.iter_mut() {
                stream.follows.retain(|f| f.since <= cursor);
            }
        }
        while self.log.len() > self.cursor {
            let r = self.log.pop().expect("log is longer than the cursor");
            let Some(stream) = self.streams.get_mut(r.stream as usize) else { continue };
            stream.seqs.pop();
            if stream.seqs.is_empty() && r.stream as usize == self.streams.len() - 1 {
                // streams begin in log order: the one this message began is the last
                let gone = self.streams.pop().expect("the stream is there");
                self.index.remove(&gone.id);
            }
            if let Some(ids) = &mut self.ids {
                ids.remove(&r.id);
            }
            if r.message_type() == MessageType::OrderPlaced {
                self.orders.pop();
            }
        }
    }

    /// The seqs of one correlation's messages published by the current step.
    pub fn stream(&self, correlation_id: &Uuid) -> &[u32] {
        match self.stream_of(correlation_id) {
            Some(stream) => {
                let visible = stream.seqs.partition_point(|&s| (s as usize) < self.cursor);
                &stream.seqs[..visible]
            }
            None => &[],
        }
    }

    /// The 1-based order number of a correlation, if its `OrderPlaced` is published.
    pub fn order_no(&self, correlation_id: &Uuid) -> Option<u32> {
        let stream = self.stream_of(correlation_id)?;
        let first = *stream.seqs.first()?;
        ((first as usize) < self.cursor && stream.order_no > 0).then_some(stream.order_no)
    }

    /// Correlation ids of the orders placed by the current step, in placing order.
    pub fn orders(&self) -> impl Iterator<Item = &Uuid> {
        let cursor = self.cursor;
        self.orders
            .iter()
            .filter_map(|&i| self.streams.get(i as usize))
            .take_while(move |s| s.seqs.first().is_some_and(|&s| (s as usize) < cursor))
            .map(|s| &s.id)
    }

    /// The 1-based number of the order the message at `seq` belongs to, if it is
    /// published by the current step and its stream began with an `OrderPlaced`.
    pub fn order_of(&self, seq: usize) -> Option<u32> {
        let stream = self.streams.get(self.visible(seq)?.stream as usize)?;
        (stream.order_no > 0).then_some(stream.order_no)
    }

    /// Whether the correlation has a message of type `t` published by the current step.
    pub fn stream_has(&self, correlation_id: &Uuid, t: MessageType) -> bool {
        self.stream(correlation_id).iter().any(|&s| self.log.get(s as usize).is_some_and(|e| e.message_type() == t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;

    fn env(id: u128, corr: u128, body: Message) -> Envelope {
        Envelope {
            id: Uuid::from_u128(id),
            correlation_id: Uuid::from_u128(corr),
            causation_id: crate::message::CausationId::NONE,
            at_ms: 0,
            body,
        }
    }

    fn timed_out() -> Message {
        Message::StepTimedOut { step: crate::message::WorkStep::Cook, attempt: 1 }
    }

    #[test]
    fn a_third_follow_spills_and_the_latest_reached_applies() {
        let mut store = Store::new();
        let corr = Uuid::from_u128(10);
        let cooked = MessageType::StepTimedOut.bit();
        store.append(env(1, 10, timed_out()), None, 0);
        store.follow(corr, 1, cooked);
        store.append(env(2, 10, timed_out()), None, 0);
        store.follow(corr, 1, 0);
        store.append(env(3, 10, timed_out()), None, 0);
        store.follow(corr, 1, cooked);
        assert!(matches!(store.stream_of(&corr).unwrap().follows, Follows::Spilled(_)));
        assert_eq!(store.follower_of(&env(4, 10, timed_out())), Some(1));
        store.set_cursor(2);
        assert_eq!(store.follower_of(&env(4, 10, timed_out())), None, "the forget at position 2 applies");
        store.set_cursor(1);
        assert_eq!(store.follower_of(&env(4, 10, timed_out())), Some(1));
        store.truncate_frontier();
        assert_eq!(store.stream_of(&corr).unwrap().follows.as_slice().len(), 1);
        assert!(matches!(store.stream_of(&corr).unwrap().follows, Follows::Inline(_, 1)));
    }

    #[test]
    fn a_record_takes_48_bytes_and_gives_back_the_envelope() {
        assert_eq!(std::mem::size_of::<Record>(), 48);
        let mut store = Store::new();
        let first = env(1, 10, timed_out());
        let mut second = Envelope { at_ms: (1 << 40) + 5, ..env(2, 10, timed_out()) };
        second.causation_id = crate::message::CausationId::of(first.id);
        store.append(first.clone(), None, 3);
        store.append(second.clone(), Some(0), 65535);
        assert_eq!(store.get(0), Some(first));
        assert_eq!(store.get(1), Some(second.clone()));
        assert_eq!(store.publisher(1), Some(65535));
        assert_eq!(store.at_ms(1), Some((1 << 40) + 5));
        assert_eq!(store.messages().last(), Some(second));
        store.set_cursor(1);
        assert_eq!(store.get(1), None);
        assert!(store.frontier_get(1).is_some());
    }

    #[test]
    fn a_message_joins_its_own_stream_even_when_its_cause_is_in_another() {
        let mut store = Store::new();
        let placed = |id: u128, corr: u128| {
            let order = std::rc::Rc::new(crate::order::Order::draw(&mut crate::rng::Rng::new(1), false, 0));
            env(id, corr, Message::OrderPlaced { order })
        };
        store.append(placed(1, 10), None, 0);
        store.append(placed(2, 20), None, 0);
        // caused by message 0 (stream 10) but correlated with 20: not its cause's stream
        let mut odd = Envelope { at_ms: 7, ..env(3, 20, timed_out()) };
        odd.causation_id = crate::message::CausationId::of(Uuid::from_u128(1));
        store.append(odd.clone(), Some(0), 4);
        let mut usual = env(4, 10, timed_out());
        usual.causation_id = crate::message::CausationId::of(Uuid::from_u128(1));
        store.append(usual, Some(0), 4);
        assert_eq!(store.stream(&Uuid::from_u128(20)), &[1, 2]);
        assert_eq!(store.stream(&Uuid::from_u128(10)), &[0, 3]);
        assert_eq!(store.get(2), Some(odd));
        assert_eq!(store.order_of(2), Some(2));
        assert_eq!(store.order_of(3), Some(1));
        let (id, at_ms, body) = store.heard(2).unwrap();
        assert_eq!((id, at_ms, body.message_type()), (Uuid::from_u128(3), 7, MessageType::StepTimedOut));
        store.set_cursor(2);
        assert_eq!((store.heard(2), store.order_of(2)), (None, None), "beyond the cursor");
    }

    #[test]
    fn chunked_log_grows_pops_and_truncates_across_chunks() {
        let mut log = ChunkedLog::default();
        for i in 0..(CHUNK * 2 + 10) {
            log.push(i);
        }
        assert_eq!(log.get(CHUNK + 3), Some(&(CHUNK + 3)));
        log.truncate(CHUNK - 1);
        assert_eq!(log.len(), CHUNK - 1);
        assert_eq!(log.get(CHUNK - 1), None);
        assert_eq!(log.pop(), Some(CHUNK - 2));
        log.push(7);
        assert_eq!(log.iter_to(usize::MAX).count(), CHUNK - 1);
    }

    #[test]
    fn streams_follow_the_cursor_and_truncation() {
        let mut store = Store::new();
        store.append(env(1, 10, timed_out()), None, 0);
        store.append(env(2, 20, timed_out()), None, 0);
        store.append(env(3, 10, timed_out()), None, 0);
        assert_eq!(store.stream(&Uuid::from_u128(10)), &[0, 2]);
        store.set_cursor(1);
        assert_eq!(store.stream(&Uuid::from_u128(10)), &[0]);
        assert_eq!(store.stream(&Uuid::from_u128(20)), &[] as &[u32]);
        assert_eq!(store.len(), 1);
        assert_eq!(store.frontier_len(), 3);
        // re-execution moves the cursor without appending twice
        store.append(env(2, 20, timed_out()), None, 0);
        assert_eq!(store.frontier_len(), 3);
        store.truncate_frontier();
        assert_eq!(store.frontier_len(), 2);
        assert_eq!(store.stream(&Uuid::from_u128(10)), &[0]);
    }
}
