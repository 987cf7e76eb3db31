// Issue 25, point 10: the sequence diagram on the page (SVG) and the Mermaid download follow
// one rule at the current step: an arrow per delivery made by this step, from the dispatcher
// when it handed the message on, lost ones crossed out, second copies marked, and a message
// published but not delivered yet a note at its publisher.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

/** The Mermaid text's rows: arrows and notes, in order. */
function mermaidRows(text) {
  const names = new Map([...text.matchAll(/participant (A\d+) as (.+)/g)].map((m) => [m[1], m[2].trim()]));
  const rows = [];
  for (const line of text.split("\n")) {
    const arrow = /^\s*(A\d+)(->>|-->>|-x|--x)(A\d+): (\S+) \S+( \((duplicate|lost)\))?/.exec(line);
    if (arrow) {
      rows.push({ from: names.get(arrow[1]), to: names.get(arrow[3]), type: arrow[4], fault: arrow[6] === "lost" ? "drop" : arrow[6] === "duplicate" ? "duplicate" : "" });
      continue;
    }
    const note = /^\s*Note over (A\d+): (\S+) /.exec(line);
    if (note) rows.push({ from: names.get(note[1]), to: "", type: note[2], fault: "" });
  }
  return rows;
}

test("the SVG sequence diagram and the Mermaid text draw the same arrows at every step tried", { skip, timeout: 120000 }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url, { viewport: { width: 1440, height: 900 } }));
  await p.getByTestId("preset-bar").selectOption("chaos");
  await p.waitForFunction(() => !window.brigade.growing);
  await settle(p);
  await p.getByTestId("tab-seq").click();
  const total = await p.evaluate(() => window.brigade.sim.totalSteps());
  let dispatched = false, pending = false, faulty = false;
  for (const step of [Math.floor(total / 5), Math.floor(total / 3), Math.floor(total / 2), total]) {
    await p.evaluate((s) => window.brigade.seek(s), step);
    await settle(p);
    const orders = await p.evaluate(() => window.brigade.sim.orders().slice(0, 4).map((o) => o.correlation_id));
    for (const corr of orders) {
      await p.evaluate((c) => window.brigade.selectOrder(c), corr);
      await settle(p);
      const svgRows = await p.locator("#seq-diagram [data-testid=seq-message]").evaluateAll((gs) => gs.map((g) => ({
        from: g.dataset.from, to: g.dataset.to, type: g.dataset.type, fault: g.dataset.fault ?? "",
      })));
      const text = await p.evaluate((c) => window.brigade.sim.mermaid(c), corr);
      assert.deepEqual(svgRows, mermaidRows(text), `order ${corr.slice(0, 8)} at step ${step}\n${text}`);
      dispatched ||= svgRows.some((r) => r.from === "dispatcher");
      pending ||= svgRows.some((r) => r.to === "");
      faulty ||= svgRows.some((r) => r.fault);
    }
  }
  assert.ok(dispatched, "a cook's CookFood comes from the dispatcher in both");
  assert.ok(pending, "a message not delivered yet is a note in both");
  assert.ok(faulty, "a lost or second copy is drawn in both");
});
