//! The rotation planner on stored data: runs, explanations, publishing.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
pub mod runs;
