// The message log, virtualised: only the rows in view exist in the DOM, fetched with
// messages(from, to) (or one by one when a type filter picks scattered seqs), so a run of
// 100,000+ messages scrolls as smoothly as one of ten.

import { $, el, setText, formatMs, shortId, formatInt } from "./dom.js";
import { kindChip } from "./floor.js";
import { FAULT_CHIP } from "./faults.js";
import { words } from "./engine.js";

/** A mark for a message that is itself about a refusal or a refund (by what its type means), or undefined. */
function typeMark(type) {
  const w = words();
  if (w.is(type, "rejected")) return ["fault", "⊘ rejection", "the process manager rejected a message it did not expect"];
  if (w.is(type, "refused")) return ["dup", "⊘ refused", "the cashier refused to take a payment"];
  if (w.is(type, "work", "refund")) return ["timeout", "↩ refund", "a command to give the money back"];
  if (w.is(type, "done", "refund")) return ["timeout", "↩ refunded", "the money was given back"];
  if (w.is(type, "escalated")) return ["fault", "✋ to a person", "refund handed to a person: nobody answered the refund requests"];
  if (w.is(type, "dead-lettered")) return ["fault", "☠ dead letter", "a message set aside in the dead-letter queue after failing every try"];
  if (w.is(type, "migrated")) return ["timeout", "↪ moved", "the house moved this live order to another version of its process (a migration)"];
  return undefined;
}

const ROW_HEIGHT = 24;
const OVERSCAN = 2;
/** Every message type the engine knows, for the type filter before the run has shown them. */
const knownTypes = () => words()?.typeNames ?? [];

/** Where every message type occurs, built incrementally over the history of one run. */
class TypeIndex {
  constructor() { this.reset(-1); }
  reset(gen) { this.gen = gen; this.upto = 0; this.seqs = new Map(); this.cachedKey = ""; this.cached = []; }
  /**
   * Index the history up to `count` messages, in slices, for at most `budgetMs`;
   * returns true when the index covers `count`.
   */
  ensure(app, gen, count, budgetMs = Infinity) {
    if (gen !== this.gen) this.reset(gen);
    if (typeof app.sim.seqsOfType === "function") {
      // the engine answers a type's seqs itself: nothing to index here
      this.engine = app;
      this.upto = count;
      return true;
    }
    const CHUNK = 5000;
    const start = performance.now();
    while (this.upto < count) {
      if (performance.now() - start > budgetMs) return false;
      const to = Math.min(count, this.upto + CHUNK);
      const slice = app.call(() => app.sim.messages(this.upto, to), []);
      if (!slice.length) break;
      for (const m of slice) {
        let list = this.seqs.get(m.type);
        if (!list) this.seqs.set(m.type, (list = []));
        list.push(m.seq);
      }
      this.upto = slice[slice.length - 1].seq + 1;
    }
    return true;
  }
  /** The seqs of `type` below `count` (the index may run ahead of the cursor). */
  of(type, count) {
    if (this.engine) {
      const key = `${this.gen}:${count}:${type}`;
      if (this.cachedKey !== key) {
        const app = this.engine;
        this.cachedKey = key;
        this.cached = Array.from(app.call(() => app.sim.seqsOfType(type), []) ?? []);
      }
      return this.cached;
    }
    const list = this.seqs.get(type) ?? [];
    let lo = 0, hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid] < count) lo = mid + 1; else hi = mid; }
    return lo === list.length ? list : list.slice(0, lo);
  }
  types() { return [...this.seqs.keys()]; }
}

