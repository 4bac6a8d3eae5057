//! One request over its own plain HTTP/1.1 connection, its response read *while* the body is
//! still being written.
//!
//! An agent may answer a body it will not take (413) and close the connection before it has
//! read all of it (RFC 9110 §15.5.14). A client that reads only after writing then sees the
//! broken pipe or the reset of its upload instead of the answer the agent sent, and the kit
//! would judge a race. Here the answer is read concurrently; when the upload fails, whatever
//! answer arrived is still read to its end and judged. A connection that closes with no answer
//! at all is an error of this exchange ([`TransportError::Io`]).
//!
//! Plain `http` only (the caller keeps the ordinary client for `https`). The caller puts the
//! whole exchange under its deadline; the response head and body are capped here.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::transport::http::TransportError;

/// Largest response head read (status line and header fields).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Longest chunk-size or trailer line of a chunked body.
const MAX_CHUNK_LINE: usize = 1024;

/// Most bytes offered per write call.
const WRITE_CHUNK: usize = 64 * 1024;

/// The request to send.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// Method.
    pub method: &'a str,
    /// Absolute `http` URL.
    pub url: &'a str,
    /// Header fields (the credentials included); `Host`, `Content-Length`, `Connection` and
    /// `Transfer-Encoding` are set here and ignored when given.
    pub headers: &'a [(String, String)],
    /// Body.
    pub body: &'a [u8],
    /// `User-Agent`.
    pub user_agent: &'a str,
    /// Largest response body kept.
    pub max_body_bytes: usize,
}

/// The status and header fields (names lower-cased) of a response.
pub type Head = (u16, Vec<(String, String)>);

/// Sends `upload` and reads its final response into `head` and `body` as it arrives (so what
/// came is evidence even when the caller's deadline cancels this). `Ok(Some(note))` when the
/// response was read but the upload did not complete (the note says how far it got and why).
pub async fn send(
    upload: Upload<'_>,
    head: &mut Option<Head>,
    body: &mut Vec<u8>,
) -> Result<Option<String>, TransportError> {
    let url =
        reqwest::Url::parse(upload.url).map_err(|e| TransportError::Request(e.to_string()))?;
    if url.scheme() != "http" {
        return Err(TransportError::Request(format!(
            "a raw upload is plain http only, not {}",
            url.scheme()
        )));
    }
    let host = url
        .host_str()
        .ok_or_else(|| TransportError::Request("the URL has no host".into()))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let request = request_head(&upload, &url)?;
    // The host without the brackets of an IPv6 literal: parsed as an address, else resolved.
    let address = host.trim_start_matches('[').trim_end_matches(']');
    let mut stream = TcpStream::connect((address, port))
        .await
        .map_err(|e| TransportError::Connect(e.to_string()))?;
    let (mut reader, mut writer) = stream.split();
    let total = request.len() + upload.body.len();
    let mut sent = 0usize;
    let mut write_error = None;
    let read_result = {
        let write = write_request(&mut writer, &request, upload.body, &mut sent);
        let read = read_response(
            &mut reader,
            upload.method,
            upload.max_body_bytes,
            head,
            body,
        );
        tokio::pin!(write);
        tokio::pin!(read);
        let mut writing = true;
        loop {
            tokio::select! {
                result = &mut read => break result,
                result = &mut write, if writing => {
                    writing = false;
                    if let Err(e) = result {
                        write_error = Some(e.to_string());
                    }
                }
            }
        }
    };
    let upload_state = match &write_error {
        Some(e) => Some(format!(
            "the upload stopped after {sent} of {total} bytes: {e}"
        )),
        None if sent < total => Some(format!(
            "the response came before the upload ended ({sent} of {total} bytes sent)"
        )),
        None => None,
    };
    match read_result {
        Ok(()) => Ok(upload_state.map(|s| format!("{s}; the response was read"))),
        Err(TransportError::Io(e)) => Err(TransportError::Io(match upload_state {
            Some(s) => format!("{e} ({s})"),
            None => e,
        })),
        Err(e) => Err(e),
    }
}

/// `tchar` of RFC 9110 §5.6.2.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn request_head(upload: &Upload<'_>, url: &reqwest::Url) -> Result<Vec<u8>, TransportError> {
    if !is_token(upload.method) {
        return Err(TransportError::Request(format!(
            "invalid method {:?}",
            upload.method
        )));
    }
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        upload.method,
        upload.user_agent,
        upload.body.len()
    );
    for (name, value) in upload.headers {
        if !is_token(name) || value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(TransportError::Request(format!("invalid header {name:?}")));
        }
        let lower = name.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "host" | "content-length" | "connection" | "transfer-encoding"
        ) {
            continue;
        }
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    Ok(head.into_bytes())
}

