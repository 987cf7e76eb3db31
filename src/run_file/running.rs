//! The run file written while the run runs (the command line's `--format json`): each
//! message is written as it is published and the engine forgets the orders that are done
//! ([`World::run_forgetting`]), so a run of any length is written in the memory of its
//! live orders. The bytes are [`super::export`]'s for the same run.

use super::{RunFileOut, FORMAT, VERSION};
use crate::message::HistoryEntry;
use crate::report::Report;
use crate::sim::World;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use std::cell::RefCell;

/// The history: the world runs while it is written.
struct History<'a, 'w>(&'a RefCell<&'w mut World>);

impl Serialize for History<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut world = self.0.borrow_mut();
        let mut seq = s.serialize_seq(None)?;
        world.run_forgetting(|w, seqs| {
            for i in seqs {
                let env =
                    w.store().get(i).ok_or_else(|| S::Error::custom(format!("message {i} is not in the store")))?;
                seq.serialize_element(&HistoryEntry::new(i as u32, &env))?;
            }
            Ok(())
        })?;
        seq.end()
    }
}

/// The report of the run, made once the history is written (the run is over then).
struct LateReport<'a, 'w>(&'a RefCell<&'w mut World>);

impl Serialize for LateReport<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Report::of(&self.0.borrow()).serialize(s)
    }
}

/// Runs `world` to idle (from its start) while writing its run file to `out`, as
/// [`super::write`] would write it once the run is over, without keeping the run: each
/// message is written when it is published, and the orders that are done are forgotten
/// ([`World::forget_done`]). Afterwards the world is idle but cannot step back, and its
/// whole history is no longer there to read.
///
/// ```
/// use brigade::{run_file, scenario::Config, sim::World};
/// let cfg = Config { orders: 3, ..Config::default() };
/// let mut world = World::new(cfg.clone()).unwrap();
/// let mut out = Vec::new();
/// run_file::write_running(&mut world, &mut out).unwrap();
/// let mut kept = World::new(cfg).unwrap();
/// kept.run_to_idle();
/// assert_eq!(String::from_utf8(out).unwrap(), run_file::export(&kept, None));
/// ```
pub fn write_running(world: &mut World, out: impl std::io::Write) -> std::io::Result<()> {
    let (config, inputs) = (world.config().clone(), world.inputs().to_vec());
    let cell = RefCell::new(world);
    let file = RunFileOut {
        format: FORMAT,
        version: VERSION,
        config: &config,
        inputs: &inputs,
        history: History(&cell),
        report: LateReport(&cell),
        view: None,
    };
    serde_json::to_writer_pretty(out, &file).map_err(std::io::Error::from)
}
