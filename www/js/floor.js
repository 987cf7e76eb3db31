// The restaurant floor: one box per actor with its queue and busy state, and the
// messages of the last step drawn as arrows from the publisher to the receiver.

import { $, el, svg, replace, morph, setText, setClass, formatMs } from "./dom.js";
import { captionParts } from "./caption.js";
import { MessageCounter, expandLinks, litLinks, linkPath, linkElement, route, senderRole, receiverRoles } from "./wiring.js";
import { words, wordsOf } from "./engine.js";
import { FAULT_CHIP } from "./faults.js";

/** A fault on the way to an actor, in a badge's title and in the step's caption. */
const FAULT_WORD = { drop: "dropped", duplicate: "duplicated", "walked-out": "lost (the cook had walked out)", delay: "delayed", shed: "shed (mailbox full)", stale: "shed (waited too long)",
  crash: "lost in a crash", failed: "failed (poison)", "dead-lettered": "dead-lettered", recognised: "recognised (taken once)" };
const FAULT_CAPTION = { drop: "dropped on the way to", duplicate: "duplicated for", delay: "delayed on the way to", shed: "shed at the full mailbox of", stale: "shed, too old, from the mailbox of",
  crash: "lost in a crash of", failed: "failed (poison) at", "dead-lettered": "dead-lettered (moved to the dead-letter queue) by",
  recognised: "recognised (taken once, not cooked again) by" };
/** An arrow's label for a fault, after the message's type. */
const FAULT_LABEL = { drop: " ✕ lost", "walked-out": " ✕ lost", duplicate: " ×2", delay: " ◷ late", crash: " ✕ crash", failed: " ✕ failed", "dead-lettered": " ☠ dead letter", recognised: " ≡ once" };
/**
 * The diagrams' export code (diagram-export.js, floor-svg.js, tree-svg.js and html-svg.js
 * under them), loaded at the first export rather than on a first visit: resolves to
 * { download, standaloneSvg, floorSvg, treeSvg }, or null when it could not be loaded
 * (said on the page; the next export tries again).
 */
export function exportCode(app) {
  exportLoading ??= Promise.all([import("./diagram-export.js"), import("./floor-svg.js"), import("./tree-svg.js")])
    .then(([diagrams, floor, tree]) => ({ ...diagrams, ...floor, ...tree }))
    .catch((error) => {
      exportLoading = null;
      app.showError(`The export could not be loaded: ${error?.message ?? error}`);
      return null;
    });
  return exportLoading;
}
let exportLoading = null;

// Where each role stands and what it is called come from the engine's vocabulary
// (engine.js `words`): the flow reads left to right.
const SMALL_GAP = 500; // messages counted for the links' labels within a frame
/** The embed view lays the kitchen out at least this wide, then scales it to its frame. */
const EMBED_LAYOUT_WIDTH = 700;

export class FloorView {
  constructor(app) {
    this.app = app;
    this.grid = $("#floor-grid");
    this.arrows = $("#floor-arrows");
    this.linksSvg = $("#floor-links");
    this.counter = new MessageCounter();
    this.wiringSim = null;
    this.wiring = null;
    this.links = [];
    this.linkState = null;
    this.caption = $("#step-caption");
    this.boxes = new Map();
    this.signature = "";
    this.lastKey = "";
    this.lastArrows = null;
    // box positions are measured after layout (in a ResizeObserver callback), never while
    // rendering, so a frame costs one layout
    this.rects = null;
    this.observer = new ResizeObserver((entries) => {
      // the kitchen's size only changes with the actors or the page width: fit the panel then
      if (entries.some((e) => e.target === this.grid || e.target.id === "mailbox" || e.target === this.caption)) this.fit();
      this.rects = null;
      this.drawArrows(this.lastArrows);
    });
    this.observer.observe($("#floor"));
    this.observer.observe(this.grid);
    this.observer.observe($("#mailbox"));
    // a longer caption leaves the embed's floor less room
    this.observer.observe(this.caption);
    // an embed's frame can change size without the floor's width changing
    window.addEventListener("resize", () => { if (document.body.classList.contains("embed")) { this.fit(); this.rects = null; this.drawArrows(this.lastArrows); } });
    $("#export-floor-svg")?.addEventListener("click", () => this.exportSvg());
  }

