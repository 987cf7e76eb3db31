//! What an observed run's record shows of its faults, and the steps the time control jumps
//! to (a fault, a timeout, a retry, a completion), derived as each message arrives.
//!
//! A record holds only what was published, so only what left a trace in it is a fault: a
//! worker's answer *refused* (`PaymentRefused`) or *rejected* (`MessageRejected`); a
//! message *answered twice* by the same worker (a doubled delivery: JetStream keeps one
//! copy of a message published again with the same id, so a second answer with an id of
//! its own is a second handling); and a worker's command still *unanswered* when the
//! order's alarm rang (lost on the way, or its worker died with it). A delivery lost
//! without any of that is invisible in a record, and is not guessed at.

use super::ObservedRun;
use crate::message::{Envelope, Message, MessageType};
use crate::role::Role;
use crate::run_index::MarkSteps;

/// One fault the record shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedFault {
    /// The step (1-based) at which the record shows it.
    pub step: u32,
    /// `refused`, `rejected`, `duplicate` or `unanswered`.
    pub fault: &'static str,
    /// The message concerned.
    pub seq: u32,
    /// Who refused, rejected or answered it twice; for an unanswered one, the role it
    /// was meant for (no one took it).
    pub actor: String,
    /// For a refusal or rejection: the answer's position.
    pub out: Option<u32>,
}

/// The faults and marks of everything that arrived, in step order.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    /// Every fault, in step order.
    pub faults: Vec<ObservedFault>,
    /// The steps of each mark (a fault's step when it showed one; a timeout's when a
    /// `StepTimedOut` entered the stream).
    pub marks: MarkSteps,
    /// Commands to workers already reported unanswered.
    reported: std::collections::HashSet<u32>,
}

impl Derived {
    /// Reads message `seq` (just added to `run`).
    pub(super) fn see(&mut self, run: &ObservedRun, seq: u32, env: &Envelope) {
        let step = seq + 1;
        let t = env.message_type();
        let who = run.publisher_of(seq).cloned();
        let cause = run.cause_of(seq);
        let before = self.faults.len();
        if let (Some(c), Some(who)) = (cause, &who) {
            match t {
                MessageType::MessageRejected | MessageType::PaymentRefused => self.faults.push(ObservedFault {
                    step,
                    fault: if t == MessageType::PaymentRefused { "refused" } else { "rejected" },
                    seq: c,
                    actor: who.name.clone(),
                    out: Some(seq),
                }),
                _ if who.role.is_worker() => {
                    // a second answer of the same type by the same worker: a second handling
                    let twice = run.answers_of(c).iter().filter(|&&a| a != seq).any(|&a| {
                        run.publisher_of(a).is_some_and(|p| p.name == who.name)
                            && run.envelope(a).is_some_and(|e| e.message_type() == t)
                    });
                    if twice {
                        self.faults.push(ObservedFault {
                            step,
                            fault: "duplicate",
                            seq: c,
                            actor: who.name.clone(),
                            out: None,
                        });
                    }
                }
                _ => {}
            }
        }
        if t == MessageType::StepTimedOut {
            self.marks.timeouts.push(step);
            self.unanswered(run, seq, env);
        }
        if t == MessageType::OrderCompleted {
            self.marks.completions.push(step);
        }
        let after_alarm = cause
            .and_then(|c| run.envelope(c))
            .is_some_and(|e| matches!(e.body, Message::StepTimedOut { .. } | Message::OrderExpired { .. }));
        // asking a worker again (work or a refund), not setting the next alarm
        let asks_again = after_alarm && who.is_some_and(|w| w.role == Role::House) && worker_of(run, t).is_some();
        if asks_again && self.marks.retries.last() != Some(&step) {
            self.marks.retries.push(step);
        }
        if self.faults.len() > before && self.marks.faults.last() != Some(&step) {
            self.marks.faults.push(step);
        }
    }

    /// An alarm rang for an order: its commands to workers that nobody answered so far.
    fn unanswered(&mut self, run: &ObservedRun, seq: u32, env: &Envelope) {
        let stream = run.store().frontier_stream(&env.correlation_id);
        for &c in stream.iter().take_while(|&&c| c < seq) {
            if self.reported.contains(&c) || !run.answers_of(c).is_empty() {
                continue;
            }
            let Some(t) = run.envelope(c).map(|e| e.message_type()) else { continue };
            let Some(role) = worker_of(run, t) else { continue };
            self.reported.insert(c);
            self.faults.push(ObservedFault {
                step: seq + 1,
                fault: "unanswered",
                seq: c,
                actor: role.display().to_string(),
                out: None,
            });
        }
    }
}

/// The worker role that takes commands of type `t` in the run's wiring, if any.
fn worker_of(run: &ObservedRun, t: MessageType) -> Option<Role> {
    if t.kind() != crate::message::Kind::Command {
        return None;
    }
    run.wiring().subscriptions.iter().find(|s| s.message_type == t && s.role.is_worker()).map(|s| s.role)
}
