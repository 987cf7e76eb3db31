//! The workshop's rules as the explorer checks them: the safety rules on every state (a
//! scan of each order's stream with running counts, so a rule broken at some step stays
//! broken in every later state of the run), and the end rules once the run is idle.

use crate::message::{Envelope, Message, MessageType};
use crate::sim::actor::{ActorKind, HOUSE};
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

/// What the rules read of one published message: its type, what it carries of the order,
/// and what its publisher makes of it. Made from the engine's store ([`Seen::of`]) or from
/// a history read from a run file (`crate::history_rules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    /// Its position in the history.
    pub seq: u32,
    /// Its type.
    pub message_type: MessageType,
    /// For an `OrderPlaced`: whether the customer pays first.
    pub dodgy: Option<bool>,
    /// For a message carrying the order: whether it is cooked, priced and paid.
    pub progress: Option<(bool, bool, bool)>,
    /// For a `CookFood`, `PriceOrder` or `TakePayment`: its attempt.
    pub attempt: Option<u8>,
    /// Published by a process manager (the house).
    pub by_house: bool,
    /// What it does to the customer's account: +1 a charge (the cashier's `OrderPaid`), −1
    /// a refund, 0 anything else (a `RefundEscalated` settles, at the end, what is still
    /// owed: [`OrderRules::at_end`]).
    pub charge: i32,
}

impl Seen {
    /// What the rules read of `env`, at position `seq`.
    pub fn of(seq: u32, env: &Envelope, by_house: bool, charge: i32) -> Seen {
        Seen {
            seq,
            message_type: env.message_type(),
            dodgy: match &env.body {
                Message::OrderPlaced { order } => Some(order.dodgy),
                _ => None,
            },
            progress: env.body.order().map(|doc| (doc.cooked, doc.total_cents > 0, doc.paid)),
            attempt: env.body.attempt(),
            by_house,
            charge,
        }
    }
}

/// A rule one order broke: which, in words, and the positions of the messages involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The rule.
    pub rule: Rule,
    /// What happened.
    pub detail: String,
    /// The messages involved, by position.
    pub messages: Vec<u32>,
}

/// The workshop's rules over one order's messages, read one at a time in publishing order.
#[derive(Debug, Clone, Default)]
pub struct OrderRules {
    order: u32,
    most: u32,
    quiet_after_end: bool,
    terminal: Option<(MessageType, u32)>,
    terminals: u32,
    completions: u32,
    balance: i32,
    charges: Vec<u32>,
    done: (bool, bool, bool),
    dodgy: bool,
    escalated: bool,
}

impl OrderRules {
    /// The rules for order `order` (1-based): steps tried at most `max_retries + 1` times;
    /// `quiet_after_end` where process managers decide (they must say nothing after the
    /// end but refunds, alarms and rejections).
    pub fn new(order: u32, max_retries: u8, quiet_after_end: bool) -> OrderRules {
        OrderRules { order, most: max_retries as u32 + 1, quiet_after_end, ..OrderRules::default() }
    }

    /// Reads the order's next message: the first safety rule it breaks, if any.
    pub fn see(&mut self, m: &Seen) -> Option<Breach> {
        let order = self.order;
        let t = m.message_type;
        let breach = |rule: Rule, detail: String, messages: Vec<u32>| Some(Breach { rule, detail, messages });
        if let Some((end, end_seq)) = self.terminal {
            let allowed =
                matches!(t, MessageType::RefundPayment | MessageType::PublishAt | MessageType::MessageRejected)
                    || t == MessageType::RefundEscalated;
            // a second terminal event is the one-terminal-event rule's to report
            if m.by_house && !allowed && !t.is_terminal() && self.quiet_after_end {
                return breach(
                    Rule::QuietAfterEnd,
                    format!("order {order}: the process sent {} after {}", t.name(), end.name()),
                    vec![end_seq, m.seq],
                );
            }
        }
        if let Some(dodgy) = m.dodgy {
            self.dodgy = dodgy;
        }
        if let Some((cooked, priced, paid)) = m.progress {
            self.done = (self.done.0 | cooked, self.done.1 | priced, self.done.2 | paid);
        }
        self.balance += m.charge;
        if t == MessageType::RefundEscalated {
            self.escalated = true;
        }
        if m.charge > 0 {
            self.charges.push(m.seq);
        }
        if self.balance > 1 {
            return breach(Rule::ChargedOnce, format!("order {order} was charged twice"), self.charges.clone());
        }
        let unpaid = m.progress.is_some_and(|(_, _, paid)| !paid);
        if self.dodgy && unpaid && matches!(t, MessageType::CookFood | MessageType::FoodCooked) {
            return breach(
                Rule::PayFirstBeforeCooking,
                format!("order {order} (pay-first) got {} before it was paid", t.name()),
                vec![m.seq],
            );
        }
        if let Some(attempt) = m.attempt {
            if attempt as u32 > self.most {
                return breach(
                    Rule::BoundedRetries,
                    format!("order {order}: {} attempt {attempt} (at most {})", t.name(), self.most),
                    vec![m.seq],
                );
            }
        }
        if t.is_terminal() {
            self.terminals += 1;
            self.completions += (t == MessageType::OrderCompleted) as u32;
            if let Some((first, first_seq)) = self.terminal.filter(|_| self.terminals > 1) {
                return breach(
                    Rule::OneTerminalEvent,
                    format!("order {order} ended twice: {}, then {}", first.name(), t.name()),
                    vec![first_seq, m.seq],
                );
            }
            self.terminal = Some((t, m.seq));
            let (cooked, priced, paid) = self.done;
            if t == MessageType::OrderCompleted && !(cooked && priced && paid) {
                let missing: Vec<&str> = [(cooked, "cooked"), (priced, "priced"), (paid, "paid")]
                    .iter()
                    .filter(|(done, _)| !done)
                    .map(|(_, what)| *what)
                    .collect();
                return breach(
                    Rule::CompletedAfterWork,
                    format!("order {order} completed but was not {}", missing.join(" or ")),
                    vec![m.seq],
                );
            }
        }
        None
    }

