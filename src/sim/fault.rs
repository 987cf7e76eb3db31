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
}

impl Fault {
    /// Every fault, in declaration order.
    pub const ALL: [Fault; 6] =
        [Fault::Drop, Fault::Duplicate, Fault::Delay, Fault::WalkedOut, Fault::Shed, Fault::Stale];

    /// `"drop"`, `"duplicate"`, `"delay"`, `"walked-out"`, `"shed"` or `"stale"`: the facade's
    /// and the run file's word.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Drop => "drop",
            Fault::Duplicate => "duplicate",
            Fault::Delay => "delay",
            Fault::WalkedOut => "walked-out",
            Fault::Shed => "shed",
            Fault::Stale => "stale",
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
