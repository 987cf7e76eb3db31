//! Failures a real kitchen has, beyond the delivery layer's: an actor that crashes and
//! restarts, a handler that fails on a message (a poison message: tried again, then
//! dead-lettered), and an idempotent consumer that recognises a message it took already.
//!
//! A crash loses what the actor holds in memory: the message in hand (back at the head of
//! its mailbox when the mailbox is durable) and what it decided about it, its mailbox
//! unless durable, the house's cached process managers (read back from the store at their
//! next message), and the alarm clock's alarms unless they are kept in the store. The
//! actor is back `restart_ms` later. The waiter's mailbox always survives: the customers
//! at the door are still there.

use super::*;
use crate::message::{DeadLetter, PoisonReason};

/// The moving parts of the failures: seeded streams, tries, marks and the shared inbox.
#[derive(Debug, Clone)]
pub(super) struct FailureState {
    /// The seeded crashes' stream (drawn from only when `crash` is above 0).
    pub(super) crash_rng: Rng,
    /// The seeded handler failures' stream (drawn from only when `poison` is above 0).
    pub(super) poison_rng: Rng,
    /// Failed tries so far of each delivery being tried again: `(actor, seq, copy, tries)`.
    pub(super) tries: Vec<(ActorId, u32, u8, u8)>,
    /// Messages a person marked poison, and for whom: `(seq, actor)`.
    pub(super) poisoned: Vec<(u32, ActorId)>,
    /// Messages an idempotent consumer's role took already (its shared inbox table).
    pub(super) taken: std::collections::BTreeSet<u32>,
    /// What waits in the dead-letter queue, and the worker that failed on it:
    /// `(seq, copy, worker, tries)`.
    pub(super) dead: Vec<(u32, u8, ActorId, u8)>,
    /// The actors that crashed, and when each is back (a crash while down holds nothing).
    pub(super) down: Vec<(ActorId, u64)>,
}

/// The seeded streams of the failures.
const CRASH_STREAM: u64 = 4;
const POISON_STREAM: u64 = 5;

impl FailureState {
    /// Nothing failed yet, for a run of `seed`.
    pub(super) fn new(seed: u64) -> FailureState {
        FailureState {
            crash_rng: Rng::stream(seed, CRASH_STREAM),
            poison_rng: Rng::stream(seed, POISON_STREAM),
            tries: Vec::new(),
            poisoned: Vec::new(),
            taken: Default::default(),
            dead: Vec::new(),
            down: Vec::new(),
        }
    }
}

/// Whether `cfg` asks for any of the failures (the step's one test for them).
pub(super) fn any(cfg: &Config) -> bool {
    cfg.crash > 0.0 || cfg.poison > 0.0 || cfg.idempotent_cooks || cfg.has_dead_letters()
}

impl World {
    /// `actor` is about to take the head of its mailbox: a seeded crash, a second copy its
    /// role recognises (an idempotent consumer), or a poison message (seeded, or marked by
    /// a person) make the step instead of the handler. `None`: the handler takes it.
    #[cold]
    #[inline(never)]
    pub(super) fn on_taking(&mut self, actor: ActorId) -> Option<StepOutcome> {
        let a = actor as usize;
        let head = *self.st.mail[a].front()?;
        if head.seq == TAKE_ORDER {
            return None;
        }
        let kind = self.actors[a].kind;
        let worker = kind.is_worker();
        if worker && self.cfg.crash > 0.0 && self.st.failures.crash_rng.chance(self.cfg.crash) {
            self.tick_sampler();
            let mail = self.st.mail.pop_front(a)?;
            self.crash_now(actor, Some(mail), false);
            return Some(self.unhandled_step(actor, mail));
        }
        let once = self.cfg.idempotent_cooks && kind.role().consumes_once();
        if once && self.st.failures.taken.contains(&head.seq) {
            self.tick_sampler();
            let mail = self.st.mail.pop_front(a)?;
            self.st.stats.recognised += 1;
            self.fault_now(mail.seq, actor, Fault::Recognised, false);
            return Some(self.unhandled_step(actor, mail));
        }
        let marked = self.st.failures.poisoned.iter().any(|&(s, w)| s == head.seq && w == actor);
        let poison = if marked {
            Some(PoisonReason::ByHand)
        } else if worker && self.cfg.poison > 0.0 && self.st.failures.poison_rng.chance(self.cfg.poison) {
            Some(PoisonReason::HandlerFailed)
        } else {
            None
        };
        if let Some(reason) = poison {
            self.tick_sampler();
            let mail = self.st.mail.pop_front(a)?;
            self.failed(actor, mail, reason);
            return Some(self.unhandled_step(actor, mail));
        }
        if once {
            // the inbox row is written as the message is taken (a crash or a failure
            // before the work is done takes it out again)
            self.st.failures.taken.insert(head.seq);
        }
        None
    }

