// Accessibility (issue 14): axe-core finds no serious or critical violation on the default
// page, the inspector, the set-up form, the tour panel and the embed view; the step caption
// is a polite live region; reduced motion stops the travelling tokens; the keyboard alone
// steps the run and inspects an order.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle, slide, number, text, injectAxe } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

/** Serious and critical violations on the page as it is now. */
async function violations(p) {
  await injectAxe(p);
  const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

test("axe: the default page, the inspector, the set-up form", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  assert.deepEqual(await violations(p), [], "default page");
  await slide(p, 60);
  const corr = await p.evaluate(() => window.brigade.sim.orders()[0].correlation_id);
  await p.evaluate((c) => window.brigade.selectOrder(c), corr);
  for (const tab of ["tab-pm", "tab-seq", "tab-tree"]) {
    await p.getByTestId(tab).click();
    await settle(p);
    assert.deepEqual(await violations(p), [], tab);
  }
  await p.getByTestId("setup-toggle").click();
  await settle(p);
  assert.deepEqual(await violations(p), [], "set-up form");
});

test("axe: the tour panel and the embed view", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#tour=2.1`));
  await p.waitForFunction(() => location.hash.startsWith("#tour="));
  await settle(p);
  assert.deepEqual(await violations(p), [], "tour");
  const e = await openPage(ctx.browser, `${ctx.server.url}#&embed`, { viewport: { width: 480, height: 320 } });
  assert.deepEqual(await violations(e), [], "embed");
  assert.deepEqual(e.problems, []);
  await e.context().close();
});

/** Press Tab until the element with data-testid `testid` has the focus (at most 200 presses). */
async function tabTo(p, testid) {
  for (let k = 0; k < 200; k++) {
    await p.keyboard.press("Tab");
    if (await p.evaluate((id) => document.activeElement?.dataset?.testid === id, testid)) return;
  }
  throw new Error(`Tab never reached ${testid}`);
}

test("the keyboard alone steps the run and inspects an order; the caption is a polite live region", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  const caption = p.getByTestId("step-caption");
  assert.equal(await caption.getAttribute("aria-live"), "polite");
  const before = await text(p, "step-caption");
  for (let k = 0; k < 6; k++) await p.keyboard.press("ArrowRight");
  await settle(p);
  assert.equal(await number(p, "current-step"), 6);
  const after = await text(p, "step-caption");
  assert.notEqual(after, before, "the live region's text changes with the step");
  assert.match(after, /Step 6/);
  await p.keyboard.press("ArrowLeft");
  await settle(p);
  assert.equal(await number(p, "current-step"), 5);
  assert.match(await text(p, "step-caption"), /Step 5/);
  // the step buttons are reachable and pressed with Enter
  await tabTo(p, "step-forward");
  const ring = await p.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(ring, "none", "the focus is visible");
  await p.keyboard.press("Enter");
  await settle(p);
  assert.equal(await number(p, "current-step"), 6);
  // an actor of the floor: focused, its queue in its name, Enter opens its mailbox
  await tabTo(p, "actor");
  const label = await p.evaluate(() => document.activeElement.getAttribute("aria-label"));
  const queue = await p.evaluate(() => document.activeElement.querySelector("[data-testid=queue-length]").textContent);
  assert.match(label, new RegExp(`queue ${queue}\\b`));
  await p.keyboard.press("Enter");
  await settle(p);
  assert.equal(await p.getByTestId("mailbox").isVisible(), true, "Enter opened the mailbox");
  assert.equal(await number(p, "current-step"), 6, "and did not move the time");
  // inspect: Enter in the focused log opens the highlighted message's order
  await tabTo(p, "log");
  await p.keyboard.press("Enter");
  await settle(p);
  const selected = await p.evaluate(() => window.brigade.selected);
  assert.ok(selected, "an order is inspected");
  assert.notEqual(await text(p, "inspector-order"), "");
  await tabTo(p, "tab-seq");
  await p.keyboard.press("Enter");
  await settle(p);
  assert.equal(await p.getByTestId("tab-seq").getAttribute("aria-selected"), "true");
  assert.ok(await p.locator("[data-testid=sequence-diagram] svg").isVisible(), "the sequence diagram shows");
});

for (const reducedMotion of ["reduce", "no-preference"]) {
  test(`prefers-reduced-motion ${reducedMotion}: travelling tokens and animations`, { skip }, async () => {
    const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion });
    const p = (ctx.page = await context.newPage());
    p.problems = [];
    p.on("pageerror", (error) => p.problems.push(`pageerror: ${error.message}`));
    await p.goto(ctx.server.url);
    await p.waitForFunction(() => document.body.dataset.ready === "true");
    await p.waitForFunction(() => !window.brigade?.growing && !window.brigade?.restoring);
    await p.getByTestId("step-forward").click();
    await settle(p);
    const tokens = await p.locator("#floor-arrows .token").count();
    if (reducedMotion === "reduce") {
      assert.equal(tokens, 0, "no travelling token");
      // a tour pointer would pulse: not with reduced motion
      await p.evaluate(() => document.querySelector("[data-testid=floor]").classList.add("tour-point"));
      assert.equal(await p.evaluate(() => document.getAnimations().length), 0, "no CSS animation runs");
    } else {
      assert.ok(tokens > 0, "a token travels along the arrow");
      await p.evaluate(() => document.querySelector("[data-testid=floor]").classList.add("tour-point"));
      assert.ok(await p.evaluate(() => document.getAnimations().length) > 0, "the pointer pulses");
    }
  });
}

test("axe: the page in dark colours, mid-run", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url, { colorScheme: "dark" }));
  await slide(p, 60);
  assert.deepEqual(await violations(p), [], "dark page");
});
