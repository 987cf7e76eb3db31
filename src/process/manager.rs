//! The process manager of one order: a state machine folded over the order's history.
//!
//! It decides every next command, sets an alarm for each, retries what timed out, drops
//! what cannot be done, refunds what was paid for an order not served, and rejects (with
//! a `MessageRejected` event) any message its state does not allow.

use crate::definition::{Definition, ProcessParams};
use crate::message::{Alarm, Delivered, DropReason, Envelope, Message, MessageType, RejectReason, Rejection, WorkStep};
use crate::order::Order;
use crate::outbox::{Note, Outbox};
use serde::Serialize;
use std::rc::Rc;

/// How an order ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "reason", rename_all = "lowercase")]
pub enum Outcome {
    /// `OrderCompleted` was published.
    Completed,
    /// `OrderDropped` was published, for this reason.
    Dropped(DropReason),
}

/// The steps of an order done so far, in order (at most three: no allocation, since a
/// process is rebuilt for every message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StepsDone {
    steps: [Option<WorkStep>; 3],
}

impl StepsDone {
    /// Whether `step` is done.
    pub fn contains(&self, step: &WorkStep) -> bool {
        self.steps.contains(&Some(*step))
    }

    /// Marks `step` done (a fourth step is ignored: an order has three).
    pub fn push(&mut self, step: WorkStep) {
        if let Some(free) = self.steps.iter_mut().find(|s| s.is_none()) {
            *free = Some(step);
        }
    }

    /// How many steps are done.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether no step is done yet.
    pub fn is_empty(&self) -> bool {
        self.steps[0].is_none()
    }

    /// The steps done, in order.
    pub fn iter(&self) -> impl Iterator<Item = WorkStep> + '_ {
        self.steps.iter().map_while(|s| *s)
    }
}

impl Serialize for StepsDone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Everything a process manager knows about its order.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ProcessState {
    /// The latest order document received.
    pub order: Option<Rc<Order>>,
    /// The step being waited for.
    pub awaiting: Option<WorkStep>,
    /// Which attempt of that step is running (1 = first request).
    pub attempt: u8,
    /// Steps done, in order.
    pub done: StepsDone,
    /// Retries sent over the whole order.
    pub retries: u8,
    /// Messages rejected (each published as `MessageRejected`).
    pub rejected: u32,
    /// The customer has paid and has not been refunded.
    pub paid: bool,
    /// The attempt of the refund being waited for, if one is. Refunds are asked for until
    /// the cashier answers, so this counter has no practical limit (its alarm carries at
    /// most 255: [`alarm_attempt`]).
    pub refunding: Option<u32>,
    /// Set once a terminal event is decided.
    pub outcome: Option<Outcome>,
    /// The refund was handed to a person (`RefundEscalated`): nothing more is asked.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub escalated: bool,
}

/// One order's process manager: a definition, a version, and the state folded so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessManager {
    /// The flow.
    pub definition: Definition,
    /// Its version.
    pub version: u8,
    /// What it knows.
    pub state: ProcessState,
    #[serde(skip)]
    params: ProcessParams,
    /// The order's correlation id's low half (what a retry's jitter is drawn from).
    #[serde(skip)]
    key: u64,
}

/// The message types a process manager reacts to.
pub const INPUTS: [MessageType; 8] = [
    MessageType::OrderPlaced,
    MessageType::FoodCooked,
    MessageType::OrderExpired,
    MessageType::OrderPriced,
    MessageType::OrderPaid,
    MessageType::PaymentRefused,
    MessageType::PaymentRefunded,
    MessageType::StepTimedOut,
];

/// A type mask of [`INPUTS`].
pub fn input_mask() -> u32 {
    INPUTS.iter().fold(0, |m, t| m | t.bit())
}

impl ProcessManager {
    /// A fresh process manager that has seen nothing.
    pub fn new(definition: Definition, version: u8, params: ProcessParams) -> Self {
        ProcessManager { definition, version, state: ProcessState::default(), params, key: 0 }
    }

    /// Whether a terminal event has been decided.
    pub fn finished(&self) -> bool {
        self.state.outcome.is_some()
    }

    /// Whether nothing more is owed: finished, and no refund outstanding.
    pub fn settled(&self) -> bool {
        self.finished() && self.state.refunding.is_none()
    }

