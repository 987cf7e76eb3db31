//! Manual drops at the worst moments (exercise mode's scenario of that name): a run in
//! which chosen deliveries to the workers get a chosen fate — the first `CookFood` lost,
//! the first `TakePayment` late, every `CookFood` of an order lost, … — whatever the
//! process manager does.
//!
//! The fates are chosen as the run goes: before every step, each delivery to a worker that
//! is waiting or in flight is looked at; the first one of the type a [`Moment`] names, of
//! an order that moment was given to, gets the moment's fate, as a person would give it
//! (a [`Action::DropMessage`], [`Action::DuplicateMessage`] or [`Action::DelayMessage`]
//! input at that step). So the positions differ between process managers, and the run's
//! inputs say exactly what was done: its run file replays without this module.
//!
//! The moments are given to the orders in placing order, normal and dodgy customers
//! counted apart: the k-th order of each kind gets the k-th moment (cycling), so with
//! enough orders of each kind every moment hits both flows.
//!
//! Only deliveries to the workers can be changed (the house, the dispatcher, the alarm
//! clock and the printer are reliable), so losing an answer is losing the command it
//! answers: the process sees no answer either way. A late `TakePayment` is the worst
//! moment for money: the cashier charges after the process has asked again.

use super::Fate;
use crate::bus::ActorId;
use crate::message::MessageType;
use crate::sim::{Action, World};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// One worst moment: the first delivery (or every delivery) of `message` to a worker, for
/// an order given this moment, gets `fate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// The command whose delivery is changed.
    pub message: MessageType,
    /// What happens to it (never [`Fate::Delivered`]).
    pub fate: Fate,
    /// Every delivery of that type for the order, not only the first.
    pub every: bool,
}

impl Moment {
    const fn first(message: MessageType, fate: Fate) -> Moment {
        Moment { message, fate, every: false }
    }

    /// The moment in words: `the first TakePayment late`.
    pub fn describe(&self) -> String {
        let fate = self.fate.word();
        format!("{} {} {fate}", if self.every { "every" } else { "the first" }, self.message.name())
    }
}

/// The moments of exercise mode's scenario, in the order they are given out.
pub const MOMENTS: [Moment; 11] = [
    Moment::first(MessageType::CookFood, Fate::Lost),
    Moment::first(MessageType::PriceOrder, Fate::Lost),
    Moment::first(MessageType::TakePayment, Fate::Lost),
    Moment::first(MessageType::PriceOrder, Fate::Duplicated),
    Moment::first(MessageType::TakePayment, Fate::Duplicated),
    Moment::first(MessageType::CookFood, Fate::Duplicated),
    Moment::first(MessageType::CookFood, Fate::Late),
    Moment::first(MessageType::PriceOrder, Fate::Late),
    Moment::first(MessageType::TakePayment, Fate::Late),
    Moment { message: MessageType::CookFood, fate: Fate::Lost, every: true },
    Moment { message: MessageType::TakePayment, fate: Fate::Lost, every: true },
];

/// The fates still to give in a run (see the module documentation).
#[derive(Debug, Clone)]
pub struct WorstMoments {
    moments: Vec<Moment>,
    /// Each order's moment (an index into `moments`), and whether its first delivery was
    /// changed.
    given: HashMap<Uuid, (usize, bool)>,
    /// Deliveries already changed: (message id, actor, copy).
    changed: HashSet<(Uuid, ActorId, u8)>,
}

impl Default for WorstMoments {
    fn default() -> Self {
        WorstMoments::new(MOMENTS.to_vec())
    }
}

impl WorstMoments {
    /// Gives out `moments` (none is [`Fate::Delivered`]).
    pub fn new(moments: Vec<Moment>) -> WorstMoments {
        WorstMoments { moments, given: HashMap::new(), changed: HashSet::new() }
    }

    /// The moment given to order `correlation_id`, if it has been seen.
    pub fn moment_of(&self, correlation_id: &Uuid) -> Option<Moment> {
        self.given.get(correlation_id).map(|&(i, _)| self.moments[i])
    }

    /// Gives every delivery to a worker now waiting or in flight the fate its order's moment
    /// asks for, as inputs at the current step. Call it before every step.
    pub fn apply(&mut self, world: &mut World) {
        if self.moments.is_empty() {
            return;
        }
        for q in world.queued() {
            if !q.changeable || self.changed.contains(&(q.id, q.actor, q.copy)) {
                continue;
            }
            let index = match self.given.get(&q.correlation_id) {
                Some(&(i, _)) => i,
                None => {
                    let i = rank_in_kind(world, &q.correlation_id) % self.moments.len();
                    self.given.insert(q.correlation_id, (i, false));
                    i
                }
            };
            let moment = self.moments[index];
            let done = self.given.get(&q.correlation_id).is_some_and(|g| g.1);
            if q.message_type != moment.message || (done && !moment.every) {
                continue;
            }
            let Some(actor) = world.actors().get(q.actor as usize).map(|a| a.name.clone()) else { continue };
            let target = (q.seq, q.output, q.seq.map(|_| q.copy));
            let Some(action) = Action::for_fate(moment.fate, target, actor, || late_ms(world, q.actor)) else {
                continue;
            };
            if world.act(action).is_ok() {
                self.changed.insert((q.id, q.actor, q.copy));
                self.given.insert(q.correlation_id, (index, true));
            }
        }
    }

    /// Runs `world` to idle, giving the fates as it goes; returns the steps done.
    pub fn run_to_idle(&mut self, world: &mut World) -> usize {
        let mut steps = 0;
        loop {
            self.apply(world);
            if world.step().is_none() {
                return steps;
            }
            steps += 1;
        }
    }
}

/// How many orders of the same kind (normal or dodgy) were placed before order
/// `correlation_id`.
fn rank_in_kind(world: &World, correlation_id: &Uuid) -> usize {
    let store = world.store();
    let kind = dodgy(world, correlation_id);
    let number = store.order_no(correlation_id);
    store.orders().filter(|c| store.order_no(c) < number && dodgy(world, c) == kind).count()
}

/// Whether order `correlation_id` is a dodgy customer's.
fn dodgy(world: &World, correlation_id: &Uuid) -> bool {
    let store = world.store();
    store
        .stream(correlation_id)
        .iter()
        .find_map(|&s| store.get(s as usize)?.body.order().map(|o| o.dodgy))
        .unwrap_or(false)
}

/// A delay that makes a delivery to `actor` arrive after its step's timeout has rung.
fn late_ms(world: &World, actor: ActorId) -> u64 {
    use crate::wiring::Role;
    let cfg = world.config();
    let timeout = match world.role(actor) {
        Some(Role::Cook) => cfg.cook_timeout_ms,
        Some(Role::AssistantManager) => cfg.price_timeout_ms,
        _ => cfg.pay_timeout_ms,
    };
    (timeout + 1).min(crate::sim::input::MAX_MS)
}
