//! The page's memory budget (src/sim/budget.rs) is estimated from what runs really publish:
//! its messages-per-order bound holds for the most demanding settings of every
//! architecture (issue 26: a config published 96 messages per order against the 60 the
//! budget assumed, and ran the page out of memory). The full measurement is
//! `cargo run --release --example messages_per_order`.

#![cfg(not(target_arch = "wasm32"))]

use brigade::scenario::{Architecture, Config, CookSpec, Dispatch};
use brigade::sim::budget::{check_memory, messages_per_order_bound, MEMORY_BUDGET};
use brigade::sim::World;

/// Messages per order of `cfg` run to idle.
fn published_per_order(cfg: &Config) -> f64 {
    let mut world = World::new(cfg.clone()).unwrap().untraced();
    world.run_to_idle();
    world.store().len() as f64 / cfg.orders as f64
}

/// The settings that published the most per order in the measurement: every delivery
/// doubled, fast cooks, slow competing workers, timeouts of 1 ms or the defaults.
fn demanding(architecture: Architecture, duplicate: f64, max_retries: u8, timeout: u64) -> Config {
    Config {
        seed: 3,
        orders: 60,
        architecture,
        duplicate,
        drop: 0.0,
        dispatch: Dispatch::Competing,
        cooks: ["A", "B", "C"].iter().map(|n| CookSpec { name: n.to_string(), ms: 5 }).collect(),
        assistant_manager_ms: 2_000,
        cashier_ms: 2_000,
        max_retries,
        cook_timeout_ms: timeout,
        price_timeout_ms: timeout.min(1_000),
        pay_timeout_ms: timeout.min(1_000),
        ..Config::default()
    }
}

#[test]
fn the_bound_holds_for_the_most_demanding_settings_of_every_architecture() {
    let mut most: f64 = 0.0;
    for architecture in Architecture::ALL {
        for duplicate in [0.0, 0.5, 1.0] {
            for max_retries in [0, 3, 10] {
                for timeout in [1, 2_500] {
                    let cfg = demanding(architecture, duplicate, max_retries, timeout);
                    let per_order = published_per_order(&cfg);
                    let bound = messages_per_order_bound(&cfg) as f64;
                    most = most.max(per_order);
                    assert!(
                        per_order <= bound,
                        "{} duplicate {duplicate} retries {max_retries} timeouts {timeout} ms: \
                         {per_order:.1} messages per order, bound {bound}",
                        architecture.name()
                    );
                }
            }
        }
    }
    assert!(most > 60.0, "the settings are demanding: {most:.1} messages per order at most");
}

#[test]
fn placed_orders_count_and_the_refusal_says_what_fits() {
    let cfg = Config { max_retries: 10, duplicate: 1.0, ..Config::default() };
    let err = check_memory(&Config { orders: 1_000_000, ..cfg.clone() }, 0).unwrap_err();
    let most: u32 = err
        .message
        .split("at most ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("says what fits: {}", err.message));
    let edge = Config { orders: most, ..cfg };
    assert!(check_memory(&edge, 0).is_ok());
    let err = check_memory(&edge, 110_000).unwrap_err();
    assert!(err.message.contains("(and 110000 placed by hand)"), "{}", err.message);
    assert!(err.message.contains(&format!("at most {most} orders")), "{}", err.message);
    assert!(check_memory(&edge, 1).is_err(), "one more order placed by hand is over the edge");
    // the largest counts do not overflow the estimate
    assert!(check_memory(&Config { orders: u32::MAX, ..edge.clone() }, u64::MAX).is_err());
    const { assert!(MEMORY_BUDGET < 2 << 30) };
}
