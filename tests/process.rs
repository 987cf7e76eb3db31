//! Process managers, given / when / then: given these messages of an order's history,
//! when this one arrives, then exactly these messages are published (whole messages
//! compared, no executor involved).

use brigade::message::{Alarm, CausationId, DropReason, Envelope, Message, RejectReason, Rejection, WorkStep};
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

fn doc(dodgy: bool) -> Order {
    Order::draw(&mut Rng::new(3), dodgy, 0)
}

fn env(id: u128, at_ms: u64, body: Message) -> Envelope {
    Envelope {
        id: Uuid::from_u128(id),
        correlation_id: Uuid::from_u128(1),
        causation_id: CausationId::NONE,
        at_ms,
        body,
    }
}

/// A process manager that has seen `history` (side effects off: the rebuild).
fn given(definition: Definition, version: u8, history: &[Message]) -> Given {
    let mut g = Given { pm: ProcessManager::new(definition, version, ProcessParams::default()), next_id: 1 };
    let mut off = Outbox::discarding();
    for m in history {
        let e = env(g.next_id, 100, m.clone());
        g.next_id += 1;
        g.pm.handle(&e, &mut off);
    }
    g
}

struct Then {
    pm: ProcessManager,
    out: Outbox,
    when_id: Uuid,
}

impl Given {
    /// `m` arrives at 100 ms.
    fn when(self, m: Message) -> Then {
        self.when_at(100, m)
    }

    fn when_at(mut self, at_ms: u64, m: Message) -> Then {
        let mut out = Outbox::new();
        let e = env(self.next_id, at_ms, m);
        self.pm.handle(&e, &mut out);
        Then { pm: self.pm, out, when_id: e.id }
    }
}

impl Then {
    /// Exactly these messages, in this order, are published.
    #[track_caller]
    fn then(self, expected: &[Message]) -> Self {
        let published: Vec<Message> = self
            .out
            .effects
            .iter()
            .map(|e| match e {
                Effect::Publish(m) => m.clone(),
                other => panic!("a process manager only publishes, got {other:?}"),
            })
            .collect();
        assert_eq!(published, expected);
        self
    }

    /// Nothing is published; `note` is noted.
    #[track_caller]
    fn then_nothing_but(self, note: Note) -> Self {
        let then = self.then(&[]);
        assert_eq!(then.out.notes, vec![note]);
        then
    }

    /// The message is rejected for `reason`.
    #[track_caller]
    fn then_rejected(self, reason: RejectReason, rejected: &Message) -> Self {
        let id = self.when_id;
        self.then(&[Message::MessageRejected(Rc::new(Rejection {
            rejected_id: id,
            rejected_type: rejected.message_type(),
            reason,
        }))])
    }
}

fn placed(dodgy: bool) -> Message {
    Message::OrderPlaced { order: Rc::new(doc(dodgy)) }
}
fn cooked_doc(dodgy: bool) -> Order {
    doc(dodgy).cooked(350, &Rc::new("Koen".into()))
}
fn cooked() -> Message {
    Message::FoodCooked { order: Rc::new(cooked_doc(false)) }
}
fn priced() -> Message {
    Message::OrderPriced { order: Rc::new(cooked_doc(false).priced()) }
}
fn paid() -> Message {
    Message::OrderPaid { order: Rc::new(cooked_doc(false).priced().settled()) }
}
fn priced_first() -> Message {
    Message::OrderPriced { order: Rc::new(doc(true).priced()) }
}
fn paid_first() -> Message {
    Message::OrderPaid { order: Rc::new(doc(true).priced().settled()) }
}
fn timed_out(step: WorkStep, attempt: u8) -> Message {
    Message::StepTimedOut { step, attempt }
}
fn expired(attempt: u8) -> Message {
    Message::OrderExpired { cook: Rc::new("Greg".into()), attempt }
}
fn alarm(due_ms: u64, step: WorkStep, attempt: u8) -> Message {
    Message::PublishAt(Alarm::new(due_ms, step, attempt))
}
fn order_of(m: &Message) -> Rc<Order> {
    m.order().cloned().expect("a message with a document")
}

#[test]
fn a_normal_customer_is_cooked_then_priced_then_pays() {
    let o = order_of(&placed(false));
    given(Definition::PayLast, 2, &[])
        .when(placed(false))
        .then(&[Message::CookFood { order: o, attempt: 1 }, alarm(2_600, WorkStep::Cook, 1)]);
    given(Definition::PayLast, 2, &[placed(false)])
        .when(cooked())
        .then(&[Message::PriceOrder { order: order_of(&cooked()), attempt: 1 }, alarm(1_100, WorkStep::Price, 1)]);
    given(Definition::PayLast, 2, &[placed(false), cooked()])
        .when(priced())
        .then(&[Message::TakePayment { order: order_of(&priced()), attempt: 1 }, alarm(1_100, WorkStep::Pay, 1)]);
    let then = given(Definition::PayLast, 2, &[placed(false), cooked(), priced()])
        .when(paid())
        .then(&[Message::OrderCompleted { order: order_of(&paid()) }]);
    assert_eq!(then.pm.state.outcome, Some(Outcome::Completed));
    assert!(then.pm.state.paid);
}

