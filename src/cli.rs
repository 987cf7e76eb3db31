//! The native command line (docs/CONTRACT.md §1 and §5): the options parsed with `clap`
//! into a [`Config`] and what to print, and the text of `--trace`.
//!
//! Every error is one line that starts with the option it concerns, for `main` to print
//! after `brigade: ` and exit with status 2.

use crate::message::HistoryEntry;
use crate::scenario::{Architecture, Arrivals, Config, ConfigError, CookSpec, Cooking, Dispatch};
use crate::sim::World;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};
use std::fmt::Write as _;
use uuid::Uuid;

/// What the CLI prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The status report.
    Text,
    /// The run file.
    Json,
    /// With `--trace`: the order's sequence diagram as Mermaid text.
    Mermaid,
}

/// Which order `--trace` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderRef {
    /// Its number, counting from 1 in the order the waiter took them.
    Number(u32),
    /// Its correlation id, or the start of it (at least 8 hex digits), lower case.
    Id(String),
}

/// A run to idle and what to print of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The validated config.
    pub config: Config,
    /// Text report or run file.
    pub format: Format,
    /// Print the printer's receipts after the report.
    pub receipts: bool,
    /// Print only this order's messages.
    pub trace: Option<OrderRef>,
    /// Print every message, one line each as it is published, before the report.
    pub log: bool,
    /// Print a status line every this many simulated ms, before the report.
    pub monitor: Option<u64>,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Run a simulation to idle and print it.
    Run(Box<Run>),
    /// Re-simulate the run file at this path and compare its history.
    Check(String),
    /// Check the workshop's rules on the history of the run file at this path.
    CheckRules(String),
    /// Explore every fate of every delivery to a worker for the configured orders (and,
    /// with the flag, crashes of the house and the alarm clock too).
    Explore(Box<Config>, Format, bool),
    /// Print this help text.
    Help(String),
    /// Print this version line.
    Version(String),
}

