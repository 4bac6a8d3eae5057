//! Version negotiation through `A2A-Version` (A2A 1.0 §3.6, §14.2.1; DIGEST §6, §10.11).
//! Declarations only.

use std::sync::Arc;

use crate::check::{Step, step};
use crate::rules::envelope as rules;
use crate::scenario::{Applies, Area, Binding, Family, Level, Need, Scenario, SpecRef};

const NEEDS: &[Need] = &[Need::Interface];
const V1: &[Family] = &[Family::V1_0];

fn scenario(
    id: &'static str,
    title: &'static str,
    level: Level,
    section: &'static str,
    requirement: &'static str,
    bindings: &'static [Binding],
    step: Arc<dyn Step>,
) -> Scenario {
    Scenario {
        id,
        title,
        level,
        spec: SpecRef {
            source: "A2A 1.0",
            section,
        },
        requirement,
        area: Area::Versioning,
        applies: Applies {
            versions: V1,
            bindings,
            needs: NEEDS,
        },
        step,
    }
}

/// The versioning scenarios.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // "If the version is not supported, the agent MUST return a VersionNotSupportedError"
        scenario(
            "VER-01",
            "an unsupported A2A-Version is VersionNotSupportedError",
            Level::Must,
            "§3.6.2, §3.2.6",
            "`A2A-Version: 99.0` → VersionNotSupportedError (-32009 / HTTP 400 with ErrorInfo VERSION_NOT_SUPPORTED).",
            &[],
            step(rules::unsupported_version),
        ),
        scenario(
            "VER-02",
            "A2A-Version 1.0 gets 1.0 shapes",
            Level::Must,
            "§3.6.2; App. A.2.1",
            "A request with `A2A-Version: 1.0` is processed with 1.0 semantics: the `{task}`/`{message}` wrapper, `TASK_STATE_*`, no `kind` discriminator.",
            &[],
            step(rules::one_point_zero_shapes),
        ),
        // "Agents MUST interpret empty value as 0.3 version." (lenient: many servers default to 1.0)
        scenario(
            "VER-03",
            "a request without A2A-Version is not served as 1.0",
            Level::Should,
            "§3.6.2",
            "An empty or missing version means 0.3: an interface declaring only 1.0 answers VersionNotSupportedError; with 0.3 declared too, the request gets 0.3 handling (reported as a warning: DIGEST §12.4).",
            &[],
            step(rules::missing_version_is_0_3),
        ),
        // "The patch version … MUST NOT be considered" (lenient against §14.2.1 Major.Minor)
        scenario(
            "VER-04",
            "A2A-Version 1.0.1 is negotiated as 1.0",
            Level::Must,
            "§3.6",
            "A patch component is not considered in negotiation: `A2A-Version: 1.0.1` is served exactly as `1.0` (the same answer to the same GetTask), not VersionNotSupportedError.",
            &[],
            step(rules::patch_ignored),
        ),
        scenario(
            "VER-05",
            "the A2A-Version query parameter is honoured",
            Level::Should,
            "§3.6.1",
            "`A2A-Version` may be sent as a query parameter: `GET /tasks/{id}?A2A-Version=99.0` → VersionNotSupportedError (the server duty is implicit: a warning).",
            &[Binding::HttpJson],
            step(rules::version_query_parameter),
        ),
        // §11.2: service parameters are HTTP headers; HTTP header names are case-insensitive
        scenario(
            "TX-28",
            "a lower-case a2a-version header is read",
            Level::Must,
            "§9.2, §11.2",
            "Service parameters come from HTTP headers, whose names are case-insensitive: `a2a-version: 99.0` (lower case) → VersionNotSupportedError.",
            &[],
            step(rules::lowercase_version_header),
        ),
    ]
}
