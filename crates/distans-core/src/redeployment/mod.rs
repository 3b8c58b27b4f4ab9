//! The redeployment view: people across units by skill and availability.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
