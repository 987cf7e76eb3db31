// Issue 25, point 7: the exercise's rough edges. The rules Check grades are listed beside the
// editor before any check (`rule`, data-status unchecked / pass / fail); "Run it" has a
// Stop; a click on Check while a run goes says so; the verdict's counts match its bullets.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { browserSuite, openPage, waitReady, www, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;
const SOLUTION = await readFile(path.join(www, "js/exercise/templates/solution.js"), "utf8");
const PAYS_AGAIN = SOLUTION.replace('case "OrderPriced": answered("price"); break;',
  'case "OrderPriced": if (s.outcome) break; s.order = message.order; request("pay", 1); break;');

const statuses = (p) => p.getByTestId("rule").evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.rule, e.dataset.status])));

test("the rules are listed beside the editor and marked as the check finds them", { skip, timeout: 180000 }, async () => {
  const p = ctx.page = await openPage(ctx.browser, ctx.server.url, { viewport: { width: 1440, height: 900 } });
  await p.getByTestId("exercise-toggle").click();
  // exercise mode's code loads when it is first opened
  await p.getByTestId("exercise").waitFor({ state: "visible" });
  const before = await statuses(p);
  assert.deepEqual(Object.keys(before).sort(), ["after-end", "complete-after-work", "one-terminal", "pay-again", "pay-first", "payments", "retries", "runs"]);
  assert.ok(Object.values(before).every((s) => s === "unchecked"), JSON.stringify(before));
  assert.equal(await p.getByTestId("rule").first().isVisible(), true, "listed before any check");
  // a short check: one seeded scenario with duplicates, every fate of one normal order
  await p.evaluate(async () => {
    const grade = await import("/js/exercise/grade.js");
    grade.SCENARIOS.splice(0, grade.SCENARIOS.length, ...grade.SCENARIOS.filter((s) => s.name === "chaos" || s.name === "lossy, half dodgy"));
    grade.EXPLORATION.orders = ["normal", "dodgy"];
  });
  await p.getByTestId("pm-editor").fill(PAYS_AGAIN);
  await p.getByTestId("pm-grade").click();
  await p.waitForSelector("[data-testid=grade-result]:not([hidden])", { timeout: 150000 });
  const after = await statuses(p);
  assert.equal(after["pay-again"], "fail");
  assert.equal(after.payments, "pass");
  assert.ok(Object.values(after).every((s) => s === "pass" || s === "fail"));
  // the verdict counts what it lists
  const bullets = await p.getByTestId("grade-failure").count();
  const verdict = await p.locator(".grade-verdict").textContent();
  const m = verdict.match(/^Failed: (\d+) rules? broken, in (\d+) places?/);
  assert.ok(m, verdict);
  assert.equal(Number(m[2]), bullets, verdict);
  assert.equal(Number(m[1]), Object.values(after).filter((s) => s === "fail").length);
  await screenshot(p, "exercise-rules-marked");
});

test("Run it has a Stop; Check while it runs says so", { skip, timeout: 120000 }, async () => {
  const p = ctx.page = await openPage(ctx.browser, ctx.server.url);
  await p.getByTestId("exercise-toggle").click();
  await p.getByTestId("pm-editor").fill("function decide(state, message, config) { for (;;) {} }");
  const stop = p.getByTestId("pm-stop");
  assert.equal(await stop.isVisible(), false);
  await p.getByTestId("pm-run").click();
  await stop.waitFor({ state: "visible", timeout: 5000 });
  await p.getByTestId("pm-grade").click();
  assert.match(await p.getByTestId("pm-status").textContent(), /still running: Stop it first/);
  const started = Date.now();
  await stop.click();
  await p.waitForFunction(() => /^Stopped/.test(document.querySelector("[data-testid=pm-status]").textContent), null, { timeout: 5000 });
  assert.ok(Date.now() - started < 5000, "stopped at once, not after the 30 s limit");
  assert.equal(await stop.isVisible(), false);
  // the page works on: the next run gets a fresh worker
  await p.getByTestId("pm-editor").fill(SOLUTION);
  await p.getByTestId("pm-run").click();
  await p.waitForFunction(() => /ran \d+ orders/.test(document.querySelector("[data-testid=pm-status]").textContent), null, { timeout: 60000 });
  await waitReady(p);
});
