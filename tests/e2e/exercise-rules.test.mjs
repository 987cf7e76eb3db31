// The check's rules (www/js/exercise/grade.js) on runs of the wasm package in Node: the
// solution keeps every rule in every scenario; each broken process manager breaks its rule.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { www, packageBuilt } from "./helpers.mjs";
import { SCENARIOS, EXPLORATION, EXPLORER_RULES, check } from "../../www/js/exercise/grade.js";
import { adoptEngine } from "../../www/js/engine.js";

const skip = packageBuilt() ? false : "www/pkg is not built (bash scripts/build-wasm.sh)";
const SOLUTION = readFileSync(path.join(www, "js/exercise/templates/solution.js"), "utf8");

let Simulation = null;
async function engine() {
  if (!Simulation) {
    const mod = await import(path.join(www, "pkg/brigade.js"));
    await mod.default({ module_or_path: readFileSync(path.join(www, "pkg/brigade_bg.wasm")) });
    // the check reads the engine's words through the page's wrapper
    Simulation = adoptEngine(mod);
  }
  return Simulation;
}

/** Every broken rule over the scenarios: [{ rule, scenario, order }]. */
async function grade(code, scenarios = SCENARIOS) {
  const Sim = await engine();
  const decide = new Function(`"use strict"; ${code}\nreturn decide;`)();
  const failures = [];
  for (const scenario of scenarios) {
    const result = Sim.runProcess({ ...scenario.config, custom_process: "all" }, decide, scenario.options);
    if (result.error) {
      failures.push({ rule: "runs", scenario: scenario.name, detail: result.error });
      continue;
    }
    const file = JSON.parse(result.run);
    for (const f of check(file.history, file.config)) failures.push({ ...f, scenario: scenario.name });
  }
  return failures;
}

/** The exploration of one order of each kind, as the check does it: [{ kind, progress }]. */
async function explore(code) {
  const Sim = await engine();
  const decide = new Function(`"use strict"; ${code}\nreturn decide;`)();
  const out = [];
  for (const kind of EXPLORATION.orders) {
    const e = Sim.exploreProcess({ custom_process: "all" }, decide, { order: kind, max_states: EXPLORATION.max_states });
    let progress = e.progress();
    while (progress.verdict === "running") progress = e.advance(1000);
    e.free();
    out.push({ kind, progress });
  }
  return out;
}

const WORST = SCENARIOS.filter((s) => s.options?.worst_moments);

const rules = (failures) => [...new Set(failures.map((f) => f.rule))].sort();

function broken(from, to) {
  assert.ok(SOLUTION.includes(from), `the solution holds ${from}`);
  return SOLUTION.replace(from, to);
}

test("the solution keeps every rule in every scenario", { skip }, async () => {
  assert.deepEqual(await grade(SOLUTION), []);
});

test("no timeouts handled: orders never end under lost messages", { skip }, async () => {
  const failures = await grade(broken('case "StepTimedOut": {', 'case "StepTimedOut": { break;'));
  // stuck: no end, and a payment taken for an order that never completes
  assert.ok(failures.some((f) => f.rule === "one-terminal" && f.scenario === "chaos"), JSON.stringify(failures.slice(0, 2)));
  assert.deepEqual(rules(failures).filter((r) => r !== "payments"), ["one-terminal"]);
});

test("completing before payment breaks completion and payments", { skip }, async () => {
  const failures = await grade(broken('normal: ["cook", "price", "pay"]', 'normal: ["cook", "price"]'));
  assert.deepEqual(rules(failures), ["complete-after-work", "payments"]);
  const first = failures.find((f) => f.rule === "complete-after-work");
  assert.deepEqual([first.scenario, first.order], ["reference", 1]);
});

test("cooking first for dodgy customers breaks pay-first", { skip }, async () => {
  const failures = await grade(broken('dodgy: ["price", "pay", "cook"]', 'dodgy: ["cook", "price", "pay"]'));
  assert.deepEqual(rules(failures), ["pay-first"]);
});

