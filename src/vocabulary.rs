//! The engine's vocabulary, for the page and any other client: every message type and its
//! kind, every role with its names and what it receives and may send in the run's wiring,
//! each message type's receivers, and the words for faults, fates and reasons. The page
//! reads this (`Simulation.vocabulary()`) instead of keeping lists of its own, so a new
//! message, role or architecture reaches every view without a JavaScript change.

use crate::definition::{Definition, WorkStep};
use crate::dispatch::Dispatch;
use crate::message::{DropReason, MessageType, RejectReason};
use crate::role::{Role, ROLES};
use crate::sim::Fault;
use crate::wiring::{Architecture, Wiring};
use serde::Serialize;
use std::collections::BTreeMap;
use strum::IntoEnumIterator;

/// One message type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct TypeWord {
    /// Its name in the run file (`CookFood`).
    pub name: &'static str,
    /// `"command"` or `"event"`.
    pub kind: &'static str,
    /// Whether it ends an order (`OrderCompleted`, `OrderDropped`).
    pub terminal: bool,
    /// What it means in an order's life, one word a view can test instead of a type name:
    /// `placed`, `started`, `work` (a command asking for a piece of work), `done` (that work's
    /// answer), `refused`, `expired`, `alarm` (a request to publish later), `timeout`,
    /// `rejected`, `completed`, `dropped`, `escalated` (a refund handed to a person),
    /// `dead-lettered` (a message set aside after failing every try), `migrated` (a live
    /// order moved to another version).
    pub meaning: &'static str,
    /// The piece of work (`cook`, `price`, `pay`, `refund`) it asks for, answers or gives up
    /// (`work`, `done`, `refused`, `expired`); `null` otherwise.
    pub step: Option<&'static str>,
}

/// One role, as the run's wiring uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct RoleWord {
    /// The role.
    pub role: Role,
    /// How a person says it (`assistant manager`).
    pub display: &'static str,
    /// Whether deliveries to it can be lost or duplicated.
    pub worker: bool,
    /// Whether people of this role come on and off duty (cooks leave, return, are hired).
    pub staffed: bool,
    /// What the floor writes under an actor of this role (the house holds process managers).
    pub label: &'static str,
    /// The floor's column for it, left to right: 0 the customer's side (waiter, printer),
    /// 1 the house and its alarm clock, 2 who takes work (dispatcher, assistant manager,
    /// cashier), 3 the kitchen.
    pub column: u8,
    /// The message types it receives in this wiring, in declaration order.
    pub receives: Vec<&'static str>,
    /// The message types it may send in this wiring, in declaration order.
    pub sends: Vec<&'static str>,
}

/// A word and what it says to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Word {
    /// The word the facade and the run file use.
    pub name: &'static str,
    /// A few words for a person.
    pub label: &'static str,
}

/// The whole vocabulary of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Vocabulary {
    /// The run's architecture.
    pub architecture: Architecture,
    /// Every message type, in declaration order.
    pub message_types: Vec<TypeWord>,
    /// Every role, in floor order.
    pub roles: Vec<RoleWord>,
    /// For each message type that someone receives in this wiring: who, in floor order.
    pub receivers: BTreeMap<&'static str, Vec<Role>>,
    /// The faults of the delivery layer.
    pub faults: Vec<Word>,
    /// The fates a person can choose for one delivery (`dropMessage`, …).
    pub fates: Vec<Word>,
    /// Why an order is dropped (`OrderDropped.reason`).
    pub drop_reasons: Vec<&'static str>,
    /// Why a process manager rejects a message (`MessageRejected.reason`).
    pub reject_reasons: Vec<&'static str>,
    /// The pieces of work an order needs.
    pub work_steps: Vec<&'static str>,
    /// The process definitions.
    pub definitions: Vec<&'static str>,
    /// Every architecture, in the workshop's order.
    pub architectures: Vec<&'static str>,
    /// Every way of dispatching to the cooks.
    pub dispatches: Vec<&'static str>,
}

