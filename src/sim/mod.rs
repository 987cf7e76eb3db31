//! The deterministic, single-threaded executor with simulated time.
//!
//! [`World`] owns the clock, the seeded generators, the mailboxes, the bus and the store.
//! [`World::step`] delivers one message to one handler; [`Timeline`] adds checkpoints so
//! the run can be stepped back and jumped through by re-execution.

pub mod actor;
pub mod budget;
pub mod input;
pub mod sampler;
pub mod stats;
pub mod timeline;
mod world;

pub use actor::{ActorInfo, ActorKind};
pub use input::{Action, Input};
pub use stats::Stats;
pub use timeline::Timeline;
pub use world::{Fault, FaultRecord, Snapshot, StepOutcome, TraceRecord, World, TAIL, TAKE_ORDER};
