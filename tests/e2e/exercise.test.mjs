// Exercise mode (issue 11): the learner writes the process manager, runs it, checks it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { browserSuite, openPage, waitReady, settle, www, screenshot, injectAxe } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;
const SOLUTION = await readFile(path.join(www, "js/exercise/templates/solution.js"), "utf8");

async function fresh(hash = "") {
  ctx.page = await openPage(ctx.browser, ctx.server.url + hash);
  return ctx.page;
}

/** Open the panel and put `code` in the editor as if typed. */
async function write(p, code) {
  if (await p.getByTestId("exercise").isHidden()) await p.getByTestId("exercise-toggle").click();
  await p.getByTestId("pm-editor").fill(code);
}

async function runIt(p) {
  await p.getByTestId("pm-run").click();
  await p.waitForFunction(() => {
    const status = document.querySelector("[data-testid=pm-status]").textContent;
    return /ran \d+ orders|Stopped/.test(status) || !document.querySelector("[data-testid=pm-error]").hidden;
  }, null, { timeout: 60000 });
  await waitReady(p);
}

async function gradeIt(p) {
  await p.getByTestId("pm-grade").click();
  await p.waitForSelector("[data-testid=grade-result]:not([hidden])", { timeout: 120000 });
  const pass = await p.getByTestId("grade-result").getAttribute("data-pass");
  const failures = await p.getByTestId("grade-failure").evaluateAll((els) =>
    els.map((e) => ({ rule: e.dataset.rule, scenario: e.dataset.scenario, order: e.dataset.order, text: e.textContent })));
  return { pass, failures };
}

test("the solution runs in every view and passes the check", { skip }, async () => {
  const p = await fresh();
  await p.getByTestId("exercise-toggle").click();
  await p.getByTestId("pm-solution").click();
  await p.waitForFunction(() => document.querySelector("[data-testid=pm-editor]").value.includes("FLOWS"));
  await runIt(p);
  assert.equal(await p.getByTestId("pm-error").isHidden(), true);
  // the run is the page's run: the reference's 150 messages, its ProcessStarted say custom
  assert.equal(await p.evaluate(() => window.brigade.sim.messageCount()), 150);
  const started = await p.evaluate(() => window.brigade.sim.messages(0, 150).filter((m) => m.type === "ProcessStarted").length);
  assert.equal(started, 10);
  assert.match(await p.evaluate(() => window.brigade.sim.exportRun()), /"custom_process":"all"/);
  const { pass, failures } = await gradeIt(p);
  assert.deepEqual(failures, []);
  assert.equal(pass, "true");
  // every fate of one order of each kind was explored too
  const explored = await p.getByTestId("grade-explored").textContent();
  assert.match(explored, /Every fate of one normal order: every rule holds for every schedule of up to 6 lost, duplicated or late deliveries; explored [\d,]+ states/);
  assert.match(explored, /Every fate of one dodgy order: every rule holds/);
  await screenshot(p, "exercise-pass");
});

test("a process that completes before payment fails the check on that rule", { skip }, async () => {
  const p = await fresh();
  await write(p, SOLUTION.replace('normal: ["cook", "price", "pay"]', 'normal: ["cook", "price"]'));
  const { pass, failures } = await gradeIt(p);
  assert.equal(pass, "false");
  const rule = failures.find((f) => f.rule === "complete-after-work" && f.scenario === "reference" && f.order === "1");
  assert.ok(rule, JSON.stringify(failures.slice(0, 3)));
  assert.match(rule.text, /completion only after cooking, pricing and payment — reference, order 1: completed before OrderPaid/);
  // opening the failure shows that run at the completion
  await p.getByTestId("grade-failure").first().getByTestId("grade-open").click();
  await waitReady(p);
  assert.equal(await p.getByTestId("message-pane").isVisible(), true);
  await screenshot(p, "exercise-fail");
});

test("a process without timeouts leaves orders without an end under chaos", { skip }, async () => {
  const p = await fresh();
  await write(p, SOLUTION.replace('case "StepTimedOut": {', 'case "StepTimedOut": { break;'));
  const { pass, failures } = await gradeIt(p);
  assert.equal(pass, "false");
  assert.ok(failures.some((f) => f.rule === "one-terminal" && f.scenario === "chaos"), JSON.stringify(failures.slice(0, 3)));
});

test("an unknown output type stops the run with an error naming the message", { skip }, async () => {
  const p = await fresh();
  await write(p, SOLUTION.replace('cook: "CookFood"', 'cook: "CookFod"'));
  await runIt(p);
  const error = await p.getByTestId("pm-error").textContent();
  assert.match(error, /^message 0 \(OrderPlaced\) of order 1 at 0 ms: send\[0\]: unknown message type "CookFod": a process manager sends one of CookFood/);
  assert.match(await p.getByTestId("pm-status").textContent(), /Stopped at step \d+/);
});

