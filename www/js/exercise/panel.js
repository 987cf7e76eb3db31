// Exercise mode: the learner writes the process manager (decide) in an editor, runs the
// kitchen with it, and checks it against seeded scenarios. The code runs only in a sandbox:
// the QuickJS interpreter (sandbox.js) inside a Web Worker (worker.js), a new one for every
// run, with no network, storage or page to reach. The page checks what the worker answers
// (answer.js) and re-simulates the run from the decisions it recorded
// (Simulation.importProcessRun), so no learner code runs next to the DOM. Code that the
// learner did not type (a link, a run file) runs only after confirmation.

import { $, el } from "../dom.js";
import { guard, errorText, words } from "../engine.js";
import { CodeEditor } from "./editor.js";
import { SCENARIOS, RULES, EXPLORATION, EXPLORER_RULES, check } from "./grade.js";
import { checkAnswer, ForgedAnswer } from "./answer.js";

/** The sandbox's interpreter (sandbox.js WASM_URL; not imported: the page loads no QuickJS). */
const SANDBOX_WASM = new URL("../../vendor/quickjs/variant/emscripten-module.wasm", import.meta.url);

const STORAGE_KEY = "brigade.exercise.code";
const TIMEOUT_MS = 30000;
const MAX_ORDERS = 300;
const CUSTOM_KEYS = ["custom_process", "process_code"];

export { isExercise } from "./is-exercise.js";

export class ExercisePanel {
  constructor(app) {
    this.app = app;
    this.runs = new Set();
    /** The sandbox's limits ({ memory, callMs }; sandbox.js has the defaults). */
    this.limits = undefined;
    this.nextId = 1;
    this.templates = {};
    this.busy = false;
    this.timeoutMs = TIMEOUT_MS;
    this.build();
    this.editor.value = load() ?? "";
    /** Settles once the editor holds its starting code (the skeleton is fetched). */
    this.ready = this.editor.value ? Promise.resolve() : this.loadTemplate("skeleton");
  }

  // ---- the panel --------------------------------------------------------------------------

  build() {
    document.head.append(el("link", { rel: "stylesheet", href: new URL("exercise.css", import.meta.url).href }));
    // the button is the stand-in's (exercise-later.js) when the panel was loaded on demand
    let toggle = $("#exercise-toggle");
    if (!toggle) {
      toggle = el("button", { type: "button", id: "exercise-toggle", "data-testid": "exercise-toggle",
        "aria-expanded": "false", "aria-controls": "exercise", title: "Write your own process manager and check it" }, "Exercise…");
      $("#help-toggle").before(toggle);
    }
    toggle.addEventListener("click", () => this.show(this.section.hidden));
    this.toggle = toggle;

    this.editor = new CodeEditor({ onChange: (code) => save(code) });
    this.scope = el("select", { "data-testid": "pm-scope", "aria-label": "Whose orders run your code" },
      el("option", { value: "all", text: "every customer" }),
      el("option", { value: "dodgy", text: "dodgy customers only" }));
    this.status = el("p", { class: "pm-status hint", "data-testid": "pm-status", role: "status" });
    this.error = el("p", { class: "pm-error", "data-testid": "pm-error", role: "alert", hidden: true });
    this.result = el("div", { class: "grade-result", "data-testid": "grade-result", hidden: true });
    const button = (testid, text, onclick, extra = {}) =>
      el("button", { type: "button", "data-testid": testid, onclick, ...extra }, text);

    this.section = el("section", { id: "exercise", class: "exercise", hidden: true, "aria-label": "Write the process manager",
      "data-testid": "exercise" },
    el("div", { class: "exercise-head" },
      el("h2", {}, "Your process manager"),
      el("p", { class: "hint" }, "Write decide(state, message, config) in JavaScript. The house calls it for every message of an order, after replaying the order's earlier messages through it: run it in the kitchen, then check it under lost and duplicated messages.")),
    el("div", { class: "exercise-bar" },
      button("pm-skeleton", "Start again from the skeleton", () => this.loadTemplate("skeleton", true)),
      button("pm-solution", "Show a solution", () => this.loadTemplate("solution", true)),
      el("label", { class: "compact" }, "runs for ", this.scope),
      button("pm-run", "Run it", () => this.run(), { class: "primary" }),
      this.stopRun = button("pm-stop", "Stop", () => this.stopRunning(), { hidden: true, title: "Stop your process manager's run (an endless loop?)" }),
      button("pm-grade", "Check it", () => this.grade()),
      this.cancel = button("pm-cancel", "Stop", () => this.cancelGrade(), { hidden: true,
        title: "Stop your code now (its sandbox is ended)" }),
      button("exercise-close", "Close", () => this.show(false))),
    el("div", { class: "exercise-body" },
      this.editor.root,
      el("aside", { class: "exercise-doc", tabindex: "0", "aria-label": "The rules and how to write decide" },
        // the rules come first: what is graded, before the learner fails it
        el("h3", {}, "The rules Check grades"),
        this.rules = el("ul", { class: "exercise-rules", "data-testid": "rules" }, ...Object.entries(RULES).map(([id, text]) =>
          el("li", { "data-testid": "rule", "data-rule": id, "data-status": "unchecked" }, el("span", { class: "rule-mark", "aria-hidden": "true", text: "○ " }), text))),
        ...docs())),
    this.status, this.error, this.result);
    $("#setup").after(this.section);
    // the inspector can replay an order under the learner's code too
    if (!$("#replay-definition option[value=custom]")) $("#replay-definition")?.append(el("option", { value: "custom", text: "custom (yours)" }));

    this.dialog = el("dialog", { class: "pm-confirm", "data-testid": "pm-confirm", "aria-labelledby": "pm-confirm-title" },
      el("h2", { id: "pm-confirm-title" }, "Run code from somewhere else?"),
      el("p", {}, "This run carries its own process manager, written by someone else. It runs only if you agree, in a sandbox that cannot reach this page, the network or this browser's storage. Read it first:"),
      this.confirmCode = el("pre", { class: "pm-confirm-code", "data-testid": "pm-confirm-code" }),
      el("div", { class: "setup-actions" },
        this.confirmRun = el("button", { type: "button", class: "primary", "data-testid": "pm-confirm-run" }, "Run this code"),
        this.confirmCancel = el("button", { type: "button", "data-testid": "pm-confirm-cancel", autofocus: true }, "Do not run it")));
    document.body.append(this.dialog);
  }

