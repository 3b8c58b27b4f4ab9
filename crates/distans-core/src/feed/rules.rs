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
}
