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

test("a #config= link opens that run at step 0; presets are one click away in the main bar", { skip }, async () => {
  const config = { seed: 5, orders: 4, cooks: [{ name: "Ana", ms: 300 }, { name: "Bo", ms: 200 }] };
  const p = await fresh(configLink(config));
  assert.equal(await number(p, "current-step"), 0);
  assert.equal(await p.getByTestId("error").isVisible(), false);
  const cooks = await p.locator("[data-testid=actor][data-kind=cook]").evaluateAll((n) => n.map((x) => x.dataset.actor));
  assert.deepEqual(cooks, ["Ana", "Bo"]);
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  assert.equal(await text(p, "report-orders"), "4");
  // a broken link says so and shows the default run
  await p.goto(`${ctx.server.url}#config=%7Bnope`);
  await waitReady(p);
  assert.match(await text(p, "error"), /link could not be used: the config in the link is not JSON/);
  p.problems.length = 0;

  const presets = await p.evaluate(() => window.brigade.presets.map((x) => x.name));
  assert.ok(presets.includes("chaos"));
  await p.getByTestId("preset-bar").selectOption("chaos");
  await waitReady(p);
  const chaos = await p.evaluate(() => window.brigade.presets.find((x) => x.name === "chaos").config);
  assert.equal(await p.evaluate(() => window.brigade.config.drop), chaos.drop, "the chaos run started");
  assert.equal(await number(p, "current-step"), 0);
  assert.equal(await p.getByTestId("preset-bar").inputValue(), "chaos");
});

test("placing an order after rewinding says the rest was replaced, and Back brings the old run back", { skip }, async () => {
  const p = await fresh();
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  const total = await number(p, "total-steps");
  await slide(p, 30);
  await p.waitForTimeout(300); // the address catches up with the cursor (it is written 200 ms after a change)
  const entries = await p.evaluate(() => history.length);
  assert.equal(await p.getByTestId("notice").isVisible(), false);
  await p.getByTestId("place-order").click();
  await waitReady(p);
  assert.equal(await p.getByTestId("notice").isVisible(), true, "a notice says what happened");
  assert.match(await text(p, "notice"), /at step 30 replaced the rest of the run.*Back/);
  await p.waitForFunction((n) => history.length === n + 1, entries);
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  assert.notEqual(await number(p, "total-steps"), total, "the new run has the new order's steps");
  assert.equal(await text(p, "report-orders"), "11");

  await p.goBack();
  await waitReady(p);
  await settle(p);
  assert.equal(await number(p, "current-step"), 30, "back at the rewound step");
  assert.equal(await p.evaluate(() => window.brigade.sim.inputs().length), 0, "without the order");
  assert.equal(await number(p, "total-steps"), total, "the old run is there");
  assert.equal(await p.getByTestId("notice").isVisible(), false);
  await screenshot(p, "back-undoes");
});

/** Rectangles of the floor's actors, its title, caption and arrow labels, and the panel. */
async function floorBoxes(p) {
  return p.evaluate(() => {
    const r = (n) => { const b = n.getBoundingClientRect(); return { left: b.left, top: b.top, right: b.right, bottom: b.bottom, name: n.dataset.actor ?? n.id ?? n.tagName }; };
    const panel = document.querySelector(".floor-panel");
    return {
      panel: r(panel),
      actors: [...document.querySelectorAll("[data-testid=actor]")].map(r),
      title: r(document.querySelector("#floor-title")),
      caption: r(document.querySelector("[data-testid=step-caption]")),
      labels: [...document.querySelectorAll("[data-testid=floor-arrow] rect.label-bg")].map(r),
    };
  });
}

const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
const inside = (a, box) => a.left >= box.left - 0.5 && a.right <= box.right + 0.5 && a.top >= box.top - 0.5 && a.bottom <= box.bottom + 0.5;
const COOKS = ["Koen", "Guido", "Greg", "Ana", "Bo", "Cy", "Di", "Ed"];

test("the floor lays out 1 to 8 cooks: no box overlaps another, the title or the caption, none is clipped", { skip }, async () => {
  const sizes = [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }, { width: 1024, height: 768 }, { width: 390, height: 844 }];
  for (const viewport of sizes) {
    for (let n = 1; n <= 8; n++) {
      if (viewport.width !== 1280 && ![1, 4, 6, 8].includes(n)) continue;
      const config = { orders: 3, cooks: COOKS.slice(0, n).map((name) => ({ name, ms: 300 })) };
      const p = await fresh(configLink(config), { viewport });
      await slide(p, 12); // arrows and labels on the floor
      const where = `${n} cooks at ${viewport.width}px`;
      const b = await floorBoxes(p);
      assert.equal(b.actors.filter((a) => COOKS.includes(a.name)).length, n, where);
      for (let i = 0; i < b.actors.length; i++) {
        const a = b.actors[i];
        assert.ok(inside(a, b.panel), `${a.name} is inside the floor panel (${where})`);
        assert.ok(!overlap(a, b.title), `${a.name} does not cover the title (${where})`);
        assert.ok(!overlap(a, b.caption), `${a.name} does not cover the caption (${where})`);
        for (let j = i + 1; j < b.actors.length; j++) assert.ok(!overlap(a, b.actors[j]), `${a.name} and ${b.actors[j].name} do not overlap (${where})`);
      }
      assert.ok(inside(b.caption, b.panel), `the caption is inside the panel (${where})`);
      for (const label of b.labels) {
        assert.ok(!overlap(label, b.caption) && !overlap(label, b.title), `an arrow label covers neither the caption nor the title (${where})`);
      }
      await p.context().close();
      ctx.page = null;
    }
  }
});

