// What the exercise sandbox may answer, checked before the page's engine sees any of it.
// The learner's code cannot post to the page (it runs inside QuickJS, see sandbox.js), but
// the page takes nothing on trust: an answer of the wrong shape, type, id or size ends the
// run with an error saying so (`checkAnswer` throws), and nothing of it is used.
//
// Answers (worker.js): { id, ok: true, result } | { id, ok: false, error } | { id, progress }

/** The longest run file or decisions text a sandbox may answer (a run has ≤ 300 orders). */
export const MAX_TEXT = 64 * 1024 * 1024;
/** The longest error message a sandbox may answer. */
export const MAX_ERROR = 2000;

const VERDICTS = ["running", "holds", "limit", "broken"];

/** An answer the page refuses; its message says what was wrong. */
export class ForgedAnswer extends Error {
  constructor(what) {
    super(`the sandbox answered something that is not a result (${what}); the run was ended and nothing of it was used`);
    this.name = "ForgedAnswer";
  }
}

/**
 * Checks one message from the sandbox of request `id` whose operation is `op` ("run",
 * "rerun" or "explore"). Returns `{ kind: "progress", progress }`, `{ kind: "result",
 * result }` or `{ kind: "error", error }` with fresh plain copies of what was checked;
 * throws a ForgedAnswer otherwise.
 */
export function checkAnswer(data, id, op) {
  const answer = record(data, "the answer");
  if (answer.id !== id) throw new ForgedAnswer(`an answer to request ${short(answer.id)}, expected ${id}`);
  if ("progress" in answer && !("ok" in answer)) {
    only(answer, ["id", "progress"], "a progress answer");
    if (op !== "explore") throw new ForgedAnswer(`progress of a "${op}" request`);
    return { kind: "progress", progress: checkProgress(answer.progress) };
  }
  if (answer.ok === false) {
    only(answer, ["id", "ok", "error"], "an error answer");
    return { kind: "error", error: text(answer.error, "error", MAX_ERROR) };
  }
  if (answer.ok !== true) throw new ForgedAnswer("ok is neither true nor false");
  only(answer, ["id", "ok", "result"], "a result answer");
  if (op === "explore") {
    const result = record(answer.result, "result");
    only(result, ["progress", "counterexample"], "result");
    const progress = checkProgress(result.progress);
    if (progress.verdict === "running") throw new ForgedAnswer("an exploration result that is still running");
    const counterexample = result.counterexample === null ? null : checkRun(result.counterexample, "result.counterexample");
    return { kind: "result", result: { progress, counterexample } };
  }
  return { kind: "result", result: checkRun(answer.result, "result") };
}

/** `{ run, decisions, error, step }` as runProcess answers it. */
function checkRun(value, where) {
  const run = record(value, where);
  only(run, ["run", "decisions", "error", "step"], where);
  const out = {
    run: text(run.run, `${where}.run`, MAX_TEXT),
    decisions: text(run.decisions, `${where}.decisions`, MAX_TEXT),
    error: run.error === null ? null : text(run.error, `${where}.error`, MAX_ERROR),
    step: run.step === null ? null : count(run.step, `${where}.step`),
  };
  let file;
  try {
    file = JSON.parse(out.run);
  } catch {
    throw new ForgedAnswer(`${where}.run is not JSON`);
  }
  if (!file || typeof file !== "object" || Array.isArray(file) || !Array.isArray(file.history) ||
    !file.config || typeof file.config !== "object") {
    throw new ForgedAnswer(`${where}.run is not a run file`);
  }
  try {
    JSON.parse(out.decisions);
  } catch {
    throw new ForgedAnswer(`${where}.decisions is not JSON`);
  }
  return out;
}

/** An exploration's progress, with the fields the panel reads. */
function checkProgress(value) {
  const p = record(value, "progress");
  if (!VERDICTS.includes(p.verdict)) throw new ForgedAnswer(`progress.verdict ${short(p.verdict)}`);
  const out = { ...p, verdict: p.verdict };
  for (const key of ["states", "schedules", "max_fates"]) out[key] = count(p[key], `progress.${key}`);
  if (p.broken === null || p.broken === undefined) {
    out.broken = null;
  } else {
    const b = record(p.broken, "progress.broken");
    out.broken = {
      ...b,
      rule: text(b.rule, "progress.broken.rule", 100),
      detail: text(b.detail, "progress.broken.detail", MAX_ERROR),
      fates: count(b.fates, "progress.broken.fates"),
      schedule: list(b.schedule, "progress.broken.schedule").map((line, i) => text(line, `progress.broken.schedule[${i}]`, 500)),
    };
    if (b.step !== undefined && b.step !== null) out.broken.step = count(b.step, "progress.broken.step");
  }
  if (out.verdict === "broken" && !out.broken) throw new ForgedAnswer("a broken verdict without what broke");
  return out;
}

function record(value, where) {
  if (!value || typeof value !== "object" || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) {
    throw new ForgedAnswer(`${where} is not an object`);
  }
  return value;
}

function only(value, keys, where) {
  const extra = Object.keys(value).filter((k) => !keys.includes(k));
  if (extra.length) throw new ForgedAnswer(`${where} has unexpected ${extra.length > 1 ? "keys" : "key"} ${extra.slice(0, 3).map(short).join(", ")}`);
}

function text(value, where, max) {
  if (typeof value !== "string") throw new ForgedAnswer(`${where} is not text`);
  if (value.length > max) throw new ForgedAnswer(`${where} is longer than ${max.toLocaleString("en")} characters`);
  return value;
}

function count(value, where) {
  if (!Number.isSafeInteger(value) || value < 0) throw new ForgedAnswer(`${where} is not a whole number`);
  return value;
}

function list(value, where) {
  if (!Array.isArray(value) || value.length > 10000) throw new ForgedAnswer(`${where} is not a list`);
  return value;
}

function short(value) {
  let s;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = typeof value;
  }
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
