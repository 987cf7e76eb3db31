//! The live kitchen (`brigade live`, cargo feature `live`): the same actors as the
//! simulation, through the same [`Handler`](crate::actors::Handler) interface, as tasks or
//! processes exchanging their messages over NATS JetStream, on the wall clock. See
//! docs/LIVE.md for how the workshop's ideas map onto JetStream.
//!
//! Not compiled to WebAssembly, and nothing below it refers to it: the core stays free of
//! tokio, time and threads.

pub mod broker;
pub mod clock;
/// The wire format (outside this module: the page reads the same messages).
pub use crate::codec;
pub mod floor;
pub mod journal;
pub mod kitchen;
pub mod options;
pub mod recorder;
pub mod station;
pub mod timers;

use std::process::ExitCode;

/// `brigade live ARGS`: runs the actors these arguments ask for until they are done (the
/// kitchen: every order ended) or stopped (Ctrl-C, SIGTERM). Exit status 0 done, 1 the
/// kitchen's deadline passed, 2 bad input or no broker.
pub fn main(args: &[String]) -> ExitCode {
    let live = match options::parse(args) {
        Ok(Some(live)) => live,
        Ok(None) => {
            print!("{}", options::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("brigade live: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("brigade live: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, kitchen::run(live))
}
