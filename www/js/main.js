// The page's one owner of state: the Simulation (which owns everything about the run)
// plus what only the page cares about (selection, filters, playing). Views read a
// `frame` built once per animation frame and redraw what changed.

import { $, el, formatInt } from "./dom.js";
import { loadEngine, guard, setFatalHandler, errorText, engineDead, noteLoading, noteLoaded, crashedBefore } from "./engine.js";
import { ExercisePanel, isExercise } from "./exercise/panel.js";
import { encodeState, decodeState, configDiff, inputAction } from "./url-state.js";
import { SetupForm } from "./setup.js";
import { FloorView } from "./floor.js";
import { TimelineView } from "./timeline.js";
import { LogView } from "./log.js";
import { InspectorView } from "./inspector.js";
import { NumbersView } from "./numbers.js";
import { bindKeys } from "./keyboard.js";
import { FaultIndex } from "./faults.js";
import { MessagePane } from "./message-pane.js";
import { Mailbox } from "./mailbox.js";
import { ExploreView } from "./explore-view.js";
import { applyInput, describeInput } from "./inputs.js";
import { Branches } from "./branches.js";
import { KitchenControls } from "./controls.js";
import { Tour } from "./tour/tour.js";
import { setUpEmbed, embedSuffix } from "./embed.js";
import { ShareDialog } from "./share.js";
import { bringIntoView, keepStepsInView } from "./reveal.js";

const MAX_CHUNK = 50000;
/** What "next fault / timeout / retry / completion" look for (the engine's run index: nextMark). */
const NEXT_WORDS = { fault: "lost, duplicated, refused or rejected delivery", timeout: "timeout heard by the house", retry: "retry", completion: "completion" };
const PLAY_CATCH_UP = 2000; // never try to catch up more than this many steps in a frame
/**
 * The history state of every entry the page writes: such an entry's address is the whole
 * truth (without `&br=` it had one run); only an address from elsewhere (a link pasted or
 * opened) may take the branches the session kept for its run.
 */
const OWN_ENTRY = Object.freeze({ brigade: 1 });
const ownEntry = () => history.state?.brigade === OWN_ENTRY.brigade;

class App {
  constructor(Simulation) {
    this.Simulation = Simulation;
    this.sim = null;
    this.config = {};
    this.gen = 0;
    this.selected = null;
    this.filters = { order: "", type: "" };
    this.tab = "pm";
    this.playing = false;
    this.speed = 10;
    this.growing = false;
    this.chunk = 500;
    this.playChunk = 50;
    this.endWanted = false;
    this.scheduled = false;
    this.restoring = false;
    this.rebuilds = 0; // rebuilds started: only the newest may adopt its run
    this.urlTimer = null;
    this.lastUrl = "";
    this.frame = null;
    this.faults = new FaultIndex(this);
    this.defaults = this.call(() => Simulation.defaultConfig(), {});
    this.presets = this.call(() => Simulation.presets(), []) ?? [];
  }

  start() {
    this.timeline = new TimelineView(this);
    this.floor = new FloorView(this);
    this.log = new LogView(this);
    this.exercise = new ExercisePanel(this);
    this.inspector = new InspectorView(this);
    this.numbers = new NumbersView(this);
    this.messagePane = new MessagePane(this);
    this.mailbox = new Mailbox(this);
    this.exploreView = new ExploreView(this);
    this.branches = new Branches(this);
    this.kitchen = new KitchenControls(this);
    this.setup = new SetupForm({
      defaults: this.defaults,
      presets: this.presets,
      onSubmit: (config) => this.newRun(config),
      randomSeed: typeof this.Simulation.randomSeed === "function" ? () => this.Simulation.randomSeed() : null,
    });
    bindKeys(this);
    this.addCancel();
    // a normal unload is not a crash: only a load that never finished is
    window.addEventListener("pagehide", () => noteLoaded());
    $("#export").addEventListener("click", () => this.exportRun());
    $("#import").addEventListener("change", (event) => this.importFile(event.target));
    $("#error-close").addEventListener("click", () => this.clearError());
    $("#notice-close").addEventListener("click", () => this.notify(null));
    this.tour = new Tour(this);
    setUpEmbed();
    keepStepsInView();
    this.share = new ShareDialog(this);
    this.fillPresetBar();
    $("#preset-bar").addEventListener("change", (event) => this.startPreset(event.target.value));
    window.addEventListener("hashchange", () => {
      if (location.hash.slice(1) !== this.lastUrl) this.restoreFromUrl();
    });
    this.restoreFromUrl();
  }

