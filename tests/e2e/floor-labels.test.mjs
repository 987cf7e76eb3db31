// Issue 25, point 5: the floor's labels (an arrow's message, a link's count) never cover an
// actor's card or each other, at any size from 480×320 up and with any number of cooks; the
// embed scales the floor to its frame (no actor cut off, the caption below it); the
// exported SVG is the same drawing without the screen's hints.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { browserSuite, openPage, settle, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

const CHAOS = { orders: 10, drop: 0.15, duplicate: 0.15, dodgy: 0.3, interval_ms: 100 };
const MANY = { ...CHAOS, cooks: ["Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal"].map((name, i) => ({ name, ms: 200 + 50 * i })) };
const link = (config, embed = false) => `#config=${encodeURIComponent(JSON.stringify(config))}${embed ? "&embed" : ""}`;

/** Every visible label's and card's box on the screen, and the pairs that overlap. */
function collisions() {
  const rect = (n) => n.getBoundingClientRect();
  const visible = (r) => r.width > 0 && r.height > 0;
  const cards = [...document.querySelectorAll("[data-testid=actor]")].map((n) => ({ name: n.dataset.actor, r: rect(n) })).filter((c) => visible(c.r));
  const labels = [...document.querySelectorAll("#floor-arrows .label-bg, #floor-links .link-count-bg")]
    .map((n) => ({ name: n.nextElementSibling?.textContent ?? "", r: rect(n) })).filter((l) => visible(l.r));
  const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const found = [];
  for (const l of labels) {
    for (const c of cards) if (hit(l.r, c.r)) found.push(`label "${l.name}" on ${c.name}`);
  }
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) if (hit(labels[i].r, labels[j].r)) found.push(`label "${labels[i].name}" on "${labels[j].name}"`);
  }
  return { found, labels: labels.length, cards: cards.length };
}

/** The steps to look at: the first faults (their labels are the longest) and a spread. */
async function stepsToCheck(page) {
  return page.evaluate(() => {
    const sim = window.brigade.sim;
    const total = sim.totalSteps();
    const steps = [];
    let at = 0;
    for (let i = 0; i < 8; i++) {
      const next = sim.nextMark("fault", at);
      if (next === undefined) break;
      steps.push(next);
      at = next;
    }
    for (let i = 1; i <= 6; i++) steps.push(Math.floor((total * i) / 7));
    return steps;
  });
}

async function checkRun(page, what) {
  let labelled = 0;
  for (const step of await stepsToCheck(page)) {
    await page.evaluate((s) => window.brigade.seek(s), step);
    await settle(page);
    await settle(page);
    const c = await page.evaluate(collisions);
    assert.deepEqual(c.found, [], `${what}, step ${step}`);
    labelled += c.labels;
  }
  assert.ok(labelled > 10, `${what}: labels were drawn (${labelled})`);
}

for (const [name, viewport] of [["1440x900", { width: 1440, height: 900 }], ["390x844", { width: 390, height: 844 }], ["480x320", { width: 480, height: 320 }]]) {
  test(`${name}: no label covers a card or another label, 3 cooks and 8`, { skip, timeout: 180000 }, async () => {
    for (const [config, what] of [[CHAOS, "3 cooks"], [MANY, "8 cooks"]]) {
      const page = ctx.page = await openPage(ctx.browser, ctx.server.url + link(config), { viewport });
      await checkRun(page, `${name}, ${what}`);
      await page.evaluate((s) => window.brigade.seek(s), (await stepsToCheck(page))[0]);
      await settle(page);
      await page.locator(".floor-panel").scrollIntoViewIfNeeded();
      await screenshot(page, `floor-labels-${name}-${what.replace(" ", "-")}`);
      const problems = page.problems;
      await page.context().close();
      ctx.page = null;
      assert.deepEqual(problems, []);
    }
  });
}

for (const [name, viewport] of [["640x400", { width: 640, height: 400 }], ["480x320", { width: 480, height: 320 }]]) {
  test(`embed ${name}: the floor is scaled to the frame, every actor in view, labels clear`, { skip, timeout: 120000 }, async () => {
    for (const config of [CHAOS, MANY]) {
      const page = ctx.page = await openPage(ctx.browser, ctx.server.url + link(config, true), { viewport });
      const fault = (await stepsToCheck(page))[0];
      await page.evaluate((s) => window.brigade.seek(s), fault);
      await settle(page);
      await settle(page);
      const view = await page.evaluate(() => {
        const caption = document.querySelector("[data-testid=step-caption]").getBoundingClientRect();
        const cards = [...document.querySelectorAll("[data-testid=actor]")].map((n) => ({ name: n.dataset.actor, r: n.getBoundingClientRect() }));
        return { caption: { top: caption.top, bottom: caption.bottom }, cards, scrollY: window.scrollY, w: innerWidth, h: innerHeight };
      });
      for (const c of view.cards) {
        assert.ok(c.r.left >= 0 && c.r.right <= view.w + 0.5 && c.r.top >= 0 && c.r.bottom <= view.caption.top + 0.5,
          `${c.name} is in the frame above the caption: ${JSON.stringify(c.r)} caption ${JSON.stringify(view.caption)}`);
      }
      assert.ok(view.caption.bottom <= view.h + 0.5, "the caption is in the frame");
      assert.deepEqual((await page.evaluate(collisions)).found, []);
      await screenshot(page, `floor-embed-${name}-${config.cooks ? "8-cooks" : "3-cooks"}`);
      const problems = page.problems;
      await page.context().close();
      ctx.page = null;
      assert.deepEqual(problems, []);
    }
  });
}

test("the exported floor SVG is the drawing without the screen's hints", { skip, timeout: 60000 }, async () => {
  const page = ctx.page = await openPage(ctx.browser, ctx.server.url + link(CHAOS), { viewport: { width: 1440, height: 900 } });
  const fault = (await stepsToCheck(page))[0];
  await page.evaluate((s) => window.brigade.seek(s), fault);
  await settle(page);
  await settle(page);
  assert.match(await page.locator(".floor-panel .legend").textContent(), /click an actor for its mailbox/, "the screen shows the hint");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-floor-svg").click()]);
  const svgText = await readFile(await download.path(), "utf8");
  assert.doesNotMatch(svgText, /click an actor/);
  // the same labels as on the screen
  const shown = await page.evaluate(() => [...document.querySelectorAll("#floor-arrows text")].map((t) => t.textContent));
  assert.ok(shown.length > 0);
  for (const label of shown) assert.ok(svgText.includes(label.replace(/&/g, "&amp;").replace(/</g, "&lt;")), `the SVG has "${label}"`);
});
