//! Messages: the envelope with its headers, and the commands and events of the kitchen.
//!
//! Every message travels in an [`Envelope`] carrying `id`, `correlation_id` (the order it
//! belongs to) and `causation_id` (the message it answers), as in the workshop. Bodies
//! are one enum, [`Message`]; its variant name is the stable type name used in the run
//! file.

pub use crate::definition::{Definition, WorkStep};
use crate::order::Order;
use serde::Serialize;
use std::rc::Rc;
use strum::{EnumCount, EnumDiscriminants, EnumIter, EnumString, IntoEnumIterator, IntoStaticStr};
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

/// Why an order was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, EnumIter, IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
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
    /// The snake_case name used in the run file.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The reason named `name` (see [`DropReason::name`]).
    pub fn from_name(name: &str) -> Option<DropReason> {
        <DropReason as IntoEnumIterator>::iter().find(|r| r.name() == name)
    }

    /// The reason for giving up on `step`.
    pub fn gave_up(step: WorkStep) -> DropReason {
        match step {
            WorkStep::Cook => DropReason::GaveUpCooking,
            WorkStep::Price => DropReason::GaveUpPricing,
            WorkStep::Pay | WorkStep::Refund => DropReason::GaveUpPayment,
        }
    }
}

/// Why a process manager rejected a message (the workshop's "throw events when invalid
/// events, state").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, EnumIter, IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum RejectReason {
    /// A second answer to a step already answered.
    Duplicate,
    /// An answer to a step (or an attempt) the process is not waiting for.
    Stale,
    /// Anything but a payment after the order ended.
    AfterEnd,
    /// A message of a type the process does not handle.
    Unexpected,
}

impl RejectReason {
    /// The kebab-case name used in the run file.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The reason named `name` (see [`RejectReason::name`]).
    pub fn from_name(name: &str) -> Option<RejectReason> {
        <RejectReason as IntoEnumIterator>::iter().find(|r| r.name() == name)
    }
}

/// What a `MessageRejected` says about the message it rejects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    /// The rejected message's id.
    pub rejected_id: Uuid,
    /// The rejected message's type.
    pub rejected_type: MessageType,
    /// Why it was rejected.
    pub reason: RejectReason,
}

/// Why the cashier refused a payment or a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum RefusalReason {
    /// The order is already paid: it is never charged twice.
    AlreadyPaid,
    /// A refund for an order that is not paid (or already refunded).
    NotPaid,
}

/// What an alarm (`PublishAt`) publishes when it rings, and when: always a `StepTimedOut`.
///
/// Packed in 7 bytes (due time in 46 bits, the step in 2, the attempt in 8), so that a
/// message stays 8 bytes in wasm32 and an alarm needs no allocation. Simulated time stays
/// far below 2^46 ms (2,200 years; the config allows at most about 114).
///
/// ```
/// use brigade::message::{Alarm, Message, WorkStep};
/// let alarm = Alarm::new(123_456_789, WorkStep::Pay, 3);
/// assert_eq!((alarm.due_ms(), alarm.step(), alarm.attempt()), (123_456_789, WorkStep::Pay, 3));
/// assert_eq!(alarm.message(), Message::StepTimedOut { step: WorkStep::Pay, attempt: 3 });
/// ```
///
/// Natively it is aligned to 8 bytes: a message is 16 bytes there either way, and with its
/// payload at offset 8 a message is copied in two aligned words (with 7 bytes at offset 1,
/// copies were overlapping loads that straddled the stores of the copy before, which the
/// processor cannot forward).
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), repr(align(8)))]
pub struct Alarm([u8; 7]);

impl Alarm {
    const DUE_BITS: u32 = 46;

    /// An alarm publishing `StepTimedOut { step, attempt }` at `due_ms` (at most 2^46 − 1).
    pub fn new(due_ms: u64, step: WorkStep, attempt: u8) -> Alarm {
        let due = due_ms.min((1 << Self::DUE_BITS) - 1);
        let step = match step {
            WorkStep::Cook => 0u64,
            WorkStep::Price => 1,
            WorkStep::Pay => 2,
            WorkStep::Refund => 3,
        };
        let word = due | (step << Self::DUE_BITS) | ((attempt as u64) << (Self::DUE_BITS + 2));
        let mut bytes = [0u8; 7];
        bytes.copy_from_slice(&word.to_le_bytes()[..7]);
        Alarm(bytes)
    }

