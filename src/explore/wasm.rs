//! The explorer in the page: `Exploration`, driven in slices (from a Web Worker, so the
//! page stays responsive and can cancel by terminating it), with its progress and the
//! counterexample's run file, which `Simulation.importRun` opens at the broken step.

use super::progress::{counterexample_file, progress, scenario_of};
use super::{Explorer, Limits};
use crate::wasm::{fail, kind, run_text};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// An exploration of every fate for the scenario of a run.
#[wasm_bindgen]
pub struct Exploration {
    explorer: Explorer,
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| fail(&format!("could not convert a result for JavaScript: {e}")))
}

#[wasm_bindgen]
impl Exploration {
    /// Starts exploring the scenario of `run` (a run file's text, as the page exports it:
    /// its config and the orders placed by hand, 1 or 2 orders in all). A run of the
    /// learner's process manager is refused: its code runs only in the exercise worker
    /// (`Simulation.exploreProcess`).
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "string")] run: JsValue) -> Result<Exploration, JsError> {
        let run = run_text("explore", &run)?;
        let (cfg, inputs) = scenario_of(&run).map_err(|e| fail(&format!("explore: {e}")))?;
        if !cfg.custom_process.is_off() {
            // the page has only the learner's recorded decisions, not their code
            return Err(fail(
                "explore: this run's process manager is your own code: \"Check it\" in the exercise panel explores every fate of it, in its worker",
            ));
        }
        let orders = cfg.orders + inputs.len() as u32;
        let explorer = Explorer::new(&cfg, inputs, Limits::for_orders(orders))
            .map_err(|e| fail(&format!("explore: {}: {}", e.field, e.message)))?;
        Ok(Exploration { explorer })
    }

    /// Explores up to `budget` more states (a whole number ≥ 1) and returns the progress:
    /// `{ verdict, states, schedules, dedup_hits, frontier, max_fates, broken, stopped_by }`.
    /// `budget` is read as it is given (a number; an object is refused, its `valueOf` never
    /// called), so nothing the argument does can free this object under the call.
    pub fn advance(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] budget: JsValue,
    ) -> Result<JsValue, JsError> {
        let budget = crate::facade_args::budget("advance", &kind(&budget)).map_err(|e| fail(&e))?;
        self.explorer.advance(budget);
        to_js(&progress(&self.explorer))
    }

    /// The progress so far.
    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&progress(&self.explorer))
    }

    /// The shortest counterexample's run file (opening at the broken step), or
    /// `undefined` while no rule is broken.
    pub fn counterexample(&self) -> Option<String> {
        counterexample_file(&self.explorer)
    }

    /// The rules an exploration checks, in the order it checks them: `[{ rule, text }]`
    /// (`rule` as in `progress().broken.rule`), for a page that lists them before a check.
    #[wasm_bindgen(unchecked_return_type = "Array<{ rule: string, text: string }>")]
    pub fn rules() -> Result<JsValue, JsError> {
        let rules: Vec<_> =
            super::rules::Rule::ALL.iter().map(|r| serde_json::json!({ "rule": r.name(), "text": r.text() })).collect();
        to_js(&rules)
    }
}
