//! The live kitchen against a real NATS server (Debian's `nats-server`, with JetStream, on
//! a free loopback port, its store in a temporary folder): real processes, real crashes, a
//! restarted broker, and the workshop's rules checked on what was recorded
//! (`brigade --check-rules`). Built with the feature `live` only (scripts/test.sh turns it
//! on); without `nats-server` on the PATH the test fails, saying how to install it.
//!
//! Every process a test starts is stopped when the test ends, passed or failed.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::collections::HashSet;
use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The two runs share the machine's two cores: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const BRIGADE: &str = env!("CARGO_BIN_EXE_brigade");

/// `nats-server` on the PATH, or a failure that says how to get it.
fn nats_server() -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain(["/usr/sbin".into(), "/usr/bin".into()])
        .map(|dir| dir.join("nats-server"))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!("nats-server is not installed: `bash scripts/setup.sh` installs it (apt-get install -y nats-server)")
    })
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A folder of its own under the system's temporary folder, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("brigade-live-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            eprintln!("the run's logs are kept in {}", self.0.display());
        }
    }
}

/// The processes a test started, by name; all of them are killed (by their process id)
/// when it ends.
#[derive(Default)]
struct Processes(Vec<(String, Child)>);

impl Processes {
    fn start(&mut self, name: &str, program: &Path, args: &[String], log: &Path) {
        let out = File::options().create(true).append(true).open(log).expect("a log file");
        let err = out.try_clone().expect("a log file");
        let child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        self.0.push((name.to_string(), child));
    }

    fn child(&mut self, name: &str) -> &mut Child {
        &mut self.0.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no process {name}")).1
    }

    /// `kill -9`: the process dies in the middle of whatever it does.
    fn kill_hard(&mut self, name: &str) {
        let at = self.0.iter().position(|(n, _)| n == name).unwrap_or_else(|| panic!("no process {name}"));
        let (_, mut child) = self.0.remove(at);
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
    }

