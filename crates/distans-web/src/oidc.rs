//! Sign-in through the organisation's identity provider (OpenID Connect):
//! the authorization code flow with PKCE, `state` and `nonce`, the provider
//! found by discovery from its issuer, and the ID token's signature (the
//! provider's published keys, fetched again when it signs with a new one),
//! issuer, audience, expiry and nonce checked by the `openidconnect` crate.
//! Sign-out ends the provider's session too where it offers that
//! (RP-initiated logout). Who the token names is the core's to decide.

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    reqwest, AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, LogoutRequest, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse, TokenResponse as _,
};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

/// The path the provider sends the browser back to.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";
/// Where the provider sends the browser after signing out there.
pub const AFTER_LOGOUT_PATH: &str = "/logga-in";
/// The claim that names people unless configured otherwise.
pub use distans_core::identity::rules::external::DEFAULT_CLAIM;

/// How the organisation's identity provider is reached.
#[derive(Clone)]
pub struct OidcSettings {
    /// The issuer, e.g. `https://login.microsoftonline.com/<tenant>/v2.0`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The claim of the ID token that names the person: `email` (the
    /// e-mail address) or another (the employee number).
    pub claim: String,
    /// The provider's name on the sign-in button; a general one if none.
    pub name: Option<String>,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("claim", &self.claim)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl OidcSettings {
    /// The settings from their configuration values, or `None` when no
    /// issuer is given. An error names the variable that is wrong.
    pub fn from_config(
        issuer: Option<&str>,
        client_id: Option<&str>,
        client_secret: Option<&str>,
        claim: Option<&str>,
        name: Option<&str>,
    ) -> Result<Option<OidcSettings>, String> {
        let given = |v: Option<&str>| v.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let Some(issuer) = given(issuer) else {
            if given(client_id).is_some() || given(client_secret).is_some() {
                return Err("DISTANS_OIDC_ISSUER is not set, but DISTANS_OIDC_CLIENT_ID or DISTANS_OIDC_CLIENT_SECRET is: set the issuer (the identity provider's address) too".into());
            }
            return Ok(None);
        };
        let url = url::Url::parse(&issuer).map_err(|e| {
            format!("DISTANS_OIDC_ISSUER must be the identity provider's https:// address: {e}")
        })?;
        let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        if url.scheme() != "https" && !(url.scheme() == "http" && local) {
            return Err(
                "DISTANS_OIDC_ISSUER must be an https:// address (http:// only for localhost)"
                    .into(),
            );
        }
        let client_id = given(client_id)
            .ok_or("DISTANS_OIDC_CLIENT_ID must be set when DISTANS_OIDC_ISSUER is")?;
        let client_secret = given(client_secret)
            .ok_or("DISTANS_OIDC_CLIENT_SECRET must be set when DISTANS_OIDC_ISSUER is")?;
        let claim = given(claim).unwrap_or_else(|| DEFAULT_CLAIM.to_string());
        if claim.len() > 100 || !claim.chars().all(|c| c.is_ascii_graphic()) {
            return Err(
                "DISTANS_OIDC_CLAIM must be a claim name such as email, sub or employee_number"
                    .into(),
            );
        }
        let name = given(name);
        if name.as_ref().is_some_and(|n| n.chars().count() > 60) {
            return Err("DISTANS_OIDC_NAME must be at most 60 characters".into());
        }
        Ok(Some(OidcSettings {
            issuer,
            client_id,
            client_secret,
            claim,
            name,
        }))
    }
}

/// Every claim of the ID token beyond the standard ones, so that any
/// configured claim can name the person.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct OtherClaims(serde_json::Map<String, serde_json::Value>);
impl AdditionalClaims for OtherClaims {}

type Fields = IdTokenFields<
    OtherClaims,
    openidconnect::EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type IdToken = openidconnect::IdToken<
    OtherClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type OpClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    StandardTokenResponse<Fields, CoreTokenType>,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A sign-in begun and not yet finished, kept in the browser's session
/// until the provider sends it back, and used once.
#[derive(Serialize, Deserialize)]
pub struct Pending {
    state: String,
    nonce: String,
    pkce_verifier: String,
    /// Where to go once signed in: a path on this site.
    pub next: String,
    /// When it was begun (Unix seconds): an old one is not finished.
    begun: i64,
}

/// How long a begun sign-in may take at the provider.
const PENDING_FOR_SECS: i64 = 15 * 60;

/// What the provider's answer said, if it can be trusted.
pub struct Finished {
    /// The value of the configured claim; `None` when the token lacks it.
    pub claim_value: Option<String>,
    /// The ID token, kept to end the provider's session at sign-out.
    pub id_token: String,
}

/// Why a sign-in through the provider did not finish. The text is for the
/// log only: the person sees a plain page.
#[derive(Debug)]
pub enum Failure {
    /// The provider cannot be reached or answers nonsense.
    Unavailable(String),
    /// The answer does not belong to this sign-in, or cannot be trusted.
    Refused(String),
}

/// How long discovered metadata and keys are used before asking again.
const METADATA_FOR: Duration = Duration::from_secs(3600);

/// The identity provider: its settings and what discovery found, kept for
/// a while and fetched again when a token is signed with an unknown key.
pub struct Provider {
    pub settings: OidcSettings,
    redirect: RedirectUrl,
    after_logout: Option<PostLogoutRedirectUrl>,
    http: reqwest::Client,
    metadata: RwLock<Option<(Arc<ProviderMetadataWithLogout>, Instant)>>,
}

impl Provider {
    /// The provider for `settings`, with this site at `public_url`. Nothing
    /// is fetched yet.
    pub fn new(settings: OidcSettings, public_url: &str) -> Result<Provider, String> {
        let base = public_url.trim_end_matches('/');
        let redirect = RedirectUrl::new(format!("{base}{CALLBACK_PATH}"))
            .map_err(|e| format!("DISTANS_PUBLIC_URL cannot make the callback address: {e}"))?;
        let after_logout = PostLogoutRedirectUrl::new(format!("{base}{AFTER_LOGOUT_PATH}")).ok();
        let http = reqwest::ClientBuilder::new()
            // The provider's answers are read as they are: a redirect
            // could send our requests elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| format!("cannot make the HTTP client: {e}"))?;
        Ok(Provider {
            settings,
            redirect,
            after_logout,
            http,
            metadata: RwLock::new(None),
        })
    }

