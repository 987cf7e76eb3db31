// Your process manager. The house calls decide once for every message of an order,
// after replaying the order's earlier messages through it (what it sent then is not
// sent again): it must depend only on its arguments (no Math.random, no Date.now, no
// variables outside the state).
//
//   state    what you returned last time for this order (null for its first message)
//   message  { type, seq, at_ms, id, correlation_id, causation_id, ...payload }
//            e.g. { type: "OrderPlaced", order: { table, dodgy, items, expires_at_ms, ... } }
//   config   { cook_timeout_ms, price_timeout_ms, pay_timeout_ms, max_retries, version }
//
// Return { state, send }. What you can send:
//   { type: "CookFood" | "PriceOrder" | "TakePayment", order, attempt }  (attempt 1, 2, ...)
//   { type: "RefundPayment", order }
//   { type: "PublishAt", after_ms, message: { type: "StepTimedOut", step, attempt } }
//        step: "cook" | "price" | "pay" | "refund"
//   { type: "OrderCompleted", order }
//   { type: "OrderDropped", reason }   "expired" | "gave_up_cooking" | "gave_up_pricing" | "gave_up_payment"
//   { type: "MessageRejected", reason }  "duplicate" | "stale" | "after-end" | "unexpected"
// `order` is a document the order received (message.order, or one kept in your state).

function decide(state, message, config) {
  const s = state ?? { order: null };
  const send = [];
  switch (message.type) {
    case "OrderPlaced":
      s.order = message.order;
      send.push({ type: "CookFood", order: s.order, attempt: 1 });
      break;
    // FoodCooked, OrderPriced, OrderPaid, StepTimedOut, OrderExpired,
    // PaymentRefused, PaymentRefunded: your turn.
  }
  return { state: s, send };
}
