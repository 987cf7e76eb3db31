//! The JavaScript facade (`brigade::wasm::Simulation`, docs/FACADE.md), compiled to wasm
//! and driven the way the page drives it: through its JS names (`stepBack`, `exportRun`,
//! `Simulation.importRun`…), with JS values in and out, errors as thrown `Error`s.
//!
//! Runs in Node: `cargo test --target wasm32-unknown-unknown --test wasm_node`
//! (the runner is set in .cargo/config.toml). `tests/wasm_browser.rs` runs these same tests
//! again in headless Chromium. Natively this file is empty.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

// ---------------------------------------------------------------------------------------
// Constants computed natively with the CLI, hashed like `history_fingerprint` below. Node
// and Chromium must reproduce them bit for bit. When the engine changes a history on
// purpose, recompute them from the CLI (never from the wasm build) with:
//
//   cargo run --release -- <options> --format json | python3 -c '
//   import json, sys; h = json.load(sys.stdin)["history"]; x = 0xcbf29ce484222325
//   for m in h:
//       for b in ("%s|%s|%s|%s|%s|%s|%s\n" % (m["seq"], m["at_ms"], m["type"], m["kind"], m["id"],
//                 m["correlation_id"], m["causation_id"] or "-")).encode():
//           x = ((x ^ b) * 0x100000001b3) % 2**64
//   print(len(h), h[0]["id"], h[-1]["id"], hex(x))'
// ---------------------------------------------------------------------------------------

/// `cargo run --release -- --format json` (the reference run, seed 42).
const REFERENCE: Fingerprint = Fingerprint {
    config: r#"{}"#,
    messages: 150,
    first_id: "f0760308-6f73-4bca-8adc-52a85afb8e9c",
    last_id: "282100d1-4742-4881-b0d9-73c6e5ee414c",
    hash: 0x279d_42b6_eec3_904d,
};

/// `cargo run --release -- --seed 7 --drop 0.1 --duplicate 0.1 --dodgy 0.3 --dispatch competing --format json`
const CHAOS: Fingerprint = Fingerprint {
    config: r#"{"seed":7,"drop":0.1,"duplicate":0.1,"dodgy":0.3,"dispatch":"competing"}"#,
    messages: 148,
    first_id: "1a2cfc27-bfca-4fef-acdb-312c24a9efb2",
    last_id: "cc72aa27-ede2-4447-b969-5dd74d2e8ffc",
    hash: 0x2319_44dc_537a_cdd9,
};

pub struct Fingerprint {
    /// The partial config given to `new Simulation(…)`, as JSON.
    pub config: &'static str,
    pub messages: usize,
    pub first_id: &'static str,
    pub last_id: &'static str,
    pub hash: u64,
}

// ---------------------------------------------------------------------------------------
// A thin handle that calls the facade by its JavaScript names.
// ---------------------------------------------------------------------------------------

/// One `Simulation` object as JavaScript sees it.
pub struct Sim(JsValue);

/// The `Simulation` class (its constructor function), as JavaScript sees it: the
/// `constructor` of one instance made from Rust.
fn class() -> JsValue {
    thread_local! {
        static CLASS: JsValue = {
            let any: JsValue = brigade::wasm::Simulation::new(JsValue::UNDEFINED)
                .expect("new Simulation() with no config")
                .into();
            show_panics();
            Reflect::get(&any, &"constructor".into()).expect("Simulation.constructor")
        };
    }
    CLASS.with(JsValue::clone)
}

/// The facade's panic hook (installed by its first `new`) records a panic for `lastPanic()`
/// and prints nothing. Put a hook in front of it that prints the message, so that a failed
/// assertion says what failed instead of only "RuntimeError: unreachable", and that keeps
/// this file's own assertion failures out of `lastPanic()` (all tests share one instance):
/// `lastPanic()` then reports panics of the engine only.
fn show_panics() {
    let facade_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        wasm_bindgen_test::console_error!("panicked: {info}");
        let in_tests = info.location().is_some_and(|l| l.file().starts_with("tests/"));
        if !in_tests {
            facade_hook(info);
        }
    }));
}

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap_or_else(|e| panic!("bad JSON in test: {json}: {e:?}"))
}

/// `JSON.stringify(v)` read back as serde_json: what the page would see, and a check that
/// the value is plain data (an ES `Map` would stringify as `{}` and fail the assertions).
fn to_json(v: &JsValue) -> Value {
    if v.is_undefined() {
        return Value::Null;
    }
    let text: String = JSON::stringify(v).expect("JSON.stringify").into();
    serde_json::from_str(&text).expect("stringified value is JSON")
}

/// The message of a thrown value, which must be an `Error` with a readable one-line message
/// (not a trap such as "unreachable", which is what a Rust panic looks like from JS).
fn error_message(thrown: &JsValue) -> String {
    let err: &js_sys::Error = thrown.dyn_ref().unwrap_or_else(|| panic!("thrown value is not an Error: {thrown:?}"));
    let msg: String = err.message().into();
    assert!(!msg.trim().is_empty(), "the Error has an empty message");
    assert!(!msg.contains('\n'), "the Error message is not one line: {msg:?}");
    assert!(
        !msg.contains("unreachable") && !msg.contains("RuntimeError"),
        "looks like a wasm trap (a panic), not an error value: {msg:?}"
    );
    msg
}

fn apply(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &name.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .unwrap_or_else(|| panic!("the facade has no function `{name}`"));
    f.apply(target, &args.iter().collect::<Array>())
}

impl Sim {
    /// `new Simulation(cfg)`; `cfg` is JSON text, or `None` for no argument.
    pub fn try_new(cfg: Option<&str>) -> Result<Sim, JsValue> {
        let args: Array = cfg.map(js).into_iter().collect();
        let ctor: Function = class().unchecked_into();
        Reflect::construct(&ctor, &args).map(Sim)
    }

    pub fn new(cfg: &str) -> Sim {
        Sim::try_new(Some(cfg)).unwrap_or_else(|e| panic!("new Simulation({cfg}): {e:?}"))
    }

    /// `Simulation.importRun(text)`.
    pub fn import(text: &str) -> Result<Sim, JsValue> {
        apply(&class(), "importRun", &[text.into()]).map(Sim)
    }

    /// A static function of the class, e.g. `defaultConfig`, `presets`, `lastPanic`.
    pub fn class_call(name: &str) -> JsValue {
        apply(&class(), name, &[]).unwrap_or_else(|e| panic!("Simulation.{name}(): {e:?}"))
    }

    pub fn try_call(&self, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
        apply(&self.0, name, args)
    }

    pub fn call(&self, name: &str, args: &[JsValue]) -> JsValue {
        self.try_call(name, args).unwrap_or_else(|e| panic!("sim.{name}(…) threw: {e:?}"))
    }

    pub fn num(&self, name: &str) -> u64 {
        let v = self.call(name, &[]);
        let n = v.as_f64().unwrap_or_else(|| panic!("sim.{name}() is not a number: {v:?}"));
        assert!(n >= 0.0 && n.fract() == 0.0, "sim.{name}() = {n} is not a whole number");
        n as u64
    }

    pub fn step(&self) -> Value {
        to_json(&self.call("step", &[]))
    }

    pub fn step_back(&self) -> bool {
        self.call("stepBack", &[]).as_bool().expect("stepBack() returns a boolean")
    }

    pub fn seek(&self, n: f64) -> Result<JsValue, JsValue> {
        self.try_call("seek", &[n.into()])
    }

    pub fn run_to_idle(&self) -> u64 {
        self.num("runToIdle")
    }

    pub fn current(&self) -> u64 {
        self.num("currentStep")
    }

    pub fn total(&self) -> u64 {
        self.num("totalSteps")
    }

    pub fn message_count(&self) -> u64 {
        self.num("messageCount")
    }

    /// Ids of the messages published up to the cursor, via `messages(0, messageCount())`.
    pub fn message_ids(&self) -> Vec<String> {
        let n = self.message_count() as f64;
        let list = to_json(&self.call("messages", &[0.0.into(), n.into()]));
        let list = list.as_array().expect("messages() is an array");
        assert_eq!(list.len() as f64, n, "messages(0, messageCount()) length");
        list.iter().map(|m| m["id"].as_str().expect("MessageView.id is a string").to_owned()).collect()
    }

    pub fn report(&self) -> Value {
        to_json(&self.call("report", &[]))
    }

