//! The engine end to end: the workshop's runs and what they must show.

mod common;

use brigade::message::{MessageType, RejectReason};
use brigade::scenario::{Config, CookSpec, Dispatch};
use brigade::sim::{ActorKind, World};
use common::{count, run, streams};
use std::collections::HashSet;

fn cooks(list: &[(&str, u64)]) -> Vec<CookSpec> {
    list.iter().map(|(n, ms)| CookSpec { name: n.to_string(), ms: *ms }).collect()
}

#[test]
fn the_reference_run_completes_every_order() {
    let world = run(Config::default());
    let s = world.stats();
    assert_eq!((s.placed, s.completed, s.dropped_total()), (10, 10, 0));
    assert_eq!(s.per_cook.iter().sum::<u32>(), 10);
    assert_eq!(world.live_processes(), 0, "the house is empty at idle");
    // an ended order stays followed, so that a late answer is rejected or refunded
    assert_eq!(world.store().followed(), 10);
}

#[test]
fn round_robin_spreads_orders_evenly() {
    // few enough that no order times out: every cook cooks the same number
    let world = run(Config { orders: 9, dispatch: Dispatch::RoundRobin, ..Config::default() });
    assert_eq!(world.stats().per_cook, vec![3, 3, 3]);
    // with retries in play the hand-outs still take turns: counts differ by at most one
    let world = run(Config { orders: 31, dispatch: Dispatch::RoundRobin, ..Config::default() });
    let handed: Vec<u32> =
        world.actors().iter().filter(|a| matches!(a.kind, ActorKind::Cook(_))).map(|a| world.handled(a.id)).collect();
    assert!(handed.iter().max().unwrap() - handed.iter().min().unwrap() <= 1, "{handed:?}");
    assert!(world.stats().retries > 0, "the test should exercise retried CookFood too");
}

#[test]
fn more_fair_never_lets_a_queue_pass_its_limit() {
    for limit in [1, 2, 5] {
        let world = run(Config {
            orders: 60,
            queue_limit: limit,
            cooks: cooks(&[("A", 300), ("B", 900)]),
            ..Config::default()
        });
        for a in world.actors().iter().filter(|a| matches!(a.kind, ActorKind::Cook(_))) {
            let peak = world.load(a.id).peak;
            assert!(peak <= limit, "{} reached {peak} with limit {limit}", a.name);
        }
        // and the limit really bit: the fast cook took more
        assert!(world.stats().per_cook[0] > world.stats().per_cook[1]);
    }
}

#[test]
fn competing_consumers_never_leave_a_cook_idle_while_work_waits() {
    let cfg = Config {
        orders: 80,
        interval_ms: 40,
        dispatch: Dispatch::Competing,
        cooks: cooks(&[("A", 150), ("B", 400), ("C", 700)]),
        ..Config::default()
    };
    let mut world = World::new(cfg).unwrap();
    let dispatcher = world.actors().iter().find(|a| a.kind == ActorKind::Dispatcher).unwrap().id;
    let cook_ids: Vec<u16> =
        world.actors().iter().filter(|a| matches!(a.kind, ActorKind::Cook(_))).map(|a| a.id).collect();
    let mut checked = 0;
    loop {
        // whenever simulated time is about to move on, no cook may sit idle with work waiting
        let now = world.now();
        match world.next_event_time() {
            Some(next) if next > now && world.queue_len(dispatcher) > 0 => {
                for &c in &cook_ids {
                    let idle = world.busy_until(c) <= now && world.queue_len(c) == 0;
                    assert!(!idle, "cook {c} idle at {now} ms while {} orders wait", world.queue_len(dispatcher));
                }
                checked += 1;
            }
            None => break,
            _ => {}
        }
        world.step();
    }
    assert!(checked > 10, "work waited at the dispatcher only {checked} times: the test saw no contention");
    for &c in &cook_ids {
        assert!(world.load(c).peak <= 1, "competing cooks hold one order at a time");
    }
}

