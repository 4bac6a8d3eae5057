//! The asymmetric keys of the targets: fixed, so that runs are reproducible, and made once per
//! process (key setup costs more than a whole HMAC input).

use std::sync::OnceLock;

use super::reference::base64url_decode;
use crate::jws::SigningKey;

/// A P-256 key generated once for these targets (`openssl ecparam -name prime256v1 -genkey`);
/// it signs nothing outside the fuzz harness.
const EC_D: &str = "QpYPbQEZ1YeS6dJ8MzA6Qz7GOZwRemR3NlCqwTSBDTU";
const EC_X: &str = "Nl7DYWsU5pN-JrmF0V2ouBkkv5f6CYMDZDsKBrr5OUU";
const EC_Y: &str = "oCX5FQSI_VjiVbsd72LHVEJzWjD4Z2UpEiJlTpPgXlU";

/// The Ed25519 key of RFC 8037 Appendix A.1.
const ED_SEED: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const ED_PUBLIC: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

fn b64(text: &str) -> Vec<u8> {
    base64url_decode(text.as_bytes()).expect("constant is base64url")
}

/// The fixed ES256 key, with `kid` if given.
pub(super) fn ec_key(kid: Option<&str>) -> SigningKey {
    let key = SigningKey::p256(&b64(EC_D), &b64(EC_X), &b64(EC_Y))
        .expect("the fixed key is a valid P-256 key");
    match kid {
        Some(kid) => key.with_kid(kid),
        None => key,
    }
}

/// The fixed `EdDSA` key, with `kid` if given.
pub(super) fn ed_key(kid: Option<&str>) -> SigningKey {
    let key = SigningKey::ed25519(&b64(ED_SEED), &b64(ED_PUBLIC))
        .expect("RFC 8037 A.1 is a valid Ed25519 key");
    match kid {
        Some(kid) => key.with_kid(kid),
        None => key,
    }
}

/// The fixed keys without key ids, and their public halves as `ring` reads them.
pub(super) struct FixedKeys {
    pub(super) ec: SigningKey,
    /// Uncompressed SEC1 point.
    pub(super) ec_point: Vec<u8>,
    pub(super) ed: SigningKey,
    pub(super) ed_public: Vec<u8>,
}

pub(super) fn fixed_keys() -> &'static FixedKeys {
    static KEYS: OnceLock<FixedKeys> = OnceLock::new();
    KEYS.get_or_init(|| FixedKeys {
        ec: ec_key(None),
        ec_point: [&[4u8][..], &b64(EC_X), &b64(EC_Y)].concat(),
        ed: ed_key(None),
        ed_public: b64(ED_PUBLIC),
    })
}
