//! The fair second baseline: the restaurant's pay-last flow as the smallest discrete-event
//! loop that does the same work as the engine, without its generality.
//!
//! - a binary heap of timers in simulated time (orders placed, work finished, alarms due);
//! - a FIFO queue per actor: waiter, dispatcher, three cooks (350, 200 and 600 ms),
//!   assistant manager (50 ms), cashier (50 ms), process manager, alarm clock;
//! - the dispatcher is "more fair": it skips a cook with 5 queued orders and waits when
//!   every cook is full; a cook refuses an order past its time to live (`OrderExpired`);
//! - a hash map of per-order process state (waiting for cooked / priced / paid, the
//!   attempt, finished), which sets an alarm for every request, retries a timed-out step
//!   up to 3 times, drops an expired order and rejects a late answer;
//! - a 128-bit id drawn per message from a seeded generator (as the engine's uuids), and
//!   every message appended to a history `Vec` of a compact record.
//!
//! It moves exactly `target` messages: it places orders `interval_ms` apart, and more
//! orders after the given count if the run went idle short of the target.

use brigade::rng::Rng;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

const COOK_MS: [u64; 3] = [350, 200, 600];
const ASSISTANT_MS: u64 = 50;
const CASHIER_MS: u64 = 50;
const QUEUE_LIMIT: usize = 5;
const MAX_RETRIES: u8 = 3;

// the actors, indices into the queues
const WAITER: usize = 0;
const DISPATCHER: usize = 1;
const COOK0: usize = 2;
const ASSISTANT: usize = COOK0 + COOK_MS.len();
const CASHIER: usize = ASSISTANT + 1;
const PROCESS: usize = CASHIER + 1;
const ALARMS: usize = PROCESS + 1;
const ACTORS: usize = ALARMS + 1;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Step {
    Cook,
    Price,
    Pay,
}

impl Step {
    fn timeout_ms(self) -> u64 {
        match self {
            Step::Cook => 2_500,
            Step::Price | Step::Pay => 1_000,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    PlaceOrder,
    OrderPlaced,
    ProcessStarted,
    Request(Step),
    Done(Step),
    PublishAt(Step),
    StepTimedOut(Step),
    OrderExpired,
    OrderCompleted,
    OrderDropped,
    MessageRejected,
}

/// A message in flight: headers and the little payload the flow needs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Msg {
    id: u128,
    correlation: u128,
    causation: u128,
    kind: Kind,
    attempt: u8,
    /// The order's time to live, or an alarm's due time.
    until_ms: u64,
}

/// What the history keeps of a message.
pub struct Record {
    pub at_ms: u64,
    pub id: u128,
    pub correlation: u128,
    pub causation: u128,
    kind: Kind,
    attempt: u8,
}

/// What a timer does when it comes due.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    /// The waiter takes the next order.
    Place,
    /// A worker finished: it is free, and publishes its answer.
    Finished(usize, Msg),
    /// An alarm rings.
    Ring(Msg),
}

/// One order's process manager.
struct Process {
    awaiting: Option<Step>,
    attempt: u8,
    expires_ms: u64,
}

/// The outcome of a baseline run.
pub struct Outcome {
    pub messages: usize,
    pub orders: u32,
    pub completed: u32,
    pub dropped: u32,
    pub history: Vec<Record>,
}

struct Des {
    now: u64,
    timers: BinaryHeap<Reverse<(u64, u64, Timer)>>,
    timer_seq: u64,
    queues: [VecDeque<Msg>; ACTORS],
    busy: [bool; ACTORS],
    next_cook: usize,
    processes: HashMap<u128, Process>,
    history: Vec<Record>,
    rng: Rng,
    placed: u32,
    completed: u32,
    dropped: u32,
}

