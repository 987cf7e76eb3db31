//! The run's configuration: validated values, defaults from the workshop, and presets.

pub use crate::arrivals::Arrivals;
pub use crate::cooking::Cooking;
use crate::definition::ProcessParams;
pub use crate::dispatch::Dispatch;
pub use crate::mailbox_limit::{MailboxLimit, MailboxLimits, Policy};
use crate::process::custom::CustomScope;
pub use crate::wiring::Architecture;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// One cook and how long it takes to cook an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct CookSpec {
    /// Shown everywhere; must be unique and non-empty.
    pub name: String,
    /// Cooking time in simulated ms; at least 1.
    pub ms: u64,
}

/// Everything needed to re-simulate a run. Keys are snake_case in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub struct Config {
    /// Seed of every random draw of the run.
    #[serde(deserialize_with = "seed_from_number_or_string")]
    pub seed: u64,
    /// Orders the waiter takes on its own.
    pub orders: u32,
    /// Simulated ms between two of those orders (0: all at the start).
    pub interval_ms: u64,
    /// The cooks.
    pub cooks: Vec<CookSpec>,
    /// How `CookFood` reaches the cooks.
    pub dispatch: Dispatch,
    /// More fair: a cook whose queue has this many messages is skipped.
    pub queue_limit: u32,
    /// Probability that a delivery to a worker is lost.
    pub drop: f64,
    /// Probability that a delivery to a worker happens twice.
    pub duplicate: f64,
    /// Share of the waiter's orders from dodgy customers (they pay first).
    pub dodgy: f64,
    /// Process definition version for new orders (1 or 2).
    pub process_version: u8,
    /// The assistant manager's time to price an order.
    pub assistant_manager_ms: u64,
    /// The cashier's time to take a payment.
    pub cashier_ms: u64,
    /// Assistant managers sharing the pricing (1..=8), behind the cooks' dispatch
    /// strategy; the second is called `assistant manager 2`. Written only when not 1.
    #[serde(skip_serializing_if = "is_one_worker")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<u8>", optional))]
    pub assistant_managers: u8,
    /// Cashiers sharing the payments (1..=8), as the assistant managers share the pricing;
    /// the second is called `cashier 2`. Written only when not 1.
    #[serde(skip_serializing_if = "is_one_worker")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<u8>", optional))]
    pub cashiers: u8,
    /// How long a process waits for `FoodCooked`.
    pub cook_timeout_ms: u64,
    /// How long a process waits for `OrderPriced`.
    pub price_timeout_ms: u64,
    /// How long a process waits for `OrderPaid`.
    pub pay_timeout_ms: u64,
    /// Retries of a step before giving up.
    pub max_retries: u8,
    /// Each retry of a step waits this many times as long as the attempt before it
    /// (1: every attempt waits the step's timeout; at most 32 times the timeout). Written
    /// only when not 1.
    #[serde(skip_serializing_if = "is_one")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f64>", optional))]
    pub backoff: f64,
    /// A retry's wait moves by up to this share of itself, either way, drawn from the seed
    /// (0..1). Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f64>", optional))]
    pub backoff_jitter: f64,
    /// Every order's time to live, in simulated ms (none: the menu's, the shortest of its
    /// dishes'). Written only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub time_to_live_ms: Option<u64>,
    /// How the waiter's own orders arrive: `fixed` (every `interval_ms`), `poisson`
    /// (exponential gaps of mean `interval_ms`, seeded) or `rush` (`rush_size` at once).
    /// Written only when not `fixed`.
    #[serde(skip_serializing_if = "Arrivals::is_fixed")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Arrivals>", optional))]
    pub arrivals: Arrivals,
    /// With `rush` arrivals: orders in each rush. Written only when not 5.
    #[serde(skip_serializing_if = "is_five")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<u32>", optional))]
    pub rush_size: u32,
    /// How long cooking takes: `per-order` (each cook's time, whatever the dishes) or
    /// `by-dish` (the cook's time for each dish, weighed by the menu). Written only when not
    /// `per-order`.
    #[serde(skip_serializing_if = "Cooking::is_per_order")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Cooking>", optional))]
    pub cooking: Cooking,
    /// Each cooking time moves by up to this share either way, drawn from the seed, the
    /// order and the cook (0..1). Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f64>", optional))]
    pub cook_jitter: f64,
    /// A bound and a policy on the mailboxes of some kinds of actor, by role name (`cook`:
    /// each cook's): `{"cook": {"max": 5, "policy": "drop-oldest"}}` (none: unbounded).
    /// Written only when set.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<MailboxLimits>", optional))]
    pub mailbox_limits: MailboxLimits,
    /// Interval of the queue-length samples.
    pub sample_ms: u64,
    /// How the house gets a process manager for each message: `rebuild` replays the
    /// order's stream from the store every time (the workshop's naive form), `cached`
    /// keeps it between messages. The history is the same either way.
    pub house: HouseMode,
    /// How the workers are wired: with process managers (the default), by choreography
    /// (each worker reacts to the previous worker's event) or by commands (each worker is
    /// told where to send next).
    pub architecture: Architecture,
    /// The store refuses a message whose id it already holds (counted as `absorbed`), and
    /// the answer to a duplicated delivery gets the same id as the answer to its first copy.
    pub idempotent_store: bool,
    /// After this many refund requests the cashier did not answer, the process manager
    /// stops asking and hands the order's money to a person (`RefundEscalated`, a known end
    /// state for the money). None: refunds are asked for until the cashier answers.
    /// Written only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub refund_attempts: Option<u32>,
    /// The cooks are idempotent consumers: a `CookFood` delivered twice is recognised by
    /// its id and cooked once (the second copy is set aside, counted as `recognised`).
    /// Written only when true.
    #[serde(skip_serializing_if = "is_false")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<bool>", optional))]
    pub idempotent_cooks: bool,
    /// Probability that a worker crashes as it takes a message (seeded): it loses the
    /// message in hand and, unless `durable_mailboxes`, its mailbox; it is back
    /// `restart_ms` later. Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f64>", optional))]
    pub crash: f64,
    /// How long a crashed actor is down before it restarts, in simulated ms. Written only
    /// when not 500.
    #[serde(skip_serializing_if = "is_default_restart")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<u64>", optional))]
    pub restart_ms: u64,
    /// A crashed actor's mailbox survives the crash (a broker's durable queue): only the
    /// message in hand is lost. Written only when true.
    #[serde(skip_serializing_if = "is_false")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<bool>", optional))]
    pub durable_mailboxes: bool,
    /// The alarm clock keeps its alarms in the store: a crashed alarm clock still rings
    /// them when it is back (without it, a crash loses every alarm set). Written only
    /// when true.
    #[serde(skip_serializing_if = "is_false")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<bool>", optional))]
    pub durable_timers: bool,
    /// Probability that a worker's handler fails on a delivery (seeded): the delivery is
    /// retried, then dead-lettered. Written only when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f64>", optional))]
    pub poison: f64,
    /// A dish no cook can cook: a `CookFood` with it fails every time (a poison message).
    /// Written only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub poison_dish: Option<String>,
    /// How many times a failed delivery is tried again before it is dead-lettered (0..=10).
    /// Written only when not 2.
    #[serde(skip_serializing_if = "is_default_poison_retries")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<u8>", optional))]
    pub poison_retries: u8,
    /// A dead-letter queue stands on the floor (it does when `poison` or `poison_dish` is
    /// set, too): what fails past its retries waits there to be read and re-delivered by
    /// hand. Written only when true.
    #[serde(skip_serializing_if = "is_false")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<bool>", optional))]
    pub dead_letters: bool,
    /// Exercise mode: whose orders run the learner's process manager (`off`, `all` or
    /// `dodgy`). Written only when not `off`.
    #[serde(skip_serializing_if = "CustomScope::is_off")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<CustomScope>", optional))]
    pub custom_process: CustomScope,
    /// The learner's code (JavaScript text), carried by the run file of a run made with
    /// it. Written only when set. Never run without the learner's confirmation.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub process_code: Option<String>,
}

