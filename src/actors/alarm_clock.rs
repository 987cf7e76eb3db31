//! The alarm clock: holds the message of a `PublishAt` and publishes it when it is due.

use crate::message::Delivered;
use crate::outbox::Outbox;

/// Handles one `PublishAt`: the message is published at its due time.
pub fn handle(msg: &Delivered<'_>, out: &mut Outbox) -> u64 {
    if let Some(alarm) = msg.body.alarm() {
        out.publish_at(alarm.due_ms().max(msg.at_ms), alarm.message());
    }
    0
}
