// Failures a real kitchen has (issue 23), the page's part: the set-up fields for crashes,
// poison messages and refunds kept in the address; crashing an actor from its box on the
// floor (its mailbox lost, or kept when durable); marking a waiting message poison in a
// mailbox, reading it in the dead-letter queue's box and re-delivering it from there.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, waitReady, settle, slide, screenshot, waitForUrlState } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

const link = (config) => `${ctx.server.url}#config=${encodeURIComponent(JSON.stringify(config))}`;
const actor = (p, name) => p.locator(`[data-testid=actor][data-actor="${name}"]`);
const errorText = async (p) => ((await p.getByTestId("error").isVisible()) ? (await p.locator("#error-text").textContent()).trim() : "");
const inputs = (p) => p.evaluate(() => window.brigade.sim.inputs().map((i) => ({ step: i.step, ...(i.action ?? i) })));

/** The first step at which `name` has at least `n` messages waiting (read on the engine, cursor put back). */
function stepWithQueue(p, name, n) {
  return p.evaluate(([who, want]) => {
    const sim = window.brigade.sim;
    const at = sim.currentStep();
    try {
      for (let s = 1; s <= sim.totalSteps(); s++) {
        sim.seek(s);
        if ((sim.actors().find((a) => a.name === who)?.queue ?? 0) >= want) return s;
      }
      return null;
    } finally {
      sim.seek(at);
    }
  }, [name, n]);
}

// one slow cook: CookFood queues up in his mailbox
const SLOW = { orders: 4, cooks: [{ name: "Koen", ms: 1500 }] };

for (const durable of [false, true]) {
  test(`a cook crashed from his box is down until he restarts, and ${durable ? "keeps his durable mailbox" : "loses his mailbox"}`, { skip }, async () => {
    const config = durable ? { ...SLOW, durable_mailboxes: true } : SLOW;
    const p = (ctx.page = await openPage(ctx.browser, link(config)));
    const step = await stepWithQueue(p, "Koen", 2);
    assert.ok(step, "Koen's mailbox fills up");
    await slide(p, step);
    const before = await p.evaluate(() => window.brigade.sim.actors().find((a) => a.name === "Koen"));
    const koen = actor(p, "Koen");
    await koen.getByTestId("crash-actor").click();
    await settle(p);
    assert.equal(await errorText(p), "");
    assert.equal(await koen.getAttribute("data-down"), "true");
    const tag = koen.getByTestId("actor-down");
    assert.ok(await tag.isVisible(), "the box says he is down");
    const after = await p.evaluate(() => window.brigade.sim.actors().find((a) => a.name === "Koen"));
    assert.ok(after.down_until > await p.evaluate(() => window.brigade.sim.nowMs()), "down until a later time");
    assert.match(await tag.textContent(), new RegExp(`down until`));
    const lost = await p.evaluate(() => window.brigade.sim.faults().filter((f) => f.fault === "crash" && f.actor === "Koen" && f.manual));
    if (durable) {
      assert.ok(after.queue >= before.queue, `the durable mailbox is kept (${before.queue} → ${after.queue})`);
      assert.equal(lost.length, 0, "nothing lost with a durable mailbox");
      assert.equal(await tag.getAttribute("data-lost"), "0");
    } else {
      assert.equal(after.queue, 0, "his mailbox is lost");
      assert.ok(lost.length >= before.queue, `every waiting message is a fault "crash" (${lost.length} for ${before.queue})`);
      assert.equal(await tag.getAttribute("data-lost"), String(lost.length));
      assert.match(await tag.getAttribute("title"), /lost in the crash: CookFood/);
      // the faults tab names it
      await p.getByTestId("tab-faults").click();
      await settle(p);
      assert.match(await p.getByTestId("fault-list-run").textContent(), /lost in a crash of Koen \(crashed by hand\)/);
    }
    assert.deepEqual((await inputs(p)).map((i) => [i.step, i.type, i.actor]), [[step, "Crash", "Koen"]]);
    assert.equal(await koen.getByTestId("crash-actor").isVisible(), false, "no second crash while down");
    // he restarts: later the box is up again
    await p.getByTestId("run-to-end").click();
    await waitReady(p);
    const end = await p.evaluate(() => window.brigade.sim.report());
    assert.equal(end.crashes, 1);
    if (durable) assert.equal(end.completed, end.orders, "nothing was lost: every order completes");
    // the address replays the crash exactly (once the page has written it there)
    await waitForUrlState(p, { i: [[step, { type: "Crash", actor: "Koen" }]] });
    const url = await p.evaluate(() => location.href);
    const q = (ctx.page = await openPage(ctx.browser, url));
    assert.deepEqual((await inputs(q)).map((i) => [i.step, i.type, i.actor]), [[step, "Crash", "Koen"]]);
    await p.context().close();
  });
}

