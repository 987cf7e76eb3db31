//! The exercise facade: runs with the learner's process manager (docs/FACADE.md,
//! "Exercise mode").
//!
//! The learner's code runs only where the page puts it: `runProcess` and `rerunProcess`
//! take a JavaScript function and are meant for a Web Worker, which returns the run file
//! and the recorded decisions; `importProcessRun` re-simulates that run on the page from
//! the recorded decisions alone, so no learner code runs next to the page's DOM.

mod explore;

pub use explore::ProcessExploration;

use crate::explore::worst::WorstMoments;
use crate::process::custom::{self, CustomProcess, CustomScope, Recording};
use crate::run_file;
use crate::scenario::Config;
use crate::sim::budget::{check_import_size, check_memory};
use crate::sim::{Timeline, World};
use crate::wasm::Simulation;
use serde::Serialize;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The line of the learner's code an error's stack points at: V8 writes
/// `<anonymous>:LINE:COL` for code made by `new Function`, whose first two lines are the
/// wrapper it adds.
fn code_line(stack: &str) -> Option<u32> {
    let at = stack.find("<anonymous>:")? + "<anonymous>:".len();
    let digits: String = stack[at..].chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse::<u32>().ok().and_then(|n| n.checked_sub(2)).filter(|&n| n > 0)
}

/// One line describing a thrown value.
fn thrown_text(e: &JsValue) -> String {
    let text = match e.dyn_ref::<js_sys::Error>() {
        Some(err) => {
            let name: String = err.name().into();
            let msg: String = err.message().into();
            let stack = js_sys::Reflect::get(e, &"stack".into()).ok().and_then(|s| s.as_string()).unwrap_or_default();
            match code_line(&stack) {
                Some(line) => format!("{name}: {msg} (line {line})"),
                None => format!("{name}: {msg}"),
            }
        }
        None => format!("threw {}", js_sys::JSON::stringify(e).ok().and_then(|s| s.as_string()).unwrap_or_default()),
    };
    text.lines().next().unwrap_or_default().to_string()
}

fn to_js_value(v: &Value) -> Result<JsValue, String> {
    js_sys::JSON::parse(&v.to_string()).map_err(|e| thrown_text(&e))
}

/// The learner's JavaScript `decide(state, message, config)` as a process manager.
pub(crate) fn js_process(decide: js_sys::Function) -> CustomProcess {
    CustomProcess::new(move |state, message, config| {
        let (s, m, c) = (to_js_value(state)?, to_js_value(message)?, to_js_value(config)?);
        let answer = decide.call3(&JsValue::NULL, &s, &m, &c).map_err(|e| format!("threw {}", thrown_text(&e)))?;
        if answer.is_undefined() {
            return Err("returned undefined (expected return { state, send })".into());
        }
        let text = js_sys::JSON::stringify(&answer)
            .map_err(|e| format!("returned a value that is not serialisable: {}", thrown_text(&e)))?
            .as_string()
            .unwrap_or_default();
        serde_json::from_str(&text).map_err(|e| format!("returned a value that is not serialisable: {e}"))
    })
}

pub(crate) fn err(prefix: &str, e: impl std::fmt::Display) -> JsError {
    crate::wasm::fail(&format!("{prefix}: {e}"))
}

/// Refuses, before anything runs, a run of `cfg` with `placed` orders placed by hand that
/// would not fit in the page's memory (`sim::budget::check_memory`): the page imports
/// every run a worker makes.
fn check_budget(cfg: &Config, inputs: &[crate::sim::Input]) -> Result<(), JsError> {
    let placed = inputs.iter().filter(|i| matches!(i.action, crate::sim::Action::PlaceOrder { .. })).count() as u64;
    check_memory(cfg, placed).map_err(|e| err("config", e))
}

