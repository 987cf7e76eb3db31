use super::*;
use crate::message::HistoryEntry;
use crate::run_index::Mark;
use serde_json::json;

/// A simulated run written as the recorder writes a live one: each entry naming its
/// publisher's role and name (what a live kitchen of the same config would have stored).
fn observed_file(cfg: &Config) -> String {
    let mut world = World::new(cfg.clone()).unwrap();
    world.run_to_idle();
    let actors = world.actors().to_vec();
    let history: Vec<Value> = world
        .store()
        .messages()
        .enumerate()
        .map(|(i, env)| {
            let who = world.store().publisher(i).and_then(|p| actors.get(p as usize)).unwrap();
            let mut v = serde_json::to_value(HistoryEntry::new(i as u32, &env)).unwrap();
            v["publisher"] = json!(who.kind.role().name());
            v["actor"] = json!(who.name);
            v
        })
        .collect();
    let pairs: Vec<(Envelope, &str)> = world
        .store()
        .messages()
        .enumerate()
        .map(|(i, env)| (env, actors[world.store().publisher(i).unwrap() as usize].kind.role().name()))
        .collect();
    let mut rep = report::of(pairs.iter().map(|(e, r)| (e, *r)));
    rep["wall_ms"] = json!(1234);
    let file = json!({ "format": "brigade-run", "version": 1, "observed": true, "config": cfg,
        "inputs": [], "history": history, "report": rep });
    serde_json::to_string_pretty(&file).unwrap()
}

fn chaos() -> Config {
    Config { orders: 12, drop: 0.2, duplicate: 0.2, dodgy: 0.3, seed: 7, ..Config::default() }
}

#[test]
fn an_observed_file_opens_with_its_orders_messages_steps_and_report() {
    let text = observed_file(&chaos());
    let mut run = ObservedRun::import(&text).unwrap();
    let n = run.len();
    assert!(n > 100, "{n} messages");
    assert_eq!((run.current(), run.is_following()), (n, false));
    assert_eq!(run.order_count(), 12);
    let report = run.report_upto(run.current());
    assert_eq!(report["orders"], 12);
    assert_eq!(report["wall_ms"], 1234);
    assert_eq!(report["completed"].as_u64().unwrap() + report["dropped"].as_u64().unwrap(), 12);
    let mut sim = World::new(chaos()).unwrap();
    sim.run_to_idle();
    assert_eq!(report["retries"].as_u64(), Some(sim.stats().retries as u64), "retries as the simulation counts them");
    assert_eq!(report["completed"].as_u64(), Some(sim.stats().completed as u64));
    // a step is one message entering the stream, answering the message its actor handled
    let step = run.step(13).unwrap();
    assert_eq!((step.published.clone(), step.seq, step.actor.as_str()), (vec![12], Some(0), "house"));
    assert_eq!((step.type_name, step.outputs[0].type_name), ("OrderPlaced", "ProcessStarted"));
    let first = run.step(1).unwrap();
    assert_eq!((first.type_name, first.actor_kind, first.seq), ("TakeOrder", "waiter", None));
    // time travel moves the cursor over the record only
    run.seek(10);
    assert_eq!((run.current(), run.messages(0, usize::MAX).len()), (10, 10));
    assert!(run.step(11).is_none());
    run.seek(usize::MAX);
    assert_eq!(run.current(), n);
    // the exported file opens again, the same
    let again = ObservedRun::import(&run.export()).unwrap();
    assert_eq!(again.len(), n);
    assert_eq!(again.export(), run.export());
}

#[test]
fn the_record_shows_faults_marks_deliveries_and_replays_the_process_managers() {
    let run = ObservedRun::import(&observed_file(&chaos())).unwrap();
    let faults = &run.derived().faults;
    let kinds: std::collections::BTreeSet<&str> = faults.iter().map(|f| f.fault).collect();
    assert!(kinds.contains("unanswered"), "{kinds:?}");
    assert!(kinds.contains("duplicate"), "{kinds:?}");
    assert!(faults.windows(2).all(|w| w[0].step <= w[1].step));
    let first = run.next_mark(Mark::Fault, 0).unwrap();
    assert_eq!(run.prev_mark(Mark::Fault, first + 1), Some(first));
    assert!(run.next_mark(Mark::Timeout, 0).is_some());
    assert!(run.next_mark(Mark::Completion, 0).is_some());
    assert_eq!(run.faults_in_run(0, usize::MAX).len(), faults.len());
    // an OrderPlaced is taken by the house: its ProcessStarted answers it
    let delivered = run.deliveries(0);
    assert_eq!(delivered[0].actor, "house");
    // the house's decisions replayed over each recorded stream are the ones it published
    for o in run.orders(0, usize::MAX) {
        let replay = run.replay(&o.correlation_id, None, None).unwrap();
        assert!(replay.steps.iter().all(|s| s.same_as_history), "order {}", o.order);
        assert!(run.mermaid(&o.correlation_id).unwrap().contains("participant"));
    }
    let actors = run.actor_views();
    assert!(actors.iter().all(|a| a.kind != "dispatcher"));
    assert!(actors.iter().any(|a| a.name == "Koen" && a.handled > 0));
}

