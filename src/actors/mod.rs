//! The actors of the floor, one file each, behind one interface.
//!
//! Every handler is a pure function of its state, its input and a read-only
//! [`Context`]: it writes what should happen into an [`Outbox`] and returns how long the
//! work takes. The executor ([`World`](crate::sim::World)) owns time, mailboxes,
//! subscriptions and delivery, and carries the outbox out.

pub mod alarm_clock;
pub mod assistant_manager;
pub mod cashier;
pub mod cook;
pub mod dead_letters;
pub mod dispatcher;
pub mod house;
pub mod printer;
pub mod waiter;

use crate::bus::ActorId;
use crate::message::Delivered;
use crate::outbox::Outbox;
use crate::process::house::House;
use crate::process::{CustomProcess, ProcessParams};
use crate::rng::Rng;
use crate::scenario::Config;
use crate::store::Store;
use crate::wiring::{Role, Wiring};

/// What a handler may read (and the waiter's generator) besides its input.
pub struct Context<'a> {
    /// Simulated time at which the handler takes its input.
    pub now: u64,
    /// The handler's own actor id.
    pub me: ActorId,
    /// The event store, up to the current moment.
    pub store: &'a Store,
    /// Who hears what, and what each worker answers.
    pub wiring: &'a Wiring,
    /// The run's config.
    pub cfg: &'a Config,
    /// What the handler may see of the other actors (the dispatcher looks at the cooks).
    pub floor: &'a dyn Floor,
    /// Process version for orders that start now.
    pub version: u8,
    /// Timeouts and retries of the process managers.
    pub params: ProcessParams,
    /// The generator the waiter draws orders from.
    pub order_rng: &'a mut Rng,
    /// The learner's process manager, when the world was given one (exercise mode).
    pub custom: Option<&'a CustomProcess>,
}

pub use waiter::Request;

/// What an actor may see of the others on the floor, besides the store: how much mail each
/// holds, until when each is busy, and each one's role. The executor answers from its mailboxes
/// and clock.
pub trait Floor {
    /// Messages waiting in `actor`'s mailbox, and until when it is busy (simulated ms).
    fn load(&self, actor: ActorId) -> (usize, u64);

    /// `actor`'s role (`None` for no such actor): the cashiers, who share one till, read
    /// each other's payments.
    fn role(&self, actor: ActorId) -> Option<Role>;
}

/// The one interface of every actor's handler: a pure function of the actor's state, its
/// input and a read-only [`Context`], which writes what should happen into the [`Outbox`]
/// and returns how long the work takes (simulated ms). An input an actor has no use for
/// (a message for the waiter, an arrival for a cook) takes no time and does nothing.
pub trait Handler {
    /// Handles one input; returns how long the actor is busy with it.
    fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64;
}

/// What an actor is given to handle.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// The head of the actor's own queue of requests from outside the floor (the waiter's
    /// orders to take, from the scheduled stream or placed by a person): the executor
    /// delivers it in its turn, as it does a message.
    Arrival,
    /// A message from the actor's mailbox, as the store keeps it (by reference: the handlers
    /// read its fields where the executor wrote them, instead of copying it whole).
    Message(&'a Delivered<'a>),
}

/// One actor of the floor and its state.
#[derive(Debug, Clone)]
pub enum Actor {
    /// Takes orders.
    Waiter(waiter::Waiter),
    /// Keeps the process managers.
    House(House),
    /// Hands work to the cooks.
    Dispatcher(dispatcher::Dispatcher),
    /// Cooks.
    Cook(cook::Cook),
    /// Prices orders.
    AssistantManager(assistant_manager::AssistantManager),
    /// Takes payments and refunds.
    Cashier(cashier::Cashier),
    /// Publishes messages later.
    AlarmClock(alarm_clock::AlarmClock),
    /// Prints receipts.
    Printer(printer::Printer),
    /// Keeps what failed past its retries.
    DeadLetters(dead_letters::DeadLetters),
}

impl Actor {
    /// The actor's role on the floor.
    pub fn role(&self) -> Role {
        match self {
            Actor::Waiter(_) => Role::Waiter,
            Actor::House(_) => Role::House,
            Actor::Dispatcher(_) => Role::Dispatcher,
            Actor::Cook(_) => Role::Cook,
            Actor::AssistantManager(_) => Role::AssistantManager,
            Actor::Cashier(_) => Role::Cashier,
            Actor::AlarmClock(_) => Role::AlarmClock,
            Actor::Printer(_) => Role::Printer,
            Actor::DeadLetters(_) => Role::DeadLetters,
        }
    }

    /// Whether the actor decides itself when it can take the head of its mailbox
    /// ([`Actor::ready_at`]); the others take it as soon as they are free.
    pub fn has_own_readiness(&self) -> bool {
        matches!(self, Actor::Dispatcher(_) | Actor::DeadLetters(_))
    }

    /// When the actor could take the head of its mailbox at the earliest, at `now`, free
    /// from `free_at`; `None` when it must wait for something else to change first (the
    /// dispatcher, for a cook that may take an order).
    #[inline]
    pub fn ready_at(&self, cfg: &Config, floor: &impl Floor, now: u64, free_at: u64) -> Option<u64> {
        match self {
            Actor::Dispatcher(d) => d.ready_at(cfg, floor, now).map(|t| t.max(free_at)),
            // what waits there waits for a person
            Actor::DeadLetters(_) => None,
            _ => Some(now.max(free_at)),
        }
    }

    /// A request from outside the floor joins the actor's own queue; the executor delivers
    /// it later as [`Input::Arrival`]. Only the waiter takes requests: the others ignore it.
    pub fn arrive(&mut self, request: Request) {
        if let Actor::Waiter(w) = self {
            w.orders.push_back(request);
        }
    }

    /// Handles one input with the actor's [`Handler`]; returns how long the actor is busy
    /// with it (simulated ms).
    #[inline(always)]
    pub fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        match self {
            Actor::Waiter(a) => a.handle(input, ctx, out),
            Actor::House(a) => a.handle(input, ctx, out),
            Actor::Dispatcher(a) => a.handle(input, ctx, out),
            Actor::Cook(a) => a.handle(input, ctx, out),
            Actor::AssistantManager(a) => a.handle(input, ctx, out),
            Actor::Cashier(a) => a.handle(input, ctx, out),
            Actor::AlarmClock(a) => a.handle(input, ctx, out),
            Actor::Printer(a) => a.handle(input, ctx, out),
            Actor::DeadLetters(_) => 0,
        }
    }

    /// The actor crashes: it loses what it holds in memory only. Returns how many process
    /// managers it held that must be read back from the store (the house's cache); the
    /// others keep nothing in memory that the store does not hold.
    pub fn crash(&mut self) -> u32 {
        match self {
            Actor::House(h) => h.crash(),
            _ => 0,
        }
    }
}
