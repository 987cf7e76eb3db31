// The kitchen's inputs (issue 9): inside each cook's box on the floor, walk out / come back
// and the cooking time; above the floor, hiring a cook. Every one is an input of the run
// (App.takeInput): recorded with its step, in the address, replayed by a link.

import { $, $$, el } from "./dom.js";
import { words } from "./engine.js";

const MAX_MS = 600000;

export class KitchenControls {
  constructor(app) {
    this.app = app;
    this.key = "";
    this.form = $("#hire-form");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.hire();
    });
    $("#floor-grid").addEventListener("click", (event) => {
      const button = event.target.closest("[data-cook-action]");
      if (!button) return;
      event.stopPropagation();
      const name = button.closest("[data-testid=actor]").dataset.actor;
      const action = button.dataset.cookAction;
      if (action === "leave") app.takeInput({ type: "CookLeaves", cook: name }, null, (sim) => { sim.cookLeaves(name); return true; });
      else if (action === "return") app.takeInput({ type: "CookReturns", cook: name }, null, (sim) => { sim.cookReturns(name); return true; });
    });
    $("#floor-grid").addEventListener("submit", (event) => {
      const form = event.target.closest("form.cook-time");
      if (!form) return;
      event.preventDefault();
      this.setTime(form, form.closest("[data-testid=actor]").dataset.actor);
    });
  }

  /** Give each cook's box its controls (the floor rebuilds boxes when cooks are hired) and show who is away. */
  update(frame) {
    const w = words();
    const cooks = (frame.actors() ?? []).filter((a) => w.staffed(a.kind));
    const key = `${frame.gen}:${frame.cursor}:${cooks.map((c) => `${c.name}:${c.ms}:${c.away}`).join("|")}`;
    const boxes = $$("[data-testid=actor]", $("#floor-grid")).filter((b) => w.staffed(b.dataset.kind));
    if (key === this.key && boxes.every((b) => b.querySelector(".cook-controls"))) return;
    this.key = key;
    const byName = new Map(cooks.map((c) => [c.name, c]));
    let moved = false;
    for (const box of boxes) {
      const cook = byName.get(box.dataset.actor);
      if (!cook) continue;
      let controls = box.querySelector(".cook-controls");
      if (!controls) {
        controls = this.controls(cook.name);
        // on the "handled" line, so a cook's box grows by one line at most
        (box.querySelector(".actor-extra") ?? box).append(controls);
      }
      const away = Boolean(cook.away);
      if (box.dataset.away !== String(away)) moved = true;
      box.classList.toggle("is-away", away);
      box.dataset.away = String(away);
      controls.querySelector("[data-testid=cook-leave]").hidden = away;
      controls.querySelector("[data-testid=cook-return]").hidden = !away;
      controls.querySelector(".away-tag").hidden = !away;
      const input = controls.querySelector("[data-testid=cook-ms]");
      if (document.activeElement !== input && cook.ms !== undefined) input.value = String(cook.ms);
    }
    // the floor keeps its arrow labels off these buttons: let it measure them again
    const floor = this.app.floor;
    if (moved && floor) {
      floor.rects = null;
      floor.drawArrows(floor.lastArrows);
    }
  }

  controls(name) {
    return el("div", { class: "cook-controls", role: "group", "aria-label": `${name}: walk out, come back, cooking time` },
      el("span", { class: "away-tag", "data-testid": "cook-away", hidden: true, text: "away" }),
      el("span", { class: "cook-buttons" },
        el("button", { type: "button", class: "small", "data-cook-action": "leave", "data-testid": "cook-leave", title: `${name} walks out: takes no more work, what waits for them is lost`, "aria-label": `${name} walks out` }, "out"),
        el("button", { type: "button", class: "small", "data-cook-action": "return", "data-testid": "cook-return", hidden: true, title: `${name} comes back and takes work again`, "aria-label": `${name} comes back` }, "back")),
      el("form", { class: "cook-time", novalidate: true },
        el("input", { type: "number", min: "1", max: String(MAX_MS), step: "1", class: "cook-ms", "data-testid": "cook-ms", title: `${name}'s cooking time in ms`, "aria-label": `${name}'s cooking time in ms` }),
        el("button", { type: "submit", class: "small", "data-testid": "cook-set-ms", title: `${name} cooks in this many ms from the next order`, "aria-label": `ms: set ${name}'s cooking time` }, "ms ✓")));
  }

  setTime(form, name) {
    const raw = form.querySelector("[data-testid=cook-ms]").value.trim();
    const ms = wholeMs(raw);
    if (ms === null) {
      this.app.showError(`cooking time of ${name}: ${JSON.stringify(raw)} is not a whole number of ms in 1..=${MAX_MS}; nothing changed`);
      return;
    }
    this.app.takeInput({ type: "SetCookTime", cook: name, ms }, null, (sim) => { sim.setCookTime(name, ms); return true; });
  }

  hire() {
    const name = $("#hire-name").value.trim();
    const raw = $("#hire-ms").value.trim();
    const ms = wholeMs(raw);
    if (!name) {
      this.app.showError("hire a cook: give the new cook a name; nothing changed");
      return;
    }
    if (ms === null) {
      this.app.showError(`hire a cook: cooking time ${JSON.stringify(raw)} is not a whole number of ms in 1..=${MAX_MS}; nothing changed`);
      return;
    }
    const ok = this.app.takeInput({ type: "HireCook", name, ms }, null, (sim) => { sim.hireCook(name, ms); return true; });
    if (ok !== undefined) $("#hire-name").value = "";
  }
}

function wholeMs(raw) {
  if (!/^\d+$/.test(raw)) return null;
  const ms = Number(raw);
  return ms >= 1 && ms <= MAX_MS ? ms : null;
}
