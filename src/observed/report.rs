//! The report of an observed history (CONTRACT §7: what the recorder writes), computed
//! over its first messages, and the check of a file's report against its history.

use super::ObservedRun;
use crate::message::{Envelope, Message};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// What was observed in `history` (each message with its publisher's role): orders, how
/// they ended, cooking per cook, messages, money (the cashier's charges, the refunds),
/// and placed → completed in simulated ms (`p50`, `p99`, `max`).
pub fn of<'a>(history: impl Iterator<Item = (&'a Envelope, &'a str)>) -> Value {
    let mut placed: BTreeMap<Uuid, u64> = BTreeMap::new();
    let mut order_of_placing: Vec<Uuid> = Vec::new();
    let mut ended: HashMap<Uuid, u32> = HashMap::new();
    let (mut completed, mut dropped, mut messages) = (0u32, 0u32, 0usize);
    let mut dropped_by_reason: BTreeMap<String, u32> = BTreeMap::new();
    let mut per_cook: BTreeMap<String, u32> = BTreeMap::new();
    let (mut charged, mut refunded) = (0i64, 0i64);
    let mut latencies = Vec::new();
    for (env, role) in history {
        messages += 1;
        match &env.body {
            Message::OrderPlaced { .. } if !placed.contains_key(&env.correlation_id) => {
                placed.insert(env.correlation_id, env.at_ms);
                order_of_placing.push(env.correlation_id);
            }
            Message::FoodCooked { order } => {
                if let Some(cook) = order.cook() {
                    *per_cook.entry(cook.to_string()).or_default() += 1;
                }
            }
            Message::OrderPaid { .. } if role == "cashier" => charged += 1,
            Message::PaymentRefunded { .. } => refunded += 1,
            Message::OrderCompleted { .. } => {
                completed += 1;
                *ended.entry(env.correlation_id).or_default() += 1;
                if let Some(at) = placed.get(&env.correlation_id) {
                    latencies.push(env.at_ms.saturating_sub(*at));
                }
            }
            Message::OrderDropped { reason } => {
                dropped += 1;
                *ended.entry(env.correlation_id).or_default() += 1;
                *dropped_by_reason.entry(reason.name().to_string()).or_default() += 1;
            }
            _ => {}
        }
    }
    latencies.sort_unstable();
    let pct = |p: f64| -> Value {
        if latencies.is_empty() {
            return Value::Null;
        }
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        json!(latencies[i])
    };
    json!({
        "orders": placed.len(),
        "completed": completed,
        "dropped": dropped,
        "in_progress": order_of_placing.iter().filter(|c| !ended.contains_key(*c)).count(),
        "dropped_by_reason": dropped_by_reason,
        "per_cook": per_cook,
        "messages": messages,
        "payments": charged,
        "refunds": refunded,
        "latency_ms": { "p50": pct(0.5), "p99": pct(0.99), "max": latencies.last() },
    })
}

/// The counts a file's report must share with its history (`wall_ms` is the run's own).
const CHECKED: [&str; 7] = ["orders", "completed", "dropped", "in_progress", "messages", "payments", "refunds"];

/// Whether a file's `report` says what its history shows: the first count that differs.
pub fn check(file: &Value, computed: &Value) -> Result<(), String> {
    for key in CHECKED {
        if let Some(said) = file.get(key) {
            if said != &computed[key] {
                return Err(format!(
                    "report: `{key}` says {said}, the history shows {} (was the file changed?)",
                    computed[key]
                ));
            }
        }
    }
    Ok(())
}

impl ObservedRun {
    /// The report over the first `n` messages (the cursor's: [`ObservedRun::current`]),
    /// with the `retries` and doubled deliveries (`deliveries_duplicated`: second handlings)
    /// the record shows, and the run's `wall_ms` once the whole record is there.
    pub fn report_upto(&self, n: usize) -> Value {
        let n = n.min(self.len());
        let history = (0..n as u32).filter_map(|s| {
            let env = self.envelope(s)?;
            Some((env, self.publisher_of(s).map_or("", |a| a.role.name())))
        });
        let owned: Vec<(Envelope, &str)> = history.collect();
        let mut report = of(owned.iter().map(|(e, r)| (e, *r)));
        // what the page's numbers explain a dish cooked twice with, as the record shows them
        let d = self.derived();
        let retried = owned.iter().filter(|(e, _)| {
            matches!(e.body, Message::CookFood { attempt, .. } | Message::PriceOrder { attempt, .. }
                | Message::TakePayment { attempt, .. } if attempt > 1)
        });
        report["retries"] = json!(retried.count());
        let doubled = d.faults.iter().filter(|f| f.fault == "duplicate" && f.step as usize <= n).count();
        report["deliveries_duplicated"] = json!(doubled);
        if n == self.len() && !self.is_following() {
            if let Some(wall) = self.wall_ms() {
                report["wall_ms"] = json!(wall);
            }
        }
        report
    }
}
