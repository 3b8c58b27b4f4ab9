//! Temporary (crisis) decisions.

pub mod model;
pub mod port;
pub mod service;

pub use model::*;
