// The run's lifecycle, part of the page's App (main.js mixes these methods in; `this` is
// the App): a new run from a config, a preset or a file, a run rebuilt from the address
// without blocking the tab, the frontier grown in the background, the inputs a person
// takes (an order placed, a version, a fate, a kitchen event), and the run file exported
// or imported.

import { $, el, formatInt } from "./dom.js";
import { guard, errorText, engineDead, noteLoading, noteLoaded, fileIsObserved, openObserved } from "./engine.js";
import { isExercise } from "./exercise/is-exercise.js";
import { configDiff, inputAction } from "./url-state.js";
import { applyInput, describeEdit } from "./inputs.js";
import { seekTo } from "./playback.js";

const MAX_CHUNK = 50000;

/** The methods (see the top of this file). */
export const runLifecycle = {
  /** Replace the current run; throws (leaving the current run as it is) on a bad config. */
  newRun(config) {
    const sim = guard(() => new this.Simulation(config));
    if (!sim) throw new Error("the engine is not available");
    this.keepInHistory();
    this.adopt(sim, configDiff(config, this.defaults));
    this.branches.reset();
    this.clearError();
  },

  fillPresetBar() {
    const select = $("#preset-bar");
    select.replaceChildren(el("option", { value: "", text: "custom" }),
      ...this.presets.map((p) => el("option", { value: p.name, text: p.name, title: p.description ?? "" })));
  },

  /** Start a preset's run from the main bar (one click: no form). */
  startPreset(name) {
    const preset = this.presets.find((p) => p.name === name);
    if (!preset) return;
    try {
      this.newRun(preset.config);
    } catch (error) {
      this.showError(`The preset ${name} could not start: ${errorText(error)}`);
    }
  },

  /** The preset whose config the current run has, or "". */
  presetOf(config) {
    const full = JSON.stringify({ ...this.defaults, ...config });
    return this.presets.find((p) => JSON.stringify({ ...this.defaults, ...p.config }) === full)?.name ?? "";
  },

  /** The full config of a run: from the engine when it says, else from the run file. */
  configOf(sim, text) {
    if (typeof sim.config === "function") {
      const config = this.call(() => sim.config(), null);
      if (config) return config;
    }
    try {
      return JSON.parse(text).config ?? {};
    } catch {
      return {};
    }
  },

  adopt(sim, config) {
    const old = this.sim;
    this.pause();
    this.sim = sim;
    this.config = config;
    this.gen++;
    this.selected = null;
    this.filters = { order: "", type: "" };
    this.endWanted = false;
    this.inspector.selected(null, null);
    this.setup.fill(config);
    $("#preset-bar").value = this.presetOf(config);
    this.notify(null);
    $("#live-version").value = String(config.process_version ?? this.defaults.process_version ?? 2);
    if (old) guard(() => old.free());
    this.grow();
    this.changed();
  },

  /** Stop computing the run (the button in the progress bar); what is computed stays. */
  cancel() {
    this.cancelled = true;
    this.endWanted = false;
    this.changed();
  },

  /**
   * Rebuild a run from config + inputs + step (the URL state), without blocking the tab.
   * A rebuild overtaken by a newer one (Back pressed again while a long run was rebuilt)
   * gives up with an error marked `stale`: the newer one shows its run, not the older.
   */
  async rebuild(state) {
    const ticket = ++this.rebuilds;
    const current = () => {
      if (ticket !== this.rebuilds) throw Object.assign(new Error("a newer rebuild replaced it"), { stale: true });
    };
    this.restoring = true;
    try {
      // the link's orders placed by hand count against the page's memory budget too:
      // refused before anything runs, with what fits (not after a minute of running out)
      const placed = state.inputs.filter((i) => inputAction(i).type === "PlaceOrder").length;
      guard(() => this.Simulation.checkMemory(state.config, placed));
      const sim = guard(() => new this.Simulation(state.config));
      if (!sim) throw new Error("the engine is not available");
      try {
        for (const input of state.inputs) {
          await this.growTo(sim, input.step, current);
          if (guard(() => sim.totalSteps()) < input.step) throw new Error(`an input at step ${input.step} lies beyond the end of the run`);
          guard(() => seekTo(sim, input.step));
          const action = inputAction(input);
          try {
            guard(() => applyInput(sim, action));
          } catch (error) {
            if (engineDead()) throw error;
            throw new Error(`the input at step ${input.step} (${action.type}) cannot happen: ${errorText(error)}`);
          }
        }
        await this.growTo(sim, state.step, current);
        const total = guard(() => sim.totalSteps());
        if (total < state.step) throw new Error(`step ${state.step} lies beyond the end of the run (${total} steps)`);
      } catch (error) {
        guard(() => sim.free());
        throw error;
      }
      this.adopt(sim, configDiff(state.config, this.defaults));
      const lastVersion = [...state.inputs].reverse().find((i) => inputAction(i).type === "SetProcessVersion");
      if (lastVersion) $("#live-version").value = String(inputAction(lastVersion).version);
      guard(() => seekTo(sim, state.step));
      this.tab = state.tab;
      if (state.order) {
        const orders = typeof sim.orderCount === "function"
          ? guard(() => sim.orders(state.order - 1, state.order), [])
          : guard(() => sim.orders(), []);
        const order = (orders ?? []).find((o) => o.order === state.order);
        if (order) this.selectOrder(order.correlation_id);
      }
      this.changed();
    } finally {
      if (ticket === this.rebuilds) this.restoring = false;
    }
  },

  /**
   * Grow `sim`'s frontier to at least `step` steps (or idle), a chunk per task; `alive()`
   * throws when the growing is no longer wanted.
   */
  async growTo(sim, step, alive = () => {}) {
    let chunk = 2000;
    this.cancelled = false;
    alive();
    while (guard(() => sim.totalSteps()) < step && !guard(() => sim.frontierIdle(), true)) {
      if (this.cancelled) {
        this.showProgress(null);
        throw new Error("you stopped rebuilding it");
      }
      const t0 = performance.now();
      guard(() => sim.extend(Math.min(chunk, step - sim.totalSteps())));
      chunk = adapt(chunk, performance.now() - t0);
      this.showProgress(`rebuilding the run from the link… ${formatInt(guard(() => sim.totalSteps()))} / ${formatInt(step)} steps`);
      await nextTask();
      alive();
    }
    this.showProgress(null);
    if (engineDead()) throw new Error("the engine stopped");
  },

  /** The progress bar's stop button (added here when the page has none). */
  addCancel() {
    const box = $("#progress");
    if (!box || box.querySelector("[data-testid=cancel-run]")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Stop";
    button.title = "Stop computing the run; the steps computed so far stay";
    button.dataset.testid = "cancel-run";
    button.addEventListener("click", () => this.cancel());
    box.append(" ", button);
  },

  showProgress(text) {
    $("#progress").hidden = !text;
    if (text) {
      $("#progress-text").textContent = text;
    }
  },

  /** Keep extending the frontier in small chunks until the run is idle. */
  grow() {
    // a grower of a run replaced since still counts as growing until its next tick:
    // the new run needs its own
    if (this.growing && this.growingSim === this.sim) return;
    this.growing = true;
    this.cancelled = false;
    const sim = this.sim;
    this.growingSim = sim;
    const tick = () => {
      if (sim !== this.sim || engineDead()) {
        if (this.growingSim === sim) this.growing = false;
        return;
      }
      if (this.cancelled) {
        this.growing = false;
        this.changed();
        return;
      }
      const t0 = performance.now();
      const idle = this.call(() => sim.extend(this.chunk), true);
      this.chunk = adapt(this.chunk, performance.now() - t0);
      if (this.endWanted) this.call(() => seekTo(sim, sim.totalSteps()));
      if (idle) {
        this.growing = false;
        this.endWanted = false;
        noteLoaded();
      } else {
        setTimeout(tick, 0);
      }
      this.changed();
    };
    setTimeout(tick, 0);
  },

  placeOrder(dodgy) {
    const corr = this.takeInput({ type: "PlaceOrder", dodgy: Boolean(dodgy) }, null, (sim) => sim.placeOrder({ dodgy: Boolean(dodgy) }));
    if (corr !== undefined) this.selectOrder(corr);
  },

  setProcessVersion(version) {
    this.takeInput({ type: "SetProcessVersion", version }, null, (sim) => { sim.setProcessVersion(version); return true; });
  },

  /**
   * Move live order number `order` to `version` of its process (issue 23: a migration),
   * or, with `order` null, every live pay-last order that can move. The engine refuses a
   * move whose history would be decided differently (the past cannot change): the refusal
   * is shown and nothing changes.
   */
  migrate(order, version) {
    const action = order === null
      ? { type: "MigrateOrders", definition: "pay-last", version }
      : { type: "MigrateOrder", order, version };
    return this.takeInput(action, null, (sim) => { applyInput(sim, action); return true; });
  },

  /**
   * Take one input at the cursor: `call(sim)` makes it through the facade. A bad input shows
   * its error and changes nothing; an input behind the frontier keeps the run before it as a
   * branch (named after `action`, `messageType` naming the message of a fate). Returns what
   * `call` returned, or undefined when it failed.
   */
  takeInput(action, messageType, call) {
    if (!this.sim || engineDead()) return undefined;
    const replaced = this.futureAtStake();
    const before = this.branches.snapshot();
    this.keepInHistory();
    let result;
    try {
      result = guard(() => call(this.sim));
    } catch (error) {
      this.pushNext = false;
      this.showError(`${errorText(error)} (nothing changed)`);
      return undefined;
    }
    if (engineDead()) return undefined;
    this.clearError();
    const step = replaced?.at ?? this.call(() => this.sim.currentStep(), 0);
    const edit = describeEdit(action, messageType ?? "a message");
    const name = `${edit} at step ${step}`;
    const capital = `${name[0].toUpperCase()}${name.slice(1)}`;
    const recomputed = replaced ? `the ${formatInt(replaced.total - replaced.at)} steps after step ${formatInt(replaced.at)} are being recomputed` : "";
    if (replaced && this.branches.editsAt(step)) {
      // another edit at the step the shown branch began with: it goes on that branch
      this.branches.addEdit(edit);
      this.notify(`${capital} joins the branch's other edits at step ${formatInt(step)}: ${recomputed}. The browser's Back button undoes it.`);
    } else if (replaced) {
      this.branches.fork(before, { edit, step });
      this.notify(`${capital} replaced the rest of the run: ${recomputed}. ` +
        "The run before it is kept as a branch (Branches, above the floor); the browser's Back button undoes the change.");
    }
    this.gen++;
    this.grow();
    this.changed();
    return result === undefined ? null : result;
  },

  /** The steps an input at the cursor would discard: { at, total } or null when none. */
  futureAtStake() {
    const at = this.call(() => this.sim.currentStep(), 0);
    const total = this.call(() => this.sim.totalSteps(), 0);
    return at < total ? { at, total } : null;
  },

  /**
   * Before an action that changes the run (an input, a new run): the address holds the run as
   * it is now, and the action's address will be a new history entry, so Back undoes it.
   */
  keepInHistory() {
    if (this.restoring || !this.sim || engineDead()) return;
    clearTimeout(this.urlTimer);
    this.urlTimer = null;
    this.saveUrl();
    this.pushNext = true;
  },

  exportRun() {
    if (!this.sim || engineDead()) return;
    const text = this.call(() => this.sim.exportRun());
    if (!text) return;
    // exporting runs the frontier to idle: the grower has nothing left to do
    this.changed();
    const seed = this.config.seed ?? this.defaults.seed;
    const blob = new Blob([text], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `brigade-run-seed-${seed}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },

  async importFile(input) {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    const text = await file.text();
    this.importText(text);
  },

  /** Load a run file; on any error the current run stays as it is. */
  importText(text) {
    let fileConfig = null;
    try { fileConfig = JSON.parse(text)?.config ?? null; } catch { fileConfig = null; }
    if (isExercise(fileConfig)) {
      // a run made with a learner's process manager: its code runs only once agreed to
      this.exercise.fromFile(text, fileConfig);
      return false;
    }
    let sim;
    // a crash while importing is the file's, not the run in the address's
    noteLoading("import");
    try {
      // a record of a live kitchen is shown as it happened, not re-simulated (observed.js)
      sim = guard(() => (fileIsObserved(text) ? openObserved(text) : this.Simulation.importRun(text)));
    } catch (error) {
      noteLoaded();
      this.showError(`Import failed: ${errorText(error)}. The current run is unchanged.`);
      return false;
    }
    if (!sim) return false;
    this.keepInHistory();
    this.adopt(sim, configDiff(this.configOf(sim, text), this.defaults));
    this.branches.reset();
    // a run file records the step it was looking at (`view.step`); without one, show the end
    let view = null;
    try { view = JSON.parse(text).view ?? null; } catch { view = null; }
    const step = Number.isSafeInteger(view?.step) ? view.step : null;
    this.call(() => seekTo(sim, step ?? sim.totalSteps()));
    this.clearError();
    this.changed();
    return true;
  },
};

/** Halve or double a chunk size so that one chunk takes about `target` ms. */
export function adapt(chunk, ms, target = 10) {
  if (ms < target / 2) return Math.min(MAX_CHUNK, chunk * 2);
  if (ms > target * 2) return Math.max(1, Math.floor(chunk / 2));
  return chunk;
}

export function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
