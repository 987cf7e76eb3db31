// The exercise worker: a new one for every run (panel.js terminates it after its answer, or
// at once on Stop). It loads the wasm package and runs the simulation with the learner's
// `decide`, which runs inside the QuickJS sandbox (sandbox.js), never in this worker's own
// JavaScript: the learner's code cannot reach this worker's globals, its postMessage, the
// network or storage. The page gets back the run file and the recorded decisions
// (Simulation.importProcessRun), never the code's objects, and checks every answer
// (answer.js) before its engine sees it.
//
// Requests: { id, op: "run", config, code, options } | { id, op: "rerun", text, code }
//           | { id, op: "explore", config, code, options: { order, max_states } }, each
//           with { limits: { memory, callMs } } (optional) and { modules: { engine,
//           sandbox } }: the two WebAssembly.Modules compiled once by the page (optional).
// Answers:  { id, ok: true, result: { run, decisions, error, step } } | { id, ok: false, error }
//           explore: { id, progress } after every slice of states, then
//           { id, ok: true, result: { progress, counterexample } } (counterexample: { run,
//           decisions, error, step } or null). The page cancels by terminating the worker.

import { sandbox } from "./sandbox.js";

/** The wasm package; `wasmModule`, when given, is its module compiled by the page already. */
async function engine(wasmModule) {
  const mod = await import(new URL("../../pkg/brigade.js", import.meta.url).href);
  await mod.default(wasmModule instanceof WebAssembly.Module ? { module_or_path: wasmModule } : undefined);
  return mod.Simulation;
}

/** States explored between two progress messages. */
const SLICE = 250;

/** Every fate of one order with `decide`, in slices, telling the page how far it got. */
function explore(Sim, id, config, decide, options) {
  const exploration = Sim.exploreProcess(config, decide, options);
  try {
    let progress = exploration.progress();
    while (progress.verdict === "running") {
      progress = exploration.advance(SLICE);
      self.postMessage({ id, progress });
    }
    return { progress, counterexample: exploration.counterexample() ?? null };
  } finally {
    exploration.free();
  }
}

let used = false;

self.onmessage = async (event) => {
  const { id, op, config, text, code, options, limits, modules } = event.data ?? {};
  if (used) {
    self.postMessage({ id, ok: false, error: "this sandbox already ran once; a run needs a new one" });
    return;
  }
  used = true;
  let box = null;
  try {
    const Sim = await engine(modules?.engine);
    box = await sandbox(String(code ?? ""), limits ?? {}, modules?.sandbox);
    const result = op === "rerun"
      ? Sim.rerunProcess(String(text ?? ""), box.decide)
      : op === "explore"
        ? explore(Sim, id, { ...config, process_code: code }, box.decide, options)
        : Sim.runProcess({ ...config, process_code: code }, box.decide, options);
    self.postMessage({ id, ok: true, result });
  } catch (error) {
    self.postMessage({ id, ok: false, error: String(error?.message ?? error).split("\n")[0] });
  } finally {
    box?.dispose();
  }
};
