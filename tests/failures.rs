//! Failures a real kitchen has: refunds nobody answers handed to a person, a duplicated
//! `CookFood` cooked once by idempotent cooks, poison messages tried again then
//! dead-lettered and re-delivered by hand, and crashes (a cook's mailbox lost or kept, a
//! cached house reading its process managers back from the store, an alarm clock losing
//! its alarms unless they are kept in the store). Each run replays from its run file and
//! is checked against the workshop's rules.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use brigade::explore::rules;
use brigade::message::{Message, MessageType};
use brigade::run_file;
use brigade::scenario::{Config, CookSpec, HouseMode};
use brigade::sim::{Action, ActorKind, Fault, World};
use common::{count, streams};

fn world(cfg: Config) -> World {
    World::new(cfg).expect("valid config")
}

/// Steps until `pred` holds; panics if the run ends first.
fn step_until(world: &mut World, pred: impl Fn(&World) -> bool) {
    while !pred(world) {
        world.step().expect("the run reaches the wanted state before it ends");
    }
}

fn name(world: &World, actor: u16) -> String {
    world.actors()[actor as usize].name.clone()
}

fn id(world: &World, name: &str) -> u16 {
    world.actor_named(name).unwrap_or_else(|| panic!("no actor {name}"))
}

/// Export → import gives the same run file, byte for byte, and `--check` agrees.
fn replays(world: &World) {
    let text = run_file::export(world, None);
    let (again, _) = run_file::import(&text).unwrap_or_else(|e| panic!("re-imports: {e}"));
    assert_eq!(run_file::export(&again, None), text);
}

/// The workshop's rules hold on the idle world, and on its history read back as a file.
fn rules_hold(world: &World) {
    assert_eq!(rules::safety(world).map(|b| format!("{b:?}")), None);
    assert_eq!(rules::at_end(world).map(|b| format!("{b:?}")), None);
    let checked = brigade::history_rules::check(&run_file::export(world, None)).expect("reads");
    assert!(checked.to_text().starts_with("rules hold"), "{}", checked.to_text());
}

fn every_order_ends_once(world: &World) {
    for stream in streams(world).values() {
        let ends = count(stream, MessageType::OrderCompleted) + count(stream, MessageType::OrderDropped);
        assert_eq!(ends, 1, "exactly one terminal event per order");
    }
}

fn faults(world: &World, fault: Fault) -> usize {
    world.faults().iter().filter(|f| f.fault == fault).count()
}

/// A message of type `t` waiting for `actor`, as `(seq, copy)`.
fn waiting(world: &World, actor: u16, t: MessageType) -> Option<(u32, u8)> {
    world.mailbox(actor).into_iter().find(|&(seq, _)| world.store().message_type(seq as usize) == Some(t))
}

/// Steps on, losing every refund request on its way to the cashier (at most `most`);
/// returns how many were lost.
fn lose_every_refund(w: &mut World, most: usize) -> usize {
    let mut lost = 0;
    while lost < most {
        let refund = w.queued().into_iter().find(|q| {
            let drop = Action::DropMessage { seq: q.seq, output: q.output, actor: name(w, q.actor), copy: None };
            q.message_type == MessageType::RefundPayment && w.check_action(&drop).is_ok()
        });
        match refund {
            Some(q) => {
                let copy = q.seq.map(|_| q.copy);
                w.act(Action::DropMessage { seq: q.seq, output: q.output, actor: name(w, q.actor), copy }).unwrap();
                lost += 1;
            }
            None if w.step().is_none() => break,
            None => {}
        }
    }
    lost
}

