//! The run file (CONTRACT §2): export a run as JSON, and import one by re-simulating it.
//!
//! A run file holds the config and the user inputs (enough to re-simulate), the history
//! (every published message) and the report. Importing re-simulates from config and
//! inputs and compares each message as the simulation publishes it: a file whose history
//! differs is refused at the first difference, without running the rest.

mod reader;
mod running;
mod same;
pub mod strict;

use crate::message::HistoryEntry;
use crate::report::Report;
use crate::scenario::{clean_serde_error, Config, ConfigError};
use crate::sim::{Input, Timeline, World};
use reader::{Checker, Reader};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Serialize, Serializer};
use thiserror::Error;

pub use running::write_running;

/// The `format` field of every run file.
pub const FORMAT: &str = "brigade-run";
/// The run-file version this crate writes and reads.
pub const VERSION: u32 = 1;

/// Why a run file was refused.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ImportError {
    /// The text is not JSON, or not an object of the expected shape.
    #[error("not a readable run file: {0}")]
    Json(String),
    /// The `format` field is missing or not `brigade-run` (the value as JSON text, or
    /// `missing`).
    #[error("not a brigade run file (format is {0}, expected \"brigade-run\")")]
    Format(String),
    /// A run-file version this build cannot read.
    #[error("run file version {0} is not supported (this build reads version 1)")]
    Version(u64),
    /// The config cannot run.
    #[error("config: {0}")]
    Config(#[from] ConfigError),
    /// An input can never happen in this run.
    #[error("inputs: {0}")]
    Inputs(String),
    /// The history differs from the re-simulation.
    #[error("the history does not match the simulation: {0}")]
    Mismatch(String),
}

/// What the page keeps of its view in an exported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct View {
    /// The step the page showed.
    pub step: usize,
}

/// The run file's fields in their order; the history and the report are whatever writes
/// them (the known run's, or made as the run runs: `running.rs`).
#[derive(Serialize)]
struct RunFileOut<'a, H, R> {
    format: &'static str,
    version: u32,
    config: &'a Config,
    inputs: &'a [Input],
    history: H,
    report: R,
    #[serde(skip_serializing_if = "Option::is_none")]
    view: Option<View>,
}

struct History<'a>(&'a World);

impl Serialize for History<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let store = self.0.store();
        let mut seq = s.serialize_seq(Some(store.len()))?;
        for (i, env) in store.messages().enumerate() {
            seq.serialize_element(&HistoryEntry::new(i as u32, &env))?;
        }
        seq.end()
    }
}

