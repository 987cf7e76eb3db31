//! The live floor: the same actors, names, kinds and ids as the simulation's floor for the
//! same config (read from a [`World`] built for it, so that a second cashier or a hired
//! cook is numbered the same way), each actor's starting state, and who hears what.
//!
//! One difference: no dispatcher runs live. JetStream hands `CookFood` to the cooks itself,
//! as competing consumers of one durable consumer; so a cook hears what the dispatcher
//! would have heard.

use crate::actors::alarm_clock::AlarmClock;
use crate::actors::assistant_manager::AssistantManager;
use crate::actors::cashier::Cashier;
use crate::actors::cook::Cook;
use crate::actors::printer::Printer;
use crate::actors::waiter::Waiter;
use crate::actors::Actor;
use crate::message::{Envelope, MessageType};
use crate::process::house::{follow_mask, House};
use crate::role::{ActorId, Role};
use crate::scenario::Config;
use crate::sim::actor::{ActorInfo, ActorKind};
use crate::sim::World;
use crate::wiring::Wiring;
use std::rc::Rc;

/// Who is on the floor for one config.
pub struct Floor {
    /// Every actor, as the simulation numbers them.
    pub actors: Vec<ActorInfo>,
    /// The config's wiring.
    pub wiring: Wiring,
}

impl Floor {
    /// The floor of `cfg` (an error when the config cannot run).
    pub fn of(cfg: &Config) -> Result<Floor, String> {
        let world = World::new(cfg.clone()).map_err(|e| format!("--{}: {}", e.field.replace('_', "-"), e.message))?;
        Ok(Floor { actors: world.actors().to_vec(), wiring: world.wiring().clone() })
    }

    /// The actor called `name` (as the page names it: `Koen`, `house`, `assistant manager`).
    pub fn named(&self, name: &str) -> Option<&ActorInfo> {
        self.actors.iter().find(|a| a.name.eq_ignore_ascii_case(name.trim()))
    }

    /// The actor with id `id`.
    pub fn get(&self, id: ActorId) -> Option<&ActorInfo> {
        self.actors.get(id as usize)
    }

    /// The actors of `role`.
    pub fn of_role(&self, role: Role) -> impl Iterator<Item = &ActorInfo> {
        self.actors.iter().filter(move |a| a.kind.role() == role)
    }

    /// The roles that run live (all but the dispatcher), in floor order.
    pub fn live_roles() -> [Role; 7] {
        [Role::Waiter, Role::House, Role::Cook, Role::AssistantManager, Role::Cashier, Role::AlarmClock, Role::Printer]
    }

    /// The message types `role` hears by type (a cook hears the dispatcher's).
    pub fn heard_types(&self, role: Role) -> Vec<MessageType> {
        let by = if role == Role::Cook { Role::Dispatcher } else { role };
        let mut types: Vec<MessageType> =
            self.wiring.subscriptions.iter().filter(|s| s.role == by).map(|s| s.message_type).collect();
        if role == Role::House {
            types.extend(MessageType::all().filter(|t| follow_mask() & t.bit() != 0));
        }
        types.sort();
        types.dedup();
        types
    }

    /// Whether `role` hears `env` by type (for the house: also what it follows, given as
    /// the order's follow mask).
    pub fn hears(&self, role: Role, env: &Envelope, follows: Option<u32>) -> bool {
        let by = if role == Role::Cook { Role::Dispatcher } else { role };
        let t = env.message_type();
        let dodgy = env.body.order().map(|o| o.dodgy);
        let subscribed = self
            .wiring
            .subscriptions
            .iter()
            .any(|s| s.role == by && s.message_type == t && s.customers.includes(dodgy));
        subscribed || (role == Role::House && follows.unwrap_or_else(follow_mask) & t.bit() != 0)
    }

    /// Whether the actors of `role` read the order's history in the store when they handle
    /// a message (and so keep each order's messages as they see them).
    pub fn reads_history(role: Role) -> bool {
        matches!(role, Role::House | Role::Cashier | Role::Printer)
    }

    /// The starting state of `actor` for `cfg`.
    pub fn actor(actor: &ActorInfo, cfg: &Config) -> Option<Actor> {
        Some(match actor.kind {
            ActorKind::Waiter => Actor::Waiter(Waiter::default()),
            ActorKind::House => Actor::House(House::new()),
            ActorKind::Dispatcher => return None,
            ActorKind::Cook(i) => {
                let spec = cfg.cooks.get(i as usize)?;
                Actor::Cook(Cook { name: Rc::new(spec.name.trim().to_string()), ms: spec.ms })
            }
            ActorKind::AssistantManager => Actor::AssistantManager(AssistantManager { ms: cfg.assistant_manager_ms }),
            ActorKind::Cashier => Actor::Cashier(Cashier { ms: cfg.cashier_ms }),
            ActorKind::AlarmClock => Actor::AlarmClock(AlarmClock),
            ActorKind::Printer => Actor::Printer(Printer),
            // the dead-letter queue is the simulation's; live, a worker's failures stay unacknowledged
            ActorKind::DeadLetters => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_floor_numbers_actors_as_the_simulation_and_cooks_hear_the_dispatchers_mail() {
        let cfg = Config::default();
        let floor = Floor::of(&cfg).unwrap();
        let koen = floor.named("koen").unwrap();
        assert_eq!(koen.kind, ActorKind::Cook(0));
        assert_eq!(floor.heard_types(Role::Cook), vec![MessageType::CookFood]);
        assert!(floor.heard_types(Role::House).contains(&MessageType::FoodCooked));
        assert!(Floor::actor(koen, &cfg).is_some());
        assert!(Floor::actor(floor.of_role(Role::Dispatcher).next().unwrap(), &cfg).is_none());
        assert!(Floor::of(&Config { cooks: Vec::new(), ..Config::default() }).is_err());
    }
}
