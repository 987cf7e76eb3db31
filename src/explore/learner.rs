//! Checking every fate for a learner's process manager (exercise mode): the explorer on
//! one order of one kind (normal or dodgy) run by the learner's `decide`, with two rules
//! on top of the explorer's own:
//!
//! - [`Rule::Runs`]: `decide` answers every message without an error (a throw, an invalid
//!   output, non-determinism). Without it such a schedule would only show up as an order
//!   left without an end;
//! - [`Rule::PayAgainOnlyOnTimeout`]: after the order's first `TakePayment`, the process
//!   asks for a charge again only when a timeout rang (the `TakePayment`'s cause is a
//!   `StepTimedOut`), never because an answer came twice or late. The cashier refuses a
//!   second charge, so the money never moves twice; this is what "pays twice under
//!   duplicates" leaves in the history. The built-in process managers keep it.
//!
//! The learner's function is shared by every world the explorer clones (it is installed
//! once, see [`crate::process::custom`]); its first failure is noted on it. The explorer
//! stops at the first broken rule, and the check runs right after each step, so a failure
//! noted after a step is that step's.

use super::rules::{Broken, Rule};
use super::{Explorer, Limits};
use crate::message::MessageType;
use crate::process::custom::CustomProcess;
use crate::scenario::{Config, ConfigError, HouseMode};
use crate::sim::actor::HOUSE;
use crate::sim::World;

/// The first order whose process asked for a charge again on something other than a
/// timeout, if any.
pub fn pay_again(world: &World) -> Option<Broken> {
    let store = world.store();
    for corr in store.orders() {
        let stream = store.stream(corr);
        let mut asked = 0;
        for &s in stream {
            let Some(env) = store.get(s as usize) else { continue };
            if env.message_type() != MessageType::TakePayment || store.publisher(s as usize) != Some(HOUSE) {
                continue;
            }
            asked += 1;
            if asked == 1 {
                continue;
            }
            let cause = env.causation().and_then(|id| {
                stream.iter().filter_map(|&c| Some((c, store.get(c as usize)?))).find(|(_, e)| e.id == id)
            });
            if let Some((c, cause)) = cause.filter(|(_, e)| e.message_type() != MessageType::StepTimedOut) {
                let order = store.order_no(corr).unwrap_or(0);
                let attempt = env.body.attempt().unwrap_or(0);
                return Some(Broken {
                    rule: Rule::PayAgainOnlyOnTimeout,
                    order,
                    detail: format!(
                        "order {order}: TakePayment (attempt {attempt}, message {s}) asked for again on {} (message {c}), not on a timeout",
                        cause.message_type().name()
                    ),
                });
            }
        }
    }
    None
}

/// The order number an error of the learner's process names (`… of order 3 at …`).
fn order_in(error: &str) -> u32 {
    error
        .split_once(" of order ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .unwrap_or(0)
}

/// The learner's rules, checked after every step: `process`'s failure, then
/// [`pay_again`].
pub fn check(process: CustomProcess) -> impl Fn(&World) -> Option<Broken> {
    move |world| {
        if let Some(error) = process.failure() {
            let order = order_in(&error);
            return Some(Broken { rule: Rule::Runs, order, detail: error });
        }
        pay_again(world)
    }
}

/// An exploration of one order (dodgy or not) of `cfg` run by `process`, with the learner's
/// rules on top of the explorer's.
///
/// It runs with `house: cached`: the house asks the function only about new messages and
/// takes the state it returned last time, instead of replaying the order's stream through
/// it for every message (about four times fewer calls of the learner's code; the same decisions
/// for a deterministic function; non-determinism is the seeded runs' to catch, with the
/// rebuild). [`scenario_config`] gives the config to replay a counterexample with.
pub fn explorer(cfg: &Config, dodgy: bool, process: CustomProcess, limits: Limits) -> Result<Explorer, ConfigError> {
    let cfg = Config { house: HouseMode::Cached, ..scenario_config(cfg, dodgy) };
    Ok(Explorer::with_process(&cfg, Vec::new(), limits, Some(process.clone()))?.with_check(check(process)))
}

/// The scenario explored for one order (dodgy or not) of `cfg`, as its counterexamples are
/// replayed (the house as `cfg` says: by default it rebuilds every process from its stream).
pub fn scenario_config(cfg: &Config, dodgy: bool) -> Config {
    Config { orders: 1, dodgy: if dodgy { 1.0 } else { 0.0 }, interval_ms: 0, drop: 0.0, duplicate: 0.0, ..cfg.clone() }
}

#[cfg(test)]
mod tests {
    use super::order_in;

    #[test]
    fn the_order_is_read_from_the_error() {
        assert_eq!(order_in("message 12 (FoodCooked) of order 3 at 40 ms: decide failed"), 3);
        assert_eq!(order_in("no order here"), 0);
    }
}
