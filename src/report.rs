//! The status report of a run (what the CLI prints and the run file's `report`), and the
//! printer's receipts.

use crate::message::{DropReason, Message, MessageType};
use crate::order::TAX_PERCENT;
use crate::process::Definition;
use crate::sim::World;
use crate::store::IdMap;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use uuid::Uuid;

/// Order latency, placed → completed, in simulated ms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Latency {
    /// Fastest completed order.
    pub min: u64,
    /// Median completed order.
    pub median: u64,
    /// Slowest completed order.
    pub max: u64,
}

/// The report at the world's current step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Orders placed.
    pub orders: u32,
    /// Orders that went the whole way.
    pub completed: u32,
    /// Orders given up.
    pub dropped: u32,
    /// Orders not ended yet (0 once the run is idle).
    pub in_progress: u32,
    /// Orders cooked by each cook (a duplicate cooking counts).
    pub per_cook: BTreeMap<String, u32>,
    /// Dropped orders by reason.
    pub dropped_by_reason: BTreeMap<&'static str, u32>,
    /// Orders by process definition and version (`"pay-last v2"`).
    pub per_process: BTreeMap<String, u32>,
    /// Work commands sent again after a timeout.
    pub retries: u32,
    /// Repeated answers a process noticed and ignored.
    pub duplicates_noticed: u32,
    /// Payments the cashier refused to take twice.
    pub double_payments_refused: u32,
    /// `OrderExpired` events (a cook refused an order past its time to live).
    pub expired: u32,
    /// Deliveries to workers lost / made twice by the fault layer.
    pub deliveries_dropped: u32,
    /// Deliveries made twice.
    pub deliveries_duplicated: u32,
    /// Longest queue seen, by actor.
    pub peak_queue: BTreeMap<String, u32>,
    /// Placed → completed, in simulated ms; `None` before any order completes.
    pub latency_ms: Option<Latency>,
    /// Messages published.
    pub messages: usize,
    /// Steps (deliveries) done.
    pub steps: usize,
    /// Simulated time at the current step.
    pub simulated_ms: u64,
}

impl Report {
    /// Builds the report of `world` at its current step.
    pub fn of(world: &World) -> Report {
        let s = world.stats();
        let per_cook = world
            .actors()
            .iter()
            .filter(|a| a.kind.name() == "cook")
            .map(|a| a.name.clone())
            .zip(s.per_cook.iter().copied())
            .collect();
        let dropped_by_reason = DropReason::ALL.iter().map(|r| r.name()).zip(s.dropped.iter().copied()).collect();
        let mut per_process = BTreeMap::new();
        for (d, def) in Definition::ALL.iter().enumerate() {
            for v in 0..2 {
                if s.per_process[d][v] > 0 {
                    per_process.insert(format!("{} v{}", def.name(), v + 1), s.per_process[d][v]);
                }
            }
        }
        let peak_queue = world.actors().iter().map(|a| (a.name.clone(), s.peak_queue[a.id as usize])).collect();
        Report {
            orders: s.placed,
            completed: s.completed,
            dropped: s.dropped_total(),
            in_progress: s.placed - s.completed - s.dropped_total(),
            per_cook,
            dropped_by_reason,
            per_process,
            retries: s.retries,
            duplicates_noticed: s.duplicates_noticed,
            double_payments_refused: s.already_paid,
            expired: s.expired,
            deliveries_dropped: s.deliveries_dropped,
            deliveries_duplicated: s.deliveries_duplicated,
            peak_queue,
            latency_ms: latency(world),
            messages: world.store().len(),
            steps: world.steps(),
            simulated_ms: world.now(),
        }
    }

    /// The human status report the CLI prints.
    pub fn to_text(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "brigade: {} orders, {} completed, {} dropped, {} in progress",
            self.orders, self.completed, self.dropped, self.in_progress
        );
        let _ =
            writeln!(t, "  {} messages in {} steps over {} simulated ms", self.messages, self.steps, self.simulated_ms);
        let _ = writeln!(t, "\ncooked per cook");
        for (cook, n) in &self.per_cook {
            let _ = writeln!(t, "  {cook:<18} {n:>8}");
        }
        if self.dropped > 0 {
            let _ = writeln!(t, "\ndropped, by reason");
            for (reason, n) in self.dropped_by_reason.iter().filter(|(_, n)| **n > 0) {
                let _ = writeln!(t, "  {reason:<18} {n:>8}");
            }
        }
        let _ = writeln!(t, "\norders per process");
        for (p, n) in &self.per_process {
            let _ = writeln!(t, "  {p:<18} {n:>8}");
        }
        let _ = writeln!(t, "\nfaults and recovery");
        let _ = writeln!(t, "  {:<26} {:>8}", "deliveries lost", self.deliveries_dropped);
        let _ = writeln!(t, "  {:<26} {:>8}", "deliveries duplicated", self.deliveries_duplicated);
        let _ = writeln!(t, "  {:<26} {:>8}", "retries", self.retries);
        let _ = writeln!(t, "  {:<26} {:>8}", "duplicates noticed", self.duplicates_noticed);
        let _ = writeln!(t, "  {:<26} {:>8}", "double payments refused", self.double_payments_refused);
        let _ = writeln!(t, "  {:<26} {:>8}", "refused past time to live", self.expired);
        let _ = writeln!(t, "\npeak queue length");
        for (actor, n) in &self.peak_queue {
            let _ = writeln!(t, "  {actor:<18} {n:>8}");
        }
        match &self.latency_ms {
            Some(l) => {
                let _ = writeln!(
                    t,
                    "\nlatency placed → completed (simulated ms): min {} · median {} · max {}",
                    l.min, l.median, l.max
                );
            }
            None => {
                let _ = writeln!(t, "\nlatency: no order completed");
            }
        }
        t
    }
}