  show(open) {
    this.section.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    if (open) this.editor.focus();
  }

  async loadTemplate(name, replace = false) {
    if (replace && this.editor.value.trim() && !this.confirmReplace()) return;
    try {
      if (!this.templates[name]) {
        const response = await fetch(new URL(`templates/${name}.js`, import.meta.url));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        this.templates[name] = await response.text();
      }
      // the starting skeleton never replaces code typed while it was fetched
      if (!replace && this.editor.value.trim()) return;
      this.editor.value = this.templates[name];
      save(this.editor.value);
    } catch (error) {
      this.say(null, `The template could not be loaded: ${errorText(error)}`);
    }
  }

  /** Replacing the learner's own code asks first (it is kept only in this browser). */
  confirmReplace() {
    const stored = load();
    if (!stored || Object.values(this.templates).includes(stored)) return true;
    return window.confirm("Replace your code in the editor? It is not kept anywhere else.");
  }

  say(status, error = null) {
    this.status.textContent = status ?? "";
    this.error.textContent = error ?? "";
    this.error.hidden = !error;
    if (error && !this.section.hidden) this.error.scrollIntoView({ block: "nearest" });
  }

  // ---- the sandbox ----------------------------------------------------------------------------

  /**
   * Runs `message` in a new worker (a fresh sandbox: worker.js, sandbox.js), which ends with
   * its answer. Every message it sends is checked (answer.js) before anything uses it: a
   * forged or broken one ends the run with an error. Stop (`stopWorker`) terminates it.
   */
  async request(message, onProgress = null) {
    const id = this.nextId++;
    const op = message.op;
    const modules = await this.compiled();
    const worker = new Worker(new URL("worker.js", import.meta.url), { type: "module" });
    return new Promise((resolve, reject) => {
      const run = { worker, timer: null, reject: null };
      const end = () => {
        clearTimeout(run.timer);
        worker.terminate();
        this.runs.delete(run);
      };
      const expire = () => {
        end();
        reject(new Error(`your code did not finish within ${this.timeoutMs / 1000} s (an endless loop?); it was stopped`));
      };
      run.reject = (error) => {
        end();
        reject(error);
      };
      run.timer = setTimeout(expire, this.timeoutMs);
      this.runs.add(run);
      worker.onmessage = (event) => {
        let answer;
        try {
          answer = checkAnswer(event.data, id, op);
        } catch (error) {
          run.reject(error);
          return;
        }
        if (answer.kind === "progress") {
          // the sandbox is alive and moving: its time limit starts again
          clearTimeout(run.timer);
          run.timer = setTimeout(expire, this.timeoutMs);
          onProgress?.(answer.progress);
          return;
        }
        end();
        if (answer.kind === "result") resolve(answer.result);
        else reject(new Error(answer.error));
      };
      worker.onmessageerror = () => run.reject(new ForgedAnswer("a message that could not be read"));
      worker.onerror = (event) => {
        event.preventDefault();
        run.reject(new Error(`the sandbox failed: ${event.message ?? "unknown error"}`));
      };
      worker.postMessage({ id, ...message, limits: this.limits, modules });
    });
  }

