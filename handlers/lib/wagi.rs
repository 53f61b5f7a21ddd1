//! wagi.rs - the WAGI side of a Rust handler: read the request from the CGI environment and stdin,
//! check the route, parse the body as JSON, write a JSON reply to stdout.
//! Pull it in together with json.rs:
//!
//!     #[path = "lib/json.rs"] mod json;
//!     #[path = "lib/wagi.rs"] mod wagi;
//!
//!     fn handle(request: &wagi::Request) -> Result<wagi::Reply, wagi::Reply> {
//!         request.route("POST", "/hello")?;
//!         Ok(wagi::Reply::json(200, "{\"hi\":true}".to_string()))
//!     }
//!     fn main() { wagi::run(handle) }
//!
//! Err replies are ordinary replies too (a 4xx/5xx the handler chose), so `?` reads as "or answer this".
#![allow(dead_code)]

use crate::json::{self, Value};
use std::env;
use std::io::{self, Read, Write};

pub struct Request {
    pub method: String,
    /// PATH_INFO: the path after /run/<module>; the host gives "" when there is none, read here as "/".
    pub path: String,
    pub body: Vec<u8>,
}

/// What the handler answers: a status, extra header lines, and a JSON body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: String) -> Reply {
        Reply { status, headers: Vec::new(), body }
    }

    /// {"error": message}
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, format!("{{\"error\":{}}}", json::quote(message)))
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_string()));
        self
    }

    /// Writes the CGI response (Status, extra headers, Content-Type, blank line, body) to stdout.
    pub fn send(&self) -> io::Result<()> {
        let mut out = format!("Status: {}\n", self.status);
        for (name, value) in &self.headers {
            out.push_str(&format!("{}: {}\n", name, value));
        }
        out.push_str("Content-Type: application/json\n\n");
        out.push_str(&self.body);
        let mut stdout = io::stdout();
        stdout.write_all(out.as_bytes())?;
        stdout.flush()
    }
}

fn env_var(name: &str) -> String {
    env::var_os(name).map(|v| v.to_string_lossy().into_owned()).unwrap_or_default()
}

impl Request {
    /// The request as the host passed it in: REQUEST_METHOD, PATH_INFO, and all of stdin.
    pub fn read() -> io::Result<Request> {
        let path = env_var("PATH_INFO");
        let mut body = Vec::new();
        io::stdin().read_to_end(&mut body)?;
        Ok(Request {
            method: env_var("REQUEST_METHOD"),
            path: if path.is_empty() { "/".to_string() } else { path },
            body,
        })
    }

    /// Ok if this is `method path`; else the 404 reply, or 405 with Allow when only the method differs.
    pub fn route(&self, method: &str, path: &str) -> Result<(), Reply> {
        if self.path != path {
            return Err(Reply::error(404, &format!("not found: use {} {}", method, path)));
        }
        if self.method != method {
            let message = format!("method not allowed: use {} {}", method, path);
            return Err(Reply::error(405, &message).header("Allow", method));
        }
        Ok(())
    }

    /// The body as JSON (an empty body is null), or a 400 reply "invalid JSON: <what> at byte <n>".
    pub fn json(&self) -> Result<Value, Reply> {
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        json::parse(&self.body).map_err(|e| Reply::error(400, &format!("invalid JSON: {}", e)))
    }

    /// The body as a JSON object, or a 400 reply.
    pub fn json_object(&self) -> Result<Value, Reply> {
        let body = self.json()?;
        if !body.is_object() {
            return Err(Reply::error(400, "body must be a JSON object"));
        }
        Ok(body)
    }
}

/// Reads the request, runs the handler, sends whichever reply it returned. A body that cannot be
/// read is a 500 reply; a reply that cannot be written exits 1 (the host answers 500).
pub fn run(handler: fn(&Request) -> Result<Reply, Reply>) {
    let reply = match Request::read() {
        Ok(request) => handler(&request).unwrap_or_else(|error| error),
        Err(_) => Reply::error(500, "could not read the request body"),
    };
    if reply.send().is_err() {
        std::process::exit(1);
    }
}
