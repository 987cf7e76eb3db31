// The page's one owner of state: the Simulation (which owns everything about the run)
// plus what only the page cares about (selection, filters, playing). Views read a
// `frame` built once per animation frame and redraw what changed, and change the shared
// state only through the App's methods. This file wires the page: the views, errors and
// notices, selection, and the frame; the App's other methods live in the run's lifecycle
// (run-lifecycle.js), playback (playback.js) and the address (address.js).

import { $ } from "./dom.js";
import { loadEngine, guard, setFatalHandler, errorText, engineDead, noteLoaded } from "./engine.js";
import { ExerciseLater } from "./exercise-later.js";
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
import { Branches } from "./branches.js";
import { KitchenControls } from "./controls.js";
import { TourLater } from "./tour-later.js";
import { setUpEmbed } from "./embed.js";
import { ShareDialog } from "./share.js";
import { bringIntoView, keepStepsInView } from "./reveal.js";
import { markObserved } from "./observed.js";

import { runLifecycle } from "./run-lifecycle.js";
import { playback } from "./playback.js";
import { address } from "./address.js";
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
    this.live = null; // the live kitchen followed (live-follow.js), if any
    this.faults = new FaultIndex(this);
    this.explorerRun = null; // the counterexample "Check every fate" opened: { sim, inputs } (FaultIndex.chooser)
    this.defaults = this.call(() => Simulation.defaultConfig(), {});
    this.presets = this.call(() => Simulation.presets(), []) ?? [];
  }

  start() {
    this.timeline = new TimelineView(this);
    this.floor = new FloorView(this);
    this.log = new LogView(this);
    // exercise mode and the tour load their code when first opened (exercise-later.js, tour-later.js)
    this.exercise = new ExerciseLater(this);
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
    this.tour = new TourLater(this);
    setUpEmbed();
    keepStepsInView();
    this.share = new ShareDialog(this);
    this.fillPresetBar();
    $("#preset-bar").addEventListener("change", (event) => this.startPreset(event.target.value));
    window.addEventListener("hashchange", () => {
      if (location.hash.slice(1) !== this.lastUrl) this.restoreFromUrl();
    });
    if (!this.followLive()) this.restoreFromUrl();
  }

  /**
   * An address with ?live=ws://… follows that live kitchen (live-follow.js, loaded only
   * then); false without one. A bad one shows why and the page opens as usual.
   */
  followLive() {
    if (!new URLSearchParams(location.search).has("live")) return false;
    import("./live-follow.js").then(({ LiveFollow, liveAddress }) => {
      new LiveFollow(this, liveAddress()).start();
    }).catch((error) => {
      this.showError(`The live kitchen could not be followed: ${errorText(error)}`);
      this.restoreFromUrl();
    });
    return true;
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
    markObserved(this);
    if (!document.body.dataset.ready) {
      document.body.dataset.ready = "true";
      performance.mark("brigade-ready"); // the first visit's time to interactive (tests/e2e/perf.mjs)
    }
    this.saveUrlSoon();
  }

}

// the App's other parts, each in a module named after what it holds
Object.assign(App.prototype, runLifecycle, playback, address);

/** Remember fn's answer per argument, for one frame. */
function memoBy(fn) {
  const cache = new Map();
  return (key) => {
    if (!cache.has(key)) cache.set(key, fn(key));
    return cache.get(key);
  };
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
