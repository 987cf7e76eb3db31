//! The run file (CONTRACT §2): export a run as JSON, and import one by re-simulating it.
//!
//! A run file holds the config and the user inputs (enough to re-simulate), the history
//! (every published message) and the report. Importing re-simulates from config and
//! inputs and compares each message as the simulation publishes it: a file whose history
//! differs is refused at the first difference, without running the rest.

use crate::message::HistoryEntry;
use crate::report::Report;
use crate::scenario::{clean_serde_error, Config, ConfigError};
use crate::sim::{Input, Timeline, World};
use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
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
        .map(|(i, env)| serde_json::to_string(&HistoryEntry::new(i as u32, env)).map_or(0, |t| t.len() + 1))
        .sum();
    let per_message = sample / store.len().clamp(1, SAMPLE);
    (per_message * store.len()) / 10 * 11 + 4096 + 64 * world.inputs().len()
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

/// Reads a run file whole: JSON, format, version, config and inputs, and the history as
/// JSON values (for a re-simulation that cannot be compared as it goes; [`import`]
/// streams instead).
pub fn parse(text: &str) -> Result<ParsedRun, ImportError> {
    let file: RunFileIn = serde_json::from_str(text).map_err(|e| ImportError::Json(plain_serde_error(&e)))?;
    let head = Head { format: file.format, version: file.version, config: file.config, inputs: file.inputs };
    let (config, inputs) = head.check()?;
    let history = file.history.ok_or_else(|| ImportError::Json("`history` is missing".into()))?;
    Ok(ParsedRun { config, inputs, history, view: file.view })
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

/// The fields of a run file besides its history, as read.
#[derive(Default)]
struct Head {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
    config: Option<serde_json::Value>,
    inputs: Option<serde_json::Value>,
}

impl Head {
    /// Whether everything the re-simulation needs has been read.
    fn complete(&self) -> bool {
        self.format.is_some() && self.version.is_some() && self.config.is_some() && self.inputs.is_some()
    }

    /// Format, version, config and inputs checked, in that order.
    fn check(self) -> Result<(Config, Vec<Input>), ImportError> {
        // `null` stands for a missing field
        let given = |v: Option<serde_json::Value>| v.filter(|v| !v.is_null());
        let head = Head {
            format: given(self.format),
            version: given(self.version),
            config: given(self.config),
            inputs: given(self.inputs),
        };
        head.check_given()
    }

    fn check_given(self) -> Result<(Config, Vec<Input>), ImportError> {
        match self.format.as_ref().and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            _ => return Err(ImportError::Format(self.format.map_or("missing".into(), |f| clip(&f.to_string(), 80)))),
        }
        match self.version.as_ref().and_then(|v| v.as_u64()) {
            Some(1) => {}
            Some(v) => return Err(ImportError::Version(v)),
            None => return Err(ImportError::Json("`version` is missing or not a number".into())),
        }
        let config = self.config.ok_or_else(|| ImportError::Json("`config` is missing".into()))?;
        let config: Config = serde_path_to_error::deserialize(config).map_err(|e| {
            let mut e = ConfigError::from_serde(e);
            e.message = plain(&e.message);
            e
        })?;
        config.validate().map_err(|mut e| {
            e.message = plain(&e.message);
            e
        })?;
        let inputs: Vec<Input> = match self.inputs {
            Some(v) => serde_path_to_error::deserialize(v).map_err(|e| {
                // name the input (counting from 1) when the path starts with its index
                let path = e.path().to_string();
                let message = plain_serde_error(e.inner());
                let index =
                    path.strip_prefix('[').and_then(|p| p.split(']').next()).and_then(|i| i.parse::<usize>().ok());
                ImportError::Inputs(match index {
                    Some(i) => format!("input {}: {message}", i + 1),
                    None => message,
                })
            })?,
            None => Vec::new(),
        };
        crate::sim::input::check_inputs(&inputs).map_err(ImportError::Inputs)?;
        Ok((config, inputs))
    }
}

