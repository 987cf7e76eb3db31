// The order inspector: the process manager's view (replay of the order's stream, the
// state after each message, what it decided, reinterpreted under another definition or
// version, and the preview of moving a live order to that version: migration.js), a
// sequence diagram across actors, and the causation tree.

import { $, $$, el, svg, morph, setText, setFlag, formatMs, shortId } from "./dom.js";
import { kindChip, exportCode } from "./floor.js";
import { guard, errorText, wordsOf } from "./engine.js";
import { faultItem, FAULT_CHIP } from "./faults.js";
import { senderRole } from "./wiring.js";
import { MigrationPreview } from "./migration.js";
import { Offscreen } from "./offscreen.js";

const RUN_FAULTS_SHOWN = 200;
const RECEIPTS_SHOWN = 100;


export class InspectorView {
  constructor(app) {
    this.app = app;
    this.key = "";
    this.replayKey = "";
    this.replay = null;
    this.pos = null; // index into replay.steps; null = follow the last one
    this.lastRender = 0;
    // on a big run the order is redrawn in a task of its own after the frame that shows the
    // step (the floor, the log and the caption answer at once), or once the page is idle
    // while scrolled away
    this.offscreen = new Offscreen($(".inspector-panel"), () => { if (app.frame) this.update(app.frame); });
    for (const tab of $$(".tabs [role=tab]")) {
      tab.addEventListener("click", () => { app.tab = tab.dataset.tab; this.key = ""; app.changed(); });
    }
    $("#unpin").addEventListener("click", () => app.selectOrder(null));
    $("#replay-definition").addEventListener("change", () => this.reinterpret());
    $("#replay-version").addEventListener("change", () => this.reinterpret());
    this.migration = new MigrationPreview(app, () => this.reinterpret());
    $("#replay-first").addEventListener("click", () => this.moveReplay(-Infinity));
    $("#replay-prev").addEventListener("click", () => this.moveReplay(-1));
    $("#replay-next").addEventListener("click", () => this.moveReplay(1));
    $("#replay-last").addEventListener("click", () => this.moveReplay(Infinity));
    $("#pm-rows").addEventListener("click", (event) => {
      const row = event.target.closest("tr[data-index]");
      if (row) { this.pos = Number(row.dataset.index); this.renderReplay(); }
    });
    for (const list of ["#fault-list-order", "#fault-list-run"]) {
      $(list).addEventListener("click", (event) => {
        const item = event.target.closest("[data-step]");
        if (item) { app.pause(); app.seek(Number(item.dataset.step)); }
      });
    }
    $("#export-mermaid").addEventListener("click", () => this.exportMermaid());
    $("#export-svg").addEventListener("click", () => this.exportSvg());
    $("#export-tree-svg").addEventListener("click", () => this.exportTreeSvg());
    $("#causation-tree").addEventListener("click", (event) => {
      const node = event.target.closest("[data-seq]");
      if (node) app.openMessage(Number(node.dataset.seq));
    });
  }

  /**
   * A new order was selected: show its original definition and version (once the order
   * exists: one placed at the cursor appears a step later).
   */
  selected(correlationId, order) {
    this.pos = null;
    this.replayKey = "";
    this.key = "";
    this.originalShownFor = null;
    this.showOriginal(correlationId, order);
  }

  showOriginal(correlationId, order) {
    // the definition is known once the house has started the order's process manager
    if (!order?.definition || this.originalShownFor === correlationId) return;
    this.originalShownFor = correlationId;
    $("#replay-definition").value = order.definition;
    $("#replay-version").value = String(order.version);
  }

  reinterpret() {
    this.pos = null;
    this.replayKey = "";
    this.key = "";
    this.app.changed();
  }

  /** Download the shown order's sequence diagram as Mermaid text. */
  async exportMermaid() {
    if (!this.corr) return;
    const code = await exportCode(this.app);
    const text = code && this.corr && this.app.call(() => this.app.sim.mermaid(this.corr));
    if (text) code.download(`brigade-order-${shortId(this.corr)}.mmd`, text, "text/vnd.mermaid");
  }

