//! Notifications in the app and the e-mail outbox.

pub mod model;
pub mod port;
pub mod service;

pub use model::*;
