//! Publications decided but not yet due: a handler's answers wait until its work is
//! done, an alarm until it rings. Earliest first; ties in the order they were decided.

use crate::bus::ActorId;
use crate::message::Envelope;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// When a decided message is due, and where it waits (its slot in `Scheduler::parked`).
/// Ordered so that `BinaryHeap` (a max-heap) pops the earliest first; ties in decision
/// order. 16 bytes, so the heap moves little.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Due {
    at: u64,
    order: u32,
    slot: u32,
}

impl Due {
    fn at(&self) -> u64 {
        self.at
    }

    fn key(&self) -> (u64, u32) {
        (self.at, self.order)
    }
}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// A decided message waiting to be published.
#[derive(Debug, Clone, PartialEq)]
pub struct Parked {
    /// The message, headers set.
    pub env: Envelope,
    /// Who publishes it.
    pub publisher: ActorId,
    /// Its index among the trace's step outputs.
    pub output: u32,
    /// Store position of the message it answers (none: it starts an order).
    pub cause: Option<u32>,
}

/// The answers pending: a few at a time (one handling per busy actor), kept sorted with
/// the earliest last, so that taking it out moves nothing (`BinaryHeap` sifts a 16-byte entry
/// through its hole, storing it in halves and reading it whole, which the processor
/// cannot forward).
#[derive(Debug, Clone, Default)]
struct Soon(Vec<Due>);

impl Soon {
    fn push(&mut self, due: Due) {
        // a new answer is due no earlier than most of those waiting: look from the end
        let v = &mut self.0;
        let mut i = v.len();
        while i > 0 && v[i - 1].key() < due.key() {
            i -= 1;
        }
        v.insert(i, due);
    }

    fn peek(&self) -> Option<&Due> {
        self.0.last()
    }

    fn pop(&mut self) -> Option<Due> {
        self.0.pop()
    }

    fn iter(&self) -> std::slice::Iter<'_, Due> {
        self.0.iter()
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The pending publications of a run, in two queues: a pop takes the earlier of their two
/// heads, so which queue holds a publication changes nothing but the cost. Most of what is
/// pending are alarms (one or two for each order in progress, seconds ahead: a heap),
/// while most of what is taken out are a handler's answers, due when its work is done (a
/// few at a time, one handling per busy actor: a sorted list). Apart, an answer's pop does
/// not carry an alarm down through all the alarms.
#[derive(Debug, Clone, Default)]
pub struct Scheduler {
    soon: Soon,
    alarms: BinaryHeap<Due>,
    parked: Vec<Option<Parked>>,
    free_slots: Vec<u32>,
    decided: u32,
}

impl Scheduler {
    /// Holds `parked` until simulated time `at`, when the handler's work is done.
    pub fn schedule(&mut self, at: u64, parked: Parked) {
        let due = self.park(at, parked);
        self.soon.push(due);
    }

    /// Holds `parked` until simulated time `at`, an alarm's due time.
    pub fn schedule_alarm(&mut self, at: u64, parked: Parked) {
        let due = self.park(at, parked);
        self.alarms.push(due);
    }

    fn park(&mut self, at: u64, parked: Parked) -> Due {
        // decision order only breaks ties between messages due at the same moment
        self.decided = self.decided.wrapping_add(1);
        let slot = match self.free_slots.pop() {
            Some(slot) => {
                self.parked[slot as usize] = Some(parked);
                slot
            }
            None => {
                self.parked.push(Some(parked));
                (self.parked.len() - 1) as u32
            }
        };
        Due { at, order: self.decided, slot }
    }

    /// When the next publication is due (`u64::MAX`: none).
    pub fn next_at(&self) -> u64 {
        let at = |due: Option<&Due>| due.map_or(u64::MAX, Due::at);
        at(self.soon.peek()).min(at(self.alarms.peek()))
    }