test("retrying without a limit breaks the retry rule", { skip }, async () => {
  const failures = await grade(broken("attempt <= config.max_retries", "attempt <= 9"));
  assert.deepEqual(rules(failures), ["retries"]);
  // seeded losses with one retry allowed, and every CookFood of an order lost
  assert.deepEqual([...new Set(failures.map((f) => f.scenario))].sort(), ["lossy, half dodgy", "manual drops at the worst moments"]);
});

test("no refund for a dropped order that was paid breaks payments", { skip }, async () => {
  const failures = await grade(broken('if (s.paid) request("refund", 1);', ""));
  assert.ok(rules(failures).includes("payments"), JSON.stringify(rules(failures)));
});

test("asking for work after the end breaks after-end", { skip }, async () => {
  const failures = await grade(broken('if (s.outcome) return reject("after-end");',
    'if (s.outcome) { request(step, 1); return; }'));
  assert.ok(rules(failures).includes("after-end"), JSON.stringify(rules(failures)));
});

test("an error of the code is a broken run", { skip }, async () => {
  const failures = await grade(broken('case "OrderPriced": answered("price"); break;', 'case "OrderPriced": throw new Error("boom");'));
  assert.deepEqual(rules(failures), ["runs"]);
  assert.match(failures[0].detail, /decide failed: threw Error: boom \(line \d+\)/);
});

test("the worst moments hit both kinds of customer and replay from the run file", { skip }, async () => {
  assert.equal(WORST.length, 1);
  const Sim = await engine();
  const decide = new Function(`"use strict"; ${SOLUTION}\nreturn decide;`)();
  const result = Sim.runProcess({ ...WORST[0].config, custom_process: "all" }, decide, WORST[0].options);
  assert.equal(result.error, null);
  const file = JSON.parse(result.run);
  // every moment given to at least one normal and one dodgy order: 11 moments, 24 orders
  const dodgy = file.history.filter((m) => m.type === "OrderPlaced" && m.order.dodgy).length;
  assert.ok(dodgy >= 11 && 24 - dodgy >= 11, `dodgy ${dodgy} of 24`);
  assert.ok(file.inputs.length >= 22, JSON.stringify(file.inputs.slice(0, 3)));
  // the page re-simulates it from the inputs and the recorded decisions
  const sim = Sim.importProcessRun(result.run, result.decisions);
  assert.equal(sim.processError(), undefined);
  sim.seek(sim.totalSteps());
  const faults = sim.faults();
  assert.deepEqual([...new Set(faults.map((f) => f.fault))].sort(), ["delay", "drop", "duplicate"]);
  assert.ok(faults.every((f) => f.manual));
  assert.deepEqual(check(file.history, file.config), []);
});

test("no refund when giving up fails the worst moments, deterministically, on payments", { skip }, async () => {
  // a dodgy order pays first; when every CookFood is lost it is dropped, and keeps the money
  const failures = await grade(broken('if (s.paid) request("refund", 1);', ""), WORST);
  assert.deepEqual(rules(failures), ["payments"]);
});

test("paying again on a repeated price breaks only the pay-again rule, in the seeded runs and every fate", { skip }, async () => {
  const code = broken('case "OrderPriced": answered("price"); break;',
    'case "OrderPriced": if (s.outcome) break; s.order = message.order; request("pay", 1); break;');
  const failures = await grade(code);
  assert.deepEqual(rules(failures), ["pay-again"]);
  assert.ok(failures.some((f) => f.scenario === "manual drops at the worst moments"));
  for (const { progress } of await explore(code)) {
    assert.equal(progress.verdict, "broken");
    assert.equal(EXPLORER_RULES[progress.broken.rule], "pay-again");
    assert.equal(progress.broken.fates, 1);
  }
});

test("the solution holds every rule under every fate of one order of each kind", { skip }, async () => {
  for (const { kind, progress } of await explore(SOLUTION)) {
    assert.equal(progress.verdict, "holds", `${kind}: ${JSON.stringify(progress)}`);
  }
});
