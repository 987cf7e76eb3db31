//! The JavaScript facade (`Simulation`), the only thing the page talks to.
//!
//! A thin layer: it converts arguments, calls [`Timeline`] and [`view`],
//! and converts results to plain JavaScript objects. Bad arguments become `Error`s with
//! a one-line message and leave the simulation as it was. docs/FACADE.md is its manual.

use crate::facade_args::{self, Arg};
use crate::message::MessageType;
use crate::process::Definition;
use crate::report::Report;
use crate::run_file::{self, View};
use crate::scenario::Config;
use crate::sim::budget::{check_import_size, check_memory};
use crate::sim::{Action, Input, Timeline, World};
use crate::view;
use serde::Serialize;
use std::cell::RefCell;
use uuid::Uuid;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_panic_hook() {
    use std::sync::Once;
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let text = format!(
                "internal error (please report): {} (WebAssembly memory: {:.0} MiB)",
                run_file::clip(&info.to_string(), 300),
                memory_bytes() / 1_048_576.0
            );
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
            previous(info);
        }));
    });
}

pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| fail(&format!("could not convert a result for JavaScript: {e}")))
}

/// An `Error` for JavaScript: one line, long quotes and words cut
/// ([`facade_args::short_message`]), no Rust type names.
pub(crate) fn fail(message: &str) -> JsError {
    JsError::new(&facade_args::short_message(&run_file::plain(message)))
}

/// The largest position (message seq, step, order index) the facade takes: positions
/// are 32-bit in the store, whatever the platform's `usize`.
const MAX_POSITION: f64 = u32::MAX as f64;

/// The longest run file `exportRun` writes: Chromium's and Node's longest string is
/// 2^29 - 24 characters (512 MiB).
const MAX_EXPORT_BYTES: usize = 500 << 20;

/// What a JavaScript value is, read without running any JavaScript (no `valueOf`, no
/// getter): a string is copied only in its first characters, enough to describe it.
pub(crate) fn kind(v: &JsValue) -> Arg {
    if let Some(n) = v.as_f64() {
        Arg::Number(n)
    } else if let Some(s) = v.dyn_ref::<js_sys::JsString>() {
        let head = if s.length() > 2 * facade_args::MAX_QUOTE as u32 + 2 {
            s.slice(0, 2 * facade_args::MAX_QUOTE as u32 + 2)
        } else {
            s.clone()
        };
        Arg::Text(head.as_string().unwrap_or_default())
    } else if v.is_undefined() {
        Arg::Undefined
    } else if v.is_null() {
        Arg::Null
    } else if let Some(b) = v.as_bool() {
        Arg::Bool(b)
    } else if v.is_bigint() {
        Arg::BigInt
    } else if js_sys::Array::is_array(v) {
        Arg::Array
    } else if v.is_function() {
        Arg::Function
    } else if v.is_object() {
        Arg::Object
    } else {
        Arg::Other
    }
}

/// What a JavaScript value is, for an error message; a short value is shown whole.
fn describe(v: &JsValue) -> String {
    facade_args::describe(&kind(v))
}

/// A whole number `0..=max` (a JS number; nothing else).
fn whole(name: &str, v: &JsValue, max: f64) -> Result<f64, JsError> {
    facade_args::whole(name, &kind(v), max).map_err(|e| fail(&e))
}

/// A position in a list (`from`/`to` of a slice): negatives count as 0, fractions are
/// rounded down, numbers past the end of any run are clipped; non-numbers, `NaN` and
/// infinities are refused.
pub(crate) fn position(name: &str, v: &JsValue) -> Result<usize, JsError> {
    facade_args::position(name, &kind(v), MAX_POSITION).map_err(|e| fail(&e))
}

/// A string argument (`what` says what it holds) of facade call `call`: only a string;
/// a number, an object with a `length`, anything else is refused before any of it is
/// copied into the engine's memory.
pub(crate) fn text_arg(call: &str, v: &JsValue, what: &str) -> Result<String, JsError> {
    match v.as_string() {
        Some(text) => Ok(text),
        None => Err(fail(&facade_args::text(call, what, kind(v)).err().unwrap_or_default())),
    }
}

/// The text of a run file given to call `call`: only a string, and only one the page can
/// import ([`check_import_size`], measured before the text is copied into the engine's
/// memory).
pub(crate) fn run_text(call: &str, v: &JsValue) -> Result<String, JsError> {
    if let Some(js) = v.dyn_ref::<js_sys::JsString>() {
        check_import_size(js.length() as u64).map_err(|e| fail(&format!("cannot import: {e}")))?;
    }
    let text = text_arg(call, v, "the run file's text")?;
    check_import_size(text.len() as u64).map_err(|e| fail(&format!("cannot import: {e}")))?;
    Ok(text)
}

/// `undefined` and `null` mean "not given".
pub(crate) fn given(v: &JsValue) -> Option<&JsValue> {
    (!v.is_undefined() && !v.is_null()).then_some(v)
}

