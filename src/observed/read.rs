//! The views of an observed run, in the shapes the simulation's facade gives the page
//! ([`crate::view`]): the log, the steps, the orders, the floor, the deliveries and faults,
//! the process manager replayed over an order's recorded stream, the sequence diagram, and
//! the run file. What a record cannot hold is said plainly: no mailbox is seen (queues are
//! 0), and a delivery is a message some actor answered.

use super::faults::ObservedFault;
use super::ObservedRun;
use crate::message::{Envelope, HistoryEntry, Message, MessageType};
use crate::process::Definition;
use crate::run_index::{Mark, Moment};
use crate::view::{
    ActorView, DecisionView, DeliveryView, FaultStepView, FaultView, MessageDetail, MessageView, OrderView, OutputView,
    ProcessRef, ReplayStepView, ReplayView, RunFaultView, StepView,
};
use crate::wiring::Role;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;
use uuid::Uuid;

impl ObservedRun {
    /// Message `seq`, if published by the cursor.
    pub fn message(&self, seq: usize) -> Option<MessageView> {
        let env = self.store().get(seq)?;
        Some(self.message_of(seq as u32, &env))
    }

    fn message_of(&self, seq: u32, env: &Envelope) -> MessageView {
        let publisher = self.publisher_of(seq).map_or_else(|| "?".into(), |a| a.name.clone());
        crate::view::message_in(self.store(), seq, env, publisher)
    }

    /// Message `seq` with its payload: the run file's entry, with its publisher.
    pub fn message_detail(&self, seq: usize) -> Option<MessageDetail> {
        let env = self.store().get(seq)?;
        let mut payload = serde_json::to_value(HistoryEntry::new(seq as u32, &env)).unwrap_or_default();
        if let (Some(map), Some(who)) = (payload.as_object_mut(), self.publisher_of(seq as u32)) {
            map.insert("publisher".into(), Value::from(who.role.name()));
            map.insert("actor".into(), Value::from(who.name.clone()));
        }
        Some(MessageDetail { view: self.message_of(seq as u32, &env), payload })
    }

    /// Messages `[from, to)` published by the cursor.
    pub fn messages(&self, from: usize, to: usize) -> Vec<MessageView> {
        let to = to.min(self.current());
        (from.min(to)..to).filter_map(|s| self.message(s)).collect()
    }

    /// How many messages each actor published of each type among `[from, to)`, by the
    /// cursor (the floor's link counts, as the simulation's `publishedCounts`).
    pub fn published_counts(&self, from: usize, to: usize) -> Vec<crate::view::PublishedCount> {
        let mut counts: Vec<crate::view::PublishedCount> = Vec::new();
        for m in self.messages(from, to) {
            match counts.iter_mut().find(|c| c.publisher == m.publisher && c.type_name == m.type_name) {
                Some(c) => c.count += 1,
                None => counts.push(crate::view::PublishedCount {
                    publisher: m.publisher,
                    type_name: m.type_name,
                    count: 1,
                }),
            }
        }
        counts
    }

    /// The positions of the messages of type `t` published by the cursor.
    pub fn seqs_of_type(&self, t: MessageType) -> Vec<u32> {
        let store = self.store();
        (0..store.len() as u32).filter(|&s| store.message_type(s as usize) == Some(t)).collect()
    }

    /// Step `step` (1-based), if done by the cursor: the publication of message `step - 1`
    /// by its actor, in answer to the message it handled (none: the waiter taking an order).
    pub fn step(&self, step: usize) -> Option<StepView> {
        if step == 0 || step > self.current() {
            return None;
        }
        let seq = (step - 1) as u32;
        let env = self.envelope(seq)?;
        let who = self.publisher_of(seq)?;
        let t = env.message_type();
        let output = OutputView {
            type_name: t.name(),
            kind: t.kind().name(),
            at_ms: env.at_ms,
            id: Some(env.id),
            seq: Some(seq),
            status: "published",
            to: None,
            published_step: Some(step),
        };
        let faults = self
            .derived()
            .faults
            .iter()
            .filter(|f| f.step as usize == step)
            .map(|f| FaultView { fault: f.fault, seq: f.seq, actor: f.actor.clone(), manual: false })
            .collect();
        let mut view = StepView {
            step,
            at_ms: env.at_ms,
            actor: who.name.clone(),
            actor_kind: who.role.name(),
            seq: None,
            type_name: "TakeOrder",
            kind: "input",
            correlation_id: None,
            customer: None,
            duplicate: self.derived().faults.iter().any(|f| f.step as usize == step && f.fault == "duplicate"),
            outputs: vec![output],
            published: vec![seq],
            faults,
        };
        match (self.cause_of(seq).and_then(|c| Some((c, self.envelope(c)?))), &env.body) {
            (Some((c, handled)), _) => {
                let ht = handled.message_type();
                view.seq = Some(c);
                view.type_name = ht.name();
                view.kind = ht.kind().name();
                view.correlation_id = Some(handled.correlation_id);
            }
            (None, Message::OrderPlaced { order }) => {
                view.customer = Some(if order.dodgy { "dodgy" } else { "normal" });
            }
            (None, _) => {}
        }
        Some(view)
    }