    pub fn export(&self) -> String {
        self.call("exportRun", &[]).as_string().expect("exportRun() returns a string")
    }
}

/// FNV-1a (64 bit) over one line per history message:
/// `seq|at_ms|type|kind|id|correlation_id|causation_id\n` (`-` for a null causation).
/// Independent of JSON formatting, so the same function over the CLI's output gives the
/// constants above.
pub fn history_fingerprint(history: &[Value]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for m in history {
        let line = format!(
            "{}|{}|{}|{}|{}|{}|{}\n",
            m["seq"],
            m["at_ms"],
            m["type"].as_str().unwrap_or("?"),
            m["kind"].as_str().unwrap_or("?"),
            m["id"].as_str().unwrap_or("?"),
            m["correlation_id"].as_str().unwrap_or("?"),
            m["causation_id"].as_str().unwrap_or("-"),
        );
        for b in line.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Equal texts, or a failure that shows where they first differ (not both whole files).
fn assert_same_text(a: &str, b: &str, what: &str) {
    if a == b {
        return;
    }
    let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(120);
    let show = |s: &str| s.get(from..(at + 120).min(s.len())).unwrap_or("").to_owned();
    panic!("{what}: texts differ at byte {at} (lengths {} and {}):\n…{}…\n…{}…", a.len(), b.len(), show(a), show(b));
}

fn parse_run(text: &str) -> Value {
    let run: Value = serde_json::from_str(text).expect("exportRun() is JSON");
    assert_eq!(run["format"], "brigade-run");
    assert_eq!(run["version"], 1);
    run
}

fn history(run: &Value) -> &Vec<Value> {
    run["history"].as_array().expect("run.history is an array")
}

fn assert_no_panic() {
    let p = Sim::class_call("lastPanic");
    assert!(p.is_null(), "a panic was recorded (or lastPanic() is not null): {p:?}");
}

// ---------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------

/// In wasm32 a message body is two words and an envelope 64 bytes: what the page's
/// memory figures assume (an alarm's due time is packed so as not to widen every message).
#[wasm_bindgen_test]
fn a_message_is_two_words_in_wasm32() {
    assert_eq!(std::mem::size_of::<brigade::message::Message>(), 8);
    assert_eq!(std::mem::size_of::<brigade::message::Envelope>(), 64);
}

#[wasm_bindgen_test]
fn default_run_to_idle_completes_ten_orders() {
    let sim = Sim::try_new(None).expect("new Simulation()");
    assert_eq!(sim.current(), 0);
    assert_eq!(sim.message_count(), 0);
    assert!(sim.call("lastStep", &[]).is_undefined(), "lastStep() at 0");

    let steps = sim.run_to_idle();
    assert!(steps > 0);
    assert_eq!(sim.current(), steps);
    assert_eq!(sim.total(), steps);
    assert_eq!(sim.call("frontierIdle", &[]), JsValue::TRUE);
    assert!(sim.call("step", &[]).is_undefined(), "step() when idle");

    let report = sim.report();
    assert_eq!(report["orders"], 10, "{report}");
    assert_eq!(report["completed"], 10, "{report}");
    assert_eq!(report["dropped"], 0, "{report}");
    let per_cook = report["per_cook"].as_object().expect("per_cook is a plain object");
    let names: Vec<&str> = per_cook.keys().map(String::as_str).collect();
    for cook in ["Koen", "Guido", "Greg"] {
        assert!(names.contains(&cook), "per_cook has {cook}: {report}");
    }
    let cooked: u64 = per_cook.values().map(|n| n.as_u64().expect("a count")).sum();
    assert_eq!(cooked, 10, "every order cooked once: {report}");

    let orders = to_json(&sim.call("orders", &[]));
    let orders = orders.as_array().expect("orders() is an array");
    assert_eq!(orders.len(), 10);
    assert!(orders.iter().all(|o| o["status"] == "completed"), "{orders:?}");
    assert_no_panic();
}

#[wasm_bindgen_test]
fn published_counts_count_a_slice_of_the_history_by_publisher_and_type() {
    let sim = Sim::new(r#"{"seed": 42, "orders": 8, "drop": 0.1, "duplicate": 0.1}"#);
    let total = sim.run_to_idle() as f64;
    // at a cursor inside the run: nothing beyond it is counted
    sim.seek((total / 2.0).floor()).expect("seek");
    let n = sim.message_count();
    assert!(n > 20, "a history to count: {n}");
    for (from, to) in [(0, n), (3, n / 2), (n / 2, n + 50), (n, n), (7, 2)] {
        let (from, to) = (from as f64, to as f64);
        let listed = to_json(&sim.call("messages", &[from.into(), to.into()]));
        let mut expected = std::collections::BTreeMap::new();
        for m in listed.as_array().expect("messages() is an array") {
            let key = (m["publisher"].as_str().unwrap().to_owned(), m["type"].as_str().unwrap().to_owned());
            *expected.entry(key).or_insert(0u64) += 1;
        }
        let counted = to_json(&sim.call("publishedCounts", &[from.into(), to.into()]));
        let mut got = std::collections::BTreeMap::new();
        for c in counted.as_array().expect("publishedCounts() is an array") {
            let key = (c["publisher"].as_str().unwrap().to_owned(), c["type"].as_str().unwrap().to_owned());
            let count = c["count"].as_u64().expect("a count");
            assert!(count > 0, "no empty pair: {c}");
            assert!(got.insert(key, count).is_none(), "each pair once: {counted}");
        }
        assert_eq!(got, expected, "publishedCounts({from}, {to}) counts what messages({from}, {to}) lists");
    }
    assert!(
        error_message(&sim.try_call("publishedCounts", &["a".into(), 3.into()]).unwrap_err())
            .contains("publishedCounts"),
        "a bad position is refused naming the call"
    );
    assert_no_panic();
}

#[wasm_bindgen_test]
fn step_step_back_and_seek_move_the_cursor_consistently() {
    let sim = Sim::new(r#"{"seed": 42}"#);
    assert!(!sim.step_back(), "stepBack() at step 0 is false");

    // Walk forward one step at a time, remembering what each step showed.
    let mut views = Vec::new();
    let mut counts = vec![sim.message_count()];
    let mut ids_at = vec![sim.message_ids()];
    for n in 1..=40u64 {
        let view = sim.step();
        assert_eq!(view["step"], n, "StepView.step is 1-based: {view}");
        assert_eq!(sim.current(), n);
        assert_eq!(to_json(&sim.call("lastStep", &[])), view, "lastStep() after step()");
        counts.push(sim.message_count());
        ids_at.push(sim.message_ids());
        views.push(view);
    }
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "messageCount never shrinks going forward");
    for w in ids_at.windows(2) {
        assert!(w[1].starts_with(&w[0]), "history only grows at its end");
    }

    // Back five, forward five: the same steps and the same message ids.
    for n in (35..40u64).rev() {
        assert!(sim.step_back());
        assert_eq!(sim.current(), n);
        assert_eq!(sim.message_count(), counts[n as usize]);
        assert_eq!(sim.message_ids(), ids_at[n as usize], "ids at step {n} after stepBack");
    }
    assert_eq!(sim.total(), 40, "stepping back keeps the frontier");
    for n in 36..=40u64 {
        assert_eq!(unpublished(&sim.step()), unpublished(&views[n as usize - 1]), "step {n} replayed after stepBack");
        assert_eq!(sim.message_ids(), ids_at[n as usize]);
    }

    // seek anywhere in [0, totalSteps()] shows what stepping showed.
    for n in [0u64, 17, 3, 40, 1, 25] {
        sim.seek(n as f64).unwrap_or_else(|e| panic!("seek({n}): {e:?}"));
        assert_eq!(sim.current(), n);
        assert_eq!(sim.message_count(), counts[n as usize], "messageCount at {n}");
        assert_eq!(sim.message_ids(), ids_at[n as usize], "message ids at {n}");
        if n > 0 {
            assert_eq!(unpublished(&to_json(&sim.call("lastStep", &[]))), unpublished(&views[n as usize - 1]));
        }
    }
    let steps = to_json(&sim.call("steps", &[1.0.into(), 26.0.into()]));
    assert_eq!(steps.as_array().map(Vec::len), Some(25), "steps(1, 26) at cursor 25");
    // what a step decided does not depend on the cursor; what became of each output
    // (published yet? at which seq?) is told as of the cursor
    assert_eq!(decided(&steps[0]), decided(&views[0]));
    assert_eq!(unpublished(&steps[24]), unpublished(&views[24]));

    // Outside the run: an Error, and the cursor stays.
    for bad in [-1.0, 41.0, 1e9] {
        let err = sim.seek(bad).expect_err(&format!("seek({bad}) must throw"));
        error_message(&err);
        assert_eq!(sim.current(), 25, "a failed seek({bad}) leaves the cursor");
    }

    // The frontier extends past the cursor without moving it.
    sim.seek(10.0).unwrap();
    let mut idle = false;
    for _ in 0..10_000 {
        if sim.call("extend", &[50.0.into()]) == JsValue::TRUE {
            idle = true;
            break;
        }
    }
    assert!(idle, "extend() reaches idle");
    assert_eq!(sim.current(), 10, "extend() does not move the cursor");
    assert!(sim.total() > 40);
    assert_no_panic();
}

#[wasm_bindgen_test]
fn placing_an_order_behind_the_frontier_forgets_the_steps_after_the_cursor() {
    let sim = Sim::new(r#"{"seed": 3, "orders": 3}"#);
    let total = sim.run_to_idle();
    sim.seek(4.0).unwrap();
    let ids_at_4 = sim.message_ids();
    sim.call("placeOrder", &[js(r#"{"dodgy": false}"#)]);
    assert_eq!(sim.current(), 4, "placing an order does not move the cursor");
    assert_eq!(sim.total(), 4, "the steps after the cursor are forgotten");
    assert_eq!(sim.call("frontierIdle", &[]), JsValue::FALSE);
    assert_eq!(sim.message_ids(), ids_at_4);
    assert!(sim.run_to_idle() > total, "the new order adds steps");
    let run = parse_run(&sim.export());
    assert_eq!(run["report"]["orders"], 4);
    assert_eq!(run["inputs"].as_array().map(Vec::len), Some(1));
    assert_eq!(run["inputs"][0]["step"], 4);
    assert_contract_history(&run);
    assert_no_panic();
}

/// The page's ordinary flow: run to the end, place an order there, run again (PAGE-NEEDS §1).
#[wasm_bindgen_test]
fn an_order_placed_at_the_end_of_an_idle_run_seeks_and_exports() {
    let sim = Sim::try_new(None).expect("new Simulation()");
    let idle_steps = sim.run_to_idle();
    sim.call("placeOrder", &[js(r#"{"dodgy": true}"#)]);
    let total = sim.run_to_idle();
    assert!(total > idle_steps, "the order adds steps");
    assert_eq!(sim.total(), total);
    let mut views = vec![];
    for n in [idle_steps + 1, idle_steps + 3, total, idle_steps, total - 1] {
        sim.seek(n as f64).unwrap_or_else(|e| panic!("seek({n}): {e:?}"));
        assert_eq!(sim.current(), n, "seek({n}) after an order placed at step {idle_steps}");
        views.push(to_json(&sim.call("lastStep", &[])));
    }
    assert_eq!(sim.step()["step"], total, "step() from {} goes on", total - 1);
    assert_eq!(sim.report()["orders"], 11);
    assert_eq!(sim.report()["completed"].as_u64().unwrap() + sim.report()["dropped"].as_u64().unwrap(), 11);
    let text = sim.export();
    let run = parse_run(&text);
    assert_eq!(run["inputs"][0]["step"], idle_steps);
    assert_contract_history(&run);
    let again = Sim::import(&text).unwrap_or_else(|e| panic!("importRun: {}", error_message(&e)));
    assert_same_text(&again.export(), &text, "export → import → export");
    assert_no_panic();
}

#[wasm_bindgen_test]
fn same_seed_same_export_other_seed_other_history() {
    let a = Sim::new(r#"{"seed": 1234, "drop": 0.1, "duplicate": 0.1}"#);
    let b = Sim::new(r#"{"seed": "1234", "drop": 0.1, "duplicate": 0.1}"#);
    a.run_to_idle();
    b.run_to_idle();
    assert_same_text(&a.export(), &b.export(), "same config and seed give the same run file");

    let c = Sim::new(r#"{"seed": 1235, "drop": 0.1, "duplicate": 0.1}"#);
    let (ra, rc) = (parse_run(&a.export()), parse_run(&c.export()));
    assert_ne!(history(&ra)[0]["id"], history(&rc)[0]["id"], "ids come from the seed");
}

#[wasm_bindgen_test]
fn export_import_round_trips_the_history() {
    let sim = Sim::new(r#"{"seed": 9, "orders": 4, "interval_ms": 300, "dodgy": 0.5}"#);
    for _ in 0..15 {
        sim.step();
    }
    let corr = sim.call("placeOrder", &[js(r#"{"dodgy": true}"#)]);
    assert!(corr.as_string().is_some_and(|c| !c.is_empty()), "placeOrder returns a correlation id");
    sim.call("setProcessVersion", &[1.0.into()]);
    sim.step();
    sim.call("placeOrder", &[js(r#"{"dodgy": false}"#)]);
    sim.run_to_idle();

    let text = sim.export();
    let run = parse_run(&text);
    let inputs = run["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 3, "two orders and a version change recorded: {inputs:?}");
    assert_eq!(inputs[0]["step"], 15);
    assert_eq!(inputs[0]["action"]["type"], "PlaceOrder");
    assert_eq!(inputs[0]["action"]["dodgy"], true);
    assert_eq!(inputs[1]["action"]["type"], "SetProcessVersion");
    assert_eq!(inputs[1]["action"]["version"], 1);
    assert_eq!(inputs[2]["action"]["type"], "PlaceOrder");
    assert_eq!(inputs[2]["action"]["dodgy"], false);
    assert_eq!(to_json(&sim.call("inputs", &[])), run["inputs"]);
    assert_eq!(run["report"]["orders"], 6);

    let again = Sim::import(&text).unwrap_or_else(|e| panic!("importRun: {e:?}"));
    let back = parse_run(&again.export());
    assert_eq!(back["config"], run["config"]);
    assert_eq!(back["inputs"], run["inputs"]);
    assert_eq!(history(&back), history(&run), "the imported run has the same history");
    assert_eq!(back["report"], run["report"]);
    assert_eq!(again.export(), text, "export → import → export is the same text");
    assert_no_panic();
}

#[wasm_bindgen_test]
fn tampered_or_malformed_run_files_throw_readable_errors() {
    let text = Sim::new(r#"{"seed": 5, "orders": 3}"#).export();
    let run = parse_run(&text);

    let mut changed_id = run.clone();
    changed_id["history"][4]["id"] = "00000000-0000-4000-8000-000000000000".into();
    let mut changed_type = run.clone();
    changed_type["history"][1]["type"] = "OrderPaid".into();
    let mut dropped_msg = run.clone();
    dropped_msg["history"].as_array_mut().unwrap().pop();
    let mut other_seed = run.clone();
    other_seed["config"]["seed"] = 6.into();
    let mut bad_format = run.clone();
    bad_format["format"] = "brigade-rum".into();
    let mut bad_version = run.clone();
    bad_version["version"] = 99.into();
    let mut bad_config = run.clone();
    bad_config["config"]["drop"] = 2.into();

    let cases: Vec<(&str, String)> = vec![
        ("a changed message id", changed_id.to_string()),
        ("a changed message type", changed_type.to_string()),
        ("a missing last message", dropped_msg.to_string()),
        ("another seed with the old history", other_seed.to_string()),
        ("a wrong format", bad_format.to_string()),
        ("a wrong version", bad_version.to_string()),
        ("an invalid config", bad_config.to_string()),
        ("not JSON", text[..text.len() / 2].to_owned()),
        ("empty", String::new()),
        ("JSON of another shape", "[1, 2, 3]".to_owned()),
    ];
    for (what, bad) in cases {
        let err = match Sim::import(&bad) {
            Ok(_) => panic!("importRun accepted {what}"),
            Err(e) => e,
        };
        let msg = error_message(&err);
        if what == "an invalid config" {
            assert!(msg.contains("drop"), "{what}: the message names the field: {msg}");
        }
    }
    // The untouched file still imports.
    if let Err(e) = Sim::import(&text) {
        panic!("the untouched run file does not import: {}", error_message(&e));
    }
    assert_no_panic();
}

#[wasm_bindgen_test]
fn bad_configs_throw_naming_the_field() {
    let cases = [
        (r#"{"drop": 2}"#, "drop"),
        (r#"{"duplicate": -0.5}"#, "duplicate"),
        (r#"{"dodgy": 1.5}"#, "dodgy"),
        (r#"{"cooks": []}"#, "cooks"),
        (r#"{"cooks": [{"name": "Koen", "ms": 0}]}"#, "cooks"),
        (r#"{"dispatch": "random"}"#, "dispatch"),
        (r#"{"process_version": 7}"#, "process_version"),
        (r#"{"seed": "forty-two"}"#, "seed"),
        (r#"{"orders": -1}"#, "orders"),
        (r#"{"orders": 2.5}"#, "orders"),
        (r#"{"sede": 42}"#, "sede"),
    ];
    for (cfg, field) in cases {
        let err = match Sim::try_new(Some(cfg)) {
            Ok(_) => panic!("new Simulation({cfg}) was accepted"),
            Err(e) => e,
        };
        let msg = error_message(&err);
        assert!(msg.contains(field), "new Simulation({cfg}): the message names `{field}`: {msg}");
    }
    // A valid partial config still works after all those errors.
    let sim = Sim::new(r#"{"orders": 2}"#);
    sim.run_to_idle();
    assert_eq!(sim.report()["completed"], 2);

    let defaults = to_json(&Sim::class_call("defaultConfig"));
    assert_eq!(defaults["seed"], 42);
    assert_eq!(defaults["orders"], 10);
    assert_eq!(defaults["dispatch"], "more-fair");
    assert_no_panic();
}

/// A StepView without where its outputs are published (`published_step`: known once the
/// run computed so far has gone that far, so not yet when the step was first done).
fn unpublished(step: &Value) -> Value {
    let mut step = step.clone();
    for o in step["outputs"].as_array_mut().into_iter().flatten() {
        if let Some(o) = o.as_object_mut() {
            o.remove("published_step");
        }
    }
    step
}

/// A StepView without the fate of its outputs (`seq`, `status`, `id`, `published_step`: as of the cursor and of the run computed so far).
fn decided(step: &Value) -> Value {
    let mut step = step.clone();
    if let Some(outputs) = step["outputs"].as_array_mut() {
        for o in outputs {
            if let Some(o) = o.as_object_mut() {
                for key in ["seq", "status", "id", "published_step"] {
                    o.remove(key);
                }
            }
        }
    }
    step
}

/// The cross-platform determinism check: the run the native CLI prints, reproduced here.
pub fn assert_matches_native(expected: &Fingerprint) {
    assert!(expected.messages > 0, "the native fingerprint has not been filled in");
    let sim = Sim::new(expected.config);
    let run = parse_run(&sim.export());
    let history = history(&run);
    assert_eq!(history.len(), expected.messages, "message count for {}", expected.config);
    assert_eq!(history[0]["id"], expected.first_id, "first message id");
    assert_eq!(history[history.len() - 1]["id"], expected.last_id, "last message id");
    assert_eq!(
        history_fingerprint(history),
        expected.hash,
        "history hash for {} differs from the native CLI's",
        expected.config
    );
    // The history is also what the cursor shows, message by message.
    sim.run_to_idle();
    let ids: Vec<&str> = history.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(sim.message_ids(), ids);
    assert_contract_history(&run);
}

/// CONTRACT §2, checked on what the wasm build exports: `seq` from 0, `at_ms` never
/// decreasing, `kind` command or event, `causation_id` null only on `OrderPlaced`, exactly
/// one terminal event per order, and a report that adds up.
fn assert_contract_history(run: &Value) {
    let history = history(run);
    let mut placed = std::collections::BTreeSet::new();
    let mut terminal = std::collections::BTreeMap::<&str, usize>::new();
    let mut last_at = 0;
    for (i, m) in history.iter().enumerate() {
        assert_eq!(m["seq"], i, "seq counts from 0: {m}");
        let at = m["at_ms"].as_u64().expect("at_ms is a whole number");
        assert!(at >= last_at, "at_ms never decreases: {m}");
        last_at = at;
        assert!(m["kind"] == "command" || m["kind"] == "event", "kind: {m}");
        let ty = m["type"].as_str().expect("type");
        let corr = m["correlation_id"].as_str().expect("correlation_id");
        assert_eq!(m["causation_id"].is_null(), ty == "OrderPlaced", "causation_id null only on OrderPlaced: {m}");
        match ty {
            "OrderPlaced" => assert!(placed.insert(corr), "one OrderPlaced per order: {m}"),
            "OrderCompleted" | "OrderDropped" => *terminal.entry(corr).or_default() += 1,
            _ => {}
        }
    }
    assert_eq!(placed.len() as u64, run["report"]["orders"].as_u64().unwrap(), "report.orders");
    for corr in &placed {
        assert_eq!(terminal.get(corr), Some(&1), "order {corr} ends with exactly one terminal event");
    }
    let (completed, dropped) = (&run["report"]["completed"], &run["report"]["dropped"]);
    assert_eq!(completed.as_u64().unwrap() + dropped.as_u64().unwrap(), placed.len() as u64, "completed + dropped");
}

#[wasm_bindgen_test]
fn reference_run_equals_the_native_cli() {
    assert_matches_native(&REFERENCE);
}

#[wasm_bindgen_test]
fn chaos_run_equals_the_native_cli() {
    assert_matches_native(&CHAOS);
}

/// Manual inputs through the facade's JS names: a delivery's fate, a walk-out and a hire,
/// recorded in the run file and replayed by `importRun` (issue 9).
#[wasm_bindgen_test]
fn manual_inputs_change_the_run_and_replay_from_the_run_file() {
    let sim = Sim::new(r#"{"seed": 5, "orders": 6}"#);
    let waiting_for_a_cook = |sim: &Sim| {
        let queued = to_json(&sim.call("queued", &[]));
        queued
            .as_array()
            .expect("queued() is an array")
            .iter()
            .find(|q| {
                q["state"] == "waiting"
                    && q["changeable"] == true
                    && ["Koen", "Guido", "Greg"].contains(&q["actor"].as_str().unwrap_or(""))
            })
            .cloned()
    };
    while waiting_for_a_cook(&sim).is_none() {
        assert!(!sim.step().is_null(), "a cook gets mail before the run ends");
    }
    let q = waiting_for_a_cook(&sim).unwrap();
    for key in ["seq", "actor", "copy", "type", "correlation_id", "waiting_since_ms"] {
        assert!(!q[key].is_null(), "queued() entries have `{key}`: {q}");
    }
    let seq = q["seq"].as_f64().unwrap();
    let actor = q["actor"].as_str().unwrap();
    sim.call("dropMessage", &[seq.into(), actor.into()]);
    let faults = to_json(&sim.call("faults", &[]));
    let last = faults.as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["fault"].as_str(), last["manual"].as_bool()), (Some("drop"), Some(true)));
    assert!(waiting_for_a_cook(&sim).is_none_or(|other| other["seq"] != q["seq"] || other["actor"] != q["actor"]));
    // an entry of queued() can be passed as it is: a message in flight to a worker
    let in_flight = |sim: &Sim| {
        to_json(&sim.call("queued", &[]))
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["state"] == "in-flight" && q["changeable"] == true)
            .cloned()
    };
    while in_flight(&sim).is_none() {
        assert!(!sim.step().is_null(), "something is sent to a worker before the run ends");
    }
    let entry = in_flight(&sim).unwrap();
    assert!(entry["seq"].is_null() && entry["output"].is_u64() && entry["due_ms"].is_u64(), "{entry}");
    sim.call("delayMessage", &[js(&entry.to_string()), JsValue::UNDEFINED, 300.0.into()]);
    sim.call("hireCook", &["Ana".into(), 120.0.into()]);
    sim.call("cookLeaves", &["Greg".into()]);
    let actors = to_json(&sim.call("actors", &[]));
    let ana = actors.as_array().unwrap().iter().find(|a| a["name"] == "Ana").expect("Ana is on the floor").clone();
    assert_eq!(
        (ana["kind"].as_str(), ana["ms"].as_u64(), ana["away"].as_bool()),
        (Some("cook"), Some(120), Some(false))
    );
    sim.run_to_idle();
    assert_eq!(sim.report()["completed"], 6, "the timeouts recover the lost delivery");
    let text = sim.export();
    let run = parse_run(&text);
    let types: Vec<_> = run["inputs"].as_array().unwrap().iter().map(|i| i["action"]["type"].clone()).collect();
    assert_eq!(types, vec!["DropMessage", "DelayMessage", "HireCook", "CookLeaves"]);
    let again = Sim::import(&text).unwrap_or_else(|e| panic!("importRun: {}", error_message(&e)));
    assert_same_text(&again.export(), &text, "export → import → export");
    assert_no_panic();
}

#[wasm_bindgen_test]
fn bad_manual_inputs_throw_readable_errors_and_change_nothing() {
    let sim = Sim::new(r#"{"seed": 5, "orders": 3}"#);
    for _ in 0..5 {
        sim.step();
    }
    let before = (sim.total(), to_json(&sim.call("inputs", &[])), to_json(&sim.call("queued", &[])));
    let cases: Vec<(&str, Vec<JsValue>, &str)> = vec![
        ("cookLeaves", vec![5.0.into()], "cookLeaves: the cook's name must be a string, got the number 5"),
        ("cookLeaves", vec![], "cookLeaves: the cook's name must be a string, got undefined"),
        ("cookLeaves", vec!["Nobody".into()], "cookLeaves: no cook is called \"Nobody\""),
        ("cookReturns", vec!["Koen".into()], "cookReturns: Koen is in the kitchen"),
        ("hireCook", vec!["koen".into(), 100.0.into()], "hireCook: the name \"koen\" is taken"),
        ("hireCook", vec!["Ana".into(), "fast".into()], "hireCook: the cooking time must be a whole number of ms"),
        (
            "setCookTime",
            vec!["Koen".into(), 0.0.into()],
            "setCookTime: the cooking time must be a whole number of ms 1..=600000, got the number 0",
        ),
        (
            "dropMessage",
            vec!["3".into(), "Koen".into()],
            "dropMessage: expected a message's seq or an entry of queued()",
        ),
        (
            "dropMessage",
            vec![1e9.into(), "Koen".into()],
            "dropMessage: message 1000000000 is not waiting in Koen's mailbox",
        ),
        ("dropMessage", vec![0.0.into(), 7.0.into()], "dropMessage: the actor must be a string, got the number 7"),
        (
            "delayMessage",
            vec![0.0.into(), "Koen".into(), (-5.0).into()],
            "delayMessage: the delay must be a whole number of ms 1..=600000, got the number -5",
        ),
        (
            "duplicateMessage",
            vec![js(r#"{"seq": -1, "actor": "Koen"}"#)],
            "duplicateMessage: seq must be a whole number",
        ),
    ];
    for (name, args, expected) in cases {
        let thrown = sim.try_call(name, &args).expect_err(&format!("{name} with bad arguments throws"));
        let msg = error_message(&thrown);
        assert!(msg.starts_with(expected), "{name}: {msg:?} should start with {expected:?}");
    }
    let after = (sim.total(), to_json(&sim.call("inputs", &[])), to_json(&sim.call("queued", &[])));
    assert_eq!(after, before, "nothing changed");
}

// ---------------------------------------------------------------------------------------
// Size: memory, positions, imports and arguments (issue 12).
// ---------------------------------------------------------------------------------------

const MIB: f64 = 1_048_576.0;

/// The module's WebAssembly memory in bytes, read from the `WebAssembly.Memory` itself.
fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    buffer.byte_length() as f64
}

fn thrown(result: Result<JsValue, JsValue>, what: &str) -> String {
    match result {
        Ok(v) => panic!("{what} did not throw (returned {v:?})"),
        Err(e) => error_message(&e),
    }
}

/// 25,000 orders placed at once used to copy the whole backlog into a checkpoint every
/// 512 steps and trap at 4 GiB. Checkpoints are now spaced by what they hold.
#[wasm_bindgen_test]
fn a_big_backlog_runs_to_idle_in_bounded_memory() {
    /// All the tests of this file share one instance (and memory, which never shrinks);
    /// this run alone needs about 150 MiB.
    const BOUND_MIB: f64 = 768.0;
    let sim = Sim::new(r#"{"orders": 25000}"#);
    let mut chunks = 0;
    while !sim.call("extend", &[200_000.into()]).as_bool().expect("extend returns a boolean") {
        chunks += 1;
        assert!(chunks < 100, "25,000 orders take fewer than 20 million steps");
    }
    assert_eq!(sim.current(), 0, "extend does not move the cursor");
    let total = sim.total();
    assert!(total > 300_000, "{total} steps");
    let memory = wasm_memory_bytes();
    let said = Sim::class_call("memoryBytes").as_f64().expect("memoryBytes() is a number");
    assert_eq!(said, memory, "memoryBytes() is the module's WebAssembly.Memory size");
    assert!(memory < BOUND_MIB * MIB, "wasm memory {:.0} MiB, bound {BOUND_MIB} MiB", memory / MIB);

    // time travel still works across the big checkpoints
    sim.seek(total as f64).unwrap();
    let report = sim.report();
    assert_eq!(report["completed"].as_u64().unwrap() + report["dropped"].as_u64().unwrap(), 25_000);
    let count = sim.message_count();
    sim.seek((total / 2) as f64).unwrap();
    assert_eq!(sim.current(), total / 2);
    assert!(sim.step_back());
    sim.seek(total as f64).unwrap();
    assert_eq!(sim.message_count(), count);
    assert!(wasm_memory_bytes() < BOUND_MIB * MIB);
    assert_no_panic();
}

/// A config the page's engine cannot hold is refused before it runs, naming the limit.
#[wasm_bindgen_test]
fn a_run_too_big_for_the_page_is_refused_before_it_starts() {
    let before = wasm_memory_bytes();
    let err = match Sim::try_new(Some(r#"{"orders": 1000000}"#)) {
        Ok(_) => panic!("a million orders were accepted for time travel"),
        Err(e) => error_message(&e),
    };
    assert!(err.starts_with("config: orders:"), "{err}");
    assert!(err.contains("MiB") && err.contains("at most") && err.contains("time travel"), "{err}");
    // the same through a run file: refused before re-simulating anything
    let text = r#"{"format":"brigade-run","version":1,"config":{"orders":1000000},"history":[]}"#;
    let err = error_message(&Sim::import(text).err().expect("the file is refused"));
    assert!(err.contains("orders") && err.contains("MiB"), "{err}");
    assert!(wasm_memory_bytes() - before < 64.0 * MIB, "nothing big was built");
    // the limit is the page's: the headless run is not limited by it
    assert!(Sim::class_call("memoryBudget").as_f64().unwrap() <= 2048.0 * MIB);
    let big = r#"{"orders": 200000, "interval_ms": 3600000, "cooks": [{"name": "Koen", "ms": 1}]}"#;
    assert!(Sim::try_new(Some(big)).is_err(), "200,000 orders are refused for time travel");
    assert_no_panic();
}

/// Import compares each message as the re-simulation publishes it and stops at the first
/// difference: a small file claiming many orders is refused at once.
#[wasm_bindgen_test]
fn an_import_stops_at_the_first_difference() {
    let empty = r#"{"format":"brigade-run","version":1,"config":{"orders":50000},"history":[]}"#;
    let err = error_message(&Sim::import(empty).err().expect("an empty history is refused"));
    assert!(err.contains("the file has 0 messages, the simulation publishes more"), "{err}");

    // a real short history under a config with many more orders: refused at a message
    // within that short history, not after running 50,000 orders
    let mut run = parse_run(&Sim::new(r#"{"orders": 3, "interval_ms": 120}"#).export());
    run["config"]["orders"] = 50_000.into();
    let err = error_message(&Sim::import(&run.to_string()).err().expect("refused"));
    let seq: usize = err
        .split("message ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the error names the message: {err}"));
    assert!(seq <= history(&run).len(), "stopped at message {seq}: {err}");
    assert_no_panic();
}

/// Import reads the history one message at a time and compares each as it is read: a
/// file whose third message differs is refused naming it, even when the file is cut off
/// (not JSON) further on: the difference is found before the rest is read.
#[wasm_bindgen_test]
fn an_import_reports_a_difference_before_reading_the_rest() {
    let sim = Sim::new(r#"{"orders": 40, "interval_ms": 120}"#);
    sim.run_to_idle();
    let text = sim.export();
    let tampered = text.replacen(r#""seq":2,"at_ms":0,"#, r#""seq":2,"at_ms":5,"#, 1);
    assert_ne!(tampered, text, "the export writes message 2 at 0 ms, compact");
    let cut = &tampered[..tampered.len() * 2 / 3];
    for file in [tampered.as_str(), cut] {
        let err = error_message(&Sim::import(file).err().expect("refused"));
        assert!(err.contains("message 2: `at_ms` is 5 in the file, 0 in the simulation"), "{err}");
    }
    // cut without a difference, it is not a readable file
    let err = error_message(&Sim::import(&text[..text.len() * 2 / 3]).err().expect("refused"));
    assert!(err.contains("not a readable run file"), "{err}");
    assert!(Sim::import(&text).is_ok());
    assert_no_panic();
}

/// Positions are 32-bit: on wasm32 they used to stop at 2^21 - 1 (`usize::MAX >> 11`).
#[wasm_bindgen_test]
fn positions_past_two_million_are_positions() {
    let sim = Sim::new(r#"{"orders": 2}"#);
    sim.run_to_idle();
    let far = 2_097_152.0;
    assert!(sim.call("message", &[far.into()]).is_undefined(), "message(2^21) is beyond this run");
    assert!(sim.call("message", &[4_294_967_295.0.into()]).is_undefined());
    assert_eq!(to_json(&sim.call("messages", &[far.into(), (far + 10.0).into()])), serde_json::json!([]));
    assert_eq!(to_json(&sim.call("steps", &[far.into(), 1e12.into()])), serde_json::json!([]));
    assert_eq!(to_json(&sim.call("orders", &[3e6.into(), 3.5e6.into()])), serde_json::json!([]));
    assert_eq!(to_json(&sim.call("deliveries", &[far.into()])), serde_json::json!([]));
    let n = sim.message_count() as f64;
    let all = to_json(&sim.call("messages", &[0.into(), 1e12.into()]));
    assert_eq!(all.as_array().unwrap().len() as f64, n, "a far end is clipped to the run");
    let err = thrown(sim.try_call("message", &[4_294_967_296.0.into()]), "message(2^32)");
    assert!(err.contains("expected a whole number from 0 to 4294967295"), "{err}");
    assert!(sim.call("extend", &[4_294_967_295.0.into()]).as_bool().unwrap());
    assert_no_panic();
}

/// Every facade method checks its arguments: a wrong kind of value is an `Error` with a
/// readable message (it used to be "memory access out of bounds" for strings).
#[wasm_bindgen_test]
fn wrong_kinds_of_arguments_throw_readable_errors() {
    let sim = Sim::new(r#"{"orders": 2}"#);
    sim.run_to_idle();
    let id = to_json(&sim.call("orders", &[]))[0]["correlation_id"].as_str().unwrap().to_owned();
    let obj = || js("{}");
    let huge: JsValue = "x".repeat(200_000).into();
    let cases: Vec<(&str, Vec<JsValue>, &str)> = vec![
        ("seqsOfType", vec![5.into()], "the number 5"),
        ("seqsOfType", vec![JsValue::UNDEFINED], "undefined"),
        ("order", vec![5.into()], "the number 5"),
        ("order", vec![huge.clone()], "not a correlation id"),
        ("orderStream", vec![obj()], "an object"),
        ("replay", vec![id.as_str().into(), 5.into()], "the number 5"),
        ("replay", vec![5.into()], "the number 5"),
        ("replay", vec![id.as_str().into(), "pay-last".into(), "2".into()], "the string \"2\""),
        ("message", vec!["3".into()], "expected a whole number from 0 to 4294967295"),
        ("message", vec![JsValue::NULL], "null"),
        ("messages", vec!["a".into(), 3.into()], "a position"),
        ("steps", vec![0.into(), f64::NAN.into()], "NaN"),
        ("seek", vec!["3".into()], "the string"),
        ("seek", vec![(-1).into()], "whole number"),
        ("extend", vec![obj()], "an object"),
        ("setProcessVersion", vec!["2".into()], "the string"),
        ("placeOrder", vec![5.into()], "dodgy"),
        ("placeOrder", vec![js(r#"{"dodgy": "yes"}"#)], "true or false"),
        ("deliveries", vec![js("[1]")], "an array"),
        ("queueSamples", vec![true.into()], "a boolean"),
    ];
    for (name, args, needle) in cases {
        let err = thrown(sim.try_call(name, &args), name);
        assert!(err.starts_with(name), "{name}: the message names the method: {err}");
        assert!(err.contains(needle), "{name}({args:?}): {err} lacks {needle:?}");
        assert!(err.len() < 400, "{name}: a long input is not quoted whole ({} bytes)", err.len());
        assert!(!err.contains("usize") && !err.contains("f64"), "{name}: no Rust jargon: {err}");
    }
    for arg in [5.into(), obj(), JsValue::UNDEFINED, JsValue::NULL, js("[]")] {
        let err = thrown(apply(&class(), "importRun", std::slice::from_ref(&arg)), "importRun");
        assert!(err.contains("importRun: expected the run file's text (a string)"), "{arg:?}: {err}");
    }
    let err = thrown(apply(&class(), "importRun", std::slice::from_ref(&huge)), "importRun(huge)");
    assert!(err.len() < 400, "{err}");
    let err = match Sim::try_new(Some(&format!(r#"{{"dispatch": "{}"}}"#, "y".repeat(100_000)))) {
        Ok(_) => panic!("a 100,000-character dispatch kind was accepted"),
        Err(e) => error_message(&e),
    };
    assert!(err.contains("dispatch") && err.len() < 400, "{} bytes: {}", err.len(), &err[..err.len().min(200)]);
    let bad_step = r#"{"format":"brigade-run","version":1,"config":{},"inputs":[{"step":"x","action":{"type":"PlaceOrder"}}],"history":[]}"#;
    let err = error_message(&Sim::import(bad_step).err().expect("refused"));
    assert!(!err.contains("usize") && err.contains("whole number"), "{err}");
    // the simulation is untouched by all of that
    assert_eq!(sim.report()["completed"], 2);
    assert_no_panic();
}

/// The `Exploration` class (its constructor function), as JavaScript sees it.
fn exploration_class() -> JsValue {
    let run = Sim::new(r#"{"orders": 1}"#).export();
    let any: JsValue = brigade::explore::wasm::Exploration::new(run.as_str().into())
        .unwrap_or_else(|e| panic!("new Exploration(run): {:?}", JsValue::from(e)))
        .into();
    Reflect::get(&any, &"constructor".into()).expect("Exploration.constructor")
}

/// `new Exploration(arg)`.
fn new_exploration(arg: &JsValue) -> Result<JsValue, JsValue> {
    let ctor: Function = exploration_class().unchecked_into();
    Reflect::construct(&ctor, &Array::of1(arg))
}

/// A JavaScript function of `obj` built from its body.
fn js_fn(arg: &str, body: &str) -> Function {
    Function::new_with_args(arg, body)
}

/// The engine still works after something hostile: three fresh simulations run to idle.
fn assert_engine_alive() {
    for _ in 0..3 {
        let sim = Sim::new(r#"{"orders": 3}"#);
        sim.run_to_idle();
        assert_eq!(sim.report()["completed"], 3);
    }
    assert_no_panic();
}

/// Issue 26, point 3: a handle or a text of the wrong kind to a static facade call is an
/// `Error` (it was "RuntimeError: memory access out of bounds"), and an object with a huge
/// `length` given for a text allocates nothing (wasm-bindgen's glue used to allocate
/// `length` bytes before noticing it was no string).
#[wasm_bindgen_test]
fn static_calls_check_their_texts_before_copying_them() {
    let cases: Vec<(&str, Vec<JsValue>, &str)> = vec![
        (
            "importProcessRun",
            vec![5.into(), "{}".into()],
            "importProcessRun: expected the run file's text (a string), got the number 5",
        ),
        ("importProcessRun", vec![js(r#"{"run": 5}"#), "[]".into()], "got an object"),
        (
            "importProcessRun",
            vec!["{}".into(), 5.into()],
            "expected the recorded decisions (a string), got the number 5",
        ),
        (
            "rerunProcess",
            vec![5.into(), js_fn("s", "return s").into()],
            "rerunProcess: expected the run file's text (a string), got the number 5",
        ),
        ("importRun", vec![js("[1, 2]")], "importRun: expected the run file's text (a string), got an array"),
    ];
    for (name, args, needle) in cases {
        let err = thrown(apply(&class(), name, &args), name);
        assert!(err.contains(needle), "{name}: {err}");
    }
    let err = thrown(new_exploration(&5.into()), "new Exploration(5)");
    assert!(err.contains("explore: expected the run file's text (a string), got the number 5"), "{err}");

    let before = wasm_memory_bytes();
    let huge = js_fn("", "return { length: 1e9, toString() { return 'x' } }").call0(&JsValue::NULL).unwrap();
    for name in ["importProcessRun", "rerunProcess", "importRun"] {
        let err = thrown(apply(&class(), name, &[huge.clone(), huge.clone()]), name);
        assert!(err.contains("got an object"), "{name}: {err}");
    }
    let err = thrown(new_exploration(&huge), "new Exploration(huge)");
    assert!(err.contains("got an object"), "{err}");
    assert!(
        wasm_memory_bytes() - before < 16.0 * MIB,
        "an object's `length` allocated {} MiB",
        (wasm_memory_bytes() - before) / MIB
    );
    assert_engine_alive();
}

/// Issue 26, point 3: an argument whose `valueOf` or getter frees the object it is given
/// to cannot make the call use freed memory (it did: after
/// `ex.advance({ valueOf() { ex.free(); return 10 } })` even a new `Simulation` trapped).
/// Numbers are read as they are given, never through `valueOf`.
#[wasm_bindgen_test]
fn an_argument_that_frees_its_object_cannot_use_freed_memory() {
    let run = Sim::new(r#"{"orders": 1}"#).export();
    let ctor: Function = exploration_class().unchecked_into();
    let ex = Reflect::construct(&ctor, &Array::of1(&run.as_str().into())).expect("new Exploration(run)");
    let freeing = js_fn("o", "return { valueOf() { o.free(); return 10 } }").call1(&JsValue::NULL, &ex).unwrap();
    let err = thrown(apply(&ex, "advance", &[freeing]), "ex.advance({ valueOf })");
    assert!(err.contains("budget must be a whole number ≥ 1, got an object"), "{err}");
    // not freed by the refused call: it still explores, then frees once
    let progress = to_json(&apply(&ex, "advance", &[10.into()]).expect("advance(10)"));
    assert_eq!(progress["states"], 10, "{progress}");
    apply(&ex, "free", &[]).expect("free()");
    let err = thrown(apply(&ex, "advance", &[10.into()]), "advance after free()");
    assert!(!err.is_empty());

    // the same with a simulation's methods, with `valueOf` and with getters
    let sim = Sim::new(r#"{"orders": 2}"#);
    let freeing = js_fn("o", "return { valueOf() { o.free(); return 1 } }").call1(&JsValue::NULL, &sim.0).unwrap();
    for name in ["seek", "extend", "message", "deliveries", "setProcessVersion"] {
        let err = thrown(sim.try_call(name, std::slice::from_ref(&freeing)), name);
        assert!(err.contains("an object"), "{name}: {err}");
    }
    sim.call("extend", &[5.into()]);
    let getter = js_fn("o", "return { get seq() { o.free(); return 1 }, get actor() { return 'Koen' } }")
        .call1(&JsValue::NULL, &sim.0)
        .unwrap();
    // the getter runs while the call holds the simulation: freeing it then is deferred
    // until the call returns, and whatever the call answers, nothing is used after free
    let _ = sim.try_call("dropMessage", &[getter]);
    assert_engine_alive();
}

/// Issue 26, point 3: `lastPanic()` is `null` when nothing panicked (it was `undefined`).
#[wasm_bindgen_test]
fn last_panic_is_null_when_nothing_panicked() {
    assert!(Sim::class_call("lastPanic").is_null());
}

/// Issue 26, point 11: an error quotes a long input in its first 80 characters only
/// (`cookLeaves("x".repeat(100000))` threw a 100,032-character message).
#[wasm_bindgen_test]
fn errors_quote_at_most_80_characters_of_an_input() {
    let sim = Sim::new(r#"{"orders": 1}"#);
    let long = "x".repeat(100_000);
    let calls: Vec<(&str, Vec<JsValue>)> = vec![
        ("cookLeaves", vec![long.as_str().into()]),
        ("cookReturns", vec![long.as_str().into()]),
        ("setCookTime", vec![long.as_str().into(), 100.into()]),
        ("hireCook", vec![long.as_str().into(), 100.into()]),
        ("dropMessage", vec![1.into(), long.as_str().into()]),
        ("seqsOfType", vec![long.as_str().into()]),
        ("order", vec![long.as_str().into()]),
        ("replay", vec![long.as_str().into()]),
    ];
    for (name, args) in calls {
        let err = thrown(sim.try_call(name, &args), name);
        let longest_x = err.split(|c| c != 'x').map(str::len).max().unwrap_or(0);
        assert!(longest_x <= 80, "{name}: quotes {longest_x} characters of the input: {}", &err[..err.len().min(200)]);
        assert!(err.chars().count() <= 80 + 200, "{name}: {} characters", err.chars().count());
        assert!(err.contains('…'), "{name}: a cut input ends with an ellipsis: {err}");
    }
    assert_no_panic();
}

/// The most orders the page's budget takes with `cfg`, read from `checkMemory`'s refusal
/// of a million ("… it runs at most N orders …").
fn most_orders(cfg: &str) -> u64 {
    let mut big: Value = serde_json::from_str(cfg).unwrap();
    big["orders"] = 1_000_000.into();
    let err = thrown(apply(&class(), "checkMemory", &[js(&big.to_string())]), "checkMemory(1,000,000 orders)");
    err.split("at most ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the refusal says what fits: {err}"))
}

/// Issue 26, points 2 and 4: every way into the page's engine respects one memory budget,
/// refused up front with what fits: `checkMemory` (a `#run=` link's config and its orders
/// placed by hand), `placeOrder`, and `importProcessRun` (a 2 KB run file claiming
/// 1,000,000 orders reached 4,080 MiB and trapped after 15 s).
#[wasm_bindgen_test]
fn every_way_in_respects_the_memory_budget() {
    let cfg = r#"{"max_retries": 10, "drop": 0.3, "duplicate": 0.3, "dodgy": 0.5, "cook_timeout_ms": 1}"#;
    let most = most_orders(cfg);
    assert!(most > 100 && most < 100_000, "{most}");
    let mut at_edge: Value = serde_json::from_str(cfg).unwrap();
    at_edge["orders"] = most.into();
    let at_edge = js(&at_edge.to_string());
    assert!(apply(&class(), "checkMemory", std::slice::from_ref(&at_edge)).expect("fits").is_undefined());
    assert!(apply(&class(), "checkMemory", &[at_edge.clone(), 0.into()]).expect("fits").is_undefined());
    // a link with the config at the edge and 110,000 orders placed by hand
    let err = thrown(apply(&class(), "checkMemory", &[at_edge.clone(), 110_000.into()]), "checkMemory(+110,000)");
    assert!(err.contains("110000 placed by hand") && err.contains(&format!("at most {most} orders")), "{err}");
    let err = thrown(apply(&class(), "checkMemory", &[at_edge.clone(), 1.into()]), "checkMemory(+1)");
    assert!(err.contains("1 placed by hand"), "{err}");
    let err = thrown(apply(&class(), "checkMemory", &[at_edge.clone(), "many".into()]), "checkMemory(\"many\")");
    assert!(err.contains("placedOrders"), "{err}");

    // placing one more order by hand on a run at the edge is refused, and changes nothing
    let ctor: Function = class().unchecked_into();
    let sim = Sim(Reflect::construct(&ctor, &Array::of1(&at_edge)).expect("a run at the edge"));
    let err = thrown(sim.try_call("placeOrder", &[]), "placeOrder at the edge");
    assert!(err.starts_with("placeOrder:") && err.contains("at most"), "{err}");
    assert!(to_json(&sim.call("inputs", &[])).as_array().unwrap().is_empty(), "nothing was recorded");

    // a small run file claiming a million orders, given as a worker's run
    let mut run = parse_run(&Sim::new(r#"{"orders": 1}"#).export());
    run["config"]["orders"] = 1_000_000.into();
    run["history"] = run["history"].as_array().unwrap()[..4].to_vec().into();
    let text = run.to_string();
    assert!(text.len() < 4096, "{} bytes", text.len());
    let before = wasm_memory_bytes();
    let err = thrown(
        apply(&class(), "importProcessRun", &[text.as_str().into(), "[]".into()]),
        "importProcessRun(1,000,000)",
    );
    assert!(err.contains("1000000") && err.contains("at most") && err.contains("MiB"), "{err}");
    assert!(wasm_memory_bytes() - before < 16.0 * MIB, "refused before anything was built");
    assert_no_panic();
}

#[wasm_bindgen_test]
fn the_vocabulary_follows_the_runs_wiring() {
    let pm = to_json(&Sim::new("{}").call("vocabulary", &[]));
    assert_eq!(pm["architecture"], "process-manager");
    assert_eq!(pm["receivers"]["FoodCooked"], serde_json::json!(["house"]));
    let types = pm["message_types"].as_array().expect("message_types is an array");
    assert!(types.iter().any(|t| t["name"] == "CookFood" && t["kind"] == "command"));
    assert!(types.iter().any(|t| t["name"] == "OrderCompleted" && t["terminal"] == true));
    let roles = pm["roles"].as_array().expect("roles is an array");
    let am = roles.iter().find(|r| r["role"] == "assistant-manager").expect("the assistant manager");
    assert_eq!(am["display"], "assistant manager");
    assert_eq!(am["receives"], serde_json::json!(["PriceOrder"]));
    let choreography = to_json(&Sim::new(r#"{"architecture":"choreography"}"#).call("vocabulary", &[]));
    assert_eq!(choreography["receivers"]["FoodCooked"], serde_json::json!(["assistant-manager", "printer"]));
    assert!(choreography["receivers"].get("CookFood").is_none());
}

#[wasm_bindgen_test]
fn the_vocabulary_of_an_architecture_without_a_run_equals_a_runs() {
    for architecture in ["process-manager", "choreography", "commands"] {
        let alone = to_json(&apply(&class(), "vocabularyOf", &[architecture.into()]).expect("vocabularyOf"));
        let config = format!(r#"{{"architecture":"{architecture}"}}"#);
        assert_eq!(alone, to_json(&Sim::new(&config).call("vocabulary", &[])), "{architecture}");
    }
    let default = to_json(&apply(&class(), "vocabularyOf", &[]).expect("vocabularyOf()"));
    assert_eq!(default["architecture"], "process-manager");
    let types = default["message_types"].as_array().expect("message_types");
    let cook = types.iter().find(|t| t["name"] == "CookFood").expect("CookFood");
    assert_eq!((cook["meaning"].as_str(), cook["step"].as_str()), (Some("work"), Some("cook")));
    let err = thrown(apply(&class(), "vocabularyOf", &["kitchen".into()]), "an unknown architecture");
    assert!(err.contains("architecture must be"), "{err}");
    assert_no_panic();
}

#[wasm_bindgen_test]
fn strict_json_reads_a_text_as_the_run_file_and_config_readers_do() {
    let strict = |text: &str| apply(&class(), "strictJson", &[text.into()]);
    assert_eq!(
        strict("\u{feff}{\"orders\": 2}").expect("a byte-order mark is skipped").as_string().as_deref(),
        Some("{\"orders\": 2}")
    );
    let err = thrown(strict(r#"{"cooks": [{"name": "A", "ms": 1, "ms": 2}]}"#), "a key named twice");
    assert!(err.contains("duplicate key \"ms\""), "{err}");
    let err = thrown(strict("{\"orders\": 2} x"), "trailing characters");
    assert!(!err.is_empty());
    let err = thrown(apply(&class(), "strictJson", &[JsValue::from_f64(5.0)]), "a number");
    assert!(err.contains("strictJson"), "{err}");
    assert_no_panic();
}

// ---------------------------------------------------------------------------------------
// An observed run (issue 24): a record of a live kitchen, through `ObservedRun`'s JS names.
// ---------------------------------------------------------------------------------------

/// The `ObservedRun` class, as JavaScript sees it.
fn observed_class() -> JsValue {
    let any: JsValue =
        brigade::wasm_observed::ObservedRun::follow(JsValue::UNDEFINED).expect("ObservedRun.follow()").into();
    Reflect::get(&any, &"constructor".into()).expect("ObservedRun.constructor")
}

/// `tests/observed/five-orders.json`: a real record, made by `brigade live --record`.
const FIVE_ORDERS: &str = include_str!("observed/five-orders.json");

#[wasm_bindgen_test]
fn an_observed_run_opens_as_recorded_travels_in_time_and_refuses_to_change() {
    let observed = observed_class();
    let yes = apply(&observed, "isObserved", &[FIVE_ORDERS.into()]).expect("isObserved");
    assert_eq!(yes.as_bool(), Some(true));
    let run = apply(&observed, "importRun", &[FIVE_ORDERS.into()]).unwrap_or_else(|e| panic!("{}", error_message(&e)));
    let call = |name: &str, args: &[JsValue]| {
        apply(&run, name, args).unwrap_or_else(|e| panic!("{name}: {}", error_message(&e)))
    };
    let file: Value = serde_json::from_str(FIVE_ORDERS).unwrap();
    let messages = file["history"].as_array().unwrap().len() as f64;
    assert_eq!(call("totalSteps", &[]).as_f64(), Some(messages));
    assert_eq!(call("currentStep", &[]).as_f64(), Some(messages));
    assert_eq!(call("orderCount", &[]).as_f64(), Some(5.0));
    call("seek", &[10.into()]);
    assert_eq!(to_json(&call("messages", &[0.into(), 100.into()])).as_array().unwrap().len(), 10);
    assert_eq!(call("stepBack", &[]).as_bool(), Some(true));
    assert_eq!(to_json(&call("lastStep", &[]))["step"], 9);
    let faults = to_json(&call("faultsInRun", &[0.into(), 1000.into()]));
    assert!(faults.as_array().unwrap().iter().any(|f| f["fault"] == "unanswered"), "{faults}");
    for (name, args) in [
        ("placeOrder", vec![js("{}")]),
        ("dropMessage", vec![3.into(), "Koen".into()]),
        ("hireCook", vec!["Ana".into(), 300.into()]),
        ("crash", vec!["Koen".into()]),
        ("poisonMessage", vec![3.into(), "Koen".into()]),
        ("redeliverMessage", vec![3.into()]),
        ("migrateOrder", vec![1.into(), 1.into()]),
        ("migrateOrders", vec!["pay-last".into(), 1.into()]),
    ] {
        let err = error_message(&apply(&run, name, &args).expect_err(name));
        assert!(err.starts_with(&format!("{name}: this is an observed run")), "{err}");
    }
    let why = call("migrationRefusal", &[1.into(), 1.into()]).as_string().expect("a reason");
    assert!(why.starts_with("migrateOrder: this is an observed run"), "{why}");
    assert_eq!(call("currentStep", &[]).as_f64(), Some(9.0), "nothing changed");
    // a simulation refuses the record, saying what it is
    let err = error_message(&apply(&class(), "importRun", &[FIVE_ORDERS.into()]).expect_err("Simulation.importRun"));
    assert!(err.contains("this is an observed run"), "{err}");
    // a tampered record is refused with what is wrong
    let tampered = FIVE_ORDERS.replacen("\"seq\": 3,", "\"seq\": 7,", 1);
    let err = error_message(&apply(&observed, "importRun", &[tampered.into()]).expect_err("tampered"));
    assert_eq!(err, "observed run: message 3: `seq` is 7, expected 3");
}

/// The page calls a run's methods without asking which kind it is: an observed run answers
/// every call a `Simulation` has (reading, or refusing to change), but the learner's process.
#[wasm_bindgen_test]
fn an_observed_run_answers_every_call_a_simulation_has() {
    let names = |class: &JsValue| -> Vec<String> {
        let proto: js_sys::Object = Reflect::get(class, &"prototype".into()).expect("prototype").unchecked_into();
        js_sys::Object::get_own_property_names(&proto).iter().filter_map(|n| n.as_string()).collect()
    };
    let observed = names(&observed_class());
    let missing: Vec<String> = names(&class())
        .into_iter()
        .filter(|n| !observed.contains(n) && !["processCode", "processError"].contains(&n.as_str()))
        .collect();
    assert!(missing.is_empty(), "ObservedRun lacks {missing:?}");
}
