//! The wiring: who hears which message, and what each worker answers — one value per
//! architecture, applied by the executor and drawn by the page.
//!
//! The workshop builds the same restaurant three ways. In *choreography* every worker
//! reacts to the previous worker's event; with *commands* every worker is told where to
//! send its result; with a *process manager* the workers only announce what they did and
//! one process per order decides what comes next. The dodgy customer's pay-first flow
//! shows the difference: without a process manager most workers must be rewired.

use crate::message::MessageType;
pub use crate::role::Role;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};

/// How the same workers are wired together (the workshop's three stages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, IntoStaticStr, EnumString)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub enum Architecture {
    /// One process manager per order decides every next command (the default).
    ProcessManager,
    /// Events only: each worker reacts to the previous worker's event.
    Choreography,
    /// Each worker is told where to send its result next.
    Commands,
}

impl Architecture {
    /// Every architecture, in the workshop's order of presentation.
    pub const ALL: [Architecture; 3] =
        [Architecture::Choreography, Architecture::Commands, Architecture::ProcessManager];

    /// The CLI and config name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The architecture called `name`.
    pub fn from_name(name: &str) -> Option<Architecture> {
        name.parse().ok()
    }
}

/// Which customers a subscription or reaction is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub enum Customers {
    /// Everybody (also messages that carry no order document).
    All,
    /// Customers who pay last.
    Normal,
    /// Dodgy customers, who pay first.
    Dodgy,
}

impl Customers {
    /// Whether an order from a customer who is `dodgy` (`None`: unknown, the message
    /// carries no document) is concerned.
    pub fn includes(self, dodgy: Option<bool>) -> bool {
        match (self, dodgy) {
            (Customers::All, _) | (_, None) => true,
            (Customers::Normal, Some(d)) => !d,
            (Customers::Dodgy, Some(d)) => d,
        }
    }
}

/// `role` hears every message of type `message_type` for `customers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Subscription {
    /// Who hears it.
    pub role: Role,
    /// What it hears.
    #[serde(rename = "type")]
    pub message_type: MessageType,
    /// For whom.
    pub customers: Customers,
}

/// A worker handling `on` for `customers` answers with a message of type `then`
/// (`None`: it answers nothing, as the printer of completed orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Reaction {
    /// The worker.
    pub role: Role,
    /// What it handles.
    pub on: MessageType,
    /// For whom.
    pub customers: Customers,
    /// What it answers.
    pub then: Option<MessageType>,
}

/// One arrow of the floor: messages of type `message_type` go from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Link {
    /// Publisher.
    pub from: Role,
    /// Receiver.
    pub to: Role,
    /// What travels.
    #[serde(rename = "type")]
    pub message_type: MessageType,
    /// For whom.
    pub customers: Customers,
    /// `true` for the house's per-order follows (a subscription by correlation id).
    pub by_correlation: bool,
}

/// The whole wiring of one architecture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Wiring {
    /// Which architecture.
    pub architecture: Architecture,
    /// Subscriptions by type.
    pub subscriptions: Vec<Subscription>,
    /// What each worker answers.
    pub reactions: Vec<Reaction>,
    /// The types the house hears of each order it follows (by correlation id, from the
    /// order's `OrderPlaced` on).
    pub follows: Vec<MessageType>,
    /// What the house's process managers may publish (empty without them).
    pub decisions: Vec<MessageType>,
}

use Customers::{All, Dodgy, Normal};
use MessageType as T;
use Role::*;

fn sub(role: Role, message_type: MessageType, customers: Customers) -> Subscription {
    Subscription { role, message_type, customers }
}

fn react(role: Role, on: MessageType, customers: Customers, then: Option<MessageType>) -> Reaction {
    Reaction { role, on, customers, then }
}