/// How the house gets a process manager for each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
pub enum HouseMode {
    /// Replay the order's stream from the store for every message.
    Rebuild,
    /// Keep the process manager between messages (checked against the rebuild in
    /// debug builds). Measured no faster: an order's stream is short.
    Cached,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 42,
            orders: 10,
            interval_ms: 0,
            cooks: vec![cook("Koen", 350), cook("Guido", 200), cook("Greg", 600)],
            dispatch: Dispatch::MoreFair,
            queue_limit: 5,
            drop: 0.0,
            duplicate: 0.0,
            dodgy: 0.0,
            process_version: 2,
            assistant_manager_ms: 50,
            cashier_ms: 50,
            assistant_managers: 1,
            cashiers: 1,
            cook_timeout_ms: 2_500,
            price_timeout_ms: 1_000,
            pay_timeout_ms: 1_000,
            max_retries: 3,
            backoff: 1.0,
            backoff_jitter: 0.0,
            time_to_live_ms: None,
            arrivals: Arrivals::Fixed,
            rush_size: 5,
            cooking: Cooking::PerOrder,
            cook_jitter: 0.0,
            mailbox_limits: MailboxLimits::new(),
            sample_ms: 100,
            house: HouseMode::Rebuild,
            architecture: Architecture::ProcessManager,
            idempotent_store: false,
            refund_attempts: None,
            idempotent_cooks: false,
            crash: 0.0,
            restart_ms: DEFAULT_RESTART_MS,
            durable_mailboxes: false,
            durable_timers: false,
            poison: 0.0,
            poison_dish: None,
            poison_retries: DEFAULT_POISON_RETRIES,
            dead_letters: false,
            custom_process: CustomScope::Off,
            process_code: None,
        }
    }
}