/// A re-simulation checked against a history, message by message.
struct Checker<R> {
    sim: R,
    /// Messages of the file compared so far.
    checked: usize,
    /// Messages the file holds past the simulation's last (counted, not compared).
    beyond: usize,
}

impl<R: Resimulate> Checker<R> {
    fn new(sim: R) -> Self {
        Checker { sim, checked: 0, beyond: 0 }
    }

    /// The message the simulation publishes at the file's next position (simulating
    /// until it does), as JSON; `None` once the simulation is idle short of it.
    fn expected(&mut self) -> Result<Option<serde_json::Value>, ImportError> {
        let i = self.checked;
        if self.beyond > 0 {
            return Ok(None);
        }
        while self.sim.world().store().len() <= i {
            if !self.sim.advance() {
                return Ok(None);
            }
            if let Some(e) = self.sim.world().input_error() {
                return Err(ImportError::Inputs(e.to_string()));
            }
        }
        let Some(env) = self.sim.world().store().get(i) else { return Ok(None) };
        serde_json::to_value(HistoryEntry::new(i as u32, env)).map(Some).map_err(|e| ImportError::Json(e.to_string()))
    }

    /// The file's next message compared with `expected`: `given` is the message as read
    /// when it may differ, `None` when it was found equal as it was read.
    fn compared(&mut self, expected: &serde_json::Value, given: Option<&serde_json::Value>) -> Result<(), ImportError> {
        match given {
            Some(given) if given != expected => {
                Err(ImportError::Mismatch(describe_difference(self.checked, expected, given)))
            }
            _ => {
                self.checked += 1;
                Ok(())
            }
        }
    }

    /// The file's next message, read whole.
    fn next(&mut self, given: &serde_json::Value) -> Result<(), ImportError> {
        match self.expected()? {
            Some(expected) => self.compared(&expected, Some(given)),
            None => {
                self.beyond += 1;
                Ok(())
            }
        }
    }

    /// The file's history has ended: the simulation runs to idle publishing nothing more,
    /// and every input is used.
    fn finish(mut self) -> Result<R, ImportError> {
        let in_file = self.checked + self.beyond;
        loop {
            let published = self.sim.world().store().len();
            if published > in_file {
                return Err(ImportError::Mismatch(format!(
                    "the file has {in_file} messages, the simulation publishes more (message {in_file} is missing)"
                )));
            }
            if !self.sim.advance() {
                break;
            }
            if let Some(e) = self.sim.world().input_error() {
                return Err(ImportError::Inputs(e.to_string()));
            }
        }
        check_inputs(self.sim.world())?;
        check_length(self.sim.world(), in_file)?;
        Ok(self.sim)
    }
}

/// Reads a run file in one pass: the head's fields as JSON values, then the history one
/// message at a time, compared by a [`Checker`] started (by `start`) when the history
/// begins, if the head was read by then; otherwise kept for later.
struct Reader<R, F> {
    head: Head,
    view: Option<View>,
    start: Option<F>,
    checker: Option<Checker<R>>,
    /// The history, when it could not be compared as it was read (or not compared at all).
    history: Option<Vec<serde_json::Value>>,
    seen_history: bool,
    /// The history was an array (`null` is a missing history).
    history_read: bool,
    seen_view: bool,
    /// Why the import stopped inside the JSON reader (which then only reports that it
    /// stopped).
    stopped: Option<ImportError>,
}

impl<R: Resimulate, F: FnOnce(World) -> Result<R, ImportError>> Reader<R, F> {
    fn new(start: Option<F>) -> Self {
        Reader {
            head: Head::default(),
            view: None,
            start,
            checker: None,
            history: None,
            seen_history: false,
            history_read: false,
            seen_view: false,
            stopped: None,
        }
    }

