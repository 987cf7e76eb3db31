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

/// Orders placed all at once: a big backlog, so checkpoints are big and spaced apart.
fn backlog() -> Config {
    Config { orders: 3_000, ..Config::default() }
}

/// Seeded targets across a run of `total` steps.
fn targets(total: usize, n: usize) -> Vec<usize> {
    let mut rng = brigade::rng::Rng::new(7);
    (0..n).map(|_| rng.below(total as u64 + 1) as usize).collect()
}

/// The longest gap between two checkpoints of `t`, and the interval of the new ones.
fn gaps(t: &Timeline) -> (usize, usize) {
    (t.longest_rerun(), t.interval())
}

#[test]
fn checkpoints_stay_within_the_pool_and_no_jump_reruns_more_than_the_longest_gap() {
    use brigade::sim::budget::checkpoint_pool;
    use brigade::sim::timeline::CHECKPOINT_EVERY;
    let mut t = Timeline::new(World::new(backlog()).unwrap());
    t.run_to_idle();
    let total = t.total();
    assert_eq!(t.pool() as u64, checkpoint_pool(&backlog(), 0));
    // the backlog's checkpoints did not fit every 512 steps: they thinned out, the pool holds
    let (longest, every) = gaps(&t);
    assert!(longest > CHECKPOINT_EVERY && longest <= 2 * every && every <= 4 * CHECKPOINT_EVERY, "{longest} {every}");
    assert!(t.pooled_bytes() <= t.pool(), "{} bytes in a pool of {}", t.pooled_bytes(), t.pool());
    // each checkpoint is a copy of the world: never more than one every 512 new steps
    assert!(t.checkpoints_taken() <= (total / CHECKPOINT_EVERY + 1) as u64, "{} taken", t.checkpoints_taken());
    // a checkpoint at least at every multiple of twice the interval, at most at every one
    assert!(
        t.checkpoints() > total / (2 * every) && t.checkpoints() <= total / every + 1,
        "{} for {total}",
        t.checkpoints()
    );
    // no jump, forward or back, re-runs more than the longest gap; nor a step back
    let mut most = 0;
    for target in targets(total, 60) {
        let before = t.steps_rerun();
        t.seek(target);
        assert_eq!(t.current(), target);
        let rerun = t.steps_rerun() - before;
        assert!(rerun <= longest as u64, "the jump to {target} re-ran {rerun}");
        most = most.max(rerun);
        let before = t.steps_rerun();
        t.step_back();
        assert!(
            t.steps_rerun() - before <= longest as u64,
            "a step back to {} re-ran {}",
            t.current(),
            t.steps_rerun() - before
        );
    }
    assert!(most > every as u64 / 2, "the jumps crossed gaps: the longest re-ran {most}");
    // late in the run the checkpoints are one interval apart: the last steps before the end
    // re-run less than the interval from step 0
    t.seek(0);
    let before = t.steps_rerun();
    t.seek(total - 1);
    assert!(t.steps_rerun() - before < every as u64);
    // a run without a backlog keeps a checkpoint every 512 steps
    let mut calm = Timeline::new(World::new(Config { orders: 300, interval_ms: 400, ..Config::default() }).unwrap());
    calm.run_to_idle();
    assert_eq!(gaps(&calm), (CHECKPOINT_EVERY, CHECKPOINT_EVERY));
    assert_eq!(calm.checkpoints(), calm.total() / CHECKPOINT_EVERY + 1, "{} steps", calm.total());
}

#[test]
fn orders_placed_by_hand_grow_the_pool_and_the_checkpoints_stay_within_it() {
    use brigade::sim::budget::{checkpoint_pool, MIN_CHECKPOINT_POOL};
    // one order in the config, two thousand placed by hand at once: the backlog comes from
    // the inputs, which the pool counts as the budget does
    let one = Config { orders: 1, ..Config::default() };
    let mut t = Timeline::new(World::new(one.clone()).unwrap());
    assert_eq!(t.pool() as u64, MIN_CHECKPOINT_POOL);
    for _ in 0..2_000 {
        t.place_order(false);
    }
    assert_eq!(t.pool() as u64, checkpoint_pool(&one, 2_000));
    t.run_to_idle();
    assert!(t.pooled_bytes() <= t.pool(), "{} bytes in a pool of {}", t.pooled_bytes(), t.pool());
    assert!(t.longest_rerun() <= 2 * t.interval() && t.checkpoints() <= t.total() / t.interval() + 1);
}

