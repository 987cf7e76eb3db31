// Branches of the run (issue 9): an input taken behind the frontier no longer throws the old
// future away; the run before it is kept as a branch, named by what changed and where. Each
// branch is the run's config plus its own inputs (the engine re-simulates them), so it costs
// a few bytes. The list lives in the address (`&br=`, next to `#run=`: Back undoes a switch
// or a fork) and in sessionStorage (an address of that very run without `&br=` finds them). Two branches
// can be compared: the first step where their histories differ, and per order what changed.

import { $, el, formatInt, formatMs } from "./dom.js";
import { guard, errorText, words } from "./engine.js";
import { applyInput } from "./inputs.js";
import { encodeInputs, decodeInputs, packJson, unpackJson } from "./url-state.js";

const STORE = "brigade.branches";
const FIRST = "the run as first computed";
const COMPARE_LIMIT = 2_000_000; // steps a branch may take to reach idle in a comparison

export class Branches {
  constructor(app) {
    this.app = app;
    this.list = [{ name: FIRST, inputs: [], step: 0 }];
    this.current = 0;
    this.key = "";
    this.comparison = null;
    this.pane = $("#branches");
    this.pane.addEventListener("click", (event) => {
      const target = event.target.closest("[data-branch]");
      if (target) {
        const step = target.dataset.step === undefined ? null : Number(target.dataset.step);
        this.switchTo(Number(target.dataset.branch), step);
        return;
      }
      if (event.target.closest("[data-testid=branch-compare]")) this.compareSelected();
    });
  }

  // ---- the list ----------------------------------------------------------------------------

  /** One branch only: the run just started or loaded. */
  reset() {
    this.list = [{ name: FIRST, inputs: [], step: 0 }];
    this.current = 0;
    this.comparison = null;
    this.key = "";
  }

  /** The current run's inputs and step, before an input changes them. */
  snapshot() {
    const sim = this.app.sim;
    return {
      inputs: this.app.call(() => sim.inputs(), []) ?? [],
      step: this.app.call(() => sim.currentStep(), 0),
    };
  }

  /**
   * An input discarded steps: the run before it (`before`) stays as the branch it was; the
   * new run is a new branch, named after its edit (`edit`, at `step`).
   */
  fork(before, { edit, step }) {
    this.list[this.current] = { ...this.list[this.current], inputs: before.inputs, step: before.step };
    this.list.push({ name: branchName([edit], step), inputs: [], step: 0, edits: [edit], at: step });
    this.current = this.list.length - 1;
    this.comparison = null;
    this.key = "";
  }

  /**
   * Whether the shown branch began with edits at `step` (made in this page, one after another
   * at that step): then one more edit there goes on it (addEdit) rather than on a branch of its
   * own, so a branch is one experiment at one step, named by all its edits.
   */
  editsAt(step) {
    const b = this.list[this.current];
    return Boolean(b?.edits?.length) && b.at === step;
  }

  /** One more edit on the shown branch (see editsAt): its name says every edit. */
  addEdit(edit) {
    const b = this.list[this.current];
    b.edits = [...b.edits, edit];
    b.name = branchName(b.edits, b.at);
    this.comparison = null;
    this.key = "";
  }

  /** A branch's inputs and step; the shown one's are read from the engine. */
  entry(index) {
    const b = this.list[index];
    if (index !== this.current) return b;
    return { ...b, ...this.snapshot() };
  }

  /** Show branch `index` (re-simulated from its inputs), at `step` or where it was left. */
  async switchTo(index, step = null) {
    const app = this.app;
    if (!this.list[index] || app.restoring) return;
    if (index === this.current) {
      if (step !== null) app.seek(step);
      return;
    }
    const target = this.list[index];
    const previous = this.current;
    app.keepInHistory();
    this.list[previous] = this.entry(previous);
    this.current = index;
    this.key = "";
    try {
      await app.rebuild({ config: app.config, inputs: target.inputs, step: step ?? target.step, order: null, tab: app.tab });
      app.notify(null);
    } catch (error) {
      // a Back while it was rebuilt: the entry Back went to is shown, with its own branches
      if (error?.stale) { app.pushNext = false; return; }
      this.current = previous;
      app.pushNext = false;
      app.showError(`The branch "${target.name}" could not be shown: ${errorText(error)}`);
    }
    app.changed();
  }

