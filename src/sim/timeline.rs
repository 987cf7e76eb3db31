//! Time travel: checkpoints plus re-execution over a deterministic world.
//!
//! A [`Timeline`] keeps the world at a *cursor* (the current step) and remembers the
//! whole known run (the *frontier*). Going back restores the nearest earlier checkpoint
//! and re-runs forward; because the world is deterministic, this reproduces the same
//! state exactly. Re-running a recorded stretch only moves the store's cursor.
//!
//! Checkpoints are taken every [`Timeline::interval`] steps, at the multiples of it. A
//! checkpoint copies the moving parts of the world, which grow with the backlog (a
//! thousand orders placed at once are a thousand mailbox entries and live processes), so
//! together they are held to a *pool* of bytes fixed by the run's memory budget
//! ([`crate::sim::budget::checkpoint_pool`]: [`CHECKPOINT_BYTES_PER_MESSAGE`] for every
//! message the budget plans for). When a new checkpoint would overflow the pool, the
//! earliest checkpoints not at a multiple of twice the interval are let go, one by one,
//! until the rest fit; when none is left to let go, the interval doubles. The pool is never
//! exceeded, and no seek re-runs more than the longest gap between two checkpoints
//! ([`Timeline::longest_rerun`]): twice the interval at most, the interval late in the run
//! (it starts at [`CHECKPOINT_EVERY`]).
//!
//! A seek that re-runs more than [`NEAR_BACK`] steps also keeps one copy of the world
//! [`NEAR_BACK`] steps before where it lands (one copy, replaced by the next such seek):
//! stepping back from there re-runs at most that many steps.

use super::input::Action;
use super::world::{Snapshot, StepOutcome, World};
use crate::scenario::ConfigError;
use uuid::Uuid;

/// Steps between two checkpoints at first: the interval of a run whose checkpoints fit
/// the pool at this spacing (it doubles when they do not).
pub const CHECKPOINT_EVERY: usize = 512;

/// Checkpoint bytes the memory budget plans for each message of the run
/// ([`crate::sim::budget::BYTES_PER_MESSAGE`] counts them): the checkpoints of a run
/// together hold at most this much per message its budget allows for.
pub const CHECKPOINT_BYTES_PER_MESSAGE: usize = 128;

/// How far before the step a long seek lands on it keeps a copy of the world (see the
/// module docs): the most steps a step back from there re-runs.
pub const NEAR_BACK: usize = 256;

/// A world with checkpoints: step forward and back, and jump to any step.
#[derive(Debug, Clone)]
pub struct Timeline {
    world: World,
    checkpoints: Vec<Snapshot>,
    /// Heap bytes of each checkpoint (`Snapshot::heap_bytes`, taken once).
    sizes: Vec<usize>,
    /// Their sum.
    bytes: usize,
    /// Steps between two checkpoints: they are at the multiples of it.
    interval: usize,
    /// The step at which the next checkpoint is due.
    next_checkpoint: usize,
    /// The world at the end of the known run, kept while the cursor is elsewhere: growing
    /// the run starts from here instead of re-running from the last checkpoint.
    frontier: Option<Snapshot>,
    frontier_idle: bool,
    /// The copy a long seek kept [`NEAR_BACK`] steps before where it landed.
    near: Option<Snapshot>,
    /// Steps re-run by seeks so far (what time travel costs; tests read it).
    rerun: u64,
    /// Checkpoints taken so far, those let go included (each one a copy of the world).
    taken: u64,
}

impl Timeline {
    /// A timeline at step 0 of `world`. Time travel works on an
    /// [untraced](World::untraced) world too, but its steps have no records for the views:
    /// give it the world as [`World::new`] makes it.
    pub fn new(world: World) -> Self {
        let mut t = Timeline {
            world,
            checkpoints: Vec::new(),
            sizes: Vec::new(),
            bytes: 0,
            interval: CHECKPOINT_EVERY,
            next_checkpoint: 0,
            frontier: None,
            frontier_idle: false,
            near: None,
            rerun: 0,
            taken: 0,
        };
        t.checkpoint();
        t
    }

    fn checkpoint(&mut self) {
        let snap = self.world.snapshot();
        let bytes = snap.heap_bytes();
        self.taken += 1;
        self.checkpoints.push(snap);
        self.sizes.push(bytes);
        self.bytes += bytes;
        self.thin();
    }

