//! The status report of a run (what the CLI prints and the run file's `report`), and the
//! printer's receipts.

pub use crate::actors::printer::{Receipt, ReceiptLine};
use crate::message::{DropReason, RejectReason};
use crate::process::Definition;
use crate::sim::{Money, World};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use strum::IntoEnumIterator;

/// Order latency, placed → completed, in simulated ms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Latency {
    /// Fastest completed order.
    pub min: u64,
    /// Median completed order.
    pub median: u64,
    /// Slowest completed order.
    pub max: u64,
}

/// One actor's throughput and queue over the run (three decimals).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct ActorLoad {
    /// Messages taken from its mailbox (one shed to make room, `drop-oldest`, included).
    pub taken: u32,
    /// Messages taken per simulated second.
    pub per_second: f64,
    /// Share of the time it worked (0..=1).
    pub utilisation: f64,
    /// Its queue's mean length over the run.
    pub mean_queue: f64,
    /// How long a message it took had waited, on average, in ms.
    pub mean_wait_ms: f64,
}

impl ActorLoad {
    /// The run's totals for one actor over `elapsed_ms`.
    pub fn of(load: &crate::sim::load::Load, now: u64, elapsed_ms: u64) -> ActorLoad {
        let r = load.rates(now, elapsed_ms);
        let three = |x: f64| (x * 1000.0).round() / 1000.0;
        ActorLoad {
            taken: load.taken,
            per_second: three(r.per_second),
            utilisation: three(r.utilisation),
            mean_queue: three(r.mean_queue),
            mean_wait_ms: three(r.mean_wait_ms),
        }
    }
}