  /** Download the shown sequence diagram as a standalone SVG in the page's colours. */
  async exportSvg() {
    if (!this.corr || !$("#seq-diagram svg")) return;
    const code = await exportCode(this.app);
    const shown = $("#seq-diagram svg");
    if (!code || !this.corr || !shown) return;
    code.download(`brigade-order-${shortId(this.corr)}.svg`, code.standaloneSvg(shown), "image/svg+xml");
  }

  /** Download the shown causation tree as a standalone SVG in the page's colours. */
  async exportTreeSvg() {
    if (!this.corr || !$("#causation-tree .tree-root")) return;
    const code = await exportCode(this.app);
    if (!code || !this.corr || !$("#causation-tree .tree-root")) return;
    const order = $("#inspector-order").textContent.trim();
    code.download(`brigade-order-${shortId(this.corr)}-causation.svg`, code.treeSvg(`Causation tree · order ${order}`), "image/svg+xml");
  }

  moveReplay(delta) {
    if (!this.replay?.steps.length) return;
    const last = this.replay.steps.length - 1;
    const current = this.pos ?? last;
    const next = Math.max(0, Math.min(last, current + delta));
    this.pos = next === last ? null : next;
    this.renderReplay();
    $("#pm-rows .is-current")?.scrollIntoView({ block: "nearest" });
  }

  update(frame) {
    const app = this.app;
    for (const tab of $$(".tabs [role=tab]")) {
      const selected = String(tab.dataset.tab === app.tab);
      if (tab.getAttribute("aria-selected") !== selected) tab.setAttribute("aria-selected", selected);
    }
    // with nothing selected, follow the order of the current step
    const following = !app.selected;
    const corr = app.selected ?? frame.lastStep()?.correlation_id ?? null;
    this.corr = corr;
    // the fault list is about the whole run too: it shows with no order selected
    const runWide = app.tab === "faults" || app.tab === "receipts";
    for (const body of $$(".tab-body")) setFlag(body, "hidden", body.dataset.body !== app.tab || (!corr && !runWide));
    setFlag($("#inspector-empty"), "hidden", Boolean(corr) || runWide);
    if (following && corr !== this.followed) {
      this.followed = corr;
      this.pos = null;
      this.originalShownFor = null;
    }
    const key = `${frame.gen}:${frame.count}:${runWide || app.tab === "seq" || (app.tab === "pm" && this.migration.shown) ? frame.cursor : ""}:${corr}:${following}:${app.tab}:${$("#replay-definition").value}:${$("#replay-version").value}`;
    if (key === this.key) return;
    // while playing fast, the inspector follows at a few frames per second
    const now = performance.now();
    if (frame.playing && now - this.lastRender < 250) { app.changedSoon(); return; }
    if (this.offscreen.skip(frame)) return;
    this.lastRender = now;
    this.key = key;
    setFlag($("#unpin"), "hidden", following);
    if (!corr) {
      setText($("#inspector-following"), "");
      setText($("#inspector-order"), "");
      setText($("#pm-state"), "");
      this.replay = null;
      this.migration.hide();
      if (app.tab === "faults") this.renderFaults(null, frame);
      else if (app.tab === "receipts") this.renderReceipts(null, frame);
      return;
    }
    const order = frame.orderBy(corr);
    this.showOriginal(corr, order);
    setText($("#inspector-following"), following ? "following the current step · click a message to pin an order" : "");
    const arch = app.floor?.wiring?.architecture;
    const process = order?.definition ? ` · ${order.definition} v${order.version}`
      : arch && arch !== "process-manager" ? ` · ${arch}, no process manager` : " · process not started yet";
    const stream = app.call(() => app.sim.orderStream(corr), []) ?? [];
    // a pay-first order whose cooking failed gets its money back: say so where the order is named
    const w = wordsOf(app.sim);
    const refund = stream.some((m) => w.is(m.type, "done", "refund")) ? " · ↩ refunded"
      : stream.some((m) => w.is(m.type, "work", "refund")) ? " · ↩ refund asked" : "";
    setText($("#inspector-order"), order
      ? `#${order.order} · table ${order.table}${process}${order.dodgy ? " · dodgy" : ""} · ${order.status}${order.reason ? ` (${order.reason})` : ""}${refund}`
      : `${shortId(corr)} · not placed yet at this step`);
    if (app.tab === "pm") this.updateReplay(corr, stream, order);
    else if (app.tab === "seq") this.renderSequence(stream, frame);
    else if (app.tab === "faults") this.renderFaults(stream, frame);
    else if (app.tab === "receipts") this.renderReceipts(corr, frame);
    else this.renderTree(stream, frame);
  }

