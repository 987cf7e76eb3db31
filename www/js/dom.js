// Small DOM helpers. User text (cook names, ids, anything from a run file) only ever goes
// in through textContent or attributes, never through innerHTML.

/** Create an element: el("div", { class: "x", dataset: { a: 1 }, onclick }, child, "text"). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Same as el(), for SVG elements. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace all children of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/**
 * Replace all children of `node` unless the new ones equal the old (`isEqualNode`): a view
 * redrawn at every step then restyles and lays out nothing when nothing changed. Returns
 * whether it replaced them.
 */
export function replaceChanged(node, ...children) {
  const fresh = document.createDocumentFragment();
  append(fresh, children);
  const old = node.childNodes;
  const next = fresh.childNodes;
  if (old.length === next.length) {
    let same = true;
    for (let i = 0; same && i < old.length; i++) same = old[i].isEqualNode(next[i]);
    if (same) return false;
  }
  node.replaceChildren(fresh);
  return true;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** Set textContent only when it changed (cheap to call every frame). */
export function setText(node, text) {
  const s = String(text);
  if (node.textContent !== s) node.textContent = s;
}

/** Set a boolean property (hidden, disabled) only when it changes: each write restyles. */
export function setFlag(node, name, value) {
  if (node[name] !== value) node[name] = value;
}

/** Toggle a class only when it changes. */
export function setClass(node, name, on) {
  if (node.classList.contains(name) !== on) node.classList.toggle(name, on);
}

/** Simulated milliseconds as seconds with three decimals. */
export function formatMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "–";
  return `${(ms / 1000).toFixed(3)} s`;
}

/** The first 8 characters of a UUID: enough to tell ids apart on screen. */
export function shortId(id) {
  return id ? String(id).slice(0, 8) : "–";
}

let numberFormat = null;

/**
 * A number with thousands separators, as `toLocaleString("en-US")` writes it ("1,234,567").
 * Whole numbers are grouped by hand: the first `toLocaleString` of a page loads the locale
 * data, about 30 ms of a first visit; anything else goes to one kept `Intl.NumberFormat`.
 */
export function formatInt(n) {
  const x = Number(n ?? 0);
  if (Number.isSafeInteger(x)) return String(x).replace(/\B(?=(\d{3})+$)/g, ",");
  return (numberFormat ??= new Intl.NumberFormat("en-US")).format(x);
}