  /**
   * The engine's and the interpreter's wasm, compiled once for every worker to come (a
   * worker then starts without fetching or compiling them); null if that failed (each
   * worker then loads them itself).
   */
  compiled() {
    const compile = async (url) => WebAssembly.compile(await (await fetch(url)).arrayBuffer());
    this.modules ??= Promise.all([compile(new URL("../../pkg/brigade_bg.wasm", import.meta.url)), compile(SANDBOX_WASM)])
      .then(([engine, sandbox]) => ({ engine, sandbox }), () => null);
    return this.modules;
  }

  /** Stop every run at once: its worker (and the learner's code in it) is terminated. */
  stopWorker(error) {
    for (const run of [...this.runs]) run.reject(error);
  }

  // ---- running --------------------------------------------------------------------------------

  /** The config of a run of the learner's code: the current run's, with the chosen scope. */
  runConfig() {
    const config = { ...this.app.config };
    for (const key of CUSTOM_KEYS) delete config[key];
    return { ...config, custom_process: this.scope.value };
  }

  async run() {
    if (this.busy) { this.sayBusy(); return; }
    const config = this.runConfig();
    const orders = config.orders ?? this.app.defaults.orders ?? 0;
    if (orders > MAX_ORDERS) {
      this.say(null, `This run has ${orders} orders; your process manager runs at most ${MAX_ORDERS} (set up a smaller run first).`);
      return;
    }
    this.begin("run", "Running your process manager in its sandbox… (Stop ends it)");
    try {
      const result = await this.request({ op: "run", config, code: this.editor.value });
      this.showRun(result);
    } catch (error) {
      if (this.cancelled) this.say("Stopped: your code was ended; the run shown is unchanged.");
      else this.say(null, errorText(error));
    } finally {
      this.finish();
    }
  }

  /** A run (`kind` "run") or a check ("grade") of the sandbox starts: its Stop is offered until `finish`. */
  begin(kind, status) {
    this.busy = kind;
    this.cancelled = false;
    (kind === "run" ? this.stopRun : this.cancel).hidden = false;
    this.say(status);
  }

  finish() {
    this.busy = false;
    this.cancel.hidden = true;
    this.stopRun.hidden = true;
  }

  /** Stop a run of the learner's code: the worker (and the code in it) is terminated. */
  stopRunning() {
    if (this.busy !== "run") return;
    this.cancelled = true;
    this.stopWorker(new Error("stopped"));
  }

  /** Said when a button is pressed while the worker is busy (rather than ignoring it). */
  sayBusy() {
    this.say(this.busy === "run" ? "Your process manager is still running: Stop it first, then Check it." : "A check is running: Stop it first.");
  }

  /** Adopt a worker's run on the page (from its recorded decisions) and show how it went. */
  showRun(result, step = null) {
    const sim = this.adopt(result);
    if (!sim) return;
    if (result.error) {
      this.app.seek(result.step ?? 0);
      this.say(`Stopped at step ${result.step}.`, result.error);
    } else {
      this.app.seek(step ?? this.app.call(() => sim.totalSteps(), 0));
      const report = this.app.call(() => sim.report(), null);
      const done = report ? ` ${report.completed ?? "?"} completed, ${report.dropped ?? report.dropped_total ?? "?"} dropped.` : "";
      this.say(`Your process manager ran ${this.app.call(() => sim.orderCount(), 0)} orders.${done} Step through it below, or check it.`);
    }
    this.app.changed();
  }

