//! notifications - accepts a notification for sending (checkout demo). Nothing is sent or stored:
//! the handler validates the request, logs one line to stderr (the server log) and answers.
//!
//!   POST /send  {"type": "order-confirmation", "orderId": "o-1a2b3c4d", "email": "alice@example.com"}
//!     202 {"queued":true}
//!     400 {"error":"..."}  body not JSON or not an object; type, orderId or email not a non-empty
//!                          string; email without exactly one '@' between two non-empty parts
//!   type is free text (e.g. "order-confirmation", "order-shipped").
//!   another path: 404; another method on /send: 405 (with Allow: POST).
#[path = "lib/json.rs"]
mod json;
#[path = "lib/wagi.rs"]
mod wagi;

use json::Value;
use wagi::{Reply, Request};

const REQUIRED: [&str; 3] = ["type", "orderId", "email"];

fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(name), Some(domain), None)
        if !name.is_empty() && !domain.is_empty())
}

fn handle(request: &Request) -> Result<Reply, Reply> {
    request.route("POST", "/send")?;
    let body = request.json_object()?;
    for field in REQUIRED {
        if body.get(field).and_then(Value::as_text).is_none() {
            return Err(Reply::error(400, &format!("{} must be a non-empty string", field)));
        }
    }
    let text = |field: &str| body.get(field).and_then(Value::as_text).unwrap_or_default();
    if !is_email(text("email")) {
        return Err(Reply::error(400, "email must be an address like name@example.com"));
    }
    eprintln!("queued {} notification for order {}", text("type"), text("orderId"));
    Ok(Reply::json(202, "{\"queued\":true}".to_string()))
}

fn main() {
    wagi::run(handle)
}
