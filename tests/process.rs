//! Process managers, given / when / then: given these messages of an order's history,
//! when this one arrives, then these commands (no executor involved).

use brigade::message::{CausationId, DropReason, Envelope, Message, WorkStep};
use brigade::order::Order;
use brigade::outbox::{Effect, Note, Outbox};
use brigade::process::{Definition, Outcome, ProcessManager, ProcessParams};
use brigade::rng::Rng;
use std::rc::Rc;
use uuid::Uuid;

struct Given {
    pm: ProcessManager,
    next_id: u128,
}

fn order(dodgy: bool) -> Rc<Order> {
    Rc::new(Order::draw(&mut Rng::new(3), dodgy, 0))
}

fn env(id: u128, body: Message) -> Envelope {
    Envelope {
        id: Uuid::from_u128(id),
        correlation_id: Uuid::from_u128(1),
        causation_id: CausationId::NONE,
        at_ms: 100,
        body,
    }
}

fn given(definition: Definition, version: u8, history: &[Message]) -> Given {
    let mut g = Given { pm: ProcessManager::new(definition, version, ProcessParams::default()), next_id: 1 };
    let mut off = Outbox::discarding();
    for m in history {
        let e = env(g.next_id, m.clone());
        g.next_id += 1;
        g.pm.handle(&e, &mut off);
    }
    g
}

struct Then {
    pm: ProcessManager,
    out: Outbox,
}

impl Given {
    fn when(mut self, m: Message) -> Then {
        let mut out = Outbox::new();
        self.pm.handle(&env(self.next_id, m), &mut out);
        Then { pm: self.pm, out }
    }
}

impl Then {
    fn types(&self) -> Vec<&'static str> {
        self.out
            .effects
            .iter()
            .map(|e| match e {
                Effect::Publish(m) | Effect::PublishAt(_, m) => m.message_type().name(),
            })
            .collect()
    }
    fn then_commands(self, expected: &[&str]) -> Self {
        assert_eq!(self.types(), expected);
        self
    }
    fn alarm(&self) -> (u64, Message) {
        self.out
            .effects
            .iter()
            .find_map(|e| match e {
                Effect::Publish(Message::PublishAt(a)) => Some((a.due_ms, a.message.clone())),
                _ => None,
            })
            .expect("an alarm was set")
    }
}

fn placed(dodgy: bool) -> Message {
    Message::OrderPlaced { order: order(dodgy) }
}
fn cooked() -> Message {
    Message::FoodCooked { order: Rc::new(order(false).cooked(350, &Rc::new("Koen".into()))) }
}
fn priced() -> Message {
    Message::OrderPriced { order: Rc::new(order(false).priced()) }
}
fn paid() -> Message {
    Message::OrderPaid { order: Rc::new(order(false).priced().settled()) }
}
fn timed_out(step: WorkStep, attempt: u8) -> Message {
    Message::StepTimedOut { step, attempt }
}

#[test]
fn a_normal_customer_is_cooked_then_priced_then_pays() {
    let then = given(Definition::PayLast, 2, &[]).when(placed(false)).then_commands(&["CookFood", "PublishAt"]);
    assert_eq!(then.alarm(), (2_600, timed_out(WorkStep::Cook, 1)));
    given(Definition::PayLast, 2, &[placed(false)]).when(cooked()).then_commands(&["PriceOrder", "PublishAt"]);
    given(Definition::PayLast, 2, &[placed(false), cooked()])
        .when(priced())
        .then_commands(&["TakePayment", "PublishAt"]);
    let then = given(Definition::PayLast, 2, &[placed(false), cooked(), priced()])
        .when(paid())
        .then_commands(&["OrderCompleted"]);
    assert_eq!(then.pm.state.outcome, Some(Outcome::Completed));
}

#[test]
fn a_dodgy_customer_pays_before_cooking() {
    given(Definition::PayFirst, 2, &[]).when(placed(true)).then_commands(&["PriceOrder", "PublishAt"]);
    given(Definition::PayFirst, 2, &[placed(true)]).when(priced()).then_commands(&["TakePayment", "PublishAt"]);
    given(Definition::PayFirst, 2, &[placed(true), priced()]).when(paid()).then_commands(&["CookFood", "PublishAt"]);
    given(Definition::PayFirst, 2, &[placed(true), priced(), paid()]).when(cooked()).then_commands(&["OrderCompleted"]);
    // an early FoodCooked (it cannot be cooked before paying) changes nothing
    let then = given(Definition::PayFirst, 2, &[placed(true), priced()]).when(cooked()).then_commands(&[]);
    assert_eq!(then.out.notes, vec![Note::StaleIgnored]);
}