fn cook(name: &str, ms: u64) -> CookSpec {
    CookSpec { name: name.to_string(), ms }
}

fn seed_from_number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seed {
        Number(u64),
        Text(String),
    }
    match Seed::deserialize(d) {
        Ok(Seed::Number(n)) => Ok(n),
        Ok(Seed::Text(s)) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("expected a whole number 0..=2^64-1, got {s:?}"))),
        Err(_) => Err(serde::de::Error::custom("expected a whole number 0..=2^64-1 or a decimal string")),
    }
}

/// A config value that cannot run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct ConfigError {
    /// The offending key (snake_case, as in the run file).
    pub field: String,
    /// What is wrong, for humans.
    pub message: String,
}

fn bad(field: &str, message: impl Into<String>) -> ConfigError {
    ConfigError { field: field.to_string(), message: message.into() }
}

impl ConfigError {
    /// An error about `field`.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        bad(field, message)
    }

    /// A deserialisation error, named after the key where it happened (`config` when
    /// it concerns the whole object, such as an unknown key).
    pub fn from_serde(e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = e.path().to_string();
        let message = clean_serde_error(&e.into_inner().to_string());
        let unknown = message.strip_prefix("unknown field `").and_then(|rest| rest.split('`').next());
        let field = match unknown {
            Some(name) if path.is_empty() || path == "." => name.to_string(),
            _ if path.is_empty() || path == "." => "config".to_string(),
            _ => path,
        };
        bad(&field, message)
    }
}

/// The names of the floor's actors besides the cooks, in lower case (the role table's). A
/// cook may not take one of them (compared ignoring case and surrounding spaces): the
/// report, the page and the trace name actors by name.
pub fn worker_names() -> impl Iterator<Item = &'static str> {
    crate::role::ROLES.iter().filter(|r| r.role != crate::role::Role::Cook).map(|r| r.display)
}

/// Whether a character is one that must not appear in a name: control characters, line and
/// paragraph separators, spaces other than U+0020, and invisible format characters
/// (zero-width spaces and joiners, bidirectional controls, the byte-order mark, soft
/// hyphen, fillers, variation selectors and tags).
///
/// ```
/// use brigade::scenario::invisible;
/// assert!(invisible('\u{200B}') && invisible('\u{FEFF}') && invisible('\u{202E}') && invisible('\t'));
/// assert!(!invisible('é') && !invisible(' ') && !invisible('語'));
/// ```
pub fn invisible(ch: char) -> bool {
    ch.is_control()
        || (ch.is_whitespace() && ch != ' ')
        || matches!(ch as u32,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
            | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFFB | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF)
}

