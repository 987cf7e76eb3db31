// The page follows a live kitchen as it runs (issue 24): this test starts nats-server with
// JetStream and its WebSocket listener on free loopback ports, a live kitchen (the native
// brigade built with `--features live`, as scripts/test.sh's native stage builds it) with a
// few orders, and opens the page at ?live=ws://127.0.0.1:PORT. New orders and messages
// appear as they come; the time control travels over what has arrived; the controls that do
// not apply to a record say so. Everything it started is stopped, passed or failed.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, existsSync, readFileSync } from "node:fs";
import { createServer, Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { browserSuite, serve, settle, screenshot, root, number } from "./helpers.mjs";

const ctx = browserSuite();
const started = [];
let dir = null;
let site = null;

function nats() {
  for (const d of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin"]) {
    const file = path.join(d, "nats-server");
    if (d && existsSync(file)) return file;
  }
  throw new Error("nats-server is not installed: `bash scripts/setup.sh` installs it (apt-get install -y nats-server)");
}

/** The native brigade with the live kitchen: BRIGADE_BIN, else target/debug (the test stage builds it). */
function brigade() {
  const bin = process.env.BRIGADE_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, "target"), "debug", "brigade");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build it with cargo build --features live`);
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function start(file, args, name) {
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.log = "";
  child.stdout.on("data", (d) => { child.log += d; });
  child.stderr.on("data", (d) => { child.log += d; });
  child.label = name;
  started.push(child);
  return child;
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** Stop what this file started (by its own process handles), then check that nothing is left. */
after(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  await Promise.race([Promise.all(started.map(exited)), new Promise((r) => setTimeout(r, 5000))]);
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(started.map(exited));
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  const left = started.filter((c) => { try { process.kill(c.pid, 0); return true; } catch { return false; } });
  assert.deepEqual(left.map((c) => c.label), [], "every process this test started is stopped");
});

async function waitForPort(port, child) {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise((resolve) => {
      const s = new Socket();
      s.once("error", () => resolve(false));
      s.connect(port, "127.0.0.1", () => { s.destroy(); resolve(true); });
    });
    if (open) return;
    if (child.exitCode !== null) throw new Error(`nats-server exited: ${child.log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}: ${child.log}`);
}

/**
 * The page as scripts/live.sh serves it: its policy allows connections to its own site only,
 * and the live page adds the one WebSocket address of the kitchen's server.
 */
function liveSite(wsUrl) {
  return serve({
    transform: (file, body) => (path.basename(file) === "index.html"
      ? body.toString("utf8").replace("connect-src 'self'", `connect-src 'self' ${wsUrl}`)
      : body),
  });
}

test("the page follows a live kitchen over the NATS WebSocket listener, message by message", { skip: ctx.skip, timeout: 120000 }, async () => {
  const server = nats();
  const bin = brigade();
  dir = mkdtempSync(path.join(os.tmpdir(), "brigade-live-page-"));
  const [port, wsPort] = [await freePort(), await freePort()];
  writeFileSync(path.join(dir, "nats.conf"),
    `listen: "127.0.0.1:${port}"\njetstream { store_dir: "${path.join(dir, "store")}" }\nwebsocket { listen: "127.0.0.1:${wsPort}", no_tls: true }\n`);
  const broker = start(server, ["-c", path.join(dir, "nats.conf")], "nats-server");
  await waitForPort(port, broker);
  await waitForPort(wsPort, broker);

  // the page first: it waits for the kitchen's stream, then reads it from its start
  const wsUrl = `ws://127.0.0.1:${wsPort}`;
  const config = { orders: 4, interval_ms: 400 };
  site = await liveSite(wsUrl);
  const p = await openLive(ctx.browser, `${site.url}?live=${encodeURIComponent(wsUrl)}&config=${encodeURIComponent(JSON.stringify(config))}`);
  ctx.page = p;
  await p.getByTestId("observed-banner").waitFor();
  assert.match(await p.getByTestId("live-status").textContent(), /Following the live kitchen at ws:\/\/127\.0\.0\.1/);

  const record = path.join(dir, "run.json");
  const kitchen = start(bin, ["live", "--nats", `nats://127.0.0.1:${port}`, "--orders", "4", "--interval-ms", "400", "--speed", "2",
    "--dodgy", "0.5", "--record", record], "kitchen");
  // orders and messages appear as they come, before the kitchen is done
  await p.waitForFunction(() => document.querySelectorAll("[data-testid=order-row]").length >= 1, null, { timeout: 30000 });
  const early = await number(p, "total-steps");
  assert.ok(kitchen.exitCode === null, "the first order shows while the kitchen still runs");
  await screenshot(p, "live-follow-running");
  const code = await exited(kitchen);
  assert.equal(code, 0, `the kitchen ended every order: ${kitchen.log}`);
  const file = JSON.parse(readFileSync(record, "utf8"));
  const messages = file.history.length;
  await p.waitForFunction((n) => Number(document.querySelector("[data-testid=total-steps]").textContent) === n, messages, { timeout: 30000 });
  assert.ok(early < messages, `the steps grew as messages arrived (${early} first, ${messages} in the end)`);
  await settle(p);

  // the time control followed the newest step; every order of the record is in the orders table
  assert.equal(await number(p, "current-step"), messages);
  assert.equal(await number(p, "message-count"), messages);
  const rows = await p.getByTestId("order-row").evaluateAll((r) => r.map((e) => e.dataset.correlationId).sort());
  const placed = file.history.filter((m) => m.type === "OrderPlaced").map((m) => m.correlation_id).sort();
  assert.deepEqual(rows, placed);
  // the log holds the recorded messages, with the ids the kitchen gave them
  const shown = await p.getByTestId("message-row").evaluateAll((r) => r.map((e) => e.dataset.id));
  const ids = new Set(file.history.map((m) => m.id));
  assert.ok(shown.length > 0 && shown.every((id) => ids.has(id)), "every logged row is a recorded message");

  // time travel over what arrived: back, then forward again
  await p.getByTestId("step-back").click();
  await settle(p);
  assert.equal(await number(p, "current-step"), messages - 1);
  await p.getByTestId("timeline").evaluate((input) => { input.value = "5"; input.dispatchEvent(new Event("input", { bubbles: true })); });
  await settle(p);
  assert.equal(await number(p, "current-step"), 5);
  assert.equal(await number(p, "message-count"), 5);

  // what does not apply to a record says so, and does nothing
  const place = p.getByTestId("place-order");
  assert.equal(await place.isDisabled(), true);
  assert.match(await place.getAttribute("title"), /Not in an observed run: the live kitchen placed its own orders/i);
  assert.match(await p.getByTestId("observed-why").textContent(), /cannot be re-simulated or branched/);
  await screenshot(p, "live-follow-done");

  // stopping the follow keeps what arrived, as a finished record
  await p.getByTestId("live-stop").click();
  await settle(p);
  assert.match(await p.getByTestId("observed-banner").textContent(), /Recorded from a live kitchen|Followed the live kitchen/);
  assert.equal(await number(p, "total-steps"), messages);
  assert.equal(await p.getByTestId("error").isHidden(), true, await p.getByTestId("error").textContent());
});

/** The page at `url`, recording console and page errors (as openPage does) without waiting for a run to finish. */
async function openLive(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (msg) => { if (msg.type() === "error") page.problems.push(`console: ${msg.text()}`); });
  page.on("pageerror", (error) => page.problems.push(`pageerror: ${error.message}`));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 30000 });
  return page;
}
