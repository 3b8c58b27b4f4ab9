//! Search: one box that finds people, units, agreements and requests —
//! only what the searcher may see (the access policy's search scope).

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
