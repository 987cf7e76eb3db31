//! Questions about the whole known run, after the cursor too, answered without moving the
//! cursor: where a message enters the history, where it is delivered, the next or previous
//! step with a fault, a timeout, a retry or a completion, the step where an order completes.
//! The page asks these through the facade instead of seeking ahead and back (a hidden write
//! to the shared cursor) or reading every step (seconds on a long run).
//!
//! A [`RunIndex`] is kept as the run is computed: each call to [`RunIndex::update`] reads
//! only the steps recorded since the last one (a few per step of the run in all), and an
//! input that changes the future forgets what it indexed after the input's step.

use crate::message::{CausationId, MessageType};
use crate::sim::trace::OutputSlot;
use crate::sim::{ActorKind, Input, World, NOT_PUBLISHED, TAIL};
use crate::wiring::Role;
use std::collections::HashMap;
use uuid::Uuid;

/// The first step (1-based) of the known run after which the store holds more than `seq`
/// messages: the step during which message `seq` enters the history. `None` when the run
/// computed so far has not published it.
///
/// ```
/// use brigade::scenario::Config;
/// use brigade::sim::World;
///
/// let mut world = World::new(Config { orders: 1, ..Config::default() }).unwrap();
/// world.run_to_idle();
/// let step = brigade::run_index::step_publishing(&world, 0).unwrap();
/// assert!(world.trace_record(step).unwrap().log_end > 0);
/// assert!(step == 1 || world.trace_record(step - 1).unwrap().log_end == 0);
/// ```
pub fn step_publishing(world: &World, seq: u32) -> Option<usize> {
    let total = world.frontier_steps();
    let (mut lo, mut hi) = (1, total + 1);
    // `log_end` never shrinks along a run
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match world.known_record(mid) {
            Some(r) if r.log_end <= seq => lo = mid + 1,
            _ => hi = mid,
        }
    }
    (lo <= total).then_some(lo)
}

/// The steps (1-based) of the known run that delivered message `seq`, with the copy each
/// delivered (0, or 1 for the second copy of a duplicated delivery).
pub fn delivery_steps(world: &World, seq: u32) -> Vec<(usize, u8)> {
    let Some(first) = step_publishing(world, seq) else {
        return Vec::new();
    };
    (first..=world.frontier_steps())
        .filter_map(|s| world.known_record(s).map(|r| (s, r)))
        .filter(|(_, r)| r.seq == seq)
        .map(|(s, r)| (s, r.copy))
        .collect()
}

/// Something that happens at a step of the run, asked for by what it is rather than where
/// (a tour stop's moment): [`moment_step`] answers the first step it happens at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// An actor handles a message of this type; of this role only, when one is given.
    Handled(MessageType, Option<Role>),
    /// A handler decides a message of this type (published or absorbed; not the tail).
    Decided(MessageType),
    /// Something a handler decided is absorbed by the idempotent store.
    Absorbed,
}

/// The first step after `after` (1-based) of the known run, after the cursor too, at which
/// `moment` happens; `None` when it does not happen in the run computed so far. The cursor
/// does not move: it reads only the trace and the store.
///
/// ```
/// use brigade::message::MessageType;
/// use brigade::run_index::{moment_step, Moment};
/// use brigade::scenario::Config;
/// use brigade::sim::World;
/// use brigade::wiring::Role;
///
/// let mut world = World::new(Config { orders: 2, ..Config::default() }).unwrap();
/// world.run_to_idle();
/// let cooked = moment_step(&world, Moment::Handled(MessageType::FoodCooked, Some(Role::House)), 0).unwrap();
/// assert!(moment_step(&world, Moment::Decided(MessageType::FoodCooked), 0).unwrap() < cooked);
/// assert_eq!(moment_step(&world, Moment::Handled(MessageType::FoodCooked, Some(Role::Cook)), 0), None);
/// ```
pub fn moment_step(world: &World, moment: Moment, after: usize) -> Option<usize> {
    (after + 1..=world.frontier_steps()).find(|&step| happens_at(world, moment, step))
}

