// The address codec of the page (www/js/url-state.js), in Node: no browser needed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeState, decodeState, configDiff } from "../../www/js/url-state.js";

const b64 = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

test("a state survives encoding and decoding", () => {
  const state = {
    config: { seed: 7, cooks: [{ name: "Zoë <b>", ms: 300 }], drop: 0.1 },
    inputs: [
      { step: 3, action: { type: "PlaceOrder", dodgy: true } },
      { step: 9, action: { type: "SetProcessVersion", version: 1 } },
      { step: 9, action: { type: "PlaceOrder", dodgy: false } },
    ],
    step: 42,
    order: 3,
    tab: "tree",
  };
  const hash = `#${encodeState(state)}`;
  assert.match(hash, /^#run=[A-Za-z0-9_-]+$/, "base64url, no padding");
  assert.deepEqual(decodeState(hash), state);
});

test("flat inputs (an older facade shape) encode the same", () => {
  const nested = encodeState({ inputs: [{ step: 2, action: { type: "PlaceOrder", dodgy: true } }] });
  const flat = encodeState({ inputs: [{ step: 2, type: "PlaceOrder", dodgy: true }] });
  assert.equal(flat, nested);
});

test("no state in the address is not an error", () => {
  assert.equal(decodeState(""), null);
  assert.equal(decodeState("#"), null);
  assert.equal(decodeState("#other=1"), null);
});

test("defaults fill what the address leaves out", () => {
  assert.deepEqual(decodeState(`#run=${b64({ v: 1 })}`), { config: {}, inputs: [], step: 0, order: null, tab: "pm" });
});

test("bad states are refused with a readable message", () => {
  const cases = [
    ["#run=%%%", /not readable/],
    [`#run=${b64("not json")}`, /not readable/],
    [`#run=${b64([1, 2])}`, /not an object/],
    [`#run=${b64({ v: 2 })}`, /format 2/],
    [`#run=${b64({ v: 1, c: [] })}`, /config .* not an object/],
    [`#run=${b64({ v: 1, s: -1 })}`, /step .* not a whole number/],
    [`#run=${b64({ v: 1, s: 1.5 })}`, /step .* not a whole number/],
    [`#run=${b64({ v: 1, i: [[1, "x"]] })}`, /unknown action/],
    [`#run=${b64({ v: 1, i: [[1]] })}`, /malformed/],
    [`#run=${b64({ v: 1, i: [[5, "o"], [2, "o"]] })}`, /not in step order/],
    [`#run=${b64({ v: 1, o: 0 })}`, /selected order/],
  ];
  for (const [hash, message] of cases) {
    assert.throws(() => decodeState(hash), message, hash);
  }
});

test("configDiff keeps only what differs from the defaults", () => {
  const defaults = { seed: 42, orders: 10, cooks: [{ name: "Koen", ms: 350 }] };
  assert.deepEqual(configDiff({ seed: 42, orders: 12, cooks: [{ name: "Koen", ms: 350 }] }, defaults), { orders: 12 });
  assert.deepEqual(configDiff({ cooks: [{ name: "Koen", ms: 300 }] }, defaults), { cooks: [{ name: "Koen", ms: 300 }] });
});

test("a #config= link opens that config at step 0", () => {
  const config = { seed: 9, orders: 3, cooks: [{ name: "Ana & Bo", ms: 250 }], drop: 0.1 };
  const state = decodeState(`#config=${encodeURIComponent(JSON.stringify(config))}`);
  assert.deepEqual(state, { config, inputs: [], step: 0, order: null, tab: "pm" });
  assert.throws(() => decodeState("#config=%7Bnot"), /not JSON/);
  assert.throws(() => decodeState(`#config=${encodeURIComponent("[1]")}`), /not an object/);
});

test("a message's fate and the kitchen's events survive the address", () => {
  const inputs = [
    { step: 12, action: { type: "DropMessage", seq: 17, actor: "Koen", copy: 0 } },
    { step: 12, action: { type: "DuplicateMessage", output: 40, actor: "cashier" } },
    { step: 13, action: { type: "DelayMessage", seq: 20, actor: "Guido", copy: 1, ms: 2501 } },
    { step: 14, action: { type: "CookLeaves", cook: "Koen" } },
    { step: 15, action: { type: "CookReturns", cook: "Koen" } },
    { step: 15, action: { type: "HireCook", name: "Zoë", ms: 250 } },
    { step: 16, action: { type: "SetCookTime", cook: "Zoë", ms: 120 } },
  ];
  const state = { config: {}, inputs, step: 16, order: null, tab: "pm" };
  assert.deepEqual(decodeState(`#${encodeState(state)}`), state);
  assert.throws(() => decodeState(`#run=${b64({ v: 1, i: [[1, { type: "Explode" }]] })}`), /unknown action: "Explode"/);
  assert.throws(() => decodeState(`#run=${b64({ v: 1, i: [[1, [1]]] })}`), /unknown action/);
});