  /** Download the floor at the current step as a standalone SVG in the page's colours. */
  async exportSvg() {
    const code = await exportCode(this.app);
    if (!code) return;
    const frame = this.app.frame;
    const step = frame?.cursor ?? 0;
    const at = frame?.lastStep()?.at_ms;
    const title = `brigade: the floor at step ${step}${at === undefined ? "" : ` (${formatMs(at)})`}`;
    code.download(`brigade-floor-step-${step}.svg`, code.floorSvg(title), "image/svg+xml");
  }

  /** Rebuild the boxes when the set of actors changes (a new run). */
  build(actors) {
    const w = this.words ?? words();
    const signature = actors.map((a) => `${a.name}:${a.kind}`).join("|");
    if (signature === this.signature) return;
    this.signature = signature;
    this.rects = null;
    this.boxes.clear();
    const columns = [0, 1, 2, 3].map((i) => el("div", { class: `floor-col col-${i}` }));
    // the workers sharing a role stand together (a second cashier comes after the printer in
    // the engine's order): in each column by role, then as the engine lists them
    const inFloorOrder = [...actors].sort((a, b) => w.roleRank(a.kind) - w.roleRank(b.kind));
    for (const actor of inFloorOrder) {
      const queueLength = el("span", { class: "queue-length", "data-testid": "queue-length", text: "0" });
      const busy = el("span", { class: "busy", "data-testid": "busy" });
      const extra = el("span", { class: "extra" });
      const badges = el("span", { class: "badges", "aria-live": "off" });
      const bar = el("span", { class: "queue-bar", "aria-hidden": "true" }, el("span", { class: "queue-fill" }));
      const box = el("div", {
        class: `actor kind-${actor.kind}`, "data-testid": "actor", "data-actor": actor.name, "data-kind": actor.kind,
        title: `${actor.name} (${w.label(actor.kind)})`,
        // reachable with the keyboard: Enter opens the mailbox (mailbox.js); the name says the queue
        tabindex: "0", role: "group",
      },
      el("div", { class: "actor-head" },
        el("span", { class: "actor-name", text: actor.name }), badges),
      el("div", { class: "actor-kind", text: w.label(actor.kind) }),
      el("div", { class: "actor-stats" },
        el("span", { class: "queue" }, "queue ", queueLength), bar, busy),
      el("div", { class: "actor-extra" }, extra));
      this.boxes.set(actor.name, { box, queueLength, busy, extra, badges, fill: bar.firstChild });
      this.observer.observe(box);
      columns[Math.min(3, w.column(actor.kind))].append(box);
    }
    this.grid.classList.toggle("many-cooks", actors.filter((a) => w.staffed(a.kind)).length > 4);
    this.grid.replaceChildren(...columns.filter((c) => c.childElementCount));
    this.links = expandLinks(this.wiring, (role) => this.namesOfKind(role));
    this.markUnwired();
  }

  /** Count the history up to `count` once the cursor has rested there, a slice per task. */
  countLater(gen, count) {
    clearTimeout(this.countTimer);
    const app = this.app;
    const run = () => {
      const frame = app.frame;
      if (!frame || frame.gen !== gen || frame.count !== count || frame.playing) return;
      if (this.counter.ensure(app, gen, count, 12)) {
        this.countsReady = true;
        this.drawArrows(this.lastArrows);
      } else {
        this.countTimer = setTimeout(run, 0);
      }
    };
    this.countTimer = setTimeout(run, 150);
  }

  /** A new run: read its wiring (who hears what) from the engine. */
  readWiring(frame) {
    // the wiring belongs to the run (its config), not to the inputs placed since
    const app = this.app;
    if (app.sim === this.wiringSim) return;
    this.wiringSim = app.sim;
    this.wiring = typeof app.sim.wiring === "function" ? app.call(() => app.sim.wiring(), null) : null;
    this.words = wordsOf(app.sim);
    this.signature = ""; // the links depend on the boxes and the wiring: rebuild both
    const w = this.wiring;
    const arch = $("#floor-architecture");
    if (arch) {
      // pay-first is only worth a word on a run that has (or may get) dodgy customers
      const config = app.call(() => app.sim.config(), null);
      const dodgy = (config?.dodgy ?? 0) > 0 || (app.call(() => app.sim.inputs(), []) ?? []).some((i) => i.action?.dodgy);
      const rewired = dodgy ? w?.rewired_for_pay_first ?? [] : [];
      arch.replaceChildren(...(w ? [
        el("span", { class: "arch", "data-testid": "architecture", text: w.architecture }),
        rewired.length ? el("span", { class: "hint", "data-testid": "rewired", title: "these workers are wired differently for a pay-first (dodgy) customer",
          text: ` · rewired for pay-first: ${rewired.map((r) => this.words.label(r)).join(", ")}` })
          : el("span", { class: "hint", "data-testid": "rewired", text: dodgy && w.decisions?.length ? " · pay-first: same wiring, the process manager decides the order" : "" }),
      ] : []));
    }
  }