    /// Folds one message of the order's history into the state and writes the decisions
    /// it leads to into `out`. With a discarding outbox this is the rebuild.
    ///
    /// ```
    /// use brigade::message::{Envelope, Message, MessageType};
    /// use brigade::order::Order;
    /// use brigade::outbox::{Effect, Outbox};
    /// use brigade::process::{Definition, ProcessManager, ProcessParams};
    /// use brigade::rng::Rng;
    /// use std::rc::Rc;
    /// let order = Rc::new(Order::draw(&mut Rng::new(1), true, 0));
    /// let placed = Envelope { id: uuid::Uuid::from_u128(1), correlation_id: uuid::Uuid::from_u128(1),
    ///     causation_id: brigade::message::CausationId::NONE, at_ms: 0, body: Message::OrderPlaced { order } };
    /// let mut pm = ProcessManager::new(Definition::PayFirst, 2, ProcessParams::default());
    /// let mut out = Outbox::new();
    /// pm.handle(&placed, &mut out);
    /// // a dodgy customer is priced first, and the process sets an alarm
    /// assert!(matches!(&out.effects[0], Effect::Publish(m) if m.message_type() == MessageType::PriceOrder));
    /// assert!(matches!(&out.effects[1], Effect::Publish(m) if m.message_type() == MessageType::PublishAt));
    /// ```
    pub fn handle(&mut self, msg: &Envelope, out: &mut Outbox) {
        self.hear(&Delivered::of(msg), out);
    }

    /// [`ProcessManager::handle`] given the message as every handler reads it (the house's
    /// delivery; a rebuild reads them from the store without building envelopes).
    pub fn hear(&mut self, msg: &Delivered<'_>, out: &mut Outbox) {
        let now = msg.at_ms;
        self.key = msg.correlation_id.as_u64_pair().1;
        match msg.body {
            Message::OrderPlaced { order } => {
                if self.state.order.is_some() {
                    return self.reject(msg, RejectReason::Duplicate, out);
                }
                self.state.order = Some(order.clone());
                let first = self.definition.steps()[0];
                self.request(first, 1, now, out);
            }
            Message::FoodCooked { order } => self.answered(WorkStep::Cook, msg, order, out),
            Message::OrderPriced { order } => self.answered(WorkStep::Price, msg, order, out),
            Message::OrderPaid { order } => {
                if matches!(self.state.outcome, Some(Outcome::Dropped(_))) && !self.state.paid {
                    // paid for an order already given up: give the money back
                    self.state.paid = true;
                    self.state.order = Some(order.clone());
                    self.request(WorkStep::Refund, 1, now, out);
                } else {
                    self.answered(WorkStep::Pay, msg, order, out);
                }
            }
            Message::PaymentRefunded { .. } => {
                if self.state.refunding.is_some() || (self.state.escalated && self.state.paid) {
                    // a late answer after the escalation still settles the money
                    self.state.refunding = None;
                    self.state.paid = false;
                } else {
                    self.reject(msg, RejectReason::Stale, out);
                }
            }
            // the answer to a repeated payment or refund request; the first one's answer
            // arrives (or arrived) on its own
            Message::PaymentRefused { .. } => out.note(Note::RepeatRefused),
            Message::StepTimedOut { step, attempt } => self.timed_out(*step, *attempt, now, out),
            Message::OrderExpired { attempt, .. } => {
                if self.finished() {
                    self.reject(msg, RejectReason::AfterEnd, out);
                } else if self.state.awaiting != Some(WorkStep::Cook) || self.state.attempt != *attempt {
                    self.reject(msg, RejectReason::Stale, out);
                } else if *attempt > 1 {
                    // an earlier attempt may still be on a stove: the cooking timeout
                    // decides (past the time to live it drops the order as expired)
                    out.note(Note::EarlierAttemptMayCook);
                } else {
                    self.drop_order(DropReason::Expired, now, out);
                }
            }
            _ => self.reject(msg, RejectReason::Unexpected, out),
        }
    }

    /// A worker answered `step` with an enriched document.
    fn answered(&mut self, step: WorkStep, msg: &Delivered<'_>, order: &Rc<Order>, out: &mut Outbox) {
        // the explorer's tests may plant a bug here: act on every answer (off otherwise)
        let trusting = super::trusts_every_answer();
        if self.finished() && !trusting {
            return self.reject(msg, RejectReason::AfterEnd, out);
        }
        if self.state.done.contains(&step) && !trusting {
            return self.reject(msg, RejectReason::Duplicate, out);
        }
        if self.state.awaiting != Some(step) && !trusting {
            return self.reject(msg, RejectReason::Stale, out);
        }
        self.state.done.push(step);
        self.state.order = Some(order.clone());
        if step == WorkStep::Pay {
            self.state.paid = true;
        }
        let steps = self.definition.steps();
        match steps.iter().position(|&s| s == step).and_then(|i| steps.get(i + 1)) {
            Some(&next) => self.request(next, 1, msg.at_ms, out),
            None => {
                self.state.awaiting = None;
                self.state.outcome = Some(Outcome::Completed);
                out.publish(Message::OrderCompleted { order: order.clone() });
            }
        }
    }

