//! The JSON report: every verdict, finding and exchange.

use std::io::{self, Write};

use crate::runner::RunReport;

/// Writes the report as pretty JSON.
pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    writeln!(out)
}
