// The address codec of the page (www/js/url-state.js), in Node: no browser needed.

import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { encodeState, decodeState, configDiff } from "../../www/js/url-state.js";
import { adoptEngine } from "../../www/js/engine.js";
import { www as wwwDir, packageBuilt } from "./helpers.mjs";

// the address's JSON is read by the engine's strict reader, as the run file and --config are
before(async () => {
  if (!packageBuilt()) return;
  const mod = await import(path.join(wwwDir, "pkg/brigade.js"));
  await mod.default({ module_or_path: readFileSync(path.join(wwwDir, "pkg/brigade_bg.wasm")) });
  adoptEngine(mod);
});
const needsEngine = packageBuilt() ? false : "www/pkg is not built (bash scripts/build-wasm.sh)";

const b64 = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

test("a state survives encoding and decoding", { skip: needsEngine }, () => {
  const state = {
    config: { seed: 7, cooks: [{ name: "Zoë <b>", ms: 300 }], drop: 0.1 },
    inputs: [
      { step: 3, action: { type: "PlaceOrder", dodgy: true } },
      { step: 9, action: { type: "SetProcessVersion", version: 1 } },
      { step: 9, action: { type: "PlaceOrder", dodgy: false } },
    ],
    step: 42,
    order: 3,
    tab: "tree",
  };
  const hash = `#${encodeState(state)}`;
  assert.match(hash, /^#run=[A-Za-z0-9_-]+$/, "base64url, no padding");
  assert.deepEqual(decodeState(hash), state);
});

test("flat inputs (an older facade shape) encode the same", () => {
  const nested = encodeState({ inputs: [{ step: 2, action: { type: "PlaceOrder", dodgy: true } }] });
  const flat = encodeState({ inputs: [{ step: 2, type: "PlaceOrder", dodgy: true }] });
  assert.equal(flat, nested);
});

test("no state in the address is not an error", () => {
  assert.equal(decodeState(""), null);
  assert.equal(decodeState("#"), null);
  assert.equal(decodeState("#other=1"), null);
});

test("defaults fill what the address leaves out", { skip: needsEngine }, () => {
  assert.deepEqual(decodeState(`#run=${b64({ v: 1 })}`), { config: {}, inputs: [], step: 0, order: null, tab: "pm" });
});

test("bad states are refused with a readable message", { skip: needsEngine }, () => {
  const cases = [
    ["#run=%%%", /not readable/],
    [`#run=${b64("not json")}`, /not readable/],
    [`#run=${b64([1, 2])}`, /not an object/],
    [`#run=${b64({ v: 2 })}`, /format 2/],
    [`#run=${b64({ v: 1, c: [] })}`, /config .* not an object/],
    [`#run=${b64({ v: 1, s: -1 })}`, /step .* not a whole number/],
    [`#run=${b64({ v: 1, s: 1.5 })}`, /step .* not a whole number/],
    [`#run=${b64({ v: 1, i: [[1, "x"]] })}`, /unknown action/],
    [`#run=${b64({ v: 1, i: [[1]] })}`, /malformed/],
    [`#run=${b64({ v: 1, i: [[5, "o"], [2, "o"]] })}`, /not in step order/],
    [`#run=${b64({ v: 1, o: 0 })}`, /selected order/],
  ];
  for (const [hash, message] of cases) {
    assert.throws(() => decodeState(hash), message, hash);
  }
});

test("configDiff keeps only what differs from the defaults", () => {
  const defaults = { seed: 42, orders: 10, cooks: [{ name: "Koen", ms: 350 }] };
  assert.deepEqual(configDiff({ seed: 42, orders: 12, cooks: [{ name: "Koen", ms: 350 }] }, defaults), { orders: 12 });
  assert.deepEqual(configDiff({ cooks: [{ name: "Koen", ms: 300 }] }, defaults), { cooks: [{ name: "Koen", ms: 300 }] });
  // the same cooks written with their keys in another order are not a difference
  assert.deepEqual(configDiff({ cooks: [{ ms: 350, name: "Koen" }] }, defaults), {});
});

test("a #config= link opens that config at step 0", { skip: needsEngine }, () => {
  const config = { seed: 9, orders: 3, cooks: [{ name: "Ana & Bo", ms: 250 }], drop: 0.1 };
  const state = decodeState(`#config=${encodeURIComponent(JSON.stringify(config))}`);
  assert.deepEqual(state, { config, inputs: [], step: 0, order: null, tab: "pm" });
  assert.throws(() => decodeState("#config=%7Bnot"), /not JSON/);
  assert.throws(() => decodeState(`#config=${encodeURIComponent("[1]")}`), /not an object/);
});

test("a link's JSON is read as --config reads it: a repeated key refused at any depth, a byte-order mark skipped", { skip: needsEngine }, () => {
  const link = (text) => `#config=${encodeURIComponent(text)}`;
  // JSON.parse would keep the last "seed"; --config says: not JSON: duplicate key "seed"
  assert.throws(() => decodeState(link('{"seed": 1, "orders": 2, "seed": 3}')), /the config in the link is not JSON: duplicate key "seed"/);
  assert.throws(() => decodeState(link('{"cooks": [{"name": "A", "ms": 10, "ms": 20}]}')), /duplicate key "ms"/);
  // JSON.parse refuses a leading byte-order mark; --config and --check skip it
  assert.deepEqual(decodeState(link('\ufeff{"orders": 2}')).config, { orders: 2 });
  // the page's own #run= form too: a hand-edited one naming a key twice is refused
  const run = Buffer.from('{"v": 1, "c": {"orders": 2, "orders": 3}}').toString("base64url");
  assert.throws(() => decodeState(`#run=${run}`), /not readable .*duplicate key "orders"/);
});

// ---- the address end to end, in the page: size limits and crashes (issue 12) ------------

import { browserSuite, openPage, waitReady, settle, text, number } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;
const link = (state) => `${ctx.server.url}#run=${b64({ v: 1, ...state })}`;
const idle = (p) => p.waitForFunction(() => !window.brigade.growing && !window.brigade.restoring);

/** The number of orders of the run the page shows (its config). */
const configOrders = (p) => p.evaluate(() => window.brigade.sim.config().orders);

/** openPage without waiting for the run to finish computing. */
async function openBusy(url) {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (msg) => { if (msg.type() === "error") page.problems.push(`console: ${msg.text()}`); });
  page.on("pageerror", (error) => page.problems.push(`pageerror: ${error.message}`));
  await page.goto(url);
  await waitReady(page, { idle: false });
  return page;
}

