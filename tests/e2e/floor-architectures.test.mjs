// Issue 21: the floor draws all three architectures from the run's wiring. Every arrow the
// floor draws at a step goes from the real sender to the real receiver: the delivery's
// arrow ends at the actor the engine delivered to and starts at its publisher (or the actor
// that hands it on, by the wiring), an input's arrows go to every role the wiring sends its
// message to for that order's customer, and each arrow is one of `wiring()`'s links. Before
// this, the waiter's OrderPlaced was drawn to the house in every architecture, and the
// inspector's sequence diagram used the same process-manager table.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

const link = (config) => `#config=${encodeURIComponent(JSON.stringify(config))}`;
const ARCHITECTURES = ["process-manager", "choreography", "commands"];

/** The known run's length, its wiring and its actors (name, role). */
async function runFacts(p) {
  return p.evaluate(() => {
    const sim = window.brigade.sim;
    return { total: sim.totalSteps(), wiring: sim.wiring(), actors: sim.actors().map((a) => [a.name, a.kind]) };
  });
}

/** At the page's current step: the step, the floor's arrows, who published what it delivered. */
async function atStep(p, n) {
  await p.evaluate((k) => window.brigade.seek(k), n);
  await settle(p);
  await settle(p);
  return p.evaluate(() => {
    const app = window.brigade;
    const step = app.frame.lastStep();
    const message = (seq) => (seq === null || seq === undefined ? null : app.sim.message(seq));
    const order = step?.correlation_id ? app.frame.orderBy(step.correlation_id) : null;
    return {
      step,
      dodgy: step?.customer ? step.customer === "dodgy" : order ? Boolean(order.dodgy) : null,
      publisher: message(step?.seq)?.publisher ?? null,
      faults: (step?.faults ?? []).map((f) => ({ ...f, type: message(f.seq)?.type, publisher: message(f.seq)?.publisher })),
      lit: [...document.querySelectorAll("[data-testid=wiring-link][data-lit]")].map((l) => ({ customers: l.dataset.customers, type: l.dataset.type, to: l.dataset.to })),
      arrows: [...document.querySelectorAll("[data-testid=floor-arrow]")].map((a) => ({
        from: a.dataset.from, to: a.dataset.to, type: a.dataset.type, fault: a.dataset.fault, main: a.classList.contains("main"),
      })),
    };
  });
}

