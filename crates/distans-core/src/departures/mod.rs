//! People who leave: deactivated at once, their open matters wound up in
//! one transaction, nothing of theirs deleted.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
