//! The demo municipality, "Sjöviks kommun", generated for demos, tests and benchmarks.

pub mod data;
pub mod equipment;
pub mod followups;
pub mod model;
pub mod port;
pub mod rules;
pub mod service;

#[cfg(test)]
mod tests;

pub use model::*;
