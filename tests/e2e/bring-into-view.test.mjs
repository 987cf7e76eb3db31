// Issue 25, point 1: the exercise's "open the step" and "open the counterexample" bring the
// run they open into view (scrolled below the sticky time control, focused), on a desktop
// and on a phone; the exercise panel above it no longer hides the change.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { browserSuite, openPage, waitReady, settle, www, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;
const SOLUTION = await readFile(path.join(www, "js/exercise/templates/solution.js"), "utf8");
// pays twice under duplicates: a repeated price asks for the payment again
const PAYS_AGAIN = SOLUTION.replace('case "OrderPriced": answered("price"); break;',
  'case "OrderPriced": if (s.outcome) break; s.order = message.order; request("pay", 1); break;');

/** Where the element is, against the viewport and the sticky controls, and the focus. */
function placement(p, selector) {
  return p.evaluate((sel) => {
    const target = document.querySelector(sel);
    const rect = target.getBoundingClientRect();
    const controls = document.querySelector(".controls").getBoundingClientRect();
    return {
      top: rect.top, height: rect.height, below: controls.bottom, viewport: window.innerHeight,
      focused: target.contains(document.activeElement) && document.activeElement !== document.body,
      focusTop: document.activeElement.getBoundingClientRect().top,
      focusBottom: document.activeElement.getBoundingClientRect().bottom,
    };
  }, selector);
}

function assertShown(where, what) {
  // it fills the screen below the time control, or starts there
  assert.ok(where.top + where.height > where.below + 80 && where.top < where.viewport - 80, `${what} is on the screen: ${JSON.stringify(where)}`);
  assert.ok(where.top >= where.below - 1 || where.top + where.height >= where.viewport, `${what} is not scrolled past: ${JSON.stringify(where)}`);
  assert.ok(where.focused, `${what} has the focus`);
  assert.ok(where.focusTop >= where.below - 1 && Math.min(where.focusBottom, where.focusTop + 60) <= where.viewport + 1, `what has the focus is on the screen: ${JSON.stringify(where)}`);
}

for (const [name, viewport] of [["desktop", { width: 1440, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
  test(`${name}: opening a failure of the check shows its run, scrolled to and focused`, { skip }, async () => {
    const p = ctx.page = await openPage(ctx.browser, ctx.server.url, { viewport });
    // one seeded scenario with duplicates and one explored order kind: a short check
    await p.evaluate(async () => {
      const grade = await import("/js/exercise/grade.js");
      grade.SCENARIOS.splice(0, grade.SCENARIOS.length, ...grade.SCENARIOS.filter((s) => s.name === "chaos"));
      grade.EXPLORATION.orders = ["normal"];
    });
    await p.getByTestId("exercise-toggle").click();
    await p.getByTestId("pm-editor").fill(PAYS_AGAIN);
    await p.getByTestId("pm-grade").click();
    await p.waitForSelector("[data-testid=grade-result]:not([hidden])", { timeout: 120000 });
    assert.equal(await p.getByTestId("grade-result").getAttribute("data-pass"), "false");

    // "open the step": the message where the rule broke, in the message pane
    await p.getByTestId("grade-failure").filter({ hasText: "chaos" }).getByTestId("grade-open").click();
    await waitReady(p);
    await settle(p);
    assertShown(await placement(p, "[data-testid=message-pane]"), "the opened message");
    assert.ok(await p.evaluate(() => window.scrollY) > 0, "the page scrolled past the exercise panel");
    await screenshot(p, `bring-into-view-step-${name}`);

    // "open the counterexample": the explored run at its broken step
    await p.evaluate(() => window.scrollTo(0, 0));
    await p.getByTestId("grade-failure").filter({ hasText: "the normal order" }).getByTestId("grade-open").click();
    await waitReady(p);
    await settle(p);
    assert.equal(await p.evaluate(() => window.brigade.sim.orderCount()), 1);
    const shown = await placement(p, "[data-testid=message-pane]:not([hidden])").catch(() => null)
      ?? await placement(p, ".floor-panel");
    assertShown(shown, "the counterexample's run");
    await screenshot(p, `bring-into-view-counterexample-${name}`);
  });
}