  /** Actors no link reaches or leaves (the house and the alarm clock without process managers) are greyed. */
  markUnwired() {
    if (!this.wiring) return;
    const wired = new Set(this.links.flatMap((l) => [l.fromBox, l.toBox]));
    for (const [name, parts] of this.boxes) {
      // the dead-letter queue is reached by a failure, not by the wiring
      const unwired = !wired.has(name) && parts.box.dataset.kind !== words().deadLetterRole();
      parts.box.classList.toggle("is-unwired", unwired);
      if (unwired) parts.box.title = `${name}: not wired in the ${this.wiring.architecture} architecture (no message reaches it)`;
    }
  }

  /**
   * On wide screens the panels have fixed heights (each lays out on its own): make the
   * floor's row as tall as the kitchen needs, so no actor is clipped and nothing covers the
   * caption. Runs in the ResizeObserver callback, after layout.
   */
  /**
   * The embed view (an <iframe>, from 480×320 up): the kitchen is laid out at a desktop
   * width and scaled down to fit the frame above the caption, so no actor is cut off.
   */
  fitEmbed() {
    const floor = $("#floor");
    if (!document.body.classList.contains("embed")) { this.scale = 1; return; }
    const panel = floor.closest(".panel");
    const width = panel.clientWidth - 4;
    const natural = Math.max(width, EMBED_LAYOUT_WIDTH);
    if (floor.style.width !== `${natural}px`) floor.style.width = `${natural}px`;
    const height = floor.offsetHeight;
    const above = floor.getBoundingClientRect().top - document.body.getBoundingClientRect().top;
    const below = ($("#step-caption")?.offsetHeight ?? 0) + 16;
    const k = Math.min(1, width / natural, Math.max(80, window.innerHeight - above - below) / height);
    this.scale = k;
    floor.style.transformOrigin = "0 0";
    floor.style.transform = k < 1 ? `scale(${k})` : "";
    floor.style.marginBottom = k < 1 ? `${-(1 - k) * height}px` : "";
    floor.style.marginRight = k < 1 ? `${-(1 - k) * natural}px` : "";
  }

  fit() {
    this.fitEmbed();
    const panel = this.grid.closest(".panel");
    const floor = $("#floor");
    const panels = panel.parentElement;
    if (getComputedStyle(panels).gridTemplateRows.split(" ").length < 2 || !matchMedia("(min-width: 901px)").matches) {
      if (panels.style.getPropertyValue("--floor-row")) panels.style.removeProperty("--floor-row");
      return;
    }
    // everything in the panel but the floor, plus the kitchen itself and a little air
    const others = panel.scrollHeight - floor.offsetHeight;
    const needed = Math.ceil(others + this.grid.offsetHeight + 12);
    const row = Math.max(450, needed);
    if (Math.abs(row - panel.offsetHeight) > 1 && (row > panel.offsetHeight || panel.offsetHeight > 450)) {
      panels.style.setProperty("--floor-row", `${row}px`);
    }
  }