test("non-determinism is caught and explained", { skip }, async () => {
  const p = await fresh();
  await write(p, SOLUTION.replace("const send = [];", "const send = []; s.luck = Math.random();"));
  await runIt(p);
  assert.match(await p.getByTestId("pm-error").textContent(),
    /non-deterministic process: replaying message \d+ \(OrderPlaced\) decided state\.luck = .*, the history says/);
});

test("the editor keeps the code, numbers its lines and indents with Tab", { skip }, async () => {
  const p = await fresh();
  await write(p, "function decide(state, message) {\n}");
  await p.getByTestId("pm-editor").press("End");
  await p.getByTestId("pm-editor").evaluate((t) => t.setSelectionRange(34, 34));
  await p.keyboard.press("Tab");
  assert.equal(await p.getByTestId("pm-editor").inputValue(), "function decide(state, message) {\n  }");
  assert.equal(await p.locator(".code-gutter").textContent(), "1\n2");
  await p.reload();
  await waitReady(p);
  // exercise mode's code loads when it is opened again
  await p.getByTestId("exercise-toggle").click();
  assert.equal(await p.getByTestId("pm-editor").inputValue(), "function decide(state, message) {\n  }");
});

test("a link carrying code asks first, and the code cannot reach the page", { skip }, async () => {
  const hostile = `document.title = "pwned"; localStorage.setItem("x", "1");\n${SOLUTION}`;
  const link = `#config=${encodeURIComponent(JSON.stringify({ orders: 2, custom_process: "all", process_code: hostile }))}`;
  const p = await fresh(link);
  await p.getByTestId("pm-confirm").waitFor();
  assert.match(await p.getByTestId("pm-confirm-code").textContent(), /document\.title = "pwned"/);
  // refused: nothing ran
  await p.getByTestId("pm-confirm-cancel").click();
  await settle(p);
  assert.match(await p.getByTestId("notice").textContent(), /was not run/);
  assert.notEqual(await p.evaluate(() => window.brigade.config.custom_process), "all");

  // agreed: it runs in the worker, where there is no document and no localStorage
  ctx.page = null;
  await p.context().close();
  const q = await fresh(link);
  await q.getByTestId("pm-confirm-run").click();
  await q.waitForFunction(() => !document.querySelector("[data-testid=pm-error]").hidden, null, { timeout: 60000 });
  assert.match(await q.getByTestId("pm-error").textContent(), /your code threw while loading: ReferenceError: 'document' is not defined \(your code runs in a sandbox .*\) \(line 1\)/);
  assert.notEqual(await q.title(), "pwned");
  assert.equal(await q.evaluate(() => localStorage.getItem("x")), null);
  ctx.page = q;
});

test("a run file made with a custom process carries its code and asks before running it", { skip }, async () => {
  const p = await fresh();
  await write(p, SOLUTION);
  await runIt(p);
  const text = await p.evaluate(() => window.brigade.sim.exportRun());
  assert.equal(JSON.parse(text).config.process_code, SOLUTION);
  await p.getByTestId("pm-editor").fill("// something else");
  await p.getByTestId("import").setInputFiles({ name: "run.json", mimeType: "application/json", buffer: Buffer.from(text) });
  await p.getByTestId("pm-confirm").waitFor();
  await p.getByTestId("pm-confirm-run").click();
  await p.waitForFunction(() => /ran \d+ orders/.test(document.querySelector("[data-testid=pm-status]").textContent), null, { timeout: 60000 });
  await waitReady(p);
  assert.equal(await p.getByTestId("pm-editor").inputValue(), SOLUTION);
  assert.equal(await p.evaluate(() => window.brigade.sim.messageCount()), 150);
});

test("the learner's own run comes back on reload without a question; a new order says it was not recorded", { skip }, async () => {
  const p = await fresh();
  await write(p, SOLUTION);
  await p.getByTestId("pm-editor").dispatchEvent("input");
  await runIt(p);
  // the address now holds the run, code included
  await p.waitForFunction(() => {
    const raw = new URLSearchParams(location.hash.slice(1)).get("run");
    return raw && JSON.parse(atob(raw.replace(/-/g, "+").replace(/_/g, "/"))).c?.process_code;
  });
  await p.reload();
  await p.waitForFunction(() => /ran \d+ orders/.test(document.querySelector("[data-testid=pm-status]")?.textContent ?? ""), null, { timeout: 60000 });
  await waitReady(p);
  assert.equal(await p.getByTestId("pm-confirm").isVisible(), false);
  assert.equal(await p.evaluate(() => window.brigade.config.custom_process), "all");
  assert.equal(await p.evaluate(() => window.brigade.sim.messageCount()), 150);

  // the page replays recorded decisions only: a new situation is not in them
  await p.getByTestId("place-order").click();
  await waitReady(p);
  await p.getByTestId("run-to-end").click();
  await p.waitForFunction(() => !document.querySelector("[data-testid=pm-error]").hidden, null, { timeout: 30000 });
  assert.match(await p.getByTestId("pm-error").textContent(), /this decision was not recorded by the run/);
});