/// A type's meaning and piece of work (see [`TypeWord`]).
fn meaning(t: MessageType) -> (&'static str, Option<WorkStep>) {
    use MessageType as T;
    match t {
        T::OrderPlaced => ("placed", None),
        T::ProcessStarted => ("started", None),
        T::CookFood => ("work", Some(WorkStep::Cook)),
        T::PriceOrder => ("work", Some(WorkStep::Price)),
        T::TakePayment => ("work", Some(WorkStep::Pay)),
        T::RefundPayment => ("work", Some(WorkStep::Refund)),
        T::FoodCooked => ("done", Some(WorkStep::Cook)),
        T::OrderPriced => ("done", Some(WorkStep::Price)),
        T::OrderPaid => ("done", Some(WorkStep::Pay)),
        T::PaymentRefunded => ("done", Some(WorkStep::Refund)),
        T::PaymentRefused => ("refused", Some(WorkStep::Pay)),
        T::OrderExpired => ("expired", Some(WorkStep::Cook)),
        T::PublishAt => ("alarm", None),
        T::StepTimedOut => ("timeout", None),
        T::MessageRejected => ("rejected", None),
        T::OrderCompleted => ("completed", None),
        T::OrderDropped => ("dropped", None),
        T::RefundEscalated => ("escalated", Some(WorkStep::Refund)),
        T::MessageDeadLettered => ("dead-lettered", None),
        T::ProcessMigrated => ("migrated", None),
    }
}

/// A role's floor column and label (see [`RoleWord`]).
fn place(role: Role) -> (u8, &'static str) {
    match role {
        Role::Waiter | Role::Printer => (0, role.display()),
        Role::House => (1, "process managers"),
        Role::AlarmClock | Role::DeadLetters => (1, role.display()),
        Role::Dispatcher | Role::AssistantManager | Role::Cashier => (2, role.display()),
        Role::Cook => (3, role.display()),
    }
}

fn names(types: impl Iterator<Item = MessageType>) -> Vec<&'static str> {
    let mut types: Vec<MessageType> = types.collect();
    types.sort();
    types.dedup();
    types.into_iter().map(MessageType::name).collect()
}