for (const architecture of ARCHITECTURES) {
  test(`${architecture}: every arrow on the floor goes from the real sender to the real receiver`, { skip, timeout: 120000 }, async () => {
    const config = { architecture, orders: 6, dodgy: 0.5, seed: 7, drop: 0.15 };
    const p = (ctx.page = await openPage(ctx.browser, ctx.server.url + link(config), { viewport: { width: 1440, height: 900 } }));
    const { total, wiring, actors } = await runFacts(p);
    assert.equal(wiring.architecture, architecture);
    const kindOf = new Map(actors);
    const fits = (l, dodgy) => dodgy === null || l.customers === "all" || (l.customers === "dodgy") === dodgy;
    const isLink = (from, to, type, dodgy) => wiring.links.some((l) => l.from === kindOf.get(from) && l.to === kindOf.get(to) && l.type === type && fits(l, dodgy));
    let checked = 0, inputs = 0, handedOn = 0, faults = 0, dodgyInputs = 0;
    let shot = null;
    for (let n = 1; n <= total; n++) {
      const { step, arrows, lit, publisher, dodgy, faults: stepFaults } = await atStep(p, n);
      // the links lit for the step carry this order's customer
      for (const l of lit) {
        assert.ok(dodgy === null || l.customers === "all" || (l.customers === "dodgy") === dodgy,
          `${architecture} step ${n}: the ${l.customers} customers' link ${l.type} → ${l.to} is lit for a ${dodgy ? "dodgy" : "normal"} order`);
      }
      if (!step || step.kind === "tail") {
        assert.equal(arrows.length, 0, `step ${n}: nobody receives the tail`);
        continue;
      }
      for (const a of arrows) {
        assert.ok(isLink(a.from, a.to, a.type, dodgy),
          `${architecture} step ${n}: arrow ${a.from} (${kindOf.get(a.from)}) → ${a.to} (${kindOf.get(a.to)}) ${a.type}${dodgy ? " (dodgy)" : ""} is no link of the wiring`);
        checked++;
      }
      const main = arrows.filter((a) => a.main);
      if (publisher && publisher !== step.actor) {
        // a delivery: one arrow, into the actor that handled it, from its publisher or from who hands it on
        assert.equal(main.length, 1, `step ${n}: one arrow for the delivery`);
        assert.equal(main[0].to, step.actor, `step ${n}: the arrow ends at the receiver`);
        assert.equal(main[0].type, step.type);
        if (main[0].from !== publisher) {
          handedOn++;
          assert.ok(wiring.links.some((l) => l.to === kindOf.get(main[0].from) && l.type === step.type),
            `step ${n}: ${main[0].from} hands on ${step.type}, so it receives it itself`);
        }
      } else if (!publisher) {
        // an input (the waiter takes an order): an arrow per role the wiring sends each output to
        inputs++;
        if (dodgy) dodgyInputs++;
        const expected = step.outputs.flatMap((o) => [...new Set(wiring.links
          .filter((l) => l.from === step.actor_kind && l.type === o.type && fits(l, dodgy)).map((l) => l.to))]
          .map((role) => `${o.type}>${role}`)).sort();
        assert.ok(expected.length > 0, `step ${n}: the input publishes to someone`);
        assert.deepEqual(main.map((a) => `${a.type}>${kindOf.get(a.to)}`).sort(), expected,
          `${architecture} step ${n}: the waiter's ${dodgy ? "dodgy" : "normal"} order goes where the wiring sends it`);
        if (dodgy && !shot) shot = n;
      }
      for (const f of stepFaults) {
        faults++;
        const arrow = arrows.find((a) => a.fault === f.fault && a.to === f.actor);
        assert.ok(arrow, `step ${n}: the ${f.fault} to ${f.actor} is drawn`);
        assert.equal(arrow.type, f.type);
      }
    }
    assert.ok(inputs >= 6 && dodgyInputs >= 1, `${inputs} inputs, ${dodgyInputs} dodgy`);
    assert.ok(checked > 20, `${checked} arrows checked`);
    if (architecture === "process-manager") assert.ok(handedOn > 0, "the dispatcher hands work to the cooks");
    // pictures to look at: a dodgy customer's order, and a busy step
    await atStep(p, shot);
    await screenshot(p, `floor-${architecture}-dodgy-order`);
    await atStep(p, Math.min(total - 1, 40));
    await screenshot(p, `floor-${architecture}-step-40`);
    assert.deepEqual(p.problems, []);
    assert.ok(faults >= 0);
  });
}

test("the sequence diagram draws each message to its receiver in the run's wiring", { skip, timeout: 60000 }, async () => {
  // commands: the waiter sends the first command itself; a dodgy order's goes to the cashier
  const config = { architecture: "commands", orders: 4, dodgy: 1, seed: 3 };
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url + link(config), { viewport: { width: 1440, height: 900 } }));
  await p.getByTestId("run-to-end").click();
  await settle(p);
  const corr = await p.evaluate(() => window.brigade.sim.orders()[0].correlation_id);
  await p.evaluate((c) => window.brigade.selectOrder(c), corr);
  await settle(p);
  await p.getByTestId("tab-seq").click();
  await settle(p);
  const rows = await p.evaluate((c) => {
    const sim = window.brigade.sim;
    return { stream: sim.orderStream(c), wiring: sim.wiring(), kinds: sim.actors().map((a) => [a.name, a.kind]) };
  }, corr);
  const arrows = await p.locator("#seq-diagram [data-testid=seq-message]").evaluateAll((ms) => ms.map((m) => ({ from: m.dataset.from, to: m.dataset.to, type: m.dataset.type })));
  assert.ok(arrows.length >= rows.stream.length - 1, `${arrows.length} arrows for ${rows.stream.length} messages`);
  const kind = new Map(rows.kinds);
  for (const a of arrows.filter((x) => x.to)) {
    assert.ok(rows.wiring.links.some((l) => l.from === kind.get(a.from) && l.to === kind.get(a.to) && l.type === a.type && l.customers !== "normal")
      || rows.wiring.links.some((l) => l.to === kind.get(a.to) && l.type === a.type),
    `sequence diagram: ${a.from} → ${a.to} ${a.type} is no link of the commands wiring`);
  }
  const placed = arrows.find((a) => a.from && kind.get(a.from) === "waiter");
  assert.ok(placed, "the waiter's message is drawn");
  assert.notEqual(kind.get(placed.to), "house", "in commands nobody in the house hears the order");
  await screenshot(p, "sequence-commands-dodgy");
});