test("any actor has a crash button: the alarm clock crashed loses its alarms", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, link({ orders: 2 })));
  await slide(p, 6);
  const clock = p.locator("[data-testid=actor][data-kind=alarm-clock]");
  const pending = await p.evaluate(() => window.brigade.sim.actors().find((a) => a.kind === "alarm-clock").pending);
  assert.ok(pending > 0, "the alarm clock holds alarms");
  await clock.getByTestId("crash-actor").click();
  await settle(p);
  assert.equal(await clock.getAttribute("data-down"), "true");
  assert.equal(await p.evaluate(() => window.brigade.sim.actors().find((a) => a.kind === "alarm-clock").pending), 0);
  assert.match(await clock.locator(".busy").textContent(), /crashed/);
  // its lost alarms are never published: the run's faults are still listed once it is idle
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  const lost = await p.evaluate(() => window.brigade.sim.faults().filter((f) => f.fault === "crash").length);
  assert.ok(lost >= pending, `its ${pending} alarm(s) and its mailbox lost: ${lost}`);
  assert.match(await p.getByTestId("fault-count").textContent(), new RegExp(`^${lost} ⚠`));
  await p.getByTestId("tab-faults").click();
  await settle(p);
  assert.match(await p.getByTestId("fault-list-run").textContent(), /lost in a crash of alarm clock \(crashed by hand\)/);
});

test("a waiting message marked poison is tried, dead-lettered, read in the dead-letter queue and re-delivered", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, link({ ...SLOW, dead_letters: true })));
  // the dead-letter queue stands on the floor, in the house's column
  const queue = p.locator("[data-testid=actor][data-kind=dead-letters]");
  assert.equal(await queue.getAttribute("data-actor"), "dead letters");
  const step = await stepWithQueue(p, "Koen", 1);
  await slide(p, step);
  await actor(p, "Koen").click();
  const waiting = p.locator("[data-testid=queued-message][data-state=waiting]").first();
  const seq = Number(await waiting.getByTestId("mailbox-message").getAttribute("data-seq"));
  await waiting.getByTestId("fate-poison").click();
  await settle(p);
  assert.equal(await errorText(p), "");
  assert.deepEqual((await inputs(p)).map((i) => [i.type, i.seq, i.actor]), [["PoisonMessage", seq, "Koen"]]);
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  const faults = await p.evaluate((s) => window.brigade.sim.faults().filter((f) => f.seq === s).map((f) => f.fault), seq);
  assert.deepEqual(faults, ["failed", "failed", "failed", "dead-lettered"], "tried 1 + 2 times, then dead-lettered");
  // open the queue: the dead letter with its worker, reason and tries
  await queue.click();
  const letter = p.getByTestId("dead-letter").first();
  await letter.waitFor();
  assert.equal(await letter.getAttribute("data-letter"), String(seq));
  assert.equal(await letter.getAttribute("data-type"), "CookFood");
  assert.equal(await letter.getAttribute("data-worker"), "Koen");
  assert.equal(await letter.getAttribute("data-reason"), "by-hand");
  assert.equal(await letter.getAttribute("data-attempts"), "3");
  assert.match(await letter.getByTestId("dead-letter-why").textContent(), /Koen failed on it after 3 tries: marked poison by hand/);
  await screenshot(p, "dead-letter-queue-desktop");
  // the log marks the MessageDeadLettered and the message's own faults
  const report = await p.evaluate(() => window.brigade.sim.report());
  assert.equal(report.dead_lettered, 1);
  assert.match(await p.getByTestId("report-more").textContent(), /dead-lettered\s*1/);
  await letter.getByTestId("redeliver").click();
  await settle(p);
  assert.equal(await errorText(p), "");
  const last = (await inputs(p)).at(-1);
  assert.deepEqual([last.type, last.seq], ["RedeliverMessage", seq]);
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  const after = await p.evaluate((s) => {
    const sim = window.brigade.sim;
    return { report: sim.report(), deliveries: sim.deliveries(s).filter((d) => d.actor === "Koen").length, queue: sim.actors().find((a) => a.kind === "dead-letters").queue };
  }, seq);
  assert.equal(after.report.redelivered, 1);
  assert.equal(after.queue, 0, "the queue is empty again");
  assert.ok(after.deliveries >= 1, "Koen got it again and took it");
  assert.match(await p.getByTestId("mailbox").textContent(), /Empty: no message has failed every try so far/);
});