/// Checks one cook name (surrounding spaces ignored): not empty, no invisible or control
/// character, 1-24 characters without ',' or ':', and not another worker's name. (That it
/// differs from the other cooks' names is checked where the cooks are known.)
///
/// ```
/// use brigade::scenario::check_cook_name;
/// assert!(check_cook_name(" Ana ").is_ok());
/// assert!(check_cook_name("Cashier").is_err() && check_cook_name("a:b").is_err() && check_cook_name(" ").is_err());
/// ```
pub fn check_cook_name(name: &str) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a cook's name cannot be empty".to_string());
    }
    if let Some(ch) = name.chars().find(|&ch| invisible(ch)) {
        return Err(format!("cook name {name:?} holds an invisible or control character (U+{:04X})", ch as u32));
    }
    if name.chars().count() > 24 || name.chars().any(|ch| ch == ',' || ch == ':') {
        return Err(format!("cook name {name:?} must be 1-24 characters without ',' or ':'"));
    }
    let key = name.to_lowercase();
    if let Some(worker) = worker_names().find(|w| *w == key) {
        return Err(format!("cook name {name:?} is the {worker}'s name; choose another"));
    }
    // "assistant manager 2", "cashier 3": the names of the workers sharing a role
    if let Some(worker) = worker_names()
        .find(|w| key.strip_prefix(w).and_then(|rest| rest.strip_prefix(' ')).is_some_and(|n| n.parse::<u32>().is_ok()))
    {
        return Err(format!("cook name {name:?} is how a second {worker} is called; choose another"));
    }
    Ok(())
}

/// Largest number of orders a run may have (keeps memory bounded).
pub const MAX_ORDERS: u32 = 1_000_000;

/// Longest learner's code a config carries, in bytes.
pub const MAX_PROCESS_CODE: usize = 100_000;
/// Largest number of cooks.
pub const MAX_COOKS: usize = 32;
/// Largest number of assistant managers, and of cashiers.
pub const MAX_SHARING: usize = 8;

impl Config {
    /// Whether a dead-letter queue stands on the floor.
    pub fn has_dead_letters(&self) -> bool {
        self.dead_letters || self.poison > 0.0 || self.poison_dish.is_some()
    }

