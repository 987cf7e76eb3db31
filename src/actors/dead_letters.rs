//! The dead-letter queue: where a message waits after a worker failed on it every time it
//! was tried (a poison message). It never takes its mail: a person reads it there and
//! re-delivers one by hand (the input `RedeliverMessage`).

/// The dead-letter queue (what it holds is its mailbox).
#[derive(Debug, Clone, Copy, Default)]
pub struct DeadLetters;
