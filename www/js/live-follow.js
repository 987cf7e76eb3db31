// Following a live kitchen as it runs: an address with `?live=ws://127.0.0.1:PORT` (the
// NATS server's WebSocket listener; `&config=` JSON, the kitchen's config, optional) opens
// an empty observed run and adds each message the kitchen's stream (KITCHEN, subjects
// kitchen.>) delivers, with its publisher from the headers. While the time control is at
// the newest step it moves with what arrives; moved back, it stays (time travel over what
// has arrived). A lost connection is tried again from the next stream position.

import { NatsWs, followStream } from "./nats-ws.js";
import { followObserved, guard, errorText, engineDead, parseJson } from "./engine.js";
import { configDiff } from "./url-state.js";

const STATES = {
  connecting: "connecting…",
  waiting: "waiting for the kitchen's stream",
  following: "connected",
  lost: "connection lost, trying again…",
  stopped: "stopped",
};

/** The `?live=` address of the page, or null: { url, config }. Throws on a bad one. */
export function liveAddress(search = location.search) {
  const params = new URLSearchParams(search);
  const url = params.get("live");
  if (url === null) return null;
  if (!/^wss?:\/\/[^\s/]+/.test(url)) throw new Error(`?live= must be a WebSocket address such as ws://127.0.0.1:8443, got ${JSON.stringify(url.slice(0, 80))}`);
  const text = params.get("config");
  let config = {};
  if (text !== null) {
    try { config = parseJson(text); } catch (error) { throw new Error(`the live kitchen's config (&config=) is not JSON: ${errorText(error)}`); }
  }
  return { url, config };
}

export class LiveFollow {
  constructor(app, { url, config }) {
    this.app = app;
    this.url = url;
    this.config = config;
    this.state = "connecting";
    this.next = 1; // the next stream position wanted
    this.nats = null;
    this.stopped = false;
  }

  stateText() {
    return STATES[this.state] ?? this.state;
  }

  /** Open an empty observed run and follow the kitchen into it. */
  start() {
    const app = this.app;
    this.sim = guard(() => followObserved(this.config));
    if (!this.sim) throw new Error("the engine is not available");
    app.adopt(this.sim, configDiff(guard(() => this.sim.config()), app.defaults));
    app.live = this;
    this.connect();
  }

  async connect() {
    while (!this.stopped && this.current()) {
      this.set(this.next > 1 ? "lost" : "connecting");
      const nats = new NatsWs(this.url, { onClose: () => this.closed(nats) });
      try {
        await nats.connect();
        this.nats = nats;
        for (;;) {
          try {
            await followStream(nats, { stream: "KITCHEN", filter: "kitchen.>", from: this.next, onMessage: (m, seq) => this.take(m, seq) });
            break;
          } catch (error) {
            if (!error.notFound || nats.closed) throw error;
            this.set("waiting");
            await sleep(500);
          }
        }
        this.set("following");
        return;
      } catch (error) {
        nats.close();
        this.lastError = errorText(error);
        await sleep(1000);
      }
    }
  }

  /** The connection ended: try again unless the page stopped following. */
  closed(nats) {
    if (nats !== this.nats || this.stopped) return;
    this.nats = null;
    if (this.current()) this.connect();
  }

  /** Whether the page still shows this follower's run. */
  current() {
    if (this.app.sim === this.sim && !engineDead()) return true;
    this.stop();
    return false;
  }

  /** One message of the stream: into the run; the time control follows the newest step. */
  take(message, seq) {
    if (!this.current()) return;
    if (seq !== null && seq < this.next) return;
    const sim = this.sim;
    const app = this.app;
    const role = message.headers.get("Brigade-Role") ?? "";
    const actor = message.headers.get("Brigade-Publisher") ?? "";
    try {
      const atHead = guard(() => sim.currentStep() === sim.totalSteps());
      const added = guard(() => sim.append(message.text(), role, actor));
      if (added && atHead && !app.playing) guard(() => sim.seek(sim.totalSteps()));
    } catch (error) {
      app.showError(`A message of the live kitchen could not be read (stream position ${seq}): ${errorText(error)}. The messages before it stay.`);
    }
    if (seq !== null) this.next = seq + 1;
    app.changed();
  }

  set(state) {
    this.state = state;
    this.app.changed();
  }

  /** Stop following: the run keeps what arrived, and becomes a finished record. */
  stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.state = "stopped";
    this.nats?.close();
    if (this.app.sim === this.sim) {
      guard(() => this.sim.stopFollowing());
      this.app.changed();
    }
    // the banner keeps saying what was followed while its run is shown
    if (this.app.live === this && this.app.sim !== this.sim) this.app.live = null;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
