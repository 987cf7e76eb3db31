// An observed run in the page (issue 24): a record of a real live kitchen
// (tests/observed/five-orders.json, made by `brigade live --record`) opens by import and by
// a #run= link, and every view shows it as it happened — floor, log, sequence diagram,
// causation tree, faults, process-manager inspector — with time travel over it; the
// controls that do not apply to a record say why; a tampered record is refused and the
// run shown stays.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { browserSuite, openPage, settle, screenshot, root, number, slide } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;
const FIXTURE = path.join(root, "tests", "observed", "five-orders.json");
const file = JSON.parse(readFileSync(FIXTURE, "utf8"));
const ids = new Set(file.history.map((m) => m.id));
const placed = file.history.filter((m) => m.type === "OrderPlaced").map((m) => m.correlation_id);

async function importFile(p, fileName) {
  await p.getByTestId("import").setInputFiles(fileName);
  await settle(p);
  await settle(p);
}

async function opened(p) {
  await p.waitForFunction(() => document.body.classList.contains("observed"));
  await settle(p);
}

/** What the page shows of the record, at the current step. */
async function shown(p) {
  return {
    total: await number(p, "total-steps"),
    step: await number(p, "current-step"),
    orders: (await p.getByTestId("order-row").evaluateAll((r) => r.map((e) => e.dataset.correlationId))).sort(),
  };
}

test("an imported observed run shows its orders, messages and faults in every view, as recorded", { skip }, async () => {
  const p = await openPage(ctx.browser, ctx.server.url, { viewport: { width: 1440, height: 900 } });
  ctx.page = p;
  await importFile(p, FIXTURE);
  await opened(p);
  assert.equal(await p.getByTestId("error").isHidden(), true, await p.getByTestId("error").textContent());
  assert.match(await p.getByTestId("observed-banner").textContent(), /Observed run.*Recorded from a live kitchen: 96 messages/);
  assert.deepEqual(await shown(p), { total: file.history.length, step: file.history.length, orders: [...placed].sort() });

  // the log: recorded messages with their recorded ids and headers
  const rows = await p.getByTestId("message-row").evaluateAll((r) => r.map((e) => ({ id: e.dataset.id, type: e.dataset.type, causation: e.dataset.causationId })));
  assert.ok(rows.length > 10 && rows.every((r) => ids.has(r.id)), "the log shows the record's messages");
  const byId = new Map(file.history.map((m) => [m.id, m]));
  assert.ok(rows.every((r) => r.type === byId.get(r.id).type && (r.causation || null) === (byId.get(r.id).causation_id || null)));

  // the floor: the actors that ran, with what each answered
  const actors = await p.getByTestId("actor").evaluateAll((a) => a.map((e) => e.dataset.actor));
  for (const name of ["waiter", "house", "Koen", "Guido", "Greg", "cashier", "alarm clock"]) assert.ok(actors.includes(name), `${name} on the floor`);

  // the faults the record shows: doubled deliveries, rejections, a refused refund, unanswered commands
  await p.getByTestId("tab-faults").click();
  await settle(p);
  const faults = await p.locator("#fault-list-run [data-testid=fault-item]").evaluateAll((f) => f.map((e) => ({ fault: e.dataset.fault, step: Number(e.dataset.step), text: e.textContent })));
  const kinds = new Set(faults.map((f) => f.fault));
  for (const kind of ["duplicate", "rejected", "refused", "unanswered"]) assert.ok(kinds.has(kind), `a ${kind} fault is listed: ${[...kinds]}`);
  assert.match(faults.find((f) => f.fault === "unanswered").text, /not answered by any cashier before its alarm rang/);

  // the next fault jumps to the first one; time travel over the record
  await slide(p, 0);
  await p.getByTestId("fault-next").click();
  await settle(p);
  assert.equal(await number(p, "current-step"), Math.min(...faults.map((f) => f.step)));
  await p.getByTestId("step-back").click();
  await settle(p);
  assert.equal(await number(p, "current-step"), Math.min(...faults.map((f) => f.step)) - 1);
  await p.getByTestId("run-to-end").click();
  await settle(p);
  assert.equal(await number(p, "current-step"), file.history.length);

  // order 1: its process manager replayed over its recorded stream, its diagram, its tree
  await p.locator(`[data-testid=order-row][data-correlation-id="${placed[0]}"] button`).click();
  await p.getByTestId("tab-pm").click();
  await settle(p);
  const decisions = await p.getByTestId("decision-row").evaluateAll((r) => r.map((e) => e.dataset.same));
  assert.ok(decisions.length >= 4 && decisions.every((same) => same === "true"), `the house's decisions replay as recorded: ${decisions}`);
  await p.getByTestId("tab-seq").click();
  await settle(p);
  const arrows = await p.getByTestId("seq-message").evaluateAll((r) => r.map((e) => `${e.dataset.type}:${e.dataset.from}>${e.dataset.to}`));
  assert.ok(arrows.includes("OrderPlaced:waiter>house"), arrows.join(" "));
  assert.ok(arrows.some((a) => /^CookFood:house>(Koen|Guido|Greg)$/.test(a)), arrows.join(" "));
  await p.getByTestId("tab-tree").click();
  await settle(p);
  const nodes = await p.getByTestId("tree-node").count();
  const stream = file.history.filter((m) => m.correlation_id === placed[0]).length;
  assert.equal(nodes, stream, "one node of the causation tree per message of the order");
  assert.ok(await p.getByTestId("tree-fault").count() > 0, "the order's faults are on its tree");
  await screenshot(p, "observed-run-desktop");
});

