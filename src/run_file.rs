//! The run file (CONTRACT §2): export a run as JSON, and import one by re-simulating it.
//!
//! A run file holds the config and the user inputs (enough to re-simulate), the history
//! (every published message) and the report. Importing re-simulates from config and
//! inputs and refuses a file whose history differs from what the simulation produces.

use crate::message::HistoryEntry;
use crate::report::Report;
use crate::scenario::{clean_serde_error, Config, ConfigError};
use crate::sim::{Input, World};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Serialize, Serializer};
use thiserror::Error;

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
    /// The `format` field is missing or not `brigade-run`.
    #[error("not a brigade run file (format is {0:?}, expected \"brigade-run\")")]
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

#[derive(Serialize)]
struct RunFileOut<'a> {
    format: &'static str,
    version: u32,
    config: &'a Config,
    inputs: &'a [Input],
    history: History<'a>,
    report: Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    view: Option<View>,
}

struct History<'a>(&'a World);

impl Serialize for History<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let store = self.0.store();
        let mut seq = s.serialize_seq(Some(store.len()))?;
        for (i, env) in store.messages().enumerate() {
            seq.serialize_element(&HistoryEntry::new(i as u32, env))?;
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

/// The same run file on one line, without indentation: about 40 % smaller, for the page's
/// downloads of long runs.
pub fn export_compact(world: &World, view: Option<View>) -> String {
    serde_json::to_string(&file_of(world, view)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn file_of(world: &World, view: Option<View>) -> RunFileOut<'_> {
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

#[derive(Deserialize)]
struct RunFileIn {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
    config: Option<serde_json::Value>,
    #[serde(default)]
    inputs: Option<serde_json::Value>,
    history: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    view: Option<View>,
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

/// Reads a run file: JSON, format, version, config and inputs.
pub fn parse(text: &str) -> Result<ParsedRun, ImportError> {
    let file: RunFileIn =
        serde_json::from_str(text).map_err(|e| ImportError::Json(clean_serde_error(&e.to_string())))?;
    match file.format.as_ref().and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        _ => return Err(ImportError::Format(file.format.map_or("missing".into(), |f| f.to_string()))),
    }
    match file.version.as_ref().and_then(|v| v.as_u64()) {
        Some(1) => {}
        Some(v) => return Err(ImportError::Version(v)),
        None => return Err(ImportError::Json("`version` is missing or not a number".into())),
    }
    let config = file.config.ok_or_else(|| ImportError::Json("`config` is missing".into()))?;
    let config: Config = serde_path_to_error::deserialize(config).map_err(ConfigError::from_serde)?;
    config.validate()?;
    let inputs: Vec<Input> = match file.inputs {
        Some(v) => serde_path_to_error::deserialize(v).map_err(|e| {
            // name the input (counting from 1) when the path starts with its index
            let path = e.path().to_string();
            let message = clean_serde_error(&e.into_inner().to_string());
            let index = path.strip_prefix('[').and_then(|p| p.split(']').next()).and_then(|i| i.parse::<usize>().ok());
            ImportError::Inputs(match index {
                Some(i) => format!("input {}: {message}", i + 1),
                None => message,
            })
        })?,
        None => Vec::new(),
    };
    crate::sim::input::check_inputs(&inputs).map_err(ImportError::Inputs)?;
    let history = file.history.ok_or_else(|| ImportError::Json("`history` is missing".into()))?;
    Ok(ParsedRun { config, inputs, history, view: file.view })
}

/// Checks a world re-simulated to idle from a parsed run against the file's history.
pub fn verify(world: &World, history: &[serde_json::Value]) -> Result<(), ImportError> {
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
    check_history(world, history)
}

/// Re-simulates a run file to idle and checks its history. Returns the world and the
/// view the file recorded.
pub fn import(text: &str) -> Result<(World, Option<View>), ImportError> {
    let run = parse(text)?;
    let mut world = World::with_inputs(run.config, run.inputs)?;
    world.run_to_idle();
    verify(&world, &run.history)?;
    Ok((world, run.view))
}

fn check_history(world: &World, history: &[serde_json::Value]) -> Result<(), ImportError> {
    let store = world.store();
    for (i, (env, given)) in store.messages().zip(history).enumerate() {
        let expected =
            serde_json::to_value(HistoryEntry::new(i as u32, env)).map_err(|e| ImportError::Json(e.to_string()))?;
        if &expected != given {
            return Err(ImportError::Mismatch(describe_difference(i, &expected, given)));
        }
    }
    if store.len() != history.len() {
        return Err(ImportError::Mismatch(format!(
            "the file has {} messages, the simulation publishes {}",
            history.len(),
            store.len()
        )));
    }
    Ok(())
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
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}
