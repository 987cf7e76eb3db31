// The throughput bench's engine run, compiled to wasm and run in Node, for the
// native/wasm ratio. Needs the package built (bash scripts/build-wasm.sh).
//
//   node benches/wasm-node.mjs [orders]
//
// Prints min and median of 3 runs of 100,000 orders 120 ms apart (runHeadless, the same
// World::run_to_idle the native bench times), and of the time-travel path (a Simulation
// extended to idle, checkpoints kept) once.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import init, { Simulation } from "../www/pkg/brigade.js";

const pkg = fileURLToPath(new URL("../www/pkg/brigade_bg.wasm", import.meta.url));
await init({ module_or_path: readFileSync(pkg) });

const orders = Number(process.argv[2] ?? 100000);
const cfg = { orders, interval_ms: 120 };
const times = [];
let report;
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  report = Simulation.runHeadless(cfg);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`wasm in node ${process.version}: ${orders} orders, ${report.messages} messages, ${report.completed} completed`);
console.log(`  engine    run to idle (runHeadless)    min ${times[0].toFixed(1)} ms   median ${times[1].toFixed(1)} ms`);

const t = performance.now();
const sim = new Simulation(cfg);
while (!sim.extend(200000)) {}
const extendMs = performance.now() - t;
const seeks = [];
for (let i = 0; i < 20; i++) {
  const target = Math.floor((sim.totalSteps() * ((i * 7919) % 20)) / 20);
  const s = performance.now();
  sim.seek(target);
  seeks.push(performance.now() - s);
}
seeks.sort((a, b) => a - b);
console.log(`  timeline  extend to idle, checkpoints  ${extendMs.toFixed(1)} ms (${sim.totalSteps()} steps)`);
console.log(`  seek      20 jumps across the run      median ${seeks[10].toFixed(2)} ms   max ${seeks[19].toFixed(2)} ms`);
console.log(`  memory    rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
