//! The process manager of one order: a state machine folded over the order's history.

use super::definition::{Definition, ProcessParams};
use crate::message::{Alarm, DropReason, Envelope, Message, MessageType, WorkStep};
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
    pub done: Vec<WorkStep>,
    /// Retries sent over the whole order.
    pub retries: u8,
    /// Repeated answers noticed and ignored.
    pub duplicates: u32,
    /// Set once a terminal event is decided.
    pub outcome: Option<Outcome>,
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
}

/// The message types a process manager reacts to.
pub const INPUTS: [MessageType; 6] = [
    MessageType::OrderPlaced,
    MessageType::FoodCooked,
    MessageType::OrderExpired,
    MessageType::OrderPriced,
    MessageType::OrderPaid,
    MessageType::StepTimedOut,
];

/// A type mask of [`INPUTS`].
pub fn input_mask() -> u32 {
    INPUTS.iter().fold(0, |m, t| m | t.bit())
}

impl ProcessManager {
    /// A fresh process manager that has seen nothing.
    pub fn new(definition: Definition, version: u8, params: ProcessParams) -> Self {
        ProcessManager { definition, version, state: ProcessState::default(), params }
    }

    /// Whether a terminal event has been decided.
    pub fn finished(&self) -> bool {
        self.state.outcome.is_some()
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
        match &msg.body {
            Message::OrderPlaced { order } => {
                if self.state.order.is_some() {
                    self.state.duplicates += 1;
                    out.note(Note::DuplicateIgnored);
                    return;
                }
                self.state.order = Some(order.clone());
                let first = self.definition.steps()[0];
                self.request(first, 1, msg.at_ms, out);
            }
            Message::FoodCooked { order, .. } => self.answered(WorkStep::Cook, order, msg.at_ms, out),
            Message::OrderPriced { order } => self.answered(WorkStep::Price, order, msg.at_ms, out),
            Message::OrderPaid { order } => self.answered(WorkStep::Pay, order, msg.at_ms, out),
            Message::StepTimedOut { step, attempt } => {
                if self.finished() || self.state.awaiting != Some(*step) || self.state.attempt != *attempt {
                    out.note(Note::StaleIgnored);
                    return;
                }
                if self.definition.retries(self.version, *step) && *attempt <= self.params.max_retries {
                    self.state.retries += 1;
                    self.request(*step, attempt + 1, msg.at_ms, out);
                } else {
                    self.drop_order(DropReason::gave_up(*step), out);
                }
            }
            Message::OrderExpired { .. } => {
                if !self.finished() && self.state.awaiting == Some(WorkStep::Cook) {
                    self.drop_order(DropReason::Expired, out);
                } else {
                    out.note(Note::StaleIgnored);
                }
            }
            _ => {}
        }
    }

    /// A worker answered `step` with an enriched document.
    fn answered(&mut self, step: WorkStep, order: &Rc<Order>, now_ms: u64, out: &mut Outbox) {
        if self.state.done.contains(&step) {
            self.state.duplicates += 1;
            out.note(Note::DuplicateIgnored);
            return;
        }
        if self.finished() || self.state.awaiting != Some(step) {
            out.note(Note::StaleIgnored);
            return;
        }
        self.state.done.push(step);
        self.state.order = Some(order.clone());
        let steps = self.definition.steps();
        match steps.iter().position(|&s| s == step).and_then(|i| steps.get(i + 1)) {
            Some(&next) => self.request(next, 1, now_ms, out),
            None => {
                self.state.awaiting = None;
                self.state.outcome = Some(Outcome::Completed);
                out.publish(Message::OrderCompleted { order: order.clone() });
            }
        }
    }

    /// Sends the command for `step` and sets an alarm for its timeout.
    fn request(&mut self, step: WorkStep, attempt: u8, now_ms: u64, out: &mut Outbox) {
        self.state.awaiting = Some(step);
        self.state.attempt = attempt;
        if out.is_discarding() {
            return;
        }
        let order = self.state.order.clone().expect("a process requests work only after OrderPlaced");
        out.publish(match step {
            WorkStep::Cook => Message::CookFood { order, attempt },
            WorkStep::Price => Message::PriceOrder { order, attempt },
            WorkStep::Pay => Message::TakePayment { order, attempt },
        });
        out.publish(Message::PublishAt(Rc::new(Alarm {
            due_ms: now_ms + self.params.timeout(step),
            message: Message::StepTimedOut { step, attempt },
        })));
    }

    fn drop_order(&mut self, reason: DropReason, out: &mut Outbox) {
        self.state.awaiting = None;
        self.state.outcome = Some(Outcome::Dropped(reason));
        out.publish(Message::OrderDropped { reason });
    }
}
