//! A process manager written by the learner: its decisions come from a function.
//!
//! The function is `decide(state, message, config) -> { state, send }` on JSON values
//! (see docs/FACADE.md, "Exercise mode"). The house treats it like the built-in process
//! manager, event-sourced: for every message it rebuilds the state by replaying the
//! order's stream through the function (what it sends discarded), then hands it the new
//! message and publishes what it sends.
//!
//! Every output is validated as it is produced; the first invalid one stops the process
//! managers for the rest of the run with an error naming the message and the learner's
//! mistake ([`CustomProcess::failure`]). Every decision is journaled the first time it is
//! made; a replay that decides differently is reported as non-determinism, the way
//! workflow engines report it.

use super::house::{follow_mask, HouseContext};
use super::manager::input_mask;
use crate::definition::{Definition, ProcessParams};
use crate::ids::{TAG_HOUSE, TAG_HOUSE_STARTED};
use crate::message::{
    Alarm, DropReason, Envelope, HistoryEntry, Message, MessageType, RejectReason, Rejection, WorkStep,
};
use crate::order::Order;
use crate::outbox::{Effect, Outbox, Seal};
use crate::store::{IdMap, Store};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use strum::IntoEnumIterator;
use uuid::Uuid;

/// Whose orders run the learner's process manager (config key `custom_process`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum CustomScope {
    /// Nobody's: the built-in process managers run every order (the default).
    #[default]
    Off,
    /// Every customer's.
    All,
    /// Only dodgy customers' (the others run the built-in pay-last).
    Dodgy,
}

impl CustomScope {
    /// Whether the scope is `off`.
    pub fn is_off(&self) -> bool {
        *self == CustomScope::Off
    }

    /// Whether a new order of a (dodgy or not) customer runs the custom process.
    pub fn applies(self, dodgy: bool) -> bool {
        match self {
            CustomScope::Off => false,
            CustomScope::All => true,
            CustomScope::Dodgy => dodgy,
        }
    }
}

/// The learner's function: `(state, message, config)` to `{ state, send }`, or the error
/// it raised.
pub type DecideFn = dyn Fn(&Value, &Value, &Value) -> Result<Value, String>;

/// A learner's process manager: the decide function, and where the run's first failure
/// is reported.
#[derive(Clone)]
pub struct CustomProcess {
    decide: Rc<DecideFn>,
    failure: Rc<RefCell<Option<String>>>,
}

impl std::fmt::Debug for CustomProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomProcess").field("failure", &self.failure.borrow()).finish_non_exhaustive()
    }
}

impl PartialEq for CustomProcess {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.decide, &other.decide)
    }
}

impl CustomProcess {
    /// A process manager deciding with `decide`.
    pub fn new(decide: impl Fn(&Value, &Value, &Value) -> Result<Value, String> + 'static) -> Self {
        CustomProcess { decide: Rc::new(decide), failure: Rc::new(RefCell::new(None)) }
    }

    /// The error that stopped the process managers, if one did.
    pub fn failure(&self) -> Option<String> {
        self.failure.borrow().clone()
    }

    /// Calls the function (for a recorder wrapping it).
    pub fn call(&self, state: &Value, message: &Value, config: &Value) -> Result<Value, String> {
        (self.decide)(state, message, config)
    }
}

/// One answer of a recording and how many calls in a row got it.
pub type Answered = (Result<Value, String>, u32);

/// Recorded decisions: the answers (or errors) to each call, keyed by [`record_key`], in
/// the order they were given, run-length encoded (a deterministic function gives one
/// answer per key however often it is asked; a non-deterministic one several, and the
/// re-simulation must see them in the same order).
pub type Recording = BTreeMap<String, Vec<Answered>>;

