//! Agreements (överenskommelser): written from the template, signed by both parties, frozen, ended.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
