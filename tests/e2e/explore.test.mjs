// Check every fate in the page (issue 13): the explorer runs in a Web Worker
// (www/js/explore.js), reports its progress, can be cancelled, and hands back the
// shortest counterexample as a run file that the facade opens at the broken step.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, waitReady, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

/** Runs `explore` in the page for a config (1 or 2 orders) and returns what it found. */
async function exploreInPage(p, config) {
  return p.evaluate(async (config) => {
    const { explore } = await import("/js/explore.js");
    const pkg = await import("/pkg/brigade.js");
    await pkg.default();
    const sim = new pkg.Simulation(config);
    sim.runToIdle();
    const updates = [];
    const job = explore(sim.exportRun(), { slice: 500, onProgress: (p) => updates.push(p.states) });
    const { progress, counterexample } = await job.result;
    let opened = null;
    if (counterexample) {
      const branch = pkg.Simulation.importRun(counterexample);
      opened = { step: branch.currentStep(), stuck: branch.report().stuck };
    }
    return { progress, updates, opened };
  }, config);
}

test("choreography: one lost delivery leaves an order stuck, and the counterexample opens at that step", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  const { progress, opened } = await exploreInPage(p, { orders: 1, architecture: "choreography" });
  assert.equal(progress.verdict, "broken");
  assert.equal(progress.broken.rule, "one-terminal-event");
  assert.equal(progress.broken.fates, 1);
  assert.equal(progress.broken.schedule.length, 1);
  assert.match(progress.broken.schedule[0], /^step \d+: lose /);
  assert.deepEqual(opened, { step: progress.broken.step, stuck: 1 });
});

test("the process manager holds every rule, with progress on the way", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  const { progress, updates, opened } = await exploreInPage(p, { orders: 1, dodgy: 1 });
  assert.equal(progress.verdict, "holds");
  assert.ok(progress.states > 10000, `a real search: ${progress.states} states`);
  assert.ok(updates.length > 5 && updates.every((n, i) => i === 0 || n > updates[i - 1]), "progress grows");
  assert.equal(opened, null);
});

test("an exploration can be cancelled, and more than two orders are refused", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  const outcome = await p.evaluate(async () => {
    const { explore } = await import("/js/explore.js");
    const pkg = await import("/pkg/brigade.js");
    await pkg.default();
    const two = new pkg.Simulation({ orders: 2, dodgy: 0.5 });
    const job = explore(two.exportRun(), { slice: 100 });
    job.cancel();
    const cancelled = await job.result.then(() => "finished", (e) => e.message);
    const three = new pkg.Simulation({ orders: 3 });
    const refused = await explore(three.exportRun()).result.then(() => "explored", (e) => e.message);
    return { cancelled, refused };
  });
  assert.equal(outcome.cancelled, "cancelled");
  assert.match(outcome.refused, /explore: .*1 or 2 orders/);
});

test("the page: Check every fate on a choreography run shows the broken rule and opens the counterexample", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#config=${encodeURIComponent(JSON.stringify({ orders: 1, architecture: "choreography" }))}`));
  await p.getByTestId("explore").click();
  await p.getByTestId("explore-open").waitFor({ state: "visible", timeout: 30000 });
  const status = await p.getByTestId("explore-status").textContent();
  assert.match(status, /Rule broken: .*one-terminal-event.*Order 1 is stuck.*Shortest schedule: 1 lost, duplicated or late delivery/);
  assert.match(await p.getByTestId("explore-schedule").textContent(), /lose /);
  await screenshot(p, "explore-broken");
  await p.getByTestId("explore-open").click();
  await waitReady(p);
  await screenshot(p, "explore-opened");
  const opened = await p.evaluate(() => ({
    step: window.brigade.sim.currentStep(),
    total: window.brigade.sim.totalSteps(),
    stuck: window.brigade.sim.report().stuck,
    fates: window.brigade.sim.inputs().filter((i) => i.action.type === "DropMessage").length,
  }));
  assert.deepEqual(opened, { step: opened.total, total: opened.total, stuck: 1, fates: 1 });
});

test("the page: Check every fate on the default run says how many orders it takes", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.getByTestId("explore").click();
  assert.match(await p.getByTestId("explore-status").textContent(), /1 or 2 orders; this run has 10/);
});

test("the page: a counterexample kept in the address reloads to the same run", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#config=${encodeURIComponent(JSON.stringify({ orders: 1, architecture: "commands" }))}`));
  await p.getByTestId("explore").click();
  await p.getByTestId("explore-open").waitFor({ state: "visible", timeout: 30000 });
  await p.getByTestId("explore-open").click();
  await waitReady(p);
  const before = await p.evaluate(() => ({ inputs: window.brigade.sim.inputs(), step: window.brigade.sim.currentStep() }));
  // the address is written shortly after the counterexample opens: wait for its inputs
  await p.waitForFunction(() => {
    if (!location.hash.startsWith("#run=")) return false;
    try {
      const state = JSON.parse(atob(location.hash.slice(5).split("&")[0].replace(/-/g, "+").replace(/_/g, "/")));
      return (state.i ?? []).length > 0;
    } catch {
      return false;
    }
  });
  await p.reload();
  await waitReady(p);
  const after = await p.evaluate(() => ({ inputs: window.brigade.sim.inputs(), step: window.brigade.sim.currentStep() }));
  assert.deepEqual(after, before);
  assert.equal(before.inputs.filter((i) => i.action.type === "DropMessage").length, 1);
});

// Issue 26, point 7: the explorer is bounded by memory as well as by states. The scenario
// below trapped the page's worker at 910,000 states ("The check stopped: unreachable");
// it now stops at its memory limit and the page says which limit stopped it.
test("the page: an exploration too big for memory stops at the memory limit and says so", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  const config = { orders: 2, max_retries: 10, cook_timeout_ms: 1, price_timeout_ms: 1, pay_timeout_ms: 1 };
  const { progress } = await exploreInPage(p, config);
  assert.equal(progress.verdict, "limit");
  assert.equal(progress.stopped_by, "memory");
  assert.match(progress.limit, /^stopped at the memory limit \(the states waiting and seen would take more than 1024 MiB\)/);
  assert.ok(progress.states > 10000 && progress.states < 2000000, `${progress.states} states`);
  // the view's words for it, and for a worker that trapped
  const shown = await p.evaluate(async (progress) => {
    const { stopReason } = await import("/js/explore-view.js");
    const view = window.brigade.exploreView;
    view.report(progress, null);
    return {
      limit: document.querySelector("[data-testid=explore-status]").textContent,
      trap: stopReason("RuntimeError: unreachable"),
      oom: stopReason("RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded; out of memory"),
    };
  }, progress);
  assert.match(shown.limit, /^Explored [\d,]+ states; stopped at the memory limit .* no violation found so far\.$/);
  assert.doesNotMatch(shown.trap, /^unreachable$/);
  assert.match(shown.trap, /crashed/);
  assert.match(shown.oom, /ran out of memory/);
});
