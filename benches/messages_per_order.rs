//! How many messages one order publishes, per architecture and setting: the figures behind
//! the page's memory budget (`brigade::sim::budget::messages_per_order_bound`, whose doc
//! and docs/FACADE.md "Memory budget" hold the table).
//!
//! `cargo run --release --example messages_per_order` runs every combination of the
//! settings that add messages (architecture, drop, duplicate, dodgy share, one slow cook or
//! three fast ones, dispatch and the other workers' speed, idempotent store, retries, and
//! timeouts short enough that every try times out; the process version measured no
//! difference and the house mode changes no history) for `BRIGADE_MPO_ORDERS` orders (default 200) and `BRIGADE_MPO_SEEDS` seeds
//! (default 2), all placed at once, and prints: the most messages per order (the run's
//! messages over its orders) for each architecture and retry count, the config that
//! published them and the bound the budget assumes; then the most per value of each
//! setting. It exits 1 if a run published more than the bound.

use brigade::scenario::{Architecture, Config, CookSpec, Dispatch};
use brigade::sim::budget::messages_per_order_bound;
use brigade::sim::World;

fn env(name: &str, default: u32) -> u32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// One measured run.
struct Row {
    cfg: Config,
    per_order: f64,
    steps_per_order: f64,
}

fn label(cfg: &Config) -> String {
    format!(
        "{} drop {} dup {} dodgy {} cooks {}x{}ms {} workers {}ms idem {} retries {} timeouts {}",
        cfg.architecture.name(),
        cfg.drop,
        cfg.duplicate,
        cfg.dodgy,
        cfg.cooks.len(),
        cfg.cooks[0].ms,
        cfg.dispatch.name(),
        cfg.cashier_ms,
        cfg.idempotent_store,
        cfg.max_retries,
        cfg.cook_timeout_ms
    )
}

fn main() {
    let orders = env("BRIGADE_MPO_ORDERS", 200);
    let seeds = env("BRIGADE_MPO_SEEDS", 2) as u64;
    let mut rows: Vec<Row> = Vec::new();
    let slow = vec![CookSpec { name: "Slow".into(), ms: 2_000 }];
    let fast: Vec<CookSpec> = ["A", "B", "C"].iter().map(|n| CookSpec { name: n.to_string(), ms: 5 }).collect();
    for architecture in Architecture::ALL {
        for drop in [0.0, 0.1, 0.3, 0.6, 1.0] {
            for duplicate in [0.0, 0.5, 1.0] {
                for dodgy in [0.0, 1.0] {
                    for cooks in [&slow, &fast] {
                        for (dispatch, worker_ms) in [(Dispatch::MoreFair, 50), (Dispatch::Competing, 2_000)] {
                            for idempotent_store in [false, true] {
                                for max_retries in [0u8, 3, 10] {
                                    for timeout in [1u64, 2_500] {
                                        for seed in 1..=seeds {
                                            let cfg = Config {
                                                seed,
                                                orders,
                                                architecture,
                                                drop,
                                                duplicate,
                                                dodgy,
                                                dispatch,
                                                assistant_manager_ms: worker_ms,
                                                cashier_ms: worker_ms,
                                                idempotent_store,
                                                max_retries,
                                                cook_timeout_ms: timeout,
                                                price_timeout_ms: timeout.min(1_000),
                                                pay_timeout_ms: timeout.min(1_000),
                                                cooks: cooks.clone(),
                                                ..Config::default()
                                            };
                                            let mut world = World::new(cfg.clone()).expect("valid config").untraced();
                                            let steps = world.run_to_idle();
                                            let per_order = world.store().len() as f64 / orders as f64;
                                            let steps_per_order = steps as f64 / orders as f64;
                                            rows.push(Row { cfg, per_order, steps_per_order });
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    println!("{} runs of {orders} orders\n", rows.len());
    println!("| architecture | max_retries | most messages per order | steps per order | bound | config |");
    println!("|---|---|---|---|---|---|");
    let mut over = false;
    for architecture in Architecture::ALL {
        for retries in [0u8, 3, 10] {
            let worst = rows
                .iter()
                .filter(|r| r.cfg.architecture == architecture && r.cfg.max_retries == retries)
                .max_by(|a, b| a.per_order.total_cmp(&b.per_order))
                .expect("rows");
            let bound = messages_per_order_bound(&worst.cfg);
            println!(
                "| {} | {retries} | {:.1} | {:.1} | {bound} | {} |",
                architecture.name(),
                worst.per_order,
                worst.steps_per_order,
                label(&worst.cfg)
            );
        }
    }
    for r in &rows {
        if r.per_order > messages_per_order_bound(&r.cfg) as f64 {
            over = true;
            println!(
                "over the bound ({}): {:.1} per order: {}",
                messages_per_order_bound(&r.cfg),
                r.per_order,
                label(&r.cfg)
            );
        }
    }
    println!("\nmost messages per order by the value of one setting (over every other):");
    type Key = fn(&Config) -> String;
    let settings: [(&str, Key); 8] = [
        ("drop", |c| c.drop.to_string()),
        ("duplicate", |c| c.duplicate.to_string()),
        ("dodgy", |c| c.dodgy.to_string()),
        ("cooks", |c| format!("{}x{}ms", c.cooks.len(), c.cooks[0].ms)),
        ("dispatch and worker ms", |c| format!("{} {}ms", c.dispatch.name(), c.cashier_ms)),
        ("idempotent_store", |c| c.idempotent_store.to_string()),
        ("max_retries", |c| c.max_retries.to_string()),
        ("timeouts_ms", |c| c.cook_timeout_ms.to_string()),
    ];
    for (name, key) in settings {
        let mut values: Vec<(String, f64)> = Vec::new();
        for r in &rows {
            let k = key(&r.cfg);
            match values.iter_mut().find(|(v, _)| *v == k) {
                Some((_, m)) => *m = m.max(r.per_order),
                None => values.push((k, r.per_order)),
            }
        }
        let line: Vec<String> = values.iter().map(|(v, m)| format!("{v}: {m:.1}")).collect();
        println!("  {name}: {}", line.join(", "));
    }
    if over {
        std::process::exit(1);
    }
}