impl Wiring {
    /// The wiring of `architecture`.
    ///
    /// ```
    /// use brigade::scenario::Architecture;
    /// use brigade::wiring::Wiring;
    /// assert_eq!(Wiring::of(Architecture::ProcessManager).rewired_for_pay_first().len(), 0);
    /// assert_eq!(Wiring::of(Architecture::Choreography).rewired_for_pay_first().len(), 3);
    /// ```
    pub fn of(architecture: Architecture) -> Wiring {
        let mut w = Wiring {
            architecture,
            subscriptions: Vec::new(),
            reactions: Vec::new(),
            follows: Vec::new(),
            decisions: Vec::new(),
        };
        match architecture {
            Architecture::ProcessManager => {
                w.subscriptions = vec![
                    sub(House, T::OrderPlaced, All),
                    sub(Dispatcher, T::CookFood, All),
                    sub(AssistantManager, T::PriceOrder, All),
                    sub(Cashier, T::TakePayment, All),
                    sub(Cashier, T::RefundPayment, All),
                    sub(AlarmClock, T::PublishAt, All),
                    sub(Printer, T::OrderCompleted, All),
                ];
                w.reactions = vec![
                    react(Cook, T::CookFood, All, Some(T::FoodCooked)),
                    react(AssistantManager, T::PriceOrder, All, Some(T::OrderPriced)),
                    react(Cashier, T::TakePayment, All, Some(T::OrderPaid)),
                    react(Cashier, T::RefundPayment, All, Some(T::PaymentRefunded)),
                    react(Printer, T::OrderCompleted, All, None),
                ];
                // what the process managers react to, past the order's start
                w.follows = crate::process::manager::INPUTS.into_iter().filter(|&t| t != T::OrderPlaced).collect();
                w.decisions = vec![
                    T::ProcessStarted,
                    T::CookFood,
                    T::PriceOrder,
                    T::TakePayment,
                    T::RefundPayment,
                    T::PublishAt,
                    T::MessageRejected,
                    T::OrderCompleted,
                    T::OrderDropped,
                    T::RefundEscalated,
                    T::ProcessMigrated,
                ];
            }
            Architecture::Choreography => {
                w.subscriptions = vec![
                    sub(Dispatcher, T::OrderPlaced, Normal),
                    sub(AssistantManager, T::FoodCooked, Normal),
                    sub(Cashier, T::OrderPriced, All),
                    sub(Printer, T::OrderPaid, Normal),
                    sub(AssistantManager, T::OrderPlaced, Dodgy),
                    sub(Dispatcher, T::OrderPaid, Dodgy),
                    sub(Printer, T::FoodCooked, Dodgy),
                    sub(Printer, T::OrderExpired, All),
                ];
                w.reactions = vec![
                    react(Cook, T::OrderPlaced, Normal, Some(T::FoodCooked)),
                    react(AssistantManager, T::FoodCooked, Normal, Some(T::OrderPriced)),
                    react(Cashier, T::OrderPriced, All, Some(T::OrderPaid)),
                    react(Printer, T::OrderPaid, Normal, Some(T::OrderCompleted)),
                    react(AssistantManager, T::OrderPlaced, Dodgy, Some(T::OrderPriced)),
                    react(Cook, T::OrderPaid, Dodgy, Some(T::FoodCooked)),
                    react(Printer, T::FoodCooked, Dodgy, Some(T::OrderCompleted)),
                    react(Printer, T::OrderExpired, All, Some(T::OrderDropped)),
                ];
            }
            Architecture::Commands => {
                w.subscriptions = vec![
                    sub(Dispatcher, T::CookFood, All),
                    sub(AssistantManager, T::PriceOrder, All),
                    sub(Cashier, T::TakePayment, All),
                    sub(Printer, T::OrderPaid, Normal),
                    sub(Printer, T::FoodCooked, Dodgy),
                    sub(Printer, T::OrderExpired, All),
                ];
                w.reactions = vec![
                    react(Waiter, T::OrderPlaced, Normal, Some(T::CookFood)),
                    react(Cook, T::CookFood, Normal, Some(T::PriceOrder)),
                    react(AssistantManager, T::PriceOrder, All, Some(T::TakePayment)),
                    react(Cashier, T::TakePayment, Normal, Some(T::OrderPaid)),
                    react(Printer, T::OrderPaid, Normal, Some(T::OrderCompleted)),
                    react(Waiter, T::OrderPlaced, Dodgy, Some(T::PriceOrder)),
                    react(Cashier, T::TakePayment, Dodgy, Some(T::CookFood)),
                    react(Cook, T::CookFood, Dodgy, Some(T::FoodCooked)),
                    react(Printer, T::FoodCooked, Dodgy, Some(T::OrderCompleted)),
                    react(Printer, T::OrderExpired, All, Some(T::OrderDropped)),
                ];
            }
        }
        w
    }

    /// What `role` answers to a message of type `on` for a customer who is `dodgy`:
    /// `None` when it has no reaction to it, `Some(None)` when it reacts without answering.
    pub fn reaction(&self, role: Role, on: MessageType, dodgy: Option<bool>) -> Option<Option<MessageType>> {
        self.reactions.iter().find(|r| r.role == role && r.on == on && r.customers.includes(dodgy)).map(|r| r.then)
    }

    /// Whether the process managers run the orders.
    pub fn has_process_managers(&self) -> bool {
        self.architecture == Architecture::ProcessManager
    }

