// Issue 25, point 6: big runs never freeze the tab. Timed assertions are not allowed in CI,
// so this tests the mechanisms on a run small enough for CI (tests/e2e/perf.mjs measures
// the 100,000-order run): no jump re-runs more steps than the longest gap between two
// checkpoints (longestRerun), a step back after a long jump re-runs a few hundred steps, not
// a whole gap (the engine counts the steps it re-runs), and a redraw that changes nothing in the orders table leaves
// its rows alone (no restyle, no layout).

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, waitReady, settle, number } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;
const NEAR_BACK = 256; // src/sim/timeline.rs

test("no jump re-runs more than the longest gap between checkpoints; a step back after one at most NEAR_BACK steps, and lands exactly", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  // 3,000 orders at once: a long backlog, so checkpoints thousands of steps apart
  await p.evaluate(() => window.brigade.newRun({ orders: 3000, interval_ms: 0 }));
  await waitReady(p);
  const { far, longest, worst } = await p.evaluate((near) => {
    const app = window.brigade;
    const total = app.sim.totalSteps();
    const longest = app.sim.longestRerun();
    // jumps anywhere, forward and back: none re-runs more than the longest gap
    let worst = 0;
    for (let i = 0; i < 40; i++) {
      const before = app.sim.stepsRerun();
      app.seek(Math.floor(((i * 7919) % 40) / 40 * total));
      worst = Math.max(worst, app.sim.stepsRerun() - before);
    }
    // going down, so that the copy a jump keeps is past the next target
    for (let t = Math.floor(total / 2); t > total / 4; t -= 397) {
      app.seek(0);
      const before = app.sim.stepsRerun();
      app.seek(t);
      if (app.sim.stepsRerun() - before > 3 * near) return { far: t, longest, worst };
    }
    return { far: null, longest, worst };
  }, NEAR_BACK);
  assert.ok(longest > NEAR_BACK, `the backlog's checkpoints are up to ${longest} steps apart`);
  assert.ok(worst <= longest && worst > NEAR_BACK, `the longest of 40 jumps re-ran ${worst} steps`);
  assert.ok(far !== null, `a step more than 3 × ${NEAR_BACK} steps past its checkpoint`);
  await settle(p);
  assert.equal(await number(p, "current-step"), far);
  for (let back = 1; back <= 5; back++) {
    const before = await p.evaluate(() => window.brigade.sim.stepsRerun());
    await p.getByTestId("step-back").click();
    await settle(p);
    const rerun = (await p.evaluate(() => window.brigade.sim.stepsRerun())) - before;
    assert.ok(rerun < NEAR_BACK, `step back ${back} re-ran ${rerun} steps`);
    assert.equal(await number(p, "current-step"), far - back);
  }
  // what the page shows there is the straight run's: the delivered message of that step
  const [shown, straight] = await p.evaluate(() => {
    const app = window.brigade;
    const here = app.sim.lastStep();
    const copy = new app.Simulation({ orders: 3000, interval_ms: 0 });
    for (let i = 0; i < app.sim.currentStep(); i++) copy.step();
    const there = copy.lastStep();
    copy.free();
    return [[here.step, here.seq, here.actor], [there.step, there.seq, there.actor]];
  });
  assert.deepEqual(shown, straight);
});

test("a redraw that changes nothing in the orders table keeps its rows; a new order replaces them", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.evaluate(() => window.brigade.seek(40));
  await settle(p);
  const kept = await p.evaluate(() => {
    const app = window.brigade;
    // a property, not an attribute: an attribute would make the rows differ
    for (const row of document.querySelectorAll("[data-testid=order-row]")) row.brigadeMark = "old";
    app.numbers.key = ""; // redraw the numbers at the same step
    app.render();
    return [...document.querySelectorAll("[data-testid=order-row]")].map((r) => r.brigadeMark ?? "new");
  });
  assert.ok(kept.length > 0);
  assert.deepEqual(kept, kept.map(() => "old"), "the same rows, not rebuilt");
  // step on until an order is placed: the table shows it
  const placed = await p.evaluate(() => {
    const app = window.brigade;
    const n = app.sim.orderCount();
    while (app.sim.orderCount() === n && app.sim.currentStep() < app.sim.totalSteps()) app.stepForward();
    app.render();
    return app.sim.orderCount();
  });
  const first = await p.locator("[data-testid=order-row] button").first().textContent();
  assert.equal(first.trim(), `#${placed}`, "the newest order is at the top");
});

test("a step redraws in place: the floor's links and the log's rows stay the same nodes; a big run's inspector and numbers follow after the step's frame", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  // more than BIG_RUN (www/js/offscreen.js) steps
  await p.evaluate(() => window.brigade.newRun({ orders: 8000, interval_ms: 20 }));
  await waitReady(p);
  const total = await p.evaluate(() => window.brigade.sim.totalSteps());
  assert.ok(total > 100_000, `${total} steps`);
  await p.evaluate((t) => window.brigade.seek(Math.floor(t / 2)), total);
  await settle(p);
  const seen = await p.evaluate(() => {
    const app = window.brigade;
    const links = [...document.querySelectorAll("[data-testid=wiring-link]")];
    const rows = [...document.querySelectorAll("[data-testid=message-row]")];
    for (const n of [...links, ...rows]) n.brigadeMark = "old";
    const caption = () => document.querySelector("#chart-table caption").textContent;
    const before = caption();
    app.stepForward();
    app.render();
    return {
      links: links.length, rows: rows.length, step: app.sim.currentStep(),
      keptLinks: [...document.querySelectorAll("[data-testid=wiring-link]")].filter((n) => n.brigadeMark === "old").length,
      keptRows: [...document.querySelectorAll("[data-testid=message-row]")].filter((n) => n.brigadeMark === "old").length,
      before, during: caption(),
    };
  });
  assert.ok(seen.links > 5 && seen.rows > 10);
  assert.equal(seen.keptLinks, seen.links, "every link of the floor is the node it was");
  assert.equal(seen.keptRows, seen.rows, "every row of the log is the node it was (its texts rewritten)");
  assert.equal(seen.during, seen.before, "the numbers are not drawn in the step's own frame");
  await settle(p);
  const after = await p.locator("#chart-table caption").textContent();
  assert.match(after.replace(/[\s,]/g, ""), new RegExp(`upto step${seen.step}$`.replace(/ /g, "")), "…and follow right after it");
  // the inspector follows the order of the new step, drawn in its own task; and a step whose
  // order differs from the last one shows it once the page settles
  const orderOfStep = () => p.evaluate(() => {
    const app = window.brigade;
    const corr = app.sim.lastStep()?.correlation_id;
    return corr ? app.sim.order(corr)?.order ?? null : null;
  });
  let moved = 0;
  for (let i = 0; i < 12 && moved < 3; i++) {
    const was = await p.getByTestId("inspector-order").textContent();
    await p.keyboard.press("ArrowRight");
    await settle(p);
    const n = await orderOfStep();
    if (n === null) continue;
    const shown = await p.getByTestId("inspector-order").textContent();
    assert.match(shown, new RegExp(`#${n}\\b`), `step ${i}: the inspector shows order ${n}`);
    if (shown !== was) moved++;
  }
  assert.ok(moved >= 1, "the inspector moved with the steps");
});