/// The options as `clap` sees them. Every config option is optional so that only the
/// ones given override the preset or the `--config` file.
#[derive(Parser, Debug)]
#[command(
    name = "brigade",
    version,
    about = "brigade — the event-sourced restaurant, simulated deterministically",
    long_about = None,
    args_override_self = true,
    after_help = "The contract of these options and of the run file: docs/CONTRACT.md."
)]
struct Args {
    /// Orders the waiter takes [default: 10]
    #[arg(long, value_name = "N", value_parser = whole::<u32>, allow_hyphen_values = true)]
    orders: Option<u32>,
    /// Simulated ms between two orders (0: all at once) [default: 0]
    #[arg(long, value_name = "MS", value_parser = whole::<u64>, allow_hyphen_values = true)]
    interval_ms: Option<u64>,
    /// u64 seed of the run [default: 42]
    #[arg(long, value_name = "S", value_parser = whole::<u64>, allow_hyphen_values = true)]
    seed: Option<u64>,
    /// name:ms,name:ms,… cooks and their cooking times [default: Koen:350,Guido:200,Greg:600]
    #[arg(long, value_name = "LIST", value_parser = cooks, allow_hyphen_values = true)]
    cooks: Option<CookList>,
    /// round-robin | more-fair | competing | pinned | prefer-first [default: more-fair]
    #[arg(long, value_name = "KIND", value_parser = dispatch, allow_hyphen_values = true)]
    dispatch: Option<Dispatch>,
    /// More fair: skip a cook with this many queued orders [default: 5]
    #[arg(long, value_name = "N", value_parser = whole::<u32>, allow_hyphen_values = true)]
    queue_limit: Option<u32>,
    /// Probability that a delivery to a worker is lost [default: 0]
    #[arg(long, value_name = "P", value_parser = probability, allow_hyphen_values = true)]
    drop: Option<f64>,
    /// Probability that a delivery to a worker happens twice [default: 0]
    #[arg(long, value_name = "P", value_parser = probability, allow_hyphen_values = true)]
    duplicate: Option<f64>,
    /// Share of customers who pay first [default: 0]
    #[arg(long, value_name = "P", value_parser = probability, allow_hyphen_values = true)]
    dodgy: Option<f64>,
    /// Process definition version for new orders: 1 or 2 [default: 2]
    #[arg(long, value_name = "V", value_parser = whole::<u8>, allow_hyphen_values = true)]
    process_version: Option<u8>,
    /// process-manager | choreography | commands [default: process-manager]
    #[arg(long, value_name = "A", value_parser = architecture, allow_hyphen_values = true)]
    architecture: Option<Architecture>,
    /// The store absorbs a message whose id it already holds
    #[arg(long)]
    idempotent_store: bool,
    /// Assistant managers sharing the pricing, 1..=8, behind the --dispatch strategy [default: 1]
    #[arg(long, value_name = "N", value_parser = whole::<u8>, allow_hyphen_values = true)]
    assistant_managers: Option<u8>,
    /// Simulated ms an assistant manager takes to price an order [default: 50]
    #[arg(long, value_name = "MS", value_parser = whole::<u64>, allow_hyphen_values = true)]
    assistant_manager_ms: Option<u64>,
    /// Cashiers sharing the payments, 1..=8, behind the --dispatch strategy [default: 1]
    #[arg(long, value_name = "N", value_parser = whole::<u8>, allow_hyphen_values = true)]
    cashiers: Option<u8>,
    /// Simulated ms a cashier takes for a payment [default: 50]
    #[arg(long, value_name = "MS", value_parser = whole::<u64>, allow_hyphen_values = true)]
    cashier_ms: Option<u64>,
    /// Simulated ms a process manager waits for a cook before retrying [default: 2500]
    #[arg(long, value_name = "MS", value_parser = whole::<u64>, allow_hyphen_values = true)]
    cook_timeout_ms: Option<u64>,
    /// Simulated ms it waits for the assistant manager's price [default: 1000]
    #[arg(long, value_name = "MS", value_parser = whole::<u64>, allow_hyphen_values = true)]
    price_timeout_ms: Option<u64>,
    /// Simulated ms it waits for the cashier [default: 1000]
    #[arg(long, value_name = "MS", value_parser = whole::<u64>, allow_hyphen_values = true)]
    pay_timeout_ms: Option<u64>,
    /// Retries of one step before the process manager gives the order up [default: 3]
    #[arg(long, value_name = "N", value_parser = whole::<u8>, allow_hyphen_values = true)]
    max_retries: Option<u8>,
    /// Each retry waits F times as long as the attempt before it, at most 32 times the timeout [default: 1]
    #[arg(long, value_name = "F", value_parser = factor, allow_hyphen_values = true)]
    backoff: Option<f64>,
    /// A retry's wait moves by up to this share of itself either way, drawn from the seed [default: 0]
    #[arg(long, value_name = "P", value_parser = probability, allow_hyphen_values = true)]
    backoff_jitter: Option<f64>,
    /// How the orders arrive: fixed (every --interval-ms) | poisson (random gaps of that mean) | rush (--rush-size at once) [default: fixed]
    #[arg(long, value_name = "KIND", value_parser = arrivals, allow_hyphen_values = true)]
    arrivals: Option<Arrivals>,
    /// With --arrivals rush: orders in each rush [default: 5]
    #[arg(long, value_name = "N", value_parser = whole::<u32>, allow_hyphen_values = true)]
    rush_size: Option<u32>,
    /// per-order (each cook's time) | by-dish (the cook's time for each dish, weighed by the menu) [default: per-order]
    #[arg(long, value_name = "KIND", value_parser = cooking, allow_hyphen_values = true)]
    cooking: Option<Cooking>,
    /// Each cooking time moves by up to this share either way, drawn from the seed [default: 0]
    #[arg(long, value_name = "P", value_parser = probability, allow_hyphen_values = true)]
    cook_jitter: Option<f64>,
    /// Bound every mailbox of a role: ROLE=N:POLICY, POLICY block (the waiter refuses orders at the door while it is full) | drop-newest | drop-oldest (cook, assistant-manager, cashier only); repeat it or give a comma list [default: unbounded]
    #[arg(long, value_name = "ROLE=N:POLICY", value_parser = crate::mailbox_limit::parse, value_delimiter = ',', allow_hyphen_values = true)]
    mailbox_limit: Vec<(String, crate::mailbox_limit::MailboxLimit)>,
    /// Every order's time to live, in simulated ms [default: the menu's, by dish]
    #[arg(long, value_name = "MS", value_parser = whole::<u64>, allow_hyphen_values = true)]
    time_to_live_ms: Option<u64>,
    /// After N unanswered refund requests, hand the order's money to a person (RefundEscalated) [default: ask until answered]
    #[arg(long, value_name = "N", value_parser = whole::<u32>, allow_hyphen_values = true)]
    refund_attempts: Option<u32>,
    /// The cooks recognise a CookFood delivered twice and cook it once
    #[arg(long)]
    idempotent_cooks: bool,
    /// Probability that a worker crashes as it takes a message (it loses the message in hand and its mailbox) [default: 0]
    #[arg(long, value_name = "P", value_parser = probability, allow_hyphen_values = true)]
    crash: Option<f64>,
    /// Simulated ms a crashed actor is down [default: 500]
    #[arg(long, value_name = "MS", value_parser = whole::<u64>, allow_hyphen_values = true)]
    restart_ms: Option<u64>,
    /// Mailboxes survive a crash (only the message in hand is lost)
    #[arg(long)]
    durable_mailboxes: bool,
    /// The alarm clock keeps its alarms in the store (a crash loses none)
    #[arg(long)]
    durable_timers: bool,
    /// Probability that a worker's handler fails on a delivery (retried, then dead-lettered) [default: 0]
    #[arg(long, value_name = "P", value_parser = probability, allow_hyphen_values = true)]
    poison: Option<f64>,
    /// A dish no cook can cook: its CookFood fails every time (a poison message)
    #[arg(long, value_name = "DISH", allow_hyphen_values = true)]
    poison_dish: Option<String>,
    /// Tries again of a failed delivery before it is dead-lettered, 0..=10 [default: 2]
    #[arg(long, value_name = "N", value_parser = whole::<u8>, allow_hyphen_values = true)]
    poison_retries: Option<u8>,
    /// A dead-letter queue on the floor (implied by --poison and --poison-dish)
    #[arg(long)]
    dead_letters: bool,
    /// Every message, one line each as it is published (the workshop's console), then the report
    #[arg(long, conflicts_with_all = ["trace", "receipts"])]
    log: bool,
    /// A status line every MS of simulated time (each queue, and each actor's messages per second and busy share over those MS), then the report
    #[arg(long, value_name = "MS", value_parser = whole::<u64>, conflicts_with_all = ["trace", "receipts", "log"], allow_hyphen_values = true)]
    monitor: Option<u64>,
    /// Start from a preset: reference, chaos, slow-cook, dodgy, rush, rush-hour, skewed-menu
    #[arg(long, value_name = "NAME", value_parser = preset, allow_hyphen_values = true)]
    preset: Option<Config>,
    /// Take the config from a run file or a JSON object of config keys; options given as well override it
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    config: Option<String>,
    /// text (status report) | json (the run file) [default: text]
    #[arg(long, value_name = "F", value_parser = format, allow_hyphen_values = true)]
    format: Option<Format>,
    /// After the report, the printer's receipts, one per completed order
    #[arg(long, conflicts_with = "trace")]
    receipts: bool,
    /// Only one order's messages, one line each (ORDER: its number from 1, or its correlation id)
    #[arg(long, value_name = "ORDER", value_parser = order_ref, allow_hyphen_values = true)]
    trace: Option<OrderRef>,
    /// Re-simulate a run file: `ok` (exit 0) or its first difference (exit 1)
    #[arg(long, value_name = "FILE", exclusive = true, allow_hyphen_values = true)]
    check: Option<String>,
    /// Check the workshop's rules on a run file's history as it stands (simulated or observed; nothing re-simulated): `rules hold` (exit 0) or the first rule broken, with the order and the messages (exit 1)
    #[arg(long, value_name = "FILE", exclusive = true, allow_hyphen_values = true)]
    check_rules: Option<String>,
    /// Explore every fate (delivered, lost, duplicated, late) of every delivery to a worker for the orders (at most 2): `hold`, or the broken rule and the shortest schedule
    #[arg(long, conflicts_with_all = ["trace", "receipts"])]
    explore: bool,
    /// With --explore: the house or the alarm clock may crash after any step, one more fate (at most one crash a schedule)
    #[arg(long)]
    explore_crashes: bool,
}

