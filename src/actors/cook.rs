//! A cook: cooks the food of a `CookFood`, unless the order's time to live has passed.

use crate::message::{Envelope, Message};
use crate::outbox::Outbox;
use std::rc::Rc;

/// Handles one message at `now_ms`; returns how long the cook is busy.
///
/// An order whose time to live has passed is refused at once with `OrderExpired`;
/// otherwise the cook spends `cooking_ms` and announces `FoodCooked`.
pub fn handle(name: &Rc<String>, cooking_ms: u64, msg: &Envelope, now_ms: u64, out: &mut Outbox) -> u64 {
    let Message::CookFood { order, .. } = &msg.body else {
        return 0;
    };
    if order.expired(now_ms) {
        out.publish(Message::OrderExpired { cook: name.clone() });
        return 0;
    }
    out.publish(Message::FoodCooked { order: Rc::new(order.cooked(cooking_ms, name)) });
    cooking_ms
}
