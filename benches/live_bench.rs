//! The live kitchen's throughput against a bare JetStream loop, run by hand:
//!
//! ```sh
//! cargo run --release --features live --example live_bench            # 500 orders
//! cargo run --release --features live --example live_bench -- 2000    # more
//! ```
//!
//! Starts its own `nats-server` (JetStream, a free loopback port, a temporary store; stopped
//! at the end), then:
//!
//! 1. **the kitchen**: every actor in this process, all orders placed at once, at speed
//!    100 with cooks of 1 ms, and times to live and timeouts long enough that nothing
//!    expires or is retried: what limits it is the runtime's own work per message.
//!    Messages per second = the stream's messages over the time from the first to the last
//!    message; placed → completed latency p50/p99 in real ms.
//! 2. **the baseline**: the same messages (subjects, headers, JSON bodies) published to a
//!    stream of their own, each awaited as the kitchen awaits its publications, then taken
//!    and acknowledged one by one by a durable pull consumer, in batches of 100; messages
//!    per second from the first publication to the last acknowledgement.
//!
//! The kitchen hands each message to several consumers (the house, the cashier and the
//! printer read the whole stream; each worker its type), decodes it, rebuilds what the
//! handler reads, and publishes its answers; the baseline publishes and consumes once.
#![cfg(not(target_arch = "wasm32"))]

use async_nats::jetstream::{consumer, stream};
use brigade::live::broker::{read_raw, Broker};
use brigade::live::{kitchen, options};
use futures_util::StreamExt;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    // the release profile aborts on a panic, which would leave the server running: every
    // failure after it starts is an error value, and the server is stopped before exiting
    if let Err(e) = run() {
        eprintln!("live_bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let orders: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(500);
    let port =
        TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).map_err(|e| e.to_string())?;
    let store = std::env::temp_dir().join(format!("brigade-live-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&store);
    let url = format!("nats://127.0.0.1:{port}");
    let record = store.join("run.json");
    // times to live and timeouts long enough that nothing expires or is retried; cooks of
    // 1 ms: what limits the kitchen is the runtime's work per message
    let long = 3_600_000u64;
    let args = format!(
        "--nats {url} --speed 100 --orders {orders} --interval-ms 0 --time-to-live-ms {long} \
         --cook-timeout-ms {long} --price-timeout-ms {long} --pay-timeout-ms {long} \
         --cooks Koen:1,Guido:1,Greg:1 --record {}",
        record.display()
    );
    let args: Vec<String> = args.split_whitespace().map(String::from).collect();
    let live = options::parse(&args)?.ok_or("help asked")?;
    let server = Command::new("nats-server")
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd", &store.display().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Server)
        .map_err(|e| format!("nats-server: {e} (bash scripts/setup.sh live installs it)"))?;
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > Duration::from_secs(10) {
            return Err("nats-server did not start".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, kitchen::run(live));

    let text = std::fs::read_to_string(&record).map_err(|e| format!("the record: {e}"))?;
    let file: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let history = file["history"].as_array().ok_or("no history")?;
    let at = |e: &serde_json::Value| e["at_ms"].as_u64().unwrap_or(0);
    // simulated ms at speed 100: real ms are a hundredth
    let span_ms =
        (history.iter().map(at).max().unwrap_or(0) - history.iter().map(at).min().unwrap_or(0)) as f64 / 100.0;
    let kitchen_rate = history.len() as f64 / (span_ms / 1000.0);
    let latency = &file["report"]["latency_ms"];
    let real = |key: &str| latency[key].as_f64().unwrap_or(f64::NAN) / 100.0;
    println!(
        "live kitchen: {orders} orders, {} completed, {} messages in {:.0} ms: {:.0} messages/s; placed → completed p50 {:.1} ms, p99 {:.1} ms",
        file["report"]["completed"],
        history.len(),
        span_ms,
        kitchen_rate,
        real("p50"),
        real("p99")
    );

    let baseline = local.block_on(&runtime, bare_loop(url))?;
    println!(
        "bare JetStream loop: the same {} messages published and consumed in {:.0} ms: {:.0} messages/s",
        baseline.0,
        baseline.1 * 1000.0,
        baseline.0 as f64 / baseline.1
    );
    println!("ratio (kitchen / bare loop): {:.2}", kitchen_rate / (baseline.0 as f64 / baseline.1));
    drop(server);
    let _ = std::fs::remove_dir_all(&store);
    Ok(())
}

/// Publishes the kitchen's messages again to a stream of their own while one consumer
/// takes them; returns how many and the seconds from the first publication to the last
/// acknowledgement.
async fn bare_loop(url: String) -> Result<(usize, f64), String> {
    let broker = Broker::connect(&url, "bench").await?;
    let kitchen = broker.stream(false).await?;
    let messages = read_raw(&kitchen, "kitchen.>").await?;
    let js = broker.js.clone();
    let bench = js
        .get_or_create_stream(stream::Config {
            name: "BENCH".into(),
            subjects: vec!["bench.>".into()],
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let consumer = bench
        .get_or_create_consumer(
            "bench",
            consumer::pull::Config {
                durable_name: Some("bench".into()),
                ack_policy: consumer::AckPolicy::Explicit,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    let n = messages.len();
    let start = Instant::now();
    for (_, m) in messages {
        let subject = m.subject.as_str().replacen("kitchen.", "bench.", 1);
        let ack = js
            .publish_with_headers(subject, m.headers.clone().unwrap_or_default(), m.payload.clone())
            .await
            .map_err(|e| e.to_string())?;
        ack.await.map_err(|e| e.to_string())?;
    }
    let published = start.elapsed().as_secs_f64();
    let mut taken = 0;
    while taken < n {
        let mut batch = consumer
            .batch()
            .max_messages(100)
            .expires(Duration::from_secs(1))
            .messages()
            .await
            .map_err(|e| e.to_string())?;
        while let Some(m) = batch.next().await {
            let m = m.map_err(|e| e.to_string())?;
            m.ack().await.map_err(|e| e.to_string())?;
            taken += 1;
        }
        if start.elapsed() > Duration::from_secs(120) {
            return Err(format!("the bare loop took only {taken} of {n} in 120 s"));
        }
    }
    eprintln!(
        "live_bench: bare loop: published in {:.0} ms, consumed in {:.0} ms",
        published * 1000.0,
        (start.elapsed().as_secs_f64() - published) * 1000.0
    );
    Ok((n, start.elapsed().as_secs_f64()))
}
