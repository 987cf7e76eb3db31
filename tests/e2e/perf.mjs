// Responsiveness figures for the page (not a test: it prints numbers).
//
//   node tests/e2e/perf.mjs
//
// 1. Play 1,000 orders at full speed: requestAnimationFrame deltas (max, p95).
// 2. A run of 100,000+ messages: seek to random steps, time each seek + render (max, median).
// 3. Scroll the message log of that run: frame deltas while scrolling (max, p95), and the
//    time to filter it by one message type.
// 4. 100,000 orders (about 1.5 million steps): each timeline jump, single step forward and
//    back, and "next fault / timeout / retry / completion" from random steps, each timed with
//    its render (the scripts: the engine's move and the views' updates); the longest
//    main-thread task seen meanwhile (PerformanceObserver longtask), and the longest frame
//    (long-animation-frame: a frame's scripts plus the browser's style, layout and paint).
//
//   node tests/e2e/perf.mjs big     only section 4
//   node tests/e2e/perf.mjs big DIR the same on the site in DIR (a build as it was: the "before")
// 5. A first visit (a fresh browser context, nothing cached), 5 times: the time from
//    navigation to an interactive page (the first run rendered: body[data-ready]), and the
//    bytes transferred and requests made by then.
//
//   node tests/e2e/perf.mjs first   only section 5
//   node tests/e2e/perf.mjs first DIR [N]
//                                   the same, N visits (5) to www/ and to the site in DIR (a
//                                   copy of www/ as it was: the "before"), taken in turns so
//                                   both see the machine's load alike

import { serve, launch, openPage, waitReady, settle } from "./helpers.mjs";

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const fmt = (o) => Object.entries(o).map(([k, v]) => `${k} ${typeof v === "number" && k !== "n" ? v.toFixed(1) : v}`).join(", ");

const server = await serve(process.argv[2] === "big" && process.argv[3] ? { dir: process.argv[3] } : {});
const browser = await launch();
try {
  const page = await openPage(browser, server.url);
  const only = process.argv[2] ?? "";
  if (only === "first" && process.argv[3]) {
    const other = await serve({ dir: process.argv[3] });
    try {
      await firstVisits(browser, { "www/": server.url, [process.argv[3]]: other.url }, Number(process.argv[4] ?? 5));
    } finally {
      await other.close();
    }
  } else if (only === "first") {
    await firstVisits(browser, { "www/": server.url });
  } else {
    if (only !== "big") await smallRuns(page);
    await bigRun(page);
  }
  if (page.problems.length) console.log("console problems:", page.problems);
} finally {
  await browser.close();
  await server.close();
}

async function smallRuns(page) {

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
}

async function firstVisits(browser, sites, visits = 5) {
  const seen = Object.fromEntries(Object.keys(sites).map((name) => [name, { times: [], bytes: [], requests: [] }]));
  for (let i = 0; i < visits; i++) {
    for (const [name, url] of Object.entries(sites)) {
      const { ms, bytes, requests } = await firstVisit(browser, url);
      seen[name].times.push(ms);
      seen[name].bytes.push(bytes);
      seen[name].requests.push(requests);
    }
  }
  for (const [name, { times, bytes, requests }] of Object.entries(seen)) {
    console.log(`${name}: first visit to interactive, ms: ${fmt(stats(times))}`);
    console.log(`  transferred by then: ${(Math.max(...bytes) / 1024).toFixed(0)} KiB in ${Math.max(...requests)} requests`);
  }
}

/** One visit in a fresh browser context, nothing cached: { ms, bytes, requests }. */
async function firstVisit(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    let bytes = 0, requests = 0;
    cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; requests++; });
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 60000 });
    // the page marks the moment its first run is rendered (main.js)
    const ms = await page.evaluate(() => performance.getEntriesByName("brigade-ready")[0]?.startTime ?? performance.now());
    return { ms, bytes, requests };
  } finally {
    await context.close();
  }
}

