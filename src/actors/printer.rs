//! The order printer: prints a receipt for every completed order. Without process
//! managers it is also the end of the line: it completes an order once it can print it,
//! and voids one a cook refused.

use super::{Context, Handler, Input};
use crate::message::{Delivered, DropReason, Message, MessageType};
use crate::order::Order;
use crate::order::TAX_PERCENT;
use crate::outbox::{Effect, Outbox};
use crate::wiring::Role;
use serde::Serialize;
use std::fmt::Write as _;
use uuid::Uuid;

/// The order printer (it keeps nothing: what it printed is on the run's side log).
#[derive(Debug, Clone, Copy, Default)]
pub struct Printer;

impl Handler for Printer {
    /// Handles one message; the printer takes no time.
    fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        let Input::Message(msg) = input else { return 0 };
        print(msg, ctx, out)
    }
}

/// What the printer does with `msg`.
fn print(msg: &Delivered<'_>, ctx: &Context<'_>, out: &mut Outbox) -> u64 {
    let dodgy = msg.body.order().map(|o| o.dodgy);
    let Some(then) = ctx.wiring.reaction(Role::Printer, msg.message_type(), dodgy) else {
        return 0;
    };
    let ended = || {
        ctx.store
            .order_stream(msg)
            .iter()
            .any(|&s| ctx.store.message_type(s as usize).is_some_and(MessageType::is_terminal))
    };
    match then {
        // with process managers: print what the house completed
        None => {
            if let Some(order) = msg.body.order() {
                out.push(Effect::Document(order.clone()));
            }
        }
        Some(MessageType::OrderDropped) => {
            if !ended() {
                out.publish(Message::OrderDropped { reason: DropReason::Expired });
            }
        }
        Some(t) => {
            if let (Some(order), false) = (msg.body.order(), ended()) {
                out.push(Effect::Document(order.clone()));
                if let Some(m) = Message::with_order(t, order.clone()) {
                    out.publish(m);
                }
            }
        }
    }
    0
}

/// One line of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct ReceiptLine {
    /// The dish's name on the menu.
    pub dish: &'static str,
    /// How many.
    pub qty: u8,
    /// Price of one, in cents.
    pub price_cents: u32,
}

/// What the printer prints for a completed order: table, items, total, paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Receipt {
    /// The order's number, from 1 in the order the waiter took them.
    pub order: u32,
    /// The order's correlation id.
    pub correlation_id: Uuid,
    /// Simulated time the printer printed it.
    pub at_ms: u64,
    /// Table number.
    pub table: u16,
    /// What was served.
    pub items: Vec<ReceiptLine>,
    /// Before tax, in cents.
    pub subtotal_cents: u32,
    /// Tax, in cents.
    pub tax_cents: u32,
    /// What the customer paid, in cents.
    pub total_cents: u32,
    /// Whether the cashier marked the order paid.
    pub paid: bool,
    /// What the cook used, dish by dish (empty for an order never cooked).
    pub ingredients: Vec<&'static str>,
    /// Who cooked it.
    pub cooked_by: Option<String>,
    /// How long the cooking took, in simulated ms.
    pub cooking_ms: u32,
}

impl Receipt {
    /// The receipt of order number `order` printed at `at_ms` from `document`.
    pub fn of(order: u32, correlation_id: Uuid, at_ms: u64, document: &Order) -> Receipt {
        Receipt {
            order,
            correlation_id,
            at_ms,
            table: document.table,
            items: document
                .items()
                .iter()
                .map(|l| ReceiptLine { dish: l.dish().name, qty: l.qty, price_cents: l.price_cents })
                .collect(),
            subtotal_cents: document.subtotal_cents,
            tax_cents: document.tax_cents,
            total_cents: document.total_cents,
            paid: document.paid,
            ingredients: document.ingredients(),
            cooked_by: document.cooked_by.as_deref().cloned(),
            cooking_ms: document.cooking_ms,
        }
    }
}

impl Receipt {
    /// The receipt as the printer prints it.
    ///
    /// ```text
    /// receipt · order 3 · table 7 · 950 ms
    ///   2× meatballs             €19.00
    ///   cooked by Koen in 350 ms
    ///   with beef, breadcrumbs, tomato
    ///   subtotal                 €19.00
    ///   tax 20 %                  €3.80
    ///   total                    €22.80
    ///   PAID
    /// ```
    pub fn to_text(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "receipt · order {} · table {} · {} ms", self.order, self.table, self.at_ms);
        for l in &self.items {
            let _ =
                writeln!(t, "  {:<22} {:>9}", format!("{}× {}", l.qty, l.dish), euros(l.price_cents * l.qty as u32));
        }
        if let Some(cook) = &self.cooked_by {
            let _ = writeln!(t, "  cooked by {cook} in {} ms", self.cooking_ms);
        }
        if !self.ingredients.is_empty() {
            let _ = writeln!(t, "  with {}", self.ingredients.join(", "));
        }
        let _ = writeln!(t, "  {:<22} {:>9}", "subtotal", euros(self.subtotal_cents));
        let _ = writeln!(t, "  {:<22} {:>9}", format!("tax {TAX_PERCENT} %"), euros(self.tax_cents));
        let _ = writeln!(t, "  {:<22} {:>9}", "total", euros(self.total_cents));
        let _ = writeln!(t, "  {}", if self.paid { "PAID" } else { "NOT PAID" });
        t
    }
}

fn euros(cents: u32) -> String {
    format!("€{}.{:02}", cents / 100, cents % 100)
}
