//! One order's sequence diagram as Mermaid text (Mermaid 10+): who sent what to whom, in
//! publish order, with lost deliveries drawn as lost and duplicated ones as two arrows.
//! The CLI prints it (`--trace ORDER --format mermaid`) and the page downloads it.

use crate::message::Kind;
use crate::sim::actor::{DISPATCHER, WAITER};
use crate::sim::{Fault, World, TAIL, TAKE_ORDER};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use uuid::Uuid;

/// One arrow (or note) of the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    Arrow { from: u16, to: u16, kind: Kind, text: String, lost: bool },
    Note { over: u16, text: String },
}

/// The sequence diagram of order `correlation_id` as published by the world's current
/// step, or `None` when no such order is placed.
///
/// ```
/// use brigade::{mermaid, scenario::Config, sim::World};
/// let mut world = World::new(Config { orders: 1, ..Config::default() }).unwrap();
/// world.run_to_idle();
/// let order = *world.store().orders().next().unwrap();
/// let text = mermaid::sequence(&world, &order).unwrap();
/// assert!(text.starts_with("sequenceDiagram"));
/// assert!(text.contains("CookFood"));
/// ```
pub fn sequence(world: &World, correlation_id: &Uuid) -> Option<String> {
    let store = world.store();
    world.store().order_no(correlation_id)?;
    let seqs: Vec<u32> = store.stream(correlation_id).to_vec();
    let wanted: BTreeSet<u32> = seqs.iter().copied().collect();
    // who took each message, in step order
    let mut deliveries: Vec<(u32, u16, u8)> = Vec::new();
    for step in 1..=world.steps() {
        if let Some(r) = world.trace_record(step) {
            if r.seq != TAKE_ORDER && r.seq != TAIL && wanted.contains(&r.seq) {
                deliveries.push((r.seq, r.actor, r.copy));
            }
        }
    }
    let lost: Vec<(u32, u16)> = world
        .faults()
        .iter()
        .filter(|f| f.fault == Fault::Drop && wanted.contains(&f.seq))
        .map(|f| (f.seq, f.actor))
        .collect();

    let mut lines = Vec::new();
    let mut used: BTreeSet<u16> = BTreeSet::new();
    for &seq in &seqs {
        let env = store.get(seq as usize)?;
        let t = env.message_type();
        let from = store.publisher(seq as usize).unwrap_or(WAITER);
        let text = format!("{} {}", t.name(), &env.id.to_string()[..8]);
        let mut drawn = false;
        let handed_by_dispatcher = deliveries.iter().any(|&(s, a, _)| s == seq && a == DISPATCHER);
        for &(_, to, copy) in deliveries.iter().filter(|d| d.0 == seq) {
            // a cook gets its order from the dispatcher
            let sender = if handed_by_dispatcher && to != DISPATCHER { DISPATCHER } else { from };
            let text = if copy > 0 { format!("{text} (duplicate)") } else { text.clone() };
            lines.push(Line::Arrow { from: sender, to, kind: t.kind(), text, lost: false });
            used.extend([sender, to]);
            drawn = true;
        }
        for &(_, to) in lost.iter().filter(|l| l.0 == seq) {
            let sender = if handed_by_dispatcher && to != DISPATCHER { DISPATCHER } else { from };
            lines.push(Line::Arrow { from: sender, to, kind: t.kind(), text: format!("{text} (lost)"), lost: true });
            used.extend([sender, to]);
            drawn = true;
        }
        if !drawn {
            lines.push(Line::Note { over: from, text: format!("{text}: {}", env.body.summary()) });
            used.insert(from);
        }
    }

    let mut out = String::from("sequenceDiagram\n");
    let order_no = store.order_no(correlation_id).unwrap_or(0);
    let _ = writeln!(out, "    %% brigade: order {order_no} ({correlation_id})");
    for &a in &used {
        let name = world.actors().get(a as usize).map_or("?", |i| i.name.as_str());
        let _ = writeln!(out, "    participant A{a} as {}", clean(name));
    }
    for line in lines {
        let _ = match line {
            Line::Arrow { from, to, kind, text, lost } => {
                // commands solid, events dotted; a lost delivery ends in a cross
                let arrow = match (kind, lost) {
                    (Kind::Command, false) => "->>",
                    (Kind::Event, false) => "-->>",
                    (Kind::Command, true) => "-x",
                    (Kind::Event, true) => "--x",
                };
                writeln!(out, "    A{from}{arrow}A{to}: {}", clean(&text))
            }
            Line::Note { over, text } => writeln!(out, "    Note over A{over}: {}", clean(&text)),
        };
    }
    Some(out)
}

/// Mermaid's message text ends at a line break and treats `;` and `#` specially.
fn clean(text: &str) -> String {
    text.chars().map(|c| if matches!(c, ';' | '#' | '\n' | '\r') { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Config;

    #[test]
    fn a_lost_delivery_ends_in_a_cross_and_a_duplicate_is_drawn_twice() {
        let mut world =
            World::new(Config { orders: 1, drop: 0.5, duplicate: 0.5, seed: 3, ..Config::default() }).unwrap();
        world.run_to_idle();
        let order = *world.store().orders().next().unwrap();
        let text = sequence(&world, &order).unwrap();
        let faults = world.faults();
        assert!(faults.iter().any(|f| f.fault == Fault::Drop), "seed 3 loses a delivery");
        assert!(text.contains("-x") && text.contains("(lost)"), "{text}");
        if faults.iter().any(|f| f.fault == Fault::Duplicate) {
            assert!(text.contains("(duplicate)"), "{text}");
        }
        // every message of the order is in the diagram
        for &s in world.store().stream(&order) {
            let id = world.store().get(s as usize).unwrap().id.to_string();
            assert!(text.contains(&id[..8]), "message {s} missing");
        }
    }
}
