//! Accounts, passwords, personal API tokens and sessions.

pub(crate) mod memory;
pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
