//! # brigade
//!
//! The event-sourced restaurant of the classic workshop as a deterministic simulation.
//!
//! ```
//! use brigade::scenario::Config;
//! use brigade::sim::World;
//!
//! let mut world = World::new(Config { orders: 5, ..Config::default() }).unwrap();
//! world.run_to_idle();
//! let stats = world.stats();
//! assert_eq!(stats.completed + stats.dropped_total(), 5);
//! ```

#![warn(missing_docs)]

pub mod actors;
#[cfg(not(target_arch = "wasm32"))]
pub mod allocator;
pub mod arrivals;
pub mod bus;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod codec;
pub mod cooking;
pub mod definition;
pub mod dispatch;
pub mod explore;
pub mod facade_args;
pub mod fate;
pub mod faults;
pub mod history_rules;
pub mod ids;
#[cfg(all(feature = "live", not(target_arch = "wasm32")))]
pub mod live;
pub mod mailbox_limit;
pub mod mermaid;
pub mod message;
pub mod observed;
pub mod order;
pub mod outbox;
pub mod process;
pub mod report;
pub mod rng;
pub mod role;
pub mod run_file;
pub mod run_index;
pub mod scenario;
pub mod sim;
pub mod store;
#[cfg(not(target_arch = "wasm32"))]
pub mod typescript;
pub mod view;
pub mod vocabulary;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
#[cfg(target_arch = "wasm32")]
mod wasm_alloc;
#[cfg(target_arch = "wasm32")]
pub mod wasm_exercise;
#[cfg(target_arch = "wasm32")]
pub mod wasm_index;
#[cfg(target_arch = "wasm32")]
pub mod wasm_observed;
pub mod wiring;
