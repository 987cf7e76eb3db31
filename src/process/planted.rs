//! A bug to plant in the process managers, for the explorer's tests only: with it, a
//! process manager trusts every answer — it acts on a late or repeated answer even after
//! it has retried, moved on or finished, instead of rejecting it. Compiled only with the
//! feature `planted-bug` (the test command turns it on), and off even then unless a test
//! runs its code inside [`with_planted_bug`]: the CLI and the page never carry it.

use std::cell::Cell;

thread_local! {
    static TRUSTING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the planted bug is on in this thread.
pub fn trusts_every_answer() -> bool {
    TRUSTING.with(Cell::get)
}

/// Runs `f` with the planted bug on in this thread (off again afterwards, even if `f`
/// panics).
#[doc(hidden)]
pub fn with_planted_bug<R>(f: impl FnOnce() -> R) -> R {
    struct Off;
    impl Drop for Off {
        fn drop(&mut self) {
            TRUSTING.with(|t| t.set(false));
        }
    }
    TRUSTING.with(|t| t.set(true));
    let _off = Off;
    f()
}
