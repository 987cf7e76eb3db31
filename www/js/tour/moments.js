// The moments a tour stops at, found by reading the run through the facade (never by fixed
// step numbers). Each finder takes a reader: a private copy of the run (engine.js copyRun),
// never the page's Simulation, so what a finder reads at a step moves only the copy's
// cursor, not the one every view shows. Where a moment happens is asked of the engine on
// the known run (momentStep, publishingStep, faults), not found by reading every step.
// Each returns { step, ... } (the step at which the thing has happened) or null when the
// run has no such moment.

import { words, copyRun, guard } from "../engine.js";

/** Whether an actor is of a staffed role (a cook), by the engine's words. */
const staffed = (a) => words().staffed(a.kind);
/** Whether an actor is the house: the role that starts an order's process. */
const isHouse = (kind) => words().sendersOf("started").includes(kind);

/** fn(copy) on a private copy of `sim` read at the end of its known run (the page's cursor stays). */
export function atEndOfCopy(sim, fn) {
  const copy = copyRun(sim);
  try {
    return atEnd(copy, fn);
  } finally {
    guard(() => copy.free());
  }
}

/** The StepView of step `step` of the reader, read at the end of its run (its outputs' places known). */
function stepView(sim, step) {
  return atEnd(sim, (s) => s.steps(step, step + 1)[0]) ?? null;
}

/** Every StepView of the reader's frontier (its cursor is put back). */
export function allSteps(sim) {
  const at = sim.currentStep();
  const total = sim.totalSteps();
  sim.seek(total);
  try {
    return sim.steps(1, total + 1);
  } finally {
    sim.seek(at);
  }
}

/** The value of fn(sim) with the reader's cursor at `step` (put back after). */
export function atStep(sim, step, fn) {
  const at = sim.currentStep();
  sim.seek(step);
  try {
    return fn(sim);
  } finally {
    sim.seek(at);
  }
}

/** Read at the end of the frontier. */
export function atEnd(sim, fn) {
  return atStep(sim, sim.totalSteps(), fn);
}

/** The step that published message `seq` (the engine's run index). */
export function publishedAt(sim, seq) {
  return sim.publishingStep(seq) ?? null;
}

/** The first message in the history, at the step it entered it. */
export function firstMessage(sim) {
  const step = publishedAt(sim, 0);
  if (step === null) return null;
  return { step, message: atEnd(sim, (s) => s.message(0)) };
}

/**
 * The first message caused by the first one (its causation id is the first one's id), at
 * the step that decided it: the delivery of the first message to the handler that answered.
 * `message.published_step`: the later step at which the answer entered the history.
 */
export function firstAnswer(sim) {
  const first = atEnd(sim, (s) => s.messages(0, 1)[0]);
  if (!first) return null;
  const answer = atEnd(sim, (s) => s.messages(0, s.messageCount()).find((m) => m.causation_id === first.id));
  if (!answer) return null;
  const decider = allSteps(sim).find((s) => s.seq === first.seq && s.outputs.some((o) => o.type === answer.type));
  if (!decider) return null;
  return { step: decider.step, decider, message: { ...answer, published_step: publishedAt(sim, answer.seq) }, cause: first };
}

/** The step at which one cook's queue is longest (the first such step), and that length. */
export function longestCookQueue(sim) {
  let best = null;
  const total = sim.totalSteps();
  for (let step = 1; step <= total; step++) {
    const cooks = atStep(sim, step, (s) => s.actors().filter(staffed));
    for (const cook of cooks) {
      if (!best || cook.queue > best.queue) best = { step, cook: cook.name, queue: cook.queue, ms: cook.ms };
    }
  }
  return best && best.queue > 0 ? best : null;
}

/**
 * The longest cook queue (as longestCookQueue) with that cook's throughput up to that step
 * and over the whole run (the report's load: taken, per_second, utilisation, mean_queue,
 * mean_wait_ms), and the length of the same cook's queue at the end of the run.
 */
export function swellingQueue(sim) {
  const peak = longestCookQueue(sim);
  if (!peak) return null;
  const then = atStep(sim, peak.step, (s) => s.report().load?.[peak.cook]);
  const whole = atEnd(sim, (s) => s.report().load?.[peak.cook]);
  if (!then || !whole) return null;
  return { ...peak, then, whole };
}

/** The first step at which a cook has at least two orders waiting in its queue. */
export function cookQueueForms(sim) {
  const total = sim.totalSteps();
  for (let step = 1; step <= total; step++) {
    const cook = atStep(sim, step, (s) => s.actors().find((a) => staffed(a) && a.queue >= 2));
    if (cook) return { step, cook: cook.name, queue: cook.queue, handled: cook.handled };
  }
  return null;
}

/**
 * More fair: the first dispatch made while a cook's queue was at the queue limit (that cook
 * was skipped). `limit` is the run's queue_limit.
 */