/// Parses the arguments after the program name (reading the `--config` file, if any).
/// The error is one line that starts with the option it concerns.
///
/// ```
/// use brigade::cli::{parse, Command};
/// let args = ["--orders", "3", "--drop=0.1", "--idempotent-store"].map(String::from);
/// let Ok(Command::Run(run)) = parse(&args) else { panic!() };
/// assert_eq!((run.config.orders, run.config.drop, run.config.idempotent_store), (3, 0.1, true));
/// assert!(parse(&["--drop".into(), "2".into()]).unwrap_err().starts_with("--drop"));
/// ```
pub fn parse(args: &[String]) -> Result<Command, String> {
    if args.first().map(String::as_str) == Some("live") {
        // `brigade live` is read by src/live/ when the feature is built (src/main.rs)
        return Err("live: this brigade was built without the live kitchen; build it with `cargo build --release --features live`".into());
    }
    let argv = std::iter::once("brigade".to_string()).chain(args.iter().cloned());
    let a = match Args::try_parse_from(argv) {
        Ok(a) => a,
        Err(e) => {
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    Ok(Command::Help(e.render().to_string()))
                }
                ErrorKind::DisplayVersion => Ok(Command::Version(e.render().to_string())),
                _ => Err(one_line(&e)),
            }
        }
    };
    if let Some(path) = a.check {
        return Ok(Command::Check(path));
    }
    if let Some(path) = a.check_rules {
        return Ok(Command::CheckRules(path));
    }
    let base = a.preset.unwrap_or_default();
    let mut cfg = match &a.config {
        Some(path) => config_file(path, base).map_err(|e| format!("--config: {path}: {e}"))?,
        None => base,
    };
    if let Some(v) = a.orders {
        cfg.orders = v;
    }
    if let Some(v) = a.interval_ms {
        cfg.interval_ms = v;
    }
    if let Some(v) = a.seed {
        cfg.seed = v;
    }
    if let Some(CookList(v)) = a.cooks {
        cfg.cooks = v;
    }
    if let Some(v) = a.dispatch {
        cfg.dispatch = v;
    }
    if let Some(v) = a.queue_limit {
        cfg.queue_limit = v;
    }
    if let Some(v) = a.drop {
        cfg.drop = v;
    }
    if let Some(v) = a.duplicate {
        cfg.duplicate = v;
    }
    if let Some(v) = a.dodgy {
        cfg.dodgy = v;
    }
    if let Some(v) = a.process_version {
        cfg.process_version = v;
    }
    if let Some(v) = a.architecture {
        cfg.architecture = v;
    }
    if a.idempotent_store {
        cfg.idempotent_store = true;
    }
    if let Some(v) = a.cook_timeout_ms {
        cfg.cook_timeout_ms = v;
    }
    if let Some(v) = a.price_timeout_ms {
        cfg.price_timeout_ms = v;
    }
    if let Some(v) = a.pay_timeout_ms {
        cfg.pay_timeout_ms = v;
    }
    if let Some(v) = a.assistant_managers {
        cfg.assistant_managers = v;
    }
    if let Some(v) = a.assistant_manager_ms {
        cfg.assistant_manager_ms = v;
    }
    if let Some(v) = a.cashiers {
        cfg.cashiers = v;
    }
    if let Some(v) = a.cashier_ms {
        cfg.cashier_ms = v;
    }
    if let Some(v) = a.max_retries {
        cfg.max_retries = v;
    }
    if let Some(v) = a.backoff {
        cfg.backoff = v;
    }
    if let Some(v) = a.backoff_jitter {
        cfg.backoff_jitter = v;
    }
    if let Some(v) = a.time_to_live_ms {
        cfg.time_to_live_ms = Some(v);
    }
    if let Some(v) = a.arrivals {
        cfg.arrivals = v;
    }
    if let Some(v) = a.rush_size {
        cfg.rush_size = v;
    }
    if let Some(v) = a.cooking {
        cfg.cooking = v;
    }
    if let Some(v) = a.cook_jitter {
        cfg.cook_jitter = v;
    }
    if let Some(v) = a.refund_attempts {
        cfg.refund_attempts = Some(v);
    }
    if let Some(v) = a.crash {
        cfg.crash = v;
    }
    if let Some(v) = a.restart_ms {
        cfg.restart_ms = v;
    }
    if let Some(v) = a.poison {
        cfg.poison = v;
    }
    if let Some(v) = a.poison_dish {
        cfg.poison_dish = Some(v);
    }
    if let Some(v) = a.poison_retries {
        cfg.poison_retries = v;
    }
    cfg.idempotent_cooks |= a.idempotent_cooks;
    cfg.durable_mailboxes |= a.durable_mailboxes;
    cfg.durable_timers |= a.durable_timers;
    cfg.dead_letters |= a.dead_letters;
    for (role, limit) in &a.mailbox_limit {
        cfg.mailbox_limits.insert(role.clone(), *limit);
    }
    if !cfg.custom_process.is_off() {
        return Err("--config: custom_process: a learner's process manager (JavaScript) runs in the page's exercise mode, not here".into());
    }
    cfg.validate().map_err(|e| format!("{}: {}", option_of(&e), e.message))?;
    if a.format == Some(Format::Mermaid) && a.trace.is_none() {
        return Err("--format: mermaid draws one order: use it with --trace ORDER".to_string());
    }
    if a.monitor == Some(0) {
        return Err("--monitor: expected a whole number of simulated ms above 0, got 0".into());
    }
    if a.monitor.is_some() && matches!(a.format, Some(Format::Json | Format::Mermaid)) {
        return Err("--monitor prints text: a status line every MS, then the report".into());
    }
    if a.log && matches!(a.format, Some(Format::Json | Format::Mermaid)) {
        return Err(
            "--log prints text: one line a message, then the report (the run file is --format json alone)".into()
        );
    }
    if a.explore {
        return Ok(Command::Explore(Box::new(cfg), a.format.unwrap_or(Format::Text), a.explore_crashes));
    }
    if a.explore_crashes {
        return Err("--explore-crashes: it adds crashes to the fates --explore chooses: give --explore too".into());
    }
    Ok(Command::Run(Box::new(Run {
        config: cfg,
        format: a.format.unwrap_or(Format::Text),
        receipts: a.receipts,
        trace: a.trace,
        log: a.log,
        monitor: a.monitor,
    })))
}