/// Runs the baseline until it has published `target` messages.
pub fn run(orders: u32, interval_ms: u64, target: usize) -> Outcome {
    let mut des = Des {
        now: 0,
        timers: BinaryHeap::new(),
        timer_seq: 0,
        queues: Default::default(),
        busy: [false; ACTORS],
        next_cook: 0,
        processes: HashMap::new(),
        history: Vec::with_capacity(target),
        rng: Rng::new(42),
        placed: 0,
        completed: 0,
        dropped: 0,
    };
    des.at(0, Timer::Place);
    while des.history.len() < target {
        if let Some(actor) = (0..ACTORS).find(|&a| des.ready(a)) {
            let msg = des.queues[actor].pop_front().expect("ready");
            des.handle(actor, msg);
            continue;
        }
        match des.timers.pop() {
            Some(Reverse((at, _, timer))) => {
                des.now = at;
                des.fire(timer, orders, interval_ms);
            }
            // idle short of the target: one more order
            None => des.at(des.now + interval_ms, Timer::Place),
        }
    }
    Outcome {
        messages: des.history.len(),
        orders: des.placed,
        completed: des.completed,
        dropped: des.dropped,
        history: des.history,
    }
}

impl Des {
    fn at(&mut self, at: u64, timer: Timer) {
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, timer)));
    }

    fn ready(&self, actor: usize) -> bool {
        !self.busy[actor]
            && !self.queues[actor].is_empty()
            && (actor != DISPATCHER || self.cooks().any(|c| self.queues[c].len() < QUEUE_LIMIT))
    }

    fn cooks(&self) -> std::ops::Range<usize> {
        COOK0..COOK0 + COOK_MS.len()
    }

    fn fire(&mut self, timer: Timer, orders: u32, interval_ms: u64) {
        match timer {
            Timer::Place => {
                self.placed += 1;
                let order = Msg {
                    id: self.placed as u128,
                    correlation: 0,
                    causation: 0,
                    kind: Kind::PlaceOrder,
                    attempt: 0,
                    until_ms: 0,
                };
                self.queues[WAITER].push_back(order);
                if self.placed < orders {
                    self.at(self.now + interval_ms, Timer::Place);
                }
            }
            Timer::Finished(worker, answer) => {
                self.busy[worker] = false;
                self.publish(answer.kind, &answer, answer.attempt, answer.until_ms);
            }
            Timer::Ring(alarm) => {
                if let Kind::PublishAt(step) = alarm.kind {
                    self.publish(Kind::StepTimedOut(step), &alarm, alarm.attempt, 0);
                }
            }
        }
    }

    /// Appends a message to the history and puts it in its subscriber's queue.
    fn publish(&mut self, kind: Kind, cause: &Msg, attempt: u8, until_ms: u64) {
        let id = (self.rng.next_u64() as u128) << 64 | self.rng.next_u64() as u128;
        let correlation = if cause.kind == Kind::PlaceOrder { id } else { cause.correlation };
        let msg = Msg { id, correlation, causation: cause.id, kind, attempt, until_ms };
        self.history.push(Record { at_ms: self.now, id, correlation, causation: cause.id, kind, attempt });
        let to = match kind {
            Kind::Request(Step::Cook) => DISPATCHER,
            Kind::Request(Step::Price) => ASSISTANT,
            Kind::Request(Step::Pay) => CASHIER,
            Kind::PublishAt(_) => ALARMS,
            Kind::OrderPlaced | Kind::Done(_) | Kind::StepTimedOut(_) | Kind::OrderExpired => PROCESS,
            _ => return,
        };
        self.queues[to].push_back(msg);
    }

    fn handle(&mut self, actor: usize, msg: Msg) {
        match actor {
            WAITER => {
                let ttl = 4_500 + self.rng.below(1_001);
                self.publish(Kind::OrderPlaced, &msg, 0, self.now + ttl);
            }
            DISPATCHER => {
                let n = COOK_MS.len();
                let cook = (0..n)
                    .map(|k| (self.next_cook + k) % n)
                    .find(|&c| self.queues[COOK0 + c].len() < QUEUE_LIMIT)
                    .expect("ready");
                self.next_cook = (cook + 1) % n;
                self.queues[COOK0 + cook].push_back(msg);
            }
            ALARMS => self.at(msg.until_ms, Timer::Ring(msg)),
            PROCESS => self.process(msg),
            worker => {
                let (ms, step) = match worker {
                    ASSISTANT => (ASSISTANT_MS, Step::Price),
                    CASHIER => (CASHIER_MS, Step::Pay),
                    cook => (COOK_MS[cook - COOK0], Step::Cook),
                };
                if step == Step::Cook && self.now > msg.until_ms {
                    // past its time to live: refused at once, not cooked late
                    return self.publish(Kind::OrderExpired, &msg, msg.attempt, 0);
                }
                self.busy[worker] = true;
                // the answer is published when the work is done, caused by the request
                self.at(self.now + ms, Timer::Finished(worker, Msg { kind: Kind::Done(step), ..msg }));
            }
        }
    }

    /// The process manager of `msg`'s order: pay last (cook, price, pay).
    fn process(&mut self, msg: Msg) {
        let corr = msg.correlation;
        if msg.kind == Kind::OrderPlaced {
            self.processes.insert(corr, Process { awaiting: None, attempt: 0, expires_ms: msg.until_ms });
            self.publish(Kind::ProcessStarted, &msg, 0, 0);
            return self.request(Step::Cook, 1, &msg);
        }
        let Some(p) = self.processes.get(&corr) else { return };
        let (awaiting, attempt, expires_ms) = (p.awaiting, p.attempt, p.expires_ms);
        match msg.kind {
            Kind::Done(step) if awaiting == Some(step) => match step {
                Step::Cook => self.request(Step::Price, 1, &msg),
                Step::Price => self.request(Step::Pay, 1, &msg),
                Step::Pay => {
                    self.finish(corr);
                    self.completed += 1;
                    self.publish(Kind::OrderCompleted, &msg, 0, 0);
                }
            },
            Kind::StepTimedOut(step) if awaiting == Some(step) && attempt == msg.attempt => {
                if (step == Step::Cook && self.now > expires_ms) || attempt > MAX_RETRIES {
                    self.drop_order(&msg);
                } else {
                    self.request(step, attempt + 1, &msg);
                }
            }
            Kind::StepTimedOut(_) => {}
            Kind::OrderExpired if awaiting == Some(Step::Cook) && attempt == msg.attempt => {
                if attempt == 1 {
                    self.drop_order(&msg);
                }
            }
            _ => self.publish(Kind::MessageRejected, &msg, 0, 0),
        }
    }

    fn request(&mut self, step: Step, attempt: u8, cause: &Msg) {
        let p = self.processes.get_mut(&cause.correlation).expect("a live process");
        p.awaiting = Some(step);
        p.attempt = attempt;
        let expires_ms = p.expires_ms;
        self.publish(Kind::Request(step), cause, attempt, expires_ms);
        self.publish(Kind::PublishAt(step), cause, attempt, self.now + step.timeout_ms());
    }

    fn finish(&mut self, corr: u128) {
        if let Some(p) = self.processes.get_mut(&corr) {
            p.awaiting = None;
        }
    }

    fn drop_order(&mut self, cause: &Msg) {
        self.finish(cause.correlation);
        self.dropped += 1;
        self.publish(Kind::OrderDropped, cause, 0, 0);
    }
}

/// A checksum of the history, so that the run cannot be optimised away.
pub fn checksum(outcome: &Outcome) -> u128 {
    outcome.history.iter().fold(0u128, |s, r| {
        s.wrapping_add(r.id ^ r.correlation ^ r.causation).wrapping_add((r.at_ms + r.attempt as u64) as u128)
            ^ (r.kind == Kind::OrderCompleted) as u128
    })
}
