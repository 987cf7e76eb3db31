// A part of the page drawn as SVG, as it is shown: every box with a background, a border or a
// ring becomes a rectangle, every line of text a <text> at the place the page shows it, in
// the page's computed colours and fonts (light or dark, as shown). The floor and the
// causation tree are HTML; their SVG files (floor-svg.js, tree-svg.js) are drawn with this.

import { svg } from "./dom.js";

/** Style properties carried onto a copied SVG element so it draws without the stylesheet. */
const SVG_PROPS = [
  "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "stroke-linecap",
  "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline",
  "color", "visibility", "display",
];

/**
 * A copy of the SVG element `source` (in the page) with the computed values of the style
 * properties that draw each element inline and no class left, so it draws on its own.
 */
export function inlinedCopy(source) {
  const copy = source.cloneNode(true);
  const from = [source, ...source.querySelectorAll("*")];
  const to = [copy, ...copy.querySelectorAll("*")];
  from.forEach((node, i) => {
    const style = getComputedStyle(node);
    const inline = SVG_PROPS.map((p) => `${p}:${style.getPropertyValue(p)}`).filter((d) => !d.endsWith(":")).join(";");
    to[i].setAttribute("style", inline);
    to[i].removeAttribute("class");
  });
  return copy;
}

/** True when a CSS colour paints nothing. */
function clear(color) {
  return !color || color === "transparent" || /rgba\([^)]*,\s*0\)$/.test(color);
}

const px = (v) => parseFloat(v) || 0;

/** A dash pattern for a CSS border style of width `w` (solid: none). */
function dashes(style, w) {
  if (style === "dashed") return `${Math.max(3, 3 * w)} ${Math.max(2, 2 * w)}`;
  if (style === "dotted") return `${Math.max(1, w)} ${Math.max(1.5, w * 1.5)}`;
  return null;
}

/** The shadows of a computed box-shadow value: [{ color, x, y, blur, spread, inset }]. */
function shadows(value) {
  if (!value || value === "none") return [];
  return value.split(/,(?![^(]*\))/).map((part) => {
    const color = part.match(/rgba?\([^)]*\)|#[0-9a-f]+/i)?.[0] ?? "black";
    const nums = part.replace(color, "").match(/-?[\d.]+px/g)?.map(px) ?? [];
    return { color, x: nums[0] ?? 0, y: nums[1] ?? 0, blur: nums[2] ?? 0, spread: nums[3] ?? 0, inset: /inset/.test(part) };
  });
}

/** Rectangles for an element's rings, background and border, at `r` (relative to the origin). */
function boxShapes(style, r) {
  const out = [];
  const radius = Math.min(px(style.borderTopLeftRadius), r.height / 2, r.width / 2);
  // a ring (box-shadow 0 0 0 Npx) is a shape of its own: it marks the step's receiver, a fault…
  for (const s of shadows(style.boxShadow)) {
    if (clear(s.color) || s.blur > 0) continue;
    if (!s.inset && s.spread > 0 && !s.x && !s.y) {
      out.push(svg("rect", { x: r.x - s.spread / 2, y: r.y - s.spread / 2, width: r.width + s.spread, height: r.height + s.spread,
        rx: radius + s.spread / 2, style: `fill:none;stroke:${s.color};stroke-width:${s.spread}` }));
    } else if (s.inset && s.x) {
      const w = Math.abs(s.x);
      out.push(svg("rect", { x: s.x > 0 ? r.x : r.x + r.width - w, y: r.y, width: w, height: r.height, style: `fill:${s.color};stroke:none` }));
    }
  }
  const bg = style.backgroundColor;
  const sides = ["Top", "Right", "Bottom", "Left"].map((side) => ({
    w: style[`border${side}Style`] === "none" ? 0 : px(style[`border${side}Width`]),
    style: style[`border${side}Style`], color: style[`border${side}Color`],
  }));
  const same = sides.every((s) => s.w === sides[0].w && s.style === sides[0].style && s.color === sides[0].color);
  if (!clear(bg)) out.push(svg("rect", { x: r.x, y: r.y, width: r.width, height: r.height, rx: radius, style: `fill:${bg};stroke:none` }));
  if (same && sides[0].w > 0 && !clear(sides[0].color)) {
    const { w, color } = sides[0];
    if (sides[0].style === "double" && w >= 3) {
      // two thin lines, as the page draws a double border (a duplicate's chip)
      const t = w / 3;
      for (const inset of [t / 2, w - t / 2]) {
        out.push(svg("rect", { x: r.x + inset, y: r.y + inset, width: r.width - 2 * inset, height: r.height - 2 * inset,
          rx: Math.max(0, radius - inset), style: `fill:none;stroke:${color};stroke-width:${t}` }));
      }
    } else {
      const dash = dashes(sides[0].style, w);
      out.push(svg("rect", { x: r.x + w / 2, y: r.y + w / 2, width: r.width - w, height: r.height - w, rx: Math.max(0, radius - w / 2),
        style: `fill:none;stroke:${color};stroke-width:${w}${dash ? `;stroke-dasharray:${dash}` : ""}` }));
    }
  } else {
    // one side at a time (the tree's dotted guide lines are left borders)
    const ends = [
      [r.x, r.y, r.x + r.width, r.y], [r.x + r.width, r.y, r.x + r.width, r.y + r.height],
      [r.x, r.y + r.height, r.x + r.width, r.y + r.height], [r.x, r.y, r.x, r.y + r.height],
    ];
    sides.forEach((s, i) => {
      if (!s.w || clear(s.color)) return;
      const [x1, y1, x2, y2] = ends[i];
      const shift = [s.w / 2, -s.w / 2, -s.w / 2, s.w / 2][i];
      const horizontal = i % 2 === 0;
      const dash = dashes(s.style, s.w);
      out.push(svg("line", {
        x1: horizontal ? x1 : x1 + shift, x2: horizontal ? x2 : x2 + shift, y1: horizontal ? y1 + shift : y1, y2: horizontal ? y2 + shift : y2,
        style: `stroke:${s.color};stroke-width:${s.w}${dash ? `;stroke-dasharray:${dash}` : ""}`,
      }));
    });
  }
  return out;
}

