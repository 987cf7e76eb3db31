//! The trace: what every step did — who handled which message, when, and what it
//! decided (each output with its due time and, once published, its place in the store).

use super::recorded::Recorded;
use crate::bus::ActorId;
use crate::message::MessageType;
use crate::store::ChunkedLog;

/// `seq` of a trace record for the waiter taking an order.
pub const TAKE_ORDER: u32 = u32::MAX;
/// `seq` of a trace record for the run's tail (publications after the last delivery).
pub const TAIL: u32 = u32::MAX - 1;
/// `seq` of an output not published yet.
pub const NOT_PUBLISHED: u32 = u32::MAX;
/// `seq` of an output the idempotent store refused (it held the id already).
pub const ABSORBED: u32 = u32::MAX - 1;

/// One delivery, as recorded in the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceRecord {
    /// When the handler took the message.
    pub at_ms: u64,
    /// The message delivered ([`TAKE_ORDER`]: the waiter taking an order; [`TAIL`]: the
    /// run's tail published after its last delivery).
    pub seq: u32,
    /// Messages in the store once the step was done.
    pub log_end: u32,
    /// Who handled it.
    pub actor: ActorId,
    /// 1 for the second copy of a duplicated delivery.
    pub copy: u8,
    /// The step's outputs: `outputs_end` of the step before up to this.
    pub outputs_end: u32,
}

/// One output a handler decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputRecord {
    /// When it is (or was) published.
    pub at_ms: u64,
    /// Its position in the store; [`NOT_PUBLISHED`] or [`ABSORBED`].
    pub seq: u32,
    /// Its type.
    pub message_type: MessageType,
    /// For a hand-off (the dispatcher giving a message to a cook): who got it; `None`
    /// for a publication.
    pub handed_to: Option<ActorId>,
}

/// What the trace keeps of one output: its place in the store ([`NOT_PUBLISHED`],
/// [`ABSORBED`]), or, with [`HANDED`] set, the message a hand-off passed on. Due time
/// and type are read back from the store, the scheduler or the side tables, so an
/// output costs four bytes.
const HANDED: u32 = 1 << 31;

/// The recorded steps of a run and their outputs (the whole known run: the frontier).
///
/// A step takes 20 bytes (packed), an output 4. An [untraced](Trace::untraced) trace
/// only counts the steps (for a run nobody steps through, such as the command line's).
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Counts steps without recording them.
    untraced: bool,
    /// Steps counted, when untraced.
    counted: usize,
    steps: Recorded<Packed, ChunkedLog<Packed>>,
    outputs: Recorded<u32, ChunkedLog<u32>>,
    /// Hand-offs by output number (ascending): who got the message.
    handed: Vec<(u32, ActorId)>,
    /// Outputs the idempotent store absorbed: output number → (due time, type).
    absorbed: std::collections::BTreeMap<u32, (u64, MessageType)>,
}

/// One output as the trace holds it; [`crate::sim::World::step_outputs`] completes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputSlot {
    /// Published at this store position, or (`NOT_PUBLISHED`) still pending.
    Publication(u32),
    /// Refused by the idempotent store: when it was due, and its type.
    Absorbed(u64, MessageType),
    /// The dispatcher handed message `seq` to a cook.
    Handed {
        /// The message passed on.
        seq: u32,
        /// The cook.
        to: ActorId,
    },
}

/// A trace record in 20 bytes (aligned to 4): `at_ms << 16 | actor`, then `seq` with the
/// copy in its top bit, `log_end` and `outputs_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, packed(4))]
struct Packed {
    at_actor: u64,
    ends: [u32; 3],
}

impl Packed {
    fn of(r: &TraceRecord) -> Packed {
        let seq_copy = if r.seq >= TAIL { r.seq } else { r.seq | ((r.copy as u32) << 31) };
        Packed { at_actor: (r.at_ms << 16) | r.actor as u64, ends: [seq_copy, r.log_end, r.outputs_end] }
    }

    fn record(self) -> TraceRecord {
        let (at_actor, [seq_copy, log_end, outputs_end]) = (self.at_actor, self.ends);
        let (seq, copy) =
            if seq_copy >= TAIL { (seq_copy, 0) } else { (seq_copy & !(1 << 31), (seq_copy >> 31) as u8) };
        TraceRecord { at_ms: at_actor >> 16, seq, log_end, actor: at_actor as u16, copy, outputs_end }
    }
}