impl Vocabulary {
    /// The vocabulary of a run wired as `wiring`.
    ///
    /// ```
    /// use brigade::scenario::Architecture;
    /// use brigade::vocabulary::Vocabulary;
    /// use brigade::wiring::{Role, Wiring};
    /// let v = Vocabulary::of(&Wiring::of(Architecture::ProcessManager));
    /// assert_eq!(v.receivers["CookFood"], vec![Role::Dispatcher, Role::Cook]);
    /// let v = Vocabulary::of(&Wiring::of(Architecture::Choreography));
    /// assert!(!v.receivers.contains_key("CookFood"), "nobody sends CookFood there");
    /// ```
    pub fn of(wiring: &Wiring) -> Vocabulary {
        let links = wiring.links();
        let publishers = wiring.publishers();
        let roles = ROLES
            .iter()
            .map(|r| RoleWord {
                role: r.role,
                display: r.display,
                worker: r.worker,
                staffed: r.role == Role::Cook,
                label: place(r.role).1,
                column: place(r.role).0,
                receives: names(links.iter().filter(|l| l.to == r.role).map(|l| l.message_type)),
                sends: names(
                    publishers
                        .iter()
                        .filter(|p| p.0 == r.role)
                        .map(|p| p.1)
                        .chain(links.iter().filter(|l| l.from == r.role).map(|l| l.message_type)),
                ),
            })
            .collect();
        let mut receivers: BTreeMap<&'static str, Vec<Role>> = BTreeMap::new();
        for link in &links {
            let to = receivers.entry(link.message_type.name()).or_default();
            if !to.contains(&link.to) {
                to.push(link.to);
            }
        }
        receivers.values_mut().for_each(|to| to.sort());
        Vocabulary {
            architecture: wiring.architecture,
            message_types: MessageType::all()
                .map(|t| TypeWord {
                    name: t.name(),
                    kind: t.kind().name(),
                    terminal: t.is_terminal(),
                    meaning: meaning(t).0,
                    step: meaning(t).1.map(WorkStep::name),
                })
                .collect(),
            roles,
            receivers,
            faults: Fault::ALL.iter().map(|f| Word { name: f.name(), label: f.outcome() }).collect(),
            fates: vec![
                Word { name: "drop", label: "lose this delivery" },
                Word { name: "duplicate", label: "deliver it twice" },
                Word { name: "delay", label: "deliver it later" },
            ],
            drop_reasons: DropReason::iter().map(DropReason::name).collect(),
            reject_reasons: RejectReason::iter().map(RejectReason::name).collect(),
            work_steps: WorkStep::iter().map(WorkStep::name).collect(),
            definitions: Definition::ALL.into_iter().chain([Definition::Custom]).map(Definition::name).collect(),
            architectures: Architecture::ALL.into_iter().map(Architecture::name).collect(),
            dispatches: Dispatch::iter().map(Dispatch::name).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_someone_sends_is_received_by_someone_and_back() {
        for architecture in Architecture::ALL {
            let v = Vocabulary::of(&Wiring::of(architecture));
            assert_eq!(v.message_types.len(), MessageType::COUNT);
            for role in &v.roles {
                for t in &role.receives {
                    assert!(v.receivers[t].contains(&role.role), "{architecture:?}: {t} to {:?}", role.role);
                }
            }
            let sent: Vec<&str> = v.roles.iter().flat_map(|r| r.sends.iter().copied()).collect();
            for t in v.receivers.keys() {
                assert!(sent.contains(t), "{architecture:?}: {t} is received, so someone sends it");
            }
        }
    }

    #[test]
    fn each_piece_of_work_has_one_command_and_one_answer() {
        let v = Vocabulary::of(&Wiring::of(Architecture::ProcessManager));
        for step in WorkStep::iter() {
            for m in ["work", "done"] {
                let n = v.message_types.iter().filter(|t| t.meaning == m && t.step == Some(step.name())).count();
                assert_eq!(n, 1, "{m} {}", step.name());
            }
        }
        for t in &v.message_types {
            assert_eq!(t.terminal, t.meaning == "completed" || t.meaning == "dropped", "{}", t.name);
            assert_eq!(t.kind == "command", t.meaning == "work" || t.meaning == "alarm", "{}", t.name);
        }
        assert_eq!(v.roles.iter().filter(|r| r.staffed).count(), 1);
    }

    #[test]
    fn the_receivers_follow_the_architecture() {
        let pm = Vocabulary::of(&Wiring::of(Architecture::ProcessManager));
        assert_eq!(pm.receivers["FoodCooked"], vec![Role::House]);
        assert_eq!(pm.receivers["OrderCompleted"], vec![Role::Printer]);
        let choreography = Vocabulary::of(&Wiring::of(Architecture::Choreography));
        assert_eq!(choreography.receivers["FoodCooked"], vec![Role::AssistantManager, Role::Printer]);
        assert!(!choreography.receivers.contains_key("ProcessStarted"));
        let commands = Vocabulary::of(&Wiring::of(Architecture::Commands));
        assert_eq!(commands.receivers["TakePayment"], vec![Role::Cashier]);
        let waiter = &commands.roles[Role::Waiter as usize];
        assert_eq!(waiter.sends, vec!["OrderPlaced", "CookFood", "PriceOrder"], "the waiter sends the first command");
        let printer = &choreography.roles[Role::Printer as usize];
        assert_eq!(
            printer.sends,
            vec!["OrderCompleted", "OrderDropped"],
            "nobody hears them, the printer still sends them"
        );
    }
}
