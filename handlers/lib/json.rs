//! json.rs - a small JSON reader (and string quoting) for WAGI handlers written in Rust.
//! Pull it in with `#[path = "lib/json.rs"] mod json;` (std only, no crates).
//!
//! `parse` is a recursive-descent parser over bytes that accepts RFC 8259 JSON exactly: objects,
//! arrays, strings (escapes including \uXXXX and surrogate pairs; raw bytes must be valid UTF-8, raw
//! control characters are refused), numbers (the JSON grammar, as f64), true, false, null, and only
//! whitespace after the value. Bounded: nesting deeper than MAX_DEPTH and numbers longer than
//! MAX_NUMBER_LEN characters are errors; it never panics on malformed input. Duplicate object keys
//! are kept; `get` returns the first. The C twin, handlers/include/json.h, reports the same
//! messages at the same byte offsets.
#![allow(dead_code)]

use std::fmt;

pub const MAX_DEPTH: usize = 32;
pub const MAX_NUMBER_LEN: usize = 256;
/// 2^53 - 1: the largest integer an f64 holds exactly.
pub const MAX_SAFE_INTEGER: f64 = 9007199254740991.0;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The first member named `key`, or None (also when this is not an object).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A non-empty string without NUL characters (the same rule as json_text in C).
    pub fn as_text(&self) -> Option<&str> {
        self.as_str().filter(|s| !s.is_empty() && !s.contains('\0'))
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// A whole number from 1 to 2^53 - 1 (2 and 2.0 alike).
    pub fn as_positive_integer(&self) -> Option<u64> {
        self.as_f64()
            .filter(|n| *n >= 1.0 && *n <= MAX_SAFE_INTEGER && n.fract() == 0.0)
            .map(|n| n as u64)
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
}

/// Why parsing stopped, and at which byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub message: &'static str,
    pub at: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.at)
    }
}

/// Parses all of `text` as one JSON value.
pub fn parse(text: &[u8]) -> Result<Value, Error> {
    let mut parser = Parser { text, pos: 0, depth: 0 };
    let value = parser.value()?;
    parser.skip_ws();
    if parser.pos < text.len() {
        return Err(parser.fail("trailing characters"));
    }
    Ok(value)
}

