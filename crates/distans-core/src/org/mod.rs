//! The organisation: units in a tree, people, sites; imported from the HR system.

pub mod csv;
pub mod model;
pub mod port;
pub mod rules;
pub mod service;
pub mod units;

pub use model::*;
