//! The facade of an observed run (`ObservedRun`): the same reading calls as `Simulation`,
//! answered from a recorded history ([`crate::observed`]), so that every view of the page
//! shows it unchanged. An observed run is what happened: every call that would change it
//! (an order, a fate, a kitchen event, a version) throws an Error that says so, and it
//! grows only by the messages a live kitchen publishes (`append`). docs/FACADE.md lists it.

use crate::observed::{self, ObservedRun as Run};
use crate::run_file;
use crate::view::{SamplesView, WiringView};
use crate::wasm::{config_from_js, fail, given, optional_range, position, run_text, text_arg, to_js, uuid_arg};
use crate::wasm_index::{mark, moment};
use wasm_bindgen::prelude::*;

/// Why a call that changes a run does nothing to an observed one.
fn refusal(call: &str) -> String {
    format!(
        "{call}: this is an observed run, recorded from a live kitchen: it is what happened and cannot be \
         re-simulated, changed or branched (start a simulated run from its set-up to try that)"
    )
}

fn refused(call: &str) -> JsError {
    fail(&refusal(call))
}

fn step_or_undefined(step: Option<usize>) -> JsValue {
    step.map_or(JsValue::UNDEFINED, |s| JsValue::from_f64(s as f64))
}

/// A history recorded from a live kitchen, with time travel over it. See docs/FACADE.md.
#[wasm_bindgen]
pub struct ObservedRun {
    run: Run,
}

#[wasm_bindgen]
impl ObservedRun {
    /// Opens an observed run file (`"observed": true`); throws, naming the first thing
    /// wrong, on a file that is not one, or whose history or report was tampered with.
    #[wasm_bindgen(js_name = importRun)]
    pub fn import_run(#[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<ObservedRun, JsError> {
        let text = run_text("ObservedRun.importRun", &text)?;
        Ok(ObservedRun { run: Run::import(&text).map_err(|e| fail(&e))? })
    }

    /// Whether `text` is an observed run file (its top-level `observed` is `true`).
    #[wasm_bindgen(js_name = isObserved)]
    pub fn is_observed(text: JsValue) -> bool {
        text.as_string().is_some_and(|t| observed::is_observed(&t))
    }

    /// An empty observed run of a partial config, to follow a live kitchen: `append` adds
    /// each message that arrives.
    pub fn follow(
        #[wasm_bindgen(unchecked_param_type = "Partial<Config>")] cfg: JsValue,
    ) -> Result<ObservedRun, JsError> {
        let cfg = config_from_js(&cfg)?;
        Ok(ObservedRun { run: Run::following(cfg).map_err(|e| fail(&e))? })
    }

    /// Always `true` (a `Simulation` has no such method).
    pub fn observed(&self) -> bool {
        true
    }

    /// Whether more messages may come (following a live kitchen).
    pub fn following(&self) -> bool {
        self.run.is_following()
    }

