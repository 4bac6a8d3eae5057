//! What a scenario's step can use: the client, the target, the card fetched at discovery, and
//! the verification material of the profile.

use std::sync::Arc;

use a2a_security::jwk::JwkSet;
use serde::Serialize;
use serde_json::Value;

use crate::check::HarnessError;
use crate::evidence::Recorder;
use crate::profile::Profile;
use crate::schema::SchemaSet;
use crate::target::Target;
use crate::transport::http::{HttpClient, HttpRequest, HttpResponse};

/// What discovery found at the card URL.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Discovery {
    /// The URL fetched.
    pub card_url: String,
    /// The recorded exchange.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange: Option<String>,
    /// HTTP status, when a response came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Response headers (names lower-cased).
    #[serde(skip)]
    pub headers: Vec<(String, String)>,
    /// The card, when the body is a JSON object.
    #[serde(skip)]
    pub card: Option<Value>,
    /// Why there is no card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The endpoint could not be reached at all.
    pub unreachable: bool,
    /// The card URL answered, but with something the harness cannot judge (timeout, a body
    /// over the cap, invalid UTF-8): card scenarios report `Error`, not `Fail`.
    pub harness_fault: bool,
}

/// The context of one scenario run.
#[derive(Debug, Clone)]
pub struct Context {
    /// HTTP client.
    pub client: HttpClient,
    /// This scenario's evidence.
    pub recorder: Recorder,
    /// The selected interface, if any.
    pub target: Option<Target>,
    /// Discovery results (shared).
    pub discovery: Arc<Discovery>,
    /// The profile.
    pub profile: Arc<Profile>,
    /// Loaded schemas.
    pub schemas: Option<Arc<SchemaSet>>,
    /// Card verification keys.
    pub card_keys: Option<Arc<JwkSet>>,
    /// The webhook receiver, when the profile configures one (push scenarios).
    pub webhook: Option<Arc<crate::webhook_receiver::WebhookReceiver>>,
}

impl Context {
    /// The URL the agent should deliver push notifications to: the profile's `public_url`, or
    /// the receiver's own loopback URL.
    pub fn webhook_url(&self) -> Option<String> {
        let receiver = self.webhook.as_ref()?;
        Some(
            self.profile
                .webhook
                .as_ref()
                .and_then(|w| w.public_url.clone())
                .unwrap_or_else(|| receiver.url()),
        )
    }
}

impl Context {
    /// The agent card, when discovery obtained one.
    pub fn card(&self) -> Option<&Value> {
        self.discovery.card.as_ref()
    }

    /// The target, or a harness error naming what is missing.
    pub fn target(&self) -> Result<&Target, HarnessError> {
        self.target
            .as_ref()
            .ok_or_else(|| HarnessError("no interface selected".into()))
    }

    /// Sends a request, recording it.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HarnessError> {
        Ok(self.client.send(request, &self.recorder).await?)
    }

    /// Sends a request whose answer may be a stream, recording it.
    pub async fn stream(&self, request: HttpRequest) -> Result<HttpResponse, HarnessError> {
        Ok(self.client.stream(request, &self.recorder).await?)
    }
}
