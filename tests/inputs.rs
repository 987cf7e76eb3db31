//! A person's inputs beyond orders and versions: the fate of one delivery (drop,
//! duplicate, delay), cooks walking out, coming back, being hired or changing speed.
//! Each is checked (a bad one changes nothing), recorded with its step and replays
//! exactly from the run file.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use brigade::message::MessageType;
use brigade::run_file;
use brigade::scenario::Config;
use brigade::sim::{Action, ActorKind, Fault, Queued, Timeline, World};
use common::{count, name, step_until, streams, world};

fn is_cook(world: &World, actor: u16) -> bool {
    matches!(world.actors()[actor as usize].kind, ActorKind::Cook(_))
}

/// The first message waiting for a cook.
fn waiting_for_a_cook(world: &World) -> Option<Queued> {
    world.queued().into_iter().find(|q| q.seq.is_some() && is_cook(world, q.actor))
}

fn every_order_ends_once(world: &World) {
    for stream in streams(world).values() {
        let terminal = count(stream, MessageType::OrderCompleted) + count(stream, MessageType::OrderDropped);
        assert_eq!(terminal, 1, "exactly one terminal event per order");
    }
}

/// Export → import gives the same run file, byte for byte.
fn replays(world: &World) -> World {
    let text = run_file::export(world, None);
    let (again, _) = run_file::import(&text).unwrap_or_else(|e| panic!("re-imports: {e}"));
    assert_eq!(run_file::export(&again, None), text);
    again
}

fn drop_action(q: &Queued, world: &World) -> Action {
    Action::DropMessage { seq: q.seq, output: None, actor: name(world, q.actor), copy: Some(q.copy) }
}

#[test]
fn a_dropped_delivery_is_lost_and_the_cook_timeout_recovers_it() {
    let mut w = world(Config::default());
    step_until(&mut w, |w| waiting_for_a_cook(w).is_some());
    let q = waiting_for_a_cook(&w).unwrap();
    let before = w.mailbox(q.actor).len();
    w.act(drop_action(&q, &w)).unwrap();
    assert_eq!(w.mailbox(q.actor).len(), before - 1, "the message left the mailbox");
    let f = *w.faults().last().unwrap();
    assert_eq!(
        (f.fault, f.seq, f.actor, f.manual, f.step as usize),
        (Fault::Drop, q.seq.unwrap(), q.actor, true, w.steps())
    );
    assert_eq!(w.stats().deliveries_dropped, 1);
    assert_eq!(w.inputs().last().unwrap().step, w.steps());
    w.run_to_idle();
    assert_eq!(w.stats().completed, 10, "the process manager's cook timeout sends the food again");
    assert!(w.stats().retries >= 1);
    every_order_ends_once(&w);
    replays(&w);
}

#[test]
fn a_duplicated_delivery_is_handled_twice_and_the_duplicate_is_noticed() {
    let mut w = world(Config::default());
    step_until(&mut w, |w| waiting_for_a_cook(w).is_some());
    let q = waiting_for_a_cook(&w).unwrap();
    let seq = q.seq.unwrap();
    w.act(Action::DuplicateMessage { seq: Some(seq), output: None, actor: name(&w, q.actor), copy: None }).unwrap();
    let copies: Vec<_> = w.mailbox(q.actor).into_iter().filter(|(s, _)| *s == seq).collect();
    assert_eq!(copies, vec![(seq, q.copy), (seq, 1)], "the second copy waits right after the first");
    assert_eq!(w.faults().last().unwrap().fault, Fault::Duplicate);
    w.run_to_idle();
    let cooked = w.store().messages().filter(|e| e.message_type() == MessageType::FoodCooked).count();
    assert_eq!(cooked, 11, "the order is cooked twice");
    assert_eq!(w.stats().completed, 10);
    every_order_ends_once(&w);
    replays(&w);
}

#[test]
fn duplicating_a_message_again_gives_each_copy_its_own_number() {
    let mut w = world(Config::default());
    step_until(&mut w, |w| waiting_for_a_cook(w).is_some());
    let q = waiting_for_a_cook(&w).unwrap();
    let seq = q.seq.unwrap();
    let dup = || Action::DuplicateMessage { seq: Some(seq), output: None, actor: name(&w, q.actor), copy: Some(0) };
    let (a, b) = (dup(), dup());
    w.act(a).unwrap();
    w.act(b).unwrap();
    let copies: Vec<u8> = w.mailbox(q.actor).into_iter().filter(|(s, _)| *s == seq).map(|(_, c)| c).collect();
    assert_eq!(copies, vec![0, 2, 1]);
    w.run_to_idle();
    let ids: std::collections::HashSet<_> = w.store().messages().map(|e| e.id).collect();
    assert_eq!(ids.len(), w.store().len(), "every answer has its own id");
    replays(&w);
}

