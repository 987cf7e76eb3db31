// The run's faults: every lost, duplicated or delayed delivery to a worker, every one lost
// in a crash, failed, dead-lettered or recognised (issue 23), and every refused, rejected or
// absorbed one, read from the engine's run index (faultsInRun) as the
// run is computed: a few new steps at a time, never by moving the cursor or reading steps.
// One list per run, in step order; what is known "up to the cursor" is a prefix of it, so
// moving back costs nothing.

import { el, formatMs, formatInt } from "./dom.js";

export class FaultIndex {
  constructor(app) {
    this.app = app;
    this.gen = -1;
    this.sim = null;
    this.list = []; // { step, fault, seq, actor, manual, type, out, reason }, in step order
    this.upto = 0; // the list is complete up to this step
    this.bySeq = new Map();
  }

  reset(gen) {
    this.gen = gen;
    this.sim = this.app.sim;
    this.list = [];
    this.upto = 0;
    this.bySeq = new Map();
  }

  /** Bring the list up to the steps the engine has indexed (the whole run computed so far). */
  sync(frame = this.app.frame) {
    const app = this.app;
    const sim = app.sim;
    if (!sim) return;
    if ((frame?.gen ?? app.gen) !== this.gen || sim !== this.sim) this.reset(frame?.gen ?? app.gen);
    if (typeof sim.faultsInRun !== "function") return;
    const indexed = app.call(() => sim.indexedSteps(), 0);
    if (indexed < this.upto) this.reset(this.gen);
    if (indexed === this.upto) return;
    const fresh = app.call(() => sim.faultsInRun(this.upto + 1, indexed + 1), []) ?? [];
    for (const f of fresh) {
      this.list.push(f);
      // an absorbed decision belongs to the message it repeats (its row shows "≡ absorbed"),
      // not to the message it was decided on (that one shows its duplicate delivery)
      const seq = f.fault === "absorbed" && f.out !== null && f.out !== undefined ? f.out : f.seq;
      if (!this.bySeq.has(seq)) this.bySeq.set(seq, []);
      this.bySeq.get(seq).push(f);
    }
    this.upto = indexed;
  }

  /** Make the list cover the run up to the cursor (kept for the views that ask). */
  cover(frame) {
    this.sync(frame);
  }

  /** Refusals come with the rest (kept for the views that ask). */
  scanRefusals() {}

  /** The faults up to the cursor. */
  upToCursor(frame) {
    this.sync(frame);
    return this.list.slice(0, countUpTo(this.list, frame.cursor));
  }

  /** The faults of message `seq` that happened by the cursor (an absorbed decision: of the message it repeats). */
  ofSeq(frame, seq) {
    this.sync(frame);
    return (this.bySeq.get(seq) ?? []).filter((f) => f.step <= frame.cursor);
  }

  /** Every fault of the run computed so far. */
  known() {
    this.sync();
    return this.list;
  }

  /**
   * Who chose a fault: null for the seeded fault rates, "explorer" for a fate of a
   * counterexample "Check every fate" opened (App.explorerRun: that run and its inputs), and
   * "hand" for a person's input. In an explorer's run the learner's own inputs are those it
   * did not have; a fault is the learner's when one of them concerns its actor by its step.
   */
  chooser(f) {
    if (!f?.manual) return null;
    const app = this.app;
    const explored = app.explorerRun;
    if (!explored || explored.sim !== app.sim) return "hand";
    const inputs = app.call(() => app.sim.inputs(), []) ?? [];
    const mine = inputs.filter((i) => !explored.inputs.has(inputKey(i)));
    return mine.some((i) => (i.action ?? i).actor === f.actor && i.step <= f.step) ? "hand" : "explorer";
  }
}

/** An input as a key, to tell the explorer's from a person's. */
export function inputKey(input) {
  return JSON.stringify(input);
}

