//! A message on the wire: the same JSON the run file writes for a history entry (headers,
//! type and payload, without `seq`), and read back into an [`Envelope`].
//!
//! The simulation only ever writes messages; the live kitchen (and the page following it,
//! or opening its record: [`crate::observed`]) reads them back, so the
//! decoding of every body is here, next to the encoding it mirrors
//! ([`HistoryEntry`](crate::message::HistoryEntry)).

use crate::definition::{Definition, WorkStep};
use crate::message::{
    Alarm, CausationId, DeadLetter, DropReason, Envelope, HistoryEntry, Message, MessageType, PoisonReason,
    RefusalReason, RejectReason, Rejection,
};
use crate::order::{LineItem, Order, MENU};
use serde_json::{Map, Value};
use std::rc::Rc;
use uuid::Uuid;

/// `env` as the JSON text a live message carries: the run file's history entry without
/// its position (which only the stream gives).
pub fn encode(env: &Envelope) -> Vec<u8> {
    let mut value = serde_json::to_value(HistoryEntry::new(0, env)).unwrap_or(Value::Null);
    if let Some(map) = value.as_object_mut() {
        map.remove("seq");
    }
    serde_json::to_vec(&value).unwrap_or_default()
}

/// The envelope a live message carries, read from its JSON text; the error says what is
/// wrong with it.
pub fn decode(bytes: &[u8]) -> Result<Envelope, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    envelope(&value)
}

/// The envelope of one history entry (a live message's JSON, or a run file's entry).
pub fn envelope(value: &Value) -> Result<Envelope, String> {
    let map = value.as_object().ok_or("not a JSON object")?;
    let uuid = |key: &str| -> Result<Uuid, String> {
        let text = map.get(key).and_then(Value::as_str).ok_or_else(|| format!("`{key}` is missing"))?;
        Uuid::parse_str(text).map_err(|e| format!("`{key}`: {e}"))
    };
    let causation = match map.get("causation_id") {
        None | Some(Value::Null) => CausationId::NONE,
        Some(_) => CausationId::of(uuid("causation_id")?),
    };
    Ok(Envelope {
        id: uuid("id")?,
        correlation_id: uuid("correlation_id")?,
        causation_id: causation,
        at_ms: map.get("at_ms").and_then(Value::as_u64).ok_or("`at_ms` is missing")?,
        body: body(map)?,
    })
}

fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    map.get(key).and_then(Value::as_str).ok_or_else(|| format!("`{key}` is missing or not text"))
}

fn number(map: &Map<String, Value>, key: &str) -> Result<u64, String> {
    map.get(key).and_then(Value::as_u64).ok_or_else(|| format!("`{key}` is missing or not a whole number"))
}

fn small(map: &Map<String, Value>, key: &str) -> Result<u8, String> {
    u8::try_from(number(map, key)?).map_err(|_| format!("`{key}` is out of range"))
}

fn step(name: &str) -> Result<WorkStep, String> {
    WorkStep::from_name(name).ok_or_else(|| format!("`{name}` is not a step"))
}

