//! Requests for regular remote work and the decisions on them.

pub mod decide;
pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
