// Issue 25, point 10 (axe-core): with a message opened in the message pane and its order
// selected, in light and dark colours, axe finds no violation of any impact: the pane's
// headings follow the log's (h2 → h3 → h4), and links read at 4.5:1 or more on a selected
// or highlighted row too (they were 4.1–4.4:1 in the accent colour).

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle, slide, injectAxe } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

for (const colorScheme of ["light", "dark"]) {
  test(`axe, every impact, the message pane open and its order selected (${colorScheme})`, { skip }, async () => {
    const p = (ctx.page = await openPage(ctx.browser, ctx.server.url, { viewport: { width: 1440, height: 900 }, colorScheme }));
    await slide(p, 60);
    // the first message opened (as a click on its row does) and its order selected
    await p.evaluate(() => window.brigade.openMessage(0));
    await p.getByTestId("message-pane").waitFor({ state: "visible" });
    await settle(p);
    assert.ok(await p.locator("[data-testid=order-row].is-selected").count() > 0, "an order row is selected");
    await injectAxe(p);
    const found = await p.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} ${n.any[0]?.message ?? ""}`).join(" | ")}`));
    assert.deepEqual(found, []);
  });
}