    /// The handler of `actor` failed on `mail` (its outbox said [`Effect::Fail`]): nothing
    /// it decided happens. Returns the step.
    #[cold]
    #[inline(never)]
    pub(super) fn handler_failed(&mut self, actor: ActorId, mail: Mail, reason: PoisonReason) -> StepOutcome {
        self.failed(actor, mail, reason);
        self.unhandled_step(actor, mail)
    }

    /// A step in which `actor` took `mail` from its mailbox without handling it (it
    /// crashed, failed or recognised it): the queue's accounting and the trace.
    fn unhandled_step(&mut self, actor: ActorId, mail: Mail) -> StepOutcome {
        let (a, now) = (actor as usize, self.st.now);
        let len = self.st.mail[a].len();
        let load = &mut self.st.load[a];
        load.handled += 1;
        load.left(now, mail.since);
        load.queue(now, len);
        self.record_step(actor, mail.seq, mail.copy);
        StepOutcome { step: self.st.steps, at_ms: now, actor, seq: Some(mail.seq), copy: mail.copy, published: 0..0 }
    }

    /// A fault of the step being taken (`manual`: a person's input caused it).
    fn fault_now(&mut self, seq: u32, actor: ActorId, fault: Fault, manual: bool) {
        let record = FaultRecord { step: self.st.steps as u32 + 1, seq, actor, fault, manual };
        if manual {
            self.faults.record_anew(&mut self.st.faults_len, record);
        } else {
            self.faults.record(&mut self.st.faults_len, record);
        }
    }

    /// `actor` failed on `mail`: it is tried again at once, up to `poison_retries` times,
    /// then moved to the dead-letter queue with a `MessageDeadLettered` (lost when the
    /// floor has no dead-letter queue).
    fn failed(&mut self, actor: ActorId, mail: Mail, reason: PoisonReason) {
        let a = actor as usize;
        self.st.stats.failed += 1;
        self.fault_now(mail.seq, actor, Fault::Failed, reason == PoisonReason::ByHand);
        self.st.failures.taken.remove(&mail.seq);
        let f = &mut self.st.failures;
        let at = f.tries.iter().position(|t| t.0 == actor && t.1 == mail.seq && t.2 == mail.copy);
        let tries = match at {
            Some(i) => {
                f.tries[i].3 = f.tries[i].3.saturating_add(1);
                f.tries[i].3
            }
            None => {
                f.tries.push((actor, mail.seq, mail.copy, 1));
                1
            }
        };
        if tries <= self.cfg.poison_retries {
            self.st.mail.push_front(a, mail);
            return;
        }
        f.tries.retain(|t| !(t.0 == actor && t.1 == mail.seq && t.2 == mail.copy));
        f.poisoned.retain(|&(s, w)| !(s == mail.seq && w == actor));
        let Some(queue) = self.dead_letters else {
            self.st.stats.deliveries_dropped += 1;
            return;
        };
        self.st.failures.dead.push((mail.seq, mail.copy, actor, tries));
        self.push_unbounded(queue, mail.seq, mail.copy);
        self.fault_now(mail.seq, actor, Fault::DeadLettered, reason == PoisonReason::ByHand);
        let Some(msg) = self.store.delivered(mail.seq as usize) else { return };
        let (id, correlation_id, message_type) = (msg.id, msg.correlation_id, msg.message_type());
        let letter = DeadLetter {
            message_id: id,
            message_type,
            worker: Rc::new(self.actors[a].name.clone()),
            reason,
            attempts: tries,
        };
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        out.publish(Message::MessageDeadLettered(Rc::new(letter)));
        self.carry_out(actor, mail, Some(mail.seq), Some((id, correlation_id)), self.st.now, &mut out);
        self.out = out;
    }

