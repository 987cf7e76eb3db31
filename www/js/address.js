// The address, part of the page's App (main.js mixes these methods in; `this` is the App):
// the run restored from the location hash (a #run=, #config= or #tour= link), and kept
// in it as the run changes (replaced while playing, pushed for a new run or an input so
// that Back undoes it).

import { errorText, engineDead, noteLoading, crashedBefore } from "./engine.js";
import { isExercise } from "./exercise/is-exercise.js";
import { encodeState, decodeState } from "./url-state.js";
import { embedSuffix } from "./embed.js";

/**
 * The history state of every entry the page writes: such an entry's address is the whole
 * truth (without `&br=` it had one run); only an address from elsewhere (a link pasted or
 * opened) may take the branches the session kept for its run.
 */
const OWN_ENTRY = Object.freeze({ brigade: 1 });
const ownEntry = () => history.state?.brigade === OWN_ENTRY.brigade;

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
  },
};


