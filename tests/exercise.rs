//! Exercise mode, engine side: a process manager whose decisions come from a function.

mod common;

use brigade::process::custom::{CustomProcess, CustomScope};
use brigade::run_file;
use brigade::scenario::Config;
use brigade::sim::World;
use common::reference::reference;
use serde_json::{json, Value};
use std::cell::Cell;
use std::rc::Rc;

/// A world of `cfg` whose orders in `scope` the learner's `process` runs.
fn with_custom(cfg: Config, scope: CustomScope, process: &CustomProcess) -> World {
    World::new(Config { custom_process: scope, ..cfg }).unwrap().with_custom_process(process.clone())
}

/// A world at step 0: of a config, or one already built.
trait Start {
    fn world(self) -> World;
}

impl Start for Config {
    fn world(self) -> World {
        World::new(self).unwrap()
    }
}

impl Start for World {
    fn world(self) -> World {
        self
    }
}

fn history(world: &World) -> Vec<Value> {
    let v: Value = serde_json::from_str(&run_file::export(world, None)).unwrap();
    v["history"].as_array().unwrap().clone()
}

fn run(start: impl Start) -> World {
    let mut world = start.world();
    world.run_to_idle();
    world
}

/// The custom run's history with its `ProcessStarted` naming pay-last (no dodgy customers
/// in these runs): the only difference allowed.
fn as_builtin(mut h: Vec<Value>) -> (Vec<Value>, usize) {
    let mut customs = 0;
    for e in &mut h {
        if e["type"] == "ProcessStarted" && e["definition"] == "custom" {
            customs += 1;
            e["definition"] = json!("pay-last");
        }
    }
    (h, customs)
}

#[test]
fn the_reference_closure_reproduces_the_builtin_history() {
    let presets = Config::presets();
    for (name, _, cfg) in presets.into_iter().filter(|(n, _, _)| ["reference", "chaos", "slow-cook"].contains(n)) {
        let builtin = history(&run(cfg.clone()));
        let process = CustomProcess::new(reference);
        let world = run(with_custom(cfg, CustomScope::All, &process));
        assert_eq!(process.failure(), None, "{name}");
        let (custom, customs) = as_builtin(history(&world));
        assert!(customs > 0, "{name}: the custom process ran no order");
        assert_eq!(custom.len(), builtin.len(), "{name}");
        for (c, b) in custom.iter().zip(&builtin) {
            assert_eq!(c, b, "{name}");
        }
    }
}

#[test]
fn dodgy_scope_runs_the_custom_process_for_dodgy_customers_only() {
    let cfg = Config { dodgy: 0.5, orders: 12, interval_ms: 150, ..Config::default() };
    let builtin = history(&run(cfg.clone()));
    let process = CustomProcess::new(reference);
    let world = run(with_custom(cfg, CustomScope::Dodgy, &process));
    assert_eq!(process.failure(), None);
    let h = history(&world);
    let started: Vec<&Value> = h.iter().filter(|e| e["type"] == "ProcessStarted").collect();
    let customs = started.iter().filter(|e| e["definition"] == "custom").count();
    let firsts = started.iter().filter(|e| e["definition"] == "pay-first").count();
    assert!(customs > 0 && firsts == 0, "dodgy orders run the custom process");
    assert!(started.iter().any(|e| e["definition"] == "pay-last"));
    let renamed: Vec<Value> = h
        .into_iter()
        .map(|mut e| {
            if e["definition"] == "custom" {
                e["definition"] = json!("pay-first");
            }
            e
        })
        .collect();
    assert_eq!(renamed, builtin);
}

#[test]
fn a_non_deterministic_process_is_caught_on_replay() {
    let calls = Rc::new(Cell::new(0u32));
    let c = calls.clone();
    // decides from a counter outside its state: the replay of a message differs
    let process = CustomProcess::new(move |state, m, cfg| {
        c.set(c.get() + 1);
        let mut answer = reference(state, m, cfg)?;
        if m["type"] == "OrderPlaced" {
            answer["state"]["noise"] = json!(c.get());
        }
        Ok(answer)
    });
    let world = run(with_custom(Config::default(), CustomScope::All, &process));
    let err = process.failure().expect("caught");
    assert!(err.starts_with("message "), "{err}");
    assert!(err.contains("(OrderPlaced) of order 2 at 0 ms: non-deterministic process: replaying message 1"), "{err}");
    assert!(err.contains("(OrderPlaced) decided state.noise = "), "{err}");
    assert!(err.contains(", the history says "), "{err}");
    assert!(calls.get() > 1);
    // the run stopped deciding: nothing completed
    assert_eq!(world.stats().completed, 0);
}

