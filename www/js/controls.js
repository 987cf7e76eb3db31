// The floor's staff inputs (issue 9; any worker, issue 22): inside each worker's box on the
// floor (the cooks, the assistant managers, the cashiers), walk out / come back and the time
// per message; above the floor, hiring a worker of any of those roles. Every one is an input
// of the run (App.takeInput): recorded with its step, in the address, replayed by a link.
// A cook's inputs keep their own names (CookLeaves, …); the others' are WorkerLeaves, ….
// Every actor's box also has a crash button (issue 23: the input Crash): while it is down the
// box says until when, and what the crash lost (the faults `crash` of its last crash).

import { $, $$, el, formatMs } from "./dom.js";
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
      const crash = event.target.closest("[data-testid=crash-actor]");
      if (crash) {
        event.stopPropagation();
        const name = crash.closest("[data-testid=actor]").dataset.actor;
        app.takeInput({ type: "Crash", actor: name }, null, (sim) => { sim.crash(name); return true; });
        return;
      }
      const button = event.target.closest("[data-cook-action]");
      if (!button) return;
      event.stopPropagation();
      const box = button.closest("[data-testid=actor]");
      const name = box.dataset.actor;
      const cook = words().staffed(box.dataset.kind);
      const action = button.dataset.cookAction;
      if (action === "leave" && cook) app.takeInput({ type: "CookLeaves", cook: name }, null, (sim) => { sim.cookLeaves(name); return true; });
      else if (action === "return" && cook) app.takeInput({ type: "CookReturns", cook: name }, null, (sim) => { sim.cookReturns(name); return true; });
      else if (action === "leave") app.takeInput({ type: "WorkerLeaves", worker: name }, null, (sim) => { sim.workerLeaves(name); return true; });
      else if (action === "return") app.takeInput({ type: "WorkerReturns", worker: name }, null, (sim) => { sim.workerReturns(name); return true; });
    });
    $("#floor-grid").addEventListener("submit", (event) => {
      const form = event.target.closest("form.cook-time");
      if (!form) return;
      event.preventDefault();
      const box = form.closest("[data-testid=actor]");
      this.setTime(form, box.dataset.actor, words().staffed(box.dataset.kind));
    });
  }

  /** Give each cook's box its controls (the floor rebuilds boxes when cooks are hired) and show who is away. */
  update(frame) {
    this.updateStaff(frame);
    this.updateCrashes(frame);
  }

  /** The workers' own controls: walk out / come back and the time per message. */
  updateStaff(frame) {
    const w = words();
    const roles = $("#hire-role");
    if (roles && !roles.options.length) {
      // the roles whose workers come and go: the engine's workers, the cooks first
      const hireable = w.roleNames.filter((r) => w.role(r)?.worker).sort((a, b) => w.staffed(b) - w.staffed(a));
      for (const r of hireable) roles.append(el("option", { value: r, text: w.display(r) }));
    }
    const worker = (kind) => Boolean(w.role(kind)?.worker);
    const cooks = (frame.actors() ?? []).filter((a) => worker(a.kind));
    const key = `${frame.gen}:${frame.cursor}:${cooks.map((c) => `${c.name}:${c.ms}:${c.away}`).join("|")}`;
    const boxes = $$("[data-testid=actor]", $("#floor-grid")).filter((b) => worker(b.dataset.kind));
    if (key === this.key && boxes.every((b) => b.querySelector(".cook-controls"))) return;
    this.key = key;
    const byName = new Map(cooks.map((c) => [c.name, c]));
    let moved = false;
    for (const box of boxes) {
      const cook = byName.get(box.dataset.actor);
      if (!cook) continue;
      let controls = box.querySelector(".cook-controls");
      if (!controls) {
        controls = this.controls(cook.name, w.staffed(cook.kind) ? "cooking time" : "time per message");
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
      floor.remeasure();
    }
  }

  /**
   * Every actor's crash button, and a crashed actor shown as down until it restarts, with
   * what its crash lost (the faults `crash` of the steps since it went down).
   */
  updateCrashes(frame) {
    const actors = frame.actors() ?? [];
    const boxes = $$("[data-testid=actor]", $("#floor-grid"));
    const key = `${frame.gen}:${frame.cursor}:${boxes.length}:${actors.map((a) => a.down_until ?? "").join("|")}`;
    if (key === this.crashKey && boxes.every((b) => b.querySelector(".crash-controls"))) return;
    this.crashKey = key;
    const byName = new Map(actors.map((a) => [a.name, a]));
    const down = actors.filter((a) => a.down_until !== undefined && a.down_until !== null);
    // what each crash lost: the faults `crash` of the actor, up to the cursor (the last crash's)
    const lost = new Map();
    if (down.length) {
      const faults = this.app.faults.upToCursor(frame).filter((f) => f.fault === "crash");
      for (const a of down) {
        const mine = faults.filter((f) => f.actor === a.name);
        const last = mine.length ? mine[mine.length - 1].step : null;
        lost.set(a.name, last === null ? [] : mine.filter((f) => f.step === last));
      }
    }
    let moved = false;
    for (const box of boxes) {
      const actor = byName.get(box.dataset.actor);
      if (!actor) continue;
      let controls = box.querySelector(".crash-controls");
      if (!controls) {
        controls = el("span", { class: "crash-controls" },
          el("span", { class: "down-tag", "data-testid": "actor-down", hidden: true }),
          el("button", { type: "button", class: "small crash", "data-testid": "crash-actor",
            title: `${actor.name} crashes now: it loses the message in hand and what it holds in memory (its mailbox unless durable); it restarts later`,
            "aria-label": `crash ${actor.name}` }, "⚡ crash"));
        (box.querySelector(".cook-buttons") ?? box.querySelector(".actor-extra") ?? box).append(controls);
        moved = true;
      }
      const isDown = actor.down_until !== undefined && actor.down_until !== null;
      if (box.dataset.down !== String(isDown)) moved = true;
      box.dataset.down = String(isDown);
      box.classList.toggle("is-down", isDown);
      const tag = controls.querySelector("[data-testid=actor-down]");
      tag.hidden = !isDown;
      if (isDown) {
        const gone = lost.get(actor.name) ?? [];
        tag.textContent = `down until ${formatMs(actor.down_until)}`;
        tag.dataset.lost = String(gone.length);
        tag.title = gone.length
          ? `${actor.name} crashed and restarts at ${formatMs(actor.down_until)}; lost in the crash: ${this.lostWords(gone)}`
          : `${actor.name} crashed and restarts at ${formatMs(actor.down_until)}; it lost nothing it held`;
        if (gone.length) tag.append(el("span", { class: "lost", text: ` · lost ${gone.length}` }));
      }
      controls.querySelector("[data-testid=crash-actor]").hidden = isDown;
    }
    const floor = this.app.floor;
    if (moved && floor) {
      floor.remeasure();
    }
  }

  /** "CookFood (order 3), CookFood (order 4)": the messages a crash lost, in words. */
  lostWords(faults) {
    const app = this.app;
    return faults.slice(0, 6).map((f) => {
      const m = app.call(() => app.sim.message(f.seq), null);
      return m ? `${m.type}${m.order ? ` (order ${m.order})` : ""}` : `message ${f.seq}`;
    }).join(", ") + (faults.length > 6 ? `, and ${faults.length - 6} more` : "");
  }

  controls(name, time = "cooking time") {
    return el("div", { class: "cook-controls", role: "group", "aria-label": `${name}: walk out, come back, ${time}` },
      el("span", { class: "away-tag", "data-testid": "cook-away", hidden: true, text: "away" }),
      el("span", { class: "cook-buttons" },
        el("button", { type: "button", class: "small", "data-cook-action": "leave", "data-testid": "cook-leave", title: `${name} walks out: takes no more work, what waits for them is lost`, "aria-label": `${name} walks out` }, "out"),
        el("button", { type: "button", class: "small", "data-cook-action": "return", "data-testid": "cook-return", hidden: true, title: `${name} comes back and takes work again`, "aria-label": `${name} comes back` }, "back")),
      el("form", { class: "cook-time", novalidate: true },
        el("input", { type: "number", min: "1", max: String(MAX_MS), step: "1", class: "cook-ms", "data-testid": "cook-ms", title: `${name}'s ${time} in ms`, "aria-label": `${name}'s ${time} in ms` }),
        el("button", { type: "submit", class: "small", "data-testid": "cook-set-ms", title: `${name} takes this many ms from the next message`, "aria-label": `ms: set ${name}'s ${time}` }, "ms ✓")));
  }

  setTime(form, name, cook = true) {
    const raw = form.querySelector("[data-testid=cook-ms]").value.trim();
    const ms = wholeMs(raw);
    if (ms === null) {
      this.app.showError(`${cook ? "cooking time" : "time per message"} of ${name}: ${JSON.stringify(raw)} is not a whole number of ms in 1..=${MAX_MS}; nothing changed`);
      return;
    }
    if (cook) this.app.takeInput({ type: "SetCookTime", cook: name, ms }, null, (sim) => { sim.setCookTime(name, ms); return true; });
    else this.app.takeInput({ type: "SetWorkerTime", worker: name, ms }, null, (sim) => { sim.setWorkerTime(name, ms); return true; });
  }

  hire() {
    const name = $("#hire-name").value.trim();
    const raw = $("#hire-ms").value.trim();
    const ms = wholeMs(raw);
    const w = words();
    // the cooks' role when the choice is not there yet: the staffed one
    const role = $("#hire-role")?.value || w.roleNames.find((r) => w.staffed(r));
    const cook = w.staffed(role);
    const who = w.display(role);
    if (!name) {
      this.app.showError(`hire a ${who}: give the newcomer a name; nothing changed`);
      return;
    }
    if (ms === null) {
      this.app.showError(`hire a ${who}: ${cook ? "cooking time" : "time per message"} ${JSON.stringify(raw)} is not a whole number of ms in 1..=${MAX_MS}; nothing changed`);
      return;
    }
    const ok = cook
      ? this.app.takeInput({ type: "HireCook", name, ms }, null, (sim) => { sim.hireCook(name, ms); return true; })
      : this.app.takeInput({ type: "HireWorker", role, name, ms }, null, (sim) => { sim.hireWorker(role, name, ms); return true; });
    if (ok !== undefined) $("#hire-name").value = "";
  }
}

function wholeMs(raw) {
  if (!/^\d+$/.test(raw)) return null;
  const ms = Number(raw);
  return ms >= 1 && ms <= MAX_MS ? ms : null;
}
