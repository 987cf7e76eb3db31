// The check: fixed seeded scenarios run with the learner's process manager, and the
// invariants every order must keep, read from each run's history; then every fate of one
// order of each kind, explored (Simulation.exploreProcess) with the explorer's rules.

import { words } from "../engine.js";

/** The seed of "manual drops at the worst moments": 13 normal and 11 dodgy customers. */
const WORST_SEED = 5;

/**
 * The scenarios, each a partial config (custom_process: "all") and the options of
 * runProcess. "manual drops at the worst moments" gives chosen deliveries their worst fate
 * as the run goes (src/explore/worst.rs): the k-th order of each kind (normal, dodgy) gets
 * the k-th of these moments — the first CookFood / PriceOrder / TakePayment lost, each of
 * them duplicated, each of them late (after its timeout), every CookFood lost, every
 * TakePayment lost — wherever the learner's process sends them; the fates are the run's
 * manual inputs, so its run file replays.
 */
export const SCENARIOS = [
  { name: "reference", config: {} },
  { name: "chaos", config: { drop: 0.1, duplicate: 0.1, orders: 20, interval_ms: 100 } },
  { name: "chaos, seed 7", config: { seed: 7, drop: 0.15, duplicate: 0.15, dodgy: 0.3, orders: 20, interval_ms: 100 } },
  { name: "lossy, half dodgy", config: { seed: 3, drop: 0.3, duplicate: 0.3, dodgy: 0.5, orders: 20, interval_ms: 100, max_retries: 1 } },
  { name: "slow cook", config: { cooks: [{ name: "Slow", ms: 2000 }] } },
  { name: "all dodgy", config: { dodgy: 1, orders: 12, interval_ms: 150 } },
  { name: "manual drops at the worst moments", config: { seed: WORST_SEED, dodgy: 0.5, orders: 24, interval_ms: 300 },
    options: { worst_moments: true } },
];

/** The exploration: every fate of one order of each kind, within these bounds. */
export const EXPLORATION = {
  name: "every fate, one order of each kind",
  orders: ["normal", "dodgy"],
  max_states: 200000,
};

/** The explorer's rules (src/explore/rules.rs, learner.rs) as the check's rules. */
export const EXPLORER_RULES = {
  "one-terminal-event": "one-terminal",
  "charged-once": "payments",
  "paid-if-completed": "payments",
  "completed-after-work": "complete-after-work",
  "pay-first-before-cooking": "pay-first",
  "bounded-retries": "retries",
  "quiet-after-end": "after-end",
  "runs": "runs",
  "pay-again-only-on-timeout": "pay-again",
};

/** The rules, by id: what each checks, in the learner's words. */
export const RULES = {
  "runs": "the run finishes without an error",
  "one-terminal": "exactly one terminal event (OrderCompleted or OrderDropped) per order",
  "payments": "payments − refunds = 1 for a completed order, 0 for the others",
  "complete-after-work": "completion only after cooking, pricing and payment",
  "pay-first": "a dodgy customer's food is never cooked before payment",
  "retries": "no more retries than allowed (attempt ≤ 1 + max_retries)",
  "after-end": "nothing sent after the end but refunds, alarms and rejections",
  "pay-again": "a payment is asked for again only after its timeout (a repeated answer never leads to another TakePayment)",
};


/**
 * The broken rules of one run: [{ rule, order, seq, detail }]. `history` is the run file's
 * history, `config` its full config.
 */
export function check(history, config) {
  // the engine's words: types are read by what they mean, never by a list of names here
  const w = words();
  const is = (m, meaning, step) => Boolean(m) && w.is(m.type, meaning, step);
  // the work an order needs and may retry (a refund is asked for until the cashier answers)
  const retried = (m) => is(m, "work") && !is(m, "work", "refund");
  // cooking: the work the staffed role (the cooks) does
  const cookT = w.typesMeaning("work").find((t) => w.receivers(t).some((r) => w.staffed(r)));
  const [placedT, payT, paidT, refundedT] = [w.typeMeaning("placed"), w.typeMeaning("work", "pay"), w.typeMeaning("done", "pay"), w.typeMeaning("done", "refund")];
  const failures = [];
  const orders = new Map();
  for (const m of history) {
    if (!orders.has(m.correlation_id)) orders.set(m.correlation_id, []);
    orders.get(m.correlation_id).push(m);
  }
  let number = 0;
  for (const stream of orders.values()) {
    number += 1;
    const started = stream.find((m) => is(m, "started"));
    if (!started || started.definition !== "custom") continue;
    const placed = stream.find((m) => m.type === placedT);
    const dodgy = Boolean(placed?.order?.dodgy);
    const fail = (rule, seq, detail) => failures.push({ rule, order: number, seq, detail });
    const count = (type) => stream.filter((m) => m.type === type).length;
    const first = (type) => stream.find((m) => m.type === type);

    const terminals = stream.filter((m) => w.terminal(m.type));
    if (terminals.length !== 1) {
      fail("one-terminal", terminals[1]?.seq ?? stream.at(-1).seq,
        `${terminals.length} terminal events (${terminals.map((t) => t.type).join(", ") || "none"})`);
    }
    const completed = terminals.some((t) => is(t, "completed"));
    const net = count(paidT) - count(refundedT);
    if (net !== (completed ? 1 : 0)) {
      fail("payments", stream.at(-1).seq,
        `${count(paidT)} payment(s), ${count(refundedT)} refund(s) for an order ${completed ? "completed" : "not completed"}`);
    }
    const done = stream.find((m) => is(m, "completed"));
    if (done) {
      // every piece of work an order needs but the refund: answered before it completes
      const answers = w.workSteps.map((step) => w.typeMeaning("done", step)).filter((t) => t && t !== refundedT);
      const missing = answers.filter((t) => !stream.some((m) => m.type === t && m.seq < done.seq));
      if (missing.length) fail("complete-after-work", done.seq, `completed before ${missing.join(", ")}`);
    }
    if (dodgy) {
      const cook = first(cookT);
      const paid = first(paidT);
      if (cook && (!paid || paid.seq > cook.seq)) fail("pay-first", cook.seq, `${cookT} sent before ${paidT}`);
    }
    const limit = 1 + (config.max_retries ?? 3);
    const over = stream.find((m) => retried(m) && m.attempt > limit);
    if (over) fail("retries", over.seq, `${over.type} attempt ${over.attempt} (at most ${limit})`);
    // the cashier refuses a second charge, so paying twice shows as a second TakePayment
    // asked for on something other than a timeout (a repeated or late answer)
    for (const pay of stream.filter((m) => m.type === payT).slice(1)) {
      const cause = stream.find((m) => m.id === pay.causation_id);
      if (!is(cause, "timeout")) {
        fail("pay-again", pay.seq,
          `${payT} (attempt ${pay.attempt}) asked for again on ${cause?.type ?? "an unknown message"}${cause ? ` (message ${cause.seq})` : ""}, not on a timeout`);
        break;
      }
    }
    const end = terminals[0];
    if (end) {
      // a second terminal event is the one-terminal rule's; here: work asked for after the end
      const late = stream.find((m) => m.seq > end.seq && retried(m));
      if (late) fail("after-end", late.seq, `${late.type} sent after ${end.type}`);
    }
  }
  return failures;
}
