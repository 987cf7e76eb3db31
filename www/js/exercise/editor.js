// A small code editor: a monospace textarea with line numbers; Tab inserts two spaces
// (Shift+Tab and Escape-then-Tab still leave it).

import { el } from "../dom.js";

const INDENT = "  ";

export class CodeEditor {
  constructor({ onChange }) {
    this.onChange = onChange;
    this.gutter = el("pre", { class: "code-gutter", "aria-hidden": "true" });
    this.area = el("textarea", { class: "code-area", "data-testid": "pm-editor", spellcheck: "false",
      autocapitalize: "off", autocomplete: "off", wrap: "off", "aria-label": "Your process manager (JavaScript)" });
    this.root = el("div", { class: "code-editor" }, this.gutter, this.area);
    this.escaped = false;
    this.area.addEventListener("input", () => this.changed());
    this.area.addEventListener("scroll", () => { this.gutter.scrollTop = this.area.scrollTop; });
    this.area.addEventListener("keydown", (event) => this.key(event));
    this.numbers(1);
  }

  get value() {
    return this.area.value;
  }

  set value(code) {
    this.area.value = code;
    this.numbers(lineCount(code));
  }

  focus() {
    this.area.focus();
  }

  changed() {
    this.numbers(lineCount(this.area.value));
    this.onChange?.(this.area.value);
  }

  numbers(n) {
    if (this.lines === n) return;
    this.lines = n;
    this.gutter.textContent = Array.from({ length: n }, (_, i) => i + 1).join("\n");
  }

  key(event) {
    if (event.key === "Escape") {
      this.escaped = true;
      return;
    }
    if (event.key !== "Tab" || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey || this.escaped) {
      this.escaped = false;
      return;
    }
    event.preventDefault();
    const { selectionStart: start, selectionEnd: end } = this.area;
    this.area.setRangeText(INDENT, start, end, "end");
    this.changed();
  }
}

function lineCount(text) {
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
