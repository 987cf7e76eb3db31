//! The event store: an append-only log of every published message, with a stream per
//! correlation id (the history a process manager is rebuilt from).
//!
//! The store keeps the whole *frontier* of a run and a *cursor*: the messages visible at
//! the simulation's current step. Re-executing a stretch of the run that is already
//! recorded (after stepping back to a checkpoint) only moves the cursor, so stepping back
//! and forth never loses the recorded future.

use crate::message::{CausationId, Delivered, Envelope, Message, MessageType};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use uuid::Uuid;

mod forget;

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
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_usize(&mut self, n: usize) {
        // the length prefix of a slice: ids all have the same
        self.0 ^= n as u64;
    }
}

/// A map keyed by message ids.
pub type IdMap<V> = HashMap<Uuid, V, BuildHasherDefault<IdHasher>>;

/// The low 64 bits of an id (random in a version-4 UUID but for its two variant bits).
fn low_half(id: &Uuid) -> u64 {
    id.as_u64_pair().1
}

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

    /// Frees every whole chunk below item `n`, handing each freed item to `gone` first.
    /// Positions do not move: a freed item reads as absent ([`ChunkedLog::get`] gives
    /// `None`) and the length stays.
    pub fn free_before(&mut self, n: usize, mut gone: impl FnMut(usize, &T)) {
        let whole = (n.min(self.len) >> CHUNK_BITS).min(self.chunks.len());
        for (c, chunk) in self.chunks[..whole].iter_mut().enumerate() {
            for (i, item) in chunk.iter().enumerate() {
                gone((c << CHUNK_BITS) + i, item);
            }
            *chunk = Vec::new();
        }
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
    /// Positions in the log, ascending.
    pub seqs: Vec<u32>,
    /// When its first message was published: its records keep their times from here.
    pub base_ms: u64,
    /// Who follows this correlation, each follow from its position on (the last one
    /// whose `since` is reached applies).
    pub follows: Follows,
}

/// A published message as the log keeps it, in 40 bytes where its envelope takes 72: its
/// id, its body and one word of headers ([`Packed`]) that stand for the correlation, the
/// causation, the publisher and the time.
#[derive(Debug, Clone)]
struct Record {
    id: Uuid,
    body: Message,
    headers: Packed,
}

/// The headers of a record, whole: its stream's number in `Store::streams`, the position
/// of the message that caused it, the actor that published it and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Headers {
    stream: u32,
    cause: Option<u32>,
    publisher: u16,
    at_ms: u64,
}

/// A record's headers in one word, relative to its stream: the stream's number (21 bits),
/// the cause's place among the stream's earlier messages + 1 (7 bits, 0: no cause), the
/// publisher (6 bits) and the time since the stream's first message (30 bits: 12 days).
/// Headers that do not fit (a cause in another stream, a 64th actor, a gap of 12 days,
/// a 2,097,151st stream) are kept whole in `Store::wide`, the word marked [`Packed::WIDE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed(u64);

const STREAM_BITS: u32 = 21;
const CAUSE_BITS: u32 = 7;
const PUBLISHER_BITS: u32 = 6;
const DELTA_BITS: u32 = 64 - STREAM_BITS - CAUSE_BITS - PUBLISHER_BITS;

impl Packed {
    /// The stream field's value marking headers kept whole.
    const WIDE: Packed = Packed((1 << STREAM_BITS) - 1);

    /// The word for these headers: `cause_place` is the cause's index among the stream's
    /// messages, `delta` the time since the stream's first message. `None` if one does
    /// not fit.
    fn of(stream: u32, cause_place: Option<usize>, publisher: u16, delta: u64) -> Option<Packed> {
        let cause = cause_place.map_or(0, |i| i as u64 + 1);
        let fits = (stream as u64) < Packed::WIDE.0
            && cause < (1 << CAUSE_BITS)
            && (publisher as u64) < (1 << PUBLISHER_BITS)
            && delta < (1 << DELTA_BITS);
        fits.then_some(Packed(
            stream as u64
                | cause << STREAM_BITS
                | (publisher as u64) << (STREAM_BITS + CAUSE_BITS)
                | delta << (STREAM_BITS + CAUSE_BITS + PUBLISHER_BITS),
        ))
    }

