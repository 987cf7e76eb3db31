//! The order document and the menu.
//!
//! As in the workshop, one document travels with an order and each worker enriches it:
//! the waiter writes the table and the items, a cook adds ingredients and cooking time,
//! the assistant manager adds prices and tax, the cashier marks it paid.

use crate::rng::Rng;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::rc::Rc;

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
    /// How much cooking one takes, in thousandths of a cook's time (with cooking by dish).
    pub work_permille: u32,
}

/// The restaurant's menu. Times to live span 4.5–5.5 s, as in the workshop's reference run.
pub const MENU: [Dish; 6] = [
    Dish {
        name: "razor clams",
        price_cents: 1250,
        time_to_live_ms: 4_500,
        ingredients: &["razor clams", "garlic", "parsley"],
        work_permille: 800,
    },
    Dish {
        name: "meatballs",
        price_cents: 950,
        time_to_live_ms: 5_000,
        ingredients: &["beef", "breadcrumbs", "tomato"],
        work_permille: 1200,
    },
    Dish {
        name: "guacamole",
        price_cents: 700,
        time_to_live_ms: 5_500,
        ingredients: &["avocado", "lime", "coriander"],
        work_permille: 400,
    },
    Dish {
        name: "fish and chips",
        price_cents: 1100,
        time_to_live_ms: 4_800,
        ingredients: &["cod", "potatoes", "batter"],
        work_permille: 1500,
    },
    Dish {
        name: "mushroom risotto",
        price_cents: 1300,
        time_to_live_ms: 5_200,
        ingredients: &["rice", "mushrooms", "parmesan"],
        work_permille: 2000,
    },
    Dish {
        name: "tomato soup",
        price_cents: 600,
        time_to_live_ms: 5_500,
        ingredients: &["tomato", "basil", "cream"],
        work_permille: 600,
    },
];

impl Dish {
    /// The dish of the menu called `name` (ignoring case and surrounding spaces).
    ///
    /// ```
    /// use brigade::order::Dish;
    /// assert_eq!(Dish::named(" Meatballs").map(|d| d.price_cents), Some(950));
    /// assert!(Dish::named("pizza").is_none());
    /// ```
    pub fn named(name: &str) -> Option<&'static Dish> {
        let name = name.trim();
        MENU.iter().find(|d| d.name.eq_ignore_ascii_case(name))
    }
}

/// Tax added by the assistant manager, in percent.
pub const TAX_PERCENT: u32 = 20;

/// One line of an order, in 6 bytes (packed, so that an order document stays in 64 bytes:
/// a run keeps about four documents per order). Read its fields by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C, packed)]
pub struct LineItem {
    /// Position of the dish in [`MENU`].
    pub dish: u8,
    /// How many.
    pub qty: u8,
    /// Price of one, in cents; 0 until the assistant manager prices the order.
    pub price_cents: u32,
}

impl LineItem {
    /// The dish of this line.
    pub fn dish(&self) -> &'static Dish {
        &MENU[self.dish as usize % MENU.len()]
    }
}

impl Serialize for LineItem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("LineItem", 3)?;
        m.serialize_field("dish", self.dish().name)?;
        let (qty, price_cents) = (self.qty, self.price_cents);
        m.serialize_field("qty", &qty)?;
        m.serialize_field("price_cents", &price_cents)?;
        m.end()
    }
}

/// Most lines an order has.
pub const MAX_LINES: usize = 3;

/// The order document. Each worker returns an enriched copy. It holds no heap data, so
/// copies are cheap; the ingredients are written out from the menu once cooked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Table number.
    pub table: u16,
    /// A dodgy customer must pay before the kitchen cooks.
    pub dodgy: bool,
    lines: [LineItem; MAX_LINES],
    line_count: u8,
    /// Simulated time the waiter took the order.
    pub placed_at_ms: u64,
    /// Cooking must start no later than this, or the order is not cooked.
    pub expires_at_ms: u64,
    /// Added by the cook: whether the ingredients are in.
    pub cooked: bool,
    /// Added by the cook: who cooked it.
    pub cooked_by: Option<Rc<String>>,
    /// Added by the cook: how long the cooking took.
    pub cooking_ms: u32,
    /// Added by the assistant manager.
    pub subtotal_cents: u32,
    /// Added by the assistant manager.
    pub tax_cents: u32,
    /// Added by the assistant manager.
    pub total_cents: u32,
    /// Set by the cashier.
    pub paid: bool,
}

impl Serialize for Order {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Order", 12)?;
        m.serialize_field("table", &self.table)?;
        m.serialize_field("dodgy", &self.dodgy)?;
        m.serialize_field("items", self.items())?;
        m.serialize_field("placed_at_ms", &self.placed_at_ms)?;
        m.serialize_field("expires_at_ms", &self.expires_at_ms)?;
        m.serialize_field("ingredients", &self.ingredients())?;
        m.serialize_field("cooking_ms", &self.cooking_ms)?;
        m.serialize_field("cooked_by", &self.cooked_by)?;
        m.serialize_field("subtotal_cents", &self.subtotal_cents)?;
        m.serialize_field("tax_cents", &self.tax_cents)?;
        m.serialize_field("total_cents", &self.total_cents)?;
        m.serialize_field("paid", &self.paid)?;
        m.end()
    }
}

