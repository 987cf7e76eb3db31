// Numbers at the cursor: the report (orders per cook, completed, dropped and why,
// retries, duplicates noticed, latency), the orders table and a chart of queue lengths
// over simulated time.

import { $, el, svg, replaceChanged as replace, setText, formatMs, formatInt } from "./dom.js";
import { words, isObservedRun } from "./engine.js";
import { Offscreen } from "./offscreen.js";
import { explainByText } from "./tour/glossary.js";

const PALETTE = ["#2f6fde", "#d9480f", "#2b8a3e", "#ae3ec9", "#e67700", "#0c8599", "#c2255c", "#5f3dc4", "#74b816", "#868e96", "#1864ab", "#a61e4d"];
// each line has a dash pattern of its own too: colour is never the only way to tell them apart
const DASHES = [[], [7, 3], [2, 3], [9, 3, 2, 3], [4, 4], [1, 2], [12, 4], [6, 2, 2, 2, 2, 2]];
const dashOf = (a) => DASHES[a % DASHES.length];
const ORDER_ROWS = 40;
const KNOWN = new Set(["orders", "completed", "dropped", "per_cook", "in_progress", "latency_ms", "stuck", "stuck_orders", "architecture", "rewired_for_pay_first", "load"]);
// report keys in words; times are shown in seconds, so no label says "ms"
const LABELS = {
  dropped_by_reason: "dropped, by reason", retries: "cooking retries", duplicates_noticed: "duplicates noticed",
  double_payments_refused: "double payments refused", expired: "refused by a cook as too late",
  rejected: "messages rejected", rejected_by_reason: "rejected, by reason", refunded: "payments refunded",
  charged: "orders charged", charged_not_served: "charged, not served",
  absorbed: "absorbed by the store",
  deliveries_dropped: "deliveries lost", deliveries_duplicated: "deliveries doubled", per_process: "orders per process",
  peak_queue: "longest queue", messages: "messages", steps: "steps", simulated_ms: "simulated time",
  // failures a real kitchen has (issue 23): written by the engine only when not 0
  escalated: "refunds handed to a person", recognised: "recognised (taken once, not cooked again)",
  crashes: "crashes", lost_in_crashes: "lost in crashes", rebuilt: "process managers read back after a crash",
  failed: "failed deliveries (poison)", dead_lettered: "dead-lettered", redelivered: "dead letters re-delivered",
  migrated: "orders moved to another version",
};

export class NumbersView {
  constructor(app) {
    this.app = app;
    this.key = "";
    this.lastRender = 0;
    this.canvas = $("#queue-chart");
    this.samples = null;
    this.width = 300;
    this.hover = null; // index of the sample row the pointer (or the arrow keys) is on
    this.focusActor = null; // the legend entry being pointed at: its line is drawn on top
    this.readout = $("#chart-readout");
    // what the chart draws: each queue's length, or the messages each actor takes per
    // second (throughput), over the same intervals
    this.metric = "queue";
    $("#chart-metric")?.addEventListener("change", (event) => {
      this.metric = event.target.value === "rate" ? "rate" : "queue";
      this.canvas.setAttribute("aria-label", this.metric === "rate"
        ? "Messages taken per simulated second per actor (over the last second) over simulated time (← → read one moment)"
        : "Queue length per actor over simulated time (← → read one moment; the chart as a table follows it)");
      this.legendKey = "";
      this.drawChart();
    });
    // on a big run, redrawn in a task of its own after the step's frame while on screen, or
    // when the page is idle (the App's latest frame: a newer step has a render of its own)
    this.offscreen = new Offscreen(this.canvas.closest(".numbers-panel"), () => { if (app.frame) this.update(app.frame); });
    this.canvas.addEventListener("pointermove", (event) => this.pointAt(event.offsetX));
    this.canvas.addEventListener("pointerdown", (event) => this.pointAt(event.offsetX));
    this.canvas.addEventListener("pointerleave", () => { this.hover = null; this.drawChart(); });
    this.canvas.addEventListener("keydown", (event) => {
      const rows = this.samples?.rows?.length ?? 0;
      if (!rows || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
      const at = this.hover ?? rows - 1;
      this.hover = event.key === "Home" ? 0 : event.key === "End" ? rows - 1 : Math.max(0, Math.min(rows - 1, at + (event.key === "ArrowLeft" ? -1 : 1)));
      this.drawChart();
      event.preventDefault();
      event.stopPropagation();
    });
    const legend = $("#chart-legend");
    const pick = (event) => {
      const name = event.target.closest?.("[data-actor]")?.dataset.actor ?? null;
      if (name !== this.focusActor) { this.focusActor = name; this.drawChart(); }
    };
    legend.addEventListener("pointerover", pick);
    legend.addEventListener("focusin", pick);
    legend.addEventListener("pointerleave", () => { this.focusActor = null; this.drawChart(); });
    legend.addEventListener("focusout", () => { this.focusActor = null; this.drawChart(); });
    new ResizeObserver(([entry]) => {
      this.width = Math.max(200, Math.floor(entry.contentRect.width));
      this.drawChart();
    }).observe(this.canvas.parentElement);
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => this.drawChart());
    // on a desktop the orders table and the throughput table take turns under the chart
    $(".numbers-side").addEventListener("click", (event) => {
      const button = event.target.closest("[data-show]");
      if (button) this.showLoad(button.dataset.show === "load");
    });
    $("#orders-rows").addEventListener("click", (event) => {
      const row = event.target.closest("tr[data-correlation-id]");
      if (row) app.selectOrder(row.dataset.correlationId);
    });
    $("#report").addEventListener("click", (event) => {
      const button = event.target.closest("[data-order]");
      if (!button) return;
      const n = Number(button.dataset.order);
      const order = app.call(() => app.sim.orders(n - 1, n), [])?.[0];
      if (order) app.selectOrder(order.correlation_id);
    });
  }

