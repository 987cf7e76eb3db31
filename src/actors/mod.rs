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
pub mod dispatcher;
pub mod printer;
pub mod waiter;

use crate::bus::ActorId;
use crate::dispatch::CookLoad;
use crate::message::Delivered;
use crate::outbox::Outbox;
use crate::process::house::{House, HouseContext};
use crate::process::ProcessParams;
use crate::rng::Rng;
use crate::scenario::{Config, HouseMode};
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
    /// What the dispatcher sees of each cook.
    pub cooks: &'a [CookLoad],
    /// Process version for orders that start now.
    pub version: u8,
    /// Timeouts and retries of the process managers.
    pub params: ProcessParams,
    /// The generator the waiter draws orders from.
    pub order_rng: &'a mut Rng,
}

/// What an actor is given to handle.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// The waiter takes an order (from the scheduled stream, or placed by a person).
    TakeOrder(waiter::Request),
    /// A message from the actor's mailbox, as the store keeps it (by reference: the handlers
    /// read its fields where the executor wrote them, instead of copying it whole).
    Message(&'a Delivered<'a>),
}

/// One actor of the floor and its state.
#[derive(Debug, Clone)]
pub enum Actor {
    /// Takes orders.
    Waiter,
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
    AlarmClock,
    /// Prints receipts.
    Printer,
}

impl Actor {
    /// The actor's role on the floor.
    pub fn role(&self) -> Role {
        match self {
            Actor::Waiter => Role::Waiter,
            Actor::House(_) => Role::House,
            Actor::Dispatcher(_) => Role::Dispatcher,
            Actor::Cook(_) => Role::Cook,
            Actor::AssistantManager(_) => Role::AssistantManager,
            Actor::Cashier(_) => Role::Cashier,
            Actor::AlarmClock => Role::AlarmClock,
            Actor::Printer => Role::Printer,
        }
    }

    /// Handles one input; returns how long the actor is busy with it (simulated ms).
    pub fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        let msg = match input {
            Input::TakeOrder(request) => return waiter::take(request, ctx, out),
            Input::Message(msg) => msg,
        };
        let env = msg;
        match self {
            Actor::Waiter => 0,
            Actor::House(house) => {
                let hctx = HouseContext {
                    store: ctx.store,
                    version: ctx.version,
                    params: ctx.params,
                    cached: ctx.cfg.house == HouseMode::Cached,
                    custom_scope: ctx.cfg.custom_process,
                    custom: ctx.cfg.custom.and_then(|h| h.get()),
                };
                house.handle(env, hctx, out);
                0
            }
            Actor::Dispatcher(d) => d.handle(ctx, out),
            Actor::Cook(c) => c.handle(env, ctx, out),
            Actor::AssistantManager(a) => a.handle(env, ctx, out),
            Actor::Cashier(c) => c.handle(env, ctx, out),
            Actor::AlarmClock => alarm_clock::handle(env, out),
            Actor::Printer => printer::handle(env, ctx, out),
        }
    }
}