  // ---- errors --------------------------------------------------------------------------

  /** Call the facade; panics and thrown errors end up in the error banner. */
  call(fn, fallback = undefined) {
    try {
      return guard(fn, fallback);
    } catch (error) {
      this.showError(errorText(error));
      return fallback;
    }
  }

  showError(message) {
    $("#error-text").textContent = message;
    $("#error").hidden = false;
  }

  clearError() {
    $("#error-text").textContent = "";
    $("#error").hidden = true;
  }

  fatal(message) {
    this.playing = false;
    this.growing = false;
    this.showError(message);
    document.body.classList.add("engine-dead");
    for (const b of document.querySelectorAll(".controls button, .controls input, .controls select, #export")) b.disabled = true;
  }

  /** A notice about something the learner did (null hides it); not an error. */
  notify(message) {
    $("#notice-text").textContent = message ?? "";
    $("#notice").hidden = !message;
  }

  // ---- runs ----------------------------------------------------------------------------

  /** Replace the current run; throws (leaving the current run as it is) on a bad config. */
  newRun(config) {
    const sim = guard(() => new this.Simulation(config));
    if (!sim) throw new Error("the engine is not available");
    this.keepInHistory();
    this.adopt(sim, configDiff(config, this.defaults));
    this.branches.reset();
    this.clearError();
  }

  fillPresetBar() {
    const select = $("#preset-bar");
    select.replaceChildren(el("option", { value: "", text: "custom" }),
      ...this.presets.map((p) => el("option", { value: p.name, text: p.name, title: p.description ?? "" })));
  }

  /** Start a preset's run from the main bar (one click: no form). */
  startPreset(name) {
    const preset = this.presets.find((p) => p.name === name);
    if (!preset) return;
    try {
      this.newRun(preset.config);
    } catch (error) {
      this.showError(`The preset ${name} could not start: ${errorText(error)}`);
    }
  }

