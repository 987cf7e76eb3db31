// The "set up a run" form: presets, cooks, and the mapping of the engine's
// `config: <field>: <why>` errors back to the field they are about.

import { $, $$, el } from "./dom.js";
import { errorText } from "./engine.js";

// Fields the engine reads as whole numbers: checked here so the message names the field.
const WHOLE_FIELDS = new Set(["orders", "interval_ms", "queue_limit", "assistant_manager_ms", "cashier_ms",
  "cook_timeout_ms", "price_timeout_ms", "pay_timeout_ms", "max_retries", "sample_ms", "rush_size", "time_to_live_ms", "assistant_managers", "cashiers"]);
const NUMBER_FIELDS = ["orders", "interval_ms", "queue_limit", "drop", "duplicate", "dodgy",
  "assistant_manager_ms", "cashier_ms", "cook_timeout_ms", "price_timeout_ms", "pay_timeout_ms",
  "max_retries", "sample_ms", "rush_size", "cook_jitter", "backoff", "backoff_jitter", "time_to_live_ms",
  "assistant_managers", "cashiers"];
// choices the engine writes only when they differ from its default: left out when at it
const CHOICE_FIELDS = { arrivals: "fixed", cooking: "per-order" };
// the failures of issue 23, optional keys the engine's defaults leave out: a number left
// empty, or at the engine's default, is left out of the config (and of the address);
// `whole` when the engine reads it as a whole number
const FAILURE_NUMBERS = {
  crash: { standard: 0 }, restart_ms: { standard: 500, whole: true }, poison: { standard: 0 },
  poison_retries: { standard: 2, whole: true }, refund_attempts: { standard: null, whole: true },
};
// switches written only when on
const FAILURE_SWITCHES = ["durable_mailboxes", "durable_timers", "dead_letters", "idempotent_cooks"];

