// The values the brigade facade returns. Generated from the Rust types by
// src/typescript.rs: do not edit (BRIGADE_BLESS=1 cargo test --lib typescript).

export type MessageType = "OrderPlaced" | "ProcessStarted" | "CookFood" | "FoodCooked" | "OrderExpired" | "PriceOrder" | "OrderPriced" | "TakePayment" | "OrderPaid" | "PaymentRefused" | "RefundPayment" | "PaymentRefunded" | "PublishAt" | "StepTimedOut" | "MessageRejected" | "OrderCompleted" | "OrderDropped" | "RefundEscalated" | "MessageDeadLettered" | "ProcessMigrated";

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * Everything needed to re-simulate a run. Keys are snake_case in JSON.
 */
export type Config = { 
/**
 * Seed of every random draw of the run.
 */
seed: number, 
/**
 * Orders the waiter takes on its own.
 */
orders: number, 
/**
 * Simulated ms between two of those orders (0: all at the start).
 */
interval_ms: number, 
/**
 * The cooks.
 */
cooks: Array<CookSpec>, 
/**
 * How `CookFood` reaches the cooks.
 */
dispatch: Dispatch, 
/**
 * More fair: a cook whose queue has this many messages is skipped.
 */
queue_limit: number, 
/**
 * Probability that a delivery to a worker is lost.
 */
drop: number, 
/**
 * Probability that a delivery to a worker happens twice.
 */
duplicate: number, 
/**
 * Share of the waiter's orders from dodgy customers (they pay first).
 */
dodgy: number, 
/**
 * Process definition version for new orders (1 or 2).
 */
process_version: number, 
/**
 * The assistant manager's time to price an order.
 */
assistant_manager_ms: number, 
/**
 * The cashier's time to take a payment.
 */
cashier_ms: number, 
/**
 * Assistant managers sharing the pricing (1..=8), behind the cooks' dispatch
 * strategy; the second is called `assistant manager 2`. Written only when not 1.
 */
assistant_managers?: number, 
/**
 * Cashiers sharing the payments (1..=8), as the assistant managers share the pricing;
 * the second is called `cashier 2`. Written only when not 1.
 */
cashiers?: number, 
/**
 * How long a process waits for `FoodCooked`.
 */
cook_timeout_ms: number, 
/**
 * How long a process waits for `OrderPriced`.
 */
price_timeout_ms: number, 
/**
 * How long a process waits for `OrderPaid`.
 */
pay_timeout_ms: number, 
/**
 * Retries of a step before giving up.
 */
max_retries: number, 
/**
 * Each retry of a step waits this many times as long as the attempt before it
 * (1: every attempt waits the step's timeout; at most 32 times the timeout). Written
 * only when not 1.
 */
backoff?: number, 
/**
 * A retry's wait moves by up to this share of itself, either way, drawn from the seed
 * (0..1). Written only when not 0.
 */
backoff_jitter?: number, 
/**
 * Every order's time to live, in simulated ms (none: the menu's, the shortest of its
 * dishes'). Written only when set.
 */
time_to_live_ms?: number, 
/**
 * How the waiter's own orders arrive: `fixed` (every `interval_ms`), `poisson`
 * (exponential gaps of mean `interval_ms`, seeded) or `rush` (`rush_size` at once).
 * Written only when not `fixed`.
 */
arrivals?: Arrivals, 
/**
 * With `rush` arrivals: orders in each rush. Written only when not 5.
 */
rush_size?: number, 
/**
 * How long cooking takes: `per-order` (each cook's time, whatever the dishes) or
 * `by-dish` (the cook's time for each dish, weighed by the menu). Written only when not
 * `per-order`.
 */
cooking?: Cooking, 
/**
 * Each cooking time moves by up to this share either way, drawn from the seed, the
 * order and the cook (0..1). Written only when not 0.
 */
cook_jitter?: number, 
/**
 * A bound and a policy on the mailboxes of some kinds of actor, by role name (`cook`:
 * each cook's): `{"cook": {"max": 5, "policy": "drop-oldest"}}` (none: unbounded).
 * Written only when set.
 */
mailbox_limits?: { [key in string]: MailboxLimit }, 
/**
 * Interval of the queue-length samples.
 */
sample_ms: number, 
/**
 * How the house gets a process manager for each message: `rebuild` replays the
 * order's stream from the store every time (the workshop's naive form), `cached`
 * keeps it between messages. The history is the same either way.
 */
house: HouseMode, 
/**
 * How the workers are wired: with process managers (the default), by choreography
 * (each worker reacts to the previous worker's event) or by commands (each worker is
 * told where to send next).
 */
architecture: Architecture, 
/**
 * The store refuses a message whose id it already holds (counted as `absorbed`), and
 * the answer to a duplicated delivery gets the same id as the answer to its first copy.
 */
idempotent_store: boolean, 
/**
 * After this many refund requests the cashier did not answer, the process manager
 * stops asking and hands the order's money to a person (`RefundEscalated`, a known end
 * state for the money). None: refunds are asked for until the cashier answers.
 * Written only when set.
 */
refund_attempts?: number, 
/**
 * The cooks are idempotent consumers: a `CookFood` delivered twice is recognised by
 * its id and cooked once (the second copy is set aside, counted as `recognised`).
 * Written only when true.
 */
idempotent_cooks?: boolean, 
/**
 * Probability that a worker crashes as it takes a message (seeded): it loses the
 * message in hand and, unless `durable_mailboxes`, its mailbox; it is back
 * `restart_ms` later. Written only when not 0.
 */
crash?: number, 
/**
 * How long a crashed actor is down before it restarts, in simulated ms. Written only
 * when not 500.
 */
restart_ms?: number, 
/**
 * A crashed actor's mailbox survives the crash (a broker's durable queue): only the
 * message in hand is lost. Written only when true.
 */
durable_mailboxes?: boolean, 
/**
 * The alarm clock keeps its alarms in the store: a crashed alarm clock still rings
 * them when it is back (without it, a crash loses every alarm set). Written only
 * when true.
 */
durable_timers?: boolean, 
/**
 * Probability that a worker's handler fails on a delivery (seeded): the delivery is
 * retried, then dead-lettered. Written only when not 0.
 */
poison?: number, 
/**
 * A dish no cook can cook: a `CookFood` with it fails every time (a poison message).
 * Written only when set.
 */
poison_dish?: string, 
/**
 * How many times a failed delivery is tried again before it is dead-lettered (0..=10).
 * Written only when not 2.
 */
poison_retries?: number, 
/**
 * A dead-letter queue stands on the floor (it does when `poison` or `poison_dish` is
 * set, too): what fails past its retries waits there to be read and re-delivered by
 * hand. Written only when true.
 */
dead_letters?: boolean, 
/**
 * Exercise mode: whose orders run the learner's process manager (`off`, `all` or
 * `dodgy`). Written only when not `off`.
 */
custom_process?: CustomScope, 
/**
 * The learner's code (JavaScript text), carried by the run file of a run made with
 * it. Written only when set. Never run without the learner's confirmation.
 */
process_code?: string, };

