// The preview of a migration (issue 23), in the process manager tab above the replay's
// table: for a live order replayed under another version of its own definition, the
// engine's verdict on moving it there now (`migrationRefusal`) beside the decisions the
// table marks as differing, and the move itself (the input MigrateOrder, through
// App.migrate). The choice made visible: the past cannot change, so a version that would
// have decided a message the house already handled differently is refused, with the
// engine's reason.

import { $, setText, setFlag } from "./dom.js";
import { wordsOf, isObservedRun } from "./engine.js";

export class MigrationPreview {
  /** `moved()` is called once a move applied (the inspector replays the order again). */
  constructor(app, moved) {
    this.app = app;
    /** Whether the box is shown: its verdict then depends on the step. */
    this.shown = false;
    $("#migrate-apply").addEventListener("click", () => this.apply(moved));
  }

  /** Nothing to preview (no order, or not one the house runs). */
  hide() {
    this.shown = false;
    setFlag($("#migrate"), "hidden", true);
  }

  /**
   * Show the preview for `order` (an OrderView) at the cursor; `stream` is its messages,
   * `replay` the replay the table shows (under the definition and version chosen above).
   */
  update(order, stream, replay) {
    const app = this.app;
    // a recorded run cannot be changed: its orders ran the version they ran
    const live = Boolean(order?.definition) && order.definition !== "custom" && order.status === "in-progress" && !isObservedRun(app.sim);
    if (!live) { this.hide(); return; }
    this.shown = true;
    const box = $("#migrate");
    const apply = $("#migrate-apply");
    const refusalText = $("#migrate-refusal");
    setFlag(box, "hidden", false);
    const definition = $("#replay-definition").value;
    const version = Number($("#replay-version").value);
    const w = wordsOf(app.sim);
    const moved = (stream ?? []).filter((m) => w.meaning(m.type) === "migrated").at(-1);
    const since = moved ? ` (moved at #${moved.seq}: ${moved.summary})` : "";
    box.dataset.state = "idle";
    setFlag(refusalText, "hidden", true);
    setFlag(apply, "hidden", true);
    if (definition !== order.definition || version === order.version) {
      setText($("#migrate-title"), `Order #${order.order} is live on ${order.definition} v${order.version}${since}.`);
      setText($("#migrate-text"), definition !== order.definition
        ? `A migration keeps the order's definition: choose ${order.definition} and another version above to preview moving it there.`
        : "Choose another version above to preview moving it there (a migration): the table shows what that version would have decided.");
      return;
    }
    const refusal = app.call(() => app.sim.migrationRefusal(order.order, version), null);
    const step = app.call(() => app.sim.currentStep(), 0);
    const question = `Move order #${order.order} from v${order.version} to v${version} at step ${step}?`;
    box.dataset.state = refusal ? "refused" : "allowed";
    if (refusal) {
      setText($("#migrate-title"), `${question} Refused.`);
      setText($("#migrate-text"), `A move is allowed only when v${version} would have decided every message the house has ` +
        `already handled the same way v${order.version} did: what was sent cannot be taken back (the past cannot change).`);
      setText(refusalText, `Why not now: ${refusal}.`);
      setFlag(refusalText, "hidden", false);
    } else {
      const differing = (replay?.steps ?? []).filter((s) => s.same_as_history === false).length;
      setText($("#migrate-title"), question);
      setText($("#migrate-text"), `Yes: v${version} decides every message the house has handled so far the same way v${order.version} did` +
        `${differing ? ` (a row marked ≠ is one the house has not handled yet: v${version} will decide it)` : ""}, ` +
        `so nothing already sent needs undoing. From then on the house decides this order under v${version} and announces ` +
        `${w.typeMeaning("migrated") ?? "that it moved"}.`);
    }
    setText(apply, `Move order #${order.order} to v${version}`);
    setFlag(apply, "hidden", false);
    setFlag(apply, "disabled", Boolean(refusal));
    apply.dataset.order = String(order.order);
    apply.dataset.version = String(version);
  }

  /** The previewed move, as an input of the run; then `moved()`. */
  apply(moved) {
    const button = $("#migrate-apply");
    const order = Number(button.dataset.order);
    const version = Number(button.dataset.version);
    if (!order || !version || button.disabled) return;
    if (this.app.migrate(order, version) !== undefined) moved();
  }
}
