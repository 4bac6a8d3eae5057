//! Wycheproof through this crate's own entry points (`VerifyingKey::{hmac,p256,ed25519,rsa}` and
//! `VerifyingKey::verify`): one trial per test, `wycheproof/<set>/tc<N>`.
//!
//! Every `valid` test must be accepted and every `invalid` one rejected, except where a
//! documented policy of this crate decides otherwise; `acceptable` tests have no default and
//! each needs a policy. The policies (and how many tests each decides) are listed in
//! `vectors/README.md`, and the `wycheproof/<set>/tally` trial checks those counts, so the README
//! cannot drift from what runs.

use a2a_security::jws::{Algorithm, VerifyingKey};
use libtest_mimic::{Failed, Trial};
use wycheproof::TestResult;

use crate::{Expect, Outcome, check};

/// What this crate must do with one Wycheproof test.
#[derive(Clone)]
enum Verdict {
    /// A `valid` test: accepted.
    Accept,
    /// An `invalid` test: refused (by the key constructor or by `verify`).
    Reject,
    /// Decided by a documented policy of this crate, not by the Wycheproof result.
    Policy {
        /// The policy's name, as in `vectors/README.md`.
        rule: &'static str,
        /// The outcome the policy prescribes.
        expect: Expect,
    },
}

/// How many tests of a set fall under each verdict, as documented in `vectors/README.md`.
struct Tally {
    accept: usize,
    reject: usize,
    policy: &'static [(&'static str, usize)],
}

// The numbers in vectors/README.md; the `tally` trial of each set checks them.
const HMAC_SHA256: Tally = Tally {
    accept: 30,
    reject: 108,
    policy: &[("hmac-key-shorter-than-hash", 6), ("truncated-tag", 30)],
};
const ECDSA_P256_P1363: Tally = Tally {
    accept: 173,
    reject: 89,
    policy: &[],
};
const ED25519: Tally = Tally {
    accept: 88,
    reject: 63,
    policy: &[],
};
const RSA_PKCS1_2048_SHA256: Tally = Tally {
    accept: 9,
    reject: 249,
    policy: &[("pkcs1-digestinfo-without-null", 1)],
};

pub fn trials() -> Vec<Trial> {
    let mut trials = Vec::new();
    trials.extend(hmac_sha256());
    trials.extend(ecdsa_p256_p1363());
    trials.extend(ed25519());
    trials.extend(rsa_pkcs1_2048_sha256());
    trials
}

/// One test's inputs, ready to run: a key constructor and the message and signature.
struct Run {
    key: Result<VerifyingKey, String>,
    msg: Vec<u8>,
    sig: Vec<u8>,
}

fn trial(set: &'static str, tc: usize, comment: String, verdict: Verdict, run: Run) -> Trial {
    Trial::test(format!("wycheproof/{set}/tc{tc}"), move || {
        let outcome = match &run.key {
            Ok(key) => Outcome::of(&key.verify(&run.msg, &run.sig)),
            Err(e) => Outcome::Error(e.clone()),
        };
        let label = format!("wycheproof {set} tc{tc} ({comment})");
        let result = match verdict {
            Verdict::Accept => check(&label, &Expect::Valid, &outcome),
            Verdict::Reject if outcome == Outcome::Valid => Err(format!(
                "{label}:\n  expected: rejected (invalid)\n  actual:   valid"
            )),
            Verdict::Reject => Ok(()),
            Verdict::Policy { rule, expect } => {
                check(&format!("{label}, policy {rule}"), &expect, &outcome)
            }
        };
        result.map_err(Failed::from)
    })
}

