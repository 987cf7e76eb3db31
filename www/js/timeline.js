// Time control: step buttons, play/pause and speed, the timeline slider, the simulated
// clock and the progress of a run still being computed.

import { $, setText, setFlag, formatMs, formatInt } from "./dom.js";

export class TimelineView {
  constructor(app) {
    this.app = app;
    this.slider = $("#timeline");
    $("#step-forward").addEventListener("click", () => app.stepForward());
    $("#step-back").addEventListener("click", () => app.stepBack());
    $("#play").addEventListener("click", () => app.play());
    $("#pause").addEventListener("click", () => app.pause());
    $("#run-to-end").addEventListener("click", () => app.runToEnd());
    $("#fault-prev").addEventListener("click", () => app.faultPrev());
    $("#fault-next").addEventListener("click", () => app.faultNext());
    for (const kind of ["timeout", "retry", "completion"]) $(`#next-${kind}`).addEventListener("click", () => app.jumpNext(kind));
    $("#speed").addEventListener("change", (e) => app.setSpeed(e.target.value));
    $("#place-order").addEventListener("click", () => app.placeOrder($("#dodgy").checked));
    $("#live-version").addEventListener("change", (e) => app.setProcessVersion(Number(e.target.value)));
    $("#migrate-all").addEventListener("click", () => app.migrate(null, Number($("#live-version").value)));
    // dragging the slider seeks once per frame, whatever the input rate, to the step it was
    // dragged to: a render in between (the run growing, a scan ending) sets the slider back
    // to the cursor, so the wish is kept here, not read back from the slider
    this.wanted = null;
    this.slider.addEventListener("input", () => {
      app.pause();
      const pending = this.wanted !== null;
      this.wanted = Number(this.slider.value);
      if (pending) return;
      requestAnimationFrame(() => { const step = this.wanted; this.wanted = null; app.seek(step); });
    });
  }

  update(frame) {
    const slider = this.slider;
    if (slider.max !== String(frame.total)) slider.max = String(frame.total);
    // a drag not yet sought keeps its thumb where the pointer is
    if (this.wanted === null && slider.value !== String(frame.cursor)) slider.value = String(frame.cursor);
    const valueText = `step ${frame.cursor} of ${frame.total}`;
    if (slider.getAttribute("aria-valuetext") !== valueText) slider.setAttribute("aria-valuetext", valueText);
    setText($("#current-step"), frame.cursor);
    setText($("#total-steps"), frame.total);
    setText($("#message-count"), frame.count);
    setText($("#clock"), formatMs(frame.nowMs));
    setFlag($("#play"), "hidden", frame.playing);
    setFlag($("#pause"), "hidden", !frame.playing);
    const atEnd = frame.cursor >= frame.total && frame.idle;
    setFlag($("#step-forward"), "disabled", atEnd);
    setFlag($("#run-to-end"), "disabled", atEnd);
    setFlag($("#step-back"), "disabled", frame.cursor === 0);
    // faults so far: counted when paused (while playing the count would flicker past)
    if (!frame.playing) {
      const n = frame.faults().length;
      setText($("#fault-count"), `${formatInt(n)} ⚠`);
      const title = `${formatInt(n)} lost or duplicated deliveries up to this step (the Faults tab lists them)`;
      if ($("#fault-count").title !== title) $("#fault-count").title = title;
    }
    // the definition version new orders get, as the engine has it at the cursor
    const live = $("#live-version");
    if (frame.processVersion !== null && document.activeElement !== live && live.value !== String(frame.processVersion)) {
      live.value = String(frame.processVersion);
    }
    // beside it, the move of the live orders to that version (a migration, issue 23)
    const all = $("#migrate-all");
    const title = `Move every live pay-last order to v${live.value} now (a migration): each one the house would have decided ` +
      `the same way so far under v${live.value} moves; the engine refuses when none can, since the past cannot change`;
    if (all.title !== title && all.dataset.observed !== "not-applicable") {
      all.title = title;
      setText(all, `move live orders to v${live.value}`);
    }
    const progress = $("#progress");
    setFlag(progress, "hidden", !frame.computing);
    if (frame.computing) setText($("#progress-text"), `computing the run… ${formatInt(frame.total)} steps so far`);
  }
}
