// A small NATS client over WebSocket, for the page to follow a live kitchen: only what
// reading a JetStream stream from its start needs — the protocol verbs CONNECT, PING/PONG,
// SUB, UNSUB, PUB, MSG and HMSG (a message with headers), and one JetStream API request
// that makes an ephemeral push consumer delivering the stream to a subscription of ours.
// The protocol is text lines ending in CRLF, each MSG/HMSG line followed by its bytes
// (https://docs.nats.io/reference/reference-protocols/nats-protocol); a WebSocket frame
// may hold part of a message or several, so bytes are gathered until one is whole.

const CRLF = "\r\n";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One delivered message: subject, reply subject, headers (a Map), payload text. */
export class NatsMessage {
  constructor(subject, reply, headers, data) {
    this.subject = subject;
    this.reply = reply;
    this.headers = headers;
    this.data = data;
  }

  /** The payload as text. */
  text() {
    return decoder.decode(this.data);
  }

  /** The stream position of a JetStream delivery, read from its reply subject ($JS.ACK.…). */
  streamSequence() {
    const t = (this.reply ?? "").split(".");
    if (t[0] !== "$JS" || t[1] !== "ACK") return null;
    // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.… or, with a domain and account, two tokens more
    const n = Number(t.length >= 11 ? t[7] : t[5]);
    return Number.isSafeInteger(n) ? n : null;
  }
}

/** A connection to a NATS server's WebSocket listener. */
export class NatsWs {
  /** `onClose(reason)` is called once when the connection ends. */
  constructor(url, { onClose = () => {}, name = "brigade page" } = {}) {
    this.url = url;
    this.name = name;
    this.onClose = onClose;
    this.subs = new Map();
    this.nextSid = 1;
    this.buffer = new Uint8Array(0);
    this.pongs = [];
    this.closed = false;
    this.inbox = `_INBOX.${randomToken()}`;
  }