async fn write_request<W: AsyncWrite + Unpin>(
    writer: &mut W,
    head: &[u8],
    body: &[u8],
    sent: &mut usize,
) -> std::io::Result<()> {
    for part in [head, body] {
        let mut rest = part;
        while !rest.is_empty() {
            let n = writer.write(&rest[..rest.len().min(WRITE_CHUNK)]).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            *sent += n;
            rest = &rest[n..];
        }
    }
    writer.flush().await
}

/// Reads the final response (interim 1xx responses skipped) into `head` and `body`.
async fn read_response<R: AsyncRead + Unpin>(
    reader: &mut R,
    method: &str,
    max_body_bytes: usize,
    head: &mut Option<Head>,
    body: &mut Vec<u8>,
) -> Result<(), TransportError> {
    let mut buffer = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let framing = loop {
        if let Some(end) = head_end(&buffer) {
            let (status, headers) = parse_head(&buffer[..end])?;
            buffer.drain(..end);
            if (100..200).contains(&status) && status != 101 {
                continue;
            }
            let framing = Framing::of(status, method, &headers)?;
            *head = Some((status, headers));
            break framing;
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return Err(TransportError::Io(format!(
                "response head larger than {MAX_HEAD_BYTES} bytes"
            )));
        }
        let n = reader.read(&mut chunk).await.map_err(|e| {
            TransportError::Io(format!("the connection failed before a response: {e}"))
        })?;
        if n == 0 {
            return Err(TransportError::Io(if buffer.is_empty() {
                "the connection closed with no response".into()
            } else {
                "the connection closed in the middle of the response head".into()
            }));
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let mut decoder = BodyReader::new(framing, max_body_bytes);
    let mut done = decoder.feed(&buffer, body)?;
    while !done {
        match reader.read(&mut chunk).await {
            Ok(0) => return decoder.end(),
            Ok(n) => done = decoder.feed(&chunk[..n], body)?,
            // A body delimited by the close ends with the connection, however it ends (an
            // agent that did not read the whole upload resets rather than closes).
            Err(_) if decoder.framing == Framing::UntilClose => return Ok(()),
            Err(e) => {
                return Err(TransportError::Io(format!(
                    "the connection failed in the middle of the response body: {e}"
                )));
            }
        }
    }
    Ok(())
}

/// The end of the head: the index after its empty line (CRLF or a bare LF).
fn head_end(buffer: &[u8]) -> Option<usize> {
    let mut line_start = 0;
    for (i, &b) in buffer.iter().enumerate() {
        if b == b'\n' {
            let line = &buffer[line_start..i];
            if line_start > 0 && (line.is_empty() || line == b"\r") {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

fn parse_head(bytes: &[u8]) -> Result<Head, TransportError> {
    let malformed = |what: &str| TransportError::Io(format!("malformed response head: {what}"));
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let code = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") || code.len() != 3 {
        return Err(malformed("status line"));
    }
    let status: u16 = code.parse().map_err(|_| malformed("status code"))?;
    if status < 100 {
        return Err(malformed("status code"));
    }
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed("header line"))?;
        if !is_token(name) {
            return Err(malformed("header name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    Ok((status, headers))
}

/// How the end of the body is known (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Empty,
    Length(usize),
    Chunked,
    UntilClose,
}

impl Framing {
    fn of(status: u16, method: &str, headers: &[(String, String)]) -> Result<Self, TransportError> {
        if method.eq_ignore_ascii_case("HEAD") || matches!(status, 204 | 304) {
            return Ok(Self::Empty);
        }
        let values = |name: &str| -> Vec<String> {
            headers
                .iter()
                .filter(|(n, _)| n == name)
                .flat_map(|(_, v)| v.split(','))
                .map(|v| v.trim().to_ascii_lowercase())
                .filter(|v| !v.is_empty())
                .collect()
        };
        let codings = values("transfer-encoding");
        if let Some(last) = codings.last() {
            return Ok(if last == "chunked" {
                Self::Chunked
            } else {
                Self::UntilClose
            });
        }
        let lengths = values("content-length");
        let Some(first) = lengths.first() else {
            return Ok(Self::UntilClose);
        };
        if lengths.iter().any(|l| l != first) || !first.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TransportError::Io(format!(
                "invalid Content-Length {lengths:?}"
            )));
        }
        first
            .parse()
            .map(Self::Length)
            .map_err(|_| TransportError::Io(format!("invalid Content-Length {first}")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChunkState {
    Size,
    Data(usize),
    DataEnd,
    Trailer,
}

/// Collects the body as it arrives, decoding the chunked coding, up to the cap.
#[derive(Debug)]
struct BodyReader {
    framing: Framing,
    max: usize,
    remaining: usize,
    chunk: ChunkState,
    pending: Vec<u8>,
}

impl BodyReader {
    fn new(framing: Framing, max: usize) -> Self {
        Self {
            framing,
            max,
            remaining: match framing {
                Framing::Length(n) => n,
                _ => 0,
            },
            chunk: ChunkState::Size,
            pending: Vec::new(),
        }
    }

    fn keep(&self, out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), TransportError> {
        if out.len() + bytes.len() > self.max {
            let room = self.max.saturating_sub(out.len());
            out.extend_from_slice(&bytes[..room]);
            return Err(TransportError::BodyTooLarge { limit: self.max });
        }
        out.extend_from_slice(bytes);
        Ok(())
    }

    /// Takes `bytes`; `true` once the body is complete (what follows it is ignored).
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> Result<bool, TransportError> {
        match self.framing {
            Framing::Empty => Ok(true),
            Framing::Length(_) => {
                let take = self.remaining.min(bytes.len());
                self.keep(out, &bytes[..take])?;
                self.remaining -= take;
                Ok(self.remaining == 0)
            }
            Framing::UntilClose => {
                self.keep(out, bytes)?;
                Ok(false)
            }
            Framing::Chunked => {
                self.pending.extend_from_slice(bytes);
                let pending = std::mem::take(&mut self.pending);
                let (done, used) = self.dechunk(&pending, out)?;
                self.pending = pending[used..].to_vec();
                Ok(done)
            }
        }
    }

    /// Decodes what `pending` holds; returns whether the body ended and the bytes used.
    fn dechunk(
        &mut self,
        pending: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(bool, usize), TransportError> {
        let malformed = |what: &str| TransportError::Io(format!("malformed chunked body: {what}"));
        let mut pos = 0;
        loop {
            let rest = &pending[pos..];
            match self.chunk {
                ChunkState::Size | ChunkState::Trailer => {
                    let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                        if rest.len() > MAX_CHUNK_LINE {
                            return Err(malformed("line too long"));
                        }
                        return Ok((false, pos));
                    };
                    let line = &rest[..nl];
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    pos += nl + 1;
                    if self.chunk == ChunkState::Trailer {
                        if line.is_empty() {
                            return Ok((true, pos));
                        }
                        continue;
                    }
                    let size = line.split(|&b| b == b';').next().unwrap_or_default();
                    let size = std::str::from_utf8(size)
                        .ok()
                        .map(str::trim)
                        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit()))
                        .and_then(|s| usize::from_str_radix(s, 16).ok())
                        .ok_or_else(|| malformed("chunk size"))?;
                    self.chunk = if size == 0 {
                        ChunkState::Trailer
                    } else {
                        ChunkState::Data(size)
                    };
                }
                ChunkState::Data(n) => {
                    if rest.is_empty() {
                        return Ok((false, pos));
                    }
                    let take = n.min(rest.len());
                    self.keep(out, &rest[..take])?;
                    pos += take;
                    self.chunk = if take == n {
                        ChunkState::DataEnd
                    } else {
                        ChunkState::Data(n - take)
                    };
                }
                ChunkState::DataEnd => {
                    if rest.starts_with(b"\r\n") {
                        pos += 2;
                    } else if rest.starts_with(b"\n") {
                        pos += 1;
                    } else if rest.is_empty() || rest == b"\r" {
                        return Ok((false, pos));
                    } else {
                        return Err(malformed("data not followed by CRLF"));
                    }
                    self.chunk = ChunkState::Size;
                }
            }
        }
    }

    /// The connection closed: complete only for a body delimited by the close.
    fn end(&self) -> Result<(), TransportError> {
        match self.framing {
            Framing::Empty | Framing::UntilClose => Ok(()),
            Framing::Length(n) => Err(TransportError::Io(format!(
                "the connection closed {} bytes before the end of the body ({n} announced)",
                self.remaining
            ))),
            Framing::Chunked => Err(TransportError::Io(
                "the connection closed in the middle of a chunked body".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(framing: Framing, pieces: &[&[u8]]) -> (Result<bool, TransportError>, Vec<u8>) {
        let mut reader = BodyReader::new(framing, 64);
        let mut out = Vec::new();
        let mut result = Ok(false);
        for piece in pieces {
            result = reader.feed(piece, &mut out);
            if !matches!(result, Ok(false)) {
                break;
            }
        }
        (result, out)
    }

    #[test]
    fn finds_the_head_end_with_crlf_or_bare_lf() {
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody"), Some(25));
        assert_eq!(head_end(b"HTTP/1.1 200 OK\nA: b\n\nbody"), Some(22));
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n"), None);
    }

    #[test]
    fn parses_status_and_lower_cases_header_names() {
        let (status, headers) =
            parse_head(b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 2\r\nX-A:  v \r\n\r\n")
                .unwrap();
        assert_eq!(status, 413);
        assert_eq!(
            headers,
            vec![
                ("content-length".to_owned(), "2".to_owned()),
                ("x-a".to_owned(), "v".to_owned())
            ]
        );
        for bad in [
            &b"HTTP/2 200 OK\r\n\r\n"[..],
            b"HTTP/1.1 20 OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nbad name: v\r\n\r\n",
        ] {
            assert!(parse_head(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn frames_the_body_as_rfc_9112_says() {
        let h = |n: &str, v: &str| vec![(n.to_owned(), v.to_owned())];
        assert_eq!(Framing::of(204, "POST", &[]).unwrap(), Framing::Empty);
        assert_eq!(
            Framing::of(200, "HEAD", &h("content-length", "5")).unwrap(),
            Framing::Empty
        );
        assert_eq!(
            Framing::of(200, "POST", &h("transfer-encoding", "gzip, chunked")).unwrap(),
            Framing::Chunked
        );
        assert_eq!(
            Framing::of(200, "POST", &h("content-length", "5, 5")).unwrap(),
            Framing::Length(5)
        );
        assert!(Framing::of(200, "POST", &h("content-length", "5, 6")).is_err());
        assert!(Framing::of(200, "POST", &h("content-length", "+5")).is_err());
        assert_eq!(Framing::of(200, "POST", &[]).unwrap(), Framing::UntilClose);
    }

    #[test]
    fn decodes_chunked_bodies_split_anywhere() {
        let body: &[u8] =
            b"4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nT: x\r\n\r\n";
        let whole = decode(Framing::Chunked, &[body]);
        assert_eq!(whole.0, Ok(true));
        assert_eq!(whole.1, b"Wikipedia in\r\n\r\nchunks.");
        for cut in 0..body.len() {
            let split = decode(Framing::Chunked, &[&body[..cut], &body[cut..]]);
            assert_eq!(split, whole, "cut at {cut}");
        }
        let bytewise: Vec<&[u8]> = body.chunks(1).collect();
        assert_eq!(decode(Framing::Chunked, &bytewise), whole);
        assert!(decode(Framing::Chunked, &[b"zz\r\n"]).0.is_err());
        assert!(decode(Framing::Chunked, &[b"2\r\nabX"]).0.is_err());
    }

    #[test]
    fn caps_the_body_and_keeps_what_fits() {
        let (result, out) = decode(Framing::UntilClose, &[&[b'a'; 40], &[b'b'; 40]]);
        assert_eq!(result, Err(TransportError::BodyTooLarge { limit: 64 }));
        assert_eq!(out.len(), 64);
        let (result, out) = decode(Framing::Length(3), &[b"ab", b"cdef"]);
        assert_eq!(result, Ok(true));
        assert_eq!(out, b"abc");
    }

    #[test]
    fn a_body_cut_by_the_close_is_an_error_unless_the_close_delimits_it() {
        let mut reader = BodyReader::new(Framing::Length(10), 64);
        let mut out = Vec::new();
        assert_eq!(reader.feed(b"abc", &mut out), Ok(false));
        assert!(reader.end().is_err());
        assert!(BodyReader::new(Framing::Chunked, 64).end().is_err());
        assert!(BodyReader::new(Framing::UntilClose, 64).end().is_ok());
    }

    #[test]
    fn refuses_header_injection() {
        let url = reqwest::Url::parse("http://127.0.0.1:8080/rpc?x=1").unwrap();
        let bad = vec![("X-A".to_owned(), "v\r\nInjected: 1".to_owned())];
        let mut upload = Upload {
            method: "POST",
            url: url.as_str(),
            headers: &bad,
            body: b"{}",
            user_agent: "t",
            max_body_bytes: 64,
        };
        assert!(request_head(&upload, &url).is_err());
        let good = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("Content-Length".to_owned(), "999".to_owned()),
        ];
        upload.headers = &good;
        let head = String::from_utf8(request_head(&upload, &url).unwrap()).unwrap();
        assert_eq!(
            head,
            "POST /rpc?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: t\r\nContent-Length: 2\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n"
        );
    }
}
