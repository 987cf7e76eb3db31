// The run's faults: every lost or duplicated delivery to a worker, from the facade's
// faults() (and the steps' own fault lists while playing). One list per run, in step order;
// what is known "up to the cursor" is a prefix of it, so moving back costs nothing.

import { el, formatMs, formatInt } from "./dom.js";

const INCREMENT = 64; // read up to this many new steps one by one (StepViews are not free); more: ask faults() again

export class FaultIndex {
  constructor(app) {
    this.app = app;
    this.gen = -1;
    this.list = []; // { step, fault, seq, actor }, in step order
    this.upto = 0; // the list is complete up to this step
  }

  reset(gen) {
    this.gen = gen;
    this.list = [];
    this.upto = 0;
    this.bySeq = new Map();
  }

  add(faults) {
    for (const f of faults) {
      this.list.push(f);
      if (!this.bySeq.has(f.seq)) this.bySeq.set(f.seq, []);
      this.bySeq.get(f.seq).push(f);
    }
  }

  /** Make the list cover the run up to the cursor. */
  cover(frame) {
    const app = this.app;
    const sim = app.sim;
    if (frame.gen !== this.gen) this.reset(frame.gen);
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
  }

  /** The faults up to the cursor. */
  upToCursor(frame) {
    this.cover(frame);
    return this.list.slice(0, this.countUpTo(frame.cursor));
  }

  countUpTo(step) {
    let lo = 0, hi = this.list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.list[mid].step <= step) lo = mid + 1; else hi = mid; }
    return lo;
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
      app.call(() => sim.seek(at));
      this.reset(frame.gen);
      this.add(all);
      this.upto = frame.total;
    }
    return this.list;
  }
}

/** "CookFood (order 3) lost on the way to Koen" for one fault. */
export function describeFault(f, message) {
  const what = message ? `${message.type}${message.order ? ` (order ${message.order})` : ""}` : `message ${f.seq}`;
  return f.fault === "drop" ? `${what} lost on the way to ${f.actor}` : `${what} delivered twice to ${f.actor}`;
}

/** A clickable line of a fault list: moves the time control to the fault's step. */
export function faultItem(f, message) {
  return el("li", {},
    el("button", { type: "button", class: "fault-item", "data-testid": "fault-item", "data-step": f.step, "data-seq": f.seq, "data-fault": f.fault },
      el("span", { class: `chip ${f.fault === "drop" ? "fault" : "dup"}`, text: f.fault === "drop" ? "✕ lost" : "×2" }), " ",
      el("span", { class: "mono", text: `step ${formatInt(f.step)}` }), " ",
      describeFault(f, message),
      message ? el("span", { class: "hint", text: ` · sent ${formatMs(message.at_ms)}` }) : null));
}
