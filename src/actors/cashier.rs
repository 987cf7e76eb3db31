//! The cashier: takes payment, never twice for the same order.

use crate::message::{Envelope, Message};
use crate::outbox::{Note, Outbox};
use std::rc::Rc;

/// Handles one `TakePayment`; `already_paid` tells whether the order's stream already
/// holds an `OrderPaid` (the cashier reads the store rather than keeping state). Returns
/// how long the cashier is busy.
pub fn handle(paying_ms: u64, already_paid: bool, msg: &Envelope, out: &mut Outbox) -> u64 {
    let Message::TakePayment { order, .. } = &msg.body else {
        return 0;
    };
    if already_paid {
        out.note(Note::AlreadyPaid);
        return 0;
    }
    out.publish(Message::OrderPaid { order: Rc::new(order.settled()) });
    paying_ms
}
