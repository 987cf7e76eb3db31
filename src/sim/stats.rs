//! Running counters, kept as the simulation goes (cheap to snapshot).

use crate::message::{Envelope, Message, MessageType, RefusalReason, RejectReason};
use crate::outbox::Note;
use crate::process::Definition;
use crate::sim::recorded::Recorded;
use crate::store::Store;
use strum::IntoEnumIterator;
use uuid::Uuid;

/// Counters of one run, at the current step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// `OrderPlaced` published.
    pub placed: u32,
    /// `OrderCompleted` published.
    pub completed: u32,
    /// `OrderDropped` published, by [`crate::message::DropReason`] (in declaration order).
    pub dropped: [u32; 4],
    /// Orders cooked, by cook: a cook's answer to `CookFood`, whatever the wiring calls it
    /// (`FoodCooked` with process managers, the next command otherwise), counted as the
    /// cook takes the order.
    pub per_cook: Vec<u32>,
    /// `ProcessStarted`, by definition (pay-last, pay-first) and version (1, 2).
    pub per_process: [[u32; 2]; 2],
    /// Work commands sent again after a timeout.
    pub retries: u32,
    /// `MessageRejected` published, by [`RejectReason`] (in declaration order).
    pub rejected: [u32; 4],
    /// Timeouts that came after their step was answered (normal: alarms cannot be
    /// cancelled).
    pub timeouts_ignored: u32,
    /// `PaymentRefused` because the order was already paid.
    pub already_paid: u32,
    /// `PaymentRefunded` published.
    pub refunded: u32,
    /// `OrderPaid` published.
    pub paid: u32,
    /// Orders paid at least once (counted at their first `OrderPaid`).
    pub charged: u32,
    /// Orders dropped while paid and not refunded: charged, not served (a refund brings
    /// them back out). Orders stuck with the money are counted by the report at idle.
    pub charged_dropped: u32,
    /// `OrderExpired` published.
    pub expired: u32,
    /// Deliveries to workers lost.
    pub deliveries_dropped: u32,
    /// Deliveries to workers made twice.
    pub deliveries_duplicated: u32,
    /// Messages shed from (or at) a full bounded mailbox.
    pub shed: u32,
    /// Messages shed for waiting longer than their bound's age.
    pub stale: u32,
    /// The waiter's own orders turned away at the door while a blocking mailbox was full.
    pub refused_at_door: u32,
    /// Messages the idempotent store did not append because it held their id already.
    pub absorbed: u32,
    /// `RefundEscalated` published: refunds handed to a person.
    pub escalated: u32,
    /// Second copies of a delivery an idempotent consumer recognised and set aside.
    pub recognised: u32,
    /// Actors crashed.
    pub crashes: u32,
    /// Messages lost in crashes: in hand, waiting in a mailbox that is not durable, or an
    /// alarm not kept in the store.
    pub lost_in_crashes: u32,
    /// Deliveries a worker's handler failed on (each try of a poison message).
    pub failed: u32,
    /// `MessageDeadLettered` published.
    pub dead_lettered: u32,
    /// Dead letters a person re-delivered.
    pub redelivered: u32,
    /// Process managers a cached house read back from the store after a crash.
    pub rebuilt: u32,
    /// `ProcessMigrated` published: live orders moved to another version.
    pub migrated: u32,
}

fn index_of<T: IntoEnumIterator + PartialEq>(value: T) -> usize {
    T::iter().position(|v| v == value).unwrap_or(0)
}

impl Stats {
    /// Counters for `cooks` cooks.
    pub fn new(cooks: usize) -> Self {
        Stats { per_cook: vec![0; cooks], ..Stats::default() }
    }

    /// Counts `env`, about to be published into `store`, caused by the message at `cause`:
    /// the counters, the money of its order ([`Stats::money`]) and, for an
    /// `OrderCompleted`, its placed → completed time in `completions` (a recorded stretch
    /// run again finds it there already).
    #[inline]
    pub fn publishing(&mut self, env: &Envelope, store: &Store, cause: Option<u32>, completions: &mut Recorded<u64>) {
        let t = env.message_type();
        if matches!(
            t,
            MessageType::OrderPaid
                | MessageType::PaymentRefunded
                | MessageType::OrderDropped
                | MessageType::RefundEscalated
        ) {
            // the order's money before this message (its stream is short)
            self.money(t, &Money::of_near(store, &env.correlation_id, cause));
        }
        self.published(env);
        if let Message::OrderCompleted { order } = &env.body {
            let mut seen = self.completed as usize - 1;
            completions.record(&mut seen, env.at_ms - order.placed_at_ms);
        }
    }

