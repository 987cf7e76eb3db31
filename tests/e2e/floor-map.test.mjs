// Issue 8: the floor is a map of the restaurant (the wiring from the engine, lit for the
// step, counted, a mailbox per actor, pay-first differences), and the captions say what the
// executor recorded (bug 6): the time of held messages, the cook a dispatcher chose, the tail.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle, text, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

const link = (config) => `#config=${encodeURIComponent(JSON.stringify(config))}`;

async function seek(p, step) {
  await p.evaluate((n) => window.brigade.seek(n), step);
  await settle(p);
  await settle(p);
}

/** The first step (at the end of the run) satisfying `predicate`'s source, evaluated in the page. */
async function findStep(p, source) {
  return p.evaluate((src) => {
    const sim = window.brigade.sim;
    const at = sim.currentStep();
    sim.seek(sim.totalSteps());
    const steps = sim.steps(1, sim.totalSteps() + 1);
    sim.seek(at);
    // eslint-disable-next-line no-new-func
    return steps.find(new Function("s", `return ${src}`)) ?? null;
  }, source);
}

test("captions read the step's outputs: held timeouts, the dispatcher's cook, the tail", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  const alarm = await findStep(p, "s.actor_kind === 'alarm-clock' && s.type === 'PublishAt'");
  await seek(p, alarm.step);
  const caption = await text(p, "step-caption");
  assert.match(caption, /alarm clock handled .*PublishAt.* holds StepTimedOut until 2\.500 s/, caption);
  assert.doesNotMatch(caption, /publishes StepTimedOut/, "a held timeout is not published at 0 s");

  const dispatch = await findStep(p, "s.actor_kind === 'dispatcher'");
  await seek(p, dispatch.step);
  assert.equal(dispatch.outputs[0].status, "handed");
  assert.match(await text(p, "step-caption"), new RegExp(`dispatcher handed .*CookFood.* to ${dispatch.outputs[0].to}$`));
  assert.equal(await text(p, "caption-cook"), dispatch.outputs[0].to);
  // the floor lights the link from the dispatcher to that cook, and only that cook's
  const lit = await p.locator("[data-testid=wiring-link][data-from=dispatcher][data-lit]").evaluateAll((ls) => ls.map((l) => l.dataset.toActor));
  assert.deepEqual(lit, [dispatch.outputs[0].to]);

  // a house step: what it got lit "in", what it decides lit "out" on the links to their receivers
  const house = await findStep(p, "s.actor_kind === 'house' && s.type === 'OrderPlaced'");
  await seek(p, house.step);
  const litNow = await p.locator("[data-testid=wiring-link][data-lit]").evaluateAll((ls) => ls.map((l) => `${l.dataset.lit} ${l.dataset.from}>${l.dataset.to} ${l.dataset.type}`).sort());
  assert.deepEqual(litNow, ["in waiter>house OrderPlaced", "out house>alarm-clock PublishAt", "out house>dispatcher CookFood"]);

  const total = await p.evaluate(() => window.brigade.sim.totalSteps());
  await seek(p, total);
  const tail = await text(p, "step-caption");
  assert.match(tail, /the run's tail: after the last delivery, alarm clock published StepTimedOut ×\d+ from [\d.]+ s to [\d.]+ s\. Nobody receives them/, tail);
  assert.doesNotMatch(tail, /handled Tail/);
  assert.equal(await p.locator("[data-testid=floor] .chip.timeout").count(), 0, "no timer-set badge on the tail");
  assert.equal(await p.locator("[data-testid=wiring-link][data-lit]").count(), 0, "nobody receives the tail: no link lit");
  assert.equal(await p.getByTestId("floor-arrow").count(), 0, "and no arrow to anybody");
});

