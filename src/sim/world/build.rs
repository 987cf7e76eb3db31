//! Setting the floor up: a world at step 0 for a config, its actors, wiring and bus.

use super::*;
use crate::actors::alarm_clock::AlarmClock;
use crate::actors::assistant_manager::AssistantManager;
use crate::actors::cashier::Cashier;
use crate::actors::cook::Cook;
use crate::actors::dead_letters::DeadLetters;
use crate::actors::dispatcher::Dispatcher;
use crate::actors::printer::Printer;
use crate::actors::waiter::Waiter;
use crate::process::House;
use crate::sim::actor::FIRST_COOK;

impl World {
    /// A world at step 0 for a validated `cfg`.
    ///
    /// ```
    /// use brigade::scenario::Config;
    /// use brigade::sim::World;
    /// let mut world = World::new(Config::default()).unwrap();
    /// world.run_to_idle();
    /// assert_eq!(world.stats().completed, 10);
    /// ```
    pub fn new(cfg: Config) -> Result<World, ConfigError> {
        World::with_inputs(cfg, Vec::new())
    }

    /// A world that will replay `inputs` (sorted by step) as it goes.
    pub fn with_inputs(cfg: Config, inputs: Vec<Input>) -> Result<World, ConfigError> {
        cfg.validate()?;
        check_inputs(&inputs).map_err(|message| ConfigError { field: "inputs".to_string(), message })?;
        let mut actors = Vec::new();
        let mut state = Vec::new();
        let mut add = |name: String, kind: ActorKind, actor: Actor| {
            let id = actors.len() as ActorId;
            actors.push(ActorInfo { name, kind, id });
            state.push(actor);
            id
        };
        let entry = add(Role::Waiter.display().into(), ActorKind::Waiter, Actor::Waiter(Waiter::default()));
        add(Role::House.display().into(), ActorKind::House, Actor::House(House::new()));
        // the dispatcher hands work to every cook, who follow it on the floor
        let cooks = (0..cfg.cooks.len()).map(|c| FIRST_COOK + c as ActorId).collect();
        add(Role::Dispatcher.display().into(), ActorKind::Dispatcher, Actor::Dispatcher(Dispatcher::new(cooks)));
        for (i, c) in cfg.cooks.iter().enumerate() {
            let name = c.name.trim().to_string();
            let cook = Cook { name: Rc::new(name.clone()), ms: c.ms };
            add(name, ActorKind::Cook(i as u16), Actor::Cook(cook));
        }
        add(
            Role::AssistantManager.display().into(),
            ActorKind::AssistantManager,
            Actor::AssistantManager(AssistantManager { ms: cfg.assistant_manager_ms }),
        );
        add(Role::Cashier.display().into(), ActorKind::Cashier, Actor::Cashier(Cashier { ms: cfg.cashier_ms }));
        let alarm_clock = add(Role::AlarmClock.display().into(), ActorKind::AlarmClock, Actor::AlarmClock(AlarmClock));
        add(Role::Printer.display().into(), ActorKind::Printer, Actor::Printer(Printer));
        let dead_letters = cfg
            .has_dead_letters()
            .then(|| add(Role::DeadLetters.display().into(), ActorKind::DeadLetters, Actor::DeadLetters(DeadLetters)));
        // the workers sharing a role after the first: "assistant manager 2", "cashier 2", …
        for n in 2..=cfg.assistant_managers {
            let am = Actor::AssistantManager(AssistantManager { ms: cfg.assistant_manager_ms });
            add(format!("{} {n}", Role::AssistantManager.display()), ActorKind::AssistantManager, am);
        }
        for n in 2..=cfg.cashiers {
            add(
                format!("{} {n}", Role::Cashier.display()),
                ActorKind::Cashier,
                Actor::Cashier(Cashier { ms: cfg.cashier_ms }),
            );
        }
        let n = actors.len();
        let mut own_readiness = vec![0u64; n.div_ceil(64)];
        for (a, actor) in state.iter().enumerate() {
            if actor.has_own_readiness() {
                own_readiness[a / 64] |= 1 << (a % 64);
            }
        }

        let wiring = Wiring::of(cfg.architecture);
        let mut bus = Bus::new();
        for sub in &wiring.subscriptions {
            // a role's first actor hears for all of them: its share hands each message on
            if let Some(a) = actors.iter().find(|a| a.kind.role() == sub.role) {
                bus.subscribe_type(sub.message_type, a.id, sub.customers);
            }
        }

        let st = Volatile {
            now: 0,
            steps: 0,
            outputs: 0,
            faults_len: 0,
            printed_len: 0,
            mail: Mailboxes::new(n),
            busy_until: vec![0; n],
            load: vec![Default::default(); n],
            scheduler: Scheduler::default(),
            next_mail: 0,
            next_scheduled: 0,
            next_arrival: 0,
            arrival_rng: Rng::stream(cfg.seed, super::ARRIVAL_STREAM),
            actors: state,
            order_rng: Rng::stream(cfg.seed, ORDER_STREAM),
            fault_rng: Rng::stream(cfg.seed, FAULT_STREAM),
            version: cfg.process_version,
            next_input: 0,
            stats: Stats::new(cfg.cooks.len()),
            sampler: Sampler::new(n),
            delayed: Vec::new(),
            fates: Vec::new(),
            shares: Vec::new(),
            failures: super::failures::FailureState::new(cfg.seed),
        };
        let mut world = World {
            params: ProcessParams::from_config(&cfg),
            custom: None,
            bounds: Bounds::of(&cfg.mailbox_limits),
            failures: super::failures::any(&cfg),
            dead_letters,
            store: if cfg.idempotent_store { Store::idempotent() } else { Store::new() },
            cfg,
            wiring,
            bus,
            actors,
            entry,
            own_readiness,
            alarm_clock,
            trace: Trace::default(),
            faults: Recorded::default(),
            completions: Recorded::default(),
            printed: Recorded::default(),
            samples: Samples::default(),
            inputs,
            input_error: None,
            st,
            targets: Vec::new(),
            out: Outbox::new(),
        };
        world.initial_shares();
        world.apply_due_inputs();
        Ok(world)
    }

