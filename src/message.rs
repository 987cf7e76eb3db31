//! Messages: the envelope with its headers, and the commands and events of the kitchen.
//!
//! Every message travels in an [`Envelope`] carrying `id`, `correlation_id` (the order it
//! belongs to) and `causation_id` (the message it answers), as in the workshop. Bodies
//! are one enum, [`Message`]; its variant name is the stable type name used in the run
//! file.

use crate::order::Order;
use crate::process::Definition;
use serde::Serialize;
use std::rc::Rc;
use uuid::Uuid;

/// A command asks one worker to do something; an event says that something happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// "Do this": sent to one handler.
    Command,
    /// "This happened": published to whoever listens.
    Event,
}

impl Kind {
    /// `"command"` or `"event"`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Command => "command",
            Kind::Event => "event",
        }
    }
}

/// One of the three pieces of work an order needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum WorkStep {
    /// A cook cooks the food.
    Cook,
    /// The assistant manager prices the order.
    Price,
    /// The cashier takes payment.
    Pay,
}

impl WorkStep {
    /// `"cook"`, `"price"` or `"pay"`.
    pub fn name(self) -> &'static str {
        match self {
            WorkStep::Cook => "cook",
            WorkStep::Price => "price",
            WorkStep::Pay => "pay",
        }
    }
}

/// Why an order was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Its time to live passed before a cook started it.
    Expired,
    /// No `FoodCooked` arrived after the last allowed retry.
    GaveUpCooking,
    /// No `OrderPriced` arrived after the last allowed retry.
    GaveUpPricing,
    /// No `OrderPaid` arrived after the last allowed retry.
    GaveUpPayment,
}

impl DropReason {
    /// Every reason, in report order.
    pub const ALL: [DropReason; 4] =
        [DropReason::Expired, DropReason::GaveUpCooking, DropReason::GaveUpPricing, DropReason::GaveUpPayment];

    /// The snake_case name used in the run file.
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Expired => "expired",
            DropReason::GaveUpCooking => "gave_up_cooking",
            DropReason::GaveUpPricing => "gave_up_pricing",
            DropReason::GaveUpPayment => "gave_up_payment",
        }
    }

    /// The reason for giving up on `step`.
    pub fn gave_up(step: WorkStep) -> DropReason {
        match step {
            WorkStep::Cook => DropReason::GaveUpCooking,
            WorkStep::Price => DropReason::GaveUpPricing,
            WorkStep::Pay => DropReason::GaveUpPayment,
        }
    }
}

/// A message the alarm clock holds until `due_ms`, then publishes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alarm {
    /// Simulated time at which `message` is published.
    pub due_ms: u64,
    /// What to publish then.
    pub message: Message,
}

/// Every message of the kitchen. The variant name is the message's type name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum Message {
    /// Event: the waiter took an order. Starts the order's correlation.
    OrderPlaced {
        /// The document as the waiter wrote it.
        order: Rc<Order>,
    },
    /// Event: the house started a process manager for the order.
    ProcessStarted {
        /// Which process definition runs the order.
        definition: Definition,
        /// Which version of it.
        version: u8,
    },
    /// Command: cook this order.
    CookFood {
        /// The document to cook.
        order: Rc<Order>,
        /// 1 for the first request, 2.. for retries.
        attempt: u8,
    },
    /// Event: a cook cooked the order.
    FoodCooked {
        /// The document with ingredients, cooking time and the cook's name.
        order: Rc<Order>,
    },
    /// Event: a cook refused an order whose time to live had passed.
    OrderExpired {
        /// The cook's name.
        cook: Rc<String>,
    },
    /// Command: price this order.
    PriceOrder {
        /// The document to price.
        order: Rc<Order>,
        /// 1 for the first request, 2.. for retries.
        attempt: u8,
    },
    /// Event: the assistant manager priced the order.
    OrderPriced {
        /// The document with prices, tax and total.
        order: Rc<Order>,
    },
    /// Command: take payment for this order.
    TakePayment {
        /// The document to charge.
        order: Rc<Order>,
        /// 1 for the first request, 2.. for retries.
        attempt: u8,
    },
    /// Event: the cashier was paid.
    OrderPaid {
        /// The document marked paid.
        order: Rc<Order>,
    },
    /// Command to the alarm clock: publish a message later.
    PublishAt(Rc<Alarm>),
    /// Event (published by the alarm clock): a step was not answered in time.
    StepTimedOut {
        /// Which step.
        step: WorkStep,
        /// Which attempt of it timed out.
        attempt: u8,
    },
    /// Event: the order went the whole way. Terminal.
    OrderCompleted {
        /// The final document.
        order: Rc<Order>,
    },
    /// Event: the order was given up. Terminal.
    OrderDropped {
        /// Why.
        reason: DropReason,
    },
}

/// The type of a message, without its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum MessageType {
    OrderPlaced,
    ProcessStarted,
    CookFood,
    FoodCooked,
    OrderExpired,
    PriceOrder,
    OrderPriced,
    TakePayment,
    OrderPaid,
    PublishAt,
    StepTimedOut,
    OrderCompleted,
    OrderDropped,
}