#[test]
fn a_delayed_delivery_reenters_the_mailbox_later() {
    let mut w = world(Config::default());
    step_until(&mut w, |w| waiting_for_a_cook(w).is_some());
    let q = waiting_for_a_cook(&w).unwrap();
    let seq = q.seq.unwrap();
    let now = w.now();
    w.act(Action::DelayMessage { seq: Some(seq), output: None, actor: name(&w, q.actor), copy: None, ms: 1_000 })
        .unwrap();
    assert!(!w.mailbox(q.actor).iter().any(|(s, _)| *s == seq), "it left the mailbox");
    assert_eq!(w.faults().last().unwrap().fault, Fault::Delay);
    while w.now() < now + 1_000 && !w.is_idle() {
        assert!(!w.mailbox(q.actor).iter().any(|(s, _)| *s == seq), "not back before its time");
        w.step();
    }
    w.run_to_idle();
    let delivered: Vec<_> = (1..=w.steps())
        .filter_map(|s| w.trace_record(s))
        .filter(|r| r.seq == seq && r.actor == q.actor)
        .map(|r| r.at_ms)
        .collect();
    assert_eq!(delivered.len(), 1);
    assert!(delivered[0] >= now + 1_000, "handled at {} ms, delayed from {now} ms", delivered[0]);
    assert_eq!(w.stats().completed, 10);
    every_order_ends_once(&w);
    replays(&w);
}

#[test]
fn a_fate_chosen_for_a_message_in_flight_applies_when_it_arrives() {
    // FoodCooked → the house (reliable); PriceOrder → the assistant manager (a worker)
    let mut w = world(Config { orders: 1, ..Config::default() });
    let in_flight_to_worker = |w: &World| {
        w.queued().into_iter().find(|q| q.output.is_some() && q.changeable && q.message_type == MessageType::PriceOrder)
    };
    step_until(&mut w, |w| in_flight_to_worker(w).is_some());
    let q = in_flight_to_worker(&w).unwrap();
    assert!(q.due_ms.is_some_and(|d| d >= w.now()));
    let actor = name(&w, q.actor);
    w.act(Action::DropMessage { seq: None, output: q.output, actor: actor.clone(), copy: None }).unwrap();
    let again = Action::DropMessage { seq: None, output: q.output, actor, copy: None };
    assert!(w.check_action(&again).unwrap_err().contains("decided already"));
    w.run_to_idle();
    let lost = w.faults().iter().find(|f| f.manual).expect("the delivery was lost when it arrived");
    assert_eq!((lost.fault, lost.actor), (Fault::Drop, q.actor));
    assert_eq!(w.store().get(lost.seq as usize).unwrap().message_type(), MessageType::PriceOrder);
    assert!(w.stats().retries >= 1, "the price timeout asks again");
    assert_eq!(w.stats().completed, 1);
    replays(&w);
}

#[test]
fn a_cook_who_walks_out_loses_its_mailbox_and_gets_no_more_work() {
    let mut w = world(Config { orders: 20, ..Config::default() });
    let koen = w.actor_named("Koen").unwrap();
    step_until(&mut w, |w| w.mailbox(koen).len() >= 2);
    let waiting = w.mailbox(koen);
    let steps = w.steps();
    w.act(Action::CookLeaves { cook: "koen".into() }).unwrap();
    assert!(w.mailbox(koen).is_empty());
    let lost: Vec<_> = w.faults().iter().filter(|f| f.fault == Fault::WalkedOut).map(|f| (f.seq, f.step)).collect();
    assert_eq!(lost, waiting.iter().map(|(s, _)| (*s, steps as u32)).collect::<Vec<_>>());
    assert_eq!(w.cook_state(koen), Some((350, false)));
    let handled = w.handled(koen);
    w.run_to_idle();
    assert!(w.handled(koen) <= handled + 1, "at most the dish on the stove; nothing new");
    assert_eq!(w.stats().completed, 20, "the cook timeouts send the lost food to the others");
    every_order_ends_once(&w);
    replays(&w);
}