#[test]
fn a_non_deterministic_field_deep_in_the_state_is_named_first() {
    let calls = Rc::new(Cell::new(0u32));
    let c = calls.clone();
    // keeps a big document and changes one number deep inside it on every call
    let process = CustomProcess::new(move |state, m, cfg| {
        c.set(c.get() + 1);
        let mut answer = reference(state, m, cfg)?;
        if m["type"] == "OrderPlaced" {
            answer["state"]["kept"] = json!({ "notes": "x".repeat(400), "items": [{ "qty": 1 }, { "qty": c.get() }] });
        }
        Ok(answer)
    });
    run(with_custom(Config::default(), CustomScope::All, &process));
    let err = process.failure().expect("caught");
    // the path to the differing leaf and its two values, not two dumps cut before it
    assert!(err.contains("decided state.kept.items[1].qty = "), "{err}");
    assert!(!err.contains("xxxxxxxx"), "the long field that is the same is not shown: {err}");
}

#[test]
fn an_unknown_output_type_stops_the_run_with_a_clear_error() {
    let process = CustomProcess::new(|state, m, cfg| {
        let mut answer = reference(state, m, cfg)?;
        if m["type"] == "FoodCooked" {
            answer["send"][0]["type"] = json!("CookFod");
        }
        Ok(answer)
    });
    let world = run(with_custom(Config { orders: 2, ..Config::default() }, CustomScope::All, &process));
    let err = process.failure().expect("stopped");
    assert!(err.contains("(FoodCooked) of order"), "{err}");
    assert!(
        err.contains("send[0]: unknown message type \"CookFod\": a process manager sends one of CookFood,"),
        "{err}"
    );
    assert_eq!(world.stats().completed, 0);
}

#[test]
fn invalid_outputs_and_errors_name_the_message_and_the_mistake() {
    let cases: Vec<(Value, &str)> = vec![
        (json!({"state": 1, "send": [{"type": "CookFood", "attempt": 1}]}), "send[0]: `order` is missing"),
        (json!({"state": 1, "send": [{"type": "OrderDropped", "reason": "bored"}]}), "`reason` must be one of expired"),
        (json!({"state": 1, "send": {}}), "send must be an array"),
        (json!(7), "decide must return an object { state, send }"),
        (json!({"state": 1, "sent": []}), "unknown key `sent`"),
        (
            json!({"state": 1, "send": [{"type": "PublishAt", "after_ms": 5, "message": {"type": "CookFood"}}]}),
            "an alarm publishes a StepTimedOut",
        ),
        (
            json!({"state": 1, "send": [{"type": "OrderCompleted", "order": {"table": 1}}]}),
            "not a document this order received",
        ),
    ];
    for (answer, expected) in cases {
        let process = CustomProcess::new(move |_, _, _| Ok(answer.clone()));
        run(with_custom(Config { orders: 1, ..Config::default() }, CustomScope::All, &process));
        let err = process.failure().expect("stopped");
        assert!(err.starts_with("message 0 (OrderPlaced) of order 1 at 0 ms: "), "{err}");
        assert!(err.contains(expected), "{err} should say {expected}");
    }
    let process = CustomProcess::new(|_, _, _| Err("TypeError: state is null (line 3)".into()));
    run(with_custom(Config { orders: 1, ..Config::default() }, CustomScope::All, &process));
    assert_eq!(
        process.failure().unwrap(),
        "message 0 (OrderPlaced) of order 1 at 0 ms: decide failed: TypeError: state is null (line 3)"
    );
}

