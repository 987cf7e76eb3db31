// Keyboard: space play/pause, ←/→ and j/k step, Home/End, o order, [ ] replay, ? help.

import { $ } from "./dom.js";

function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !["checkbox", "range", "button", "radio", "file"].includes(target.type);
}

export function bindKeys(app) {
  const help = $("#help");
  $("#help-toggle").addEventListener("click", () => toggleHelp(help));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    if (help.open && event.key !== "?" && event.key !== "Escape") return;
    const many = event.shiftKey ? 10 : 1;
    switch (event.key) {
      case " ":
        if (event.target instanceof HTMLButtonElement) return; // space presses the button
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
      case "[":
        app.inspector.moveReplay(-1);
        break;
      case "]":
        app.inspector.moveReplay(1);
        break;
      case "?":
        toggleHelp(help);
        break;
      default:
        return;
    }
    event.preventDefault();
  });
}

function toggleHelp(help) {
  if (help.open) help.close();
  else help.showModal();
}
