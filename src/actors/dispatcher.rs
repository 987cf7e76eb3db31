//! The dispatcher: hands each order to a cook (round robin, more fair or competing
//! consumers; the choice itself is in [`crate::dispatch`]).

use super::{Context, Floor, Handler, Input};
use crate::bus::ActorId;
use crate::dispatch::{self, CookLoad, Dispatch};
use crate::message::Message;
use crate::outbox::{Effect, Outbox};
use crate::scenario::Config;

/// The dispatcher, the cooks it hands work to and the next cook in its rotation.
#[derive(Debug, Clone, Default)]
pub struct Dispatcher {
    /// Where the rotation starts looking next.
    pub rotation: usize,
    /// The cooks taking work, in cook order (a cook who walked out is not here).
    pub on_duty: Vec<ActorId>,
    /// Every cook it has known, on duty or away, in cook order (what pinned dispatch
    /// pins the dishes to).
    roster: Vec<ActorId>,
    /// What it saw of each cook on duty when it last handed work out (kept to reuse).
    loads: Vec<CookLoad>,
}

impl Dispatcher {
    /// A dispatcher handing work to `on_duty`, in that order.
    pub fn new(on_duty: Vec<ActorId>) -> Dispatcher {
        Dispatcher { rotation: 0, roster: on_duty.clone(), on_duty, loads: Vec::new() }
    }

    /// What the dispatcher sees of each cook on duty.
    fn loads<'a>(&'a self, floor: &'a (impl Floor + ?Sized)) -> impl Iterator<Item = CookLoad> + 'a {
        self.on_duty.iter().map(|&a| {
            let (queued, busy_until) = floor.load(a);
            CookLoad { queued, busy_until }
        })
    }

    /// When the dispatcher could hand out the message at the head of its mailbox, given what
    /// it sees of the cooks; `None` when it must wait for a cook to take from its own queue.
    #[inline]
    pub fn ready_at(&self, cfg: &Config, floor: &impl Floor, now: u64) -> Option<u64> {
        dispatch::ready_at(cfg.dispatch, self.loads(floor), now, cfg.queue_limit as usize)
    }

    /// Cook `cook` walks out: no more work for it.
    pub fn cook_leaves(&mut self, cook: ActorId) {
        self.on_duty.retain(|&c| c != cook);
    }

    /// Cook `cook` takes work (again, or newly hired), in its place in cook order.
    pub fn cook_joins(&mut self, cook: ActorId) {
        if !self.on_duty.contains(&cook) {
            let at = self.on_duty.partition_point(|&c| c < cook);
            self.on_duty.insert(at, cook);
        }
        if !self.roster.contains(&cook) {
            let at = self.roster.partition_point(|&c| c < cook);
            self.roster.insert(at, cook);
        }
    }

    /// Whether `worker` takes work now.
    pub fn has_on_duty(&self, worker: ActorId) -> bool {
        self.on_duty.contains(&worker)
    }

    /// Pinned dispatch: the place among the cooks on duty of the cook `dish` (its place on
    /// the menu) is pinned to: the cook it falls to among every cook known (`dish` modulo
    /// their number), or while that cook is away the next one on duty after it, so that
    /// its dishes come back to it when it returns.
    ///
    /// ```
    /// use brigade::actors::dispatcher::Dispatcher;
    /// let mut d = Dispatcher::new(vec![3, 4, 5]);
    /// assert_eq!((d.pinned(0), d.pinned(1), d.pinned(4)), (Some(0), Some(1), Some(1)));
    /// d.cook_leaves(4);
    /// assert_eq!(d.pinned(1), Some(1), "cook 4's dishes go to cook 5, second on duty");
    /// d.cook_joins(4);
    /// assert_eq!(d.pinned(1), Some(1), "and come back");
    /// assert_eq!(d.on_duty[1], 4);
    /// ```
    pub fn pinned(&self, dish: u8) -> Option<usize> {
        self.pinned_by(dish as usize)
    }

    /// The place among the workers on duty of the one `key` falls to ([`Dispatcher::pinned`]
    /// for any key: a dish's place on the menu, an order's number).
    pub fn pinned_by(&self, key: usize) -> Option<usize> {
        let n = self.roster.len();
        let start = key % n.max(1);
        (0..n).map(|k| self.roster[(start + k) % n]).find_map(|cook| self.on_duty.iter().position(|&c| c == cook))
    }

    /// The worker on duty that gets `body` at `now` by the config's dispatch strategy,
    /// advancing the rotation; `None` when no worker may take it now.
    pub fn choose(&mut self, cfg: &Config, floor: &(impl Floor + ?Sized), now: u64, body: &Message) -> Option<ActorId> {
        let pinned = match cfg.dispatch {
            Dispatch::Pinned => body.order().and_then(|o| o.items().first()).and_then(|line| self.pinned(line.dish)),
            _ => None,
        };
        let limit = cfg.queue_limit as usize;
        let mut loads = std::mem::take(&mut self.loads);
        loads.clear();
        loads.extend(self.loads(floor));
        let pick = dispatch::choose(cfg.dispatch, &loads, now, limit, &mut self.rotation, pinned);
        self.loads = loads;
        pick.map(|i| self.on_duty[i])
    }

    /// The worker on duty that will be free first (the fewest waiting, then the earliest
    /// free, then the first in order): where a message goes that cannot wait for the
    /// strategy's choice. `None` when nobody is on duty.
    pub fn soonest_free(&self, floor: &(impl Floor + ?Sized), now: u64) -> Option<ActorId> {
        self.on_duty.iter().copied().min_by_key(|&a| {
            let (queued, busy_until) = floor.load(a);
            (queued, busy_until.max(now))
        })
    }
}

impl Handler for Dispatcher {
    /// Hands the message at the head of the mailbox to a cook, or holds it when no cook
    /// may take it now. Takes no time.
    fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        let Input::Message(msg) = input else { return 0 };
        match self.choose(ctx.cfg, ctx.floor, ctx.now, msg.body) {
            Some(cook) => out.push(Effect::HandTo(cook)),
            None => out.push(Effect::Hold),
        }
        0
    }
}
