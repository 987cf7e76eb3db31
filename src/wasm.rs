//! The JavaScript facade (`Simulation`), the only thing the page talks to.
//!
//! A thin layer: it converts arguments, calls [`Timeline`] and [`view`],
//! and converts results to plain JavaScript objects. Bad arguments become `Error`s with
//! a one-line message and leave the simulation as it was. docs/FACADE.md is its manual.

use crate::message::MessageType;
use crate::process::Definition;
use crate::report::Report;
use crate::run_file::{self, View};
use crate::scenario::Config;
use crate::sim::{Timeline, World};
use crate::view;
use serde::Serialize;
use std::cell::RefCell;
use uuid::Uuid;
use wasm_bindgen::prelude::*;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_panic_hook() {
    use std::sync::Once;
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let text = format!("internal error (please report): {info}");
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
            previous(info);
        }));
    });
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not convert a result for JavaScript: {e}")))
}

fn whole(name: &str, v: f64, max: usize) -> Result<usize, JsError> {
    if !v.is_finite() || v < 0.0 || v.fract() != 0.0 || v > max as f64 {
        return Err(JsError::new(&format!("{name}: expected a whole number 0..={max}, got {v}")));
    }
    Ok(v as usize)
}

/// A position in a list (`from`/`to` of a slice): negatives count as 0, fractions are
/// rounded down; infinities are refused.
fn position(name: &str, v: f64) -> Result<usize, JsError> {
    whole(name, v.max(0.0).floor(), usize::MAX >> 11)
}

fn uuid_arg(name: &str, v: &str) -> Result<Uuid, JsError> {
    Uuid::parse_str(v.trim()).map_err(|_| JsError::new(&format!("{name}: {v:?} is not a correlation id")))
}

fn config_from_js(cfg: &JsValue) -> Result<Config, JsError> {
    if cfg.is_undefined() || cfg.is_null() {
        return Ok(Config::default());
    }
    if !cfg.is_object() || js_sys::Array::is_array(cfg) {
        return Err(JsError::new("config: expected an object such as { seed: 42, orders: 10 }"));
    }
    let text = js_sys::JSON::stringify(cfg)
        .map_err(|_| JsError::new("config: could not be read as JSON"))?
        .as_string()
        .unwrap_or_default();
    Config::from_json(&text).map_err(|e| JsError::new(&format!("config: {e}")))
}

/// A run of the restaurant, with time travel. See docs/FACADE.md.
#[wasm_bindgen]
pub struct Simulation {
    timeline: Timeline,
}

