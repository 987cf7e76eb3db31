//! The alarm clock: holds the message of a `PublishAt` and publishes it when it is due.

use super::{Context, Handler, Input};
use crate::outbox::Outbox;

/// The alarm clock (it keeps nothing: what it will publish waits in the executor).
#[derive(Debug, Clone, Copy, Default)]
pub struct AlarmClock;

impl Handler for AlarmClock {
    /// Handles one `PublishAt`: the message is published at its due time.
    fn handle(&mut self, input: Input<'_>, _ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        let Input::Message(msg) = input else { return 0 };
        if let Some(alarm) = msg.body.alarm() {
            out.publish_at(alarm.due_ms().max(msg.at_ms), alarm.message());
        }
        0
    }
}