/// A config from a JavaScript object; `custom_process` defaults to `all` here.
pub(crate) fn exercise_config(cfg: &JsValue) -> Result<Config, JsError> {
    let text = if cfg.is_undefined() || cfg.is_null() {
        "{}".to_string()
    } else {
        js_sys::JSON::stringify(cfg).ok().and_then(|s| s.as_string()).unwrap_or_default()
    };
    let mut value: Value = serde_json::from_str(&text).map_err(|_| err("config", "expected an object"))?;
    let Some(obj) = value.as_object_mut() else {
        return Err(err("config", "expected an object such as { seed: 42, custom_process: \"all\" }"));
    };
    obj.entry("custom_process").or_insert_with(|| "all".into());
    let cfg = Config::from_json(&value.to_string()).map_err(|e| err("config", e))?;
    if cfg.custom_process == CustomScope::Off {
        return Err(err("config", "custom_process must be \"all\" or \"dodgy\" to run your process manager"));
    }
    Ok(cfg)
}

pub(crate) fn function_arg(decide: &JsValue) -> Result<js_sys::Function, JsError> {
    decide.dyn_ref::<js_sys::Function>().cloned().ok_or_else(|| err("decide", "expected a function"))
}

/// What a worker run returns to the page.
#[derive(Serialize)]
pub(crate) struct ProcessRun {
    /// The run file (compact JSON), with the config's `process_code` if it was given.
    pub run: String,
    /// The recorded decisions, as JSON text for `importProcessRun`.
    pub decisions: String,
    /// The error that stopped the process managers, if any.
    pub error: Option<String>,
    /// The step during which it happened.
    pub step: Option<usize>,
}

/// Runs `cfg` to idle with `process` recorded (and the worst moments' fates given as it
/// goes, if asked); notes the step of the first failure.
pub(crate) fn run_recorded(
    cfg: Config,
    inputs: Vec<crate::sim::Input>,
    process: CustomProcess,
    mut worst: Option<WorstMoments>,
) -> Result<(World, ProcessRun), JsError> {
    let table = Rc::new(RefCell::new(Recording::new()));
    let recorder = custom::recording(process, table.clone());
    let mut world =
        World::with_inputs(cfg, inputs).map_err(|e| err("config", e))?.with_custom_process(recorder.clone());
    let mut step = None;
    loop {
        if let Some(w) = worst.as_mut() {
            w.apply(&mut world);
        }
        if world.step().is_none() {
            break;
        }
        if step.is_none() && recorder.failure().is_some() {
            step = Some(world.steps());
        }
    }
    let decisions = serde_json::to_string(&*table.borrow()).map_err(|e| err("decisions", e))?;
    let run = run_file::export_compact(&world, None);
    Ok((world, ProcessRun { run, decisions, error: recorder.failure(), step }))
}

/// `options.worst_moments` of `runProcess` (false when there are no options).
fn worst_option(options: &JsValue) -> Result<bool, JsError> {
    if options.is_undefined() || options.is_null() {
        return Ok(false);
    }
    if !options.is_object() {
        return Err(err("options", "expected an object such as { worst_moments: true }"));
    }
    let text = js_sys::JSON::stringify(options).ok().and_then(|s| s.as_string()).unwrap_or_default();
    let value: Value = serde_json::from_str(&text).map_err(|_| err("options", "expected an object"))?;
    let obj = value.as_object().ok_or_else(|| err("options", "expected an object"))?;
    if let Some(k) = obj.keys().find(|k| *k != "worst_moments") {
        return Err(err("options", format!("unknown key `{k}` (expected worst_moments)")));
    }
    match obj.get("worst_moments") {
        None | Some(Value::Bool(false)) => Ok(false),
        Some(Value::Bool(true)) => Ok(true),
        Some(other) => Err(err("options", format!("worst_moments must be true or false, got {other}"))),
    }
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| err("result", e))
}

