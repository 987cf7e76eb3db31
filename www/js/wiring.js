// The floor as a map: the run's wiring (wiring().links, role to role) drawn as faint
// permanent links between the actor boxes, the current step's messages lit on their links, a
// message count on each link, and — with a pay-first order selected — the links that differ
// from pay-last marked.

import { svg } from "./dom.js";

const CHECKPOINT = 5000; // keep the counts every this many messages, so moving back is cheap
const CHUNK = 2000;

/** Messages published per `${publisher}|${type}`, counted incrementally up to a cursor. */
export class MessageCounter {
  constructor() { this.reset(-1); }
  reset(gen) { this.gen = gen; this.upto = 0; this.counts = new Map(); this.checkpoints = [{ upto: 0, counts: new Map() }]; }

  /** Count the history up to `count` messages for at most `budgetMs`; true once complete. */
  ensure(app, gen, count, budgetMs) {
    if (gen !== this.gen) this.reset(gen);
    if (count < this.upto) {
      let i = this.checkpoints.length - 1;
      while (this.checkpoints[i].upto > count) i--;
      this.checkpoints.length = i + 1;
      this.upto = this.checkpoints[i].upto;
      this.counts = new Map(this.checkpoints[i].counts);
    }
    const start = performance.now();
    // the engine counts a slice itself (publishedCounts) instead of handing over every message
    const counted = typeof app.sim.publishedCounts === "function";
    const chunk = counted ? CHECKPOINT : CHUNK;
    while (this.upto < count) {
      if (performance.now() - start > budgetMs) return false;
      const next = Math.min(count, this.upto + chunk, (Math.floor(this.upto / CHECKPOINT) + 1) * CHECKPOINT);
      if (counted) {
        const slice = app.call(() => app.sim.publishedCounts(this.upto, next), null);
        if (!slice) break;
        for (const c of slice) {
          const key = `${c.publisher}|${c.type}`;
          this.counts.set(key, (this.counts.get(key) ?? 0) + c.count);
        }
        this.upto = next;
      } else {
        const slice = app.call(() => app.sim.messages(this.upto, next), []) ?? [];
        if (!slice.length) break;
        for (const m of slice) {
          const key = `${m.publisher}|${m.type}`;
          this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        }
        this.upto = slice[slice.length - 1].seq + 1;
      }
      if (this.upto % CHECKPOINT === 0 && this.checkpoints[this.checkpoints.length - 1].upto < this.upto) {
        this.checkpoints.push({ upto: this.upto, counts: new Map(this.counts) });
      }
    }
    return true;
  }

  /** How many messages counting up to `count` would read. */
  gap(gen, count) {
    if (gen !== this.gen) return count;
    if (count >= this.upto) return count - this.upto;
    let i = this.checkpoints.length - 1;
    while (this.checkpoints[i].upto > count) i--;
    return count - this.checkpoints[i].upto;
  }

  of(publisher, type) { return this.counts.get(`${publisher}|${type}`) ?? 0; }
}

/**
 * The drawn links: one per wiring link and pair of boxes (a link to or from a staffed role
 * is drawn to each of its actors). `boxesOf(role)` gives the actor names standing for a
 * role. A link is `handsOn` when its sender receives the same type and passes it on (the
 * dispatcher's to the cooks): its sender did not publish what it carries.
 */
export function expandLinks(wiring, boxesOf) {
  const out = [];
  const links = wiring?.links ?? [];
  for (const link of links) {
    const handsOn = handsOnLink(links, link);
    for (const from of boxesOf(link.from)) {
      for (const to of boxesOf(link.to)) {
        if (from !== to) out.push({ ...link, handsOn, fromBox: from, toBox: to });
      }
    }
  }
  // links between the same two boxes fan out: each gets its own bend
  const seen = new Map();
  for (const l of out) {
    const pair = [l.fromBox, l.toBox].sort().join("|");
    const k = seen.get(pair) ?? 0;
    seen.set(pair, k + 1);
    l.lane = k;
  }
  return out;
}

