//! The `brigade` command as a user runs it.

use std::process::{Command, Output};

fn brigade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brigade")).args(args).output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn the_report_names_cooks_outcomes_peaks_and_latency() {
    let o = brigade(&["--orders", "10"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("brigade: 10 orders, 10 completed, 0 dropped"), "{text}");
    for needle in ["Koen", "Guido", "Greg", "peak queue length", "latency placed → completed", "median"] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn json_is_the_run_file_and_deterministic() {
    let a = brigade(&["--format", "json", "--orders", "5", "--drop", "0.2", "--seed", "9"]);
    let b = brigade(&["--format=json", "--orders=5", "--drop=0.2", "--seed=9"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(v["format"], "brigade-run");
    assert_eq!(v["version"], 1);
    assert_eq!(v["config"]["seed"], 9);
    assert_eq!(v["config"]["orders"], 5);
    let r = &v["report"];
    assert_eq!(r["completed"].as_u64().unwrap() + r["dropped"].as_u64().unwrap(), 5);
    let history = v["history"].as_array().unwrap();
    for (i, m) in history.iter().enumerate() {
        assert_eq!(m["seq"], i);
        assert!(m["kind"] == "command" || m["kind"] == "event");
        assert!(m["id"].as_str().unwrap().len() == 36);
    }
}

#[test]
fn every_kind_of_bad_value_exits_2_with_one_line_naming_the_option() {
    let cases: &[(&[&str], &str)] = &[
        (&["--drop", "1.5"], "--drop"),
        (&["--duplicate", "-0.1"], "--duplicate"),
        (&["--dodgy", "lots"], "--dodgy"),
        (&["--orders", "ten"], "--orders"),
        (&["--orders", "-3"], "--orders"),
        (&["--interval-ms", "1.5"], "--interval-ms"),
        (&["--seed", "18446744073709551616"], "--seed"),
        (&["--cooks", ""], "--cooks"),
        (&["--cooks", "Koen"], "--cooks"),
        (&["--cooks", "Koen:0"], "--cooks"),
        (&["--cooks", "A:1,A:2"], "--cooks"),
        (&["--dispatch", "fastest"], "--dispatch"),
        (&["--format", "xml"], "--format"),
        (&["--process-version", "3"], "--process-version"),
        (&["--queue-limit", "0"], "--queue-limit"),
        (&["--preset", "nope"], "--preset"),
        (&["--colour", "red"], "--colour"),
        (&["--orders"], "--orders"),
        (&["stray"], "stray"),
    ];
    for (args, option) in cases {
        let o = brigade(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with(&format!("brigade: {option}")), "{args:?}: {err}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn help_and_presets() {
    let o = brigade(&["--help"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("--interval-ms"));
    let o = brigade(&["--preset", "slow-cook"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("expired"));
}