  /** The printer's receipts up to the current step, the newest first; the order's marked. */
  renderReceipts(corr, frame) {
    const app = this.app;
    const all = (typeof app.sim.receipts === "function" ? app.call(() => app.sim.receipts(), []) : []) ?? [];
    const shown = all.slice(-RECEIPTS_SHOWN).reverse();
    const money = (cents) => `${(cents / 100).toFixed(2)}`;
    setText($("#receipts-title"), all.length ? `${all.length} printed by step ${frame.cursor}${all.length > shown.length ? ` (the latest ${shown.length})` : ""}` : "");
    $("#receipt-list").replaceChildren(...(shown.length ? shown.map((r) => el("li", {
      class: `receipt${r.correlation_id === corr ? " is-selected" : ""}`, "data-testid": "receipt", "data-order": r.order, "data-correlation-id": r.correlation_id,
    },
    el("div", { class: "receipt-head" }, el("strong", { text: `Order #${r.order}` }), ` · table ${r.table} · printed ${formatMs(r.at_ms)}`),
    el("table", { class: "receipt-items" },
      ...r.items.map((i) => el("tr", {}, el("td", { class: "num", text: `${i.qty}×` }), el("td", { text: i.dish }), el("td", { class: "num mono", text: money(i.qty * i.price_cents) }))),
      el("tr", { class: "sub" }, el("td"), el("td", { text: "subtotal" }), el("td", { class: "num mono", text: money(r.subtotal_cents) })),
      el("tr", { class: "sub" }, el("td"), el("td", { text: "tax" }), el("td", { class: "num mono", text: money(r.tax_cents) })),
      el("tr", { class: "total" }, el("td"), el("td", { text: r.paid ? "total · paid" : "total · not paid" }), el("td", { class: "num mono", text: money(r.total_cents) }))),
    receiptKitchen(r))) : [el("li", { class: "hint", text: "Nothing printed yet: the printer prints a receipt for each completed order." })]));
    if (corr) $("#receipt-list .is-selected")?.scrollIntoView({ block: "nearest" });
  }

  /** The faults of the selected order and of the whole run, up to the current step. */
  renderFaults(stream, frame) {
    const app = this.app;
    // the list is being read: find the refusals up to the step now (a long run: the rest later)
    app.faults.cover(frame);
    app.faults.scanRefusals(frame.cursor, 50);
    const all = app.faults.upToCursor(frame);
    const message = (seq) => app.call(() => app.sim.messages(seq, seq + 1)[0]);
    const current = (item) => { if (Number(item.firstChild.dataset.step) === frame.cursor) item.firstChild.classList.add("is-current"); return item; };
    const seqs = new Map((stream ?? []).map((m) => [m.seq, m]));
    const mine = all.filter((f) => seqs.has(f.seq));
    $("#fault-list-order").replaceChildren(...(stream === null
      ? [el("li", { class: "hint", text: "No order selected: click a message or an order." })]
      : mine.length ? mine.map((f) => current(faultItem({ ...f, chosenBy: app.faults.chooser(f) }, seqs.get(f.seq))))
        : [el("li", { class: "hint", text: "Every message of this order arrived once, so far." })]));
    const shown = all.slice(-RUN_FAULTS_SHOWN);
    setText($("#fault-run-title"), all.length > shown.length
      ? `The run up to this step (the last ${shown.length} of ${all.length})` : `The run up to step ${frame.cursor} (${all.length})`);
    $("#fault-list-run").replaceChildren(...(shown.length ? shown.map((f) => current(faultItem({ ...f, chosenBy: app.faults.chooser(f) }, message(f.seq))))
      : [el("li", { class: "hint", text: "No delivery lost or doubled so far. The chaos preset has some." })]));
  }

  updateReplay(corr, stream, order) {
    this.replayOrder(corr, order);
    this.migration.update(order, stream, this.replay);
  }

