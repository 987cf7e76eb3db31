// Issue 25, point 3: the caption separates deciding from publishing. A handler decides at
// its step; what it decided enters the history at a later step, and the caption (and the
// message pane) says which: "decides … — published at step N / in a coming step".

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle, text, number, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

/** Every step of the known run, read from the end (the cursor is put back). */
async function allSteps(p) {
  return p.evaluate(() => {
    const sim = window.brigade.sim;
    const at = sim.currentStep();
    sim.seek(sim.totalSteps());
    const steps = sim.steps(1, sim.totalSteps() + 1);
    sim.seek(at);
    return steps;
  });
}

async function goTo(p, step) {
  await p.evaluate((s) => window.brigade.seek(s), step);
  await settle(p);
  await settle(p);
}

test("the house decides at its step; the caption says the step that publishes it", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  const steps = await allSteps(p);
  const house = steps.find((s) => s.actor_kind === "house" && s.type === "OrderPlaced");
  await goTo(p, house.step);
  const caption = await text(p, "step-caption");
  assert.doesNotMatch(caption, /publishes/, caption);
  const m = caption.match(/house handled .*OrderPlaced.* → decides ProcessStarted, CookFood, PublishAt — published at step (\d+)/);
  assert.ok(m, caption);
  const at = Number(m[1]);
  assert.ok(at > house.step, `published after the deciding step ${house.step}: ${at}`);
  // the history says the same: not in the log at the deciding step, in it at step N
  const types = (step) => p.evaluate((s) => {
    const sim = window.brigade.sim;
    return sim.steps(s, s + 1)[0].published.map((seq) => sim.message(seq).type);
  }, step);
  const logHas = () => p.evaluate(() => window.brigade.sim.messages(0, window.brigade.sim.messageCount()).map((x) => x.type));
  assert.ok(!(await logHas()).includes("ProcessStarted"), "nothing of it is in the log yet");
  await goTo(p, at);
  assert.deepEqual((await types(at)).filter((t) => ["ProcessStarted", "CookFood", "PublishAt"].includes(t)), ["ProcessStarted", "CookFood", "PublishAt"]);
  assert.ok((await logHas()).includes("ProcessStarted"));
  await screenshot(p, "caption-decides");

  // the message pane of the delivered OrderPlaced says the same step
  await goTo(p, house.step);
  await p.evaluate((seq) => window.brigade.openMessage(seq), house.seq);
  await settle(p);
  await settle(p);
  const decided = await p.locator("[data-testid=message-decided] li").allTextContents();
  assert.ok(decided.some((t) => t.includes(`ProcessStarted (published at step ${at})`)), decided.join(" | "));
  assert.equal(await number(p, "current-step"), house.step);
});

test("a worker decides its answer now, due when its work is done, published at a later step", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  const steps = await allSteps(p);
  const cook = steps.find((s) => s.actor_kind === "cook" && s.outputs.some((o) => o.type === "FoodCooked"));
  await goTo(p, cook.step);
  const caption = await text(p, "step-caption");
  const m = caption.match(/→ decides FoodCooked, due at [\d.]+ s when its work is done — published at step (\d+)/);
  assert.ok(m, caption);
  const at = Number(m[1]);
  assert.ok(at > cook.step);
  assert.ok(steps[at - 1].published.length > 0, "that step publishes something");
  // a decision the run computed so far has not published yet says so
  const words = await p.evaluate(async () => {
    const { publishedWhen } = await import("/js/caption.js");
    return [publishedWhen([{ published_step: null }], 7), publishedWhen([{ published_step: 9 }, { published_step: 12 }], 7),
      publishedWhen([{ published_step: 7 }], 7)];
  });
  assert.deepEqual(words, ["published in a coming step", "published at steps 9, 12", "published at this step"]);
});
