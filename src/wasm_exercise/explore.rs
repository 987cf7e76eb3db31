//! Checking every fate with the learner's process manager: `Simulation.exploreProcess`
//! gives a `ProcessExploration` that a Web Worker drives in slices (the learner's code runs
//! only there; the page shows the progress and cancels by terminating the worker). A
//! counterexample comes back as a run of the learner's code with its recorded decisions,
//! so the page opens it with `importProcessRun`, like a seeded scenario's run.

use super::{err, exercise_config, function_arg, js_process, run_recorded, to_js};
use crate::explore::learner;
use crate::explore::progress::progress;
use crate::explore::{Explorer, Limits, Verdict};
use crate::scenario::Config;
use crate::wasm::Simulation;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// An exploration of every fate of one order (normal or dodgy) run by the learner's
/// `decide`.
#[wasm_bindgen]
pub struct ProcessExploration {
    explorer: Explorer,
    /// The scenario as a counterexample is replayed (the learner's house mode).
    scenario: Config,
    decide: js_sys::Function,
}

/// The options of `exploreProcess`.
struct Options {
    dodgy: bool,
    limits: Limits,
}

fn options(value: &JsValue) -> Result<Options, JsError> {
    let mut out = Options { dodgy: false, limits: Limits::for_orders(1) };
    if value.is_undefined() || value.is_null() {
        return Ok(out);
    }
    let text = js_sys::JSON::stringify(value).ok().and_then(|s| s.as_string()).unwrap_or_default();
    let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let Some(obj) = parsed.as_object().filter(|_| value.is_object()) else {
        return Err(err("options", "expected an object such as { order: \"dodgy\", max_states: 100000 }"));
    };
    let whole = |key: &str, most: u64| -> Result<Option<u64>, JsError> {
        match obj.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .filter(|n| (1..=most).contains(n))
                .map(Some)
                .ok_or_else(|| err("options", format!("{key} must be a whole number 1..={most}, got {v}"))),
        }
    };
    for key in obj.keys() {
        if !["order", "max_states", "max_fates"].contains(&key.as_str()) {
            return Err(err("options", format!("unknown key `{key}` (expected order, max_states, max_fates)")));
        }
    }
    out.dodgy = match obj.get("order").and_then(Value::as_str) {
        None if obj.get("order").is_none() => false,
        Some("normal") => false,
        Some("dodgy") => true,
        _ => return Err(err("options", format!("order must be \"normal\" or \"dodgy\", got {}", obj["order"]))),
    };
    if let Some(n) = whole("max_states", 2_000_000)? {
        out.limits.max_states = n as usize;
    }
    if let Some(n) = whole("max_fates", 8)? {
        out.limits.max_fates = n as u32;
    }
    Ok(out)
}

/// A counterexample as the page opens it.
#[derive(Serialize)]
struct ProcessCounterexample {
    /// The run file: the scenario, and the fates as manual inputs.
    run: String,
    /// The learner's decisions in that run, for `importProcessRun`.
    decisions: String,
    /// The error that stopped the learner's process in that run, if any.
    error: Option<String>,
    /// The step at which the rule breaks.
    step: usize,
}

#[wasm_bindgen]
impl Simulation {
    /// Starts exploring every fate (delivered, lost, duplicated, late) of every delivery to
    /// a worker for one order run by the learner's `decide` (meant for a Web Worker).
    /// `config` is a partial config as for `runProcess` (its `orders`, `dodgy` and
    /// `interval_ms` are set for the one order); `options`: `{ order: "normal" | "dodgy",
    /// max_states, max_fates }` (defaults: normal, 2,000,000 states, 6 fates). The rules
    /// are the explorer's, and the learner's own two (`runs`, `pay-again-only-on-timeout`).
    #[wasm_bindgen(js_name = exploreProcess)]
    pub fn explore_process(
        #[wasm_bindgen(unchecked_param_type = "Partial<Config>")] cfg: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(state: any, message: any, config: any) => any")] decide: JsValue,
        #[wasm_bindgen(
            unchecked_optional_param_type = "{ order?: \"normal\" | \"dodgy\", max_states?: number, max_fates?: number }"
        )]
        opts: Option<JsValue>,
    ) -> Result<ProcessExploration, JsError> {
        let decide = function_arg(&decide)?;
        let cfg = exercise_config(&cfg)?;
        let opts = options(&opts.unwrap_or(JsValue::UNDEFINED))?;
        let process = js_process(decide.clone());
        let scenario = learner::scenario_config(&cfg, opts.dodgy);
        match learner::explorer(&cfg, opts.dodgy, process, opts.limits) {
            Ok(explorer) => Ok(ProcessExploration { explorer, scenario, decide }),
            Err(e) => Err(err("explore", format!("{}: {}", e.field, e.message))),
        }
    }
}

#[wasm_bindgen]
impl ProcessExploration {
    /// Explores up to `budget` more states (a whole number ≥ 1) and returns the progress
    /// (as `Exploration.advance`): `{ verdict, states, schedules, dedup_hits, frontier,
    /// max_fates, broken }`.
    ///
    /// `budget` is read as it is given (a number; an object is refused, its `valueOf` never
    /// called), so nothing the argument does can free this object under the call.
    pub fn advance(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] budget: JsValue,
    ) -> Result<JsValue, JsError> {
        let budget =
            crate::facade_args::budget("advance", &crate::wasm::kind(&budget)).map_err(|e| err("explore", e))?;
        self.explorer.advance(budget);
        to_js(&progress(&self.explorer))
    }

    /// The progress so far.
    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&progress(&self.explorer))
    }

    /// The shortest counterexample, re-run with the learner's code and recorded: `{ run,
    /// decisions, error, step }` (open it with `Simulation.importProcessRun(run,
    /// decisions)`, then seek `step`), or `undefined` while no rule is broken.
    #[wasm_bindgen(
        unchecked_return_type = "{ run: string, decisions: string, error: string | null, step: number } | undefined"
    )]
    pub fn counterexample(&self) -> Result<JsValue, JsError> {
        let Verdict::Broken(example) = self.explorer.verdict() else { return Ok(JsValue::UNDEFINED) };
        let cfg = self.scenario.clone();
        let (world, run) = run_recorded(cfg, example.inputs.clone(), js_process(self.decide.clone()), None)?;
        let step = example.step.min(world.steps());
        to_js(&ProcessCounterexample { run: run.run, decisions: run.decisions, error: run.error, step })
    }
}
