//! How `CookFood` reaches the cooks: round robin, more fair, competing consumers, pinned
//! (each dish to its own cook) or prefer first (the first cook with room).
//!
//! The dispatcher is an actor with its own mailbox. These pure functions decide when it
//! can hand out the next order and to which cook, from the cooks' loads.

use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

/// How the dispatcher hands `CookFood` to the cooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, EnumIter, IntoStaticStr, EnumString)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub enum Dispatch {
    /// Each cook in turn.
    RoundRobin,
    /// Each cook in turn, skipping a cook whose queue is at the limit.
    MoreFair,
    /// One shared queue; an idle cook takes the next order.
    Competing,
    /// Each order to the cook its first dish is pinned to (the dish's place on the menu,
    /// modulo the cooks); while that cook is away, to the next cook on duty after it.
    Pinned,
    /// The first cook (in cook order) whose queue is below the limit.
    PreferFirst,
}

impl Dispatch {
    /// The CLI and config name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The kind called `name`.
    pub fn from_name(name: &str) -> Option<Dispatch> {
        name.parse().ok()
    }
}

/// What the dispatcher sees of one cook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookLoad {
    /// Messages waiting in the cook's mailbox (not counting the one being cooked).
    pub queued: usize,
    /// The cook is busy until this time.
    pub busy_until: u64,
}

impl CookLoad {
    fn idle(&self, now: u64) -> bool {
        self.queued == 0 && self.busy_until <= now
    }
}

/// The earliest time at or after `now` at which the dispatcher may hand out an order,
/// or `None` if it must wait for a cook to take from its own queue first.
///
/// ```
/// use brigade::dispatch::{ready_at, CookLoad};
/// use brigade::scenario::Dispatch;
/// let busy = [CookLoad { queued: 0, busy_until: 500 }];
/// assert_eq!(ready_at(Dispatch::Competing, busy, 100, 5), Some(500));
/// assert_eq!(ready_at(Dispatch::RoundRobin, busy, 100, 5), Some(100));
/// ```
pub fn ready_at(kind: Dispatch, cooks: impl IntoIterator<Item = CookLoad>, now: u64, limit: usize) -> Option<u64> {
    let mut cooks = cooks.into_iter();
    match kind {
        // with no cook on duty, nobody can take the order
        Dispatch::RoundRobin | Dispatch::Pinned => cooks.next().map(|_| now),
        Dispatch::MoreFair | Dispatch::PreferFirst => cooks.any(|c| c.queued < limit).then_some(now),
        Dispatch::Competing => cooks.filter(|c| c.queued == 0).map(|c| c.busy_until.max(now)).min(),
    }
}

/// The cook that gets the next order at `now`, advancing the rotation `next`; `pinned` is
/// the place among `cooks` of the cook the order is pinned to (pinned dispatch only).
/// `None` when no cook may take it now.
///
/// ```
/// use brigade::dispatch::{choose, CookLoad};
/// use brigade::scenario::Dispatch;
/// let cooks = [CookLoad { queued: 5, busy_until: 0 }, CookLoad { queued: 1, busy_until: 0 }];
/// let mut next = 0;
/// assert_eq!(choose(Dispatch::MoreFair, &cooks, 0, 5, &mut next, None), Some(1)); // cook 0 is full
/// ```
pub fn choose(
    kind: Dispatch,
    cooks: &[CookLoad],
    now: u64,
    limit: usize,
    next: &mut usize,
    pinned: Option<usize>,
) -> Option<usize> {
    let n = cooks.len();
    if n == 0 {
        return None;
    }
    let pick = match kind {
        Dispatch::RoundRobin => Some(*next % n),
        Dispatch::MoreFair => (0..n).map(|k| (*next + k) % n).find(|&i| cooks[i].queued < limit),
        Dispatch::Competing => (0..n).map(|k| (*next + k) % n).find(|&i| cooks[i].idle(now)),
        Dispatch::Pinned => pinned.filter(|&i| i < n),
        Dispatch::PreferFirst => (0..n).find(|&i| cooks[i].queued < limit),
    }?;
    *next = (pick + 1) % n;
    Some(pick)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(queued: usize, busy_until: u64) -> CookLoad {
        CookLoad { queued, busy_until }
    }

    #[test]
    fn round_robin_takes_turns_regardless_of_load() {
        let cooks = [load(9, 100), load(0, 0), load(0, 0)];
        let mut next = 0;
        let picks: Vec<_> =
            (0..6).map(|_| choose(Dispatch::RoundRobin, &cooks, 0, 5, &mut next, None).unwrap()).collect();
        assert_eq!(picks, vec![0, 1, 2, 0, 1, 2]);
    }

    #[test]
    fn more_fair_waits_when_every_queue_is_full() {
        let full = [load(5, 100), load(5, 200)];
        assert_eq!(ready_at(Dispatch::MoreFair, full, 0, 5), None);
        let mut next = 0;
        assert_eq!(choose(Dispatch::MoreFair, &full, 0, 5, &mut next, None), None);
    }

    #[test]
    fn competing_gives_work_only_to_an_idle_cook() {
        let cooks = [load(0, 300), load(0, 100)];
        assert_eq!(ready_at(Dispatch::Competing, cooks, 0, 5), Some(100));
        let mut next = 0;
        assert_eq!(choose(Dispatch::Competing, &cooks, 0, 5, &mut next, None), None);
        assert_eq!(choose(Dispatch::Competing, &cooks, 100, 5, &mut next, None), Some(1));
    }

    #[test]
    fn prefer_first_fills_the_first_cook_with_room() {
        let cooks = [load(2, 100), load(0, 0), load(0, 0)];
        let mut next = 0;
        let picks: Vec<_> =
            (0..3).map(|_| choose(Dispatch::PreferFirst, &cooks, 0, 5, &mut next, None).unwrap()).collect();
        assert_eq!(picks, vec![0, 0, 0], "the first cook, as long as it has room");
        let first_full = [load(5, 100), load(4, 0), load(0, 0)];
        assert_eq!(choose(Dispatch::PreferFirst, &first_full, 0, 5, &mut next, None), Some(1));
        assert_eq!(ready_at(Dispatch::PreferFirst, [load(5, 0), load(5, 0)], 0, 5), None);
    }

    #[test]
    fn pinned_gives_the_order_to_its_cook_whatever_the_load() {
        let cooks = [load(9, 900), load(0, 0)];
        let mut next = 0;
        assert_eq!(choose(Dispatch::Pinned, &cooks, 0, 5, &mut next, Some(0)), Some(0));
        assert_eq!(choose(Dispatch::Pinned, &cooks, 0, 5, &mut next, Some(1)), Some(1));
        assert_eq!(choose(Dispatch::Pinned, &cooks, 0, 5, &mut next, None), None, "no cook on duty");
        assert_eq!(ready_at(Dispatch::Pinned, cooks, 7, 5), Some(7));
    }
}
