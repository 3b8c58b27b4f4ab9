//! The audit log: a tamper-evident chain of every change.

pub mod model;
pub mod port;
pub mod rules;
pub mod seal;
pub mod service;

pub use model::*;
