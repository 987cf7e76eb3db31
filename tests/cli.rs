//! The `brigade` command as a user runs it (docs/CONTRACT.md §1 and §5).
//! Native only: the command line is not built for wasm32 (`wasm-pack test` builds every test).
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn brigade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brigade")).args(args).output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// The run file of a run with these options.
fn run_file(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let o = brigade(&all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("the run file is JSON")
}

/// A file in cargo's scratch folder for integration tests, named after the test.
fn scratch(name: &str, text: &str) -> String {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    std::fs::write(&path, text).expect("the scratch file is written");
    path.to_string_lossy().into_owned()
}

/// Asserts a refusal: status 2, nothing on stdout, one line on stderr starting with
/// `brigade: {option}`.
#[track_caller]
fn assert_refused(args: &[&str], option: &str) -> String {
    let o = brigade(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with(&format!("brigade: {option}")), "{args:?}: {err}");
    assert!(o.stdout.is_empty(), "{args:?}");
    err
}

#[test]
fn the_report_names_cooks_outcomes_peaks_and_latency() {
    let o = brigade(&["--orders", "10"]);
    assert!(o.status.success());
    let text = stdout(&o);
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
    let v: Value = serde_json::from_slice(&a.stdout).unwrap();
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
        (&["--architecture", "microservices"], "--architecture"),
        (&["--idempotent-store=yes"], "--idempotent-store"),
        (&["--trace", "0"], "--trace"),
        (&["--trace", "table-4"], "--trace"),
        (&["--trace", "1", "--receipts"], "--trace"),
        (&["--check", "run.json", "--orders", "3"], "--check"),
        (&["--colour", "red"], "--colour"),
        (&["--colour=red"], "--colour"),
        (&["--orders"], "--orders"),
        (&["stray"], "stray"),
    ];
    for (args, option) in cases {
        assert_refused(args, option);
    }
}

