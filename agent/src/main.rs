//! `a2a-reference-agent serve --bind 127.0.0.1:PORT [--config agent.toml] [--defect NAME]...`

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use a2a_reference_agent::config::Config;
use a2a_reference_agent::defects::Defect;
use clap::{Parser, Subcommand};

/// A spec-faithful A2A 1.0 + 0.3 reference agent.
#[derive(Debug, Parser)]
#[command(name = "a2a-reference-agent", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the agent.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long)]
        bind: Option<String>,
        /// TOML configuration file (every key has a default; see agent/README.md).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Base URL written into the agent card (default: http:// + the bound address).
        #[arg(long)]
        public_url: Option<String>,
        /// DELIBERATELY WRONG behaviour, for conformance-kit self-validation only (repeatable).
        #[arg(long = "defect", value_name = "NAME", long_help = defect_help())]
        defects: Vec<Defect>,
    },
    /// List the deliberate defects: name, requirement ids broken, what goes wrong.
    Defects,
}

fn defect_help() -> String {
    let mut help = String::from(
        "Switch on a DELIBERATE DEFECT (repeatable). Each makes the agent wrong in exactly one \
         way, for the conformance kit's self-validation; never use them otherwise. Known defects:\n",
    );
    for d in Defect::ALL {
        let _ = write!(help, "\n  {:<32} {}", d.name(), d.description());
    }
    help
}

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Defects => {
            for d in Defect::ALL {
                println!(
                    "{}\t{}\t{}",
                    d.name(),
                    d.breaks().join(","),
                    d.description()
                );
            }
            ExitCode::SUCCESS
        }
        Command::Serve {
            bind,
            config,
            public_url,
            defects,
        } => {
            let mut cfg = match config {
                Some(path) => match Config::from_file(&path) {
                    Ok(c) => c,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                },
                None => Config::default(),
            };
            if let Some(bind) = bind {
                cfg.bind = bind;
            }
            if public_url.is_some() {
                cfg.public_url = public_url;
            }
            for d in defects {
                cfg = cfg.with_defect(d);
            }
            let running = match a2a_reference_agent::serve(cfg.clone()).await {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            eprintln!("a2a-reference-agent listening on {}", running.base_url());
            if !cfg.defects.is_empty() {
                eprintln!("WARNING: deliberate defects on: {}", cfg.defects.join(", "));
            }
            let _ = tokio::signal::ctrl_c().await;
            running.shutdown().await;
            ExitCode::SUCCESS
        }
    }
}
