//! The facade's questions about the whole known run, answered from the run index
//! (src/run_index.rs) without moving the cursor: the next or previous step with a fault, a
//! timeout, a retry or a completion, where an order completes, a message's deliveries and
//! faults, where a decision is published. Views ask these instead of seeking ahead and back.

use crate::message::MessageType;
use crate::run_index::{self, Mark, Moment};
use crate::view;
use crate::wasm::Simulation;
use crate::wiring::Role;
use serde::Serialize;
use uuid::Uuid;
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not convert a result for JavaScript: {e}")))
}

/// A step or message position: a whole number `0..=2^32 - 1`, nothing else.
fn position(call: &str, what: &str, v: &JsValue) -> Result<usize, JsError> {
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => Ok(n as usize),
        _ => Err(JsError::new(&format!("{call}: {what} must be a whole number from 0 to {}", u32::MAX))),
    }
}

pub(crate) fn mark(call: &str, v: &JsValue) -> Result<Mark, JsError> {
    v.as_string().as_deref().and_then(Mark::from_name).ok_or_else(|| {
        JsError::new(&format!("{call}: the kind must be \"fault\", \"timeout\", \"retry\" or \"completion\""))
    })
}

fn step_or_undefined(step: Option<usize>) -> JsValue {
    step.map_or(JsValue::UNDEFINED, |s| JsValue::from_f64(s as f64))
}

/// The moment `momentStep` is asked for, from its arguments.
pub(crate) fn moment(kind: &JsValue, message_type: &JsValue, role: &JsValue) -> Result<Moment, JsError> {
    const CALL: &str = "momentStep";
    let given = |v: &JsValue| !v.is_undefined() && !v.is_null();
    let type_of =
        || {
            message_type.as_string().as_deref().and_then(MessageType::from_name).ok_or_else(|| {
                JsError::new(&format!("{CALL}: the type must be a message type's name (see vocabulary())"))
            })
        };
    let role = if given(role) {
        Some(
            role.as_string()
                .as_deref()
                .and_then(Role::from_name)
                .ok_or_else(|| JsError::new(&format!("{CALL}: the role must be a role's name (see vocabulary())")))?,
        )
    } else {
        None
    };
    match kind.as_string().as_deref() {
        Some("handled") => Ok(Moment::Handled(type_of()?, role)),
        Some("decided") => Ok(Moment::Decided(type_of()?)),
        Some("absorbed") => Ok(Moment::Absorbed),
        _ => Err(JsError::new(&format!("{CALL}: the kind must be \"handled\", \"decided\" or \"absorbed\""))),
    }
}