    /// The stream's number, or `None` for headers kept whole.
    fn stream(self) -> Option<u32> {
        let stream = self.0 & Packed::WIDE.0;
        (stream != Packed::WIDE.0).then_some(stream as u32)
    }

    /// The cause's place among the stream's messages + 1; 0: none.
    fn cause_place(self) -> usize {
        ((self.0 >> STREAM_BITS) & ((1 << CAUSE_BITS) - 1)) as usize
    }

    fn publisher(self) -> u16 {
        ((self.0 >> (STREAM_BITS + CAUSE_BITS)) & ((1 << PUBLISHER_BITS) - 1)) as u16
    }

    fn delta(self) -> u64 {
        self.0 >> (STREAM_BITS + CAUSE_BITS + PUBLISHER_BITS)
    }
}

impl Record {
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
    /// Where each correlation's stream is in `streams`, by the low half of its id (an entry
    /// of 12 bytes where the whole id takes 20: a million orders' index holds 25 MB, not
    /// 42). The streams lie in the order they began, recent orders together.
    index: HashMap<u64, u32, BuildHasherDefault<IdHasher>>,
    /// The rare correlation whose id's low half another already holds in `index`.
    index_rest: IdMap<u32>,
    streams: ChunkedLog<Stream>,
    /// The streams of the orders, in placing order.
    orders: Vec<u32>,
    cursor: usize,
    /// Position of every message by id (only for an idempotent store).
    ids: Option<IdMap<u32>>,
    /// The headers that do not fit in a record's word, by position (rare: see [`Packed`]).
    wide: HashMap<u32, Headers>,
    /// What a run nobody steps back through has forgotten (see `store/forget.rs`).
    forgotten: forget::Forgotten,
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

    /// The number of `correlation_id`'s stream.
    fn index_of(&self, correlation_id: &Uuid) -> Option<u32> {
        let i = *self.index.get(&low_half(correlation_id))?;
        if self.streams.get(i as usize).is_some_and(|s| s.id == *correlation_id) {
            Some(i)
        } else {
            self.index_rest.get(correlation_id).copied()
        }
    }

    fn stream_of(&self, correlation_id: &Uuid) -> Option<&Stream> {
        self.index_of(correlation_id).and_then(|i| self.streams.get(i as usize))
    }

    /// The number of `correlation_id`'s stream, found from the record at `near` when that
    /// message belongs to it (no hashing), else in the index.
    fn index_near(&self, correlation_id: &Uuid, near: Option<u32>) -> Option<u32> {
        near.and_then(|q| self.log.get(q as usize).map(|r| self.stream_index(q as usize, r)))
            .filter(|&i| self.streams.get(i as usize).is_some_and(|s| s.id == *correlation_id))
            .or_else(|| self.index_of(correlation_id))
    }