#[test]
fn a_dodgy_customer_pays_before_cooking() {
    let o = order_of(&placed(true));
    given(Definition::PayFirst, 2, &[])
        .when(placed(true))
        .then(&[Message::PriceOrder { order: o, attempt: 1 }, alarm(1_100, WorkStep::Price, 1)]);
    given(Definition::PayFirst, 2, &[placed(true), priced_first()])
        .when(paid_first())
        .then(&[Message::CookFood { order: order_of(&paid_first()), attempt: 1 }, alarm(2_600, WorkStep::Cook, 1)]);
    // a FoodCooked before paying answers nothing the process asked for: stale
    given(Definition::PayFirst, 2, &[placed(true), priced_first()])
        .when(cooked())
        .then_rejected(RejectReason::Stale, &cooked());
}

#[test]
fn a_lost_step_is_retried_up_to_the_limit_then_given_up() {
    let o = order_of(&placed(false));
    given(Definition::PayLast, 2, &[placed(false)])
        .when_at(2_600, timed_out(WorkStep::Cook, 1))
        .then(&[Message::CookFood { order: o, attempt: 2 }, alarm(5_100, WorkStep::Cook, 2)]);
    let history =
        [placed(false), timed_out(WorkStep::Cook, 1), timed_out(WorkStep::Cook, 2), timed_out(WorkStep::Cook, 3)];
    // the fourth timeout: no more retries (and the order would be past its time to live)
    given(Definition::PayLast, 2, &history)
        .when_at(100, timed_out(WorkStep::Cook, 4))
        .then(&[Message::OrderDropped { reason: DropReason::GaveUpCooking }]);
}

#[test]
fn version_1_gives_up_a_lost_price_at_once_and_version_2_retries_it() {
    given(Definition::PayLast, 1, &[placed(false), cooked()])
        .when(timed_out(WorkStep::Price, 1))
        .then(&[Message::OrderDropped { reason: DropReason::GaveUpPricing }]);
    given(Definition::PayLast, 2, &[placed(false), cooked()])
        .when(timed_out(WorkStep::Price, 1))
        .then(&[Message::PriceOrder { order: order_of(&cooked()), attempt: 2 }, alarm(1_100, WorkStep::Price, 2)]);
}

#[test]
fn a_cooking_timeout_past_the_time_to_live_drops_the_order_instead_of_retrying() {
    let ttl = doc(false).expires_at_ms;
    given(Definition::PayLast, 2, &[placed(false)])
        .when_at(ttl + 1, timed_out(WorkStep::Cook, 1))
        .then(&[Message::OrderDropped { reason: DropReason::Expired }]);
}

#[test]
fn a_timeout_for_a_step_already_answered_is_normal_and_publishes_nothing() {
    given(Definition::PayLast, 2, &[placed(false), cooked()])
        .when(timed_out(WorkStep::Cook, 1))
        .then_nothing_but(Note::TimeoutIgnored);
    // an older attempt's alarm, once a retry is out
    given(Definition::PayLast, 2, &[placed(false), timed_out(WorkStep::Cook, 1)])
        .when(timed_out(WorkStep::Cook, 1))
        .then_nothing_but(Note::TimeoutIgnored);
}

#[test]
fn a_refused_repeat_request_publishes_nothing_and_is_not_counted_as_a_timeout() {
    // a retried TakePayment reached the cashier after the first one was charged
    let refused = Message::PaymentRefused { reason: brigade::message::RefusalReason::AlreadyPaid };
    given(Definition::PayLast, 2, &[placed(false), cooked(), priced(), timed_out(WorkStep::Pay, 1)])
        .when(refused)
        .then_nothing_but(Note::RepeatRefused);
}

#[test]
fn each_invalid_message_is_rejected_with_its_reason() {
    // duplicate: a second answer to a step already answered
    given(Definition::PayLast, 2, &[placed(false), cooked()])
        .when(cooked())
        .then_rejected(RejectReason::Duplicate, &cooked());
    // duplicate: the order placed twice
    given(Definition::PayLast, 2, &[placed(false)])
        .when(placed(false))
        .then_rejected(RejectReason::Duplicate, &placed(false));
    // stale: an answer to a step it is not waiting for
    given(Definition::PayLast, 2, &[placed(false)]).when(priced()).then_rejected(RejectReason::Stale, &priced());
    // stale: a cook refused an attempt that is no longer the one awaited
    given(Definition::PayLast, 2, &[placed(false), timed_out(WorkStep::Cook, 1)])
        .when(expired(1))
        .then_rejected(RejectReason::Stale, &expired(1));
    // after-end: anything but a payment after the order ended
    given(Definition::PayLast, 2, &[placed(false), cooked(), priced(), paid()])
        .when(cooked())
        .then_rejected(RejectReason::AfterEnd, &cooked());
    // unexpected: a type a process manager does not handle
    let stray = Message::CookFood { order: order_of(&placed(false)), attempt: 1 };
    given(Definition::PayLast, 2, &[placed(false)]).when(stray.clone()).then_rejected(RejectReason::Unexpected, &stray);
}