test("in the page, a #config= link naming a key twice gets --config's error; one with a byte-order mark opens", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#config=${encodeURIComponent('{"orders": 3, "cooks": [{"name": "Ana", "ms": 100, "ms": 200}]}')}`));
  // brigade --config on the same text: `not JSON: duplicate key "ms"`
  assert.match(await text(p, "error"), /link could not be used: the config in the link is not JSON: duplicate key "ms"/);
  assert.equal(await configOrders(p), 10, "the default run is shown instead");
  p.problems.length = 0;
  await p.goto(`${ctx.server.url}#config=%EF%BB%BF${encodeURIComponent('{"orders": 3}')}`);
  await p.reload();
  await waitReady(p);
  assert.equal(await p.getByTestId("error").isVisible(), false, await text(p, "error"));
  assert.equal(await configOrders(p), 3, "the byte-order mark is skipped, as --config and --check skip it");
});

test("a selected order past 2^21 in the address still opens the run", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, link({ c: { orders: 3 }, s: 5, o: 3000000 })));
  assert.equal(await number(p, "current-step"), 5);
  assert.ok((await number(p, "total-steps")) > 5, "the run is computed, not left at 0/0");
  assert.equal(await p.getByTestId("error").isVisible(), false, await text(p, "error"));
  assert.equal(await configOrders(p), 3);
});