#[test]
fn growing_a_big_backlog_in_pieces_behind_the_cursor_stays_exact() {
    let mut t = Timeline::new(World::new(backlog()).unwrap());
    // the page: a cursor in the middle while the run grows in small pieces
    t.extend(20_000);
    t.seek(15_000);
    while !t.extend(1_234) {}
    assert_eq!(t.current(), 15_000, "growing does not move the cursor");
    let mut at_cursor = World::new(backlog()).unwrap();
    for _ in 0..15_000 {
        at_cursor.step();
    }
    assert_eq!(picture(t.world()), picture(&at_cursor), "the state kept aside is the cursor's, exactly");
    // one more step from there is the straight run's next step
    assert_eq!(t.step(), at_cursor.step());
    t.seek(15_000);
    let total = t.total();
    let mut straight = World::new(backlog()).unwrap();
    straight.run_to_idle();
    assert_eq!(straight.steps(), total);
    for target in [total, 15_000, total - 1, 7, total / 2 + 3, total] {
        t.seek(target);
        let mut w = World::new(backlog()).unwrap();
        for _ in 0..target {
            w.step();
        }
        assert_eq!(picture(t.world()), picture(&w), "at step {target}");
    }
    assert_eq!(export(t.world(), None), export(&straight, None));
    // an order placed in the middle forgets the old future and its copies
    t.seek(20_001);
    t.place_order(false);
    t.run_to_idle();
    let mut again = World::with_inputs(backlog(), t.world().inputs().to_vec()).unwrap();
    again.run_to_idle();
    assert_eq!(export(t.world(), None), export(&again, None));
}

#[test]
fn a_timeline_too_big_for_the_page_is_refused_naming_the_limit() {
    use brigade::sim::budget::{check_memory, memory_estimate, MEMORY_BUDGET};
    // the goal's runs fit: 100,000 orders, at once or 120 ms apart
    for interval_ms in [0, 120] {
        let cfg = Config { orders: 100_000, interval_ms, ..Config::default() };
        assert!(check_memory(&cfg, 0).is_ok(), "{}", memory_estimate(&cfg, 0) >> 20);
    }
    let big = Config { orders: 1_000_000, ..Config::default() };
    let err = check_memory(&big, 0).unwrap_err();
    assert_eq!(err.field, "orders");
    assert!(err.message.contains("at most") && err.message.contains(&format!("{} MiB", MEMORY_BUDGET >> 20)), "{err}");
    // more retries mean more messages per order, so fewer orders fit
    let most = |cfg: &Config| {
        (1..=1_000_000u32)
            .collect::<Vec<_>>()
            .partition_point(|&n| check_memory(&Config { orders: n, ..cfg.clone() }, 0).is_ok())
    };
    let plain = most(&Config::default());
    let retrying = most(&Config { max_retries: 10, ..Config::default() });
    assert!(plain >= 100_000 && retrying < plain, "{plain} {retrying}");
    assert!(err.message.contains(&format!("at most {plain} orders")), "{err}");
    // orders placed by hand count too
    let edge = Config { orders: plain as u32, ..Config::default() };
    assert!(check_memory(&edge, 0).is_ok());
    assert!(check_memory(&edge, 1).unwrap_err().message.contains("1 placed by hand"));
}

#[test]
fn a_run_file_too_big_to_import_in_the_page_is_refused_before_it_is_read() {
    use brigade::sim::budget::{check_import_size, IMPORT_BYTES_PER_FILE_BYTE, MEMORY_BUDGET};
    let most = MEMORY_BUDGET / IMPORT_BYTES_PER_FILE_BYTE;
    assert!(check_import_size(most).is_ok());
    assert!(most >= 200 << 20, "a 200 MiB file (about 27,000 orders) still imports");
    let err = check_import_size(most + 1).unwrap_err();
    assert!(err.contains(&format!("more than the {} MiB the page can import", most >> 20)), "{err}");
    assert!(err.contains("--check"), "{err}");
}

