//! A run that forgets its done orders as it goes (the command line's report and
//! `--format json`) writes the same run file and the same report as a run that keeps
//! everything: for every golden run without inputs, and for long runs whose log the store
//! really frees (more than one chunk of 65,536 messages), in every architecture, with
//! faults, dodgy customers, the idempotent store and the cached house.

#![cfg(not(target_arch = "wasm32"))]

use brigade::report::Report;
use brigade::run_file;
use brigade::scenario::{Architecture, Config, CookSpec, HouseMode};
use brigade::sim::World;
use std::path::PathBuf;

/// The run file `write_running` writes for `cfg`, and the world after it.
fn written_running(cfg: &Config) -> (String, World) {
    let mut world = World::new(cfg.clone()).expect("valid config").untraced();
    let mut out = Vec::new();
    run_file::write_running(&mut world, &mut out).expect("writes to memory");
    (String::from_utf8(out).expect("JSON is UTF-8"), world)
}

/// Where two texts first differ, with a little of each there (for a readable failure).
fn first_difference(a: &str, b: &str) -> Option<String> {
    let at =
        a.bytes().zip(b.bytes()).position(|(x, y)| x != y).or((a.len() != b.len()).then(|| a.len().min(b.len())))?;
    let around = |t: &str| t.get(at.saturating_sub(80)..(at + 80).min(t.len())).unwrap_or("").to_string();
    Some(format!("at byte {at}: {:?} vs {:?}", around(a), around(b)))
}

#[test]
fn every_golden_run_without_inputs_is_written_the_same_while_it_runs() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut compared = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/golden exists") {
        let path = entry.expect("a directory entry").path();
        let text = std::fs::read_to_string(&path).expect("a golden file reads");
        let parsed = run_file::parse(&text).expect("a golden file parses");
        if !parsed.inputs.is_empty() || !parsed.config.custom_process.is_off() {
            continue;
        }
        let (written, _) = written_running(&parsed.config);
        if let Some(diff) = first_difference(&written, text.trim_end_matches('\n')) {
            panic!("{}: written while running differs {diff}", path.display());
        }
        compared += 1;
    }
    assert!(compared >= 12, "most golden runs have no inputs ({compared} compared)");
}

/// Long runs: the store frees whole chunks of its log on the way.
fn long_runs() -> Vec<(&'static str, Config)> {
    let base = Config { orders: 4_000, interval_ms: 40, seed: 5, ..Config::default() };
    vec![
        ("process managers, chaos", Config { drop: 0.05, duplicate: 0.05, dodgy: 0.3, ..base.clone() }),
        (
            "cached house, idempotent store",
            Config { house: HouseMode::Cached, idempotent_store: true, duplicate: 0.1, ..base.clone() },
        ),
        ("version 1, drops", Config { process_version: 1, drop: 0.1, ..base.clone() }),
        (
            "choreography: orders stuck and charged",
            Config {
                architecture: Architecture::Choreography,
                drop: 0.05,
                dodgy: 0.5,
                cooks: vec![CookSpec { name: "Slow".into(), ms: 2_000 }],
                ..base.clone()
            },
        ),
        // about five messages an order: more orders to fill more than one chunk
        (
            "commands, duplicates",
            Config { architecture: Architecture::Commands, duplicate: 0.1, orders: 17_000, interval_ms: 10, ..base },
        ),
    ]
}

/// Runs the long run `name` both ways: the file written while it runs (forgetting) is the
/// file of the run kept whole (its report, made after the forgetting, included); returns
/// the world that forgot.
fn same_when_forgetting(name: &str) -> World {
    let (_, cfg) = long_runs().into_iter().find(|(n, _)| *n == name).expect("listed");
    let mut kept = World::new(cfg.clone()).expect("valid config").untraced();
    kept.run_to_idle();
    let expected = run_file::export(&kept, None);
    let (written, running) = written_running(&cfg);
    // a stuck order (choreography) keeps every order after it: those may forget nothing
    let stuck = Report::of(&kept).stuck;
    assert!(stuck > 0 || running.store().has_forgotten(), "{name}: done orders were forgotten on the way");
    assert_eq!(running.store().len(), kept.store().len(), "{name}: the positions stay");
    assert_eq!(Report::of(&running), Report::of(&kept), "{name}: the same report");
    if let Some(diff) = first_difference(&written, &expected) {
        panic!("{name}: the file written while running differs {diff}");
    }
    running
}

#[test]
fn process_managers_with_chaos_free_their_log_and_write_the_same_file() {
    let world = same_when_forgetting("process managers, chaos");
    assert!(world.store().id(0).is_none(), "the first chunk of the log was freed during the run");
}

#[test]
fn the_cached_house_and_idempotent_store_write_the_same_file_when_forgetting() {
    same_when_forgetting("cached house, idempotent store");
}

#[test]
fn version_1_with_drops_writes_the_same_file_when_forgetting() {
    same_when_forgetting("version 1, drops");
}

#[test]
fn commands_with_duplicates_write_the_same_file_when_forgetting() {
    same_when_forgetting("commands, duplicates");
}

#[test]
fn a_choreography_run_keeps_its_stuck_orders_to_report_them() {
    let world = same_when_forgetting("choreography: orders stuck and charged");
    let report = Report::of(&world);
    assert!(report.stuck > 0 && report.charged_not_served > 0, "the lesson shows: {report:?}");
    for n in &report.stuck_orders {
        let id = world.store().orders().nth(*n as usize - 1).copied().expect("a stuck order is placed");
        assert!(!world.store().stream(&id).is_empty(), "order {n}'s messages are kept");
        assert!(world.store().stream(&id).iter().all(|&s| world.store().get(s as usize).is_some()));
    }
}

#[test]
fn a_run_with_inputs_forgets_nothing() {
    use brigade::sim::{Action, Input};
    let cfg = Config { orders: 3, ..Config::default() };
    let mut world = World::new(cfg).expect("valid config");
    world.act(Action::PlaceOrder { dodgy: false }).expect("an order can be placed");
    assert!(!world.inputs().is_empty());
    world.run_to_idle();
    assert_eq!(world.forget_done(), 0);
    assert!(!world.store().has_forgotten());
    let _: &[Input] = world.inputs();
}
