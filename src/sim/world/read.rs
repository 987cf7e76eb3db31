//! Reading the world at the current step: what views, reports and the facade ask.

use super::*;
use crate::actors::printer::Receipt;

impl World {
    /// The run's config.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The learner's process manager this world runs, if it was given one
    /// ([`World::with_custom_process`]).
    pub fn custom_process(&self) -> Option<&CustomProcess> {
        self.custom.as_ref()
    }

    /// The process manager parameters of the run.
    pub fn params(&self) -> ProcessParams {
        self.params
    }

    /// Who hears what, and what each worker answers.
    pub fn wiring(&self) -> &Wiring {
        &self.wiring
    }

    /// The actors at the current step, in floor order (cooks hired during the run come
    /// after the printer).
    pub fn actors(&self) -> &[ActorInfo] {
        &self.actors[..self.st.actors.len()]
    }

    /// The actor called `name` at the current step (surrounding spaces and case ignored).
    pub fn actor_named(&self, name: &str) -> Option<ActorId> {
        let key = name.trim().to_lowercase();
        self.actors().iter().find(|a| a.name.to_lowercase() == key).map(|a| a.id)
    }

    /// A cook's cooking time and whether it is taking work, at the current step.
    pub fn cook_state(&self, actor: ActorId) -> Option<(u64, bool)> {
        match self.st.actors.get(actor as usize)? {
            Actor::Cook(c) => Some((c.ms, self.on_duty(actor))),
            _ => None,
        }
    }

    /// Any worker's time per message (cooking, pricing, a payment) and whether it is at
    /// work (not walked out or sent away), at the current step; `None` for the others.
    pub fn worker_state(&self, actor: ActorId) -> Option<(u64, bool)> {
        let ms = match self.st.actors.get(actor as usize)? {
            Actor::Cook(c) => return Some((c.ms, self.on_duty(actor))),
            Actor::AssistantManager(a) => a.ms,
            Actor::Cashier(c) => c.ms,
            _ => return None,
        };
        Some((ms, !self.sent_away(actor)))
    }

    /// The first input (`input N: …`) that could not apply when the run reached it: a
    /// message that was not waiting, a cook that was not there. It changed nothing.
    pub fn input_error(&self) -> Option<&str> {
        self.input_error.as_ref().map(|(_, e)| e.as_str())
    }

    /// The event store, up to the current step.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Simulated time of the current step.
    pub fn now(&self) -> u64 {
        self.st.now
    }

    /// Steps done.
    pub fn steps(&self) -> usize {
        self.st.steps
    }

    /// Steps recorded in the whole known run.
    pub fn frontier_steps(&self) -> usize {
        self.trace.len()
    }

    /// The record of step `step` (1-based), if done by the current step.
    pub fn trace_record(&self, step: usize) -> Option<TraceRecord> {
        if step == 0 || step > self.st.steps {
            return None;
        }
        self.trace.get(step - 1)
    }

    /// The record of step `step` (1-based) in the whole known run, after the cursor too:
    /// the views' questions about the future read it instead of moving the cursor there.
    pub fn known_record(&self, step: usize) -> Option<TraceRecord> {
        if step == 0 {
            return None;
        }
        self.trace.get(step - 1)
    }

    /// The output numbers step `step` (1-based, recorded as `rec`) decided: they follow the
    /// previous step's.
    fn output_numbers(&self, step: usize, rec: &TraceRecord) -> Range<u32> {
        let start = if step >= 2 { self.trace.get(step - 2).map_or(0, |r| r.outputs_end) } else { 0 };
        start..rec.outputs_end
    }

    /// The outputs of step `step` (1-based) in the whole known run, after the cursor too,
    /// as the trace holds them (a publication not published yet in the known run is
    /// [`NOT_PUBLISHED`]).
    pub fn known_outputs(&self, step: usize) -> Vec<OutputSlot> {
        let Some(rec) = self.known_record(step) else {
            return Vec::new();
        };
        self.output_numbers(step, &rec).filter_map(|k| self.trace.output(k as usize)).collect()
    }

    /// Every fault of the whole known run, after the cursor too, in step order.
    pub fn known_faults(&self) -> &[FaultRecord] {
        self.faults.known()
    }