/** Whether `link`'s sender passes on what it receives of the same type (see expandLinks). */
export function handsOnLink(links, link) {
  return links.some((k) => k.to === link.from && k.type === link.type);
}

/** Whether a link for `customers` ("all", "normal", "dodgy") carries an order that is `dodgy` (unknown: any). */
export function carries(customers, dodgy) {
  return dodgy === null || dodgy === undefined || customers === "all" || (customers === "dodgy") === Boolean(dodgy);
}

/**
 * Who sends a message of `type` to an actor of role `to`, by the wiring: the publisher's
 * role when a link goes from it, else the role that hands it on (a cook hears its work
 * from the dispatcher, whoever published it). `null` when the wiring has no such link.
 */
export function senderRole(wiring, type, to, publisherRole, dodgy = null) {
  const into = (wiring?.links ?? []).filter((l) => l.to === to && l.type === type && carries(l.customers, dodgy));
  if (into.some((l) => l.from === publisherRole)) return publisherRole;
  return into.find((l) => handsOnLink(wiring.links, l))?.from ?? null;
}

/** The roles a message of `type` published by role `from` goes to, by the wiring's links. */
export function receiverRoles(wiring, type, from, dodgy = null) {
  const roles = (wiring?.links ?? []).filter((l) => l.from === from && l.type === type && carries(l.customers, dodgy)).map((l) => l.to);
  return [...new Set(roles)];
}

/** Which drawn links the step lights: the delivered message's and those of what it decided. */
export function litLinks(links, step, delivered, order) {
  const lit = new Map(); // link index -> "in" | "out"
  if (!step || step.kind === "tail") return lit;
  const fits = (l) => !order || carries(l.customers, order.dodgy);
  if (delivered) {
    links.forEach((l, i) => {
      if (l.toBox !== step.actor || l.type !== step.type || !fits(l)) return;
      // a link that hands work on (the dispatcher's to a cook) brings it; any other from the publisher
      if (l.handsOn || l.fromBox === delivered.publisher) lit.set(i, "in");
    });
  }
  for (const o of step.outputs ?? []) {
    if (o.status === "absorbed") continue;
    links.forEach((l, i) => {
      if (l.fromBox !== step.actor || l.type !== o.type || !fits(l)) return;
      if (o.status === "handed" && l.toBox !== o.to) return;
      if (!lit.has(i)) lit.set(i, "out");
    });
  }
  return lit;
}

/** The path of a link from rectangle r1 to r2, bent by its lane, round the `others` boxes. */
export function linkPath(r1, r2, lane, others = []) {
  const c1 = { x: r1.left + r1.width / 2, y: r1.top + r1.height / 2 };
  const c2 = { x: r2.left + r2.width / 2, y: r2.top + r2.height / 2 };
  // the normal turns with the direction: two links the other way round bend apart
  const { p1, p2, cx, cy } = route(r1, r2, c1, c2, 10 + 14 * lane, others);
  const dx = p2.x - p1.x, dy = p2.y - p1.y;
  const len = Math.hypot(dx, dy) || 1;
  const mx = (p1.x + p2.x) / 2, my = (p1.y + p2.y) / 2;
  return { d: `M${p1.x},${p1.y} Q${cx},${cy} ${p2.x},${p2.y}`, mid: { x: (mx + cx) / 2, y: (my + cy) / 2 }, normal: { x: -dy / len, y: dx / len } };
}

/**
 * An arrow's curve from box r1 to box r2: bent a little (so arrows in opposite directions do
 * not overlap), more to go round a box standing between the two, or — when one stands right
 * in the way, as in one column — out of one side and back in along it.
 */
