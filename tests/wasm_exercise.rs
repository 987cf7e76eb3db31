//! The exercise facade in Node: the learner's process manager as a JavaScript function.
//!
//! Runs with `cargo test --target wasm32-unknown-unknown --test wasm_exercise`. The
//! learner's code is JavaScript text turned into a function with `new Function`, as the
//! page's worker does; the templates are the page's own files.
#![cfg(target_arch = "wasm32")]

use brigade::wasm::Simulation;
use js_sys::{Function, JSON};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const SOLUTION: &str = include_str!("../www/js/exercise/templates/solution.js");
const SKELETON: &str = include_str!("../www/js/exercise/templates/skeleton.js");

/// `decide` from the learner's code, as the worker builds it.
fn decide_of(code: &str) -> JsValue {
    let make = Function::new_no_args(&format!("{code}\nreturn decide;"));
    make.call0(&JsValue::NULL).expect("the code defines decide")
}

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("JSON")
}

fn to_json(v: &JsValue) -> Value {
    let text: String = JSON::stringify(v).expect("stringify").into();
    serde_json::from_str(&text).expect("JSON")
}

fn error_message(e: &JsValue) -> String {
    let err: &js_sys::Error = e.dyn_ref().expect("an Error");
    err.message().into()
}

/// `Simulation.runProcess(cfg, decide)` as `{ run, decisions, error, step }`.
fn run_process(cfg: &str, code: &str) -> Value {
    let r =
        Simulation::run_process(js(cfg), decide_of(code), None).unwrap_or_else(|e| panic!("{:?}", JsValue::from(e)));
    to_json(&r)
}

fn builtin_history(cfg: &str) -> Vec<Value> {
    let mut sim = Simulation::new(js(cfg)).unwrap_or_else(|_| panic!("new Simulation"));
    sim.run_to_idle();
    let file: Value = serde_json::from_str(&sim.export_run().ok().unwrap()).unwrap();
    file["history"].as_array().unwrap().clone()
}

fn history_of(run: &Value) -> Vec<Value> {
    let file: Value = serde_json::from_str(run["run"].as_str().unwrap()).unwrap();
    file["history"].as_array().unwrap().clone()
}

/// Every `ProcessStarted` of a custom run says `custom`; with that one field set to the
/// built-in definition of its order, the history must equal the built-in's.
fn as_builtin(history: Vec<Value>) -> Vec<Value> {
    let mut dodgy = std::collections::HashMap::new();
    for e in &history {
        if e["type"] == "OrderPlaced" {
            dodgy.insert(e["correlation_id"].to_string(), e["order"]["dodgy"] == true);
        }
    }
    history
        .into_iter()
        .map(|mut e| {
            if e["type"] == "ProcessStarted" {
                assert_eq!(e["definition"], "custom");
                let d = dodgy[&e["correlation_id"].to_string()];
                e["definition"] = json!(if d { "pay-first" } else { "pay-last" });
            }
            e
        })
        .collect()
}

/// The honest statement: the JS reference's history is the built-in's, byte for byte, in
/// every message but one field — `ProcessStarted.definition` says `custom` (the run is the
/// learner's code, and the page must know it), where the built-in says `pay-last` or
/// `pay-first`. Only that field is mapped before comparing the whole histories' text.
#[wasm_bindgen_test]
fn the_js_reference_reproduces_the_builtin_history_byte_for_byte_except_the_definition_label() {
    for cfg in [
        r#"{}"#,
        r#"{"seed":7,"drop":0.1,"duplicate":0.1,"dodgy":0.3,"dispatch":"competing"}"#,
        r#"{"seed":3,"drop":0.3,"duplicate":0.3,"dodgy":0.5,"orders":20,"interval_ms":100,"max_retries":1}"#,
        r#"{"cooks":[{"name":"Slow","ms":2000}]}"#,
        r#"{"dodgy":1,"orders":8,"interval_ms":150}"#,
        r#"{"process_version":1,"drop":0.2,"orders":12}"#,
    ] {
        let run = run_process(cfg, SOLUTION);
        assert_eq!(run["error"], Value::Null, "{cfg}: {}", run["error"]);
        let raw = history_of(&run);
        let builtin = builtin_history(cfg);
        // before mapping, exactly the ProcessStarted entries differ
        assert_eq!(raw.len(), builtin.len(), "{cfg}");
        let differing: Vec<&Value> = raw.iter().zip(&builtin).filter(|(c, b)| c != b).map(|(c, _)| c).collect();
        assert!(!differing.is_empty(), "{cfg}");
        assert!(differing.iter().all(|e| e["type"] == "ProcessStarted"), "{cfg}");
        // after mapping that one field, the whole histories are the same text
        let custom = Value::Array(as_builtin(raw)).to_string();
        assert_eq!(custom, Value::Array(builtin).to_string(), "{cfg}");
    }
}

