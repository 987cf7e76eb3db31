//! Throughput of the whole restaurant, against a bare-queue baseline measured in the
//! same run (so the ratio survives a noisy machine).
//!
//! `cargo run --release --example throughput -- --bench` (or `bash scripts/bench.sh`) runs,
//! built as the command line is (release profile, mimalloc), in this order:
//! 1. **baseline**: as many messages as the engine run publishes, moved through a bare
//!    `VecDeque` and a `match` on a message enum (the least a message system can do);
//! 2. **engine**, **DES**, **cached** and **traced**, interleaved: 100,000 orders placed
//!    120 ms apart, run to idle, full history kept, as the command line runs them
//!    (`brigade --orders 100000 --interval-ms 120`: no step trace); the same number of
//!    messages through a minimal discrete-event loop doing the same pay-last flow
//!    (des_baseline.rs beside this file: the fair baseline); the engine again with the
//!    house keeping its processes; the engine again recording the step trace as well (what
//!    the page's engine records, without its checkpoints);
//! 3. **rebuild**: every order's process manager rebuilt from its stream in the store,
//!    the event-sourced house's core cost, on the finished run;
//! 4. **timeline**: once, the page's engine natively: the run extended to idle in chunks
//!    of 50,000 steps with its checkpoints (benches/wasm-node.mjs `timeline` in wasm),
//!    and what the checkpoints hold.
//!
//! It prints min and median of each, the engine's ratios to both baselines and the
//! process's peak resident memory. `BRIGADE_BENCH_ORDERS` changes the order count,
//! `BRIGADE_BENCH_INTERVAL` the ms between orders (0: all at once, as `--interval-ms 0`).

mod des_baseline;

/// The command line's allocator (src/main.rs), so that the figures are the shipped ones.
/// Native only: `wasm-pack test` builds every target for wasm32, where the library's own
/// heap (src/wasm_alloc.rs) is the one global allocator.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: brigade::allocator::Allocator = brigade::allocator::Allocator;

use brigade::message::MessageType;
use brigade::process::house::rebuild;
use brigade::scenario::{Config, HouseMode};
use brigade::sim::{Timeline, World};
use std::collections::VecDeque;
use std::hint::black_box;
use std::time::{Duration, Instant};

#[derive(Clone, Copy)]
enum Bare {
    Placed(u64),
    Cook(u64),
    Cooked(u64),
    Done(u64),
}

/// `n` messages through one queue: each handled message may enqueue the next of its
/// order, like a chain of actors.
fn baseline(n: usize) -> u64 {
    let mut queue: VecDeque<Bare> = VecDeque::with_capacity(1024);
    let mut log: Vec<Bare> = Vec::with_capacity(n);
    let mut checksum = 0u64;
    let mut next = 0u64;
    while log.len() < n {
        if queue.is_empty() {
            next += 1;
            queue.push_back(Bare::Placed(next));
        }
        let m = queue.pop_front().expect("not empty");
        log.push(m);
        match m {
            Bare::Placed(o) => queue.push_back(Bare::Cook(o)),
            Bare::Cook(o) => queue.push_back(Bare::Cooked(o)),
            Bare::Cooked(o) => queue.push_back(Bare::Done(o)),
            Bare::Done(o) => checksum = checksum.wrapping_add(o),
        }
    }
    black_box(&log);
    checksum
}

/// The run as the command line makes it: the full history, without the step trace.
fn engine(orders: u32, interval_ms: u64) -> World {
    engine_with(orders, interval_ms, HouseMode::Rebuild, false)
}

/// The run; `traced`: with the step trace too, as the page's engine records it.
fn engine_with(orders: u32, interval_ms: u64, house: HouseMode, traced: bool) -> World {
    let cfg = Config { orders, interval_ms, house, ..Config::default() };
    let mut world = World::new(cfg).expect("valid config");
    if !traced {
        world = world.untraced();
    }
    world.run_to_idle();
    world
}

fn rebuild_all(world: &World) -> usize {
    let store = world.store();
    let mut decided = 0;
    for corr in store.orders() {
        let stream = store.stream(corr);
        let end = stream.last().map_or(0, |s| s + 1);
        let pm = rebuild(store, corr, end, brigade::process::Definition::PayLast, 2, world.params());
        decided += pm.state.done.len();
    }
    decided
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    min_median(times)
}

