//! The options of `brigade live`: where the broker is, which actors run in this process,
//! how fast, and where to write the record; every other option is a config option of the
//! simulation (`--orders`, `--seed`, `--cooks`, `--drop`, `--config FILE`, …), read by
//! [`crate::cli::parse`].

use crate::cli::{self, Command};
use crate::role::Role;
use crate::scenario::Config;

/// The usage text of `brigade live`.
pub const USAGE: &str = "\
brigade live: the restaurant's actors for real, over NATS JetStream

usage: brigade live [LIVE OPTIONS] [CONFIG OPTIONS]

  --nats URL          the NATS server (default nats://127.0.0.1:4222)
  --role ROLE         run only this role: waiter, house, cook, assistant-manager, cashier,
                      alarm-clock, printer (one process per role); without it, every actor
                      runs in this process as a task
  --name NAME         with --role: which actor of the role (a cook's name)
  --except ROLE       without --role: leave this role to other processes (repeat, or a
                      comma list)
  --speed F           simulated ms per real ms (default 1: cooking takes its real time)
  --record FILE       the kitchen (the process with the waiter) writes the observed run
                      file here once every order has ended
  --journal FILE      append `<id> <type> <actor>` for every message this process published
  --volatile-timers   the alarm clock keeps its alarms in memory only (lost if killed)
  --keep              the kitchen keeps an earlier run's messages instead of purging them,
                      and places the seed's orders again (stored once)
  --deadline-s S      the kitchen stops waiting for orders to end after S s (default 600)
  -v, --verbose       log every message handled
  -h, --help          this text

The config options are the simulation's (brigade --help): --orders, --interval-ms, --seed,
--cooks, --drop, --duplicate, --dodgy, --config FILE, … The dispatcher does not run live:
the cooks are competing consumers of one JetStream consumer.
";

/// What `brigade live` was asked to do.
#[derive(Debug, Clone)]
pub struct Live {
    /// The server's address.
    pub nats: String,
    /// Run only this role.
    pub role: Option<Role>,
    /// With `role`: only this actor.
    pub name: Option<String>,
    /// Roles left to other processes.
    pub except: Vec<Role>,
    /// Simulated ms per real ms.
    pub speed: f64,
    /// Where the kitchen writes the observed run file.
    pub record: Option<String>,
    /// Where this process notes what it published.
    pub journal: Option<String>,
    /// The alarm clock keeps its alarms in memory only.
    pub volatile_timers: bool,
    /// Keep the stream of an earlier run.
    pub keep: bool,
    /// How long the kitchen waits for every order to end, in real seconds.
    pub deadline_s: u64,
    /// Log every message handled.
    pub verbose: bool,
    /// The run's config.
    pub config: Config,
}

/// What the arguments after `live` ask for: `Ok(None)` for the help text.
pub fn parse(args: &[String]) -> Result<Option<Live>, String> {
    let mut live = Live {
        nats: "nats://127.0.0.1:4222".to_string(),
        role: None,
        name: None,
        except: Vec::new(),
        speed: 1.0,
        record: None,
        journal: None,
        volatile_timers: false,
        keep: false,
        deadline_s: 600,
        verbose: false,
        config: Config::default(),
    };
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let takes_value = matches!(
            flag.as_str(),
            "--nats" | "--role" | "--name" | "--except" | "--speed" | "--record" | "--journal" | "--deadline-s"
        );
        let value = if takes_value {
            match inline {
                Some(v) => Some(v),
                None => {
                    i += 1;
                    Some(args.get(i).cloned().ok_or_else(|| format!("{flag}: a value is missing"))?)
                }
            }
        } else {
            None
        };
        let value = value.unwrap_or_default();
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--nats" => live.nats = value,
            "--role" => live.role = Some(role(&value).map_err(|e| format!("--role: {e}"))?),
            "--name" => live.name = Some(value),
            "--except" => {
                for r in value.split(',') {
                    live.except.push(role(r).map_err(|e| format!("--except: {e}"))?);
                }
            }
            "--speed" => {
                live.speed = value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= 1000.0)
                    .ok_or_else(|| format!("--speed: expected a factor above 0, at most 1000, got {value:?}"))?
            }
            "--record" => live.record = Some(value),
            "--journal" => live.journal = Some(value),
            "--deadline-s" => {
                live.deadline_s = value
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("--deadline-s: expected whole seconds above 0, got {value:?}"))?
            }
            "--volatile-timers" => live.volatile_timers = true,
            "--keep" => live.keep = true,
            "-v" | "--verbose" => live.verbose = true,
            _ => rest.push(arg.clone()),
        }
        i += 1;
    }
    if live.name.is_some() && live.role.is_none() {
        return Err("--name: goes with --role (`--role cook --name Koen`)".to_string());
    }
    if live.role.is_some() && !live.except.is_empty() {
        return Err("--except: goes without --role".to_string());
    }
    match cli::parse(&rest)? {
        Command::Run(run) => live.config = run.config,
        Command::Help(_) => return Ok(None),
        _ => {
            return Err(
                "brigade live takes config options (see brigade --help), not --check, --explore or --version".into()
            )
        }
    }
    Ok(Some(live))
}

/// The live role called `name`.
fn role(name: &str) -> Result<Role, String> {
    let name = name.trim();
    match Role::from_name(name) {
        Some(Role::Dispatcher) => Err("the dispatcher does not run live: JetStream hands out the cooks' work".into()),
        Some(r) => Ok(r),
        None => Err(format!(
            "expected waiter, house, cook, assistant-manager, cashier, alarm-clock or printer, got {name:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn live_options_and_config_options_apart() {
        let live =
            parse(&args("--role cook --name Koen --nats nats://127.0.0.1:4999 --speed=20 --orders 7 --drop 0.1"))
                .unwrap()
                .unwrap();
        assert_eq!((live.role, live.name.as_deref(), live.speed), (Some(Role::Cook), Some("Koen"), 20.0));
        assert_eq!((live.config.orders, live.config.drop), (7, 0.1));
        assert!(parse(&args("--help")).unwrap().is_none());
    }

    #[test]
    fn bad_live_options_say_which() {
        assert!(parse(&args("--speed 0")).unwrap_err().starts_with("--speed"));
        assert!(parse(&args("--role chef")).unwrap_err().starts_with("--role"));
        assert!(parse(&args("--role dispatcher")).unwrap_err().contains("does not run live"));
        assert!(parse(&args("--name Koen")).unwrap_err().starts_with("--name"));
        assert!(parse(&args("--drop 3")).unwrap_err().starts_with("--drop"));
        assert!(parse(&args("--nats")).unwrap_err().contains("missing"));
    }
}