    fn word(self) -> u64 {
        let mut bytes = [0u8; 8];
        bytes[..7].copy_from_slice(&self.0);
        u64::from_le_bytes(bytes)
    }

    /// When it rings, in simulated ms.
    pub fn due_ms(self) -> u64 {
        self.word() & ((1 << Self::DUE_BITS) - 1)
    }

    /// The step whose timeout it is.
    pub fn step(self) -> WorkStep {
        match (self.word() >> Self::DUE_BITS) & 3 {
            0 => WorkStep::Cook,
            1 => WorkStep::Price,
            2 => WorkStep::Pay,
            _ => WorkStep::Refund,
        }
    }

    /// The attempt of that step.
    pub fn attempt(self) -> u8 {
        (self.word() >> (Self::DUE_BITS + 2)) as u8
    }

    /// What it publishes when it rings.
    pub fn message(self) -> Message {
        Message::StepTimedOut { step: self.step(), attempt: self.attempt() }
    }
}

impl std::fmt::Debug for Alarm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alarm").field("due_ms", &self.due_ms()).field("message", &self.message()).finish()
    }
}

/// As the run file writes it: the due time, then the message published then.
impl Serialize for Alarm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut m = s.serialize_struct("Alarm", 2)?;
        m.serialize_field("due_ms", &self.due_ms())?;
        m.serialize_field("message", &self.message())?;
        m.end()
    }
}

/// Every message of the kitchen. The variant name is the message's type name; the
/// [`MessageType`] enum (type without payload) is derived from it, so the names live in
/// one place.
#[derive(Debug, PartialEq, Serialize, EnumDiscriminants)]
#[serde(tag = "type")]
#[strum_discriminants(name(MessageType), vis(pub))]
#[strum_discriminants(derive(Hash, PartialOrd, Ord, EnumIter, EnumCount, IntoStaticStr, EnumString))]
#[strum_discriminants(doc = "The type of a message, without its payload.", allow(missing_docs))]
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
        /// The attempt of `CookFood` it refused.
        attempt: u8,
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
    /// Event: the cashier refused to charge (or refund) an order.
    PaymentRefused {
        /// Why.
        reason: RefusalReason,
    },
    /// Command: give the customer their money back (compensation).
    RefundPayment {
        /// The document to refund.
        order: Rc<Order>,
    },
    /// Event: the cashier refunded the order.
    PaymentRefunded {
        /// The document marked unpaid.
        order: Rc<Order>,
    },
    /// Command to the alarm clock: publish a `StepTimedOut` later. Held inline, not behind
    /// a pointer: a run sets four or five alarms an order.
    PublishAt(Alarm),
    /// Event (published by the alarm clock): a step was not answered in time.
    StepTimedOut {
        /// Which step.
        step: WorkStep,
        /// Which attempt of it timed out.
        attempt: u8,
    },
    /// Event: a process manager got a message its state does not allow.
    MessageRejected(Rc<Rejection>),
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
    /// Event: the process manager stopped asking for a refund nobody answered and handed
    /// the order's money to a person (a known end state for the money).
    RefundEscalated {
        /// Refund requests sent without an answer.
        attempts: u32,
    },
    /// Event: a worker failed on a message every time it was tried; the message waits in
    /// the dead-letter queue.
    MessageDeadLettered(Rc<DeadLetter>),
    /// Event: a person moved a live order to another version of its process definition;
    /// the house decides it under that version from now on (its history replays the same
    /// under it, or the move is refused).
    ProcessMigrated {
        /// The order's definition (unchanged).
        definition: Definition,
        /// The version it runs from now on.
        version: u8,
        /// The version it ran before.
        from: u8,
    },
}

/// Why a worker failed on a message (a poison message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, EnumIter, IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum PoisonReason {
    /// The seeded failure rate (`poison`): the handler failed on it.
    HandlerFailed,
    /// The order holds the dish no cook can cook (`poison_dish`).
    CannotCook,
    /// A person marked it poison.
    ByHand,
}

impl PoisonReason {
    /// The kebab-case name used in the run file.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The reason named `name` (see [`PoisonReason::name`]).
    pub fn from_name(name: &str) -> Option<PoisonReason> {
        <PoisonReason as IntoEnumIterator>::iter().find(|r| r.name() == name)
    }
}