#[wasm_bindgen]
impl Simulation {
    /// Runs a config to idle with the learner's `decide(state, message, config)` as the
    /// process manager (`custom_process` defaults to `"all"`). Meant for a Web Worker.
    /// Returns `{ run, decisions, error, step }`: the run file, the recorded decisions
    /// (for `importProcessRun`), and the error that stopped the process managers with the
    /// step it happened in, or nulls. `options` (optional): `{ worst_moments: true }`
    /// gives chosen deliveries their worst fates as the run goes, as manual inputs the run
    /// file keeps (`crate::explore::worst`).
    #[wasm_bindgen(js_name = runProcess, unchecked_return_type = "{ run: string, decisions: string, error: string | null, step: number | null }")]
    pub fn run_process(
        #[wasm_bindgen(unchecked_param_type = "Partial<Config>")] cfg: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(state: any, message: any, config: any) => any")] decide: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ worst_moments?: boolean }")] options: Option<JsValue>,
    ) -> Result<JsValue, JsError> {
        let decide = function_arg(&decide)?;
        let cfg = exercise_config(&cfg)?;
        let worst = worst_option(&options.unwrap_or(JsValue::UNDEFINED))?.then(WorstMoments::default);
        check_budget(&cfg, &[])?;
        let (_, run) = run_recorded(cfg, Vec::new(), js_process(decide), worst)?;
        to_js(&run)
    }

    /// Re-simulates a run file made with a custom process manager, with `decide` (built
    /// from the file's `config.process_code` once the learner agreed), and checks its
    /// history. Same result as `runProcess`. Meant for a Web Worker.
    #[wasm_bindgen(js_name = rerunProcess, unchecked_return_type = "{ run: string, decisions: string, error: string | null, step: number | null }")]
    pub fn rerun_process(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(state: any, message: any, config: any) => any")] decide: JsValue,
    ) -> Result<JsValue, JsError> {
        let text = crate::wasm::run_text("rerunProcess", &text)?;
        let decide = function_arg(&decide)?;
        let parsed = run_file::parse(&text).map_err(|e| err("cannot import", e))?;
        if parsed.config.custom_process == CustomScope::Off {
            return Err(err("cannot import", "this run file has no custom process manager"));
        }
        check_budget(&parsed.config, &parsed.inputs)?;
        let (world, run) = run_recorded(parsed.config, parsed.inputs, js_process(decide), None)?;
        run_file::verify(&world, &parsed.history).map_err(|e| err("cannot import", e))?;
        to_js(&run)
    }

    /// The simulation of a run made by `runProcess` or `rerunProcess`, re-simulated from
    /// its recorded decisions (no learner code runs) and checked against its history. A
    /// situation the recording does not cover (a new manual input) stops the process
    /// managers with an error saying so.
    #[wasm_bindgen(js_name = importProcessRun)]
    pub fn import_process_run(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] decisions: JsValue,
    ) -> Result<Simulation, JsError> {
        let text = crate::wasm::run_text("importProcessRun", &text)?;
        if let Some(js) = decisions.dyn_ref::<js_sys::JsString>() {
            check_import_size(js.length() as u64).map_err(|e| err("decisions", e))?;
        }
        let decisions = crate::wasm::text_arg("importProcessRun", &decisions, "the recorded decisions")?;
        let parsed = run_file::parse(&text).map_err(|e| err("cannot import", e))?;
        check_budget(&parsed.config, &parsed.inputs)?;
        let table: Recording = serde_json::from_str(&decisions).map_err(|e| err("decisions", e))?;
        let world = World::with_inputs(parsed.config, parsed.inputs)
            .map_err(|e| err("cannot import", e))?
            .with_custom_process(custom::recorded(table));
        let mut timeline = Timeline::new(world);
        timeline.run_to_idle();
        run_file::verify(timeline.world(), &parsed.history).map_err(|e| err("cannot import", e))?;
        timeline.seek(parsed.view.map_or(0, |v| v.step));
        Ok(Simulation::from_timeline(timeline))
    }

    /// The error that stopped the learner's process managers in this run, if any.
    #[wasm_bindgen(js_name = processError)]
    pub fn process_error(&self) -> Option<String> {
        self.timeline().world().custom_process().and_then(|p| p.failure())
    }

    /// The learner's code this run carries (`config.process_code`), if any.
    #[wasm_bindgen(js_name = processCode)]
    pub fn process_code(&self) -> Option<String> {
        self.timeline().world().config().process_code.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::code_line;

    #[test]
    fn the_line_is_read_from_a_v8_stack() {
        let stack = "TypeError: x is not a function\n    at decide (eval at <anonymous> (w.js:1:1), <anonymous>:9:13)";
        assert_eq!(code_line(stack), Some(7));
        assert_eq!(code_line("no line here"), None);
    }
}
