// The page's static server (scripts/static-server.mjs, what scripts/serve.sh runs): types,
// gzip for a browser that accepts it, 304 for an unchanged file, nothing outside its folder,
// and a clear refusal of a bad port.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, mkdir, rm } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { spawnSync } from "node:child_process";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { serveStatic } from "../../scripts/static-server.mjs";
import { root } from "./helpers.mjs";

/** GET (or another method) with raw headers; resolves to { status, headers, body: Buffer }. */
function get(url, { method = "GET", headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("serves a folder's files with their types, gzip when accepted, 304 when unchanged, nothing outside it", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "brigade-serve-"));
  const site = path.join(dir, "site");
  await mkdir(path.join(site, "js"), { recursive: true });
  const script = "export const answer = 42;\n".repeat(200);
  await writeFile(path.join(site, "index.html"), "<!doctype html><title>t</title>");
  await writeFile(path.join(site, "js", "a.js"), script);
  await writeFile(path.join(site, "m.wasm"), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  await writeFile(path.join(dir, "secret.txt"), "not for the page");
  const server = await serveStatic({ dir: site });
  try {
    const index = await get(server.url);
    assert.equal(index.status, 200);
    assert.match(index.headers["content-type"], /^text\/html/);
    const wasm = await get(`${server.url}m.wasm`);
    assert.equal(wasm.headers["content-type"], "application/wasm");
    const plain = await get(`${server.url}js/a.js`);
    assert.equal(plain.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.equal(plain.body.toString(), script);
    const zipped = await get(`${server.url}js/a.js`, { headers: { "accept-encoding": "gzip, deflate, br" } });
    assert.equal(zipped.headers["content-encoding"], "gzip");
    assert.ok(zipped.body.length < script.length / 10, `${zipped.body.length} bytes for ${script.length}`);
    assert.equal(gunzipSync(zipped.body).toString(), script);
    const again = await get(`${server.url}js/a.js`, { headers: { "if-none-match": zipped.headers.etag } });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    for (const outside of ["../secret.txt", "%2e%2e/secret.txt", "js/../../secret.txt", "nothing.js"]) {
      const r = await get(`${server.url}${outside}`);
      assert.equal(r.status, 404, outside);
      assert.doesNotMatch(r.body.toString(), /not for the page/);
    }
    assert.equal((await get(`${server.url}js/a.js`, { method: "POST" })).status, 405);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("as a program it refuses a bad port or folder in one line", () => {
  const bad = spawnSync(process.execPath, [path.join(root, "scripts", "static-server.mjs"), "www", "80x"], { cwd: root, encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /port must be a number from 0 to 65535, got '80x'/);
  const missing = spawnSync(process.execPath, [path.join(root, "scripts", "static-server.mjs"), "no-such-folder", "0"], { cwd: root, encoding: "utf8" });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot serve no-such-folder/);
});
