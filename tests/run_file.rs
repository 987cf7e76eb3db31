//! Export and import of run files.

mod common;

use brigade::run_file::{export, import, ImportError};
use brigade::scenario::Config;
use brigade::sim::{Timeline, World};
use common::run;

fn sample() -> String {
    export(&run(Config { orders: 6, drop: 0.2, duplicate: 0.2, dodgy: 0.5, ..Config::default() }), None)
}

#[test]
fn an_exported_run_imports_to_the_same_run() {
    let text = sample();
    let (world, view) = import(&text).unwrap();
    assert_eq!(export(&world, None), text);
    assert_eq!(view, None);
    // the compact form is the same document
    let compact = brigade::run_file::export_compact(&world, None);
    assert!(compact.len() < text.len() * 3 / 4);
    let a: serde_json::Value = serde_json::from_str(&compact).unwrap();
    let b: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(a, b);
    assert_eq!(export(&import(&compact).unwrap().0, None), text);
}

#[test]
fn a_run_with_inputs_round_trips_through_the_timeline() {
    let mut t = Timeline::new(World::new(Config { orders: 3, ..Config::default() }).unwrap());
    t.extend(usize::MAX);
    t.seek(7);
    t.place_order(true);
    // until the house has started the dodgy order's process, on version 2
    while t.world().stats().per_process[1][1] == 0 {
        t.step().expect("the dodgy order starts");
    }
    let version_step = t.current();
    t.set_process_version(1).unwrap();
    t.place_order(false);
    t.run_to_idle();
    let text = export(t.world(), None);
    let (world, _) = import(&text).unwrap();
    assert_eq!(export(&world, None), text);
    assert_eq!(world.stats().placed, 5);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["inputs"][0]["step"], 7);
    assert_eq!(v["inputs"][0]["action"]["type"], "PlaceOrder");
    assert_eq!(v["inputs"][1]["action"]["version"], 1);
    assert_eq!(v["inputs"][1]["step"], version_step);
    assert_eq!(v["report"]["per_process"]["pay-first v2"], 1);
    assert_eq!(v["report"]["per_process"]["pay-last v1"], 1);
}

