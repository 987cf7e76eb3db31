// Issue 8: the new engine's features are visible where a learner looks: the architecture and
// the idempotent store in the set-up form and the address, MessageRejected / PaymentRefused /
// absorbed duplicates in the log and the fault list, refunds in the order's row and the
// inspector, the printer's receipts, the stuck orders of a run without process managers, and
// "next timeout / retry / completion".

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle, text, number, waitReady, waitForUrlState, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

const link = (config) => `#config=${encodeURIComponent(JSON.stringify(config))}`;
const SLOW = { cooks: [{ name: "Slow", ms: 2000 }] };

async function open(config) {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url + (config ? link(config) : "")));
  return p;
}

async function toEnd(p) {
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  // the faults (refusals too) come from the engine's run index as far as it has read the run
  await p.waitForFunction(() => { window.brigade.faults.known(); return window.brigade.faults.upto >= window.brigade.sim.currentStep(); });
  await settle(p);
}

/** Every step of the run (read at its end), as the engine gives them. */
async function allSteps(p) {
  return p.evaluate(() => {
    const sim = window.brigade.sim;
    const at = sim.currentStep();
    sim.seek(sim.totalSteps());
    const steps = sim.steps(1, sim.totalSteps() + 1);
    sim.seek(at);
    return steps;
  });
}

test("the set-up form sets the architecture and the idempotent store; the address keeps them", { skip }, async () => {
  const p = await open();
  await p.getByTestId("setup-toggle").click();
  await p.getByTestId("cfg-architecture").selectOption("commands");
  await p.getByTestId("cfg-idempotent-store").check();
  await p.getByTestId("start-run").click();
  await waitReady(p);
  assert.equal(await text(p, "architecture"), "commands");
  assert.equal(await p.evaluate(() => window.brigade.sim.wiring().architecture), "commands");
  await waitForUrlState(p, { c: { architecture: "commands", idempotent_store: true } });
  // the address rebuilds the same run, and the form shows it
  const url = p.url();
  const q = await ctx.browser.newContext().then((c) => c.newPage());
  await q.goto(url);
  await q.waitForFunction(() => document.body.dataset.ready === "true" && !window.brigade.restoring);
  assert.equal(await q.evaluate(() => window.brigade.sim.report().architecture), "commands");
  await q.getByTestId("setup-toggle").click();
  assert.equal(await q.getByTestId("cfg-architecture").inputValue(), "commands");
  assert.equal(await q.getByTestId("cfg-idempotent-store").isChecked(), true);
  await q.context().close();
});

test("MessageRejected rows and the rejected messages are marked in the log", { skip }, async () => {
  const p = await open(SLOW);
  await toEnd(p);
  await p.getByTestId("filter-type").selectOption("MessageRejected");
  await settle(p);
  const rows = await p.getByTestId("message-row").evaluateAll((rs) => rs.map((r) => r.querySelector("[data-testid=log-mark]")?.dataset.mark ?? null));
  assert.ok(rows.length > 0 && rows.every((m) => m === "MessageRejected"), JSON.stringify(rows));
  // the messages that were rejected carry a "rejected" mark; the fault list names the reason
  const rejected = (await allSteps(p)).filter((s) => s.seq !== null && s.outputs.some((o) => o.type === "MessageRejected"));
  await p.getByTestId("filter-type").selectOption(rejected[0].type);
  await settle(p);
  // the log is virtual: every row it shows is marked exactly when its message was rejected
  const shownRows = await p.getByTestId("message-row").evaluateAll((rs) => rs.map((r) => ({ seq: Number(r.dataset.seq), rejected: Boolean(r.querySelector("[data-testid=log-fault][data-fault=rejected]")) })));
  const expected = new Set(rejected.map((s) => s.seq));
  assert.ok(shownRows.length > 0 && shownRows.some((r) => r.rejected));
  for (const r of shownRows) assert.equal(r.rejected, expected.has(r.seq), `message ${r.seq}`);
  await p.getByTestId("tab-faults").click();
  await settle(p);
  const items = await p.locator("[data-testid=fault-list-run] [data-fault=rejected]").allTextContents();
  assert.equal(items.length, rejected.length);
  assert.ok(items.every((t) => /rejected by the house \((stale|after-end|duplicate|unexpected)\)/.test(t)), items[0]);
});

