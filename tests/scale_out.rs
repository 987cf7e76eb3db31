//! Any worker scaled out: several assistant managers and cashiers share their role's work
//! behind the cooks' dispatch strategy, and a person sends away, brings back and hires any
//! worker, as for cooks.

use brigade::message::MessageType;
use brigade::report::Report;
use brigade::run_file;
use brigade::scenario::{Config, Dispatch};
use brigade::sim::{Action, Input, World};
use std::collections::{BTreeMap, HashSet};

/// Who handled each message of type `t`, in the order they took them.
fn handlers(world: &mut World, t: MessageType) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(step) = world.step() {
        if let Some(seq) = step.seq {
            if world.store().message_type(seq as usize) == Some(t) {
                out.push(world.actors()[step.actor as usize].name.clone());
            }
        }
    }
    out
}

/// Orders that ended, by correlation id: how many terminal events each has.
fn ends(world: &World) -> BTreeMap<uuid::Uuid, usize> {
    let mut ends = BTreeMap::new();
    for e in world.store().messages() {
        if matches!(e.message_type(), MessageType::OrderCompleted | MessageType::OrderDropped) {
            *ends.entry(e.correlation_id).or_insert(0) += 1;
        }
    }
    ends
}

fn slow_pricing(assistant_managers: u8) -> Config {
    Config { orders: 40, assistant_manager_ms: 400, assistant_managers, ..Config::default() }
}

#[test]
fn two_assistant_managers_share_the_pricing_and_more_orders_complete() {
    let one = Report::of(&{
        let mut w = World::new(slow_pricing(1)).unwrap();
        w.run_to_idle();
        w
    });
    let mut world = World::new(slow_pricing(2)).unwrap();
    world.run_to_idle();
    let two = Report::of(&world);
    assert_eq!(world.actors().iter().filter(|a| a.name.starts_with("assistant manager")).count(), 2);
    let (a, b) = (&two.load["assistant manager"], &two.load["assistant manager 2"]);
    assert!(a.taken > 10 && b.taken > 10, "both price: {} and {}", a.taken, b.taken);
    let priced = world.store().messages().filter(|e| e.message_type() == MessageType::PriceOrder).count();
    assert_eq!((a.taken + b.taken) as usize, priced, "each PriceOrder reaches one of them, once");
    assert!(
        two.completed > one.completed + 10,
        "a second assistant manager rescues orders: {} completed with one, {} with two",
        one.completed,
        two.completed
    );
}

#[test]
fn round_robin_alternates_the_assistant_managers() {
    let cfg = Config { dispatch: Dispatch::RoundRobin, assistant_managers: 2, ..Config::default() };
    let pricing = handlers(&mut World::new(cfg).unwrap(), MessageType::PriceOrder);
    assert_eq!(pricing.len(), 10);
    for (i, who) in pricing.iter().enumerate() {
        let want = if i % 2 == 0 { "assistant manager" } else { "assistant manager 2" };
        assert_eq!(who, want, "PriceOrder {i}");
    }
}

#[test]
fn each_orders_payments_go_to_one_cashier_and_every_cashier_takes_some() {
    // duplicated deliveries and retries: an order's payments arrive more than once
    let cfg = Config {
        orders: 40,
        cashiers: 3,
        duplicate: 0.3,
        seed: 5,
        dispatch: Dispatch::RoundRobin,
        ..Config::default()
    };
    let mut world = World::new(cfg).unwrap();
    let mut by_order: BTreeMap<uuid::Uuid, HashSet<String>> = BTreeMap::new();
    while let Some(step) = world.step() {
        let Some(seq) = step.seq else { continue };
        let env = world.store().get(seq as usize).unwrap();
        if matches!(env.message_type(), MessageType::TakePayment | MessageType::RefundPayment) {
            by_order.entry(env.correlation_id).or_default().insert(world.actors()[step.actor as usize].name.clone());
        }
    }
    assert!(by_order.len() >= 30, "most orders reach the till: {}", by_order.len());
    assert!(by_order.values().all(|c| c.len() == 1), "one cashier per order: {by_order:?}");
    let cashiers: HashSet<&String> = by_order.values().flatten().collect();
    assert_eq!(cashiers.len(), 3, "{cashiers:?}");
    let report = Report::of(&world);
    assert_eq!(report.charged, report.completed + report.charged_not_served);
}

