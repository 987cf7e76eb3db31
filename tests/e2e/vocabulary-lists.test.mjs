// The page keeps no list of the engine's words (issue 21): no message type and no role is
// written in the page's JavaScript — every view reads them from the engine's vocabulary
// (www/js/engine.js `words`, over `Simulation.vocabularyOf` and the run's `wiring()`), so a
// new message, role or architecture reaches every view without a JavaScript change.
//
// This reads every www/js/**/*.js, takes the names from the engine itself (each
// architecture's `vocabulary()`: message types and roles) and fails on a string literal
// equal to one of them (a type or role written as data: a list, a table, a `case`, a
// comparison) and on an identifier equal to a message type (a table's unquoted key,
// `T.CookFood`). Comments are not read: prose may name anything.
//
// Allowed, and only there: files that ARE content about the messages, not views of them —
//   - www/js/exercise/templates/: the learner's code (the exercise's skeleton and its
//     solution). It runs in the sandbox against messages by their type, as any process
//     manager written for this workshop must, and the learner reads and edits it.
//   - www/js/tour/chapters.js: the tour's script. Each stop is about one named message
//     handled by one named role ("the house hears OrderExpired"); the names are its text.
// In those files every type and role a stop looks for (`firstHandled`, `firstOutput`) and
// every type the learner's code tests or sends must still be one of the engine's names, so
// a renamed message breaks this test instead of a tour stop.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { www, packageBuilt } from "./helpers.mjs";

const skip = packageBuilt() ? false : "www/pkg is not built (bash scripts/build-wasm.sh)";
const ALLOWED = ["exercise/templates/", "tour/chapters.js"];

/** The engine's names: every message type and every role, over the three architectures. */
async function engineNames() {
  const mod = await import(path.join(www, "pkg/brigade.js"));
  await mod.default({ module_or_path: readFileSync(path.join(www, "pkg/brigade_bg.wasm")) });
  const types = new Set();
  const roles = new Set();
  for (const architecture of ["process-manager", "choreography", "commands"]) {
    const sim = new mod.Simulation({ orders: 1, architecture });
    const v = sim.vocabulary();
    sim.free();
    assert.equal(v.architecture, architecture);
    for (const t of v.message_types) types.add(t.name);
    for (const r of v.roles) roles.add(r.role);
  }
  assert.ok(types.size >= 17 && roles.size >= 8, `the engine names ${types.size} types and ${roles.size} roles`);
  return { types, roles };
}

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return jsFiles(file);
    return name.endsWith(".js") || name.endsWith(".mjs") ? [file] : [];
  });
}

/**
 * The string literals (whole quoted strings, and each fixed piece of a template literal)
 * and the identifiers of JavaScript source, with their lines; comments and regular
 * expression literals are skipped.
 */
