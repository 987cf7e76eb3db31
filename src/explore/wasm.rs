//! The explorer in the page: `Exploration`, driven in slices (from a Web Worker, so the
//! page stays responsive and can cancel by terminating it), with its progress and the
//! counterexample's run file, which `Simulation.importRun` opens at the broken step.

use super::progress::{counterexample_file, progress, scenario_of};
use super::{Explorer, Limits};
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
        .map_err(|e| JsError::new(&format!("could not convert a result for JavaScript: {e}")))
}

#[wasm_bindgen]
impl Exploration {
    /// Starts exploring the scenario of `run` (a run file's text, as the page exports it:
    /// its config and the orders placed by hand, 1 or 2 orders in all). A run of the
    /// learner's process manager is refused: its code runs only in the exercise worker
    /// (`Simulation.exploreProcess`).
    #[wasm_bindgen(constructor)]
    pub fn new(run: &str) -> Result<Exploration, JsError> {
        let (cfg, inputs) = scenario_of(run).map_err(|e| JsError::new(&format!("explore: {e}")))?;
        if !cfg.custom_process.is_off() {
            // the page has only the learner's recorded decisions, not their code
            return Err(JsError::new(
                "explore: this run's process manager is your own code: \"Check it\" in the exercise panel explores every fate of it, in its worker",
            ));
        }
        let orders = cfg.orders + inputs.len() as u32;
        let explorer = Explorer::new(&cfg, inputs, Limits::for_orders(orders))
            .map_err(|e| JsError::new(&format!("explore: {}: {}", e.field, e.message)))?;
        Ok(Exploration { explorer })
    }

    /// Explores up to `budget` more states (a whole number ≥ 1) and returns the progress:
    /// `{ verdict, states, schedules, dedup_hits, frontier, max_fates, broken }`.
    pub fn advance(&mut self, budget: f64) -> Result<JsValue, JsError> {
        if !budget.is_finite() || budget < 1.0 || budget.fract() != 0.0 {
            return Err(JsError::new(&format!("advance: budget must be a whole number ≥ 1, got {budget}")));
        }
        self.explorer.advance(budget.min(1e9) as usize);
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
