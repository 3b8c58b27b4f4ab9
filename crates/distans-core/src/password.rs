//! Passwords are hashed with argon2id (the argon2 crate's default). Hashing
//! is slow on purpose: callers on an async runtime run these in a blocking
//! thread.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};

use crate::error::CoreError;

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
    fn hash_is_argon2id_and_verifies() {
        let h = hash("demo").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(&h, "demo"));
        assert!(!verify(&h, "Demo"));
        assert!(!verify("garbage", "demo"));
        assert!(!verify(dummy_hash(), "demo"));
    }
}