test("the controls that do not apply to an observed run say so and change nothing", { skip }, async () => {
  const p = await openPage(ctx.browser, ctx.server.url);
  ctx.page = p;
  await importFile(p, FIXTURE);
  await opened(p);
  for (const testid of ["place-order", "dodgy", "live-version", "hire-cook", "explore"]) {
    const control = p.getByTestId(testid);
    assert.equal(await control.isDisabled(), true, `${testid} is disabled`);
    assert.match(await control.getAttribute("title"), /^Not in an observed run: /, `${testid} says why`);
  }
  const leave = p.locator("[data-testid=actor][data-actor=Koen] [data-testid=cook-leave]");
  assert.equal(await leave.isDisabled(), true);
  assert.match(await leave.getAttribute("title"), /cannot be sent away/);
  assert.match(await p.getByTestId("observed-why").textContent(), /cannot be re-simulated or branched/);
  // the keyboard's "o" still asks the engine: it answers why, and nothing changes
  const before = await shown(p);
  await p.locator("body").press("o");
  await settle(p);
  assert.match(await p.getByTestId("error").textContent(), /this is an observed run, recorded from a live kitchen: it is what happened and cannot be re-simulated, changed or branched .* \(nothing changed\)/);
  assert.deepEqual(await shown(p), before);
  // the set-up starts a new simulated run: said where it is
  await p.getByTestId("setup-toggle").click();
  assert.match(await p.getByTestId("observed-note").textContent(), /changing it here does not change what happened/);
  // the export is the record
  const [download] = await Promise.all([p.waitForEvent("download"), p.getByTestId("export").click()]);
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(exported.observed, true);
  assert.deepEqual(exported.history.map((m) => m.id), file.history.map((m) => m.id));
  // the errors shown here were the point of the test
  p.problems = [];
});

test("a #run= link carries an observed run: the same record at the same step, on a phone too", { skip }, async () => {
  const p = await openPage(ctx.browser, ctx.server.url);
  ctx.page = p;
  await importFile(p, FIXTURE);
  await opened(p);
  await slide(p, 40);
  await p.waitForFunction(() => {
    const raw = new URLSearchParams(location.hash.slice(1)).get("run");
    if (!raw) return false;
    const state = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(raw.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0))));
    return state.r?.observed === true && state.s === 40;
  });
  const link = p.url();
  const before = await shown(p);
  await p.context().close();
  ctx.page = null;
  const phone = await openPage(ctx.browser, link, { viewport: { width: 390, height: 844 } });
  ctx.page = phone;
  await opened(phone);
  assert.deepEqual(await shown(phone), before);
  assert.equal(before.step, 40);
  assert.equal(await phone.getByTestId("place-order").isDisabled(), true);
  await screenshot(phone, "observed-run-phone");
});

test("a tampered observed run is refused with what is wrong, and the run shown stays", { skip }, async () => {
  const p = await openPage(ctx.browser, ctx.server.url);
  ctx.page = p;
  await importFile(p, FIXTURE);
  await opened(p);
  const before = await shown(p);
  const dir = mkdtempSync(path.join(os.tmpdir(), "brigade-observed-"));
  try {
    const cases = [
      ["report", (f) => { f.report.completed = 5; }, /report: `completed` says 5, the history shows 4/],
      ["causation", (f) => { f.history[20].causation_id = "00000000-0000-0000-0000-000000000001"; }, /message 20: its causation id .* is no earlier message/],
      ["publisher", (f) => { f.history[3].publisher = "chef"; }, /message 3: `publisher` "chef" is not a role/],
    ];
    for (const [name, change, expected] of cases) {
      const bad = structuredClone(file);
      change(bad);
      const where = path.join(dir, `${name}.json`);
      writeFileSync(where, JSON.stringify(bad));
      await importFile(p, where);
      const error = await p.getByTestId("error").textContent();
      assert.match(error, /^Import failed: observed run: /, name);
      assert.match(error, expected, name);
      assert.match(error, /The current run is unchanged\./);
      assert.deepEqual(await shown(p), before, `${name}: the record shown stays`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  p.problems = [];
});
