// Rendering what matters first, for the views whose redraw is costly on a big run: a view
// asks `skip(frame)` before redrawing. On a run of more than BIG_RUN steps, a view in view
// redraws right after the frame that shows the step (the floor, the log and the caption
// answer the step at once; the inspector and the numbers follow a frame later, each in a
// task of its own), and a view scrolled out of
// view redraws once the browser is idle, and at once when it scrolls into view. A smaller
// run is never put off (its redraws are cheap), so what a reader (or a test) finds there
// after a step is always up to date.

/** Runs of more steps than this redraw their off-screen views later. */
export const BIG_RUN = 100_000;

export class Offscreen {
  /** `element`: what the view draws into; `redraw()`: redraw the view now (its update with the App's frame). */
  constructor(element, redraw) {
    this.redraw = redraw;
    this.visible = true;
    this.owed = false;
    this.idle = null;
    this.next = null;
    this.forced = false;
    if (element && typeof IntersectionObserver === "function") {
      new IntersectionObserver((entries) => {
        this.visible = entries.some((e) => e.isIntersecting);
        if (this.visible && this.owed) this.pay();
      }).observe(element);
    }
  }

  /** Whether to put off a redraw of `frame` (the App's); if so it is owed. */
  skip(frame) {
    if (this.forced) { this.forced = false; return false; }
    if (!(frame.total > BIG_RUN)) return false;
    this.owed = true;
    if (this.visible) {
      // after this frame is drawn: a task posted from its animation callbacks runs after its
      // style, layout and paint
      if (this.next === null) {
        this.next = requestAnimationFrame(() => setTimeout(() => { this.next = null; if (this.owed) this.pay(); }, 0));
      }
      return true;
    }
    if (this.idle === null) {
      const later = typeof requestIdleCallback === "function"
        ? (fn) => requestIdleCallback(fn, { timeout: 1000 })
        : (fn) => setTimeout(fn, 200);
      this.idle = later(() => { this.idle = null; if (this.owed) this.pay(); });
    }
    return true;
  }

  pay() {
    this.owed = false;
    this.forced = true;
    this.redraw();
  }
}