#[test]
fn a_cook_who_comes_back_takes_work_again() {
    let mut w = world(Config { orders: 30, interval_ms: 100, ..Config::default() });
    let guido = w.actor_named("Guido").unwrap();
    step_until(&mut w, |w| w.handled(guido) >= 1);
    w.act(Action::CookLeaves { cook: "Guido".into() }).unwrap();
    let t = w.now();
    w.run_until(t + 1_000);
    let handled = w.handled(guido);
    w.act(Action::CookReturns { cook: "Guido".into() }).unwrap();
    assert_eq!(w.cook_state(guido), Some((200, true)));
    w.run_to_idle();
    assert!(w.handled(guido) > handled + 1, "back at work");
    assert_eq!(w.stats().completed, 30);
    replays(&w);
}

#[test]
fn when_every_cook_walks_out_the_orders_are_dropped_once() {
    for dispatch in ["round-robin", "more-fair", "competing"] {
        let cfg = Config {
            orders: 3,
            dispatch: brigade::scenario::Dispatch::from_name(dispatch).unwrap(),
            ..Config::default()
        };
        let mut w = world(cfg);
        for cook in ["Koen", "Guido", "Greg"] {
            w.act(Action::CookLeaves { cook: cook.into() }).unwrap();
        }
        w.run_to_idle();
        assert_eq!(w.stats().completed, 0, "{dispatch}");
        assert_eq!(w.stats().dropped_total(), 3, "{dispatch}: the cook timeouts give up");
        every_order_ends_once(&w);
        replays(&w);
    }
}

#[test]
fn a_hired_cook_joins_the_floor_and_cooks() {
    let mut w = world(Config { orders: 20, ..Config::default() });
    step_until(&mut w, |w| w.steps() >= 5);
    let actors = w.actors().len();
    w.act(Action::HireCook { name: " Ana ".into(), ms: 100 }).unwrap();
    assert_eq!(w.actors().len(), actors + 1);
    let ana = w.actor_named("ana").unwrap();
    assert_eq!(w.actors()[ana as usize].name, "Ana");
    assert_eq!(w.actors()[ana as usize].kind, ActorKind::Cook(3));
    w.run_to_idle();
    assert!(w.handled(ana) > 0);
    let report = brigade::report::Report::of(&w);
    assert!(report.per_cook["Ana"] > 0);
    assert!(report.peak_queue.contains_key("Ana"));
    let (buckets, values) = w.samples();
    assert_eq!(values.len(), buckets.len() * w.actors().len(), "every row has a value per actor");
    let view = brigade::view::actors(&w);
    assert_eq!(view.last().unwrap().name, "Ana");
    assert_eq!(view.last().unwrap().ms, Some(100));
    assert_eq!(w.stats().completed, 20);
    let again = replays(&w);
    assert_eq!(again.actors(), w.actors());
}

#[test]
fn a_cook_at_another_speed_cooks_in_its_new_time() {
    let mut w = world(Config { orders: 6, ..Config::default() });
    let greg = w.actor_named("Greg").unwrap();
    w.act(Action::SetCookTime { cook: "Greg".into(), ms: 40 }).unwrap();
    w.run_to_idle();
    let greg_steps: Vec<_> =
        (1..=w.steps()).filter_map(|s| w.trace_record(s).map(|r| (s, r))).filter(|(_, r)| r.actor == greg).collect();
    assert!(!greg_steps.is_empty());
    for (step, r) in greg_steps {
        let outputs = w.step_outputs(step);
        let (out, _) = outputs.iter().find(|(o, _)| o.message_type == MessageType::FoodCooked).unwrap();
        assert_eq!(out.at_ms, r.at_ms + 40, "cooked in 40 ms");
    }
    replays(&w);
}