#[test]
fn a_slow_cook_lets_the_time_to_live_drop_orders() {
    let world = run(Config { cooks: cooks(&[("Slow", 2_000)]), ..Config::default() });
    let s = world.stats();
    assert!(s.dropped[0] > 0, "orders dropped as expired: {:?}", s.dropped);
    assert!(s.expired > 0);
    assert_eq!(s.completed + s.dropped_total(), 10);
    // an expired order is announced by the cook and dropped once by its process
    for stream in streams(&world).values() {
        assert!(count(stream, MessageType::OrderDropped) + count(stream, MessageType::OrderCompleted) == 1);
    }
}

#[test]
fn when_every_delivery_is_lost_nothing_is_cooked() {
    let world = run(Config { drop: 1.0, ..Config::default() });
    let s = world.stats();
    assert_eq!(s.per_cook.iter().sum::<u32>(), 0);
    assert_eq!(s.completed, 0);
    assert_eq!(s.dropped_total(), 10);
    // cooking is retried while the order can still be cooked; a timeout past its time to
    // live drops it as expired instead of asking a cook who would refuse
    assert!((10..=20).contains(&s.retries), "one or two retries an order: {}", s.retries);
    assert_eq!(s.dropped, [10, 0, 0, 0], "every order dropped as expired");
}

#[test]
fn duplicated_deliveries_reach_the_worker_twice() {
    let world = run(Config { duplicate: 1.0, ..Config::default() });
    let s = world.stats();
    assert!(s.deliveries_duplicated > 0);
    // every worker delivery came twice: the second copy is in the trace
    let copies = (1..=world.steps()).filter_map(|i| world.trace_record(i)).filter(|r| r.copy == 1).count();
    assert_eq!(copies as u32, s.deliveries_duplicated);
    assert!(s.per_cook.iter().sum::<u32>() >= 20, "each order cooked at least twice");
    assert!(s.rejected_for(RejectReason::Duplicate) > 0, "repeated answers to a live process are rejected");
    assert!(s.already_paid >= 10, "the cashier refuses to charge twice");
    assert_eq!(s.completed, 10);
    for stream in streams(&world).values() {
        assert_eq!(count(stream, MessageType::OrderPaid), 1, "charged exactly once");
    }
}

#[test]
fn every_causation_names_an_earlier_message_of_the_same_order_and_ids_are_unique() {
    let world = run(Config { orders: 40, drop: 0.2, duplicate: 0.2, dodgy: 0.5, ..Config::default() });
    let mut seen = HashSet::new();
    let mut last_at = 0;
    for env in world.store().messages() {
        assert!(env.at_ms >= last_at, "at_ms never decreases");
        last_at = env.at_ms;
        match env.causation() {
            None => assert_eq!(env.message_type(), MessageType::OrderPlaced),
            Some(cause) => {
                let earlier = world.store().messages().take_while(|e| e.id != env.id).find(|e| e.id == cause);
                let earlier = earlier.unwrap_or_else(|| panic!("{:?} names no earlier message", env.message_type()));
                assert_eq!(earlier.correlation_id, env.correlation_id);
            }
        }
        assert!(seen.insert(env.id), "duplicate id {}", env.id);
    }
}