test("the inspector replays an order of the learner's process with the learner's state", { skip }, async () => {
  const p = await fresh();
  await write(p, SOLUTION);
  await runIt(p);
  await p.getByTestId("order-row").last().click();
  await settle(p);
  await p.getByTestId("tab-pm").click();
  await settle(p);
  assert.equal(await p.locator("#replay-definition").inputValue(), "custom");
  const rows = await p.locator("#pm-rows tr").count();
  assert.ok(rows >= 4, `rows: ${rows}`);
  assert.equal(await p.locator("#pm-rows tr[data-same=false]").count(), 0);
  assert.match(await p.getByTestId("pm-state").textContent(), /"awaiting"/);
  // and under the built-in pay-last: the solution decides the same
  await p.locator("#replay-definition").selectOption("pay-last");
  await settle(p);
  assert.equal(await p.locator("#pm-rows tr[data-same=false]").count(), 0);
  await screenshot(p, "exercise-inspector");
});

test("an endless loop is stopped and said so; the page stays usable", { skip }, async () => {
  const p = await fresh();
  await write(p, "function decide(state, message) {\n  while (true) {}\n}");
  await p.evaluate(() => { window.brigade.exercise.timeoutMs = 1500; });
  await runIt(p);
  assert.match(await p.getByTestId("pm-error").textContent(), /did not finish within 1\.5 s \(an endless loop\?\); it was stopped/);
  // the next run gets a fresh worker
  await write(p, SOLUTION);
  await runIt(p);
  assert.equal(await p.getByTestId("pm-error").isHidden(), true);
  assert.equal(await p.evaluate(() => window.brigade.sim.messageCount()), 150);
});