    /// Checks every value; the first problem found is returned.
    ///
    /// ```
    /// use brigade::scenario::Config;
    /// let mut cfg = Config::default();
    /// assert!(cfg.validate().is_ok());
    /// cfg.drop = 1.5;
    /// assert_eq!(cfg.validate().unwrap_err().field, "drop");
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.orders > MAX_ORDERS {
            return Err(bad("orders", format!("at most {MAX_ORDERS}, got {}", self.orders)));
        }
        if self.interval_ms > 3_600_000 {
            return Err(bad("interval_ms", "at most 3600000 (one simulated hour)"));
        }
        if self.cooks.is_empty() {
            return Err(bad("cooks", "at least one cook is needed"));
        }
        if self.cooks.len() > MAX_COOKS {
            return Err(bad("cooks", format!("at most {MAX_COOKS} cooks")));
        }
        for (i, c) in self.cooks.iter().enumerate() {
            let name = c.name.trim();
            if name.is_empty() {
                return Err(bad("cooks", format!("cook {} has an empty name", i + 1)));
            }
            check_cook_name(name).map_err(|e| bad("cooks", e))?;
            let key = name.to_lowercase();
            if c.ms == 0 || c.ms > 600_000 {
                return Err(bad("cooks", format!("cook {name:?}: cooking time must be 1..=600000 ms, got {}", c.ms)));
            }
            if let Some(other) = self.cooks[..i].iter().find(|o| o.name.trim().to_lowercase() == key) {
                return Err(if other.name.trim() == name {
                    bad("cooks", format!("cook name {name:?} appears twice"))
                } else {
                    bad("cooks", format!("cook names {:?} and {name:?} differ only in case", other.name.trim()))
                });
            }
        }
        if self.queue_limit == 0 || self.queue_limit > 10_000 {
            return Err(bad("queue_limit", format!("must be 1..=10000, got {}", self.queue_limit)));
        }
        for (field, p) in [
            ("drop", self.drop),
            ("duplicate", self.duplicate),
            ("dodgy", self.dodgy),
            ("crash", self.crash),
            ("poison", self.poison),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(bad(field, format!("a probability must be between 0 and 1, got {p}")));
            }
        }
        crate::process::check_version(self.process_version).map_err(|e| bad("process_version", e))?;
        for (field, n) in [("assistant_managers", self.assistant_managers), ("cashiers", self.cashiers)] {
            if n == 0 || n as usize > MAX_SHARING {
                return Err(bad(field, format!("must be 1..={MAX_SHARING}, got {n}")));
            }
        }
        for (field, ms) in [("assistant_manager_ms", self.assistant_manager_ms), ("cashier_ms", self.cashier_ms)] {
            if ms > 600_000 {
                return Err(bad(field, format!("at most 600000 ms, got {ms}")));
            }
        }
        for (field, ms) in [
            ("cook_timeout_ms", self.cook_timeout_ms),
            ("price_timeout_ms", self.price_timeout_ms),
            ("pay_timeout_ms", self.pay_timeout_ms),
        ] {
            if ms == 0 || ms > 3_600_000 {
                return Err(bad(field, format!("must be 1..=3600000 ms, got {ms}")));
            }
        }
        if self.max_retries > 10 {
            return Err(bad("max_retries", format!("at most 10, got {}", self.max_retries)));
        }
        if !(1.0..=10.0).contains(&self.backoff) {
            return Err(bad("backoff", format!("must be from 1 (no backoff) to 10, got {}", self.backoff)));
        }
        if !(0.0..1.0).contains(&self.backoff_jitter) {
            return Err(bad("backoff_jitter", format!("must be from 0 to below 1, got {}", self.backoff_jitter)));
        }
        if self.rush_size == 0 || self.rush_size > 10_000 {
            return Err(bad("rush_size", format!("must be 1..=10000, got {}", self.rush_size)));
        }
        if !(0.0..1.0).contains(&self.cook_jitter) {
            return Err(bad("cook_jitter", format!("must be from 0 to below 1, got {}", self.cook_jitter)));
        }
        if let Some(ttl) = self.time_to_live_ms.filter(|&t| t == 0 || t > 3_600_000) {
            return Err(bad("time_to_live_ms", format!("must be 1..=3600000 ms, got {ttl}")));
        }
        if !self.custom_process.is_off() && self.architecture != Architecture::ProcessManager {
            return Err(bad("custom_process", "a custom process manager needs the process-manager architecture"));
        }
        if self.process_code.as_ref().is_some_and(|c| c.len() > MAX_PROCESS_CODE) {
            return Err(bad("process_code", format!("at most {MAX_PROCESS_CODE} bytes")));
        }
        if let Some(n) = self.refund_attempts.filter(|&n| n == 0 || n > 1_000) {
            return Err(bad("refund_attempts", format!("must be 1..=1000, got {n}")));
        }
        if self.restart_ms == 0 || self.restart_ms > 3_600_000 {
            return Err(bad("restart_ms", format!("must be 1..=3600000 ms, got {}", self.restart_ms)));
        }
        if self.poison_retries > 10 {
            return Err(bad("poison_retries", format!("at most 10, got {}", self.poison_retries)));
        }
        if let Some(dish) = &self.poison_dish {
            if crate::order::Dish::named(dish).is_none() {
                let menu: Vec<&str> = crate::order::MENU.iter().map(|d| d.name).collect();
                return Err(bad("poison_dish", format!("{dish:?} is not on the menu ({})", menu.join(", "))));
            }
        }
        crate::mailbox_limit::check(&self.mailbox_limits).map_err(|e| bad("mailbox_limits", e))?;
        if self.sample_ms == 0 || self.sample_ms > 3_600_000 {
            return Err(bad("sample_ms", format!("must be 1..=3600000 ms, got {}", self.sample_ms)));
        }
        Ok(())
    }

    /// A config from JSON text (a partial object: missing keys take defaults), validated.
    /// The text must hold that one object (a key named twice, or anything after the
    /// object, is refused).
    ///
    /// ```
    /// use brigade::scenario::Config;
    /// assert_eq!(Config::from_json(r#"{"orders": 3}"#).unwrap().orders, 3);
    /// assert!(Config::from_json(r#"{"orders": 3} {"#).is_err());
    /// assert!(Config::from_json(r#"{"orders": 3, "orders": 4}"#).is_err());
    /// ```
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let cfg: Config = serde_path_to_error::deserialize(&mut *de).map_err(ConfigError::from_serde)?;
        de.end().map_err(|e| bad("config", clean_serde_error(&e.to_string())))?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Parses the CLI's cook list `name:ms,name:ms,…`.
    ///
    /// ```
    /// use brigade::scenario::Config;
    /// let cooks = Config::parse_cooks("A:10,B:20").unwrap();
    /// assert_eq!(cooks[1].ms, 20);
    /// assert!(Config::parse_cooks("A").is_err());
    /// ```
    pub fn parse_cooks(list: &str) -> Result<Vec<CookSpec>, String> {
        if list.trim().is_empty() {
            return Err("the cook list is empty; expected name:ms,name:ms,…".into());
        }
        list.split(',')
            .map(|part| {
                let (name, ms) = part.split_once(':').ok_or_else(|| format!("{part:?} is not name:ms"))?;
                let ms: u64 = ms.trim().parse().map_err(|_| format!("{:?} is not a whole number of ms", ms.trim()))?;
                Ok(CookSpec { name: name.trim().to_string(), ms })
            })
            .collect()
    }

    /// The named presets: `(name, description, config)`.
    pub fn presets() -> Vec<(&'static str, &'static str, Config)> {
        let reference = Config::default();
        vec![
            (
                "reference",
                "The workshop's reference run: 10 orders at once, three cooks, more fair.",
                reference.clone(),
            ),
            (
                "chaos",
                "10 % of deliveries to workers lost and 10 % duplicated: watch the retries and de-duplication.",
                Config { drop: 0.1, duplicate: 0.1, orders: 20, interval_ms: 100, ..reference.clone() },
            ),
            (
                "slow-cook",
                "One cook at 2 s an order: the time to live drops orders.",
                Config { cooks: vec![cook("Slow", 2_000)], ..reference.clone() },
            ),
            (
                "dodgy",
                "Half the customers are dodgy and pay before cooking.",
                Config { dodgy: 0.5, orders: 12, interval_ms: 150, ..reference.clone() },
            ),
            (
                "rush",
                "1,000 orders 120 ms apart with competing consumers.",
                Config { orders: 1_000, interval_ms: 120, dispatch: Dispatch::Competing, ..reference.clone() },
            ),
            (
                "rush-hour",
                "Orders come in rushes of 8 and cooking takes as long as the dishes: the queues swell after each rush and drain before the next.",
                Config {
                    orders: 64,
                    interval_ms: 250,
                    arrivals: Arrivals::Rush,
                    rush_size: 8,
                    cooking: Cooking::ByDish,
                    cook_jitter: 0.2,
                    ..reference.clone()
                },
            ),
            (
                "skewed-menu",
                "Cooking by dish, each dish pinned to its cook: the cook of the risotto and the fish is swamped while another idles (try round robin).",
                Config {
                    orders: 40,
                    interval_ms: 200,
                    dispatch: Dispatch::Pinned,
                    cooking: Cooking::ByDish,
                    cooks: vec![cook("Koen", 300), cook("Guido", 300), cook("Greg", 300)],
                    ..reference
                },
            ),
        ]
    }
}