  update(frame) {
    const key = `${frame.gen}:${frame.cursor}:${this.app.selected}`;
    if (key === this.key) return;
    const now = performance.now();
    if (frame.playing && now - this.lastRender < 400) { this.app.changedSoon(); return; }
    if (this.offscreen.skip(frame)) return;
    this.lastRender = now;
    this.key = key;
    const app = this.app;
    const report = app.call(() => app.sim.report(), null);
    this.renderReport(report);
    this.samples = app.call(() => app.sim.queueSamples(this.width), null);
    this.drawChart();
    this.renderChartTable(frame);
    this.renderLoad(report, frame);
    this.renderOrders(frame);
  }

  renderReport(report) {
    const host = $("#report");
    if (!report) { host.replaceChildren(); return; }
    const cards = [
      card("orders", report.orders, "report-orders"),
      card("completed", report.completed, "report-completed"),
      card("dropped", report.dropped, "report-dropped", report.dropped > 0 ? "warn" : ""),
    ];
    // without process managers nobody notices a lost message: an order can be stuck for good
    if (report.architecture && report.architecture !== "process-manager") cards.push(card("stuck", report.stuck ?? 0, "report-stuck-count", report.stuck > 0 ? "warn" : ""));
    // customers who paid and got nothing: with process managers a refund is on its way,
    // without them nobody owes one (the lesson of choreography and commands)
    const unserved = report.charged_not_served ?? 0;
    if (unserved > 0) cards.push(card("charged, not served", unserved, "report-charged-not-served", "warn"));
    const perCook = report.per_cook ?? {};
    const maxCook = Math.max(1, ...Object.values(perCook));
    const cooked = Object.values(perCook).reduce((a, b) => a + b, 0);
    const latency = report.latency_ms;
    const cookList = el("ul", { class: "per-cook", "data-testid": "per-cook" },
      ...Object.entries(perCook).map(([name, n]) => el("li", {},
        el("span", { class: "name", text: name }),
        el("span", { class: "bar" }, el("span", { style: `width:${(100 * n) / maxCook}%` })),
        el("span", { class: "mono num", text: n }))));
    const rest = Object.entries(report).filter(([k, v]) => !KNOWN.has(k) && !(k === "expired" && v === report.dropped_by_reason?.expired))
      .sort(([a], [b]) => rank(a) - rank(b));
    replace(host,
      el("div", { class: "cards" }, ...cards),
      (report.stuck_orders ?? []).length ? el("p", { class: "stuck warn", "data-testid": "report-stuck" },
        `Stuck (no terminal event, and no process manager to notice): `,
        ...report.stuck_orders.flatMap((n, i) => [i ? ", " : "", el("button", { type: "button", class: "link", "data-order": n, "data-testid": "stuck-order", text: `#${n}` })]),
        ` — in the ${report.architecture} architecture a lost message stops an order.`) : null,
      unserved > 0 ? el("p", { class: "stuck warn", "data-testid": "report-unserved" },
        report.architecture && report.architecture !== "process-manager"
          ? `${formatInt(unserved)} of ${formatInt(report.charged ?? 0)} customers who paid got nothing, and nobody owes them a refund: in the ${report.architecture} architecture no process manager owns the order, so nobody notices.`
          : `${formatInt(unserved)} dropped orders are still paid: their process managers are asking the cashier for the refund.`) : null,
      report.in_progress > 0 ? el("p", { class: "in-progress", "data-testid": "report-in-progress" },
        el("span", { class: "mono", text: formatInt(report.in_progress) }), " still in progress at this step") : null,
      latency && typeof latency === "object" ? el("p", { class: "latency", "data-testid": "report-latency" },
        el("span", { class: "hint", text: "order to completion: " }),
        ...["min", "median", "max"].filter((k) => latency[k] !== undefined)
          .flatMap((k, i) => [i ? " · " : "", `${k} `, el("span", { class: "mono", text: seconds(latency[k]) })])) : null,
      el("h3", { text: "Dishes cooked, per cook" }), cookList,
      cooked > report.orders ? el("p", { class: "hint explain", "data-testid": "cooked-explained" },
        `${formatInt(cooked)} cooked for ${formatInt(report.orders)} orders: an order is cooked again when its CookFood is retried after a timeout `,
        `(${formatInt(report.retries ?? 0)} retries) or delivered twice (${formatInt(report.deliveries_duplicated ?? 0)} doubled deliveries); the process manager uses the first dish and ignores the rest.`) : null,
      rest.length ? el("dl", { class: "report-more", "data-testid": "report-more" }, ...rest.map(([k, v]) => el("div", { class: v && typeof v === "object" ? "wide" : "" },
        el("dt", { text: LABELS[k] ?? k.replace(/_ms$/, "").replace(/_/g, " ") }), el("dd", {}, describe(k, v))))) : null);
  }