/// The option that sets a config key, or `--config` for keys no option sets.
fn option_of(e: &ConfigError) -> String {
    if e.field == "mailbox_limits" {
        return "--mailbox-limit (or --config's mailbox_limits)".to_string();
    }
    let flag = format!("--{}", e.field.replace('_', "-"));
    let known = Args::command().get_arguments().any(|a| a.get_long().is_some_and(|l| flag[2..] == *l));
    if known {
        flag
    } else {
        "--config".to_string()
    }
}

/// A clap error as one line that starts with the option (or the stray word) it is about.
fn one_line(e: &clap::Error) -> String {
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.first().cloned().unwrap_or_default(),
        _ => String::new(),
    };
    // clap names an option `--drop <P>`; a stray `--name=value` is named whole.
    let option = arg.split([' ', '=']).next().unwrap_or_default().to_string();
    let value = match e.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    match e.kind() {
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map_or_else(|| "invalid value".to_string(), |s| s.to_string());
            format!("{option}: {why}")
        }
        ErrorKind::InvalidValue if value.as_deref().is_none_or(str::is_empty) => {
            format!("{option}: a value is missing")
        }
        ErrorKind::UnknownArgument if option.starts_with('-') => format!("{option}: unknown option (see --help)"),
        ErrorKind::UnknownArgument => {
            format!("{option}: unexpected argument (options start with --; see --help)")
        }
        ErrorKind::ArgumentConflict => {
            let other = match e.get(ContextKind::PriorArg) {
                Some(ContextValue::String(s)) => s.split(' ').next().unwrap_or_default().to_string(),
                Some(ContextValue::Strings(v)) => {
                    v.iter().map(|s| s.split(' ').next().unwrap_or_default()).collect::<Vec<_>>().join(", ")
                }
                _ => String::new(),
            };
            if other.is_empty() {
                format!("{option}: cannot be used with the other options given")
            } else {
                format!("{option}: cannot be used with {other}")
            }
        }
        _ => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments").trim_start_matches("error: ").to_string();
            if option.is_empty() {
                first
            } else {
                format!("{option}: {first}")
            }
        }
    }
}