  update(frame) {
    // a caption waiting for the run to publish what its step decided is redrawn as it grows
    const key = `${frame.gen}:${frame.cursor}:${this.app.selected ?? ""}:${this.captionWaits ? frame.total : ""}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    const actors = frame.actors();
    if (!actors) return;
    this.readWiring(frame);
    this.build(actors);
    const w = this.words ?? words();
    this.handled = new Map(actors.map((a) => [a.name, a.handled ?? 0]));
    // the links' counts: the history is counted incrementally, a few ms per frame
    // the links' counts: a step or two are counted at once; after a jump the counting waits
    // until the time control rests, so a jump costs no more than before
    if (this.counter.gap(frame.gen, frame.count) <= SMALL_GAP) {
      this.countsReady = this.counter.ensure(this.app, frame.gen, frame.count, Infinity);
    } else {
      this.countsReady = false;
      this.countLater(frame.gen, frame.count);
    }
    const selected = this.app.selected ? frame.orderBy(this.app.selected) : null;
    this.payFirst = Boolean(selected?.dodgy || selected?.definition === "pay-first");
    const maxQueue = Math.max(5, ...actors.map((a) => a.queue ?? 0));
    for (const actor of actors) {
      const parts = this.boxes.get(actor.name);
      if (!parts) continue;
      setText(parts.queueLength, actor.queue ?? 0);
      const fill = `${Math.min(100, (100 * (actor.queue ?? 0)) / maxQueue)}%`;
      if (parts.fill.style.width !== fill) parts.fill.style.width = fill;
      const busy = Boolean(actor.busy);
      setClass(parts.box, "is-busy", busy);
      if (parts.box.dataset.busy !== String(busy)) parts.box.dataset.busy = String(busy);
      // not busy with messages waiting is not idle: the next one is delivered in a coming step
      const waiting = !busy && (actor.queue ?? 0) > 0 && actor.kind !== w.deadLetterRole();
      // a crashed actor is down (issue 23): it takes nothing until it restarts
      const down = actor.down_until !== undefined && actor.down_until !== null;
      // the dead-letter queue never takes its mail: what waits is set aside for a person
      const held = actor.kind === w.deadLetterRole();
      const state = down ? "crashed" : held ? ((actor.queue ?? 0) > 0 ? "set aside for a person" : "empty") : busy ? "busy" : waiting ? "free, next soon" : "idle";
      setText(parts.busy, down ? "crashed" : busy && !held ? `busy → ${formatMs(actor.busy_until)}` : state);
      const why = down ? `it crashed: back at ${formatMs(actor.down_until)}` : waiting ? "nothing in hand: its next message is delivered in a coming step" : "";
      if ((parts.busy.title ?? "") !== why) parts.busy.title = why;
      const extras = [`handled ${actor.handled ?? 0}`];
      if (actor.live !== undefined) extras.push(`${actor.live} live`);
      if (actor.pending !== undefined) extras.push(`${actor.pending} timers`);
      setText(parts.extra, extras.join(" · "));
      const label = `${actor.name}, ${w.label(actor.kind)}: queue ${actor.queue ?? 0}, ${down ? `crashed, back at ${formatMs(actor.down_until)}` : waiting ? `free, its next message is delivered in a coming step` : state}, ${extras.join(", ")}. Enter opens the mailbox`;
      if (parts.box.getAttribute("aria-label") !== label) parts.box.setAttribute("aria-label", label);
      if (parts.badges.firstChild) parts.badges.replaceChildren();
      for (const c of ["is-receiver", "is-publisher", "has-fault", "has-timeout", "has-ttl"]) setClass(parts.box, c, false);
    }
    // animate single steps and slow play only; fast play shows the arrows as they are
    this.animate = !frame.playing || (typeof frame.speed === "number" && frame.speed <= 10);
    this.showStep(frame.lastStep());
  }

  showStep(step) {
    if (!step) {
      this.caption.textContent = "Step 0: nothing has happened yet. Press ▶ or → to deliver the first message.";
      this.lit = new Map();
      this.drawArrows(null);
      return;
    }
    const app = this.app;
    const delivered = step.seq === null || step.seq === undefined ? null : app.call(() => app.sim.message(step.seq));
    const publisher = delivered?.publisher ?? null;
    const receiver = this.boxes.get(step.actor);
    receiver?.box.classList.add("is-receiver");
    if (publisher) this.boxes.get(publisher)?.box.classList.add("is-publisher");

    const w = this.words ?? words();
    const order = step.correlation_id ? this.app.frame?.orderBy?.(step.correlation_id) ?? null : null;
    // the order's customer: an input says whose order it places (the order is not published yet)
    const dodgy = step.customer ? step.customer === "dodgy" : order ? Boolean(order.dodgy) : null;
    const arrows = [];
    if (publisher && publisher !== step.actor) {
      arrows.push({ from: this.sender(step.actor, publisher, step.type, dodgy), to: step.actor, type: step.type, kind: step.kind, duplicate: step.duplicate, main: true });
    } else if (!publisher && step.kind !== "tail") {
      // an input (the waiter taking an order) delivers nothing: draw what it publishes, to
      // whoever the run's wiring sends it (one arrow per receiving role)
      for (const out of step.outputs ?? []) {
        for (const role of receiverRoles(this.wiring, out.type, step.actor_kind, dodgy)) {
          const to = this.namesOfKind(role)[0];
          if (to) arrows.push({ from: step.actor, to, type: out.type, kind: out.kind ?? "event", main: true });
        }
      }
    }
    const faultTypes = new Map(); // seq → type of each message a fault of this step concerns
    for (const fault of step.faults ?? []) {
      const m = app.call(() => app.sim.message(fault.seq));
      if (m?.type) faultTypes.set(fault.seq, m.type);
      // a dead letter goes from the worker that failed on it to the dead-letter queue
      const queue = fault.fault === "dead-lettered" ? this.namesOfKind(words().deadLetterRole())[0] : null;
      if (queue) arrows.push({ from: fault.actor, to: queue, type: m?.type ?? "message", kind: m?.kind ?? "command", fault: fault.fault });
      // a crash loses what the actor held: its badge says so, no message travelled
      else if (fault.fault !== "crash") arrows.push({ from: this.sender(fault.actor, m?.publisher ?? step.actor, m?.type, dodgy), to: fault.actor, type: m?.type ?? "message", kind: m?.kind ?? "command", fault: fault.fault });
      const target = this.boxes.get(fault.actor);
      if (target) {
        target.box.classList.add("has-fault");
        // one badge per kind of fault, counted (a cook who walks out loses a whole mailbox)
        const text = fault.fault === "drop" ? "✕ lost" : (FAULT_CHIP[fault.fault] ?? FAULT_CHIP.duplicate)[1];
        const same = [...target.badges.children].find((b) => b.dataset.fault === fault.fault);
        if (same) {
          same.dataset.count = String(Number(same.dataset.count) + 1);
          same.textContent = `${text} ${same.dataset.count}`;
        } else {
          target.badges.append(el("span", {
            class: `chip ${(FAULT_CHIP[fault.fault] ?? FAULT_CHIP.duplicate)[0]}`, "data-fault": fault.fault, "data-count": "1",
            title: `${FAULT_WORD[fault.fault] ?? "duplicated"} on the way: ${m?.type ?? ""}`, text,
          }));
        }
      }
    }
    if (step.duplicate) receiver?.badges.append(el("span", { class: "chip dup", title: "this delivery is a duplicate copy", text: "×2 copy" }));

    const outputTypes = step.kind === "tail" ? [] : (step.outputs ?? []).map((o) => o.type);
    const allTypes = [step.type, ...outputTypes];
    this.lit = litLinks(this.links, step, delivered, dodgy === null ? null : { dodgy });
    if (step.kind === "tail") {
      receiver?.badges.append(el("span", { class: "chip", title: "published after the last delivery: nobody receives them", text: "tail" }));
    } else if (w.is(step.type, "timeout")) {
      // the alarm clock's message arrived: a step of the order took too long
      receiver?.box.classList.add("has-timeout");
      receiver?.badges.append(el("span", { class: "chip timeout", title: "a step of the order timed out", text: "◷ timeout" }));
    } else if (outputTypes.some((t) => w.is(t, "timeout"))) {
      receiver?.badges.append(el("span", { class: "chip timeout", title: "a timer was set: it fires if the step is not done in time", text: "◷ timer set" }));
    }
    const ended = allTypes.find((t) => w.is(t, "expired") || w.is(t, "dropped"));
    if (ended) {
      receiver?.box.classList.add("has-ttl");
      receiver?.badges.append(el("span", { class: "chip fault", title: ended, text: w.is(ended, "expired") ? "✕ expired" : "✕ dropped" }));
    }

    this.captionWaits = !this.app.frame?.idle && (step.outputs ?? []).some((o) => (o.status === "pending" || o.status === "published") && o.published_step == null);
    morph(this.caption,
      el("strong", { text: `Step ${step.step}` }), ` at ${formatMs(step.at_ms)}: `,
      ...captionParts(step, { publisher, order: delivered?.order ?? null, kindChip }),
      ...faultPhrases(step.faults ?? [], (f) => this.app.faults.chooser(f), (f) => faultTypes.get(f.seq), this.namesOfKind(words().deadLetterRole())[0]),
    );
    this.drawArrows(arrows);
  }

  /**
   * How much a label's box would hide: an actor box (or its badges, 10 px above it) counts
   * 1, an actor's name or a cook's control 10, a label already placed 1.
   */
  cover(box, rects) {
    let cover = 0;
    for (const [name, r] of rects) if (name !== "size_" && overlaps(box, { left: r.left, top: r.top - 10, width: r.width, height: r.height + 10 })) cover++;
    for (const r of this.names ?? []) if (overlaps(box, r)) cover += 10;
    for (const r of this.placed ?? []) if (overlaps(box, r)) cover++;
    return cover;
  }

  /** The label's box centred at (cx, cy), kept inside the floor (never over its title or caption). */
  labelBox(x, y, width, height, size) {
    const cx = clamp(x, width / 2 + 1, size.width - width / 2 - 1);
    const cy = clamp(y, height / 2 + 1, size.height - height / 2 - 1);
    return { left: cx - width / 2, top: cy - height / 2, width, height, cx, cy };
  }

  /**
   * Where to put a label near (x, y): there if it covers no actor box and no other label,
   * else the nearest free spot along the normal (nx, ny); `null` when none is free nearby.
   */
  labelSpot(x, y, nx, ny, width, height, rects) {
    for (const d of [0, 14, -14, 28, -28, 44, -44, 62, -62, 84, -84]) {
      const box = this.labelBox(x + nx * d, y + ny * d, width, height, rects.size_);
      if (this.cover(box, rects) === 0) return [box.cx, box.cy];
    }
    return null;
  }

  /**
   * A label's place for the curve p1 → (control c) → p2: its middle if free, else the first
   * free spot along the curve (and off it, along the normal), else the free spot of the
   * floor nearest to the curve's middle. `null` when the floor has no room left for it: the
   * label is left out (the caption says what the arrow carries) rather than hide an actor.
   */
  spotAlong(p1, c, p2, nx, ny, width, height, rects) {
    const at = (t) => ({
      x: (1 - t) * (1 - t) * p1.x + 2 * (1 - t) * t * c.x + t * t * p2.x,
      y: (1 - t) * (1 - t) * p1.y + 2 * (1 - t) * t * c.y + t * t * p2.y,
    });
    for (const t of [0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8]) {
      const p = at(t);
      const spot = this.labelSpot(p.x, p.y, nx, ny, width, height, rects);
      if (spot) return spot;
    }
    // the whole floor, nearest first, on a 10 px grid
    const mid = at(0.5);
    const size = rects.size_;
    const spots = [];
    for (let y = height / 2 + 1; y <= size.height - height / 2 - 1; y += 10) {
      for (let x = width / 2 + 1; x <= size.width - width / 2 - 1; x += 10) spots.push([x, y, (x - mid.x) ** 2 + (y - mid.y) ** 2]);
    }
    spots.sort((a, b) => a[2] - b[2]);
    for (const [x, y] of spots) {
      if (this.cover(this.labelBox(x, y, width, height, size), rects) === 0) return [x, y];
    }
    return null;
  }

  /** Note a placed label's box: later labels keep off it. */
  place(x, y, width, height) {
    this.placed.push({ left: x - width / 2 - 1, top: y - height / 2 - 1, width: width + 2, height: height + 2 });
  }

  /**
   * Who hands a message of `type` to `receiver`, by the run's wiring: its publisher, or
   * the actor that passes it on (a cook gets its work from the dispatcher).
   */
  sender(receiver, publisher, type, dodgy = null) {
    const toRole = this.boxes.get(receiver)?.box.dataset.kind;
    const fromRole = this.boxes.get(publisher)?.box.dataset.kind;
    const role = senderRole(this.wiring, type, toRole, fromRole, dodgy);
    return (role && role !== fromRole && this.namesOfKind(role)[0]) || publisher;
  }

  namesOfKind(kind) {
    return [...this.boxes.entries()].filter(([, p]) => p.box.dataset.kind === kind).map(([name]) => name);
  }

  /**
   * The boxes changed (a worker's controls came or went): measure them again and redraw the
   * arrows before the next frame, not now (a render measuring halfway lays the page out
   * twice).
   */
  remeasure() {
    this.rects = null;
    if (!this.measuring) this.deferDraw();
  }

  deferDraw() {
    this.measuring = true;
    requestAnimationFrame(() => {
      // a rAF callback runs before this frame's layout: measuring here forces one layout at
      // most, and only when the boxes moved
      this.drawArrows(this.lastArrows);
      this.measuring = false;
    });
  }

  /** Box rectangles relative to the floor, measured once and kept until invalidated. */
  measure() {
    if (this.rects) return this.rects;
    const area = $("#floor");
    const origin = area.getBoundingClientRect();
    // in the floor's own coordinates: the embed view scales the floor (fitEmbed)
    const k = this.scale || 1;
    const local = (r, pad = 0) => ({ left: (r.left - origin.left) / k - pad, top: (r.top - origin.top) / k - pad, width: r.width / k + 2 * pad, height: r.height / k + 2 * pad });
    this.rects = new Map();
    const names = [];
    for (const [name, parts] of this.boxes) {
      this.rects.set(name, local(parts.box.getBoundingClientRect()));
      names.push(local(parts.box.querySelector(".actor-name").getBoundingClientRect(), 2));
      // a cook's own buttons (walk out, cooking time) must stay clickable: weigh them as a name
      for (const control of parts.box.querySelectorAll(".cook-controls button, .cook-controls input, .crash-controls button, .down-tag")) {
        const c = control.getBoundingClientRect();
        if (c.width) names.push(local(c, 2));
      }
    }
    this.names = names;
    this.rects.size_ = { width: area.scrollWidth, height: area.scrollHeight };
    return this.rects;
  }

  /** The wiring's links under the boxes, lit for the current step, with their counts. */
  drawLinks(rects) {
    const svgEl = this.linksSvg;
    if (!svgEl) return;
    svgEl.setAttribute("width", String(rects.size_.width));
    svgEl.setAttribute("height", String(rects.size_.height));
    const intoCook = new Map();
    for (const l of this.links) if (l.handsOn) intoCook.set(l.toBox, (intoCook.get(l.toBox) ?? 0) + 1);
    // a count goes where it covers no box (so never an actor's name) and no other label, or
    // is left out; the lit links' counts first (the step's own), then the others'
    const spot = (x, y, nx, ny, w, h) => {
      if (this.hideCounts) return null;
      const at = this.labelSpot(x, y, nx, ny, w, h, rects);
      if (at) this.place(at[0], at[1], w, h);
      return at;
    };
    const nodes = [];
    const litNodes = [];
    this.links.forEach((l, i) => {
      const r1 = rects.get(l.fromBox), r2 = rects.get(l.toBox);
      if (!r1 || !r2) return;
      // a cook's deliveries come from the dispatcher: its count is what the cook handled
      let count = null;
      if (this.countsReady) {
        if (l.handsOn) count = intoCook.get(l.toBox) === 1 || l.customers !== "dodgy" ? this.handled?.get(l.toBox) ?? 0 : null;
        else count = this.counter.of(l.fromBox, l.type);
      }
      let payFirst = null;
      if (this.payFirst && l.customers !== "all") payFirst = l.customers === "dodgy" ? "pay-first-only" : "pay-last-only";
      const lit = this.lit?.get(i) ?? null;
      const others = [...rects].filter(([name]) => name !== "size_" && name !== l.fromBox && name !== l.toBox).map(([, r]) => r);
      const node = linkElement(l, linkPath(r1, r2, l.lane, others), { count, lit, payFirst, spot });
      (lit ? litNodes : nodes).push(node);
    });
    // lit links on top of the faint ones
    morph(svgEl, ...nodes, ...litNodes);
  }

  drawArrows(arrows) {
    this.lastArrows = arrows;
    // before the first layout there is nothing to measure: the observer draws them then
    if (!this.rects && !this.measuring) return this.deferDraw();
    const rects = this.measure();
    // the step's arrows are labelled first, then the links' counts where room is left
    this.placed = [];
    this.arrows.setAttribute("width", String(rects.size_.width));
    this.arrows.setAttribute("height", String(rects.size_.height));
    this.arrows.replaceChildren(
      svg("defs", {},
        marker("arrow-command"), marker("arrow-event"), marker("arrow-fault")));
    for (const a of arrows ?? []) {
      const r1 = rects.get(a.from);
      const r2 = rects.get(a.to);
      if (!r1 || !r2 || a.from === a.to) continue;
      const c1 = { x: r1.left + r1.width / 2, y: r1.top + r1.height / 2 };
      const c2 = { x: r2.left + r2.width / 2, y: r2.top + r2.height / 2 };
      const { p1, p2, cx, cy } = route(r1, r2, c1, c2, a.fault ? 26 : 14, [...rects].filter(([name]) => name !== "size_" && name !== a.from && name !== a.to).map(([, r]) => r));
      const mx = (p1.x + p2.x) / 2, my = (p1.y + p2.y) / 2;
      const dx = p2.x - p1.x, dy = p2.y - p1.y;
      const len = Math.hypot(dx, dy) || 1;
      const cls = a.fault ? "fault" : a.kind === "event" ? "event" : "command";
      const group = svg("g", { class: `arrow ${cls}${a.main ? " main" : ""}`, "data-testid": "floor-arrow", "data-type": a.type, "data-kind": a.kind, "data-fault": a.fault ?? "", "data-from": a.from, "data-to": a.to });
      const d = `M${p1.x},${p1.y} Q${cx},${cy} ${p2.x},${p2.y}`;
      group.append(svg("path", { d, "marker-end": `url(#arrow-${cls})` }));
      // the message travels along its arrow once, when the pace leaves time to see it
      if (this.animate && !reducedMotion.matches) {
        group.append(svg("circle", { r: 5, class: "token", opacity: 0 },
          svg("animateMotion", { dur: "500ms", repeatCount: "1", fill: "freeze", path: d }),
          svg("animate", { attributeName: "opacity", values: "1;1;0", keyTimes: "0;0.85;1", dur: "500ms", fill: "freeze" })));
      }
      const label = `${a.kind === "event" ? "EVT" : "CMD"} ${a.type}${FAULT_LABEL[a.fault] ?? (a.duplicate ? " (copy)" : "")}`;
      const width = label.length * 6.4 + 12;
      const spot = this.spotAlong(p1, { x: cx, y: cy }, p2, -dy / len, dx / len, width, 20, rects);
      group.append(svg("title", { text: label }));
      if (spot) {
        const [lx, ly] = spot;
        this.place(lx, ly, width, 20);
        group.append(svg("rect", { x: lx - width / 2, y: ly - 10, width, height: 20, rx: a.kind === "event" ? 10 : 2, class: "label-bg" }));
        group.append(svg("text", { x: lx, y: ly + 4, "text-anchor": "middle", text: label }));
      } else {
        group.dataset.unlabelled = "true";
      }
      this.arrows.append(group);
    }
    this.drawLinks(rects);
  }
}