    /// The stream of `correlation_id` and its index, begun if it is new (looked for from
    /// the record at `near` first, as [`Store::index_near`] does).
    fn stream_entry(&mut self, correlation_id: Uuid, near: Option<u32>) -> (u32, &mut Stream) {
        let i = match self.index_near(&correlation_id, near) {
            Some(i) => i,
            None => {
                let i = self.streams.len() as u32;
                // an order's stream holds about twenty messages: room for them at once
                self.streams.push(Stream { id: correlation_id, seqs: Vec::with_capacity(20), ..Stream::default() });
                match self.index.entry(low_half(&correlation_id)) {
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(i);
                    }
                    std::collections::hash_map::Entry::Occupied(_) => {
                        self.index_rest.insert(correlation_id, i);
                    }
                }
                i
            }
        };
        (i, self.streams.get_mut(i as usize).expect("the index points at a stream"))
    }

    /// Forgets where `correlation_id`'s stream is.
    fn unindex(&mut self, correlation_id: &Uuid) {
        if self.index_rest.remove(correlation_id).is_some() {
            return;
        }
        let key = low_half(correlation_id);
        self.index.remove(&key);
        // an id of the same low half kept aside takes its place
        if let Some((&other, &i)) = self.index_rest.iter().find(|(o, _)| low_half(o) == key) {
            self.index_rest.remove(&other);
            self.index.insert(key, i);
        }
    }

    /// Whether a message with this id is published by the current step (known only to
    /// an idempotent store; `false` otherwise).
    pub fn holds(&self, id: &Uuid) -> bool {
        self.ids.as_ref().and_then(|ids| ids.get(id)).is_some_and(|&s| (s as usize) < self.cursor)
    }

    /// From the current position on, `actor` hears the messages of correlation
    /// `correlation_id` whose type bit is in `mask` (a mask of 0 forgets it).
    pub fn follow(&mut self, correlation_id: Uuid, actor: u16, mask: u32) {
        self.follow_near(correlation_id, actor, mask, None);
    }

    /// [`Store::follow`], the stream found from the record at `near` when that message
    /// belongs to it (the message the follower is handling), without hashing.
    pub fn follow_near(&mut self, correlation_id: Uuid, actor: u16, mask: u32, near: Option<u32>) {
        let since = self.cursor as u32;
        let (_, stream) = self.stream_entry(correlation_id, near);
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

    /// The headers of record `seq`, whole, and its stream (`None` only for a stream
    /// forgotten by a truncation, which cannot be reached from a kept record).
    #[inline]
    fn headers(&self, seq: usize, r: &Record) -> (Headers, Option<&Stream>) {
        let Some(index) = r.headers.stream() else { return self.wide_headers(seq) };
        let stream = self.streams.get(index as usize);
        let (base, cause) = match stream {
            Some(s) => (s.base_ms, r.headers.cause_place().checked_sub(1).and_then(|i| s.seqs.get(i)).copied()),
            None => (0, None),
        };
        let h = Headers { stream: index, cause, publisher: r.headers.publisher(), at_ms: base + r.headers.delta() };
        (h, stream)
    }

    /// The headers of record `seq` kept whole, and its stream.
    #[cold]
    fn wide_headers(&self, seq: usize) -> (Headers, Option<&Stream>) {
        let h = self.wide.get(&(seq as u32)).copied().unwrap_or(Headers {
            stream: u32::MAX,
            cause: None,
            publisher: 0,
            at_ms: 0,
        });
        (h, self.streams.get(h.stream as usize))
    }

    /// The number of record `seq`'s stream.
    #[inline]
    fn stream_index(&self, seq: usize, r: &Record) -> u32 {
        match r.headers.stream() {
            Some(index) => index,
            None => self.wide_headers(seq).0.stream,
        }
    }

    /// When record `seq` was published, `base` being when its stream began.
    fn at_ms_since(&self, seq: usize, r: &Record, base: u64) -> u64 {
        match r.headers.stream() {
            Some(_) => base + r.headers.delta(),
            None => self.wide_headers(seq).0.at_ms,
        }
    }

    /// When record `seq` was published.
    fn record_at_ms(&self, seq: usize, r: &Record) -> u64 {
        let base = r.headers.stream().and_then(|i| self.streams.get(i as usize)).map_or(0, |s| s.base_ms);
        self.at_ms_since(seq, r, base)
    }

    /// The envelope of record `seq`, its headers filled in from the streams and the log.
    #[inline]
    fn envelope(&self, seq: usize, r: &Record) -> Envelope {
        let (h, stream) = self.headers(seq, r);
        let cause = h.cause.and_then(|c| self.log.get(c as usize)).map(|c| c.id);
        Envelope {
            id: r.id,
            correlation_id: stream.map_or_else(Uuid::nil, |s| s.id),
            causation_id: cause.map_or(CausationId::NONE, CausationId::of),
            at_ms: h.at_ms,
            body: r.body.clone(),
        }
    }

    /// The message at `seq` as a handler reads it ([`Delivered`]), if published by the
    /// current step.
    #[inline]
    pub fn delivered(&self, seq: usize) -> Option<Delivered<'_>> {
        let r = self.visible(seq)?;
        let (h, stream) = self.headers(seq, r);
        Some(Delivered {
            seq: seq as u32,
            id: r.id,
            correlation_id: stream.map_or_else(Uuid::nil, |s| s.id),
            at_ms: h.at_ms,
            body: &r.body,
        })
    }

    /// The message at `seq`, if published by the current step.
    pub fn get(&self, seq: usize) -> Option<Envelope> {
        self.visible(seq).map(|r| self.envelope(seq, r))
    }

    /// The messages of one correlation published by the current step, in order, as a
    /// handler reads them (what a process manager is rebuilt from, without building
    /// envelopes). The stream is looked up once, from the record at `near` when that
    /// message belongs to it (no hashing).
    pub fn delivered_stream(
        &self,
        correlation_id: &Uuid,
        near: Option<u32>,
    ) -> impl Iterator<Item = Delivered<'_>> + '_ {
        let stream = self.index_near(correlation_id, near).and_then(|i| self.streams.get(i as usize));
        let (base, correlation_id) = stream.map_or((0, *correlation_id), |s| (s.base_ms, s.id));
        let seqs = stream.map_or(&[][..], |s| &s.seqs[..s.seqs.partition_point(|&q| (q as usize) < self.cursor)]);
        seqs.iter().filter_map(move |&seq| {
            let r = self.log.get(seq as usize)?;
            let at_ms = self.at_ms_since(seq as usize, r, base);
            Some(Delivered { seq, id: r.id, correlation_id, at_ms, body: &r.body })
        })
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
        self.visible(seq).map(|r| self.record_at_ms(seq, r))
    }

    /// The message at `seq` in the whole known run, even beyond the cursor.
    pub fn frontier_get(&self, seq: usize) -> Option<Envelope> {
        self.log.get(seq).map(|r| self.envelope(seq, r))
    }

    /// The type of the message at `seq` in the whole known run, even beyond the cursor.
    pub fn frontier_type(&self, seq: usize) -> Option<MessageType> {
        self.log.get(seq).map(Record::message_type)
    }

    /// The seqs of one correlation's messages in the whole known run.
    pub fn frontier_stream(&self, correlation_id: &Uuid) -> &[u32] {
        self.stream_of(correlation_id).map_or(&[], |s| &s.seqs)
    }

    /// Index of the actor that published `seq`.
    pub fn publisher(&self, seq: usize) -> Option<u16> {
        self.log
            .get(seq)
            .map(|r| r.headers.stream().map_or_else(|| self.wide_headers(seq).0.publisher, |_| r.headers.publisher()))
    }

    /// Every message published by the current step, in order (of a store that has
    /// forgotten nothing: see [`Store::forget_done`]).
    pub fn messages(&self) -> impl Iterator<Item = Envelope> + '_ {
        debug_assert!(!self.has_forgotten(), "the whole log is read only where nothing was forgotten");
        self.log.iter_to(self.cursor).enumerate().map(|(seq, r)| self.envelope(seq, r))
    }

    /// Appends a publication caused by the message at `cause` (none: it starts an order,
    /// or its cause is published by the same step, and is looked up in its stream) and
    /// returns its seq. When the cursor is behind the frontier (re-execution) the
    /// message is already recorded and only the cursor moves.
    pub fn append(&mut self, env: Envelope, cause: Option<u32>, publisher: u16) -> u32 {
        self.append_body(&env, env.body.clone(), cause, publisher).0
    }

    /// [`Store::append`] with the body given apart (moved in; `env.body` is not read: the
    /// executor takes it out of the parked message instead of cloning it), also returning
    /// the follower of the message's correlation who hears it ([`Store::follower_of`] just
    /// before the append), in one look-up.
    pub fn append_body(
        &mut self,
        env: &Envelope,
        body: Message,
        cause: Option<u32>,
        publisher: u16,
    ) -> (u32, Option<u16>) {
        let seq = self.cursor;
        self.cursor += 1;
        let bit = body.message_type().bit();
        if seq < self.log.len() {
            debug_assert_eq!(self.log.get(seq).map(|e| e.id), Some(env.id), "re-execution diverged from the record");
            return (seq as u32, self.stream_of(&env.correlation_id).and_then(|s| s.follows.hearer(seq, bit)));
        }
        let cause = match (cause, env.causation()) {
            (Some(c), _) => Some(c),
            (None, None) => None,
            // published by the same step as its cause (the waiter's command after its
            // OrderPlaced, without process managers): found in the order's stream
            (None, Some(id)) => self.stream_of(&env.correlation_id).and_then(|stream| {
                stream.seqs.iter().rev().find(|&&s| self.log.get(s as usize).is_some_and(|r| r.id == id)).copied()
            }),
        };
        debug_assert_eq!(
            cause.and_then(|c| self.log.get(c as usize)).map(|c| c.id),
            env.causation(),
            "the cause is the message at its position"
        );
        let placed = body.message_type() == MessageType::OrderPlaced;
        // a message almost always belongs to its cause's stream: found without hashing
        let known = cause
            .and_then(|c| self.log.get(c as usize).map(|r| self.stream_index(c as usize, r)))
            .filter(|&i| self.streams.get(i as usize).is_some_and(|s| s.id == env.correlation_id));
        let (index, stream) = match known {
            Some(i) => (i, self.streams.get_mut(i as usize).expect("checked above")),
            None => self.stream_entry(env.correlation_id, None),
        };
        let follower = stream.follows.hearer(seq, bit);
        if stream.seqs.is_empty() {
            stream.base_ms = env.at_ms;
        }
        // the cause is almost always one of the stream's latest messages
        let cause_place = cause.and_then(|c| stream.seqs.iter().rposition(|&s| s == c));
        let packed = env.at_ms.checked_sub(stream.base_ms).and_then(|delta| match (cause, cause_place) {
            (Some(_), None) => None,
            _ => Packed::of(index, cause_place, publisher, delta),
        });
        stream.seqs.push(seq as u32);
        if placed {
            self.orders.push(index);
        }
        if let Some(ids) = &mut self.ids {
            ids.insert(env.id, seq as u32);
        }
        let headers = packed.unwrap_or_else(|| {
            self.wide.insert(seq as u32, Headers { stream: index, cause, publisher, at_ms: env.at_ms });
            Packed::WIDE
        });
        self.log.push(Record { id: env.id, body, headers });
        (seq as u32, follower)
    }

    /// Moves the cursor (restoring a checkpoint). `n` must not pass the frontier.
    pub fn set_cursor(&mut self, n: usize) {
        debug_assert!(!self.has_forgotten(), "a store that forgot does not step back");
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
            let seq = self.log.len() - 1;
            let index = match self.log.get(seq) {
                Some(r) => self.stream_index(seq, r),
                None => break,
            };
            let r = self.log.pop().expect("log is longer than the cursor");
            self.wide.remove(&(seq as u32));
            if let Some(ids) = &mut self.ids {
                ids.remove(&r.id);
            }
            if r.message_type() == MessageType::OrderPlaced {
                self.orders.pop();
            }
            let Some(stream) = self.streams.get_mut(index as usize) else { continue };
            stream.seqs.pop();
            if stream.seqs.is_empty() && index as usize == self.streams.len() - 1 {
                // streams begin in log order: the one this message began is the last
                let gone = self.streams.pop().expect("the stream is there");
                self.unindex(&gone.id);
            }
        }
    }

    /// The seqs of one correlation's messages published by the current step.
    pub fn stream(&self, correlation_id: &Uuid) -> &[u32] {
        self.stream_near(correlation_id, None)
    }

    /// The stream of the order `msg` belongs to, published by the current step: found from
    /// where the store keeps `msg`, without hashing its correlation id. What handlers use:
    /// they never see store positions.
    #[inline]
    pub fn order_stream(&self, msg: &Delivered<'_>) -> &[u32] {
        self.stream_near(&msg.correlation_id, Some(msg.seq))
    }

    /// [`Store::stream`], found from the record at `near` when that message belongs to it
    /// (without hashing).
    pub fn stream_near(&self, correlation_id: &Uuid, near: Option<u32>) -> &[u32] {
        match self.index_near(correlation_id, near).and_then(|i| self.streams.get(i as usize)) {
            Some(stream) => {
                let visible = stream.seqs.partition_point(|&s| (s as usize) < self.cursor);
                &stream.seqs[..visible]
            }
            None => &[],
        }
    }

    /// The 1-based order number of a correlation, if its `OrderPlaced` is published.
    pub fn order_no(&self, correlation_id: &Uuid) -> Option<u32> {
        let index = self.index_of(correlation_id)?;
        let first = *self.streams.get(index as usize)?.seqs.first()?;
        if first as usize >= self.cursor {
            return None;
        }
        self.number_of(index)
    }

    /// The 1-based order number of stream `index`, if it holds an `OrderPlaced`.
    fn number_of(&self, index: u32) -> Option<u32> {
        // in a run every stream is an order's: stream k is order k + 1
        if self.orders.get(index as usize) == Some(&index) {
            return Some(index + 1);
        }
        // streams begin in log order and an order's with its OrderPlaced: `orders` ascends
        let place = match self.orders.binary_search(&index) {
            Ok(place) => Some(place),
            Err(_) => self.orders.iter().position(|&i| i == index),
        };
        place.map(|p| p as u32 + 1)
    }

    /// Correlation ids of the orders placed by the current step, in placing order.
    pub fn orders(&self) -> impl Iterator<Item = &Uuid> {
        self.orders_from(0)
    }

    /// [`Store::orders`] from the `from`-th on (0-based), without walking the ones before.
    pub fn orders_from(&self, from: usize) -> impl Iterator<Item = &Uuid> {
        let cursor = self.cursor;
        self.orders
            .get(from..)
            .unwrap_or_default()
            .iter()
            .filter_map(|&i| self.streams.get(i as usize))
            .take_while(move |s| s.seqs.first().is_some_and(|&s| (s as usize) < cursor))
            .map(|s| &s.id)
    }

    /// The 1-based number of the order the message at `seq` belongs to, if it is
    /// published by the current step and its stream began with an `OrderPlaced`.
    pub fn order_of(&self, seq: usize) -> Option<u32> {
        let (headers, _) = self.headers(seq, self.visible(seq)?);
        self.number_of(headers.stream)
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
    fn a_delivered_message_reads_as_its_envelope_without_the_causation() {
        let mut store = Store::new();
        store.append(Envelope { at_ms: 40, ..env(1, 10, timed_out()) }, None, 0);
        let answer = Envelope {
            at_ms: 90,
            causation_id: crate::message::CausationId::of(Uuid::from_u128(1)),
            ..env(2, 10, Message::OrderDropped { reason: crate::message::DropReason::Expired })
        };
        store.append(answer.clone(), Some(0), 2);
        let got = store.delivered(1).expect("published");
        assert_eq!((got.seq, got.id, got.correlation_id, got.at_ms), (1, answer.id, answer.correlation_id, 90));
        assert_eq!((got.body, got.message_type()), (&answer.body, MessageType::OrderDropped));
        store.set_cursor(1);
        assert_eq!(store.delivered(1), None, "beyond the cursor");
    }

    #[test]
    fn a_body_given_apart_is_the_one_kept_and_typed() {
        let mut store = Store::new();
        let corr = Uuid::from_u128(10);
        store.follow(corr, 3, MessageType::StepTimedOut.bit());
        // the envelope's own body (a placeholder) is not read
        let placeholder = env(1, 10, Message::OrderDropped { reason: crate::message::DropReason::Expired });
        assert_eq!(store.append_body(&placeholder, timed_out(), None, 0), (0, Some(3)), "typed by the body given");
        assert_eq!(store.get(0), Some(env(1, 10, timed_out())));
        assert_eq!(store.message_type(0), Some(MessageType::StepTimedOut));
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
    fn a_record_takes_40_bytes_and_gives_back_the_envelope() {
        assert_eq!(std::mem::size_of::<Record>(), if cfg!(target_pointer_width = "64") { 40 } else { 32 });
        if cfg!(target_pointer_width = "64") {
            assert_eq!(std::mem::size_of::<Stream>(), 80, "a stream per order");
        }
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
        let heard: Vec<_> = store
            .delivered_stream(&Uuid::from_u128(20), None)
            .map(|d| (d.seq, d.id, d.at_ms, d.message_type()))
            .collect();
        assert_eq!(heard[1], (2, Uuid::from_u128(3), 7, MessageType::StepTimedOut));
        assert_eq!(
            store.delivered_stream(&Uuid::from_u128(20), Some(0)).count(),
            2,
            "a `near` of another stream is ignored"
        );
        assert_eq!(store.stream_near(&Uuid::from_u128(20), Some(0)), &[1, 2], "found in the index instead");
        assert_eq!(store.stream_near(&Uuid::from_u128(20), Some(2)), &[1, 2]);
        assert_eq!(store.stream_near(&Uuid::from_u128(30), Some(2)), &[] as &[u32]);
        // a follow from a message of another stream still follows its own correlation
        store.follow_near(Uuid::from_u128(10), 5, MessageType::StepTimedOut.bit(), Some(2));
        let later = |id| Envelope {
            causation_id: crate::message::CausationId::of(Uuid::from_u128(1)),
            ..env(id, 10, timed_out())
        };
        assert_eq!(store.follower_of(&later(5)), Some(5));
        assert_eq!(store.follower_of(&Envelope { correlation_id: Uuid::from_u128(20), ..later(6) }), None);
        store.set_cursor(2);
        assert_eq!((store.at_ms(2), store.order_of(2)), (None, None), "beyond the cursor");
        assert_eq!(store.delivered_stream(&Uuid::from_u128(20), Some(1)).count(), 1);
    }

    #[test]
    fn correlations_whose_ids_share_a_low_half_keep_their_own_streams() {
        let mut store = Store::new();
        let a = Uuid::from_u64_pair(1, 5);
        let b = Uuid::from_u64_pair(2, 5);
        let at = |id: u128, corr: Uuid, store: &mut Store| {
            store.append(Envelope { correlation_id: corr, ..env(id, 0, timed_out()) }, None, 0)
        };
        at(100, a, &mut store);
        at(101, b, &mut store);
        at(102, a, &mut store);
        assert_eq!(store.stream(&a), &[0, 2]);
        assert_eq!(store.stream(&b), &[1]);
        assert_eq!(store.get(1).map(|e| e.correlation_id), Some(b));
        store.set_cursor(1);
        store.truncate_frontier();
        assert_eq!(store.stream(&b), &[] as &[u32]);
        store.set_cursor(0);
        store.truncate_frontier();
        assert_eq!((store.index.len(), store.index_rest.len()), (0, 0));
        at(103, b, &mut store);
        at(104, a, &mut store);
        assert_eq!((store.stream(&b), store.stream(&a)), (&[0][..], &[1][..]));
        assert_eq!(store.index_rest.len(), 1, "the second id of the low half waits aside");
        store.set_cursor(1);
        store.truncate_frontier();
        assert_eq!(store.stream(&b), &[0]);
        assert_eq!(store.index_rest.len(), 0);
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
