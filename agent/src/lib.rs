//! `a2a-reference-agent`: a spec-faithful A2A agent for the conformance kit.
//!
//! It serves A2A 1.0 (JSON-RPC and HTTP+JSON, with SSE streaming on both) and A2A 0.3 (JSON-RPC)
//! from one process, keeps tasks in a bounded in-memory store, and reaches every task state on
//! request through scripted behaviours (see `agent/README.md`). Optional [authentication](auth)
//! (API key or bearer JWT), the [message-integrity extension](message_integrity) and
//! [webhook delivery](push) make it a secured agent too. Named, off-by-default
//! [defects] make it deliberately wrong in one way each, so the kit can prove its checks
//! fail when they should.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = a2a_reference_agent::config::Config::default();
//! let running = a2a_reference_agent::serve(config).await?;
//! println!("listening on {}", running.base_url());
//! running.shutdown().await;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod behaviour;
pub mod card;
pub mod clock;
pub mod config;
pub mod defects;
pub mod errors;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod jsonrpc;
pub mod message_integrity;
pub mod operations;
pub mod payload;
pub mod push;
pub mod rest;
pub mod sse;
pub mod task;
pub mod timestamp;
pub mod version;
pub mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::card::{Cards, RenderedCard};
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ConfigError, ExtendedCard, Settings};
use crate::errors::{A2aError, ErrorKind};
use crate::operations::Agent;
use crate::task::TaskStore;

/// Everything a request handler needs.
#[derive(Debug)]
pub struct App {
    pub agent: Agent,
    pub cards: Cards,
    pub auth: auth::Authenticator,
    pub integrity: Option<message_integrity::Integrity>,
}

impl App {
    /// The extended card, or the error the configuration calls for.
    pub fn extended_card(&self) -> Result<&RenderedCard, A2aError> {
        match (self.agent.settings.extended_card, &self.cards.extended) {
            (ExtendedCard::On, Some(card)) => Ok(card),
            (ExtendedCard::Unconfigured, _) => {
                Err(A2aError::new(ErrorKind::ExtendedAgentCardNotConfigured))
            }
            _ => Err(A2aError::new(ErrorKind::UnsupportedOperation)
                .with_message("this agent declares no extended agent card")),
        }
    }
}

impl App {
    /// Refuses a message to a skill whose scope (`auth.skill_scopes`) the caller lacks.
    pub fn check_scope(
        &self,
        caller: &auth::Caller,
        message: &task::Message,
    ) -> Result<(), A2aError> {
        if self
            .agent
            .settings
            .defects
            .has(defects::Defect::InsufficientScopeAccepted)
        {
            return Ok(());
        }
        let skill = behaviour::skill(message);
        match self.agent.settings.config.auth.skill_scopes.get(skill) {
            Some(scope) if !caller.has_scope(scope) => Err(auth::insufficient_scope(self, scope).0),
            _ => Ok(()),
        }
    }
}

/// The base URL written into the card when `public_url` is not configured.
fn base_url(settings: &Settings) -> String {
    settings
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", settings.config.bind))
}

/// The application state for a configuration, with the wall clock.
pub fn state(config: &Config) -> Result<Arc<App>, ConfigError> {
    state_with_clock(config, Arc::new(SystemClock))
}

/// The application state with an injected clock.
pub fn state_with_clock(config: &Config, clock: Arc<dyn Clock>) -> Result<Arc<App>, ConfigError> {
    let settings = config.settings()?;
    let store = Arc::new(TaskStore::new(
        settings.config.store.limits(),
        clock,
        settings.defects.clone(),
    ));
    let integrity = message_integrity::Integrity::from_config(&settings.config.integrity)
        .map_err(ConfigError::Invalid)?;
    let declaration = integrity
        .as_ref()
        .map(message_integrity::Integrity::declaration);
    let cards = card::render(&settings, &base_url(&settings), declaration.as_ref())
        .map_err(|e| ConfigError::Invalid(e.to_string()))?;
    let pusher = Arc::new(
        push::Pusher::new(&settings.config.push, settings.defects.clone())
            .map_err(ConfigError::Invalid)?,
    );
    let auth =
        auth::Authenticator::from_config(&settings.config.auth).map_err(ConfigError::Invalid)?;
    Ok(Arc::new(App {
        agent: Agent::new(settings, store, pusher),
        cards,
        auth,
        integrity,
    }))
}

async fn agent_card(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    app.cards.public.respond(&headers)
}

async fn jwks(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    match &app.cards.jwks {
        Some(jwks) => jwks.respond(&headers),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// The router over an application state.
///
/// Everything but the public card and its JWKS passes the authentication middleware
/// ([`auth::middleware`]): JSON-RPC, every HTTP+JSON route (streams and push configurations
/// included) and unknown routes.
pub fn router(app: Arc<App>) -> Router {
    let protected = Router::new()
        .route(card::JSONRPC_PATH, post(jsonrpc::handle))
        .fallback(rest::handle)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            message_integrity::middleware,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            auth::middleware,
        ));
    Router::new()
        .route(card::CARD_PATH, get(agent_card))
        .route(card::JWKS_PATH, get(jwks))
        .merge(protected)
        .with_state(app)
}

/// The whole agent as an axum [`Router`], for a configuration.
pub fn app(config: &Config) -> Result<Router, ConfigError> {
    Ok(router(state(config)?))
}

/// A running agent.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://` + the bound address.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits (at most five seconds) for open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let task = &mut self.task;
        if tokio::time::timeout(std::time::Duration::from_secs(5), task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Why the agent could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServeError {
    Config(ConfigError),
    Bind(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Config(e) => e.fmt(f),
            Self::Bind(e) => write!(f, "cannot listen: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// Binds `config.bind` (port 0 picks a free port), and serves the agent in the background. The
/// card names the bound address unless `public_url` is set.
pub async fn serve(mut config: Config) -> Result<Running, ServeError> {
    config.settings().map_err(ServeError::Config)?;
    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .map_err(ServeError::Bind)?;
    let addr = listener.local_addr().map_err(ServeError::Bind)?;
    if config.public_url.is_none() {
        config.public_url = Some(format!("http://{addr}"));
    }
    let router = app(&config).map_err(ServeError::Config)?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(Running {
        addr,
        shutdown: Some(tx),
        task,
    })
}