/** " (dropped by hand)" or " (dropped by the explorer)": who chose a fault, in words. */
function chosenBy(f, verb) {
  const by = f.chosenBy ?? (f.manual ? "hand" : null);
  return by === "explorer" ? ` (${verb} by the explorer)` : by === "hand" ? ` (${verb} by hand)` : "";
}

function countUpTo(list, step) {
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid].step <= step) lo = mid + 1; else hi = mid; }
  return lo;
}

/** A fault's chip: class and text. */
export const FAULT_CHIP = {
  drop: ["fault", "✕ lost"], duplicate: ["dup", "×2"], rejected: ["fault", "⊘ rejected"],
  refused: ["dup", "⊘ refused"], absorbed: ["dup", "≡ absorbed"],
  "walked-out": ["fault", "✕ away"], delay: ["timeout", "◷ late"], shed: ["fault", "✕ shed"], stale: ["fault", "✕ too old"],
  crash: ["fault", "⚡ crash"], failed: ["fault", "✕ failed"], "dead-lettered": ["fault", "☠ dead letter"], recognised: ["dup", "≡ once"],
  unanswered: ["fault", "✕ unanswered"],
};

/**
 * "CookFood (order 3) lost on the way to Koen" for one fault; who chose it is `f.chosenBy`
 * (FaultIndex.chooser), else a person when `f.manual`.
 */
export function describeFault(f, message) {
  const what = message ? `${message.type}${message.order ? ` (order ${message.order})` : ""}` : `message ${f.seq}`;
  switch (f.fault) {
    case "drop": return `${what} lost on the way to ${f.actor}${chosenBy(f, "dropped")}`;
    case "walked-out": return `${what} lost: ${f.actor} had walked out`;
    case "shed": return `${what} shed: the ${f.actor}'s mailbox was full (its bound's policy dropped it)`;
    case "stale": return `${what} shed: it waited in the ${f.actor}'s mailbox longer than its bound's age`;
    case "delay": return `${what} late on the way to ${f.actor}${chosenBy(f, "delayed")}`;
    case "rejected": return `${what} rejected by the ${f.actor}${f.reason ? ` (${f.reason})` : ""}: it published MessageRejected`;
    case "refused": return `${what} refused by the ${f.actor}${f.reason ? ` (${f.reason})` : ""}: it published PaymentRefused`;
    case "crash": return `${what} lost in a crash of ${f.actor}${chosenBy(f, "crashed")}`;
    case "failed": return `${what} failed (poison): ${f.actor}'s handler failed on it${f.manual ? " (marked poison by hand)" : ""}; it is tried again`;
    case "dead-lettered": return `${what} dead-lettered: ${f.actor} failed on it every try, so it was set aside in the dead-letter queue`;
    case "recognised": return `${what} recognised (taken once): ${f.actor} had taken it already and set this copy aside`;
    case "unanswered": return `${what} not answered by any ${f.actor} before its alarm rang (lost on the way, or its worker died with it): an observed run's record shows no more`;
    case "absorbed": return `${f.type} decided on ${what} absorbed by the idempotent store (its id was already stored)`;
    default: return `${what} delivered twice to ${f.actor}${chosenBy(f, "duplicated")}`;
  }
}

/** A clickable line of a fault list: moves the time control to the fault's step. */
export function faultItem(f, message) {
  return el("li", {},
    el("button", { type: "button", class: "fault-item", "data-testid": "fault-item", "data-step": f.step, "data-seq": f.seq, "data-fault": f.fault },
      el("span", { class: `chip ${(FAULT_CHIP[f.fault] ?? FAULT_CHIP.duplicate)[0]}`, text: (FAULT_CHIP[f.fault] ?? FAULT_CHIP.duplicate)[1] }), " ",
      el("span", { class: "mono", text: `step ${formatInt(f.step)}` }), " ",
      describeFault(f, message),
      message ? el("span", { class: "hint", text: ` · sent ${formatMs(message.at_ms)}` }) : null));
}
