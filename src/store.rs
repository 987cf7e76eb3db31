//! The event store: an append-only log of every published message, with a stream per
//! correlation id (the history a process manager is rebuilt from).
//!
//! The store keeps the whole *frontier* of a run and a *cursor*: the messages visible at
//! the simulation's current step. Re-executing a stretch of the run that is already
//! recorded (after stepping back to a checkpoint) only moves the cursor, so stepping back
//! and forth never loses the recorded future.

use crate::message::{Envelope, MessageType};
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
    /// 1-based number of the order, in placing order.
    pub order_no: u32,
    /// Positions in the log, ascending.
    pub seqs: Vec<u32>,
    /// Who follows this correlation, each follow from its position on (the last one
    /// whose `since` is reached applies).
    pub follows: Follows,
}

/// Append-only log with streams by correlation, and a cursor for time travel.
///
/// Subscriptions by correlation live here, with their stream: a follow is part of the
/// recorded run, so stepping back and forth keeps it right without copying it.
#[derive(Debug, Default, Clone)]
pub struct Store {
    log: ChunkedLog<Envelope>,
    publisher: Vec<u16>,
    streams: IdMap<Stream>,
    orders: Vec<Uuid>,
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

    /// Whether a message with this id is published by the current step (known only to
    /// an idempotent store; `false` otherwise).
    pub fn holds(&self, id: &Uuid) -> bool {
        self.ids.as_ref().and_then(|ids| ids.get(id)).is_some_and(|&s| (s as usize) < self.cursor)
    }

    /// From the current position on, `actor` hears the messages of correlation
    /// `correlation_id` whose type bit is in `mask` (a mask of 0 forgets it).
    pub fn follow(&mut self, correlation_id: Uuid, actor: u16, mask: u32) {
        let since = self.cursor as u32;
        let stream = self.streams.entry(correlation_id).or_default();
        let follow = Follower { actor, mask, since };
        // re-executing a recorded stretch finds the follow there already (a diverging
        // run forgets the follows after its cursor in `truncate_frontier`)
        if !stream.follows.as_slice().contains(&follow) {
            stream.follows.push(follow);
        }
    }

    /// The follower of `env`'s correlation who hears it, if any.
    pub fn follower_of(&self, env: &Envelope) -> Option<u16> {
        self.streams.get(&env.correlation_id)?.follows.hearer(self.cursor, env.message_type().bit())
    }

    /// Correlations followed by the current step.
    pub fn followed(&self) -> usize {
        self.streams.values().filter(|s| s.follows.at(self.cursor).is_some_and(|f| f.mask != 0)).count()
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

    /// The message at `seq`, if published by the current step.
    pub fn get(&self, seq: usize) -> Option<&Envelope> {
        if seq < self.cursor {
            self.log.get(seq)
        } else {
            None
        }
    }

    /// The message at `seq` in the whole known run, even beyond the cursor.
    pub fn frontier_get(&self, seq: usize) -> Option<&Envelope> {
        self.log.get(seq)
    }

    /// The seqs of one correlation's messages in the whole known run.
    pub fn frontier_stream(&self, correlation_id: &Uuid) -> &[u32] {
        self.streams.get(correlation_id).map_or(&[], |s| &s.seqs)
    }

    /// Index of the actor that published `seq`.
    pub fn publisher(&self, seq: usize) -> Option<u16> {
        self.publisher.get(seq).copied()
    }

    /// Every message published by the current step, in order.
    pub fn messages(&self) -> impl Iterator<Item = &Envelope> {
        self.log.iter_to(self.cursor)
    }

    /// Appends a publication and returns its seq. When the cursor is behind the frontier
    /// (re-execution) the message is already recorded and only the cursor moves.
    pub fn append(&mut self, env: Envelope, publisher: u16) -> u32 {
        self.append_followed(env, publisher).0
    }

    /// [`Store::append`], also returning the follower of the message's correlation who
    /// hears it ([`Store::follower_of`] just before the append), in one look-up.
    pub fn append_followed(&mut self, env: Envelope, publisher: u16) -> (u32, Option<u16>) {
        let seq = self.cursor;
        self.cursor += 1;
        let bit = env.message_type().bit();
        if seq < self.log.len() {
            debug_assert_eq!(self.log.get(seq).map(|e| e.id), Some(env.id), "re-execution diverged from the record");
            return (seq as u32, self.streams.get(&env.correlation_id).and_then(|s| s.follows.hearer(seq, bit)));
        }
        // an order's stream holds about twenty messages: room for them at once
        let stream = self
            .streams
            .entry(env.correlation_id)
            .or_insert_with(|| Stream { seqs: Vec::with_capacity(20), ..Stream::default() });
        let follower = stream.follows.hearer(seq, bit);
        if env.message_type() == MessageType::OrderPlaced {
            self.orders.push(env.correlation_id);
            stream.order_no = self.orders.len() as u32;
        }
        stream.seqs.push(seq as u32);
        if let Some(ids) = &mut self.ids {
            ids.insert(env.id, seq as u32);
        }
        self.log.push(env);
        self.publisher.push(publisher);
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
            for stream in self.streams.values_mut() {
                stream.follows.retain(|f| f.since <= cursor);
            }
        }
        while self.log.len() > self.cursor {
            let env = self.log.pop().expect("log is longer than the cursor");
            self.publisher.pop();
            let corr = env.correlation_id;
            if let Some(stream) = self.streams.get_mut(&corr) {
                stream.seqs.pop();
                if stream.seqs.is_empty() {
                    self.streams.remove(&corr);
                }
            }
            if let Some(ids) = &mut self.ids {
                ids.remove(&env.id);
            }
            if env.message_type() == MessageType::OrderPlaced {
                self.orders.pop();
            }
        }
    }

