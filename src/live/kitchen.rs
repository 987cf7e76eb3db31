//! A live kitchen in one process: the actors this process runs, each as a task on one
//! thread (the actors' messages share their documents by reference counting, as in the
//! simulation), the waiter placing the config's orders, and the recorder; Ctrl-C or a
//! SIGTERM stops them all, cleanly.

use super::broker::Broker;
use super::clock::{wall_ms, Clock};
use super::floor::Floor;
use super::journal::Journal;
use super::options::Live;
use super::recorder::{self, Progress};
use super::station::{short, Station};
use super::timers::Timers;
use crate::actors::{self, Context, Request};
use crate::definition::ProcessParams;
use crate::message::Envelope;
use crate::outbox::{Outbox, Seal};
use crate::rng::Rng;
use crate::role::Role;
use crate::sim::actor::ActorInfo;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;
use tokio::sync::watch;

/// Runs what `live` asks for until it is done or stopped.
pub async fn run(live: Live) -> ExitCode {
    let floor = match Floor::of(&live.config) {
        Ok(f) => Rc::new(f),
        Err(e) => return fail(&e, 2),
    };
    let mine: Vec<ActorInfo> = match chosen(&live, &floor) {
        Ok(a) => a,
        Err(e) => return fail(&e, 2),
    };
    let journal = match Journal::open(live.journal.as_deref()) {
        Ok(j) => Rc::new(j),
        Err(e) => return fail(&e, 2),
    };
    let who = mine.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ");
    let broker = match Broker::connect(&live.nats, &who).await {
        Ok(b) => b,
        Err(e) => return fail(&e, 2),
    };
    let kitchen = mine.iter().any(|a| a.kind.role() == Role::Waiter);
    if let Err(e) = broker.stream(kitchen && !live.keep).await {
        return fail(&e, 2);
    }
    eprintln!(
        "brigade live: {who} on {} (speed ×{}, {} orders, seed {})",
        live.nats, live.speed, live.config.orders, live.config.seed
    );
    if kitchen && live.config.dispatch != crate::dispatch::Dispatch::Competing {
        eprintln!("brigade live: dispatch is `competing` live: the cooks compete for JetStream's work queue");
    }
    let (stop_tx, stop) = watch::channel(false);
    let clock = Clock { speed: live.speed };
    let cfg = Rc::new(live.config.clone());
    let mut tasks = Vec::new();
    for info in mine.iter().filter(|a| a.kind.role() != Role::Waiter) {
        let timers = if info.kind.role() == Role::AlarmClock {
            match Timers::open(&broker, !live.volatile_timers).await {
                Ok(t) => {
                    let ringer = t.clone().ring(broker.clone(), info.name.clone(), journal.clone(), stop.clone());
                    tasks.push(tokio::task::spawn_local(ringer));
                    Some(t)
                }
                Err(e) => return fail(&e, 2),
            }
        } else {
            None
        };
        let station = Station::new(
            info.clone(),
            cfg.clone(),
            floor.clone(),
            broker.clone(),
            clock,
            journal.clone(),
            timers,
            live.verbose,
        );
        if let Some(station) = station {
            tasks.push(tokio::task::spawn_local(station.run(stop.clone())));
        }
    }
    let (progress_tx, mut progress) = watch::channel(Progress::default());
    let started = wall_ms();
    if kitchen {
        tasks.push(tokio::task::spawn_local(recorder::follow(broker.clone(), progress_tx, stop.clone())));
        let waiter = mine.iter().find(|a| a.kind.role() == Role::Waiter).cloned();
        let run = if live.keep { 0 } else { wall_ms() };
        let (broker_for_waiter, cfg_for_waiter) = (broker.clone(), cfg.clone());
        let (journal_for_waiter, stop_for_waiter) = (journal.clone(), stop.clone());
        // the roles other processes run: their consumers must be there before the first order
        let elsewhere: Vec<Role> = Floor::live_roles()
            .into_iter()
            .filter(|r| *r != Role::Waiter && !mine.iter().any(|a| a.kind.role() == *r))
            .collect();
        if let Some(info) = waiter {
            let task = async move {
                wait_for_consumers(&broker_for_waiter, &elsewhere).await;
                place_orders(
                    run,
                    info,
                    cfg_for_waiter,
                    broker_for_waiter.clone(),
                    clock,
                    wall_ms(),
                    journal_for_waiter,
                    stop_for_waiter,
                )
                .await
            };
            tasks.push(tokio::task::spawn_local(task));
        }
    }
    let orders = live.config.orders as usize;
    // after the last order ended, late messages (a retry's answer, a refund) may follow:
    // the longest a process manager waits, twice, and at most 3 s (a late answer comes
    // within the work's time)
    let quiet = (clock.real(live.config.cook_timeout_ms.max(live.config.pay_timeout_ms) * 2)
        + Duration::from_millis(500))
    .min(Duration::from_secs(3));
    let deadline = tokio::time::sleep(Duration::from_secs(live.deadline_s));
    tokio::pin!(deadline);
    let mut ended_at: Option<tokio::time::Instant> = None;
    let outcome = loop {
        let wait_quiet = async {
            match ended_at {
                Some(at) => tokio::time::sleep_until(at + quiet).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = shutdown_signal() => {
                eprintln!("brigade live: stopping");
                break Outcome::Stopped;
            }
            _ = &mut deadline, if kitchen => break Outcome::Deadline,
            _ = wait_quiet => break Outcome::Done,
            changed = progress.changed(), if kitchen => {
                if changed.is_err() {
                    continue;
                }
                let p = progress.borrow_and_update();
                let all_ended = p.placed.len() >= orders && p.placed.iter().all(|c| p.ended.contains_key(c));
                if all_ended && ended_at.is_none() {
                    eprintln!("brigade live: all {orders} orders ended; waiting for late messages");
                }
                // a late message pushes the end back
                ended_at = all_ended.then(tokio::time::Instant::now);
            }
        }
    };
    let _ = stop_tx.send(true);
    for task in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    }
    if !kitchen {
        return ExitCode::SUCCESS;
    }
    let took = wall_ms() - started;
    match broker.read("kitchen.>").await {
        Ok(history) => {
            let report = recorder::report(&history, took);
            eprintln!(
                "brigade live: {} orders, {} completed, {} dropped, {} in progress; {} messages in {:.1} s",
                report["orders"],
                report["completed"],
                report["dropped"],
                report["in_progress"],
                report["messages"],
                took as f64 / 1000.0
            );
            if let Some(path) = &live.record {
                let text = recorder::run_file(&live.config, &history, took);
                if let Err(e) = std::fs::write(path, text) {
                    return fail(&format!("--record: {path}: {e}"), 2);
                }
                eprintln!("brigade live: the observed run is in {path} (brigade --check-rules {path})");
            }
        }
        Err(e) => return fail(&format!("recording the run: {e}"), 1),
    }
    match outcome {
        Outcome::Done | Outcome::Stopped => ExitCode::SUCCESS,
        Outcome::Deadline => {
            eprintln!("brigade live: not every order ended within {} s", live.deadline_s);
            ExitCode::from(1)
        }
    }
}