#[test]
fn a_custom_config_without_code_fails_clearly_and_the_config_round_trips() {
    let cfg = Config { custom_process: CustomScope::All, orders: 1, ..Config::default() };
    let world = run(cfg);
    assert_eq!(world.stats().completed, 0);
    let text = serde_json::to_string(&Config {
        custom_process: CustomScope::Dodgy,
        process_code: Some("function decide() {}".into()),
        ..Config::default()
    })
    .unwrap();
    let back = Config::from_json(&text).unwrap();
    assert_eq!(back.custom_process, CustomScope::Dodgy);
    assert_eq!(back.process_code.as_deref(), Some("function decide() {}"));
    // the default config writes neither key
    let plain = serde_json::to_string(&Config::default()).unwrap();
    assert!(!plain.contains("custom_process") && !plain.contains("process_code"));
    let err = Config::from_json(r#"{"custom_process": "some"}"#).unwrap_err();
    assert_eq!(err.field, "custom_process");
}

#[test]
fn the_cli_says_a_learners_process_runs_in_the_page() {
    let dir = std::env::temp_dir().join(format!("brigade-exercise-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.json");
    std::fs::write(&config, r#"{"custom_process": "all", "process_code": "function decide() {}"}"#).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_brigade")).arg("--config").arg(&config).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("runs in the page's exercise mode"), "{err}");

    // a run file made in the page: --check says where to check it
    let process = CustomProcess::new(reference);
    let cfg = Config { orders: 1, process_code: Some("function decide() {}".into()), ..Config::default() };
    let world = run(with_custom(cfg, CustomScope::All, &process));
    let file = dir.join("run.json");
    std::fs::write(&file, run_file::export(&world, None)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_brigade")).arg("--check").arg(&file).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("check it in the page"), "{err}");
    assert_ne!(out.status.code(), Some(0));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn recorded_decisions_replay_a_run_without_its_function_even_a_non_deterministic_one() {
    use brigade::process::custom::{recorded, recording, Recording};
    use std::cell::RefCell;
    let cfg = Config { drop: 0.1, duplicate: 0.1, orders: 6, ..Config::default() };
    let calls = Rc::new(Cell::new(0u32));
    for deterministic in [true, false] {
        let c = calls.clone();
        let live = CustomProcess::new(move |state, m, cfg| {
            c.set(c.get() + 1);
            let mut answer = reference(state, m, cfg)?;
            if !deterministic && m["type"] == "FoodCooked" {
                answer["state"]["noise"] = json!(c.get());
            }
            Ok(answer)
        });
        let table = Rc::new(RefCell::new(Recording::new()));
        let recorder = recording(live, table.clone());
        let first = run(with_custom(cfg.clone(), CustomScope::All, &recorder));
        let text = serde_json::to_string(&*table.borrow()).unwrap();
        let back: Recording = serde_json::from_str(&text).unwrap();
        let replayed = recorded(back);
        let again = run(with_custom(cfg.clone(), CustomScope::All, &replayed));
        assert_eq!(history(&again), history(&first));
        assert_eq!(replayed.failure(), recorder.failure());
        if deterministic {
            assert_eq!(replayed.failure(), None);
        } else {
            let err = replayed.failure().expect("the replay meets the same non-determinism");
            assert!(err.contains("non-deterministic process"), "{err}");
        }
    }
}

#[test]
fn an_order_of_the_custom_process_replays_under_it_and_under_the_builtin() {
    use brigade::process::Definition;
    use brigade::view::replay_view;
    let process = CustomProcess::new(reference);
    let cfg = Config { drop: 0.1, duplicate: 0.1, orders: 6, ..Config::default() };
    let world = run(with_custom(cfg, CustomScope::All, &process));
    let orders: Vec<uuid::Uuid> = world.store().orders().copied().collect();
    assert_eq!(orders.len(), 6);
    for id in &orders {
        let own = replay_view(&world, id, None, None).unwrap();
        assert_eq!(own.definition, Definition::Custom);
        assert!(own.steps.len() >= 3);
        assert!(own.steps.iter().all(|s| s.same_as_history), "the learner's own decisions are the history");
        assert!(own.steps[0].state["awaiting"] == "cook");
        // reinterpreted by the built-in pay-last: the reference decides the same
        let builtin = replay_view(&world, id, Some(Definition::PayLast), None).unwrap();
        assert_eq!(builtin.steps.len(), own.steps.len());
        assert!(builtin.steps.iter().all(|s| s.same_as_history));
    }
    // a broken process (completes without payment) differs from the built-in
    let broken = CustomProcess::new(|state, m, cfg| {
        let mut answer = reference(state, m, cfg)?;
        if m["type"] == "OrderPriced" {
            answer["send"] = json!([{"type": "OrderCompleted", "order": m["order"]}]);
        }
        Ok(answer)
    });
    let world = run(with_custom(Config { orders: 1, ..Config::default() }, CustomScope::All, &broken));
    let id = *world.store().orders().next().unwrap();
    let builtin = replay_view(&world, &id, Some(Definition::PayLast), None).unwrap();
    assert!(builtin.steps.iter().any(|s| !s.same_as_history));
    // without the code loaded, the learner's replay says so
    let plain = run(Config { orders: 1, ..Config::default() });
    let id = *plain.store().orders().next().unwrap();
    let err = replay_view(&plain, &id, Some(Definition::Custom), None).unwrap_err();
    assert!(err.contains("no process code of yours is loaded"), "{err}");
}

/// The reference, except that a repeated or late price asks for the payment again (the
/// mistake "pays twice under duplicates": the cashier refuses the second charge).
fn pays_on_every_price(state: &Value, m: &Value, cfg: &Value) -> Result<Value, String> {
    let mut answer = reference(state, m, cfg)?;
    let rejected = answer["send"].as_array().is_some_and(|s| s.iter().any(|x| x["type"] == "MessageRejected"));
    if m["type"] == "OrderPriced" && state["outcome"].is_null() && rejected {
        answer["send"] = json!([{"type": "TakePayment", "order": m["order"], "attempt": 1}]);
    }
    Ok(answer)
}

/// Every explorer rule and the learner's pay-again rule, on a finished world.
fn broken_rules(world: &World) -> Option<brigade::explore::rules::Broken> {
    use brigade::explore::{learner, rules};
    rules::safety(world).or_else(|| rules::at_end(world)).or_else(|| learner::pay_again(world))
}

/// The worst moments' scenario of the page (www/js/exercise/grade.js).
fn worst_config() -> Config {
    Config { seed: 5, dodgy: 0.5, orders: 24, interval_ms: 300, ..Config::default() }
}

fn run_worst(start: impl Start) -> World {
    let mut world = start.world();
    brigade::explore::worst::WorstMoments::default().run_to_idle(&mut world);
    world
}

#[test]
fn the_worst_moments_hit_every_moment_for_both_kinds_and_the_builtins_keep_every_rule() {
    use brigade::explore::worst::MOMENTS;
    for version in [1, 2] {
        let world = run_worst(Config { process_version: version, ..worst_config() });
        assert_eq!(broken_rules(&world), None, "version {version}");
        let store = world.store();
        let dodgy = store
            .orders()
            .filter(|c| {
                store.stream(c).iter().any(|&s| store.get(s as usize).unwrap().body.order().is_some_and(|o| o.dodgy))
            })
            .count();
        assert!(dodgy >= MOMENTS.len() && 24 - dodgy >= MOMENTS.len(), "{dodgy} dodgy of 24");
        // one fate per order and moment, more for "every": all manual, all three kinds
        let faults = world.faults();
        assert!(faults.len() >= 2 * MOMENTS.len(), "{}", faults.len());
        assert!(faults.iter().all(|f| f.manual));
        // the run file replays without the plan: the fates are its inputs
        let text = run_file::export(&world, None);
        let (again, _) = run_file::import(&text).expect("the worst run imports");
        assert_eq!(history(&again), history(&world));
    }
}

#[test]
fn the_worst_moments_follow_the_process_and_the_reference_closure_reproduces_the_builtin() {
    let builtin = run_worst(worst_config());
    let process = CustomProcess::new(reference);
    let custom = run_worst(with_custom(worst_config(), CustomScope::All, &process));
    assert_eq!(process.failure(), None);
    let (custom_history, _) = as_builtin(history(&custom));
    let builtin_history: Vec<Value> = history(&builtin)
        .into_iter()
        .map(|mut e| {
            if e["type"] == "ProcessStarted" {
                e["definition"] = json!("pay-last");
            }
            e
        })
        .collect();
    assert_eq!(custom_history, builtin_history);
}

#[test]
fn paying_again_on_a_repeated_price_breaks_only_the_pay_again_rule() {
    use brigade::explore::rules::Rule;
    // the worst moments: a duplicated PriceOrder brings the price twice
    let process = CustomProcess::new(pays_on_every_price);
    let world = run_worst(with_custom(worst_config(), CustomScope::All, &process));
    let broken = broken_rules(&world).expect("caught");
    assert_eq!(broken.rule, Rule::PayAgainOnlyOnTimeout, "{broken:?}");
    assert!(broken.detail.contains("asked for again on OrderPriced"), "{broken:?}");
    // and no other rule: the cashier refused the second charge
    assert_eq!(brigade::explore::rules::safety(&world).or_else(|| brigade::explore::rules::at_end(&world)), None);
    // the reference keeps it in the same scenario (the seeded and the worst runs alike)
    let reference_process = CustomProcess::new(reference);
    let world = run_worst(with_custom(worst_config(), CustomScope::All, &reference_process));
    assert_eq!(broken_rules(&world), None);
}

#[test]
fn every_fate_of_one_order_of_each_kind_holds_for_the_reference_and_breaks_for_paying_again() {
    use brigade::explore::rules::Rule;
    use brigade::explore::{learner, Limits, Verdict};
    for dodgy in [false, true] {
        let process = CustomProcess::new(reference);
        let cfg = Config { custom_process: CustomScope::All, ..Config::default() };
        let mut e = learner::explorer(&cfg, dodgy, process, Limits::for_orders(1)).unwrap();
        let verdict = e.run(|_| false).clone();
        assert_eq!(verdict, Verdict::Holds, "dodgy {dodgy}: {:?}", e.counts());

        let process = CustomProcess::new(pays_on_every_price);
        let cfg = Config { custom_process: CustomScope::All, ..Config::default() };
        let mut e = learner::explorer(&cfg, dodgy, process, Limits::for_orders(1)).unwrap();
        let Verdict::Broken(example) = e.run(|_| false).clone() else { panic!("not caught") };
        assert_eq!(example.broken.rule, Rule::PayAgainOnlyOnTimeout);
        assert_eq!(example.fates, 1);
    }
}

#[test]
fn the_builtin_process_managers_never_ask_to_pay_again_but_on_a_timeout() {
    use brigade::explore::{learner, Explorer, Limits, Verdict};
    use brigade::sim::{Action, Input};
    for (dodgy, version, idempotent_store) in [(false, 2, false), (true, 2, false), (false, 1, false), (true, 2, true)]
    {
        let cfg = Config { orders: 0, process_version: version, idempotent_store, ..Config::default() };
        let inputs = vec![Input { step: 0, action: Action::PlaceOrder { dodgy } }];
        let mut e = Explorer::new(&cfg, inputs, Limits::for_orders(1)).unwrap().with_check(learner::pay_again);
        let verdict = e.run(|_| false).clone();
        assert_eq!(verdict, Verdict::Holds, "dodgy {dodgy}, version {version}: {:?}", e.counts());
    }
}

#[test]
fn a_cached_house_asks_the_function_only_about_new_messages_and_decides_the_same() {
    use brigade::scenario::HouseMode;
    let cfg = Config { drop: 0.1, duplicate: 0.1, dodgy: 0.3, seed: 7, ..Config::default() };
    let calls = |house: HouseMode| {
        let n = Rc::new(Cell::new(0u32));
        let counted = n.clone();
        let process = CustomProcess::new(move |s, m, c| {
            counted.set(counted.get() + 1);
            reference(s, m, c)
        });
        let world = run(with_custom(Config { house, ..cfg.clone() }, CustomScope::All, &process));
        assert_eq!(process.failure(), None);
        (history(&world), n.get())
    };
    let (rebuilt, rebuild_calls) = calls(HouseMode::Rebuild);
    let (cached, cached_calls) = calls(HouseMode::Cached);
    assert_eq!(cached, rebuilt);
    assert!(cached_calls * 4 < rebuild_calls, "cached {cached_calls}, rebuild {rebuild_calls}");
}
