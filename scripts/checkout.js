// Checkout, composed from five WASM handlers. Input:
//   {"token": "demo-token-alice", "items": [{"sku": "MUG-01", "qty": 2}], "payment": "card", "allow_guest": false}
export default function (input) {
  // 1. Who is buying? A bad token may still check out as a guest when the caller allows it.
  var auth = host.call("auth", { path: "/verify", body: { token: input.token } });
  if (auth.status === 401 && input.allow_guest) {
    return host.call("guest-checkout", { body: { items: input.items } });
  }
  if (auth.status !== 200) {
    return { error: "Unauthorized", status: 401 };
  }

  // 2. Is everything in stock, and what does it cost?
  var stock = host.call("inventory", { path: "/check", body: { items: input.items } });
  if (stock.status !== 200) {
    return { error: "Inventory check failed", detail: stock.body, status: 502 };
  }
  if (!stock.body.available) {
    return { error: "Items unavailable", unavailable: stock.body.missing, status: 422 };
  }

  // 3. Charge, retrying only while the payment provider is unavailable (503).
  var payment;
  for (var attempt = 1; attempt <= 3; attempt++) {
    payment = host.call("payment", { path: "/charge", body: { amount: stock.body.total, method: input.payment } });
    if (payment.status !== 503) break;
  }
  if (payment.status !== 200) {
    return { error: "Payment failed", attempts: attempt > 3 ? 3 : attempt, status: 402 };
  }

  // 4. Record the order.
  var order = host.call("orders", {
    path: "/create",
    body: { userId: auth.body.userId, items: input.items, paymentId: payment.body.id }
  });
  if (order.status !== 201) {
    return { error: "Order could not be created", detail: order.body, status: 502 };
  }

  // 5. Tell the customer; a failed notification does not undo a paid order.
  var note = host.call("notifications", {
    path: "/send",
    body: { type: "order_confirmation", orderId: order.body.id, email: auth.body.email }
  });
  if (note.status !== 202) {
    console.warn("confirmation for order " + order.body.id + " not queued: " + note.status);
  }

  return { orderId: order.body.id, total: stock.body.total, status: 201 };
}