impl MessageType {
    /// Every message type.
    pub const ALL: [MessageType; 13] = [
        MessageType::OrderPlaced,
        MessageType::ProcessStarted,
        MessageType::CookFood,
        MessageType::FoodCooked,
        MessageType::OrderExpired,
        MessageType::PriceOrder,
        MessageType::OrderPriced,
        MessageType::TakePayment,
        MessageType::OrderPaid,
        MessageType::PublishAt,
        MessageType::StepTimedOut,
        MessageType::OrderCompleted,
        MessageType::OrderDropped,
    ];

    /// The stable type name used in the run file.
    pub fn name(self) -> &'static str {
        match self {
            MessageType::OrderPlaced => "OrderPlaced",
            MessageType::ProcessStarted => "ProcessStarted",
            MessageType::CookFood => "CookFood",
            MessageType::FoodCooked => "FoodCooked",
            MessageType::OrderExpired => "OrderExpired",
            MessageType::PriceOrder => "PriceOrder",
            MessageType::OrderPriced => "OrderPriced",
            MessageType::TakePayment => "TakePayment",
            MessageType::OrderPaid => "OrderPaid",
            MessageType::PublishAt => "PublishAt",
            MessageType::StepTimedOut => "StepTimedOut",
            MessageType::OrderCompleted => "OrderCompleted",
            MessageType::OrderDropped => "OrderDropped",
        }
    }

    /// The type called `name`, if any.
    pub fn from_name(name: &str) -> Option<MessageType> {
        MessageType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Command or event.
    pub fn kind(self) -> Kind {
        match self {
            MessageType::CookFood | MessageType::PriceOrder | MessageType::TakePayment | MessageType::PublishAt => {
                Kind::Command
            }
            _ => Kind::Event,
        }
    }

    /// A bit of its own, for type masks.
    pub fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// Whether this type ends an order.
    pub fn is_terminal(self) -> bool {
        matches!(self, MessageType::OrderCompleted | MessageType::OrderDropped)
    }
}

impl Message {
    /// The message's type.
    pub fn message_type(&self) -> MessageType {
        match self {
            Message::OrderPlaced { .. } => MessageType::OrderPlaced,
            Message::ProcessStarted { .. } => MessageType::ProcessStarted,
            Message::CookFood { .. } => MessageType::CookFood,
            Message::FoodCooked { .. } => MessageType::FoodCooked,
            Message::OrderExpired { .. } => MessageType::OrderExpired,
            Message::PriceOrder { .. } => MessageType::PriceOrder,
            Message::OrderPriced { .. } => MessageType::OrderPriced,
            Message::TakePayment { .. } => MessageType::TakePayment,
            Message::OrderPaid { .. } => MessageType::OrderPaid,
            Message::PublishAt(_) => MessageType::PublishAt,
            Message::StepTimedOut { .. } => MessageType::StepTimedOut,
            Message::OrderCompleted { .. } => MessageType::OrderCompleted,
            Message::OrderDropped { .. } => MessageType::OrderDropped,
        }
    }

    /// The order document the message carries, if it carries one.
    pub fn order(&self) -> Option<&Rc<Order>> {
        match self {
            Message::OrderPlaced { order }
            | Message::CookFood { order, .. }
            | Message::FoodCooked { order, .. }
            | Message::PriceOrder { order, .. }
            | Message::OrderPriced { order }
            | Message::TakePayment { order, .. }
            | Message::OrderPaid { order }
            | Message::OrderCompleted { order } => Some(order),
            _ => None,
        }
    }

    /// The cook named by a `FoodCooked` or `OrderExpired`.
    pub fn cook(&self) -> Option<&str> {
        match self {
            Message::FoodCooked { order } => order.cook(),
            Message::OrderExpired { cook } => Some(cook.as_str()),
            _ => None,
        }
    }

    /// The retry attempt of a work command (1 for the first request).
    pub fn attempt(&self) -> Option<u8> {
        match self {
            Message::CookFood { attempt, .. }
            | Message::PriceOrder { attempt, .. }
            | Message::TakePayment { attempt, .. } => Some(*attempt),
            _ => None,
        }
    }

