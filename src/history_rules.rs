//! The workshop's rules checked on a history as a run file holds it, without re-simulating
//! it (`brigade --check-rules FILE`): any history in the run file's format, made by the
//! simulation or observed elsewhere, is read order by order with the explorer's own rules
//! ([`crate::explore::rules::OrderRules`]).
//!
//! A run file does not name who published each message; the rules need it twice (a
//! process manager's messages after the end, the cashier's charges). Each is read from the
//! run's wiring: a message type only the house publishes (for that customer) is the
//! house's, an `OrderPaid` only the cashier publishes is a charge. A history entry may name
//! its publisher's role itself (`"publisher": "cashier"`), and then that is used.

use crate::explore::rules::{OrderRules, Rule, Seen};
use crate::message::MessageType;
use crate::role::Role;
use crate::run_file::{self, ImportError};
use crate::scenario::Config;
use crate::wiring::{Customers, Wiring};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// What `--check-rules` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesCheck {
    /// Orders in the history.
    pub orders: u32,
    /// Messages in the history.
    pub messages: usize,
    /// The rules checked, by name: the explorer's (quiet-after-end only where process
    /// managers decide).
    pub rules: Vec<&'static str>,
    /// The first rule broken, if any (orders in placing order, each order's messages in
    /// publishing order, safety rules before end rules).
    pub broken: Option<RuleBroken>,
}

/// A rule an order broke, with the messages involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleBroken {
    /// The rule's name.
    pub rule: &'static str,
    /// The rule in words.
    pub text: &'static str,
    /// The order (1-based, in placing order).
    pub order: u32,
    /// What happened.
    pub detail: String,
    /// The messages involved: position and type.
    pub messages: Vec<(u32, &'static str)>,
}

impl RulesCheck {
    /// The check in a few lines, as the command line prints it.
    pub fn to_text(&self) -> String {
        match &self.broken {
            None => format!(
                "rules hold: {} orders, {} messages; checked {}\n",
                self.orders,
                self.messages,
                self.rules.join(", ")
            ),
            Some(b) => {
                let messages: Vec<String> = b.messages.iter().map(|(seq, t)| format!("#{seq} {t}")).collect();
                let mut text = format!("rule broken: {} ({})\n  {}\n", b.rule, b.text, b.detail);
                if !messages.is_empty() {
                    text += &format!("  messages: {}\n", messages.join(", "));
                }
                text
            }
        }
    }
}

/// One history entry as the rules read it, with the order it belongs to.
struct Entry {
    correlation: String,
    seen: Seen,
}

/// Checks the workshop's rules on the history of the run file `text`.
pub fn check(text: &str) -> Result<RulesCheck, ImportError> {
    let parsed = run_file::parse(text)?;
    let cfg = parsed.config;
    let wiring = Wiring::of(cfg.architecture);
    let publishers = wiring.publishers();
    let mut dodgy_of: HashMap<String, bool> = HashMap::new();
    let mut orders: Vec<String> = Vec::new();
    let mut by_order: HashMap<String, Vec<Seen>> = HashMap::new();
    let mut types: Vec<&'static str> = Vec::with_capacity(parsed.history.len());
    for (i, value) in parsed.history.iter().enumerate() {
        let entry = entry(i, value, &publishers, &mut dodgy_of)?;
        types.push(entry.seen.message_type.name());
        if entry.seen.message_type == MessageType::OrderPlaced && !by_order.contains_key(&entry.correlation) {
            orders.push(entry.correlation.clone());
        }
        by_order.entry(entry.correlation).or_default().push(entry.seen);
    }
    Ok(check_orders(&cfg, &wiring, &orders, &by_order, &types))
}

