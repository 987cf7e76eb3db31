//! The cashier: takes payment, never twice for the same order, and refunds.
//!
//! The cashier keeps no state of its own: whether an order is paid is read from the
//! order's stream in the store (what it charged, less what it refunded).

use super::{Context, Handler, Input};
use crate::message::{Delivered, Message, MessageType, RefusalReason};
use crate::outbox::Outbox;
use crate::wiring::Role;
use std::rc::Rc;

/// The cashier and how long a payment takes.
#[derive(Debug, Clone)]
pub struct Cashier {
    /// Simulated ms to take (or refund) one payment.
    pub ms: u64,
}

/// Charges minus refunds of the order `msg` belongs to, so far: the till's — every
/// cashier's (`ctx.me` and the others sharing the payments) `OrderPaid` less their
/// `PaymentRefunded` (nobody else's: a process manager's message is no payment).
pub fn balance(ctx: &Context<'_>, msg: &Delivered<'_>) -> i32 {
    let store = ctx.store;
    let at_the_till =
        |s: u32| store.publisher(s as usize).is_some_and(|p| p == ctx.me || ctx.floor.role(p) == Some(Role::Cashier));
    store
        .order_stream(msg)
        .iter()
        .map(|&s| match store.message_type(s as usize) {
            Some(MessageType::OrderPaid) if at_the_till(s) => 1,
            Some(MessageType::PaymentRefunded) if at_the_till(s) => -1,
            _ => 0,
        })
        .sum()
}

impl Handler for Cashier {
    /// Handles a payment request (`TakePayment`, or `OrderPriced` in choreography) or a
    /// `RefundPayment`; returns how long the cashier is busy.
    fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        let Input::Message(msg) = input else { return 0 };
        let Some(order) = msg.body.order() else {
            return 0;
        };
        let paid = balance(ctx, msg) > 0;
        if msg.message_type() == MessageType::RefundPayment {
            if !paid {
                out.publish(Message::PaymentRefused { reason: RefusalReason::NotPaid });
                return 0;
            }
            out.publish(Message::PaymentRefunded { order: Rc::new(order.refunded()) });
            return self.ms;
        }
        let Some(Some(then)) = ctx.wiring.reaction(Role::Cashier, msg.message_type(), Some(order.dodgy)) else {
            return 0;
        };
        if paid {
            out.publish(Message::PaymentRefused { reason: RefusalReason::AlreadyPaid });
            return 0;
        }
        let settled = Rc::new(order.settled());
        match Message::with_order(then, settled.clone()) {
            Some(answer) => {
                out.publish(answer);
                if then != MessageType::OrderPaid {
                    // told to pass the paid order on (commands, pay-first: `CookFood`), the
                    // cashier still records the charge: every payment is an `OrderPaid`, so
                    // the money is read the same way in every architecture (CONTRACT §5)
                    out.publish(Message::OrderPaid { order: settled });
                }
                self.ms
            }
            None => 0,
        }
    }
}