fn order(map: &Map<String, Value>) -> Result<Rc<Order>, String> {
    let doc = map.get("order").and_then(Value::as_object).ok_or("`order` is missing")?;
    let flag = |key: &str| doc.get(key).and_then(Value::as_bool).ok_or_else(|| format!("`order.{key}` is missing"));
    let cents = |key: &str| -> Result<u32, String> {
        u32::try_from(number(doc, key)?).map_err(|_| format!("`order.{key}` is out of range"))
    };
    let items = doc.get("items").and_then(Value::as_array).ok_or("`order.items` is missing")?;
    let mut lines = Vec::with_capacity(items.len());
    for item in items {
        let item = item.as_object().ok_or("an item is not an object")?;
        let name = text(item, "dish")?;
        let dish = MENU.iter().position(|d| d.name == name).ok_or_else(|| format!("`{name}` is not on the menu"))?;
        let price_cents = u32::try_from(number(item, "price_cents")?).map_err(|_| "a price is out of range")?;
        lines.push(LineItem { dish: dish as u8, qty: small(item, "qty")?, price_cents });
    }
    let table = u16::try_from(number(doc, "table")?).map_err(|_| "`order.table` is out of range")?;
    let mut order =
        Order::with_lines(table, flag("dodgy")?, &lines, number(doc, "placed_at_ms")?, number(doc, "expires_at_ms")?)
            .ok_or("`order.items` holds no dish, or too many")?;
    order.cooked_by = match doc.get("cooked_by") {
        Some(Value::String(cook)) => Some(Rc::new(cook.clone())),
        _ => None,
    };
    order.cooked = order.cooked_by.is_some();
    order.cooking_ms = cents("cooking_ms")?;
    order.subtotal_cents = cents("subtotal_cents")?;
    order.tax_cents = cents("tax_cents")?;
    order.total_cents = cents("total_cents")?;
    order.paid = flag("paid")?;
    Ok(Rc::new(order))
}

