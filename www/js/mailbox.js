// An actor's mailbox, opened by clicking its box on the floor (or every mailbox, with the
// floor's "waiting" button): the messages waiting for it
// at the current step (which order, what, waiting since when) and those in flight towards
// it, read from the engine's `queued()`. Each delivery to a worker can be given a fate here
// (dropped, duplicated, delayed: issue 9; a waiting one marked poison: issue 23); the others
// say why they cannot. The dead-letter queue's mailbox IS the queue: each dead letter is read
// with its MessageDeadLettered (the worker, the reason, the tries) and can be re-delivered.

import { $, el, formatMs, formatInt } from "./dom.js";
import { words } from "./engine.js";

const SHOWN = 50;
/** The mailbox pane's name for "every actor's" (no actor can be called so: names are words). */
const ALL = "*";
/** Deliveries the executor makes reliably: why their fate cannot be changed. */
const RELIABLE = "deliveries to the house, the dispatcher, the alarm clock and the printer are reliable: only a worker's (a cook, the assistant manager, the cashier) can be lost, doubled or late";
/** Why a message was dead-lettered (MessageDeadLettered's `reason`), in words. */
const REASON = { "handler-failed": "the handler failed on it", "cannot-cook": "no cook can cook this dish", "by-hand": "marked poison by hand" };
/** Why nothing can be marked poison in a run without a dead-letter queue (pressing it shows the engine's refusal). */
const NO_QUEUE = "needs a dead-letter queue: turn one on in Set up run… (Crashes, poison messages and refunds)";

