// "Check every fate" for the current scenario: a button in the top bar and a status strip.
// The exploration runs in a Web Worker (explore.js), shows its progress, can be
// cancelled, and a broken rule's shortest counterexample opens as a new run at the step
// where the rule breaks (the current run stays in the browser's history).

import { el, formatInt, replace, setText } from "./dom.js";
import { errorText, engineClass, guard } from "./engine.js";
import { explore } from "./explore.js";
import { inputKey } from "./faults.js";

const MAX_ORDERS = 2;

export class ExploreView {
  constructor(app) {
    this.app = app;
    this.job = null;
    this.counterexample = null;
    this.button = el("button", {
      type: "button", id: "explore", dataset: { testid: "explore" },
      title: "Try every fate (delivered, lost, duplicated, late) of every delivery to a worker for this run's 1 or 2 orders",
      onclick: () => this.start(),
    }, "Check every fate");
    document.querySelector(".topbar-actions")?.insertBefore(this.button, document.querySelector("#help-toggle"));
    this.status = el("span", { dataset: { testid: "explore-status" } });
    this.schedule = el("ol", { class: "explore-schedule", dataset: { testid: "explore-schedule" } });
    // the strip borrows the notice's look; its action buttons look like buttons
    const look = "font-size: inherit; min-height: 28px; padding: 2px 10px; border: 1px solid var(--accent); white-space: nowrap";
    this.cancelButton = el("button", { type: "button", style: look, dataset: { testid: "explore-cancel" }, onclick: () => this.cancel() },
      "Cancel");
    this.openButton = el("button", { type: "button", style: look, hidden: true, dataset: { testid: "explore-open" },
      onclick: () => this.open() }, "Open the counterexample");
    // the current setting with 1 or 2 orders, one click each (the page's run stays as it is)
    this.withOrders = [1, 2].map((n) => el("button", { type: "button", style: look, dataset: { testid: `explore-${n}` },
      title: `Check every fate of this run's setting with ${n} order${n > 1 ? "s" : ""} (the run shown stays as it is)`,
      onclick: () => this.start(n) }, `Check this setting with ${n} order${n > 1 ? "s" : ""}`));
    // the rules it checks, each with its status (unchecked until a check says)
    this.rules = el("ul", { class: "explore-rules", dataset: { testid: "explore-rules" } });
    this.panel = el("section", { class: "notice explore-panel", role: "status", "aria-live": "polite", hidden: true,
      dataset: { testid: "explore-panel" } },
    el("div", { style: "flex: 1" }, this.status, this.schedule,
      el("div", { class: "explore-with" }, ...this.withOrders),
      el("details", { class: "explore-rules-box", open: true }, el("summary", {}, "The rules it checks"), this.rules)),
    this.openButton, this.cancelButton,
    el("button", { type: "button", "aria-label": "Close", onclick: () => this.close() }, "×"));
    document.querySelector("#notice")?.before(this.panel);
  }

  /** Orders in the current run: the config's plus those placed by hand. */
  orders() {
    const app = this.app;
    const config = app.call(() => app.sim.config(), {}) ?? {};
    const inputs = app.call(() => app.sim.inputs(), []) ?? [];
    return (config.orders ?? 0) + inputs.filter((i) => i.action?.type === "PlaceOrder").length;
  }

  show(text) {
    this.panel.hidden = false;
    setText(this.status, text);
  }

  /** A verdict, saying which setting it is about when it is not the run shown. */
  verdict(text) {
    this.show(`${this.what ?? ""}${text}`);
  }

  /**
   * Check every fate of the run shown (1 or 2 orders), or — `withOrders` 1 or 2 — of its
   * setting with that many orders (a run of its config, without the inputs).
   */
  start(withOrders = null) {
    if (this.job || !this.app.sim) return;
    this.counterexample = null;
    this.openButton.hidden = true;
    replace(this.schedule);
    this.markRules(null);
    const orders = withOrders ?? this.orders();
    if (orders < 1 || orders > MAX_ORDERS) {
      this.show(`Every fate can be checked for 1 or ${MAX_ORDERS} orders; this run has ${formatInt(orders)}. Check this setting with 1 or 2 orders (below), or set up a run with fewer orders (or place them by hand).`);
      this.cancelButton.hidden = true;
      return;
    }
    this.what = withOrders ? `This setting with ${withOrders} order${withOrders > 1 ? "s" : ""}: ` : "";
    const text = withOrders ? this.settingRun(withOrders) : this.app.call(() => this.app.sim.exportRun());
    if (!text) return;
    this.show(withOrders ? `Checking every fate of this setting with ${withOrders} order${withOrders > 1 ? "s" : ""}…` : "Checking every fate…");
    this.cancelButton.hidden = false;
    this.button.disabled = true;
    const job = (this.job = explore(text, {
      onProgress: (p) => this.show(`Checking every fate… ${formatInt(p.states)} states, ${formatInt(p.frontier)} waiting`),
    }));
    job.result.then(({ progress, counterexample }) => {
      if (this.job !== job) return;
      this.finish();
      this.report(progress, counterexample);
    }, (error) => {
      if (this.job !== job) return;
      this.finish();
      this.show(`The check stopped: ${stopReason(errorText(error))}`);
    });
    this.app.changed();
  }

