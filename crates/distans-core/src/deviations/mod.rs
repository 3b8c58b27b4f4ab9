//! Deviations (avvikelser) reported and handled to closure.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
