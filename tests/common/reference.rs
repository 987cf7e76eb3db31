//! The built-in process manager written as a learner would write it, for tests of exercise
//! mode and of the golden runs.

use serde_json::{json, Value};

/// The built-in process manager (version 2) written as a decide function on JSON, the
/// way a learner would write it in JavaScript.
pub fn reference(state: &Value, m: &Value, cfg: &Value) -> Result<Value, String> {
    let mut s = if state.is_null() {
        json!({"order": null, "awaiting": null, "attempt": 0, "done": [], "paid": false, "refunding": null, "outcome": null})
    } else {
        state.clone()
    };
    let mut send: Vec<Value> = Vec::new();
    let t = m["type"].as_str().ok_or("no type")?;
    let now = m["at_ms"].as_u64().unwrap_or(0);
    let steps = |s: &Value| -> Vec<&'static str> {
        if s["order"]["dodgy"].as_bool() == Some(true) {
            vec!["price", "pay", "cook"]
        } else {
            vec!["cook", "price", "pay"]
        }
    };
    fn request(s: &mut Value, send: &mut Vec<Value>, cfg: &Value, step: &str, attempt: u64) {
        if step == "refund" {
            s["refunding"] = json!(attempt);
        } else {
            s["awaiting"] = json!(step);
            s["attempt"] = json!(attempt);
        }
        let order = s["order"].clone();
        send.push(match step {
            "cook" => json!({"type": "CookFood", "order": order, "attempt": attempt}),
            "price" => json!({"type": "PriceOrder", "order": order, "attempt": attempt}),
            "pay" => json!({"type": "TakePayment", "order": order, "attempt": attempt}),
            _ => json!({"type": "RefundPayment", "order": order}),
        });
        let timeout = match step {
            "cook" => &cfg["cook_timeout_ms"],
            "price" => &cfg["price_timeout_ms"],
            _ => &cfg["pay_timeout_ms"],
        };
        send.push(json!({"type": "PublishAt", "after_ms": timeout,
            "message": {"type": "StepTimedOut", "step": step, "attempt": attempt}}));
    }
    fn drop_order(s: &mut Value, send: &mut Vec<Value>, cfg: &Value, reason: &str) {
        s["awaiting"] = Value::Null;
        s["outcome"] = json!("dropped");
        send.push(json!({"type": "OrderDropped", "reason": reason}));
        if s["paid"] == json!(true) {
            request(s, send, cfg, "refund", 1);
        }
    }
    let reject = |send: &mut Vec<Value>, reason: &str| send.push(json!({"type": "MessageRejected", "reason": reason}));
    let answered = |s: &mut Value, send: &mut Vec<Value>, step: &str| {
        if !s["outcome"].is_null() {
            return reject(send, "after-end");
        }
        if s["done"].as_array().unwrap().contains(&json!(step)) {
            return reject(send, "duplicate");
        }
        if s["awaiting"] != json!(step) {
            return reject(send, "stale");
        }
        s["done"].as_array_mut().unwrap().push(json!(step));
        s["order"] = m["order"].clone();
        if step == "pay" {
            s["paid"] = json!(true);
        }
        let st = steps(s);
        let i = st.iter().position(|x| *x == step).unwrap();
        match st.get(i + 1) {
            Some(next) => request(s, send, cfg, next, 1),
            None => {
                s["awaiting"] = Value::Null;
                s["outcome"] = json!("completed");
                send.push(json!({"type": "OrderCompleted", "order": m["order"]}));
            }
        }
    };
    match t {
        "OrderPlaced" => {
            if !s["order"].is_null() {
                reject(&mut send, "duplicate");
            } else {
                s["order"] = m["order"].clone();
                let first = steps(&s)[0];
                request(&mut s, &mut send, cfg, first, 1);
            }
        }
        "FoodCooked" => answered(&mut s, &mut send, "cook"),
        "OrderPriced" => answered(&mut s, &mut send, "price"),
        "OrderPaid" => {
            if s["outcome"] == json!("dropped") && s["paid"] != json!(true) {
                s["paid"] = json!(true);
                s["order"] = m["order"].clone();
                request(&mut s, &mut send, cfg, "refund", 1);
            } else {
                answered(&mut s, &mut send, "pay");
            }
        }
        "PaymentRefunded" => {
            if !s["refunding"].is_null() {
                s["refunding"] = Value::Null;
                s["paid"] = json!(false);
            } else {
                reject(&mut send, "stale");
            }
        }
        "PaymentRefused" => {}
        "StepTimedOut" => {
            let step = m["step"].as_str().unwrap();
            let attempt = m["attempt"].as_u64().unwrap();
            if step == "refund" {
                if s["refunding"] == json!(attempt) && attempt < 255 {
                    request(&mut s, &mut send, cfg, "refund", attempt + 1);
                }
            } else if s["outcome"].is_null() && s["awaiting"] == json!(step) && s["attempt"] == json!(attempt) {
                let expired = s["order"]["expires_at_ms"].as_u64().is_some_and(|e| now > e);
                let retries = cfg["version"].as_u64() >= Some(2) || step == "cook";
                if step == "cook" && expired {
                    drop_order(&mut s, &mut send, cfg, "expired");
                } else if retries && attempt <= cfg["max_retries"].as_u64().unwrap() {
                    request(&mut s, &mut send, cfg, step, attempt + 1);
                } else {
                    let reason = match step {
                        "cook" => "gave_up_cooking",
                        "price" => "gave_up_pricing",
                        _ => "gave_up_payment",
                    };
                    drop_order(&mut s, &mut send, cfg, reason);
                }
            }
        }
        "OrderExpired" => {
            let attempt = m["attempt"].as_u64().unwrap();
            if !s["outcome"].is_null() {
                reject(&mut send, "after-end");
            } else if s["awaiting"] != json!("cook") || s["attempt"] != json!(attempt) {
                reject(&mut send, "stale");
            } else if attempt == 1 {
                drop_order(&mut s, &mut send, cfg, "expired");
            }
        }
        _ => reject(&mut send, "unexpected"),
    }
    Ok(json!({"state": s, "send": send}))
}
