// Exercise mode's stand-in until its code is first needed: a first visit loads none of
// exercise mode's modules (its panel, editor, grader, answer checks and style sheet). The
// stand-in puts the "Exercise…" button in the top bar and the inspector's "custom (yours)"
// replay; opening the panel, a link or a run file that carries a process manager, or a run
// of one, loads exercise/panel.js, whose panel then takes the stand-in's place as
// `app.exercise`.

import { $, el } from "./dom.js";
import { isExercise } from "./exercise/is-exercise.js";

export class ExerciseLater {
  constructor(app) {
    this.app = app;
    this.loading = null;
    /** The sandbox's limits and the run's time limit, when set before the panel loads (tests): handed to it. */
    this.limits = undefined;
    this.timeoutMs = undefined;
    this.toggle = el("button", { type: "button", id: "exercise-toggle", "data-testid": "exercise-toggle",
      "aria-expanded": "false", "aria-controls": "exercise", title: "Write your own process manager and check it" }, "Exercise…");
    this.toggle.addEventListener("click", () => { if (!this.panel) this.load().then((panel) => panel?.show(true)); });
    $("#help-toggle").before(this.toggle);
    // the inspector can replay an order under the learner's code too
    $("#replay-definition")?.append(el("option", { value: "custom", text: "custom (yours)" }));
  }

  /** Load exercise mode; resolves to its panel (now `app.exercise`), or null if it failed. */
  load() {
    this.loading ??= import("./exercise/panel.js").then(async ({ ExercisePanel }) => {
      const panel = new ExercisePanel(this.app);
      if (this.limits !== undefined) panel.limits = this.limits;
      if (this.timeoutMs !== undefined) panel.timeoutMs = this.timeoutMs;
      await panel.ready; // its starting code is in the editor before anyone sees it
      this.panel = panel;
      this.app.exercise = panel;
      return panel;
    }).catch((error) => {
      this.loading = null;
      this.app.showError(`Exercise mode could not be loaded: ${error?.message ?? error}`);
      return null;
    });
    return this.loading;
  }

  /** A link carrying a process manager (exercise/panel.js fromLink). */
  async fromLink(state) {
    return (await this.load())?.fromLink(state);
  }

  /** A run file carrying a process manager (exercise/panel.js fromFile). */
  async fromFile(text, config) {
    return (await this.load())?.fromFile(text, config);
  }

  /** Called on every render: a run of the learner's process manager needs the panel. */
  update() {
    if (!this.panel && isExercise(this.app.config)) this.load();
  }
}
