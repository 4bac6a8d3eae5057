//! Deliberate defects, for the conformance kit's self-validation only.
//!
//! **Every item here makes the agent deliberately wrong.** Each defect breaks exactly one
//! requirement of the A2A specification (the ids are those of `shared/spec/DIGEST.md` §10 and
//! `shared/SECURITY-PROFILE.md`), so the kit can prove that each of its checks is able to fail. They
//! are all off by default and are switched on only by name (`--defect NAME`, or `defects = [..]` in
//! the configuration file). Each one is consulted at the single place its behaviour changes;
//! `grep -n 'Defect::Name'` finds it.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

macro_rules! defects {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, [$($id:literal),+ $(,)?], $desc:literal; )+) => {
        /// A named, deliberately wrong behaviour. See the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Defect {
            $( $(#[$doc])* $variant, )+
        }

        impl Defect {
            /// Every defect, in declaration order.
            pub const ALL: &'static [Defect] = &[$(Defect::$variant),+];

            /// The name used on the command line and in configuration files.
            pub const fn name(self) -> &'static str {
                match self { $(Defect::$variant => $name,)+ }
            }

            /// What the defect makes the agent do wrong.
            pub const fn description(self) -> &'static str {
                match self { $(Defect::$variant => $desc,)+ }
            }

            /// The requirement ids (DIGEST.md §10, SECURITY-PROFILE.md, DIGEST.md §11 for SHOULDs)
            /// whose checks this defect makes fail.
            pub const fn breaks(self) -> &'static [&'static str] {
                match self { $(Defect::$variant => &[$($id),+],)+ }
            }
        }
    };
}

