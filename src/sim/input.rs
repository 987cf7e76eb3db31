//! User inputs: what a person did, and at which step, so a run can be re-simulated.
//!
//! Besides placing orders and switching the process version, a person may decide the
//! fate of one message (drop, duplicate or delay one delivery), and change the kitchen
//! (a cook walks out, comes back, is hired, or cooks at another speed). Every input is
//! recorded with the step at which it happened and replays exactly.

use crate::fate::Fate;
use serde::{Deserialize, Serialize};

/// Longest delay of one delivery, and longest cooking time (simulated ms).
pub const MAX_MS: u64 = 600_000;

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
    /// One delivery is lost: the message waiting in `actor`'s mailbox (`seq`, `copy`),
    /// or the delivery to `actor` of a message not yet published (`output`).
    DropMessage {
        /// Store position of a message waiting in the mailbox.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<u32>,
        /// For a message in flight: its output number (see [`crate::sim::Queued`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output: Option<u32>,
        /// The receiving actor's name.
        actor: String,
        /// Which copy of a waiting message (default: the first one waiting).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        copy: Option<u8>,
    },
    /// One delivery is made twice (a second copy enters the mailbox right after it).
    DuplicateMessage {
        /// Store position of a message waiting in the mailbox.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<u32>,
        /// For a message in flight: its output number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output: Option<u32>,
        /// The receiving actor's name.
        actor: String,
        /// Which copy of a waiting message (default: the first one waiting).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        copy: Option<u8>,
    },
    /// One delivery is late: the message leaves the mailbox and enters it again (at its
    /// tail) `ms` later.
    DelayMessage {
        /// Store position of a message waiting in the mailbox.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<u32>,
        /// For a message in flight: its output number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output: Option<u32>,
        /// The receiving actor's name.
        actor: String,
        /// Which copy of a waiting message (default: the first one waiting).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        copy: Option<u8>,
        /// The delay, 1..=600000 simulated ms.
        ms: u64,
    },
    /// A cook walks out: it takes no more work, and what waits in its mailbox is lost.
    CookLeaves {
        /// The cook's name.
        cook: String,
    },
    /// A cook who walked out comes back.
    CookReturns {
        /// The cook's name.
        cook: String,
    },
    /// A new cook joins the kitchen.
    HireCook {
        /// A name no actor has (the config's cook-name rules).
        name: String,
        /// Cooking time, 1..=600000 simulated ms.
        ms: u64,
    },
    /// A cook's cooking time changes (for the orders it takes from now on).
    SetCookTime {
        /// The cook's name.
        cook: String,
        /// Cooking time, 1..=600000 simulated ms.
        ms: u64,
    },
    /// Any worker (a cook, an assistant manager, a cashier) is sent away: it takes no more
    /// work, and what waits in its mailbox is lost. The others of its role share the work;
    /// with nobody left, what reaches the role is lost.
    WorkerLeaves {
        /// The worker's name (`assistant manager 2`).
        worker: String,
    },
    /// A worker who was sent away comes back.
    WorkerReturns {
        /// The worker's name.
        worker: String,
    },
    /// A new worker of `role` joins and shares that role's work.
    HireWorker {
        /// `cook`, `assistant-manager` or `cashier`.
        role: String,
        /// A name no actor has (the cooks' name rules).
        name: String,
        /// Time per message (cooking, pricing, a payment), 1..=600000 simulated ms.
        ms: u64,
    },
    /// A worker's time per message changes (for what it takes from now on).
    SetWorkerTime {
        /// The worker's name.
        worker: String,
        /// Time per message, 1..=600000 simulated ms.
        ms: u64,
    },
    /// Any actor crashes now: it loses the message in hand (back in its mailbox if the
    /// mailbox is durable), its mailbox unless durable, what it keeps in memory only (the
    /// cached house its process managers, the alarm clock its alarms unless durable), and
    /// is back `restart_ms` later.
    Crash {
        /// The actor's name.
        actor: String,
    },
    /// The message waiting at `seq` in a worker's mailbox is poison: the worker fails on it
    /// every time, until it is dead-lettered (needs a dead-letter queue).
    PoisonMessage {
        /// Store position of the waiting message.
        seq: u32,
        /// The worker's name.
        actor: String,
    },
    /// The dead letter at `seq` leaves the dead-letter queue for the worker that failed on
    /// it, to be tried again (no longer poison).
    RedeliverMessage {
        /// Store position of the dead letter.
        seq: u32,
    },
    /// A live order moves to another version of its process definition: its history must
    /// replay with the same decisions under that version (else the move is refused, naming
    /// the first message decided differently); the house decides under it from now on and
    /// publishes `ProcessMigrated`.
    MigrateOrder {
        /// The order's number (1-based, in placing order).
        order: u32,
        /// 1 or 2.
        version: u8,
    },
    /// Every live order of `definition` (`pay-last` or `pay-first`) that runs another
    /// version and whose history replays the same under `version` moves to it; the others
    /// stay (refused only when none can move).
    MigrateOrders {
        /// `pay-last` or `pay-first`.
        definition: String,
        /// 1 or 2.
        version: u8,
    },
}

/// The delivery a fate input is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FateTarget {
    /// A message waiting in a mailbox: store position and copy (`None`: the first waiting).
    Waiting {
        /// Store position.
        seq: u32,
        /// Copy, if given.
        copy: Option<u8>,
    },
    /// A message not yet published: its output number.
    InFlight {
        /// Output number.
        output: u32,
    },
}

