// The opened message: its headers, its payload (the order document with what each worker
// added marked), who sent it, who received it and what became of it. Opened by clicking a
// log row or a node of the causation tree; opening it never moves time: its "go to its
// delivery" button does (App.goToDelivery).

import { $, el, replace, formatMs, formatInt } from "./dom.js";
import { kindChip } from "./floor.js";
import { describeOutput } from "./caption.js";

const HEADERS = new Set(["seq", "at_ms", "type", "kind", "id", "correlation_id", "causation_id"]);

export class MessagePane {
  constructor(app) {
    this.app = app;
    this.pane = $("#message-pane");
    this.body = $("#message-pane-body");
    this.opened = null;
    this.key = "";
    $("#message-pane-close").addEventListener("click", () => this.close());
    this.body.addEventListener("click", (event) => {
      const link = event.target.closest("[data-open-seq]");
      if (link) app.openMessage(Number(link.dataset.openSeq));
      const step = event.target.closest("[data-go-step]");
      if (step) { app.pause(); app.seek(Number(step.dataset.goStep)); }
      if (event.target.closest("[data-testid=go-to-delivery]") && this.opened) app.goToDelivery(this.opened.seq);
    });
  }

  /**
   * Show message `seq`: `fate` is what the whole known run did with it
   * ({ deliveries, faults, idle }), read by the App at the run's end.
   */
  open(seq, fate, gen) {
    const app = this.app;
    const message = app.call(() => app.sim.message(seq));
    if (!message) return;
    this.opened = { seq, message, fate, gen, fields: this.attribute(message) };
    this.key = "";
    this.pane.hidden = false;
  }

  close() {
    this.opened = null;
    this.pane.hidden = true;
    this.app.changed();
  }

  /**
   * Who set each field of the order document as it stands in `message`: walk the order's
   * stream up to it and note, for every field, the last message that changed it.
   */
  attribute(message) {
    const app = this.app;
    if (!message.payload?.order) return null;
    const stream = (app.call(() => app.sim.orderStream(message.correlation_id), []) ?? []).filter((m) => m.seq <= message.seq);
    const by = new Map();
    let previous = null;
    for (const m of stream) {
      const payload = m.seq === message.seq ? message.payload : app.call(() => app.sim.message(m.seq))?.payload;
      const doc = payload?.order;
      if (!doc) continue;
      for (const [key, value] of Object.entries(doc)) {
        const text = JSON.stringify(value);
        if (!previous || JSON.stringify(previous[key]) !== text) by.set(key, { publisher: m.publisher, type: m.type, seq: m.seq, fresh: !previous });
      }
      previous = doc;
    }
    return by;
  }

  update(frame) {
    const opened = this.opened;
    if (!opened) return;
    if (opened.gen !== frame.gen) { this.close(); return; } // the run changed under it
    const key = `${frame.gen}:${frame.cursor}`;
    if (key === this.key) return;
    this.key = key;
    const m = opened.message;
    replace(this.body,
      // the pane's heading (under the log's h2): its sections' h4s then follow in order
      el("h3", { class: "mp-title" }, kindChip(m.kind), " ", el("strong", { class: "type", text: m.type }),
        el("span", { class: "hint", text: ` seq ${m.seq} · order #${m.order} · published at ${formatMs(m.at_ms)}` })),
      this.goButton(frame),
      m.summary ? el("p", { class: "mp-summary", text: m.summary }) : null,
      el("dl", { class: "mp-headers", "data-testid": "message-headers" },
        row("id", m.id),
        row("correlation", m.correlation_id, "the order it belongs to"),
        row("causation", m.causation_id ?? "none: it starts the order", m.causation_id ? "the message it answers" : null),
        el("div", {}, el("dt", { text: "sender" }), el("dd", { "data-testid": "message-sender", text: m.publisher })),
        el("div", {}, el("dt", { text: "receiver(s)" }), el("dd", { "data-testid": "message-receivers" }, ...this.receivers(frame)))),
      this.outcome(frame),
      this.decided(frame),
      el("h4", { text: "Payload" }),
      this.payload(m));
  }

