//! Time travel: checkpoints plus re-execution over a deterministic world.
//!
//! A [`Timeline`] keeps the world at a *cursor* (the current step) and remembers the
//! whole known run (the *frontier*). Going back restores the nearest earlier checkpoint
//! and re-runs forward; because the world is deterministic, this reproduces the same
//! state exactly. Re-running a recorded stretch only moves the store's cursor, so the
//! cost of any jump is bounded by the checkpoint interval, whatever the run's length.

use super::input::Action;
use super::world::{Snapshot, StepOutcome, World};
use crate::scenario::ConfigError;
use uuid::Uuid;

/// Steps between two checkpoints.
pub const CHECKPOINT_EVERY: usize = 512;

/// A world with checkpoints: step forward and back, and jump to any step.
#[derive(Debug, Clone)]
pub struct Timeline {
    world: World,
    checkpoints: Vec<Snapshot>,
    frontier_idle: bool,
}

impl Timeline {
    /// A timeline at step 0 of `world`.
    pub fn new(world: World) -> Self {
        let checkpoints = vec![world.snapshot()];
        Timeline { world, checkpoints, frontier_idle: false }
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
        let outcome = self.world.step();
        match &outcome {
            Some(o) => {
                if o.step % CHECKPOINT_EVERY == 0 && self.checkpoints.last().is_some_and(|c| c.steps() < o.step) {
                    self.checkpoints.push(self.world.snapshot());
                }
            }
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
        if target < current || target - current > CHECKPOINT_EVERY {
            let i = self.checkpoints.partition_point(|c| c.steps() <= target).saturating_sub(1);
            if target < current || self.checkpoints[i].steps() > current {
                self.world.restore(&self.checkpoints[i]);
            }
        }
        while self.current() < target {
            if self.world.step().is_none() {
                break;
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
    pub fn extend(&mut self, max_steps: usize) -> bool {
        if self.frontier_idle {
            return true;
        }
        let cursor = self.current();
        self.seek(self.total());
        for _ in 0..max_steps {
            if self.step().is_none() {
                break;
            }
        }
        self.seek(cursor);
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
        self.checkpoints.retain(|c| c.steps() <= current);
        self.frontier_idle = false;
    }
}