/// The config of a `--config` file: a run file's `config`, or a JSON object of config keys
/// laid over `base` (the preset or the defaults).
fn config_file(path: &str, base: Config) -> Result<Config, String> {
    let text = read_json_file(path)?;
    let text = crate::run_file::without_bom(&text);
    let value = crate::run_file::strict::parse(text).map_err(|e| format!("not JSON: {e}"))?;
    let Some(object) = value.as_object() else {
        return Err("expected a run file or a JSON object of config keys".into());
    };
    if object.contains_key("format") {
        return crate::run_file::parse_config(text).map_err(|e| e.to_string());
    }
    let mut merged = serde_json::to_value(&base).map_err(|e| e.to_string())?;
    if let Some(m) = merged.as_object_mut() {
        m.extend(object.clone());
    }
    let cfg: Config = serde_path_to_error::deserialize(merged).map_err(|e| ConfigError::from_serde(e).to_string())?;
    cfg.validate().map_err(|e| e.to_string())?;
    Ok(cfg)
}

fn whole<T: std::str::FromStr>(v: &str) -> Result<T, String> {
    v.trim().parse().map_err(|_| format!("expected a whole number, got {v:?}"))
}

fn arrivals(v: &str) -> Result<Arrivals, String> {
    Arrivals::from_name(v.trim()).ok_or_else(|| format!("unknown arrivals {v:?} (fixed, poisson, rush)"))
}

