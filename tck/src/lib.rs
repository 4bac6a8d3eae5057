//! `a2a-tck`: the A2A protocol conformance kit.
//!
//! The engine is data in, data out: [`runner::run`] takes the declared [`catalogue`] and a
//! [`runner::RunConfig`] and returns a [`runner::RunReport`]; the [`report`] module renders it;
//! only the binary maps it to an exit code.

pub mod baseline;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod context;
pub mod error;
pub mod evidence;
pub mod profile;
pub mod report;
pub mod rules;
pub mod runner;
pub mod scenario;
pub mod schema;
pub mod selection;
pub mod target;
pub mod transport;
pub mod verdict;
pub mod webhook_receiver;

pub use error::Error;

/// Entry points of the fuzz targets and their seed replay. Not part of the public API.
#[doc(hidden)]
pub mod fuzzing {
    use crate::transport::sse::{SseError, SseEvent, SseLimits, SseParser, parse_all};

    /// Caps small enough that short inputs reach them: a line, an event's data and the event
    /// count each end a stream early.
    pub const SMALL_LIMITS: SseLimits = SseLimits {
        max_line_bytes: 48,
        max_event_bytes: 96,
        max_events: 6,
    };

    /// Feeds `data` to the SSE parser (default caps) one byte at a time.
    pub fn sse_bytewise(data: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        sse_bytewise_with(data, SseLimits::default())
    }

    /// Feeds `data` to the SSE parser with `limits`, one byte at a time.
    pub fn sse_bytewise_with(data: &[u8], limits: SseLimits) -> Result<Vec<SseEvent>, SseError> {
        let mut parser = SseParser::new(limits);
        let mut events = Vec::new();
        for b in data {
            events.extend(parser.push(std::slice::from_ref(b))?);
        }
        parser.finish()?;
        Ok(events)
    }

    /// The SSE fuzz property: parsing never panics, and the events (or the error) do not depend
    /// on how the stream is chunked: whole, byte by byte, or in three pieces cut at the thirds of
    /// the input. Checked with the default caps and with [`SMALL_LIMITS`], so that the errors
    /// of the caps are reached too.
    pub fn sse_chunking_invariant(data: &[u8]) {
        for limits in [SseLimits::default(), SMALL_LIMITS] {
            let whole = parse_all(data, limits);
            assert_eq!(
                whole,
                sse_bytewise_with(data, limits),
                "bytewise parse differs ({limits:?})"
            );
            let (a, b) = (data.len() / 3, data.len() * 2 / 3);
            let mut parser = SseParser::new(limits);
            let pieces = [&data[..a], &data[a..b], &data[b..]]
                .into_iter()
                .try_fold(Vec::new(), |mut events, piece| {
                    events.extend(parser.push(piece)?);
                    Ok(events)
                })
                .and_then(|events| {
                    parser.finish()?;
                    Ok(events)
                });
            assert_eq!(whole, pieces, "parse in three pieces differs ({limits:?})");
        }
    }
}