/**
 * One cook and how long it takes to cook an order.
 */
export type CookSpec = { 
/**
 * Shown everywhere; must be unique and non-empty.
 */
name: string, 
/**
 * Cooking time in simulated ms; at least 1.
 */
ms: number, };

/**
 * How the dispatcher hands `CookFood` to the cooks.
 */
export type Dispatch = "round-robin" | "more-fair" | "competing" | "pinned" | "prefer-first";

/**
 * How the house gets a process manager for each message.
 */
export type HouseMode = "rebuild" | "cached";

/**
 * How the same workers are wired together (the workshop's three stages).
 */
export type Architecture = "process-manager" | "choreography" | "commands";

/**
 * How the waiter's own orders arrive.
 */
export type Arrivals = "fixed" | "poisson" | "rush";

/**
 * How long cooking takes.
 */
export type Cooking = "per-order" | "by-dish";

/**
 * A bound on each mailbox of one kind of actor (each cook's mailbox for `cook`).
 */
export type MailboxLimit = { 
/**
 * Messages the mailbox holds at most (1..=100000; left out: 100000).
 */
max: number, 
/**
 * What happens to a message that finds it full.
 */
policy: Policy, 
/**
 * A bound by age: a message that has waited longer than this (simulated ms,
 * 1..=3600000) is shed unhandled when its worker reaches it (a fault `stale`),
 * whatever the policy; only on the workers. Written only when set.
 */
max_age_ms?: number, };

/**
 * What happens when a message reaches a full mailbox.
 */
export type Policy = "block" | "drop-newest" | "drop-oldest";

/**
 * Whose orders run the learner's process manager (config key `custom_process`).
 */
export type CustomScope = "off" | "all" | "dodgy";

/**
 * Which flow an order follows.
 */
export type Definition = "pay-last" | "pay-first" | "custom";

/**
 * One user action.
 */
