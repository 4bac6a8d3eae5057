//! A strict, bounded Server-Sent Events parser (WHATWG HTML §9.2.6) over a byte stream.
//!
//! Strict: a line that is not UTF-8 is an error (the `text/event-stream` type is UTF-8 only).
//! Bounded: a line, an event's data and the number of events each have a cap, so an endless or
//! gigantic stream ends in an error instead of unbounded memory. Chunk boundaries never matter:
//! feeding the bytes in one piece or one at a time yields the same events (the fuzz property).

use std::fmt;

/// Caps on what one stream may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SseLimits {
    /// Longest line in bytes, terminator excluded.
    pub max_line_bytes: usize,
    /// Largest `data` of one event in bytes.
    pub max_event_bytes: usize,
    /// Most events in one stream.
    pub max_events: usize,
}

impl Default for SseLimits {
    fn default() -> Self {
        Self {
            max_line_bytes: 1024 * 1024,
            max_event_bytes: 4 * 1024 * 1024,
            max_events: 10_000,
        }
    }
}

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field (the type), if set.
    pub event: Option<String>,
    /// The data lines joined by `\n`.
    pub data: String,
    /// The last event id, if one was set.
    pub id: Option<String>,
}

/// Why a stream was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SseError {
    /// A line is not UTF-8.
    InvalidUtf8 {
        /// 1-based line number.
        line: usize,
    },
    /// A line is longer than the cap.
    LineTooLong {
        /// The cap.
        limit: usize,
    },
    /// An event's data is larger than the cap.
    EventTooLarge {
        /// The cap.
        limit: usize,
    },
    /// The stream has more events than the cap.
    TooManyEvents {
        /// The cap.
        limit: usize,
    },
}

impl fmt::Display for SseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUtf8 { line } => write!(f, "sse line {line} is not valid utf-8"),
            Self::LineTooLong { limit } => write!(f, "sse line longer than {limit} bytes"),
            Self::EventTooLarge { limit } => write!(f, "sse event data larger than {limit} bytes"),
            Self::TooManyEvents { limit } => write!(f, "sse stream has more than {limit} events"),
        }
    }
}

impl std::error::Error for SseError {}

/// Incremental parser state.
#[derive(Debug)]
pub struct SseParser {
    limits: SseLimits,
    line: Vec<u8>,
    line_number: usize,
    after_cr: bool,
    at_start: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    dispatched: usize,
    failed: Option<SseError>,
}

impl SseParser {
    /// A parser with `limits`.
    pub fn new(limits: SseLimits) -> Self {
        Self {
            limits,
            line: Vec::new(),
            line_number: 0,
            after_cr: false,
            at_start: true,
            event: None,
            data: String::new(),
            has_data: false,
            last_id: None,
            dispatched: 0,
            failed: None,
        }
    }

    /// Events dispatched so far.
    pub fn dispatched(&self) -> usize {
        self.dispatched
    }