  /** The newest orders first; a long run shows the latest ones (click one to inspect it). */
  renderOrders(frame) {
    const app = this.app;
    const n = frame.orderCount();
    const orders = typeof app.sim.orderCount === "function"
      ? app.call(() => app.sim.orders(Math.max(0, n - ORDER_ROWS), n), []) ?? []
      : frame.orders().slice(-ORDER_ROWS);
    const refunds = this.refunds(frame, orders);
    const rows = orders.reverse().map((o) => el("tr", {
      "data-correlation-id": o.correlation_id, "data-testid": "order-row", "data-status": o.status,
      class: `${o.correlation_id === this.app.selected ? "is-selected" : ""} status-${o.status}`,
    },
    el("td", { class: "mono num" }, el("button", { type: "button", class: "link", "aria-label": `Inspect order ${o.order}`, text: `#${o.order}` })),
    el("td", { class: "num", text: o.table }),
    o.definition
      ? el("td", { text: `${o.definition} v${o.version}`, title: `${o.definition} v${o.version}` })
      : el("td", { class: "hint", text: o.dodgy ? "pay first" : "–", title: "no process manager in this architecture" }),
    // a refund first, so a narrow column still shows it
    el("td", { title: `${o.reason ? `${o.status}: ${o.reason}` : o.status}${refunds.has(o.correlation_id) ? ` · ${refunds.get(o.correlation_id)}` : ""}` },
      refunds.has(o.correlation_id) ? el("span", { class: "chip timeout refund", "data-testid": "order-refund", "data-refund": refunds.get(o.correlation_id),
        title: refunds.get(o.correlation_id) === "refunded" ? "paid first, then given its money back" : "a refund was asked for and is not done yet",
        text: refunds.get(o.correlation_id) === "refunded" ? "↩" : "↩…" }) : null,
      o.reason ? `${o.status}: ${o.reason}` : o.status),
    el("td", { text: (o.cooks ?? []).join(", "), title: (o.cooks ?? []).join(", ") }),
    el("td", { class: "mono num", text: o.finished_at_ms === null || o.finished_at_ms === undefined ? "–" : seconds(o.finished_at_ms - o.placed_at_ms) })));
    if (n > ORDER_ROWS) rows.push(el("tr", {}, el("td", { colspan: 6, class: "hint", text: `… and ${formatInt(n - ORDER_ROWS)} earlier orders (pick one in the log)` })));
    // drawn as the glossary leaves them: the same rows compare equal after it went over them
    for (const row of rows) for (const cell of row.children) explainByText(cell);
    replace($("#orders-rows"), ...rows);
  }