/// A decide function that replays recorded decisions (see [`recording`]): the n-th call
/// with a key gets the n-th answer recorded for it (the last one once they run out). Runs
/// no code: the page re-simulates with it a run made in a worker by the learner's code.
pub fn recorded(table: Recording) -> CustomProcess {
    let calls: RefCell<BTreeMap<String, u32>> = RefCell::new(BTreeMap::new());
    CustomProcess::new(move |state, message, config| {
        let key = record_key(state, message, config);
        let Some(answers) = table.get(&key).filter(|a| !a.is_empty()) else {
            return Err(
                "this decision was not recorded by the run (run the code again to explore new situations)".into()
            );
        };
        let mut calls = calls.borrow_mut();
        let n = calls.entry(key).or_insert(0);
        let mut left = *n;
        *n = n.saturating_add(1);
        for (answer, times) in answers {
            if left < *times {
                return answer.clone();
            }
            left -= times;
        }
        answers[answers.len() - 1].0.clone()
    })
}

/// Wraps `inner` so that every call's answer (or error) is added to `table`.
pub fn recording(inner: CustomProcess, table: Rc<RefCell<Recording>>) -> CustomProcess {
    CustomProcess::new(move |state, message, config| {
        let answer = inner.call(state, message, config);
        let mut table = table.borrow_mut();
        let answers = table.entry(record_key(state, message, config)).or_default();
        match answers.last_mut() {
            Some((last, times)) if *last == answer => *times = times.saturating_add(1),
            _ => answers.push((answer.clone(), 1)),
        }
        answer
    })
}

/// The key of a call in a table of recorded decisions.
pub fn record_key(state: &Value, message: &Value, config: &Value) -> String {
    json!([state, message, config]).to_string()
}

/// The `config` argument of decide: the timings of the run and the order's version.
pub fn config_json(params: &ProcessParams, version: u8) -> Value {
    json!({
        "cook_timeout_ms": params.cook_timeout_ms,
        "price_timeout_ms": params.price_timeout_ms,
        "pay_timeout_ms": params.pay_timeout_ms,
        "max_retries": params.max_retries,
        "version": version,
    })
}

/// The learner's process after one message of an order's history, replayed.
#[derive(Debug, Clone)]
pub struct CustomStep {
    /// Position of the message in the store.
    pub seq: u32,
    /// The message.
    pub message: Envelope,
    /// The state decide returned.
    pub state: Value,
    /// The messages it sent, with the ids they get.
    pub decided: Vec<Envelope>,
    /// Whether they equal what the live run published for this message.
    pub same_as_history: bool,
}

/// Replays order `correlation_id` through `process` one message at a time (nothing is
/// published), comparing each step's decisions with `recorded(message)`. The first
/// invalid answer ends the replay with its error.
pub fn replay(
    store: &Store,
    correlation_id: &Uuid,
    process: &CustomProcess,
    params: &ProcessParams,
    version: u8,
    recorded: impl Fn(&Envelope) -> Vec<Envelope>,
) -> Result<Vec<CustomStep>, String> {
    let config = config_json(params, version);
    let mask = input_mask();
    let mut state = Value::Null;
    let mut steps = Vec::new();
    for &s in store.stream(correlation_id) {
        let Some(env) = store.get(s as usize) else { break };
        let env = &env;
        if env.message_type().bit() & mask == 0 {
            continue;
        }
        let what = || describe(store, s, env);
        let message = serde_json::to_value(HistoryEntry::new(s, env)).map_err(|e| format!("{}: {e}", what()))?;
        let answer = process.call(&state, &message, &config).map_err(|e| format!("{}: decide failed: {e}", what()))?;
        let (next, send) = split_answer(&answer).map_err(|e| format!("{}: {e}", what()))?;
        let mut out = Outbox::new();
        for (i, item) in send.iter().enumerate() {
            out.publish(to_message(item, env, store).map_err(|e| format!("{}: send[{i}]: {e}", what()))?);
        }
        let decided: Vec<Envelope> =
            out.envelopes(Seal::of(env, TAG_HOUSE, TAG_HOUSE_STARTED)).map(|(_, e)| e).collect();
        let published = recorded(env);
        let same_as_history = decided.len() == published.len()
            && decided.iter().zip(&published).all(|(d, p)| d.id == p.id && d.body == p.body);
        steps.push(CustomStep { seq: s, message: env.clone(), state: next.clone(), decided, same_as_history });
        state = next;
    }
    Ok(steps)
}

