//! A bound and a policy on a mailbox (`mailbox_limits`): drop-newest sheds the message
//! arriving, drop-oldest the oldest waiting, each with its fault; block closes the waiter's
//! door while the mailbox is full; and under every policy each order placed ends exactly
//! once and nobody pays for what they do not get.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use brigade::message::MessageType;
use brigade::report::Report;
use brigade::scenario::{Config, Dispatch, MailboxLimit, Policy};
use brigade::sim::fault::Fault;
use brigade::sim::World;
use common::{count, run, streams};
use std::process::Command;

fn bounded(cfg: Config, role: &str, max: u32, policy: Policy) -> Config {
    let mut cfg = cfg;
    cfg.mailbox_limits.insert(role.to_string(), MailboxLimit { max, policy, max_age_ms: None });
    cfg
}

/// Busy cooks: many orders at once, round robin (which hands on whatever the queues).
fn rush(seed: u64, orders: u32) -> Config {
    Config { seed, orders, interval_ms: 30, dispatch: Dispatch::RoundRobin, ..Config::default() }
}

fn cooks(world: &World) -> Vec<u16> {
    world.actors().iter().filter(|a| a.kind.name() == "cook").map(|a| a.id).collect()
}

/// Steps `world` to idle, checking each step's sheds against the cooks' mailboxes before
/// and after it with `check(before, after, shed in this step)`; returns the sheds seen.
fn step_and_check(world: &mut World, check: impl Fn(&[u32], &[u32], &[u32])) -> usize {
    let cooks = cooks(world);
    let mut seen = 0;
    loop {
        let before: Vec<Vec<u32>> = cooks.iter().map(|&c| world.mailbox(c).iter().map(|m| m.0).collect()).collect();
        let faults_before = world.faults().len();
        if world.step().is_none() {
            break;
        }
        for (k, &c) in cooks.iter().enumerate() {
            let after: Vec<u32> = world.mailbox(c).iter().map(|m| m.0).collect();
            let shed: Vec<u32> = world.faults()[faults_before..]
                .iter()
                .filter(|f| f.actor == c && f.fault == Fault::Shed)
                .map(|f| f.seq)
                .collect();
            assert!(after.len() <= 2, "a cook's mailbox never holds more than its bound: {after:?}");
            check(&before[k], &after, &shed);
            seen += shed.len();
        }
    }
    seen
}

#[test]
fn drop_newest_sheds_the_message_arriving_with_its_fault() {
    let mut world = World::new(bounded(rush(7, 30), "cook", 2, Policy::DropNewest)).unwrap();
    let seen = step_and_check(&mut world, |before, after, shed| {
        for s in shed {
            assert!(!before.contains(s), "seq {s}: a message already waiting is never shed ({before:?})");
            assert!(!after.contains(s), "seq {s} shed, yet waiting");
        }
        if !shed.is_empty() {
            // whatever waited still waits, unless the cook took its head
            let kept = before.iter().filter(|s| after.contains(s)).count();
            assert!(kept + 1 >= before.len(), "{before:?} → {after:?}");
        }
    });
    let report = Report::of(&world);
    assert!(seen > 0, "the bound was reached");
    assert_eq!(report.shed as usize, seen);
    assert_eq!(world.stats().shed as usize, seen);
    let shed = world.faults().iter().filter(|f| f.fault == Fault::Shed).collect::<Vec<_>>();
    assert_eq!(shed.len(), seen);
    assert!(shed.iter().all(|f| !f.manual && world.actors()[f.actor as usize].kind.name() == "cook"));
    assert_eq!((Fault::Shed.name(), Fault::Shed.outcome()), ("shed", "shed (mailbox full)"));
}

