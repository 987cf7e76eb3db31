// Issue 25, "first visit": the page is interactive sooner when it fetches less and fetches
// it at once. A first visit loads none of the tour's or the exercise's code (they load when
// first opened, and then work), nor the SVG exports' (loaded at the first export); index.html preloads the engine and every module main.js
// imports (the list is kept equal to the imports here). tests/e2e/perf.mjs first measures
// the time to interactive and the bytes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { browserSuite, waitReady, www } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;
const LATER = /\/js\/(tour\/(tour|chapters|moments)\.js|exercise\/(panel|editor|grade|answer|sandbox)\.js|exercise\/exercise\.css|exercise\/templates\/|(diagram-export|html-svg|floor-svg|tree-svg)\.js)/;

async function visit() {
  const context = await ctx.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(error.message));
  page.requested = [];
  page.on("request", (request) => page.requested.push(new URL(request.url()).pathname));
  await page.goto(ctx.server.url);
  await waitReady(page);
  return (ctx.page = page);
}

test("a first visit loads no tour or exercise code; opening them loads it and they work", { skip }, async () => {
  const p = await visit();
  assert.deepEqual(p.requested.filter((u) => LATER.test(u)), [], "nothing of the tour or the exercise");
  assert.equal(await p.getByTestId("tour-offer").isVisible(), true, "the tour is offered all the same");

  await p.getByTestId("tour-offer-start").click();
  await p.waitForFunction(() => document.querySelector("[data-testid=narration]")?.dataset.state === "stopped", null, { timeout: 30000 });
  assert.ok(p.requested.some((u) => u.endsWith("/js/tour/chapters.js")), "the tour's chapters loaded when it opened");
  assert.match(await p.getByTestId("tour-chapter").textContent(), /\S/);
  assert.equal(await p.getByTestId("tour-offer").isVisible(), false);

  await p.getByTestId("exercise-toggle").click();
  await p.getByTestId("exercise").waitFor({ state: "visible" });
  assert.ok(p.requested.some((u) => u.endsWith("/js/exercise/panel.js")), "the exercise's panel loaded when it opened");
  assert.equal(await p.getByTestId("exercise-toggle").count(), 1, "one Exercise button");
  await p.getByTestId("exercise-close").click();
  assert.equal(await p.getByTestId("exercise").isHidden(), true, "its button and Close still toggle it");
  await p.getByTestId("exercise-toggle").click();
  assert.equal(await p.getByTestId("exercise").isVisible(), true);
});

test("a first visit loads no export code; the first export loads it and downloads the floor", { skip }, async () => {
  const p = await visit();
  const EXPORT = /\/js\/(diagram-export|html-svg|floor-svg|tree-svg)\.js$/;
  assert.deepEqual(p.requested.filter((u) => EXPORT.test(u)), [], "no export code on a first visit");
  const [download] = await Promise.all([p.waitForEvent("download"), p.getByTestId("export-floor-svg").click()]);
  assert.match(download.suggestedFilename(), /^brigade-floor-step-\d+\.svg$/);
  const text = await readFile(await download.path(), "utf8");
  assert.match(text, /<svg[\s>]/, "an SVG file");
  for (const name of await p.evaluate(() => window.brigade.sim.actors().map((a) => a.name))) {
    assert.ok(text.includes(`>${name}<`), `the floor names ${name}`);
  }
  assert.deepEqual(p.requested.filter((u) => EXPORT.test(u)).sort(),
    ["/js/diagram-export.js", "/js/floor-svg.js", "/js/html-svg.js", "/js/tree-svg.js"], "loaded once, at the export");
});

test("a link to a tour stop opens the tour there", { skip }, async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const p = (ctx.page = await context.newPage());
  p.problems = [];
  p.on("pageerror", (error) => p.problems.push(error.message));
  await p.goto(`${ctx.server.url}#tour=2.1`);
  await p.waitForFunction(() => document.querySelector("[data-testid=narration]")?.dataset.state === "stopped", null, { timeout: 30000 });
  assert.match(await p.getByTestId("tour-stop").textContent(), /^Stop 1 of/);
  assert.equal(await p.getByTestId("tour-list").inputValue(), "1", "chapter 2");
});

test("index.html preloads the engine and exactly the modules main.js imports", { skip }, async () => {
  const html = await readFile(path.join(www, "index.html"), "utf8");
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]).sort();
  // main.js's static imports, and theirs (import … from "…" and export … from "…")
  const seen = new Set();
  const walk = async (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const source = await readFile(path.join(www, rel), "utf8");
    for (const m of source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)) {
      await walk(path.posix.join(path.posix.dirname(rel), m[1]));
    }
  };
  await walk("js/main.js");
  seen.delete("js/main.js");
  assert.deepEqual(preloaded, ["pkg/brigade.js", ...seen].sort());
  assert.match(html, /<link rel="preload" href="pkg\/brigade_bg\.wasm" as="fetch" type="application\/wasm" crossorigin>/);
  assert.ok(![...seen].some((m) => LATER.test(`/${m}`)), "no tour or exercise module among them");
});