defects! {
    /// A message to a completed, failed, canceled or rejected task is accepted and reopens it.
    TerminalAcceptsMessages = "terminal-accepts-messages", ["SEND-05", "SEND-06", "CANCEL-06"],
        "a message to a terminal task is accepted and moves the task back to working";
    /// Cancel of a terminal task returns the task instead of `TaskNotCancelableError`.
    CancelTerminalSucceeds = "cancel-terminal-succeeds", ["CANCEL-02"],
        "cancel of a terminal task succeeds (returns the unchanged task) instead of -32002";
    /// Cancel is acknowledged but does nothing: the task keeps running.
    CancelIgnored = "cancel-ignored", ["CANCEL-01", "CANCEL-06"],
        "cancel of a running task returns it still working and does not cancel it";
    /// `TaskNotFoundError` is reported as invalid parameters.
    UnknownTaskWrongCode = "unknown-task-wrong-code", ["GET-02", "CANCEL-03", "SUB-03", "SEND-07", "ERR-03", "ERR-06"],
        "an unknown task id is answered with -32602 / HTTP 400 instead of -32001 / 404";
    /// A message naming an unknown `taskId` starts a new task instead of failing.
    UnknownTaskIdCreatesTask = "unknown-task-id-creates-task", ["SEND-07"],
        "a message whose taskId matches no task creates a new task instead of -32001";
    /// Streams stay open after the terminal event.
    StreamNotClosedAtTerminal = "stream-not-closed-at-terminal", ["STRM-08", "SUB-04"],
        "streams are not closed when the task reaches a terminal state";
    /// Streams begin with a status update instead of the Task.
    StreamWithoutTask = "stream-without-task", ["STRM-06", "SUB-01"],
        "task streams begin with a status update instead of the Task";
    /// A WORKING status update follows COMPLETED on streams.
    StateRegressesAfterCompleted = "state-regresses-after-completed", ["STRM-08", "STRM-09", "STRM-10", "SUB-04"],
        "streams send a working status update after the completed one";
    /// A message-only stream goes on after its Message.
    MessageStreamContinues = "message-stream-continues", ["STRM-07"],
        "a message-only stream sends its Message twice instead of closing after it";
    /// A new subscriber closes the streams of the task's earlier subscribers.
    NewSubscriberClosesOthers = "new-subscriber-closes-others", ["STRM-11"],
        "a new SubscribeToTask closes every earlier stream of the same task";
    /// Subscribing to a terminal task streams it instead of failing.
    SubscribeTerminalAccepted = "subscribe-terminal-accepted", ["SUB-02"],
        "subscribing to a terminal task streams its snapshot instead of -32004";
    /// The card does not declare streaming, and streams are served all the same.
    StreamingWhenUndeclared = "streaming-when-undeclared", ["STRM-01"],
        "the card declares streaming: false, yet SendStreamingMessage and SubscribeToTask are served instead of -32004";
    /// Status and artifact update events lack `contextId`.
    EventWithoutContextId = "event-without-context-id", ["STRM-13"],
        "status-update and artifact-update stream events carry no contextId";
    /// `historyLength` is ignored.
    HistoryNotTruncated = "history-not-truncated", ["GET-03", "GET-04", "SEND-16", "LIST-11"],
        "historyLength is ignored: the whole history is always returned";
    /// `ListTasks` omits `nextPageToken` on the last page.
    NextPageTokenMissing = "next-page-token-missing", ["LIST-02", "LIST-03"],
        "ListTasks omits nextPageToken on the last page instead of sending \"\"";
    /// `ListTasks` returns the oldest task first.
    ListOldestFirst = "list-oldest-first", ["LIST-04"],
        "ListTasks sorts oldest first instead of by status timestamp, newest first";
    /// `ListTasks` always includes artifacts.
    ListArtifactsAlways = "list-artifacts-always", ["LIST-05"],
        "ListTasks includes artifacts even without includeArtifacts";
    /// `ListTasks` ignores `includeArtifacts: true`.
    ListArtifactsNever = "list-artifacts-never", ["LIST-06"],
        "ListTasks ignores includeArtifacts: listed tasks never carry their artifacts";
    /// `ListTasks` ignores `pageSize` and returns everything on one page.
    ListPageSizeIgnored = "list-page-size-ignored", ["LIST-07"],
        "ListTasks ignores pageSize and returns every task on one page";
    /// `ListTasks` ignores the `contextId` filter.
    ListFilterIgnored = "list-filter-ignored", ["LIST-08"],
        "ListTasks ignores the contextId filter";
    /// JSON-RPC parse errors carry a non-null id.
    ParseErrorWithId = "parse-error-with-id", ["TX-07", "SEC-INPUT-01"],
        "-32700 parse errors are answered with id 0 instead of null";
    /// Integer JSON-RPC ids are echoed as strings.
    IntegerIdAsString = "integer-id-as-string", ["TX-06"],
        "an integer JSON-RPC id is echoed back as a string";
    /// Unknown methods get -32600.
    UnknownMethodWrongCode = "unknown-method-wrong-code", ["TX-10"],
        "an unknown JSON-RPC method is answered with -32600 instead of -32601";
    /// Invalid requests get -32700.
    InvalidRequestWrongCode = "invalid-request-wrong-code", ["TX-11"],
        "a well-formed JSON value that is not a JSON-RPC request is answered with -32700 instead of -32600";
    /// Messages lacking `messageId`, `role` or parts are accepted.
    InvalidParamsAccepted = "invalid-params-accepted", ["TX-12", "SEND-14"],
        "a message without messageId, without role or with no parts is accepted instead of -32602";
    /// 0.3 status updates lack `final`.
    V03StatusWithoutFinal = "v03-status-without-final", ["STRM-09", "TX-25"],
        "0.3 status-update events are sent without the final flag";
    /// 0.3 objects lack the `kind` discriminator.
    V03KindMissing = "v03-kind-missing", ["SEND-01", "TX-25"],
        "0.3 Task and Message objects are sent without kind";
    /// 1.0 objects carry the 0.3 `kind` discriminator.
    V1KindDiscriminator = "v1-kind-discriminator", ["VER-02"],
        "1.0 Task and Message objects carry the 0.3 kind discriminator";
    /// 1.0 states are written in 0.3 spelling.
    V1LowercaseStates = "v1-lowercase-states", ["TX-21"],
        "1.0 task states are written as 0.3 lower-case names (\"completed\") instead of TASK_STATE_*";
    /// Timestamps carry +00:00 instead of Z.
    TimestampsWithOffset = "timestamps-with-offset", ["TX-23"],
        "timestamps end in +00:00 instead of Z";
    /// `SendMessage` returns a bare Task without the {"task": …} wrapper.
    SendResultUnwrapped = "send-result-unwrapped", ["SEND-02"],
        "1.0 SendMessage returns a bare Task instead of {\"task\": …}";
    /// A blocking `SendMessage` returns before the task finishes.
    BlockingReturnsEarly = "blocking-returns-early", ["SEND-03"],
        "a blocking SendMessage returns as soon as the task is created";
    /// `returnImmediately` is ignored.
    ReturnImmediatelyIgnored = "return-immediately-ignored", ["SEND-04"],
        "returnImmediately is ignored: SendMessage waits for the task to finish";
    /// A client `contextId` is replaced by a fresh one.
    ContextIdSubstituted = "context-id-substituted", ["SEND-13"],
        "a client-provided contextId is replaced by a server-generated one";
    /// A `taskId` with someone else's `contextId` is accepted.
    ContextMismatchAccepted = "context-mismatch-accepted", ["SEND-12"],
        "a message whose contextId differs from its task's is accepted";
    /// Direct Message responses lack `contextId`.
    MessageWithoutContextId = "message-without-context-id", ["SEND-15"],
        "direct Message responses carry no contextId";
    /// Parts of any media type are accepted.
    MediaTypeNotChecked = "media-type-not-checked", ["SEND-08"],
        "parts of a media type outside the card's input modes are accepted instead of -32005";
    /// The A2A-Version header and query parameter are ignored.
    VersionHeaderIgnored = "version-header-ignored", ["VER-01", "VER-05", "TX-28"],
        "A2A-Version is ignored: an unsupported version is served as 1.0 instead of -32009";
    /// A patch component makes a version unsupported.
    PatchVersionRejected = "patch-version-rejected", ["VER-04"],
        "A2A-Version 1.0.1 is rejected as unsupported instead of being treated as 1.0";
    /// REST errors lack the `google.rpc.ErrorInfo` detail.
    RestErrorWithoutErrorInfo = "rest-error-without-error-info", ["ERR-03", "VER-05"],
        "HTTP+JSON errors carry no google.rpc.ErrorInfo in details";
    /// JSON-RPC error details lack `@type`.
    ErrorDataWithoutType = "error-data-without-type", ["ERR-02"],
        "JSON-RPC error.data entries carry no @type";
    /// The agent card omits a required field.
    CardMissingDescription = "card-missing-description", ["CARD-03", "CARD-04", "CARD-19"],
        "the agent card has no description (required in 0.3 and 1.0)";
    /// The agent card is served without caching headers.
    CardWithoutCacheHeaders = "card-without-cache-headers", ["S-01"],
        "the agent card is served without Cache-Control and ETag";

    // ---- security and push (probed with authentication, integrity and push configured) ----

    /// A 401 carries no `WWW-Authenticate` challenge.
    UnauthorizedWithoutChallenge = "unauthorized-without-challenge", ["SEC-AUTH-02", "AUTH-02"],
        "401 responses carry no WWW-Authenticate challenge";
    /// One operation (HTTP+JSON `GET /tasks`, `ListTasks`) runs without credentials.
    MissingCredentialsAccepted = "missing-credentials-accepted", ["SEC-AUTH-01", "AUTH-01"],
        "ListTasks over HTTP+JSON (GET /tasks) is served without credentials instead of 401";
    /// A message to a scoped skill is served to a token without the scope.
    InsufficientScopeAccepted = "insufficient-scope-accepted", ["SEC-AUTH-05", "AUTH-03"],
        "a message to a skill is served to a valid token that lacks the skill's scope instead of 403";
    /// The store ignores the principal: any caller sees any principal's task.
    OtherPrincipalTaskVisible = "other-principal-task-visible", ["SEC-AUTH-06", "AUTH-04", "GET-05", "CANCEL-05", "LIST-10", "PUSH-16"],
        "another principal's task is visible (and usable) instead of behaving like an unknown id";
    /// A bearer token presented a second time (same `jti`) is accepted.
    ReplayedJtiAccepted = "replayed-jti-accepted", ["SEC-REPLAY-01"],
        "a bearer token whose jti was already used is accepted instead of 401";
    /// An expired bearer token is accepted.
    ExpiredTokenAccepted = "expired-token-accepted", ["SEC-JWT-01"],
        "a bearer token whose exp has passed is accepted instead of 401";
    /// An unsigned (`alg: none`) bearer token is accepted.
    AlgNoneAccepted = "alg-none-accepted", ["SEC-JWT-05"],
        "an unsigned bearer token (alg none) is accepted instead of 401";
    /// An HS256 token keyed with the PEM of the agent's public key is accepted (RFC 8725 §2.1).
    AlgConfusionAccepted = "alg-confusion-accepted", ["SEC-JWT-06"],
        "an HS256 token whose HMAC secret is the PEM of the agent's public key is accepted instead of 401";
    /// A `required` extension that the request does not activate is not enforced.
    RequiredExtensionNotEnforced = "required-extension-not-enforced", ["SEC-MI-01", "EXT-01"],
        "a request that does not activate the required message-integrity extension is served instead of -32008";
    /// Activated extensions are not echoed in the response header.
    ExtensionNotEchoed = "extension-not-echoed", ["EXT-05"],
        "responses do not list the activated extension in A2A-Extensions / X-A2A-Extensions";
    /// A message-integrity timestamp outside the window is accepted.
    StaleIntegrityAccepted = "stale-integrity-accepted", ["SEC-REPLAY-04"],
        "a message-integrity request with a stale timestamp is accepted instead of 401";
    /// Webhook deliveries omit the configured `Authorization`.
    WebhookWithoutAuthorization = "webhook-without-authorization", ["SEC-PUSH-01", "PUSH-14"],
        "webhook deliveries carry no Authorization header although the config names credentials";
    /// A webhook URL on loopback is accepted although not allow-listed.
    WebhookToLoopbackAccepted = "webhook-to-loopback-accepted", ["SEC-PUSH-04"],
        "a webhook URL on a loopback address is accepted (and delivered to) without being allow-listed";
    /// Deliveries go on after the push configuration was deleted.
    DeliveriesAfterDelete = "deliveries-after-delete", ["SEC-PUSH-06", "PUSH-11"],
        "webhook deliveries continue after the push configuration was deleted";
    /// `CreateTaskPushNotificationConfig` answers the configuration without its assigned id.
    PushConfigWithoutId = "push-config-without-id", ["PUSH-03"],
        "CreateTaskPushNotificationConfig answers the configuration with an empty id (it is stored under its real one)";
    /// A push configuration for an unknown task is accepted.
    PushCreateUnknownTaskAccepted = "push-create-unknown-task-accepted", ["PUSH-04"],
        "CreateTaskPushNotificationConfig on an unknown task answers a configuration instead of -32001";
    /// Getting a configuration id the task does not have answers another configuration.
    PushGetMissingConfigSucceeds = "push-get-missing-config-succeeds", ["PUSH-07"],
        "GetTaskPushNotificationConfig of an unknown configuration id answers the task's first configuration instead of -32001";
    /// Listing a task's configurations answers only the first one.
    PushListDropsConfigs = "push-list-drops-configs", ["PUSH-08"],
        "ListTaskPushNotificationConfigs answers only the task's first configuration (and no nextPageToken to the rest)";
    /// Deleting a configuration answers success and keeps it.
    PushDeleteIgnored = "push-delete-ignored", ["PUSH-09", "PUSH-11", "SEC-PUSH-06"],
        "DeleteTaskPushNotificationConfig answers success but keeps the configuration (still listed, read and delivered to)";
    /// Deleting a configuration that is not there is an internal error.
    PushDeleteTwiceErrors = "push-delete-twice-errors", ["PUSH-10"],
        "DeleteTaskPushNotificationConfig of a configuration already deleted answers -32603 / HTTP 500 instead of success";
    /// Another principal may read a task's push configuration.
    PushConfigOtherPrincipalVisible = "push-config-other-principal-visible", ["PUSH-16"],
        "GetTaskPushNotificationConfig serves another principal's configuration (the task itself stays hidden)";
    /// The card's signature does not verify.
    CardSignatureInvalid = "card-signature-invalid", ["SEC-CARD-01", "CARD-14"],
        "the agent card's JWS signature does not verify (one bit of it is flipped)";
}

