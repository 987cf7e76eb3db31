//! Who is on the floor: each actor's name, kind and id, and the tag its outputs' ids
//! derive from. (What each actor does is in [`crate::actors`].)

use crate::bus::ActorId;
use serde::Serialize;

/// What an actor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActorKind {
    /// Takes orders.
    Waiter,
    /// Keeps the process managers.
    House,
    /// Hands `CookFood` to the cooks.
    Dispatcher,
    /// Cooks; the number is its position in the config.
    Cook(u16),
    /// Prices orders.
    AssistantManager,
    /// Takes payments.
    Cashier,
    /// Publishes messages later.
    AlarmClock,
    /// Prints completed orders.
    Printer,
    /// The dead-letter queue.
    DeadLetters,
}

impl ActorKind {
    /// The kind's name on the page (`cook` for every cook).
    pub fn name(self) -> &'static str {
        self.role().name()
    }

    /// The actor's role in the wiring.
    pub fn role(self) -> crate::wiring::Role {
        use crate::wiring::Role;
        match self {
            ActorKind::Waiter => Role::Waiter,
            ActorKind::House => Role::House,
            ActorKind::Dispatcher => Role::Dispatcher,
            ActorKind::Cook(_) => Role::Cook,
            ActorKind::AssistantManager => Role::AssistantManager,
            ActorKind::Cashier => Role::Cashier,
            ActorKind::AlarmClock => Role::AlarmClock,
            ActorKind::Printer => Role::Printer,
            ActorKind::DeadLetters => Role::DeadLetters,
        }
    }

    /// Whether deliveries to this actor are subject to drop and duplicate faults.
    pub fn is_worker(self) -> bool {
        self.role().is_worker()
    }

    /// The actor's number among the actors of its role (a cook's position in the config);
    /// `None` for the roles that have one actor.
    #[inline]
    pub fn number(self) -> Option<usize> {
        match self {
            ActorKind::Cook(i) => Some(i as usize),
            _ => None,
        }
    }

    /// The tag of the ids of what this actor announces apart from its decisions
    /// ([`Effect::Announce`](crate::outbox::Effect::Announce): only the house announces,
    /// `ProcessStarted`).
    #[inline]
    pub fn announce_tag(self) -> u32 {
        TAG_HOUSE_STARTED
    }

    /// The tag mixed into the ids of this actor's outputs (the role's; a cook adds its
    /// number).
    pub fn tag(self) -> u32 {
        match self {
            ActorKind::Cook(i) => self.role().info().tag + i as u32,
            _ => self.role().info().tag,
        }
    }
}

pub use crate::ids::{TAG_HOUSE, TAG_HOUSE_STARTED};

/// One actor of the floor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActorInfo {
    /// Unique name shown on the page (cooks keep their configured names).
    pub name: String,
    /// What it is.
    pub kind: ActorKind,
    /// Index in the simulation.
    pub id: ActorId,
}

/// The fixed positions of the floor; cooks follow the dispatcher.
pub const WAITER: ActorId = 0;
/// The house's position.
pub const HOUSE: ActorId = 1;
/// The dispatcher's position.
pub const DISPATCHER: ActorId = 2;
/// Position of the first cook.
pub const FIRST_COOK: ActorId = 3;