    /// Counts one publication.
    pub fn published(&mut self, env: &Envelope) {
        match &env.body {
            Message::OrderPlaced { .. } => self.placed += 1,
            Message::OrderCompleted { .. } => self.completed += 1,
            Message::OrderDropped { reason } => self.dropped[index_of(*reason)] += 1,
            Message::OrderExpired { .. } => self.expired += 1,
            Message::OrderPaid { .. } => self.paid += 1,
            Message::PaymentRefunded { .. } => self.refunded += 1,
            Message::RefundEscalated { .. } => self.escalated += 1,
            Message::MessageDeadLettered(_) => self.dead_lettered += 1,
            Message::ProcessMigrated { .. } => self.migrated += 1,
            Message::PaymentRefused { reason: RefusalReason::AlreadyPaid } => self.already_paid += 1,
            Message::MessageRejected(r) => self.rejected[index_of(r.reason)] += 1,
            Message::ProcessStarted { definition, version } => {
                let d = (*definition == Definition::PayFirst) as usize;
                let v = (*version as usize).clamp(1, 2) - 1;
                self.per_process[d][v] += 1;
            }
            Message::CookFood { attempt, .. }
            | Message::PriceOrder { attempt, .. }
            | Message::TakePayment { attempt, .. }
                if *attempt > 1 =>
            {
                self.retries += 1
            }
            _ => {}
        }
        debug_assert!(env.message_type() != MessageType::PublishAt || env.causation().is_some());
    }

    /// Counts what `message_type`, about to be published for an order whose money stood
    /// at `before`, does to the money counters (`charged`, `charged_dropped`).
    pub fn money(&mut self, message_type: MessageType, before: &Money) {
        let owed = |m: &Money| m.dropped && m.balance() > 0 && !m.escalated;
        let mut after = *before;
        match message_type {
            MessageType::OrderPaid => {
                if before.paid == 0 {
                    self.charged += 1;
                }
                after.paid += 1;
            }
            MessageType::PaymentRefunded => after.refunded += 1,
            MessageType::OrderDropped => after.dropped = true,
            MessageType::RefundEscalated => after.escalated = true,
            _ => return,
        }
        match (owed(before), owed(&after)) {
            (false, true) => self.charged_dropped += 1,
            (true, false) => self.charged_dropped = self.charged_dropped.saturating_sub(1),
            _ => {}
        }
    }

    /// Counts what a handler noticed; `cook` is the handler's cook number, if it is a cook.
    pub fn noticed(&mut self, notes: &[Note], cook: Option<usize>) {
        for note in notes {
            match note {
                Note::TimeoutIgnored => self.timeouts_ignored += 1,
                Note::Cooked => {
                    if let Some(n) = cook.and_then(|c| self.per_cook.get_mut(c)) {
                        *n += 1;
                    }
                }
                _ => {}
            }
        }
    }

    /// Orders dropped for any reason.
    pub fn dropped_total(&self) -> u32 {
        self.dropped.iter().sum()
    }

    /// `MessageRejected` for any reason.
    pub fn rejected_total(&self) -> u32 {
        self.rejected.iter().sum()
    }

    /// `MessageRejected` for `reason`.
    pub fn rejected_for(&self, reason: RejectReason) -> u32 {
        self.rejected[index_of(reason)]
    }
}

/// An order's money as its stream tells it: `OrderPaid` and `PaymentRefunded` counted,
/// and whether it ended with `OrderDropped` or `OrderCompleted`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Money {
    /// `OrderPaid` events.
    pub paid: u32,
    /// `PaymentRefunded` events.
    pub refunded: u32,
    /// Whether the order was dropped.
    pub dropped: bool,
    /// Whether the order completed.
    pub completed: bool,
    /// Whether its refund was handed to a person (`RefundEscalated`).
    pub escalated: bool,
}

impl Money {
    /// The money of order `correlation_id` by the store's current step.
    pub fn of(store: &Store, correlation_id: &Uuid) -> Money {
        Money::of_near(store, correlation_id, None)
    }

    /// [`Money::of`], the order's stream found from the message at `near` when it belongs
    /// to the order (the cause of the message being published), without hashing.
    pub fn of_near(store: &Store, correlation_id: &Uuid, near: Option<u32>) -> Money {
        let mut m = Money::default();
        for &s in store.stream_near(correlation_id, near) {
            match store.message_type(s as usize) {
                Some(MessageType::OrderPaid) => m.paid += 1,
                Some(MessageType::PaymentRefunded) => m.refunded += 1,
                Some(MessageType::OrderDropped) => m.dropped = true,
                Some(MessageType::OrderCompleted) => m.completed = true,
                Some(MessageType::RefundEscalated) => m.escalated = true,
                _ => {}
            }
        }
        m
    }

    /// Payments less refunds: 1 for a completed order and 0 for any other once all is
    /// settled (CONTRACT §5, the money rule).
    pub fn balance(&self) -> i64 {
        self.paid as i64 - self.refunded as i64
    }

    /// Paid, not completed and not refunded.
    pub fn charged_not_served(&self) -> bool {
        !self.completed && self.balance() > 0 && !self.escalated
    }
}