impl Action {
    /// The input that gives one delivery to `actor` its `fate`: the message waiting at
    /// `seq` (its `copy`) or the one in flight as output `output`. `None` for
    /// [`Fate::Delivered`]; a [`Fate::Late`] one is delayed by `late_ms()`.
    pub fn for_fate(
        fate: Fate,
        (seq, output, copy): (Option<u32>, Option<u32>, Option<u8>),
        actor: String,
        late_ms: impl FnOnce() -> u64,
    ) -> Option<Action> {
        Some(match fate {
            Fate::Delivered => return None,
            Fate::Lost => Action::DropMessage { seq, output, actor, copy },
            Fate::Duplicated => Action::DuplicateMessage { seq, output, actor, copy },
            Fate::Delayed(ms) => Action::DelayMessage { seq, output, actor, copy, ms },
            Fate::Late => Action::DelayMessage { seq, output, actor, copy, ms: late_ms() },
        })
    }

    /// For a fate input: the fate ([`Fate::Lost`], [`Fate::Duplicated`] or
    /// [`Fate::Delayed`]), the delivery and the receiving actor's name.
    pub fn fate(&self) -> Option<(Fate, Result<FateTarget, String>, &str)> {
        let (fate, seq, output, copy, actor) = match self {
            Action::DropMessage { seq, output, actor, copy } => (Fate::Lost, seq, output, copy, actor),
            Action::DuplicateMessage { seq, output, actor, copy } => (Fate::Duplicated, seq, output, copy, actor),
            Action::DelayMessage { seq, output, actor, copy, ms } => (Fate::Delayed(*ms), seq, output, copy, actor),
            _ => return None,
        };
        let target = match (seq, output) {
            (Some(seq), None) => Ok(FateTarget::Waiting { seq: *seq, copy: *copy }),
            (None, Some(output)) if copy.is_none() => Ok(FateTarget::InFlight { output: *output }),
            (None, Some(_)) => Err("`copy` is for a waiting message (`seq`), not one in flight (`output`)".to_string()),
            (Some(_), Some(_)) => {
                Err("give either `seq` (a waiting message) or `output` (one in flight), not both".into())
            }
            (None, None) => Err("give `seq` (a waiting message) or `output` (one in flight)".to_string()),
        };
        Some((fate, target, actor.as_str()))
    }

    /// What can be checked without running: version numbers, times, names, and which
    /// message a fate is about. (Whether the message is waiting or the cook is there is
    /// checked when the input applies.)
    pub fn check_shape(&self) -> Result<(), String> {
        let ms_ok = |what: &str, ms: u64| {
            if ms == 0 || ms > MAX_MS {
                Err(format!("{what} must be 1..={MAX_MS} ms, got {ms}"))
            } else {
                Ok(())
            }
        };
        match self {
            Action::PlaceOrder { .. } => Ok(()),
            Action::SetProcessVersion { version } => crate::process::check_version(*version)
                .map_err(|e| format!("process version {version} does not exist ({e})")),
            Action::HireCook { name, ms } => {
                crate::scenario::check_cook_name(name)?;
                ms_ok("the cooking time", *ms)
            }
            Action::SetCookTime { ms, .. } => ms_ok("the cooking time", *ms),
            Action::CookLeaves { .. } | Action::CookReturns { .. } => Ok(()),
            Action::HireWorker { role, name, ms } => {
                match crate::role::Role::from_name(role) {
                    Some(r) if r.is_worker() => {}
                    _ => return Err(format!("role {role:?} cannot be hired (cook, assistant-manager or cashier)")),
                }
                crate::scenario::check_cook_name(name)?;
                ms_ok("the time per message", *ms)
            }
            Action::SetWorkerTime { ms, .. } => ms_ok("the time per message", *ms),
            Action::WorkerLeaves { .. } | Action::WorkerReturns { .. } => Ok(()),
            Action::Crash { .. } | Action::PoisonMessage { .. } | Action::RedeliverMessage { .. } => Ok(()),
            Action::MigrateOrder { version, .. } => crate::process::check_version(*version)
                .map_err(|e| format!("process version {version} does not exist ({e})")),
            Action::MigrateOrders { definition, version } => {
                match crate::definition::Definition::from_name(definition) {
                    Some(d) if d != crate::definition::Definition::Custom => {}
                    _ => return Err(format!("definition {definition:?} is not pay-last or pay-first")),
                }
                crate::process::check_version(*version)
                    .map_err(|e| format!("process version {version} does not exist ({e})"))
            }
            Action::DropMessage { .. } | Action::DuplicateMessage { .. } | Action::DelayMessage { .. } => {
                let Some((fate, target, _)) = self.fate() else { return Ok(()) };
                target?;
                match fate {
                    Fate::Delayed(ms) => ms_ok("the delay", ms),
                    _ => Ok(()),
                }
            }
        }
    }
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

/// Checks a list of inputs without running them: in step order, and each well formed.
/// The error names the input (`input 3: …`, counting from 1).
pub fn check_inputs(inputs: &[Input]) -> Result<(), String> {
    for (i, input) in inputs.iter().enumerate() {
        if i > 0 && input.step < inputs[i - 1].step {
            return Err(format!("input {} is at step {}, before the input before it", i + 1, input.step));
        }
        input.action.check_shape().map_err(|e| format!("input {}: {e}", i + 1))?;
    }
    Ok(())
}
