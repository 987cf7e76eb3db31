// Playback, part of the page's App (main.js mixes these methods in; `this` is the App):
// the time control — a step forward or back, a seek, to the end, the next or previous
// fault, timeout, retry or completion (asked of the engine's run index), play and pause.

import { formatInt } from "./dom.js";
import { engineDead } from "./engine.js";
import { adapt } from "./run-lifecycle.js";

/** What "next fault / timeout / retry / completion" look for (the engine's run index: nextMark). */
const NEXT_WORDS = { fault: "lost, duplicated, refused or rejected delivery", timeout: "timeout heard by the house", retry: "retry", completion: "completion" };
const PLAY_CATCH_UP = 2000; // never try to catch up more than this many steps in a frame

/** The methods (see the top of this file). */
export const playback = {
  stepForward(n = 1) {
    if (!this.sim || engineDead()) return;
    this.pause();
    this.endWanted = false;
    for (let i = 0; i < n; i++) {
      const step = this.call(() => this.sim.step());
      if (step === undefined) break;
    }
    this.changed();
  },

  stepBack(n = 1) {
    if (!this.sim || engineDead()) return;
    this.pause();
    this.endWanted = false;
    const target = Math.max(0, this.call(() => this.sim.currentStep(), 0) - n);
    if (n === 1) this.call(() => this.sim.stepBack());
    else this.call(() => seekTo(this.sim, target));
    this.changed();
  },

  seek(n) {
    if (!this.sim || engineDead()) return;
    this.endWanted = false;
    const total = this.call(() => this.sim.totalSteps(), 0);
    const target = Math.max(0, Math.min(total, Math.round(n)));
    this.call(() => seekTo(this.sim, target));
    this.changed();
  },

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
  },

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
  },

  /** Move the time control to the next step with a lost, duplicated, refused or rejected delivery. */
  faultNext() {
    this.jumpNext("fault");
  },

  /** Move the time control to the previous step with a lost, duplicated, refused or rejected delivery. */
  faultPrev() {
    const sim = this.sim;
    if (!sim || engineDead()) return;
    this.pause();
    const at = this.call(() => sim.currentStep(), 0);
    const found = this.call(() => sim.prevMark("fault", at));
    if (found !== undefined && found !== null) { this.notify(null); this.seek(found); return; }
    this.notify(`No lost, duplicated, refused or rejected delivery before step ${formatInt(at)}.`);
  },

  togglePlay() {
    if (this.playing) this.pause(); else this.play();
  },

  setSpeed(value) {
    this.speed = value === "max" ? "max" : Number(value);
  },

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
  },

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
  },

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.changed();
  },
};

/**
 * sim.seek(n), checked: a cursor that stops short (it should not: see docs/PAGE-NEEDS.md §1,
 * fixed) is finished with single steps, and an error is shown if that fails too.
 */
export function seekTo(sim, n) {
  sim.seek(n);
  let at = sim.currentStep();
  while (at < n && sim.step() !== undefined) at++;
  // say so rather than leave a cursor that silently does not move
  if (at !== n) throw new Error(`the engine stopped at step ${at} on its way to step ${n} (please report it with the exported run)`);
}
