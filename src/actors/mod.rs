//! The kitchen's workers and helpers, one file each. Every handler is a pure function
//! of its input: it writes what should happen into an [`Outbox`](crate::outbox::Outbox)
//! and returns how long the work takes; the executor does the rest.

pub mod alarm_clock;
pub mod assistant_manager;
pub mod cashier;
pub mod cook;
pub mod printer;
pub mod waiter;
