//! The settings of sign-in through the organisation's identity provider
//! (OpenID Connect) on the command line and in the environment.

use anyhow::{bail, Result};
use distans_web::oidc::OidcSettings;

#[derive(clap::Args)]
pub struct OidcArgs {
    /// The identity provider's issuer (OpenID Connect), e.g.
    /// https://login.microsoftonline.com/<tenant>/v2.0. Without it, people
    /// sign in with local passwords only.
    #[arg(long, env = "DISTANS_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    /// The client id distans has at the identity provider.
    #[arg(long, env = "DISTANS_OIDC_CLIENT_ID")]
    oidc_client_id: Option<String>,
    /// The client secret distans has at the identity provider.
    #[arg(long, env = "DISTANS_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// The claim of the ID token that names the person: email (their
    /// e-mail address) or another, such as sub or employee_number (their
    /// employee number).
    #[arg(long, env = "DISTANS_OIDC_CLAIM")]
    oidc_claim: Option<String>,
    /// The identity provider's name on the sign-in button ("Logga in med …").
    #[arg(long, env = "DISTANS_OIDC_NAME")]
    oidc_name: Option<String>,
    /// Whether people may sign in with a local password: false leaves it to
    /// administrators only (when the identity provider cannot be used).
    #[arg(long, env = "DISTANS_LOCAL_LOGIN", default_value = "true", action = clap::ArgAction::Set, value_parser = parse_bool)]
    local_login: bool,
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("DISTANS_LOCAL_LOGIN must be true or false".into()),
    }
}

impl OidcArgs {
    /// The identity provider's settings (if any) and whether everyone may
    /// sign in with a password; an error names the variable that is wrong.
    pub fn settings(&self) -> Result<(Option<OidcSettings>, bool)> {
        let oidc = OidcSettings::from_config(
            self.oidc_issuer.as_deref(),
            self.oidc_client_id.as_deref(),
            self.oidc_client_secret.as_deref(),
            self.oidc_claim.as_deref(),
            self.oidc_name.as_deref(),
        )
        .map_err(anyhow::Error::msg)?;
        if oidc.is_none() && !self.local_login {
            bail!("DISTANS_LOCAL_LOGIN=false needs an identity provider (DISTANS_OIDC_ISSUER): without one only administrators could sign in");
        }
        Ok((oidc, self.local_login))
    }
}