impl Trace {
    /// A trace that counts the steps but records neither them nor their outputs.
    pub fn untraced() -> Trace {
        Trace { untraced: true, ..Trace::default() }
    }

    /// Steps recorded (or counted).
    pub fn len(&self) -> usize {
        if self.untraced {
            self.counted
        } else {
            self.steps.len()
        }
    }

    /// Whether no step is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Step number `i + 1`.
    pub fn get(&self, i: usize) -> Option<TraceRecord> {
        self.steps.get(i).map(|p| p.record())
    }

    /// Records step `i + 1` (or, re-executing, checks it against the record). Returns
    /// whether it was new.
    #[inline]
    pub fn record(&mut self, i: usize, record: TraceRecord) -> bool {
        if self.untraced {
            self.counted = self.counted.max(i + 1);
            return i + 1 == self.counted;
        }
        let mut seen = i;
        let new = self.steps.record(&mut seen, Packed::of(&record));
        if !new {
            debug_assert_eq!(self.get(i), Some(record), "re-execution diverged from the trace");
        }
        new
    }

    /// Outputs recorded.
    pub fn outputs_len(&self) -> usize {
        self.outputs.len()
    }

    /// Records output number `k`, a publication not yet made (or leaves it, re-executing).
    pub fn record_output(&mut self, k: usize) {
        if !self.untraced {
            let mut seen = k;
            self.outputs.record(&mut seen, NOT_PUBLISHED);
        }
    }

    /// Records output number `k`, the hand-off of message `seq` to cook `to` (or leaves
    /// it, re-executing).
    pub fn record_hand_off(&mut self, k: usize, seq: u32, to: ActorId) {
        let mut seen = k;
        if !self.untraced && self.outputs.record(&mut seen, seq | HANDED) {
            self.handed.push((k as u32, to));
        }
    }

    /// Output number `k`.
    pub fn output(&self, k: usize) -> Option<OutputSlot> {
        let v = *self.outputs.get(k)?;
        if v == ABSORBED {
            let &(at, t) = self.absorbed.get(&(k as u32))?;
            return Some(OutputSlot::Absorbed(at, t));
        }
        if v != NOT_PUBLISHED && v & HANDED != 0 {
            let i = self.handed.binary_search_by_key(&(k as u32), |h| h.0).ok()?;
            return Some(OutputSlot::Handed { seq: v & !HANDED, to: self.handed[i].1 });
        }
        Some(OutputSlot::Publication(v))
    }

    /// Output `k` was published at `seq` (or, [`NOT_PUBLISHED`], is pending again).
    pub fn published(&mut self, k: usize, seq: u32) {
        if let Some(o) = self.outputs.get_mut(k) {
            *o = seq;
        }
    }

    /// Output `k`, due at `at_ms`, was absorbed by the idempotent store.
    pub fn absorbed(&mut self, k: usize, at_ms: u64, message_type: MessageType) {
        if let Some(o) = self.outputs.get_mut(k) {
            *o = ABSORBED;
            self.absorbed.insert(k as u32, (at_ms, message_type));
        }
    }

    /// Keeps the first `steps` steps and their outputs.
    pub fn truncate(&mut self, steps: usize) {
        self.counted = self.counted.min(steps);
        let outputs = if steps == 0 { 0 } else { self.get(steps - 1).map_or(0, |r| r.outputs_end as usize) };
        self.steps.truncate(steps);
        self.outputs.truncate(outputs);
        let keep = self.handed.partition_point(|h| (h.0 as usize) < outputs);
        self.handed.truncate(keep);
        self.absorbed.split_off(&(outputs as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_takes_twenty_bytes_and_reads_back_as_recorded() {
        assert_eq!(std::mem::size_of::<Packed>(), 20);
        let r = TraceRecord { at_ms: 1 << 40, seq: 7, log_end: 9, actor: 300, copy: 1, outputs_end: 12 };
        assert_eq!(Packed::of(&r).record(), r);
        let tail = TraceRecord { seq: TAIL, copy: 0, ..r };
        assert_eq!(Packed::of(&tail).record(), tail);
    }
}
