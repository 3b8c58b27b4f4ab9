//! The domain of distans: what the organisation is, who may do what, and the
//! services that carry out each use case.
//!
//! This crate must not know HTTP or SQL. The web layer turns requests into
//! calls on [`Core`]; the store crate implements [`store::Store`].
#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::field_reassign_with_default
    )
)]

pub mod absence;
pub mod access;
pub mod agreement;
pub mod audit;
pub mod calendar;
pub mod cases;
pub mod clock;
pub mod coverage;
pub mod demo;
pub mod error;
pub mod feed;
pub mod import;
pub mod model;
pub mod password;
pub mod plan;
pub mod planning;
pub mod policy;
pub mod request;
pub mod rotation;
pub mod service;
pub mod staffing;
pub mod store;
pub mod token;
pub mod workdays;
// Equipment and redeployment.
pub mod equipment;
pub mod redeployment;
// Deviations.
pub mod deviation;
// Follow-ups.
pub mod checklist;
pub mod followup;

pub use error::CoreError;
pub use service::Core;