fn check_orders(
    cfg: &Config,
    wiring: &Wiring,
    orders: &[String],
    by_order: &HashMap<String, Vec<Seen>>,
    types: &[&'static str],
) -> RulesCheck {
    let promised = wiring.has_process_managers();
    let rules: Vec<&'static str> =
        Rule::ALL.iter().filter(|r| promised || **r != Rule::QuietAfterEnd).map(|r| r.name()).collect();
    let name = |seq: u32| types.get(seq as usize).copied().unwrap_or("?");
    let mut broken = None;
    // safety rules over every order first, then the end rules: as the explorer checks them
    'safety: for (n, corr) in orders.iter().enumerate() {
        let mut rules = OrderRules::new(n as u32 + 1, cfg.max_retries, promised);
        for seen in &by_order[corr] {
            if let Some(b) = rules.see(seen) {
                broken = Some((n as u32 + 1, b));
                break 'safety;
            }
        }
    }
    if broken.is_none() {
        broken = orders.iter().enumerate().find_map(|(n, corr)| {
            let mut rules = OrderRules::new(n as u32 + 1, cfg.max_retries, promised);
            by_order[corr].iter().for_each(|seen| _ = rules.see(seen));
            rules.at_end().map(|b| (n as u32 + 1, b))
        });
    }
    RulesCheck {
        orders: orders.len() as u32,
        messages: types.len(),
        rules,
        broken: broken.map(|(order, b)| RuleBroken {
            rule: b.rule.name(),
            text: b.rule.text(),
            order,
            detail: b.detail,
            messages: b.messages.iter().map(|&seq| (seq, name(seq))).collect(),
        }),
    }
}

/// Reads history entry `i`: its order and what the rules read of it.
fn entry(
    i: usize,
    v: &Value,
    publishers: &[(Role, MessageType, Customers)],
    dodgy_of: &mut HashMap<String, bool>,
) -> Result<Entry, ImportError> {
    let bad = |what: &str| ImportError::Json(format!("history message {i}: {what}"));
    let t = v
        .get("type")
        .and_then(Value::as_str)
        .and_then(MessageType::from_name)
        .ok_or_else(|| bad("`type` is missing or not a message type"))?;
    let correlation =
        v.get("correlation_id").and_then(Value::as_str).ok_or_else(|| bad("`correlation_id` is missing"))?.to_string();
    let doc = v.get("order");
    let flag = |key: &str| doc.and_then(|d| d.get(key)).and_then(Value::as_bool);
    if t == MessageType::OrderPlaced {
        dodgy_of.insert(correlation.clone(), flag("dodgy").unwrap_or(false));
    }
    let dodgy = dodgy_of.get(&correlation).copied().unwrap_or(false);
    let progress = doc.map(|d| {
        let cooked = d.get("cooked_by").is_some_and(|c| !c.is_null());
        let priced = d.get("total_cents").and_then(Value::as_u64).is_some_and(|c| c > 0);
        (cooked, priced, flag("paid").unwrap_or(false))
    });
    let attempt = match t {
        MessageType::CookFood | MessageType::PriceOrder | MessageType::TakePayment => {
            v.get("attempt").and_then(Value::as_u64).map(|a| a.min(u8::MAX as u64) as u8)
        }
        _ => None,
    };
    // who published it: as the entry says, else the only role the wiring lets publish it
    let named = v.get("publisher").and_then(Value::as_str).and_then(Role::from_name);
    let customers_match = |c: Customers| match c {
        Customers::All => true,
        Customers::Dodgy => dodgy,
        Customers::Normal => !dodgy,
    };
    let mut roles = publishers.iter().filter(|(_, pt, c)| *pt == t && customers_match(*c)).map(|(r, _, _)| *r);
    let only = match (roles.next(), roles.next()) {
        (Some(r), None) => Some(r),
        _ => None,
    };
    let publisher = named.or(only);
    let charge = match t {
        MessageType::OrderPaid => (publisher == Some(Role::Cashier)) as i32,
        MessageType::PaymentRefunded => -1,
        _ => 0,
    };
    let seen = Seen {
        seq: i as u32,
        message_type: t,
        dodgy: (t == MessageType::OrderPlaced).then_some(dodgy),
        progress,
        attempt,
        by_house: publisher == Some(Role::House),
        charge,
    };
    Ok(Entry { correlation, seen })
}