/// How the kitchen's run ended.
enum Outcome {
    Done,
    Stopped,
    Deadline,
}

/// The actors this process runs.
fn chosen(live: &Live, floor: &Floor) -> Result<Vec<ActorInfo>, String> {
    let live_roles = Floor::live_roles();
    let mut mine: Vec<ActorInfo> = match live.role {
        Some(role) => floor.of_role(role).cloned().collect(),
        None => floor
            .actors
            .iter()
            .filter(|a| live_roles.contains(&a.kind.role()) && !live.except.contains(&a.kind.role()))
            .cloned()
            .collect(),
    };
    if let Some(name) = &live.name {
        mine.retain(|a| a.name.eq_ignore_ascii_case(name.trim()));
        if mine.is_empty() {
            let names: Vec<&str> =
                live.role.into_iter().flat_map(|r| floor.of_role(r)).map(|a| a.name.as_str()).collect();
            return Err(format!(
                "--name: no {} is called {name:?} (there are {})",
                live.role.map(Role::name).unwrap_or("actor"),
                names.join(", ")
            ));
        }
    }
    if mine.is_empty() {
        return Err("no actor left to run in this process".to_string());
    }
    Ok(mine)
}

/// The waiter takes the config's orders, `interval_ms` apart (simulated), and publishes
/// each `OrderPlaced`. Its ids are drawn from the run's seed and `run` (0 with `--keep`: a
/// kitchen started again then places the same orders, and the stream keeps the first copy
/// of each).
#[allow(clippy::too_many_arguments)]
async fn place_orders(
    run: u64,
    info: ActorInfo,
    cfg: Rc<crate::scenario::Config>,
    broker: Broker,
    clock: Clock,
    started: u64,
    journal: Rc<Journal>,
    stop: watch::Receiver<bool>,
) {
    let Some(mut actor) = Floor::actor(&info, &cfg) else { return };
    let floor = match Floor::of(&cfg) {
        Ok(f) => f,
        Err(_) => return,
    };
    // a new run's orders get ids of their own (the stream remembers an earlier run's ids for
    // two minutes, and would drop the same ones as repeats); with --keep, the ids of the
    // seed alone, so that a kitchen started again places the same orders, stored once
    let mut order_rng = Rng::stream(cfg.seed ^ crate::rng::mix64(run), 1);
    let store = crate::store::Store::new();
    for n in 0..cfg.orders {
        if *stop.borrow() {
            return;
        }
        let due = n as u64 * cfg.interval_ms;
        let now = clock.since(started);
        if due > now {
            tokio::time::sleep(clock.real(due - now)).await;
        }
        let now = clock.since(started);
        actor.arrive(Request { dodgy: None, correlation_id: None });
        let mut out = Outbox::new();
        struct Nobody;
        impl actors::Floor for Nobody {
            fn load(&self, _actor: u16) -> (usize, u64) {
                (0, 0)
            }
            // the waiter, who takes orders here, asks nobody's role
            fn role(&self, _actor: u16) -> Option<crate::wiring::Role> {
                None
            }
        }
        let mut ctx = Context {
            now,
            me: info.id,
            store: &store,
            wiring: &floor.wiring,
            cfg: &cfg,
            floor: &Nobody,
            version: cfg.process_version,
            params: ProcessParams::from_config(&cfg),
            order_rng: &mut order_rng,
            custom: None,
        };
        let busy = actor.handle(actors::Input::Arrival, &mut ctx, &mut out);
        let started_order = out.effects.iter().find_map(|e| match e {
            crate::outbox::Effect::Start(env) => Some((env.id, env.correlation_id)),
            _ => None,
        });
        let Some((cause, correlation_id)) = started_order else { continue };
        let seal = Seal {
            cause,
            correlation_id,
            actor_tag: info.kind.tag(),
            announce_tag: info.kind.announce_tag(),
            copy: 0,
            done_ms: now + busy,
        };
        let mut sealed: Vec<Envelope> = Vec::new();
        out.seal_each(seal, |_, e| sealed.push(e));
        for env in sealed {
            let stopped = || *stop.borrow();
            if broker.publish(&env, &info.name, Role::Waiter.name(), stopped).await {
                journal.published(&env, &info.name);
                if n % 50 == 0 || n + 1 == cfg.orders {
                    eprintln!(
                        "brigade live: waiter: order {} placed ({}/{})",
                        short(&env.correlation_id),
                        n + 1,
                        cfg.orders
                    );
                }
            }
        }
    }
}

/// Waits until the durable consumer of each of `roles` is on the stream (their processes
/// have started and taken their queues), at most 30 s: orders placed before a role is
/// there would wait, and expire, for nobody.
async fn wait_for_consumers(broker: &Broker, roles: &[Role]) {
    let started = std::time::Instant::now();
    let mut said = false;
    for role in roles {
        loop {
            let there = match broker.stream(false).await {
                Ok(stream) => stream.consumer_info(role.name()).await.is_ok(),
                Err(_) => false,
            };
            if there {
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                eprintln!("brigade live: waiter: no {} after 30 s; placing the orders all the same", role.name());
                break;
            }
            if !said {
                eprintln!("brigade live: waiter: waiting for the roles run elsewhere to take their queues");
                said = true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

/// Says `message` on stderr and returns exit status `code`.
fn fail(message: &str, code: u8) -> ExitCode {
    eprintln!("brigade live: {message}");
    ExitCode::from(code)
}
