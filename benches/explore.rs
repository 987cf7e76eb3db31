//! The explorer's cost: every fate (delivered, lost, duplicated, late) of every delivery
//! to a worker, with the bounds `brigade --explore` uses (up to 6 manual fates for one
//! order, 4 for two).
//!
//! `cargo bench --bench explore` prints, for one order of each kind (pay-last, pay-first)
//! in both process versions, with and without the idempotent store, then for two orders
//! (one of each kind): the time (best of 3), states explored, states per second, and the
//! same exploration without de-duplication of states. Targets: one order ≤ 1 s, two
//! orders ≤ 30 s natively. Set `BRIGADE_BENCH_FATES` to change the bound on fates.

use brigade::explore::{Counts, Explorer, Limits, Verdict};
use brigade::scenario::Config;
use brigade::sim::{Action, Input};
use std::time::{Duration, Instant};

fn place(dodgy: &[bool]) -> Vec<Input> {
    dodgy.iter().map(|&dodgy| Input { step: 0, action: Action::PlaceOrder { dodgy } }).collect()
}

/// Best time of `runs` explorations, and the counts and verdict of the last.
fn measure(cfg: &Config, inputs: &[Input], limits: Limits, runs: usize) -> (Duration, Counts, Verdict) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let mut e = Explorer::new(cfg, inputs.to_vec(), limits).expect("valid scenario");
        e.run(|_| started.elapsed() > Duration::from_secs(120));
        best = best.min(started.elapsed());
        last = Some((e.counts(), e.verdict().clone()));
    }
    let (counts, verdict) = last.expect("at least one run");
    (best, counts, verdict)
}

fn verdict_name(v: &Verdict) -> String {
    match v {
        Verdict::Holds => "holds".into(),
        Verdict::Limit => "limit".into(),
        Verdict::Running => "running".into(),
        Verdict::Broken(c) => format!("broken: {}", c.broken.rule.name()),
    }
}

fn main() {
    let fates: Option<u32> = std::env::var("BRIGADE_BENCH_FATES").ok().and_then(|v| v.parse().ok());
    println!(
        "{:<34} {:>6} {:>9} {:>9} {:>10} {:>8} | {:>9} {:>9} {:>10}",
        "scenario", "fates", "time ms", "states", "states/s", "dedup", "no-dedup", "states", "states/s"
    );
    let mut scenarios = Vec::new();
    for dodgy in [false, true] {
        for version in [1u8, 2] {
            for idempotent in [false, true] {
                let name = format!(
                    "{} v{version}{}",
                    if dodgy { "pay-first" } else { "pay-last" },
                    if idempotent { " idempotent" } else { "" }
                );
                scenarios.push((name, vec![dodgy], version, idempotent));
            }
        }
    }
    for version in [1u8, 2] {
        for idempotent in [false, true] {
            let name = format!("two orders v{version}{}", if idempotent { " idempotent" } else { "" });
            scenarios.push((name, vec![false, true], version, idempotent));
        }
    }
    for (name, dodgy, version, idempotent) in scenarios {
        let cfg = Config { orders: 0, process_version: version, idempotent_store: idempotent, ..Config::default() };
        let inputs = place(&dodgy);
        let mut limits = Limits::for_orders(dodgy.len() as u32);
        if let Some(f) = fates {
            limits.max_fates = f;
        }
        let runs = if dodgy.len() == 1 { 3 } else { 1 };
        let (t, c, v) = measure(&cfg, &inputs, limits, runs);
        let (t2, c2, v2) = measure(&cfg, &inputs, Limits { dedup: false, ..limits }, runs);
        assert_eq!(verdict_name(&v), verdict_name(&v2), "de-duplication changes no verdict");
        let rate = |c: &Counts, t: Duration| c.states as f64 / t.as_secs_f64().max(1e-9);
        println!(
            "{:<34} {:>6} {:>9.1} {:>9} {:>10.0} {:>8} | {:>9.1} {:>9} {:>10.0}  {}",
            name,
            limits.max_fates,
            t.as_secs_f64() * 1e3,
            c.states,
            rate(&c, t),
            c.dedup_hits,
            t2.as_secs_f64() * 1e3,
            c2.states,
            rate(&c2, t2),
            verdict_name(&v)
        );
    }
}