/// The report at the world's current step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Report {
    /// Orders placed.
    pub orders: u32,
    /// Orders that went the whole way.
    pub completed: u32,
    /// Orders given up.
    pub dropped: u32,
    /// Orders not ended yet (0 once a run with process managers is idle).
    pub in_progress: u32,
    /// Orders with no terminal event once the run is idle: nobody noticed they were lost
    /// (only possible without process managers; 0 while the run is not idle).
    pub stuck: u32,
    /// The stuck orders' numbers (1-based, in placing order).
    pub stuck_orders: Vec<u32>,
    /// How the workers are wired (`process-manager`, `choreography`, `commands`).
    pub architecture: &'static str,
    /// The workers whose wiring differs between the pay-last and the pay-first flow.
    pub rewired_for_pay_first: Vec<&'static str>,
    /// Orders cooked by each cook (a duplicate cooking counts).
    pub per_cook: BTreeMap<String, u32>,
    /// Dropped orders by reason.
    pub dropped_by_reason: BTreeMap<&'static str, u32>,
    /// Orders by process definition and version (`"pay-last v2"`).
    pub per_process: BTreeMap<String, u32>,
    /// Work commands sent again after a timeout.
    pub retries: u32,
    /// Repeated answers a process manager rejected (`MessageRejected`, reason
    /// `duplicate`).
    pub duplicates_noticed: u32,
    /// `MessageRejected` events, all reasons.
    pub rejected: u32,
    /// `MessageRejected` events by reason.
    pub rejected_by_reason: BTreeMap<&'static str, u32>,
    /// `PaymentRefunded` events.
    pub refunded: u32,
    /// Orders paid at least once (an `OrderPaid`), in every architecture.
    pub charged: u32,
    /// Orders paid, not completed and not refunded: dropped (or, at idle, stuck) with the
    /// customer's money. With process managers 0 once the run is idle (they refund what
    /// they drop); without them, what nobody owes back: the lesson of choreography and
    /// commands.
    pub charged_not_served: u32,
    /// Messages the idempotent store did not append because it already held their id.
    pub absorbed: u32,
    /// Payments the cashier refused to take twice.
    pub double_payments_refused: u32,
    /// `OrderExpired` events (a cook refused an order past its time to live).
    pub expired: u32,
    /// Deliveries to workers lost / made twice by the fault layer.
    pub deliveries_dropped: u32,
    /// Deliveries made twice.
    pub deliveries_duplicated: u32,
    /// Messages shed at a full bounded mailbox (`mailbox_limits` with `drop-newest` or
    /// `drop-oldest`). Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub shed: u32,
    /// Messages shed for waiting in a bounded mailbox longer than its age
    /// (`mailbox_limits`' `max_age_ms`), when their worker reached them. Written only when
    /// not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub stale: u32,
    /// The waiter's own orders turned away at the door while a mailbox bounded with
    /// `block` was full (they never start). Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub refused_at_door: u32,
    /// Refunds nobody answered, handed to a person (`RefundEscalated`, after
    /// `refund_attempts`). Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub escalated: u32,
    /// Second copies of a `CookFood` the cooks recognised and did not cook
    /// (`idempotent_cooks`). Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub recognised: u32,
    /// Actors crashed. Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub crashes: u32,
    /// Messages lost in crashes (in hand, in a mailbox that is not durable, alarms not kept
    /// in the store). Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub lost_in_crashes: u32,
    /// Process managers a cached house read back from the store after it crashed. Written
    /// only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub rebuilt: u32,
    /// Deliveries a worker failed on (each try of a poison message). Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub failed: u32,
    /// Messages set aside in the dead-letter queue (`MessageDeadLettered`). Written only
    /// when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub dead_lettered: u32,
    /// Live orders moved to another version of their process (`ProcessMigrated`). Written
    /// only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub migrated: u32,
    /// Dead letters re-delivered by hand. Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional, as = "Option<u32>"))]
    pub redelivered: u32,
    /// Longest queue seen, by actor.
    pub peak_queue: BTreeMap<String, u32>,
    /// Each actor's throughput and queue over the run: messages taken per simulated second,
    /// the share of the time it worked, its mean queue and the mean wait in it (Little's
    /// law: the mean queue is the throughput times the mean wait).
    pub load: BTreeMap<String, ActorLoad>,
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
        let dropped_by_reason = DropReason::iter().map(|r| r.name()).zip(s.dropped.iter().copied()).collect();
        let rejected_by_reason = RejectReason::iter().map(|r| (r.name(), s.rejected_for(r))).collect();
        let ended = s.completed + s.dropped_total();
        let idle = world.is_idle();
        let stuck = if idle && !world.has_process_managers() { stuck_orders(world) } else { Vec::new() };
        let stuck_and_charged = stuck.iter().filter(|(_, money)| money.charged_not_served()).count() as u32;
        let stuck_orders: Vec<u32> = stuck.into_iter().map(|(n, _)| n).collect();
        let wiring = world.wiring();
        let mut per_process = BTreeMap::new();
        for (d, def) in Definition::ALL.iter().enumerate() {
            for v in 0..2 {
                if s.per_process[d][v] > 0 {
                    per_process.insert(format!("{} v{}", def.name(), v + 1), s.per_process[d][v]);
                }
            }
        }
        let peak_queue = world.actors().iter().map(|a| (a.name.clone(), world.load(a.id).peak)).collect();
        let load = world
            .actors()
            .iter()
            .map(|a| (a.name.clone(), ActorLoad::of(&world.load(a.id), world.now(), world.now())))
            .collect();
        Report {
            orders: s.placed,
            completed: s.completed,
            dropped: s.dropped_total(),
            in_progress: s.placed.saturating_sub(ended + stuck_orders.len() as u32),
            stuck: stuck_orders.len() as u32,
            stuck_orders,
            architecture: wiring.architecture.name(),
            rewired_for_pay_first: wiring.rewired_for_pay_first().into_iter().map(|r| r.name()).collect(),
            per_cook,
            dropped_by_reason,
            per_process,
            retries: s.retries,
            duplicates_noticed: s.rejected_for(RejectReason::Duplicate),
            rejected: s.rejected_total(),
            rejected_by_reason,
            refunded: s.refunded,
            charged: s.charged,
            charged_not_served: s.charged_dropped + stuck_and_charged,
            absorbed: s.absorbed,
            double_payments_refused: s.already_paid,
            expired: s.expired,
            deliveries_dropped: s.deliveries_dropped,
            deliveries_duplicated: s.deliveries_duplicated,
            shed: s.shed,
            stale: s.stale,
            refused_at_door: s.refused_at_door,
            escalated: s.escalated,
            recognised: s.recognised,
            crashes: s.crashes,
            lost_in_crashes: s.lost_in_crashes,
            rebuilt: s.rebuilt,
            failed: s.failed,
            dead_lettered: s.dead_lettered,
            redelivered: s.redelivered,
            migrated: s.migrated,
            peak_queue,
            load,
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
        if self.architecture != "process-manager" {
            let _ = writeln!(
                t,
                "  {}: {} stuck{}",
                self.architecture,
                self.stuck,
                if self.stuck_orders.is_empty() {
                    String::new()
                } else {
                    format!(" (orders {})", list(&self.stuck_orders))
                }
            );
        }
        let _ =
            writeln!(t, "  {} messages in {} steps over {} simulated ms", self.messages, self.steps, self.simulated_ms);
        // the names' column: 18 wide, or as wide as the longest name of the floor
        let w =
            self.peak_queue.keys().chain(self.per_cook.keys()).map(|n| n.chars().count()).max().unwrap_or(0).max(18);
        let _ = writeln!(t, "\ncooked per cook");
        for (cook, n) in &self.per_cook {
            let _ = writeln!(t, "  {cook:<w$} {n:>8}");
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
        let _ = writeln!(t, "  {:<26} {:>8}", "messages rejected", self.rejected);
        let _ = writeln!(t, "  {:<26} {:>8}", "  of which duplicates", self.duplicates_noticed);
        let _ = writeln!(t, "  {:<26} {:>8}", "double payments refused", self.double_payments_refused);
        let _ = writeln!(t, "  {:<26} {:>8}", "refused past time to live", self.expired);
        if self.absorbed > 0 {
            let _ = writeln!(t, "  {:<26} {:>8}", "duplicates absorbed", self.absorbed);
        }
        if self.shed > 0 {
            let _ = writeln!(t, "  {:<26} {:>8}", "shed (mailbox full)", self.shed);
        }
        if self.stale > 0 {
            let _ = writeln!(t, "  {:<26} {:>8}", "shed (waited too long)", self.stale);
        }
        if self.refused_at_door > 0 {
            let _ = writeln!(t, "  {:<26} {:>8}", "refused at the door", self.refused_at_door);
        }
        for (label, n) in [
            ("cooked once (recognised)", self.recognised),
            ("crashes", self.crashes),
            ("lost in crashes", self.lost_in_crashes),
            ("rebuilt after a crash", self.rebuilt),
            ("failed deliveries", self.failed),
            ("dead-lettered", self.dead_lettered),
            ("re-delivered by hand", self.redelivered),
            ("orders migrated", self.migrated),
        ] {
            if n > 0 {
                let _ = writeln!(t, "  {label:<26} {n:>8}");
            }
        }
        let _ = writeln!(t, "\nmoney");
        let _ = writeln!(t, "  {:<26} {:>8}", "orders charged", self.charged);
        let _ = writeln!(t, "  {:<26} {:>8}", "payments refunded", self.refunded);
        if self.escalated > 0 {
            let _ = writeln!(t, "  {:<26} {:>8}", "refunds handed to a person", self.escalated);
        }
        let _ = writeln!(t, "  {:<26} {:>8}", "charged, not served", self.charged_not_served);
        if self.charged_not_served > 0 && self.architecture != "process-manager" {
            let _ = writeln!(
                t,
                "  (no process manager owes these customers a refund: nobody notices they paid for nothing)"
            );
        }
        let _ = writeln!(
            t,
            "
rewired for pay-first: {}",
            if self.rewired_for_pay_first.is_empty() {
                "no worker (one more process definition instead)".to_string()
            } else {
                format!("{} of 4 workers ({})", self.rewired_for_pay_first.len(), self.rewired_for_pay_first.join(", "))
            }
        );
        let _ = writeln!(t, "\npeak queue length");
        for (actor, n) in &self.peak_queue {
            let _ = writeln!(t, "  {actor:<w$} {n:>8}");
        }
        let _ = writeln!(
            t,
            "\nthroughput and queues (per simulated second; Little's law: mean queue = taken per ms × mean wait)"
        );
        let _ = writeln!(
            t,
            "  {:<w$} {:>8} {:>8} {:>6} {:>10} {:>12}",
            "", "taken", "per s", "busy", "mean queue", "mean wait"
        );
        for (actor, l) in &self.load {
            let _ = writeln!(
                t,
                "  {actor:<w$} {:>8} {:>8.2} {:>5.0} % {:>10.2} {:>9.0} ms",
                l.taken,
                l.per_second,
                l.utilisation * 100.0,
                l.mean_queue,
                l.mean_wait_ms
            );
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

fn list(numbers: &[u32]) -> String {
    let shown: Vec<String> = numbers.iter().take(20).map(|n| n.to_string()).collect();
    if numbers.len() > 20 {
        format!("{}, … {} more", shown.join(", "), numbers.len() - 20)
    } else {
        shown.join(", ")
    }
}

/// The orders placed by the current step that have no terminal event, with their money.
fn stuck_orders(world: &World) -> Vec<(u32, Money)> {
    let store = world.store();
    store.orders().filter(|c| !store.ended(c)).filter_map(|c| Some((store.order_no(c)?, Money::of(store, c)))).collect()
}

fn latency(world: &World) -> Option<Latency> {
    // kept as the orders completed: the log is not read again
    let mut times = world.completion_times().to_vec();
    if times.is_empty() {
        return None;
    }
    times.sort_unstable();
    Some(Latency { min: times[0], median: times[times.len() / 2], max: times[times.len() - 1] })
}

/// The receipts the printer printed by the world's current step, in printing order.
pub fn receipts(world: &World) -> Vec<Receipt> {
    world.receipts()
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