  /** The orders with a refund by the cursor: correlation id → "refunded" | "refunding". */
  /** The shown orders' refunds ("refunding" / "refunded"), read from their own streams. */
  refunds(frame, orders) {
    const app = this.app;
    // an order's refund shows in its own stream: only a longer stream can change it
    const key = `${frame.gen}:${orders.map((o) => `${o.order}/${o.messages}`).join(",")}`;
    if (this.refundKey === key) return this.refundMap;
    this.refundKey = key;
    const map = new Map();
    const w = words();
    for (const o of orders) {
      // a few messages each: no scan of the whole history
      const types = (app.call(() => app.sim.orderStream(o.correlation_id), []) ?? []).map((m) => m.type);
      if (types.some((t) => w.is(t, "done", "refund"))) map.set(o.correlation_id, "refunded");
      else if (types.some((t) => w.is(t, "work", "refund"))) map.set(o.correlation_id, "refunding");
    }
    this.refundMap = map;
    return map;
  }

  /**
   * The chart's text alternative: per actor whose queue was ever longer than zero, its length
   * at the current step, its longest and when.
   */
  renderChartTable(frame) {
    let details = $("#chart-table");
    if (!details) {
      details = el("details", { id: "chart-table", class: "chart-table", "data-testid": "chart-table" },
        el("summary", { text: "the chart as a table" }),
        el("table", {}, el("caption", { class: "hint" }),
          el("thead", {}, el("tr", {}, ...["actor", "queue now", "longest", "at"].map((h) => el("th", { scope: "col", text: h })))),
          el("tbody")));
      this.canvas.closest("figure").append(details);
    }
    const data = this.samples;
    const rows = data?.rows ?? [];
    const at = data?.at_ms ?? rows.map((_, i) => i * (data?.interval_ms ?? 0));
    const now = new Map((frame.actors() ?? []).map((x) => [x.name, x.queue ?? 0]));
    const body = [];
    (data?.actors ?? []).forEach((name, a) => {
      let peak = 0, when = 0;
      rows.forEach((r, i) => { if (r[a] > peak) { peak = r[a]; when = at[i]; } });
      if (peak > 0) body.push(el("tr", { "data-actor": name }, el("th", { scope: "row", text: name }), el("td", { class: "num", text: now.get(name) ?? rows[rows.length - 1][a] }),
        el("td", { class: "num", text: peak }), el("td", { class: "num", text: seconds(when) })));
    });
    setText(details.querySelector("caption"), `Queue lengths up to step ${formatInt(frame.cursor)}`);
    replace(details.querySelector("tbody"), ...(body.length ? body : [el("tr", {}, el("td", { colspan: 4, class: "hint", text: "no queue so far" }))]));
  }

  /** Show the throughput table (true) or the orders table (false) under the chart. */
  showLoad(load) {
    $(".numbers-side").classList.toggle("show-load", load);
    $(load ? "#load [data-show]" : ".orders-title [data-show]")?.focus();
  }