    /// The provider's metadata and keys: as found before, unless `fresh`
    /// is asked for or they are older than [`METADATA_FOR`].
    async fn metadata(&self, fresh: bool) -> Result<Arc<ProviderMetadataWithLogout>, Failure> {
        if !fresh {
            if let Some((m, at)) = self.metadata.read().await.as_ref() {
                if at.elapsed() < METADATA_FOR {
                    return Ok(m.clone());
                }
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| Failure::Unavailable(format!("issuer: {e}")))?;
        let m = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| Failure::Unavailable(format!("discovery: {}", error_chain(&e))))?;
        let m = Arc::new(m);
        *self.metadata.write().await = Some((m.clone(), Instant::now()));
        Ok(m)
    }

    /// Looks the provider up now, so that a wrong issuer shows at start.
    pub async fn check(&self) -> Result<(), String> {
        self.metadata(true).await.map(|_| ()).map_err(|e| match e {
            Failure::Unavailable(s) | Failure::Refused(s) => s,
        })
    }

    fn client(&self, m: &ProviderMetadataWithLogout) -> OpClient {
        Client::from_provider_metadata(
            m.clone(),
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// Begins a sign-in: the address to send the browser to, and what to
    /// keep in its session until it comes back.
    pub async fn begin(&self, next: String) -> Result<(url::Url, Pending), Failure> {
        let m = self.metadata(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client(&m)
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok((
            url,
            Pending {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next,
                begun: time::OffsetDateTime::now_utc().unix_timestamp(),
            },
        ))
    }

    /// Finishes a sign-in: the provider's answer (`code`, `state`, `iss`)
    /// checked against what was kept, the code exchanged for tokens (with
    /// the PKCE verifier), and the ID token verified.
    pub async fn finish(
        &self,
        pending: Pending,
        code: &str,
        state: &str,
        iss: Option<&str>,
    ) -> Result<Finished, Failure> {
        if !crate::auth::same_secret(&pending.state, state) {
            return Err(Failure::Refused("the state does not match".into()));
        }
        let age = time::OffsetDateTime::now_utc().unix_timestamp() - pending.begun;
        if !(0..=PENDING_FOR_SECS).contains(&age) {
            return Err(Failure::Refused(
                "the sign-in was begun too long ago".into(),
            ));
        }
        // RFC 9207: an answer that names another issuer is not ours.
        if iss.is_some_and(|i| i != self.settings.issuer) {
            return Err(Failure::Refused("the answer names another issuer".into()));
        }
        let m = self.metadata(false).await?;
        let tokens = self
            .client(&m)
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| Failure::Unavailable(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| Failure::Refused(format!("code exchange: {}", error_chain(&e))))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| Failure::Refused("no ID token in the answer".into()))?;
        let nonce = Nonce::new(pending.nonce);
        let value = match self.verified_claim(&m, id_token, &nonce) {
            Ok(v) => v,
            // Signed with a key we do not have: the provider may have
            // rotated its keys. Ask for them again, once.
            Err(openidconnect::ClaimsVerificationError::SignatureVerification(
                openidconnect::SignatureVerificationError::NoMatchingKey,
            )) => {
                let m = self.metadata(true).await?;
                self.verified_claim(&m, id_token, &nonce)
                    .map_err(|e| Failure::Refused(format!("ID token: {e}")))?
            }
            Err(e) => return Err(Failure::Refused(format!("ID token: {e}"))),
        };
        Ok(Finished {
            claim_value: value,
            id_token: id_token.to_string(),
        })
    }

    /// The configured claim of a verified ID token.
    fn verified_claim(
        &self,
        m: &ProviderMetadataWithLogout,
        id_token: &IdToken,
        nonce: &Nonce,
    ) -> Result<Option<String>, openidconnect::ClaimsVerificationError> {
        let client = self.client(m);
        let claims = id_token.claims(&client.id_token_verifier(), nonce)?;
        Ok(match self.settings.claim.as_str() {
            "sub" => Some(claims.subject().to_string()),
            "email" => claims.email().map(|e| e.to_string()),
            other => match claims.additional_claims().0.get(other) {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            },
        })
    }

    /// Where to send the browser to end its session at the provider too,
    /// if the provider offers that (`end_session_endpoint`).
    pub async fn logout_url(&self, id_token: &str) -> Option<url::Url> {
        let m = match self.metadata(false).await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = ?e, "identity provider: cannot end its session");
                return None;
            }
        };
        let end = m.additional_metadata().end_session_endpoint.clone()?;
        let token: IdToken = id_token.parse().ok()?;
        let mut req = LogoutRequest::from(end)
            .set_id_token_hint(&token)
            .set_client_id(ClientId::new(self.settings.client_id.clone()));
        if let Some(after) = &self.after_logout {
            req = req.set_post_logout_redirect_uri(after.clone());
        }
        Some(req.http_get_url())
    }
}