fn happens_at(world: &World, moment: Moment, step: usize) -> bool {
    let Some(record) = world.known_record(step) else {
        return false;
    };
    match moment {
        Moment::Handled(t, role) => {
            record.seq < TAIL
                && world.store().frontier_type(record.seq as usize) == Some(t)
                && role.is_none_or(|r| world.role(record.actor) == Some(r))
        }
        Moment::Decided(t) => {
            record.seq != TAIL
                && world.known_outputs(step).into_iter().any(|slot| match slot {
                    OutputSlot::Publication(NOT_PUBLISHED) | OutputSlot::Handed { .. } => false,
                    OutputSlot::Publication(seq) => world.store().frontier_type(seq as usize) == Some(t),
                    OutputSlot::Absorbed(_, absorbed) => absorbed == t,
                })
        }
        Moment::Absorbed => world.known_outputs(step).into_iter().any(|slot| matches!(slot, OutputSlot::Absorbed(..))),
    }
}

/// The kinds of step the page jumps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A delivery lost, doubled, delayed, or refused, rejected or absorbed by its receiver.
    Fault,
    /// The house hears a `StepTimedOut`.
    Timeout,
    /// The house answers a timeout or an expiry by asking again for work or a refund.
    Retry,
    /// An `OrderCompleted` is decided.
    Completion,
}

impl Mark {
    /// The mark named `name` (`fault`, `timeout`, `retry`, `completion`).
    pub fn from_name(name: &str) -> Option<Mark> {
        match name {
            "fault" => Some(Mark::Fault),
            "timeout" => Some(Mark::Timeout),
            "retry" => Some(Mark::Retry),
            "completion" => Some(Mark::Completion),
            _ => None,
        }
    }
}

/// A delivery its receiver refused: what the receiver decided about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The step that delivered it.
    pub step: u32,
    /// `Rejected` (MessageRejected decided), `Refused` (PaymentRefused), or `Absorbed`
    /// (the idempotent store held the decision's id already).
    pub kind: RefusalKind,
    /// The message delivered.
    pub seq: u32,
    /// The decided message's type.
    pub message_type: MessageType,
    /// Where the decided message entered the history; when absorbed, the message already
    /// in the history that it repeats (the same decision on the first copy: the one the
    /// page marks absorbed), or `None` if that is not found.
    pub out: Option<u32>,
}

/// What a receiver made of a delivery it refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// It published `MessageRejected`.
    Rejected,
    /// It published `PaymentRefused`.
    Refused,
    /// What it decided was absorbed by the idempotent store.
    Absorbed,
}

impl RefusalKind {
    /// The page's word for it.
    pub fn name(self) -> &'static str {
        match self {
            RefusalKind::Rejected => "rejected",
            RefusalKind::Refused => "refused",
            RefusalKind::Absorbed => "absorbed",
        }
    }
}

/// The steps of each [`Mark`], ascending, each once: what "next fault / timeout / retry /
/// completion" reads, for a simulated run ([`RunIndex`]) and an observed one alike.
#[derive(Debug, Clone, Default)]
pub struct MarkSteps {
    /// Steps that showed a fault.
    pub faults: Vec<u32>,
    /// Steps at which the house heard a `StepTimedOut`.
    pub timeouts: Vec<u32>,
    /// Steps at which the house asked again after a timeout or an expiry.
    pub retries: Vec<u32>,
    /// Steps at which an order completed.
    pub completions: Vec<u32>,
}

impl MarkSteps {
    /// The steps of `mark`.
    pub fn of(&self, mark: Mark) -> &[u32] {
        match mark {
            Mark::Fault => &self.faults,
            Mark::Timeout => &self.timeouts,
            Mark::Retry => &self.retries,
            Mark::Completion => &self.completions,
        }
    }