#[wasm_bindgen_test]
fn a_process_using_math_random_is_caught_on_replay() {
    let code = SOLUTION.replace("const send = [];", "const send = []; s.luck = Math.random();");
    let run = run_process("{}", &code);
    let error = run["error"].as_str().expect("caught");
    assert!(error.contains("non-deterministic process: replaying message"), "{error}");
    assert!(error.contains("decided state.luck = "), "{error}");
    assert!(run["step"].as_u64().is_some());
}

#[wasm_bindgen_test]
fn an_unknown_output_type_and_a_throw_stop_the_run_with_clear_errors() {
    let code =
        SOLUTION.replace("type: \"CookFood\"", "type: \"CookFod\"").replace("cook: \"CookFood\"", "cook: \"CookFod\"");
    let run = run_process("{}", &code);
    let error = run["error"].as_str().expect("stopped");
    assert!(
        error.starts_with("message 0 (OrderPlaced) of order 1 at 0 ms: send[0]: unknown message type \"CookFod\""),
        "{error}"
    );
    assert!(run["step"].as_u64().is_some_and(|s| s > 0));
    let history = history_of(&run);
    assert!(!history.iter().any(|e| e["type"] == "OrderCompleted"));

    let code = "function decide(state, message) {\n  const s = state ?? {};\n  return s.nothing.here;\n}";
    let run = run_process("{}", code);
    let error = run["error"].as_str().expect("stopped");
    assert!(error.contains("decide failed: threw TypeError: "), "{error}");
    assert!(error.ends_with("(line 3)"), "{error}");

    let run = run_process("{}", "function decide() {}");
    assert!(run["error"].as_str().unwrap().contains("returned undefined"), "{}", run["error"]);
    let run = run_process("{}", "function decide() { return { state: 1n, send: [] }; }");
    assert!(run["error"].as_str().unwrap().contains("not serialisable"), "{}", run["error"]);
}

