//! What the page's explorer shows: the scenario taken from the page's run, the progress
//! of an exploration, and the counterexample as a run file that opens at the step where
//! the rule breaks. Plain data, so the wasm facade (`explore/wasm.rs`) stays a thin layer.

use super::{describe, replay_with, Explorer, Stop, Verdict};
use crate::run_file::{self, View};
use crate::scenario::Config;
use crate::sim::{Action, Input};
use serde::Serialize;

/// Most orders an exploration takes.
pub const MAX_ORDERS: u32 = 2;

/// The scenario of a run file: its config, and its orders placed by hand, all placed at
/// step 0 (the fates and kitchen changes it holds are left out: the explorer chooses the
/// fates). At most [`MAX_ORDERS`] orders in all.
pub fn scenario_of(run: &str) -> Result<(Config, Vec<Input>), String> {
    let run = run_file::parse(run).map_err(|e| e.to_string())?;
    let inputs: Vec<Input> = run
        .inputs
        .into_iter()
        .filter(|i| matches!(i.action, Action::PlaceOrder { .. }))
        .map(|i| Input { step: 0, action: i.action })
        .collect();
    let orders = run.config.orders as usize + inputs.len();
    if orders == 0 || orders > MAX_ORDERS as usize {
        return Err(format!(
            "explore takes 1 or {MAX_ORDERS} orders (every fate of every delivery), this run has {orders}"
        ));
    }
    Ok((Config { interval_ms: 0, ..run.config }, inputs))
}

/// A broken rule as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrokenView {
    /// The rule's name (`one-terminal-event`, …).
    pub rule: &'static str,
    /// The rule in words.
    pub text: &'static str,
    /// The order (1-based).
    pub order: u32,
    /// What happened.
    pub detail: String,
    /// Manual fates in the shortest schedule.
    pub fates: u32,
    /// The step at which the rule is broken.
    pub step: usize,
    /// The schedule, one fate a line.
    pub schedule: Vec<String>,
}

/// The progress of an exploration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// `running`, `holds`, `limit` or `broken`.
    pub verdict: &'static str,
    /// States explored.
    pub states: usize,
    /// Schedules that reached idle.
    pub schedules: usize,
    /// States reached again and not explored again.
    pub dedup_hits: usize,
    /// States waiting.
    pub frontier: usize,
    /// The bound on manual fates per schedule.
    pub max_fates: u32,
    /// The broken rule, once found.
    pub broken: Option<BrokenView>,
    /// With `limit`: which limit stopped it (`states`, `memory` or `time`); else `null`.
    pub stopped_by: Option<&'static str>,
    /// With `limit`: the reason in words (`stopped at the memory limit: …`); else `null`.
    pub limit: Option<String>,
    /// About how many bytes the exploration holds (states waiting and seen).
    pub held_bytes: usize,
}

/// Why `explorer` stopped at a limit, in words: "stopped at the memory limit (the states
/// waiting and seen would take more than 1024 MiB), no violation found so far".
pub fn limit_text(explorer: &Explorer) -> Option<String> {
    let stop = explorer.stopped_by()?;
    let limits = explorer.limits();
    let why = match stop {
        Stop::States => format!("the limit of {} states", limits.max_states),
        Stop::Memory => format!(
            "the memory limit (the states waiting and seen would take more than {} MiB)",
            limits.max_bytes >> 20
        ),
        Stop::Time => "the time limit".to_string(),
    };
    Some(format!("stopped at {why}, no violation found so far"))
}

/// The progress of `explorer`.
pub fn progress(explorer: &Explorer) -> Progress {
    let c = explorer.counts();
    let (verdict, broken) = match explorer.verdict() {
        Verdict::Running => ("running", None),
        Verdict::Holds => ("holds", None),
        Verdict::Limit => ("limit", None),
        Verdict::Broken(example) => {
            let schedule = replay_with(explorer.config(), explorer.process(), example)
                .map(|world| describe(&world, &example.inputs))
                .unwrap_or_default();
            let b = &example.broken;
            let view = BrokenView {
                rule: b.rule.name(),
                text: b.rule.text(),
                order: b.order,
                detail: b.detail.clone(),
                fates: example.fates,
                step: example.step,
                schedule,
            };
            ("broken", Some(view))
        }
    };
    Progress {
        verdict,
        states: c.states,
        schedules: c.schedules,
        dedup_hits: c.dedup_hits,
        frontier: explorer.frontier(),
        max_fates: explorer.limits().max_fates,
        broken,
        stopped_by: explorer.stopped_by().map(Stop::name),
        limit: limit_text(explorer),
        held_bytes: explorer.held_bytes(),
    }
}

/// The counterexample's run file, opening at the step where the rule breaks; `None`
/// until a rule is broken.
pub fn counterexample_file(explorer: &Explorer) -> Option<String> {
    let Verdict::Broken(example) = explorer.verdict() else { return None };
    let world = replay_with(explorer.config(), explorer.process(), example).ok()?;
    Some(run_file::export(&world, Some(View { step: example.step.min(world.steps()) })))
}