#[test]
fn a_refund_nobody_answers_is_handed_to_a_person_after_the_configured_attempts() {
    // a pay-first order the only cook is far too slow for: paid, then dropped as expired,
    // so a refund is owed; every refund request is lost on its way to the cashier
    let cooks = vec![CookSpec { name: "Slow".into(), ms: 600_000 }];
    let cfg = Config { orders: 1, dodgy: 1.0, cooks, refund_attempts: Some(3), ..Config::default() };
    let mut w = world(cfg);
    let lost = lose_every_refund(&mut w, usize::MAX);
    let stream = streams(&w).into_values().next().unwrap();
    assert_eq!(count(&stream, MessageType::RefundPayment), 3, "asked three times");
    assert_eq!(lost, 3);
    assert_eq!(count(&stream, MessageType::RefundEscalated), 1, "then handed to a person, once");
    assert_eq!(count(&stream, MessageType::PaymentRefunded), 0);
    let escalated = stream.iter().find_map(|e| match e.body {
        Message::RefundEscalated { attempts } => Some(attempts),
        _ => None,
    });
    assert_eq!(escalated, Some(3));
    let report = brigade::report::Report::of(&w);
    assert_eq!((report.escalated, report.charged_not_served), (1, 0), "a known end state for the money");
    assert!(report.to_text().contains("refunds handed to a person"));
    assert!(w.is_idle(), "nothing more is asked");
    rules_hold(&w);
    replays(&w);

    // without a limit the same run asks for ever (the workshop's default, unchanged)
    let cooks = vec![CookSpec { name: "Slow".into(), ms: 600_000 }];
    let mut w = world(Config { orders: 1, dodgy: 1.0, cooks, ..Config::default() });
    assert_eq!(lose_every_refund(&mut w, 20), 20);
    assert!(!w.is_idle());
    assert_eq!(w.stats().escalated, 0);
}

#[test]
fn a_duplicated_cook_food_is_cooked_once_by_idempotent_cooks() {
    let run = |idempotent_cooks: bool| {
        let cfg = Config { orders: 1, idempotent_store: true, idempotent_cooks, ..Config::default() };
        let mut w = world(cfg);
        // the CookFood waiting for a cook is delivered twice
        step_until(&mut w, |w| {
            w.actors()
                .iter()
                .any(|a| matches!(a.kind, ActorKind::Cook(_)) && waiting(w, a.id, MessageType::CookFood).is_some())
        });
        let cook = w
            .actors()
            .iter()
            .find(|a| matches!(a.kind, ActorKind::Cook(_)) && waiting(&w, a.id, MessageType::CookFood).is_some())
            .unwrap()
            .id;
        let (seq, copy) = waiting(&w, cook, MessageType::CookFood).unwrap();
        w.act(Action::DuplicateMessage { seq: Some(seq), output: None, actor: name(&w, cook), copy: Some(copy) })
            .unwrap();
        w.run_to_idle();
        every_order_ends_once(&w);
        rules_hold(&w);
        replays(&w);
        w
    };
    let plain = run(false);
    let cooked: u32 = plain.stats().per_cook.iter().sum();
    assert_eq!(cooked, 2, "the idempotent store alone absorbs the answer, but the food is cooked twice");
    assert_eq!(plain.stats().absorbed, 1);
    let once = run(true);
    let cooked: u32 = once.stats().per_cook.iter().sum();
    assert_eq!(cooked, 1, "recognised by its id and cooked once");
    assert_eq!((once.stats().recognised, once.stats().absorbed), (1, 0));
    assert_eq!(faults(&once, Fault::Recognised), 1);
    assert_eq!(brigade::report::Report::of(&once).recognised, 1);
}

