//! The explorer: every fate of every delivery to a worker, for one or two orders. The
//! built-in process managers hold every rule; choreography and commands leave an order
//! stuck after one lost delivery; a planted bug is caught with the shortest schedule; the
//! counterexamples replay.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use brigade::explore::progress::progress;
use brigade::explore::rules::Rule;
use brigade::explore::{replay, Explorer, Limits, Stop, Verdict};
#[cfg(feature = "planted-bug")]
use brigade::process::planted::with_planted_bug;
use brigade::report::Report;
use brigade::run_file;
use brigade::scenario::{Architecture, Config};
use brigade::sim::{Action, Input, World};
use std::process::Command;

/// Orders placed by hand at step 0, one per entry (`true`: a dodgy customer).
fn orders(dodgy: &[bool]) -> Vec<Input> {
    dodgy.iter().map(|&dodgy| Input { step: 0, action: Action::PlaceOrder { dodgy } }).collect()
}

fn explore(cfg: &Config, inputs: Vec<Input>, max_fates: u32) -> Explorer {
    let mut explorer = Explorer::new(cfg, inputs, Limits { max_fates, ..Limits::default() }).unwrap();
    explorer.run(|_| false);
    explorer
}

fn scenario(cfg: Config) -> Config {
    Config { orders: 0, ..cfg }
}

#[test]
fn the_built_in_process_managers_hold_every_rule() {
    for dodgy in [false, true] {
        for process_version in [1, 2] {
            for idempotent_store in [false, true] {
                let cfg = scenario(Config { process_version, idempotent_store, ..Config::default() });
                let e = explore(&cfg, orders(&[dodgy]), 3);
                let what = format!("dodgy {dodgy}, v{process_version}, idempotent store {idempotent_store}");
                assert_eq!(*e.verdict(), Verdict::Holds, "{what}: {:?}", e.counts());
                let c = e.counts();
                assert!(c.states > 100 && c.schedules > 10, "{what}: a real search: {c:?}");
                assert_eq!(c.deepest, 3, "{what}: schedules with 3 manual fates were explored");
            }
        }
    }
}

#[test]
fn two_orders_one_of_each_kind_hold_every_rule() {
    let cfg = scenario(Config { idempotent_store: true, ..Config::default() });
    let e = explore(&cfg, orders(&[false, true]), 2);
    assert_eq!(*e.verdict(), Verdict::Holds, "{:?}", e.counts());
    assert!(e.counts().dedup_hits > 0, "with the idempotent store some states are reached twice");
}

#[test]
fn choreography_and_commands_leave_an_order_stuck_after_one_lost_delivery() {
    for architecture in [Architecture::Choreography, Architecture::Commands] {
        for dodgy in [false, true] {
            let cfg = scenario(Config { architecture, ..Config::default() });
            let e = explore(&cfg, orders(&[dodgy]), 3);
            let Verdict::Broken(example) = e.verdict() else {
                panic!("{architecture:?} dodgy {dodgy}: expected a broken rule, got {:?}", e.verdict())
            };
            assert_eq!(example.broken.rule, Rule::OneTerminalEvent);
            assert!(example.broken.detail.contains("stuck"), "{}", example.broken.detail);
            assert_eq!(example.fates, 1, "the shortest counterexample is one fate");
            let fates: Vec<&Action> = example.inputs.iter().map(|i| &i.action).filter(|a| a.fate().is_some()).collect();
            assert!(matches!(fates[..], [Action::DropMessage { .. }]), "{fates:?}");

            // the run file replays to a stuck order
            let world = replay(e.config(), example).unwrap();
            let text = run_file::export(&world, None);
            let (again, _) = run_file::import(&text).expect("the counterexample imports");
            let report = Report::of(&again);
            assert_eq!((report.stuck, report.completed, report.dropped), (1, 0, 0));
            assert_eq!(report.deliveries_dropped, 1);
        }
    }
}

#[test]
fn without_a_lost_delivery_choreography_finishes_the_order() {
    let cfg = scenario(Config { architecture: Architecture::Choreography, ..Config::default() });
    let e = explore(&cfg, orders(&[false]), 0);
    assert_eq!(*e.verdict(), Verdict::Holds);
}

/// One order of a dodgy customer, with the process manager that trusts every answer.
#[cfg(feature = "planted-bug")]
fn planted_config() -> Config {
    Config { orders: 1, dodgy: 1.0, ..Config::default() }
}