/// Every step's outputs as a person sees them right after the step (hand-offs, pending
/// publications, absorbed duplicates) are what a jump back to that step shows, and a
/// publication seen pending is later published with the same due time and type.
#[test]
fn step_outputs_after_a_jump_equal_those_seen_live() {
    use brigade::sim::{ABSORBED, NOT_PUBLISHED};
    let cfg = Config { orders: 40, interval_ms: 80, duplicate: 0.3, drop: 0.05, idempotent_store: true, ..chaos() };
    let mut live = World::new(cfg.clone()).unwrap();
    let mut seen = Vec::new();
    while live.step().is_some() {
        let outs: Vec<_> = live.step_outputs(live.steps()).into_iter().map(|(o, e)| (o, e.map(|e| e.id))).collect();
        seen.push(outs);
    }
    let kinds = |p: fn(&brigade::sim::OutputRecord) -> bool| seen.iter().flatten().filter(|(o, _)| p(o)).count();
    assert!(kinds(|o| o.handed_to.is_some()) > 0, "hand-offs to cooks");
    assert!(kinds(|o| o.seq == NOT_PUBLISHED) > 0, "publications pending after their step");
    let mut t = Timeline::new(World::new(cfg).unwrap());
    t.extend(usize::MAX);
    let total = t.total();
    assert_eq!(total, seen.len());
    for step in [1, 2, total / 3, total / 2, total - 1, total, 7, 300] {
        t.seek(step);
        let after: Vec<_> = t.world().step_outputs(step).into_iter().map(|(o, e)| (o, e.map(|e| e.id))).collect();
        assert_eq!(after, seen[step - 1], "step {step}");
    }
    // at the end, every output seen pending is published (or absorbed), due when it was
    // said to be
    let absorbed = (1..=total).flat_map(|s| live.step_outputs(s)).filter(|(o, _)| o.seq == ABSORBED).count();
    assert!(absorbed > 0, "answers the idempotent store absorbed");
    t.seek(total / 2);
    t.seek(total);
    for s in 1..=total {
        let ids = |w: &World| -> Vec<_> { w.step_outputs(s).into_iter().map(|(o, e)| (o, e.map(|e| e.id))).collect() };
        assert_eq!(ids(t.world()), ids(&live), "step {s} after jumping back and forth");
    }
    for (step, outs) in seen.iter().enumerate() {
        let now: Vec<_> = live.step_outputs(step + 1);
        assert_eq!(now.len(), outs.len());
        for ((before, id), (after, env)) in outs.iter().zip(now) {
            assert_eq!(
                (before.at_ms, before.message_type, before.handed_to),
                (after.at_ms, after.message_type, after.handed_to)
            );
            if before.seq == NOT_PUBLISHED && after.seq != ABSORBED {
                assert!(after.seq < NOT_PUBLISHED && env.map(|e| e.id) == *id, "step {}: {after:?}", step + 1);
            }
        }
    }
}

#[test]
fn stepping_back_after_a_long_seek_reruns_a_few_steps_not_a_checkpoint_gap() {
    use brigade::sim::timeline::NEAR_BACK;
    let mut t = Timeline::new(World::new(backlog()).unwrap());
    t.run_to_idle();
    let total = t.total();
    // a step far from any checkpoint: the checkpoints of a backlog are more than a thousand
    // steps apart (targets going down, so that the copy a seek keeps is past the next one)
    let mut far = None;
    for target in (total / 4..total / 2).rev().step_by(397) {
        let before = t.steps_rerun();
        t.seek(0);
        t.seek(target);
        if t.steps_rerun() - before > 3 * NEAR_BACK as u64 {
            far = Some(target);
            break;
        }
    }
    let far = far.expect("a step more than 3 × NEAR_BACK steps past its checkpoint");
    // each step back from there re-runs less than NEAR_BACK steps, and lands exactly
    for back in 1..=20 {
        let before = t.steps_rerun();
        assert!(t.step_back());
        assert!(
            t.steps_rerun() - before < NEAR_BACK as u64,
            "step back {back} re-ran {} steps",
            t.steps_rerun() - before
        );
        assert_eq!(t.current(), far - back);
    }
    let mut straight = World::new(backlog()).unwrap();
    for _ in 0..far - 20 {
        straight.step();
    }
    assert_eq!(picture(t.world()), picture(&straight));
}
