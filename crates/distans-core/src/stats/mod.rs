//! Statistics and commuting emissions: how remote work is used, for groups
//! and never for one person. Figures are counted by the database from the
//! plan's rules (nothing is stored per person and day); cells covering
//! fewer than the minimum group are suppressed, and a second cell is
//! suppressed where subtracting visible cells would reveal a hidden one.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
