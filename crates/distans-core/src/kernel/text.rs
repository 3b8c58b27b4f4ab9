//! Text as people type it: trimmed, bounded, without control characters,
//! and the macro that makes validated string newtypes.

pub(crate) fn short_text(s: &str, max: usize) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("must not be empty".into());
    }
    if t.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if t.chars().any(|c| c.is_control()) {
        return Err("must not contain control characters".into());
    }
    Ok(t.to_string())
}

/// A name as people write it: trimmed, 1–200 characters.
pub fn parse_name(s: &str) -> Result<String, String> {
    short_text(s, 200)
}

/// A string newtype that can only be built through its `parse`.
#[macro_export]
macro_rules! string_newtype {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
            /// For values this crate generates and knows to be valid.
            #[allow(dead_code)]
            pub(crate) fn trusted(s: String) -> Self {
                $name(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  Åsa Öberg "), Ok("Åsa Öberg".into()));
        assert!(parse_name(" \t ").is_err());
        assert_eq!(parse_name(&"ö".repeat(200)).map(|s| s.len()), Ok(400));
        assert_eq!(
            parse_name(&"ö".repeat(201)),
            Err("must be at most 200 characters".into())
        );
        assert_eq!(
            parse_name("Anna\u{0}Lind"),
            Err("must not contain control characters".into())
        );
        assert!(parse_name("Anna\nLind").is_err(), "one line");
    }

    proptest! {
        /// A short text is accepted exactly when, trimmed, it is not empty,
        /// not too long and has no control characters; then it is the
        /// trimmed text.
        #[test]
        fn short_text_accepts_exactly_clean_bounded_text(s in "\\PC{0,12}|[ \t\n\u{0}-\u{1f}a-zå]{0,12}", max in 1usize..10) {
            let t = s.trim();
            let ok = !t.is_empty() && t.chars().count() <= max && !t.chars().any(char::is_control);
            match short_text(&s, max) {
                Ok(v) => {
                    prop_assert!(ok);
                    prop_assert_eq!(v.as_str(), t);
                }
                Err(_) => prop_assert!(!ok),
            }
        }
    }
}