#[wasm_bindgen_test]
fn a_run_file_carries_the_code_and_imports_from_recorded_decisions() {
    let run = run_process(&json!({"orders": 4, "process_code": SOLUTION}).to_string(), SOLUTION);
    let text = run["run"].as_str().unwrap();
    let file: Value = serde_json::from_str(text).unwrap();
    assert_eq!(file["config"]["process_code"], SOLUTION);
    assert_eq!(file["config"]["custom_process"], "all");

    // the page: no code, only the recorded decisions
    let sim = Simulation::import_process_run(text.into(), run["decisions"].as_str().unwrap().into())
        .unwrap_or_else(|e| panic!("{:?}", JsValue::from(e)));
    assert_eq!(sim.process_error(), None);
    assert_eq!(sim.process_code().as_deref(), Some(SOLUTION));
    let sim_history: Value = {
        let mut s = sim;
        serde_json::from_str::<Value>(&s.export_run().ok().unwrap()).unwrap()["history"].clone()
    };
    assert_eq!(sim_history, file["history"]);

    // a file shared without decisions is re-run with its code (in the worker), and checked
    let again = to_json(
        &Simulation::rerun_process(text.into(), decide_of(SOLUTION))
            .unwrap_or_else(|e| panic!("{:?}", JsValue::from(e))),
    );
    assert_eq!(again["run"], run["run"]);
    // other code does not reproduce it
    let Err(e) = Simulation::rerun_process(text.into(), decide_of(SKELETON)) else { panic!("refused") };
    assert!(error_message(&JsValue::from(e)).starts_with("cannot import: the history does not match"));

    // a plain run file is not an exercise run
    let mut plain = Simulation::new(js(r#"{"orders":1}"#)).unwrap_or_else(|_| panic!());
    plain.run_to_idle();
    let Err(e) = Simulation::rerun_process(plain.export_run().ok().unwrap().into(), decide_of(SOLUTION)) else {
        panic!("refused")
    };
    assert_eq!(error_message(&JsValue::from(e)), "cannot import: this run file has no custom process manager");
}

#[wasm_bindgen_test]
fn bad_arguments_are_refused_with_one_line_errors() {
    let Err(e) = Simulation::run_process(js("{}"), JsValue::from(5), None) else { panic!("refused") };
    assert_eq!(error_message(&JsValue::from(e)), "decide: expected a function");
    let Err(e) = Simulation::run_process(js(r#"{"custom_process":"off"}"#), decide_of(SOLUTION), None) else {
        panic!("refused")
    };
    assert!(error_message(&JsValue::from(e)).contains("custom_process must be"));
    let Err(e) = Simulation::import_process_run("{}".into(), "[".into()) else { panic!("refused") };
    assert!(error_message(&JsValue::from(e)).starts_with("cannot import: "));
}

/// Explores one order of each kind with `code`; returns the two final progresses and the
/// exploration of the first kind that broke a rule.
fn explore(code: &str, max_states: u32) -> Vec<(Value, Option<brigade::wasm_exercise::ProcessExploration>)> {
    let mut out = Vec::new();
    for order in ["normal", "dodgy"] {
        let opts = json!({ "order": order, "max_states": max_states }).to_string();
        let mut e = Simulation::explore_process(js("{}"), decide_of(code), Some(js(&opts)))
            .unwrap_or_else(|e| panic!("{:?}", JsValue::from(e)));
        let started = js_sys::Date::now();
        let mut progress;
        loop {
            progress = to_json(&e.advance(500.0.into()).unwrap_or_else(|e| panic!("{:?}", JsValue::from(e))));
            if progress["verdict"] != "running" {
                break;
            }
        }
        web_sys_log(&format!(
            "explore {order}: {} states, {} schedules in {:.2} s: {}",
            progress["states"],
            progress["schedules"],
            (js_sys::Date::now() - started) / 1000.0,
            progress["verdict"]
        ));
        let broken = progress["verdict"] == "broken";
        out.push((progress, broken.then_some(e)));
    }
    out
}

fn web_sys_log(text: &str) {
    let console = js_sys::Reflect::get(&js_sys::global(), &"console".into()).unwrap();
    let log: Function = js_sys::Reflect::get(&console, &"log".into()).unwrap().dyn_into().unwrap();
    log.call1(&console, &text.into()).unwrap();
}

#[wasm_bindgen_test]
fn the_solution_holds_every_rule_under_every_fate_of_one_order_of_each_kind() {
    for (progress, _) in explore(SOLUTION, 2_000_000) {
        assert_eq!(progress["verdict"], "holds", "{progress}");
        assert!(progress["states"].as_u64().unwrap() > 1000, "{progress}");
        assert_eq!(progress["max_fates"], 6);
    }
}

/// The solution with `from` replaced by `to` (which must be there).
fn broken_solution(from: &str, to: &str) -> String {
    assert!(SOLUTION.contains(from), "the solution holds {from}");
    SOLUTION.replace(from, to)
}

/// A process manager that trusts every answer: a repeated or late answer moves it on again.
fn trusting() -> String {
    broken_solution(
        "    if (s.done.includes(step)) return reject(\"duplicate\");\n    if (s.awaiting !== step) return reject(\"stale\");\n",
        "",
    )
}

/// A process manager that asks for the payment whenever a price comes, even a repeated one.
fn pays_on_every_price() -> String {
    broken_solution(
        "case \"OrderPriced\": answered(\"price\"); break;",
        "case \"OrderPriced\": if (s.outcome) break; s.order = message.order; request(\"pay\", 1); break;",
    )
}

#[wasm_bindgen_test]
fn a_process_trusting_every_answer_is_caught_with_a_one_fate_counterexample_that_opens() {
    let results = explore(&trusting(), 2_000_000);
    let (progress, exploration) = &results[0];
    assert_eq!(progress["verdict"], "broken", "{progress}");
    let broken = &progress["broken"];
    assert_eq!(broken["fates"], 1, "{broken}");
    assert_eq!(broken["schedule"].as_array().unwrap().len(), 1, "{broken}");
    assert!(broken["schedule"][0].as_str().unwrap().starts_with("step "), "{broken}");
    let rule = broken["rule"].as_str().unwrap();
    assert!(["one-terminal-event", "pay-again-only-on-timeout", "quiet-after-end"].contains(&rule), "{broken}");

    // the counterexample: the learner's run with the fate as a manual input, opening at the step
    let example = to_json(&exploration.as_ref().unwrap().counterexample().unwrap());
    let file: Value = serde_json::from_str(example["run"].as_str().unwrap()).unwrap();
    assert_eq!(file["inputs"].as_array().unwrap().len(), 1, "{}", file["inputs"]);
    assert_eq!(file["config"]["orders"], 1);
    let step = example["step"].as_u64().unwrap();
    assert_eq!(step, broken["step"].as_u64().unwrap());
    let mut sim = Simulation::import_process_run(
        example["run"].as_str().unwrap().into(),
        example["decisions"].as_str().unwrap().into(),
    )
    .unwrap_or_else(|e| panic!("{:?}", JsValue::from(e)));
    assert_eq!(sim.process_error(), None);
    assert!(step as usize <= sim.total_steps());
    sim.seek(JsValue::from(step as f64)).unwrap_or_else(|_| panic!("seek"));
    assert_eq!(sim.current_step(), step as usize);
}

#[wasm_bindgen_test]
fn paying_again_on_a_repeated_price_breaks_only_the_pay_again_rule() {
    let results = explore(&pays_on_every_price(), 2_000_000);
    let broken: Vec<&Value> = results.iter().map(|(p, _)| &p["broken"]).collect();
    for b in &broken {
        assert_eq!(b["rule"], "pay-again-only-on-timeout", "{b}");
        assert_eq!(b["fates"], 1, "{b}");
        assert!(b["detail"].as_str().unwrap().contains("asked for again on OrderPriced"), "{b}");
    }
}

#[wasm_bindgen_test]
fn an_error_in_decide_under_some_fate_is_the_runs_rule() {
    // throws only on a timeout of the cook: reached only when a CookFood is lost or late
    let code = broken_solution(
        "break; // already answered",
        "break; // already answered\n      if (step === \"cook\") null.x;",
    );
    let results = explore(&code, 2_000_000);
    let b = &results[0].0["broken"];
    assert_eq!(b["rule"], "runs", "{b}");
    assert_eq!(b["fates"], 1, "{b}");
    assert!(b["detail"].as_str().unwrap().contains("(StepTimedOut) of order 1"), "{b}");
    assert!(b["detail"].as_str().unwrap().contains("decide failed: threw TypeError"), "{b}");
    assert_eq!(b["order"], 1);
}

#[wasm_bindgen_test]
fn a_state_limit_is_said() {
    let (progress, _) = &explore(SOLUTION, 50)[0];
    assert_eq!(progress["verdict"], "limit", "{progress}");
    assert_eq!(progress["states"], 50);
    let Err(e) = Simulation::explore_process(js("{}"), decide_of(SOLUTION), Some(js(r#"{"order":"odd"}"#))) else {
        panic!("refused")
    };
    assert_eq!(error_message(&JsValue::from(e)), "options: order must be \"normal\" or \"dodgy\", got \"odd\"");
}

#[wasm_bindgen_test]
fn the_worst_moments_are_inputs_of_the_run_file_and_it_reruns_without_them() {
    let cfg = r#"{"seed":5,"dodgy":0.5,"orders":24,"interval_ms":300}"#;
    let run = to_json(
        &Simulation::run_process(js(cfg), decide_of(SOLUTION), Some(js(r#"{"worst_moments":true}"#)))
            .unwrap_or_else(|e| panic!("{:?}", JsValue::from(e))),
    );
    assert_eq!(run["error"], Value::Null);
    let text = run["run"].as_str().unwrap();
    let file: Value = serde_json::from_str(text).unwrap();
    let inputs = file["inputs"].as_array().unwrap();
    assert!(inputs.len() >= 22, "{}", inputs.len());
    // a shared run file is re-run with the code alone: the fates come from its inputs
    let again = to_json(
        &Simulation::rerun_process(text.into(), decide_of(SOLUTION))
            .unwrap_or_else(|e| panic!("{:?}", JsValue::from(e))),
    );
    assert_eq!(again["run"], run["run"]);
    // without the option, no fate is given
    let plain = run_process(cfg, SOLUTION);
    let plain: Value = serde_json::from_str(plain["run"].as_str().unwrap()).unwrap();
    assert_eq!(plain["inputs"].as_array().map_or(0, Vec::len), 0);

    for (options, message) in [
        (r#"{"worst":true}"#, "options: unknown key `worst` (expected worst_moments)"),
        (r#"{"worst_moments":1}"#, "options: worst_moments must be true or false, got 1"),
        (r#""yes""#, "options: expected an object such as { worst_moments: true }"),
    ] {
        let Err(e) = Simulation::run_process(js("{}"), decide_of(SOLUTION), Some(js(options))) else {
            panic!("refused")
        };
        assert_eq!(error_message(&JsValue::from(e)), message);
    }
}

#[wasm_bindgen_test]
fn the_pages_explorer_sends_a_learners_run_to_the_exercise_check() {
    let run = run_process(r#"{"orders":1}"#, SOLUTION);
    let Err(e) = brigade::explore::wasm::Exploration::new(run["run"].as_str().unwrap().into()) else {
        panic!("refused")
    };
    assert_eq!(
        error_message(&JsValue::from(e)),
        "explore: this run's process manager is your own code: \"Check it\" in the exercise panel explores every fate of it, in its worker"
    );
}

#[wasm_bindgen_test]
fn the_js_reference_asks_for_a_refund_past_attempt_255_as_the_builtin_does() {
    // a dropped, paid order whose 300th refund request timed out: its alarm says 255
    let decide: Function = decide_of(SOLUTION).dyn_into().expect("a function");
    let state = js(r#"{"order":{"dodgy":true},"awaiting":null,"attempt":1,"done":["price","pay"],
        "paid":true,"refunding":300,"outcome":"dropped"}"#);
    let timed_out = js(r#"{"type":"StepTimedOut","step":"refund","attempt":255}"#);
    let cfg = js(r#"{"cook_timeout_ms":2500,"price_timeout_ms":1000,"pay_timeout_ms":1000,"max_retries":3}"#);
    let out = to_json(&decide.call3(&JsValue::NULL, &state, &timed_out, &cfg).expect("decide answers"));
    assert_eq!(out["state"]["refunding"], json!(301), "asked again: {out}");
    let send = out["send"].as_array().expect("send");
    assert_eq!(send[0]["type"], "RefundPayment", "{out}");
    assert_eq!(send[1]["message"], json!({"type": "StepTimedOut", "step": "refund", "attempt": 255}), "{out}");
    // an alarm for an earlier refund (the 254th) is stale: nothing is asked
    let stale = js(r#"{"type":"StepTimedOut","step":"refund","attempt":254}"#);
    let out = to_json(&decide.call3(&JsValue::NULL, &state, &stale, &cfg).expect("decide answers"));
    assert_eq!(out["send"], json!([]), "{out}");
}