/// Optional positions `[from, to)` of call `call`: from the first (0) to the last when not
/// given.
pub(crate) fn optional_range(call: &str, from: &JsValue, to: &JsValue) -> Result<(usize, usize), JsError> {
    let from = match given(from) {
        Some(f) => position(&format!("{call}: from"), f)?,
        None => 0,
    };
    let to = match given(to) {
        Some(t) => position(&format!("{call}: to"), t)?,
        None => usize::MAX,
    };
    Ok((from, to))
}

pub(crate) fn uuid_arg(name: &str, v: &JsValue) -> Result<Uuid, JsError> {
    let text = text_arg(name, v, "a correlation id")?;
    Uuid::parse_str(text.trim()).map_err(|_| {
        fail(&format!("{name}: {:?} is not a correlation id (like 0c6f3ab8-…)", run_file::clip(&text, 80)))
    })
}

/// A string argument of facade call `call` (numbers, objects and missing values refused).
fn string_arg(call: &str, what: &str, v: &JsValue) -> Result<String, JsError> {
    v.as_string().ok_or_else(|| fail(&format!("{call}: {what} must be a string, got {}", describe(v))))
}

/// A whole-number argument `0..=max` of facade call `call` (strings and fractions refused).
fn number_arg(call: &str, what: &str, v: &JsValue, max: u64) -> Result<u64, JsError> {
    facade_args::whole_in(call, what, &kind(v), 0, max).map_err(|e| fail(&e))
}

/// A time in ms `1..=600000` of facade call `call`.
fn ms_arg(call: &str, what: &str, v: &JsValue) -> Result<u64, JsError> {
    let max = crate::sim::input::MAX_MS;
    facade_args::whole_in(call, what, &kind(v), 1, max)
        .map_err(|_| fail(&format!("{call}: {what} must be a whole number of ms 1..={max}, got {}", describe(v))))
}

/// The delivery a fate call is about: `target` is a waiting message's seq, or an entry of
/// `queued()` (`{ seq, copy }` or `{ output }`, and `actor` if `actor` is not given).
/// `(seq, output, copy, actor)` of a fate call.
type FateArgs = (Option<u32>, Option<u32>, Option<u8>, String);

fn fate_target(call: &str, target: &JsValue, actor: &JsValue) -> Result<FateArgs, JsError> {
    let max = u32::MAX as u64;
    if target.as_f64().is_some() {
        let seq = number_arg(call, "seq", target, max)? as u32;
        return Ok((Some(seq), None, None, string_arg(call, "the actor", actor)?));
    }
    if !target.is_object() || js_sys::Array::is_array(target) {
        return Err(fail(&format!(
            "{call}: expected a message's seq or an entry of queued(), got {}",
            describe(target)
        )));
    }
    let field = |name: &str| js_sys::Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    let given = |v: &JsValue| !v.is_undefined() && !v.is_null();
    let (seq, output, copy) = (field("seq"), field("output"), field("copy"));
    let seq = if given(&seq) { Some(number_arg(call, "seq", &seq, max)? as u32) } else { None };
    let output = if given(&output) { Some(number_arg(call, "output", &output, max)? as u32) } else { None };
    let copy = if given(&copy) && seq.is_some() { Some(number_arg(call, "copy", &copy, 255)? as u8) } else { None };
    let actor = if actor.is_undefined() { field("actor") } else { actor.clone() };
    Ok((seq, output, copy, string_arg(call, "the actor", &actor)?))
}

pub(crate) fn config_from_js(cfg: &JsValue) -> Result<Config, JsError> {
    if given(cfg).is_none() {
        return Ok(Config::default());
    }
    if !cfg.is_object() || js_sys::Array::is_array(cfg) || cfg.is_function() {
        return Err(fail(&format!(
            "config: expected an object such as {{ seed: 42, orders: 10 }}, got {}",
            describe(cfg)
        )));
    }
    let text = js_sys::JSON::stringify(cfg)
        .map_err(|_| fail("config: could not be read as JSON"))?
        .as_string()
        .unwrap_or_default();
    Config::from_json(&text).map_err(|e| fail(&format!("config: {e}")))
}

/// Orders that `inputs` place by hand.
fn placed_by_inputs(inputs: &[Input]) -> u64 {
    inputs.iter().filter(|i| matches!(i.action, Action::PlaceOrder { .. })).count() as u64
}

/// Bytes of WebAssembly memory the engine holds now (0 outside wasm).
fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) * 65536) as f64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

// The TypeScript declarations of the values the facade returns, generated from the Rust
// types (src/typescript.rs): brigade.d.ts names them instead of `any`.
#[wasm_bindgen(typescript_custom_section)]
const FACADE_TYPES: &'static str = include_str!("facade.d.ts");

