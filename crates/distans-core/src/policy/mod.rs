//! The remote-work policy, its versions and unit overrides, and the policy engine.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;
pub mod terms;

pub use model::*;
pub use terms::{RemoteDays, Terms};