/// `s` as a JSON string literal: '"' and '\' escaped, control characters as \u00XX, the rest as is.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn fail(&self, message: &'static str) -> Error {
        Error { message, at: self.pos }
    }

    fn end_of_input(&mut self) -> Error {
        self.pos = self.text.len();
        self.fail("unexpected end of input")
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Consumes `c`; fails with "unexpected end of input" at the end, with `message` on another byte.
    fn expect(&mut self, c: u8, message: &'static str) -> Result<(), Error> {
        match self.peek() {
            None => Err(self.end_of_input()),
            Some(b) if b == c => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.fail(message)),
        }
    }

    fn value(&mut self) -> Result<Value, Error> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.end_of_input()),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.fail("unexpected character")),
        }
    }

    /// Steps into an array or object at its opening bracket.
    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail("nesting too deep"));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(())
    }

    fn array(&mut self) -> Result<Value, Error> {
        self.enter()?;
        let mut items = Vec::new();
        if self.peek() != Some(b']') {
            loop {
                items.push(self.value()?);
                self.skip_ws();
                if self.peek() != Some(b',') {
                    break;
                }
                self.pos += 1;
            }
        }
        self.expect(b']', "expected ',' or ']'")?;
        self.depth -= 1;
        Ok(Value::Array(items))
    }

    fn object(&mut self) -> Result<Value, Error> {
        self.enter()?;
        let mut members = Vec::new();
        if self.peek() != Some(b'}') {
            loop {
                self.skip_ws();
                match self.peek() {
                    None => return Err(self.end_of_input()),
                    Some(b'"') => {}
                    Some(_) => return Err(self.fail("expected a string key")),
                }
                let key = self.string()?;
                self.skip_ws();
                self.expect(b':', "expected ':'")?;
                members.push((key, self.value()?));
                self.skip_ws();
                if self.peek() != Some(b',') {
                    break;
                }
                self.pos += 1;
            }
        }
        self.expect(b'}', "expected ',' or '}'")?;
        self.depth -= 1;
        Ok(Value::Object(members))
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Error> {
        for &expected in word.as_bytes() {
            match self.peek() {
                None => return Err(self.end_of_input()),
                Some(b) if b == expected => self.pos += 1,
                Some(_) => return Err(self.fail("unexpected character")),
            }
        }
        Ok(value)
    }

    fn is_digit_at(&self, pos: usize) -> bool {
        matches!(self.text.get(pos), Some(b'0'..=b'9'))
    }

    /// One or more digits from `pos`; returns the position after them.
    fn digits(&mut self, mut pos: usize) -> Result<usize, Error> {
        if !self.is_digit_at(pos) {
            self.pos = pos;
            return Err(if pos < self.text.len() { self.fail("invalid number") } else { self.end_of_input() });
        }
        while self.is_digit_at(pos) {
            pos += 1;
        }
        Ok(pos)
    }

    /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    fn number(&mut self) -> Result<Value, Error> {
        let start = self.pos;
        let mut p = start;
        if self.text.get(p) == Some(&b'-') {
            p += 1;
        }
        if self.text.get(p) == Some(&b'0') {
            p += 1;
        } else {
            p = self.digits(p)?;
        }
        if self.text.get(p) == Some(&b'.') {
            p = self.digits(p + 1)?;
        }
        if matches!(self.text.get(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(self.text.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            p = self.digits(p)?;
        }
        if p - start > MAX_NUMBER_LEN {
            return Err(self.fail("number too long"));
        }
        // The grammar is checked, so the standard parser sees a plain decimal (out of range gives inf or 0).
        let number = std::str::from_utf8(&self.text[start..p]).ok().and_then(|s| s.parse::<f64>().ok());
        match number {
            Some(n) => {
                self.pos = p;
                Ok(Value::Number(n))
            }
            None => Err(self.fail("invalid number")),
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = std::str::from_utf8(self.text.get(at..at + 4)?).ok()?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }

    /// The string whose opening quote is at `pos`, decoded.
    fn string(&mut self) -> Result<String, Error> {
        let text = self.text;
        self.pos += 1;
        let mut close = self.pos;
        while close < text.len() && text[close] != b'"' {
            close += if text[close] == b'\\' { 2 } else { 1 };
        }
        if close >= text.len() {
            return Err(self.end_of_input());
        }
        let mut out = Vec::with_capacity(close - self.pos);
        while self.pos < close {
            let c = text[self.pos];
            if c < 0x20 {
                return Err(self.fail("control character in string"));
            }
            if c >= 0x80 {
                let len = utf8_len(&text[self.pos..close]);
                if len == 0 {
                    return Err(self.fail("invalid UTF-8"));
                }
                out.extend_from_slice(&text[self.pos..self.pos + len]);
                self.pos += len;
                continue;
            }
            if c != b'\\' {
                out.push(c);
                self.pos += 1;
                continue;
            }
            // An escape: the scan above guarantees its second byte is before `close`.
            let simple = match text[self.pos + 1] {
                b'"' => Some(b'"'),
                b'\\' => Some(b'\\'),
                b'/' => Some(b'/'),
                b'b' => Some(0x08),
                b'f' => Some(0x0c),
                b'n' => Some(b'\n'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                _ => None,
            };
            if text[self.pos + 1] != b'u' {
                match simple {
                    Some(b) => out.push(b),
                    None => return Err(self.fail("invalid escape")),
                }
                self.pos += 2;
                continue;
            }
            let mut cp = match if close - self.pos >= 6 { self.hex4(self.pos + 2) } else { None } {
                Some(cp) => cp,
                None => return Err(self.fail("invalid \\u escape")),
            };
            if (0xDC00..=0xDFFF).contains(&cp) {
                return Err(self.fail("invalid surrogate pair"));
            }
            if (0xD800..=0xDBFF).contains(&cp) {
                let low = if close - self.pos >= 12 && &text[self.pos + 6..self.pos + 8] == b"\\u" {
                    self.hex4(self.pos + 8)
                } else {
                    None
                };
                match low {
                    Some(low) if (0xDC00..=0xDFFF).contains(&low) => {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        self.pos += 6;
                    }
                    _ => return Err(self.fail("invalid surrogate pair")),
                }
            }
            let mut buf = [0u8; 4];
            out.extend_from_slice(char::from_u32(cp).unwrap_or('\u{FFFD}').encode_utf8(&mut buf).as_bytes());
            self.pos += 6;
        }
        self.pos = close + 1;
        String::from_utf8(out).map_err(|_| self.fail("invalid UTF-8"))
    }
}

/// Length of the valid UTF-8 sequence at the start of `bytes` (which starts with a byte >= 0x80), or 0.
fn utf8_len(bytes: &[u8]) -> usize {
    let len = match bytes[0] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return 0,
    };
    match bytes.get(..len).map(std::str::from_utf8) {
        Some(Ok(_)) => len,
        _ => 0,
    }
}
