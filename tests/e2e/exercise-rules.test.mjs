// The check's rules (www/js/exercise/grade.js) on runs of the wasm package in Node: the
// solution keeps every rule in every scenario; each broken process manager breaks its rule.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { www, packageBuilt } from "./helpers.mjs";
import { SCENARIOS, check } from "../../www/js/exercise/grade.js";

const skip = packageBuilt() ? false : "www/pkg is not built (bash scripts/build-wasm.sh)";
const SOLUTION = readFileSync(path.join(www, "js/exercise/templates/solution.js"), "utf8");

let Simulation = null;
async function engine() {
  if (!Simulation) {
    const mod = await import(path.join(www, "pkg/brigade.js"));
    await mod.default({ module_or_path: readFileSync(path.join(www, "pkg/brigade_bg.wasm")) });
    Simulation = mod.Simulation;
  }
  return Simulation;
}

/** Every broken rule over the scenarios: [{ rule, scenario, order }]. */
async function grade(code) {
  const Sim = await engine();
  const decide = new Function(`"use strict"; ${code}\nreturn decide;`)();
  const failures = [];
  for (const scenario of SCENARIOS) {
    const result = Sim.runProcess({ ...scenario.config, custom_process: "all" }, decide);
    if (result.error) {
      failures.push({ rule: "runs", scenario: scenario.name, detail: result.error });
      continue;
    }
    const file = JSON.parse(result.run);
    for (const f of check(file.history, file.config)) failures.push({ ...f, scenario: scenario.name });
  }
  return failures;
}

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
  assert.ok(failures.every((f) => f.scenario === "lossy, half dodgy"));
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
