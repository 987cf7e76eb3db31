// A stand-in for www/pkg/brigade.js with the shapes of docs/FACADE.md, used only while the
// Rust engine does not build yet (BRIGADE_MOCK=1 serves it at pkg/). It is not the
// workshop: a plain pay-last / pay-first pipeline with no faults worth the name.

const DEFAULTS = {
  seed: 42, orders: 10, interval_ms: 0,
  cooks: [{ name: "Koen", ms: 350 }, { name: "Guido", ms: 200 }, { name: "Greg", ms: 600 }],
  dispatch: "more-fair", queue_limit: 5, drop: 0, duplicate: 0, dodgy: 0, process_version: 2,
  assistant_manager_ms: 50, cashier_ms: 50, cook_timeout_ms: 2500, price_timeout_ms: 1000,
  pay_timeout_ms: 1000, max_retries: 3, sample_ms: 100,
};
const KIND = {
  OrderPlaced: "event", CookFood: "command", FoodCooked: "event", PriceOrder: "command",
  OrderPriced: "event", TakePayment: "command", OrderPaid: "event", OrderCompleted: "event",
  PublishAt: "command", StepTimedOut: "event", OrderDropped: "event",
};

export default async function init() {}

function uuid(rng) {
  const h = [];
  for (let i = 0; i < 16; i++) h.push(((rng() * 256) | 0).toString(16).padStart(2, "0"));
  return `${h.slice(0, 4).join("")}-${h.slice(4, 6).join("")}-${h.slice(6, 8).join("")}-${h.slice(8, 10).join("")}-${h.slice(10).join("")}`;
}
function mulberry(seed) {
  let a = Number(seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validate(cfg) {
  const c = { ...DEFAULTS, ...cfg };
  for (const k of Object.keys(cfg)) if (!(k in DEFAULTS)) throw new Error(`config: ${k}: unknown field`);
  if (!Number.isInteger(Number(c.seed)) || Number(c.seed) < 0) throw new Error("config: seed: must be a whole number ≥ 0");
  if (!Number.isInteger(c.orders) || c.orders < 0) throw new Error("config: orders: must be a whole number ≥ 0");
  if (!Number.isInteger(c.interval_ms) || c.interval_ms < 0) throw new Error("config: interval_ms: must be a whole number ≥ 0");
  for (const p of ["drop", "duplicate", "dodgy"]) {
    if (typeof c[p] !== "number" || !(c[p] >= 0 && c[p] <= 1)) throw new Error(`config: ${p}: must be between 0 and 1`);
  }
  if (!Array.isArray(c.cooks) || c.cooks.length === 0) throw new Error("config: cooks: at least one cook is needed");
  c.cooks.forEach((k, i) => {
    if (!k.name) throw new Error(`config: cooks[${i}].name: must not be empty`);
    if (!(k.ms > 0)) throw new Error(`config: cooks[${i}].ms: must be more than 0`);
  });
  if (!["round-robin", "more-fair", "competing"].includes(c.dispatch)) throw new Error(`config: dispatch: unknown kind "${c.dispatch}"`);
  if (![1, 2].includes(c.process_version)) throw new Error("config: process_version: must be 1 or 2");
  return c;
}

class World {
  constructor(cfg, inputs) {
    this.cfg = cfg;
    this.inputs = inputs;
    this.build();
  }
  build() {
    const c = this.cfg;
    const rng = mulberry(c.seed);
    this.actorList = [
      { name: "waiter", kind: "waiter" }, { name: "house", kind: "house" }, { name: "dispatcher", kind: "dispatcher" },
      ...c.cooks.map((k) => ({ name: k.name, kind: "cook" })),
      { name: "assistant-manager", kind: "assistant-manager" }, { name: "cashier", kind: "cashier" },
      { name: "alarm-clock", kind: "alarm-clock" }, { name: "printer", kind: "printer" },
    ];
    const msgs = [], steps = [], orders = [];
    const pending = []; // { at, seq, to }
    let rr = 0;
    const publish = (at, type, corr, cause, publisher, to, extra = {}) => {
      const m = { seq: msgs.length, at_ms: at, type, kind: KIND[type], id: uuid(rng), correlation_id: corr,
        causation_id: cause, order: extra.order, publisher, summary: `${type} for order ${extra.order}`, to };
      msgs.push(m);
      if (to) pending.push({ at: at + (extra.delay || 0), seq: m.seq, to });
      return m.seq;
    };
    const placeAt = (at, dodgy, step) => {
      const n = orders.length + 1;
      const corr = uuid(rng);
      orders.push({ order: n, correlation_id: corr, table: 1 + (n % 12), dodgy,
        definition: dodgy ? "pay-first" : "pay-last", version: c.process_version, status: "in-progress",
        reason: null, placed_at_ms: at, finished_at_ms: null, cooks: [], step });
      return publish(at, "OrderPlaced", corr, null, "waiter", "house", { order: n });
    };
    // Waiter's own orders become steps of the waiter; manual inputs are appended at their step.
    const own = [];
    for (let i = 0; i < c.orders; i++) own.push({ at: i * c.interval_ms, dodgy: rng() < c.dodgy });
    let now = 0;
    const inputsLeft = [...this.inputs];
    for (let guard = 0; guard < 1e6; guard++) {
      while (inputsLeft.length && inputsLeft[0].step === steps.length) {
        const inp = inputsLeft.shift();
        if (inp.action.type === "PlaceOrder") placeAt(now, inp.action.dodgy, steps.length);
      }
      pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const nextOwn = own.length ? own[0].at : Infinity;
      const nextMsg = pending.length ? pending[0].at : Infinity;
      if (nextOwn === Infinity && nextMsg === Infinity) break;
      if (nextOwn <= nextMsg) {
        const o = own.shift();
        now = Math.max(now, o.at);
        const seq = placeAt(now, o.dodgy, steps.length);
        steps.push({ step: steps.length + 1, at_ms: now, actor: "waiter", actor_kind: "waiter", seq: null,
          type: "OrderPlaced", kind: "event", correlation_id: msgs[seq].correlation_id, duplicate: false,
          outputs: [{ type: "OrderPlaced", at_ms: now }], published: [seq], faults: [] });
        continue;
      }
      const d = pending.shift();
      now = Math.max(now, d.at);
      const m = msgs[d.seq];
      const o = orders[m.order - 1];
      const out = [];
      const pub = (type, to, delay) => out.push(publish(now, type, m.correlation_id, m.id, d.to, to, { order: m.order, delay }));
      const next = o.dodgy
        ? { OrderPlaced: "PriceOrder", OrderPriced: "TakePayment", OrderPaid: "CookFood", FoodCooked: "OrderCompleted" }
        : { OrderPlaced: "CookFood", FoodCooked: "PriceOrder", OrderPriced: "TakePayment", OrderPaid: "OrderCompleted" };
      const faults = [];
      if (d.to === "house") {
        const t = next[m.type];
        const to = { CookFood: "dispatcher", PriceOrder: "assistant-manager", TakePayment: "cashier", OrderCompleted: "printer" }[t];
        if (t) pub(t, to, 0);
        if (t === "OrderCompleted") { o.status = "completed"; o.finished_at_ms = now; }
      } else if (d.to === "dispatcher") {
        const cook = c.cooks[rr++ % c.cooks.length];
        if (rng() < c.drop) faults.push({ fault: "drop", seq: m.seq, actor: cook.name });
        else pending.push({ at: now, seq: m.seq, to: cook.name });
      } else if (c.cooks.some((k) => k.name === d.to)) {
        const cook = c.cooks.find((k) => k.name === d.to);
        o.cooks.push(cook.name);
        pub("FoodCooked", "house", cook.ms);
      } else if (d.to === "assistant-manager") pub("OrderPriced", "house", c.assistant_manager_ms);
      else if (d.to === "cashier") pub("OrderPaid", "house", c.cashier_ms);
      steps.push({ step: steps.length + 1, at_ms: now, actor: d.to, actor_kind: this.kindOf(d.to), seq: m.seq,
        type: m.type, kind: m.kind, correlation_id: m.correlation_id, duplicate: false,
        outputs: out.map((s) => ({ type: msgs[s].type, at_ms: msgs[s].at_ms })), published: out, faults });
    }
    this.msgs = msgs;
    this.steps = steps;
    this.orderList = orders;
  }
  kindOf(name) {
    return this.actorList.find((a) => a.name === name)?.kind ?? "cook";
  }
}

export class Simulation {
  constructor(cfg = {}) {
    this._cfg = validate(cfg ?? {});
    this._inputs = [];
    this._world = new World(this._cfg, this._inputs);
    this._frontier = 0;
    this._cursor = 0;
  }
  static defaultConfig() { return structuredClone(DEFAULTS); }
  static presets() {
    return [
      { name: "reference", description: "The workshop's reference run: three cooks, ten orders at once.", config: {} },
      { name: "chaos", description: "10 % drop and 10 % duplicate.", config: { drop: 0.1, duplicate: 0.1 } },
      { name: "dodgy", description: "Half the customers pay first.", config: { dodgy: 0.5 } },
      { name: "rush", description: "200 orders, one every 50 ms.", config: { orders: 200, interval_ms: 50 } },
    ];
  }
  static lastPanic() { return globalThis.__mockPanic ?? null; }
  static importRun(text) {
    let f;
    try { f = JSON.parse(text); } catch (e) { throw new Error(`run file: not JSON: ${e.message}`); }
    if (f?.format !== "brigade-run") throw new Error("run file: format: expected \"brigade-run\"");
    const s = new Simulation(f.config);
    s._inputs = f.inputs ?? [];
    s._world = new World(s._cfg, s._inputs);
    s.runToIdle();
    const ids = s._world.msgs.map((m) => m.id);
    if (!Array.isArray(f.history) || f.history.length !== ids.length || f.history.some((h, i) => h.id !== ids[i])) {
      throw new Error("run file: history does not match the re-simulation");
    }
    s.seek(0);
    return s;
  }
  _panicCheck() { if (globalThis.__mockPanic) throw new WebAssembly.RuntimeError("unreachable"); }
  currentStep() { return this._cursor; }
  totalSteps() { return this._frontier; }
  frontierIdle() { return this._frontier >= this._world.steps.length; }
  extend(n) {
    this._panicCheck();
    // pretend each step costs a little, like the real engine
    this._frontier = Math.min(this._world.steps.length, this._frontier + n);
    return this.frontierIdle();
  }
  step() {
    this._panicCheck();
    if (this._cursor >= this._world.steps.length) return undefined;
    this._cursor++;
    this._frontier = Math.max(this._frontier, this._cursor);
    return this.lastStep();
  }
  stepBack() { if (this._cursor === 0) return false; this._cursor--; return true; }
  seek(n) {
    this._panicCheck();
    if (!Number.isInteger(n) || n < 0 || n > this._frontier) throw new Error(`seek: step ${n} is outside 0..=${this._frontier}`);
    this._cursor = n;
  }
  runToIdle() { this._frontier = this._world.steps.length; this._cursor = this._frontier; return this._cursor; }
  nowMs() { return this._cursor ? this._world.steps[this._cursor - 1].at_ms : 0; }
  _count() {
    if (this._cursor === 0) return 0;
    let n = 0;
    for (let i = 0; i < this._cursor; i++) for (const s of this._world.steps[i].published) n = Math.max(n, s + 1);
    return n;
  }
  messageCount() { return this._count(); }
  _view(m) { const { to, ...v } = m; return v; }
  messages(from, to) { return this._world.msgs.slice(from, Math.min(to, this._count())).map((m) => this._view(m)); }
  message(seq) { const m = this._world.msgs[seq]; return m && seq < this._count() ? { ...this._view(m), payload: { table: 3 } } : undefined; }
  lastStep() { return this._cursor ? structuredClone(this._world.steps[this._cursor - 1]) : undefined; }
  steps(from, to) { return this._world.steps.slice(Math.max(0, from - 1), Math.min(to - 1, this._cursor)).map((s) => structuredClone(s)); }
  _truncate() {
    this._inputs = this._inputs.filter((i) => i.step <= this._cursor);
  }
  placeOrder({ dodgy } = {}) {
    this._truncate();
    this._inputs.push({ step: this._cursor, action: { type: "PlaceOrder", dodgy: !!dodgy } });
    this._world = new World(this._cfg, this._inputs);
    this._frontier = this._cursor;
    return this._world.orderList.at(-1).correlation_id;
  }
  setProcessVersion(v) {
    if (![1, 2].includes(v)) throw new Error("process version: must be 1 or 2");
    this._truncate();
    this._inputs.push({ step: this._cursor, action: { type: "SetProcessVersion", version: v } });
    this._frontier = this._cursor;
  }
  inputs() { return structuredClone(this._inputs); }
  actors() {
    const count = this._count();
    const delivered = new Set();
    const handled = {};
    for (let i = 0; i < this._cursor; i++) {
      const s = this._world.steps[i];
      if (s.seq !== null) delivered.add(`${s.seq}:${s.actor}`);
      handled[s.actor] = (handled[s.actor] ?? 0) + 1;
    }
    const queue = {};
    for (let i = 0; i < count; i++) {
      const m = this._world.msgs[i];
      if (m.to && !delivered.has(`${i}:${m.to}`)) queue[m.to] = (queue[m.to] ?? 0) + 1;
    }
    const last = this.lastStep();
    return this._world.actorList.map((a) => ({ ...a, queue: queue[a.name] ?? 0, busy: last?.actor === a.name,
      busy_until: 0, handled: handled[a.name] ?? 0, ...(a.kind === "house" ? { live: 2 } : {}), ...(a.kind === "alarm-clock" ? { pending: 0 } : {}) }));
  }
  orders() {
    const count = this._count();
    return this._world.orderList.filter((o) => this._world.msgs.some((m, i) => i < count && m.order === o.order)).map((o) => {
      const done = this._world.msgs.some((m, i) => i < count && m.order === o.order && m.type === "OrderCompleted");
      const { step, ...v } = o;
      return { ...v, status: done ? "completed" : "in-progress", finished_at_ms: done ? o.finished_at_ms : null };
    });
  }
  orderStream(corr) { return this.messages(0, Infinity).filter((m) => m.correlation_id === corr); }
  replay(corr, definition, version) {
    const o = this._world.orderList.find((x) => x.correlation_id === corr);
    if (!o) throw new Error(`replay: no order ${corr}`);
    definition ??= o.definition; version ??= o.version;
    const stream = this.orderStream(corr);
    const state = { definition, version, cooked: false, priced: false, paid: false };
    return { correlation_id: corr, definition, version, original: { definition: o.definition, version: o.version },
      steps: stream.filter((m) => m.publisher !== "house").map((m) => {
        if (m.type === "FoodCooked") state.cooked = true;
        if (m.type === "OrderPriced") state.priced = true;
        if (m.type === "OrderPaid") state.paid = true;
        const children = stream.filter((x) => x.causation_id === m.id && x.publisher === "house");
        const differs = definition !== o.definition && m.type !== "OrderPlaced";
        return { seq: m.seq, at_ms: m.at_ms, type: m.type, id: m.id, state: { ...state },
          decided: children.map((x) => ({ type: x.type, kind: x.kind, id: differs ? "00000000-0000-0000-0000-000000000000" : x.id, summary: x.summary })),
          notes: [], same_as_history: !differs };
      }) };
  }
  report() {
    const orders = this.orders();
    const per = {};
    for (const o of orders) for (const k of o.cooks) per[k] = (per[k] ?? 0) + 1;
    return { orders: orders.length, completed: orders.filter((o) => o.status === "completed").length, dropped: 0,
      dropped_by_reason: {}, retries: 0, duplicates_noticed: 0, per_cook: per,
      latency_ms: { min: 100, median: 900, p95: 1500, max: 2000 } };
  }
  queueSamples() {
    const interval = this._cfg.sample_ms;
    const names = this._world.actorList.map((a) => a.name);
    const end = this.nowMs();
    const rows = [];
    for (let t = 0; t <= end; t += interval) rows.push(names.map((n, i) => Math.max(0, Math.round(3 * Math.sin(t / 400 + i)))));
    return { interval_ms: interval, actors: names, rows };
  }
  exportRun() {
    const w = new World(this._cfg, this._inputs);
    return JSON.stringify({ format: "brigade-run", version: 1, config: this._cfg, inputs: this._inputs,
      history: w.msgs.map((m) => this._view(m)), report: this.report() });
  }
  free() {}
}
