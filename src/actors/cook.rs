//! A cook: cooks the food of an order, unless the order's time to live has passed.

use super::{Context, Handler, Input};
use crate::message::Message;
use crate::order::Order;
use crate::outbox::{Note, Outbox};
use crate::scenario::Config;
use crate::wiring::Role;
use std::rc::Rc;

pub use crate::cooking::Cooking;

/// One cook.
#[derive(Debug, Clone)]
pub struct Cook {
    /// The cook's name, written on what it cooks.
    pub name: Rc<String>,
    /// Simulated ms to cook one order.
    pub ms: u64,
}

impl Handler for Cook {
    /// Handles one message at `ctx.now`; returns how long the cook is busy.
    ///
    /// An order whose time to live has passed is refused at once with `OrderExpired`
    /// (naming the attempt refused); otherwise the cook spends its cooking time and
    /// answers as the wiring says (`FoodCooked`, or `PriceOrder` when workers send
    /// commands).
    fn handle(&mut self, input: Input<'_>, ctx: &mut Context<'_>, out: &mut Outbox) -> u64 {
        let Input::Message(msg) = input else { return 0 };
        let Some(order) = msg.body.order() else {
            return 0;
        };
        let Some(Some(then)) = ctx.wiring.reaction(Role::Cook, msg.message_type(), Some(order.dodgy)) else {
            return 0;
        };
        if let Some(dish) = ctx.cfg.poison_dish.as_deref() {
            if order.items().iter().any(|l| l.dish().name.eq_ignore_ascii_case(dish.trim())) {
                // a dish nobody in this kitchen can cook: the handler fails every time
                out.push(crate::outbox::Effect::Fail(crate::message::PoisonReason::CannotCook));
                return 0;
            }
        }
        if order.expired(ctx.now) {
            let attempt = msg.body.attempt().unwrap_or(1);
            out.publish(Message::OrderExpired { cook: self.name.clone(), attempt });
            return 0;
        }
        let ms = cooking_ms(self.ms, order, ctx.cfg, msg.correlation_id.as_u64_pair().1, &self.name);
        match Message::with_order(then, Rc::new(order.cooked(ms, &self.name))) {
            Some(answer) => {
                out.note(Note::Cooked);
                out.publish(answer);
                ms
            }
            None => 0,
        }
    }
}

/// How long a cook whose time is `cook_ms` takes to cook `order` (of the correlation whose
/// id's low half is `key`): its time, or with cooking by dish its time for each dish times
/// the dish's weight on the menu; then moved by the config's seeded jitter, the same for
/// the same seed, order and cook. At least 1 ms.
///
/// ```
/// use brigade::actors::cook::{cooking_ms, Cooking};
/// use brigade::order::Order;
/// use brigade::rng::Rng;
/// use brigade::scenario::Config;
/// let order = Order::draw(&mut Rng::new(1), false, 0);
/// let plain = Config::default();
/// assert_eq!(cooking_ms(300, &order, &plain, 9, "Koen"), 300);
/// let by_dish = Config { cooking: Cooking::ByDish, ..Config::default() };
/// // 300 ms for each unit of the menu's work: a risotto weighs 2, a soup 0.6
/// let work: u64 = order.items().iter().map(|l| l.qty as u64 * l.dish().work_permille as u64).sum();
/// assert_eq!(cooking_ms(300, &order, &by_dish, 9, "Koen"), 300 * work / 1000);
/// ```
pub fn cooking_ms(cook_ms: u64, order: &Order, cfg: &Config, key: u64, cook: &str) -> u64 {
    let mut ms = match cfg.cooking {
        Cooking::PerOrder => cook_ms,
        Cooking::ByDish => {
            let work: u64 = order.items().iter().map(|l| l.qty as u64 * l.dish().work_permille as u64).sum();
            cook_ms * work / 1000
        }
    };
    if cfg.cook_jitter > 0.0 {
        let permille = (cfg.cook_jitter * 1000.0).round() as u32;
        let who = cook.bytes().fold(0u64, |h, b| crate::rng::mix64(h ^ b as u64));
        ms = crate::rng::jittered(ms, permille, crate::rng::mix64(cfg.seed ^ crate::rng::mix64(key ^ who)));
    }
    ms.max(1)
}