  /**
   * Throughput beside queue length: per actor that took a message, its queue now and its
   * longest (from the samples), messages taken per simulated second, share of time busy,
   * mean queue and mean wait (the report's load, the run up to the cursor); and Little's law
   * on the busiest of them: mean queue = per second × mean wait.
   */
  renderLoad(report, frame) {
    const host = $("#load");
    const load = report?.load ?? {};
    const data = this.samples;
    const rows = data?.rows ?? [];
    const now = new Map((frame.actors() ?? []).map((x) => [x.name, x.queue ?? 0]));
    const longest = new Map((data?.actors ?? []).map((name, a) => [name, rows.reduce((m, r) => Math.max(m, r[a]), 0)]));
    const busy = Object.entries(load).filter(([, l]) => l.taken > 0);
    if (!busy.length) {
      replace(host, el("p", { class: "hint" }, "Throughput appears here once a worker has taken a message. ",
        el("button", { type: "button", class: "side-switch", "data-show": "orders", "data-testid": "show-orders", text: "◂ orders" })));
      return;
    }
    const maxRate = Math.max(...busy.map(([, l]) => l.per_second), 0.001);
    const body = busy.map(([name, l]) => el("tr", { "data-actor": name, "data-testid": "load-row", "data-per-second": l.per_second, "data-utilisation": l.utilisation },
      el("th", { scope: "row", text: name }),
      el("td", { class: "num mono", "data-testid": "load-queue", text: formatInt(now.get(name) ?? 0) }),
      el("td", { class: "num mono", text: formatInt(longest.get(name) ?? 0) }),
      el("td", { class: "num mono rate", "data-testid": "load-per-second" },
        el("span", { class: "bar", "aria-hidden": "true" }, el("span", { style: `width:${(100 * l.per_second) / maxRate}%` })), l.per_second.toFixed(2)),
      el("td", { class: `num mono${l.utilisation >= 0.9 ? " warn" : ""}`, "data-testid": "load-busy", text: `${Math.round(100 * l.utilisation)} %` }),
      el("td", { class: "num mono", text: l.mean_queue.toFixed(2) }),
      el("td", { class: "num mono", text: seconds(Math.round(l.mean_wait_ms)) })));
    // Little's law on the actor whose queue was longest on average
    const [name, l] = busy.reduce((a, b) => (b[1].mean_queue > a[1].mean_queue ? b : a));
    replace(host,
      el("h3", { text: "Throughput beside queue length" }, el("span", { class: "hint", text: ` (the run up to step ${formatInt(frame.cursor)})` }),
        " ", el("button", { type: "button", class: "side-switch", "data-show": "orders", "data-testid": "show-orders", title: "Back to the orders table", text: "◂ orders" })),
      el("div", { class: "load-wrap", tabindex: "0", role: "group", "aria-label": "throughput per actor (scrolls sideways on a narrow screen)" }, el("table", { class: "load-table", "data-testid": "load-table" },
        el("thead", {}, el("tr", {}, ...[["actor", ""], ["queue", "its queue at this step"], ["max", "its longest queue so far"],
          ["per s", "messages taken per simulated second"], ["busy", "share of the time it was working"],
          ["avg queue", "its queue's mean length over time"], ["avg wait", "how long a message waited in its queue, on average"]]
          .map(([h, title]) => el("th", { scope: "col", text: h, title: title || null })))),
        el("tbody", {}, ...body))),
      el("p", { class: "hint little", "data-testid": "load-little" },
        `Little's law, ${name}: ${l.per_second.toFixed(2)} per s × ${seconds(Math.round(l.mean_wait_ms))} waited = `,
        el("span", { class: "mono", text: ((l.per_second * l.mean_wait_ms) / 1000).toFixed(2) }),
        ` ≈ mean queue ${l.mean_queue.toFixed(2)}. A queue that keeps growing means messages arrive faster than its worker takes them.`));
  }

  /** Point at the sample under x (in CSS pixels on the canvas). */
  pointAt(x) {
    const g = this.geometry;
    const rows = this.samples?.rows;
    if (!g || !rows?.length) return;
    const t = ((x - g.pad.l) / g.w) * g.total;
    let i = 0;
    while (i + 1 < g.at.length && g.at[i + 1] <= t) i++;
    if (i !== this.hover) { this.hover = i; this.drawChart(); }
  }

