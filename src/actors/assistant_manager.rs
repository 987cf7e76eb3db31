//! The assistant manager: prices an order and adds tax.

use super::{Context, Handler, Input};
use crate::message::Message;
use crate::outbox::Outbox;
use crate::wiring::Role;
use std::rc::Rc;

/// The assistant manager and how long pricing takes.
#[derive(Debug, Clone)]
pub struct AssistantManager {
    /// Simulated ms to price one order.
    pub ms: u64,
}

impl Handler for AssistantManager {
    /// Prices the order the message carries and answers as the wiring says
    /// (`OrderPriced`, or `TakePayment` when workers send commands); returns the time taken.
    fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        let Input::Message(msg) = input else { return 0 };
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
