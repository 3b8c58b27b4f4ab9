//! Which secrets are worth looking up.

/// Could this be a feed secret at all? (Saves a database look-up for junk.)
pub fn well_formed(secret: &str) -> bool {
    secret.len() == 43
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::rules::token;

    #[test]
    fn only_well_formed_secrets_are_looked_up() {
        assert!(well_formed(&token::random_secret()));
        assert!(!well_formed(""));
        assert!(!well_formed("../../etc/passwd"));
        assert!(!well_formed(&"a".repeat(44)));
        assert!(!well_formed(&format!("{}=", "a".repeat(42))));
    }

    proptest::proptest! {
        /// Only 43 characters of a–z, A–Z, 0–9, '-' and '_' are looked up:
        /// the shape of every secret the product makes.
        #[test]
        fn only_the_shape_of_a_secret_is_looked_up(s in "[A-Za-z0-9_-]{43}|\\PC{0,50}") {
            let shaped = s.len() == 43
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            proptest::prop_assert_eq!(well_formed(&s), shaped);
        }
    }

    #[test]
    fn every_new_secret_is_well_formed() {
        for _ in 0..20 {
            assert!(well_formed(&token::random_secret()));
        }
        assert!(!well_formed(&"å".repeat(21)), "43 bytes, but not the shape");
    }
}