  /** "go to its delivery": the one control of the pane that moves time. */
  goButton(frame) {
    const step = this.app.deliveryStep(this.opened.seq);
    const lost = step !== null && !this.opened.fate.deliveries.some((d) => d.step === step);
    const words = step === null ? "not delivered in the run computed so far"
      : step === frame.cursor ? `its ${lost ? "loss" : "delivery"} is the step shown (step ${formatInt(step)})`
        : `go to its ${lost ? "loss" : "delivery"}: step ${formatInt(step)}`;
    return el("p", { class: "mp-go" },
      el("button", { type: "button", class: "small", "data-testid": "go-to-delivery", "data-step": step ?? "",
        disabled: step === null || step === frame.cursor,
        title: "Move the time control to the step that delivered this message (opening it does not move time)" },
      step !== null && step !== frame.cursor ? "⇢ " : "", words));
  }

  receivers(frame) {
    const { deliveries, faults } = this.opened.fate;
    const names = [...new Set([...deliveries.map((d) => d.actor), ...faults.map((f) => f.actor)])];
    return names.length ? [names.join(", ")] : [el("span", { class: "hint", text: "nobody (yet)" })];
  }

  /** What its receiver decided on it (the executor's record of the delivering step). */
  decided(frame) {
    const app = this.app;
    const first = this.opened.fate.deliveries[0];
    if (!first || first.step > frame.cursor) return null;
    const step = app.call(() => app.sim.steps(first.step, first.step + 1)[0]);
    if (!step) return null;
    const outs = step.outputs ?? [];
    return el("div", { class: "mp-decided" },
      el("h4", {}, `What ${step.actor} decided on it`),
      outs.length ? el("ul", { "data-testid": "message-decided" }, ...outs.map((o) => el("li", { "data-status": o.status, "data-type": o.type },
        kindChip(o.kind), " ", o.seq !== null && o.seq !== undefined
          ? el("button", { type: "button", class: "link", "data-open-seq": o.seq, text: describeOutput(o, step.at_ms, step.actor_kind) })
          : describeOutput(o, step.at_ms, step.actor_kind))))
        : el("p", { class: "hint", "data-testid": "message-decided", text: "nothing: it answers with no message" }));
  }

