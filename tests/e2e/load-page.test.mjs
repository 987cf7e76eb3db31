// The page's part of non-uniform load (issue 22): the set-up form's arrivals, cooking,
// backoff and time-to-live fields, throughput beside queue length in the numbers panel,
// and who cooked each receipt's order.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, waitReady, settle, slide, text, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

async function fresh(hash = "", options) {
  ctx.page = await openPage(ctx.browser, ctx.server.url + hash, options);
  return ctx.page;
}

/** The config of the run the page shows, as the address keeps it. */
async function addressConfig(p) {
  return p.evaluate(() => {
    const raw = new URLSearchParams(location.hash.slice(1)).get("run");
    return raw ? JSON.parse(atob(raw.replace(/-/g, "+").replace(/_/g, "/"))).c ?? {} : null;
  });
}

test("the set-up form sets arrivals, cooking, backoff and the time to live, kept in the address", { skip }, async () => {
  const p = await fresh();
  await p.getByTestId("setup-toggle").click();
  // the engine's own error, beside the field it is about
  await p.getByTestId("cfg-cook-jitter").fill("1.5");
  await p.getByTestId("start-run").click();
  await settle(p);
  assert.ok((await p.locator("[data-error-for=cook_jitter]").textContent()).trim().length > 0, "cook jitter says what is wrong");
  assert.equal(await p.getByTestId("cfg-cook-jitter").getAttribute("aria-invalid"), "true");
  await p.getByTestId("cfg-cook-jitter").fill("0.2");
  await p.locator("details.advanced summary").click();
  await p.getByTestId("cfg-backoff").fill("20");
  await p.getByTestId("start-run").click();
  await settle(p);
  assert.ok((await p.locator("[data-error-for=backoff]").textContent()).trim().length > 0, "backoff says what is wrong");
  await p.getByTestId("cfg-backoff").fill("2");
  await p.getByTestId("cfg-backoff-jitter").fill("0.1");
  await p.getByTestId("cfg-time-to-live").fill("9000");
  await p.getByTestId("cfg-arrivals").selectOption("rush");
  await p.getByTestId("cfg-rush-size").fill("4");
  await p.getByTestId("cfg-cooking").selectOption("by-dish");
  await p.getByTestId("cfg-orders").fill("8");
  await p.getByTestId("start-run").click();
  await waitReady(p);
  assert.equal(await p.getByTestId("setup").isVisible(), false, "the run started");
  await p.waitForFunction(() => {
    const raw = new URLSearchParams(location.hash.slice(1)).get("run");
    return raw && JSON.parse(atob(raw.replace(/-/g, "+").replace(/_/g, "/"))).c?.arrivals === "rush";
  });
  const config = await addressConfig(p);
  assert.deepEqual(
    { a: config.arrivals, r: config.rush_size, c: config.cooking, j: config.cook_jitter, b: config.backoff, bj: config.backoff_jitter, t: config.time_to_live_ms },
    { a: "rush", r: 4, c: "by-dish", j: 0.2, b: 2, bj: 0.1, t: 9000 }, "every new key is in the address");

  // the link opens the same settings in the form
  const again = await fresh(`#config=${encodeURIComponent(JSON.stringify({ orders: 6, arrivals: "poisson", cooking: "by-dish", time_to_live_ms: 7000 }))}`);
  await again.getByTestId("setup-toggle").click();
  assert.equal(await again.getByTestId("cfg-arrivals").inputValue(), "poisson");
  assert.equal(await again.getByTestId("cfg-cooking").inputValue(), "by-dish");
  assert.equal(await again.getByTestId("cfg-time-to-live").inputValue(), "7000");
  assert.equal(await again.getByTestId("cfg-backoff").inputValue(), "", "an unset key stays empty (the engine's default)");
  // a default run's form leaves the new keys out of the config it starts
  await again.getByTestId("cfg-arrivals").selectOption("fixed");
  await again.getByTestId("cfg-cooking").selectOption("per-order");
  await again.locator("details.advanced summary").click();
  await again.getByTestId("cfg-time-to-live").fill("");
  await again.getByTestId("start-run").click();
  await waitReady(again);
  await again.waitForFunction(() => /run=/.test(location.hash) && !/arrivals/.test(atob(new URLSearchParams(location.hash.slice(1)).get("run").replace(/-/g, "+").replace(/_/g, "/"))));
  const plain = await addressConfig(again);
  assert.equal(plain.arrivals, undefined);
  assert.equal(plain.cooking, undefined);
  assert.equal(plain.time_to_live_ms, undefined);
});

