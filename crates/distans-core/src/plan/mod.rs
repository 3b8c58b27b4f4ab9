//! Who works where each workday.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;
#[cfg(test)]
pub(crate) mod strategies;

pub use model::*;