    /// Where each output of step `step` (1-based, done by the current step) enters the
    /// history in the whole known run, after the cursor too: its store position there, or
    /// `None` (not published in the run computed so far, absorbed, or a hand-off). One
    /// entry per output the trace holds, in the order [`World::step_outputs`] gives them.
    pub fn known_publications(&self, step: usize) -> Vec<Option<u32>> {
        let Some(rec) = self.trace_record(step) else {
            return Vec::new();
        };
        self.output_numbers(step, &rec)
            .map(|k| match self.trace.output(k as usize) {
                Some(OutputSlot::Publication(seq)) if (seq as usize) < self.store.frontier_len() => Some(seq),
                _ => None,
            })
            .collect()
    }

    /// What step `step` (1-based, done by the current step) decided, in order: each
    /// output with the envelope, once it is known (published, or waiting to be).
    pub fn step_outputs(&self, step: usize) -> Vec<(OutputRecord, Option<Envelope>)> {
        let Some(rec) = self.trace_record(step) else {
            return Vec::new();
        };
        self.output_numbers(step, &rec)
            .filter_map(|k| match self.trace.output(k as usize)? {
                OutputSlot::Handed { seq, to } => {
                    let env = self.store.frontier_get(seq as usize)?;
                    let out =
                        OutputRecord { at_ms: rec.at_ms, seq, message_type: env.message_type(), handed_to: Some(to) };
                    Some((out, Some(env)))
                }
                OutputSlot::Absorbed(at_ms, message_type) => {
                    Some((OutputRecord { at_ms, seq: ABSORBED, message_type, handed_to: None }, None))
                }
                OutputSlot::Publication(seq) if (seq as usize) < self.store.len() => {
                    let env = self.store.get(seq as usize)?;
                    Some((
                        OutputRecord { at_ms: env.at_ms, seq, message_type: env.message_type(), handed_to: None },
                        Some(env),
                    ))
                }
                OutputSlot::Publication(_) => {
                    // not published by the current step: waiting in the scheduler
                    let (at_ms, p) = self.st.scheduler.find(k)?;
                    let out =
                        OutputRecord { at_ms, seq: NOT_PUBLISHED, message_type: p.env.message_type(), handed_to: None };
                    Some((out, Some(p.env.clone())))
                }
            })
            .collect()
    }

    /// Faults up to the current step.
    pub fn faults(&self) -> &[FaultRecord] {
        self.faults.seen(self.st.faults_len)
    }

    /// How long each order completed by the current step took, placed → completed in
    /// simulated ms, in the order they completed.
    pub fn completion_times(&self) -> &[u64] {
        self.completions.seen(self.st.stats.completed as usize)
    }

    /// Receipts the printer printed up to the current step.
    pub fn receipts(&self) -> Vec<Receipt> {
        self.printed
            .seen(self.st.printed_len)
            .iter()
            .map(|p| {
                Receipt::of(self.store.order_no(&p.correlation_id).unwrap_or(0), p.correlation_id, p.at_ms, &p.document)
            })
            .collect()
    }

    /// Counters at the current step.
    pub fn stats(&self) -> &Stats {
        &self.st.stats
    }

    /// The user inputs of the run.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// Inputs not applied yet (they lie beyond the current step).
    pub fn inputs_pending(&self) -> usize {
        self.inputs.len() - self.st.next_input
    }

    /// Process version for orders that start now.
    pub fn process_version(&self) -> u8 {
        self.st.version
    }

    /// Messages waiting for `actor` (for the waiter: orders to take).
    pub fn queue_len(&self, actor: ActorId) -> usize {
        self.st.mail.get(actor as usize).map_or(0, |m| m.len())
    }

    /// The store positions of the messages waiting in `actor`'s mailbox, head first,
    /// with when each entered it (a mail number, increasing) and its copy.
    pub fn mailbox(&self, actor: ActorId) -> Vec<(u32, u8)> {
        let messages = |m: &VecDeque<Mail>| m.iter().filter(|m| m.seq != TAKE_ORDER).map(|m| (m.seq, m.copy)).collect();
        self.st.mail.get(actor as usize).map_or_else(Vec::new, messages)
    }

    /// Until when `actor` is busy.
    pub fn busy_until(&self, actor: ActorId) -> u64 {
        self.st.busy_until[actor as usize]
    }