test("without a dead-letter queue, poison is refused with the engine's reason and nothing changes", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, link(SLOW)));
  assert.equal(await p.locator("[data-testid=actor][data-kind=dead-letters]").count(), 0, "no queue on the floor");
  await slide(p, await stepWithQueue(p, "Koen", 1));
  await actor(p, "Koen").click();
  await p.locator("[data-testid=queued-message][data-state=waiting]").first().getByTestId("fate-poison").click();
  await settle(p);
  assert.match(await errorText(p), /no dead-letter queue.*nothing changed/);
  assert.deepEqual(await inputs(p), []);
});

test("the set-up fields for crashes, poison and refunds start the run, live in the address and come back", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.getByTestId("setup-toggle").click();
  await p.getByTestId("failures-setup").locator("summary").click();
  // bad values: an error beside the field, nothing started
  await p.getByTestId("cfg-poison-retries").fill("11");
  await p.getByTestId("cfg-poison-dish").fill("pizza");
  await p.getByTestId("start-run").click();
  await settle(p);
  const fieldError = (name) => p.locator(`[data-error-for=${name}]`).textContent();
  const first = `${await fieldError("poison_retries")}${await fieldError("poison_dish")}`;
  assert.match(first, /poison_retries|10|pizza|menu/i, first);
  await p.getByTestId("cfg-poison-retries").fill("3");
  await p.getByTestId("start-run").click();
  await settle(p);
  assert.match(await fieldError("poison_dish"), /not on the menu/);
  await p.getByTestId("cfg-restart-ms").fill("1.5");
  await p.getByTestId("start-run").click();
  await settle(p);
  assert.match(await fieldError("restart_ms"), /whole number/);
  // good values
  await p.getByTestId("cfg-restart-ms").fill("800");
  await p.getByTestId("cfg-poison-dish").fill("guacamole");
  await p.getByTestId("cfg-crash").fill("0.05");
  await p.getByTestId("cfg-poison").fill("0.1");
  await p.getByTestId("cfg-refund-attempts").fill("4");
  await p.getByTestId("cfg-durable-mailboxes").check();
  await p.getByTestId("cfg-durable-timers").check();
  await p.getByTestId("cfg-idempotent-cooks").check();
  await p.getByTestId("cfg-house").selectOption("cached");
  const hash = await p.evaluate(() => location.hash);
  await p.getByTestId("start-run").click();
  await waitReady(p);
  const want = { crash: 0.05, restart_ms: 800, durable_mailboxes: true, durable_timers: true, house: "cached", poison: 0.1,
    poison_dish: "guacamole", poison_retries: 3, refund_attempts: 4, idempotent_cooks: true };
  const config = await p.evaluate(() => window.brigade.sim.config());
  for (const [k, v] of Object.entries(want)) assert.deepEqual(config[k], v, k);
  // the address keeps them: a reload rebuilds the run and fills the form again
  await p.waitForFunction((old) => location.hash.startsWith("#run=") && location.hash !== old, hash);
  const url = await p.evaluate(() => location.href);
  const q = (ctx.page = await openPage(ctx.browser, url));
  const again = await q.evaluate(() => window.brigade.sim.config());
  for (const [k, v] of Object.entries(want)) assert.deepEqual(again[k], v, `${k} after a reload`);
  await q.getByTestId("setup-toggle").click();
  assert.equal(await q.getByTestId("failures-setup").getAttribute("open"), "", "their part of the form is open");
  assert.equal(await q.getByTestId("cfg-restart-ms").inputValue(), "800");
  assert.equal(await q.getByTestId("cfg-poison-dish").inputValue(), "guacamole");
  assert.equal(await q.getByTestId("cfg-poison-retries").inputValue(), "3");
  assert.equal(await q.getByTestId("cfg-durable-timers").isChecked(), true);
  assert.equal(await q.getByTestId("cfg-house").inputValue(), "cached");
  // defaults stay out of the address: an untouched form adds none of the new keys
  await q.getByTestId("preset").selectOption("reference");
  await q.getByTestId("start-run").click();
  await waitReady(q);
  const plain = await q.evaluate(() => window.brigade.config);
  for (const k of Object.keys(want)) assert.equal(k in plain, false, `${k} is not written at its default`);
  await p.context().close();
});