    /// The first step after `after` with `mark`.
    pub fn next(&self, mark: Mark, after: usize) -> Option<usize> {
        let list = self.of(mark);
        list.get(list.partition_point(|&x| x as usize <= after)).map(|&x| x as usize)
    }

    /// The last step before `before` with `mark`.
    pub fn prev(&self, mark: Mark, before: usize) -> Option<usize> {
        let list = self.of(mark);
        list[..list.partition_point(|&x| (x as usize) < before)].last().map(|&x| x as usize)
    }

    /// How many steps up to `step` (inclusive) have `mark`.
    pub fn count_upto(&self, mark: Mark, step: usize) -> usize {
        self.of(mark).partition_point(|&x| x as usize <= step)
    }

    /// Forgets every step after `step`.
    fn forget_after(&mut self, step: u32) {
        for list in [&mut self.faults, &mut self.timeouts, &mut self.retries, &mut self.completions] {
            list.truncate(list.partition_point(|&x| x <= step));
        }
    }
}

/// Steps of the known run by what they did, kept as the run is computed (see the module
/// docs). Steps are 1-based; a person's fault applied before the first step counts at 0.
#[derive(Debug, Clone, Default)]
pub struct RunIndex {
    /// The inputs of the run indexed (a change means a changed future).
    inputs: Vec<Input>,
    /// Whether the known run, as last read, ends idle (see [`RunIndex::update_known`]).
    idle: bool,
    /// Steps indexed: a prefix of the known run.
    upto: usize,
    marks: MarkSteps,
    refusals: Vec<Refusal>,
    /// Correlation id → the step that decided its `OrderCompleted`.
    completed: HashMap<Uuid, u32>,
    /// By message seq: the step of its first delivery ([`NONE`] while undelivered).
    first_delivery: Vec<u32>,
    /// Later deliveries (a duplicate's second copy, a redelivery): (seq, step), in step order.
    more_deliveries: Vec<(u32, u32)>,
}

/// No step.
const NONE: u32 = u32::MAX;

impl RunIndex {
    /// An empty index.
    pub fn new() -> Self {
        RunIndex::default()
    }

    /// Steps indexed so far (a prefix of the known run).
    pub fn upto(&self) -> usize {
        self.upto
    }

    /// Reads the steps recorded since the last call, first forgetting what an input changed.
    /// An output the run has not published yet has no type to read: the index stops before
    /// its step until a later call finds it published.
    pub fn update(&mut self, world: &World) {
        self.update_known(world, false);
    }

    /// [`RunIndex::update`] for a known run that ends idle (`idle`): an output still not
    /// published then never will be (a crash lost it: the alarm clock's alarms, a busy
    /// worker's answers), and its step is indexed without it instead of waiting for ever.
    pub fn update_known(&mut self, world: &World, idle: bool) {
        self.idle = idle;
        let inputs = world.inputs();
        if inputs != self.inputs.as_slice() {
            let same = inputs.iter().zip(&self.inputs).take_while(|(a, b)| a == b).count();
            let changed = inputs[same..].iter().chain(&self.inputs[same..]).map(|i| i.step).min().unwrap_or(0);
            self.forget_after(changed);
            self.inputs = inputs.to_vec();
        }
        let total = world.frontier_steps();
        if total < self.upto {
            self.forget_after(total);
        }
        let known_faults = world.known_faults();
        let mut f = known_faults.partition_point(|f| (f.step as usize) <= self.upto);
        while self.upto < total {
            let step = self.upto + 1;
            if !self.index_step(world, step) {
                break;
            }
            let mut faulty = false;
            while f < known_faults.len() && known_faults[f].step as usize <= step {
                faulty = true;
                f += 1;
            }
            if faulty && self.marks.faults.last() != Some(&(step as u32)) {
                insert_sorted(&mut self.marks.faults, step as u32);
            }
            self.upto = step;
        }
    }