#[test]
fn a_poison_message_is_tried_again_then_dead_lettered_and_redelivered_by_hand() {
    let cfg = Config {
        orders: 1,
        dead_letters: true,
        cook_timeout_ms: 60_000,
        time_to_live_ms: Some(600_000),
        ..Config::default()
    };
    let mut w = world(cfg);
    let queue = id(&w, "dead letters");
    assert_eq!(w.actors()[queue as usize].kind, ActorKind::DeadLetters);
    step_until(&mut w, |w| {
        w.actors()
            .iter()
            .any(|a| matches!(a.kind, ActorKind::Cook(_)) && waiting(w, a.id, MessageType::CookFood).is_some())
    });
    let cook = w
        .actors()
        .iter()
        .find(|a| matches!(a.kind, ActorKind::Cook(_)) && waiting(&w, a.id, MessageType::CookFood).is_some())
        .unwrap()
        .id;
    let (seq, _) = waiting(&w, cook, MessageType::CookFood).unwrap();
    // a bad mark is refused and changes nothing
    assert!(w.act(Action::PoisonMessage { seq, actor: "waiter".into() }).unwrap_err().contains("worker"));
    assert!(w
        .act(Action::PoisonMessage { seq: seq + 100, actor: name(&w, cook) })
        .unwrap_err()
        .contains("not waiting"));
    w.act(Action::PoisonMessage { seq, actor: name(&w, cook) }).unwrap();
    step_until(&mut w, |w| w.stats().dead_lettered == 1);
    // tried three times (the first and two more, poison_retries' default), then set aside
    assert_eq!(faults(&w, Fault::Failed), 3);
    assert_eq!(faults(&w, Fault::DeadLettered), 1);
    assert_eq!(w.mailbox(queue), vec![(seq, 0)], "the dead letter waits in the queue");
    let letter = w
        .store()
        .messages()
        .find_map(|e| match e.body {
            Message::MessageDeadLettered(ref d) => Some(d.clone()),
            _ => None,
        })
        .expect("published");
    assert_eq!(
        (letter.attempts, letter.message_type, letter.worker.as_str()),
        (3, MessageType::CookFood, name(&w, cook).as_str())
    );
    assert_eq!(letter.message_id, w.store().get(seq as usize).unwrap().id);
    // nothing takes it from there on its own: the next thing due is the cooking alarm
    assert!(w.next_event_time().is_some_and(|t| t >= 60_000), "{:?}", w.next_event_time());
    assert!(w.act(Action::RedeliverMessage { seq: seq + 1 }).unwrap_err().contains("not in the dead-letter queue"));
    w.act(Action::RedeliverMessage { seq }).unwrap();
    assert!(w.mailbox(queue).is_empty());
    w.run_to_idle();
    assert_eq!(w.stats().completed, 1, "re-delivered, the order is cooked and goes on");
    assert_eq!(w.stats().redelivered, 1);
    every_order_ends_once(&w);
    rules_hold(&w);
    replays(&w);
}

