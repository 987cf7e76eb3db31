// The floor's step caption, written from what the executor recorded for the step
// (StepView.outputs): what was delivered to whom, and what the handler decided — and,
// apart from deciding, when each decision is published (a later step: its
// `published_step`), held until a later time, absorbed by the idempotent store, or
// handed to a cook.

import { el, formatMs, formatInt } from "./dom.js";
import { words } from "./engine.js";

/** Whether actors of `role` hold messages until they are due (the alarm clock), by what it receives. */
const holds = (role) => words()?.receiversOf("alarm").includes(role) ?? false;

/**
 * When decided outputs enter the history: "published at step N" (or "at steps N, M"),
 * "published at this step", or "published in a coming step" while the run computed so far
 * has not published them. `step`: the deciding step's number.
 */
export function publishedWhen(outputs, step) {
  const steps = [...new Set(outputs.map((o) => o.published_step ?? null))];
  const known = steps.filter((s) => s !== null).sort((a, b) => a - b);
  if (!known.length) return "published in a coming step";
  if (known.length === 1 && known[0] === step && steps.length === 1) return "published at this step";
  const words = `published at step${known.length > 1 ? "s" : ""} ${known.map(formatInt).join(", ")}`;
  return steps.includes(null) ? `${words}, the rest in a coming step` : words;
}

/** `n` things of a type: "StepTimedOut" or "StepTimedOut ×18"; some events say what they mean. */
function counted(type, n) {
  const text = n > 1 ? `${type} ×${n}` : type;
  const w = words();
  if (w?.is(type, "escalated")) return `${text} (refund handed to a person)`;
  if (w?.is(type, "dead-lettered")) return `${text} (set aside in the dead-letter queue)`;
  if (w?.is(type, "migrated")) return `${text} (the order moved to another version)`;
  return text;
}

/** Faults with which an actor takes a message without handling it (issue 23). */
const TAKEN_ONLY = new Set(["crash", "failed", "recognised"]);

/** The step's outputs grouped by what became of them, in the order they were decided. */
export function outputGroups(step) {
  const now = step.at_ms;
  const groups = { handed: [], absorbed: [], now: [], later: [] };
  for (const o of step.outputs ?? []) {
    if (o.status === "handed") groups.handed.push(o);
    else if (o.status === "absorbed") groups.absorbed.push(o);
    else if (o.at_ms > now) groups.later.push(o);
    else groups.now.push(o);
  }
  return groups;
}

/** Types in first-seen order with their counts. */
function byType(outputs) {
  const map = new Map();
  for (const o of outputs) map.set(o.type, (map.get(o.type) ?? 0) + 1);
  return [...map];
}

/** One output in words (`kind`: the deciding actor's), for the message pane. */
export function describeOutput(o, stepAt, kind) {
  if (o.status === "handed") return `${o.type} handed to ${o.to}`;
  if (o.status === "absorbed") return `${o.type} absorbed by the idempotent store (its id was already stored)`;
  if (o.at_ms > stepAt && !holds(kind)) return `${o.type} at ${formatMs(o.at_ms)}, when the work is done${o.status === "pending" ? " (not published yet at this step)" : ""}`;
  if (o.at_ms > stepAt) return `${o.type} held until ${formatMs(o.at_ms)}${o.status === "pending" ? " (not published yet at this step)" : ""}`;
  if (o.status === "pending") return `${o.type} (${o.published_step ? `published at step ${formatInt(o.published_step)}` : "published in a coming step"})`;
  return `${o.type} published at ${formatMs(o.at_ms)}${o.published_step ? ` (step ${formatInt(o.published_step)})` : ""}`;
}

/**
 * The caption's parts after "Step N at T: ": who handled what, from whom, and what it decided.
 * `ctx`: { publisher, order, kindChip } (`publisher` null for inputs and the tail).
 */
export function captionParts(step, ctx) {
  const parts = [];
  const mono = (text) => el("span", { class: "mono", text });
  const g = outputGroups(step);
  if (step.kind === "tail") {
    const outs = step.outputs ?? [];
    const times = outs.map((o) => o.at_ms);
    const span = times.length ? (Math.min(...times) === Math.max(...times) ? ` at ${formatMs(times[0])}` : ` from ${formatMs(Math.min(...times))} to ${formatMs(Math.max(...times))}`) : "";
    parts.push(el("strong", { text: "the run's tail" }), ": after the last delivery, ", mono(step.actor),
      ` published ${byType(outs).map(([t, n]) => counted(t, n)).join(", ") || "nothing more"}${span}. `,
      "Nobody receives them: no worker or process manager is waiting for them any more.");
    return parts;
  }
  if (step.kind === "input") {
    parts.push(mono(step.actor), " took an order");
  } else if (g.handed.length) {
    parts.push(mono(step.actor), " handed ", ctx.kindChip(step.kind), " ", mono(step.type),
      ctx.publisher ? [" from ", mono(ctx.publisher)] : "",
      ctx.order ? [" · order ", mono(ctx.order)] : "",
      " to ", ...g.handed.flatMap((o, i) => [i ? " and " : "", el("strong", { class: "mono", "data-testid": "caption-cook", text: o.to })]));
  } else {
    // a crash, a failure or a recognised copy: it took the message without handling it
    const took = (step.faults ?? []).some((f) => f.seq === step.seq && f.actor === step.actor && TAKEN_ONLY.has(f.fault));
    parts.push(mono(step.actor), took ? " took " : " handled ", ctx.kindChip(step.kind), " ", mono(step.type),
      ctx.publisher ? [" from ", mono(ctx.publisher)] : "",
      ctx.order ? [" · order ", mono(ctx.order)] : "");
  }
  if (step.duplicate) parts.push(" · duplicate copy");
  // deciding is this step's; publishing comes later, and the caption says when
  const when = (outs) => el("span", { class: "caption-published", "data-testid": "caption-published", text: publishedWhen(outs, step.step) });
  if (g.now.length) parts.push(" → decides ", byType(g.now).map(([t, n]) => counted(t, n)).join(", "), " — ", when(g.now));
  if (g.later.length) {
    // an alarm clock holds the timeout it was asked for; a worker's answer waits for its work
    const alarm = holds(step.actor_kind);
    const times = [...new Set(g.later.map((o) => o.at_ms))];
    parts.push(g.now.length ? "; " : " → ", alarm ? "holds " : "decides ",
      byType(g.later).map(([t, n]) => counted(t, n)).join(", "),
      alarm ? ` until ${times.map(formatMs).join(", ")}` : `, due at ${times.map(formatMs).join(", ")} when its work is done`,
      " — ", when(g.later));
  }
  if (g.absorbed.length) parts.push(" · absorbed by the idempotent store: ", byType(g.absorbed).map(([t, n]) => counted(t, n)).join(", "));
  return parts;
}