/// What a `MessageDeadLettered` says about the message it set aside.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadLetter {
    /// The failed message's id.
    pub message_id: Uuid,
    /// Its type.
    pub message_type: MessageType,
    /// The worker that failed on it.
    pub worker: Rc<String>,
    /// Why it failed.
    pub reason: PoisonReason,
    /// How many times it was tried.
    pub attempts: u8,
}

impl Serialize for MessageType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// In TypeScript, the union of the type names (from the same enum).
#[cfg(not(target_arch = "wasm32"))]
impl ts_rs::TS for MessageType {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &ts_rs::Config) -> String {
        "MessageType".to_string()
    }

    fn inline(_: &ts_rs::Config) -> String {
        MessageType::all().map(|t| format!("\"{}\"", t.name())).collect::<Vec<_>>().join(" | ")
    }

    fn decl(cfg: &ts_rs::Config) -> String {
        format!("type MessageType = {};", Self::inline(cfg))
    }
}

impl MessageType {
    /// Every message type, in declaration order.
    pub fn all() -> impl Iterator<Item = MessageType> {
        <MessageType as IntoEnumIterator>::iter()
    }

    /// How many message types there are.
    pub const COUNT: usize = <MessageType as EnumCount>::COUNT;

    /// The stable type name used in the run file.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The type called `name`, if any.
    pub fn from_name(name: &str) -> Option<MessageType> {
        name.parse().ok()
    }

