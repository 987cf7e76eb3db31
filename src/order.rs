//! The order document and the menu.
//!
//! As in the workshop, one document travels with an order and each worker enriches it:
//! the waiter writes the table and the items, a cook adds ingredients and cooking time,
//! the assistant manager adds prices and tax, the cashier marks it paid.

use crate::rng::Rng;
use serde::Serialize;

/// One dish on the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dish {
    /// The name printed on the order.
    pub name: &'static str,
    /// Price in cents.
    pub price_cents: u32,
    /// How long an order with this dish may wait before cooking starts, in ms.
    pub time_to_live_ms: u64,
    /// What the cook puts in.
    pub ingredients: &'static [&'static str],
}

/// The restaurant's menu. Times to live span 4.5–5.5 s, as in the workshop's reference run.
pub const MENU: [Dish; 6] = [
    Dish {
        name: "razor clams",
        price_cents: 1250,
        time_to_live_ms: 4_500,
        ingredients: &["razor clams", "garlic", "parsley"],
    },
    Dish {
        name: "meatballs",
        price_cents: 950,
        time_to_live_ms: 5_000,
        ingredients: &["beef", "breadcrumbs", "tomato"],
    },
    Dish {
        name: "guacamole",
        price_cents: 700,
        time_to_live_ms: 5_500,
        ingredients: &["avocado", "lime", "coriander"],
    },
    Dish {
        name: "fish and chips",
        price_cents: 1100,
        time_to_live_ms: 4_800,
        ingredients: &["cod", "potatoes", "batter"],
    },
    Dish {
        name: "mushroom risotto",
        price_cents: 1300,
        time_to_live_ms: 5_200,
        ingredients: &["rice", "mushrooms", "parmesan"],
    },
    Dish {
        name: "tomato soup",
        price_cents: 600,
        time_to_live_ms: 5_500,
        ingredients: &["tomato", "basil", "cream"],
    },
];

/// Tax added by the assistant manager, in percent.
pub const TAX_PERCENT: u32 = 20;

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineItem {
    /// Dish name, from [`MENU`].
    pub dish: &'static str,
    /// How many.
    pub qty: u8,
    /// Price of one, in cents; 0 until the assistant manager prices the order.
    pub price_cents: u32,
}

/// The order document. Each worker returns an enriched copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// Table number.
    pub table: u16,
    /// A dodgy customer must pay before the kitchen cooks.
    pub dodgy: bool,
    /// What was ordered.
    pub items: Vec<LineItem>,
    /// Simulated time the waiter took the order.
    pub placed_at_ms: u64,
    /// Cooking must start no later than this, or the order is not cooked.
    pub expires_at_ms: u64,
    /// Added by the cook.
    pub ingredients: Vec<&'static str>,
    /// Added by the cook: how long the cooking took.
    pub cooking_ms: u64,
    /// Added by the assistant manager.
    pub subtotal_cents: u32,
    /// Added by the assistant manager.
    pub tax_cents: u32,
    /// Added by the assistant manager.
    pub total_cents: u32,
    /// Set by the cashier.
    pub paid: bool,
}

impl Order {
    /// A new order for one table, with one to three dishes drawn from the menu.
    pub fn draw(rng: &mut Rng, dodgy: bool, now_ms: u64) -> Order {
        let table = 1 + rng.below(20) as u16;
        let lines = 1 + rng.below(3) as usize;
        let mut items: Vec<LineItem> = Vec::with_capacity(lines);
        let mut ttl = u64::MAX;
        for _ in 0..lines {
            let dish = &MENU[rng.below(MENU.len() as u64) as usize];
            ttl = ttl.min(dish.time_to_live_ms);
            match items.iter_mut().find(|l| l.dish == dish.name) {
                Some(line) => line.qty += 1,
                None => items.push(LineItem {
                    dish: dish.name,
                    qty: 1,
                    price_cents: 0,
                }),
            }
        }
        Order {
            table,
            dodgy,
            items,
            placed_at_ms: now_ms,
            expires_at_ms: now_ms + ttl,
            ingredients: Vec::new(),
            cooking_ms: 0,
            subtotal_cents: 0,
            tax_cents: 0,
            total_cents: 0,
            paid: false,
        }
    }

    /// Whether the order's time to live has passed at `now_ms`.
    pub fn expired(&self, now_ms: u64) -> bool {
        now_ms > self.expires_at_ms
    }

    /// The cook's enrichment: ingredients and cooking time.
    pub fn cooked(&self, cooking_ms: u64) -> Order {
        let mut next = self.clone();
        next.ingredients = self
            .items
            .iter()
            .filter_map(|l| dish(l.dish))
            .flat_map(|d| d.ingredients.iter().copied())
            .collect();
        next.cooking_ms = cooking_ms;
        next
    }

    /// The assistant manager's enrichment: prices, tax and total.
    pub fn priced(&self) -> Order {
        let mut next = self.clone();
        for line in &mut next.items {
            line.price_cents = dish(line.dish).map_or(0, |d| d.price_cents);
        }
        next.subtotal_cents = next
            .items
            .iter()
            .map(|l| l.price_cents * l.qty as u32)
            .sum();
        next.tax_cents = next.subtotal_cents * TAX_PERCENT / 100;
        next.total_cents = next.subtotal_cents + next.tax_cents;
        next
    }

    /// The cashier's enrichment.
    pub fn settled(&self) -> Order {
        let mut next = self.clone();
        next.paid = true;
        next
    }
}

/// The menu entry of a dish name.
pub fn dish(name: &str) -> Option<&'static Dish> {
    MENU.iter().find(|d| d.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_enrich_the_document() {
        let mut rng = Rng::new(5);
        let order = Order::draw(&mut rng, false, 100);
        assert!(!order.items.is_empty() && order.items.len() <= 3);
        assert!((4_600..=5_600).contains(&order.expires_at_ms));
        let cooked = order.cooked(350);
        assert_eq!(cooked.cooking_ms, 350);
        assert!(cooked.ingredients.len() >= 3);
        let priced = cooked.priced();
        assert!(priced.subtotal_cents > 0);
        assert_eq!(priced.total_cents, priced.subtotal_cents + priced.tax_cents);
        assert_eq!(priced.tax_cents, priced.subtotal_cents / 5);
        assert!(priced.settled().paid);
        assert!(!order.expired(order.expires_at_ms) && order.expired(order.expires_at_ms + 1));
    }
}
