//! Equipment lent home and collected again.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