    /// Indexes one step from its outputs; `false` (and nothing noted) while one of them is
    /// not published in the known run yet.
    fn index_step(&mut self, world: &World, step: usize) -> bool {
        let Some(record) = world.known_record(step) else {
            return false;
        };
        let outputs = world.known_outputs(step);
        let mut types = Vec::with_capacity(outputs.len());
        for slot in outputs {
            match slot {
                // lost in a crash when the run is idle; else not published yet
                OutputSlot::Publication(NOT_PUBLISHED) if self.idle => {}
                OutputSlot::Publication(NOT_PUBLISHED) => return false,
                OutputSlot::Publication(seq) => match world.store().frontier_type(seq as usize) {
                    Some(t) => types.push((t, Some(seq), false)),
                    None => return false,
                },
                OutputSlot::Absorbed(_, t) => types.push((t, None, true)),
                OutputSlot::Handed { .. } => {}
            }
        }
        let s = step as u32;
        if record.seq >= TAIL {
            return true;
        }
        let seq = record.seq as usize;
        if self.first_delivery.len() <= seq {
            self.first_delivery.resize(seq + 1, NONE);
        }
        if self.first_delivery[seq] == NONE {
            self.first_delivery[seq] = s;
        } else {
            self.more_deliveries.push((record.seq, s));
        }
        let delivered = world.store().frontier_type(record.seq as usize);
        let house = world.actors().get(record.actor as usize).is_some_and(|a| a.kind == ActorKind::House);
        if house && delivered == Some(MessageType::StepTimedOut) {
            self.marks.timeouts.push(s);
        }
        if house
            && matches!(delivered, Some(MessageType::StepTimedOut | MessageType::OrderExpired))
            && types.iter().any(|(t, _, _)| {
                matches!(
                    t,
                    MessageType::CookFood
                        | MessageType::PriceOrder
                        | MessageType::TakePayment
                        | MessageType::RefundPayment
                )
            })
        {
            self.marks.retries.push(s);
        }
        if types.iter().any(|(t, _, _)| *t == MessageType::OrderCompleted) {
            self.marks.completions.push(s);
            if let Some(env) = world.store().frontier_get(record.seq as usize) {
                self.completed.entry(env.correlation_id).or_insert(s);
            }
        }
        let mut refused = false;
        for &(t, out, absorbed) in &types {
            let kind = if absorbed {
                RefusalKind::Absorbed
            } else if t == MessageType::MessageRejected {
                RefusalKind::Rejected
            } else if t == MessageType::PaymentRefused {
                RefusalKind::Refused
            } else {
                continue;
            };
            let out = if absorbed { repeated(world, record.seq, t) } else { out };
            self.refusals.push(Refusal { step: s, kind, seq: record.seq, message_type: t, out });
            refused = true;
        }
        if refused {
            self.marks.faults.push(s);
        }
        true
    }

    /// Forgets every step after `step`.
    fn forget_after(&mut self, step: usize) {
        let s = step as u32;
        self.marks.forget_after(s);
        self.refusals.truncate(self.refusals.partition_point(|r| r.step <= s));
        self.completed.retain(|_, &mut at| at <= s);
        if self.upto > step {
            for first in self.first_delivery.iter_mut().filter(|first| **first != NONE && **first > s) {
                *first = NONE;
            }
            self.more_deliveries.truncate(self.more_deliveries.partition_point(|&(_, at)| at <= s));
        }
        self.upto = self.upto.min(step);
    }

    /// The first step after `after` with `mark`, among the steps indexed.
    pub fn next(&self, mark: Mark, after: usize) -> Option<usize> {
        self.marks.next(mark, after)
    }

    /// The last step before `before` with `mark`.
    pub fn prev(&self, mark: Mark, before: usize) -> Option<usize> {
        self.marks.prev(mark, before)
    }

