//! A2A-Version negotiation and the agent card.

use serde_json::json;

use crate::client::{Agent, fast_config};

#[tokio::test]
async fn unsupported_versions_are_minus_32009_by_header_or_query() {
    let a = Agent::new().await;
    let r = a.rpc(Some("99.0"), "GetTask", json!({"id": "x"})).await;
    assert_eq!(r["error"]["code"], -32009);
    assert_eq!(r["error"]["data"][0]["reason"], "VERSION_NOT_SUPPORTED");
    let resp = a
        .http
        .post(a.url("/jsonrpc"))
        .header("a2a-version", "99.0")
        .body(
            json!({"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    let r: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        r["error"]["code"], -32009,
        "header names are case-insensitive"
    );
    let (status, _, e) = a
        .rest_with("GET", "/tasks/x?A2A-Version=99.0", None, None)
        .await;
    assert_eq!(
        (status, e["error"]["details"][0]["reason"].clone()),
        (400, json!("VERSION_NOT_SUPPORTED"))
    );
}

#[tokio::test]
async fn the_patch_component_is_ignored_and_missing_means_0_3() {
    let a = Agent::new().await;
    let r = a.rpc(Some("1.0.1"), "GetTask", json!({"id": "x"})).await;
    assert_eq!(r["error"]["code"], -32001);
    let r = a.rpc(Some("0.3"), "tasks/get", json!({"id": "x"})).await;
    assert_eq!(r["error"]["code"], -32001);
    let t = a
        .v03(
            "message/send",
            json!({"message": crate::client::msg_v03("done")}),
        )
        .await;
    assert_eq!(t["kind"], "task");
    let mut c = fast_config();
    c.protocol.missing_version = "1.0".into();
    let a = Agent::start(c).await;
    let r = a.rpc(None, "GetTask", json!({"id": "x"})).await;
    assert_eq!(r["error"]["code"], -32001);
}

#[tokio::test]
async fn the_card_declares_every_interface_of_both_versions() {
    let a = Agent::new().await;
    let resp = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        resp.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let card: serde_json::Value = resp.json().await.unwrap();
    for field in [
        "name",
        "description",
        "version",
        "capabilities",
        "defaultInputModes",
        "defaultOutputModes",
        "skills",
    ] {
        assert!(card.get(field).is_some(), "{field}");
    }
    let interfaces = card["supportedInterfaces"].as_array().unwrap();
    let declared: Vec<(String, String)> = interfaces
        .iter()
        .map(|i| {
            (
                i["protocolBinding"].as_str().unwrap().to_owned(),
                i["protocolVersion"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for want in [("JSONRPC", "1.0"), ("HTTP+JSON", "1.0"), ("JSONRPC", "0.3")] {
        assert!(
            declared.contains(&(want.0.into(), want.1.into())),
            "{want:?}"
        );
    }
    for i in interfaces {
        assert!(i["url"].as_str().unwrap().starts_with(&a.base));
    }
    assert_eq!(card["protocolVersion"], "0.3.0");
    assert_eq!(card["url"], format!("{}/jsonrpc", a.base));
    assert_eq!(card["preferredTransport"], "JSONRPC");
    for s in card["skills"].as_array().unwrap() {
        for f in ["id", "name", "description", "tags"] {
            assert!(s.get(f).is_some());
        }
    }
    let resp = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 304);
    assert_eq!(resp.headers()["etag"].to_str().unwrap(), etag);
    assert!(resp.text().await.unwrap().is_empty());
    let resp = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .header("if-none-match", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn each_declared_interface_answers_in_its_own_binding() {
    let a = Agent::new().await;
    let card: serde_json::Value = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for i in card["supportedInterfaces"].as_array().unwrap() {
        let url = i["url"].as_str().unwrap();
        let version = i["protocolVersion"].as_str().unwrap();
        match i["protocolBinding"].as_str().unwrap() {
            "JSONRPC" => {
                let method = if version == "1.0" {
                    "GetTask"
                } else {
                    "tasks/get"
                };
                let body =
                    json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": {"id": "x"}});
                let r: serde_json::Value = a
                    .http
                    .post(url)
                    .header("A2A-Version", version)
                    .body(body.to_string())
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert_eq!(r["error"]["code"], -32001, "{url} {version}");
            }
            "HTTP+JSON" => {
                let resp = a
                    .http
                    .get(format!("{url}/tasks/x"))
                    .header("A2A-Version", version)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status().as_u16(), 404);
            }
            other => panic!("unexpected binding {other}"),
        }
    }
}

#[tokio::test]
async fn the_card_is_signed_with_a_key_served_at_its_jku() {
    use a2a_security::card::{Canonicalization, verify};
    use a2a_security::jwk::JwkSet;
    let a = Agent::new().await;
    let card: serde_json::Value = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sig = &card["signatures"][0];
    let header = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sig["protected"].as_str().unwrap())
            .unwrap()
    };
    let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "JOSE");
    assert!(header["kid"].is_string());
    let jku = header["jku"].as_str().unwrap();
    assert_eq!(jku, a.url("/.well-known/jwks.json"));
    let jwks: serde_json::Value = a.http.get(jku).send().await.unwrap().json().await.unwrap();
    let (keys, skipped) = JwkSet::from_json(&jwks).unwrap();
    assert_eq!(skipped, 0);
    let verified = verify(&card, &keys, Canonicalization::ProtoPresence);
    assert!(verified.is_ok(), "{verified:?}");
    let mut tampered = card.clone();
    tampered["name"] = json!("Someone else");
    assert!(verify(&tampered, &keys, Canonicalization::ProtoPresence).is_err());
    let mut c = fast_config();
    c.card.sign = false;
    let a = Agent::start(c).await;
    let card: serde_json::Value = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(card.get("signatures").is_none());
    assert_eq!(
        a.http
            .get(a.url("/.well-known/jwks.json"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}