fn latency(world: &World) -> Option<Latency> {
    let mut placed: IdMap<u64> = IdMap::default();
    let mut times = Vec::new();
    for env in world.store().messages() {
        match env.message_type() {
            MessageType::OrderPlaced => {
                placed.insert(env.correlation_id, env.at_ms);
            }
            MessageType::OrderCompleted => {
                if let Some(p) = placed.get(&env.correlation_id) {
                    times.push(env.at_ms - p);
                }
            }
            _ => {}
        }
    }
    if times.is_empty() {
        return None;
    }
    times.sort_unstable();
    Some(Latency { min: times[0], median: times[times.len() / 2], max: times[times.len() - 1] })
}

/// One line of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptLine {
    /// The dish's name on the menu.
    pub dish: &'static str,
    /// How many.
    pub qty: u8,
    /// Price of one, in cents.
    pub price_cents: u32,
}

/// What the printer prints for a completed order: table, items, total, paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// The order's number, from 1 in the order the waiter took them.
    pub order: u32,
    /// The order's correlation id.
    pub correlation_id: Uuid,
    /// Simulated time the order completed.
    pub at_ms: u64,
    /// Table number.
    pub table: u16,
    /// What was served.
    pub items: Vec<ReceiptLine>,
    /// Before tax, in cents.
    pub subtotal_cents: u32,
    /// Tax, in cents.
    pub tax_cents: u32,
    /// What the customer paid, in cents.
    pub total_cents: u32,
    /// Whether the cashier marked the order paid.
    pub paid: bool,
}

/// The receipts of every order completed by the world's current step, in completion order.
/// Read from the `OrderCompleted` events of the store.
pub fn receipts(world: &World) -> Vec<Receipt> {
    let mut numbers: HashMap<Uuid, u32> = HashMap::new();
    let mut out = Vec::new();
    for env in world.store().messages() {
        match &env.body {
            Message::OrderPlaced { .. } => {
                let n = numbers.len() as u32 + 1;
                numbers.entry(env.correlation_id).or_insert(n);
            }
            Message::OrderCompleted { order } => out.push(Receipt {
                order: numbers.get(&env.correlation_id).copied().unwrap_or(0),
                correlation_id: env.correlation_id,
                at_ms: env.at_ms,
                table: order.table,
                items: order
                    .items()
                    .iter()
                    .map(|l| ReceiptLine { dish: l.dish().name, qty: l.qty, price_cents: l.price_cents })
                    .collect(),
                subtotal_cents: order.subtotal_cents,
                tax_cents: order.tax_cents,
                total_cents: order.total_cents,
                paid: order.paid,
            }),
            _ => {}
        }
    }
    out
}

impl Receipt {
    /// The receipt as the printer prints it.
    ///
    /// ```text
    /// receipt · order 3 · table 7 · 950 ms
    ///   2× meatballs             €19.00
    ///   subtotal                 €19.00
    ///   tax 20 %                  €3.80
    ///   total                    €22.80
    ///   PAID
    /// ```
    pub fn to_text(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "receipt · order {} · table {} · {} ms", self.order, self.table, self.at_ms);
        for l in &self.items {
            let _ =
                writeln!(t, "  {:<22} {:>9}", format!("{}× {}", l.qty, l.dish), euros(l.price_cents * l.qty as u32));
        }
        let _ = writeln!(t, "  {:<22} {:>9}", "subtotal", euros(self.subtotal_cents));
        let _ = writeln!(t, "  {:<22} {:>9}", format!("tax {TAX_PERCENT} %"), euros(self.tax_cents));
        let _ = writeln!(t, "  {:<22} {:>9}", "total", euros(self.total_cents));
        let _ = writeln!(t, "  {}", if self.paid { "PAID" } else { "NOT PAID" });
        t
    }
}

fn euros(cents: u32) -> String {
    format!("€{}.{:02}", cents / 100, cents % 100)
}
