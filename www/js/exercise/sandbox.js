// The learner's sandbox: their code runs in QuickJS, a JavaScript interpreter compiled to
// WebAssembly (npm quickjs-emscripten, copied to www/vendor/quickjs/ by
// scripts/vendor-quickjs.sh), never in the browser's own JavaScript engine. The interpreter
// has only the language's built-ins (no fetch, XMLHttpRequest, WebSocket, import, Worker,
// importScripts, postMessage, indexedDB, caches, BroadcastChannel, navigator: none exist
// there), its own memory with a limit, and a time limit per call. Values cross its border
// only as JSON text. Used by worker.js; one sandbox per run (the worker is new every run).

import { newQuickJSWASMModuleFromVariant, newVariant } from "../../vendor/quickjs/core/index.mjs";
import variant from "../../vendor/quickjs/variant/index.mjs";

/** The interpreter's memory limit: reaching it ends the run with a clear error. */
export const MEMORY_LIMIT = 64 * 1024 * 1024;
/**
 * The interpreter's stack limit: deep recursion ends the run with "stack overflow" before
 * the browser's own stack (which the interpreter's wasm frames use too) runs out.
 */
export const STACK_LIMIT = 256 * 1024;
/**
 * The largest answer of one call, as JSON, and of all the calls of a run together: the
 * engine keeps the decisions decide returns, so answers that grow without bound would fill
 * the engine's memory (outside the interpreter's limit) instead of stopping the run.
 */
export const ANSWER_LIMIT = 256 * 1024;
export const RUN_ANSWERS_LIMIT = 128 * 1024 * 1024;
/** The longest one call of the learner's code may run. */
export const CALL_LIMIT_MS = 5000;

const FILE = "decide.js";
/** What goes before the learner's code, on its first line (so line numbers are the editor's). */
const STRICT = '"use strict"; ';

let module = null;

/** The interpreter's wasm file, for a page that compiles it once (`wasmModule` below). */
export const WASM_URL = new URL("../../vendor/quickjs/variant/emscripten-module.wasm", import.meta.url).href;

/**
 * The QuickJS wasm module, loaded once per worker; `wasmModule`, when given, is the
 * interpreter's WebAssembly.Module compiled already (the page compiles it once for every
 * worker), else the worker fetches and compiles it.
 */
export async function interpreter(wasmModule = null) {
  module ??= await newQuickJSWASMModuleFromVariant(wasmModule instanceof WebAssembly.Module
    ? newVariant(variant, { wasmModule })
    : variant);
  return module;
}

/**
 * A fresh interpreter holding `code`; resolves to `{ decide, dispose }`, where `decide(state,
 * message, config)` calls the code's `decide` with copies of plain JSON values and returns
 * a plain JSON value (or throws an Error saying what the code did, with its line).
 * Throws an Error saying so when the code does not compile, throws while loading, or defines
 * no `decide`. `limits`: `{ memory, callMs }` (bytes, milliseconds; out-of-range values are
 * ignored), defaulting to MEMORY_LIMIT and CALL_LIMIT_MS.
 */
