//! Throughput beside queue length: each actor's messages taken, time busy, mean queue and
//! mean wait, read from the engine — and Little's law on every run: an actor's queue
//! integrated over time is exactly the sum of the waits in it (so the mean queue is the
//! throughput times the mean wait).

use brigade::report::{ActorLoad, Report};
use brigade::scenario::{Architecture, Config, CookSpec, Dispatch};
use brigade::sim::World;

fn run(cfg: Config) -> World {
    let mut world = World::new(cfg).expect("valid config");
    world.run_to_idle();
    world
}

fn one_cook(ms: u64) -> Vec<CookSpec> {
    vec![CookSpec { name: "Koen".into(), ms }]
}

#[test]
fn littles_law_holds_for_every_actor_of_every_run() {
    let base = Config::default();
    let runs = [
        base.clone(),
        Config { drop: 0.1, duplicate: 0.1, orders: 30, interval_ms: 100, ..base.clone() },
        Config { orders: 60, interval_ms: 30, queue_limit: 2, ..base.clone() },
        Config { dispatch: Dispatch::Competing, orders: 40, ..base.clone() },
        Config { dispatch: Dispatch::PreferFirst, queue_limit: 1, orders: 30, ..base.clone() },
        Config { dispatch: Dispatch::Pinned, dodgy: 0.5, orders: 30, interval_ms: 50, ..base.clone() },
        Config { architecture: Architecture::Choreography, orders: 20, ..base.clone() },
        Config { architecture: Architecture::Commands, dodgy: 0.5, orders: 20, ..base.clone() },
        Config { assistant_manager_ms: 400, orders: 40, backoff: 2.0, ..base },
        Config::presets().into_iter().find(|p| p.0 == "rush-hour").expect("a preset").2,
        Config { arrivals: brigade::scenario::Arrivals::Poisson, interval_ms: 150, orders: 40, ..Config::default() },
    ];
    for cfg in runs {
        let world = run(cfg.clone());
        let mut waited = 0;
        for a in world.actors() {
            let load = world.load(a.id);
            assert_eq!(load.area_until(world.now()), load.waited_ms, "{}: queue × time = the waits ({cfg:?})", a.name);
            assert!(load.busy_until(world.now()) <= world.now(), "{} never works more than the time", a.name);
            waited += load.waited_ms;
        }
        assert!(waited > 0 || cfg.orders <= 10, "something waited in {cfg:?}");
    }
}

#[test]
fn one_cook_three_orders_by_hand() {
    // three orders at once, one cook of 300 ms: taken at 0, 300 and 600, having waited 0,
    // 300 and 600 ms; the queue holds 2 from 0 to 300, then 1 until 600
    let world = run(Config { orders: 3, cooks: one_cook(300), ..Config::default() });
    let koen = world.actors().iter().find(|a| a.name == "Koen").expect("a cook").id;
    let load = world.load(koen);
    assert_eq!((load.taken, load.busy_ms, load.waited_ms), (3, 900, 900));
    assert_eq!(load.area_until(world.now()), 2 * 300 + 300);
    let t = world.now();
    let report = Report::of(&world);
    let three = |x: f64| (x * 1000.0).round() / 1000.0;
    assert_eq!(
        report.load["Koen"],
        ActorLoad {
            taken: 3,
            per_second: three(3.0 * 1000.0 / t as f64),
            utilisation: three(900.0 / t as f64),
            mean_queue: three(900.0 / t as f64),
            mean_wait_ms: 300.0,
        }
    );
    let text = report.to_text();
    assert!(text.contains("throughput and queues"), "{text}");
}

#[test]
fn the_monitor_prints_a_status_line_every_interval_then_the_report() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_brigade"))
        .args(["--monitor", "500", "--orders", "20", "--interval-ms", "100"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let (lines, report) = text.split_once("\n\n").expect("the status lines, then the report");
    let lines: Vec<&str> = lines.lines().collect();
    let world = run(Config { orders: 20, interval_ms: 100, ..Config::default() });
    // one line every 500 simulated ms while there is work (the run's tail publishes its
    // last alarms without a delivery, up to world.now())
    let ticks = lines.len() as u64;
    assert!(ticks >= 8 && ticks <= world.now().div_ceil(500), "{ticks} lines for {} ms", world.now());
    for (i, line) in lines.iter().enumerate() {
        assert!(line.starts_with(&format!("[{:>6.1} s] waiter ", (i as f64 + 1.0) * 0.5)), "{line}");
        for pct in line.split(" %").filter_map(|p| p.rsplit(' ').next()?.parse::<u32>().ok()) {
            assert!(pct <= 100, "busy at most all the time: {line}");
        }
    }
    assert!(lines[0].contains("Koen") && lines[0].contains("/s"), "{}", lines[0]);
    assert_eq!(report, Report::of(&world).to_text());
    let zero =
        std::process::Command::new(env!("CARGO_BIN_EXE_brigade")).args(["--monitor", "0"]).output().expect("runs");
    assert_eq!(zero.status.code(), Some(2));
}

/// When each `OrderPlaced` of the waiter's own orders was published.
fn placed_at(cfg: Config) -> Vec<u64> {
    let world = run(cfg);
    world
        .store()
        .messages()
        .filter(|e| e.message_type() == brigade::message::MessageType::OrderPlaced)
        .map(|e| e.at_ms)
        .collect()
}

#[test]
fn orders_arrive_evenly_at_random_or_in_rushes_the_same_for_the_same_seed() {
    use brigade::scenario::Arrivals;
    let base = Config { orders: 40, interval_ms: 200, seed: 11, ..Config::default() };
    assert_eq!(placed_at(base.clone()), (0..40).map(|n| n * 200).collect::<Vec<u64>>());
    let rush = placed_at(Config { arrivals: Arrivals::Rush, rush_size: 8, ..base.clone() });
    assert_eq!(rush, (0..40).map(|n| n / 8 * 8 * 200).collect::<Vec<u64>>(), "8 at once, every 1.6 s");
    let poisson = Config { arrivals: Arrivals::Poisson, ..base.clone() };
    let a = placed_at(poisson.clone());
    assert_eq!(a, placed_at(poisson.clone()), "the same seed, the same arrivals");
    assert_ne!(a, placed_at(Config { seed: 12, ..poisson }), "another seed, others");
    let gaps: Vec<u64> = a.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().any(|&g| g < 100) && gaps.iter().any(|&g| g > 300), "uneven gaps: {gaps:?}");
    // fixed arrivals are the reference run's: its history is unchanged (tests/golden.rs)
}

