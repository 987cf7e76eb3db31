// The guided tour: a panel above the page's panels that walks through the workshop's
// chapters (chapters.js). Each chapter starts its scenario through the App (newRun), plays
// to each stop at a readable pace, points at what happened (an actor on the floor, a row
// of the log, the inspector) and narrates it. Its address is #tour=C.S; progress is kept in
// localStorage. The tour talks to the engine only through the App and its Simulation.

import { embedSuffix } from "../embed.js";
import { $, el } from "../dom.js";
import { CHAPTERS, fullConfig } from "./chapters.js";
import { term, applyGlossary } from "./glossary.js";
import { encodeState } from "../url-state.js";
import { guard, copyRun } from "../engine.js";
import { applyInput } from "../inputs.js";
import { loadProgress, saveProgress } from "./progress.js";
const PACE_MS = 160;      // one step per PACE_MS while playing to a stop
const PLAYED_STEPS = 12;  // at most this many steps are played; before them, a jump

export class Tour {
  /** `offer`: the first visit's offer of the tour, when the stand-in (tour-later.js) made it. */
  constructor(app, { offer = null } = {}) {
    this.app = app;
    this.active = false;
    this.chapter = 0;
    this.stop = 0;
    this.moments = [];       // [{ stop, m }] of the current chapter, in step order
    this.sim = null;         // the Simulation the moments were read from
    this.reader = null;      // a private copy of it, read at any step (the page's cursor never moves to look)
    this.timer = null;
    this.state = "idle";
    this.progress = loadProgress();
    this.glossaryTimer = null;
    this.build(offer);
    // starts the tour, or resumes it where the learner left it (closing is the panel's button)
    $("#tour-toggle").addEventListener("click", () => this.resume());
  }

  /** Start the tour, or go on where the learner left it; when open, bring it into view. */
  resume() {
    if (!this.active) this.open(this.progress.chapter ?? 0, this.progress.stop ?? 0);
    else this.reveal();
  }

  // ---- the panel ---------------------------------------------------------------------------

  build(offer) {
    const host = $("#tour");
    this.list = el("select", { "data-testid": "tour-list", "aria-label": "Chapters", class: "tour-list" });
    this.list.addEventListener("change", () => this.open(Number(this.list.value), 0));
    this.heading = el("h2", { "data-testid": "tour-chapter", class: "tour-heading" });
    this.stopText = el("span");
    this.show = el("button", { type: "button", class: "small tour-show", "data-testid": "tour-show", text: "show me ↓", title: "Scroll to what the narration points at" });
    this.show.addEventListener("click", () => {
      const target = (this.target?.el && document.querySelector(this.target.el)) || document.querySelector(".tour-point");
      target?.scrollIntoView({ block: "center", behavior: "smooth" });
    });
    this.stopLine = el("p", { class: "tour-stop hint", "data-testid": "tour-stop" }, this.stopText, " ", this.show);
    this.intro = el("p", { class: "tour-intro hint", "data-testid": "tour-intro" });
    this.narration = el("p", { class: "narration", "data-testid": "narration", "aria-live": "polite" });
    this.tryText = el("span", { class: "tour-try-text" });
    this.tryButton = el("button", { type: "button", class: "small", "data-testid": "tour-try-action", hidden: true });
    this.tryButton.addEventListener("click", () => CHAPTERS[this.chapter].tryThis.act?.(this));
    this.tryResult = el("p", { class: "tour-try-result", "data-testid": "tour-try-result" });
    this.tryBox = el("div", { class: "tour-try", "data-testid": "tour-try", "data-done": "false" },
      el("strong", { text: "Try this: " }), this.tryText, " ", this.tryButton, this.tryResult);
    this.back = el("button", { type: "button", "data-testid": "tour-back", text: "◀ Back" });
    this.next = el("button", { type: "button", class: "primary", "data-testid": "tour-next", text: "Next ▶" });
    this.link = el("a", { class: "tour-link hint", "data-testid": "tour-link", text: "link to this stop" });
    this.back.addEventListener("click", () => this.move(-1));
    this.next.addEventListener("click", () => this.move(1));
    const close = el("button", { type: "button", class: "small", "data-testid": "tour-close", "aria-label": "Close tour", text: "Close tour" });
    close.addEventListener("click", () => this.close());
    this.panel = el("div", { class: "tour-body" },
      el("div", { class: "tour-head" }, this.heading, el("label", { class: "compact" }, "chapter ", this.list), close),
      this.intro, this.stopLine, this.narration, this.tryBox,
      el("div", { class: "tour-nav" }, this.back, this.next, this.link));
    this.offer = offer ?? el("div", { class: "tour-offer", "data-testid": "tour-offer" },
      el("span", { text: `New to brigade? A guided tour walks through the restaurant workshop in ${CHAPTERS.length} short chapters.` }),
      el("button", { type: "button", class: "primary small", "data-testid": "tour-offer-start", text: "Start the tour", onclick: () => this.open(0, 0) }),
      el("button", { type: "button", class: "small", text: "Not now", onclick: () => { this.offer.hidden = true; } }),
      el("button", { type: "button", class: "small", "data-testid": "tour-offer-dismiss", text: "Don't offer again", onclick: () => this.dismissOffer() }));
    host.replaceChildren(this.offer, this.panel);
    this.panel.hidden = true;
    if (!offer) this.offer.hidden = Boolean(this.progress.dismissed || this.progress.started);
    this.fillList();
  }