test("throughput and busy share beside each queue, from the engine's load, on a rush-hour run", { skip }, async () => {
  const p = await fresh(`#config=${encodeURIComponent(JSON.stringify({ ...(await presetConfig("rush-hour")) }))}`, { viewport: { width: 1440, height: 900 } });
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  // on a desktop the throughput table takes the orders table's place at the press of a button
  assert.equal(await p.getByTestId("load-table").isVisible(), false, "the orders table shows first");
  await p.getByTestId("show-load").click();
  assert.equal(await p.getByTestId("load-table").isVisible(), true);
  assert.equal(await p.getByTestId("orders").isVisible(), false);
  const report = await p.evaluate(() => window.brigade.sim.report());
  const rows = await p.getByTestId("load-row").evaluateAll((trs) => trs.map((tr) => ({
    actor: tr.dataset.actor, perSecond: Number(tr.dataset.perSecond), busy: tr.querySelector("[data-testid=load-busy]").textContent,
  })));
  const busy = Object.entries(report.load).filter(([, l]) => l.taken > 0);
  assert.ok(busy.length >= 3, "several workers took messages");
  assert.deepEqual(rows.map((r) => r.actor), busy.map(([name]) => name), "one row per worker that took a message");
  for (const row of rows) {
    assert.equal(row.perSecond, report.load[row.actor].per_second, `${row.actor}: the engine's throughput`);
    assert.equal(row.busy, `${Math.round(100 * report.load[row.actor].utilisation)} %`);
  }
  // Little's law, read from the engine: mean queue = per second × mean wait
  const little = await text(p, "load-little");
  assert.match(little, /Little's law/);
  const [, shown] = /= ([\d.]+) ≈ mean queue ([\d.]+)/.exec(little) ?? [];
  assert.ok(shown !== undefined, little);
  const [name] = /Little's law, ([^:]+):/.exec(little).slice(1);
  assert.ok(Math.abs(Number(shown) - report.load[name].mean_queue) < 0.02, `${little} holds for ${name}`);
  await p.getByTestId("load").scrollIntoViewIfNeeded();
  await screenshot(p, "load-desktop");
  await p.getByTestId("show-orders").click();
  assert.equal(await p.getByTestId("orders").isVisible(), true, "and back");
  await p.getByTestId("show-load").click();
  // during the first rushes: a cook's queue beside his throughput so far, each the engine's
  const total = await p.evaluate(() => window.brigade.sim.totalSteps());
  await slide(p, Math.round(total * 0.2));
  const queues = await p.evaluate(() => Object.fromEntries(window.brigade.sim.actors().map((a) => [a.name, a.queue])));
  const shownQueues = await p.getByTestId("load-row").evaluateAll((trs) => trs.map((tr) => [tr.dataset.actor, Number(tr.querySelector("[data-testid=load-queue]").textContent)]));
  assert.ok(shownQueues.length > 0);
  for (const [name, q] of shownQueues) assert.equal(q, queues[name], `${name}'s queue at the cursor`);
  await p.locator("figure.chart").evaluate((f) => f.scrollIntoView({ block: "start" }));
  await settle(p);
  await screenshot(p, "load-rush-desktop");
});

test("the throughput table fits a phone", { skip }, async () => {
  const p = await fresh(`#config=${encodeURIComponent(JSON.stringify(await presetConfig("rush-hour")))}`, { viewport: { width: 390, height: 844 } });
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  assert.ok(await p.getByTestId("load-row").count() > 0);
  assert.equal(await p.getByTestId("load-table").isVisible(), true, "on a phone the table is under the orders, no switch needed");
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scroll on a phone (${overflow} px)`);
  await p.getByTestId("load").scrollIntoViewIfNeeded();
  await screenshot(p, "load-phone");
});

test("a receipt says who cooked the order, how long it took and with what", { skip }, async () => {
  const p = await fresh(`#config=${encodeURIComponent(JSON.stringify({ orders: 3, cooking: "by-dish" }))}`);
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  await p.getByTestId("tab-receipts").click();
  await settle(p);
  const receipts = await p.evaluate(() => window.brigade.sim.receipts());
  assert.ok(receipts.length > 0);
  const latest = receipts[receipts.length - 1];
  const card = p.locator(`[data-testid=receipt][data-order="${latest.order}"]`);
  assert.equal(await card.getByTestId("receipt-cook").textContent(), latest.cooked_by);
  assert.equal(await card.getByTestId("receipt-cooking-time").textContent(), `${(latest.cooking_ms / 1000).toFixed(3)} s`);
  const ingredients = await card.getByTestId("receipt-ingredients").textContent();
  assert.ok(latest.ingredients.length > 0);
  for (const i of latest.ingredients) assert.ok(ingredients.includes(i), `${i} is on the receipt`);
});

let presets = null;
/** A preset's config, read from the engine in the page. */
async function presetConfig(name) {
  if (!presets) {
    const p = await openPage(ctx.browser, ctx.server.url);
    presets = await p.evaluate(() => window.brigade.presets);
    await p.context().close();
  }
  const found = presets.find((x) => x.name === name);
  assert.ok(found, `the engine offers the ${name} preset`);
  return found.config;
}

test("the chart shows each actor's throughput over time beside its queue length, from the engine's samples", { skip }, async () => {
  const p = await fresh(`#config=${encodeURIComponent(JSON.stringify({ ...(await presetConfig("rush-hour")) }))}`, { viewport: { width: 1440, height: 900 } });
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  const samples = await p.evaluate(() => window.brigade.sim.queueSamples(300));
  const report = await p.evaluate(() => window.brigade.sim.report());
  // every message an actor took is in one interval of the samples
  samples.actors.forEach((name, a) => {
    const taken = samples.taken.reduce((sum, row) => sum + row[a], 0);
    assert.equal(taken, report.load[name].taken, `${name}'s takes add up`);
  });
  await p.getByTestId("queue-chart").scrollIntoViewIfNeeded();
  const queues = await text(p, "chart-readout");
  assert.match(queues, /busiest moment/);
  assert.doesNotMatch(queues, /\/s/, "queue lengths first");
  await p.getByTestId("chart-metric").selectOption("rate");
  await settle(p);
  const rates = await text(p, "chart-readout");
  assert.match(rates, /\d(\.\d)?\/s/, rates);
  assert.match(await p.getByTestId("queue-chart").getAttribute("aria-label"), /taken per simulated second/);
  // the readout's figures are the engine's: takes in the second up to the row, per second
  const [, from] = /^busiest moment, ([\d.]+) s/.exec(rates) ?? [];
  const row = samples.at_ms.findIndex((ms) => Math.abs(ms / 1000 - Number(from)) < 1e-9);
  assert.ok(row >= 0, rates);
  const [, name, shown] = /: ([^·]+?) ([\d.]+)\/s/.exec(rates);
  const a = samples.actors.indexOf(name.trim());
  const end = samples.at_ms[row] + samples.interval_ms;
  const window = Math.max(1000, samples.interval_ms);
  const inWindow = samples.at_ms.map((ms, i) => [ms, i]).filter(([ms, i]) => i <= row && ms + samples.interval_ms > end - window);
  const sum = inWindow.reduce((total, [, i]) => total + samples.taken[i][a], 0);
  assert.equal(Number(shown), Number(((1000 * sum) / window).toFixed(1)), rates);
  await screenshot(p, "chart-throughput-desktop");
});
