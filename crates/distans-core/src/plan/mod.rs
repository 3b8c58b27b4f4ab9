//! Who works where each workday.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
