// The only module that knows where the wasm package lives and how it fails. Every call
// into the facade goes through `guard` so that a Rust panic (a trapped wasm instance)
// becomes a message in the error banner instead of a frozen tab.

let Simulation = null;
let dead = false;
let onFatal = () => {};

/** Load and initialise ../pkg/brigade.js; returns the Simulation class. */
export async function loadEngine() {
  const mod = await import(new URL("../pkg/brigade.js", import.meta.url).href);
  await mod.default();
  Simulation = mod.Simulation;
  return Simulation;
}

export function engine() {
  return Simulation;
}

/** Called once with a readable message when the engine traps. */
export function setFatalHandler(fn) {
  onFatal = fn;
}

export function engineDead() {
  return dead;
}

/** A trap (Rust panic, `unreachable`) rather than an ordinary thrown Error. */
export function isPanic(error) {
  if (typeof WebAssembly !== "undefined" && error instanceof WebAssembly.RuntimeError) return true;
  const text = String(error?.message ?? error);
  return /unreachable|RuntimeError|recursive use of an object|null pointer passed to rust/i.test(text);
}

function panicMessage(error) {
  let detail = null;
  try {
    detail = typeof Simulation?.lastPanic === "function" ? Simulation.lastPanic() : null;
  } catch {
    detail = null;
  }
  return `The simulation engine crashed: ${detail || error?.message || error}. ` +
    "Reload the page to start again (the address keeps your run).";
}

/**
 * Run `fn` against the engine. A panic marks the engine dead, reports it and returns
 * `fallback`; other errors are re-thrown for the caller to show where they belong.
 */
export function guard(fn, fallback = undefined) {
  if (dead) return fallback;
  try {
    return fn();
  } catch (error) {
    if (isPanic(error)) {
      dead = true;
      onFatal(panicMessage(error));
      return fallback;
    }
    throw error;
  }
}

/** The message of an Error thrown by the facade, as one line. */
export function errorText(error) {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0];
}
