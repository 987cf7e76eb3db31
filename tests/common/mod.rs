//! Helpers shared by the native integration tests.
#![allow(dead_code)]

use brigade::message::{Envelope, MessageType};
use brigade::scenario::Config;
use brigade::sim::World;
use std::collections::HashMap;
use uuid::Uuid;

/// A world for `cfg`, run to idle.
pub fn run(cfg: Config) -> World {
    let mut world = World::new(cfg).expect("valid config");
    world.run_to_idle();
    world
}

/// The published messages, grouped by correlation, in publish order.
pub fn streams(world: &World) -> HashMap<Uuid, Vec<Envelope>> {
    let mut map: HashMap<Uuid, Vec<Envelope>> = HashMap::new();
    for env in world.store().messages() {
        map.entry(env.correlation_id).or_default().push(env);
    }
    map
}

/// How many messages of type `t` a stream holds.
pub fn count(stream: &[Envelope], t: MessageType) -> usize {
    stream.iter().filter(|e| e.message_type() == t).count()
}

/// Position of the first message of type `t` in a stream.
pub fn first(stream: &[Envelope], t: MessageType) -> Option<usize> {
    stream.iter().position(|e| e.message_type() == t)
}
/// A world for `cfg`, not stepped yet.
pub fn world(cfg: Config) -> World {
    World::new(cfg).expect("valid config")
}

/// Steps until `pred` holds; panics if the run ends first.
pub fn step_until(world: &mut World, pred: impl Fn(&World) -> bool) {
    while !pred(world) {
        world.step().expect("the run reaches the wanted state before it ends");
    }
}

/// The name of actor `actor`.
pub fn name(world: &World, actor: u16) -> String {
    world.actors()[actor as usize].name.clone()
}

pub mod reference;
