// Any worker scaled out (issue 22), the page's part: the set-up form's assistant managers and
// cashiers, each worker's box with walk out / come back and its time, hiring an assistant
// manager or a cashier, and a link that replays those inputs exactly.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, waitReady, settle, slide, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

const inputs = (p) => p.evaluate(() => window.brigade.sim.inputs());
const actor = (p, name) => p.locator(`[data-testid=actor][data-actor="${name}"]`);
const errorText = async (p) => ((await p.getByTestId("error").isVisible()) ? (await p.locator("#error-text").textContent()).trim() : "");

test("the set-up form staffs two assistant managers and three cashiers, who stand together on the floor", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.getByTestId("setup-toggle").click();
  await p.locator("details.advanced summary").click();
  await p.getByTestId("cfg-assistant-managers").fill("2");
  await p.getByTestId("cfg-cashiers").fill("3");
  await p.getByTestId("start-run").click();
  await waitReady(p);
  const config = await p.evaluate(() => window.brigade.sim.config());
  assert.equal(config.assistant_managers, 2);
  assert.equal(config.cashiers, 3);
  const middle = await p.locator("[data-testid=actor]").evaluateAll((boxes) => boxes.map((b) => b.dataset.actor));
  const at = (name) => middle.indexOf(name);
  assert.ok(at("assistant manager") < at("assistant manager 2") && at("assistant manager 2") < at("cashier"), middle.join(", "));
  assert.ok(at("cashier") < at("cashier 2") && at("cashier 2") < at("cashier 3"), middle.join(", "));
  // every one of them has the staff controls a cook has
  for (const name of ["assistant manager 2", "cashier 3"]) {
    assert.equal(await actor(p, name).getByTestId("cook-ms").inputValue(), "50");
  }
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  const handled = await p.evaluate(() => Object.fromEntries(window.brigade.sim.actors().map((a) => [a.name, a.handled])));
  assert.ok(handled["assistant manager 2"] > 0 && handled["cashier 2"] + handled["cashier 3"] > 0, JSON.stringify(handled));
});

test("an assistant manager is sent away and comes back, a cashier is hired, and a link replays it all", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#config=${encodeURIComponent(JSON.stringify({ assistant_managers: 2, orders: 12, interval_ms: 200 }))}`));
  await waitReady(p);
  await slide(p, 10);
  const second = actor(p, "assistant manager 2");
  await second.getByTestId("cook-leave").click();
  await settle(p);
  assert.equal(await second.getAttribute("data-away"), "true");
  assert.ok(await second.getByTestId("cook-return").isVisible(), "a way back");
  // the last cashier at work is not sent away: the engine says why, and nothing changes
  await actor(p, "cashier").getByTestId("cook-leave").click();
  await settle(p);
  assert.match(await errorText(p), /last cashier/);
  await p.getByTestId("hire-role").selectOption("cashier");
  await p.getByTestId("hire-name").fill("Ana");
  await p.getByTestId("hire-ms").fill("40");
  await p.getByTestId("hire-cook").click();
  await settle(p);
  assert.equal(await actor(p, "Ana").getAttribute("data-kind"), "cashier");
  await slide(p, 60);
  await second.getByTestId("cook-return").click();
  await settle(p);
  assert.deepEqual((await inputs(p)).map((i) => i.action.type), ["WorkerLeaves", "HireWorker", "WorkerReturns"]);
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  await screenshot(p, "staff-desktop");
  await p.waitForFunction(() => {
    const raw = new URLSearchParams(location.hash.slice(1)).get("run");
    const state = raw && JSON.parse(atob(raw.replace(/-/g, "+").replace(/_/g, "/")));
    return state && (state.i ?? []).length === 3 && state.s === window.brigade.sim.totalSteps();
  });
  const original = await p.evaluate(() => JSON.parse(window.brigade.sim.exportRun()).history);
  const q = await openPage(ctx.browser, p.url());
  try {
    // the link opens at the step it was shared at: the end of the run
    await waitReady(q);
    const again = await q.evaluate(() => JSON.parse(window.brigade.sim.exportRun()).history);
    assert.deepEqual(again, original, "the link replays the staff changes exactly");
    assert.ok(await q.evaluate(() => window.brigade.sim.actors().find((a) => a.name === "Ana").handled) > 0, "Ana takes payments");
  } finally {
    await q.close();
  }
});