    /// The earliest publication's entry, taken out of its queue.
    fn pop_due(&mut self) -> Option<Due> {
        let alarm_first = match (self.soon.peek(), self.alarms.peek()) {
            (Some(soon), Some(alarm)) => alarm.key() < soon.key(),
            (soon, _) => soon.is_none(),
        };
        if alarm_first {
            self.alarms.pop()
        } else {
            self.soon.pop()
        }
    }

    /// Takes the earliest publication out: `publish` reads it where it waits, with its due
    /// time (the parked message is not moved), and its slot is freed after.
    pub fn pop_with<R>(&mut self, publish: impl FnOnce(u64, &mut Parked) -> R) -> Option<R> {
        let due = self.pop_due()?;
        let slot = &mut self.parked[due.slot as usize];
        let published = publish(due.at(), slot.as_mut()?);
        *slot = None;
        self.free_slots.push(due.slot);
        Some(published)
    }

    /// The pending publication decided as output `output`, with its due time.
    pub fn find(&self, output: u32) -> Option<(u64, &Parked)> {
        self.dues().find_map(|due| {
            let p = self.parked.get(due.slot as usize)?.as_ref()?;
            (p.output == output).then_some((due.at, p))
        })
    }

    /// Every pending publication with its due time, earliest first.
    pub fn pending(&self) -> Vec<(u64, &Parked)> {
        self.pending_where(|_| true)
    }

    /// The pending publications of `publisher` with their due times, earliest first: only
    /// those are sorted (the backlog of a big run holds tens of thousands of alarms).
    pub fn pending_of(&self, publisher: ActorId) -> Vec<(u64, &Parked)> {
        self.pending_where(|p| p.publisher == publisher)
    }

    /// How many publications `publisher` has pending (nothing sorted).
    pub fn pending_count_of(&self, publisher: ActorId) -> usize {
        self.dues().filter(|due| self.parked_at(due).is_some_and(|p| p.publisher == publisher)).count()
    }

    fn parked_at(&self, due: &Due) -> Option<&Parked> {
        self.parked.get(due.slot as usize)?.as_ref()
    }

    fn pending_where(&self, keep: impl Fn(&Parked) -> bool) -> Vec<(u64, &Parked)> {
        let mut found: Vec<((u64, u32), &Parked)> =
            self.dues().filter_map(|due| Some((due.key(), self.parked_at(due).filter(|p| keep(p))?))).collect();
        found.sort_by_key(|&(key, _)| key);
        found.into_iter().map(|((at, _), p)| (at, p)).collect()
    }

    /// Takes out the answers `publisher` decided and has not published (its work not done:
    /// lost in a crash). Alarms stay.
    pub fn discard_answers_of(&mut self, publisher: ActorId) {
        let parked = &mut self.parked;
        let free = &mut self.free_slots;
        self.soon.0.retain(|due| {
            let mine = parked[due.slot as usize].as_ref().is_some_and(|p| p.publisher == publisher);
            if mine {
                parked[due.slot as usize] = None;
                free.push(due.slot);
            }
            !mine
        });
    }

    /// Takes out every alarm `publisher` set and has not rung, with its due time, earliest
    /// first.
    pub fn take_alarms_of(&mut self, publisher: ActorId) -> Vec<(u64, Parked)> {
        let mut dues: Vec<Due> = Vec::new();
        let mut kept = BinaryHeap::with_capacity(self.alarms.len());
        for due in std::mem::take(&mut self.alarms) {
            if self.parked[due.slot as usize].as_ref().is_some_and(|p| p.publisher == publisher) {
                dues.push(due);
            } else {
                kept.push(due);
            }
        }
        self.alarms = kept;
        dues.sort_by_key(|d| d.key());
        dues.into_iter()
            .filter_map(|due| {
                let parked = self.parked[due.slot as usize].take()?;
                self.free_slots.push(due.slot);
                Some((due.at, parked))
            })
            .collect()
    }

    /// About how many heap bytes the pending publications take.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.len() * size_of::<Due>()
            + self.parked.len() * size_of::<Option<Parked>>()
            + self.free_slots.len() * size_of::<u32>()
    }