#[test]
fn prefer_first_keeps_the_first_assistant_manager_busy_while_it_has_room() {
    // quick pricing: the first one never has a queue, and takes every order
    let cfg = Config { dispatch: Dispatch::PreferFirst, assistant_managers: 2, ..Config::default() };
    let pricing = handlers(&mut World::new(cfg).unwrap(), MessageType::PriceOrder);
    assert!(pricing.len() == 10 && pricing.iter().all(|w| w == "assistant manager"), "{pricing:?}");
    // slow pricing and a queue limit of 2: the second takes only what finds the first full
    let cfg = Config { queue_limit: 2, ..slow_pricing(2) };
    let cfg = Config { dispatch: Dispatch::PreferFirst, ..cfg };
    let pricing = handlers(&mut World::new(cfg).unwrap(), MessageType::PriceOrder);
    let first = pricing.iter().filter(|w| *w == "assistant manager").count();
    assert!(first > pricing.len() - first && first < pricing.len(), "{pricing:?}");
}

#[test]
fn a_worker_sent_away_loses_its_mail_and_the_others_take_the_work() {
    let cfg = Config { assistant_managers: 2, dispatch: Dispatch::RoundRobin, ..Config::default() };
    let inputs = vec![Input { step: 0, action: Action::WorkerLeaves { worker: "assistant manager 2".into() } }];
    let mut world = World::with_inputs(cfg, inputs).unwrap();
    let pricing = handlers(&mut world, MessageType::PriceOrder);
    assert!(pricing.iter().all(|w| w == "assistant manager"), "{pricing:?}");
    assert_eq!(Report::of(&world).completed, 10);

    // nobody left to price: every PriceOrder is lost, and every order still ends once
    let cfg = Config { orders: 3, ..Config::default() };
    let inputs = vec![Input { step: 0, action: Action::WorkerLeaves { worker: "Assistant Manager".into() } }];
    let mut world = World::with_inputs(cfg, inputs).unwrap();
    world.run_to_idle();
    let report = Report::of(&world);
    assert_eq!((report.completed, report.dropped), (0, 3));
    assert_eq!(report.dropped_by_reason.get("gave_up_pricing"), Some(&3));
    assert!(ends(&world).values().all(|&n| n == 1));
    assert!(world.faults().iter().all(|f| world.actors()[f.actor as usize].name == "assistant manager"));
}

#[test]
fn a_worker_comes_back_and_a_hired_one_shares_the_work() {
    let mut world = World::new(Config { orders: 30, interval_ms: 100, cashiers: 2, ..Config::default() }).unwrap();
    world.act(Action::WorkerLeaves { worker: "cashier 2".into() }).unwrap();
    assert!(world.act(Action::WorkerLeaves { worker: "cashier 2".into() }).unwrap_err().contains("already"));
    while world.now() < 1_000 && world.step().is_some() {}
    world.act(Action::WorkerReturns { worker: "cashier 2".into() }).unwrap();
    world.act(Action::HireWorker { role: "assistant-manager".into(), name: "Ada".into(), ms: 30 }).unwrap();
    world.act(Action::SetWorkerTime { worker: "cashier".into(), ms: 80 }).unwrap();
    world.run_to_idle();
    let report = Report::of(&world);
    assert_eq!(report.completed, 30);
    assert!(report.load["cashier 2"].taken > 0, "back at work");
    assert!(report.load["Ada"].taken > 0 && report.load["assistant manager"].taken > 0, "both price");

    // the run file carries the inputs: re-simulated, the same history
    let text = run_file::export(&world, None);
    let (again, _) = run_file::import(&text).unwrap_or_else(|e| panic!("re-imports: {e}"));
    assert_eq!(run_file::export(&again, None), text);
}

