// Issue 25, point 2: inspecting a log row never moves time (the rows after it, often the
// fault being studied, stay); the message pane's visible "go to its delivery" does
// (CONTRACT §6, the page: `go-to-delivery`).

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, waitReady, settle, number, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

test("opening a log row keeps the time; go to its delivery moves it", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.getByTestId("preset-bar").selectOption("chaos");
  await waitReady(p);
  for (let i = 0; i < 3; i++) {
    await p.getByTestId("fault-next").click();
    await settle(p);
  }
  const at = await number(p, "current-step");
  assert.ok(at > 20, `three faults on, at step ${at}`);
  const rowsBefore = await p.evaluate(() => window.brigade.sim.messageCount());
  // an early message, delivered long before the step shown
  await p.getByTestId("log").evaluate((log) => { log.scrollTop = 0; });
  await settle(p);
  const seq = Number(await p.locator("[data-testid=message-row]").first().getAttribute("data-seq"));
  const row = p.locator(`[data-testid=message-row][data-seq="${seq}"]`);
  const expected = await p.evaluate((s) => window.brigade.sim.deliveriesInRun(s)[0].step, seq);
  assert.ok(expected < at, `message ${seq} was delivered at step ${expected}, before ${at}`);

  await row.click();
  await settle(p);
  assert.equal(await number(p, "current-step"), at, "inspecting did not move time");
  assert.equal(await p.evaluate(() => window.brigade.sim.messageCount()), rowsBefore, "the rows after it are still there");
  assert.equal(await p.getByTestId("message-pane").isVisible(), true);
  assert.equal(await p.evaluate(() => window.brigade.messagePane.opened.seq), seq);

  // the one control that moves time is visible and says where it goes
  const go = p.getByTestId("message-pane").getByTestId("go-to-delivery");
  assert.equal(await go.isVisible(), true);
  assert.match(await go.textContent(), new RegExp(`go to its delivery: step ${expected}`));
  await screenshot(p, "inspect-message");
  await go.click();
  await settle(p);
  assert.equal(await number(p, "current-step"), expected, "go to its delivery moved the time there");
  assert.equal(await p.evaluate(() => window.brigade.sim.lastStep().seq), seq);
  assert.equal(await go.isDisabled(), true, "at its delivery, the button says so and is spent");

  // the keyboard's Enter in the log inspects the same way: no time moves
  await p.getByTestId("step-forward").click();
  await settle(p);
  const now = await number(p, "current-step");
  await p.getByTestId("log").focus();
  await p.keyboard.press("Enter");
  await settle(p);
  assert.equal(await number(p, "current-step"), now);
});

test("the cursor stays put while the pane reads the message's whole fate", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.evaluate(() => { window.brigade.seek(30); });
  await settle(p);
  // count the cursor moves made while a message is opened: none
  const moves = await p.evaluate(() => {
    const sim = window.brigade.sim;
    let n = 0;
    const seek = sim.seek.bind(sim);
    sim.seek = (x) => { n++; return seek(x); };
    window.brigade.openMessage(5);
    sim.seek = seek;
    return n;
  });
  assert.equal(moves, 0);
  assert.equal(await number(p, "current-step"), 30);
});