    /// Messages `actor` has handled.
    pub fn handled(&self, actor: ActorId) -> u32 {
        self.st.load[actor as usize].handled
    }

    /// `actor`'s queue and work, added up by the current step (see [`crate::sim::load`]).
    pub fn load(&self, actor: ActorId) -> crate::sim::load::Load {
        self.st.load.get(actor as usize).copied().unwrap_or_default()
    }

    /// Live process managers in the house (orders with something still owed).
    pub fn live_processes(&self) -> usize {
        self.st.actors.iter().map(|a| if let Actor::House(house) = a { house.live() } else { 0 }).sum()
    }

    /// Messages decided but not yet published (alarms included): `(due time, envelope,
    /// publisher)`, earliest first.
    pub fn pending(&self) -> Vec<(u64, &Envelope, ActorId)> {
        self.st.scheduler.pending().into_iter().map(|(at, p)| (at, &p.env, p.publisher)).collect()
    }

    /// Messages decided but not yet published, by publisher (alarms included).
    pub fn pending_from(&self, actor: ActorId) -> usize {
        self.st.scheduler.pending_count_of(actor)
    }

    /// The messages `actor` decided and has not yet published (alarms included), earliest
    /// first.
    pub fn pending_of(&self, actor: ActorId) -> Vec<&Envelope> {
        self.st.scheduler.pending_of(actor).into_iter().map(|(_, p)| &p.env).collect()
    }

    /// The queue-length samples up to the current step, plus the interval being filled.
    /// One value per actor present at the current step, in each row (0 for a cook not yet
    /// hired).
    pub fn samples(&self) -> (Vec<u64>, Vec<u16>) {
        let (buckets, values, _) = self.samples_with_taken();
        (buckets, values)
    }

    /// [`World::samples`], and beside each queue length the messages that actor took in
    /// the interval (its throughput over time).
    pub fn samples_with_taken(&self) -> (Vec<u64>, Vec<u16>, Vec<u16>) {
        let rows = self.st.sampler.rows;
        let n = self.st.sampler.peak.len();
        let mut buckets = self.samples.buckets.seen(rows).to_vec();
        let mut values = Vec::with_capacity((rows + 1) * n);
        let mut taken = Vec::with_capacity((rows + 1) * n);
        // the rows keep each actor's takes in all: a row's are the difference with the last
        let mut before = vec![0u32; n];
        let mut take = |taken: &mut Vec<u16>, all: &mut dyn Iterator<Item = u32>| {
            for was in before.iter_mut() {
                let now = all.next().unwrap_or(*was);
                taken.push(now.saturating_sub(*was).min(u16::MAX as u32) as u16);
                *was = now;
            }
        };
        for r in 0..rows {
            let row = self.samples.row(r);
            values.extend_from_slice(&row[..row.len().min(n)]);
            values.resize((r + 1) * n, 0);
            take(&mut taken, &mut self.samples.taken_row(r).iter().copied());
        }
        if self.st.steps > 0 {
            buckets.push(self.st.sampler.bucket);
            values.extend_from_slice(&self.st.sampler.peak);
            take(&mut taken, &mut self.st.load.iter().map(|l| l.taken));
        }
        (buckets, values, taken)
    }

    /// Whether nothing is left to do.
    pub fn is_idle(&self) -> bool {
        self.next_event_time().is_none()
    }

    /// The alarm clock's actor id.
    pub fn alarm_clock(&self) -> ActorId {
        self.alarm_clock
    }

    /// The house's actor id.
    pub fn house(&self) -> ActorId {
        self.actors.iter().find(|a| a.kind == ActorKind::House).map_or(0, |a| a.id)
    }

    /// The printer's actor id.
    pub fn printer(&self) -> ActorId {
        self.actors.iter().find(|a| a.kind == ActorKind::Printer).map_or(0, |a| a.id)
    }

    /// Whether the process managers run the orders (the wiring has a house).
    pub fn has_process_managers(&self) -> bool {
        self.wiring.has_process_managers()
    }

    /// The role of actor `actor`.
    pub fn role(&self, actor: ActorId) -> Option<Role> {
        self.actors.get(actor as usize).map(|a| a.kind.role())
    }
}