    /// Steps `[from, to)` done by the cursor.
    pub fn steps(&self, from: usize, to: usize) -> Vec<StepView> {
        let to = to.min(self.current() + 1);
        (from.max(1)..to).filter_map(|s| self.step(s)).collect()
    }

    /// The order with correlation `id`, if placed by the cursor (read as a simulation's).
    pub fn order(&self, id: &Uuid) -> Option<OrderView> {
        crate::view::order_in(self.store(), id)
    }

    /// Orders `[from, to)` (placing order) placed by the cursor.
    pub fn orders(&self, from: usize, to: usize) -> Vec<OrderView> {
        let ids: Vec<Uuid> = self.store().orders_from(from).take(to.saturating_sub(from)).copied().collect();
        ids.iter().filter_map(|id| self.order(id)).collect()
    }

    /// Orders placed by the cursor.
    pub fn order_count(&self) -> usize {
        self.store().orders().count()
    }

    /// One order's messages published by the cursor.
    pub fn order_stream(&self, id: &Uuid) -> Vec<MessageView> {
        self.store().stream(id).iter().filter_map(|&s| self.message(s as usize)).collect()
    }

    /// The floor at the cursor: each actor with the messages it answered (`handled`); for
    /// the house the orders open (`live`), for the alarm clock the alarms set and not rung
    /// (`pending`). No mailbox is seen in a record: `queue` is 0.
    pub fn actor_views(&self) -> Vec<ActorView> {
        let n = self.current() as u32;
        let mut handled = vec![0u32; self.actors().len()];
        let mut open: i64 = 0;
        let mut alarms: i64 = 0;
        let mut last: Vec<Option<u32>> = vec![None; self.actors().len()];
        for s in 0..n {
            let p = self.publisher.get(s as usize).copied().unwrap_or(0) as usize;
            // one handling per message answered (a handler may publish several answers)
            if let Some(c) = self.cause_of(s) {
                if last[p] != Some(c) {
                    handled[p] += 1;
                    last[p] = Some(c);
                }
            } else if p < handled.len() {
                handled[p] += 1;
            }
            match self.store().message_type(s as usize) {
                Some(MessageType::OrderPlaced) => open += 1,
                Some(t) if t.is_terminal() => open -= 1,
                Some(MessageType::PublishAt) => alarms += 1,
                Some(MessageType::StepTimedOut) => alarms -= 1,
                _ => {}
            }
        }
        let ms = |name: &str| self.config().cooks.iter().find(|c| c.name == name).map(|c| c.ms);
        self.actors()
            .iter()
            .enumerate()
            .map(|(i, a)| ActorView {
                name: a.name.clone(),
                kind: a.role.name(),
                queue: 0,
                busy: false,
                busy_until: 0,
                handled: handled[i],
                live: (a.role == Role::House).then_some(open.max(0) as usize),
                pending: (a.role == Role::AlarmClock).then_some(alarms.max(0) as usize),
                ms: a.role.is_worker().then(|| match a.role {
                    Role::Cook => ms(&a.name).unwrap_or(0),
                    Role::AssistantManager => self.config().assistant_manager_ms,
                    _ => self.config().cashier_ms,
                }),
                away: a.role.is_worker().then_some(false),
                // a record shows no crash of its own: nobody is shown down
                down_until: None,
            })
            .collect()
    }

