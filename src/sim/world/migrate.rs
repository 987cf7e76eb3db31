//! Moving a live order to another version of its process definition (a migration): the
//! event-sourced process manager's reason to exist, "a long running process needs
//! versions… it can reinterpret".
//!
//! The house replays the order's history under the new version. A migration changes only
//! what is decided from now on, never the past: if the history does not replay with the
//! same decisions under the new version (the old version sent a command the new one would
//! not have, or the new one would have ended the order already), the move is refused,
//! naming the first message decided differently, as a workflow engine refuses code that
//! does not replay its history. A move that replays the same is applied: the house
//! decides the order under the new version from now on and announces `ProcessMigrated`
//! in the order's stream (a rebuild reads the version from there).

use super::*;
use crate::definition::Definition;
use crate::process::replay::{answers_so_far, replay};

/// One order a migration moves.
pub(super) struct Move {
    correlation_id: Uuid,
    definition: Definition,
    from: u8,
    /// Position of the order's latest message (what the announcement answers).
    last: u32,
}

impl World {
    /// The house's actor id and the house.
    fn the_house(&self) -> Option<(ActorId, &crate::process::House)> {
        self.st.actors.iter().enumerate().find_map(|(i, a)| match a {
            Actor::House(h) => Some((i as ActorId, h)),
            _ => None,
        })
    }

    /// The orders `action` (a migration) moves, or why it cannot happen now.
    pub(super) fn check_migration(&self, action: &Action) -> Result<Vec<Move>, String> {
        match action {
            Action::MigrateOrder { order, version } => {
                let index = (*order as usize).checked_sub(1).ok_or("orders are numbered from 1")?;
                let corr = *self.store.orders().nth(index).ok_or_else(|| format!("there is no order {order} yet"))?;
                self.can_move(*order, corr, *version).map(|m| vec![m])
            }
            Action::MigrateOrders { definition, version } => {
                let wanted = Definition::from_name(definition)
                    .ok_or_else(|| format!("definition {definition:?} is not pay-last or pay-first"))?;
                let (_, house) = self.the_house().ok_or("this floor has no house of process managers")?;
                let (mut moves, mut refused) = (Vec::new(), None);
                for (i, corr) in self.store.orders().enumerate() {
                    let runs = house.get(corr);
                    if runs.is_some_and(|p| p.definition == wanted && p.version != *version) {
                        match self.can_move(i as u32 + 1, *corr, *version) {
                            Ok(m) => moves.push(m),
                            Err(e) => {
                                refused.get_or_insert(e);
                            }
                        }
                    }
                }
                if moves.is_empty() {
                    return Err(refused.unwrap_or_else(|| {
                        format!("no live {definition} order runs another version than v{version}")
                    }));
                }
                Ok(moves)
            }
            _ => Ok(Vec::new()),
        }
    }

    /// Whether order number `n` (`corr`) can move to `version` now.
    fn can_move(&self, n: u32, corr: Uuid, version: u8) -> Result<Move, String> {
        let (house_id, house) = self.the_house().ok_or("this floor has no house of process managers")?;
        let process =
            house.get(&corr).ok_or_else(|| format!("order {n} is not live (it ended, or has not started yet)"))?;
        if process.definition == Definition::Custom {
            return Err(format!("order {n} runs the learner's process manager, which has no versions"));
        }
        if process.version == version {
            return Err(format!("order {n} runs v{version} already"));
        }
        let pending = self.st.scheduler.pending();
        if pending.iter().any(|(_, p)| p.publisher == house_id && p.env.correlation_id == corr) {
            return Err(format!(
                "the house is still deciding about order {n} (its decisions are on their way): take a step first"
            ));
        }
        let last = *self.store.stream(&corr).last().ok_or_else(|| format!("there is no order {n} yet"))?;
        let replayed = replay(&self.store, &corr, Some(process.definition), Some(version), self.params, |env| {
            answers_so_far(&self.store, house_id, &corr, env.id)
        })?;
        // what waits in the house's mailbox is not decided yet, under either version
        let waiting: Vec<u32> = self.st.mail[house_id as usize].iter().map(|m| m.seq).collect();
        if let Some(step) = replayed.steps.iter().find(|s| !s.same_as_history && !waiting.contains(&s.seq)) {
            let names = |list: &[Envelope]| -> String {
                if list.is_empty() {
                    "nothing".to_string()
                } else {
                    list.iter().map(|e| e.message_type().name()).collect::<Vec<_>>().join(", ")
                }
            };
            let published = answers_so_far(&self.store, house_id, &corr, step.message.id);
            return Err(format!(
                "order {n} cannot move to v{version}: its history replays differently under it at #{} {} (v{version} \
                 would publish {}; v{} published {}), and the past cannot change",
                step.seq,
                step.message.message_type().name(),
                names(&step.decided),
                process.version,
                names(&published)
            ));
        }
        if replayed.steps.last().is_some_and(|s| s.state.outcome.is_some()) {
            return Err(format!("order {n} has ended (only a refund is still owed): nothing is left to decide"));
        }
        Ok(Move { correlation_id: corr, definition: process.definition, from: process.version, last })
    }

    /// Applies a migration already checked: each order moves, and the house announces it.
    pub(super) fn apply_migration(&mut self, action: &Action) {
        let version = match action {
            Action::MigrateOrder { version, .. } | Action::MigrateOrders { version, .. } => *version,
            _ => return,
        };
        let Ok(moves) = self.check_migration(action) else { return };
        let Some((house, _)) = self.the_house() else { return };
        for m in moves {
            if let Actor::House(h) = &mut self.st.actors[house as usize] {
                h.migrate(&m.correlation_id, version);
            }
            let Some(last) = self.store.get(m.last as usize) else { continue };
            // a second move of the same order answers a later message (or gets its own copy)
            let before = self
                .store
                .stream(&m.correlation_id)
                .iter()
                .filter(|&&s| self.store.message_type(s as usize) == Some(MessageType::ProcessMigrated))
                .count();
            let mail = Mail { seq: m.last, copy: before.min(u8::MAX as usize) as u8, enq: 0, since: self.st.now };
            let mut out = std::mem::take(&mut self.out);
            out.clear();
            out.push(Effect::Announce(Message::ProcessMigrated { definition: m.definition, version, from: m.from }));
            self.carry_out(house, mail, Some(m.last), Some((last.id, m.correlation_id)), self.st.now, &mut out);
            self.out = out;
        }
    }
}