/// serde_json's messages end with " at line 1 column 9"; keep them one readable line.
pub fn clean_serde_error(text: &str) -> String {
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text.to_string(),
    }
}

impl ProcessParams {
    /// The timeouts and retries of a config.
    pub fn from_config(cfg: &Config) -> Self {
        ProcessParams {
            cook_timeout_ms: cfg.cook_timeout_ms,
            price_timeout_ms: cfg.price_timeout_ms,
            pay_timeout_ms: cfg.pay_timeout_ms,
            max_retries: cfg.max_retries,
            backoff_permille: (cfg.backoff * 1000.0).round() as u32,
            jitter_permille: (cfg.backoff_jitter * 1000.0).round() as u32,
            seed: cfg.seed,
            refund_attempts: cfg.refund_attempts.unwrap_or(0),
        }
    }
}

impl Default for ProcessParams {
    fn default() -> Self {
        ProcessParams::from_config(&Config::default())
    }
}

/// Whether a factor is 1 (serde: a config key written only when it is not).
fn is_one(x: &f64) -> bool {
    *x == 1.0
}

/// Whether a count is 5, the default rush (serde: written only when it is not).
fn is_one_worker(x: &u8) -> bool {
    *x == 1
}

fn is_five(x: &u32) -> bool {
    *x == 5
}

