// An observed run on the page: a history recorded from a live kitchen (an imported run
// file with "observed": true, a #run= link carrying one, or a kitchen followed as it runs).
// Every view shows it as it shows a simulated run; what cannot apply to a record — an
// order placed, a message's fate, a worker sent away or hired, the process version, a
// branch, "check every fate", a set-up change — is disabled with its reason in the
// control's title and beside it, and the banner says what the run is. The engine refuses
// those calls too (ObservedRun throws), so nothing fails silently.

import { $, $$, el } from "./dom.js";
import { isObservedRun } from "./engine.js";

/** Why each control does not apply to a record: [selector, reason]. */
const NOT_APPLICABLE = [
  ["#place-order, #dodgy", "The live kitchen placed its own orders: a record takes no new one."],
  ["#live-version", "The process version is the one the live kitchen ran."],
  ["#hire-form input, #hire-form select, #hire-form button", "Nobody can be hired into a recorded kitchen: its staff are the processes that ran."],
  ["#floor-grid [data-cook-action], #floor-grid .cook-controls input, #floor-grid .cook-controls button",
    "A recorded worker cannot be sent away, brought back or sped up: this is what its process did."],
  ["#waiting-all", "A record holds no mailbox: there is no waiting message whose fate could change."],
  ["#floor-grid [data-testid=crash-actor]", "A recorded actor cannot be crashed: the record shows what its process did."],
  ["#migrate-all", "A recorded order cannot be moved to another version: the live kitchen ran its own."],
  ["[data-testid=explore], [data-testid=explore-1], [data-testid=explore-2]",
    "“Check every fate” explores the simulation's fates; an observed run had one, the one recorded."],
];

const BANNER_REASON = "It shows what happened: it cannot be re-simulated or branched. Time travel works (step, back, jump); " +
  "placing orders, a message's fate, the kitchen's staff, the process version, branches and “check every fate” do not apply.";

/** Whether the last call marked an observed run (at first: unknown, so it looks). */
let markedBefore = true;

/** Keep the page's marks in step with the run shown: call after every render. */
export function markObserved(app) {
  const observed = isObservedRun(app.sim);
  // a simulated run after a simulated run has no mark to set or undo: the controls are not
  // looked for (eight searches of the whole page at every step)
  if (!observed && !markedBefore) return;
  markedBefore = observed;
  document.body.classList.toggle("observed", observed);
  banner(app, observed);
  for (const [selector, reason] of NOT_APPLICABLE) {
    for (const control of $$(selector)) mark(control, observed ? reason : null);
  }
  setupNote(observed);
}

/** Disable `control` with `reason` (said in its title and to screen readers), or undo it. */
function mark(control, reason) {
  if (reason) {
    if (control.dataset.observed !== "not-applicable") {
      control.dataset.wasDisabled = control.disabled ? "true" : "false";
      control.dataset.wasTitle = control.getAttribute("title") ?? "";
    }
    control.disabled = true;
    control.dataset.observed = "not-applicable";
    control.title = `Not in an observed run: ${reason}`;
    control.setAttribute("aria-describedby", "observed-why");
  } else if (control.dataset.observed === "not-applicable") {
    control.disabled = control.dataset.wasDisabled === "true";
    if (control.dataset.wasTitle) control.title = control.dataset.wasTitle; else control.removeAttribute("title");
    control.removeAttribute("aria-describedby");
    delete control.dataset.observed;
  }
}

/** The strip above the panels: what this run is, and why most controls are off. */
function banner(app, observed) {
  let box = $("#observed-banner");
  if (!observed) {
    if (box) box.hidden = true;
    return;
  }
  if (!box) {
    box = el("section", { id: "observed-banner", class: "observed-banner", dataset: { testid: "observed-banner" }, "aria-label": "Observed run" });
    $("#notice").after(box);
  }
  box.hidden = false;
  const live = app.live?.sim === app.sim ? app.live : null;
  const following = live && app.call(() => app.sim.following(), false);
  const total = app.call(() => app.sim.totalSteps(), 0);
  const what = live
    ? el("span", { dataset: { testid: "live-status", state: live.state } },
      following ? `Following the live kitchen at ${live.url}: ${total} messages so far (${live.stateText()}). ` : `Followed the live kitchen at ${live.url}: ${total} messages (${live.stateText()}). `)
    : el("span", {}, `Recorded from a live kitchen: ${total} messages. `);
  const key = `${live?.state}:${following}:${total}`;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(...[
    el("strong", { class: "observed-tag", text: "Observed run" }), " ", what,
    el("span", { id: "observed-why", dataset: { testid: "observed-why" } }, BANNER_REASON),
    following ? el("button", { type: "button", class: "small", dataset: { testid: "live-stop" }, onclick: () => app.live?.stop(),
      title: "Stop following the live kitchen: what arrived stays, as a record" }, "Stop following") : null].filter(Boolean));
}

/** The set-up form starts a new simulated run: say so while a record is shown. */
function setupNote(observed) {
  const form = $("#setup-form");
  if (!form) return;
  let note = $("#observed-setup-note");
  if (!observed) {
    if (note) note.hidden = true;
    return;
  }
  if (!note) {
    note = el("p", { id: "observed-setup-note", class: "observed-note", dataset: { testid: "observed-note" } },
      "The observed run shown keeps the config its live kitchen ran: changing it here does not change what happened. ",
      "“Start this run” starts a new, simulated run of this set-up instead.");
    form.prepend(note);
  }
  note.hidden = false;
}
