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
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
      node.listens_ = true; // morph() replaces such a node instead of keeping the old one
    }
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
 * redrawn at every step then restyles and lays out nothing when nothing changed, and little
 * when little did (the change is made by `morph`). Returns whether anything changed.
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
  morphChildren(node, fresh);
  return true;
}

/**
 * Make `node`'s children look like `children` by changing the ones it has in place: an
 * element of the same tag keeps its node and has its attributes and children brought in
 * line, a text node has its characters changed; the rest is replaced, added or removed. A
 * view redrawn at every step then has the browser restyle and lay out what changed, not
 * everything it drew. An element with a listener (`on…` given to el()) is never kept, so no
 * old handler survives. Not for what restarts when redrawn (SVG animations) nor form fields
 * (their values are not attributes).
 */
export function morph(node, ...children) {
  const fresh = document.createDocumentFragment();
  append(fresh, children);
  morphChildren(node, fresh);
}

function morphChildren(old, fresh) {
  let o = old.firstChild;
  for (let n = fresh.firstChild; n;) {
    const next = n.nextSibling;
    if (o && keeps(o, n)) {
      if (n.nodeType === Node.ELEMENT_NODE) {
        morphAttributes(o, n);
        morphChildren(o, n);
      } else if (o.data !== n.data) o.data = n.data;
      o = o.nextSibling;
    } else if (o) {
      old.insertBefore(n, o);
    } else {
      old.append(n);
    }
    n = next;
  }
  while (o) {
    const next = o.nextSibling;
    o.remove();
    o = next;
  }
}

function keeps(o, n) {
  if (o.nodeType !== n.nodeType) return false;
  if (n.nodeType === Node.TEXT_NODE) return true;
  return n.nodeType === Node.ELEMENT_NODE && o.localName === n.localName && o.namespaceURI === n.namespaceURI && !o.listens_ && !n.listens_;
}

function morphAttributes(o, n) {
  for (const a of n.attributes) {
    if (o.getAttributeNS(a.namespaceURI, a.localName) !== a.value) o.setAttributeNS(a.namespaceURI, a.name, a.value);
  }
  for (const a of [...o.attributes]) {
    if (!n.hasAttributeNS(a.namespaceURI, a.localName)) o.removeAttributeNS(a.namespaceURI, a.localName);
  }
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/**
 * Set an element's text only when it changed (cheap to call every frame). An element that
 * holds one text node keeps it and has its characters changed: the browser then lays out
 * new text, not a new node.
 */
export function setText(node, text) {
  const s = String(text);
  const only = node.firstChild;
  if (only && only === node.lastChild && only.nodeType === Node.TEXT_NODE) {
    if (only.data !== s) only.data = s;
  } else if (node.textContent !== s) node.textContent = s;
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
