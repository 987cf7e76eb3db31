// The tour's progress, kept in localStorage: the chapter and stop reached, the chapters
// done, whether the tour was started or its offer dismissed.

const STORE = "brigade.tour";

/** The progress saved in this browser ({} when none, or unreadable). */
export function loadProgress() {
  try {
    const data = JSON.parse(localStorage.getItem(STORE) ?? "{}");
    return data && typeof data === "object" && !Array.isArray(data) ? data : {};
  } catch {
    return {};
  }
}

export function saveProgress(progress) {
  try {
    localStorage.setItem(STORE, JSON.stringify(progress));
  } catch {
    // storage full or disabled: the tour works, it only forgets
  }
}