export type Action = { "type": "PlaceOrder", 
/**
 * The customer must pay first.
 */
dodgy: boolean, } | { "type": "SetProcessVersion", 
/**
 * 1 or 2.
 */
version: number, } | { "type": "DropMessage", 
/**
 * Store position of a message waiting in the mailbox.
 */
seq?: number | null, 
/**
 * For a message in flight: its output number (see [`crate::sim::Queued`]).
 */
output?: number | null, 
/**
 * The receiving actor's name.
 */
actor: string, 
/**
 * Which copy of a waiting message (default: the first one waiting).
 */
copy?: number | null, } | { "type": "DuplicateMessage", 
/**
 * Store position of a message waiting in the mailbox.
 */
seq?: number | null, 
/**
 * For a message in flight: its output number.
 */
output?: number | null, 
/**
 * The receiving actor's name.
 */
actor: string, 
/**
 * Which copy of a waiting message (default: the first one waiting).
 */
copy?: number | null, } | { "type": "DelayMessage", 
/**
 * Store position of a message waiting in the mailbox.
 */
seq?: number | null, 
/**
 * For a message in flight: its output number.
 */
output?: number | null, 
/**
 * The receiving actor's name.
 */
actor: string, 
/**
 * Which copy of a waiting message (default: the first one waiting).
 */
copy?: number | null, 
/**
 * The delay, 1..=600000 simulated ms.
 */
ms: number, } | { "type": "CookLeaves", 
/**
 * The cook's name.
 */
cook: string, } | { "type": "CookReturns", 
/**
 * The cook's name.
 */
cook: string, } | { "type": "HireCook", 
/**
 * A name no actor has (the config's cook-name rules).
 */
name: string, 
/**
 * Cooking time, 1..=600000 simulated ms.
 */
ms: number, } | { "type": "SetCookTime", 
/**
 * The cook's name.
 */
cook: string, 
/**
 * Cooking time, 1..=600000 simulated ms.
 */
ms: number, } | { "type": "WorkerLeaves", 
/**
 * The worker's name (`assistant manager 2`).
 */
worker: string, } | { "type": "WorkerReturns", 
/**
 * The worker's name.
 */
worker: string, } | { "type": "HireWorker", 
/**
 * `cook`, `assistant-manager` or `cashier`.
 */
role: string, 
/**
 * A name no actor has (the cooks' name rules).
 */
name: string, 
/**
 * Time per message (cooking, pricing, a payment), 1..=600000 simulated ms.
 */
ms: number, } | { "type": "SetWorkerTime", 
/**
 * The worker's name.
 */
worker: string, 
/**
 * Time per message, 1..=600000 simulated ms.
 */
ms: number, } | { "type": "Crash", 
/**
 * The actor's name.
 */
actor: string, } | { "type": "PoisonMessage", 
/**
 * Store position of the waiting message.
 */
seq: number, 
/**
 * The worker's name.
 */
actor: string, } | { "type": "RedeliverMessage", 
/**
 * Store position of the dead letter.
 */
seq: number, } | { "type": "MigrateOrder", 
/**
 * The order's number (1-based, in placing order).
 */
order: number, 
/**
 * 1 or 2.
 */
version: number, } | { "type": "MigrateOrders", 
/**
 * `pay-last` or `pay-first`.
 */
definition: string, 
/**
 * 1 or 2.
 */
version: number, };

/**
 * An action and the step at which it happened (applied when the run has done `step` steps).
 */
export type Input = { 
/**
 * Steps done when the action happened.
 */
step: number, 
/**
 * What happened.
 */
action: Action, };

/**
 * One message of the history, for the log.
 */
export type MessageView = { 
/**
 * Position in the history.
 */
seq: number, 
/**
 * Publication time.
 */
at_ms: number, 
/**
 * Type name.
 */
type: MessageType, 
/**
 * `"command"` or `"event"`.
 */
kind: string, 
/**
 * Message id.
 */
id: string, 
/**
 * The order's correlation id.
 */
correlation_id: string, 
/**
 * The message it answers.
 */
causation_id: string | null, 
/**
 * 1-based order number.
 */
order: number, 
/**
 * Name of the actor that published it.
 */
publisher: string, 
/**
 * One line for humans.
 */
summary: string, };

/**
 * A message with its payload as in the run file.
 */
export type MessageDetail = { 
/**
 * The run file's entry for it.
 */
payload: JsonValue, 
/**
 * Position in the history.
 */
seq: number, 
/**
 * Publication time.
 */
at_ms: number, 
/**
 * Type name.
 */
type: MessageType, 
/**
 * `"command"` or `"event"`.
 */
kind: string, 
/**
 * Message id.
 */
id: string, 
/**
 * The order's correlation id.
 */
correlation_id: string, 
/**
 * The message it answers.
 */
causation_id: string | null, 
/**
 * 1-based order number.
 */
order: number, 
/**
 * Name of the actor that published it.
 */
publisher: string, 
/**
 * One line for humans.
 */
summary: string, };

