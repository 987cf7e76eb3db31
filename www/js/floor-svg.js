// The floor at the current step as a standalone SVG file, for slides: the panel's title,
// every actor's box as shown (name, kind, queue length and bar, busy or idle, badges), the
// wiring's links, the step's arrows with their labels, the step caption and the legend, in
// the page's colours (light or dark, as shown).

import { $, svg } from "./dom.js";
import { drawHtml, backgroundOf, svgFile } from "./html-svg.js";

const PAD = 12;
const GAP = 8;
/**
 * What is an input or a hint for the screen, not a picture: a cook's buttons and cooking
 * time, the export button, "click an actor for its mailbox".
 */
const SKIP = "button, input, select, form, .cook-buttons, .screen-hint";

/** A cook's cooking time is an input on the page: in the picture, its value in words. */
function cookTimes(origin) {
  return [...document.querySelectorAll("#floor-grid .cook-ms")].filter((input) => input.value && input.offsetParent).map((input) => {
    const r = input.getBoundingClientRect();
    const style = getComputedStyle(input.closest(".actor-extra") ?? input);
    return svg("text", {
      x: Math.round(r.left - origin.left + 3), y: Math.round(r.top - origin.top + r.height / 2), "dominant-baseline": "central",
      style: `fill:${style.color};font-family:${style.fontFamily.replace(/"/g, "'")};font-size:${style.fontSize}`,
      text: `cooks in ${input.value} ms`,
    });
  });
}

/** The SVG text of the floor as the page shows it now; `title` names the file's content. */
export function floorSvg(title) {
  const panel = $(".floor-panel");
  const floor = $("#floor");
  const blocks = [];
  const block = (node, draw) => {
    if (!node) return;
    const r = node.getBoundingClientRect();
    if (!r.width || !r.height) return;
    blocks.push({ width: Math.max(r.width, node.scrollWidth || 0), height: Math.max(r.height, node.scrollHeight || 0), shapes: draw(r) });
  };
  block($("#floor-title"), (r) => drawHtml($("#floor-title"), r, SKIP));
  // the links under the boxes, the boxes, the step's arrows over them (as the page stacks them)
  block(floor, (r) => {
    const shapes = [...drawHtml($("#floor-links"), r), ...drawHtml($("#floor-grid"), r, SKIP), ...cookTimes(r), ...drawHtml($("#floor-arrows"), r)];
    for (const s of shapes) {
      // a travelling token is an animation, not part of the picture
      for (const a of s.querySelectorAll?.("animateMotion") ?? []) a.parentElement.remove();
    }
    return shapes;
  });
  block($("#step-caption"), (r) => drawHtml($("#step-caption"), r, SKIP));
  block($(".floor-panel .legend"), (r) => drawHtml($(".floor-panel .legend"), r, SKIP));
  const width = Math.ceil(Math.max(...blocks.map((b) => b.width)) + 2 * PAD);
  const height = Math.ceil(blocks.reduce((sum, b) => sum + b.height + GAP, 0) - GAP + 2 * PAD);
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title },
    svg("title", { text: title }),
    svg("rect", { x: 0, y: 0, width, height, style: `fill:${backgroundOf(panel)};stroke:none` }));
  let y = PAD;
  for (const b of blocks) {
    root.append(svg("g", { transform: `translate(${PAD},${Math.round(y)})` }, ...b.shapes));
    y += b.height + GAP;
  }
  return svgFile(root);
}
