//! On-site coverage: the units' rules, each day's coverage, gaps, the sites' occupancy.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