    /// SIGTERM, then waits for the process to end (a clean stop).
    fn stop(&mut self, name: &str) -> std::process::ExitStatus {
        let at = self.0.iter().position(|(n, _)| n == name).unwrap_or_else(|| panic!("no process {name}"));
        let (_, mut child) = self.0.remove(at);
        let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
        wait_for(&mut child, Duration::from_secs(20)).unwrap_or_else(|| {
            let _ = child.kill();
            panic!("{name} did not stop on SIGTERM")
        })
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Waits up to `limit` for `child` to end.
fn wait_for(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// Waits until `what` holds, up to `limit`.
fn wait_until(what: &str, limit: Duration, mut holds: impl FnMut() -> bool) {
    let start = Instant::now();
    while !holds() {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Lines in a file (0 when it is not there yet).
fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map(|t| t.lines().count()).unwrap_or(0)
}

/// Starts the broker (again) on `port`, with JetStream storing in `store`.
fn start_broker(ps: &mut Processes, port: u16, store: &Path, log: &Path) {
    let args =
        ["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd", &store.display().to_string()].map(String::from);
    ps.start("broker", &nats_server(), &args, log);
    wait_until("the broker to listen", Duration::from_secs(15), || TcpStream::connect(("127.0.0.1", port)).is_ok());
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}

/// `brigade --check-rules FILE`: exit status and output.
fn check_rules(file: &Path) -> (i32, String) {
    let out = Command::new(BRIGADE).arg("--check-rules").arg(file).output().expect("brigade runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn two_hundred_orders_survive_a_killed_cook_a_killed_alarm_clock_and_a_restarted_broker() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Scratch::new("rules");
    let port = free_port();
    let mut ps = Processes::default();
    start_broker(&mut ps, port, &dir.path("store"), &dir.path("broker.log"));
    // Koen cooks slowly (190 ms a dish at this speed), so that he is killed in the middle
    // of a dish: what he held comes back to the other cooks
    let config = format!(
        "--nats nats://127.0.0.1:{port} --speed 8 --seed 7 --orders 200 --interval-ms 100 --dodgy 0.3 \
         --cooks Koen:1500,Guido:200,Greg:600"
    );
    let record = dir.path("run.json");
    let kitchen = format!(
        "live {config} --except cook,alarm-clock --record {} --journal {} --deadline-s 240",
        record.display(),
        dir.path("kitchen.journal").display()
    );
    ps.start("kitchen", Path::new(BRIGADE), &words(&kitchen), &dir.path("kitchen.log"));
    let role = |role: &str, name: &str| {
        words(&format!(
            "live {config} --role {role} --name {name} --journal {}",
            dir.path(&format!("{name}.journal")).display()
        ))
    };
    let alarm_args =
        |journal: &Path| words(&format!("live {config} --role alarm-clock --journal {}", journal.display()));
    for cook in ["Koen", "Guido", "Greg"] {
        ps.start(cook, Path::new(BRIGADE), &role("cook", cook), &dir.path(&format!("{cook}.log")));
    }
    let alarm_journal = dir.path("alarm.journal");
    ps.start("alarm", Path::new(BRIGADE), &alarm_args(&alarm_journal), &dir.path("alarm.log"));

    // Koen in the middle of cooking (busy: more orders come than the cooks can cook): a
    // dish done, his next one taken at once, and killed 80 ms into it
    let koen_journal = dir.path("Koen.journal");
    wait_until("Koen to cook", Duration::from_secs(60), || lines(&koen_journal) >= 3);
    std::thread::sleep(Duration::from_millis(80));
    ps.kill_hard("Koen");
    // the alarm clock with alarms set and not rung yet
    wait_until("the alarm clock to ring", Duration::from_secs(60), || lines(&alarm_journal) >= 5);
    ps.kill_hard("alarm");
    std::thread::sleep(Duration::from_millis(300));
    ps.start("Koen", Path::new(BRIGADE), &role("cook", "Koen"), &dir.path("Koen.log"));
    ps.start("alarm", Path::new(BRIGADE), &alarm_args(&alarm_journal), &dir.path("alarm.log"));
    std::thread::sleep(Duration::from_millis(700));
    // the broker goes down and comes back, its store kept
    ps.stop("broker");
    std::thread::sleep(Duration::from_millis(500));
    start_broker(&mut ps, port, &dir.path("store"), &dir.path("broker.log"));

    let status = wait_for(ps.child("kitchen"), Duration::from_secs(300)).expect("the kitchen ends");
    let kitchen_log = std::fs::read_to_string(dir.path("kitchen.log")).unwrap_or_default();
    assert!(status.success(), "the kitchen: {status}\n{kitchen_log}");
    for name in ["Koen", "Guido", "Greg", "alarm"] {
        assert!(ps.stop(name).success(), "{name} stops cleanly on SIGTERM");
    }
    ps.stop("broker");

    // every order ended exactly once, the money holds: the workshop's rules on the record
    let (code, out) = check_rules(&record);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("rules hold: 200 orders"), "{out}");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(file["observed"], true);
    assert_eq!((file["report"]["orders"].as_u64(), file["report"]["in_progress"].as_u64()), (Some(200), Some(0)));
    let history = file["history"].as_array().unwrap();
    assert!(history.iter().all(|e| e["publisher"].is_string() && e["actor"].is_string()));
    // every message a worker published is in the record
    let recorded: HashSet<&str> = history.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(recorded.len(), history.len(), "no message recorded twice");
    for journal in ["kitchen", "Koen", "Guido", "Greg", "alarm"] {
        let text = std::fs::read_to_string(dir.path(&format!("{journal}.journal"))).unwrap_or_default();
        for line in text.lines() {
            let id = line.split_whitespace().next().unwrap_or_default();
            assert!(recorded.contains(id), "{journal} published {line}, which is not in the record");
        }
    }
    // the killed cook's order came back to the kitchen: JetStream handed it out again
    let cooks: String = ["Koen", "Guido", "Greg"]
        .iter()
        .map(|c| std::fs::read_to_string(dir.path(&format!("{c}.log"))).unwrap_or_default())
        .collect();
    assert!(cooks.contains("CookFood") && cooks.contains("handed out again"), "{cooks}");
    // the restarted alarm clock read back the alarms it had not rung
    let alarm_log = std::fs::read_to_string(dir.path("alarm.log")).unwrap_or_default();
    assert!(alarm_log.contains("read back"), "{alarm_log}");
}

#[test]
fn an_alarm_clock_that_keeps_its_alarms_in_memory_loses_them_when_killed_and_an_order_is_stuck() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Scratch::new("volatile");
    let port = free_port();
    let mut ps = Processes::default();
    start_broker(&mut ps, port, &dir.path("store"), &dir.path("broker.log"));
    // a third of the deliveries to the workers are lost: only the alarms bring them back
    let config = format!("--nats nats://127.0.0.1:{port} --speed 8 --seed 3 --orders 80 --interval-ms 100 --drop 0.3");
    let record = dir.path("run.json");
    let kitchen = format!("live {config} --except alarm-clock --record {} --deadline-s 25", record.display());
    ps.start("kitchen", Path::new(BRIGADE), &words(&kitchen), &dir.path("kitchen.log"));
    let journal = dir.path("alarm.journal");
    let alarm = words(&format!("live {config} --role alarm-clock --volatile-timers --journal {}", journal.display()));
    ps.start("alarm", Path::new(BRIGADE), &alarm, &dir.path("alarm.log"));
    wait_until("the alarm clock to ring", Duration::from_secs(60), || lines(&journal) >= 10);
    ps.kill_hard("alarm");
    std::thread::sleep(Duration::from_millis(300));
    ps.start("alarm", Path::new(BRIGADE), &alarm, &dir.path("alarm.log"));

    let status = wait_for(ps.child("kitchen"), Duration::from_secs(120)).expect("the kitchen ends at its deadline");
    let kitchen_log = std::fs::read_to_string(dir.path("kitchen.log")).unwrap_or_default();
    assert_eq!(status.code(), Some(1), "not every order ended: {kitchen_log}");
    assert!(kitchen_log.contains("not every order ended"), "{kitchen_log}");
    ps.stop("alarm");
    ps.stop("broker");

    // what the explorer predicts for a lost alarm: the order waits for ever
    let (code, out) = check_rules(&record);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("rule broken: one-terminal-event"), "{out}");
    assert!(out.contains("is stuck"), "{out}");
}

#[test]
fn without_a_broker_brigade_live_says_so_and_exits_2() {
    let port = free_port();
    let out = Command::new(BRIGADE)
        .args(["live", "--nats", &format!("nats://127.0.0.1:{port}"), "--orders", "1"])
        .output()
        .expect("brigade runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("cannot reach a NATS server at nats://127.0.0.1:{port}")), "{err}");
    assert!(err.contains("scripts/live.sh"), "it says how to start one: {err}");
    let out = Command::new(BRIGADE).args(["live", "--speed", "fast"]).output().expect("brigade runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("brigade live: --speed"));
}
