//! The faults of the delivery layer, and where each happened: what the log, the faults
//! list and the floor mark.

use crate::bus::ActorId;

/// A fault of the delivery layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The delivery was lost.
    Drop,
    /// The delivery was made twice.
    Duplicate,
    /// The delivery was delayed by a person (the message re-enters the mailbox later).
    Delay,
    /// The message was waiting for a cook who walked out (or reached it while away): lost.
    WalkedOut,
    /// The message found its mailbox full and was shed (a bound with `drop-newest` or
    /// `drop-oldest`): lost, as a lost delivery is.
    Shed,
    /// The message waited in its mailbox longer than its bound's age (`max_age_ms`) and was
    /// shed unhandled when its worker reached it: lost, as a lost delivery is.
    Stale,
    /// The message was lost in a crash of its actor: in hand, or waiting in a mailbox that
    /// is not durable (or an alarm the alarm clock did not keep in the store).
    Crash,
    /// The worker's handler failed on the message (a poison message): it is tried again,
    /// or dead-lettered past its retries.
    Failed,
    /// The message failed every try and was moved to the dead-letter queue.
    DeadLettered,
    /// A second delivery of a message an idempotent consumer had taken already: recognised
    /// by its id and set aside, not worked again.
    Recognised,
}

impl Fault {
    /// Every fault, in declaration order.
    pub const ALL: [Fault; 10] = [
        Fault::Drop,
        Fault::Duplicate,
        Fault::Delay,
        Fault::WalkedOut,
        Fault::Shed,
        Fault::Stale,
        Fault::Crash,
        Fault::Failed,
        Fault::DeadLettered,
        Fault::Recognised,
    ];

    /// `"drop"`, `"duplicate"`, `"delay"`, `"walked-out"`, `"shed"`, `"stale"`, `"crash"`,
    /// `"failed"`, `"dead-lettered"` or `"recognised"`: the facade's and the run file's word.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Drop => "drop",
            Fault::Duplicate => "duplicate",
            Fault::Delay => "delay",
            Fault::WalkedOut => "walked-out",
            Fault::Shed => "shed",
            Fault::Stale => "stale",
            Fault::Crash => "crash",
            Fault::Failed => "failed",
            Fault::DeadLettered => "dead-lettered",
            Fault::Recognised => "recognised",
        }
    }

    /// What became of the delivery, in a few words: `lost`, `made twice`, `late`, `lost
    /// (cook away)`, `shed (mailbox full)`, `shed (waited too long)`.
    pub fn outcome(self) -> &'static str {
        match self {
            Fault::Drop => "lost",
            Fault::Duplicate => "made twice",
            Fault::Delay => "late",
            Fault::WalkedOut => "lost (cook away)",
            Fault::Shed => "shed (mailbox full)",
            Fault::Stale => "shed (waited too long)",
            Fault::Crash => "lost in a crash",
            Fault::Failed => "failed (poison)",
            Fault::DeadLettered => "dead-lettered",
            Fault::Recognised => "recognised (taken once)",
        }
    }
}

/// A fault, and where it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultRecord {
    /// The step (1-based) during which it happened.
    pub step: u32,
    /// The message concerned.
    pub seq: u32,
    /// The worker it was meant for.
    pub actor: ActorId,
    /// What happened.
    pub fault: Fault,
    /// Whether a recorded input caused it (rather than the seeded fault rates).
    pub manual: bool,
}
