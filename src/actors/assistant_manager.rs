//! The assistant manager: prices an order and adds tax.

use crate::message::{Envelope, Message};
use crate::outbox::Outbox;
use std::rc::Rc;

/// Handles one `PriceOrder`; returns how long the pricing takes.
pub fn handle(pricing_ms: u64, msg: &Envelope, out: &mut Outbox) -> u64 {
    let Message::PriceOrder { order, .. } = &msg.body else {
        return 0;
    };
    out.publish(Message::OrderPriced { order: Rc::new(order.priced()) });
    pricing_ms
}
