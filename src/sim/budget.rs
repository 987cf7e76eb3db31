//! The page's memory budget: how much a time-travelling run may need, estimated from its
//! config before it starts, so that a run too big for the page's WebAssembly memory is
//! refused with a reason instead of crashing the engine halfway.
//!
//! The command line and `World::run_to_idle` keep no checkpoints and are not limited by it.

use crate::scenario::{Config, ConfigError};

/// Memory a timeline may plan to use: what the page's engine allows itself of its 2 GiB
/// of WebAssembly memory, the rest kept for views, exports and the allocator's slack.
pub const MEMORY_BUDGET: u64 = 1536 << 20;

/// Bytes a timeline holds per published message in the page's engine (wasm32): the
/// message in the store and its stream, the step's trace record, its share of the
/// checkpoints ([`super::timeline::CHECKPOINT_BYTES_PER_MESSAGE`], [`checkpoint_pool`]) and of the backlog at its peak. Measured in
/// Node (benches/wasm-node.mjs): 100,000 orders 120 ms apart held 193 bytes per message,
/// all at once 416 (with 15 messages per order, far below the bound below); since the log
/// keeps 32 bytes a message instead of 64, 144 and 336. The issue-26 config at the old
/// budget's edge (96 messages per order, 77,000 orders) used 2,275 MiB: 322 bytes per
/// message.
pub const BYTES_PER_MESSAGE: u64 = 320;

/// Bytes per message under `cfg`: [`BYTES_PER_MESSAGE`] plus a row of the queue chart,
/// which can come with every step (its interval index and one peak per actor).
fn bytes_per_message(cfg: &Config) -> u64 {
    BYTES_PER_MESSAGE + 8 + 2 * (cfg.cooks.len() as u64 + 7)
}

/// At most how many messages one order publishes on average under `cfg`: the workshop's
/// flow and its answers, plus for every try (`max_retries + 1`) a command, its alarm and
/// the answers and rejections of its copies, more of them the more deliveries are doubled.
///
/// Measured (`cargo run --release --example messages_per_order`, docs/FACADE.md "Memory"):
/// over 8,640 runs of every architecture, drop, duplicate and dodgy share, slow and fast
/// cooks and workers, idempotent store on and off, 0, 3 and 10 retries and timeouts of 1
/// ms, the most per order were 17 (choreography, commands: no retries), and with process
/// managers 17, 37 and 85 for 0, 3 and 10 retries (every delivery doubled; 61 with none
/// doubled). A page's run of the config published 96. The bound: 20 + (5 + 4 ×
/// duplicate, rounded up) × tries: 119 for 10 retries with every delivery doubled, 75 with
/// none, 40 for the default config.
pub fn messages_per_order_bound(cfg: &Config) -> u64 {
    let per_try = 5 + (4.0 * cfg.duplicate.clamp(0.0, 1.0)).ceil() as u64;
    20 + per_try * (cfg.max_retries as u64 + 1)
}

/// The memory a timeline of `cfg` (with `extra_orders` orders placed by inputs) is
/// expected to need at most, in bytes.
pub fn memory_estimate(cfg: &Config, extra_orders: u64) -> u64 {
    (cfg.orders as u64)
        .saturating_add(extra_orders)
        .saturating_mul(messages_per_order_bound(cfg) * bytes_per_message(cfg))
}

/// Orders placed by `inputs` (what [`check_memory`] counts besides the config's).
pub fn placed_orders(inputs: &[super::Input]) -> u64 {
    inputs.iter().filter(|i| matches!(i.action, super::Action::PlaceOrder { .. })).count() as u64
}

/// Fewest bytes a timeline's checkpoints may hold together, however small its run (a
/// few checkpoints of a small run; nothing beside the budget).
pub const MIN_CHECKPOINT_POOL: u64 = 4 << 20;

/// The bytes a timeline of `cfg` (with `extra_orders` placed by inputs) may keep in
/// checkpoints: the checkpoints' share of [`memory_estimate`],
/// [`super::timeline::CHECKPOINT_BYTES_PER_MESSAGE`] for every message it plans for, and
/// at least [`MIN_CHECKPOINT_POOL`]. The timeline spaces its checkpoints to stay within it.
pub fn checkpoint_pool(cfg: &Config, extra_orders: u64) -> u64 {
    (cfg.orders as u64)
        .saturating_add(extra_orders)
        .saturating_mul(messages_per_order_bound(cfg))
        .saturating_mul(super::timeline::CHECKPOINT_BYTES_PER_MESSAGE as u64)
        .max(MIN_CHECKPOINT_POOL)
}

/// Refuses, before anything runs, a config whose timeline would not fit in
/// [`MEMORY_BUDGET`], naming the limit and why. Runs without time travel (the CLI,
/// `World::run_to_idle`) keep no checkpoints and are not limited by this.
pub fn check_memory(cfg: &Config, extra_orders: u64) -> Result<(), ConfigError> {
    let need = memory_estimate(cfg, extra_orders);
    if need <= MEMORY_BUDGET {
        return Ok(());
    }
    let per_order = messages_per_order_bound(cfg) * bytes_per_message(cfg);
    let most = MEMORY_BUDGET / per_order;
    let placed = if extra_orders > 0 { format!(" (and {extra_orders} placed by hand)") } else { String::new() };
    Err(ConfigError::new(
        "orders",
        format!(
            "{}{placed} orders are too many for time travel in the page: it keeps every step of the run and \
             could need {} MiB, more than the {} MiB it allows itself; with this config it runs at most {most} \
             orders (the command line runs up to 1000000)",
            cfg.orders,
            need >> 20,
            MEMORY_BUDGET >> 20
        ),
    ))
}

/// Memory an import takes per byte of run file, besides the run: the text itself (the
/// history is compared with the re-simulation as it is read, message by message, so it is
/// never held; measured in Node: 241 MiB of wasm memory for a 152 MiB file, the run
/// included), with room to spare.
pub const IMPORT_BYTES_PER_FILE_BYTE: u64 = 2;

/// Refuses a run file too big to import in the page, before it is read: its text and
/// history alone would take more than [`MEMORY_BUDGET`]. The command line reads any size.
pub fn check_import_size(bytes: u64) -> Result<(), String> {
    let most = MEMORY_BUDGET / IMPORT_BYTES_PER_FILE_BYTE;
    if bytes <= most {
        return Ok(());
    }
    Err(format!(
        "the run file is {} MiB, more than the {} MiB the page can import (checking it takes about {} times its size \
         in memory, of the {} MiB the page allows itself); check it with the command line (--check) instead",
        bytes.div_ceil(1 << 20),
        most >> 20,
        IMPORT_BYTES_PER_FILE_BYTE,
        MEMORY_BUDGET >> 20
    ))
}