/// One decision the function made, as first seen.
#[derive(Debug, Clone, PartialEq)]
struct Decision {
    seq: u32,
    answer: Rc<Value>,
}

/// The custom process managers' part of the house: what each decided the first time
/// (the history a replay must agree with), and whether the run stopped.
#[derive(Debug, Clone, Default)]
pub struct CustomHouse {
    journals: IdMap<Vec<Decision>>,
    ended: IdMap<bool>,
    failed: bool,
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

/// What a message is called in errors: `message 12 (FoodCooked) of order 3`.
fn describe(store: &Store, seq: u32, env: &Envelope) -> String {
    let order = store.order_no(&env.correlation_id).map_or(String::new(), |n| format!(" of order {n}"));
    format!("message {seq} ({}){order} at {} ms", env.message_type().name(), env.at_ms)
}

impl CustomHouse {
    /// Orders run by a custom process that have not published a terminal event yet.
    pub fn live(&self) -> usize {
        self.ended.values().filter(|e| !**e).count()
    }

    /// Whether the run was stopped by an invalid decision.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Handles `msg` (at `seq`) for an order run by the custom process; `start` is true
    /// when it opens the order.
    pub fn handle(
        &mut self,
        msg: &Envelope,
        seq: u32,
        start: bool,
        ctx: &HouseContext<'_>,
        custom: Option<&CustomProcess>,
        out: &mut Outbox,
    ) {
        if self.failed {
            return;
        }
        let Some(custom) = custom else {
            self.fail(None, format!("{}: no process code is loaded", describe(ctx.store, seq, msg)));
            return;
        };
        let corr = msg.correlation_id;
        if start {
            out.push(Effect::Follow(corr, follow_mask()));
            out.push(Effect::Announce(Message::ProcessStarted {
                definition: Definition::Custom,
                version: ctx.version,
            }));
            self.ended.insert(corr, false);
        }
        let version = super::replay::original_process(ctx.store, &corr).map_or(ctx.version, |(_, v)| v);
        let config = config_json(&ctx.params, version);
        match self.decide_all(msg, seq, ctx.store, custom, &config, ctx.cached) {
            Ok(effects) => {
                let terminal = effects.iter().any(|m| m.message_type().is_terminal());
                if terminal {
                    self.ended.insert(corr, true);
                }
                for m in effects {
                    out.publish(m);
                }
            }
            Err(e) => self.fail(Some(custom), e),
        }
    }

    fn fail(&mut self, custom: Option<&CustomProcess>, error: String) {
        self.failed = true;
        if let Some(c) = custom {
            c.failure.borrow_mut().get_or_insert(error);
        }
    }

