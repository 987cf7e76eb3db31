//! A person's inputs at the current step, beyond placing orders and switching versions:
//! the fate of one delivery (drop, duplicate, delay), and the kitchen (a cook walks out,
//! comes back, is hired, changes speed). Checked before they happen, so a bad one changes
//! nothing; applied when recorded and again, identically, when replayed.

use super::*;
use crate::actors::assistant_manager::AssistantManager;
use crate::actors::cashier::Cashier;
use crate::actors::cook::Cook;
use crate::actors::dispatcher::Dispatcher;
use crate::scenario::{MAX_COOKS, MAX_SHARING as MAX_STAFF};

/// A message waiting in a mailbox, or in flight (decided, not yet published) towards an
/// actor, at the current step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Store position of a waiting message (`None` in flight).
    pub seq: Option<u32>,
    /// Output number of a message in flight (`None` when waiting).
    pub output: Option<u32>,
    /// The receiving actor.
    pub actor: ActorId,
    /// Which copy (0, or more for duplicated deliveries).
    pub copy: u8,
    /// The message's type.
    pub message_type: MessageType,
    /// The message's id.
    pub id: Uuid,
    /// The order it belongs to.
    pub correlation_id: Uuid,
    /// Waiting: when it entered the mailbox. In flight: when it was decided.
    pub since_ms: u64,
    /// In flight: when it is due to be published.
    pub due_ms: Option<u64>,
    /// Whether a person may drop, duplicate or delay it (deliveries to the workers).
    pub changeable: bool,
}