    /// The seqs of one correlation's messages published by the current step.
    pub fn stream(&self, correlation_id: &Uuid) -> &[u32] {
        match self.streams.get(correlation_id) {
            Some(stream) => {
                let visible = stream.seqs.partition_point(|&s| (s as usize) < self.cursor);
                &stream.seqs[..visible]
            }
            None => &[],
        }
    }

    /// The 1-based order number of a correlation, if its `OrderPlaced` is published.
    pub fn order_no(&self, correlation_id: &Uuid) -> Option<u32> {
        let stream = self.streams.get(correlation_id)?;
        let first = *stream.seqs.first()?;
        ((first as usize) < self.cursor && stream.order_no > 0).then_some(stream.order_no)
    }

    /// Correlation ids of the orders placed by the current step, in placing order.
    pub fn orders(&self) -> impl Iterator<Item = &Uuid> {
        let cursor = self.cursor;
        let streams = &self.streams;
        self.orders
            .iter()
            .take_while(move |c| streams.get(*c).and_then(|s| s.seqs.first()).is_some_and(|&s| (s as usize) < cursor))
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
        store.append(env(1, 10, timed_out()), 0);
        store.follow(corr, 1, cooked);
        store.append(env(2, 10, timed_out()), 0);
        store.follow(corr, 1, 0);
        store.append(env(3, 10, timed_out()), 0);
        store.follow(corr, 1, cooked);
        assert!(matches!(store.streams[&corr].follows, Follows::Spilled(_)));
        assert_eq!(store.follower_of(&env(4, 10, timed_out())), Some(1));
        store.set_cursor(2);
        assert_eq!(store.follower_of(&env(4, 10, timed_out())), None, "the forget at position 2 applies");
        store.set_cursor(1);
        assert_eq!(store.follower_of(&env(4, 10, timed_out())), Some(1));
        store.truncate_frontier();
        assert_eq!(store.streams[&corr].follows.as_slice().len(), 1);
        assert!(matches!(store.streams[&corr].follows, Follows::Inline(_, 1)));
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
        store.append(env(1, 10, timed_out()), 0);
        store.append(env(2, 20, timed_out()), 0);
        store.append(env(3, 10, timed_out()), 0);
        assert_eq!(store.stream(&Uuid::from_u128(10)), &[0, 2]);
        store.set_cursor(1);
        assert_eq!(store.stream(&Uuid::from_u128(10)), &[0]);
        assert_eq!(store.stream(&Uuid::from_u128(20)), &[] as &[u32]);
        assert_eq!(store.len(), 1);
        assert_eq!(store.frontier_len(), 3);
        // re-execution moves the cursor without appending twice
        store.append(env(2, 20, timed_out()), 0);
        assert_eq!(store.frontier_len(), 3);
        store.truncate_frontier();
        assert_eq!(store.frontier_len(), 2);
        assert_eq!(store.stream(&Uuid::from_u128(10)), &[0]);
    }
}
