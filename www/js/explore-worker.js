// The explorer off the page's main thread: a module worker that loads the wasm package,
// explores every fate of the run it is given (the facade's `Exploration`) in slices, and
// posts its progress after each slice. Cancel by terminating the worker.
//
// in:  { run: <run file text>, slice?: states per slice (default 2000) }
// out: { type: "progress", progress } … then { type: "done", progress, counterexample }
//      (counterexample: a run file opening at the broken step, or null), or
//      { type: "error", message }.

let mod = null;

self.onmessage = async (event) => {
  const { run, slice = 2000 } = event.data ?? {};
  let exploration = null;
  try {
    if (!mod) {
      mod = await import(new URL("../pkg/brigade.js", import.meta.url).href);
      await mod.default();
    }
    exploration = new mod.Exploration(String(run));
    for (;;) {
      const progress = exploration.advance(slice);
      if (progress.verdict !== "running") {
        self.postMessage({ type: "done", progress, counterexample: exploration.counterexample() ?? null });
        return;
      }
      self.postMessage({ type: "progress", progress });
      // let the page's messages (and a terminate) in between slices
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } catch (error) {
    self.postMessage({ type: "error", message: String(error?.message ?? error) });
  } finally {
    exploration?.free();
  }
};