  fillList() {
    this.list.replaceChildren(...CHAPTERS.map((c, i) => el("option", {
      value: String(i), text: `${this.progress.done?.[c.id] ? "✓ " : ""}${i + 1}. ${c.title}`,
    })));
    this.list.value = String(this.chapter);
  }

  dismissOffer() {
    this.progress.dismissed = true;
    saveProgress(this.progress);
    this.offer.hidden = true;
  }

  // ---- the address -----------------------------------------------------------------------------

  /** `#tour=C.S` (from 1): open the tour there and return true; otherwise false. */
  fromAddress(hash) {
    const params = new URLSearchParams(String(hash ?? "").replace(/^#/, ""));
    if (!params.has("tour")) return false;
    const m = /^(\d+)(?:\.(\d+))?$/.exec(params.get("tour") ?? "");
    const chapter = m ? Number(m[1]) - 1 : -1;
    if (!m || chapter < 0 || chapter >= CHAPTERS.length) {
      this.app.showError(`The tour link could not be used: "${params.get("tour")}" is not a chapter (1 to ${CHAPTERS.length}, e.g. #tour=3.2). Starting the tour at chapter 1.`);
      this.open(0, 0);
      return true;
    }
    this.open(chapter, m[2] ? Number(m[2]) - 1 : 0);
    return true;
  }

  address() {
    return `tour=${this.chapter + 1}.${this.stop + 1}`;
  }

  /**
   * The address is the tour's: while it is open, and after it closes while the run holds an
   * input the page's address cannot encode (the run's own address would fail).
   */
  ownsAddress() {
    // a run the learner started in place of the chapter's (a "try this") has its own address
    if (this.active) return !this.replaced();
    if (this.heldSim && this.heldSim === this.app.sim) return true;
    this.heldSim = null;
    return false;
  }

  /** Called by the App instead of writing the run's address while the tour owns it. */
  saveAddress() {
    if (!this.active || this.replaced()) return;
    const state = this.address() + embedSuffix();
    if (this.app.lastUrl === state) return;
    this.app.lastUrl = state;
    // after a change of run (the chapter's run back after the learner's), a new entry: Back
    // shows the learner's run again
    if (this.app.pushNext) { this.app.pushNext = false; history.pushState(null, "", `#${state}`); }
    else history.replaceState(null, "", `#${state}`);
  }

  // ---- moving -------------------------------------------------------------------------------------

  /** Open chapter `chapter` (from 0) at stop `stop`, setting up its scenario when needed. */
  open(chapter, stop = 0) {
    this.active = true;
    this.offer.hidden = true;
    this.panel.hidden = false;
    $("#tour").classList.add("is-active");
    $("#tour-toggle").setAttribute("aria-pressed", "true");
    this.progress.started = true;
    const changed = chapter !== this.chapter || !this.fresh();
    this.chapter = chapter;
    if (changed) this.setUp();
    if (!this.app.sim) return;
    this.reveal();
    this.stop = Math.max(0, Math.min(stop, this.moments.length - 1));
    this.list.value = String(chapter);
    this.renderChapter();
    this.playTo(this.moments[this.stop]);
  }

  /** Scroll the panel back into view when it is hidden under the sticky time control. */
  reveal() {
    const bar = document.querySelector(".controls")?.getBoundingClientRect().bottom ?? 0;
    const top = $("#tour").getBoundingClientRect().top;
    if (top < bar) window.scrollBy(0, top - bar - 8);
  }

  /** The learner started another run in place of the chapter's (a "try this", a preset). */
  replaced() {
    return Boolean(this.sim && this.app.sim && this.app.sim !== this.sim);
  }

  /** The shown run is the chapter's own scenario, untouched by the learner. */
  fresh() {
    const app = this.app;
    if (!this.active || app.sim !== this.sim || !this.sim) return false;
    // a chapter may begin with inputs of its own (a crash): only more than those is the learner's
    return (app.call(() => app.sim.inputs(), []) ?? []).length === (CHAPTERS[this.chapter]?.inputs?.length ?? 0);
  }

  /**
   * Start `config` (the chapter's, changed) with the chapter's own inputs (`[{ step, action }]`)
   * applied at their steps: a crash is an input, not a config key. Throws the engine's Error.
   */
  startRun(config, inputs = []) {
    const app = this.app;
    app.newRun(config);
    if (!inputs.length) return;
    const sim = app.sim;
    app.call(() => {
      for (const { step, action } of inputs) {
        sim.extend(Math.max(0, step - sim.totalSteps()));
        sim.seek(Math.min(step, sim.totalSteps()));
        applyInput(sim, action);
      }
      sim.seek(0);
    });
    app.gen++;
    app.grow();
    app.changed();
  }

  /** The "try this" of a chapter with inputs: its run again with `extra` config keys (same inputs). */
  rerunWith(extra) {
    const chapter = CHAPTERS[this.chapter];
    try {
      this.startRun({ ...chapter.config, ...extra }, chapter.inputs ?? []);
    } catch (error) {
      this.app.showError(`The chapter's run could not start again: ${error.message}`);
    }
  }

  setUp() {
    const app = this.app;
    const chapter = CHAPTERS[this.chapter];
    try {
      this.startRun(chapter.config, chapter.inputs ?? []);
    } catch (error) {
      app.showError(`The tour's chapter ${this.chapter + 1} could not start: ${error.message}`);
      return;
    }
    const sim = app.sim;
    app.call(() => sim.extend(1000000));
    app.seek(0);
    // what an earlier chapter's exercise left on the page
    $("#dodgy").checked = false;
    if (app.mailbox?.name) app.mailbox.open(null);
    const cfg = fullConfig(app);
    this.sim = sim;
    // the moments are found in a copy of the chapter's run: reading one moves the copy's cursor only
    if (this.reader) guard(() => this.reader.free());
    this.reader = app.call(() => copyRun(sim), null);
    const reader = this.reader;
    this.moments = chapter.stops.map((stop, index) => ({ stop, index, m: reader ? app.call(() => stop.find(reader, cfg), null) : null }))
      .sort((a, b) => (a.m?.step ?? Infinity) - (b.m?.step ?? Infinity));
    app.changed();
  }

  move(delta) {
    const experiment = this.replaced() || !this.fresh();
    let chapter = this.chapter;
    let stop = this.stop + delta;
    if (stop >= this.moments.length) {
      if (chapter + 1 >= CHAPTERS.length) { this.finish(); return; }
      chapter++; stop = 0;
    } else if (stop < 0) {
      if (chapter === 0) return;
      chapter--; stop = CHAPTERS[chapter].stops.length - 1;
    }
    if (chapter === this.chapter && experiment) {
      // the learner changed the run: the chapter's scenario comes back for its stops
      this.setUp();
    }
    this.open(chapter, stop);
    // said, not done silently: the learner's run is one Back away (newRun kept it)
    if (experiment) this.app.notify("The chapter's own run is back for the tour. Your changed run is kept: the browser's Back button shows it again.");
  }

  /** The last Next: the tour closes, and says where it can be found again. */
  finish() {
    this.progress.finished = true;
    saveProgress(this.progress);
    this.close();
    this.app.notify("That is the whole tour. Every chapter stays in the Tour's chapter list, and the page is yours: set up any run with “Set up run…”.");
  }

  close() {
    this.cancel();
    this.active = false;
    if (this.reader) guard(() => this.reader.free());
    this.reader = null;
    this.panel.hidden = true;
    $("#tour").classList.remove("is-active");
    $("#tour-toggle").setAttribute("aria-pressed", "false");
    this.unpoint();
    const app = this.app;
    try {
      encodeState({ config: app.config, inputs: app.call(() => app.sim.inputs(), []) ?? [], step: 0 });
    } catch {
      this.heldSim = app.sim;
      app.notify("This run holds an input the page's address cannot record yet (a lost message or a hired cook), so the address still opens the tour's chapter.");
      return;
    }
    app.lastUrl = "";
    app.saveUrl();
  }

  cancel() {
    clearInterval(this.timer);
    this.timer = null;
  }

  /** Play from the cursor to the moment's step (a jump first when it is far), then stop. */
  playTo(entry) {
    const app = this.app;
    this.cancel();
    this.unpoint();
    if (!entry?.m) {
      this.state = "missing";
      this.narration.dataset.state = "missing";
      this.narration.textContent = "This run has no such moment (the scenario was changed?). Use Back/Next, or pick the chapter again to reload it.";
      this.saveAddress();
      return;
    }
    const target = entry.m.step;
    const at = app.call(() => app.sim.currentStep(), 0);
    if (target < at || target - at > PLAYED_STEPS) app.seek(Math.max(0, target - PLAYED_STEPS));
    this.state = "playing";
    this.narration.dataset.state = "playing";
    this.narration.dataset.step = String(target);
    this.narration.textContent = `Playing to step ${target}…`;
    const tick = () => {
      const now = app.call(() => app.sim.currentStep(), target);
      if (now >= target) { this.cancel(); this.arrive(entry); return; }
      app.stepForward();
    };
    this.timer = setInterval(tick, PACE_MS);
    tick();
  }

  arrive(entry) {
    const app = this.app;
    const cfg = fullConfig(app);
    this.state = "stopped";
    const { stop, m } = entry;
    const parts = app.call(() => stop.say(m, cfg, this.reader), ["(the narration could not be read from this run)"]) ?? [];
    this.narration.replaceChildren(...parts.map((p) => (typeof p === "string" ? p : term(p.text, p.term))));
    this.narration.dataset.state = "stopped";
    this.narration.dataset.step = String(m.step);
    this.narration.dataset.stop = String(this.stop + 1);
    this.narration.dataset.moment = stop.id;
    this.point(stop.point?.(m) ?? {});
    this.progress.chapter = this.chapter;
    this.progress.stop = this.stop;
    saveProgress(this.progress);
    this.saveAddress();
    this.renderNav();
  }

  // ---- pointing ------------------------------------------------------------------------------------

  point(target) {
    const app = this.app;
    this.target = target;
    if (target.order) app.selectOrder(target.order);
    if (target.tab) { app.tab = target.tab; app.inspector.key = ""; }
    if (target.seq !== undefined && target.seq !== null) app.revealMessage(target.seq);
    app.changed();
    requestAnimationFrame(() => this.mark(true));
  }

  /** Put the highlight on the pointed actor and log row (views redraw: called each frame). */
  mark(scroll = false) {
    const t = this.target;
    if (!t) return;
    for (const node of document.querySelectorAll(".tour-point")) {
      if (!(t.actor && node.dataset.actor === t.actor) && !(node.dataset.seq && Number(node.dataset.seq) === t.seq) && !(t.el && node.matches(t.el))) node.classList.remove("tour-point");
    }
    if (t.el) document.querySelector(t.el)?.classList.add("tour-point");
    const actor = t.actor ? document.querySelector(`[data-testid=actor][data-actor="${CSS.escape(t.actor)}"]`) : null;
    actor?.classList.add("tour-point");
    const row = t.seq !== undefined && t.seq !== null ? document.querySelector(`#log-rows [data-seq="${t.seq}"]`) : null;
    row?.classList.add("tour-point");
    if (scroll && actor && window.innerWidth > 700) actor.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  unpoint() {
    this.target = null;
    for (const node of document.querySelectorAll(".tour-point")) node.classList.remove("tour-point");
  }

  // ---- rendering --------------------------------------------------------------------------------------

  renderChapter() {
    const chapter = CHAPTERS[this.chapter];
    this.heading.textContent = `Chapter ${this.chapter + 1} of ${CHAPTERS.length}: ${chapter.title}`;
    this.heading.dataset.chapter = String(this.chapter + 1);
    this.heading.dataset.chapters = String(CHAPTERS.length);
    this.tryText.textContent = chapter.tryThis.text;
    this.intro.textContent = chapter.intro ?? "";
    this.intro.hidden = !chapter.intro;
    this.tryButton.hidden = !chapter.tryThis.button;
    this.tryButton.textContent = chapter.tryThis.button ?? "";
    this.tryBox.dataset.done = "false";
    this.tryResult.textContent = "";
    this.renderNav();
  }

  renderNav() {
    const entry = this.moments[this.stop];
    const title = entry?.stop.title ?? "";
    this.stopText.textContent = `Stop ${this.stop + 1} of ${this.moments.length}${title ? `: ${title}` : ""}${entry?.m ? ` · step ${entry.m.step}` : ""}`;
    this.back.disabled = this.chapter === 0 && this.stop === 0;
    const last = this.stop + 1 >= this.moments.length;
    this.next.textContent = last ? (this.chapter + 1 < CHAPTERS.length ? "Next chapter ▶" : "Finish") : "Next ▶";
    this.link.href = `#${this.address()}`;
  }

  /** Called by the App after each render. */
  update(frame) {
    // the views redraw their rows: the explanations go on again once the page is still
    if (!frame.playing && !this.glossaryTimer) {
      this.glossaryTimer = setTimeout(() => { this.glossaryTimer = null; applyGlossary(document); }, 300);
    }
    if (!this.active) return;
    if (this.replaced()) this.experimenting();
    else this.mark();
    const chapter = CHAPTERS[this.chapter];
    const said = this.app.call(() => chapter.tryThis.done(this.app, { frame }), null);
    if (said) {
      if (this.tryResult.textContent !== said) this.tryResult.textContent = said;
      if (this.tryBox.dataset.done !== "true") {
        this.tryBox.dataset.done = "true";
        this.progress.done = { ...(this.progress.done ?? {}), [chapter.id]: true };
        saveProgress(this.progress);
        this.fillList();
      }
    }
  }

  /**
   * The learner started another run (a "try this"): the narration, which told the chapter's
   * run, says so; the address is the new run's (ownsAddress); Next brings the chapter's run
   * back and says where the learner's went.
   */
  experimenting() {
    if (this.narration.dataset.state === "changed") return;
    this.cancel();
    this.unpoint();
    this.narration.dataset.state = "changed";
    this.narration.textContent = "This is your run now, not the chapter's, and the narration told the chapter's run. Step through yours; Next goes on with the chapter's own run, and yours stays one Back away in the browser.";
    this.stopText.textContent = `Stop ${this.stop + 1} of ${this.moments.length}: your own run`;
  }

  // ---- actions the tour offers where the page has no control yet ---------------------------------------

  /**
   * Lose the first message waiting for a worker: at the cursor, or at the next step where one
   * waits. Uses the App's own path when it has one (the mailbox's fate buttons).
   */
  dropWaiting() {
    const app = this.app;
    const sim = app.sim;
    const total = app.call(() => sim.totalSteps(), 0);
    let at = app.call(() => sim.currentStep(), 0);
    const waiting = () => (app.call(() => sim.queued(), []) ?? []).find((q) => q.state === "waiting" && q.changeable);
    let entry = waiting();
    while (!entry && at < total) {
      app.seek(at + 1);
      at = app.call(() => sim.currentStep(), at + 1);
      entry = waiting();
    }
    if (!entry) { app.notify("No message waits for a worker from here to the end of the run."); return; }
    if (typeof app.dropMessage === "function") { app.dropMessage(entry); return; }
    this.input(() => sim.dropMessage(entry.seq, entry.actor));
  }

  /** Hire a cook at the cursor (a free name), through the App's own path when it has one. */
  hireCook(ms) {
    const app = this.app;
    const taken = new Set((app.call(() => app.sim.actors(), []) ?? []).map((a) => a.name.toLowerCase()));
    const name = ["Ada", "Bram", "Chloé", "Dirk", "Eva"].find((n) => !taken.has(n.toLowerCase())) ?? `Cook ${taken.size + 1}`;
    if (typeof app.hireCook === "function") { app.hireCook(name, ms); return; }
    this.input(() => app.sim.hireCook(name, ms));
  }

  /** An input at the cursor, as the App takes one (the old future kept in the history). */
  input(fn) {
    const app = this.app;
    app.keepInHistory();
    const ok = app.call(() => { fn(); return true; }, false);
    if (!ok) return;
    app.gen++;
    app.grow();
    app.changed();
  }
}