    /// Command or event.
    pub fn kind(self) -> Kind {
        match self {
            MessageType::CookFood
            | MessageType::PriceOrder
            | MessageType::TakePayment
            | MessageType::RefundPayment
            | MessageType::PublishAt => Kind::Command,
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

/// Cloning a message copies its small fields and counts one more holder of its document.
/// Written out rather than derived so that it is inlined where the store builds an
/// envelope (the derived one was called, and its 16-byte result went through memory).
impl Clone for Message {
    #[inline(always)]
    fn clone(&self) -> Message {
        use Message::*;
        match self {
            OrderPlaced { order } => OrderPlaced { order: order.clone() },
            ProcessStarted { definition, version } => ProcessStarted { definition: *definition, version: *version },
            CookFood { order, attempt } => CookFood { order: order.clone(), attempt: *attempt },
            FoodCooked { order } => FoodCooked { order: order.clone() },
            OrderExpired { cook, attempt } => OrderExpired { cook: cook.clone(), attempt: *attempt },
            PriceOrder { order, attempt } => PriceOrder { order: order.clone(), attempt: *attempt },
            OrderPriced { order } => OrderPriced { order: order.clone() },
            TakePayment { order, attempt } => TakePayment { order: order.clone(), attempt: *attempt },
            OrderPaid { order } => OrderPaid { order: order.clone() },
            PaymentRefused { reason } => PaymentRefused { reason: *reason },
            RefundPayment { order } => RefundPayment { order: order.clone() },
            PaymentRefunded { order } => PaymentRefunded { order: order.clone() },
            PublishAt(alarm) => PublishAt(*alarm),
            StepTimedOut { step, attempt } => StepTimedOut { step: *step, attempt: *attempt },
            MessageRejected(rejection) => MessageRejected(rejection.clone()),
            OrderCompleted { order } => OrderCompleted { order: order.clone() },
            OrderDropped { reason } => OrderDropped { reason: *reason },
            RefundEscalated { attempts } => RefundEscalated { attempts: *attempts },
            MessageDeadLettered(letter) => MessageDeadLettered(letter.clone()),
            ProcessMigrated { definition, version, from } => {
                ProcessMigrated { definition: *definition, version: *version, from: *from }
            }
        }
    }
}

impl Message {
    /// The message's type.
    pub fn message_type(&self) -> MessageType {
        self.into()
    }

    /// A message of type `t` carrying `order` (a first attempt for work commands), for
    /// the types that carry nothing else; `None` for the others.
    pub fn with_order(t: MessageType, order: Rc<Order>) -> Option<Message> {
        Some(match t {
            MessageType::OrderPlaced => Message::OrderPlaced { order },
            MessageType::CookFood => Message::CookFood { order, attempt: 1 },
            MessageType::FoodCooked => Message::FoodCooked { order },
            MessageType::PriceOrder => Message::PriceOrder { order, attempt: 1 },
            MessageType::OrderPriced => Message::OrderPriced { order },
            MessageType::TakePayment => Message::TakePayment { order, attempt: 1 },
            MessageType::OrderPaid => Message::OrderPaid { order },
            MessageType::RefundPayment => Message::RefundPayment { order },
            MessageType::PaymentRefunded => Message::PaymentRefunded { order },
            MessageType::OrderCompleted => Message::OrderCompleted { order },
            _ => return None,
        })
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
            | Message::RefundPayment { order }
            | Message::PaymentRefunded { order }
            | Message::OrderCompleted { order } => Some(order),
            _ => None,
        }
    }

    /// The cook named by a `FoodCooked` or `OrderExpired`.
    pub fn cook(&self) -> Option<&str> {
        match self {
            Message::FoodCooked { order } => order.cook(),
            Message::OrderExpired { cook, .. } => Some(cook.as_str()),
            _ => None,
        }
    }

    /// The alarm a `PublishAt` sets.
    pub fn alarm(&self) -> Option<Alarm> {
        match self {
            Message::PublishAt(alarm) => Some(*alarm),
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
            Message::OrderExpired { cook, attempt } => {
                format!("{cook} refused attempt {attempt}: time to live passed")
            }
            Message::OrderPriced { order } => format!("total {}", cents(order.total_cents)),
            Message::OrderPaid { order } => format!("paid {}", cents(order.total_cents)),
            Message::PaymentRefused { reason } => format!("refused: {}", <&str>::from(*reason)),
            Message::RefundPayment { order } => format!("refund {}", cents(order.total_cents)),
            Message::PaymentRefunded { order } => format!("refunded {}", cents(order.total_cents)),
            Message::PublishAt(alarm) => format!("{} at {} ms", MessageType::StepTimedOut.name(), alarm.due_ms()),
            Message::StepTimedOut { step, attempt } => {
                format!("{} attempt {} timed out", step.name(), attempt)
            }
            Message::MessageRejected(r) => format!("rejected {} ({})", r.rejected_type.name(), r.reason.name()),
            Message::OrderCompleted { order } => format!("done, {}", cents(order.total_cents)),
            Message::OrderDropped { reason } => format!("dropped: {}", reason.name()),
            Message::RefundEscalated { attempts } => {
                format!("refund handed to a person after {attempts} unanswered requests")
            }
            Message::ProcessMigrated { definition, version, from } => {
                format!("{} v{from} → v{version}", definition.name())
            }
            Message::MessageDeadLettered(d) => {
                format!(
                    "{} set aside by {} after {} tries ({})",
                    d.message_type.name(),
                    d.worker,
                    d.attempts,
                    d.reason.name()
                )
            }
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

/// A published message as a handler reads it, straight from the store: its position, id,
/// correlation, time and body, without the causation (which no built-in handler reads, and
/// which costs a look-up of the cause's record) and without copying the body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delivered<'a> {
    /// Its position in the store: the store's business (its look-ups start there), not the
    /// handlers', who ask the store with the message itself ([`crate::store::Store::order_stream`]).
    pub(crate) seq: u32,
    /// Its id.
    pub id: Uuid,
    /// The order it belongs to.
    pub correlation_id: Uuid,
    /// When it was published, in simulated ms.
    pub at_ms: u64,
    /// The body, where the store keeps it.
    pub body: &'a Message,
}

/// The position of a message handed to a handler without the store ([`Delivered::of`]).
pub const NOT_IN_STORE: u32 = u32::MAX;

impl<'a> Delivered<'a> {
    /// `env` as a handler reads it, for a handler called outside the executor (a test, a
    /// process manager run by hand): it has no position in a store.
    pub fn of(env: &'a Envelope) -> Delivered<'a> {
        Delivered {
            seq: NOT_IN_STORE,
            id: env.id,
            correlation_id: env.correlation_id,
            at_ms: env.at_ms,
            body: &env.body,
        }
    }

    /// The body's type.
    pub fn message_type(&self) -> MessageType {
        self.body.message_type()
    }
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
        assert_eq!(MessageType::all().count(), MessageType::COUNT);
        for t in MessageType::all() {
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

    /// One message of every type: the written-out `Clone` gives an equal message that
    /// shares its document (one more holder), for each of them.
    #[test]
    fn every_message_clones_equal_and_shares_its_document() {
        pub use crate::definition::{Definition, WorkStep};
        let order = Rc::new(Order::draw(&mut crate::rng::Rng::new(1), false, 0));
        let cook = Rc::new("Koen".to_string());
        let rejection = Rc::new(Rejection {
            rejected_id: Uuid::from_u128(1),
            rejected_type: MessageType::FoodCooked,
            reason: RejectReason::Duplicate,
        });
        let o = || order.clone();
        let all = [
            Message::OrderPlaced { order: o() },
            Message::ProcessStarted { definition: Definition::PayFirst, version: 2 },
            Message::CookFood { order: o(), attempt: 2 },
            Message::FoodCooked { order: o() },
            Message::OrderExpired { cook: cook.clone(), attempt: 3 },
            Message::PriceOrder { order: o(), attempt: 1 },
            Message::OrderPriced { order: o() },
            Message::TakePayment { order: o(), attempt: 4 },
            Message::OrderPaid { order: o() },
            Message::PaymentRefused { reason: RefusalReason::NotPaid },
            Message::RefundPayment { order: o() },
            Message::PaymentRefunded { order: o() },
            Message::PublishAt(Alarm::new(2500, WorkStep::Price, 2)),
            Message::StepTimedOut { step: WorkStep::Pay, attempt: 3 },
            Message::MessageRejected(rejection.clone()),
            Message::OrderCompleted { order: o() },
            Message::OrderDropped { reason: DropReason::GaveUpPayment },
            Message::RefundEscalated { attempts: 5 },
            Message::ProcessMigrated { definition: Definition::PayLast, version: 2, from: 1 },
            Message::MessageDeadLettered(Rc::new(DeadLetter {
                message_id: Uuid::from_u128(2),
                message_type: MessageType::CookFood,
                worker: cook.clone(),
                reason: PoisonReason::CannotCook,
                attempts: 3,
            })),
        ];
        let types: std::collections::BTreeSet<_> = all.iter().map(Message::message_type).collect();
        assert_eq!(types.len(), MessageType::COUNT, "one of each type");
        let holders = || Rc::strong_count(&order) + Rc::strong_count(&cook) + Rc::strong_count(&rejection);
        for m in &all {
            let before = holders();
            let copy = m.clone();
            assert_eq!(&copy, m);
            let plain = matches!(
                m,
                Message::ProcessStarted { .. }
                    | Message::PaymentRefused { .. }
                    | Message::PublishAt(_)
                    | Message::StepTimedOut { .. }
                    | Message::OrderDropped { .. }
                    | Message::RefundEscalated { .. }
                    | Message::ProcessMigrated { .. }
                    | Message::MessageDeadLettered(_)
            );
            assert_eq!(holders(), before + usize::from(!plain), "{m:?}: one more holder of what it carries");
            if let Some(document) = copy.order() {
                assert!(Rc::ptr_eq(document, &order), "the copy shares the document");
            }
        }
    }

    #[test]
    fn envelope_stays_small() {
        assert!(std::mem::size_of::<Envelope>() <= 72, "{}", std::mem::size_of::<Envelope>());
        assert!(std::mem::size_of::<Message>() <= 16, "{}", std::mem::size_of::<Message>());
        // 7 bytes in wasm32 (a message in 8); aligned to 8 natively (a message in 16)
        let alarm = if cfg!(target_arch = "wasm32") { 7 } else { 8 };
        assert_eq!(std::mem::size_of::<Alarm>(), alarm);
    }

    #[test]
    fn an_alarm_keeps_every_step_attempt_and_a_due_time_of_46_bits() {
        for step in [WorkStep::Cook, WorkStep::Price, WorkStep::Pay, WorkStep::Refund] {
            for attempt in [0, 1, 11, 255] {
                for due in [0, 1, 3_600_000_000_000, (1 << 46) - 1] {
                    let a = Alarm::new(due, step, attempt);
                    assert_eq!((a.due_ms(), a.step(), a.attempt()), (due, step, attempt));
                }
            }
        }
        let v = serde_json::to_value(Message::PublishAt(Alarm::new(2500, WorkStep::Cook, 1))).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type": "PublishAt", "due_ms": 2500,
            "message": {"type": "StepTimedOut", "step": "cook", "attempt": 1}})
        );
    }
}