#[test]
fn cooking_by_dish_takes_as_long_as_the_dishes_and_the_jitter_is_seeded() {
    use brigade::message::Message;
    use brigade::scenario::Cooking;
    let times = |cfg: Config| -> Vec<(u32, u32)> {
        run(cfg)
            .store()
            .messages()
            .filter_map(|e| match &e.body {
                Message::FoodCooked { order } => {
                    let work: u32 = order.items().iter().map(|l| l.qty as u32 * l.dish().work_permille).sum();
                    Some((work, order.cooking_ms))
                }
                _ => None,
            })
            .collect()
    };
    let by_dish = Config { cooking: Cooking::ByDish, cooks: one_cook(300), orders: 6, ..Config::default() };
    for (work, ms) in times(by_dish.clone()) {
        assert_eq!(ms, 300 * work / 1000, "300 ms a unit of the menu's work");
    }
    let jittered = Config { cook_jitter: 0.2, ..by_dish };
    let a = times(jittered.clone());
    assert_eq!(a, times(jittered.clone()));
    assert!(a.iter().any(|&(work, ms)| ms != 300 * work / 1000), "the jitter moves some");
    for (work, ms) in a {
        let plain = 300 * work / 1000;
        assert!(ms >= plain - plain / 5 && ms <= plain + plain / 5, "{ms} within a fifth of {plain}");
    }
}

#[test]
fn the_presets_show_the_lessons_of_load() {
    let presets = Config::presets();
    let preset = |name: &str| presets.iter().find(|p| p.0 == name).expect("a preset").2.clone();
    // a skewed menu: pinned swamps one cook while another idles; round robin evens them out
    let spread = |cfg: Config| {
        let world = run(cfg);
        let busy: Vec<f64> = world
            .actors()
            .iter()
            .filter(|a| a.kind.name() == "cook")
            .map(|a| world.load(a.id).busy_until(world.now()) as f64 / world.now() as f64)
            .collect();
        busy.iter().cloned().fold(0.0, f64::max) - busy.iter().cloned().fold(1.0, f64::min)
    };
    let pinned = spread(preset("skewed-menu"));
    let round_robin = spread(Config { dispatch: Dispatch::RoundRobin, ..preset("skewed-menu") });
    assert!(
        pinned > 0.3 && pinned > round_robin,
        "busiest − idlest cook: pinned {pinned:.2}, round robin {round_robin:.2}"
    );
    // a rush hour: the cooks' queues swell after each rush
    let world = run(preset("rush-hour"));
    let peak =
        world.actors().iter().filter(|a| a.kind.name() == "cook").map(|a| Report::of(&world).peak_queue[&a.name]).max();
    assert!(peak >= Some(3), "{peak:?}");
}

#[test]
fn the_samples_carry_throughput_beside_queue_length_and_add_up_to_the_report() {
    for cfg in [
        Config::default(),
        Config {
            orders: 60,
            interval_ms: 40,
            arrivals: brigade::arrivals::Arrivals::Rush,
            rush_size: 8,
            ..Config::default()
        },
    ] {
        let mut world = World::new(cfg).unwrap();
        world.run_to_idle();
        let report = brigade::report::Report::of(&world);
        let whole = brigade::view::samples(&world, usize::MAX);
        let merged = brigade::view::samples(&world, 7);
        assert!(merged.rows.len() <= 7 && whole.rows.len() > 7);
        for (a, name) in whole.actors.iter().enumerate() {
            let sum = |s: &brigade::view::SamplesView| s.taken.iter().map(|r| r[a] as u64).sum::<u64>();
            assert_eq!(sum(&whole), report.load[name].taken as u64, "{name}: every take is in one interval");
            assert_eq!(sum(&merged), sum(&whole), "{name}: merging rows adds their takes");
        }
        // the rows are in time order, and the waiter's takes are the orders
        assert!(whole.at_ms.windows(2).all(|w| w[0] < w[1]));
        let waiter = whole.actors.iter().position(|n| n == "waiter").unwrap();
        assert_eq!(whole.taken.iter().map(|r| r[waiter]).sum::<u32>(), report.orders);
    }
}
