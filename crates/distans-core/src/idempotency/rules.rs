//! Keys and fingerprints. Pure.

use sha2::{Digest, Sha256};

use crate::idempotency::model::IdempotencyKey;
use crate::kernel::CoreError;

/// How long an answer is kept for its key.
pub const KEEP_HOURS: i64 = 24;
/// The largest answer kept; a larger one is given once and its key freed.
pub const MAX_KEPT_BYTES: usize = 1024 * 1024;

/// A key as a client sent it in the `Idempotency-Key` header.
pub fn parse_key(text: &str) -> Result<IdempotencyKey, CoreError> {
    let ok = !text.is_empty() && text.len() <= 255 && text.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(IdempotencyKey(text.to_string()))
    } else {
        Err(CoreError::invalid(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters (a UUID, say)",
        ))
    }
}

/// A hex SHA-256 of the parts, each length-prefixed so that no two
/// different lists of parts hash alike.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(parse_key("0f9a1c7e-2d4b-4e1f-9b7a-3c2d1e0f9a8b").is_ok());
        for bad in ["", "with space", "tab\tkey", "åäö", &"x".repeat(256)] {
            let e = parse_key(bad).unwrap_err();
            assert_eq!(e.field(), Some("Idempotency-Key"), "{bad:?}");
        }
    }

    proptest! {
        /// Moving bytes from one part to the next changes the fingerprint.
        #[test]
        fn parts_do_not_run_into_each_other(a in ".{0,8}", b in ".{0,8}", split in 0usize..8) {
            let joined = format!("{a}{b}");
            let cut = split.min(joined.len());
            prop_assume!(joined.is_char_boundary(cut) && cut != a.len());
            let (x, y) = joined.split_at(cut);
            prop_assert_ne!(
                fingerprint(&[a.as_bytes(), b.as_bytes()]),
                fingerprint(&[x.as_bytes(), y.as_bytes()])
            );
        }
    }
}
