//! Follow-ups, risk assessments, their checklists and the actions they lead to.

pub mod actions;
pub mod checklist;
pub mod editor;
pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
