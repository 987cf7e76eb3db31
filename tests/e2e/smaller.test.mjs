// Issue 25, point 10 (some of the smaller items): Esc closes a mailbox and the message pane;
// a cook's time field shows four digits whole; the floor's title speaks of pay-first only
// when the run has dodgy customers; the Faults tab says it lists the run up to this step;
// "✓ done ▶" is named by its word; the tour's panel spans the page.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;
const link = (config) => `#config=${encodeURIComponent(JSON.stringify(config))}`;

test("Esc closes the mailbox, then the message pane", { skip }, async () => {
  const p = ctx.page = await openPage(ctx.browser, ctx.server.url);
  await p.evaluate(() => window.brigade.seek(20));
  await settle(p);
  await p.locator("[data-testid=message-row]").first().click();
  await p.locator("[data-testid=actor][data-kind=house]").click();
  await settle(p);
  assert.equal(await p.getByTestId("mailbox").isVisible(), true);
  assert.equal(await p.getByTestId("message-pane").isVisible(), true);
  await p.keyboard.press("Escape");
  await settle(p);
  assert.equal(await p.getByTestId("mailbox").isVisible(), false, "Esc closed the mailbox");
  assert.equal(await p.getByTestId("message-pane").isVisible(), true, "one at a time");
  await p.keyboard.press("Escape");
  await settle(p);
  assert.equal(await p.getByTestId("message-pane").isVisible(), false, "then the message");
});

test("a cook's time field shows 2000 whole; the floor's title speaks of pay-first only with dodgy customers", { skip }, async () => {
  const p = ctx.page = await openPage(ctx.browser, ctx.server.url + link({ cooks: [{ name: "Slow", ms: 2000 }] }));
  const field = await p.locator("[data-testid=actor][data-kind=cook] .cook-ms").first().evaluate((n) => ({ value: n.value, fits: n.scrollWidth <= n.clientWidth }));
  assert.deepEqual(field, { value: "2000", fits: true });
  assert.doesNotMatch(await p.locator("#floor-architecture").textContent(), /pay-first/);
  const q = await openPage(ctx.browser, ctx.server.url + link({ dodgy: 0.3 }));
  assert.match(await q.locator("#floor-architecture").textContent(), /pay-first/);
  await q.context().close();
});

test("the Faults tab says what it lists; ✓ done ▶ is named by its word; the tour spans the page", { skip }, async () => {
  const p = ctx.page = await openPage(ctx.browser, ctx.server.url + link({ drop: 0.2, orders: 6 }), { viewport: { width: 1440, height: 900 } });
  await p.evaluate(() => window.brigade.seek(60));
  await p.getByTestId("tab-faults").click();
  await settle(p);
  assert.match(await p.locator("#fault-run-title").textContent(), /^The run up to step 60/);
  const name = await p.getByTestId("next-completion").getAttribute("aria-label");
  assert.match(name, /\bdone\b/, "the accessible name holds the visible word");
  await p.getByTestId("tour-start").click();
  await p.waitForFunction(() => document.querySelector("[data-testid=narration]")?.dataset.state === "stopped", null, { timeout: 30000 });
  const width = await p.locator("#tour").evaluate((t) => t.getBoundingClientRect().width);
  assert.ok(width > 1440 - 60, `the tour panel spans the page: ${width}`);
});