test("a broken process's exploration failure opens its shortest counterexample at the broken step", { skip }, async () => {
  const p = await fresh();
  // pays twice under duplicates: a repeated price asks for the payment again
  await write(p, SOLUTION.replace('case "OrderPriced": answered("price"); break;',
    'case "OrderPriced": if (s.outcome) break; s.order = message.order; request("pay", 1); break;'));
  // the progress is shown while the worker explores
  await p.evaluate(() => {
    window.seenStatus = [];
    const status = document.querySelector("[data-testid=pm-status]");
    new MutationObserver(() => window.seenStatus.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  });
  const { pass, failures } = await gradeIt(p);
  assert.equal(pass, "false");
  // the panel with its failures keeps to the accessibility floor (axe: nothing serious)
  await injectAxe(p);
  const axe = await p.evaluate(async () => (await window.axe.run("#exercise", { resultTypes: ["violations"] })).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes[0].target.join(" ")}`));
  assert.deepEqual(axe, []);
  assert.ok(await p.evaluate(() => window.seenStatus.some((t) => /Checking every fate of one (normal|dodgy) order: \d+ states explored/.test(t))));
  assert.deepEqual([...new Set(failures.map((f) => f.rule))], ["pay-again"], JSON.stringify(failures));
  const explored = failures.filter((f) => f.scenario === "every fate, one order of each kind");
  assert.equal(explored.length, 2, JSON.stringify(failures));
  assert.match(explored[0].text, /a payment is asked for again only after its timeout .* — every fate, one order of each kind, the normal order: order 1: TakePayment \(attempt 1, message \d+\) asked for again on OrderPriced .*; shortest schedule: step \d+: duplicate PriceOrder/);
  assert.match(await p.getByTestId("grade-explored").textContent(), /Every fate of one normal order: a rule breaks after 1 lost, duplicated or late delivery; explored \d+ states \(1 schedule to idle\)/);
  await p.getByTestId("grade-failure").filter({ hasText: "the normal order" }).getByTestId("grade-open").click();
  await waitReady(p);
  // the counterexample is the page's run: one order, the fate as its one input, at the broken step
  const shown = await p.evaluate(() => ({
    orders: window.brigade.sim.orderCount(),
    inputs: window.brigade.sim.inputs(),
    step: window.brigade.sim.currentStep(),
    pays: window.brigade.sim.orderStream(window.brigade.sim.orders()[0].correlation_id).filter((m) => m.type === "TakePayment").length,
    error: window.brigade.sim.processError() ?? null,
  }));
  assert.equal(shown.orders, 1);
  assert.equal(shown.inputs.length, 1, JSON.stringify(shown.inputs));
  assert.match(JSON.stringify(shown.inputs[0].action), /duplicate/i);
  assert.equal(shown.error, null);
  // at the step where the rule breaks: the second TakePayment has just been published
  assert.equal(shown.pays, 2);
  await p.evaluate(() => window.brigade.sim.stepBack());
  const before = await p.evaluate(() => window.brigade.sim.orderStream(window.brigade.sim.orders()[0].correlation_id).filter((m) => m.type === "TakePayment").length);
  assert.equal(before, 1);
  await p.evaluate(() => { window.brigade.sim.seek(window.brigade.sim.currentStep() + 1); window.brigade.changed(); });
  await waitReady(p);
  await screenshot(p, "exercise-explore-failure");
  await p.getByTestId("exercise-close").click();
  await waitReady(p);
  await screenshot(p, "exercise-explore-counterexample");
});

test("the worst moments are a scenario of the check; a failure there opens its replayed run at the message", { skip }, async () => {
  const p = await fresh();
  // no refund when giving up: a dodgy order whose every CookFood is lost keeps the money
  const code = SOLUTION.replace('if (s.paid) request("refund", 1);', "");
  await write(p, code);
  let { failures } = await gradeIt(p);
  assert.ok(failures.some((f) => f.rule === "payments"), JSON.stringify(failures));
  const all = await p.evaluate(() => [...document.querySelectorAll("[data-testid=grade-failure]")].map((e) => e.textContent).join("\n"));
  assert.match(all, /manual drops at the worst moments/);

  // the worst moments alone (the page's own scenario list, shortened for this test)
  await p.evaluate(async () => {
    const grade = await import("/js/exercise/grade.js");
    const worst = grade.SCENARIOS.filter((s) => s.options?.worst_moments);
    grade.SCENARIOS.splice(0, grade.SCENARIOS.length, ...worst);
    grade.EXPLORATION.orders = [];
  });
  ({ failures } = await gradeIt(p));
  assert.deepEqual(failures.map((f) => [f.rule, f.scenario]), [["payments", "manual drops at the worst moments"]]);
  await p.getByTestId("grade-failure").first().getByTestId("grade-open").click();
  await waitReady(p);
  const shown = await p.evaluate(() => ({
    orders: window.brigade.sim.orderCount(),
    fates: window.brigade.sim.inputs().length,
    error: window.brigade.sim.processError() ?? null,
    config: window.brigade.sim.config(),
  }));
  assert.equal(shown.orders, 24);
  assert.ok(shown.fates >= 22, `${shown.fates} manual fates`);
  assert.equal(shown.error, null);
  assert.equal(shown.config.custom_process, "all");
  // the message where the rule broke is open in the message pane
  assert.equal(await p.getByTestId("message-pane").isVisible(), true);
  await screenshot(p, "exercise-worst-moments");
});

test("checking can be stopped; the next run gets a fresh worker", { skip }, async () => {
  const p = await fresh();
  // slow but correct: every decision takes a while
  await write(p, SOLUTION.replace("const send = [];", "const send = []; for (let i = 0; i < 3e6; i += 1) { /* slow */ }"));
  await p.getByTestId("pm-grade").click();
  await p.getByTestId("pm-cancel").waitFor();
  await p.getByTestId("pm-cancel").click();
  await p.waitForFunction(() => /Checking stopped/.test(document.querySelector("[data-testid=pm-status]").textContent));
  assert.equal(await p.getByTestId("pm-cancel").isHidden(), true);
  assert.equal(await p.getByTestId("grade-result").isHidden(), true);
  await write(p, SOLUTION);
  await runIt(p);
  assert.equal(await p.evaluate(() => window.brigade.sim.messageCount()), 150);
});

test("an exploration stopped at its state limit says so", { skip }, async () => {
  const p = await fresh();
  await p.evaluate(async () => {
    const grade = await import("/js/exercise/grade.js");
    grade.EXPLORATION.max_states = 100;
  });
  await write(p, SOLUTION);
  const { pass, failures } = await gradeIt(p);
  assert.deepEqual(failures, []);
  assert.equal(pass, "true");
  assert.match(await p.getByTestId("grade-explored").textContent(),
    /Every fate of one normal order: explored 100 states \(\d+ schedules? to idle\); stopped at the limit, no violation found so far\./);
});
