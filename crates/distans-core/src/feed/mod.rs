//! Each person's plan as a secret calendar feed.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
