// Keyboard: space play/pause, ←/→ and j/k step, Home/End, o order, f/F faults, t/r/c next
// timeout / retry / completion, [ ] replay, ? help.

import { $ } from "./dom.js";

function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !["checkbox", "range", "button", "radio", "file"].includes(target.type);
}

export function bindKeys(app) {
  const help = $("#help");
  // the control last pressed with a mouse or a finger: it keeps the focus, but space on it
  // means play / pause (a learner who clicked "Place order" does not want a second order)
  let clicked = null;
  document.addEventListener("pointerdown", (event) => {
    const control = event.target instanceof Element ? event.target.closest("button, input, summary, label") : null;
    clicked = control instanceof HTMLLabelElement ? control.control : control;
  }, true);
  document.addEventListener("focusin", (event) => { if (event.target !== clicked) clicked = null; });
  document.addEventListener("keyup", (event) => {
    // a button is pressed when space is released: not this one
    if (event.key === " " && event.target === clicked) event.preventDefault();
  });
  $("#help-toggle").addEventListener("click", () => toggleHelp(help));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    if (help.open && event.key !== "?" && event.key !== "Escape") return;
    const many = event.shiftKey ? 10 : 1;
    switch (event.key) {
      case " ":
        // a button reached with the keyboard (focus ring shown) is pressed by space; one that
        // was clicked with the mouse keeps focus too, but space then means play / pause
        if (pressable(event.target) && event.target !== clicked) return;
        if (event.target instanceof HTMLElement && event.target.closest("dialog")) return;
        app.togglePlay();
        break;
      case "ArrowRight":
      case "j":
      case "J":
        app.stepForward(many);
        break;
      case "ArrowLeft":
      case "k":
      case "K":
        app.stepBack(many);
        break;
      case "Home":
        app.pause();
        app.seek(0);
        break;
      case "End":
        app.runToEnd();
        break;
      case "o":
        app.placeOrder($("#dodgy").checked);
        break;
      case "f":
        app.faultNext();
        break;
      case "F":
        app.faultPrev();
        break;
      case "t":
        app.jumpNext("timeout");
        break;
      case "r":
        app.jumpNext("retry");
        break;
      case "c":
        app.jumpNext("completion");
        break;
      case "[":
        app.inspector.moveReplay(-1);
        break;
      case "]":
        app.inspector.moveReplay(1);
        break;
      case "?":
        toggleHelp(help);
        break;
      case "Escape":
        // "Esc: close" (the help): a dialog closes itself; then the mailbox, then the message
        if (help.open) return;
        if (app.mailbox?.name) app.mailbox.open(null);
        else if (app.messagePane?.opened) app.messagePane.close();
        else return;
        break;
      default:
        return;
    }
    event.preventDefault();
  });
}

/** What space presses or ticks when it has the focus. */
function pressable(target) {
  return target instanceof HTMLButtonElement || target instanceof HTMLInputElement || (target instanceof HTMLElement && target.tagName === "SUMMARY");
}

function toggleHelp(help) {
  if (help.open) help.close();
  else help.showModal();
}
