// temporary: per-view breakdown on a big run
import { serve, launch, openPage, settle } from "./helpers.mjs";
const orders = Number(process.argv[2] ?? 100000);
const server = await serve();
const browser = await launch();
try {
  const page = await openPage(browser, server.url);
  await page.evaluate((orders) => window.brigade.newRun({ orders, drop: 0.005, duplicate: 0.005 }), orders);
  await page.waitForFunction(() => !window.brigade.growing, null, { timeout: 900000, polling: 1000 });
  await settle(page);
  const out = await page.evaluate(async () => {
    const app = window.brigade;
    const views = ["timeline", "floor", "log", "inspector", "exercise", "numbers", "messagePane", "mailbox", "kitchen", "branches", "tour"];
    const acc = {};
    for (const v of [...views]) {
      views.push(v + ".layout");
      const orig = app[v].update.bind(app[v]);
      app[v].update = (f) => { const t = performance.now(); orig(f); const t2 = performance.now(); document.body.getBoundingClientRect(); void document.body.offsetHeight; acc[v] = (acc[v] ?? []); acc[v].push(t2 - t); (acc[v + ".layout"] ??= []).push(performance.now() - t2); };
    }
    for (const [v, ms] of [["numbers", ["renderReport", "drawChart", "renderChartTable", "renderLoad", "renderOrders", "refunds"]], ["floor", Object.getOwnPropertyNames(Object.getPrototypeOf(app.floor))], ["log", Object.getOwnPropertyNames(Object.getPrototypeOf(app.log))], ["inspector", Object.getOwnPropertyNames(Object.getPrototypeOf(app.inspector))]]) {
      for (const m of ms) { if (m === "constructor" || m === "update" || typeof app[v][m] !== "function") continue; const orig = app[v][m]; const name = v + "." + m; views.push(name); app[v][m] = function (...a) { const t = performance.now(); try { return orig.apply(this, a); } finally { (acc[name] ??= []).push(performance.now() - t); } }; }
    }
    const simProto = Object.getPrototypeOf(app.sim);
    const calls = {};
    for (const k of Object.getOwnPropertyNames(simProto)) {
      const d = Object.getOwnPropertyDescriptor(simProto, k);
      if (typeof d.value !== "function" || k === "constructor") continue;
      const orig = d.value;
      simProto[k] = function (...a) { const t = performance.now(); try { return orig.apply(this, a); } finally { const c = calls[k] ?? (calls[k] = { n: 0, ms: 0, max: 0 }); const dt = performance.now() - t; c.n++; c.ms += dt; c.max = Math.max(c.max, dt); } };
    }
    const total = app.sim.totalSteps();
    let seed = 4242;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const idle = () => new Promise((r) => setTimeout(r, 30));
    const results = {};
    const run = async (label, fn) => {
      for (const v of views) acc[v] = [];
      for (const k in calls) delete calls[k];
      const s = performance.now(); fn(); const mid = performance.now(); app.render(); const e = performance.now();
      const r = { action: +(mid - s).toFixed(1), render: +(e - mid).toFixed(1), views: Object.fromEntries(views.map((v) => [v, +((acc[v] ?? []).reduce((a, b) => a + b, 0)).toFixed(1)]).filter(([, x]) => x > 1)), calls: Object.fromEntries(Object.entries(calls).filter(([, c]) => c.ms > 1).map(([k, c]) => [k, `${c.n}x ${c.ms.toFixed(1)} max ${c.max.toFixed(1)}`])) };
      (results[label] ??= []).push(r);
      await idle();
    };
    for (let i = 0; i < 6; i++) await run("jump", () => app.seek(Math.floor(random() * total)));
    for (let i = 0; i < 3; i++) { app.seek(Math.floor(random() * total)); app.render(); await idle(); await run("fwd", () => app.stepForward()); await run("back", () => app.stepBack()); }
    for (const kind of ["fault", "timeout", "retry", "completion"]) for (let i = 0; i < 2; i++) { app.seek(Math.floor(random() * total * 0.9)); app.render(); await idle(); await run(kind, () => kind === "fault" ? app.faultNext() : app.jumpNext(kind)); }
    return results;
  });
  for (const [k, rs] of Object.entries(out)) for (const r of rs) console.log(k, JSON.stringify(r));
} finally { await browser.close(); await server.close(); }
