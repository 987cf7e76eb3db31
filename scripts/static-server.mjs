// The page's static server: serves a folder (www/) on 127.0.0.1. Used by `scripts/serve.sh`,
// `scripts/live.sh` and the browser tests (tests/e2e/helpers.mjs).
//
//   node scripts/static-server.mjs [DIR] [PORT]     DIR: www (default), PORT: 8080 (0: any free port)
//
// It prints the address it serves once it listens ("serving http://127.0.0.1:PORT/").
// Compared with Python's http.server, which the page used before: connections are kept
// open and answered concurrently (a first visit asks for about 40 files), `.wasm` and ES
// modules get their types, and text and wasm are sent gzip-compressed to a browser that
// accepts it (compressed once per version of a file, kept in memory). Every answer says
// `no-cache`: the browser asks again after a rebuild and is told `304` when nothing changed.
// Nothing outside DIR is served.

import http from "node:http";
import { readFile, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Content types by file extension. */
export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
};

/** Worth compressing: text and wasm (a PNG is compressed already). */
const COMPRESS = new Set([".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg", ".ts"]);

/**
 * Serve `dir` on 127.0.0.1:`port` (0: a free port). Resolves to { url, port, close }.
 * `onRequest(req)` is told of every request before it is answered; `transform(file, body)`
 * may change a file's bytes as served (a Buffer in, a Buffer or string out; such a file is
 * sent as is, uncompressed and never answered 304).
 */
export async function serveStatic({ dir, port = 0, onRequest = null, transform = null, compress = true } = {}) {
  const site = path.resolve(dir);
  const zipped = new Map(); // file → { tag, body }
  const server = http.createServer(async (req, res) => {
    onRequest?.(req);
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" });
        res.end("only GET and HEAD");
        return;
      }
      const url = new URL(req.url, "http://x");
      let rel = decodeURIComponent(url.pathname);
      if (rel.endsWith("/")) rel += "index.html";
      const file = path.join(site, path.normalize(rel).replace(/^(\.\.[/\\])+/, ""));
      if (file !== site && !file.startsWith(site + path.sep)) throw new Error("outside");
      const info = await stat(file);
      if (!info.isFile()) throw new Error("not a file");
      const ext = path.extname(file);
      const headers = { "content-type": MIME[ext] ?? "application/octet-stream", "cache-control": "no-cache" };
      if (transform) {
        const body = transform(file, await readFile(file));
        res.writeHead(200, headers);
        res.end(req.method === "HEAD" ? undefined : body);
        return;
      }
      const tag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
      headers.etag = tag;
      if (req.headers["if-none-match"] === tag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      let body;
      if (compress && COMPRESS.has(ext) && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
        let cached = zipped.get(file);
        if (cached?.tag !== tag) {
          cached = { tag, body: gzipSync(await readFile(file), { level: 6 }) };
          zipped.set(file, cached);
        }
        body = cached.body;
        headers["content-encoding"] = "gzip";
        headers.vary = "accept-encoding";
      } else {
        body = await readFile(file);
      }
      headers["content-length"] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const bound = server.address().port;
  return {
    url: `http://127.0.0.1:${bound}/`,
    port: bound,
    close: () => new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections?.();
    }),
  };
}

// run as a program: serve DIR on PORT until stopped
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? "www";
  const port = Number(process.argv[3] ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`static-server: the port must be a number from 0 to 65535, got '${process.argv[3] ?? process.env.PORT}'`);
    process.exit(2);
  }
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error(`${dir} is not a folder`);
    const { url } = await serveStatic({ dir, port });
    console.log(`serving ${url}`);
  } catch (e) {
    console.error(`static-server: cannot serve ${dir} on 127.0.0.1:${port}: ${e.code === "EADDRINUSE" ? "the port is in use" : e.message}`);
    process.exit(1);
  }
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
}
