//! Workdays: public holidays and the organisation's own closed days.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
