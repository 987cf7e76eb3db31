//! Properties over many seeds, fault rates, customer mixes, dispatch kinds and process
//! versions: every order ends exactly once, nobody pays twice, flows keep their order,
//! retries stay bounded, and rebuilding any process from the store gives the decisions
//! of the live run, ids included.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use brigade::mailbox_limit::{MailboxLimit, MailboxLimits, Policy};
use brigade::message::{MessageType, WorkStep};
use brigade::process::replay::replay_store as replay;
use brigade::run_file;
use brigade::scenario::{Architecture, Config, Dispatch};
use brigade::sim::actor::HOUSE;
use brigade::sim::{Action, ActorKind, World};
use common::{count, first, run, streams};
use proptest::prelude::*;

fn config() -> impl Strategy<Value = Config> {
    (
        any::<u64>(),
        1u32..30,
        prop_oneof![Just(0u64), 20u64..300],
        0.0f64..=0.5,
        0.0f64..=0.5,
        0.0f64..=1.0,
        prop_oneof![
            Just(Dispatch::RoundRobin),
            Just(Dispatch::MoreFair),
            Just(Dispatch::Competing),
            Just(Dispatch::Pinned),
            Just(Dispatch::PreferFirst)
        ],
        1u8..=2,
        any::<bool>(),
        1u8..=3,
        1u8..=3,
        bound(),
    )
        .prop_map(
            |(
                seed,
                orders,
                interval_ms,
                drop,
                duplicate,
                dodgy,
                dispatch,
                process_version,
                idempotent_store,
                assistant_managers,
                cashiers,
                mailbox_limits,
            )| Config {
                seed,
                orders,
                interval_ms,
                drop,
                duplicate,
                dodgy,
                dispatch,
                process_version,
                idempotent_store,
                assistant_managers,
                cashiers,
                mailbox_limits,
                ..Config::default()
            },
        )
}

/// No bound (half the time), or one bound on a worker's mailboxes with any policy (and
/// perhaps an age), or a blocking one on the house's.
fn bound() -> impl Strategy<Value = MailboxLimits> {
    let policy = prop_oneof![Just(Policy::Block), Just(Policy::DropNewest), Just(Policy::DropOldest)];
    let role = prop_oneof![Just("cook"), Just("assistant-manager"), Just("cashier"), Just("house")];
    prop_oneof![
        Just(MailboxLimits::new()),
        (role, 1u32..6, policy, prop_oneof![Just(None), (100u64..3_000).prop_map(Some)]).prop_map(
            |(role, max, policy, age)| {
                let policy = if role == "house" { Policy::Block } else { policy };
                // a bound by age sheds: only on the workers
                let max_age_ms = if role == "house" { None } else { age };
                [(role.to_string(), MailboxLimit { max, policy, max_age_ms })].into_iter().collect()
            }
        ),
    ]
}

fn any_architecture() -> impl Strategy<Value = Config> {
    (config(), prop_oneof![Just(Architecture::Choreography), Just(Architecture::Commands)])
        .prop_map(|(cfg, architecture)| Config { architecture, ..cfg })
}

/// One manual input at a random moment: steps to take first, what to do, which message or
/// cook (an index into what is there), and a time.
#[derive(Debug, Clone)]
struct Manual {
    after: usize,
    kind: u8,
    pick: usize,
    ms: u64,
}

fn manuals() -> impl Strategy<Value = Vec<Manual>> {
    prop::collection::vec(
        (0usize..40, 0u8..10, any::<usize>(), 1u64..3_000).prop_map(|(after, kind, pick, ms)| Manual {
            after,
            kind,
            pick,
            ms,
        }),
        0..12,
    )
}