impl Order {
    /// A new order for one table, with one to three dishes drawn from the menu.
    pub fn draw(rng: &mut Rng, dodgy: bool, now_ms: u64) -> Order {
        let table = 1 + rng.below(20) as u16;
        let picks = 1 + rng.below(MAX_LINES as u64) as usize;
        let mut lines = [LineItem::default(); MAX_LINES];
        let mut count = 0;
        let mut ttl = u64::MAX;
        for _ in 0..picks {
            let d = rng.below(MENU.len() as u64) as u8;
            ttl = ttl.min(MENU[d as usize].time_to_live_ms);
            match lines[..count].iter_mut().find(|l| l.dish == d) {
                Some(line) => line.qty += 1,
                None => {
                    lines[count] = LineItem { dish: d, qty: 1, price_cents: 0 };
                    count += 1;
                }
            }
        }
        Order::fresh(table, dodgy, lines, count as u8, now_ms, now_ms + ttl)
    }

    /// A document as the waiter writes it, before any worker adds to it.
    fn fresh(
        table: u16,
        dodgy: bool,
        lines: [LineItem; MAX_LINES],
        line_count: u8,
        placed_at_ms: u64,
        expires_at_ms: u64,
    ) -> Order {
        Order {
            table,
            dodgy,
            lines,
            line_count,
            placed_at_ms,
            expires_at_ms,
            cooked: false,
            cooked_by: None,
            cooking_ms: 0,
            subtotal_cents: 0,
            tax_cents: 0,
            total_cents: 0,
            paid: false,
        }
    }

    /// A fresh order document for `table` with `lines` (one to three, each dish once), as the
    /// waiter writes it; `None` for no line, too many, or a dish not on the menu. For a
    /// document read back from its JSON (the live kitchen, `src/live/`): the workers'
    /// enrichments are public fields, set afterwards.
    ///
    /// ```
    /// use brigade::order::{LineItem, Order};
    /// let order = Order::with_lines(7, false, &[LineItem { dish: 1, qty: 2, price_cents: 0 }], 0, 5000).unwrap();
    /// assert_eq!((order.items().len(), order.items()[0].dish().name), (1, "meatballs"));
    /// assert!(Order::with_lines(7, false, &[], 0, 5000).is_none());
    /// ```
    pub fn with_lines(
        table: u16,
        dodgy: bool,
        lines: &[LineItem],
        placed_at_ms: u64,
        expires_at_ms: u64,
    ) -> Option<Order> {
        if lines.is_empty() || lines.len() > MAX_LINES || lines.iter().any(|l| l.dish as usize >= MENU.len()) {
            return None;
        }
        let mut held = [LineItem::default(); MAX_LINES];
        held[..lines.len()].copy_from_slice(lines);
        Some(Order::fresh(table, dodgy, held, lines.len() as u8, placed_at_ms, expires_at_ms))
    }

    /// What was ordered.
    pub fn items(&self) -> &[LineItem] {
        &self.lines[..self.line_count as usize]
    }

    /// What the cook put in (empty until cooked).
    pub fn ingredients(&self) -> Vec<&'static str> {
        if !self.cooked {
            return Vec::new();
        }
        self.items().iter().flat_map(|l| l.dish().ingredients.iter().copied()).collect()
    }

    /// Whether the order's time to live has passed at `now_ms`.
    pub fn expired(&self, now_ms: u64) -> bool {
        now_ms > self.expires_at_ms
    }

    /// The cook's enrichment: ingredients, cooking time and the cook's name.
    pub fn cooked(&self, cooking_ms: u64, cook: &Rc<String>) -> Order {
        Order {
            cooked: true,
            cooking_ms: cooking_ms.min(u32::MAX as u64) as u32,
            cooked_by: Some(cook.clone()),
            ..self.clone()
        }
    }

    /// Who cooked it, once cooked.
    pub fn cook(&self) -> Option<&str> {
        self.cooked_by.as_deref().map(String::as_str)
    }

    /// The assistant manager's enrichment: prices, tax and total.
    pub fn priced(&self) -> Order {
        let mut next = self.clone();
        for line in &mut next.lines[..self.line_count as usize] {
            line.price_cents = line.dish().price_cents;
        }
        next.subtotal_cents = next.items().iter().map(|l| l.price_cents * l.qty as u32).sum();
        next.tax_cents = next.subtotal_cents * TAX_PERCENT / 100;
        next.total_cents = next.subtotal_cents + next.tax_cents;
        next
    }

    /// The cashier's enrichment.
    pub fn settled(&self) -> Order {
        Order { paid: true, ..self.clone() }
    }

    /// The cashier's refund: the document is no longer paid.
    pub fn refunded(&self) -> Order {
        Order { paid: false, ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_enrich_the_document() {
        let mut rng = Rng::new(5);
        let order = Order::draw(&mut rng, false, 100);
        assert!(!order.items().is_empty() && order.items().len() <= 3);
        assert!((4_600..=5_600).contains(&order.expires_at_ms));
        let cooked = order.cooked(350, &Rc::new("Koen".to_string()));
        assert_eq!(cooked.cook(), Some("Koen"));
        assert_eq!(cooked.cooking_ms, 350);
        assert!(cooked.ingredients().len() >= 3);
        assert!(order.ingredients().is_empty());
        let priced = cooked.priced();
        assert!(priced.subtotal_cents > 0);
        assert_eq!(priced.total_cents, priced.subtotal_cents + priced.tax_cents);
        assert_eq!(priced.tax_cents, priced.subtotal_cents / 5);
        assert!(priced.settled().paid);
        assert!(!order.expired(order.expires_at_ms) && order.expired(order.expires_at_ms + 1));
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_order_document_takes_64_bytes() {
        assert_eq!(std::mem::size_of::<LineItem>(), 6);
        assert_eq!(std::mem::size_of::<Order>(), 64);
    }
}
