// The "share" action: the link to this run as shown (its step and its branches), the embed
// snippet for an <iframe>, and the link to the run from its start (its branches kept), each
// with a copy button.

import { $ } from "./dom.js";
import { decodeState, encodeState } from "./url-state.js";
import { withoutEmbed, EMBED_SUFFIX } from "./embed.js";

/** The page address with hash `hash` (no `#`). */
function address(hash) {
  return `${location.origin}${location.pathname}${location.search}${hash ? `#${hash}` : ""}`;
}

/**
 * The address of the run from its start: the current one with its step and order dropped;
 * its branches (`br`) are kept, so the link opens the same run with the same branches.
 */
function runFromStart(hash) {
  const params = new URLSearchParams(hash);
  let state = null;
  try {
    state = params.has("run") ? decodeState(`#${hash}`) : null;
  } catch {
    state = null;
  }
  if (!state) return hash;
  // the other parts as they were written (branches, the embed's flag)
  const rest = String(hash).split("&").filter((part) => part && !part.startsWith("run="));
  return [encodeState({ ...state, step: 0, order: null }), ...rest].join("&");
}

export class ShareDialog {
  constructor(app) {
    this.app = app;
    this.dialog = $("#share");
    $("#share-toggle").addEventListener("click", () => this.open());
    this.dialog.addEventListener("click", (event) => {
      const button = event.target.closest("[data-copy]");
      if (button) this.copy(button);
    });
  }

  /** The three texts for the shown state. */
  texts() {
    this.app.saveUrl?.();
    const hash = withoutEmbed(location.hash);
    const atStep = address(hash);
    return {
      link: address(runFromStart(hash)),
      embed: `<iframe src="${atStep}${hash ? "" : "#"}${EMBED_SUFFIX}" width="640" height="400" title="brigade"></iframe>`,
      step: atStep,
    };
  }

  open() {
    const t = this.texts();
    $("#share-link").value = t.link;
    $("#share-embed").value = t.embed;
    $("#share-step-link").value = t.step;
    for (const out of this.dialog.querySelectorAll(".copied")) out.textContent = "";
    this.dialog.showModal();
  }

  async copy(button) {
    const input = $(`#${button.dataset.copy}`);
    const done = button.parentElement.querySelector(".copied");
    try {
      await navigator.clipboard.writeText(input.value);
      done.textContent = "copied";
    } catch {
      // no clipboard permission: select the text so the user can copy it
      input.focus();
      input.select();
      done.textContent = document.execCommand?.("copy") ? "copied" : "selected: press Ctrl+C";
    }
  }
}

