//! Local accounts' passwords set through a one-time link: sent by an
//! administrator, or asked for with "Glömt lösenord?".

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