#[test]
fn garbage_and_wrong_files_are_refused_with_a_readable_reason() {
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "not a readable run file"),
        ("[]".into(), "not a readable run file"),
        (r#"{"format":"other","version":1}"#.into(), "not a brigade run file"),
        (r#"{"format":"brigade-run","version":9,"config":{},"history":[]}"#.into(), "version 9"),
        (r#"{"format":"brigade-run","version":1,"config":{"drop":7},"history":[]}"#.into(), "drop"),
        (r#"{"format":"brigade-run","version":1,"config":{"dispatch":"x"},"history":[]}"#.into(), "dispatch"),
        (r#"{"format":"brigade-run","version":1,"config":{},"history":[]}"#.into(), "the file has 0 messages"),
        (
            r#"{"format":"brigade-run","version":1,"config":{"orders":0},"inputs":[{"step":99,"action":{"type":"PlaceOrder"}}],"history":[]}"#.into(),
            "after the run's last step",
        ),
    ];
    for (text, needle) in cases {
        let err = import(&text).unwrap_err().to_string();
        assert!(err.contains(needle), "{text}: {err}");
        assert!(!err.contains('\n'));
    }
}

#[test]
fn a_tampered_history_is_refused_naming_the_message() {
    let text = sample();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["history"][5]["at_ms"] = serde_json::json!(123_456);
    let err = import(&v.to_string()).unwrap_err();
    assert!(matches!(err, ImportError::Mismatch(_)), "{err}");
    assert!(err.to_string().contains("message 5: `at_ms`"), "{err}");

    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["history"].as_array_mut().unwrap().pop();
    assert!(import(&v.to_string()).unwrap_err().to_string().contains("messages"));
}

#[test]
fn fault_rates_survive_the_round_trip_to_the_last_bit() {
    // found by the manual-inputs property: without serde_json's `float_roundtrip`, this rate
    // came back one unit in the last place off, and the re-export differed
    let text = export(&run(Config { orders: 1, drop: 0.22358414089453746, ..Config::default() }), None);
    assert!(text.contains("0.22358414089453746"));
    assert_eq!(export(&import(&text).unwrap().0, None), text);
}

#[test]
fn a_short_history_is_refused_at_its_end_without_running_the_rest() {
    // a million orders with an empty history: refused at message 0 (running them all
    // would take seconds and gigabytes)
    let text = r#"{"format":"brigade-run","version":1,"config":{"orders":1000000},"history":[]}"#;
    let err = import(text).unwrap_err();
    assert!(matches!(err, ImportError::Mismatch(_)), "{err}");
    assert!(err.to_string().contains("the file has 0 messages, the simulation publishes more"), "{err}");

    // a real history cut short, under its own config: refused where it ends
    let mut v: serde_json::Value = serde_json::from_str(&sample()).unwrap();
    v["history"].as_array_mut().unwrap().truncate(10);
    let err = import(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("the file has 10 messages, the simulation publishes more (message 10 is missing)"), "{err}");

    // the same short history claiming many more orders: refused at the first difference
    v["config"]["orders"] = serde_json::json!(1_000_000);
    let err = import(&v.to_string()).unwrap_err();
    assert!(matches!(err, ImportError::Mismatch(_)), "{err}");
    assert!(err.to_string().contains("message "), "{err}");
}

#[test]
fn import_into_a_timeline_checks_the_same_way_and_keeps_time_travel() {
    use brigade::run_file::import_into;
    let text = sample();
    let (mut timeline, _) = import_into(&text, |w| Ok(Timeline::new(w))).unwrap();
    assert_eq!(export(timeline.world(), None), text);
    timeline.seek(5);
    assert_eq!(timeline.current(), 5);
    // `start` runs before anything is simulated, and its error is the import's
    let refused = import_into(&text, |_| -> Result<Timeline, ImportError> {
        Err(ImportError::Inputs("refused before running".into()))
    });
    assert_eq!(refused.unwrap_err().to_string(), "inputs: refused before running");
    let mut tampered: serde_json::Value = serde_json::from_str(&text).unwrap();
    tampered["history"][3]["id"] = serde_json::json!("00000000-0000-4000-8000-000000000000");
    let a = import(&tampered.to_string()).unwrap_err();
    let b = import_into(&tampered.to_string(), |w| Ok(Timeline::new(w))).unwrap_err();
    assert_eq!(a, b);
    assert!(a.to_string().contains("message 3: `id`"), "{a}");
}

#[test]
fn error_messages_are_plain_and_short() {
    let huge = "z".repeat(1_000_000);
    let cases = [
        format!(r#"{{"format":"{huge}","version":1}}"#),
        format!(r#"{{"format":"brigade-run","version":1,"config":{{"dispatch":"{huge}"}},"history":[]}}"#),
        format!(r#"{{"format":"brigade-run","version":1,"config":{{"cooks":[{{"name":"{huge}","ms":5}}]}},"history":[]}}"#),
        format!(r#"{{"format":"brigade-run","version":1,"config":{{}},"inputs":[{{"step":"{huge}"}}],"history":[]}}"#),
        r#"{"format":"brigade-run","version":1,"config":{},"inputs":[{"step":-1,"action":{"type":"PlaceOrder"}}],"history":[]}"#.to_string(),
        r#"{"format":"brigade-run","version":1,"config":{"orders":"many"},"history":[]}"#.to_string(),
    ];
    for text in &cases {
        let err = import(text).unwrap_err().to_string();
        assert!(err.len() < 500, "{} bytes: {}…", err.len(), &err[..200]);
        for jargon in ["usize", "u32", "u64", "u8"] {
            assert!(!err.contains(&format!("expected {jargon}")), "{err}");
        }
    }
    // a negative step, in words
    let err = import(&cases[4]).unwrap_err().to_string();
    assert!(err.contains("expected a whole number from 0 to"), "{err}");
}

#[test]
fn the_compact_size_estimate_is_close_and_above() {
    use brigade::run_file::{compact_size_estimate, export_compact};
    for cfg in [
        Config { orders: 3, ..Config::default() },
        Config { orders: 2_000, interval_ms: 120, drop: 0.1, duplicate: 0.1, dodgy: 0.3, ..Config::default() },
    ] {
        let world = run(cfg);
        let estimate = compact_size_estimate(&world);
        let actual = export_compact(&world, None).len();
        assert!(estimate >= actual && estimate <= actual / 10 * 13 + 4096, "{estimate} for {actual}");
    }
}

/// The exported sample with its message `seq` changed by `change`, as text with the
/// fields in the order this crate writes them (the history after the config and inputs).
fn tampered(seq: usize, change: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&sample()).unwrap();
    change(&mut v["history"][seq]);
    let text = format!(
        r#"{{"format":"brigade-run","version":1,"config":{},"inputs":{},"history":{},"report":{}}}"#,
        v["config"], v["inputs"], v["history"], v["report"]
    );
    assert!(text.find("\"history\"") > text.find("\"inputs\""));
    text
}

#[test]
fn a_file_whose_third_message_differs_is_refused_naming_that_message() {
    let cases: Vec<(String, &str)> = vec![
        (tampered(2, |m| m["type"] = "OrderPaid".into()), "message 2: `type` is \"OrderPaid\" in the file"),
        (tampered(2, |m| m["order"]["table"] = 99.into()), "message 2: `order` is {"),
        (tampered(2, |m| m["order"]["items"].as_array_mut().unwrap().push(1.into())), "message 2: `order`"),
        (tampered(2, |m| m["at_ms"] = serde_json::json!(0.0)), "message 2: `at_ms` is 0.0 in the file, 0 in"),
        (tampered(2, |m| m["seq"] = 3.into()), "message 2: `seq` is 3 in the file, 2 in the simulation"),
        (tampered(2, |m| m["note"] = "hello".into()), "message 2 has an unexpected field `note`"),
        (tampered(2, |m| drop(m.as_object_mut().unwrap().remove("kind"))), "message 2 has no `kind`"),
        (tampered(2, |m| *m = serde_json::json!([1, 2])), "message 2 differs"),
    ];
    for (text, needle) in cases {
        let err = import(&text).unwrap_err();
        assert!(matches!(err, ImportError::Mismatch(_)), "{needle}: {err}");
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
}

#[test]
fn a_difference_is_reported_before_the_rest_of_the_file_is_read() {
    // message 2 differs and the file is cut short far after it: the difference is what
    // is reported (the history is compared as it is read, not after the whole file)
    let text = tampered(2, |m| m["at_ms"] = 77.into());
    let cut = &text[..text.len() * 2 / 3];
    let err = import(cut).unwrap_err();
    assert!(err.to_string().contains("message 2: `at_ms` is 77 in the file"), "{err}");
    // the same cut without the difference is not a readable file
    let text = sample();
    let err = import(&text[..text.len() * 2 / 3]).unwrap_err();
    assert!(matches!(err, ImportError::Json(_)), "{err}");
    // garbage after a differing message
    let text = tampered(1, |m| m["id"] = "00000000-0000-4000-8000-000000000000".into());
    let at = text.find("\"seq\":3").expect("message 3");
    let err = import(&format!("{}@@@ not json", &text[..at])).unwrap_err();
    assert!(err.to_string().contains("message 1: `id`"), "{err}");
}

#[test]
fn a_file_with_its_fields_in_another_order_imports_the_same() {
    // the history before the config (this crate never writes it so, a person may):
    // kept, and compared once the config is read
    let text = sample();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let reordered = format!(
        r#"{{"history":{},"report":{},"config":{},"inputs":{},"version":1,"format":"brigade-run"}}"#,
        v["history"], v["report"], v["config"], v["inputs"]
    );
    let (world, _) = import(&reordered).unwrap();
    assert_eq!(export(&world, None), text);
    let mut bad = v.clone();
    bad["history"][4]["at_ms"] = 1.into();
    let reordered =
        format!(r#"{{"history":{},"config":{},"format":"brigade-run","version":1}}"#, bad["history"], v["config"]);
    assert!(import(&reordered).unwrap_err().to_string().contains("message 4: `at_ms`"));
    // a missing or null history, after or before the rest
    for text in [
        r#"{"format":"brigade-run","version":1,"config":{},"inputs":[]}"#,
        r#"{"format":"brigade-run","version":1,"config":{},"inputs":[],"history":null}"#,
        r#"{"history":null,"format":"brigade-run","version":1,"config":{}}"#,
    ] {
        assert_eq!(import(text).unwrap_err().to_string(), "not a readable run file: `history` is missing", "{text}");
    }
    // a field given twice is refused, and so is a key repeated inside a message
    // (tests/run_file.rs `a_key_named_twice_is_refused_anywhere_in_the_file`)
    let twice = text.replacen("\"version\": 1,", "\"version\": 1,\n  \"version\": 1,", 1);
    assert!(import(&twice).unwrap_err().to_string().contains("duplicate field `version`"));
    let again_after = format!("{},\"config\":{{}}}}", text.trim_end().strip_suffix('}').unwrap());
    assert!(import(&again_after).unwrap_err().to_string().contains("duplicate field `config`"));
    let repeated = text.replacen("\"seq\": 2,", "\"seq\": 2,\n      \"seq\": 2,", 1);
    assert_ne!(repeated, text);
    assert!(import(&repeated).unwrap_err().to_string().contains("duplicate key \"seq\" in history message 2"));
}

#[test]
fn parse_config_reads_the_config_without_the_history() {
    use brigade::run_file::parse_config;
    let text = sample();
    assert_eq!(parse_config(&text).unwrap(), brigade::run_file::parse(&text).unwrap().config);
    let err = parse_config(r#"{"format":"brigade-run","version":1,"config":{"drop":7},"history":[]}"#).unwrap_err();
    assert!(err.to_string().contains("drop"), "{err}");
    let err = parse_config(r#"{"format":"brigade-run","version":1,"config":{}}"#).unwrap_err();
    assert!(err.to_string().contains("`history` is missing"), "{err}");
}

/// `text` with `pair` (a `"key": value,`) put right after the first `anchor` that follows
/// `after`.
fn insert_after(text: &str, after: &str, anchor: &str, pair: &str) -> String {
    let start = text.find(after).unwrap_or_else(|| panic!("{after} in the file"));
    let at = start + text[start..].find(anchor).unwrap_or_else(|| panic!("{anchor} after {after}")) + anchor.len();
    format!("{}{pair}{}", &text[..at], &text[at..])
}

#[test]
fn a_key_named_twice_is_refused_anywhere_in_the_file() {
    let text = sample();
    assert!(import(&text).is_ok());
    let cases = [
        // inside the config, with the same value or another (last-wins would hide either)
        (insert_after(&text, "", "\"config\": {", "\"seed\": 42,"), "duplicate key \"seed\" in `config`"),
        (insert_after(&text, "", "\"config\": {", "\"orders\": 1,"), "duplicate key \"orders\" in `config`"),
        // deeper in the config: a cook
        (insert_after(&text, "\"cooks\"", "\"name\": \"Koen\",", "\"ms\": 1,"), "duplicate key \"ms\" in `config`"),
        // a message's header and its order document
        (insert_after(&text, "", "\"seq\": 3,", "\"kind\": \"event\","), "duplicate key \"kind\" in history message 3"),
        (
            insert_after(&text, "\"seq\": 0,", "\"order\": {", "\"table\": 1,"),
            "duplicate key \"table\" in history message 0",
        ),
        // the report, which import does not read otherwise
        (insert_after(&text, "", "\"report\": {", "\"orders\": 6,"), "duplicate key \"orders\" in `report`"),
        // an unknown top-level key given twice
        (text.replacen("{", "{\"note\": 1, \"note\": 2,", 1), "duplicate key \"note\""),
    ];
    for (bad, needle) in &cases {
        assert_ne!(bad, &text);
        let err = import(bad).unwrap_err().to_string();
        assert!(err.starts_with("not a readable run file: duplicate"), "{needle}: {err}");
        assert!(err.contains(needle), "{needle}: {err}");
        // the other readers of a run file agree
        assert!(brigade::run_file::parse(bad).is_err(), "parse: {needle}");
        assert!(brigade::run_file::parse_config(bad).is_err(), "parse_config: {needle}");
    }
    // inputs too
    let mut t = Timeline::new(World::new(Config { orders: 2, ..Config::default() }).unwrap());
    t.extend(usize::MAX);
    t.seek(3);
    t.place_order(true);
    t.run_to_idle();
    let with_input = export(t.world(), None);
    let bad = insert_after(&with_input, "\"inputs\"", "{", "\"step\": 3,");
    assert!(import(&bad).unwrap_err().to_string().contains("duplicate key \"step\" in `inputs`"));
}

#[test]
fn a_byte_order_mark_is_read_past_everywhere() {
    let text = sample();
    let with_bom = format!("\u{feff}{text}");
    let (world, _) = import(&with_bom).unwrap();
    assert_eq!(export(&world, None), text);
    assert_eq!(brigade::run_file::parse_config(&with_bom).unwrap(), brigade::run_file::parse_config(&text).unwrap());
    assert_eq!(
        brigade::run_file::parse(&with_bom).unwrap().history.len(),
        brigade::run_file::parse(&text).unwrap().history.len()
    );
    // only one, and only at the start
    assert!(import(&format!("\u{feff}\u{feff}{text}")).is_err());
    // the CLI: --check and --config read the same file
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("run-file-bom.json");
    std::fs::write(&path, &with_bom).unwrap();
    let brigade =
        |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_brigade")).args(args).output().unwrap();
    let path = path.to_str().unwrap();
    let check = brigade(&["--check", path]);
    assert_eq!(
        (check.status.code(), &check.stdout[..]),
        (Some(0), &b"ok\n"[..]),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let config = brigade(&["--config", path, "--format", "json"]);
    assert!(config.status.success(), "{}", String::from_utf8_lossy(&config.stderr));
    let keys = dir.join("config-bom.json");
    std::fs::write(&keys, "\u{feff}{\"orders\": 2, \"seed\": 5}").unwrap();
    let o = brigade(&["--config", keys.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["config"]["orders"].clone(), v["config"]["seed"].clone()), (2.into(), 5.into()));
    // a config file with a key twice is refused too
    std::fs::write(&keys, "{\"orders\": 2, \"orders\": 3}").unwrap();
    let o = brigade(&["--config", keys.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("duplicate key \"orders\""),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_format_error_quotes_the_value_once() {
    for (format, shown) in
        [(r#""other""#, r#"format is "other","#), ("5", "format is 5,"), ("null", "format is missing")]
    {
        let text = format!(r#"{{"format":{format},"version":1,"config":{{}},"history":[]}}"#);
        let err = import(&text).unwrap_err().to_string();
        assert!(err.contains(shown), "{err}");
        assert!(!err.contains("\\\""), "no escaped quotes: {err}");
    }
}
