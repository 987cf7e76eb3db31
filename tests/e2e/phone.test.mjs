// Issue 25, point 9: on a phone (390×844) the step's caption is on the first screen, the
// time control that stays stuck is small (its rows of inputs, faults and jumps scroll away),
// the fault and jump buttons say their word, and the log's type names are not cut.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, waitReady, settle, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;
const PHONE = { width: 390, height: 844 };

test("phone: the caption on the first screen, a small stuck time control, labelled buttons, whole type names", { skip, timeout: 120000 }, async () => {
  const p = ctx.page = await openPage(ctx.browser, ctx.server.url, { viewport: PHONE });
  await p.getByTestId("step-forward").click();
  await settle(p);
  const caption = await p.getByTestId("step-caption").evaluate((n) => ({ top: n.getBoundingClientRect().top, bottom: n.getBoundingClientRect().bottom, text: n.textContent }));
  assert.match(caption.text, /^Step 1 /);
  assert.ok(caption.bottom <= PHONE.height, `the caption is on the first screen: ${JSON.stringify(caption)}`);
  await screenshot(p, "phone-first-screen");

  // the fault and jump buttons say what they do, in words
  for (const [id, word] of [["fault-prev", "fault"], ["fault-next", "fault"], ["next-timeout", "timeout"], ["next-retry", "retry"], ["next-completion", "done"]]) {
    const shown = await p.getByTestId(id).evaluate((b) => b.innerText);
    assert.ok(shown.includes(word), `${id} shows "${word}": ${JSON.stringify(shown)}`);
  }

  // scrolled down, what stays stuck is the steps and the timeline: at most 15 % of the height
  await p.evaluate(() => window.scrollTo(0, 1500));
  await settle(p);
  const stuck = await p.evaluate(() => {
    const c = document.querySelector(".controls").getBoundingClientRect();
    const steps = document.querySelector("[data-testid=step-forward]").getBoundingClientRect();
    const timeline = document.querySelector("[data-testid=timeline]").getBoundingClientRect();
    return { covered: Math.max(0, c.bottom), steps: steps.top, timeline: timeline.bottom };
  });
  assert.ok(stuck.covered <= 0.15 * PHONE.height, `the stuck part covers ${stuck.covered}px`);
  assert.ok(stuck.steps >= 0 && stuck.timeline <= stuck.covered + 1, `the steps and the timeline stay in view: ${JSON.stringify(stuck)}`);
  await screenshot(p, "phone-scrolled");

  // the log of a chaos run: no type name is cut
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.getByTestId("preset-bar").selectOption("chaos");
  await waitReady(p);
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  await p.getByTestId("log").scrollIntoViewIfNeeded();
  for (const top of [0, 400, 1200, 2400]) {
    await p.getByTestId("log").evaluate((log, t) => { log.scrollTop = t; }, top);
    await settle(p);
    const cut = await p.evaluate(() => [...document.querySelectorAll("[data-testid=message-row] .type-name")]
      .filter((n) => n.getBoundingClientRect().width > 0 && n.scrollWidth > n.clientWidth + 1).map((n) => n.textContent));
    assert.deepEqual(cut, [], `type names cut at scroll ${top}`);
  }
  await screenshot(p, "phone-log");
});