/** Where the segment from the centre `c` towards `other` leaves the rectangle `r`. */
function edgePoint(c, other, r) {
  const dx = other.x - c.x, dy = other.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const sx = dx === 0 ? Infinity : (r.width / 2 + 3) / Math.abs(dx);
  const sy = dy === 0 ? Infinity : (r.height / 2 + 3) / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

export function route(r1, r2, c1, c2, base, others) {
  const clear = (p1, p2, qx, qy) => {
    for (const t of [0.15, 0.3, 0.5, 0.7, 0.85]) {
      const x = (1 - t) * (1 - t) * p1.x + 2 * (1 - t) * t * qx + t * t * p2.x;
      const y = (1 - t) * (1 - t) * p1.y + 2 * (1 - t) * t * qy + t * t * p2.y;
      if (others.some((r) => x > r.left - 4 && x < r.left + r.width + 4 && y > r.top - 4 && y < r.top + r.height + 4)) return false;
    }
    return true;
  };
  const p1 = edgePoint(c1, c2, r1), p2 = edgePoint(c2, c1, r2);
  const mx = (p1.x + p2.x) / 2, my = (p1.y + p2.y) / 2;
  const dx = p2.x - p1.x, dy = p2.y - p1.y;
  const len = Math.hypot(dx, dy) || 1;
  for (const b of [base, 60, -60, 100, -100]) {
    const cx = mx - (dy / len) * b, cy = my + (dx / len) * b;
    if (clear(p1, p2, cx, cy)) return { p1, p2, cx, cy };
  }
  // one above the other (one column): out of one side and back in along it
  const sameColumn = r1.left < r2.left + r2.width && r2.left < r1.left + r1.width;
  for (const side of sameColumn ? [1, -1] : []) {
    const x1 = side > 0 ? r1.left + r1.width + 3 : r1.left - 3, x2 = side > 0 ? r2.left + r2.width + 3 : r2.left - 3;
    const s1 = { x: x1, y: c1.y }, s2 = { x: x2, y: c2.y };
    const cx = (side > 0 ? Math.max(x1, x2) : Math.min(x1, x2)) + side * 44, cy = (c1.y + c2.y) / 2;
    if (clear(s1, s2, cx, cy)) return { p1: s1, p2: s2, cx, cy };
  }
  return { p1, p2, cx: mx - (dy / len) * base, cy: my + (dx / len) * base };
}

/** One drawn link (a `wiring-link`), its count label placed by `spot(x, y, nx, ny, w, h)`. */
export function linkElement(l, geometry, { count, lit, payFirst, spot }) {
  const cls = ["wiring-link", lit ? `lit lit-${lit}` : "", payFirst ?? ""].filter(Boolean).join(" ");
  const g = svg("g", {
    class: cls, "data-testid": "wiring-link", "data-from": l.from, "data-to": l.to, "data-type": l.type,
    "data-from-actor": l.fromBox, "data-to-actor": l.toBox, "data-customers": l.customers,
    "data-lit": lit ?? null, "data-pay-first": payFirst === "pay-first-only" ? "true" : null, "data-count": count ?? null,
  },
  svg("title", { text: `${l.type}: ${l.fromBox} → ${l.toBox}${l.customers !== "all" ? ` (${l.customers === "dodgy" ? "pay-first" : "pay-last"} customers only)` : ""}${l.by_correlation ? ", followed by order" : ""}${count !== null && count !== undefined ? ` · ${count} so far` : ""}` }),
  svg("path", { d: geometry.d, class: "link-line" }));
  // nothing went this way yet: the link says so in its title, without a "0" label in the way
  if (count) {
    const text = String(count);
    const w = text.length * 6.5 + 8, h = 14;
    const at = spot(geometry.mid.x, geometry.mid.y, geometry.normal.x, geometry.normal.y, w, h);
    if (!at) return g;
    const [x, y] = at;
    g.append(svg("rect", { x: x - w / 2, y: y - h / 2, width: w, height: h, rx: 7, class: "link-count-bg" }),
      svg("text", { x, y: y + 3.5, "text-anchor": "middle", class: "link-count", "data-testid": "link-count", text }));
  }
  return g;
}