  adopt(result) {
    let sim;
    try {
      sim = guard(() => this.app.Simulation.importProcessRun(result.run, result.decisions));
    } catch (error) {
      this.say(null, `The run could not be shown: ${errorText(error)}`);
      return null;
    }
    if (!sim) return null;
    const config = this.app.configOf(sim, result.run);
    this.app.keepInHistory();
    this.app.adopt(sim, diff(config, this.app.defaults));
    this.app.clearError();
    return sim;
  }

  /** Called on every render: say so when the process managers of the shown run stopped. */
  update() {
    const sim = this.app.sim;
    if (!sim || typeof sim.processError !== "function") return;
    const error = this.app.call(() => sim.processError(), null) ?? null;
    if (error && error !== this.shownError) {
      this.shownError = error;
      this.error.textContent = error;
      this.error.hidden = false;
      if (this.section.hidden) this.app.notify(`Your process manager stopped: ${error}`);
    }
    if (!error) this.shownError = null;
  }

  // ---- checking ----------------------------------------------------------------------------

  async grade() {
    if (this.busy) { this.sayBusy(); return; }
    this.begin("grade", null);
    this.markRules(null);
    this.result.hidden = true;
    const code = this.editor.value;
    const scope = this.scope.value;
    const failures = [];
    const explored = [];
    try {
      for (const [i, scenario] of SCENARIOS.entries()) {
        this.say(`Checking: scenario ${i + 1} of ${SCENARIOS.length} (${scenario.name})…`);
        const result = await this.request({ op: "run", config: { ...scenario.config, custom_process: scope }, code,
          options: scenario.options });
        if (result.error) {
          failures.push({ rule: "runs", scenario: scenario.name, run: result, step: result.step, detail: result.error });
          continue;
        }
        const file = JSON.parse(result.run);
        for (const f of check(file.history, file.config)) failures.push({ ...f, scenario: scenario.name, run: result });
      }
      // every fate of one order of each kind (only dodgy ones run your code with "dodgy customers only")
      const kinds = scope === "dodgy" ? ["dodgy"] : EXPLORATION.orders;
      for (const kind of kinds) {
        const said = `Checking every fate of one ${kind} order`;
        this.say(`${said}…`);
        const { progress, counterexample } = await this.request({ op: "explore", config: { custom_process: scope }, code,
          options: { order: kind, max_states: EXPLORATION.max_states } },
        (p) => this.say(`${said}: ${p.states.toLocaleString("en")} states explored…`));
        explored.push({ kind, progress });
        const broken = progress.broken;
        if (broken && counterexample) {
          failures.push({ rule: EXPLORER_RULES[broken.rule] ?? broken.rule, scenario: EXPLORATION.name, order: 1,
            kind, run: counterexample, step: counterexample.step,
            detail: `${broken.detail}; shortest schedule: ${broken.schedule.join("; ") || "no lost, duplicated or late delivery at all"}` });
        }
      }
    } catch (error) {
      if (this.cancelled) this.say("Checking stopped; nothing was graded.");
      else this.say(null, errorText(error));
      this.finish();
      return;
    }
    this.finish();
    this.say(null);
    this.renderGrade(failures, explored);
  }

  /** Stop the run or the check at once: its worker (and your code in it) is terminated. */
  cancelGrade() {
    if (!this.busy) return;
    this.cancelled = true;
    this.stopWorker(new Error("stopped"));
    this.finish();
  }

