// The learner's code runs here, in a Web Worker: it cannot reach the page's DOM, its
// localStorage or its cookies. It loads the wasm package, turns the code into
// `decide(state, message, config)` and runs the simulation with it; the page gets back the
// run file and the recorded decisions (Simulation.importProcessRun), never the code's
// objects.
//
// Requests: { id, op: "run", config, code, options } | { id, op: "rerun", text, code }
//           | { id, op: "explore", config, code, options: { order, max_states } }
// Answers:  { id, ok: true, result: { run, decisions, error, step } } | { id, ok: false, error }
//           explore: { id, progress } after every slice of states, then
//           { id, ok: true, result: { progress, counterexample } } (counterexample: { run,
//           decisions, error, step } or null). The page cancels by terminating the worker.

let Simulation = null;

async function engine() {
  if (!Simulation) {
    const mod = await import(new URL("../../pkg/brigade.js", import.meta.url).href);
    await mod.default();
    Simulation = mod.Simulation;
  }
  return Simulation;
}

// Best effort: take away what a worker could still reach (storage of the origin, the
// network) before any learner code exists. The DOM and localStorage are not here at all.
const SHADOWED = ["indexedDB", "caches", "fetch", "XMLHttpRequest", "WebSocket", "EventSource",
  "importScripts", "BroadcastChannel", "navigator"];

function lockDown() {
  for (const name of SHADOWED) {
    try {
      Object.defineProperty(self, name, { value: undefined, writable: false, configurable: false });
    } catch {
      // already locked
    }
  }
}

function compile(code) {
  let make;
  try {
    // eslint-disable-next-line no-new-func
    make = new Function(`"use strict"; ${code}\nreturn typeof decide === "function" ? decide : undefined;`);
  } catch (error) {
    throw new Error(`your code does not compile: ${error.name}: ${error.message}`);
  }
  let decide;
  try {
    decide = make();
  } catch (error) {
    throw new Error(`your code threw while loading: ${error.name}: ${error.message}`);
  }
  if (typeof decide !== "function") {
    throw new Error("your code must define function decide(state, message, config)");
  }
  return decide;
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

self.onmessage = async (event) => {
  const { id, op, config, text, code, options } = event.data ?? {};
  try {
    const Sim = await engine();
    lockDown();
    const decide = compile(String(code ?? ""));
    const result = op === "rerun"
      ? Sim.rerunProcess(String(text ?? ""), decide)
      : op === "explore"
        ? explore(Sim, id, { ...config, process_code: code }, decide, options)
        : Sim.runProcess({ ...config, process_code: code }, decide, options);
    self.postMessage({ id, ok: true, result });
  } catch (error) {
    self.postMessage({ id, ok: false, error: String(error?.message ?? error).split("\n")[0] });
  }
};