    /// Rebuilds the state from the stream before `seq`, checking every replayed decision
    /// against the journal, then decides on `msg`. With `cached` (`house: cached`), a
    /// message already decided is not asked again: its journaled state is taken (the same
    /// for a deterministic function, without catching one that decides otherwise on replay).
    fn decide_all(
        &mut self,
        msg: &Envelope,
        seq: u32,
        store: &Store,
        custom: &CustomProcess,
        config: &Value,
        cached: bool,
    ) -> Result<Vec<Message>, String> {
        let corr = msg.correlation_id;
        let mask = input_mask();
        let mut state = Value::Null;
        // cached: the last journaled answer, read only when its state is needed
        let mut journaled: Option<Rc<Value>> = None;
        let state_of = |answer: Rc<Value>| answer.get("state").cloned().unwrap_or(Value::Null);
        let earlier: Vec<u32> = store.stream(&corr).iter().copied().take_while(|&s| s < seq).collect();
        for s in earlier {
            let Some(env) = store.get(s as usize) else { break };
            let env = &env;
            if env.message_type().bit() & mask == 0 {
                continue;
            }
            if cached {
                if let Some(d) = self.journals.get(&corr).and_then(|j| j.iter().find(|d| d.seq == s)) {
                    journaled = Some(d.answer.clone());
                    continue;
                }
            }
            if let Some(answer) = journaled.take() {
                state = state_of(answer);
            }
            let (next, _) = self.decide_one(env, s, store, custom, &state, config, true)?;
            state = next;
        }
        if let Some(answer) = journaled.take() {
            state = state_of(answer);
        }
        let (_, sent) = self.decide_one(msg, seq, store, custom, &state, config, false)?;
        Ok(sent)
    }

    /// Asks the function about one message, validates the answer and checks it against
    /// the journal (or journals it). Returns the new state and the messages to send.
    #[allow(clippy::too_many_arguments)]
    fn decide_one(
        &mut self,
        env: &Envelope,
        seq: u32,
        store: &Store,
        custom: &CustomProcess,
        state: &Value,
        config: &Value,
        replaying: bool,
    ) -> Result<(Value, Vec<Message>), String> {
        let what = || describe(store, seq, env);
        let message = serde_json::to_value(HistoryEntry::new(seq, env)).map_err(|e| format!("{}: {e}", what()))?;
        let answer = custom.call(state, &message, config).map_err(|e| format!("{}: decide failed: {e}", what()))?;
        let (next, send) = split_answer(&answer).map_err(|e| format!("{}: {e}", what()))?;
        let mut sent = Vec::with_capacity(send.len());
        for (i, item) in send.iter().enumerate() {
            let m = to_message(item, env, store).map_err(|e| format!("{}: send[{i}]: {e}", what()))?;
            sent.push(m);
        }
        let journal = self.journals.entry(env.correlation_id).or_default();
        match journal.iter().find(|d| d.seq == seq) {
            Some(first) if *first.answer != answer => {
                return Err(format!("{}: {}", what(), nondeterminism(seq, env, &answer, &first.answer, replaying)));
            }
            Some(_) => {}
            None => journal.push(Decision { seq, answer: Rc::new(answer.clone()) }),
        }
        Ok((next, sent))
    }
}

/// The workflow engines' wording: which message, what the replay decided, what the
/// history says.
fn nondeterminism(seq: u32, env: &Envelope, now: &Value, first: &Value, replaying: bool) -> String {
    // the first field that differs, however deep (state.order.items[1].qty), shown first
    let (what, a, b) = match (now.get("send"), first.get("send")) {
        (a, b) if a != b => first_difference("send".into(), a.unwrap_or(&Value::Null), b.unwrap_or(&Value::Null)),
        _ => first_difference(
            "state".into(),
            now.get("state").unwrap_or(&Value::Null),
            first.get("state").unwrap_or(&Value::Null),
        ),
    };
    format!(
        "non-deterministic process: {} message {seq} ({}) decided {what} = {}, the history says {}. \
         decide must depend only on its state, the message and the config (no Math.random, Date.now \
         or variables outside the state)",
        if replaying { "replaying" } else { "handling again" },
        env.message_type().name(),
        truncate(&a.to_string(), 160),
        truncate(&b.to_string(), 160)
    )
}

/// The path of the first leaf where `a` and `b` differ (from `path`), with both values
/// there: objects by key (`a`'s keys first), arrays by position.
fn first_difference(path: String, a: &Value, b: &Value) -> (String, Value, Value) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => match x.keys().chain(y.keys()).find(|k| x.get(*k) != y.get(*k)) {
            Some(k) => first_difference(
                format!("{path}.{k}"),
                x.get(k).unwrap_or(&Value::Null),
                y.get(k).unwrap_or(&Value::Null),
            ),
            None => (path, a.clone(), b.clone()),
        },
        (Value::Array(x), Value::Array(y)) => match (0..x.len().max(y.len())).find(|&i| x.get(i) != y.get(i)) {
            Some(i) => first_difference(
                format!("{path}[{i}]"),
                x.get(i).unwrap_or(&Value::Null),
                y.get(i).unwrap_or(&Value::Null),
            ),
            None => (path, a.clone(), b.clone()),
        },
        _ => (path, a.clone(), b.clone()),
    }
}