/**
 * One output of a step.
 */
export type OutputView = { 
/**
 * Type name.
 */
type: MessageType, 
/**
 * `"command"` or `"event"`.
 */
kind: string, 
/**
 * When it is (or was) published; for a hand-off, when it was handed over.
 */
at_ms: number, 
/**
 * Its id, once known.
 */
id: string | null, 
/**
 * Its position in the history, once published by the cursor (for a hand-off: the
 * message handed over).
 */
seq: number | null, 
/**
 * `published` (by the cursor), `pending` (decided, not due yet), `absorbed` (the
 * idempotent store held its id already) or `handed` (the dispatcher gave the message
 * to a cook).
 */
status: string, 
/**
 * For a hand-off: the cook who got it.
 */
to: string | null, 
/**
 * The step (1-based) during which it enters the history in the whole known run,
 * after the cursor too: a handler decides at one step, its publications appear at a
 * later one. `null` while the run computed so far has not published it, and for a
 * hand-off or an absorbed one.
 */
published_step: number | null, };

/**
 * A fault during a step.
 */
export type FaultView = { 
/**
 * `"drop"`, `"duplicate"`, `"delay"`, `"walked-out"` or `"shed"`.
 */
fault: string, 
/**
 * The message concerned.
 */
seq: number, 
/**
 * The worker it was meant for.
 */
actor: string, 
/**
 * Whether a person's input caused it (not the seeded fault rates).
 */
manual: boolean, };

/**
 * A fault of the run, with the step during which it happened.
 */
export type FaultStepView = { 
/**
 * The step (1-based) during which the delivery was lost or doubled; for a person's
 * input, the steps done when it applied (0: before the first step).
 */
step: number, 
/**
 * `"drop"`, `"duplicate"`, `"delay"`, `"walked-out"` or `"shed"`.
 */
fault: string, 
/**
 * The message concerned.
 */
seq: number, 
/**
 * The worker it was meant for.
 */
actor: string, 
/**
 * Whether a person's input caused it (not the seeded fault rates).
 */
manual: boolean, };

/**
 * A message waiting in a mailbox or in flight at the cursor (see [`World::queued`]).
 */
export type QueuedView = { 
/**
 * Store position of a waiting message; `null` in flight.
 */
seq: number | null, 
/**
 * Output number of a message in flight; `null` when waiting.
 */
output: number | null, 
/**
 * The receiving actor's name.
 */
actor: string, 
/**
 * Which copy (0, or more for duplicated deliveries).
 */
copy: number, 
/**
 * Type name.
 */
type: string, 
/**
 * The message's id.
 */
id: string, 
/**
 * The order it belongs to.
 */
correlation_id: string, 
/**
 * Waiting: when it entered the mailbox. In flight: when it was decided.
 */
waiting_since_ms: number, 
/**
 * In flight: when it is due to be published.
 */
due_ms: number | null, 
/**
 * `"waiting"` or `"in-flight"`.
 */
state: string, 
/**
 * Whether it can be dropped, duplicated or delayed (deliveries to the workers).
 */
changeable: boolean, };

/**
 * One delivery of a message to a handler.
 */
export type DeliveryView = { 
/**
 * The step (1-based) that delivered it.
 */
step: number, 
/**
 * Who received it.
 */
actor: string, 
/**
 * When the handler took it.
 */
at_ms: number, 
/**
 * 1 for the second copy of a duplicated delivery.
 */
copy: number, };

/**
 * A fault of the whole known run that concerns one message: a lost, doubled, delayed
 * delivery, or one its receiver refused, rejected or absorbed (see
 * [`crate::run_index::RunIndex`]).
 */
export type RunFaultView = { 
/**
 * The step (1-based) during which it happened.
 */
step: number, 
/**
 * `drop`, `duplicate`, `delay`, `walked-out`, `rejected`, `refused` or `absorbed`.
 */
fault: string, 
/**
 * The message concerned.
 */
seq: number, 
/**
 * The actor it was meant for (the receiver that refused it).
 */
actor: string, 
/**
 * Whether a person's input caused it.
 */
manual: boolean, 
/**
 * For a refusal: the type of what the receiver decided.
 */
type: string | null, 
/**
 * For a refusal: where the decided message entered the history; for an absorbed one,
 * the message already in the history that it repeats.
 */
out: number | null, 
/**
 * For a rejection or a refused payment: its reason.
 */
reason: string | null, };

