//! The order printer: prints every completed order.

use crate::message::{Envelope, Message};

/// The printed line for an `OrderCompleted`, or `None` for anything else.
pub fn print(msg: &Envelope) -> Option<String> {
    match &msg.body {
        Message::OrderCompleted { order } => Some(format!(
            "table {}: {} — {} cents{}",
            order.table,
            order.items().iter().map(|l| format!("{}× {}", l.qty, l.dish().name)).collect::<Vec<_>>().join(", "),
            order.total_cents,
            if order.paid { ", paid" } else { "" }
        )),
        _ => None,
    }
}
