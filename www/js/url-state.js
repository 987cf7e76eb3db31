// The run lives in the address: #run=<base64url of a compact JSON>. Config keys that equal
// the defaults are left out; inputs are [step, code] pairs ("o" order, "d" dodgy order,
// "v1"/"v2" process version; a message's fate or a kitchen event as its run-file action object). Reloading or sharing the link rebuilds the same screen.
// A hand-written link #config=<encodeURIComponent(JSON.stringify(config))> (CONTRACT.md §5)
// opens that config's run at step 0; the page then keeps it in the #run= form.

import { parseJson, errorText } from "./engine.js";

const FORMAT = 1;

/**
 * The inputs of issue 9 (a message's fate, the kitchen) and issue 23 (crashes, poison,
 * dead letters, migrations), kept in the address as the run file's action objects: [step, { type, ... }]. The facade checks their fields on replay.
 */
export const MANUAL_INPUTS = new Set(["DropMessage", "DuplicateMessage", "DelayMessage", "CookLeaves", "CookReturns", "HireCook", "SetCookTime",
  "WorkerLeaves", "WorkerReturns", "HireWorker", "SetWorkerTime", "Crash", "PoisonMessage", "RedeliverMessage",
  "MigrateOrder", "MigrateOrders"]);

export function encodeState({ config, inputs, step, order, tab }) {
  const compact = { v: FORMAT };
  if (config && Object.keys(config).length) compact.c = config;
  if (inputs?.length) compact.i = inputs.map(encodeInput);
  if (step) compact.s = step;
  if (order) compact.o = order;
  if (tab && tab !== "pm") compact.t = tab;
  return `run=${toBase64Url(JSON.stringify(compact))}`;
}

/**
 * An observed run (a record of a live kitchen, which cannot be rebuilt from a config) in the
 * address: #run= with the whole run file in `r` (its JSON text `file`, without its `view`).
 */
export function encodeObserved({ file, step, order, tab }) {
  const record = typeof file === "string" ? JSON.parse(file) : { ...file };
  delete record.view;
  const compact = { v: FORMAT, r: record };
  if (step) compact.s = step;
  if (order) compact.o = order;
  if (tab && tab !== "pm") compact.t = tab;
  return `run=${toBase64Url(JSON.stringify(compact))}`;
}

/** An input as the facade gives it: { step, action: {...} } or flat { step, type, ... }. */
export function inputAction(input) {
  return input.action ?? input;
}

function encodeInput(input) {
  const { step } = input;
  const action = inputAction(input);
  if (action.type === "PlaceOrder") return [step, action.dodgy ? "d" : "o"];
  if (action.type === "SetProcessVersion") return [step, `v${action.version}`];
  if (MANUAL_INPUTS.has(action.type)) return [step, { ...action }];
  throw new Error(`unknown input ${action.type}`);
}

/**
 * Read the state from a location hash. Returns null when there is none; throws an Error
 * with a readable message when there is one and it cannot be used.
 */
export function decodeState(hash) {
  const params = new URLSearchParams(String(hash ?? "").replace(/^#/, ""));
  if (params.has("config") && !params.has("run")) return decodeConfigLink(params.get("config"));
  const raw = params.get("run");
  if (raw === null) return null;
  let text;
  try {
    text = fromBase64Url(raw);
  } catch {
    throw new Error("the run in the address is not readable (damaged or cut off)");
  }
  let data;
  try {
    data = parseJson(text);
  } catch (error) {
    throw new Error(`the run in the address is not readable (damaged or cut off): ${errorText(error)}`);
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new Error("the run in the address is not an object");
  if (data.v !== FORMAT) throw new Error(`the run in the address has format ${JSON.stringify(data.v)}, expected ${FORMAT}`);
  if (data.r !== undefined && (!data.r || typeof data.r !== "object" || Array.isArray(data.r))) throw new Error("the observed run in the address is not an object");
  const config = data.r?.config ?? data.c ?? {};
  if (typeof config !== "object" || Array.isArray(config)) throw new Error("the config in the address is not an object");
  const inputs = (data.i ?? []).map(decodeInput);
  for (let k = 1; k < inputs.length; k++) {
    if (inputs[k].step < inputs[k - 1].step) throw new Error("the inputs in the address are not in step order");
  }
  const step = data.s ?? 0;
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`the step in the address (${JSON.stringify(step)}) is not a whole number`);
  const order = data.o ?? null;
  if (order !== null && (!Number.isSafeInteger(order) || order < 1)) throw new Error("the selected order in the address is not an order number");
  const tab = ["pm", "seq", "tree", "faults", "receipts"].includes(data.t) ? data.t : "pm";
  return data.r ? { config, inputs: [], step, order, tab, observed: data.r } : { config, inputs, step, order, tab };
}

/** `#config=` + encodeURIComponent(JSON.stringify(config)): that run at step 0. */
function decodeConfigLink(raw) {
  let config;
  try {
    // read as --config and --check read JSON: a byte-order mark skipped, a repeated key refused
    config = parseJson(raw);
  } catch (error) {
    throw new Error(`the config in the link is not JSON: ${errorText(error)} (expected #config= followed by encodeURIComponent(JSON.stringify(config)))`);
  }
  if (!config || typeof config !== "object" || Array.isArray(config)) throw new Error("the config in the link is not an object");
  return { config, inputs: [], step: 0, order: null, tab: "pm" };
}

function decodeInput(pair) {
  if (!Array.isArray(pair) || pair.length !== 2 || !Number.isSafeInteger(pair[0]) || pair[0] < 0) {
    throw new Error(`an input in the address is malformed: ${JSON.stringify(pair)}`);
  }
  const [step, code] = pair;
  if (code && typeof code === "object" && !Array.isArray(code)) {
    if (!MANUAL_INPUTS.has(code.type)) throw new Error(`an input in the address has an unknown action: ${JSON.stringify(code.type)}`);
    return { step, action: { ...code } };
  }
  if (code === "o" || code === "d") return { step, action: { type: "PlaceOrder", dodgy: code === "d" } };
  const m = /^v(\d+)$/.exec(code);
  if (m) return { step, action: { type: "SetProcessVersion", version: Number(m[1]) } };
  if (code && typeof code === "object" && !Array.isArray(code) && typeof code.type === "string") return { step, action: code };
  throw new Error(`an input in the address has an unknown action: ${JSON.stringify(code)}`);
}

function toBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/** `value` as JSON text with every object's keys in order, so equal values read equal. */
function canonical(value) {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
      : v);
}

/** Only the keys of `config` whose values differ from `defaults` (key order aside). */
export function configDiff(config, defaults) {
  const out = {};
  for (const [key, value] of Object.entries(config ?? {})) {
    if (canonical(value) !== canonical(defaults?.[key])) out[key] = value;
  }
  return out;
}

/** Inputs as the address keeps them ([step, code] pairs), for the branches' own list. */
export function encodeInputs(inputs) {
  return (inputs ?? []).map(encodeInput);
}

/** The inverse of encodeInputs; throws a readable Error on a malformed list. */
export function decodeInputs(list) {
  if (!Array.isArray(list)) throw new Error("the inputs are not a list");
  const inputs = list.map(decodeInput);
  for (let k = 1; k < inputs.length; k++) {
    if (inputs[k].step < inputs[k - 1].step) throw new Error("the inputs are not in step order");
  }
  return inputs;
}

/** base64url of a UTF-8 JSON value, and back (throws on a damaged text). */
export function packJson(value) {
  return toBase64Url(JSON.stringify(value));
}

export function unpackJson(text) {
  return JSON.parse(fromBase64Url(text));
}