/**
 * One step of the run.
 */
export type StepView = { 
/**
 * Step number, from 1.
 */
step: number, 
/**
 * When the handler took the message.
 */
at_ms: number, 
/**
 * Who handled it.
 */
actor: string, 
/**
 * What kind of actor.
 */
actor_kind: string, 
/**
 * The message delivered; `None` for the waiter taking an order.
 */
seq: number | null, 
/**
 * Its type (`"TakeOrder"` for the waiter).
 */
type: string, 
/**
 * `"command"`, `"event"`, or `"input"` for the waiter.
 */
kind: string, 
/**
 * The order it belongs to.
 */
correlation_id: string | null, 
/**
 * For the waiter taking an order: `"normal"` or `"dodgy"`, the customer whose order it
 * places (known before the order is published, so a view can tell where the wiring
 * sends what the waiter decided); `None` for every other step.
 */
customer: string | null, 
/**
 * Whether this delivery is the second copy of a duplicated one.
 */
duplicate: boolean, 
/**
 * What the handler publishes in answer, and when.
 */
outputs: Array<OutputView>, 
/**
 * Messages that entered the history during this step.
 */
published: Array<number>, 
/**
 * Deliveries lost or doubled during this step.
 */
faults: Array<FaultView>, };

/**
 * One actor at the cursor.
 */
export type ActorView = { 
/**
 * Name on the floor.
 */
name: string, 
/**
 * Kind (`cook`, `house`, …).
 */
kind: string, 
/**
 * Messages waiting.
 */
queue: number, 
/**
 * Working at the cursor.
 */
busy: boolean, 
/**
 * Busy until.
 */
busy_until: number, 
/**
 * Messages handled so far.
 */
handled: number, 
/**
 * House: live process managers.
 */
live: number | null, 
/**
 * Alarm clock: alarms set and not yet rung.
 */
pending: number | null, 
/**
 * A worker (cook, assistant manager, cashier): its time per message (ms).
 */
ms: number | null, 
/**
 * A worker: whether it walked out or was sent away (and has not come back).
 */
away: boolean | null, };

/**
 * One order at the cursor.
 */
export type OrderView = { 
/**
 * 1-based order number.
 */
order: number, 
/**
 * Correlation id.
 */
correlation_id: string, 
/**
 * Table.
 */
table: number, 
/**
 * Pays first.
 */
dodgy: boolean, 
/**
 * Process definition, once started.
 */
definition: Definition | null, 
/**
 * Process version, once started.
 */
version: number | null, 
/**
 * `in-progress`, `completed` or `dropped`.
 */
status: string, 
/**
 * Drop reason.
 */
reason: string | null, 
/**
 * When placed.
 */
placed_at_ms: number, 
/**
 * When it ended.
 */
finished_at_ms: number | null, 
/**
 * Who cooked it (twice for a duplicate).
 */
cooks: Array<string>, 
/**
 * Messages in its stream.
 */
messages: number, };

/**
 * A decision in a replay.
 */
export type DecisionView = { 
/**
 * Type name.
 */
type: MessageType, 
/**
 * Command or event.
 */
kind: string, 
/**
 * The id it gets.
 */
id: string, 
/**
 * One line for humans.
 */
summary: string, };

/**
 * One message of a replay.
 */
export type ReplayStepView = { 
/**
 * Position in the history.
 */
seq: number, 
/**
 * Publication time.
 */
at_ms: number, 
/**
 * Type name.
 */
type: MessageType, 
/**
 * Message id.
 */
id: string, 
/**
 * The state after it.
 */
state: JsonValue, 
/**
 * What was decided.
 */
decided: Array<DecisionView>, 
/**
 * What was noticed.
 */
notes: Array<string>, 
/**
 * Decisions equal the live run's.
 */
same_as_history: boolean, };

/**
 * Definition and version.
 */
export type ProcessRef = { 
/**
 * Definition.
 */
definition: Definition, 
/**
 * Version.
 */
version: number, };

/**
 * A replay of one order.
 */
export type ReplayView = { 
/**
 * The order.
 */
correlation_id: string, 
/**
 * Definition replayed.
 */
definition: Definition, 
/**
 * Version replayed.
 */
version: number, 
/**
 * What the order ran live.
 */
original: ProcessRef | null, 
/**
 * One entry per input message.
 */
steps: Array<ReplayStepView>, };

/**
 * Queue-length samples.
 */