test("the decided column carries what the executor recorded for each decision", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  // the alarm clock's answer is held; the house's CookFood to the dispatcher is published at once
  const house = await findStep(p, "s.actor_kind === 'house' && s.type === 'OrderPlaced'");
  await p.evaluate((corr) => window.brigade.selectOrder(corr), house.correlation_id);
  await p.getByTestId("run-to-end").click();
  await settle(p);
  await settle(p);
  const statuses = await p.locator("[data-testid=decision-row] .decided").evaluateAll((ds) => ds.map((d) => d.dataset.status));
  assert.ok(statuses.length >= 2 && statuses.every((s) => s === "published"), JSON.stringify(statuses));
});

test("the floor draws the run's wiring from the engine, with counts and labels clear of names", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.getByTestId("run-to-end").click();
  await settle(p);
  await settle(p);
  const expected = await p.evaluate(() => {
    const sim = window.brigade.sim;
    const cooks = sim.actors().filter((a) => a.kind === "cook").length;
    return sim.wiring().links.map((l) => ({ ...l, n: (l.from === "cook" ? cooks : 1) * (l.to === "cook" ? cooks : 1) }));
  });
  const drawn = await p.getByTestId("wiring-link").evaluateAll((ls) => ls.map((l) => ({ ...l.dataset })));
  assert.equal(drawn.length, expected.reduce((a, l) => a + l.n, 0), "one link per wiring link and cook");
  for (const l of expected) {
    assert.equal(drawn.filter((d) => d.from === l.from && d.to === l.to && d.type === l.type).length, l.n, `${l.from} → ${l.to} ${l.type}`);
  }
  assert.ok(drawn.filter((d) => d.to === "cook").every((d) => ["Koen", "Guido", "Greg"].includes(d.toActor)));
  // counts: ten orders placed, ten completed, every cook's deliveries
  const count = (sel) => p.locator(`[data-testid=wiring-link]${sel}`).getAttribute("data-count");
  assert.equal(await count("[data-from=waiter][data-type=OrderPlaced]"), "10");
  assert.equal(await count("[data-from=house][data-type=OrderCompleted]"), "10");
  const perCook = await p.evaluate(() => window.brigade.sim.actors().filter((a) => a.kind === "cook").map((a) => [a.name, a.handled]));
  for (const [name, handled] of perCook) assert.equal(await count(`[data-from=dispatcher][data-to-actor="${name}"]`), String(handled));
  // no count label covers an actor's name
  const overlaps = await p.evaluate(() => {
    const names = [...document.querySelectorAll("[data-testid=actor] .actor-name")].map((n) => n.getBoundingClientRect());
    return [...document.querySelectorAll("[data-testid=link-count]")].map((t) => t.parentNode.querySelector("rect").getBoundingClientRect())
      .filter((r) => names.some((n) => r.left < n.right && n.left < r.right && r.top < n.bottom && n.top < r.bottom)).length;
  });
  assert.equal(overlaps, 0, "labels never over a name");
});

test("clicking an actor lists its mailbox: which orders, waiting since when", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await seek(p, 20); // the house has published ten CookFood; the dispatcher has handled none
  const queue = Number(await p.locator("[data-actor=dispatcher] [data-testid=queue-length]").textContent());
  assert.ok(queue > 0);
  await p.locator("[data-actor=dispatcher] .actor-name").click();
  await settle(p);
  assert.equal(await text(p, "mailbox-count"), String(queue));
  const items = await p.getByTestId("mailbox-message").evaluateAll((ls) => ls.map((l) => ({ type: l.dataset.type, text: l.textContent })));
  assert.equal(items.length, queue);
  assert.ok(items.every((i) => i.type === "CookFood" && /order \d+/.test(i.text) && /waiting since 0\.000 s/.test(i.text)), JSON.stringify(items[0]));
  // one step on, the dispatcher has handed one: one fewer waiting
  await p.getByTestId("step-forward").click();
  await settle(p);
  await settle(p);
  const now = Number(await p.locator("[data-actor=dispatcher] [data-testid=queue-length]").textContent());
  assert.equal(await text(p, "mailbox-count"), String(now));
  assert.equal(await p.getByTestId("mailbox-message").count(), now);
  // at the end nothing waits: the mailbox says so (and nothing else)
  await p.getByTestId("run-to-end").click();
  await settle(p);
  await settle(p);
  assert.equal(await text(p, "mailbox-count"), "0");
  assert.equal(await p.getByTestId("mailbox-message").count(), 0);
  assert.match((await p.locator("#mailbox-body").textContent()).trim(), /^dispatcher's mailbox at step 131: 0 waiting\s*Nothing is waiting for it at this step\.$/);
});

