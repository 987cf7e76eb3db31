//! The assistant manager: prices an order and adds tax.

use super::Context;
use crate::message::{Delivered, Message};
use crate::outbox::Outbox;
use crate::wiring::Role;
use std::rc::Rc;

/// The assistant manager and how long pricing takes.
#[derive(Debug, Clone)]
pub struct AssistantManager {
    /// Simulated ms to price one order.
    pub ms: u64,
}

impl AssistantManager {
    /// Prices the order the message carries and answers as the wiring says
    /// (`OrderPriced`, or `TakePayment` when workers send commands); returns the time taken.
    pub fn handle(&self, msg: &Delivered<'_>, ctx: &Context<'_>, out: &mut Outbox) -> u64 {
        let Some(order) = msg.body.order() else {
            return 0;
        };
        let Some(Some(then)) = ctx.wiring.reaction(Role::AssistantManager, msg.message_type(), Some(order.dodgy))
        else {
            return 0;
        };
        match Message::with_order(then, Rc::new(order.priced())) {
            Some(answer) => {
                out.publish(answer);
                self.ms
            }
            None => 0,
        }
    }
}
