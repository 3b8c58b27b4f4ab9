//! The rules of sign-in: passwords, personal API tokens, and how long a
//! client waits after failed attempts.

/// Passwords are hashed with argon2id (the argon2 crate's default). Hashing
/// is slow on purpose: callers on an async runtime run these in a blocking
/// thread.
pub mod password {
    use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
    use argon2::{Argon2, PasswordVerifier};

    use crate::kernel::CoreError;

    pub const MIN_LENGTH: usize = 4;

    pub fn hash(password: &str) -> Result<String, CoreError> {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(CoreError::internal)
    }

    /// True when `password` matches `stored`. A malformed stored hash never matches.
    pub fn verify(stored: &str, password: &str) -> bool {
        match PasswordHash::new(stored) {
            Ok(parsed) => Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }

    /// A hash to verify against when the user does not exist, so that the time
    /// taken does not tell whether a username is known.
    pub fn dummy_hash() -> &'static str {
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2mG3Wl9ci3HAc0I5AXYQMz5wJ9h3QKqJj5S8m0pK8xE"
    }

    pub fn check_new(password: &str) -> Result<(), CoreError> {
        if password.chars().count() < MIN_LENGTH {
            return Err(CoreError::invalid(
                "password",
                format!("must be at least {MIN_LENGTH} characters"),
            ));
        }
        if password.len() > 1024 {
            return Err(CoreError::invalid("password", "is too long"));
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_new_password_is_4_to_1024_bytes() {
            assert!(check_new("abcd").is_ok());
            assert!(check_new("åäöü").is_ok(), "counted in characters");
            assert_eq!(check_new("abc").unwrap_err().field(), Some("password"));
            assert!(check_new(&"x".repeat(1024)).is_ok());
            assert_eq!(
                check_new(&"x".repeat(1025)).unwrap_err().field(),
                Some("password")
            );
            assert!(
                check_new(&"å".repeat(513)).is_err(),
                "the bound is in bytes"
            );
        }

        #[test]
        fn hash_is_argon2id_and_verifies() {
            let h = hash("demo").unwrap_or_default();
            assert!(h.starts_with("$argon2id$"));
            assert!(verify(&h, "demo"));
            assert!(!verify(&h, "Demo"));
            assert!(!verify("garbage", "demo"));
            assert!(!verify(dummy_hash(), "demo"));
        }
    }
}

/// Personal API tokens: a random secret shown once; only its SHA-256 is kept.
pub mod token {
    use base64::Engine;
    use rand::RngCore;
    use sha2::{Digest, Sha256};

    pub const PREFIX: &str = "dst_";

    /// A new token (to show once) and its hash (to store).
    pub fn generate() -> (String, String) {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        );
        let h = hash(&token);
        (token, h)
    }

    pub fn hash(token: &str) -> String {
        hex::encode(Sha256::digest(token.as_bytes()))
    }

    /// A random secret for sessions' CSRF tokens and the like.
    pub fn random_secret() -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_token_is_the_prefix_and_43_url_safe_characters() {
            let (t, _) = generate();
            let secret = t.strip_prefix(PREFIX).unwrap();
            assert_eq!(secret.len(), 43);
            assert!(secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            assert_eq!(
                hash("dst_x"),
                "f0c8b31191134f3fbf5cf83eb08c17f1777f671c38b0fe175a08d74ce4c75773",
                "the stored form: SHA-256 of the whole token, in hex"
            );
            assert_ne!(random_secret(), random_secret());
        }

        #[test]
        fn tokens_are_random_and_hashed() {
            let (a, ha) = generate();
            let (b, hb) = generate();
            assert_ne!(a, b);
            assert!(a.starts_with(PREFIX));
            assert_eq!(hash(&a), ha);
            assert_ne!(ha, hb);
            assert_eq!(ha.len(), 64);
        }
    }
}

/// Failed sign-ins slow down the one who fails, never the one who does not.
/// Failures are counted per username *and* client: guessing at someone's
/// username from elsewhere does not keep them out. The first few failures
/// cost nothing (people mistype); after that each one doubles the wait, up
/// to a ceiling. It is a delay, never a lock: once it has passed, one more
/// try is allowed, and a success clears the count.
pub mod backoff {
    /// Failures that cost no wait.
    pub const FREE_FAILURES: u32 = 5;
    /// The longest wait after a failure, in seconds.
    pub const MAX_WAIT_SECS: u64 = 300;

    /// Seconds to wait before the next attempt after `failures` failures in a row.
    pub fn wait_secs(failures: u32) -> u64 {
        match failures.checked_sub(FREE_FAILURES) {
            None => 0,
            Some(over) => 1u64
                .checked_shl(over)
                .unwrap_or(u64::MAX)
                .min(MAX_WAIT_SECS),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use proptest::prelude::*;

        #[test]
        fn the_first_failures_are_free_then_the_wait_doubles() {
            let waits: Vec<u64> = (0..=14).map(wait_secs).collect();
            assert_eq!(
                waits,
                vec![0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
            );
        }

        proptest! {
            /// The wait never shrinks as failures grow and never passes the ceiling.
            #[test]
            fn the_wait_grows_and_is_bounded(n in any::<u32>()) {
                prop_assert!(wait_secs(n) <= MAX_WAIT_SECS);
                prop_assert!(wait_secs(n) <= wait_secs(n.saturating_add(1)));
            }
        }
    }
}
