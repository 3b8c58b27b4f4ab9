//! The rules of sign-in: passwords, personal API tokens, whom a sign-in
//! through the identity provider is for, and how long a
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

/// Whom a sign-in through the organisation's identity provider (OpenID
/// Connect) is for. People are provisioned (imported, or made by HR); a
/// sign-in never makes one. The configured claim names the person: `email`
/// by the e-mail address, without regard to case; any other claim (`sub`,
/// an employee-number claim) by the employee number, exactly. A claim that
/// names no one, or more than one, names no one.
pub mod external {
    use crate::identity::model::{ExternalMatch, PersonKey, SignInCandidate};
    use crate::kernel::Role;

    /// The claim that names people unless configured otherwise.
    pub const DEFAULT_CLAIM: &str = "email";

    /// What `value` of the claim `claim` names, or `None` when it is empty
    /// or longer than any stored e-mail address or employee number.
    pub fn key(claim: &str, value: &str) -> Option<PersonKey> {
        let value = value.trim();
        if value.is_empty() || value.len() > 320 {
            return None;
        }
        Some(if claim == DEFAULT_CLAIM {
            PersonKey::Email(value.to_lowercase())
        } else {
            PersonKey::EmployeeNumber(value.to_string())
        })
    }

    /// Whether `key` names `person`.
    pub fn names(key: &PersonKey, person: &SignInCandidate) -> bool {
        match key {
            PersonKey::Email(e) => person
                .email
                .as_deref()
                .is_some_and(|p| p.trim().to_lowercase() == *e),
            PersonKey::EmployeeNumber(n) => person.employee_number == *n,
        }
    }

    /// Whom `key` signs in, among the people the store found for it.
    pub fn decide(key: &PersonKey, found: &[SignInCandidate]) -> ExternalMatch {
        let mut named = found.iter().filter(|p| names(key, p));
        match (named.next(), named.next()) {
            (Some(p), None) if p.deactivated => ExternalMatch::Deactivated,
            (Some(p), None) => ExternalMatch::Person(p.id),
            _ => ExternalMatch::Unknown,
        }
    }

    /// Whether a person with `roles` may sign in with a local password.
    /// With local sign-in turned off, administrators still may: the way in
    /// when the identity provider is down or misconfigured ("break glass").
    pub fn local_sign_in_allowed(local_login: bool, roles: &[Role]) -> bool {
        local_login || roles.contains(&Role::Admin)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::kernel::ids::PersonId;

        fn person(email: Option<&str>, number: &str) -> SignInCandidate {
            SignInCandidate {
                id: PersonId::new(),
                email: email.map(str::to_string),
                employee_number: number.into(),
                deactivated: false,
            }
        }

        #[test]
        fn the_email_claim_names_by_address_without_case() {
            let anna = person(Some("Anna.Andersson@Sjovik.se"), "1001");
            let k = key("email", " anna.andersson@sjovik.SE ").unwrap();
            assert_eq!(k, PersonKey::Email("anna.andersson@sjovik.se".into()));
            assert!(names(&k, &anna));
            assert!(!names(&k, &person(Some("bo@sjovik.se"), "1001")));
            assert!(!names(&k, &person(None, "anna.andersson@sjovik.se")));
            assert_eq!(
                decide(&k, std::slice::from_ref(&anna)),
                ExternalMatch::Person(anna.id)
            );
        }

        #[test]
        fn any_other_claim_names_by_employee_number_exactly() {
            let bo = person(Some("bo@sjovik.se"), "E-2002");
            for claim in ["sub", "employee_number", "employeeid"] {
                let k = key(claim, "E-2002").unwrap();
                assert_eq!(k, PersonKey::EmployeeNumber("E-2002".into()));
                assert!(names(&k, &bo));
                assert!(!names(&key(claim, "e-2002").unwrap(), &bo));
                assert!(!names(&key(claim, "bo@sjovik.se").unwrap(), &bo));
            }
        }

        #[test]
        fn no_one_one_or_many() {
            let k = key("email", "anna@sjovik.se").unwrap();
            assert_eq!(decide(&k, &[]), ExternalMatch::Unknown);
            // What the store found but the key does not name is not taken.
            assert_eq!(
                decide(&k, &[person(Some("bo@sjovik.se"), "1")]),
                ExternalMatch::Unknown
            );
            let twice = [
                person(Some("anna@sjovik.se"), "1"),
                person(Some("ANNA@sjovik.se"), "2"),
            ];
            assert_eq!(decide(&k, &twice), ExternalMatch::Unknown);
            let mut gone = person(Some("anna@sjovik.se"), "1");
            gone.deactivated = true;
            assert_eq!(decide(&k, &[gone]), ExternalMatch::Deactivated);
        }

        #[test]
        fn an_empty_or_overlong_value_names_no_one() {
            assert_eq!(key("email", "  "), None);
            assert_eq!(key("sub", ""), None);
            assert_eq!(key("sub", &"1".repeat(321)), None);
        }

        #[test]
        fn with_local_sign_in_off_only_administrators_use_a_password() {
            assert!(local_sign_in_allowed(true, &[Role::Employee]));
            assert!(!local_sign_in_allowed(false, &[Role::Employee, Role::Hr]));
            assert!(local_sign_in_allowed(false, &[Role::Employee, Role::Admin]));
        }
    }
}