  /** The preset whose config the current run has, or "". */
  presetOf(config) {
    const full = JSON.stringify({ ...this.defaults, ...config });
    return this.presets.find((p) => JSON.stringify({ ...this.defaults, ...p.config }) === full)?.name ?? "";
  }

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
  }

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
  }

  async restoreFromUrl() {
    // the address now shows this state: a Forward to the one before must be seen as a change
    this.lastUrl = location.hash.slice(1);
    const hash = location.hash;
    const own = ownEntry();
    if (this.tour.fromAddress(location.hash)) return;
    let state = null;
    try {
      state = decodeState(location.hash);
    } catch (error) {
      this.showError(`The link could not be used: ${errorText(error)}. Showing the default run instead.`);
    }
    // a link that crashed the engine in this tab is not loaded again
    const crash = state ? crashedBefore(location.hash) : null;
    if (crash) {
      this.showError(`This link crashed the simulation engine when it was last opened here: ${crash} Showing the default run instead.`);
      state = { ...state, config: {}, inputs: [], step: 0, order: null, crashed: true };
    } else if (state && isExercise(state.config)) {
      // a link carrying a process manager: show the default run, run the code only if the
      // learner agrees (exercise/panel.js)
      const sim = this.call(() => new this.Simulation({}));
      if (sim) this.adopt(sim, {});
      this.exercise.fromLink(state);
      return;
    } else if (state) {
      noteLoading(location.hash);
    }
    if (state && !state.crashed) {
      try {
        await this.rebuild(state);
        this.branches.restore(hash, { session: !own });
        return;
      } catch (error) {
        if (error?.stale || engineDead()) return;
        this.showError(`The link could not be used: ${errorText(error)}. Showing the default run instead.`);
      }
    }
    const sim = this.call(() => new this.Simulation({}));
    if (sim) this.adopt(sim, {});
    this.branches.reset();
    this.tab = state?.tab ?? "pm";
  }

  /** Stop computing the run (the button in the progress bar); what is computed stays. */
  cancel() {
    this.cancelled = true;
    this.endWanted = false;
    this.changed();
  }

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
  }

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
  }

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
  }

  showProgress(text) {
    $("#progress").hidden = !text;
    if (text) {
      $("#progress-text").textContent = text;
    }
  }

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
  }

  // ---- time control ---------------------------------------------------------------------

  stepForward(n = 1) {
    if (!this.sim || engineDead()) return;
    this.pause();
    this.endWanted = false;
    for (let i = 0; i < n; i++) {
      const step = this.call(() => this.sim.step());
      if (step === undefined) break;
    }
    this.changed();
  }

  stepBack(n = 1) {
    if (!this.sim || engineDead()) return;
    this.pause();
    this.endWanted = false;
    const target = Math.max(0, this.call(() => this.sim.currentStep(), 0) - n);
    if (n === 1) this.call(() => this.sim.stepBack());
    else this.call(() => seekTo(this.sim, target));
    this.changed();
  }

  seek(n) {
    if (!this.sim || engineDead()) return;
    this.endWanted = false;
    const total = this.call(() => this.sim.totalSteps(), 0);
    const target = Math.max(0, Math.min(total, Math.round(n)));
    this.call(() => seekTo(this.sim, target));
    this.changed();
  }

  runToEnd() {
    if (!this.sim || engineDead()) return;
    this.pause();
    const idle = this.call(() => this.sim.frontierIdle(), true);
    this.call(() => seekTo(this.sim, this.sim.totalSteps()));
    if (!idle) {
      this.endWanted = true;
      this.grow();
    }
    this.changed();
  }

  /**
   * Move the time control to the next step of a kind, asked of the run index the engine
   * keeps as the run is computed (no step is read here, the cursor moves once): "fault" (a
   * delivery lost, doubled, delayed, refused, rejected or absorbed), "timeout" (the house
   * hears a StepTimedOut), "retry" (it answers a timeout or an expiry by asking again),
   * "completion" (an OrderCompleted is decided).
   */
  jumpNext(kind) {
    const sim = this.sim;
    if (!sim || engineDead()) return;
    this.pause();
    if (!NEXT_WORDS[kind]) return;
    const at = this.call(() => sim.currentStep(), 0);
    const found = this.call(() => sim.nextMark(kind, at));
    if (found !== undefined && found !== null) { this.notify(null); this.seek(found); return; }
    const idle = this.call(() => sim.frontierIdle(), true);
    this.notify(`No ${NEXT_WORDS[kind]} after step ${formatInt(at)}${idle ? " in this run" : " in the part of the run computed so far"}.`);
  }

  /** Move the time control to the next step with a lost, duplicated, refused or rejected delivery. */
  faultNext() {
    this.jumpNext("fault");
  }

  /** Move the time control to the previous step with a lost, duplicated, refused or rejected delivery. */
  faultPrev() {
    const sim = this.sim;
    if (!sim || engineDead()) return;
    this.pause();
    const at = this.call(() => sim.currentStep(), 0);
    const found = this.call(() => sim.prevMark("fault", at));
    if (found !== undefined && found !== null) { this.notify(null); this.seek(found); return; }
    this.notify(`No lost, duplicated, refused or rejected delivery before step ${formatInt(at)}.`);
  }

  togglePlay() {
    if (this.playing) this.pause(); else this.play();
  }

  setSpeed(value) {
    this.speed = value === "max" ? "max" : Number(value);
  }

  play() {
    if (this.playing || engineDead() || !this.sim) return;
    const sim = this.sim;
    if (this.call(() => sim.currentStep() >= sim.totalSteps() && sim.frontierIdle(), false)) this.call(() => seekTo(sim, 0));
    this.playing = true;
    this.endWanted = false;
    let last = performance.now();
    let owed = 0;
    const tick = (now) => {
      if (!this.playing || sim !== this.sim) return;
      const dt = Math.min(250, now - last);
      last = now;
      let n;
      if (this.speed === "max") {
        n = this.playChunk;
      } else {
        owed += (dt * this.speed) / 1000;
        n = Math.min(PLAY_CATCH_UP, Math.floor(owed));
        owed -= n;
      }
      if (n > 0) {
        const t0 = performance.now();
        this.advance(sim, n);
        if (this.speed === "max") this.playChunk = Math.max(1, Math.min(PLAY_CATCH_UP, adapt(this.playChunk, performance.now() - t0, 6)));
      }
      this.render();
      if (this.playing) requestAnimationFrame(tick);
    };
    this.changed();
    requestAnimationFrame(tick);
  }

  /** Move the cursor n steps forward, extending the frontier when it is reached. */
  advance(sim, n) {
    const cursor = this.call(() => sim.currentStep(), 0);
    let total = this.call(() => sim.totalSteps(), 0);
    if (cursor + n > total && !this.call(() => sim.frontierIdle(), true)) {
      this.call(() => sim.extend(cursor + n - total));
      total = this.call(() => sim.totalSteps(), 0);
    }
    const target = Math.min(total, cursor + n);
    if (target === cursor + 1) this.call(() => sim.step());
    else if (target > cursor) this.call(() => seekTo(sim, target));
    if (target >= total && this.call(() => sim.frontierIdle(), true)) this.pause();
    if (this.call(() => sim.currentStep(), target) === cursor) this.pause(); // stuck: stop playing
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.changed();
  }

  // ---- inputs ----------------------------------------------------------------------------

  placeOrder(dodgy) {
    const corr = this.takeInput({ type: "PlaceOrder", dodgy: Boolean(dodgy) }, null, (sim) => sim.placeOrder({ dodgy: Boolean(dodgy) }));
    if (corr !== undefined) this.selectOrder(corr);
  }

  setProcessVersion(version) {
    this.takeInput({ type: "SetProcessVersion", version }, null, (sim) => { sim.setProcessVersion(version); return true; });
  }

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
    const name = describeInput(action, step, messageType ?? "a message");
    if (replaced) {
      this.branches.fork(before, name);
      this.notify(`${name[0].toUpperCase()}${name.slice(1)} replaced the rest of the run: the ${formatInt(replaced.total - replaced.at)} steps after ` +
        `step ${formatInt(replaced.at)} are being recomputed. The run before it is kept as a branch (Branches, above the floor); the browser's Back button undoes the change.`);
    }
    this.gen++;
    this.grow();
    this.changed();
    return result === undefined ? null : result;
  }

  /** The steps an input at the cursor would discard: { at, total } or null when none. */
  futureAtStake() {
    const at = this.call(() => this.sim.currentStep(), 0);
    const total = this.call(() => this.sim.totalSteps(), 0);
    return at < total ? { at, total } : null;
  }

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
  }

  /** Pin an order in the inspector; null goes back to following the current step. */
  selectOrder(correlationId) {
    if (correlationId === this.selected) return;
    this.selected = correlationId || null;
    if (!this.selected) {
      this.inspector.selected(null, null);
      this.changed();
      return;
    }
    const order = typeof this.sim.order === "function"
      ? this.call(() => this.sim.order(correlationId))
      : (this.call(() => this.sim.orders(), []) ?? []).find((o) => o.correlation_id === correlationId);
    this.inspector.selected(correlationId, order);
    this.changed();
  }

  revealMessage(seq) {
    this.log.reveal(seq);
  }

  /**
   * After the next render, scroll `element` into view below the time control and focus it
   * (or `focus`): what an action moved or opened is where the learner looks (reveal.js).
   */
  reveal(element, focus = element) {
    this.changed();
    requestAnimationFrame(() => bringIntoView(element, { focus }));
  }

  /**
   * Open message `seq` in the message pane: inspecting it never moves time. What became of
   * it is read over the whole run computed so far (its deliveries, lost ones included);
   * `go` (the pane's "go to its delivery") then moves the time control to its first
   * delivery (a lost one: the step it was lost).
   */
  openMessage(seq, { go = false } = {}) {
    const sim = this.sim;
    if (!sim || engineDead()) return;
    const message = this.call(() => sim.message(seq));
    if (!message) return;
    const faults = this.call(() => sim.faultsOfMessage(seq), []) ?? [];
    const deliveries = this.call(() => sim.deliveriesInRun(seq), []) ?? [];
    const idle = this.call(() => sim.frontierIdle(), true);
    this.messagePane.open(seq, { deliveries, faults, idle }, this.gen);
    if (message.correlation_id !== this.selected) this.selectOrder(message.correlation_id);
    if (go) this.goToDelivery(seq);
    this.changed();
  }

  /** The step that first delivered message `seq` (or lost it), from what the pane read. */
  deliveryStep(seq) {
    const fate = this.messagePane.opened?.seq === seq ? this.messagePane.opened.fate : null;
    if (!fate) return null;
    const first = Math.min(...fate.deliveries.map((d) => d.step), ...fate.faults.filter((f) => f.fault === "drop").map((f) => f.step));
    return Number.isFinite(first) ? first : null;
  }

  /** Move the time control to the delivery of the opened message `seq` (see openMessage). */
  goToDelivery(seq) {
    const step = this.deliveryStep(seq);
    if (step === null) return;
    this.pause();
    this.endWanted = false;
    this.seek(step);
  }

  // ---- keep and share ----------------------------------------------------------------------

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
  }

  async importFile(input) {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    const text = await file.text();
    this.importText(text);
  }

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
      sim = guard(() => this.Simulation.importRun(text));
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
  }

  // ---- rendering ------------------------------------------------------------------------

  changed() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  /** Ask for a render a little later (views that throttle themselves while playing). */
  changedSoon() {
    if (this.soon) return;
    this.soon = setTimeout(() => { this.soon = null; this.changed(); }, 300);
  }

  makeFrame() {
    const sim = this.sim;
    const app = this;
    const memo = (fn) => { let done = false, value; return () => { if (!done) { value = fn(); done = true; } return value; }; };
    const lastStep = memo(() => app.call(() => sim.lastStep()));
    const actors = memo(() => app.call(() => sim.actors(), []));
    const orders = memo(() => app.call(() => sim.orders(), []) ?? []);
    const frame = {
      gen: this.gen,
      cursor: this.call(() => sim.currentStep(), 0),
      total: this.call(() => sim.totalSteps(), 0),
      count: this.call(() => sim.messageCount(), 0),
      idle: this.call(() => sim.frontierIdle(), true),
      nowMs: this.call(() => sim.nowMs(), 0),
      playing: this.playing,
      speed: this.speed,
      processVersion: typeof sim.processVersion === "function" ? this.call(() => sim.processVersion(), null) : null,
      computing: this.growing && !this.call(() => sim.frontierIdle(), true),
      lastStep,
      faults: memo(() => app.faults.upToCursor(frame)),
      actors,
      orders,
      orderBy: memoBy((corr) => (typeof sim.order === "function"
        ? app.call(() => sim.order(corr))
        : orders().find((o) => o.correlation_id === corr))),
      orderCount: memo(() => (typeof sim.orderCount === "function" ? app.call(() => sim.orderCount(), 0) : orders().length)),
      actorNamesByKind: () => {
        const map = new Map();
        for (const a of actors() ?? []) { if (!map.has(a.kind)) map.set(a.kind, []); map.get(a.kind).push(a.name); }
        return map;
      },
      kindByName: () => new Map((actors() ?? []).map((a) => [a.name, a.kind])),
    };
    Object.defineProperty(frame, "deliveredSeq", { get: memo(() => lastStep()?.seq ?? null) });
    return frame;
  }

  render() {
    if (!this.sim || engineDead()) return;
    const frame = this.makeFrame();
    if (engineDead()) return;
    this.frame = frame;
    this.timeline.update(frame);
    this.floor.update(frame);
    this.log.update(frame);
    this.inspector.update(frame);
    this.exercise.update(frame);
    this.numbers.update(frame);
    this.messagePane.update(frame);
    this.mailbox.update(frame);
    this.kitchen.update(frame);
    this.branches.update(frame);
    this.tour.update(frame);
    if (!document.body.dataset.ready) document.body.dataset.ready = "true";
    this.saveUrlSoon();
  }

  saveUrlSoon() {
    if (this.restoring || this.urlTimer) return;
    this.urlTimer = setTimeout(() => {
      this.urlTimer = null;
      this.saveUrl();
    }, this.playing ? 1000 : 200);
  }

  saveUrl() {
    if (!this.sim || engineDead() || this.restoring) return;
    if (this.tour?.ownsAddress()) { this.tour.saveAddress(); return; }
    const order = this.selected ? this.frame?.orderBy(this.selected)?.order : null;
    const state = encodeState({
      config: this.config,
      inputs: this.call(() => this.sim.inputs(), []) ?? [],
      step: this.call(() => this.sim.currentStep(), 0),
      order,
      tab: this.tab,
    }) + this.branches.urlSuffix() + embedSuffix();
    if (state === this.lastUrl) {
      // an entry opened from a link becomes the page's once it shows what it says
      if (!ownEntry() && location.hash.slice(1) === state) history.replaceState(OWN_ENTRY, "");
      return;
    }
    // the address changed under the page (Back, Forward): its hashchange is on its way and
    // restores that entry; writing now would put this run into that entry instead ("" is no
    // claim on the address: the first write, or one forced, as by the tour when it closes)
    if (this.lastUrl !== "" && location.hash.slice(1) !== this.lastUrl) return;
    const push = this.pushNext && this.lastUrl !== "";
    this.pushNext = false;
    this.lastUrl = state;
    if (push) history.pushState(OWN_ENTRY, "", `#${state}`);
    else history.replaceState(OWN_ENTRY, "", `#${state}`);
    this.branches.remember(state);
  }
}