#[test]
fn a_live_kitchen_followed_message_by_message_is_the_same_run() {
    let text = observed_file(&chaos());
    let whole = ObservedRun::import(&text).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let mut live = ObservedRun::following(chaos()).unwrap();
    for entry in file["history"].as_array().unwrap() {
        let mut body = entry.clone();
        body.as_object_mut().unwrap().remove("seq");
        let (role, actor) = (entry["publisher"].as_str().unwrap(), entry["actor"].as_str().unwrap());
        assert!(live.append(&body, role, actor).unwrap());
        // the stream may hand a message out again: kept once
        assert!(!live.append(&body, role, actor).unwrap());
    }
    assert_eq!(live.current(), 0, "the cursor stays where the learner left it");
    assert!(live.is_following());
    live.seek(usize::MAX);
    live.stop_following();
    assert_eq!(live.derived().faults, whole.derived().faults);
    assert_eq!(live.messages(0, usize::MAX), whole.messages(0, usize::MAX));
}

#[test]
fn bad_or_tampered_files_are_refused_with_what_is_wrong() {
    let text = observed_file(&Config { orders: 3, ..Config::default() });
    let file: Value = serde_json::from_str(&text).unwrap();
    let refuse = |f: &Value| ObservedRun::import(&f.to_string()).unwrap_err();
    let mut not = file.clone();
    not.as_object_mut().unwrap().remove("observed");
    assert!(refuse(&not).contains("not an observed run"));
    let mut moved = file.clone();
    moved["history"][3]["seq"] = json!(9);
    assert!(refuse(&moved).contains("message 3: `seq` is 9"), "{}", refuse(&moved));
    let mut orphan = file.clone();
    orphan["history"][4]["causation_id"] = json!(Uuid::from_u128(5).to_string());
    assert!(refuse(&orphan).contains("message 4: its causation id"), "{}", refuse(&orphan));
    let mut nobody = file.clone();
    nobody["history"][2]["publisher"] = json!("chef");
    assert!(refuse(&nobody).contains("`publisher` \"chef\" is not a role"), "{}", refuse(&nobody));
    let mut lied = file.clone();
    lied["report"]["completed"] = json!(2);
    assert!(refuse(&lied).contains("report: `completed` says 2"), "{}", refuse(&lied));
    let mut broken = file.clone();
    broken["history"][1]["type"] = json!("Nonsense");
    assert!(refuse(&broken).starts_with("observed run: message 1"), "{}", refuse(&broken));
    let mut steered = file.clone();
    steered["inputs"] = json!([{ "step": 1, "action": { "type": "PlaceOrder", "dodgy": false } }]);
    assert!(refuse(&steered).contains("`inputs` must be empty"));
    assert!(ObservedRun::import("{").unwrap_err().starts_with("observed run:"));
}

#[test]
fn the_floor_link_counts_of_a_record_are_the_simulations() {
    let run = ObservedRun::import(&observed_file(&chaos())).unwrap();
    let mut sim = World::new(chaos()).unwrap();
    sim.run_to_idle();
    let key = |c: &crate::view::PublishedCount| (c.publisher.clone(), c.type_name, c.count);
    let mut recorded: Vec<_> = run.published_counts(0, usize::MAX).iter().map(key).collect();
    let mut simulated: Vec<_> = crate::view::published_counts(&sim, 0, usize::MAX).iter().map(key).collect();
    recorded.sort();
    simulated.sort();
    assert!(recorded.len() > 5, "{recorded:?}");
    assert_eq!(recorded, simulated);
    assert_eq!(run.published_counts(0, 20).iter().map(|c| c.count).sum::<u32>(), 20);
}
