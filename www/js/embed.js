// The embed view: an address ending in `&embed` (after #config=…, #run=…, #tour=… or
// nothing) shows only the floor, the time control and the step caption, for an <iframe>,
// with a small "open in brigade" link to the same address without `&embed`.

/** The suffix that asks for the embed view. */
export const EMBED_SUFFIX = "&embed";

/** Whether a location hash asks for the embed view. */
export function isEmbed(hash) {
  return new URLSearchParams(String(hash ?? "").replace(/^#/, "")).has("embed");
}

/** A location hash without its `embed` parameter (and without the `#`). */
export function withoutEmbed(hash) {
  return String(hash ?? "").replace(/^#/, "").split("&").filter((part) => part !== "embed" && !part.startsWith("embed=")).join("&");
}

/** Fixed at load: the page opened as an embed stays one while its address changes. */
export const EMBEDDED = isEmbed(typeof location === "undefined" ? "" : location.hash);

/** What the page appends to every address it writes. */
export function embedSuffix() {
  return EMBEDDED ? EMBED_SUFFIX : "";
}

/** The full page's address for the shown state: this one without `&embed`. */
export function fullPageUrl() {
  const rest = withoutEmbed(location.hash);
  return `${location.origin}${location.pathname}${location.search}${rest ? `#${rest}` : ""}`;
}

/** Turn the page into the embed view (once, at start) and keep its link up to date. */
export function setUpEmbed() {
  if (!EMBEDDED) return;
  document.body.classList.add("embed");
  const link = document.createElement("a");
  link.className = "embed-open";
  link.dataset.testid = "embed-open";
  link.target = "_blank";
  link.rel = "noopener";
  link.textContent = "open in brigade ↗";
  const refresh = () => { link.href = fullPageUrl(); };
  refresh();
  document.querySelector(".controls")?.append(link);
  // the page writes its address with history.replaceState/pushState: follow every change
  for (const method of ["replaceState", "pushState"]) {
    const original = history[method].bind(history);
    history[method] = (...args) => { const r = original(...args); refresh(); return r; };
  }
  window.addEventListener("hashchange", refresh);
}