fn body(map: &Map<String, Value>) -> Result<Message, String> {
    let name = text(map, "type")?;
    let t = MessageType::from_name(name).ok_or_else(|| format!("`{name}` is not a message type"))?;
    Ok(match t {
        MessageType::OrderPlaced => Message::OrderPlaced { order: order(map)? },
        MessageType::ProcessStarted => Message::ProcessStarted {
            definition: Definition::from_name(text(map, "definition")?).ok_or("`definition` is unknown")?,
            version: small(map, "version")?,
        },
        MessageType::ProcessMigrated => Message::ProcessMigrated {
            definition: Definition::from_name(text(map, "definition")?).ok_or("`definition` is unknown")?,
            version: small(map, "version")?,
            from: small(map, "from")?,
        },
        MessageType::CookFood => Message::CookFood { order: order(map)?, attempt: small(map, "attempt")? },
        MessageType::FoodCooked => Message::FoodCooked { order: order(map)? },
        MessageType::OrderExpired => {
            Message::OrderExpired { cook: Rc::new(text(map, "cook")?.to_string()), attempt: small(map, "attempt")? }
        }
        MessageType::PriceOrder => Message::PriceOrder { order: order(map)?, attempt: small(map, "attempt")? },
        MessageType::OrderPriced => Message::OrderPriced { order: order(map)? },
        MessageType::TakePayment => Message::TakePayment { order: order(map)?, attempt: small(map, "attempt")? },
        MessageType::OrderPaid => Message::OrderPaid { order: order(map)? },
        MessageType::PaymentRefused => Message::PaymentRefused {
            reason: match text(map, "reason")? {
                "already-paid" => RefusalReason::AlreadyPaid,
                "not-paid" => RefusalReason::NotPaid,
                other => return Err(format!("`{other}` is not a refusal reason")),
            },
        },
        MessageType::RefundPayment => Message::RefundPayment { order: order(map)? },
        MessageType::PaymentRefunded => Message::PaymentRefunded { order: order(map)? },
        MessageType::PublishAt => {
            let inner = map.get("message").and_then(Value::as_object).ok_or("`message` is missing")?;
            Message::PublishAt(Alarm::new(
                number(map, "due_ms")?,
                step(text(inner, "step")?)?,
                small(inner, "attempt")?,
            ))
        }
        MessageType::StepTimedOut => {
            Message::StepTimedOut { step: step(text(map, "step")?)?, attempt: small(map, "attempt")? }
        }
        MessageType::MessageRejected => {
            let rejected = text(map, "rejected_type")?;
            let reason = text(map, "reason")?;
            Message::MessageRejected(Rc::new(Rejection {
                rejected_id: Uuid::parse_str(text(map, "rejected_id")?).map_err(|e| format!("`rejected_id`: {e}"))?,
                rejected_type: MessageType::from_name(rejected)
                    .ok_or_else(|| format!("`{rejected}` is not a message type"))?,
                reason: RejectReason::from_name(reason)
                    .ok_or_else(|| format!("`{reason}` is not a rejection reason"))?,
            }))
        }
        MessageType::OrderCompleted => Message::OrderCompleted { order: order(map)? },
        MessageType::OrderDropped => {
            let reason = text(map, "reason")?;
            Message::OrderDropped {
                reason: DropReason::from_name(reason).ok_or_else(|| format!("`{reason}` is not a drop reason"))?,
            }
        }
        MessageType::RefundEscalated => Message::RefundEscalated {
            attempts: u32::try_from(number(map, "attempts")?).map_err(|_| "`attempts` is out of range")?,
        },
        MessageType::MessageDeadLettered => {
            let t = text(map, "message_type")?;
            let reason = text(map, "reason")?;
            Message::MessageDeadLettered(Rc::new(DeadLetter {
                message_id: Uuid::parse_str(text(map, "message_id")?).map_err(|e| format!("`message_id`: {e}"))?,
                message_type: MessageType::from_name(t).ok_or_else(|| format!("`{t}` is not a message type"))?,
                worker: Rc::new(text(map, "worker")?.to_string()),
                reason: PoisonReason::from_name(reason).ok_or_else(|| format!("`{reason}` is not a poison reason"))?,
                attempts: small(map, "attempts")?,
            }))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Config;
    use crate::sim::World;

    /// Every message a chaotic run of each architecture publishes reads back equal to
    /// itself, and writes again to the same text.
    #[test]
    fn every_published_message_reads_back_equal() {
        let mut types = std::collections::BTreeSet::new();
        for architecture in crate::wiring::Architecture::ALL {
            let cfg = Config { orders: 30, drop: 0.2, duplicate: 0.2, dodgy: 0.5, architecture, ..Config::default() };
            let mut world = World::new(cfg).unwrap();
            world.run_to_idle();
            for env in world.store().messages() {
                let text = encode(&env);
                let back = decode(&text).unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(&text)));
                assert_eq!(back, env);
                assert_eq!(encode(&back), text);
                types.insert(env.message_type());
            }
        }
        assert!(types.len() >= 14, "{types:?}");
    }

    #[test]
    fn a_broken_message_is_an_error_not_a_panic() {
        assert!(decode(b"{").unwrap_err().starts_with("not JSON"));
        assert!(decode(b"[]").is_err());
        let env = World::new(Config { orders: 1, ..Config::default() }).unwrap().store().messages().next();
        assert!(env.is_none(), "nothing published before the first step");
        let text = br#"{"id":"00000000-0000-0000-0000-000000000001","correlation_id":"00000000-0000-0000-0000-000000000002","causation_id":null,"at_ms":0,"type":"OrderPlaced","order":{"table":1,"dodgy":false,"items":[{"dish":"caviar","qty":1,"price_cents":0}],"placed_at_ms":0,"expires_at_ms":5}}"#;
        assert_eq!(decode(text).unwrap_err(), "`caviar` is not on the menu");
    }

    /// Every reason and step is read back from its name; a name none has is refused by name.
    #[test]
    fn reasons_and_steps_are_read_by_their_names() {
        use strum::IntoEnumIterator;
        for r in DropReason::iter() {
            assert_eq!(DropReason::from_name(r.name()), Some(r));
        }
        for r in RejectReason::iter() {
            assert_eq!(RejectReason::from_name(r.name()), Some(r));
        }
        for r in PoisonReason::iter() {
            assert_eq!(PoisonReason::from_name(r.name()), Some(r));
        }
        for s in WorkStep::iter() {
            assert_eq!(step(s.name()), Ok(s));
        }
        assert_eq!(step("bake").unwrap_err(), "`bake` is not a step");
        let dropped = br#"{"id":"00000000-0000-0000-0000-000000000001","correlation_id":"00000000-0000-0000-0000-000000000002","causation_id":null,"at_ms":0,"type":"OrderDropped","reason":"bored"}"#;
        assert_eq!(decode(dropped).unwrap_err(), "`bored` is not a drop reason");
    }
}