/// The `state` and `send` of an answer.
fn split_answer(answer: &Value) -> Result<(Value, Vec<Value>), String> {
    let Some(obj) = answer.as_object() else {
        return Err(format!(
            "decide must return an object {{ state, send }}, got {}",
            truncate(&answer.to_string(), 80)
        ));
    };
    if let Some(k) = obj.keys().find(|k| *k != "state" && *k != "send") {
        return Err(format!("decide returned an unknown key `{k}` (expected state and send)"));
    }
    let state = obj.get("state").cloned().unwrap_or(Value::Null);
    let send = match obj.get("send") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(other) => return Err(format!("send must be an array, got {}", truncate(&other.to_string(), 80))),
    };
    Ok((state, send))
}

/// The types a process manager may send.
pub const SENDABLE: [MessageType; 8] = [
    MessageType::CookFood,
    MessageType::PriceOrder,
    MessageType::TakePayment,
    MessageType::RefundPayment,
    MessageType::PublishAt,
    MessageType::OrderCompleted,
    MessageType::OrderDropped,
    MessageType::MessageRejected,
];

fn sendable_names() -> String {
    SENDABLE.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
}

fn fields(item: &Map<String, Value>, allowed: &[&str]) -> Result<(), String> {
    match item.keys().find(|k| *k != "type" && !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("unknown field `{k}` (a {} has {})", item["type"], {
            let mut a: Vec<&str> = allowed.to_vec();
            a.insert(0, "type");
            a.join(", ")
        })),
        None => Ok(()),
    }
}

fn attempt_of(item: &Map<String, Value>, key: &str) -> Result<u8, String> {
    match item.get(key) {
        None => Err(format!("`{key}` is missing (1 for the first request, 2.. for retries)")),
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=255).contains(n))
            .map(|n| n as u8)
            .ok_or_else(|| format!("`{key}` must be a whole number 1..=255, got {v}")),
    }
}

/// The document `value` stands for: one this order received (the documents travel; a
/// process cannot forge one).
fn document(item: &Map<String, Value>, env: &Envelope, store: &Store) -> Result<Rc<Order>, String> {
    let Some(given) = item.get("order") else {
        return Err("`order` is missing (pass the order document you received, e.g. message.order)".into());
    };
    let mut candidates: Vec<&Rc<Order>> = Vec::new();
    if let Some(o) = env.body.order() {
        candidates.push(o);
    }
    for &s in store.stream(&env.correlation_id).iter().rev() {
        if let Some(o) = store.body(s as usize).and_then(Message::order) {
            candidates.push(o);
        }
    }
    for o in candidates {
        if serde_json::to_value(&**o).is_ok_and(|v| &v == given) {
            return Ok(o.clone());
        }
    }
    Err(format!(
        "`order` is not a document this order received (pass message.order or a copy kept unchanged in the state), got {}",
        truncate(&given.to_string(), 80)
    ))
}

fn name_in<T: Copy>(
    value: Option<&Value>,
    key: &str,
    all: impl Iterator<Item = T>,
    name: fn(T) -> &'static str,
) -> Result<T, String> {
    let all: Vec<T> = all.collect();
    let names = all.iter().map(|t| name(*t)).collect::<Vec<_>>().join(", ");
    let Some(v) = value else {
        return Err(format!("`{key}` is missing (one of {names})"));
    };
    v.as_str()
        .and_then(|s| all.iter().copied().find(|t| name(*t) == s))
        .ok_or_else(|| format!("`{key}` must be one of {names}, got {v}"))
}

