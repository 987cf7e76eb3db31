//! The deterministic, single-threaded executor with simulated time.
//!
//! [`World`] owns the clock, the seeded generators, the mailboxes, the bus and the store.
//! [`World::step`] delivers one message to one handler; [`Timeline`] adds checkpoints so
//! the run can be stepped back and jumped through by re-execution.

pub mod actor;
pub mod budget;
pub mod fault;
pub mod input;
mod mailboxes;
pub mod recorded;
pub mod sampler;
pub mod scheduler;
pub mod stats;
pub mod timeline;
pub mod trace;
mod world;

pub use crate::fate::Fate;
pub use actor::{ActorInfo, ActorKind};
pub use fault::{Fault, FaultRecord};
pub use input::{Action, FateTarget, Input};
pub use stats::{Money, Stats};
pub use timeline::Timeline;
pub use trace::{OutputRecord, TraceRecord, ABSORBED, NOT_PUBLISHED, TAIL, TAKE_ORDER};
pub use world::{Queued, Snapshot, StepOutcome, World};