    /// Every handling of message `seq` the record shows, after the cursor too: one per actor
    /// that answered it (a second answer of the same type by the same actor is a second
    /// copy, `copy` 1), at the step of its first answer.
    pub fn deliveries_in_run(&self, seq: u32) -> Vec<DeliveryView> {
        let mut out: Vec<(DeliveryView, Vec<MessageType>)> = Vec::new();
        for &a in self.answers_of(seq) {
            let (Some(who), Some(env)) = (self.publisher_of(a), self.envelope(a)) else { continue };
            let t = env.message_type();
            match out.iter_mut().rev().find(|(d, _)| d.actor == who.name) {
                Some((_, types)) if !types.contains(&t) => types.push(t),
                found => {
                    let copy = u8::from(found.is_some());
                    let view = DeliveryView { step: a as usize + 1, actor: who.name.clone(), at_ms: env.at_ms, copy };
                    out.push((view, vec![t]));
                }
            }
        }
        out.into_iter().map(|(d, _)| d).collect()
    }

    /// [`ObservedRun::deliveries_in_run`] up to the cursor.
    pub fn deliveries(&self, seq: u32) -> Vec<DeliveryView> {
        let cursor = self.current();
        self.deliveries_in_run(seq).into_iter().filter(|d| d.step <= cursor).collect()
    }

    fn fault_view(&self, f: &ObservedFault) -> RunFaultView {
        let reason = f.out.and_then(|out| {
            let env = self.envelope(out)?;
            let entry = serde_json::to_value(HistoryEntry::new(out, &env)).ok()?;
            entry.get("reason").and_then(Value::as_str).map(str::to_owned)
        });
        RunFaultView {
            step: f.step,
            fault: f.fault,
            seq: f.seq,
            actor: f.actor.clone(),
            manual: false,
            type_name: f.out.and_then(|o| self.envelope(o)).map(|e| e.message_type().name()),
            out: f.out,
            reason,
        }
    }

    /// Every fault with its step in `[from, to)`, after the cursor too.
    pub fn faults_in_run(&self, from: usize, to: usize) -> Vec<RunFaultView> {
        let all = &self.derived().faults;
        all.iter().filter(|f| (from..to).contains(&(f.step as usize))).map(|f| self.fault_view(f)).collect()
    }

    /// Every fault concerning message `seq`, after the cursor too.
    pub fn faults_of_message(&self, seq: u32) -> Vec<RunFaultView> {
        self.derived().faults.iter().filter(|f| f.seq == seq).map(|f| self.fault_view(f)).collect()
    }

    /// Every fault up to the cursor.
    pub fn faults(&self) -> Vec<FaultStepView> {
        let cursor = self.current() as u32;
        self.derived()
            .faults
            .iter()
            .filter(|f| f.step <= cursor)
            .map(|f| FaultStepView {
                step: f.step,
                fault: FaultView { fault: f.fault, seq: f.seq, actor: f.actor.clone(), manual: false },
            })
            .collect()
    }

    /// The first step of `mark` after `after`.
    pub fn next_mark(&self, mark: Mark, after: usize) -> Option<usize> {
        self.derived().marks.next(mark, after)
    }

    /// The last step of `mark` before `before`.
    pub fn prev_mark(&self, mark: Mark, before: usize) -> Option<usize> {
        self.derived().marks.prev(mark, before)
    }

    /// How many steps up to `step` are of `mark`.
    pub fn count_upto(&self, mark: Mark, step: usize) -> usize {
        self.derived().marks.count_upto(mark, step)
    }

    /// The step that completed order `id`.
    pub fn completion_step(&self, id: &Uuid) -> Option<usize> {
        self.store()
            .frontier_stream(id)
            .iter()
            .find(|&&s| self.store().frontier_type(s as usize) == Some(MessageType::OrderCompleted))
            .map(|&s| s as usize + 1)
    }

    /// The first step after `after` at which `moment` happens, in everything that arrived.
    pub fn moment_step(&self, moment: Moment, after: usize) -> Option<usize> {
        (after as u32..self.len() as u32)
            .find(|&s| match moment {
                Moment::Decided(t) => self.store().frontier_type(s as usize) == Some(t),
                Moment::Handled(t, role) => {
                    self.cause_of(s).and_then(|c| self.store().frontier_type(c as usize)) == Some(t)
                        && role.is_none_or(|r| self.publisher_of(s).is_some_and(|p| p.role == r))
                }
                Moment::Absorbed => false,
            })
            .map(|s| s as usize + 1)
    }

