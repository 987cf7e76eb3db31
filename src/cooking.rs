//! How long cooking takes: each cook's own time for any order, or its time for each dish
//! weighed by the menu ([`crate::order::Dish::work_permille`]); the cook works it out
//! (`crate::actors::cook::cooking_ms`).

use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

/// How long cooking takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, EnumIter, IntoStaticStr, EnumString)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub enum Cooking {
    /// Each cook's own time, whatever the order holds.
    #[default]
    PerOrder,
    /// The cook's time for each dish, weighed by the menu (a soup is quicker than a risotto).
    ByDish,
}

impl Cooking {
    /// The config and CLI word.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The cooking called `name`.
    pub fn from_name(name: &str) -> Option<Cooking> {
        name.parse().ok()
    }

    /// Whether this is the default (a config writes the key only otherwise).
    pub fn is_per_order(&self) -> bool {
        *self == Cooking::PerOrder
    }
}
