//! The workshop's rules as the explorer checks them: the safety rules on every state (a
//! scan of each order's stream with running counts, so a rule broken at some step stays
//! broken in every later state of the run), and the end rules once the run is idle.

use crate::message::{Envelope, Message, MessageType};
use crate::sim::actor::HOUSE;
use crate::sim::World;
use serde::Serialize;

/// One rule of the workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Exactly one terminal event per order (at most one at any time; one at the end).
    OneTerminalEvent,
    /// Never charged twice: payments − refunds never exceed 1.
    ChargedOnce,
    /// At the end, payments − refunds is 1 for a completed order and 0 otherwise.
    PaidIfCompleted,
    /// An order completes only after it was cooked, priced and paid.
    CompletedAfterWork,
    /// A pay-first (dodgy) order is never cooked before it is paid.
    PayFirstBeforeCooking,
    /// No step is attempted more than `max_retries + 1` times.
    BoundedRetries,
    /// After its terminal event, a process manager sends only refunds, alarms and
    /// rejections.
    QuietAfterEnd,
    /// A learner's process manager decides without an error (checked only when it runs:
    /// [`super::learner`]).
    Runs,
    /// A second charge is asked for only as a retry after the payment's timeout rang: a
    /// repeated answer never leads to another `TakePayment` (checked for a learner's
    /// process manager: [`super::learner`]; the cashier refuses a second charge, so this is
    /// the mistake "pays twice under duplicates" leaves in the history).
    PayAgainOnlyOnTimeout,
}

impl Rule {
    /// Every rule the explorer checks for every process manager, safety rules first (the
    /// learner's own two, [`Rule::Runs`] and [`Rule::PayAgainOnlyOnTimeout`], come on top
    /// for a learner's process manager).
    pub const ALL: [Rule; 7] = [
        Rule::OneTerminalEvent,
        Rule::ChargedOnce,
        Rule::CompletedAfterWork,
        Rule::PayFirstBeforeCooking,
        Rule::BoundedRetries,
        Rule::QuietAfterEnd,
        Rule::PaidIfCompleted,
    ];

    /// Short name (kebab case).
    pub fn name(self) -> &'static str {
        match self {
            Rule::OneTerminalEvent => "one-terminal-event",
            Rule::ChargedOnce => "charged-once",
            Rule::PaidIfCompleted => "paid-if-completed",
            Rule::CompletedAfterWork => "completed-after-work",
            Rule::PayFirstBeforeCooking => "pay-first-before-cooking",
            Rule::BoundedRetries => "bounded-retries",
            Rule::QuietAfterEnd => "quiet-after-end",
            Rule::Runs => "runs",
            Rule::PayAgainOnlyOnTimeout => "pay-again-only-on-timeout",
        }
    }

    /// The rule in words.
    pub fn text(self) -> &'static str {
        match self {
            Rule::OneTerminalEvent => "every order ends with exactly one terminal event",
            Rule::ChargedOnce => "nobody is charged twice",
            Rule::PaidIfCompleted => "payments − refunds is 1 for a completed order, 0 otherwise",
            Rule::CompletedAfterWork => "an order completes only after it is cooked, priced and paid",
            Rule::PayFirstBeforeCooking => "a pay-first order is never cooked before it is paid",
            Rule::BoundedRetries => "no step is tried more than max_retries + 1 times",
            Rule::QuietAfterEnd => "after the end a process sends only refunds, alarms and rejections",
            Rule::Runs => "the process manager decides without an error",
            Rule::PayAgainOnlyOnTimeout => {
                "a payment is asked for again only after its timeout (a repeated answer never leads to another TakePayment)"
            }
        }
    }
}

/// A rule broken by one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The rule.
    pub rule: Rule,
    /// The order (1-based, in placing order).
    pub order: u32,
    /// What happened.
    pub detail: String,
}

