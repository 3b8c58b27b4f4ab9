//! Personal data and public records: everything distans holds about a
//! person, in one document (GDPR Art. 15); the disposal rules ("gallring")
//! that say how long each type of record is kept and what happens then;
//! legal holds that stop disposal; and the record every disposal run leaves.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
