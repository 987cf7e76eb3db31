// The run's faults: every lost or duplicated delivery to a worker, from the facade's
// faults() (and the steps' own fault lists while playing), and every refused, rejected or
// absorbed one (read from the steps' outputs: a MessageRejected or PaymentRefused decided,
// a message the idempotent store absorbed). One list per run, in step order; what is known
// "up to the cursor" is a prefix of it, so moving back costs nothing.

import { el, formatMs, formatInt } from "./dom.js";

const REFUSAL_TYPES = new Set(["MessageRejected", "PaymentRefused"]);
const SCAN_CHUNK = 500;
const SMALL_SCAN = 100; // steps read for refusals within a frame; more wait until the cursor rests
const SCAN_LIMIT = 200000; // steps read for refusals at once at most (long runs: the rest as the cursor moves)
const INCREMENT = 64; // read up to this many new steps one by one (StepViews are not free); more: ask faults() again

export class FaultIndex {
  constructor(app) {
    this.app = app;
    this.gen = -1;
    this.list = []; // { step, fault, seq, actor }, in step order
    this.upto = 0; // the list is complete up to this step
    this.refusals = []; // refused, rejected, absorbed: { step, fault, seq, actor, type, out, reason }
    this.refusalsUpto = 0;
    this.bySeq = new Map();
  }

  reset(gen) {
    if (gen !== this.gen) { this.refusals = []; this.refusalsUpto = 0; }
    this.gen = gen;
    this.list = [];
    this.upto = 0;
    this.bySeq = new Map();
    this.merged = null;
    for (const f of this.refusals ?? []) this.index(f);
  }

  index(f) {
    if (!this.bySeq.has(f.seq)) this.bySeq.set(f.seq, []);
    this.bySeq.get(f.seq).push(f);
  }

  /**
   * Read the steps up to `target` (the sim's cursor must be at or past it) for refused,
   * rejected and absorbed deliveries. Skipped when the run has none by its cursor.
   */
  scanRefusals(target, budgetMs = Infinity) {
    if (target <= this.refusalsUpto) return;
    const app = this.app;
    const sim = app.sim;
    if (typeof sim.seqsOfType !== "function") return;
    if (!this.mayRefuse()) {
      // none in a finished run: nothing to read up to here (a growing one may still publish
      // a refusal decided by now)
      if (app.call(() => sim.frontierIdle(), true)) this.refusalsUpto = target;
      return;
    }
    const end = Math.min(target, this.refusalsUpto + SCAN_LIMIT);
    const started = performance.now();
    let from = this.refusalsUpto + 1;
    for (; from <= end; from += SCAN_CHUNK) {
      // while rendering, a few ms at a time: the rest in later frames
      if (budgetMs !== Infinity && performance.now() - started > budgetMs) break;
      const steps = app.call(() => sim.steps(from, Math.min(end + 1, from + SCAN_CHUNK)), []) ?? [];
      for (const s of steps) {
        for (const o of s.outputs ?? []) {
          let fault = null;
          if (o.status === "absorbed") fault = "absorbed";
          else if (o.type === "MessageRejected") fault = "rejected";
          else if (o.type === "PaymentRefused") fault = "refused";
          if (!fault || s.seq === null || s.seq === undefined) continue;
          const out = o.seq ?? null;
          const reason = out === null ? null : app.call(() => sim.message(out))?.payload?.reason ?? null;
          const f = { step: s.step, fault, seq: s.seq, actor: s.actor, type: o.type, out, reason, id: o.id };
          this.refusals.push(f);
          this.index(f);
        }
      }
    }
    this.refusalsUpto = Math.min(end, from - 1);
    this.merged = null;
  }

  /**
   * Whether the run can hold a refusal: one published by the cursor, or (a decision is
   * published after it is made, maybe much later) one anywhere in the run computed so far.
   */
  mayRefuse() {
    const app = this.app;
    const sim = app.sim;
    const absorbing = Boolean(app.config?.idempotent_store);
    const count = () => sim.seqsOfType("MessageRejected").length + sim.seqsOfType("PaymentRefused").length
      + (absorbing ? sim.report()?.absorbed ?? 0 : 0);
    if (app.call(count, 0) > 0) return true;
    const total = app.call(() => sim.totalSteps(), 0);
    const now = performance.now();
    if (this.frontierGen !== this.gen || (this.frontierTotal !== total && now - this.frontierAt > 500)) {
      this.frontierGen = this.gen;
      this.frontierTotal = total;
      this.frontierAt = now;
      this.frontierAny = app.call(() => {
        const at = sim.currentStep();
        sim.seek(total);
        try { return count() > 0; } finally { sim.seek(at); }
      }, false);
    }
    return this.frontierAny;
  }

