//! `brigade --explore` (docs/CONTRACT.md §5): explore every fate for the configured
//! orders and print whether every rule holds, or the broken rule and the shortest
//! schedule (with `--format json`, that schedule's run file).

use super::{describe, replay_with, Explorer, Limits, Verdict};
use crate::scenario::Config;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// Most orders `--explore` takes.
pub const MAX_ORDERS: u32 = 2;
/// Wall-clock bound of one `--explore`.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// What `--explore` prints, and its exit status (0 every rule holds or a limit was
/// reached, 1 a rule is broken). The error is a one-line message for exit status 2.
pub fn run(cfg: &Config, json: bool) -> Result<(String, u8), String> {
    run_with(cfg, json, false)
}

/// [`run`], with crashes of the house and the alarm clock among the fates when `crashes`.
pub fn run_with(cfg: &Config, json: bool, crashes: bool) -> Result<(String, u8), String> {
    if cfg.orders == 0 || cfg.orders > MAX_ORDERS {
        return Err(format!(
            "--orders: --explore explores 1 or {MAX_ORDERS} orders (every fate of every delivery), got {}",
            cfg.orders
        ));
    }
    let limits = Limits { crashes, ..Limits::for_orders(cfg.orders) };
    let started = Instant::now();
    let mut explorer = Explorer::new(cfg, Vec::new(), limits).map_err(|e| format!("--{}: {}", e.field, e.message))?;
    explorer.run(|_| started.elapsed() >= TIME_LIMIT);
    let seconds = started.elapsed().as_secs_f64();
    let c = explorer.counts();
    let explored = format!(
        "explored {} states ({} schedules to idle, {} states reached again) in {seconds:.2} s",
        c.states, c.schedules, c.dedup_hits
    );
    let mut text = String::new();
    match explorer.verdict() {
        Verdict::Broken(example) => {
            let world = replay_with(explorer.config(), explorer.process(), example)
                .map_err(|e| format!("--{}: {}", e.field, e.message))?;
            if json {
                return Ok((crate::run_file::export(&world, None) + "\n", 1));
            }
            let b = &example.broken;
            let _ = writeln!(text, "rule broken: {} ({})", b.rule.name(), b.rule.text());
            let _ = writeln!(text, "{}", b.detail);
            let noun = if example.fates == 1 { "delivery" } else { "deliveries" };
            let what = if crashes { "lost, duplicated or late deliveries and crashes" } else { "" };
            if crashes {
                let _ = writeln!(text, "shortest schedule: {} fates ({what}); {explored}", example.fates);
            } else {
                let _ =
                    writeln!(text, "shortest schedule: {} lost, duplicated or late {noun}; {explored}", example.fates);
            }
            for line in describe(&world, &example.inputs) {
                let _ = writeln!(text, "  {line}");
            }
            let _ = writeln!(text, "its run file: the same options with --format json; it replays with --check");
            Ok((text, 1))
        }
        verdict => {
            let holds = *verdict == Verdict::Holds;
            if json {
                let value = serde_json::json!({
                    "verdict": if holds { "holds" } else { "limit" },
                    "stopped_by": explorer.stopped_by().map(super::Stop::name),
                    "states": c.states,
                    "schedules": c.schedules,
                    "dedup_hits": c.dedup_hits,
                    "max_fates": limits.max_fates,
                    "seconds": seconds,
                });
                return Ok((serde_json::to_string_pretty(&value).unwrap_or_default() + "\n", 0));
            }
            if holds {
                let _ = writeln!(
                    text,
                    "every rule holds for every schedule of up to {} lost, duplicated or late deliveries{}: {explored}",
                    limits.max_fates,
                    if crashes { " and crashes (at most one)" } else { "" }
                );
            } else {
                let why = super::progress::limit_text(&explorer).unwrap_or_else(|| "stopped at a limit".into());
                let _ = writeln!(text, "explored {} states in {seconds:.2} s; {why}", c.states);
            }
            Ok((text, 0))
        }
    }
}