async function bigRun(page) {
  const t0 = Date.now();
  await page.evaluate(() => window.brigade.newRun({ orders: 100000, drop: 0.005, duplicate: 0.005 }));
  await page.waitForFunction(() => !window.brigade.growing, null, { timeout: 900000, polling: 1000 });
  await settle(page);
  const computed = Date.now() - t0;
  const big = await page.evaluate(async () => {
    const app = window.brigade;
    const sim = app.sim;
    const total = sim.totalSteps();
    const longest = { ms: 0 };
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longest.ms = Math.max(longest.ms, e.duration);
    });
    observer.observe({ entryTypes: ["longtask"] });
    // a frame's whole work, its scripts and then its style, layout and paint (Chromium's
    // long animation frames: only those over 50 ms are reported)
    const longestFrame = { ms: 0 };
    // each long frame with the action it came in (a frame after an action belongs to it)
    const longFrames = [];
    const frames = typeof PerformanceObserver.supportedEntryTypes?.includes === "function" &&
      PerformanceObserver.supportedEntryTypes.includes("long-animation-frame")
      ? new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          longestFrame.ms = Math.max(longestFrame.ms, e.duration);
          longFrames.push({ ms: e.duration, at: e.startTime });
        }
      })
      : null;
    const actions = []; // [start, label]
    frames?.observe({ type: "long-animation-frame" });
    let seed = 4242;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const idle = () => new Promise((r) => setTimeout(r, 30));
    // where each action's time goes: the engine's move, building the frame, each view
    const views = ["timeline", "floor", "log", "inspector", "exercise", "numbers", "messagePane", "mailbox", "kitchen", "branches", "tour"];
    const spent = {};
    const wrap = (owner, name, key) => {
      const original = owner[name];
      owner[name] = function (...args) {
        const start = performance.now();
        try { return original.apply(this, args); } finally { spent[key] = (spent[key] ?? 0) + performance.now() - start; }
      };
      return () => { owner[name] = original; };
    };
    const unwrap = [wrap(app, "makeFrame", "makeFrame"), ...views.filter((v) => app[v]).map((v) => wrap(app[v], "update", v))];
    const parts = {}; // action → part → [ms]
    const rerun = {}; // action → [steps re-run]
    const time = async (fn, action) => {
      for (const k of Object.keys(spent)) delete spent[k];
      const start = performance.now();
      actions.push([start, action]);
      const before = sim.stepsRerun();
      fn();
      const moved = performance.now();
      (rerun[action] ??= []).push(sim.stepsRerun() - before);
      app.render();
      // and what the render left to a microtask (the log's scrolling, and the layout it forces)
      const rendered = performance.now();
      await Promise.resolve();
      const ms = performance.now() - start;
      const got = (parts[action] ??= {});
      (got.engine ??= []).push(moved - start);
      for (const k of ["makeFrame", ...views]) (got[k] ??= []).push(spent[k] ?? 0);
      (got.microtasks ??= []).push(start + ms - rendered);
      // the views a big run redraws in tasks of their own after the step's frame (offscreen.js)
      const drawn = { ...spent };
      await idle();
      for (const k of ["inspector", "numbers"]) (got[`${k} after`] ??= []).push((spent[k] ?? 0) - (drawn[k] ?? 0));
      return ms;
    };
    const jumps = [], forward = [], back = [];
    for (let i = 0; i < 20; i++) jumps.push(await time(() => app.seek(Math.floor(random() * total)), "jump"));
    for (let i = 0; i < 20; i++) {
      app.seek(Math.floor(random() * total));
      app.render();
      await idle();
      forward.push(await time(() => app.stepForward(), "step forward"));
      forward.push(await time(() => app.stepForward(), "step forward"));
      back.push(await time(() => app.stepBack(), "step back"));
    }
    const next = {};
    for (const kind of ["fault", "timeout", "retry", "completion"]) {
      next[kind] = [];
      for (let i = 0; i < 5; i++) {
        app.seek(Math.floor(random() * total * 0.9));
        app.render();
        await idle();
        next[kind].push(await time(() => (kind === "fault" ? app.faultNext() : app.jumpNext(kind)), `next ${kind}`));
      }
    }
    unwrap.forEach((u) => u());
    await idle();
    observer.disconnect();
    frames?.disconnect();
    const actionAt = (t) => { let label = "before the first action"; for (const [start, a] of actions) if (start <= t + 1) label = a; return label; };
    const worstFrames = longFrames.sort((a, b) => b.ms - a.ms).slice(0, 3).map((f) => `${f.ms.toFixed(0)} ms (${actionAt(f.at)})`);
    return { worstFrames, longestFrame: frames ? longestFrame.ms : null, total, messages: sim.messageCount(), jumps, forward, back, next, parts, rerun, longest: longest.ms };
  });
  console.log(`100,000 orders: ${big.total} steps, ${big.messages} messages at the end, computed in ${(computed / 1000).toFixed(1)} s`);
  console.log(`  timeline jump + render, ms: ${fmt(stats(big.jumps))}`);
  console.log(`  single step forward + render, ms: ${fmt(stats(big.forward))}`);
  console.log(`  single step back + render, ms: ${fmt(stats(big.back))}`);
  for (const [kind, xs] of Object.entries(big.next)) console.log(`  next ${kind} + render, ms: ${fmt(stats(xs))}`);
  console.log("  part by part, median / max ms (the engine's move, then each view's update, then what the inspector and the numbers");
  console.log("  drew afterwards in tasks of their own; parts under 0.5 ms left out):");
  for (const [action, got] of Object.entries(big.parts)) {
    const shown = Object.entries(got).map(([k, xs]) => [k, stats(xs)]).filter(([k, s]) => k === "engine" || s.max >= 0.5);
    const r = stats(big.rerun[action]);
    console.log(`    ${action}: ` + shown.map(([k, s]) => `${k} ${s.median.toFixed(1)}/${s.max.toFixed(1)}`).join(", ") +
      `; steps re-run ${r.median}/${r.max}`);
  }
  console.log(`  longest main-thread task meanwhile: ${big.longest.toFixed(0)} ms`);
  if (big.longestFrame !== null) {
    console.log(`  longest animation frame meanwhile (its scripts, then style, layout and paint): ${big.longestFrame.toFixed(0)} ms`);
    console.log(`  the longest frames, with the action they came with: ${big.worstFrames.join(", ") || "none over 50 ms"}`);
  }
}
