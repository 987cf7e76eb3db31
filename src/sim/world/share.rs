//! Workers sharing a role: several assistant managers or cashiers (the config's
//! `assistant_managers`, `cashiers`, and any worker a person hires or sends away) behind
//! the cooks' dispatch strategy.
//!
//! The bus delivers a shared role's messages to its first actor, which stands for all of
//! them; at that delivery the role's share hands the message to one worker on duty, chosen
//! as the dispatcher chooses a cook — except the cashiers: each order's payments go to one
//! cashier (its order, hashed over the cashiers, the next at work while that one is away),
//! since two cashiers taking the same order's payment at once would both find it unpaid
//! and charge twice (competing cashiers would need a lock on the till). A message cannot wait at publication for a worker the
//! strategy would wait for (every queue full under more fair or prefer first, nobody idle
//! under competing consumers): it goes to the worker that will be free first. With nobody
//! of the role on duty the delivery is lost (the process managers' retries recover it).
//! With one worker and no staff change there is no share, and nothing of this runs.

use super::*;
use crate::actors::dispatcher::Dispatcher;

/// One shared role: the actor the bus delivers to, and the workers it stands for.
#[derive(Debug, Clone)]
pub(super) struct Share {
    /// The role's first actor: the bus's subscriber for the whole role.
    pub(super) leader: ActorId,
    /// The workers, on duty or away, in floor order, and the strategy's rotation.
    pub(super) workers: Dispatcher,
}

impl World {
    /// The worker that gets a delivery the bus made to `actor`: `actor` itself, or for a
    /// shared role, the one its strategy picks for message `seq` (or the one free first);
    /// `None` when nobody of the role is on duty.
    pub(super) fn share_out(&mut self, actor: ActorId, seq: u32) -> Option<ActorId> {
        if self.st.shares.is_empty() {
            return Some(actor);
        }
        let Volatile { shares, mail, busy_until, now, .. } = &mut self.st;
        let Some(share) = shares.iter_mut().find(|s| s.leader == actor) else { return Some(actor) };
        let workers = &mut share.workers;
        if self.actors[actor as usize].kind.role().by_order() {
            // one order's messages at one worker (the cashiers: two at once could both find
            // the order unpaid)
            let order = self.store.get(seq as usize)?.correlation_id.as_u128() as usize;
            return workers.pinned_by(order).map(|i| workers.on_duty[i]);
        }
        let body = self.store.body(seq as usize)?;
        let floor = FloorView { mail, busy_until, actors: &self.actors };
        workers.choose(&self.cfg, &floor, *now, body).or_else(|| workers.soonest_free(&floor, *now))
    }

    /// The share of `role`, made when first needed (a role of one actor has none until a
    /// person hires or sends away one of its workers).
    pub(super) fn share_of(&mut self, role: Role) -> &mut Share {
        let leader = self.actors.iter().find(|a| a.kind.role() == role).map_or(0, |a| a.id);
        if let Some(k) = self.st.shares.iter().position(|s| s.leader == leader) {
            return &mut self.st.shares[k];
        }
        let members = self.st.actors.iter().enumerate().filter(|(_, a)| a.role() == role).map(|(id, _)| id as ActorId);
        self.st.shares.push(Share { leader, workers: Dispatcher::new(members.collect()) });
        self.st.shares.last_mut().expect("just pushed")
    }

    /// Whether `worker`, of a shared role, has been sent away (what reaches it is lost).
    pub(super) fn sent_away(&self, worker: ActorId) -> bool {
        let role = self.actors[worker as usize].kind.role();
        self.st
            .shares
            .iter()
            .any(|s| self.actors[s.leader as usize].kind.role() == role && !s.workers.has_on_duty(worker))
    }

    /// The shares made at the start: every role the config staffs with more than one
    /// worker.
    pub(super) fn initial_shares(&mut self) {
        for (role, n) in [(Role::AssistantManager, self.cfg.assistant_managers), (Role::Cashier, self.cfg.cashiers)] {
            if n > 1 {
                self.share_of(role);
            }
        }
    }
}
