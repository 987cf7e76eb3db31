//! The canonical form of a world's state, for the explorer ([`crate::explore`]): a hash of
//! everything that decides the rest of a run and the rules it is judged by, with absolute
//! time taken out, so that two schedules reaching the same situation are explored once.
//!
//! What it includes, and why:
//! - every order's stream in the store, as message ids in stream order: ids derive from
//!   the causal chain (cause, handler, copy, position), so equal ids mean the same
//!   message; the process managers fold their order's stream, the cashier reads its
//!   balance from it, the idempotent store absorbs by id, and the rules judge it;
//! - the mailboxes (id, copy, and the rank of the enqueue number among all waiting mail,
//!   which breaks ties between actors), the orders still to take, the pending
//!   publications in their publication order (id, publisher, due time relative to now,
//!   and the fates a person chose for them), and the delayed deliveries (relative time);
//! - each actor's remaining busy time (relative to now), the cooks on duty and their
//!   cooking times, the dispatcher's rotation, the orders live in the house, the process
//!   version for new orders, and inputs not yet applied;
//! - time only relatively: an alarm's due time (in `PublishAt`) and each order's time to
//!   live, as offsets from now (an expired order's offset is clamped to -1, since only
//!   "expired or not" is ever asked).
//!
//! What it leaves out: absolute time, counters and statistics, the trace, samples and
//! receipts (they record the past and decide nothing), the global interleaving of
//! different orders' messages in the store (every reader reads one order's stream), the
//! house's follow masks (a function of the order's stream and whether it is live), and
//! the fault generator (the explorer runs with seeded faults off, so no draw changes a
//! delivery). The order generator is included only while orders remain to be taken.
//! A 128-bit hash stands for the state; a collision (odds about 2^-64 over millions of
//! states) could at worst skip one state.

use super::*;
use std::hash::{Hash, Hasher};

impl World {
    /// Feeds `h` the canonical form of the current state (see the module documentation).
    pub fn hash_state<H: Hasher>(&self, h: &mut H) {
        let now = self.st.now;
        let rel = |t: u64| t as i128 - now as i128;
        let store = &self.store;
        let id_of = |seq: u32| store.id(seq as usize).unwrap_or_default();
        let due_of = |body: &crate::message::Message| body.alarm().map(|alarm| rel(alarm.due_ms()));

        // orders: streams, time to live, live in the house
        let house = self.st.actors.iter().find_map(|a| match a {
            Actor::House(house) => Some(house),
            _ => None,
        });
        for corr in store.orders() {
            corr.hash(h);
            let stream = store.stream(corr);
            stream.len().hash(h);
            let mut ttl = None;
            for &s in stream {
                if let Some(env) = store.get(s as usize) {
                    env.id.hash(h);
                    if ttl.is_none() {
                        ttl = env.body.order().map(|o| rel(o.expires_at_ms).max(-1));
                    }
                }
            }
            ttl.hash(h);
            house.is_some_and(|house| house.get(corr).is_some()).hash(h);
        }

        // mailboxes, with the enqueue order across actors as ranks
        let mut enqs: Vec<u64> = self.st.mail.iter().flat_map(|m| m.iter().map(|m| m.enq)).collect();
        enqs.sort_unstable();
        let rank = |e: u64| enqs.partition_point(|&x| x < e);
        for (a, mail) in self.st.mail.iter().enumerate() {
            a.hash(h);
            rel(self.st.busy_until[a]).max(0).hash(h);
            mail.len().hash(h);
            for m in mail {
                id_of(m.seq).hash(h);
                m.copy.hash(h);
                rank(m.enq).hash(h);
                if let Some(body) = store.body(m.seq as usize) {
                    due_of(body).hash(h);
                }
            }
        }
        // the requests from outside waiting (their mail is ranked above)
        let mut waiting = 0;
        for actor in &self.st.actors {
            if let Actor::Waiter(w) = actor {
                waiting += w.orders.len();
                for r in &w.orders {
                    r.dodgy.hash(h);
                    r.correlation_id.hash(h);
                }
            }
        }
        let to_take = self.st.next_scheduled < self.cfg.orders || waiting > 0;
        to_take.hash(h);
        if to_take {
            format!("{:?}", self.st.order_rng).hash(h);
            if !self.cfg.arrivals.is_fixed() {
                format!("{:?}", self.st.arrival_rng).hash(h);
            }
            rel(self.scheduled_at().min(u64::MAX / 2)).hash(h);
        }

        // publications decided, not yet made, in the order they will be made
        for (at, p) in self.st.scheduler.pending() {
            rel(at).hash(h);
            p.env.id.hash(h);
            p.publisher.hash(h);
            due_of(&p.env.body).hash(h);
            for (_, actor, fate) in self.st.fates.iter().filter(|f| f.0 == p.output) {
                actor.hash(h);
                fate.key().hash(h);
            }
        }
        // deliveries a person delayed
        for d in &self.st.delayed {
            rel(d.at).hash(h);
            d.actor.hash(h);
            id_of(d.seq).hash(h);
            d.copy.hash(h);
        }

        // the actors' own state
        for actor in &self.st.actors {
            match actor {
                Actor::Cook(c) => c.ms.hash(h),
                Actor::Dispatcher(d) => (&d.on_duty, d.rotation).hash(h),
                Actor::AssistantManager(a) => a.ms.hash(h),
                Actor::Cashier(c) => c.ms.hash(h),
                _ => {}
            }
        }
        // the roles several workers share: who is on duty, and whose turn it is
        for share in &self.st.shares {
            (share.leader, &share.workers.on_duty, share.workers.rotation).hash(h);
        }
        // the failures' state: the inbox of the idempotent cooks, tries, marks, dead
        // letters, who is down (what the cached house holds is hashed by the house's
        // orders above: a crash empties it, and the rebuild decides the same)
        let f = &self.st.failures;
        let taken: Vec<Uuid> = f.taken.iter().map(|&s| id_of(s)).collect();
        taken.hash(h);
        for &(actor, seq, copy, tries) in &f.tries {
            (actor, id_of(seq), copy, tries).hash(h);
        }
        for &(seq, actor) in &f.poisoned {
            (id_of(seq), actor).hash(h);
        }
        for &(seq, copy, worker, tries) in &f.dead {
            (id_of(seq), copy, worker, tries).hash(h);
        }
        for &(actor, back) in &f.down {
            (actor, rel(back).max(0)).hash(h);
        }
        self.st.version.hash(h);
        self.inputs_pending().hash(h);
    }
}
