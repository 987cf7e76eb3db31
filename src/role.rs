//! The roles on the floor and the one table of what each is: its names, whether the fault
//! layer applies to it, and the tag its outputs' ids derive from. Every other list of
//! actors (the page's, the executor's, the report's) reads this one.

use crate::ids::TAG_HOUSE;
use serde::Serialize;

/// Index of an actor in the simulation (its place on the floor).
pub type ActorId = u16;

/// A role on the floor (every cook plays `Cook`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub enum Role {
    /// Takes orders.
    Waiter,
    /// Keeps one process manager per order.
    House,
    /// Hands work to the cooks.
    Dispatcher,
    /// Cooks.
    Cook,
    /// Prices orders.
    AssistantManager,
    /// Takes (and refunds) payments.
    Cashier,
    /// Publishes messages later.
    AlarmClock,
    /// Prints receipts.
    Printer,
    /// Holds what failed past its retries (the dead-letter queue), for a person to read and
    /// re-deliver. On the floor only when the config has one.
    DeadLetters,
}

/// One row of the role table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleInfo {
    /// The role.
    pub role: Role,
    /// Its name in config keys, on the page and in the facade (`cook` for every cook).
    pub name: &'static str,
    /// How a person says it (`assistant manager`); also the one actor's name on the floor
    /// for the roles that have one actor.
    pub display: &'static str,
    /// Whether deliveries to it pass the fault layer (lost, duplicated: the workers the
    /// workshop makes unreliable).
    pub worker: bool,
    /// The tag mixed into the ids of its outputs (a cook adds its number).
    pub tag: u32,
}

const fn row(role: Role, name: &'static str, display: &'static str, worker: bool, tag: u32) -> RoleInfo {
    RoleInfo { role, name, display, worker, tag }
}

/// The role table, in floor order: every fact about a role that is not its behaviour
/// (which lives in its actor's file) or its wiring (which depends on the architecture).
pub const ROLES: [RoleInfo; 9] = [
    row(Role::Waiter, "waiter", "waiter", false, 1),
    row(Role::House, "house", "house", false, TAG_HOUSE),
    row(Role::Dispatcher, "dispatcher", "dispatcher", false, 4),
    row(Role::Cook, "cook", "cook", true, 100),
    row(Role::AssistantManager, "assistant-manager", "assistant manager", true, 5),
    row(Role::Cashier, "cashier", "cashier", true, 6),
    row(Role::AlarmClock, "alarm-clock", "alarm clock", false, 7),
    row(Role::Printer, "printer", "printer", false, 8),
    row(Role::DeadLetters, "dead-letters", "dead letters", false, 9),
];

impl Role {
    /// The four workers whose wiring the workshop compares across flows.
    pub const WORKERS: [Role; 4] = [Role::Cook, Role::AssistantManager, Role::Cashier, Role::Printer];

    /// Its row of the role table.
    #[inline]
    pub fn info(self) -> &'static RoleInfo {
        &ROLES[self as usize]
    }

    /// The role's name on the page (`cook` for every cook).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// How a person says it (`assistant manager`).
    pub fn display(self) -> &'static str {
        self.info().display
    }

    /// Whether deliveries to it pass the fault layer.
    pub fn is_worker(self) -> bool {
        self.info().worker
    }

    /// Whether its actors, as idempotent consumers (`idempotent_cooks`), take each message
    /// once: a second delivery of one taken already is recognised and set aside.
    pub fn consumes_once(self) -> bool {
        self == Role::Cook
    }

    /// The role called `name` (as [`Role::name`] says it).
    pub fn from_name(name: &str) -> Option<Role> {
        ROLES.iter().find(|r| r.name == name).map(|r| r.role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_role_order_with_unique_names_and_tags() {
        for (i, row) in ROLES.iter().enumerate() {
            assert_eq!(row.role as usize, i, "{} in its place", row.name);
            assert_eq!(Role::from_name(row.name), Some(row.role));
        }
        let mut tags: Vec<u32> = ROLES.iter().map(|r| r.tag).collect();
        tags.sort();
        tags.dedup();
        assert_eq!(tags.len(), ROLES.len());
        assert!(ROLES.iter().all(|r| r.tag != crate::ids::TAG_HOUSE_STARTED), "no role takes the house's other tag");
        assert_eq!(ROLES.iter().filter(|r| r.worker).count(), 3);
    }
}
