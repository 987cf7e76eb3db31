//! Running without keeping the done orders: for a run nobody steps back through (the
//! command line's report and run file), which then holds its live orders, not its log.

use super::World;
use std::convert::Infallible;
use std::ops::Range;

/// How many messages are published between two looks for done orders (one chunk of the
/// store's log: what it frees at a time).
const FORGET_EVERY: usize = 1 << 16;

impl World {
    /// Forgets the messages of the orders that are done: ended, with nothing in flight
    /// (in a mailbox, pending publication or delayed delivery) belonging to them. See
    /// [`crate::store::Store::forget_done`]; returns its bound.
    ///
    /// Nothing is forgotten in a run with inputs (a person's input may name any message).
    /// A world that forgot cannot step back, and its whole history is no longer there to
    /// read: what it forgot was handed out as it was published ([`World::run_forgetting`]).
    pub fn forget_done(&mut self) -> u32 {
        if !self.inputs.is_empty() {
            return 0;
        }
        let (start, _) = self.in_flight_start();
        self.store.forget_done(start)
    }

    /// The earliest stream start of anything in flight (`u32::MAX`: nothing is), and how
    /// many things in flight were looked at.
    fn in_flight_start(&self) -> (u32, usize) {
        let store = &self.store;
        let (mut start, mut seen) = (u32::MAX, 0);
        let mut reach = |s: Option<u32>| {
            start = start.min(s.unwrap_or(u32::MAX));
            seen += 1;
        };
        for mailbox in self.st.mail.iter() {
            mailbox.iter().for_each(|m| reach(store.stream_start(m.seq)));
        }
        self.st.delayed.iter().for_each(|d| reach(store.stream_start(d.seq)));
        for (_, parked) in self.st.scheduler.pending() {
            reach(store.stream_start_of(&parked.env.correlation_id));
            if let Some(cause) = parked.cause {
                reach(store.stream_start(cause));
            }
        }
        (start, seen)
    }

    /// Runs until nothing is left to do, handing each message to `published` as it is
    /// published (its positions, in order, every one once, from the first), and forgetting
    /// the done orders as it goes ([`World::forget_done`]). Returns the steps taken, or
    /// the first error `published` gave (the run stops there).
    ///
    /// ```
    /// use brigade::{scenario::Config, sim::World};
    /// let cfg = Config { orders: 5, ..Config::default() };
    /// let mut kept = World::new(cfg.clone()).unwrap();
    /// kept.run_to_idle();
    /// let mut running = World::new(cfg).unwrap();
    /// let mut ids = Vec::new();
    /// running
    ///     .run_forgetting(|w, seqs| {
    ///         ids.extend(seqs.map(|s| w.store().id(s).unwrap()));
    ///         Ok::<(), ()>(())
    ///     })
    ///     .unwrap();
    /// assert_eq!(ids, kept.store().messages().map(|e| e.id).collect::<Vec<_>>());
    /// ```
    pub fn run_forgetting<E>(
        &mut self,
        mut published: impl FnMut(&World, Range<usize>) -> Result<(), E>,
    ) -> Result<usize, E> {
        let (mut seen, mut steps) = (0, 0);
        let mut next_forget = FORGET_EVERY;
        loop {
            let len = self.store.len();
            if len > seen {
                published(self, seen..len)?;
                seen = len;
            }
            if seen >= next_forget && self.inputs.is_empty() {
                // looking costs one look-up per thing in flight: looking again only after
                // four times as many messages keeps it under a quarter of a look-up a
                // message, whatever the backlog (a burst of orders keeps all of them live)
                let (start, looked_at) = self.in_flight_start();
                self.store.forget_done(start);
                next_forget = seen + FORGET_EVERY.max(4 * looked_at);
            }
            if self.step().is_none() {
                break;
            }
            steps += 1;
        }
        let len = self.store.len();
        if len > seen {
            published(self, seen..len)?;
        }
        Ok(steps)
    }

    /// [`World::run_to_idle`], forgetting the done orders as it goes
    /// ([`World::run_forgetting`]): for a report of a long run.
    pub fn run_to_idle_forgetting(&mut self) -> usize {
        match self.run_forgetting(|_, _| Ok::<(), Infallible>(())) {
            Ok(steps) => steps,
            Err(never) => match never {},
        }
    }
}