    /// One line for humans.
    pub fn summary(&self) -> String {
        match self {
            Message::OrderPlaced { order } => {
                let items: Vec<String> =
                    order.items().iter().map(|l| format!("{}× {}", l.qty, l.dish().name)).collect();
                format!("table {}{}: {}", order.table, if order.dodgy { " (dodgy)" } else { "" }, items.join(", "))
            }
            Message::ProcessStarted { definition, version } => format!("{} v{}", definition.name(), version),
            Message::CookFood { attempt, .. }
            | Message::PriceOrder { attempt, .. }
            | Message::TakePayment { attempt, .. } => {
                if *attempt > 1 {
                    format!("retry {}", attempt - 1)
                } else {
                    "first request".to_string()
                }
            }
            Message::FoodCooked { order } => {
                format!("{} cooked in {} ms", order.cook().unwrap_or("?"), order.cooking_ms)
            }
            Message::OrderExpired { cook } => format!("{cook} refused: time to live passed"),
            Message::OrderPriced { order } => format!("total {}", cents(order.total_cents)),
            Message::OrderPaid { order } => format!("paid {}", cents(order.total_cents)),
            Message::PublishAt(alarm) => format!("{} at {} ms", alarm.message.message_type().name(), alarm.due_ms),
            Message::StepTimedOut { step, attempt } => {
                format!("{} attempt {} timed out", step.name(), attempt)
            }
            Message::OrderCompleted { order } => format!("done, {}", cents(order.total_cents)),
            Message::OrderDropped { reason } => format!("dropped: {}", reason.name()),
        }
    }
}

fn cents(c: u32) -> String {
    format!("€{}.{:02}", c / 100, c % 100)
}

/// The id of the message an envelope answers, or none. Stored as the nil UUID when
/// there is none, so that an envelope stays 72 bytes (the log holds millions of them).
///
/// ```
/// use brigade::message::CausationId;
/// let id = uuid::Uuid::from_u128(5);
/// assert_eq!(CausationId::of(id).get(), Some(id));
/// assert_eq!(CausationId::NONE.get(), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CausationId(Uuid);

impl CausationId {
    /// No causation: the message starts an order.
    pub const NONE: CausationId = CausationId(Uuid::nil());

    /// Caused by message `id` (a nil `id` means none).
    pub fn of(id: Uuid) -> Self {
        CausationId(id)
    }

    /// The causing message's id, if any.
    pub fn get(self) -> Option<Uuid> {
        (!self.0.is_nil()).then_some(self.0)
    }
}

impl std::fmt::Debug for CausationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl Serialize for CausationId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

/// A message with its headers.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// This message's id.
    pub id: Uuid,
    /// The order it belongs to (the `OrderPlaced` correlation).
    pub correlation_id: Uuid,
    /// The message it answers; none only for `OrderPlaced`.
    pub causation_id: CausationId,
    /// Simulated time of publication, in ms.
    pub at_ms: u64,
    /// The body.
    pub body: Message,
}

impl Envelope {
    /// The body's type.
    pub fn message_type(&self) -> MessageType {
        self.body.message_type()
    }

    /// The message it answers, as a plain id.
    pub fn causation(&self) -> Option<Uuid> {
        self.causation_id.get()
    }

    /// Whether this message answers message `id`.
    pub fn answers(&self, id: Uuid) -> bool {
        self.causation() == Some(id)
    }
}

/// One published message as the run file writes it: headers, then the body's fields.
#[derive(Serialize)]
pub struct HistoryEntry<'a> {
    /// Position in the history, from 0.
    pub seq: u32,
    /// Simulated time of publication.
    pub at_ms: u64,
    /// `"command"` or `"event"`.
    pub kind: Kind,
    /// Message id.
    pub id: Uuid,
    /// The order it belongs to.
    pub correlation_id: Uuid,
    /// The message it answers.
    pub causation_id: Option<Uuid>,
    /// Type and payload.
    #[serde(flatten)]
    pub body: &'a Message,
}

impl<'a> HistoryEntry<'a> {
    /// The entry for `env` at position `seq`.
    pub fn new(seq: u32, env: &'a Envelope) -> Self {
        HistoryEntry {
            seq,
            at_ms: env.at_ms,
            kind: env.message_type().kind(),
            id: env.id,
            correlation_id: env.correlation_id,
            causation_id: env.causation(),
            body: &env.body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_round_trip_and_kinds() {
        for t in MessageType::ALL {
            assert_eq!(MessageType::from_name(t.name()), Some(t));
        }
        assert_eq!(MessageType::CookFood.kind(), Kind::Command);
        assert_eq!(MessageType::FoodCooked.kind(), Kind::Event);
        assert_eq!(MessageType::PublishAt.kind(), Kind::Command);
    }

    #[test]
    fn history_entry_serialises_headers_type_and_payload() {
        let env = Envelope {
            id: Uuid::from_u128(1),
            correlation_id: Uuid::from_u128(2),
            causation_id: CausationId::NONE,
            at_ms: 5,
            body: Message::StepTimedOut { step: WorkStep::Cook, attempt: 2 },
        };
        let v = serde_json::to_value(HistoryEntry::new(3, &env)).unwrap();
        assert_eq!(v["type"], "StepTimedOut");
        assert_eq!(v["kind"], "event");
        assert_eq!(v["seq"], 3);
        assert_eq!(v["step"], "cook");
        assert!(v["causation_id"].is_null());
    }

    #[test]
    fn envelope_stays_small() {
        assert!(std::mem::size_of::<Envelope>() <= 72, "{}", std::mem::size_of::<Envelope>());
        assert!(std::mem::size_of::<Message>() <= 16, "{}", std::mem::size_of::<Message>());
    }
}