#[test]
fn cooking_is_retried_three_times_then_given_up() {
    let mut history = vec![placed(false)];
    for attempt in 1..=3 {
        let then = given(Definition::PayLast, 1, &history)
            .when(timed_out(WorkStep::Cook, attempt))
            .then_commands(&["CookFood", "PublishAt"]);
        assert_eq!(then.alarm().1, timed_out(WorkStep::Cook, attempt + 1));
        history.push(timed_out(WorkStep::Cook, attempt));
    }
    let then =
        given(Definition::PayLast, 1, &history).when(timed_out(WorkStep::Cook, 4)).then_commands(&["OrderDropped"]);
    assert_eq!(then.pm.state.outcome, Some(Outcome::Dropped(DropReason::GaveUpCooking)));
    assert_eq!(then.pm.state.retries, 3);
}

#[test]
fn version_1_gives_up_a_lost_price_at_once_and_version_2_retries_it() {
    let history = [placed(false), cooked()];
    given(Definition::PayLast, 1, &history).when(timed_out(WorkStep::Price, 1)).then_commands(&["OrderDropped"]);
    given(Definition::PayLast, 2, &history)
        .when(timed_out(WorkStep::Price, 1))
        .then_commands(&["PriceOrder", "PublishAt"]);
    let history = [placed(true), priced()];
    given(Definition::PayFirst, 1, &history).when(timed_out(WorkStep::Pay, 1)).then_commands(&["OrderDropped"]);
    given(Definition::PayFirst, 2, &history)
        .when(timed_out(WorkStep::Pay, 1))
        .then_commands(&["TakePayment", "PublishAt"]);
}

#[test]
fn duplicates_and_stale_timeouts_are_ignored_and_counted() {
    let then = given(Definition::PayLast, 2, &[placed(false), cooked()]).when(cooked()).then_commands(&[]);
    assert_eq!(then.out.notes, vec![Note::DuplicateIgnored]);
    assert_eq!(then.pm.state.duplicates, 1);
    // the cook's timeout rings after the food came: nothing happens
    let then =
        given(Definition::PayLast, 2, &[placed(false), cooked()]).when(timed_out(WorkStep::Cook, 1)).then_commands(&[]);
    assert_eq!(then.out.notes, vec![Note::StaleIgnored]);
    // an old attempt's timeout does not trigger a second retry
    given(Definition::PayLast, 2, &[placed(false), timed_out(WorkStep::Cook, 1)])
        .when(timed_out(WorkStep::Cook, 1))
        .then_commands(&[]);
    // a completed order never completes twice
    given(Definition::PayLast, 2, &[placed(false), cooked(), priced(), paid()]).when(paid()).then_commands(&[]);
}

#[test]
fn an_expired_order_is_dropped_once_while_waiting_for_the_cook() {
    let expired = Message::OrderExpired { cook: Rc::new("Greg".into()) };
    let then = given(Definition::PayLast, 2, &[placed(false)]).when(expired.clone()).then_commands(&["OrderDropped"]);
    assert_eq!(then.pm.state.outcome, Some(Outcome::Dropped(DropReason::Expired)));
    given(Definition::PayLast, 2, &[placed(false), expired.clone()]).when(expired.clone()).then_commands(&[]);
    // a late duplicate CookFood refused after the order was cooked does not drop it
    given(Definition::PayLast, 2, &[placed(false), cooked()]).when(expired).then_commands(&[]);
}

#[test]
fn the_rebuild_decides_the_same_ids_every_time() {
    // the outbox's envelopes derive ids from the cause, so a rebuilt process re-issues them
    let cause = env(9, placed(false));
    let ids = |pm: &mut ProcessManager| {
        let mut out = Outbox::new();
        pm.handle(&cause, &mut out);
        out.envelopes(&cause, 2, 0, cause.at_ms).map(|(_, e)| e.id).collect::<Vec<_>>()
    };
    let a = ids(&mut ProcessManager::new(Definition::PayLast, 2, ProcessParams::default()));
    let b = ids(&mut ProcessManager::new(Definition::PayLast, 2, ProcessParams::default()));
    assert_eq!(a, b);
    assert_eq!(a.len(), 2);
}