  /**
   * One `grade-failure` per broken rule in the seeded scenarios (where it broke first, and
   * how often), and one per order kind whose exploration broke a rule (its shortest
   * counterexample).
   */
  renderGrade(failures, explored = []) {
    const pass = failures.length === 0;
    this.result.dataset.pass = String(pass);
    const groups = new Map();
    for (const f of failures) {
      const key = f.kind ? `every fate/${f.kind}` : f.rule;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(f);
    }
    const items = [...groups.values()].map((all) => {
      const f = all[0];
      const more = all.length > 1
        ? ` (and ${all.length - 1} more time${all.length > 2 ? "s" : ""}, in ${[...new Set(all.map((x) => x.scenario))].join(", ")})`
        : "";
      return el("li", { class: "grade-failure", "data-testid": "grade-failure",
        dataset: { rule: f.rule, scenario: f.scenario, order: f.order ?? "", kind: f.kind ?? "" } },
      el("strong", {}, RULES[f.rule] ?? f.rule),
      ` — ${f.scenario}${f.kind ? `, the ${f.kind} order` : f.order ? `, order ${f.order}` : ""}: ${f.detail}${more} `,
      el("button", { type: "button", class: "small", "data-testid": "grade-open",
        onclick: () => this.openFailure(f) }, f.kind ? "open the counterexample" : "open the step"));
    });
    const broken = new Set(failures.map((f) => f.rule));
    this.markRules(broken);
    const places = items.length === 1 ? "1 place" : `${items.length} places`;
    this.result.replaceChildren(...[
      el("p", { class: "grade-verdict" }, pass
        ? `Passed: every order of the ${SCENARIOS.length} scenarios (${SCENARIOS.map((x) => x.name).join(", ")}) keeps every rule.`
        : `Failed: ${broken.size} rule${broken.size > 1 ? "s" : ""} broken, in ${places}:`),
      explored.length ? el("p", { class: "grade-explored", "data-testid": "grade-explored" },
        explored.map(({ kind, progress: p }) => exploredText(kind, p)).join(" ")) : null,
      items.length ? el("ul", {}, items) : null].filter(Boolean));
    this.result.hidden = false;
  }

  /** Mark each listed rule: `broken` a set of rule ids after a check, null before (unchecked). */
  markRules(broken) {
    for (const li of this.rules.children) {
      const status = broken === null ? "unchecked" : broken.has(li.dataset.rule) ? "fail" : "pass";
      li.dataset.status = status;
      li.firstChild.textContent = { unchecked: "○ ", pass: "✓ ", fail: "✕ " }[status];
      li.title = { unchecked: "not checked yet", pass: "kept in every scenario", fail: "broken: see the check's result" }[status];
    }
  }

  openFailure(failure) {
    const sim = this.adopt(failure.run);
    if (!sim) return;
    if (failure.seq !== undefined) {
      // messages are read up to the cursor: from the end, the pane then moves it back
      this.app.seek(this.app.call(() => sim.totalSteps(), 0));
      this.app.openMessage(failure.seq, { go: true });
    }
    else this.app.seek(failure.step ?? 0);
    // the run is below this panel: bring the opened message (or the step's floor) into view
    if (failure.seq !== undefined) this.app.reveal($("#message-pane"));
    else this.app.reveal($(".floor-panel"), $("#step-caption"));
  }

  // ---- code from elsewhere ------------------------------------------------------------------

  /** Ask before running `code`; resolves to true when the learner agrees. */
  ask(code) {
    this.confirmCode.textContent = code;
    return new Promise((resolve) => {
      const done = (yes) => {
        this.confirmRun.onclick = null;
        this.confirmCancel.onclick = null;
        this.dialog.onclose = null;
        if (this.dialog.open) this.dialog.close();
        resolve(yes);
      };
      this.confirmRun.onclick = () => done(true);
      this.confirmCancel.onclick = () => done(false);
      this.dialog.onclose = () => done(false);
      this.dialog.showModal();
    });
  }

  /** A link whose config carries code: ask, then run it in the worker. */
  async fromLink(state) {
    const code = String(state.config.process_code ?? "");
    // the learner's own code (the same as in their editor's storage) needs no question
    const own = code !== "" && code === load();
    if (!own && !(await this.ask(code))) {
      this.app.notify("The link's process manager was not run; showing the default run.");
      return;
    }
    this.editor.value = code;
    this.scope.value = state.config.custom_process === "dodgy" ? "dodgy" : "all";
    this.show(true);
    this.begin("Running the link's process manager in its sandbox…");
    try {
      const config = { ...state.config };
      delete config.process_code;
      const result = await this.request({ op: "run", config, code });
      this.showRun(result, state.step ?? 0);
    } catch (error) {
      if (this.cancelled) this.say("Stopped: the link's code was ended; showing the default run.");
      else this.say(null, errorText(error));
    } finally {
      this.finish();
    }
  }

