//! A person's inputs at the current step (an order placed, a version switched), the
//! recorded future they forget, their replay, and checkpoints of the moving parts.

use super::*;

impl World {
    /// The waiter takes one order now. Forgets any recorded future first. Returns the
    /// order's correlation id.
    pub fn place_order(&mut self, dodgy: bool) -> Uuid {
        self.record_input(Action::PlaceOrder { dodgy });
        self.input_correlation(self.inputs.len() - 1)
    }

    /// The correlation id of the order placed by input number `index`.
    fn input_correlation(&self, index: usize) -> Uuid {
        ids::fresh(&mut Rng::stream(self.cfg.seed, INPUT_STREAM + index as u64))
    }

    /// New orders from now on use process `version`. Forgets any recorded future first.
    pub fn set_process_version(&mut self, version: u8) -> Result<(), ConfigError> {
        crate::process::check_version(version).map_err(|e| ConfigError::new("process_version", e))?;
        self.record_input(Action::SetProcessVersion { version });
        Ok(())
    }

    pub(super) fn record_input(&mut self, action: Action) {
        self.truncate_future();
        self.inputs.push(Input { step: self.st.steps, action });
        self.apply_due_inputs();
    }

    /// Forgets the recorded future beyond the current step.
    pub fn truncate_future(&mut self) {
        self.store.truncate_frontier();
        self.trace.truncate(self.st.steps);
        // outputs decided before now and published in the forgotten future are pending again
        for (_, p) in self.st.scheduler.pending() {
            self.trace.published(p.output as usize, NOT_PUBLISHED);
        }
        self.faults.truncate(self.st.faults_len);
        self.completions.truncate(self.st.stats.completed as usize);
        self.printed.truncate(self.st.printed_len);
        self.samples.truncate(self.st.sampler.rows);
        self.inputs.truncate(self.st.next_input);
        self.actors.truncate(self.st.actors.len());
        if self.input_error.as_ref().is_some_and(|(i, _)| *i >= self.st.next_input) {
            self.input_error = None;
        }
    }

    #[inline]
    pub(super) fn apply_due_inputs(&mut self) {
        // a run without recorded inputs (the command line's) only tests this
        if self.st.next_input < self.inputs.len() {
            self.apply_inputs();
        }
    }

    #[inline(never)]
    pub(super) fn apply_inputs(&mut self) {
        while let Some(input) = self.inputs.get(self.st.next_input) {
            if input.step > self.st.steps {
                break;
            }
            let index = self.st.next_input as u64;
            self.st.next_input += 1;
            match input.action {
                Action::PlaceOrder { dodgy } => {
                    let corr = self.input_correlation(index as usize);
                    self.arrive(Request { dodgy: Some(dodgy), correlation_id: Some(corr) });
                    let entry = self.entry as usize;
                    self.st.sampler.observe(entry, self.st.mail[entry].len());
                }
                Action::SetProcessVersion { version } => self.st.version = version,
                _ => {
                    let action = input.action.clone();
                    match self.check_action(&action) {
                        Ok(()) => self.apply_action(&action),
                        Err(e) => {
                            // a replayed input that cannot happen here changes nothing
                            if self.input_error.is_none() {
                                self.input_error = Some((index as usize, format!("input {}: {e}", index + 1)));
                            }
                        }
                    }
                }
            }
        }
    }

    /// A checkpoint of the current step.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot { st: self.st.clone(), log_len: self.store.len() }
    }

    /// Goes back (or forward) to a checkpoint taken from this world's recorded run.
    pub fn restore(&mut self, snap: &Snapshot) {
        self.st = snap.st.clone();
        self.store.set_cursor(snap.log_len);
        self.apply_due_inputs();
    }
}

/// A checkpoint: the world's moving parts at one step; the frontier is not copied.
#[derive(Debug, Clone)]
pub struct Snapshot {
    st: Volatile,
    log_len: usize,
}

impl Snapshot {
    /// Steps done at this checkpoint.
    pub fn steps(&self) -> usize {
        self.st.steps
    }
}

impl Snapshot {
    /// About how many heap bytes this checkpoint holds: its mailboxes, pending
    /// publications and live processes (what grows with the backlog; the follows by
    /// correlation live in the store, which checkpoints do not copy). The timeline spaces
    /// checkpoints by it.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let st = &self.st;
        let mail: usize = st.mail.iter().map(VecDeque::len).sum();
        let houses: usize = st.actors.iter().map(|a| if let Actor::House(h) = a { h.heap_bytes() } else { 0 }).sum();
        let requests: usize = st.actors.iter().map(|a| if let Actor::Waiter(w) = a { w.orders.len() } else { 0 }).sum();
        mail * size_of::<Mail>() + requests * size_of::<Request>() + st.scheduler.heap_bytes() + houses
    }

    /// Trades places with `world` without copying either: the world goes to this
    /// checkpoint's step (as [`World::restore`] does) and this checkpoint then holds the
    /// step the world was at. Both must come from the same recorded run.
    pub fn swap_with(&mut self, world: &mut World) {
        std::mem::swap(&mut self.st, &mut world.st);
        let here = world.store.len();
        world.store.set_cursor(self.log_len);
        self.log_len = here;
        world.apply_due_inputs();
    }
}
