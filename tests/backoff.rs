//! Retries with exponential backoff and seeded jitter, and a time to live set by the
//! config: each retry of a step waits longer, by the same amounts on every run of the same
//! seed; the default (no backoff, the menu's time to live) keeps every history as it was.

use brigade::message::{Message, WorkStep};
use brigade::scenario::Config;
use brigade::sim::World;

/// When each of the first order's `StepTimedOut` for cooking rang, by attempt.
fn cook_timeouts(cfg: Config) -> Vec<(u8, u64)> {
    let mut world = World::new(cfg).expect("valid config");
    world.run_to_idle();
    world
        .store()
        .messages()
        .filter_map(|e| match e.body {
            Message::StepTimedOut { step: WorkStep::Cook, attempt } => Some((attempt, e.at_ms)),
            _ => None,
        })
        .collect()
}

/// Every delivery to a cook lost, and time enough to live for every retry to ring.
fn lost_kitchen(backoff: f64, jitter: f64, seed: u64) -> Config {
    Config {
        orders: 1,
        drop: 1.0,
        cook_timeout_ms: 1_000,
        backoff,
        backoff_jitter: jitter,
        time_to_live_ms: Some(600_000),
        seed,
        ..Config::default()
    }
}

#[test]
fn each_retry_waits_the_backoff_times_the_wait_before_it() {
    // 1 s, then 2 s, 4 s, 8 s: the alarms ring at 1, 3, 7 and 15 s
    assert_eq!(cook_timeouts(lost_kitchen(2.0, 0.0, 1)), vec![(1, 1_000), (2, 3_000), (3, 7_000), (4, 15_000)]);
    // without backoff, every second
    assert_eq!(cook_timeouts(lost_kitchen(1.0, 0.0, 1)), vec![(1, 1_000), (2, 2_000), (3, 3_000), (4, 4_000)]);
    // a retry waits at most 32 times the timeout
    let cfg = Config { max_retries: 10, ..lost_kitchen(10.0, 0.0, 1) };
    let rang = cook_timeouts(cfg);
    let waits: Vec<u64> = rang.windows(2).map(|w| w[1].1 - w[0].1).collect();
    assert_eq!(&waits[..3], &[10_000, 32_000, 32_000]);
}

#[test]
fn the_jitter_is_drawn_from_the_seed_within_its_share() {
    let plain = cook_timeouts(lost_kitchen(2.0, 0.0, 3));
    let a = cook_timeouts(lost_kitchen(2.0, 0.25, 3));
    assert_eq!(a, cook_timeouts(lost_kitchen(2.0, 0.25, 3)), "the same seed waits the same");
    assert_ne!(a, cook_timeouts(lost_kitchen(2.0, 0.25, 4)), "another seed waits otherwise");
    assert_eq!(a[0], plain[0], "the first attempt waits its timeout");
    let waits = |rang: &[(u8, u64)]| rang.windows(2).map(|w| w[1].1 - w[0].1).collect::<Vec<_>>();
    let (jittered, expected) = (waits(&a), waits(&plain));
    assert_ne!(jittered, expected, "the jitter moves the waits");
    for (got, want) in jittered.iter().zip(&expected) {
        let (lo, hi) = (want - want / 4, want + want / 4);
        assert!((lo..=hi).contains(got), "{got} within a quarter of {want}");
    }
}

#[test]
fn the_time_to_live_can_be_set_for_every_order() {
    let cfg = Config { orders: 5, time_to_live_ms: Some(300), ..Config::default() };
    let mut world = World::new(cfg).expect("valid config");
    world.run_to_idle();
    let placed: Vec<_> = world
        .store()
        .messages()
        .filter_map(|e| match &e.body {
            Message::OrderPlaced { order } => Some(order.expires_at_ms - order.placed_at_ms),
            _ => None,
        })
        .collect();
    assert_eq!(placed, vec![300; 5]);
    // a cook checks the time to live when it starts: Koen starts his second order at 350
    let report = brigade::report::Report::of(&world);
    assert!(report.expired > 0, "{report:?}");
    assert!(Config { time_to_live_ms: Some(0), ..Config::default() }.validate().is_err());
}

#[test]
fn backoff_spares_a_slow_assistant_manager_its_pile_of_retries() {
    // the example: pricing takes 400 ms, 40 orders at once
    let slow = Config { assistant_manager_ms: 400, orders: 40, ..Config::default() };
    let run = |cfg: Config| {
        let mut world = World::new(cfg).expect("valid config");
        world.run_to_idle();
        brigade::report::Report::of(&world)
    };
    let plain = run(slow.clone());
    let backed_off = run(Config { backoff: 2.0, backoff_jitter: 0.2, ..slow });
    assert!(
        backed_off.retries < plain.retries,
        "{} retries with backoff, {} without",
        backed_off.retries,
        plain.retries
    );
    assert!(
        backed_off.completed > plain.completed,
        "{} completed with backoff, {}",
        backed_off.completed,
        plain.completed
    );
}