export type SamplesView = { 
/**
 * Interval of a bucket, in ms.
 */
interval_ms: number, 
/**
 * Actor names, one per column.
 */
actors: Array<string>, 
/**
 * Start time of each row, in ms.
 */
at_ms: Array<number>, 
/**
 * Peak queue per actor, per row.
 */
rows: Array<Array<number>>, 
/**
 * Messages each actor took from its mailbox in each row's time (as the report's `load`
 * counts them: `taken`): its throughput is this over `interval_ms`.
 */
taken: Array<Array<number>>, };

/**
 * A role on the floor (every cook plays `Cook`).
 */
export type Role = "waiter" | "house" | "dispatcher" | "cook" | "assistant-manager" | "cashier" | "alarm-clock" | "printer" | "dead-letters";

/**
 * Which customers a subscription or reaction is for.
 */
export type Customers = "all" | "normal" | "dodgy";

/**
 * `role` hears every message of type `message_type` for `customers`.
 */
export type Subscription = { 
/**
 * Who hears it.
 */
role: Role, 
/**
 * What it hears.
 */
type: MessageType, 
/**
 * For whom.
 */
customers: Customers, };

/**
 * A worker handling `on` for `customers` answers with a message of type `then`
 * (`None`: it answers nothing, as the printer of completed orders).
 */
export type Reaction = { 
/**
 * The worker.
 */
role: Role, 
/**
 * What it handles.
 */
on: MessageType, 
/**
 * For whom.
 */
customers: Customers, 
/**
 * What it answers.
 */
then: MessageType | null, };

/**
 * One arrow of the floor: messages of type `message_type` go from `from` to `to`.
 */
export type Link = { 
/**
 * Publisher.
 */
from: Role, 
/**
 * Receiver.
 */
to: Role, 
/**
 * What travels.
 */
type: MessageType, 
/**
 * For whom.
 */
customers: Customers, 
/**
 * `true` for the house's per-order follows (a subscription by correlation id).
 */
by_correlation: boolean, };

/**
 * The whole wiring of one architecture.
 */
export type Wiring = { 
/**
 * Which architecture.
 */
architecture: Architecture, 
/**
 * Subscriptions by type.
 */
subscriptions: Array<Subscription>, 
/**
 * What each worker answers.
 */
reactions: Array<Reaction>, 
/**
 * The types the house hears of each order it follows (by correlation id, from the
 * order's `OrderPlaced` on).
 */
follows: Array<MessageType>, 
/**
 * What the house's process managers may publish (empty without them).
 */
decisions: Array<MessageType>, };

/**
 * The wiring of the run, for the floor: the subscriptions and reactions, the arrows
 * they make, and what pay-first costs.
 */
export type WiringView = { 
/**
 * Every arrow of the floor.
 */
links: Array<Link>, 
/**
 * The workers whose wiring differs between the pay-last and pay-first flows.
 */
rewired_for_pay_first: Array<Role>, 
/**
 * Which architecture.
 */
architecture: Architecture, 
/**
 * Subscriptions by type.
 */
subscriptions: Array<Subscription>, 
/**
 * What each worker answers.
 */
reactions: Array<Reaction>, 
/**
 * The types the house hears of each order it follows (by correlation id, from the
 * order's `OrderPlaced` on).
 */
follows: Array<MessageType>, 
/**
 * What the house's process managers may publish (empty without them).
 */
decisions: Array<MessageType>, };

/**
 * One message type.
 */
export type TypeWord = { 
/**
 * Its name in the run file (`CookFood`).
 */
name: string, 
/**
 * `"command"` or `"event"`.
 */
kind: string, 
/**
 * Whether it ends an order (`OrderCompleted`, `OrderDropped`).
 */
terminal: boolean, 
/**
 * What it means in an order's life, one word a view can test instead of a type name:
 * `placed`, `started`, `work` (a command asking for a piece of work), `done` (that work's
 * answer), `refused`, `expired`, `alarm` (a request to publish later), `timeout`,
 * `rejected`, `completed`, `dropped`, `escalated` (a refund handed to a person),
 * `dead-lettered` (a message set aside after failing every try), `migrated` (a live
 * order moved to another version).
 */
meaning: string, 
/**
 * The piece of work (`cook`, `price`, `pay`, `refund`) it asks for, answers or gives up
 * (`work`, `done`, `refused`, `expired`); `null` otherwise.
 */
step: string | null, };

/**
 * One role, as the run's wiring uses it.
 */
