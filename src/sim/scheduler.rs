//! Publications decided but not yet due: a handler's answers wait until its work is
//! done, an alarm until it rings. Earliest first; ties in the order they were decided.

use crate::bus::ActorId;
use crate::message::Envelope;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// When a decided message is due, and where it waits (its slot in `Scheduler::parked`).
/// Ordered so that `BinaryHeap` (a max-heap) pops the earliest first; ties in decision
/// order. 16 bytes, so the heap moves little.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Due {
    at: u64,
    order: u32,
    slot: u32,
}

impl Due {
    fn at(&self) -> u64 {
        self.at
    }

    fn key(&self) -> (u64, u32) {
        (self.at, self.order)
    }
}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// A decided message waiting to be published.
#[derive(Debug, Clone, PartialEq)]
pub struct Parked {
    /// The message, headers set.
    pub env: Envelope,
    /// Who publishes it.
    pub publisher: ActorId,
    /// Its index among the trace's step outputs.
    pub output: u32,
    /// Store position of the message it answers (none: it starts an order).
    pub cause: Option<u32>,
}

/// The pending publications of a run.
#[derive(Debug, Clone, Default)]
pub struct Scheduler {
    pending: BinaryHeap<Due>,
    parked: Vec<Option<Parked>>,
    free_slots: Vec<u32>,
    decided: u32,
}

impl Scheduler {
    /// Holds `parked` until simulated time `at`.
    pub fn schedule(&mut self, at: u64, parked: Parked) {
        // decision order only breaks ties between messages due at the same moment
        self.decided = self.decided.wrapping_add(1);
        let slot = match self.free_slots.pop() {
            Some(slot) => {
                self.parked[slot as usize] = Some(parked);
                slot
            }
            None => {
                self.parked.push(Some(parked));
                (self.parked.len() - 1) as u32
            }
        };
        self.pending.push(Due { at, order: self.decided, slot });
    }

    /// When the next publication is due (`u64::MAX`: none).
    pub fn next_at(&self) -> u64 {
        self.pending.peek().map_or(u64::MAX, |p| p.at())
    }

    /// Takes the earliest publication out, with its due time.
    pub fn pop(&mut self) -> Option<(u64, Parked)> {
        let due = self.pending.pop()?;
        let parked = self.parked[due.slot as usize].take()?;
        self.free_slots.push(due.slot);
        Some((due.at(), parked))
    }

    /// The pending publication decided as output `output`, with its due time.
    pub fn find(&self, output: u32) -> Option<(u64, &Parked)> {
        self.pending.iter().find_map(|due| {
            let p = self.parked.get(due.slot as usize)?.as_ref()?;
            (p.output == output).then_some((due.at, p))
        })
    }

    /// Every pending publication with its due time, earliest first.
    pub fn pending(&self) -> Vec<(u64, &Parked)> {
        let mut found: Vec<((u64, u32), &Parked)> = self
            .pending
            .iter()
            .filter_map(|due| Some((due.key(), self.parked.get(due.slot as usize)?.as_ref()?)))
            .collect();
        found.sort_by_key(|&(key, _)| key);
        found.into_iter().map(|((at, _), p)| (at, p)).collect()
    }

    /// About how many heap bytes the pending publications take.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.pending.len() * size_of::<Due>()
            + self.parked.len() * size_of::<Option<Parked>>()
            + self.free_slots.len() * size_of::<u32>()
    }

    /// How many publications are pending.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}
