//! Bounded mailboxes (the config's `mailbox_limits`): a message that finds its mailbox
//! full is shed, the newest or the oldest waiting, recorded as a fault like a lost delivery
//! (the process managers' timeouts recover it); or, with `block`, the producer waits, which
//! travels up to the door: the waiter's own orders are turned away while a blocking
//! mailbox is full. A bound by age sheds a message that waited too long when its worker
//! reaches it.

use super::*;
use crate::mailbox_limit::{MailboxLimit, MailboxLimits, Policy};

/// The bounds by role, and whether any sheds or closes the door (the hot path's one test).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Bounds {
    /// By role, in the role table's order (`None`: unbounded).
    by_role: [Option<MailboxLimit>; crate::role::ROLES.len()],
    /// Some bound sheds messages (`drop-newest`, `drop-oldest`).
    pub(super) sheds: bool,
    /// Some bound blocks (the door closes while it is full).
    pub(super) door: bool,
    /// Some bound has an age (a stale message is shed when its worker reaches it).
    pub(super) ages: bool,
}

impl Bounds {
    /// The bounds of the config's `limits`.
    pub(super) fn of(limits: &MailboxLimits) -> Bounds {
        let by_role = crate::mailbox_limit::by_role(limits);
        let has = |f: fn(Policy) -> bool| by_role.iter().flatten().any(|l| f(l.policy));
        let ages = by_role.iter().flatten().any(|l| l.max_age_ms.is_some());
        Bounds { by_role, sheds: has(|p| p != Policy::Block), door: has(|p| p == Policy::Block), ages }
    }
}

impl World {
    /// The bound on actor `a`'s mailbox, if any.
    fn bound(&self, a: usize) -> Option<MailboxLimit> {
        self.bounds.by_role[self.actors[a].kind.role() as usize]
    }

    /// Makes room for message `seq` in `actor`'s mailbox if a shedding bound says so:
    /// `false` when the message itself is shed (`drop-newest`); with `drop-oldest` the
    /// oldest waiting is shed instead. Each shed message is a fault of the step.
    fn make_room(&mut self, actor: ActorId, seq: u32) -> bool {
        let a = actor as usize;
        let Some(limit) = self.bound(a) else { return true };
        if limit.policy == Policy::Block || (self.st.mail[a].len() as u32) < limit.max {
            return true;
        }
        let shed = match limit.policy {
            Policy::DropOldest => match self.st.mail.pop_front(a) {
                Some(oldest) => {
                    // it leaves the queue unworked (the push that follows sets the length)
                    self.st.load[a].left(self.st.now, oldest.since);
                    oldest.seq
                }
                None => return true,
            },
            _ => seq,
        };
        self.st.stats.shed += 1;
        let record =
            FaultRecord { step: self.st.steps as u32 + 1, seq: shed, actor, fault: Fault::Shed, manual: false };
        self.faults.record(&mut self.st.faults_len, record);
        limit.policy == Policy::DropOldest
    }

    /// [`World::push_mail`] with a bound that sheds: makes room ([`World::make_room`]), then
    /// puts the message in unless it is the one shed.
    #[cold]
    #[inline(never)]
    pub(super) fn push_bounded(&mut self, actor: ActorId, seq: u32, copy: u8) {
        if self.make_room(actor, seq) {
            self.push_unbounded(actor, seq, copy);
        }
    }

    /// Actor `actor` reaches the head of its mailbox: if that waited longer than its
    /// bound's age, it is shed unhandled (a fault `stale` of this step), and the step is that.
    #[cold]
    #[inline(never)]
    pub(super) fn shed_if_stale(&mut self, actor: ActorId) -> Option<StepOutcome> {
        let (a, now) = (actor as usize, self.st.now);
        let age = self.bound(a)?.max_age_ms?;
        let head = *self.st.mail[a].front()?;
        if head.seq == TAKE_ORDER || now - head.since <= age {
            return None;
        }
        self.tick_sampler();
        let mail = self.st.mail.pop_front(a)?;
        self.st.stats.stale += 1;
        let record =
            FaultRecord { step: self.st.steps as u32 + 1, seq: mail.seq, actor, fault: Fault::Stale, manual: false };
        self.faults.record(&mut self.st.faults_len, record);
        Some(self.unhandled_step(actor, mail))
    }

    /// Whether some actor's mailbox with a `block` bound is full (the door is closed).
    #[inline(never)]
    pub(super) fn door_closed(&self) -> bool {
        (0..self.actors.len())
            .any(|a| self.bound(a).is_some_and(|l| l.policy == Policy::Block && self.st.mail[a].len() as u32 >= l.max))
    }
}
