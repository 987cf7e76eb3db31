// Issue 25, point 10: a cook with messages waiting and nothing on the stove is not "idle"
// (as the card said before its first delivery, beside "queue 5"): the card says it takes
// the next one soon ("free, next soon"; its title and the card's label: in a coming step).
// "idle" is kept for an empty mailbox.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

test("a free cook with a queue says it takes the next; an empty one is idle", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  // the first step at which a cook waits with work in its mailbox (the private copy reads ahead)
  const found = await p.evaluate(() => {
    const app = window.brigade;
    const copy = app.Simulation.importRun(app.sim.exportRun());
    let at = null;
    for (let n = 1; n <= copy.totalSteps() && at === null; n++) {
      copy.seek(n);
      const cook = copy.actors().find((a) => a.kind === "cook" && !a.busy && a.queue > 0);
      if (cook) at = { step: n, cook: cook.name, queue: cook.queue };
    }
    copy.free();
    return at;
  });
  assert.ok(found, "a cook waits with a queue at some step");
  await p.evaluate((n) => window.brigade.seek(n), found.step);
  await settle(p);
  const card = p.locator(`[data-testid=actor][data-actor="${found.cook}"]`);
  assert.equal((await card.getByTestId("busy").textContent()).trim(), "free, next soon");
  assert.match(await card.getByTestId("busy").getAttribute("title"), /its next message is delivered in a coming step/);
  assert.match(await card.getAttribute("aria-label"), /free, its next message is delivered in a coming step/);
  // at step 0 nobody has anything: idle
  await p.evaluate(() => window.brigade.seek(0));
  await settle(p);
  assert.equal((await card.getByTestId("busy").textContent()).trim(), "idle");
});