impl Defect {
    /// Whether the defect belongs to the security and push pass: its probes need an agent with
    /// authentication, the integrity extension and push delivery configured
    /// (`tests/http/security_defects.rs`).
    pub const fn is_security(self) -> bool {
        matches!(
            self,
            Self::UnauthorizedWithoutChallenge
                | Self::MissingCredentialsAccepted
                | Self::InsufficientScopeAccepted
                | Self::OtherPrincipalTaskVisible
                | Self::ReplayedJtiAccepted
                | Self::ExpiredTokenAccepted
                | Self::AlgNoneAccepted
                | Self::AlgConfusionAccepted
                | Self::RequiredExtensionNotEnforced
                | Self::ExtensionNotEchoed
                | Self::StaleIntegrityAccepted
                | Self::WebhookWithoutAuthorization
                | Self::WebhookToLoopbackAccepted
                | Self::DeliveriesAfterDelete
                | Self::PushConfigWithoutId
                | Self::PushCreateUnknownTaskAccepted
                | Self::PushGetMissingConfigSucceeds
                | Self::PushListDropsConfigs
                | Self::PushDeleteIgnored
                | Self::PushDeleteTwiceErrors
                | Self::PushConfigOtherPrincipalVisible
                | Self::CardSignatureInvalid
        )
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a defect name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDefect(pub String);

impl fmt::Display for UnknownDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown defect `{}` (see `--help`)", self.0)
    }
}