/// A run of the restaurant, with time travel. See docs/FACADE.md.
#[wasm_bindgen]
pub struct Simulation {
    timeline: Timeline,
    /// Steps of the known run by what they did, kept as it is computed (src/wasm_index.rs).
    index: std::cell::RefCell<crate::run_index::RunIndex>,
}

#[wasm_bindgen]
impl Simulation {
    /// A run at step 0 from a partial config (missing keys take defaults). Refused before
    /// anything runs when the run would not fit in the page's memory (see
    /// `sim::budget::check_memory`).
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "Partial<Config>")] cfg: JsValue) -> Result<Simulation, JsError> {
        install_panic_hook();
        let config = config_from_js(&cfg)?;
        check_memory(&config, 0).map_err(|e| fail(&format!("config: {e}")))?;
        let world = World::new(config).map_err(|e| fail(&format!("config: {e}")))?;
        Ok(Simulation::from_timeline(Timeline::new(world)))
    }

    /// A run re-simulated from a run file; throws if the file is not valid or its history
    /// does not match (at the first message that differs), or if the run would not fit in
    /// the page's memory (before re-simulating anything).
    #[wasm_bindgen(js_name = importRun)]
    pub fn import_run(#[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<Simulation, JsError> {
        install_panic_hook();
        let text = run_text("importRun", &text)?;
        if crate::observed::is_observed(&text) {
            return Err(fail(
                "cannot import: this is an observed run, recorded from a live kitchen: it cannot be \
                 re-simulated (open it with ObservedRun.importRun)",
            ));
        }
        let start = |world: World| {
            check_memory(world.config(), placed_by_inputs(world.inputs()))?;
            Ok(Timeline::new(world))
        };
        let (mut timeline, view) =
            run_file::import_into(&text, start).map_err(|e| fail(&format!("cannot import: {e}")))?;
        timeline.seek(view.map_or(0, |v| v.step));
        Ok(Simulation::from_timeline(timeline))
    }

    /// Runs a config to idle without time travel (no checkpoints, no step trace kept) and
    /// returns its report: for scripts and benchmarks that only want the outcome.
    #[wasm_bindgen(js_name = runHeadless, unchecked_return_type = "Report")]
    pub fn run_headless(
        #[wasm_bindgen(unchecked_param_type = "Partial<Config>")] cfg: JsValue,
    ) -> Result<JsValue, JsError> {
        install_panic_hook();
        let config = config_from_js(&cfg)?;
        // nobody steps through it: the step trace is not recorded
        let mut world = World::new(config).map_err(|e| fail(&format!("config: {e}")))?.untraced();
        world.run_to_idle();
        to_js(&Report::of(&world))
    }

    /// The full default config.
    #[wasm_bindgen(js_name = defaultConfig, unchecked_return_type = "Config")]
    pub fn default_config() -> Result<JsValue, JsError> {
        to_js(&Config::default())
    }

    /// The presets: `[{ name, description, config }]`.
    #[wasm_bindgen(unchecked_return_type = "Array<{ name: string, description: string, config: Config }>")]
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

    /// The message of the last Rust panic, or `null` when none happened.
    #[wasm_bindgen(js_name = lastPanic, unchecked_return_type = "string | null")]
    pub fn last_panic() -> JsValue {
        LAST_PANIC.with(|p| p.borrow().as_deref().map_or(JsValue::NULL, JsValue::from_str))
    }

    /// Bytes of WebAssembly memory the engine holds (it grows and never shrinks; a
    /// page's engine can have at most 4 GiB).
    #[wasm_bindgen(js_name = memoryBytes)]
    pub fn memory_bytes() -> f64 {
        memory_bytes()
    }

    /// The most memory the time-travelling engine plans to use, in bytes: a config
    /// expected to need more is refused by `new Simulation` and `importRun`.
    #[wasm_bindgen(js_name = memoryBudget)]
    pub fn memory_budget() -> f64 {
        crate::sim::budget::MEMORY_BUDGET as f64
    }

    /// Refuses, before anything runs, a run of `cfg` (a partial config) with `placedOrders`
    /// more orders placed by hand (a link's or a file's inputs) that would not fit in the
    /// page's memory: throws `config: … orders are too many …, with this config it runs
    /// at most N orders …`; returns `undefined` when it fits. The budget
    /// (`sim::budget::check_memory`) is the one `new Simulation`, `importRun`,
    /// `importProcessRun` and `placeOrder` apply.
    #[wasm_bindgen(js_name = checkMemory)]
    pub fn check_memory_of(
        #[wasm_bindgen(unchecked_param_type = "Partial<Config>")] cfg: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | undefined")] placed_orders: JsValue,
    ) -> Result<(), JsError> {
        install_panic_hook();
        let config = config_from_js(&cfg)?;
        let placed = match given(&placed_orders) {
            Some(n) => whole("checkMemory: placedOrders", n, MAX_POSITION)? as u64,
            None => 0,
        };
        check_memory(&config, placed).map_err(|e| fail(&format!("config: {e}")))
    }

    /// The run's config (the seed as a string when above 2^53).
    #[wasm_bindgen(unchecked_return_type = "Config")]
    pub fn config(&self) -> Result<JsValue, JsError> {
        let cfg = self.timeline.world().config();
        let mut value = serde_json::to_value(cfg).map_err(|e| fail(&e.to_string()))?;
        if cfg.seed > (1u64 << 53) {
            value["seed"] = serde_json::Value::String(cfg.seed.to_string());
        }
        to_js(&value)
    }

    /// One step forward; `undefined` when idle.
    #[wasm_bindgen(unchecked_return_type = "StepView | undefined")]
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
    pub fn seek(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue) -> Result<(), JsError> {
        let n = whole("seek", &n, self.timeline.total() as f64)? as usize;
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
    pub fn extend(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] max_steps: JsValue,
    ) -> Result<bool, JsError> {
        let n = whole("extend", &max_steps, MAX_POSITION)? as usize;
        let idle = self.timeline.extend(n);
        self.index.get_mut().update_known(self.timeline.world(), self.timeline.frontier_idle());
        Ok(idle)
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

    /// Steps re-run by seeks and steps back since the run was made: what time travel
    /// costs (no seek re-runs more than `longestRerun()`, and a step back after a long
    /// jump at most `NEAR_BACK` of them).
    #[wasm_bindgen(js_name = stepsRerun)]
    pub fn steps_rerun(&self) -> f64 {
        self.timeline.steps_rerun() as f64
    }

    /// The most steps a seek re-runs now: the longest gap between two checkpoints (512 at
    /// first; they thin out when they would hold more than their share of the memory
    /// budget).
    #[wasm_bindgen(js_name = longestRerun)]
    pub fn longest_rerun(&self) -> f64 {
        self.timeline.longest_rerun() as f64
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
    pub fn place_order(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "{ dodgy?: boolean }")] opts: JsValue,
    ) -> Result<String, JsError> {
        let dodgy = match given(&opts) {
            None => false,
            Some(o) if o.is_object() && !js_sys::Array::is_array(o) && !o.is_function() => {
                let v = js_sys::Reflect::get(o, &JsValue::from_str("dodgy"))
                    .map_err(|_| fail("placeOrder: expected { dodgy: true | false }"))?;
                match given(&v) {
                    None => false,
                    Some(v) => v.as_bool().ok_or_else(|| {
                        fail(&format!("placeOrder: dodgy must be true or false, got {}", describe(v)))
                    })?,
                }
            }
            Some(o) => {
                return Err(fail(&format!("placeOrder: expected {{ dodgy: true | false }}, got {}", describe(o))))
            }
        };
        let world = self.timeline.world();
        let placed = placed_by_inputs(world.inputs()) + 1;
        check_memory(world.config(), placed).map_err(|e| fail(&format!("placeOrder: {e}")))?;
        Ok(self.timeline.place_order(dodgy).to_string())
    }

    /// New orders from now on use process version `v`.
    #[wasm_bindgen(js_name = setProcessVersion)]
    pub fn set_process_version(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] v: JsValue,
    ) -> Result<(), JsError> {
        let v = whole("setProcessVersion", &v, 255.0)? as u8;
        self.timeline.set_process_version(v).map_err(|e| fail(&format!("setProcessVersion: {}", e.message)))
    }

    /// The messages waiting in mailboxes, then those in flight, at the cursor:
    /// `[{ seq, output, actor, copy, type, correlation_id, waiting_since_ms, due_ms, state,
    /// changeable }]` (see docs/FACADE.md).
    #[wasm_bindgen(unchecked_return_type = "Array<QueuedView>")]
    pub fn queued(&self) -> Result<JsValue, JsError> {
        to_js(&view::queued(self.timeline.world()))
    }

    /// Loses one delivery: `target` is the seq of a message waiting in `actor`'s mailbox,
    /// or an entry of `queued()`. The run after the cursor is forgotten.
    #[wasm_bindgen(js_name = dropMessage)]
    pub fn drop_message(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number | QueuedView")] target: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] actor: JsValue,
    ) -> Result<(), JsError> {
        let (seq, output, copy, actor) = fate_target("dropMessage", &target, &actor)?;
        self.act("dropMessage", Action::DropMessage { seq, output, actor, copy })
    }

    /// Makes one delivery twice (a second copy enters the mailbox right after it).
    #[wasm_bindgen(js_name = duplicateMessage)]
    pub fn duplicate_message(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number | QueuedView")] target: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] actor: JsValue,
    ) -> Result<(), JsError> {
        let (seq, output, copy, actor) = fate_target("duplicateMessage", &target, &actor)?;
        self.act("duplicateMessage", Action::DuplicateMessage { seq, output, actor, copy })
    }

    /// Delays one delivery by `ms` (1..=600000): the message leaves the mailbox and enters
    /// it again `ms` later.
    #[wasm_bindgen(js_name = delayMessage)]
    pub fn delay_message(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number | QueuedView")] target: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<(), JsError> {
        let (seq, output, copy, actor) = fate_target("delayMessage", &target, &actor)?;
        let ms = ms_arg("delayMessage", "the delay", &ms)?;
        self.act("delayMessage", Action::DelayMessage { seq, output, actor, copy, ms })
    }

    /// Cook `name` walks out: it takes no more work, and what waits in its mailbox is lost.
    #[wasm_bindgen(js_name = cookLeaves)]
    pub fn cook_leaves(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<(), JsError> {
        let cook = string_arg("cookLeaves", "the cook's name", &name)?;
        self.act("cookLeaves", Action::CookLeaves { cook })
    }

    /// Cook `name`, who walked out, comes back.
    #[wasm_bindgen(js_name = cookReturns)]
    pub fn cook_returns(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<(), JsError> {
        let cook = string_arg("cookReturns", "the cook's name", &name)?;
        self.act("cookReturns", Action::CookReturns { cook })
    }

    /// Hires a cook called `name` who cooks in `ms` (1..=600000).
    #[wasm_bindgen(js_name = hireCook)]
    pub fn hire_cook(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<(), JsError> {
        let name = string_arg("hireCook", "the name", &name)?;
        let ms = ms_arg("hireCook", "the cooking time", &ms)?;
        self.act("hireCook", Action::HireCook { name, ms })
    }

    /// Cook `name` cooks in `ms` (1..=600000) from now on.
    #[wasm_bindgen(js_name = setCookTime)]
    pub fn set_cook_time(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<(), JsError> {
        let cook = string_arg("setCookTime", "the cook's name", &name)?;
        let ms = ms_arg("setCookTime", "the cooking time", &ms)?;
        self.act("setCookTime", Action::SetCookTime { cook, ms })
    }

    /// Any worker `name` (a cook, an assistant manager, a cashier) is sent away: it takes no
    /// more work, and what waits in its mailbox is lost.
    #[wasm_bindgen(js_name = workerLeaves)]
    pub fn worker_leaves(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<(), JsError> {
        let worker = string_arg("workerLeaves", "the worker's name", &name)?;
        self.act("workerLeaves", Action::WorkerLeaves { worker })
    }

    /// Worker `name`, who was sent away, comes back.
    #[wasm_bindgen(js_name = workerReturns)]
    pub fn worker_returns(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<(), JsError> {
        let worker = string_arg("workerReturns", "the worker's name", &name)?;
        self.act("workerReturns", Action::WorkerReturns { worker })
    }

    /// Hires a worker of `role` (`cook`, `assistant-manager`, `cashier`) called `name`, who
    /// takes `ms` (1..=600000) per message, to share that role's work.
    #[wasm_bindgen(js_name = hireWorker)]
    pub fn hire_worker(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] role: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<(), JsError> {
        let role = string_arg("hireWorker", "the role", &role)?;
        let name = string_arg("hireWorker", "the name", &name)?;
        let ms = ms_arg("hireWorker", "the time per message", &ms)?;
        self.act("hireWorker", Action::HireWorker { role, name, ms })
    }

    /// Actor `name` (any actor on the floor) crashes now: it loses the message in hand and
    /// its mailbox unless durable, and what it holds in memory only; it is back
    /// `restart_ms` later (config `crash`, `durable_mailboxes`, `durable_timers`).
    pub fn crash(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue) -> Result<(), JsError> {
        let actor = string_arg("crash", "the actor's name", &name)?;
        self.act("crash", Action::Crash { actor })
    }

    /// The message at store position `seq`, waiting in worker `actor`'s mailbox, is poison:
    /// the worker fails on it every try until it is dead-lettered (needs a dead-letter queue).
    #[wasm_bindgen(js_name = poisonMessage)]
    pub fn poison_message(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] seq: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
    ) -> Result<(), JsError> {
        let seq = number_arg("poisonMessage", "the message's position", &seq, u32::MAX as u64 - 2)? as u32;
        let actor = string_arg("poisonMessage", "the worker's name", &actor)?;
        self.act("poisonMessage", Action::PoisonMessage { seq, actor })
    }

    /// The dead letter at store position `seq` goes back to the worker that failed on it.
    #[wasm_bindgen(js_name = redeliverMessage)]
    pub fn redeliver_message(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] seq: JsValue,
    ) -> Result<(), JsError> {
        let seq = number_arg("redeliverMessage", "the message's position", &seq, u32::MAX as u64 - 2)? as u32;
        self.act("redeliverMessage", Action::RedeliverMessage { seq })
    }

    /// Live order number `order` (1-based, in placing order) runs `version` of its process
    /// from now on, if its history replays with the same decisions under it (else throws
    /// the reason, naming the first message decided differently).
    #[wasm_bindgen(js_name = migrateOrder)]
    pub fn migrate_order(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] order: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
    ) -> Result<(), JsError> {
        let order = number_arg("migrateOrder", "the order's number", &order, u32::MAX as u64)? as u32;
        let version = number_arg("migrateOrder", "the version", &version, 255)? as u8;
        self.act("migrateOrder", Action::MigrateOrder { order, version })
    }

    /// Every live order of `definition` (`"pay-last"`, `"pay-first"`) whose history replays
    /// the same under `version` moves to it.
    #[wasm_bindgen(js_name = migrateOrders)]
    pub fn migrate_orders(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] definition: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
    ) -> Result<(), JsError> {
        let definition = string_arg("migrateOrders", "the definition", &definition)?;
        let version = number_arg("migrateOrders", "the version", &version, 255)? as u8;
        self.act("migrateOrders", Action::MigrateOrders { definition, version })
    }

    /// Why live order number `order` cannot move to `version` now, or `null` when it can
    /// (the preview of a migration; nothing changes).
    #[wasm_bindgen(js_name = migrationRefusal, unchecked_return_type = "string | null")]
    pub fn migration_refusal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] order: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
    ) -> Result<JsValue, JsError> {
        let order = number_arg("migrationRefusal", "the order's number", &order, u32::MAX as u64)? as u32;
        let version = number_arg("migrationRefusal", "the version", &version, 255)? as u8;
        Ok(match self.timeline.world().check_action(&Action::MigrateOrder { order, version }) {
            Ok(()) => JsValue::NULL,
            Err(reason) => JsValue::from_str(&reason),
        })
    }

    /// Worker `name` takes `ms` (1..=600000) per message from now on.
    #[wasm_bindgen(js_name = setWorkerTime)]
    pub fn set_worker_time(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<(), JsError> {
        let worker = string_arg("setWorkerTime", "the worker's name", &name)?;
        let ms = ms_arg("setWorkerTime", "the time per message", &ms)?;
        self.act("setWorkerTime", Action::SetWorkerTime { worker, ms })
    }

    /// Process version for new orders at the cursor.
    #[wasm_bindgen(js_name = processVersion)]
    pub fn process_version(&self) -> u8 {
        self.timeline.world().process_version()
    }

    /// The user inputs of the run.
    #[wasm_bindgen(unchecked_return_type = "Array<Input>")]
    pub fn inputs(&self) -> Result<JsValue, JsError> {
        to_js(self.timeline.world().inputs())
    }

    /// The actors at the cursor.
    #[wasm_bindgen(unchecked_return_type = "Array<ActorView>")]
    pub fn actors(&self) -> Result<JsValue, JsError> {
        to_js(&view::actors(self.timeline.world()))
    }

    /// Messages published by the cursor.
    #[wasm_bindgen(js_name = messageCount)]
    pub fn message_count(&self) -> usize {
        self.timeline.world().store().len()
    }

    /// Messages `[from, to)` at the cursor.
    #[wasm_bindgen(unchecked_return_type = "Array<MessageView>")]
    pub fn messages(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
    ) -> Result<JsValue, JsError> {
        let from = position("messages: from", &from)?;
        let to = position("messages: to", &to)?;
        to_js(&view::messages(self.timeline.world(), from, to))
    }

    /// How many messages each actor published of each type among history seqs `[from, to)`
    /// at the cursor (the floor's link counts; much less to carry than `messages`).
    #[wasm_bindgen(js_name = publishedCounts, unchecked_return_type = "Array<{ publisher: string; type: MessageType; count: number }>")]
    pub fn published_counts(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
    ) -> Result<JsValue, JsError> {
        let from = position("publishedCounts: from", &from)?;
        let to = position("publishedCounts: to", &to)?;
        to_js(&view::published_counts(self.timeline.world(), from, to))
    }

    /// The seqs of every message of type `name` published by the cursor, ascending.
    #[wasm_bindgen(js_name = seqsOfType)]
    pub fn seqs_of_type(
        &self,
        #[wasm_bindgen(unchecked_param_type = "MessageType")] name: JsValue,
    ) -> Result<js_sys::Uint32Array, JsError> {
        let name = text_arg("seqsOfType", &name, "a message type such as \"OrderPlaced\"")?;
        let t = MessageType::from_name(&name)
            .ok_or_else(|| fail(&format!("seqsOfType: unknown message type {:?}", run_file::clip(&name, 80))))?;
        let seqs = view::seqs_of_type(self.timeline.world(), t);
        Ok(js_sys::Uint32Array::from(&seqs[..]))
    }

    /// One message with its payload; `undefined` beyond the cursor.
    #[wasm_bindgen(unchecked_return_type = "MessageDetail | undefined")]
    pub fn message(&self, #[wasm_bindgen(unchecked_param_type = "number")] seq: JsValue) -> Result<JsValue, JsError> {
        let seq = whole("message", &seq, MAX_POSITION)? as usize;
        match view::message_detail(self.timeline.world(), seq) {
            Some(m) => to_js(&m),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The step that led to the cursor; `undefined` at 0.
    #[wasm_bindgen(js_name = lastStep, unchecked_return_type = "StepView | undefined")]
    pub fn last_step(&self) -> Result<JsValue, JsError> {
        match view::step(self.timeline.world(), self.timeline.current()) {
            Some(s) => to_js(&s),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Steps `[from, to)` (1-based) done by the cursor.
    #[wasm_bindgen(unchecked_return_type = "Array<StepView>")]
    pub fn steps(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
    ) -> Result<JsValue, JsError> {
        let from = position("steps: from", &from)?;
        let to = position("steps: to", &to)?;
        to_js(&view::steps(self.timeline.world(), from, to))
    }

    /// Orders placed by the cursor; optionally positions `[from, to)` only.
    #[wasm_bindgen(unchecked_return_type = "Array<OrderView>")]
    pub fn orders(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | undefined")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | undefined")] to: JsValue,
    ) -> Result<JsValue, JsError> {
        let (from, to) = optional_range("orders", &from, &to)?;
        to_js(&view::orders(self.timeline.world(), from, to))
    }

    /// Orders placed by the cursor.
    #[wasm_bindgen(js_name = orderCount)]
    pub fn order_count(&self) -> u32 {
        self.timeline.world().stats().placed
    }

    /// One order's view; `undefined` if not placed by the cursor.
    #[wasm_bindgen(unchecked_return_type = "OrderView | undefined")]
    pub fn order(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] correlation_id: JsValue,
    ) -> Result<JsValue, JsError> {
        let id = uuid_arg("order", &correlation_id)?;
        match view::order(self.timeline.world(), &id) {
            Some(o) => to_js(&o),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// One order's messages at the cursor.
    #[wasm_bindgen(js_name = orderStream, unchecked_return_type = "Array<MessageView>")]
    pub fn order_stream(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] correlation_id: JsValue,
    ) -> Result<JsValue, JsError> {
        let id = uuid_arg("orderStream", &correlation_id)?;
        let world = self.timeline.world();
        let list: Vec<_> = world.store().stream(&id).iter().filter_map(|&s| view::message(world, s as usize)).collect();
        to_js(&list)
    }

    /// Replays one order into a fresh process manager, optionally under another
    /// definition (`"pay-last"`, `"pay-first"`) and version.
    #[wasm_bindgen(unchecked_return_type = "ReplayView")]
    pub fn replay(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] correlation_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] definition: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | undefined")] version: JsValue,
    ) -> Result<JsValue, JsError> {
        let id = uuid_arg("replay", &correlation_id)?;
        let definition = match given(&definition) {
            None => None,
            Some(d) => {
                let name = text_arg("replay: definition", d, "\"pay-last\" or \"pay-first\"")?;
                match name.as_str() {
                    "" => None,
                    name => Some(Definition::from_name(name).ok_or_else(|| {
                        fail(&format!(
                            "replay: unknown definition {:?} (pay-last, pay-first)",
                            run_file::clip(name, 80)
                        ))
                    })?),
                }
            }
        };
        let version = match given(&version) {
            None => None,
            Some(v) => Some(whole("replay: version", v, 255.0)? as u8),
        };
        let replay = view::replay_view(self.timeline.world(), &id, definition, version)
            .map_err(|e| fail(&format!("replay: {e}")))?;
        to_js(&replay)
    }

    /// Every lost or doubled delivery up to the cursor: `[{ step, fault, seq, actor }]`.
    #[wasm_bindgen(unchecked_return_type = "Array<FaultStepView>")]
    pub fn faults(&self) -> Result<JsValue, JsError> {
        to_js(&view::faults(self.timeline.world()))
    }

    /// Every delivery of message `seq` up to the cursor: `[{ step, actor, at_ms, copy }]`.
    #[wasm_bindgen(unchecked_return_type = "Array<DeliveryView>")]
    pub fn deliveries(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] seq: JsValue,
    ) -> Result<JsValue, JsError> {
        let seq = whole("deliveries", &seq, MAX_POSITION)? as u32;
        to_js(&view::deliveries(self.timeline.world(), seq))
    }

    /// The wiring of the run's architecture: `{ architecture, subscriptions, reactions,
    /// follows, decisions, links, rewired_for_pay_first }` (see docs/FACADE.md).
    #[wasm_bindgen(unchecked_return_type = "WiringView")]
    pub fn wiring(&self) -> Result<JsValue, JsError> {
        to_js(&view::wiring(self.timeline.world()))
    }

    /// A JSON text read as every brigade reader reads JSON (a run file, `--config`,
    /// `--check`): a leading byte-order mark is dropped, a key named twice in one object (at
    /// any depth) or anything but one JSON value is refused with where it is. Returns the
    /// text without its mark, for `JSON.parse`.
    #[wasm_bindgen(js_name = strictJson)]
    pub fn strict_json(#[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<String, JsError> {
        let text = text_arg("strictJson", &text, "a JSON text")?;
        let text = run_file::without_bom(&text);
        run_file::strict::parse(text).map_err(|e| fail(&e))?;
        Ok(text.to_owned())
    }

    /// The engine's vocabulary for an architecture (`"process-manager"` when not given),
    /// without a run: the same answer as `vocabulary()` on a run of that architecture.
    #[wasm_bindgen(js_name = vocabularyOf, unchecked_return_type = "Vocabulary")]
    pub fn vocabulary_of(
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] architecture: JsValue,
    ) -> Result<JsValue, JsError> {
        let architecture = match given(&architecture) {
            None => crate::wiring::Architecture::ProcessManager,
            Some(v) => {
                let name = text_arg("vocabularyOf", v, "architecture")?;
                crate::wiring::Architecture::from_name(&name).ok_or_else(|| {
                    fail("vocabularyOf: architecture must be process-manager, choreography or commands")
                })?
            }
        };
        to_js(&crate::vocabulary::Vocabulary::of(&crate::wiring::Wiring::of(architecture)))
    }

    /// The engine's vocabulary in the run's wiring: `{ architecture, message_types, roles,
    /// receivers, faults, fates, drop_reasons, reject_reasons, work_steps, definitions,
    /// architectures, dispatches }` (see docs/FACADE.md). The page keeps no list of its own.
    #[wasm_bindgen(unchecked_return_type = "Vocabulary")]
    pub fn vocabulary(&self) -> Result<JsValue, JsError> {
        to_js(&crate::vocabulary::Vocabulary::of(self.timeline.world().wiring()))
    }

    /// One order's sequence diagram as Mermaid text (the same as the CLI's `--trace ORDER
    /// --format mermaid`); `undefined` if the order is not placed by the cursor.
    pub fn mermaid(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] correlation_id: JsValue,
    ) -> Result<Option<String>, JsError> {
        let id = uuid_arg("mermaid", &correlation_id)?;
        Ok(crate::mermaid::sequence(self.timeline.world(), &id))
    }

    /// The receipts the printer printed up to the cursor.
    #[wasm_bindgen(unchecked_return_type = "Array<Receipt>")]
    pub fn receipts(&self) -> Result<JsValue, JsError> {
        to_js(&self.timeline.world().receipts())
    }

    /// The report at the cursor.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&Report::of(self.timeline.world()))
    }

    /// Queue-length samples up to the cursor, merged into at most `maxRows` rows.
    #[wasm_bindgen(js_name = queueSamples, unchecked_return_type = "SamplesView")]
    pub fn queue_samples(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | undefined")] max_rows: JsValue,
    ) -> Result<JsValue, JsError> {
        let max_rows = match given(&max_rows) {
            Some(m) => whole("queueSamples", m, (1 << 24) as f64)? as usize,
            None => 2_000,
        };
        to_js(&view::samples(self.timeline.world(), max_rows))
    }

    /// The run file of the whole run (extended to idle), recording the current step.
    /// Throws, before writing anything, when the file would be longer than a browser's
    /// longest string.
    #[wasm_bindgen(js_name = exportRun)]
    pub fn export_run(&mut self) -> Result<String, JsError> {
        let cursor = self.timeline.current();
        while !self.timeline.extend(1 << 20) {}
        self.timeline.seek(self.timeline.total());
        let size = run_file::compact_size_estimate(self.timeline.world());
        let result = if size > MAX_EXPORT_BYTES {
            Err(fail(&format!(
                "exportRun: the run file would be about {} MiB, more than a browser holds in one string ({} MiB); \
                 write it with the command line instead (--format json)",
                size >> 20,
                MAX_EXPORT_BYTES >> 20
            )))
        } else {
            Ok(run_file::export_compact(self.timeline.world(), Some(View { step: cursor })))
        };
        self.timeline.seek(cursor);
        result
    }
}

impl Simulation {
    /// Records `action` at the cursor, or throws `call: reason` and changes nothing.
    fn act(&mut self, call: &str, action: Action) -> Result<(), JsError> {
        self.timeline.act(action).map_err(|e| fail(&format!("{call}: {e}")))
    }

    /// The run index, brought up to the known run first (src/run_index.rs).
    pub(crate) fn run_index(&self) -> std::cell::Ref<'_, crate::run_index::RunIndex> {
        self.index.borrow_mut().update_known(self.timeline.world(), self.timeline.frontier_idle());
        self.index.borrow()
    }

    /// The timeline behind the facade (for Rust callers and tests).
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }
}

impl Simulation {
    /// A facade over `timeline` (the exercise facade, src/wasm_exercise.rs, builds its
    /// simulations with it).
    pub(crate) fn from_timeline(timeline: Timeline) -> Simulation {
        Simulation { timeline, index: Default::default() }
    }
}
