// The address, part of the page's App (main.js mixes these methods in; `this` is the App):
// the run restored from the location hash (a #run=, #config= or #tour= link), and kept
// in it as the run changes (replaced while playing, pushed for a new run or an input so
// that Back undoes it).

import { errorText, engineDead, noteLoading, noteLoaded, crashedBefore, guard, isObservedRun, openObserved } from "./engine.js";
import { isExercise } from "./exercise/is-exercise.js";
import { encodeState, encodeObserved, decodeState, configDiff } from "./url-state.js";
import { embedSuffix } from "./embed.js";

/**
 * The history state of every entry the page writes: such an entry's address is the whole
 * truth (without `&br=` it had one run); only an address from elsewhere (a link pasted or
 * opened) may take the branches the session kept for its run.
 */
const OWN_ENTRY = Object.freeze({ brigade: 1 });
const ownEntry = () => history.state?.brigade === OWN_ENTRY.brigade;

/** The longest #run= address an observed run is kept in (Chromium takes 2 MB at most). */
const MAX_OBSERVED_LINK = 1.5 * 2 ** 20;

/** The methods (see the top of this file). */
export const address = {
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
    if (state?.observed && !state.crashed) {
      try {
        this.openObservedState(state);
        this.branches.reset();
        return;
      } catch (error) {
        if (engineDead()) return;
        this.showError(`The link could not be used: ${errorText(error)}. Showing the default run instead.`);
      }
    } else if (state && !state.crashed) {
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
  },

  saveUrlSoon() {
    if (this.restoring || this.urlTimer) return;
    this.urlTimer = setTimeout(() => {
      this.urlTimer = null;
      this.saveUrl();
    }, this.playing ? 1000 : 200);
  },

  saveUrl() {
    if (!this.sim || engineDead() || this.restoring) return;
    if (this.tour?.ownsAddress()) { this.tour.saveAddress(); return; }
    const order = this.selected ? this.frame?.orderBy(this.selected)?.order : null;
    if (isObservedRun(this.sim)) {
      // a live kitchen followed keeps its ?live= address; a record carries itself (observed.js)
      if (this.live?.sim === this.sim) return;
      const state = encodeObserved({ file: this.observedFile(), step: this.call(() => this.sim.currentStep(), 0), order, tab: this.tab }) + embedSuffix();
      if (state.length > MAX_OBSERVED_LINK) {
        // a browser keeps addresses of a few MB at most: say so once, keep the address as it is
        if (this.tooBigForLink !== this.sim) this.notify(`This observed run is too big for the page's address (${(state.length / 2 ** 20).toFixed(1)} MB as a link): Export saves it as a file, which Import opens.`);
        this.tooBigForLink = this.sim;
        return;
      }
      this.writeUrl(state);
      return;
    }
    const state = encodeState({
      config: this.config,
      inputs: this.call(() => this.sim.inputs(), []) ?? [],
      step: this.call(() => this.sim.currentStep(), 0),
      order,
      tab: this.tab,
    }) + this.branches.urlSuffix() + embedSuffix();
    this.writeUrl(state);
  },

  /** Put `state` in the address (pushed when an action asked for a new entry, else replaced). */
  writeUrl(state) {
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
    if (!isObservedRun(this.sim)) this.branches.remember(state);
  },

  /** The shown observed run's file, exported once per run and length. */
  observedFile() {
    const key = this.call(() => this.sim.totalSteps(), 0);
    if (this.observedCache?.sim !== this.sim || this.observedCache.key !== key) {
      this.observedCache = { sim: this.sim, key, file: this.call(() => this.sim.exportRun(), "{}") };
    }
    return this.observedCache.file;
  },

  /** Show the observed run a #run= link carries (decodeState's `observed`); throws on a bad one. */
  openObservedState(state) {
    const sim = guard(() => openObserved(JSON.stringify(state.observed)));
    if (!sim) throw new Error("the engine is not available");
    const total = guard(() => sim.totalSteps());
    if (state.step > total) {
      guard(() => sim.free());
      throw new Error(`step ${state.step} lies beyond the end of the record (${total} steps)`);
    }
    this.adopt(sim, configDiff(guard(() => sim.config()), this.defaults));
    guard(() => sim.seek(state.step));
    this.tab = state.tab;
    if (state.order) {
      const order = (guard(() => sim.orders(state.order - 1, state.order)) ?? []).find((o) => o.order === state.order);
      if (order) this.selectOrder(order.correlation_id);
    }
    noteLoaded();
    this.changed();
  },
};