export type RoleWord = { 
/**
 * The role.
 */
role: Role, 
/**
 * How a person says it (`assistant manager`).
 */
display: string, 
/**
 * Whether deliveries to it can be lost or duplicated.
 */
worker: boolean, 
/**
 * Whether people of this role come on and off duty (cooks leave, return, are hired).
 */
staffed: boolean, 
/**
 * What the floor writes under an actor of this role (the house holds process managers).
 */
label: string, 
/**
 * The floor's column for it, left to right: 0 the customer's side (waiter, printer),
 * 1 the house and its alarm clock, 2 who takes work (dispatcher, assistant manager,
 * cashier), 3 the kitchen.
 */
column: number, 
/**
 * The message types it receives in this wiring, in declaration order.
 */
receives: Array<string>, 
/**
 * The message types it may send in this wiring, in declaration order.
 */
sends: Array<string>, };

/**
 * A word and what it says to a person.
 */
export type Word = { 
/**
 * The word the facade and the run file use.
 */
name: string, 
/**
 * A few words for a person.
 */
label: string, };

/**
 * The whole vocabulary of a run.
 */
export type Vocabulary = { 
/**
 * The run's architecture.
 */
architecture: Architecture, 
/**
 * Every message type, in declaration order.
 */
message_types: Array<TypeWord>, 
/**
 * Every role, in floor order.
 */
roles: Array<RoleWord>, 
/**
 * For each message type that someone receives in this wiring: who, in floor order.
 */
receivers: { [key in string]: Array<Role> }, 
/**
 * The faults of the delivery layer.
 */
faults: Array<Word>, 
/**
 * The fates a person can choose for one delivery (`dropMessage`, …).
 */
fates: Array<Word>, 
/**
 * Why an order is dropped (`OrderDropped.reason`).
 */
drop_reasons: Array<string>, 
/**
 * Why a process manager rejects a message (`MessageRejected.reason`).
 */
reject_reasons: Array<string>, 
/**
 * The pieces of work an order needs.
 */
work_steps: Array<string>, 
/**
 * The process definitions.
 */
definitions: Array<string>, 
/**
 * Every architecture, in the workshop's order.
 */
architectures: Array<string>, 
/**
 * Every way of dispatching to the cooks.
 */
dispatches: Array<string>, };

/**
 * Order latency, placed → completed, in simulated ms.
 */
export type Latency = { 
/**
 * Fastest completed order.
 */
min: number, 
/**
 * Median completed order.
 */
median: number, 
/**
 * Slowest completed order.
 */
max: number, };

/**
 * One actor's throughput and queue over the run (three decimals).
 */
export type ActorLoad = { 
/**
 * Messages taken from its mailbox (one shed to make room, `drop-oldest`, included).
 */
taken: number, 
/**
 * Messages taken per simulated second.
 */
per_second: number, 
/**
 * Share of the time it worked (0..=1).
 */
utilisation: number, 
/**
 * Its queue's mean length over the run.
 */
mean_queue: number, 
/**
 * How long a message it took had waited, on average, in ms.
 */
mean_wait_ms: number, };

/**
 * The report at the world's current step.
 */
