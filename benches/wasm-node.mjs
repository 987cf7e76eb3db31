// The engine compiled to wasm and run in Node, for the native/wasm ratio and the page
// engine's memory. Needs the package built (bash scripts/build-wasm.sh).
//
//   node benches/wasm-node.mjs [orders] [interval_ms] [mode]
//   node benches/wasm-node.mjs import FILE
//
// mode `engine` (default both): min and median of 5 runs to idle without time travel
// (runHeadless: World::new and World::run_to_idle, the work the native bench's `engine`
// line times, plus a small report; no view is built);
// mode `timeline`: the page's engine, a Simulation extended to idle in chunks with its
// checkpoints, then 20 jumps across the run. Run one mode per process to read the wasm
// memory of that mode alone (wasm memory never shrinks):
//
//   node benches/wasm-node.mjs 100000 120 engine
//   node benches/wasm-node.mjs 100000 0 engine
//   node benches/wasm-node.mjs 100000 0 timeline
//   node benches/wasm-node.mjs 100000 120 timeline
//
// `import FILE`: Simulation.importRun of a run file (the page's import: re-simulated into
// a timeline, its history compared as it is read), its time and memory.
//
// Compare with the native bench on the same work (same orders and interval):
//   BRIGADE_BENCH_INTERVAL=0 cargo run --release --example throughput -- --bench
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import init, { Simulation } from "../www/pkg/brigade.js";

const pkg = fileURLToPath(new URL("../www/pkg/brigade_bg.wasm", import.meta.url));
const wasm = await init({ module_or_path: readFileSync(pkg) });
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
/** The wasm memory (it never shrinks) and this process's resident memory, now. */
const memory = () => `wasm memory ${mib(wasm.memory.buffer.byteLength)}   rss ${mib(process.memoryUsage().rss)}`;
/** CPU ms (user + system) of this process since `from` (process.cpuUsage()): on a shared
 * machine the fairer figure to compare with the native run's user + system time. */
const cpuMs = (from) => { const d = process.cpuUsage(from); return ((d.user + d.system) / 1000).toFixed(0); };

if (process.argv[2] === "import") {
  const file = process.argv[3];
  const text = readFileSync(file, "utf8");
  console.log(`wasm in node ${process.version}: importRun of ${file} (${mib(text.length)} of text)`);
  const t = performance.now();
  const cpu = process.cpuUsage();
  let sim;
  try {
    sim = Simulation.importRun(text);
  } catch (e) {
    console.log(`  refused after ${(performance.now() - t).toFixed(0)} ms: ${e.message}`);
    console.log(`  memory    ${memory()}`);
    process.exit(1);
  }
  console.log(`  import    ${(performance.now() - t).toFixed(0)} ms, cpu ${cpuMs(cpu)} ms   (${sim.totalSteps()} steps)`);
  console.log(`  memory    ${memory()}`);
  process.exit(0);
}

const orders = Number(process.argv[2] ?? 100000);
const interval = Number(process.argv[3] ?? 120);
const mode = process.argv[4] ?? "both";
const cfg = { orders, interval_ms: interval };
console.log(`wasm in node ${process.version}: ${orders} orders, ${interval} ms apart`);

if (mode !== "timeline") {
  const times = [];
  const cpus = [];
  let report;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    report = Simulation.runHeadless(cfg);
    times.push(performance.now() - t);
    cpus.push(Number(cpuMs(c)));
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  console.log(`  engine    run to idle (runHeadless)    min ${times[0].toFixed(1)} ms   median ${times[2].toFixed(1)} ms   cpu min ${cpus[0]} ms` +
    `   (${report.completed} completed, ${report.dropped} dropped)`);
  console.log(`  memory    ${memory()}`);
}

if (mode !== "engine") {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const sim = new Simulation(cfg);
  let chunks = 0;
  while (!sim.extend(50000)) chunks++;
  const extendMs = performance.now() - t;
  const extendCpu = cpuMs(cpu);
  const seeks = [];
  for (let i = 0; i < 20; i++) {
    const target = Math.floor((sim.totalSteps() * ((i * 7919) % 20)) / 20);
    const s = performance.now();
    sim.seek(target);
    seeks.push(performance.now() - s);
  }
  seeks.sort((a, b) => a - b);
  console.log(`  timeline  extend to idle, checkpoints  ${extendMs.toFixed(1)} ms, cpu ${extendCpu} ms (${sim.totalSteps()} steps, ${chunks + 1} chunks of 50000)`);
  console.log(`  seek      20 jumps across the run      median ${seeks[10].toFixed(2)} ms   max ${seeks[19].toFixed(2)} ms`);
  console.log(`  memory    ${memory()}`);
}