  /** The run file of the current config with `n` orders (no inputs), or null. */
  settingRun(n) {
    const app = this.app;
    const config = app.call(() => app.sim.config(), null);
    if (!config) return null;
    let sim = null;
    try {
      sim = guard(() => new app.Simulation({ ...config, orders: n }));
      return guard(() => sim.exportRun());
    } catch (error) {
      this.show(`This setting cannot be checked: ${errorText(error)}`);
      return null;
    } finally {
      if (sim) guard(() => sim.free());
    }
  }

  /** List the rules (from the engine) with a status: null unchecked, or a verdict's progress. */
  markRules(progress) {
    const Exploration = engineClass("Exploration");
    if (!this.rules.childElementCount && typeof Exploration?.rules === "function") {
      const rules = this.app.call(() => Exploration.rules(), []) ?? [];
      this.rules.replaceChildren(...rules.map((r) => el("li", { dataset: { testid: "rule", rule: r.rule, status: "unchecked" } },
        el("span", { class: "rule-mark", "aria-hidden": "true", text: "○ " }), r.text)));
    }
    for (const li of this.rules.children) {
      // holds: every rule kept; broken: that one failed and the search stopped there
      const status = progress?.verdict === "holds" ? "pass" : progress?.broken?.rule === li.dataset.rule ? "fail" : "unchecked";
      li.dataset.status = status;
      li.firstChild.textContent = { unchecked: "○ ", pass: "✓ ", fail: "✕ " }[status];
      li.title = { unchecked: "not checked to the end", pass: "kept under every fate", fail: "broken: the shortest schedule is above" }[status];
    }
  }

  report(p, counterexample) {
    this.markRules(p);
    const counts = `${formatInt(p.states)} states, ${formatInt(p.schedules)} schedules to the end`;
    if (p.verdict === "holds") {
      this.verdict(`Every rule holds for every schedule of up to ${p.max_fates} lost, duplicated or late deliveries (${counts}).`);
    } else if (p.verdict === "limit") {
      this.verdict(`Explored ${formatInt(p.states)} states; ${p.limit ?? "stopped at the limit, no violation found so far"}.`);
    } else if (p.broken) {
      const b = p.broken;
      const fates = b.fates === 1 ? "1 lost, duplicated or late delivery" : `${b.fates} lost, duplicated or late deliveries`;
      const detail = b.detail.charAt(0).toUpperCase() + b.detail.slice(1);
      this.verdict(`Rule broken: ${b.text} (${b.rule}). ${detail}. Shortest schedule: ${fates} (${counts}).`);
      replace(this.schedule, ...b.schedule.map((line) => el("li", {}, line)));
      this.counterexample = counterexample;
      this.openButton.hidden = !counterexample;
    }
  }

  finish() {
    this.job = null;
    this.button.disabled = false;
    this.cancelButton.hidden = true;
  }

  cancel() {
    const job = this.job;
    if (!job) return;
    this.finish();
    job.cancel();
    this.show("Check cancelled.");
  }

  open() {
    const app = this.app;
    if (!this.counterexample || !app.importText(this.counterexample)) return;
    this.openButton.hidden = true;
    // its fates are the explorer's, not a person's: the page says so (FaultIndex.chooser)
    const inputs = app.call(() => app.sim.inputs(), []) ?? [];
    app.explorerRun = { sim: app.sim, inputs: new Set(inputs.map(inputKey)) };
    app.changed();
  }

  close() {
    this.cancel();
    this.panel.hidden = true;
  }
}

/**
 * Why the explorer's worker stopped, in words: a WebAssembly trap ("unreachable", "memory
 * access out of bounds") is its engine running out of memory or crashing, not a message.
 */
export function stopReason(text) {
  if (/out of memory|memory access out of bounds|allocation|could not allocate/i.test(text)) {
    return "the explorer ran out of memory before it reached its own memory limit; try fewer orders or a simpler scenario.";
  }
  if (/^(RuntimeError: )?unreachable/i.test(text) || /^RuntimeError/i.test(text)) {
    return `the explorer's engine crashed (${text}); this is a bug, please report it with the run's link.`;
  }
  return text;
}
