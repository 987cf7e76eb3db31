// Shared by the end-to-end tests and perf.mjs: the page's static server for www/ and a
// headless Debian Chromium driven by playwright-core.

import assert from "node:assert/strict";
import { before, after, afterEach } from "node:test";
import { readFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "../../scripts/static-server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const www = path.join(root, "www");
export const results = path.join(root, "test-results");

/**
 * Serve www/ (or the directory `dir`) on 127.0.0.1 with an ephemeral port, as
 * scripts/serve.sh does (scripts/static-server.mjs); resolves to { url, close }.
 * `onRequest(req)` is told of every request (method, url, headers) before it is answered;
 * `transform(file, body)` may change a file's bytes as served (a Buffer in, a Buffer or
 * string out).
 */
export async function serve({ onRequest = null, transform = null, dir = www } = {}) {
  const { url, close } = await serveStatic({ dir, onRequest, transform });
  return { url, close };
}

export function packageBuilt() {
  return existsSync(path.join(www, "pkg", "brigade.js"));
}

/**
 * Registers the hooks every browser test file needs: a server and a browser for the file,
 * and after each test the page is closed and must have logged no console or page error.
 * Returns `{ skip, server, browser, page }`; a test sets `ctx.page` to the page it opens.
 */
export function browserSuite() {
  const ctx = { skip: packageBuilt() ? false : "www/pkg is not built (bash scripts/build-wasm.sh)", server: null, browser: null, page: null };
  before(async () => {
    if (ctx.skip) return;
    ctx.server = await serve();
    ctx.browser = await launch();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });
  afterEach(async () => {
    if (ctx.page) {
      const problems = ctx.page.problems;
      await ctx.page.context().close();
      ctx.page = null;
      assert.deepEqual(problems, [], "no console errors or page errors");
    }
  });
  return ctx;
}

/** Set the timeline slider like a user dragging it. */
export async function slide(page, value) {
  await page.getByTestId("timeline").evaluate((input, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
  await settle(page);
  await settle(page);
}

export async function launch() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: process.env.BRIGADE_CHROMIUM ?? process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--disable-quic", "--no-first-run"],
  });
}

/**
 * A new page that records console errors and page errors in `page.problems`.
 * Options: viewport, colorScheme.
 */
export async function openPage(browser, url, { viewport = { width: 1280, height: 800 }, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") page.problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (error) => page.problems.push(`pageerror: ${error.message}`));
  await page.goto(url);
  await waitReady(page);
  return page;
}

/** Wait until the page has rendered a run and finished computing it. */
export async function waitReady(page, { idle = true } = {}) {
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 30000 });
  if (idle) {
    await page.waitForFunction(() => !window.brigade?.growing && !window.brigade?.restoring, null, { timeout: 60000 });
  }
  await settle(page);
}

/** Two animation frames: everything scheduled for rendering has rendered. */
export function settle(page) {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

export async function text(page, testid) {
  return (await page.getByTestId(testid).first().textContent()).trim();
}

export async function number(page, testid) {
  const t = await text(page, testid);
  if (!/^\d+$/.test(t)) throw new Error(`${testid} is not a whole number: ${JSON.stringify(t)}`);
  return Number(t);
}

/**
 * Wait until the run in the address (#run=<base64url JSON>) satisfies `expected`: an
 * object whose keys (v, c, i, s, o, t) must equal the decoded state's, compared as JSON.
 */
export async function waitForUrlState(page, expected) {
  await page.waitForFunction((want) => {
    const raw = new URLSearchParams(location.hash.slice(1)).get("run");
    if (!raw) return false;
    const state = JSON.parse(atob(raw.replace(/-/g, "+").replace(/_/g, "/")));
    return Object.entries(want).every(([k, v]) => JSON.stringify(state[k]) === JSON.stringify(v));
  }, expected);
}

/**
 * Load axe-core into the page. The page's Content-Security-Policy refuses inline scripts
 * (so `page.addScriptTag` with content is refused); the test's own evaluation is not a
 * page script and is allowed.
 */
export async function injectAxe(page) {
  if (await page.evaluate(() => Boolean(window.axe))) return;
  const source = await readFile(path.join(root, "node_modules", "axe-core", "axe.min.js"), "utf8");
  await page.evaluate(source);
}

export async function screenshot(page, name) {
  await mkdir(results, { recursive: true });
  await page.screenshot({ path: path.join(results, `${name}.png`), fullPage: false });
}
