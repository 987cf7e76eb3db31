// Whether a config runs the learner's process manager: the one thing the rest of the page
// needs to know of exercise mode before its code is loaded (exercise-later.js).

/** Whether a config runs the learner's process manager. */
export function isExercise(config) {
  return Boolean(config && config.custom_process && config.custom_process !== "off");
}