#[test]
#[cfg(feature = "planted-bug")]
fn a_planted_bug_is_caught_with_the_shortest_schedule() {
    with_planted_bug(|| {
        let cfg = planted_config();
        assert_eq!(*explore(&cfg, Vec::new(), 0).verdict(), Verdict::Holds, "no fault, no bug showing");
        let e = explore(&cfg, Vec::new(), 4);
        let Verdict::Broken(example) = e.verdict() else { panic!("the planted bug is not caught: {:?}", e.counts()) };
        assert_eq!(example.broken.rule, Rule::OneTerminalEvent, "{:?}", example.broken);
        assert_eq!(example.fates, 1);

        // 1,000 seeded random runs: none breaks a rule with fewer faults
        let mut fewest = usize::MAX;
        let mut found = 0;
        for seed in 0..1_000 {
            let mut world = World::new(Config { seed, drop: 0.1, duplicate: 0.1, ..cfg.clone() }).unwrap();
            world.run_to_idle();
            if brigade::explore::rules::safety(&world).or_else(|| brigade::explore::rules::at_end(&world)).is_some() {
                found += 1;
                fewest = fewest.min(world.faults().len());
            }
        }
        assert!(found > 0, "random runs find the bug too");
        assert!(example.fates as usize <= fewest, "explorer {} fates, random runs {fewest}", example.fates);

        // the counterexample's run file replays (with the same bug) and shows the rule broken
        let world = replay(e.config(), example).unwrap();
        let text = run_file::export(&world, None);
        let (again, _) = run_file::import(&text).expect("the counterexample imports");
        assert_eq!(brigade::explore::rules::safety(&again).map(|b| b.rule), Some(Rule::OneTerminalEvent));
    });
    // the bug stays in the test: the same scenario holds without it
    assert_eq!(*explore(&planted_config(), Vec::new(), 2).verdict(), Verdict::Holds);
}

#[test]
fn de_duplication_changes_the_work_not_the_verdict() {
    let cfg = scenario(Config { idempotent_store: true, ..Config::default() });
    let run = |dedup: bool| {
        let mut e = Explorer::new(&cfg, orders(&[true]), Limits { max_fates: 3, dedup, ..Limits::default() }).unwrap();
        e.run(|_| false);
        (e.verdict().clone(), e.counts())
    };
    let (with, counted) = run(true);
    let (without, all) = run(false);
    assert_eq!(with, Verdict::Holds);
    assert_eq!(without, Verdict::Holds);
    assert!(counted.states < all.states, "{counted:?} vs {all:?}");
    assert_eq!(all.dedup_hits, 0);
}

#[test]
fn the_state_limit_is_reported() {
    let cfg = scenario(Config::default());
    let mut e = Explorer::new(&cfg, orders(&[false]), Limits { max_states: 50, ..Limits::default() }).unwrap();
    e.run(|_| false);
    assert_eq!(*e.verdict(), Verdict::Limit);
    assert_eq!(e.counts().states, 50);
    assert_eq!(e.stopped_by(), Some(Stop::States));
    let p = progress(&e);
    assert_eq!((p.verdict, p.stopped_by), ("limit", Some("states")));
    assert_eq!(p.limit.as_deref(), Some("stopped at the limit of 50 states, no violation found so far"));
}

/// Issue 26, point 7: the explorer is bounded by memory as well (the scenario
/// reached 2 M states at 8.07 GB resident, and trapped in the page's worker at 910,000
/// states): it stops once the states waiting and seen would hold more than its limit, and
/// says that this is the limit that stopped it.
#[test]
fn the_memory_limit_stops_the_explorer_and_is_named() {
    let cfg = scenario(Config {
        max_retries: 10,
        cook_timeout_ms: 1,
        price_timeout_ms: 1,
        pay_timeout_ms: 1,
        ..Config::default()
    });
    let limits = Limits { max_bytes: 8 << 20, ..Limits::for_orders(2) };
    let mut e = Explorer::new(&cfg, orders(&[false, true]), limits).unwrap();
    e.run(|_| false);
    assert_eq!(*e.verdict(), Verdict::Limit);
    assert_eq!(e.stopped_by(), Some(Stop::Memory));
    assert!(e.counts().states < limits.max_states);
    // it stopped as soon as the estimate passed the limit: one state's successors past it
    assert!(e.held_bytes() > limits.max_bytes && e.held_bytes() < limits.max_bytes + (4 << 20), "{}", e.held_bytes());
    let p = progress(&e);
    assert_eq!((p.verdict, p.stopped_by), ("limit", Some("memory")));
    let text = p.limit.unwrap();
    assert!(
        text.starts_with("stopped at the memory limit (the states waiting and seen would take more than 8 MiB)"),
        "{text}"
    );
    // every state waiting is counted: each holds at least a world's fixed part
    assert!(e.held_bytes() >= e.frontier() * brigade::explore::STATE_BASE_BYTES);
    // the default limit is what the CLI and the page use
    assert_eq!(Limits::default().max_bytes, brigade::explore::MEMORY_LIMIT);
}

fn brigade(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_brigade")).args(args).output().expect("the binary runs")
}