/** Move the time control to the first step at which `fn(stepView)` holds (read on the engine). */
async function toStep(p, fn) {
  const step = await p.evaluate((src) => {
    const test = new Function("s", `return (${src})(s);`);
    const sim = window.brigade.sim;
    return sim.steps(1, sim.totalSteps() + 1).find((s) => test(s))?.step ?? null;
  }, fn.toString());
  assert.ok(step, `a step where ${fn}`);
  await slide(p, step);
  return step;
}

test("the log, the caption, the faults tab and the numbers name the new events and faults", { skip }, async () => {
  // a refund nobody answers is handed to a person after one try
  const p = (ctx.page = await openPage(ctx.browser, link({ seed: 1, orders: 6, dodgy: 1, refund_attempts: 1, drop: 0.4, cooks: [{ name: "Slow", ms: 2000 }] })));
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  assert.match(await p.getByTestId("report-more").textContent(), /refunds handed to a person\s*1/);
  await p.getByTestId("filter-type").selectOption("RefundEscalated");
  await settle(p);
  const mark = p.locator("[data-testid=message-row] [data-testid=log-mark][data-mark=RefundEscalated]").first();
  assert.equal((await mark.textContent()).trim(), "✋ to a person");
  await toStep(p, (s) => s.outputs.some((o) => o.type === "RefundEscalated"));
  assert.match(await p.getByTestId("step-caption").textContent(), /RefundEscalated \(refund handed to a person\)/);

  // the idempotent cooks recognise a second copy of a CookFood
  const q = (ctx.page = await openPage(ctx.browser, link({ seed: 1, orders: 6, idempotent_cooks: true, duplicate: 0.3 })));
  await p.context().close();
  await q.getByTestId("run-to-end").click();
  await waitReady(q);
  assert.match(await q.getByTestId("report-more").textContent(), /recognised \(taken once, not cooked again\)\s*1/);
  const seq = await q.evaluate(() => window.brigade.sim.faults().find((f) => f.fault === "recognised").seq);
  await toStep(q, new Function(`return (s) => s.seq === ${seq} && s.outputs.length === 0 && s.actor_kind === "cook" && s.duplicate`)());
  assert.match(await q.getByTestId("step-caption").textContent(), /took CMD\s*CookFood.*recognised \(taken once, not cooked again\) by/);
  await q.getByTestId("tab-faults").click();
  await settle(q);
  assert.match(await q.getByTestId("fault-list-run").textContent(), /recognised \(taken once\): \w+ had taken it already/);

  // a poison dish: failed tries and a dead letter, in the log and the faults tab
  const r = (ctx.page = await openPage(ctx.browser, link({ orders: 4, poison_dish: "guacamole" })));
  await q.context().close();
  await r.getByTestId("run-to-end").click();
  await waitReady(r);
  await r.getByTestId("tab-faults").click();
  await settle(r);
  const faults = await r.getByTestId("fault-list-run").textContent();
  assert.match(faults, /CookFood \(order 4\) failed \(poison\): Koen's handler failed on it/);
  assert.match(faults, /CookFood \(order 4\) dead-lettered: Koen failed on it every try/);
  await r.getByTestId("filter-type").selectOption("CookFood");
  await settle(r);
  const chips = await r.locator("[data-testid=message-row] [data-testid=log-fault]").evaluateAll((cs) => cs.map((c) => `${c.dataset.fault}:${c.textContent}`));
  assert.ok(chips.includes("failed:✕ failed") && chips.includes("dead-lettered:☠ dead letter"), chips.join(", "));
});
