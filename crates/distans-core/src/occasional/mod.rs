//! Occasional days: a day remote, on site or elsewhere instead of what the
//! plan says, within the policy.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