#[test]
fn the_same_seed_gives_a_byte_identical_run_file_and_another_seed_another() {
    let cfg = Config { orders: 25, drop: 0.1, duplicate: 0.1, dodgy: 0.3, ..Config::default() };
    let a = brigade::run_file::export(&run(cfg.clone()), None);
    let b = brigade::run_file::export(&run(cfg.clone()), None);
    let c = brigade::run_file::export(&run(Config { seed: 43, ..cfg }), None);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn run_until_stops_at_the_given_time_and_resumes() {
    let mut world = World::new(Config::default()).unwrap();
    world.run_until(1_000);
    assert!(world.now() <= 1_000);
    assert!(world.next_event_time().unwrap() > 1_000);
    let partial = world.stats().completed;
    world.run_to_idle();
    assert!(world.stats().completed >= partial);
    assert_eq!(world.stats().completed, 10);
}

#[test]
fn queue_samples_record_peaks_over_time() {
    let world = run(Config { orders: 30, ..Config::default() });
    let (buckets, values) = world.samples();
    let n = world.actors().len();
    assert_eq!(values.len(), buckets.len() * n);
    assert!(buckets.windows(2).all(|w| w[0] < w[1]));
    let dispatcher_peak = (0..buckets.len()).map(|r| values[r * n + 2]).max().unwrap();
    assert_eq!(dispatcher_peak as u32, world.load(2).peak);
}

#[test]
fn the_naive_house_and_the_cached_house_publish_the_same_history() {
    use brigade::scenario::HouseMode;
    for seed in 0..8 {
        let cfg =
            Config { seed, orders: 30, interval_ms: 50, drop: 0.15, duplicate: 0.15, dodgy: 0.4, ..Config::default() };
        let cached = run(Config { house: HouseMode::Cached, ..cfg.clone() });
        let naive = run(Config { house: HouseMode::Rebuild, ..cfg });
        let a: Vec<_> = cached.store().messages().collect();
        let b: Vec<_> = naive.store().messages().collect();
        assert_eq!(a, b, "seed {seed}");
    }
}

#[test]
fn a_world_without_its_step_trace_runs_the_same_history_report_and_receipts() {
    use brigade::scenario::Architecture;
    let configs = [
        Config { orders: 60, drop: 0.2, duplicate: 0.2, dodgy: 0.5, seed: 9, ..Config::default() },
        Config { orders: 40, architecture: Architecture::Choreography, drop: 0.3, ..Config::default() },
        Config { orders: 40, idempotent_store: true, duplicate: 0.4, seed: 3, ..Config::default() },
    ];
    for cfg in configs {
        let traced = run(cfg.clone());
        let mut untraced = World::new(cfg).unwrap().untraced();
        untraced.run_to_idle();
        assert_eq!(brigade::run_file::export(&traced, None), brigade::run_file::export(&untraced, None));
        assert_eq!(brigade::report::receipts(&traced), brigade::report::receipts(&untraced));
        assert_eq!(traced.steps(), untraced.steps());
        assert!(traced.trace_record(traced.steps()).is_some());
        assert_eq!(untraced.trace_record(1), None, "no step is recorded");
        assert!(untraced.step_outputs(1).is_empty());
    }
}

/// The completion times kept as orders complete are what the log says (each
/// `OrderCompleted`'s time less its order's `OrderPlaced` time), also after stepping back to
/// a checkpoint and running a different future from there.
#[test]
fn completion_times_are_the_logs_placed_to_completed_times_also_after_time_travel() {
    use brigade::scenario::Architecture;
    let from_log = |world: &World| {
        let store = world.store();
        let mut placed = std::collections::HashMap::new();
        let mut times = Vec::new();
        for seq in 0..store.len() {
            let (Some(t), Some(at), Some(order)) = (store.message_type(seq), store.at_ms(seq), store.order_of(seq))
            else {
                continue;
            };
            match t {
                MessageType::OrderPlaced => {
                    placed.insert(order, at);
                }
                MessageType::OrderCompleted => times.push(at - placed[&order]),
                _ => {}
            }
        }
        times
    };
    let configs = [
        Config { orders: 80, interval_ms: 120, drop: 0.1, duplicate: 0.2, dodgy: 0.4, seed: 5, ..Config::default() },
        Config { orders: 60, architecture: Architecture::Choreography, duplicate: 0.3, ..Config::default() },
    ];
    for cfg in configs {
        let mut world = World::new(cfg).unwrap();
        for _ in 0..400 {
            world.step();
        }
        let checkpoint = world.snapshot();
        let early = world.completion_times().to_vec();
        world.run_to_idle();
        assert_eq!(world.completion_times(), from_log(&world));
        assert!(world.completion_times().len() > early.len() && !early.is_empty());
        world.restore(&checkpoint);
        assert_eq!(world.completion_times(), early, "back at the checkpoint");
        // a different future from there: an extra order placed by hand
        world.truncate_future();
        world.place_order(true);
        world.run_to_idle();
        assert_eq!(world.completion_times(), from_log(&world));
    }
}