/**
 * sim.seek(n), checked: a cursor that stops short (it should not: see docs/PAGE-NEEDS.md §1,
 * fixed) is finished with single steps, and an error is shown if that fails too.
 */
function seekTo(sim, n) {
  sim.seek(n);
  let at = sim.currentStep();
  while (at < n && sim.step() !== undefined) at++;
  // say so rather than leave a cursor that silently does not move
  if (at !== n) throw new Error(`the engine stopped at step ${at} on its way to step ${n} (please report it with the exported run)`);
}

/** Remember fn's answer per argument, for one frame. */
function memoBy(fn) {
  const cache = new Map();
  return (key) => {
    if (!cache.has(key)) cache.set(key, fn(key));
    return cache.get(key);
  };
}

/** Halve or double a chunk size so that one chunk takes about `target` ms. */
function adapt(chunk, ms, target = 10) {
  if (ms < target / 2) return Math.min(MAX_CHUNK, chunk * 2);
  if (ms > target * 2) return Math.max(1, Math.floor(chunk / 2));
  return chunk;
}

function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function main() {
  let Simulation;
  try {
    Simulation = await loadEngine();
  } catch (error) {
    const box = $("#error");
    $("#error-text").textContent = `The simulation engine could not be loaded (pkg/brigade.js): ${errorText(error)}`;
    box.hidden = false;
    return;
  }
  const app = new App(Simulation);
  setFatalHandler((message) => app.fatal(message));
  window.addEventListener("unhandledrejection", (event) => {
    app.showError(`Unexpected error: ${errorText(event.reason)}`);
    event.preventDefault();
  });
  // for tests and the perf script: the page's state, read-only by convention
  window.brigade = app;
  app.start();
}

main();