    /// Order `id` replayed into a fresh process manager over its recorded stream (up to
    /// the cursor), each decision compared with what the house published.
    pub fn replay(&self, id: &Uuid, definition: Option<Definition>, version: Option<u8>) -> Result<ReplayView, String> {
        let house = self.actors().iter().position(|a| a.role == Role::House).unwrap_or(usize::MAX) as u16;
        let params = crate::process::ProcessParams::from_config(self.config());
        let r = crate::process::replay::replay_store(self.store(), house, id, definition, version, params)?;
        Ok(ReplayView {
            correlation_id: *id,
            definition: r.definition,
            version: r.version,
            original: r.original.map(|(definition, version)| ProcessRef { definition, version }),
            steps: r
                .steps
                .into_iter()
                .map(|s| ReplayStepView {
                    seq: s.seq,
                    at_ms: s.message.at_ms,
                    type_name: s.message.message_type().name(),
                    id: s.message.id,
                    state: serde_json::to_value(&s.state).unwrap_or_default(),
                    decided: s
                        .decided
                        .iter()
                        .map(|d| DecisionView {
                            type_name: d.message_type().name(),
                            kind: d.message_type().kind().name(),
                            id: d.id,
                            summary: d.body.summary(),
                        })
                        .collect(),
                    notes: s.notes.iter().map(|n| n.text()).collect(),
                    same_as_history: s.same_as_history,
                })
                .collect(),
        })
    }

    /// Order `id`'s sequence diagram as Mermaid text, up to the cursor: an arrow from each
    /// message's publisher to each actor that answered it, a note for one nobody answered.
    pub fn mermaid(&self, id: &Uuid) -> Option<String> {
        let order_no = self.store().order_no(id)?;
        let mut out = String::from("sequenceDiagram\n");
        let _ = writeln!(out, "    %% brigade: observed order {order_no} ({id})");
        let mut lines = Vec::new();
        let mut used: Vec<String> = Vec::new();
        let mut name = |n: &str| -> usize {
            if let Some(i) = used.iter().position(|u| u == n) {
                return i;
            }
            used.push(n.to_string());
            used.len() - 1
        };
        for &s in self.store().stream(id) {
            let Some(env) = self.store().get(s as usize) else { continue };
            let from = name(&self.publisher_of(s).map_or_else(|| "?".into(), |a| a.name.clone()));
            let text = clean(&format!("{} {}", env.message_type().name(), &env.id.to_string()[..8]));
            let deliveries = self.deliveries(s);
            for d in &deliveries {
                let to = name(&d.actor);
                let arrow = if env.message_type().kind() == crate::message::Kind::Command { "->>" } else { "-->>" };
                let copy = if d.copy > 0 { " (duplicate)" } else { "" };
                lines.push(format!("    A{from}{arrow}A{to}: {text}{copy}"));
            }
            if deliveries.is_empty() {
                lines.push(format!("    Note over A{from}: {text}: {}", clean(&env.body.summary())));
            }
        }
        for (i, n) in used.iter().enumerate() {
            let _ = writeln!(out, "    participant A{i} as {}", clean(n));
        }
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
        Some(out)
    }

    /// The observed run file of everything that arrived (CONTRACT §7), recording the step
    /// shown (`view.step`).
    pub fn export(&self) -> String {
        #[derive(Serialize)]
        struct Entry<'a> {
            #[serde(flatten)]
            entry: HistoryEntry<'a>,
            publisher: &'a str,
            actor: &'a str,
        }
        let envs: Vec<Envelope> = (0..self.len() as u32).filter_map(|s| self.envelope(s)).collect();
        let history: Vec<Entry> = envs
            .iter()
            .enumerate()
            .map(|(i, env)| {
                let who = self.publisher_of(i as u32);
                Entry {
                    entry: HistoryEntry::new(i as u32, env),
                    publisher: who.map_or("", |a| a.role.name()),
                    actor: who.map_or("", |a| a.name.as_str()),
                }
            })
            .collect();
        let report = self.report_upto(self.len());
        #[derive(Serialize)]
        struct File<'a> {
            format: &'static str,
            version: u32,
            observed: bool,
            config: &'a crate::scenario::Config,
            inputs: [(); 0],
            history: Vec<Entry<'a>>,
            report: Value,
            view: crate::run_file::View,
        }
        let file = File {
            format: crate::run_file::FORMAT,
            version: crate::run_file::VERSION,
            observed: true,
            config: self.config(),
            inputs: [],
            history,
            report,
            view: crate::run_file::View { step: self.current() },
        };
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }
}

/// Mermaid's message text ends at a line break and treats `;` and `#` specially.
fn clean(text: &str) -> String {
    text.chars().map(|c| if matches!(c, ';' | '#' | '\n' | '\r') { ' ' } else { c }).collect()
}
