//! Agreements (överenskommelser): written from the template, signed by both
//! parties, frozen, ended; development talks set on them.

pub mod model;
mod moves;
pub mod port;
pub mod rules;
pub mod service;
pub mod talks;
pub mod template;

pub use model::*;
