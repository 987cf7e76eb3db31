//! Moving a live order to another version of its process (a migration): version 1 gives up
//! an order whose price was lost, version 2 retries it; moved in time, the order survives.
//! A move the history does not replay the same under is refused; a move is recorded as an
//! input and replays byte for byte.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use brigade::message::{Message, MessageType};
use brigade::run_file;
use brigade::scenario::Config;
use brigade::sim::{Action, World};
use common::{count, streams};

/// Steps on until a `PriceOrder` is on its way to the assistant manager, and loses it.
fn lose_the_price(w: &mut World) {
    loop {
        let price = w.queued().into_iter().find(|q| {
            let name = w.actors()[q.actor as usize].name.clone();
            let drop = Action::DropMessage { seq: q.seq, output: q.output, actor: name, copy: None };
            q.message_type == MessageType::PriceOrder && w.check_action(&drop).is_ok()
        });
        if let Some(q) = price {
            let actor = w.actors()[q.actor as usize].name.clone();
            let copy = q.seq.map(|_| q.copy);
            w.act(Action::DropMessage { seq: q.seq, output: q.output, actor, copy }).unwrap();
            return;
        }
        w.step().expect("a price is asked for");
    }
}

/// Steps until nothing the house decided is still on its way.
fn settle(w: &mut World) {
    while w.queued().iter().any(|q| q.seq.is_none() && q.message_type == MessageType::PublishAt) {
        w.step();
    }
}

fn one_order_v1() -> World {
    World::new(Config { orders: 1, process_version: 1, ..Config::default() }).unwrap()
}

#[test]
fn an_order_moved_to_version_2_before_its_price_times_out_is_retried_and_completes() {
    // left on version 1, the lost price gives the order up
    let mut stays = one_order_v1();
    lose_the_price(&mut stays);
    stays.run_to_idle();
    assert_eq!((stays.stats().completed, stays.stats().dropped_total()), (0, 1));

    let mut moved = one_order_v1();
    lose_the_price(&mut moved);
    settle(&mut moved);
    moved.act(Action::MigrateOrder { order: 1, version: 2 }).unwrap();
    // while the announcement is on its way, the order's replay decides as its history did
    // (ProcessMigrated, like ProcessStarted, is the house's word, not a decision)
    let corr = brigade::view::orders(&moved, 0, 1)[0].correlation_id;
    assert!(moved.pending().iter().any(|(_, e, _)| e.message_type() == MessageType::ProcessMigrated));
    let replay = brigade::view::replay_view(&moved, &corr, None, None).unwrap();
    assert!(
        replay.steps.iter().all(|s| s.same_as_history),
        "{:?}",
        replay.steps.iter().map(|s| (s.type_name, s.same_as_history)).collect::<Vec<_>>()
    );
    moved.run_to_idle();
    assert_eq!((moved.stats().completed, moved.stats().dropped_total()), (1, 0), "version 2 retried the price");
    assert_eq!(moved.stats().migrated, 1);
    let stream = streams(&moved).into_values().next().unwrap();
    let migrated: Vec<_> = stream
        .iter()
        .filter_map(|e| match e.body {
            Message::ProcessMigrated { version, from, .. } => Some((version, from)),
            _ => None,
        })
        .collect();
    assert_eq!(migrated, [(2, 1)], "announced once in the order's stream");
    let view = &brigade::view::orders(&moved, 0, 1)[0];
    assert_eq!(view.version, Some(2), "orders() gives the version the order runs now");
    assert_eq!(count(&stream, MessageType::PriceOrder), 2, "the retry");
    // recorded as an input, it replays byte for byte (what --check does)
    let text = run_file::export(&moved, None);
    assert!(text.contains("\"MigrateOrder\""));
    let (again, _) = run_file::import(&text).unwrap();
    assert_eq!(run_file::export(&again, None), text);
    let checked = brigade::history_rules::check(&text).unwrap();
    assert!(checked.to_text().starts_with("rules hold"), "{}", checked.to_text());
    assert_eq!(brigade::report::Report::of(&moved).migrated, 1);
}

#[test]
fn a_move_the_history_does_not_replay_the_same_under_is_refused() {
    // version 2 retried the lost price: version 1 would have given the order up instead
    let mut w = World::new(Config { orders: 1, ..Config::default() }).unwrap();
    lose_the_price(&mut w);
    while !w.store().messages().any(|e| matches!(e.body, Message::PriceOrder { attempt: 2, .. })) {
        w.step().unwrap();
    }
    settle(&mut w);
    let before = run_file::export(&w, None);
    let refused = w.act(Action::MigrateOrder { order: 1, version: 1 }).unwrap_err();
    assert!(refused.contains("cannot move to v1") && refused.contains("StepTimedOut"), "{refused}");
    assert!(refused.contains("OrderDropped") && refused.contains("PriceOrder"), "{refused}");
    assert_eq!(run_file::export(&w, None), before, "a refused move changes nothing");
    // the other refusals name their reason
    assert!(w.act(Action::MigrateOrder { order: 1, version: 2 }).unwrap_err().contains("runs v2 already"));
    assert!(w.act(Action::MigrateOrder { order: 9, version: 1 }).unwrap_err().contains("no order 9"));
    assert!(w.act(Action::MigrateOrder { order: 1, version: 3 }).is_err());
    w.run_to_idle();
    assert!(w.act(Action::MigrateOrder { order: 1, version: 1 }).unwrap_err().contains("not live"));
}

#[test]
fn every_live_order_of_a_definition_moves_at_once() {
    let mut w = World::new(Config { orders: 6, interval_ms: 100, process_version: 1, ..Config::default() }).unwrap();
    while w.stats().placed < 6 || w.live_processes() < 3 {
        w.step().unwrap();
    }
    settle(&mut w);
    let live = w.live_processes();
    w.act(Action::MigrateOrders { definition: "pay-last".into(), version: 2 }).unwrap();
    w.run_to_idle();
    assert_eq!(w.stats().migrated as usize, live, "every live pay-last order moved");
    assert_eq!(w.stats().completed, 6);
    assert!(w.act(Action::MigrateOrders { definition: "pay-last".into(), version: 2 }).is_err(), "none is live now");
    assert!(w.act(Action::MigrateOrders { definition: "custom".into(), version: 2 }).is_err());
    let text = run_file::export(&w, None);
    let (again, _) = run_file::import(&text).unwrap();
    assert_eq!(run_file::export(&again, None), text);
}
