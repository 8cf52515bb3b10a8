//! One connection: reads request heads within the limits, answers them in order (pipelined
//! requests included), and closes when a limit is passed, the client asks, or it goes quiet.

use std::io::{ErrorKind, Read};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use super::message::{Answer, Method, Request, Response};
use super::{Handler, Limits};

/// The most header fields a request may have.
const MAX_HEADERS: usize = 100;

/// After its last response, how long and how much a closing connection reads and discards,
/// so that the client receives that response before the connection is reset (closing a
/// socket with unread input resets it, and the reset can overtake the response).
const LINGER_TIME: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 1 << 20;

/// Why no request was read.
enum NoRequest {
    /// The client closed the connection, or stayed silent between requests: nothing to answer.
    Gone,
    /// A response that ends the connection (a malformed, oversized or stalled head).
    Refused(Response),
}

struct Connection<'l> {
    stream: TcpStream,
    /// Bytes read and not yet parsed: the start of a head, or the next pipelined requests.
    /// Never longer than a head may be.
    buffer: Vec<u8>,
    limits: &'l Limits,
}

/// Serves the requests of one connection until it ends.
pub fn serve(stream: TcpStream, limits: &Limits, handler: &Handler) {
    // Small responses go out at once, not after the client's delayed acknowledgement.
    let _ = stream.set_nodelay(true);
    if stream
        .set_write_timeout(Some(limits.write_timeout))
        .is_err()
    {
        return;
    }
    let mut connection = Connection {
        stream,
        buffer: Vec::new(),
        limits,
    };
    loop {
        let request = match connection.read_head() {
            Ok(request) => request,
            Err(NoRequest::Gone) => return,
            Err(NoRequest::Refused(response)) => return connection.finish(&response),
        };
        let close = match has_body(&request) {
            // The body is never read, so nothing after it could be found.
            Ok(body) => body || wants_close(&request),
            Err(response) => return connection.finish(&response),
        };
        match handler(&request) {
            Answer::Reply(response) => {
                let head_only = request.method == Method::Head;
                // A client that does not read within the write timeout is dropped.
                if response
                    .write(&mut connection.stream, head_only, close)
                    .is_err()
                {
                    return;
                }
                if close {
                    return connection.linger();
                }
            }
            Answer::TakeOver(then) => return then(connection.stream),
        }
    }
}

impl Connection<'_> {
    /// Reads the next request head: within the request timeout, at most `max_head_bytes`.
    fn read_head(&mut self) -> Result<Request, NoRequest> {
        let deadline = Instant::now() + self.limits.request_timeout;
        // How much of the buffer is known not to hold the end of a head.
        let mut scanned = 0;
        loop {
            if ends_a_head(&self.buffer, scanned) {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut parsed = httparse::Request::new(&mut headers);
                match parsed.parse(&self.buffer) {
                    Ok(httparse::Status::Complete(length)) => {
                        let request = Request::from_parsed(&parsed);
                        self.buffer.drain(..length);
                        return Ok(request);
                    }
                    Ok(httparse::Status::Partial) => {}
                    Err(error) => return Err(NoRequest::Refused(malformed(error))),
                }
            }
            scanned = self.buffer.len();
            if self.buffer.len() >= self.limits.max_head_bytes {
                return Err(NoRequest::Refused(too_large(&self.buffer, self.limits)));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stream.set_read_timeout(Some(left)).is_err() {
                return Err(self.timed_out());
            }
            let start = self.buffer.len();
            self.buffer.resize(self.limits.max_head_bytes, 0);
            let read = self.stream.read(&mut self.buffer[start..]);
            self.buffer.truncate(start + *read.as_ref().unwrap_or(&0));
            match read {
                Ok(0) => return Err(NoRequest::Gone),
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(self.timed_out());
                }
                Err(_) => return Err(NoRequest::Gone),
            }
        }
    }

    /// A quiet connection between requests just closes; a head begun and not finished in time
    /// is answered.
    fn timed_out(&self) -> NoRequest {
        if self.buffer.iter().all(u8::is_ascii_whitespace) {
            NoRequest::Gone
        } else {
            NoRequest::Refused(Response::text(
                408,
                "the request head did not arrive in time\n",
            ))
        }
    }

    /// Sends a last response and closes.
    fn finish(mut self, response: &Response) {
        if response.write(&mut self.stream, false, true).is_ok() {
            self.linger();
        }
    }

    /// Closes after the last response (see [`LINGER_TIME`]).
    fn linger(mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        let deadline = Instant::now() + LINGER_TIME;
        let mut discarded = 0;
        let mut scratch = [0u8; 16 * 1024];
        while discarded < LINGER_BYTES {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stream.set_read_timeout(Some(left)).is_err() {
                return;
            }
            match self.stream.read(&mut scratch) {
                Ok(0) => return,
                Ok(n) => discarded += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }
}

/// Whether the bytes from `scanned` on (with the three before, where a line break may have
/// started) hold an empty line: only then is a head worth parsing.
fn ends_a_head(buffer: &[u8], scanned: usize) -> bool {
    let fresh = &buffer[scanned.saturating_sub(3)..];
    fresh.windows(2).any(|w| w == b"\n\n") || fresh.windows(3).any(|w| w == b"\n\r\n")
}

/// Whether a body follows the head; a malformed length is refused.
fn has_body(request: &Request) -> Result<bool, Response> {
    if request.header("Transfer-Encoding").is_some() {
        return Ok(true);
    }
    let mut lengths = request.headers("Content-Length").map(str::parse::<u64>);
    match (lengths.next(), lengths.next()) {
        (None, _) => Ok(false),
        (Some(Ok(length)), None) => Ok(length > 0),
        _ => Err(Response::text(400, "bad Content-Length\n")),
    }
}

/// HTTP/1.0 closes after each response; HTTP/1.1 when the client says so.
fn wants_close(request: &Request) -> bool {
    request.minor_version == 0
        || request.headers("Connection").any(|value| {
            value
                .split(',')
                .any(|token| token.trim().eq_ignore_ascii_case("close"))
        })
}

fn malformed(error: httparse::Error) -> Response {
    match error {
        httparse::Error::Version => Response::text(
            505,
            "this server speaks HTTP/1.1 and HTTP/1.0 only (it is dossier's preview)\n",
        ),
        httparse::Error::TooManyHeaders => Response::text(
            431,
            &format!("a request may have at most {MAX_HEADERS} header fields\n"),
        ),
        _ => Response::text(400, "malformed request\n"),
    }
}

/// 414 when the request line alone is too long, 431 when the header fields are.
fn too_large(buffer: &[u8], limits: &Limits) -> Response {
    let limit = limits.max_head_bytes;
    if buffer.contains(&b'\n') {
        Response::text(
            431,
            &format!("the request's header fields are longer than {limit} bytes\n"),
        )
    } else {
        Response::text(
            414,
            &format!("the request line is longer than {limit} bytes\n"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_of_a_head_is_found_across_reads() {
        assert!(ends_a_head(b"GET / HTTP/1.1\r\n\r\n", 0));
        assert!(ends_a_head(b"GET / HTTP/1.1\n\n", 0));
        assert!(!ends_a_head(b"GET / HTTP/1.1\r\nHost: x\r\n", 0));
        // The empty line began in the part already scanned.
        let head = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        assert!(ends_a_head(head, head.len() - 1));
        assert!(!ends_a_head(b"GET / HTTP/1.1\r\nHost: x\r\nAccept: y", 20));
    }
}
