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
}

impl ProcessParams {
    /// How long to wait for `step`.
    pub fn timeout(&self, step: WorkStep) -> u64 {
        match step {
            WorkStep::Cook => self.cook_timeout_ms,
            WorkStep::Price => self.price_timeout_ms,
            WorkStep::Pay | WorkStep::Refund => self.pay_timeout_ms,
        }
    }
}