    /// Feeds bytes; returns the events they complete. After an error every call returns it.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut events = Vec::new();
        let result = self.push_inner(bytes, &mut events);
        match result {
            Ok(()) => Ok(events),
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    fn push_inner(&mut self, bytes: &[u8], events: &mut Vec<SseEvent>) -> Result<(), SseError> {
        for &b in bytes {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' => self.end_line(events)?,
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(events)?;
                }
                _ => {
                    if self.line.len() >= self.limits.max_line_bytes {
                        return Err(SseError::LineTooLong {
                            limit: self.limits.max_line_bytes,
                        });
                    }
                    self.line.push(b);
                }
            }
        }
        Ok(())
    }

    /// Ends the stream. A trailing event without its blank line is discarded, as the standard
    /// says; the return value tells whether there was one.
    pub fn finish(&mut self) -> Result<bool, SseError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        Ok(!self.line.is_empty() || self.has_data)
    }

    fn end_line(&mut self, events: &mut Vec<SseEvent>) -> Result<(), SseError> {
        self.line_number += 1;
        let raw = std::mem::take(&mut self.line);
        let mut text = std::str::from_utf8(&raw).map_err(|_| SseError::InvalidUtf8 {
            line: self.line_number,
        })?;
        if self.at_start {
            self.at_start = false;
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        if text.is_empty() {
            return self.dispatch(events);
        }
        if text.starts_with(':') {
            return Ok(());
        }
        let (field, value) = match text.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (text, ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => {
                let needed = self.data.len() + value.len() + usize::from(self.has_data);
                if needed > self.limits.max_event_bytes {
                    return Err(SseError::EventTooLarge {
                        limit: self.limits.max_event_bytes,
                    });
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            // `retry` only concerns reconnection, which the kit never does; other fields are
            // ignored, as the standard says.
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self, events: &mut Vec<SseEvent>) -> Result<(), SseError> {
        let event = self.event.take();
        if !self.has_data {
            return Ok(());
        }
        self.has_data = false;
        if self.dispatched >= self.limits.max_events {
            return Err(SseError::TooManyEvents {
                limit: self.limits.max_events,
            });
        }
        self.dispatched += 1;
        events.push(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
        });
        Ok(())
    }
}

/// Parses a whole stream held in memory.
pub fn parse_all(bytes: &[u8], limits: SseLimits) -> Result<Vec<SseEvent>, SseError> {
    let mut parser = SseParser::new(limits);
    let events = parser.push(bytes)?;
    parser.finish()?;
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<SseEvent> {
        parse_all(text.as_bytes(), SseLimits::default()).unwrap()
    }

    #[test]
    fn parses_data_events_with_any_line_terminator() {
        for stream in [
            "data: a\n\ndata: b\n\n",
            "data: a\r\n\r\ndata: b\r\n\r\n",
            "data: a\r\rdata: b\r\r",
        ] {
            let events = parse(stream);
            assert_eq!(events.len(), 2, "{stream:?}");
            assert_eq!(events[0].data, "a");
            assert_eq!(events[1].data, "b");
        }
    }

    #[test]
    fn joins_multiline_data_and_keeps_event_type_and_id() {
        let events = parse("\u{feff}event: x\nid: 7\ndata: one\ndata:two\n: comment\n\n");
        assert_eq!(
            events,
            vec![SseEvent {
                event: Some("x".into()),
                data: "one\ntwo".into(),
                id: Some("7".into())
            }]
        );
    }

    #[test]
    fn does_not_dispatch_without_data_or_without_blank_line() {
        assert!(parse("event: x\n\n").is_empty());
        let mut p = SseParser::new(SseLimits::default());
        assert!(p.push(b"data: partial").unwrap().is_empty());
        assert!(p.finish().unwrap());
    }

    #[test]
    fn crlf_split_across_chunks_is_one_terminator() {
        let mut p = SseParser::new(SseLimits::default());
        let mut events = p.push(b"data: a\r").unwrap();
        events.extend(p.push(b"\n\r").unwrap());
        events.extend(p.push(b"\n").unwrap());
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, "a");
    }

    #[test]
    fn rejects_invalid_utf8() {
        let err = parse_all(b"data: \xff\xfe\n\n", SseLimits::default()).unwrap_err();
        assert_eq!(err, SseError::InvalidUtf8 { line: 1 });
    }

    #[test]
    fn caps_line_event_and_count() {
        let limits = SseLimits {
            max_line_bytes: 16,
            max_event_bytes: 8,
            max_events: 2,
        };
        assert_eq!(
            parse_all(&[b'x'; 17], limits).unwrap_err(),
            SseError::LineTooLong { limit: 16 }
        );
        assert_eq!(
            parse_all(b"data: 12345\ndata: 6789\n\n", limits).unwrap_err(),
            SseError::EventTooLarge { limit: 8 }
        );
        assert_eq!(
            parse_all(b"data: a\n\ndata: b\n\ndata: c\n\n", limits).unwrap_err(),
            SseError::TooManyEvents { limit: 2 }
        );
    }

    #[test]
    fn stays_failed_after_an_error() {
        let mut p = SseParser::new(SseLimits::default());
        assert!(p.push(b"data: \xff\n").is_err());
        assert!(p.push(b"data: ok\n\n").is_err());
    }

    #[test]
    fn chunking_never_changes_the_events() {
        let stream = b"data: {\"a\":1}\r\n\r\nevent: e\rdata: x\r\rdata: y\ndata: z\n\n: c\n";
        let whole = parse_all(stream, SseLimits::default()).unwrap();
        assert_eq!(crate::fuzzing::sse_bytewise(stream), Ok(whole));
    }
}
