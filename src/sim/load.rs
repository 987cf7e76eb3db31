//! What each actor's queue and work add up to: messages taken, time busy, time waited in
//! the mailbox and the queue's length over time. From these the report reads throughput,
//! utilisation, the mean queue and the mean wait, and shows Little's law (the mean queue
//! is the throughput times the mean wait).

/// One actor's running totals (part of the world's moving state, snapshotted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    /// Messages handed to the actor (a message held back and taken again counts twice).
    pub handled: u32,
    /// The longest its queue has been.
    pub peak: u32,
    /// Messages taken from the mailbox for good (a message the dispatcher held back for
    /// want of a cook counts when it is handed on; one shed to make room, `drop-oldest`,
    /// counts as it leaves).
    pub taken: u32,
    /// Simulated ms spent working.
    pub busy_ms: u64,
    /// Simulated ms the messages taken waited in the mailbox, summed.
    pub waited_ms: u64,
    /// The queue's length integrated over time, in message·ms, up to `at`.
    pub queue_area: u64,
    /// The queue's length since `at`.
    pub queue_len: u32,
    /// When the queue last changed.
    pub at: u64,
    /// When the work taken last is done (its time after a moment is not worked yet then).
    pub done: u64,
}

impl Load {
    /// The queue is `len` long from `now` on.
    #[inline]
    pub fn queue(&mut self, now: u64, len: usize) {
        self.queue_area += self.queue_len as u64 * now.saturating_sub(self.at);
        self.queue_len = len as u32;
        self.peak = self.peak.max(len as u32);
        self.at = now;
    }

    /// A message that entered the mailbox at `since` was taken at `now` and kept the
    /// actor busy `service_ms`.
    #[inline]
    pub fn took(&mut self, now: u64, since: u64, service_ms: u64) {
        self.taken += 1;
        self.waited_ms += now.saturating_sub(since);
        self.busy_ms += service_ms;
        self.done = now + service_ms;
    }

    /// A message that entered the mailbox at `since` left it unworked at `now` (shed to
    /// make room): it counts as taken, with its wait, so that Little's law still holds.
    #[inline]
    pub fn left(&mut self, now: u64, since: u64) {
        self.taken += 1;
        self.waited_ms += now.saturating_sub(since);
    }

    /// Simulated ms worked by `now` (of the work in hand, only what is done by then).
    pub fn busy_until(&self, now: u64) -> u64 {
        self.busy_ms - self.done.saturating_sub(now).min(self.busy_ms)
    }

    /// The queue's area up to `now` (its length since the last change counted too).
    pub fn area_until(&self, now: u64) -> u64 {
        self.queue_area + self.queue_len as u64 * now.saturating_sub(self.at)
    }

    /// What these totals say over `elapsed_ms` of simulated time: see [`Rates`].
    pub fn rates(&self, now: u64, elapsed_ms: u64) -> Rates {
        let t = elapsed_ms.max(1) as f64;
        let taken = self.taken as f64;
        Rates {
            per_second: taken * 1000.0 / t,
            utilisation: self.busy_until(now) as f64 / t,
            mean_queue: self.area_until(now) as f64 / t,
            mean_wait_ms: if self.taken == 0 { 0.0 } else { self.waited_ms as f64 / taken },
        }
    }

    /// The totals between `earlier`, as they stood at `then`, and these at `now` (a window
    /// of the run: `--monitor`), its queue counted up to `now`.
    pub fn since(&self, earlier: &Load, then: u64, now: u64) -> Load {
        Load {
            handled: self.handled - earlier.handled,
            peak: self.peak,
            taken: self.taken - earlier.taken,
            busy_ms: self.busy_until(now) - earlier.busy_until(then),
            waited_ms: self.waited_ms - earlier.waited_ms,
            queue_area: self.area_until(now) - earlier.area_until(then),
            queue_len: 0,
            at: now,
            done: now,
        }
    }
}

/// An actor's throughput and queue over a stretch of simulated time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Messages taken per simulated second.
    pub per_second: f64,
    /// Share of the time spent working (0..=1).
    pub utilisation: f64,
    /// Mean queue length (time-weighted).
    pub mean_queue: f64,
    /// Mean time a message taken waited in the mailbox, in ms.
    pub mean_wait_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_by_hand() {
        // two messages enter at 0 and 100; taken at 100 (200 ms of work) and 300
        let mut l = Load::default();
        l.queue(0, 1);
        l.queue(100, 2);
        l.took(100, 0, 200);
        l.queue(100, 1);
        l.took(300, 100, 200);
        l.queue(300, 0);
        assert_eq!((l.taken, l.busy_ms, l.waited_ms), (2, 400, 300));
        assert_eq!(l.queue_area, 100 + 200, "one message 0..100, then one 100..300");
        let r = l.rates(500, 500);
        assert_eq!((r.per_second, r.utilisation, r.mean_wait_ms), (4.0, 0.8, 150.0));
        // at 400 the second message is half cooked: 300 ms worked of the 400
        assert_eq!(l.busy_until(400), 300);
        let window = l.since(&Load::default(), 0, 400);
        assert_eq!(window.rates(400, 400).utilisation, 0.75);
        // Little's law: the mean queue is the throughput times the mean wait
        assert!((r.mean_queue - r.per_second / 1000.0 * r.mean_wait_ms).abs() < 1e-9);
    }
}
