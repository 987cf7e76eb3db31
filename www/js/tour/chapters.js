// The tour's chapters, in the workshop's order. Each sets up a scenario (a config), and has
// stops: `find(sim, cfg)` reads the moment from the run (moments.js), `say(m, cfg)` is its
// narration (strings, and {term} for a glossary word; every number comes from `m`),
// `point(m)` what to show on the page. `tryThis` is the chapter's exercise: `done(app, ctx)`
// notices it from the engine's state and returns the sentence that explains the change
// (or null while not done). DOM-free, so the moments can be checked outside the page.

import * as M from "./moments.js";

const T = (term, text = term) => ({ term, text });
const short = (id) => String(id ?? "").slice(0, 8);
const ms = (n) => `${Math.round(n)} ms`;

/** The full config of the shown run (the App keeps only the keys that differ). */
export function fullConfig(app) {
  return { ...app.defaults, ...app.config };
}

function lastInput(app, test) {
  const inputs = app.call(() => app.sim.inputs(), []) ?? [];
  return [...inputs].reverse().find((i) => test(i.action ?? i)) ?? null;
}

function whenIdle(app, fn) {
  if (!app.call(() => app.sim.frontierIdle(), false)) return "(the run is still being computed…)";
  return app.call(() => M.atEndOfCopy(app.sim, fn), "");
}