    /// How many steps up to `step` (inclusive) have `mark`.
    pub fn count_upto(&self, mark: Mark, step: usize) -> usize {
        self.marks.count_upto(mark, step)
    }

    /// The step that decided the `OrderCompleted` of order `correlation_id`.
    pub fn completion_of(&self, correlation_id: &Uuid) -> Option<usize> {
        self.completed.get(correlation_id).map(|&s| s as usize)
    }

    /// The refusals of deliveries of message `seq`.
    pub fn refusals_of(&self, seq: u32) -> impl Iterator<Item = &Refusal> {
        self.refusals.iter().filter(move |r| r.seq == seq)
    }

    /// The steps that delivered message `seq`, in order, among the steps indexed.
    pub fn deliveries_of(&self, seq: u32) -> Vec<usize> {
        let Some(&first) = self.first_delivery.get(seq as usize).filter(|&&f| f != NONE) else {
            return Vec::new();
        };
        let mut steps = vec![first as usize];
        steps.extend(self.more_deliveries.iter().filter(|&&(q, _)| q == seq).map(|&(_, at)| at as usize));
        steps
    }

    /// Every refusal indexed, in step order.
    pub fn refusals(&self) -> &[Refusal] {
        &self.refusals
    }
}

/// Inserts `x` into the sorted `list` (a person's fault may be recorded at the step an
/// earlier refusal already noted).
fn insert_sorted(list: &mut Vec<u32>, x: u32) {
    let i = list.partition_point(|&y| y < x);
    if list.get(i) != Some(&x) {
        list.insert(i, x);
    }
}

