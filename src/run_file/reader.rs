//! The streaming reader of a run file: its head (format, version, config, inputs) read
//! as JSON values, then its history one message at a time, each compared as it is read
//! with the message the re-simulation publishes at its position.

use super::same::Same;
use super::strict::{self, StrictIgnore, StrictValue};
use super::{
    check_inputs, check_length, clip, describe_difference, plain, plain_serde_error, ImportError, Resimulate, View,
    FORMAT,
};
use crate::message::HistoryEntry;
use crate::scenario::{Config, ConfigError};
use crate::sim::{Input, World};
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;

/// The fields of a run file besides its history, as read.
#[derive(Default, Clone)]
pub(super) struct Head {
    pub(super) format: Option<serde_json::Value>,
    pub(super) version: Option<serde_json::Value>,
    pub(super) config: Option<serde_json::Value>,
    pub(super) inputs: Option<serde_json::Value>,
}

impl Head {
    /// Whether everything the re-simulation needs has been read.
    fn complete(&self) -> bool {
        self.format.is_some() && self.version.is_some() && self.config.is_some() && self.inputs.is_some()
    }

    /// Format, version, config and inputs checked, in that order.
    pub(super) fn check(self) -> Result<(Config, Vec<Input>), ImportError> {
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
pub(super) struct Checker<R> {
    sim: R,
    /// Messages of the file compared so far.
    checked: usize,
    /// Messages the file holds past the simulation's last (counted, not compared).
    beyond: usize,
}

impl<R: Resimulate> Checker<R> {
    pub(super) fn new(sim: R) -> Self {
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
        serde_json::to_value(HistoryEntry::new(i as u32, &env)).map(Some).map_err(|e| ImportError::Json(e.to_string()))
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
    pub(super) fn next(&mut self, given: &serde_json::Value) -> Result<(), ImportError> {
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
    pub(super) fn finish(mut self) -> Result<R, ImportError> {
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
pub(super) struct Reader<R, F> {
    pub(super) head: Head,
    pub(super) view: Option<View>,
    pub(super) start: Option<F>,
    pub(super) checker: Option<Checker<R>>,
    /// The history, when it could not be compared as it was read (or not compared at all).
    pub(super) history: Option<Vec<serde_json::Value>>,
    pub(super) seen_history: bool,
    /// The history was an array (`null` is a missing history).
    pub(super) history_read: bool,
    pub(super) seen_view: bool,
    /// Keep the history as read when nothing compares it ([`super::parse`]).
    pub(super) keep_history: bool,
    /// Where the reading is (named in the error of a repeated key).
    part: Part,
    /// Why the import stopped inside the JSON reader (which then only reports that it
    /// stopped).
    pub(super) stopped: Option<ImportError>,
}

impl<R: Resimulate, F: FnOnce(World) -> Result<R, ImportError>> Reader<R, F> {
    pub(super) fn new(start: Option<F>) -> Self {
        Reader {
            head: Head::default(),
            view: None,
            start,
            checker: None,
            history: None,
            seen_history: false,
            history_read: false,
            seen_view: false,
            keep_history: false,
            part: Part::Top,
            stopped: None,
        }
    }

    /// Reads the whole text, comparing the history as it goes when there is a `start`.
    pub(super) fn read(&mut self, text: &str) -> Result<(), ImportError> {
        let mut de = serde_json::Deserializer::from_str(super::without_bom(text));
        let read = FileSeed(self).deserialize(&mut de).and_then(|()| de.end());
        if let Some(e) = self.stopped.take() {
            return Err(e);
        }
        read.map_err(|e| {
            let message = plain_serde_error(&e);
            if strict::is_duplicate(&message) {
                ImportError::Json(format!("{message} in {}", self.part))
            } else {
                ImportError::Json(message)
            }
        })
    }

    /// Starts the re-simulation when the history begins, if the head is complete.
    fn begin_history(&mut self) -> Result<(), ImportError> {
        if !self.head.complete() {
            return Ok(());
        }
        let Some(start) = self.start.take() else { return Ok(()) };
        // the head is kept: a field given again after the history is a duplicate
        let (config, inputs) = self.head.clone().check()?;
        self.checker = Some(Checker::new(start(World::with_inputs(config, inputs)?)?));
        Ok(())
    }
}

/// Where in the file the reader is.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// The top-level object.
    Top,
    /// A top-level field.
    Field(&'static str),
    /// History message N (from 0).
    Message(usize),
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Part::Top => f.write_str("the run file"),
            Part::Field(name) => write!(f, "`{name}`"),
            Part::Message(n) => write!(f, "history message {n}"),
        }
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

/// Reads a top-level key: which one, and its text when it is none of the known ones.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = (Key, String);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = (Key, String);
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(match key {
            "format" => (Key::Format, String::new()),
            "version" => (Key::Version, String::new()),
            "config" => (Key::Config, String::new()),
            "inputs" => (Key::Inputs, String::new()),
            "history" => (Key::History, String::new()),
            "view" => (Key::View, String::new()),
            _ => (Key::Other, key.to_owned()),
        })
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
        let mut others: std::collections::HashSet<String> = std::collections::HashSet::new();
        while let Some((key, text)) = map.next_key_seed(KeySeed)? {
            reader.part = Part::Top;
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
                    reader.part = Part::Field("view");
                    let view = map.next_value_seed(StrictValue)?;
                    reader.view = serde_json::from_value(view).map_err(|e| A::Error::custom(format!("view: {e}")))?;
                    continue;
                }
                Key::Other => {
                    // the report and anything else: read past, but never a key twice
                    if others.contains(&text) {
                        return Err(A::Error::custom(strict::duplicate(&text)));
                    }
                    reader.part = Part::Field(if text == "report" { "report" } else { "the run file" });
                    map.next_value_seed(StrictIgnore)?;
                    others.insert(text);
                    continue;
                }
            };
            if slot.is_some() {
                return Err(A::Error::duplicate_field(name));
            }
            // read as given: `null` is told from a missing field by [`Head::check`]
            reader.part = Part::Field(name);
            *slot = Some(map.next_value_seed(StrictValue)?);
        }
        reader.part = Part::Top;
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
                reader.part = Part::Message(checker.checked + checker.beyond);
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
                        while seq.next_element_seed(StrictIgnore)?.is_some() {
                            checker.beyond += 1;
                            reader.part = Part::Message(checker.checked + checker.beyond);
                        }
                        break;
                    }
                }
            },
            // kept to compare once the head is read, or only read
            None if reader.start.is_some() || reader.keep_history => {
                let mut kept = Vec::new();
                reader.part = Part::Message(0);
                while let Some(given) = seq.next_element_seed(StrictValue)? {
                    kept.push(given);
                    reader.part = Part::Message(kept.len());
                }
                reader.history = Some(kept);
            }
            None => {
                let mut n = 0;
                reader.part = Part::Message(0);
                while seq.next_element_seed(StrictIgnore)?.is_some() {
                    n += 1;
                    reader.part = Part::Message(n);
                }
            }
        }
        reader.part = Part::Top;
        reader.history_read = true;
        Ok(())
    }
}
