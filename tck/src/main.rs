//! `a2a-tck`: the only place that maps a result to a process exit code.

use std::process::ExitCode;

use a2a_tck::cli::{Cli, Exit, execute};
use clap::Parser as _;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                Exit::Usage.code()
            } else {
                Exit::Success.code()
            });
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("a2a-tck: cannot start the async runtime: {e}");
            return ExitCode::from(Exit::Harness.code());
        }
    };
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr();
    let exit = runtime.block_on(execute(cli, &mut stdout, &mut stderr));
    ExitCode::from(exit.code())
}