export function queueAtLimit(sim, limit) {
  for (const s of allSteps(sim)) {
    const handed = s.outputs.find((o) => o.status === "handed");
    if (!handed) continue;
    const cooks = atStep(sim, s.step - 1, (x) => x.actors().filter(staffed));
    const full = cooks.filter((c) => c.queue >= limit && c.name !== handed.to);
    if (full.length) return { step: s.step, to: handed.to, full, cooks, limit };
  }
  return null;
}

/** The first step that decides a message of `type` (one that passes `extra`, if given). */
export function firstOutput(sim, type, extra = () => true) {
  for (let step = sim.momentStep("decided", type, undefined, 0); step !== undefined; step = sim.momentStep("decided", type, undefined, step)) {
    const s = stepView(sim, step);
    if (s?.outputs.some((o) => o.type === type && extra(o, s))) return { step, view: s, output: s.outputs.find((o) => o.type === type) };
  }
  return null;
}

/** The first step at which an actor of role `actorKind` handles a message of `type`. */
export function firstHandled(sim, actorKind, type, extra = () => true) {
  for (let step = sim.momentStep("handled", type, actorKind, 0); step !== undefined; step = sim.momentStep("handled", type, actorKind, step)) {
    const s = stepView(sim, step);
    if (s && extra(s)) return { step, view: s };
  }
  return null;
}

/** The first delivery lost (faults() kind "drop"), then the timeout and the retry for it. */
export function firstLoss(sim) {
  const fault = atEnd(sim, (s) => s.faults()).find((f) => f.fault === "drop");
  if (!fault) return null;
  const message = atEnd(sim, (s) => s.message(fault.seq));
  const steps = allSteps(sim);
  const after = steps.filter((s) => s.step > fault.step && s.correlation_id === message.correlation_id && isHouse(s.actor_kind));
  const timeout = after.find((s) => words().is(s.type, "timeout"));
  const retry = after.find((s) => words().is(s.type, "timeout") && s.outputs.some((o) => o.type === message.type));
  return { step: fault.step, fault, message, timeout: timeout ?? null, retry: retry ?? null };
}

/**
 * The first message shed at a full bounded mailbox (faults() kind "shed"): the message, its
 * worker's queue just before (the bound it hit), and the retry that recovered its order.
 */
export function firstShed(sim) {
  const fault = atEnd(sim, (s) => s.faults()).find((f) => f.fault === "shed");
  if (!fault) return null;
  const message = atEnd(sim, (s) => s.message(fault.seq));
  const queue = atStep(sim, Math.max(0, fault.step - 1), (s) => s.actors().find((a) => a.name === fault.actor)?.queue ?? 0);
  const retry = allSteps(sim).find((s) => s.step > fault.step && s.correlation_id === message.correlation_id &&
    isHouse(s.actor_kind) && words().is(s.type, "timeout") && s.outputs.some((o) => o.type === message.type));
  return { step: fault.step, fault, message, queue, retry: retry ?? null };
}

/** The first MessageRejected with reason "duplicate" (else the first of any reason). */
export function firstRejectedDuplicate(sim) {
  const reasonOf = (o) => (o.seq === null ? null : atEnd(sim, (s) => s.message(o.seq).payload.reason));
  const rejectedType = words().typeMeaning("rejected");
  const found = firstOutput(sim, rejectedType, (o) => reasonOf(o) === "duplicate") ?? firstOutput(sim, rejectedType);
  if (!found) return null;
  const rejected = found.view.seq === null ? null : atEnd(sim, (s) => s.message(found.view.seq));
  return { ...found, rejected, reason: reasonOf(found.output), duplicate: found.view.duplicate };
}

/** A paid order refunded: the step the cashier published PaymentRefunded's decision. */
export function firstRefund(sim) {
  const w = words();
  const found = firstOutput(sim, w.typeMeaning("done", "refund"));
  if (!found) return null;
  const order = atEnd(sim, (s) => s.order(found.view.correlation_id));
  const stream = atEnd(sim, (s) => s.orderStream(found.view.correlation_id));
  return { ...found, order, paid: stream.find((m) => w.is(m.type, "done", "pay")), dropped: stream.find((m) => w.is(m.type, "dropped")) };
}

/** The first order whose replay under the other version decides differently somewhere. */
export function versionDifference(sim) {
  const orders = atEnd(sim, (s) => s.orders());
  for (const order of orders) {
    const other = order.version === 2 ? 1 : 2;
    const replay = atEnd(sim, (s) => s.replay(order.correlation_id, order.definition, other));
    const diff = replay.steps.find((x) => !x.same_as_history);
    if (!diff) continue;
    const deliveries = atEnd(sim, (s) => s.deliveries(diff.seq)).filter((d) => d.actor === houseName(sim));
    if (!deliveries.length) continue;
    const history = atEnd(sim, (s) => s.steps(deliveries[0].step, deliveries[0].step + 1)[0]);
    return { step: deliveries[0].step, order, other, diff, history, message: atEnd(sim, (s) => s.message(diff.seq)) };
  }
  return null;
}

