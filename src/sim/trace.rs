//! The trace: what every step did — who handled which message, when, and what it
//! decided (each output with its due time and, once published, its place in the store).

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

/// A trace record packed into 24 bytes: `at_ms << 16 | actor`, `seq` with the copy in
/// its top bit, `log_end` and `outputs_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PackedRecord {
    at_actor: u64,
    seq_copy: u32,
    log_end: u32,
    outputs_end: u32,
}

impl PackedRecord {
    fn pack(r: TraceRecord) -> Self {
        PackedRecord {
            at_actor: (r.at_ms << 16) | r.actor as u64,
            seq_copy: if r.seq >= TAIL { r.seq } else { r.seq | ((r.copy as u32) << 31) },
            log_end: r.log_end,
            outputs_end: r.outputs_end,
        }
    }

    fn unpack(self) -> TraceRecord {
        let (seq, copy) = if self.seq_copy >= TAIL {
            (self.seq_copy, 0)
        } else {
            (self.seq_copy & !(1 << 31), (self.seq_copy >> 31) as u8)
        };
        TraceRecord {
            at_ms: self.at_actor >> 16,
            seq,
            log_end: self.log_end,
            actor: self.at_actor as u16,
            copy,
            outputs_end: self.outputs_end,
        }
    }
}

/// The recorded steps of a run and their outputs (the whole known run: the frontier).
#[derive(Debug, Clone, Default)]
pub struct Trace {
    records: ChunkedLog<PackedRecord>,
    outputs: ChunkedLog<OutputRecord>,
}

impl Trace {
    /// Steps recorded.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no step is recorded.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Step number `i + 1`.
    pub fn get(&self, i: usize) -> Option<TraceRecord> {
        self.records.get(i).map(|r| r.unpack())
    }

    /// Records step `i + 1` (or, re-executing, checks it against the record). Returns
    /// whether it was new.
    pub fn record(&mut self, i: usize, record: TraceRecord) -> bool {
        let packed = PackedRecord::pack(record);
        if i >= self.records.len() {
            self.records.push(packed);
            true
        } else {
            debug_assert_eq!(self.records.get(i), Some(&packed), "re-execution diverged from the trace");
            false
        }
    }

    /// Outputs recorded.
    pub fn outputs_len(&self) -> usize {
        self.outputs.len()
    }

    /// Records output number `k` (or leaves it, re-executing).
    pub fn record_output(&mut self, k: usize, output: OutputRecord) {
        if k >= self.outputs.len() {
            self.outputs.push(output);
        }
    }

    /// Output number `k`.
    pub fn output(&self, k: usize) -> Option<OutputRecord> {
        self.outputs.get(k).copied()
    }

    /// Output `k` was published at `seq` (or absorbed).
    pub fn published(&mut self, k: usize, seq: u32) {
        if let Some(o) = self.outputs.get_mut(k) {
            o.seq = seq;
        }
    }

    /// Keeps the first `steps` steps and their outputs.
    pub fn truncate(&mut self, steps: usize) {
        let outputs = if steps == 0 { 0 } else { self.get(steps - 1).map_or(0, |r| r.outputs_end as usize) };
        self.records.truncate(steps);
        self.outputs.truncate(outputs);
    }
}