    /// The bytes the checkpoints may hold together: the pool of the run's memory budget,
    /// orders placed by inputs included.
    pub fn pool(&self) -> usize {
        let world = &self.world;
        let placed = super::budget::placed_orders(world.inputs());
        usize::try_from(super::budget::checkpoint_pool(world.config(), placed)).unwrap_or(usize::MAX)
    }

    /// While the checkpoints overflow the pool, lets go of the earliest one that is not at a
    /// multiple of twice the interval (never the one at step 0), and when every one is,
    /// doubles the interval; then sets the next one due. So the gaps are the interval late in
    /// the run and twice that earlier on, as the pool allows.
    fn thin(&mut self) {
        let pool = self.pool();
        while self.bytes > pool && self.checkpoints.len() > 1 {
            let coarse = 2 * self.interval;
            match self.checkpoints.iter().position(|c| c.steps() % coarse != 0) {
                Some(i) => {
                    self.checkpoints.remove(i);
                    self.bytes -= self.sizes.remove(i);
                }
                None => self.interval = coarse,
            }
        }
        self.set_next_checkpoint();
    }

    /// The next checkpoint is due at the first multiple of the interval after the last one
    /// and after the cursor (the newest one may just have been let go).
    fn set_next_checkpoint(&mut self) {
        let at = self.checkpoints.last().map_or(0, Snapshot::steps).max(self.world.steps());
        self.next_checkpoint = at - at % self.interval + self.interval;
    }

    /// Checkpoints kept.
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// Checkpoints taken since this timeline was made, those let go since included: each
    /// one copied the world, so there are never more than one every [`CHECKPOINT_EVERY`]
    /// new steps.
    pub fn checkpoints_taken(&self) -> u64 {
        self.taken
    }

    /// Steps between two new checkpoints now (those of the run's start may be twice as far
    /// apart).
    pub fn interval(&self) -> usize {
        self.interval
    }

    /// The most steps a seek re-runs now: the longest gap between two checkpoints (at most
    /// twice the interval), or the interval.
    pub fn longest_rerun(&self) -> usize {
        let gaps = self.checkpoints.windows(2).map(|w| w[1].steps() - w[0].steps());
        gaps.max().unwrap_or(0).max(self.interval)
    }

    /// About how many heap bytes the checkpoints hold together (never more than
    /// [`Timeline::pool`], unless the one at step 0 alone does).
    pub fn pooled_bytes(&self) -> usize {
        self.bytes
    }

    /// About how many heap bytes the checkpoints hold together, with the copies of the
    /// frontier and of the world near the cursor (each at most one world).
    pub fn checkpoint_bytes(&self) -> usize {
        self.bytes
            + self.frontier.as_ref().map_or(0, Snapshot::heap_bytes)
            + self.near.as_ref().map_or(0, Snapshot::heap_bytes)
    }

    /// Steps re-run by seeks (and steps back) since this timeline was made.
    pub fn steps_rerun(&self) -> u64 {
        self.rerun
    }

    /// The world at the cursor.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Steps done at the cursor.
    pub fn current(&self) -> usize {
        self.world.steps()
    }

    /// Steps in the known run.
    pub fn total(&self) -> usize {
        self.world.frontier_steps()
    }

    /// Whether the known run ends idle (nothing left to do after its last step).
    pub fn frontier_idle(&self) -> bool {
        self.frontier_idle
    }

    /// One step forward (re-executing a recorded step, or extending the run).
    pub fn step(&mut self) -> Option<StepOutcome> {
        let at_frontier = self.world.steps() == self.world.frontier_steps();
        if at_frontier && self.frontier_idle {
            return None;
        }
        if at_frontier {
            // the end moves on: a copy of the old end is of no use
            self.frontier = None;
        }
        let outcome = self.world.step();
        match &outcome {
            // re-executed steps lie before the last checkpoint, so only new ones qualify
            Some(o) if o.step >= self.next_checkpoint => self.checkpoint(),
            Some(_) => {}
            None => self.frontier_idle = true,
        }
        outcome
    }

    /// One step back; `false` at step 0.
    pub fn step_back(&mut self) -> bool {
        let current = self.current();
        if current == 0 {
            return false;
        }
        self.seek(current - 1);
        true
    }

