//! Push notifications: webhook URL validation against SSRF, and delivery.
//!
//! **Validation** (at registration, and again before every attempt): the URL must be an absolute
//! `http://` URL (this agent is built without TLS, so it delivers only over plain HTTP; an
//! `https://` URL is refused with -32602 rather than accepted and never delivered); its host is
//! resolved and *every* address must be public: loopback, private (RFC 1918, IPv6 ULA),
//! link-local, shared (100.64/10), unspecified, multicast, broadcast, documentation and reserved
//! ranges are refused, IPv4-mapped IPv6 addresses judged by their IPv4 address, unless the host is
//! listed in `push.allowed_hosts` or `push.allow_private_webhooks` is set. A delivery connects to
//! the address that was checked (the client is pinned to it, so a DNS answer that changes between
//! check and connect cannot redirect it), and never follows redirects.
//!
//! **Delivery.** Registering the first configuration of a live task starts a watcher on the
//! task's events; each event is turned into one delivery per configuration then registered and put
//! on a bounded queue (`push.queue`; when full, the delivery is dropped, never waited for), so a
//! slow or dead webhook never delays task processing. A worker sends each delivery in its own
//! task (at most [`MAX_IN_FLIGHT`] at once): an HTTP POST of the version's body (A2A 1.0: a
//! `StreamResponse`; 0.3: the `Task`), with `Authorization: <scheme> <credentials>` when the
//! configuration gives credentials, `X-A2A-Notification-Token` when it gives a token, and
//! Standard Webhooks headers (`webhook-id` fixed per event, fresh timestamp per attempt) when
//! `push.signing_secret` is set. A connection error, a 429 or a 5xx is retried up to
//! `push.max_attempts` attempts in all, after `backoff_ms · 2^(n-1)` capped at `max_backoff_ms`,
//! with full jitter. Before every attempt the configuration must still exist: after a delete,
//! nothing more is sent.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use a2a_security::webhook::{WebhookSecret, WebhookSigner};
use a2a_security::{Clock as _, SystemClock};
use axum::http::Uri;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{Semaphore, mpsc};

use crate::config::PushConfigSection;
use crate::defects::{Defect, Defects};
use crate::errors::A2aError;
use crate::sse::StreamItem;
use crate::task::{Owner, PushConfig, Subscription, Task, TaskEvent, TaskStore, TaskView};
use crate::wire::{v1, v03};

/// Deliveries in flight at most.
pub const MAX_IN_FLIGHT: usize = 32;

/// One event to one webhook.
#[derive(Debug)]
struct Delivery {
    owner: Owner,
    config: PushConfig,
    body: Vec<u8>,
    event_id: String,
}

/// The push machinery of one agent.
#[derive(Debug)]
pub struct Pusher {
    settings: PushConfigSection,
    defects: Defects,
    signer: Option<WebhookSigner>,
    queue: mpsc::Sender<Delivery>,
    receiver: Mutex<Option<mpsc::Receiver<Delivery>>>,
    watched: Mutex<HashSet<String>>,
}

/// Whether an address is one a webhook may not target by default.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => private_v4(v4),
            None => private_v6(v6),
        },
    }
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space, RFC 6598
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240 // reserved
}

fn private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || ip.to_ipv4().is_some_and(private_v4) // IPv4-compatible
}

fn refused(why: impl Into<String>) -> A2aError {
    A2aError::invalid_params("url", why)
}

impl Pusher {
    /// The pusher for a configuration (the worker starts with the first delivery).
    pub fn new(settings: &PushConfigSection, defects: Defects) -> Result<Self, String> {
        let signer = match &settings.signing_secret {
            None => None,
            Some(text) => Some(WebhookSigner::new(
                WebhookSecret::parse(text).map_err(|e| format!("push.signing_secret: {e}"))?,
            )),
        };
        let (queue, receiver) = mpsc::channel(settings.queue.max(1));
        Ok(Self {
            settings: settings.clone(),
            defects,
            signer,
            queue,
            receiver: Mutex::new(Some(receiver)),
            watched: Mutex::new(HashSet::new()),
        })
    }