function clamp(v, lo, hi) {
  return Math.max(lo, Math.min(Math.max(lo, hi), v));
}

function overlaps(a, b) {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

function marker(id) {
  return svg("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
    svg("path", { d: "M0,0 L10,5 L0,10 z", class: id }));
}


const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");

export function kindChip(kind) {
  return el("span", { class: `chip ${kind === "event" ? "event" : "command"}`, title: kind, text: kind === "event" ? "EVT" : "CMD" });
}

/**
 * " · CookFood dropped on the way to Koen (by hand)" per message type, kind of fault and
 * actor, counted ("3× …"); `chooser(f)` says who chose it ("hand", "explorer" or null:
 * FaultIndex.chooser), `typeOf(f)` the type of the message concerned. The type is named: a
 * fault of a step often concerns another message than the one the step delivers (a message
 * dropped by hand from a mailbox while the alarm clock takes a PublishAt). A dead letter
 * names the dead-letter queue's actor (`queue`).
 */
function faultPhrases(faults, chooser = (f) => (f.manual ? "hand" : null), typeOf = () => null, queue = null) {
  const counts = new Map();
  const by = { hand: " (by hand)", explorer: " (the explorer's choice)" };
  for (const f of faults) {
    const type = typeOf(f);
    const phrase = f.fault === "walked-out" ? `${type ? `${type} ` : ""}lost: ${f.actor} walked out`
      : f.fault === "dead-lettered" && queue ? `${type ? `${type} ` : ""}dead-lettered by ${f.actor}: moved to the ${queue}' queue`
      : `${type ? `${type} ` : ""}${FAULT_CAPTION[f.fault] ?? "duplicated for"} ${f.actor}${by[chooser(f)] ?? ""}`;
    counts.set(phrase, (counts.get(phrase) ?? 0) + 1);
  }
  return [...counts].map(([phrase, n]) => ` · ${n > 1 ? `${n}× ` : ""}${phrase}`);
}