fn cooking(v: &str) -> Result<Cooking, String> {
    Cooking::from_name(v.trim()).ok_or_else(|| format!("unknown cooking {v:?} (per-order, by-dish)"))
}

fn factor(v: &str) -> Result<f64, String> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .ok_or_else(|| format!("expected a number such as 2 or 1.5, got {v:?}"))
}

fn probability(v: &str) -> Result<f64, String> {
    let p: f64 = v.trim().parse().map_err(|_| format!("expected a probability between 0 and 1, got {v:?}"))?;
    if !(0.0..=1.0).contains(&p) {
        return Err(format!("expected a probability between 0 and 1, got {}", v.trim()));
    }
    Ok(p)
}

/// The value of `--cooks` (a newtype, so that clap takes it as one value, not many).
#[derive(Debug, Clone)]
struct CookList(Vec<CookSpec>);

fn cooks(v: &str) -> Result<CookList, String> {
    Config::parse_cooks(v.trim()).map(CookList)
}

fn dispatch(v: &str) -> Result<Dispatch, String> {
    Dispatch::from_name(v.trim())
        .ok_or_else(|| format!("unknown kind {v:?} (round-robin, more-fair, competing, pinned, prefer-first)"))
}

fn architecture(v: &str) -> Result<Architecture, String> {
    Architecture::from_name(v.trim())
        .ok_or_else(|| format!("unknown architecture {v:?} (process-manager, choreography, commands)"))
}

fn preset(v: &str) -> Result<Config, String> {
    let presets = Config::presets();
    let names: Vec<&str> = presets.iter().map(|(n, _, _)| *n).collect();
    presets
        .iter()
        .find(|(n, _, _)| *n == v.trim())
        .map(|(_, _, c)| c.clone())
        .ok_or_else(|| format!("unknown preset {v:?} ({})", names.join(", ")))
}

fn format(v: &str) -> Result<Format, String> {
    match v.trim() {
        "text" => Ok(Format::Text),
        "json" => Ok(Format::Json),
        "mermaid" => Ok(Format::Mermaid),
        _ => Err(format!("unknown format {v:?} (text, json; mermaid with --trace)")),
    }
}

fn order_ref(v: &str) -> Result<OrderRef, String> {
    let v = v.trim();
    let id = v.to_ascii_lowercase();
    // Eight digits or more cannot be an order number (at most MAX_ORDERS): an id's start.
    if id.len() >= 8 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Ok(OrderRef::Id(id));
    }
    match v.parse::<u32>() {
        Ok(0) => Err("orders are numbered from 1".into()),
        Ok(n) => Ok(OrderRef::Number(n)),
        Err(_) => {
            Err(format!("expected an order number from 1 or a correlation id (at least its first 8 digits), got {v:?}"))
        }
    }
}

