//! guest-checkout - places an order for a shopper without an account (checkout demo).
//!
//!   POST /  any JSON body (an empty body counts as null)
//!     201 {"orderId":"g-xxxxxxxx","guest":true}
//!   orderId = "g-" + 8 lower-case hex digits of the 32-bit FNV-1a hash of the body bytes exactly as
//!   received, so the same body always gets the same id. Nothing is stored.
//!     400 {"error":"invalid JSON: ..."}  the body is not JSON
//!   another path: 404; another method on /: 405 (with Allow: POST).
#[path = "lib/json.rs"]
mod json;
#[path = "lib/wagi.rs"]
mod wagi;

use wagi::{Reply, Request};

fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(2166136261u32, |hash, &b| (hash ^ b as u32).wrapping_mul(16777619))
}

fn handle(request: &Request) -> Result<Reply, Reply> {
    request.route("POST", "/")?;
    request.json()?; // any shape will do, but it must be JSON
    let order_id = format!("g-{:08x}", fnv1a32(&request.body));
    Ok(Reply::json(201, format!("{{\"orderId\":{},\"guest\":true}}", json::quote(&order_id))))
}

fn main() {
    wagi::run(handle)
}
