//! Forgetting the messages of done orders, for a run nobody steps back through (the
//! command line's report, and `--format json`, which writes each message as it is
//! published): a long run then holds its live orders, not its whole log.
//!
//! An order is *done* when its stream holds an `OrderCompleted` or an `OrderDropped` and
//! nothing in flight belongs to it (the executor names the earliest stream anything in
//! flight belongs to: see `World::forget_done`). The streams lie in the order they began,
//! so the done orders before the first one that is not done form a prefix; every message
//! before that order's first one can go. The log frees them a whole chunk at a time; a
//! done order's stream keeps its id, when it began, its first and its last position
//! (what the report and the order numbers read), not the positions between.
//!
//! Why nothing forgotten is read again: a handler reads the message delivered to it and
//! its order's stream, and a publication reads its cause and its order's stream; each of
//! these belongs to something in flight, whose stream starts at or after the bound.

use super::{Follows, Store};
use uuid::Uuid;

/// How far a store has forgotten.
#[derive(Debug, Clone, Default)]
pub(super) struct Forgotten {
    /// Every stream before this one is done, and keeps only its first and last position.
    streams: usize,
    /// Every position before this one belonged to a done order when it was forgotten.
    below: u32,
}

impl Store {
    /// The first position of the stream that holds the message at `seq`.
    pub fn stream_start(&self, seq: u32) -> Option<u32> {
        let r = self.log.get(seq as usize)?;
        let index = self.stream_index(seq as usize, r);
        self.streams.get(index as usize)?.seqs.first().copied()
    }

    /// The first position of `correlation_id`'s stream.
    pub fn stream_start_of(&self, correlation_id: &Uuid) -> Option<u32> {
        self.stream_of(correlation_id)?.seqs.first().copied()
    }

    /// Forgets the messages of the done orders, all of whose messages lie before
    /// `in_flight`: the earliest stream start of anything in flight (`u32::MAX`: nothing
    /// is). Returns the bound: every position before it belongs to a done order.
    ///
    /// Only for a store at its frontier that will not step back: a forgotten message reads
    /// as absent. The order numbers, [`Store::order_no`], [`Store::orders`] and
    /// [`Store::ended`] stay right.
    pub fn forget_done(&mut self, in_flight: u32) -> u32 {
        debug_assert_eq!(self.cursor, self.log.len(), "a store forgets only at its frontier");
        let mut k = self.forgotten.streams;
        let bound = loop {
            let Some(stream) = self.streams.get(k) else { break in_flight.min(self.cursor as u32) };
            let Some(&first) = stream.seqs.first() else { break in_flight.min(self.cursor as u32) };
            let ended = stream
                .seqs
                .iter()
                .rev()
                .any(|&q| self.log.get(q as usize).is_some_and(|r| r.message_type().is_terminal()));
            if first >= in_flight || !ended {
                break first.min(in_flight);
            }
            k += 1;
        };
        // the done streams keep their first and last positions
        for i in self.forgotten.streams..k {
            let stream = self.streams.get_mut(i).expect("walked above");
            if let (Some(&first), Some(&last)) = (stream.seqs.first(), stream.seqs.last()) {
                stream.seqs = if first == last { vec![first] } else { vec![first, last] };
            }
            stream.follows = Follows::default();
        }
        self.forgotten.streams = k;
        self.forgotten.below = self.forgotten.below.max(bound);
        let (ids, wide) = (&mut self.ids, &mut self.wide);
        self.log.free_before(bound as usize, |seq, r| {
            if let Some(ids) = ids {
                ids.remove(&r.id);
            }
            if r.headers.stream().is_none() {
                wide.remove(&(seq as u32));
            }
        });
        bound
    }

    /// Whether `correlation_id`'s order has ended (its stream holds an `OrderCompleted` or
    /// an `OrderDropped` published by the current step), forgotten or not.
    pub fn ended(&self, correlation_id: &Uuid) -> bool {
        match self.index_of(correlation_id) {
            Some(i) if (i as usize) < self.forgotten.streams => true,
            _ => self
                .stream(correlation_id)
                .iter()
                .any(|&s| self.message_type(s as usize).is_some_and(|t| t.is_terminal())),
        }
    }

    /// Whether any message was forgotten ([`Store::forget_done`]).
    pub fn has_forgotten(&self) -> bool {
        self.forgotten.streams > 0
    }
}
