// The guided tour's stand-in until its code is first needed: a first visit loads none of
// the tour's chapters, moments or panel. The stand-in offers the tour (the first visit's
// "Start the tour"), answers the Tour button, opens an address with #tour=C.S, and applies
// the glossary's explanations to the page as the tour does; what opens the tour loads
// tour/tour.js, whose Tour then takes the stand-in's place as `app.tour`.

import { $, el } from "./dom.js";
import { applyGlossary } from "./tour/glossary.js";
import { loadProgress, saveProgress } from "./tour/progress.js";

export class TourLater {
  constructor(app) {
    this.app = app;
    this.active = false;
    this.real = null;
    this.loading = null;
    this.glossaryTimer = null;
    const progress = loadProgress();
    this.offer = el("div", { class: "tour-offer", "data-testid": "tour-offer" },
      el("span", { text: "New to brigade? A guided tour walks through the restaurant workshop in short chapters." }),
      el("button", { type: "button", class: "primary small", "data-testid": "tour-offer-start", text: "Start the tour", onclick: () => this.open(0, 0) }),
      el("button", { type: "button", class: "small", text: "Not now", onclick: () => { this.offer.hidden = true; } }),
      el("button", { type: "button", class: "small", "data-testid": "tour-offer-dismiss", text: "Don't offer again", onclick: () => this.dismissOffer() }));
    this.offer.hidden = Boolean(progress.dismissed || progress.started);
    $("#tour").replaceChildren(this.offer);
    // once loaded, the Tour answers the button itself
    $("#tour-toggle").addEventListener("click", () => {
      if (this.real) return;
      this.load().then((tour) => tour?.resume());
    });
  }

  /** Load the tour; resolves to it (now `app.tour`), or null if it failed. */
  load() {
    this.loading ??= import("./tour/tour.js").then(({ Tour }) => {
      this.real = new Tour(this.app, { offer: this.offer });
      this.app.tour = this.real;
      return this.real;
    }).catch((error) => {
      this.loading = null;
      this.app.showError(`The tour could not be loaded: ${error?.message ?? error}`);
      return null;
    });
    return this.loading;
  }

  /** Open chapter `chapter` (from 0) at stop `stop` (see Tour.open). */
  open(chapter, stop = 0) {
    this.load().then((tour) => tour?.open(chapter, stop));
  }

  dismissOffer() {
    if (this.real) { this.real.dismissOffer(); return; }
    saveProgress({ ...loadProgress(), dismissed: true });
    this.offer.hidden = true;
  }

  /** `#tour=C.S`: load the tour and open it there (true); otherwise false (see Tour.fromAddress). */
  fromAddress(hash) {
    if (!new URLSearchParams(String(hash ?? "").replace(/^#/, "")).has("tour")) return false;
    this.load().then((tour) => tour?.fromAddress(hash));
    return true;
  }

  /** The tour is not open: the address is the run's. */
  ownsAddress() {
    return false;
  }

  saveAddress() {}

  /** Called by the App after each render: the glossary's explanations, once the page is still. */
  update(frame) {
    if (!frame.playing && !this.glossaryTimer) {
      this.glossaryTimer = setTimeout(() => { this.glossaryTimer = null; applyGlossary(document); }, 300);
    }
  }
}