#[test]
fn bad_staff_changes_are_refused_with_the_reason() {
    let mut world = World::new(Config::default()).unwrap();
    let refuse = |world: &mut World, action: Action| world.act(action).unwrap_err();
    assert!(refuse(&mut world, Action::WorkerLeaves { worker: "house".into() }).contains("not a worker"));
    assert!(refuse(&mut world, Action::WorkerReturns { worker: "cashier".into() }).contains("at work"));
    assert!(refuse(&mut world, Action::WorkerLeaves { worker: "cashier".into() }).contains("last cashier"));
    assert!(refuse(&mut world, Action::WorkerLeaves { worker: "nobody".into() }).contains("no worker"));
    let hire = |role: &str, name: &str| Action::HireWorker { role: role.into(), name: name.into(), ms: 10 };
    assert!(refuse(&mut world, hire("waiter", "Wim")).contains("cannot be hired"));
    assert!(refuse(&mut world, hire("cashier", "Koen")).contains("taken"));
    assert!(refuse(&mut world, hire("cashier", "cashier 2")).contains("second"));
    for n in 2..=8 {
        world.act(hire("cashier", &format!("C{n}"))).unwrap();
    }
    assert!(refuse(&mut world, hire("cashier", "C9")).contains("8 of the cashier"));
    // the config's counts
    for (cfg, field) in [
        (Config { assistant_managers: 0, ..Config::default() }, "assistant_managers"),
        (Config { cashiers: 9, ..Config::default() }, "cashiers"),
    ] {
        assert_eq!(cfg.validate().unwrap_err().field, field);
    }
}

#[test]
fn one_of_each_writes_no_new_key_and_every_worker_has_its_own_name() {
    let text = serde_json::to_string(&Config::default()).unwrap();
    assert!(!text.contains("assistant_managers") && !text.contains("cashiers"));
    let cfg = Config { assistant_managers: 3, cashiers: 2, ..Config::default() };
    let text = serde_json::to_string(&cfg).unwrap();
    assert!(text.contains("\"assistant_managers\":3") && text.contains("\"cashiers\":2"));
    let world = World::new(cfg).unwrap();
    let names: HashSet<&str> = world.actors().iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names.len(), world.actors().len());
    for name in ["assistant manager 2", "assistant manager 3", "cashier 2"] {
        assert!(names.contains(name), "{name}");
    }
}

#[test]
fn the_cashiers_share_one_till_so_a_refund_reaches_the_payment_whoever_took_it() {
    // pay-first orders whose food is shed at a full cook's mailbox are refunded; with three
    // cashiers each reads the one till (before, a cashier read only its own payments, and a
    // refund asked of another was refused as not paid, again and again, for ever)
    let cfg = Config {
        orders: 29,
        seed: 1,
        drop: 0.3,
        duplicate: 0.3,
        dodgy: 0.5,
        cashiers: 3,
        assistant_managers: 3,
        mailbox_limits: [(
            "cook".to_string(),
            brigade::mailbox_limit::MailboxLimit {
                max: 1,
                policy: brigade::mailbox_limit::Policy::DropOldest,
                max_age_ms: None,
            },
        )]
        .into_iter()
        .collect(),
        ..Config::default()
    };
    let mut world = World::new(cfg).unwrap();
    world.run_to_idle();
    let report = Report::of(&world);
    assert_eq!(report.completed + report.dropped, 29);
    assert!(report.refunded > 0, "some payments were refunded");
    assert_eq!(report.charged_not_served, 0, "every refund reached the till");
    assert!(world.now() < 60_000, "no refund is asked for ever: {} ms", world.now());
}
