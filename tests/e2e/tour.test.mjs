// The guided tour (www/js/tour/): every chapter's scenario loads, every stop is reached at a
// step where the named thing really happens (checked on the engine through window.brigade),
// every "try this" is done through the page and noticed; screenshots of each chapter's
// first stop, desktop and phone.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle, screenshot } from "./helpers.mjs";

const ctx = browserSuite();
const CHAPTERS = 14;

/** What must be true of the engine at each stop, read in the page. */
function checkMoment(moment) {
  const app = window.brigade;
  const sim = app.sim;
  const step = sim.currentStep();
  const last = sim.lastStep();
  const cfg = { ...app.defaults, ...app.config };
  const cooks = () => sim.actors().filter((a) => a.kind === "cook");
  const has = (type) => last.outputs.some((o) => o.type === type);
  const at = (n, fn) => { sim.seek(n); try { return fn(); } finally { sim.seek(step); } };
  switch (moment) {
    case "first-message": return last.published.includes(0) && sim.message(0).type === "OrderPlaced" && sim.message(0).causation_id === null;
    case "first-answer": return last.seq === 0 && last.outputs.length > 0 && last.outputs.every((o) => o.published_step > step);
    case "queue-forms": return cooks().length === 1 && cooks()[0].queue >= 2;
    case "longest-queue": {
      const peak = Math.max(...Array.from({ length: sim.totalSteps() }, (_, i) => at(i + 1, () => cooks()[0].queue)));
      return peak >= 3 && cooks()[0].queue === peak;
    }
    case "queue-limit": {
      const to = last.outputs.find((o) => o.status === "handed")?.to;
      return last.actor_kind === "dispatcher" && cfg.dispatch === "more-fair" && at(step - 1, () => cooks().some((c) => c.name !== to && c.queue >= cfg.queue_limit));
    }
    case "expired": return last.actor_kind === "cook" && has("OrderExpired");
    case "house-expired": return last.actor_kind === "house" && last.type === "OrderExpired";
    case "cook-hears": return sim.wiring().architecture === "choreography" && last.actor_kind === "cook" && last.type === "OrderPlaced";
    case "printer-food": return sim.wiring().rewired_for_pay_first.includes("printer") && last.actor_kind === "printer" && last.type === "FoodCooked" && sim.order(last.correlation_id).dodgy;
    case "pm-starts": return last.actor_kind === "house" && last.type === "OrderPlaced" && has("CookFood");
    case "most-live": {
      const live = () => sim.actors().find((a) => a.kind === "house").live;
      const peak = Math.max(...Array.from({ length: sim.totalSteps() }, (_, i) => at(i + 1, live)));
      return peak >= 2 && live() === peak;
    }
    case "lost": return sim.faults().some((f) => f.fault === "drop" && f.step === step && !f.manual);
    case "retry": {
      const lost = sim.faults().find((f) => f.fault === "drop");
      const m = lost && sim.message(lost.seq);
      return last.actor_kind === "house" && last.type === "StepTimedOut" && m.correlation_id === last.correlation_id && has(m.type);
    }
    case "rejected": return has("MessageRejected");
    case "paid-first": {
      const o = sim.order(last.correlation_id);
      return last.actor_kind === "cashier" && last.type === "TakePayment" && o.dodgy && o.definition === "pay-first" && !sim.orderStream(o.correlation_id).some((x) => x.type === "FoodCooked");
    }
    case "refunded": return last.actor_kind === "cashier" && has("PaymentRefunded") && sim.orderStream(last.correlation_id).some((x) => x.type === "OrderPaid");
    case "version-diff": {
      const o = sim.order(app.selected);
      const replay = sim.replay(o.correlation_id, o.definition, o.version === 2 ? 1 : 2);
      return last.actor_kind === "house" && replay.steps.some((x) => x.seq === last.seq && !x.same_as_history);
    }
    case "duplicate": return sim.faults().some((f) => f.fault === "duplicate" && f.step === step);
    case "absorbed": return last.outputs.some((o) => o.status === "absorbed") && cfg.idempotent_store === true;
    case "swelling-queue": {
      // the longest cook queue of the run, in a run that comes in rushes, with its throughput
      const peak = Math.max(...Array.from({ length: sim.totalSteps() }, (_, i) => at(i + 1, () => Math.max(...cooks().map((c) => c.queue)))));
      const cook = cooks().find((c) => c.queue === peak);
      return cfg.arrivals === "rush" && peak >= 3 && Boolean(cook) && sim.report().load[cook.name].taken > 0;
    }
    case "shed": {
      // a message shed at a full bounded mailbox at this step, that mailbox full just before
      const shed = sim.faults().find((f) => f.fault === "shed" && f.step === step);
      const limit = cfg.mailbox_limits?.cook?.max;
      return Boolean(shed) && limit > 0 && at(step - 1, () => sim.actors().find((a) => a.name === shed.actor).queue) >= limit;
    }
    case "dead-lettered": {
      // a message moved to the dead-letter queue at this step, after failing every try
      const dead = sim.faults().find((f) => f.fault === "dead-lettered" && f.step === step);
      const tries = sim.faults().filter((f) => f.fault === "failed" && dead && f.seq === dead.seq && f.step <= step).length;
      const queue = sim.actors().find((a) => a.kind === "dead-letters");
      return Boolean(dead) && tries === (cfg.poison_retries ?? 2) + 1 && queue?.queue >= 1 && last.outputs.some((o) => o.type === "MessageDeadLettered");
    }
    case "poison-order-ends": {
      // the order of the first dead letter ends at this step (its terminal event published)
      const dead = sim.faults().find((f) => f.fault === "dead-lettered");
      const corr = dead && sim.message(dead.seq).correlation_id;
      const order = corr && sim.order(corr);
      return Boolean(order) && (order.status === "dropped" || order.status === "completed") && last.published.some((seq) => sim.message(seq).correlation_id === corr);
    }
    case "crash": {
      const down = sim.actors().filter((a) => a.down_until !== undefined).map((a) => a.kind).sort();
      return cfg.house === "cached" && JSON.stringify(down) === JSON.stringify(["alarm-clock", "cook", "house"]) && sim.report().crashes === 3;
    }
    case "stuck": {
      // the end of the run: an order never ended after the alarm clock lost its alarms
      const r = sim.report();
      return step === sim.totalSteps() && sim.frontierIdle() && (r.stuck ?? 0) + r.in_progress >= 1 && !cfg.durable_timers
        && sim.faults().some((f) => f.fault === "crash" && f.actor === "alarm clock");
    }
    default: return `unknown moment ${moment}`;
  }
}

