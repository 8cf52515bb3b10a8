//! Requests as the server reads them and responses as it writes them.

use std::io::{self, Write};
use std::net::TcpStream;

/// The request methods the preview tells apart; every other one is refused by the handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Other(String),
}

/// One request head (the preview never reads a body: a request with one is answered, and its
/// connection closed).
#[derive(Debug)]
pub struct Request {
    pub method: Method,
    /// As sent: origin form (`/customers/a/?q=1`), possibly with raw UTF-8.
    pub target: String,
    /// The minor version of HTTP/1.x.
    pub minor_version: u8,
    headers: Vec<(String, String)>,
}

impl Request {
    pub(super) fn from_parsed(parsed: &httparse::Request<'_, '_>) -> Request {
        let method = match parsed.method.unwrap_or("") {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            other => Method::Other(other.to_string()),
        };
        let headers = parsed
            .headers
            .iter()
            .map(|h| {
                let value = String::from_utf8_lossy(h.value).trim().to_string();
                (h.name.to_string(), value)
            })
            .collect();
        Request {
            method,
            target: parsed.path.unwrap_or("").to_string(),
            minor_version: parsed.version.unwrap_or(1),
            headers,
        }
    }

    /// Every value of the header `name` (case-insensitive), in order.
    pub fn headers<'r>(&'r self, name: &'r str) -> impl Iterator<Item = &'r str> + 'r {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path of the target, without its query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// A complete response; the server adds `Content-Length` and `Connection`.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// A plain-text response, for errors and refusals.
    pub fn text(status: u16, body: &str) -> Response {
        Response::new(status, body.as_bytes().to_vec())
            .with_header("Content-Type", "text/plain; charset=utf-8")
            .with_header("X-Content-Type-Options", "nosniff")
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Response {
        // Values come from this program; a line break would end the head early.
        let value = value.replace(['\r', '\n'], " ");
        self.headers.push((name, value));
        self
    }

    /// Writes the response; `head_only` for HEAD requests, `close` when the connection ends
    /// after it.
    pub(super) fn write(
        &self,
        out: &mut impl Write,
        head_only: bool,
        close: bool,
    ) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let has_body = !matches!(self.status, 100..=199 | 204 | 304);
        if has_body {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        let body = if has_body && !head_only {
            &self.body[..]
        } else {
            &[]
        };
        // One write for small responses; a large body is not copied.
        if body.len() <= SMALL {
            bytes.extend_from_slice(body);
            out.write_all(&bytes)?;
        } else {
            out.write_all(&bytes)?;
            out.write_all(body)?;
        }
        out.flush()
    }
}

/// Bodies up to this size are sent with their head in one write.
const SMALL: usize = 16 * 1024;

/// What a handler does with a request.
pub enum Answer {
    Reply(Response),
    /// Takes the connection over (an event stream): the function writes its own response and
    /// owns the socket until it returns; the connection then ends.
    TakeOver(Box<dyn FnOnce(TcpStream) + Send>),
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}