export async function sandbox(code, limits = {}, wasmModule = null) {
  const memory = within(limits?.memory, 1024 * 1024, 1024 * 1024 * 1024) ?? MEMORY_LIMIT;
  const callMs = within(limits?.callMs, 10, 600000) ?? CALL_LIMIT_MS;
  const qjs = await interpreter(wasmModule);
  const runtime = qjs.newRuntime();
  // QuickJS's own limit is the last resort: near it, its collector runs at every allocation
  // and a run can take tens of seconds to fail. The interpreter is stopped well before, as
  // soon as its wasm memory has grown by `memory` (read at every interrupt check: cheap).
  runtime.setMemoryLimit(2 * memory);
  runtime.setMaxStackSize(STACK_LIMIT);
  const wasm = wasmMemory(qjs);
  const cap = wasm ? wasm.buffer.byteLength + memory : Infinity;
  let deadline = Infinity;
  let overgrown = false;
  runtime.setInterruptHandler(() => {
    if (wasm && wasm.buffer.byteLength > cap) overgrown = true;
    return overgrown || performance.now() > deadline;
  });
  const vm = runtime.newContext();
  // set when the interpreter failed inside (its wasm trapped): it is not touched again
  let broken = null;
  const dispose = () => {
    if (broken) return;
    try {
      vm.dispose();
      runtime.dispose();
    } catch {
      // a runtime that ran out of memory may not free cleanly; the worker ends after the run
    }
  };
  const bounds = { memory, callMs, overgrown: () => overgrown };
  let answered = 0;
  const timed = (fn) => {
    deadline = performance.now() + callMs;
    try {
      return fn();
    } finally {
      deadline = Infinity;
    }
  };
  try {
    giveConsole(vm);
    // the bridge keeps the interpreter's own JSON before the learner's code can replace it
    const bridge = unwrap(vm, vm.evalCode(`((parse, stringify) => (decide) => (text) => {
      const args = parse(text);
      const answer = decide(args[0], args[1], args[2]);
      return answer === undefined ? "" : stringify({ answer });
    })(JSON.parse, JSON.stringify)`, "bridge.js"), bounds, "the sandbox could not start");
    // the first line holds the directive too, so line numbers are the editor's
    const loaded = timed(() => vm.evalCode(`${STRICT}${code}\n`, FILE));
    if (loaded.error) {
      const error = thrown(vm, loaded.error, bounds);
      loaded.error.dispose();
      bridge.dispose();
      throw new Error(error.name === "SyntaxError"
        ? `your code does not compile: ${error.name}: ${error.message}`
        : `your code threw while loading: ${error.name}: ${error.message}`);
    }
    loaded.value.dispose();
    const found = unwrap(vm, vm.evalCode(`typeof decide === "function" ? decide : undefined`, "find.js"), bounds,
      "your code must define function decide(state, message, config)");
    if (vm.typeof(found) !== "function") {
      found.dispose();
      bridge.dispose();
      throw new Error("your code must define function decide(state, message, config)");
    }
    const callResult = vm.callFunction(bridge, vm.undefined, found);
    found.dispose();
    bridge.dispose();
    const call = unwrap(vm, callResult, bounds, "the sandbox could not start");
    const decide = (state, message, config) => {
      if (broken) throw broken;
      let result;
      try {
        const arg = vm.newString(JSON.stringify([state, message, config]));
        result = timed(() => vm.callFunction(call, vm.undefined, arg));
        arg.dispose();
      } catch (error) {
        broken = Object.assign(new Error(error instanceof RangeError
          ? "your code went too deep (recursion?) for the sandbox's stack; the sandbox stopped it"
          : `the sandbox failed: ${String(error?.message ?? error).slice(0, 200)}`), { name: "SandboxLimit" });
        throw broken;
      }
      if (result.error) {
        const error = thrown(vm, result.error, bounds);
        result.error.dispose();
        throw Object.assign(new Error(error.message), { name: error.name });
      }
      const text = vm.getString(result.value);
      result.value.dispose();
      answered += text.length;
      if (text.length > ANSWER_LIMIT) {
        throw Object.assign(new Error(`your code returned ${kib(text.length)} of JSON in one answer; ` +
          `the sandbox takes at most ${kib(ANSWER_LIMIT)}`), { name: "AnswerLimit" });
      }
      if (answered > RUN_ANSWERS_LIMIT) {
        throw Object.assign(new Error(`your code's answers add up to more than ${RUN_ANSWERS_LIMIT / 1024 / 1024} MiB of JSON in this run; ` +
          "keep less in the state"), { name: "AnswerLimit" });
      }
      return text === "" ? undefined : JSON.parse(text).answer;
    };
    return {
      decide,
      dispose: () => {
        if (!broken) call.dispose();
        dispose();
      },
    };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** The most lines of `console.log` one run shows (in the browser's developer tools). */
const CONSOLE_LINES = 1000;

/**
 * A `console` whose log, info, debug, warn and error write one line of text (at most 1,000
 * characters, CONSOLE_LINES lines a run) to the worker's console, as learners debug with it.
 */
function giveConsole(vm) {
  let lines = 0;
  const log = vm.newFunction("log", (...args) => {
    if (lines++ < CONSOLE_LINES) {
      const text = args.map((h) => {
        const v = vm.dump(h);
        return typeof v === "string" ? v : safeJson(v);
      }).join(" ");
      console.log(`[your decide] ${text.slice(0, 1000)}`);
    }
  });
  const object = vm.newObject();
  for (const name of ["log", "info", "debug", "warn", "error"]) vm.setProp(object, name, log);
  vm.setProp(vm.global, "console", object);
  object.dispose();
  log.dispose();
}

/** What a learner may look for in vain here, and so is told why. */
const HOST_ONLY = /^'(fetch|XMLHttpRequest|WebSocket|EventSource|navigator|self|window|document|globalThis\.\w+|importScripts|Worker|SharedWorker|indexedDB|caches|BroadcastChannel|postMessage|localStorage|sessionStorage|setTimeout|setInterval|queueMicrotask|location|performance|crypto)' is not defined$/;

/** The handle of a successful evaluation, or an Error with `what` and the reason. */
function unwrap(vm, result, bounds, what) {
  if (!result.error) return result.value;
  const error = thrown(vm, result.error, bounds);
  result.error.dispose();
  throw new Error(`${what}: ${error.name}: ${error.message}`);
}

/**
 * `{ name, message }` of a value thrown in the interpreter, in the learner's words: its line
 * in their code, and what the interpreter's own limits mean.
 */
function thrown(vm, handle, { memory, callMs, overgrown }) {
  let value;
  try {
    value = vm.dump(handle);
  } catch {
    value = { name: "InternalError", message: "out of memory" };
  }
  const isError = value && typeof value === "object" && typeof value.message === "string";
  let name = isError && typeof value.name === "string" ? value.name : "Error";
  let message = isError ? value.message : `threw ${safeJson(value)}`;
  if (name === "InternalError" && /out of memory/.test(message)) {
    message = `your code used more than ${memory / 1024 / 1024} MiB of memory; the sandbox stopped it`;
    name = "MemoryLimit";
  } else if (name === "InternalError" && message === "interrupted" && overgrown()) {
    message = `your code used more than ${memory / 1024 / 1024} MiB of memory; the sandbox stopped it`;
    name = "MemoryLimit";
  } else if (name === "InternalError" && message === "interrupted") {
    message = `one call to decide ran for more than ${callMs / 1000} s (an endless loop?); the sandbox stopped it`;
    name = "TimeLimit";
  }
  if (name === "ReferenceError" && HOST_ONLY.test(message)) {
    message += " (your code runs in a sandbox that has the JavaScript language only: no page, network, storage or timers)";
  }
  const at = isError && typeof value.stack === "string"
    ? value.stack.match(new RegExp(`${FILE}:(\\d+)(?::(\\d+))?`)) : null;
  const where = !at ? "" : name === "SyntaxError" && at[2] ? ` (line ${at[1]}, column ${column(at)})` : ` (line ${at[1]})`;
  return { name, message: `${message.split("\n")[0].slice(0, 300)}${where}` };
}

/** The editor's column of a position `[, line, column]` in the loaded text (its first line
 * starts with the strict-mode directive, which the editor does not show). */
function column([, line, col]) {
  return Number(line) === 1 ? Math.max(1, Number(col) - STRICT.length) : Number(col);
}

function kib(bytes) {
  return `${Math.ceil(bytes / 1024).toLocaleString("en")} KiB`;
}

/** The interpreter's WebAssembly.Memory, or null where the variant does not tell it. */
function wasmMemory(qjs) {
  try {
    return qjs.getWasmMemory();
  } catch {
    return null;
  }
}

/** `value` when it is a whole number from `min` to `max`, else undefined. */
function within(value, min, max) {
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

function safeJson(value) {
  try {
    return String(JSON.stringify(value)).slice(0, 200);
  } catch {
    return String(value).slice(0, 200);
  }
}
