//! Time travel: stepping back and jumping reproduce exactly the state of a straight run.

use brigade::report::Report;
use brigade::run_file::export;
use brigade::scenario::{Architecture, Config};
use brigade::sim::{Timeline, World};

fn chaos() -> Config {
    Config { orders: 150, interval_ms: 60, drop: 0.1, duplicate: 0.1, dodgy: 0.3, ..Config::default() }
}

/// What a person sees at a step: clock, queues, counters, history length and report.
fn picture(world: &World) -> (u64, Vec<usize>, usize, String) {
    let queues = world.actors().iter().map(|a| world.queue_len(a.id)).collect();
    (world.now(), queues, world.store().len(), format!("{:?}", Report::of(world)))
}

#[test]
fn every_jump_equals_a_straight_run_to_that_step() {
    let mut t = Timeline::new(World::new(chaos()).unwrap());
    t.extend(usize::MAX);
    let total = t.total();
    assert!(total > 2_000, "long enough to cross checkpoints: {total}");
    let targets = [total, 3, total / 2, 1, total - 1, 0, 1_500, 1_499, 2_049, 513, 512, 511, total];
    for &target in &targets {
        t.seek(target);
        assert_eq!(t.current(), target);
        let mut straight = World::new(chaos()).unwrap();
        for _ in 0..target {
            straight.step();
        }
        if target == total {
            straight.run_to_idle();
        }
        assert_eq!(picture(t.world()), picture(&straight), "at step {target}");
    }
}

#[test]
fn stepping_back_then_forward_gives_the_same_messages() {
    let mut t = Timeline::new(World::new(chaos()).unwrap());
    for _ in 0..700 {
        t.step();
    }
    let ids: Vec<_> = t.world().store().messages().map(|m| m.id).collect();
    for _ in 0..300 {
        assert!(t.step_back());
    }
    assert_eq!(t.current(), 400);
    for _ in 0..300 {
        t.step();
    }
    let again: Vec<_> = t.world().store().messages().map(|m| m.id).collect();
    assert_eq!(ids, again);
    t.seek(0);
    assert!(!t.step_back());
    assert_eq!(t.world().store().len(), 0);
}

#[test]
fn an_order_placed_in_the_past_forgets_the_old_future_and_replays_deterministically() {
    let mut t = Timeline::new(World::new(Config { orders: 5, ..Config::default() }).unwrap());
    t.run_to_idle();
    let old_total = t.total();
    t.seek(20);
    let corr = t.place_order(true);
    assert_eq!(t.total(), 20, "the recorded future is forgotten");
    t.run_to_idle();
    assert!(t.total() > old_total);
    let first = export(t.world(), None);
    // jump around, come back to the end: same run
    t.seek(3);
    t.seek(t.total() / 2);
    t.seek(t.total());
    assert_eq!(export(t.world(), None), first);
    assert!(t.world().store().order_no(&corr).is_some());
    // a straight world with the same inputs agrees
    let mut straight =
        World::with_inputs(Config { orders: 5, ..Config::default() }, t.world().inputs().to_vec()).unwrap();
    straight.run_to_idle();
    assert_eq!(export(&straight, None), first);
}

#[test]
fn the_timeline_export_equals_the_plain_run() {
    let mut t = Timeline::new(World::new(chaos()).unwrap());
    t.run_to_idle();
    t.seek(10);
    t.seek(t.total());
    let mut w = World::new(chaos()).unwrap();
    w.run_to_idle();
    assert_eq!(export(t.world(), None), export(&w, None));
}

#[test]
fn an_order_placed_after_the_run_went_idle_replays_exactly() {
    // in choreography the printer's last OrderCompleted reaches nobody: the run's tail
    let cfg = Config { orders: 4, architecture: Architecture::Choreography, ..Config::default() };
    let mut t = Timeline::new(World::new(cfg).unwrap());
    let end = t.run_to_idle();
    let tail = brigade::view::step(t.world(), end).unwrap();
    assert_eq!(tail.type_name, "Tail", "what is published after the last delivery is a step");
    t.place_order(false);
    t.run_to_idle();
    let total = t.total();
    assert!(total > end);
    for target in [end + 1, total - 1, 3, total] {
        t.seek(target);
        assert_eq!(t.current(), target);
    }
    let text = export(t.world(), None);
    let (again, _) = brigade::run_file::import(&text).unwrap();
    assert_eq!(export(&again, None), text);
}