    /// Adds the next message of the live stream: `body` its JSON text (a history entry
    /// without `seq`), `role` and `actor` its publisher (the headers `Brigade-Role` and
    /// `Brigade-Publisher`). Returns `false` for a message already there; throws on a
    /// message that cannot be read, changing nothing. The cursor stays.
    pub fn append(&mut self, body: JsValue, role: JsValue, actor: JsValue) -> Result<bool, JsError> {
        let body = text_arg("append", &body, "the message's JSON text")?;
        let role = text_arg("append", &role, "the publisher's role")?;
        let actor = text_arg("append", &actor, "the publisher's name")?;
        let value: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| fail(&format!("append: not JSON: {e}")))?;
        let n = self.run.len();
        self.run.append(&value, &role, &actor).map_err(|e| fail(&format!("append: message {n}: {e}")))
    }

    /// No more messages will come.
    #[wasm_bindgen(js_name = stopFollowing)]
    pub fn stop_following(&mut self) {
        self.run.stop_following();
    }

    /// The config the kitchen ran.
    #[wasm_bindgen(unchecked_return_type = "Config")]
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(self.run.config())
    }

    // ----- time travel over the record ---------------------------------------------------

    /// One step forward (one recorded message); `undefined` at the end of what arrived.
    #[wasm_bindgen(unchecked_return_type = "StepView | undefined")]
    pub fn step(&mut self) -> Result<JsValue, JsError> {
        let at = self.run.current();
        if at >= self.run.len() {
            return Ok(JsValue::UNDEFINED);
        }
        self.run.seek(at + 1);
        to_js(&self.run.step(at + 1))
    }

    /// One step back; `false` at step 0.
    #[wasm_bindgen(js_name = stepBack)]
    pub fn step_back(&mut self) -> bool {
        let at = self.run.current();
        self.run.seek(at.saturating_sub(1));
        at > 0
    }

    /// Jumps to step `n` (0 ≤ n ≤ totalSteps()).
    pub fn seek(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue) -> Result<(), JsError> {
        let n = position("seek", &n)?;
        if n > self.run.len() {
            return Err(fail(&format!("seek: step {n} is past the end of the record ({} steps)", self.run.len())));
        }
        self.run.seek(n);
        Ok(())
    }

    /// To the end of what arrived; returns the step count.
    #[wasm_bindgen(js_name = runToIdle)]
    pub fn run_to_idle(&mut self) -> usize {
        self.run.seek(self.run.len());
        self.run.len()
    }

    /// Nothing to compute: a record grows only as a live kitchen publishes. Returns `true`.
    pub fn extend(&mut self, _max_steps: JsValue) -> bool {
        true
    }

    /// The current step.
    #[wasm_bindgen(js_name = currentStep)]
    pub fn current_step(&self) -> usize {
        self.run.current()
    }

    /// Steps recorded: every message that arrived.
    #[wasm_bindgen(js_name = totalSteps)]
    pub fn total_steps(&self) -> usize {
        self.run.len()
    }

    /// 0: moving over a record re-runs nothing.
    #[wasm_bindgen(js_name = stepsRerun)]
    pub fn steps_rerun(&self) -> f64 {
        0.0
    }

    /// 0: a seek over a record re-runs nothing, however long.
    #[wasm_bindgen(js_name = longestRerun)]
    pub fn longest_rerun(&self) -> f64 {
        0.0
    }

    /// `true` unless a live kitchen is still followed.
    #[wasm_bindgen(js_name = frontierIdle)]
    pub fn frontier_idle(&self) -> bool {
        !self.run.is_following()
    }

    /// The recorded clock at the cursor.
    #[wasm_bindgen(js_name = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.run.now_ms() as f64
    }

    /// The config's process version (nobody changes it during a live run).
    #[wasm_bindgen(js_name = processVersion)]
    pub fn process_version(&self) -> u8 {
        self.run.config().process_version
    }

    // ----- what cannot be done to a record -----------------------------------------------

    /// Throws: an observed run takes no order.
    #[wasm_bindgen(js_name = placeOrder)]
    pub fn place_order(&mut self, _opts: JsValue) -> Result<JsValue, JsError> {
        Err(refused("placeOrder"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = setProcessVersion)]
    pub fn set_process_version(&mut self, _v: JsValue) -> Result<(), JsError> {
        Err(refused("setProcessVersion"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = dropMessage)]
    pub fn drop_message(&mut self, _target: JsValue, _actor: JsValue) -> Result<(), JsError> {
        Err(refused("dropMessage"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = duplicateMessage)]
    pub fn duplicate_message(&mut self, _target: JsValue, _actor: JsValue) -> Result<(), JsError> {
        Err(refused("duplicateMessage"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = delayMessage)]
    pub fn delay_message(&mut self, _target: JsValue, _actor: JsValue, _ms: JsValue) -> Result<(), JsError> {
        Err(refused("delayMessage"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = cookLeaves)]
    pub fn cook_leaves(&mut self, _name: JsValue) -> Result<(), JsError> {
        Err(refused("cookLeaves"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = cookReturns)]
    pub fn cook_returns(&mut self, _name: JsValue) -> Result<(), JsError> {
        Err(refused("cookReturns"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = hireCook)]
    pub fn hire_cook(&mut self, _name: JsValue, _ms: JsValue) -> Result<(), JsError> {
        Err(refused("hireCook"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = setCookTime)]
    pub fn set_cook_time(&mut self, _name: JsValue, _ms: JsValue) -> Result<(), JsError> {
        Err(refused("setCookTime"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = workerLeaves)]
    pub fn worker_leaves(&mut self, _name: JsValue) -> Result<(), JsError> {
        Err(refused("workerLeaves"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = workerReturns)]
    pub fn worker_returns(&mut self, _name: JsValue) -> Result<(), JsError> {
        Err(refused("workerReturns"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = hireWorker)]
    pub fn hire_worker(&mut self, _role: JsValue, _name: JsValue, _ms: JsValue) -> Result<(), JsError> {
        Err(refused("hireWorker"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = setWorkerTime)]
    pub fn set_worker_time(&mut self, _name: JsValue, _ms: JsValue) -> Result<(), JsError> {
        Err(refused("setWorkerTime"))
    }
    /// Throws: see `placeOrder` (a real process crashes by itself: `kill -9`, not the page).
    pub fn crash(&mut self, _name: JsValue) -> Result<(), JsError> {
        Err(refused("crash"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = poisonMessage)]
    pub fn poison_message(&mut self, _seq: JsValue, _actor: JsValue) -> Result<(), JsError> {
        Err(refused("poisonMessage"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = redeliverMessage)]
    pub fn redeliver_message(&mut self, _seq: JsValue) -> Result<(), JsError> {
        Err(refused("redeliverMessage"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = migrateOrder)]
    pub fn migrate_order(&mut self, _order: JsValue, _version: JsValue) -> Result<(), JsError> {
        Err(refused("migrateOrder"))
    }
    /// Throws: see `placeOrder`.
    #[wasm_bindgen(js_name = migrateOrders)]
    pub fn migrate_orders(&mut self, _definition: JsValue, _version: JsValue) -> Result<(), JsError> {
        Err(refused("migrateOrders"))
    }
    /// Why no order of a record can move to another version: the same words as
    /// `migrateOrder` throws (a preview; nothing changes).
    #[wasm_bindgen(js_name = migrationRefusal, unchecked_return_type = "string | null")]
    pub fn migration_refusal(&self, _order: JsValue, _version: JsValue) -> String {
        refusal("migrateOrder")
    }

    /// `[]`: nobody steered the kitchen.
    #[wasm_bindgen(unchecked_return_type = "Array<Input>")]
    pub fn inputs(&self) -> js_sys::Array {
        js_sys::Array::new()
    }

    /// `[]`: a record holds no mailbox.
    #[wasm_bindgen(unchecked_return_type = "Array<QueuedView>")]
    pub fn queued(&self) -> js_sys::Array {
        js_sys::Array::new()
    }

    // ----- reading at the cursor -----------------------------------------------------------

    /// Every actor at the cursor (queues 0: a record holds no mailbox).
    #[wasm_bindgen(unchecked_return_type = "Array<ActorView>")]
    pub fn actors(&self) -> Result<JsValue, JsError> {
        to_js(&self.run.actor_views())
    }

    /// Messages published by the cursor.
    #[wasm_bindgen(js_name = messageCount)]
    pub fn message_count(&self) -> usize {
        self.run.current()
    }

    /// Messages `[from, to)` published by the cursor.
    #[wasm_bindgen(unchecked_return_type = "Array<MessageView>")]
    pub fn messages(&self, from: JsValue, to: JsValue) -> Result<JsValue, JsError> {
        to_js(&self.run.messages(position("messages: from", &from)?, position("messages: to", &to)?))
    }

    /// How many messages each actor published of each type among `[from, to)`, by the cursor.
    #[wasm_bindgen(js_name = publishedCounts, unchecked_return_type = "Array<{ publisher: string; type: MessageType; count: number }>")]
    pub fn published_counts(&self, from: JsValue, to: JsValue) -> Result<JsValue, JsError> {
        let (from, to) = (position("publishedCounts: from", &from)?, position("publishedCounts: to", &to)?);
        to_js(&self.run.published_counts(from, to))
    }

    /// The positions of the messages of one type published by the cursor.
    #[wasm_bindgen(js_name = seqsOfType)]
    pub fn seqs_of_type(&self, name: JsValue) -> Result<Vec<u32>, JsError> {
        let name = text_arg("seqsOfType", &name, "a message type's name")?;
        let t = crate::message::MessageType::from_name(&name)
            .ok_or_else(|| fail(&format!("seqsOfType: unknown message type {:?}", run_file::clip(&name, 40))))?;
        Ok(self.run.seqs_of_type(t))
    }

    /// One message with its payload; `undefined` if not published by the cursor.
    #[wasm_bindgen(unchecked_return_type = "MessageDetail | undefined")]
    pub fn message(&self, seq: JsValue) -> Result<JsValue, JsError> {
        match self.run.message_detail(position("message", &seq)?) {
            Some(m) => to_js(&m),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The step that led to the cursor; `undefined` at 0.
    #[wasm_bindgen(js_name = lastStep, unchecked_return_type = "StepView | undefined")]
    pub fn last_step(&self) -> Result<JsValue, JsError> {
        match self.run.step(self.run.current()) {
            Some(s) => to_js(&s),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Steps `[from, to)` done by the cursor.
    #[wasm_bindgen(unchecked_return_type = "Array<StepView>")]
    pub fn steps(&self, from: JsValue, to: JsValue) -> Result<JsValue, JsError> {
        to_js(&self.run.steps(position("steps: from", &from)?, position("steps: to", &to)?))
    }

    /// Orders placed by the cursor; optionally positions `[from, to)` only.
    #[wasm_bindgen(unchecked_return_type = "Array<OrderView>")]
    pub fn orders(&self, from: JsValue, to: JsValue) -> Result<JsValue, JsError> {
        let (from, to) = optional_range("orders", &from, &to)?;
        to_js(&self.run.orders(from, to))
    }

    /// Orders placed by the cursor.
    #[wasm_bindgen(js_name = orderCount)]
    pub fn order_count(&self) -> usize {
        self.run.order_count()
    }

    /// One order; `undefined` if not placed by the cursor.
    #[wasm_bindgen(unchecked_return_type = "OrderView | undefined")]
    pub fn order(&self, correlation_id: JsValue) -> Result<JsValue, JsError> {
        match self.run.order(&uuid_arg("order", &correlation_id)?) {
            Some(o) => to_js(&o),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// One order's messages at the cursor.
    #[wasm_bindgen(js_name = orderStream, unchecked_return_type = "Array<MessageView>")]
    pub fn order_stream(&self, correlation_id: JsValue) -> Result<JsValue, JsError> {
        to_js(&self.run.order_stream(&uuid_arg("orderStream", &correlation_id)?))
    }

    /// One order replayed into a fresh process manager over its recorded stream.
    #[wasm_bindgen(unchecked_return_type = "ReplayView")]
    pub fn replay(&self, correlation_id: JsValue, definition: JsValue, version: JsValue) -> Result<JsValue, JsError> {
        let id = uuid_arg("replay", &correlation_id)?;
        let definition = match given(&definition).and_then(JsValue::as_string).as_deref() {
            None | Some("") => None,
            Some(name) => Some(
                crate::process::Definition::from_name(name)
                    .ok_or_else(|| fail(&format!("replay: unknown definition {:?}", run_file::clip(name, 80))))?,
            ),
        };
        let version = match given(&version) {
            None => None,
            Some(v) => {
                Some(u8::try_from(position("replay: version", v)?).map_err(|_| fail("replay: unknown version"))?)
            }
        };
        to_js(&self.run.replay(&id, definition, version).map_err(|e| fail(&format!("replay: {e}")))?)
    }

    /// The faults the record shows up to the cursor.
    #[wasm_bindgen(unchecked_return_type = "Array<FaultStepView>")]
    pub fn faults(&self) -> Result<JsValue, JsError> {
        to_js(&self.run.faults())
    }

    /// Every handling of message `seq` the record shows up to the cursor.
    #[wasm_bindgen(unchecked_return_type = "Array<DeliveryView>")]
    pub fn deliveries(&self, seq: JsValue) -> Result<JsValue, JsError> {
        to_js(&self.run.deliveries(position("deliveries", &seq)? as u32))
    }

    /// The wiring of the run's architecture.
    #[wasm_bindgen(unchecked_return_type = "WiringView")]
    pub fn wiring(&self) -> Result<JsValue, JsError> {
        let wiring = self.run.wiring();
        to_js(&WiringView { wiring, links: wiring.links(), rewired_for_pay_first: wiring.rewired_for_pay_first() })
    }

    /// The engine's vocabulary in the run's wiring.
    #[wasm_bindgen(unchecked_return_type = "Vocabulary")]
    pub fn vocabulary(&self) -> Result<JsValue, JsError> {
        to_js(&crate::vocabulary::Vocabulary::of(self.run.wiring()))
    }

    /// One order's sequence diagram as Mermaid text, up to the cursor.
    pub fn mermaid(&self, correlation_id: JsValue) -> Result<Option<String>, JsError> {
        Ok(self.run.mermaid(&uuid_arg("mermaid", &correlation_id)?))
    }

    /// `[]`: the printer's receipts are not in the record.
    #[wasm_bindgen(unchecked_return_type = "Array<Receipt>")]
    pub fn receipts(&self) -> js_sys::Array {
        js_sys::Array::new()
    }

    /// The observed report at the cursor (CONTRACT §7's keys, `retries` and
    /// `deliveries_duplicated`).
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&self.run.report_upto(self.run.current()))
    }

    /// No samples: a record holds no mailbox.
    #[wasm_bindgen(js_name = queueSamples, unchecked_return_type = "SamplesView")]
    pub fn queue_samples(&self, _max_rows: JsValue) -> Result<JsValue, JsError> {
        let names = self.run.actors().iter().map(|a| a.name.clone()).collect();
        to_js(&SamplesView {
            interval_ms: self.run.config().sample_ms,
            actors: names,
            at_ms: vec![],
            rows: vec![],
            taken: vec![],
        })
    }

    /// The observed run file of everything that arrived, recording the current step.
    #[wasm_bindgen(js_name = exportRun)]
    pub fn export_run(&self) -> String {
        self.run.export()
    }

    // ----- the whole record, without moving the cursor -------------------------------------

    /// The first step after `after` of a kind (`fault`, `timeout`, `retry`, `completion`).
    #[wasm_bindgen(js_name = nextMark, unchecked_return_type = "number | undefined")]
    pub fn next_mark(&self, kind: JsValue, after: JsValue) -> Result<JsValue, JsError> {
        Ok(step_or_undefined(self.run.next_mark(mark("nextMark", &kind)?, position("nextMark", &after)?)))
    }

    /// The last step before `before` of a kind.
    #[wasm_bindgen(js_name = prevMark, unchecked_return_type = "number | undefined")]
    pub fn prev_mark(&self, kind: JsValue, before: JsValue) -> Result<JsValue, JsError> {
        Ok(step_or_undefined(self.run.prev_mark(mark("prevMark", &kind)?, position("prevMark", &before)?)))
    }

    /// How many steps up to `step` are of a kind.
    #[wasm_bindgen(js_name = markCount)]
    pub fn mark_count(&self, kind: JsValue, step: JsValue) -> Result<usize, JsError> {
        Ok(self.run.count_upto(mark("markCount", &kind)?, position("markCount", &step)?))
    }

    /// Every step is read as it arrives: the whole record.
    #[wasm_bindgen(js_name = indexedSteps)]
    pub fn indexed_steps(&self) -> usize {
        self.run.len()
    }

    /// The faults with their step in `[from, to)`, over the whole record.
    #[wasm_bindgen(js_name = faultsInRun, unchecked_return_type = "Array<RunFaultView>")]
    pub fn faults_in_run(&self, from: JsValue, to: JsValue) -> Result<JsValue, JsError> {
        to_js(&self.run.faults_in_run(position("faultsInRun", &from)?, position("faultsInRun", &to)?))
    }

    /// The faults concerning message `seq`, over the whole record.
    #[wasm_bindgen(js_name = faultsOfMessage, unchecked_return_type = "Array<RunFaultView>")]
    pub fn faults_of_message(&self, seq: JsValue) -> Result<JsValue, JsError> {
        to_js(&self.run.faults_of_message(position("faultsOfMessage", &seq)? as u32))
    }

    /// Every handling of message `seq` over the whole record.
    #[wasm_bindgen(js_name = deliveriesInRun, unchecked_return_type = "Array<DeliveryView>")]
    pub fn deliveries_in_run(&self, seq: JsValue) -> Result<JsValue, JsError> {
        to_js(&self.run.deliveries_in_run(position("deliveriesInRun", &seq)? as u32))
    }

    /// The step that completed an order, or `undefined`.
    #[wasm_bindgen(js_name = completionStep, unchecked_return_type = "number | undefined")]
    pub fn completion_step(&self, correlation_id: JsValue) -> Result<JsValue, JsError> {
        Ok(step_or_undefined(self.run.completion_step(&uuid_arg("completionStep", &correlation_id)?)))
    }

    /// The first step after `after` at which a moment happens (see `Simulation.momentStep`).
    #[wasm_bindgen(js_name = momentStep, unchecked_return_type = "number | undefined")]
    pub fn moment_step(
        &self,
        kind: JsValue,
        message_type: JsValue,
        role: JsValue,
        after: JsValue,
    ) -> Result<JsValue, JsError> {
        let moment = moment(&kind, &message_type, &role)?;
        let after = match given(&after) {
            Some(a) => position("momentStep", a)?,
            None => 0,
        };
        Ok(step_or_undefined(self.run.moment_step(moment, after)))
    }

    /// The step during which message `seq` entered the record: `seq + 1`.
    #[wasm_bindgen(js_name = publishingStep, unchecked_return_type = "number | undefined")]
    pub fn publishing_step(&self, seq: JsValue) -> Result<JsValue, JsError> {
        let seq = position("publishingStep", &seq)?;
        Ok(step_or_undefined((seq < self.run.len()).then_some(seq + 1)))
    }
}
