// Issue 21, point 5: no view moves the page's shared cursor to find out the future. The
// cursor every view shows moves only through the App's own methods (playback.js, the run's
// lifecycle); a view that wants to know where something happens asks the engine
// (nextMark, momentStep, publishingStep, …) or reads a private copy of the run. Every
// seek, step and stepBack on the page's Simulation is recorded with its caller while the
// tour finds and shows its stops, the fault and mark buttons jump, and the inspector reads
// an order; a call from anywhere but the App's methods fails the test.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

/** Record the callers of every cursor move on the page's shared Simulation. */
async function watchCursor(page) {
  await page.evaluate(() => {
    const proto = Object.getPrototypeOf(window.brigade.sim);
    window.cursorMoves = [];
    for (const name of ["seek", "step", "stepBack"]) {
      const original = proto[name];
      proto[name] = function (...args) {
        if (this === window.brigade.sim) {
          // the first frame outside this wrapper: which module moved the cursor
          const frames = String(new Error().stack).split("\n").slice(2).map((l) => l.match(/\/js\/([\w/.-]+\.js)/)?.[1]).filter(Boolean);
          window.cursorMoves.push({ name, by: frames[0] ?? "?", stack: frames.slice(0, 4).join(" < ") });
        }
        return original.apply(this, args);
      };
    }
  });
}

/** The moves made by anything but the App's own methods (the one wrapper of the shared state). */
const foreign = (moves) => moves.filter((m) => !["playback.js", "run-lifecycle.js", "address.js", "main.js"].includes(m.by));

test("the tour finds and shows its stops without moving the page's cursor to look ahead", { skip, timeout: 120000 }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#tour=7.2`, { viewport: { width: 1440, height: 900 } }));
  await watchCursor(p);
  let shown = 0;
  for (const chapter of [3, 5, 7, 8, 10]) {
    // a chapter opened from the tour's own list: it sets up its run, finds every stop, plays to the first
    await p.evaluate((c) => window.brigade.tour.open(c - 1, 0), chapter);
    await p.waitForFunction(() => ["stopped", "missing"].includes(document.querySelector("[data-testid=narration]")?.dataset.state), null, { timeout: 30000 });
    await settle(p);
    assert.equal(await p.getByTestId("narration").evaluate((n) => n.dataset.state), "stopped", `chapter ${chapter}'s first stop is found`);
    // the next stop: found before, played to now
    await p.getByTestId("tour-next").click();
    await p.waitForFunction(() => ["stopped", "missing"].includes(document.querySelector("[data-testid=narration]")?.dataset.state), null, { timeout: 30000 });
    shown += 2;
  }
  const moves = await p.evaluate(() => window.cursorMoves);
  assert.ok(moves.length > 0, "the tour did move the cursor, through the App, to show its stops");
  assert.deepEqual(foreign(moves).map((m) => `${m.name} by ${m.stack}`), [], `${shown} stops shown`);
});

test("jumping to the next fault, timeout, retry and completion and reading an order move the cursor only to go there", { skip, timeout: 60000 }, async () => {
  const config = { orders: 8, drop: 0.2, duplicate: 0.1, dodgy: 0.5, seed: 11 };
  const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#config=${encodeURIComponent(JSON.stringify(config))}`));
  await p.waitForFunction(() => !window.brigade.growing);
  await watchCursor(p);
  for (const id of ["fault-next", "next-timeout", "next-retry", "next-completion", "fault-next"]) {
    await p.getByTestId(id).click();
    await settle(p);
  }
  const corr = await p.evaluate(() => window.brigade.sim.orders()[0]?.correlation_id);
  await p.evaluate((c) => window.brigade.selectOrder(c), corr);
  for (const tab of ["tab-seq", "tab-tree", "tab-faults", "tab-receipts"]) {
    await p.getByTestId(tab).click();
    await settle(p);
  }
  const moves = await p.evaluate(() => window.cursorMoves);
  assert.deepEqual(foreign(moves).map((m) => `${m.name} by ${m.stack}`), []);
});
