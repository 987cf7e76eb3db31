// Bringing what an action moved or opened into view: an action that moves time or opens
// something (a failure of the exercise, a message) scrolls the page to it and moves the
// keyboard focus there, below the sticky time control, on a desktop and on a phone.

/** The height the sticky time control covers at the top of the viewport once stuck there. */
function coveredTop() {
  const controls = document.querySelector(".controls");
  if (!controls || getComputedStyle(controls).position !== "sticky") return 0;
  // on a phone its first rows scroll away (keepStepsInView): only the rest covers the page
  const hidden = -parseFloat(getComputedStyle(controls).top) || 0;
  return controls.getBoundingClientRect().height - Math.max(0, hidden);
}

/**
 * On a phone, the time control's rows above its step buttons (placing orders, faults and
 * jumps) scroll away with the page and only the steps and the timeline stay stuck: the
 * control's sticky `top` is minus those rows' height, measured as the layout changes.
 */
export function keepStepsInView() {
  const controls = document.querySelector(".controls");
  const steps = controls?.querySelector(".control-group[aria-label=Steps]");
  if (!controls || !steps) return;
  const measure = () => {
    const phone = matchMedia("(max-width: 600px)").matches;
    const above = phone ? Math.max(0, steps.offsetTop - 4) : 0;
    const value = `${above}px`;
    if (controls.style.getPropertyValue("--controls-scroll") !== value) controls.style.setProperty("--controls-scroll", value);
  };
  new ResizeObserver(measure).observe(controls);
  measure();
}

/** Whether `element`'s top part (at least 80 px or all of it) is visible. */
function inView(element) {
  const rect = element.getBoundingClientRect();
  const top = coveredTop();
  const needed = Math.min(rect.height, 80);
  return rect.top >= top - 1 && rect.top + needed <= window.innerHeight + 1;
}

/** Scroll the window so that `element`'s top sits just below the sticky controls. */
function scrollToTop(element) {
  const y = window.scrollY + element.getBoundingClientRect().top - coveredTop() - 6;
  window.scrollTo({ top: Math.max(0, y), behavior: "instant" });
}

/**
 * Bring `element` into view and focus it (or `focus`, an element inside it). The panels
 * come first: on a wide screen the floor, the log and the message pane show together; on a
 * narrow one, where they stack, the page then scrolls on to `element` itself.
 */
export function bringIntoView(element, { focus = element } = {}) {
  if (!element || element.hidden) return;
  const panels = document.querySelector(".panels");
  if (panels && panels.contains(element)) scrollToTop(panels);
  if (!inView(element)) scrollToTop(element);
  if (!focus) return;
  // what gets the focus is what the learner reads first (a step's caption below a tall
  // floor on a phone): it is on the screen too
  if (focus !== element && !inView(focus)) focus.scrollIntoView({ block: "end", behavior: "instant" });
  if (!focus.matches("a[href], button, input, select, textarea, [tabindex]")) focus.tabIndex = -1;
  focus.focus({ preventScroll: true });
}
