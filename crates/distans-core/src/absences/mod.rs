//! Absences: entered by hand or imported from the leave system.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