impl std::error::Error for UnknownDefect {}

impl FromStr for Defect {
    type Err = UnknownDefect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|d| d.name() == s)
            .ok_or_else(|| UnknownDefect(s.to_owned()))
    }
}

/// The set of defects switched on (empty by default: a correct agent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defects(BTreeSet<Defect>);

impl Defects {
    /// No defect: the correct agent.
    pub fn none() -> Self {
        Self::default()
    }

    /// Switches `defect` on.
    #[must_use]
    pub fn with(mut self, defect: Defect) -> Self {
        self.0.insert(defect);
        self
    }

    /// Whether `defect` is on.
    pub fn has(&self, defect: Defect) -> bool {
        self.0.contains(&defect)
    }

    /// Whether any defect is on.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The defects that are on.
    pub fn iter(&self) -> impl Iterator<Item = Defect> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Defect> for Defects {
    fn from_iter<T: IntoIterator<Item = Defect>>(iter: T) -> Self {
        Self(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = BTreeSet::new();
        for d in Defect::ALL {
            assert_eq!(d.name().parse::<Defect>(), Ok(*d));
            assert!(seen.insert(d.name()), "duplicate name {}", d.name());
            assert!(!d.breaks().is_empty());
        }
        assert!("no-such-defect".parse::<Defect>().is_err());
    }
}