/// An error and its causes on one line, for the log.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(c) = source {
        s.push_str(": ");
        s.push_str(&c.to_string());
        source = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(
        issuer: Option<&str>,
        id: Option<&str>,
        secret: Option<&str>,
    ) -> Result<Option<OidcSettings>, String> {
        OidcSettings::from_config(issuer, id, secret, None, None)
    }

    #[test]
    fn bad_configuration_names_the_variable() {
        assert!(settings(None, None, None).unwrap().is_none());
        let e = settings(None, Some("distans"), None).unwrap_err();
        assert!(e.contains("DISTANS_OIDC_ISSUER"), "{e}");
        let e = settings(Some("login.example.org"), Some("a"), Some("b")).unwrap_err();
        assert!(e.contains("DISTANS_OIDC_ISSUER"), "{e}");
        let e = settings(Some("http://login.example.org"), Some("a"), Some("b")).unwrap_err();
        assert!(e.contains("https"), "{e}");
        let e = settings(Some("https://login.example.org"), None, Some("b")).unwrap_err();
        assert!(e.contains("DISTANS_OIDC_CLIENT_ID"), "{e}");
        let e = settings(Some("https://login.example.org"), Some("a"), Some(" ")).unwrap_err();
        assert!(e.contains("DISTANS_OIDC_CLIENT_SECRET"), "{e}");
        let e = OidcSettings::from_config(
            Some("https://login.example.org"),
            Some("a"),
            Some("b"),
            Some("employee number"),
            None,
        )
        .unwrap_err();
        assert!(e.contains("DISTANS_OIDC_CLAIM"), "{e}");
    }

    #[test]
    fn good_configuration_and_a_secret_that_is_never_shown() {
        let s = settings(
            Some("https://login.example.org/t/v2.0/"),
            Some("a"),
            Some("hemligt"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(s.issuer, "https://login.example.org/t/v2.0/");
        assert_eq!(s.claim, "email");
        assert!(!format!("{s:?}").contains("hemligt"));
        assert!(settings(Some("http://127.0.0.1:9000"), Some("a"), Some("b")).is_ok());
    }
}
