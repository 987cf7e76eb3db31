// The only module that knows where the wasm package lives and how it fails. Every call
// into the facade goes through `guard` so that a Rust panic (a trapped wasm instance)
// becomes a message in the error banner instead of a frozen tab. A crash is written down
// (sessionStorage, for this tab) against the run in the address, so that reloading a link
// that crashed the engine offers the default run instead of crashing again.

let Simulation = null;
let exports = null;
let classes = null;
let dead = false;
let onFatal = () => {};

const LOADING = "brigade-loading";
const CRASHED = "brigade-crashed";
/** A browser tab gives WebAssembly at most 4 GiB; near it, a trap is memory running out. */
const WASM_MAX = 4 * 2 ** 30;

/** Load and initialise ../pkg/brigade.js; returns the Simulation class. */
export async function loadEngine() {
  const mod = await import(new URL("../pkg/brigade.js", import.meta.url).href);
  exports = await mod.default();
  Simulation = mod.Simulation;
  classes = mod;
  return Simulation;
}

/**
 * Use a wasm package that is already initialised (`mod`: its module, after its default
 * export ran): Node tests and tools load the package themselves, then the page's modules
 * that read the engine's words (`words`) work there too.
 */
export function adoptEngine(mod) {
  Simulation = mod.Simulation;
  classes = mod;
  wordCache.clear();
  return Simulation;
}

/**
 * A private copy of the run `sim` (its config, its inputs and its whole known run,
 * re-simulated from its run file) for a view to read at any step: moving the copy's cursor
 * changes nothing on the page, where moving the shared one would move every view. The
 * caller frees it (`free()`). Throws as `importRun` does.
 */
export function copyRun(sim) {
  if (isObservedRun(sim)) return openObserved(sim.exportRun());
  return Simulation.importRun(sim.exportRun());
}

/** Whether `sim` is an observed run (a record of a live kitchen: ObservedRun), not a Simulation. */
export function isObservedRun(sim) {
  return typeof sim?.observed === "function";
}

/** Whether the run file `text` is an observed run's ("observed": true). */
export function fileIsObserved(text) {
  return Boolean(classes?.ObservedRun?.isObserved(String(text)));
}

/** An observed run opened from its file; throws, naming what is wrong, as `importRun` does. */
export function openObserved(text) {
  return classes.ObservedRun.importRun(String(text));
}

/** An empty observed run of `config`, filled by a live kitchen's messages as they arrive. */
export function followObserved(config) {
  return classes.ObservedRun.follow(config ?? {});
}

/** Another class of the facade (`Exploration`), or null before the engine is loaded. */
export function engineClass(name) {
  return classes?.[name] ?? null;
}

/** Bytes of WebAssembly memory the engine holds (it only grows), or null if unknown. */
export function engineMemory() {
  try {
    const bytes = exports?.memory?.buffer?.byteLength;
    if (Number.isFinite(bytes)) return bytes;
    return typeof Simulation?.memoryBytes === "function" ? Simulation.memoryBytes() : null;
  } catch {
    return null;
  }
}

