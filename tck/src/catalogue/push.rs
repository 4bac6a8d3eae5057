//! Push-notification webhooks (A2A 1.0 §4.3.3, §13.2, §3.1.10; 0.3 push topic; DIGEST §10.9 and
//! SECURITY-PROFILE "Push-notification webhooks"). Declarations only: the judgement is in
//! `rules::push`. The kit hosts the receiver (profile `[webhook]`); the SSRF probe watches its own
//! loopback canary. The configuration scenarios (PUSH-03…10, PUSH-16) are judged in
//! `rules::push_config`.

use std::sync::Arc;

use crate::check::step;
use crate::rules::push::{self as rules, Judge};
use crate::rules::push_config::{Check, Configs, other_principal_configs_hidden};
use crate::scenario::{Applies, Area, Family, Level, Need, Scenario, SpecRef};

const NEEDS: &[Need] = &[Need::Card, Need::Interface];

/// The push webhook scenarios.
#[allow(clippy::too_many_lines)] // One declaration per requirement.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // S1x §3.3.4: PushNotificationNotSupportedError when `pushNotifications` is false or absent.
        Scenario {
            id: "PUSH-01",
            title: "without the capability, push-config methods answer PushNotificationNotSupportedError",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.3.4",
            },
            requirement: "pushNotifications false/absent → Create/Get/List/Delete MUST return PushNotificationNotSupportedError (-32003 / HTTP 400).",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::unsupported_without_capability),
        },
        Scenario {
            id: "PUSH-02",
            title: "0.3: without the capability, push-config methods answer an error",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§7.5–7.8, §8.2",
            },
            requirement: "pushNotifications false/absent → set/get/list/delete return PushNotificationNotSupportedError (the code a SHOULD: any error accepted).",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V0_3],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::unsupported_without_capability),
        },
        // §3.1.7 Outputs: "Created configuration with assigned ID".
        Scenario {
            id: "PUSH-03",
            title: "Create answers the configuration with its assigned id",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.7",
            },
            requirement: "Create on a running task answers the created configuration with an assigned, non-empty `id`, its `taskId` and the registered `url`.",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(Configs(Check::Create)),
        },
        // §3.1.7 Errors: "TaskNotFoundError: The task ID does not exist or is not accessible."
        Scenario {
            id: "PUSH-04",
            title: "Create on an unknown task is TaskNotFoundError",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.7",
            },
            requirement: "Create for a task id that does not exist → TaskNotFoundError (-32001 / HTTP 404), after a Create on a real task succeeded.",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(Configs(Check::CreateUnknownTask)),
        },
        // §3.1.7: "The configuration MUST persist until task completion or explicit deletion."
        Scenario {
            id: "PUSH-05",
            title: "the configuration persists while the task runs",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.7",
            },
            requirement: "The configuration MUST persist until task completion or deletion: Get 1 s after Create (the task still running) answers the same url, token and authentication.",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(Configs(Check::Persists)),
        },
        // §3.1.8: "MUST return configuration details including webhook URL"; 0.3 §7.6 retrieves the configuration.
        Scenario {
            id: "PUSH-06",
            title: "Get answers the configuration as created",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.8 (0.3 §7.6)",
            },
            requirement: "Get MUST return the configuration details including the webhook URL: id, taskId and url as Create answered them, schema-valid.",
            area: Area::Push,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(Configs(Check::Get)),
        },
        // §3.1.8: "MUST fail if the configuration does not exist"; Errors: TaskNotFoundError.
        Scenario {
            id: "PUSH-07",
            title: "Get of a missing configuration is TaskNotFoundError",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.8",
            },
            requirement: "Get MUST fail if the configuration does not exist: an unknown configuration id on a task that has one → TaskNotFoundError (-32001 / HTTP 404).",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(Configs(Check::GetMissing)),
        },
        // §3.1.9: "MUST return all active push notification configurations"; 0.3 §7.7 returns them as an array.
        Scenario {
            id: "PUSH-08",
            title: "List answers every configuration of the task",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.9 (0.3 §7.7)",
            },
            requirement: "List MUST return all active configurations: two created → both listed (pages followed); 1.0 shape `{configs, nextPageToken}`, 0.3 an array.",
            area: Area::Push,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(Configs(Check::List)),
        },
        // §3.1.10: "MUST permanently remove the specified push notification configuration"; 0.3 §7.8 deletes it.
        Scenario {
            id: "PUSH-09",
            title: "Delete removes the configuration",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.10 (0.3 §7.8)",
            },
            requirement: "Delete MUST permanently remove the configuration: after it, Get fails and List omits it.",
            area: Area::Push,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(Configs(Check::Delete)),
        },
        // §3.1.10: "MUST be idempotent" ([lenient on TaskNotFound]: reported as a warning, like CANCEL-04).
        Scenario {
            id: "PUSH-10",
            title: "a second Delete has the same effect",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.10",
            },
            requirement: "Delete is idempotent: deleting the same configuration twice → the second succeeds (TaskNotFoundError tolerated), never a server error (reported as a warning: DIGEST [lenient]).",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(Configs(Check::DeleteTwice)),
        },
        Scenario {
            id: "PUSH-11",
            title: "no notifications after the configuration is deleted",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.10",
            },
            requirement: "Delete removes the configuration permanently: after delete (before the task completes) the webhook receives nothing more.",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::no_delivery_after_delete),
        },
        Scenario {
            id: "PUSH-12",
            title: "the agent attempts delivery to the configured webhook",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§4.3.3",
            },
            requirement: "The agent MUST attempt delivery at least once per configured webhook: the kit's webhook receives at least one POST after a task update.",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Deliveries(Judge::Delivered)),
        },
        Scenario {
            id: "PUSH-13",
            title: "the delivery body is a StreamResponse of the task",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§4.3.3, §3.5.1",
            },
            requirement: "The payload is a StreamResponse (exactly one of task/message/statusUpdate/artifactUpdate) in HTTP-binding JSON, naming the registered task.",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Deliveries(Judge::Body)),
        },
        Scenario {
            id: "PUSH-14",
            title: "the configured credentials are sent to the webhook",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§4.3.3, §13.2",
            },
            requirement: "Credentials from `authentication` are sent: config `{scheme, credentials}` → the webhook sees `Authorization: <scheme> <credentials>`.",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Deliveries(Judge::Authorization)),
        },
        Scenario {
            id: "PUSH-15",
            title: "0.3: the agent authenticates to the webhook as configured",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "push topic",
            },
            requirement: "The server MUST authenticate to the webhook per `authentication.schemes`: an Authorization header with the configured credentials.",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V0_3],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Deliveries(Judge::Authorization)),
        },
        // §13.1: push-config operations "MUST verify the client has appropriate access rights".
        Scenario {
            id: "PUSH-16",
            title: "another principal cannot read a task's push configurations",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§13.1",
            },
            requirement: "Push-config operations check access rights: principal B's Get and List of principal A's configuration answer exactly like on an unknown task.",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(other_principal_configs_hidden),
        },
        Scenario {
            id: "PUSH-17",
            title: "webhook deliveries are HTTP POSTs to the configured URL",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.5.1 (0.3 push topic)",
            },
            requirement: "Webhook notifications are HTTP POSTs to the configured URL: method and path checked at the receiver.",
            area: Area::Push,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Deliveries(Judge::Delivered)),
        },
        Scenario {
            id: "SEC-PUSH-01",
            title: "deliveries carry Authorization exactly as configured",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§4.3.3",
            },
            requirement: "A delivery carries `Authorization: <scheme> <credentials>` exactly as configured.",
            area: Area::Push,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Deliveries(Judge::Authorization)),
        },
        Scenario {
            id: "SEC-PUSH-02",
            title: "0.3 deliveries carry X-A2A-Notification-Token",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "push topic",
            },
            requirement: "A delivery carries `X-A2A-Notification-Token` equal to the configured token (0.3).",
            area: Area::Push,
            applies: Applies {
                versions: &[Family::V0_3],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Deliveries(Judge::Token)),
        },
        Scenario {
            id: "SEC-PUSH-03",
            title: "the delivery body is a StreamResponse (1.0) / Task (0.3) of the task",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§4.3.3",
            },
            requirement: "The body is a StreamResponse (1.0) / Task (0.3) for the registered task, schema-valid.",
            area: Area::Push,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Deliveries(Judge::Body)),
        },
        Scenario {
            id: "SEC-PUSH-04",
            title: "a loopback webhook URL is refused and never called",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§13.2",
            },
            requirement: "A webhook URL on loopback, private or link-local ranges is refused at registration, and no request reaches it (the kit watches a loopback canary; it never targets other ranges).",
            area: Area::Push,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::loopback_webhook_refused),
        },
        // Standard Webhooks: "webhook-id", "webhook-timestamp", "webhook-signature" (v1, HMAC-SHA256).
        Scenario {
            id: "SEC-PUSH-05",
            title: "signed deliveries verify, are fresh, and never reuse an id for another event",
            level: Level::Must,
            spec: SpecRef {
                source: "Standard Webhooks",
                section: "Signature scheme; SECURITY-PROFILE",
            },
            requirement: "When signing is declared: signed deliveries verify; the timestamp is fresh; ids are unique across different events (retries of one event may reuse theirs).",
            area: Area::Push,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Deliveries(Judge::Signature)),
        },
        Scenario {
            id: "SEC-PUSH-06",
            title: "no deliveries after the configuration is deleted",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.10",
            },
            requirement: "After delete, no further deliveries for that configuration.",
            area: Area::Push,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::no_delivery_after_delete),
        },
    ]
}
