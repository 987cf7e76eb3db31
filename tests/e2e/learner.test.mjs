// The bugs a learner met first (issue 8), each pinned by a test that failed before its fix.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, slide, openPage, waitReady, settle, text, number, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

async function fresh(hash = "", options) {
  ctx.page = await openPage(ctx.browser, ctx.server.url + hash, options);
  return ctx.page;
}

/** A `#config=` link (CONTRACT.md §5). */
const configLink = (config) => `#config=${encodeURIComponent(JSON.stringify(config))}`;

test("after a mouse click on a button, space plays and pauses instead of pressing it again", { skip }, async () => {
  const p = await fresh();
  await p.getByTestId("place-order").click();
  await waitReady(p);
  const inputs = async () => p.evaluate(() => window.brigade.sim.inputs().length);
  assert.equal(await inputs(), 1);
  await p.keyboard.press(" ");
  await settle(p);
  assert.equal(await inputs(), 1, "space did not place a second order");
  assert.equal(await p.evaluate(() => window.brigade.playing), true, "space started playing");
  await p.keyboard.press(" ");
  await settle(p);
  assert.equal(await p.evaluate(() => window.brigade.playing), false, "space paused");

  // from the keyboard (Tab to a button), space still presses it
  await p.getByTestId("step-forward").focus();
  await p.keyboard.press("Tab");
  await p.keyboard.press("Shift+Tab");
  const before = await number(p, "current-step");
  await p.keyboard.press(" ");
  await settle(p);
  assert.equal(await number(p, "current-step"), before + 1, "a keyboard-focused button is pressed by space");
});
