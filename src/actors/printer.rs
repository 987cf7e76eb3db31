//! The order printer: prints a receipt for every completed order. Without process
//! managers it is also the end of the line: it completes an order once it can print it,
//! and voids one a cook refused.

use super::Context;
use crate::message::{DropReason, Envelope, Message, MessageType};
use crate::order::Order;
use crate::outbox::{Effect, Outbox};
use crate::wiring::Role;
use serde::Serialize;
use std::fmt::Write as _;
use std::rc::Rc;
use uuid::Uuid;

/// Handles one message; the printer takes no time.
pub fn handle(msg: &Envelope, ctx: &Context<'_>, out: &mut Outbox) -> u64 {
    let dodgy = msg.body.order().map(|o| o.dodgy);
    let Some(then) = ctx.wiring.reaction(Role::Printer, msg.message_type(), dodgy) else {
        return 0;
    };
    let ended = || {
        ctx.store
            .stream(&msg.correlation_id)
            .iter()
            .any(|&s| ctx.store.get(s as usize).is_some_and(|e| e.message_type().is_terminal()))
    };
    match then {
        // with process managers: print what the house completed
        None => {
            if let Some(order) = msg.body.order() {
                out.push(Effect::Print(order.clone()));
            }
        }
        Some(MessageType::OrderDropped) => {
            if !ended() {
                out.publish(Message::OrderDropped { reason: DropReason::Expired });
            }
        }
        Some(t) => {
            if let (Some(order), false) = (msg.body.order(), ended()) {
                out.push(Effect::Print(order.clone()));
                if let Some(m) = Message::with_order(t, order.clone()) {
                    out.publish(m);
                }
            }
        }
    }
    0
}

/// A printed receipt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Receipt {
    /// 1-based order number.
    pub order: u32,
    /// The order's correlation id.
    pub correlation_id: Uuid,
    /// When it was printed (simulated ms).
    pub at_ms: u64,
    /// The document printed.
    pub document: Rc<Order>,
}

impl Receipt {
    /// The receipt as text: table, items with prices, total, paid.
    ///
    /// ```
    /// use brigade::actors::printer::Receipt;
    /// use brigade::order::Order;
    /// use brigade::rng::Rng;
    /// use std::rc::Rc;
    /// let document = Rc::new(Order::draw(&mut Rng::new(1), false, 0).priced().settled());
    /// let r = Receipt { order: 1, correlation_id: uuid::Uuid::nil(), at_ms: 5, document };
    /// assert!(r.to_text().contains("paid"));
    /// ```
    pub fn to_text(&self) -> String {
        let d = &self.document;
        let mut text = format!("order {} · table {} · {} ms\n", self.order, d.table, self.at_ms);
        for line in d.items() {
            let _ = writeln!(
                text,
                "  {}× {:<22} {:>9}",
                line.qty,
                line.dish().name,
                cents(line.price_cents * line.qty as u32)
            );
        }
        let _ = writeln!(text, "  {:<25} {:>9}", "tax", cents(d.tax_cents));
        let _ = writeln!(
            text,
            "  {:<25} {:>9}  {}",
            "total",
            cents(d.total_cents),
            if d.paid { "paid" } else { "NOT PAID" }
        );
        text
    }
}

fn cents(c: u32) -> String {
    format!("€{}.{:02}", c / 100, c % 100)
}