export class SetupForm {
  /**
   * @param {object} opts
   * @param {() => object} opts.defaults the engine's default config
   * @param {() => Array} opts.presets the engine's presets
   * @param {(config: object) => void} opts.onSubmit starts a run; throws the engine's Error
   */
  constructor({ defaults, presets, onSubmit, randomSeed }) {
    this.form = $("#setup-form");
    this.panel = $("#setup");
    this.toggle = $("#setup-toggle");
    this.defaults = defaults;
    this.presets = presets;
    this.onSubmit = onSubmit;

    const select = $("#preset");
    select.append(el("option", { value: "", text: "custom" }));
    for (const p of presets) select.append(el("option", { value: p.name, text: p.name }));
    select.addEventListener("change", () => this.applyPreset(select.value));

    this.toggle.addEventListener("click", () => this.setOpen(this.panel.hidden));
    $("#setup-cancel").addEventListener("click", () => this.setOpen(false));
    $("#add-cook").addEventListener("click", () => {
      const n = $$("#cook-list .cook-row").length + 1;
      this.addCookRow({ name: `Cook ${n}`, ms: 300 });
    });
    $("#seed-random").addEventListener("click", () => {
      let seed = null;
      try { seed = typeof randomSeed === "function" ? randomSeed() : null; } catch { seed = null; }
      this.form.elements.seed.value = String(seed ?? Math.floor(Math.random() * 2 ** 32));
      this.form.elements.seed.dispatchEvent(new Event("input", { bubbles: true }));
    });
    // editing any field makes the settings your own (not the preset's any more)
    this.form.addEventListener("input", (event) => {
      if (event.target.id !== "preset") { $("#preset").value = ""; this.describePreset(""); }
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  setOpen(open) {
    this.panel.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    if (open) this.form.elements.seed.focus();
  }

  /** Show `config` (partial: defaults fill the rest) in the form. */
  fill(config) {
    const full = { ...this.defaults, ...config };
    const f = this.form.elements;
    f.seed.value = String(full.seed);
    for (const name of NUMBER_FIELDS) if (f[name]) f[name].value = String(full[name] ?? "");
    f.dispatch.value = full.dispatch;
    for (const [name, standard] of Object.entries(CHOICE_FIELDS)) if (f[name]) f[name].value = full[name] ?? standard;
    f.architecture.value = full.architecture ?? "process-manager";
    f.idempotent_store.checked = Boolean(full.idempotent_store);
    f.process_version.value = String(full.process_version);
    if (f.mailbox_limits) f.mailbox_limits.value = formatLimits(full.mailbox_limits);
    if (f.house) f.house.value = full.house ?? "rebuild";
    for (const [name, { standard }] of Object.entries(FAILURE_NUMBERS)) {
      if (f[name]) f[name].value = full[name] === undefined || full[name] === null || full[name] === standard ? "" : String(full[name]);
    }
    for (const name of FAILURE_SWITCHES) if (f[name]) f[name].checked = Boolean(full[name]);
    if (f.poison_dish) f.poison_dish.value = full.poison_dish ?? "";
    // a run with any of them opens their part of the form
    const failing = Object.keys(FAILURE_NUMBERS).some((k) => f[k]?.value) || FAILURE_SWITCHES.some((k) => f[k]?.checked)
      || Boolean(full.poison_dish) || full.house === "cached";
    if (failing) $("[data-testid=failures-setup]")?.setAttribute("open", "");
    $("#cook-list").replaceChildren();
    for (const cook of full.cooks ?? []) this.addCookRow(cook);
    this.clearErrors();
    const match = this.presets.find((p) => JSON.stringify({ ...this.defaults, ...p.config }) === JSON.stringify(full));
    $("#preset").value = match ? match.name : "";
    this.describePreset(match?.name ?? "");
  }

  applyPreset(name) {
    const preset = this.presets.find((p) => p.name === name);
    if (preset) {
      this.fill(preset.config);
      $("#preset").value = name;
    }
    this.describePreset(name);
  }

  describePreset(name) {
    const preset = this.presets.find((p) => p.name === name);
    $("#preset-description").textContent = preset ? preset.description : "Your own settings.";
  }

  addCookRow(cook) {
    const index = $$("#cook-list .cook-row").length;
    const row = el("div", { class: "cook-row", dataset: { index } },
      el("input", { name: "cook-name", type: "text", value: cook.name, "aria-label": "Cook name", "data-testid": "cook-name" }),
      el("input", { name: "cook-ms", type: "number", min: 1, step: 1, value: cook.ms, "aria-label": "Cooking time (ms)", "data-testid": "cook-ms" }),
      el("button", { type: "button", class: "remove", "aria-label": "Remove this cook", text: "×",
        onclick: () => { row.remove(); this.renumberCooks(); } }),
      el("output", { class: "field-error cook-error" }));
    $("#cook-list").append(row);
  }

  renumberCooks() {
    $$("#cook-list .cook-row").forEach((row, i) => { row.dataset.index = String(i); });
  }

  /** Read the form; returns [config, problems] where problems are page-side field errors. */
  read() {
    const f = this.form.elements;
    const config = {};
    const problems = [];
    const seedText = f.seed.value.trim();
    if (seedText !== "") {
      const n = Number(seedText);
      if (!/^\d+$/.test(seedText)) problems.push(["seed", "must be a whole number (0 or more)"]);
      config.seed = Number.isSafeInteger(n) ? n : seedText;
    }
    for (const name of NUMBER_FIELDS) {
      const input = f[name];
      if (!input) continue;
      if (input.validity.badInput) { problems.push([name, "must be a number"]); continue; }
      if (input.value.trim() === "") continue;
      const value = Number(input.value);
      if (WHOLE_FIELDS.has(name) && !(Number.isInteger(value) && value >= 0)) {
        problems.push([name, "must be a whole number (0 or more)"]);
        continue;
      }
      config[name] = value;
    }
    config.dispatch = f.dispatch.value;
    for (const [name, standard] of Object.entries(CHOICE_FIELDS)) if (f[name] && f[name].value !== standard) config[name] = f[name].value;
    config.architecture = f.architecture.value;
    config.idempotent_store = f.idempotent_store.checked;
    config.process_version = Number(f.process_version.value);
    if (f.mailbox_limits && f.mailbox_limits.value.trim() !== "") {
      const [limits, why] = parseLimits(f.mailbox_limits.value);
      if (why) problems.push(["mailbox_limits", why]);
      else config.mailbox_limits = limits;
    }
    if (f.house && f.house.value !== (this.defaults.house ?? "rebuild")) config.house = f.house.value;
    for (const [name, { standard, whole }] of Object.entries(FAILURE_NUMBERS)) {
      const input = f[name];
      if (!input) continue;
      if (input.validity.badInput) { problems.push([name, "must be a number"]); continue; }
      const raw = input.value.trim();
      if (raw === "") continue;
      const value = Number(raw);
      if (whole && !(Number.isInteger(value) && value >= 0)) { problems.push([name, "must be a whole number (0 or more)"]); continue; }
      if (value !== standard) config[name] = value;
    }
    for (const name of FAILURE_SWITCHES) if (f[name]?.checked) config[name] = true;
    const dish = f.poison_dish?.value.trim();
    if (dish) config.poison_dish = dish;
    config.cooks = $$("#cook-list .cook-row").map((row, i) => {
      const ms = Number(row.querySelector("[name=cook-ms]").value);
      if (!Number.isInteger(ms)) problems.push([`cooks[${i}].ms`, "cooking time must be a whole number of ms"]);
      return { name: row.querySelector("[name=cook-name]").value, ms };
    });
    return [config, problems];
  }

  submit() {
    this.clearErrors();
    const [config, problems] = this.read();
    if (problems.length) {
      for (const [field, why] of problems) this.showFieldError(field, why);
      return;
    }
    try {
      this.onSubmit(config);
      this.setOpen(false);
    } catch (error) {
      this.showConfigError(errorText(error));
    }
  }

  /** Put a `config: <field>: <why>` message next to its field (or under the form). */
  showConfigError(message) {
    const m = /^config:\s*([^:]+):\s*(.*)$/s.exec(message);
    let field = m?.[1].trim();
    const why = m?.[2].trim();
    // serde's own errors come as "config: config: …": find the field by the value quoted
    if (field === "config") field = this.guessField(why);
    if (!m || !field || !this.showFieldError(field, why)) {
      $("#setup-error").textContent = message;
    }
  }

  guessField(why) {
    const quoted = [...why.matchAll(/[`"]([^`"]+)[`"]/g)].map((q) => q[1]);
    const [config] = this.read();
    for (const [key, value] of Object.entries(config)) {
      if (key !== "cooks" && quoted.includes(String(value))) return key;
    }
    return null;
  }

  showFieldError(field, why) {
    const base = /^[a-z_]+/.exec(field)?.[0];
    let index = /(?:\[|\.)(\d+)/.exec(field)?.[1];
    if (base === "cooks" && index === undefined) {
      // "cook \"B\": …" names the cook; "cook 1 has …" counts from 1
      const named = /cook "([^"]*)"/.exec(why)?.[1];
      const counted = /cook (\d+)\b/.exec(why)?.[1];
      const rows = $$("#cook-list .cook-row");
      if (named !== undefined) index = rows.findIndex((r) => r.querySelector("[name=cook-name]").value === named);
      else if (counted !== undefined) index = Number(counted) - 1;
      if (index === -1) index = undefined;
      if (index !== undefined && /time|ms\b/.test(why)) field = `cooks[${index}].ms`;
    }
    if (base === "cooks" && index !== undefined) {
      const row = $(`#cook-list .cook-row[data-index="${Number(index)}"]`);
      if (row) {
        const which = /ms|time/.test(field) ? "cook-ms" : "cook-name";
        const input = row.querySelector(`[name=${which}]`);
        input.setAttribute("aria-invalid", "true");
        row.querySelector(".cook-error").textContent = why;
        input.focus();
        return true;
      }
    }
    const out = base && this.form.querySelector(`[data-error-for="${base}"]`);
    if (!out) return false;
    out.textContent = why;
    const holder = out.closest("[data-field]");
    const input = holder?.querySelector("input, select");
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.closest("details")?.setAttribute("open", "");
      input.focus();
    }
    return true;
  }

  clearErrors() {
    for (const out of this.form.querySelectorAll(".field-error")) out.textContent = "";
    for (const input of this.form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    $("#setup-error").textContent = "";
  }
}

/**
 * `"cook=2:drop-newest, waiter=5:block"` as the config's `mailbox_limits` (a role name →
 * `{ max, policy }`), or the reason it cannot be read. The engine checks the roles and the
 * policies (its error is shown beside the field).
 */
export function parseLimits(text) {
  const limits = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^=\s]+(?:[ -][^=\s]+)*)\s*=\s*(\d+)\s*:\s*([a-z-]+)(?:\s*:\s*(\d+)\s*(?:ms)?)?$/.exec(part);
    if (!m) return [null, `write role=N:policy or role=N:policy:AGEms, comma separated (such as cook=2:drop-newest or cook=5:drop-oldest:2000ms), not "${part.slice(0, 40)}"`];
    limits[m[1]] = { max: Number(m[2]), policy: m[3] };
    if (m[4] !== undefined) limits[m[1]].max_age_ms = Number(m[4]);
  }
  return [limits, null];
}

/** The config's `mailbox_limits` as the field shows them. */
export function formatLimits(limits) {
  return Object.entries(limits ?? {}).map(([role, l]) => `${role}=${l.max}:${l.policy}${l.max_age_ms ? `:${l.max_age_ms}ms` : ""}`).join(", ");
}
