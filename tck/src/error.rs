//! The crate's error type: one enum with a category per source, lower-case messages that never
//! echo credentials.

use std::fmt;

use crate::baseline::BaselineError;
use crate::profile::ProfileError;
use crate::schema::SchemaError;
use crate::transport::http::TransportError;

/// Why a command could not do its work (as opposed to a verdict about the endpoint).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The command line is inconsistent or names something that does not exist.
    Usage(String),
    /// The SUT profile was refused.
    Profile(ProfileError),
    /// The baseline was refused.
    Baseline(BaselineError),
    /// The schemas could not be loaded or used.
    Schema(SchemaError),
    /// The HTTP client could not be set up.
    Transport(TransportError),
    /// A file could not be read or written.
    Io(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(e) | Self::Io(e) => f.write_str(e),
            Self::Profile(e) => e.fmt(f),
            Self::Baseline(e) => e.fmt(f),
            Self::Schema(e) => e.fmt(f),
            Self::Transport(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<ProfileError> for Error {
    fn from(e: ProfileError) -> Self {
        Self::Profile(e)
    }
}

impl From<BaselineError> for Error {
    fn from(e: BaselineError) -> Self {
        Self::Baseline(e)
    }
}

impl From<SchemaError> for Error {
    fn from(e: SchemaError) -> Self {
        Self::Schema(e)
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Self::Transport(e)
    }
}
