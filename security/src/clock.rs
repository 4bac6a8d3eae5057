//! Time, injected. This is the only module that reads the wall clock.
//!
//! Every verifier in this crate takes its notion of "now" from a [`Clock`], so tests and
//! known-answer vectors run at a fixed instant and nothing depends on when the suite runs.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch (1970-01-01T00:00:00Z), the unit of JWT `NumericDate`
/// (RFC 7519 §2) and of every timestamp this crate reads or writes.
pub type UnixTime = u64;

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time in whole seconds since the Unix epoch.
    fn now(&self) -> UnixTime;
}

/// The operating system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        // A clock set before 1970 reads as the epoch: every time-bounded check then fails
        // closed (tokens look not-yet-valid) instead of panicking.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

/// A clock that reads a value the caller sets: for tests, vectors and fuzzing.
#[derive(Debug, Default)]
pub struct FixedClock {
    now: AtomicU64,
}

impl FixedClock {
    /// A clock stopped at `now`.
    pub const fn new(now: UnixTime) -> Self {
        Self {
            now: AtomicU64::new(now),
        }
    }

    /// Sets the time.
    pub fn set(&self, now: UnixTime) {
        self.now.store(now, Ordering::Relaxed);
    }

    /// Moves the time forward by `seconds` (saturating).
    pub fn advance(&self, seconds: u64) {
        let _ = self
            .now
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| {
                Some(t.saturating_add(seconds))
            });
    }
}

impl Clock for FixedClock {
    fn now(&self) -> UnixTime {
        self.now.load(Ordering::Relaxed)
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> UnixTime {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> UnixTime {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_reads_what_was_set_and_saturates() {
        let clock = FixedClock::new(10);
        assert_eq!(clock.now(), 10);
        clock.advance(5);
        assert_eq!(clock.now(), 15);
        clock.set(u64::MAX - 1);
        clock.advance(10);
        assert_eq!(clock.now(), u64::MAX);
    }

    #[test]
    fn system_clock_is_after_2024() {
        assert!(SystemClock.now() > 1_704_067_200);
    }
}
