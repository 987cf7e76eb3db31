// A process manager for the restaurant: the built-in one, written as a decide function.
// Normal customers: cook, price, pay. Dodgy customers (order.dodgy): price, pay, cook.
// decide(state, message, config) returns { state, send }; state starts as null.

const FLOWS = { normal: ["cook", "price", "pay"], dodgy: ["price", "pay", "cook"] };
const COMMANDS = { cook: "CookFood", price: "PriceOrder", pay: "TakePayment" };
const GAVE_UP = { cook: "gave_up_cooking", price: "gave_up_pricing", pay: "gave_up_payment" };

function decide(state, message, config) {
  const s = state ?? {
    order: null, awaiting: null, attempt: 0, done: [], paid: false, refunding: null, outcome: null,
  };
  const send = [];
  const flow = () => (s.order && s.order.dodgy ? FLOWS.dodgy : FLOWS.normal);

  // Sends the command for a step and sets an alarm for its timeout.
  function request(step, attempt) {
    if (step === "refund") s.refunding = attempt;
    else { s.awaiting = step; s.attempt = attempt; }
    if (step === "refund") send.push({ type: "RefundPayment", order: s.order });
    else send.push({ type: COMMANDS[step], order: s.order, attempt });
    const timeout = step === "cook" ? config.cook_timeout_ms
      : step === "price" ? config.price_timeout_ms : config.pay_timeout_ms;
    // an alarm's attempt counts to 255 and stays there (refunds are asked for past it)
    send.push({ type: "PublishAt", after_ms: timeout,
      message: { type: "StepTimedOut", step, attempt: Math.min(attempt, 255) } });
  }
  function dropOrder(reason) {
    s.awaiting = null;
    s.outcome = "dropped";
    send.push({ type: "OrderDropped", reason });
    if (s.paid) request("refund", 1); // nobody pays for food they do not get
  }
  const reject = (reason) => send.push({ type: "MessageRejected", reason });
  function answered(step) {
    if (s.outcome) return reject("after-end");
    if (s.done.includes(step)) return reject("duplicate");
    if (s.awaiting !== step) return reject("stale");
    s.done.push(step);
    s.order = message.order;
    if (step === "pay") s.paid = true;
    const next = flow()[flow().indexOf(step) + 1];
    if (next) request(next, 1);
    else {
      s.awaiting = null;
      s.outcome = "completed";
      send.push({ type: "OrderCompleted", order: message.order });
    }
  }

  switch (message.type) {
    case "OrderPlaced":
      if (s.order) reject("duplicate");
      else { s.order = message.order; request(flow()[0], 1); }
      break;
    case "FoodCooked": answered("cook"); break;
    case "OrderPriced": answered("price"); break;
    case "OrderPaid":
      if (s.outcome === "dropped" && !s.paid) {
        // paid for an order already given up: give the money back
        s.paid = true;
        s.order = message.order;
        request("refund", 1);
      } else answered("pay");
      break;
    case "PaymentRefunded":
      if (s.refunding !== null) { s.refunding = null; s.paid = false; } else reject("stale");
      break;
    case "PaymentRefused": break; // the answer to a repeated request: nothing to do
    case "StepTimedOut": {
      const { step, attempt } = message;
      if (step === "refund") {
        // asked again until the cashier answers; an alarm counts to 255, then stays there
        if (Math.min(s.refunding, 255) === attempt) request("refund", s.refunding + 1);
        break;
      }
      if (s.outcome || s.awaiting !== step || s.attempt !== attempt) break; // already answered
      const expired = s.order && message.at_ms > s.order.expires_at_ms;
      const retries = config.version >= 2 || step === "cook";
      if (step === "cook" && expired) dropOrder("expired");
      else if (retries && attempt <= config.max_retries) request(step, attempt + 1);
      else dropOrder(GAVE_UP[step]);
      break;
    }
    case "OrderExpired":
      if (s.outcome) reject("after-end");
      else if (s.awaiting !== "cook" || s.attempt !== message.attempt) reject("stale");
      else if (message.attempt === 1) dropOrder("expired");
      // a later attempt refused: an earlier one may still cook; the timeout decides
      break;
    default:
      reject("unexpected");
  }
  return { state: s, send };
}
