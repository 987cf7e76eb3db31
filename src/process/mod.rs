//! Process managers (the workshop's "midgets"): one per order, deciding the next command
//! from the order's history.
//!
//! A [`ProcessManager`] keeps no state between messages in the running system: the
//! [`house`] rebuilds it from the order's stream in the event store each time (side
//! effects switched off), then lets it handle the new message. [`replay()`] exposes the same
//! rebuild one message at a time, under any definition and version.

pub mod custom;
pub mod definition;
pub mod house;
pub mod manager;
pub mod replay;

pub use custom::{CustomProcess, CustomScope};
pub use definition::{check_version, Definition, ProcessParams, VERSIONS};
pub use house::House;
pub use manager::{Outcome, ProcessManager, ProcessState};
pub use replay::{replay, ReplayStep};
