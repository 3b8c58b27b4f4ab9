//! Temporary (crisis) decisions.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
