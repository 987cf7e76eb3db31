// Issue 25, point 10: only a person's inputs are "by hand". The fates of a counterexample
// that "Check every fate" opened are the explorer's and say so (the floor's caption, the
// Faults tab); in the learner's own run a drop they make is by hand.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, waitReady, settle } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

test("the explorer's fates are the explorer's; the learner's drop is by hand", { skip, timeout: 120000 }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#config=${encodeURIComponent(JSON.stringify({ orders: 1, architecture: "choreography" }))}`));
  await p.getByTestId("explore").click();
  await p.getByTestId("explore-open").waitFor({ state: "visible", timeout: 30000 });
  await p.getByTestId("explore-open").click();
  await waitReady(p);
  const fault = await p.evaluate(() => {
    const sim = window.brigade.sim;
    return sim.faultsInRun(1, sim.indexedSteps() + 1).find((f) => f.manual && f.fault === "drop");
  });
  assert.ok(fault, "the counterexample loses a delivery");
  await p.evaluate((s) => window.brigade.seek(s), fault.step);
  await settle(p);
  const shown = await p.getByTestId("step-caption").textContent();
  assert.match(shown, /the explorer's choice/, shown);
  assert.doesNotMatch(shown, /by hand/);
  await p.getByTestId("tab-faults").click();
  await settle(p);
  const listed = await p.getByTestId("fault-list-run").textContent();
  assert.match(listed, /dropped by the explorer/, listed);
  assert.doesNotMatch(listed, /by hand/);

  // the learner's own run afterwards: a drop they make is by hand
  await p.evaluate(() => window.brigade.newRun({ orders: 1, architecture: "choreography" }));
  await waitReady(p);
  const at = await p.evaluate(() => {
    const app = window.brigade;
    for (let n = 1; n < app.sim.totalSteps(); n++) {
      app.seek(n);
      const q = app.sim.queued().find((x) => x.changeable);
      if (!q) continue;
      const target = q.seq !== null && q.seq !== undefined ? { seq: q.seq, actor: q.actor } : { output: q.output, actor: q.actor };
      app.takeInput({ type: "DropMessage", actor: q.actor }, q.type, (sim) => sim.dropMessage(target));
      return n;
    }
    return null;
  });
  assert.ok(at !== null, "a message can be dropped");
  await waitReady(p);
  const mine = await p.evaluate(() => {
    const sim = window.brigade.sim;
    return sim.faultsInRun(1, sim.indexedSteps() + 1).find((f) => f.manual);
  });
  assert.ok(mine, "the learner's drop is a fault of the run");
  await p.evaluate((n) => window.brigade.seek(n), mine.step);
  await settle(p);
  const caption = await p.getByTestId("step-caption").textContent();
  assert.match(caption, /by hand/, caption);
});