  drawChart() {
    const canvas = this.canvas;
    const width = this.width;
    const height = 130;
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== width * ratio || canvas.height !== height * ratio) {
      canvas.width = width * ratio;
      canvas.height = height * ratio;
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const dark = matchMedia("(prefers-color-scheme: dark)").matches;
    const fg = dark ? "#9aa4b4" : "#5c6677";
    const grid = dark ? "#343a45" : "#d9dee6";
    ctx.clearRect(0, 0, width, height);
    ctx.font = "11px system-ui, sans-serif";
    const data = this.samples;
    const legend = $("#chart-legend");
    if (!data || !data.rows?.length) {
      ctx.fillStyle = fg;
      ctx.fillText(isObservedRun(this.app.sim) ? "A live kitchen's record has no queue lengths."
        : "Queue lengths appear here as the run goes on.", 10, height / 2);
      legend.replaceChildren();
      this.legendKey = "";
      setText(this.readout, "");
      return;
    }
    const rate = this.metric === "rate" && Array.isArray(data.taken);
    // throughput: the messages taken per simulated second over a sliding window (a second,
    // or a row when rows are longer), so that a burst reads as a rate and not as a spike
    const rows = rate ? slidingRates(data) : data.rows;
    let max = 1;
    for (const r of rows) for (const q of r) if (q > max) max = q;
    max = Math.ceil(max);
    const pad = { l: Math.ceil(ctx.measureText(String(max)).width) + 10, r: 8, t: 8, b: 20 };
    const w = width - pad.l - pad.r, h = height - pad.t - pad.b;
    ctx.strokeStyle = grid;
    ctx.fillStyle = fg;
    ctx.lineWidth = 1;
    for (const v of [0, Math.ceil(max / 2), max]) {
      const y = pad.t + h - (h * v) / max;
      ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(pad.l + w, y); ctx.stroke();
      ctx.fillText(String(v), 4, y + 4);
    }
    // rows may be merged (at_ms gives each row's start); otherwise one per interval
    const at = data.at_ms ?? rows.map((_, i) => i * data.interval_ms);
    const total = Math.max(at[at.length - 1] ?? 0, data.interval_ms) || 1;
    ctx.fillText("0 s", pad.l, height - 5);
    const endLabel = `${(total / 1000).toFixed(1)} s`;
    ctx.fillText(endLabel, pad.l + w - ctx.measureText(endLabel).width, height - 5);
    const active = [];
    const line = (a, color, width) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.setLineDash(dashOf(a));
      ctx.beginPath();
      // a step line: a queue keeps its length until the next sample
      for (let i = 0; i < rows.length; i++) {
        const x = pad.l + (w * at[i]) / total;
        const y = pad.t + h - (h * rows[i][a]) / max;
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, pad.t + h - (h * rows[i - 1][a]) / max), ctx.lineTo(x, y);
      }
      ctx.stroke();
      ctx.setLineDash([]);
    };
    data.actors.forEach((name, a) => {
      let any = false;
      for (const r of rows) if (r[a] > 0) { any = true; break; }
      if (!any) return;
      active.push([name, PALETTE[a % PALETTE.length], a]);
    });
    // a dozen lines in 300 px cannot be read: the four longest queues are drawn strong, the
    // rest faint; pointing at a legend entry draws that one on top and fades all others
    const peak = (a) => { let m = 0; for (const r of rows) if (r[a] > m) m = r[a]; return m; };
    const strong = new Set([...active].sort((x, y) => peak(y[2]) - peak(x[2])).slice(0, 4).map(([name]) => name));
    const picked = active.find(([name]) => name === this.focusActor);
    for (const [name, color, a] of active) {
      if (name === this.focusActor) continue;
      ctx.globalAlpha = picked ? 0.15 : strong.has(name) ? 1 : 0.25;
      line(a, color, picked || !strong.has(name) ? 1 : 2);
    }
    ctx.globalAlpha = 1;
    if (picked) line(picked[2], picked[1], 3);
    this.geometry = { pad, w, total, at };
    const hover = this.hover !== null && this.hover < rows.length ? this.hover : null;
    if (hover !== null) {
      const x = pad.l + (w * at[hover]) / total;
      ctx.strokeStyle = fg;
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      ctx.beginPath(); ctx.moveTo(x, pad.t); ctx.lineTo(x, pad.t + h); ctx.stroke();
      ctx.setLineDash([]);
    }
    const key = active.map(([n]) => n).join("|");
    if (key !== this.legendKey) {
      this.legendKey = key;
      legend.replaceChildren(...active.map(([name, color, a]) => el("button", { type: "button", class: "legend-item", "data-actor": name, title: `show ${name}'s queue on top` },
        svg("svg", { class: "swatch", width: 22, height: 8, viewBox: "0 0 22 8", "aria-hidden": "true" },
          svg("line", { x1: 0, x2: 22, y1: 4, y2: 4, stroke: color, "stroke-width": 2.5, "stroke-dasharray": dashOf(a).join(" ") || null })), name)));
      if (!active.length) legend.replaceChildren(el("span", { class: "hint", text: "no queues so far" }));
    }
    for (const item of legend.querySelectorAll("[data-actor]")) item.classList.toggle("is-picked", item.dataset.actor === this.focusActor);
    // the values at the pointed moment (or the busiest moment): the chart in words
    const i = hover ?? busiest(rows);
    const values = active.map(([name, , a]) => [name, rows[i][a]]).filter(([, q]) => q > 0).sort((x, y) => y[1] - x[1]);
    const end = i + 1 < at.length ? at[i + 1] : at[i] + data.interval_ms;
    const said = ([name, q]) => (rate ? `${name} ${Number(q.toFixed(1))}/s` : `${name} ${q}`);
    setText(this.readout, `${hover === null ? "busiest moment, " : ""}${seconds(at[i])}–${seconds(end)}: ` +
      (values.length ? values.map(said).join(" · ") : rate ? "nobody took a message" : "every queue empty") +
      (hover === null ? " (point at the chart to read another)" : ""));
  }
}