    fn timed_out(&mut self, step: WorkStep, attempt: u8, now: u64, out: &mut Outbox) {
        if step == WorkStep::Refund {
            match self.state.refunding {
                Some(refunding) if alarm_attempt(refunding) == attempt => {
                    let limit = self.params.refund_attempts;
                    if limit > 0 && refunding >= limit {
                        // nobody answers: a person takes the money over (a known end state)
                        self.state.refunding = None;
                        self.state.escalated = true;
                        out.publish(Message::RefundEscalated { attempts: refunding });
                        return;
                    }
                    // compensation is owed: ask again until the cashier answers
                    self.state.retries = self.state.retries.saturating_add(1);
                    self.request(WorkStep::Refund, refunding.saturating_add(1), now, out);
                }
                _ => out.note(Note::TimeoutIgnored),
            }
            return;
        }
        if self.finished() || self.state.awaiting != Some(step) || self.state.attempt != attempt {
            out.note(Note::TimeoutIgnored);
            return;
        }
        let expired = self.state.order.as_ref().is_some_and(|o| o.expired(now));
        if step == WorkStep::Cook && expired {
            // a retry would only be refused: the time to live has passed
            self.drop_order(DropReason::Expired, now, out);
        } else if self.definition.retries(self.version, step) && attempt <= self.params.max_retries {
            self.state.retries += 1;
            self.request(step, attempt as u32 + 1, now, out);
        } else {
            self.drop_order(DropReason::gave_up(step), now, out);
        }
    }

    /// Sends the command for `step` and sets an alarm for its timeout (a work step's
    /// attempt is at most `max_retries + 1`, a refund's has no limit).
    fn request(&mut self, step: WorkStep, attempt: u32, now_ms: u64, out: &mut Outbox) {
        let alarm_attempt = alarm_attempt(attempt);
        if step == WorkStep::Refund {
            self.state.refunding = Some(attempt);
        } else {
            self.state.awaiting = Some(step);
            self.state.attempt = alarm_attempt;
        }
        if out.is_discarding() {
            return;
        }
        let order = self.state.order.clone().expect("a process requests work only after OrderPlaced");
        out.publish(match step {
            WorkStep::Cook => Message::CookFood { order, attempt: alarm_attempt },
            WorkStep::Price => Message::PriceOrder { order, attempt: alarm_attempt },
            WorkStep::Pay => Message::TakePayment { order, attempt: alarm_attempt },
            WorkStep::Refund => Message::RefundPayment { order },
        });
        let wait = self.params.wait(step, attempt, self.key);
        out.publish(Message::PublishAt(Alarm::new(now_ms + wait, step, alarm_attempt)));
    }

    fn drop_order(&mut self, reason: DropReason, now: u64, out: &mut Outbox) {
        self.state.awaiting = None;
        self.state.outcome = Some(Outcome::Dropped(reason));
        out.publish(Message::OrderDropped { reason });
        if self.state.paid {
            // nobody pays for food they do not get
            self.request(WorkStep::Refund, 1, now, out);
        }
    }

    fn reject(&mut self, msg: &Delivered<'_>, reason: RejectReason, out: &mut Outbox) {
        self.state.rejected += 1;
        if out.is_discarding() {
            return;
        }
        out.publish(Message::MessageRejected(Rc::new(Rejection {
            rejected_id: msg.id,
            rejected_type: msg.body.message_type(),
            reason,
        })));
    }
}

/// The attempt an alarm (and its `StepTimedOut`) carries for the request `attempt`:
/// the attempt itself up to 255, then 255 (an alarm holds 8 bits, and a message stays 8
/// bytes in wasm). Refunds go on past it: only the current refund has an alarm set, so
/// the process manager knows the alarm that rings is for its latest request.
///
/// ```
/// use brigade::process::manager::alarm_attempt;
/// assert_eq!(alarm_attempt(3), 3);
/// assert_eq!(alarm_attempt(255), 255);
/// assert_eq!(alarm_attempt(1_000), 255);
/// ```
pub fn alarm_attempt(attempt: u32) -> u8 {
    attempt.min(u8::MAX as u32) as u8
}
