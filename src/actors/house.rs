//! The house on the floor: it hands every message it hears to the order's process manager
//! ([`crate::process::House`] keeps them; the decisions are in [`crate::process`]).

use super::{Context, Handler, Input};
use crate::outbox::Outbox;
use crate::process::house::{House, HouseContext};
use crate::scenario::HouseMode;

impl Handler for House {
    /// Hands one message to the process managers; the house takes no time.
    fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        let Input::Message(msg) = input else { return 0 };
        let hctx = HouseContext {
            store: ctx.store,
            version: ctx.version,
            params: ctx.params,
            cached: ctx.cfg.house == HouseMode::Cached,
            custom_scope: ctx.cfg.custom_process,
            custom: ctx.custom,
        };
        self.hear(msg, hctx, out);
        0
    }
}
