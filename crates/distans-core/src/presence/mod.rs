//! Who is where: which colleagues of one's unit plan to be on site on a
//! day ("Vem är på plats?"), each person's choice whether colleagues see
//! it, and a manager's units today (on site, remote, absent, coverage gaps).

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