#[test]
fn bad_inputs_are_refused_and_change_nothing() {
    let mut w = world(Config::default());
    step_until(&mut w, |w| waiting_for_a_cook(w).is_some());
    let q = waiting_for_a_cook(&w).unwrap();
    let cook = name(&w, q.actor);
    let house_mail = w.queued().into_iter().find(|q| q.seq.is_some() && !q.changeable);
    let before = (w.inputs().len(), w.frontier_steps(), w.queued(), w.actors().to_vec(), w.faults().to_vec());
    let bad: Vec<(Action, &str)> = vec![
        (Action::DropMessage { seq: Some(9_999), output: None, actor: cook.clone(), copy: None }, "is not waiting"),
        (Action::DropMessage { seq: q.seq, output: None, actor: cook.clone(), copy: Some(7) }, "copy 7"),
        (Action::DropMessage { seq: q.seq, output: None, actor: "Nobody".into(), copy: None }, "no actor"),
        (Action::DropMessage { seq: None, output: None, actor: cook.clone(), copy: None }, "give `seq`"),
        (Action::DropMessage { seq: q.seq, output: Some(1), actor: cook.clone(), copy: None }, "not both"),
        (Action::DropMessage { seq: None, output: Some(99_999), actor: cook.clone(), copy: None }, "in flight"),
        (Action::DelayMessage { seq: q.seq, output: None, actor: cook.clone(), copy: None, ms: 0 }, "1..=600000"),
        (Action::DelayMessage { seq: q.seq, output: None, actor: cook.clone(), copy: None, ms: 600_001 }, "1..=600000"),
        (Action::CookLeaves { cook: "Nobody".into() }, "no cook"),
        (Action::CookLeaves { cook: "cashier".into() }, "not a cook"),
        (Action::CookReturns { cook: cook.clone() }, "is in the kitchen"),
        (Action::HireCook { name: "koen".into(), ms: 100 }, "taken"),
        (Action::HireCook { name: "Cashier".into(), ms: 100 }, "cashier's name"),
        (Action::HireCook { name: "a,b".into(), ms: 100 }, "without ','"),
        (Action::HireCook { name: "Zoë\u{200B}".into(), ms: 100 }, "invisible"),
        (Action::HireCook { name: "  ".into(), ms: 100 }, "empty"),
        (Action::HireCook { name: "Ana".into(), ms: 0 }, "cooking time"),
        (Action::SetCookTime { cook: "Koen".into(), ms: 700_000 }, "cooking time"),
        (Action::SetCookTime { cook: "Nobody".into(), ms: 10 }, "no cook"),
        (Action::SetProcessVersion { version: 9 }, "does not exist"),
    ];
    for (action, expected) in bad {
        let e = w.act(action.clone()).expect_err(&format!("{action:?} is refused"));
        assert!(e.contains(expected), "{action:?}: {e:?} should say {expected:?}");
        assert!(!e.contains('\n'));
    }
    if let Some(h) = house_mail {
        let e =
            w.act(Action::DropMessage { seq: h.seq, output: None, actor: name(&w, h.actor), copy: None }).unwrap_err();
        assert!(e.contains("reliable"), "{e}");
    }
    w.act(Action::CookLeaves { cook: "Greg".into() }).unwrap();
    assert!(w.act(Action::CookLeaves { cook: "Greg".into() }).unwrap_err().contains("already walked out"));
    w.act(Action::CookReturns { cook: "Greg".into() }).unwrap();
    assert!(w.act(Action::CookReturns { cook: "Greg".into() }).unwrap_err().contains("in the kitchen"));
    let after = (w.inputs().len() - 2, w.queued(), w.actors().to_vec());
    assert_eq!(after, (before.0, before.2, before.3), "the refused inputs changed nothing");
}

#[test]
fn acting_at_an_earlier_step_forgets_the_future_and_rewinding_undoes_a_hire() {
    let mut t = Timeline::new(world(Config { orders: 8, ..Config::default() }));
    t.run_to_idle();
    let total = t.total();
    t.seek(4);
    assert!(t.act(Action::HireCook { name: "Ana".into(), ms: 120 }).is_ok());
    assert_eq!(t.total(), 4, "the old future is forgotten");
    t.run_to_idle();
    let with_ana = t.world().actors().len();
    t.seek(3);
    assert_eq!(t.world().actors().len(), with_ana - 1, "before the hire, Ana is not on the floor");
    assert!(t.world().actor_named("Ana").is_none());
    let (buckets, values) = t.world().samples();
    assert_eq!(values.len(), buckets.len() * (with_ana - 1), "the samples have one value per actor present");
    t.seek(t.total());
    assert_eq!(t.world().actors().len(), with_ana);
    let (buckets, values) = t.world().samples();
    assert_eq!(values.len(), buckets.len() * with_ana);
    // a bad input at an earlier step forgets nothing
    t.seek(2);
    let end = t.total();
    assert!(t.act(Action::CookLeaves { cook: "Ana".into() }).is_err());
    assert_eq!(t.total(), end);
    assert_ne!(total, 0);
    // acting at step 2 forgets the hire (recorded at step 4)
    t.act(Action::CookLeaves { cook: "Greg".into() }).unwrap();
    t.run_to_idle();
    assert!(t.world().actor_named("Ana").is_none());
    assert_eq!(t.world().inputs().len(), 1);
}