  replayOrder(corr, order) {
    const app = this.app;
    const definition = $("#replay-definition").value;
    const version = Number($("#replay-version").value);
    this.replay = null;
    $("#replay-diff").classList.remove("warn");
    $("#pm-view").classList.toggle("not-started", !order?.definition);
    if (!order?.definition) {
      $("#pm-rows").replaceChildren();
      setText($("#pm-state"), "");
      setText($("#replay-pos"), "");
      const arch = app.floor?.wiring?.architecture;
      setText($("#replay-diff"), !order ? "" : arch && arch !== "process-manager"
        ? `No process manager in the ${arch} architecture: the workers answer each other directly (the floor's links show who hears what).`
        : "The house has not started this order's process manager yet.");
      return;
    }
    try {
      // a panic still goes to the error banner (guard); a refusal is about this view only
      this.replay = guard(() => app.sim.replay(corr, definition || undefined, version || undefined), null);
    } catch (error) {
      setText($("#replay-diff"), `Cannot replay as ${definition} v${version}: ${errorText(error)}`);
      $("#replay-diff").classList.add("warn");
      $("#pm-rows").replaceChildren();
      setText($("#pm-state"), "");
      return;
    }
    this.renderReplay();
  }

  /** One decision of the replay, with what the executor recorded for it in the live run. */
  decidedItem(d, outputs) {
    const out = outputs?.find((o) => o.id === d.id) ?? null;
    let fate = null;
    if (out) {
      if (out.status === "handed") fate = `handed to ${out.to}`;
      else if (out.status === "absorbed") fate = "absorbed";
      else if (out.status === "pending") fate = `due ${formatMs(out.at_ms)}`;
      else if (out.at_ms > this.deliveredAt) fate = `held until ${formatMs(out.at_ms)}`;
    }
    return el("div", { class: "decided", title: d.summary ?? "", "data-status": out?.status ?? null },
      kindChip(d.kind), " ", d.type, fate ? el("span", { class: `hint fate${out.status === "absorbed" ? " warn" : ""}`, text: ` ${fate}` }) : null);
  }

  renderReplay() {
    const replay = this.replay;
    // the live run's record of each delivery: what its handler decided, and what became of it
    const app = this.app;
    const stepOf = new Map();
    const outputsOf = (s) => {
      if (!stepOf.has(s.seq)) {
        // the run index's deliveries (no scan of the steps), the first one if done by the cursor
        const cursor = app.call(() => app.sim.currentStep(), 0);
        const first = app.call(() => app.sim.deliveriesInRun(s.seq), [])?.find((d) => d.step <= cursor);
        const view = first ? app.call(() => app.sim.steps(first.step, first.step + 1)[0]) : null;
        stepOf.set(s.seq, view ?? null);
      }
      const view = stepOf.get(s.seq);
      this.deliveredAt = view?.at_ms ?? s.at_ms;
      return view?.outputs ?? null;
    };
    const tbody = $("#pm-rows");
    if (!replay) { tbody.replaceChildren(); setText($("#pm-state"), ""); return; }
    const steps = replay.steps ?? [];
    const last = steps.length - 1;
    const pos = this.pos ?? last;
    const differing = steps.filter((s) => s.same_as_history === false).length;
    const reinterpreted = replay.definition !== replay.original?.definition || replay.version !== replay.original?.version;
    setText($("#replay-diff"), reinterpreted
      ? `reinterpreted as ${replay.definition} v${replay.version} (ran as ${replay.original.definition} v${replay.original.version}): ${differing} of ${steps.length} decisions differ`
      : differing ? `${differing} decisions differ from the history` : "");
    $("#replay-diff").classList.toggle("warn", differing > 0);
    setText($("#replay-pos"), steps.length ? `${pos + 1}/${steps.length}` : "0/0");
    morph(tbody, ...steps.map((s, i) => el("tr", {
      "data-index": i, "data-testid": "decision-row", "data-same": String(s.same_as_history !== false), "aria-current": i === pos ? "step" : null,
      class: [i === pos ? "is-current" : "", i > pos ? "is-future" : "", s.same_as_history === false ? "differs" : ""].join(" "),
    },
    el("td", { class: "mono num", text: s.seq }),
    el("td", {}, el("span", { class: "type", text: s.type }), el("span", { class: "hint", text: ` ${formatMs(s.at_ms)}` }),
      ...(s.notes ?? []).map((n) => el("div", { class: "note", text: n })),
      changesLine(diffState(steps[i - 1]?.state, s.state))),
    el("td", {}, ...(s.decided?.length ? s.decided.map((d) => this.decidedItem(d, outputsOf(s))) : [el("span", { class: "hint", text: "nothing" })])),
    el("td", { class: "same", title: s.same_as_history === false ? "decides differently from what the live run published" : "same as the history", text: s.same_as_history === false ? "≠ differs" : "✓" }))));
    const current = steps[pos];
    setText($("#pm-state-label"), current ? `${current.type} (seq ${current.seq})` : "—");
    setText($("#pm-state"), current ? JSON.stringify(current.state, null, 2) : "");
    const changes = current ? diffState(steps[pos - 1]?.state, current.state) : [];
    morph($("#state-diff"), ...(current ? (changes.length ? changes.map((c) => el("li", {
      class: `change ${c.change}`, "data-testid": "state-change", "data-change": c.change, "data-path": c.path,
    }, el("span", { class: "sign", "aria-hidden": "true", text: SIGN[c.change] }), " ", el("span", { class: "mono", text: c.path }), " ",
    c.change === "changed" ? [el("code", { class: "old", text: short(c.before) }), " → ", el("code", { text: short(c.after) })]
      : el("code", { class: c.change === "removed" ? "old" : "", text: short(c.change === "removed" ? c.before : c.after) }),
    el("span", { class: "hint", text: ` ${c.change}` }))) : [el("li", { class: "hint", text: "nothing changed in the state" })]) : []));
    setText($("#state-diff-label"), current ? (pos === 0 ? `What ${current.type} set up` : `What ${current.type} changed`) : "");
  }

