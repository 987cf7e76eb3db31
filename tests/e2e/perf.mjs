// Responsiveness figures for the page (not a test: it prints numbers).
//
//   node tests/e2e/perf.mjs
//
// 1. Play 1,000 orders at full speed: requestAnimationFrame deltas (max, p95).
// 2. A run of 100,000+ messages: seek to random steps, time each seek + render (max, median).
// 3. Scroll the message log of that run: frame deltas while scrolling (max, p95), and the
//    time to filter it by one message type.

import { serve, launch, openPage, waitReady, settle } from "./helpers.mjs";

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const fmt = (o) => Object.entries(o).map(([k, v]) => `${k} ${typeof v === "number" && k !== "n" ? v.toFixed(1) : v}`).join(", ");

const server = await serve();
const browser = await launch();
try {
  const page = await openPage(browser, server.url);

  // ---- 1. play 1,000 orders at full speed (and at 1,000 steps/s, a pace one can watch) -----
  const playAt = (speed, limitMs) => page.evaluate(({ speed, limitMs }) => new Promise((resolve) => {
    const app = window.brigade;
    app.seek(0);
    const deltas = [];
    let last = performance.now();
    const started = last;
    app.setSpeed(speed);
    app.play();
    const frame = (now) => {
      deltas.push(now - last);
      last = now;
      if (app.playing && now - started < limitMs) requestAnimationFrame(frame);
      else {
        app.pause();
        resolve({ deltas, steps: app.sim.currentStep(), total: app.sim.totalSteps(), ms: now - started });
      }
    };
    requestAnimationFrame(frame);
  }), { speed, limitMs });
  await page.evaluate(() => window.brigade.newRun({ orders: 1000, interval_ms: 50 }));
  await waitReady(page, { idle: false });
  for (const [speed, label] of [["max", "full speed"], ["1000", "1,000 steps/s"]]) {
    const play = await playAt(speed, 5000);
    console.log(`play 1,000 orders at ${label}: ${play.steps} of ${play.total} steps in ${(play.ms / 1000).toFixed(1)} s ` +
      `(${Math.round(play.steps / (play.ms / 1000))} steps/s); frame time ms: ${fmt(stats(play.deltas))}`);
  }

  // ---- 2. seek in a run of 100,000+ messages ------------------------------------------------
  const t0 = Date.now();
  await page.evaluate(() => window.brigade.newRun({ orders: 8000, interval_ms: 30, drop: 0.02, duplicate: 0.02 }));
  await waitReady(page);
  const computed = Date.now() - t0;
  const seek = await page.evaluate(async () => {
    const app = window.brigade;
    const total = app.sim.totalSteps();
    app.seek(total);
    app.render();
    const messages = app.sim.messageCount();
    const times = [];
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 60; i++) {
      const n = Math.floor(random() * total);
      const start = performance.now();
      app.seek(n);
      app.render();
      times.push(performance.now() - start);
      await new Promise((r) => requestAnimationFrame(r));
    }
    return { total, messages, times };
  });
  console.log(`big run: ${seek.total} steps, ${seek.messages} messages, computed in the background in ${(computed / 1000).toFixed(1)} s`);
  console.log(`seek to a random step + render, ms: ${fmt(stats(seek.times))}`);

  // ---- 3. scroll the log at that size -----------------------------------------------------
  const scroll = await page.evaluate(async () => {
    const app = window.brigade;
    app.seek(app.sim.totalSteps());
    app.render();
    document.querySelector("#log-follow").checked = false;
    const log = document.querySelector("#log");
    const deltas = [];
    let last = performance.now();
    for (let i = 0; i < 240; i++) {
      // a mix of wheel-sized moves and big jumps (dragging the scrollbar)
      log.scrollTop = i % 20 === 0 ? Math.random() * log.scrollHeight : log.scrollTop + 120;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      deltas.push(now - last);
      last = now;
    }
    const rows = document.querySelectorAll("[data-testid=message-row]").length;
    const start = performance.now();
    const select = document.querySelector("#filter-type");
    select.value = "CookFood";
    select.dispatchEvent(new Event("change"));
    while (!/CookFood|shown \(/.test(document.querySelector("#log-shown").textContent) || /searching/.test(document.querySelector("#log-shown").textContent)) {
      await new Promise((r) => requestAnimationFrame(r));
    }
    const filterMs = performance.now() - start;
    return { deltas, rows, filterMs, shown: document.querySelector("#log-shown").textContent };
  });
  console.log(`scroll the log (${seek.messages} messages, ${scroll.rows} rows in the DOM): frame time ms: ${fmt(stats(scroll.deltas))}`);
  console.log(`filter the log by type CookFood: ${scroll.filterMs.toFixed(0)} ms (${scroll.shown})`);
  if (page.problems.length) console.log("console problems:", page.problems);
} finally {
  await browser.close();
  await server.close();
}
