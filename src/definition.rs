//! Process definitions and their versions: the pieces of work an order needs, the
//! order a definition does them in, which versions retry what, and how long a process
//! manager waits for each. Below the messages, which name them, and the process managers,
//! which follow them.

use serde::Serialize;
use strum::EnumIter;

/// One of the three pieces of work an order needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, EnumIter)]
#[serde(rename_all = "lowercase")]
pub enum WorkStep {
    /// A cook cooks the food.
    Cook,
    /// The assistant manager prices the order.
    Price,
    /// The cashier takes payment.
    Pay,
    /// The cashier gives the money back (compensation for an order not served).
    Refund,
}

impl WorkStep {
    /// `"cook"`, `"price"` or `"pay"`.
    pub fn name(self) -> &'static str {
        match self {
            WorkStep::Cook => "cook",
            WorkStep::Price => "price",
            WorkStep::Pay => "pay",
            WorkStep::Refund => "refund",
        }
    }

    /// The step named `name` (see [`WorkStep::name`]).
    pub fn from_name(name: &str) -> Option<WorkStep> {
        <WorkStep as strum::IntoEnumIterator>::iter().find(|s| s.name() == name)
    }
}

/// Which flow an order follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub enum Definition {
    /// Normal customers: cook, then price, then pay.
    #[serde(rename = "pay-last")]
    PayLast,
    /// Dodgy customers: price, pay, and only then cook.
    #[serde(rename = "pay-first")]
    PayFirst,
    /// The learner's own process manager (exercise mode): its decisions come from a
    /// function, see [`custom`](crate::process::custom).
    #[serde(rename = "custom")]
    Custom,
}

/// The versions every definition has.
pub const VERSIONS: [u8; 2] = [1, 2];

/// Whether `version` exists; the error says which do.
///
/// ```
/// assert!(brigade::process::check_version(2).is_ok());
/// assert_eq!(brigade::process::check_version(3).unwrap_err(), "versions are 1 and 2, got 3");
/// ```
pub fn check_version(version: u8) -> Result<(), String> {
    if VERSIONS.contains(&version) {
        Ok(())
    } else {
        Err(format!("versions are 1 and 2, got {version}"))
    }
}

impl Definition {
    /// Both definitions.
    pub const ALL: [Definition; 2] = [Definition::PayLast, Definition::PayFirst];

    /// `"pay-last"` or `"pay-first"`.
    pub fn name(self) -> &'static str {
        match self {
            Definition::PayLast => "pay-last",
            Definition::PayFirst => "pay-first",
            Definition::Custom => "custom",
        }
    }

    /// The definition called `name` (`custom` included).
    pub fn from_name(name: &str) -> Option<Definition> {
        Definition::ALL.into_iter().chain([Definition::Custom]).find(|d| d.name() == name)
    }

    /// The definition for a customer.
    pub fn for_customer(dodgy: bool) -> Definition {
        if dodgy {
            Definition::PayFirst
        } else {
            Definition::PayLast
        }
    }

    /// The order of the work.
    pub fn steps(self) -> [WorkStep; 3] {
        // a refund is compensation, not a step of the flow
        match self {
            // a custom process decides its own order; the built-in manager never runs it
            Definition::PayLast | Definition::Custom => [WorkStep::Cook, WorkStep::Price, WorkStep::Pay],
            Definition::PayFirst => [WorkStep::Price, WorkStep::Pay, WorkStep::Cook],
        }
    }

    /// Whether `version` retries `step` after a timeout. Version 1 retries only
    /// cooking and gives up on a lost price or payment at the first timeout; version 2
    /// retries every step.
    pub fn retries(self, version: u8, step: WorkStep) -> bool {
        version >= 2 || matches!(step, WorkStep::Cook | WorkStep::Refund)
    }
}

/// The timing a process manager needs, taken from the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessParams {
    /// Wait for `FoodCooked` this long.
    pub cook_timeout_ms: u64,
    /// Wait for `OrderPriced` this long.
    pub price_timeout_ms: u64,
    /// Wait for `OrderPaid` this long.
    pub pay_timeout_ms: u64,
    /// Retries of one step at most.
    pub max_retries: u8,
    /// Each retry waits this many thousandths of the wait before it (1000: no backoff).
    pub backoff_permille: u32,
    /// A retry's wait moves by up to this many thousandths of itself, either way.
    pub jitter_permille: u32,
    /// The run's seed, which the jitter is drawn from.
    pub seed: u64,
    /// Refund requests without an answer before the order's money is handed to a person
    /// (0: asked until the cashier answers).
    pub refund_attempts: u32,
}

/// A retry waits at most this many times its step's timeout, however long the backoff.
pub const MAX_BACKOFF: u64 = 32;

impl ProcessParams {
    /// How long to wait for `step`.
    pub fn timeout(&self, step: WorkStep) -> u64 {
        match step {
            WorkStep::Cook => self.cook_timeout_ms,
            WorkStep::Price => self.price_timeout_ms,
            WorkStep::Pay | WorkStep::Refund => self.pay_timeout_ms,
        }
    }

    /// How long to wait for attempt `attempt` (from 1) of `step` of the order `key` (its
    /// correlation id's low half): the step's timeout for the first attempt; for a retry,
    /// the timeout times the backoff once per retry before it (at most [`MAX_BACKOFF`]
    /// times the timeout), moved by the seeded jitter. Whole numbers only, so that every
    /// platform waits the same.
    ///
    /// ```
    /// use brigade::definition::{ProcessParams, WorkStep};
    /// let p = ProcessParams { cook_timeout_ms: 1000, backoff_permille: 2000, ..ProcessParams::default() };
    /// let waits: Vec<u64> = (1..=4).map(|a| p.wait(WorkStep::Cook, a, 7)).collect();
    /// assert_eq!(waits, [1000, 2000, 4000, 8000]);
    /// let jittered = ProcessParams { jitter_permille: 100, ..p };
    /// assert_eq!(jittered.wait(WorkStep::Cook, 1, 7), 1000, "the first attempt waits its timeout");
    /// assert!((1800..=2200).contains(&jittered.wait(WorkStep::Cook, 2, 7)));
    /// ```
    pub fn wait(&self, step: WorkStep, attempt: u32, key: u64) -> u64 {
        let base = self.timeout(step);
        if attempt <= 1 || (self.backoff_permille == 1000 && self.jitter_permille == 0) {
            return base;
        }
        let cap = base.saturating_mul(MAX_BACKOFF);
        let mut wait = base;
        for _ in 1..attempt.min(64) {
            wait = (wait as u128 * self.backoff_permille as u128 / 1000).min(cap as u128) as u64;
        }
        if self.jitter_permille > 0 {
            let salt = (attempt as u64) << 8 | step as u64;
            let draw = crate::rng::mix64(self.seed ^ crate::rng::mix64(key ^ salt));
            wait = crate::rng::jittered(wait, self.jitter_permille, draw).max(1);
        }
        wait
    }
}
