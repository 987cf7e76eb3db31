//! A side log kept along the whole known run: the faults, the printed receipts, the
//! completion times, the queue-length samples (their intervals; the values beside them).
//! The current step sees a prefix of it, as long as a counter that the checkpoints carry;
//! stepping back moves only that counter, and stepping forward again over the recorded
//! run finds each entry already there. An input forgets the future by truncating the log
//! to the counter. (The trace's steps and outputs follow the same rule in
//! [`Trace`](super::trace::Trace), in the store's chunked log and with an untraced mode:
//! giving this type a storage parameter for them cost 0.4 % more instructions in the
//! hot loop, measured.)

/// One side log of the known run.
#[derive(Debug, Clone)]
pub struct Recorded<T> {
    items: Vec<T>,
}

impl<T> Default for Recorded<T> {
    fn default() -> Self {
        Recorded { items: Vec::new() }
    }
}

impl<T> Recorded<T> {
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
        self.items.is_empty()
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