#[test]
fn drop_oldest_sheds_the_oldest_waiting() {
    let mut world = World::new(bounded(rush(7, 30), "cook", 2, Policy::DropOldest)).unwrap();
    let seen = step_and_check(&mut world, |before, after, shed| {
        // the ones shed that were waiting are the oldest of them, in order
        let waiting: Vec<u32> = shed.iter().copied().filter(|s| before.contains(s)).collect();
        for s in shed {
            assert!(!after.contains(s), "seq {s} shed, yet waiting");
        }
        if !waiting.is_empty() {
            // sheds come as the step's publications are delivered, before its handler
            // takes anything: the head first, then the one after it
            assert_eq!(&before[..waiting.len()], &waiting[..], "oldest first");
        }
        if !shed.is_empty() {
            // the newest is kept: the mailbox holds what arrived last
            assert!(!after.is_empty());
        }
    });
    assert!(seen > 0, "the bound was reached");
    assert_eq!(Report::of(&world).shed as usize, seen);
}

#[test]
fn the_policies_shed_different_messages() {
    let newest = run(bounded(rush(7, 30), "cook", 2, Policy::DropNewest));
    let oldest = run(bounded(rush(7, 30), "cook", 2, Policy::DropOldest));
    let shed = |w: &World| w.faults().iter().filter(|f| f.fault == Fault::Shed).map(|f| f.seq).collect::<Vec<_>>();
    assert_ne!(shed(&newest), shed(&oldest));
}

#[test]
fn block_on_the_waiters_queue_refuses_at_the_door() {
    // all 40 arrive at 0, before the waiter takes any: two wait, 38 are turned away
    let world = run(bounded(Config { orders: 40, ..Config::default() }, "waiter", 2, Policy::Block));
    let s = world.stats();
    assert_eq!((s.placed, s.refused_at_door, s.shed), (2, 38, 0));
    assert_eq!(s.completed, 2);
    let report = Report::of(&world);
    assert_eq!(report.refused_at_door, 38);
    assert!(report.to_text().contains("refused at the door"));
}

#[test]
fn block_on_a_cook_keeps_the_waiter_from_taking_orders_while_full() {
    let cfg = bounded(
        Config { orders: 40, interval_ms: 50, cooks: Config::default().cooks[..1].to_vec(), ..Config::default() },
        "cook",
        1,
        Policy::Block,
    );
    let mut world = World::new(cfg).unwrap();
    let cook = cooks(&world)[0];
    let mut refused = 0;
    let mut open_refusals = 0;
    while let Some(step) = world.step() {
        let now = world.stats().refused_at_door;
        if now > refused {
            // a refusal: the cook's mailbox was full when it was made (the step's own
            // delivery may have taken one since)
            let len = world.queue_len(cook) + usize::from(step.actor == cook);
            open_refusals += usize::from(len < 1);
            refused = now;
        }
    }
    let s = world.stats();
    assert!(s.refused_at_door > 0, "the door closed");
    assert_eq!(open_refusals, 0, "never refused with room");
    assert_eq!(s.placed + s.refused_at_door, 40);
    assert_eq!(s.completed + s.dropped_total(), s.placed);
    assert_eq!(s.shed, 0, "block sheds nothing");
    // without the bound, nobody is turned away
    let free = run(Config { mailbox_limits: Default::default(), ..world.config().clone() });
    assert_eq!((free.stats().placed, free.stats().refused_at_door), (40, 0));
}

/// Every order placed ends exactly once, payments − refunds is 1 for a completed order
/// and 0 for the others, the house is empty, nobody is charged for nothing.
fn invariants(world: &World, orders: u32, what: &str) {
    let s = world.stats();
    assert_eq!(s.placed + s.refused_at_door, orders, "{what}");
    assert_eq!(s.completed + s.dropped_total(), s.placed, "{what}");
    assert_eq!(world.live_processes(), 0, "{what}: the house is empty at idle");
    for stream in streams(world).values() {
        let terminal = count(stream, MessageType::OrderCompleted) + count(stream, MessageType::OrderDropped);
        assert_eq!(terminal, 1, "{what}: exactly one terminal event");
        let balance = count(stream, MessageType::OrderPaid) as i64 - count(stream, MessageType::PaymentRefunded) as i64;
        let completed = count(stream, MessageType::OrderCompleted) == 1;
        assert_eq!(balance, completed as i64, "{what}: payments − refunds");
    }
    assert_eq!(Report::of(world).charged_not_served, 0, "{what}");
    for a in world.actors() {
        let load = world.load(a.id);
        assert_eq!(load.area_until(world.now()), load.waited_ms, "{what}: Little's law for {}", a.name);
    }
}