#[wasm_bindgen]
impl Simulation {
    /// The first step after `after` (0 when not given) at which a moment happens in the run
    /// computed so far — `"handled"`: an actor (of `role`, when given) handles a message of
    /// `type`; `"decided"`: a handler decides a message of `type`; `"absorbed"`: the
    /// idempotent store absorbs a decision — or `undefined` when there is none. The cursor
    /// does not move: the tour finds its stops with this.
    #[wasm_bindgen(js_name = momentStep, unchecked_return_type = "number | undefined")]
    pub fn moment_step(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"handled\" | \"decided\" | \"absorbed\"")] kind: JsValue,
        #[wasm_bindgen(js_name = "type", unchecked_param_type = "MessageType | undefined")] message_type: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Role | undefined")] role: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | undefined")] after: JsValue,
    ) -> Result<JsValue, JsError> {
        let moment = moment(&kind, &message_type, &role)?;
        let after = if after.is_undefined() || after.is_null() { 0 } else { position("momentStep", "after", &after)? };
        Ok(step_or_undefined(run_index::moment_step(self.timeline().world(), moment, after)))
    }

    /// The first step after `after` of a kind — `"fault"` (a delivery lost, doubled,
    /// delayed, refused, rejected or absorbed), `"timeout"` (the house hears a
    /// StepTimedOut), `"retry"` (it answers a timeout or an expiry by asking again),
    /// `"completion"` (an OrderCompleted is decided) — in the run computed so far;
    /// `undefined` when there is none. The cursor does not move.
    #[wasm_bindgen(js_name = nextMark, unchecked_return_type = "number | undefined")]
    pub fn next_mark(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"fault\" | \"timeout\" | \"retry\" | \"completion\"")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] after: JsValue,
    ) -> Result<JsValue, JsError> {
        let kind = mark("nextMark", &kind)?;
        let after = position("nextMark", "the step", &after)?;
        Ok(step_or_undefined(self.run_index().next(kind, after)))
    }

    /// The last step before `before` of a kind (see `nextMark`); `undefined` when none.
    #[wasm_bindgen(js_name = prevMark, unchecked_return_type = "number | undefined")]
    pub fn prev_mark(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"fault\" | \"timeout\" | \"retry\" | \"completion\"")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] before: JsValue,
    ) -> Result<JsValue, JsError> {
        let kind = mark("prevMark", &kind)?;
        let before = position("prevMark", "the step", &before)?;
        Ok(step_or_undefined(self.run_index().prev(kind, before)))
    }

    /// How many steps up to `step` (inclusive) are of a kind (see `nextMark`).
    #[wasm_bindgen(js_name = markCount)]
    pub fn mark_count(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"fault\" | \"timeout\" | \"retry\" | \"completion\"")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] step: JsValue,
    ) -> Result<usize, JsError> {
        let kind = mark("markCount", &kind)?;
        let step = position("markCount", "the step", &step)?;
        Ok(self.run_index().count_upto(kind, step))
    }

    /// The step that decided the OrderCompleted of the order with correlation id
    /// `correlationId` in the run computed so far; `undefined` when it has not completed.
    #[wasm_bindgen(js_name = completionStep, unchecked_return_type = "number | undefined")]
    pub fn completion_step(
        &self,
        #[wasm_bindgen(js_name = correlationId, unchecked_param_type = "string")] correlation_id: JsValue,
    ) -> Result<JsValue, JsError> {
        let id = correlation_id
            .as_string()
            .and_then(|s| Uuid::parse_str(&s).ok())
            .ok_or_else(|| JsError::new("completionStep: the correlation id must be a uuid string"))?;
        Ok(step_or_undefined(self.run_index().completion_of(&id)))
    }

    /// The step during which message `seq` enters the history in the run computed so far;
    /// `undefined` when it is not published there.
    #[wasm_bindgen(js_name = publishingStep, unchecked_return_type = "number | undefined")]
    pub fn publishing_step(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] seq: JsValue,
    ) -> Result<JsValue, JsError> {
        let seq = position("publishingStep", "seq", &seq)? as u32;
        Ok(step_or_undefined(run_index::step_publishing(self.timeline().world(), seq)))
    }

    /// Every delivery of message `seq` in the run computed so far, after the cursor too:
    /// `[{ step, actor, at_ms, copy }]`. The cursor does not move.
    #[wasm_bindgen(js_name = deliveriesInRun, unchecked_return_type = "Array<DeliveryView>")]
    pub fn deliveries_in_run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] seq: JsValue,
    ) -> Result<JsValue, JsError> {
        let seq = position("deliveriesInRun", "seq", &seq)? as u32;
        let index = self.run_index();
        to_js(&view::deliveries_in_run(self.timeline().world(), &index, seq))
    }

    /// Steps of the run computed so far that the run index has read (the marks and the
    /// faults below reach this far; a step whose decisions are not all published yet waits).
    #[wasm_bindgen(js_name = indexedSteps)]
    pub fn indexed_steps(&self) -> usize {
        self.run_index().upto()
    }

    /// Every fault with its step in `[from, to)` of the run computed so far (as far as
    /// `indexedSteps()`), in step order: `[{ step, fault, seq, actor, manual, type, out,
    /// reason }]` as `faultsOfMessage`. The cursor does not move.
    #[wasm_bindgen(js_name = faultsInRun, unchecked_return_type = "Array<RunFaultView>")]
    pub fn faults_in_run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
    ) -> Result<JsValue, JsError> {
        let from = position("faultsInRun", "from", &from)?;
        let to = position("faultsInRun", "to", &to)?;
        let index = self.run_index();
        to_js(&view::faults_in_run(self.timeline().world(), &index, from, to))
    }

    /// Every fault of the run computed so far that concerns message `seq`: lost, doubled
    /// or delayed deliveries, and deliveries its receiver refused, rejected or absorbed
    /// (`[{ step, fault, seq, actor, manual, type, out, reason }]`). The cursor does not move.
    #[wasm_bindgen(js_name = faultsOfMessage, unchecked_return_type = "Array<RunFaultView>")]
    pub fn faults_of_message(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] seq: JsValue,
    ) -> Result<JsValue, JsError> {
        let seq = position("faultsOfMessage", "seq", &seq)? as u32;
        let index = self.run_index();
        to_js(&view::faults_of_message(self.timeline().world(), &index, seq))
    }
}