/// The run file of `world` as it stands (normally run to idle), as pretty JSON.
///
/// ```
/// use brigade::{run_file, scenario::Config, sim::World};
/// let mut world = World::new(Config { orders: 2, ..Config::default() }).unwrap();
/// world.run_to_idle();
/// let text = run_file::export(&world, None);
/// let again = run_file::import(&text).unwrap();
/// assert_eq!(run_file::export(&again.0, None), text);
/// ```
pub fn export(world: &World, view: Option<View>) -> String {
    serde_json::to_string_pretty(&file_of(world, view)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// [`export`] written to `out` as it is serialised, one history entry at a time: the
/// file is never whole in memory (the CLI's `--format json` writes 1,000,000 orders this
/// way). The bytes are [`export`]'s.
///
/// ```
/// use brigade::{run_file, scenario::Config, sim::World};
/// let mut world = World::new(Config { orders: 2, ..Config::default() }).unwrap();
/// world.run_to_idle();
/// let mut out = Vec::new();
/// run_file::write(&world, None, &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), run_file::export(&world, None));
/// ```
pub fn write(world: &World, view: Option<View>, out: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(out, &file_of(world, view)).map_err(std::io::Error::from)
}

/// `text` without a leading UTF-8 byte-order mark (U+FEFF), which some editors write: a
/// run file or config read anywhere (the page, `--check`, `--config`) is read the same
/// with or without one.
///
/// ```
/// assert_eq!(brigade::run_file::without_bom("\u{feff}{}"), "{}");
/// ```
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The same run file on one line, without indentation: about 40 % smaller, for the page's
/// downloads of long runs.
pub fn export_compact(world: &World, view: Option<View>) -> String {
    // room for the whole text at once: growing by doubling would need up to three times it
    let mut out = Vec::with_capacity(compact_size_estimate(world));
    match serde_json::to_writer(&mut out, &file_of(world, view)) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => format!("{{\"error\": \"{e}\"}}"),
    }
}

/// About how many bytes [`export_compact`] writes for `world` (measured on its first
/// messages, plus a tenth).
pub fn compact_size_estimate(world: &World) -> usize {
    const SAMPLE: usize = 1000;
    let store = world.store();
    let sample: usize = store
        .messages()
        .take(SAMPLE)
        .enumerate()
        .map(|(i, env)| serde_json::to_string(&HistoryEntry::new(i as u32, &env)).map_or(0, |t| t.len() + 1))
        .sum();
    let per_message = sample / store.len().clamp(1, SAMPLE);
    (per_message * store.len()) / 10 * 11 + 4096 + 64 * world.inputs().len()
}

fn file_of(world: &World, view: Option<View>) -> RunFileOut<'_, History<'_>, Report> {
    RunFileOut {
        format: FORMAT,
        version: VERSION,
        config: world.config(),
        inputs: world.inputs(),
        history: History(world),
        report: Report::of(world),
        view,
    }
}

/// A run file read and checked for shape, not yet re-simulated.
#[derive(Debug, Clone)]
pub struct ParsedRun {
    /// The validated config.
    pub config: Config,
    /// The user inputs, in step order.
    pub inputs: Vec<Input>,
    /// The history as written in the file.
    pub history: Vec<serde_json::Value>,
    /// The view the file recorded.
    pub view: Option<View>,
}

/// Reads a run file whole: JSON, format, version, config and inputs, and the history as
/// JSON values (for a re-simulation that cannot be compared as it goes; [`import`]
/// streams instead).
pub fn parse(text: &str) -> Result<ParsedRun, ImportError> {
    let mut reader = Reader::<World, fn(World) -> Result<World, ImportError>>::new(None);
    reader.keep_history = true;
    reader.read(text)?;
    let (config, inputs) = reader.head.check()?;
    let history = reader.history.ok_or_else(|| ImportError::Json("`history` is missing".into()))?;
    Ok(ParsedRun { config, inputs, history, view: reader.view })
}

/// The config of a run file, checked as [`parse`] checks it, without keeping its history
/// (which is read, not stored).
pub fn parse_config(text: &str) -> Result<Config, ImportError> {
    let mut reader = Reader::<World, fn(World) -> Result<World, ImportError>>::new(None);
    reader.read(text)?;
    let (config, _) = reader.head.check()?;
    if !reader.history_read {
        return Err(ImportError::Json("`history` is missing".into()));
    }
    Ok(config)
}

/// Checks a world re-simulated to idle from a parsed run against the file's history.
pub fn verify(world: &World, history: &[serde_json::Value]) -> Result<(), ImportError> {
    check_inputs(world)?;
    let mut checked = 0;
    check_published(world, history, &mut checked)?;
    check_length(world, history.len())
}

/// What an import re-simulates into: a plain [`World`], or a [`Timeline`] that keeps
/// checkpoints for time travel (the page).
pub trait Resimulate {
    /// One step; `false` once idle.
    fn advance(&mut self) -> bool;
    /// The world as it stands.
    fn world(&self) -> &World;
}

impl Resimulate for World {
    fn advance(&mut self) -> bool {
        self.step().is_some()
    }
    fn world(&self) -> &World {
        self
    }
}

impl Resimulate for Timeline {
    fn advance(&mut self) -> bool {
        self.step().is_some()
    }
    fn world(&self) -> &World {
        Timeline::world(self)
    }
}

/// Re-simulates a run file and checks its history as it goes: each message the
/// simulation publishes is compared with the file's message at the same position, and
/// the first difference (or a file that ends early) stops the import at once. Returns
/// the world, run to idle, and the view the file recorded.
///
/// The one check of a run file: the CLI's `--check` and the page's import both use it
/// (the page through [`import_into`], to keep checkpoints).
pub fn import(text: &str) -> Result<(World, Option<View>), ImportError> {
    import_into(text, Ok)
}

/// [`import`], re-simulating into what `start` makes of the world at step 0 (a
/// [`Timeline`] for the page, after checking that it fits in memory). `start` runs after
/// the file's config and inputs are read and checked, and before anything is simulated.
///
/// The history is read one message at a time, each compared as soon as it is read with
/// the message the re-simulation publishes at its position: memory holds the run and
/// one message of the file, never the file's whole JSON tree, and a difference is
/// reported without reading further. (A file that puts its `history` before its
/// `format`, `version`, `config` and `inputs`, which this crate never writes, has its
/// history kept and compared once they are read.)
pub fn import_into<R: Resimulate>(
    text: &str,
    start: impl FnOnce(World) -> Result<R, ImportError>,
) -> Result<(R, Option<View>), ImportError> {
    let mut reader = Reader::new(Some(start));
    reader.read(text)?;
    let view = reader.view;
    let missing = || ImportError::Json("`history` is missing".into());
    let checker = match (reader.checker, reader.history) {
        (Some(checker), _) if reader.history_read => checker,
        (Some(_), _) => return Err(missing()),
        (None, kept) => {
            // the history came before the rest of the head, or not at all
            let (config, inputs) = reader.head.check()?;
            let kept = kept.ok_or_else(missing)?;
            let start = reader.start.take().expect("not started");
            let mut checker = Checker::new(start(World::with_inputs(config, inputs)?)?);
            for given in &kept {
                checker.next(given)?;
            }
            checker
        }
    };
    Ok((checker.finish()?, view))
}

fn check_inputs(world: &World) -> Result<(), ImportError> {
    if let Some(e) = world.input_error() {
        return Err(ImportError::Inputs(e.to_string()));
    }
    if world.inputs_pending() > 0 {
        return Err(ImportError::Inputs(format!(
            "{} input(s) come after the run's last step ({})",
            world.inputs_pending(),
            world.steps()
        )));
    }
    Ok(())
}

/// Compares the messages published since `checked` with the file's.
fn check_published(world: &World, history: &[serde_json::Value], checked: &mut usize) -> Result<(), ImportError> {
    let store = world.store();
    while *checked < store.len() {
        let i = *checked;
        let Some(given) = history.get(i) else {
            return Err(ImportError::Mismatch(format!(
                "the file has {} messages, the simulation publishes more (message {i} is missing)",
                history.len()
            )));
        };
        let Some(env) = store.get(i) else { break };
        let expected =
            serde_json::to_value(HistoryEntry::new(i as u32, &env)).map_err(|e| ImportError::Json(e.to_string()))?;
        if &expected != given {
            return Err(ImportError::Mismatch(describe_difference(i, &expected, given)));
        }
        *checked += 1;
    }
    Ok(())
}

fn check_length(world: &World, in_file: usize) -> Result<(), ImportError> {
    let published = world.store().len();
    if published != in_file {
        return Err(ImportError::Mismatch(format!(
            "the file has {in_file} messages, the simulation publishes {published}"
        )));
    }
    Ok(())
}

/// A serde error in plain words: no position, no Rust type names, no huge quotes.
fn plain_serde_error(e: &serde_json::Error) -> String {
    plain(&clean_serde_error(&e.to_string()))
}

/// Rust type names in an error message said as a person would, and long quotes cut.
pub fn plain(message: &str) -> String {
    let mut text = clip_quotes(message, 80);
    for (jargon, words) in [
        ("usize", "a whole number from 0 to 4294967295"),
        ("u64", "a whole number from 0 to 18446744073709551615"),
        ("u32", "a whole number from 0 to 4294967295"),
        ("u16", "a whole number from 0 to 65535"),
        ("u8", "a whole number from 0 to 255"),
        ("f64", "a number"),
        ("i64", "a whole number"),
    ] {
        text = text.replace(&format!("expected {jargon}"), &format!("expected {words}"));
    }
    text
}

/// `text` with every quoted part (`"…"` or `` `…` ``) longer than `max` characters cut
/// to its first `max`, and the whole kept to a few hundred characters.
pub fn clip_quotes(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(4 * max + 200));
    let mut quote: Option<(char, usize)> = None;
    for ch in text.chars() {
        match quote {
            Some((q, _)) if ch == q => {
                quote = None;
                out.push(ch);
            }
            Some((q, n)) => {
                if n < max {
                    out.push(ch);
                } else if n == max {
                    out.push('…');
                }
                quote = Some((q, n + 1));
            }
            None => {
                if ch == '"' || ch == '`' {
                    quote = Some((ch, 0));
                }
                out.push(ch);
            }
        }
    }
    clip(&out, 4 * max + 160)
}

/// At most `max` characters of `text`, with `…` when cut.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn describe_difference(seq: usize, expected: &serde_json::Value, given: &serde_json::Value) -> String {
    if let (Some(e), Some(g)) = (expected.as_object(), given.as_object()) {
        for (key, ev) in e {
            match g.get(key) {
                None => return format!("message {seq} has no `{key}`"),
                Some(gv) if gv != ev => {
                    return format!(
                        "message {seq}: `{key}` is {} in the file, {} in the simulation",
                        short(gv),
                        short(ev)
                    )
                }
                _ => {}
            }
        }
        if let Some(extra) = g.keys().find(|k| !e.contains_key(*k)) {
            return format!("message {seq} has an unexpected field `{extra}`");
        }
    }
    format!("message {seq} differs")
}

fn short(v: &serde_json::Value) -> String {
    clip(&v.to_string(), 60)
}