/// What `m` means in `world` as it stands, if it can mean anything there.
fn action_of(world: &World, m: &Manual, hired: &mut usize) -> Option<Action> {
    let name = |a: u16| world.actors()[a as usize].name.clone();
    let cooks: Vec<(u16, bool)> =
        world.actors().iter().filter_map(|a| world.cook_state(a.id).map(|(_, on_duty)| (a.id, on_duty))).collect();
    let others: Vec<(u16, bool)> = world
        .actors()
        .iter()
        .filter(|a| matches!(a.kind, ActorKind::AssistantManager | ActorKind::Cashier))
        .filter_map(|a| world.worker_state(a.id).map(|(_, at_work)| (a.id, at_work)))
        .collect();
    let pick = |list: Vec<u16>| (!list.is_empty()).then(|| list[m.pick % list.len()]);
    match m.kind {
        0..=2 => {
            let q: Vec<_> = world.queued().into_iter().filter(|q| q.changeable).collect();
            let q = q.get(m.pick % q.len().max(1))?.clone();
            let copy = q.seq.map(|_| q.copy);
            let (seq, output, actor) = (q.seq, q.output, name(q.actor));
            Some(match m.kind {
                0 => Action::DropMessage { seq, output, actor, copy },
                1 => Action::DuplicateMessage { seq, output, actor, copy },
                _ => Action::DelayMessage { seq, output, actor, copy, ms: m.ms },
            })
        }
        3 => pick(cooks.iter().filter(|c| c.1).map(|c| c.0).collect()).map(|c| Action::CookLeaves { cook: name(c) }),
        4 => pick(cooks.iter().filter(|c| !c.1).map(|c| c.0).collect()).map(|c| Action::CookReturns { cook: name(c) }),
        5 => {
            *hired += 1;
            Some(Action::HireCook { name: format!("Hired {hired}"), ms: 20 + m.ms % 800 })
        }
        6 => pick(cooks.iter().map(|c| c.0).collect()).map(|c| Action::SetCookTime { cook: name(c), ms: m.ms }),
        // any worker: sent away, back, hired
        7 => {
            pick(others.iter().filter(|w| w.1).map(|w| w.0).collect()).map(|w| Action::WorkerLeaves { worker: name(w) })
        }
        8 => pick(others.iter().filter(|w| !w.1).map(|w| w.0).collect())
            .map(|w| Action::WorkerReturns { worker: name(w) }),
        _ => {
            *hired += 1;
            let role = if m.pick % 2 == 0 { "assistant-manager" } else { "cashier" };
            Some(Action::HireWorker { role: role.into(), name: format!("Hired {hired}"), ms: 1 + m.ms % 300 })
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn manual_inputs_keep_the_process_managers_invariants_and_replay(cfg in config(), manual in manuals()) {
        let mut world = World::new(cfg.clone()).unwrap();
        let mut hired = 0;
        for m in &manual {
            for _ in 0..m.after {
                if world.step().is_none() {
                    break;
                }
            }
            let Some(action) = action_of(&world, m, &mut hired) else { continue };
            match world.act(action.clone()) {
                Ok(()) => {}
                // a delivery in flight whose fate was already chosen
                Err(e) => prop_assert!(e.contains("decided already") || e.contains("last cashier"), "{:?} refused: {}", action, e),
            }
        }
        world.run_to_idle();
        let s = world.stats();
        // a blocking bound turns customers away at the door: they never start
        prop_assert_eq!(s.placed + s.refused_at_door, cfg.orders);
        prop_assert_eq!(s.completed + s.dropped_total(), s.placed);
        prop_assert_eq!(world.live_processes(), 0, "the house is empty at idle");
        for stream in streams(&world).values() {
            let terminal = count(stream, MessageType::OrderCompleted) + count(stream, MessageType::OrderDropped);
            prop_assert_eq!(terminal, 1, "exactly one terminal event");
            let balance = count(stream, MessageType::OrderPaid) as i64 - count(stream, MessageType::PaymentRefunded) as i64;
            let completed = count(stream, MessageType::OrderCompleted) == 1;
            prop_assert_eq!(balance, completed as i64, "payments − refunds is 1 for a completed order, 0 otherwise");
            for env in stream.iter() {
                if let Some(attempt) = env.body.attempt() {
                    prop_assert!((1..=4).contains(&attempt), "at most 3 retries of a step");
                }
            }
        }
        let text = run_file::export(&world, None);
        let again = run_file::import(&text);
        prop_assert!(again.is_ok(), "re-imports: {:?}", again.err());
        let (again, _) = again.unwrap();
        prop_assert!(run_file::export(&again, None) == text, "replays byte-identically");
    }

    #[test]
    fn every_run_keeps_the_workshop_invariants(cfg in config()) {
        let world = run(cfg.clone());
        let s = world.stats();
        // a blocking bound turns customers away at the door: they never start
        prop_assert_eq!(s.placed + s.refused_at_door, cfg.orders);
        prop_assert_eq!(s.completed + s.dropped_total(), s.placed);
        prop_assert_eq!(world.live_processes(), 0, "the house is empty at idle");
        // bounded simulated time: 4 attempts of each of 3 steps, plus the time to live,
        // plus refunds (asked until answered; 40 attempts cover any sane loss rate)
        let bound = cfg.orders as u64 * cfg.interval_ms + 3 * 4 * 2_500 + 6_000 + 60_000 + 40 * 1_000;
        prop_assert!(world.now() <= bound, "ran until {} ms", world.now());

        let all = streams(&world);
        prop_assert_eq!(all.len(), s.placed as usize);
        let store = world.store();
        for corr in store.orders() {
            let seqs = store.stream(corr);
            let ended = seqs.iter().position(|&s| store.get(s as usize).unwrap().message_type().is_terminal()).unwrap();
            for &s in &seqs[ended + 1..] {
                let t = store.get(s as usize).unwrap().message_type();
                if store.publisher(s as usize) == Some(HOUSE) {
                    prop_assert!(
                        matches!(t, MessageType::RefundPayment | MessageType::PublishAt | MessageType::MessageRejected),
                        "a process sends nothing after the end but refunds, alarms and rejections, sent {:?}", t
                    );
                }
            }
        }
        for stream in all.values() {
            let terminal = count(stream, MessageType::OrderCompleted) + count(stream, MessageType::OrderDropped);
            prop_assert_eq!(terminal, 1, "exactly one terminal event");
            let balance = count(stream, MessageType::OrderPaid) as i64 - count(stream, MessageType::PaymentRefunded) as i64;
            let completed = count(stream, MessageType::OrderCompleted) == 1;
            prop_assert_eq!(balance, completed as i64, "payments − refunds is 1 for a completed order, 0 otherwise");
            if let Some(done) = first(stream, MessageType::OrderCompleted) {
                for needed in [MessageType::FoodCooked, MessageType::OrderPriced, MessageType::OrderPaid] {
                    prop_assert!(first(stream, needed).is_some_and(|i| i < done), "{:?} before OrderCompleted", needed);
                }
            }
            let dodgy = stream[0].body.order().is_some_and(|o| o.dodgy);
            if dodgy {
                let paid = first(stream, MessageType::OrderPaid).unwrap_or(usize::MAX);
                for t in [MessageType::CookFood, MessageType::FoodCooked] {
                    if let Some(i) = first(stream, t) {
                        prop_assert!(i > paid, "a pay-first order is never cooked before it is paid");
                    }
                }
            }
            for env in stream.iter() {
                if let Some(attempt) = env.body.attempt() {
                    prop_assert!((1..=4).contains(&attempt), "at most 3 retries of a step");
                }
                if let Some(cause) = env.causation() {
                    let before = stream.iter().take_while(|e| e.id != env.id).any(|e| e.id == cause);
                    prop_assert!(before, "causation names an earlier message of the same order");
                } else {
                    prop_assert_eq!(env.message_type(), MessageType::OrderPlaced);
                }
            }
            let retried_non_cook = stream.iter().any(|e| {
                e.body.attempt().is_some_and(|a| a > 1)
                    && matches!(e.message_type(), MessageType::PriceOrder | MessageType::TakePayment)
            });
            let started_v1 = stream.iter().any(|e| matches!(&e.body, brigade::message::Message::ProcessStarted { version: 1, .. }));
            prop_assert!(!(started_v1 && retried_non_cook), "version 1 retries only cooking");
        }
    }

    #[test]
    fn manual_inputs_without_process_managers_end_each_order_at_most_once_and_replay(
        cfg in any_architecture(),
        manual in manuals(),
    ) {
        let mut world = World::new(cfg.clone()).unwrap();
        let mut hired = 0;
        for m in &manual {
            for _ in 0..m.after {
                if world.step().is_none() {
                    break;
                }
            }
            let Some(action) = action_of(&world, m, &mut hired) else { continue };
            if let Err(e) = world.act(action.clone()) {
                prop_assert!(e.contains("decided already") || e.contains("last cashier"), "{:?} refused: {}", action, e);
            }
        }
        world.run_to_idle();
        let report = brigade::report::Report::of(&world);
        prop_assert_eq!(
            report.completed + report.dropped + report.stuck + report.refused_at_door,
            cfg.orders,
            "lost work leaves orders stuck (and a blocking bound turns customers away)"
        );
        for stream in streams(&world).values() {
            let terminal = count(stream, MessageType::OrderCompleted) + count(stream, MessageType::OrderDropped);
            prop_assert!(terminal <= 1, "at most one terminal event");
        }
        let text = run_file::export(&world, None);
        let again = run_file::import(&text);
        prop_assert!(again.is_ok(), "re-imports: {:?}", again.err());
        prop_assert!(run_file::export(&again.unwrap().0, None) == text, "replays byte-identically");
    }

    #[test]
    fn without_process_managers_every_order_ends_once_or_is_stuck(cfg in any_architecture()) {
        let world = run(cfg.clone());
        let report = brigade::report::Report::of(&world);
        prop_assert_eq!(report.orders + report.refused_at_door, cfg.orders);
        prop_assert_eq!(report.completed + report.dropped + report.stuck, report.orders);
        prop_assert_eq!(report.in_progress, 0);
        let ids: std::collections::HashSet<_> = world.store().messages().map(|e| e.id).collect();
        prop_assert_eq!(ids.len(), world.store().len(), "ids are unique");
        for stream in streams(&world).values() {
            let terminal = count(stream, MessageType::OrderCompleted) + count(stream, MessageType::OrderDropped);
            prop_assert!(terminal <= 1, "at most one terminal event");
        }
        // the cashier never charges twice, whatever the wiring; every charge is an
        // `OrderPaid` (with commands, pay-first, beside the `CookFood` it passes on), and the
        // report's money matches the orders'
        let store = world.store();
        let cashiers: Vec<u16> = world.actors().iter().filter(|a| a.kind == ActorKind::Cashier).map(|a| a.id).collect();
        let by_a_cashier = |s: u32| store.publisher(s as usize).is_some_and(|p| cashiers.contains(&p));
        let (mut charged, mut not_served) = (0, 0);
        for corr in store.orders() {
            let stream: Vec<_> = store.stream(corr).iter().map(|&s| (s, store.get(s as usize).unwrap())).collect();
            let by_cashier = |t: MessageType| {
                stream.iter().filter(|(s, e)| by_a_cashier(*s) && e.message_type() == t).count()
            };
            let charges = by_cashier(MessageType::OrderPaid);
            prop_assert!(charges <= 1, "charged once");
            let paid_documents = stream
                .iter()
                .filter(|(s, e)| by_a_cashier(*s) && e.body.order().is_some_and(|o| o.paid))
                .count();
            prop_assert_eq!(paid_documents, charges * (1 + (cfg.architecture == Architecture::Commands && stream[0].1.body.order().is_some_and(|o| o.dodgy)) as usize));
            let completed = stream.iter().any(|(_, e)| e.message_type() == MessageType::OrderCompleted);
            if completed {
                prop_assert_eq!(charges, 1, "a completed order was paid (its OrderPaid)");
            }
            charged += (charges > 0) as u32;
            not_served += (charges > by_cashier(MessageType::PaymentRefunded) && !completed) as u32;
        }
        prop_assert_eq!((report.charged, report.charged_not_served), (charged, not_served));
    }

    #[test]
    fn rebuilding_any_process_gives_the_live_decisions(cfg in config()) {
        let world = run(cfg);
        let store = world.store();
        for corr in store.orders() {
            let r = replay(store, world.house(), corr, None, None, world.params()).unwrap();
            prop_assert!(!r.steps.is_empty());
            for step in &r.steps {
                prop_assert!(step.same_as_history, "order {} diverged at seq {}", corr, step.seq);
            }
            let last = r.steps.last().unwrap();
            prop_assert!(last.state.outcome.is_some() || last.state.awaiting.is_some());
        }
    }
}

#[test]
fn reinterpreting_a_history_under_another_version_shows_where_decisions_differ() {
    // all pricing lost: version 2 retries the price, version 1 would have given up
    let mut cfg = Config { orders: 1, ..Config::default() };
    let mut found = false;
    for seed in 0..200 {
        cfg.seed = seed;
        cfg.drop = 0.5;
        let world = run(cfg.clone());
        let store = world.store();
        let corr = *store.orders().next().unwrap();
        let stream: Vec<_> = store.stream(&corr).iter().map(|&s| store.get(s as usize).unwrap()).collect();
        let price_retry =
            stream.iter().any(|e| e.message_type() == MessageType::PriceOrder && e.body.attempt() == Some(2));
        if !price_retry {
            continue;
        }
        let v2 = replay(store, world.house(), &corr, None, Some(2), world.params()).unwrap();
        let v1 = replay(store, world.house(), &corr, None, Some(1), world.params()).unwrap();
        assert!(v2.steps.iter().all(|s| s.same_as_history));
        let differs = v1.steps.iter().find(|s| !s.same_as_history).expect("version 1 decides differently");
        assert_eq!(differs.message.body, brigade::message::Message::StepTimedOut { step: WorkStep::Price, attempt: 1 });
        assert_eq!(differs.decided[0].message_type(), MessageType::OrderDropped);
        found = true;
        break;
    }
    assert!(found, "some seed loses a price");
}

/// The failures of a real kitchen drawn at random: seeded crashes of the workers and
/// poison, a dish nobody cooks, idempotent cooks, refunds handed to a person, the house's
/// mode, what is durable, and crashes by hand of any actor at random moments.
#[derive(Debug, Clone)]
struct Failures {
    crash: f64,
    poison: f64,
    poison_dish: bool,
    idempotent_cooks: bool,
    refund_attempts: Option<u32>,
    cached: bool,
    durable: (bool, bool),
    crashes: Vec<(usize, usize)>,
}

fn failures() -> impl Strategy<Value = Failures> {
    (
        prop_oneof![Just(0.0), 0.0f64..0.15],
        prop_oneof![Just(0.0), 0.0f64..0.2],
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(None), (1u32..4).prop_map(Some)],
        any::<bool>(),
        (any::<bool>(), any::<bool>()),
        prop::collection::vec((0usize..60, any::<usize>()), 0..4),
    )
        .prop_map(|(crash, poison, poison_dish, idempotent_cooks, refund_attempts, cached, durable, crashes)| {
            Failures { crash, poison, poison_dish, idempotent_cooks, refund_attempts, cached, durable, crashes }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every order ends at most once, and exactly once when what a crash can lose is
    /// durable (nothing durable is lost); nobody pays twice; payments − refunds (a refund
    /// handed to a person counting as one) is 1 for a completed order and, when what a
    /// crash can lose is durable, 0 for an ended other; the run replays byte for byte.
    #[test]
    fn crashes_and_poison_keep_the_invariants_and_replay(cfg in config(), f in failures()) {
        let cfg = Config {
            crash: f.crash,
            poison: f.poison,
            poison_dish: f.poison_dish.then(|| "meatballs".to_string()),
            idempotent_cooks: f.idempotent_cooks,
            refund_attempts: f.refund_attempts,
            house: if f.cached { brigade::scenario::HouseMode::Cached } else { brigade::scenario::HouseMode::Rebuild },
            durable_mailboxes: f.durable.0,
            durable_timers: f.durable.1,
            ..cfg
        };
        let mut world = World::new(cfg.clone()).unwrap();
        for &(after, pick) in &f.crashes {
            for _ in 0..after {
                if world.step().is_none() {
                    break;
                }
            }
            let actor = world.actors()[pick % world.actors().len()].name.clone();
            let crashed = world.act(Action::Crash { actor });
            prop_assert!(crashed.is_ok(), "{:?}", crashed);
        }
        world.run_to_idle();
        let s = world.stats().clone();
        let durable = cfg.durable_mailboxes && cfg.durable_timers;
        if durable {
            prop_assert_eq!(s.lost_in_crashes, 0, "nothing durable is lost");
        }
        for stream in streams(&world).values() {
            let terminal = count(stream, MessageType::OrderCompleted) + count(stream, MessageType::OrderDropped);
            prop_assert!(terminal <= 1, "at most one terminal event");
            if durable {
                prop_assert_eq!(terminal, 1, "with durable mailboxes and timers every order ends");
            }
            let mut balance = 0i64;
            for env in stream.iter() {
                match env.message_type() {
                    MessageType::OrderPaid => balance += 1,
                    MessageType::PaymentRefunded => balance -= 1,
                    _ => {}
                }
                prop_assert!(balance <= 1, "never charged twice");
            }
            let completed = count(stream, MessageType::OrderCompleted) == 1;
            // a refund handed to a person settles what is still owed, if anything
            if count(stream, MessageType::RefundEscalated) > 0 && balance > completed as i64 {
                balance -= 1;
            }
            prop_assert!(balance >= completed as i64, "a completed order was paid, and nobody is refunded twice");
            if terminal == 1 && durable {
                // a refund's alarm lost with a crashed alarm clock is never asked again
                prop_assert_eq!(balance, completed as i64, "payments − refunds is 1 for a completed order, 0 otherwise");
            }
        }
        let text = run_file::export(&world, None);
        let again = run_file::import(&text);
        prop_assert!(again.is_ok(), "re-imports: {:?}", again.err());
        let (again, _) = again.unwrap();
        prop_assert!(run_file::export(&again, None) == text, "replays byte-identically");
    }
}