function houseName(sim) {
  return atEnd(sim, (s) => s.actors().find((a) => isHouse(a.kind))?.name);
}

/** The first duplicate delivery, then the first output absorbed by the idempotent store. */
export function firstAbsorbed(sim) {
  const step = sim.momentStep("absorbed");
  const s = step === undefined ? null : stepView(sim, step);
  if (!s) return null;
  return { step, view: s, output: s.outputs.find((o) => o.status === "absorbed") };
}

/** The first duplicated delivery (faults() kind "duplicate"). */
export function firstDuplicate(sim) {
  const fault = atEnd(sim, (s) => s.faults()).find((f) => f.fault === "duplicate");
  if (!fault) return null;
  return { step: fault.step, fault, message: atEnd(sim, (s) => s.message(fault.seq)) };
}

/** The step at which the house holds the most live process managers (the first such). */
export function mostLive(sim) {
  let best = null;
  const total = sim.totalSteps();
  for (let step = 1; step <= total; step++) {
    const house = atStep(sim, step, (s) => s.actors().find((a) => isHouse(a.kind)));
    if (house && (!best || (house.live ?? 0) > best.live)) best = { step, live: house.live ?? 0, name: house.name };
  }
  return best;
}

/**
 * The first message moved to the dead-letter queue (faults() kind "dead-lettered"): the
 * message, the MessageDeadLettered its worker published (worker, reason, tries), and the
 * step at which its order ended (null if it did not).
 */
export function firstDeadLetter(sim) {
  const fault = atEnd(sim, (s) => s.faults()).find((f) => f.fault === "dead-lettered");
  if (!fault) return null;
  const w = words();
  const message = atEnd(sim, (s) => s.message(fault.seq));
  const stream = atEnd(sim, (s) => s.orderStream(message.correlation_id));
  const said = stream.find((m) => w.is(m.type, "dead-lettered") && m.causation_id === message.id);
  const letter = said ? atEnd(sim, (s) => s.message(said.seq)) : null;
  const tries = atEnd(sim, (s) => s.faults()).filter((f) => f.fault === "failed" && f.seq === fault.seq && f.step <= fault.step).length;
  const end = stream.find((m) => w.terminal(m.type));
  return { step: fault.step, fault, message, letter, tries, end: end ?? null, endStep: end ? publishedAt(sim, end.seq) : null };
}

/** The step at which the order of the first dead letter ends (its terminal event published). */
export function deadLetteredOrderEnds(sim) {
  const first = firstDeadLetter(sim);
  if (!first?.end || first.endStep === null) return null;
  return { ...first, step: first.endStep };
}

/**
 * The first step at which actors crashed by hand (faults() kind "crash", else the first
 * Crash input): who crashed, what each lost, and the house's live process managers then.
 */
export function firstCrash(sim) {
  const inputs = sim.inputs().filter((i) => (i.action ?? i).type === "Crash");
  if (!inputs.length) return null;
  const step = inputs[0].step;
  const who = inputs.filter((i) => i.step === step).map((i) => (i.action ?? i).actor);
  const lost = atEnd(sim, (s) => s.faults()).filter((f) => f.fault === "crash" && f.step === step);
  const types = lost.map((f) => atEnd(sim, (s) => s.message(f.seq)));
  const before = atStep(sim, step, (s) => s.actors());
  return { step, who, lost, types, actors: before };
}

/**
 * The run's end when an order never ended after a crash: the order still in progress, the
 * messages of it lost in the crash, and whether the alarm clock lost alarms.
 */
export function stuckAfterCrash(sim) {
  const crash = firstCrash(sim);
  if (!crash) return null;
  const total = sim.totalSteps();
  const report = atEnd(sim, (s) => s.report());
  // at the end of the run an order that never ended is `stuck` (in progress while it runs)
  if (!((report.stuck ?? 0) + report.in_progress > 0)) return null;
  const orders = atEnd(sim, (s) => s.orders());
  const stuck = orders.find((o) => o.status === "in-progress");
  if (!stuck) return null;
  const clock = crash.lost.filter((f) => words().receiversOf("alarm").includes(crash.actors.find((a) => a.name === f.actor)?.kind)).length;
  // what of the stuck order a worker lost (its alarms are counted in `clock`)
  const kindOf = (name) => crash.actors.find((a) => a.name === name)?.kind;
  const work = crash.lost.map((f, i) => [f, crash.types[i]])
    .filter(([f, m]) => m?.correlation_id === stuck.correlation_id && !words().receiversOf("alarm").includes(kindOf(f.actor))).map(([, m]) => m);
  return { step: total, crash, report, order: stuck, clock, work };
}