export type Report = { 
/**
 * Orders placed.
 */
orders: number, 
/**
 * Orders that went the whole way.
 */
completed: number, 
/**
 * Orders given up.
 */
dropped: number, 
/**
 * Orders not ended yet (0 once a run with process managers is idle).
 */
in_progress: number, 
/**
 * Orders with no terminal event once the run is idle: nobody noticed they were lost
 * (only possible without process managers; 0 while the run is not idle).
 */
stuck: number, 
/**
 * The stuck orders' numbers (1-based, in placing order).
 */
stuck_orders: Array<number>, 
/**
 * How the workers are wired (`process-manager`, `choreography`, `commands`).
 */
architecture: string, 
/**
 * The workers whose wiring differs between the pay-last and the pay-first flow.
 */
rewired_for_pay_first: Array<string>, 
/**
 * Orders cooked by each cook (a duplicate cooking counts).
 */
per_cook: { [key in string]: number }, 
/**
 * Dropped orders by reason.
 */
dropped_by_reason: { [key in string]: number }, 
/**
 * Orders by process definition and version (`"pay-last v2"`).
 */
per_process: { [key in string]: number }, 
/**
 * Work commands sent again after a timeout.
 */
retries: number, 
/**
 * Repeated answers a process manager rejected (`MessageRejected`, reason
 * `duplicate`).
 */
duplicates_noticed: number, 
/**
 * `MessageRejected` events, all reasons.
 */
rejected: number, 
/**
 * `MessageRejected` events by reason.
 */
rejected_by_reason: { [key in string]: number }, 
/**
 * `PaymentRefunded` events.
 */
refunded: number, 
/**
 * Orders paid at least once (an `OrderPaid`), in every architecture.
 */
charged: number, 
/**
 * Orders paid, not completed and not refunded: dropped (or, at idle, stuck) with the
 * customer's money. With process managers 0 once the run is idle (they refund what
 * they drop); without them, what nobody owes back: the lesson of choreography and
 * commands.
 */
charged_not_served: number, 
/**
 * Messages the idempotent store did not append because it already held their id.
 */
absorbed: number, 
/**
 * Payments the cashier refused to take twice.
 */
double_payments_refused: number, 
/**
 * `OrderExpired` events (a cook refused an order past its time to live).
 */
expired: number, 
/**
 * Deliveries to workers lost / made twice by the fault layer.
 */
deliveries_dropped: number, 
/**
 * Deliveries made twice.
 */
deliveries_duplicated: number, 
/**
 * Messages shed at a full bounded mailbox (`mailbox_limits` with `drop-newest` or
 * `drop-oldest`). Written only when not 0.
 */
shed?: number, 
/**
 * Messages shed for waiting in a bounded mailbox longer than its age
 * (`mailbox_limits`' `max_age_ms`), when their worker reached them. Written only when
 * not 0.
 */
stale?: number, 
/**
 * The waiter's own orders turned away at the door while a mailbox bounded with
 * `block` was full (they never start). Written only when not 0.
 */
refused_at_door?: number, 
/**
 * Refunds nobody answered, handed to a person (`RefundEscalated`, after
 * `refund_attempts`). Written only when not 0.
 */
escalated?: number, 
/**
 * Second copies of a `CookFood` the cooks recognised and did not cook
 * (`idempotent_cooks`). Written only when not 0.
 */
recognised?: number, 
/**
 * Actors crashed. Written only when not 0.
 */
crashes?: number, 
/**
 * Messages lost in crashes (in hand, in a mailbox that is not durable, alarms not kept
 * in the store). Written only when not 0.
 */
lost_in_crashes?: number, 
/**
 * Process managers a cached house read back from the store after it crashed. Written
 * only when not 0.
 */
rebuilt?: number, 
/**
 * Deliveries a worker failed on (each try of a poison message). Written only when not 0.
 */
failed?: number, 
/**
 * Messages set aside in the dead-letter queue (`MessageDeadLettered`). Written only
 * when not 0.
 */
dead_lettered?: number, 
/**
 * Live orders moved to another version of their process (`ProcessMigrated`). Written
 * only when not 0.
 */
migrated?: number, 
/**
 * Dead letters re-delivered by hand. Written only when not 0.
 */
redelivered?: number, 
/**
 * Longest queue seen, by actor.
 */
peak_queue: { [key in string]: number }, 
/**
 * Each actor's throughput and queue over the run: messages taken per simulated second,
 * the share of the time it worked, its mean queue and the mean wait in it (Little's
 * law: the mean queue is the throughput times the mean wait).
 */
load: { [key in string]: ActorLoad }, 
/**
 * Placed → completed, in simulated ms; `None` before any order completes.
 */
latency_ms: Latency | null, 
/**
 * Messages published.
 */
messages: number, 
/**
 * Steps (deliveries) done.
 */
steps: number, 
/**
 * Simulated time at the current step.
 */
simulated_ms: number, };

/**
 * One line of a receipt.
 */
export type ReceiptLine = { 
/**
 * The dish's name on the menu.
 */
dish: string, 
/**
 * How many.
 */
qty: number, 
/**
 * Price of one, in cents.
 */
price_cents: number, };

/**
 * What the printer prints for a completed order: table, items, total, paid.
 */
export type Receipt = { 
/**
 * The order's number, from 1 in the order the waiter took them.
 */
order: number, 
/**
 * The order's correlation id.
 */
correlation_id: string, 
/**
 * Simulated time the printer printed it.
 */
at_ms: number, 
/**
 * Table number.
 */
table: number, 
/**
 * What was served.
 */
items: Array<ReceiptLine>, 
/**
 * Before tax, in cents.
 */
subtotal_cents: number, 
/**
 * Tax, in cents.
 */
tax_cents: number, 
/**
 * What the customer paid, in cents.
 */
total_cents: number, 
/**
 * Whether the cashier marked the order paid.
 */
paid: boolean, 
/**
 * What the cook used, dish by dish (empty for an order never cooked).
 */
ingredients: Array<string>, 
/**
 * Who cooked it.
 */
cooked_by: string | null, 
/**
 * How long the cooking took, in simulated ms.
 */
cooking_ms: number, };