    /// Moves the cursor to step `target` (clamped to the known run).
    pub fn seek(&mut self, target: usize) {
        let target = target.min(self.total());
        let current = self.current();
        if target == current {
            return;
        }
        if target == self.total() && target > current {
            if let Some(mut end) = self.frontier.take().filter(|end| end.steps() == target) {
                // the end is traded in; what it receives (the old cursor) is not needed
                end.swap_with(&mut self.world);
                return;
            }
        }
        // from the checkpoint at or before the target (at most `longest_rerun` steps before
        // it), unless the cursor is nearer
        if target < current || target - current > self.interval {
            let i = self.checkpoints.partition_point(|c| c.steps() <= target).saturating_sub(1);
            let checkpoint = &self.checkpoints[i];
            // the copy a long seek kept, when it is nearer (and no later than the target)
            let base = match &self.near {
                Some(near) if near.steps() <= target && near.steps() > checkpoint.steps() => near,
                _ => checkpoint,
            };
            if target < current || base.steps() > current {
                self.world.restore(base);
            }
        }
        // a long way to re-run: keep a copy NEAR_BACK steps before the target on the way
        let keep_at = (target.saturating_sub(self.current()) > NEAR_BACK).then(|| target - NEAR_BACK);
        while self.current() < target {
            if self.world.step().is_none() {
                break;
            }
            self.rerun += 1;
            if Some(self.current()) == keep_at {
                self.near = Some(self.world.snapshot());
            }
        }
    }

    /// Runs the known run to its end and then on until idle; the cursor ends there.
    pub fn run_to_idle(&mut self) -> usize {
        self.seek(self.total());
        while self.step().is_some() {}
        self.current()
    }

    /// Grows the known run by up to `max_steps` without moving the cursor. Returns
    /// `true` once the known run ends idle.
    ///
    /// When the cursor is elsewhere, the world goes to the end of the run and back. The
    /// state it leaves is kept aside and traded back in place (no copy), and the end is
    /// kept the same way for the next call: growing a run in many small pieces costs no
    /// more than growing it in one, however big its backlog.
    pub fn extend(&mut self, max_steps: usize) -> bool {
        if self.frontier_idle {
            return true;
        }
        let total = self.total();
        let mut aside = match self.frontier.take().filter(|end| end.steps() == total) {
            Some(mut end) => {
                end.swap_with(&mut self.world);
                end
            }
            None => {
                let here = self.world.snapshot();
                self.seek(total);
                here
            }
        };
        for _ in 0..max_steps {
            if self.step().is_none() {
                break;
            }
        }
        aside.swap_with(&mut self.world);
        self.frontier = Some(aside);
        self.frontier_idle
    }

    /// The waiter takes one order at the cursor; the run after the cursor is forgotten.
    pub fn place_order(&mut self, dodgy: bool) -> Uuid {
        self.diverge();
        self.world.place_order(dodgy)
    }

    /// New orders from the cursor on use `version`; the run after the cursor is forgotten.
    pub fn set_process_version(&mut self, version: u8) -> Result<(), ConfigError> {
        // checked before forgetting anything: a bad version loses nothing
        crate::process::check_version(version).map_err(|e| ConfigError::new("process_version", e))?;
        self.diverge();
        self.world.set_process_version(version)
    }

    /// Carries out a person's action at the cursor (see [`World::act`]): a bad one is
    /// refused with a one-line reason and loses nothing; otherwise the run after the cursor
    /// is forgotten and the action is recorded at the cursor.
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        // checked before forgetting anything
        self.world.check_action(&action)?;
        self.diverge();
        self.world.act(action)
    }

    /// Forgets the run after the cursor (the checkpoints past it too), so that an input
    /// made at the cursor starts a new future.
    pub fn diverge(&mut self) {
        let current = self.current();
        self.world.truncate_future();
        // checkpoints after the cursor belong to the forgotten run; one at the cursor is
        // still right, since restoring applies the inputs due at its step
        let keep = self.checkpoints.partition_point(|c| c.steps() <= current);
        self.checkpoints.truncate(keep);
        self.sizes.truncate(keep);
        self.bytes = self.sizes.iter().sum();
        self.set_next_checkpoint();
        self.frontier = None;
        self.frontier_idle = false;
        self.near = None;
    }
}