test("a link too big for the page's engine is refused naming the limit, and the default run shown", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, link({ c: { orders: 1000000 } })));
  const message = await text(p, "error");
  assert.match(message, /link could not be used.*orders.*at most \d+ orders/, message);
  assert.match(message, /MiB/);
  assert.ok((await number(p, "total-steps")) > 0, "the default run is shown");
  assert.equal(await configOrders(p), 10);
});

test("a link that crashed the engine offers the default run on reload", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, link({ c: { orders: 4 }, s: 3 })));
  assert.equal(await configOrders(p), 4);
  // the engine traps (as a panic or running out of memory does) on the next step
  await p.evaluate(() => {
    window.brigade.sim.step = () => { throw new WebAssembly.RuntimeError("unreachable"); };
  });
  await p.getByTestId("step-forward").click();
  await settle(p);
  const fatal = await text(p, "error");
  assert.match(fatal, /engine crashed with \d+ MiB of WebAssembly memory in use: unreachable/, fatal);
  assert.match(fatal, /offer the default run/);

  await p.reload();
  await waitReady(p);
  const message = await text(p, "error");
  assert.match(message, /This link crashed the simulation engine.*unreachable.*Showing the default run instead/, message);
  assert.equal(await configOrders(p), 10);
  assert.ok((await number(p, "total-steps")) > 0);
  // the default run works
  await p.getByTestId("step-forward").click();
  await settle(p);
  assert.equal(await number(p, "current-step"), 1);
});

test("a link whose loading never finished (the tab died) offers the default run on reload", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, link({ c: { orders: 5 } })));
  assert.equal(await configOrders(p), 5);
  // a tab that dies while loading runs no unload handler: write the mark back after ours
  await p.evaluate(() => {
    const key = location.hash;
    window.addEventListener("pagehide", () => sessionStorage.setItem("brigade-loading", key));
  });
  await p.reload();
  await waitReady(p);
  assert.match(await text(p, "error"), /This link crashed .*stopped while loading it.*default run/);
  assert.equal(await configOrders(p), 10);
  // a normal reload of a run that loaded is not a crash
  await idle(p);
  await p.reload();
  await waitReady(p);
  assert.equal(await p.getByTestId("error").isVisible(), false, await text(p, "error"));
});

test("a long run computes in the background with its progress shown, and can be stopped", { skip }, async () => {
  const p = (ctx.page = await openBusy(link({ c: { orders: 100000, interval_ms: 120 } })));
  await p.waitForFunction(() => window.brigade.growing);
  const progress = p.getByTestId("progress");
  await progress.waitFor({ state: "visible" });
  assert.match(await progress.textContent(), /computing the run… [\d,  ]+ steps so far/);
  // the page answers while it computes
  await p.getByTestId("step-forward").click();
  await p.waitForFunction(() => document.querySelector("[data-testid=current-step]")?.textContent.trim() === "1");
  assert.equal(await p.evaluate(() => window.brigade.growing), true, "still computing");
  await p.getByTestId("cancel-run").click();
  await p.waitForFunction(() => !window.brigade.growing);
  await settle(p);
  assert.equal(await progress.isVisible(), false);
  const total = await number(p, "total-steps");
  await p.waitForTimeout(300);
  assert.equal(await number(p, "total-steps"), total, "computing stopped");
  assert.equal(await p.evaluate(() => window.brigade.sim.frontierIdle()), false, "the run was not finished");
  assert.equal(await number(p, "current-step"), 1, "what was computed stays");
});

test("a run that replaces one still computing gets computed too (the fallback run was left at 0/0)", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  // what a link that fails after its run was adopted does: adopt it, then the default run
  await p.evaluate(() => {
    const app = window.brigade;
    app.adopt(new app.Simulation({ orders: 3 }), { orders: 3 });
    app.adopt(new app.Simulation({}), {});
  });
  await idle(p);
  await settle(p);
  assert.equal(await p.evaluate(() => window.brigade.sim.frontierIdle()), true, "the run was computed to its end");
  assert.ok((await number(p, "total-steps")) > 100, "not 0/0");
  assert.equal(await configOrders(p), 10);
});

