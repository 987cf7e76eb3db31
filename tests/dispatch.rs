//! Pinned and prefer-first dispatch, run by the engine: pinned keeps each dish with its
//! cook (moving it to the next cook while that cook is away, and back when it returns);
//! prefer first fills the first cook with room.

use brigade::message::Message;
use brigade::scenario::{Config, CookSpec, Dispatch};
use brigade::sim::{Action, World};

/// Every `FoodCooked`: the order's first dish, who cooked it, and when the order was placed.
fn cooked(world: &World) -> Vec<(u8, String, u64)> {
    world
        .store()
        .messages()
        .filter_map(|e| match &e.body {
            Message::FoodCooked { order } => {
                Some((order.items()[0].dish, order.cooked_by.as_deref()?.clone(), order.placed_at_ms))
            }
            _ => None,
        })
        .collect()
}

fn cook_names(cfg: &Config) -> Vec<String> {
    cfg.cooks.iter().map(|c| c.name.clone()).collect()
}

#[test]
fn pinned_keeps_every_dish_with_its_cook() {
    let cfg = Config { dispatch: Dispatch::Pinned, orders: 40, interval_ms: 150, seed: 4, ..Config::default() };
    let names = cook_names(&cfg);
    let mut world = World::new(cfg).expect("valid config");
    world.run_to_idle();
    let cooked = cooked(&world);
    assert!(cooked.len() >= 40);
    for (dish, cook, _) in &cooked {
        assert_eq!(cook, &names[*dish as usize % names.len()], "dish {dish} is pinned to one cook");
    }
    // every cook has dishes of its own on this menu (six dishes, three cooks)
    for name in &names {
        assert!(cooked.iter().any(|(_, c, _)| c == name), "{name} cooks");
    }
}

#[test]
fn pinned_moves_an_away_cooks_dishes_to_the_next_cook_and_back() {
    // cooks quick enough that nothing waits for a retry: each order is cooked once
    let cooks = ["Koen", "Guido", "Greg"].map(|name| CookSpec { name: name.into(), ms: 100 }).to_vec();
    let cfg = Config { dispatch: Dispatch::Pinned, orders: 60, interval_ms: 150, seed: 9, cooks, ..Config::default() };
    let names = cook_names(&cfg);
    let mut world = World::new(cfg).expect("valid config");
    let step_to = |world: &mut World, ms: u64| {
        while world.now() < ms && world.step().is_some() {}
    };
    step_to(&mut world, 3_000);
    world.act(Action::CookLeaves { cook: names[1].clone() }).expect("Guido may leave");
    step_to(&mut world, 6_000);
    world.act(Action::CookReturns { cook: names[1].clone() }).expect("Guido may return");
    world.run_to_idle();
    let cooked = cooked(&world);
    // Guido's dishes (place 1 and 4 on the menu), by when the order was placed
    let guidos: Vec<&(u8, String, u64)> = cooked.iter().filter(|(d, _, _)| *d as usize % 3 == 1).collect();
    let away: Vec<_> = guidos.iter().filter(|(_, _, at)| (3_100..5_400).contains(at)).collect();
    let back: Vec<_> = guidos.iter().filter(|(_, _, at)| *at >= 6_100).collect();
    assert!(!away.is_empty() && !back.is_empty(), "Guido's dishes were ordered while he was away and after");
    assert!(away.iter().all(|(_, c, _)| c == &names[2]), "to Greg, the next cook on duty: {away:?}");
    assert!(back.iter().all(|(_, c, _)| c == &names[1]), "back to Guido: {back:?}");
    // the others' dishes never moved
    assert!(cooked.iter().filter(|(d, _, _)| *d as usize % 3 != 1).all(|(d, c, _)| c == &names[*d as usize % 3]));
}

#[test]
fn prefer_first_fills_the_first_cook_before_the_next() {
    // room enough: the first cook takes every order
    let cfg = Config { dispatch: Dispatch::PreferFirst, queue_limit: 100, ..Config::default() };
    let names = cook_names(&cfg);
    let mut world = World::new(cfg).expect("valid config");
    world.run_to_idle();
    let cooked = cooked(&world);
    assert!(cooked.len() >= 10 && cooked.iter().all(|(_, c, _)| c == &names[0]), "{cooked:?}");

    // a limit of 2 and cooks of one speed: the first cook's queue fills, then the second
    // cook's; the last cook gets what both leave
    let cooks = ["Koen", "Guido", "Greg"].map(|name| CookSpec { name: name.into(), ms: 300 }).to_vec();
    let cfg = Config {
        dispatch: Dispatch::PreferFirst,
        queue_limit: 2,
        orders: 30,
        interval_ms: 150,
        cooks,
        ..Config::default()
    };
    let mut world = World::new(cfg).expect("valid config");
    world.run_to_idle();
    let all = self::cooked(&world);
    let count = |name: &str| all.iter().filter(|(_, c, _)| c == name).count();
    let (first, second, third) = (count(&names[0]), count(&names[1]), count(&names[2]));
    assert!(first >= second && second >= third, "{first} ≥ {second} ≥ {third}");
    assert!(first > third, "the first cook is preferred: {first} vs {third}");
}

#[test]
fn the_new_dispatches_are_config_words_and_cli_options() {
    for (word, d) in [("pinned", Dispatch::Pinned), ("prefer-first", Dispatch::PreferFirst)] {
        assert_eq!(Dispatch::from_name(word), Some(d));
        assert_eq!(d.name(), word);
        let cfg: Config = serde_json::from_str(&format!(r#"{{"dispatch": "{word}"}}"#)).expect("a config word");
        assert_eq!(cfg.dispatch, d);
    }
}
