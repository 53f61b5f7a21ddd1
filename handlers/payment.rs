//! payment - charges a demo payment method (checkout demo).
//!
//!   POST /charge  {"amount": 2500, "method": "card"}
//!     200 {"id":"p-xxxxxxxx"}                  any method not in OUTCOMES ("card", "wallet", ...)
//!     402 {"error":"payment declined"}         method "declined"
//!     503 {"error":"payment provider unavailable, retry later"} (with Retry-After: 1)  method "unavailable"
//!     400 {"error":"..."}  body not JSON or not an object; amount missing, not a number or negative;
//!                          method not a non-empty string
//!   amount is in integer cents like inventory's total (any non-negative number is accepted).
//!   id = "p-" + 8 lower-case hex digits of the 32-bit FNV-1a hash of {"amount":<amount>,"method":<method>}
//!   (compact; amount in shortest form, so 2500 and 2500.0 give the same id). Nothing is stored.
//!   another path: 404; another method on /charge: 405 (with Allow: POST).
#[path = "lib/json.rs"]
mod json;
#[path = "lib/wagi.rs"]
mod wagi;

use json::Value;
use wagi::{Reply, Request};

/// Methods that fail, with the status and message they fail with; every other method is approved.
const OUTCOMES: &[(&str, u16, &str)] = &[
    ("declined", 402, "payment declined"),
    ("unavailable", 503, "payment provider unavailable, retry later"),
];

fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(2166136261u32, |hash, &b| (hash ^ b as u32).wrapping_mul(16777619))
}

fn handle(request: &Request) -> Result<Reply, Reply> {
    request.route("POST", "/charge")?;
    let body = request.json_object()?;
    let amount = body.get("amount").and_then(Value::as_f64).filter(|a| a.is_finite() && *a >= 0.0);
    let amount = amount.ok_or_else(|| Reply::error(400, "amount must be a non-negative number"))?;
    let method = body.get("method").and_then(Value::as_text);
    let method = method.ok_or_else(|| Reply::error(400, "method must be a non-empty string"))?;

    if let Some(&(_, status, message)) = OUTCOMES.iter().find(|(name, _, _)| *name == method) {
        let reply = Reply::error(status, message);
        return Err(if status == 503 { reply.header("Retry-After", "1") } else { reply });
    }
    // "+ 0.0" turns -0 into 0, so both give one id
    let canonical = format!("{{\"amount\":{},\"method\":{}}}", amount + 0.0, json::quote(method));
    let id = format!("p-{:08x}", fnv1a32(canonical.as_bytes()));
    Ok(Reply::json(200, format!("{{\"id\":{}}}", json::quote(&id))))
}

fn main() {
    wagi::run(handle)
}
