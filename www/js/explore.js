// Check every fate of the current scenario without blocking the page: runs
// explore-worker.js and reports its progress.
//
//   const job = explore(runText, { onProgress: (p) => … });
//   const { progress, counterexample } = await job.result;   // or job.cancel()
//
// `progress` is `{ verdict: "holds" | "limit" | "broken", states, schedules, dedup_hits,
// frontier, max_fates, broken }`; `counterexample` is a run file that
// `Simulation.importRun` opens at the step where the rule breaks (null when none is).

export function explore(runText, { onProgress = () => {}, slice = 2000 } = {}) {
  const worker = new Worker(new URL("./explore-worker.js", import.meta.url), { type: "module" });
  let settle = null;
  const result = new Promise((resolve, reject) => {
    settle = { resolve, reject };
    worker.onmessage = ({ data }) => {
      if (data.type === "progress") {
        onProgress(data.progress);
      } else if (data.type === "done") {
        worker.terminate();
        resolve({ progress: data.progress, counterexample: data.counterexample });
      } else {
        worker.terminate();
        reject(new Error(data.message ?? "the explorer failed"));
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || "the explorer's worker failed to start"));
    };
  });
  worker.postMessage({ run: runText, slice });
  return {
    result,
    cancel() {
      worker.terminate();
      settle.reject(new Error("cancelled"));
    },
  };
}