/// The first safety rule broken in the world as it stands, if any.
pub fn safety(world: &World) -> Option<Broken> {
    let store = world.store();
    let most = world.params().max_retries as u32 + 1;
    for corr in store.orders() {
        let order = store.order_no(corr).unwrap_or(0);
        let broken = |rule: Rule, detail: String| Some(Broken { rule, order, detail });
        let (mut terminal, mut balance) = (0, 0i32);
        let (mut cooked, mut priced, mut paid) = (false, false, false);
        let mut dodgy = false;
        let mut ended_by: Option<MessageType> = None;
        for &s in store.stream(corr) {
            let Some(env) = store.get(s as usize) else { continue };
            let t = env.message_type();
            if let Some(end) = ended_by {
                let house = store.publisher(s as usize) == Some(HOUSE);
                let allowed =
                    matches!(t, MessageType::RefundPayment | MessageType::PublishAt | MessageType::MessageRejected);
                // a second terminal event is the one-terminal-event rule's to report
                if house && !allowed && !t.is_terminal() && world.has_process_managers() {
                    return broken(
                        Rule::QuietAfterEnd,
                        format!("order {order}: the process sent {} after {}", t.name(), end.name()),
                    );
                }
            }
            if let Message::OrderPlaced { order: doc } = &env.body {
                dodgy = doc.dodgy;
            }
            if let Some(doc) = env.body.order() {
                cooked |= doc.cooked;
                priced |= doc.total_cents > 0;
                paid |= doc.paid;
            }
            balance += charge(world, s, &env);
            if balance > 1 {
                return broken(Rule::ChargedOnce, format!("order {order} was charged twice"));
            }
            let unpaid = env.body.order().is_some_and(|doc| !doc.paid);
            if dodgy && unpaid && matches!(t, MessageType::CookFood | MessageType::FoodCooked) {
                return broken(
                    Rule::PayFirstBeforeCooking,
                    format!("order {order} (pay-first) got {} before it was paid", t.name()),
                );
            }
            if let Some(attempt) = env.body.attempt() {
                if attempt as u32 > most {
                    return broken(
                        Rule::BoundedRetries,
                        format!("order {order}: {} attempt {attempt} (at most {most})", t.name()),
                    );
                }
            }
            if t.is_terminal() {
                terminal += 1;
                if terminal > 1 {
                    let first = ended_by.map_or("?", |m| m.name());
                    return broken(
                        Rule::OneTerminalEvent,
                        format!("order {order} ended twice: {first}, then {}", t.name()),
                    );
                }
                ended_by = Some(t);
                if t == MessageType::OrderCompleted && !(cooked && priced && paid) {
                    let missing: Vec<&str> = [(cooked, "cooked"), (priced, "priced"), (paid, "paid")]
                        .iter()
                        .filter(|(done, _)| !done)
                        .map(|(_, what)| *what)
                        .collect();
                    return broken(
                        Rule::CompletedAfterWork,
                        format!("order {order} completed but was not {}", missing.join(" or ")),
                    );
                }
            }
        }
    }
    None
}

/// What message `seq` does to the customer's account: +1 a charge (the cashier's
/// `OrderPaid`, in every architecture), -1 a refund, 0 anything else.
fn charge(world: &World, seq: u32, env: &Envelope) -> i32 {
    match &env.body {
        Message::PaymentRefunded { .. } => -1,
        Message::OrderPaid { .. } => {
            let cashier = world.actor_named("cashier");
            (cashier.is_some() && world.store().publisher(seq as usize) == cashier) as i32
        }
        _ => 0,
    }
}

/// The first end rule broken in an idle world, if any.
pub fn at_end(world: &World) -> Option<Broken> {
    let store = world.store();
    for corr in store.orders() {
        let order = store.order_no(corr).unwrap_or(0);
        let stream: Vec<Envelope> = store.stream(corr).iter().filter_map(|&s| store.get(s as usize)).collect();
        let count = |t: MessageType| stream.iter().filter(|e| e.message_type() == t).count() as i32;
        let terminal = count(MessageType::OrderCompleted) + count(MessageType::OrderDropped);
        if terminal == 0 {
            return Some(Broken {
                rule: Rule::OneTerminalEvent,
                order,
                detail: format!("order {order} is stuck: the run is idle and the order never ended"),
            });
        }
        let balance: i32 =
            store.stream(corr).iter().filter_map(|&s| Some(charge(world, s, &store.get(s as usize)?))).sum();
        let completed = count(MessageType::OrderCompleted) == 1;
        if balance != completed as i32 {
            return Some(Broken {
                rule: Rule::PaidIfCompleted,
                order,
                detail: format!(
                    "order {order} {} with payments − refunds = {balance}",
                    if completed { "completed" } else { "was dropped" }
                ),
            });
        }
    }
    None
}