/// The `tally` trial: the verdict counts must be the documented ones.
fn tally(set: &'static str, documented: &'static Tally, verdicts: &[Verdict]) -> Trial {
    let (mut accept, mut reject) = (0, 0);
    let mut policy: Vec<(&'static str, usize)> = Vec::new();
    for verdict in verdicts {
        match verdict {
            Verdict::Accept => accept += 1,
            Verdict::Reject => reject += 1,
            Verdict::Policy { rule, .. } => match policy.iter_mut().find(|(r, _)| r == rule) {
                Some((_, n)) => *n += 1,
                None => policy.push((rule, 1)),
            },
        }
    }
    policy.sort_unstable();
    Trial::test(format!("wycheproof/{set}/tally"), move || {
        let mut expected = documented.policy.to_vec();
        expected.sort_unstable();
        if (accept, reject, &policy) == (documented.accept, documented.reject, &expected) {
            Ok(())
        } else {
            Err(Failed::from(format!(
                "wycheproof {set}: verdict counts differ from vectors/README.md\n  expected: accept {}, reject {}, policy {:?}\n  actual:   accept {accept}, reject {reject}, policy {policy:?}",
                documented.accept, documented.reject, expected
            )))
        }
    })
}

fn by_result(result: TestResult) -> Option<Verdict> {
    match result {
        TestResult::Valid => Some(Verdict::Accept),
        TestResult::Invalid => Some(Verdict::Reject),
        TestResult::Acceptable => None,
    }
}

/// An `acceptable` test no policy covers: fails, so a new one gets documented.
fn undocumented(set: &'static str, tc: usize) -> Trial {
    Trial::test(format!("wycheproof/{set}/tc{tc}"), move || {
        Err(Failed::from(format!(
            "wycheproof {set} tc{tc} is `acceptable` and no policy decides it: document one"
        )))
    })
}

fn load_error(set: &'static str, e: &wycheproof::WycheproofError) -> Vec<Trial> {
    let message = format!("cannot load the Wycheproof set {set}: {e}");
    vec![Trial::test(format!("wycheproof/{set}/load"), move || {
        Err(Failed::from(message))
    })]
}

fn key_error<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

fn hmac_sha256() -> Vec<Trial> {
    use wycheproof::mac::{TestName, TestSet};
    const SET: &str = "hmac_sha256";
    let set = match TestSet::load(TestName::HmacSha256) {
        Ok(set) => set,
        Err(e) => return load_error(SET, &e),
    };
    let (mut trials, mut verdicts) = (Vec::new(), Vec::new());
    for group in set.test_groups {
        for test in group.tests {
            let by_result = by_result(test.result);
            let verdict = match by_result {
                // Invalid tests are rejected, whatever the reason.
                Some(Verdict::Reject) => Verdict::Reject,
                // RFC 7518 §3.2: HS256 keys are at least 32 bytes; both constructors refuse less.
                _ if test.key.len() < 32 => Verdict::Policy {
                    rule: "hmac-key-shorter-than-hash",
                    expect: Expect::Error("Unsuitable".into()),
                },
                // A tag shorter than the hash output is a wrong tag here.
                _ if group.tag_size < 256 => Verdict::Policy {
                    rule: "truncated-tag",
                    expect: Expect::Error("BadSignature".into()),
                },
                Some(verdict) => verdict,
                None => {
                    trials.push(undocumented(SET, test.tc_id));
                    continue;
                }
            };
            let run = Run {
                key: VerifyingKey::hmac(Algorithm::HS256, &test.key).map_err(key_error),
                msg: test.msg.to_vec(),
                sig: test.tag.to_vec(),
            };
            verdicts.push(verdict.clone());
            trials.push(trial(SET, test.tc_id, test.comment, verdict, run));
        }
    }
    trials.push(tally(SET, &HMAC_SHA256, &verdicts));
    trials
}

/// A big-endian integer as exactly `len` bytes (Wycheproof adds a sign byte, strips none).
fn fixed_width(int: &[u8], len: usize) -> Vec<u8> {
    let start = int.iter().position(|&b| b != 0).unwrap_or(int.len());
    let digits = &int[start..];
    if digits.len() > len {
        return digits.to_vec(); // cannot fit: let the constructor refuse it
    }
    let mut out = vec![0; len - digits.len()];
    out.extend_from_slice(digits);
    out
}

fn ecdsa_p256_p1363() -> Vec<Trial> {
    use wycheproof::ecdsa::{TestName, TestSet};
    const SET: &str = "ecdsa_secp256r1_sha256_p1363";
    let set = match TestSet::load(TestName::EcdsaSecp256r1Sha256P1363) {
        Ok(set) => set,
        Err(e) => return load_error(SET, &e),
    };
    let (mut trials, mut verdicts) = (Vec::new(), Vec::new());
    for group in set.test_groups {
        let x = fixed_width(&group.key.affine_x, 32);
        let y = fixed_width(&group.key.affine_y, 32);
        for test in group.tests {
            let Some(verdict) = by_result(test.result) else {
                trials.push(undocumented(SET, test.tc_id));
                continue;
            };
            let run = Run {
                key: VerifyingKey::p256(&x, &y).map_err(key_error),
                msg: test.msg.to_vec(),
                sig: test.sig.to_vec(),
            };
            verdicts.push(verdict.clone());
            trials.push(trial(SET, test.tc_id, test.comment, verdict, run));
        }
    }
    trials.push(tally(SET, &ECDSA_P256_P1363, &verdicts));
    trials
}

fn ed25519() -> Vec<Trial> {
    use wycheproof::eddsa::{TestName, TestSet};
    const SET: &str = "ed25519";
    let set = match TestSet::load(TestName::Ed25519) {
        Ok(set) => set,
        Err(e) => return load_error(SET, &e),
    };
    let (mut trials, mut verdicts) = (Vec::new(), Vec::new());
    for group in set.test_groups {
        for test in group.tests {
            let Some(verdict) = by_result(test.result) else {
                trials.push(undocumented(SET, test.tc_id));
                continue;
            };
            let run = Run {
                key: VerifyingKey::ed25519(&group.key.pk).map_err(key_error),
                msg: test.msg.to_vec(),
                sig: test.sig.to_vec(),
            };
            verdicts.push(verdict.clone());
            trials.push(trial(SET, test.tc_id, test.comment, verdict, run));
        }
    }
    trials.push(tally(SET, &ED25519, &verdicts));
    trials
}

fn rsa_pkcs1_2048_sha256() -> Vec<Trial> {
    use wycheproof::rsa_pkcs1_verify::{TestFlag, TestName, TestSet};
    const SET: &str = "rsa_signature_2048_sha256";
    let set = match TestSet::load(TestName::Rsa2048Sha256) {
        Ok(set) => set,
        Err(e) => return load_error(SET, &e),
    };
    let (mut trials, mut verdicts) = (Vec::new(), Vec::new());
    for group in set.test_groups {
        for test in group.tests {
            let verdict = match by_result(test.result) {
                Some(Verdict::Reject) => Verdict::Reject,
                // Moduli under 2048 bits are refused by the constructor.
                _ if group.key_size < 2048 => Verdict::Policy {
                    rule: "rsa-modulus-under-2048-bits",
                    expect: Expect::Error("Unsuitable".into()),
                },
                Some(verdict) => verdict,
                // RFC 8017 §9.2 note 2: DigestInfo without the NULL parameters. Some verifiers
                // accept it; ring (and so this crate) accepts only the canonical encoding.
                None if test.flags.contains(&TestFlag::MissingNull) => Verdict::Policy {
                    rule: "pkcs1-digestinfo-without-null",
                    expect: Expect::Error("BadSignature".into()),
                },
                None => {
                    trials.push(undocumented(SET, test.tc_id));
                    continue;
                }
            };
            let run = Run {
                key: VerifyingKey::rsa(Algorithm::RS256, &group.key.n, &group.key.e)
                    .map_err(key_error),
                msg: test.msg.to_vec(),
                sig: test.sig.to_vec(),
            };
            verdicts.push(verdict.clone());
            trials.push(trial(SET, test.tc_id, test.comment, verdict, run));
        }
    }
    trials.push(tally(SET, &RSA_PKCS1_2048_SHA256, &verdicts));
    trials
}