    /// Reads the whole text, comparing the history as it goes when there is a `start`.
    fn read(&mut self, text: &str) -> Result<(), ImportError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let read = FileSeed(self).deserialize(&mut de).and_then(|()| de.end());
        if let Some(e) = self.stopped.take() {
            return Err(e);
        }
        read.map_err(|e| ImportError::Json(plain_serde_error(&e)))
    }

    /// Starts the re-simulation when the history begins, if the head is complete.
    fn begin_history(&mut self) -> Result<(), ImportError> {
        if !self.head.complete() {
            return Ok(());
        }
        let Some(start) = self.start.take() else { return Ok(()) };
        let (config, inputs) = std::mem::take(&mut self.head).check()?;
        self.checker = Some(Checker::new(start(World::with_inputs(config, inputs)?)?));
        Ok(())
    }
}

/// Stops the reading with `e`, kept in `stopped` to be reported as the import's error.
fn stop<E: serde::de::Error>(stopped: &mut Option<ImportError>, e: ImportError) -> E {
    *stopped = Some(e);
    E::custom("the import stopped")
}

/// The top-level keys of a run file.
enum Key {
    Format,
    Version,
    Config,
    Inputs,
    History,
    View,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "format" => Key::Format,
                    "version" => Key::Version,
                    "config" => Key::Config,
                    "inputs" => Key::Inputs,
                    "history" => Key::History,
                    "view" => Key::View,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// The whole file: an object of the head's fields, the history, the report and the view.
struct FileSeed<'r, R, F>(&'r mut Reader<R, F>);

impl<'de, R: Resimulate, F: FnOnce(World) -> Result<R, ImportError>> DeserializeSeed<'de> for FileSeed<'_, R, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, R: Resimulate, F: FnOnce(World) -> Result<R, ImportError>> Visitor<'de> for FileSeed<'_, R, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a run file (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let reader = self.0;
        while let Some(key) = map.next_key::<Key>()? {
            let (slot, name) = match key {
                Key::Format => (&mut reader.head.format, "format"),
                Key::Version => (&mut reader.head.version, "version"),
                Key::Config => (&mut reader.head.config, "config"),
                Key::Inputs => (&mut reader.head.inputs, "inputs"),
                Key::History => {
                    if std::mem::replace(&mut reader.seen_history, true) {
                        return Err(A::Error::duplicate_field("history"));
                    }
                    if let Err(e) = reader.begin_history() {
                        return Err(stop(&mut reader.stopped, e));
                    }
                    map.next_value_seed(HistorySeed(&mut *reader))?;
                    continue;
                }
                Key::View => {
                    if std::mem::replace(&mut reader.seen_view, true) {
                        return Err(A::Error::duplicate_field("view"));
                    }
                    reader.view = map.next_value()?;
                    continue;
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if slot.is_some() {
                return Err(A::Error::duplicate_field(name));
            }
            // read as given: `null` is told from a missing field by [`Head::check`]
            *slot = Some(map.next_value()?);
        }
        Ok(())
    }
}

/// The history: compared message by message when a [`Checker`] runs, kept otherwise.
struct HistorySeed<'r, R, F>(&'r mut Reader<R, F>);