/// A crashed actor's time down unless the config says otherwise.
pub const DEFAULT_RESTART_MS: u64 = 500;
/// Retries of a failed delivery before it is dead-lettered, unless the config says otherwise.
pub const DEFAULT_POISON_RETRIES: u8 = 2;

fn is_default_restart(x: &u64) -> bool {
    *x == DEFAULT_RESTART_MS
}

fn is_default_poison_retries(x: &u8) -> bool {
    *x == DEFAULT_POISON_RETRIES
}

fn is_false(x: &bool) -> bool {
    !*x
}

/// Whether a share is 0 (serde: a config key written only when it is not).
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_json_takes_defaults_and_unknown_keys_are_refused() {
        let cfg = Config::from_json(r#"{"seed": "18446744073709551615", "orders": 3}"#).unwrap();
        assert_eq!(cfg.seed, u64::MAX);
        assert_eq!(cfg.orders, 3);
        assert_eq!(cfg.cooks.len(), 3);
        let err = Config::from_json(r#"{"sed": 1}"#).unwrap_err();
        assert!(err.message.contains("unknown field `sed`"), "{err}");
        let err = Config::from_json(r#"{"dispatch": "fastest"}"#).unwrap_err();
        assert!(err.message.contains("fastest"), "{err}");
        // found by the fuzz target `config`: text after the object was ignored
        let err = Config::from_json("{}\0\0\0\"se\0{").unwrap_err();
        assert!(err.message.contains("trailing characters"), "{err}");
    }

    #[test]
    fn every_invalid_value_names_its_field() {
        let cases: Vec<(&str, Config)> = vec![
            ("cooks", Config { cooks: vec![], ..Config::default() }),
            ("cooks", Config { cooks: vec![cook("A", 0)], ..Config::default() }),
            ("cooks", Config { cooks: vec![cook("A", 1), cook("A", 2)], ..Config::default() }),
            ("cooks", Config { cooks: vec![cook(" ", 1)], ..Config::default() }),
            ("cooks", Config { cooks: vec![cook("Koen", 1), cook(" kOEN ", 2)], ..Config::default() }),
            ("cooks", Config { cooks: vec![cook("Cashier", 1)], ..Config::default() }),
            ("cooks", Config { cooks: vec![cook(" Assistant Manager", 1)], ..Config::default() }),
            ("cooks", Config { cooks: vec![cook("Ko\u{200B}en", 1)], ..Config::default() }),
            ("cooks", Config { cooks: vec![cook("\u{FEFF}Koen", 1)], ..Config::default() }),
            ("cooks", Config { cooks: vec![cook("Koen\u{202E}", 1)], ..Config::default() }),
            ("duplicate", Config { duplicate: -0.1, ..Config::default() }),
            ("dodgy", Config { dodgy: f64::NAN, ..Config::default() }),
            ("process_version", Config { process_version: 3, ..Config::default() }),
            ("queue_limit", Config { queue_limit: 0, ..Config::default() }),
            ("orders", Config { orders: MAX_ORDERS + 1, ..Config::default() }),
        ];
        for (field, cfg) in cases {
            assert_eq!(cfg.validate().unwrap_err().field, field);
        }
        for (_, _, preset) in Config::presets() {
            preset.validate().unwrap();
        }
    }
}