async function stopped(page) {
  await page.waitForFunction(() => ["stopped", "missing"].includes(document.querySelector("[data-testid=narration]")?.dataset.state), null, { timeout: 30000 });
  await settle(page);
  const n = await page.getByTestId("narration").evaluate((node) => ({ ...node.dataset, text: node.textContent }));
  assert.equal(n.state, "stopped", `a stop was not found in its run: ${n.text}`);
  assert.doesNotMatch(n.text, /undefined|NaN|null|\[object/, "every number and name in the narration was read");
  return n;
}

/** Do chapter N's "try this" with the page's own controls. */
async function tryThis(page, chapter) {
  const setup = async (fn) => {
    await page.getByTestId("setup-toggle").click();
    await fn();
    await page.getByTestId("start-run").click();
  };
  switch (chapter) {
    case 1: await page.getByTestId("place-order").click(); break;
    case 2: await setup(() => page.getByTestId("add-cook").click()); break;
    case 3: await setup(() => page.getByTestId("cfg-dispatch").selectOption("round-robin")); break;
    case 4: await page.getByTestId("tour-try-action").click(); break;
    case 5: await setup(() => page.getByTestId("cfg-architecture").selectOption("commands")); break;
    case 6: await page.locator("[data-testid=actor][data-kind=house]").click(); break;
    case 7: await page.getByTestId("tour-try-action").click(); break;
    case 8: await page.getByTestId("dodgy").check(); await page.getByTestId("place-order").click(); break;
    case 9: await page.getByTestId("replay-version").selectOption("1"); break;
    case 10: await setup(() => page.getByTestId("cfg-idempotent-store").uncheck()); break;
    case 11: await setup(() => page.getByTestId("cfg-dispatch").selectOption("competing")); break;
    case 12: await setup(async () => {
      await page.locator("details.advanced summary").click();
      await page.getByTestId("cfg-mailbox-limits").fill("cook=1:block");
    }); break;
    case 13: {
      // re-deliver a dead letter from the dead-letter queue's own box on the floor
      const queue = page.locator("[data-testid=actor][data-kind=dead-letters]");
      await queue.click();
      await page.getByTestId("dead-letter").first().waitFor();
      await page.getByTestId("redeliver").first().click();
      break;
    }
    case 14: await page.getByTestId("tour-try-action").click(); break;
    default: throw new Error(`no try for chapter ${chapter}`);
  }
}

/** The engine's state after the try: what the tour says it noticed really happened. */
function checkTry(chapter) {
  const app = window.brigade;
  const sim = app.sim;
  const cfg = { ...app.defaults, ...app.config };
  const inputs = sim.inputs().map((i) => i.action ?? i);
  switch (chapter) {
    case 1: return inputs.some((a) => a.type === "PlaceOrder");
    case 2: return cfg.cooks.length === 2;
    case 3: return cfg.dispatch === "round-robin";
    case 4: return sim.inputs().some((i) => (i.action ?? i).type === "HireCook") && sim.actors().filter((a) => a.kind === "cook").length === 2;
    case 5: return sim.wiring().architecture === "commands";
    case 6: return app.mailbox.name === sim.actors().find((a) => a.kind === "house").name;
    case 7: return sim.faults().some((f) => f.manual && f.fault === "drop");
    case 8: return inputs.some((a) => a.type === "PlaceOrder" && a.dodgy);
    case 9: return document.querySelector("#replay-version").value === "1" && sim.order(app.selected).version === 2;
    case 10: return cfg.idempotent_store === false;
    case 11: return cfg.dispatch === "competing" && cfg.arrivals === "rush";
    case 12: {
      // read at the end of the run: customers were turned away at the door
      const at = sim.currentStep();
      sim.seek(sim.totalSteps());
      const refused = sim.report().refused_at_door ?? 0;
      sim.seek(at);
      return cfg.mailbox_limits?.cook?.policy === "block" && refused > 0;
    }
    case 13: return inputs.some((a) => a.type === "RedeliverMessage");
    case 14: {
      const at = sim.currentStep();
      sim.seek(sim.totalSteps());
      const r = sim.report();
      sim.seek(at);
      return cfg.durable_timers === true && r.crashes === 3 && r.in_progress === 0 && !r.stuck && r.completed === r.orders;
    }
    default: return false;
  }
}

for (const [device, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
test(`the tour walks every chapter (${device}): each stop at a step where its moment happens, each try noticed`, { skip: ctx.skip, timeout: 600000 }, async () => {
  const page = ctx.page = await openPage(ctx.browser, ctx.server.url, { viewport });
  assert.ok(await page.getByTestId("tour-offer").isVisible(), "a first visit offers the tour");
  await page.getByTestId("tour-start").click();
  const seen = [];
  for (let chapter = 1; chapter <= CHAPTERS; chapter++) {
    const head = page.getByTestId("tour-chapter");
    assert.equal(await head.getAttribute("data-chapter"), String(chapter));
    assert.equal(await head.getAttribute("data-chapters"), String(CHAPTERS));
    let stop = 0;
    for (;;) {
      const n = await stopped(page);
      stop++;
      assert.equal(n.stop, String(stop));
      const step = await page.evaluate(() => window.brigade.sim.currentStep());
      assert.equal(String(step), n.step, "the cursor is at the stop's step");
      const ok = await page.evaluate(checkMoment, n.moment);
      assert.equal(ok, true, `chapter ${chapter} stop ${stop} (${n.moment}) at step ${step}: the moment is not there`);
      assert.match(await page.evaluate(() => location.hash), new RegExp(`^#tour=${chapter}\\.${stop}$`));
      if (stop === 1 && device === "desktop") await screenshot(page, `tour-${String(chapter).padStart(2, "0")}-desktop`);
      seen.push(n.moment);
      const label = await page.getByTestId("tour-next").textContent();
      if (!/^Next ▶/.test(label)) break;
      await page.getByTestId("tour-next").click();
    }
    const tryBox = page.getByTestId("tour-try");
    assert.equal(await tryBox.getAttribute("data-done"), "false");
    await tryThis(page, chapter);
    await page.waitForFunction(() => document.querySelector("[data-testid=tour-try]").dataset.done === "true", null, { timeout: 30000 });
    assert.equal(await page.evaluate(checkTry, chapter), true, `chapter ${chapter}: the try is noticed but the engine does not show it`);
    assert.ok((await page.getByTestId("tour-try-result").textContent()).length > 10, "the tour says what the action changed");
    await page.getByTestId("tour-next").click();
  }
  assert.equal(seen.length, 25, `every stop reached: ${seen.join(", ")}`);
  const progress = await page.evaluate(() => JSON.parse(localStorage.getItem("brigade.tour")));
  assert.equal(Object.keys(progress.done).length, CHAPTERS, "progress keeps every chapter done");
});
}

test("a tour link opens its chapter and stop; the offer can be dismissed for good; terms explain themselves", { skip: ctx.skip, timeout: 300000 }, async () => {
  const page = ctx.page = await openPage(ctx.browser, `${ctx.server.url}#tour=7.2`, { viewport: { width: 390, height: 844 } });
  const n = await stopped(page);
  assert.equal(await page.getByTestId("tour-chapter").getAttribute("data-chapter"), "7");
  assert.equal(n.stop, "2");
  assert.equal(await page.evaluate(checkMoment, n.moment), true);
  const dfn = page.locator("[data-testid=narration] dfn.term").first();
  const tip = await dfn.getAttribute("title");
  assert.ok(tip && tip.length > 20, "a term in the narration explains itself on hover");
  await dfn.focus();
  assert.equal(await dfn.evaluate((node) => getComputedStyle(node, "::after").content), JSON.stringify(tip), "and on focus");
  // on a phone the pointed actor is below the tour: "show me" brings it into view
  await page.getByTestId("tour-show").click();
  await page.waitForFunction(() => {
    const r = document.querySelector(".tour-point")?.getBoundingClientRect();
    return r && r.top >= 0 && r.bottom <= innerHeight;
  });
  assert.ok((await page.locator("[data-testid=cfg-dispatch] option[value=more-fair]").getAttribute("title")).length > 20, "the page's own terms too");
  await page.waitForFunction(() => /per order/.test(document.querySelector("[data-testid=actor][data-kind=house] .actor-name")?.title ?? "")
    && /version 2 retries/.test(document.querySelector("[data-testid=order-row] td[data-term='pay-last v2']")?.title ?? ""));
  for (let chapter = 1; chapter <= CHAPTERS; chapter++) {
    await page.evaluate((c) => { location.hash = `tour=${c}.1`; }, chapter);
    await page.waitForFunction((c) => document.querySelector("[data-testid=tour-chapter]").dataset.chapter === String(c), chapter);
    const first = await stopped(page);
    assert.equal(await page.evaluate(checkMoment, first.moment), true, `phone: chapter ${chapter}'s first stop`);
    await screenshot(page, `tour-${String(chapter).padStart(2, "0")}-phone`);
  }
  await page.getByTestId("tour-close").click();
  await page.waitForFunction(() => location.hash.startsWith("#run="));
  // a fresh visit in the same browser: the tour was started, so it is not offered again
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.equal(await page.getByTestId("tour-offer").isVisible(), false);
  // the Tour button resumes where the learner left it (the last chapter, stop 1)
  await page.getByTestId("tour-start").click();
  await stopped(page);
  assert.equal(await page.getByTestId("tour-chapter").getAttribute("data-chapter"), String(CHAPTERS));
  assert.equal(await page.evaluate(() => location.hash), `#tour=${CHAPTERS}.1`);
  await page.getByTestId("tour-close").click();
  await page.evaluate(() => localStorage.removeItem("brigade.tour"));
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.equal(await page.getByTestId("tour-offer").isVisible(), true);
  await page.getByTestId("tour-offer-dismiss").click();
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  assert.equal(await page.getByTestId("tour-offer").isVisible(), false, "dismissed for good");
});

test("closing the tour after its own input (a lost message) leaves a working page and address", { skip: ctx.skip, timeout: 120000 }, async () => {
  const page = ctx.page = await openPage(ctx.browser, `${ctx.server.url}#tour=7.1`);
  await stopped(page);
  const before = await page.evaluate(() => window.brigade.sim.faults().filter((f) => f.manual).length);
  assert.equal(before, 0);
  await page.getByTestId("tour-try-action").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=tour-try]").dataset.done === "true");
  assert.equal(await page.evaluate(() => window.brigade.sim.faults().filter((f) => f.manual && f.fault === "drop").length), 1);
  await page.getByTestId("tour-close").click();
  await page.getByTestId("step-forward").click();
  await settle(page);
  await page.evaluate(() => window.brigade.saveUrl()); // what the page does 200 ms after a render; throws if it cannot
  assert.match(await page.evaluate(() => location.hash), /^#(tour|run)=/);
  assert.equal(await page.getByTestId("narration").isVisible(), false, "the tour is closed");
});
