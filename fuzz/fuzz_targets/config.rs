//! The config: as JSON text (`Config::from_json`, the strict reader of `--config`), as
//! command-line arguments (`cli::parse`), and — when valid and small — run for a bounded
//! number of steps, so that no valid config makes the engine panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Steps run of a valid config (some configs never go idle: every refund lost).
const MAX_STEPS: usize = 20_000;

fn run(cfg: brigade::scenario::Config) {
    if cfg.orders > 8 || !cfg.custom_process.is_off() {
        return;
    }
    let Ok(mut world) = brigade::sim::World::new(cfg) else {
        return;
    };
    for _ in 0..MAX_STEPS {
        if world.step().is_none() {
            break;
        }
    }
    // every order ends at most once (CONTRACT §2), whatever the config
    let report = brigade::report::Report::of(&world);
    assert!(report.completed + report.dropped <= report.orders, "{report:?}");
    assert!(report.charged_not_served <= report.charged, "{report:?}");
    let _ = report.to_text();
}

fuzz_target!(|data: &[u8]| {
    let (selector, rest) = match data.split_first() {
        Some((s, rest)) => (*s, rest),
        None => return,
    };
    if selector % 2 == 0 {
        // a JSON object of config keys
        let Ok(text) = std::str::from_utf8(rest) else { return };
        let strict = brigade::run_file::strict::parse(text);
        match brigade::scenario::Config::from_json(text) {
            Ok(cfg) => {
                // what the strict reader refuses, the config reader refuses too
                assert!(strict.is_ok(), "{text:?}: {strict:?}");
                cfg.validate().expect("from_json validates");
                run(cfg);
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    } else {
        // command-line arguments, separated by NUL
        let Ok(text) = std::str::from_utf8(rest) else { return };
        let args: Vec<String> = text.split('\0').map(str::to_owned).collect();
        // a --config or --check names a file: not read here
        if args.iter().any(|a| a.starts_with("--config") || a.starts_with("--check")) {
            return;
        }
        match brigade::cli::parse(&args) {
            Ok(brigade::cli::Command::Run(r)) => run(r.config),
            Ok(_) => {}
            Err(message) => {
                assert!(!message.is_empty());
                let shown = brigade::cli::shown(&message);
                assert!(!shown.chars().any(brigade::scenario::invisible), "{shown:?}");
            }
        }
    }
});
