//! The run-file reader, as `--check` and the page's import use it: bytes read as the CLI
//! reads a file, then parsed, its config read, and (for small runs) imported by
//! re-simulation. Nothing may panic; whatever is refused is refused with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Runs bigger than this are not re-simulated (they are slow, not wrong).
const MAX_ORDERS: u32 = 12;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = brigade::cli::read_json(data, 1 << 20, data.len()) else {
        return;
    };
    let parsed = brigade::run_file::parse(&text);
    let config = brigade::run_file::parse_config(&text);
    // the two readers agree on the config
    if let (Ok(parsed), Ok(config)) = (&parsed, &config) {
        assert_eq!(&parsed.config, config);
    }
    let small = |c: &brigade::scenario::Config| c.orders <= MAX_ORDERS && c.interval_ms <= 10_000;
    let inputs_small = parsed.as_ref().is_ok_and(|p| p.inputs.len() <= 64 && p.inputs.iter().all(|i| i.step <= 5_000));
    if config.as_ref().is_ok_and(small) && inputs_small {
        if let Ok((world, view)) = brigade::run_file::import(&text) {
            // what imports exports to a file that imports again to the same file
            let again = brigade::run_file::export(&world, view);
            let (world2, _) = brigade::run_file::import(&again).expect("an export imports");
            assert_eq!(brigade::run_file::export(&world2, view), again);
        }
    }
});