    /// Checks a webhook URL (see the module documentation); returns the address to connect to.
    pub async fn check_url(&self, url: &str) -> Result<(String, Vec<SocketAddr>), A2aError> {
        let uri = url
            .parse::<Uri>()
            .map_err(|_| refused("must be an absolute http URL"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(refused(
                    "this agent delivers over plain http only (it is built without TLS)",
                ));
            }
            _ => return Err(refused("must be an absolute http URL")),
        }
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| refused("must name a host"))?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let port = uri.port_u16().unwrap_or(80);
        let allowed = self.settings.allow_private_webhooks
            || self
                .settings
                .allowed_hosts
                .iter()
                .any(|h| h.eq_ignore_ascii_case(bare));
        let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((bare, port))
                .await
                .map_err(|_| refused("the host does not resolve"))?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(refused("the host does not resolve"));
        }
        if !allowed {
            for a in &addrs {
                let ip = a.ip();
                let loophole =
                    ip.is_loopback() && self.defects.has(Defect::WebhookToLoopbackAccepted);
                if is_private(ip) && !loophole {
                    return Err(refused(
                        "resolves to a loopback, private, link-local or reserved address",
                    ));
                }
            }
        }
        Ok((bare.to_owned(), addrs))
    }

    /// Starts watching a task's events for deliveries, unless already watched.
    pub fn watch(self: &Arc<Self>, store: &Arc<TaskStore>, owner: &Owner, task_id: &str) {
        {
            let Ok(mut watched) = self.watched.lock() else {
                return;
            };
            if !watched.insert(task_id.to_owned()) {
                return;
            }
        }
        let Ok(sub) = store.subscribe(owner, task_id) else {
            self.unwatch(task_id);
            return;
        };
        if sub.task.status.state.is_terminal() {
            self.unwatch(task_id);
            return;
        }
        tokio::spawn(Arc::clone(self).run_watch(
            Arc::clone(store),
            owner.clone(),
            task_id.to_owned(),
            sub,
        ));
    }

    fn unwatch(&self, task_id: &str) {
        if let Ok(mut w) = self.watched.lock() {
            w.remove(task_id);
        }
    }

    async fn run_watch(
        self: Arc<Self>,
        store: Arc<TaskStore>,
        owner: Owner,
        task_id: String,
        mut sub: Subscription,
    ) {
        let mut seen: Vec<PushConfig> = Vec::new();
        loop {
            let event = match sub.events.recv().await {
                Ok(e) => e,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            };
            let Some(task) = store.get(&owner, &task_id) else {
                break;
            };
            let terminal = matches!(&event, TaskEvent::Status(s) if s.state.is_terminal());
            self.enqueue(&store, &owner, &task, &event, &mut seen);
            if terminal {
                break;
            }
        }
        self.unwatch(&task_id);
    }

    fn enqueue(
        self: &Arc<Self>,
        store: &Arc<TaskStore>,
        owner: &Owner,
        task: &Task,
        event: &TaskEvent,
        seen: &mut Vec<PushConfig>,
    ) {
        let Ok(mut configs) = store.push_configs(owner, &task.id) else {
            return;
        };
        if self.defects.has(Defect::DeliveriesAfterDelete) {
            // Deliberately wrong: every configuration ever seen on the task is still served.
            for c in &configs {
                if !seen.iter().any(|s| s.id == c.id) {
                    seen.push(c.clone());
                }
            }
            configs.clone_from(seen);
        }
        let event_id = format!("evt_{}", uuid::Uuid::new_v4().simple());
        for config in configs {
            let body = if config.v03 {
                v03::task(task, TaskView::FULL, &self.defects)
            } else {
                let item = match event {
                    TaskEvent::Status(status) => StreamItem::Status {
                        task_id: &task.id,
                        context_id: &task.context_id,
                        status,
                    },
                    TaskEvent::Artifact {
                        artifact,
                        append,
                        last_chunk,
                    } => StreamItem::Artifact {
                        task_id: &task.id,
                        context_id: &task.context_id,
                        artifact,
                        append: *append,
                        last_chunk: *last_chunk,
                    },
                };
                v1::stream_response(item, &self.defects)
            };
            let delivery = Delivery {
                owner: owner.clone(),
                config,
                body: body.to_string().into_bytes(),
                event_id: event_id.clone(),
            };
            // A full queue drops the delivery: the task never waits for a webhook.
            let _ = self.queue.try_send(delivery);
        }
        self.start_worker(store);
    }

    fn start_worker(self: &Arc<Self>, store: &Arc<TaskStore>) {
        let receiver = self.receiver.lock().ok().and_then(|mut r| r.take());
        let Some(mut receiver) = receiver else {
            return;
        };
        let store = Arc::clone(store);
        let pusher = Arc::clone(self);
        tokio::spawn(async move {
            let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
            while let Some(delivery) = receiver.recv().await {
                let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                    break;
                };
                let store = Arc::clone(&store);
                let pusher = Arc::clone(&pusher);
                tokio::spawn(async move {
                    pusher.deliver(&store, delivery).await;
                    drop(permit);
                });
            }
        });
    }

    /// Whether the delivery's configuration still exists (always, under `deliveries-after-delete`).
    fn still_registered(&self, store: &TaskStore, d: &Delivery) -> bool {
        self.defects.has(Defect::DeliveriesAfterDelete)
            || store
                .push_config(&d.owner, &d.config.task_id, &d.config.id)
                .is_ok()
    }

    fn delay(&self, attempt: u32) -> Duration {
        let base = self
            .settings
            .backoff_ms
            .saturating_mul(1u64 << attempt.saturating_sub(1).min(20))
            .min(self.settings.max_backoff_ms);
        // Full jitter: uniform in [0, base].
        let random = u64::from_le_bytes(
            uuid::Uuid::new_v4().as_bytes()[..8]
                .try_into()
                .unwrap_or([0; 8]),
        );
        Duration::from_millis(random % base.saturating_add(1))
    }

    async fn deliver(&self, store: &TaskStore, d: Delivery) {
        for attempt in 1..=self.settings.max_attempts.max(1) {
            if attempt > 1 {
                tokio::time::sleep(self.delay(attempt - 1)).await;
            }
            if !self.still_registered(store, &d) {
                return;
            }
            match self.attempt(&d).await {
                Attempt::Done => return,
                Attempt::Retry => {}
            }
        }
    }

    async fn attempt(&self, d: &Delivery) -> Attempt {
        // Checked again at each attempt: what the name resolves to may have changed.
        let Ok((host, addrs)) = self.check_url(&d.config.url).await else {
            return Attempt::Done;
        };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(Duration::from_millis(self.settings.timeout_ms))
            .resolve_to_addrs(&host, &addrs)
            .build();
        let Ok(client) = client else {
            return Attempt::Done;
        };
        let mut request = client
            .post(&d.config.url)
            .header("content-type", "application/json")
            .body(d.body.clone());
        if let Some(auth) = &d.config.authentication
            && let Some(scheme) = auth.schemes.first()
            && !self.defects.has(Defect::WebhookWithoutAuthorization)
        {
            let value = match &auth.credentials {
                Some(c) => format!("{scheme} {c}"),
                None => scheme.clone(),
            };
            request = request.header("authorization", value);
        }
        if let Some(token) = &d.config.token {
            request = request.header("X-A2A-Notification-Token", token);
        }
        if let Some(signer) = &self.signer
            && let Ok(signed) = signer.sign(&d.event_id, SystemClock.now(), &d.body)
        {
            for (name, value) in signed.iter() {
                request = request.header(name, value);
            }
        }
        match request.send().await {
            Ok(r) if r.status().is_server_error() || r.status().as_u16() == 429 => Attempt::Retry,
            Ok(_) => Attempt::Done,
            Err(_) => Attempt::Retry,
        }
    }
}

enum Attempt {
    Done,
    Retry,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_exponential_capped_and_jittered() {
        let settings = PushConfigSection {
            backoff_ms: 100,
            max_backoff_ms: 1000,
            ..PushConfigSection::default()
        };
        let p = Pusher::new(&settings, Defects::none()).unwrap();
        for (attempt, cap) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (40, 1000),
        ] {
            let delays: Vec<u128> = (0..64).map(|_| p.delay(attempt).as_millis()).collect();
            assert!(delays.iter().all(|d| *d <= cap), "attempt {attempt}");
            assert!(
                delays.iter().any(|d| *d != delays[0]),
                "attempt {attempt}: no jitter"
            );
        }
    }

    #[test]
    fn private_ranges_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }
}
