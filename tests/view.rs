//! The page's views over a timeline: what the facade hands to JavaScript.

use brigade::message::MessageType;
use brigade::scenario::Config;
use brigade::sim::{Timeline, World};
use brigade::view;

fn chaos() -> Timeline {
    Timeline::new(
        World::new(Config { orders: 30, interval_ms: 80, drop: 0.1, duplicate: 0.1, dodgy: 0.4, ..Config::default() })
            .unwrap(),
    )
}

#[test]
fn a_step_looks_the_same_live_and_after_a_jump() {
    let mut t = chaos();
    let mut live = Vec::new();
    while let Some(o) = t.step() {
        live.push(view::step(t.world(), o.step).unwrap());
    }
    assert!(live.iter().any(|s| !s.faults.is_empty()), "the chaos run shows faults");
    assert!(live.iter().any(|s| s.duplicate));
    for probe in [1, 7, live.len() / 2, live.len() - 1, live.len()] {
        t.seek(probe);
        let mut jumped = view::step(t.world(), probe).expect("the step is done");
        // the step that publishes an output is known only once the run has reached it:
        // stepping live, the run ended at this step; after the jump it is known to the end
        for (out, seen) in jumped.outputs.iter_mut().zip(&live[probe - 1].outputs) {
            if seen.published_step.is_none() {
                assert!(out.published_step.is_none_or(|s| s > probe), "step {probe}: published later, if at all");
                out.published_step = None;
            }
        }
        assert_eq!(jumped, live[probe - 1], "step {probe}");
    }
}

#[test]
fn type_index_orders_and_replays_agree_with_the_history() {
    let mut t = chaos();
    t.run_to_idle();
    let w = t.world();
    let placed = view::seqs_of_type(w, MessageType::OrderPlaced);
    assert_eq!(placed.len(), 30);
    for &s in &placed {
        assert_eq!(view::message(w, s as usize).unwrap().type_name, "OrderPlaced");
    }
    let orders = view::orders(w, 0, usize::MAX);
    assert_eq!(orders.len(), 30);
    assert_eq!(orders.iter().filter(|o| o.status != "in-progress").count(), 30);
    assert_eq!(view::orders(w, 10, 15).len(), 5);
    for o in &orders {
        let r = view::replay_view(w, &o.correlation_id, None, None).unwrap();
        assert!(r.steps.iter().all(|s| s.same_as_history));
        assert_eq!(Some(r.definition), o.definition);
    }
    let samples = view::samples(w, 10);
    assert!(samples.rows.len() <= 10);
    assert_eq!(samples.actors.len(), w.actors().len());
    assert!(view::replay_view(w, &uuid::Uuid::nil(), None, None).is_err());
}

#[test]
fn the_floor_shows_every_actor_and_the_house_empties() {
    let mut t = chaos();
    t.seek(40);
    let actors = view::actors(t.world());
    let kinds: Vec<&str> = actors.iter().map(|a| a.kind).collect();
    for k in ["waiter", "house", "dispatcher", "cook", "assistant-manager", "cashier", "alarm-clock", "printer"] {
        assert!(kinds.contains(&k), "{k}");
    }
    t.run_to_idle();
    let house = view::actors(t.world()).into_iter().find(|a| a.kind == "house").unwrap();
    assert_eq!(house.live, Some(0));
}

#[test]
fn published_counts_count_what_the_messages_list_by_publisher_and_type() {
    use std::collections::BTreeMap;
    let mut t = chaos();
    t.run_to_idle();
    let total = t.total();
    // at a cursor inside the run: nothing beyond it is counted
    t.seek(total / 2);
    let n = t.world().store().len();
    assert!(n > 100, "a history to count: {n}");
    for (from, to) in [(0, n), (5, n / 3), (n / 3, n + 40), (n, n), (9, 4)] {
        let mut expected = BTreeMap::new();
        for m in view::messages(t.world(), from, to) {
            *expected.entry((m.publisher, m.type_name)).or_insert(0u32) += 1;
        }
        let mut got = BTreeMap::new();
        for c in view::published_counts(t.world(), from, to) {
            assert!(c.count > 0, "no empty pair");
            assert!(got.insert((c.publisher, c.type_name), c.count).is_none(), "each pair once");
        }
        assert_eq!(got, expected, "[{from}, {to})");
    }
}