test("the idempotent store's absorbed duplicates are faults: listed and visited by fault-next", { skip }, async () => {
  const chaos = await open().then(async (p) => p.evaluate(() => window.brigade.presets.find((x) => x.name === "chaos").config));
  await ctx.page.context().close();
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url + link({ ...chaos, idempotent_store: true })));
  const steps = await allSteps(p);
  const absorbed = steps.filter((s) => s.outputs.some((o) => o.status === "absorbed")).map((s) => s.step);
  assert.ok(absorbed.length > 0, "the chaos run with an idempotent store absorbs duplicates");
  const faults = await p.evaluate(() => { const sim = window.brigade.sim; sim.seek(sim.totalSteps()); const f = sim.faults(); sim.seek(0); return f.map((x) => x.step); });
  const stops = [...new Set([...faults, ...absorbed])].sort((a, b) => a - b);
  const visited = [];
  for (let i = 0; i < stops.length; i++) {
    await p.getByTestId("fault-next").click();
    await settle(p);
    visited.push(await number(p, "current-step"));
  }
  assert.deepEqual(visited, stops);
  await p.getByTestId("tab-faults").click();
  await settle(p);
  assert.equal(await p.locator("[data-testid=fault-list-run] [data-fault=absorbed]").count(), absorbed.length);
});

test("refunds show in the order's row and in the inspector", { skip }, async () => {
  const p = await open({ ...SLOW, dodgy: 1 });
  await toEnd(p);
  const refunded = await p.evaluate(() => {
    const sim = window.brigade.sim;
    return [...new Set(Array.from(sim.seqsOfType("PaymentRefunded")).map((s) => sim.message(s).correlation_id))];
  });
  assert.ok(refunded.length > 0);
  const rows = await p.locator("[data-testid=order-row]:has([data-testid=order-refund][data-refund=refunded])").evaluateAll((rs) => rs.map((r) => r.dataset.correlationId));
  assert.deepEqual(rows.sort(), [...refunded].sort());
  await p.locator(`[data-testid=order-row][data-correlation-id="${refunded[0]}"] button`).click();
  await settle(p);
  await settle(p);
  assert.match(await text(p, "inspector-order"), /↩ refunded/);
  await screenshot(p, "refunds");
  const types = await p.getByTestId("decision-row").allTextContents();
  assert.ok(types.some((t) => /PaymentRefunded/.test(t)), "the replay shows the refund");
  assert.ok(types.some((t) => /RefundPayment/.test(t)), "and the decision to refund");
});

test("the Receipts tab shows one receipt per printed receipt, up to the current step", { skip }, async () => {
  const p = await open();
  await p.getByTestId("tab-receipts").click();
  await settle(p);
  assert.equal(await p.getByTestId("receipt").count(), 0);
  await toEnd(p);
  const receipts = await p.evaluate(() => window.brigade.sim.receipts());
  assert.equal(receipts.length, 10);
  const shown = await p.getByTestId("receipt").evaluateAll((rs) => rs.map((r) => ({ order: Number(r.dataset.order), text: r.textContent })));
  assert.equal(shown.length, 10);
  await screenshot(p, "receipts");
  for (const r of receipts) {
    const s = shown.find((x) => x.order === r.order);
    assert.ok(s && s.text.includes((r.total_cents / 100).toFixed(2)) && r.items.every((i) => s.text.includes(i.dish)), `receipt of order ${r.order}`);
  }
  // half way, only what was printed by then
  const half = Math.floor((await number(p, "total-steps")) / 2);
  await p.evaluate((n) => window.brigade.seek(n), half);
  await settle(p);
  await settle(p);
  const printed = await p.evaluate(() => window.brigade.sim.receipts().length);
  assert.ok(printed < 10);
  assert.equal(await p.getByTestId("receipt").count(), printed);
});

test("a choreography run lists its stuck orders", { skip }, async () => {
  const p = await open({ architecture: "choreography", dodgy: 0.5, drop: 0.1, duplicate: 0.1, orders: 12 });
  await toEnd(p);
  const report = await p.evaluate(() => window.brigade.sim.report());
  assert.ok(report.stuck > 0);
  assert.equal(await text(p, "report-stuck-count"), String(report.stuck));
  const listed = await p.getByTestId("stuck-order").evaluateAll((bs) => bs.map((b) => Number(b.dataset.order)));
  assert.deepEqual(listed, report.stuck_orders);
  await p.getByTestId("stuck-order").first().click();
  await settle(p);
  await settle(p);
  assert.match(await text(p, "inspector-order"), new RegExp(`^#${listed[0]} `));
  assert.match(await text(p, "replay-diff"), /No process manager in the choreography architecture/);
});