function storage() {
  try {
    return window.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/** `key` (a location hash, or "import" for a run file) is being loaded: if the tab dies now, it crashed. */
export function noteLoading(key) {
  storage()?.setItem(LOADING, key);
}

/** The run being loaded has loaded (or the page is leaving normally). */
export function noteLoaded() {
  storage()?.removeItem(LOADING);
}

/** Write down that what was loading (else the run in the address) crashed the engine, and why. */
function noteCrash(reason) {
  const store = storage();
  if (!store) return;
  store.setItem(CRASHED, JSON.stringify({ key: store.getItem(LOADING) ?? location.hash, message: reason }));
  store.removeItem(LOADING);
}

/**
 * Why loading `key` (a location hash) is not safe: the message of the crash it caused
 * in this tab, or of a load that never finished (the tab died). null when it is safe.
 */
export function crashedBefore(key) {
  const store = storage();
  if (!store) return null;
  let crash = null;
  try {
    crash = JSON.parse(store.getItem(CRASHED) ?? "null");
  } catch {
    crash = null;
  }
  if (crash?.key === key && key) return String(crash.message ?? "The simulation engine crashed.");
  if (store.getItem(LOADING) === key && key) return "The page stopped while loading it.";
  return null;
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

function panicReason(error) {
  let detail = null;
  try {
    detail = typeof Simulation?.lastPanic === "function" ? Simulation.lastPanic() : null;
  } catch {
    detail = null;
  }
  return crashReason(error, detail, engineMemory());
}

/** What happened, in words: what ran out and how much there was, or the panic's message. */
export function crashReason(error, detail, bytes) {
  const mib = (n) => `${Math.round(n / 2 ** 20)} MiB`;
  const trap = String(error?.message ?? error);
  if (!detail && bytes !== null && bytes >= WASM_MAX - 256 * 2 ** 20) {
    return `The simulation engine ran out of memory: it held ${mib(bytes)} of WebAssembly memory, ` +
      `all that a browser tab gives it (${mib(WASM_MAX)}) (${trap}).`;
  }
  if (!detail && /out of memory|allocation|memory access out of bounds/i.test(trap)) {
    return `The simulation engine ran out of memory (${trap}) with ${bytes === null ? "an unknown amount" : mib(bytes)} of WebAssembly memory in use.`;
  }
  const memory = bytes === null ? "" : ` with ${mib(bytes)} of WebAssembly memory in use`;
  return `The simulation engine crashed${memory}: ${detail || trap}.`;
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
      const reason = panicReason(error);
      noteCrash(reason);
      onFatal(`${reason} Reload the page to start again: it will offer the default run instead of this one.`);
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

/**
 * Parse a JSON text the way every brigade reader does (the run file, `--config`,
 * `--check`): through the engine's strict reader (`Simulation.strictJson`), which drops a
 * leading byte-order mark and refuses a key named twice in one object at any depth. Throws
 * an Error saying what is wrong and where.
 */
export function parseJson(text) {
  if (!Simulation) throw new Error("the simulation engine is not loaded");
  return JSON.parse(Simulation.strictJson(String(text)));
}

const wordCache = new Map();

/**
 * The engine's vocabulary (`Simulation.vocabularyOf`) for `architecture` (a name, or
 * undefined for the default), with the look-ups the views need: the page keeps no list of
 * message types or roles of its own. Message types are read by what they mean in an
 * order's life (`meaning`: placed, work, done, timeout, completed, …) and by the piece of
 * work they are about (`step`); roles by their order, label and column on the floor.
 * Returns null before the engine is loaded.
 */
export function words(architecture = undefined) {
  if (!Simulation) return null;
  const key = architecture ?? "";
  let w = wordCache.get(key);
  if (!w) {
    w = lookups(guard(() => Simulation.vocabularyOf(architecture ?? undefined), null) ?? emptyVocabulary());
    wordCache.set(key, w);
  }
  return w;
}

/** The words of the run `sim` (its architecture's), or the default's when it has none. */
export function wordsOf(sim) {
  let architecture;
  try {
    architecture = sim?.config?.()?.architecture;
  } catch {
    architecture = undefined;
  }
  return words(architecture);
}

/** See `deadLetterRole` in the look-ups: read from the process managers' vocabulary. */
function deadLetterRole() {
  const v = words()?.vocabulary;
  const roles = (v?.roles ?? []).filter((r) => !r.worker && !r.receives.length && !r.sends.length);
  return roles.length === 1 ? roles[0].role : null;
}

function emptyVocabulary() {
  return { architecture: null, message_types: [], roles: [], receivers: {} };
}

function lookups(v) {
  const types = new Map(v.message_types.map((t) => [t.name, t]));
  const roles = new Map(v.roles.map((r) => [r.role, r]));
  const order = new Map(v.roles.map((r, i) => [r.role, i]));
  const named = (meaning, step) => v.message_types.filter((t) => t.meaning === meaning && (step === undefined || t.step === step)).map((t) => t.name);
  return {
    vocabulary: v,
    /** Every message type's name, in declaration order. */
    typeNames: v.message_types.map((t) => t.name),
    /** What `type` means in an order's life (`work`, `done`, `timeout`, …), or null. */
    meaning: (type) => types.get(type)?.meaning ?? null,
    /** The piece of work `type` asks for or answers (`cook`, `pay`, …), or null. */
    step: (type) => types.get(type)?.step ?? null,
    /** Whether `type` means `meaning` (and, if given, is about the piece of work `step`). */
    is: (type, meaning, step = undefined) => types.get(type)?.meaning === meaning && (step === undefined || types.get(type)?.step === step),
    /** Whether `type` ends an order. */
    terminal: (type) => Boolean(types.get(type)?.terminal),
    /** The types that mean `meaning` (about `step`, if given). */
    typesMeaning: named,
    /** The one type that means `meaning` (about `step`), or null. */
    typeMeaning: (meaning, step = undefined) => named(meaning, step)[0] ?? null,
    /** The pieces of work an order needs, in the engine's order. */
    workSteps: v.work_steps ?? [],
    /** Every role's name, in floor order. */
    roleNames: v.roles.map((r) => r.role),
    /** The role's entry: { role, display, label, column, worker, staffed, receives, sends }. */
    role: (role) => roles.get(role) ?? null,
    /** Where `role` comes in floor order (unknown roles last). */
    roleRank: (role) => order.get(role) ?? v.roles.length,
    /** How a person says `role`. */
    display: (role) => roles.get(role)?.display ?? role,
    /** What the floor writes under an actor of `role`. */
    label: (role) => roles.get(role)?.label ?? role,
    /** The floor's column for `role`. */
    column: (role) => roles.get(role)?.column ?? 2,
    /** Whether actors of `role` come on and off duty (the cooks). */
    staffed: (role) => Boolean(roles.get(role)?.staffed),
    /** The roles that receive a type meaning `meaning` in this wiring (e.g. "alarm": the alarm clock). */
    receiversOf: (meaning) => v.roles.filter((r) => r.receives.some((t) => types.get(t)?.meaning === meaning)).map((r) => r.role),
    /** The roles that send a type meaning `meaning` in this wiring (e.g. "started": the house). */
    sendersOf: (meaning) => v.roles.filter((r) => r.sends.some((t) => types.get(t)?.meaning === meaning)).map((r) => r.role),
    /**
     * The dead-letter queue's role (issue 23): in the process managers' wiring the one role
     * that takes no message and sends none (what reaches it is set aside for a person). Read
     * from the default vocabulary, where every other role is wired.
     */
    deadLetterRole: () => deadLetterRole(),
    /** Who receives `type` in this wiring, in floor order. */
    receivers: (type) => v.receivers?.[type] ?? [],
  };
}