test("choreography: no house activity, and a pay-first order marks the links that differ", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url + link({ architecture: "choreography", dodgy: 0.5 })));
  assert.equal(await text(p, "architecture"), "choreography");
  assert.match(await text(p, "rewired"), /rewired for pay-first: cook, assistant manager, printer/);
  assert.equal(await p.locator("[data-testid=wiring-link][data-from=house], [data-testid=wiring-link][data-to=house]").count(), 0);
  for (const kind of ["house", "alarm-clock"]) {
    assert.match(await p.locator(`[data-testid=actor][data-kind=${kind}]`).getAttribute("class"), /is-unwired/, `${kind} greyed`);
  }
  await p.getByTestId("run-to-end").click();
  await settle(p);
  assert.equal(await p.locator("[data-testid=wiring-link][data-pay-first]").count(), 0, "nothing marked without a pay-first order");
  await p.locator("[data-testid=order-row] td:nth-child(3)").first().waitFor();
  const dodgy = await p.evaluate(() => window.brigade.sim.orders().find((o) => o.dodgy).correlation_id);
  await p.locator(`[data-testid=order-row][data-correlation-id="${dodgy}"] button`).click();
  await settle(p);
  await settle(p);
  const marked = await p.locator("[data-testid=wiring-link][data-pay-first=true]").evaluateAll((ls) => ls.map((l) => l.dataset.customers));
  const dodgyLinks = await p.locator("[data-testid=wiring-link][data-customers=dodgy]").count();
  await screenshot(p, "floor-choreography-pay-first");
  assert.ok(marked.length > 0 && marked.length === dodgyLinks && marked.every((c) => c === "dodgy"), `${JSON.stringify(marked)} of ${dodgyLinks}`);
});

test("the tail of a 2,000-order run is described as the tail, whoever published it", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url + link({ orders: 2000, interval_ms: 120, dispatch: "competing" })));
  await p.getByTestId("run-to-end").click();
  await settle(p);
  await settle(p);
  const last = await p.evaluate(() => window.brigade.sim.lastStep());
  assert.equal(last.kind, "tail");
  const caption = await text(p, "step-caption");
  assert.match(caption, new RegExp(`the run's tail: after the last delivery, ${last.actor} published`));
  assert.doesNotMatch(caption, /handled Tail/);
  assert.equal(await p.locator("[data-testid=floor] .chip.timeout").count(), 0, "no timer-set badge on the tail");
});

test("no label on the floor covers an actor's name, step after step", { skip }, async () => {
  for (const config of [{}, { architecture: "choreography", dodgy: 0.5, drop: 0.1, duplicate: 0.1, orders: 12 }]) {
    const p = (ctx.page = await openPage(ctx.browser, ctx.server.url + link(config)));
    const total = await p.evaluate(() => window.brigade.sim.totalSteps());
    const bad = [];
    for (let step = 1; step <= total; step += 3) {
      await seek(p, step);
      const covered = await p.evaluate(() => {
        const names = [...document.querySelectorAll("[data-testid=actor] .actor-name")].map((n) => [n.textContent, n.getBoundingClientRect()]);
        const labels = [...document.querySelectorAll("#floor-arrows rect.label-bg, #floor-links rect.link-count-bg")].map((r) => r.getBoundingClientRect());
        const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
        return labels.flatMap((l) => names.filter(([, n]) => hit(l, n)).map(([name]) => name));
      });
      if (covered.length) bad.push(`step ${step}: ${covered.join(", ")}`);
    }
    assert.deepEqual(bad, [], JSON.stringify(config));
    assert.deepEqual(p.problems, [], "no console errors or page errors");
    await ctx.page.context().close();
    ctx.page = null;
  }
});
