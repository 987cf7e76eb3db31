//! The native command line: options of CONTRACT §1 parsed into a [`Config`].

use crate::scenario::{Config, Dispatch};

/// What the CLI prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The status report.
    Text,
    /// The run file.
    Json,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Run a simulation to idle and print it.
    Run(Config, Format),
    /// Print usage.
    Help,
    /// Print the version.
    Version,
}

/// The usage text.
pub const USAGE: &str = "\
brigade — the event-sourced restaurant, simulated deterministically

usage: brigade [OPTIONS]

  --orders N            orders the waiter takes                      [10]
  --interval-ms MS      simulated ms between two orders (0: at once)  [0]
  --seed S              u64 seed of the run                           [42]
  --cooks LIST          name:ms,name:ms,… cooks and cooking times     [Koen:350,Guido:200,Greg:600]
  --dispatch KIND       round-robin | more-fair | competing           [more-fair]
  --queue-limit N       more-fair: skip a cook with this many queued  [5]
  --drop P              probability a delivery to a worker is lost    [0]
  --duplicate P         probability a delivery to a worker is doubled [0]
  --dodgy P             share of customers who pay first              [0]
  --process-version V   process definition version for orders (1, 2)  [2]
  --preset NAME         start from a preset: reference, chaos, slow-cook, dodgy, rush
  --format F            text (status report) | json (the run file)    [text]
  -h, --help            this text
  -V, --version         the version
";

/// Parses the arguments after the program name. The error is one line naming the option.
///
/// ```
/// use brigade::cli::{parse, Command};
/// let args = ["--orders", "3", "--drop=0.1"].map(String::from);
/// let Ok(Command::Run(cfg, _)) = parse(&args) else { panic!() };
/// assert_eq!((cfg.orders, cfg.drop), (3, 0.1));
/// assert!(parse(&["--drop".into(), "2".into()]).unwrap_err().starts_with("--drop"));
/// ```
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            _ => {}
        }
        if !arg.starts_with("--") {
            return Err(format!("{arg}: unexpected argument (options start with --; see --help)"));
        }
        let (name, value) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => {
                i += 1;
                let value = args.get(i).ok_or_else(|| format!("{arg}: a value is missing"))?;
                (arg.clone(), value.clone())
            }
        };
        pairs.push((name, value));
        i += 1;
    }

    let mut cfg = match pairs.iter().rev().find(|(n, _)| n == "--preset") {
        Some((_, name)) => {
            Config::presets().into_iter().find(|(p, _, _)| p == name).map(|(_, _, c)| c).ok_or_else(|| {
                format!("--preset: unknown preset {name:?} (reference, chaos, slow-cook, dodgy, rush)")
            })?
        }
        None => Config::default(),
    };
    let mut format = Format::Text;
    for (name, value) in &pairs {
        let v = value.trim();
        match name.as_str() {
            "--preset" => {}
            "--orders" => cfg.orders = whole(name, v)?,
            "--interval-ms" => cfg.interval_ms = whole(name, v)?,
            "--seed" => cfg.seed = whole(name, v)?,
            "--queue-limit" => cfg.queue_limit = whole(name, v)?,
            "--process-version" => cfg.process_version = whole(name, v)?,
            "--cooks" => cfg.cooks = Config::parse_cooks(v).map_err(|e| format!("{name}: {e}"))?,
            "--dispatch" => {
                cfg.dispatch = Dispatch::from_name(v)
                    .ok_or_else(|| format!("{name}: unknown kind {v:?} (round-robin, more-fair, competing)"))?
            }
            "--drop" => cfg.drop = probability(name, v)?,
            "--duplicate" => cfg.duplicate = probability(name, v)?,
            "--dodgy" => cfg.dodgy = probability(name, v)?,
            "--format" => {
                format = match v {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    _ => return Err(format!("{name}: unknown format {v:?} (text, json)")),
                }
            }
            _ => return Err(format!("{name}: unknown option (see --help)")),
        }
    }
    cfg.validate().map_err(|e| {
        let option = match e.field.as_str() {
            "cooks" => "--cooks".to_string(),
            "interval_ms" => "--interval-ms".to_string(),
            f => format!("--{}", f.replace('_', "-")),
        };
        format!("{option}: {}", e.message)
    })?;
    Ok(Command::Run(cfg, format))
}

fn whole<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse().map_err(|_| format!("{name}: expected a whole number, got {v:?}"))
}

fn probability(name: &str, v: &str) -> Result<f64, String> {
    let p: f64 = v.parse().map_err(|_| format!("{name}: expected a probability between 0 and 1, got {v:?}"))?;
    if !(0.0..=1.0).contains(&p) {
        return Err(format!("{name}: expected a probability between 0 and 1, got {v}"));
    }
    Ok(p)
}