test("next timeout, retry and completion move the time control there", { skip }, async () => {
  const p = await open(SLOW);
  const steps = await allSteps(p);
  const retryTypes = new Set(["CookFood", "PriceOrder", "TakePayment", "RefundPayment"]);
  const expect = {
    timeout: steps.filter((s) => s.type === "StepTimedOut" && s.actor_kind === "house").map((s) => s.step),
    retry: steps.filter((s) => s.actor_kind === "house" && (s.type === "StepTimedOut" || s.type === "OrderExpired") && s.outputs.some((o) => retryTypes.has(o.type))).map((s) => s.step),
    completion: steps.filter((s) => s.kind !== "tail" && s.outputs.some((o) => o.type === "OrderCompleted")).map((s) => s.step),
  };
  for (const [kind, list] of Object.entries(expect)) {
    assert.ok(list.length >= 2, `${kind}: the slow cook's run has some`);
    await p.evaluate(() => window.brigade.seek(0));
    await settle(p);
    for (const step of list.slice(0, 3)) {
      await p.getByTestId(`next-${kind}`).click();
      await settle(p);
      assert.equal(await number(p, "current-step"), step, `next ${kind}`);
    }
  }
  // the keys do the same: t, r, c
  for (const [key, kind] of [["t", "timeout"], ["r", "retry"], ["c", "completion"]]) {
    await p.evaluate(() => window.brigade.seek(0));
    await settle(p);
    await p.locator("body").press(key);
    await settle(p);
    assert.equal(await number(p, "current-step"), expect[kind][0], `key ${key}`);
  }
  // after the last completion: the time stays, and a notice says so
  await p.evaluate((n) => window.brigade.seek(n), expect.completion[expect.completion.length - 1]);
  await settle(p);
  await p.getByTestId("next-completion").click();
  await settle(p);
  assert.equal(await number(p, "current-step"), expect.completion[expect.completion.length - 1]);
  assert.match(await text(p, "notice"), /No completion after step/);
});

test("the message pane says a message was rejected, by whom and why", { skip }, async () => {
  const p = await open(SLOW);
  await toEnd(p);
  const step = (await allSteps(p)).find((s) => s.seq !== null && s.outputs.some((o) => o.type === "MessageRejected"));
  await p.evaluate((seq) => window.brigade.openMessage(seq), step.seq);
  await settle(p);
  await settle(p);
  assert.equal(await p.getByTestId("message-outcome").getAttribute("data-outcome"), "rejected");
  assert.match(await text(p, "message-refusal"), /rejected by the house \((stale|after-end|duplicate|unexpected)\): it published MessageRejected/);
});

test("a rejection met while stepping gets its reason once it is published", { skip }, async () => {
  const p = await open(SLOW);
  const step = (await allSteps(p)).find((s) => s.seq !== null && s.outputs.some((o) => o.type === "MessageRejected"));
  // walk up to the rejecting step one step at a time, then one more
  await p.evaluate((n) => window.brigade.seek(n), step.step - 3);
  for (let i = 0; i < 4; i++) {
    await p.getByTestId("step-forward").click();
    await settle(p);
  }
  await p.getByTestId("tab-faults").click();
  await settle(p);
  const item = await p.locator(`[data-testid=fault-list-run] [data-fault=rejected][data-step="${step.step}"]`).textContent();
  assert.match(item, /rejected by the house \((stale|after-end|duplicate|unexpected)\)/);
});

test("the message pane says what the receiver decided: held, handed, published", { skip }, async () => {
  const p = await open();
  await toEnd(p);
  // a PublishAt: the alarm clock holds a StepTimedOut until its time
  const steps = await allSteps(p);
  const alarm = steps.find((s) => s.actor_kind === "alarm-clock" && s.type === "PublishAt");
  await p.evaluate((seq) => window.brigade.openMessage(seq, { go: true }), alarm.seq);
  await settle(p);
  await settle(p);
  const held = await p.locator("[data-testid=message-decided] li").allTextContents();
  assert.deepEqual(held.map((t) => t.replace(/\s+/g, " ").trim()), [`EVT StepTimedOut held until ${(alarm.outputs[0].at_ms / 1000).toFixed(3)} s (not published yet at this step)`]);
  // a CookFood: the dispatcher hands it to a cook
  const dispatch = steps.find((s) => s.actor_kind === "dispatcher");
  await p.evaluate((seq) => window.brigade.openMessage(seq, { go: true }), dispatch.seq);
  await settle(p);
  await settle(p);
  assert.match(await p.locator("[data-testid=message-decided] li").first().textContent(), new RegExp(`CookFood handed to ${dispatch.outputs[0].to}`));
});