#[test]
fn a_run_file_with_every_kind_of_input_replays_and_checks() {
    let mut t = Timeline::new(world(Config { orders: 12, interval_ms: 50, ..Config::default() }));
    t.act(Action::SetCookTime { cook: "Greg".into(), ms: 300 }).unwrap();
    while waiting_for_a_cook(t.world()).is_none() {
        t.step();
    }
    let q = waiting_for_a_cook(t.world()).unwrap();
    let cook = name(t.world(), q.actor);
    t.act(Action::DuplicateMessage { seq: q.seq, output: None, actor: cook.clone(), copy: None }).unwrap();
    t.act(Action::DelayMessage { seq: q.seq, output: None, actor: cook, copy: Some(1), ms: 700 }).unwrap();
    for _ in 0..10 {
        t.step();
    }
    t.act(Action::HireCook { name: "Ana".into(), ms: 90 }).unwrap();
    t.act(Action::CookLeaves { cook: "Koen".into() }).unwrap();
    for _ in 0..20 {
        t.step();
    }
    t.act(Action::CookReturns { cook: "Koen".into() }).unwrap();
    t.run_to_idle();
    let w = t.world();
    assert_eq!(w.inputs().len(), 6);
    every_order_ends_once(w);
    let text = run_file::export(w, None);
    for shape in [
        r#""type": "SetCookTime""#,
        r#""type": "DuplicateMessage""#,
        r#""type": "DelayMessage""#,
        r#""type": "HireCook""#,
        r#""type": "CookLeaves""#,
        r#""type": "CookReturns""#,
    ] {
        assert!(text.contains(shape), "the run file records {shape}");
    }
    let again = replays(w);
    assert_eq!(again.faults(), w.faults());

    // the CLI's --check reproduces it
    let dir = std::env::temp_dir().join(format!("brigade-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("run.json");
    std::fs::write(&path, &text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_brigade"))
        .args(["--check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok\n", "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success());

    // an input that cannot happen where the file puts it is refused, naming it
    let moved = text.replacen(r#""cook": "Koen""#, r#""cook": "Nobody""#, 1);
    let e = run_file::import(&moved).unwrap_err().to_string();
    assert!(e.starts_with("inputs: input 5: no cook is called \"Nobody\""), "{e}");
    std::fs::write(&path, &moved).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_brigade"))
        .args(["--check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inputs: input 5: no cook"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn run_file_inputs_are_checked_for_shape_on_import() {
    let mut w = world(Config { orders: 2, ..Config::default() });
    w.run_to_idle();
    let text = run_file::export(&w, None);
    let with = |inputs: &str| text.replacen(r#""inputs": []"#, &format!(r#""inputs": {inputs}"#), 1);
    let cases = [
        (
            r#"[{"step": 0, "action": {"type": "DelayMessage", "seq": 1, "actor": "Koen", "ms": -5}}]"#,
            "input 1: invalid value",
        ),
        (
            r#"[{"step": 0, "action": {"type": "DelayMessage", "seq": 1, "actor": "Koen", "ms": 0}}]"#,
            "input 1: the delay",
        ),
        (r#"[{"step": 0, "action": {"type": "HireCook", "name": "waiter", "ms": 5}}]"#, "input 1: cook name"),
        (r#"[{"step": 0, "action": {"type": "DropMessage", "actor": "Koen"}}]"#, "input 1: give `seq`"),
        (r#"[{"step": 0, "action": {"type": "FireEveryone"}}]"#, "input 1: unknown variant"),
        (
            r#"[{"step": 0, "action": {"type": "DropMessage", "seq": 0, "actor": "Koen"}}]"#,
            "input 1: message 0 is not waiting",
        ),
        (r#"[{"step": 0, "action": {"type": "CookReturns", "cook": "Koen"}}]"#, "input 1: Koen is in the kitchen"),
    ];
    for (inputs, expected) in cases {
        let e = run_file::import(&with(inputs)).unwrap_err().to_string();
        assert!(e.starts_with("inputs: ") && e.contains(expected), "{inputs}: {e}");
    }
}

#[test]
fn the_kitchen_holds_at_most_32_cooks() {
    let mut w = world(Config { orders: 1, ..Config::default() });
    for i in 0..29 {
        w.act(Action::HireCook { name: format!("Cook {i}"), ms: 100 }).unwrap();
    }
    let e = w.act(Action::HireCook { name: "One too many".into(), ms: 100 }).unwrap_err();
    assert!(e.contains("32 cooks"), "{e}");
    assert_eq!(w.stats().per_cook.len(), 32);
    w.run_to_idle();
    assert_eq!(w.stats().completed, 1);
    replays(&w);
}

#[test]
fn a_cook_who_comes_back_after_the_orders_were_given_up_changes_no_outcome() {
    let mut w = world(Config { orders: 3, dodgy: 0.5, ..Config::default() });
    for cook in ["Koen", "Guido", "Greg"] {
        w.act(Action::CookLeaves { cook: cook.into() }).unwrap();
    }
    w.run_to_idle();
    assert_eq!(w.stats().dropped_total(), 3);
    assert!(w.queue_len(brigade::sim::actor::DISPATCHER) > 0, "the dispatcher still holds the food");
    let placed = w.stats().placed;
    w.act(Action::CookReturns { cook: "Guido".into() }).unwrap();
    w.run_to_idle();
    assert_eq!(w.queue_len(brigade::sim::actor::DISPATCHER), 0, "the food goes to the cook who came back");
    assert_eq!((w.stats().placed, w.stats().completed, w.stats().dropped_total()), (placed, 0, 3));
    every_order_ends_once(&w);
    for stream in streams(&w).values() {
        let balance = count(stream, MessageType::OrderPaid) as i64 - count(stream, MessageType::PaymentRefunded) as i64;
        assert_eq!(balance, 0, "a given-up order is not paid");
    }
    replays(&w);
}

#[test]
fn refunds_are_asked_for_past_attempt_255_until_the_cashier_answers() {
    // a pay-first order the only cook is far too slow for: paid, then dropped as expired,
    // so a refund is owed; every refund request is lost on its way to the cashier
    let cooks = vec![brigade::scenario::CookSpec { name: "Slow".into(), ms: 600_000 }];
    let mut w = world(Config { orders: 1, dodgy: 1.0, cooks, ..Config::default() });
    // a refund request decided, not yet delivered, with no fate chosen yet
    let refund_on_its_way = |w: &World| {
        w.queued().into_iter().find(|q| {
            let drop = Action::DropMessage { seq: q.seq, output: q.output, actor: name(w, q.actor), copy: None };
            q.message_type == MessageType::RefundPayment && w.check_action(&drop).is_ok()
        })
    };
    let mut lost = 0;
    while lost < 300 {
        match refund_on_its_way(&w) {
            Some(q) => {
                let copy = q.seq.map(|_| q.copy);
                w.act(Action::DropMessage { seq: q.seq, output: q.output, actor: name(&w, q.actor), copy }).unwrap();
                lost += 1;
            }
            None => {
                w.step().expect("the process asks for its refund again");
            }
        }
    }
    // the last one lost is published (and lost on arrival) with its alarm not yet rung
    let refunds_asked =
        |w: &World| w.store().messages().filter(|m| m.message_type() == MessageType::RefundPayment).count();
    step_until(&mut w, |w| refunds_asked(w) == 300);
    let stream = streams(&w).into_values().next().unwrap();
    assert_eq!(count(&stream, MessageType::OrderPaid), 1);
    assert_eq!(count(&stream, MessageType::OrderDropped), 1);
    assert_eq!(count(&stream, MessageType::RefundPayment), 300, "asked 300 times, past the 255 an alarm counts");
    assert_eq!(count(&stream, MessageType::PaymentRefunded), 0);
    // the alarms' attempts count up to 255 and stay there
    let refund_alarms: Vec<u8> = stream
        .iter()
        .filter_map(|e| match e.body {
            brigade::message::Message::StepTimedOut { step: brigade::message::WorkStep::Refund, attempt } => {
                Some(attempt)
            }
            _ => None,
        })
        .collect();
    assert_eq!(refund_alarms.len(), 299);
    assert!(refund_alarms.iter().take(255).copied().eq(1..=255));
    assert!(refund_alarms[255..].iter().all(|&a| a == 255));
    // once a request gets through, the money comes back and the run ends
    w.run_to_idle();
    let stream = streams(&w).into_values().next().unwrap();
    assert_eq!(count(&stream, MessageType::RefundPayment), 301);
    assert_eq!(count(&stream, MessageType::PaymentRefunded), 1);
    let report = brigade::report::Report::of(&w);
    assert_eq!((report.charged, report.charged_not_served, report.refunded), (1, 0, 1));
    replays(&w);
}