#[test]
fn every_order_ends_once_and_money_holds_under_every_policy() {
    let limits: [(&str, u32, Policy); 8] = [
        ("cook", 1, Policy::DropNewest),
        ("cook", 2, Policy::DropOldest),
        ("assistant-manager", 1, Policy::DropNewest),
        ("cashier", 1, Policy::DropOldest),
        ("cook", 1, Policy::Block),
        ("house", 2, Policy::Block),
        ("dispatcher", 1, Policy::Block),
        ("waiter", 3, Policy::Block),
    ];
    let mut shed = 0;
    for seed in 0..6u64 {
        for (i, &(role, max, policy)) in limits.iter().enumerate() {
            let base = Config {
                seed,
                orders: 25,
                interval_ms: [0, 20, 60][(seed % 3) as usize],
                drop: 0.1 * (seed % 2) as f64,
                duplicate: 0.1 * (seed % 2) as f64,
                dodgy: 0.5,
                dispatch: [Dispatch::RoundRobin, Dispatch::MoreFair, Dispatch::Competing][i % 3],
                assistant_manager_ms: 120,
                cashier_ms: 120,
                ..Config::default()
            };
            let world = run(bounded(base, role, max, policy));
            invariants(&world, 25, &format!("seed {seed}, {role}={max}:{}", policy.name()));
            shed += world.stats().shed;
        }
    }
    assert!(shed > 0, "some runs shed");
}