#[test]
fn the_first_attempt_refused_past_its_time_to_live_drops_the_order() {
    given(Definition::PayLast, 2, &[placed(false)])
        .when(expired(1))
        .then(&[Message::OrderDropped { reason: DropReason::Expired }]);
}

#[test]
fn a_refused_retry_waits_for_an_earlier_attempt_that_may_still_cook() {
    // attempt 1 may be on a stove: a refused retry does not drop the order
    let history = [placed(false), timed_out(WorkStep::Cook, 1)];
    given(Definition::PayLast, 2, &history).when(expired(2)).then_nothing_but(Note::EarlierAttemptMayCook);
    // and when attempt 1's food arrives, the order goes on
    let mut refused = history.to_vec();
    refused.push(expired(2));
    given(Definition::PayLast, 2, &refused)
        .when(cooked())
        .then(&[Message::PriceOrder { order: order_of(&cooked()), attempt: 1 }, alarm(1_100, WorkStep::Price, 1)]);
    // nothing came: the timeout past the time to live drops it as expired
    let ttl = doc(false).expires_at_ms;
    given(Definition::PayLast, 2, &refused)
        .when_at(ttl + 1, timed_out(WorkStep::Cook, 2))
        .then(&[Message::OrderDropped { reason: DropReason::Expired }]);
}

#[test]
fn a_paid_order_that_is_dropped_is_refunded_until_the_cashier_answers() {
    let paid_doc = order_of(&paid_first());
    let history = [placed(true), priced_first(), paid_first()];
    let then = given(Definition::PayFirst, 2, &history).when(expired(1)).then(&[
        Message::OrderDropped { reason: DropReason::Expired },
        Message::RefundPayment { order: paid_doc.clone() },
        alarm(1_100, WorkStep::Refund, 1),
    ]);
    assert_eq!(then.pm.state.refunding, Some(1));
    assert!(!then.pm.settled());
    // the refund was lost: ask again
    let refunding = [placed(true), priced_first(), paid_first(), expired(1)];
    given(Definition::PayFirst, 2, &refunding)
        .when(timed_out(WorkStep::Refund, 1))
        .then(&[Message::RefundPayment { order: paid_doc.clone() }, alarm(1_100, WorkStep::Refund, 2)]);
    // refunded: settled, the refund's alarm is then normal
    let refunded = Message::PaymentRefunded { order: Rc::new(paid_doc.refunded()) };
    let then = given(Definition::PayFirst, 2, &refunding).when(refunded.clone()).then(&[]);
    assert!(then.pm.settled() && !then.pm.state.paid);
    let mut done = refunding.to_vec();
    done.push(refunded);
    given(Definition::PayFirst, 2, &done).when(timed_out(WorkStep::Refund, 1)).then_nothing_but(Note::TimeoutIgnored);
}

#[test]
fn a_payment_that_arrives_after_the_order_was_given_up_is_refunded() {
    // version 1 gives up a payment at its first timeout; the cashier was only slow
    let history = [placed(false), cooked(), priced(), timed_out(WorkStep::Pay, 1)];
    let then = given(Definition::PayLast, 1, &history)
        .when(paid())
        .then(&[Message::RefundPayment { order: order_of(&paid()) }, alarm(1_100, WorkStep::Refund, 1)]);
    assert_eq!(then.pm.state.outcome, Some(Outcome::Dropped(DropReason::GaveUpPayment)));
}

#[test]
fn replaying_the_same_history_twice_decides_the_same() {
    // the rebuild (side effects off) and the live fold reach the same state
    let history = [placed(false), cooked(), timed_out(WorkStep::Price, 1), priced()];
    let rebuilt = given(Definition::PayLast, 2, &history).pm;
    let mut live = ProcessManager::new(Definition::PayLast, 2, ProcessParams::default());
    let mut out = Outbox::new();
    for (i, m) in history.iter().enumerate() {
        live.handle(&env(i as u128 + 1, 100, m.clone()), &mut out);
    }
    assert_eq!(rebuilt, live);
    assert!(!out.effects.is_empty(), "the live fold decided things the rebuild did not publish");
}