#[test]
fn a_dish_nobody_can_cook_is_dead_lettered_and_its_orders_still_end_once() {
    let cfg = Config { orders: 30, interval_ms: 150, poison_dish: Some("fish and chips".into()), ..Config::default() };
    let mut w = world(cfg);
    w.run_to_idle();
    let s = w.stats().clone();
    assert!(s.dead_lettered > 0 && s.failed == s.dead_lettered * 3, "{s:?}");
    assert!(s.completed > 0 && s.completed + s.dropped_total() == 30);
    // the orders with the dish are exactly the ones dropped
    for stream in streams(&w).values() {
        let with_dish = matches!(&stream[0].body, Message::OrderPlaced { order }
            if order.items().iter().any(|l| l.dish().name == "fish and chips"));
        assert_eq!(count(stream, MessageType::OrderDropped) == 1, with_dish);
    }
    every_order_ends_once(&w);
    rules_hold(&w);
    replays(&w);
    assert!(Config::from_json(r#"{"poison_dish": "pizza"}"#).unwrap_err().to_string().contains("not on the menu"));
}

#[test]
fn a_seeded_poison_rate_is_recovered_by_retries_and_timeouts() {
    let cfg = Config { orders: 40, interval_ms: 100, poison: 0.3, ..Config::default() };
    let a = brigade::report::Report::of(&common::run(cfg.clone()));
    let b = common::run(cfg);
    assert_eq!(a, brigade::report::Report::of(&b), "the same seed fails the same deliveries");
    assert!(b.stats().failed > 10 && b.stats().dead_lettered > 0, "{:?}", b.stats());
    assert_eq!(b.stats().completed + b.stats().dropped_total(), 40);
    every_order_ends_once(&b);
    rules_hold(&b);
    replays(&b);
}

/// A cook with a message in hand and more waiting.
fn busy_cook_with_mail(w: &mut World) -> u16 {
    step_until(w, |w| {
        w.actors()
            .iter()
            .any(|a| matches!(a.kind, ActorKind::Cook(_)) && w.mailbox(a.id).len() >= 2 && w.busy_until(a.id) > w.now())
    });
    let busy = |a: &brigade::sim::ActorInfo| w.mailbox(a.id).len() >= 2 && w.busy_until(a.id) > w.now();
    w.actors().iter().find(|a| matches!(a.kind, ActorKind::Cook(_)) && busy(a)).unwrap().id
}

#[test]
fn a_crashed_cook_loses_its_mailbox_unless_it_is_durable() {
    let run = |durable_mailboxes: bool| {
        let cfg = Config { orders: 12, durable_mailboxes, ..Config::default() };
        let mut w = world(cfg);
        let cook = busy_cook_with_mail(&mut w);
        let waiting = w.mailbox(cook).len();
        w.act(Action::Crash { actor: name(&w, cook) }).unwrap();
        let after = w.mailbox(cook).len();
        w.run_to_idle();
        every_order_ends_once(&w);
        rules_hold(&w);
        replays(&w);
        (w, waiting, after)
    };
    let (lost, waiting, after) = run(false);
    assert_eq!(after, 0, "the mailbox is gone");
    assert_eq!(lost.stats().crashes, 1);
    assert!(lost.stats().lost_in_crashes as usize >= waiting, "what waited is lost, and what was in hand");
    assert_eq!(faults(&lost, Fault::Crash), lost.stats().lost_in_crashes as usize);
    assert!(lost.stats().retries > 0, "the process managers' timeouts bring the work back");
    let (kept, waiting, after) = run(true);
    assert_eq!(after, waiting + 1, "durable: the mailbox stays, and the message in hand is back at its head");
    assert_eq!(kept.stats().lost_in_crashes, 0);
    assert_eq!(kept.stats().completed, 12);
    assert!(World::new(Config::default()).unwrap().act(Action::Crash { actor: "nobody".into() }).is_err());
}

#[test]
fn a_cached_house_reads_its_process_managers_back_after_a_crash_and_decides_the_same() {
    let run = |house: HouseMode| {
        let cfg =
            Config { orders: 20, interval_ms: 50, drop: 0.1, durable_mailboxes: true, house, ..Config::default() };
        let mut w = world(cfg);
        step_until(&mut w, |w| w.stats().placed >= 10 && w.stats().completed >= 2);
        w.act(Action::Crash { actor: "house".into() }).unwrap();
        w.run_to_idle();
        every_order_ends_once(&w);
        rules_hold(&w);
        replays(&w);
        w
    };
    let cached = run(HouseMode::Cached);
    let rebuilt = run(HouseMode::Rebuild);
    assert!(cached.stats().rebuilt > 0, "the cached house lost live process managers");
    assert_eq!(rebuilt.stats().rebuilt, 0, "the rebuilding house keeps nothing it could lose");
    let history = |w: &World| w.store().messages().map(|e| (e.id, e.message_type())).collect::<Vec<_>>();
    assert_eq!(history(&cached), history(&rebuilt), "read back from the store, it decides exactly the same");
}

#[test]
fn an_alarm_clock_crash_loses_its_alarms_and_strands_an_order_unless_they_are_durable() {
    let run = |durable_timers: bool| {
        let cfg = Config { orders: 1, durable_timers, ..Config::default() };
        let mut w = world(cfg);
        // the CookFood is lost: only its alarm can bring it back
        step_until(&mut w, |w| {
            w.actors()
                .iter()
                .any(|a| matches!(a.kind, ActorKind::Cook(_)) && waiting(w, a.id, MessageType::CookFood).is_some())
        });
        let cook = w
            .actors()
            .iter()
            .find(|a| matches!(a.kind, ActorKind::Cook(_)) && waiting(&w, a.id, MessageType::CookFood).is_some())
            .unwrap()
            .id;
        let (seq, copy) = waiting(&w, cook, MessageType::CookFood).unwrap();
        w.act(Action::DropMessage { seq: Some(seq), output: None, actor: name(&w, cook), copy: Some(copy) }).unwrap();
        // the alarm clock has taken the cooking alarm: it holds it, and nothing else does
        let clock = id(&w, "alarm clock");
        step_until(&mut w, |w| {
            w.mailbox(clock).is_empty() && w.store().messages().any(|e| e.message_type() == MessageType::PublishAt)
        });
        w.act(Action::Crash { actor: "alarm clock".into() }).unwrap();
        w.run_to_idle();
        replays(&w);
        w
    };
    let stranded = run(false);
    assert!(stranded.stats().lost_in_crashes >= 1);
    assert_eq!(stranded.stats().completed + stranded.stats().dropped_total(), 0, "the order waits for ever");
    let broken = rules::at_end(&stranded).expect("a rule is broken");
    let broken = format!("{broken:?}");
    assert!(broken.contains("OneTerminal") || broken.contains("stuck"), "{broken}");
    let held = run(true);
    assert_eq!(held.stats().lost_in_crashes, 0);
    assert_eq!(held.stats().completed, 1, "the alarm rings when the clock is back, and the cook is asked again");
    rules_hold(&held);
}

#[test]
fn a_seeded_crash_rate_with_durable_mailboxes_and_timers_ends_every_order() {
    let cfg = Config {
        orders: 60,
        interval_ms: 80,
        crash: 0.05,
        durable_mailboxes: true,
        durable_timers: true,
        house: HouseMode::Cached,
        ..Config::default()
    };
    let w = common::run(cfg);
    assert!(w.stats().crashes > 3, "{:?}", w.stats());
    assert_eq!(w.stats().lost_in_crashes, 0, "nothing durable is lost");
    assert_eq!(w.stats().completed + w.stats().dropped_total(), 60);
    every_order_ends_once(&w);
    rules_hold(&w);
    replays(&w);
}

#[test]
fn the_explorer_finds_the_shortest_crash_that_strands_an_order_and_durable_timers_hold() {
    use brigade::explore::{Explorer, Limits, Verdict};
    let limits = Limits { crashes: true, max_fates: 3, ..Limits::for_orders(1) };
    let cfg = Config { orders: 1, ..Config::default() };
    let mut explorer = Explorer::new(&cfg, Vec::new(), limits).unwrap();
    let Verdict::Broken(example) = explorer.run(|_| false).clone() else { panic!("a rule breaks") };
    assert_eq!(example.fates, 2, "a lost delivery and a crash of the alarm clock");
    assert!(format!("{:?}", example.broken).contains("OneTerminalEvent"));
    let crashes: Vec<&Action> =
        example.inputs.iter().map(|i| &i.action).filter(|a| matches!(a, Action::Crash { .. })).collect();
    assert_eq!(crashes, [&Action::Crash { actor: "alarm clock".into() }]);
    // the schedule replays: its run file re-imports byte for byte
    let world = brigade::explore::replay_with(explorer.config(), None, &example).unwrap();
    replays(&world);
    assert!(!world.is_idle() || world.stats().completed + world.stats().dropped_total() == 0);

    // the same search without crashes holds; with durable timers and mailboxes, crashes too
    let mut plain = Explorer::new(&cfg, Vec::new(), Limits { crashes: false, ..limits }).unwrap();
    assert_eq!(plain.run(|_| false), &Verdict::Holds);
    let durable = Config { durable_timers: true, durable_mailboxes: true, ..cfg };
    let mut explorer = Explorer::new(&durable, Vec::new(), limits).unwrap();
    assert_eq!(explorer.run(|_| false), &Verdict::Holds);

    // the command line says so
    let (text, code) =
        brigade::explore::command::run_with(&Config { orders: 1, ..Config::default() }, false, true).expect("runs");
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("the alarm clock crashes") && text.contains("is stuck"), "{text}");
}

#[test]
fn the_command_line_takes_the_failures_and_refuses_bad_ones() {
    let brigade = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_brigade")).args(args).output().expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, text, _) = brigade(&["--orders", "20", "--poison-dish", "fish and chips", "--poison-retries", "1"]);
    assert_eq!(code, Some(0));
    assert!(text.contains("dead-lettered") && text.contains("failed deliveries"), "{text}");
    let (code, text, _) = brigade(&["--orders", "30", "--crash", "0.1", "--durable-mailboxes", "--format", "json"]);
    assert_eq!(code, Some(0));
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(file["config"]["crash"], 0.1);
    assert_eq!(file["config"]["durable_mailboxes"], true);
    assert!(file["config"].get("durable_timers").is_none(), "a default is not written");
    assert!(file["report"]["crashes"].as_u64().is_some_and(|n| n > 0));
    for (args, says) in [
        (vec!["--crash", "2"], "--crash"),
        (vec!["--poison-dish", "pizza"], "not on the menu"),
        (vec!["--poison-retries", "11"], "at most 10"),
        (vec!["--refund-attempts", "0"], "1..=1000"),
        (vec!["--restart-ms", "0"], "--restart-ms"),
        (vec!["--explore-crashes"], "give --explore too"),
    ] {
        let (code, _, err) = brigade(&args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let (code, text, _) = brigade(&["--orders", "1", "--explore", "--explore-crashes"]);
    assert_eq!(code, Some(1));
    assert!(text.contains("the alarm clock crashes"), "{text}");
}