fn min_median(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[0], times[times.len() / 2])
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    // `--bench`: the full run; without it (a quick check that it works): small.
    let quick = !std::env::args().any(|a| a == "--bench");
    let orders: u32 = std::env::var("BRIGADE_BENCH_ORDERS").ok().and_then(|v| v.parse().ok()).unwrap_or(if quick {
        2_000
    } else {
        100_000
    });
    let interval: u64 = std::env::var("BRIGADE_BENCH_INTERVAL").ok().and_then(|v| v.parse().ok()).unwrap_or(120);
    let runs = if quick { 1 } else { 5 };

    let probe = engine(orders, interval);
    let messages = probe.store().len();
    let completed = probe.stats().completed;
    let steps = probe.steps();
    let rss_engine = peak_rss_mib();
    assert_eq!(completed + probe.stats().dropped_total(), orders, "every order ends");
    assert!(probe.store().messages().filter(|m| m.message_type() == MessageType::OrderCompleted).count() > 0);
    drop(probe);

    let (base_min, base_med) = time(runs, || baseline(messages));
    let des = des_baseline::run(orders, interval, messages);
    assert_eq!(des.messages, messages, "the DES moves as many messages as the engine");
    drop(des);
    // interleaved, so that all three see the same machine and the same state of the allocator
    let mut rebuilding = Vec::new();
    let mut des_times = Vec::new();
    let mut cached = Vec::new();
    let mut traced = Vec::new();
    let mut freeing = Vec::new();
    for _ in 0..runs {
        // the engine's time includes handing the run's memory back, measured apart too
        let started = Instant::now();
        let world = black_box(engine(orders, interval));
        let freed = Instant::now();
        drop(world);
        freeing.push(freed.elapsed());
        rebuilding.push(started.elapsed());
        des_times.push(time(1, || des_baseline::checksum(&des_baseline::run(orders, interval, messages))).0);
        cached.push(time(1, || engine_with(orders, interval, HouseMode::Cached, false).steps()).0);
        traced.push(time(1, || engine_with(orders, interval, HouseMode::Rebuild, true).steps()).0);
    }
    let (eng_min, eng_med) = min_median(rebuilding);
    let (free_min, free_med) = min_median(freeing);
    let (des_min, des_med) = min_median(des_times);
    let (cached_min, cached_med) = min_median(cached);
    let (traced_min, traced_med) = min_median(traced);
    let world = engine(orders, interval);
    let (reb_min, reb_med) = time(runs, || rebuild_all(&world));
    let des = des_baseline::run(orders, interval, messages);
    drop(world);
    let started = Instant::now();
    let mut timeline =
        Timeline::new(World::new(Config { orders, interval_ms: interval, ..Config::default() }).unwrap());
    while !timeline.extend(50_000) {}
    let timeline_time = started.elapsed();

    println!(
        "brigade throughput ({orders} orders, {interval} ms apart; {messages} messages, {steps} steps, {completed} completed)"
    );
    println!(
        "  baseline  bare queue + match, {messages} msgs   min {:>8.1} ms   median {:>8.1} ms",
        ms(base_min),
        ms(base_med)
    );
    println!(
        "  DES       heap, queues, map, ids, history    min {:>8.1} ms   median {:>8.1} ms   ({} orders, {} completed, {} dropped)",
        ms(des_min),
        ms(des_med),
        des.orders,
        des.completed,
        des.dropped
    );
    println!(
        "  engine    run to idle, full history          min {:>8.1} ms   median {:>8.1} ms",
        ms(eng_min),
        ms(eng_med)
    );
    println!(
        "    of which  freeing the run's memory         min {:>8.1} ms   median {:>8.1} ms",
        ms(free_min),
        ms(free_med)
    );
    println!(
        "  cached    same, house keeps its processes     min {:>8.1} ms   median {:>8.1} ms",
        ms(cached_min),
        ms(cached_med)
    );
    println!(
        "  traced    same, with the step trace (page)   min {:>8.1} ms   median {:>8.1} ms",
        ms(traced_min),
        ms(traced_med)
    );
    println!(
        "  rebuild   every order's process from store   min {:>8.1} ms   median {:>8.1} ms",
        ms(reb_min),
        ms(reb_med)
    );
    println!(
        "  timeline  extend to idle, checkpoints        once {:>8.1} ms   ({} checkpoints holding {:.0} MiB)",
        ms(timeline_time),
        timeline.checkpoints(),
        timeline.checkpoint_bytes() as f64 / (1 << 20) as f64
    );
    println!("  ratio     engine / bare queue (min)          {:>8.1}×", eng_min.as_secs_f64() / base_min.as_secs_f64());
    println!("  ratio     engine / DES (min)                 {:>8.1}×", eng_min.as_secs_f64() / des_min.as_secs_f64());
    println!(
        "  ratio     rebuilding / cached house (min)    {:>8.2}×",
        eng_min.as_secs_f64() / cached_min.as_secs_f64()
    );
    println!(
        "  per msg   engine {:.0} ns, DES {:.0} ns, bare queue {:.1} ns",
        eng_min.as_secs_f64() * 1e9 / messages as f64,
        des_min.as_secs_f64() * 1e9 / messages as f64,
        base_min.as_secs_f64() * 1e9 / messages as f64
    );
    if let Some(mib) = rss_engine {
        println!("  peak RSS  after the first engine run           {mib:>8.1} MiB");
    }
}