impl<'de, R: Resimulate, F: FnOnce(World) -> Result<R, ImportError>> DeserializeSeed<'de> for HistorySeed<'_, R, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, R: Resimulate, F: FnOnce(World) -> Result<R, ImportError>> Visitor<'de> for HistorySeed<'_, R, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the history (an array of messages)")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let reader = self.0;
        match reader.checker.as_mut() {
            // each message compared as it is read, against the simulation's
            Some(checker) => loop {
                match checker.expected() {
                    Err(e) => return Err(stop(&mut reader.stopped, e)),
                    Ok(Some(expected)) => match seq.next_element_seed(Same(&expected))? {
                        Some(given) => {
                            if let Err(e) = checker.compared(&expected, given.as_ref()) {
                                return Err(stop(&mut reader.stopped, e));
                            }
                        }
                        None => break,
                    },
                    // the simulation is idle: the file's further messages are only counted
                    Ok(None) => {
                        while seq.next_element::<IgnoredAny>()?.is_some() {
                            checker.beyond += 1;
                        }
                        break;
                    }
                }
            },
            // kept to compare once the head is read, or only read
            None if reader.start.is_some() => {
                let mut kept = Vec::new();
                while let Some(given) = seq.next_element::<serde_json::Value>()? {
                    kept.push(given);
                }
                reader.history = Some(kept);
            }
            None => while seq.next_element::<IgnoredAny>()?.is_some() {},
        }
        reader.history_read = true;
        Ok(())
    }
}

/// Compares a JSON value, as it is read, with `expected`, building nothing while they
/// agree: `None` when the value read equals `expected` (as `serde_json::Value`s compare),
/// otherwise the value read (rebuilt from `expected` up to where they part).
struct Same<'e>(&'e serde_json::Value);

type Json = serde_json::Value;

impl Same<'_> {
    fn scalar(&self, given: Json) -> Option<Json> {
        (*self.0 != given).then_some(given)
    }
}

