//! A bound on the mailboxes of one kind of actor, and what happens to a message that finds
//! its mailbox full: the config's `mailbox_limits` (role name → bound and policy).

use crate::role::Role;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What happens when a message reaches a full mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub enum Policy {
    /// The producer waits: back-pressure travels up to the waiter, who refuses new orders
    /// at the door while the mailbox is full (what is already on its way still enters).
    Block,
    /// The message arriving is shed.
    DropNewest,
    /// The oldest message waiting is shed to make room.
    DropOldest,
}

impl Policy {
    /// `block`, `drop-newest` or `drop-oldest`.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Block => "block",
            Policy::DropNewest => "drop-newest",
            Policy::DropOldest => "drop-oldest",
        }
    }

    /// The policy called `name`.
    pub fn from_name(name: &str) -> Option<Policy> {
        [Policy::Block, Policy::DropNewest, Policy::DropOldest].into_iter().find(|p| p.name() == name)
    }
}

/// A bound on each mailbox of one kind of actor (each cook's mailbox for `cook`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct MailboxLimit {
    /// Messages the mailbox holds at most (1..=100000; left out: 100000).
    #[serde(default = "most")]
    pub max: u32,
    /// What happens to a message that finds it full.
    pub policy: Policy,
    /// A bound by age: a message that has waited longer than this (simulated ms,
    /// 1..=3600000) is shed unhandled when its worker reaches it (a fault `stale`),
    /// whatever the policy; only on the workers. Written only when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub max_age_ms: Option<u64>,
}

fn most() -> u32 {
    MAX_BOUND
}

/// The longest age bound accepted (one simulated hour).
pub const MAX_AGE_MS: u64 = 3_600_000;

/// The config's bounds, by role name (`cook`, `assistant-manager`, …).
pub type MailboxLimits = BTreeMap<String, MailboxLimit>;

/// The largest bound accepted.
pub const MAX_BOUND: u32 = 100_000;

/// Checks every bound: a known role, a bound of 1..=100000, and a policy the role can take
/// (shedding only where the process managers recover a lost delivery: the workers the fault
/// layer reaches; every other role, the waiter's door included, takes `block`).
pub fn check(limits: &MailboxLimits) -> Result<(), String> {
    for (name, limit) in limits {
        let Some(role) = Role::from_name(name) else {
            let known: Vec<&str> = crate::role::ROLES.iter().map(|r| r.name).collect();
            return Err(format!("unknown role {name:?} (one of {})", known.join(", ")));
        };
        if limit.max == 0 || limit.max > MAX_BOUND {
            return Err(format!("{name}: max must be 1..={MAX_BOUND}, got {}", limit.max));
        }
        if let Some(age) = limit.max_age_ms {
            if age == 0 || age > MAX_AGE_MS {
                return Err(format!("{name}: max_age_ms must be 1..={MAX_AGE_MS}, got {age}"));
            }
            if !role.is_worker() {
                let workers: Vec<&str> = crate::role::ROLES.iter().filter(|r| r.worker).map(|r| r.name).collect();
                return Err(format!(
                    "{name}: a bound by age sheds messages, which only the workers' deliveries may lose ({})",
                    workers.join(", ")
                ));
            }
        }
        if limit.policy != Policy::Block && !role.is_worker() {
            let workers: Vec<&str> = crate::role::ROLES.iter().filter(|r| r.worker).map(|r| r.name).collect();
            return Err(format!(
                "{name}: policy {} sheds messages, which only the workers' deliveries may lose ({}); \
                 use block",
                limit.policy.name(),
                workers.join(", ")
            ));
        }
    }
    Ok(())
}

/// Reads one bound as the command line writes it: `ROLE=N:POLICY` (`cook=5:drop-oldest`),
/// and a bound by age after it, `ROLE=N:POLICY:AGEms` (`cook=5:drop-oldest:2000ms`).
///
/// ```
/// use brigade::mailbox_limit::{parse, Policy};
/// let (role, limit) = parse("cook=5:drop-oldest").unwrap();
/// assert_eq!((role.as_str(), limit.max, limit.policy, limit.max_age_ms), ("cook", 5, Policy::DropOldest, None));
/// assert_eq!(parse("cook=5:drop-oldest:2000ms").unwrap().1.max_age_ms, Some(2000));
/// assert!(parse("cook=5").is_err());
/// ```
pub fn parse(text: &str) -> Result<(String, MailboxLimit), String> {
    let shape = || format!("expected ROLE=N:POLICY or ROLE=N:POLICY:AGEms (e.g. cook=5:drop-newest), got {text:?}");
    let (role, rest) = text.split_once('=').ok_or_else(shape)?;
    let (max, rest) = rest.split_once(':').ok_or_else(shape)?;
    let (policy, age) = match rest.split_once(':') {
        Some((policy, age)) => (policy, Some(age)),
        None => (rest, None),
    };
    let max: u32 = max.trim().parse().map_err(|_| format!("{role}: max must be a whole number, got {max:?}"))?;
    let policy = Policy::from_name(policy.trim())
        .ok_or_else(|| format!("{role}: policy must be block, drop-newest or drop-oldest, got {policy:?}"))?;
    let max_age_ms = match age {
        None => None,
        Some(age) => {
            let ms = age.trim().strip_suffix("ms").unwrap_or(age.trim());
            Some(
                ms.parse()
                    .map_err(|_| format!("{role}: the age must be a whole number of ms (2000ms), got {age:?}"))?,
            )
        }
    };
    Ok((role.trim().to_string(), MailboxLimit { max, policy, max_age_ms }))
}

/// The bounds by role, in the role table's order (`None`: unbounded).
pub fn by_role(limits: &MailboxLimits) -> [Option<MailboxLimit>; crate::role::ROLES.len()] {
    let mut out = [None; crate::role::ROLES.len()];
    for (name, limit) in limits {
        if let Some(role) = Role::from_name(name) {
            out[role as usize] = Some(*limit);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(name: &str, max: u32, policy: Policy) -> MailboxLimits {
        [(name.to_string(), MailboxLimit { max, policy, max_age_ms: None })].into_iter().collect()
    }

    #[test]
    fn bad_bounds_are_refused_with_the_reason() {
        assert!(check(&one("chef", 3, Policy::Block)).unwrap_err().contains("unknown role \"chef\""));
        assert!(check(&one("cook", 0, Policy::Block)).unwrap_err().contains("max must be 1..="));
        assert!(check(&one("house", 3, Policy::DropNewest)).unwrap_err().contains("use block"));
        assert!(check(&one("waiter", 3, Policy::DropOldest)).unwrap_err().contains("use block"));
        for ok in
            [one("cook", 1, Policy::DropOldest), one("waiter", 2, Policy::Block), one("cashier", 4, Policy::DropNewest)]
        {
            assert_eq!(check(&ok), Ok(()));
        }
    }

    #[test]
    fn the_command_line_form_is_read_or_refused() {
        assert_eq!(
            parse("house=10:block").unwrap(),
            ("house".into(), MailboxLimit { max: 10, policy: Policy::Block, max_age_ms: None })
        );
        assert!(parse("cook:5=block").is_err());
        assert!(parse("cook=five:block").unwrap_err().contains("whole number"));
        assert!(parse("cook=5:shed").unwrap_err().contains("policy must be"));
    }
}