/// The correlation id and number of the order `r` names in `world`, or why there is none.
pub fn find_order(world: &World, r: &OrderRef) -> Result<(Uuid, u32), String> {
    let orders: Vec<Uuid> = world
        .store()
        .messages()
        .filter(|m| m.message_type() == crate::message::MessageType::OrderPlaced)
        .map(|m| m.correlation_id)
        .collect();
    match r {
        OrderRef::Number(n) => orders
            .get(*n as usize - 1)
            .map(|id| (*id, *n))
            .ok_or_else(|| format!("no order {n} (the run has {} orders)", orders.len())),
        OrderRef::Id(prefix) => {
            let found: Vec<usize> = (0..orders.len())
                .filter(|&i| orders[i].hyphenated().to_string().starts_with(prefix.as_str()))
                .collect();
            match found[..] {
                [i] => Ok((orders[i], i as u32 + 1)),
                [] => Err(format!("no order has correlation id {prefix}")),
                _ => Err(format!("{} orders have a correlation id starting with {prefix}", found.len())),
            }
        }
    }
}

/// One order's messages with their positions, in publish order.
fn order_messages(world: &World, correlation_id: &Uuid) -> Vec<(usize, crate::message::Envelope)> {
    let store = world.store();
    store.stream(correlation_id).iter().filter_map(|&s| Some((s as usize, store.get(s as usize)?))).collect()
}

/// One order's messages, one line each in publish order: seq, time, type, id, cause and a
/// summary (ids shortened to their first 8 digits; `--format json` has them whole).
pub fn trace_text(world: &World, correlation_id: Uuid, number: u32) -> String {
    let messages = order_messages(world, &correlation_id);
    let mut t = String::new();
    let _ = writeln!(t, "order {number} ({correlation_id}): {} messages", messages.len());
    let _ = writeln!(t, "{:>7} {:>8}  {:<16} {:<8}  {:<8}  summary", "seq", "at_ms", "type", "id", "cause");
    for (seq, m) in messages {
        let short = |id: Uuid| id.simple().to_string()[..8].to_string();
        let cause = m.causation().map_or("-".to_string(), short);
        let _ = writeln!(
            t,
            "{seq:>7} {:>8}  {:<16} {:<8}  {:<8}  {}",
            m.at_ms,
            m.message_type().name(),
            short(m.id),
            cause,
            m.body.summary()
        );
        // what became of its deliveries, as the sequence diagram draws them
        for f in world.faults().iter().filter(|f| f.seq as usize == seq) {
            let to = world.actors().get(f.actor as usize).map_or("?", |a| a.name.as_str());
            let by = if f.manual { ", by hand" } else { "" };
            let _ =
                writeln!(t, "{:>7} {:>8}    └ delivery to {to}: {} (step {}{by})", "", "", f.fault.outcome(), f.step);
        }
    }
    t
}

/// One status line of `--monitor`: at `now` (the world run up to it), each actor's queue
/// and, over the window from `then` (when the totals were `before`), the messages it took
/// per second and its busy share.
///
/// ```text
/// [   2.0 s] waiter 0 · house 0 (12.0/s) · dispatcher 3 · Koen 5 (2.9/s 100 %) · …
/// ```
pub fn monitor_line(world: &World, before: &[crate::sim::load::Load], then: u64, now: u64) -> String {
    let parts: Vec<String> = world
        .actors()
        .iter()
        .map(|a| {
            let queue = world.queue_len(a.id);
            let window = world.load(a.id).since(&before.get(a.id as usize).copied().unwrap_or_default(), then, now);
            let r = window.rates(now, now - then);
            match (window.taken, window.busy_ms) {
                (0, 0) => format!("{} {queue}", a.name),
                (_, 0) => format!("{} {queue} ({:.1}/s)", a.name, r.per_second),
                _ => format!("{} {queue} ({:.1}/s {:.0} %)", a.name, r.per_second, r.utilisation * 100.0),
            }
        })
        .collect();
    format!("[{:>6.1} s] {}", now as f64 / 1000.0, parts.join(" · "))
}

/// The header of `--log`.
pub const LOG_HEADER: &str = "    seq    at_ms  order  type              summary";

/// One line of `--log`: the message at `seq`, its order and a summary.
pub fn log_line(world: &World, seq: usize) -> String {
    let store = world.store();
    let Some(m) = store.get(seq) else { return format!("{seq:>7} (not in the store)") };
    let order = store.order_of(seq).map_or("-".to_string(), |n| n.to_string());
    format!("{seq:>7} {:>8}  {order:>5}  {:<16}  {}", m.at_ms, m.message_type().name(), m.body.summary())
}