const STEPS: [WorkStep; 4] = [WorkStep::Cook, WorkStep::Price, WorkStep::Pay, WorkStep::Refund];

/// Validates one item of `send` and turns it into the message it asks for.
fn to_message(item: &Value, env: &Envelope, store: &Store) -> Result<Message, String> {
    let Some(obj) = item.as_object() else {
        return Err(format!("expected an object with a type, got {}", truncate(&item.to_string(), 80)));
    };
    let Some(t) = obj.get("type") else {
        return Err(format!("`type` is missing (one of {})", sendable_names()));
    };
    let Some(t) = t.as_str().and_then(MessageType::from_name).filter(|t| SENDABLE.contains(t)) else {
        return Err(format!("unknown message type {t}: a process manager sends one of {}", sendable_names()));
    };
    Ok(match t {
        MessageType::CookFood | MessageType::PriceOrder | MessageType::TakePayment => {
            fields(obj, &["order", "attempt"])?;
            let order = document(obj, env, store)?;
            let attempt = attempt_of(obj, "attempt")?;
            match t {
                MessageType::CookFood => Message::CookFood { order, attempt },
                MessageType::PriceOrder => Message::PriceOrder { order, attempt },
                _ => Message::TakePayment { order, attempt },
            }
        }
        MessageType::RefundPayment | MessageType::OrderCompleted => {
            fields(obj, &["order"])?;
            let order = document(obj, env, store)?;
            Message::with_order(t, order).ok_or("unreachable")?
        }
        MessageType::OrderDropped => {
            fields(obj, &["reason"])?;
            Message::OrderDropped {
                reason: name_in(obj.get("reason"), "reason", DropReason::iter(), DropReason::name)?,
            }
        }
        MessageType::MessageRejected => {
            fields(obj, &["reason"])?;
            let reason = name_in(obj.get("reason"), "reason", RejectReason::iter(), RejectReason::name)?;
            Message::MessageRejected(Rc::new(Rejection {
                rejected_id: env.id,
                rejected_type: env.message_type(),
                reason,
            }))
        }
        _ => {
            fields(obj, &["after_ms", "message"])?;
            let after = match obj.get("after_ms") {
                None => return Err("`after_ms` is missing (how long to wait, in ms)".into()),
                Some(v) => v
                    .as_u64()
                    .filter(|&n| n <= 3_600_000)
                    .ok_or_else(|| format!("`after_ms` must be a whole number 0..=3600000, got {v}"))?,
            };
            let Some(inner) = obj.get("message").and_then(Value::as_object) else {
                return Err("`message` is missing or not an object (e.g. { type: \"StepTimedOut\", step: \"cook\", attempt: 1 })".into());
            };
            if inner.get("type").and_then(Value::as_str) != Some("StepTimedOut") {
                return Err(format!(
                    "an alarm publishes a StepTimedOut, got message type {}",
                    inner.get("type").map_or("none".to_string(), |t| t.to_string())
                ));
            }
            fields(inner, &["step", "attempt"]).map_err(|e| format!("message: {e}"))?;
            let step = name_in(inner.get("step"), "step", STEPS.into_iter(), WorkStep::name)
                .map_err(|e| format!("message: {e}"))?;
            let attempt = attempt_of(inner, "attempt").map_err(|e| format!("message: {e}"))?;
            Message::PublishAt(Alarm::new(env.at_ms + after, step, attempt))
        }
    })
}

/// Handy for callers: the custom process of a correlation id's order, if it has started.
pub fn runs_custom(store: &Store, correlation_id: &Uuid) -> bool {
    matches!(super::replay::original_process(store, correlation_id), Some((Definition::Custom, _)))
}