    /// The workers whose subscriptions or reactions differ between a normal customer's
    /// flow and a dodgy one's: what changing the flow to pay-first costs.
    pub fn rewired_for_pay_first(&self) -> Vec<Role> {
        let view = |role: Role, dodgy: bool| {
            let mut subs: Vec<MessageType> = self
                .subscriptions
                .iter()
                .filter(|s| s.role == role && s.customers.includes(Some(dodgy)))
                .map(|s| s.message_type)
                .collect();
            let mut reacts: Vec<(MessageType, Option<MessageType>)> = self
                .reactions
                .iter()
                .filter(|r| r.role == role && r.customers.includes(Some(dodgy)))
                .map(|r| (r.on, r.then))
                .collect();
            subs.sort();
            reacts.sort();
            (subs, reacts)
        };
        Role::WORKERS.into_iter().filter(|&role| view(role, false) != view(role, true)).collect()
    }

    /// Who may publish each message type, and for which customers (the waiter its
    /// `OrderPlaced`, each worker its answers, the house its decisions, the alarm clock
    /// the timeouts it rings), whether anyone hears it or not.
    pub fn publishers(&self) -> Vec<(Role, MessageType, Customers)> {
        let mut publishers: Vec<(Role, MessageType, Customers)> = vec![(Waiter, T::OrderPlaced, All)];
        for r in &self.reactions {
            if let Some(t) = r.then {
                // the dispatcher passes work on to a cook, the cook answers
                publishers.push((r.role, t, r.customers));
            }
            // told to pass a paid order on (commands, pay-first), the cashier still records
            // the charge as an `OrderPaid`
            if r.role == Cashier && r.then.is_some_and(|t| t != T::OrderPaid && t != T::PaymentRefunded) {
                publishers.push((Cashier, T::OrderPaid, r.customers));
            }
        }
        // the refusals: a cook past the order's time to live, the cashier asked to charge
        // twice or to refund what was not paid
        publishers.push((Cook, T::OrderExpired, All));
        publishers.push((Cashier, T::PaymentRefused, All));
        for &t in &self.decisions {
            publishers.push((House, t, All));
        }
        if self.has_process_managers() {
            publishers.push((AlarmClock, T::StepTimedOut, All));
        }
        publishers
    }

    /// Every arrow of the floor: who publishes each message type to whom.
    pub fn links(&self) -> Vec<Link> {
        let publishers = self.publishers();
        let mut links = Vec::new();
        let mut add = |link: Link| {
            if !links.contains(&link) {
                links.push(link);
            }
        };
        for &(from, t, pc) in &publishers {
            let overlap = |sc: Customers| match (pc, sc) {
                (All, c) | (c, All) => Some(c),
                (a, b) if a == b => Some(a),
                _ => None,
            };
            for s in self.subscriptions.iter().filter(|s| s.message_type == t) {
                if let Some(customers) = overlap(s.customers) {
                    add(Link { from, to: s.role, message_type: t, customers, by_correlation: false });
                }
            }
            if self.follows.contains(&t) {
                add(Link { from, to: House, message_type: t, customers: pc, by_correlation: true });
            }
        }
        // the dispatcher hands what it receives to a cook
        for s in self.subscriptions.iter().filter(|s| s.role == Dispatcher) {
            add(Link {
                from: Dispatcher,
                to: Cook,
                message_type: s.message_type,
                customers: s.customers,
                by_correlation: false,
            });
        }
        links
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_worker_reaction_has_a_subscription_to_deliver_it() {
        for a in Architecture::ALL {
            let w = Wiring::of(a);
            for r in w.reactions.iter().filter(|r| r.role != Waiter) {
                // a cook hears through the dispatcher
                let hearer = if r.role == Cook { Dispatcher } else { r.role };
                assert!(
                    w.subscriptions.iter().any(|s| s.role == hearer && s.message_type == r.on),
                    "{a:?}: {r:?} has no subscription"
                );
            }
        }
    }

    #[test]
    fn pay_first_rewires_three_workers_without_process_managers_and_none_with() {
        let names = |a| Wiring::of(a).rewired_for_pay_first();
        assert_eq!(names(Architecture::Choreography), vec![Cook, AssistantManager, Printer]);
        assert_eq!(names(Architecture::Commands), vec![Cook, Cashier, Printer]);
        assert!(names(Architecture::ProcessManager).is_empty());
    }

    #[test]
    fn links_follow_the_workshop_chain() {
        let links = Wiring::of(Architecture::Choreography).links();
        let has = |from, to, t| links.iter().any(|l| l.from == from && l.to == to && l.message_type == t);
        assert!(has(Waiter, Dispatcher, T::OrderPlaced));
        assert!(has(Cook, AssistantManager, T::FoodCooked));
        assert!(has(Cashier, Printer, T::OrderPaid));
        assert!(!has(Waiter, House, T::OrderPlaced));
        let pm = Wiring::of(Architecture::ProcessManager).links();
        assert!(pm.iter().any(|l| l.from == Cook && l.to == House && l.by_correlation));
        assert!(pm.iter().any(|l| l.from == House && l.to == Dispatcher && l.message_type == T::CookFood));
    }
}
