// Issue 25, point 4: the tour points at what it talks about. The highlight and the caption
// name what the narration names; one notation (seq N for a message's place in the history,
// order #N for an order); after a "try this" that starts another run, the narration and the
// address say so and Next keeps the learner's run one Back away; Finish closes the tour.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle, waitReady, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

async function stopped(page) {
  await page.waitForFunction(() => document.querySelector("[data-testid=narration]")?.dataset.state === "stopped", null, { timeout: 30000 });
  await settle(page);
  await settle(page);
  return page.getByTestId("narration").evaluate((node) => ({ ...node.dataset, text: node.textContent }));
}

/** What the page highlights: the actors' names and the log rows' types. */
function highlighted(page) {
  return page.evaluate(() => ({
    actors: [...document.querySelectorAll(".tour-point[data-testid=actor]")].map((n) => n.dataset.actor),
    rows: [...document.querySelectorAll("#log-rows .tour-point")].map((n) => n.dataset.type),
    caption: document.querySelector("[data-testid=step-caption]").textContent,
  }));
}

test("1.2: the highlight, the caption and the narration name the same message and actor", { skip, timeout: 120000 }, async () => {
  const page = ctx.page = await openPage(ctx.browser, `${ctx.server.url}#tour=1.2`, { viewport: { width: 1440, height: 900 } });
  const n = await stopped(page);
  const shown = await highlighted(page);
  assert.ok(shown.rows.length >= 1, "a log row is highlighted");
  for (const type of shown.rows) {
    assert.ok(n.text.includes(type), `the narration names the highlighted ${type}: ${n.text}`);
    assert.ok(shown.caption.includes(type), `the caption names the highlighted ${type}: ${shown.caption}`);
  }
  for (const actor of shown.actors) {
    assert.ok(shown.caption.includes(actor), `the caption names the highlighted ${actor}: ${shown.caption}`);
  }
  // what it decided and when that is published: the narration and the caption agree
  const published = shown.caption.match(/published at step (\d+)/);
  assert.ok(published, shown.caption);
  assert.ok(n.text.includes(`published at step ${published[1]}`), n.text);
  await screenshot(page, "tour-1-2-desktop");
});

test("one notation: a message is 'seq N', an order '#N', in every narration that names one", { skip, timeout: 180000 }, async () => {
  const page = ctx.page = await openPage(ctx.browser, `${ctx.server.url}#tour=7.1`, { viewport: { width: 1280, height: 800 } });
  const said = [];
  for (const at of ["7.1", "7.2", "7.3", "10.1", "10.2"]) {
    await page.evaluate((a) => { location.hash = `tour=${a}`; }, at);
    await page.waitForFunction((a) => location.hash === `#tour=${a}` && document.querySelector("[data-testid=narration]").dataset.state === "stopped"
      && document.querySelector("[data-testid=narration]").dataset.stop === a.split(".")[1], at, { timeout: 30000 });
    const n = await stopped(page);
    said.push(n.text);
    // a message type followed by #N reads as an order number: it is the message's seq
    assert.doesNotMatch(n.text, /\b[A-Z][a-z]+[A-Z][A-Za-z]* #\d+/, `${at}: ${n.text}`);
  }
  assert.ok(said.some((t) => /seq \d+/.test(t)), "a message's place in the history is named as seq N");
});

test("a try that starts another run: the narration and the address say so; Next keeps it one Back away", { skip, timeout: 180000 }, async () => {
  const page = ctx.page = await openPage(ctx.browser, `${ctx.server.url}#tour=2.1`, { viewport: { width: 1280, height: 800 } });
  await stopped(page);
  await page.getByTestId("setup-toggle").click();
  await page.getByTestId("add-cook").click();
  await page.getByTestId("start-run").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=narration]").dataset.state === "changed");
  const narration = await page.getByTestId("narration").textContent();
  assert.match(narration, /your run now, not the chapter's/);
  assert.equal(await page.locator(".tour-point").count(), 0, "nothing of the old run is pointed at");
  await page.waitForFunction(() => location.hash.startsWith("#run="), null, { timeout: 10000 });
  const cooks = await page.evaluate(() => window.brigade.sim.config().cooks.length);
  assert.equal(cooks, 2);
  await screenshot(page, "tour-experiment");

  await page.getByTestId("tour-next").click();
  await stopped(page);
  assert.match(await page.getByTestId("notice").textContent(), /Your changed run is kept: the browser's Back button shows it again/);
  assert.equal(await page.evaluate(() => window.brigade.sim.config().cooks.length), 1, "the chapter's run is back");
  assert.match(await page.evaluate(() => location.hash), /^#tour=2\.2$/);
  // Back: the learner's run again
  await page.goBack();
  await page.waitForFunction(() => location.hash.startsWith("#run="));
  await waitReady(page);
  assert.equal(await page.evaluate(() => window.brigade.sim.config().cooks.length), 2, "Back shows the learner's run");
});

test("Finish closes the tour", { skip, timeout: 120000 }, async () => {
  // the last chapter's last stop
  const page = ctx.page = await openPage(ctx.browser, `${ctx.server.url}#tour=14.2`, { viewport: { width: 1280, height: 800 } });
  await stopped(page);
  const next = page.getByTestId("tour-next");
  assert.equal((await next.textContent()).trim(), "Finish");
  await next.click();
  await settle(page);
  assert.equal(await page.locator("#tour").evaluate((t) => t.classList.contains("is-active")), false);
  assert.equal(await page.getByTestId("narration").isVisible(), false, "the tour's panel is closed");
  assert.equal(await page.getByTestId("tour-start").getAttribute("aria-pressed"), "false");
  assert.match(await page.getByTestId("notice").textContent(), /That is the whole tour/);
  await page.waitForFunction(() => location.hash.startsWith("#run="));
});
