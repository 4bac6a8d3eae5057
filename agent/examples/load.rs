//! Load generator for the reference agent.
//!
//! ```sh
//! # throughput: 64 clients, 30 s, blocking SendMessage ("complete"), then every task verified
//! cargo run --release -p a2a-reference-agent --example load
//! cargo run --release -p a2a-reference-agent --example load -- --clients 64 --seconds 30
//! # against an agent started elsewhere (loopback only)
//! cargo run --release -p a2a-reference-agent --example load -- --url http://127.0.0.1:8080
//! # memory: create 1,000,000 tasks through a store bounded at its defaults, report RSS
//! cargo run --release -p a2a-reference-agent --example load -- --memory 1000000
//! ```
//!
//! Without `--url` the agent runs in this process on 127.0.0.1:0, sharing the machine's cores
//! with the load generator (the numbers in `benches/README.md` are taken that way). Exits
//! non-zero when a request fails or a task is lost.

// Statistics over counts and microseconds: float conversions are intended.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use a2a_reference_agent::config::Config;
use a2a_reference_agent::serve;
use serde_json::{Value, json};

struct Args {
    clients: usize,
    seconds: u64,
    url: Option<String>,
    memory: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        clients: 64,
        seconds: 30,
        url: None,
        memory: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--clients" => {
                args.clients = value()?.parse().map_err(|e| format!("--clients: {e}"))?;
            }
            "--seconds" => {
                args.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?;
            }
            "--url" => args.url = Some(value()?),
            "--memory" => {
                args.memory = Some(value()?.parse().map_err(|e| format!("--memory: {e}"))?);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.clients == 0 {
        return Err("--clients must be at least 1".into());
    }
    Ok(args)
}

fn send_body(n: u64) -> String {
    json!({
        "jsonrpc": "2.0",
        "id": n,
        "method": "SendMessage",
        "params": {"message": {
            "messageId": format!("load-{n}"),
            "role": "ROLE_USER",
            "parts": [{"text": "complete"}]
        }}
    })
    .to_string()
}

async fn post(client: &reqwest::Client, url: &str, body: String) -> Result<Value, String> {
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("A2A-Version", "1.0")
        .body(body)
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| format!("body: {e}"))?;
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    serde_json::from_slice(&bytes).map_err(|e| format!("response is not JSON: {e}"))
}

