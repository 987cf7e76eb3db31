//! Publications, requests from outside and the fault layer: what enters the mailboxes.
//! The earliest publication, scheduled order or delayed delivery is carried out; each
//! delivery it makes passes the fate the seeded fault layer draws or a person chose.

use super::*;

impl World {
    /// A request from outside joins the queue of the actor that takes them, with its mail
    /// ([`TAKE_ORDER`]) in that actor's mailbox.
    pub(super) fn arrive(&mut self, request: Request) {
        let (entry, enq, since) = (self.entry as usize, self.next_mail(), self.st.now);
        self.st.actors[entry].arrive(request);
        self.st.mail.push_back(entry, Mail { seq: TAKE_ORDER, copy: 0, enq, since });
    }

    /// Carries out the earliest publication or scheduled order.
    pub(super) fn flush_one(&mut self) {
        self.tick_sampler();
        self.targets.clear();
        let redelivery = self.next_redelivery();
        if redelivery <= self.st.scheduler.next_at() && redelivery <= self.scheduled_at() {
            self.redeliver(redelivery);
            return;
        }
        if self.st.scheduler.next_at() > self.scheduled_at() {
            self.targets.push(self.entry);
            self.st.next_scheduled += 1;
            let (cfg, st) = (&self.cfg, &mut self.st);
            st.next_arrival = crate::arrivals::arrival(
                cfg.arrivals,
                st.next_scheduled,
                st.next_arrival,
                cfg.interval_ms,
                cfg.rush_size,
                &mut st.arrival_rng,
            );
            if self.bounds.door && self.door_closed() {
                // back-pressure: the customer is turned away, and no order starts
                self.st.stats.refused_at_door += 1;
            } else {
                self.arrive(Request { dodgy: None, correlation_id: None });
            }
            self.observe(self.entry);
            return;
        }
        // the parked message is read where it waits (it moves only into the log)
        let (store, bus, targets, completions) = (&mut self.store, &self.bus, &mut self.targets, &mut self.completions);
        let Volatile { scheduler, stats, .. } = &mut self.st;
        let published = scheduler.pop_with(|at, p| {
            let env = &mut p.env;
            env.at_ms = at;
            if store.holds(&env.id) {
                return Err((p.output, at, env.message_type()));
            }
            stats.publishing(env, store, p.cause, completions);
            bus.route(env, |a| targets.push(a));
            // the body moves into the log: the slot keeps a placeholder until it is freed
            let body = std::mem::replace(&mut env.body, Message::OrderDropped { reason: DropReason::Expired });
            let (seq, follower) = store.append_body(env, body, p.cause, p.publisher);
            Ok((seq, follower, p.output))
        });
        let (seq, follower, output) = match published {
            None => return,
            Some(Ok(published)) => published,
            Some(Err((output, at, message_type))) => {
                // the idempotent store already has this message: the duplicate goes no further
                self.st.stats.absorbed += 1;
                self.trace.absorbed(output as usize, at, message_type);
                self.st.fates.retain(|f| f.0 != output);
                return;
            }
        };
        if let Some(follower) = follower {
            if !self.targets.contains(&follower) {
                self.targets.push(follower);
            }
        }
        self.trace.published(output as usize, seq);
        if self.st.fates.is_empty() && self.st.shares.is_empty() {
            // no fate a person chose, no role several workers share: each target gets it
            for k in 0..self.targets.len() {
                self.enqueue(self.targets[k], seq, None);
            }
        } else {
            self.deliver_chosen(seq, output);
        }
    }

    /// The deliveries of message `seq` (output `output`) to the targets when a person chose
    /// some fates or some role is shared ([`World::share_out`]).
    #[cold]
    #[inline(never)]
    fn deliver_chosen(&mut self, seq: u32, output: u32) {
        for k in 0..self.targets.len() {
            let actor = self.targets[k];
            let chosen = if self.st.fates.is_empty() { None } else { self.take_fate(output, actor) };
            match self.share_out(actor, seq) {
                Some(worker) => self.enqueue(worker, seq, chosen),
                None => self.lost_to_nobody(actor, seq),
            }
        }
        if !self.st.fates.is_empty() {
            // a fate for an actor the message did not reach after all lapses
            self.st.fates.retain(|f| f.0 != output);
        }
    }