test("the orders table in the numbers panel has real height at 1024, 1280 and 1920 px", { skip }, async () => {
  for (const viewport of [{ width: 1024, height: 768 }, { width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
    const p = await fresh("", { viewport });
    await p.getByTestId("run-to-end").click();
    await waitReady(p);
    const table = await p.locator(".orders-wrap").evaluate((n) => n.getBoundingClientRect().height);
    assert.ok(table >= 80, `the orders table is ${table} px high at ${viewport.width} px`);
    const rows = await p.getByTestId("order-row").evaluateAll((rows) => rows.filter((r) => r.getBoundingClientRect().height > 10).length);
    assert.equal(rows, 10, "every order has a row");
    // and at least three of them are in view without scrolling the panel
    await p.locator(".numbers-panel").evaluate((n) => n.scrollIntoView({ block: "start" }));
    const inView = await p.getByTestId("order-row").evaluateAll((rows) => {
      const wrap = document.querySelector(".orders-wrap").getBoundingClientRect();
      const panel = document.querySelector(".numbers-panel").getBoundingClientRect();
      const top = Math.max(wrap.top, panel.top), bottom = Math.min(wrap.bottom, panel.bottom, innerHeight);
      return rows.filter((r) => { const b = r.getBoundingClientRect(); return b.top >= top - 1 && b.bottom <= bottom + 1; }).length;
    });
    assert.ok(inView >= 3, `${inView} order rows in view at ${viewport.width} px`);
    await p.context().close();
    ctx.page = null;
  }
});

test("the numbers say seconds where they say time, 'expired' once, why more dishes than orders, and the queue chart can be read", { skip }, async () => {
  const p = await fresh();
  await p.getByTestId("preset-bar").selectOption("chaos");
  await waitReady(p);
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  const report = await p.evaluate(() => window.brigade.sim.report());
  const cooked = Object.values(report.per_cook).reduce((a, b) => a + b, 0);
  assert.ok(cooked > report.orders, "the chaos run cooks some orders twice");
  const shown = await text(p, "report");
  assert.doesNotMatch(shown, /\bms\b/, "no label or value in ms: times are in seconds");
  assert.match(await text(p, "report-latency"), new RegExp(`median ${report.latency_ms.median / 1000} s`));
  assert.ok((shown.match(/expired/g) ?? []).length <= 1, "'expired' is shown at most once");
  assert.match(await text(p, "cooked-explained"), new RegExp(`${cooked} cooked for ${report.orders} orders.*retr.*twice`));

  // the chart: a legend, and pointing at it reads the queues of that moment
  const chart = p.getByTestId("queue-chart");
  const before = await text(p, "chart-readout");
  assert.match(before, /busiest moment, [\d.]+ s–[\d.]+ s: \S+ \d/);
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  await p.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
  await settle(p);
  const pointed = await text(p, "chart-readout");
  assert.match(pointed, /^[\d.]+ s–[\d.]+ s: /);
  assert.notEqual(pointed, before);
  const legend = await p.locator("#chart-legend [data-actor]").evaluateAll((n) => n.map((x) => x.dataset.actor));
  assert.ok(legend.includes("Koen"), "the legend names the lines");
  await chart.focus();
  await p.keyboard.press("Home");
  await settle(p);
  assert.match(await text(p, "chart-readout"), /^0 s–/, "the arrow keys walk the chart");
  assert.equal(await number(p, "current-step"), await number(p, "total-steps"), "keys on the chart do not move the time");
});

test("on a phone the control bar stays at hand, the ids stay (shortened), the controls fit a finger", { skip }, async () => {
  const p = await fresh("", { viewport: { width: 390, height: 844 } });
  await slide(p, 30);
  await p.evaluate(() => window.scrollTo(0, 1200));
  await settle(p);
  // the steps and the timeline stick to the top; the rows above them scrolled away (issue 25)
  const steps = await p.getByTestId("step-forward").evaluate((n) => n.getBoundingClientRect().top);
  const timeline = await p.getByTestId("timeline").evaluate((n) => n.getBoundingClientRect().bottom);
  assert.ok(steps >= 0 && steps <= 12, `the step buttons stick to the top (top ${steps})`);
  assert.ok(timeline <= 0.15 * 844, `the timeline is stuck under them (bottom ${timeline})`);
  assert.equal(await p.getByTestId("step-forward").isVisible(), true);
  for (const id of ["place-order", "step-back", "play", "step-forward", "run-to-end", "speed", "live-version"]) {
    const h = await p.getByTestId(id).evaluate((n) => n.getBoundingClientRect().height);
    assert.ok(h >= 40, `${id} is ${h} px tall`);
  }
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, "no horizontal scrolling");
  const cells = await p.locator("[data-testid=message-row]").first().evaluate((row) => {
    const [, , , , , id, corr, cause] = row.children;
    const show = (n) => ({ text: n.textContent, width: n.getBoundingClientRect().width, right: n.getBoundingClientRect().right, shown: getComputedStyle(n).display !== "none" });
    return { id: show(id), corr: show(corr), cause: show(cause), row: { ...row.dataset } };
  });
  for (const [name, full] of [["id", cells.row.id], ["corr", cells.row.correlationId], ["cause", cells.row.causationId]]) {
    const c = cells[name];
    assert.ok(c.shown && c.width >= 30, `the ${name} column is shown (${c.width} px)`);
    assert.ok(c.right <= 390, `the ${name} column is on the screen`);
    if (full) assert.ok(full.startsWith(c.text) && c.text.length >= 4, `the ${name} is shortened: ${c.text}`);
  }
  await screenshot(p, "phone-sticky");
});
