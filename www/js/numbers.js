// Numbers at the cursor: the report (orders per cook, completed, dropped and why,
// retries, duplicates noticed, latency), the orders table and a chart of queue lengths
// over simulated time.

import { $, el, setText, formatMs, formatInt } from "./dom.js";

const PALETTE = ["#2f6fde", "#d9480f", "#2b8a3e", "#ae3ec9", "#e67700", "#0c8599", "#c2255c", "#5f3dc4", "#74b816", "#868e96", "#1864ab", "#a61e4d"];
const ORDER_ROWS = 40;
const KNOWN = new Set(["orders", "completed", "dropped", "per_cook"]);

export class NumbersView {
  constructor(app) {
    this.app = app;
    this.key = "";
    this.lastRender = 0;
    this.canvas = $("#queue-chart");
    this.samples = null;
    this.width = 300;
    new ResizeObserver(([entry]) => {
      this.width = Math.max(200, Math.floor(entry.contentRect.width));
      this.drawChart();
    }).observe(this.canvas.parentElement);
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => this.drawChart());
    $("#orders-rows").addEventListener("click", (event) => {
      const row = event.target.closest("tr[data-correlation-id]");
      if (row) app.selectOrder(row.dataset.correlationId);
    });
  }

  update(frame) {
    const key = `${frame.gen}:${frame.cursor}:${this.app.selected}`;
    if (key === this.key) return;
    const now = performance.now();
    if (frame.playing && now - this.lastRender < 400) { this.app.changedSoon(); return; }
    this.lastRender = now;
    this.key = key;
    const app = this.app;
    const report = app.call(() => app.sim.report(), null);
    this.renderReport(report);
    this.samples = app.call(() => app.sim.queueSamples(this.width), null);
    this.drawChart();
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
    const perCook = report.per_cook ?? {};
    const maxCook = Math.max(1, ...Object.values(perCook));
    const cookList = el("ul", { class: "per-cook", "data-testid": "per-cook" },
      ...Object.entries(perCook).map(([name, n]) => el("li", {},
        el("span", { class: "name", text: name }),
        el("span", { class: "bar" }, el("span", { style: `width:${(100 * n) / maxCook}%` })),
        el("span", { class: "mono num", text: n }))));
    const rest = Object.entries(report).filter(([k]) => !KNOWN.has(k))
      .sort(([a], [b]) => rank(a) - rank(b));
    host.replaceChildren(
      el("div", { class: "cards" }, ...cards),
      el("h3", { text: "Orders per cook" }), cookList,
      rest.length ? el("dl", { class: "report-more", "data-testid": "report-more" }, ...rest.map(([k, v]) => el("div", { class: v && typeof v === "object" ? "wide" : "" },
        el("dt", { text: k.replace(/_/g, " ") }), el("dd", {}, describe(k, v))))) : null);
  }

  /** The newest orders first; a long run shows the latest ones (click one to inspect it). */
  renderOrders(frame) {
    const app = this.app;
    const n = frame.orderCount();
    const orders = typeof app.sim.orderCount === "function"
      ? app.call(() => app.sim.orders(Math.max(0, n - ORDER_ROWS), n), []) ?? []
      : frame.orders().slice(-ORDER_ROWS);
    const rows = orders.reverse().map((o) => el("tr", {
      "data-correlation-id": o.correlation_id, "data-testid": "order-row", "data-status": o.status,
      class: `${o.correlation_id === this.app.selected ? "is-selected" : ""} status-${o.status}`,
    },
    el("td", { class: "mono num" }, el("button", { type: "button", class: "link", "aria-label": `Inspect order ${o.order}`, text: `#${o.order}` })),
    el("td", { class: "num", text: o.table }),
    el("td", { text: `${o.definition} v${o.version}` }),
    el("td", { text: o.reason ? `${o.status}: ${o.reason}` : o.status }),
    el("td", { text: (o.cooks ?? []).join(", ") }),
    el("td", { class: "mono num", text: o.finished_at_ms === null || o.finished_at_ms === undefined ? "–" : formatMs(o.finished_at_ms - o.placed_at_ms) })));
    if (n > ORDER_ROWS) rows.push(el("tr", {}, el("td", { colspan: 6, class: "hint", text: `… and ${formatInt(n - ORDER_ROWS)} earlier orders (pick one in the log)` })));
    $("#orders-rows").replaceChildren(...rows);
  }

  drawChart() {
    const canvas = this.canvas;
    const width = this.width;
    const height = 150;
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
      ctx.fillText("Queue lengths appear here as the run goes on.", 10, height / 2);
      legend.replaceChildren();
      return;
    }
    const rows = data.rows;
    let max = 1;
    for (const r of rows) for (const q of r) if (q > max) max = q;
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
    data.actors.forEach((name, a) => {
      let any = false;
      for (const r of rows) if (r[a] > 0) { any = true; break; }
      if (!any) return;
      const color = PALETTE[a % PALETTE.length];
      active.push([name, color]);
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      // a step line: a queue keeps its length until the next sample
      for (let i = 0; i < rows.length; i++) {
        const x = pad.l + (w * at[i]) / total;
        const y = pad.t + h - (h * rows[i][a]) / max;
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, pad.t + h - (h * rows[i - 1][a]) / max), ctx.lineTo(x, y);
      }
      ctx.stroke();
    });
    legend.replaceChildren(...active.map(([name, color]) => el("span", { class: "legend-item" },
      el("span", { class: "swatch", style: `background:${color}` }), name)));
    if (!active.length) legend.replaceChildren(el("span", { class: "hint", text: "no queues so far" }));
  }
}

// the figures the workshop is about come first; anything new the engine adds follows
const FIRST = ["latency_ms", "dropped_by_reason", "retries", "duplicates_noticed", "in_progress", "expired",
  "deliveries_dropped", "deliveries_duplicated", "double_payments_refused", "per_process"];
function rank(key) {
  const i = FIRST.indexOf(key);
  return i === -1 ? FIRST.length : i;
}

function card(label, value, testid, extra = "") {
  return el("div", { class: `card ${extra}` }, el("div", { class: "card-value", "data-testid": testid, text: formatInt(value) }), el("div", { class: "card-label", text: label }));
}

/** A report value for humans: numbers, latency-like objects in seconds, maps as lists. */
function describe(key, value) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "object") return /_ms$|latency/.test(key) && typeof value === "number" ? formatMs(value) : String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ") || "none";
  const entries = Object.entries(value);
  if (!entries.length) return "none";
  const timeLike = /latency|_ms$/.test(key);
  return el("span", { class: "kv" }, ...entries.map(([k, v]) => el("span", { class: "kv-item" },
    el("span", { class: "hint", text: `${k.replace(/_/g, " ")} ` }),
    typeof v === "object" && v !== null ? JSON.stringify(v) : timeLike && typeof v === "number" ? formatMs(v) : String(v))));
}
