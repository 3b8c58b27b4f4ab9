//! Requests for regular remote work and the decisions on them.

pub mod model;
pub mod port;
pub mod service;

pub use model::*;