    /// How many publications are pending.
    pub fn len(&self) -> usize {
        self.soon.len() + self.alarms.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.soon.is_empty() && self.alarms.is_empty()
    }

    fn dues(&self) -> impl Iterator<Item = &Due> {
        self.soon.iter().chain(&self.alarms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{CausationId, DropReason, Message};
    use crate::rng::Rng;
    use uuid::Uuid;

    fn parked(output: u32) -> Parked {
        let env = Envelope {
            id: Uuid::from_u128(output as u128 + 1),
            correlation_id: Uuid::from_u128(7),
            causation_id: CausationId::NONE,
            at_ms: 0,
            body: Message::OrderDropped { reason: DropReason::Expired },
        };
        Parked { env, publisher: 1, output, cause: None }
    }

    /// Answers and alarms, put in and taken out in a seeded mix, come out as one queue
    /// would give them: by due time, ties in the order they were decided.
    #[test]
    fn answers_and_alarms_come_out_earliest_first_ties_in_decision_order() {
        let mut rng = Rng::new(11);
        let mut scheduler = Scheduler::default();
        // the reference: (due time, decision number, output), taken out smallest first
        let mut reference: Vec<(u64, u32, u32)> = Vec::new();
        let (mut now, mut decided, mut popped) = (0u64, 0u32, 0);
        for _ in 0..5_000 {
            if rng.below(5) < 3 {
                decided += 1;
                let output = decided;
                if rng.below(3) == 0 {
                    // an alarm, seconds ahead (sometimes due at the same moment as another)
                    let at = now + 1_000 * (1 + rng.below(3));
                    scheduler.schedule_alarm(at, parked(output));
                    reference.push((at, decided, output));
                } else {
                    let at = now + 50 * rng.below(8);
                    scheduler.schedule(at, parked(output));
                    reference.push((at, decided, output));
                }
            } else {
                reference.sort();
                let expected = (!reference.is_empty()).then(|| reference.remove(0));
                assert_eq!(scheduler.next_at(), expected.map_or(u64::MAX, |e| e.0));
                let got = scheduler.pop_with(|at, p| (at, p.output));
                assert_eq!(got, expected.map(|(at, _, output)| (at, output)));
                if let Some((at, _)) = got {
                    now = at;
                    popped += 1;
                }
            }
            assert_eq!(scheduler.len(), reference.len());
        }
        let mut pending: Vec<(u64, u32)> = reference.iter().map(|&(at, _, output)| (at, output)).collect();
        pending.sort_by_key(|&(at, output)| (at, output));
        let listed: Vec<(u64, u32)> = scheduler.pending().iter().map(|(at, p)| (*at, p.output)).collect();
        assert_eq!(listed, pending, "pending() lists both queues, earliest first");
        assert!(popped > 1_000 && !pending.is_empty());
        assert!(scheduler.find(pending[0].1).is_some());
    }

    /// One publisher's pending publications are those of the whole list that are its own,
    /// in the same order, and counted without listing them.
    #[test]
    fn one_publishers_pending_are_its_share_of_the_whole_list() {
        let mut scheduler = Scheduler::default();
        for output in 1..=60u32 {
            let mut p = parked(output);
            p.publisher = (output % 3) as ActorId;
            let at = 1_000 - 10 * u64::from(output % 7);
            if output % 2 == 0 {
                scheduler.schedule_alarm(at, p)
            } else {
                scheduler.schedule(at, p)
            }
        }
        for publisher in 0..4 {
            let all: Vec<(u64, u32)> = scheduler
                .pending()
                .iter()
                .filter(|(_, p)| p.publisher == publisher)
                .map(|(at, p)| (*at, p.output))
                .collect();
            let own: Vec<(u64, u32)> = scheduler.pending_of(publisher).iter().map(|(at, p)| (*at, p.output)).collect();
            assert_eq!(own, all);
            assert_eq!(scheduler.pending_count_of(publisher), all.len());
            assert_eq!(all.is_empty(), publisher == 3);
        }
    }
}
