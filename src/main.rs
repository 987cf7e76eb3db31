//! The `brigade` command: runs one simulation to idle and prints its report, run file,
//! receipts or one order's trace; or checks a run file; or explores every fate for one or
//! two orders (docs/CONTRACT.md §1 and §5).
//!
//! Exit status: 0 done, 1 a `--check` mismatch, an `--explore` broken rule, or stdout could
//! not be written, 2 bad input.

// The command line is native only; in the browser the page drives the wasm facade.
#[cfg(target_arch = "wasm32")]
fn main() {}

/// A run holds millions of small documents and envelopes: mimalloc allocates and frees
/// them faster than the system allocator (benches/throughput/main.rs measures the engine with
/// it too).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: brigade::allocator::Allocator = brigade::allocator::Allocator;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod native {

    use brigade::cli::{self, Command, Format, Run};
    use brigade::report::{self, Report};
    use brigade::run_file::{self, ImportError};
    use brigade::sim::World;
    use std::io::{BufWriter, Write};
    use std::process::ExitCode;

    pub fn main() -> ExitCode {
        if stdout_was_closed() {
            let _ = writeln!(std::io::stderr(), "brigade: cannot write to stdout: it is closed");
            return ExitCode::from(1);
        }
        let args: Vec<String> = match std::env::args_os().skip(1).map(|a| a.into_string()).collect() {
            Ok(args) => args,
            Err(bad) => return fail(&format!("{}: not valid UTF-8", bad.to_string_lossy())),
        };
        #[cfg(feature = "live")]
        if args.first().map(String::as_str) == Some("live") {
            return brigade::live::main(&args[1..]);
        }
        match cli::parse(&args) {
            Ok(Command::Help(text)) | Ok(Command::Version(text)) => emit(&text, ExitCode::SUCCESS),
            Ok(Command::Check(path)) => check(&path),
            Ok(Command::CheckRules(path)) => check_rules(&path),
            Ok(Command::Run(run)) => simulate(&run),
            Ok(Command::Explore(cfg, format, crashes)) => explore(&cfg, format == Format::Json, crashes),
            Err(message) => fail(&message),
        }
    }

    /// Whether the program was started with stdout closed (`brigade >&-`). Rust's runtime
    /// then puts `/dev/null` in its place, opened for reading and writing, so writes would
    /// silently succeed; a redirection to `/dev/null` opens it for writing only. (Linux:
    /// read from `/proc`; elsewhere, or when in doubt, `false`.)
    fn stdout_was_closed() -> bool {
        const O_ACCMODE: u32 = 3;
        const O_RDWR: u32 = 2;
        if std::fs::read_link("/proc/self/fd/1").ok().as_deref() != Some(std::path::Path::new("/dev/null")) {
            return false;
        }
        let flags = std::fs::read_to_string("/proc/self/fdinfo/1").ok().and_then(|info| {
            info.lines().find_map(|l| l.strip_prefix("flags:")).and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
        });
        flags.is_some_and(|f| f & O_ACCMODE == O_RDWR)
    }

    /// Runs the config to idle and prints what `run` asks for.
    fn simulate(run: &Run) -> ExitCode {
        let mut world = match World::new(run.config.clone()) {
            Ok(w) => w,
            Err(e) => return fail(&format!("--{}: {}", e.field.replace('_', "-"), e.message)),
        };
        if run.format != Format::Mermaid {
            // only the sequence diagram reads the steps: the report and the run file do not
            world = world.untraced();
        }
        if let Some(every) = run.monitor {
            // the workshop's console: how each queue stands, every `every` simulated ms
            let code = write_out(|out| {
                let mut then = 0;
                let mut before: Vec<_> = world.actors().iter().map(|a| world.load(a.id)).collect();
                while world.next_event_time().is_some() {
                    let tick = then + every;
                    world.run_until(tick);
                    writeln!(out, "{}", cli::monitor_line(&world, &before, then, tick))?;
                    before = world.actors().iter().map(|a| world.load(a.id)).collect();
                    then = tick;
                }
                write!(out, "\n{}", Report::of(&world).to_text())
            });
            std::mem::forget(world);
            return code;
        }
        if run.log {
            // the workshop's console: each message as it is published, then the report
            let code = write_out(|out| {
                writeln!(out, "{}", cli::LOG_HEADER)?;
                world.run_forgetting(|w, seqs| {
                    seqs.into_iter().try_for_each(|s| writeln!(out, "{}", cli::log_line(w, s)))
                })?;
                write!(out, "\n{}", Report::of(&world).to_text())
            });
            std::mem::forget(world);
            return code;
        }
        let report_only = run.trace.is_none() && !run.receipts;
        match (report_only, run.format) {
            // the run file is written as the run runs (below)
            (true, Format::Json) => {}
            // the report reads counters and the orders that did not end, not the log
            (true, _) => _ = world.run_to_idle_forgetting(),
            (false, _) => _ = world.run_to_idle(),
        }
        if let Some(order) = &run.trace {
            let (id, number) = match cli::find_order(&world, order) {
                Ok(found) => found,
                Err(e) => return fail(&format!("--trace: {e}")),
            };
            let text = match run.format {
                Format::Text => cli::trace_text(&world, id, number),
                Format::Json => cli::trace_json(&world, id),
                Format::Mermaid => brigade::mermaid::sequence(&world, &id).unwrap_or_default(),
            };
            return emit(&text, ExitCode::SUCCESS);
        }
        let text = match (run.format, run.receipts) {
            (Format::Text | Format::Mermaid, false) => Report::of(&world).to_text(),
            (Format::Json, false) => {
                // the run file, written as the run runs: each message once published, and
                // the orders that are done forgotten (a long run never holds its whole log)
                let code = write_out(|out| {
                    run_file::write_running(&mut world, &mut *out)?;
                    out.write_all(b"\n")
                });
                std::mem::forget(world);
                return code;
            }
            (Format::Text | Format::Mermaid, true) => {
                let receipts = report::receipts(&world);
                let mut text = Report::of(&world).to_text();
                text += &format!("\nreceipts ({})\n", receipts.len());
                for r in &receipts {
                    text += "\n";
                    text += &r.to_text();
                }
                text
            }
            (Format::Json, true) => {
                let receipts = report::receipts(&world);
                serde_json::to_string_pretty(&receipts).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
            }
        };
        // the process ends here: handing a whole run's memory back message by message
        // would only make the command slower (the operating system takes it back at once)
        std::mem::forget(world);
        emit(&text, ExitCode::SUCCESS)
    }

    /// `--explore`: 0 and `hold` when every rule holds, 1 and the broken rule with the
    /// shortest schedule (or its run file) when one breaks, 2 for more than 2 orders.
    fn explore(cfg: &brigade::scenario::Config, json: bool, crashes: bool) -> ExitCode {
        match brigade::explore::command::run_with(cfg, json, crashes) {
            Ok((text, code)) => emit(&text, ExitCode::from(code)),
            Err(message) => fail(&message),
        }
    }

    /// `--check FILE`: 0 and `ok` when the history matches, 1 and the first difference when it
    /// does not, 2 when the file is not a valid run file.
    fn check(path: &str) -> ExitCode {
        let text = match cli::read_json_file(path) {
            Ok(t) => t,
            Err(e) => return fail(&format!("--check: {path}: {e}")),
        };
        if run_file::parse_config(&text).is_ok_and(|config| !config.custom_process.is_off()) {
            return fail(&format!(
                "--check: {path}: this run was made with a learner's process manager (JavaScript): check it in the page"
            ));
        }
        match run_file::import(&text) {
            Ok(_) => emit("ok\n", ExitCode::SUCCESS),
            Err(e @ ImportError::Mismatch(_)) => {
                emit(&format!("{}\n", cli::shown(&format!("{path}: {e}"))), ExitCode::from(1))
            }
            Err(e) => fail(&format!("--check: {path}: {e}")),
        }
    }

    /// The workshop's rules on a run file's history: exit 0 when they hold, 1 when one is
    /// broken, 2 when the file cannot be read.
    fn check_rules(path: &str) -> ExitCode {
        let text = match cli::read_json_file(path) {
            Ok(t) => t,
            Err(e) => return fail(&format!("--check-rules: {path}: {e}")),
        };
        match brigade::history_rules::check(&text) {
            Ok(check) => {
                let code = if check.broken.is_some() { ExitCode::from(1) } else { ExitCode::SUCCESS };
                emit(&check.to_text(), code)
            }
            Err(e) => fail(&format!("--check-rules: {path}: {e}")),
        }
    }

    /// Writes `text` to stdout and exits with `code`; a write failure (a full disk, a closed
    /// pipe) exits 1 with one line on stderr.
    fn emit(text: &str, code: ExitCode) -> ExitCode {
        match write_out(|out| out.write_all(text.as_bytes())) {
            c if c == ExitCode::SUCCESS => code,
            failed => failed,
        }
    }

    /// Runs `write` on a buffered stdout and flushes it: success, or exit 1 with one line
    /// on stderr when a write fails (a full disk, a closed pipe).
    fn write_out(write: impl FnOnce(&mut BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>) -> ExitCode {
        let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        match write(&mut out).and_then(|()| out.flush()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "brigade: cannot write to stdout: {e}");
                ExitCode::from(1)
            }
        }
    }

    /// Bad input: one line on stderr (what the user typed shown escaped), exit 2.
    fn fail(message: &str) -> ExitCode {
        let _ = writeln!(std::io::stderr(), "brigade: {}", cli::shown(message));
        ExitCode::from(2)
    }
}