#[test]
fn the_bound_is_written_only_when_set_and_read_back() {
    let plain = serde_json::to_string(&Config::default()).unwrap();
    assert!(!plain.contains("mailbox_limits"));
    let cfg = bounded(Config::default(), "cook", 3, Policy::DropOldest);
    let text = serde_json::to_string(&cfg).unwrap();
    assert!(text.contains(r#""mailbox_limits":{"cook":{"max":3,"policy":"drop-oldest"}}"#), "{text}");
    assert_eq!(Config::from_json(&text).unwrap(), cfg);
    let bad = Config::from_json(r#"{"mailbox_limits": {"cook": {"max": 0, "policy": "block"}}}"#).unwrap_err();
    assert_eq!(bad.field, "mailbox_limits");
    assert!(Config::from_json(r#"{"mailbox_limits": {"cook": {"max": 2, "policy": "drop-any"}}}"#).is_err());
    assert!(Config::from_json(r#"{"mailbox_limits": {"sommelier": {"max": 2, "policy": "block"}}}"#).is_err());
}

#[test]
fn the_command_line_bounds_a_mailbox_and_traces_the_shed() {
    let brigade = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_brigade")).args(args).output().unwrap();
    let o = brigade(&[
        "--orders",
        "30",
        "--interval-ms",
        "30",
        "--dispatch",
        "round-robin",
        "--mailbox-limit",
        "cook=2:drop-newest",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let report = &json["report"];
    let shed = report["shed"].as_u64().or_else(|| json["shed"].as_u64()).expect("shed in the JSON");
    assert!(shed > 0);
    // the order of the first shed message shows it under that message
    let world = run(bounded(rush(42, 30), "cook", 2, Policy::DropNewest));
    let f = world.faults().iter().find(|f| f.fault == Fault::Shed).unwrap();
    let corr = world.store().get(f.seq as usize).unwrap().correlation_id;
    let o = brigade(&[
        "--orders",
        "30",
        "--interval-ms",
        "30",
        "--dispatch",
        "round-robin",
        "--mailbox-limit",
        "cook=2:drop-newest",
        "--trace",
        &corr.to_string(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("shed (mailbox full)"), "{text}");
    // a run file of a bounded run re-simulates to its history
    let o = brigade(&[
        "--orders",
        "30",
        "--interval-ms",
        "30",
        "--dispatch",
        "round-robin",
        "--mailbox-limit",
        "cook=2:drop-oldest,waiter=3:block",
        "--format",
        "json",
    ]);
    let path = std::env::temp_dir().join(format!("brigade-bounded-{}.json", std::process::id()));
    std::fs::write(&path, &o.stdout).unwrap();
    let checked = brigade(&["--check", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stdout));
    // a comma list, and a clear refusal
    let o = brigade(&["--orders", "3", "--mailbox-limit", "house=2:block,cashier=1:drop-oldest"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = brigade(&["--mailbox-limit", "house=2:drop-newest"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("use block"));
}

#[test]
fn a_bound_by_age_sheds_what_waited_too_long_when_its_worker_reaches_it() {
    // a burst at round robin: the slow cook's queue grows; nothing may wait over 1,500 ms
    let mut cfg = rush(3, 30);
    cfg.mailbox_limits
        .insert("cook".to_string(), MailboxLimit { max: 100, policy: Policy::DropNewest, max_age_ms: Some(1_500) });
    let mut world = World::new(cfg.clone()).unwrap();
    let mut stale = 0;
    loop {
        let faults_before = world.faults().len();
        let Some(step) = world.step() else { break };
        for f in &world.faults()[faults_before..] {
            if f.fault != Fault::Stale {
                continue;
            }
            stale += 1;
            // the step is the cook reaching it: it waited longer than the bound, and was not cooked
            assert_eq!((step.actor, step.seq), (f.actor, Some(f.seq)));
            assert!(world.step_outputs(step.step).is_empty(), "a stale message is shed unhandled: nothing decided");
            let sent = world.store().get(f.seq as usize).unwrap().at_ms;
            assert!(step.at_ms - sent > 1_500, "waited {} ms", step.at_ms - sent);
        }
    }
    assert!(stale > 0, "the slow cook's queue got old");
    let report = Report::of(&world);
    assert_eq!((report.stale as usize, report.shed), (stale, 0), "counted as stale, not as a full mailbox's");
    invariants(&world, 30, "a bound by age");
    // the same without the age: nothing stale, and it is the age that sheds
    let mut plain = cfg.clone();
    plain.mailbox_limits.clear();
    assert!(run(plain).faults().iter().all(|f| f.fault != Fault::Stale));
    // refused where it would lose what nobody recovers, and out of range
    let mut bad = Config::default();
    bad.mailbox_limits.insert("house".into(), MailboxLimit { max: 5, policy: Policy::Block, max_age_ms: Some(100) });
    assert!(bad.validate().unwrap_err().message.contains("a bound by age sheds"));
    bad.mailbox_limits.insert("house".into(), MailboxLimit { max: 5, policy: Policy::Block, max_age_ms: None });
    bad.mailbox_limits.insert("cook".into(), MailboxLimit { max: 5, policy: Policy::Block, max_age_ms: Some(0) });
    assert!(bad.validate().unwrap_err().message.contains("max_age_ms must be 1..="));
    // the command line: the age after the policy, and a run file that replays
    let out = Command::new(env!("CARGO_BIN_EXE_brigade"))
        .args(["--orders", "30", "--interval-ms", "30", "--dispatch", "round-robin", "--seed", "3"])
        .args(["--mailbox-limit", "cook=100:drop-newest:1500ms", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"max_age_ms\":1500") || text.contains("\"max_age_ms\": 1500"));
    let (again, _) = brigade::run_file::import(&text).unwrap();
    assert_eq!(Report::of(&again).stale as usize, stale);
}
