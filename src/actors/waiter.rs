//! The waiter: takes an order at a table and announces it.

use super::{Context, Handler, Input};
use crate::ids;
use crate::message::{CausationId, Envelope, Message, MessageType};
use crate::order::Order;
use crate::outbox::{Effect, Outbox};
use crate::rng::Rng;
use crate::wiring::Role;
use std::collections::VecDeque;
use std::rc::Rc;
use uuid::Uuid;

/// The waiter and the orders it has yet to take, oldest first (its queue on the floor:
/// the executor holds one arrival in the waiter's mailbox for each).
#[derive(Debug, Clone, Default)]
pub struct Waiter {
    /// Orders to take.
    pub orders: VecDeque<Request>,
}

impl Handler for Waiter {
    /// An arrival: takes the oldest order waiting ([`take`]). The waiter hears no message.
    fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        match (input, self.orders.pop_front()) {
            (Input::Arrival, Some(request)) => take(request, ctx, out),
            _ => 0,
        }
    }
}

/// An order the waiter is asked to take; what is not given is drawn from the run's
/// generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Whether the customer is dodgy (`None`: drawn with the config's share).
    pub dodgy: Option<bool>,
    /// The order's correlation id (`None`: drawn).
    pub correlation_id: Option<Uuid>,
}

/// Takes one order at `ctx.now`: publishes the `OrderPlaced` that starts the order's
/// correlation and, when workers send commands, the first command. Takes no time.
pub fn take(request: Request, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
    let rng = &mut *ctx.order_rng;
    let dodgy = request.dodgy.unwrap_or_else(|| rng.chance(ctx.cfg.dodgy));
    let corr = request.correlation_id.unwrap_or_else(|| ids::fresh(rng));
    let placed = take_order(rng, corr, dodgy, ctx.now, ctx.cfg.time_to_live_ms);
    let order = placed.body.order().cloned();
    out.push(Effect::Start(Box::new(placed)));
    if let (Some(Some(then)), Some(order)) =
        (ctx.wiring.reaction(Role::Waiter, MessageType::OrderPlaced, Some(dodgy)), order)
    {
        if let Some(command) = Message::with_order(then, order) {
            out.publish(command);
        }
    }
    0
}

/// Takes one order at `now_ms`: draws table and dishes from `rng`, and returns the
/// `OrderPlaced` event that starts the order's correlation `correlation_id`.
///
/// ```
/// use brigade::actors::waiter::take_order;
/// use brigade::rng::Rng;
/// let placed = take_order(&mut Rng::new(1), uuid::Uuid::from_u128(9), false, 120, None);
/// assert_eq!(placed.causation(), None);
/// assert_eq!(placed.at_ms, 120);
/// ```
pub fn take_order(rng: &mut Rng, correlation_id: Uuid, dodgy: bool, now_ms: u64, ttl_ms: Option<u64>) -> Envelope {
    let mut order = Order::draw(rng, dodgy, now_ms);
    if let Some(ttl) = ttl_ms {
        // the config's time to live for every order, in place of the menu's
        order.expires_at_ms = now_ms + ttl;
    }
    Envelope {
        id: ids::fresh(rng),
        correlation_id,
        causation_id: CausationId::NONE,
        at_ms: now_ms,
        body: Message::OrderPlaced { order: Rc::new(order) },
    }
}
