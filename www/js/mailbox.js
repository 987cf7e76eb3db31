// An actor's mailbox, opened by clicking its box on the floor: the messages waiting for it
// at the current step (which order, what, waiting since when). Read from the run itself:
// the messages published by the cursor whose delivery to that actor comes after it.

import { $, el, formatMs, formatInt } from "./dom.js";

const LOOK_AHEAD = 5000; // steps read past the cursor to find the deliveries still to come
const SHOWN = 50;

export class Mailbox {
  constructor(app) {
    this.app = app;
    this.name = null;
    this.key = "";
    this.pane = $("#mailbox");
    $("#floor-grid").addEventListener("click", (event) => {
      const box = event.target.closest("[data-testid=actor]");
      if (box) this.open(box.dataset.actor);
    });
    $("#mailbox-close").addEventListener("click", () => this.open(null));
    $("#mailbox-body").addEventListener("click", (event) => {
      const item = event.target.closest("[data-seq]");
      if (item) app.openMessage(Number(item.dataset.seq));
    });
  }

  open(name) {
    this.name = this.name === name ? null : name;
    this.key = "";
    this.pane.hidden = !this.name;
    this.app.changed();
  }

  update(frame) {
    if (!this.name) return;
    const key = `${frame.gen}:${frame.cursor}:${frame.total}:${this.name}`;
    if (key === this.key || frame.playing) return;
    this.key = key;
    const actor = (frame.actors() ?? []).find((a) => a.name === this.name);
    if (!actor) { this.open(null); return; }
    const waiting = this.waiting(frame, actor);
    const body = $("#mailbox-body");
    const title = el("h3", {}, `${actor.name}'s mailbox at step ${formatInt(frame.cursor)}: `,
      el("span", { class: "mono", "data-testid": "mailbox-count", text: String(actor.queue ?? 0) }), " waiting",
      actor.pending !== undefined ? ` · ${actor.pending} timers held` : "");
    const items = waiting.list.slice(0, SHOWN).map((m) => el("li", {},
      el("button", { type: "button", class: "link", "data-testid": "mailbox-message", "data-seq": m.seq, "data-type": m.type },
        el("span", { class: "mono", text: m.type }), m.order ? ` · order ${m.order}` : "",
        el("span", { class: "hint", text: ` · from ${m.publisher}, waiting since ${formatMs(m.at_ms)} (for ${formatMs(frame.nowMs - m.at_ms)})` }))));
    const more = (actor.queue ?? 0) - Math.min(waiting.list.length, SHOWN);
    body.replaceChildren(title,
      items.length ? el("ul", {}, ...items) : el("p", { class: "hint", text: actor.queue ? "" : "Nothing is waiting for it at this step." }),
      ...(more > 0 ? [el("p", { class: "hint", text: waiting.list.length > SHOWN ? `… and ${formatInt(more)} more` : `${formatInt(more)} more not found in the part of the run computed so far` })] : []));
  }

  /** The messages published by the cursor that the actor receives after it, oldest first. */
  waiting(frame, actor) {
    const app = this.app;
    const sim = app.sim;
    const want = actor.queue ?? 0;
    if (!want) return { list: [] };
    const seqs = [];
    const at = frame.cursor;
    app.call(() => {
      const total = sim.totalSteps();
      sim.seek(total);
      try {
        for (let from = at + 1; from <= total && seqs.length < want && from <= at + LOOK_AHEAD; from += 500) {
          for (const s of sim.steps(from, Math.min(total + 1, from + 500))) {
            if (s.actor === actor.name && s.seq !== null && s.seq !== undefined && s.seq < frame.count) seqs.push(s.seq);
          }
        }
      } finally {
        sim.seek(at);
      }
    });
    const list = seqs.slice(0, want).map((seq) => app.call(() => sim.messages(seq, seq + 1)[0])).filter(Boolean);
    list.sort((a, b) => a.seq - b.seq);
    return { list };
  }
}