/// The message already in the known history that a decision of type `t` on message `seq`,
/// absorbed by the idempotent store, repeats: the answer to `seq` (its causation) of type
/// `t`, else its answer of another type (a worker's answer keeps its id whatever it
/// decides: a second TakePayment's PaymentRefused repeats the first one's OrderPaid).
fn repeated(world: &World, seq: u32, t: MessageType) -> Option<u32> {
    let store = world.store();
    let cause = store.frontier_get(seq as usize)?;
    let answers: Vec<u32> = store
        .frontier_stream(&cause.correlation_id)
        .iter()
        .copied()
        .filter(|&s| store.frontier_get(s as usize).is_some_and(|m| m.causation_id == CausationId::of(cause.id)))
        .collect();
    answers.iter().copied().find(|&s| store.frontier_type(s as usize) == Some(t)).or(answers.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Config;
    use crate::sim::Timeline;
    use crate::view;

    fn chaos() -> Timeline {
        let config =
            Config { orders: 12, interval_ms: 80, drop: 0.15, duplicate: 0.15, dodgy: 0.4, ..Config::default() };
        let mut t = Timeline::new(World::new(config).unwrap());
        t.run_to_idle();
        t
    }

    #[test]
    fn deliveries_read_from_any_cursor_equal_the_ones_read_at_the_end() {
        let mut t = chaos();
        let messages = t.world().store().len() as u32;
        let at_end: Vec<_> = (0..messages).map(|seq| view::deliveries(t.world(), seq)).collect();
        assert!(at_end.iter().any(|d| d.len() == 2), "a duplicated delivery");
        assert!(at_end.iter().any(Vec::is_empty), "a message nobody receives");
        let mut index = RunIndex::new();
        index.update(t.world());
        for cursor in [0, 1, t.total() / 3, t.total() - 1] {
            t.seek(cursor);
            for seq in 0..messages {
                // from the index, and from the trace alone (an index not kept yet)
                assert_eq!(
                    view::deliveries_in_run(t.world(), &index, seq),
                    at_end[seq as usize],
                    "message {seq} at {cursor}"
                );
                assert_eq!(view::deliveries_in_run(t.world(), &RunIndex::new(), seq), at_end[seq as usize]);
            }
            assert_eq!(t.current(), cursor, "the cursor did not move");
        }
    }

    #[test]
    fn a_moment_is_found_where_a_scan_of_the_steps_finds_it_and_the_cursor_stays() {
        let mut t = chaos();
        let steps = view::steps(t.world(), 1, t.total() + 1);
        let handled = |t: MessageType, role: Option<Role>| {
            steps
                .iter()
                .find(|s| s.type_name == t.name() && role.is_none_or(|r| s.actor_kind == r.name()))
                .map(|s| s.step)
        };
        let decided = |t: MessageType| {
            steps
                .iter()
                .find(|s| s.kind != "tail" && s.outputs.iter().any(|o| o.type_name == t.name() && o.status != "handed"))
                .map(|s| s.step)
        };
        let absorbed = steps.iter().find(|s| s.outputs.iter().any(|o| o.status == "absorbed")).map(|s| s.step);
        let mut found = 0;
        for cursor in [0, t.total() / 2] {
            t.seek(cursor);
            for mt in MessageType::all() {
                for role in [None, Some(Role::House), Some(Role::Cook), Some(Role::Printer)] {
                    let step = moment_step(t.world(), Moment::Handled(mt, role), 0);
                    assert_eq!(step, handled(mt, role), "{mt:?} handled by {role:?}");
                    found += usize::from(step.is_some());
                }
                assert_eq!(moment_step(t.world(), Moment::Decided(mt), 0), decided(mt), "{mt:?} decided");
            }
            assert_eq!(moment_step(t.world(), Moment::Absorbed, 0), absorbed);
            assert_eq!(t.current(), cursor, "the cursor did not move");
        }
        assert!(found > 20, "{found} moments found");
        let first = moment_step(t.world(), Moment::Handled(MessageType::CookFood, None), 0).unwrap();
        let second = moment_step(t.world(), Moment::Handled(MessageType::CookFood, None), first).unwrap();
        assert!(second > first, "after a step, the next one");
        assert_eq!(moment_step(t.world(), Moment::Handled(MessageType::CookFood, None), t.total()), None);
    }

    #[test]
    fn a_message_is_published_by_the_step_that_lists_it() {
        let mut t = chaos();
        let steps = view::steps(t.world(), 1, t.total() + 1);
        t.seek(0);
        for s in &steps {
            for &seq in &s.published {
                assert_eq!(step_publishing(t.world(), seq), Some(s.step), "message {seq}");
            }
        }
        assert_eq!(step_publishing(t.world(), u32::MAX - 2), None);
    }

    #[test]
    fn a_decision_names_the_later_step_that_publishes_it() {
        let mut t = chaos();
        let at_end = view::steps(t.world(), 1, t.total() + 1);
        for s in at_end.iter().filter(|s| s.actor_kind == "house").take(20) {
            t.seek(s.step);
            let here = view::step(t.world(), s.step).unwrap();
            for (now, end) in here.outputs.iter().zip(&s.outputs) {
                if end.status != "published" {
                    continue;
                }
                let published = now.published_step.expect("known in the run");
                assert!(published > s.step, "decided at {}, published at {published}", s.step);
                assert!(at_end[published - 1].published.contains(&end.seq.unwrap()));
            }
        }
    }

    /// The marks read by scanning every step's view at the end (what the page did before).
    fn scanned(t: &Timeline) -> [Vec<usize>; 4] {
        let steps = view::steps(t.world(), 1, t.total() + 1);
        let retry = ["CookFood", "PriceOrder", "TakePayment", "RefundPayment"];
        let pick =
            |f: &dyn Fn(&view::StepView) -> bool| steps.iter().filter(|s| f(s)).map(|s| s.step).collect::<Vec<_>>();
        [
            pick(&|s| {
                !s.faults.is_empty()
                    || (s.seq.is_some()
                        && s.outputs.iter().any(|o| {
                            o.status == "absorbed"
                                || o.type_name == "MessageRejected"
                                || o.type_name == "PaymentRefused"
                        }))
            }),
            pick(&|s| s.actor_kind == "house" && s.type_name == "StepTimedOut"),
            pick(&|s| {
                s.actor_kind == "house"
                    && (s.type_name == "StepTimedOut" || s.type_name == "OrderExpired")
                    && s.outputs.iter().any(|o| retry.contains(&o.type_name))
            }),
            pick(&|s| s.kind != "tail" && s.outputs.iter().any(|o| o.type_name == "OrderCompleted")),
        ]
    }

    fn all_of(index: &RunIndex, mark: Mark) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(s) = index.next(mark, at) {
            out.push(s);
            at = s;
        }
        out
    }

    const MARKS: [Mark; 4] = [Mark::Fault, Mark::Timeout, Mark::Retry, Mark::Completion];

    #[test]
    fn the_index_kept_while_growing_equals_a_scan_of_every_step() {
        for config in [
            Config { orders: 12, interval_ms: 80, drop: 0.15, duplicate: 0.15, dodgy: 0.4, ..Config::default() },
            Config { orders: 20, drop: 0.1, duplicate: 0.1, idempotent_store: true, ..Config::default() },
        ] {
            let mut t = Timeline::new(World::new(config).unwrap());
            let mut index = RunIndex::new();
            // grown in small pieces with the cursor at 0, as the page grows a run
            while !t.extend(37) {
                index.update(t.world());
                assert_eq!(t.current(), 0);
            }
            index.update(t.world());
            assert_eq!(index.upto(), t.total(), "every step indexed once the run is idle");
            t.seek(t.total());
            let scanned = scanned(&t);
            for (mark, want) in MARKS.iter().zip(&scanned) {
                assert_eq!(&all_of(&index, *mark), want, "{mark:?}");
            }
            assert!(!scanned[0].is_empty() && !scanned[1].is_empty() && !scanned[3].is_empty());
            // previous and counts agree with the list
            let faults = &scanned[0];
            assert_eq!(index.prev(Mark::Fault, faults[1]), Some(faults[0]));
            assert_eq!(index.prev(Mark::Fault, faults[0]), None);
            assert_eq!(index.count_upto(Mark::Fault, faults[1]), 2);
        }
    }

    #[test]
    fn the_index_knows_every_delivery() {
        let mut t = chaos();
        let mut index = RunIndex::new();
        index.update(t.world());
        let messages = t.world().store().len() as u32;
        for seq in 0..messages {
            let steps: Vec<usize> = delivery_steps(t.world(), seq).into_iter().map(|(s, _)| s).collect();
            assert_eq!(index.deliveries_of(seq), steps, "message {seq}");
        }
        // after an input, the deliveries after it are forgotten, then found again
        let cut = t.total() / 2;
        t.seek(cut);
        t.place_order(false);
        index.update(t.world());
        assert!((0..messages).flat_map(|seq| index.deliveries_of(seq)).all(|s| s <= cut));
        t.run_to_idle();
        index.update(t.world());
        for seq in 0..t.world().store().len() as u32 {
            let steps: Vec<usize> = delivery_steps(t.world(), seq).into_iter().map(|(s, _)| s).collect();
            assert_eq!(index.deliveries_of(seq), steps, "message {seq} in the new future");
        }
    }

    #[test]
    fn the_faults_of_the_run_are_the_fault_marks() {
        let mut t = chaos();
        let mut index = RunIndex::new();
        index.update(t.world());
        t.seek(0);
        let all = view::faults_in_run(t.world(), &index, 0, t.total() + 1);
        let mut steps: Vec<usize> = all.iter().map(|f| f.step as usize).filter(|&s| s > 0).collect();
        steps.dedup();
        assert_eq!(steps, all_of(&index, Mark::Fault));
        assert!(all.iter().any(|f| f.fault == "rejected" && f.reason.is_some()), "a rejection with its reason");
        // pieces add up to the whole
        let half = t.total() / 2;
        let mut pieces = view::faults_in_run(t.world(), &index, 0, half);
        pieces.extend(view::faults_in_run(t.world(), &index, half, t.total() + 1));
        assert_eq!(pieces, all);
        for f in &all {
            assert!(view::faults_of_message(t.world(), &index, f.seq).contains(f));
        }
    }

    #[test]
    fn an_order_completes_at_the_step_that_decides_it() {
        let t = chaos();
        let mut index = RunIndex::new();
        index.update(t.world());
        let steps = view::steps(t.world(), 1, t.total() + 1);
        let mut seen = 0;
        for s in steps.iter().filter(|s| s.outputs.iter().any(|o| o.type_name == "OrderCompleted")) {
            let corr = s.correlation_id.unwrap();
            if index.completion_of(&corr) == Some(s.step) {
                seen += 1;
            }
        }
        assert!(seen > 5, "{seen} completions found");
        assert_eq!(index.completion_of(&Uuid::nil()), None);
    }

    #[test]
    fn an_input_behind_the_frontier_forgets_the_marks_after_it() {
        let mut t = chaos();
        let mut index = RunIndex::new();
        index.update(t.world());
        let before = all_of(&index, Mark::Completion);
        let cut = before[before.len() / 2];
        t.seek(cut);
        t.place_order(true);
        index.update(t.world());
        assert!(all_of(&index, Mark::Completion).iter().all(|&s| s <= cut), "nothing after the input is kept");
        t.run_to_idle();
        index.update(t.world());
        let scanned = scanned(&t);
        for (mark, want) in MARKS.iter().zip(&scanned) {
            assert_eq!(&all_of(&index, *mark), want, "{mark:?} after the new future");
        }
    }

    #[test]
    fn an_absorbed_decision_names_the_message_it_repeats() {
        let config = Config {
            orders: 12,
            interval_ms: 80,
            drop: 0.15,
            duplicate: 0.15,
            idempotent_store: true,
            ..Config::default()
        };
        let mut t = Timeline::new(World::new(config).unwrap());
        t.run_to_idle();
        let mut index = RunIndex::new();
        index.update(t.world());
        let store = t.world().store();
        let absorbed: Vec<_> = index.refusals().iter().filter(|r| r.kind == RefusalKind::Absorbed).collect();
        assert!(!absorbed.is_empty(), "duplicates absorbed");
        for r in absorbed {
            let out = r.out.expect("the message it repeats");
            let (cause, twin) =
                (store.frontier_get(r.seq as usize).unwrap(), store.frontier_get(out as usize).unwrap());
            assert_eq!(twin.causation_id, CausationId::of(cause.id), "an answer to the message delivered twice");
            assert!(out < store.frontier_len() as u32 && out != r.seq);
        }
    }

    #[test]
    fn a_run_whose_alarms_were_lost_in_a_crash_is_indexed_to_its_end_once_idle() {
        let mut t = Timeline::new(World::new(Config { orders: 3, ..Config::default() }).unwrap());
        t.extend(8);
        t.seek(8);
        t.act(crate::sim::Action::Crash { actor: "alarm clock".into() }).unwrap();
        t.run_to_idle();
        assert!(t.frontier_idle());
        // the alarms set before the crash are never published: without knowing the run is
        // idle the index waits before their steps for ever
        let mut waiting = RunIndex::new();
        waiting.update(t.world());
        assert!(waiting.upto() < t.total());
        let mut index = RunIndex::new();
        index.update_known(t.world(), true);
        assert_eq!(index.upto(), t.total());
        let crash_faults = t.world().known_faults().iter().filter(|f| f.fault == crate::sim::Fault::Crash).count();
        assert!(crash_faults > 0);
        assert!(index.next(Mark::Fault, 0).is_some_and(|s| s <= 8), "the crash's faults are marked");
    }
}