export class LogView {
  constructor(app) {
    this.app = app;
    this.scroller = $("#log");
    this.spacer = $("#log-spacer");
    this.rows = $("#log-rows");
    this.shown = $("#log-shown");
    this.orderFilter = $("#filter-order");
    this.typeFilter = $("#filter-type");
    this.follow = $("#log-follow");
    this.index = new TypeIndex();
    this.viewKey = "";
    this.rowsKey = "";
    this.view = { length: 0 };
    this.typeOptions = "";
    this.orderOptions = "";
    this.frame = null;

    // geometry is read in events and observers, never while rendering (no forced layouts)
    this.scrollTop = 0;
    this.height = 300;
    this.gutter = -1;
    new ResizeObserver(() => {
      this.height = this.scroller.clientHeight || 300;
      const gutter = this.scroller.offsetWidth - this.scroller.clientWidth;
      if (gutter !== this.gutter) {
        this.gutter = gutter;
        // the header sits outside the scroller: give it the scrollbar's width so columns line up
        this.scroller.previousElementSibling.style.paddingRight = `${6 + gutter}px`;
      }
      this.rowsKey = "";
      // a pane opening under the log shortens it: keep the current message in view
      this.scrollToCurrent(false);
      this.renderRows();
    }).observe(this.scroller);
    let pending = false;
    this.scroller.addEventListener("scroll", () => {
      // the log's own scrolling (writeScroll) is not read back: reading would lay the page
      // out once more in this frame
      if (this.ownScroll) { this.ownScroll = false; return; }
      this.scrollTop = this.scroller.scrollTop;
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; this.renderRows(); });
    });
    this.scroller.addEventListener("click", (event) => {
      const row = event.target.closest("[data-testid=message-row]");
      if (row) app.openMessage(Number(row.dataset.seq));
    });
    // from the keyboard: Enter in the focused log inspects the order of the highlighted message
    this.scroller.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      const row = this.rows.querySelector(".is-delivered") ?? this.rows.lastElementChild;
      if (row) app.openMessage(Number(row.dataset.seq));
      event.preventDefault();
    });
    this.orderFilter.addEventListener("change", () => { app.filters.order = this.orderFilter.value; app.changed(); });
    this.typeFilter.addEventListener("change", () => { app.filters.type = this.typeFilter.value; app.changed(); });
    // order and type lists are refreshed when the user reaches for them, not every frame
    for (const sel of [this.orderFilter, this.typeFilter]) {
      sel.addEventListener("pointerdown", () => this.refreshOptions(true));
      sel.addEventListener("focus", () => this.refreshOptions(true));
    }
    this.follow.addEventListener("change", () => { if (this.follow.checked) this.scrollToCurrent(true); });
    this.fillTypeOptions(knownTypes());
  }

  update(frame) {
    this.frame = frame;
    const { order, type } = this.app.filters;
    const key = `${frame.gen}:${frame.cursor}:${order}:${type}`;
    if (key === this.viewKey) return;
    const cursorMoved = !this.viewKey.startsWith(`${frame.gen}:${frame.cursor}:`);
    this.viewKey = key;
    this.view = this.buildView(frame, order, type);
    this.spacer.style.height = `${this.view.length * ROW_HEIGHT}px`;
    const empty = $("#log-empty");
    if (empty.hidden !== (this.view.length > 0)) empty.hidden = this.view.length > 0;
    if (!this.view.length) empty.textContent = order || type ? "No message matches the filter at this step." : "No messages yet at this step. Step forward (→) or press play.";
    const filtered = order || type ? ` (filtered from ${formatInt(frame.count)})` : "";
    const partial = this.view.partial ? ` · searching ${formatInt(this.index.upto)} of ${formatInt(frame.count)}…` : "";
    setText(this.shown, `${formatInt(this.view.length)} shown${filtered}${partial}`);
    if (this.view.partial) {
      // a long history is indexed a slice per frame; come back for the rest
      this.viewKey = "";
      this.app.changed();
    }
    if (cursorMoved) this.scrollToCurrent(false, true);
    this.rowsKey = "";
    this.renderRows();
  }

  /** The list being shown: all messages, one order's stream, or one type's seqs. */
  buildView(frame, order, type) {
    const app = this.app;
    if (order) {
      let stream = app.call(() => app.sim.orderStream(order), []) ?? [];
      if (type) stream = stream.filter((m) => m.type === type);
      return { length: stream.length, seqAt: (i) => stream[i].seq, rows: (a, b) => stream.slice(a, b), indexOf: (seq) => bsearch(stream, seq, (m) => m.seq) };
    }
    if (type) {
      const complete = this.index.ensure(app, frame.gen, frame.count, 8);
      const seqs = this.index.of(type, frame.count);
      return {
        partial: !complete,
        length: seqs.length, seqAt: (i) => seqs[i],
        rows: (a, b) => seqs.slice(a, b).map((s) => app.call(() => app.sim.messages(s, s + 1)[0])).filter(Boolean),
        indexOf: (seq) => bsearch(seqs, seq, (s) => s),
      };
    }
    const n = frame.count;
    return { length: n, seqAt: (i) => i, rows: (a, b) => app.call(() => app.sim.messages(a, b), []) ?? [], indexOf: (seq) => (seq < n ? seq : -1) };
  }

  /** Keep the message delivered in the current step (or the newest one) in view. */
  scrollToCurrent(force, later = false) {
    if (!this.follow.checked && !force) return;
    const frame = this.frame;
    if (!frame || !this.view.length) return;
    const target = frame.deliveredSeq ?? frame.count - 1;
    let index = this.view.indexOf(target);
    if (index < 0) index = this.view.length - 1;
    const top = index * ROW_HEIGHT;
    const { height, scrollTop } = this;
    if (force || top < scrollTop || top + ROW_HEIGHT > scrollTop + height) {
      this.setScroll(Math.max(0, top - height * 0.6), later);
    }
  }

  /**
   * Scroll the log to `top`. `later`: from a render, the scroller is told once the render is
   * over (a microtask), so the browser lays the page out once, not also halfway through it.
   */
  setScroll(top, later = false) {
    const max = Math.max(0, this.view.length * ROW_HEIGHT - this.height);
    this.scrollTop = Math.round(Math.min(top, max));
    if (!later) this.writeScroll();
    else if (!this.scrollOwed) {
      this.scrollOwed = true;
      queueMicrotask(() => this.writeScroll());
    }
  }

  writeScroll() {
    this.scrollOwed = false;
    // the scroll event of this write comes before the next frame's callbacks; if the write
    // moved nothing there is none, and the next event is the reader's own again
    this.ownScroll = true;
    requestAnimationFrame(() => { this.ownScroll = false; });
    this.scroller.scrollTop = this.scrollTop;
  }

  renderRows() {
    const frame = this.frame;
    if (!frame) return;
    const { height } = this;
    const scrollTop = Math.min(this.scrollTop, Math.max(0, this.view.length * ROW_HEIGHT - height));
    const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.view.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const key = `${this.viewKey}:${first}:${last}:${this.app.selected ?? ""}`;
    if (key === this.rowsKey) return;
    this.rowsKey = key;
    const messages = first < last ? this.view.rows(first, last) : [];
    this.rows.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    const delivered = frame.deliveredSeq;
    const selected = this.app.selected;
    // rows are reused: scrolling or stepping rewrites a few texts instead of building rows
    const pool = this.rows.children;
    // a row keeps its message while that message stays in view: a step that scrolls the log
    // by a row or two moves them from one end to the other instead of rewriting every row
    // (a longer move rewrites the rows' texts: cheaper than moving most of them)
    const shift = first - (this.rowsFirst ?? first);
    this.rowsFirst = first;
    if (shift !== 0 && Math.abs(shift) <= pool.length / 4) {
      if (shift > 0) for (let i = 0; i < shift; i++) this.rows.append(this.rows.firstElementChild);
      else for (let i = 0; i < -shift; i++) this.rows.prepend(this.rows.lastElementChild);
    }
    while (pool.length > messages.length) this.rows.lastElementChild.remove();
    while (pool.length < messages.length) this.rows.append(this.newRow());
    messages.forEach((m, i) => this.fill(pool[i], m, m.seq === delivered, m.correlation_id === selected));
  }

  newRow() {
    const cells = [
      el("span", { class: "mono num", role: "cell" }),
      el("span", { class: "mono num", role: "cell" }),
      el("span", { class: "type", role: "cell" }, el("span", { class: "type-name" }), el("span", { class: "fault-mark" })),
      el("span", { role: "cell" }, kindChip("command")),
      el("span", { class: "mono num", role: "cell" }),
      el("span", { class: "mono id", role: "cell" }),
      el("span", { class: "mono id", role: "cell" }),
      el("span", { class: "mono id", role: "cell" }),
    ];
    const row = el("div", { class: "log-row", role: "row", "data-testid": "message-row" }, ...cells);
    row.cells_ = cells;
    return row;
  }

  /** Write message `m` into a pooled row, touching only what changed. */
  fill(row, m, delivered, selected) {
    if (row.dataset.id !== m.id) {
      const [seq, time, type, kind, order, id, corr, cause] = row.cells_;
      Object.assign(row.dataset, {
        seq: m.seq, type: m.type, kind: m.kind, id: m.id, correlationId: m.correlation_id, causationId: m.causation_id ?? "",
      });
      row.title = m.summary ?? "";
      setText(seq, m.seq);
      setText(time, (m.at_ms / 1000).toFixed(3));
      setText(type.firstChild, m.type);
      const chip = kind.firstChild;
      const isEvent = m.kind === "event";
      chip.className = `chip ${isEvent ? "event" : "command"}`;
      chip.title = m.kind;
      setText(chip, isEvent ? "EVT" : "CMD");
      setText(order, m.order ?? "");
      setText(id, shortId(m.id));
      id.title = m.id;
      setText(corr, shortId(m.correlation_id));
      corr.title = m.correlation_id;
      setText(cause, m.causation_id ? shortId(m.causation_id) : "–");
      cause.title = m.causation_id ?? "none";
    }
    this.markFaults(row, m);
    const cls = `log-row ${m.kind === "event" ? "is-event" : "is-command"}${delivered ? " is-delivered" : ""}${selected ? " is-selected" : ""}`;
    if (row.className !== cls) row.className = cls;
    if (delivered) row.setAttribute("aria-current", "step");
    else if (row.hasAttribute("aria-current")) row.removeAttribute("aria-current");
  }

  /**
   * Mark a message lost, delivered twice, rejected, refused or absorbed (by the current
   * step), and a rejection, refusal or refund by its type.
   */
  markFaults(row, m) {
    const faults = this.app.faults.ofSeq(this.frame, m.seq);
    const code = `${m.type}:${faults.map((f) => `${f.fault}:${f.actor}`).join(",")}`;
    if ((row.dataset.faultCode ?? "") === code) return;
    row.dataset.faultCode = code;
    const kinds = faults.map((f) => `${f.fault}:${f.actor}`).join(",");
    if (kinds) row.dataset.fault = kinds; else delete row.dataset.fault;
    const mark = typeMark(m.type);
    if (mark) row.dataset.mark = m.type; else delete row.dataset.mark;
    const chip = (f) => FAULT_CHIP[f.fault] ?? FAULT_CHIP.duplicate;
    row.cells_[2].lastChild.replaceChildren(
      ...(mark ? [el("span", { class: `chip ${mark[0]}`, "data-testid": "log-mark", "data-mark": m.type, title: `${mark[2]}${m.summary ? `: ${m.summary}` : ""}`, text: mark[1] })] : []),
      ...faults.map((f) => el("span", {
        class: `chip ${chip(f)[0]}`, "data-testid": "log-fault", "data-fault": f.fault,
        title: `${TITLE[f.fault] ?? "delivered twice to"} ${f.actor} (step ${f.step})`,
        text: chip(f)[1],
      })));
  }

  refreshOptions(force) {
    const app = this.app;
    const frame = this.frame;
    if (!frame) return;
    const key = `${frame.gen}:${frame.count}`;
    if (!force && key === this.orderOptions) return;
    this.orderOptions = key;
    // the newest orders first; a run of thousands lists the latest 2,000
    const count = typeof app.sim.orderCount === "function" ? app.call(() => app.sim.orderCount(), 0) : null;
    const orders = (count === null
      ? app.call(() => app.sim.orders(), []) ?? []
      : app.call(() => app.sim.orders(Math.max(0, count - 2000), count), []) ?? []).reverse();
    const current = app.filters.order;
    const options = [el("option", { value: "", text: "all" })];
    for (const o of orders) {
      options.push(el("option", { value: o.correlation_id, text: `#${o.order} · table ${o.table}${o.dodgy ? " · dodgy" : ""} · ${o.status}` }));
    }
    if (current && !orders.some((o) => o.correlation_id === current)) options.push(el("option", { value: current, text: `${shortId(current)} (not yet placed)` }));
    this.orderFilter.replaceChildren(...options);
    this.orderFilter.value = current;
    if (force) {
      this.index.ensure(app, frame.gen, frame.count, 30);
      this.fillTypeOptions([...new Set([...knownTypes(), ...this.index.types()])]);
    }
  }

  fillTypeOptions(types) {
    const key = types.join(",");
    if (key === this.typeOptions) return;
    this.typeOptions = key;
    const current = this.app.filters.type;
    this.typeFilter.replaceChildren(el("option", { value: "", text: "all" }), ...types.map((t) => el("option", { value: t, text: t })));
    this.typeFilter.value = current;
  }

  /** Jump the log to a seq (used by the inspector). */
  reveal(seq) {
    const index = this.view.indexOf(seq);
    if (index >= 0) {
      this.setScroll(Math.max(0, index * ROW_HEIGHT - this.height / 3));
      this.renderRows();
    }
  }
}

const TITLE = {
  drop: "lost on the way to", duplicate: "delivered twice to", rejected: "rejected by", refused: "refused by",
  absorbed: "decided again on a second delivery and absorbed by the idempotent store (it holds this id), at",
  "walked-out": "lost: walked out, the cook", delay: "late on the way to",
  shed: "shed at the full mailbox of", stale: "shed for waiting too long at",
  crash: "lost in a crash of", failed: "failed (poison) at", "dead-lettered": "dead-lettered (set aside in the dead-letter queue) by",
  recognised: "recognised (taken once) and set aside by",
};

function bsearch(list, value, key) {
  let lo = 0, hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = key(list[mid]);
    if (k === value) return mid;
    if (k < value) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}