/// One order's messages as the run file writes them (a JSON array, ids whole).
pub fn trace_json(world: &World, correlation_id: Uuid) -> String {
    let messages = order_messages(world, &correlation_id);
    let entries: Vec<HistoryEntry<'_>> = messages.iter().map(|(seq, m)| HistoryEntry::new(*seq as u32, m)).collect();
    serde_json::to_string_pretty(&entries).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}

/// The most `--check` and `--config` read of a file: 4 GiB (a run file of 100,000 orders,
/// written pretty, is about 1.2 GiB).
pub const MAX_FILE_BYTES: u64 = 4 << 30;

/// The text of the JSON file at `path`, read in chunks and checked as it comes: the first
/// character (after a byte-order mark and spaces) must open a JSON object, every byte must
/// be allowed in JSON text (no control character but tab and line breaks) and valid UTF-8,
/// and the whole at most [`MAX_FILE_BYTES`]. So a device or pipe that never ends, or a
/// binary file, is refused after its first bytes instead of read for ever.
pub fn read_json_file(path: &str) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // a plain file says its size: room for it at once (no doubling), or refused unread
    let size = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
    if let Some(size) = size.filter(|&s| s > MAX_FILE_BYTES) {
        return Err(too_large(size, MAX_FILE_BYTES));
    }
    read_json(file, MAX_FILE_BYTES, size.unwrap_or(0) as usize)
}

fn too_large(size: u64, max: u64) -> String {
    format!("{} MiB or more: larger than the {} MiB this build reads", size >> 20, max >> 20)
}

/// [`read_json_file`] from any reader, at most `max` bytes (`expected`: the size, when
/// known, to reserve at once).
pub fn read_json(mut from: impl std::io::Read, max: u64, expected: usize) -> Result<String, String> {
    const CHUNK: usize = 1 << 16;
    let mut bytes: Vec<u8> = Vec::with_capacity(expected.saturating_add(CHUNK));
    let mut checked = 0;
    let mut started = false;
    loop {
        let len = bytes.len();
        bytes.resize(len + CHUNK, 0);
        let n = match from.read(&mut bytes[len..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => 0,
            Err(e) => return Err(e.to_string()),
        };
        bytes.truncate(len + n);
        if n == 0 && bytes.len() == len {
            break;
        }
        if bytes.len() as u64 > max {
            return Err(too_large(bytes.len() as u64, max));
        }
        if let Some(i) = bytes[len..].iter().position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) {
            return Err(format!("not JSON text: byte {} is a control character (0x{:02x})", len + i, bytes[len + i]));
        }
        match std::str::from_utf8(&bytes[checked..]) {
            Ok(_) => checked = bytes.len(),
            // a character cut by the chunk's end is checked with the next chunk
            Err(e) if e.error_len().is_none() => checked += e.valid_up_to(),
            Err(e) => return Err(format!("not UTF-8 text (byte {})", checked + e.valid_up_to())),
        }
        if !started {
            let text = std::str::from_utf8(&bytes[..checked]).unwrap_or_default();
            let text = crate::run_file::without_bom(text).trim_start();
            if let Some(first) = text.chars().next() {
                if first != '{' {
                    return Err(format!("not a JSON object: it starts with {first:?}"));
                }
                started = true;
            }
        }
    }
    if checked != bytes.len() {
        return Err(format!("not UTF-8 text (byte {checked})"));
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

/// `text` safe to print on a terminal: control and invisible characters (a line break, an
/// ANSI escape, a bidirectional override, …) written as escapes (`\n`, `\u{1b}`), the
/// rest as is. Every message that may hold what the user typed goes through it.
///
/// ```
/// use brigade::cli::shown;
/// assert_eq!(shown("--x\n\u{1b}[31mred"), "--x\\n\\u{1b}[31mred");
/// assert_eq!(shown("cook \"Ana\" · é"), "cook \"Ana\" · é");
/// ```
pub fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\n' | '\r' | '\t' => out.extend(ch.escape_default()),
            ch if crate::scenario::invisible(ch) => out.extend(ch.escape_unicode()),
            ch => out.push(ch),
        }
    }
    out
}