impl World {
    /// Carries out a person's action at the current step, after checking it can happen
    /// now: a bad one is refused with a one-line reason and changes nothing. Otherwise the
    /// recorded future is forgotten and the action is recorded at this step.
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        self.check_action(&action)?;
        self.record_input(action);
        Ok(())
    }

    /// Whether `action` can happen at the current step (see [`World::act`]).
    pub fn check_action(&self, action: &Action) -> Result<(), String> {
        action.check_shape()?;
        match action {
            Action::PlaceOrder { .. } | Action::SetProcessVersion { .. } => Ok(()),
            Action::DropMessage { .. } | Action::DuplicateMessage { .. } | Action::DelayMessage { .. } => {
                self.fate_slot(action).map(|_| ())
            }
            Action::CookLeaves { cook } => {
                let id = self.cook_named(cook)?;
                if !self.on_duty(id) {
                    return Err(format!("{} has already walked out", self.actors[id as usize].name));
                }
                Ok(())
            }
            Action::CookReturns { cook } => {
                let id = self.cook_named(cook)?;
                if self.on_duty(id) {
                    return Err(format!(
                        "{} is in the kitchen; only a cook who walked out can return",
                        self.actors[id as usize].name
                    ));
                }
                Ok(())
            }
            Action::HireCook { name, .. } => {
                self.name_free(name)?;
                if self.st.stats.per_cook.len() >= MAX_COOKS {
                    return Err(format!("the kitchen has {MAX_COOKS} cooks already (the most it can have)"));
                }
                Ok(())
            }
            Action::SetCookTime { cook, .. } => self.cook_named(cook).map(|_| ()),
            Action::WorkerLeaves { worker } => {
                let id = self.worker_named(worker)?;
                if !self.at_work(id) {
                    return Err(format!("{} has already been sent away", self.actors[id as usize].name));
                }
                let kind = self.actors[id as usize].kind;
                let colleagues = (0..self.st.actors.len() as ActorId)
                    .filter(|&a| a != id && self.actors[a as usize].kind == kind && self.at_work(a))
                    .count();
                if kind == ActorKind::Cashier && colleagues == 0 {
                    return Err(format!(
                        "{} is the last cashier at work, and refunds are asked of the cashiers until one \
                         answers; hire another first",
                        self.actors[id as usize].name
                    ));
                }
                Ok(())
            }
            Action::WorkerReturns { worker } => {
                let id = self.worker_named(worker)?;
                if self.at_work(id) {
                    return Err(format!(
                        "{} is at work; only a worker who was sent away can return",
                        self.actors[id as usize].name
                    ));
                }
                Ok(())
            }
            Action::HireWorker { role, name, ms } => {
                let role = Role::from_name(role).unwrap_or(Role::Cook);
                if role == Role::Cook {
                    return self.check_action(&Action::HireCook { name: name.clone(), ms: *ms });
                }
                self.name_free(name)?;
                let staff = self.actors.iter().filter(|a| a.kind.role() == role).count();
                let staff = staff.max(self.st.actors.iter().filter(|a| a.role() == role).count());
                if staff >= MAX_STAFF {
                    return Err(format!(
                        "the floor has {MAX_STAFF} of the {} already (the most it can have)",
                        role.display()
                    ));
                }
                Ok(())
            }
            Action::SetWorkerTime { worker, .. } => self.worker_named(worker).map(|_| ()),
            Action::Crash { .. } | Action::PoisonMessage { .. } | Action::RedeliverMessage { .. } => {
                self.check_failure(action)
            }
            Action::MigrateOrder { .. } | Action::MigrateOrders { .. } => self.check_migration(action).map(|_| ()),
        }
    }

    /// Whether worker `id` takes work: a cook the dispatcher hands work to, or any other
    /// worker its role's share has not sent away.
    fn at_work(&self, id: ActorId) -> bool {
        match self.actors[id as usize].kind {
            ActorKind::Cook(_) => self.on_duty(id),
            _ => !self.sent_away(id),
        }
    }

    /// Whether no actor is called `name` (compared as the floor compares names).
    fn name_free(&self, name: &str) -> Result<(), String> {
        let name = name.trim();
        match self.actor_named(name) {
            Some(id) => Err(format!("the name {name:?} is taken by {}; choose another", self.actors[id as usize].name)),
            None => Ok(()),
        }
    }

    fn worker_named(&self, name: &str) -> Result<ActorId, String> {
        match self.actor_named(name) {
            Some(id) if self.actors[id as usize].kind.is_worker() && (id as usize) < self.st.actors.len() => Ok(id),
            Some(id) => Err(format!(
                "{} is not a worker (a cook, an assistant manager or a cashier)",
                self.actors[id as usize].name
            )),
            None => Err(format!("no worker is called {:?}", name.trim())),
        }
    }

    /// Whether cook `id` takes work: the dispatcher hands it work.
    pub(super) fn on_duty(&self, id: ActorId) -> bool {
        self.st.actors.iter().any(|a| matches!(a, Actor::Dispatcher(d) if d.on_duty.contains(&id)))
    }

    /// Whether `actor` is a cook who walked out or a worker sent away (what reaches it is
    /// lost).
    pub(super) fn walked_out(&self, actor: ActorId) -> bool {
        match self.actors[actor as usize].kind {
            ActorKind::Cook(_) => !self.on_duty(actor),
            kind if kind.is_worker() && !self.st.shares.is_empty() => self.sent_away(actor),
            _ => false,
        }
    }

    /// The dispatcher (the kitchen's staff changes are its business).
    fn dispatchers(&mut self) -> impl Iterator<Item = &mut Dispatcher> {
        self.st.actors.iter_mut().filter_map(|a| match a {
            Actor::Dispatcher(d) => Some(d),
            _ => None,
        })
    }

    fn cook_named(&self, name: &str) -> Result<ActorId, String> {
        match self.actor_named(name) {
            Some(id) if matches!(self.actors[id as usize].kind, ActorKind::Cook(_)) => Ok(id),
            Some(id) => Err(format!("{} is not a cook", self.actors[id as usize].name)),
            None => Err(format!("no cook is called {:?}", name.trim())),
        }
    }

    /// For a fate input: the fate, the receiving actor, and where the delivery is (the
    /// position in the mailbox of a waiting message, or `None` for one in flight).
    fn fate_slot(&self, action: &Action) -> Result<(Fate, ActorId, FateTarget, Option<usize>), String> {
        let Some((fate, target, actor_name)) = action.fate() else {
            return Err("not a message fate".to_string());
        };
        let target = target?;
        let actor =
            self.actor_named(actor_name).ok_or_else(|| format!("no actor is called {:?}", actor_name.trim()))?;
        let info = &self.actors[actor as usize];
        if !info.kind.is_worker() {
            return Err(format!(
                "deliveries to the {} are reliable; only those to the cooks, the assistant manager and the cashier can be dropped, duplicated or delayed",
                info.name
            ));
        }
        match target {
            FateTarget::Waiting { seq, copy } => {
                let at = self.st.mail[actor as usize]
                    .iter()
                    .position(|m| m.seq == seq && copy.is_none_or(|c| c == m.copy))
                    .ok_or_else(|| match copy {
                        Some(c) => format!("message {seq} (copy {c}) is not waiting in {}'s mailbox", info.name),
                        None => format!("message {seq} is not waiting in {}'s mailbox", info.name),
                    })?;
                if fate == Fate::Duplicated && self.copies_made(seq, actor) >= u8::MAX as usize - 1 {
                    return Err(format!("message {seq} has been duplicated for {} too often already", info.name));
                }
                Ok((fate, actor, target, Some(at)))
            }
            FateTarget::InFlight { output } => {
                let pending = self.st.scheduler.pending();
                let (_, parked) = pending
                    .iter()
                    .find(|(_, p)| p.output == output)
                    .ok_or_else(|| format!("no message in flight has output number {output}"))?;
                if !self.route_of(&parked.env).contains(&actor) {
                    return Err(format!("the message in flight (output {output}) is not for {}", info.name));
                }
                if self.st.fates.iter().any(|&(o, a, _)| o == output && a == actor) {
                    return Err(format!("the fate of that delivery to {} is decided already", info.name));
                }
                Ok((fate, actor, target, None))
            }
        }
    }

    /// Who a publication would reach if published now.
    fn route_of(&self, env: &Envelope) -> Vec<ActorId> {
        let mut targets = Vec::new();
        self.bus.route(env, |a| targets.push(a));
        if let Some(follower) = self.store.follower_of(env) {
            if !targets.contains(&follower) {
                targets.push(follower);
            }
        }
        targets
    }

    /// Copies made of message `seq` for `actor` so far (duplicated deliveries).
    pub(super) fn copies_made(&self, seq: u32, actor: ActorId) -> usize {
        self.faults().iter().filter(|f| f.seq == seq && f.actor == actor && f.fault == Fault::Duplicate).count()
    }

    /// The messages waiting in mailboxes (head first, in floor order), then those in
    /// flight towards each actor they will reach (earliest first).
    pub fn queued(&self) -> Vec<Queued> {
        let mut list = Vec::new();
        for (a, mail) in self.st.mail.iter().enumerate() {
            let changeable = self.actors[a].kind.is_worker();
            // an arrival (an order to take) is no message: it has no fate to choose
            for m in mail.iter().filter(|m| m.seq != TAKE_ORDER) {
                let Some(env) = self.store.get(m.seq as usize) else { continue };
                list.push(Queued {
                    seq: Some(m.seq),
                    output: None,
                    actor: a as ActorId,
                    copy: m.copy,
                    message_type: env.message_type(),
                    id: env.id,
                    correlation_id: env.correlation_id,
                    since_ms: m.since,
                    due_ms: None,
                    changeable,
                });
            }
        }
        for (at, p) in self.st.scheduler.pending() {
            let since = self.step_of_output(p.output).and_then(|s| self.trace_record(s)).map_or(0, |r| r.at_ms);
            for actor in self.route_of(&p.env) {
                list.push(Queued {
                    seq: None,
                    output: Some(p.output),
                    actor,
                    copy: 0,
                    message_type: p.env.message_type(),
                    id: p.env.id,
                    correlation_id: p.env.correlation_id,
                    since_ms: since,
                    due_ms: Some(at),
                    changeable: self.actors[actor as usize].kind.is_worker(),
                });
            }
        }
        list
    }

    /// The step (1-based, done by the current step) that decided output `k`.
    fn step_of_output(&self, k: u32) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.st.steps);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.trace.get(mid).is_some_and(|r| r.outputs_end > k) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        (lo < self.st.steps).then_some(lo + 1)
    }

    pub(super) fn record_fault(&mut self, step: u32, seq: u32, actor: ActorId, fault: Fault, manual: bool) {
        let record = FaultRecord { step, seq, actor, fault, manual };
        self.faults.record_anew(&mut self.st.faults_len, record);
    }

    /// Applies an action already checked at the current step.
    pub(super) fn apply_action(&mut self, action: &Action) {
        let step = self.st.steps as u32;
        match action {
            Action::PlaceOrder { .. } | Action::SetProcessVersion { .. } => {}
            Action::Crash { .. } | Action::PoisonMessage { .. } | Action::RedeliverMessage { .. } => {
                self.apply_failure(action)
            }
            Action::MigrateOrder { .. } | Action::MigrateOrders { .. } => self.apply_migration(action),
            Action::DropMessage { .. } | Action::DuplicateMessage { .. } | Action::DelayMessage { .. } => {
                let Ok((fate, actor, target, at)) = self.fate_slot(action) else { return };
                let a = actor as usize;
                match (target, at) {
                    (FateTarget::InFlight { output }, _) => self.st.fates.push((output, actor, fate)),
                    (FateTarget::Waiting { .. }, Some(i)) => {
                        let Some(mail) = self.st.mail[a].get(i).copied() else { return };
                        match fate {
                            Fate::Lost => {
                                self.st.mail.remove(a, i);
                                self.st.stats.deliveries_dropped += 1;
                                self.record_fault(step, mail.seq, actor, Fault::Drop, true);
                            }
                            Fate::Duplicated => {
                                let copy = (self.copies_made(mail.seq, actor) + 1).min(u8::MAX as usize) as u8;
                                let enq = self.next_mail();
                                let now = self.st.now;
                                self.st.mail.insert(a, i + 1, Mail { seq: mail.seq, copy, enq, since: now });
                                self.observe(actor);
                                self.st.stats.deliveries_duplicated += 1;
                                self.record_fault(step, mail.seq, actor, Fault::Duplicate, true);
                            }
                            Fate::Delayed(ms) => {
                                self.st.mail.remove(a, i);
                                let at = self.st.now + ms;
                                self.st.delayed.push(Delayed { at, actor, seq: mail.seq, copy: mail.copy });
                                self.record_fault(step, mail.seq, actor, Fault::Delay, true);
                            }
                            // a person's input gives no other fate (Action::fate)
                            Fate::Delivered | Fate::Late => {}
                        }
                    }
                    (FateTarget::Waiting { .. }, None) => {}
                }
            }
            Action::CookLeaves { cook } => {
                let Ok(id) = self.cook_named(cook) else { return };
                self.dispatchers().for_each(|d| d.cook_leaves(id));
                self.lose_mailbox(step, id);
            }
            Action::CookReturns { cook } => {
                let Ok(id) = self.cook_named(cook) else { return };
                self.dispatchers().for_each(|d| d.cook_joins(id));
            }
            Action::HireCook { name, ms } => {
                let name = name.trim().to_string();
                let number = self.st.stats.per_cook.len() as u16;
                let cook = Actor::Cook(Cook { name: Rc::new(name.clone()), ms: *ms });
                let id = self.add_actor(name, ActorKind::Cook(number), cook);
                self.st.stats.per_cook.push(0);
                self.dispatchers().for_each(|d| d.cook_joins(id));
            }
            Action::SetCookTime { cook, ms } => {
                let Ok(id) = self.cook_named(cook) else { return };
                if let Actor::Cook(c) = &mut self.st.actors[id as usize] {
                    c.ms = *ms;
                }
            }
            Action::WorkerLeaves { worker } => {
                let Ok(id) = self.worker_named(worker) else { return };
                if matches!(self.actors[id as usize].kind, ActorKind::Cook(_)) {
                    return self.apply_action(&Action::CookLeaves { cook: worker.clone() });
                }
                let role = self.actors[id as usize].kind.role();
                self.share_of(role).workers.cook_leaves(id);
                self.lose_mailbox(step, id);
            }
            Action::WorkerReturns { worker } => {
                let Ok(id) = self.worker_named(worker) else { return };
                if matches!(self.actors[id as usize].kind, ActorKind::Cook(_)) {
                    return self.apply_action(&Action::CookReturns { cook: worker.clone() });
                }
                let role = self.actors[id as usize].kind.role();
                self.share_of(role).workers.cook_joins(id);
            }
            Action::HireWorker { role, name, ms } => {
                let (kind, actor) = match Role::from_name(role) {
                    Some(Role::AssistantManager) => {
                        (ActorKind::AssistantManager, Actor::AssistantManager(AssistantManager { ms: *ms }))
                    }
                    Some(Role::Cashier) => (ActorKind::Cashier, Actor::Cashier(Cashier { ms: *ms })),
                    _ => return self.apply_action(&Action::HireCook { name: name.clone(), ms: *ms }),
                };
                let role = kind.role();
                // the share is made before the newcomer arrives, of the workers already there
                self.share_of(role);
                let id = self.add_actor(name.trim().to_string(), kind, actor);
                self.share_of(role).workers.cook_joins(id);
            }
            Action::SetWorkerTime { worker, ms } => {
                let Ok(id) = self.worker_named(worker) else { return };
                match &mut self.st.actors[id as usize] {
                    Actor::Cook(c) => c.ms = *ms,
                    Actor::AssistantManager(a) => a.ms = *ms,
                    Actor::Cashier(c) => c.ms = *ms,
                    _ => {}
                }
            }
        }
    }

    /// A newcomer on the floor (a worker hired): its name and kind (kept once known, for a
    /// run stepped back over), its state, an empty mailbox, and its place in the moving
    /// parts. Returns its actor id.
    fn add_actor(&mut self, name: String, kind: ActorKind, actor: Actor) -> ActorId {
        let id = self.st.actors.len() as ActorId;
        if self.actors.len() <= id as usize {
            self.actors.push(ActorInfo { name, kind, id });
        }
        self.st.actors.push(actor);
        self.st.mail.add();
        self.st.busy_until.push(0);
        self.st.load.push(Default::default());
        self.st.sampler.add();
        id
    }

    /// Worker `id` walked out or was sent away: what waits in its mailbox is lost, each a
    /// fault of `step`.
    fn lose_mailbox(&mut self, step: u32, id: ActorId) {
        for m in self.st.mail.drain(id as usize) {
            self.st.stats.deliveries_dropped += 1;
            self.record_fault(step, m.seq, id, Fault::WalkedOut, true);
        }
    }

    /// The fate a person chose for the delivery of output `output` to `actor`, if any.
    pub(super) fn take_fate(&mut self, output: u32, actor: ActorId) -> Option<Fate> {
        let i = self.st.fates.iter().position(|&(o, a, _)| o == output && a == actor)?;
        Some(self.st.fates.remove(i).2)
    }
}