  /** After a jump: read the steps for refusals once the cursor rests, a slice per task. */
  scanLater(gen, cursor) {
    clearTimeout(this.scanTimer);
    const app = this.app;
    const run = () => {
      if (app.frame?.gen !== gen || app.frame?.cursor !== cursor || app.playing || this.gen !== gen) return;
      this.scanRefusals(cursor, 10);
      if (this.refusalsUpto < cursor) this.scanTimer = setTimeout(run, 0);
      else app.changed();
    };
    this.scanTimer = setTimeout(run, 150);
  }

  /**
   * A rejection decided at the cursor is published a step later: once it is in the history,
   * find it (among the newest of its type) for its reason.
   */
  resolve() {
    const app = this.app;
    const at = app.call(() => app.sim.currentStep(), 0);
    for (const f of this.refusals) {
      if (f.out !== null || f.fault === "absorbed" || f.step >= at) continue;
      const seqs = app.call(() => app.sim.seqsOfType(f.type), []) ?? [];
      for (let i = seqs.length - 1; i >= Math.max(0, seqs.length - 50); i--) {
        const m = app.call(() => app.sim.message(seqs[i]));
        if (m?.id === f.id) { f.out = m.seq; f.reason = m.payload?.reason ?? null; break; }
      }
    }
  }

  /** Lost and doubled deliveries and refusals together, in step order. */
  all() {
    if (this.merged) return this.merged;
    if (this.refusals.some((f) => f.out === null && f.fault !== "absorbed")) this.resolve();
    const a = this.list, b = this.refusals.filter((f) => f.step <= Math.max(this.upto, this.refusalsUpto));
    const out = [];
    let i = 0, j = 0;
    while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i].step <= b[j].step) ? a[i++] : b[j++]);
    this.merged = out;
    return out;
  }

  add(faults) {
    for (const f of faults) {
      this.list.push(f);
      this.index(f);
    }
    this.merged = null;
  }

  /** Make the list cover the run up to the cursor. */
  cover(frame) {
    const app = this.app;
    const sim = app.sim;
    if (frame.gen !== this.gen) this.reset(frame.gen);
    // refusals are read a few ms per frame (cover is called for every log row), never while playing
    if (this.scannedFor !== frame) {
      this.scannedFor = frame;
      if (frame.cursor - this.refusalsUpto <= SMALL_SCAN) this.scanRefusals(frame.cursor);
      else if (!frame.playing) this.scanLater(frame.gen, frame.cursor);
    }
    if (frame.cursor <= this.upto || typeof sim.faults !== "function") return;
    if (frame.cursor - this.upto <= INCREMENT) {
      const steps = app.call(() => sim.steps(this.upto + 1, frame.cursor + 1), []) ?? [];
      for (const s of steps) this.add((s.faults ?? []).map((f) => ({ step: s.step, ...f })));
    } else {
      const all = app.call(() => sim.faults(), []) ?? [];
      this.reset(frame.gen);
      this.add(all);
    }
    this.upto = frame.cursor;
    this.merged = null;
  }

  /** The faults up to the cursor. */
  upToCursor(frame) {
    this.cover(frame);
    const all = this.all();
    return all.slice(0, countUpTo(all, frame.cursor));
  }

  /** The faults of message `seq` that happened by the cursor. */
  ofSeq(frame, seq) {
    this.cover(frame);
    return (this.bySeq.get(seq) ?? []).filter((f) => f.step <= frame.cursor);
  }

  /** Every fault of the run computed so far (reads past the cursor by seeking there and back). */
  known() {
    const app = this.app;
    const sim = app.sim;
    const frame = app.makeFrame();
    this.cover(frame);
    if (frame.total > this.upto && typeof sim.faults === "function") {
      const at = frame.cursor;
      app.call(() => sim.seek(frame.total));
      const all = app.call(() => sim.faults(), []) ?? [];
      this.scanRefusals(frame.total);
      app.call(() => sim.seek(at));
      this.reset(frame.gen);
      this.add(all);
      this.upto = frame.total;
    }
    return this.all();
  }
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
  "walked-out": ["fault", "✕ away"], delay: ["timeout", "◷ late"],
};

/** "CookFood (order 3) lost on the way to Koen" for one fault. */
export function describeFault(f, message) {
  const what = message ? `${message.type}${message.order ? ` (order ${message.order})` : ""}` : `message ${f.seq}`;
  switch (f.fault) {
    case "drop": return `${what} lost on the way to ${f.actor}${f.manual ? " (dropped by hand)" : ""}`;
    case "walked-out": return `${what} lost: ${f.actor} had walked out`;
    case "delay": return `${what} late on the way to ${f.actor}${f.manual ? " (delayed by hand)" : ""}`;
    case "rejected": return `${what} rejected by the ${f.actor}${f.reason ? ` (${f.reason})` : ""}: it published MessageRejected`;
    case "refused": return `${what} refused by the ${f.actor}${f.reason ? ` (${f.reason})` : ""}: it published PaymentRefused`;
    case "absorbed": return `${f.type} decided on ${what} absorbed by the idempotent store (its id was already stored)`;
    default: return `${what} delivered twice to ${f.actor}${f.manual ? " (duplicated by hand)" : ""}`;
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