#[wasm_bindgen]
impl Simulation {
    /// A run at step 0 from a partial config (missing keys take defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(cfg: JsValue) -> Result<Simulation, JsError> {
        install_panic_hook();
        let config = config_from_js(&cfg)?;
        let world = World::new(config).map_err(|e| JsError::new(&format!("config: {e}")))?;
        Ok(Simulation { timeline: Timeline::new(world) })
    }

    /// A run re-simulated from a run file; throws if the file is not valid or its history
    /// does not match.
    #[wasm_bindgen(js_name = importRun)]
    pub fn import_run(text: &str) -> Result<Simulation, JsError> {
        install_panic_hook();
        let err = |e: run_file::ImportError| JsError::new(&format!("cannot import: {e}"));
        let run = run_file::parse(text).map_err(err)?;
        let world = World::with_inputs(run.config, run.inputs).map_err(|e| err(e.into()))?;
        let mut timeline = Timeline::new(world);
        timeline.run_to_idle();
        run_file::verify(timeline.world(), &run.history).map_err(err)?;
        timeline.seek(run.view.map_or(0, |v| v.step));
        Ok(Simulation { timeline })
    }

    /// Runs a config to idle without time travel (no checkpoints kept) and returns its
    /// report: for scripts and benchmarks that only want the outcome.
    #[wasm_bindgen(js_name = runHeadless)]
    pub fn run_headless(cfg: JsValue) -> Result<JsValue, JsError> {
        install_panic_hook();
        let config = config_from_js(&cfg)?;
        let mut world = World::new(config).map_err(|e| JsError::new(&format!("config: {e}")))?;
        world.run_to_idle();
        to_js(&Report::of(&world))
    }

    /// The full default config.
    #[wasm_bindgen(js_name = defaultConfig)]
    pub fn default_config() -> Result<JsValue, JsError> {
        to_js(&Config::default())
    }

    /// The presets: `[{ name, description, config }]`.
    pub fn presets() -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Preset {
            name: &'static str,
            description: &'static str,
            config: Config,
        }
        let list: Vec<Preset> = Config::presets()
            .into_iter()
            .map(|(name, description, config)| Preset { name, description, config })
            .collect();
        to_js(&list)
    }

    /// A fresh random seed (from the platform's randomness; the run itself never uses it).
    #[wasm_bindgen(js_name = randomSeed)]
    pub fn random_seed() -> String {
        let mut bytes = [0u8; 8];
        match getrandom::fill(&mut bytes) {
            Ok(()) => (u64::from_le_bytes(bytes) >> 11).to_string(),
            Err(_) => "42".to_string(),
        }
    }

    /// The message of the last Rust panic, if one happened.
    #[wasm_bindgen(js_name = lastPanic)]
    pub fn last_panic() -> Option<String> {
        LAST_PANIC.with(|p| p.borrow().clone())
    }

    /// The run's config (the seed as a string when above 2^53).
    pub fn config(&self) -> Result<JsValue, JsError> {
        let cfg = self.timeline.world().config();
        let mut value = serde_json::to_value(cfg).map_err(|e| JsError::new(&e.to_string()))?;
        if cfg.seed > (1u64 << 53) {
            value["seed"] = serde_json::Value::String(cfg.seed.to_string());
        }
        to_js(&value)
    }

    /// One step forward; `undefined` when idle.
    pub fn step(&mut self) -> Result<JsValue, JsError> {
        match self.timeline.step() {
            Some(o) => to_js(&view::step(self.timeline.world(), o.step)),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// One step back; `false` at step 0.
    #[wasm_bindgen(js_name = stepBack)]
    pub fn step_back(&mut self) -> bool {
        self.timeline.step_back()
    }

    /// Jumps to step `n` (0..=totalSteps()).
    pub fn seek(&mut self, n: f64) -> Result<(), JsError> {
        let n = whole("seek", n, self.timeline.total())?;
        self.timeline.seek(n);
        Ok(())
    }

    /// Runs to idle; the cursor ends there. Returns the step count.
    #[wasm_bindgen(js_name = runToIdle)]
    pub fn run_to_idle(&mut self) -> usize {
        self.timeline.run_to_idle()
    }

    /// Grows the known run by up to `maxSteps` without moving the cursor; `true` once it
    /// ends idle.
    pub fn extend(&mut self, max_steps: f64) -> Result<bool, JsError> {
        let n = whole("extend", max_steps, usize::MAX >> 11)?;
        Ok(self.timeline.extend(n))
    }

    /// Steps done at the cursor.
    #[wasm_bindgen(js_name = currentStep)]
    pub fn current_step(&self) -> usize {
        self.timeline.current()
    }

    /// Steps in the known run.
    #[wasm_bindgen(js_name = totalSteps)]
    pub fn total_steps(&self) -> usize {
        self.timeline.total()
    }

    /// Whether the known run ends idle.
    #[wasm_bindgen(js_name = frontierIdle)]
    pub fn frontier_idle(&self) -> bool {
        self.timeline.frontier_idle()
    }

    /// Simulated ms at the cursor.
    #[wasm_bindgen(js_name = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.timeline.world().now() as f64
    }

    /// The waiter takes one order now; returns its correlation id. `opts`: `{ dodgy }`.
    #[wasm_bindgen(js_name = placeOrder)]
    pub fn place_order(&mut self, opts: JsValue) -> Result<String, JsError> {
        let dodgy = if opts.is_undefined() || opts.is_null() {
            false
        } else {
            let v = js_sys::Reflect::get(&opts, &JsValue::from_str("dodgy"))
                .map_err(|_| JsError::new("placeOrder: expected { dodgy: true | false }"))?;
            if v.is_undefined() {
                false
            } else {
                v.as_bool().ok_or_else(|| JsError::new("placeOrder: dodgy must be true or false"))?
            }
        };
        Ok(self.timeline.place_order(dodgy).to_string())
    }

    /// New orders from now on use process version `v`.
    #[wasm_bindgen(js_name = setProcessVersion)]
    pub fn set_process_version(&mut self, v: f64) -> Result<(), JsError> {
        let v = whole("setProcessVersion", v, 255)? as u8;
        self.timeline.set_process_version(v).map_err(|e| JsError::new(&format!("setProcessVersion: {}", e.message)))
    }

    /// Process version for new orders at the cursor.
    #[wasm_bindgen(js_name = processVersion)]
    pub fn process_version(&self) -> u8 {
        self.timeline.world().process_version()
    }

    /// The user inputs of the run.
    pub fn inputs(&self) -> Result<JsValue, JsError> {
        to_js(self.timeline.world().inputs())
    }

    /// The actors at the cursor.
    pub fn actors(&self) -> Result<JsValue, JsError> {
        to_js(&view::actors(self.timeline.world()))
    }

    /// Messages published by the cursor.
    #[wasm_bindgen(js_name = messageCount)]
    pub fn message_count(&self) -> usize {
        self.timeline.world().store().len()
    }

    /// Messages `[from, to)` at the cursor.
    pub fn messages(&self, from: f64, to: f64) -> Result<JsValue, JsError> {
        let from = position("messages: from", from)?;
        let to = position("messages: to", to)?;
        to_js(&view::messages(self.timeline.world(), from, to))
    }

    /// The seqs of every message of type `name` published by the cursor, ascending.
    #[wasm_bindgen(js_name = seqsOfType)]
    pub fn seqs_of_type(&self, name: &str) -> Result<js_sys::Uint32Array, JsError> {
        let t = MessageType::from_name(name)
            .ok_or_else(|| JsError::new(&format!("seqsOfType: unknown message type {name:?}")))?;
        let seqs = view::seqs_of_type(self.timeline.world(), t);
        Ok(js_sys::Uint32Array::from(&seqs[..]))
    }

    /// One message with its payload; `undefined` beyond the cursor.
    pub fn message(&self, seq: f64) -> Result<JsValue, JsError> {
        let seq = whole("message", seq, usize::MAX >> 11)?;
        match view::message_detail(self.timeline.world(), seq) {
            Some(m) => to_js(&m),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The step that led to the cursor; `undefined` at 0.
    #[wasm_bindgen(js_name = lastStep)]
    pub fn last_step(&self) -> Result<JsValue, JsError> {
        match view::step(self.timeline.world(), self.timeline.current()) {
            Some(s) => to_js(&s),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Steps `[from, to)` (1-based) done by the cursor.
    pub fn steps(&self, from: f64, to: f64) -> Result<JsValue, JsError> {
        let from = position("steps: from", from)?;
        let to = position("steps: to", to)?;
        to_js(&view::steps(self.timeline.world(), from, to))
    }

    /// Orders placed by the cursor; optionally positions `[from, to)` only.
    pub fn orders(&self, from: Option<f64>, to: Option<f64>) -> Result<JsValue, JsError> {
        let from = position("orders: from", from.unwrap_or(0.0))?;
        let to = match to {
            Some(t) => position("orders: to", t)?,
            None => usize::MAX,
        };
        to_js(&view::orders(self.timeline.world(), from, to))
    }

    /// Orders placed by the cursor.
    #[wasm_bindgen(js_name = orderCount)]
    pub fn order_count(&self) -> u32 {
        self.timeline.world().stats().placed
    }

    /// One order's view; `undefined` if not placed by the cursor.
    pub fn order(&self, correlation_id: &str) -> Result<JsValue, JsError> {
        let id = uuid_arg("order", correlation_id)?;
        match view::order(self.timeline.world(), &id) {
            Some(o) => to_js(&o),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// One order's messages at the cursor.
    #[wasm_bindgen(js_name = orderStream)]
    pub fn order_stream(&self, correlation_id: &str) -> Result<JsValue, JsError> {
        let id = uuid_arg("orderStream", correlation_id)?;
        let world = self.timeline.world();
        let list: Vec<_> = world.store().stream(&id).iter().filter_map(|&s| view::message(world, s as usize)).collect();
        to_js(&list)
    }

    /// Replays one order into a fresh process manager, optionally under another
    /// definition (`"pay-last"`, `"pay-first"`) and version.
    pub fn replay(
        &self,
        correlation_id: &str,
        definition: Option<String>,
        version: Option<f64>,
    ) -> Result<JsValue, JsError> {
        let id = uuid_arg("replay", correlation_id)?;
        let definition =
            match definition.as_deref() {
                None | Some("") => None,
                Some(name) => Some(Definition::from_name(name).ok_or_else(|| {
                    JsError::new(&format!("replay: unknown definition {name:?} (pay-last, pay-first)"))
                })?),
            };
        let version = match version {
            None => None,
            Some(v) => Some(whole("replay: version", v, 255)? as u8),
        };
        let replay = view::replay_view(self.timeline.world(), &id, definition, version)
            .map_err(|e| JsError::new(&format!("replay: {e}")))?;
        to_js(&replay)
    }

    /// Every lost or doubled delivery up to the cursor: `[{ step, fault, seq, actor }]`.
    pub fn faults(&self) -> Result<JsValue, JsError> {
        to_js(&view::faults(self.timeline.world()))
    }

    /// Every delivery of message `seq` up to the cursor: `[{ step, actor, at_ms, copy }]`.
    pub fn deliveries(&self, seq: f64) -> Result<JsValue, JsError> {
        let seq = whole("deliveries", seq, u32::MAX as usize)? as u32;
        to_js(&view::deliveries(self.timeline.world(), seq))
    }

    /// The wiring of the run's architecture: `{ architecture, subscriptions, reactions,
    /// follows, decisions, links, rewired_for_pay_first }` (see docs/FACADE.md).
    pub fn wiring(&self) -> Result<JsValue, JsError> {
        to_js(&view::wiring(self.timeline.world()))
    }

    /// The receipts the printer printed up to the cursor.
    pub fn receipts(&self) -> Result<JsValue, JsError> {
        to_js(&self.timeline.world().receipts())
    }

    /// The report at the cursor.
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&Report::of(self.timeline.world()))
    }

    /// Queue-length samples up to the cursor, merged into at most `maxRows` rows.
    #[wasm_bindgen(js_name = queueSamples)]
    pub fn queue_samples(&self, max_rows: Option<f64>) -> Result<JsValue, JsError> {
        let max_rows = whole("queueSamples", max_rows.unwrap_or(2_000.0), 1 << 24)?;
        to_js(&view::samples(self.timeline.world(), max_rows))
    }

    /// The run file of the whole run (extended to idle), recording the current step.
    #[wasm_bindgen(js_name = exportRun)]
    pub fn export_run(&mut self) -> String {
        let cursor = self.timeline.current();
        while !self.timeline.extend(1 << 20) {}
        self.timeline.seek(self.timeline.total());
        let text = run_file::export_compact(self.timeline.world(), Some(View { step: cursor }));
        self.timeline.seek(cursor);
        text
    }
}

impl Simulation {
    /// The timeline behind the facade (for Rust callers and tests).
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }
}

impl Simulation {
    /// A facade over `timeline` (the exercise facade, src/wasm_exercise.rs, builds its
    /// simulations with it).
    pub(crate) fn from_timeline(timeline: Timeline) -> Simulation {
        Simulation { timeline }
    }
}