  // ---- the address and the session ----------------------------------------------------------

  /** `&br=…` for the address, or "" with a single branch. */
  urlSuffix() {
    if (this.list.length < 2) return "";
    const packed = {
      c: this.current,
      b: this.list.map((b, k) => (k === this.current ? { n: b.name } : { n: b.name, i: encodeInputs(b.inputs), s: b.step })),
    };
    return `&br=${packJson(packed)}`;
  }

  /** The address was written: keep its branches for this run in the session too. */
  remember(hash) {
    const params = new URLSearchParams(String(hash ?? "").replace(/^#/, ""));
    try {
      if (params.has("br")) sessionStorage.setItem(STORE, JSON.stringify({ run: params.get("run"), br: params.get("br") }));
    } catch {
      // storage may be full or refused: the address still holds the branches
    }
  }

  /**
   * After the run was rebuilt from the address: read its branches; an address without them
   * (a link cut short) takes the session's when they were kept for exactly this run, unless
   * `session` is false: an entry the page wrote itself (Back to before a fork: the same run
   * as a branch it forked from) had one run.
   */
  restore(hash, { session = true } = {}) {
    const params = new URLSearchParams(String(hash ?? "").replace(/^#/, ""));
    let raw = params.get("br");
    if (raw === null && !session) { this.reset(); return; }
    if (raw === null) {
      try {
        const kept = JSON.parse(sessionStorage.getItem(STORE) ?? "null");
        if (kept && kept.run === params.get("run") && typeof kept.br === "string") raw = kept.br;
      } catch {
        raw = null;
      }
      if (raw === null) { this.reset(); return; }
    }
    try {
      const data = unpackJson(raw);
      if (!data || !Array.isArray(data.b) || !Number.isSafeInteger(data.c) || !data.b[data.c]) throw new Error("not a list of branches");
      const list = data.b.map((b, k) => {
        if (!b || typeof b.n !== "string") throw new Error(`branch ${k + 1} has no name`);
        if (k === data.c) return { name: b.n, inputs: [], step: 0 };
        if (!Number.isSafeInteger(b.s) || b.s < 0) throw new Error(`branch ${k + 1} has no step`);
        return { name: b.n, inputs: decodeInputs(b.i ?? []), step: b.s };
      });
      this.list = list;
      this.current = data.c;
      this.comparison = null;
      this.key = "";
    } catch (error) {
      this.reset();
      this.app.showError(`The branches in the address could not be read (${errorText(error)}); the run is shown without them.`);
    }
  }

  // ---- the view -------------------------------------------------------------------------------

  update(frame) {
    const key = `${this.list.length}:${this.current}:${this.list.map((b) => b.name).join("|")}:${this.comparison ? 1 : 0}`;
    if (key === this.key) return;
    this.key = key;
    this.pane.hidden = this.list.length < 2;
    if (this.list.length < 2) return;
    const items = this.list.map((b, k) => el("li", {},
      el("button", {
        type: "button", class: `branch${k === this.current ? " current" : ""}`, "data-testid": "branch", "data-branch": k,
        "data-current": String(k === this.current), "aria-current": k === this.current ? "true" : null,
        title: k === this.current ? "the branch shown" : "show this branch",
      }, el("span", { class: "branch-letter", text: letter(k) }), ` ${b.name}`)));
    const choose = (id, testid, value) => el("select", { id, "data-testid": testid, "aria-label": testid === "branch-a" ? "first branch" : "second branch" },
      ...this.list.map((b, k) => el("option", { value: String(k), text: `${letter(k)} · ${b.name}`, selected: k === value })));
    const a = this.comparison?.a ?? (this.current === 0 ? 1 : this.current - 1);
    const b = this.comparison?.b ?? this.current;
    this.pane.replaceChildren(
      el("h2", { text: "Branches" }),
      el("ul", { class: "branch-list" }, ...items),
      el("div", { class: "branch-compare-form" }, "compare ", choose("branch-a", "branch-a", a), " with ", choose("branch-b", "branch-b", b), " ",
        el("button", { type: "button", class: "small", "data-testid": "branch-compare" }, "compare")),
      ...(this.comparison ? [this.renderComparison(this.comparison)] : []));
  }

  compareSelected() {
    const a = Number($("#branch-a").value);
    const b = Number($("#branch-b").value);
    if (a === b) {
      this.app.showError("Compare: choose two different branches.");
      return;
    }
    const result = this.compare(a, b);
    if (!result) return;
    this.app.clearError();
    this.comparison = result;
    this.key = "";
    this.app.changed();
  }

  // ---- comparing ---------------------------------------------------------------------------

  /** Re-simulate a branch to idle in a separate Simulation (freed by the caller). */
  simulate(index) {
    const app = this.app;
    const { inputs } = this.entry(index);
    const sim = new app.Simulation(app.config);
    try {
      for (const input of inputs) {
        while (sim.totalSteps() < input.step && !sim.frontierIdle()) sim.extend(input.step - sim.totalSteps());
        sim.seek(input.step);
        applyInput(sim, input.action ?? input);
      }
      while (!sim.frontierIdle()) {
        sim.extend(50000);
        if (sim.totalSteps() > COMPARE_LIMIT) throw new Error(`it takes more than ${formatInt(COMPARE_LIMIT)} steps`);
      }
      sim.seek(sim.totalSteps());
      return sim;
    } catch (error) {
      guard(() => sim.free());
      throw error;
    }
  }

  /** Compare branches a and b at idle: the first different step, and the orders that differ. */
  compare(a, b) {
    const app = this.app;
    let simA = null;
    let simB = null;
    try {
      simA = guard(() => this.simulate(a));
      simB = guard(() => this.simulate(b));
      if (!simA || !simB) return null;
      const ra = guard(() => readRun(simA));
      const rb = guard(() => readRun(simB));
      let first = null;
      const n = Math.max(ra.steps.length, rb.steps.length);
      for (let k = 0; k < n && first === null; k++) if (ra.steps[k] !== rb.steps[k]) first = k + 1;
      const numbers = [...new Set([...ra.orders.keys(), ...rb.orders.keys()])].sort((x, y) => x - y);
      const orders = [];
      for (const number of numbers) {
        const oa = ra.orders.get(number) ?? null;
        const ob = rb.orders.get(number) ?? null;
        const changes = [];
        for (const field of ["outcome", "latency", "retries", "payments"]) {
          if (JSON.stringify(oa?.[field]) !== JSON.stringify(ob?.[field])) changes.push(field);
        }
        if (changes.length) orders.push({ number, a: oa, b: ob, changes });
      }
      return { a, b, first, stepsA: ra.steps.length, stepsB: rb.steps.length, orders, same: numbers.length - orders.length };
    } catch (error) {
      app.showError(`Compare failed: ${errorText(error)}`);
      return null;
    } finally {
      if (simA) guard(() => simA.free());
      if (simB) guard(() => simB.free());
    }
  }

  renderComparison(c) {
    const nameA = `${letter(c.a)} (${this.list[c.a]?.name})`;
    const nameB = `${letter(c.b)} (${this.list[c.b]?.name})`;
    const stepLink = (branch, step, label = `step ${formatInt(step)}`) => (step === null || step === undefined ? el("span", { class: "hint", text: "–" })
      : el("button", { type: "button", class: "link", "data-testid": "branch-step-link", "data-branch": branch, "data-step": step, title: `show step ${step} of branch ${letter(branch)}` }, label));
    const first = c.first === null
      ? el("p", { "data-testid": "branch-first-difference", "data-step": "", text: `${nameA} and ${nameB} have the same history (${formatInt(c.stepsA)} steps).` })
      : el("p", { "data-testid": "branch-first-difference", "data-step": c.first },
        "Their histories first differ at step ", el("strong", { text: formatInt(c.first) }), ": ",
        stepLink(c.a, Math.min(c.first, c.stepsA), `in ${letter(c.a)}`), " · ", stepLink(c.b, Math.min(c.first, c.stepsB), `in ${letter(c.b)}`),
        el("span", { class: "hint", text: ` (${letter(c.a)}: ${formatInt(c.stepsA)} steps, ${letter(c.b)}: ${formatInt(c.stepsB)} steps)` }));
    const rows = c.orders.map((d) => el("tr", { "data-testid": "branch-order-diff", "data-order": d.number, "data-changes": d.changes.join(" ") },
      el("td", { class: "num", text: String(d.number) }),
      ...["outcome", "latency", "retries", "payments"].map((field) => {
        const fmt = FORMAT[field];
        const changed = d.changes.includes(field);
        return el("td", { class: changed ? "changed" : "" },
          d.a ? fmt(d.a[field]) : "not placed", changed ? el("span", { class: "arrow", text: " → " }) : "", changed ? (d.b ? fmt(d.b[field]) : "not placed") : "");
      }),
      el("td", {}, stepLink(c.a, d.a?.endStep, letter(c.a)), " ", stepLink(c.b, d.b?.endStep, letter(c.b)))));
    return el("section", { class: "branch-comparison", "data-testid": "branch-comparison" },
      el("h3", { text: `${nameA} → ${nameB}` }),
      first,
      rows.length
        ? el("table", { class: "branch-diff" },
          el("thead", {}, el("tr", {}, ...["order", "outcome", "latency", "retries", "payments", "ends at"].map((h) => el("th", { text: h })))),
          el("tbody", {}, ...rows))
        : el("p", { class: "hint", text: "Every order ends the same way in both branches." }),
      c.orders.length && c.same ? el("p", { class: "hint", text: `${formatInt(c.same)} other order${c.same === 1 ? "" : "s"} the same in both.` }) : "");
  }
}

const FORMAT = {
  outcome: (v) => v,
  latency: (v) => (v === null ? "–" : formatMs(v)),
  retries: (v) => String(v),
  payments: (v) => (v.refunded ? `${v.paid} paid, ${v.refunded} refunded` : `${v.paid} paid`),
};

/** A, B, C… for the branches, so a comparison can say which is which in a few letters. */
function letter(k) {
  return k < 26 ? String.fromCharCode(65 + k) : `#${k + 1}`;
}

/** A whole idle run: one comparable line per step, and per order what the comparison shows. */
function readRun(sim) {
  const w = words();
  const total = sim.totalSteps();
  const steps = [];
  const endStep = new Map();
  for (let from = 1; from <= total; from += 2000) {
    for (const s of sim.steps(from, Math.min(total + 1, from + 2000))) {
      // what was delivered to whom and what it decided: a fault taken by hand after step N is
      // listed with step N, but the histories part only at the first delivery it changes
      steps.push(JSON.stringify([s.at_ms, s.actor, s.seq, s.type, s.correlation_id, s.duplicate,
        s.outputs.map((o) => [o.type, o.status, o.to ?? null, o.at_ms])]));
      if (s.correlation_id && !endStep.has(s.correlation_id) && s.outputs.some((o) => w.terminal(o.type))) endStep.set(s.correlation_id, s.step);
    }
  }
  const orders = new Map();
  for (const o of sim.orders()) {
    const stream = sim.orderStream(o.correlation_id);
    const count = (type) => stream.filter((m) => m.type === type).length;
    const retries = w.typesMeaning("work").reduce((sum, type) => sum + Math.max(0, count(type) - 1), 0);
    orders.set(o.order, {
      outcome: o.status === "dropped" ? `dropped (${o.reason})` : o.status,
      latency: o.finished_at_ms === null || o.finished_at_ms === undefined ? null : o.finished_at_ms - o.placed_at_ms,
      retries,
      payments: { paid: count(w.typeMeaning("done", "pay")), refunded: count(w.typeMeaning("done", "refund")) },
      endStep: endStep.get(o.correlation_id) ?? null,
    });
  }
  return { steps, orders };
}

/**
 * A branch's name: its edits, in the order made (the same edit made again and again counted),
 * and their step: "dropped CookFood for Koen, order placed × 3 at step 40".
 */
function branchName(edits, step) {
  const runs = [];
  for (const edit of edits) {
    if (runs.length && runs[runs.length - 1].edit === edit) runs[runs.length - 1].n++;
    else runs.push({ edit, n: 1 });
  }
  return `${runs.map(({ edit, n }) => (n > 1 ? `${edit} × ${n}` : edit)).join(", ")} at step ${step}`;
}