export class Mailbox {
  constructor(app) {
    this.app = app;
    this.name = null;
    this.key = "";
    this.pane = $("#mailbox");
    $("#floor-grid").addEventListener("click", (event) => {
      if (event.target.closest("button, input, form, label")) return; // the cook's own controls
      const box = event.target.closest("[data-testid=actor]");
      if (box) this.open(box.dataset.actor);
    });
    // from the keyboard: Enter or space on a focused actor opens its mailbox
    $("#floor-grid").addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      const box = event.target.closest?.("[data-testid=actor]");
      if (!box || event.target !== box) return;
      event.preventDefault();
      event.stopPropagation();
      this.open(box.dataset.actor);
    });
    $("#mailbox-close").addEventListener("click", () => this.open(null));
    $("#waiting-all").addEventListener("click", () => this.open(ALL));
    $("#mailbox-body").addEventListener("click", (event) => {
      const fate = event.target.closest("[data-fate]");
      if (fate) { this.fate(fate); return; }
      const again = event.target.closest("[data-testid=redeliver]");
      if (again) { this.redeliver(Number(again.dataset.redeliver)); return; }
      const item = event.target.closest("[data-seq]");
      if (item) app.openMessage(Number(item.dataset.seq));
    });
    $("#mailbox-body").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("[data-testid=fate-delay-ms]")) {
        event.preventDefault();
        this.fate(event.target.closest("[data-testid=queued-message]").querySelector("[data-fate=delay]"));
      }
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
    const all = this.name === ALL;
    const actor = all ? { name: ALL, queue: null } : (frame.actors() ?? []).find((a) => a.name === this.name);
    if (!actor) { this.open(null); return; }
    const app = this.app;
    const queued = (app.call(() => app.sim.queued(), []) ?? []).filter((q) => all || q.actor === actor.name);
    this.entries = queued;
    const waiting = queued.filter((q) => q.state === "waiting");
    const flying = queued.filter((q) => q.state !== "waiting");
    const body = $("#mailbox-body");
    const queueRole = words().deadLetterRole();
    this.queueName = (frame.actors() ?? []).find((a) => a.kind === queueRole)?.name ?? null;
    this.hasQueue = this.queueName !== null;
    if (!all && actor.kind === queueRole) { this.deadLetters(frame, actor, waiting, body); return; }
    if (all) actor.queue = waiting.length;
    const title = all ? el("h3", {}, `Every mailbox at step ${formatInt(frame.cursor)}: `,
      el("span", { class: "mono", "data-testid": "mailbox-count", text: String(waiting.length) }), ` waiting, ${flying.length} in flight`)
      : el("h3", {}, `${actor.name}'s mailbox at step ${formatInt(frame.cursor)}: `,
      el("span", { class: "mono", "data-testid": "mailbox-count", text: String(actor.queue ?? 0) }), " waiting",
      actor.pending !== undefined ? ` · ${actor.pending} timers held` : "",
      actor.away ? el("span", { class: "away-tag", text: " · walked out: what reaches it is lost" }) : "");
    const item = (q, index) => {
      const m = q.seq !== null && q.seq !== undefined ? app.call(() => app.sim.messages(q.seq, q.seq + 1)[0]) : null;
      const order = frame.orderBy(q.correlation_id)?.order;
      const what = [all ? el("strong", { text: `${q.actor}: ` }) : "", el("span", { class: "mono", text: q.type }), order ? ` · order ${order}` : "",
        q.copy ? el("span", { class: "dup-tag", text: " · second copy" }) : ""];
      const since = q.state === "waiting"
        ? ` · from ${m?.publisher ?? "?"}, waiting since ${formatMs(q.waiting_since_ms)} (for ${formatMs(frame.nowMs - q.waiting_since_ms)})`
        : ` · decided at ${formatMs(q.waiting_since_ms)}, arrives at ${formatMs(q.due_ms)}`;
      const head = q.state === "waiting"
        ? el("button", { type: "button", class: "link", "data-testid": "mailbox-message", "data-seq": q.seq, "data-type": q.type },
          ...what, el("span", { class: "hint", text: since }))
        : el("span", { class: "in-flight" }, ...what, el("span", { class: "hint", text: since }));
      return el("li", { class: "queued", "data-testid": "queued-message", "data-id": q.id ?? "", "data-index": index, "data-state": q.state, "data-changeable": String(Boolean(q.changeable)) },
        head, this.fateControls(q));
    };
    const list = (entries) => el("ul", { class: "queued-list" }, ...entries.slice(0, SHOWN).map((q) => item(q, queued.indexOf(q))));
    const more = (n) => (n > SHOWN ? [el("p", { class: "hint", text: `… and ${formatInt(n - SHOWN)} more` })] : []);
    body.replaceChildren(title,
      waiting.length ? list(waiting) : el("p", { class: "hint", text: actor.queue ? "" : "Nothing is waiting for it at this step." }),
      ...more(waiting.length),
      ...(flying.length ? [el("h4", { text: all ? `in flight: ${flying.length}` : `in flight to ${actor.name}: ${flying.length}` }), list(flying), ...more(flying.length)] : []));
  }

  /**
   * The dead-letter queue opened: every dead letter (its type and order), read with the
   * MessageDeadLettered its worker published (who failed on it, why, after how many tries),
   * and a button that re-delivers it to that worker.
   */
  deadLetters(frame, actor, waiting, body) {
    const app = this.app;
    const w = words();
    const letterOf = (q) => {
      const stream = app.call(() => app.sim.orderStream(q.correlation_id), []) ?? [];
      // the latest published by the cursor, else the one its worker decided and publishes next
      const said = stream.filter((m) => w.is(m.type, "dead-lettered") && m.causation_id === q.id);
      const shown = said.filter((m) => m.seq < frame.count);
      const last = shown[shown.length - 1] ?? said.find((m) => m.seq >= frame.count);
      return last ? app.call(() => app.sim.message(last.seq), null) : null;
    };
    const item = (q) => {
      const order = frame.orderBy(q.correlation_id)?.order;
      const said = letterOf(q);
      // before its MessageDeadLettered is published (a coming step), the run's faults say as much
      const faults = said ? [] : app.faults.ofSeq(frame, q.seq);
      const dead = faults.filter((f) => f.fault === "dead-lettered");
      const lastDead = dead[dead.length - 1];
      const since = dead.length > 1 ? dead[dead.length - 2].step : 0;
      const p = said?.payload ?? (lastDead ? { worker: lastDead.actor, attempts: faults.filter((f) => f.fault === "failed" && f.actor === lastDead.actor && f.step > since).length } : {});
      const why = REASON[p.reason] ?? p.reason ?? "it failed every try";
      const whyText = p.reason ? why : "";
      const tries = p.attempts ? `after ${p.attempts} ${p.attempts === 1 ? "try" : "tries"}` : "";
      return el("li", { class: "queued dead-letter", "data-testid": "dead-letter", "data-letter": q.seq, "data-type": q.type, "data-worker": p.worker ?? "", "data-reason": p.reason ?? "", "data-attempts": p.attempts ?? "" },
        el("button", { type: "button", class: "link", "data-testid": "mailbox-message", "data-seq": q.seq, "data-type": q.type },
          el("span", { class: "mono", text: q.type }), order ? ` · order ${order}` : "", q.copy ? el("span", { class: "dup-tag", text: " · second copy" }) : ""),
        el("span", { class: "dl-why", "data-testid": "dead-letter-why" },
          ` · ${p.worker ? `${p.worker} failed on it ${tries}` : "failed every try"}${whyText ? `: ${whyText}` : ""}`,
          el("span", { class: "hint", text: ` · set aside at ${formatMs(q.waiting_since_ms)}` }),
          said ? [" · ", el("button", { type: "button", class: "link", "data-seq": said.seq, title: "open the MessageDeadLettered its worker published", text: "its MessageDeadLettered" })]
            : el("span", { class: "hint", text: " · its MessageDeadLettered is published in a coming step" })),
        el("span", { class: "fates" },
          el("button", { type: "button", class: "small fate", "data-testid": "redeliver", "data-redeliver": q.seq,
            title: `hand it back to ${p.worker ?? "the worker that failed on it"} (it is no longer poison): an input of the run` }, "↻ re-deliver")));
    };
    const list = el("ul", { class: "queued-list", "data-testid": "dead-letter-list" }, ...waiting.slice(0, SHOWN).map(item));
    body.replaceChildren(
      el("h3", {}, `The dead-letter queue at step ${formatInt(frame.cursor)}: `,
        el("span", { class: "mono", "data-testid": "mailbox-count", text: String(actor.queue ?? 0) }), ` dead letter${actor.queue === 1 ? "" : "s"}`),
      waiting.length ? list : el("p", { class: "hint", text: "Empty: no message has failed every try so far." }),
      ...(waiting.length > SHOWN ? [el("p", { class: "hint", text: `… and ${formatInt(waiting.length - SHOWN)} more` })] : []),
      el("p", { class: "hint", text: "Messages a worker failed on every try, set aside so that they stop blocking its mailbox. Nobody takes them: read each one and re-deliver it once the cause is fixed. The order's process manager does not wait for them: its timeout asks again, or gives the order up." }));
  }

  /** Re-deliver dead letter `seq` to the worker that failed on it (an input of the run). */
  redeliver(seq) {
    const q = this.entries?.find((e) => e.seq === seq && e.state === "waiting");
    this.app.takeInput({ type: "RedeliverMessage", seq }, q?.type ?? null, (sim) => { sim.redeliverMessage(seq); return true; });
  }

  /** The fate buttons of one delivery, or why it has none. */
  fateControls(q) {
    if (this.queueName && q.actor === this.queueName) {
      return el("span", { class: "hint", "data-testid": "fate-dead-letter", text: " · a dead letter: open the dead letters' box to read it and re-deliver it" });
    }
    if (!q.changeable) return el("span", { class: "hint reliable", "data-testid": "fate-reliable", title: RELIABLE, text: " · reliable delivery (cannot be changed)" });
    const ms = this.defaultDelay(q.type);
    // a waiting message can be marked poison: its worker fails on it every try (issue 23)
    const poison = q.state === "waiting"
      ? el("button", { type: "button", class: "small fate", "data-fate": "poison", "data-testid": "fate-poison",
        title: this.hasQueue ? `poison: ${q.actor}'s handler fails on it every try, then it is dead-lettered` : NO_QUEUE }, "☠ poison")
      : null;
    return el("span", { class: "fates", role: "group", "aria-label": `the fate of this ${q.type}` },
      el("button", { type: "button", class: "small fate", "data-fate": "drop", "data-testid": "fate-drop", title: "lose this delivery" }, "✕ drop"),
      el("button", { type: "button", class: "small fate", "data-fate": "duplicate", "data-testid": "fate-duplicate", title: "deliver it twice" }, "×2 duplicate"),
      el("span", { class: "delay" },
        el("button", { type: "button", class: "small fate", "data-fate": "delay", "data-testid": "fate-delay", title: "deliver it later: it joins the mailbox's tail after this many ms" }, "◷ delay"),
        el("input", { type: "number", class: "delay-ms", "data-testid": "fate-delay-ms", min: "1", max: "600000", step: "1", value: String(ms), "aria-label": "delay in ms" }),
        el("span", { class: "hint", text: "ms" })),
      poison);
  }

  /** Late by the timeout of the step the message belongs to, plus one: the house gives up waiting first. */
  defaultDelay(type) {
    const config = { ...this.app.defaults, ...this.app.config };
    // the piece of work it asks for or answers, by the engine's words (a refund waits as long as a payment)
    const step = words().step(type);
    const timeout = step ? config[`${step}_timeout_ms`] ?? config.pay_timeout_ms : config.cook_timeout_ms;
    return (Number(timeout) || 1000) + 1;
  }

  /** A fate button was pressed: apply it to that delivery (errors go to the banner, nothing changes). */
  fate(button) {
    const li = button.closest("[data-testid=queued-message]");
    const q = this.entries?.[Number(li.dataset.index)];
    if (!q) return;
    const target = q.state === "waiting" ? { seq: q.seq, copy: q.copy, actor: q.actor } : { output: q.output, actor: q.actor };
    const kind = button.dataset.fate;
    if (kind === "delay") {
      const raw = li.querySelector("[data-testid=fate-delay-ms]").value.trim();
      const ms = Number(raw);
      if (raw === "" || !Number.isInteger(ms) || ms < 1 || ms > 600000) {
        this.app.showError(`delay: ${JSON.stringify(raw)} is not a whole number of ms in 1..=600000; nothing changed`);
        return;
      }
      this.app.takeInput({ type: "DelayMessage", ms, actor: q.actor }, q.type, (sim) => sim.delayMessage(target, undefined, ms));
    } else if (kind === "poison") {
      this.app.takeInput({ type: "PoisonMessage", seq: q.seq, actor: q.actor }, q.type, (sim) => { sim.poisonMessage(q.seq, q.actor); return true; });
    } else if (kind === "drop") {
      this.app.takeInput({ type: "DropMessage", actor: q.actor }, q.type, (sim) => sim.dropMessage(target));
    } else {
      this.app.takeInput({ type: "DuplicateMessage", actor: q.actor }, q.type, (sim) => sim.duplicateMessage(target));
    }
  }
}
