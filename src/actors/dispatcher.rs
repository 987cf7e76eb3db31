//! The dispatcher: hands each order to a cook (round robin, more fair or competing
//! consumers; the choice itself is in [`crate::dispatch`]).

use super::Context;
use crate::dispatch::{self, CookLoad};
use crate::outbox::{Effect, Outbox};
use crate::scenario::Config;

/// The dispatcher and the next cook in its rotation.
#[derive(Debug, Clone, Default)]
pub struct Dispatcher {
    /// Where the rotation starts looking next.
    pub rotation: usize,
}

/// When the dispatcher could hand out the message at the head of its mailbox, given what
/// it sees of the cooks; `None` when it must wait for a cook to take from its own queue.
pub fn ready_at(cfg: &Config, cooks: impl IntoIterator<Item = CookLoad>, now: u64) -> Option<u64> {
    dispatch::ready_at(cfg.dispatch, cooks, now, cfg.queue_limit as usize)
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
