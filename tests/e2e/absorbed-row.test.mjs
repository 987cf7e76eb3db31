// Issue 25, point 10: "≡ absorbed" marks the message whose copy the idempotent store
// absorbed: the decision already in the history (a FoodCooked), not the message it was
// decided on (the CookFood delivered twice, which shows its own ×2).

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

test("the absorbed chip is on the row of the decision the store already held", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url, { viewport: { width: 1440, height: 900 } }));
  const chaos = await p.evaluate(() => window.brigade.presets.find((x) => x.name === "chaos").config);
  await p.evaluate((c) => window.brigade.newRun({ ...c, idempotent_store: true }), chaos);
  await p.waitForFunction(() => !window.brigade.growing);
  const f = await p.evaluate(() => {
    const sim = window.brigade.sim;
    return sim.faultsInRun(1, sim.indexedSteps() + 1).find((x) => x.fault === "absorbed");
  });
  assert.ok(f, "the chaos run with an idempotent store absorbs a decision");
  assert.ok(f.out !== null && f.out !== f.seq, `the absorbed fault names the message it repeats: ${JSON.stringify(f)}`);
  await p.evaluate((s) => { window.brigade.seek(s); }, f.step);
  const [cause, repeated] = await p.evaluate(([a, b]) => [window.brigade.sim.message(a), window.brigade.sim.message(b)], [f.seq, f.out]);
  assert.equal(repeated.type, f.type, "the repeated message is of the absorbed decision's type");
  assert.equal(repeated.causation_id, cause.id, "and answers the message delivered twice");
  await settle(p);
  for (const seq of [f.seq, f.out]) {
    await p.evaluate((s) => window.brigade.revealMessage(s), seq);
    await settle(p);
  }
  const chips = await p.evaluate(([a, b]) => {
    const row = (s) => document.querySelector(`[data-testid=message-row][data-seq="${s}"]`);
    const faults = (r) => [...(r?.querySelectorAll("[data-testid=log-fault]") ?? [])].map((c) => c.dataset.fault);
    return { cause: faults(row(a)), repeated: faults(row(b)) };
  }, [f.seq, f.out]);
  assert.ok(chips.repeated.includes("absorbed"), `≡ absorbed on the repeated ${f.type}: ${JSON.stringify(chips)}`);
  assert.ok(!chips.cause.includes("absorbed"), `not on the ${cause.type} it was decided on: ${JSON.stringify(chips)}`);
});
