//! The dispatcher: hands each order to a cook (round robin, more fair or competing
//! consumers; the choice itself is in [`crate::dispatch`]).

use super::Context;
use crate::dispatch;
use crate::outbox::{Effect, Outbox};

/// The dispatcher and the next cook in its rotation.
#[derive(Debug, Clone, Default)]
pub struct Dispatcher {
    /// Where the rotation starts looking next.
    pub rotation: usize,
}

impl Dispatcher {
    /// Hands the message at the head of the mailbox to a cook, or holds it when no cook
    /// may take it now. Takes no time.
    pub fn handle(&mut self, ctx: &Context<'_>, out: &mut Outbox) -> u64 {
        let limit = ctx.cfg.queue_limit as usize;
        match dispatch::choose(ctx.cfg.dispatch, ctx.cooks, ctx.now, limit, &mut self.rotation) {
            Some(cook) => out.push(Effect::HandTo(cook)),
            None => out.push(Effect::Hold),
        }
        0
    }
}