impl<'de> DeserializeSeed<'de> for Same<'_> {
    type Value = Option<Json>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Json>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'e> Visitor<'de> for Same<'e> {
    type Value = Option<Json>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Option<Json>, E> {
        Ok(self.scalar(Json::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Option<Json>, E> {
        Ok(self.scalar(Json::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Option<Json>, E> {
        Ok(self.scalar(Json::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Option<Json>, E> {
        Ok(self.scalar(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Option<Json>, E> {
        Ok((self.0.as_str() != Some(v)).then(|| Json::String(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Option<Json>, E> {
        Ok((self.0.as_str() != Some(v.as_str())).then_some(Json::String(v)))
    }

    fn visit_unit<E>(self) -> Result<Option<Json>, E> {
        Ok(self.scalar(Json::Null))
    }

    fn visit_none<E>(self) -> Result<Option<Json>, E> {
        Ok(self.scalar(Json::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Json>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Json>, A::Error> {
        let (items, is_array) = match self.0.as_array() {
            Some(items) => (items.as_slice(), true),
            None => (&[][..], false),
        };
        let mut read = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match seq.next_element_seed(Same(item))? {
                Some(None) => {}
                Some(Some(given)) => {
                    read = items[..i].to_vec();
                    read.push(given);
                    break;
                }
                // shorter than expected
                None => return Ok(Some(Json::Array(items[..i].to_vec()))),
            }
        }
        if read.is_empty() {
            match seq.next_element::<Json>()? {
                None if is_array => return Ok(None),
                None => return Ok(Some(Json::Array(read))),
                Some(extra) => {
                    read = items.to_vec();
                    read.push(extra);
                }
            }
        }
        while let Some(item) = seq.next_element()? {
            read.push(item);
        }
        Ok(Some(Json::Array(read)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Json>, A::Error> {
        let empty = serde_json::Map::new();
        let object = self.0.as_object();
        // the keys found equal so far (the expected objects are small)
        let mut seen: [&str; 32] = [""; 32];
        let mut n = 0;
        let mut parted: Option<(String, Json)> = None;
        if let Some(object) = object {
            while let Some(key) = map.next_key_seed(KeyIn(object))? {
                match key {
                    Err(other) => {
                        parted = Some((other, map.next_value()?));
                        break;
                    }
                    Ok((k, expected)) => {
                        if n == seen.len() || seen[..n].iter().any(|s| std::ptr::eq(*s, k.as_str())) {
                            parted = Some((k.clone(), map.next_value()?));
                            break;
                        }
                        match map.next_value_seed(Same(expected))? {
                            None => {
                                seen[n] = k.as_str();
                                n += 1;
                            }
                            Some(given) => {
                                parted = Some((k.clone(), given));
                                break;
                            }
                        }
                    }
                }
            }
            if parted.is_none() && n == object.len() {
                return Ok(None);
            }
        }
        // the rest of the object is still to read
        let parted_or_other = parted.is_some() || object.is_none();
        // they part: the value read, from what agreed, where they parted and the rest
        let object = object.unwrap_or(&empty);
        let mut read = serde_json::Map::new();
        for k in &seen[..n] {
            read.insert((*k).to_owned(), object[*k].clone());
        }
        if let Some((k, v)) = parted {
            read.insert(k, v);
        }
        if parted_or_other {
            while let Some((k, v)) = map.next_entry::<String, Json>()? {
                read.insert(k, v);
            }
        }
        Ok(Some(Json::Object(read)))
    }
}

/// A key of an object read against the expected object: the expected key and value, or
/// the key read when the expected object has no such key.
struct KeyIn<'e>(&'e serde_json::Map<String, Json>);

impl<'de, 'e> DeserializeSeed<'de> for KeyIn<'e> {
    type Value = Result<(&'e String, &'e Json), String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'e> Visitor<'de> for KeyIn<'e> {
    type Value = Result<(&'e String, &'e Json), String>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.get_key_value(key).ok_or_else(|| key.to_owned()))
    }
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
            serde_json::to_value(HistoryEntry::new(i as u32, env)).map_err(|e| ImportError::Json(e.to_string()))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What [`Same`] makes of `text` against `expected`.
    fn same(expected: &Json, text: &str) -> Option<Json> {
        let mut de = serde_json::Deserializer::from_str(text);
        let read = Same(expected).deserialize(&mut de).unwrap();
        de.end().unwrap();
        read
    }

    #[test]
    fn same_agrees_with_json_equality_and_returns_what_it_read() {
        let expected = json!({"a": 1, "b": [1, {"c": "x"}, null], "d": {"e": true, "f": -2.5}});
        let texts = [
            r#"{"a":1,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"d":{"f":-2.5,"e":true},"b":[1,{"c":"x"},null],"a":1}"#,
            r#"{"a":1,"a":1,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":2,"a":1,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"a":2,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1.0,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"x"}],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"x"},null,4],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"y"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"x","g":0},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"x"},null],"d":{"e":true}}"#,
            r#"{"a":1,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5},"z":[{"q":1}]}"#,
            r#"{"a":1,"b":[1,{"c":"x"},null],"d":[true, -2.5]}"#,
            r#"{"a":1,"b":{"0":1},"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":"\u0031","b":[1,{"c":"\u0078"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"\u0078"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{}"#,
            r#"[]"#,
            r#"[1,{"a":1}]"#,
            r#""text""#,
            r#"-3"#,
            r#"null"#,
        ];
        for text in texts {
            let whole: Json = serde_json::from_str(text).unwrap();
            match same(&expected, text) {
                None => assert_eq!(whole, expected, "{text}"),
                Some(read) => {
                    assert_eq!(read, whole, "{text}");
                    // only a repeated key can make it unsure, and it then tells equal
                    assert!(read != expected || text.matches(r#""a":"#).count() > 1, "{text}");
                }
            }
        }
        for (expected, text) in [(json!([]), "[]"), (json!(null), "null"), (json!("é"), r#""\u00e9""#), (json!(7), "7")]
        {
            assert_eq!(same(&expected, text), None, "{text}");
        }
        assert_eq!(same(&json!([1]), "[]"), Some(json!([])));
        assert_eq!(same(&json!({}), r#"{"a":[1]}"#), Some(json!({"a": [1]})));
        assert_eq!(same(&json!(5), r#"{"a":[1]}"#), Some(json!({"a": [1]})));
        assert_eq!(same(&json!(5), "[1,[2]]"), Some(json!([1, [2]])));
    }
}