test("a run file that crashed the engine is not blamed on the run in the address", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, link({ c: { orders: 4 } })));
  // importing traps (as running out of memory does)
  await p.evaluate(() => {
    window.brigade.Simulation.importRun = () => { throw new WebAssembly.RuntimeError("unreachable"); };
  });
  await p.getByTestId("import").setInputFiles({ name: "run.json", mimeType: "application/json", buffer: Buffer.from("{}") });
  await p.waitForFunction(() => document.body.classList.contains("engine-dead"));
  assert.match(await text(p, "error"), /engine crashed/);
  // reloading does not import the file again, and the run in the address still opens
  await p.reload();
  await waitReady(p);
  assert.equal(await p.getByTestId("error").isVisible(), false, await text(p, "error"));
  assert.equal(await configOrders(p), 4);
});

test("a message's fate and the kitchen's events survive the address", { skip: needsEngine }, () => {
  const inputs = [
    { step: 12, action: { type: "DropMessage", seq: 17, actor: "Koen", copy: 0 } },
    { step: 12, action: { type: "DuplicateMessage", output: 40, actor: "cashier" } },
    { step: 13, action: { type: "DelayMessage", seq: 20, actor: "Guido", copy: 1, ms: 2501 } },
    { step: 14, action: { type: "CookLeaves", cook: "Koen" } },
    { step: 15, action: { type: "CookReturns", cook: "Koen" } },
    { step: 15, action: { type: "HireCook", name: "Zoë", ms: 250 } },
    { step: 16, action: { type: "SetCookTime", cook: "Zoë", ms: 120 } },
  ];
  const state = { config: {}, inputs, step: 16, order: null, tab: "pm" };
  assert.deepEqual(decodeState(`#${encodeState(state)}`), state);
  assert.throws(() => decodeState(`#run=${b64({ v: 1, i: [[1, { type: "Explode" }]] })}`), /unknown action: "Explode"/);
  assert.throws(() => decodeState(`#run=${b64({ v: 1, i: [[1, [1]]] })}`), /unknown action/);
});

// Issue 26, point 4: a link's orders placed by hand count against the page's memory budget.
// A 1.17 MB link (a config at the budget's edge plus 110,000 placed orders) used to run the
// page out of memory after a minute; it is refused before anything runs, saying what fits.
test("a link at the memory budget's edge plus 110,000 placed orders is refused up front, saying what fits", { skip }, async () => {
  const config = { max_retries: 10, drop: 0.3, duplicate: 0.3, dodgy: 0.5, cook_timeout_ms: 1 };
  let p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  const most = await p.evaluate((cfg) => {
    try {
      window.brigade.Simulation.checkMemory({ ...cfg, orders: 1000000 });
    } catch (error) {
      return Number(/at most (\d+) orders/.exec(error.message)?.[1]);
    }
    return null;
  }, config);
  assert.ok(Number.isSafeInteger(most) && most > 100, `checkMemory says what fits: ${most}`);
  await ctx.page.context().close();
  ctx.page = null;

  const inputs = Array.from({ length: 110000 }, () => [0, "o"]);
  const url = link({ c: { ...config, orders: most }, i: inputs });
  assert.ok(url.length > 1_000_000, `a link of ${url.length} characters`);
  const started = Date.now();
  p = ctx.page = await openPage(ctx.browser, url);
  const message = await text(p, "error");
  assert.match(message, /link could not be used: config: .*110000 placed by hand/, message);
  assert.match(message, new RegExp(`at most ${most} orders`), message);
  assert.ok(Date.now() - started < 20000, `refused in ${Date.now() - started} ms, before running anything`);
  assert.equal(await configOrders(p), 10, "the default run is shown");
  const memory = await p.evaluate(() => window.brigade.Simulation.memoryBytes());
  assert.ok(memory < 256 * 1048576, `the engine holds ${Math.round(memory / 1048576)} MiB`);
});