    /// Once the run is over (idle): the first end rule the order breaks, if any.
    pub fn at_end(&self) -> Option<Breach> {
        let order = self.order;
        let Some((_, end_seq)) = self.terminal else {
            return Some(Breach {
                rule: Rule::OneTerminalEvent,
                detail: format!("order {order} is stuck: the run is idle and the order never ended"),
                messages: Vec::new(),
            });
        };
        let completed = self.completions == 1;
        // a refund handed to a person settles what is still owed (nothing, if the cashier
        // answered after all)
        let balance = if self.escalated && self.balance > completed as i32 { self.balance - 1 } else { self.balance };
        if balance != completed as i32 {
            let mut messages = self.charges.clone();
            messages.push(end_seq);
            return Some(Breach {
                rule: Rule::PaidIfCompleted,
                detail: format!(
                    "order {order} {} with payments − refunds = {}",
                    if completed { "completed" } else { "was dropped" },
                    balance
                ),
                messages,
            });
        }
        None
    }
}

/// Each order of `world` with its messages as the rules read them.
fn each_order(
    world: &World,
    mut per_order: impl FnMut(OrderRules, &mut dyn Iterator<Item = Seen>) -> Option<Breach>,
) -> Option<Broken> {
    let store = world.store();
    let (retries, quiet) = (world.params().max_retries, world.has_process_managers());
    for corr in store.orders() {
        let order = store.order_no(corr).unwrap_or(0);
        let mut seen = store.stream(corr).iter().filter_map(|&s| {
            let env = store.get(s as usize)?;
            let by_house = store.publisher(s as usize) == Some(HOUSE);
            Some(Seen::of(s, &env, by_house, charge(world, s, &env)))
        });
        if let Some(b) = per_order(OrderRules::new(order, retries, quiet), &mut seen) {
            return Some(Broken { rule: b.rule, order, detail: b.detail });
        }
    }
    None
}

/// The first safety rule broken in the world as it stands, if any.
pub fn safety(world: &World) -> Option<Broken> {
    each_order(world, |mut rules, seen| {
        for m in seen {
            if let Some(b) = rules.see(&m) {
                return Some(b);
            }
        }
        None
    })
}

/// What message `seq` does to the customer's account: +1 a charge (the cashier's
/// `OrderPaid`, in every architecture), -1 a refund, 0 anything else.
fn charge(world: &World, seq: u32, env: &Envelope) -> i32 {
    match &env.body {
        Message::PaymentRefunded { .. } => -1,
        Message::OrderPaid { .. } => {
            // any cashier's (several may share the payments), nobody else's
            let publisher = world.store().publisher(seq as usize);
            publisher.is_some_and(|p| world.actors().get(p as usize).is_some_and(|a| a.kind == ActorKind::Cashier))
                as i32
        }
        _ => 0,
    }
}

/// The first end rule broken in an idle world, if any.
pub fn at_end(world: &World) -> Option<Broken> {
    each_order(world, |mut rules, seen| {
        for m in seen {
            rules.see(&m);
        }
        rules.at_end()
    })
}