export const CHAPTERS = [
  {
    id: "ids",
    title: "A message and its three ids",
    intro: "Next plays the run on to the next moment that matters and stops there. Between stops the page is yours: step (→), play, click an actor, a message or an order. Underlined words explain themselves on hover or focus.",
    config: { orders: 1 },
    stops: [
      {
        id: "first-message",
        title: "The first message",
        find: (sim) => M.firstMessage(sim),
        say: (m) => [`The waiter took an order and published `, `${m.message.type}`, `, an `, T("event"), ` (“this happened”). Every `, T("message"), ` carries three ids. Its own `, T("id"), ` is ${short(m.message.id)}…; its `, T("correlation", "correlation id"), ` ${short(m.message.correlation_id)}… names the order; its `, T("causation", "causation id"), ` is empty: nothing caused it but the customer. It is the first row of the message log (seq ${m.message.seq}), highlighted; at this same step it reaches the house, as the caption under the floor says.`],
        point: (m) => ({ seq: m.message.seq, actor: m.message.publisher, order: m.message.correlation_id }),
      },
      {
        id: "first-answer",
        title: "An answer and its cause",
        find: (sim) => M.firstAnswer(sim),
        say: (m) => [...(m.decider.actor_kind === "house" ? ["The ", T("house"), " (where the orders' process managers live)"] : [m.decider.actor]), ` handled ${m.cause.type} (highlighted in the log) and decided its answer: ${m.decider.outputs.map((o) => o.type).join(", ")}, published at step ${m.message.published_step ?? "a coming step"}. Deciding and publishing are two moments: what a handler decides enters the history later. The first answer, ${m.message.type} (${m.message.kind === "command" ? "a command" : "an event"}), gets a new id ${short(m.message.id)}…, the order's correlation id ${short(m.message.correlation_id)}… again, and as its causation id ${short(m.message.causation_id)}…, the id of ${m.cause.type}: follow causation ids back and you get the whole chain of why. See the Causation tab.`],
        point: (m) => ({ seq: m.cause.seq, actor: m.decider.actor, order: m.message.correlation_id, tab: "tree" }),
      },
    ],
    tryThis: {
      text: "Place another order (the Place order button) and look at its ids.",
      done: (app) => {
        const input = lastInput(app, (a) => a.type === "PlaceOrder");
        if (!input) return null;
        const orders = app.call(() => app.sim.orders(), []) ?? [];
        const last = orders[orders.length - 1];
        return last ? `Your order #${last.order} has correlation id ${short(last.correlation_id)}…: every message about it will carry that id, whatever its own id.` : "Order placed.";
      },
    },
  },
  {
    id: "queue",
    title: "One cook, a queue, one thing at a time",
    config: { orders: 6, cooks: [{ name: "Koen", ms: 350 }] },
    stops: [
      {
        id: "queue-forms",
        title: "Orders queue up",
        find: (sim) => M.cookQueueForms(sim),
        say: (m) => [`${m.cook} is the only cook. Orders arrive faster than he cooks, so ${m.queue} already wait in his `, T("queue"), `. He is `, T("single-threaded"), `: he takes them one at a time, oldest first. Nothing is lost and nothing is done twice at once, but the waiting grows.`],
        point: (m) => ({ actor: m.cook }),
      },
      {
        id: "longest-queue",
        title: "The longest queue",
        find: (sim) => M.longestCookQueue(sim),
        say: (m) => [`The queue is longest here: ${m.queue} orders wait for ${m.cook}, who needs ${ms(m.ms)} per order. The last of them will wait at least ${ms(m.queue * m.ms)} more. One cook is the bottleneck; the Numbers panel's chart shows his queue over time.`],
        point: (m) => ({ actor: m.cook }),
      },
    ],
    tryThis: {
      text: "Open “Set up run…”, add a cook with “+ cook”, and start the run.",
      done: (app) => {
        const cooks = fullConfig(app).cooks ?? [];
        if (cooks.length < 2) return null;
        return `Now ${cooks.length} cooks share the orders. ${whenIdle(app, (s) => { const q = M.longestCookQueue(s); return q ? `The longest queue is ${q.queue} (${q.cook}).` : "No cook ever has a queue."; })}`;
      },
    },
  },
  {
    id: "dispatch",
    title: "Round robin, more fair, competing consumers",
    config: { orders: 12, queue_limit: 2, dispatch: "more-fair" },
    stops: [
      {
        id: "queue-limit",
        title: "A queue at its limit",
        find: (sim, cfg) => M.queueAtLimit(sim, cfg.queue_limit),
        say: (m) => [`The `, T("dispatcher"), ` hands each order to a cook. `, T("round robin", "Round robin"), ` would go strictly in turn; `, T("more fair", "more fair"), ` skips a cook whose queue has reached the `, T("queue limit"), ` (${m.limit} here). ${m.full.map((c) => `${c.name} has ${c.queue} waiting`).join(", ")}, so this order goes to ${m.to}, who had ${m.cooks.find((c) => c.name === m.to)?.queue ?? 0} waiting. With `, T("competing consumers"), ` the dispatcher keeps each order until a cook is idle, as if the cooks took turns at one shared queue.`],
        point: (m) => ({ actor: m.to }),
      },
    ],
    tryThis: {
      text: "In “Set up run…”, set Dispatch to round robin (or competing consumers) and start: compare who cooks how much.",
      done: (app) => {
        const d = fullConfig(app).dispatch;
        if (d === "more-fair") return null;
        return `Dispatch is now ${d}. ${whenIdle(app, (s) => `Orders per cook: ${Object.entries(s.report().per_cook).map(([k, v]) => `${k} ${v}`).join(", ")}.`)}`;
      },
    },
  },
  {
    id: "ttl",
    title: "Time to live",
    config: { orders: 10, cooks: [{ name: "Slow", ms: 2000 }], cook_timeout_ms: 10000 },
    stops: [
      {
        id: "expired",
        title: "An order refused",
        find: (sim) => M.firstOutput(sim, "OrderExpired"),
        say: (m, cfg, sim) => { const until = M.atEnd(sim, (s) => s.message(s.orderStream(m.view.correlation_id)[0].seq).payload.order.expires_at_ms); return [`The cook ${m.view.actor} got to order #${M.atEnd(sim, (s) => s.order(m.view.correlation_id).order)} at ${ms(m.view.at_ms)}, but its `, T("time to live"), ` ended at ${ms(until)}: the customer would not wait that long. So he refused it with OrderExpired instead of cooking it.`]; },
        point: (m) => ({ actor: m.view.actor, order: m.view.correlation_id }),
      },
      {
        id: "house-expired",
        title: "The house hears it",
        find: (sim) => M.firstHandled(sim, "house", "OrderExpired"),
        say: (m) => [`The order's `, T("process manager"), ` hears the OrderExpired and decides: ${m.view.outputs.map((o) => o.type).join(", ") || "nothing"}. An order past its time to live is not worth cooking any more, so it is given up instead of retried.`],
        point: (m) => ({ actor: m.view.actor, order: m.view.correlation_id }),
      },
    ],
    tryThis: {
      text: "Hire a second cook now, at this step (the button below), then play on: do fewer orders outlive their time to live?",
      button: "Hire a cook (600 ms)",
      act: (tour) => tour.hireCook(600),
      done: (app) => {
        const input = lastInput(app, (a) => a.type === "HireCook");
        const configured = new Set((fullConfig(app).cooks ?? []).map((c) => c.name));
        const hired = (app.call(() => M.atEndOfCopy(app.sim, (s) => s.actors()), []) ?? []).find((a) => a.kind === "cook" && !configured.has(a.name));
        if (!hired) return null;
        return `${hired.name} joined${input ? ` at step ${input.step}` : ""} and cooks in ${hired.ms} ms. ${whenIdle(app, (s) => `Now ${s.report().dropped_by_reason.expired} orders are given up as expired, ${s.report().completed} completed (the chapter's run without ${hired.name}: see Back).`)}`;
      },
    },
  },
  {
    id: "architecture",
    title: "Choreography, commands, and what pay first costs",
    config: { orders: 4, architecture: "choreography", dodgy: 0.5 },
    stops: [
      {
        id: "cook-hears",
        title: "Nobody told the cook",
        find: (sim) => M.firstHandled(sim, "cook", "OrderPlaced"),
        say: (m) => [`In `, T("choreography"), ` there is no one in charge: ${m.view.actor} simply hears the OrderPlaced `, T("event"), ` and cooks. Each worker reacts to the events it is subscribed to; the thin grey lines on the floor (“wiring”) are those subscriptions.`],
        point: (m) => ({ actor: m.view.actor }),
      },
      {
        id: "printer-food",
        title: "Pay first rewires the kitchen",
        find: (sim) => M.firstHandled(sim, "printer", "FoodCooked"),
        say: (m, cfg, sim) => { const w = M.atEnd(sim, (s) => s.wiring()); return [`For a `, T("dodgy"), ` customer the order of work changes (`, T("pay first"), `). With choreography that means rewiring workers: ${w.rewired_for_pay_first.join(", ")} listen to different events for such customers. Here the printer finishes the order on FoodCooked instead of OrderPaid. Every new flow touches several workers.`]; },
        point: (m) => ({ actor: m.view.actor, order: m.view.correlation_id }),
      },
    ],
    tryThis: {
      text: "In “Set up run…”, set Architecture to commands and start; then see what is rewired (the floor's title says).",
      done: (app) => {
        const a = fullConfig(app).architecture;
        if (a !== "commands" && a !== "process-manager") return null;
        const rewired = app.call(() => app.sim.wiring().rewired_for_pay_first, []) ?? [];
        return `Architecture: ${a}. Workers rewired for pay first: ${rewired.length ? rewired.join(", ") : "none — the process manager decides the order of the steps"}.`;
      },
    },
  },
  {
    id: "house",
    title: "The process manager and its house",
    config: { orders: 3 },
    stops: [
      {
        id: "pm-starts",
        title: "A process manager starts",
        find: (sim) => M.firstHandled(sim, "house", "OrderPlaced"),
        say: (m) => [`The `, T("house"), ` heard OrderPlaced and started a `, T("process manager"), ` for the order. It decided: ${m.view.outputs.map((o) => o.type).join(", ")}. From now on it alone sends the order's next `, T("command"), `s; the workers just answer.`],
        point: (m) => ({ actor: m.view.actor, order: m.view.correlation_id, tab: "pm" }),
      },
      {
        id: "most-live",
        title: "One per order",
        find: (sim) => M.mostLive(sim),
        say: (m, cfg) => [`${m.live} process managers are live in the house at once, one per order, ${cfg.house === "cached" ? "each kept between messages (house: cached)" : "each rebuilt for every message from its order's messages in the "}`, ...(cfg.house === "cached" ? [] : [T("event store")]), `. The inspector's Process manager tab shows one's state after each message.`],
        point: (m) => ({ actor: m.name, tab: "pm" }),
      },
    ],
    tryThis: {
      text: "Click the house on the floor to open its mailbox: the messages waiting for it.",
      done: (app) => {
        const house = (app.call(() => app.sim.actors(), []) ?? []).find((a) => a.kind === "house");
        if (!house || app.mailbox?.name !== house.name) return null;
        return `The house's mailbox is open: ${house.queue} message(s) wait there at step ${app.call(() => app.sim.currentStep(), 0)}.`;
      },
    },
  },
  {
    id: "faults",
    title: "Lost and duplicated messages, alarms and retries",
    config: { orders: 6, drop: 0.2, duplicate: 0.2 },
    stops: [
      {
        id: "lost",
        title: "A delivery is lost",
        find: (sim) => M.firstLoss(sim),
        say: (m) => [`${m.message.type} for order #${m.message.order} never reached ${m.fault.actor}: a `, T("lost delivery"), `. Nobody notices now — no error comes back. Only the `, T("alarm clock", "alarm"), ` the process manager set will.`],
        point: (m) => ({ actor: m.fault.actor, seq: m.message.seq, order: m.message.correlation_id, tab: "faults" }),
      },
      {
        id: "retry",
        title: "The alarm rings: a retry",
        find: (sim) => { const m = M.firstLoss(sim); return m?.retry ? { ...m, step: m.retry.step } : null; },
        say: (m) => [`At ${ms(m.retry.at_ms)} the alarm set when ${m.message.type} was sent rings: StepTimedOut (a `, T("timeout"), `). The process manager had no answer, so it sends ${m.message.type} again: a `, T("retry"), ` (${m.retry.outputs.map((o) => o.type).join(", ")}). The order recovers from the loss.`],
        point: (m) => ({ actor: m.retry.actor, order: m.message.correlation_id, tab: "pm" }),
      },
      {
        id: "rejected",
        title: "A duplicate rejected",
        find: (sim) => M.firstRejectedDuplicate(sim),
        say: (m) => [`${m.rejected ? `${m.rejected.type} (seq ${m.rejected.seq}, order #${m.rejected.order})` : "A message"} reached the house's process manager, which had already heard that answer: a `, T("duplicate"), ` (a cashier or cook that got its command twice answers twice). It does not act twice; it decides MessageRejected (`, T("rejected"), `, reason: ${m.reason}), published at step ${m.output.published_step ?? "a coming step"}.`],
        point: (m) => ({ actor: m.view.actor, order: m.view.correlation_id, seq: m.view.seq }),
      },
    ],
    tryThis: {
      text: "Lose a message yourself: the button below drops the first message waiting for a worker now.",
      button: "Drop a waiting message",
      act: (tour) => tour.dropWaiting(),
      done: (app) => {
        const faults = app.call(() => app.sim.faults(), []) ?? [];
        const mine = faults.find((f) => f.manual && f.fault === "drop");
        if (!mine) return null;
        const m = app.call(() => app.sim.message(mine.seq));
        return `You dropped ${m?.type} (seq ${mine.seq}) on its way to ${mine.actor}. Play on: the order's alarm will ring and the process manager will retry.`;
      },
    },
  },
  {
    id: "pay-first",
    title: "Dodgy customers, pay first, refunds",
    config: { orders: 4, dodgy: 1, cooks: [{ name: "Slow", ms: 2000 }] },
    stops: [
      {
        id: "paid-first",
        title: "Paid before cooking",
        find: (sim) => M.firstHandled(sim, "cashier", "TakePayment"),
        say: (m, cfg, sim) => { const o = M.atEnd(sim, (s) => s.order(m.view.correlation_id)); return [`Order #${o.order} is a `, T("dodgy"), ` customer's: its process is `, T("pay first"), ` (${o.definition} v${o.version}). The cashier takes the money before any food is cooked.`]; },
        point: (m) => ({ actor: m.view.actor, order: m.view.correlation_id, tab: "pm" }),
      },
      {
        id: "refunded",
        title: "A paid order refunded",
        find: (sim) => M.firstRefund(sim),
        say: (m) => [`Order #${m.order.order} was paid first (${m.paid?.summary ?? "paid"}), but the kitchen failed it (${m.dropped?.summary ?? "dropped"}). So its process manager sent RefundPayment, and the cashier is giving the money back: PaymentRefunded (a `, T("refund"), `), published when its work is done.`],
        point: (m) => ({ actor: m.view.actor, order: m.view.correlation_id, tab: "seq" }),
      },
    ],
    tryThis: {
      text: "Tick “dodgy” next to Place order, then place an order.",
      done: (app) => {
        if (!lastInput(app, (a) => a.type === "PlaceOrder" && a.dodgy)) return null;
        const orders = app.call(() => app.sim.orders(), []) ?? [];
        const last = [...orders].reverse().find((o) => o.dodgy);
        return last ? `Your order #${last.order} runs as ${last.definition} v${last.version}: price, pay, then cook.` : "Dodgy order placed.";
      },
    },
  },
  {
    id: "versions",
    title: "Versions, and replaying history under another one",
    config: { orders: 8, drop: 0.2, interval_ms: 150 },
    stops: [
      {
        id: "version-diff",
        title: "A decision v1 would not make",
        find: (sim) => M.versionDifference(sim),
        say: (m) => [`Order #${m.order.order} runs as ${m.order.definition} v${m.order.version} (`, T("version"), `). Here it heard ${m.message.type} (${m.message.summary}) and decided ${m.history.outputs.map((o) => o.type).join(", ")}. `, T("replay", "Replayed"), ` as v${m.other} from the same stored messages, the process manager would decide ${m.diff.decided.map((d) => `${d.type} (${d.summary})`).join(", ")} instead. An order keeps the version it started with, unless a person moves it (a migration), which the house allows only when the other version would have decided the order's past the same way: the past cannot change.`],
        point: (m) => ({ actor: m.history.actor, order: m.order.correlation_id, tab: "pm", el: "#replay-version" }),
      },
    ],
    tryThis: {
      text: "In the inspector (Process manager tab), set version to the other one: replay this order as v1.",
      done: (app) => {
        if (!app.selected) return null;
        const order = app.call(() => app.sim.order(app.selected));
        const v = Number(document.querySelector("#replay-version")?.value);
        const d = document.querySelector("#replay-definition")?.value;
        if (!order || v === order.version) return null;
        const replay = app.call(() => app.sim.replay(order.correlation_id, d, v));
        const differ = (replay?.steps ?? []).filter((x) => !x.same_as_history).length;
        const live = order.status === "in-progress" ? ` Above the table: whether it could move to v${v} now (a migration), and why not.` : "";
        return `Order #${order.order} replayed as ${d} v${v}: ${differ} of ${replay?.steps.length ?? 0} decisions differ from what v${order.version} did (marked in the table).${live}`;
      },
    },
  },
  {
    id: "idempotent",
    title: "Deterministic ids and the idempotent store",
    config: { orders: 6, duplicate: 0.3, idempotent_store: true },
    stops: [
      {
        id: "duplicate",
        title: "A delivery arrives twice",
        find: (sim) => M.firstDuplicate(sim),
        say: (m) => [`${m.message.type} (seq ${m.message.seq}, order #${m.message.order}) reached ${m.fault.actor} twice (a `, T("duplicate"), `). ${m.fault.actor} does the work again and answers again. With a `, T("deterministic id"), ` the second answer gets the same id as the first.`],
        point: (m) => ({ actor: m.fault.actor, seq: m.message.seq, order: m.message.correlation_id }),
      },
      {
        id: "absorbed",
        title: "The store absorbs it",
        find: (sim) => M.firstAbsorbed(sim),
        say: (m, cfg, sim) => [`${m.view.actor} cooked the duplicate copy and answered ${m.output.type} again. Its id is computed from what it answers, so it equals the first answer's id, which the `, T("idempotent store"), ` already holds, so it is `, T("absorbed"), `: not appended, nobody hears it twice. This run absorbs ${M.atEnd(sim, (s) => s.report().absorbed)} messages in all.`],
        point: (m) => ({ actor: m.view.actor, order: m.view.correlation_id }),
      },
    ],
    tryThis: {
      text: "In “Set up run…”, untick Idempotent store and start: the duplicates now reach the process managers.",
      done: (app) => {
        if (fullConfig(app).idempotent_store !== false) return null;
        return `The store now appends every message. ${whenIdle(app, (s) => { const r = s.report(); return `Absorbed: ${r.absorbed}; rejected by process managers: ${r.rejected}.`; })}`;
      },
    },
  },
  {
    id: "throughput",
    title: "Throughput and queue length",
    intro: "A rush hour: orders come in rushes of eight and each dish takes its own time. Watch a cook's queue next to how many orders per second he gets through: in Numbers, “throughput ▸” puts the table beside the queue chart.",
    config: { orders: 24, interval_ms: 250, arrivals: "rush", rush_size: 8, cooking: "by-dish", cook_jitter: 0.2 },
    stops: [
      {
        id: "swelling-queue",
        title: "A queue swells",
        find: (sim) => M.swellingQueue(sim),
        say: (m) => [`A rush of orders has just arrived: ${m.queue} orders wait for ${m.cook}, his longest `, T("queue"), ` of the run. Up to here he has taken ${m.then.taken} messages, ${m.then.per_second.toFixed(2)} per second (his `, T("throughput"), `), and worked ${Math.round(100 * m.then.utilisation)} % of the time. A queue grows while orders arrive faster than its worker takes them, whatever he does: he is as busy as he can be. Over the whole run he takes ${m.whole.per_second.toFixed(2)} per second and a message waits ${(m.whole.mean_wait_ms / 1000).toFixed(2)} s for him on average; `, T("little's law", "Little's law"), `: ${m.whole.per_second.toFixed(2)} × ${(m.whole.mean_wait_ms / 1000).toFixed(2)} s ≈ ${m.whole.mean_queue.toFixed(2)}, his mean queue. Load is never uniform: the queue swells after each rush and drains before the next.`],
        point: (m) => ({ actor: m.cook, el: globalThis.matchMedia?.("(min-width: 901px)")?.matches ? "[data-testid=show-load]" : "#load" }),
      },
    ],
    tryThis: {
      text: "In “Set up run…”, set Dispatch to competing consumers (or round robin, or prefer first) and start: does the longest queue shrink, and who takes how many per second?",
      done: (app) => {
        const d = fullConfig(app).dispatch;
        if (d === "more-fair") return null;
        return `Dispatch is now ${d}. ${whenIdle(app, (s) => { const q = M.swellingQueue(s); const load = s.report().load ?? {}; const cooks = s.actors().filter((a) => a.kind === "cook").map((a) => `${a.name} ${(load[a.name]?.per_second ?? 0).toFixed(2)}/s`); return `${q ? `The longest cook queue is ${q.queue} (${q.cook}).` : "No cook ever has a queue."} Per second: ${cooks.join(", ")}.`; })}`;
      },
    },
  },
  {
    id: "bounded",
    title: "Bounded queues and back-pressure",
    intro: "The same rush hour, but every cook's mailbox holds at most two orders: a queue should always be bound. When one is full, something must give: here the oldest waiting order is shed (drop-oldest); with block, the producer waits instead, and the waiter turns customers away at the door.",
    config: { orders: 24, interval_ms: 250, arrivals: "rush", rush_size: 8, cooking: "by-dish", cook_jitter: 0.2, mailbox_limits: { cook: { max: 2, policy: "drop-oldest" } } },
    stops: [
      {
        id: "shed",
        title: "A full mailbox sheds",
        find: (sim) => M.firstShed(sim),
        say: (m) => [`${m.fault.actor}'s mailbox already held ${m.queue} when another order came: its bound is 2 and its policy drop-oldest, so the oldest waiting message, ${m.message.type} of order #${m.message.order}, is shed (a fault, counted in the report as shed). Nothing else remembers it: `,
          ...(m.retry ? [`its process manager's `, T("timeout"), ` ran out and it asked again at step ${m.retry.step}, as for a lost delivery. A bound turns an ever longer wait into a failure the process manager already knows how to recover from.`] : ["its order's process manager will notice when its timeout runs out."])],
        point: (m) => ({ actor: m.fault.actor, order: m.message.correlation_id, tab: "faults" }),
      },
    ],
    tryThis: {
      text: "In “Set up run…” → Timeouts, retries and other times, change the mailbox limits to cook=1:block and start: nothing is shed any more; instead the waiter refuses customers at the door while a cook's mailbox is full (back-pressure).",
      done: (app) => {
        const limits = fullConfig(app).mailbox_limits ?? {};
        if (!Object.values(limits).some((l) => l.policy === "block")) return null;
        return `A blocking bound now. ${whenIdle(app, (s) => { const r = s.report(); return `Refused at the door: ${r.refused_at_door ?? 0}; shed: ${r.shed ?? 0}; completed ${r.completed} of ${r.orders} orders that came in. The producer waits, and the wait travels up to the door.`; })}`;
      },
    },
  },
  {
    id: "poison",
    title: "Poison messages and the dead-letter queue",
    intro: "Nobody in this kitchen can cook guacamole: every CookFood of an order with it makes the cook's handler fail. A message that fails every time is a poison message. Tried for ever, it would block its worker's mailbox; dropped, nobody would know. So it is tried a few times and then set aside in a dead-letter queue, an actor on the floor of its own, for a person to read.",
    config: { orders: 4, poison_dish: "guacamole" },
    stops: [
      {
        id: "dead-lettered",
        title: "A message set aside",
        find: (sim) => M.firstDeadLetter(sim),
        say: (m, cfg) => [`${m.fault.actor} failed on ${m.message.type} of order #${m.message.order} ${m.tries} times: no cook can cook ${cfg.poison_dish}. It was tried again at once ${cfg.poison_retries ?? 2} times (Tries before dead letter), then moved to the `, T("dead-letter queue"), ` with `, `${m.letter?.type ?? "MessageDeadLettered"}`, ` (reason ${m.letter?.payload?.reason ?? "cannot-cook"}, ${m.letter?.payload?.attempts ?? m.tries} tries). ${m.fault.actor}'s mailbox is free for the other orders again. Click the dead letters' box on the floor: its mailbox is the queue, and each dead letter says who failed on it and why.`],
        point: (m) => ({ actor: "dead letters", seq: m.letter?.seq ?? m.message.seq, order: m.message.correlation_id, tab: "faults" }),
      },
      {
        id: "poison-order-ends",
        title: "The order still ends",
        find: (sim) => M.deadLetteredOrderEnds(sim),
        say: (m) => [`Order #${m.message.order} ends here with ${m.end.type}. Its process manager never heard that the cook failed: its `, T("timeout"), ` ran out, it asked again (another cook failed too) and then it ended the order. A dead letter is set aside, not forgotten: the process manager still ends every order exactly once.`],
        point: (m) => ({ order: m.message.correlation_id, seq: m.end.seq, tab: "pm" }),
      },
    ],
    tryThis: {
      text: "Click the dead letters' box on the floor and press ↻ re-deliver on a dead letter: it goes back to the cook who failed on it. (Or, in “Set up run…” → Crashes, poison messages and refunds, change Tries before dead letter and start.)",
      done: (app) => {
        const cfg = fullConfig(app);
        const redelivered = lastInput(app, (a) => a.type === "RedeliverMessage");
        if (redelivered) {
          const m = app.call(() => app.sim.message(redelivered.action?.seq ?? redelivered.seq));
          return `You re-delivered ${m?.type ?? "a dead letter"} of order #${m?.order ?? "?"}. ${whenIdle(app, (s) => { const r = s.report(); return `Re-delivered: ${r.redelivered ?? 0}; dead-lettered in all: ${r.dead_lettered ?? 0}. ${cfg.poison_dish ? `Nobody can cook ${cfg.poison_dish} yet, so it failed again and came back: re-deliver once the cause is fixed.` : ""}`; })}`;
        }
        if ((cfg.poison_retries ?? 2) !== 2) {
          return `Tries before dead letter: ${cfg.poison_retries}. ${whenIdle(app, (s) => { const r = s.report(); return `Failed tries: ${r.failed ?? 0}; dead-lettered: ${r.dead_lettered ?? 0}. More tries cost more time on a message that never works; fewer set aside one that only failed once by chance.`; })}`;
        }
        return null;
      },
    },
  },
  {
    id: "crashes",
    title: "Crashes: the cached house, and who watches the alarm clock",
    intro: "At step 8 three actors crash at once: the house, Koen and the alarm clock. A crash loses what an actor holds in memory. This house is cached: it keeps each order's process manager in memory. An event-sourced house reads it back from the store for every message, so a crash loses nothing it needs.",
    config: { orders: 3, house: "cached" },
    inputs: [
      { step: 8, action: { type: "Crash", actor: "house" } },
      { step: 8, action: { type: "Crash", actor: "Koen" } },
      { step: 8, action: { type: "Crash", actor: "alarm clock" } },
    ],
    stops: [
      {
        id: "crash",
        title: "Three actors crash",
        find: (sim) => M.firstCrash(sim),
        say: (m) => {
          const house = m.actors.find((a) => a.live !== undefined);
          const by = (kind) => m.lost.filter((f) => m.actors.find((a) => a.name === f.actor)?.kind === kind).length;
          const names = m.who.map((n) => (m.actors.find((a) => a.name === n)?.kind === "cook" ? n : `the ${n}`));
          const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
          const who = `${names.slice(0, -1).join(", ")}${names.length > 1 ? " and " : ""}${names.at(-1)}`;
          return [`${who[0].toUpperCase()}${who.slice(1)} crashed: each box says “down until” it restarts. Koen lost ${count(by("cook"), "message", "messages")} he held: his mailbox is not `, T("durable"), `. The alarm clock lost ${count(by("alarm-clock"), "alarm", "alarms")}: it kept them in memory. The house lost its ${house?.live ?? 0} cached process managers, but nothing is lost for good: they are `, T("event sourcing", "event-sourced"), `, so the house reads each one back from the store at its order's next message (the report counts them as rebuilt).`];
        },
        point: (m) => ({ actor: "alarm clock", tab: "faults" }),
      },
      {
        id: "stuck",
        title: "An order that never ends",
        find: (sim) => M.stuckAfterCrash(sim),
        say: (m) => [`The run is over and order #${m.order.order} never ended: ${m.work.length ? `its ${m.work.map((x) => x.type).join(" and ")} was lost with ${m.crash.who.find((n) => m.crash.actors.find((a) => a.name === n)?.kind === "cook") ?? "the cook"}'s mailbox` : "a message of it was lost in the crash"}, and the alarm that would have asked again was lost with the alarm clock (${m.clock} ${m.clock === 1 ? "alarm" : "alarms"} in all). The process manager waits for an answer that cannot come and a `, T("timeout"), ` that will never ring. Who watches the watcher? The other orders completed: the cached house rebuilt their process managers from the store.`],
        point: (m) => ({ order: m.order.correlation_id, tab: "pm" }),
      },
    ],
    tryThis: {
      text: "Run the same crashes with durable timers: the alarm clock keeps its alarms in the store, and rings what fell due when it is back.",
      button: "Crash again, with durable timers",
      act: (tour) => tour.rerunWith({ durable_timers: true }),
      done: (app) => {
        if (!fullConfig(app).durable_timers) return null;
        return `Durable timers now. ${whenIdle(app, (s) => { const r = s.report(); return `Crashes: ${r.crashes ?? 0}; lost in them: ${r.lost_in_crashes ?? 0}; completed ${r.completed} of ${r.orders}, never ended ${(r.stuck ?? 0) + r.in_progress}. The alarm rang after the restart, the process manager asked again, and the order ended.`; })}`;
      },
    },
  },
];