/**
 * Messages taken per simulated second, per row and actor, over the window of time that ends
 * with the row: max(1 s, a row's interval).
 */
export function slidingRates(data) {
  const at = data.at_ms ?? data.taken.map((_, i) => i * data.interval_ms);
  const window = Math.max(1000, data.interval_ms);
  const sums = new Array(data.actors.length).fill(0);
  let first = 0;
  return data.taken.map((row, i) => {
    row.forEach((t, a) => { sums[a] += t; });
    // rows that ended before the window's start leave it
    while (at[first] + data.interval_ms <= at[i] + data.interval_ms - window) {
      data.taken[first].forEach((t, a) => { sums[a] -= t; });
      first++;
    }
    return sums.map((sum) => (1000 * sum) / window);
  });
}

/** The row whose queues add up to the most. */
function busiest(rows) {
  let best = 0, most = -1;
  rows.forEach((r, i) => { const sum = r.reduce((a, b) => a + b, 0); if (sum > most) { most = sum; best = i; } });
  return best;
}

// the figures the workshop is about come first; anything new the engine adds follows
const FIRST = ["latency_ms", "dropped_by_reason", "retries", "duplicates_noticed", "in_progress", "expired",
  "deliveries_dropped", "deliveries_duplicated", "double_payments_refused", "crashes", "lost_in_crashes", "rebuilt",
  "failed", "dead_lettered", "redelivered", "recognised", "escalated", "migrated", "per_process"];
function rank(key) {
  const i = FIRST.indexOf(key);
  return i === -1 ? FIRST.length : i;
}

function card(label, value, testid, extra = "") {
  return el("div", { class: `card ${extra}` }, el("div", { class: "card-value", "data-testid": testid, text: formatInt(value) }), el("div", { class: "card-label", text: label }));
}

/** Simulated ms in seconds, as short as it stays exact ("0.35 s", "6.3 s"). */
function seconds(ms) {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** A report value for humans: numbers, times in seconds, maps as lists (zero reasons left out). */
function describe(key, value) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "object") return /_ms$|latency/.test(key) && typeof value === "number" ? seconds(value) : formatInt(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ") || "none";
  let entries = Object.entries(value);
  if (key === "dropped_by_reason") entries = entries.filter(([, v]) => v !== 0);
  if (!entries.length) return "none";
  const timeLike = /latency|_ms$/.test(key);
  return el("span", { class: "kv" }, ...entries.map(([k, v]) => el("span", { class: "kv-item" },
    el("span", { class: "hint", text: `${k.replace(/_/g, " ")} ` }),
    typeof v === "object" && v !== null ? JSON.stringify(v) : timeLike && typeof v === "number" ? seconds(v) : String(v))));
}
