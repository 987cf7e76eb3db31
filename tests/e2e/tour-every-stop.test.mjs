// Issue 25, point 4, every stop: the tour is walked from its first stop to its last with
// Next, and at each stop what the narration names is what the page points at. The log row
// highlighted is a message the narration names (its type) and so does the caption; an
// actor highlighted is named by the caption; "seq N" in the narration is the highlighted
// row's seq when a row is highlighted; an order "#N" the narration names is an order of the
// run; no "Type #N" (the old notation that read like an order number).

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

async function arrived(page, at) {
  await page.waitForFunction((a) => {
    const n = document.querySelector("[data-testid=narration]");
    return location.hash === `#tour=${a}` && ["stopped", "missing"].includes(n?.dataset.state);
  }, at, { timeout: 60000 }).catch(async (error) => {
    const where = await page.evaluate(() => [location.hash, document.querySelector("[data-testid=narration]")?.dataset.state]);
    throw new Error(`stop ${at} not reached: the page is at ${JSON.stringify(where)} (${error.message})`);
  });
  await settle(page);
  await settle(page);
}

test("every stop of every chapter points at what its narration names", { skip, timeout: 600000 }, async () => {
  const page = ctx.page = await openPage(ctx.browser, `${ctx.server.url}#tour=1.1`, { viewport: { width: 1440, height: 900 } });
  const problems = [];
  const seen = [];
  let at = "1.1";
  for (let guard = 0; guard < 80; guard++) {
    await arrived(page, at);
    const s = await page.evaluate(() => {
      const n = document.querySelector("[data-testid=narration]");
      const rows = [...document.querySelectorAll("#log-rows .tour-point")];
      return {
        state: n.dataset.state,
        text: n.textContent,
        rows: rows.map((r) => ({ seq: Number(r.dataset.seq), type: r.dataset.type })),
        actors: [...document.querySelectorAll(".tour-point[data-testid=actor]")].map((a) => a.dataset.actor),
        caption: document.querySelector("[data-testid=step-caption]").textContent,
        orders: window.brigade.sim.orderCount(),
        names: window.brigade.sim.actors().map((a) => a.name),
        selected: window.brigade.selected ? window.brigade.sim.order(window.brigade.selected)?.order ?? null : null,
        next: document.querySelector("[data-testid=tour-next]").textContent.trim(),
      };
    });
    seen.push(at);
    const say = (what) => problems.push(`${at}: ${what}\n    narration: ${s.text}\n    caption: ${s.caption}`);
    if (s.state !== "stopped") say(`the stop's moment was not found (${s.state})`);
    for (const row of s.rows) {
      if (!s.text.includes(row.type)) say(`the highlighted row is a ${row.type}, which the narration does not name`);
      if (!s.caption.includes(row.type)) say(`the highlighted row is a ${row.type}, which the caption does not name`);
    }
    for (const actor of s.actors) {
      if (!s.caption.includes(actor)) say(`${actor} is highlighted but the caption does not name it`);
    }
    // the actors the narration names: a highlighted actor is one of them
    const named = s.names.filter((name) => new RegExp(`\\b${name}\\b`).test(s.text));
    for (const actor of s.actors) {
      if (named.length && !named.includes(actor)) say(`${actor} is highlighted; the narration names ${named.join(", ")}`);
    }
    // an order the narration names is the order the inspector shows, when it shows one
    const orderNos = [...s.text.matchAll(/\border #(\d+)/gi)].map((m) => Number(m[1]));
    if (orderNos.length && s.selected !== null && !orderNos.includes(s.selected)) {
      say(`the narration names order #${orderNos.join(", #")} and the inspector shows order #${s.selected}`);
    }
    const seqs = [...s.text.matchAll(/\bseq (\d+)/g)].map((m) => Number(m[1]));
    if (seqs.length && s.rows.length && !seqs.some((q) => s.rows.some((r) => r.seq === q))) {
      say(`the narration names seq ${seqs.join(", ")} and the highlighted row is seq ${s.rows.map((r) => r.seq).join(", ")}`);
    }
    for (const m of s.text.matchAll(/\border #(\d+)/gi)) {
      if (Number(m[1]) < 1 || Number(m[1]) > s.orders) say(`order #${m[1]} is not an order of this run (${s.orders} placed by this step)`);
    }
    if (/\b[A-Z][a-z]+[A-Z][A-Za-z]* #\d+/.test(s.text)) say("a message type followed by #N (reads as an order number)");
    if (s.next === "Finish") break;
    // the next stop: the chapter list and "Stop N of M" say which (then the address does)
    const where = () => page.evaluate(() => `${Number(document.querySelector("[data-testid=tour-list]").value) + 1}.${/Stop (\d+)/.exec(document.querySelector("[data-testid=tour-stop]").textContent)?.[1]}`);
    await page.getByTestId("tour-next").click();
    await page.waitForFunction((prev) => `${Number(document.querySelector("[data-testid=tour-list]").value) + 1}.${/Stop (\d+)/.exec(document.querySelector("[data-testid=tour-stop]").textContent)?.[1]}` !== prev, at, { timeout: 60000 });
    at = await where();
  }
  assert.ok(seen.length >= 11, `the tour was walked to its end: ${seen.join(" ")}`);
  assert.ok(seen.some((s) => s.startsWith("11.")), `to chapter 11: ${seen.join(" ")}`);
  assert.deepEqual(problems, []);
});
