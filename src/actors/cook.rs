//! A cook: cooks the food of an order, unless the order's time to live has passed.

use super::{Context, Handler, Input};
use crate::message::Message;
use crate::outbox::{Note, Outbox};
use crate::wiring::Role;
use std::rc::Rc;

/// One cook.
#[derive(Debug, Clone)]
pub struct Cook {
    /// The cook's name, written on what it cooks.
    pub name: Rc<String>,
    /// Simulated ms to cook one order.
    pub ms: u64,
}

impl Handler for Cook {
    /// Handles one message at `ctx.now`; returns how long the cook is busy.
    ///
    /// An order whose time to live has passed is refused at once with `OrderExpired`
    /// (naming the attempt refused); otherwise the cook spends its cooking time and
    /// answers as the wiring says (`FoodCooked`, or `PriceOrder` when workers send
    /// commands).
    fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        let Input::Message(msg) = input else { return 0 };
        let Some(order) = msg.body.order() else {
            return 0;
        };
        let Some(Some(then)) = ctx.wiring.reaction(Role::Cook, msg.message_type(), Some(order.dodgy)) else {
            return 0;
        };
        if order.expired(ctx.now) {
            let attempt = msg.body.attempt().unwrap_or(1);
            out.publish(Message::OrderExpired { cook: self.name.clone(), attempt });
            return 0;
        }
        match Message::with_order(then, Rc::new(order.cooked(self.ms, &self.name))) {
            Some(answer) => {
                out.note(Note::Cooked);
                out.publish(answer);
                self.ms
            }
            None => 0,
        }
    }
}