  /** A run file whose config carries code: ask, then re-run and check it in the worker. */
  async fromFile(text, config) {
    const code = String(config.process_code ?? "");
    if (!(await this.ask(code))) {
      this.app.notify("The run file's process manager was not run; the current run is unchanged.");
      return;
    }
    this.editor.value = code;
    this.show(true);
    this.begin("Re-running the file's process manager in its sandbox…");
    try {
      const result = await this.request({ op: "rerun", text, code });
      let step = null;
      try { step = JSON.parse(text).view?.step ?? null; } catch { step = null; }
      this.showRun(result, step);
    } catch (error) {
      if (this.cancelled) {
        this.say("Stopped: the file's code was ended; the current run is unchanged.");
      } else {
        this.app.showError(`Import failed: ${errorText(error)}. The current run is unchanged.`);
        this.say(null, errorText(error));
      }
    } finally {
      this.finish();
    }
  }
}

/** What the exploration of one kind of order did, in a sentence. */
function exploredText(kind, p) {
  const counted = `${p.states.toLocaleString("en")} states (${p.schedules.toLocaleString("en")} schedule${p.schedules === 1 ? "" : "s"} to idle)`;
  const bound = `every schedule of up to ${p.max_fates} lost, duplicated or late deliveries`;
  switch (p.verdict) {
    case "holds": return `Every fate of one ${kind} order: every rule holds for ${bound}; explored ${counted}.`;
    case "limit": return `Every fate of one ${kind} order: explored ${counted}; stopped at the limit, no violation found so far.`;
    case "broken": return `Every fate of one ${kind} order: a rule breaks after ${p.broken.fates} lost, duplicated or late ${p.broken.fates === 1 ? "delivery" : "deliveries"}; explored ${counted}.`;
    default: return `Every fate of one ${kind} order: explored ${counted}.`;
  }
}

/** The keys of `config` that differ from `defaults`, whatever the order of keys inside. */
function diff(config, defaults) {
  const out = {};
  for (const [key, value] of Object.entries(config ?? {})) {
    if (canonical(value) !== canonical(defaults?.[key])) out[key] = value;
  }
  return out;
}

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function load() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function save(code) {
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // storage full or refused: the code stays in the editor
  }
}

/** The shape of decide, next to the editor. */
function docs() {
  const w = words();
  const row = (type, fields) => el("tr", {}, el("td", { class: "mono" }, type), el("td", { class: "mono" }, fields));
  return [
    el("h3", {}, "decide(state, message, config)"),
    el("p", {}, "state: what you returned last time for this order (null at first). message: ",
      el("code", {}, "{ type, seq, at_ms, id, …payload }"), ". config: ",
      el("code", {}, "{ cook_timeout_ms, price_timeout_ms, pay_timeout_ms, max_retries, version }"), "."),
    el("p", {}, "Return ", el("code", {}, "{ state, send: [...] }"), ". What you may send:"),
    el("table", { class: "exercise-types" },
      el("tbody", {},
        // the engine's words: which types ask for work, end an order, hold a timeout, and why
        row(w.typesMeaning("work").filter((t) => !w.is(t, "work", "refund")).join(", "), "order, attempt"),
        row([w.typeMeaning("work", "refund"), ...w.typesMeaning("completed")].join(", "), "order"),
        row(w.typesMeaning("alarm").join(", "), `after_ms, message: { type: "${w.typeMeaning("timeout")}", step, attempt }`),
        row(w.typesMeaning("dropped").join(", "), `reason: ${w.vocabulary.drop_reasons.join(" | ")}`),
        row(w.typesMeaning("rejected").join(", "), `reason: ${w.vocabulary.reject_reasons.join(" | ")}`))),
    el("p", { class: "hint" }, "order is a document the order received (message.order, or one kept in your state). Example: ",
      el("code", {}, "send.push({ type: \"CookFood\", order: message.order, attempt: 1 })"), "."),
    el("p", { class: "hint" }, "Deterministic only: no Math.random, no Date.now, nothing kept outside the state — the replay would decide differently, and the run stops saying where."),
    el("p", { class: "hint" }, "Check it: seeded runs, drops at the worst moments, then every fate of one normal and one dodgy order. Ask for a payment again only when its timeout rang."),
  ];
}
