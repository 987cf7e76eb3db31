// The selected order's causation tree as a standalone SVG file, for slides: every message
// as the inspector shows it (kind chip, type, seq, time, publisher, its faults), indented
// under the message that caused it, with the tree's guide lines, in the page's colours.

import { $, svg } from "./dom.js";
import { drawHtml, backgroundOf, svgFile } from "./html-svg.js";

const PAD = 12;

/** The SVG text of the causation tree as shown; `heading` goes above it (the order). */
export function treeSvg(heading) {
  const tree = $("#causation-tree");
  const content = tree.firstElementChild ?? tree;
  const r = content.getBoundingClientRect();
  const head = getComputedStyle($("#inspector-title"));
  const fg = getComputedStyle(tree).color;
  const headHeight = 26;
  const width = Math.ceil(Math.max(r.width, content.scrollWidth) + 2 * PAD);
  const height = Math.ceil(Math.max(r.height, content.scrollHeight) + headHeight + 2 * PAD);
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": heading },
    svg("title", { text: heading }),
    svg("rect", { x: 0, y: 0, width, height, style: `fill:${backgroundOf(tree)};stroke:none` }),
    svg("text", { x: PAD, y: PAD + 12, style: `fill:${fg};font-family:${head.fontFamily.replace(/"/g, "'")};font-size:14px;font-weight:600`, text: heading }),
    svg("g", { transform: `translate(${PAD},${PAD + headHeight})` }, ...drawHtml(content, r)));
  return svgFile(root);
}