  /**
   * The order's sequence diagram by the rule the Mermaid download follows (src/mermaid.rs):
   * one arrow per delivery made by the current step, from the dispatcher when it handed the
   * message on (a cook gets its CookFood from the dispatcher), a lost one crossed out, a
   * second copy marked as such; a message published but not delivered by this step is a
   * note at its publisher. So both drawings agree at every step.
   */
  renderSequence(stream, frame) {
    const host = $("#seq-diagram");
    const app = this.app;
    const kinds = frame.kindByName();
    const faultsOf = (seq) => this.app.faults.ofSeq(frame, seq);
    const wiring = app.floor?.wiring ?? app.call(() => app.sim.wiring(), null);
    const rows = [];
    for (const m of stream) {
      const deliveries = (app.call(() => app.sim.deliveriesInRun(m.seq), []) ?? []).filter((d) => d.step <= frame.cursor);
      const faults = faultsOf(m.seq);
      const lostOnes = faults.filter((f) => f.fault === "drop");
      // rejected, refused, absorbed, late: said in words after the type (FAULT_CHIP's)
      const others = [...new Set(faults.filter((f) => !["drop", "duplicate"].includes(f.fault)).map((f) => (FAULT_CHIP[f.fault] ?? FAULT_CHIP.duplicate)[1]))];
      // the run's wiring says who hands a message on to its receiver (the floor's rule):
      // that actor, when it got the message, sends it on; else its publisher does
      const dodgy = frame.orderBy(m.correlation_id)?.dodgy ?? null;
      const sender = (to) => {
        const role = senderRole(wiring, m.type, kinds.get(to), kinds.get(m.publisher), dodgy);
        if (!role || role === kinds.get(m.publisher) || role === kinds.get(to)) return m.publisher;
        return deliveries.find((d) => kinds.get(d.actor) === role)?.actor ?? m.publisher;
      };
      for (const d of deliveries) rows.push({ m, from: sender(d.actor), to: d.actor, copy: d.copy > 0, others });
      for (const f of lostOnes) rows.push({ m, from: sender(f.actor), to: f.actor, lost: f, others });
      if (!deliveries.length && !lostOnes.length) rows.push({ m, from: m.publisher, to: null, pending: true, others });
    }
    const names = new Set();
    for (const r of rows) { names.add(r.from); if (r.to) names.add(r.to); }
    const w = wordsOf(this.app.sim);
    const columns = [...names].filter(Boolean).sort((a, b) =>
      w.roleRank(kinds.get(a) ?? a) - w.roleRank(kinds.get(b) ?? b) || a.localeCompare(b));
    const colWidth = 118, rowHeight = 30, top = 40, left = 20;
    const width = left * 2 + columns.length * colWidth;
    const height = top + rows.length * rowHeight + 20;
    const x = (name) => left + colWidth * columns.indexOf(name) + colWidth / 2;
    // the diagram in words for a screen reader (the replay table and the log hold the rest)
    const lostCount = rows.filter((r) => r.lost).length, copyCount = rows.filter((r) => r.copy).length;
    const label = `Sequence diagram of the order up to step ${frame.cursor}: ${rows.length} deliveries and notes between ${columns.join(", ")}` +
      `${lostCount ? `; ${lostCount} lost` : ""}${copyCount ? `; ${copyCount} second copies` : ""}`;
    const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "seq", role: "img", "aria-label": label },
      svg("defs", {}, seqMarker("seq-command"), seqMarker("seq-event")));
    columns.forEach((name) => {
      root.append(svg("line", { x1: x(name), x2: x(name), y1: top - 8, y2: height - 8, class: "lifeline" }));
      root.append(svg("rect", { x: x(name) - colWidth / 2 + 6, y: 6, width: colWidth - 12, height: 24, rx: 4, class: "head" }));
      root.append(svg("text", { x: x(name), y: 22, "text-anchor": "middle", class: "head-text", text: name }));
    });
    rows.forEach(({ m, from, to, lost, copy, pending, others }, i) => {
      const y = top + i * rowHeight + 16;
      const cls = m.kind === "event" ? "event" : "command";
      const g = svg("g", { class: `msg ${cls}${lost ? " lost" : ""}${pending ? " pending" : ""}`, "data-seq": m.seq, "data-fault": lost ? "drop" : copy ? "duplicate" : null,
        "data-testid": "seq-message", "data-type": m.type, "data-from": from ?? "", "data-to": to ?? "" });
      const said = others.length ? ` ${others.join(" ")}` : "";
      const x1 = x(from);
      if (to && to !== from) {
        const x2 = x(to);
        const dir = x2 > x1 ? 1 : -1;
        if (lost) {
          // a lost message never reaches its receiver: the arrow stops half way, crossed out
          const end = x1 + (x2 - x1) * 0.6;
          g.append(svg("line", { x1, x2: end, y1: y, y2: y, class: "lost-line" }));
          g.append(svg("path", { d: `M${end - 5},${y - 5} l10,10 M${end + 5},${y - 5} l-10,10`, class: "lost-cross" }));
        } else {
          g.append(svg("line", { x1, x2: x2 - 3 * dir, y1: y, y2: y, class: copy ? "copy" : null, "marker-end": `url(#seq-${cls})` }));
        }
        // a lost message's name stands over the part of the arrow that was drawn
        const tx = lost ? (x1 + x1 + (x2 - x1) * 0.6) / 2 : (x1 + x2) / 2;
        g.append(svg("text", { x: tx, y: y - 5, "text-anchor": "middle", text: `${m.kind === "event" ? "●" : "■"} ${m.type}${lost ? " ✕ lost" : copy ? " (second copy)" : ""}${said}` }));
      } else if (pending) {
        // published, not delivered by this step: a note at its publisher
        g.append(svg("text", { x: x1 + 8, y: y + 4, class: "note", text: `${m.kind === "event" ? "●" : "■"} ${m.type} · published, no delivery by step ${frame.cursor}${said}` }));
      } else {
        g.append(svg("path", { d: `M${x1},${y - 6} h26 v12 h-23`, "marker-end": `url(#seq-${cls})`, fill: "none" }));
        g.append(svg("text", { x: x1 + 32, y: y + 4, text: `${m.kind === "event" ? "●" : "■"} ${m.type}${said}` }));
      }
      g.append(svg("text", { x: 4, y: y + 4, class: "time", text: (m.at_ms / 1000).toFixed(2) }));
      g.append(svg("title", { text: `${m.type} (${m.kind}) seq ${m.seq} at ${formatMs(m.at_ms)}: ${pending ? `published by ${from}, not delivered by step ${frame.cursor}` : `${from} → ${to}`}${lost ? " (lost on the way)" : copy ? " (a second copy)" : ""}` }));
      root.append(g);
    });
    host.replaceChildren(root);
  }

  renderTree(stream, frame) {
    const byCause = new Map();
    const ids = new Set(stream.map((m) => m.id));
    const roots = [];
    for (const m of stream) {
      if (!m.causation_id || !ids.has(m.causation_id)) roots.push(m);
      else {
        if (!byCause.has(m.causation_id)) byCause.set(m.causation_id, []);
        byCause.get(m.causation_id).push(m);
      }
    }
    const chip = (f) => FAULT_CHIP[f.fault] ?? FAULT_CHIP.duplicate;
    const node = (m, depth) => el("li", {},
      el("button", { type: "button", class: `tree-node${m.seq === frame.deliveredSeq ? " is-delivered" : ""}`, "data-seq": m.seq, "data-testid": "tree-node", title: `id ${m.id}`,
        "aria-current": m.seq === frame.deliveredSeq ? "step" : null },
      kindChip(m.kind), " ", el("span", { class: "type", text: m.type }),
      // what became of it, in words as well as colour: lost, delivered twice, rejected…
      ...this.app.faults.ofSeq(frame, m.seq).map((f) => [" ", el("span", { class: `chip ${chip(f)[0]}`, "data-testid": "tree-fault", "data-fault": f.fault, title: `${f.fault}: ${f.actor}`, text: chip(f)[1] })]),
      el("span", { class: "hint", text: ` seq ${m.seq} · ${formatMs(m.at_ms)} · by ${m.publisher}` }),
      m.seq === frame.deliveredSeq ? el("span", { class: "now-tag", text: " ◀ delivered at this step" }) : null),
      depth < 200 && byCause.has(m.id) ? el("ul", {}, ...byCause.get(m.id).map((c) => node(c, depth + 1))) : null);
    $("#causation-tree").replaceChildren(roots.length ? el("ul", { class: "tree-root" }, ...roots.map((r) => node(r, 0))) : el("p", { class: "hint", text: "No messages yet." }));
  }
}

