// Diagrams for slides: the selected order's sequence diagram as Mermaid text, and an SVG
// shown on the page as a standalone file with the page's colours (light or dark, as shown)
// copied onto its elements. The floor and the causation tree: floor-svg.js, tree-svg.js.

import { inlinedCopy, backgroundOf, svgFile } from "./html-svg.js";

/** Offer `text` for download as file `name` of type `type`. */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * A standalone copy of `svg` (an element in the page) as XML text: every element gets the
 * computed values of the style properties that draw it, and the root a background of the
 * page's colour, so the file looks as the page shows it without the stylesheet.
 */
export function standaloneSvg(source) {
  const copy = inlinedCopy(source);
  const box = source.getBoundingClientRect();
  if (!copy.getAttribute("width")) copy.setAttribute("width", String(Math.round(box.width)));
  if (!copy.getAttribute("height")) copy.setAttribute("height", String(Math.round(box.height)));
  const vb = copy.viewBox?.baseVal;
  const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  for (const [k, v] of Object.entries({ x: vb?.width ? vb.x : 0, y: vb?.width ? vb.y : 0, width: vb?.width || box.width, height: vb?.height || box.height })) rect.setAttribute(k, String(v));
  rect.setAttribute("style", `fill:${backgroundOf(source)};stroke:none`);
  copy.insertBefore(rect, copy.firstChild);
  // the page's description of the diagram names the file's content for a screen reader too
  const label = source.getAttribute("aria-label");
  if (label) {
    const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = label;
    copy.insertBefore(title, copy.firstChild);
  }
  return svgFile(copy);
}
