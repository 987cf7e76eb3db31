//! User inputs: what a person did, and at which step, so a run can be re-simulated.

use serde::{Deserialize, Serialize};

/// One user action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub enum Action {
    /// The waiter takes one order now.
    PlaceOrder {
        /// The customer must pay first.
        #[serde(default)]
        dodgy: bool,
    },
    /// New orders from now on use this process version.
    SetProcessVersion {
        /// 1 or 2.
        version: u8,
    },
}

/// An action and the step at which it happened (applied when the run has done `step` steps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Input {
    /// Steps done when the action happened.
    pub step: usize,
    /// What happened.
    pub action: Action,
}