    /// Puts message `seq` into `actor`'s mailbox with its fate: the one a person `chosen`,
    /// or else the one the seeded fault layer draws for a worker. The draw is made for
    /// every delivery to a worker, chosen or not, so that every other delivery keeps its
    /// fate; deliveries to the others are reliable.
    pub(super) fn enqueue(&mut self, actor: ActorId, seq: u32, chosen: Option<Fate>) {
        let worker = self.actors[actor as usize].kind.is_worker();
        if !worker && chosen.is_none() {
            self.push_mail(actor, seq, 0);
            return;
        }
        let drawn = if worker {
            faults::fate(&mut self.st.fault_rng, self.cfg.drop, self.cfg.duplicate)
        } else {
            Fate::Delivered
        };
        match chosen {
            None => self.give_fate(actor, seq, drawn, false),
            Some(fate) => self.give_fate(actor, seq, fate, true),
        }
    }

    /// Carries out `fate` for the delivery of message `seq` to `actor` during this step,
    /// recording its fault (`manual`: a person chose it).
    #[inline(always)]
    fn give_fate(&mut self, actor: ActorId, seq: u32, fate: Fate, manual: bool) {
        let step = self.st.steps as u32 + 1;
        // a person's duplicate is numbered after the copies made before (a seeded one is new)
        let copy = if manual && fate == Fate::Duplicated {
            (self.copies_made(seq, actor) + 1).min(u8::MAX as usize) as u8
        } else {
            1
        };
        let fault = match fate {
            Fate::Lost => Some(Fault::Drop),
            Fate::Duplicated => Some(Fault::Duplicate),
            Fate::Delayed(_) => Some(Fault::Delay),
            Fate::Delivered | Fate::Late => None,
        };
        if let Some(fault) = fault {
            let record = FaultRecord { step, seq, actor, fault, manual };
            if manual {
                self.faults.record_anew(&mut self.st.faults_len, record);
            } else {
                self.faults.record(&mut self.st.faults_len, record);
            }
        }
        match fate {
            Fate::Lost => self.st.stats.deliveries_dropped += 1,
            Fate::Duplicated => {
                self.st.stats.deliveries_duplicated += 1;
                self.push_mail(actor, seq, 0);
                self.push_mail(actor, seq, copy);
            }
            Fate::Delayed(ms) => self.st.delayed.push(Delayed { at: self.st.now + ms, actor, seq, copy: 0 }),
            // a late delivery is the explorer's branch, a delay by the time it applies
            Fate::Delivered | Fate::Late => self.push_mail(actor, seq, 0),
        }
    }

    #[inline(always)]
    pub(super) fn push_mail(&mut self, actor: ActorId, seq: u32, copy: u8) {
        if self.bounds.sheds {
            // a bound that sheds: the slow path, out of line ([`World::push_bounded`])
            return self.push_bounded(actor, seq, copy);
        }
        self.push_unbounded(actor, seq, copy);
    }

    /// [`World::push_mail`] when no bound sheds (or there is room).
    #[inline(always)]
    pub(super) fn push_unbounded(&mut self, actor: ActorId, seq: u32, copy: u8) {
        let enq = self.next_mail();
        let since = self.st.now;
        self.st.mail.push_back(actor as usize, Mail { seq, copy, enq, since });
        self.observe(actor);
    }

    #[inline]
    pub(super) fn observe(&mut self, actor: ActorId) {
        let len = self.st.mail[actor as usize].len();
        self.st.load[actor as usize].queue(self.st.now, len);
        self.st.sampler.observe(actor as usize, len);
    }

    /// A delivery to a shared role with nobody on duty is lost.
    #[cold]
    fn lost_to_nobody(&mut self, actor: ActorId, seq: u32) {
        self.st.stats.deliveries_dropped += 1;
        let record = FaultRecord { step: self.st.steps as u32 + 1, seq, actor, fault: Fault::WalkedOut, manual: false };
        self.faults.record(&mut self.st.faults_len, record);
    }

    /// A delayed delivery due at `at` re-enters its mailbox (lost if its actor walked out).
    pub(super) fn redeliver(&mut self, at: u64) {
        let Some(i) = self.st.delayed.iter().position(|d| d.at == at) else { return };
        let d = self.st.delayed.remove(i);
        if self.walked_out(d.actor) {
            self.st.stats.deliveries_dropped += 1;
            self.record_fault(self.st.steps as u32 + 1, d.seq, d.actor, Fault::WalkedOut, true);
            return;
        }
        self.targets.push(d.actor);
        self.push_mail(d.actor, d.seq, d.copy);
    }
}
