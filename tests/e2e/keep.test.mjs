// Keep and share: export then import gives the same run; bad files are refused and the
// run stays; the address reproduces the screen; a bad address falls back to defaults.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { browserSuite, slide, openPage, waitReady, settle, text, number, screenshot, waitForUrlState } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

async function exportText(p) {
  const [download] = await Promise.all([p.waitForEvent("download"), p.getByTestId("export").click()]);
  return readFile(await download.path(), "utf8");
}

async function importText(p, body, name = "run.json") {
  await p.getByTestId("import").setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(body) });
  await p.waitForFunction(() => !window.brigade.growing);
  await settle(p);
}

async function snapshot(p) {
  return {
    total: await number(p, "total-steps"),
    step: await number(p, "current-step"),
    count: await number(p, "message-count"),
  };
}

test("export then import gives the same run", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.getByTestId("dodgy").check();
  await slide(p, 6);
  await p.getByTestId("place-order").click();
  await waitReady(p);
  const exported = await exportText(p);
  const file = JSON.parse(exported);
  assert.equal(file.format, "brigade-run");
  assert.equal(file.version, 1);
  assert.equal(file.inputs.length, 1, "the placed order is an input");
  assert.ok(file.history.length > 0);

  // start something else, then bring the run back from the file
  await p.getByTestId("setup-toggle").click();
  await p.getByTestId("cfg-orders").fill("2");
  await p.getByTestId("start-run").click();
  await waitReady(p);
  await importText(p, exported);
  assert.equal(await p.getByTestId("error").isVisible(), false, "no error after a good import");
  await p.keyboard.press("End");
  await settle(p);
  assert.equal(await number(p, "current-step"), await number(p, "total-steps"));
  assert.equal(await number(p, "message-count"), file.history.length, "the same number of messages");
  assert.equal(await text(p, "report-orders"), "11");
  const again = JSON.parse(await exportText(p));
  assert.deepEqual(again.history, file.history, "exporting the import gives the same history");
  assert.deepEqual(again.inputs, file.inputs);
});

test("a bad import shows an error and keeps the run", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await slide(p, 9);
  const good = await exportText(p);
  await slide(p, 9);
  const before = await snapshot(p);

  await importText(p, "{ this is not json", "garbage.json");
  assert.equal(await p.getByTestId("error").isVisible(), true, "garbage is refused");
  const garbageMessage = await text(p, "error");
  assert.match(garbageMessage, /Import failed/);
  assert.deepEqual(await snapshot(p), before, "the current run is unchanged");
  await screenshot(p, "import-error");

  await p.locator("#error-close").click();
  assert.equal(await p.getByTestId("error").isVisible(), false);

  const tampered = JSON.parse(good);
  const victim = tampered.history[Math.floor(tampered.history.length / 2)];
  victim.id = victim.id.replace(/^[0-9a-f]/, (c) => (c === "0" ? "1" : "0"));
  await importText(p, JSON.stringify(tampered), "tampered.json");
  assert.equal(await p.getByTestId("error").isVisible(), true, "a tampered history is refused");
  assert.match(await text(p, "error"), /Import failed/);
  assert.deepEqual(await snapshot(p), before, "the current run is unchanged");

  const wrong = JSON.parse(good);
  wrong.format = "something-else";
  await importText(p, JSON.stringify(wrong), "wrong.json");
  assert.match(await text(p, "error"), /Import failed/);
  assert.deepEqual(await snapshot(p), before);
});

test("reloading the address restores the run", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.getByTestId("setup-toggle").click();
  await p.getByTestId("cfg-seed").fill("7");
  await p.getByTestId("cfg-orders").fill("6");
  await p.getByTestId("start-run").click();
  await waitReady(p);
  await slide(p, 10);
  await p.getByTestId("place-order").click();
  await waitReady(p);
  await slide(p, 25);
  await p.locator("[data-testid=message-row]").first().click();
  await p.getByTestId("tab-tree").click();
  await settle(p);
  const before = await snapshot(p);
  const selected = await text(p, "inspector-order");
  const lastStep = await p.evaluate(() => JSON.stringify(window.brigade.sim.lastStep()));
  const caption = await text(p, "step-caption");
  // the address is written a moment after the last change
  await waitForUrlState(p, { s: before.step, t: "tree", i: [[10, "o"]], c: { seed: 7, orders: 6 } });
  const url = p.url();

  await p.reload();
  await waitReady(p);
  assert.deepEqual(await snapshot(p), before, "same step, total and message count");
  assert.equal(await text(p, "inspector-order"), selected, "the same order is selected");
  assert.equal(await p.getByTestId("tab-tree").getAttribute("aria-selected"), "true");
  assert.equal(await p.evaluate(() => JSON.stringify(window.brigade.sim.lastStep())), lastStep, "the same last step");
  assert.equal(await text(p, "step-caption"), caption, "the floor tells the same step");

  // the link works in a fresh tab too
  const other = await openPage(ctx.browser, url);
  assert.deepEqual(await snapshot(other), before);
  assert.deepEqual(other.problems, []);
  await other.context().close();
});

test("a bad address shows a readable error and the default run", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#run=not-base64!!`));
  assert.equal(await p.getByTestId("error").isVisible(), true);
  assert.match(await text(p, "error"), /link could not be used/);
  assert.ok((await number(p, "total-steps")) > 0, "the default run is shown");
  await p.context().close();

  const bad = Buffer.from(JSON.stringify({ v: 1, c: { drop: 7 } })).toString("base64url");
  ctx.page = await openPage(ctx.browser, `${ctx.server.url}#run=${bad}`);
  assert.match(await text(ctx.page, "error"), /link could not be used.*drop/);
  assert.ok((await number(ctx.page, "total-steps")) > 0);
  assert.equal(await number(ctx.page, "current-step"), 0);
});
