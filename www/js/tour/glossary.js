// One line for every term of the workshop the page uses, shown on hover (`title`) and on
// focus (a `.term` is focusable and shows its `data-tip`). `applyGlossary` puts them on the
// page's own controls; `term` makes one for the tour's narration.

import { el } from "../dom.js";

/** term → its one-line explanation. */
export const TERMS = {
  message: "A small record one part of the restaurant sends another: a command (do this) or an event (this happened).",
  command: "A message that asks one receiver to do something (CookFood, TakePayment).",
  event: "A message that says something happened; whoever cares may listen (OrderPlaced, FoodCooked).",
  id: "The message's own unique id: no two messages share it.",
  correlation: "Correlation id: the id of the order a message belongs to; every message of one order carries the same one.",
  causation: "Causation id: the id of the message this one answers; it links each message to its cause.",
  queue: "The messages waiting in an actor's mailbox, handled one at a time, oldest first.",
  "single-threaded": "An actor handles one message at a time; the others wait in its queue.",
  dispatcher: "Hands each CookFood to one of the cooks, by the dispatch rule.",
  "round robin": "Dispatch in turn: Koen, Guido, Greg, Koen… whatever their queues.",
  "more fair": "Round robin that skips a cook whose queue has reached the queue limit.",
  "competing consumers": "The dispatcher keeps each order until a cook is idle: like cooks taking the next order from one shared queue.",
  throughput: "How many messages a worker takes from its queue per (simulated) second; next to the queue's length it tells whether the queue will grow.",
  "little's law": "On average, a queue's length = its throughput × how long a message waits in it.",
  "queue limit": "More fair: a cook with this many orders waiting is skipped.",
  "time to live": "An order is only worth cooking until its time to live has passed; a cook refuses it after that (OrderExpired).",
  house: "The process managers' home: it starts one process manager per order and hands it every message of that order.",
  "process manager": "One per order: it remembers where the order is and decides the next command (cook, price, pay), with timeouts and retries.",
  choreography: "No one in charge: each worker reacts to the events it hears (the cook to OrderPlaced, …).",
  commands: "Each worker is told where to send its result next (cook → assistant manager → cashier → printer).",
  "alarm clock": "Holds a PublishAt and publishes its message later: how a process manager sets a timeout.",
  timeout: "StepTimedOut: the alarm the process manager set rang before the answer came.",
  retry: "After a timeout, the process manager sends the same command again (a new message, the same order).",
  "lost delivery": "A delivery that never arrives (dropped): only a timeout notices it.",
  duplicate: "A delivery that arrives twice: the receiver must not do the work twice.",
  rejected: "MessageRejected: the process manager refused a message it did not expect (a duplicate, a late answer, one after the end).",
  dodgy: "A customer who must pay before the food is cooked (pay first).",
  "pay first": "The pay-first process: price, take payment, then cook; if cooking fails the payment is refunded.",
  "pay-last v2": "The normal process: cook, price, take payment; version 2 retries every step after a timeout.",
  "pay-last v1": "The normal process: cook, price, take payment; version 1 retries only cooking after a timeout.",
  "pay-first v2": "A dodgy customer's process: price, take payment, then cook (refund if cooking fails); v2 retries every step.",
  "pay-first v1": "A dodgy customer's process: price, take payment, then cook (refund if cooking fails); v1 retries only cooking.",
  "process managers": "The house: one process manager per order lives here.",
  refund: "RefundPayment / PaymentRefunded: a pay-first customer's money back when the order is dropped after payment.",
  version: "The process definition's version: v1 retries only cooking, v2 retries every step. Each order keeps the version it started with.",
  replay: "Run an order's stored messages through a process manager again, maybe another version, and compare its decisions.",
  "event store": "The history of every message, by order; the house rebuilds a process manager from it.",
  "idempotent store": "The store refuses a message whose id it already holds, so a duplicated answer is absorbed instead of appended.",
  "deterministic id": "An answer's id computed from what it answers, so the answer to a duplicate gets the same id as the first answer.",
  absorbed: "A message the idempotent store did not append because it already held its id.",
  "poison message": "A message its handler fails on every time it is tried (a dish nobody can cook): retried for ever, it would block its worker.",
  "dead-letter queue": "Where messages that failed every try are set aside (MessageDeadLettered), for a person to read and re-deliver once the cause is fixed.",
  durable: "Kept in the store (or a broker's durable queue), not in the actor's memory: a crash does not lose it.",
  "event sourcing": "Keeping every change as an event and rebuilding the state by reading them back: what a crash loses from memory can be read again from the store.",
};

const SELECTORS = [
  ["[data-testid=cfg-dispatch] option[value=round-robin]", "round robin"],
  ["[data-testid=cfg-dispatch] option[value=more-fair]", "more fair"],
  ["[data-testid=cfg-dispatch] option[value=competing]", "competing consumers"],
  ["[data-testid=cfg-architecture] option[value=process-manager]", "process manager"],
  ["[data-testid=cfg-architecture] option[value=choreography]", "choreography"],
  ["[data-testid=cfg-architecture] option[value=commands]", "commands"],
  ["[data-field=idempotent_store]", "idempotent store"],
  ["[data-field=queue_limit]", "queue limit"],
  ["[data-field=process_version]", "version"],
  ["[data-field=dodgy]", "dodgy"],
  ["label.check:has(#dodgy)", "dodgy"],
  ["#live-version", "version"],
  ["#replay-version", "version"],
  ["#replay-definition", "pay first"],
  ["[data-testid=tab-pm]", "process manager"],
  ["[data-testid=tab-tree]", "causation"],
  ["#fault-next", "lost delivery"],
  ["#next-timeout", "timeout"],
  ["#next-retry", "retry"],
];

/** A focusable term with its explanation (hover: title; focus: the tip). */
export function term(word, key = word) {
  const tip = TERMS[key.toLowerCase()] ?? TERMS[word.toLowerCase()];
  if (!tip) return word;
  return el("dfn", { class: "term", tabindex: "0", title: tip, "data-tip": tip, "data-term": key, text: word });
}

/** Put each known term's explanation on the page's own controls (only where none is). */
export function applyGlossary(root = document) {
  for (const [selector, key] of SELECTORS) {
    let nodes;
    try { nodes = root.querySelectorAll(selector); } catch { continue; }
    for (const node of nodes) {
      const tip = TERMS[key];
      const own = node.getAttribute("title");
      if (!own) node.setAttribute("title", tip);
      else if (!own.includes(tip)) node.setAttribute("title", `${own}. ${tip}`);
      node.dataset.term = key;
    }
  }
  // the floor's actor kinds and the log's column heads, redrawn by their views: by text
  for (const node of root.querySelectorAll(".actor-name, .actor-kind, .log-head span, .orders th, .orders td, .pm-table th")) {
    explainByText(node);
  }
}

/**
 * Give `node` the explanation of the term its text names, unless it has a title of its
 * own (one that only repeats its text does not count). A view that redraws such nodes calls
 * it as it draws them, so that what it draws equals what it drew before the glossary went
 * over the page (numbers.js keeps its rows when nothing changed).
 */
export function explainByText(node) {
  const key = node.textContent.trim().toLowerCase();
  const tip = TERMS[key] ?? TERMS[key.replace(/ id$/, "")];
  if (tip && (!node.title || node.title.trim().toLowerCase() === key)) { node.title = tip; node.dataset.term = key; }
}