#[test]
fn help_and_presets() {
    let o = brigade(&["--help"]);
    assert!(o.status.success());
    let help = stdout(&o);
    for option in [
        "--orders",
        "--interval-ms",
        "--seed",
        "--cooks",
        "--dispatch",
        "--queue-limit",
        "--drop",
        "--duplicate",
        "--dodgy",
        "--process-version",
        "--architecture",
        "--idempotent-store",
        "--preset",
        "--config",
        "--format",
        "--receipts",
        "--trace",
        "--check",
    ] {
        assert!(help.contains(option), "--help does not mention {option}:\n{help}");
    }
    let o = brigade(&["--version"]);
    assert_eq!(stdout(&o), format!("brigade {}\n", env!("CARGO_PKG_VERSION")));
    let o = brigade(&["--preset", "slow-cook"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("expired"));
}

#[test]
fn an_option_given_twice_takes_its_last_value() {
    let v = run_file(&["--orders", "3", "--orders", "4"]);
    assert_eq!(v["config"]["orders"], 4);
}

#[test]
fn architecture_and_idempotent_store_reach_the_config() {
    let v = run_file(&["--orders", "2"]);
    assert_eq!(v["config"]["architecture"], "process-manager");
    assert_eq!(v["config"]["idempotent_store"], false);
    for architecture in ["process-manager", "choreography", "commands"] {
        let v = run_file(&["--orders", "2", "--architecture", architecture, "--idempotent-store"]);
        assert_eq!(v["config"]["architecture"], architecture);
        assert_eq!(v["config"]["idempotent_store"], true);
    }
}

#[test]
fn config_from_a_run_file_re_runs_it_and_options_override_it() {
    let original = run_file(&["--orders", "4", "--seed", "9", "--drop", "0.2", "--dispatch", "round-robin"]);
    let path = scratch("config-run.json", &serde_json::to_string_pretty(&original).unwrap());
    let again = run_file(&["--config", &path]);
    assert_eq!(again["config"], original["config"]);
    assert_eq!(again["history"], original["history"]);

    let changed = run_file(&["--config", &path, "--orders", "2", "--architecture", "commands"]);
    assert_eq!(changed["config"]["orders"], 2);
    assert_eq!(changed["config"]["architecture"], "commands");
    assert_eq!(changed["config"]["seed"], 9);
    assert_eq!(changed["config"]["dispatch"], "round-robin");
    assert_eq!(changed["config"]["drop"], 0.2);
}

#[test]
fn config_from_a_json_object_of_keys_fills_the_rest_from_the_preset_or_defaults() {
    let path =
        scratch("config-keys.json", r#"{ "seed": "5", "cashier_ms": 70, "cooks": [{ "name": "Ada", "ms": 90 }] }"#);
    let v = run_file(&["--config", &path]);
    assert_eq!(v["config"]["seed"], 5);
    assert_eq!(v["config"]["cashier_ms"], 70);
    assert_eq!(v["config"]["cooks"], serde_json::json!([{ "name": "Ada", "ms": 90 }]));
    assert_eq!(v["config"]["orders"], 10, "a key the file does not give keeps its default");
    assert_eq!(v["report"]["per_cook"]["Ada"], 10);

    let v = run_file(&["--preset", "chaos", "--config", &path, "--seed", "6"]);
    assert_eq!(v["config"]["drop"], 0.1, "the preset fills what the file does not give");
    assert_eq!(v["config"]["cashier_ms"], 70);
    assert_eq!(v["config"]["seed"], 6, "an option overrides the file");
}

#[test]
fn a_bad_config_file_exits_2_with_one_line() {
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-no-such-file.json");
    let cases = [
        (missing.to_string_lossy().into_owned(), "No such file"),
        (scratch("config-not-json.json", "{ seed: 1"), "not JSON"),
        (scratch("config-array.json", "[1, 2]"), "JSON object"),
        (scratch("config-unknown-key.json", r#"{ "sed": 1 }"#), "sed"),
        (scratch("config-bad-value.json", r#"{ "drop": 2 }"#), "drop"),
        (scratch("config-bad-cook.json", r#"{ "cooks": [{ "name": "Printer", "ms": 9 }] }"#), "printer"),
        (scratch("config-bad-format.json", r#"{ "format": "other", "config": {} }"#), "brigade-run"),
    ];
    for (path, needle) in &cases {
        let err = assert_refused(&["--config", path], "--config");
        assert!(err.contains(path.as_str()) && err.contains(needle), "{err}");
    }
}

#[test]
fn check_says_ok_for_an_exported_run() {
    let text = stdout(&brigade(&["--format", "json", "--orders", "6", "--drop", "0.2", "--seed", "4"]));
    let path = scratch("check-ok.json", &text);
    let o = brigade(&["--check", &path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "ok\n");
}

#[test]
fn check_exits_1_with_the_first_difference_of_a_tampered_history() {
    let mut v = run_file(&["--orders", "3"]);
    v["history"][5]["at_ms"] = Value::from(99_999);
    v["history"][9]["at_ms"] = Value::from(99_999);
    let path = scratch("check-tampered.json", &v.to_string());
    let o = brigade(&["--check", &path]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("message 5") && out.contains("at_ms") && out.contains("99999"), "{out}");

    let mut v = run_file(&["--orders", "3"]);
    v["history"].as_array_mut().unwrap().pop();
    let path = scratch("check-short.json", &v.to_string());
    let o = brigade(&["--check", &path]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("messages"), "{}", stdout(&o));
}

#[test]
fn check_exits_2_for_what_is_not_a_run_file() {
    let mut bad_config = run_file(&["--orders", "2"]);
    bad_config["config"]["drop"] = Value::from(3);
    let mut bad_cook = run_file(&["--orders", "2"]);
    bad_cook["config"]["cooks"][1]["name"] = Value::from(" House");
    let cases = [
        scratch("check-bad-cook.json", &bad_cook.to_string()),
        scratch("check-not-json.json", "hello"),
        scratch("check-no-format.json", r#"{ "seed": 1 }"#),
        scratch("check-bad-config.json", &bad_config.to_string()),
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-check-missing.json").to_string_lossy().into_owned(),
    ];
    for path in &cases {
        let err = assert_refused(&["--check", path], "--check");
        assert!(err.contains(path.as_str()), "{err}");
    }
}

#[test]
fn trace_shows_one_orders_messages_in_publish_order() {
    let args = ["--orders", "4", "--drop", "0.2", "--seed", "3"];
    let v = run_file(&args);
    let history = v["history"].as_array().unwrap();
    let placed: Vec<&Value> = history.iter().filter(|m| m["type"] == "OrderPlaced").collect();
    let corr = placed[1]["correlation_id"].as_str().unwrap();
    let mine: Vec<&Value> = history.iter().filter(|m| m["correlation_id"] == corr).collect();

    let mut trace_args = args.to_vec();
    trace_args.extend(["--trace", "2"]);
    let o = brigade(&trace_args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("order 2 ({corr}): {} messages", mine.len()));
    assert_eq!(lines.len(), mine.len() + 2, "{text}");
    for (line, m) in lines[2..].iter().zip(&mine) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols[0], m["seq"].to_string(), "{line}");
        assert_eq!(cols[1], m["at_ms"].to_string(), "{line}");
        assert_eq!(cols[2], m["type"].as_str().unwrap(), "{line}");
        assert_eq!(cols[3], &m["id"].as_str().unwrap()[..8], "{line}");
        let cause = m["causation_id"].as_str().map_or("-", |c| &c[..8]);
        assert_eq!(cols[4], cause, "{line}");
    }

    for by_id in [corr, &corr[..8], &corr.to_uppercase()] {
        let mut id_args = args.to_vec();
        id_args.extend(["--trace", by_id]);
        assert_eq!(stdout(&brigade(&id_args)), text, "--trace {by_id}");
    }

    let mut json_args = args.to_vec();
    json_args.extend(["--trace", "2", "--format", "json"]);
    let o = brigade(&json_args);
    let entries: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(entries.iter().collect::<Vec<_>>(), mine, "the json trace is the order's history entries, whole");
}

#[test]
fn trace_of_an_order_the_run_does_not_have_exits_2() {
    let err = assert_refused(&["--orders", "3", "--trace", "4"], "--trace");
    assert!(err.contains("3 orders"), "{err}");
    let err = assert_refused(&["--orders", "3", "--trace", "00000000-0000-0000-0000-000000000000"], "--trace");
    assert!(err.contains("no order"), "{err}");
    let err = assert_refused(&["--orders", "3", "--trace", "00000000"], "--trace");
    assert!(err.contains("no order has correlation id 00000000"), "eight digits are an id's start: {err}");
}

#[test]
fn receipts_follow_the_report_one_per_completed_order() {
    let args = ["--preset", "slow-cook"];
    let v = run_file(&args);
    let completed = v["report"]["completed"].as_u64().unwrap() as usize;
    assert!(completed > 0 && v["report"]["dropped"].as_u64().unwrap() > 0, "the case needs both outcomes");
    let history = v["history"].as_array().unwrap();
    let placed: Vec<&str> =
        history.iter().filter(|m| m["type"] == "OrderPlaced").map(|m| m["correlation_id"].as_str().unwrap()).collect();
    let done: Vec<&Value> = history.iter().filter(|m| m["type"] == "OrderCompleted").collect();
    assert_eq!(done.len(), completed);

    let o = brigade(&["--preset", "slow-cook", "--receipts", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let receipts: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(receipts.len(), completed);
    for (r, m) in receipts.iter().zip(&done) {
        let order = &m["order"];
        assert_eq!(r["correlation_id"], m["correlation_id"]);
        let number = placed.iter().position(|c| *c == m["correlation_id"]).unwrap() + 1;
        assert_eq!(r["order"], number);
        assert_eq!(r["at_ms"], m["at_ms"]);
        assert_eq!(r["table"], order["table"]);
        assert_eq!(r["total_cents"], order["total_cents"]);
        assert_eq!(r["paid"], true);
        let items: Vec<(Value, Value, Value)> = r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["dish"].clone(), l["qty"].clone(), l["price_cents"].clone()))
            .collect();
        let ordered: Vec<(Value, Value, Value)> = order["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["dish"].clone(), l["qty"].clone(), l["price_cents"].clone()))
            .collect();
        assert_eq!(items, ordered);
    }

    let report = stdout(&brigade(&args));
    let o = brigade(&["--preset", "slow-cook", "--receipts"]);
    let text = stdout(&o);
    let rest = text.strip_prefix(report.as_str()).expect("the receipts come after the unchanged report");
    assert!(rest.starts_with(&format!("\nreceipts ({completed})\n")), "{rest}");
    assert_eq!(rest.matches("receipt · order ").count(), completed, "{rest}");
    for r in &receipts {
        let total = r["total_cents"].as_u64().unwrap();
        let head = format!("receipt · order {} · table {} · {} ms", r["order"], r["table"], r["at_ms"]);
        let block =
            rest.split("\n\n").find(|b| b.starts_with(&head)).unwrap_or_else(|| panic!("no {head:?} in {rest}"));
        let total_line = format!("€{}.{:02}", total / 100, total % 100);
        assert!(block.lines().any(|l| l.starts_with("  total") && l.ends_with(&total_line)), "{block}");
        assert!(block.trim_end().ends_with("PAID"), "{block}");
    }
}

#[test]
fn a_cook_may_not_share_a_name_with_a_cook_or_a_worker_nor_hide_characters() {
    for cooks in [
        "cashier:100,house:200",
        "Koen:100, koen :200",
        "Alarm Clock:100",
        " PRINTER :100",
        "waiter:1",
        "dispatcher:1",
        "assistant manager:1",
        "Ko\u{200B}en:100",
        "\u{FEFF}Koen:100",
        "Koen\u{202E}:100",
        "Ko\u{00AD}en:100",
        "Ko\u{2060}en:100",
    ] {
        assert_refused(&["--cooks", cooks], "--cooks");
    }
    let v = run_file(&["--cooks", "Zoë:100,Cashier Bob:200,Printer2:300", "--orders", "3"]);
    assert_eq!(v["config"]["cooks"].as_array().unwrap().len(), 3);
}

#[test]
fn a_write_failure_on_stdout_exits_1_with_a_message() {
    for args in [&["--help"][..], &["--orders", "2"], &["--orders", "2", "--format", "json"]] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full exists on Linux");
        let o = Command::new(env!("CARGO_BIN_EXE_brigade"))
            .args(args)
            .stdout(Stdio::from(full))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.starts_with("brigade: cannot write to stdout"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// The README's reference report is what the binary prints. To refresh it after a change
/// of the engine, run this test with `BRIGADE_BLESS=1`: it rewrites the README block.
#[test]
fn the_readme_reference_report_is_what_the_cli_prints() {
    let readme_path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(readme_path).unwrap();
    let (before, rest) = readme.split_once("<!-- REPORT -->\n").expect("README has <!-- REPORT -->");
    let (block, after) = rest.split_once("<!-- /REPORT -->").expect("README has <!-- /REPORT -->");
    let documented = block
        .strip_prefix("```text\n")
        .and_then(|b| b.strip_suffix("```\n"))
        .expect("the REPORT block is one ```text fence");
    let o = brigade(&[]);
    assert!(o.status.success());
    let actual = stdout(&o);
    if documented == actual {
        return;
    }
    if std::env::var_os("BRIGADE_BLESS").is_some() {
        std::fs::write(readme_path, format!("{before}<!-- REPORT -->\n```text\n{actual}```\n<!-- /REPORT -->{after}"))
            .unwrap();
        return;
    }
    panic!(
        "README.md's reference report differs from `brigade` (- README, + CLI):\n{}\n\
         Refresh it with: BRIGADE_BLESS=1 cargo test --test cli the_readme_reference_report",
        line_diff(documented, &actual)
    );
}

/// A line diff (longest common subsequence): ` ` kept, `-` only in `a`, `+` only in `b`.
fn line_diff(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out += &format!("  {}\n", a[i]);
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out += &format!("- {}\n", a[i]);
            i += 1;
        } else {
            out += &format!("+ {}\n", b[j]);
            j += 1;
        }
    }
    out
}

#[test]
fn trace_as_mermaid_is_a_sequence_diagram_naming_every_message_of_the_order() {
    let args = ["--trace", "2", "--drop", "0.2", "--duplicate", "0.2", "--seed", "5"];
    let out = brigade(&[&args[..], &["--format", "mermaid"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("sequenceDiagram\n"), "{text}");
    let run = run_file(&args[2..]);
    let corr = run["history"].as_array().unwrap().iter().filter(|m| m["type"] == "OrderPlaced").nth(1).unwrap()
        ["correlation_id"]
        .clone();
    for m in run["history"].as_array().unwrap().iter().filter(|m| m["correlation_id"] == corr) {
        let id = m["id"].as_str().unwrap();
        assert!(text.contains(&format!("{} {}", m["type"].as_str().unwrap(), &id[..8])), "{} missing", m["type"]);
    }
    let refused = brigade(&["--format", "mermaid"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("--trace"), "{}", stderr(&refused));
}

/// `brigade ARGS >&-`: run with stdout closed.
fn with_stdout_closed(args: &[&str]) -> Output {
    Command::new("/bin/sh")
        .arg("-c")
        .arg(r#"exec "$0" "$@" >&-"#)
        .arg(env!("CARGO_BIN_EXE_brigade"))
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .expect("sh runs")
}

#[test]
fn a_closed_stdout_is_a_write_error_exit_1() {
    for args in [&[][..], &["--help"], &["--orders", "2", "--format", "json"]] {
        let o = with_stdout_closed(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err, "brigade: cannot write to stdout: it is closed\n", "{args:?}");
    }
    // but a redirection to /dev/null is a place to write to
    let o = Command::new("/bin/sh")
        .arg("-c")
        .arg(r#"exec "$0" --orders 2 > /dev/null"#)
        .arg(env!("CARGO_BIN_EXE_brigade"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // `--check` opens its file first: it must not take stdout's place and "succeed"
    let text = stdout(&brigade(&["--format", "json", "--orders", "2"]));
    let path = scratch("check-closed-stdout.json", &text);
    assert_eq!(with_stdout_closed(&["--check", &path]).status.code(), Some(1));
}

#[test]
fn a_stray_argument_is_shown_escaped_never_raw() {
    for (arg, shown) in [
        ("evil\nbrigade:ok", r"evil\nbrigade:ok"),
        ("\u{1b}[2J\u{1b}[31mred", r"\u{1b}[2J\u{1b}[31mred"),
        ("--x\u{202e}txt", r"--x\u{202e}txt"),
    ] {
        let o = brigade(&[arg]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{arg:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err:?}");
        assert!(err.contains(shown), "{arg:?} shown as {shown}: {err:?}");
        assert!(!err.contains('\u{1b}') && !err.contains('\u{202e}') && !err.trim_end().contains('\n'), "{err:?}");
    }
    // as an option's value, and in a file name
    let err = assert_refused(&["--orders", "1\u{1b}[31m"], "--orders");
    assert!(!err.contains('\u{1b}') && err.contains(r"\u{1b}"), "{err:?}");
    let err = assert_refused(&["--check", "/no/such\nfile\u{1b}"], "--check");
    assert!(err.contains(r"/no/such\nfile\u{1b}"), "{err:?}");
    // a difference that names what the file holds: a key with an escape in it
    let mut v = run_file(&["--orders", "2"]);
    v["history"][3]["\u{1b}[2Jx"] = Value::from(1);
    let o = brigade(&["--check", &scratch("check-escape-key.json", &v.to_string())]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(out.contains(r"unexpected field `\u{1b}[2Jx`") && !out.contains('\u{1b}'), "{out:?}");
}

#[test]
fn check_stops_at_once_on_a_device_that_never_ends() {
    let started = std::time::Instant::now();
    for (device, why) in [("/dev/urandom", "not"), ("/dev/zero", "control character")] {
        let o = brigade(&["--check", device]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{device}: {err}");
        assert!(err.starts_with(&format!("brigade: --check: {device}: ")) && err.contains(why), "{err}");
        assert_eq!(err.lines().count(), 1, "{err:?}");
        let o = brigade(&["--config", device]);
        assert_eq!(o.status.code(), Some(2), "{device}: {}", stderr(&o));
    }
    assert!(started.elapsed().as_secs() < 20, "it read for {:?}", started.elapsed());
    // a JSON object that never ends is read up to a limit, then refused
    let big = brigade::cli::read_json(std::io::repeat(b' ').take(3 << 20), 1 << 20, 0);
    assert!(big.unwrap_err().contains("larger than the 1 MiB"));
    let endless = brigade::cli::read_json((&b"{\"a\": "[..]).chain(std::io::repeat(b'[')).take(3 << 20), 1 << 20, 0);
    assert!(endless.unwrap_err().contains("larger than"));
    // text that is not UTF-8, and not JSON from its first character
    let latin1 = brigade::cli::read_json(&b"{\"cook\": \"caf\xe9\"}"[..], 1 << 20, 0);
    assert!(latin1.unwrap_err().contains("not UTF-8"));
    let not_object = brigade::cli::read_json(&b"\xef\xbb\xbf  [1]"[..], 1 << 20, 0);
    assert!(not_object.unwrap_err().contains("not a JSON object"), "a BOM and spaces are skipped");
    // a character cut by a chunk's end is fine
    let long = format!("{{\"k\": \"{}\"}}", "é".repeat(100_000));
    assert_eq!(brigade::cli::read_json(long.as_bytes(), 1 << 20, 0).unwrap(), long);
}

/// Per order of a run file's history: (`OrderPaid` count, `PaymentRefunded` count,
/// completed, ended).
fn money_per_order(file: &Value) -> std::collections::BTreeMap<String, (i64, i64, bool, bool)> {
    let mut orders = std::collections::BTreeMap::new();
    for m in file["history"].as_array().unwrap() {
        let entry = orders.entry(m["correlation_id"].as_str().unwrap().to_string()).or_insert((0, 0, false, false));
        match m["type"].as_str().unwrap() {
            "OrderPaid" => entry.0 += 1,
            "PaymentRefunded" => entry.1 += 1,
            "OrderCompleted" => (entry.2, entry.3) = (true, true),
            "OrderDropped" => entry.3 = true,
            _ => {}
        }
    }
    orders
}

#[test]
fn money_is_accounted_for_in_every_architecture() {
    // the issue's repro: pay-first customers, one slow cook, so most orders expire
    let repro = ["--dodgy", "1", "--orders", "20", "--cooks", "Slow:2000"];
    for architecture in ["choreography", "commands", "process-manager"] {
        let mut args = repro.to_vec();
        args.extend(["--architecture", architecture]);
        let file = run_file(&args);
        let report = &file["report"];
        let orders = money_per_order(&file);
        let charged = orders.values().filter(|m| m.0 > 0).count() as u64;
        let not_served = orders.values().filter(|m| !m.2 && m.0 - m.1 > 0).count() as u64;
        assert_eq!(report["charged"], charged, "{architecture}: {report}");
        assert_eq!(report["charged_not_served"], not_served, "{architecture}: {report}");
        // every order paid first: each one that completed has its OrderPaid (commands too)
        for (id, (paid, refunded, completed, _)) in &orders {
            if *completed {
                assert_eq!(paid - refunded, 1, "{architecture}: completed order {id} reads as paid once");
            }
        }
        if architecture == "process-manager" {
            // the money rule (CONTRACT §5) for every order at idle
            for (id, (paid, refunded, completed, ended)) in &orders {
                assert!(ended, "{id} ended");
                assert_eq!(paid - refunded, *completed as i64, "{id}: payments − refunds");
            }
            assert_eq!(report["charged_not_served"], 0, "{report}");
            assert!(report["refunded"].as_u64().unwrap() > 0, "the expired orders were refunded");
        } else {
            // without a process manager nobody owes the refund: the lesson, now counted
            assert!(report["charged_not_served"].as_u64().unwrap() > 0, "{architecture}: {report}");
            assert_eq!(report["refunded"], 0);
            let text = stdout(&brigade(&args));
            let line = text.lines().find(|l| l.trim_start().starts_with("charged, not served")).expect("a money line");
            assert!(line.ends_with(&report["charged_not_served"].to_string()), "{line}");
            assert!(text.contains("nobody notices they paid for nothing"), "{text}");
        }
        assert!(charged > 0);
    }
}

#[test]
fn the_streamed_run_file_is_the_whole_exported_file_byte_for_byte() {
    use brigade::scenario::{Architecture, Config};
    use brigade::sim::World;
    let configs: [(&[&str], Config); 4] = [
        (&[], Config::default()),
        (
            &[
                "--orders",
                "30",
                "--interval-ms",
                "50",
                "--drop",
                "0.1",
                "--duplicate",
                "0.1",
                "--dodgy",
                "0.5",
                "--seed",
                "7",
            ],
            Config { orders: 30, interval_ms: 50, drop: 0.1, duplicate: 0.1, dodgy: 0.5, seed: 7, ..Config::default() },
        ),
        (
            &["--architecture", "commands", "--dodgy", "1", "--orders", "20", "--cooks", "Slow:2000"],
            Config {
                architecture: Architecture::Commands,
                dodgy: 1.0,
                orders: 20,
                cooks: Config::parse_cooks("Slow:2000").unwrap(),
                ..Config::default()
            },
        ),
        (
            &["--orders", "2000", "--interval-ms", "120", "--idempotent-store", "--duplicate", "0.2"],
            Config { orders: 2000, interval_ms: 120, idempotent_store: true, duplicate: 0.2, ..Config::default() },
        ),
    ];
    for (args, cfg) in configs {
        let mut world = World::new(cfg).unwrap();
        world.run_to_idle();
        let whole = brigade::run_file::export(&world, None) + "\n";
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let o = brigade(&all);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(o.stdout == whole.as_bytes(), "{args:?}: the streamed file differs from the exported one");
    }
}

#[test]
fn log_prints_every_message_one_line_each_in_order_then_the_report() {
    let args = ["--orders", "4", "--drop", "0.2", "--seed", "6"];
    let log = stdout(&brigade(&[&args[..], &["--log"]].concat()));
    let file: Value = serde_json::from_str(&stdout(&brigade(&[&args[..], &["--format", "json"]].concat()))).unwrap();
    let history = file["history"].as_array().unwrap();
    let (lines, report) = log.split_once("\n\n").expect("the log, a blank line, the report");
    let lines: Vec<&str> = lines.lines().collect();
    assert!(lines[0].contains("seq") && lines[0].contains("type"), "a header: {}", lines[0]);
    assert_eq!(lines.len() - 1, history.len(), "one line a message");
    for (line, m) in lines[1..].iter().zip(history) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], m["seq"].to_string(), "{line}");
        assert_eq!(words[3], m["type"].as_str().unwrap(), "{line}");
    }
    assert_eq!(report, stdout(&brigade(&args)), "then the report, as without --log");
    let both = brigade(&["--log", "--format", "json"]);
    assert_eq!(both.status.code(), Some(2));
    assert!(stderr(&both).starts_with("brigade: --log prints text"), "{}", stderr(&both));
}

#[test]
fn the_text_trace_shows_what_became_of_each_delivery_as_the_diagram_does() {
    use brigade::scenario::Config;
    let cfg = Config { orders: 3, drop: 0.3, duplicate: 0.3, seed: 7, ..Config::default() };
    let mut world = brigade::sim::World::new(cfg).unwrap();
    world.run_to_idle();
    let order = *world.store().orders().next().unwrap();
    let stream = world.store().stream(&order).to_vec();
    let faults: Vec<_> = world.faults().iter().filter(|f| stream.contains(&f.seq)).collect();
    assert!(faults.len() >= 3, "seed 7 loses and doubles deliveries of order 1");
    let text =
        stdout(&brigade(&["--orders", "3", "--drop", "0.3", "--duplicate", "0.3", "--seed", "7", "--trace", "1"]));
    let noted: Vec<&str> = text.lines().filter(|l| l.contains("└ delivery to")).collect();
    assert_eq!(noted.len(), faults.len(), "{text}");
    for (line, f) in noted.iter().zip(&faults) {
        let to = &world.actors()[f.actor as usize].name;
        assert!(line.contains(&format!("delivery to {to}: {} (step {})", f.fault.outcome(), f.step)), "{line}");
    }
    assert!(text.contains(": lost (step") && text.contains(": made twice (step"), "{text}");
}

#[test]
fn the_step_timeouts_and_retries_are_options() {
    let args =
        ["--cook-timeout-ms", "900", "--price-timeout-ms", "300", "--pay-timeout-ms", "400", "--max-retries", "1"];
    let file: Value = serde_json::from_str(&stdout(&brigade(&[&args[..], &["--format", "json"]].concat()))).unwrap();
    let cfg = &file["config"];
    assert_eq!(
        (&cfg["cook_timeout_ms"], &cfg["price_timeout_ms"], &cfg["pay_timeout_ms"], &cfg["max_retries"]),
        (&Value::from(900), &Value::from(300), &Value::from(400), &Value::from(1))
    );
    let more = ["--backoff", "2", "--backoff-jitter", "0.1", "--time-to-live-ms", "9000", "--format", "json"];
    let file: Value = serde_json::from_str(&stdout(&brigade(&more))).unwrap();
    let cfg = &file["config"];
    assert_eq!(
        (&cfg["backoff"], &cfg["backoff_jitter"], &cfg["time_to_live_ms"]),
        (&json!(2.0), &json!(0.1), &json!(9000))
    );
    let plain: Value = serde_json::from_str(&stdout(&brigade(&["--format", "json"]))).unwrap();
    assert!(plain["config"].get("backoff").is_none(), "written only when set: the reference run file is unchanged");
    let slow = brigade(&["--backoff", "0.5"]);
    assert!(stderr(&slow).starts_with("brigade: --backoff: must be from 1 (no backoff) to 10"), "{}", stderr(&slow));
    let bad = brigade(&["--max-retries", "300"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).starts_with("brigade: --max-retries:"), "{}", stderr(&bad));
    let zero = brigade(&["--cook-timeout-ms", "0"]);
    assert_eq!(zero.status.code(), Some(2), "{}", stderr(&zero));
    assert!(stderr(&zero).starts_with("brigade: --cook-timeout-ms:"), "{}", stderr(&zero));
}

#[test]
fn a_receipt_says_who_cooked_it_how_long_and_with_what() {
    let receipts: Value = serde_json::from_str(&stdout(&brigade(&["--receipts", "--format", "json"]))).unwrap();
    let file: Value = serde_json::from_str(&stdout(&brigade(&["--format", "json"]))).unwrap();
    let receipts = receipts.as_array().unwrap();
    assert_eq!(receipts.len(), 10);
    for r in receipts {
        let cooked = file["history"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["type"] == "FoodCooked" && m["correlation_id"] == r["correlation_id"])
            .expect("the order was cooked");
        assert_eq!(r["cooked_by"], cooked["order"]["cooked_by"], "{r}");
        assert_eq!(r["cooking_ms"], cooked["order"]["cooking_ms"], "{r}");
        assert_eq!(r["ingredients"], cooked["order"]["ingredients"], "{r}");
        assert!(!r["ingredients"].as_array().unwrap().is_empty());
    }
    let text = stdout(&brigade(&["--receipts", "--orders", "2"]));
    assert!(text.contains("  cooked by Guido in 200 ms\n  with rice, mushrooms, parmesan\n"), "{text}");
}