    /// `actor` crashes now, holding `in_hand` (a seeded crash as it takes a message) or
    /// whatever it is busy with (`None`: a person's crash).
    pub(super) fn crash_now(&mut self, actor: ActorId, in_hand: Option<Mail>, manual: bool) {
        let (a, now) = (actor as usize, self.st.now);
        let step = self.st.steps as u32 + (!manual) as u32;
        self.st.stats.crashes += 1;
        let down = self.st.failures.down.iter().any(|&(d, back)| d == actor && back > now);
        // busy with a message, not restarting from a crash before
        let busy = self.st.busy_until[a] > now && !down;
        let in_hand = in_hand.or_else(|| busy.then(|| self.busy_with(actor)).flatten());
        if busy {
            // what it decided about the message in hand is never published
            self.st.scheduler.discard_answers_of(actor);
        }
        let durable = self.cfg.durable_mailboxes || actor == self.entry;
        let mut lost = Vec::new();
        if let Some(mail) = in_hand {
            self.st.failures.taken.remove(&mail.seq);
            if durable {
                // not acknowledged: the broker hands it out again after the restart
                let enq = self.next_mail();
                self.st.mail.push_front(a, Mail { enq, since: now, ..mail });
            } else {
                lost.push(mail.seq);
            }
        }
        if !durable {
            lost.extend(self.st.mail.drain(a).into_iter().map(|m| m.seq));
            self.observe(actor);
        }
        let back = now + self.cfg.restart_ms;
        if actor == self.alarm_clock {
            let alarms = self.st.scheduler.take_alarms_of(actor);
            if self.cfg.durable_timers {
                // read back from the store when it is back: what fell due meanwhile rings then
                for (at, parked) in alarms {
                    self.st.scheduler.schedule_alarm(at.max(back), parked);
                }
            } else {
                lost.extend(alarms.iter().filter_map(|(_, p)| p.cause));
            }
        }
        for seq in lost {
            self.st.stats.lost_in_crashes += 1;
            let record = FaultRecord { step, seq, actor, fault: Fault::Crash, manual };
            if manual {
                self.faults.record_anew(&mut self.st.faults_len, record);
            } else {
                self.faults.record(&mut self.st.faults_len, record);
            }
        }
        self.st.stats.rebuilt += self.st.actors[a].crash();
        self.st.busy_until[a] = back;
        self.st.failures.down.retain(|&(d, at)| d != actor && at > now);
        self.st.failures.down.push((actor, back));
    }

    /// The message `actor` is busy with: the one its last step took (none when the trace
    /// is not kept).
    fn busy_with(&self, actor: ActorId) -> Option<Mail> {
        let record = (0..self.st.steps).rev().filter_map(|i| self.trace.get(i)).find(|r| r.actor == actor)?;
        (record.seq < TAIL).then_some(Mail { seq: record.seq, copy: record.copy, enq: 0, since: record.at_ms })
    }

    /// Why `action` (a crash, a poison mark, a re-delivery) cannot happen now, if it cannot.
    pub(super) fn check_failure(&self, action: &Action) -> Result<(), String> {
        match action {
            Action::Crash { actor } => {
                let id = self.actor_named(actor).ok_or_else(|| format!("no actor is called {:?}", actor.trim()))?;
                if id as usize >= self.st.actors.len() {
                    return Err(format!("{} is not on the floor yet", self.actors[id as usize].name));
                }
                Ok(())
            }
            Action::PoisonMessage { seq, actor } => {
                if self.dead_letters.is_none() {
                    return Err("this run has no dead-letter queue: turn it on (dead_letters) to mark a message \
                                poison"
                        .to_string());
                }
                let id = self.actor_named(actor).ok_or_else(|| format!("no actor is called {:?}", actor.trim()))?;
                let info = &self.actors[id as usize];
                if !info.kind.is_worker() {
                    return Err(format!("only a worker's handler can fail on a message, not the {}'s", info.name));
                }
                if !self.st.mail[id as usize].iter().any(|m| m.seq == *seq) {
                    return Err(format!("message {seq} is not waiting in {}'s mailbox", info.name));
                }
                if self.st.failures.poisoned.contains(&(*seq, id)) {
                    return Err(format!("message {seq} is poison for {} already", info.name));
                }
                Ok(())
            }
            Action::RedeliverMessage { seq } => {
                let Some(queue) = self.dead_letters else {
                    return Err("this run has no dead-letter queue".to_string());
                };
                let Some(&(_, _, worker, _)) = self.st.failures.dead.iter().find(|d| d.0 == *seq) else {
                    return Err(format!("message {seq} is not in the dead-letter queue"));
                };
                debug_assert!(self.st.mail[queue as usize].iter().any(|m| m.seq == *seq));
                if self.walked_out(worker) {
                    return Err(format!(
                        "{}, who failed on it, is away; bring them back first",
                        self.actors[worker as usize].name
                    ));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Applies a crash, a poison mark or a re-delivery already checked.
    pub(super) fn apply_failure(&mut self, action: &Action) {
        match action {
            Action::Crash { actor } => {
                if let Some(id) = self.actor_named(actor) {
                    self.crash_now(id, None, true);
                }
            }
            Action::PoisonMessage { seq, actor } => {
                if let Some(id) = self.actor_named(actor) {
                    self.st.failures.poisoned.push((*seq, id));
                }
            }
            Action::RedeliverMessage { seq } => {
                let (Some(queue), Some(i)) =
                    (self.dead_letters, self.st.failures.dead.iter().position(|d| d.0 == *seq))
                else {
                    return;
                };
                let (seq, copy, worker, _) = self.st.failures.dead.remove(i);
                let q = queue as usize;
                if let Some(at) = self.st.mail[q].iter().position(|m| m.seq == seq && m.copy == copy) {
                    self.st.mail.remove(q, at);
                    self.observe(queue);
                }
                self.st.stats.redelivered += 1;
                self.push_mail(worker, seq, copy);
            }
            _ => {}
        }
    }
}