  /** What became of the message: delivered, lost, duplicated, or still waiting. */
  outcome(frame) {
    const { deliveries, faults, idle } = this.opened.fate;
    const lost = faults.filter((f) => f.fault === "drop" || f.fault === "walked-out" || f.fault === "crash");
    // issue 23: tries a worker failed on, a move to the dead-letter queue, a copy recognised
    const failed = faults.filter((f) => f.fault === "failed");
    const dead = faults.filter((f) => f.fault === "dead-lettered");
    const recognised = faults.filter((f) => f.fault === "recognised");
    const doubled = faults.some((f) => f.fault === "duplicate") || deliveries.some((d) => d.copy > 0);
    // a CookFood can reach the dispatcher and be lost on its way on to a cook: lost wins
    const refusals = faults.filter((f) => f.fault === "rejected" || f.fault === "refused" || f.fault === "absorbed");
    const refusal = refusals.find((f) => f.fault !== "absorbed") ?? refusals[0];
    // dead-lettered, unless a delivery came after it (re-delivered by hand)
    const lastDead = dead.length ? dead[dead.length - 1].step : null;
    const redelivered = lastDead !== null && deliveries.some((d) => d.step > lastDead);
    const outcome = lost.length ? "lost" : lastDead !== null && !redelivered ? "dead-lettered" : refusal ? refusal.fault : doubled ? "duplicated" : deliveries.length ? "delivered" : "waiting";
    const later = (step) => (step > frame.cursor ? el("span", { class: "hint", text: " (later)" }) : null);
    const items = [
      ...deliveries.map((d) => el("li", {},
        d.copy ? el("span", { class: "chip dup", text: "×2" }) : el("span", { class: "chip event", text: "✓" }), " ",
        d.copy ? "a second copy delivered to " : "delivered to ", el("strong", { text: d.actor }),
        ` at ${formatMs(d.at_ms)}, `, stepLink(d.step), later(d.step))),
      ...lost.map((f) => el("li", {}, el("span", { class: "chip fault", text: f.fault === "crash" ? "⚡ crash" : "✕ lost" }),
        f.fault === "crash" ? " lost in a crash of " : " lost on the way to ",
        el("strong", { text: f.actor }), ", ", stepLink(f.step), later(f.step))),
      ...failed.map((f) => el("li", { "data-testid": "message-failed" }, el("span", { class: "chip fault", text: "✕ failed" }), " failed (poison) at ",
        el("strong", { text: f.actor }), f.manual ? " (marked poison by hand)" : "", ", ", stepLink(f.step), later(f.step))),
      ...dead.map((f) => el("li", { "data-testid": "message-dead-lettered" }, el("span", { class: "chip fault", text: "☠ dead letter" }),
        " dead-lettered by ", el("strong", { text: f.actor }), ": moved to the dead-letter queue, ", stepLink(f.step), later(f.step))),
      ...recognised.map((f) => el("li", {}, el("span", { class: "chip dup", text: "≡ once" }), " recognised (taken once) by ",
        el("strong", { text: f.actor }), ": this copy was set aside, not cooked again, ", stepLink(f.step), later(f.step))),
    ];
    const REFUSAL_WORDS = {
      rejected: ["fault", "⊘ rejected", "rejected by the", "it published MessageRejected"],
      refused: ["dup", "⊘ refused", "refused by the", "it published PaymentRefused"],
      absorbed: ["dup", "≡ absorbed", "answered by the", "what it decided was absorbed by the idempotent store (the id was already stored)"],
    };
    for (const f of refusals) {
      const [cls, chip, verb, then] = REFUSAL_WORDS[f.fault];
      items.push(el("li", { "data-testid": "message-refusal", "data-fault": f.fault }, el("span", { class: `chip ${cls}`, text: chip }), ` ${verb} `,
        el("strong", { text: f.actor }), f.reason ? ` (${f.reason})` : "", `: ${then}, `, stepLink(f.step), later(f.step)));
    }
    if (!deliveries.length && !lost.length) {
      items.push(el("li", { class: "hint", text: idle
        ? "no worker received it: it is in the history (the event store) for whoever replays it"
        : "still waiting: not delivered in the part of the run computed so far" }));
    }
    const words = { delivered: "delivered", lost: "lost", "dead-lettered": "dead-lettered", duplicated: "duplicated", rejected: "rejected", refused: "refused", absorbed: "absorbed", waiting: idle ? "not delivered" : "still waiting" };
    return el("div", { class: `mp-outcome outcome-${outcome}`, "data-testid": "message-outcome", "data-outcome": outcome },
      el("h4", {}, "What became of it: ", el("span", { class: "outcome-word", text: words[outcome] })),
      el("ul", {}, ...items));
  }

  payload(m) {
    const body = Object.fromEntries(Object.entries(m.payload ?? {}).filter(([k]) => !HEADERS.has(k) && k !== "order"));
    const doc = m.payload?.order;
    const fields = this.opened.fields;
    return el("div", { class: "mp-payload", "data-testid": "message-payload" },
      Object.keys(body).length ? el("pre", { class: "mp-json", text: JSON.stringify(body, null, 2) }) : null,
      doc ? el("div", { class: "mp-doc" },
        el("div", { class: "hint", text: "the order document: ← who last wrote each field; highlighted: what this message's sender added" }),
        el("dl", { class: "mp-fields" }, ...Object.entries(doc).map(([key, value]) => {
          const who = fields?.get(key);
          const mine = who && who.seq === m.seq && !who.fresh;
          return el("div", { class: mine ? "is-added" : "", "data-testid": "doc-field", "data-field": key, "data-by": who?.publisher ?? "", "data-added": String(Boolean(mine)) },
            el("dt", { text: key }),
            el("dd", {}, el("code", { text: JSON.stringify(value) }),
              who ? el("span", { class: "by", title: `set by ${who.type} (seq ${who.seq})` }, " ← ", who.fresh ? `${who.publisher} (placed)` : who.publisher) : null));
        }))) : null,
      !doc && !Object.keys(body).length ? el("p", { class: "hint", text: "headers only" }) : null);
  }
}

function row(name, value, hint = null) {
  return el("div", {}, el("dt", { text: name }), el("dd", { class: "mono", "data-testid": `message-${name}`, title: hint ?? "" }, value));
}

function stepLink(step) {
  return el("button", { type: "button", class: "link", "data-go-step": step, text: `step ${formatInt(step)}` });
}
