//! A request made with an idempotency key, and the answer kept for it.

/// A request as far as its key is concerned: who sent it (a hash of their
/// credentials, so that one client's key never answers another), the key,
/// and what was asked (a hash of method, path and body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedRequest {
    pub scope: String,
    pub key: IdempotencyKey,
    pub fingerprint: String,
}

/// A key a client chose: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(pub(crate) String);

impl IdempotencyKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The answer given the first time, as the client got it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAnswer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// What a key says when a request arrives with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// First seen now: the request goes ahead, and its answer is kept.
    New,
    /// Answered before: give that answer again.
    Answered(KeptAnswer),
    /// The first request with this key is still being answered.
    InProgress,
    /// The key was used for another request (another path or body).
    OtherRequest,
}