fn task_of(response: &Value) -> Result<(String, String), String> {
    let task = &response["result"]["task"];
    match (task["id"].as_str(), task["status"]["state"].as_str()) {
        (Some(id), Some(state)) => Ok((id.to_owned(), state.to_owned())),
        _ => Err(format!("no task in response: {response}")),
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

async fn throughput(client: reqwest::Client, url: String, args: &Args) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut workers = Vec::with_capacity(args.clients);
    for worker in 0..args.clients as u64 {
        let (client, url) = (client.clone(), url.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies_us: Vec<u32> = Vec::with_capacity(1 << 14);
            let mut ids = Vec::with_capacity(1 << 14);
            let mut errors = 0u64;
            let mut n = worker << 40;
            while Instant::now() < deadline {
                n += 1;
                let sent = Instant::now();
                match post(&client, &url, send_body(n))
                    .await
                    .and_then(|r| task_of(&r))
                {
                    Ok((id, state)) if state == "TASK_STATE_COMPLETED" => {
                        latencies_us
                            .push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                        ids.push(id);
                    }
                    Ok((_, state)) => {
                        errors += 1;
                        eprintln!("unexpected state {state}");
                    }
                    Err(e) => {
                        errors += 1;
                        if errors <= 3 {
                            eprintln!("{e}");
                        }
                    }
                }
            }
            (latencies_us, ids, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut ids = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (l, i, e) = worker.await.map_err(|e| format!("worker panicked: {e}"))?;
        latencies.extend(l);
        ids.extend(i);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    println!(
        "sent {} blocking SendMessage(complete) with {} clients in {elapsed:.1} s: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms, {errors} errors",
        latencies.len(),
        args.clients,
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 0.999),
        percentile(&latencies, 1.0),
    );

    // Every returned task must be retrievable and completed.
    let verify_started = Instant::now();
    let chunk = ids.len().div_ceil(args.clients).max(1);
    let mut checkers = Vec::new();
    for part in ids.chunks(chunk) {
        let (client, url, part) = (client.clone(), url.clone(), part.to_vec());
        checkers.push(tokio::spawn(async move {
            let mut lost = 0u64;
            for id in part {
                let body = json!({"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": id, "historyLength": 0}});
                let state = post(&client, &url, body.to_string())
                    .await
                    .ok()
                    .and_then(|r| r["result"]["status"]["state"].as_str().map(str::to_owned));
                if state.as_deref() != Some("TASK_STATE_COMPLETED") {
                    lost += 1;
                }
            }
            lost
        }));
    }
    let mut lost = 0;
    for checker in checkers {
        lost += checker
            .await
            .map_err(|e| format!("checker panicked: {e}"))?;
    }
    println!(
        "verified {} tasks with GetTask in {:.1} s: {lost} lost or not completed",
        ids.len(),
        verify_started.elapsed().as_secs_f64()
    );
    if errors > 0 || lost > 0 {
        return Err(format!("{errors} failed requests, {lost} lost tasks"));
    }
    Ok(())
}

async fn memory(
    client: reqwest::Client,
    url: String,
    tasks: u64,
    clients: usize,
) -> Result<(), String> {
    let per_client = tasks.div_ceil(clients as u64);
    let before = rss_kib();
    println!("RSS before: {} MiB", before / 1024);
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..clients as u64 {
        let (client, url) = (client.clone(), url.clone());
        workers.push(tokio::spawn(async move {
            let mut failures = 0u64;
            for i in 0..per_client {
                let n = (worker << 40) + i;
                if post(&client, &url, send_body(n))
                    .await
                    .and_then(|r| task_of(&r))
                    .is_err()
                {
                    failures += 1;
                }
                if worker == 0 && i % (per_client / 10).max(1) == 0 {
                    println!(
                        "  {:>8} tasks created, RSS {} MiB",
                        i * clients as u64,
                        rss_kib() / 1024
                    );
                }
            }
            failures
        }));
    }
    let mut failures = 0;
    for worker in workers {
        failures += worker.await.map_err(|e| format!("worker panicked: {e}"))?;
    }
    let after = rss_kib();
    println!(
        "created {} tasks in {:.1} s; RSS after: {} MiB (+{} MiB); {failures} failures",
        per_client * clients as u64,
        started.elapsed().as_secs_f64(),
        after / 1024,
        after.saturating_sub(before) / 1024
    );
    if failures > 0 {
        return Err(format!("{failures} requests failed"));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("load: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("load: cannot start the runtime: {e}");
            return ExitCode::from(3);
        }
    };
    let outcome = runtime.block_on(async {
        let mut config = Config {
            bind: "127.0.0.1:0".into(),
            ..Config::default()
        };
        if args.memory.is_none() {
            // Keep every task of the run so each can be verified afterwards.
            config.store.max_tasks = 4_000_000;
            config.store.max_live_tasks = 4_000_000;
        }
        let (url, _agent) = if let Some(url) = &args.url {
            (format!("{}/jsonrpc", url.trim_end_matches('/')), None)
        } else {
            let agent = serve(config).await.map_err(|e| e.to_string())?;
            (format!("{}/jsonrpc", agent.base_url()), Some(agent))
        };
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(args.clients)
            .build()
            .map_err(|e| e.to_string())?;
        match args.memory {
            Some(tasks) => memory(client, url, tasks, args.clients).await,
            None => throughput(client, url, &args).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load: {e}");
            ExitCode::FAILURE
        }
    }
}
