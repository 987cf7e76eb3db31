//! A side log kept along the whole known run: the faults, the printed receipts, the
//! completion times, the queue-length samples (their intervals; the values beside them),
//! the trace's steps and outputs. The current step sees a prefix of it, as long as a
//! counter that the checkpoints carry; stepping back moves only that counter, and stepping
//! forward again over the recorded run finds each entry already there. An input forgets
//! the future by truncating the log to the counter.

use crate::store::ChunkedLog;
use std::marker::PhantomData;

/// Where a side log keeps its entries: a vector, or the store's chunked log (the trace's
/// steps and outputs, which grow with the run).
pub trait Storage<T>: Default {
    /// Entries stored.
    fn len(&self) -> usize;
    /// Whether it stores none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Appends `item`.
    fn push(&mut self, item: T);
    /// Keeps the first `n` entries.
    fn truncate(&mut self, n: usize);
    /// Entry `i`.
    fn get(&self, i: usize) -> Option<&T>;
    /// Entry `i`, to change it.
    fn get_mut(&mut self, i: usize) -> Option<&mut T>;
}

impl<T> Storage<T> for Vec<T> {
    #[inline]
    fn len(&self) -> usize {
        Vec::len(self)
    }
    #[inline]
    fn push(&mut self, item: T) {
        Vec::push(self, item);
    }
    fn truncate(&mut self, n: usize) {
        Vec::truncate(self, n);
    }
    #[inline]
    fn get(&self, i: usize) -> Option<&T> {
        <[T]>::get(self, i)
    }
    #[inline]
    fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        <[T]>::get_mut(self, i)
    }
}

impl<T> Storage<T> for ChunkedLog<T> {
    #[inline]
    fn len(&self) -> usize {
        ChunkedLog::len(self)
    }
    #[inline]
    fn push(&mut self, item: T) {
        ChunkedLog::push(self, item);
    }
    fn truncate(&mut self, n: usize) {
        ChunkedLog::truncate(self, n);
    }
    #[inline]
    fn get(&self, i: usize) -> Option<&T> {
        ChunkedLog::get(self, i)
    }
    #[inline]
    fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        ChunkedLog::get_mut(self, i)
    }
}

/// One side log of the known run, its entries kept in `S` (a vector unless it says).
#[derive(Debug, Clone)]
pub struct Recorded<T, S = Vec<T>> {
    items: S,
    entry: PhantomData<T>,
}

impl<T, S: Storage<T>> Default for Recorded<T, S> {
    fn default() -> Self {
        Recorded { items: S::default(), entry: PhantomData }
    }
}

impl<T, S: Storage<T>> Recorded<T, S> {
    /// Records `item` as entry number `*seen` (the current step's count) and counts it. An
    /// entry already recorded there (the recorded run stepped through again, which makes
    /// the same entry) is kept. Returns whether the entry was new.
    #[inline]
    pub fn record(&mut self, seen: &mut usize, item: T) -> bool {
        let new = *seen >= self.items.len();
        if new {
            self.items.push(item);
        }
        *seen += 1;
        new
    }

    /// Forgets the entries past the first `seen` (an input changed the future).
    pub fn truncate(&mut self, seen: usize) {
        self.items.truncate(seen);
    }

    /// Entries in the known run.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the known run has none.
    pub fn is_empty(&self) -> bool {
        Storage::is_empty(&self.items)
    }

    /// Entry `i` of the known run.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        self.items.get(i)
    }

    /// Entry `i` of the known run, to change it in place (a trace output once published).
    #[inline]
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.items.get_mut(i)
    }
}

impl<T> Recorded<T> {
    /// Records `item` as entry number `*seen` and counts it, replacing an entry already
    /// recorded there (for an entry that may differ from the recorded run's).
    pub fn record_anew(&mut self, seen: &mut usize, item: T) {
        match self.items.get_mut(*seen) {
            Some(old) => *old = item,
            None => self.items.push(item),
        }
        *seen += 1;
    }

    /// The entries the current step sees (the first `seen`).
    #[inline]
    pub fn seen(&self, seen: usize) -> &[T] {
        &self.items[..seen.min(self.items.len())]
    }

    /// Every entry of the known run, past the current step too.
    pub fn known(&self) -> &[T] {
        &self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepping_back_and_forward_keeps_the_entries_and_an_input_forgets_the_future() {
        let mut log = Recorded::default();
        let mut seen = 0;
        for x in [10, 20, 30] {
            log.record(&mut seen, x);
        }
        assert_eq!(log.seen(seen), &[10, 20, 30]);
        // back to a checkpoint that had seen one entry, then forward again
        seen = 1;
        assert_eq!(log.seen(seen), &[10]);
        log.record(&mut seen, 99);
        assert_eq!(log.seen(seen), &[10, 20], "the recorded entry is kept");
        assert_eq!(log.known(), &[10, 20, 30]);
        log.record_anew(&mut seen, 77);
        assert_eq!(log.known(), &[10, 20, 77], "replaced");
        log.truncate(seen);
        assert_eq!(log.known(), &[10, 20, 77]);
        seen = 1;
        log.truncate(seen);
        assert_eq!(log.known(), &[10]);
        log.record(&mut seen, 5);
        assert_eq!(log.known(), &[10, 5]);
    }
}
