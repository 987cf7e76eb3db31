// Issue 26, point 5: the money of every order is in the report and on the page. Without a
// process manager, pay-first customers whose order expires are charged and never served
// (nobody owes them a refund): the page counts them and says why. With process managers
// the same run refunds every one of them.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle, text, waitReady, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

const link = (config) => `#config=${encodeURIComponent(JSON.stringify(config))}`;
// the example: every customer pays first, one slow cook, most orders expire
const REPRO = { dodgy: 1, orders: 20, cooks: [{ name: "Slow", ms: 2000 }] };

async function runToEnd(config) {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url + link(config)));
  await waitReady(p);
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  await settle(p);
  await settle(p);
  return p;
}

for (const architecture of ["choreography", "commands"]) {
  test(`${architecture}: customers charged and not served are counted, and the page says nobody owes them`, { skip }, async () => {
    const p = await runToEnd({ ...REPRO, architecture });
    const report = await p.evaluate(() => window.brigade.sim.report());
    assert.equal(report.charged, 20, "every pay-first order was charged");
    assert.equal(report.charged_not_served, 17);
    assert.equal(report.refunded, 0);
    assert.equal(await text(p, "report-charged-not-served"), "17");
    const why = await text(p, "report-unserved");
    assert.match(why, /17 of 20 customers who paid got nothing/);
    assert.match(why, new RegExp(`nobody owes them a refund: in the ${architecture} architecture`));
    assert.match(await p.getByTestId("report-more").textContent(), /orders charged\s*20/);
    if (architecture === "choreography") {
      await p.getByTestId("report-unserved").scrollIntoViewIfNeeded();
      await screenshot(p, "money-choreography");
    }
  });
}

test("process managers: the same run refunds every expired order, nothing is left unserved", { skip }, async () => {
  const p = await runToEnd(REPRO);
  const report = await p.evaluate(() => window.brigade.sim.report());
  assert.deepEqual([report.charged, report.charged_not_served, report.refunded], [20, 0, 17]);
  assert.equal(await p.getByTestId("report-charged-not-served").count(), 0);
  assert.equal(await p.getByTestId("report-unserved").count(), 0);
  // half way the refunds still owed are shown as such
  const owed = await p.evaluate(() => {
    const sim = window.brigade.sim;
    for (let step = 0; step <= sim.totalSteps(); step += 1) {
      sim.seek(step);
      const r = sim.report();
      if (r.charged_not_served > 0) return step;
    }
    return -1;
  });
  assert.ok(owed > 0, "some step has a dropped order whose refund is not done yet");
  await p.evaluate((n) => window.brigade.seek(n), owed);
  await settle(p);
  await settle(p);
  assert.match(await text(p, "report-unserved"), /asking the cashier for the refund/);
});