    /// This world with the learner's process manager `process` running the orders of the
    /// config's `custom_process` scope (exercise mode). Give it before the first step.
    ///
    /// ```
    /// use brigade::process::custom::{CustomProcess, CustomScope};
    /// use brigade::scenario::Config;
    /// use brigade::sim::World;
    /// // a process manager that decides nothing: its orders never complete
    /// let idle = CustomProcess::new(|state, _message, _config| Ok(serde_json::json!({ "state": state, "send": [] })));
    /// let cfg = Config { orders: 2, custom_process: CustomScope::All, ..Config::default() };
    /// let mut world = World::new(cfg).unwrap().with_custom_process(idle);
    /// world.run_to_idle();
    /// assert_eq!(world.stats().completed, 0);
    /// ```
    pub fn with_custom_process(mut self, process: CustomProcess) -> World {
        self.custom = Some(process);
        self
    }

    /// This world without its step trace: the run, its history, faults, receipts and
    /// statistics are the same, but no step is recorded for [`World::trace_record`] and
    /// [`World::step_outputs`] (which answer `None` and nothing). For a run nobody steps
    /// through, such as the command line's report: 100,000 orders keep about 46 MiB less.
    ///
    /// ```
    /// use brigade::scenario::Config;
    /// use brigade::sim::World;
    /// let mut traced = World::new(Config::default()).unwrap();
    /// let mut untraced = World::new(Config::default()).unwrap().untraced();
    /// assert_eq!(traced.run_to_idle(), untraced.run_to_idle());
    /// assert_eq!(traced.store().len(), untraced.store().len());
    /// assert!(traced.trace_record(1).is_some() && untraced.trace_record(1).is_none());
    /// ```
    pub fn untraced(mut self) -> World {
        if self.trace.is_empty() {
            self.trace = Trace::untraced();
        }
        self
    }
}
