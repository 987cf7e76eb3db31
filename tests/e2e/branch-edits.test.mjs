// Issue 25, point 10: several edits at one step are one experiment: they go on one branch,
// named by every edit, instead of a branch per edit named by its last one only.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, waitReady, slide } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

const names = (p) => p.getByTestId("branch").evaluateAll((ls) => ls.map((l) => l.textContent.trim()));

test("six edits at one step make one branch named by all six; an edit at another step makes another", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  await slide(p, 30);
  for (let i = 0; i < 6; i++) {
    await p.getByTestId("place-order").click();
    await waitReady(p); // the run after step 30 is computed again: the next edit replaces it
  }
  const after = await names(p);
  assert.equal(after.length, 2, `the first run and one branch: ${JSON.stringify(after)}`);
  assert.equal(after[1], "B order placed × 6 at step 30", "named by all its edits");
  assert.equal(await p.evaluate(() => window.brigade.sim.inputs().length), 6, "the branch holds the six orders");
  assert.match(await p.getByTestId("notice").textContent(), /joins the branch's other edits at step 30/);

  // an edit at another step is another experiment
  await slide(p, 50);
  await p.getByTestId("place-order").click();
  await waitReady(p);
  const more = await names(p);
  assert.equal(more.length, 3);
  assert.equal(more[2], "C order placed at step 50");
});

test("different edits at one step are each named on their branch, in the order made", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  await slide(p, 30);
  await p.getByTestId("place-order").click();
  await waitReady(p);
  await p.evaluate(() => window.brigade.setProcessVersion(1));
  await waitReady(p);
  await p.getByTestId("place-order").click();
  await waitReady(p);
  assert.deepEqual(await names(p), [await p.getByTestId("branch").first().textContent().then((t) => t.trim()), "B order placed, new orders on v1, order placed at step 30"]);
});