export function tokens(source) {
  const out = [];
  let i = 0;
  let line = 1;
  let last = ""; // the last significant character of code: tells a regex from a division
  const templates = []; // brace depth at each open `${`
  let depth = 0;
  const n = source.length;
  const readTemplate = () => {
    // at the first character after ` or after the } closing a ${…}
    let text = "";
    const start = line;
    while (i < n) {
      const c = source[i];
      if (c === "\\") { text += source.slice(i, i + 2); i += 2; continue; }
      if (c === "\n") line++;
      if (c === "`") { i++; out.push({ kind: "string", text, line: start }); return false; }
      if (c === "$" && source[i + 1] === "{") { i += 2; out.push({ kind: "string", text, line: start }); templates.push(depth); return true; }
      text += c;
      i++;
    }
    return false;
  };
  while (i < n) {
    const c = source[i];
    if (c === "\n") { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === "/" && source[i + 1] === "/") { while (i < n && source[i] !== "\n") i++; continue; }
    if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      line += (source.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
      continue;
    }
    if (c === "'" || c === '"') {
      let text = "";
      i++;
      while (i < n && source[i] !== c && source[i] !== "\n") {
        if (source[i] === "\\") { text += source.slice(i, i + 2); i += 2; continue; }
        text += source[i++];
      }
      i++;
      out.push({ kind: "string", text, line });
      last = "a";
      continue;
    }
    if (c === "`") { i++; readTemplate(); last = "a"; continue; }
    if (c === "/" && (last === "" || /[(,=:[!&|?{};+\-*%<>~^]/.test(last))) {
      // a regular expression literal
      i++;
      let inClass = false;
      while (i < n && source[i] !== "\n") {
        const d = source[i];
        if (d === "\\") { i += 2; continue; }
        if (d === "[") inClass = true;
        else if (d === "]") inClass = false;
        else if (d === "/" && !inClass) break;
        i++;
      }
      i++;
      while (i < n && /[a-z]/.test(source[i])) i++;
      last = "a";
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (j < n && /[\w$]/.test(source[j])) j++;
      const word = source.slice(i, j);
      out.push({ kind: "identifier", text: word, line });
      i = j;
      // a keyword that may be followed by a regex
      last = /^(return|typeof|case|in|of|delete|void|throw|new|else|do)$/.test(word) ? "(" : "a";
      continue;
    }
    if (c === "{") depth++;
    if (c === "}") {
      if (templates.length && templates[templates.length - 1] === depth) {
        templates.pop();
        i++;
        readTemplate();
        last = "a";
        continue;
      }
      depth--;
    }
    last = c;
    i++;
  }
  return out;
}

/** The engine's names written in one file: [{ line, text, kind }]. */
export function namesIn(source, { types, roles }) {
  return tokens(source).filter((t) =>
    (t.kind === "string" && (types.has(t.text) || roles.has(t.text))) || (t.kind === "identifier" && types.has(t.text)));
}

test("the tokenizer finds literals and identifiers, not comments or regular expressions", () => {
  const src = [
    "// \"CookFood\" in a comment",
    "/* 'waiter' */ const a = x / 2, r = /\"cook\"/g;",
    "const t = { OrderPlaced: \"house\" };",
    "const s = `the ${k === \"cook\" ? `in ${\"dispatcher\"}` : \"\"} end`;",
  ].join("\n");
  const names = { types: new Set(["CookFood", "OrderPlaced"]), roles: new Set(["waiter", "cook", "house", "dispatcher"]) };
  assert.deepEqual(namesIn(src, names).map((t) => `${t.line}:${t.text}`), ["3:OrderPlaced", "3:house", "4:cook", "4:dispatcher"]);
});

test("no list, table or comparison of message types or roles is written in the page's JavaScript", { skip }, async () => {
  const names = await engineNames();
  const root = path.join(www, "js");
  const found = [];
  let files = 0;
  for (const file of jsFiles(root)) {
    const rel = path.relative(root, file).split(path.sep).join("/");
    files++;
    const source = readFileSync(file, "utf8");
    if (ALLOWED.some((a) => rel.startsWith(a))) {
      // content about the messages: may name them, but only by names the engine has
      for (const [, role, type] of source.matchAll(/first(?:Handled|Output)\(sim,\s*(?:"([\w-]+)",\s*)?"(\w+)"/g)) {
        if (role && !names.roles.has(role)) found.push(`${rel}: "${role}" is not a role of the engine`);
        if (!names.types.has(type)) found.push(`${rel}: "${type}" is not a message type of the engine`);
      }
      // what the learner's code tests and sends (the tour's own `type` tests are of inputs, `PlaceOrder`)
      const typed = rel.startsWith("exercise/") ? /(?:type\s*===\s*|type:\s*|case\s+)"(\w+)"/g : /$^/g;
      for (const [, type] of source.matchAll(typed)) {
        if (!names.types.has(type)) found.push(`${rel}: "${type}" is not a message type of the engine`);
      }
      continue;
    }
    for (const t of namesIn(source, names)) found.push(`${rel}:${t.line}: ${t.kind === "string" ? `"${t.text}"` : t.text}`);
  }
  assert.ok(files > 30, `read ${files} files`);
  assert.deepEqual(found, [], `the engine's words written in the page's JavaScript (read them from engine.js words() / the run's wiring()):\n${found.join("\n")}`);
});