#[test]
fn cli_explore_holds_for_the_process_manager() {
    let out = brigade(&["--explore", "--orders", "1", "--dodgy", "1", "--process-version", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("hold") && text.contains("states"), "{text}");
}

#[test]
fn cli_explore_refuses_more_than_two_orders() {
    let out = brigade(&["--explore", "--orders", "3"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("brigade: --orders:") && err.lines().count() == 1, "{err}");
}

#[test]
fn cli_explore_shows_choreographys_counterexample_and_its_run_file_passes_check() {
    let args = ["--explore", "--orders", "1", "--architecture", "choreography"];
    let out = brigade(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("one-terminal-event") && text.contains("stuck") && text.contains("lose"), "{text}");

    let out = brigade(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(out.status.code(), Some(1));
    let file: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a run file");
    assert_eq!(file["report"]["stuck"], 1);
    assert_eq!(file["inputs"][0]["action"]["type"], "DropMessage");
    let path = std::env::temp_dir().join(format!("brigade-explore-{}.json", std::process::id()));
    std::fs::write(&path, &out.stdout).unwrap();
    let check = brigade(&["--check", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stdout));
    assert_eq!(String::from_utf8_lossy(&check.stdout), "ok\n");
}

#[test]
fn a_schedule_is_described_one_fate_a_line() {
    // a dodgy order: the house sends PriceOrder straight to the assistant manager
    let mut world = World::with_inputs(scenario(Config::default()), orders(&[true])).unwrap();
    let in_flight = loop {
        world.step().expect("the order reaches the assistant manager");
        if let Some(q) = world.queued().into_iter().find(|q| q.changeable && q.output.is_some()) {
            break q;
        }
    };
    let actor = world.actors()[in_flight.actor as usize].name.clone();
    world.act(Action::DropMessage { seq: None, output: in_flight.output, actor, copy: None }).unwrap();
    world.run_to_idle();
    let lines = brigade::explore::describe(&world, world.inputs());
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("lose PriceOrder in flight") && lines[0].contains("assistant manager"), "{lines:?}");
}

#[test]
fn the_pages_exploration_takes_its_scenario_from_a_run_and_opens_the_counterexample_at_the_broken_step() {
    use brigade::explore::progress::{counterexample_file, progress, scenario_of};
    // the page's run: choreography, no scheduled order, one dodgy order placed by hand,
    // and a later input (left out: only the orders make the scenario)
    let cfg = scenario(Config { architecture: Architecture::Choreography, ..Config::default() });
    let mut world = World::with_inputs(cfg.clone(), orders(&[true])).unwrap();
    world.step();
    world.act(Action::SetProcessVersion { version: 1 }).unwrap();
    world.run_to_idle();
    let (scenario_cfg, inputs) = scenario_of(&run_file::export(&world, None)).unwrap();
    assert_eq!(inputs, orders(&[true]));
    assert_eq!(scenario_cfg, cfg);

    let mut e = Explorer::new(&scenario_cfg, inputs, Limits::for_orders(1)).unwrap();
    assert_eq!(progress(&e).verdict, "running");
    assert!(counterexample_file(&e).is_none());
    e.run(|_| false);
    let p = progress(&e);
    assert_eq!(p.verdict, "broken");
    let broken = p.broken.expect("the broken rule");
    assert_eq!((broken.rule, broken.fates, broken.schedule.len()), ("one-terminal-event", 1, 1));
    let text = counterexample_file(&e).expect("a run file");
    let (opened, view) = run_file::import(&text).expect("it imports");
    assert_eq!(view.map(|v| v.step), Some(broken.step));
    assert_eq!(Report::of(&opened).stuck, 1);

    // more than two orders, or none, are refused with one line
    let three = World::new(Config { orders: 3, ..Config::default() }).unwrap();
    let err = scenario_of(&run_file::export(&three, None)).unwrap_err();
    assert!(err.contains("1 or 2 orders") && !err.contains('\n'), "{err}");
}

#[test]
fn a_scenario_input_after_step_0_is_refused() {
    let late = vec![Input { step: 3, action: Action::PlaceOrder { dodgy: false } }];
    let err = Explorer::new(&scenario(Config::default()), late, Limits::default()).err().expect("refused");
    assert_eq!(err.field, "inputs");
}

#[test]
fn bounded_mailboxes_and_shared_workers_hold_every_rule_under_every_policy() {
    use brigade::mailbox_limit::{MailboxLimit, Policy};
    let unbounded = explore(&scenario(Config::default()), orders(&[false, true]), 2).counts().states;
    for (role, policy) in [
        ("cook", Policy::DropNewest),
        ("cook", Policy::DropOldest),
        ("cashier", Policy::DropOldest),
        ("assistant-manager", Policy::DropNewest),
        ("cook", Policy::Block),
        ("house", Policy::Block),
    ] {
        let bound = [(role.to_string(), MailboxLimit { max: 1, policy, max_age_ms: None })].into_iter().collect();
        let cfg = scenario(Config { mailbox_limits: bound, assistant_managers: 2, cashiers: 2, ..Config::default() });
        let e = explore(&cfg, orders(&[false, true]), 2);
        assert_eq!(*e.verdict(), Verdict::Holds, "{role} {policy:?}: {:?}", e.counts());
        if policy != Policy::Block {
            // a bound of one sheds a second copy or a second order's message: another search
            assert_ne!(e.counts().states, unbounded, "{role} {policy:?} changes what can happen");
        }
    }
}