  /** Open the socket and greet the server; resolves once it answered a PING. */
  connect(timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WebSocket(this.url);
      } catch (error) {
        reject(new Error(`cannot open ${this.url}: ${error.message}`));
        return;
      }
      this.ws = ws;
      ws.binaryType = "arraybuffer";
      const timer = setTimeout(() => { reject(new Error(`no answer from ${this.url} in ${timeoutMs} ms`)); this.close(); }, timeoutMs);
      let greeted = false;
      this.onInfo = () => {
        if (greeted) return;
        greeted = true;
        const connect = { verbose: false, pedantic: false, headers: true, no_responders: true, protocol: 1, lang: "brigade-page", version: "1", name: this.name };
        this.send(`CONNECT ${JSON.stringify(connect)}${CRLF}`);
        this.ping().then(() => { clearTimeout(timer); resolve(this); }, reject);
      };
      ws.onmessage = (event) => this.receive(new Uint8Array(event.data instanceof ArrayBuffer ? event.data : encoder.encode(String(event.data))));
      ws.onerror = () => { clearTimeout(timer); reject(new Error(`cannot reach a NATS WebSocket listener at ${this.url}`)); };
      ws.onclose = () => { clearTimeout(timer); this.ended("the connection closed"); };
    });
  }

  /** Resolves when the server answers. */
  ping() {
    return new Promise((resolve) => { this.pongs.push(resolve); this.send(`PING${CRLF}`); });
  }

  /** Subscribe `handler(message)` to `subject`; returns the subscription id. */
  subscribe(subject, handler) {
    const sid = this.nextSid++;
    this.subs.set(sid, handler);
    this.send(`SUB ${subject} ${sid}${CRLF}`);
    return sid;
  }

  unsubscribe(sid) {
    this.subs.delete(sid);
    this.send(`UNSUB ${sid}${CRLF}`);
  }

  /** Publish `text` to `subject`, answers going to `reply`. */
  publish(subject, text, reply = "") {
    const bytes = encoder.encode(text);
    this.send(`PUB ${subject}${reply ? ` ${reply}` : ""} ${bytes.length}${CRLF}`, bytes, encoder.encode(CRLF));
  }

  /** A request: publish to `subject` and resolve with the first answer (a NatsMessage). */
  request(subject, text, timeoutMs = 5000) {
    const reply = `${this.inbox}.${this.nextSid}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.unsubscribe(sid); reject(new Error(`no answer to ${subject}`)); }, timeoutMs);
      const sid = this.subscribe(reply, (m) => { clearTimeout(timer); this.unsubscribe(sid); resolve(m); });
      this.publish(subject, text, reply);
    });
  }

  close() {
    if (this.closed) return;
    // a close frame with a status: nats-server echoes the one it gets, and echoes "none" as
    // the reserved 1005, which the browser reports as a broken frame
    try { this.ws?.close(1000, "done"); } catch { /* closing anyway */ }
    this.ended("closed");
  }

  ended(reason) {
    if (this.closed) return;
    this.closed = true;
    this.onClose(reason);
  }

  send(...parts) {
    if (this.closed || this.ws?.readyState !== WebSocket.OPEN) return;
    const bytes = parts.map((p) => (typeof p === "string" ? encoder.encode(p) : p));
    const all = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of bytes) { all.set(b, at); at += b.length; }
    this.ws.send(all);
  }

  /** Gather bytes and handle every whole protocol message in them. */
  receive(chunk) {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    let at = 0;
    for (;;) {
      const end = indexOfCrlf(joined, at);
      if (end < 0) break;
      const line = decoder.decode(joined.subarray(at, end));
      const [verb, ...args] = line.split(" ").filter(Boolean);
      const body = end + 2;
      if (verb === "MSG" || verb === "HMSG") {
        const headed = verb === "HMSG";
        const total = Number(args[args.length - 1]);
        if (joined.length < body + total + 2) break; // the rest of it is in a later frame
        const headerBytes = headed ? Number(args[args.length - 2]) : 0;
        const [subject, sidText] = args;
        const reply = args.length === (headed ? 5 : 4) ? args[2] : null;
        const headers = headed ? parseHeaders(decoder.decode(joined.subarray(body, body + headerBytes))) : new Map();
        const data = joined.slice(body + headerBytes, body + total);
        at = body + total + 2;
        this.subs.get(Number(sidText))?.(new NatsMessage(subject, reply, headers, data));
        continue;
      }
      at = body;
      if (verb === "PING") this.send(`PONG${CRLF}`);
      else if (verb === "PONG") this.pongs.shift()?.();
      else if (verb === "INFO") this.onInfo?.();
      else if (verb === "-ERR") this.lastError = line.slice(5);
    }
    this.buffer = joined.slice(at);
  }
}

function indexOfCrlf(bytes, from) {
  for (let i = from; i + 1 < bytes.length; i++) if (bytes[i] === 13 && bytes[i + 1] === 10) return i;
  return -1;
}

/** "NATS/1.0 [status]\r\nKey: value\r\n…" → Map (status under ":status"; keys as sent). */
function parseHeaders(text) {
  const lines = text.split(CRLF);
  const headers = new Map();
  const status = lines[0].slice("NATS/1.0".length).trim();
  if (status) headers.set(":status", status);
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

function randomToken() {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Follow the JetStream stream `stream` (subjects `filter`) from position `from` (1: its
 * start): an ephemeral push consumer, no acknowledgements, delivering to a subscription of
 * ours. `onMessage(message, sequence)` gets each one in stream order. Throws with the
 * server's reason when the consumer cannot be made (`notFound` set when there is no such
 * stream yet).
 */
export async function followStream(nats, { stream, filter, from = 1, onMessage }) {
  const deliver = `${nats.inbox}.deliver`;
  nats.subscribe(deliver, (m) => {
    if (m.headers.get(":status")) return; // a heartbeat or flow-control note, not a message
    onMessage(m, m.streamSequence());
  });
  const config = { deliver_subject: deliver, ack_policy: "none", filter_subject: filter, replay_policy: "instant",
    ...(from > 1 ? { deliver_policy: "by_start_sequence", opt_start_seq: from } : { deliver_policy: "all" }) };
  const answer = await nats.request(`$JS.API.CONSUMER.CREATE.${stream}`, JSON.stringify({ stream_name: stream, config }));
  let reply;
  try { reply = JSON.parse(answer.text()); } catch { reply = null; }
  if (!reply || reply.error) {
    const error = new Error(reply?.error?.description ?? `the server did not make a consumer of ${stream}`);
    error.notFound = reply?.error?.code === 404;
    throw error;
  }
  return reply;
}