/** The text of a node as the page shows it: white space collapsed, text-transform applied. */
function shownWords(text, style) {
  const words = [];
  const re = /\S+/g;
  let m;
  while ((m = re.exec(text))) words.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  const transform = style.textTransform;
  if (transform === "uppercase") for (const w of words) w.text = w.text.toUpperCase();
  else if (transform === "lowercase") for (const w of words) w.text = w.text.toLowerCase();
  return words;
}

/** One <text> per line of the text node `node`, placed where the page shows its words. */
function textShapes(node, style, origin) {
  const words = shownWords(node.data, style);
  if (!words.length) return [];
  const range = document.createRange();
  const lines = [];
  for (const w of words) {
    range.setStart(node, w.start);
    range.setEnd(node, w.end);
    const r = range.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    const line = lines[lines.length - 1];
    if (line && Math.abs(line.top - r.top) < 2) {
      line.words.push(w.text);
      line.right = r.right;
    } else {
      lines.push({ top: r.top, height: r.height, left: r.left, right: r.right, words: [w.text] });
    }
  }
  range.detach?.();
  const decoration = style.textDecorationLine && style.textDecorationLine !== "none" ? style.textDecorationLine : null;
  const font = `font-family:${style.fontFamily.replace(/"/g, "'")};font-size:${style.fontSize};font-weight:${style.fontWeight};font-style:${style.fontStyle}`;
  return lines.map((l) => svg("text", {
    x: round(l.left - origin.left), y: round(l.top - origin.top + l.height / 2),
    "dominant-baseline": "central",
    // the words keep the width they have on the page, whatever font the viewer has
    textLength: round(l.right - l.left), lengthAdjust: "spacing",
    "text-decoration": decoration,
    style: `fill:${style.color};${font}`,
    text: l.words.join(" "),
  }));
}

const round = (v) => Math.round(v * 10) / 10;

/**
 * The text a ::before rule puts in front of an element (a busy cook's "●"), placed just
 * left of the element's first word, in the pseudo-element's colour and font.
 */
function beforeText(node, box, origin) {
  const pseudo = getComputedStyle(node, "::before");
  const content = pseudo.content;
  if (!content || !/^".+"$/.test(content) || pseudo.display === "none") return null;
  const text = content.slice(1, -1).replace(/\\(.)/g, "$1").trim();
  if (!text) return null;
  const first = [...node.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.data.trim());
  let y = box.top + box.height / 2;
  if (first) {
    const range = document.createRange();
    range.selectNodeContents(first);
    const r = range.getClientRects()[0];
    if (r) y = r.top + r.height / 2;
  }
  const style = getComputedStyle(node);
  const x = box.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth);
  return svg("text", {
    x: round(x - origin.left), y: round(y - origin.top), "dominant-baseline": "central",
    style: `fill:${pseudo.color};font-family:${pseudo.fontFamily.replace(/"/g, "'")};font-size:${pseudo.fontSize};font-weight:${pseudo.fontWeight}`,
    text,
  });
}

/**
 * SVG shapes for the element `root` and what it holds, placed relative to `origin` (a
 * DOMRect-like { left, top }). Elements matching `skip` (a selector) are left out, and
 * so is anything not shown. SVG elements inside are copied with their colours inline.
 */
export function drawHtml(root, origin, skip = null) {
  const out = [];
  const visit = (node, into) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const style = getComputedStyle(node.parentElement);
      if (style.visibility !== "hidden") into.push(...textShapes(node, style, origin));
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (skip && node.matches(skip)) return;
    const style = getComputedStyle(node);
    if (style.display === "none") return;
    const box = node.getBoundingClientRect();
    if (node instanceof SVGSVGElement) {
      if (!box.width || !box.height) return;
      const copy = inlinedCopy(node);
      copy.setAttribute("x", String(round(box.left - origin.left)));
      copy.setAttribute("y", String(round(box.top - origin.top)));
      copy.setAttribute("width", String(round(box.width)));
      copy.setAttribute("height", String(round(box.height)));
      copy.setAttribute("overflow", "visible");
      copy.removeAttribute("id");
      into.push(copy);
      return;
    }
    let target = into;
    const opacity = Number(style.opacity);
    const filter = style.filter && style.filter !== "none" ? style.filter : null;
    let group = null;
    if (opacity < 1 || filter) {
      group = svg("g", { opacity: opacity < 1 ? opacity : null, style: filter ? `filter:${filter}` : null });
      target = [];
    }
    if (style.visibility !== "hidden" && box.width && box.height) {
      const r = { x: round(box.left - origin.left), y: round(box.top - origin.top), width: round(box.width), height: round(box.height) };
      target.push(...boxShapes(style, r));
    }
    const before = beforeText(node, box, origin);
    if (before) target.push(before);
    for (const child of node.childNodes) visit(child, target);
    if (group) {
      group.append(...target);
      into.push(group);
    }
  };
  visit(root, out);
  return out;
}

/** The page's colour behind `node`: its first non-transparent background up the tree. */
export function backgroundOf(node) {
  for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (!clear(c)) return c;
  }
  return getComputedStyle(document.body).backgroundColor || "white";
}

/** The XML text of a standalone SVG file for the element `root`. */
export function svgFile(root) {
  root.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(root)}\n`;
}