const SIGN = { added: "+", changed: "~", removed: "−" };

/**
 * What changed from state `before` to `after`: objects are compared field by field (paths
 * like "order.cooked_by"), anything else (numbers, strings, lists) as a whole.
 */
export function diffState(before, after, path = "", out = []) {
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const p = path ? `${path}.${key}` : key;
      if (!(key in before)) out.push({ change: "added", path: p, after: after[key] });
      else if (!(key in after)) out.push({ change: "removed", path: p, before: before[key] });
      else diffState(before[key], after[key], p, out);
    }
    return out;
  }
  if (before === undefined && isObject(after)) return diffState({}, after, path, out);
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    if (before === undefined) out.push({ change: "added", path: path || "state", after });
    else if (after === undefined) out.push({ change: "removed", path: path || "state", before });
    else out.push({ change: "changed", path: path || "state", before, after });
  }
  return out;
}

function short(value) {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The fields a message changed, for its row in the replay table. */
function changesLine(changes) {
  if (!changes.length) return el("div", { class: "changes hint", "data-testid": "row-changes", text: "state unchanged" });
  const names = changes.slice(0, 4).map((c) => `${SIGN[c.change]}${c.path}`).join(" ");
  return el("div", { class: "changes", "data-testid": "row-changes", title: changes.map((c) => `${c.change} ${c.path}`).join("\n") },
    names + (changes.length > 4 ? ` +${changes.length - 4} more` : ""));
}

function seqMarker(id) {
  return svg("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
    svg("path", { d: "M0,0 L10,5 L0,10 z", class: id }));
}

/** Who cooked a receipt's order, for how long, and with what (the printer's copy). */
function receiptKitchen(r) {
  const ingredients = r.ingredients ?? [];
  if (!r.cooked_by && !ingredients.length) return null;
  return el("div", { class: "receipt-kitchen", "data-testid": "receipt-kitchen" },
    r.cooked_by ? el("div", {}, "cooked by ", el("strong", { "data-testid": "receipt-cook", text: r.cooked_by }),
      " in ", el("span", { class: "mono", "data-testid": "receipt-cooking-time", text: formatMs(r.cooking_ms ?? 0) })) : null,
    ingredients.length ? el("div", { class: "hint", "data-testid": "receipt-ingredients" }, `ingredients: ${ingredients.join(", ")}`) : null);
}
